/* Loading the papers' reference numbers (reference/NAME.csv) into the store:
   an RFC 4180 reader that remembers where each record starts, checks of
   every row, and one transaction per file. */
#include "ss_db.h"
#include "ss_grow.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db-internal.h"

#define REF_COLS 13

static const char *const ref_head[REF_COLS] = {
	"id", "paper", "kind", "quantity", "scenario", "stack_or_config", "x_name",
	"x_value", "value", "unit", "qualifier", "source", "quote"};

enum { C_ID = 0, C_XNAME = 6, C_XVALUE = 7, C_VALUE = 8 };

/* One parsed record: its fields (decoded, NUL-terminated) and the
   physical line it starts on, which is what an editor jumps to. */
typedef struct csv_rec {
	char **f;
	size_t n, cap;
	long line;
} csv_rec;

typedef struct csv_doc {
	csv_rec *r;
	size_t n, cap;
} csv_doc;

/* A growable byte string for the field being decoded. */
typedef struct sbuf {
	char *s;
	size_t n, cap;
} sbuf;

static int sbuf_put(sbuf *b, char c)
{
	if (ss_grow(&b->s, &b->cap, b->n + 2, 1, 64)) /* the byte and a NUL */
		return SS_ENOMEM;
	b->s[b->n++] = c;
	return SS_OK;
}

static void doc_free(csv_doc *d)
{
	size_t i, j;

	for (i = 0; i < d->n; i++) {
		for (j = 0; j < d->r[i].n; j++)
			free(d->r[i].f[j]);
		free(d->r[i].f);
	}
	free(d->r);
	d->r = NULL;
	d->n = d->cap = 0;
}

static int rec_push(csv_rec *r, sbuf *b)
{
	char *s;

	if (ss_grow(&r->f, &r->cap, r->n + 1, sizeof *r->f, 16))
		return SS_ENOMEM;
	s = malloc(b->n + 1);
	if (!s)
		return SS_ENOMEM;
	if (b->n)
		memcpy(s, b->s, b->n);
	s[b->n] = '\0';
	r->f[r->n++] = s;
	b->n = 0;
	return SS_OK;
}

static int doc_push(csv_doc *d, csv_rec *r)
{
	if (ss_grow(&d->r, &d->cap, d->n + 1, sizeof *d->r, 256))
		return SS_ENOMEM;
	d->r[d->n++] = *r;
	memset(r, 0, sizeof *r);
	return SS_OK;
}

/* Splits text[0..len) into records. Fields are separated by commas and
   records by LF or CRLF; a field that starts with a quote runs to the
   matching quote, "" inside it standing for one quote, and may hold commas
   and line breaks (which advance the physical line count but not the
   record). Blank lines between records are skipped, as Python's csv
   module does. Errors name the line where the record starts. */
static int csv_parse(const char *path, const char *text, size_t len, csv_doc *doc,
		     char *err, size_t errlen)
{
	sbuf b = {0};
	csv_rec rec = {0};
	size_t pos = 0;
	long line = 1;
	int rc = SS_OK;

	/* A UTF-8 byte-order mark, as spreadsheet programs write, is not
	   part of the first column's name. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len && rc == SS_OK) {
		if (text[pos] == '\n' || (text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n')) {
			pos += text[pos] == '\r' ? 2 : 1;
			line++;
			continue;
		}
		rec.line = line;
		for (;;) { /* one field per iteration */
			if (pos < len && text[pos] == '"') {
				pos++;
				for (;;) {
					if (pos >= len) {
						ss_errbuf(err, errlen, "%s:%ld: unterminated quoted field"
							  " (field %zu of the record starting here)",
							  path, rec.line, rec.n + 1);
						rc = SS_EPARSE;
						break;
					}
					if (text[pos] == '"') {
						if (pos + 1 < len && text[pos + 1] == '"') {
							rc = sbuf_put(&b, '"');
							pos += 2;
							if (rc != SS_OK)
								break;
							continue;
						}
						pos++;
						break;
					}
					if (text[pos] == '\n')
						line++;
					rc = sbuf_put(&b, text[pos++]);
					if (rc != SS_OK)
						break;
				}
				if (rc != SS_OK)
					break;
				if (pos < len && text[pos] != ',' && text[pos] != '\n' &&
				    !(text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n')) {
					ss_errbuf(err, errlen, "%s:%ld: text after the closing quote of field %zu"
						  " (a quote inside a quoted field is written \"\")",
						  path, rec.line, rec.n + 1);
					rc = SS_EPARSE;
					break;
				}
			} else {
				while (pos < len && text[pos] != ',' && text[pos] != '\n' &&
				       !(text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n')) {
					if (text[pos] == '"') {
						ss_errbuf(err, errlen, "%s:%ld: quote inside unquoted field %zu"
							  " (quote the whole field and write the quote as \"\")",
							  path, rec.line, rec.n + 1);
						rc = SS_EPARSE;
						break;
					}
					rc = sbuf_put(&b, text[pos++]);
					if (rc != SS_OK)
						break;
				}
				if (rc != SS_OK)
					break;
			}
			rc = rec_push(&rec, &b);
			if (rc != SS_OK)
				break;
			if (pos < len && text[pos] == ',') {
				pos++;
				continue;
			}
			if (pos < len) { /* LF or CRLF ends the record */
				pos += text[pos] == '\r' ? 2 : 1;
				line++;
			}
			break;
		}
		if (rc == SS_OK)
			rc = doc_push(doc, &rec);
	}
	if (rc == SS_ENOMEM)
		ss_errbuf(err, errlen, "%s: out of memory", path);
	for (size_t j = 0; j < rec.n; j++)
		free(rec.f[j]);
	free(rec.f);
	free(b.s);
	return rc;
}

/* Whether s is a plain decimal number (optional sign, digits with an
   optional point, optional exponent), surrounding blanks allowed. Stricter
   than strtod on purpose: "inf", "nan" and hex are not what a paper
   prints, and would hide a typo. */
static int parse_number(const char *s, double *out)
{
	const char *p = s;
	char *end;
	int digits = 0;
	double v;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+' || *p == '-')
		p++;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return 0;
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;
		if (*q == '+' || *q == '-')
			q++;
		if (!(*q >= '0' && *q <= '9'))
			return 0;
		while (*q >= '0' && *q <= '9')
			q++;
		p = q;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p)
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE || !isfinite(v))
		return 0;
	*out = v;
	return 1;
}

/* Reference CSVs are small (nahum95.csv is under 100 kB): the cap keeps a
   wrong file (a disk image, a log) from being read into memory whole. */
#define REF_MAX_BYTES (64L << 20)

/* Reads the whole file: reference CSVs are small, and having all of it in
   memory lets every row be checked before anything is written. */
static int read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	struct stat sb;
	/* Checked before opening: opening a FIFO would block, and a
	   directory opens but only fails to read. */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		ss_errbuf(err, errlen, "%s: not a regular file", path);
		return SS_EIO;
	}
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		int e = errno;
		ss_errbuf(err, errlen, "%s: cannot open: %s", path, strerror(e));
		return e == ENOENT ? SS_ENOENT : SS_EIO;
	}
	for (;;) {
		size_t got;
		if (ss_grow(&buf, &cap, n + 4096, 1, 65536)) { /* room for a 4 KB read */
			free(buf);
			fclose(f);
			ss_errbuf(err, errlen, "%s: out of memory", path);
			return SS_ENOMEM;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
		if (n > (size_t)REF_MAX_BYTES) {
			free(buf);
			fclose(f);
			ss_errbuf(err, errlen, "%s: larger than %ld bytes; not a reference CSV", path, REF_MAX_BYTES);
			return SS_EPARSE;
		}
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		ss_errbuf(err, errlen, "%s: read error", path);
		return SS_EIO;
	}
	fclose(f);
	*text = buf;
	*len = n;
	return SS_OK;
}

/* The base name identifies a file across checkouts: loading
   /a/reference/nahum95.csv after /b/reference/nahum95.csv replaces it. */
static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Checks the header and every record; reports the first problem. */
static int check_doc(const char *path, const csv_doc *d, char *err, size_t errlen)
{
	size_t i, j, c;

	if (d->n == 0) {
		ss_errbuf(err, errlen, "%s:1: empty file; expected the header line", path);
		return SS_EPARSE;
	}
	if (d->r[0].n != REF_COLS) {
		ss_errbuf(err, errlen, "%s:%ld: header has %zu columns, expected %d", path,
			  d->r[0].line, d->r[0].n, REF_COLS);
		return SS_EPARSE;
	}
	for (c = 0; c < REF_COLS; c++)
		if (strcmp(d->r[0].f[c], ref_head[c]) != 0) {
			ss_errbuf(err, errlen, "%s:%ld: header column %zu is '%s', expected '%s'",
				  path, d->r[0].line, c + 1, d->r[0].f[c], ref_head[c]);
			return SS_EPARSE;
		}
	for (i = 1; i < d->n; i++) {
		const csv_rec *r = &d->r[i];
		double x;
		if (r->n != REF_COLS) {
			ss_errbuf(err, errlen, "%s:%ld: expected %d columns, found %zu", path,
				  r->line, REF_COLS, r->n);
			return SS_EPARSE;
		}
		if (!r->f[C_ID][0]) {
			ss_errbuf(err, errlen, "%s:%ld: empty id", path, r->line);
			return SS_EPARSE;
		}
		if (r->f[C_XVALUE][0] && !parse_number(r->f[C_XVALUE], &x)) {
			ss_errbuf(err, errlen, "%s:%ld: x_value '%s' is not a number", path,
				  r->line, r->f[C_XVALUE]);
			return SS_EPARSE;
		}
		if (!r->f[C_XNAME][0] != !r->f[C_XVALUE][0]) {
			ss_errbuf(err, errlen, "%s:%ld: x_name and x_value must be both empty or both"
				  " filled (x_name '%s', x_value '%s')",
				  path, r->line, r->f[C_XNAME], r->f[C_XVALUE]);
			return SS_EPARSE;
		}
		/* Quadratic, but a reference file has a few hundred rows. */
		for (j = 1; j < i; j++)
			if (strcmp(d->r[j].f[C_ID], r->f[C_ID]) == 0) {
				ss_errbuf(err, errlen, "%s:%ld: duplicate id '%s' (first at line %ld)",
					  path, r->line, r->f[C_ID], d->r[j].line);
				return SS_EPARSE;
			}
	}
	return SS_OK;
}

/* Inside the caller's transaction: replaces the file's rows. */
static int insert_doc(ss_db *db, const char *path, const csv_doc *d, char *err, size_t errlen)
{
	const char *file = base_name(path);
	sqlite3_stmt *st = NULL;
	size_t i;
	int c, src;

	src = sqlite3_prepare_v2(db->h, "DELETE FROM reference WHERE csv_file = ?1", -1, &st, NULL);
	if (src == SQLITE_OK) {
		sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
		src = sqlite3_step(st);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (src != SQLITE_DONE)
		return ss__db_fail(db, src, "cannot replace reference rows", err, errlen);
	src = sqlite3_prepare_v2(db->h,
				 "INSERT INTO reference(id, paper, kind, quantity, scenario,"
				 " stack_or_config, x_name, x_value, value, unit, qualifier,"
				 " source, quote, value_num, csv_file, csv_line)"
				 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
				 " ?14, ?15, ?16)",
				 -1, &st, NULL);
	if (src != SQLITE_OK)
		return ss__db_fail(db, src, "cannot prepare the reference insert", err, errlen);
	for (i = 1; i < d->n; i++) {
		const csv_rec *r = &d->r[i];
		double v;
		for (c = 0; c < REF_COLS; c++)
			sqlite3_bind_text(st, c + 1, r->f[c], -1, SQLITE_STATIC);
		if (r->f[C_XVALUE][0] && parse_number(r->f[C_XVALUE], &v))
			sqlite3_bind_double(st, C_XVALUE + 1, v);
		else
			sqlite3_bind_null(st, C_XVALUE + 1);
		if (parse_number(r->f[C_VALUE], &v))
			sqlite3_bind_double(st, 14, v);
		else
			sqlite3_bind_null(st, 14);
		sqlite3_bind_text(st, 15, file, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 16, r->line);
		src = sqlite3_step(st);
		sqlite3_reset(st);
		if ((src & 0xff) == SQLITE_CONSTRAINT) {
			/* Only the id is unique, and this file's old rows are gone:
			   another file owns it. Say which. */
			sqlite3_stmt *q = NULL;
			char other[256] = "another file";
			if (sqlite3_prepare_v2(db->h, "SELECT csv_file FROM reference WHERE id = ?1",
					       -1, &q, NULL) == SQLITE_OK) {
				sqlite3_bind_text(q, 1, r->f[C_ID], -1, SQLITE_STATIC);
				if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
					snprintf(other, sizeof other, "%s",
						 (const char *)sqlite3_column_text(q, 0));
			}
			sqlite3_finalize(q);
			sqlite3_finalize(st);
			ss_errbuf(err, errlen, "%s:%ld: id '%s' is already loaded from %s", path,
				  r->line, r->f[C_ID], other);
			return SS_EPARSE;
		}
		if (src != SQLITE_DONE) {
			sqlite3_finalize(st);
			return ss__db_fail(db, src, "cannot insert a reference row", err, errlen);
		}
	}
	sqlite3_finalize(st);
	return SS_OK;
}

int ss_db_load_reference(ss_db *db, const char *csv_path, char *err, size_t errlen)
{
	csv_doc doc = {0};
	char *text = NULL;
	size_t len = 0;
	const char *nul;
	int rc;

	db->msg[0] = '\0';
	if (!csv_path) {
		ss_errbuf(err, errlen, "ss_db_load_reference: no file");
		return SS_EINVAL;
	}
	if (db->readonly) {
		ss_errbuf(err, errlen, "%s: opened read-only; cannot load %s", db->path, csv_path);
		return SS_EREADONLY;
	}
	rc = read_file(csv_path, &text, &len, err, errlen);
	if (rc != SS_OK)
		return rc;
	/* A NUL would silently cut a field short once it is a C string. */
	nul = memchr(text, '\0', len);
	if (nul) {
		long line = 1;
		const char *p;
		for (p = text; p < nul; p++)
			line += *p == '\n';
		ss_errbuf(err, errlen, "%s:%ld: NUL byte; not a text CSV file", csv_path, line);
		free(text);
		return SS_EPARSE;
	}
	rc = csv_parse(csv_path, text, len, &doc, err, errlen);
	free(text);
	if (rc == SS_OK)
		rc = check_doc(csv_path, &doc, err, errlen);
	if (rc == SS_OK)
		rc = ss__db_exec(db, "BEGIN IMMEDIATE", err, errlen);
	if (rc == SS_OK) {
		rc = insert_doc(db, csv_path, &doc, err, errlen);
		if (rc == SS_OK)
			rc = ss__db_exec(db, "COMMIT", err, errlen);
		if (rc != SS_OK)
			ss__db_rollback(db);
	}
	doc_free(&doc);
	return rc;
}
