/* `secsim plot`: option parsing, the spec (the study's, else the default
   plots of any store) and output directory,
   and the mapping of the plots module's status codes to exit statuses. */
#include "ss_cmd_plot.h"
#include "ss_db.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_plot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#define EXIT_FAIL 1
#define EXIT_BAD 2

struct opts {
	const char *db;
	const char *spec;   /* NULL: DATADIR/report/specs/STUDY.cfg */
	const char *outdir; /* NULL: plots/STUDY */
	int no_draw;
	int quiet;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: secsim plot DB [--spec FILE] [-d OUTDIR] [--no-draw] [--quiet]\n"
		"  DB              a results store, e.g. results/nahum95.db (study = its file stem)\n"
		"  --spec FILE     plot spec (default DATADIR/report/specs/STUDY.cfg; without one,\n"
		"                  each figure's primary metric against its swept axis)\n"
		"  -d, --outdir D  output directory (default plots/STUDY)\n"
		"  --no-draw       write the gnuplot scripts and tables only\n"
		"  --quiet         print errors only\n"
		"DATADIR is $SECSIM_DATADIR, else %s; gnuplot is $SECSIM_GNUPLOT, else gnuplot.\n",
		SS_DATADIR);
}

/* Returns 0, -1 after --help, or EXIT_BAD after printing what is wrong. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return -1;
		} else if (!strcmp(a, "--no-draw")) {
			o->no_draw = 1;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o->quiet = 1;
		} else if (!strcmp(a, "--spec") || !strcmp(a, "-d") || !strcmp(a, "--outdir")) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				fprintf(stderr, "secsim plot: %s needs a value\n", a);
				return EXIT_BAD;
			}
			if (!strcmp(a, "--spec"))
				o->spec = argv[++i];
			else
				o->outdir = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "secsim plot: unknown option '%s'\n", a);
			usage(stderr);
			return EXIT_BAD;
		} else if (o->db) {
			fprintf(stderr, "secsim plot: one store only ('%s' and '%s')\n", o->db, a);
			return EXIT_BAD;
		} else {
			o->db = a;
		}
	}
	if (!o->db) {
		usage(stderr);
		return EXIT_BAD;
	}
	return 0;
}

static char *path3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s%s%s", a, b, c);
	return p;
}

int ss_cmd_plot(int argc, char **argv)
{
	struct opts o;
	int ex = parse_args(argc, argv, &o);
	if (ex)
		return ex < 0 ? 0 : ex;
	char err[2048];
	struct stat sb;
	if (stat(o.db, &sb) != 0) {
		fprintf(stderr, "secsim plot: %s: %s\n", o.db, strerror(errno));
		return EXIT_BAD;
	}
	const char *dd = ss_datadir();
	char *study = ss_plot_file_stem(o.db);
	char *spec_path = study && !o.spec ? path3(dd, "/report/specs/", study) : NULL;
	char *spec_cfg = spec_path ? path3(spec_path, ".cfg", "") : NULL;
	char *outdir = study && !o.outdir ? path3("plots/", study, "") : NULL;
	char *md = NULL;
	ss_db *db = NULL;
	ss_plot_spec *spec = NULL;
	ex = EXIT_BAD;
	if (!study || (!o.spec && !spec_cfg) || (!o.outdir && !outdir)) {
		fprintf(stderr, "secsim plot: out of memory\n");
		ex = EXIT_FAIL;
		goto out;
	}
	const char *sp = o.spec ? o.spec : spec_cfg;
	const char *od = o.outdir ? o.outdir : outdir;
	/* A store no spec was written for gets the default plots. */
	int use_default = !o.spec && stat(sp, &sb) != 0;
	int rc = ss_db_open(o.db, SS_DB_READ, &db, err, sizeof err);
	if (rc) {
		fprintf(stderr, "secsim plot: %s\n", err);
		goto out;
	}
	if (use_default) {
		if (!o.quiet)
			printf("no plot spec for study '%s' (looked for %s): default plots, each figure's primary "
			       "metric against its swept axis, one series per series of the store\n",
			       study, sp);
		rc = ss_plot_spec_default(db, study, &spec, err, sizeof err);
	} else {
		rc = ss_plot_spec_load(sp, db, &spec, err, sizeof err);
	}
	if (rc) {
		fprintf(stderr, "secsim plot: %s\n", err);
		ex = rc == SS_ENOMEM || rc == SS_EDB ? EXIT_FAIL : EXIT_BAD;
		goto out;
	}
	ss_plot_opts po = {NULL, o.no_draw, o.quiet ? NULL : stdout};
	ss_plot_summary sum;
	int frc = ss_plot_figures(db, spec, od, &po, &sum, err, sizeof err);
	if (frc)
		fprintf(stderr, "secsim plot: %s\n", err);
	else if (!sum.written && !ss_plot_spec_ntables(spec)) {
		if (use_default)
			fprintf(stderr, "secsim plot: nothing to plot: %s has no runs with an x value\n", o.db);
		else
			fprintf(stderr, "secsim plot: nothing to plot: none of the %zu figures of %s has data in %s\n",
				ss_plot_spec_nfigures(spec), sp, o.db);
		goto out;
	}
	/* The tables are written even when drawing failed: they need no
	   gnuplot, and the scripts are kept for the same reason. */
	int trc = SS_OK;
	if (ss_plot_spec_ntables(spec) && (frc == SS_OK || sum.written)) {
		if (!(md = path3(od, od[strlen(od) - 1] == '/' ? "" : "/", "tables.md"))) {
			trc = SS_ENOMEM;
			fprintf(stderr, "secsim plot: out of memory\n");
		} else if ((trc = ss_plot_tables(db, spec, md, err, sizeof err))) {
			fprintf(stderr, "secsim plot: %s\n", err);
		} else if (!o.quiet) {
			printf("tables: wrote %s\n", md);
		}
	}
	if (!sum.written && !o.quiet && frc == SS_OK)
		printf("no figure of %s has data in %s\n", sp, o.db);
	ex = frc || trc ? EXIT_FAIL : 0;
out:
	ss_plot_spec_free(spec);
	ss_db_close(db);
	free(md);
	free(outdir);
	free(spec_cfg);
	free(spec_path);
	free(study);
	return ex;
}
