/* Host profiles: a libconfig file of parameter settings with sources. */
#include "ss_host.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h>

#include "ss_cfgfile.h"
#include "ss_err.h"
#include "ss_grow.h"

static const char *const host_keys[] = {"name", "description", "settings", NULL};
static const char *const setting_keys[] = {"param", "value", "source", NULL};

static int known(const char *const *keys, const char *k)
{
	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(keys[i], k))
			return 1;
	return 0;
}

/* "a, b, c": the hosts in dir, for the message about an unknown one. */
static void list_hosts(const char *dir, char *buf, size_t len)
{
	DIR *d = opendir(dir);
	size_t w = 0;
	struct dirent *e;
	buf[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".cfg") && e->d_name[0] != '.') {
			int r = snprintf(buf + w, len - w, "%s%.*s", w ? ", " : "", (int)(l - 4), e->d_name);
			if (r < 0 || (size_t)r >= len - w)
				break;
			w += (size_t)r;
		}
	}
	closedir(d);
}

#define HFAIL(st, rc, ...)                                                                       \
	do {                                                                                     \
		char m_[1024];                                                                   \
		snprintf(m_, sizeof m_, __VA_ARGS__);                                            \
		ss_errbuf(err, errlen, "%s:%d: %s", path, (st) ? config_setting_source_line(st) : 1, m_); \
		rc_ = (rc);                                                                      \
		goto done;                                                                       \
	} while (0)

/* One host's settings, checked: parameter names and canonical values. */
typedef struct host_item {
	char *name, *text;
} host_item;

typedef struct host_set {
	host_item *v;
	size_t n;
} host_set;

static void host_set_free(host_set *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].name);
		free(h->v[i].text);
	}
	free(h->v);
	memset(h, 0, sizeof *h);
}

/* Reads host `name` (DIR/NAME.cfg, or a file when it holds a '/') and
   checks every setting against the parameters of p. */
static int host_read(const ss_params *p, const char *name, const char *dir, host_set *h, char *err, size_t errlen)
{
	char path[4096];
	memset(h, 0, sizeof *h);
	if (strchr(name, '/'))
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%s/%s.cfg", dir, name);
	struct stat sb;
	if (stat(path, &sb) != 0) {
		char hosts[1024];
		list_hosts(dir, hosts, sizeof hosts);
		ss_errbuf(err, errlen, "host '%s': %s%s%s%s", name, strchr(name, '/') ? "no such file" : "no such host profile",
			  hosts[0] ? " (hosts: " : "", hosts, hosts[0] ? ")" : "");
		return SS_ENOENT;
	}
	config_t cf;
	int rrc = ss_cfgfile_read(&cf, path, err, errlen);
	if (rrc)
		return rrc == SS_ENOMEM ? rrc : SS_EPARSE;
	int rc_ = SS_OK;
	ss_params *q = NULL;
	size_t cap = 0;
	if (ss_params_clone(&q, p) != SS_OK) {
		config_destroy(&cf);
		return SS_ENOMEM;
	}
	config_setting_t *root = config_root_setting(&cf);
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *st = config_setting_get_elem(root, (unsigned)i);
		if (!known(host_keys, config_setting_name(st)))
			HFAIL(st, SS_EINVAL, "unknown key '%s' (expected name, description, settings)", config_setting_name(st));
	}
	const char *fname = NULL;
	config_setting_t *nm = config_lookup(&cf, "name");
	if (!nm || !(fname = config_setting_get_string(nm)))
		HFAIL(nm, SS_EINVAL, "'name' (a string) is required");
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t bl = strlen(base) > 4 ? strlen(base) - 4 : strlen(base);
	if (strlen(fname) != bl || strncmp(fname, base, bl))
		HFAIL(nm, SS_EINVAL, "name '%s' must equal the file name '%.*s'", fname, (int)bl, base);
	config_setting_t *set = config_lookup(&cf, "settings");
	if (!set || !config_setting_is_list(set))
		HFAIL(set, SS_EINVAL, "'settings' must be a list ( { param = \"...\"; value = ...; source = \"...\"; }, ... )");
	for (int i = 0; i < config_setting_length(set); i++) {
		config_setting_t *e = config_setting_get_elem(set, (unsigned)i);
		if (!config_setting_is_group(e))
			HFAIL(e, SS_EINVAL, "each setting must be a group { param = ...; value = ...; source = ...; }");
		for (int k = 0; k < config_setting_length(e); k++) {
			config_setting_t *f = config_setting_get_elem(e, (unsigned)k);
			if (!known(setting_keys, config_setting_name(f)))
				HFAIL(f, SS_EINVAL, "unknown key '%s' in a setting (expected param, value, source)",
				      config_setting_name(f));
		}
		const char *pn = NULL, *src = NULL;
		config_setting_t *v = config_setting_get_member(e, "value");
		char buf[64], msg[512];
		const char *text = v ? ss_cfgfile_scalar_text(v, buf, sizeof buf) : NULL;
		if (!config_setting_lookup_string(e, "param", &pn))
			HFAIL(e, SS_EINVAL, "setting %d: 'param' (a string) is required", i + 1);
		if (!config_setting_lookup_string(e, "source", &src) || !src[0])
			HFAIL(e, SS_EINVAL, "setting '%s': every value needs its 'source' (a reference, or \"assumption: ...\")", pn);
		if (!text)
			HFAIL(e, SS_EINVAL, "setting '%s': 'value' (a number, string or boolean) is required", pn);
		int pi = ss_params_index(q, pn);
		if (pi < 0 || !strcmp(pn, "host"))
			HFAIL(e, SS_EINVAL, "setting '%s': %s", pn, pi < 0 ? "no such parameter of the model" : "a host cannot name a host");
		for (size_t j = 0; j < h->n; j++)
			if (!strcmp(h->v[j].name, pn))
				HFAIL(e, SS_EINVAL, "setting '%s' is given twice", pn);
		if (ss_params_set_text(q, pn, text, msg, sizeof msg))
			HFAIL(v, SS_EINVAL, "setting '%s': %s", pn, msg);
		if (ss_grow(&h->v, &cap, h->n + 1, sizeof *h->v, 8)) {
			rc_ = SS_ENOMEM;
			goto done;
		}
		h->v[h->n].name = strdup(pn);
		h->v[h->n].text = strdup(ss_params_text(q, pn));
		h->n++;
		if (!h->v[h->n - 1].name || !h->v[h->n - 1].text) {
			rc_ = SS_ENOMEM;
			goto done;
		}
	}
done:
	if (rc_)
		host_set_free(h);
	ss_params_free(q);
	config_destroy(&cf);
	return rc_;
}

/* The host p names, or NULL. */
static const char *host_of(const ss_params *p)
{
	int hi = ss_params_index(p, "host");
	return hi >= 0 && p->v[hi].s && p->v[hi].s[0] ? p->v[hi].s : NULL;
}

int ss_host_apply(ss_params *p, const char *dir, char *err, size_t errlen)
{
	const char *name = host_of(p);
	host_set h;
	if (!name)
		return SS_OK;
	int rc = host_read(p, name, dir, &h, err, errlen);
	for (size_t i = 0; rc == SS_OK && i < h.n; i++) {
		char msg[512];
		int pi = ss_params_index(p, h.v[i].name);
		if (!p->v[pi].set && (rc = ss_params_set_text(p, h.v[i].name, h.v[i].text, msg, sizeof msg)))
			ss_errbuf(err, errlen, "host '%s': %s", name, msg);
	}
	host_set_free(&h);
	return rc;
}

int ss_host_release(ss_params *p, const char *name, const char *dir, char *err, size_t errlen)
{
	host_set h;
	int rc = host_read(p, name, dir, &h, err, errlen);
	for (size_t i = 0; rc == SS_OK && i < h.n; i++) {
		char msg[512];
		int pi = ss_params_index(p, h.v[i].name);
		if ((rc = ss_params_set_text(p, h.v[i].name, p->defs[pi].def, msg, sizeof msg)))
			ss_errbuf(err, errlen, "host '%s': %s", name, msg);
		p->v[pi].set = 0;
	}
	host_set_free(&h);
	return rc;
}

int ss_host_setting(const char *dir, const char *name, const char *param, char *out, size_t outlen, char *err,
		    size_t errlen)
{
	char path[4096];
	struct stat sb;
	out[0] = '\0';
	if (strchr(name, '/'))
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%s/%s.cfg", dir, name);
	if (stat(path, &sb) != 0) {
		char hosts[1024];
		list_hosts(dir, hosts, sizeof hosts);
		ss_errbuf(err, errlen, "host '%s': no such host profile (hosts: %s)", name, hosts);
		return SS_ENOENT;
	}
	config_t cf;
	int rc = ss_cfgfile_read(&cf, path, err, errlen);
	if (rc)
		return rc == SS_ENOMEM ? rc : SS_EPARSE;
	rc = SS_ENOENT;
	const config_setting_t *set = config_lookup(&cf, "settings");
	for (int i = 0; set && config_setting_is_list(set) && i < config_setting_length(set); i++) {
		const config_setting_t *e = config_setting_get_elem(set, (unsigned)i);
		const config_setting_t *v = config_setting_get_member(e, "value");
		const char *pn = NULL;
		if (!config_setting_lookup_string(e, "param", &pn) || strcmp(pn, param) || !v)
			continue;
		char buf[64];
		const char *text = ss_cfgfile_scalar_text(v, buf, sizeof buf);
		if (!text || strlen(text) >= outlen) {
			ss_errbuf(err, errlen, "%s:%d: setting '%s' has a bad value", path, config_setting_source_line(v),
				  param);
			rc = SS_EINVAL;
		} else {
			snprintf(out, outlen, "%s", text);
			rc = SS_OK;
		}
		break;
	}
	if (rc == SS_ENOENT)
		ss_errbuf(err, errlen, "%s: host '%s' has no setting '%s'", path, name, param);
	config_destroy(&cf);
	return rc;
}
