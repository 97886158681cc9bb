/* Calibration logic without timing anything: summaries, the per-call +
   per-byte fit on synthetic timings, and the SQLite store round trip. */
#include "ss_calib.h"
#include "ss_calibdb.h"
#include "ss_err.h"
#include "ss_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const double sizes[] = {64, 256, 1024, 4096, 16384, 32768};
#define NS 6

static void test_summarize(void)
{
	double odd[] = {5, 1, 4, 2, 3};
	double even[] = {4, 1, 3, 2};
	double bad[] = {1, -2, 3};
	ss_calib_stats s;
	int rc = ss_calib_summarize(odd, 5, &s);
	SS_CHECK(rc == SS_OK && s.n == 5, "summarize 5 samples");
	SS_CHECK_NEAR(s.median, 3, 0, "median of 5,1,4,2,3");
	SS_CHECK(s.min == 1 && s.max == 5, "min 1, max 5");
	SS_CHECK_NEAR(s.q1, 2, 1e-12, "q1 (type 7 quantile)");
	SS_CHECK_NEAR(s.q3, 4, 1e-12, "q3 (type 7 quantile)");
	ss_calib_summarize(even, 4, &s);
	SS_CHECK_NEAR(s.median, 2.5, 1e-12, "median of an even count interpolates");
	SS_CHECK_NEAR(s.q1, 1.75, 1e-12, "q1 of 1..4 is 1.75");
	SS_CHECK_NEAR(s.q3, 3.25, 1e-12, "q3 of 1..4 is 3.25");
	double one[] = {7};
	ss_calib_summarize(one, 1, &s);
	SS_CHECK(s.median == 7 && s.q1 == 7 && s.q3 == 7, "a single sample");
	SS_CHECK(ss_calib_summarize(bad, 3, &s) == SS_EINVAL,
		 "a negative sample is SS_EINVAL");
	SS_CHECK(ss_calib_summarize(odd, 0, &s) == SS_EINVAL,
		 "no samples is SS_EINVAL");
}

static void test_fit(void)
{
	double y[NS];
	ss_calib_fit f;
	char err[256];
	int rc;

	/* Exact line: overhead 350 ns, 1.75 ns/byte. */
	for (int i = 0; i < NS; i++)
		y[i] = 350 + 1.75 * sizes[i];
	rc = ss_calib_fit_line(sizes, y, NS, &f, err, sizeof err);
	SS_CHECK(rc == SS_OK && !f.clamped, "fit of an exact line");
	SS_CHECK_NEAR(f.per_call_ns, 350, 1e-6, "exact: overhead recovered");
	SS_CHECK_NEAR(f.per_byte_ns, 1.75, 1e-9, "exact: per-byte recovered");
	SS_CHECK_NEAR(f.r2, 1, 1e-12, "exact: R^2 = 1");

	/* +-3 % deterministic "noise", as real medians show. */
	for (int i = 0; i < NS; i++)
		y[i] = (120 + 0.6 * sizes[i]) * (1 + 0.03 * sin(1.7 * i + 0.4));
	rc = ss_calib_fit_line(sizes, y, NS, &f, err, sizeof err);
	SS_CHECK(rc == SS_OK, "fit of noisy timings");
	SS_CHECK_NEAR(f.per_call_ns, 120, 20, "noisy: overhead within 20 ns");
	SS_CHECK_NEAR(f.per_byte_ns, 0.6, 0.6 * 0.03, "noisy: per-byte within 3%%");
	SS_CHECK(f.r2 > 0.99 && f.r2 < 1, "noisy: 0.99 < R^2 < 1 (%g)", f.r2);

	/* An unweighted fit would let the 32 KB point swamp the overhead: with
	   relative weights a 1 % error at 32 KB moves the overhead little. */
	for (int i = 0; i < NS; i++)
		y[i] = 80 + 2.0 * sizes[i];
	y[NS - 1] *= 1.01;
	ss_calib_fit_line(sizes, y, NS, &f, err, sizeof err);
	SS_CHECK_NEAR(f.per_call_ns, 80, 8, "relative weights keep the overhead "
		      "despite a 1%% error at 32 KB");

	/* Negative intercept: forced through the origin. */
	for (int i = 0; i < NS; i++)
		y[i] = -50 + 2.0 * sizes[i];
	rc = ss_calib_fit_line(sizes, y, NS, &f, err, sizeof err);
	/* Weighted LS through the origin: b = sum(x/y) / sum(x^2/y^2). */
	double sxy = 0, sxx = 0;
	for (int i = 0; i < NS; i++) {
		sxy += sizes[i] / y[i];
		sxx += sizes[i] * sizes[i] / (y[i] * y[i]);
	}
	SS_CHECK(rc == SS_OK && f.clamped && f.per_call_ns == 0,
		 "negative overhead clamped to 0");
	SS_CHECK_NEAR(f.per_byte_ns, sxy / sxx, 1e-12,
		      "slope refitted through the origin");

	/* Decreasing with size: slope clamped, overhead = weighted mean. */
	for (int i = 0; i < NS; i++)
		y[i] = 1000 - 0.01 * sizes[i];
	rc = ss_calib_fit_line(sizes, y, NS, &f, err, sizeof err);
	SS_CHECK(rc == SS_OK && f.clamped && f.per_byte_ns == 0 &&
			 f.per_call_ns > 672 && f.per_call_ns < 1000,
		 "negative slope clamped to 0 (%g ns)", f.per_call_ns);

	double two[] = {100, 100}, ty[] = {5, 6};
	SS_CHECK(ss_calib_fit_line(sizes, y, 1, &f, err, sizeof err) == SS_EINVAL,
		 "one point is SS_EINVAL (%s)", err);
	SS_CHECK(ss_calib_fit_line(two, ty, 2, &f, err, sizeof err) == SS_EINVAL,
		 "two equal sizes are SS_EINVAL (%s)", err);
	ty[0] = 0;
	SS_CHECK(ss_calib_fit_line(sizes, ty, 2, &f, err, sizeof err) == SS_EINVAL,
		 "a zero time is SS_EINVAL (%s)", err);
}

static ss_calib_stats stats(double med)
{
	ss_calib_stats s = {5, med, med * 0.97, med * 1.05, med * 0.99, med * 1.01};
	return s;
}

/* A synthetic calibration: md5 and des-cbc on a line, one RSA op. */
static ss_calib *synthetic(double k, const char *date)
{
	char err[256];
	ss_calib *cal = NULL;
	SS_MUST(ss_calib_alloc(&cal));
	ss_calib_host *h = ss_calib_host_info(cal);
	snprintf(h->cpu_model, sizeof h->cpu_model, "Test CPU \"quoted\"");
	h->clock_mhz = 2000;
	h->cores = 4;
	snprintf(h->openssl_version, sizeof h->openssl_version, "OpenSSL test");
	snprintf(h->date, sizeof h->date, "%s", date);
	/* Added in reverse order: the container sorts by size. */
	for (int i = NS - 1; i >= 0; i--) {
		ss_calib_stats s = stats(k * (100 + 1.5 * sizes[i]));
		ss_calib_add(cal, "md5", (size_t)sizes[i], &s, err, sizeof err);
		s = stats(k * (150 + 12.0 * sizes[i]));
		ss_calib_add(cal, "des-cbc", (size_t)sizes[i], &s, err, sizeof err);
	}
	ss_calib_stats r = stats(k * 74000);
	ss_calib_add(cal, "rsa1024-private", 48, &r, err, sizeof err);
	ss_calib_finish(cal, err, sizeof err);
	return cal;
}

static void test_container(void)
{
	char err[256];
	ss_calib *cal = synthetic(1, "2026-01-01T00:00:00Z");
	const ss_crypto_alg *md5, *rsa;
	ss_crypto_alg_find("md5", &md5, NULL, 0);
	ss_crypto_alg_find("rsa1024-private", &rsa, NULL, 0);
	const ss_calib_entry *e = ss_calib_find(cal, md5);
	SS_CHECK(ss_calib_count(cal) == 3, "three algorithms recorded");
	SS_CHECK(e && e->npoints == NS && e->bytes[0] == 64 &&
			 e->bytes[NS - 1] == 32768,
		 "points kept sorted by size");
	SS_CHECK_NEAR(e ? e->fit.per_byte_ns : -1, 1.5, 1e-9,
		      "finish fits md5 per byte");
	SS_CHECK_NEAR(e ? e->fit.per_call_ns : -1, 100, 1e-6,
		      "finish fits md5 per call");
	e = ss_calib_find(cal, rsa);
	SS_CHECK(e && e->fit.per_call_ns == 74000 && e->fit.per_byte_ns == 0,
		 "RSA: per operation = median");
	ss_calib_stats s = stats(10);
	SS_CHECK(ss_calib_add(cal, "md5", 64, &s, err, sizeof err) == SS_EINVAL,
		 "duplicate size is SS_EINVAL (%s)", err);
	SS_CHECK(ss_calib_add(cal, "md6", 64, &s, err, sizeof err) == SS_ENOENT,
		 "unknown algorithm is SS_ENOENT");
	s.min = 20;
	SS_CHECK(ss_calib_add(cal, "sha1", 64, &s, err, sizeof err) == SS_EINVAL,
		 "min above median is SS_EINVAL (%s)", err);
	ss_calib_free(cal);
	ss_calib_free(NULL);

	ss_calib_host h;
	ss_calib_host_detect(&h);
	SS_CHECK(h.cores >= 1 && h.openssl_version[0] && h.cpu_model[0],
		 "host detected: %s, %d cores, %s", h.cpu_model, h.cores,
		 h.openssl_version);
	SS_CHECK(strlen(h.date) == 20 && h.date[10] == 'T' && h.date[19] == 'Z',
		 "host date is ISO 8601 UTC (%s)", h.date);
}

static void test_store(void)
{
	char path[] = "/tmp/ss_test_calibXXXXXX", err[512];
	int fd = mkstemp(path);
	sqlite3 *db = NULL;
	ss_calib *got = NULL;
	int64_t id1 = 0, id2 = 0;
	if (fd < 0) {
		SS_CHECK(0, "mkstemp");
		return;
	}
	close(fd);
	int rc = ss_calibdb_open(path, &db, err, sizeof err);
	SS_CHECK(rc == SS_OK, "open a fresh database (%s)", rc ? err : path);
	if (rc != SS_OK)
		goto out;
	rc = ss_calibdb_load_latest(db, &got, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && got == NULL, "empty database: SS_ENOENT (%s)",
		 err);

	ss_calib *c1 = synthetic(1, "2026-01-01T00:00:00Z");
	ss_calib *c2 = synthetic(2, "2026-02-02T00:00:00Z");
	ss_calib_host_info(c2)->quick = 1;
	rc = ss_calibdb_store(db, c1, &id1, err, sizeof err);
	int rc2 = ss_calibdb_store(db, c2, &id2, err, sizeof err);
	SS_CHECK(rc == SS_OK && rc2 == SS_OK && id2 > id1,
		 "two calibrations stored (ids %lld, %lld)", (long long)id1,
		 (long long)id2);

	/* A row for an algorithm this build does not know is skipped. */
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "INSERT INTO calibration VALUES (?, 'md7', 64, 5, "
			   "1, 1, 1, 1, 1)", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, id2);
	sqlite3_step(st);
	sqlite3_finalize(st);

	rc = ss_calibdb_load_latest(db, &got, err, sizeof err);
	SS_CHECK(rc == SS_OK && got, "latest calibration read back (%s)",
		 rc ? err : "ok");
	if (got) {
		const ss_calib_host *h = ss_calib_host_get(got);
		SS_CHECK(strcmp(h->date, "2026-02-02T00:00:00Z") == 0 && h->quick,
			 "the latest (second) one, quick flag kept");
		SS_CHECK(strcmp(h->cpu_model, "Test CPU \"quoted\"") == 0 &&
				 h->clock_mhz == 2000 && h->cores == 4 &&
				 strcmp(h->openssl_version, "OpenSSL test") == 0,
			 "host identity round trip (quotes bound, not spliced)");
		SS_CHECK(ss_calib_count(got) == 3, "three algorithms, unknown "
			 "'md7' row skipped");
		const ss_crypto_alg *des;
		ss_crypto_alg_find("des-cbc", &des, NULL, 0);
		const ss_calib_entry *e = ss_calib_find(got, des);
		const ss_calib_entry *o = ss_calib_find(c2, des);
		int same = e && o && e->npoints == o->npoints;
		for (size_t k = 0; same && k < e->npoints; k++)
			same = e->bytes[k] == o->bytes[k] &&
			       e->ns[k].median == o->ns[k].median &&
			       e->ns[k].min == o->ns[k].min &&
			       e->ns[k].max == o->ns[k].max &&
			       e->ns[k].q1 == o->ns[k].q1 &&
			       e->ns[k].q3 == o->ns[k].q3 && e->ns[k].n == o->ns[k].n;
		SS_CHECK(same, "des-cbc timings round trip exactly");
		SS_CHECK_NEAR(e ? e->fit.per_byte_ns : -1, 24.0, 1e-9,
			      "fit recomputed on read (2 x 12 ns/B)");
	}
	sqlite3_prepare_v2(db, "SELECT count(*) FROM calibration", -1, &st, NULL);
	sqlite3_step(st);
	SS_CHECK_INT(sqlite3_column_int(st, 0), 2 * (2 * NS + 1) + 1,
		     "rows in calibration");
	sqlite3_finalize(st);
	ss_calib_free(got);
	ss_calib_free(c1);
	ss_calib_free(c2);
out:
	sqlite3_close(db);
	unlink(path);
	rc = ss_calibdb_open("/nonexistent-dir/x/cal.db", &db, err, sizeof err);
	SS_CHECK(rc == SS_EDB && db == NULL, "unopenable path: SS_EDB (%s)", err);
}

int main(void)
{
	ss_test_plan(47);
	test_summarize();
	test_fit();
	test_container();
	test_store();
	return ss_test_done();
}
