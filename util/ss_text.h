/* Small text helpers shared by every module that checks names a user
   typed: "did you mean" hints. */
#ifndef SS_TEXT_H
#define SS_TEXT_H

#include <stddef.h>

/* Levenshtein distance, case-insensitive. Names longer than 64 bytes
   are not compared: the result is then the longer length. */
size_t ss_edit_distance(const char *a, const char *b);

/* The entry of a NULL-terminated list closest to `name`, if it is close
   enough to be a typo (at most 1 + strlen(name) / 3 edits), else NULL. */
const char *ss_nearest(const char *name, const char *const *list);

#endif
