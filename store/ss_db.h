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
#define SS_DB_SCHEMA_VERSION 2        /* meta.schema_version written (1 is migrated) */
#define SS_DB_DEFAULT_LEVEL 0.90      /* confidence level of a new store */
#define SS_DB_TQ_MAXDF 1000           /* tquantile rows: df = 1..this */

/* Opens the store at `path` into *out.
   SS_DB_CREATE creates a missing file (its directory must exist) and the
   schema in one transaction; an existing file must already be a secsim
   store (a version 1 store is migrated in one transaction). Only regular
   files are opened: a FIFO would block and a device (/dev/null) would
   get a journal file created beside it. SS_DB_READ never writes (use it for reports on archived stores).
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

/* Schema version of the file (a READ open of a version 1 store is not
   migrated, so readers that need version 2's columns ask). */
int ss_db_schema_version(const ss_db *db);

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
	/* Provenance (ss_provenance.h); NULL means "". */
	const char *settings;      /* effective settings text, "k=v;k=v" */
	const char *settings_hash; /* SHA-256 (hex) of the point key and settings */
	const char *inputs;        /* profiles read, "role=name sha256:HEX;..." */
	const char *inputs_hash;   /* SHA-256 (hex) of the inputs' contents */
	const char *host;          /* host name the run was made on */
	double level;              /* confidence level of its point; 0: the store's */
} ss_run_record;

/* The series key (--new-series NAME; "" by default) under which the
   functions below read and write runs: runs under different keys never
   count as each other's. Copied. Returns SS_OK or SS_ENOMEM. */
int ss_db_set_study(ss_db *db, const char *study);

/* Writes the run, its metrics and its bottleneck in ONE transaction: a
   crash or kill leaves either the whole run or nothing. A NaN metric is
   stored as NULL and left out of the aggregates.
   Writing (scenario, point_key, replication) that is already done is
   SS_EINVAL ("already recorded"): a finished run is never silently
   replaced, because two runs under one key mean the sweep is wrong.
   Also SS_EINVAL for a missing scenario/point_key, a negative replication,
   a level outside (0, 1) or without stored t quantiles (ss_db_set_level
   adds them), or a duplicated metric name (then nothing is written); the
   run goes under the current series key (ss_db_set_study). SS_EREADONLY on
   a store opened with SS_DB_READ; SS_EDB otherwise. */
int ss_db_write_run(ss_db *db, const ss_run_record *r, char *err, size_t errlen);

/* Sets *done to 1 when (scenario, point_key, replication) is finished
   under the current series key, else 0. Returns SS_OK, SS_EINVAL or SS_EDB (detail: ss_db_errmsg). */
int ss_db_run_done(ss_db *db, const char *scenario, const char *point_key,
		   int replication, int *done);

/* Finished runs of (study, scenario, point_key) whose provenance differs
   from settings_hash/inputs_hash: *nruns gets their number, and when
   there are some, old_settings/old_inputs (each cap bytes) one of them's
   texts, for a message naming what differs. *nversion counts the
   finished runs made by another secsim version than `version` (reused:
   the hashes cover what a run depends on). Returns SS_OK, SS_EINVAL or
   SS_EDB (detail: ss_db_errmsg). */
int ss_db_provenance_mismatch(ss_db *db, const char *scenario, const char *point_key,
			      const char *settings_hash, const char *inputs_hash,
			      const char *version, size_t *nruns, size_t *nversion,
			      char *old_settings, char *old_inputs, size_t cap);

/* Registers this process as the one sweeping `scenario` (under the
   current series key) into the store, in one transaction. Another live
   sweep of it refuses with SS_EBUSY and a message naming its pid, host
   and start; a registration left by a process that died (same host, pid
   gone) is taken over. Returns SS_OK, SS_EBUSY, SS_EREADONLY or SS_EDB
   with a message in err. */
int ss_db_sweep_begin(ss_db *db, const char *scenario, const char *host, long pid,
		      char *err, size_t errlen);
/* Removes the registration of ss_db_sweep_begin (if this pid holds it). */
int ss_db_sweep_end(ss_db *db, const char *scenario, const char *host, long pid);

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

/* The confidence level given to runs written from now on (each point's
   interval uses its own runs' level), in (0, 1). Setting it stores it in
   meta and adds its t quantiles in one transaction, leaving other levels'
   quantiles for the points made at them; setting the level already
   stored writes nothing (so it also succeeds on a READ open).
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
