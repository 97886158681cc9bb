/* RNG streams on GSL generators, and distributions. */
#include "ss_rng.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "ss_err.h"

struct ss_rng {
	gsl_rng *g;
};

uint64_t ss_rng_mix(uint64_t x)
{
	/* SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijection with
	   good avalanche, so nearby seeds give unrelated streams. */
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

uint64_t ss_rng_hash(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a 64 */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

int ss_rng_alloc(ss_rng **out, uint64_t run_seed, const char *name)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	if (!name)
		return SS_EINVAL;
	ss_rng *r = malloc(sizeof *r);
	if (!r)
		return SS_ENOMEM;
	r->g = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r->g) {
		free(r);
		return SS_ENOMEM;
	}
	uint64_t s = ss_rng_mix(run_seed ^ ss_rng_mix(ss_rng_hash(name)));
	/* MT19937 takes a 32-bit seed; 0 would select GSL's default seed. */
	unsigned long s32 = (unsigned long)((s ^ (s >> 32)) & 0xffffffffUL);
	gsl_rng_set(r->g, s32 ? s32 : 1UL);
	*out = r;
	return SS_OK;
}

void ss_rng_free(ss_rng *r)
{
	if (!r)
		return;
	gsl_rng_free(r->g);
	free(r);
}

int ss_rng_clone(ss_rng **out, const ss_rng *r)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	if (!r)
		return SS_EINVAL;
	ss_rng *c = malloc(sizeof *c);
	if (!c)
		return SS_ENOMEM;
	c->g = gsl_rng_clone(r->g);
	if (!c->g) {
		free(c);
		return SS_ENOMEM;
	}
	*out = c;
	return SS_OK;
}

double ss_rng_uniform(ss_rng *r) { return gsl_rng_uniform(r->g); }
double ss_rng_uniform_pos(ss_rng *r) { return gsl_rng_uniform_pos(r->g); }

uint64_t ss_rng_u64(ss_rng *r)
{
	/* MT19937 yields 32 bits per call. */
	uint64_t hi = gsl_rng_get(r->g), lo = gsl_rng_get(r->g);
	return (hi << 32) | (lo & 0xffffffffu);
}

unsigned long ss_rng_uniform_int(ss_rng *r, unsigned long n)
{
	return gsl_rng_uniform_int(r->g, n);
}

double ss_rng_exponential(ss_rng *r, double mean)
{
	return -mean * log(gsl_rng_uniform_pos(r->g));
}

double ss_rng_gaussian(ss_rng *r) { return gsl_ran_gaussian_ziggurat(r->g, 1.0); }

void ss_rng_fill(ss_rng *r, unsigned char *buf, size_t len)
{
	size_t i = 0;
	while (i + 4 <= len) {
		unsigned long v = gsl_rng_get(r->g);
		buf[i] = (unsigned char)v;
		buf[i + 1] = (unsigned char)(v >> 8);
		buf[i + 2] = (unsigned char)(v >> 16);
		buf[i + 3] = (unsigned char)(v >> 24);
		i += 4;
	}
	if (i < len) {
		unsigned long v = gsl_rng_get(r->g);
		for (; i < len; i++, v >>= 8)
			buf[i] = (unsigned char)v;
	}
}

static const struct {
	const char *name;
	ss_dist_kind kind;
	int nargs;
} dist_names[] = {
	{.name = "det", .kind = SS_DIST_DET, .nargs = 1},
	{.name = "exp", .kind = SS_DIST_EXP, .nargs = 1},
	{.name = "uniform", .kind = SS_DIST_UNIFORM, .nargs = 2},
	{.name = "normal", .kind = SS_DIST_NORMAL, .nargs = 2},
	{.name = "pareto", .kind = SS_DIST_PARETO, .nargs = 2},
	{.name = "lognormal", .kind = SS_DIST_LOGNORMAL, .nargs = 2},
};

int ss_dist_parse(const char *text, ss_dist *d, char *err, size_t errlen)
{
	const char *p = text;
	while (isspace((unsigned char)*p))
		p++;
	size_t len = 0;
	while (isalpha((unsigned char)p[len]))
		len++;
	int found = -1;
	for (size_t i = 0; i < sizeof dist_names / sizeof dist_names[0]; i++)
		if (strlen(dist_names[i].name) == len && strncmp(p, dist_names[i].name, len) == 0)
			found = (int)i;
	if (found < 0) {
		ss_errbuf(err, errlen,
			  "unknown distribution '%s' (expected det(v), exp(mean), uniform(a,b), "
			  "normal(mu,sigma), pareto(shape,scale) or lognormal(mean,cv))", text);
		return SS_EPARSE;
	}
	p += len;
	double v[2] = {0, 0};
	int n = 0;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '(') {
		ss_errbuf(err, errlen, "distribution '%s': expected '(' after the name", text);
		return SS_EPARSE;
	}
	p++;
	for (;;) {
		char *end;
		double x = strtod(p, &end);
		if (end == p || n == 2 || !isfinite(x)) {
			ss_errbuf(err, errlen, "distribution '%s': expected %d number(s)", text,
				  dist_names[found].nargs);
			return SS_EPARSE;
		}
		v[n++] = x;
		p = end;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == ')')
			break;
		ss_errbuf(err, errlen, "distribution '%s': expected ',' or ')'", text);
		return SS_EPARSE;
	}
	p++;
	while (isspace((unsigned char)*p))
		p++;
	if (*p || n != dist_names[found].nargs) {
		ss_errbuf(err, errlen, "distribution '%s': %s takes %d parameter(s)", text,
			  dist_names[found].name, dist_names[found].nargs);
		return SS_EPARSE;
	}
	ss_dist r = {dist_names[found].kind, v[0], v[1]};
	const char *bad = NULL;
	switch (r.kind) {
	case SS_DIST_DET: if (r.a < 0) bad = "the value must be >= 0"; break;
	case SS_DIST_EXP: if (r.a <= 0) bad = "the mean must be > 0"; break;
	case SS_DIST_UNIFORM: if (r.a < 0 || r.b <= r.a) bad = "need 0 <= a < b"; break;
	case SS_DIST_NORMAL: if (r.a < 0 || r.b < 0) bad = "need mu >= 0 and sigma >= 0"; break;
	case SS_DIST_PARETO: if (r.a <= 0 || r.b <= 0) bad = "need shape > 0 and scale > 0"; break;
	case SS_DIST_LOGNORMAL: if (r.a <= 0 || r.b < 0) bad = "need mean > 0 and cv >= 0"; break;
	}
	if (bad) {
		ss_errbuf(err, errlen, "distribution '%s': %s", text, bad);
		return SS_EINVAL;
	}
	*d = r;
	return SS_OK;
}

double ss_dist_draw(const ss_dist *d, ss_rng *r)
{
	switch (d->kind) {
	case SS_DIST_DET: return d->a;
	case SS_DIST_EXP: return ss_rng_exponential(r, d->a);
	case SS_DIST_UNIFORM: return d->a + (d->b - d->a) * gsl_rng_uniform(r->g);
	case SS_DIST_NORMAL: {
		double x = d->a + gsl_ran_gaussian_ziggurat(r->g, d->b);
		return x > 0 ? x : 0;
	}
	case SS_DIST_PARETO: return gsl_ran_pareto(r->g, d->a, d->b);
	case SS_DIST_LOGNORMAL: {
		double s2 = log1p(d->b * d->b);
		double mu = log(d->a) - s2 / 2;
		return gsl_ran_lognormal(r->g, mu, sqrt(s2));
	}
	}
	return 0;
}

double ss_dist_mean(const ss_dist *d)
{
	switch (d->kind) {
	case SS_DIST_DET: case SS_DIST_EXP: case SS_DIST_LOGNORMAL: return d->a;
	case SS_DIST_UNIFORM: return (d->a + d->b) / 2;
	case SS_DIST_NORMAL: return d->a; /* truncation at 0 ignored: valid for mu >> sigma */
	case SS_DIST_PARETO: return d->a > 1 ? d->a * d->b / (d->a - 1) : INFINITY;
	}
	return 0;
}

double ss_dist_scv(const ss_dist *d)
{
	double m = ss_dist_mean(d);
	switch (d->kind) {
	case SS_DIST_DET: return 0;
	case SS_DIST_EXP: return 1;
	case SS_DIST_UNIFORM: return (d->b - d->a) * (d->b - d->a) / 12 / (m * m);
	case SS_DIST_NORMAL: return m > 0 ? d->b * d->b / (m * m) : 0;
	case SS_DIST_PARETO:
		return d->a > 2 ? 1.0 / (d->a * (d->a - 2)) : INFINITY;
	case SS_DIST_LOGNORMAL: return d->b * d->b;
	}
	return 0;
}

ss_dist ss_dist_with_mean(const ss_dist *d, double mean)
{
	ss_dist r = *d;
	double m = ss_dist_mean(d);
	double k = (m > 0 && isfinite(m)) ? mean / m : 1;
	switch (d->kind) {
	case SS_DIST_DET: case SS_DIST_EXP: r.a = mean; break;
	case SS_DIST_UNIFORM: case SS_DIST_NORMAL: r.a *= k; r.b *= k; break;
	case SS_DIST_PARETO: r.b *= k; break;
	case SS_DIST_LOGNORMAL: r.a = mean; break;
	}
	return r;
}

void ss_dist_format(const ss_dist *d, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof dist_names / sizeof dist_names[0]; i++)
		if (dist_names[i].kind == d->kind) {
			if (dist_names[i].nargs == 1)
				snprintf(buf, len, "%s(%.17g)", dist_names[i].name, d->a);
			else
				snprintf(buf, len, "%s(%.17g,%.17g)", dist_names[i].name, d->a, d->b);
			return;
		}
	snprintf(buf, len, "?");
}
