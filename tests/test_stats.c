/* Tests of kernel/stats.c and kernel/metrics.c: known answers, coverage and
   warm-up detection on series with a known truth. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "ss_err.h"
#include "ss_metrics.h"
#include "ss_stats.h"
#include "ss_test.h"

/* Reference: mean and sample variance by the two-pass formula. */
static void two_pass(const double *x, size_t n, double *mean, double *var)
{
	double s = 0.0, ss = 0.0;
	size_t i;

	for (i = 0; i < n; i++)
		s += x[i];
	*mean = s / (double)n;
	for (i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*var = ss / (double)(n - 1);
}

static void test_tally(void)
{
	/* Population sd 2 / sample variance 32/7: the classic example. */
	static const double a[] = {2, 4, 4, 4, 5, 5, 7, 9};
	/* Large offset, small spread: the naive sum-of-squares formula loses
	   all digits here; variance 30 (Welford's / Knuth's test case). */
	static const double b[] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
	ss_tally t;
	double m, v;
	size_t i;

	ss_tally_reset(&t);
	SS_CHECK_NEAR(ss_tally_mean(&t), 0.0, 0.0, "empty tally has mean 0");
	SS_CHECK_NEAR(ss_tally_var(&t), 0.0, 0.0, "empty tally has variance 0");
	SS_CHECK(t.min == 0.0 && t.max == 0.0, "empty tally has min = max = 0");
	ss_tally_add(&t, -3.5);
	SS_CHECK_NEAR(ss_tally_var(&t), 0.0, 0.0, "one observation: variance 0");
	SS_CHECK(t.min == -3.5 && t.max == -3.5, "one observation: min = max = it");

	ss_tally_reset(&t);
	for (i = 0; i < sizeof a / sizeof a[0]; i++)
		ss_tally_add(&t, a[i]);
	two_pass(a, 8, &m, &v);
	SS_CHECK_INT(t.n, 8, "tally counts 8 observations");
	SS_CHECK_NEAR(ss_tally_mean(&t), 5.0, 1e-12, "Welford mean of {2,4,4,4,5,5,7,9}");
	SS_CHECK_NEAR(ss_tally_mean(&t), m, 1e-12, "Welford mean equals two-pass mean");
	SS_CHECK_NEAR(ss_tally_var(&t), 32.0 / 7.0, 1e-12, "Welford variance is 32/7");
	SS_CHECK_NEAR(ss_tally_var(&t), v, 1e-12, "Welford variance equals two-pass variance");
	SS_CHECK_NEAR(ss_tally_stddev(&t), sqrt(32.0 / 7.0), 1e-12, "stddev is sqrt(variance)");
	SS_CHECK(t.min == 2.0 && t.max == 9.0 && t.sum == 40.0, "min 2, max 9, sum 40");

	ss_tally_reset(&t);
	for (i = 0; i < 4; i++)
		ss_tally_add(&t, b[i]);
	two_pass(b, 4, &m, &v);
	SS_CHECK_NEAR(ss_tally_var(&t), 30.0, 1e-6, "Welford variance 30 around 1e9");
	SS_CHECK_NEAR(ss_tally_var(&t), v, 1e-6, "Welford equals two-pass around 1e9");
	SS_CHECK_NEAR(ss_tally_mean(&t), 1e9 + 10, 1e-6, "Welford mean around 1e9");
}

static void test_timeavg(void)
{
	ss_timeavg a;

	/* Step function: 0 on [0,10), 2 on [10,30), 3 on [30,40].
	   Area 0*10 + 2*20 + 3*10 = 70 over 40 ps: mean 1.75. */
	ss_timeavg_init(&a, 0, 0.0);
	SS_CHECK_NEAR(ss_timeavg_mean(&a, 0), 0.0, 0.0, "empty window: mean is the current value");
	ss_timeavg_set(&a, 10, 2.0);
	ss_timeavg_add(&a, 30, 1.0);
	SS_CHECK_NEAR(ss_timeavg_mean(&a, 40), 1.75, 1e-12, "time average of a known step function");
	SS_CHECK_NEAR(ss_timeavg_mean(&a, 40), 1.75, 1e-12, "asking twice does not change it");
	SS_CHECK_NEAR(ss_timeavg_mean(&a, 30), 40.0 / 30.0, 1e-12, "average up to the last change");
	SS_CHECK_NEAR(a.max, 3.0, 0.0, "max of the step function is 3");
	ss_timeavg_add(&a, 40, -3.0);
	SS_CHECK_NEAR(ss_timeavg_mean(&a, 80), 70.0 / 80.0, 1e-12, "value 0 after t=40 dilutes the area");

	/* Warm-up deletion: a new window keeps the current value only. */
	ss_timeavg_set(&a, 100, 5.0);
	ss_timeavg_reset(&a, 100);
	SS_CHECK_NEAR(ss_timeavg_mean(&a, 200), 5.0, 1e-12, "after reset, only the new window counts");
	ss_timeavg_set(&a, 150, 1.0);
	SS_CHECK_NEAR(ss_timeavg_mean(&a, 200), 3.0, 1e-12, "5 for 50 ps then 1 for 50 ps averages 3");

	/* Picosecond scale: one second at value 1 then one second at 0. */
	ss_timeavg_init(&a, 0, 1.0);
	ss_timeavg_set(&a, SS_PS_PER_S, 0.0);
	SS_CHECK_NEAR(ss_timeavg_mean(&a, 2 * SS_PS_PER_S), 0.5, 1e-12, "utilisation 0.5 over 2 s in ps");
}

static void test_t_quantiles(void)
{
	/* Reference values: Student's t table (e.g. NIST/SEMATECH e-Handbook
	   of Statistical Methods, 1.3.6.7.2), to 6 decimals as given by
	   R's qt(): qt(0.95,9), qt(0.975,9), qt(0.95,1), qt(0.95,7),
	   qt(0.995,30), qt(0.95,100). */
	SS_CHECK_NEAR(ss_t_quantile(0.90, 9), 1.833113, 1e-6, "t_{0.95,9}");
	SS_CHECK_NEAR(ss_t_quantile(0.95, 9), 2.262157, 1e-6, "t_{0.975,9}");
	SS_CHECK_NEAR(ss_t_quantile(0.90, 1), 6.313752, 1e-6, "t_{0.95,1}");
	SS_CHECK_NEAR(ss_t_quantile(0.90, 7), 1.894579, 1e-6, "t_{0.95,7}");
	SS_CHECK_NEAR(ss_t_quantile(0.99, 30), 2.749996, 1e-6, "t_{0.995,30}");
	SS_CHECK_NEAR(ss_t_quantile(0.90, 100), 1.660234, 1e-6, "t_{0.95,100}");
	SS_CHECK(isnan(ss_t_quantile(0.90, 0)), "df 0 gives NAN");
	SS_CHECK(isnan(ss_t_quantile(1.0, 5)) && isnan(ss_t_quantile(0.0, 5)) &&
		 isnan(ss_t_quantile(-0.5, 5)) && isnan(ss_t_quantile(NAN, 5)),
		 "level outside (0,1) gives NAN");
}

static void test_ci(void)
{
	static const double a[] = {2, 4, 4, 4, 5, 5, 7, 9};
	double mean = -1, half = -1;
	int rc;

	rc = ss_ci_t(a, 8, 0.90, &mean, &half);
	SS_CHECK_INT(rc, SS_OK, "ss_ci_t on 8 values");
	SS_CHECK_NEAR(mean, 5.0, 1e-12, "CI centre is the mean");
	/* t_{0.95,7} * sqrt(32/7) / sqrt(8) */
	SS_CHECK_NEAR(half, 1.894579 * sqrt(32.0 / 7.0) / sqrt(8.0), 1e-5, "90%% half-width by hand");
	rc = ss_ci_t(a, 1, 0.90, &mean, &half);
	SS_CHECK(rc == SS_OK && mean == 2.0 && half == 0.0, "one value: mean = it, half 0");
	SS_CHECK_INT(ss_ci_t(a, 0, 0.90, &mean, &half), SS_EINVAL, "n = 0 is SS_EINVAL");
	SS_CHECK_INT(ss_ci_t(a, 8, 1.0, &mean, &half), SS_EINVAL, "level 1 is SS_EINVAL");
	SS_CHECK_INT(ss_ci_t(a, 8, 0.0, &mean, &half), SS_EINVAL, "level 0 is SS_EINVAL");
	SS_CHECK_INT(ss_ci_t(a, 8, NAN, &mean, &half), SS_EINVAL, "level NaN is SS_EINVAL");
}

/* 2000 intervals of n = 10 normals at 90%: the fraction covering the true
   mean is binomial(2000, 0.9), sd 0.67%, so 90% +- 2% is a 3-sigma band. */
static void test_ci_coverage(void)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	const double mu = 3.0, sigma = 2.0;
	double x[10], mean, half;
	int trial, i, covered = 0, bad = 0;

	gsl_rng_set(r, 12345);
	for (trial = 0; trial < 2000; trial++) {
		for (i = 0; i < 10; i++)
			x[i] = mu + gsl_ran_gaussian(r, sigma);
		if (ss_ci_t(x, 10, 0.90, &mean, &half) != SS_OK)
			bad++;
		if (fabs(mean - mu) <= half)
			covered++;
	}
	SS_CHECK_INT(bad, 0, "2000 intervals computed");
	SS_CHECK_NEAR(covered / 2000.0, 0.90, 0.02, "90%% t interval covers the true mean");

	/* At 99% the same test must cover more often. */
	covered = 0;
	for (trial = 0; trial < 2000; trial++) {
		for (i = 0; i < 10; i++)
			x[i] = mu + gsl_ran_gaussian(r, sigma);
		ss_ci_t(x, 10, 0.99, &mean, &half);
		if (fabs(mean - mu) <= half)
			covered++;
	}
	SS_CHECK_NEAR(covered / 2000.0, 0.99, 0.01, "99%% t interval covers the true mean");
	gsl_rng_free(r);
}

static void test_batch_means(void)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	enum { N = 20000 };
	double *x = malloc(N * sizeof *x);
	double bm_mean, bm_half, iid_mean, iid_half, prev = 0.0;
	static const double ramp[] = {100, 1, 2, 3, 4, 5, 6}; /* 7 values */
	size_t i;

	/* AR(1) with phi = 0.9: the variance of the mean is (1+phi)/(1-phi)
	   = 19 times the iid value, so a correct interval is ~sqrt(19) = 4.4
	   times wider than one that ignores the correlation. */
	gsl_rng_set(r, 777);
	for (i = 0; i < N; i++) {
		prev = 0.9 * prev + gsl_ran_gaussian(r, 1.0);
		x[i] = 10.0 + prev;
	}
	SS_CHECK_INT(ss_batch_means(x, N, 20, 0.90, &bm_mean, &bm_half), SS_OK, "batch means on AR(1)");
	SS_CHECK_INT(ss_ci_t(x, N, 0.90, &iid_mean, &iid_half), SS_OK, "naive iid CI on AR(1)");
	SS_CHECK_NEAR(bm_mean, iid_mean, 1e-9, "same mean when batches divide n");
	SS_CHECK(bm_half > 2.5 * iid_half, "batch-means interval wider than iid (%g vs %g)",
		 bm_half, iid_half);
	SS_CHECK(fabs(bm_mean - 10.0) <= 2.0 * bm_half, "batch-means interval near the true mean 10");

	/* The remainder is dropped at the start: 7 values in 2 batches of 3
	   skip the leading 100, giving batch means 2 and 5. */
	SS_CHECK_INT(ss_batch_means(ramp, 7, 2, 0.90, &bm_mean, &bm_half), SS_OK, "7 values, 2 batches");
	SS_CHECK_NEAR(bm_mean, 3.5, 1e-12, "remainder dropped at the start");
	SS_CHECK_NEAR(bm_half, 6.313752 * sqrt(4.5) / sqrt(2.0), 1e-5, "half-width from the 2 batch means");
	SS_CHECK_INT(ss_batch_means(ramp, 7, 1, 0.90, &bm_mean, &bm_half), SS_EINVAL, "1 batch is SS_EINVAL");
	SS_CHECK_INT(ss_batch_means(ramp, 3, 4, 0.90, &bm_mean, &bm_half), SS_EINVAL, "n < batches is SS_EINVAL");
	free(x);
	gsl_rng_free(r);
}

static void test_mser5(void)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	enum { N = 2000 };
	double *x = malloc(N * sizeof *x);
	size_t i, d;
	int seed, ok_ramp = 0, ok_flat = 0;

	/* Several seeds so the check is not one lucky draw. */
	for (seed = 1; seed <= 10; seed++) {
		gsl_rng_set(r, (unsigned long)seed);
		/* Linear transient from 10 down to 0 over the first 200
		   observations, then iid N(0,1). */
		for (i = 0; i < N; i++)
			x[i] = (i < 200 ? 10.0 * (1.0 - i / 200.0) : 0.0) + gsl_ran_gaussian(r, 1.0);
		d = ss_mser5(x, N);
		if (d >= 150 && d <= 300 && d % 5 == 0)
			ok_ramp++;
		else
			SS_DIAG("seed %d: ramp truncation %zu", seed, d);
		for (i = 0; i < N; i++)
			x[i] = gsl_ran_gaussian(r, 1.0);
		d = ss_mser5(x, N);
		if (d <= N / 20)
			ok_flat++;
		else
			SS_DIAG("seed %d: stationary truncation %zu", seed, d);
	}
	SS_CHECK_INT(ok_ramp, 10, "MSER-5 truncates 150..300 after a 200-point ramp (10 seeds)");
	SS_CHECK(ok_flat >= 9, "MSER-5 truncates <= 5%% of a stationary series (%d/10 seeds)", ok_flat);

	for (i = 0; i < N; i++)
		x[i] = 4.0;
	SS_CHECK_INT(ss_mser5(x, N), 0, "constant series: no truncation");
	SS_CHECK_INT(ss_mser5(x, 9), 0, "n < 10: no truncation");
	/* A spike in the first batch only: truncating that batch removes
	   all the variance. */
	x[0] = 100.0;
	SS_CHECK_INT(ss_mser5(x, N), 5, "one bad first batch: truncate 5");
	free(x);
	gsl_rng_free(r);
}

static void test_precision(void)
{
	SS_CHECK(ss_precision_reached(10.0, 0.5, 0.05), "5%% reached exactly at the boundary");
	SS_CHECK(!ss_precision_reached(10.0, 0.6, 0.05), "6%% does not reach 5%%");
	SS_CHECK(ss_precision_reached(-10.0, 0.5, 0.05), "negative mean uses |mean|");
	SS_CHECK(ss_precision_reached(0.0, 0.0, 0.05), "zero mean, zero half: reached");
	SS_CHECK(!ss_precision_reached(0.0, 1e-12, 0.05), "zero mean, nonzero half: not reached");
	SS_CHECK(ss_precision_reached(3.0, 0.0, 0.0), "target 0 reached only by half 0");
	SS_CHECK(!ss_precision_reached(3.0, 1e-9, 0.0), "target 0 not reached by half > 0");
	SS_CHECK(!ss_precision_reached(NAN, 0.1, 0.05) && !ss_precision_reached(1.0, NAN, 0.05) &&
		 !ss_precision_reached(1.0, 0.01, NAN), "NaN anywhere: not reached");
	SS_CHECK(!ss_precision_reached(1.0, INFINITY, 0.05), "infinite half: not reached");
	SS_CHECK(!ss_precision_reached(1.0, 0.01, -0.1), "negative target: not reached");
}

static void test_metrics(void)
{
	ss_metrics m;
	const ss_metric *e;
	char name[SS_METRIC_NAME + 8];
	size_t i, cap;
	int ok = 1;

	ss_metrics_init(&m);
	SS_CHECK(m.n == 0 && ss_metrics_find(&m, "x") == NULL && m.bottleneck[0] == '\0',
		 "new set is empty");
	SS_CHECK_INT(ss_metrics_set(&m, "throughput", "Mbit/s", 12.5), SS_OK, "set throughput");
	SS_CHECK_INT(ss_metrics_set(&m, "latency", "us", 300.0), SS_OK, "set latency");
	SS_CHECK_INT(ss_metrics_set(&m, "cpu.util", NULL, 0.8), SS_OK, "set with NULL unit");
	e = ss_metrics_find(&m, "latency");
	SS_CHECK(e && e->value == 300.0 && strcmp(e->unit, "us") == 0, "find latency");
	e = ss_metrics_find(&m, "cpu.util");
	SS_CHECK(e && e->unit[0] == '\0', "NULL unit stored as empty");
	SS_CHECK(ss_metrics_find(&m, "throughpu") == NULL && ss_metrics_find(&m, NULL) == NULL,
		 "no prefix match, NULL name finds nothing");

	SS_CHECK_INT(ss_metrics_set(&m, "latency", "ms", 0.3), SS_OK, "replace latency");
	SS_CHECK_INT(m.n, 3, "replacing does not add");
	SS_CHECK(strcmp(m.v[1].name, "latency") == 0 && m.v[1].value == 0.3 &&
		 strcmp(m.v[1].unit, "ms") == 0, "replaced in place, order kept, unit updated");

	memset(name, 'a', sizeof name);
	name[SS_METRIC_NAME - 1] = '\0';
	SS_CHECK_INT(ss_metrics_set(&m, name, "", 1.0), SS_OK, "name of 63 bytes fits");
	name[SS_METRIC_NAME - 1] = 'a';
	name[SS_METRIC_NAME] = '\0';
	SS_CHECK_INT(ss_metrics_set(&m, name, "", 1.0), SS_EINVAL, "name of 64 bytes refused");
	SS_CHECK_INT(ss_metrics_set(&m, "", "", 1.0), SS_EINVAL, "empty name refused");
	SS_CHECK_INT(ss_metrics_set(&m, "u", "0123456789abcdef", 1.0), SS_EINVAL, "unit of 16 bytes refused");
	SS_CHECK_INT(m.n, 4, "refused names add nothing");

	/* Growth: 200 more metrics, all findable with their values. */
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof name, "m%zu", i);
		if (ss_metrics_set(&m, name, "x", (double)i) != SS_OK)
			ok = 0;
	}
	SS_CHECK(ok && m.n == 204 && m.cap >= 204, "grows to 204 metrics (cap %zu)", m.cap);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof name, "m%zu", i);
		e = ss_metrics_find(&m, name);
		if (!e || e->value != (double)i)
			ok = 0;
	}
	e = ss_metrics_find(&m, "throughput");
	SS_CHECK(ok && e && e->value == 12.5, "every metric intact after growth");

	strcpy(m.bottleneck, "cpu");
	m.bottleneck_util = 0.97;
	cap = m.cap;
	ss_metrics_clear(&m);
	SS_CHECK(m.n == 0 && m.cap == cap && m.bottleneck[0] == '\0' && m.bottleneck_util == 0.0,
		 "clear empties, keeps storage, forgets the bottleneck");
	SS_CHECK(ss_metrics_find(&m, "throughput") == NULL, "cleared set finds nothing");
	ss_metrics_fini(&m);
	SS_CHECK(m.v == NULL && m.n == 0 && m.cap == 0, "fini frees");
	ss_metrics_fini(&m); /* twice is harmless */
}

int main(void)
{
	gsl_set_error_handler_off();
	ss_test_plan(88);
	test_tally();
	test_timeavg();
	test_t_quantiles();
	test_ci();
	test_ci_coverage();
	test_batch_means();
	test_mser5();
	test_precision();
	test_metrics();
	return ss_test_done();
}
