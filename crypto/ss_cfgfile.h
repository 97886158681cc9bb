/* libconfig files read with the checks libconfig 1.5 lacks. Shared by
   every loader of a .cfg file (scenarios, host profiles, cost profiles);
   it lives in crypto/, the lowest library that reads libconfig. */
#ifndef SS_CFGFILE_H
#define SS_CFGFILE_H

#include <stddef.h>

#include <libconfig.h>

#include "ss_err.h"

/* Reads path into cf (initialised here; on success the caller destroys
   it). Before libconfig sees them, the file and every file it
   @includes must be regular files (on a directory libconfig's scanner
   exits the process), hold no NUL byte, and every integer literal must
   fit its type (libconfig 1.5 wraps 4294967298 to 2 without a word).
   Returns SS_OK, SS_ENOENT (a file cannot be read) or SS_EPARSE, with
   "file:line: what is wrong" in err. */
int ss_cfgfile_read(config_t *cf, const char *path, char *err, size_t errlen);

/* A scalar setting as text for a parameter parser: a number or boolean
   formatted into buf (64 bytes hold any of them), a string as it is (a
   long one is not cut to buf's size). NULL when st is not a scalar. */
const char *ss_cfgfile_scalar_text(const config_setting_t *st, char *buf, size_t len);

/* err = "path:line: <fmt>" for setting s (line 0 when s is NULL);
   returns rc, so a loader can `return ss_cfgfile_at(...)`. */
int ss_cfgfile_at(char *err, size_t errlen, const char *path, const config_setting_t *s, int rc, const char *fmt, ...)
	SS_PRINTF(6, 7);

/* An int, int64 or float setting; its value as a double. */
int ss_cfgfile_is_number(const config_setting_t *s);
double ss_cfgfile_number(const config_setting_t *s);

#endif
