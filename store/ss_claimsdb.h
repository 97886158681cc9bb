/* Claim verdicts in a results store: every `reproduce --check` adds one
   check (table claim_checks: study, when, the secsim version) and its
   verdicts in the order printed (table claims), so a report can show
   what was checked, when and by which build. Kept beside the runs in the
   study's own store, in tables of their own. */
#ifndef SS_CLAIMSDB_H
#define SS_CLAIMSDB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct ss_db;

typedef struct ss_claimsdb_row {
	const char *claim;   /* e.g. "N95-C5/MD5"; required */
	const char *verdict; /* PASS, FAIL, XFAIL, XPASS, INPUT or INFO */
	const char *text;    /* what was compared; required */
	const char *known;   /* the listed deviation's reason, or NULL */
} ss_claimsdb_row;

/* Creates the two tables when missing and stores one check of `study`
   at time `when` with its n verdicts, in one transaction: all or
   nothing. *check_id (may be NULL) gets the new check's id. Returns
   SS_OK, SS_EINVAL (a missing field or an unknown verdict: nothing is
   written), SS_EREADONLY or SS_EDB, with a message in err. */
int ss_claimsdb_store(struct ss_db *db, const char *study, const char *version, time_t when,
		      const ss_claimsdb_row *rows, size_t n, int64_t *check_id, char *err, size_t errlen);

#endif
