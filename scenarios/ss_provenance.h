/* Provenance of a run: what its results depend on besides the model code,
   as texts and SHA-256 hashes. A sweep reuses a stored run only when both
   hashes match, so a changed seed, duration, warm-up, level, method, or a
   recalibrated profile behind an unchanged name never passes for the old
   one. */
#ifndef SS_PROVENANCE_H
#define SS_PROVENANCE_H

#include <stddef.h>

#include "ss_scenario.h"

#define SS_SHA256_HEX 65 /* 64 hex digits and the terminator */

typedef struct ss_provenance {
	char *settings;                     /* "seed=1;warmup=10;duration=200;level=0.9;method=fixed" */
	char settings_hash[SS_SHA256_HEX];  /* of the point key and settings */
	char *inputs;                       /* "profile=NAME sha256:HEX;host=NAME sha256:HEX" ("" if none) */
	char inputs_hash[SS_SHA256_HEX];    /* of the roles and contents, not the names or paths */
} ss_provenance;

/* Fills *out (free with ss_provenance_fini) for point pt of s. Profiles
   are the point's `profile` (a name in DATADIR/crypto/profiles or a file
   path) and `host` (DATADIR/hosts/NAME.cfg or a path) parameters, when
   the model has them; each is hashed by content, so a profile written
   from a calibration (results/profiles/host.cfg) changes its hash when
   the calibration rows do. Returns SS_OK, SS_ENOMEM, or SS_EIO with
   "path: reason" in err. */
int ss_provenance_point(const ss_scenario *s, const ss_point *pt, const char *datadir,
			ss_provenance *out, char *err, size_t errlen);
void ss_provenance_fini(ss_provenance *p);

/* Writes what differs between two provenance texts of the same kind
   ("seed=1, not seed=7"; "the content of profile=host") into buf. An
   empty `old` says the runs predate provenance. */
void ss_provenance_diff(const char *old, const char *now, char *buf, size_t len);

/* SHA-256 of len bytes as 64 lowercase hex digits. Returns SS_OK or
   SS_ECRYPTO. */
int ss_sha256_hex(const void *data, size_t len, char out[SS_SHA256_HEX]);

#endif
