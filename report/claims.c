/* Claim checks: the verdict vocabulary, its counts and the lookups every
   paper's checker needs (ss_claims.h). */
#include "ss_claims.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ss_db.h"
#include "ss_err.h"

struct ss_claims {
	sqlite3 *h;
	FILE *out;
	const ss_claims_known *known;
	size_t nknown;
	ss_claims_result r;
};

int ss_claims_alloc(ss_claims **out, struct ss_db *db, FILE *f, const ss_claims_known *known, size_t nknown)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	if (!f)
		return SS_EINVAL;
	ss_claims *c = calloc(1, sizeof *c);
	if (!c)
		return SS_ENOMEM;
	c->h = db ? ss_db_handle(db) : NULL;
	c->out = f;
	c->known = known;
	c->nknown = known ? nknown : 0;
	*out = c;
	return SS_OK;
}

void ss_claims_free(ss_claims *c) { free(c); }

double ss_claims_point(ss_claims *c, const char *figure, const char *series, const char *metric, double x, double *lo,
		       double *hi)
{
	sqlite3_stmt *st = NULL;
	double v = NAN, l = NAN, u = NAN;
	if (c->h && sqlite3_prepare_v2(c->h,
				       "SELECT mean, ci_low, ci_high FROM points WHERE figure = ?1 AND series = ?2 "
				       "AND metric = ?3 AND abs(x - ?4) < 1e-9",
				       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, figure, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, series, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, metric, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 4, x);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			v = sqlite3_column_double(st, 0);
			l = sqlite3_column_type(st, 1) != SQLITE_NULL ? sqlite3_column_double(st, 1) : v;
			u = sqlite3_column_type(st, 2) != SQLITE_NULL ? sqlite3_column_double(st, 2) : v;
		}
	}
	sqlite3_finalize(st);
	if (lo)
		*lo = l;
	if (hi)
		*hi = u;
	return v;
}

double ss_claims_ref(ss_claims *c, const char *id)
{
	sqlite3_stmt *st = NULL;
	double v = NAN;
	if (c->h && sqlite3_prepare_v2(c->h, "SELECT value_num FROM reference WHERE id = ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			v = sqlite3_column_double(st, 0);
	}
	sqlite3_finalize(st);
	return v;
}

double ss_claims_ref_ms(ss_claims *c, const char *id)
{
	sqlite3_stmt *st = NULL;
	double v = NAN;
	if (c->h && sqlite3_prepare_v2(c->h, "SELECT value_num, unit FROM reference WHERE id = ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			const char *u = (const char *)sqlite3_column_text(st, 1);
			double k = !u ? NAN : !strcmp(u, "s") ? 1e3 : !strcmp(u, "ms") ? 1 : !strcmp(u, "us") ? 1e-3 : NAN;
			v = sqlite3_column_double(st, 0) * k;
		}
	}
	sqlite3_finalize(st);
	return v;
}

static const char *known_why(const ss_claims *c, const char *id)
{
	for (size_t i = 0; i < c->nknown; i++)
		if (!strcmp(c->known[i].id, id))
			return c->known[i].why;
	return NULL;
}

/* The format of every verdict line: the verdict in 5 columns, the id
   in 11 (longer ids push the text on), the text, and for a listed
   deviation " [known: WHY]" at the end (ss_claims_parse_line reads it
   back). */
#define KNOWN_OPEN " [known: "

static void line(ss_claims *c, const char *tag, const char *id, const char *why, const char *fmt, va_list ap)
{
	fprintf(c->out, "%-5s %-11s ", tag, id);
	vfprintf(c->out, fmt, ap);
	if (why)
		fprintf(c->out, KNOWN_OPEN "%s]", why);
	fputc('\n', c->out);
}

void ss_claims_output(ss_claims *c, const char *id, int ok, const char *fmt, ...)
{
	const char *why = known_why(c, id);
	const char *tag;
	if (why) {
		tag = ok ? "XPASS" : "XFAIL";
		if (ok)
			c->r.xpass++;
		else
			c->r.xfail++;
	} else {
		tag = ok ? "PASS" : "FAIL";
		if (ok)
			c->r.pass++;
		else
			c->r.fail++;
	}
	va_list ap;
	va_start(ap, fmt);
	line(c, tag, id, why, fmt, ap);
	va_end(ap);
}

/* An inconsistent input is a FAIL: the model no longer holds the numbers
   it is built from. It says so, so that it is not read as an output. */
void ss_claims_input(ss_claims *c, const char *id, int ok, const char *fmt, ...)
{
	if (ok)
		c->r.input++;
	else
		c->r.input_fail++;
	va_list ap;
	va_start(ap, fmt);
	fprintf(c->out, "%-5s %-11s %s", ok ? "INPUT" : "FAIL", id, ok ? "" : "inconsistent input: ");
	vfprintf(c->out, fmt, ap);
	fputc('\n', c->out);
	va_end(ap);
}

void ss_claims_info(ss_claims *c, const char *id, const char *fmt, ...)
{
	c->r.info++;
	va_list ap;
	va_start(ap, fmt);
	line(c, "INFO", id, NULL, fmt, ap);
	va_end(ap);
}

ss_claims_order ss_claims_compare(double a, double alo, double ahi, double b, double blo, double bhi)
{
	if (!isfinite(a) || !isfinite(b))
		return SS_CLAIMS_MISSING;
	/* A point without an interval is its mean. */
	alo = isfinite(alo) ? alo : a;
	ahi = isfinite(ahi) ? ahi : a;
	blo = isfinite(blo) ? blo : b;
	bhi = isfinite(bhi) ? bhi : b;
	if (alo > bhi)
		return SS_CLAIMS_ABOVE;
	if (ahi < blo)
		return SS_CLAIMS_BELOW;
	return SS_CLAIMS_TIE;
}

const ss_claims_result *ss_claims_counts(const ss_claims *c) { return &c->r; }

int ss_claims_failed(const ss_claims_result *r) { return r->fail + r->xpass + r->input_fail > 0; }

void ss_claims_print_counts(const ss_claims_result *r, FILE *out)
{
	fprintf(out, "%d output checks: %d PASS, %d FAIL, %d XFAIL, %d XPASS; %d input checks", r->pass + r->fail + r->xfail + r->xpass,
		r->pass, r->fail, r->xfail, r->xpass, r->input + r->input_fail);
	if (r->input_fail)
		fprintf(out, " (%d inconsistent)", r->input_fail);
	else
		fprintf(out, " (consistent)");
	fprintf(out, "; %d for information\n", r->info);
}

int ss_claims_parse_line(char *s, ss_claims_line *out)
{
	static const char *const tags[] = {"PASS", "FAIL", "XFAIL", "XPASS", "INPUT", "INFO"};
	memset(out, 0, sizeof *out);
	s[strcspn(s, "\n")] = '\0';
	char *sp = strchr(s, ' ');
	if (!sp)
		return -1;
	*sp = '\0';
	for (size_t i = 0; i < sizeof tags / sizeof tags[0] && !out->verdict; i++)
		if (!strcmp(s, tags[i]))
			out->verdict = tags[i];
	if (!out->verdict)
		return -1;
	char *id = sp + 1 + strspn(sp + 1, " ");
	if (!*id)
		return -1;
	char *text = id + strcspn(id, " ");
	if (*text)
		*text++ = '\0';
	text += strspn(text, " ");
	out->id = id;
	out->text = text;
	size_t n = strlen(text);
	char *k = strstr(text, KNOWN_OPEN);
	if ((out->verdict[0] == 'X') && k && n && text[n - 1] == ']') {
		text[n - 1] = '\0';
		*k = '\0';
		out->known = k + strlen(KNOWN_OPEN);
	}
	return 0;
}
