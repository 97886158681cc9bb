/* Protocol cost profiles (ss_protoprof.h): libconfig files of per-layer,
   per-direction costs with sources. */
#include "ss_protoprof.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "ss_cfgfile.h"
#include "ss_err.h"
#include "ss_specfile.h"

#define NAMELEN 64
#define TEXTLEN 512

/* The bound crypto profiles use (crypto/profile.c): 1 s per packet or
   per byte is far above any layer on any CPU, and keeps a packet's cost
   well inside the picosecond clock. */
#define MAX_COST_NS 1e9

typedef struct cost {
	int present;
	double per_packet_ns, per_byte_ns;
	double per_packet_ps, per_byte_ps; /* the same in ps, for the fast path */
	char source[TEXTLEN];
} cost;

struct ss_protoprof {
	char name[NAMELEN];
	char description[TEXTLEN];
	char cpu[TEXTLEN];
	double clock_mhz;
	cost c[SS_PP_NLAYERS][SS_PP_NDIRS];
};

static const char *const layer_names[SS_PP_NLAYERS] = {
	[SS_PP_SYSCALL] = "syscall", [SS_PP_COPY] = "copy", [SS_PP_TCP] = "tcp",
	[SS_PP_IP] = "ip",           [SS_PP_ETH] = "eth",   [SS_PP_IRQ] = "irq",
	[SS_PP_SOFTIRQ] = "softirq", [SS_PP_ESP] = "esp",   [SS_PP_AH] = "ah",
	[SS_PP_SKB] = "skb",
};
static const char *const dir_names[SS_PP_NDIRS] = {[SS_PP_TX] = "tx", [SS_PP_RX] = "rx"};

const char *ss_protoprof_layer_name(int layer)
{
	return layer >= 0 && layer < SS_PP_NLAYERS ? layer_names[layer] : NULL;
}

int ss_protoprof_layer_find(const char *name)
{
	for (int i = 0; name && i < SS_PP_NLAYERS; i++)
		if (!strcmp(layer_names[i], name))
			return i;
	return -1;
}

static int valid_cost(double v) { return isfinite(v) && v >= 0 && v <= MAX_COST_NS; }

static void put(cost *c, double pp, double pb, const char *src)
{
	c->present = 1;
	c->per_packet_ns = pp;
	c->per_byte_ns = pb;
	c->per_packet_ps = pp * (double)SS_PS_PER_NS;
	c->per_byte_ps = pb * (double)SS_PS_PER_NS;
	snprintf(c->source, sizeof c->source, "%s", src);
}

/* ---- reading files ---- */

/* A string member of g: its value, or NULL with the message set. */
static const char *get_string(const char *path, const config_setting_t *g, const char *key, int nonempty,
			      char *err, size_t errlen, int *rc)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	if (!s) {
		*rc = ss_cfgfile_at(err, errlen, path, g, SS_EINVAL, "missing '%s'", key);
		return NULL;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		*rc = ss_cfgfile_at(err, errlen, path, s, SS_EINVAL, "'%s' must be a string in double quotes", key);
		return NULL;
	}
	const char *v = config_setting_get_string(s);
	if (nonempty && !*v) {
		*rc = ss_cfgfile_at(err, errlen, path, s, SS_EINVAL, "'%s' is empty", key);
		return NULL;
	}
	return v;
}

static int get_cost(const char *path, const config_setting_t *g, const char *what, const char *key, double *v,
		    char *err, size_t errlen)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	if (!s)
		return ss_cfgfile_at(err, errlen, path, g, SS_EINVAL, "%s: missing cost '%s'", what, key);
	if (!ss_cfgfile_is_number(s))
		return ss_cfgfile_at(err, errlen, path, s, SS_EINVAL, "%s: '%s' must be a number", what, key);
	*v = ss_cfgfile_number(s);
	if (!valid_cost(*v))
		return ss_cfgfile_at(err, errlen, path, s, SS_EINVAL, "%s: '%s' = %g: a cost must be >= 0 and at most 1e9 ns",
			  what, key, *v);
	return SS_OK;
}

static int read_entry(const char *path, const config_setting_t *g, ss_protoprof *p, char *err, size_t errlen)
{
	static const char *const fields[] = {"layer", "dir", "per_packet_ns", "per_byte_ns", "source", NULL};
	int rc = SS_OK;
	if (!config_setting_is_group(g))
		return ss_cfgfile_at(err, errlen, path, g, SS_EINVAL,
			  "each entry of 'costs' must be a group { layer = ...; dir = ...; per_packet_ns = ...; "
			  "per_byte_ns = ...; source = ...; }");
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		int known = 0;
		for (int k = 0; fields[k]; k++)
			known |= !strcmp(config_setting_name(m), fields[k]);
		if (!known)
			return ss_cfgfile_at(err, errlen, path, m, SS_EINVAL,
				  "unknown field '%s' (expected layer, dir, per_packet_ns, per_byte_ns, source)",
				  config_setting_name(m));
	}
	const char *ln = get_string(path, g, "layer", 1, err, errlen, &rc);
	if (!ln)
		return rc;
	int layer = ss_protoprof_layer_find(ln);
	if (layer < 0)
		return ss_cfgfile_at(err, errlen, path, config_setting_get_member(g, "layer"), SS_EINVAL,
			  "unknown layer '%s' (expected syscall, copy, tcp, ip, eth, irq, softirq, esp, ah, skb)", ln);
	const char *dn = get_string(path, g, "dir", 1, err, errlen, &rc);
	if (!dn)
		return rc;
	int d0, d1;
	if (!strcmp(dn, "tx"))
		d0 = d1 = SS_PP_TX;
	else if (!strcmp(dn, "rx"))
		d0 = d1 = SS_PP_RX;
	else if (!strcmp(dn, "any"))
		d0 = SS_PP_TX, d1 = SS_PP_RX;
	else
		return ss_cfgfile_at(err, errlen, path, config_setting_get_member(g, "dir"), SS_EINVAL,
			  "%s: unknown dir '%s' (expected tx, rx or any)", ln, dn);
	char what[NAMELEN];
	snprintf(what, sizeof what, "%s %s", ln, dn);
	double pp, pb;
	if ((rc = get_cost(path, g, what, "per_packet_ns", &pp, err, errlen)) != SS_OK ||
	    (rc = get_cost(path, g, what, "per_byte_ns", &pb, err, errlen)) != SS_OK)
		return rc;
	const char *src = get_string(path, g, "source", 1, err, errlen, &rc);
	if (!src)
		return rc;
	for (int d = d0; d <= d1; d++)
		if (p->c[layer][d].present)
			return ss_cfgfile_at(err, errlen, path, g, SS_EINVAL, "%s %s: cost given twice", ln, dir_names[d]);
	for (int d = d0; d <= d1; d++)
		put(&p->c[layer][d], pp, pb, src);
	return SS_OK;
}

static void stem(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	snprintf(buf, len, "%s", b);
	char *dot = strrchr(buf, '.');
	if (dot && !strcmp(dot, ".cfg"))
		*dot = '\0';
}

int ss_protoprof_load_file(ss_protoprof **out, const char *path, char *err, size_t errlen)
{
	static const char *const top[] = {"name", "description", "cpu", "clock_mhz", "costs", NULL};
	config_t cf;
	*out = NULL;
	int rc = ss_cfgfile_read(&cf, path, err, errlen);
	if (rc != SS_OK)
		return rc == SS_ENOENT || rc == SS_ENOMEM ? rc : SS_EPARSE;
	ss_protoprof *p = calloc(1, sizeof *p);
	if (!p) {
		config_destroy(&cf);
		ss_errbuf(err, errlen, "out of memory");
		return SS_ENOMEM;
	}
	config_setting_t *root = config_root_setting(&cf);
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
		int known = 0;
		for (int k = 0; top[k]; k++)
			known |= !strcmp(config_setting_name(m), top[k]);
		if (!known) {
			rc = ss_cfgfile_at(err, errlen, path, m, SS_EINVAL,
				"unknown setting '%s' (expected name, description, cpu, clock_mhz, costs)",
				config_setting_name(m));
			goto done;
		}
	}
	const char *s;
	char want[NAMELEN];
	if (!(s = get_string(path, root, "name", 1, err, errlen, &rc)))
		goto done;
	stem(path, want, sizeof want);
	if (strcmp(s, want)) {
		rc = ss_cfgfile_at(err, errlen, path, config_setting_get_member(root, "name"), SS_EINVAL,
			"name \"%s\" does not match the file name (expected \"%s\")", s, want);
		goto done;
	}
	snprintf(p->name, sizeof p->name, "%s", s);
	if (!(s = get_string(path, root, "description", 1, err, errlen, &rc)))
		goto done;
	snprintf(p->description, sizeof p->description, "%s", s);
	if (config_setting_get_member(root, "cpu")) {
		if (!(s = get_string(path, root, "cpu", 0, err, errlen, &rc)))
			goto done;
		snprintf(p->cpu, sizeof p->cpu, "%s", s);
	}
	const config_setting_t *ck = config_setting_get_member(root, "clock_mhz");
	if (ck) {
		if (!ss_cfgfile_is_number(ck) || !(ss_cfgfile_number(ck) > 0) || !isfinite(ss_cfgfile_number(ck))) {
			rc = ss_cfgfile_at(err, errlen, path, ck, SS_EINVAL, "clock_mhz must be a finite number > 0");
			goto done;
		}
		p->clock_mhz = ss_cfgfile_number(ck);
	}
	const config_setting_t *costs = config_setting_get_member(root, "costs");
	if (!costs || !config_setting_is_list(costs)) {
		rc = ss_cfgfile_at(err, errlen, path, costs ? costs : root, SS_EINVAL,
			"missing costs = ( { layer = ...; dir = ...; per_packet_ns = ...; per_byte_ns = ...; source = ...; }, ... );");
		goto done;
	}
	for (int i = 0; i < config_setting_length(costs); i++)
		if ((rc = read_entry(path, config_setting_get_elem(costs, (unsigned)i), p, err, errlen)) != SS_OK)
			goto done;
	for (int l = 0; l < SS_PP_NLAYERS; l++)
		for (int d = 0; d < SS_PP_NDIRS; d++)
			if (!p->c[l][d].present) {
				rc = ss_cfgfile_at(err, errlen, path, costs, SS_EINVAL,
					"no cost for layer %s, dir %s (every layer needs tx and rx, or any)",
					layer_names[l], dir_names[d]);
				goto done;
			}
	rc = SS_OK;
done:
	config_destroy(&cf);
	if (rc == SS_OK)
		*out = p;
	else
		free(p);
	return rc;
}

int ss_protoprof_load(ss_protoprof **out, const char *dir, const char *name, char *err, size_t errlen)
{
	char path[4096];
	*out = NULL;
	if (!dir || !*dir) {
		ss_errbuf(err, errlen, "no protocol profiles directory given");
		return SS_EINVAL;
	}
	if (!ss_spec_valid_name(name, NAMELEN)) {
		ss_errbuf(err, errlen, "invalid protocol profile name '%s': use letters, digits, '-', '_' and '.'",
			  name ? name : "");
		return SS_EINVAL;
	}
	if ((size_t)snprintf(path, sizeof path, "%s/%s.cfg", dir, name) >= sizeof path) {
		ss_errbuf(err, errlen, "protocol profile path too long");
		return SS_EINVAL;
	}
	FILE *f = fopen(path, "r");
	if (!f)
		return ss_spec_not_found("protocol profile", dir, name, err, errlen);
	fclose(f);
	return ss_protoprof_load_file(out, path, err, errlen);
}

void ss_protoprof_free(ss_protoprof *p) { free(p); }

/* ---- queries ---- */

static const cost *entry(const ss_protoprof *p, int layer, int dir)
{
	if (layer < 0 || layer >= SS_PP_NLAYERS || dir < 0 || dir >= SS_PP_NDIRS)
		ss_fatal(SS_LOC, "protocol profile %s: no layer %d, dir %d", p->name, layer, dir);
	return &p->c[layer][dir];
}

ss_time ss_protoprof_cost(const ss_protoprof *p, int layer, int dir, uint32_t bytes)
{
	const cost *c = entry(p, layer, dir);
	double ps = c->per_packet_ps + c->per_byte_ps * (double)bytes;
	return ps >= 9.2e18 ? SS_TIME_MAX : (ss_time)llround(ps);
}

double ss_protoprof_per_packet_ns(const ss_protoprof *p, int layer, int dir)
{
	return entry(p, layer, dir)->per_packet_ns;
}

double ss_protoprof_per_byte_ns(const ss_protoprof *p, int layer, int dir)
{
	return entry(p, layer, dir)->per_byte_ns;
}

const char *ss_protoprof_source(const ss_protoprof *p, int layer, int dir) { return entry(p, layer, dir)->source; }

int ss_protoprof_set(ss_protoprof *p, int layer, int dir, double per_packet_ns, double per_byte_ns,
		     const char *source)
{
	if (layer < 0 || layer >= SS_PP_NLAYERS || dir < 0 || dir >= SS_PP_NDIRS || !valid_cost(per_packet_ns) ||
	    !valid_cost(per_byte_ns))
		return SS_EINVAL;
	put(&p->c[layer][dir], per_packet_ns, per_byte_ns, source ? source : "override");
	return SS_OK;
}

const char *ss_protoprof_name(const ss_protoprof *p) { return p->name; }
const char *ss_protoprof_description(const ss_protoprof *p) { return p->description; }
const char *ss_protoprof_cpu(const ss_protoprof *p) { return p->cpu; }
double ss_protoprof_clock_mhz(const ss_protoprof *p) { return p->clock_mhz; }
