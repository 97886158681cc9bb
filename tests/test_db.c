/* Tests of the results store (store/db.c, store/reference.c): schema,
   atomic runs, the points view against ss_ci_t, refusing foreign and
   read-only files, and the reference CSV loader with its error lines. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <sqlite3.h>

#include "ss_db.h"
#include "ss_err.h"
#include "ss_metrics.h"
#include "ss_stats.h"
#include "ss_test.h"

static char tmpdir[] = "/tmp/ss_test_db.XXXXXX";
static char errbuf[512];

static const char *tpath(const char *name) { return ss_test_path(tmpdir, name); }

/* Prepares sql with text parameters ?1..?n from a NULL-terminated list. */
static sqlite3_stmt *q_prepare(ss_db *db, const char *sql, va_list ap)
{
	sqlite3_stmt *st = NULL;
	const char *p;
	int i = 1;

	if (sqlite3_prepare_v2(ss_db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
		printf("# prepare failed: %s\n", sqlite3_errmsg(ss_db_handle(db)));
		return NULL;
	}
	while ((p = va_arg(ap, const char *)) != NULL)
		sqlite3_bind_text(st, i++, p, -1, SQLITE_TRANSIENT);
	return st;
}

/* First column of the first row as a double; NAN when no row or NULL. */
static double q_double(ss_db *db, const char *sql, ...)
{
	va_list ap;
	sqlite3_stmt *st;
	double v = NAN;

	va_start(ap, sql);
	st = q_prepare(db, sql, ap);
	va_end(ap);
	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* First column of the first row as text into buf ("" when none). */
static const char *q_text(ss_db *db, char *buf, size_t len, const char *sql, ...)
{
	va_list ap;
	sqlite3_stmt *st;

	buf[0] = '\0';
	va_start(ap, sql);
	st = q_prepare(db, sql, ap);
	va_end(ap);
	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

static ss_run_record rec_of(const char *scenario, const char *figure, const char *series,
			    double x, const char *key, int rep, const ss_metrics *m)
{
	ss_run_record r;
	memset(&r, 0, sizeof r);
	r.scenario = scenario;
	r.figure = figure;
	r.series = series;
	r.x = x;
	r.point_key = key;
	r.config = "cpus = 4\nstack = \"DES/TCP/MD5/IP\"\n";
	r.seed = 1000u + (uint64_t)rep;
	r.replication = rep;
	r.version = "secsim 0.1.0 test";
	r.started = 1.7e9;
	r.finished = 1.7e9 + 2.5;
	r.sim_seconds = 10.0;
	r.events = 123456;
	r.metrics = m;
	return r;
}

/* Throughputs of 10 replications, and a second metric derived from them. */
static const double thr[10] = {101.2, 98.7, 103.5, 99.9, 100.4, 97.8, 102.6, 100.1, 99.3, 101.8};

static void test_create(void)
{
	ss_db *db = NULL;
	char t[128];
	int rc;

	rc = ss_db_open(tpath("a.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_OK, "create a new store (%s)", rc ? errbuf : "ok");
	if (!db)
		return;
	SS_CHECK_NEAR(ss_db_level(db), 0.90, 0.0, "default level 0.90");
	SS_CHECK(strcmp(q_text(db, t, sizeof t, "SELECT value FROM meta WHERE key = 'schema'", NULL),
			"secsim-results") == 0, "meta.schema is secsim-results");
	SS_CHECK_NEAR(q_double(db, "SELECT value FROM meta WHERE key = 'schema_version'", NULL),
		      SS_DB_SCHEMA_VERSION, 0.0, "meta.schema_version");
	SS_CHECK(strcmp(q_text(db, t, sizeof t, "PRAGMA journal_mode", NULL), "wal") == 0,
		 "WAL journal mode");
	SS_CHECK_NEAR(q_double(db, "PRAGMA foreign_keys", NULL), 1.0, 0.0, "foreign keys on");
	SS_CHECK_NEAR(q_double(db, "SELECT count(*) FROM tquantile", NULL), 1000.0, 0.0,
		      "tquantile has df 1..1000");
	SS_CHECK_NEAR(q_double(db, "SELECT t FROM tquantile WHERE df = 9", NULL), 1.833113, 1e-6,
		      "tquantile t_{0.95,9}");
	ss_db_close(db);

	db = NULL;
	rc = ss_db_open(tpath("a.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_OK, "reopen an existing store for writing");
	ss_db_close(db);
	db = NULL;
	rc = ss_db_open(tpath("a.db"), SS_DB_READ, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_OK, "reopen it read-only");
	ss_db_close(db);

	db = (ss_db *)1;
	rc = ss_db_open(tpath("missing.db"), SS_DB_READ, &db, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_ENOENT && db == NULL && strstr(errbuf, "missing.db"),
		 "READ of a missing file: SS_ENOENT naming it (%s)", errbuf);
	rc = ss_db_open(tpath("nodir/x.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_ENOENT, "CREATE in a missing directory (%s)", errbuf);
	rc = ss_db_open(tmpdir, SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_EINVAL, "a directory is not a store (%s)", errbuf);
	rc = ss_db_open(tpath("a.db"), 99, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_EINVAL, "unknown mode");
}

/* Points row for (figure, series, metric, x) → mean, lo, hi, n. */
static int get_point(ss_db *db, const char *fig, const char *series, const char *metric,
		     double x, double *mean, double *lo, double *hi, int *n, char *unit)
{
	sqlite3_stmt *st;
	int found = 0;

	sqlite3_prepare_v2(ss_db_handle(db),
			   "SELECT mean, ci_low, ci_high, n, unit FROM points"
			   " WHERE figure = ?1 AND series = ?2 AND metric = ?3 AND x = ?4",
			   -1, &st, NULL);
	sqlite3_bind_text(st, 1, fig, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, series, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, metric, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 4, x);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		*mean = sqlite3_column_double(st, 0);
		*lo = sqlite3_column_double(st, 1);
		*hi = sqlite3_column_double(st, 2);
		*n = sqlite3_column_int(st, 3);
		snprintf(unit, 16, "%s", (const char *)sqlite3_column_text(st, 4));
		if (sqlite3_step(st) == SQLITE_ROW)
			found = 2; /* must be unique */
	}
	sqlite3_finalize(st);
	return found;
}

static void test_runs(void)
{
	ss_db *db = NULL;
	ss_metrics m;
	ss_run_record r;
	double mean, lo, hi, cmean, chalf, *vals = NULL;
	size_t nv = 0, i;
	int rc, n, done, ok;
	char unit[16], t[128];

	if (ss_db_open(tpath("runs.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf) != SS_OK) {
		SS_CHECK(0, "open runs.db: %s", errbuf);
		return;
	}
	ss_metrics_init(&m);
	ok = 1;
	for (i = 0; i < 10; i++) {
		ss_metrics_clear(&m);
		ss_metrics_set(&m, "throughput", "Mbit/s", thr[i]);
		ss_metrics_set(&m, "latency", "us", 1e6 / thr[i]);
		/* Replications disagree on the bottleneck: cpu 7 times, bus 3. */
		strcpy(m.bottleneck, i < 7 ? "cpu" : "membus");
		m.bottleneck_util = i < 7 ? 0.90 + 0.01 * (double)i : 0.5;
		r = rec_of("nahum-plp", "fig03", "DES/TCP/MD5/IP", 4.0, "cpus=4;stack=DES/TCP/MD5/IP",
			   (int)i, &m);
		if (ss_db_write_run(db, &r, errbuf, sizeof errbuf) != SS_OK) {
			ok = 0;
			SS_DIAG("write %zu: %s", i, errbuf);
		}
	}
	SS_CHECK(ok, "10 replications written");
	/* A single replication at x = 8: no interval. */
	ss_metrics_clear(&m);
	ss_metrics_set(&m, "throughput", "Mbit/s", 180.0);
	r = rec_of("nahum-plp", "fig03", "DES/TCP/MD5/IP", 8.0, "cpus=8;stack=DES/TCP/MD5/IP", 0, &m);
	SS_CHECK_INT(ss_db_write_run(db, &r, errbuf, sizeof errbuf), SS_OK, "single run at x=8");

	ss_ci_t(thr, 10, 0.90, &cmean, &chalf);
	rc = get_point(db, "fig03", "DES/TCP/MD5/IP", "throughput", 4.0, &mean, &lo, &hi, &n, unit);
	SS_CHECK_INT(rc, 1, "exactly one points row for (fig3, series, throughput, 4)");
	SS_CHECK_INT(n, 10, "points.n counts the replications");
	SS_CHECK_NEAR(mean, cmean, 1e-9, "points.mean equals ss_ci_t mean");
	SS_CHECK_NEAR(hi - mean, chalf, 1e-9, "points.ci_high - mean equals ss_ci_t half-width (90%%)");
	SS_CHECK_NEAR(mean - lo, chalf, 1e-9, "points interval symmetric");
	SS_CHECK(strcmp(unit, "Mbit/s") == 0, "points.unit");
	rc = get_point(db, "fig03", "DES/TCP/MD5/IP", "throughput", 8.0, &mean, &lo, &hi, &n, unit);
	SS_CHECK(rc == 1 && n == 1 && mean == 180.0 && lo == 180.0 && hi == 180.0,
		 "n = 1: ci_low = ci_high = mean");

	/* The level is per point: a later sweep at 0.95 (another scenario
	   into the same file) leaves the points made at 0.90 alone and gives
	   its own points 95% intervals. */
	SS_CHECK_INT(ss_db_set_level(db, 0.95), SS_OK, "set level 0.95");
	get_point(db, "fig03", "DES/TCP/MD5/IP", "throughput", 4.0, &mean, &lo, &hi, &n, unit);
	SS_CHECK_NEAR(hi - mean, chalf, 1e-9, "an existing point keeps its 90%% half-width after level 0.95 is set");
	for (i = 0; i < 10; i++) {
		ss_metrics_clear(&m);
		ss_metrics_set(&m, "throughput", "Mbit/s", thr[i]);
		r = rec_of("other-plp", "fig04", "DES/TCP/MD5/IP", 4.0, "cpus=4;stack=DES/TCP/MD5/IP", (int)i, &m);
		ss_db_write_run(db, &r, errbuf, sizeof errbuf);
	}
	ss_ci_t(thr, 10, 0.95, &cmean, &chalf);
	get_point(db, "fig04", "DES/TCP/MD5/IP", "throughput", 4.0, &mean, &lo, &hi, &n, unit);
	SS_CHECK_NEAR(hi - mean, chalf, 1e-9, "a point written at 0.95 gets the 95%% half-width");
	SS_CHECK_NEAR(q_double(db, "SELECT count(DISTINCT level) FROM tquantile", NULL), 2.0, 0.0,
		      "tquantile holds both levels");
	r.level = 0.99;
	SS_CHECK_INT(ss_db_write_run(db, &r, errbuf, sizeof errbuf), SS_EINVAL,
		     "a run at a level without quantiles is refused (%s)", errbuf);
	r.level = 0;
	SS_CHECK_INT(ss_db_set_level(db, 1.5), SS_EINVAL, "level 1.5 refused (%s)", ss_db_errmsg(db));
	SS_CHECK_NEAR(ss_db_level(db), 0.95, 0.0, "refused level leaves 0.95");

	/* Resume look-ups. */
	ss_db_run_done(db, "nahum-plp", "cpus=4;stack=DES/TCP/MD5/IP", 9, &done);
	SS_CHECK_INT(done, 1, "run_done: replication 9 is done");
	ss_db_run_done(db, "nahum-plp", "cpus=4;stack=DES/TCP/MD5/IP", 10, &done);
	SS_CHECK_INT(done, 0, "run_done: replication 10 is not");
	ss_db_run_done(db, "nahum-plp", "cpus=16;stack=DES/TCP/MD5/IP", 0, &done);
	SS_CHECK_INT(done, 0, "run_done: another point is not");
	ss_db_run_done(db, "other", "cpus=4;stack=DES/TCP/MD5/IP", 0, &done);
	SS_CHECK_INT(done, 0, "run_done: another scenario is not");

	rc = ss_db_point_values(db, "nahum-plp", "cpus=4;stack=DES/TCP/MD5/IP", "throughput", &vals, &nv);
	ok = rc == SS_OK && nv == 10;
	for (i = 0; ok && i < nv; i++)
		ok = vals[i] == thr[i];
	SS_CHECK(ok, "point_values: the 10 throughputs in replication order");
	free(vals);
	rc = ss_db_point_values(db, "nahum-plp", "cpus=4;stack=DES/TCP/MD5/IP", "nosuch", &vals, &nv);
	SS_CHECK(rc == SS_OK && nv == 0 && vals == NULL, "point_values: unknown metric gives none");

	/* Metrics of a finished run, in the order reported. */
	rc = ss_db_run_metrics(db, "nahum-plp", "cpus=4;stack=DES/TCP/MD5/IP", 2, &m);
	SS_CHECK(rc == SS_OK && m.n == 2 && strcmp(m.v[0].name, "throughput") == 0 &&
		 m.v[0].value == thr[2] && strcmp(m.v[1].unit, "us") == 0 &&
		 strcmp(m.bottleneck, "cpu") == 0 && fabs(m.bottleneck_util - 0.92) < 1e-12,
		 "run_metrics gives metrics in order and the bottleneck");
	rc = ss_db_run_metrics(db, "nahum-plp", "cpus=4;stack=DES/TCP/MD5/IP", 42, &m);
	SS_CHECK_INT(rc, SS_ENOENT, "run_metrics of an unrecorded run (%s)", ss_db_errmsg(db));

	/* The bottleneck of the point: cpu 7 of 10, util mean of those 7. */
	SS_CHECK(strcmp(q_text(db, t, sizeof t, "SELECT bottleneck FROM point_bottleneck"
			       " WHERE figure = 'fig03' AND x = 4", NULL), "cpu") == 0,
		 "point bottleneck is the most frequent");
	SS_CHECK_NEAR(q_double(db, "SELECT n_bottleneck FROM point_bottleneck WHERE x = 4", NULL),
		      7.0, 0.0, "named in 7 runs");
	SS_CHECK_NEAR(q_double(db, "SELECT util FROM point_bottleneck WHERE x = 4", NULL),
		      0.93, 1e-12, "mean utilisation over those runs");

	/* A finished run is never replaced. */
	ss_metrics_clear(&m);
	ss_metrics_set(&m, "throughput", "Mbit/s", 1.0);
	r = rec_of("nahum-plp", "fig03", "DES/TCP/MD5/IP", 4.0, "cpus=4;stack=DES/TCP/MD5/IP", 3, &m);
	rc = ss_db_write_run(db, &r, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EINVAL && strstr(errbuf, "already recorded"),
		 "writing a done run again: SS_EINVAL (%s)", errbuf);
	SS_CHECK_NEAR(q_double(db, "SELECT value FROM metrics JOIN runs ON runs.id = run_id"
			       " WHERE replication = 3 AND x = 4 AND name = 'throughput'", NULL),
		      thr[3], 0.0, "the original value is kept");

	/* Atomicity: a duplicated metric name fails the whole run. */
	ss_metrics_clear(&m);
	ss_metrics_set(&m, "throughput", "Mbit/s", 5.0);
	ss_metrics_set(&m, "latency", "us", 6.0);
	strcpy(m.v[1].name, "throughput"); /* by hand: the API would replace */
	r = rec_of("nahum-plp", "fig03", "DES/TCP/MD5/IP", 16.0, "cpus=16;stack=DES/TCP/MD5/IP", 0, &m);
	rc = ss_db_write_run(db, &r, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EINVAL && strstr(errbuf, "twice"), "duplicate metric refused (%s)", errbuf);
	ss_db_run_done(db, "nahum-plp", "cpus=16;stack=DES/TCP/MD5/IP", 0, &done);
	SS_CHECK_INT(done, 0, "the failed run is absent");
	SS_CHECK_NEAR(q_double(db, "SELECT count(*) FROM runs WHERE x = 16", NULL), 0.0, 0.0,
		      "no runs row left behind");
	SS_CHECK_NEAR(q_double(db, "SELECT count(*) FROM metrics WHERE run_id NOT IN (SELECT id FROM runs)",
			       NULL), 0.0, 0.0, "no orphan metrics left behind");
	/* The connection is usable after the rollback. */
	strcpy(m.v[1].name, "latency");
	rc = ss_db_write_run(db, &r, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_OK, "the corrected run writes after the failure");

	/* NaN metrics are stored as NULL and left out of n. */
	for (i = 0; i < 3; i++) {
		ss_metrics_clear(&m);
		ss_metrics_set(&m, "latency", "us", i == 1 ? NAN : 10.0 * (double)(i + 1));
		r = rec_of("nan", "fign", "s", 1.0, "k=1", (int)i, &m);
		ss_db_write_run(db, &r, errbuf, sizeof errbuf);
	}
	rc = get_point(db, "fign", "s", "latency", 1.0, &mean, &lo, &hi, &n, unit);
	SS_CHECK(rc == 1 && n == 2 && mean == 20.0, "NaN left out: n = 2, mean 20 (n=%d mean=%g)", n, mean);
	rc = ss_db_run_metrics(db, "nan", "k=1", 1, &m);
	SS_CHECK(rc == SS_OK && m.n == 1 && isnan(m.v[0].value), "NaN reads back as NaN");

	/* Seeds and event counts keep all 64 bits. */
	ss_metrics_clear(&m);
	r = rec_of("big", "figb", "s", 1.0, "k=1", 0, &m);
	r.seed = UINT64_C(0xfedcba9876543210);
	r.events = UINT64_C(1) << 40;
	SS_CHECK_INT(ss_db_write_run(db, &r, errbuf, sizeof errbuf), SS_OK, "run without metrics");
	{
		sqlite3_stmt *st;
		uint64_t seed = 0;
		sqlite3_prepare_v2(ss_db_handle(db), "SELECT seed FROM runs WHERE scenario = 'big'", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			seed = (uint64_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		SS_CHECK(seed == UINT64_C(0xfedcba9876543210), "a seed >= 2^63 reads back intact");
	}

	/* Invalid records. */
	r = rec_of(NULL, "f", "s", 1.0, "k", 0, NULL);
	SS_CHECK_INT(ss_db_write_run(db, &r, errbuf, sizeof errbuf), SS_EINVAL, "no scenario");
	r = rec_of("s", "f", "s", 1.0, "k", -1, NULL);
	SS_CHECK_INT(ss_db_write_run(db, &r, errbuf, sizeof errbuf), SS_EINVAL, "negative replication");

	ss_metrics_fini(&m);
	ss_db_close(db);

	/* The level persists. */
	db = NULL;
	ss_db_open(tpath("runs.db"), SS_DB_READ, &db, errbuf, sizeof errbuf);
	SS_CHECK(db && ss_db_level(db) == 0.95, "level 0.95 persists across opens");
	ss_db_close(db);
}

/* Reads a whole stream back as a string. */
static char *slurp(FILE *f)
{
	long len;
	char *s;

	fflush(f);
	len = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)len + 1);
	if (s && fread(s, 1, (size_t)len, f) != (size_t)len)
		s[0] = '\0';
	return s;
}

static void test_show(void)
{
	ss_db *db = NULL;
	FILE *f;
	char *s, *line, *save = NULL;
	int rc, lines = 0, aligned = 1;
	long col = -1;

	if (ss_db_open(tpath("runs.db"), SS_DB_READ, &db, errbuf, sizeof errbuf) != SS_OK) {
		SS_CHECK(0, "open runs.db for show: %s", errbuf);
		return;
	}
	f = tmpfile();
	rc = ss_db_show(db, f, &(ss_db_filter){"fig03", NULL, NULL}, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_OK, "show fig03 from a read-only open (%s)", rc ? errbuf : "ok");
	s = slurp(f);
	fclose(f);
	SS_CHECK(s && strncmp(s, "figure", 6) == 0 && strstr(s, "ci_high") && strstr(s, "bottleneck"),
		 "show prints a header");
	SS_CHECK(s && strstr(s, "cpu (7/10)") && strstr(s, "0.930"),
		 "show names the bottleneck with its vote and utilisation");
	/* Every line has its "mean" column ending at the same offset: find
	   where the header's "mean" ends and check the character after it is
	   a column gap in every line. */
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (col < 0) {
			char *p = strstr(line, "  mean");
			col = p ? (long)(p - line) + 6 : 0;
		} else if ((long)strlen(line) <= col || line[col] != ' ' || line[col - 1] == ' ') {
			aligned = 0;
		}
		lines++;
	}
	/* fig03: throughput at x = 4, 8, 16 and latency at x = 4, 16. */
	SS_CHECK_INT(lines, 6, "header + 5 points for fig3");
	SS_CHECK(aligned && col > 0, "columns aligned (mean ends at %ld in every line)", col);
	free(s);

	f = tmpfile();
	rc = ss_db_show(db, f, &(ss_db_filter){"fig3", NULL, NULL}, errbuf, sizeof errbuf);
	s = slurp(f);
	fclose(f);
	SS_CHECK(rc == SS_ENOENT && s && s[0] == '\0', "unknown figure: SS_ENOENT, nothing printed (%s)",
		 errbuf);
	SS_CHECK(strstr(errbuf, "figure 'fig3'") && strstr(errbuf, "(figures: fig03, fig04, figb, fign)"),
		 "the message names the filter and lists the store's figures (%s)", errbuf);
	free(s);
	/* Series and metric filters; globs. */
	f = tmpfile();
	rc = ss_db_show(db, f, &(ss_db_filter){"fig0[0-9]", "DES/*", "lat*"}, errbuf, sizeof errbuf);
	s = slurp(f);
	fclose(f);
	lines = 0;
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		lines++;
	SS_CHECK(rc == SS_OK && lines == 3, "figure, series and metric globs: header + latency at x = 4, 16 (%d lines)",
		 lines);
	free(s);
	f = tmpfile();
	rc = ss_db_show(db, f, &(ss_db_filter){NULL, NULL, "throughput"}, errbuf, sizeof errbuf);
	s = slurp(f);
	fclose(f);
	SS_CHECK(rc == SS_OK && s && !strstr(s, "latency") && !strstr(s, "fign") && strstr(s, "throughput"),
		 "a metric filter alone, and without wildcards it is exact");
	free(s);
	f = tmpfile();
	rc = ss_db_show(db, f, &(ss_db_filter){NULL, NULL, "lat*"}, errbuf, sizeof errbuf);
	s = slurp(f);
	fclose(f);
	SS_CHECK(rc == SS_OK && s && strstr(s, "fign") && strstr(s, "fig03") && !strstr(s, "throughput"),
		 "a metric glob alone matches in every figure");
	free(s);
	f = tmpfile();
	rc = ss_db_show(db, f, &(ss_db_filter){"fig03", "DES", NULL}, errbuf, sizeof errbuf);
	fclose(f);
	SS_CHECK(rc == SS_ENOENT && strstr(errbuf, "series 'DES'"), "a series name is matched whole, not as a prefix (%s)",
		 errbuf);
	f = tmpfile();
	rc = ss_db_show(db, f, NULL, errbuf, sizeof errbuf);
	s = slurp(f);
	fclose(f);
	SS_CHECK(rc == SS_OK && s && strstr(s, "fign") && strstr(s, "fig03"), "show all figures");
	free(s);

	/* Writes through a read-only open are refused up front. */
	{
		ss_metrics m;
		ss_run_record r;
		ss_metrics_init(&m);
		r = rec_of("x", "f", "s", 1.0, "k", 0, &m);
		SS_CHECK_INT(ss_db_write_run(db, &r, errbuf, sizeof errbuf), SS_EREADONLY,
			     "write_run on a READ open");
		SS_CHECK_INT(ss_db_set_level(db, 0.9), SS_EREADONLY, "set_level on a READ open");
		SS_CHECK_INT(ss_db_set_level(db, 0.95), SS_OK, "setting the stored level on a READ open is a no-op");
	}
	ss_db_close(db);
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* Closing leaves no -wal or -shm file beside the database, after a
   write and after a read-only open. */
static void test_no_wal_left(void)
{
	char wal[600], shm[600];
	ss_db *db = NULL;
	FILE *f;

	snprintf(wal, sizeof wal, "%s-wal", tpath("runs.db"));
	snprintf(shm, sizeof shm, "%s-shm", tpath("runs.db"));
	SS_CHECK(!exists(wal) && !exists(shm), "no -wal/-shm beside runs.db after the writers closed");
	if (ss_db_open(tpath("runs.db"), SS_DB_READ, &db, errbuf, sizeof errbuf) != SS_OK) {
		SS_CHECK(0, "open runs.db to read: %s", errbuf);
		return;
	}
	f = tmpfile();
	ss_db_show(db, f, NULL, errbuf, sizeof errbuf);
	fclose(f);
	ss_db_close(db);
	SS_CHECK(!exists(wal) && !exists(shm), "no -wal/-shm after a read-only open and show");
	db = NULL;
	if (ss_db_open(tpath("runs.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf) == SS_OK) {
		char t[32];
		SS_CHECK(strcmp(q_text(db, t, sizeof t, "PRAGMA journal_mode", NULL), "wal") == 0,
			 "a writer works in WAL mode while it is open");
		ss_db_close(db);
	}
	SS_CHECK(!exists(wal) && !exists(shm), "and leaves none when it closes");
}

static void test_foreign(void)
{
	ss_db *db = NULL;
	sqlite3 *h;
	struct stat st0, st1;
	int rc;
	char hdr[20];
	FILE *f;

	/* A plain SQLite database: refused, and left byte-for-byte alone
	   (not even switched to WAL). */
	sqlite3_open(tpath("plain.db"), &h);
	sqlite3_exec(h, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", NULL, NULL, NULL);
	sqlite3_close(h);
	stat(tpath("plain.db"), &st0);
	rc = ss_db_open(tpath("plain.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_ENOTSECSIM && db == NULL && strstr(errbuf, "plain.db") &&
		 strstr(errbuf, "not a secsim"),
		 "plain SQLite DB: SS_ENOTSECSIM (%s)", errbuf);
	rc = ss_db_open(tpath("plain.db"), SS_DB_READ, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_ENOTSECSIM, "plain SQLite DB read: SS_ENOTSECSIM");
	stat(tpath("plain.db"), &st1);
	f = fopen(tpath("plain.db"), "rb");
	memset(hdr, 0, sizeof hdr);
	if (f) {
		if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr)
			hdr[18] = 0;
		fclose(f);
	}
	SS_CHECK(st0.st_size == st1.st_size && hdr[18] == 1 && access(tpath("plain.db-wal"), F_OK) != 0,
		 "plain DB untouched (still rollback journal, same size)");

	/* SQLite with a meta table of someone else's. */
	sqlite3_open(tpath("other.db"), &h);
	sqlite3_exec(h, "CREATE TABLE meta(key PRIMARY KEY, value);"
		     "INSERT INTO meta VALUES ('schema', 'someone-else');", NULL, NULL, NULL);
	sqlite3_close(h);
	rc = ss_db_open(tpath("other.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_ENOTSECSIM && strstr(errbuf, "someone-else"),
		 "meta.schema of another program: SS_ENOTSECSIM (%s)", errbuf);

	/* A newer secsim's store. */
	sqlite3_open(tpath("newer.db"), &h);
	sqlite3_exec(h, "CREATE TABLE meta(key PRIMARY KEY, value);"
		     "INSERT INTO meta VALUES ('schema', 'secsim-results'), ('schema_version', 99);",
		     NULL, NULL, NULL);
	sqlite3_close(h);
	rc = ss_db_open(tpath("newer.db"), SS_DB_READ, &db, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_ENOTSECSIM && strstr(errbuf, "99"), "newer schema version refused (%s)", errbuf);

	/* Not SQLite at all. */
	ss_test_write(tpath("notes.txt"), "These are my notes about the experiments.\n"
		   "Please do not overwrite them with a database; they are longer than one\n"
		   "SQLite header so that the check is about content, not size.\n");
	rc = ss_db_open(tpath("notes.txt"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_ENOTSECSIM && strstr(errbuf, "notes.txt"),
		 "text file: SS_ENOTSECSIM (%s)", errbuf);
	rc = ss_db_open(tpath("notes.txt"), SS_DB_READ, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_ENOTSECSIM, "text file read: SS_ENOTSECSIM");
	f = fopen(tpath("notes.txt"), "rb");
	if (f) {
		char buf[16] = "";
		SS_CHECK(fread(buf, 1, 15, f) == 15 && strncmp(buf, "These are my no", 15) == 0,
			 "text file left intact");
		fclose(f);
	}

	/* An empty file: not a store to read, but fine to create in. */
	ss_test_write(tpath("empty.db"), "");
	rc = ss_db_open(tpath("empty.db"), SS_DB_READ, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_ENOTSECSIM, "empty file read: SS_ENOTSECSIM (%s)", errbuf);
	rc = ss_db_open(tpath("empty.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_OK, "empty file create: becomes a store");
	ss_db_close(db);
}

static void test_readonly(void)
{
	ss_db *db = NULL;
	char dir[600];
	int rc;

	rc = ss_db_open(tpath("ro.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	ss_db_close(db);
	db = NULL;
	chmod(tpath("ro.db"), 0444);
	if (geteuid() == 0)
		SS_DIAG("running as root: access(2) ignores chmod, so this tests the permission-bit rule");
	rc = ss_db_open(tpath("ro.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EREADONLY && db == NULL && strstr(errbuf, "ro.db"),
		 "chmod 0444 file: SS_EREADONLY (%s)", errbuf);
	rc = ss_db_open(tpath("ro.db"), SS_DB_READ, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_OK, "chmod 0444 file opens for reading (%s)", rc ? errbuf : "ok");
	ss_db_close(db);

	/* A read-only directory: the -wal and -shm files cannot be made. */
	snprintf(dir, sizeof dir, "%s", tpath("rodir"));
	mkdir(dir, 0755);
	chmod(dir, 0555);
	rc = ss_db_open(tpath("rodir/new.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EREADONLY && strstr(errbuf, "rodir"),
		 "new store in a read-only directory: SS_EREADONLY (%s)", errbuf);
	chmod(dir, 0755);
}

/* Counts the records of a reference CSV without parsing CSV: each record
   starts a line with its id "<PREFIX>-<digits>," (ids are documented in
   reference/PROVENANCE.md) and no quoted text in these files starts a
   line with one. */
static int count_id_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char *p = line;
		while ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			p++;
		if (p > line && *p == '-' && p[1] >= '0' && p[1] <= '9') {
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
			if (*p == ',')
				n++;
		}
	}
	fclose(f);
	return n;
}

static void test_reference(void)
{
	static const char *const files[] = {"nahum95.csv", "thekkath93.csv", "keromytis_ocf.csv",
					    "sslacc01.csv", "iatrou09.csv"};
	const char *src = getenv("SS_SRCDIR");
	char path[1024], t[512];
	ss_db *db = NULL;
	int rc, i, want, total = 0, ok = 1;
	double before;

	if (!src || !*src)
		src = ".";
	if (ss_db_open(tpath("ref.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf) != SS_OK) {
		SS_CHECK(0, "open ref.db: %s", errbuf);
		return;
	}
	snprintf(path, sizeof path, "%s/reference/nahum95.csv", src);
	want = count_id_lines(path);
	rc = ss_db_load_reference(db, path, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_OK, "load nahum95.csv (%s)", rc ? errbuf : "ok");
	SS_CHECK(want > 0, "nahum95.csv found under SS_SRCDIR (%d records)", want);
	/* 71: the record count that Python's csv.DictReader gives, and the
	   row count in reference/PROVENANCE.md. */
	SS_CHECK_INT(want, 71, "independent count of nahum95.csv records");
	SS_CHECK_NEAR(q_double(db, "SELECT count(*) FROM reference WHERE csv_file = 'nahum95.csv'", NULL),
		      want, 0.0, "row count equals the record count");
	SS_CHECK(strcmp(q_text(db, t, sizeof t, "SELECT stack_or_config FROM reference WHERE id = 'N95-001'",
			       NULL), "SGI Challenge XL, MIPS R4400") == 0,
		 "quoted field with a comma decoded");
	SS_CHECK_NEAR(q_double(db, "SELECT value_num FROM reference WHERE id = 'N95-001'", NULL), 12.0, 0.0,
		      "numeric value in value_num");
	SS_CHECK(isnan(q_double(db, "SELECT x_value FROM reference WHERE id = 'N95-001'", NULL)),
		 "empty x_value is NULL");
	SS_CHECK(isnan(q_double(db, "SELECT value_num FROM reference WHERE id = 'N95-008'", NULL)) &&
		 q_text(db, t, sizeof t, "SELECT value FROM reference WHERE id = 'N95-008'", NULL)[0],
		 "non-numeric value kept as text, value_num NULL");
	SS_CHECK(q_double(db, "SELECT count(*) FROM reference WHERE x_name = 'processors'"
			  " AND x_value IS NOT NULL AND typeof(x_value) = 'real'", NULL) > 0,
		 "x_value stored as REAL");
	rc = ss_db_load_reference(db, path, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_OK && q_double(db, "SELECT count(*) FROM reference", NULL) == want,
		 "re-loading replaces the file's rows");

	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof path, "%s/reference/%s", src, files[i]);
		want = count_id_lines(path);
		total += want;
		rc = ss_db_load_reference(db, path, errbuf, sizeof errbuf);
		if (rc != SS_OK) {
			ok = 0;
			SS_DIAG("%s", errbuf);
		}
		snprintf(t, sizeof t, "%s", files[i]);
		if (q_double(db, "SELECT count(*) FROM reference WHERE csv_file = ?1", t, NULL) != want) {
			ok = 0;
			SS_DIAG("%s: count differs from %d", files[i], want);
		}
	}
	SS_CHECK(ok, "all five reference CSVs load with their record counts");
	/* 274 = 71 + 70 + 2 + 45 + 86, the rows listed in reference/PROVENANCE.md. */
	SS_CHECK_INT(total, 274, "274 records counted independently");
	SS_CHECK_NEAR(q_double(db, "SELECT count(*) FROM reference", NULL), 274.0, 0.0, "274 rows loaded");
	SS_CHECK(strcmp(q_text(db, t, sizeof t, "SELECT quantity FROM reference WHERE id = 'OCF-002'", NULL),
			"throughput such IPsec-offload NICs are assumed to achieve (\"that performance\")") == 0,
		 "doubled quotes decoded");

	/* Malformed files: the line of the bad record, nothing inserted. */
	before = q_double(db, "SELECT count(*) FROM reference", NULL);
#define HDR "id,paper,kind,quantity,scenario,stack_or_config,x_name,x_value,value,unit,qualifier,source,quote\n"
#define ROW(id) id ",p,result,q,s,c,,,1,us,exact,src,\"a, \"\"quoted\"\" text\"\n"
	ss_test_write(tpath("cols.csv"), HDR ROW("B-001") "B-002,p,result,q,s,c,,,1,us,exact,src\n" ROW("B-003"));
	rc = ss_db_load_reference(db, tpath("cols.csv"), errbuf, sizeof errbuf);
	snprintf(t, sizeof t, "%s:3: expected 13 columns, found 12", tpath("cols.csv"));
	SS_CHECK(rc == SS_EPARSE && strcmp(errbuf, t) == 0, "wrong column count at line 3 (%s)", errbuf);

	ss_test_write(tpath("unterm.csv"), HDR ROW("U-001") "U-002,p,result,q,s,c,,,1,us,exact,src,\"never\nclosed,\n\n");
	rc = ss_db_load_reference(db, tpath("unterm.csv"), errbuf, sizeof errbuf);
	snprintf(t, sizeof t, "%s:3: unterminated quoted field", tpath("unterm.csv"));
	SS_CHECK(rc == SS_EPARSE && strncmp(errbuf, t, strlen(t)) == 0,
		 "unterminated quote reported at the line it opens (%s)", errbuf);
	/* Unclosed before more records: it pairs with the next quote, and the
	   error still names the record where it opened. */
	ss_test_write(tpath("unterm2.csv"), HDR ROW("V-001") "V-002,p,result,q,s,c,,,1,us,exact,src,\"never\nclosed,\n" ROW("V-003"));
	rc = ss_db_load_reference(db, tpath("unterm2.csv"), errbuf, sizeof errbuf);
	snprintf(t, sizeof t, "%s:3: ", tpath("unterm2.csv"));
	SS_CHECK(rc == SS_EPARSE && strncmp(errbuf, t, strlen(t)) == 0,
		 "a quote left open before later records: reported at line 3 (%s)", errbuf);

	/* Record 2 spans lines 2-3, so record 3 starts on physical line 4. */
	ss_test_write(tpath("xval.csv"), HDR "X-001,p,result,q,s,c,,,1,us,exact,src,\"two\nlines\"\n"
		   "X-002,p,result,q,s,c,processors,four,1,us,exact,src,quote\n");
	rc = ss_db_load_reference(db, tpath("xval.csv"), errbuf, sizeof errbuf);
	snprintf(t, sizeof t, "%s:4: x_value 'four' is not a number", tpath("xval.csv"));
	SS_CHECK(rc == SS_EPARSE && strcmp(errbuf, t) == 0, "non-numeric x_value after a multi-line record (%s)",
		 errbuf);

	ss_test_write(tpath("xpair.csv"), HDR "P-001,p,result,q,s,c,processors,,1,us,exact,src,quote\n");
	rc = ss_db_load_reference(db, tpath("xpair.csv"), errbuf, sizeof errbuf);
	snprintf(t, sizeof t, "%s:2: x_name and x_value must be both empty or both filled", tpath("xpair.csv"));
	SS_CHECK(rc == SS_EPARSE && strncmp(errbuf, t, strlen(t)) == 0, "x_name without x_value (%s)", errbuf);

	ss_test_write(tpath("noid.csv"), HDR ROW("E-001") ROW(""));
	rc = ss_db_load_reference(db, tpath("noid.csv"), errbuf, sizeof errbuf);
	snprintf(t, sizeof t, "%s:3: empty id", tpath("noid.csv"));
	SS_CHECK(rc == SS_EPARSE && strcmp(errbuf, t) == 0, "empty id (%s)", errbuf);

	ss_test_write(tpath("dup.csv"), HDR ROW("D-001") ROW("D-002") ROW("D-001"));
	rc = ss_db_load_reference(db, tpath("dup.csv"), errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EPARSE && strstr(errbuf, "dup.csv:4: duplicate id 'D-001' (first at line 2)"),
		 "duplicate id within a file (%s)", errbuf);

	ss_test_write(tpath("head.csv"), "id,paper,kind,quantity,scenario,stack,x_name,x_value,value,unit,qualifier,source,quote\n");
	rc = ss_db_load_reference(db, tpath("head.csv"), errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EPARSE && strstr(errbuf, "head.csv:1: header column 6 is 'stack'"),
		 "wrong header (%s)", errbuf);

	ss_test_write(tpath("stray.csv"), HDR "S-001,p,result,q,s,c,,,1,us,exact,src,say \"hi\"\n");
	rc = ss_db_load_reference(db, tpath("stray.csv"), errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EPARSE && strstr(errbuf, "stray.csv:2: quote inside unquoted field 13"),
		 "stray quote in an unquoted field (%s)", errbuf);

	/* An id another file owns: the whole file is refused. */
	ss_test_write(tpath("steal.csv"), HDR ROW("Z-001") ROW("N95-001"));
	rc = ss_db_load_reference(db, tpath("steal.csv"), errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EPARSE && strstr(errbuf, "steal.csv:3: id 'N95-001' is already loaded from nahum95.csv"),
		 "id owned by another file (%s)", errbuf);
	SS_CHECK_NEAR(q_double(db, "SELECT count(*) FROM reference", NULL), before, 0.0,
		      "nothing inserted by any malformed file");

	rc = ss_db_load_reference(db, tpath("nonexistent.csv"), errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_ENOENT && strstr(errbuf, "nonexistent.csv"), "missing CSV: SS_ENOENT (%s)", errbuf);

	/* CRLF line ends, a BOM, blank lines, embedded CRLF, no final newline. */
	ss_test_write(tpath("crlf.csv"), "\xEF\xBB\xBF" "id,paper,kind,quantity,scenario,stack_or_config,x_name,"
		   "x_value,value,unit,qualifier,source,quote\r\n"
		   "C-001,p,result,q,s,c,processors,12,1.5e3,us,exact,src,\"line one\r\nline, two\"\r\n"
		   "\r\n"
		   "C-002,p,result,q,s,c,,,2.6.11.7,version,exact,src,\"\"\"\"");
	rc = ss_db_load_reference(db, tpath("crlf.csv"), errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_OK, "CRLF + BOM + blank line + no final newline (%s)", rc ? errbuf : "ok");
	SS_CHECK(strcmp(q_text(db, t, sizeof t, "SELECT quote FROM reference WHERE id = 'C-001'", NULL),
			"line one\r\nline, two") == 0, "embedded CRLF and comma kept");
	SS_CHECK(strcmp(q_text(db, t, sizeof t, "SELECT quote FROM reference WHERE id = 'C-002'", NULL),
			"\"") == 0, "a field holding one quote");
	SS_CHECK_NEAR(q_double(db, "SELECT x_value + value_num FROM reference WHERE id = 'C-001'", NULL),
		      1512.0, 0.0, "x_value 12 and value 1.5e3 numeric");
	SS_CHECK_NEAR(q_double(db, "SELECT csv_line FROM reference WHERE id = 'C-002'", NULL), 5.0, 0.0,
		      "record line stored (C-002 at physical line 5)");
	ss_db_close(db);
#undef HDR
#undef ROW
}

static void test_injection(void)
{
	static const char evil_s[] = "x'); DROP TABLE runs; --";
	static const char evil_series[] = "\" OR 1=1; DELETE FROM metrics; --";
	static const char evil_key[] = "cpus=4';--";
	ss_db *db = NULL;
	ss_metrics m;
	ss_run_record r;
	char t[256];
	int done = 0, rc;
	FILE *f;

	if (ss_db_open(tpath("runs.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf) != SS_OK) {
		SS_CHECK(0, "open runs.db: %s", errbuf);
		return;
	}
	ss_metrics_init(&m);
	ss_metrics_set(&m, "x'; DROP TABLE metrics; --", "us", 1.0);
	r = rec_of(evil_s, evil_s, evil_series, 1.0, evil_key, 0, &m);
	rc = ss_db_write_run(db, &r, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_OK, "run with SQL in its names written");
	ss_db_run_done(db, evil_s, evil_key, 0, &done);
	SS_CHECK_INT(done, 1, "found again by the same strings");
	SS_CHECK(strcmp(q_text(db, t, sizeof t, "SELECT series FROM runs WHERE scenario = ?1", evil_s, NULL),
			evil_series) == 0, "series stored verbatim");
	SS_CHECK(strcmp(q_text(db, t, sizeof t, "SELECT metric FROM points WHERE figure = ?1", evil_s, NULL),
			"x'; DROP TABLE metrics; --") == 0, "metric name stored verbatim");
	SS_CHECK(q_double(db, "SELECT count(*) FROM runs", NULL) > 10 &&
		 q_double(db, "SELECT count(*) FROM metrics", NULL) > 10, "tables intact");
	f = tmpfile();
	rc = ss_db_show(db, f, &(ss_db_filter){evil_s, NULL, NULL}, errbuf, sizeof errbuf);
	fclose(f);
	SS_CHECK_INT(rc, SS_OK, "show filtered by that figure name");
	ss_metrics_fini(&m);
	ss_db_close(db);
}

/* Two connections (as two sweep processes would hold) write one store. */
static void test_two_writers(void)
{
	ss_db *a = NULL, *b = NULL;
	ss_metrics m;
	ss_run_record r;
	int i, ok = 1, done = 0;
	char key[32];

	ss_db_open(tpath("two.db"), SS_DB_CREATE, &a, errbuf, sizeof errbuf);
	ss_db_open(tpath("two.db"), SS_DB_CREATE, &b, errbuf, sizeof errbuf);
	if (!a || !b) {
		SS_CHECK(0, "open two.db twice: %s", errbuf);
		ss_db_close(a);
		ss_db_close(b);
		return;
	}
	ss_metrics_init(&m);
	for (i = 0; i < 40; i++) {
		ss_metrics_clear(&m);
		ss_metrics_set(&m, "v", "", (double)i);
		snprintf(key, sizeof key, "k=%d", i / 4);
		r = rec_of("two", "f", "s", (double)(i / 4), key, i % 4, &m);
		if (ss_db_write_run(i % 2 ? a : b, &r, errbuf, sizeof errbuf) != SS_OK)
			ok = 0;
	}
	SS_CHECK(ok, "40 runs from two interleaved connections");
	ss_db_run_done(a, "two", "k=9", 3, &done);
	SS_CHECK(done && q_double(b, "SELECT count(*) FROM runs", NULL) == 40.0, "each sees all 40");
	ss_metrics_fini(&m);
	ss_db_close(a);
	ss_db_close(b);
}

/* kill -9 in the middle of a sweep: a child writes runs of 5 metrics as
   fast as it can and is killed once some are in; every run left in the
   store must be whole. */
static void test_kill(void)
{
	ss_db *db = NULL;
	pid_t pid;
	double runs = 0.0;
	int i, status = 0;

	fflush(stdout); /* the child must not repeat buffered output */
	pid = fork();
	if (pid < 0) {
		SS_CHECK(0, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		ss_metrics m;
		ss_run_record r;
		char key[32];
		int k;
		if (ss_db_open(tpath("kill.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf) != SS_OK)
			_exit(1);
		ss_metrics_init(&m);
		for (k = 0; k < 1000000; k++) {
			ss_metrics_clear(&m);
			ss_metrics_set(&m, "a", "", 1.0);
			ss_metrics_set(&m, "b", "", 2.0);
			ss_metrics_set(&m, "c", "", 3.0);
			ss_metrics_set(&m, "d", "", 4.0);
			ss_metrics_set(&m, "e", "", 5.0);
			snprintf(key, sizeof key, "k=%d", k);
			r = rec_of("kill", "f", "s", (double)k, key, 0, &m);
			if (ss_db_write_run(db, &r, errbuf, sizeof errbuf) != SS_OK)
				_exit(2);
		}
		_exit(0);
	}
	/* Wait (up to ~20 s) until the child has committed 200 runs. */
	for (i = 0; i < 2000 && runs < 200.0; i++) {
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
		if (!db && access(tpath("kill.db"), F_OK) == 0)
			ss_db_open(tpath("kill.db"), SS_DB_READ, &db, errbuf, sizeof errbuf);
		if (db) {
			runs = q_double(db, "SELECT count(*) FROM runs", NULL);
			if (isnan(runs))
				runs = 0.0;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ss_db_close(db);
	db = NULL;
	SS_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "writer killed with SIGKILL mid-sweep");
	if (ss_db_open(tpath("kill.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf) != SS_OK) {
		SS_CHECK(0, "reopen after kill: %s", errbuf);
		return;
	}
	runs = q_double(db, "SELECT count(*) FROM runs", NULL);
	SS_CHECK(runs >= 200.0, "runs committed before the kill survive (%g)", runs);
	SS_CHECK_NEAR(q_double(db, "SELECT count(*) FROM runs WHERE"
			       " (SELECT count(*) FROM metrics WHERE run_id = runs.id) <> 5", NULL),
		      0.0, 0.0, "no run has fewer than its 5 metrics");
	SS_CHECK_NEAR(q_double(db, "SELECT count(*) FROM metrics", NULL), 5.0 * runs, 0.0,
		      "metrics rows = 5 x runs");
	ss_db_close(db);
}

/* Removes the scratch directory (flat, plus rodir). */
/* Writes n_pts points of 5 replications into `name` in the replication
   order `order` (a permutation of 0..4), values of mixed magnitudes so
   that the order of a floating-point sum shows in its last bits. */
static int write_order(const char *name, const int order[5], int n_pts)
{
	ss_db *db = NULL;
	ss_metrics m;
	int ok = 1;
	unsigned long long x = 88172645463325252ULL;

	if (ss_db_open(tpath(name), SS_DB_CREATE, &db, errbuf, sizeof errbuf) != SS_OK)
		return 0;
	ss_metrics_init(&m);
	for (int p = 0; p < n_pts && ok; p++) {
		double v[5];
		char key[32];
		for (int k = 0; k < 5; k++) { /* xorshift: the same values in every store */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			v[k] = (double)(x >> 11) * 0x1p-53 * pow(10.0, (double)(k % 3) * 4.0);
		}
		snprintf(key, sizeof key, "p=%d", p);
		for (int k = 0; k < 5 && ok; k++) {
			ss_run_record r;
			ss_metrics_clear(&m);
			ss_metrics_set(&m, "w", "s", v[order[k]]);
			r = rec_of("ord", "figo", "s", (double)p, key, order[k], &m);
			ok = ss_db_write_run(db, &r, errbuf, sizeof errbuf) == SS_OK;
		}
	}
	ss_metrics_fini(&m);
	ss_db_close(db);
	return ok;
}

/* The points view sums each point in replication order, not row order:
   the same runs written in any order (--jobs, interrupted sweeps) give
   bit-identical means and intervals. */
static void test_sum_order(void)
{
	static const int fwd[5] = {0, 1, 2, 3, 4}, mixed[5] = {3, 0, 4, 2, 1};
	enum { NPTS = 200 };
	ss_db *a = NULL, *b = NULL;
	sqlite3_stmt *sa = NULL, *sb = NULL;
	int rows = 0, same = 0;
	static const char q[] = "SELECT mean, ci_high FROM points WHERE figure = 'figo' ORDER BY x";

	SS_CHECK(write_order("ord1.db", fwd, NPTS) && write_order("ord2.db", mixed, NPTS),
		 "the same runs written in two orders (%s)", errbuf);
	ss_db_open(tpath("ord1.db"), SS_DB_READ, &a, errbuf, sizeof errbuf);
	ss_db_open(tpath("ord2.db"), SS_DB_READ, &b, errbuf, sizeof errbuf);
	if (a && b && sqlite3_prepare_v2(ss_db_handle(a), q, -1, &sa, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(ss_db_handle(b), q, -1, &sb, NULL) == SQLITE_OK)
		while (sqlite3_step(sa) == SQLITE_ROW && sqlite3_step(sb) == SQLITE_ROW) {
			double m1 = sqlite3_column_double(sa, 0), m2 = sqlite3_column_double(sb, 0);
			double h1 = sqlite3_column_double(sa, 1), h2 = sqlite3_column_double(sb, 1);
			rows++;
			same += memcmp(&m1, &m2, sizeof m1) == 0 && memcmp(&h1, &h2, sizeof h1) == 0;
		}
	SS_CHECK(rows == NPTS && same == NPTS, "means and intervals bit-identical across write orders (%d of %d rows)",
		 same, rows);
	sqlite3_finalize(sa);
	sqlite3_finalize(sb);
	ss_db_close(a);
	ss_db_close(b);
}

/* Provenance: runs are told apart by their hashes and series key. */
static void test_provenance(void)
{
	ss_db *db = NULL;
	ss_metrics m;
	char os[256], oi[256];
	size_t n = 9, nv = 9;
	int done = 0;

	if (ss_db_open(tpath("prov.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf) != SS_OK) {
		SS_CHECK(0, "open prov.db: %s", errbuf);
		return;
	}
	ss_metrics_init(&m);
	ss_metrics_set(&m, "w", "s", 1.0);
	for (int k = 0; k < 3; k++) {
		ss_run_record r = rec_of("mm1", "mm1", "q", 0.5, "rho=0.5", k, &m);
		r.settings = "seed=1;duration=200";
		r.settings_hash = "aaaa";
		r.inputs = "";
		r.inputs_hash = "cccc";
		r.host = "hostA";
		ss_db_write_run(db, &r, errbuf, sizeof errbuf);
	}
	SS_CHECK(ss_db_provenance_mismatch(db, "mm1", "rho=0.5", "aaaa", "cccc", "secsim 0.1.0 test", &n, &nv, os, oi,
					   sizeof os) == SS_OK && n == 0 && nv == 0,
		 "same provenance and version: no mismatch");
	ss_db_provenance_mismatch(db, "mm1", "rho=0.5", "bbbb", "cccc", "secsim 0.2.0", &n, &nv, os, oi, sizeof os);
	SS_CHECK(n == 3 && nv == 3 && !strcmp(os, "seed=1;duration=200"),
		 "other settings: 3 runs differ, with their settings text (%zu, %zu, '%s')", n, nv, os);
	ss_db_provenance_mismatch(db, "mm1", "rho=0.5", "aaaa", "dddd", "secsim 0.1.0 test", &n, &nv, os, oi, sizeof os);
	SS_CHECK_INT((int)n, 3, "other profile contents: 3 runs differ");
	/* Another series key sees none of them, and may write the same keys. */
	ss_db_set_study(db, "seed7");
	ss_db_provenance_mismatch(db, "mm1", "rho=0.5", "bbbb", "cccc", "x", &n, &nv, os, oi, sizeof os);
	ss_db_run_done(db, "mm1", "rho=0.5", 0, &done);
	SS_CHECK(n == 0 && done == 0, "a new series sees no runs of the default one");
	ss_run_record r = rec_of("mm1", "mm1", "q [seed7]", 0.5, "rho=0.5", 0, &m);
	SS_CHECK_INT(ss_db_write_run(db, &r, errbuf, sizeof errbuf), SS_OK, "the new series writes replication 0 too");
	SS_CHECK_NEAR(q_double(db, "SELECT count(*) FROM runs WHERE host = 'hostA' AND study = ''", NULL), 3.0, 0.0,
		      "the host is recorded with each run");

	/* One sweep per scenario and series at a time. */
	ss_db_set_study(db, "");
	SS_CHECK_INT(ss_db_sweep_begin(db, "mm1", "hostA", (long)getpid(), errbuf, sizeof errbuf), SS_OK,
		     "register a sweep");
	int rc = ss_db_sweep_begin(db, "mm1", "hostA", (long)getppid(), errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EBUSY && strstr(errbuf, "pid") && strstr(errbuf, "hostA"),
		 "a second live sweep of it is refused, naming pid and host (%s)", errbuf);
	rc = ss_db_sweep_begin(db, "mm1", "hostB", 1, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EBUSY && strstr(errbuf, "another host"), "from another host too (%s)", errbuf);
	SS_CHECK_INT(ss_db_sweep_begin(db, "other", "hostA", (long)getppid(), errbuf, sizeof errbuf), SS_OK,
		     "another scenario may run at the same time");
	/* A registration whose process died is taken over. */
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	ss_db_sweep_end(db, "mm1", "hostA", (long)getpid());
	ss_db_sweep_begin(db, "mm1", "hostA", (long)child, errbuf, sizeof errbuf);
	SS_CHECK_INT(ss_db_sweep_begin(db, "mm1", "hostA", (long)getpid(), errbuf, sizeof errbuf), SS_OK,
		     "a dead process's registration is taken over (%s)", errbuf);
	ss_db_sweep_end(db, "mm1", "hostA", (long)getpid());
	SS_CHECK_NEAR(q_double(db, "SELECT count(*) FROM sweeps WHERE scenario = 'mm1'", NULL), 0.0, 0.0,
		      "ending the sweep removes its registration");
	ss_metrics_fini(&m);
	ss_db_close(db);
}

/* Only regular files are stores: a FIFO would hang the open, a device
   would get a journal file beside it. */
static void test_special_files(void)
{
	ss_db *db = NULL;
	int rc;

	mkfifo(tpath("fifo.db"), 0600);
	rc = ss_db_open(tpath("fifo.db"), SS_DB_READ, &db, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EINVAL && strstr(errbuf, "FIFO"), "READ of a FIFO refused at once (%s)", errbuf);
	rc = ss_db_open(tpath("fifo.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK_INT(rc, SS_EINVAL, "CREATE on a FIFO refused (%s)", errbuf);
	struct stat sb;
	int had_journal = stat("/dev/null-journal", &sb) == 0;
	rc = ss_db_open("/dev/null", SS_DB_CREATE, &db, errbuf, sizeof errbuf);
	SS_CHECK(rc == SS_EINVAL && strstr(errbuf, "device") && (had_journal || stat("/dev/null-journal", &sb) != 0),
		 "/dev/null refused, no /dev/null-journal left (%s)", errbuf);
}

/* A version 1 store (level in meta, no provenance) is migrated on a
   write open: its runs and metrics stay, with the level they had. */
static void test_migrate_v1(void)
{
	static const char v1[] =
		"CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value);"
		"INSERT INTO meta VALUES ('schema', 'secsim-results'), ('schema_version', 1), ('level', 0.95);"
		"CREATE TABLE runs(id INTEGER PRIMARY KEY, scenario TEXT NOT NULL, figure TEXT NOT NULL,"
		" series TEXT NOT NULL, x REAL, point_key TEXT NOT NULL, config TEXT NOT NULL DEFAULT '',"
		" seed INTEGER NOT NULL, replication INTEGER NOT NULL CHECK (replication >= 0),"
		" version TEXT NOT NULL DEFAULT '', started REAL, finished REAL, sim_seconds REAL,"
		" events INTEGER, status TEXT NOT NULL DEFAULT 'done', bottleneck TEXT NOT NULL DEFAULT '',"
		" bottleneck_util REAL, UNIQUE (scenario, point_key, replication));"
		"CREATE TABLE metrics(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
		" name TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '', value REAL, pos INTEGER NOT NULL,"
		" PRIMARY KEY (run_id, name)) WITHOUT ROWID;"
		"CREATE TABLE reference(id TEXT PRIMARY KEY NOT NULL, paper TEXT NOT NULL, kind TEXT NOT NULL,"
		" quantity TEXT NOT NULL, scenario TEXT NOT NULL, stack_or_config TEXT NOT NULL,"
		" x_name TEXT NOT NULL, x_value REAL, value TEXT NOT NULL, value_num REAL, unit TEXT NOT NULL,"
		" qualifier TEXT NOT NULL, source TEXT NOT NULL, quote TEXT NOT NULL, csv_file TEXT NOT NULL,"
		" csv_line INTEGER NOT NULL);"
		"CREATE TABLE tquantile(level REAL NOT NULL, df INTEGER NOT NULL, t REAL NOT NULL,"
		" PRIMARY KEY (level, df));"
		"CREATE VIEW points AS SELECT 1 AS figure;"
		"INSERT INTO runs(id, scenario, figure, series, x, point_key, seed, replication)"
		" VALUES (1, 'old', 'figv', 's', 1.0, 'k=1', 5, 0), (2, 'old', 'figv', 's', 1.0, 'k=1', 6, 1);"
		"INSERT INTO metrics VALUES (1, 'w', 's', 2.0, 0), (2, 'w', 's', 4.0, 0);";
	sqlite3 *h = NULL;
	ss_db *db = NULL;
	double mean = 0, lo = 0, hi = 0;
	int n = 0, done = 0;
	char unit[16];

	sqlite3_open(tpath("v1.db"), &h);
	sqlite3_exec(h, v1, NULL, NULL, NULL);
	sqlite3_close(h);
	SS_CHECK_INT(ss_db_open(tpath("v1.db"), SS_DB_CREATE, &db, errbuf, sizeof errbuf), SS_OK,
		     "a version 1 store opens for writing (%s)", errbuf);
	if (!db)
		return;
	SS_CHECK_NEAR(q_double(db, "SELECT value FROM meta WHERE key = 'schema_version'", NULL), 2.0, 0.0,
		      "migrated to version 2");
	ss_db_set_level(db, 0.95);
	get_point(db, "figv", "s", "w", 1.0, &mean, &lo, &hi, &n, unit);
	ss_db_run_done(db, "old", "k=1", 1, &done);
	SS_CHECK(n == 2 && mean == 3.0 && fabs(hi - mean - 12.706204736174707 * sqrt(2.0) / sqrt(2.0)) < 1e-9 && done,
		 "its runs, metrics and 95%% level are kept (n %d, mean %g, half %g)", n, mean, hi - mean);
	ss_db_close(db);
}

static void cleanup(void)
{
	static const char *const names[] = {
		"a.db", "runs.db", "plain.db", "other.db", "newer.db", "notes.txt", "empty.db",
		"ro.db", "ref.db", "two.db", "kill.db", "cols.csv", "unterm.csv", "xval.csv", "xpair.csv",
		"unterm2.csv", "noid.csv", "dup.csv", "head.csv", "stray.csv", "steal.csv", "crlf.csv",
		"ord1.db", "ord2.db", "prov.db", "fifo.db", "v1.db", NULL};
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal", NULL};
	char p[600];
	int i, j;

	for (i = 0; names[i]; i++)
		for (j = 0; sfx[j]; j++) {
			snprintf(p, sizeof p, "%s%s", tpath(names[i]), sfx[j]);
			unlink(p);
		}
	rmdir(tpath("rodir"));
	if (rmdir(tmpdir) != 0)
		SS_DIAG("left %s behind: %s", tmpdir, strerror(errno));
}

int main(void)
{
	gsl_set_error_handler_off();
	ss_test_plan(150);
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_create();
	test_runs();
	test_show();
	test_no_wal_left();
	test_foreign();
	test_readonly();
	test_reference();
	test_injection();
	test_two_writers();
	test_kill();
	test_sum_order();
	test_provenance();
	test_special_files();
	test_migrate_v1();
	cleanup();
	return ss_test_done();
}
