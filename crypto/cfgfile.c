/* libconfig files: a scan of the text before libconfig parses it. */
#include "ss_cfgfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ss_err.h"

/* Configuration files are small: the shipped ones are a few kB. The cap
   keeps a wrong path (a disk image, a log) from being read whole. */
#define CFG_MAX_BYTES (16L << 20)
/* libconfig's own limit on nested @include. */
#define CFG_MAX_DEPTH 10

/* Where a file was named: "file:line: " of its @include, or nothing. */
typedef struct origin {
	const char *file;
	int line;
} origin;

static void where(char *buf, size_t len, const origin *o)
{
	if (o && o->file)
		snprintf(buf, len, "%s:%d: ", o->file, o->line);
	else
		buf[0] = '\0';
}

/* The whole of a regular file, NUL-terminated; *n its length. */
static int slurp(const char *path, const origin *o, char **out, size_t *n, char *err, size_t errlen)
{
	char at[1100];
	where(at, sizeof at, o);
	struct stat sb;
	/* stat before open: opening a FIFO would block. */
	if (stat(path, &sb) != 0) {
		ss_errbuf(err, errlen, "%s%s: cannot open: %s", at, path, strerror(errno));
		return SS_ENOENT;
	}
	if (!S_ISREG(sb.st_mode)) {
		ss_errbuf(err, errlen, "%s%s: not a regular file", at, path);
		return SS_ENOENT;
	}
	if (sb.st_size > CFG_MAX_BYTES) {
		ss_errbuf(err, errlen, "%s%s: %lld bytes is too large for a configuration file (at most %ld)", at, path,
			  (long long)sb.st_size, CFG_MAX_BYTES);
		return SS_EPARSE;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		ss_errbuf(err, errlen, "%s%s: cannot open: %s", at, path, strerror(errno));
		return SS_ENOENT;
	}
	char *b = malloc((size_t)sb.st_size + 1);
	size_t got = b ? fread(b, 1, (size_t)sb.st_size, f) : 0;
	int bad = ferror(f);
	fclose(f);
	if (!b)
		return SS_ENOMEM;
	if (bad) {
		free(b);
		ss_errbuf(err, errlen, "%s%s: read error", at, path);
		return SS_EIO;
	}
	b[got] = '\0';
	*out = b;
	*n = got;
	return SS_OK;
}

static int name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '*' || c == '.';
}

/* The integer literal at b (sign, decimal or 0x hex, optional L/LL):
   its end in *end, or a message when it does not fit (a real is no
   integer: *end then points past it and the literal is fine). */
static int check_integer(const char *b, const char **end, char *msg, size_t len)
{
	const char *p = b;
	if (*p == '+' || *p == '-')
		p++;
	int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	const char *d = hex ? p + 2 : p;
	while (hex ? isxdigit((unsigned char)*d) : isdigit((unsigned char)*d))
		d++;
	if (!hex && (*d == '.' || *d == 'e' || *d == 'E')) {
		while (isdigit((unsigned char)*d) || *d == '.' || *d == 'e' || *d == 'E' || *d == '+' || *d == '-')
			d++;
		*end = d;
		return SS_OK;
	}
	int wide = *d == 'L';
	*end = d + (d[0] == 'L') + (d[0] == 'L' && d[1] == 'L');
	char text[64];
	size_t tl = (size_t)(d - b);
	if (tl >= sizeof text) {
		snprintf(msg, len, "integer %.40s... has too many digits", b);
		return SS_EPARSE;
	}
	memcpy(text, b, tl);
	text[tl] = '\0';
	errno = 0;
	int fits;
	if (hex) {
		unsigned long long u = strtoull(text + (*b == '-' || *b == '+'), NULL, 16);
		fits = errno == 0 && u <= (wide ? (unsigned long long)INT64_MAX : (unsigned long long)INT32_MAX) && *b != '-';
	} else {
		long long v = strtoll(text, NULL, 10);
		fits = errno == 0 && (wide || (v >= INT32_MIN && v <= INT32_MAX));
	}
	if (fits)
		return SS_OK;
	if (wide || hex)
		snprintf(msg, len, "integer %s%s is out of range (at most %s)", text, wide ? "L" : "",
			 wide ? "9223372036854775807L" : "0x7FFFFFFF; write larger values with an L suffix");
	else
		snprintf(msg, len, "integer %s does not fit in 32 bits (libconfig would wrap it): write %sL, or the real %s.0",
			 text, text, text);
	return SS_EPARSE;
}

static int scan(const char *path, const origin *o, int depth, char *err, size_t errlen);

/* @include "file" at b (line start): the file is scanned too, resolved as
   libconfig resolves it (as written: we set no include directory). */
static int include(const char *path, int line, const char *b, const char **end, int depth, char *err, size_t errlen)
{
	const char *q = b + strlen("@include");
	while (*q == ' ' || *q == '\t')
		q++;
	*end = q;
	if (*q != '"')
		return SS_OK; /* libconfig reports the syntax */
	const char *e = strchr(q + 1, '"');
	if (!e)
		return SS_OK;
	*end = e + 1;
	size_t n = (size_t)(e - q - 1);
	char *inc = malloc(n + 1);
	if (!inc)
		return SS_ENOMEM;
	memcpy(inc, q + 1, n);
	inc[n] = '\0';
	origin o = {path, line};
	int rc;
	if (depth + 1 >= CFG_MAX_DEPTH) {
		ss_errbuf(err, errlen, "%s:%d: @include nested more than %d deep", path, line, CFG_MAX_DEPTH);
		rc = SS_EPARSE;
	} else {
		rc = scan(inc, &o, depth + 1, err, errlen);
	}
	free(inc);
	return rc;
}

static int scan(const char *path, const origin *o, int depth, char *err, size_t errlen)
{
	char *b;
	size_t n;
	int rc = slurp(path, o, &b, &n, err, errlen);
	if (rc)
		return rc;
	const char *nul = memchr(b, '\0', n);
	if (nul) {
		int at = 1;
		for (const char *q = b; q < nul; q++)
			at += *q == '\n';
		ss_errbuf(err, errlen, "%s:%d: NUL byte in the file", path, at);
		free(b);
		return SS_EPARSE;
	}
	int line = 1, bol = 1; /* bol: only blanks so far on this line */
	char msg[512];
	for (const char *p = b, *end = b + n; p < end && rc == SS_OK;) {
		const char *next = p + 1;
		if (*p == '\n') {
			line++;
			bol = 1;
			p++;
			continue;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			next = p;
			while (next < end && *next != '\n')
				next++;
		} else if (p[0] == '/' && p[1] == '*') {
			for (next = p + 2; next < end && !(next[0] == '*' && next[1] == '/'); next++)
				line += *next == '\n';
			next = next < end ? next + 2 : end;
		} else if (*p == '"') {
			for (next = p + 1; next < end && *next != '"'; next++) {
				line += *next == '\n';
				if (*next == '\\' && next + 1 < end)
					next++;
			}
			next = next < end ? next + 1 : end;
		} else if (bol && !strncmp(p, "@include", 8)) {
			rc = include(path, line, p, &next, depth, err, errlen);
		} else if ((isdigit((unsigned char)*p) || ((*p == '-' || *p == '+') && isdigit((unsigned char)p[1]))) &&
			   (p == b || !name_char(p[-1]))) {
			if (check_integer(p, &next, msg, sizeof msg)) {
				ss_errbuf(err, errlen, "%s:%d: %s", path, line, msg);
				rc = SS_EPARSE;
			}
		}
		if (*p != ' ' && *p != '\t' && *p != '\r')
			bol = 0;
		p = next > p ? next : p + 1;
	}
	free(b);
	return rc;
}

const char *ss_cfgfile_scalar_text(const config_setting_t *st, char *buf, size_t len)
{
	switch (config_setting_type(st)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		snprintf(buf, len, "%lld", config_setting_get_int64(st));
		return buf;
	case CONFIG_TYPE_FLOAT:
		snprintf(buf, len, "%.17g", config_setting_get_float(st));
		return buf;
	case CONFIG_TYPE_BOOL:
		snprintf(buf, len, "%s", config_setting_get_bool(st) ? "true" : "false");
		return buf;
	case CONFIG_TYPE_STRING:
		return config_setting_get_string(st);
	default:
		return NULL;
	}
}

int ss_cfgfile_read(config_t *cf, const char *path, char *err, size_t errlen)
{
	int rc = scan(path, NULL, 0, err, errlen);
	if (rc) {
		if (rc == SS_ENOMEM)
			ss_errbuf(err, errlen, "%s: out of memory", path);
		return rc == SS_ENOENT ? SS_ENOENT : SS_EPARSE;
	}
	config_init(cf);
	if (config_read_file(cf, path) != CONFIG_TRUE) {
		const char *file = config_error_file(cf);
		ss_errbuf(err, errlen, "%s:%d: %s", file ? file : path, config_error_line(cf), config_error_text(cf));
		rc = config_error_type(cf) == CONFIG_ERR_FILE_IO ? SS_ENOENT : SS_EPARSE;
		config_destroy(cf);
		return rc;
	}
	return SS_OK;
}

int ss_cfgfile_at(char *err, size_t errlen, const char *path, const config_setting_t *s, int rc, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ss_errbuf(err, errlen, "%s:%u: %s", path, s ? config_setting_source_line(s) : 0u, msg);
	return rc;
}

int ss_cfgfile_is_number(const config_setting_t *s)
{
	int t = config_setting_type(s);
	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
}

double ss_cfgfile_number(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		return (double)config_setting_get_int(s);
	case CONFIG_TYPE_INT64:
		return (double)config_setting_get_int64(s);
	default:
		return config_setting_get_float(s);
	}
}
