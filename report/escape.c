/* Plots: quoting for gnuplot scripts and escaping for Markdown cells and
   HTML, so that text from a store or a spec stays text in what we write. */
#include "plot-internal.h"
#include "ss_html.h"
#include "ss_grow.h"

#include <stdlib.h>
#include <string.h>

void ss__plot_str_add(ss__plot_str *s, const char *text, size_t len)
{
	if (s->oom)
		return;
	if (ss_grow(&s->p, &s->cap, s->n + len + 1, 1, 64)) {
		s->oom = 1;
		return;
	}
	memcpy(s->p + s->n, text, len);
	s->n += len;
	s->p[s->n] = '\0';
}

void ss__plot_str_adds(ss__plot_str *s, const char *text)
{
	ss__plot_str_add(s, text, strlen(text));
}

/* Overlong forms, surrogates and code points above U+10FFFF are refused
   as RFC 3629 says: an SVG with them is not well-formed XML. */
size_t ss__plot_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Copies s into out with control characters as spaces and invalid UTF-8
   as '?', calling `special` for each ASCII byte so the caller decides
   how to escape it (returns the replacement text, or NULL to copy). */
static void clean(ss__plot_str *out, const char *s, const char *(*special)(char c))
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		if (u[i] < 0x20 || u[i] == 0x7f) {
			ss__plot_str_add(out, " ", 1);
			i++;
			continue;
		}
		if (u[i] < 0x80) {
			const char *rep = special((char)u[i]);
			if (rep)
				ss__plot_str_adds(out, rep);
			else
				ss__plot_str_add(out, (const char *)u + i, 1);
			i++;
			continue;
		}
		size_t n = ss__plot_utf8_len(u + i, len - i);
		if (n) {
			ss__plot_str_add(out, (const char *)u + i, n);
			i += n;
		} else {
			ss__plot_str_add(out, "?", 1);
			i++;
		}
	}
}

/* Every ASCII byte is copied as it is (the quotes are split out later). */
static const char *no_special(char c)
{
	(void)c;
	return NULL;
}

/* gnuplot 5.4 reads a doubled quote inside a single-quoted string as a
   quote ("Syntax: quote marks"), but not at the start of the string nor
   two in a row: '''x' and 'a''''b' are syntax errors. So each quote is
   its own double-quoted "'" (no backslash or backquote in it to expand),
   joined to the single-quoted runs by gnuplot's string concatenation:
   'it'."'".'s'. Text without quotes stays one plain 'text'. */
char *ss_plot_gp_quote(const char *s)
{
	ss__plot_str body = {0}, out = {0};
	ss__plot_str_add(&body, "", 0);
	clean(&body, s ? s : "", no_special);
	int open = 0; /* inside a single-quoted run */
	ss__plot_str_add(&out, "", 0);
	for (const char *p = body.p; p && *p; p++) {
		if (*p == '\'') {
			ss__plot_str_adds(&out, open ? "'.\"'\"" : out.n ? ".\"'\"" : "\"'\"");
			open = 0;
			continue;
		}
		if (!open)
			ss__plot_str_adds(&out, out.n ? ".'" : "'");
		open = 1;
		ss__plot_str_add(&out, p, 1);
		/* gnuplot's SVG terminal escapes '<' and '&' but copies "]]>",
		   which XML forbids in text: a space keeps the SVG well-formed. */
		if (p[0] == ']' && p[1] == ']' && p[2] == '>') {
			ss__plot_str_add(&out, "] ", 2);
			p++;
		}
	}
	if (open || !out.n)
		ss__plot_str_adds(&out, open ? "'" : "''");
	free(body.p);
	if (out.oom || body.oom) {
		free(out.p);
		return NULL;
	}
	return out.p;
}

/* The pipe splits cells (GFM tables); the backslash would escape our
   escapes; the rest start emphasis, code, links or raw HTML. Digits,
   '-', '/', '.' and '+' stay as they are, so numbers and stack names
   read naturally in the source too. */
static const char *md_special(char c)
{
	switch (c) {
	case '|': return "\\|";
	case '\\': return "\\\\";
	case '*': return "\\*";
	case '_': return "\\_";
	case '`': return "\\`";
	case '<': return "\\<";
	case '>': return "\\>";
	case '[': return "\\[";
	case ']': return "\\]";
	default: return NULL;
	}
}

char *ss_plot_md_escape(const char *s)
{
	ss__plot_str out = {0};
	ss__plot_str_add(&out, "", 0);
	clean(&out, s ? s : "", md_special);
	if (out.oom) {
		free(out.p);
		return NULL;
	}
	return out.p;
}

/* The five characters that can end text or an attribute value in HTML
   (HTML Living Standard, 13.1.2.6 and 13.2.5): with them escaped, text
   stays text both in element content and in a quoted attribute. */
static const char *html_special(char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

char *ss_html_escape(const char *s)
{
	ss__plot_str out = {0};
	ss__plot_str_add(&out, "", 0);
	clean(&out, s ? s : "", html_special);
	if (out.oom) {
		free(out.p);
		return NULL;
	}
	return out.p;
}

char *ss_html_url_path(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	ss__plot_str out = {0};
	ss__plot_str_add(&out, "", 0);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		int keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			   *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/';
		if (keep) {
			ss__plot_str_add(&out, (const char *)p, 1);
		} else {
			char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			ss__plot_str_add(&out, enc, 3);
		}
	}
	if (out.oom) {
		free(out.p);
		return NULL;
	}
	return out.p;
}
