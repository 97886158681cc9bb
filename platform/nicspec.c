/* NIC presets as data: platform/nics/NAME.cfg (libconfig), read through
   crypto/ss_cfgfile. Format:
     name = "e1000-82546";          # must equal the file name
     description = "one line";
     settings = (
       { param = "tx_ring"; value = 256; source = "where it comes from"; },
       ...
     );
   Every setting needs a non-empty source. Times are in microseconds. */
#include "ss_nic.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "ss_cfgfile.h"
#include "ss_err.h"

typedef enum kind { K_U32, K_US, K_BOOL, K_MBPS, K_BUS } kind;

static const struct key {
	const char *name;
	kind kind;
	size_t off;
	const char *what;
} keys[] = {
	{.name = "tx_ring", .kind = K_U32, .off = offsetof(ss_nic_spec, tx_ring), .what = "tx descriptors"},
	{.name = "rx_ring", .kind = K_U32, .off = offsetof(ss_nic_spec, rx_ring), .what = "rx descriptors (0: byte ring only)"},
	{.name = "rx_queues", .kind = K_U32, .off = offsetof(ss_nic_spec, rx_queues), .what = "receive queues with RSS (0: 1)"},
	{.name = "rx_buf_bytes", .kind = K_U32, .off = offsetof(ss_nic_spec, rx_buf_bytes), .what = "receive byte ring"},
	{.name = "rx_buf_hdr", .kind = K_U32, .off = offsetof(ss_nic_spec, rx_buf_hdr), .what = "per-frame bytes in the byte ring"},
	{.name = "dma_hdr", .kind = K_U32, .off = offsetof(ss_nic_spec, dma_hdr), .what = "link header bytes DMAed"},
	{.name = "desc_bytes", .kind = K_U32, .off = offsetof(ss_nic_spec, desc_bytes), .what = "descriptor DMA per packet"},
	{.name = "irq_min_interval_us", .kind = K_US, .off = offsetof(ss_nic_spec, irq_min_interval), .what = "minimum interval between interrupts"},
	{.name = "irq_delay_us", .kind = K_US, .off = offsetof(ss_nic_spec, irq_delay), .what = "rx packet timer"},
	{.name = "irq_abs_delay_us", .kind = K_US, .off = offsetof(ss_nic_spec, irq_abs_delay), .what = "rx absolute timer"},
	{.name = "tx_irq_delay_us", .kind = K_US, .off = offsetof(ss_nic_spec, tx_irq_delay), .what = "tx packet timer"},
	{.name = "tx_irq_abs_delay_us", .kind = K_US, .off = offsetof(ss_nic_spec, tx_irq_abs_delay), .what = "tx absolute timer"},
	{.name = "tx_irq", .kind = K_BOOL, .off = offsetof(ss_nic_spec, tx_irq), .what = "tx completions interrupt"},
	{.name = "tx_copy", .kind = K_BOOL, .off = offsetof(ss_nic_spec, tx_copy), .what = "driver copies tx packets"},
	{.name = "rx_copy", .kind = K_BOOL, .off = offsetof(ss_nic_spec, rx_copy), .what = "driver copies rx packets"},
	{.name = "max_mbps", .kind = K_MBPS, .off = offsetof(ss_nic_spec, max_bps), .what = "fastest link"},
	{.name = "bus", .kind = K_BUS, .off = offsetof(ss_nic_spec, bus), .what = "I/O bus preset"},
};

#define NKEYS (sizeof keys / sizeof keys[0])

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int valid_name(const char *n)
{
	if (!n || !*n || n[0] == '.')
		return 0;
	for (const char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* "no NIC 'x' in DIR (have: a, b)". */
static int not_found(const char *dir, const char *name, char *err, size_t errlen)
{
	char have[512] = "";
	char *names[64];
	size_t n = 0;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) && n < sizeof names / sizeof names[0]) {
			size_t l = strlen(e->d_name);
			if (l > 4 && strcmp(e->d_name + l - 4, ".cfg") == 0 && (names[n] = strdup(e->d_name)))
				names[n++][l - 4] = '\0';
		}
		closedir(d);
	}
	qsort(names, n, sizeof names[0], cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(have);
		snprintf(have + used, sizeof have - used, "%s%s", i ? ", " : "", names[i]);
		free(names[i]);
	}
	ss_errbuf(err, errlen, "no NIC '%s' in %s (have: %s)", name, dir, n ? have : "none");
	return SS_ENOENT;
}

static int set_value(const char *path, const config_setting_t *v, const struct key *k, ss_nic_spec *s, char *err,
		     size_t errlen)
{
	char *base = (char *)s + k->off;
	if (k->kind == K_BUS) {
		const char *b = config_setting_type(v) == CONFIG_TYPE_STRING ? config_setting_get_string(v) : NULL;
		ss_iobus_spec bs;
		if (!b || ss_iobus_preset(b, &bs) != SS_OK)
			return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "bus must be one of %s", ss_iobus_presets());
		snprintf(s->bus, sizeof s->bus, "%s", b);
		return SS_OK;
	}
	if (k->kind == K_BOOL && config_setting_type(v) == CONFIG_TYPE_BOOL) {
		*(int *)base = config_setting_get_bool(v);
		return SS_OK;
	}
	if (!ss_cfgfile_is_number(v))
		return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: value must be a number", k->name);
	double x = config_setting_get_float(v);
	if (config_setting_type(v) != CONFIG_TYPE_FLOAT)
		x = (double)config_setting_get_int64(v);
	if (!isfinite(x) || x < 0)
		return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: value must be a finite number >= 0", k->name);
	switch (k->kind) {
	case K_U32:
		if (x != floor(x) || x > 4294967295.0)
			return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: value must be a whole number below 2^32", k->name);
		*(uint32_t *)base = (uint32_t)x;
		break;
	case K_US:
		if (x > 1e9)
			return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: %g us is more than 1000 s", k->name, x);
		*(ss_time *)base = ss_time_from_us(x);
		break;
	case K_BOOL:
		if (x != 0 && x != 1)
			return ss_cfgfile_at(err, errlen, path, v, SS_EINVAL, "%s: value must be true or false (or 1 or 0)", k->name);
		*(int *)base = x != 0;
		break;
	case K_MBPS:
		*(double *)base = x * 1e6;
		break;
	case K_BUS:
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

static int load_file(const char *path, ss_nic_spec *spec, char *desc, size_t desclen, char *err, size_t errlen)
{
	config_t cf;
	int rc = ss_cfgfile_read(&cf, path, err, errlen);
	if (rc != SS_OK)
		return rc;
	ss_nic_spec s;
	memset(&s, 0, sizeof s);
	config_setting_t *root = config_root_setting(&cf);
	char want[256];
	int seen[NKEYS] = {0};
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
	if (desc && desclen)
		snprintf(desc, desclen, "%s", de ? config_setting_get_string(de) : "");
	const config_setting_t *st = config_setting_get_member(root, "settings");
	if (!st || config_setting_type(st) != CONFIG_TYPE_LIST) {
		rc = ss_cfgfile_at(err, errlen, path, st ? st : root, SS_EINVAL, "missing settings = ( { param = ...; value = ...; source = ...; }, ... );");
		goto done;
	}
	for (int i = 0; i < config_setting_length(st); i++) {
		const config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			rc = ss_cfgfile_at(err, errlen, path, e, SS_EINVAL, "each setting is a group { param = ...; value = ...; source = ...; }");
			goto done;
		}
		for (int j = 0; j < config_setting_length(e); j++) {
			const char *f = config_setting_name(config_setting_get_elem(e, (unsigned)j));
			if (strcmp(f, "param") && strcmp(f, "value") && strcmp(f, "source")) {
				rc = ss_cfgfile_at(err, errlen, path, config_setting_get_elem(e, (unsigned)j), SS_EINVAL,
					"unknown field '%s' (expected param, value, source)", f);
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
		const struct key *k = find_key(config_setting_get_string(p));
		if (!k) {
			char list[512] = "";
			for (size_t q = 0; q < NKEYS; q++) {
				size_t used = strlen(list);
				snprintf(list + used, sizeof list - used, "%s%s", q ? ", " : "", keys[q].name);
			}
			rc = ss_cfgfile_at(err, errlen, path, p, SS_EINVAL, "unknown param '%s' (expected one of %s)",
				config_setting_get_string(p), list);
			goto done;
		}
		if (seen[k - keys]) {
			rc = ss_cfgfile_at(err, errlen, path, p, SS_EINVAL, "%s is set twice", k->name);
			goto done;
		}
		seen[k - keys] = 1;
		if (!v) {
			rc = ss_cfgfile_at(err, errlen, path, e, SS_EINVAL, "%s has no value", k->name);
			goto done;
		}
		if (!so || config_setting_type(so) != CONFIG_TYPE_STRING || !*config_setting_get_string(so)) {
			rc = ss_cfgfile_at(err, errlen, path, e, SS_EINVAL, "%s needs a source (a data sheet, driver source or ASSUMPTION with the reason)",
				k->name);
			goto done;
		}
		if ((rc = set_value(path, v, k, &s, err, errlen)) != SS_OK)
			goto done;
	}
	static const char *const required[] = {"tx_ring", "rx_ring", "desc_bytes", "dma_hdr", "irq_min_interval_us",
					       "tx_irq", "bus"};
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		if (!seen[find_key(required[i]) - keys]) {
			rc = ss_cfgfile_at(err, errlen, path, st, SS_EINVAL, "missing param '%s'", required[i]);
			goto done;
		}
	char msg[256];
	if (ss_nic_spec_check(&s, msg, sizeof msg) != SS_OK) {
		rc = ss_cfgfile_at(err, errlen, path, st, SS_EINVAL, "%s", msg);
		goto done;
	}
	*spec = s;
	rc = SS_OK;
done:
	config_destroy(&cf);
	return rc;
}

int ss_nic_spec_load(const char *dir, const char *name, ss_nic_spec *spec, char *desc, size_t desclen, char *err,
		     size_t errlen)
{
	char path[4096];
	if (!dir || !*dir) {
		ss_errbuf(err, errlen, "no NIC directory given");
		return SS_EINVAL;
	}
	if (!valid_name(name)) {
		ss_errbuf(err, errlen, "invalid NIC name '%s': use letters, digits, '-', '_' and '.'", name ? name : "");
		return SS_EINVAL;
	}
	if ((size_t)snprintf(path, sizeof path, "%s/%s.cfg", dir, name) >= sizeof path) {
		ss_errbuf(err, errlen, "NIC path too long");
		return SS_EINVAL;
	}
	FILE *f = fopen(path, "r");
	if (!f)
		return not_found(dir, name, err, errlen);
	fclose(f);
	return load_file(path, spec, desc, desclen, err, errlen);
}

int ss_nic_spec_get(const ss_nic_spec *s, const char *key, double *value)
{
	const struct key *k = find_key(key);
	if (!k || k->kind == K_BUS)
		return SS_ENOENT;
	const char *base = (const char *)s + k->off;
	switch (k->kind) {
	case K_U32:
		*value = *(const uint32_t *)base;
		break;
	case K_US:
		*value = ss_time_to_us(*(const ss_time *)base);
		break;
	case K_BOOL:
		*value = *(const int *)base;
		break;
	case K_MBPS:
		*value = *(const double *)base / 1e6;
		break;
	case K_BUS:
		break;
	}
	return SS_OK;
}
