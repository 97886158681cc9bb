/* Cost profiles: the shipped files load and give the papers' numbers, bad
   files are reported as file:line, overrides and derived profiles work,
   and the calibrate command refuses bad options (exit 2). */
#include "ss_calib.h"
#include "ss_calibdb.h"
#include "ss_cmd_calibrate.h"
#include "ss_err.h"
#include "ss_profile.h"
#include "ss_test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4096];
static char tmpdir[] = "/tmp/ss_test_profileXXXXXX";
static char err[2048];

static const ss_crypto_alg *alg(const char *name)
{
	const ss_crypto_alg *a = NULL;
	ss_crypto_alg_find(name, &a, NULL, 0);
	return a;
}

static double cost_us(const ss_profile *p, const char *name, size_t bytes)
{
	ss_time t = -1;
	if (ss_profile_cost(p, alg(name), bytes, &t) != SS_OK)
		return -1;
	return ss_time_to_us(t);
}

static void test_shipped(void)
{
	char **names = NULL;
	size_t n = 0;
	ss_profile *p = NULL;
	int rc = ss_profile_list(dir, &names, &n, err, sizeof err);
	static const char *want[] = {"athlonxp-1667", "host", "p2-541",
				     "p3-846", "p4-1800", "p4-2200",
				     "r3000-25-scaled", "r4400-100", "xeon-2800"};
	int all = rc == SS_OK;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		int found = 0;
		for (size_t k = 0; k < n; k++)
			found |= strcmp(names[k], want[i]) == 0;
		all &= found;
	}
	SS_CHECK(all, "the 9 profiles are listed (%zu found)", n);

	/* Every file-based profile loads and every cost names its source. */
	for (size_t k = 0; k < n; k++) {
		int derived = 0;
		ss_profile_is_derived(dir, names[k], &derived, err, sizeof err);
		if (derived)
			continue;
		rc = ss_profile_load(dir, names[k], NULL, &p, err, sizeof err);
		int sourced = rc == SS_OK, count = 0;
		for (size_t i = 0; sourced && i < ss_crypto_alg_count(); i++) {
			const ss_crypto_alg *a = ss_crypto_alg_get(i);
			if (ss_profile_has(p, a)) {
				count++;
				sourced &= strlen(ss_profile_source(p, a)) > 10;
			}
		}
		SS_CHECK(sourced && count >= 3, "profile %s loads, %d costs, each "
			 "with a source%s%s", names[k], count, rc ? ": " : "",
			 rc ? err : "");
		ss_profile_free(p);
		p = NULL;
	}

	/* The CPUs of the file-based profiles predate AES-NI (Westmere,
	   2010) and none has a measured GCM cost: no profile invents one,
	   and asking names the profile and the algorithm. */
	int no_gcm = 1;
	for (size_t k = 0; k < n; k++) {
		int derived = 0;
		ss_profile_is_derived(dir, names[k], &derived, err, sizeof err);
		if (derived || ss_profile_load(dir, names[k], NULL, &p, err, sizeof err) != SS_OK)
			continue;
		no_gcm &= !ss_profile_has(p, alg("aes128-gcm")) && !ss_profile_has(p, alg("aes256-gcm"));
		ss_profile_free(p);
		p = NULL;
	}
	ss_time tg = 0;
	rc = ss_profile_load(dir, "p4-1800", NULL, &p, err, sizeof err);
	int rcg = rc == SS_OK ? ss_profile_cost_by_name(p, "aes128-gcm", 1500, &tg, err, sizeof err) : rc;
	SS_CHECK(no_gcm && rcg == SS_ENOENT && strstr(err, "p4-1800") && strstr(err, "aes128-gcm"),
		 "no file-based profile has a GCM cost; p4-1800 refuses aes128-gcm (%s)", err);
	ss_profile_free(p);
	p = NULL;
	ss_profile_list_free(names, n);

	/* Nahum et al. Table 1 (N95-049..051): 4 KB packet costs. */
	rc = ss_profile_load(dir, "r4400-100", NULL, &p, err, sizeof err);
	SS_CHECK(rc == SS_OK, "r4400-100 loads (%s)", rc ? err : "ok");
	if (rc != SS_OK)
		return;
	SS_CHECK_NEAR(cost_us(p, "md5", 4096), 1500, 1e-6, "r4400 md5, 4 KB (us)");
	SS_CHECK_NEAR(cost_us(p, "des-cbc", 4096), 7200, 1e-6, "r4400 des, 4 KB (us)");
	SS_CHECK_NEAR(cost_us(p, "3des-cbc", 4096), 21000, 1e-6,
		      "r4400 3des, 4 KB (us)");
	SS_CHECK_NEAR(cost_us(p, "des-cbc", 1024), 1800, 1e-6,
		      "r4400 des, 1 KB: a quarter (per-call overhead 0)");
	ss_time t;
	SS_CHECK(ss_profile_cost(p, alg("aes128-cbc"), 4096, &t) == SS_ENOENT,
		 "r4400 has no AES cost: SS_ENOENT, not a guess");
	rc = ss_profile_cost_by_name(p, "rsa1024-private", 0, &t, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && strstr(err, "r4400-100"),
		 "by name: missing cost names the profile (%s)", err);
	rc = ss_profile_cost_by_name(p, "dez-cbc", 0, &t, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && strstr(err, "des-cbc"),
		 "by name: unknown algorithm suggests des-cbc");
	rc = ss_profile_cost_by_name(p, "md5", 4096, &t, err, sizeof err);
	SS_CHECK(rc == SS_OK && t == INT64_C(1500000000),
		 "cost is an exact ss_time (1.5e9 ps)");

	/* Overrides. */
	double v = 0;
	rc = ss_profile_set(p, "des-cbc.per_byte_ns", 1000, err, sizeof err);
	SS_CHECK(rc == SS_OK && cost_us(p, "des-cbc", 4096) == 4096.0,
		 "override des-cbc.per_byte_ns");
	rc = ss_profile_set(p, "des-cbc.per_call_ns", 500, err, sizeof err);
	SS_CHECK(rc == SS_OK && cost_us(p, "des-cbc", 1000) == 1000.5 &&
			 strcmp(ss_profile_source(p, alg("des-cbc")), "override") == 0,
		 "override des-cbc.per_call_ns; source becomes 'override'");
	rc = ss_profile_get(p, "des-cbc.per_call_ns", &v, err, sizeof err);
	SS_CHECK(rc == SS_OK && v == 500, "get reads the override back");
	rc = ss_profile_set(p, "rsa1024-private.per_op_ns", 2e6, err, sizeof err);
	SS_CHECK(rc == SS_OK && cost_us(p, "rsa1024-private", 999) == 2000,
		 "setting an absent RSA cost adds it (per op, bytes ignored)");
	rc = ss_profile_set(p, "md5.per_byte_ns", -1, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "negative override: SS_EINVAL (%s)", err);
	rc = ss_profile_set(p, "md5.per_byte_ns", 1e300, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "an override past the clock's range: SS_EINVAL (%s)", err);
	rc = ss_profile_set(p, "md5.per_op_ns", 1, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "per_op_ns on a hash: SS_EINVAL (%s)", err);
	rc = ss_profile_set(p, "rsa1024-sign.per_byte_ns", 1, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "per_byte_ns on RSA: SS_EINVAL (%s)", err);
	rc = ss_profile_set(p, "md9.per_byte_ns", 1, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT, "unknown algorithm: SS_ENOENT (%s)", err);
	rc = ss_profile_set(p, "md5", 1, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "key without a field: SS_EINVAL (%s)", err);
	rc = ss_profile_get(p, "sha1.per_byte_ns", &v, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT, "get of an absent cost: SS_ENOENT (%s)", err);
	ss_profile_free(p);

	rc = ss_profile_load(dir, "p9-9999", NULL, &p, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && strstr(err, "r4400-100"),
		 "unknown profile lists the available ones (%s)", err);
	rc = ss_profile_load(dir, "../../etc/passwd", NULL, &p, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "a path as profile name is refused (%s)", err);
	rc = ss_profile_load(dir, "host", NULL, &p, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && strstr(err, "calibrat"),
		 "host without a calibration: SS_ENOENT (%s)", err);
}

/* Write text to tmpdir/NAME.cfg and try to load it. */
static int load_text(const char *name, const char *text, ss_profile **p)
{
	char file[256];
	snprintf(file, sizeof file, "%s.cfg", name);
	if (ss_test_write(ss_test_path(tmpdir, file), text))
		return -1;
	return ss_profile_load(tmpdir, name, NULL, p, err, sizeof err);
}

/* Writes p to tmpdir/NAME.cfg and loads it into *q. */
static int write_back(const ss_profile *p, ss_profile **q)
{
	char file[256];
	snprintf(file, sizeof file, "%s.cfg", ss_profile_name(p));
	FILE *f = fopen(ss_test_path(tmpdir, file), "w");
	int rc = f ? ss_profile_write(p, f, NULL, err, sizeof err) : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	return rc == SS_OK ? ss_profile_load(tmpdir, ss_profile_name(p), NULL, q, err, sizeof err) : -1;
}

/* Does err start with "tmpdir/NAME.cfg:LINE:"? */
static int at_line(const char *name, int line)
{
	char want[4300];
	snprintf(want, sizeof want, "%s/%s.cfg:%d: ", tmpdir, name, line);
	return strncmp(err, want, strlen(want)) == 0;
}

static void test_bad_files(void)
{
	static const struct {
		const char *name, *text, *what;
		int rc, line;
	} bad[] = {
		{"syntax", "name = \"syntax\";\ndescription = \"x\";\n"
		 "costs = ( { alg = ; } );\n", "syntax error", SS_EPARSE, 3},
		{"unknownalg", "name = \"unknownalg\";\ndescription = \"x\";\n"
		 "costs = (\n { alg = \"md4\"; per_call_ns = 1; per_byte_ns = 1;"
		 " source = \"s\"; }\n);\n", "unknown algorithm", SS_EINVAL, 4},
		{"negative", "name = \"negative\";\ndescription = \"x\";\ncosts = (\n"
		 " { alg = \"md5\";\n   per_call_ns = 0;\n   per_byte_ns = -3.5;"
		 " source = \"s\"; }\n);\n", "negative cost", SS_EINVAL, 6},
		{"missing", "name = \"missing\";\ndescription = \"x\";\ncosts = (\n"
		 " { alg = \"sha1\"; per_byte_ns = 2; source = \"s\"; }\n);\n",
		 "missing per_call_ns", SS_EINVAL, 4},
		{"nosource", "name = \"nosource\";\ndescription = \"x\";\ncosts = (\n"
		 " { alg = \"sha1\"; per_call_ns = 1; per_byte_ns = 2; }\n);\n",
		 "missing source", SS_EINVAL, 4},
		{"strcost", "name = \"strcost\";\ndescription = \"x\";\ncosts = (\n"
		 " { alg = \"sha1\"; per_call_ns = \"fast\"; per_byte_ns = 2;"
		 " source = \"s\"; }\n);\n", "string cost", SS_EINVAL, 4},
		{"field", "name = \"field\";\ndescription = \"x\";\ncosts = (\n"
		 " { alg = \"rsa512-sign\"; per_op_ns = 1; per_byte_ns = 2;"
		 " source = \"s\"; }\n);\n", "per_byte_ns on RSA", SS_EINVAL, 4},
		{"dup", "name = \"dup\";\ndescription = \"x\";\ncosts = (\n"
		 " { alg = \"md5\"; per_call_ns = 1; per_byte_ns = 2; source = \"s\"; },\n"
		 " { alg = \"md5\"; per_call_ns = 1; per_byte_ns = 2; source = \"s\"; }\n);\n",
		 "duplicate algorithm", SS_EINVAL, 5},
		{"wrongname", "name = \"other\";\ndescription = \"x\";\ncosts = ();\n",
		 "name differs from the file", SS_EINVAL, 1},
		{"topkey", "name = \"topkey\";\ndescription = \"x\";\nspeed = 3;\n"
		 "costs = ();\n", "unknown setting", SS_EINVAL, 3},
		{"nocosts", "name = \"nocosts\";\ndescription = \"x\";\n",
		 "no costs list", SS_EINVAL, 0},
		{"derive", "name = \"derive\";\ndescription = \"x\";\n"
		 "derive = \"magic\";\n", "unknown derive", SS_EINVAL, 3},
		{"bigint", "name = \"bigint\";\ndescription = \"x\";\n"
		 "clock_mhz = 4294967298;\ncosts = ();\n", "integer past 32 bits", SS_EPARSE, 3},
		{"hugecost", "name = \"hugecost\";\ndescription = \"x\";\ncosts = (\n"
		 " { alg = \"md5\";\n   per_call_ns = 0;\n   per_byte_ns = 1e300;"
		 " source = \"s\"; }\n);\n", "cost that would saturate the clock", SS_EINVAL, 6},
		{"infclock", "name = \"infclock\";\ndescription = \"x\";\n"
		 "clock_mhz = 1e999;\ncosts = ();\n", "infinite clock_mhz", SS_EINVAL, 3},
		{"incdir", "name = \"incdir\";\ndescription = \"x\";\n"
		 "@include \"/tmp\"\ncosts = ();\n", "@include of a directory", SS_ENOENT, 3},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ss_profile *p = NULL;
		int rc = load_text(bad[i].name, bad[i].text, &p);
		SS_CHECK(rc == bad[i].rc && p == NULL && at_line(bad[i].name, bad[i].line),
			 "%s: status %d at line %d (%s)", bad[i].what, rc,
			 bad[i].line, err);
	}
	ss_profile *p = NULL;
	int rc = ss_profile_load_file(tmpdir, NULL, &p, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && p == NULL && strstr(err, "not a regular file"),
		 "a directory as profile path is refused (%s)", err);
	rc = load_text("good", "name = \"good\";\ndescription = \"x\";\n"
			   "costs = ( { alg = \"aes128-cbc\"; per_call_ns = 100;"
			   " per_byte_ns = 2; source = \"test\"; } );\n", &p);
	SS_CHECK(rc == SS_OK && cost_us(p, "aes128-cbc", 450) == 1.0,
		 "a minimal valid file (integers accepted as numbers)");
	ss_profile_free(p);
}

static ss_calib *synthetic(void)
{
	static const size_t sz[] = {64, 256, 1024, 4096, 16384, 32768};
	ss_calib *cal = NULL;
	SS_MUST(ss_calib_alloc(&cal));
	ss_calib_host *h = ss_calib_host_info(cal);
	snprintf(h->cpu_model, sizeof h->cpu_model, "Synthetic");
	h->clock_mhz = 2538;
	h->cores = 2;
	snprintf(h->date, sizeof h->date, "2026-03-03T03:03:03Z");
	for (size_t i = 0; i < 6; i++) {
		double m = 200 + 12.0 * (double)sz[i];
		ss_calib_stats s = {5, m, m, m, m, m};
		ss_calib_add(cal, "des-cbc", sz[i], &s, NULL, 0);
		m = 210 + 30.0 * (double)sz[i];
		ss_calib_stats s3 = {5, m, m, m, m, m};
		ss_calib_add(cal, "3des-cbc", sz[i], &s3, NULL, 0);
		m = 160 + 0.16 * (double)sz[i];
		ss_calib_stats sg = {5, m, m, m, m, m};
		ss_calib_add(cal, "aes128-gcm", sz[i], &sg, NULL, 0);
	}
	ss_calib_stats r = {5, 70000, 70000, 70000, 70000, 70000};
	ss_calib_add(cal, "rsa1024-private", 48, &r, NULL, 0);
	ss_calib_finish(cal, NULL, 0);
	return cal;
}

static void test_derived(void)
{
	ss_calib *cal = synthetic();
	ss_profile *p = NULL, *q = NULL;
	int rc = ss_profile_load(dir, "host", cal, &p, err, sizeof err);
	SS_CHECK(rc == SS_OK, "host from a calibration (%s)", rc ? err : "ok");
	if (rc == SS_OK) {
		SS_CHECK_NEAR(cost_us(p, "des-cbc", 4096), (200 + 12.0 * 4096) / 1e3,
			      1e-6, "host des-cbc = fitted line at 4 KB (us)");
		SS_CHECK_NEAR(cost_us(p, "rsa1024-private", 48), 70, 1e-6,
			      "host rsa1024-private = median per op (us)");
		/* An AEAD is a bulk algorithm: per call + per byte. */
		SS_CHECK_NEAR(cost_us(p, "aes128-gcm", 1500), (160 + 0.16 * 1500) / 1e3, 1e-6,
			      "host aes128-gcm = fitted line at 1500 bytes (us)");
		SS_CHECK(!ss_profile_has(p, alg("md5")),
			 "algorithms not calibrated are absent");
	}

	/* Scaled, written, read back: the same numbers. */
	ss_profile_free(p);
	rc = ss_profile_from_calib(cal, "slow", 2538.0 / 846.0, &p, err, sizeof err);
	SS_CHECK(rc == SS_OK && fabs(cost_us(p, "des-cbc", 4096) -
				     3.0 * (200 + 12.0 * 4096) / 1e3) < 1e-6,
		 "from_calib scales by the clock ratio (x3)");
	char path[4200];
	snprintf(path, sizeof path, "%s/slow.cfg", tmpdir);
	FILE *f = fopen(path, "w");
	rc = f ? ss_profile_write(p, f, "line one\nline two", err, sizeof err) : -1;
	if (f)
		fclose(f);
	int rc2 = ss_profile_load(tmpdir, "slow", NULL, &q, err, sizeof err);
	SS_CHECK(rc == SS_OK && rc2 == SS_OK, "written profile reads back (%s)",
		 rc2 ? err : "ok");
	int same = q != NULL;
	for (size_t i = 0; same && i < ss_crypto_alg_count(); i++) {
		const ss_crypto_alg *a = ss_crypto_alg_get(i);
		ss_time t1 = 0, t2 = 0;
		same = ss_profile_has(p, a) == ss_profile_has(q, a);
		if (same && ss_profile_has(p, a)) {
			ss_profile_cost(p, a, 1500, &t1);
			ss_profile_cost(q, a, 1500, &t2);
			same = t1 == t2 && !strcmp(ss_profile_source(p, a),
						   ss_profile_source(q, a));
		}
	}
	SS_CHECK(same, "write/read round trip keeps every cost and source");
	ss_profile_free(q);
	q = NULL;

	/* Costs stop at 1e9 ns, below 2^31 (libconfig reads a larger integer
	   literal as a wrapped 32-bit int): the largest whole-number cost
	   reads back as itself, and a larger one is refused when set. */
	rc = ss_profile_set(p, "des-cbc.per_call_ns", 1e9, err, sizeof err);
	rc2 = rc == SS_OK ? write_back(p, &q) : -1;
	double got = -1;
	SS_CHECK(rc2 == SS_OK && ss_profile_get(q, "des-cbc.per_call_ns", &got, err, sizeof err) == SS_OK &&
			 got == 1e9,
		 "the largest cost, 1e9 ns, is written so that it reads back (got %.17g)", got);
	ss_profile_free(q);
	q = NULL;
	rc = ss_profile_set(p, "des-cbc.per_call_ns", 5e9, err, sizeof err);
	SS_CHECK(rc != SS_OK && strstr(err, "at most 1e9 ns"), "a cost of 5e9 ns is refused when set (%s)", err);
	ss_profile_free(p);
	ss_profile_free(q);
	/* So is a clock too slow for one decimal. */
	p = q = NULL;
	rc = load_text("slowclock", "name = \"slowclock\";\ndescription = \"x\";\nclock_mhz = 0.0001;\n"
			   "costs = ( { alg = \"md5\"; per_call_ns = 1; per_byte_ns = 2; source = \"s\"; } );\n", &p);
	rc2 = rc == SS_OK ? write_back(p, &q) : -1;
	SS_CHECK(rc2 == SS_OK, "a clock of 0.0001 MHz is written so that it reads back (%s)", rc2 ? err : "ok");
	ss_profile_free(p);
	ss_profile_free(q);
	SS_CHECK(ss_profile_from_calib(cal, "x", -1, &q, err, sizeof err) == SS_EINVAL &&
			 q == NULL,
		 "negative scale is SS_EINVAL");

	/* The command-line helper takes the latest stored calibration. */
	char dbpath[4200];
	sqlite3 *db = NULL;
	snprintf(dbpath, sizeof dbpath, "%s/cal.db", tmpdir);
	rc = ss_calibdb_open(dbpath, &db, err, sizeof err);
	if (rc == SS_OK)
		rc = ss_calibdb_store(db, cal, NULL, err, sizeof err);
	sqlite3_close(db);
	p = NULL;
	if (rc == SS_OK)
		rc = ss_cmd_calibrate_profile(dbpath, dir, "host", &p, err, sizeof err);
	SS_CHECK(rc == SS_OK && p && fabs(cost_us(p, "rsa1024-private", 0) - 70) < 1e-9,
		 "ss_cmd_calibrate_profile: host from the stored calibration (%s)",
		 rc ? err : "ok");
	ss_profile_free(p);
	p = NULL;
	rc = ss_cmd_calibrate_profile("/nonexistent/x.db", dir, "r4400-100", &p,
				      err, sizeof err);
	SS_CHECK(rc == SS_OK && p, "a file profile needs no database");
	ss_profile_free(p);
	unlink(dbpath);
	ss_calib_free(cal);
}

static void test_cli_options(void)
{
	static const struct { int argc; const char *argv[6]; const char *what; } bad[] = {
		{2, {"calibrate", "--bogus"}, "unknown option"},
		{3, {"calibrate", "--alg", "md55"}, "unknown algorithm"},
		{3, {"calibrate", "--alg", "rsa1000-private"}, "unsupported RSA size"},
		{2, {"calibrate", "-o"}, "missing value"},
		{3, {"calibrate", "--target-mhz", "100"}, "--target-mhz without --emit-profile"},
		{5, {"calibrate", "--emit-profile", "x.cfg", "--target-mhz", "-5"},
		 "negative clock"},
		{5, {"calibrate", "--emit-profile", "x.cfg", "--target-mhz", "fast"},
		 "non-numeric clock"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = ss_cmd_calibrate(bad[i].argc, (char **)bad[i].argv);
		SS_CHECK_INT(rc, 2, "calibrate with %s exits 2", bad[i].what);
	}
}

int main(void)
{
	ss_test_plan(77);
	const char *src = getenv("SS_SRCDIR");
#ifdef SS_DATADIR
	if (!src)
		src = SS_DATADIR;
#endif
	snprintf(dir, sizeof dir, "%s/crypto/profiles", src ? src : ".");
	if (!mkdtemp(tmpdir)) {
		SS_CHECK(0, "mkdtemp");
		return ss_test_done();
	}
	test_shipped();
	test_bad_files();
	test_derived();
	test_cli_options();
	/* Remove what the tests wrote. */
	char **names = NULL;
	size_t n = 0;
	if (ss_profile_list(tmpdir, &names, &n, NULL, 0) == SS_OK)
		for (size_t i = 0; i < n; i++) {
			char path[4200];
			snprintf(path, sizeof path, "%s/%s.cfg", tmpdir, names[i]);
			unlink(path);
		}
	ss_profile_list_free(names, n);
	rmdir(tmpdir);
	return ss_test_done();
}
