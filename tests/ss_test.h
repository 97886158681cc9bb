/* Minimal TAP test harness: one "ok"/"not ok" line per check, values printed
   on failure, plan printed at the end (TAP allows a trailing plan). */
#ifndef SS_TEST_H
#define SS_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int ss_test_n, ss_test_failed;

#define SS_CHECK(cond, ...)                                                  \
	do {                                                                 \
		int ok_ = (cond) ? 1 : 0;                                    \
		ss_test_n++;                                                 \
		printf("%s %d - ", ok_ ? "ok" : "not ok", ss_test_n);        \
		printf(__VA_ARGS__);                                         \
		printf("\n");                                                \
		if (!ok_) {                                                  \
			ss_test_failed++;                                    \
			printf("#   failed at %s:%d: %s\n", __FILE__,        \
			       __LINE__, #cond);                             \
		}                                                            \
		fflush(stdout);                                              \
	} while (0)

/* |got - want| <= tol; prints both on failure. */
#define SS_CHECK_NEAR(got, want, tol, ...)                                   \
	do {                                                                 \
		double g_ = (got), w_ = (want), t_ = (tol);                  \
		int ok_ = fabs(g_ - w_) <= t_;                               \
		ss_test_n++;                                                 \
		printf("%s %d - ", ok_ ? "ok" : "not ok", ss_test_n);        \
		printf(__VA_ARGS__);                                         \
		printf(" (got %.6g, want %.6g +- %.3g)\n", g_, w_, t_);      \
		if (!ok_) {                                                  \
			ss_test_failed++;                                    \
			printf("#   failed at %s:%d\n", __FILE__, __LINE__);     \
		}                                                            \
		fflush(stdout);                                              \
	} while (0)

#define SS_CHECK_INT(got, want, ...)                                         \
	do {                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);     \
		int ok_ = g_ == w_;                                          \
		ss_test_n++;                                                 \
		printf("%s %d - ", ok_ ? "ok" : "not ok", ss_test_n);        \
		printf(__VA_ARGS__);                                         \
		if (!ok_)                                                    \
			printf(" (got %lld, want %lld)", g_, w_);            \
		printf("\n");                                                \
		if (!ok_) {                                                  \
			ss_test_failed++;                                    \
			printf("#   failed at %s:%d\n", __FILE__, __LINE__);     \
		}                                                            \
		fflush(stdout);                                              \
	} while (0)

#define SS_DIAG(...)                                                         \
	do {                                                                 \
		printf("# ");                                                \
		printf(__VA_ARGS__);                                         \
		printf("\n");                                                \
	} while (0)

/* Call at the end of main: prints the plan, exit status 1 if any failed. */
static inline int ss_test_done(void)
{
	printf("1..%d\n", ss_test_n);
	return ss_test_failed ? 1 : 0;
}

#endif
