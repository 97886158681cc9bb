/* Cost profiles: what each algorithm costs on a modelled CPU (per-call
   overhead + per-byte cost, or per operation for RSA), every constant
   with its source.  Read from libconfig files in a profiles directory,
   or derived from a calibration of this host. */
#ifndef SS_PROFILE_H
#define SS_PROFILE_H

#include <stddef.h>
#include <stdio.h>

#include "ss_calib.h"
#include "ss_crypto.h"
#include "ss_time.h"

typedef struct ss_profile ss_profile;

/* Load profile `name` from dir/NAME.cfg.  A file that says
   derive = "calibration" takes its costs from `cal` (this host's latest
   calibration, possibly scaled); `cal` may be NULL for the other files, and
   such a profile then fails with SS_ENOENT and a message saying a
   calibration is needed.  Errors: SS_ENOENT (no such profile: the message
   lists those in dir), SS_EPARSE (malformed file) and SS_EINVAL (unknown
   algorithm, missing, negative or non-numeric cost, missing source), all
   reported as "file:line: what is wrong". */
int ss_profile_load(const char *dir, const char *name, const ss_calib *cal,
		    ss_profile **out, char *err, size_t errlen);
int ss_profile_load_file(const char *path, const ss_calib *cal,
			 ss_profile **out, char *err, size_t errlen);
/* A profile as a parameter names it: a file when ref holds a '/' (a
   derived profile the command line wrote under results/profiles/, or
   the user's own), else profile `ref` in dir.  Errors as above. */
int ss_profile_load_ref(const char *dir, const char *ref, const ss_calib *cal,
			ss_profile **out, char *err, size_t errlen);

/* Does dir/NAME.cfg derive its costs from a calibration?  (So a caller
   knows whether it must fetch or run one before ss_profile_load.) */
int ss_profile_is_derived(const char *dir, const char *name, int *derived,
			  char *err, size_t errlen);

/* A profile from a calibration: each bulk algorithm's fitted per-call and
   per-byte cost, each RSA operation's median, all multiplied by `scale`
   (> 0; e.g. host_MHz / target_MHz to model a slower clock). */
int ss_profile_from_calib(const ss_calib *cal, const char *name,
			  double scale, ss_profile **out, char *err,
			  size_t errlen);

void ss_profile_free(ss_profile *p); /* NULL is a no-op */

const char *ss_profile_name(const ss_profile *p);
const char *ss_profile_description(const ss_profile *p);

/* Does the profile give a cost for a? */
int ss_profile_has(const ss_profile *p, const ss_crypto_alg *a);

/* Cost of one call of a on `bytes` bytes (RSA: one operation, bytes
   ignored), rounded to the picosecond.  SS_ENOENT if the profile has no
   cost for a.  This is the per-packet fast path: no allocation, no
   string work. */
int ss_profile_cost(const ss_profile *p, const ss_crypto_alg *a,
		    size_t bytes, ss_time *out);

/* The same by algorithm name, with a message for an unknown name or an
   algorithm the profile lacks. */
int ss_profile_cost_by_name(const ss_profile *p, const char *alg,
			    size_t bytes, ss_time *out, char *err,
			    size_t errlen);

/* Read or override one constant: key is "ALG.per_call_ns",
   "ALG.per_byte_ns" (hashes, MACs, ciphers) or "ALG.per_op_ns" (RSA),
   value in ns, finite and >= 0.  Setting a constant of an algorithm the
   profile lacks adds it (its other constant 0); its source becomes
   "override".  SS_ENOENT for an unknown algorithm, SS_EINVAL otherwise. */
int ss_profile_set(ss_profile *p, const char *key, double value, char *err,
		   size_t errlen);
int ss_profile_get(const ss_profile *p, const char *key, double *value,
		   char *err, size_t errlen);

/* Source note of a's costs ("" if absent). */
const char *ss_profile_source(const ss_profile *p, const ss_crypto_alg *a);

/* Names of the profiles in dir (files NAME.cfg), sorted.  Free with
   ss_profile_list_free. */
int ss_profile_list(const char *dir, char ***names, size_t *n, char *err,
		    size_t errlen);
void ss_profile_list_free(char **names, size_t n);

/* Write p as a profile file that ss_profile_load reads back; `comment`
   (may be NULL, may hold several lines) goes on top as # lines. */
int ss_profile_write(const ss_profile *p, FILE *f, const char *comment,
		     char *err, size_t errlen);

#endif
