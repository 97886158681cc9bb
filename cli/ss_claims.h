/* Checks of a paper's shape claims (reference/claims.md) against a
   study's results database: each claim is printed with the simulated
   values it rests on and PASS, FAIL or INFO (not a shape this simulator
   offers; says why). */
#ifndef SS_CLAIMS_H
#define SS_CLAIMS_H

#include <stdio.h>

struct ss_db;

typedef struct ss_claims_result {
	int pass;  /* claims reproduced */
	int fail;  /* claims not reproduced, or known ones that now pass (XPASS) */
	int xfail; /* claims the model is known not to reproduce (listed with why) */
	int info;  /* claims that are not results (discussion, background) */
} ss_claims_result;

/* Nahum et al. (N95-C1 .. N95-C21). Returns 1 if any claim failed. */
int ss_claims_nahum95(struct ss_db *db, FILE *out, ss_claims_result *res);

#endif
