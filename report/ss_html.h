/* The HTML report: one static page summing up results stores. For each
   store, its figures (the SVGs `secsim plot` drew, linked relatively)
   beside the paper's numbers they use (rows of the store's `reference`
   table), the claim verdicts the last `reproduce --check` stored, each
   scenario's parameters with their sources, the bottleneck of each
   point and the provenance columns of the runs; then the host
   calibration. The page needs nothing from the network: no script at
   all, styles inline, and every text read from a store is escaped by
   ss_html_escape. */
#ifndef SS_HTML_H
#define SS_HTML_H

#include <stddef.h>

/* A model parameter as `secsim models` lists it: its source or meaning
   is the help text. The report takes the parameter tables from its
   caller, so the report module does not link the models. */
typedef struct ss_html_param {
	const char *name;
	const char *def;    /* default, as text */
	const char *unit;   /* "" when none */
	const char *source; /* where the value comes from, or what it is */
} ss_html_param;

typedef struct ss_html_model {
	const char *name;
	const ss_html_param *params; /* in the model's order (the point key's) */
	size_t nparams;
} ss_html_model;

typedef struct ss_html_opts {
	const char *const *dbs; /* results stores, in the order shown */
	size_t ndbs;
	const char *out;        /* the page; its folder holds STUDY/STEM.svg */
	const char *specs_dir;  /* folder of the plot specs (STUDY.cfg) */
	const char *calibration; /* calibration store, or NULL: none shown */
	const ss_html_model *models;
	size_t nmodels;
	const char *version;    /* of the secsim writing the page */
} ss_html_opts;

/* What the page shows, for the caller's summary line. */
typedef struct ss_html_summary {
	int stores;
	int figures;   /* figures shown (an SVG exists) */
	int missing;   /* figures of a spec with data but no SVG */
	int claims;    /* claim verdicts shown */
} ss_html_summary;

/* Writes the page to opts->out (replaced atomically: written beside it
   and renamed). Each store is opened read-only; its study is the file's
   stem (STUDY-quick and STUDY-paper use STUDY's spec), its figures are
   those of specs_dir/STUDY.cfg or, without one, the default figures of
   the store (ss_plot_spec_default). Returns SS_OK, or with a message in
   err: SS_ENOENT/SS_ENOTSECSIM (a store is missing or not secsim's: the
   page is not written), SS_EINVAL (a bad spec, as "path:line: ..."),
   SS_EIO, SS_ENOMEM, SS_EDB. sum may be NULL. */
int ss_html_report(const ss_html_opts *opts, ss_html_summary *sum, char *err, size_t errlen);

/* Escapes s for HTML text and quoted attribute values: & < > " ' as
   character references, control characters as spaces, bytes that are
   not valid UTF-8 as '?'. Returns a malloc'd string (NULL: out of
   memory); a NULL s gives "". */
char *ss_html_escape(const char *s);

/* Percent-encodes s for one relative URL path (RFC 3986): every byte
   but the unreserved characters and '/' becomes %XX, so a file name
   cannot end the attribute or turn into a scheme ("javascript:"
   becomes "javascript%3A"). The result still needs ss_html_escape's
   safety only in principle: it holds no character HTML treats
   specially. Returns a malloc'd string, NULL when out of memory. */
char *ss_html_url_path(const char *s);

#endif
