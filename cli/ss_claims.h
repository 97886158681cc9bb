/* Checks of a paper's shape claims (reference/claims.md) against a
   study's results database: each claim is printed with the simulated
   values it rests on and PASS, FAIL or INFO (not a shape this simulator
   offers; says why). */
#ifndef SS_CLAIMS_H
#define SS_CLAIMS_H

#include <stdio.h>

struct ss_db;

typedef struct ss_claims_result {
	int pass, fail, info;
} ss_claims_result;

/* Nahum et al. (N95-C1 .. N95-C21). `verbose` adds the numbers. */
int ss_claims_nahum95(struct ss_db *db, FILE *out, ss_claims_result *res);

#endif
