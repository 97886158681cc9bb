/* The secsim command: run scenarios, show results, list scenarios,
   calibrate crypto. Exit status: 0 success, 1 failure while running,
   2 bad input (nothing written), 75 the store is busy with the same
   sweep in another process (nothing run; try again later), 130
   interrupted (finished runs kept). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>

#include "config.h"
#include "ss_cmd_calibrate.h"
#include "ss_cmd_plot.h"
#include "ss_cmd_report.h"
#include "ss_profiles.h"
#include "ss_reproduce.h"
#include "ss_db.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_model.h"
#include "ss_mpi.h"
#include "ss_revision.h"
#include "ss_scenario.h"
#include "ss_sweep.h"
#include "ss_trace.h"

#define EXIT_BAD 2
#define EXIT_BUSY 75 /* EX_TEMPFAIL of sysexits.h */
#define EXIT_INTR 130
#define SEED_MAX 9000000000000000ULL /* the scenario loader's bound: exact in a double */

static volatile sig_atomic_t interrupted;
static volatile int interrupt_flag;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	interrupt_flag = 1;
}

static const char *version_string(void)
{
	return PACKAGE_VERSION " (" SS_REVISION ")";
}

/* Each command's synopsis and what it does: the overview lists them
   all, `secsim COMMAND --help` prints its own. */
typedef struct cmd_help {
	const char *name;
	const char *text;
} cmd_help;

static const cmd_help helps[] = {
	{.name = "run",
	 .text = "  run FILE|NAME [-o DB] [--set KEY=VALUE ...] [--seed N] [--jobs N]\n"
	         "               [--replications N] [--precision R] [--new-series NAME] [--quiet | --verbose]\n"
	         "                     run a scenario's sweep into a database (default results/NAME.db);\n"
	         "                     stored runs are reused only when made with the same settings and\n"
	         "                     profile contents; --new-series NAME stores this sweep beside\n"
	         "                     runs made otherwise, as series labelled 'LABEL [NAME]'.\n"
	         "                     --set KEY=[a,b,c] sweeps KEY over those values, --set KEY=v fixes it.\n"
	         "                     A speedup figure divides by the same series on one processor\n"
	         "                     (x = 1): a sweep without that point runs it too.\n"
	         "                     Progress goes to stderr (--verbose: a line per run; --quiet: none).\n"
	         "                     In an MPI build, mpirun -np K secsim run ... spreads the points over\n"
	         "                     K ranks (rank 0 writes the database; results as a serial run's)\n"},
	{.name = "reproduce",
	 .text = "  reproduce STUDY [--jobs N] [--paper | --quick] [--check] [--set KEY=VALUE ...]\n"
	         "               [-o DB] [-d PLOTDIR] [--quiet | --verbose]\n"
	         "                     run a paper's scenarios into results/STUDY.db, plot them into\n"
	         "                     plots/STUDY/ and, with --check, test the paper's claims\n"
	         "                     (--paper: 10 runs of 30 s after 30 s, into results/STUDY-paper.db;\n"
	         "                     --quick: 2 runs at 30% of the lengths, into results/STUDY-quick.db)\n"
	         "                     studies: nahum95, iatrou, ocf, thekkath, sslacc\n"},
	{.name = "plot",
	 .text = "  plot DB [--spec FILE] [-d DIR]\n"
	         "                     redraw a study's figures and tables from its database\n"},
	{.name = "trace",
	 .text = "  trace [--stack S] [--processors N] [--start-us T] [--window-us W]\n"
	         "               [--set KEY=VALUE ...] [-d DIR]\n"
	         "                     timeline of who runs which layer and who waits for the TCP lock\n"
	         "                     (default: PLP TCP/IP and DES on 4 processors, into plots/trace/)\n"},
	{.name = "show",
	 .text = "  show DB [--figure F] [--series S] [--metric M]\n"
	         "                     print the aggregated points with confidence intervals; each filter\n"
	         "                     is a shell glob (*, ?, [...], case-sensitive), exact without them:\n"
	         "                     --figure fig03 --metric 'ledger.*'\n"},
	{.name = "dump",
	 .text = "  dump DB            print every finished run's metrics at full precision: scenario,\n"
	         "                     point, replication, seed, metric, value, bottleneck, series key\n"},
	{.name = "list",
	 .text = "  list               list the scenarios that ship with secsim\n"},
	{.name = "models",
	 .text = "  models             list the model types and their parameters\n"},
	{.name = "report",
	 .text = "  report [DB ...] [-o FILE]  one HTML page of figures, paper numbers, claims, parameters,\n"
	         "                     bottlenecks and provenance (default: results/*.db -> plots/index.html)\n"},
	{.name = "calibrate",
	 .text = "  calibrate [-o DB] [--quick]\n"
	         "                     time the crypto algorithms on this host\n"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: secsim COMMAND [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
		fputs(helps[i].text, f);
	fprintf(f, "  --version          print the version and the git revision built from\n"
		   "  --help             this text (secsim COMMAND --help: that command's)\n");
}

static int is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* `secsim CMD --help`: the command's usage on stdout, exit 0. */
static int command_help(const char *cmd)
{
	for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
		if (!strcmp(helps[i].name, cmd)) {
			printf("usage:\n%s", helps[i].text);
			return 0;
		}
	return -1;
}

/* Resolves NAME to a shipped scenario when it is not a file. */
static char *resolve_scenario(const char *arg)
{
	struct stat sb;
	if (stat(arg, &sb) == 0)
		return strdup(arg);
	size_t len = strlen(ss_datadir()) + strlen(arg) + 32;
	char *p = malloc(len);
	if (!p)
		return NULL;
	snprintf(p, len, "%s/scenarios/%s%s", ss_datadir(), arg,
		 strlen(arg) > 4 && !strcmp(arg + strlen(arg) - 4, ".cfg") ? "" : ".cfg");
	if (stat(p, &sb) == 0)
		return p;
	free(p);
	return strdup(arg); /* let the loader report it */
}

static int parse_int(const char *opt, const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long x = v ? strtol(v, &end, 10) : 0;
	if (!v || end == v || *end || errno || x < lo || x > hi) {
		fprintf(stderr, "secsim: %s needs an integer in [%ld, %ld]%s%s\n", opt, lo, hi,
			v ? ", not " : "", v ? v : "");
		return -1;
	}
	*out = x;
	return 0;
}

static int mkdir_parent(const char *path)
{
	char *dup = strdup(path);
	if (!dup)
		return -1;
	char *slash = strrchr(dup, '/');
	int rc = 0;
	if (slash && slash != dup) {
		*slash = '\0';
		struct stat sb;
		if (stat(dup, &sb) != 0 && mkdir(dup, 0777) != 0 && errno != EEXIST)
			rc = -1;
	}
	free(dup);
	return rc;
}

static void free_shorts(char **shorts, int n)
{
	for (int i = 0; shorts && i < n; i++)
		free(shorts[i]);
	free(shorts);
}

/* A seed is a decimal integer the scenario can hold exactly; anything
   else is refused whole (never cut or wrapped into another seed). */
static int valid_seed(const char *v)
{
	size_t n = strspn(v, "0123456789");
	unsigned long long x = 0;
	int ok = n > 0 && v[n] == '\0';
	for (size_t i = 0; ok && i < n; i++) {
		if (x > (SEED_MAX - (unsigned)(v[i] - '0')) / 10)
			ok = 0;
		else
			x = x * 10 + (unsigned)(v[i] - '0');
	}
	if (!ok)
		fprintf(stderr, "secsim run: --seed needs an integer in [0, %llu], not '%.40s%s' (%zu characters)\n",
			SEED_MAX, v, strlen(v) > 40 ? "..." : "", strlen(v));
	return ok;
}

/* A series name is shown in labels and messages: printable, no brackets. */
static int valid_series(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	int ok = n > 0 && n <= 64;
	for (size_t i = 0; ok && i < n; i++)
		ok = v[i] > ' ' && v[i] < 127 && v[i] != '[' && v[i] != ']';
	if (!ok)
		fprintf(stderr, "secsim run: --new-series needs a name of 1 to 64 printable characters"
				" without blanks or brackets\n");
	return ok;
}

static int cmd_run(int argc, char **argv)
{
	const char *file = NULL, *db = NULL;
	const char **sets = calloc((size_t)argc, sizeof *sets);
	/* Text of the --seed/--replications/--precision shorthands, one slot
	   per argument, each allocated to fit (a fixed buffer would cut a
	   long value into another one). */
	char **shorts = calloc((size_t)argc, sizeof *shorts);
	const char *study = NULL;
	size_t nsets = 0;
	long jobs = 1;
	int quiet = 0, verbose = 0;
	if (!sets || !shorts) {
		free(sets);
		free(shorts);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (is_help(a)) {
			free(sets);
			free_shorts(shorts, argc);
			return command_help("run");
		} else if (!strcmp(a, "-o") || !strcmp(a, "--db")) {
			if (++i >= argc) {
				fprintf(stderr, "secsim run: %s needs a database path\n", a);
				goto bad;
			}
			db = argv[i];
		} else if (!strcmp(a, "--set")) {
			if (++i >= argc) {
				fprintf(stderr, "secsim run: --set needs KEY=VALUE\n");
				goto bad;
			}
			sets[nsets++] = argv[i];
		} else if (!strncmp(a, "--set=", 6)) {
			sets[nsets++] = a + 6;
		} else if (!strcmp(a, "--jobs") || !strcmp(a, "-j")) {
			if (parse_int("--jobs", i + 1 < argc ? argv[++i] : NULL, 1, 1024, &jobs))
				goto bad;
		} else if (!strcmp(a, "--seed") || !strcmp(a, "--replications") || !strcmp(a, "--precision")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "secsim run: %s needs a value\n", a);
				goto bad;
			}
			if (!strcmp(a, "--seed") && !valid_seed(argv[i + 1]))
				goto bad;
			/* Shorthands for --set run.KEY=VALUE, checked the same way. */
			size_t len = strlen(a) + strlen(argv[i + 1]) + 8;
			if (!(shorts[i] = malloc(len))) {
				fprintf(stderr, "secsim: out of memory\n");
				goto bad;
			}
			snprintf(shorts[i], len, "run.%s=%s", a + 2, argv[i + 1]);
			sets[nsets++] = shorts[i++];
		} else if (!strcmp(a, "--new-series")) {
			if (++i >= argc || !valid_series(argv[i]))
				goto bad;
			study = argv[i];
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = 1;
		} else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			verbose = 1;
		} else if (a[0] == '-') {
			fprintf(stderr, "secsim run: unknown option %s\n", a);
			goto bad;
		} else if (!file) {
			file = a;
		} else {
			fprintf(stderr, "secsim run: one scenario at a time (got %s and %s)\n", file, a);
			goto bad;
		}
	}
	if (!file) {
		fprintf(stderr, "secsim run: which scenario? (see secsim list)\n");
		goto bad;
	}
	char err[2048];
	char *path = resolve_scenario(file);
	ss_scenario *s = NULL;
	int rc = path ? ss_scenario_load(path, &s, err, sizeof err) : SS_ENOMEM;
	free(path);
	if (rc) {
		fprintf(stderr, "%s\n", rc == SS_ENOMEM ? "secsim: out of memory" : err);
		goto bad;
	}
	for (size_t i = 0; i < nsets; i++)
		if (ss_scenario_set(s, sets[i], err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			ss_scenario_free(s);
			goto bad;
		}
	/* Under MPI rank 0 calibrates first when a profile needs it; the
	   others then find its calibration, and nobody starts before every
	   rank has written the derived profile. */
	if (ss_mpi_rank() != 0)
		ss_mpi_barrier();
	rc = ss_profiles_resolve(s, ss_datadir(), err, sizeof err);
	if (ss_mpi_rank() == 0)
		ss_mpi_barrier();
	ss_mpi_barrier();
	if (rc) {
		fprintf(stderr, "%s\n", err);
		ss_scenario_free(s);
		goto bad;
	}
	char dbpath[4096];
	if (db)
		snprintf(dbpath, sizeof dbpath, "%s", db);
	else
		snprintf(dbpath, sizeof dbpath, "results/%s.db", s->name);
	if (!db)
		mkdir_parent(dbpath);
	char refdir[4096];
	snprintf(refdir, sizeof refdir, "%s/reference", ss_datadir());
	/* On MPI ranks other than 0, rank 0 speaks for the sweep. */
	int ranks = ss_mpi_size(), speaks = ss_mpi_rank() == 0;
	ss_sweep_opts o = {dbpath, (int)jobs, quiet || !speaks ? NULL : stderr, version_string(), refdir,
			   &interrupt_flag, study, NULL, ss_datadir(), verbose};
	ss_sweep_stats st;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!quiet && speaks) {
		if (ranks > 1)
			fprintf(stderr, "secsim: %s (%s) -> %s, %d MPI ranks (%d computing)\n", s->name, s->model->name,
				dbpath, ranks, ranks - 1);
		else
			fprintf(stderr, "secsim: %s (%s) -> %s, %d job(s)\n", s->name, s->model->name, dbpath, (int)jobs);
	}
	rc = ss_sweep_run(s, &o, &st, err, sizeof err);
	ss_scenario_free(s);
	free(sets);
	free_shorts(shorts, argc);
	if (st.worker && rc == SS_OK)
		return 0;
	if ((!quiet && speaks) || rc)
		fprintf(stderr, "secsim: %zu point(s), %zu run(s) done now, %zu already done; %.2f s wall, %.3g events/s\n",
			st.points, st.ran, st.skipped, st.wall, st.wall > 0 ? (double)st.events / st.wall : 0.0);
	if (rc) {
		fprintf(stderr, "%s\n", err);
		if (rc == SS_EINTR)
			return EXIT_INTR;
		if (rc == SS_EBUSY)
			return EXIT_BUSY;
		return (rc == SS_EINVAL || rc == SS_ENOTSECSIM || rc == SS_EREADONLY || rc == SS_ENOENT ||
			rc == SS_EPARSE) ? EXIT_BAD : 1;
	}
	if (!quiet)
		fprintf(stderr, "secsim: results in %s (secsim show %s)\n", dbpath, dbpath);
	return 0;
bad:
	free(sets);
	free_shorts(shorts, argc);
	return EXIT_BAD;
}

static int cmd_show(int argc, char **argv)
{
	const char *db = NULL;
	ss_db_filter flt = {NULL, NULL, NULL};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = !strcmp(a, "--figure") ? &flt.figure : !strcmp(a, "--series") ? &flt.series
				 : !strcmp(a, "--metric") ? &flt.metric : NULL;
		if (is_help(a))
			return command_help("show");
		if (dst) {
			if (i + 1 >= argc) {
				fprintf(stderr, "secsim show: %s needs a pattern\n", a);
				return EXIT_BAD;
			}
			*dst = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "secsim show: unknown option %s (see secsim show --help)\n", a);
			return EXIT_BAD;
		} else if (!db)
			db = a;
		else {
			fprintf(stderr, "secsim show: one database at a time\n");
			return EXIT_BAD;
		}
	}
	if (!db) {
		fprintf(stderr, "secsim show: which database? (e.g. results/mm1.db)\n");
		return EXIT_BAD;
	}
	ss_db *h = NULL;
	char err[1024];
	int rc = ss_db_open(db, SS_DB_READ, &h, err, sizeof err);
	if (rc) {
		fprintf(stderr, "%s\n", err);
		return EXIT_BAD;
	}
	rc = ss_db_show(h, stdout, &flt, err, sizeof err);
	ss_db_close(h);
	if (rc) {
		fprintf(stderr, "%s\n", err);
		return rc == SS_ENOENT ? EXIT_BAD : 1;
	}
	return 0;
}

/* Every stored metric of every finished run, full precision, in a stable
   order: what the determinism checks compare. The eighth column is the
   series key (--new-series; empty by default). A read error part way
   (a corrupted page) fails the command: a partial dump must never pass
   for a whole one. */
static int cmd_dump(int argc, char **argv)
{
	if (argc == 2 && is_help(argv[1]))
		return command_help("dump");
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: secsim dump DB\n");
		return EXIT_BAD;
	}
	ss_db *h = NULL;
	char err[1024];
	if (ss_db_open(argv[1], SS_DB_READ, &h, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return EXIT_BAD;
	}
	sqlite3_stmt *st = NULL;
	int v2 = ss_db_schema_version(h) >= 2;
	int rc = sqlite3_prepare_v2(ss_db_handle(h), v2 ?
		"SELECT r.scenario, r.point_key, r.replication, r.seed, m.name, m.value, r.bottleneck, r.study "
		"FROM runs r JOIN metrics m ON m.run_id = r.id WHERE r.status = 'done' "
		"ORDER BY r.study, r.scenario, r.point_key, r.replication, m.name" :
		"SELECT r.scenario, r.point_key, r.replication, r.seed, m.name, m.value, r.bottleneck, '' "
		"FROM runs r JOIN metrics m ON m.run_id = r.id WHERE r.status = 'done' "
		"ORDER BY r.scenario, r.point_key, r.replication, m.name", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *b = (const char *)sqlite3_column_text(st, 6);
		printf("%s\t%s\t%d\t%lld\t%s\t%.17g\t%s\t%s\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
		       sqlite3_column_int(st, 2), sqlite3_column_int64(st, 3), sqlite3_column_text(st, 4),
		       sqlite3_column_double(st, 5), b ? b : "", (const char *)sqlite3_column_text(st, 7));
		rc = SQLITE_OK;
	}
	int ok = rc == SQLITE_DONE;
	if (!ok)
		fprintf(stderr, "secsim dump: %s: cannot read the runs: %s; the output above is incomplete\n", argv[1],
			sqlite3_errmsg(ss_db_handle(h)));
	sqlite3_finalize(st);
	ss_db_close(h);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "secsim dump: cannot write: %s\n", strerror(errno));
		return 1;
	}
	return ok ? 0 : 1;
}

typedef struct list_ctx {
	size_t prefix;
	int bad;
} list_ctx;

static void list_one(const char *path, void *ud)
{
	list_ctx *lc = ud;
	char err[1024];
	ss_scenario *s = NULL;
	char name[512];
	snprintf(name, sizeof name, "%s", path + lc->prefix);
	size_t l = strlen(name);
	if (l > 4)
		name[l - 4] = '\0';
	if (ss_scenario_load(path, &s, err, sizeof err)) {
		printf("%-28s  (does not load: %s)\n", name, err);
		lc->bad = 1;
		return;
	}
	printf("%-28s  %s\n", name, s->description ? s->description : "");
	ss_scenario_free(s);
}

static int cmd_list(void)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/scenarios", ss_datadir());
	list_ctx lc = {strlen(dir) + 1, 0};
	if (ss_scenario_list(dir, list_one, &lc)) {
		fprintf(stderr, "secsim: cannot read %s (set SECSIM_DATADIR to the source tree)\n", dir);
		return 1;
	}
	printf("\nrun one with: secsim run NAME   (e.g. secsim run validation/mm1)\n");
	return lc.bad;
}

static int cmd_models(void)
{
	for (const ss_model_type *const *m = ss_model_all(); *m; m++) {
		printf("%s: %s\n  parameters:\n", (*m)->name, (*m)->help);
		for (size_t i = 0; i < (*m)->nparams; i++) {
			const ss_param_def *d = &(*m)->params[i];
			printf("    %-18s default %-10s %-8s %s%s%s\n", d->name, d->def, d->unit, d->help,
			       d->choices ? "; one of " : "", d->choices ? d->choices : "");
		}
		printf("  metrics:\n");
		for (size_t i = 0; i < (*m)->nmetrics; i++)
			printf("    %-18s %-10s %s\n", (*m)->metrics[i].name, (*m)->metrics[i].unit, (*m)->metrics[i].help);
	}
	return 0;
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD;
	}
	const char *c = argv[1];
	if (!strcmp(c, "--version") || !strcmp(c, "version")) {
		printf("secsim %s\n", version_string());
		return 0;
	}
	if (!strcmp(c, "--help") || !strcmp(c, "help") || !strcmp(c, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(c, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(c, "show"))
		return cmd_show(argc - 1, argv + 1);
	/* Commands without options answer --help here; the others parse it
	   with their options. */
	if (argc > 2 && is_help(argv[2]) && (!strcmp(c, "list") || !strcmp(c, "models")))
		return command_help(c);
	if (!strcmp(c, "list"))
		return cmd_list();
	if (!strcmp(c, "dump"))
		return cmd_dump(argc - 1, argv + 1);
	if (!strcmp(c, "models"))
		return cmd_models();
	if (!strcmp(c, "reproduce")) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		return ss_cmd_reproduce(argc - 1, argv + 1, ss_datadir(), version_string(), &interrupt_flag);
	}
	if (!strcmp(c, "trace"))
		return ss_cmd_trace(argc - 1, argv + 1);
	if (!strcmp(c, "plot"))
		return ss_cmd_plot(argc - 1, argv + 1);
	if (!strcmp(c, "report"))
		return ss_cmd_report(argc - 1, argv + 1, version_string());
	if (!strcmp(c, "calibrate"))
		return ss_cmd_calibrate(argc - 1, argv + 1);
	fprintf(stderr, "secsim: unknown command '%s'\n", c);
	usage(stderr);
	return EXIT_BAD;
}

int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	char err[512];
	if (ss_mpi_init(&argc, &argv, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return EXIT_BAD;
	}
	int rc = dispatch(argc, argv);
	ss_mpi_fini();
	return rc;
}
