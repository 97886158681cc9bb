/* Status codes for errors a caller can fix, and fatal errors for broken invariants. */
#ifndef SS_ERR_H
#define SS_ERR_H

#include <stddef.h>

typedef enum ss_status {
	SS_OK = 0,       /* success */
	SS_ENOMEM,       /* out of memory */
	SS_EINVAL,       /* invalid argument or value out of range */
	SS_ENOENT,       /* no such file, key, model or algorithm */
	SS_EPARSE,       /* malformed input file */
	SS_EIO,          /* read or write failed */
	SS_EDB,          /* database error */
	SS_ENOTSECSIM,   /* database exists but is not secsim's */
	SS_EREADONLY,    /* database or file cannot be written */
	SS_ECRYPTO,      /* the crypto library refused or failed */
	SS_EVERIFY,      /* an integrity or known-answer check failed */
	SS_EINTR,        /* interrupted by the user */
	SS_EBUSY,        /* another process holds what was asked for */
	SS_NSTATUS       /* number of codes; not a code */
} ss_status;

const char *ss_strerror(int status);

#if defined(__GNUC__)
#define SS_NORETURN __attribute__((noreturn))
#define SS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SS_NORETURN
#define SS_PRINTF(f, a)
#endif

#define SS_STR2(x) #x
#define SS_STR(x) SS_STR2(x)
#define SS_LOC __FILE__ ":" SS_STR(__LINE__)

/* A broken invariant inside secsim (not a user error): print and abort. */
SS_NORETURN void ss_fatal(const char *loc, const char *fmt, ...) SS_PRINTF(2, 3);

/* Write a formatted message into a caller buffer; always NUL-terminates. */
void ss_errbuf(char *buf, size_t len, const char *fmt, ...) SS_PRINTF(3, 4);

#endif
