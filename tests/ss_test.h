/* Minimal TAP test harness: one "ok"/"not ok" line per check, values printed
   on failure. Each test declares its number of checks first
   (ss_test_plan), so the plan leads the output: a check that never ran,
   because a branch skipped it or the program stopped early, makes the
   test fail (here and in the TAP driver), instead of shrinking the plan. */
#ifndef SS_TEST_H
#define SS_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int ss_test_n, ss_test_failed, ss_test_planned = -1;

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

/* Setup a test cannot go on without (an allocation through the
   ss_x_alloc(&out, ...) convention): when expr is not 0 (SS_OK), prints a
   TAP "Bail out!" naming the call and its status and exits. */
#define SS_MUST(expr)                                                        \
	do {                                                                 \
		int must_ = (expr);                                          \
		if (must_ != 0) {                                            \
			printf("Bail out! %s:%d: %s returned %d\n", __FILE__, \
			       __LINE__, #expr, must_);                      \
			fflush(stdout);                                      \
			exit(1);                                             \
		}                                                            \
	} while (0)

/* dir/name in a rotating static buffer (a few live at once). */
static inline const char *ss_test_path(const char *dir, const char *name)
{
	static char buf[8][1024];
	static int k;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

/* Writes text to path; 0 on success. */
static inline int ss_test_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* The whole file, malloc'd and NUL-terminated (NULL if unreadable). */
static inline char *ss_test_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0, r;
	char *p = malloc(cap);
	while (p && (r = fread(p + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *np = realloc(p, cap *= 2);
			if (!np)
				free(p);
			p = np;
		}
	}
	fclose(f);
	if (p)
		p[n] = '\0';
	return p;
}

/* Call first in main: the number of checks the test will run. */
static inline void ss_test_plan(int n)
{
	ss_test_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Counts n checks that cannot run here (a tool is missing) as skipped,
   so that the plan still holds; say why. */
#define SS_SKIP(n, ...)                                                      \
	do {                                                                 \
		for (int s_ = 0; s_ < (n); s_++) {                           \
			printf("ok %d - # SKIP ", ++ss_test_n);              \
			printf(__VA_ARGS__);                                 \
			printf("\n");                                        \
		}                                                            \
		fflush(stdout);                                              \
	} while (0)

/* Call at the end of main: exit status 1 if any check failed, no plan
   was declared, or the checks run differ from the plan. */
static inline int ss_test_done(void)
{
	if (ss_test_planned < 0) {
		printf("not ok %d - the test declares its plan (ss_test_plan)\n", ++ss_test_n);
		printf("1..%d\n", ss_test_n);
		return 1;
	}
	if (ss_test_n != ss_test_planned) {
		printf("# planned %d checks, ran %d\n", ss_test_planned, ss_test_n);
		return 1;
	}
	return ss_test_failed ? 1 : 0;
}

#endif
