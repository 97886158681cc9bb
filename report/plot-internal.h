/* Plots, internal: the loaded specification shared by the spec loader,
   the figure writer and the table writer. Never installed. */
#ifndef SS_PLOT_INTERNAL_H
#define SS_PLOT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "ss_plot.h"

/* Figure kinds, by their spec name ("xy", "ledger"). */
enum { SS__PLOT_XY, SS__PLOT_LEDGER };

/* Output formats a spec may ask for (bit set). */
enum { SS__PLOT_PNG = 1, SS__PLOT_SVG = 2, SS__PLOT_PDF = 4 };

/* A paper's number, resolved from the store's reference table. */
typedef struct ss__plot_ref {
	char *id;      /* reference row id, e.g. "N95-025" */
	char *series;  /* series it belongs to (points); NULL for a line */
	char *title;   /* key title of a horizontal line; NULL otherwise */
	double x;      /* x of a point (from the row, else the spec); NaN for a line */
	double y;      /* the row's value_num, in the row's unit */
	char *unit;    /* the row's unit, e.g. "Mbit/s" */
	char *qualifier; /* the row's qualifier, e.g. "exact", "approx" */
	char *derived; /* a point derived from the row (packet bits / latency):
			  where the row comes from, e.g. "Table 1"; NULL: as printed */
	int line;      /* line in the spec, for messages */
} ss__plot_ref;

typedef struct ss__plot_fig {
	int kind;          /* SS__PLOT_XY or SS__PLOT_LEDGER */
	int line;          /* line of the figure's group in the spec */
	char *id;          /* xy: figure id in the store; ledger: the plot's own id */
	char *stem;        /* output file stem, [A-Za-z0-9._-], no leading '.' */
	char *title, *xlabel, *ylabel; /* free text; quoted on output */
	char *legend;      /* gnuplot key placement words, checked; NULL: automatic */
	int logx, logy;    /* logarithmic axes */
	int ideal;         /* draw the ideal linear speedup y = x */
	int bars;          /* xy: drawn as clustered bars, one group per x, the model's solid and the paper's hatched */
	int only;          /* others = false: the listed series alone */
	double ymin, ymax; /* y range; NaN: automatic */
	char **series;     /* xy: draw order (others follow); ledger: the one series */
	size_t nseries;
	char *metric;      /* xy: the metric drawn */
	char *from_figure; /* ledger: figure id whose runs are split */
	char **metrics;    /* ledger: the stacked metrics, bottom first */
	char **labels;     /* ledger: their key titles (same count) */
	size_t nmetrics;
	ss__plot_ref *refs;   /* xy: the paper's points */
	size_t nrefs;
	ss__plot_ref *hlines; /* xy: the paper's horizontal lines */
	size_t nhlines;
	ss__plot_ref *vlines; /* xy: marked x values (y unused); series: colour */
	size_t nvlines;
	char *note;        /* xy: one line of text under the title, or NULL */
	char *base_figure; /* xy: divide each series by its point in this figure */
	double base_x;     /* ... at this x (the speedup of a fixed-x sweep) */
} ss__plot_fig;

typedef struct ss__plot_row {
	char *stack;     /* e.g. "TCP/IP" */
	char *side;      /* e.g. "send" */
	char *series;    /* series in the store; default "STACK SIDE" */
	char *note;      /* spec's note for the row, or NULL */
	ss__plot_ref ref; /* the paper's value */
	int has_incr;    /* the paper gives the row's incremental cost */
	ss__plot_ref incr; /* ... over the table's base stack */
} ss__plot_row;

typedef struct ss__plot_table {
	int line;        /* line of the table's group in the spec */
	char *id;        /* figure id of the simulated values, e.g. "table1" */
	char *title;     /* heading */
	char *metric;    /* metric compared, e.g. "latency" */
	char *unit;      /* unit shown in the headers; NULL: the first row's */
	double x;        /* x of the simulated points; NAN: each row's reference row's x */
	char **columns;  /* headers of the two label columns (default "stack", "side") */
	size_t ncolumns;
	char *base_stack; /* incremental costs are over this stack's row of the
			     same side; NULL: no incremental columns */
	ss__plot_row *rows;
	size_t nrows;
	char **notes;    /* paragraphs printed under the table */
	size_t nnotes;
} ss__plot_table;

struct ss_plot_spec {
	char *path;      /* the file read, for messages */
	char *study;     /* study name; default the file's stem */
	int formats;     /* SS__PLOT_* bits; default PNG | SVG */
	ss__plot_fig *figs;
	size_t nfigs;
	ss__plot_table *tables;
	size_t ntables;
	char **notes;    /* study-wide notes printed at the end of tables.md */
	size_t nnotes;
};

/* A growing NUL-terminated string. Appends after a failed allocation
   are ignored and set oom, so a caller checks once at the end. */
typedef struct ss__plot_str {
	char *p;
	size_t n, cap;
	int oom;
} ss__plot_str;

void ss__plot_str_add(ss__plot_str *s, const char *text, size_t len);
void ss__plot_str_adds(ss__plot_str *s, const char *text);

/* A number for a tic or a key: %g, with k, M or G from 10^4 up (a bus
   bandwidth of 1.2e9 reads "1.2G"). */
void ss__plot_si(double x, char *buf, size_t len);

/* Length of the valid UTF-8 character starting at s[0] (at most `avail`
   bytes available), or 0 when the bytes there are not one. */
size_t ss__plot_utf8_len(const unsigned char *s, size_t avail);

/* An output file written to PATH.tmp.PID and renamed into place on
   success, so a reader (or a crash) never sees half a script or half a
   table. */
typedef struct ss__plot_out {
	FILE *f;          /* write here */
	char *path, *tmp; /* final and temporary names */
} ss__plot_out;

/* SS_OK, SS_ENOMEM or SS_EIO (message in err). */
int ss__plot_open_out(const char *path, ss__plot_out *o, char *err, size_t errlen);

/* Closes o; renames it into place when ok and every write succeeded,
   else removes the temporary. Returns SS_OK or SS_EIO. */
int ss__plot_close_out(ss__plot_out *o, int ok, char *err, size_t errlen);

#endif
