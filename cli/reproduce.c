/* The reproduce command. A study is a folder of scenarios
   (scenarios/STUDY/), a plot specification (report/specs/STUDY.cfg) and a
   claims checker; everything lands in one database, results/STUDY.db,
   and one plot folder, plots/STUDY/. */
#include "ss_grow.h"
#include "ss_reproduce.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ss_claims.h"
#include "ss_claimsdb.h"
#include "ss_db.h"
#include "ss_err.h"
#include "ss_mpi.h"
#include "ss_plot.h"
#include "ss_profiles.h"
#include "ss_scenario.h"
#include "ss_sweep.h"
#include "ss_trace.h"

typedef struct study {
	const char *name;
	int (*check)(struct ss_db *db, FILE *out, ss_claims_result *res);
	const char *paper[4]; /* --paper: the settings of the paper's own method */
	int tables;           /* its spec compares tables (plots/STUDY/tables.md) */
} study;

static const study studies[] = {
	/* N95-016..019: 10 runs, 30 s warm-up, 30 s measured, 90% intervals. */
	{.name = "nahum95",
	 .check = ss_claims_nahum95,
	 .paper = {"replications=10", "warmup=30", "duration=30", "level=0.90"},
	 .tables = 1},
	/* I09-018, I09-021: netperf's 10 s runs at 95%. The model has no random
	   input at zero loss, so one replication; a second of warm-up. */
	{.name = "iatrou",
	 .check = ss_claims_iatrou09,
	 .paper = {"replications=1", "warmup=1", "duration=10", "level=0.95"}},
	/* OCF-101: each point of Figure 1 and Tables 1-2 is one run of a
	   benchmark program; the paper states no run length. The model has
	   no random input: one replication; 10 s as the --paper length. */
	{.name = "ocf",
	 .check = ss_claims_ocf,
	 .paper = {"replications=1", "warmup=1", "duration=10", "level=0.95"}},
	/* T93 sec. 4 states no run length or repetition; the model has no
	   random input: one replication, 10 s as the --paper length. */
	{.name = "thekkath",
	 .check = ss_claims_thekkath,
	 .paper = {"replications=1", "warmup=1", "duration=10", "level=0.95"},
	 .tables = 1},
	/* S01 sec. 5.8 states no run length; the model has no random input:
	   one replication, 60 s as the --paper length. */
	{.name = "sslacc",
	 .check = ss_claims_sslacc,
	 .paper = {"replications=1", "warmup=1", "duration=60", "level=0.95"}},
};

typedef struct files {
	char **v;
	size_t n, cap;
} files;

static void add_file(const char *path, void *ud)
{
	files *f = ud;
	if (ss_grow(&f->v, &f->cap, f->n + 1, sizeof *f->v, 16))
		return;
	char *d = strdup(path);
	if (d)
		f->v[f->n++] = d;
}

/* Stores the printed verdict lines in `text` as one check of study `name`. */
static int store_verdicts(ss_db *h, const char *name, const char *version, char *text, char *err, size_t errlen)
{
	ss_claimsdb_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc = SS_OK;
	for (char *line = text, *next; line && *line && rc == SS_OK; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ss_claims_line cl;
		if (ss_claims_parse_line(line, &cl))
			continue;
		if ((rc = ss_grow(&rows, &cap, n + 1, sizeof *rows, 32)))
			ss_errbuf(err, errlen, "out of memory");
		else
			rows[n++] = (ss_claimsdb_row){cl.id, cl.verdict, cl.text, cl.known};
	}
	if (rc == SS_OK)
		rc = ss_claimsdb_store(h, name, version, time(NULL), rows, n, NULL, err, errlen);
	free(rows);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: secsim reproduce STUDY [--jobs N] [--paper | --quick] [--check] [--set KEY=VALUE ...] [-o DB] [-d PLOTDIR] [--quiet | --verbose]\n"
			"studies: nahum95, iatrou, ocf, thekkath, sslacc\n");
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int ss_cmd_reproduce(int argc, char **argv, const char *datadir, const char *version,
		     const volatile int *interrupt)
{
	const char *name = NULL, *db = NULL, *dir = NULL;
	const char *sets[64];
	int nsets = 0;
	int jobs = 1, paper = 0, check = 0, quiet = 0, quick = 0, verbose = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--jobs") || !strcmp(a, "-j")) {
			char *end;
			long v = i + 1 < argc ? strtol(argv[++i], &end, 10) : 0;
			if (v < 1 || v > 1024 || *end) {
				fprintf(stderr, "secsim reproduce: --jobs needs an integer in [1, 1024]\n");
				return 2;
			}
			jobs = (int)v;
		} else if (!strcmp(a, "--set") && i + 1 < argc) {
			if (nsets == 64) {
				fprintf(stderr, "secsim reproduce: too many --set\n");
				return 2;
			}
			sets[nsets++] = argv[++i];
		} else if (!strcmp(a, "--quick")) {
			quick = 1;
		} else if (!strcmp(a, "--paper")) {
			paper = 1;
		} else if (!strcmp(a, "--check")) {
			check = 1;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = 1;
		} else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			verbose = 1;
		} else if ((!strcmp(a, "-o") || !strcmp(a, "-d")) && i + 1 < argc) {
			if (a[1] == 'o')
				db = argv[++i];
			else
				dir = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "secsim reproduce: unknown option %s\n", a);
			usage(stderr);
			return 2;
		} else if (!name) {
			name = a;
		} else {
			usage(stderr);
			return 2;
		}
	}
	const study *st = NULL;
	for (size_t i = 0; name && i < sizeof studies / sizeof studies[0]; i++)
		if (!strcmp(studies[i].name, name))
			st = &studies[i];
	if (ss_mpi_size() > 1) {
		if (ss_mpi_rank() == 0)
			fprintf(stderr, "secsim reproduce: runs on one machine (--jobs N); under mpirun, run each "
					"scenario with secsim run\n");
		return 2;
	}
	if (paper && quick) {
		fprintf(stderr, "secsim reproduce: --paper and --quick exclude each other\n");
		return 2;
	}
	if (!st) {
		if (name)
			fprintf(stderr, "secsim reproduce: unknown study '%s'\n", name);
		usage(stderr);
		return 2;
	}
	/* The paper's method gets its own database: runs of another length
	   must not be averaged with these. */
	char dbpath[4096], plotdir[4096], sdir[4096], spec[4096], md[4200];
	snprintf(dbpath, sizeof dbpath, "%s", db ? db : "");
	if (!db)
		snprintf(dbpath, sizeof dbpath, "results/%s%s.db", st->name, paper ? "-paper" : quick ? "-quick" : "");
	if (dir)
		snprintf(plotdir, sizeof plotdir, "%s", dir);
	else
		snprintf(plotdir, sizeof plotdir, "plots/%s%s", st->name, paper ? "-paper" : quick ? "-quick" : "");
	snprintf(sdir, sizeof sdir, "%s/scenarios/%s", datadir, st->name);
	snprintf(spec, sizeof spec, "%s/report/specs/%s.cfg", datadir, st->name);
	if (!db && mkdir("results", 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "secsim reproduce: cannot create results/: %s\n", strerror(errno));
		return 1;
	}
	files f = {NULL, 0, 0};
	if (ss_scenario_list(sdir, add_file, &f) || f.n == 0) {
		fprintf(stderr, "secsim reproduce: no scenarios in %s (set SECSIM_DATADIR to the source tree)\n", sdir);
		free(f.v);
		return 1;
	}
	/* Load every scenario first: a bad file stops everything before any run. */
	ss_scenario **sc = calloc(f.n, sizeof *sc);
	int rc = sc ? 0 : 1;
	char err[2048];
	for (size_t i = 0; i < f.n && !rc; i++) {
		if (ss_scenario_load(f.v[i], &sc[i], err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			rc = 2;
			break;
		}
		for (size_t k = 0; paper && k < 4 && st->paper[k] && !rc; k++)
			if (ss_scenario_set(sc[i], st->paper[k], err, sizeof err)) {
				fprintf(stderr, "%s\n", err);
				rc = 2;
			}
		/* --quick: a smoke-test fidelity, each scenario's own run lengths
		   cut to 30% with two replications (the test suite uses it). */
		if (quick && !rc) {
			char q[3][64];
			snprintf(q[0], sizeof q[0], "replications=%d", sc[i]->replications < 2 ? sc[i]->replications : 2);
			snprintf(q[1], sizeof q[1], "duration=%.17g", sc[i]->duration * 0.3);
			if (sc[i]->warmup >= 0)
				snprintf(q[2], sizeof q[2], "warmup=%.17g", sc[i]->warmup * 0.3);
			else
				snprintf(q[2], sizeof q[2], "warmup=auto");
			for (int k = 0; k < 3 && !rc; k++)
				if (ss_scenario_set(sc[i], q[k], err, sizeof err)) {
					fprintf(stderr, "%s: %s\n", f.v[i], err);
					rc = 2;
				}
		}
		/* Overrides apply to every scenario; each must accept them. */
		for (int k = 0; k < nsets && !rc; k++)
			if (ss_scenario_set(sc[i], sets[k], err, sizeof err)) {
				fprintf(stderr, "%s: %s\n", f.v[i], err);
				rc = 2;
			}
		if (!rc && ss_profiles_resolve(sc[i], datadir, err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			rc = 2;
		}

	}
	double t0 = now_s();
	unsigned long long events = 0;
	for (size_t i = 0; i < f.n && !rc; i++) {
		ss_sweep_opts o = {dbpath, jobs, quiet ? NULL : stderr, version, NULL, interrupt, NULL, NULL, datadir, verbose};
		char refdir[4096];
		snprintf(refdir, sizeof refdir, "%s/reference", datadir);
		o.refdir = refdir;
		ss_sweep_stats ss;
		if (verbose)
			fprintf(stderr, "secsim: %s\n", sc[i]->description ? sc[i]->description : sc[i]->name);
		int r = ss_sweep_run(sc[i], &o, &ss, err, sizeof err);
		events += ss.events;
		if (r) {
			fprintf(stderr, "%s\n", err);
			rc = r == SS_EINTR ? 130 : r == SS_EBUSY ? 75
			   : (r == SS_ENOTSECSIM || r == SS_EREADONLY || r == SS_EINVAL) ? 2 : 1;
		}
	}
	double wall = now_s() - t0;
	for (size_t i = 0; i < f.n; i++) {
		ss_scenario_free(sc ? sc[i] : NULL);
		free(f.v[i]);
	}
	free(sc);
	free(f.v);
	if (rc)
		return rc;
	fprintf(stderr, "secsim: %s simulated in %.1f s wall (%.3g events, %.3g events/s) -> %s\n", st->name, wall,
		(double)events, wall > 0 ? (double)events / wall : 0.0, dbpath);
	int prc = ss_plot_study(dbpath, spec, plotdir, err, sizeof err);
	if (prc) {
		fprintf(stderr, "secsim reproduce: plots: %s\n", err);
		rc = 1;
	} else if (!st->tables) {
		fprintf(stderr, "secsim: plots in %s/ (PNG and SVG)\n", plotdir);
	} else {
		snprintf(md, sizeof md, "%s/tables.md", plotdir);
		if (ss_plot_tables_md(dbpath, spec, md, err, sizeof err)) {
			fprintf(stderr, "secsim reproduce: tables: %s\n", err);
			rc = 1;
		} else {
			fprintf(stderr, "secsim: plots in %s/ (PNG and SVG), tables in %s\n", plotdir, md);
		}
		/* The timelines for students (secsim trace) go beside the figures. */
		if (!strcmp(st->name, "nahum95")) {
			char *targv[] = {"trace", "-d", plotdir, NULL};
			if (ss_cmd_trace(3, targv))
				rc = 1;
		}
	}
	if (check) {
		ss_db *h = NULL;
		if (ss_db_open(dbpath, SS_DB_CREATE, &h, err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		/* The verdicts are printed as they are stored (secsim report
		   shows them): one text, read back line by line. */
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		ss_claims_result res;
		int failed = mem ? st->check(h, mem, &res) : 1;
		if (mem && fclose(mem) == 0 && text) {
			fputs(text, stdout);
			ss_claims_print_counts(&res, stdout);
			if (store_verdicts(h, st->name, version, text, err, sizeof err)) {
				fprintf(stderr, "secsim reproduce: %s\n", err);
				rc = 1;
			}
		} else {
			fprintf(stderr, "secsim reproduce: out of memory: no claim checked\n");
			rc = 1;
		}
		if (failed)
			rc = 1;
		free(text);
		ss_db_close(h);
	}
	return rc;
}
