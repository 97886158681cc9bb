/* Simulated time: integer picoseconds (exact, deterministic, ~106 days). */
#ifndef SS_TIME_H
#define SS_TIME_H

#include <stdint.h>

typedef int64_t ss_time; /* picoseconds of simulated time, never wall time */

#define SS_TIME_MAX INT64_MAX
#define SS_PS_PER_NS INT64_C(1000)
#define SS_PS_PER_US INT64_C(1000000)
#define SS_PS_PER_MS INT64_C(1000000000)
#define SS_PS_PER_S INT64_C(1000000000000)

static inline int ss_time_cmp(ss_time a, ss_time b) { return (a > b) - (a < b); }

/* Saturating add: a timer at "never" stays at never. */
static inline ss_time ss_time_add(ss_time a, ss_time b)
{
	if (b > 0 && a > SS_TIME_MAX - b)
		return SS_TIME_MAX;
	return a + b;
}

/* Conversions round to the nearest picosecond; negative or NaN inputs
   give 0 (callers validate user input before converting). */
static inline ss_time ss_time_from_s(double s)
{
	double ps = s * 1e12;
	if (!(ps > 0.0))
		return 0;
	if (ps >= 9.2e18)
		return SS_TIME_MAX;
	return (ss_time)(ps + 0.5);
}
static inline ss_time ss_time_from_us(double us) { return ss_time_from_s(us * 1e-6); }
static inline double ss_time_to_s(ss_time t) { return (double)t * 1e-12; }
static inline double ss_time_to_us(ss_time t) { return (double)t * 1e-6; }

/* Time to move `bytes` at `bits_per_s`. */
static inline ss_time ss_time_bytes_at(double bytes, double bits_per_s)
{
	return ss_time_from_s(bytes * 8.0 / bits_per_s);
}

#endif
