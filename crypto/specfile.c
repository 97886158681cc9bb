/* Sourced preset files (ss_specfile.h), read through ss_cfgfile. */
#include "ss_specfile.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "ss_cfgfile.h"
#include "ss_time.h"

int ss_spec_valid_name(const char *n, size_t maxlen)
{
	if (!n || !*n || n[0] == '.' || strlen(n) >= maxlen)
		return 0;
	for (const char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int ss_spec_not_found(const char *label, const char *dir, const char *name, char *err, size_t errlen)
{
	char have[1024] = "";
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);
			if (l <= 4 || strcmp(e->d_name + l - 4, ".cfg") || e->d_name[0] == '.')
				continue;
			if (n == cap) {
				size_t nc = cap ? 2 * cap : 16;
				char **nn = realloc(names, nc * sizeof *nn);
				if (!nn)
					break;
				names = nn;
				cap = nc;
			}
			if ((names[n] = strdup(e->d_name)))
				names[n++][l - 4] = '\0';
		}
		closedir(d);
	}
	if (n)
		qsort(names, n, sizeof names[0], cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(have);
		if (used + 1 < sizeof have)
			snprintf(have + used, sizeof have - used, "%s%s", i ? ", " : "", names[i]);
		free(names[i]);
	}
	free(names);
	ss_errbuf(err, errlen, "no %s '%s' in %s (have: %s)", label, name ? name : "", dir, n ? have : "none");
	return SS_ENOENT;
}

static const ss_speckey *find_key(const ss_specformat *f, const char *name)
{
	for (size_t i = 0; i < f->nkeys; i++)
		if (strcmp(f->keys[i].name, name) == 0)
			return &f->keys[i];
	return NULL;
}

static int set_value(const char *path, const config_setting_t *v, const ss_speckey *k, char *s, char *err,
		     size_t errlen)
{
	char *base = s + k->off;
	if (k->kind == SS_SPEC_STR) {
		const char *b = config_setting_type(v) == CONFIG_TYPE_STRING ? config_setting_get_string(v) : NULL;
		char msg[256] = "a string";
		if (!b || strlen(b) >= k->strlen || (k->check && k->check(b, msg, sizeof msg) != SS_OK))
			return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s must be %s", k->name, msg);
		snprintf(base, k->strlen, "%s", b);
		return SS_OK;
	}
	if (k->kind == SS_SPEC_BOOL && config_setting_type(v) == CONFIG_TYPE_BOOL) {
		*(int *)base = config_setting_get_bool(v);
		return SS_OK;
	}
	if (!ss_cfgfile_is_number(v))
		return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: value must be a number", k->name);
	double x = ss_cfgfile_number(v);
	if (!isfinite(x) || x < 0)
		return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: value must be a finite number >= 0", k->name);
	switch (k->kind) {
	case SS_SPEC_U32:
		if (x != floor(x) || x > 4294967295.0)
			return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: value must be a whole number below 2^32", k->name);
		*(uint32_t *)base = (uint32_t)x;
		break;
	case SS_SPEC_US:
		if (x > 1e9)
			return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: %g us is more than 1000 s", k->name, x);
		*(ss_time *)base = ss_time_from_us(x);
		break;
	case SS_SPEC_BOOL:
		if (x != 0 && x != 1)
			return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: value must be true or false (or 1 or 0)", k->name);
		*(int *)base = x != 0;
		break;
	case SS_SPEC_MEGA:
		if (x > 1e9)
			return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: %g million is out of range", k->name, x);
		*(double *)base = x * 1e6;
		break;
	case SS_SPEC_NUM:
		*(double *)base = x;
		break;
	case SS_SPEC_STR:
		break;
	}
	return SS_OK;
}

static void stem(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	n = n < len - 1 ? n : len - 1;
	memcpy(buf, b, n);
	buf[n] = '\0';
	char *dot = strrchr(buf, '.');
	if (dot)
		*dot = '\0';
}

static int load_file(const ss_specformat *f, const char *path, char *s, char *desc, size_t desclen, char *err,
		     size_t errlen)
{
	config_t cf;
	int rc = ss_cfgfile_read(&cf, path, err, errlen);
	if (rc != SS_OK)
		return rc;
	int *seen = calloc(f->nkeys ? f->nkeys : 1, sizeof *seen);
	if (!seen) {
		config_destroy(&cf);
		ss_errbuf(err, errlen, "out of memory");
		return SS_ENOMEM;
	}
	config_setting_t *root = config_root_setting(&cf);
	char want[256];
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
		const char *nm = config_setting_name(m);
		if (strcmp(nm, "name") && strcmp(nm, "description") && strcmp(nm, "settings")) {
			rc = ss_cfgfile_at(err, errlen, path, m, SS_EINVAL,
				"unknown setting '%s' (expected name, description, settings)", nm);
			goto done;
		}
	}
	const config_setting_t *nm = config_setting_get_member(root, "name");
	stem(path, want, sizeof want);
	if (!nm || config_setting_type(nm) != CONFIG_TYPE_STRING) {
		rc = ss_cfgfile_at(err, errlen, path, nm, SS_EINVAL, "missing name = \"%s\";", want);
		goto done;
	}
	if (strcmp(config_setting_get_string(nm), want) != 0) {
		rc = ss_cfgfile_at(err, errlen, path, nm, SS_EINVAL, "name \"%s\" does not match the file name (expected \"%s\")",
			config_setting_get_string(nm), want);
		goto done;
	}
	const config_setting_t *de = config_setting_get_member(root, "description");
	if (de && config_setting_type(de) != CONFIG_TYPE_STRING) {
		rc = ss_cfgfile_at(err, errlen, path, de, SS_EINVAL, "description must be a string");
		goto done;
	}
	const config_setting_t *st = config_setting_get_member(root, "settings");
	if (!st || config_setting_type(st) != CONFIG_TYPE_LIST) {
		rc = ss_cfgfile_at(err, errlen, path, st ? st : root, SS_EINVAL,
			"missing settings = ( { param = ...; value = ...; source = ...; }, ... );");
		goto done;
	}
	for (int i = 0; i < config_setting_length(st); i++) {
		const config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			rc = ss_cfgfile_at(err, errlen, path, e, SS_EINVAL,
				"each setting is a group { param = ...; value = ...; source = ...; }");
			goto done;
		}
		for (int j = 0; j < config_setting_length(e); j++) {
			const char *fl = config_setting_name(config_setting_get_elem(e, (unsigned)j));
			if (strcmp(fl, "param") && strcmp(fl, "value") && strcmp(fl, "source")) {
				rc = ss_cfgfile_at(err, errlen, path, config_setting_get_elem(e, (unsigned)j), SS_EINVAL,
					"unknown field '%s' (expected param, value, source)", fl);
				goto done;
			}
		}
		const config_setting_t *p = config_setting_get_member(e, "param");
		const config_setting_t *v = config_setting_get_member(e, "value");
		const config_setting_t *so = config_setting_get_member(e, "source");
		if (!p || config_setting_type(p) != CONFIG_TYPE_STRING) {
			rc = ss_cfgfile_at(err, errlen, path, e, SS_EINVAL, "setting without a param name");
			goto done;
		}
		const ss_speckey *k = find_key(f, config_setting_get_string(p));
		if (!k) {
			char list[1024] = "";
			for (size_t q = 0; q < f->nkeys; q++) {
				size_t used = strlen(list);
				if (used + 1 < sizeof list)
					snprintf(list + used, sizeof list - used, "%s%s", q ? ", " : "", f->keys[q].name);
			}
			rc = ss_cfgfile_at(err, errlen, path, p, SS_EINVAL, "unknown param '%s' (expected one of %s)",
				config_setting_get_string(p), list);
			goto done;
		}
		if (seen[k - f->keys]) {
			rc = ss_cfgfile_at(err, errlen, path, p, SS_EINVAL, "%s is set twice", k->name);
			goto done;
		}
		seen[k - f->keys] = 1;
		if (!v) {
			rc = ss_cfgfile_at(err, errlen, path, e, SS_EINVAL, "%s has no value", k->name);
			goto done;
		}
		if (!so || config_setting_type(so) != CONFIG_TYPE_STRING || !*config_setting_get_string(so)) {
			rc = ss_cfgfile_at(err, errlen, path, e, SS_EINVAL,
				"%s needs a source (a data sheet, driver source or ASSUMPTION with the reason)", k->name);
			goto done;
		}
		if ((rc = set_value(path, v, k, s, err, errlen)) != SS_OK)
			goto done;
	}
	for (const char *const *r = f->required; r && *r; r++) {
		const ss_speckey *k = find_key(f, *r);
		if (!k || !seen[k - f->keys]) {
			rc = ss_cfgfile_at(err, errlen, path, st, SS_EINVAL, "missing param '%s'", *r);
			goto done;
		}
	}
	char msg[256];
	if (f->check && f->check(s, msg, sizeof msg) != SS_OK) {
		rc = ss_cfgfile_at(err, errlen, path, st, SS_EINVAL, "%s", msg);
		goto done;
	}
	if (desc && desclen)
		snprintf(desc, desclen, "%s", de ? config_setting_get_string(de) : "");
	rc = SS_OK;
done:
	free(seen);
	config_destroy(&cf);
	return rc;
}

int ss_spec_load(const ss_specformat *f, const char *dir, const char *name, void *spec, char *desc, size_t desclen,
		 char *err, size_t errlen)
{
	char path[4096];
	if (!dir || !*dir) {
		ss_errbuf(err, errlen, "no %s directory given", f->label);
		return SS_EINVAL;
	}
	if (!ss_spec_valid_name(name, 256)) {
		ss_errbuf(err, errlen, "invalid %s name '%s': use letters, digits, '-', '_' and '.'", f->label,
			  name ? name : "");
		return SS_EINVAL;
	}
	if ((size_t)snprintf(path, sizeof path, "%s/%s.cfg", dir, name) >= sizeof path) {
		ss_errbuf(err, errlen, "%s path too long", f->label);
		return SS_EINVAL;
	}
	FILE *fp = fopen(path, "r");
	if (!fp)
		return ss_spec_not_found(f->label, dir, name, err, errlen);
	fclose(fp);
	char *s = calloc(1, f->size);
	if (!s) {
		ss_errbuf(err, errlen, "out of memory");
		return SS_ENOMEM;
	}
	int rc = load_file(f, path, s, desc, desclen, err, errlen);
	if (rc == SS_OK)
		memcpy(spec, s, f->size);
	free(s);
	return rc;
}

int ss_spec_get(const ss_specformat *f, const void *spec, const char *key, double *value)
{
	const ss_speckey *k = find_key(f, key);
	if (!k || k->kind == SS_SPEC_STR)
		return SS_ENOENT;
	const char *base = (const char *)spec + k->off;
	switch (k->kind) {
	case SS_SPEC_U32:
		*value = *(const uint32_t *)base;
		break;
	case SS_SPEC_US:
		*value = ss_time_to_us(*(const ss_time *)base);
		break;
	case SS_SPEC_BOOL:
		*value = *(const int *)base;
		break;
	case SS_SPEC_MEGA:
		*value = *(const double *)base / 1e6;
		break;
	case SS_SPEC_NUM:
		*value = *(const double *)base;
		break;
	case SS_SPEC_STR:
		break;
	}
	return SS_OK;
}
