/* Calibration: time each algorithm on this host (per call at several
   buffer sizes for bulk algorithms, per operation for RSA), summarise the
   repetitions, and fit per-call overhead + per-byte cost. */
#ifndef SS_CALIB_H
#define SS_CALIB_H

#include <stddef.h>

#include "ss_crypto.h"

#define SS_CALIB_MAX_SIZES 8

/* Summary of repeated timings of one quantity. */
typedef struct ss_calib_stats {
	size_t n;      /* repetitions */
	double median; /* ns per call */
	double min;    /* ns per call */
	double max;    /* ns per call */
	double q1;     /* ns, first quartile (linear interpolation) */
	double q3;     /* ns, third quartile */
} ss_calib_stats;

/* Sort x[0..n) in place and summarise it.  SS_EINVAL if n == 0 or a
   sample is negative or not finite. */
int ss_calib_summarize(double *x, size_t n, ss_calib_stats *out);

/* Straight line ns = per_call + per_byte * bytes. */
typedef struct ss_calib_fit {
	double per_call_ns; /* ns per call (intercept), >= 0 */
	double per_byte_ns; /* ns per byte (slope), >= 0 */
	double r2;          /* weighted coefficient of determination */
	int clamped;        /* 1 if a negative coefficient was forced to 0 and
	                       the other refitted */
} ss_calib_fit;

/* Least-squares fit over n >= 2 points with at least two distinct sizes.
   Points are weighted by 1/ns^2, i.e. relative errors are minimised, so
   that the small sizes (which carry the per-call overhead) count as much
   as the large ones (whose absolute times are 500 times bigger).  A
   negative intercept or slope (noise) is clamped to 0 and the other
   coefficient refitted, since a profile never holds a negative cost. */
int ss_calib_fit_line(const double *bytes, const double *ns, size_t n,
		      ss_calib_fit *out, char *err, size_t errlen);

/* The host a calibration ran on. */
typedef struct ss_calib_host {
	char cpu_model[128];       /* /proc/cpuinfo "model name", or "unknown" */
	double clock_mhz;          /* /proc/cpuinfo "cpu MHz"; 0 if unknown */
	int cores;                 /* online processors */
	char openssl_version[128]; /* OpenSSL_version(OPENSSL_VERSION), plus
	                              " [OPENSSL_ia32cap=...]" if that is set */
	char date[32];             /* ISO 8601 UTC, e.g. 2026-01-31T12:00:00Z */
	int quick;                 /* 1 if a --quick calibration */
} ss_calib_host;

/* Fill h from /proc/cpuinfo, the processor count, OpenSSL and the clock. */
void ss_calib_host_detect(ss_calib_host *h);

/* Timings of one algorithm. */
typedef struct ss_calib_entry {
	const ss_crypto_alg *alg;
	size_t npoints;                            /* sizes timed */
	size_t bytes[SS_CALIB_MAX_SIZES];          /* input bytes per call */
	ss_calib_stats ns[SS_CALIB_MAX_SIZES];     /* ns per call, by size */
	ss_calib_fit fit;  /* bulk algorithms: the line over all sizes; RSA:
	                      per_call_ns = median per operation, per_byte 0 */
} ss_calib_entry;

typedef struct ss_calib ss_calib;

/* An empty calibration in *out: SS_OK, SS_ENOMEM (*out NULL) or SS_EINVAL
   (out NULL). */
int ss_calib_alloc(ss_calib **out);
void ss_calib_free(ss_calib *cal); /* NULL is a no-op */

ss_calib_host *ss_calib_host_info(ss_calib *cal);
const ss_calib_host *ss_calib_host_get(const ss_calib *cal);

/* Record the timing of `alg` at `bytes` (used by the runner and by the
   store when it reads a calibration back).  SS_ENOENT for an unknown
   algorithm, SS_EINVAL for a duplicate size or too many sizes. */
int ss_calib_add(ss_calib *cal, const char *alg, size_t bytes,
		 const ss_calib_stats *st, char *err, size_t errlen);

/* Compute every entry's fit from its points; call after the last add. */
int ss_calib_finish(ss_calib *cal, char *err, size_t errlen);

/* Entries in registry order; entry(cal, i) for i < count. */
size_t ss_calib_count(const ss_calib *cal);
const ss_calib_entry *ss_calib_entry_at(const ss_calib *cal, size_t i);
const ss_calib_entry *ss_calib_find(const ss_calib *cal, const ss_crypto_alg *a);

/* What to time and for how long. */
typedef struct ss_calib_opts {
	int quick;             /* 1: fewer repetitions, shorter batches */
	int reps;              /* repetitions per point (>= 3) */
	double batch_s;        /* seconds per timed batch (>= 1e-4) */
	double warmup_s;       /* seconds of untimed calls before an
	                          algorithm's first point (0..10) */
	const size_t *sizes;   /* bulk sizes in bytes; NULL: the defaults */
	size_t nsizes;         /* <= SS_CALIB_MAX_SIZES */
	const char *const *algs; /* registry names; NULL: every algorithm */
	size_t nalgs;
	/* Called before each algorithm (may be NULL), e.g. for progress. */
	void (*progress)(void *ud, const ss_crypto_alg *a, size_t i, size_t n);
	void *ud;
} ss_calib_opts;

/* Defaults: sizes 64, 256, 1024, 4096, 16384, 32768; full: 0.15 s warm-up
   and 11 reps of 8 ms batches per algorithm (about 12 s in all); quick:
   0.05 s and 5 reps of 2 ms (about 3 s).  The warm-up matters: on the
   reference host the first ~0.1 s of RSA runs 30 % slow (vector-unit
   and clock ramp-up), which shorter warm-ups recorded as its cost. */
void ss_calib_opts_default(ss_calib_opts *o, int quick);

/* Time the algorithms with wall-clock CLOCK_MONOTONIC.  Each point:
   warm up, grow the batch until it lasts batch_s, then time reps batches
   and summarise ns per call.  Bulk inputs are the sizes (an AEAD seals
   that many bytes with 8 bytes of AAD, ESP's SPI + sequence number as in
   RFC 4106, the size not counting the AAD); RSA operations
   work on a 48-byte premaster secret (public/private) or sign/verify a
   64-byte message. */
int ss_calib_run(ss_crypto *c, const ss_calib_opts *o, ss_calib **out,
		 char *err, size_t errlen);

#endif
