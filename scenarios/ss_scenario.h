/* Scenario files (libconfig syntax): the model, its parameters, the sweep,
   the run settings and what to record. Loading checks everything and
   reports "file:line: what is wrong"; nothing runs on a bad file. */
#ifndef SS_SCENARIO_H
#define SS_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "ss_model.h"
#include "ss_param.h"

typedef struct ss_axis {
	char *key;       /* model parameter swept */
	char **values;   /* values as text, already checked */
	size_t n;
} ss_axis;

/* Axes of one group vary together (same length); groups combine as a
   cartesian product, the first group outermost. */
typedef struct ss_sweep_group {
	ss_axis *axes;
	size_t naxes;
	size_t n;        /* common length */
} ss_sweep_group;

typedef struct ss_scenario {
	char *path;            /* file it came from */
	char *name;            /* study name: default database results/<name>.db */
	char *description;
	char *reproduces;      /* the paper figure/table or closed form it reproduces */
	const ss_model_type *model;
	ss_params *base;       /* parameters before the sweep */
	ss_sweep_group *groups;
	size_t ngroups;
	int replications;      /* per point (minimum in precision mode; batches with batch_means) */
	int batch_means;       /* 1: one run per point, its replications are consecutive batches */
	uint64_t seed;         /* base seed */
	double warmup;         /* s; < 0 means automatic (MSER-5) */
	double duration;       /* s measured */
	double level;          /* confidence level, e.g. 0.90 */
	double precision;      /* target relative half-width; 0 = fixed replications */
	int max_replications;  /* cap in precision mode */
	char *figure;          /* figure id stored with each run */
	char *series;          /* series template: "{param}" expands to its value */
	char *x;               /* parameter giving the x value, or NULL */
	char *speedup;         /* figure for speedups over the same parameters at x = 1, or NULL */
	char **metrics;        /* metrics to store (NULL: all) */
	size_t nmetrics;
} ss_scenario;

typedef struct ss_point {
	ss_params *params;  /* effective parameters */
	char *key;          /* canonical parameter key */
	char *series;       /* expanded series label */
	double x;           /* x value */
	size_t base;        /* speedup: the point with the same parameters at x = 1 */
	int baseline_only;  /* added by the sweep for `base` (not in the sweep as given) */
} ss_point;

/* Loads and checks a file. Returns 0, or SS_ENOENT/SS_EPARSE/SS_EINVAL with
   "file:line: what is wrong" in err. */
int ss_scenario_load(const char *path, ss_scenario **out, char *err, size_t errlen);
void ss_scenario_free(ss_scenario *s);

/* Applies a "key=value" override (model parameter, params.KEY, run.KEY or
   seed/replications/...). Setting a swept parameter fixes it to one value.
   Error messages start with "--set KEY:". */
int ss_scenario_set(ss_scenario *s, const char *assignment, char *err, size_t errlen);

/* Expands the sweep into points. A scenario with a speedup figure gets,
   after the swept points, the points at x = 1 that its sweep lacks (a
   speedup divides by one processor's throughput); each point's `base`
   names its baseline. */
int ss_scenario_points(const ss_scenario *s, ss_point **pts, size_t *n, char *err, size_t errlen);
void ss_points_free(ss_point *pts, size_t n);

/* Effective configuration as text (echoed and stored with each run). Caller frees. */
char *ss_scenario_describe(const ss_scenario *s);

/* Calls fn for every *.cfg under dir (recursively, sorted by path).
   Returns 0 or SS_ENOENT when dir cannot be read. */
int ss_scenario_list(const char *dir, void (*fn)(const char *path, void *ud), void *ud);

#endif
