/* Status code messages and the fatal-error path. */
#include "ss_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const messages[SS_NSTATUS] = {
	[SS_OK] = "success",
	[SS_ENOMEM] = "out of memory",
	[SS_EINVAL] = "invalid argument",
	[SS_ENOENT] = "not found",
	[SS_EPARSE] = "malformed input",
	[SS_EIO] = "input/output error",
	[SS_EDB] = "database error",
	[SS_ENOTSECSIM] = "not a secsim database",
	[SS_EREADONLY] = "cannot write (read-only)",
	[SS_ECRYPTO] = "crypto library error",
	[SS_EVERIFY] = "verification failed",
	[SS_EINTR] = "interrupted",
	[SS_EBUSY] = "busy (held by another process)",
};

const char *ss_strerror(int status)
{
	if (status < 0 || status >= SS_NSTATUS)
		return "unknown status";
	return messages[status];
}

void ss_fatal(const char *loc, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "secsim: internal error at %s: ", loc);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void ss_errbuf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	if (!buf || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}
