/* The shipped validation scenarios (scenarios/validation/NAME.cfg), run as
   written: every point's simulated mean against the closed form the
   model reports beside it (W against W_theory, X against X_theory, ...),
   within the 99% Student-t interval of the replications plus 1% for the
   finite run length. Seeds are fixed, so the outcome is reproducible. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "ss_err.h"
#include "ss_model.h"
#include "ss_scenario.h"
#include "ss_stats.h"
#include "ss_test.h"

static const char *const pairs[][2] = {
	{"W", "W_theory"}, {"X", "X_theory"}, {"R", "R_theory"}, {"speedup", "speedup_theory"},
};
#define NPAIRS 4

/* The files, and which outputs each must check at every point (bit k for
   pairs[k]): stated here, not inferred from what the runs report, so an
   output that goes missing is a failed check, not a skipped one. */
static const struct {
	const char *name;
	unsigned pairs;
} files[] = {
	{"mm1", 1}, {"mmc", 1}, {"md1", 1}, {"bus", 1}, {"closed", 2 | 4}, {"amdahl", 8}, {"amdahl_exp", 8},
};
#define NFILES (sizeof files / sizeof files[0])

typedef struct loaded {
	ss_scenario *s;
	ss_point *pts;
	size_t n;
	char err[1024];
} loaded;

static int popcount(unsigned x)
{
	int n = 0;
	for (; x; x >>= 1)
		n += x & 1;
	return n;
}

/* One check per point and expected output: every replication must report
   the output and its reference (the closed form, or for deterministic
   lock-limited runs without one, the bound min(n, 1/f)). */
static void check_file(const char *name, unsigned want, const loaded *ld)
{
	const ss_scenario *s = ld->s;
	char err[1024];
	int reps = s->replications < 128 ? s->replications : 128;
	for (size_t i = 0; i < ld->n; i++) {
		const ss_point *pt = &ld->pts[i];
		double v[NPAIRS][128], ref[NPAIRS] = {NAN, NAN, NAN, NAN};
		int have[NPAIRS] = {0, 0, 0, 0};
		const char *refname[NPAIRS] = {NULL, NULL, NULL, NULL};
		const char *times = ss_params_text(pt->params, "times");
		int deterministic = times && !strcmp(times, "det");
		for (int r = 0; r < reps; r++) {
			ss_metrics m;
			ss_metrics_init(&m);
			ss_run_spec spec = {s->model, pt->params, ss_model_rep_seed(s->seed, r), s->warmup, s->duration, NULL};
			ss_run_info info;
			if (ss_model_run(&spec, &m, &info, err, sizeof err)) {
				SS_DIAG("%s point %zu replication %d failed: %s", name, i, r, err);
				ss_metrics_fini(&m);
				break;
			}
			for (int k = 0; k < NPAIRS; k++) {
				const ss_metric *a = ss_metrics_find(&m, pairs[k][0]), *b = ss_metrics_find(&m, pairs[k][1]);
				if (!b && k == 3 && deterministic) {
					b = ss_metrics_find(&m, "bound");
					refname[k] = "bound min(n, 1/f)";
				} else {
					refname[k] = pairs[k][1];
				}
				if (a && b) {
					v[k][have[k]++] = a->value;
					ref[k] = b->value;
				}
			}
			ss_metrics_fini(&m);
		}
		for (int k = 0; k < NPAIRS; k++) {
			if (!(want & 1u << k))
				continue;
			if (have[k] != reps) {
				SS_CHECK(0, "%s %s %s = %g: %s reported with its reference by %d of %d replications", name,
					 pt->series, s->x ? s->x : "point", pt->x, pairs[k][0], have[k], reps);
				continue;
			}
			double mean, half;
			ss_ci_t(v[k], (size_t)have[k], 0.99, &mean, &half);
			SS_CHECK_NEAR(mean, ref[k], half + 0.01 * fabs(ref[k]), "%s %s %s = %g: %s against %s", name, pt->series,
				      s->x ? s->x : "point", pt->x, pairs[k][0], refname[k]);
		}
	}
}

int main(void)
{
	gsl_set_error_handler_off();
	const char *src = getenv("SS_SRCDIR");
	static loaded ld[NFILES];
	/* Load every file first: the plan is the points times the outputs
	   each must check (one check for a file that does not load). */
	int plan = 0;
	for (size_t i = 0; i < NFILES; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/scenarios/validation/%s.cfg", src ? src : ".", files[i].name);
		if (ss_scenario_load(path, &ld[i].s, ld[i].err, sizeof ld[i].err) ||
		    ss_scenario_points(ld[i].s, &ld[i].pts, &ld[i].n, ld[i].err, sizeof ld[i].err) || ld[i].n == 0) {
			if (!ld[i].err[0])
				snprintf(ld[i].err, sizeof ld[i].err, "no points");
			ss_points_free(ld[i].pts, ld[i].n);
			ld[i].pts = NULL;
			ld[i].n = 0;
			plan++;
			continue;
		}
		plan += (int)ld[i].n * popcount(files[i].pairs);
	}
	ss_test_plan(plan);
	for (size_t i = 0; i < NFILES; i++) {
		if (!ld[i].pts) {
			SS_CHECK(0, "%s.cfg loads and expands (%s)", files[i].name, ld[i].err);
		} else {
			char name[64];
			snprintf(name, sizeof name, "%s.cfg", files[i].name);
			check_file(name, files[i].pairs, &ld[i]);
			ss_points_free(ld[i].pts, ld[i].n);
		}
		ss_scenario_free(ld[i].s);
	}
	return ss_test_done();
}
