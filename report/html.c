/* The HTML report (ss_html.h): one static page over several results
   stores. Every string from a store, a spec or a file name goes through
   ss_html_escape (text) or ss_html_url_path (links); the page itself
   carries no script and a Content-Security-Policy that forbids any, so
   a text that escaped the escaping still could not run. */
#include "plot-internal.h"
#include "ss_db.h"
#include "ss_err.h"
#include "ss_grow.h"
#include "ss_html.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

/* One store and what the page needs from it. */
typedef struct store {
	const char *path;
	ss_db *db;
	char *stem;         /* file stem: the folder of its figures */
	ss_plot_spec *spec; /* the study's spec, else the default figures */
	int default_spec;   /* 1: no spec was found */
} store;

typedef struct page {
	FILE *f;
	const ss_html_opts *o;
	char *figdir;      /* folder of the page (where STUDY/ folders are) */
	int rc;            /* first failure: SS_ENOMEM or SS_EDB */
	char dberr[512];   /* SQLite's message of that failure */
	ss_html_summary sum;
} page;

/* ---- output helpers ------------------------------------------------ */

static void put(page *p, const char *s) { fputs(s, p->f); }

static void putf(page *p, const char *fmt, ...) SS_PRINTF(2, 3);
static void putf(page *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(p->f, fmt, ap);
	va_end(ap);
}

static void fail(page *p, int rc, const char *msg)
{
	if (p->rc == SS_OK) {
		p->rc = rc;
		snprintf(p->dberr, sizeof p->dberr, "%s", msg ? msg : "");
	}
}

/* Text, escaped; NULL prints nothing. */
static void esc(page *p, const char *s)
{
	if (!s)
		return;
	char *e = ss_html_escape(s);
	if (!e) {
		fail(p, SS_ENOMEM, "out of memory");
		return;
	}
	fputs(e, p->f);
	free(e);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void esc_col(page *p, sqlite3_stmt *st, int i)
{
	const char *s = col_text(st, i);
	esc(p, s ? s : "");
}

/* A number with four significant digits; "–" when missing. */
static void num(page *p, double v)
{
	if (isfinite(v))
		putf(p, "%.4g", v);
	else
		put(p, "&ndash;");
}

static sqlite3_stmt *prep(page *p, sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (p->rc == SS_OK && sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(p, SS_EDB, sqlite3_errmsg(h));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Steps st; SQLITE_ROW or 0 (done, or failed: then p->rc is set). */
static int step(page *p, sqlite3_stmt *st)
{
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		return r;
	if (r != SQLITE_DONE)
		fail(p, SS_EDB, sqlite3_errmsg(sqlite3_db_handle(st)));
	return 0;
}

static int has_table(page *p, sqlite3 *h, const char *name)
{
	sqlite3_stmt *st = prep(p, h, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int yes = step(p, st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

/* ---- the page's frame ----------------------------------------------- */

/* Colours chosen for contrast of black text (WCAG AA on each). */
static const char css[] =
	"body{font:15px/1.45 sans-serif;margin:0;color:#1b1b1b;background:#fafafa}"
	"header,main,nav{max-width:1280px;margin:0 auto;padding:0 1.5em}"
	"header{padding-top:1em}h1{margin:.3em 0}h2{border-bottom:2px solid #456;padding-bottom:.2em;margin-top:2em}"
	"h3{margin-top:1.6em;color:#234}"
	"nav#toc{background:#eef2f6;border:1px solid #cdd6e0;border-radius:6px;padding:.6em 1.5em;margin-top:1em}"
	"nav#toc h2{margin:.2em 0;border:0}"
	"nav#toc ol{margin:.2em 0;padding-left:1.4em}nav#toc>ol>li{margin:.3em 0}"
	"nav#toc ol ol li{display:inline;margin-right:1em}"
	"table{border-collapse:collapse;margin:.5em 0;background:#fff}"
	"th,td{border:1px solid #ccd;padding:.2em .5em;text-align:left;vertical-align:top}"
	"th{background:#e8ecf0}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".small{font-size:.85em}.muted{color:#555}code{font-size:.9em;word-break:break-all}"
	".fig{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start;background:#fff;"
	"border:1px solid #ccd;border-radius:6px;padding:.8em;margin:1em 0}"
	".fig img{width:600px;max-width:100%;height:auto;border:1px solid #eee}"
	".fig .refs{flex:1 1 420px;min-width:0}.fig figcaption{font-weight:bold;margin-bottom:.3em}"
	"tr.v-PASS td.v{background:#b9e4bf}tr.v-FAIL td.v,tr.v-XPASS td.v{background:#f3b3b3}"
	"tr.v-XFAIL td.v{background:#f7dc9a}tr.v-INPUT td.v{background:#bcd7f2}tr.v-INFO td.v{background:#dedede}"
	"td.v{font-weight:bold;white-space:nowrap}tr.v-PASS{background:#f1faf2}tr.v-FAIL,tr.v-XPASS{background:#fdf0f0}"
	"tr.v-XFAIL{background:#fdf8ea}tr.v-INPUT{background:#f1f6fc}"
	".badge{display:inline-block;padding:.1em .6em;margin:.1em .3em .1em 0;border-radius:1em;font-weight:bold}"
	".b-PASS{background:#b9e4bf}.b-FAIL,.b-XPASS{background:#f3b3b3}.b-XFAIL{background:#f7dc9a}"
	".b-INPUT{background:#bcd7f2}.b-INFO{background:#dedede}"
	"tr.swept td:first-child,tr.set td:first-child{font-weight:bold}tr.swept{background:#f3f0fa}"
	"td.bn{white-space:nowrap;font-size:.85em}td.bn.none{color:#777}td.bn.lock{background:#f7e3c4}"
	"td.bn.bus,td.bn.mem{background:#d9ccef}td.bn.other{background:#d4ece9}"
	"details>summary{cursor:pointer;color:#234}";

static void head(page *p)
{
	put(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       /* Figures are the page's own files; nothing else may load
		  and nothing may run. */
	       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self'; "
	       "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
	       "<title>secsim report</title>\n<style>");
	put(p, css);
	put(p, "</style>\n</head>\n<body>\n");
}

/* Verdicts known to the page; anything else a store holds is shown as
   text without a class (the class comes from this table, never from
   the store). */
static const char *const verdicts[] = {"PASS", "FAIL", "XFAIL", "XPASS", "INPUT", "INFO"};

static const char *verdict_class(const char *v)
{
	for (size_t i = 0; v && i < sizeof verdicts / sizeof verdicts[0]; i++)
		if (!strcmp(v, verdicts[i]))
			return verdicts[i];
	return NULL;
}

/* ---- figures beside the paper's numbers ------------------------------ */

static void ref_row(page *p, sqlite3_stmt *rq, sqlite3_stmt *pq, const ss__plot_fig *fig, const ss__plot_ref *r,
		    const char *kind)
{
	put(p, "<tr><td>");
	esc(p, r->id ? r->id : "");
	put(p, "</td>");
	int found = 0;
	char *source = NULL;
	if (r->id) {
		sqlite3_reset(rq);
		sqlite3_bind_text(rq, 1, r->id, -1, SQLITE_STATIC);
		if (step(p, rq) == SQLITE_ROW) {
			found = 1;
			put(p, "<td>");
			esc_col(p, rq, 1);
			put(p, ": ");
			esc_col(p, rq, 0);
			if (sqlite3_column_type(rq, 3) != SQLITE_NULL) {
				put(p, " (");
				esc_col(p, rq, 2);
				put(p, " = ");
				num(p, sqlite3_column_double(rq, 3));
				put(p, ")");
			}
			put(p, "</td><td class=\"n\">");
			esc_col(p, rq, 4);
			put(p, " ");
			esc_col(p, rq, 5);
			put(p, "</td><td>");
			esc_col(p, rq, 6);
			put(p, "</td>");
			if (!(source = strdup(col_text(rq, 7) ? col_text(rq, 7) : "")))
				fail(p, SS_ENOMEM, "out of memory");
		}
		sqlite3_reset(rq);
	}
	if (!found)
		put(p, "<td colspan=\"3\" class=\"muted\">(no reference row)</td>");
	put(p, "<td>");
	esc(p, kind);
	if (r->series) {
		put(p, " ");
		esc(p, r->series);
	}
	if (r->title) {
		put(p, " &ldquo;");
		esc(p, r->title);
		put(p, "&rdquo;");
	}
	if (isfinite(r->x)) {
		put(p, " at x = ");
		num(p, r->x);
	}
	if (r->derived) {
		put(p, ": ");
		num(p, r->y);
		put(p, " (derived)");
	}
	put(p, "</td><td class=\"n\">");
	/* The simulated point beside a paper's point: only where the figure
	   draws the stored metric itself (not a ratio to a baseline). */
	int sim = 0;
	if (pq && r->series && isfinite(r->x) && !fig->base_figure && fig->metric) {
		sqlite3_reset(pq);
		sqlite3_bind_text(pq, 1, fig->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(pq, 2, r->series, -1, SQLITE_STATIC);
		sqlite3_bind_text(pq, 3, fig->metric, -1, SQLITE_STATIC);
		sqlite3_bind_double(pq, 4, r->x);
		if (step(p, pq) == SQLITE_ROW) {
			sim = 1;
			num(p, sqlite3_column_double(pq, 0));
			put(p, " <span class=\"small muted\">[");
			num(p, sqlite3_column_type(pq, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(pq, 1));
			put(p, ", ");
			num(p, sqlite3_column_type(pq, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(pq, 2));
			put(p, "]</span>");
		}
		sqlite3_reset(pq);
	}
	if (!sim)
		put(p, "&ndash;");
	put(p, "</td><td class=\"small\">");
	esc(p, source);
	free(source);
	put(p, "</td></tr>\n");
}

static void figures(page *p, const store *s, int si)
{
	sqlite3 *h = ss_db_handle(s->db);
	putf(p, "<section id=\"s%d-figures\">\n<h3>Figures</h3>\n", si);
	if (s->default_spec)
		put(p, "<p class=\"muted\">No plot spec for this study: the default figures (each figure's primary "
		       "metric against its swept axis), without the paper's numbers.</p>\n");
	sqlite3_stmt *rq = prep(p, h, "SELECT quantity, stack_or_config, x_name, x_value, value, unit, qualifier, source "
				      "FROM reference WHERE id = ?1");
	sqlite3_stmt *pq = prep(p, h, "SELECT mean, ci_low, ci_high FROM points WHERE figure = ?1 AND series = ?2 "
				      "AND metric = ?3 AND abs(x - ?4) < 1e-9");
	const ss_plot_spec *sp = s->spec;
	char *dir = ss_html_url_path(s->stem);
	if (!dir)
		fail(p, SS_ENOMEM, "out of memory");
	int missing = 0;
	for (size_t i = 0; i < sp->nfigs && rq && pq && dir && p->rc == SS_OK; i++) {
		const ss__plot_fig *fig = &sp->figs[i];
		size_t len = strlen(p->figdir) + strlen(s->stem) + strlen(fig->stem) + 8;
		char *disk = malloc(len);
		char *stem = ss_html_url_path(fig->stem);
		struct stat sb;
		if (!disk || !stem) {
			free(disk);
			free(stem);
			fail(p, SS_ENOMEM, "out of memory");
			break;
		}
		snprintf(disk, len, "%s%s/%s.svg", p->figdir, s->stem, fig->stem);
		if (stat(disk, &sb) != 0) {
			missing++;
			free(disk);
			free(stem);
			continue;
		}
		p->sum.figures++;
		putf(p, "<figure class=\"fig\" id=\"s%d-fig-%zu\">\n<div><figcaption>", si, i);
		esc(p, fig->title ? fig->title : fig->id);
		putf(p, "</figcaption><a href=\"%s/%s.svg\"><img src=\"%s/%s.svg\" alt=\"", dir, stem, dir, stem);
		esc(p, fig->title ? fig->title : fig->id);
		put(p, "\"></a></div>\n<div class=\"refs\">");
		if (fig->note) {
			put(p, "<p class=\"small\">");
			esc(p, fig->note);
			put(p, "</p>");
		}
		size_t nref = fig->nrefs + fig->nhlines + fig->nvlines;
		if (nref) {
			put(p, "<table class=\"small\"><tr><th>paper</th><th>what</th><th>value</th><th>qualifier</th>"
			       "<th>drawn as</th><th>simulated</th><th>source</th></tr>\n");
			for (size_t k = 0; k < fig->nrefs; k++)
				ref_row(p, rq, pq, fig, &fig->refs[k], "point");
			for (size_t k = 0; k < fig->nhlines; k++)
				ref_row(p, rq, pq, fig, &fig->hlines[k], "line");
			for (size_t k = 0; k < fig->nvlines; k++)
				if (fig->vlines[k].id)
					ref_row(p, rq, pq, fig, &fig->vlines[k], "marked x");
			put(p, "</table>");
		} else if (!s->default_spec) {
			put(p, "<p class=\"muted small\">The paper states no number for this figure.</p>");
		}
		put(p, "</div>\n</figure>\n");
		free(disk);
		free(stem);
	}
	if (missing) {
		p->sum.missing += missing;
		putf(p, "<p class=\"muted\">%d figure(s) of the spec have no SVG in ", missing);
		esc(p, p->figdir);
		esc(p, s->stem);
		put(p, "/ (no data in this store, or not drawn: <code>secsim plot ");
		esc(p, s->path);
		put(p, "</code>).</p>\n");
	}
	/* The tables of the spec: the paper's value beside the simulated one. */
	for (size_t t = 0; t < sp->ntables && pq && p->rc == SS_OK; t++) {
		const ss__plot_table *tb = &sp->tables[t];
		put(p, "<h4>");
		esc(p, tb->title ? tb->title : tb->id);
		put(p, "</h4>\n<table class=\"small\"><tr><th>");
		esc(p, tb->columns ? tb->columns[0] : "stack");
		put(p, "</th><th>");
		esc(p, tb->columns ? tb->columns[1] : "side");
		put(p, "</th><th>paper</th><th>simulated</th><th>reference row</th></tr>\n");
		for (size_t r = 0; r < tb->nrows; r++) {
			const ss__plot_row *row = &tb->rows[r];
			put(p, "<tr><td>");
			esc(p, row->stack);
			put(p, "</td><td>");
			esc(p, row->side);
			put(p, "</td><td class=\"n\">");
			num(p, row->ref.y);
			put(p, " ");
			esc(p, row->ref.unit);
			put(p, "</td><td class=\"n\">");
			sqlite3_reset(pq);
			sqlite3_bind_text(pq, 1, tb->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(pq, 2, row->series, -1, SQLITE_STATIC);
			sqlite3_bind_text(pq, 3, tb->metric, -1, SQLITE_STATIC);
			sqlite3_bind_double(pq, 4, isnan(tb->x) ? row->ref.x : tb->x);
			if (step(p, pq) == SQLITE_ROW)
				num(p, sqlite3_column_double(pq, 0));
			else
				put(p, "&ndash;");
			sqlite3_reset(pq);
			put(p, "</td><td>");
			esc(p, row->ref.id);
			put(p, "</td></tr>\n");
		}
		put(p, "</table>\n");
	}
	free(dir);
	sqlite3_finalize(rq);
	sqlite3_finalize(pq);
	put(p, "</section>\n");
}

/* ---- claims ----------------------------------------------------------- */

static void claims(page *p, const store *s, int si)
{
	sqlite3 *h = ss_db_handle(s->db);
	putf(p, "<section id=\"s%d-claims\">\n<h3>Claims</h3>\n", si);
	if (!has_table(p, h, "claim_checks")) {
		put(p, "<p class=\"muted\">No claim check stored: <code>secsim reproduce STUDY --check</code> stores "
		       "its verdicts in the study's store.</p>\n</section>\n");
		return;
	}
	sqlite3_stmt *st = prep(p, h, "SELECT id, study, checked_at, version, (SELECT count(*) FROM claim_checks) "
				      "FROM claim_checks ORDER BY id DESC LIMIT 1");
	if (!st || step(p, st) != SQLITE_ROW) {
		if (p->rc == SS_OK)
			put(p, "<p class=\"muted\">No claim check stored.</p>\n");
		sqlite3_finalize(st);
		put(p, "</section>\n");
		return;
	}
	sqlite3_int64 id = sqlite3_column_int64(st, 0);
	put(p, "<p>Checked ");
	esc_col(p, st, 2);
	put(p, " by secsim ");
	esc_col(p, st, 3);
	put(p, " (study ");
	esc_col(p, st, 1);
	putf(p, "; the latest of %lld check(s) stored).</p>\n", (long long)sqlite3_column_int64(st, 4));
	sqlite3_finalize(st);
	st = prep(p, h, "SELECT verdict, count(*) FROM claims WHERE check_id = ?1 GROUP BY verdict ORDER BY verdict");
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		put(p, "<p>");
		while (step(p, st) == SQLITE_ROW) {
			const char *cls = verdict_class(col_text(st, 0));
			putf(p, "<span class=\"badge%s%s\">%d ", cls ? " b-" : "", cls ? cls : "", sqlite3_column_int(st, 1));
			esc_col(p, st, 0);
			put(p, "</span>");
		}
		put(p, "</p>\n");
	}
	sqlite3_finalize(st);
	st = prep(p, h, "SELECT claim, verdict, text, known FROM claims WHERE check_id = ?1 ORDER BY pos");
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		put(p, "<table class=\"claims\"><tr><th>verdict</th><th>claim</th><th>reason</th></tr>\n");
		while (step(p, st) == SQLITE_ROW) {
			const char *cls = verdict_class(col_text(st, 1));
			p->sum.claims++;
			putf(p, "<tr%s%s%s><td class=\"v\">", cls ? " class=\"v-" : "", cls ? cls : "", cls ? "\"" : "");
			esc_col(p, st, 1);
			put(p, "</td><td>");
			esc_col(p, st, 0);
			put(p, "</td><td>");
			esc_col(p, st, 2);
			if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
				put(p, "<br><span class=\"small\"><b>Known deviation:</b> ");
				esc_col(p, st, 3);
				put(p, "</span>");
			}
			put(p, "</td></tr>\n");
		}
		put(p, "</table>\n");
	}
	sqlite3_finalize(st);
	put(p, "</section>\n");
}

/* ---- scenarios and their parameters ----------------------------------- */

typedef struct pvals {
	char *name;
	char **v;
	size_t n, cap;
} pvals;

typedef struct plist {
	pvals *p;
	size_t n, cap;
} plist;

static void plist_fini(plist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (size_t k = 0; k < l->p[i].n; k++)
			free(l->p[i].v[k]);
		free(l->p[i].v);
		free(l->p[i].name);
	}
	free(l->p);
	memset(l, 0, sizeof *l);
}

/* Distinct values kept per parameter: enough for any sweep a page
   can show. */
#define MAX_VALUES 64

static int plist_add(plist *l, const char *name, size_t nlen, const char *val, size_t vlen)
{
	pvals *pv = NULL;
	for (size_t i = 0; i < l->n && !pv; i++)
		if (strlen(l->p[i].name) == nlen && !strncmp(l->p[i].name, name, nlen))
			pv = &l->p[i];
	if (!pv) {
		if (ss_grow(&l->p, &l->cap, l->n + 1, sizeof *l->p, 16))
			return SS_ENOMEM;
		pv = &l->p[l->n];
		memset(pv, 0, sizeof *pv);
		if (!(pv->name = strndup(name, nlen)))
			return SS_ENOMEM;
		l->n++;
	}
	for (size_t k = 0; k < pv->n; k++)
		if (strlen(pv->v[k]) == vlen && !strncmp(pv->v[k], val, vlen))
			return SS_OK;
	if (pv->n >= MAX_VALUES)
		return SS_OK;
	if (ss_grow(&pv->v, &pv->cap, pv->n + 1, sizeof *pv->v, 4) || !(pv->v[pv->n] = strndup(val, vlen)))
		return SS_ENOMEM;
	pv->n++;
	return SS_OK;
}

/* Whether s starts "name=" (any identifier when name is NULL). */
static int key_at(const char *s, const char *name)
{
	if (name) {
		size_t n = strlen(name);
		return !strncmp(s, name, n) && s[n] == '=';
	}
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");
	return n > 0 && s[n] == '=';
}

/* Splits a point key "a=1;b=x;..." into l. With the model's table the
   names are known in order, so a value holding ';' stays whole; without
   it, ';' separates. */
static int split_key(plist *l, const char *key, const ss_html_model *m)
{
	const char *s = key;
	for (size_t i = 0; m && i < m->nparams; i++) {
		size_t nl = strlen(m->params[i].name);
		if (strncmp(s, m->params[i].name, nl) || s[nl] != '=')
			break; /* not this model's key after all: fall back below */
		const char *v = s + nl + 1, *end = NULL;
		for (const char *q = strchr(v, ';'); q && !end; q = strchr(q + 1, ';'))
			if (i + 1 < m->nparams ? key_at(q + 1, m->params[i + 1].name) : key_at(q + 1, NULL))
				end = q;
		if (!end && i + 1 < m->nparams)
			break;
		if (!end)
			end = v + strlen(v);
		if (plist_add(l, m->params[i].name, nl, v, (size_t)(end - v)))
			return SS_ENOMEM;
		s = *end ? end + 1 : end;
	}
	/* What follows the model's parameters (a sweep's derived=...) or a
	   key of no known model: ';' separates. */
	while (*s) {
		const char *semi = strchr(s, ';'), *end = semi ? semi : s + strlen(s);
		const char *eq = memchr(s, '=', (size_t)(end - s));
		if (eq && plist_add(l, s, (size_t)(eq - s), eq + 1, (size_t)(end - eq - 1)))
			return SS_ENOMEM;
		s = semi ? semi + 1 : end;
	}
	return SS_OK;
}

static const ss_html_model *find_model(const ss_html_opts *o, const char *config)
{
	if (!config || strncmp(config, "model=", 6))
		return NULL;
	const char *name = config + 6;
	size_t len = strcspn(name, ";");
	for (size_t i = 0; i < o->nmodels; i++)
		if (strlen(o->models[i].name) == len && !strncmp(o->models[i].name, name, len))
			return &o->models[i];
	return NULL;
}

static const ss_html_param *find_param(const ss_html_model *m, const char *name)
{
	for (size_t i = 0; m && i < m->nparams; i++)
		if (!strcmp(m->params[i].name, name))
			return &m->params[i];
	return NULL;
}

/* A value equal to the default, as text or as a number ("1200000000"
   is the default "1.2e9"). */
static int same_value(const char *v, const char *def)
{
	if (!strcmp(v, def))
		return 1;
	char *e1, *e2;
	double a = strtod(v, &e1), b = strtod(def, &e2);
	return *v && *def && !*e1 && !*e2 && a == b;
}

static void param_row(page *p, const pvals *v, const ss_html_param *d, int swept, int set)
{
	putf(p, "<tr%s><td>", swept ? " class=\"swept\"" : set ? " class=\"set\"" : "");
	esc(p, v->name);
	put(p, "</td><td>");
	for (size_t k = 0; k < v->n; k++) {
		if (k)
			put(p, ", ");
		esc(p, v->v[k]);
	}
	if (v->n >= MAX_VALUES)
		put(p, ", &hellip;");
	if (swept)
		put(p, " <span class=\"small muted\">(swept)</span>");
	put(p, "</td><td>");
	esc(p, d ? d->unit : "");
	put(p, "</td><td>");
	esc(p, d ? d->def : "");
	put(p, "</td><td class=\"small\">");
	esc(p, d ? d->source : "(not a parameter of a model this secsim knows)");
	put(p, "</td></tr>\n");
}

static void scenario(page *p, sqlite3 *h, const char *name, long long runs, const char *config, int nconfigs)
{
	const ss_html_model *m = find_model(p->o, config);
	put(p, "<h4>");
	esc(p, name);
	put(p, "</h4>\n<p class=\"small\">");
	putf(p, "%lld run(s); model ", runs);
	if (config && !strncmp(config, "model=", 6)) {
		char *mn = strndup(config + 6, strcspn(config + 6, ";"));
		esc(p, mn ? mn : "?");
		free(mn);
	} else {
		put(p, "unknown");
	}
	const char *sw = config ? strstr(config, "; sweep:") : NULL;
	if (sw) {
		put(p, ". Sweep and run settings: <code>");
		esc(p, sw + 2);
		put(p, "</code>");
	}
	if (nconfigs > 1)
		putf(p, " <b>(%d different configurations in this store: runs of different settings)</b>", nconfigs);
	put(p, "</p>\n");
	sqlite3_stmt *st = prep(p, h, "SELECT point_key FROM runs WHERE scenario = ?1 GROUP BY point_key ORDER BY min(id)");
	plist l = {0};
	if (st) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		while (step(p, st) == SQLITE_ROW)
			if (split_key(&l, col_text(st, 0) ? col_text(st, 0) : "", m)) {
				fail(p, SS_ENOMEM, "out of memory");
				break;
			}
	}
	sqlite3_finalize(st);
	/* Parameters set or swept first; the model's defaults folded. */
	int ndef = 0;
	put(p, "<table class=\"small\"><tr><th>parameter</th><th>value(s)</th><th>unit</th><th>default</th>"
	       "<th>source</th></tr>\n");
	for (size_t i = 0; i < l.n; i++) {
		const ss_html_param *d = find_param(m, l.p[i].name);
		int swept = l.p[i].n > 1, set = !d || !same_value(l.p[i].v[0], d->def);
		if (swept || set)
			param_row(p, &l.p[i], d, swept, set);
		else
			ndef++;
	}
	put(p, "</table>\n");
	if (ndef) {
		putf(p, "<details><summary>%d parameter(s) at the model's default</summary>\n<table class=\"small\">"
			"<tr><th>parameter</th><th>value</th><th>unit</th><th>default</th><th>source</th></tr>\n",
		     ndef);
		for (size_t i = 0; i < l.n; i++) {
			const ss_html_param *d = find_param(m, l.p[i].name);
			if (d && l.p[i].n == 1 && same_value(l.p[i].v[0], d->def))
				param_row(p, &l.p[i], d, 0, 0);
		}
		put(p, "</table></details>\n");
	}
	plist_fini(&l);
}

static void scenarios(page *p, const store *s, int si)
{
	sqlite3 *h = ss_db_handle(s->db);
	putf(p, "<section id=\"s%d-scenarios\">\n<h3>Scenarios and their parameters</h3>\n", si);
	put(p, "<p class=\"small muted\">Per scenario the parameters it sets or sweeps, with the source of each "
	       "(the model's parameter table, as <code>secsim models</code> lists it); the rest, at the model's "
	       "defaults, are folded.</p>\n");
	sqlite3_stmt *st = prep(p, h, "SELECT scenario, count(*), min(config), count(DISTINCT config) FROM runs "
				      "GROUP BY scenario ORDER BY min(id)");
	while (st && step(p, st) == SQLITE_ROW && p->rc == SS_OK)
		scenario(p, h, col_text(st, 0) ? col_text(st, 0) : "", (long long)sqlite3_column_int64(st, 1),
			 col_text(st, 2), sqlite3_column_int(st, 3));
	sqlite3_finalize(st);
	put(p, "</section>\n");
}

/* ---- bottlenecks ------------------------------------------------------- */

typedef struct bn {
	char *series, *name;
	double x, util;
	int nb, nr;
} bn;

/* A cell's shade by the kind of resource; the class is from this
   table, never from the store. */
static const char *bn_class(const char *name)
{
	static const char *const kinds[] = {"cpu", "lock", "bus", "mem"};
	if (!*name)
		return "none";
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strncmp(name, kinds[i], strlen(kinds[i])))
			return kinds[i];
	return "other";
}

static void bn_table(page *p, const bn *rows, size_t n)
{
	double *xs = malloc((n ? n : 1) * sizeof *xs);
	size_t nx = 0;
	if (!xs) {
		fail(p, SS_ENOMEM, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < nx && !(xs[k] == rows[i].x || (isnan(xs[k]) && isnan(rows[i].x))))
			k++;
		if (k == nx)
			xs[nx++] = rows[i].x;
	}
	/* Rows arrive ordered by series then x, so x values sort once here. */
	for (size_t i = 1; i < nx; i++)
		for (size_t k = i; k > 0 && xs[k] < xs[k - 1]; k--) {
			double t = xs[k];
			xs[k] = xs[k - 1];
			xs[k - 1] = t;
		}
	put(p, "<table class=\"small\"><tr><th>series \\ x</th>");
	for (size_t k = 0; k < nx; k++) {
		put(p, "<th>");
		num(p, xs[k]);
		put(p, "</th>");
	}
	put(p, "</tr>\n");
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && !strcmp(rows[j].series, rows[i].series))
			j++;
		put(p, "<tr><th>");
		esc(p, rows[i].series);
		put(p, "</th>");
		for (size_t k = 0; k < nx; k++) {
			const bn *b = NULL;
			for (size_t r = i; r < j && !b; r++)
				if (rows[r].x == xs[k] || (isnan(rows[r].x) && isnan(xs[k])))
					b = &rows[r];
			if (!b) {
				put(p, "<td></td>");
				continue;
			}
			putf(p, "<td class=\"bn %s\">", bn_class(b->name));
			esc(p, *b->name ? b->name : "none");
			if (isfinite(b->util))
				putf(p, " %.0f%%", 100 * b->util);
			if (b->nb != b->nr)
				putf(p, " (%d/%d)", b->nb, b->nr);
			put(p, "</td>");
		}
		put(p, "</tr>\n");
		i = j;
	}
	put(p, "</table>\n");
	free(xs);
}

static void bottlenecks(page *p, const store *s, int si)
{
	sqlite3 *h = ss_db_handle(s->db);
	putf(p, "<section id=\"s%d-bottlenecks\">\n<h3>Bottleneck of each point</h3>\n", si);
	put(p, "<p class=\"small muted\">The resource named most often over a point's replications, with its mean "
	       "utilisation; (k/n) when not all n replications named it; none: no resource saturated.</p>\n");
	sqlite3_stmt *st = prep(p, h, "SELECT figure, series, x, bottleneck, n_bottleneck, n_runs, util FROM "
				      "point_bottleneck ORDER BY figure, series, x");
	bn *rows = NULL;
	size_t n = 0, cap = 0;
	char *fig = NULL;
	int more = st != NULL;
	while (more && p->rc == SS_OK) {
		more = step(p, st) == SQLITE_ROW;
		const char *f = more ? col_text(st, 0) : NULL;
		if (fig && (!more || !f || strcmp(f, fig))) {
			put(p, "<h4>");
			esc(p, fig);
			put(p, "</h4>\n");
			bn_table(p, rows, n);
			for (size_t i = 0; i < n; i++) {
				free(rows[i].series);
				free(rows[i].name);
			}
			n = 0;
			free(fig);
			fig = NULL;
		}
		if (!more)
			break;
		if ((!fig && !(fig = strdup(f ? f : ""))) || ss_grow(&rows, &cap, n + 1, sizeof *rows, 32)) {
			fail(p, SS_ENOMEM, "out of memory");
			break;
		}
		bn *b = &rows[n];
		b->series = strdup(col_text(st, 1) ? col_text(st, 1) : "");
		b->name = strdup(col_text(st, 3) ? col_text(st, 3) : "");
		b->x = sqlite3_column_type(st, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 2);
		b->nb = sqlite3_column_int(st, 4);
		b->nr = sqlite3_column_int(st, 5);
		b->util = sqlite3_column_type(st, 6) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 6);
		n++;
		if (!b->series || !b->name) {
			fail(p, SS_ENOMEM, "out of memory");
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(rows[i].series);
		free(rows[i].name);
	}
	free(rows);
	free(fig);
	sqlite3_finalize(st);
	put(p, "</section>\n");
}

/* ---- provenance -------------------------------------------------------- */

/* Columns of `runs` that describe a run's result or its place in the
   sweep; every other column is provenance (version, revision, hashes,
   host: whatever the store's schema has), shown as it is. */
static const char *const run_data_cols[] = {
	"id", "scenario", "figure", "series", "x", "point_key", "config", "seed", "replication",
	"started", "finished", "sim_seconds", "events", "status", "bottleneck", "bottleneck_util",
};

static int is_data_col(const char *name)
{
	for (size_t i = 0; i < sizeof run_data_cols / sizeof run_data_cols[0]; i++)
		if (!strcmp(name, run_data_cols[i]))
			return 1;
	return 0;
}

/* "name" as an SQL identifier (a column name cannot be bound). */
static char *quote_ident(const char *name)
{
	size_t n = 3;
	for (const char *c = name; *c; c++)
		n += *c == '"' ? 2 : 1;
	char *q = malloc(n), *w = q;
	if (!q)
		return NULL;
	*w++ = '"';
	for (const char *c = name; *c; c++) {
		*w++ = *c;
		if (*c == '"')
			*w++ = '"';
	}
	*w++ = '"';
	*w = '\0';
	return q;
}

/* Distinct values of a provenance column shown, the most common first. */
#define PROV_VALUES 8

static void prov_column(page *p, sqlite3 *h, const char *col)
{
	char *q = quote_ident(col);
	if (!q) {
		fail(p, SS_ENOMEM, "out of memory");
		return;
	}
	size_t len = 2 * strlen(q) + 160;
	char *sql = malloc(len);
	if (!sql) {
		free(q);
		fail(p, SS_ENOMEM, "out of memory");
		return;
	}
	snprintf(sql, len, "SELECT %s, count(*), count(*) OVER () FROM runs GROUP BY 1 ORDER BY 2 DESC, 1", q);
	sqlite3_stmt *st = prep(p, h, sql);
	put(p, "<tr><th>");
	esc(p, col);
	put(p, "</th><td>");
	int k = 0, total = 0;
	while (st && step(p, st) == SQLITE_ROW) {
		total = sqlite3_column_int(st, 2);
		if (k++ >= PROV_VALUES)
			continue;
		if (k > 1)
			put(p, "<br>");
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			put(p, "<span class=\"muted\">(none)</span>");
		else
			esc_col(p, st, 0);
		putf(p, " <span class=\"small muted\">(%lld run(s))</span>", (long long)sqlite3_column_int64(st, 1));
	}
	if (total > PROV_VALUES)
		putf(p, "<br><span class=\"small muted\">and %d more value(s)</span>", total - PROV_VALUES);
	put(p, "</td></tr>\n");
	sqlite3_finalize(st);
	free(sql);
	free(q);
}

static void provenance(page *p, const store *s, int si)
{
	sqlite3 *h = ss_db_handle(s->db);
	putf(p, "<section id=\"s%d-provenance\">\n<h3>Provenance</h3>\n<table>\n", si);
	/* A start time of 0 is a run that recorded none (not 1970). */
	sqlite3_stmt *st = prep(p, h, "SELECT count(*), datetime(min(CASE WHEN started > 0 THEN started END), 'unixepoch'), "
				      "datetime(max(finished), 'unixepoch'), sum(events), sum(sim_seconds), "
				      "count(DISTINCT seed) FROM runs");
	if (st && step(p, st) == SQLITE_ROW) {
		putf(p, "<tr><th>runs</th><td>%lld, started ", (long long)sqlite3_column_int64(st, 0));
		esc_col(p, st, 1);
		put(p, " UTC, the last finished ");
		esc_col(p, st, 2);
		putf(p, " UTC; %.4g events over %.4g simulated s; %d distinct seed(s)</td></tr>\n",
		     sqlite3_column_double(st, 3), sqlite3_column_double(st, 4), sqlite3_column_int(st, 5));
	}
	sqlite3_finalize(st);
	st = prep(p, h, "SELECT name FROM pragma_table_info('runs') ORDER BY cid");
	while (st && step(p, st) == SQLITE_ROW && p->rc == SS_OK) {
		const char *col = col_text(st, 0);
		if (col && !is_data_col(col))
			prov_column(p, h, col);
	}
	sqlite3_finalize(st);
	st = prep(p, h, "SELECT key, value FROM meta ORDER BY key");
	while (st && step(p, st) == SQLITE_ROW) {
		put(p, "<tr><th>store: ");
		esc_col(p, st, 0);
		put(p, "</th><td>");
		esc_col(p, st, 1);
		put(p, "</td></tr>\n");
	}
	sqlite3_finalize(st);
	st = prep(p, h, "SELECT csv_file, count(*) FROM reference GROUP BY csv_file ORDER BY csv_file");
	while (st && step(p, st) == SQLITE_ROW) {
		put(p, "<tr><th>paper's numbers</th><td>");
		esc_col(p, st, 0);
		putf(p, " (%d row(s))</td></tr>\n", sqlite3_column_int(st, 1));
	}
	sqlite3_finalize(st);
	put(p, "</table>\n</section>\n");
}

/* ---- calibration ------------------------------------------------------- */

static void calibration(page *p)
{
	const char *path = p->o->calibration;
	put(p, "<section id=\"calibration\">\n<h2>Calibration</h2>\n");
	sqlite3 *h = NULL;
	struct stat sb;
	if (!path || stat(path, &sb) != 0 ||
	    sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		put(p, "<p class=\"muted\">No calibration store");
		if (path) {
			put(p, " at ");
			esc(p, path);
		}
		put(p, " (<code>secsim calibrate</code> writes one). Runs use the shipped crypto profiles "
		       "their parameters name.</p>\n</section>\n");
		sqlite3_close(h);
		return;
	}
	/* A calibration store of another program is reported, not fatal. */
	page probe = *p;
	if (!has_table(&probe, h, "calibration_hosts") || !has_table(&probe, h, "calibration")) {
		put(p, "<p class=\"muted\">");
		esc(p, path);
		put(p, " holds no calibration.</p>\n</section>\n");
		sqlite3_close(h);
		return;
	}
	put(p, "<p>From ");
	esc(p, path);
	put(p, ", the latest calibration first. Profiles calibrated from it are used by runs whose "
	       "<code>profile</code> parameter names them (see each scenario's parameters).</p>\n");
	sqlite3_stmt *st = prep(p, h, "SELECT id, created_at, cpu_model, clock_mhz, cores, openssl_version, quick "
				      "FROM calibration_hosts ORDER BY id DESC");
	sqlite3_int64 latest = -1;
	put(p, "<table class=\"small\"><tr><th>id</th><th>when (UTC)</th><th>CPU</th><th>MHz</th><th>cores</th>"
	       "<th>OpenSSL</th><th>quick</th></tr>\n");
	while (st && step(p, st) == SQLITE_ROW) {
		if (latest < 0)
			latest = sqlite3_column_int64(st, 0);
		putf(p, "<tr><td>%lld</td><td>", (long long)sqlite3_column_int64(st, 0));
		esc_col(p, st, 1);
		put(p, "</td><td>");
		esc_col(p, st, 2);
		put(p, "</td><td class=\"n\">");
		num(p, sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3));
		putf(p, "</td><td class=\"n\">%d</td><td>", sqlite3_column_int(st, 4));
		esc_col(p, st, 5);
		putf(p, "</td><td>%s</td></tr>\n", sqlite3_column_int(st, 6) ? "yes" : "no");
	}
	put(p, "</table>\n");
	sqlite3_finalize(st);
	/* The latest calibration as a matrix: algorithms by input size. */
	sqlite3_stmt *sz = prep(p, h, "SELECT DISTINCT bytes FROM calibration WHERE host_id = ?1 ORDER BY bytes");
	st = prep(p, h, "SELECT algorithm, bytes, median_ns FROM calibration WHERE host_id = ?1 ORDER BY algorithm, bytes");
	long long sizes[64];
	int nsz = 0;
	if (sz && st && latest >= 0) {
		sqlite3_bind_int64(sz, 1, latest);
		sqlite3_bind_int64(st, 1, latest);
		putf(p, "<h3>Calibration %lld: median time per call (&micro;s) by input size (bytes)</h3>\n"
			"<table class=\"small\"><tr><th>algorithm</th>", (long long)latest);
		while (step(p, sz) == SQLITE_ROW && nsz < 64) {
			sizes[nsz] = sqlite3_column_int64(sz, 0);
			putf(p, "<th>%lld</th>", sizes[nsz++]);
		}
		put(p, "</tr>\n");
		char *alg = NULL;
		int col = 0, more = 1;
		while (more && p->rc == SS_OK) {
			more = step(p, st) == SQLITE_ROW;
			const char *a = more ? col_text(st, 0) : NULL;
			if (alg && (!more || !a || strcmp(a, alg))) {
				for (; col < nsz; col++)
					put(p, "<td></td>");
				put(p, "</tr>\n");
				free(alg);
				alg = NULL;
			}
			if (!more)
				break;
			if (!alg) {
				if (!(alg = strdup(a ? a : ""))) {
					fail(p, SS_ENOMEM, "out of memory");
					break;
				}
				put(p, "<tr><th>");
				esc(p, alg);
				put(p, "</th>");
				col = 0;
			}
			long long b = sqlite3_column_int64(st, 1);
			while (col < nsz && sizes[col] < b) {
				put(p, "<td></td>");
				col++;
			}
			if (col < nsz && sizes[col] == b) {
				put(p, "<td class=\"n\">");
				num(p, sqlite3_column_double(st, 2) / 1000);
				put(p, "</td>");
				col++;
			}
		}
		free(alg);
		put(p, "</table>\n");
	}
	sqlite3_finalize(sz);
	sqlite3_finalize(st);
	sqlite3_close(h);
	put(p, "</section>\n");
}

/* ---- stores and the page ----------------------------------------------- */

/* The spec of a store's study: STEM.cfg, or for the --quick and --paper
   stores of `reproduce` (STUDY-quick, STUDY-paper) the study's. */
static int load_spec(store *s, const char *specs_dir, char *err, size_t errlen)
{
	static const char *const suffixes[] = {"", "-quick", "-paper"};
	size_t sl = strlen(s->stem);
	for (size_t i = 0; specs_dir && i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t xl = strlen(suffixes[i]);
		if (sl <= xl || strcmp(s->stem + sl - xl, suffixes[i]))
			continue;
		size_t len = strlen(specs_dir) + sl + 8;
		char *path = malloc(len);
		if (!path)
			return SS_ENOMEM;
		snprintf(path, len, "%s/%.*s.cfg", specs_dir, (int)(sl - xl), s->stem);
		struct stat sb;
		int rc = stat(path, &sb) == 0 ? ss_plot_spec_load(path, s->db, &s->spec, err, errlen) : -1;
		free(path);
		if (rc >= 0)
			return rc;
	}
	s->default_spec = 1;
	return ss_plot_spec_default(s->db, s->stem, &s->spec, err, errlen);
}

static void store_section(page *p, const store *s, int si)
{
	putf(p, "<section id=\"s%d\">\n<h2>", si);
	esc(p, s->stem);
	put(p, " <span class=\"small muted\">");
	esc(p, s->path);
	put(p, "</span></h2>\n");
	sqlite3_stmt *st = prep(p, ss_db_handle(s->db), "SELECT count(*), count(DISTINCT scenario) FROM runs");
	if (st && step(p, st) == SQLITE_ROW)
		putf(p, "<p>%lld run(s) of %d scenario(s); confidence intervals at %g%% (Student t over the "
			"replications).</p>\n",
		     (long long)sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), 100 * ss_db_level(s->db));
	sqlite3_finalize(st);
	figures(p, s, si);
	claims(p, s, si);
	scenarios(p, s, si);
	bottlenecks(p, s, si);
	provenance(p, s, si);
	put(p, "</section>\n");
}

static void toc(page *p, const store *stores, size_t n)
{
	static const char *const subs[][2] = {{"figures", "Figures"}, {"claims", "Claims"}, {"scenarios", "Scenarios"},
					     {"bottlenecks", "Bottlenecks"}, {"provenance", "Provenance"}};
	put(p, "<nav id=\"toc\"><h2>Contents</h2>\n<ol>\n");
	for (size_t i = 0; i < n; i++) {
		putf(p, "<li><a href=\"#s%zu\">", i);
		esc(p, stores[i].stem);
		put(p, "</a> <span class=\"small muted\">");
		esc(p, stores[i].path);
		put(p, "</span><ol>");
		for (size_t k = 0; k < sizeof subs / sizeof subs[0]; k++)
			putf(p, "<li><a href=\"#s%zu-%s\">%s</a></li>", i, subs[k][0], subs[k][1]);
		put(p, "</ol></li>\n");
	}
	put(p, "<li><a href=\"#calibration\">Calibration</a></li>\n</ol></nav>\n");
}

/* The folder of path with a trailing '/', "" for the working folder. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? strndup(path, (size_t)(slash - path + 1)) : strdup("");
}

int ss_html_report(const ss_html_opts *o, ss_html_summary *sum, char *err, size_t errlen)
{
	if (sum)
		memset(sum, 0, sizeof *sum);
	if (!o || !o->out || !*o->out || (o->ndbs && !o->dbs)) {
		ss_errbuf(err, errlen, "ss_html_report: no output path");
		return SS_EINVAL;
	}
	store *stores = calloc(o->ndbs ? o->ndbs : 1, sizeof *stores);
	page p = {NULL, o, dir_of(o->out), SS_OK, "", {0, 0, 0, 0}};
	int rc = stores && p.figdir ? SS_OK : SS_ENOMEM;
	if (rc)
		ss_errbuf(err, errlen, "out of memory");
	/* Every store and spec is read before anything is written, so a bad
	   one leaves no page behind. */
	for (size_t i = 0; i < o->ndbs && rc == SS_OK; i++) {
		store *s = &stores[i];
		s->path = o->dbs[i];
		if ((rc = ss_db_open(s->path, SS_DB_READ, &s->db, err, errlen)))
			break;
		if (!(s->stem = ss_plot_file_stem(s->path))) {
			rc = SS_ENOMEM;
			ss_errbuf(err, errlen, "out of memory");
			break;
		}
		rc = load_spec(s, o->specs_dir, err, errlen);
	}
	ss__plot_out out;
	if (rc == SS_OK && (rc = ss__plot_open_out(o->out, &out, err, errlen)) == SS_OK) {
		p.f = out.f;
		char when[32];
		time_t now = time(NULL);
		struct tm tm;
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", gmtime_r(&now, &tm));
		head(&p);
		put(&p, "<header><h1>secsim report</h1>\n<p>");
		putf(&p, "%zu results store(s), written %s UTC by secsim ", o->ndbs, when);
		esc(&p, o->version ? o->version : "");
		put(&p, ". Figures are the SVGs <code>secsim plot</code> drew beside this page; the paper's "
			"numbers are the stores' <code>reference</code> rows the figures use.</p></header>\n");
		toc(&p, stores, o->ndbs);
		put(&p, "<main>\n");
		for (size_t i = 0; i < o->ndbs && p.rc == SS_OK; i++) {
			store_section(&p, &stores[i], (int)i);
			p.sum.stores++;
		}
		if (p.rc == SS_OK)
			calibration(&p);
		put(&p, "</main>\n</body>\n</html>\n");
		rc = p.rc;
		if (rc == SS_ENOMEM)
			ss_errbuf(err, errlen, "out of memory");
		else if (rc)
			ss_errbuf(err, errlen, "reading the stores: %s", p.dberr);
		int crc = ss__plot_close_out(&out, rc == SS_OK, err, errlen);
		if (rc == SS_OK)
			rc = crc;
	}
	for (size_t i = 0; stores && i < o->ndbs; i++) {
		ss_plot_spec_free(stores[i].spec);
		ss_db_close(stores[i].db);
		free(stores[i].stem);
	}
	free(stores);
	free(p.figdir);
	if (sum && rc == SS_OK)
		*sum = p.sum;
	return rc;
}
