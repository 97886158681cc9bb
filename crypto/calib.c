/* Calibration: wall-clock timing of each algorithm on this host, robust
   summaries and the per-call + per-byte fit. */
#include "ss_calib.h"
#include "ss_err.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Statistics and fit (pure functions, unit-tested on synthetic data)  */

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

/* Quantile of sorted x by linear interpolation between order statistics
   (Hyndman & Fan type 7, the default of R and NumPy). */
static double quantile(const double *x, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

int ss_calib_summarize(double *x, size_t n, ss_calib_stats *out)
{
	if (!x || n == 0) {
		return SS_EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || x[i] < 0)
			return SS_EINVAL;
	qsort(x, n, sizeof *x, cmp_double);
	out->n = n;
	out->min = x[0];
	out->max = x[n - 1];
	out->median = quantile(x, n, 0.5);
	out->q1 = quantile(x, n, 0.25);
	out->q3 = quantile(x, n, 0.75);
	return SS_OK;
}

int ss_calib_fit_line(const double *bytes, const double *ns, size_t n,
		      ss_calib_fit *out, char *err, size_t errlen)
{
	double s = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, a, b;
	memset(out, 0, sizeof *out);
	if (n < 2) {
		ss_errbuf(err, errlen, "a fit needs at least two sizes, got %zu", n);
		return SS_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(ns[i] > 0) || !isfinite(ns[i]) || !(bytes[i] >= 0)) {
			ss_errbuf(err, errlen, "fit point %zu: time %g ns at %g "
				  "bytes is not usable", i, ns[i], bytes[i]);
			return SS_EINVAL;
		}
		double w = 1.0 / (ns[i] * ns[i]);
		s += w;
		sx += w * bytes[i];
		sy += w * ns[i];
		sxx += w * bytes[i] * bytes[i];
		sxy += w * bytes[i] * ns[i];
	}
	double det = s * sxx - sx * sx;
	if (!(det > 1e-12 * s * sxx)) {
		ss_errbuf(err, errlen, "a fit needs at least two distinct sizes");
		return SS_EINVAL;
	}
	b = (s * sxy - sx * sy) / det;
	a = (sy - b * sx) / s;
	if (a < 0) { /* through the origin: minimise with a = 0 */
		a = 0;
		b = sxy / sxx;
		out->clamped = 1;
	}
	if (b < 0) { /* flat: the weighted mean */
		b = 0;
		a = sy / s;
		out->clamped = 1;
	}
	/* Weighted R^2 around the weighted mean. */
	double mean = sy / s, ssr = 0, sst = 0;
	for (size_t i = 0; i < n; i++) {
		double w = 1.0 / (ns[i] * ns[i]);
		double r = ns[i] - (a + b * bytes[i]), d = ns[i] - mean;
		ssr += w * r * r;
		sst += w * d * d;
	}
	out->per_call_ns = a;
	out->per_byte_ns = b;
	out->r2 = sst > 0 ? 1.0 - ssr / sst : 1.0;
	return SS_OK;
}

/* ------------------------------------------------------------------ */
/* Calibration container                                               */

struct ss_calib {
	ss_calib_host host;
	size_t nalg;             /* registry size */
	ss_calib_entry *entry;   /* indexed by algorithm id */
};

int ss_calib_alloc(ss_calib **out)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	ss_calib *cal = calloc(1, sizeof *cal);
	if (!cal)
		return SS_ENOMEM;
	cal->nalg = ss_crypto_alg_count();
	cal->entry = calloc(cal->nalg, sizeof *cal->entry);
	if (!cal->entry) {
		free(cal);
		return SS_ENOMEM;
	}
	snprintf(cal->host.cpu_model, sizeof cal->host.cpu_model, "unknown");
	*out = cal;
	return SS_OK;
}

void ss_calib_free(ss_calib *cal)
{
	if (!cal)
		return;
	free(cal->entry);
	free(cal);
}

ss_calib_host *ss_calib_host_info(ss_calib *cal) { return &cal->host; }
const ss_calib_host *ss_calib_host_get(const ss_calib *cal) { return &cal->host; }

int ss_calib_add(ss_calib *cal, const char *alg, size_t bytes,
		 const ss_calib_stats *st, char *err, size_t errlen)
{
	const ss_crypto_alg *a;
	int rc = ss_crypto_alg_find(alg, &a, err, errlen);
	if (rc != SS_OK)
		return rc;
	ss_calib_entry *e = &cal->entry[a->id];
	e->alg = a;
	for (size_t i = 0; i < e->npoints; i++) {
		if (e->bytes[i] == bytes) {
			ss_errbuf(err, errlen, "%s: size %zu timed twice", alg,
				  bytes);
			return SS_EINVAL;
		}
	}
	if (e->npoints >= SS_CALIB_MAX_SIZES) {
		ss_errbuf(err, errlen, "%s: more than %d sizes", alg,
			  SS_CALIB_MAX_SIZES);
		return SS_EINVAL;
	}
	if (!(st->median > 0) || !isfinite(st->median) || st->min > st->median ||
	    st->max < st->median) {
		ss_errbuf(err, errlen, "%s at %zu bytes: inconsistent timing "
			  "(min %g, median %g, max %g ns)", alg, bytes, st->min,
			  st->median, st->max);
		return SS_EINVAL;
	}
	/* Keep points sorted by size: tables and the store read in order. */
	size_t k = e->npoints;
	while (k > 0 && e->bytes[k - 1] > bytes) {
		e->bytes[k] = e->bytes[k - 1];
		e->ns[k] = e->ns[k - 1];
		k--;
	}
	e->bytes[k] = bytes;
	e->ns[k] = *st;
	e->npoints++;
	return SS_OK;
}

int ss_calib_finish(ss_calib *cal, char *err, size_t errlen)
{
	for (size_t i = 0; i < cal->nalg; i++) {
		ss_calib_entry *e = &cal->entry[i];
		if (!e->alg)
			continue;
		memset(&e->fit, 0, sizeof e->fit);
		if (e->alg->kind == SS_CRYPTO_PK) {
			/* One size only: RSA costs the same for any short input. */
			e->fit.per_call_ns = e->ns[0].median;
			e->fit.r2 = 1.0;
			continue;
		}
		double x[SS_CALIB_MAX_SIZES], y[SS_CALIB_MAX_SIZES];
		for (size_t k = 0; k < e->npoints; k++) {
			x[k] = (double)e->bytes[k];
			y[k] = e->ns[k].median;
		}
		char why[200];
		int rc = ss_calib_fit_line(x, y, e->npoints, &e->fit, why,
					   sizeof why);
		if (rc != SS_OK) {
			ss_errbuf(err, errlen, "%s: %s", e->alg->name, why);
			return rc;
		}
	}
	return SS_OK;
}

size_t ss_calib_count(const ss_calib *cal)
{
	size_t n = 0;
	for (size_t i = 0; i < cal->nalg; i++)
		n += cal->entry[i].alg != NULL;
	return n;
}

const ss_calib_entry *ss_calib_entry_at(const ss_calib *cal, size_t i)
{
	for (size_t k = 0; k < cal->nalg; k++)
		if (cal->entry[k].alg && i-- == 0)
			return &cal->entry[k];
	return NULL;
}

const ss_calib_entry *ss_calib_find(const ss_calib *cal, const ss_crypto_alg *a)
{
	if (!a || a->id < 0 || (size_t)a->id >= cal->nalg ||
	    !cal->entry[a->id].alg)
		return NULL;
	return &cal->entry[a->id];
}

/* ------------------------------------------------------------------ */
/* Host identity                                                       */

/* Value of the first "key : value" line of /proc/cpuinfo, or 0. */
static int cpuinfo_field(const char *key, char *val, size_t len, int *count)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	int found = 0;
	size_t klen = strlen(key);
	if (count)
		*count = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, key, klen) != 0)
			continue;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		if (count)
			(*count)++;
		if (found)
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(val, len, "%s", colon);
		found = 1;
	}
	fclose(f);
	return found;
}

void ss_calib_host_detect(ss_calib_host *h)
{
	char buf[128];
	int nproc = 0;
	time_t now = time(NULL);
	struct tm tm;
	memset(h, 0, sizeof *h);
	if (!cpuinfo_field("model name", h->cpu_model, sizeof h->cpu_model, NULL))
		snprintf(h->cpu_model, sizeof h->cpu_model, "unknown");
	if (cpuinfo_field("cpu MHz", buf, sizeof buf, NULL))
		h->clock_mhz = strtod(buf, NULL);
	cpuinfo_field("processor", buf, sizeof buf, &nproc);
	long onln = sysconf(_SC_NPROCESSORS_ONLN);
	h->cores = onln > 0 ? (int)onln : nproc > 0 ? nproc : 1;
	/* OPENSSL_ia32cap masks CPU features (AES-NI, SHA-NI, AVX...) and so
	   changes which code runs: it belongs to the identity of the run. */
	const char *cap = getenv("OPENSSL_ia32cap");
	snprintf(h->openssl_version, sizeof h->openssl_version, "%s%s%.48s%s",
		 ss_crypto_openssl_version(), cap ? " [OPENSSL_ia32cap=" : "",
		 cap ? cap : "", cap ? "]" : "");
	if (gmtime_r(&now, &tm))
		strftime(h->date, sizeof h->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ------------------------------------------------------------------ */
/* Timing                                                              */

static const size_t default_sizes[] = {64, 256, 1024, 4096, 16384, 32768};
#define MAXBUF 32768
#define PMS_LEN 48  /* SSL premaster secret (RFC 2246 7.4.7.1) */
#define MSG_LEN 64  /* signed message: two 32-byte hello randoms */
/* AEAD associated data: ESP's SPI and 32-bit sequence number, the AAD
   of every RFC 4106 packet without extended sequence numbers (sec. 5). */
#define AAD_LEN 8
#define TAGROOM 16  /* AEAD tag after the sealed bytes (GCM: 16) */

void ss_calib_opts_default(ss_calib_opts *o, int quick)
{
	memset(o, 0, sizeof *o);
	o->quick = quick != 0;
	o->reps = quick ? 5 : 11;
	o->batch_s = quick ? 0.002 : 0.008;
	o->warmup_s = quick ? 0.05 : 0.15;
	o->sizes = default_sizes;
	o->nsizes = sizeof default_sizes / sizeof default_sizes[0];
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Everything one timed call needs, prepared outside the timed loop. */
struct bench {
	ss_crypto *c;
	const ss_crypto_alg *a;
	unsigned char *buf;      /* MAXBUF input (ciphers, AEADs: in place),
	                            TAGROOM more bytes for the AEAD tag */
	size_t len;
	unsigned char key[32];
	unsigned char iv[16];
	unsigned char out[512];
	unsigned char ct[256];   /* RSA ciphertext of the premaster */
	size_t ctlen;
	unsigned char sig[256];  /* RSA signature of the message */
	size_t siglen;
	char err[256];
};

static int run_once(struct bench *b)
{
	size_t n;
	switch (b->a->kind) {
	case SS_CRYPTO_HASH:
		return ss_crypto_digest(b->c, b->a, b->buf, b->len, b->out,
					sizeof b->out, &n, b->err, sizeof b->err);
	case SS_CRYPTO_MAC:
		return ss_crypto_mac(b->c, b->a, b->key, b->a->key_size, b->buf,
				     b->len, b->out, sizeof b->out, &n, b->err,
				     sizeof b->err);
	case SS_CRYPTO_CIPHER:
		return ss_crypto_cipher(b->c, b->a, 1, b->key, b->a->key_size,
					b->iv, b->buf, b->buf, b->len, b->err,
					sizeof b->err);
	case SS_CRYPTO_AEAD:
		/* Sealing: encryption + GHASH over AAD and ciphertext + the
		   tag.  Opening does the same work plus a 16-byte compare, so
		   one cost stands for both directions, as for ciphers.  The
		   AAD is the IV buffer's last 8 bytes: its value does not
		   change the cost. */
		return ss_crypto_aead_seal(b->c, b->a, b->key, b->a->key_size,
					   b->iv, b->a->iv_size, b->iv + 8,
					   AAD_LEN, b->buf, b->len, b->buf,
					   b->len + TAGROOM, &n, b->err,
					   sizeof b->err);
	case SS_CRYPTO_PK:
		switch (b->a->pkop) {
		case SS_PK_ENCRYPT:
			return ss_crypto_rsa_encrypt(b->c, b->a, b->buf, PMS_LEN,
						     b->out, sizeof b->out, &n,
						     b->err, sizeof b->err);
		case SS_PK_DECRYPT:
			return ss_crypto_rsa_decrypt(b->c, b->a, b->ct, b->ctlen,
						     b->out, sizeof b->out, &n,
						     b->err, sizeof b->err);
		case SS_PK_SIGN:
			return ss_crypto_rsa_sign(b->c, b->a, b->buf, MSG_LEN,
						  b->out, sizeof b->out, &n,
						  b->err, sizeof b->err);
		case SS_PK_VERIFY:
			return ss_crypto_rsa_verify(b->c, b->a, b->buf, MSG_LEN,
						    b->sig, b->siglen, b->err,
						    sizeof b->err);
		case SS_PK_NONE:
			break;
		}
	}
	ss_errbuf(b->err, sizeof b->err, "%s: nothing to time", b->a->name);
	return SS_EINVAL;
}

/* Seconds for k calls, or a negative value if a call failed. */
static double time_batch(struct bench *b, long k)
{
	double t0 = now_s();
	for (long i = 0; i < k; i++)
		if (run_once(b) != SS_OK)
			return -1;
	return now_s() - t0;
}

static int time_point(struct bench *b, const ss_calib_opts *o,
		      ss_calib_stats *st, char *err, size_t errlen)
{
	double samples[64];
	long k = 1;
	double t;
	/* Warm caches, the branch predictor and the CPU clock, and size the
	   batch so timer resolution and loop overhead are negligible. */
	for (;;) {
		t = time_batch(b, k);
		if (t < 0) {
			ss_errbuf(err, errlen, "%s", b->err);
			return SS_ECRYPTO;
		}
		if (t >= o->batch_s || k >= (1L << 24))
			break;
		k = t > 0 ? (long)(k * fmin(8.0, 1.2 * o->batch_s / t)) + 1 : k * 8;
	}
	for (int r = 0; r < o->reps; r++) {
		t = time_batch(b, k);
		if (t < 0) {
			ss_errbuf(err, errlen, "%s", b->err);
			return SS_ECRYPTO;
		}
		samples[r] = t * 1e9 / (double)k;
	}
	return ss_calib_summarize(samples, (size_t)o->reps, st);
}

/* Untimed calls for o->warmup_s seconds. */
static int warm_up(struct bench *b, const ss_calib_opts *o, char *err,
		   size_t errlen)
{
	double t0 = now_s();
	while (now_s() - t0 < o->warmup_s)
		if (run_once(b) != SS_OK) {
			ss_errbuf(err, errlen, "%s", b->err);
			return SS_ECRYPTO;
		}
	return SS_OK;
}

static int calibrate_alg(ss_crypto *c, const ss_calib_opts *o,
			 const ss_crypto_alg *a, struct bench *b,
			 ss_calib *cal, char *err, size_t errlen)
{
	ss_calib_stats st;
	int rc = ss_crypto_available(c, a, err, errlen);
	if (rc != SS_OK)
		return rc;
	b->a = a;
	b->len = o->sizes[0];
	if (a->kind == SS_CRYPTO_PK) {
		/* Inputs that the private/verify sides consume, made with
		   the same key (any rsaN-* entry selects the key). */
		rc = ss_crypto_rsa_encrypt(c, a, b->buf, PMS_LEN, b->ct,
					   sizeof b->ct, &b->ctlen, err, errlen);
		if (rc == SS_OK)
			rc = ss_crypto_rsa_sign(c, a, b->buf, MSG_LEN, b->sig,
						sizeof b->sig, &b->siglen, err,
						errlen);
		if (rc == SS_OK)
			rc = warm_up(b, o, err, errlen);
		if (rc == SS_OK)
			rc = time_point(b, o, &st, err, errlen);
		if (rc == SS_OK)
			rc = ss_calib_add(cal, a->name,
					  a->pkop == SS_PK_ENCRYPT ||
							  a->pkop == SS_PK_DECRYPT
						  ? PMS_LEN
						  : MSG_LEN,
					  &st, err, errlen);
		return rc;
	}
	if ((rc = warm_up(b, o, err, errlen)) != SS_OK)
		return rc;
	for (size_t i = 0; i < o->nsizes; i++) {
		b->len = o->sizes[i];
		rc = time_point(b, o, &st, err, errlen);
		if (rc == SS_OK)
			rc = ss_calib_add(cal, a->name, b->len, &st, err, errlen);
		if (rc != SS_OK)
			return rc;
	}
	return SS_OK;
}

static int check_opts(const ss_calib_opts *o, char *err, size_t errlen)
{
	if (o->reps < 3 || o->reps > 64) {
		ss_errbuf(err, errlen, "repetitions must be 3..64, got %d", o->reps);
		return SS_EINVAL;
	}
	if (!(o->batch_s >= 1e-4 && o->batch_s <= 1.0)) {
		ss_errbuf(err, errlen, "batch time must be 0.0001..1 s, got %g",
			  o->batch_s);
		return SS_EINVAL;
	}
	if (!(o->warmup_s >= 0 && o->warmup_s <= 10)) {
		ss_errbuf(err, errlen, "warm-up must be 0..10 s, got %g",
			  o->warmup_s);
		return SS_EINVAL;
	}
	if (!o->sizes || o->nsizes < 2 || o->nsizes > SS_CALIB_MAX_SIZES) {
		ss_errbuf(err, errlen, "between 2 and %d buffer sizes are needed",
			  SS_CALIB_MAX_SIZES);
		return SS_EINVAL;
	}
	for (size_t i = 0; i < o->nsizes; i++) {
		if (o->sizes[i] == 0 || o->sizes[i] > MAXBUF ||
		    o->sizes[i] % 16 != 0) {
			ss_errbuf(err, errlen, "buffer size %zu: must be a "
				  "multiple of 16 in 16..%d", o->sizes[i], MAXBUF);
			return SS_EINVAL;
		}
	}
	return SS_OK;
}

int ss_calib_run(ss_crypto *c, const ss_calib_opts *o, ss_calib **out,
		 char *err, size_t errlen)
{
	ss_calib_opts def;
	const ss_crypto_alg *list[64];
	size_t nlist = 0;
	struct bench *b = NULL;
	ss_calib *cal = NULL;
	int rc;

	*out = NULL;
	if (!o) {
		ss_calib_opts_default(&def, 0);
		o = &def;
	}
	if ((rc = check_opts(o, err, errlen)) != SS_OK)
		return rc;
	/* Resolve every name first, so a typo fails before any timing. */
	if (o->algs) {
		if (o->nalgs > sizeof list / sizeof list[0]) {
			ss_errbuf(err, errlen, "too many algorithms");
			return SS_EINVAL;
		}
		for (size_t i = 0; i < o->nalgs; i++)
			if ((rc = ss_crypto_alg_find(o->algs[i], &list[nlist++],
						     err, errlen)) != SS_OK)
				return rc;
	} else {
		for (size_t i = 0; i < ss_crypto_alg_count(); i++)
			list[nlist++] = ss_crypto_alg_get(i);
	}

	ss_calib_alloc(&cal);
	b = calloc(1, sizeof *b);
	unsigned char *buf = malloc(MAXBUF + TAGROOM);
	if (!cal || !b || !buf) {
		ss_errbuf(err, errlen, "out of memory");
		rc = SS_ENOMEM;
		goto done;
	}
	ss_calib_host_detect(&cal->host);
	cal->host.quick = o->quick;
	/* Inputs are pseudo-random bytes (a fixed LCG): Nahum et al. note
	   that empty buffers flatter table-driven DES caches (N95-004). */
	uint32_t s = 12345;
	for (size_t i = 0; i < MAXBUF; i++) {
		s = s * 1103515245u + 12345u;
		buf[i] = (unsigned char)(s >> 16);
	}
	b->c = c;
	b->buf = buf;
	for (size_t i = 0; i < sizeof b->key; i++)
		b->key[i] = (unsigned char)(0x30 + i);
	for (size_t i = 0; i < nlist; i++) {
		if (o->progress)
			o->progress(o->ud, list[i], i, nlist);
		rc = calibrate_alg(c, o, list[i], b, cal, err, errlen);
		if (rc != SS_OK)
			goto done;
	}
	rc = ss_calib_finish(cal, err, errlen);
done:
	free(buf);
	free(b);
	if (rc == SS_OK)
		*out = cal;
	else
		ss_calib_free(cal);
	return rc;
}
