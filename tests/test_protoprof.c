/* Protocol cost profiles: every shipped profile loads and gives exactly
   the costs its file states (read back here through libconfig on its
   own, entry by entry); "any" fills both directions; bad files are
   refused with "file:line: what is wrong". */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "ss_err.h"
#include "ss_protoprof.h"
#include "ss_test.h"

static char tmpdir[] = "/tmp/ss_test_protoprofXXXXXX";

/* The shipped profile names, sorted. */
static int list_profiles(const char *dir, char names[][64], int max)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) && n < max) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".cfg")) {
			snprintf(names[n], 64, "%.*s", (int)(l - 4), e->d_name);
			n++;
		}
	}
	if (d)
		closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[64];
			memcpy(t, names[j], 64);
			memcpy(names[j], names[j - 1], 64);
			memcpy(names[j - 1], t, 64);
		}
	return n;
}

/* Compares every entry of the file with what the loader gives: the
   constants as written, the cost of a 1448-byte packet rounded to the
   picosecond, the source. Returns the number of mismatches. */
static int compare_file(const char *path, const ss_protoprof *p, int *entries)
{
	config_t cf;
	config_init(&cf);
	if (!config_read_file(&cf, path)) {
		config_destroy(&cf);
		return 1;
	}
	int bad = 0;
	*entries = 0;
	config_setting_t *costs = config_lookup(&cf, "costs");
	for (int i = 0; costs && i < config_setting_length(costs); i++) {
		config_setting_t *g = config_setting_get_elem(costs, (unsigned)i);
		const char *ln, *dn, *src;
		double pp, pb;
		config_setting_lookup_string(g, "layer", &ln);
		config_setting_lookup_string(g, "dir", &dn);
		config_setting_lookup_string(g, "source", &src);
		config_setting_lookup_float(g, "per_packet_ns", &pp);
		config_setting_lookup_float(g, "per_byte_ns", &pb);
		int layer = ss_protoprof_layer_find(ln);
		int d0 = !strcmp(dn, "rx") ? SS_PP_RX : SS_PP_TX;
		int d1 = !strcmp(dn, "tx") ? SS_PP_TX : SS_PP_RX;
		for (int d = d0; d <= d1; d++) {
			ss_time want = (ss_time)llround(pp * 1000 + pb * 1000 * 1448.0);
			if (layer < 0 || ss_protoprof_per_packet_ns(p, layer, d) != pp ||
			    ss_protoprof_per_byte_ns(p, layer, d) != pb || ss_protoprof_cost(p, layer, d, 1448) != want ||
			    strcmp(ss_protoprof_source(p, layer, d), src))
				bad++;
			(*entries)++;
		}
	}
	config_destroy(&cf);
	return bad;
}

static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			remove(ss_test_path(tmpdir, e->d_name));
	if (d)
		closedir(d);
	remove(tmpdir);
}

/* Writes text to tmpdir/NAME.cfg and loads it. */
static int try_text(const char *name, const char *text, char *err, size_t errlen)
{
	char file[96];
	ss_protoprof *p = NULL;
	snprintf(file, sizeof file, "%s.cfg", name);
	if (ss_test_write(ss_test_path(tmpdir, file), text))
		return -1;
	int rc = ss_protoprof_load(&p, tmpdir, name, err, errlen);
	ss_protoprof_free(p);
	return rc;
}

/* Does err start with "tmpdir/NAME.cfg:LINE: "? */
static int at_line(const char *err, const char *name, int line)
{
	char want[1024];
	snprintf(want, sizeof want, "%s/%s.cfg:%d: ", tmpdir, name, line);
	return !strncmp(err, want, strlen(want));
}

/* A valid profile body with one entry replaced by `entry` (line 5 of the
   file: the first entry of costs). */
static void body(char *buf, size_t len, const char *name, const char *entry)
{
	static const char *const rest[] = {"syscall", "copy", "tcp", "ip", "eth", "irq", "softirq", "esp", "ah"};
	size_t w = (size_t)snprintf(buf, len,
				    "name = \"%s\";\n"
				    "description = \"test\";\n"
				    "costs = (\n"
				    "  { layer = \"skb\"; dir = \"any\"; per_packet_ns = 1.0; per_byte_ns = 0.0; source = \"s\"; }\n"
				    "%s\n",
				    name, entry);
	for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
		w += (size_t)snprintf(buf + w, len - w,
				      "  ,{ layer = \"%s\"; dir = \"any\"; per_packet_ns = 2.0; per_byte_ns = 0.5; source = \"s\"; }\n",
				      rest[i]);
	snprintf(buf + w, len - w, ");\n");
}

int main(void)
{
	char dir[4096], names[32][64], err[2048];
	const char *src = getenv("SS_SRCDIR");
	snprintf(dir, sizeof dir, "%s/proto/profiles", src ? src : SS_DATADIR);
	int n = list_profiles(dir, names, 32);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	ss_test_plan(3 * n + 27);

	/* 1. Every shipped profile loads, covers every layer both ways, and
	   gives its file's numbers. */
	for (int i = 0; i < n; i++) {
		ss_protoprof *p = NULL;
		int rc = ss_protoprof_load(&p, dir, names[i], err, sizeof err);
		SS_CHECK(rc == SS_OK, "shipped profile %s loads%s%s", names[i], rc ? ": " : "", rc ? err : "");
		char path[8192];
		snprintf(path, sizeof path, "%s/%s.cfg", dir, names[i]);
		int entries = 0, bad = p ? compare_file(path, p, &entries) : 1;
		SS_CHECK(bad == 0, "%s: %d entries equal the file's constants, sources and costs at 1448 B", names[i],
			 entries);
		/* Every layer in both directions, each once ("any" counts twice). */
		SS_CHECK_INT(entries, SS_PP_NLAYERS * SS_PP_NDIRS, "%s: every layer and direction given once", names[i]);
		ss_protoprof_free(p);
	}

	/* 2. Hand-computed costs of linux26-xeon-2800 (values as in the
	   file): tcp tx 455.9270516717325 ns + 0.22796352583586624 ns/B. */
	ss_protoprof *x = NULL;
	SS_MUST(ss_protoprof_load(&x, dir, "linux26-xeon-2800", err, sizeof err));
	SS_CHECK_INT(ss_protoprof_cost(x, SS_PP_TCP, SS_PP_TX, 1448), 786018,
		     "xeon tcp tx, 1448 B: 455.927 + 0.227964 x 1448 ns = 786018 ps (rounded)");
	SS_CHECK_INT(ss_protoprof_cost(x, SS_PP_TCP, SS_PP_RX, 0), 547112,
		     "xeon tcp rx, 0 B: the per-packet cost alone, 547112 ps");
	SS_CHECK_INT(ss_protoprof_cost(x, SS_PP_IRQ, SS_PP_TX, 0), ss_protoprof_cost(x, SS_PP_IRQ, SS_PP_RX, 0),
		     "dir \"any\" fills tx and rx alike (irq)");
	SS_CHECK_INT(ss_protoprof_cost(x, SS_PP_COPY, SS_PP_TX, 8192), 3842402,
		     "xeon copy, 8192 B: 0.469043 ns/B x 8192 = 3842402 ps");
	SS_CHECK(ss_protoprof_clock_mhz(x) == 2800.0 && !strcmp(ss_protoprof_cpu(x), "Intel Xeon"),
		 "cpu and clock_mhz read back");
	SS_CHECK(ss_protoprof_set(x, SS_PP_IRQ, SS_PP_RX, 1000, 0, NULL) == SS_OK &&
			 ss_protoprof_cost(x, SS_PP_IRQ, SS_PP_RX, 5) == 1000000 &&
			 !strcmp(ss_protoprof_source(x, SS_PP_IRQ, SS_PP_RX), "override") &&
			 ss_protoprof_cost(x, SS_PP_IRQ, SS_PP_TX, 0) == 455927,
		 "set replaces one direction only, with source \"override\"");
	SS_CHECK(ss_protoprof_set(x, SS_PP_IRQ, SS_PP_RX, -1, 0, NULL) == SS_EINVAL &&
			 ss_protoprof_set(x, SS_PP_NLAYERS, SS_PP_RX, 1, 0, NULL) == SS_EINVAL,
		 "set refuses a negative cost and an unknown layer");
	ss_protoprof_free(x);
	ss_protoprof_free(NULL);

	/* linux-modern (values as in the file): the host profile of the
	   10 Gbit/s what-if. */
	SS_MUST(ss_protoprof_load(&x, dir, "linux-modern", err, sizeof err));
	SS_CHECK(ss_protoprof_clock_mhz(x) == 2700.0 && strstr(ss_protoprof_cpu(x), "E5-2680"),
		 "linux-modern: Xeon E5-2680 at 2700 MHz");
	SS_CHECK_INT(ss_protoprof_cost(x, SS_PP_COPY, SS_PP_RX, 1448), 357475,
		     "linux-modern copy, 1448 B: 79 ns / 320 B x 1448 = 357.475 ns = 357475 ps");
	SS_CHECK_INT(ss_protoprof_cost(x, SS_PP_ETH, SS_PP_TX, 0) - ss_protoprof_cost(x, SS_PP_ETH, SS_PP_RX, 0), 16000,
		     "linux-modern eth: tx = rx + two 8-ns cmpxchg of the qdisc lock (16000 ps)");
	int empty = 0;
	for (int l = 0; l < SS_PP_NLAYERS; l++)
		for (int d = 0; d < SS_PP_NDIRS; d++)
			if (!ss_protoprof_source(x, l, d) || strlen(ss_protoprof_source(x, l, d)) < 20)
				empty++;
	SS_CHECK_INT(empty, 0, "linux-modern: every layer and direction has a source of at least 20 characters");
	ss_protoprof_free(x);
	SS_CHECK(!strcmp(ss_protoprof_layer_name(SS_PP_SOFTIRQ), "softirq") && ss_protoprof_layer_find("ah") == SS_PP_AH &&
			 ss_protoprof_layer_find("udp") == -1 && ss_protoprof_layer_name(-1) == NULL,
		 "layer names and lookup");

	/* 3. Bad files, each at its line. */
	char buf[8192];
	body(buf, sizeof buf, "good", "");
	SS_CHECK(try_text("good", buf, err, sizeof err) == SS_OK, "the test body itself is valid%s%s", *err ? ": " : "",
		 err);
	struct {
		const char *name, *entry, *what, *needle;
		int rc, line;
	} bad[] = {
		{"nosrc", "  ,{ layer = \"tcp\"; dir = \"tx\"; per_packet_ns = 1.0; per_byte_ns = 0.0; }", "missing source",
		 "missing 'source'", SS_EINVAL, 5},
		{"emptysrc", "  ,{ layer = \"tcp\"; dir = \"tx\"; per_packet_ns = 1.0; per_byte_ns = 0.0; source = \"\"; }",
		 "empty source", "'source' is empty", SS_EINVAL, 5},
		{"layer", "  ,{ layer = \"udp\"; dir = \"tx\"; per_packet_ns = 1.0; per_byte_ns = 0.0; source = \"s\"; }",
		 "unknown layer", "unknown layer 'udp'", SS_EINVAL, 5},
		{"dir", "  ,{ layer = \"tcp\"; dir = \"up\"; per_packet_ns = 1.0; per_byte_ns = 0.0; source = \"s\"; }",
		 "bad dir", "unknown dir 'up'", SS_EINVAL, 5},
		{"neg", "  ,{ layer = \"tcp\"; dir = \"tx\"; per_packet_ns = -1.0; per_byte_ns = 0.0; source = \"s\"; }",
		 "negative cost", "must be >= 0", SS_EINVAL, 5},
		{"nobyte", "  ,{ layer = \"tcp\"; dir = \"tx\"; per_packet_ns = 1.0; source = \"s\"; }", "missing per_byte_ns",
		 "missing cost 'per_byte_ns'", SS_EINVAL, 5},
		{"field", "  ,{ layer = \"tcp\"; dir = \"tx\"; per_packet_ns = 1.0; per_byte_ns = 0.0; source = \"s\"; x = 1; }",
		 "unknown field", "unknown field 'x'", SS_EINVAL, 5},
		{"syntax", "  ,{ layer = ; }", "syntax error", "", SS_EPARSE, 5},
		/* skb is given on line 4 as "any": again on line 5 for tx. */
		{"twice", "  ,{ layer = \"skb\"; dir = \"tx\"; per_packet_ns = 1.0; per_byte_ns = 0.0; source = \"s\"; }",
		 "a layer and direction given twice", "skb tx: cost given twice", SS_EINVAL, 5},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		body(buf, sizeof buf, bad[i].name, bad[i].entry);
		int rc = try_text(bad[i].name, buf, err, sizeof err);
		SS_CHECK(rc == bad[i].rc && at_line(err, bad[i].name, bad[i].line) && strstr(err, bad[i].needle),
			 "%s refused at line %d: %s", bad[i].what, bad[i].line, err);
	}
	/* A file without the tcp layer at all: refused at the costs list. */
	snprintf(buf, sizeof buf,
		 "name = \"missing\";\ndescription = \"d\";\ncosts = (\n"
		 "  { layer = \"skb\"; dir = \"any\"; per_packet_ns = 1.0; per_byte_ns = 0.0; source = \"s\"; }\n);\n");
	int rc = try_text("missing", buf, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && at_line(err, "missing", 3) && strstr(err, "no cost for layer syscall, dir tx"),
		 "a layer not given is refused: %s", err);
	rc = try_text("other", "name = \"wrong\";\ndescription = \"d\";\ncosts = ();\n", err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && at_line(err, "other", 1) && strstr(err, "does not match the file name"),
		 "a name that is not the file's is refused: %s", err);
	rc = try_text("top", "name = \"top\";\ndescription = \"d\";\nspeed = 3;\ncosts = ();\n", err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && at_line(err, "top", 3) && strstr(err, "unknown setting 'speed'"),
		 "an unknown top-level setting is refused: %s", err);
	ss_protoprof *p = NULL;
	rc = ss_protoprof_load(&p, dir, "linux26-z80", err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && p == NULL && strstr(err, "linux26-xeon-2800") && strstr(err, "linux26-p2-541"),
		 "an unknown profile is refused with the list of those there: %s", err);
	rc = ss_protoprof_load(&p, dir, "../hosts/X1", err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && p == NULL, "a name cannot leave the profiles directory");
	remove_tmpdir();
	return ss_test_done();
}
