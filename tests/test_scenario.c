/* Scenario files: a good file loads and expands into the right points;
   every kind of bad input is refused with "file:line: what is wrong". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "ss_err.h"
#include "ss_scenario.h"
#include "ss_test.h"

static char dir[] = "/tmp/ss_scen_XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	const char *path = ss_test_path(dir, name);
	if (ss_test_write(path, text))
		SS_DIAG("cannot write %s", path);
	return path;
}

#define GOOD_HEAD "name = \"t\";\nmodel = \"queue\";\n"
#define GOOD_RUN "run = { replications = 3; seed = 9; warmup = 10.0; duration = 100.0; };\n"

static void good(void)
{
	const char *p = write_file("good.cfg", GOOD_HEAD
				   "params = { resource = \"cpu\"; service_mean = 1.0; };\n"
				   "sweep = ( { servers = [1, 2]; arrival_rate = [0.5, 1.0]; },\n"
				   "          { service = [\"exp(1)\", \"det(1)\", \"uniform(0, 2)\"]; } );\n"
				   GOOD_RUN
				   "output = { figure = \"f\"; series = \"c={servers} {service}\"; x = \"arrival_rate\"; metrics = [\"W\", \"cpu.util\"]; };\n");
	ss_scenario *s = NULL;
	char err[1024] = "";
	int rc = ss_scenario_load(p, &s, err, sizeof err);
	SS_CHECK(rc == SS_OK, "a good scenario loads (%s)", err);
	if (rc)
		return;
	SS_CHECK(s->replications == 3 && s->seed == 9 && s->warmup == 10.0 && s->duration == 100.0,
		 "run settings are read");
	ss_point *pts = NULL;
	size_t n = 0;
	rc = ss_scenario_points(s, &pts, &n, err, sizeof err);
	SS_CHECK_INT(n, 6, "axes that vary together times a second group: 2 x 3 points");
	SS_CHECK(n == 6 && !strcmp(pts[0].series, "c=1 exp(1)") && pts[0].x == 0.5 &&
		 !strcmp(pts[5].series, "c=2 uniform(0,2)") && pts[5].x == 1.0,
		 "series template and x expand per point (%s, %s)", n ? pts[0].series : "", n ? pts[5].series : "");
	int distinct = 1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			distinct &= strcmp(pts[i].key, pts[j].key) != 0;
	SS_CHECK(distinct, "every point has its own canonical key");
	ss_points_free(pts, n);

	/* --set: run settings, parameters, fixing a swept parameter. */
	SS_CHECK(ss_scenario_set(s, "replications=7", err, sizeof err) == SS_OK && s->replications == 7,
		 "--set replications=7");
	SS_CHECK(ss_scenario_set(s, "run.warmup=auto", err, sizeof err) == SS_OK && s->warmup < 0,
		 "--set run.warmup=auto selects MSER-5");
	SS_CHECK(ss_scenario_set(s, "service=exp(1)", err, sizeof err) == SS_OK, "--set a swept parameter");
	ss_scenario_points(s, &pts, &n, err, sizeof err);
	SS_CHECK_INT(n, 2, "a swept parameter fixed by --set leaves the sweep");
	ss_points_free(pts, n);
	rc = ss_scenario_set(s, "servrs=2", err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && strstr(err, "did you mean 'servers'"), "--set typo gets a hint: %s", err);
	rc = ss_scenario_set(s, "servers=-2", err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "out of range"), "--set negative processors refused: %s", err);
	rc = ss_scenario_set(s, "bus_bandwidth=0", err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "--set zero bandwidth refused: %s", err);
	rc = ss_scenario_set(s, "duration=abc", err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "--set non-numeric duration refused: %s", err);
	rc = ss_scenario_set(s, "noequals", err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "--set without '=' refused: %s", err);
	ss_scenario_free(s);
}

typedef struct bad {
	const char *what, *text, *expect;
	int line;
} bad;

static void bad_files(void)
{
	const bad cases[] = {
		{"syntax error (reported where the parser notices it)", GOOD_HEAD "params = { servers = 1 \n" GOOD_RUN, "syntax error", 5},
		{"unknown top-level key with hint", GOOD_HEAD "parms = { servers = 1; };\n" GOOD_RUN, "did you mean 'params'", 3},
		{"unknown model with hint", "name = \"t\";\nmodel = \"queu\";\n" GOOD_RUN, "did you mean 'queue'", 2},
		{"unknown parameter with hint", GOOD_HEAD "params = {\n  srvers = 2;\n};\n" GOOD_RUN, "did you mean 'servers'", 4},
		{"negative processors", GOOD_HEAD "params = {\n  servers = -4;\n};\n" GOOD_RUN, "out of range", 4},
		{"zero bandwidth", GOOD_HEAD "params = { resource = \"bus\";\n bus_bandwidth = 0.0; };\n" GOOD_RUN, "out of range", 4},
		{"wrong type", GOOD_HEAD "params = {\n  servers = \"two\";\n};\n" GOOD_RUN, "must be an integer", 4},
		{"bad choice", GOOD_HEAD "params = {\n  resource = \"gpu\";\n};\n" GOOD_RUN, "must be one of", 4},
		{"bad distribution", GOOD_HEAD "params = {\n  service = \"exp(-1)\";\n};\n" GOOD_RUN, "mean must be > 0", 4},
		{"unequal axes in a group", GOOD_HEAD "sweep = ( { servers = [1, 2];\n arrival_rate = [0.1]; } );\n" GOOD_RUN, "equal lengths", 4},
		{"bad sweep value", GOOD_HEAD "sweep = ( { servers = [1,\n 0]; } );\n" GOOD_RUN, "out of range", 4},
		{"sweep over unknown parameter", GOOD_HEAD "sweep = (\n { processors = [1, 2]; } );\n" GOOD_RUN, "unknown parameter", 4},
		{"missing duration", GOOD_HEAD "run = { replications = 3; };\n", "duration", 3},
		{"zero replications", GOOD_HEAD "run = { replications = 0; duration = 1.0; };\n", "replications", 3},
		{"unknown run key", GOOD_HEAD "run = { duration = 1.0;\n replicatons = 3; };\n", "did you mean 'replications'", 4},
		{"bad level", GOOD_HEAD "run = { duration = 1.0;\n level = 1.5; };\n", "level", 4},
		{"unknown metric", GOOD_HEAD GOOD_RUN "output = { metrics = [\"W\",\n \"Wqq\"]; };\n", "did you mean 'Wq'", 5},
		{"series refers to unknown parameter", GOOD_HEAD GOOD_RUN "output = {\n series = \"{nope}\"; };\n", "unknown parameter", 5},
		{"x not numeric", GOOD_HEAD GOOD_RUN "output = {\n x = \"resource\"; };\n", "numeric", 5},
		{"missing model", "name = \"t\";\n" GOOD_RUN, "missing required key 'model'", 1},
		{"bad name", "name = \"../evil\";\nmodel = \"queue\";\n" GOOD_RUN, "'name' must be", 1},
		{"integer past 32 bits (libconfig wraps it)", GOOD_HEAD "params = {\n  servers = 4294967298;\n};\n" GOOD_RUN, "does not fit in 32 bits", 4},
		{"negative integer past 32 bits", GOOD_HEAD "sweep = ( { servers = [1,\n -2147483649]; } );\n" GOOD_RUN, "does not fit", 4},
		{"hexadecimal past 31 bits", GOOD_HEAD "params = {\n  servers = 0x100000002;\n};\n" GOOD_RUN, "out of range", 4},
		{"seed past 32 bits", GOOD_HEAD "run = { duration = 1.0;\n seed = 4294967297; };\n", "does not fit", 4},
		{"a 64-bit literal is range-checked whole", GOOD_HEAD "params = {\n  servers = 4294967298L;\n};\n" GOOD_RUN, "out of range [1, 1024]", 4},
		{"@include of a directory", GOOD_HEAD "@include \"/tmp\"\n" GOOD_RUN, "/tmp: not a regular file", 3},
		{"precision mode capped below its first replications", GOOD_HEAD "run = { duration = 1.0; precision = 0.05;\n replications = 10; max_replications = 3; };\n", "'max_replications' = 3 is below 'replications' = 10", 3},
		{"a sweep value given twice (one point run twice)", GOOD_HEAD "sweep = ( { service = [\"exp(1)\",\n \"exp(1.0)\"]; } );\n" GOOD_RUN, "repeats value 1", 4},
		{"a duration below one clock tick", GOOD_HEAD "run = {\n duration = 1e-13; };\n", "one clock tick", 4},
		{"@include of a missing file", GOOD_HEAD "@include \"/nonexistent/x.cfg\"\n" GOOD_RUN, "cannot open", 3},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *p = write_file("bad.cfg", cases[i].text);
		ss_scenario *s = NULL;
		char err[1024] = "";
		int rc = ss_scenario_load(p, &s, err, sizeof err);
		char want[600];
		snprintf(want, sizeof want, "%s:%d: ", p, cases[i].line);
		SS_CHECK(rc != SS_OK && s == NULL && strncmp(err, want, strlen(want)) == 0 &&
			 strstr(err, cases[i].expect) != NULL,
			 "%s: refused as \"%s\"", cases[i].what, err);
		ss_scenario_free(s);
	}
	ss_scenario *s = NULL;
	char err[1024];
	int rc = ss_scenario_load("/nonexistent/x.cfg", &s, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && strstr(err, "/nonexistent/x.cfg"), "missing file named: %s", err);
}

static void shipped(void)
{
	/* Every scenario that ships must load. */
	const char *src = getenv("SS_SRCDIR");
	char d[1024];
	snprintf(d, sizeof d, "%s/scenarios", src ? src : ".");
	struct {
		int n, bad;
	} c = {0, 0};
	FILE *f;
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "find '%s' -name '*.cfg' | sort", d);
	f = popen(cmd, "r");
	char line[1024];
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		ss_scenario *s = NULL;
		char err[1024] = "";
		int rc = ss_scenario_load(line, &s, err, sizeof err);
		c.n++;
		if (rc) {
			c.bad++;
			SS_DIAG("%s", err);
		}
		ss_scenario_free(s);
	}
	if (f)
		pclose(f);
	SS_CHECK(c.n >= 5 && c.bad == 0, "all %d shipped scenarios load", c.n);
}

/* The paper's stacks as fig03_04 sweeps them: a stack and its label vary
   together; speedups are a figure of their own. */
#define STACKS_CFG                                                                              \
	"name = \"st\";\nmodel = \"mpstack\";\n"                                                   \
	"sweep = ( { processors = [1, 2, 4]; },\n"                                                  \
	"          { stack = [\"TCP/IP/FDDI\", \"3DES/TCP/IP/FDDI\", \"AES/TCP/SHA1/IP/FDDI\"];\n"     \
	"            label = [\"TCP/IP\", \"3-DES/TCP/IP\", \"AES/TCP/SHA-1/IP\"]; } );\n"            \
	"run = { replications = 2; duration = 1.0; };\n"                                            \
	"output = { figure = \"f\"; speedup = \"s\"; series = \"{label}\"; x = \"processors\"; };\n"

static ss_scenario *load_stacks(void)
{
	ss_scenario *s = NULL;
	char err[1024] = "";
	if (ss_scenario_load(write_file("stacks.cfg", STACKS_CFG), &s, err, sizeof err))
		SS_DIAG("stacks.cfg: %s", err);
	return s;
}

/* The point whose series and x are given, or NULL. */
static const ss_point *find_point(const ss_point *pts, size_t n, const char *series, double x)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(pts[i].series, series) && pts[i].x == x)
			return &pts[i];
	return NULL;
}

/* --set KEY=[a,b,c] sweeps; malformed lists are refused. */
static void list_sweeps(void)
{
	ss_scenario *s = load_stacks();
	char err[1024] = "";
	ss_point *pts = NULL;
	size_t n = 0;
	SS_CHECK(s != NULL, "the stacks scenario loads");
	if (!s)
		return;
	int rc = ss_scenario_set(s, "processors=[1,16, 32]", err, sizeof err);
	SS_CHECK(rc == SS_OK, "--set processors=[1,16, 32] (%s)", rc ? err : "ok");
	rc = ss_scenario_points(s, &pts, &n, err, sizeof err);
	SS_CHECK(rc == SS_OK && n == 9 && find_point(pts, n, "TCP/IP", 32) && find_point(pts, n, "AES/TCP/SHA-1/IP", 16) &&
		 !find_point(pts, n, "TCP/IP", 2),
		 "the list replaces the swept values: 3 x 3 points (%zu)", n);
	ss_points_free(pts, n);
	rc = ss_scenario_set(s, "stack=[\"3des/tcp/ip/fddi\", TCP/IP]", err, sizeof err);
	SS_CHECK(rc == SS_OK, "a list of strings over an axis swept with a label (%s)", rc ? err : "ok");
	rc = ss_scenario_points(s, &pts, &n, err, sizeof err);
	SS_CHECK(rc == SS_OK && n == 6 && find_point(pts, n, "3-DES/TCP/IP", 16) && find_point(pts, n, "TCP/IP", 1) &&
		 !strstr(pts[0].key, "3des") && strstr(find_point(pts, n, "TCP/IP", 1)->key, "stack=TCP/IP/FDDI;"),
		 "its label follows each value; the paper's names give the swept stacks (%zu points)", n);
	ss_points_free(pts, n);
	ss_scenario_free(s);

	s = load_stacks();
	rc = ss_scenario_set(s, "connections=[1, 4]", err, sizeof err);
	ss_scenario_points(s, &pts, &n, err, sizeof err);
	SS_CHECK(rc == SS_OK && n == 18, "an unswept parameter gets a group of its own: 3 x 3 x 2 points (%zu)", n);
	ss_points_free(pts, n);
	const struct {
		const char *set, *expect;
	} refused[] = {
		{"processors=[1,2", "must end with ']'"},
		{"processors=[]", "empty list"},
		{"processors=[1,,2]", "item 2 is empty"},
		{"processors=[1,0]", "item 2: "},
		{"processors=[x]", "must be an integer"},
		{"processors=[2,2]", "listed twice"},
		{"processors=[1,2]3", "must end with ']'"},
		{"label=[\"a,b]", "unterminated"},
		{"stack=[TCP/IP, UDP/IP/FDDI]", "one of: TCP/IP/FDDI (label TCP/IP)"},
		{"procesors=[1,2]", "did you mean 'processors'"},
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		err[0] = '\0';
		rc = ss_scenario_set(s, refused[i].set, err, sizeof err);
		SS_CHECK(rc != SS_OK && strstr(err, refused[i].expect), "--set %s refused: %s", refused[i].set, err);
	}
	ss_scenario_points(s, &pts, &n, err, sizeof err);
	SS_CHECK_INT(n, 18, "refused lists leave the sweep as it was");
	ss_points_free(pts, n);
	ss_scenario_free(s);
}

/* Fixing a stack swept with its label: the paper's spellings name it. */
static void stack_spellings(void)
{
	const char *ok[][2] = {
		{"3-DES/TCP/IP", "3-DES/TCP/IP"}, {"3DES/TCP/IP", "3-DES/TCP/IP"}, {"3des/tcp/ip/fddi", "3-DES/TCP/IP"},
		{"TCP/IP", "TCP/IP"}, {"AES/TCP/SHA1/IP", "AES/TCP/SHA-1/IP"}, {"aes/tcp/sha-1/ip/fddi", "AES/TCP/SHA-1/IP"},
	};
	char err[1024] = "";
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		ss_scenario *s = load_stacks();
		char set[128];
		ss_point *pts = NULL;
		size_t n = 0;
		snprintf(set, sizeof set, "stack=%s", ok[i][0]);
		int rc = s ? ss_scenario_set(s, set, err, sizeof err) : SS_ENOMEM;
		if (rc == SS_OK)
			rc = ss_scenario_points(s, &pts, &n, err, sizeof err);
		SS_CHECK(rc == SS_OK && n == 3 && !strcmp(pts[0].series, ok[i][1]),
			 "--set %s runs the swept stack labelled %s (%s)", set, ok[i][1], rc ? err : n ? pts[0].series : "");
		ss_points_free(pts, n);
		ss_scenario_free(s);
	}
	ss_scenario *s = load_stacks();
	int rc = ss_scenario_set(s, "stack=DES/TCP/MD5/IP", err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "one of: TCP/IP/FDDI (label TCP/IP), 3DES/TCP/IP/FDDI (label 3-DES/TCP/IP), "
					    "AES/TCP/SHA1/IP/FDDI (label AES/TCP/SHA-1/IP)"),
		 "a stack that is not swept: refused with the choices (%s)", err);
	ss_scenario_free(s);
}

/* A speedup divides by the same parameters at x = 1: a sweep without
   that point gets it, and each point names its baseline. */
static void speedup_baselines(void)
{
	ss_scenario *s = load_stacks();
	char err[1024] = "";
	ss_point *pts = NULL;
	size_t n = 0;
	int rc = s ? ss_scenario_set(s, "processors=16", err, sizeof err) : SS_ENOMEM;
	if (rc == SS_OK)
		rc = ss_scenario_points(s, &pts, &n, err, sizeof err);
	int good = rc == SS_OK && n == 6;
	for (size_t i = 0; good && i < n; i++) {
		const ss_point *b = &pts[pts[i].base];
		good = b->x == 1 && !strcmp(b->series, pts[i].series) && (pts[i].x == 1) == (pts[i].base == i) &&
		       pts[i].baseline_only == (i >= 3);
	}
	SS_CHECK(good, "processors = 16: three points at 1 added as their baselines (%zu points)", n);
	ss_points_free(pts, n);
	rc = ss_scenario_set(s, "processors=[1,8]", err, sizeof err);
	if (rc == SS_OK)
		rc = ss_scenario_points(s, &pts, &n, err, sizeof err);
	good = rc == SS_OK && n == 6;
	for (size_t i = 0; good && i < n; i++)
		good = pts[pts[i].base].x == 1 && !pts[i].baseline_only &&
		       !strcmp(pts[pts[i].base].series, pts[i].series);
	SS_CHECK(good, "a sweep with x = 1 adds nothing and divides by its own points (%zu points)", n);
	ss_points_free(pts, n);
	ss_scenario_free(s);
}

/* Host profiles: one switch for the whole machine. */
#define MP_HEAD "name = \"h\";\nmodel = \"mpstack\";\nrun = { duration = 1.0; };\n"

static ss_point *host_points(const char *cfg, const char *const *sets, size_t *n, int *rc, char *err, size_t errlen)
{
	ss_scenario *s = NULL;
	ss_point *pts = NULL;
	*n = 0;
	*rc = ss_scenario_load(write_file("host.cfg", cfg), &s, err, errlen);
	for (size_t i = 0; *rc == SS_OK && sets && sets[i]; i++)
		*rc = ss_scenario_set(s, sets[i], err, errlen);
	if (*rc == SS_OK)
		*rc = ss_scenario_points(s, &pts, n, err, errlen);
	ss_scenario_free(s);
	return pts;
}

static void host_profiles(void)
{
	char err[1024] = "";
	size_t n = 0, n2 = 0;
	int rc, rc2;
	ss_point *a = host_points(MP_HEAD, NULL, &n, &rc, err, sizeof err);
	ss_point *b = host_points(MP_HEAD "params = { host = \"challenge-xl\"; };\n", NULL, &n2, &rc2, err, sizeof err);
	char *bk = rc == SS_OK && rc2 == SS_OK && n == 1 && n2 == 1 ? strdup(b[0].key) : NULL;
	char *at = bk ? strstr(bk, "host=challenge-xl;") : NULL;
	if (at)
		memmove(at + 5, at + strlen("host=challenge-xl"), strlen(at + strlen("host=challenge-xl")) + 1);
	SS_CHECK(at && !strcmp(bk, a[0].key), "hosts/challenge-xl holds exactly the model's defaults (%s)", rc ? err : "");
	free(bk);
	ss_points_free(a, n);
	ss_points_free(b, n2);

	a = host_points(MP_HEAD "params = { host = \"this-host\"; cpu_bandwidth = 5.0e9; };\n", NULL, &n, &rc, err, sizeof err);
	SS_CHECK(rc == SS_OK && n == 1 && !strcmp(ss_params_string(a[0].params, "profile"), "host") &&
		 ss_params_real(a[0].params, "bus_bandwidth") == 20e9 && ss_params_real(a[0].params, "proto_scale") == 0 &&
		 ss_params_real(a[0].params, "cache_line") == 0 && ss_params_real(a[0].params, "quantum_us") == 4000 &&
		 ss_params_real(a[0].params, "context_switch_us") == 2,
		 "host = \"this-host\" sets crypto profile, protocol scale, memory and scheduler (%s)", rc ? err : "");
	SS_CHECK(rc == SS_OK && n == 1 && ss_params_real(a[0].params, "cpu_bandwidth") == 5e9,
		 "a parameter the scenario gives beside the host wins");
	ss_points_free(a, n);

	const char *sets[] = {"host=this-host", "cache_line=64", NULL};
	a = host_points(MP_HEAD "params = { profile = \"r4400-100\"; bus_bandwidth = 1.0e9; };\n", sets, &n, &rc, err, sizeof err);
	SS_CHECK(rc == SS_OK && n == 1 && !strcmp(ss_params_string(a[0].params, "profile"), "host") &&
		 ss_params_real(a[0].params, "bus_bandwidth") == 20e9 && ss_params_real(a[0].params, "cache_line") == 64,
		 "--set host=this-host replaces the file's host settings; a later --set overrides the host (%s)", rc ? err : "");
	ss_points_free(a, n);

	const char *sweep[] = {"host=[challenge-xl, this-host]", NULL};
	a = host_points(MP_HEAD, sweep, &n, &rc, err, sizeof err);
	SS_CHECK(rc == SS_OK && n == 2 && ss_params_real(a[0].params, "bus_bandwidth") == 1.2e9 &&
		 ss_params_real(a[1].params, "bus_bandwidth") == 20e9,
		 "--set host=[challenge-xl, this-host] sweeps whole hosts (%s)", rc ? err : "");
	ss_points_free(a, n);

	const char *nope[] = {"host=nope", NULL};
	a = host_points(MP_HEAD, nope, &n, &rc, err, sizeof err);
	SS_CHECK(rc != SS_OK && strstr(err, "no such host profile (hosts: ") && strstr(err, "challenge-xl") &&
		 strstr(err, "this-host"), "an unknown host is refused with the hosts listed (%s)", err);
	ss_points_free(a, n);
	a = host_points(MP_HEAD "params = {\n  host = \"nope\"; };\n", NULL, &n, &rc, err, sizeof err);
	SS_CHECK(rc != SS_OK && strstr(err, "no such host profile"), "also in a scenario file (%s)", err);
	ss_points_free(a, n);

	const struct {
		const char *text, *expect;
	} badh[] = {
		{"name = \"hb\";\nsettings = (\n { param = \"bus_bandwidth\"; value = 1.0e9; } );\n", "hb.cfg:3: setting 'bus_bandwidth': every value needs its 'source'"},
		{"name = \"hb\";\nsettings = (\n { param = \"bus_bandwith\"; value = 1.0e9; source = \"x\"; } );\n", "hb.cfg:3: setting 'bus_bandwith': no such parameter"},
		{"name = \"hb\";\nsettings = (\n { param = \"bus_bandwidth\"; value = 0.0; source = \"x\"; } );\n", "hb.cfg:3: setting 'bus_bandwidth': "},
		{"name = \"other\";\nsettings = ();\n", "hb.cfg:1: name 'other' must equal"},
		{"name = \"hb\";\nsetings = ();\n", "hb.cfg:2: unknown key 'setings'"},
		{"name = \"hb\";\nsettings = (\n { param = \"processors\"; value = 4294967297; source = \"x\"; } );\n", "hb.cfg:3: integer 4294967297 does not fit"},
		{"name = \"hb\";\n@include \"/tmp\"\n", "hb.cfg:2: /tmp: not a regular file"},
	};
	for (size_t i = 0; i < sizeof badh / sizeof badh[0]; i++) {
		char set[1200];
		const char *hp = write_file("hb.cfg", badh[i].text);
		snprintf(set, sizeof set, "host=%s", hp);
		const char *one[] = {set, NULL};
		err[0] = '\0';
		a = host_points(MP_HEAD, one, &n, &rc, err, sizeof err);
		SS_CHECK(rc != SS_OK && strstr(err, badh[i].expect), "bad host file refused: %s", err);
		ss_points_free(a, n);
	}
}

/* A series template that repeats a long parameter: every copy fits (the
   buffer was once sized for four copies of each value), and a long
   string value is kept whole. */
static void long_series(void)
{
	enum { LABEL = 2000, COPIES = 8 };
	char label[LABEL + 1], text[LABEL + 512];
	memset(label, 'a', LABEL);
	label[LABEL] = '\0';
	snprintf(text, sizeof text,
		 "name = \"t\";\nmodel = \"mpstack\";\nparams = { label = \"%s\"; };\n"
		 "run = { replications = 1; duration = 1.0; };\n"
		 "output = { series = \"{label}{label}{label}{label}{label}{label}{label}{label}\"; };\n", label);
	const char *p = write_file("long.cfg", text);
	ss_scenario *s = NULL;
	char err[1024] = "";
	int rc = ss_scenario_load(p, &s, err, sizeof err);
	SS_CHECK(rc == SS_OK && strlen(ss_params_text(s->base, "label")) == LABEL,
		 "a %d-byte label loads whole (%s)", LABEL, err);
	ss_point *pts = NULL;
	size_t n = 0;
	if (rc == SS_OK)
		rc = ss_scenario_points(s, &pts, &n, err, sizeof err);
	SS_CHECK(rc == SS_OK && n == 1 && strlen(pts[0].series) == (size_t)LABEL * COPIES,
		 "the series repeats the label %d times (%zu bytes)", COPIES, n ? strlen(pts[0].series) : 0);
	ss_points_free(pts, n);
	ss_scenario_free(s);

	/* The same in a host profile (its values were cut at 511 bytes). */
	snprintf(text, sizeof text, "name = \"hl\";\nsettings = (\n { param = \"label\"; value = \"%s\"; source = \"x\"; } );\n",
		 label);
	char set[1200];
	snprintf(set, sizeof set, "host=%s", write_file("hl.cfg", text));
	const char *one[] = {set, NULL};
	pts = host_points(MP_HEAD, one, &n, &rc, err, sizeof err);
	SS_CHECK(rc == SS_OK && n == 1 && strlen(ss_params_text(pts[0].params, "label")) == LABEL,
		 "a %d-byte label from a host profile is kept whole (%s)", LABEL, err);
	ss_points_free(pts, n);
}

/* Warm-up plus measurement past the int64 picosecond clock (9.22e6 s)
   once wrapped to a short, wrong run: refused in the file, after --set,
   and by the runner itself. */
static void clock_span(void)
{
	const char *p = write_file("span.cfg", GOOD_HEAD "run = { replications = 2;\n warmup = 9e6; duration = 1e6; };\n");
	ss_scenario *s = NULL;
	char err[1024] = "", want[600];
	int rc = ss_scenario_load(p, &s, err, sizeof err);
	snprintf(want, sizeof want, "%s:3: ", p);
	SS_CHECK(rc == SS_EINVAL && !strncmp(err, want, strlen(want)) && strstr(err, "clock"),
		 "warmup 9e6 + duration 1e6 in a file refused: %s", err);
	ss_scenario_free(s);
	s = NULL;
	p = write_file("span.cfg", GOOD_HEAD "run = { replications = 2; method = \"batches\";\n duration = 5e6; };\n");
	rc = ss_scenario_load(p, &s, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && !strncmp(err, want, strlen(want)) && strstr(err, "replications"),
		 "two batches of 5e6 s refused: %s", err);
	ss_scenario_free(s);
	s = NULL;
	p = write_file("span.cfg", GOOD_HEAD GOOD_RUN);
	rc = ss_scenario_load(p, &s, err, sizeof err);
	ss_point *pts = NULL;
	size_t n = 0;
	if (rc == SS_OK && !ss_scenario_set(s, "warmup=9e6", err, sizeof err) && !ss_scenario_set(s, "duration=1e6", err, sizeof err))
		rc = ss_scenario_points(s, &pts, &n, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && pts == NULL && strstr(err, "clock"), "--set warmup=9e6 --set duration=1e6 refused: %s", err);
	ss_points_free(pts, n);
	if (s && !ss_scenario_set(s, "warmup=auto", err, sizeof err) && !ss_scenario_set(s, "duration=1e6", err, sizeof err))
		rc = ss_scenario_points(s, &pts, &n, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "automatic"), "an automatic warm-up counts its pilots: %s", err);
	ss_scenario_free(s);
	s = NULL;
	p = write_file("span.cfg", GOOD_HEAD GOOD_RUN);
	pts = NULL;
	rc = ss_scenario_load(p, &s, err, sizeof err);
	if (rc == SS_OK && !ss_scenario_set(s, "precision=0.05", err, sizeof err) &&
	    !ss_scenario_set(s, "max_replications=2", err, sizeof err))
		rc = ss_scenario_points(s, &pts, &n, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && pts == NULL && strstr(err, "below 'replications' = 3"),
		 "--set max_replications below replications in precision mode refused: %s", err);
	ss_scenario_free(s);

	ss_params *qp = NULL;
	SS_MUST(ss_params_alloc(&qp, ss_model_find("queue")->params, ss_model_find("queue")->nparams));
	ss_run_spec spec = {ss_model_find("queue"), qp, 1, 9e6, 1e6, NULL};
	ss_metrics m;
	ss_run_info info;
	ss_metrics_init(&m);
	rc = ss_model_run(&spec, &m, &info, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "clock"), "the runner refuses it too: %s", err);
	spec.warmup = 0;
	spec.duration = 1e-15;
	rc = ss_model_run(&spec, &m, &info, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "picosecond"), "the runner refuses a measurement that rounds to 0 ps: %s", err);
	ss_metrics_fini(&m);
	ss_params_free(qp);
}

/* Integer literals: only real ones are checked (not in strings or
   comments), a 64-bit literal keeps its value; a NUL byte is refused. */
static void literals(void)
{
	char longname[600];
	memset(longname, 'n', 300);
	longname[300] = '\0';
	char text[1000];
	snprintf(text, sizeof text, "name = \"%s\";\nmodel = \"queue\";\n" GOOD_RUN, longname);
	ss_scenario *s0 = NULL;
	char err0[1024] = "";
	int rc0 = ss_scenario_load(write_file("lname.cfg", text), &s0, err0, sizeof err0);
	SS_CHECK(rc0 == SS_EINVAL && strstr(err0, ":1: 'name' must be non-empty, at most 200 bytes"),
		 "a 300-byte name (too long for the database's file name) is refused: %.80s", err0);
	ss_scenario_free(s0);
	const char *p = write_file("lit.cfg", GOOD_HEAD "# 4294967298 in a comment\n/* 99999999999 */\n"
				   "description = \"4294967298 // 1e999\";\n"
				   "run = { duration = 1.0; seed = 4294967297L; warmup = 4294967298.0e-6; };\n");
	ss_scenario *s = NULL;
	char err[1024] = "";
	int rc = ss_scenario_load(p, &s, err, sizeof err);
	SS_CHECK(rc == SS_OK && s->seed == 4294967297ULL && s->warmup == 4294967298.0e-6,
		 "numbers in comments and strings pass; 4294967297L and reals keep their values (%s)", err);
	ss_scenario_free(s);
	s = NULL;
	p = ss_test_path(dir, "nul.cfg");
	FILE *f = fopen(p, "wb");
	if (f) {
		fputs(GOOD_HEAD GOOD_RUN "notes = \"a", f);
		fputc('\0', f);
		fputs("b\";\n", f);
		fclose(f);
	}
	rc = ss_scenario_load(p, &s, err, sizeof err);
	char want[600];
	snprintf(want, sizeof want, "%s:4: NUL byte", p);
	SS_CHECK(rc == SS_EPARSE && s == NULL && !strncmp(err, want, strlen(want)), "a NUL byte is refused: %s", err);
	ss_scenario_free(s);
}

int main(void)
{
	gsl_set_error_handler_off();
	ss_test_plan(100);
	if (!mkdtemp(dir))
		return 1;
	good();
	bad_files();
	shipped();
	list_sweeps();
	stack_spellings();
	speedup_baselines();
	host_profiles();
	long_series();
	clock_span();
	literals();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		SS_DIAG("could not remove %s", dir);
	return ss_test_done();
}
