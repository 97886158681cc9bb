/* Plots: tables. Writes the spec's tables as Markdown, the paper's
   number beside the simulated mean, its interval and the relative
   error, every cell escaped. */
#include "plot-internal.h"
#include "ss_db.h"
#include "ss_err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* Writes s escaped for a cell; 0 or SS_ENOMEM. */
static int put_md(FILE *f, const char *s)
{
	char *e = ss_plot_md_escape(s);
	if (!e)
		return SS_ENOMEM;
	fputs(e, f);
	free(e);
	return SS_OK;
}

/* Decimals that show about four significant digits without an exponent
   (236.4, 21461, 0.5123): latencies span five decades in one table. */
static int decimals(double v)
{
	if (!isfinite(v) || v == 0)
		return 2;
	int d = 3 - (int)floor(log10(fabs(v)));
	return d < 0 ? 0 : d > 6 ? 6 : d;
}

/* Notes are the spec author's prose and may use Markdown (code spans,
   emphasis): only what would break the one-line bullet is cleaned. */
static int put_note(FILE *f, const char *s)
{
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		fputc(*u < 0x20 || *u == 0x7f ? ' ' : *u, f);
	return SS_OK;
}

typedef struct sim {
	int found;
	double mean, lo, hi;
	long n;
} sim;

static int lookup(sqlite3_stmt *st, const ss__plot_table *t, const ss__plot_row *r, sim *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->series, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->metric, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 4, isnan(t->x) ? r->ref.x : t->x);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		out->found = 1;
		out->mean = sqlite3_column_double(st, 0);
		out->lo = sqlite3_column_type(st, 1) == SQLITE_NULL ? out->mean : sqlite3_column_double(st, 1);
		out->hi = sqlite3_column_type(st, 2) == SQLITE_NULL ? out->mean : sqlite3_column_double(st, 2);
		out->n = (long)sqlite3_column_int64(st, 3);
		src = SQLITE_DONE;
	}
	sqlite3_reset(st);
	return src == SQLITE_DONE ? SS_OK : SS_EDB;
}

static int write_table(FILE *f, sqlite3_stmt *st, const ss__plot_table *t, double level)
{
	int rc = SS_OK;
	const char *unit = t->unit ? t->unit : t->rows[0].ref.unit;
	fputs("## ", f);
	rc |= put_md(f, t->title);
	fputs("\n\n| ", f);
	rc |= put_md(f, t->columns ? t->columns[0] : "stack");
	fputs(" | ", f);
	rc |= put_md(f, t->columns ? t->columns[1] : "side");
	fputs(" | paper (", f);
	rc |= put_md(f, unit);
	fputs(") | simulated (", f);
	rc |= put_md(f, unit);
	fprintf(f, ", mean \u00b1 %g%% CI) | n | rel. error |", 100 * level);
	if (t->base_stack) {
		fputs(" paper incr. over ", f);
		rc |= put_md(f, t->base_stack);
		fputs(" | simulated incr. | rel. error |", f);
	}
	fputs(" note |\n| :--- | :--- | ---: | ---: | ---: | ---: |", f);
	fputs(t->base_stack ? " ---: | ---: | ---: | :--- |\n" : " :--- |\n", f);
	for (size_t i = 0; i < t->nrows; i++) {
		const ss__plot_row *r = &t->rows[i];
		sim s;
		if (lookup(st, t, r, &s))
			return SS_EDB;
		/* The incremental cost: this row less the base stack's row of
		   the same side, as the paper's Tables 1 and 2 give it. */
		const ss__plot_row *base = NULL;
		sim b = {0};
		for (size_t k = 0; t->base_stack && k < t->nrows; k++)
			if (!strcmp(t->rows[k].stack, t->base_stack) && !strcmp(t->rows[k].side, r->side))
				base = &t->rows[k];
		if (base && lookup(st, t, base, &b))
			return SS_EDB;
		fputs("| ", f);
		rc |= put_md(f, r->stack);
		fputs(" | ", f);
		rc |= put_md(f, r->side);
		fprintf(f, " | %.10g | ", r->ref.y);
		if (s.found) {
			int d = decimals(s.mean);
			fprintf(f, "%.*f \u00b1 %.*f | %ld | ", d, s.mean, d, (s.hi - s.lo) / 2, s.n);
			if (r->ref.y != 0)
				fprintf(f, "%+.1f%% | ", 100 * (s.mean - r->ref.y) / r->ref.y);
			else
				fputs("\u2014 | ", f);
		} else {
			fputs("\u2014 | \u2014 | \u2014 | ", f);
		}
		if (t->base_stack) {
			if (base == r) {
				fputs("(base) | (base) | \u2014 | ", f);
			} else {
				if (r->has_incr)
					fprintf(f, "%.10g | ", r->incr.y);
				else
					fputs("\u2014 | ", f);
				if (s.found && base && b.found) {
					double inc = s.mean - b.mean;
					double hs = (s.hi - s.lo) / 2, hb = (b.hi - b.lo) / 2;
					int d = decimals(inc);
					fprintf(f, "%.*f \u00b1 %.*f | ", d, inc, d, sqrt(hs * hs + hb * hb));
					if (r->has_incr && r->incr.y != 0)
						fprintf(f, "%+.1f%% | ", 100 * (inc - r->incr.y) / r->incr.y);
					else
						fputs("\u2014 | ", f);
				} else {
					fputs("\u2014 | \u2014 | ", f);
				}
			}
		}
		/* The note: the spec's words, then what the reader must know
		   to weigh the row, then where the paper's number comes from. */
		if (r->note) {
			rc |= put_md(f, r->note);
			fputs("; ", f);
		}
		if (!s.found) {
			fputs("not simulated (series ", f);
			rc |= put_md(f, r->series);
			fputs(" has no point here); ", f);
		} else if (s.n < 2) {
			fputs("one replication, no interval; ", f);
		}
		if (r->ref.qualifier && *r->ref.qualifier && strcmp(r->ref.qualifier, "exact")) {
			fputs("paper value ", f);
			rc |= put_md(f, r->ref.qualifier);
			fputs("; ", f);
		}
		fputs("ref. ", f);
		rc |= put_md(f, r->ref.id);
		if (r->has_incr) {
			fputs(", incr. ", f);
			rc |= put_md(f, r->incr.id);
		}
		fputs(" |\n", f);
	}
	if (t->nnotes) {
		fputs("\nNotes:\n\n", f);
		for (size_t i = 0; i < t->nnotes; i++) {
			fputs("- ", f);
			rc |= put_note(f, t->notes[i]);
			fputs("\n", f);
		}
	}
	fputs("\n", f);
	return rc ? SS_ENOMEM : SS_OK;
}

int ss_plot_tables(ss_db *db, const ss_plot_spec *spec, const char *md_path, char *err, size_t errlen)
{
	if (!db || !spec || !md_path || !*md_path) {
		ss_errbuf(err, errlen, "ss_plot_tables: no store, spec or output path");
		return SS_EINVAL;
	}
	if (!spec->ntables) {
		ss_errbuf(err, errlen, "%s: the spec lists no tables", spec->path);
		return SS_ENOENT;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(ss_db_handle(db),
			       "SELECT mean, ci_low, ci_high, n FROM points"
			       " WHERE figure = ?1 AND series = ?2 AND metric = ?3 AND x = ?4",
			       -1, &st, NULL) != SQLITE_OK) {
		ss_errbuf(err, errlen, "cannot query points: %s", sqlite3_errmsg(ss_db_handle(db)));
		return SS_EDB;
	}
	ss__plot_out o;
	int rc = ss__plot_open_out(md_path, &o, err, errlen);
	if (rc) {
		sqlite3_finalize(st);
		return rc;
	}
	FILE *f = o.f;
	double level = ss_db_level(db);
	const char *store = sqlite3_db_filename(ss_db_handle(db), "main");
	const char *spec_base = strrchr(spec->path, '/');
	if (store && strrchr(store, '/'))
		store = strrchr(store, '/') + 1;
	fputs("# ", f);
	rc |= put_md(f, spec->study);
	fputs(": simulated values against the paper's tables\n\nWritten by `secsim plot` from the store ", f);
	rc |= put_md(f, store ? store : "");
	fputs(" and the plot spec ", f);
	rc |= put_md(f, spec_base ? spec_base + 1 : spec->path);
	fprintf(f, ". Simulated: mean \u00b1 half-width of the %g%% Student-t confidence interval over "
		   "n replications. Relative error: (simulated \u2212 paper) / paper. The paper's values are "
		   "read from the store's reference table (ids in the note column).",
		100 * level);
	int incr = 0;
	for (size_t i = 0; i < spec->ntables; i++)
		incr |= spec->tables[i].base_stack != NULL;
	if (incr)
		fputs(" Incremental cost: a row's value less that of the base stack's row of the same side, as in "
		      "the paper's tables; its \u00b1 combines both half-widths as if the two were independent "
		      "(the runs share random numbers, which makes the true interval narrower).", f);
	fputs("\n\n", f);
	for (size_t i = 0; i < spec->ntables && rc == SS_OK; i++)
		rc = write_table(f, st, &spec->tables[i], level);
	if (rc == SS_OK && spec->nnotes) {
		fputs("## Notes\n\n", f);
		for (size_t i = 0; i < spec->nnotes; i++) {
			fputs("- ", f);
			rc |= put_note(f, spec->notes[i]);
			fputs("\n", f);
		}
	}
	sqlite3_finalize(st);
	if (rc == SS_EDB)
		ss_errbuf(err, errlen, "cannot query points: %s", sqlite3_errmsg(ss_db_handle(db)));
	else if (rc)
		ss_errbuf(err, errlen, "out of memory");
	int crc = ss__plot_close_out(&o, rc == SS_OK, err, errlen);
	return rc ? rc : crc;
}

int ss_plot_tables_md(const char *db_path, const char *spec_path, const char *out_md_path, char *err,
		      size_t errlen)
{
	ss_db *db = NULL;
	ss_plot_spec *spec = NULL;
	int rc = ss_db_open(db_path, SS_DB_READ, &db, err, errlen);
	if (rc == SS_OK && (rc = ss_plot_spec_load(spec_path, db, &spec, err, errlen)) == SS_OK)
		rc = ss_plot_tables(db, spec, out_md_path, err, errlen);
	ss_plot_spec_free(spec);
	ss_db_close(db);
	return rc;
}
