/* Declarative model parameters: a table of definitions (name, type,
   default, range, unit, help) drives scenario-file checking, --set, help
   text, and the canonical key that identifies a sweep point. */
#ifndef SS_PARAM_H
#define SS_PARAM_H

#include <stddef.h>

#include "ss_rng.h"

typedef enum ss_param_type {
	SS_PARAM_INT,    /* integer in [min, max] */
	SS_PARAM_REAL,   /* finite real in [min, max] */
	SS_PARAM_BOOL,   /* true/false */
	SS_PARAM_STRING, /* free text, or one of `choices` when given */
	SS_PARAM_DIST    /* a distribution, "exp(1)" (see ss_rng.h) */
} ss_param_type;

typedef struct ss_param_def {
	const char *name;    /* key in the scenario's params block */
	ss_param_type type;
	const char *def;     /* default, as text */
	double min, max;     /* inclusive range for INT and REAL */
	const char *choices; /* STRING: "a|b|c" allowed values, or NULL for any */
	const char *unit;    /* e.g. "s", "1/s", "bytes", "" */
	const char *help;    /* one line */
} ss_param_def;

typedef struct ss_param_value {
	long long i;  /* INT, BOOL */
	double r;     /* REAL (and INT as double) */
	char *s;      /* STRING (owned) */
	ss_dist dist; /* DIST */
	char *text;   /* canonical text of the value (owned) */
	int set;      /* given explicitly (not the default) */
} ss_param_value;

typedef struct ss_params {
	const ss_param_def *defs;
	size_t n;
	ss_param_value *v;
} ss_params;

/* A parameter set holding every default, in *out. Returns SS_OK, SS_ENOMEM,
   or SS_EINVAL when out is NULL or a default is invalid (a broken
   invariant of the model table); *out is NULL on failure. */
int ss_params_alloc(ss_params **out, const ss_param_def *defs, size_t n);
/* A copy of p (values and which were set explicitly), same returns. */
int ss_params_clone(ss_params **out, const ss_params *p);
void ss_params_free(ss_params *p); /* NULL is a no-op */

/* Index of `name`, or -1. */
int ss_params_index(const ss_params *p, const char *name);
/* The nearest defined name (edit distance), for "did you mean" hints. */
const char *ss_params_nearest(const ss_params *p, const char *name);

/* Sets a value from text (as given on the command line or in a file).
   Checks type and range; on error writes "what is wrong" (no location) to
   err and returns SS_ENOENT (unknown name) or SS_EINVAL. */
int ss_params_set_text(ss_params *p, const char *name, const char *text, char *err, size_t errlen);

/* Typed getters; the name must exist with that type (fatal otherwise:
   model code asks only for its own parameters). */
long long ss_params_int(const ss_params *p, const char *name);
double ss_params_real(const ss_params *p, const char *name);
int ss_params_bool(const ss_params *p, const char *name);
const char *ss_params_string(const ss_params *p, const char *name);
ss_dist ss_params_dist(const ss_params *p, const char *name);
const char *ss_params_text(const ss_params *p, const char *name);

/* Canonical "name=value;..." of every parameter in table order. Caller frees. */
char *ss_params_key(const ss_params *p);

#endif
