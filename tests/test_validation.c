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

static void check_file(const char *path)
{
	ss_scenario *s = NULL;
	char err[1024];
	if (ss_scenario_load(path, &s, err, sizeof err)) {
		SS_CHECK(0, "%s loads (%s)", path, err);
		return;
	}
	ss_point *pts = NULL;
	size_t n = 0;
	ss_scenario_points(s, &pts, &n, err, sizeof err);
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int reps = s->replications;
	for (size_t i = 0; i < n; i++) {
		double v[4][128], th[4] = {NAN, NAN, NAN, NAN}, bound = NAN;
		int have[4] = {0, 0, 0, 0};
		int deterministic = !strcmp(ss_params_text(pts[i].params, "times") ? ss_params_text(pts[i].params, "times") : "", "det");
		for (int r = 0; r < reps && r < 128; r++) {
			ss_metrics m;
			ss_metrics_init(&m);
			ss_run_spec spec = {s->model, pts[i].params, ss_model_rep_seed(s->seed, r), s->warmup, s->duration, NULL};
			ss_run_info info;
			if (ss_model_run(&spec, &m, &info, err, sizeof err)) {
				SS_CHECK(0, "%s point %zu runs (%s)", name, i, err);
				ss_metrics_fini(&m);
				break;
			}
			for (int k = 0; k < 4; k++) {
				const ss_metric *a = ss_metrics_find(&m, pairs[k][0]), *b = ss_metrics_find(&m, pairs[k][1]);
				if (a && b) {
					v[k][r] = a->value;
					th[k] = b->value;
					have[k]++;
				}
				if (k == 3 && a && deterministic) {
					const ss_metric *bd = ss_metrics_find(&m, "bound");
					v[k][r] = a->value;
					if (bd)
						bound = bd->value;
					have[k] += !b;
				}
			}
			ss_metrics_fini(&m);
		}
		for (int k = 0; k < 4; k++) {
			if (have[k] < 2)
				continue;
			double mean, half;
			ss_ci_t(v[k], (size_t)have[k], 0.99, &mean, &half);
			double want = isfinite(th[k]) ? th[k] : bound;
			const char *what = isfinite(th[k]) ? pairs[k][1] : "bound min(n, 1/f)";
			SS_CHECK_NEAR(mean, want, half + 0.01 * fabs(want), "%s %s %s = %g: %s against %s", name, pts[i].series,
				      s->x ? s->x : "point", pts[i].x, pairs[k][0], what);
		}
	}
	ss_points_free(pts, n);
	ss_scenario_free(s);
}

int main(void)
{
	gsl_set_error_handler_off();
	const char *src = getenv("SS_SRCDIR");
	static const char *const files[] = {"mm1", "mmc", "md1", "bus", "closed", "amdahl", "amdahl_exp"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/scenarios/validation/%s.cfg", src ? src : ".", files[i]);
		check_file(path);
	}
	return ss_test_done();
}
