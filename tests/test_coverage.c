/* Coverage of the validation scenarios' confidence intervals: for one
   point of every stochastic scenario in scenarios/validation/, run many
   independent sets of replications exactly as `secsim run` does (the
   scenario's warm-up, duration, replications and level), build each
   set's Student-t interval, and count how often it covers the closed
   form. A sound estimator covers at the nominal level; a biased one
   (initial transient, responses lost at the window end, correlated
   replications) covers less.

   Seeds: set k of case c has base seed ss_model_rep_seed(ss_model_rep_seed(
   COV_SEED, c), k), so no two sets and no two cases share random numbers
   (a sweep's points do share them, which is why one sweep's misses move
   together and cannot be counted as independent). COV_SEED is fixed once
   and for all; it is never changed to make a figure pass.

   Points: the highest load of each scenario, where the transient and the
   window-end effects are largest. Runs: the scenario's warm-up,
   replications and level, and half its measured window. Those biases
   are O(1/T) in the mean while its standard error is O(1/sqrt(T)), so a
   shorter window shows them more, not less; half the window is still 50
   relaxation times or more at every point (M/M/1 at 0.9: 1/(mu (1 -
   sqrt(rho))^2) = 380 s against 20000 s), so the replication means stay
   close to normal. Sets: 100 per case, which keeps the test near 25 s of
   processor time, and still separates 90% from a real bias: the 99.9%
   binomial band for 100 sets is [79, 98] (computed below), so a coverage
   of 78% or less, i.e. a bias of about one standard error of the set
   mean, fails. The negative control at the end (M/M/1 at load 0.9
   started empty with no warm-up, a bias of about -10%) shows that the
   check does fail when a bias is there. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "ss_err.h"
#include "ss_model.h"
#include "ss_scenario.h"
#include "ss_stats.h"
#include "ss_test.h"

#define COV_SEED UINT64_C(20260601)
#define SETS 100
/* Measured windows are half the shipped ones (warm-ups as shipped); see
   the top of the file for why that is the stricter test. */
#define WINDOW_SCALE 0.5
#define MAX_REPS 64
/* Two-sided level of each band: 99.9%, so the sixteen band and bias
   checks below together raise a false alarm with probability under 2%. */
#define BAND 0.999

typedef struct cov_case {
	const char *file;            /* scenarios/validation/FILE.cfg */
	const char *set[4];          /* overrides choosing the point, NULL-ended */
	const char *metric[2];       /* metrics checked (the second may be NULL) */
	const char *theory[2];       /* the closed form the model reports beside each */
} cov_case;

typedef struct cov_result {
	int ok;                      /* every run succeeded */
	int covered, low, high;      /* sets whose interval covers / lies below / above */
	double bias, bias_se;        /* mean relative error of the set means, and its s.e. */
	double level;
} cov_result;

/* [lo, hi]: the central `band` interval of binomial(n, p). */
static void binomial_band(int n, double p, double band, int *lo, int *hi)
{
	double tail = (1 - band) / 2;
	*lo = 0;
	while (*lo < n && gsl_cdf_binomial_P((unsigned)*lo, p, (unsigned)n) <= tail)
		(*lo)++;
	*hi = *lo;
	while (*hi < n && gsl_cdf_binomial_P((unsigned)*hi, p, (unsigned)n) < 1 - tail)
		(*hi)++;
}

static ss_scenario *load_case(const cov_case *c, const char *const *set_extra, ss_point **pts)
{
	const char *src = getenv("SS_SRCDIR");
	char path[1024], err[1024];
	snprintf(path, sizeof path, "%s/scenarios/validation/%s.cfg", src ? src : ".", c->file);
	ss_scenario *s = NULL;
	if (ss_scenario_load(path, &s, err, sizeof err)) {
		SS_CHECK(0, "%s loads (%s)", path, err);
		return NULL;
	}
	int rc = SS_OK;
	for (size_t i = 0; rc == SS_OK && c->set[i]; i++)
		rc = ss_scenario_set(s, c->set[i], err, sizeof err);
	for (size_t i = 0; rc == SS_OK && set_extra && set_extra[i]; i++)
		rc = ss_scenario_set(s, set_extra[i], err, sizeof err);
	size_t n = 0;
	if (rc == SS_OK)
		rc = ss_scenario_points(s, pts, &n, err, sizeof err);
	if (rc != SS_OK || n != 1 || s->replications < 2 || s->replications > MAX_REPS) {
		SS_CHECK(0, "%s: the overrides select one point of 2..%d replications (%s)", c->file, MAX_REPS,
			 rc ? err : "wrong count");
		if (rc == SS_OK)
			ss_points_free(*pts, n);
		ss_scenario_free(s);
		return NULL;
	}
	return s;
}

/* Runs SETS sets of the scenario's replications for case number ci and
   fills res[0..1] (one per metric). Returns 0 when every run succeeded. */
static int run_case(const cov_case *c, int ci, const char *const *set_extra, double window_scale, cov_result res[2])
{
	memset(res, 0, 2 * sizeof *res);
	ss_point *pt = NULL;
	ss_scenario *s = load_case(c, set_extra, &pt);
	if (!s)
		return -1;
	int reps = s->replications;
	double sum[2] = {0, 0}, sum2[2] = {0, 0};
	char err[1024];
	uint64_t case_seed = ss_model_rep_seed(COV_SEED, ci);
	int failed = 0;
	for (int k = 0; k < SETS && !failed; k++) {
		uint64_t base = ss_model_rep_seed(case_seed, k);
		double v[2][MAX_REPS], th[2] = {NAN, NAN};
		for (int r = 0; r < reps && !failed; r++) {
			ss_metrics m;
			ss_metrics_init(&m);
			ss_run_spec spec = {s->model, pt->params, ss_model_rep_seed(base, r), s->warmup,
					    window_scale * s->duration, NULL};
			ss_run_info info;
			if (ss_model_run(&spec, &m, &info, err, sizeof err)) {
				SS_CHECK(0, "%s set %d replication %d runs (%s)", c->file, k, r, err);
				failed = 1;
			}
			for (int q = 0; q < 2 && !failed && c->metric[q]; q++) {
				const ss_metric *a = ss_metrics_find(&m, c->metric[q]);
				const ss_metric *b = ss_metrics_find(&m, c->theory[q]);
				if (!a || !b || !isfinite(a->value) || !(b->value > 0)) {
					SS_CHECK(0, "%s reports %s and a positive %s", c->file, c->metric[q], c->theory[q]);
					failed = 1;
					break;
				}
				v[q][r] = a->value;
				th[q] = b->value;
			}
			ss_metrics_fini(&m);
		}
		for (int q = 0; q < 2 && !failed && c->metric[q]; q++) {
			double mean, half;
			if (ss_ci_t(v[q], (size_t)reps, s->level, &mean, &half)) {
				SS_CHECK(0, "%s: interval computed", c->file);
				failed = 1;
				break;
			}
			if (mean + half < th[q])
				res[q].low++;
			else if (mean - half > th[q])
				res[q].high++;
			else
				res[q].covered++;
			double rel = (mean - th[q]) / th[q];
			sum[q] += rel;
			sum2[q] += rel * rel;
		}
	}
	for (int q = 0; q < 2; q++) {
		res[q].ok = !failed;
		res[q].level = s->level;
		res[q].bias = sum[q] / SETS;
		double var = (sum2[q] - SETS * res[q].bias * res[q].bias) / (SETS - 1);
		res[q].bias_se = sqrt(var > 0 ? var / SETS : 0);
	}
	ss_points_free(pt, 1);
	ss_scenario_free(s);
	return failed ? -1 : 0;
}

/* z of the two-sided BAND normal test on the mean relative error: the
   mean of SETS independent set means is normal to a good approximation
   (central limit over 100 sets), so a bias beyond z standard errors is
   real at the band's risk. */
static double band_z(void) { return gsl_cdf_ugaussian_Pinv(0.5 + BAND / 2); }

/* "file key=value ...": the case as a reader can rerun it. */
static const char *label(const cov_case *c)
{
	static char buf[256];
	size_t len = (size_t)snprintf(buf, sizeof buf, "%s", c->file);
	for (size_t i = 0; c->set[i] && len < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, " %s", c->set[i]);
	return buf;
}

static void report(const cov_case *c, const char *metric, const cov_result *r)
{
	SS_DIAG("%s: %s: %d/%d intervals cover (%d below, %d above); mean relative error %+.3f%% (s.e. %.3f%%)",
		label(c), metric, r->covered, SETS, r->low, r->high, 100 * r->bias, 100 * r->bias_se);
}

static const cov_case cases[] = {
	{"mm1", {"arrival_rate=0.9", NULL}, {"W", NULL}, {"W_theory", NULL}},
	/* Servers and arrival rate are swept together: fix both. */
	{"mmc", {"servers=4", "arrival_rate=3.2", NULL}, {"W", NULL}, {"W_theory", NULL}},
	{"md1", {"arrival_rate=0.9", "service=det(1)", NULL}, {"W", NULL}, {"W_theory", NULL}},
	{"bus", {"arrival_rate=9e5", "bus_arbitration=ps", "service=det(1)", NULL}, {"W", NULL}, {"W_theory", NULL}},
	{"bus", {"arrival_rate=9e5", "bus_arbitration=fifo", "service=exp(1)", NULL}, {"W", NULL}, {"W_theory", NULL}},
	/* The knee n* = 6: both outputs of the same runs. */
	{"closed", {"customers=6", NULL}, {"X", "R"}, {"X_theory", "R_theory"}},
	{"amdahl_exp", {"processors=8", NULL}, {"speedup", NULL}, {"speedup_theory", NULL}},
};

/* Deterministic times draw no random numbers: every replication of the
   lock-bound scenario is the same run, the interval has width 0 and
   coverage does not apply (tests/test_validation holds it to the bound).
   Checked here so that the claim stays true. */
static void check_deterministic(void)
{
	static const cov_case det = {"amdahl", {"processors=16", NULL}, {"speedup", NULL}, {"bound", NULL}};
	ss_point *pt = NULL;
	ss_scenario *s = load_case(&det, NULL, &pt);
	if (!s)
		return;
	char err[1024];
	double v[3];
	int ok = 1;
	for (int r = 0; r < 3 && ok; r++) {
		ss_metrics m;
		ss_metrics_init(&m);
		ss_run_spec spec = {s->model, pt->params, ss_model_rep_seed(COV_SEED, 1000 + r), s->warmup, s->duration,
				    NULL};
		ss_run_info info;
		const ss_metric *a = NULL;
		if (ss_model_run(&spec, &m, &info, err, sizeof err) || !(a = ss_metrics_find(&m, "speedup")))
			ok = 0;
		else
			v[r] = a->value;
		ss_metrics_fini(&m);
	}
	SS_CHECK(ok, "amdahl (deterministic) runs with three seeds");
	if (ok)
		SS_CHECK(v[0] == v[1] && v[1] == v[2], "amdahl (deterministic): replications are identical (%.9g %.9g %.9g)",
			 v[0], v[1], v[2]);
	ss_points_free(pt, 1);
	ss_scenario_free(s);
}

int main(void)
{
	ss_test_plan(20);
	gsl_set_error_handler_off();
	int lo, hi;
	binomial_band(SETS, 0.90, BAND, &lo, &hi);
	double z = band_z();
	SS_DIAG("%d sets per case; 99.9%% binomial band for 90%% coverage: [%d, %d]; bias test at %.2f s.e.", SETS,
		lo, hi, z);

	int pooled = 0, pooled_n = 0;
	for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
		const cov_case *c = &cases[ci];
		cov_result res[2];
		if (run_case(c, (int)ci, NULL, WINDOW_SCALE, res))
			continue; /* the failure was reported as a failed check */
		for (int q = 0; q < 2 && c->metric[q]; q++) {
			const cov_result *r = &res[q];
			int clo, chi;
			binomial_band(SETS, r->level, BAND, &clo, &chi);
			report(c, c->metric[q], r);
			SS_CHECK(r->covered >= clo && r->covered <= chi, "%s: %s: %d of %d %.0f%% intervals cover %s, band [%d, %d]",
				 label(c), c->metric[q], r->covered, SETS, 100 * r->level, c->theory[q], clo, chi);
			SS_CHECK(fabs(r->bias) <= z * r->bias_se, "%s: %s: mean relative error %+.3f%% within %.2f s.e. (%.3f%%)",
				 label(c), c->metric[q], 100 * r->bias, z, 100 * r->bias_se);
		}
		pooled += res[0].covered;
		pooled_n += SETS;
	}
	/* Pooled, for the record only: the t interval assumes normal
	   replication means, and at high load the means are right-skewed, so
	   the cases' true coverage sits a little under 90% (87.7% for M/D/1
	   at 0.9 over 800 sets, mean unbiased). A pooled band of 700 trials
	   would test that normality, not a bias, and fail by chance. */
	SS_DIAG("all cases (one output each): %d of %d intervals cover", pooled, pooled_n);

	check_deterministic();

	/* Negative control: the same check on an estimator known to be
	   biased (M/M/1 at 0.9 started empty, no warm-up, a window of 1000 s,
	   about 2.6 relaxation times) must fail. */
	static const char *const no_warmup[] = {"warmup=0", "duration=1000", NULL};
	cov_result res[2];
	if (run_case(&cases[0], 1000, no_warmup, 1.0, res) == 0) {
		report(&cases[0], "W without warm-up", &res[0]);
		SS_CHECK(res[0].covered < lo, "control: without warm-up the M/M/1 intervals undercover (%d < %d)",
			 res[0].covered, lo);
		SS_CHECK(res[0].bias < -z * res[0].bias_se, "control: without warm-up the bias is detected (%+.3f%%, s.e. %.3f%%)",
			 100 * res[0].bias, 100 * res[0].bias_se);
	}
	return ss_test_done();
}
