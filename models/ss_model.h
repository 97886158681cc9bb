/* Model types (a table of callbacks over opaque state, registered by name)
   and the runner that performs one replication: warm-up, reset,
   measurement, report. */
#ifndef SS_MODEL_H
#define SS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "ss_metrics.h"
#include "ss_param.h"
#include "ss_sim.h"

typedef struct ss_metric_def {
	const char *name;  /* metric as stored in results */
	const char *unit;
	const char *help;
} ss_metric_def;

typedef struct ss_model_type {
	const char *name;               /* as written in scenario files */
	const char *help;               /* one line */
	const ss_param_def *params;     /* parameter table */
	size_t nparams;
	const ss_metric_def *metrics;   /* metrics the model reports (resources add theirs) */
	size_t nmetrics;
	const char *primary;            /* metric driving --precision and MSER-5 */
	/* Builds the model on `sim` (resources, initial events). Checks
	   cross-parameter constraints: SS_EINVAL with a message. */
	int (*create)(ss_sim *sim, const ss_params *p, void **state, char *err, size_t errlen);
	/* End of warm-up: forget the model's own statistics. */
	void (*reset)(void *state);
	/* End of measurement: add the model's metrics. */
	void (*collect)(void *state, ss_metrics *out);
	/* Cumulative count of the primary output so far (completions, bytes);
	   the runner differences it over slices for MSER-5. May be NULL. */
	double (*progress)(void *state);
	void (*destroy)(void *state);
} ss_model_type;

/* Registry (models/registry.c). */
const ss_model_type *ss_model_find(const char *name);
const ss_model_type *const *ss_model_all(void); /* NULL-terminated */
const char *ss_model_nearest(const char *name);

/* One replication. */
typedef struct ss_run_spec {
	const ss_model_type *type;
	const ss_params *params;
	uint64_t seed;          /* run seed (already mixed with the replication) */
	double warmup;          /* s of simulated time; < 0 selects MSER-5 */
	double duration;        /* s measured after the warm-up, > 0 */
	const volatile int *interrupt; /* polled between slices; may be NULL */
} ss_run_spec;

typedef struct ss_run_info {
	double warmup_used;   /* s */
	double measured;      /* s */
	uint64_t events;      /* events run */
	size_t mser_cut;      /* MSER-5: slices deleted (auto warm-up only) */
} ss_run_info;

/* The longest run the clock holds, in simulated seconds: time is int64
   picoseconds (9.22e6 s); the margin below that leaves room for events a
   model schedules past the end of the run. */
#define SS_RUN_MAX_S 9.2e6

/* Simulated seconds a run reaches at most: its warm-up (an automatic one
   runs up to 15 pilots of `duration`) and `batches` windows of `duration`.
   The runners refuse a run past SS_RUN_MAX_S. */
double ss_model_run_span(double warmup, double duration, int batches);

/* Runs one replication, filling `out` (model metrics, resource metrics,
   bottleneck). Returns 0, SS_EINVAL (model refused its parameters; err
   says why), SS_ENOMEM, or SS_EINTR. */
int ss_model_run(const ss_run_spec *spec, ss_metrics *out, ss_run_info *info, char *err, size_t errlen);

/* Batch means: one run, one warm-up, then `batches` consecutive
   windows of `duration` each; fn receives each window's metrics (and
   may stop the run by returning non-zero, which is returned). The
   windows' means are the batch means the store aggregates. */
typedef int (*ss_batch_fn)(void *ud, int batch, const ss_metrics *m, const ss_run_info *info);
int ss_model_run_batches(const ss_run_spec *spec, int batches, ss_batch_fn fn, void *ud, char *err, size_t errlen);

/* Seed of replication r of a study with base seed `seed`: independent of
   the point, so points share random numbers (common random numbers) and
   comparisons between points are sharper. */
uint64_t ss_model_rep_seed(uint64_t seed, int r);

#endif
