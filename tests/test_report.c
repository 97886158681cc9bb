/* Tests of the HTML report (report/html.c) and what it reads: the HTML
   and URL escaping known answers, the claim verdict lines read back
   (report/claims.c) and stored (store/claimsdb.c), and a page written
   from a synthetic store whose every text is hostile: each section is
   there, the figure is linked, the paper's number sits beside it, a
   provenance column added to the runs is shown, and no text from the
   store becomes markup (every tag of the page is one the report
   writes). The page in a real browser: tests/test_report_browser.sh. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ss_claims.h"
#include "ss_claimsdb.h"
#include "ss_db.h"
#include "ss_err.h"
#include "ss_html.h"
#include "ss_metrics.h"
#include "ss_test.h"

static char tmpdir[] = "/tmp/ss_test_report.XXXXXX";
static char err[2048];

#define EVIL_IMG "<img src=x onerror=alert(1)>"
#define EVIL_SCRIPT "</script><script>alert(2)</script>"
#define EVIL_ATTR "\"'><b onmouseover=alert(3)>"

static const char *tpath(const char *name) { return ss_test_path(tmpdir, name); }


static int streq_free(char *got, const char *want)
{
	int ok = got && !strcmp(got, want);
	if (!ok)
		printf("#   got '%s', want '%s'\n", got ? got : "(null)", want);
	free(got);
	return ok;
}

static void test_escape(void)
{
	SS_CHECK(streq_free(ss_html_escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"),
		 "html: the five special characters become references");
	SS_CHECK(streq_free(ss_html_escape("a\nb\tc\x7f" "d"), "a b c d"), "html: control characters become spaces");
	SS_CHECK(streq_free(ss_html_escape("\xc3\xa9\xff\xc0\xaf"), "\xc3\xa9???"),
		 "html: valid UTF-8 kept, invalid and overlong bytes become '?'");
	SS_CHECK(streq_free(ss_html_escape(NULL), ""), "html: NULL gives the empty string");
	SS_CHECK(streq_free(ss_html_url_path("r <x>&'/fig 1.svg"), "r%20%3Cx%3E%26%27/fig%201.svg"),
		 "url: everything but unreserved characters and '/' is percent-encoded");
	SS_CHECK(streq_free(ss_html_url_path("javascript:alert(1)"), "javascript%3Aalert%281%29"),
		 "url: a scheme cannot form (':' is encoded)");
}

static void test_parse(void)
{
	char a[] = "PASS  N95-C1      throughput ordered at every count; 1 tie(s) [1, 2]\n";
	char b[] = "XFAIL N95-C5/MD5  speedup 10.55 (paper 8) [known: the lock bound disagrees]";
	char c[] = "FAIL  N95-C3      inconsistent input: latencies off";
	char d[] = "17 output checks: 14 PASS, 0 FAIL";
	char e[] = "PASS  N95-C14-long-identifier text after a long id";
	ss_claims_line l;
	SS_CHECK(!ss_claims_parse_line(a, &l) && !strcmp(l.verdict, "PASS") && !strcmp(l.id, "N95-C1") &&
			 !strcmp(l.text, "throughput ordered at every count; 1 tie(s) [1, 2]") && !l.known,
		 "parse: a PASS line gives verdict, id and text (brackets in the text stay)");
	SS_CHECK(!ss_claims_parse_line(b, &l) && !strcmp(l.verdict, "XFAIL") && !strcmp(l.id, "N95-C5/MD5") &&
			 !strcmp(l.text, "speedup 10.55 (paper 8)") && l.known &&
			 !strcmp(l.known, "the lock bound disagrees"),
		 "parse: an XFAIL line gives the known deviation apart");
	SS_CHECK(!ss_claims_parse_line(c, &l) && !strcmp(l.verdict, "FAIL") &&
			 !strcmp(l.text, "inconsistent input: latencies off"),
		 "parse: an inconsistent input is a FAIL that says so");
	SS_CHECK(ss_claims_parse_line(d, &l) == -1, "parse: the counts line is not a verdict");
	SS_CHECK(!ss_claims_parse_line(e, &l) && !strcmp(l.id, "N95-C14-long-identifier") &&
			 !strcmp(l.text, "text after a long id"),
		 "parse: an id longer than its column");
}

static long long count(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A store with hostile texts everywhere the report shows one. */
static ss_db *make_store(const char *path)
{
	ss_db *db = NULL;
	if (ss_db_open(path, SS_DB_CREATE, &db, err, sizeof err)) {
		printf("# %s\n", err);
		return NULL;
	}
	char csv[4096];
	snprintf(csv, sizeof csv, "%s/reference/nahum95.csv", getenv("SS_SRCDIR") ? getenv("SS_SRCDIR") : ".");
	if (ss_db_load_reference(db, csv, err, sizeof err))
		printf("# %s\n", err);
	/* A provenance column the report does not know by name. */
	sqlite3_exec(ss_db_handle(db), "ALTER TABLE runs ADD COLUMN host TEXT NOT NULL DEFAULT ''", NULL, NULL, NULL);
	ss_metrics m;
	ss_metrics_init(&m);
	for (int x = 1; x <= 2; x++)
		for (int rep = 0; rep < 2; rep++) {
			ss_metrics_clear(&m);
			ss_metrics_set(&m, "throughput", "Mbit/s", 130.0 + x + rep);
			snprintf(m.bottleneck, sizeof m.bottleneck, "%s", x == 1 ? "cpu" : EVIL_IMG);
			m.bottleneck_util = 0.95;
			char key[512];
			snprintf(key, sizeof key, "stack=TCP/IP;label=" EVIL_IMG ";processors=%d;derived=" EVIL_ATTR, x);
			ss_run_record r = {EVIL_IMG, "fig03", "TCP/IP", (double)x, key,
					   "model=toy; params: x; sweep: " EVIL_SCRIPT "; run: replications=2",
					   (uint64_t)(7 + rep), rep, "0.1 " EVIL_SCRIPT, 1.7e9, 1.7e9 + 1, 10, 1000, &m,
					   NULL, NULL, NULL, NULL, NULL, 0};
			if (ss_db_write_run(db, &r, err, sizeof err))
				printf("# %s\n", err);
		}
	ss_metrics_fini(&m);
	sqlite3_exec(ss_db_handle(db), "UPDATE runs SET host = '" EVIL_ATTR "'", NULL, NULL, NULL);
	return db;
}

static const char *const page_tags[] = {
	"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p",
	"nav", "ol", "li", "a", "span", "main", "section", "figure", "div", "figcaption", "img", "table", "tr",
	"th", "td", "code", "br", "b", "details", "summary",
};

/* Every '<' of the page opens a tag the report writes; the first that
   does not, or NULL. */
static const char *stray_tag(const char *page)
{
	for (const char *p = strchr(page, '<'); p; p = strchr(p + 1, '<')) {
		const char *n = p + 1 + (p[1] == '/');
		size_t len = strspn(n, "!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
		int known = 0;
		for (size_t i = 0; i < sizeof page_tags / sizeof page_tags[0] && !known; i++)
			known = strlen(page_tags[i]) == len && !strncmp(page_tags[i], n, len);
		if (!known)
			return p;
	}
	return NULL;
}

static void test_claimsdb(ss_db *db)
{
	ss_claimsdb_row rows[] = {
		{"N95-C1", "PASS", "ordered " EVIL_IMG, NULL},
		{"N95-C5/MD5", "XFAIL", "speedup 10.5", "known " EVIL_SCRIPT},
		{EVIL_ATTR, "INFO", "background", NULL},
	};
	ss_claimsdb_row bad[] = {{"N95-C1", "PASS", "ok", NULL}, {"N95-C2", "MAYBE", "no such verdict", NULL}};
	int64_t id = 0;
	SS_CHECK_INT(ss_claimsdb_store(db, "toy", "0.1", 1700000000, bad, 2, &id, err, sizeof err), SS_EINVAL,
		     "claims: an unknown verdict is refused");
	SS_CHECK(count(ss_db_handle(db), "SELECT count(*) FROM sqlite_master WHERE name = 'claims'") == 0,
		 "claims: ... before anything is written");
	SS_CHECK_INT(ss_claimsdb_store(db, "toy", "0.1 " EVIL_SCRIPT, 1700000000, rows, 3, &id, err, sizeof err), SS_OK,
		     "claims: one check of three verdicts stored");
	SS_CHECK(count(ss_db_handle(db), "SELECT count(*) FROM claims WHERE check_id = (SELECT max(id) FROM claim_checks)") == 3 &&
			 count(ss_db_handle(db), "SELECT count(*) FROM claims WHERE known IS NOT NULL") == 1,
		 "claims: read back with the known deviation");
}

static void test_page(void)
{
	char dbname[256], figdir[300];
	snprintf(dbname, sizeof dbname, "%s/r<x>&'.db", tmpdir);
	ss_db *db = make_store(dbname);
	SS_CHECK(db != NULL, "a hostile store is written");
	if (!db) {
		SS_SKIP(21, "no store");
		return;
	}
	test_claimsdb(db);
	ss_db_close(db);
	/* A spec for study r<x>&' with the paper's 138 Mbit/s beside fig03. */
	mkdir(tpath("specs"), 0777);
	ss_test_write(tpath("specs/r<x>&'.cfg"),
		      "figures = ( { id = \"fig03\"; stem = \"fig03\"; metric = \"throughput\";\n"
		      "  title = \"Fig. 3 <i>throughput</i>\";\n"
		      "  refs = ( { series = \"TCP/IP\"; ref = \"N95-025\"; } ); },\n"
		      "  { id = \"fig05\"; stem = \"fig05\"; metric = \"throughput\"; } );\n");
	mkdir(tpath("out"), 0777);
	snprintf(figdir, sizeof figdir, "%s/out/r<x>&'", tmpdir);
	mkdir(figdir, 0777);
	ss_test_write(tpath("out/r<x>&'/fig03.svg"), "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>");
	/* A calibration store with a hostile CPU name. */
	sqlite3 *c = NULL;
	sqlite3_open(tpath("cal.db"), &c);
	sqlite3_exec(c, "CREATE TABLE calibration_hosts(id INTEGER PRIMARY KEY, created_at TEXT, cpu_model TEXT, "
			"clock_mhz REAL, cores INTEGER, openssl_version TEXT, quick INTEGER);"
			"CREATE TABLE calibration(host_id INTEGER, algorithm TEXT, bytes INTEGER, reps INTEGER, "
			"median_ns REAL, min_ns REAL, max_ns REAL, q1_ns REAL, q3_ns REAL);"
			"INSERT INTO calibration_hosts VALUES (1, '2026-01-01', '" EVIL_IMG "', 2600, 2, 'OpenSSL', 1);"
			"INSERT INTO calibration VALUES (1, 'md5', 64, 5, 250, 240, 260, 245, 255);",
		     NULL, NULL, NULL);
	sqlite3_close(c);
	static const ss_html_param toy_params[] = {
		{.name = "stack", .def = "TCP/IP", .unit = "", .source = "protocol graph (Table 1)"},
		{.name = "label", .def = "", .unit = "", .source = "free text naming the configuration"},
		{.name = "processors", .def = "1", .unit = "", .source = "processors of the host (N95-001)"},
	};
	ss_html_model toy = {"toy", toy_params, 3};
	const char *dbs[] = {dbname};
	const char *out = tpath("out/index.html");
	ss_html_opts o = {dbs, 1, out, tpath("specs"), tpath("cal.db"), &toy, 1, "test " EVIL_IMG};
	ss_html_summary sum;
	int rc = ss_html_report(&o, &sum, err, sizeof err);
	SS_CHECK_INT(rc, SS_OK, "the page is written (%s)", rc ? err : "ok");
	SS_CHECK(sum.stores == 1 && sum.figures == 1 && sum.missing == 1 && sum.claims == 3,
		 "summary: 1 store, 1 figure shown, 1 not drawn, 3 verdicts (got %d %d %d %d)", sum.stores, sum.figures,
		 sum.missing, sum.claims);
	char *page = ss_test_slurp(out);
	SS_CHECK(page != NULL, "the page is readable");
	if (!page) {
		SS_SKIP(14, "no page");
		return;
	}
	static const char *const ids[] = {"id=\"toc\"", "id=\"s0\"", "id=\"s0-figures\"", "id=\"s0-claims\"",
					  "id=\"s0-scenarios\"", "id=\"s0-bottlenecks\"", "id=\"s0-provenance\"",
					  "id=\"calibration\""};
	int all = 1;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (!strstr(page, ids[i])) {
			printf("#   missing %s\n", ids[i]);
			all = 0;
		}
	SS_CHECK(all, "every section is there, with the contents");
	SS_CHECK(strstr(page, "<img src=\"r%3Cx%3E%26%27/fig03.svg\"") != NULL,
		 "the figure is linked relatively, its folder percent-encoded");
	SS_CHECK(strstr(page, "N95-025") && strstr(page, "138 Mbit/s") && strstr(page, "approx"),
		 "the paper's number is beside the figure, with its qualifier");
	SS_CHECK(strstr(page, "v-XFAIL") && strstr(page, "Known deviation") && strstr(page, "b-PASS"),
		 "the claims are shown by verdict class with the known deviation");
	SS_CHECK(strstr(page, "processors of the host (N95-001)") && strstr(page, "1, 2 <span"),
		 "a swept parameter with its values and its source");
	SS_CHECK(strstr(page, "<th>host</th>") && strstr(page, "&quot;&#39;&gt;&lt;b onmouseover=alert(3)&gt;"),
		 "a provenance column the report does not know by name is shown, escaped");
	SS_CHECK(strstr(page, "&lt;img src=x onerror=alert(1)&gt;") && !strstr(page, EVIL_IMG),
		 "the hostile scenario name is text, never a tag");
	SS_CHECK(strstr(page, "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;") && !strstr(page, "<script"),
		 "a script in a store stays text; the page has no script at all");
	const char *stray = stray_tag(page);
	SS_CHECK(stray == NULL, "every tag of the page is one the report writes (first stray: %.30s)",
		 stray ? stray : "none");
	SS_CHECK(strstr(page, "Content-Security-Policy") && strstr(page, "default-src 'none'"),
		 "the page forbids scripts and remote loads by policy");
	SS_CHECK(strstr(page, "<th>md5</th>") && strstr(page, "&lt;img src=x onerror=alert(1)&gt;</td>"),
		 "the calibration is shown, its texts escaped");
	SS_CHECK(!strstr(page, "http://") && !strstr(page, "https://") && !strstr(page, "//fonts"),
		 "nothing is loaded from the network");
	free(page);

	/* Bad input: nothing is written. */
	const char *missing[] = {dbname, tpath("nope.db")};
	ss_html_opts bad = o;
	bad.dbs = missing;
	bad.ndbs = 2;
	bad.out = tpath("out/bad.html");
	rc = ss_html_report(&bad, NULL, err, sizeof err);
	struct stat sb;
	SS_CHECK(rc == SS_ENOENT && stat(bad.out, &sb) != 0, "a missing store: SS_ENOENT, no page (%s)", err);
	ss_test_write(tpath("junk.db"), "not a database at all, just text long enough to be read as one");
	missing[1] = tpath("junk.db");
	rc = ss_html_report(&bad, NULL, err, sizeof err);
	SS_CHECK(rc == SS_ENOTSECSIM && stat(bad.out, &sb) != 0, "a file that is no store: SS_ENOTSECSIM, no page (%s)",
		 err);
}

int main(void)
{
	ss_test_plan(33);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_escape();
	test_parse();
	test_page();
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	return ss_test_done();
}
