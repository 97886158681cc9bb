/* Output statistics: tallies, time-weighted averages, confidence intervals,
   batch means and MSER-5 warm-up detection. */
#ifndef SS_STATS_H
#define SS_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "ss_time.h"

/* Tally of observations (Welford's update: numerically stable). */
typedef struct ss_tally {
	uint64_t n;   /* observations */
	double mean;  /* running mean */
	double m2;    /* sum of squared deviations from the mean */
	double min;   /* smallest observation (0 when n == 0) */
	double max;   /* largest observation (0 when n == 0) */
	double sum;   /* sum of observations */
} ss_tally;

void ss_tally_reset(ss_tally *t);
void ss_tally_add(ss_tally *t, double x);
double ss_tally_mean(const ss_tally *t);     /* 0 when empty */
double ss_tally_var(const ss_tally *t);      /* sample variance (n-1); 0 when n < 2 */
double ss_tally_stddev(const ss_tally *t);

/* Time-weighted average of a piecewise-constant quantity (queue length,
   busy servers). */
typedef struct ss_timeavg {
	ss_time start;   /* start of the observation window, ps */
	ss_time last;    /* time of the last change, ps */
	double value;    /* current value */
	double area;     /* integral of value over [start, last], value*ps */
	double max;      /* largest value seen in the window */
} ss_timeavg;

void ss_timeavg_init(ss_timeavg *a, ss_time now, double value);
void ss_timeavg_set(ss_timeavg *a, ss_time now, double value);  /* value changes at now */
void ss_timeavg_add(ss_timeavg *a, ss_time now, double delta);  /* value += delta at now */
double ss_timeavg_mean(const ss_timeavg *a, ss_time now);       /* average over [start, now] */
void ss_timeavg_reset(ss_timeavg *a, ss_time now);              /* new window from now, keeps value */

/* Confidence interval from Student's t (GSL) for the mean of n independent
   observations x[0..n-1] at the two-sided level (e.g. 0.90).
   Sets *mean and *half (half-width); *half is 0 when n < 2.
   Returns 0, or SS_EINVAL for n == 0 or a level outside (0, 1). */
int ss_ci_t(const double *x, size_t n, double level, double *mean, double *half);

/* Student's t quantile used by ss_ci_t: t_{(1+level)/2, df}.
   NAN for df == 0 or a level outside (0, 1). */
double ss_t_quantile(double level, unsigned df);

/* Batch means: split x[0..n-1] into `batches` equal contiguous batches
   (dropping the remainder at the start), and give the CI of the batch means.
   Returns SS_EINVAL when batches < 2 or n < batches. */
int ss_batch_means(const double *x, size_t n, size_t batches, double level,
		   double *mean, double *half);

/* MSER-5 warm-up detection (White 1997; White, Cobb & Spratt 2000):
   average x in batches of 5, choose the truncation d (in batches) that
   minimises the marginal standard error of the remaining batch means,
   searching only the first half of the batches (ties keep the smaller
   truncation; the n % 5 remainder at the end is ignored). Returns the
   number of raw observations to delete (a multiple of 5). Returns 0 when
   n < 10. */
size_t ss_mser5(const double *x, size_t n);

/* True when half/|mean| <= target (relative precision reached);
   a zero mean counts as reached only when half is 0. */
int ss_precision_reached(double mean, double half, double target);

#endif
