/* Output statistics: tallies, time-weighted averages, t intervals, batch
   means and MSER-5 warm-up detection. */
#include "ss_stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "ss_err.h"

void ss_tally_reset(ss_tally *t)
{
	t->n = 0;
	t->mean = 0.0;
	t->m2 = 0.0;
	t->min = 0.0;
	t->max = 0.0;
	t->sum = 0.0;
}

/* Welford's update: the mean and the sum of squared deviations move by a
   correction term, so the variance never comes from the difference of two
   large, nearly equal sums (the textbook sum(x^2) - n*mean^2 loses every
   digit when the mean is large against the spread, e.g. times in ps). */
void ss_tally_add(ss_tally *t, double x)
{
	double delta;

	t->n++;
	if (t->n == 1) {
		t->min = x;
		t->max = x;
	} else {
		if (x < t->min)
			t->min = x;
		if (x > t->max)
			t->max = x;
	}
	delta = x - t->mean;
	t->mean += delta / (double)t->n;
	t->m2 += delta * (x - t->mean);
	t->sum += x;
}

double ss_tally_mean(const ss_tally *t)
{
	return t->n ? t->mean : 0.0;
}

double ss_tally_var(const ss_tally *t)
{
	if (t->n < 2)
		return 0.0;
	return t->m2 / (double)(t->n - 1);
}

double ss_tally_stddev(const ss_tally *t)
{
	return sqrt(ss_tally_var(t));
}

void ss_timeavg_init(ss_timeavg *a, ss_time now, double value)
{
	a->start = now;
	a->last = now;
	a->value = value;
	a->area = 0.0;
	a->max = value;
}

/* Closes the constant piece [last, now] into the area.  A change stamped
   before the last one would be a kernel bug (time never runs backwards);
   it is ignored rather than allowed to subtract area. */
static void timeavg_advance(ss_timeavg *a, ss_time now)
{
	if (now > a->last) {
		a->area += a->value * (double)(now - a->last);
		a->last = now;
	}
}

void ss_timeavg_set(ss_timeavg *a, ss_time now, double value)
{
	timeavg_advance(a, now);
	a->value = value;
	if (value > a->max)
		a->max = value;
}

void ss_timeavg_add(ss_timeavg *a, ss_time now, double delta)
{
	ss_timeavg_set(a, now, a->value + delta);
}

/* The open piece [last, now] is added on the fly so that asking for the
   mean does not change the accumulator. An empty window has no average
   yet; the current value is the only sensible answer. */
double ss_timeavg_mean(const ss_timeavg *a, ss_time now)
{
	double area = a->area;

	if (now <= a->start)
		return a->value;
	if (now > a->last)
		area += a->value * (double)(now - a->last);
	return area / (double)(now - a->start);
}

void ss_timeavg_reset(ss_timeavg *a, ss_time now)
{
	ss_timeavg_init(a, now, a->value);
}

/* Returns NAN for df == 0 or a level outside (0, 1), so a caller that
   forgot to check never gets an interval that looks valid. The inputs
   are checked here because GSL would otherwise call its error handler. */
double ss_t_quantile(double level, unsigned df)
{
	if (df == 0 || !(level > 0.0 && level < 1.0))
		return NAN;
	return gsl_cdf_tdist_Pinv(0.5 * (1.0 + level), (double)df);
}

int ss_ci_t(const double *x, size_t n, double level, double *mean, double *half)
{
	ss_tally t;
	size_t i;
	unsigned df;

	if (n == 0 || !x || !(level > 0.0 && level < 1.0))
		return SS_EINVAL;
	ss_tally_reset(&t);
	for (i = 0; i < n; i++)
		ss_tally_add(&t, x[i]);
	*mean = ss_tally_mean(&t);
	if (n < 2) {
		*half = 0.0;
		return SS_OK;
	}
	/* df is unsigned: beyond 4e9 observations t equals the normal
	   quantile to every printed digit, so clamping loses nothing. */
	df = n - 1 > 4000000000u ? 4000000000u : (unsigned)(n - 1);
	*half = ss_t_quantile(level, df) * ss_tally_stddev(&t) / sqrt((double)n);
	return SS_OK;
}

/* The remainder is dropped at the start, not the end, because the start
   is where any leftover warm-up bias lives. */
int ss_batch_means(const double *x, size_t n, size_t batches, double level,
		   double *mean, double *half)
{
	size_t size, skip, b, i;
	double *bm;
	int rc;

	if (batches < 2 || n < batches || !x)
		return SS_EINVAL;
	size = n / batches;
	skip = n - size * batches;
	bm = malloc(batches * sizeof *bm);
	if (!bm)
		return SS_ENOMEM;
	for (b = 0; b < batches; b++) {
		const double *p = x + skip + b * size;
		double s = 0.0;
		for (i = 0; i < size; i++)
			s += p[i];
		bm[b] = s / (double)size;
	}
	rc = ss_ci_t(bm, batches, level, mean, half);
	free(bm);
	return rc;
}

/* Mean of the 5 observations of batch d. */
static double mser_batch(const double *x, size_t d)
{
	const double *p = x + 5 * d;
	return (p[0] + p[1] + p[2] + p[3] + p[4]) / 5.0;
}

/* MSER-5. With k batch means z[0..k-1], the statistic for truncating d
   batches is  sum_{j>=d} (z_j - zbar_d)^2 / (k - d)^2 , i.e. the squared
   standard error of the remaining mean up to a constant. It is computed
   for every d in one backward sweep, adding z[d] to a Welford tally of
   the suffix, so the cost is O(k), nothing is allocated and the sums stay
   accurate. Only d <= k/2 is eligible: a minimum in the second half says
   the run is too short to have settled, and truncating most of it would
   be worse. Ties keep the smallest d, so a flat series is not truncated.
   The remainder of n/5 is dropped at the end so that batch boundaries line
   up with the start, which is what is being truncated. */
size_t ss_mser5(const double *x, size_t n)
{
	size_t k, d, best_d = 0;
	double best = INFINITY, mean = 0.0, m2 = 0.0;

	if (n < 10 || !x)
		return 0;
	k = n / 5;
	for (d = k; d-- > 0;) {
		double m = (double)(k - d); /* batches in the suffix z[d..k-1] */
		double z = mser_batch(x, d);
		double delta = z - mean;
		mean += delta / m;
		m2 += delta * (z - mean);
		if (d <= k / 2) {
			double stat = m2 / (m * m);
			if (stat <= best) {
				best = stat;
				best_d = d;
			}
		}
	}
	return 5 * best_d;
}

int ss_precision_reached(double mean, double half, double target)
{
	if (isnan(mean) || isnan(half) || isnan(target) || half < 0.0 || target < 0.0)
		return 0;
	if (mean == 0.0)
		return half == 0.0;
	return half / fabs(mean) <= target;
}
