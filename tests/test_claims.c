/* Claim verdicts (report/claims.c): what each tag means, how they are
   counted (input checks apart from output checks, an expected failure
   that passes counts as a failure) and when two simulated values are
   ordered or tied. Then N95 checks on made-up results databases: each
   side of a band fails on its own. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ss_claims.h"
#include "ss_db.h"
#include "ss_err.h"
#include "ss_metrics.h"
#include "ss_test.h"

static char buf[4096];

/* The checker's output so far, as text. */
static const char *printed(FILE *f)
{
	fflush(f);
	long n = ftell(f);
	rewind(f);
	size_t got = fread(buf, 1, n > 0 && (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1, f);
	buf[got] = '\0';
	fseek(f, 0, SEEK_END);
	return buf;
}

static void verdicts(void)
{
	static const ss_claims_known known[] = {{.id = "X-C2", .why = "a reason"}, {.id = "X-C3", .why = "another"}};
	FILE *f = tmpfile();
	ss_claims *c = NULL;
	SS_CHECK(ss_claims_alloc(&c, NULL, f, known, 2) == SS_OK && c != NULL, "a checker without a database");
	ss_claims_output(c, "X-C1", 1, "matched %d", 1);
	ss_claims_output(c, "X-C1", 0, "did not match");
	ss_claims_output(c, "X-C2", 0, "known deviation");
	ss_claims_output(c, "X-C3", 1, "known deviation gone");
	ss_claims_input(c, "X-C4", 1, "inputs in");
	ss_claims_input(c, "X-C4", 0, "inputs lost");
	ss_claims_info(c, "X-C5", "discussion");
	const char *t = printed(f);
	SS_CHECK(strstr(t, "PASS  X-C1        matched 1\n") != NULL, "an output that matched is PASS");
	SS_CHECK(strstr(t, "FAIL  X-C1        did not match\n") != NULL, "an output that did not is FAIL");
	SS_CHECK(strstr(t, "XFAIL X-C2        known deviation [known: a reason]\n") != NULL, "a listed deviation is XFAIL, with its reason");
	SS_CHECK(strstr(t, "XPASS X-C3        known deviation gone [known: another]\n") != NULL, "a listed deviation that matches is XPASS");
	SS_CHECK(strstr(t, "INPUT X-C4        inputs in\n") != NULL, "a consistent input check is INPUT, never PASS");
	SS_CHECK(strstr(t, "FAIL  X-C4        inconsistent input: inputs lost\n") != NULL, "an inconsistent input is a FAIL that says so");
	SS_CHECK(strstr(t, "INFO  X-C5        discussion\n") != NULL, "INFO for what cannot be checked");
	const ss_claims_result *r = ss_claims_counts(c);
	SS_CHECK(r->pass == 1 && r->fail == 1 && r->xfail == 1 && r->xpass == 1 && r->input == 1 && r->input_fail == 1 &&
			 r->info == 1,
		 "each verdict counted once, in its own count");
	ss_claims_print_counts(r, f);
	t = printed(f);
	SS_CHECK(strstr(t, "4 output checks: 1 PASS, 1 FAIL, 1 XFAIL, 1 XPASS; 2 input checks (1 inconsistent); 1 for information\n") != NULL,
		 "the summary counts output and input checks apart");
	SS_CHECK(ss_claims_failed(r), "a FAIL fails the run");
	ss_claims_result only = {.pass = 3, .xfail = 2, .input = 5, .info = 1};
	SS_CHECK(!ss_claims_failed(&only), "PASS, XFAIL, INPUT and INFO do not");
	only.xpass = 1;
	SS_CHECK(ss_claims_failed(&only), "an XPASS does");
	only.xpass = 0;
	only.input_fail = 1;
	SS_CHECK(ss_claims_failed(&only), "an inconsistent input does");
	ss_claims_free(c);
	fclose(f);
}

static void order(void)
{
	/* 1% below is below, not "above within 1%". */
	SS_CHECK(ss_claims_compare(99, 98.9, 99.1, 100, 99.9, 100.1) == SS_CLAIMS_BELOW, "a curve 1%% below another is below");
	SS_CHECK(ss_claims_compare(101, 100.9, 101.1, 100, 99.9, 100.1) == SS_CLAIMS_ABOVE, "1%% above with tight intervals is above");
	SS_CHECK(ss_claims_compare(199.2, 198.8, 199.5, 199.4, 199.4, 199.5) == SS_CLAIMS_TIE, "overlapping intervals are a tie");
	SS_CHECK(ss_claims_compare(5, NAN, NAN, 5, NAN, NAN) == SS_CLAIMS_TIE, "equal means without intervals tie");
	SS_CHECK(ss_claims_compare(5, NAN, NAN, 4.999, NAN, NAN) == SS_CLAIMS_ABOVE, "without intervals the means decide");
	SS_CHECK(ss_claims_compare(NAN, 1, 2, 1, 1, 1) == SS_CLAIMS_MISSING, "a missing point is missing, not a tie");
}

static char dir[] = "/tmp/ss_claims_XXXXXX";
static int ndb;

/* One replication of one point: its throughput (and the rest a check
   may read, left out). */
static int put(ss_db *db, const char *fig, const char *series, double x, int rep, double thr)
{
	char key[160], err[256];
	snprintf(key, sizeof key, "series=%s;x=%g", series, x);
	ss_metrics m;
	ss_metrics_init(&m);
	ss_metrics_set(&m, "throughput", "Mbit/s", thr);
	ss_run_record r = {.scenario = fig, .figure = fig, .series = series, .x = x, .point_key = key, .replication = rep,
			   .metrics = &m};
	int rc = ss_db_write_run(db, &r, err, sizeof err);
	if (rc)
		SS_DIAG("write %s %s %g: %s", fig, series, x, err);
	ss_metrics_fini(&m);
	return rc;
}

/* A fresh database with the paper's reference rows. */
static ss_db *fresh(void)
{
	char name[32], err[512], csv[1024];
	snprintf(name, sizeof name, "n%d.db", ndb++);
	const char *src = getenv("SS_SRCDIR");
	snprintf(csv, sizeof csv, "%s/reference/nahum95.csv", src ? src : ".");
	ss_db *db = NULL;
	if (ss_db_open(ss_test_path(dir, name), SS_DB_CREATE, &db, err, sizeof err) ||
	    ss_db_load_reference(db, csv, err, sizeof err)) {
		SS_DIAG("%s", err);
		ss_db_close(db);
		return NULL;
	}
	return db;
}

/* The verdict line of check `id` when the N95 checks run on db (the
   rest of its claims fail for want of points; only this line matters). */
static const char *n95_line(ss_db *db, const char *id)
{
	static char out[65536], want[32], line[2048];
	FILE *f = tmpfile();
	ss_claims_result r;
	ss_claims_nahum95(db, f, &r);
	rewind(f);
	size_t n = fread(out, 1, sizeof out - 1, f);
	out[n] = '\0';
	fclose(f);
	snprintf(want, sizeof want, " %s ", id);
	line[0] = '\0';
	for (char *p = strtok(out, "\n"); p; p = strtok(NULL, "\n"))
		if (strstr(p, want) && strlen(p) < sizeof line)
			snprintf(line, sizeof line, "%s", p);
	return line;
}

static int tag_is(const char *line, const char *tag) { return !strncmp(line, tag, strlen(tag)) && line[strlen(tag)] == ' '; }

/* PLP scale64: TCP/IP and MD5 rise at `rate` per processor up to the
   lock's `bound`; DES at `des` per processor up to the same bound. */
static ss_db *scale64(double bound, double md5, double des)
{
	static const int xs[] = {1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64};
	ss_db *db = fresh();
	int bad = !db;
	for (size_t i = 0; !bad && i < sizeof xs / sizeof xs[0]; i++)
		for (int rep = 0; rep < 2 && !bad; rep++) {
			double x = xs[i], e = rep ? 1.0005 : 0.9995;
			bad |= put(db, "scale64", "TCP/IP", x, rep, e * fmin(138 * x, bound)) ||
			       put(db, "scale64", "TCP/MD5/IP", x, rep, e * fmin(md5 * x, bound)) ||
			       put(db, "scale64", "DES/TCP/MD5/IP", x, rep, e * fmin(des * x, bound));
		}
	SS_CHECK(!bad, "a made-up scale64 sweep: bound %.0f, MD5 %.1f and DES %.2f Mbit/s per processor", bound, md5, des);
	return db;
}

/* N95-C8 bounds both sides: the lock plateau, MD5's knee and DES's. */
static void c8(void)
{
	ss_db *db = scale64(200, 12.5, 4.0);
	const char *l = n95_line(db, "N95-C8/lock");
	SS_CHECK(tag_is(l, "PASS"), "a lock plateau at 200 Mbit/s matches the paper's about 200: %s", l);
	l = n95_line(db, "N95-C8/MD5");
	/* Listed as a known deviation, so a match shows as XPASS. */
	SS_CHECK(tag_is(l, "XPASS"), "MD5 stopping near 16 processors matches the paper's estimate: %s", l);
	l = n95_line(db, "N95-C8/DES");
	SS_CHECK(tag_is(l, "PASS"), "DES stopping near 48 processors lies within the paper's numbers: %s", l);
	ss_db_close(db);
	const double low[] = {167, 50};
	for (int i = 0; i < 2; i++) {
		db = scale64(low[i], 12.5 * low[i] / 200, 4.0 * low[i] / 200);
		l = n95_line(db, "N95-C8/lock");
		SS_CHECK(tag_is(l, "FAIL"), "a lock plateau at %.0f Mbit/s is not about 200: %s", low[i], l);
		ss_db_close(db);
	}
	const double md5[] = {26, 8.3};
	for (int i = 0; i < 2; i++) {
		db = scale64(200, md5[i], 4.0);
		l = n95_line(db, "N95-C8/MD5");
		SS_CHECK(tag_is(l, "XFAIL"), "MD5 stopping at %.0f processors is not about 16: %s", 0.95 * 200 / md5[i], l);
		ss_db_close(db);
	}
	const double des[] = {200.0 / 25, 2.8};
	for (int i = 0; i < 2; i++) {
		db = scale64(200, 12.5, des[i]);
		l = n95_line(db, "N95-C8/DES");
		SS_CHECK(tag_is(l, "FAIL"), "DES stopping at %.0f processors (or still rising at 64) is refused: %s",
			 0.95 * 200 / des[i], l);
		ss_db_close(db);
	}
}

/* Figs 3, 5, 7, 9 with the stacks' throughputs at every processor
   count, linear; at 12 in Fig 3 TCP/IP sits at 200 Mbit/s and MD5 at
   `lift` times that. */
static ss_db *ordered_figs(double lift)
{
	static const char *const figs[] = {"fig03", "fig05", "fig07", "fig09"};
	static const char *const plp[] = {"TCP/IP", "TCP/MD5/IP", "DES/TCP/MD5/IP", "3-DES/TCP/IP"};
	static const char *const clp[] = {"TCP/IP", "TCP/MD5/IP", "DES/TCP/MD5/IP", "3-DES/TCP/MD5/IP"};
	static const double rate[] = {138, 18.9, 3.65, 1.53};
	ss_db *db = fresh();
	int bad = !db;
	for (int f = 0; f < 4 && !bad; f++)
		for (int i = 0; i < 4 && !bad; i++)
			for (int x = 1; x <= 12 && !bad; x++)
				for (int rep = 0; rep < 2 && !bad; rep++) {
					/* Runs 0.02% apart: 90% intervals of +-0.13%. */
					double e = rep ? 1.0001 : 0.9999, v = rate[i] * x * e;
					if (f == 0 && i < 2 && x == 12) /* both at a 200 Mbit/s bound */
						v = 200 * (i ? lift : 1) * e;
					bad |= put(db, figs[f], f < 2 ? plp[i] : clp[i], x, rep, v);
				}
	SS_CHECK(!bad, "made-up Figs 3, 5, 7, 9 (MD5 at 12 in Fig 3: %.3f of TCP/IP)", lift);
	return db;
}

/* N95-C1: below is not above; a tie is reported as a tie. */
static void c1(void)
{
	ss_db *db = ordered_figs(0.9);
	const char *l = n95_line(db, "N95-C1");
	SS_CHECK(tag_is(l, "PASS") && strstr(l, "no ties"), "curves apart at every point are ordered: %s", l);
	ss_db_close(db);
	db = ordered_figs(1.01);
	l = n95_line(db, "N95-C1");
	SS_CHECK(tag_is(l, "FAIL") && strstr(l, "below"), "TCP/IP 1%% below MD5 is below, not above: %s", l);
	ss_db_close(db);
	db = ordered_figs(1.0);
	l = n95_line(db, "N95-C1");
	SS_CHECK(tag_is(l, "PASS") && strstr(l, "tie"), "two stacks at the same bound tie, and the check says so: %s", l);
	ss_db_close(db);
}

int main(void)
{
	ss_test_plan(42);
	verdicts();
	order();
	if (!mkdtemp(dir)) {
		printf("Bail out! no scratch directory\n");
		return 1;
	}
	c8();
	c1();
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		SS_DIAG("could not remove %s", dir);
	return ss_test_done();
}
