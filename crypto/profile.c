/* Cost profiles: libconfig files of per-algorithm costs with sources,
   or costs derived from a calibration. */
#include "ss_profile.h"
#include "ss_cfgfile.h"
#include "ss_err.h"
#include "ss_grow.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#define NAMELEN 64
#define TEXTLEN 512

struct cost {
	int present;
	double per_call_ns; /* ns per call; RSA: ns per operation */
	double per_byte_ns; /* ns per byte; always 0 for RSA */
	char source[TEXTLEN];
};

struct ss_profile {
	char name[NAMELEN];
	char description[TEXTLEN];
	char cpu[TEXTLEN];
	double clock_mhz;     /* 0 if not stated */
	size_t nalg;          /* registry size */
	struct cost *cost;    /* indexed by algorithm id */
};

/* An empty profile sized for the registry: SS_OK or SS_ENOMEM. */
static int profile_alloc(ss_profile **out)
{
	*out = NULL;
	ss_profile *p = calloc(1, sizeof *p);
	if (!p)
		return SS_ENOMEM;
	p->nalg = ss_crypto_alg_count();
	p->cost = calloc(p->nalg, sizeof *p->cost);
	if (!p->cost) {
		free(p);
		return SS_ENOMEM;
	}
	*out = p;
	return SS_OK;
}

void ss_profile_free(ss_profile *p)
{
	if (!p)
		return;
	free(p->cost);
	free(p);
}

const char *ss_profile_name(const ss_profile *p) { return p->name; }
const char *ss_profile_description(const ss_profile *p) { return p->description; }

/* A bound on every cost, 1 s per call or per byte: far above any
   cipher on any CPU (the slowest shipped, 3-DES on the R4400, costs 5.1
   us per byte), and low enough that a packet's cost stays well inside
   the picosecond clock (a cost of 1e300 ns once saturated it, and the
   processor's busy time then wrapped negative). */
#define MAX_COST_NS 1e9

static int valid_cost(double v) { return isfinite(v) && v >= 0 && v <= MAX_COST_NS; }

/* Profile names become file names: keep them to a safe alphabet so a name
   can never climb out of the profiles directory. */
static int valid_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= NAMELEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		      (ch == '.' && i > 0)))
			return 0;
	}
	return 1;
}

int ss_profile_from_calib(const ss_calib *cal, const char *name,
			  double scale, ss_profile **out, char *err,
			  size_t errlen)
{
	ss_profile *p;
	const ss_calib_host *h;
	*out = NULL;
	if (!cal) {
		ss_errbuf(err, errlen, "no calibration to derive a profile from");
		return SS_EINVAL;
	}
	if (!valid_name(name)) {
		ss_errbuf(err, errlen, "invalid profile name '%s'",
			  name ? name : "");
		return SS_EINVAL;
	}
	if (!(scale > 0) || !isfinite(scale)) {
		ss_errbuf(err, errlen, "scale factor must be > 0, got %g", scale);
		return SS_EINVAL;
	}
	if (ss_calib_count(cal) == 0) {
		ss_errbuf(err, errlen, "the calibration holds no algorithm");
		return SS_ENOENT;
	}
	if (profile_alloc(&p) != SS_OK) {
		ss_errbuf(err, errlen, "out of memory");
		return SS_ENOMEM;
	}
	h = ss_calib_host_get(cal);
	snprintf(p->name, sizeof p->name, "%s", name);
	snprintf(p->cpu, sizeof p->cpu, "%s", h->cpu_model);
	p->clock_mhz = h->clock_mhz / scale;
	snprintf(p->description, sizeof p->description,
		 "calibration of %s (%.0f MHz, %s) on %s%s, costs x %.4g",
		 h->cpu_model, h->clock_mhz, h->openssl_version, h->date,
		 h->quick ? " (quick)" : "", scale);
	for (size_t i = 0; i < ss_calib_count(cal); i++) {
		const ss_calib_entry *e = ss_calib_entry_at(cal, i);
		struct cost *c = &p->cost[e->alg->id];
		c->present = 1;
		c->per_call_ns = e->fit.per_call_ns * scale;
		c->per_byte_ns = e->fit.per_byte_ns * scale;
		if (e->alg->kind == SS_CRYPTO_PK)
			snprintf(c->source, sizeof c->source,
				 "calibration %s: median of %zu reps x %.4g",
				 h->date, e->ns[0].n, scale);
		else
			snprintf(c->source, sizeof c->source,
				 "calibration %s: weighted LS fit over %zu sizes "
				 "%zu..%zu B (R^2 %.5f) x %.4g",
				 h->date, e->npoints, e->bytes[0],
				 e->bytes[e->npoints - 1], e->fit.r2, scale);
	}
	*out = p;
	return SS_OK;
}

/* ------------------------------------------------------------------ */
/* Reading files                                                       */

/* A string member of group g into buf; 0 if absent. */
static int get_string(const char *path, const config_setting_t *g,
		      const char *key, char *buf, size_t len, int required,
		      char *err, size_t errlen, int *rc)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	*rc = SS_OK;
	if (!s) {
		if (required)
			*rc = ss_cfgfile_at(err, errlen, path, g, SS_EINVAL,
				 "missing '%s'", key);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		*rc = ss_cfgfile_at(err, errlen, path, s, SS_EINVAL,
			 "'%s' must be a string in double quotes", key);
		return 0;
	}
	const char *v = config_setting_get_string(s);
	if (required && !*v) {
		*rc = ss_cfgfile_at(err, errlen, path, s, SS_EINVAL, "'%s' is empty", key);
		return 0;
	}
	snprintf(buf, len, "%s", v);
	return 1;
}

/* A cost member: present, numeric, finite and >= 0. */
static int get_cost(const char *path, const config_setting_t *g,
		    const char *alg, const char *key, double *v, char *err,
		    size_t errlen)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	if (!s)
		return ss_cfgfile_at(err, errlen, path, g, SS_EINVAL,
			  "%s: missing cost '%s'", alg, key);
	if (!ss_cfgfile_is_number(s))
		return ss_cfgfile_at(err, errlen, path, s, SS_EINVAL,
			  "%s: '%s' must be a number", alg, key);
	*v = ss_cfgfile_number(s);
	if (!valid_cost(*v))
		return ss_cfgfile_at(err, errlen, path, s, SS_EINVAL,
			  "%s: '%s' = %g: a cost must be >= 0 and at most 1e9 ns", alg,
			  key, *v);
	return SS_OK;
}

static int read_cost(const char *path, const config_setting_t *g,
		     ss_profile *p, char *err, size_t errlen)
{
	static const char *const bulk_keys[] = {"alg", "per_call_ns",
						"per_byte_ns", "source", NULL};
	static const char *const pk_keys[] = {"alg", "per_op_ns", "source",
					      NULL};
	char alg[NAMELEN], msg[1024];
	const ss_crypto_alg *a;
	int rc;

	if (!config_setting_is_group(g))
		return ss_cfgfile_at(err, errlen, path, g, SS_EPARSE,
			  "each entry of 'costs' must be a group { ... }");
	if (!get_string(path, g, "alg", alg, sizeof alg, 1, err, errlen, &rc))
		return rc;
	if (ss_crypto_alg_find(alg, &a, msg, sizeof msg) != SS_OK)
		return ss_cfgfile_at(err, errlen, path, config_setting_get_member(g, "alg"),
			  SS_EINVAL, "%s", msg);
	struct cost *c = &p->cost[a->id];
	if (c->present)
		return ss_cfgfile_at(err, errlen, path, g, SS_EINVAL,
			  "%s: cost given twice", alg);
	const char *const *keys = a->kind == SS_CRYPTO_PK ? pk_keys : bulk_keys;
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *mn = config_setting_name(m);
		int known = 0;
		for (int k = 0; keys[k]; k++)
			known |= strcmp(mn, keys[k]) == 0;
		if (!known)
			return ss_cfgfile_at(err, errlen, path, m, SS_EINVAL,
				  "%s: unknown field '%s' (a %s takes %s)", alg,
				  mn, ss_crypto_kind_name(a->kind),
				  a->kind == SS_CRYPTO_PK
					  ? "alg, per_op_ns, source"
					  : "alg, per_call_ns, per_byte_ns, source");
	}
	if (a->kind == SS_CRYPTO_PK) {
		if ((rc = get_cost(path, g, alg, "per_op_ns", &c->per_call_ns,
				   err, errlen)) != SS_OK)
			return rc;
		c->per_byte_ns = 0;
	} else {
		if ((rc = get_cost(path, g, alg, "per_call_ns", &c->per_call_ns,
				   err, errlen)) != SS_OK ||
		    (rc = get_cost(path, g, alg, "per_byte_ns", &c->per_byte_ns,
				   err, errlen)) != SS_OK)
			return rc;
	}
	if (!get_string(path, g, "source", c->source, sizeof c->source, 1, err,
			errlen, &rc))
		return rc == SS_OK ? SS_EINVAL : rc;
	c->present = 1;
	return SS_OK;
}

static const char *const top_keys[] = {"name", "description", "cpu",
					"clock_mhz", "derive", "scale",
					"costs", NULL};

/* Parse path into cfg; SS_ENOENT if unreadable, SS_EPARSE if malformed. */
static int parse(const char *path, config_t *cfg, char *err, size_t errlen)
{
	int rc = ss_cfgfile_read(cfg, path, err, errlen);
	return rc == SS_OK || rc == SS_ENOENT || rc == SS_ENOMEM ? rc : SS_EPARSE;
}

/* Stem of a path: "dir/p4-1800.cfg" -> "p4-1800". */
static void stem(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(buf, len, "%s", base);
	char *dot = strrchr(buf, '.');
	if (dot && strcmp(dot, ".cfg") == 0)
		*dot = '\0';
}

static int derive_kind(const char *path, const config_setting_t *root,
		       int *derived, char *err, size_t errlen)
{
	char how[NAMELEN];
	int rc;
	*derived = 0;
	if (!get_string(path, root, "derive", how, sizeof how, 0, err, errlen,
			&rc))
		return rc;
	if (strcmp(how, "calibration") != 0)
		return ss_cfgfile_at(err, errlen, path,
			  config_setting_get_member(root, "derive"), SS_EINVAL,
			  "derive = \"%s\": the only source is \"calibration\"",
			  how);
	*derived = 1;
	return SS_OK;
}

int ss_profile_load_file(const char *path, const ss_calib *cal,
			 ss_profile **out, char *err, size_t errlen)
{
	config_t cfg;
	config_setting_t *root, *costs;
	ss_profile *p = NULL;
	char name[NAMELEN], want[NAMELEN];
	int rc, derived;
	double scale = 1.0;

	*out = NULL;
	if ((rc = parse(path, &cfg, err, errlen)) != SS_OK)
		return rc;
	root = config_root_setting(&cfg);
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
		int known = 0;
		for (int k = 0; top_keys[k]; k++)
			known |= strcmp(config_setting_name(m), top_keys[k]) == 0;
		if (!known) {
			rc = ss_cfgfile_at(err, errlen, path, m, SS_EINVAL,
				"unknown setting '%s' (expected name, description, "
				"cpu, clock_mhz, derive, scale, costs)",
				config_setting_name(m));
			goto done;
		}
	}
	if (!get_string(path, root, "name", name, sizeof name, 1, err, errlen,
			&rc))
		goto done;
	stem(path, want, sizeof want);
	if (strcmp(name, want) != 0) {
		rc = ss_cfgfile_at(err, errlen, path, config_setting_get_member(root, "name"),
			SS_EINVAL, "name \"%s\" does not match the file name "
			"(expected \"%s\")", name, want);
		goto done;
	}
	if ((rc = derive_kind(path, root, &derived, err, errlen)) != SS_OK)
		goto done;
	config_setting_t *sc = config_setting_get_member(root, "scale");
	if (sc) {
		if (!derived || !ss_cfgfile_is_number(sc) || !(ss_cfgfile_number(sc) > 0) ||
		    !isfinite(ss_cfgfile_number(sc))) {
			rc = ss_cfgfile_at(err, errlen, path, sc, SS_EINVAL,
				derived ? "scale must be a number > 0"
					: "scale only applies with derive = "
					  "\"calibration\"");
			goto done;
		}
		scale = ss_cfgfile_number(sc);
	}
	if (derived) {
		if (!cal) {
			ss_errbuf(err, errlen, "%s: profile '%s' is derived from "
				  "this host's calibration and none is "
				  "available (run: secsim calibrate)", path, name);
			rc = SS_ENOENT;
			goto done;
		}
		if ((rc = ss_profile_from_calib(cal, name, scale, &p, err,
						errlen)) != SS_OK)
			goto done;
	} else if (profile_alloc(&p) != SS_OK) {
		ss_errbuf(err, errlen, "out of memory");
		rc = SS_ENOMEM;
		goto done;
	}
	snprintf(p->name, sizeof p->name, "%s", name);
	if (!get_string(path, root, "description", p->description,
			sizeof p->description, 1, err, errlen, &rc))
		goto done;
	if (!get_string(path, root, "cpu", p->cpu, sizeof p->cpu, 0, err,
			errlen, &rc) && rc != SS_OK)
		goto done;
	config_setting_t *ck = config_setting_get_member(root, "clock_mhz");
	if (ck) {
		if (!ss_cfgfile_is_number(ck) || !(ss_cfgfile_number(ck) > 0) || !isfinite(ss_cfgfile_number(ck))) {
			rc = ss_cfgfile_at(err, errlen, path, ck, SS_EINVAL,
				"clock_mhz must be a finite number > 0");
			goto done;
		}
		p->clock_mhz = ss_cfgfile_number(ck);
	}

	costs = config_setting_get_member(root, "costs");
	if (!costs && !derived) {
		rc = ss_cfgfile_at(err, errlen, path, root, SS_EINVAL,
			"missing 'costs' list");
		goto done;
	}
	if (costs) {
		if (!config_setting_is_list(costs)) {
			rc = ss_cfgfile_at(err, errlen, path, costs, SS_EPARSE,
				"'costs' must be a list ( {...}, {...} )");
			goto done;
		}
		/* Entries in a derived profile replace calibrated ones. */
		if (derived)
			for (int i = 0; i < config_setting_length(costs); i++) {
				const config_setting_t *g =
					config_setting_get_elem(costs, (unsigned)i);
				const char *an;
				const ss_crypto_alg *a;
				if (config_setting_lookup_string(g, "alg", &an) &&
				    ss_crypto_alg_find(an, &a, NULL, 0) == SS_OK)
					p->cost[a->id].present = 0;
			}
		for (int i = 0; i < config_setting_length(costs); i++)
			if ((rc = read_cost(path,
					    config_setting_get_elem(costs, (unsigned)i),
					    p, err, errlen)) != SS_OK)
				goto done;
	}
	rc = SS_OK;
done:
	config_destroy(&cfg);
	if (rc == SS_OK)
		*out = p;
	else
		ss_profile_free(p);
	return rc;
}

/* "no profile 'x' in dir (available: a, b, c)". */
static int not_found(const char *dir, const char *name, char *err,
		     size_t errlen)
{
	char **names = NULL, list[512] = "";
	size_t n = 0, used = 0;
	if (ss_profile_list(dir, &names, &n, NULL, 0) == SS_OK)
		for (size_t i = 0; i < n && used < sizeof list; i++) {
			int k = snprintf(list + used, sizeof list - used, "%s%s",
					 i ? ", " : "", names[i]);
			if (k < 0)
				break;
			used += (size_t)k;
		}
	ss_profile_list_free(names, n);
	ss_errbuf(err, errlen, "no profile '%s' in %s (available: %s)", name,
		  dir, n ? list : "none");
	return SS_ENOENT;
}

/* The path of profile `name` in dir, which must exist. */
static int profile_path(const char *dir, const char *name, char *path,
			size_t len, char *err, size_t errlen)
{
	if (!dir || !*dir) {
		ss_errbuf(err, errlen, "no profiles directory given");
		return SS_EINVAL;
	}
	if (!valid_name(name)) {
		ss_errbuf(err, errlen, "invalid profile name '%s': use letters, "
			  "digits, '-', '_' and '.'", name ? name : "");
		return SS_EINVAL;
	}
	if ((size_t)snprintf(path, len, "%s/%s.cfg", dir, name) >= len) {
		ss_errbuf(err, errlen, "profile path too long");
		return SS_EINVAL;
	}
	FILE *f = fopen(path, "r");
	if (!f)
		return not_found(dir, name, err, errlen);
	fclose(f);
	return SS_OK;
}

int ss_profile_load(const char *dir, const char *name, const ss_calib *cal,
		    ss_profile **out, char *err, size_t errlen)
{
	char path[4096];
	int rc = profile_path(dir, name, path, sizeof path, err, errlen);
	*out = NULL;
	if (rc != SS_OK)
		return rc;
	return ss_profile_load_file(path, cal, out, err, errlen);
}

int ss_profile_load_ref(const char *dir, const char *ref, const ss_calib *cal,
			ss_profile **out, char *err, size_t errlen)
{
	return strchr(ref, '/') ? ss_profile_load_file(ref, cal, out, err, errlen)
				: ss_profile_load(dir, ref, cal, out, err, errlen);
}

int ss_profile_is_derived(const char *dir, const char *name, int *derived,
			  char *err, size_t errlen)
{
	char path[4096];
	config_t cfg;
	int rc = profile_path(dir, name, path, sizeof path, err, errlen);
	*derived = 0;
	if (rc != SS_OK)
		return rc;
	if ((rc = parse(path, &cfg, err, errlen)) != SS_OK)
		return rc;
	rc = derive_kind(path, config_root_setting(&cfg), derived, err, errlen);
	config_destroy(&cfg);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Queries and overrides                                               */

int ss_profile_has(const ss_profile *p, const ss_crypto_alg *a)
{
	return p && a && a->id >= 0 && (size_t)a->id < p->nalg &&
	       p->cost[a->id].present;
}

int ss_profile_cost(const ss_profile *p, const ss_crypto_alg *a,
		    size_t bytes, ss_time *out)
{
	if (!ss_profile_has(p, a))
		return SS_ENOENT;
	const struct cost *c = &p->cost[a->id];
	double ns = c->per_call_ns;
	if (a->kind != SS_CRYPTO_PK)
		ns += c->per_byte_ns * (double)bytes;
	double ps = ns * (double)SS_PS_PER_NS;
	*out = ps >= 9.2e18 ? SS_TIME_MAX : (ss_time)llround(ps);
	return SS_OK;
}

int ss_profile_cost_by_name(const ss_profile *p, const char *alg,
			    size_t bytes, ss_time *out, char *err,
			    size_t errlen)
{
	const ss_crypto_alg *a;
	int rc = ss_crypto_alg_find(alg, &a, err, errlen);
	if (rc != SS_OK)
		return rc;
	if (ss_profile_cost(p, a, bytes, out) != SS_OK) {
		ss_errbuf(err, errlen, "profile '%s' has no cost for %s",
			  p->name, alg);
		return SS_ENOENT;
	}
	return SS_OK;
}

const char *ss_profile_source(const ss_profile *p, const ss_crypto_alg *a)
{
	return ss_profile_has(p, a) ? p->cost[a->id].source : "";
}

/* Split "ALG.field" and find which constant it names. */
static int resolve_key(const ss_profile *p, const char *key,
		       const ss_crypto_alg **a, double **slot, int *is_byte,
		       char *err, size_t errlen)
{
	char alg[NAMELEN];
	const char *dot = key ? strrchr(key, '.') : NULL;
	if (!dot || dot == key || (size_t)(dot - key) >= sizeof alg) {
		ss_errbuf(err, errlen, "'%s': a constant is named ALG.per_call_ns, "
			  "ALG.per_byte_ns or ALG.per_op_ns", key ? key : "");
		return SS_EINVAL;
	}
	memcpy(alg, key, (size_t)(dot - key));
	alg[dot - key] = '\0';
	int rc = ss_crypto_alg_find(alg, a, err, errlen);
	if (rc != SS_OK)
		return rc;
	struct cost *c = &p->cost[(*a)->id];
	const char *field = dot + 1;
	*is_byte = 0;
	if ((*a)->kind == SS_CRYPTO_PK) {
		if (strcmp(field, "per_op_ns") == 0) {
			*slot = &c->per_call_ns;
			return SS_OK;
		}
		ss_errbuf(err, errlen, "'%s': an RSA operation has one constant, "
			  "%s.per_op_ns", key, alg);
		return SS_EINVAL;
	}
	if (strcmp(field, "per_call_ns") == 0) {
		*slot = &c->per_call_ns;
		return SS_OK;
	}
	if (strcmp(field, "per_byte_ns") == 0) {
		*slot = &c->per_byte_ns;
		*is_byte = 1;
		return SS_OK;
	}
	ss_errbuf(err, errlen, "'%s': %s has constants %s.per_call_ns and "
		  "%s.per_byte_ns", key, alg, alg, alg);
	return SS_EINVAL;
}

int ss_profile_set(ss_profile *p, const char *key, double value, char *err,
		   size_t errlen)
{
	const ss_crypto_alg *a;
	double *slot;
	int is_byte;
	int rc = resolve_key(p, key, &a, &slot, &is_byte, err, errlen);
	if (rc != SS_OK)
		return rc;
	if (!valid_cost(value)) {
		ss_errbuf(err, errlen, "%s = %g: a cost must be >= 0 and at most 1e9 ns",
			  key, value);
		return SS_EINVAL;
	}
	struct cost *c = &p->cost[a->id];
	if (!c->present) {
		c->per_call_ns = 0;
		c->per_byte_ns = 0;
		c->present = 1;
	}
	*slot = value;
	snprintf(c->source, sizeof c->source, "override");
	return SS_OK;
}

int ss_profile_get(const ss_profile *p, const char *key, double *value,
		   char *err, size_t errlen)
{
	const ss_crypto_alg *a;
	double *slot;
	int is_byte;
	int rc = resolve_key(p, key, &a, &slot, &is_byte, err, errlen);
	if (rc != SS_OK)
		return rc;
	if (!p->cost[a->id].present) {
		ss_errbuf(err, errlen, "profile '%s' has no cost for %s",
			  p->name, a->name);
		return SS_ENOENT;
	}
	*value = *slot;
	return SS_OK;
}

/* ------------------------------------------------------------------ */
/* Listing and writing                                                 */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ss_profile_list_free(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int ss_profile_list(const char *dir, char ***names, size_t *n, char *err,
		    size_t errlen)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	*names = NULL;
	*n = 0;
	if (!dir || !(d = opendir(dir))) {
		ss_errbuf(err, errlen, "cannot open profiles directory %s: %s",
			  dir ? dir : "(null)", strerror(errno));
		return SS_ENOENT;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= 4 || strcmp(de->d_name + len - 4, ".cfg") != 0)
			continue;
		if (ss_grow(&v, &cap, cnt + 1, sizeof *v, 16))
			goto oom;
		if (!(v[cnt] = malloc(len - 3)))
			goto oom;
		memcpy(v[cnt], de->d_name, len - 4);
		v[cnt][len - 4] = '\0';
		if (!valid_name(v[cnt])) {
			free(v[cnt]);
			continue;
		}
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof *v, cmp_str);
	*names = v;
	*n = cnt;
	return SS_OK;
oom:
	closedir(d);
	ss_profile_list_free(v, cnt);
	ss_errbuf(err, errlen, "out of memory");
	return SS_ENOMEM;
}

/* A libconfig string literal: quotes and backslashes escaped. */
static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* %.17g round-trips a double exactly (a clock of 0.0001 MHz too), but
   prints a whole number without a point, and libconfig 1.5 reads an
   integer literal past 2^31 as a wrapped 32-bit int: such a number gets
   ".0" to stay a real. */
static void put_real(FILE *f, double v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.17g", v);
	fprintf(f, "%s%s", buf, strpbrk(buf, ".e") ? "" : ".0");
}

int ss_profile_write(const ss_profile *p, FILE *f, const char *comment,
		     char *err, size_t errlen)
{
	if (comment) {
		const char *line = comment;
		while (*line) {
			size_t len = strcspn(line, "\n");
			fprintf(f, "# %.*s\n", (int)len, line);
			line += len;
			if (*line == '\n')
				line++;
		}
		fputc('\n', f);
	}
	fputs("name = ", f);
	put_string(f, p->name);
	fputs(";\ndescription = ", f);
	put_string(f, p->description);
	fputs(";\n", f);
	if (p->cpu[0]) {
		fputs("cpu = ", f);
		put_string(f, p->cpu);
		fputs(";\n", f);
	}
	if (p->clock_mhz > 0) {
		fputs("clock_mhz = ", f);
		put_real(f, p->clock_mhz);
		fputs(";\n", f);
	}
	fputs("costs = (\n", f);
	int first = 1;
	for (size_t i = 0; i < p->nalg; i++) {
		const struct cost *c = &p->cost[i];
		const ss_crypto_alg *a = ss_crypto_alg_get(i);
		if (!c->present)
			continue;
		fprintf(f, "%s  { alg = \"%s\"; ", first ? "" : ",\n", a->name);
		if (a->kind == SS_CRYPTO_PK) {
			fputs("per_op_ns = ", f);
			put_real(f, c->per_call_ns);
		} else {
			fputs("per_call_ns = ", f);
			put_real(f, c->per_call_ns);
			fputs("; per_byte_ns = ", f);
			put_real(f, c->per_byte_ns);
		}
		fputc(';', f);
		fputs("\n    source = ", f);
		put_string(f, c->source[0] ? c->source : "unknown");
		fputs("; }", f);
		first = 0;
	}
	fputs("\n);\n", f);
	if (ferror(f)) {
		ss_errbuf(err, errlen, "writing profile %s failed", p->name);
		return SS_EIO;
	}
	return SS_OK;
}
