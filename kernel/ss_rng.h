/* Random-number streams (GSL generators) and the distributions models draw. */
#ifndef SS_RNG_H
#define SS_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct ss_rng ss_rng;

/* A stream whose state depends only on (run seed, name): the generator is
   GSL's MT19937, seeded with a SplitMix64 mix of the seed and an FNV-1a
   hash of the name. Sets *out and returns SS_OK; SS_ENOMEM when out of
   memory, SS_EINVAL when out or name is NULL (*out is NULL on failure). */
int ss_rng_alloc(ss_rng **out, uint64_t run_seed, const char *name);
void ss_rng_free(ss_rng *r); /* NULL is a no-op */
/* An independent copy of r in its current state, same returns. */
int ss_rng_clone(ss_rng **out, const ss_rng *r);

double ss_rng_uniform(ss_rng *r);                /* [0, 1) */
double ss_rng_uniform_pos(ss_rng *r);            /* (0, 1) */
uint64_t ss_rng_u64(ss_rng *r);                  /* 64 random bits */
unsigned long ss_rng_uniform_int(ss_rng *r, unsigned long n); /* 0..n-1, n > 0 */
double ss_rng_exponential(ss_rng *r, double mean);
double ss_rng_gaussian(ss_rng *r);              /* standard normal */
void ss_rng_fill(ss_rng *r, unsigned char *buf, size_t len); /* random bytes */

/* Deterministic mixing used for stream and replication seeds. */
uint64_t ss_rng_mix(uint64_t x);
uint64_t ss_rng_hash(const char *s);

/* A distribution named in a scenario file:
     det(v)            always v
     exp(mean)         exponential
     uniform(a, b)     uniform on [a, b)
     normal(mu, sigma) normal, truncated at 0 (times are never negative)
     pareto(shape, scale)  Pareto, P(X > x) = (scale/x)^shape, x >= scale
     lognormal(mean, cv)   lognormal with the given mean and coefficient of variation */
typedef enum ss_dist_kind {
	SS_DIST_DET,
	SS_DIST_EXP,
	SS_DIST_UNIFORM,
	SS_DIST_NORMAL,
	SS_DIST_PARETO,
	SS_DIST_LOGNORMAL
} ss_dist_kind;

typedef struct ss_dist {
	ss_dist_kind kind;
	double a, b; /* parameters, as in the list above */
} ss_dist;

/* Parses "exp(2.5)" etc. Returns 0, or SS_EPARSE/SS_EINVAL with a message. */
int ss_dist_parse(const char *text, ss_dist *d, char *err, size_t errlen);
double ss_dist_draw(const ss_dist *d, ss_rng *r);
double ss_dist_mean(const ss_dist *d);  /* INFINITY for pareto with shape <= 1 */
double ss_dist_scv(const ss_dist *d);   /* squared coefficient of variation */
/* Scales a distribution so its mean becomes `mean` (used for "service = exp"
   with a separate mean parameter). */
ss_dist ss_dist_with_mean(const ss_dist *d, double mean);
void ss_dist_format(const ss_dist *d, char *buf, size_t len);

#endif
