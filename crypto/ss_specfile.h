/* Hardware presets as data: DIR/NAME.cfg files whose every setting
   carries its source, read into a caller's struct through a table of
   keys. Shared by the NIC presets (platform/nics) and the crypto
   coprocessor presets (platform/coprocs). Format:
     name = "NAME";                 # must equal the file name
     description = "one line";
     settings = (
       { param = "tx_ring"; value = 256; source = "where it comes from"; },
       ...
     );
   A setting without a non-empty source is refused. */
#ifndef SS_SPECFILE_H
#define SS_SPECFILE_H

#include <stddef.h>
#include <stdint.h>

#include "ss_err.h"

typedef enum ss_speckind {
	SS_SPEC_U32,   /* uint32_t, a whole number below 2^32 */
	SS_SPEC_US,    /* ss_time, written in microseconds (at most 1000 s) */
	SS_SPEC_BOOL,  /* int 0/1, true/false or 1/0 */
	SS_SPEC_MEGA,  /* double, written in millions (Mbit/s to bit/s), >= 0 */
	SS_SPEC_NUM,   /* double as written, >= 0 */
	SS_SPEC_STR    /* char[strlen] string, checked by the key's check() */
} ss_speckind;

typedef struct ss_speckey {
	const char *name;  /* param as written in files */
	ss_speckind kind;
	size_t off;        /* offset of the field in the struct */
	size_t strlen;     /* SS_SPEC_STR: size of the char array */
	/* SS_SPEC_STR: SS_OK, or an error with what is allowed in msg. */
	int (*check)(const char *value, char *msg, size_t len);
	const char *what;  /* for listings */
} ss_speckey;

/* What a loader passes: its keys, the ones that must be present, a
   label for messages ("NIC", "coprocessor") and a whole-struct check
   run after every setting is read (may be NULL). */
typedef struct ss_specformat {
	const char *label;
	const ss_speckey *keys;
	size_t nkeys;
	const char *const *required; /* NULL-terminated, or NULL */
	int (*check)(const void *spec, char *msg, size_t len);
	size_t size;                 /* sizeof the struct */
} ss_specformat;

/* Loads dir/NAME.cfg into spec (zeroed first; untouched on failure).
   Errors "file:line: what is wrong": SS_ENOENT (no such file: the
   message lists dir's NAMEs), SS_EPARSE (syntax), SS_EINVAL (unknown
   key, bad or missing value, missing source, check failed). desc (may
   be NULL) gets the description. */
int ss_spec_load(const ss_specformat *f, const char *dir, const char *name, void *spec, char *desc, size_t desclen,
		 char *err, size_t errlen);
/* A numeric key's value in the units of the files: SS_ENOENT for an
   unknown or string key. */
int ss_spec_get(const ss_specformat *f, const void *spec, const char *key, double *value);

/* File-name-safe preset names: letters, digits, '-', '_', '.' (not
   first), shorter than maxlen. */
int ss_spec_valid_name(const char *name, size_t maxlen);
/* err = "no LABEL 'name' in DIR (have: a, b)" with dir's *.cfg stems,
   sorted; returns SS_ENOENT. */
int ss_spec_not_found(const char *label, const char *dir, const char *name, char *err, size_t errlen);

#endif
