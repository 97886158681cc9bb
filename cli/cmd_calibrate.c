/* `secsim calibrate`: option parsing, the printed table, storing the run,
   and emitting a (scaled) profile file from it. */
#include "ss_cmd_calibrate.h"
#include "ss_calib.h"
#include "ss_calibdb.h"
#include "ss_crypto.h"
#include "ss_err.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#define EXIT_FAIL 1
#define EXIT_BAD 2
#define MAXALGS 64

struct opts {
	const char *db;
	int quick;
	int store;
	int from_db; /* reuse the latest stored calibration, time nothing */
	const char *algs[MAXALGS];
	size_t nalgs;
	const char *profile_out;
	double target_mhz; /* 0: no scaling */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: secsim calibrate [-o DB] [--quick] [--alg NAME ...] [--no-store]\n"
		"                        [--from-db] [--emit-profile FILE [--target-mhz MHZ]]\n"
		"  -o, --db DB          database to store the run in (default %s)\n"
		"  --quick              fewer, shorter repetitions (about 3 s instead of 12 s)\n"
		"  --alg NAME           calibrate only NAME (repeatable)\n"
		"  --no-store           print the table only\n"
		"  --from-db            time nothing: use the latest calibration in DB\n"
		"  --emit-profile FILE  write a cost profile from this run to FILE\n"
		"  --target-mhz MHZ     scale the emitted costs by host MHz / MHZ\n",
		SS_CALIBDB_DEFAULT);
}

/* Returns 0, or EXIT_BAD after printing what is wrong. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	char err[1024];
	memset(o, 0, sizeof *o);
	o->db = SS_CALIBDB_DEFAULT;
	o->store = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_val = i + 1 < argc;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return -1;
		} else if (!strcmp(a, "--quick")) {
			o->quick = 1;
		} else if (!strcmp(a, "--no-store")) {
			o->store = 0;
		} else if (!strcmp(a, "--from-db")) {
			o->from_db = 1;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--db") ||
			   !strcmp(a, "--alg") || !strcmp(a, "--emit-profile") ||
			   !strcmp(a, "--target-mhz")) {
			if (!has_val || !*argv[i + 1]) {
				fprintf(stderr, "secsim calibrate: %s needs a value\n", a);
				return EXIT_BAD;
			}
			const char *v = argv[++i];
			if (!strcmp(a, "--alg")) {
				if (ss_crypto_alg_find(v, NULL, err, sizeof err) != SS_OK) {
					fprintf(stderr, "secsim calibrate: %s\n", err);
					return EXIT_BAD;
				}
				if (o->nalgs == MAXALGS) {
					fprintf(stderr, "secsim calibrate: too many --alg\n");
					return EXIT_BAD;
				}
				o->algs[o->nalgs++] = v;
			} else if (!strcmp(a, "--emit-profile")) {
				o->profile_out = v;
			} else if (!strcmp(a, "--target-mhz")) {
				char *end;
				errno = 0;
				o->target_mhz = strtod(v, &end);
				if (errno || *end || !(o->target_mhz > 0) ||
				    !isfinite(o->target_mhz)) {
					fprintf(stderr, "secsim calibrate: --target-mhz "
						"'%s': expected a clock in MHz > 0\n", v);
					return EXIT_BAD;
				}
			} else {
				o->db = v;
			}
		} else {
			fprintf(stderr, "secsim calibrate: unknown option '%s'\n", a);
			usage(stderr);
			return EXIT_BAD;
		}
	}
	if (o->from_db && (o->quick || o->nalgs || !o->store)) {
		fprintf(stderr, "secsim calibrate: --from-db times nothing, so "
			"--quick, --alg and --no-store do not apply\n");
		return EXIT_BAD;
	}
	if (o->target_mhz > 0 && !o->profile_out) {
		fprintf(stderr, "secsim calibrate: --target-mhz needs --emit-profile\n");
		return EXIT_BAD;
	}
	return 0;
}

static void progress(void *ud, const ss_crypto_alg *a, size_t i, size_t n)
{
	(void)ud;
	fprintf(stderr, "\rcalibrating %-16s (%zu/%zu)", a->name, i + 1, n);
	if (i + 1 == n)
		fputc('\n', stderr);
	fflush(stderr);
}

static void print_table(const ss_calib *cal)
{
	const ss_calib_host *h = ss_calib_host_get(cal);
	printf("host: %s, %.0f MHz, %d cores; %s; %s%s\n", h->cpu_model,
	       h->clock_mhz, h->cores, h->openssl_version, h->date,
	       h->quick ? " (quick)" : "");
	printf("%-16s %7s %13s %10s %25s %7s\n", "algorithm", "bytes",
	       "ns/call(med)", "MB/s", "spread min..max (ns)", "IQR%");
	for (size_t i = 0; i < ss_calib_count(cal); i++) {
		const ss_calib_entry *e = ss_calib_entry_at(cal, i);
		for (size_t k = 0; k < e->npoints; k++) {
			const ss_calib_stats *s = &e->ns[k];
			printf("%-16s %7zu %13.1f %10.2f %12.1f..%-12.1f %6.1f\n",
			       e->alg->name, e->bytes[k], s->median,
			       (double)e->bytes[k] / s->median * 1e3, s->min,
			       s->max, 100.0 * (s->q3 - s->q1) / s->median);
		}
	}
	printf("\n%-16s %14s %14s %12s %10s\n", "algorithm", "per_call_ns",
	       "per_byte_ns", "MB/s(fit)", "R^2");
	for (size_t i = 0; i < ss_calib_count(cal); i++) {
		const ss_calib_entry *e = ss_calib_entry_at(cal, i);
		if (e->alg->kind == SS_CRYPTO_PK)
			printf("%-16s %14.1f %14s %12s %10s  (%.1f ops/s)\n",
			       e->alg->name, e->fit.per_call_ns, "-", "-", "-",
			       1e9 / e->fit.per_call_ns);
		else
			printf("%-16s %14.1f %14.4f %12.2f %10.5f%s\n",
			       e->alg->name, e->fit.per_call_ns,
			       e->fit.per_byte_ns,
			       e->fit.per_byte_ns > 0 ? 1e3 / e->fit.per_byte_ns : 0,
			       e->fit.r2, e->fit.clamped ? "  (clamped)" : "");
	}
}

/* Write the run as a profile file; its comment records how it was made
   so the file carries its own provenance. */
static int emit_profile(const ss_calib *cal, const struct opts *o, char *err,
			size_t errlen)
{
	const ss_calib_host *h = ss_calib_host_get(cal);
	char name[64], comment[2048];
	const char *base = strrchr(o->profile_out, '/');
	double scale = 1.0;
	ss_profile *p = NULL;
	int rc;

	snprintf(name, sizeof name, "%s", base ? base + 1 : o->profile_out);
	char *dot = strrchr(name, '.');
	if (!dot || strcmp(dot, ".cfg") != 0) {
		ss_errbuf(err, errlen, "--emit-profile %s: the file name must "
			  "end in .cfg", o->profile_out);
		return SS_EINVAL;
	}
	*dot = '\0';
	if (o->target_mhz > 0) {
		if (!(h->clock_mhz > 0)) {
			ss_errbuf(err, errlen, "--target-mhz: this host's clock "
				  "is unknown, so no ratio can be formed");
			return SS_EINVAL;
		}
		scale = h->clock_mhz / o->target_mhz;
	}
	if ((rc = ss_profile_from_calib(cal, name, scale, &p, err, errlen)) != SS_OK)
		return rc;
	snprintf(comment, sizeof comment,
		 "Cost profile %s, written by `secsim calibrate --emit-profile`.\n"
		 "Measured on: %s, %.1f MHz (/proc/cpuinfo), %d cores, %s, %s%s.\n"
		 "Scale factor: %.6g = host clock %.1f MHz / target clock %.1f MHz.\n"
		 "ASSUMPTION: the target runs the same code in the same number of\n"
		 "cycles per byte as the measured host, i.e. costs scale with the\n"
		 "clock only; differences in IPC, caches and memory are ignored.",
		 name, h->cpu_model, h->clock_mhz, h->cores, h->openssl_version,
		 h->date, h->quick ? " (quick)" : "", scale, h->clock_mhz,
		 o->target_mhz > 0 ? o->target_mhz : h->clock_mhz);
	FILE *f = fopen(o->profile_out, "w");
	if (!f) {
		ss_errbuf(err, errlen, "%s: %s", o->profile_out, strerror(errno));
		ss_profile_free(p);
		return SS_EIO;
	}
	rc = ss_profile_write(p, f, comment, err, errlen);
	if (fclose(f) != 0 && rc == SS_OK) {
		ss_errbuf(err, errlen, "%s: %s", o->profile_out, strerror(errno));
		rc = SS_EIO;
	}
	ss_profile_free(p);
	return rc;
}

int ss_cmd_calibrate(int argc, char **argv)
{
	struct opts o;
	char err[1024];
	ss_crypto *c = NULL;
	ss_calib *cal = NULL;
	sqlite3 *db = NULL;
	ss_calib_opts co;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;

	/* The default database lives in results/ under the working directory;
	   create that folder on first use rather than fail on a fresh tree. */
	if (o.store && !strcmp(o.db, SS_CALIBDB_DEFAULT) &&
	    mkdir("results", 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "secsim calibrate: cannot create results/: %s\n",
			strerror(errno));
		return EXIT_BAD;
	}
	/* Open the database first: a bad path fails before 10 s of timing. */
	if (o.store && ss_calibdb_open(o.db, &db, err, sizeof err) != SS_OK) {
		fprintf(stderr, "secsim calibrate: %s\n", err);
		return EXIT_BAD;
	}
	if (o.from_db) {
		rc = ss_calibdb_load_latest(db, &cal, err, sizeof err);
	} else {
		if ((rc = ss_crypto_alloc(&c, err, sizeof err)) != SS_OK) {
			fprintf(stderr, "secsim calibrate: %s\n", err);
			sqlite3_close(db);
			return EXIT_FAIL;
		}
		ss_calib_opts_default(&co, o.quick);
		if (o.nalgs) {
			co.algs = o.algs;
			co.nalgs = o.nalgs;
		}
		if (isatty(STDERR_FILENO))
			co.progress = progress;
		rc = ss_calib_run(c, &co, &cal, err, sizeof err);
	}
	if (rc == SS_OK) {
		print_table(cal);
		if (db && !o.from_db) {
			int64_t id = 0;
			rc = ss_calibdb_store(db, cal, &id, err, sizeof err);
			if (rc == SS_OK)
				printf("\nstored as calibration %lld in %s\n",
				       (long long)id, o.db);
		}
	}
	if (rc == SS_OK && o.profile_out) {
		rc = emit_profile(cal, &o, err, sizeof err);
		if (rc == SS_OK)
			printf("profile written to %s\n", o.profile_out);
	}
	if (rc != SS_OK)
		fprintf(stderr, "secsim calibrate: %s\n", err);
	ss_calib_free(cal);
	ss_crypto_free(c);
	sqlite3_close(db);
	/* A store with no calibration in it is the user's input gone wrong. */
	if (rc == SS_EINVAL || (o.from_db && rc == SS_ENOENT))
		return EXIT_BAD;
	return rc == SS_OK ? 0 : EXIT_FAIL;
}

int ss_cmd_calibrate_profile(const char *db_path, const char *profiles_dir,
			     const char *name, ss_profile **out, char *err,
			     size_t errlen)
{
	int derived = 0, rc;
	sqlite3 *db = NULL;
	ss_calib *cal = NULL;
	*out = NULL;
	if ((rc = ss_profile_is_derived(profiles_dir, name, &derived, err,
					errlen)) != SS_OK)
		return rc;
	if (!derived)
		return ss_profile_load(profiles_dir, name, NULL, out, err, errlen);

	if ((rc = ss_calibdb_open(db_path, &db, err, errlen)) != SS_OK)
		return rc;
	rc = ss_calibdb_load_latest(db, &cal, err, errlen);
	if (rc == SS_ENOENT) {
		/* First use on this host: a quick calibration (about 3 s) is
		   cheaper than failing, and stored so it happens once. */
		ss_crypto *c = NULL;
		ss_calib_opts co;
		ss_calib_opts_default(&co, 1);
		rc = ss_crypto_alloc(&c, err, errlen);
		if (rc == SS_OK)
			rc = ss_calib_run(c, &co, &cal, err, errlen);
		if (rc == SS_OK)
			rc = ss_calibdb_store(db, cal, NULL, err, errlen);
		ss_crypto_free(c);
	}
	if (rc == SS_OK)
		rc = ss_profile_load(profiles_dir, name, cal, out, err, errlen);
	ss_calib_free(cal);
	sqlite3_close(db);
	return rc;
}
