/* Checks of a paper's claims (reference/claims.md) against a study's
   results database. Every check prints one verdict line:

     PASS   a model output matched the paper;
     FAIL   it did not, or an input check found its inputs inconsistent;
     XFAIL  it did not, and the study lists why (a known deviation);
     XPASS  a listed deviation now matches: counted as a failure, so a
            changed model cannot pass silently;
     INPUT  the check re-reads inputs (the paper's own numbers the model
            is built from) and found them consistent: it shows that the
            inputs are in, not that the model reproduces anything;
     INFO   not a result this simulator can check (discussion, background).

   Output and input checks are counted apart. Tolerances and their
   reasons: reference/tolerances.md. */
#ifndef SS_CLAIMS_H
#define SS_CLAIMS_H

#include <stddef.h>
#include <stdio.h>

#include "ss_err.h"

struct ss_db;

typedef struct ss_claims_result {
	int pass;       /* output checks that matched */
	int fail;       /* output checks that did not */
	int xfail;      /* output checks that did not, as listed */
	int xpass;      /* output checks listed as not matching that matched */
	int input;      /* input checks, consistent */
	int input_fail; /* input checks, inconsistent */
	int info;       /* not checkable here */
} ss_claims_result;

/* A known deviation: the check `id` (as printed) fails for this reason. */
typedef struct ss_claims_known {
	const char *id, *why;
} ss_claims_known;

typedef struct ss_claims ss_claims;

/* A checker in *out whose verdicts go to `f`; `db` may be NULL (every
   point is then missing); `known` (may be NULL) must outlive the checker.
   Returns SS_OK, SS_ENOMEM, or SS_EINVAL when out or f is NULL (*out is
   NULL on failure). */
int ss_claims_alloc(ss_claims **out, struct ss_db *db, FILE *f, const ss_claims_known *known, size_t nknown);
void ss_claims_free(ss_claims *c); /* NULL is a no-op */

/* A point's mean and confidence interval (lo, hi may be NULL), NAN when
   the database lacks it; a point of one replication has lo = hi = mean. */
double ss_claims_point(ss_claims *c, const char *figure, const char *series, const char *metric, double x, double *lo,
		       double *hi);
/* A reference value by id, NAN when absent. */
double ss_claims_ref(ss_claims *c, const char *id);
/* The same in milliseconds, from its unit column (s, ms or us): NAN
   when absent or in another unit. */
double ss_claims_ref_ms(ss_claims *c, const char *id);

/* ok: the condition held. A NAN among its values must make ok false. */
void ss_claims_output(ss_claims *c, const char *id, int ok, const char *fmt, ...) SS_PRINTF(4, 5);
void ss_claims_input(ss_claims *c, const char *id, int ok, const char *fmt, ...) SS_PRINTF(4, 5);
void ss_claims_info(ss_claims *c, const char *id, const char *fmt, ...) SS_PRINTF(3, 4);

/* Two simulated values against each other at the results' confidence
   level: ABOVE when a's interval lies wholly above b's, BELOW when wholly
   below, TIE when they overlap (the runs cannot tell them apart),
   MISSING when either is NAN. */
typedef enum ss_claims_order { SS_CLAIMS_BELOW, SS_CLAIMS_TIE, SS_CLAIMS_ABOVE, SS_CLAIMS_MISSING } ss_claims_order;
ss_claims_order ss_claims_compare(double a, double alo, double ahi, double b, double blo, double bhi);

/* The counts so far. */
const ss_claims_result *ss_claims_counts(const ss_claims *c);
/* 1 when any check failed: FAIL, XPASS or an inconsistent input. */
int ss_claims_failed(const ss_claims_result *r);
/* "N output checks: a PASS, b FAIL, c XFAIL, d XPASS; M input checks
   (k inconsistent); I for information". */
void ss_claims_print_counts(const ss_claims_result *r, FILE *out);

/* One printed verdict line split back into its parts, so that what was
   printed can be stored as it was printed: `line` is cut in place
   (its trailing newline dropped) and the parts point into it. known is
   the listed deviation's reason of an XFAIL or XPASS, else NULL.
   Returns 0, or -1 when the line is not a verdict line (the counts). */
typedef struct ss_claims_line {
	const char *verdict, *id, *text, *known;
} ss_claims_line;
int ss_claims_parse_line(char *line, ss_claims_line *out);

/* Nahum et al. (N95-C1 .. N95-C21). Fills *res; returns 1 if any check
   failed (ss_claims_failed). */
int ss_claims_nahum95(struct ss_db *db, FILE *out, ss_claims_result *res);
/* Iatrou et al. (I09-C1 .. I09-C18), on the study "iatrou". */
int ss_claims_iatrou09(struct ss_db *db, FILE *out, ss_claims_result *res);
/* Keromytis et al. (OCF-C1 .. OCF-C23 and Tables 1-2), on the study "ocf". */
int ss_claims_ocf(struct ss_db *db, FILE *out, ss_claims_result *res);
/* Thekkath et al. (T93-C2..C13 and Tables 2-3), on the study "thekkath". */
int ss_claims_thekkath(struct ss_db *db, FILE *out, ss_claims_result *res);
int ss_claims_sslacc(struct ss_db *db, FILE *out, ss_claims_result *res);

#endif
