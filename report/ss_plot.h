/* Plots: gnuplot scripts, PNG/SVG figures and Markdown tables drawn from a
   results store and a study's plot specification (report/specs/NAME.cfg).

   A specification names, per figure, the figure id in the store, the
   metric, the labels and the paper's numbers as ids of rows of the
   store's `reference` table; the numbers themselves are always read
   from the store, never retyped. Every string that reaches a gnuplot
   script is quoted by ss_plot_gp_quote, so no name in a store or a
   specification can become a gnuplot command. */
#ifndef SS_PLOT_H
#define SS_PLOT_H

#include <stddef.h>
#include <stdio.h>

struct ss_db;

typedef struct ss_plot_spec ss_plot_spec;

/* The specification, in libconfig syntax (report/specs/nahum95.cfg is a
   complete example). Top level:
     study   = "name";            optional; default the file's stem
     formats = ["png", "svg"];    optional; any of png, svg, pdf
     figures = ( {...}, ... );    see below
     tables  = ( {...}, ... );    see below
     notes   = ["...", ...];      optional; printed at the end of tables.md
   An xy figure (kind = "xy" or no kind) draws one metric of one figure id:
     id, metric                   required: the store's figure and metric
     stem                         output file stem (default id)
     title, xlabel, ylabel        free text (ylabel default "metric (unit)")
     logscale_x, logscale_y       booleans (log x is base 2, log y base 10)
     ideal_speedup                boolean: draw y = x
     ymin, ymax                   numbers; default 0 (linear) or automatic
     legend                       gnuplot key words, e.g. "inside left top"
     series = ["a", "b"]          draw order; the store's others follow
     others = false               draw the listed series alone (one
                                  figure id drawn as several plots)
     refs = ( { series = "a"; ref = "ID"; x = 1; }, ... )
                                  the paper's points; x only when the row
                                  has none. With packet = "ID2" the point
                                  is derived: the size in row ID2 over the
                                  latency in row ID, in Mbit/s, keyed
                                  "paper Table N (derived): a"
     hlines = ( { ref = "ID"; title = "..."; }, ... )
                                  the paper's values as horizontal lines,
                                  keyed "title: about VALUE UNIT"
     vlines = ( { ref = "ID"; series = "a"; title = "..."; }, ... )
                                  x values marked by vertical lines (the
                                  row's value; the series' colour), or
              { figure = "f"; param = "p"; title = "..."; }
                                  the value parameter p had in the runs
                                  of figure f (a model default)
     baseline = { figure = "f"; x = 1; }
                                  draw each series over its own point of
                                  figure f at x (a speedup)
     note = "..."                 one line under the title
   Every figure has its key under the plot (the canvas grows with the
   key's rows) and a footnote on its confidence intervals computed from
   the data (the largest half-width, and whether the intervals hide
   behind the markers).
   A ledger figure (kind = "ledger") stacks per-packet times against x:
     id, from_figure, series, metrics = ["ledger.proto", ...]  required
     labels = [...]               key titles, one per metric (default:
                                  built-in names of secsim's ledger.*)
     stem, title, xlabel, ylabel, legend, ymin, ymax as above
   A table compares one metric at one x with the paper's values:
     id, metric, x                required: figure id, metric, x
     title, unit                  heading and the unit in the headers
     rows = ( { stack = "TCP/IP"; side = "send"; ref = "ID";
                series = "...";   default "STACK SIDE"
                incr = "ID";      the paper's incremental cost of the row
                note = "..."; }, ... )
     base_stack = "TCP/IP"        adds incremental-cost columns: each
                                  row less the base stack's row of its
                                  side, simulated beside the paper's incr
     notes = ["...", ...]         printed under the table */

/* Reads the specification at `path` and resolves its reference ids
   against db (which must stay open only for this call). Every problem
   is reported as "path:line: what is wrong". Returns SS_OK, or:
     SS_ENOENT  the file is missing, a key is unknown (with the nearest
                valid key), a figure kind is unknown (with the valid
                kinds), or a reference id is not in the store;
     SS_EPARSE  libconfig syntax error, a value of the wrong type, a
                required key missing, a vline with neither or both of
                ref and figure/param, a baseline without x;
     SS_EINVAL  a value out of range: an unsafe or duplicated file
                stem, an unknown legend word or format, a ledger without
                exactly one series or with labels not matching its
                metrics, a reference row without a numeric value or
                without an x where one is needed, an x contradicting the
                row's own, a derived point whose rows are not a size
                and a time, a vline parameter missing from (or
                differing between) the figure's runs;
     SS_ENOMEM, SS_EDB. */
int ss_plot_spec_load(const char *path, struct ss_db *db, ss_plot_spec **out,
		      char *err, size_t errlen);

/* A specification for a store no spec was written for: one xy figure
   per figure id with runs at an x, its primary metric (the first the
   model reports) against x, one series per series in the store (the
   runs' other axes), the x axis named after the sweep axis whose values
   are the x values (from the runs' config), logarithmic when x spans
   two decades or more. No tables. Returns SS_OK (a spec with no
   figures when the store has none), SS_ENOMEM or SS_EDB. */
int ss_plot_spec_default(struct ss_db *db, const char *study, ss_plot_spec **out, char *err, size_t errlen);

/* Frees; NULL is a no-op. */
void ss_plot_spec_free(ss_plot_spec *spec);

size_t ss_plot_spec_nfigures(const ss_plot_spec *spec); /* figures listed */
size_t ss_plot_spec_ntables(const ss_plot_spec *spec);  /* tables listed */

/* How ss_plot_figures runs. A zeroed struct means: draw with
   $SECSIM_GNUPLOT or else "gnuplot" from PATH, log nothing. */
typedef struct ss_plot_opts {
	const char *gnuplot; /* program to run; NULL: $SECSIM_GNUPLOT, else "gnuplot" */
	int no_draw;         /* nonzero: write the scripts only */
	FILE *log;           /* one line per figure written or skipped; NULL: silent */
} ss_plot_opts;

/* What ss_plot_figures did. */
typedef struct ss_plot_summary {
	int written;    /* scripts written (figures with data) */
	int drawn;      /* scripts gnuplot ran successfully */
	int skipped;    /* figures with no data in the store */
	int no_gnuplot; /* 1: gnuplot was not found, nothing was drawn */
} ss_plot_summary;

/* For each figure of spec that has data in db, writes outdir/STEM.gp, a
   self-contained gnuplot script holding its data inline (run
   `gnuplot STEM.gp` inside outdir to redraw), then runs gnuplot in
   outdir to produce STEM.png and STEM.svg (and STEM.pdf when the spec's
   formats ask for it). outdir is created if missing (mkdir -p).
   Drawing stops at the first gnuplot failure; scripts are all written
   first, so a failure leaves every script for inspection.
   Returns SS_OK, or:
     SS_EIO     a directory or file could not be created or written, or
                gnuplot failed (its exit status and first error lines in
                err);
     SS_ENOENT  gnuplot was not found: the scripts are written, the
                plots are not drawn (sum->no_gnuplot is set);
     SS_ENOMEM, SS_EDB.
   sum may be NULL. */
int ss_plot_figures(struct ss_db *db, const ss_plot_spec *spec, const char *outdir,
		    const ss_plot_opts *opts, ss_plot_summary *sum, char *err, size_t errlen);

/* Writes the spec's tables as Markdown to md_path (replaced atomically):
   per row the stack, side, the paper's value, the simulated mean +- the
   confidence half-width, n, the relative error, with base_stack the
   incremental cost (paper, simulated, relative error) and a note (cells
   escaped by ss_plot_md_escape), then the table's notes and the spec's
   notes as written (Markdown allowed; control characters become
   spaces). Rows without simulated data are kept and say so.
   Returns SS_OK, SS_ENOENT when the spec has no tables (nothing is
   written), SS_EIO, SS_ENOMEM or SS_EDB. */
int ss_plot_tables(struct ss_db *db, const ss_plot_spec *spec, const char *md_path,
		   char *err, size_t errlen);

/* Opens db_path read-only, loads spec_path and runs ss_plot_figures with
   default options. Returns what ss_db_open, ss_plot_spec_load and
   ss_plot_figures return; note SS_ENOENT has three causes, told
   apart by the message: a missing file, an unknown reference id, or
   gnuplot missing (then the scripts are written but not drawn). */
/* A study's name from a file name: its base name without the extension
   (results/nahum95.db and report/specs/nahum95.cfg both give nahum95).
   Caller frees; NULL when out of memory. */
char *ss_plot_file_stem(const char *path);

int ss_plot_study(const char *db_path, const char *spec_path, const char *outdir,
		  char *err, size_t errlen);

/* Opens db_path read-only, loads spec_path and runs ss_plot_tables. */
int ss_plot_tables_md(const char *db_path, const char *spec_path, const char *out_md_path,
		      char *err, size_t errlen);

/* Quotes s as a gnuplot string expression: runs of text in single
   quotes, each single quote as "'" joined by '.' ('it'."'".'s'; gnuplot
   5.4 misreads doubled quotes at the start or in a row), control
   characters (newlines included) as spaces, bytes that are not valid
   UTF-8 as '?', "]]>" as "]] >" (gnuplot's SVG output would copy it into
   invalid XML). Inside single quotes gnuplot expands neither
   backslashes, macros (@name) nor backquotes, and "'" holds nothing to
   expand, so the result is always one inert string. Returns a malloc'd
   string (NULL: out of memory); a NULL s quotes "". */
char *ss_plot_gp_quote(const char *s);

/* Escapes s for one Markdown table cell: '|', '\' and the characters
   Markdown would read as inline markup get a backslash, control
   characters become spaces, invalid UTF-8 becomes '?'. Returns a malloc'd
   string (NULL: out of memory); a NULL s gives "". */
char *ss_plot_md_escape(const char *s);

#endif
