/* Plots: figures. Queries the points of each figure of a spec, writes a
   self-contained gnuplot script per figure (data inline as datablocks)
   and runs gnuplot on it to draw PNG and SVG (and PDF on request). */
#include "plot-internal.h"
#include "ss_db.h"
#include "ss_err.h"
#include "ss_grow.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

/* One look for every figure: 800x600 pixels (taller when the key needs
   more than three rows, so the plot keeps its height), a 12-point sans font, the
   key under the plot so it never covers data. Series differ in colour
   (Okabe and Ito's palette, told apart with the common colour-vision
   deficiencies), point shape and dash pattern, so they survive grey-scale
   print too. The paper's points take their series' colour and the hollow
   twin of its filled shape, larger, so "paper: X" sits on or beside X. */
#define GP_HEIGHT 600       /* pixels, for a key of up to three rows */
#define GP_KEY_ROW 18       /* pixels per further row of the key */
#define GP_FONT "DejaVu Sans,12"
#define GP_NOTE_FONT ",11" /* the CI footnote: still >= 11 points */
#define GP_KEY_FONT ",11"  /* the key: 11 points fits two columns of long titles */
#define GP_CANVAS_W 800    /* pixels, for the key's column count */
#define GP_CHAR_W 8.5      /* mean width of a 12-point DejaVu Sans glyph, px (measured) */
#define GP_KEY_CHAR_W 7.8  /* the same at 11 points */
/* A simulated point's marker (ps 1.2) is about 10 px across, and the
   plot area is at most the 600-pixel canvas: an interval spanning under
   1.5 % of the data's y range (under 9 px) hides behind its marker. */
#define CI_HIDDEN_FRACTION 0.015

static const struct {
	const char *color; /* line and point colour */
	const char *dash;  /* gnuplot dashtype */
	int pt_filled;     /* simulated points */
	int pt_hollow;     /* the paper's points (same shape, hollow) */
} series_style[] = {
	/* blue, solid, circle */
	{.color = "#0072B2", .dash = "1", .pt_filled = 7, .pt_hollow = 6},
	/* vermillion, dashed, square */
	{.color = "#D55E00", .dash = "2", .pt_filled = 5, .pt_hollow = 4},
	/* bluish green, dash-dot, triangle up */
	{.color = "#009E73", .dash = "4", .pt_filled = 9, .pt_hollow = 8},
	/* reddish purple, dotted, diamond */
	{.color = "#CC79A7", .dash = "(2,3)", .pt_filled = 13, .pt_hollow = 12},
	/* orange, dash-dot-dot, triangle down */
	{.color = "#E69F00", .dash = "(12,4,2,4,2,4)", .pt_filled = 11, .pt_hollow = 10},
	/* sky blue, solid, pentagon */
	{.color = "#56B4E9", .dash = "1", .pt_filled = 15, .pt_hollow = 14},
	/* black, long dash, square */
	{.color = "black", .dash = "(14,8)", .pt_filled = 5, .pt_hollow = 4},
	/* brown, dash-dot, circle */
	{.color = "#8C564B", .dash = "(6,3,1,3)", .pt_filled = 7, .pt_hollow = 6},
};
#define NSTYLES (sizeof series_style / sizeof series_style[0])

/* Ledger segments: grey levels from white to black with black borders,
   then hatch patterns once the greys run out. */
static const char *const ledger_fill[] = {
	"fs solid 1.0 border lc rgb 'black' lc rgb '#ffffff'",
	"fs solid 1.0 border lc rgb 'black' lc rgb '#c8c8c8'",
	"fs solid 1.0 border lc rgb 'black' lc rgb '#909090'",
	"fs solid 1.0 border lc rgb 'black' lc rgb '#5a5a5a'",
	"fs solid 1.0 border lc rgb 'black' lc rgb '#2a2a2a'",
	"fs pattern 4 border lc rgb 'black' lc rgb 'black'",
	"fs pattern 5 border lc rgb 'black' lc rgb 'black'",
	"fs pattern 1 border lc rgb 'black' lc rgb 'black'",
};
#define NFILLS (sizeof ledger_fill / sizeof ledger_fill[0])

/* ---- small helpers ---------------------------------------------------- */

/* Writes s quoted for gnuplot; 0 or SS_ENOMEM. */
static int put_q(FILE *f, const char *s)
{
	char *q = ss_plot_gp_quote(s);
	if (!q)
		return SS_ENOMEM;
	fputs(q, f);
	free(q);
	return SS_OK;
}

/* Numbers in datablocks: full precision, NaN for a missing value (gnuplot
   reads "NaN" as undefined and skips the point). */
static void put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.10g", v);
	else
		fputs("NaN", f);
}

static char *join_path(const char *dir, const char *name, const char *ext)
{
	size_t len = strlen(dir) + strlen(name) + strlen(ext) + 2;
	char *p = malloc(len);
	if (p)
		snprintf(p, len, "%s%s%s%s", dir, *dir && dir[strlen(dir) - 1] != '/' ? "/" : "", name, ext);
	return p;
}

/* mkdir -p: creates dir and its missing parents. */
static int mkdir_p(const char *dir, char *err, size_t errlen)
{
	char *p = strdup(dir);
	if (!p)
		return SS_ENOMEM;
	int rc = SS_OK;
	for (char *q = p + 1;; q++) {
		if (*q != '/' && *q != '\0')
			continue;
		char c = *q;
		*q = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			ss_errbuf(err, errlen, "%s: cannot create directory: %s", p, strerror(errno));
			rc = SS_EIO;
			break;
		}
		*q = c;
		if (c == '\0')
			break;
	}
	struct stat sb;
	if (rc == SS_OK && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
		ss_errbuf(err, errlen, "%s: not a directory", dir);
		rc = SS_EIO;
	}
	free(p);
	return rc;
}

int ss__plot_open_out(const char *path, ss__plot_out *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	size_t len = strlen(path) + 32;
	if (!(o->path = strdup(path)) || !(o->tmp = malloc(len))) {
		free(o->path);
		return SS_ENOMEM;
	}
	snprintf(o->tmp, len, "%s.tmp.%ld", path, (long)getpid());
	int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		ss_errbuf(err, errlen, "%s: cannot write: %s", o->tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(o->tmp);
		free(o->path);
		free(o->tmp);
		return SS_EIO;
	}
	return SS_OK;
}

int ss__plot_close_out(ss__plot_out *o, int ok, char *err, size_t errlen)
{
	int rc = SS_OK;
	int bad = ferror(o->f);
	if (fclose(o->f) != 0 || bad) {
		if (ok)
			ss_errbuf(err, errlen, "%s: write failed: %s", o->tmp, strerror(errno));
		rc = SS_EIO;
	}
	if (ok && rc == SS_OK && rename(o->tmp, o->path) != 0) {
		ss_errbuf(err, errlen, "%s: cannot rename into place: %s", o->path, strerror(errno));
		rc = SS_EIO;
	}
	if (!ok || rc)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	return rc;
}

static int db_fail(ss_db *db, const char *what, char *err, size_t errlen)
{
	ss_errbuf(err, errlen, "%s: %s", what, sqlite3_errmsg(ss_db_handle(db)));
	return SS_EDB;
}

/* ---- xy figures ------------------------------------------------------- */

typedef struct point {
	double x, mean, lo, hi; /* lo/hi: the confidence interval */
	long n;                 /* replications */
} point;

/* " mean ci_low ci_high replications" and the end of the data line. */
static void put_point(FILE *f, const point *p)
{
	fputc(' ', f);
	put_num(f, p->mean);
	fputc(' ', f);
	put_num(f, p->lo);
	fputc(' ', f);
	put_num(f, p->hi);
	fprintf(f, " %ld\n", p->n);
}

typedef struct series {
	char *name;
	point *p;
	size_t n, cap;
	const ss__plot_ref **refs; /* the paper's points for this series */
	size_t nrefs;
	int no_base;               /* points dropped: no baseline point */
} series;

typedef struct xyset {
	series *s;
	size_t n, cap;
	char unit[32]; /* the metric's unit as stored */
} xyset;

static void xyset_fini(xyset *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->s[i].name);
		free(d->s[i].p);
		free(d->s[i].refs);
	}
	free(d->s);
}

static series *xyset_find(xyset *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->s[i].name, name))
			return &d->s[i];
	return NULL;
}

static series *xyset_add(xyset *d, const char *name)
{
	if (ss_grow(&d->s, &d->cap, d->n + 1, sizeof *d->s, 8))
		return NULL;
	series *s = &d->s[d->n];
	memset(s, 0, sizeof *s);
	if (!(s->name = strdup(name)))
		return NULL;
	d->n++;
	return s;
}

static int series_push(series *s, const point *p)
{
	if (ss_grow(&s->p, &s->cap, s->n + 1, sizeof *s->p, 16))
		return SS_ENOMEM;
	s->p[s->n++] = *p;
	return SS_OK;
}

/* A figure with a baseline shows each series over its own point of
   base_figure at base_x (the speedup of a sweep that has no one-processor
   point). The interval is the ratio's outer bound, [lo / base_hi,
   hi / base_lo]: wider than the ratio's own, never narrower. A series
   without a baseline point is left out (and said so in the script). */
static int xy_baseline(ss_db *db, const ss__plot_fig *f, xyset *d, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(ss_db_handle(db),
			       "SELECT mean, ci_low, ci_high FROM points WHERE figure = ?1 AND series = ?2"
			       " AND metric = ?3 AND x = ?4",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "cannot query the baseline", err, errlen);
	int rc = SS_OK;
	for (size_t i = 0; i < d->n && rc == SS_OK; i++) {
		series *s = &d->s[i];
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, f->base_figure, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, f->metric, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 4, f->base_x);
		int src = sqlite3_step(st);
		if (src != SQLITE_ROW && src != SQLITE_DONE) {
			rc = db_fail(db, "cannot query the baseline", err, errlen);
			break;
		}
		double bm = src == SQLITE_ROW ? sqlite3_column_double(st, 0) : NAN;
		double blo = src == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL ? sqlite3_column_double(st, 1) : bm;
		double bhi = src == SQLITE_ROW && sqlite3_column_type(st, 2) != SQLITE_NULL ? sqlite3_column_double(st, 2) : bm;
		if (!(bm > 0) || !(blo > 0)) {
			s->n = 0; /* no baseline: nothing to divide by */
			s->no_base = 1;
			continue;
		}
		for (size_t k = 0; k < s->n; k++) {
			point *p = &s->p[k];
			p->mean /= bm;
			p->lo /= bhi;
			p->hi /= blo;
		}
	}
	sqlite3_finalize(st);
	snprintf(d->unit, sizeof d->unit, "x");
	return rc;
}

/* Collects the figure's points, series in draw order: the spec's list
   first, then the store's others (alphabetically), then series that only
   the paper has. A series in neither the store nor the paper is left out. */
static int xy_collect(ss_db *db, const ss__plot_fig *f, xyset *d, char *err, size_t errlen)
{
	xyset raw = {0};
	sqlite3_stmt *st = NULL;
	int rc = SS_OK;
	int src = sqlite3_prepare_v2(ss_db_handle(db),
				     "SELECT series, x, mean, ci_low, ci_high, n, unit FROM points"
				     " WHERE figure = ?1 AND metric = ?2 AND x IS NOT NULL ORDER BY series, x",
				     -1, &st, NULL);
	if (src != SQLITE_OK)
		return db_fail(db, "cannot query points", err, errlen);
	sqlite3_bind_text(st, 1, f->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->metric, -1, SQLITE_STATIC);
	series *cur = NULL;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		point p;
		p.x = sqlite3_column_double(st, 1);
		p.mean = sqlite3_column_double(st, 2);
		/* A NULL interval (one replication) is drawn as no bar. */
		p.lo = sqlite3_column_type(st, 3) == SQLITE_NULL ? p.mean : sqlite3_column_double(st, 3);
		p.hi = sqlite3_column_type(st, 4) == SQLITE_NULL ? p.mean : sqlite3_column_double(st, 4);
		p.n = (long)sqlite3_column_int64(st, 5);
		if (!d->unit[0] && sqlite3_column_text(st, 6))
			snprintf(d->unit, sizeof d->unit, "%s", (const char *)sqlite3_column_text(st, 6));
		if (!name)
			name = "";
		if (!cur || strcmp(cur->name, name))
			if (!(cur = xyset_add(&raw, name))) {
				rc = SS_ENOMEM;
				break;
			}
		if ((rc = series_push(cur, &p)))
			break;
	}
	if (rc == SS_OK && src != SQLITE_DONE)
		rc = db_fail(db, "cannot query points", err, errlen);
	sqlite3_finalize(st);
	if (rc)
		goto out;
	/* Reorder by moving series out of raw (their arrays change owner). */
	for (size_t pass = 0; pass < 3 && rc == SS_OK; pass++) {
		size_t count = pass == 0 ? f->nseries : pass == 1 ? (f->only ? 0 : raw.n) : f->nrefs;
		for (size_t i = 0; i < count && rc == SS_OK; i++) {
			const char *name = pass == 0 ? f->series[i] : pass == 1 ? raw.s[i].name : f->refs[i].series;
			if (!name || xyset_find(d, name))
				continue;
			series *r = xyset_find(&raw, name);
			int paper_only = 0;
			for (size_t k = 0; k < f->nrefs && !r; k++)
				if (!strcmp(f->refs[k].series, name))
					paper_only = 1;
			if (!r && !paper_only)
				continue;
			series *s = xyset_add(d, name);
			if (!s) {
				rc = SS_ENOMEM;
				break;
			}
			if (r) {
				s->p = r->p;
				s->n = r->n;
				s->cap = r->cap;
				r->p = NULL;
				r->n = r->cap = 0;
			}
		}
	}
	/* The paper's points, by series. */
	for (size_t i = 0; i < d->n && rc == SS_OK; i++) {
		series *s = &d->s[i];
		for (size_t k = 0; k < f->nrefs; k++) {
			if (strcmp(f->refs[k].series, s->name))
				continue;
			const ss__plot_ref **nr = realloc(s->refs, (s->nrefs + 1) * sizeof *nr);
			if (!nr) {
				rc = SS_ENOMEM;
				break;
			}
			s->refs = nr;
			s->refs[s->nrefs++] = &f->refs[k];
		}
	}
	if (rc == SS_OK && f->base_figure)
		rc = xy_baseline(db, f, d, err, errlen);
out:
	xyset_fini(&raw);
	if (rc == SS_ENOMEM)
		ss_errbuf(err, errlen, "out of memory");
	return rc;
}

static int xy_has_data(const xyset *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->s[i].n)
			return 1;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void ss__plot_si(double x, char *buf, size_t len)
{
	double a = fabs(x);
	if (a >= 1e9)
		snprintf(buf, len, "%.4gG", x / 1e9);
	else if (a >= 1e6)
		snprintf(buf, len, "%.4gM", x / 1e6);
	else if (a >= 1e4)
		snprintf(buf, len, "%.4gk", x / 1e3);
	else
		snprintf(buf, len, "%.10g", x);
}

/* The x tics: a tic mark at every x the figure has (processors 1..64,
   connections 12..384), labelled where the label has room: left to
   right, a label is kept when it clears the last kept one, and the last
   x always keeps its label (dropping its left neighbour's if need be). */
static void xy_xtics(FILE *f, const xyset *d, const ss__plot_fig *fig)
{
	double xs[128];
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		for (size_t k = 0; k < d->s[i].n + d->s[i].nrefs; k++) {
			double x = k < d->s[i].n ? d->s[i].p[k].x : d->s[i].refs[k - d->s[i].n]->x;
			size_t j = 0;
			if (!isfinite(x) || (fig->logx && !(x > 0)))
				continue;
			while (j < n && xs[j] != x)
				j++;
			if (j < n)
				continue;
			if (n == sizeof xs / sizeof xs[0])
				return; /* too many: let gnuplot choose */
			xs[n++] = x;
		}
	}
	if (!n)
		return;
	qsort(xs, n, sizeof xs[0], cmp_double);
	double pos[128], w[128];
	char lab[128][24];
	int keep[128];
	for (size_t j = 0; j < n; j++) {
		pos[j] = fig->logx ? log2(xs[j]) : xs[j];
		ss__plot_si(xs[j], lab[j], sizeof lab[j]);
		w[j] = (double)strlen(lab[j]) * GP_CHAR_W + 8; /* label width plus a gap, px */
		keep[j] = 0;
	}
	/* The plot area is the canvas less the y axis' labels and margins. */
	double plot_w = GP_CANVAS_W - 110, span = pos[n - 1] - pos[0];
	size_t last = 0;
	keep[0] = 1;
	for (size_t j = 1; j < n; j++) {
		double px = span > 0 ? (pos[j] - pos[last]) / span * plot_w : 0;
		if (px >= (w[j] + w[last]) / 2) {
			keep[j] = 1;
			last = j;
		}
	}
	if (n > 1 && !keep[n - 1]) {
		if (last > 0)
			keep[last] = 0;
		keep[n - 1] = 1;
	}
	fputs("set xtics (", f);
	for (size_t j = 0; j < n; j++) {
		fprintf(f, "%s'%s' ", j ? ", " : "", keep[j] ? lab[j] : "");
		put_num(f, xs[j]);
		if (!keep[j])
			fputs(" 1", f); /* a minor tic: the mark without the label */
	}
	fputs(")\n", f);
}

/* Tics for a log y axis spanning at most three decades: 1, 2, 5 per
   decade, as gnuplot's default of one label per decade would leave a
   throughput plot from 1.5 to 200 Mbit/s with two labels. */
static void log_ytics(FILE *f, const xyset *d, const ss__plot_fig *fig)
{
	double lo = INFINITY, hi = 0;
	for (size_t i = 0; i < d->n; i++) {
		for (size_t k = 0; k < d->s[i].n; k++) {
			const point *p = &d->s[i].p[k];
			double a = p->lo > 0 ? p->lo : p->mean, b = p->hi > a ? p->hi : a;
			if (a > 0 && a < lo)
				lo = a;
			if (b > hi)
				hi = b;
		}
		for (size_t k = 0; k < d->s[i].nrefs; k++) {
			double y = d->s[i].refs[k]->y;
			if (y > 0 && y < lo)
				lo = y;
			if (y > hi)
				hi = y;
		}
	}
	for (size_t k = 0; k < fig->nhlines; k++) {
		double y = fig->hlines[k].y;
		if (y > 0 && y < lo)
			lo = y;
		if (y > hi)
			hi = y;
	}
	if (!(hi > 0) || !isfinite(lo) || hi / lo > 1e3)
		return;
	int d0 = (int)floor(log10(lo)), d1 = (int)ceil(log10(hi));
	fputs("set ytics (", f);
	for (int e = d0; e <= d1; e++)
		for (int m = 0; m < 3; m++) {
			static const double mant[] = {1, 2, 5};
			fprintf(f, "%s%.10g", e == d0 && m == 0 ? "" : ", ", mant[m] * pow(10, e));
		}
	fputs(")\n", f);
}

/* Common header: provenance, how to redraw, and the reset. Only quoted
   strings carry outside text, even in comments: a quoted string has no
   newline that could end the comment early. */
static int put_header(FILE *f, const ss__plot_fig *fig, const char *store, const char *what)
{
	int rc = SS_OK;
	fputs("# ", f);
	rc |= put_q(f, fig->title);
	fputs("\n# Written by secsim plot from the store ", f);
	rc |= put_q(f, store);
	fprintf(f, " (%s ", what);
	rc |= put_q(f, fig->kind == SS__PLOT_LEDGER ? fig->from_figure : fig->id);
	fputs(").\n# Self-contained: the data are inline below. To redraw, run in this directory:\n", f);
	fprintf(f, "#   gnuplot %s.gp\n", fig->stem);
	fputs("reset\nset encoding utf8\n\n", f);
	return rc ? SS_ENOMEM : SS_OK;
}

static int put_labels(FILE *f, const ss__plot_fig *fig, const char *default_y, const char *default_x)
{
	int rc = SS_OK;
	fputs("set title ", f);
	rc |= put_q(f, fig->title);
	fputs("\nset xlabel ", f);
	rc |= put_q(f, fig->xlabel ? fig->xlabel : default_x);
	fputs("\nset ylabel ", f);
	rc |= put_q(f, fig->ylabel ? fig->ylabel : default_y);
	fputs("\n", f);
	return rc ? SS_ENOMEM : SS_OK;
}

/* The spec's legend words, after the default key so they amend it; they
   were checked against gnuplot's key keywords when the spec loaded. */
static void put_legend(FILE *f, const ss__plot_fig *fig)
{
	if (fig->legend && !strcmp(fig->legend, "off"))
		fputs("unset key\n", f);
	else if (fig->legend)
		fprintf(f, "set key %s\n", fig->legend);
}

/* Offsets in graph units, none at an end the spec or the zero baseline
   fixes (gnuplot would push a fixed 0 off the bottom). */
static void put_offsets(FILE *f, const ss__plot_fig *fig, int from_zero, double xpad)
{
	fprintf(f, "set offsets graph %g, graph %g, graph %g, graph %g\n", xpad, xpad,
		isnan(fig->ymax) ? 0.05 : 0.0, isnan(fig->ymin) && !from_zero ? 0.05 : 0.0);
}

static void put_yrange(FILE *f, const ss__plot_fig *fig, int from_zero)
{
	fputs("set yrange [", f);
	if (!isnan(fig->ymin))
		put_num(f, fig->ymin);
	else if (from_zero)
		fputs("0", f);
	else
		fputs("*", f);
	fputs(":", f);
	if (!isnan(fig->ymax))
		put_num(f, fig->ymax);
	else
		fputs("*", f);
	fputs("]\n", f);
}

/* The drawing: the plot command is written once, for the first format,
   and `replot` repeats it on the others. The canvas is 800 pixels wide
   and `height` high (the PDF at 100 pixels an inch). */
static void put_outputs(FILE *f, const ss__plot_fig *fig, int formats, int height, const char *plot_cmd)
{
	int first = 1;
	static const struct {
		int bit;
		const char *ext;
		const char *term, *opts;
	} terms[] = {
		{.bit = SS__PLOT_PNG, .ext = "png", .term = "pngcairo",
		 .opts = " noenhanced font '" GP_FONT "' linewidth 1"},
		{.bit = SS__PLOT_SVG, .ext = "svg", .term = "svg",
		 .opts = " noenhanced font '" GP_FONT "' linewidth 1 background rgb 'white'"},
		{.bit = SS__PLOT_PDF, .ext = "pdf", .term = "pdfcairo",
		 .opts = " noenhanced font '" GP_FONT "' linewidth 1"},
	};
	for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
		if (!(formats & terms[i].bit))
			continue;
		if (terms[i].bit == SS__PLOT_PDF)
			fprintf(f, "\nset terminal %s size %gin,%gin%s\n", terms[i].term, GP_CANVAS_W / 100.0,
				height / 100.0, terms[i].opts);
		else
			fprintf(f, "\nset terminal %s size %d,%d%s\n", terms[i].term, GP_CANVAS_W, height, terms[i].opts);
		fprintf(f, "set output '%s.%s'\n", fig->stem, terms[i].ext);
		fputs(first ? plot_cmd : "replot\n", f);
		first = 0;
	}
	fputs("unset output\n", f);
}

/* Writes the plot command for each output format, unless building it ran
   out of memory; frees it. */
static int end_plot(FILE *f, const ss__plot_fig *fig, int formats, int height, ss__plot_str *cmd, int rc)
{
	if (cmd->oom)
		rc = SS_ENOMEM;
	if (rc == SS_OK)
		put_outputs(f, fig, formats, height, cmd->p);
	free(cmd->p);
	return rc ? SS_ENOMEM : SS_OK;
}

/* The confidence-interval footnote, from the data: the largest
   half-width relative to its mean, and whether any interval would show
   beside its marker (see CI_HIDDEN_FRACTION). */
static void ci_note(const xyset *d, const ss__plot_fig *fig, double level, const char *of, char *buf,
		    size_t len)
{
	double lo = INFINITY, hi = -INFINITY, maxrel = 0, maxfrac = 0;
	long maxn = 0;
	for (size_t i = 0; i < d->n; i++)
		for (size_t k = 0; k < d->s[i].n; k++) {
			const point *p = &d->s[i].p[k];
			double a = fig->logy ? (p->lo > 0 ? p->lo : p->mean) : p->lo;
			if (fig->logy && !(a > 0))
				continue;
			if (a < lo)
				lo = a;
			if (p->hi > hi)
				hi = p->hi;
			if (p->n > maxn)
				maxn = p->n;
		}
	if (!fig->logy)
		lo = !isnan(fig->ymin) ? fig->ymin : lo > 0 ? 0 : lo; /* a linear axis starts at zero */
	double span = fig->logy ? log10(hi / lo) : hi - lo;
	for (size_t i = 0; i < d->n; i++)
		for (size_t k = 0; k < d->s[i].n; k++) {
			const point *p = &d->s[i].p[k];
			if (p->mean != 0 && fabs((p->hi - p->lo) / 2 / p->mean) > maxrel)
				maxrel = fabs((p->hi - p->lo) / 2 / p->mean);
			double w = fig->logy ? (p->lo > 0 ? log10(p->hi / p->lo) : 0) : p->hi - p->lo;
			if (span > 0 && w / span > maxfrac)
				maxfrac = w / span;
		}
	char base[64];
	snprintf(base, sizeof base, "%s%s", of, fig->base_figure ? " (ratio bounds)" : "");
	if (maxn < 2)
		snprintf(buf, len, "one replication per point: no confidence intervals");
	else if (maxrel == 0 && maxfrac == 0)
		snprintf(buf, len, "%g%% CIs%s of zero width: the replications agree", 100 * level, base);
	else if (maxfrac < CI_HIDDEN_FRACTION)
		snprintf(buf, len, "%g%% CIs%s %s (largest half-width %.2g%% of the mean)", 100 * level, base,
			 fig->kind == SS__PLOT_LEDGER ? "too narrow to see" : "narrower than the markers", 100 * maxrel);
	else
		snprintf(buf, len, "error bars: %g%% confidence intervals%s (largest half-width %.2g%% of the mean)",
			 100 * level, base, 100 * maxrel);
}

/* The key's title of series s's paper points: "paper: NAME", or, for
   points derived from a table, "paper Table 1 (derived): NAME". */
static char *paper_title(const series *s, int derived)
{
	const char *from = NULL;
	for (size_t k = 0; k < s->nrefs && derived; k++)
		if (s->refs[k]->derived)
			from = s->refs[k]->derived;
	size_t len = strlen(s->name) + (from ? strlen(from) : 0) + 32;
	char *t = malloc(len);
	if (!t)
		return NULL;
	if (!derived)
		snprintf(t, len, "paper: %s", s->name);
	else
		snprintf(t, len, "paper%s%s (derived): %s", from && *from ? " " : "", from ? from : "", s->name);
	char *q = ss_plot_gp_quote(t);
	free(t);
	return q;
}

/* Writes the paper's points of s, as printed (derived = 0) or derived
   (1), as datablock NAME; returns how many. */
static size_t put_paper_block(FILE *f, const series *s, int derived, const char *name, int *rc)
{
	size_t count = 0;
	for (size_t k = 0; k < s->nrefs; k++) {
		if (!s->refs[k]->derived != !derived)
			continue;
		if (!count++) {
			fputs(derived ? "# derived from the paper's numbers for " : "# the paper's points for ", f);
			*rc |= put_q(f, s->name);
			fprintf(f, ": x, value, reference id\n$%s << EOD\n", name);
		}
		put_num(f, s->refs[k]->x);
		fputc(' ', f);
		put_num(f, s->refs[k]->y);
		/* Ids are checked against the store, but may hold anything; a
		   datablock line is data, never a command, and EOD alone
		   cannot occur after a number. */
		fputs(" # ", f);
		*rc |= put_q(f, s->refs[k]->id);
		fputc('\n', f);
	}
	if (count)
		fputs("EOD\n", f);
	return count;
}

static long series_index(const xyset *d, const char *name)
{
	for (size_t i = 0; name && i < d->n; i++)
		if (!strcmp(d->s[i].name, name))
			return (long)i;
	return -1;
}

/* A series' style slot: its place in the spec's series list, so that
   one series looks the same in every figure of a study that lists it
   in the same order, even where another listed series has no data;
   series the spec does not list follow, in order. */
static size_t style_slot(const ss__plot_fig *fig, const xyset *d, size_t i)
{
	for (size_t k = 0; k < fig->nseries; k++)
		if (!strcmp(fig->series[k], d->s[i].name))
			return k;
	size_t unlisted = 0;
	for (size_t m = 0; m < i; m++) {
		int listed = 0;
		for (size_t k = 0; k < fig->nseries && !listed; k++)
			listed = !strcmp(fig->series[k], d->s[m].name);
		unlisted += !listed;
	}
	return fig->nseries + unlisted;
}

/* Key columns: as many as the longest title allows across the canvas
   (a sample of 3 characters and a gap beside each), even when paper
   entries follow their series, so each pair tends to share a row. */
static int key_columns(size_t maxlen, size_t entries, int paired)
{
	double colw = ((double)maxlen + 6) * GP_KEY_CHAR_W + 20;
	int cols = (int)((GP_CANVAS_W - 120) / colw); /* gnuplot centres the key with margins of about 60 pixels a side */
	if (cols > 4)
		cols = 4;
	if (paired && cols > 2 && cols % 2)
		cols--;
	if (cols < 1)
		cols = 1;
	if ((size_t)cols > entries)
		cols = (int)entries;
	return cols;
}

/* gnuplot sizes key columns by character count times the 12-point
   font's widest glyphs; long 11-point proportional titles take about a
   sixth less, so the key's width is trimmed by that many characters
   (else they get one column where two fit). */
static int key_width(size_t maxlen)
{
	return maxlen > 25 ? -(int)((double)maxlen * 0.15) : 0;
}

static int write_xy(FILE *f, const ss__plot_fig *fig, const xyset *d, const char *store, double level,
		    int formats)
{
	int rc = put_header(f, fig, store, "figure");
	ss__plot_str cmd = {0};
	char buf[512];
	/* Data: one block per simulated series, one per series' paper
	   points and one per points derived from the paper's numbers. */
	size_t *npaper = calloc(d->n ? d->n : 1, sizeof *npaper), *nderiv = calloc(d->n ? d->n : 1, sizeof *nderiv);
	if (!npaper || !nderiv) {
		free(npaper);
		free(nderiv);
		return SS_ENOMEM;
	}
	if (fig->base_figure) {
		fputs("# each series over its own point of figure ", f);
		rc |= put_q(f, fig->base_figure);
		fprintf(f, " at x = %.10g (intervals: the ratio's outer bounds)\n", fig->base_x);
	}
	for (size_t i = 0; i < d->n; i++) {
		const series *s = &d->s[i];
		if (s->no_base) {
			fputs("# left out, no baseline point: ", f);
			rc |= put_q(f, s->name);
			fputc('\n', f);
		}
		if (s->n) {
			fputs("# series ", f);
			rc |= put_q(f, s->name);
			fprintf(f, ": x, mean, ci_low, ci_high, replications\n$sim%zu << EOD\n", i + 1);
			for (size_t k = 0; k < s->n; k++) {
				put_num(f, s->p[k].x);
				put_point(f, &s->p[k]);
			}
			fputs("EOD\n", f);
		}
		snprintf(buf, sizeof buf, "paper%zu", i + 1);
		npaper[i] = put_paper_block(f, s, 0, buf, &rc);
		snprintf(buf, sizeof buf, "derived%zu", i + 1);
		nderiv[i] = put_paper_block(f, s, 1, buf, &rc);
	}
	fputc('\n', f);
	char ylab[160];
	if (d->unit[0])
		snprintf(ylab, sizeof ylab, "%s (%s)", fig->metric, d->unit);
	else
		snprintf(ylab, sizeof ylab, "%s", fig->metric);
	rc |= put_labels(f, fig, ylab, "x");
	if (fig->logx)
		fputs("set logscale x 2\n", f);
	if (fig->logy)
		fputs("set logscale y 10\n", f);
	xy_xtics(f, d, fig);
	if (fig->logy)
		log_ytics(f, d, fig);
	/* Tight ranges (autoscale fix; before any fixed end) plus small
	   offsets: no point sits on the border, and a log axis is not
	   stretched to whole decades. */
	fputs("set autoscale fix\n", f);
	put_yrange(f, fig, !fig->logy);
	put_offsets(f, fig, !fig->logy, 0.03);
	fputs("set grid back lc rgb '#d8d8d8' lw 1 dt 1\n"
	      "set border 3 lw 1\nset tics nomirror out\n"
	      "set bars 1.5\n", f);
	/* The key's size: its entries and their longest title. When paper
	   entries follow
	   their series, every series gets a slot for one (a blank one when
	   it has none), so with an even column count each series and its
	   paper points share a row (when most series have paper points). */
	size_t entries = fig->ideal ? 1 : 0, maxlen = fig->ideal ? 20 : 0, nsim = 0, nwith = 0;
	for (size_t i = 0; i < d->n; i++) {
		size_t l = strlen(d->s[i].name);
		for (int der = 0; der < 2; der++) {
			char *t = (der ? nderiv[i] : npaper[i]) ? paper_title(&d->s[i], der) : NULL;
			if (t && strlen(t) - 2 > l)
				l = strlen(t) - 2; /* less the quotes */
			free(t);
		}
		nsim += d->s[i].n ? 1 : 0;
		nwith += d->s[i].n && (npaper[i] || nderiv[i]) ? 1 : 0;
		entries += (d->s[i].n ? 1 : 0) + (npaper[i] ? 1 : 0) + (nderiv[i] ? 1 : 0);
		if (l > maxlen)
			maxlen = l;
	}
	for (size_t i = 0; i < fig->nhlines + fig->nvlines; i++) {
		const ss__plot_ref *r = i < fig->nhlines ? &fig->hlines[i] : &fig->vlines[i - fig->nhlines];
		if (i >= fig->nhlines && (!isfinite(r->x) || (fig->logx && !(r->x > 0))))
			continue;
		entries++;
		if (strlen(r->title) > maxlen)
			maxlen = strlen(r->title);
	}
	int paired = nwith > 0 && 2 * nwith >= nsim; /* blanks only where they are the few */
	if (paired)
		entries += nsim - nwith;
	int cols = key_columns(maxlen, entries ? entries : 1, paired);
	int rows = (int)((entries + (size_t)cols - 1) / (size_t)cols);
	int height = GP_HEIGHT + (rows > 3 ? (rows - 3) * GP_KEY_ROW : 0);
	/* height: room between the x axis' label and the key's first row. */
	fprintf(f, "set key outside below center horizontal Left reverse maxcols %d spacing 1.1 samplen 3 height 1 width %d nobox font '%s'\n",
		cols, key_width(maxlen), GP_KEY_FONT);
	put_legend(f, fig);
	/* Above the plot, under the title: the CI footnote, then the spec's
	   note; the top margin grows to hold them. */
	char note[256];
	ci_note(d, fig, level, "", note, sizeof note);
	fprintf(f, "set tmargin %d\nset title offset 0, char %g\n", fig->note ? 5 : 4, fig->note ? 2.0 : 1.0);
	fputs("set label 1 ", f);
	rc |= put_q(f, note);
	fprintf(f, " at graph 0, graph 1 left offset 0, char 0.8 font '%s'\n", GP_NOTE_FONT);
	if (fig->note) {
		fputs("set label 2 ", f);
		rc |= put_q(f, fig->note);
		fprintf(f, " at graph 0, graph 1 left offset 0, char 1.9 font '%s'\n", GP_NOTE_FONT);
	}
	/* Past NSTYLES series the colours come round again with the next
	   shape and dash, so no two of NSTYLES^2 series look alike. */
	for (size_t i = 0; i < d->n; i++) {
		size_t sl = style_slot(fig, d, i), k = sl % NSTYLES, j = (sl + sl / NSTYLES) % NSTYLES;
		fprintf(f, "set style line %zu lc rgb '%s' dt %s lw 1.5 pt %d ps 1.2\n", i + 1,
			series_style[k].color, series_style[j].dash, series_style[j].pt_filled);
		fprintf(f, "set style line %zu lc rgb '%s' dt 1 lw 2 pt %d ps 2.4\n", i + 101,
			series_style[k].color, series_style[j].pt_hollow);
	}
	fputs("set style line 90 lc rgb '#808080' dt (10,6) lw 1.5\n"
	      "set style line 91 lc rgb 'black' dt (3,4) lw 2\n", f);
	/* Marked x values: a vertical line in the colour of the series it
	   is about (black otherwise), drawn as an arrow; its key entry is a
	   NaN plot. */
	for (size_t i = 0; i < fig->nvlines; i++) {
		const ss__plot_ref *v = &fig->vlines[i];
		long si = series_index(d, v->series);
		const char *col = si >= 0 ? series_style[style_slot(fig, d, (size_t)si) % NSTYLES].color : "black";
		fprintf(f, "set style line %zu lc rgb '%s' dt (8,4) lw 2\n", i + 201, col);
		if (!isfinite(v->x) || (fig->logx && !(v->x > 0)))
			continue;
		fprintf(f, "set arrow %zu from ", i + 1);
		put_num(f, v->x);
		fputs(", graph 0 to ", f);
		put_num(f, v->x);
		fprintf(f, ", graph 1 nohead back ls %zu\n", i + 201);
	}
	/* The plot command. */
	ss__plot_str_adds(&cmd, "plot ");
	int first = 1;
	for (size_t i = 0; i < d->n; i++) {
		const series *s = &d->s[i];
		if (s->n) {
			char *q = ss_plot_gp_quote(s->name);
			if (!q) {
				rc = SS_ENOMEM;
				break;
			}
			snprintf(buf, sizeof buf, "%s$sim%zu using 1:2:3:4 with yerrorlines ls %zu title ",
				 first ? "" : ", \\\n     ", i + 1, i + 1);
			ss__plot_str_adds(&cmd, buf);
			ss__plot_str_adds(&cmd, q);
			free(q);
			first = 0;
			if (paired && !npaper[i] && !nderiv[i])
				ss__plot_str_adds(&cmd, ", \\\n     NaN with points ps 0 lc rgb 'white' title ' '");
		}
		for (int der = 0; der < 2; der++) {
			if (!(der ? nderiv[i] : npaper[i]))
				continue;
			char *qt = paper_title(s, der);
			if (!qt) {
				rc = SS_ENOMEM;
				break;
			}
			snprintf(buf, sizeof buf, "%s$%s%zu using 1:2 with points ls %zu title ", first ? "" : ", \\\n     ",
				 der ? "derived" : "paper", i + 1, i + 101);
			ss__plot_str_adds(&cmd, buf);
			ss__plot_str_adds(&cmd, qt);
			free(qt);
			first = 0;
		}
	}
	if (fig->ideal) {
		ss__plot_str_adds(&cmd, first ? "" : ", \\\n     ");
		ss__plot_str_adds(&cmd, "x with lines ls 90 title 'ideal linear speedup'");
		first = 0;
	}
	for (size_t i = 0; i < fig->nhlines; i++) {
		char *qt = ss_plot_gp_quote(fig->hlines[i].title);
		if (!qt) {
			rc = SS_ENOMEM;
			break;
		}
		ss__plot_str_adds(&cmd, first ? "" : ", \\\n     ");
		snprintf(buf, sizeof buf, "%.17g with lines ls 91 title ", fig->hlines[i].y);
		ss__plot_str_adds(&cmd, buf);
		ss__plot_str_adds(&cmd, qt);
		free(qt);
		first = 0;
	}
	for (size_t i = 0; i < fig->nvlines; i++) {
		if (!isfinite(fig->vlines[i].x) || (fig->logx && !(fig->vlines[i].x > 0)))
			continue;
		char *qt = ss_plot_gp_quote(fig->vlines[i].title);
		if (!qt) {
			rc = SS_ENOMEM;
			break;
		}
		snprintf(buf, sizeof buf, "%sNaN with lines ls %zu title ", first ? "" : ", \\\n     ", i + 201);
		ss__plot_str_adds(&cmd, buf);
		ss__plot_str_adds(&cmd, qt);
		free(qt);
		first = 0;
	}
	ss__plot_str_adds(&cmd, "\n");
	free(npaper);
	free(nderiv);
	return end_plot(f, fig, formats, height, &cmd, rc);
}

/* ---- ledger figures --------------------------------------------------- */

typedef struct ledger {
	double *xs;  /* the x values, ascending */
	size_t nx;
	double *v;   /* v[i * nmetrics + m]: mean of metric m at xs[i]; NaN if absent */
	point *tot;  /* per x: total per-packet time over complete runs, with CI */
	char *present; /* present[m]: metric m has a value at some x */
	size_t npresent;
} ledger;

static void ledger_fini(ledger *l)
{
	free(l->xs);
	free(l->v);
	free(l->tot);
	free(l->present);
}

static long find_x(const ledger *l, double x)
{
	for (size_t i = 0; i < l->nx; i++)
		if (l->xs[i] == x)
			return (long)i;
	return -1;
}

/* The totals' intervals come from the runs themselves: the sum of the
   stacked metrics per run, then the mean and Student-t interval over the
   runs at each x, with the t quantile of the store's level (the points
   view's own table). Summing the segments' intervals would be wrong, as
   the segments of one run are correlated. The total is over the metrics
   the store has at all (a model may not write every ledger entry); runs
   lacking one of those are left out of it. */
static int ledger_totals(ss_db *db, const ss__plot_fig *f, ledger *l, char *err, size_t errlen)
{
	ss__plot_str sql = {0};
	ss__plot_str_adds(&sql,
			  "SELECT r.x, sum(m.value), count(m.value) FROM runs AS r JOIN metrics AS m ON m.run_id = r.id"
			  " WHERE r.status = 'done' AND r.figure = ?1 AND r.series = ?2 AND r.x IS NOT NULL"
			  " AND m.value IS NOT NULL AND m.name IN (");
	for (size_t m = 0, k = 0; m < f->nmetrics; m++) {
		char p[24];
		if (!l->present[m])
			continue;
		snprintf(p, sizeof p, "%s?%zu", k ? ", " : "", k + 3);
		ss__plot_str_adds(&sql, p);
		k++;
	}
	ss__plot_str_adds(&sql, ") GROUP BY r.id ORDER BY r.x");
	if (sql.oom) {
		free(sql.p);
		return SS_ENOMEM;
	}
	sqlite3 *h = ss_db_handle(db);
	sqlite3_stmt *st = NULL, *tq = NULL;
	int rc = SS_OK;
	double *vals = NULL;
	size_t nv = 0, cap = 0;
	if (sqlite3_prepare_v2(h, sql.p, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h,
			       "SELECT t FROM tquantile WHERE df = ?1"
			       " AND level = (SELECT value FROM meta WHERE key = 'level')",
			       -1, &tq, NULL) != SQLITE_OK) {
		rc = db_fail(db, "cannot query the ledger totals", err, errlen);
		goto out;
	}
	sqlite3_bind_text(st, 1, f->from_figure, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->series[0], -1, SQLITE_STATIC);
	for (size_t m = 0, k = 0; m < f->nmetrics; m++)
		if (l->present[m])
			sqlite3_bind_text(st, (int)(k++) + 3, f->metrics[m], -1, SQLITE_STATIC);
	for (size_t i = 0; i < l->nx; i++)
		l->tot[i] = (point){l->xs[i], NAN, NAN, NAN, 0};
	int src;
	double cur_x = NAN;
	for (;;) {
		src = sqlite3_step(st);
		int row = src == SQLITE_ROW;
		double x = row ? sqlite3_column_double(st, 0) : NAN;
		/* At the end of a group of runs at one x: the statistics. */
		if ((!row || x != cur_x) && nv) {
			long i = find_x(l, cur_x);
			double mean = 0, ss = 0, t = NAN;
			for (size_t k = 0; k < nv; k++)
				mean += vals[k];
			mean /= (double)nv;
			for (size_t k = 0; k < nv; k++)
				ss += (vals[k] - mean) * (vals[k] - mean);
			if (nv > 1) {
				sqlite3_reset(tq);
				sqlite3_bind_int64(tq, 1, nv - 1 < (size_t)SS_DB_TQ_MAXDF ? (sqlite3_int64)(nv - 1) : SS_DB_TQ_MAXDF);
				if (sqlite3_step(tq) == SQLITE_ROW)
					t = sqlite3_column_double(tq, 0);
			}
			double half = nv > 1 && isfinite(t) ? t * sqrt(ss / (double)(nv - 1)) / sqrt((double)nv) : 0;
			if (i >= 0)
				l->tot[i] = (point){cur_x, mean, mean - half, mean + half, (long)nv};
			nv = 0;
		}
		if (!row)
			break;
		cur_x = x;
		if ((size_t)sqlite3_column_int64(st, 2) != l->npresent)
			continue;
		if (ss_grow(&vals, &cap, nv + 1, sizeof *vals, 32)) {
			rc = SS_ENOMEM;
			goto out;
		}
		vals[nv++] = sqlite3_column_double(st, 1);
	}
	if (src != SQLITE_DONE)
		rc = db_fail(db, "cannot query the ledger totals", err, errlen);
out:
	sqlite3_finalize(st);
	sqlite3_finalize(tq);
	free(sql.p);
	free(vals);
	return rc;
}

/* Points (x, mean) of metric m of the ledger's series, from the start. */
static void ledger_rows(sqlite3_stmt *st, const ss__plot_fig *f, size_t m)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, f->from_figure, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->series[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->metrics[m], -1, SQLITE_STATIC);
}

static int ledger_collect(ss_db *db, const ss__plot_fig *f, ledger *l, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = SS_OK, src;
	size_t cap = 0;
	memset(l, 0, sizeof *l);
	if (sqlite3_prepare_v2(ss_db_handle(db),
			       "SELECT x, mean FROM points WHERE figure = ?1 AND series = ?2 AND metric = ?3"
			       " AND x IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "cannot query the ledger", err, errlen);
	/* Pass 1: the union of the x values of all the metrics. */
	for (size_t m = 0; m < f->nmetrics && rc == SS_OK; m++) {
		ledger_rows(st, f, m);
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			double x = sqlite3_column_double(st, 0);
			if (find_x(l, x) >= 0)
				continue;
			if (ss_grow(&l->xs, &cap, l->nx + 1, sizeof *l->xs, 16)) {
				rc = SS_ENOMEM;
				break;
			}
			l->xs[l->nx++] = x;
		}
		if (rc == SS_OK && src != SQLITE_DONE)
			rc = db_fail(db, "cannot query the ledger", err, errlen);
	}
	if (rc == SS_OK && l->nx) {
		qsort(l->xs, l->nx, sizeof l->xs[0], cmp_double);
		if (!(l->v = malloc(l->nx * f->nmetrics * sizeof *l->v)) || !(l->tot = calloc(l->nx, sizeof *l->tot)) ||
		    !(l->present = calloc(f->nmetrics, 1)))
			rc = SS_ENOMEM;
	}
	if (rc || !l->nx) {
		sqlite3_finalize(st);
		return rc;
	}
	for (size_t k = 0; k < l->nx * f->nmetrics; k++)
		l->v[k] = NAN;
	/* Pass 2: the means. */
	for (size_t m = 0; m < f->nmetrics && rc == SS_OK; m++) {
		ledger_rows(st, f, m);
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			long i = find_x(l, sqlite3_column_double(st, 0));
			if (i >= 0) {
				l->v[(size_t)i * f->nmetrics + m] = sqlite3_column_double(st, 1);
				if (!l->present[m]) {
					l->present[m] = 1;
					l->npresent++;
				}
			}
		}
		if (src != SQLITE_DONE)
			rc = db_fail(db, "cannot query the ledger", err, errlen);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	return ledger_totals(db, f, l, err, errlen);
}

static int write_ledger(FILE *f, const ss__plot_fig *fig, const ledger *l, const char *store, double level,
			int formats)
{
	int rc = put_header(f, fig, store, "runs of figure");
	fputs("# series ", f);
	rc |= put_q(f, fig->series[0]);
	fputs(", per-packet time by activity (mean over replications)\n# columns: x", f);
	for (size_t m = 0; m < fig->nmetrics; m++) {
		fputs(", ", f);
		rc |= put_q(f, fig->metrics[m]);
	}
	fputs("\n# (NaN: metric not recorded at this x, drawn as nothing)\n", f);
	for (size_t m = 0; m < fig->nmetrics; m++)
		if (!l->present[m]) {
			fputs("# not in the store, left out of the plot and the total: ", f);
			rc |= put_q(f, fig->metrics[m]);
			fputc('\n', f);
		}
	fputs("$ledger << EOD\n", f);
	for (size_t i = 0; i < l->nx; i++) {
		put_num(f, l->xs[i]);
		for (size_t m = 0; m < fig->nmetrics; m++) {
			fputc(' ', f);
			put_num(f, l->v[i * fig->nmetrics + m]);
		}
		fputc('\n', f);
	}
	fputs("EOD\n# the total per run: bar index, mean, ci_low, ci_high, replications\n$total << EOD\n", f);
	for (size_t i = 0; i < l->nx; i++) {
		fprintf(f, "%zu", i);
		put_point(f, &l->tot[i]);
	}
	fputs("EOD\n\n", f);
	rc |= put_labels(f, fig, "time per packet (us)", "x");
	/* Only the top is fixed to the data: a fixed x range would cut the
	   outer bars in half. */
	fputs("set autoscale yfixmax\n", f);
	put_yrange(f, fig, 1);
	put_offsets(f, fig, 1, 0);
	fputs("set style data histograms\nset style histogram rowstacked\nset boxwidth 0.7 relative\n"
	      "set grid ytics back lc rgb '#d8d8d8' lw 1 dt 1\n"
	      "set border 3 lw 1\nset tics nomirror out\nset xtics scale 0\n", f);
	/* The key under the plot, bottom segment first, as the xy figures. */
	size_t maxlen = 16, nkey = 1;
	for (size_t m = 0; m < fig->nmetrics; m++)
		if (l->present[m]) {
			nkey++;
			if (strlen(fig->labels[m]) > maxlen)
				maxlen = strlen(fig->labels[m]);
		}
	int cols = key_columns(maxlen, nkey, 0), rows = (int)((nkey + (size_t)cols - 1) / (size_t)cols);
	int height = GP_HEIGHT + (rows > 3 ? (rows - 3) * GP_KEY_ROW : 0);
	fprintf(f, "set key outside below center horizontal Left reverse maxcols %d spacing 1.1 samplen 2 height 1 width %d nobox font '%s'\n",
		cols, key_width(maxlen), GP_KEY_FONT);
	put_legend(f, fig);
	/* The footnote on the total's intervals, from the data. */
	series ts = {0};
	ts.p = l->tot;
	ts.n = l->nx;
	xyset tmp = {0};
	tmp.s = &ts;
	tmp.n = 1;
	char note[256];
	ci_note(&tmp, fig, level, " of the total", note, sizeof note);
	fputs("set tmargin 4\nset title offset 0, char 1\nset label 1 ", f);
	rc |= put_q(f, note);
	fprintf(f, " at graph 0, graph 1 left offset 0, char 0.8 font '%s'\n", GP_NOTE_FONT);
	ss__plot_str cmd = {0};
	char buf[256];
	ss__plot_str_adds(&cmd, "plot ");
	for (size_t m = 0, k = 0; m < fig->nmetrics; m++) {
		if (!l->present[m])
			continue;
		char *qt = ss_plot_gp_quote(fig->labels[m]);
		if (!qt) {
			rc = SS_ENOMEM;
			break;
		}
		/* The fill follows the metric's position in the spec, so one
		   activity looks the same in every ledger of a study. */
		snprintf(buf, sizeof buf, "%s$ledger using %zu%s %s title ", k ? ", \\\n     " : "", m + 2,
			 k ? "" : ":xtic(1)", ledger_fill[m % NFILLS]);
		k++;
		ss__plot_str_adds(&cmd, buf);
		ss__plot_str_adds(&cmd, qt);
		free(qt);
	}
	/* The total's interval as capped vectors (yerrorbars would put a
	   white dot on each bar), in black over a white halo so it shows on
	   the dark segments too. */
	ss__plot_str_adds(&cmd, ", \\\n     $total using 1:3:(0):($4-$3) with vectors heads size screen 0.008,90"
				" lc rgb 'white' lw 4 notitle, \\\n"
				"     $total using 1:3:(0):($4-$3) with vectors heads size screen 0.008,90"
				" lc rgb 'black' lw 1.5 title 'total: interval'\n");
	return end_plot(f, fig, formats, height, &cmd, rc);
}

/* ---- bar figures ------------------------------------------------------ */

/* An xy figure as clustered bars: a group per x (the union of the
   series' points and the paper's), in each a solid bar per series (the
   model) beside a hatched one in the same colour (the paper), a missing
   value drawn as no bar. For tables whose columns are a few sizes or
   networks: the heights compare at a glance. */
static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int write_bars(FILE *f, const ss__plot_fig *fig, const xyset *d, const char *store, int formats)
{
	int rc = put_header(f, fig, store, "figure");
	size_t nx = 0, cap = 0;
	for (size_t i = 0; i < d->n; i++)
		cap += d->s[i].n + d->s[i].nrefs;
	double *xs = malloc((cap ? cap : 1) * sizeof *xs);
	if (!xs)
		return SS_ENOMEM;
	for (size_t i = 0; i < d->n; i++) {
		for (size_t k = 0; k < d->s[i].n; k++)
			xs[nx++] = d->s[i].p[k].x;
		for (size_t k = 0; k < d->s[i].nrefs; k++)
			xs[nx++] = d->s[i].refs[k]->x;
	}
	qsort(xs, nx, sizeof *xs, cmp_dbl);
	size_t u = 0;
	for (size_t i = 0; i < nx; i++)
		if (!u || xs[i] != xs[u - 1])
			xs[u++] = xs[i];
	nx = u;
	fputs("# columns: x, then for each series the model's mean and the paper's value (NaN: none)\n# series:", f);
	for (size_t i = 0; i < d->n; i++) {
		fputc(' ', f);
		rc |= put_q(f, d->s[i].name);
	}
	fputs("\n$bars << EOD\n", f);
	for (size_t j = 0; j < nx; j++) {
		fprintf(f, "\"%.10g\"", xs[j]);
		for (size_t i = 0; i < d->n; i++) {
			double m = NAN, p = NAN;
			for (size_t k = 0; k < d->s[i].n; k++)
				if (d->s[i].p[k].x == xs[j])
					m = d->s[i].p[k].mean;
			for (size_t k = 0; k < d->s[i].nrefs; k++)
				if (d->s[i].refs[k]->x == xs[j])
					p = d->s[i].refs[k]->y;
			fputc(' ', f);
			put_num(f, m);
			fputc(' ', f);
			put_num(f, p);
		}
		fputc('\n', f);
	}
	fputs("EOD\n\n", f);
	free(xs);
	rc |= put_labels(f, fig, d->unit[0] ? d->unit : "value", "x");
	if (fig->logy)
		fputs("set logscale y\n", f);
	put_yrange(f, fig, !fig->logy);
	put_offsets(f, fig, !fig->logy, 0);
	fputs("set style data histograms\nset style histogram clustered gap 1\nset boxwidth 0.9 relative\n"
	      "set grid ytics back lc rgb '#d8d8d8' lw 1 dt 1\n"
	      "set border 3 lw 1\nset tics nomirror out\nset xtics scale 0\n", f);
	size_t maxlen = 16;
	for (size_t i = 0; i < d->n; i++)
		if (strlen(d->s[i].name) + 7 > maxlen)
			maxlen = strlen(d->s[i].name) + 7;
	int cols = key_columns(maxlen, 2 * d->n, 1), rows = (int)((2 * d->n + (size_t)cols - 1) / (size_t)cols);
	int height = GP_HEIGHT + (rows > 3 ? (rows - 3) * GP_KEY_ROW : 0);
	fprintf(f, "set key outside below center horizontal Left reverse maxcols %d spacing 1.1 samplen 2 height 1 width %d nobox font '%s'\n",
		cols, key_width(maxlen), GP_KEY_FONT);
	put_legend(f, fig);
	fputs("set tmargin 4\nset title offset 0, char 1\nset label 1 ", f);
	char note[300];
	snprintf(note, sizeof note, "%s%sSolid: the model; hatched: the paper.", fig->note ? fig->note : "",
		 fig->note ? " " : "");
	rc |= put_q(f, note);
	fprintf(f, " at graph 0, graph 1 left offset 0, char 0.8 font '%s'\n", GP_NOTE_FONT);
	ss__plot_str cmd = {0};
	char buf[256];
	ss__plot_str_adds(&cmd, "plot ");
	for (size_t i = 0; i < d->n && rc == SS_OK; i++) {
		const char *color = series_style[style_slot(fig, d, i) % NSTYLES].color;
		char *qt = ss_plot_gp_quote(d->s[i].name), *pt = NULL;
		size_t pl = strlen(d->s[i].name) + 8;
		char *ptitle = malloc(pl);
		if (ptitle) {
			snprintf(ptitle, pl, "paper: %s", d->s[i].name);
			pt = ss_plot_gp_quote(ptitle);
		}
		free(ptitle);
		if (!qt || !pt) {
			free(qt);
			free(pt);
			rc = SS_ENOMEM;
			break;
		}
		snprintf(buf, sizeof buf, "%s$bars using %zu%s fs solid 0.85 border lc rgb 'black' lc rgb '%s' title ",
			 i ? ", \\\n     " : "", 2 + 2 * i, i ? "" : ":xtic(1)", color);
		ss__plot_str_adds(&cmd, buf);
		ss__plot_str_adds(&cmd, qt);
		snprintf(buf, sizeof buf, ", \\\n     $bars using %zu fs pattern 4 border lc rgb '%s' lc rgb '%s' title ",
			 3 + 2 * i, color, color);
		ss__plot_str_adds(&cmd, buf);
		ss__plot_str_adds(&cmd, pt);
		free(qt);
		free(pt);
	}
	ss__plot_str_adds(&cmd, "\n");
	return end_plot(f, fig, formats, height, &cmd, rc);
}

/* ---- running gnuplot -------------------------------------------------- */

/* The gnuplot to run: opts, else $SECSIM_GNUPLOT, else "gnuplot". */
static const char *gnuplot_name(const ss_plot_opts *o)
{
	if (o && o->gnuplot && *o->gnuplot)
		return o->gnuplot;
	const char *e = getenv("SECSIM_GNUPLOT");
	return e && *e ? e : "gnuplot";
}

/* Finds `prog` as execvp would; malloc'd path, or NULL when there is no
   such executable (or no memory). Looking first lets us tell "gnuplot is
   missing" (scripts kept, nothing drawn) from "gnuplot failed". */
static char *find_program(const char *prog)
{
	struct stat sb;
	if (strchr(prog, '/')) {
		if (stat(prog, &sb) == 0 && S_ISREG(sb.st_mode) && access(prog, X_OK) == 0)
			return strdup(prog);
		return NULL;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		char *cand = malloc(n + strlen(prog) + 3);
		if (!cand)
			return NULL;
		if (n)
			snprintf(cand, n + strlen(prog) + 3, "%.*s/%s", (int)n, path, prog);
		else
			snprintf(cand, strlen(prog) + 3, "./%s", prog);
		if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		path += n;
		if (*path == ':')
			path++;
	}
	return NULL;
}

/* Runs `gnuplot STEM.gp` inside dir, its stdout and stderr captured
   (the first bytes kept for the message). Returns SS_OK, or SS_EIO with
   the exit status and gnuplot's own words in err. */
static int run_gnuplot(const char *prog, const char *dir, const char *stem, FILE *log, char *err,
		       size_t errlen)
{
	char script[160];
	snprintf(script, sizeof script, "%s.gp", stem);
	int pfd[2];
	if (pipe(pfd) != 0) {
		ss_errbuf(err, errlen, "cannot run gnuplot: pipe: %s", strerror(errno));
		return SS_EIO;
	}
	fflush(NULL); /* a child must not flush our buffers twice */
	pid_t pid = fork();
	if (pid < 0) {
		ss_errbuf(err, errlen, "cannot run gnuplot: fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return SS_EIO;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		if (chdir(dir) != 0) {
			static const char m[] = "secsim: cannot enter the output directory\n";
			ssize_t ignored = write(2, m, sizeof m - 1);
			(void)ignored;
			_exit(126);
		}
		execl(prog, prog, script, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	char out[2048];
	size_t n = 0;
	for (;;) {
		char chunk[4096];
		ssize_t r = read(pfd[0], chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t take = (size_t)r < sizeof out - 1 - n ? (size_t)r : sizeof out - 1 - n;
		memcpy(out + n, chunk, take);
		n += take;
	}
	out[n] = '\0';
	close(pfd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			ss_errbuf(err, errlen, "cannot run gnuplot: waitpid: %s", strerror(errno));
			return SS_EIO;
		}
	/* One line for the message: gnuplot's report, newlines folded. */
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\n' || out[i] == '\r' || out[i] == '\t')
			out[i] = ' ';
	while (n && out[n - 1] == ' ')
		out[--n] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (n && log)
			fprintf(log, "%s/%s: gnuplot says: %s\n", dir, script, out);
		return SS_OK;
	}
	if (WIFEXITED(status))
		ss_errbuf(err, errlen, "gnuplot failed on %s/%s (exit status %d)%s%s", dir, script,
			  WEXITSTATUS(status), n ? ": " : "", out);
	else
		ss_errbuf(err, errlen, "gnuplot failed on %s/%s (killed by signal %d)%s%s", dir, script,
			  WIFSIGNALED(status) ? WTERMSIG(status) : 0, n ? ": " : "", out);
	return SS_EIO;
}

/* ---- the figures ------------------------------------------------------ */

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

/* Writes one figure's script; *written = 0 when it has no data. */
static int write_figure(ss_db *db, const ss_plot_spec *spec, const ss__plot_fig *fig, const char *outdir,
			const char *store, int *written, char *err, size_t errlen)
{
	int rc;
	xyset d = {0};
	ledger l = {0};
	*written = 0;
	if (fig->kind == SS__PLOT_XY) {
		if ((rc = xy_collect(db, fig, &d, err, errlen)) || !xy_has_data(&d))
			goto out;
	} else {
		if ((rc = ledger_collect(db, fig, &l, err, errlen)) || !l.nx)
			goto out;
	}
	char *path = join_path(outdir, fig->stem, ".gp");
	ss__plot_out o;
	if (!path) {
		rc = SS_ENOMEM;
		goto out;
	}
	if ((rc = ss__plot_open_out(path, &o, err, errlen)) == SS_OK) {
		double level = ss_db_level(db);
		if (fig->kind == SS__PLOT_XY && fig->bars)
			rc = write_bars(o.f, fig, &d, store, spec->formats);
		else if (fig->kind == SS__PLOT_XY)
			rc = write_xy(o.f, fig, &d, store, level, spec->formats);
		else
			rc = write_ledger(o.f, fig, &l, store, level, spec->formats);
		int crc = ss__plot_close_out(&o, rc == SS_OK, err, errlen);
		if (rc == SS_OK)
			rc = crc;
		*written = rc == SS_OK;
	}
	free(path);
out:
	xyset_fini(&d);
	ledger_fini(&l);
	if (rc == SS_ENOMEM)
		ss_errbuf(err, errlen, "out of memory");
	return rc;
}

int ss_plot_figures(ss_db *db, const ss_plot_spec *spec, const char *outdir, const ss_plot_opts *opts,
		    ss_plot_summary *sum, char *err, size_t errlen)
{
	ss_plot_summary dummy;
	if (!sum)
		sum = &dummy;
	memset(sum, 0, sizeof *sum);
	if (!db || !spec || !outdir || !*outdir) {
		ss_errbuf(err, errlen, "ss_plot_figures: no store, spec or output directory");
		return SS_EINVAL;
	}
	FILE *log = opts ? opts->log : NULL;
	int rc = mkdir_p(outdir, err, errlen);
	if (rc)
		return rc;
	/* The store's file name, for the scripts' provenance line. */
	const char *store = base_name(sqlite3_db_filename(ss_db_handle(db), "main") ?
					      sqlite3_db_filename(ss_db_handle(db), "main") : "");
	char *done = calloc(spec->nfigs ? spec->nfigs : 1, 1);
	if (!done)
		return SS_ENOMEM;
	for (size_t i = 0; i < spec->nfigs && rc == SS_OK; i++) {
		int w;
		rc = write_figure(db, spec, &spec->figs[i], outdir, store, &w, err, errlen);
		done[i] = (char)w;
		if (rc == SS_OK && w)
			sum->written++;
		else if (rc == SS_OK)
			sum->skipped++;
		if (rc == SS_OK && log)
			fprintf(log, w ? "%s: wrote %s/%s.gp\n" : "%s: no data in the store, skipped\n",
				spec->figs[i].id, outdir, spec->figs[i].stem);
	}
	if (rc || (opts && opts->no_draw) || !sum->written)
		goto out;
	const char *name = gnuplot_name(opts);
	char *prog = find_program(name);
	if (!prog) {
		sum->no_gnuplot = 1;
		ss_errbuf(err, errlen,
			  "gnuplot not found ('%s'): %d script%s written to %s, but the plots were not drawn "
			  "(install gnuplot, or set SECSIM_GNUPLOT to its path)",
			  name, sum->written, sum->written == 1 ? "" : "s", outdir);
		rc = SS_ENOENT;
		goto out;
	}
	for (size_t i = 0; i < spec->nfigs && rc == SS_OK; i++) {
		if (!done[i])
			continue;
		rc = run_gnuplot(prog, outdir, spec->figs[i].stem, log, err, errlen);
		if (rc == SS_OK) {
			sum->drawn++;
			if (log)
				fprintf(log, "%s: drew %s/%s%s%s%s\n", spec->figs[i].id, outdir, spec->figs[i].stem,
					spec->formats & SS__PLOT_PNG ? ".png" : "",
					spec->formats & SS__PLOT_SVG ? (spec->formats & SS__PLOT_PNG ? " .svg" : ".svg") : "",
					spec->formats & SS__PLOT_PDF ? (spec->formats & 3 ? " .pdf" : ".pdf") : "");
		}
	}
	free(prog);
out:
	free(done);
	return rc;
}

int ss_plot_study(const char *db_path, const char *spec_path, const char *outdir, char *err, size_t errlen)
{
	ss_db *db = NULL;
	ss_plot_spec *spec = NULL;
	int rc = ss_db_open(db_path, SS_DB_READ, &db, err, errlen);
	if (rc == SS_OK && (rc = ss_plot_spec_load(spec_path, db, &spec, err, errlen)) == SS_OK)
		rc = ss_plot_figures(db, spec, outdir, NULL, NULL, err, errlen);
	ss_plot_spec_free(spec);
	ss_db_close(db);
	return rc;
}
