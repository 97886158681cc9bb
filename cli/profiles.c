/* Resolving derived cost profiles for scenarios. */
#include "ss_profiles.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ss_cmd_calibrate.h"
#include "ss_err.h"
#include "ss_host.h"
#include "ss_profile.h"

int ss_profiles_resolve(ss_scenario *s, const char *datadir, char *err, size_t errlen)
{
	if (ss_params_index(s->base, "profile") < 0)
		return SS_OK;
	char dir[4096], name_buf[256];
	const char *name = ss_params_text(s->base, "profile");
	snprintf(dir, sizeof dir, "%s/crypto/profiles", datadir);
	if (ss_params_index(s->base, "host") >= 0) {
		/* The crypto profile a host profile names counts as given. */
		char hdir[4096];
		ss_params *eff = NULL;
		snprintf(hdir, sizeof hdir, "%s/hosts", datadir);
		int hrc = ss_params_clone(&eff, s->base);
		if (hrc == SS_OK)
			hrc = ss_host_apply(eff, hdir, err, errlen);
		if (hrc == SS_OK)
			snprintf(name_buf, sizeof name_buf, "%s", ss_params_text(eff, "profile"));
		ss_params_free(eff);
		if (hrc)
			return hrc == SS_ENOMEM ? hrc : SS_EINVAL;
		name = name_buf;
	}
	for (size_t g = 0; g < s->ngroups; g++)
		for (size_t a = 0; a < s->groups[g].naxes; a++)
			if (!strcmp(s->groups[g].axes[a].key, "profile")) {
				for (size_t i = 0; i < s->groups[g].axes[a].n; i++) {
					int d = 0;
					if (!strchr(s->groups[g].axes[a].values[i], '/') &&
					    ss_profile_is_derived(dir, s->groups[g].axes[a].values[i], &d, err, errlen) == SS_OK && d) {
						ss_errbuf(err, errlen, "%s: sweeping over the calibrated profile '%s' is not supported; "
								       "set it in params",
							  s->path, s->groups[g].axes[a].values[i]);
						return SS_EINVAL;
					}
				}
				return SS_OK;
			}
	if (!name || strchr(name, '/'))
		return SS_OK;
	int derived = 0;
	int rc = ss_profile_is_derived(dir, name, &derived, err, errlen);
	if (rc || !derived)
		return rc == SS_ENOENT ? SS_OK : rc; /* an unknown name is reported by the model */
	if ((mkdir("results", 0777) != 0 && errno != EEXIST) || (mkdir("results/profiles", 0777) != 0 && errno != EEXIST)) {
		ss_errbuf(err, errlen, "cannot create results/profiles/: %s", strerror(errno));
		return SS_EIO;
	}
	ss_profile *p = NULL;
	if ((rc = ss_cmd_calibrate_profile("results/calibration.db", dir, name, &p, err, errlen)))
		return rc;
	char path[512];
	snprintf(path, sizeof path, "results/profiles/%s.cfg", name);
	FILE *f = fopen(path, "w");
	if (!f) {
		ss_profile_free(p);
		ss_errbuf(err, errlen, "%s: %s", path, strerror(errno));
		return SS_EIO;
	}
	rc = ss_profile_write(p, f, "written by secsim from the latest calibration in results/calibration.db", err, errlen);
	if (fclose(f) != 0 && rc == SS_OK) {
		ss_errbuf(err, errlen, "%s: %s", path, strerror(errno));
		rc = SS_EIO;
	}
	ss_profile_free(p);
	if (rc)
		return rc;
	char set[600];
	snprintf(set, sizeof set, "profile=%s", path);
	return ss_scenario_set(s, set, err, errlen);
}
