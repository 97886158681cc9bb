/* Model parameter tables: parsing, range checks, canonical keys. */
#include "ss_param.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"
#include "ss_text.h"

static void value_clear(ss_param_value *v)
{
	free(v->s);
	free(v->text);
	memset(v, 0, sizeof *v);
}

void ss_params_free(ss_params *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		value_clear(&p->v[i]);
	free(p->v);
	free(p);
}

static int choice_ok(const char *choices, const char *s)
{
	size_t n = strlen(s);
	for (const char *c = choices; *c;) {
		const char *bar = strchr(c, '|');
		size_t len = bar ? (size_t)(bar - c) : strlen(c);
		if (len == n && strncmp(c, s, n) == 0)
			return 1;
		if (!bar)
			break;
		c = bar + 1;
	}
	return 0;
}

/* Parses `text` for definition d into v (v untouched on error). */
static int parse_value(const ss_param_def *d, const char *text, ss_param_value *v, char *err, size_t errlen)
{
	ss_param_value nv;
	memset(&nv, 0, sizeof nv);
	char buf[128];
	switch (d->type) {
	case SS_PARAM_INT: {
		char *end;
		errno = 0;
		double x = strtod(text, &end);
		while (isspace((unsigned char)*end))
			end++;
		if (end == text || *end || errno || x != floor(x) || fabs(x) > 9e15) {
			ss_errbuf(err, errlen, "'%s' must be an integer, not '%s'", d->name, text);
			return SS_EINVAL;
		}
		if (x < d->min || x > d->max) {
			ss_errbuf(err, errlen, "'%s' = %s is out of range [%.15g, %.15g]", d->name, text, d->min, d->max);
			return SS_EINVAL;
		}
		nv.i = (long long)x;
		nv.r = x;
		snprintf(buf, sizeof buf, "%lld", nv.i);
		break;
	}
	case SS_PARAM_REAL: {
		char *end;
		errno = 0;
		double x = strtod(text, &end);
		while (isspace((unsigned char)*end))
			end++;
		if (end == text || *end || errno || !isfinite(x)) {
			ss_errbuf(err, errlen, "'%s' must be a number, not '%s'", d->name, text);
			return SS_EINVAL;
		}
		if (x < d->min || x > d->max) {
			ss_errbuf(err, errlen, "'%s' = %s is out of range [%.15g, %.15g]", d->name, text, d->min, d->max);
			return SS_EINVAL;
		}
		nv.r = x;
		/* Shortest text that reads back exactly: keys stay readable. */
		snprintf(buf, sizeof buf, "%.15g", x);
		if (strtod(buf, NULL) != x)
			snprintf(buf, sizeof buf, "%.17g", x);
		break;
	}
	case SS_PARAM_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "1") || !strcmp(text, "yes"))
			nv.i = 1;
		else if (!strcmp(text, "false") || !strcmp(text, "0") || !strcmp(text, "no"))
			nv.i = 0;
		else {
			ss_errbuf(err, errlen, "'%s' must be true or false, not '%s'", d->name, text);
			return SS_EINVAL;
		}
		nv.r = (double)nv.i;
		snprintf(buf, sizeof buf, "%s", nv.i ? "true" : "false");
		break;
	case SS_PARAM_STRING:
		if (d->choices && !choice_ok(d->choices, text)) {
			ss_errbuf(err, errlen, "'%s' must be one of %s, not '%s'", d->name, d->choices, text);
			return SS_EINVAL;
		}
		if (!(nv.s = strdup(text)))
			return SS_ENOMEM;
		snprintf(buf, sizeof buf, "%s", text);
		break;
	case SS_PARAM_DIST: {
		char e[200];
		int rc = ss_dist_parse(text, &nv.dist, e, sizeof e);
		if (rc) {
			ss_errbuf(err, errlen, "'%s': %s", d->name, e);
			return rc;
		}
		ss_dist_format(&nv.dist, buf, sizeof buf);
		break;
	}
	}
	if (!(nv.text = strdup(d->type == SS_PARAM_STRING ? text : buf))) {
		free(nv.s);
		return SS_ENOMEM;
	}
	free(v->s);
	free(v->text);
	*v = nv;
	return SS_OK;
}

int ss_params_alloc(ss_params **out, const ss_param_def *defs, size_t n)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	if (!defs && n)
		return SS_EINVAL;
	ss_params *p = calloc(1, sizeof *p);
	if (!p)
		return SS_ENOMEM;
	p->defs = defs;
	p->n = n;
	p->v = calloc(n ? n : 1, sizeof *p->v);
	if (!p->v) {
		free(p);
		return SS_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		char err[256];
		int rc = parse_value(&defs[i], defs[i].def, &p->v[i], err, sizeof err);
		if (rc != SS_OK) {
			ss_params_free(p);
			return rc == SS_ENOMEM ? SS_ENOMEM : SS_EINVAL;
		}
	}
	*out = p;
	return SS_OK;
}

int ss_params_clone(ss_params **out, const ss_params *p)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	if (!p)
		return SS_EINVAL;
	ss_params *c = NULL;
	int rc = ss_params_alloc(&c, p->defs, p->n);
	if (rc)
		return rc;
	for (size_t i = 0; i < p->n; i++) {
		char err[256];
		rc = parse_value(&p->defs[i], p->v[i].text, &c->v[i], err, sizeof err);
		if (rc != SS_OK) {
			ss_params_free(c);
			return rc == SS_ENOMEM ? SS_ENOMEM : SS_EINVAL;
		}
		c->v[i].set = p->v[i].set;
	}
	*out = c;
	return SS_OK;
}

int ss_params_index(const ss_params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->defs[i].name, name))
			return (int)i;
	return -1;
}

const char *ss_params_nearest(const ss_params *p, const char *name)
{
	const char *best = NULL;
	size_t bd = (size_t)-1;
	for (size_t i = 0; i < p->n; i++) {
		size_t d = ss_edit_distance(name, p->defs[i].name);
		if (d < bd) {
			bd = d;
			best = p->defs[i].name;
		}
	}
	/* Only suggest names that are plausibly a typo. */
	return (best && bd <= 1 + strlen(name) / 3) ? best : NULL;
}

int ss_params_set_text(ss_params *p, const char *name, const char *text, char *err, size_t errlen)
{
	int i = ss_params_index(p, name);
	if (i < 0) {
		const char *near = ss_params_nearest(p, name);
		if (near)
			ss_errbuf(err, errlen, "unknown parameter '%s' (did you mean '%s'?)", name, near);
		else
			ss_errbuf(err, errlen, "unknown parameter '%s'", name);
		return SS_ENOENT;
	}
	int rc = parse_value(&p->defs[i], text, &p->v[i], err, errlen);
	if (rc == SS_OK)
		p->v[i].set = 1;
	return rc;
}

static const ss_param_value *get(const ss_params *p, const char *name, ss_param_type type)
{
	int i = ss_params_index(p, name);
	if (i < 0)
		ss_fatal(SS_LOC, "model asks for undefined parameter '%s'", name);
	if (p->defs[i].type != type && !(type == SS_PARAM_REAL && p->defs[i].type == SS_PARAM_INT))
		ss_fatal(SS_LOC, "parameter '%s' read with the wrong type", name);
	return &p->v[i];
}

long long ss_params_int(const ss_params *p, const char *name) { return get(p, name, SS_PARAM_INT)->i; }
double ss_params_real(const ss_params *p, const char *name) { return get(p, name, SS_PARAM_REAL)->r; }
int ss_params_bool(const ss_params *p, const char *name) { return (int)get(p, name, SS_PARAM_BOOL)->i; }
const char *ss_params_string(const ss_params *p, const char *name) { return get(p, name, SS_PARAM_STRING)->s; }
ss_dist ss_params_dist(const ss_params *p, const char *name) { return get(p, name, SS_PARAM_DIST)->dist; }

const char *ss_params_text(const ss_params *p, const char *name)
{
	int i = ss_params_index(p, name);
	return i < 0 ? NULL : p->v[i].text;
}

char *ss_params_key(const ss_params *p)
{
	size_t len = 1;
	for (size_t i = 0; i < p->n; i++)
		len += strlen(p->defs[i].name) + strlen(p->v[i].text) + 2;
	char *k = malloc(len), *w = k;
	if (!k)
		return NULL;
	*w = '\0';
	for (size_t i = 0; i < p->n; i++)
		w += sprintf(w, "%s%s=%s", i ? ";" : "", p->defs[i].name, p->v[i].text);
	return k;
}
