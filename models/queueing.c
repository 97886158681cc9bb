/* Closed-form queueing results. */
#include "ss_queueing.h"

#include <math.h>

double ss_qt_erlang_c(int c, double a)
{
	if (c < 1 || !(a >= 0) || a >= c)
		return NAN;
	/* Erlang B by its stable recurrence, then C from B. */
	double b = 1.0;
	for (int k = 1; k <= c; k++)
		b = a * b / (k + a * b);
	return c * b / (c - a * (1 - b));
}

double ss_qt_mmc_response(double lambda, double s, int c)
{
	double a = lambda * s;
	double pw = ss_qt_erlang_c(c, a);
	if (isnan(pw))
		return NAN;
	return pw * s / (c - a) + s;
}

double ss_qt_mg1_response(double lambda, double s, double scv)
{
	double rho = lambda * s;
	if (!(rho < 1) || rho < 0 || scv < 0)
		return NAN;
	return s + rho * s * (1 + scv) / (2 * (1 - rho));
}

double ss_qt_ps_response(double lambda, double s)
{
	double rho = lambda * s;
	if (!(rho < 1) || rho < 0)
		return NAN;
	return s / (1 - rho);
}

void ss_qt_mva(int n, double d, double z, double *x, double *r)
{
	double q = 0, xx = 0, rr = 0;
	for (int k = 1; k <= n; k++) {
		rr = d * (1 + q);
		xx = k / (rr + z);
		q = xx * rr;
	}
	*x = xx;
	*r = rr;
}

double ss_qt_lock_bound(int n, double p, double s)
{
	double a = n / (p + s), b = s > 0 ? 1 / s : INFINITY;
	return a < b ? a : b;
}

double ss_qt_amdahl(int n, double f)
{
	return 1.0 / (f + (1 - f) / n);
}
