/* The results store: one SQLite database per study holding finished runs,
   their metrics, the papers' reference numbers and the `points` view that
   aggregates replications into means with t confidence intervals. */
#ifndef SS_DB_H
#define SS_DB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

struct ss_metrics;

typedef struct ss_db ss_db;

/* Open modes. */
enum {
	SS_DB_CREATE = 1, /* read-write; create the file and schema if missing */
	SS_DB_READ = 2    /* read-only; the file must exist and be secsim's */
};

#define SS_DB_SCHEMA "secsim-results" /* meta.schema of every store */
#define SS_DB_SCHEMA_VERSION 1        /* meta.schema_version written */
#define SS_DB_DEFAULT_LEVEL 0.90      /* confidence level of a new store */
#define SS_DB_TQ_MAXDF 1000           /* tquantile rows: df = 1..this */

/* Opens the store at `path` into *out.
   SS_DB_CREATE creates a missing file (its directory must exist) and the
   schema in one transaction; an existing file must already be a secsim
   store. SS_DB_READ never writes (use it for reports on archived stores).
   Connections use WAL, a busy timeout and foreign keys, so several sweep
   processes may write one store at once; one ss_db is for one thread.
   Returns SS_OK, or with a message in err:
     SS_ENOENT      READ of a missing file, or CREATE in a missing directory;
     SS_ENOTSECSIM  not SQLite at all, SQLite without secsim's meta table,
                    or a newer schema version than this secsim knows;
     SS_EREADONLY   CREATE on a file or directory that cannot be written,
                    including one whose permission bits grant no write
                    access to anyone (honoured even for root, because
                    chmod a-w is how a user protects finished results);
     SS_ENOMEM, SS_EDB. */
int ss_db_open(const char *path, int mode, ss_db **out, char *err, size_t errlen);

/* Closes and frees; NULL is a no-op. */
void ss_db_close(ss_db *db);

/* The connection, for sibling modules that keep their own tables in the
   same file (the calibration store). Owned by db. */
sqlite3 *ss_db_handle(ss_db *db);

/* Detail of the last failure of a function below that has no err buffer;
   "" after a success. Owned by db, valid until the next call. */
const char *ss_db_errmsg(const ss_db *db);

/* One finished run. Strings are copied; NULL figure means the scenario
   name, NULL series, config or version mean "". */
typedef struct ss_run_record {
	const char *scenario;      /* scenario name; required */
	const char *figure;        /* figure id, e.g. "fig03" or the scenario name */
	const char *series;        /* series label within the figure */
	double x;                  /* x value of the point (NaN stored as NULL) */
	const char *point_key;     /* canonical "k=v;k=v" of every parameter; required */
	const char *config;        /* full effective configuration text (echo) */
	uint64_t seed;             /* run seed (stored as its int64 bit pattern) */
	int replication;           /* 0-based, >= 0 */
	const char *version;       /* secsim version + git revision */
	double started, finished;  /* wall clock, Unix seconds */
	double sim_seconds;        /* simulated time measured, s */
	uint64_t events;           /* events processed */
	const struct ss_metrics *metrics; /* values and bottleneck; may be NULL */
} ss_run_record;

/* Writes the run, its metrics and its bottleneck in ONE transaction: a
   crash or kill leaves either the whole run or nothing. A NaN metric is
   stored as NULL and left out of the aggregates.
   Writing (scenario, point_key, replication) that is already done is
   SS_EINVAL ("already recorded"): a finished run is never silently
   replaced, because two runs under one key mean the sweep is wrong.
   Also SS_EINVAL for a missing scenario/point_key, a negative replication
   or a duplicated metric name (then nothing is written); SS_EREADONLY on
   a store opened with SS_DB_READ; SS_EDB otherwise. */
int ss_db_write_run(ss_db *db, const ss_run_record *r, char *err, size_t errlen);

/* Sets *done to 1 when (scenario, point_key, replication) is finished,
   else 0. Returns SS_OK, SS_EINVAL or SS_EDB (detail: ss_db_errmsg). */
int ss_db_run_done(ss_db *db, const char *scenario, const char *point_key,
		   int replication, int *done);

/* Values of one metric over the finished replications of a point, in
   replication order, NULLs (NaN) left out. *vals is malloc'd (NULL when
   *n == 0); the caller frees it. Returns SS_OK, SS_EINVAL, SS_ENOMEM or
   SS_EDB (detail: ss_db_errmsg). */
int ss_db_point_values(ss_db *db, const char *scenario, const char *point_key,
		       const char *metric, double **vals, size_t *n);

/* Fills `out` (initialised by the caller with ss_metrics_init; cleared
   first) with the metrics and bottleneck of a finished run, for reporting
   a run that a resumed sweep skips. Returns SS_OK, SS_ENOENT when the run
   is not recorded, SS_EINVAL, SS_ENOMEM or SS_EDB (detail: ss_db_errmsg). */
int ss_db_run_metrics(ss_db *db, const char *scenario, const char *point_key,
		      int replication, struct ss_metrics *out);

/* The confidence level of the points view, in (0, 1). Setting it stores
   it in meta and refills tquantile in one transaction; setting the level
   already stored writes nothing (so it also succeeds on a READ open).
   Returns SS_OK, SS_EINVAL, SS_EREADONLY or SS_EDB (detail:
   ss_db_errmsg). */
int ss_db_set_level(ss_db *db, double level);
double ss_db_level(const ss_db *db);

/* Loads a papers' reference CSV (RFC 4180, the 13 columns id, paper,
   kind, quantity, scenario, stack_or_config, x_name, x_value, value,
   unit, qualifier, source, quote) into table `reference`, in one
   transaction. Re-loading a file (matched by its base name) replaces all
   the rows that file loaded before. The header and every record are
   checked first: 13 columns, a non-empty id unique in the file and not
   owned by another file, x_value a decimal number or empty, x_name and
   x_value both empty or both filled. The first problem is reported as
   "path:line: what is wrong", line being the physical line where the bad
   record starts, and nothing is inserted. Blank lines are skipped.
   Returns SS_OK, SS_ENOENT/SS_EIO (file), SS_EPARSE, SS_EREADONLY,
   SS_ENOMEM or SS_EDB. */
int ss_db_load_reference(ss_db *db, const char *csv_path, char *err, size_t errlen);

/* Prints the points as an aligned text table: figure, series, metric, x,
   mean, ci_low, ci_high, n, unit, then the point's bottleneck (the
   resource most often the bottleneck over its replications, with the
   count when not unanimous) and that resource's mean utilisation over
   the runs where it was the bottleneck. Each filter is a shell glob as
   SQLite's GLOB reads it (*, ?, [...], case-sensitive; without those
   characters it matches exactly); NULL or a NULL filter shows all.
   Returns SS_OK, SS_ENOENT when nothing matches (nothing is printed; the
   message lists the figures the store has), SS_EIO, SS_ENOMEM or SS_EDB. */
typedef struct ss_db_filter {
	const char *figure;
	const char *series;
	const char *metric;
} ss_db_filter;
int ss_db_show(ss_db *db, FILE *out, const ss_db_filter *filter, char *err, size_t errlen);

#endif
