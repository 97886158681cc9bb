/* Plots: loading a plot specification (libconfig) and resolving its
   reference ids against the store, so that every later step works on
   checked values and the paper's numbers come from one place. */
#include "plot-internal.h"
#include "ss_text.h"
#include "ss_db.h"
#include "ss_err.h"
#include "ss_grow.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h>
#include <sqlite3.h>

/* The keys each group may hold; anything else is a typo we report. */
static const char *const top_keys[] = {"study", "formats", "figures", "tables", "notes", NULL};
static const char *const xy_keys[] = {"kind", "id", "stem", "title", "xlabel", "ylabel", "bars",
				      "metric", "logscale_x", "logscale_y", "ideal_speedup", "others",
				      "ymin", "ymax", "legend", "series", "refs", "hlines",
				      "vlines", "note", "baseline", NULL};
static const char *const ledger_keys[] = {"kind", "id", "stem", "title", "xlabel", "ylabel",
					  "legend", "ymin", "ymax", "from_figure", "series",
					  "metrics", "labels", NULL};
static const char *const ref_keys[] = {"series", "ref", "x", "packet", NULL};
static const char *const hline_keys[] = {"ref", "title", NULL};
static const char *const vline_keys[] = {"ref", "figure", "param", "series", "title", NULL};
static const char *const baseline_keys[] = {"figure", "x", NULL};
static const char *const table_keys[] = {"id",    "title", "metric",     "unit",    "x",
					 "rows",  "notes", "base_stack", "columns", NULL};
static const char *const row_keys[] = {"stack", "side", "series", "ref", "note", "incr", NULL};

static const char *const kinds[] = {"xy", "ledger", NULL};

/* Words a `legend` may combine; they are gnuplot's own `set key`
   keywords, so a checked legend can be written to the script as is. */
static const char *const legend_words[] = {
	"top", "bottom", "left", "right", "center", "inside", "outside", "below",
	"above", "horizontal", "vertical", "box", "nobox", "opaque", "noopaque",
	"reverse", "noreverse", "invert", "noinvert", "Left", "Right", "off", NULL};

/* Key titles for the ledger metrics secsim's models write; a spec's
   `labels` overrides them, other metrics show their own name. */
static const char *const ledger_names[][2] = {
	{"ledger.proto", "protocol"},         {"ledger.crypto", "crypto"},
	{"ledger.lock_wait", "lock wait"},    {"ledger.bus_wait", "bus wait"},
	{"ledger.ctxsw", "context switches"}, {"ledger.runq", "run-queue wait"},
	{"ledger.memory", "memory"},          {"ledger.migrate", "migration"},
	{NULL, NULL}};

typedef struct loader {
	const char *path;
	char *err;
	size_t errlen;
	ss_db *db;
	sqlite3_stmt *ref_st; /* SELECT of one reference row, prepared once */
} loader;

SS_PRINTF(4, 5)
static int fail(loader *ld, const config_setting_t *st, int rc, const char *fmt, ...)
{
	char m[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	ss_errbuf(ld->err, ld->errlen, "%s:%d: %s", ld->path, st ? config_setting_source_line(st) : 0, m);
	return rc;
}

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

static const char *nearest(const char *const *list, const char *s)
{
	const char *best = NULL;
	size_t bd = 3; /* more than two edits is not a typo */
	for (; *list; list++) {
		size_t d = ss_edit_distance(*list, s);
		if (d < bd) {
			bd = d;
			best = *list;
		}
	}
	return best;
}

static void join(const char *const *list, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; list[i]; i++) {
		if (i)
			strncat(buf, ", ", len - strlen(buf) - 1);
		strncat(buf, list[i], len - strlen(buf) - 1);
	}
}

/* Every member of `group` must be in `keys`; `where` names the group in
   the message ("figure 'fig03'"). */
static int check_keys(loader *ld, const config_setting_t *group, const char *const *keys,
		      const char *where)
{
	for (int i = 0; i < config_setting_length(group); i++) {
		const config_setting_t *st = config_setting_get_elem(group, (unsigned)i);
		const char *k = config_setting_name(st);
		if (in_list(keys, k))
			continue;
		const char *n = nearest(keys, k);
		if (n)
			return fail(ld, st, SS_ENOENT, "%s: unknown key '%s' (did you mean '%s'?)", where, k, n);
		char list[512];
		join(keys, list, sizeof list);
		return fail(ld, st, SS_ENOENT, "%s: unknown key '%s' (expected one of %s)", where, k, list);
	}
	return SS_OK;
}

static int dup_str(const char *s, char **out)
{
	free(*out);
	*out = strdup(s);
	return *out ? SS_OK : SS_ENOMEM;
}

/* Reads member `key` of group as a string into *out (replacing it).
   Absent: SS_OK with *out untouched, unless required. */
static int get_str(loader *ld, const config_setting_t *group, const char *key, int required,
		   const char *where, char **out)
{
	const config_setting_t *st = config_setting_get_member(group, key);
	if (!st) {
		if (required)
			return fail(ld, group, SS_EPARSE, "%s: missing required key '%s'", where, key);
		return SS_OK;
	}
	if (config_setting_type(st) != CONFIG_TYPE_STRING)
		return fail(ld, st, SS_EPARSE, "%s: '%s' must be a string in double quotes", where, key);
	return dup_str(config_setting_get_string(st), out);
}

static int get_bool(loader *ld, const config_setting_t *group, const char *key, const char *where,
		    int *out)
{
	const config_setting_t *st = config_setting_get_member(group, key);
	if (!st)
		return SS_OK;
	if (config_setting_type(st) != CONFIG_TYPE_BOOL)
		return fail(ld, st, SS_EPARSE, "%s: '%s' must be true or false", where, key);
	*out = config_setting_get_bool(st);
	return SS_OK;
}

/* others = false: the figure draws only the series it lists (which it
   must then list). */
static int get_others(loader *ld, const config_setting_t *group, const char *where, ss__plot_fig *f)
{
	int others = 1;
	int rc = get_bool(ld, group, "others", where, &others);
	if (rc)
		return rc;
	f->only = !others;
	if (f->only && !config_setting_get_member(group, "series"))
		return fail(ld, config_setting_get_member(group, "others"), SS_EINVAL,
			    "%s: 'others = false' needs the 'series' it draws", where);
	return SS_OK;
}

static int get_num(loader *ld, const config_setting_t *group, const char *key, const char *where,
		   double *out)
{
	const config_setting_t *st = config_setting_get_member(group, key);
	if (!st)
		return SS_OK;
	int t = config_setting_type(st);
	if (t == CONFIG_TYPE_FLOAT)
		*out = config_setting_get_float(st);
	else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
		*out = (double)config_setting_get_int64(st);
	else
		return fail(ld, st, SS_EPARSE, "%s: '%s' must be a number", where, key);
	if (!isfinite(*out))
		return fail(ld, st, SS_EINVAL, "%s: '%s' must be finite", where, key);
	return SS_OK;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* Reads a list or array of strings. A single string is accepted where
   `single_ok` (a one-element list written without brackets). */
static int get_strs(loader *ld, const config_setting_t *group, const char *key, int required,
		    int single_ok, const char *where, char ***out, size_t *n)
{
	const config_setting_t *st = config_setting_get_member(group, key);
	if (!st) {
		if (required)
			return fail(ld, group, SS_EPARSE, "%s: missing required key '%s'", where, key);
		return SS_OK;
	}
	int t = config_setting_type(st);
	int one = t == CONFIG_TYPE_STRING && single_ok;
	if (!one && t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
		return fail(ld, st, SS_EPARSE, "%s: '%s' must be a list of strings [\"a\", \"b\"]", where, key);
	size_t len = one ? 1 : (size_t)config_setting_length(st);
	char **v = calloc(len ? len : 1, sizeof *v);
	if (!v)
		return SS_ENOMEM;
	for (size_t i = 0; i < len; i++) {
		const config_setting_t *e = one ? st : config_setting_get_elem(st, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			free_strs(v, i);
			return fail(ld, e, SS_EPARSE, "%s: '%s' must hold strings only", where, key);
		}
		if (!(v[i] = strdup(config_setting_get_string(e)))) {
			free_strs(v, i);
			return SS_ENOMEM;
		}
	}
	free_strs(*out, *n);
	*out = v;
	*n = len;
	return SS_OK;
}

/* A stem names files in the output directory and appears in the script
   (set output), so it is kept to characters that need no quoting
   anywhere and cannot climb out of the directory. */
static int stem_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 100 || s[0] == '.' || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static void ref_fini(ss__plot_ref *r)
{
	free(r->derived);
	free(r->id);
	free(r->series);
	free(r->title);
	free(r->unit);
	free(r->qualifier);
}

/* Looks up reference row `id` (written at spec line of `st`) and fills
   r->y, r->unit, r->qualifier and *row_x (NaN when the row has no x). */
static int resolve(loader *ld, const config_setting_t *st, const char *where, const char *id,
		   ss__plot_ref *r, double *row_x)
{
	sqlite3_stmt *q = ld->ref_st;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	int src = sqlite3_step(q);
	if (src == SQLITE_DONE)
		return fail(ld, st, SS_ENOENT,
			    "%s: unknown reference id '%s' (not in the store's reference table; "
			    "`secsim run` loads reference/*.csv into it)", where, id);
	if (src != SQLITE_ROW)
		return fail(ld, st, SS_EDB, "%s: cannot read reference '%s': %s", where, id,
			    sqlite3_errmsg(sqlite3_db_handle(q)));
	if (sqlite3_column_type(q, 0) == SQLITE_NULL) {
		int rc = fail(ld, st, SS_EINVAL, "%s: reference '%s' has no numeric value ('%s')", where,
			      id, (const char *)sqlite3_column_text(q, 3));
		sqlite3_reset(q);
		return rc;
	}
	r->y = sqlite3_column_double(q, 0);
	*row_x = sqlite3_column_type(q, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 1);
	r->line = config_setting_source_line(st);
	int rc = SS_OK;
	if (dup_str(id, &r->id) || dup_str((const char *)sqlite3_column_text(q, 2), &r->unit) ||
	    dup_str((const char *)sqlite3_column_text(q, 4), &r->qualifier))
		rc = SS_ENOMEM;
	/* Where in the paper the row comes from ("Table 1"), for the key of
	   points derived from it: the source column names it. */
	const char *from = (const char *)sqlite3_column_text(q, 5);
	const char *tab = from ? strstr(from, "Table ") : NULL;
	free(r->derived);
	r->derived = NULL;
	if (rc == SS_OK && tab) {
		size_t n = 6;
		while (tab[n] >= '0' && tab[n] <= '9')
			n++;
		if (n > 6 && !(r->derived = strndup(tab, n)))
			rc = SS_ENOMEM;
	}
	sqlite3_reset(q);
	return rc;
}

/* Bytes in one `unit` of size, or 0 when unknown. KB is 1024 bytes: the
   paper's 4 KB packets are 4096 bytes (Table 1's latencies are
   32768 bits over the uniprocessor throughput). */
static double unit_bytes(const char *u)
{
	if (!strcmp(u, "KB") || !strcmp(u, "K bytes"))
		return 1024;
	if (!strcmp(u, "bytes") || !strcmp(u, "B"))
		return 1;
	return 0;
}

/* Seconds in one `unit` of time, or 0 when unknown. */
static double unit_seconds(const char *u)
{
	if (!strcmp(u, "usec") || !strcmp(u, "us"))
		return 1e-6;
	if (!strcmp(u, "ms") || !strcmp(u, "msec"))
		return 1e-3;
	if (!strcmp(u, "s"))
		return 1;
	return 0;
}

/* A point derived from a per-packet latency row r: throughput = packet
   bits / latency, in Mbit/s, the packet size read from reference row
   `packet`. One processor handles one packet at a time, so its
   throughput is the inverse of the latency (Table 1 states its
   latencies were derived the other way round). r->derived keeps the
   latency row's table; without one it says "derived". */
static int derive_rate(loader *ld, const config_setting_t *g, const char *where, const char *packet,
		       ss__plot_ref *r)
{
	ss__plot_ref pk = {0};
	double px;
	int rc = resolve(ld, g, where, packet, &pk, &px);
	if (rc)
		goto out;
	double b = unit_bytes(pk.unit), t = unit_seconds(r->unit);
	if (!(b > 0))
		rc = fail(ld, g, SS_EINVAL, "%s: packet size '%s' is in '%s', not a size (KB, bytes)", where,
			  packet, pk.unit);
	else if (!(t > 0))
		rc = fail(ld, g, SS_EINVAL, "%s: reference '%s' is in '%s', not a time (usec, ms, s)", where, r->id,
			  r->unit);
	else if (!(r->y > 0) || !(pk.y > 0))
		rc = fail(ld, g, SS_EINVAL, "%s: packet size and latency must be positive", where);
	if (rc)
		goto out;
	r->y = pk.y * b * 8 / (r->y * t) / 1e6;
	if ((rc = dup_str("Mbit/s", &r->unit)))
		goto out;
	if (!r->derived)
		rc = dup_str("", &r->derived);
out:
	ref_fini(&pk);
	return rc;
}

/* One element of `refs`: { series = "..."; ref = "N95-025"; x = 1; }. */
static int load_ref(loader *ld, const config_setting_t *g, const char *where, ss__plot_ref *r)
{
	int rc;
	char *id = NULL, *packet = NULL;
	double spec_x = NAN, row_x;
	if (!config_setting_is_group(g))
		return fail(ld, g, SS_EPARSE, "%s: each of 'refs' must be a group { series = ...; ref = ...; }", where);
	if ((rc = check_keys(ld, g, ref_keys, where)) || (rc = get_str(ld, g, "series", 1, where, &r->series)) ||
	    (rc = get_str(ld, g, "ref", 1, where, &id)) || (rc = get_num(ld, g, "x", where, &spec_x)) ||
	    (rc = get_str(ld, g, "packet", 0, where, &packet)))
		goto out;
	if ((rc = resolve(ld, g, where, id, r, &row_x)))
		goto out;
	if (!packet) {
		free(r->derived); /* drawn as printed */
		r->derived = NULL;
	} else if ((rc = derive_rate(ld, g, where, packet, r))) {
		goto out;
	}
	if (isnan(row_x) && isnan(spec_x)) {
		rc = fail(ld, g, SS_EINVAL, "%s: reference '%s' has no x value: give x = ... here", where, id);
	} else if (!isnan(row_x) && !isnan(spec_x) && fabs(row_x - spec_x) > 1e-9 * fabs(row_x)) {
		rc = fail(ld, g, SS_EINVAL, "%s: x = %g contradicts reference '%s', whose x is %g (leave x out)",
			  where, spec_x, id, row_x);
	} else {
		r->x = isnan(row_x) ? spec_x : row_x;
	}
out:
	free(id);
	free(packet);
	return rc;
}

/* "TITLE: about 16 processors": a marked value's key title carries the
   number, read from the store, and how exact the paper says it is. */
static int title_with_value(const char *title, const ss__plot_ref *r, double v, char **out)
{
	const char *q = r->qualifier ? r->qualifier : "";
	const char *how = !strcmp(q, "approx") ? "about " : !strcmp(q, "range_low") ? "at least " :
			  !strcmp(q, "range_high") ? "at most " : "";
	size_t len = strlen(title) + strlen(r->unit ? r->unit : "") + 64;
	char *t = malloc(len);
	if (!t)
		return SS_ENOMEM;
	char num[32];
	ss__plot_si(v, num, sizeof num);
	snprintf(t, len, "%s: %s%s%s%s", title, how, num, r->unit && *r->unit ? " " : "", r->unit ? r->unit : "");
	free(*out);
	*out = t;
	return SS_OK;
}

/* The value parameter `param` had in every run of `figure`, from the
   runs' config text ("model=M; params: k=v;k=v; sweep: ..."), so a
   figure can mark a model default without retyping it. NaN in *v when
   the store has no run of the figure (nothing is marked then). */
static int param_of_figure(loader *ld, const config_setting_t *g, const char *where, const char *figure,
			   const char *param, double *v)
{
	sqlite3_stmt *st = NULL;
	*v = NAN;
	if (sqlite3_prepare_v2(ss_db_handle(ld->db),
			       "SELECT DISTINCT config FROM runs WHERE figure = ?1 AND status = 'done'", -1, &st,
			       NULL) != SQLITE_OK)
		return fail(ld, g, SS_EDB, "%s: cannot read runs: %s", where, sqlite3_errmsg(ss_db_handle(ld->db)));
	sqlite3_bind_text(st, 1, figure, -1, SQLITE_STATIC);
	int rc = SS_OK, src;
	size_t plen = strlen(param);
	while (rc == SS_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cfg = (const char *)sqlite3_column_text(st, 0);
		const char *p = cfg ? strstr(cfg, "params: ") : NULL;
		const char *end = p ? strstr(p, "; ") : NULL;
		double found = NAN;
		for (const char *t = p ? p + 8 : NULL; t && t < (end ? end : t + strlen(t));) {
			if (!strncmp(t, param, plen) && t[plen] == '=') {
				char *e;
				found = strtod(t + plen + 1, &e);
				if (e == t + plen + 1 || (*e != ';' && *e != '\0'))
					found = NAN;
				break;
			}
			t = strchr(t, ';');
			t = t ? t + 1 : NULL;
		}
		if (isnan(found))
			rc = fail(ld, g, SS_EINVAL, "%s: the runs of figure '%s' have no numeric parameter '%s'", where,
				  figure, param);
		else if (!isnan(*v) && *v != found)
			rc = fail(ld, g, SS_EINVAL, "%s: the runs of figure '%s' differ in '%s' (%g and %g)", where,
				  figure, param, *v, found);
		else
			*v = found;
	}
	if (rc == SS_OK && src != SQLITE_DONE)
		rc = fail(ld, g, SS_EDB, "%s: cannot read runs: %s", where, sqlite3_errmsg(ss_db_handle(ld->db)));
	sqlite3_finalize(st);
	return rc;
}

/* One element of `vlines`: the x a paper's estimate names
   ({ ref = "N95-070"; series = "TCP/MD5/IP"; title = "..."; }), or the
   value a parameter had in another figure's runs
   ({ figure = "fig7"; param = "bus_bandwidth"; title = "..."; }). */
static int load_vline(loader *ld, const config_setting_t *g, const char *where, ss__plot_ref *r)
{
	int rc;
	char *id = NULL, *figure = NULL, *param = NULL, *title = NULL;
	double row_x;
	r->x = NAN;
	if (!config_setting_is_group(g))
		return fail(ld, g, SS_EPARSE, "%s: each of 'vlines' must be a group { ref = ...; title = ...; }", where);
	if ((rc = check_keys(ld, g, vline_keys, where)) || (rc = get_str(ld, g, "ref", 0, where, &id)) ||
	    (rc = get_str(ld, g, "figure", 0, where, &figure)) || (rc = get_str(ld, g, "param", 0, where, &param)) ||
	    (rc = get_str(ld, g, "series", 0, where, &r->series)) || (rc = get_str(ld, g, "title", 1, where, &title)))
		goto out;
	if (!(id && !figure && !param) && !(!id && figure && param)) {
		rc = fail(ld, g, SS_EPARSE, "%s: a vline needs either ref = ... or both figure = ... and param = ...", where);
		goto out;
	}
	if (id) {
		if ((rc = resolve(ld, g, where, id, r, &row_x)))
			goto out;
		r->x = r->y;
		rc = title_with_value(title, r, r->y, &r->title);
	} else {
		r->line = config_setting_source_line(g);
		if ((rc = param_of_figure(ld, g, where, figure, param, &r->x)))
			goto out;
		ss__plot_ref none = {0};
		rc = isnan(r->x) ? dup_str(title, &r->title) : title_with_value(title, &none, r->x, &r->title);
	}
	r->y = NAN;
out:
	free(id);
	free(figure);
	free(param);
	free(title);
	return rc;
}

/* One element of `hlines`: { ref = "N95-069"; title = "..."; }. */
static int load_hline(loader *ld, const config_setting_t *g, const char *where, ss__plot_ref *r)
{
	int rc;
	char *id = NULL;
	double row_x;
	if (!config_setting_is_group(g))
		return fail(ld, g, SS_EPARSE, "%s: each of 'hlines' must be a group { ref = ...; title = ...; }", where);
	if (!(rc = check_keys(ld, g, hline_keys, where)) && !(rc = get_str(ld, g, "ref", 1, where, &id)) &&
	    !(rc = get_str(ld, g, "title", 0, where, &r->title)) && !(rc = resolve(ld, g, where, id, r, &row_x))) {
		r->x = NAN;
		char *t = r->title;
		r->title = NULL;
		rc = title_with_value(t ? t : "paper", r, r->y, &r->title);
		free(t);
	}
	free(id);
	return rc;
}

static int load_ref_list(loader *ld, const config_setting_t *fg, const char *key, const char *where,
			 ss__plot_ref **out, size_t *n,
			 int (*one)(loader *, const config_setting_t *, const char *, ss__plot_ref *))
{
	const config_setting_t *st = config_setting_get_member(fg, key);
	if (!st)
		return SS_OK;
	if (!config_setting_is_list(st))
		return fail(ld, st, SS_EPARSE, "%s: '%s' must be a list ( {...}, {...} )", where, key);
	size_t len = (size_t)config_setting_length(st);
	if (!(*out = calloc(len ? len : 1, sizeof **out)))
		return SS_ENOMEM;
	for (size_t i = 0; i < len; i++) {
		int rc = one(ld, config_setting_get_elem(st, (unsigned)i), where, &(*out)[i]);
		*n = i + 1; /* so the partly filled element is freed too */
		if (rc)
			return rc;
	}
	return SS_OK;
}

static int load_legend(loader *ld, const config_setting_t *fg, const char *where, char **out)
{
	int rc = get_str(ld, fg, "legend", 0, where, out);
	if (rc || !*out)
		return rc;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", *out);
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (!in_list(legend_words, w)) {
			char list[512];
			join(legend_words, list, sizeof list);
			return fail(ld, config_setting_get_member(fg, "legend"), SS_EINVAL,
				    "%s: legend word '%s' unknown (words: %s)", where, w, list);
		}
	return SS_OK;
}

static void fig_fini(ss__plot_fig *f)
{
	free(f->id);
	free(f->stem);
	free(f->title);
	free(f->xlabel);
	free(f->ylabel);
	free(f->legend);
	free(f->note);
	free(f->base_figure);
	free(f->metric);
	free(f->from_figure);
	free_strs(f->series, f->nseries);
	free_strs(f->metrics, f->nmetrics);
	free_strs(f->labels, f->nmetrics);
	for (size_t i = 0; i < f->nrefs; i++)
		ref_fini(&f->refs[i]);
	free(f->refs);
	for (size_t i = 0; i < f->nhlines; i++)
		ref_fini(&f->hlines[i]);
	free(f->hlines);
	for (size_t i = 0; i < f->nvlines; i++)
		ref_fini(&f->vlines[i]);
	free(f->vlines);
}

/* baseline = { figure = "fig7"; x = 1; }: the figure's y is each series'
   metric over its own point in that figure at that x. */
static int load_baseline(loader *ld, const config_setting_t *fg, const char *where, ss__plot_fig *f)
{
	const config_setting_t *g = config_setting_get_member(fg, "baseline");
	if (!g)
		return SS_OK;
	if (!config_setting_is_group(g))
		return fail(ld, g, SS_EPARSE, "%s: 'baseline' must be a group { figure = ...; x = ...; }", where);
	int rc;
	f->base_x = NAN;
	if ((rc = check_keys(ld, g, baseline_keys, where)) || (rc = get_str(ld, g, "figure", 1, where, &f->base_figure)) ||
	    (rc = get_num(ld, g, "x", where, &f->base_x)))
		return rc;
	if (isnan(f->base_x))
		return fail(ld, g, SS_EPARSE, "%s: 'baseline' needs x = ... (the x of the baseline points)", where);
	return SS_OK;
}

static int load_figure(loader *ld, const config_setting_t *fg, size_t idx, ss__plot_fig *f)
{
	char where[160];
	char *kind = NULL;
	int rc;
	f->line = config_setting_source_line(fg);
	f->ymin = f->ymax = NAN;
	snprintf(where, sizeof where, "figure #%zu", idx + 1);
	if (!config_setting_is_group(fg))
		return fail(ld, fg, SS_EPARSE, "%s: must be a group { id = ...; ... }", where);
	if ((rc = get_str(ld, fg, "kind", 0, where, &kind)))
		return rc;
	if (!kind || !strcmp(kind, "xy")) {
		f->kind = SS__PLOT_XY;
	} else if (!strcmp(kind, "ledger")) {
		f->kind = SS__PLOT_LEDGER;
	} else {
		const char *n = nearest(kinds, kind);
		char list[64];
		join(kinds, list, sizeof list);
		rc = fail(ld, config_setting_get_member(fg, "kind"), SS_ENOENT,
			  "%s: unknown figure kind '%s' (%s%s%skinds: %s)", where, kind, n ? "did you mean '" : "",
			  n ? n : "", n ? "'? " : "", list);
		free(kind);
		return rc;
	}
	free(kind);
	if ((rc = get_str(ld, fg, "id", 1, where, &f->id)))
		return rc;
	snprintf(where, sizeof where, "figure '%.100s'", f->id);
	if ((rc = check_keys(ld, fg, f->kind == SS__PLOT_XY ? xy_keys : ledger_keys, where)))
		return rc;
	if ((rc = get_str(ld, fg, "stem", 0, where, &f->stem)) || (rc = get_str(ld, fg, "title", 0, where, &f->title)) ||
	    (rc = get_str(ld, fg, "xlabel", 0, where, &f->xlabel)) ||
	    (rc = get_str(ld, fg, "ylabel", 0, where, &f->ylabel)) || (rc = load_legend(ld, fg, where, &f->legend)) ||
	    (rc = get_num(ld, fg, "ymin", where, &f->ymin)) || (rc = get_num(ld, fg, "ymax", where, &f->ymax)))
		return rc;
	if (!f->stem && (rc = dup_str(f->id, &f->stem)))
		return rc;
	if (!stem_ok(f->stem))
		return fail(ld, config_setting_get_member(fg, "stem") ? config_setting_get_member(fg, "stem") : fg,
			    SS_EINVAL, "%s: file stem '%s' must be letters, digits, '.', '_' or '-' (not first), "
			    "at most 100 (give stem = ...)", where, f->stem);
	if (!f->title && (rc = dup_str(f->id, &f->title)))
		return rc;
	if (!isnan(f->ymin) && !isnan(f->ymax) && !(f->ymin < f->ymax))
		return fail(ld, fg, SS_EINVAL, "%s: ymin must be below ymax", where);
	if (f->kind == SS__PLOT_XY) {
		if ((rc = get_str(ld, fg, "metric", 1, where, &f->metric)) ||
		    (rc = get_bool(ld, fg, "logscale_x", where, &f->logx)) ||
		    (rc = get_bool(ld, fg, "logscale_y", where, &f->logy)) ||
		    (rc = get_bool(ld, fg, "ideal_speedup", where, &f->ideal)) ||
		    (rc = get_bool(ld, fg, "bars", where, &f->bars)) ||
		    (rc = get_others(ld, fg, where, f)) ||
		    (rc = get_strs(ld, fg, "series", 0, 1, where, &f->series, &f->nseries)) ||
		    (rc = load_ref_list(ld, fg, "refs", where, &f->refs, &f->nrefs, load_ref)) ||
		    (rc = load_ref_list(ld, fg, "hlines", where, &f->hlines, &f->nhlines, load_hline)) ||
		    (rc = load_ref_list(ld, fg, "vlines", where, &f->vlines, &f->nvlines, load_vline)) ||
		    (rc = get_str(ld, fg, "note", 0, where, &f->note)) || (rc = load_baseline(ld, fg, where, f)))
			return rc;
		if (f->logy && !isnan(f->ymin) && f->ymin <= 0)
			return fail(ld, fg, SS_EINVAL, "%s: ymin must be > 0 on a logarithmic y axis", where);
	} else {
		size_t nlabels = 0;
		char **labels = NULL;
		if ((rc = get_str(ld, fg, "from_figure", 1, where, &f->from_figure)) ||
		    (rc = get_strs(ld, fg, "series", 1, 1, where, &f->series, &f->nseries)) ||
		    (rc = get_strs(ld, fg, "metrics", 1, 0, where, &f->metrics, &f->nmetrics)) ||
		    (rc = get_strs(ld, fg, "labels", 0, 0, where, &labels, &nlabels))) {
			free_strs(labels, nlabels);
			return rc;
		}
		if (f->nseries != 1) {
			free_strs(labels, nlabels);
			return fail(ld, config_setting_get_member(fg, "series"), SS_EINVAL,
				    "%s: a ledger splits one series (write one ledger per series)", where);
		}
		if (f->nmetrics == 0 || (labels && nlabels != f->nmetrics)) {
			free_strs(labels, nlabels);
			return fail(ld, config_setting_get_member(fg, "metrics"), SS_EINVAL,
				    "%s: 'metrics' must not be empty, and 'labels' (if given) needs one per metric",
				    where);
		}
		if (!labels) {
			if (!(labels = calloc(f->nmetrics, sizeof *labels)))
				return SS_ENOMEM;
			for (size_t i = 0; i < f->nmetrics; i++) {
				const char *lab = f->metrics[i];
				for (size_t k = 0; ledger_names[k][0]; k++)
					if (!strcmp(ledger_names[k][0], lab))
						lab = ledger_names[k][1];
				if (!(labels[i] = strdup(lab))) {
					free_strs(labels, f->nmetrics);
					return SS_ENOMEM;
				}
			}
		}
		f->labels = labels;
	}
	return SS_OK;
}

static void table_fini(ss__plot_table *t)
{
	free(t->id);
	free(t->title);
	free(t->metric);
	free(t->unit);
	free(t->base_stack);
	for (size_t i = 0; i < t->nrows; i++) {
		ss__plot_row *r = &t->rows[i];
		ref_fini(&r->incr);
		free(r->stack);
		free(r->side);
		free(r->series);
		free(r->note);
		ref_fini(&r->ref);
	}
	free(t->rows);
	free_strs(t->notes, t->nnotes);
	free_strs(t->columns, t->ncolumns);
}

static int load_row(loader *ld, const config_setting_t *g, const char *where, ss__plot_row *r)
{
	int rc;
	char *id = NULL;
	double row_x;
	if (!config_setting_is_group(g))
		return fail(ld, g, SS_EPARSE, "%s: each row must be a group { stack = ...; side = ...; ref = ...; }", where);
	if ((rc = check_keys(ld, g, row_keys, where)) || (rc = get_str(ld, g, "stack", 1, where, &r->stack)) ||
	    (rc = get_str(ld, g, "side", 0, where, &r->side)) || (rc = get_str(ld, g, "series", 0, where, &r->series)) ||
	    (rc = get_str(ld, g, "note", 0, where, &r->note)) || (rc = get_str(ld, g, "ref", 1, where, &id)) ||
	    (rc = resolve(ld, g, where, id, &r->ref, &row_x)))
		goto out;
	if (!r->side && (rc = dup_str("", &r->side)))
		goto out;
	free(id);
	id = NULL;
	if ((rc = get_str(ld, g, "incr", 0, where, &id)))
		goto out;
	if (id) {
		double ix;
		if ((rc = resolve(ld, g, where, id, &r->incr, &ix)))
			goto out;
		r->has_incr = 1;
	}
	if (!r->series) {
		size_t len = strlen(r->stack) + strlen(r->side) + 2;
		if (!(r->series = malloc(len))) {
			rc = SS_ENOMEM;
			goto out;
		}
		snprintf(r->series, len, "%s%s%s", r->stack, *r->side ? " " : "", r->side);
	}
	r->ref.x = row_x;
out:
	free(id);
	return rc;
}

static int load_table(loader *ld, const config_setting_t *tg, size_t idx, ss__plot_table *t)
{
	char where[160];
	int rc;
	t->line = config_setting_source_line(tg);
	t->x = NAN;
	snprintf(where, sizeof where, "table #%zu", idx + 1);
	if (!config_setting_is_group(tg))
		return fail(ld, tg, SS_EPARSE, "%s: must be a group { id = ...; rows = (...); }", where);
	if ((rc = get_str(ld, tg, "id", 1, where, &t->id)))
		return rc;
	snprintf(where, sizeof where, "table '%.100s'", t->id);
	if ((rc = check_keys(ld, tg, table_keys, where)) || (rc = get_str(ld, tg, "title", 0, where, &t->title)) ||
	    (rc = get_str(ld, tg, "metric", 1, where, &t->metric)) || (rc = get_str(ld, tg, "unit", 0, where, &t->unit)) ||
	    (rc = get_num(ld, tg, "x", where, &t->x)) ||
	    (rc = get_strs(ld, tg, "notes", 0, 1, where, &t->notes, &t->nnotes)) ||
	    (rc = get_str(ld, tg, "base_stack", 0, where, &t->base_stack)) ||
	    (rc = get_strs(ld, tg, "columns", 0, 1, where, &t->columns, &t->ncolumns)))
		return rc;
	if (t->columns && t->ncolumns != 2)
		return fail(ld, tg, SS_EPARSE, "%s: 'columns' names the two label columns: [\"...\", \"...\"]", where);
	if (!t->title && (rc = dup_str(t->id, &t->title)))
		return rc;
	const config_setting_t *rows = config_setting_get_member(tg, "rows");
	if (!rows)
		return fail(ld, tg, SS_EPARSE, "%s: missing required key 'rows'", where);
	if (!config_setting_is_list(rows) || config_setting_length(rows) == 0)
		return fail(ld, rows, SS_EPARSE, "%s: 'rows' must be a non-empty list ( {...}, {...} )", where);
	size_t len = (size_t)config_setting_length(rows);
	if (!(t->rows = calloc(len, sizeof *t->rows)))
		return SS_ENOMEM;
	for (size_t i = 0; i < len; i++) {
		t->nrows = i + 1;
		if ((rc = load_row(ld, config_setting_get_elem(rows, (unsigned)i), where, &t->rows[i])))
			return rc;
		if (isnan(t->x) && isnan(t->rows[i].ref.x))
			return fail(ld, config_setting_get_elem(rows, (unsigned)i), SS_EPARSE,
				    "%s: without the table's x = ..., each row's reference row needs an x value (%s has none)",
				    where, t->rows[i].ref.id);
		if (t->rows[i].has_incr && !t->base_stack)
			return fail(ld, config_setting_get_elem(rows, (unsigned)i), SS_EPARSE,
				    "%s: a row with 'incr' needs the table's base_stack = ... (the stack it is over)", where);
	}
	return SS_OK;
}

void ss_plot_spec_free(ss_plot_spec *spec)
{
	if (!spec)
		return;
	for (size_t i = 0; i < spec->nfigs; i++)
		fig_fini(&spec->figs[i]);
	free(spec->figs);
	for (size_t i = 0; i < spec->ntables; i++)
		table_fini(&spec->tables[i]);
	free(spec->tables);
	free_strs(spec->notes, spec->nnotes);
	free(spec->path);
	free(spec->study);
	free(spec);
}

size_t ss_plot_spec_nfigures(const ss_plot_spec *spec)
{
	return spec ? spec->nfigs : 0;
}

size_t ss_plot_spec_ntables(const ss_plot_spec *spec)
{
	return spec ? spec->ntables : 0;
}

static int load_formats(loader *ld, const config_setting_t *root, ss_plot_spec *s)
{
	char **v = NULL;
	size_t n = 0;
	int rc = get_strs(ld, root, "formats", 0, 1, "top level", &v, &n);
	if (rc || !v)
		return rc;
	s->formats = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!strcmp(v[i], "png"))
			s->formats |= SS__PLOT_PNG;
		else if (!strcmp(v[i], "svg"))
			s->formats |= SS__PLOT_SVG;
		else if (!strcmp(v[i], "pdf"))
			s->formats |= SS__PLOT_PDF;
		else
			rc = fail(ld, config_setting_get_member(root, "formats"), SS_EINVAL,
				  "top level: format '%s' unknown (formats: png, svg, pdf)", v[i]);
	}
	if (!rc && !s->formats)
		rc = fail(ld, config_setting_get_member(root, "formats"), SS_EINVAL,
			  "top level: 'formats' must name at least one of png, svg, pdf");
	free_strs(v, n);
	return rc;
}

char *ss_plot_file_stem(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	const char *dot = strrchr(b, '.');
	size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, b, n);
		s[n] = '\0';
	}
	return s;
}

static int load_all(loader *ld, config_t *cf, ss_plot_spec *s)
{
	const config_setting_t *root = config_root_setting(cf);
	int rc;
	if ((rc = check_keys(ld, root, top_keys, "top level")) ||
	    (rc = get_str(ld, root, "study", 0, "top level", &s->study)) || (rc = load_formats(ld, root, s)) ||
	    (rc = get_strs(ld, root, "notes", 0, 1, "top level", &s->notes, &s->nnotes)))
		return rc;
	if (!s->study && !(s->study = ss_plot_file_stem(ld->path)))
		return SS_ENOMEM;
	const config_setting_t *figs = config_setting_get_member(root, "figures");
	const config_setting_t *tabs = config_setting_get_member(root, "tables");
	if (!figs && !tabs)
		return fail(ld, NULL, SS_EPARSE, "the spec has neither 'figures' nor 'tables'");
	if (figs) {
		if (!config_setting_is_list(figs))
			return fail(ld, figs, SS_EPARSE, "'figures' must be a list ( {...}, {...} )");
		size_t len = (size_t)config_setting_length(figs);
		if (len && !(s->figs = calloc(len, sizeof *s->figs)))
			return SS_ENOMEM;
		for (size_t i = 0; i < len; i++) {
			s->nfigs = i + 1;
			const config_setting_t *fg = config_setting_get_elem(figs, (unsigned)i);
			if ((rc = load_figure(ld, fg, i, &s->figs[i])))
				return rc;
			for (size_t j = 0; j < i; j++)
				if (!strcmp(s->figs[j].stem, s->figs[i].stem))
					return fail(ld, fg, SS_EINVAL, "figure '%s': file stem '%s' already used by figure '%s' (line %d)",
						    s->figs[i].id, s->figs[i].stem, s->figs[j].id, s->figs[j].line);
		}
	}
	if (tabs) {
		if (!config_setting_is_list(tabs))
			return fail(ld, tabs, SS_EPARSE, "'tables' must be a list ( {...}, {...} )");
		size_t len = (size_t)config_setting_length(tabs);
		if (len && !(s->tables = calloc(len, sizeof *s->tables)))
			return SS_ENOMEM;
		for (size_t i = 0; i < len; i++) {
			s->ntables = i + 1;
			if ((rc = load_table(ld, config_setting_get_elem(tabs, (unsigned)i), i, &s->tables[i])))
				return rc;
		}
	}
	return SS_OK;
}

int ss_plot_spec_load(const char *path, ss_db *db, ss_plot_spec **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!path || !*path || !db) {
		ss_errbuf(err, errlen, "ss_plot_spec_load: no spec path or no store");
		return SS_EINVAL;
	}
	struct stat sb;
	if (stat(path, &sb) != 0) {
		ss_errbuf(err, errlen, "%s: cannot open plot spec: %s", path, strerror(errno));
		return SS_ENOENT;
	}
	if (!S_ISREG(sb.st_mode)) {
		ss_errbuf(err, errlen, "%s: plot spec is not a regular file", path);
		return SS_ENOENT;
	}
	config_t cf;
	config_init(&cf);
	if (config_read_file(&cf, path) != CONFIG_TRUE) {
		int io = config_error_type(&cf) == CONFIG_ERR_FILE_IO;
		ss_errbuf(err, errlen, "%s:%d: %s", config_error_file(&cf) ? config_error_file(&cf) : path,
			  config_error_line(&cf), config_error_text(&cf));
		config_destroy(&cf);
		return io ? SS_ENOENT : SS_EPARSE;
	}
	loader ld = {path, err, errlen, db, NULL};
	int rc = SS_ENOMEM;
	ss_plot_spec *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path)))
		goto done;
	s->formats = SS__PLOT_PNG | SS__PLOT_SVG;
	int src = sqlite3_prepare_v2(ss_db_handle(db),
				     "SELECT value_num, x_value, unit, value, qualifier, source FROM reference WHERE id = ?1",
				     -1, &ld.ref_st, NULL);
	if (src != SQLITE_OK) {
		ss_errbuf(err, errlen, "%s: cannot read the store's reference table: %s", path,
			  sqlite3_errmsg(ss_db_handle(db)));
		rc = SS_EDB;
		goto done;
	}
	rc = load_all(&ld, &cf, s);
done:
	sqlite3_finalize(ld.ref_st);
	config_destroy(&cf);
	if (rc) {
		ss_plot_spec_free(s);
		if (rc == SS_ENOMEM)
			ss_errbuf(err, errlen, "%s: out of memory", path);
		return rc;
	}
	*out = s;
	return SS_OK;
}

/* ---- the default spec ------------------------------------------------- */

/* The sweep axis whose values hold every x of a figure, from a run's
   config text ("...; sweep: (k=[a,b,c] k2=[...]) (...); run: ..."):
   the swept parameter the figure's x is. Malloc'd; NULL when none fits
   (or out of memory, told apart by *oom). */
static char *x_axis_name(const char *cfg, const double *xs, size_t nx, int *oom)
{
	const char *p = cfg ? strstr(cfg, "sweep:") : NULL;
	const char *end = p ? strstr(p, "; run:") : NULL;
	while (p && (p = strchr(p, '[')) && (!end || p < end)) {
		const char *k = p;
		while (k > cfg && k[-1] != ' ' && k[-1] != '(')
			k--;
		size_t klen = (size_t)(p - k);
		if (klen < 2 || k[klen - 1] != '=') {
			p++;
			continue;
		}
		/* The values, and whether each x is one of them. */
		const char *close = strchr(p, ']');
		if (!close)
			break;
		size_t hit = 0;
		for (size_t i = 0; i < nx; i++) {
			for (const char *v = p + 1; v < close;) {
				char *e;
				double d = strtod(v, &e);
				if (e != v && (d == xs[i] || fabs(d - xs[i]) <= 1e-9 * fabs(xs[i]))) {
					hit++;
					break;
				}
				v = strchr(v, ',');
				v = v && v < close ? v + 1 : close;
			}
		}
		if (hit == nx) {
			char *name = strndup(k, klen - 1);
			*oom = !name;
			return name;
		}
		p = close;
	}
	return NULL;
}

/* A file stem from a figure id: unsafe characters become '_'. */
static char *safe_stem(const char *id)
{
	size_t n = strlen(id);
	char *s = malloc(n + 2);
	if (!s)
		return NULL;
	size_t o = 0;
	if (!n || id[0] == '.' || id[0] == '-')
		s[o++] = 'f';
	for (size_t i = 0; i < n && o < 100; i++) {
		char c = id[i];
		s[o++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
				 c == '_' || c == '-' ? c : '_';
	}
	s[o] = '\0';
	return s;
}

/* One default figure: id's first metric against x; see ss_plot_spec_default. */
static int default_figure(sqlite3 *h, const char *id, size_t idx, ss_plot_spec *sp, ss__plot_fig *f)
{
	sqlite3_stmt *st = NULL;
	int rc = SS_OK;
	f->kind = SS__PLOT_XY;
	f->ymin = f->ymax = NAN;
	f->line = 0;
	if (!(f->id = strdup(id)))
		return SS_ENOMEM;
	/* The primary metric: models report it first (metrics.pos 0). */
	if (sqlite3_prepare_v2(h,
			       "SELECT m.name FROM runs AS r JOIN metrics AS m ON m.run_id = r.id WHERE r.figure = ?1"
			       " AND r.status = 'done' AND r.x IS NOT NULL ORDER BY m.pos, r.id LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return SS_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		rc = dup_str((const char *)sqlite3_column_text(st, 0), &f->metric);
	sqlite3_finalize(st);
	if (rc || !f->metric)
		return rc ? rc : SS_EDB;
	/* The x values and one run's config, for the x axis' name. */
	double *xs = NULL;
	size_t nx = 0, cap = 0;
	char *cfg = NULL;
	if (sqlite3_prepare_v2(h,
			       "SELECT DISTINCT x, (SELECT config FROM runs WHERE figure = ?1 LIMIT 1) FROM runs"
			       " WHERE figure = ?1 AND status = 'done' AND x IS NOT NULL ORDER BY x",
			       -1, &st, NULL) != SQLITE_OK)
		return SS_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (rc == SS_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		if (!cfg && sqlite3_column_text(st, 1) && dup_str((const char *)sqlite3_column_text(st, 1), &cfg))
			rc = SS_ENOMEM;
		else if (ss_grow(&xs, &cap, nx + 1, sizeof *xs, 16))
			rc = SS_ENOMEM;
		else
			xs[nx++] = sqlite3_column_double(st, 0);
	}
	sqlite3_finalize(st);
	if (rc == SS_OK && src != SQLITE_DONE)
		rc = SS_EDB; /* a read error (corrupted store) part way */
	int oom = 0;
	if (rc == SS_OK)
		f->xlabel = x_axis_name(cfg, xs, nx, &oom);
	if (oom)
		rc = SS_ENOMEM;
	/* A sweep over two decades or more (bandwidths, connections) is
	   read on a log axis. */
	f->logx = nx > 2 && xs[0] > 0 && xs[nx - 1] / xs[0] >= 100;
	free(xs);
	free(cfg);
	if (rc)
		return rc;
	char title[512];
	snprintf(title, sizeof title, "%s: %s against %s (default plot of study %s)", id, f->metric,
		 f->xlabel ? f->xlabel : "x", sp->study);
	if (dup_str(title, &f->title) || !(f->stem = safe_stem(id)))
		return SS_ENOMEM;
	for (size_t j = 0; j < idx; j++)
		if (!strcmp(sp->figs[j].stem, f->stem)) {
			/* Two ids made the same stem: number this one. */
			char *u = malloc(strlen(f->stem) + 24);
			if (!u)
				return SS_ENOMEM;
			sprintf(u, "%s_%zu", f->stem, idx + 1);
			free(f->stem);
			f->stem = u;
			break;
		}
	return SS_OK;
}

int ss_plot_spec_default(ss_db *db, const char *study, ss_plot_spec **out, char *err, size_t errlen)
{
	*out = NULL;
	ss_plot_spec *sp = calloc(1, sizeof *sp);
	sqlite3 *h = ss_db_handle(db);
	sqlite3_stmt *st = NULL;
	int rc = SS_ENOMEM;
	size_t cap = 0;
	if (!sp || !(sp->study = strdup(study && *study ? study : "results")) || !(sp->path = strdup("(default spec)")))
		goto done;
	sp->formats = SS__PLOT_PNG | SS__PLOT_SVG;
	rc = SS_OK;
	if (sqlite3_prepare_v2(h,
			       "SELECT DISTINCT figure FROM runs WHERE status = 'done' AND x IS NOT NULL ORDER BY figure",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = SS_EDB;
		goto done;
	}
	int src;
	while (rc == SS_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		if (ss_grow(&sp->figs, &cap, sp->nfigs + 1, sizeof *sp->figs, 8)) {
			rc = SS_ENOMEM;
			break;
		}
		ss__plot_fig *f = &sp->figs[sp->nfigs];
		memset(f, 0, sizeof *f);
		sp->nfigs++;
		rc = default_figure(h, (const char *)sqlite3_column_text(st, 0), sp->nfigs - 1, sp, f);
	}
	if (rc == SS_OK && src != SQLITE_DONE)
		rc = SS_EDB;
done:
	sqlite3_finalize(st);
	if (rc == SS_EDB)
		ss_errbuf(err, errlen, "cannot read the store's runs: %s",
			  sqlite3_errcode(h) != SQLITE_OK ? sqlite3_errmsg(h) : "a read failed part way (a damaged file?)");
	else if (rc)
		ss_errbuf(err, errlen, "out of memory");
	if (rc) {
		ss_plot_spec_free(sp);
		return rc;
	}
	*out = sp;
	return SS_OK;
}
