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

/* Writes derived profile `name` of dir (from the latest calibration, a
   quick one run first if there is none) to results/profiles/NAME.cfg;
   path receives the file's name. */
static int write_derived(const char *dir, const char *name, char *path, size_t plen, char *err, size_t errlen)
{
	if ((mkdir("results", 0777) != 0 && errno != EEXIST) || (mkdir("results/profiles", 0777) != 0 && errno != EEXIST)) {
		ss_errbuf(err, errlen, "cannot create results/profiles/: %s", strerror(errno));
		return SS_EIO;
	}
	ss_profile *p = NULL;
	int rc = ss_cmd_calibrate_profile("results/calibration.db", dir, name, &p, err, errlen);
	if (rc)
		return rc;
	snprintf(path, plen, "results/profiles/%s.cfg", name);
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
	return rc;
}

/* Is crypto profile `name` of dir derived from a calibration? (0 for a
   file path or an unknown name: the model reports those.) */
static int derived_name(const char *dir, const char *name)
{
	int d = 0;
	char e[512];
	return name && *name && !strchr(name, '/') && ss_profile_is_derived(dir, name, &d, e, sizeof e) == SS_OK && d;
}

/* A netpair host role ("sender", "receiver"): the crypto profile its host
   profile names (cpu_profile), or the one ROLE_profile sets, when it is
   derived, becomes a file ROLE_profile points at. */
static int resolve_role(ss_scenario *s, const char *datadir, const char *role, char *err, size_t errlen)
{
	char key[64], dir[4096], hdir[4096], name[256], e[1024];
	snprintf(key, sizeof key, "%s_profile", role);
	if (ss_params_index(s->base, key) < 0 || ss_params_index(s->base, role) < 0)
		return SS_OK;
	snprintf(dir, sizeof dir, "%s/crypto/profiles", datadir);
	snprintf(hdir, sizeof hdir, "%s/hosts", datadir);
	const char *given = ss_params_text(s->base, key);
	int swept = 0;
	for (size_t g = 0; g < s->ngroups; g++)
		for (size_t a = 0; a < s->groups[g].naxes; a++) {
			const ss_axis *ax = &s->groups[g].axes[a];
			int is_role = !strcmp(ax->key, role), is_key = !strcmp(ax->key, key);
			if (!is_role && !is_key)
				continue;
			swept |= is_key || !(given && *given);
			for (size_t i = 0; i < ax->n; i++) {
				if (is_role && !(given && *given) &&
				    ss_host_setting(hdir, ax->values[i], "cpu_profile", name, sizeof name, e, sizeof e) != SS_OK)
					continue; /* the model names an unknown or malformed host */
				const char *pn = is_key ? ax->values[i] : name;
				if (derived_name(dir, pn)) {
					ss_errbuf(err, errlen, "%s: sweeping %s over '%s', whose crypto profile '%s' is "
							       "this host's calibration, is not supported; set it in params",
						  s->path, ax->key, ax->values[i], pn);
					return SS_EINVAL;
				}
			}
		}
	if (swept)
		return SS_OK;
	if (given && *given)
		snprintf(name, sizeof name, "%s", given);
	else if (ss_host_setting(hdir, ss_params_text(s->base, role), "cpu_profile", name, sizeof name, e, sizeof e) !=
		 SS_OK)
		return SS_OK; /* the model names an unknown or malformed host */
	if (!derived_name(dir, name))
		return SS_OK;
	char path[512], set[600];
	int rc = write_derived(dir, name, path, sizeof path, err, errlen);
	if (rc)
		return rc;
	snprintf(set, sizeof set, "%s=%s", key, path);
	return ss_scenario_set(s, set, err, errlen);
}

/* A crypto profile parameter `key` (mpstack's `profile`, cryptohost's
   `cpu_profile`), directly or through a host. */
static int resolve_profile(ss_scenario *s, const char *datadir, const char *key, char *err, size_t errlen)
{
	if (ss_params_index(s->base, key) < 0)
		return SS_OK;
	char dir[4096], name_buf[256];
	const char *name = ss_params_text(s->base, key);
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
			snprintf(name_buf, sizeof name_buf, "%s", ss_params_text(eff, key));
		ss_params_free(eff);
		if (hrc)
			return hrc == SS_ENOMEM ? hrc : SS_EINVAL;
		name = name_buf;
	}
	for (size_t g = 0; g < s->ngroups; g++)
		for (size_t a = 0; a < s->groups[g].naxes; a++)
			if (!strcmp(s->groups[g].axes[a].key, key)) {
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
	char path[512];
	if ((rc = write_derived(dir, name, path, sizeof path, err, errlen)))
		return rc;
	char set[600];
	snprintf(set, sizeof set, "%s=%s", key, path);
	return ss_scenario_set(s, set, err, errlen);
}

int ss_profiles_resolve(ss_scenario *s, const char *datadir, char *err, size_t errlen)
{
	int rc = resolve_profile(s, datadir, "profile", err, errlen);
	if (rc == SS_OK)
		rc = resolve_profile(s, datadir, "cpu_profile", err, errlen);
	if (rc == SS_OK)
		rc = resolve_role(s, datadir, "sender", err, errlen);
	if (rc == SS_OK)
		rc = resolve_role(s, datadir, "receiver", err, errlen);
	return rc;
}
