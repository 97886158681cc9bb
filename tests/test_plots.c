/* Tests of plots/ (and the `plot` command): quoting known answers, the
   scripts' data, paper values and hostile names against a synthetic store
   holding reference/nahum95.csv, the drawn PNG/SVG when gnuplot is here,
   the spec loader's errors with file:line, the Markdown tables (with
   incremental costs), gnuplot missing or failing, the exit statuses of
   `secsim plot`, what a figure shows beside its points (key placement,
   colours, CI footnote, derived paper points, marked x values, baseline,
   x tics) and the default plots of a store without a spec. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ss_cmd_plot.h"
#include "ss_db.h"
#include "ss_err.h"
#include "ss_metrics.h"
#include "ss_plot.h"
#include "ss_test.h"

static char tmpdir[] = "/tmp/ss_test_plots.XXXXXX";
static char err[2048];
static int have_gnuplot;

/* The hostile series names: each tries to end the string it is put in
   and run a shell command through gnuplot's system(). */
#define EVIL_DQ "x\" ; system(\"touch PWNED_DQ\") ; \""
#define EVIL_SQ "y' ; system('touch PWNED_SQ') ; '"
#define EVIL_SQ_QUOTED "'y'.\"'\".' ; system('.\"'\".'touch PWNED_SQ'.\"'\".') ; '.\"'\""
#define EVIL_NL "z\nsystem('touch PWNED_NL')\n`touch PWNED_BQ` @evil"

static const char *tpath(const char *name) { return ss_test_path(tmpdir, name); }


static long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static int contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* The text of a gnuplot script outside its string literals and comments:
   what gnuplot would execute. Single-quoted strings end at a lone quote
   ('' is a quote inside), double-quoted ones at an unescaped quote;
   datablock lines are data, not commands, and are skipped too. */
static char *gp_code(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	int in_block = 0;
	if (!out)
		return NULL;
	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);
		if (in_block) {
			if (len == 3 && !strncmp(s, "EOD", 3))
				in_block = 0;
		} else {
			if (len > 6 && !strncmp(s + len - 6, "<< EOD", 6))
				in_block = 1;
			for (size_t i = 0; i < len; i++) {
				if (s[i] == '#')
					break;
				if (s[i] == '\'') {
					for (i++; i < len; i++)
						if (s[i] == '\'') {
							if (i + 1 < len && s[i + 1] == '\'')
								i++;
							else
								break;
						}
					*o++ = 'S';
					continue;
				}
				if (s[i] == '"') {
					for (i++; i < len && s[i] != '"'; i++)
						if (s[i] == '\\')
							i++;
					*o++ = 'S';
					continue;
				}
				*o++ = s[i];
			}
			*o++ = '\n';
		}
		s += len + (eol ? 1 : 0);
	}
	*o = '\0';
	return out;
}

/* Removes dir and everything below it. */
static void rm_rf(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char p[2048];
			struct stat sb;
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
				rm_rf(p);
			else
				unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* ---- the synthetic store --------------------------------------------- */

static int nrun;

/* One run of figure/series at x, with name=value metric pairs. */
static int add_run_cfg(ss_db *db, const char *figure, const char *series, double x, int rep, int nm,
		       const char *const *names, const double *vals, const char *unit, const char *config)
{
	ss_metrics m;
	char key[64];
	ss_metrics_init(&m);
	for (int i = 0; i < nm; i++)
		ss_metrics_set(&m, names[i], unit, vals[i]);
	snprintf(key, sizeof key, "k=%d", nrun++);
	ss_run_record r = {0};
	r.scenario = "synthetic";
	r.figure = figure;
	r.series = series;
	r.x = x;
	r.point_key = key;
	r.config = config;
	r.seed = 1;
	r.replication = rep;
	r.metrics = &m;
	int rc = ss_db_write_run(db, &r, err, sizeof err);
	ss_metrics_fini(&m);
	if (rc)
		printf("# add_run: %s\n", err);
	return rc;
}

static int add_run(ss_db *db, const char *figure, const char *series, double x, int rep, int nm,
		   const char *const *names, const double *vals, const char *unit)
{
	return add_run_cfg(db, figure, series, x, rep, nm, names, vals, unit, NULL);
}

static const char *const ledger_m[] = {"ledger.proto", "ledger.crypto", "ledger.lock_wait"};

/* fig3 (throughput): TCP/IP and DES at x = 1, 2, 4 with replications of
   known mean: value = base(x) + {-2, 0, +2}; ledger metrics on the DES
   runs. fig4 (speedup): TCP/MD5/IP. The hostile names in fig3. table1
   (latency): TCP/IP send at x = 1: 240, 250, 260 and the Markdown-hostile
   "a|b send". */
static int build_store(const char *path)
{
	ss_db *db = NULL;
	char ref[1024];
	const char *src = getenv("SS_SRCDIR");
	int rc = ss_db_open(path, SS_DB_CREATE, &db, err, sizeof err);
	if (rc) {
		printf("# %s\n", err);
		return rc;
	}
	snprintf(ref, sizeof ref, "%s/reference/nahum95.csv", src && *src ? src : ".");
	if ((rc = ss_db_load_reference(db, ref, err, sizeof err))) {
		printf("# %s\n", err);
		goto out;
	}
	static const double xs[] = {1, 2, 4};
	static const double dev[] = {-2, 0, 2};
	const char *thr[] = {"throughput"};
	for (int i = 0; i < 3 && !rc; i++)
		for (int r = 0; r < 3 && !rc; r++) {
			double v = 100 + 10 * xs[i] + dev[r];
			double w = 4 + xs[i] + dev[r] / 10;
			double led[3] = {200 + dev[r], 1000 * xs[i] + 4 * dev[r], 7};
			const char *names[4] = {"throughput", ledger_m[0], ledger_m[1], ledger_m[2]};
			double vals[4] = {w, led[0], led[1], led[2]};
			double sp = xs[i] * (0.9 + dev[r] / 100);
			const char *spn[] = {"speedup"};
			if ((rc = add_run(db, "fig03", "TCP/IP", xs[i], r, 1, thr, &v, "Mbit/s")) ||
			    (rc = add_run(db, "fig03", "DES/TCP/MD5/IP", xs[i], r, 4, names, vals, "Mbit/s")) ||
			    (rc = add_run(db, "fig03", EVIL_DQ, xs[i], r, 1, thr, &v, "Mbit/s")) ||
			    (rc = add_run(db, "fig03", EVIL_SQ, xs[i], r, 1, thr, &v, "Mbit/s")) ||
			    (rc = add_run(db, "fig03", EVIL_NL, xs[i], r, 1, thr, &v, "Mbit/s")) ||
			    (rc = add_run(db, "fig04", "TCP/MD5/IP", xs[i], r, 1, spn, &sp, "x")) ||
			    (rc = add_run(db, "fig04", "<svg>&]]>", xs[i], r, 1, spn, &sp, "x")))
				goto out;
		}
	const char *lat[] = {"latency"};
	for (int r = 0; r < 3 && !rc; r++) {
		double v = 250 + 10 * dev[r] / 2, u = 2000;
		if ((rc = add_run(db, "table1", "TCP/IP send", 1, r, 1, lat, &v, "us")) ||
		    (rc = add_run(db, "table1", "a|b send", 1, r, 1, lat, &u, "us")))
			goto out;
	}
out:
	ss_db_close(db);
	return rc;
}

/* ---- specs ------------------------------------------------------------ */

static const char good_spec[] =
	"# a small spec over the synthetic store\n"
	"study = \"synthetic\";\n"
	"figures = (\n"
	"  { id = \"fig03\"; stem = \"fig03\"; title = \"Fig. 3: it's \\\"hostile\\\" `too`\";\n"
	"    xlabel = \"processors\"; ylabel = \"throughput (Mbit/s)\";\n"
	"    metric = \"throughput\"; logscale_y = true;\n"
	"    series = [ \"TCP/IP\", \"DES/TCP/MD5/IP\" ];\n"
	"    refs = ( { series = \"TCP/IP\"; ref = \"N95-025\"; },\n"
	"             { series = \"DES/TCP/MD5/IP\"; ref = \"N95-033\"; },\n"
	"             { series = \"3-DES/TCP/IP\"; ref = \"N95-028\"; } );\n"
	"    hlines = ( { ref = \"N95-069\"; title = \"lock bound\"; } );\n"
	"  },\n"
	"  { id = \"fig04\"; stem = \"fig04\"; title = \"Fig. 4\"; metric = \"speedup\";\n"
	"    ideal_speedup = true; legend = \"inside left top\";\n"
	"    refs = ( { series = \"TCP/MD5/IP\"; ref = \"N95-032\"; } ); },\n"
	"  { id = \"fig05\"; stem = \"fig05\"; metric = \"throughput\"; },\n"
	"  { id = \"fig03\"; stem = \"fig03-only\"; metric = \"throughput\"; others = false;\n"
	"    series = [ \"DES/TCP/MD5/IP\" ]; },\n"
	"  { kind = \"ledger\"; id = \"ledger_des\"; from_figure = \"fig03\";\n"
	"    series = \"DES/TCP/MD5/IP\"; xlabel = \"processors\";\n"
	"    metrics = [ \"ledger.proto\", \"ledger.crypto\", \"ledger.lock_wait\" ]; }\n"
	");\n"
	"tables = (\n"
	"  { id = \"table1\"; title = \"Table 1: PLP latency\"; metric = \"latency\"; unit = \"us\"; x = 1;\n"
	"    base_stack = \"TCP/IP\";\n"
	"    rows = ( { stack = \"TCP/IP\"; side = \"send\"; ref = \"N95-035\"; },\n"
	"             { stack = \"TCP/IP\"; side = \"recv\"; ref = \"N95-036\"; },\n"
	"             { stack = \"a|b\"; side = \"send\"; ref = \"N95-037\"; incr = \"N95-038\";\n"
	"               note = \"pipe | here\"; } );\n"
	"    notes = [ \"The 3-DES label follows each table.\" ]; }\n"
	");\n";

/* Loads `text` as a spec against the store; returns the status. */
static int try_spec(const char *db_path, const char *text)
{
	ss_db *db = NULL;
	ss_plot_spec *spec = NULL;
	ss_test_write(tpath("bad.cfg"), text);
	int rc = ss_db_open(db_path, SS_DB_READ, &db, err, sizeof err);
	if (rc == SS_OK)
		rc = ss_plot_spec_load(tpath("bad.cfg"), db, &spec, err, sizeof err);
	ss_plot_spec_free(spec);
	ss_db_close(db);
	return rc;
}

/* ---- tests ------------------------------------------------------------ */

static void test_quoting(void)
{
	static const struct {
		const char *in, *want;
	} gp[] = {
		{"abc", "'abc'"},
		{"it's", "'it'.\"'\".'s'"},
		{"''", "\"'\".\"'\""},
		{"'quoted' title", "\"'\".'quoted'.\"'\".' title'"},
		{"a\nb\rc\td", "'a b c d'"},
		{"tail\\", "'tail\\'"},
		{"\xc3\xa9t\xc3\xa9", "'\xc3\xa9t\xc3\xa9'"}, /* "été" kept */
		{"bad\xff\xc3(", "'bad?\?('"},               /* invalid UTF-8 */
		{"\xed\xa0\x80", "'?\?\?'"},                   /* a surrogate */
		{EVIL_SQ, EVIL_SQ_QUOTED},
		{"", "''"},
		{"a]]>b]]]>", "'a]] >b]]] >'"},
	};
	for (size_t i = 0; i < sizeof gp / sizeof gp[0]; i++) {
		char *q = ss_plot_gp_quote(gp[i].in);
		SS_CHECK(q && !strcmp(q, gp[i].want), "gp quote #%zu -> %s (got %s)", i, gp[i].want, q ? q : "NULL");
		free(q);
	}
	char *q = ss_plot_gp_quote(NULL);
	SS_CHECK(q && !strcmp(q, "''"), "gp quote of NULL is ''");
	free(q);
	/* What gnuplot itself reads back: quotes at the start, in a row and
	   at the end (doubled quotes broke there), and the hostile name. */
	static const char *const trip[] = {"'quoted' title", "a''b", "'''", "x'", "it's", EVIL_SQ, "plain"};
	const size_t ntrip = sizeof trip / sizeof trip[0];
	if (have_gnuplot) {
		FILE *f = fopen(tpath("trip.gp"), "w");
		if (f) {
			fprintf(f, "set print '%s'\n", tpath("trip.txt"));
			for (size_t i = 0; i < ntrip; i++) {
				char *t = ss_plot_gp_quote(trip[i]);
				fprintf(f, "set title %s\nprint %s\n", t ? t : "", t ? t : "");
				free(t);
			}
			fclose(f);
		}
		char cmd[2200];
		snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot trip.gp 2>/dev/null", tmpdir);
		int ran = system(cmd) == 0;
		char *got = ss_test_slurp(tpath("trip.txt"));
		int same = ran && got != NULL;
		const char *g = got;
		for (size_t i = 0; same && i < ntrip; i++) {
			size_t l = strlen(trip[i]);
			same = !strncmp(g, trip[i], l) && g[l] == '\n';
			g += l + 1;
		}
		SS_CHECK(same && file_size(tpath("PWNED_SQ")) < 0, "gnuplot reads every quoted text back as it was (%s)",
			 got ? got : "no output");
		free(got);
	} else {
		SS_SKIP(1, "quoted text read back by gnuplot: gnuplot not found");
	}
	static const struct {
		const char *in, *want;
	} md[] = {
		{"a|b", "a\\|b"},
		{"x\\|y", "x\\\\\\|y"},
		{"*em* _u_ `c` <b> [l]", "\\*em\\* \\_u\\_ \\`c\\` \\<b\\> \\[l\\]"},
		{"3-DES/TCP/MD5/IP 1.5", "3-DES/TCP/MD5/IP 1.5"},
		{"two\nlines", "two lines"},
	};
	for (size_t i = 0; i < sizeof md / sizeof md[0]; i++) {
		char *e = ss_plot_md_escape(md[i].in);
		SS_CHECK(e && !strcmp(e, md[i].want), "md escape #%zu -> %s (got %s)", i, md[i].want, e ? e : "NULL");
		free(e);
	}
}

static void check_no_commands(const char *script, const char *name)
{
	char *code = gp_code(script);
	SS_CHECK(code && !contains(code, "system") && !contains(code, "`") && !contains(code, "@") &&
			 !contains(code, "touch"),
		 "%s: no system(), backquote, macro or shell word outside string literals", name);
	free(code);
}

static void test_figures(const char *db_path, const char *spec_path)
{
	const char *out = tpath("out/nested/dir");
	ss_db *db = NULL;
	ss_plot_spec *spec = NULL;
	int rc = ss_db_open(db_path, SS_DB_READ, &db, err, sizeof err);
	SS_CHECK_INT(rc, SS_OK, "open the synthetic store read-only (%s)", rc ? err : "ok");
	rc = ss_plot_spec_load(spec_path, db, &spec, err, sizeof err);
	SS_CHECK_INT(rc, SS_OK, "load the good spec (%s)", rc ? err : "ok");
	if (rc) {
		ss_db_close(db);
		return;
	}
	SS_CHECK_INT(ss_plot_spec_nfigures(spec), 5, "5 figures in the spec");
	SS_CHECK_INT(ss_plot_spec_ntables(spec), 1, "1 table in the spec");

	ss_plot_summary sum;
	ss_plot_opts o = {0};
	rc = ss_plot_figures(db, spec, out, &o, &sum, err, sizeof err);
	if (have_gnuplot)
		SS_CHECK_INT(rc, SS_OK, "figures written and drawn (%s)", rc ? err : "ok");
	else
		SS_CHECK(rc == SS_ENOENT && sum.no_gnuplot && contains(err, "not drawn"),
			 "without gnuplot: SS_ENOENT, 'not drawn' (%s)", err);
	SS_CHECK_INT(sum.written, 4, "4 scripts written (fig03, fig04, fig03-only, ledger_des)");
	SS_CHECK_INT(sum.skipped, 1, "fig5 has no data: skipped");
	SS_CHECK_INT(sum.drawn, have_gnuplot ? 4 : 0, "drawn count");
	SS_CHECK(file_size(tpath("out/nested/dir/fig05.gp")) < 0, "no script for the figure without data");

	char *s3 = ss_test_slurp(tpath("out/nested/dir/fig03.gp"));
	SS_CHECK(s3 != NULL, "fig03.gp exists in the created nested directory");
	/* TCP/IP at x = 2: 100 + 20 + {-2, 0, 2}: mean 120; t(0.95, 2) =
	   2.919986 (Student t table), sd 2: half-width 3.371708. */
	SS_CHECK(contains(s3, "$sim1 << EOD\n1 110 "), "fig03: TCP/IP is block 1, first row x=1 mean 110");
	SS_CHECK(contains(s3, "\n2 120 116.62829") && contains(s3, " 123.37170"),
		 "fig03: x=2 mean 120 with its 90%% t interval [116.628, 123.372]");
	SS_CHECK(contains(s3, "\n4 8 "), "fig03: DES at x=4 mean 8");
	SS_CHECK(contains(s3, "$paper1 << EOD\n1 138 # 'N95-025'\nEOD"),
		 "fig03: the paper's TCP/IP point (N95-025: 138 at x=1) read from the store");
	SS_CHECK(contains(s3, "$paper2 << EOD\n12 50 # 'N95-033'\nEOD"),
		 "fig03: the paper's DES point (N95-033: 50 at x=12, x from the row)");
	SS_CHECK(contains(s3, "200 with lines ls 91 title 'lock bound: about 200 Mbit/s'"),
		 "fig03: N95-069 as a 200 Mbit/s line, keyed with its value and qualifier from the row");
	SS_CHECK(contains(s3, "$sim1 using 1:2:3:4 with yerrorlines ls 1 title 'TCP/IP', \\\n"
			      "     $paper1 using 1:2 with points ls 101 title 'paper: TCP/IP'"),
		 "fig03: the paper's points named 'paper: SERIES', right after their series");
	SS_CHECK(contains(s3, "set style line 1 lc rgb '#0072B2' dt 1 lw 1.5 pt 7") &&
			 contains(s3, "set style line 101 lc rgb '#0072B2' dt 1 lw 2 pt 6") &&
			 contains(s3, "set style line 2 lc rgb '#D55E00'") && contains(s3, "set style line 102 lc rgb '#D55E00'"),
		 "fig03: each series' paper points take its colour (hollow twin of its shape); series differ in colour");
	SS_CHECK(contains(s3, "set key outside below center horizontal") && !contains(s3, "set key outside right") &&
			 !contains(s3, "set key inside"),
		 "fig03: the key is below the plot, clear of the data");
	/* DES at x = 1: 5 +- 2.919986 * 0.2 / sqrt(3) = 0.337: 6.7 % of the
	   mean, and 3.9 % of the log axis' span, wider than a marker. */
	SS_CHECK(contains(s3, "set label 1 'error bars: 90% confidence intervals (largest half-width 6.7% of the mean)'"),
		 "fig03: the CI footnote gives the largest half-width, from the data");
	SS_CHECK(contains(s3, "$paper6 << EOD\n1 1.5 # 'N95-028'\nEOD") &&
			 contains(s3, "$paper6 using 1:2 with points ls 106 title 'paper: 3-DES/TCP/IP'"),
		 "fig03: a series only the paper has is drawn, named, after the store's");
	SS_CHECK(contains(s3, "with yerrorlines"), "fig03: series drawn with their intervals");
	SS_CHECK(contains(s3, "set logscale y"), "fig03: log y");
	SS_CHECK(contains(s3, "set title 'Fig. 3: it'.\"'\".'s \"hostile\" `too`'"), "fig03: title quoted");
	SS_CHECK(contains(s3, "title '" "x\" ; system(\"touch PWNED_DQ\") ; \"" "'"),
		 "fig03: double-quote hostile name inside one single-quoted string");
	SS_CHECK(contains(s3, "title " EVIL_SQ_QUOTED), "fig03: single-quote hostile name with its quotes split out");
	SS_CHECK(contains(s3, "title 'z system('.\"'\".'touch PWNED_NL'.\"'\".') `touch PWNED_BQ` @evil'"),
		 "fig03: newline hostile name on one line, quotes split out");
	/* The hostile names' long titles leave one key column of 9 rows
	   (8 series and paper entries, the line): six rows past three, 18
	   pixels each. */
	SS_CHECK(contains(s3, "maxcols 1 ") && contains(s3, "pngcairo size 800,708") && contains(s3, "set output 'fig03.png'") &&
			 contains(s3, "set output 'fig03.svg'"),
		 "fig03: PNG and SVG outputs, the canvas taller for a 9-row key (800x708)");
	SS_CHECK(contains(s3, "noenhanced"), "fig03: text is not enhanced-mode markup");
	check_no_commands(s3, "fig03.gp");
	/* others = false: one figure id drawn as a plot of a subset. */
	char *so = ss_test_slurp(tpath("out/nested/dir/fig03-only.gp"));
	SS_CHECK(so && contains(so, "title 'DES/TCP/MD5/IP'") && !contains(so, "title 'TCP/IP'") && !contains(so, "PWNED"),
		 "fig03-only (others = false): the listed series alone, the store's others left out");
	free(so);
	free(s3);

	char *s4 = ss_test_slurp(tpath("out/nested/dir/fig04.gp"));
	SS_CHECK(contains(s4, "x with lines ls 90 title 'ideal linear speedup'"), "fig04: ideal speedup line");
	SS_CHECK(contains(s4, "12 8 # 'N95-032'"), "fig04: N95-032 speedup 8 at 12");
	SS_CHECK(contains(s4, "$paper2 using 1:2 with points ls 102 title 'paper: TCP/MD5/IP'"), "fig04: paper point titled");
	SS_CHECK(contains(s4, "title '<svg>&]] >', \\\n     NaN with points ps 0 lc rgb 'white' title ' '"),
		 "fig04: a series without paper points keeps a blank slot, so pairs share key rows");
	SS_CHECK(contains(s4, "title '<svg>&]] >'"), "fig04: XML-hostile name quoted, ]]> broken");
	SS_CHECK(contains(s4, "set key inside left top"), "fig04: legend placement from the spec");
	SS_CHECK(contains(s4, "maxcols 2 ") && contains(s4, "pngcairo size 800,600"),
		 "fig04: two key columns, 3 rows: the standard 800x600 canvas");
	SS_CHECK(!contains(s4, "set logscale"), "fig04: linear axes");
	check_no_commands(s4, "fig04.gp");
	free(s4);

	char *sl = ss_test_slurp(tpath("out/nested/dir/ledger_des.gp"));
	/* DES ledger at x = 4: proto 200, crypto 4000, lock 7 (means); per-run
	   totals 4207 + 5 dev = {4197, 4207, 4217}: sd 10, half-width
	   2.919986 * 10 / sqrt(3) = 16.858545. */
	SS_CHECK(contains(sl, "rowstacked"), "ledger: stacked histogram");
	SS_CHECK(contains(sl, "\n4 200 4000 7\n"), "ledger: x=4 row holds the three means");
	SS_CHECK(contains(sl, "\n2 4207 4190.14145") && contains(sl, " 4223.85854"),
		 "ledger: total at bar 2 = 4207 with its t interval from the runs");
	SS_CHECK(contains(sl, "title 'protocol'") && contains(sl, "title 'lock wait'"),
		 "ledger: default labels for ledger.* metrics");
	check_no_commands(sl, "ledger_des.gp");
	free(sl);

	if (have_gnuplot) {
		char *png = ss_test_slurp(tpath("out/nested/dir/fig03.png"));
		SS_CHECK(png && file_size(tpath("out/nested/dir/fig03.png")) > 1000 && !memcmp(png, "\x89PNG", 4),
			 "fig03.png drawn (%ld bytes)", file_size(tpath("out/nested/dir/fig03.png")));
		free(png);
		char *svg = ss_test_slurp(tpath("out/nested/dir/fig03.svg"));
		SS_CHECK(contains(svg, "<svg") && contains(svg, ">paper: TCP/IP<") && contains(svg, "paper: 3-DES/TCP/IP"),
			 "fig03.svg drawn, key included");
		free(svg);
		svg = ss_test_slurp(tpath("out/nested/dir/fig04.svg"));
		SS_CHECK(contains(svg, "&lt;svg>&amp;]] >") && !contains(svg, "<svg>&"),
			 "fig04.svg: the XML-hostile name stays text");
		free(svg);
		SS_CHECK(file_size(tpath("out/nested/dir/fig04.png")) > 1000 &&
				 file_size(tpath("out/nested/dir/fig04.svg")) > 1000,
			 "fig04 PNG and SVG drawn");
		SS_CHECK(file_size(tpath("out/nested/dir/ledger_des.png")) > 1000 &&
				 file_size(tpath("out/nested/dir/ledger_des.svg")) > 1000,
			 "ledger PNG and SVG drawn");
		SS_CHECK(file_size(tpath("out/nested/dir/PWNED_DQ")) < 0 && file_size(tpath("out/nested/dir/PWNED_SQ")) < 0 &&
				 file_size(tpath("out/nested/dir/PWNED_NL")) < 0 && file_size(tpath("out/nested/dir/PWNED_BQ")) < 0 &&
				 file_size("PWNED_DQ") < 0 && file_size("PWNED_SQ") < 0,
			 "gnuplot ran the scripts and no hostile name ran a command");
	} else {
		SS_SKIP(1, "drawn PNG/SVG: gnuplot not found");
		SS_SKIP(1, "hostile names under gnuplot: gnuplot not found");
	}

	/* Gnuplot missing, then failing: scripts kept, clear errors. */
	o.gnuplot = "/nonexistent/gnuplot";
	rc = ss_plot_figures(db, spec, tpath("out2"), &o, &sum, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && sum.no_gnuplot && sum.written == 4 && sum.drawn == 0 &&
			 contains(err, "not drawn") && contains(err, "/nonexistent/gnuplot"),
		 "gnuplot missing: SS_ENOENT, scripts written, says not drawn (%s)", err);
	SS_CHECK(file_size(tpath("out2/fig03.gp")) > 0 && file_size(tpath("out2/fig03.png")) < 0,
		 "gnuplot missing: script kept, no PNG");
	o.gnuplot = "/bin/false";
	rc = ss_plot_figures(db, spec, tpath("out2"), &o, &sum, err, sizeof err);
	SS_CHECK(rc == SS_EIO && !sum.no_gnuplot && contains(err, "gnuplot failed") && contains(err, "fig03.gp") &&
			 contains(err, "exit status 1"),
		 "gnuplot failing: SS_EIO naming the script and the status (%s)", err);
	o.gnuplot = NULL;
	o.no_draw = 1;
	rc = ss_plot_figures(db, spec, tpath("out3"), &o, &sum, err, sizeof err);
	SS_CHECK(rc == SS_OK && sum.written == 4 && sum.drawn == 0 && file_size(tpath("out3/fig03.gp")) > 0,
		 "no_draw: scripts only, SS_OK");
	ss_test_write(tpath("afile"), "x");
	rc = ss_plot_figures(db, spec, tpath("afile/sub"), &o, &sum, err, sizeof err);
	SS_CHECK(rc == SS_EIO && contains(err, "afile"), "outdir under a file: SS_EIO (%s)", err);

	/* The tables. */
	rc = ss_plot_tables(db, spec, tpath("out/tables.md"), err, sizeof err);
	SS_CHECK_INT(rc, SS_OK, "tables written (%s)", rc ? err : "ok");
	char *md = ss_test_slurp(tpath("out/tables.md"));
	/* TCP/IP send: 240, 250, 260: mean 250, half-width 2.919986 * 10 /
	   sqrt(3) = 16.86; against 236 (N95-035): +5.93 %. */
	SS_CHECK(contains(md, "| TCP/IP | send | 236 | 250.0 \u00b1 16.9 | 3 | +5.9% | (base) | (base) | \u2014 | ref. N95-035 |"),
		 "tables: TCP/IP send row: paper 236, simulated 250.0 +- 16.9, n 3, +5.9%%, the incremental base");
	SS_CHECK(contains(md, "| TCP/IP | recv | 189 | \u2014 | \u2014 | \u2014 | (base) | (base) | \u2014 | not simulated"),
		 "tables: a row without simulated data is kept and says so");
	/* 2000 - 250 = 1750 against N95-038's 1500: +16.7 %; half-widths 0
	   and 16.86 combined: 16.86. */
	SS_CHECK(contains(md, "| a\\|b | send | 1737 | 2000 \u00b1 0 | 3 | +15.1% | 1500 | 1750 \u00b1 17 | +16.7% | "
			      "pipe \\| here; ref. N95-037, incr. N95-038 |"),
		 "tables: hostile cells escaped (a\\|b), paper 1737, +15.1%%; incremental cost 1750 over TCP/IP against "
		 "the paper's 1500");
	SS_CHECK(contains(md, "| paper incr. over TCP/IP | simulated incr. | rel. error |"),
		 "tables: incremental-cost columns, paper beside simulated");
	SS_CHECK(contains(md, "## Table 1: PLP latency") && contains(md, "- The 3-DES label follows each table."),
		 "tables: heading and notes");
	SS_CHECK(contains(md, "90% Student-t"), "tables: the store's confidence level is stated");
	free(md);
	ss_plot_spec_free(spec);
	ss_db_close(db);

	/* The path-level wrappers. */
	rc = ss_plot_tables_md(db_path, spec_path, tpath("out/t2.md"), err, sizeof err);
	SS_CHECK(rc == SS_OK && file_size(tpath("out/t2.md")) > 100, "ss_plot_tables_md (%s)", rc ? err : "ok");
	rc = ss_plot_study(db_path, spec_path, tpath("out4"), err, sizeof err);
	SS_CHECK(rc == (have_gnuplot ? SS_OK : SS_ENOENT) && file_size(tpath("out4/fig04.gp")) > 0,
		 "ss_plot_study writes the scripts (%s)", rc ? err : "ok");
	setenv("SECSIM_GNUPLOT", "/nonexistent/gp", 1);
	rc = ss_plot_study(db_path, spec_path, tpath("out5"), err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && contains(err, "/nonexistent/gp") && contains(err, "not drawn") &&
			 file_size(tpath("out5/fig03.gp")) > 0,
		 "ss_plot_study honours SECSIM_GNUPLOT; missing: scripts only (%s)", err);
	unsetenv("SECSIM_GNUPLOT");
	rc = ss_plot_study(tpath("nope.db"), spec_path, tpath("out6"), err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && file_size(tpath("out6")) < 0, "ss_plot_study: missing store, nothing written");
}

static void test_bad_specs(const char *db)
{
	int rc;
	rc = try_spec(db, "figures = (\n  { id = \"fig03\"; metric = \"throughput\";\n    titel = \"x\"; }\n);\n");
	SS_CHECK(rc == SS_ENOENT && contains(err, "bad.cfg:3: figure 'fig03': unknown key 'titel' (did you mean 'title'?)"),
		 "unknown key: SS_ENOENT with file:line and a suggestion (%s)", err);
	rc = try_spec(db, "figures = ( { id = \"f\"; metric = \"m\"; }\n);\nplots = 1;\n");
	SS_CHECK(rc == SS_ENOENT && contains(err, "bad.cfg:3: top level: unknown key 'plots'"),
		 "unknown top-level key at its line (%s)", err);
	rc = try_spec(db, "figures = ( { id = \"fig03\"; metric = \"m\";\n"
			  "  refs = ( { series = \"TCP/IP\";\n ref = \"N95-999\"; } ); } );\n");
	SS_CHECK(rc == SS_ENOENT && contains(err, "bad.cfg:2:") && contains(err, "unknown reference id 'N95-999'"),
		 "unknown reference id: SS_ENOENT at the ref's line (%s)", err);
	rc = try_spec(db, "tables = ( { id = \"t\"; metric = \"latency\"; x = 1;\n"
			  "  rows = ( { stack = \"A\"; side = \"send\"; ref = \"NOPE-1\"; } ); } );\n");
	SS_CHECK(rc == SS_ENOENT && contains(err, "bad.cfg:2:") && contains(err, "unknown reference id 'NOPE-1'"),
		 "unknown reference id in a table row (%s)", err);
	rc = try_spec(db, "figures = (\n { kind = \"pie\"; id = \"f\"; }\n);\n");
	SS_CHECK(rc == SS_ENOENT && contains(err, "bad.cfg:2:") && contains(err, "unknown figure kind 'pie'") &&
			 contains(err, "xy, ledger"),
		 "unknown figure kind: SS_ENOENT listing the kinds (%s)", err);
	rc = try_spec(db, "figures = (\n { id = \"f\"; metric = ; }\n);\n");
	SS_CHECK(rc == SS_EPARSE && contains(err, "bad.cfg:2:"), "syntax error: SS_EPARSE at its line (%s)", err);
	rc = try_spec(db, "figures = (\n { id = \"f\"; metric = \"m\";\n logscale_y = \"yes\"; }\n);\n");
	SS_CHECK(rc == SS_EPARSE && contains(err, "bad.cfg:3:") && contains(err, "'logscale_y' must be true or false"),
		 "wrong type: SS_EPARSE (%s)", err);
	rc = try_spec(db, "figures = (\n { id = \"f\"; }\n);\n");
	SS_CHECK(rc == SS_EPARSE && contains(err, "missing required key 'metric'"), "missing metric: SS_EPARSE (%s)", err);
	rc = try_spec(db, "figures = (\n { id = \"f\"; metric = \"m\"; stem = \"../evil\"; }\n);\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "file stem '../evil'"), "unsafe stem refused (%s)", err);
	rc = try_spec(db, "figures = (\n { id = \"x'y\"; metric = \"m\"; }\n);\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "give stem"), "an id unsafe as a stem needs a stem (%s)", err);
	rc = try_spec(db, "figures = ( { id = \"a\"; metric = \"m\"; stem = \"s\"; },\n"
			  " { id = \"b\"; metric = \"m\"; stem = \"s\"; } );\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "already used"), "duplicated stem refused (%s)", err);
	rc = try_spec(db, "figures = ( { id = \"a\"; metric = \"m\";\n"
			  " refs = ( { series = \"s\"; ref = \"N95-032\"; x = 4; } ); } );\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "contradicts reference 'N95-032'"),
		 "x contradicting the reference row refused (%s)", err);
	rc = try_spec(db, "figures = ( { id = \"a\"; metric = \"m\";\n"
			  " refs = ( { series = \"s\"; ref = \"N95-069\"; } ); } );\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "has no x value"), "a row without x needs x in the spec (%s)", err);
	rc = try_spec(db, "figures = ( { id = \"a\"; metric = \"m\";\n"
			  " refs = ( { series = \"s\"; ref = \"N95-069\"; x = 16; } ); } );\n");
	SS_CHECK_INT(rc, SS_OK, "x from the spec when the row has none (%s)", rc ? err : "ok");
	rc = try_spec(db, "figures = ( { id = \"a\"; metric = \"m\";\n"
			  " hlines = ( { ref = \"N95-008\"; } ); } );\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "no numeric value"), "a text-valued reference refused (%s)", err);
	rc = try_spec(db, "figures = ( { kind = \"ledger\"; id = \"l\"; from_figure = \"f\"; series = \"s\";\n"
			  " metrics = [ \"a\", \"b\" ]; labels = [ \"A\" ]; } );\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "one per metric"), "ledger labels count checked (%s)", err);
	rc = try_spec(db, "figures = ( { kind = \"ledger\"; id = \"l\"; from_figure = \"f\"; series = \"s\";\n"
			  " metrics = [ \"a\" ];\n metric = \"m\"; } );\n");
	SS_CHECK(rc == SS_ENOENT && contains(err, "bad.cfg:3:") && contains(err, "unknown key 'metric'") &&
			 contains(err, "'metrics'"),
		 "a ledger has no 'metric' key; keys checked per kind (%s)", err);
	rc = try_spec(db, "figures = ( { id = \"a\"; metric = \"m\"; legend = \"top; system('ls')\"; } );\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "legend word"), "legend limited to gnuplot key words (%s)", err);
	rc = try_spec(db, "formats = [ \"png\", \"gif\" ];\nfigures = ( { id = \"a\"; metric = \"m\"; } );\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "format 'gif'"), "unknown output format refused (%s)", err);
	rc = try_spec(db, "tables = ( { id = \"t\"; metric = \"latency\"; x = 1;\n"
			  "  rows = ( { stack = \"A\"; ref = \"N95-037\";\n incr = \"N95-038\"; } ); } );\n");
	SS_CHECK(rc == SS_EPARSE && contains(err, "bad.cfg:2:") && contains(err, "base_stack"),
		 "a row with incr needs the table's base_stack (%s)", err);
	rc = try_spec(db, "study = \"s\";\n");
	SS_CHECK(rc == SS_EPARSE && contains(err, "neither 'figures' nor 'tables'"), "empty spec refused (%s)", err);
	ss_db *d = NULL;
	ss_plot_spec *sp = NULL;
	if (ss_db_open(db, SS_DB_READ, &d, err, sizeof err) == SS_OK) {
		rc = ss_plot_spec_load(tpath("missing.cfg"), d, &sp, err, sizeof err);
		SS_CHECK(rc == SS_ENOENT && sp == NULL && contains(err, "missing.cfg"), "missing spec: SS_ENOENT (%s)", err);
		ss_db_close(d);
	}
}

/* The shipped Nahum spec resolves every id against reference/nahum95.csv. */
static void test_nahum_spec(const char *db)
{
	const char *src = getenv("SS_SRCDIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/report/specs/nahum95.cfg", src && *src ? src : ".");
	ss_db *d = NULL;
	ss_plot_spec *sp = NULL;
	int rc = ss_db_open(db, SS_DB_READ, &d, err, sizeof err);
	if (rc == SS_OK)
		rc = ss_plot_spec_load(path, d, &sp, err, sizeof err);
	SS_CHECK_INT(rc, SS_OK, "report/specs/nahum95.cfg loads and its reference ids resolve (%s)", rc ? err : "ok");
	SS_CHECK_INT(ss_plot_spec_nfigures(sp), 20, "nahum95: figs 3-11, four ledgers and seven beyond-the-paper figures");
	SS_CHECK_INT(ss_plot_spec_ntables(sp), 2, "nahum95: tables 1 and 2");
	if (sp) {
		/* Against the synthetic store only fig3 and fig4 have data; the
		   paper's values still come from the store. */
		ss_plot_opts o = {NULL, 1, NULL};
		ss_plot_summary sum;
		rc = ss_plot_figures(d, sp, tpath("nahum"), &o, &sum, err, sizeof err);
		SS_CHECK(rc == SS_OK && sum.written == 3 && sum.skipped == 17,
			 "nahum95 spec on the synthetic store: fig03, fig04 and the fig3 DES ledger (written %d, skipped %d)",
			 sum.written, sum.skipped);
		char *s = ss_test_slurp(tpath("nahum/fig03.gp"));
		SS_CHECK(contains(s, "1 4.6 # 'N95-027'") && contains(s, "1 18 # 'N95-026'") &&
				 contains(s, "1 1.5 # 'N95-028'") && contains(s, "200 with lines"),
			 "nahum95 fig03: the paper's 18, 4.6, 1.5 at x=1 and the 200 Mbit/s lock bound");
		free(s);
		s = ss_test_slurp(tpath("nahum/ledger_plp_send_des.gp"));
		SS_CHECK(contains(s, "left out of the plot and the total: 'ledger.bus_wait'") &&
				 !contains(s, "title 'bus wait'") && contains(s, "title 'crypto'") &&
				 contains(s, "\n2 4207 4190.14145"),
			 "ledger: metrics absent from the store are left out, the total over the others");
		free(s);
		rc = ss_plot_tables(d, sp, tpath("nahum/tables.md"), err, sizeof err);
		char *md = ss_test_slurp(tpath("nahum/tables.md"));
		SS_CHECK(rc == SS_OK && contains(md, "| 3-DES/TCP/IP | send | 21461 |") &&
				 contains(md, "| 3-DES/TCP/MD5/IP | recv | 23237 |") && contains(md, "3.65"),
			 "nahum95 tables: both 3-DES labels as printed, and the DES note");
		SS_CHECK(contains(md, "| 3-DES/TCP/IP | send | 21461 | \u2014 | \u2014 | \u2014 | 21225 | \u2014 | \u2014 |") &&
				 contains(md, "| TCP/MD5/IP | recv | 1769 | \u2014 | \u2014 | \u2014 | 1555 |"),
			 "nahum95 tables: the paper's incremental costs (N95-046, N95-057) beside the totals");
		free(md);
	}
	ss_plot_spec_free(sp);
	ss_db_close(d);
}

/* What a figure shows beyond the points: derived paper points, marked x
   values, a baseline, the CI footnote when intervals hide behind their
   markers, and x tic labels that do not overlap. A store of its own:
   fig5 (throughput, TCP/IP at the 15 x of a 1..64 processor sweep,
   intervals of 0.001), fig7 (TCP/IP 50 at x = 1, runs whose config says
   bus_bandwidth=1200000000), bus (TCP/IP 300 and 600 at 2e8 and
   1.2e9; UDP/IP, which fig7 lacks) and flat (7 in every run). */
static void test_presentation(void)
{
	char db_path[1024];
	snprintf(db_path, sizeof db_path, "%s", tpath("present.db"));
	const char *src = getenv("SS_SRCDIR");
	char ref[1024];
	ss_db *db = NULL;
	int rc = ss_db_open(db_path, SS_DB_CREATE, &db, err, sizeof err);
	snprintf(ref, sizeof ref, "%s/reference/nahum95.csv", src && *src ? src : ".");
	if (rc == SS_OK)
		rc = ss_db_load_reference(db, ref, err, sizeof err);
	static const double xs[] = {1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64};
	static const double dev[] = {-1, 0, 1};
	const char *thr[] = {"throughput"};
	const char *cfg = "model=mpstack; params: stack=TCP/IP;bus_bandwidth=1200000000;shared_bytes=0; sweep: (processors=[1])";
	for (int r = 0; r < 3 && rc == SS_OK; r++) {
		for (size_t i = 0; i < sizeof xs / sizeof xs[0] && rc == SS_OK; i++) {
			double v = 100 + xs[i] + dev[r] * 1e-3;
			rc = add_run(db, "fig5", "TCP/IP", xs[i], r, 1, thr, &v, "Mbit/s");
		}
		double b = 50 + dev[r] * 1e-3, lo = 300 + dev[r] * 1e-3, hi = 600 + dev[r] * 1e-3;
		if (rc == SS_OK)
			rc = add_run_cfg(db, "fig7", "TCP/IP", 1, r, 1, thr, &b, "Mbit/s", cfg);
		if (rc == SS_OK)
			rc = add_run(db, "bus", "TCP/IP", 2e8, r, 1, thr, &lo, "Mbit/s");
		if (rc == SS_OK)
			rc = add_run(db, "bus", "TCP/IP", 1.2e9, r, 1, thr, &hi, "Mbit/s");
		if (rc == SS_OK)
			rc = add_run(db, "bus", "UDP/IP", 1.2e9, r, 1, thr, &hi, "Mbit/s");
		double flat = 7;
		for (int x = 1; x <= 2 && rc == SS_OK; x++)
			rc = add_run(db, "flat", "A", x, r, 1, thr, &flat, "Mbit/s");
	}
	ss_db_close(db);
	SS_CHECK_INT(rc, SS_OK, "presentation store (%s)", rc ? err : "ok");
	if (rc)
		return;
	ss_test_write(tpath("present.cfg"),
		      "figures = (\n"
		      "  { id = \"fig5\"; metric = \"throughput\"; logscale_y = true; note = \"a note\";\n"
		      "    refs = ( { series = \"TCP/IP\"; ref = \"N95-036\"; packet = \"N95-009\"; } );\n"
		      "    vlines = ( { ref = \"N95-070\"; series = \"TCP/IP\"; title = \"est\"; } ); },\n"
		      "  { id = \"bus\"; metric = \"throughput\"; logscale_x = true;\n"
		      "    baseline = { figure = \"fig7\"; x = 1; };\n"
		      "    vlines = ( { figure = \"fig7\"; param = \"bus_bandwidth\"; title = \"default\"; } ); }\n"
		      ");\n");
	ss_plot_spec *spec = NULL;
	rc = ss_db_open(db_path, SS_DB_READ, &db, err, sizeof err);
	if (rc == SS_OK)
		rc = ss_plot_spec_load(tpath("present.cfg"), db, &spec, err, sizeof err);
	SS_CHECK_INT(rc, SS_OK, "presentation spec loads (%s)", rc ? err : "ok");
	ss_plot_opts o = {NULL, 1, NULL};
	ss_plot_summary sum;
	if (rc == SS_OK)
		rc = ss_plot_figures(db, spec, tpath("present"), &o, &sum, err, sizeof err);
	SS_CHECK(rc == SS_OK && sum.written == 2, "presentation: both scripts written (%s)", rc ? err : "ok");
	ss_plot_spec_free(spec);
	ss_db_close(db);

	char *s = ss_test_slurp(tpath("present/fig5.gp"));
	/* 4 KB (N95-009) = 32768 bits over 189 us (N95-036): 173.3756614 Mbit/s. */
	SS_CHECK(contains(s, "$derived1 << EOD\n1 173.3756614 # 'N95-036'\nEOD"),
		 "derived point: 4 KB over Table 1's 189 us receive latency, read from the store");
	SS_CHECK(contains(s, "$derived1 using 1:2 with points ls 101 title 'paper Table 1 (derived): TCP/IP'"),
		 "derived point: marked as derived, with the table it comes from");
	SS_CHECK(!contains(s, "$paper1"), "derived point: not drawn as a printed one");
	SS_CHECK(contains(s, "set label 1 '90% CIs narrower than the markers (largest half-width 0.0017% of the mean)'"),
		 "hidden intervals: the footnote says so, with the largest half-width (2.919986 * 0.001 / sqrt(3) / 101)");
	SS_CHECK(contains(s, "set label 2 'a note'"), "the figure's note is drawn");
	SS_CHECK(contains(s, "set arrow 1 from 16, graph 0 to 16, graph 1 nohead") &&
			 contains(s, "NaN with lines ls 201 title 'est: about 16 processors'") && contains(s, "set style line 201 lc rgb '#0072B2'"),
		 "vline: N95-070's 16 processors marked, the value and 'about' from the row, the series' colour");
	SS_CHECK(contains(s, "set xtics ('1' 1, '' 2 1, '4' 4, '8' 8,") && contains(s, "'64' 64)"),
		 "x tics: every x has a mark; 2 is too close to 1 for a label, 64 keeps its own");
	free(s);
	s = ss_test_slurp(tpath("present/bus.gp"));
	/* 300 / 50 and 600 / 50; intervals as the ratio's outer bounds. */
	SS_CHECK(contains(s, "$sim1 << EOD\n200000000 6 ") && contains(s, "\n1200000000 12 "),
		 "baseline: each point over its series' fig7 point at x = 1 (6 and 12)");
	SS_CHECK(contains(s, "# left out, no baseline point: 'UDP/IP'") && !contains(s, "title 'UDP/IP'"),
		 "baseline: a series without a baseline point is left out, and the script says so");
	SS_CHECK(contains(s, "set arrow 1 from 1200000000, graph 0") && contains(s, "NaN with lines ls 201 title 'default: 1.2G'"),
		 "vline: the bus bandwidth fig7's runs used, read from their config");
	SS_CHECK(contains(s, "set xtics ('200M' 200000000, '1.2G' 1200000000)"), "x tics: large numbers with M and G");
	SS_CHECK(contains(s, "(ratio bounds)"), "baseline: the footnote says the intervals are the ratio's bounds");
	free(s);

	/* The default spec names x after the swept axis its runs' config
	   gives (fig7: processors=[1]); runs without a config give "x". */
	rc = ss_db_open(db_path, SS_DB_READ, &db, err, sizeof err);
	if (rc == SS_OK)
		rc = ss_plot_spec_default(db, "present", &spec, err, sizeof err);
	SS_CHECK(rc == SS_OK && ss_plot_spec_nfigures(spec) == 4, "default spec: one figure per figure id (%s)",
		 rc ? err : "ok");
	if (rc == SS_OK)
		rc = ss_plot_figures(db, spec, tpath("default"), &o, &sum, err, sizeof err);
	ss_plot_spec_free(spec);
	spec = NULL;
	ss_db_close(db);
	s = ss_test_slurp(tpath("default/fig7.gp"));
	SS_CHECK(rc == SS_OK && contains(s, "set xlabel 'processors'") && contains(s, "set ylabel 'throughput (Mbit/s)'"),
		 "default spec: x named after the sweep axis, y the primary metric with its unit");
	free(s);
	s = ss_test_slurp(tpath("default/fig5.gp"));
	SS_CHECK(contains(s, "set xlabel 'x'") && !contains(s, "set logscale x"),
		 "default spec: no config, x is 'x'; 1..64 spans under two decades: linear x");
	free(s);
	s = ss_test_slurp(tpath("default/flat.gp"));
	SS_CHECK(contains(s, "set label 1 '90% CIs of zero width: the replications agree'"),
		 "identical replications: the footnote says the intervals have zero width");
	free(s);

	/* Bad uses, each with file:line. */
	rc = try_spec(db_path, "figures = ( { id = \"a\"; metric = \"m\";\n"
			       " refs = ( { series = \"s\"; ref = \"N95-036\"; packet = \"N95-035\"; } ); } );\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "bad.cfg:2:") && contains(err, "not a size"),
		 "derived point: a packet size in usec refused (%s)", err);
	rc = try_spec(db_path, "figures = ( { id = \"a\"; metric = \"m\";\n"
			       " vlines = ( { ref = \"N95-070\"; figure = \"fig7\"; title = \"t\"; } ); } );\n");
	SS_CHECK(rc == SS_EPARSE && contains(err, "bad.cfg:2:") && contains(err, "either ref"),
		 "vline: ref and figure together refused (%s)", err);
	rc = try_spec(db_path, "figures = ( { id = \"a\"; metric = \"m\";\n"
			       " vlines = ( { figure = \"fig7\"; param = \"nope\"; title = \"t\"; } ); } );\n");
	SS_CHECK(rc == SS_EINVAL && contains(err, "no numeric parameter 'nope'"),
		 "vline: a parameter the runs lack refused (%s)", err);
	rc = try_spec(db_path, "figures = ( { id = \"a\"; metric = \"m\";\n baseline = { figure = \"fig7\"; }; } );\n");
	SS_CHECK(rc == SS_EPARSE && contains(err, "bad.cfg:2:") && contains(err, "needs x"),
		 "baseline without x refused (%s)", err);
}

static int run_cmd(int n, ...)
{
	char *argv[16];
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[n] = NULL;
	fflush(stdout);
	return ss_cmd_plot(n, argv);
}

static void test_cmd(const char *db, const char *spec)
{
	char dbc[1024], specc[1024], out[1024];
	snprintf(dbc, sizeof dbc, "%s", db);
	snprintf(specc, sizeof specc, "%s", spec);
	snprintf(out, sizeof out, "%s", tpath("cmd"));
	int ex = run_cmd(7, "plot", dbc, "--spec", specc, "-d", out, "--quiet");
	SS_CHECK_INT(ex, have_gnuplot ? 0 : 1, "secsim plot: exit %d", have_gnuplot ? 0 : 1);
	SS_CHECK(file_size(tpath("cmd/fig03.gp")) > 0 && file_size(tpath("cmd/tables.md")) > 0,
		 "secsim plot writes the scripts and tables.md");
	ex = run_cmd(3, "plot", "/nonexistent/x.db", "--quiet");
	SS_CHECK_INT(ex, 2, "secsim plot: missing store -> 2");
	ss_test_write(tpath("text.db"), "this is not sqlite\n");
	char text[1024];
	snprintf(text, sizeof text, "%s", tpath("text.db"));
	ex = run_cmd(7, "plot", text, "--spec", specc, "-d", out, "--quiet");
	SS_CHECK_INT(ex, 2, "secsim plot: not a secsim store -> 2");
	ss_test_write(tpath("bad.cfg"), "figures = ( { id = \"a\"; bogus = 1; } );\n");
	char bad[1024];
	snprintf(bad, sizeof bad, "%s", tpath("bad.cfg"));
	ex = run_cmd(7, "plot", dbc, "--spec", bad, "-d", out, "--quiet");
	SS_CHECK_INT(ex, 2, "secsim plot: bad spec -> 2");
	ex = run_cmd(4, "plot", dbc, "--bogus", "--quiet");
	SS_CHECK_INT(ex, 2, "secsim plot: unknown option -> 2");
	setenv("SECSIM_GNUPLOT", "/bin/false", 1);
	ex = run_cmd(7, "plot", dbc, "--spec", specc, "-d", out, "--quiet");
	SS_CHECK_INT(ex, 1, "secsim plot: gnuplot failing -> 1");
	unsetenv("SECSIM_GNUPLOT");
	/* Defaults: spec DATADIR/report/specs/STUDY.cfg, out plots/STUDY. */
	char cwd[1024], dd[1024];
	mkdir(tpath("data"), 0777);
	mkdir(tpath("data/report"), 0777);
	mkdir(tpath("data/report/specs"), 0777);
	char *sp = ss_test_slurp(spec);
	ss_test_write(tpath("data/report/specs/store.cfg"), sp ? sp : "");
	free(sp);
	snprintf(dd, sizeof dd, "%s", tpath("data"));
	setenv("SECSIM_DATADIR", dd, 1);
	if (getcwd(cwd, sizeof cwd) && chdir(tmpdir) == 0) {
		ex = run_cmd(4, "plot", "store.db", "--no-draw", "--quiet");
		SS_CHECK(ex == 0 && file_size(tpath("plots/store/fig03.gp")) > 0 &&
				 file_size(tpath("plots/store/tables.md")) > 0,
			 "secsim plot store.db: default spec and outdir plots/store (exit %d)", ex);
		/* A store no spec was written for: the default plots. */
		char *copy = ss_test_slurp(db);
		FILE *cf = fopen(tpath("nospec.db"), "wb");
		if (cf && copy)
			fwrite(copy, 1, (size_t)file_size(db), cf);
		if (cf)
			fclose(cf);
		free(copy);
		ex = run_cmd(4, "plot", "nospec.db", "--no-draw", "--quiet");
		char *g = ss_test_slurp(tpath("plots/nospec/fig03.gp"));
		char *g4 = ss_test_slurp(tpath("plots/nospec/fig04.gp"));
		SS_CHECK(ex == 0 && contains(g, "set title 'fig03: throughput against x (default plot of study nospec)'") &&
				 contains(g, "title 'TCP/IP'") && contains(g, "title 'DES/TCP/MD5/IP'") &&
				 contains(g4, "set ylabel 'speedup (x)'") &&
				 file_size(tpath("plots/nospec/table1.gp")) > 0 && file_size(tpath("plots/nospec/tables.md")) < 0,
			 "secsim plot on a store without a spec: each figure's primary metric against x, one series per "
			 "series, no tables (exit %d)", ex);
		free(g);
		free(g4);
		ss_test_write(tpath("other.db"), "");
		ex = run_cmd(3, "plot", "other.db", "--quiet");
		SS_CHECK_INT(ex, 2, "secsim plot: an empty file is no store -> 2");
		if (chdir(cwd) != 0)
			SS_DIAG("cannot return to %s", cwd);
	}
	unsetenv("SECSIM_DATADIR");
}

int main(void)
{
	ss_test_plan(150);
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	unsetenv("SECSIM_GNUPLOT");
	have_gnuplot = system("command -v gnuplot >/dev/null 2>&1") == 0;
	if (!have_gnuplot)
		SS_DIAG("gnuplot not found: drawing checks are skipped");
	test_quoting();
	char db[1024], spec[1024];
	snprintf(db, sizeof db, "%s", tpath("store.db"));
	snprintf(spec, sizeof spec, "%s", tpath("good.cfg"));
	int rc = build_store(db);
	SS_CHECK_INT(rc, SS_OK, "synthetic store with reference/nahum95.csv (%s)", rc ? err : "ok");
	if (rc == SS_OK) {
		ss_test_write(spec, good_spec);
		test_figures(db, spec);
		test_bad_specs(db);
		test_nahum_spec(db);
		test_cmd(db, spec);
		test_presentation();
	}
	if (getenv("SS_KEEP_TMP"))
		SS_DIAG("kept %s", tmpdir);
	else
		rm_rf(tmpdir);
	return ss_test_done();
}
