/* `secsim report`: the stores to show (the ones given, else every
   results store in results/), the models' parameter tables for the
   sources column, and the mapping of the report's status codes to exit
   statuses. */
#include "ss_cmd_report.h"
#include "ss_db.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_grow.h"
#include "ss_html.h"
#include "ss_model.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define EXIT_FAIL 1
#define EXIT_BAD 2

#define DEFAULT_OUT "plots/index.html"
#define RESULTS_DIR "results"
#define CALIBRATION_DB "results/calibration.db"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: secsim report [DB ...] [-o FILE] [--calibration DB] [--quiet]\n"
		"  DB                results stores (default: every results/*.db that is one)\n"
		"  -o, --out FILE    the page (default " DEFAULT_OUT "); its folder holds the figures,\n"
		"                    STUDY/STEM.svg as secsim plot and reproduce draw them (plots/STUDY/)\n"
		"  --calibration DB  host calibration shown (default " CALIBRATION_DB " when present)\n"
		"  --quiet           print errors only\n"
		"The page has no scripts and loads nothing from the network; open it in any browser.\n");
}

typedef struct list {
	char **v;
	size_t n, cap;
} list;

static void list_fini(list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int list_add(list *l, const char *s)
{
	if (ss_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v, 8) || !(l->v[l->n] = strdup(s)))
		return -1;
	l->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The results stores (results/NAME.db) in results/, sorted; the calibration store
   and other SQLite files are left out (the calibration has its own
   section). */
static int scan_results(list *l, int quiet)
{
	DIR *d = opendir(RESULTS_DIR);
	if (!d)
		return 0;
	struct dirent *e;
	int rc = 0;
	list found = {0};
	while (!rc && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 3, ".db") || e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", RESULTS_DIR, e->d_name);
		rc = list_add(&found, path);
	}
	closedir(d);
	if (found.n)
		qsort(found.v, found.n, sizeof *found.v, cmp_str);
	for (size_t i = 0; i < found.n && !rc; i++) {
		if (!strcmp(found.v[i], CALIBRATION_DB))
			continue;
		ss_db *db = NULL;
		char err[1024];
		int orc = ss_db_open(found.v[i], SS_DB_READ, &db, err, sizeof err);
		ss_db_close(db);
		if (orc == SS_ENOTSECSIM) {
			if (!quiet)
				fprintf(stderr, "secsim report: %s is not a results store, left out\n", found.v[i]);
			continue;
		}
		rc = list_add(l, found.v[i]);
	}
	list_fini(&found);
	return rc;
}

/* The models' parameter tables, as the report reads them, in *out (*n
   of them): SS_OK or SS_ENOMEM. */
static int models_alloc(ss_html_model **out, size_t *n)
{
	*out = NULL;
	size_t k = 0;
	for (const ss_model_type *const *m = ss_model_all(); *m; m++)
		k++;
	ss_html_model *v = calloc(k ? k : 1, sizeof *v);
	if (!v)
		return SS_ENOMEM;
	for (size_t i = 0; i < k; i++) {
		const ss_model_type *m = ss_model_all()[i];
		ss_html_param *ps = calloc(m->nparams ? m->nparams : 1, sizeof *ps);
		if (!ps) {
			for (size_t j = 0; j < i; j++)
				free((void *)v[j].params);
			free(v);
			return SS_ENOMEM;
		}
		for (size_t j = 0; j < m->nparams; j++)
			ps[j] = (ss_html_param){.name = m->params[j].name, .def = m->params[j].def,
						.unit = m->params[j].unit, .source = m->params[j].help};
		v[i] = (ss_html_model){.name = m->name, .params = ps, .nparams = m->nparams};
	}
	*n = k;
	*out = v;
	return SS_OK;
}

static void models_free(ss_html_model *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free((void *)v[i].params);
	free(v);
}

/* mkdir of the page's folder (one level, as `plot` creates plots/). */
static int make_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	char dir[4096];
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	struct stat sb;
	if (stat(dir, &sb) == 0)
		return 0;
	return mkdir(dir, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

int ss_cmd_report(int argc, char **argv, const char *version)
{
	const char *out = DEFAULT_OUT, *calib = NULL;
	int quiet = 0, given = 0;
	list dbs = {0};
	int ex = EXIT_BAD;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			list_fini(&dbs);
			return 0;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = 1;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--out") || !strcmp(a, "--calibration")) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				fprintf(stderr, "secsim report: %s needs a path\n", a);
				goto out;
			}
			if (!strcmp(a, "--calibration"))
				calib = argv[++i];
			else
				out = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "secsim report: unknown option '%s'\n", a);
			usage(stderr);
			goto out;
		} else {
			given = 1;
			if (list_add(&dbs, a)) {
				fprintf(stderr, "secsim report: out of memory\n");
				ex = EXIT_FAIL;
				goto out;
			}
		}
	}
	if (!given && scan_results(&dbs, quiet)) {
		fprintf(stderr, "secsim report: out of memory\n");
		ex = EXIT_FAIL;
		goto out;
	}
	if (!dbs.n) {
		fprintf(stderr, "secsim report: no results store in " RESULTS_DIR "/ (run secsim reproduce STUDY, or "
				"name the stores)\n");
		goto out;
	}
	struct stat sb;
	if (calib && stat(calib, &sb) != 0) {
		fprintf(stderr, "secsim report: %s: %s\n", calib, strerror(errno));
		goto out;
	}
	if (!calib)
		calib = CALIBRATION_DB;
	if (make_parent(out)) {
		fprintf(stderr, "secsim report: cannot create the folder of %s: %s\n", out, strerror(errno));
		ex = EXIT_FAIL;
		goto out;
	}
	char specs[4096];
	snprintf(specs, sizeof specs, "%s/report/specs", ss_datadir());
	size_t nmodels = 0;
	ss_html_model *models = NULL;
	if (models_alloc(&models, &nmodels) != SS_OK) {
		fprintf(stderr, "secsim report: out of memory\n");
		ex = EXIT_FAIL;
		goto out;
	}
	ss_html_opts o = {(const char *const *)dbs.v, dbs.n, out, specs, calib, models, nmodels, version};
	ss_html_summary sum;
	char err[2048];
	int rc = ss_html_report(&o, &sum, err, sizeof err);
	models_free(models, nmodels);
	if (rc) {
		fprintf(stderr, "secsim report: %s\n", err);
		ex = rc == SS_ENOENT || rc == SS_ENOTSECSIM || rc == SS_EINVAL || rc == SS_EPARSE ? EXIT_BAD : EXIT_FAIL;
		goto out;
	}
	if (!quiet) {
		printf("secsim report: wrote %s: %d store(s), %d figure(s)", out, sum.stores, sum.figures);
		if (sum.missing)
			printf(" (%d more of the specs not drawn)", sum.missing);
		printf(", %d claim verdict(s)\n", sum.claims);
	}
	ex = 0;
out:
	list_fini(&dbs);
	return ex;
}
