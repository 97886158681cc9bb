/* The results store: opening and creating the SQLite file, writing runs
   atomically, resuming sweeps and reporting the aggregated points. */
#include "ss_db.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db-internal.h"
#include "ss_grow.h"
#include "ss_metrics.h"
#include "ss_stats.h"

#define XSTR2(x) #x
#define XSTR(x) XSTR2(x)

/* Several sweeps (processes) may share one file; a writer holds the lock
   for one short transaction, so waiting up to a minute only ever matters
   when something is badly wrong (and then the error says so). */
#define BUSY_TIMEOUT_MS 60000

/* The schema. Notes on choices that are not obvious:
   - runs.status exists so a later version can record failed runs without
     a migration; only 'done' rows count anywhere.
   - Provenance: a run records hashes of its effective settings and of
     the content of every profile it read (ss_provenance.h), and is
     reused by a later sweep only when both match; sweeps holds the sweep
     running per scenario and series, so a second process refuses to
     start instead of racing the first.
   - metrics.pos keeps the order in which the model reported its metrics
     (reports list them that way); the table is WITHOUT ROWID because its
     primary key is how it is always reached.
   - runs_point serves the points view (scan runs grouped by point), a
     filter on figure, series or x, and covers the bottleneck of a point;
     the UNIQUE constraint serves resume look-ups.
   - Each run stores the confidence level its sweep asked for, and a
     point's interval uses its own runs' level: a later sweep at another
     level into the same file leaves existing points' intervals alone.
     tquantile holds t_{(1+level)/2, df} for every level used (SQLite has
     no t quantile function); a level missing there yields NULL
     intervals rather than wrong ones.
   - Floating-point sums depend on their order, and SQLite aggregates in
     the order rows arrive, which follows insertion (so --jobs and
     interrupted sweeps would change the last bits of a mean). The
     windows therefore sort each point's values by scenario, point key
     and replication over the whole partition: the same runs always give
     the same bits. Sorting in SQL rather than storing an aggregate
     computed in C at write time keeps the points a pure function of the
     runs table, also for runs written by other processes.
   - points computes the standard deviation in two passes (a window
     gives each row its group mean first), because the one-pass
     sum(v*v) - sum(v)^2/n cancels catastrophically for large means with
     small spread, e.g. throughput in bit/s, and can even go negative
     for identical values (sqrt then gives NULL). It is built from window
     functions only, with one row per group kept by row_number(), rather
     than a GROUP BY over the window: SQLite pushes a WHERE on figure,
     series or x down through windows partitioned by those columns into
     the runs_point index, but not through an aggregate, so a plot's
     query for one series reads only that series (about 3 ms against
     0.8 s for a store of 10^5 runs). */
/* The runs table (a macro: the migration from version 1 builds it under
   another name first). study is the series a user asked for with
   --new-series ('' by default); settings and inputs are the provenance
   texts the hashes are taken of, kept for messages naming what differs. */
#define RUNS_TABLE_SQL(name) \
	"CREATE TABLE " name "(\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  study TEXT NOT NULL DEFAULT '',\n" \
	"  scenario TEXT NOT NULL,\n" \
	"  figure TEXT NOT NULL,\n" \
	"  series TEXT NOT NULL,\n" \
	"  x REAL,\n" \
	"  point_key TEXT NOT NULL,\n" \
	"  config TEXT NOT NULL DEFAULT '',\n" \
	"  seed INTEGER NOT NULL,\n" \
	"  replication INTEGER NOT NULL CHECK (replication >= 0),\n" \
	"  version TEXT NOT NULL DEFAULT '',\n" \
	"  started REAL,\n" \
	"  finished REAL,\n" \
	"  sim_seconds REAL,\n" \
	"  events INTEGER,\n" \
	"  status TEXT NOT NULL DEFAULT 'done',\n" \
	"  bottleneck TEXT NOT NULL DEFAULT '',\n" \
	"  bottleneck_util REAL,\n" \
	"  level REAL NOT NULL DEFAULT " XSTR(SS_DB_DEFAULT_LEVEL) ",\n" \
	"  settings TEXT NOT NULL DEFAULT '',\n" \
	"  settings_hash TEXT NOT NULL DEFAULT '',\n" \
	"  inputs TEXT NOT NULL DEFAULT '',\n" \
	"  inputs_hash TEXT NOT NULL DEFAULT '',\n" \
	"  host TEXT NOT NULL DEFAULT '',\n" \
	"  UNIQUE (study, scenario, point_key, replication));\n"

/* What schema version 2 added to version 1, created by the migration
   too: the sweeps in progress (one per scenario and series at a time). */
#define SWEEPS_TABLE_SQL \
	"CREATE TABLE sweeps(\n" \
	"  study TEXT NOT NULL, scenario TEXT NOT NULL,\n" \
	"  host TEXT NOT NULL, pid INTEGER NOT NULL, started REAL NOT NULL,\n" \
	"  PRIMARY KEY (study, scenario));\n"

static const char schema_tables_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value);\n"
	RUNS_TABLE_SQL("runs")
	"CREATE TABLE metrics(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL,\n"
	"  unit TEXT NOT NULL DEFAULT '',\n"
	"  value REAL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  PRIMARY KEY (run_id, name)) WITHOUT ROWID;\n"
	"CREATE TABLE reference(\n"
	"  id TEXT PRIMARY KEY NOT NULL,\n"
	"  paper TEXT NOT NULL, kind TEXT NOT NULL, quantity TEXT NOT NULL,\n"
	"  scenario TEXT NOT NULL, stack_or_config TEXT NOT NULL,\n"
	"  x_name TEXT NOT NULL, x_value REAL,\n"
	"  value TEXT NOT NULL, value_num REAL,\n"
	"  unit TEXT NOT NULL, qualifier TEXT NOT NULL,\n"
	"  source TEXT NOT NULL, quote TEXT NOT NULL,\n"
	"  csv_file TEXT NOT NULL, csv_line INTEGER NOT NULL);\n"
	"CREATE INDEX reference_file ON reference(csv_file);\n"
	"CREATE INDEX reference_paper ON reference(paper, quantity);\n"
	"CREATE TABLE tquantile(\n"
	"  level REAL NOT NULL, df INTEGER NOT NULL, t REAL NOT NULL,\n"
	"  PRIMARY KEY (level, df));\n"
	SWEEPS_TABLE_SQL;

/* The index and the views, dropped and recreated by the migration. */
static const char schema_views_sql[] =
	"CREATE INDEX runs_point ON runs(status, figure, series, x, bottleneck, bottleneck_util);\n"
	"CREATE VIEW points AS\n"
	"SELECT a.figure AS figure, a.series AS series, a.x AS x, a.metric AS metric,\n"
	"       a.mean AS mean,\n"
	"       CASE WHEN a.n = 1 THEN a.mean ELSE a.mean - q.t * a.sd / sqrt(a.n) END AS ci_low,\n"
	"       CASE WHEN a.n = 1 THEN a.mean ELSE a.mean + q.t * a.sd / sqrt(a.n) END AS ci_high,\n"
	"       a.n AS n, a.unit AS unit, a.level AS level, a.study AS study\n"
	"FROM (SELECT study, figure, series, x, metric, mu AS mean, n, sd, unit, level\n"
	"      FROM (SELECT study, figure, series, x, metric, mu,\n"
	"                   count(*) OVER w AS n,\n"
	"                   sqrt(sum((value - mu) * (value - mu)) OVER w\n"
	"                        / max(count(*) OVER w - 1, 1)) AS sd,\n"
	"                   max(unit) OVER w AS unit,\n"
	"                   max(level) OVER w AS level,\n"
	"                   row_number() OVER w AS rn\n"
	"            FROM (SELECT r.study AS study, r.figure AS figure, r.series AS series, r.x AS x,\n"
	"                         r.scenario AS scenario, r.point_key AS point_key,\n"
	"                         r.replication AS replication, r.level AS level,\n"
	"                         m.name AS metric, m.unit AS unit, m.value AS value,\n"
	"                         avg(m.value) OVER (PARTITION BY r.study, r.figure, r.series, r.x, m.name\n"
	"                             ORDER BY r.scenario, r.point_key, r.replication\n"
	"                             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS mu\n"
	"                  FROM runs AS r JOIN metrics AS m ON m.run_id = r.id\n"
	"                  WHERE r.status = 'done' AND m.value IS NOT NULL)\n"
	"            WINDOW w AS (PARTITION BY study, figure, series, x, metric\n"
	"                ORDER BY scenario, point_key, replication\n"
	"                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))\n"
	"      WHERE rn = 1) AS a\n"
	"LEFT JOIN tquantile AS q\n"
	"  ON q.df = min(a.n - 1, " XSTR(SS_DB_TQ_MAXDF) ") AND q.level = a.level;\n"
	/* The bottleneck of a point: the resource named most often over its
	   finished replications (a named one wins a tie against "none", then
	   the alphabetically first, so the answer is deterministic), with
	   its mean utilisation over the runs that named it. */
	"CREATE VIEW point_bottleneck AS\n"
	"SELECT figure, series, x, bottleneck, runs AS n_bottleneck,\n"
	"       total AS n_runs, util\n"
	"FROM (SELECT figure, series, x, bottleneck, count(*) AS runs,\n"
	"             avg(bottleneck_util) AS util,\n"
	"             sum(count(*)) OVER (PARTITION BY figure, series, x) AS total,\n"
	"             row_number() OVER (PARTITION BY figure, series, x\n"
	"                 ORDER BY count(*) DESC, bottleneck = '', bottleneck) AS rank\n"
	"      FROM runs WHERE status = 'done'\n"
	"      GROUP BY figure, series, x, bottleneck)\n"
	"WHERE rank = 1;\n";

int ss__db_status(int sqlite_rc)
{
	switch (sqlite_rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return SS_OK;
	case SQLITE_NOMEM:
		return SS_ENOMEM;
	case SQLITE_READONLY:
		return SS_EREADONLY;
	case SQLITE_NOTADB:
		return SS_ENOTSECSIM;
	case SQLITE_CONSTRAINT:
		return SS_EINVAL;
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
		return SS_EIO;
	default:
		return SS_EDB;
	}
}

int ss__db_fail(ss_db *db, int rc, const char *what, char *err, size_t errlen)
{
	const char *detail = db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);

	/* A full disk is the one failure a user fixes outside secsim, and
	   what was committed before it is intact. */
	if ((rc & 0xff) == SQLITE_FULL)
		ss_errbuf(db->msg, sizeof db->msg,
			  "%s: %s: the disk is full (%s); the runs finished before are kept:"
			  " free some space and rerun to complete", db->path, what, detail);
	else
		ss_errbuf(db->msg, sizeof db->msg, "%s: %s: %s", db->path, what, detail);
	ss_errbuf(err, errlen, "%s", db->msg);
	return ss__db_status(rc);
}

/* Sets the message for a failure that is not SQLite's. */
static int db_error(ss_db *db, int status, char *err, size_t errlen, const char *fmt, ...)
	SS_PRINTF(5, 6);

static int db_error(ss_db *db, int status, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int off;

	off = snprintf(db->msg, sizeof db->msg, "%s: ", db->path);
	if (off < 0 || (size_t)off >= sizeof db->msg)
		off = 0;
	va_start(ap, fmt);
	vsnprintf(db->msg + off, sizeof db->msg - (size_t)off, fmt, ap);
	va_end(ap);
	ss_errbuf(err, errlen, "%s", db->msg);
	return status;
}

int ss__db_exec(ss_db *db, const char *sql, char *err, size_t errlen)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return ss__db_fail(db, rc, "SQL failed", err, errlen);
	return SS_OK;
}

void ss__db_rollback(ss_db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* Prepares *st on first use; afterwards only resets it. */
static int db_stmt(ss_db *db, sqlite3_stmt **st, const char *sql, char *err, size_t errlen)
{
	int rc;

	if (*st) {
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
		return SS_OK;
	}
	rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	if (rc != SQLITE_OK)
		return ss__db_fail(db, rc, "cannot prepare statement", err, errlen);
	return SS_OK;
}

/* sqlite3_bind_text with a NULL pointer binds SQL NULL; the schema wants
   text, so absent optional strings become "". */
static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

/* Stores t_{(1+level)/2, df} for df = 1..SS_DB_TQ_MAXDF beside the other
   levels' (points made at those keep them) and records the level in meta
   as the one new runs get. Call inside a write transaction. */
static int fill_tquantile(ss_db *db, double level, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, df;

	rc = sqlite3_prepare_v2(db->h,
					"INSERT INTO meta(key, value) VALUES ('level', ?1)"
					" ON CONFLICT(key) DO UPDATE SET value = excluded.value",
					-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_double(st, 1, level);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		st = NULL;
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db->h, "INSERT OR REPLACE INTO tquantile(level, df, t) VALUES (?1, ?2, ?3)",
					-1, &st, NULL);
	for (df = 1; rc == SQLITE_OK && df <= SS_DB_TQ_MAXDF; df++) {
		sqlite3_bind_double(st, 1, level);
		sqlite3_bind_int(st, 2, df);
		sqlite3_bind_double(st, 3, ss_t_quantile(level, (unsigned)df));
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			rc = sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return ss__db_fail(db, rc, "cannot store t quantiles", err, errlen);
	return SS_OK;
}

/* Number of schema objects; SQLITE_NOTADB here means the file is not
   SQLite at all (SQLite reads the header lazily, on the first query). */
static int count_objects(ss_db *db, int *count, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->h, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*count = sqlite3_column_int(st, 0);
			rc = SQLITE_OK;
		}
		sqlite3_finalize(st);
	}
	if ((rc & 0xff) == SQLITE_NOTADB)
		return db_error(db, SS_ENOTSECSIM, err, errlen,
				"not an SQLite database, so not a secsim results store; refusing to touch it");
	if (rc != SQLITE_OK)
		return ss__db_fail(db, rc, "cannot read the database", err, errlen);
	return SS_OK;
}

/* Switches the file to WAL. SQLite does not call the busy handler for a
   journal mode change, so while another process opens or closes the
   same file the switch can fail at once with "database is locked"; it is
   retried here for up to the busy timeout. */
static int set_wal(ss_db *db, char *err, size_t errlen)
{
	const struct timespec pause = {0, 5 * 1000 * 1000};
	int rc = SQLITE_OK;

	for (int waited = 0; waited <= BUSY_TIMEOUT_MS; waited += 5) {
		rc = sqlite3_exec(db->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		nanosleep(&pause, NULL);
	}
	if (rc != SQLITE_OK)
		return ss__db_fail(db, rc, "cannot switch to WAL", err, errlen);
	return SS_OK;
}

/* Creates the schema in a new, empty file. Two processes may race to
   create one store: the loser finds the objects already there once it
   holds the write lock, and goes on to verify them instead. */
static int create_schema(ss_db *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	/* journal_mode cannot change inside a transaction, so WAL is set
	   first; on an empty file this touches nothing that could belong to
	   someone else. */
	rc = set_wal(db, err, errlen);
	if (rc == SS_OK)
		rc = ss__db_exec(db, "BEGIN IMMEDIATE", err, errlen);
	if (rc != SS_OK)
		return rc;
	rc = count_objects(db, &n, err, errlen);
	if (rc == SS_OK && n == 0) {
		rc = ss__db_exec(db, schema_tables_sql, err, errlen);
		if (rc == SS_OK)
			rc = ss__db_exec(db, schema_views_sql, err, errlen);
		if (rc == SS_OK) {
			int src = sqlite3_prepare_v2(db->h,
						     "INSERT INTO meta(key, value) VALUES"
						     " ('schema', ?1), ('schema_version', ?2)",
						     -1, &st, NULL);
			if (src == SQLITE_OK) {
				sqlite3_bind_text(st, 1, SS_DB_SCHEMA, -1, SQLITE_STATIC);
				sqlite3_bind_int(st, 2, SS_DB_SCHEMA_VERSION);
				src = sqlite3_step(st);
				sqlite3_finalize(st);
			}
			if (src != SQLITE_DONE)
				rc = ss__db_fail(db, src, "cannot write meta", err, errlen);
		}
		if (rc == SS_OK)
			rc = fill_tquantile(db, SS_DB_DEFAULT_LEVEL, err, errlen);
	}
	if (rc == SS_OK)
		rc = ss__db_exec(db, "COMMIT", err, errlen);
	if (rc != SS_OK)
		ss__db_rollback(db);
	return rc;
}

/* Brings a version 1 store to version 2 in one transaction: runs gains
   the series key, the level and the provenance columns (a new UNIQUE
   constraint needs a rebuilt table), sweeps is added and the views are
   recreated. Old runs keep the level the store had and an empty
   provenance, which no new sweep matches: they are shown and plotted as
   before but never silently extended by runs made with other settings.
   Foreign keys are not on yet, so dropping the old runs table leaves the
   metrics rows in place for the rebuilt one (same ids). */
static int migrate_v1(ss_db *db, char *err, size_t errlen)
{
	static const char sql[] =
		"DROP VIEW IF EXISTS points;\n"
		"DROP VIEW IF EXISTS point_bottleneck;\n"
		"DROP INDEX IF EXISTS runs_point;\n"
		RUNS_TABLE_SQL("runs_v2")
		"INSERT INTO runs_v2(id, scenario, figure, series, x, point_key, config, seed,\n"
		"    replication, version, started, finished, sim_seconds, events, status,\n"
		"    bottleneck, bottleneck_util, level)\n"
		"  SELECT id, scenario, figure, series, x, point_key, config, seed,\n"
		"    replication, version, started, finished, sim_seconds, events, status,\n"
		"    bottleneck, bottleneck_util,\n"
		"    coalesce((SELECT value FROM meta WHERE key = 'level'), " XSTR(SS_DB_DEFAULT_LEVEL) ")\n"
		"  FROM runs;\n"
		"DROP TABLE runs;\n"
		"ALTER TABLE runs_v2 RENAME TO runs;\n"
		SWEEPS_TABLE_SQL;
	sqlite3_stmt *st = NULL;
	int rc, version = 0;

	rc = ss__db_exec(db, "BEGIN IMMEDIATE", err, errlen);
	if (rc != SS_OK)
		return rc;
	/* Another process may have migrated while this one waited. */
	if (sqlite3_prepare_v2(db->h, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
			       NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version == 1) {
		rc = ss__db_exec(db, sql, err, errlen);
		if (rc == SS_OK)
			rc = ss__db_exec(db, schema_views_sql, err, errlen);
		if (rc == SS_OK)
			rc = ss__db_exec(db, "UPDATE meta SET value = " XSTR(SS_DB_SCHEMA_VERSION)
					 " WHERE key = 'schema_version'", err, errlen);
	}
	if (rc == SS_OK)
		rc = ss__db_exec(db, "COMMIT", err, errlen);
	if (rc != SS_OK) {
		ss__db_rollback(db);
		return rc;
	}
	db->version = SS_DB_SCHEMA_VERSION;
	return SS_OK;
}

/* Checks that an existing database is a secsim results store this
   version understands, and reads its level. */
static int verify_schema(ss_db *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, have_schema = 0, version = -1;
	char schema[64] = "";

	rc = sqlite3_prepare_v2(db->h, "SELECT key, value FROM meta"
				" WHERE key IN ('schema', 'schema_version', 'level')",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, SS_ENOTSECSIM, err, errlen,
				"an SQLite database but not a secsim results store"
				" (no meta table); refusing to touch it");
	db->level = SS_DB_DEFAULT_LEVEL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		if (!k)
			continue;
		if (strcmp(k, "schema") == 0) {
			const char *v = (const char *)sqlite3_column_text(st, 1);
			snprintf(schema, sizeof schema, "%s", v ? v : "");
			have_schema = 1;
		} else if (strcmp(k, "schema_version") == 0) {
			version = sqlite3_column_int(st, 1);
		} else {
			double l = sqlite3_column_double(st, 1);
			if (l > 0.0 && l < 1.0)
				db->level = l;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ss__db_fail(db, rc, "cannot read meta", err, errlen);
	if (!have_schema || strcmp(schema, SS_DB_SCHEMA) != 0)
		return db_error(db, SS_ENOTSECSIM, err, errlen,
				"an SQLite database but not a secsim results store"
				" (meta.schema is '%s', not '" SS_DB_SCHEMA "'); refusing to touch it",
				schema);
	if (version < 1 || version > SS_DB_SCHEMA_VERSION)
		return db_error(db, SS_ENOTSECSIM, err, errlen,
				"results store schema version %d; this secsim reads version 1 to %d",
				version, SS_DB_SCHEMA_VERSION);
	db->version = version;
	if (version == 1 && !db->readonly)
		return migrate_v1(db, err, errlen);
	return SS_OK;
}

/* Whether the permission bits and access(2) both allow writing. The bits
   are checked too because root passes access(2) on a chmod a-w file, yet
   the user who made it read-only meant it to stay unchanged. */
static int can_write(const char *path, const struct stat *st)
{
	return (st->st_mode & 0222) != 0 && access(path, W_OK) == 0;
}

/* The directory part of path ("." when there is none); malloc'd. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t len;
	char *d;

	if (!slash)
		return strdup(".");
	len = slash == path ? 1 : (size_t)(slash - path);
	d = malloc(len + 1);
	if (d) {
		memcpy(d, path, len);
		d[len] = '\0';
	}
	return d;
}

/* The checks SQLite would otherwise turn into vague or late errors: a
   missing directory, a read-only file (SQLite silently falls back to a
   read-only connection), or a read-only directory (WAL needs to create
   the -wal and -shm files beside the database). */
static int check_path(ss_db *db, int mode, char *err, size_t errlen)
{
	struct stat st, dst;
	char *dir;
	int exists, rc = SS_OK;

	exists = stat(db->path, &st) == 0;
	if (!exists && errno != ENOENT)
		return db_error(db, SS_EIO, err, errlen, "%s", strerror(errno));
	if (exists && S_ISDIR(st.st_mode))
		return db_error(db, SS_EINVAL, err, errlen, "is a directory, not a results database");
	/* A FIFO would block the open and a device would get a -journal
	   file created beside it (/dev/null-journal): neither is a store. */
	if (exists && !S_ISREG(st.st_mode))
		return db_error(db, SS_EINVAL, err, errlen,
				"not a regular file (%s); a results database is a regular file",
				S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
				: S_ISSOCK(st.st_mode) ? "a socket" : "a special file");
	if (mode == SS_DB_READ) {
		if (!exists)
			return db_error(db, SS_ENOENT, err, errlen, "no such results database");
		return SS_OK;
	}
	if (exists && !can_write(db->path, &st))
		return db_error(db, SS_EREADONLY, err, errlen,
				"the file is read-only; open it for reading only, or make it writable");
	dir = dir_of(db->path);
	if (!dir)
		return db_error(db, SS_ENOMEM, err, errlen, "out of memory");
	if (stat(dir, &dst) != 0)
		rc = db_error(db, errno == ENOENT ? SS_ENOENT : SS_EIO, err, errlen,
			      "directory %s: %s", dir, strerror(errno));
	else if (!can_write(dir, &dst))
		rc = db_error(db, SS_EREADONLY, err, errlen,
			      "directory %s is read-only (SQLite must create the -wal and -shm files there)",
			      dir);
	free(dir);
	return rc;
}

int ss_db_open(const char *path, int mode, ss_db **out, char *err, size_t errlen)
{
	ss_db *db;
	int rc, flags, n = 0;

	if (!out)
		return SS_EINVAL;
	*out = NULL;
	if (!path || !*path || (mode != SS_DB_CREATE && mode != SS_DB_READ)) {
		ss_errbuf(err, errlen, "ss_db_open: invalid path or mode");
		return SS_EINVAL;
	}
	db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		ss_errbuf(err, errlen, "%s: out of memory", path);
		return SS_ENOMEM;
	}
	db->readonly = mode == SS_DB_READ;
	db->level = SS_DB_DEFAULT_LEVEL;
	if (!(db->study = strdup(""))) {
		ss_db_close(db);
		ss_errbuf(err, errlen, "%s: out of memory", path);
		return SS_ENOMEM;
	}
	rc = check_path(db, mode, err, errlen);
	if (rc != SS_OK)
		goto fail;

	flags = db->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &db->h, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = ss__db_fail(db, rc, "cannot open", err, errlen);
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	if (!db->readonly && sqlite3_db_readonly(db->h, "main") == 1) {
		rc = db_error(db, SS_EREADONLY, err, errlen, "cannot be opened for writing");
		goto fail;
	}

	rc = count_objects(db, &n, err, errlen);
	if (rc == SS_OK && n == 0) {
		if (db->readonly)
			rc = db_error(db, SS_ENOTSECSIM, err, errlen,
				      "an empty file, not a secsim results store");
		else
			rc = create_schema(db, err, errlen);
	}
	if (rc == SS_OK)
		rc = verify_schema(db, err, errlen);
	if (rc == SS_OK && !db->readonly)
		/* synchronous=NORMAL in WAL: a committed run survives the
		   process being killed; only a power cut may lose the last
		   few, and it never corrupts the file. */
		rc = set_wal(db, err, errlen);
	if (rc == SS_OK && !db->readonly)
		rc = ss__db_exec(db, "PRAGMA synchronous=NORMAL", err, errlen);
	if (rc == SS_OK)
		rc = ss__db_exec(db, "PRAGMA foreign_keys=ON", err, errlen);
	if (rc != SS_OK)
		goto fail;
	db->msg[0] = '\0';
	*out = db;
	return SS_OK;
fail:
	ss_db_close(db);
	return rc;
}

void ss_db_close(ss_db *db)
{
	if (!db)
		return;
	sqlite3_finalize(db->st_clear);
	sqlite3_finalize(db->st_run);
	sqlite3_finalize(db->st_metric);
	sqlite3_finalize(db->st_done);
	sqlite3_finalize(db->st_values);
	sqlite3_finalize(db->st_prov);
	/* The last writer leaves the file in rollback-journal mode, which
	   checkpoints and removes the -wal and -shm files; readers of a file
	   in that mode create none (a read-only connection could not remove
	   them). With other connections open the switch is refused at once
	   (no busy wait) and the last of them does it. */
	if (db->h && !db->readonly) {
		sqlite3_busy_timeout(db->h, 0);
		sqlite3_exec(db->h, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	}
	sqlite3_close_v2(db->h);
	free(db->study);
	free(db->path);
	free(db);
}

sqlite3 *ss_db_handle(ss_db *db)
{
	return db->h;
}

const char *ss_db_errmsg(const ss_db *db)
{
	return db->msg;
}

int ss_db_schema_version(const ss_db *db)
{
	return db->version;
}

double ss_db_level(const ss_db *db)
{
	return db->level;
}

/* Whether tquantile holds every df for `level`. */
static int tquantile_complete(ss_db *db, double level)
{
	sqlite3_stmt *st;
	int ok = 0;

	if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM tquantile WHERE level = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_double(st, 1, level);
	if (sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_int(st, 0) == SS_DB_TQ_MAXDF;
	sqlite3_finalize(st);
	return ok;
}

int ss_db_set_level(ss_db *db, double level)
{
	int rc;

	db->msg[0] = '\0';
	if (!(level > 0.0 && level < 1.0))
		return db_error(db, SS_EINVAL, NULL, 0, "confidence level %g is not in (0, 1)", level);
	/* A sweep sets the level on every start; when it is unchanged and
	   its quantiles are all there, writing nothing keeps a read-only
	   store usable and spares concurrent writers a lock. */
	if (level == db->level && tquantile_complete(db, level))
		return SS_OK;
	if (db->readonly)
		return db_error(db, SS_EREADONLY, NULL, 0, "opened read-only; cannot change the level");
	rc = ss__db_exec(db, "BEGIN IMMEDIATE", NULL, 0);
	if (rc == SS_OK)
		rc = fill_tquantile(db, level, NULL, 0);
	if (rc == SS_OK)
		rc = ss__db_exec(db, "COMMIT", NULL, 0);
	if (rc != SS_OK) {
		ss__db_rollback(db);
		return rc;
	}
	db->level = level;
	return SS_OK;
}

/* Bounded length of a name in a fixed array a caller may have filled by
   hand: never read past the array even without a terminator. */
static int bind_fixed(sqlite3_stmt *st, int i, const char *s, size_t cap)
{
	return sqlite3_bind_text(st, i, s, (int)strnlen(s, cap), SQLITE_TRANSIENT);
}

int ss_db_write_run(ss_db *db, const ss_run_record *r, char *err, size_t errlen)
{
	const ss_metrics *m;
	sqlite3_int64 run_id;
	size_t i;
	int rc, src;

	db->msg[0] = '\0';
	if (!r || !r->scenario || !*r->scenario || !r->point_key || r->replication < 0)
		return db_error(db, SS_EINVAL, err, errlen,
				"run record needs a scenario, a point key and a replication >= 0");
	if (db->readonly)
		return db_error(db, SS_EREADONLY, err, errlen, "opened read-only; cannot record runs");
	if (r->level != 0.0 && !(r->level > 0.0 && r->level < 1.0))
		return db_error(db, SS_EINVAL, err, errlen, "confidence level %g is not in (0, 1)", r->level);
	/* Checked once per level and connection: the rows are never removed. */
	if (r->level != 0.0 && r->level != db->level_ok && !tquantile_complete(db, r->level))
		return db_error(db, SS_EINVAL, err, errlen,
				"confidence level %g has no t quantiles in the store (set it first)", r->level);
	if (r->level != 0.0)
		db->level_ok = r->level;
	m = r->metrics;
	if (m)
		for (i = 0; i < m->n; i++)
			if (m->v[i].name[0] == '\0')
				return db_error(db, SS_EINVAL, err, errlen, "metric %zu has an empty name", i);

	/* IMMEDIATE takes the write lock now, so a busy store makes this
	   wait at the start instead of failing at the first insert. */
	rc = ss__db_exec(db, "BEGIN IMMEDIATE", err, errlen);
	if (rc != SS_OK)
		return rc;

	/* A run under this key that never finished (a status other than
	   'done', from a later version) is replaced; metrics go by cascade. */
	rc = db_stmt(db, &db->st_clear,
		     "DELETE FROM runs WHERE scenario = ?1 AND point_key = ?2"
		     " AND replication = ?3 AND status <> 'done' AND study = ?4",
		     err, errlen);
	if (rc != SS_OK)
		goto fail;
	bind_text(db->st_clear, 1, r->scenario);
	bind_text(db->st_clear, 2, r->point_key);
	sqlite3_bind_int(db->st_clear, 3, r->replication);
	bind_text(db->st_clear, 4, db->study);
	src = sqlite3_step(db->st_clear);
	sqlite3_reset(db->st_clear);
	if (src != SQLITE_DONE) {
		rc = ss__db_fail(db, src, "cannot clear an unfinished run", err, errlen);
		goto fail;
	}

	rc = db_stmt(db, &db->st_run,
		     "INSERT INTO runs(scenario, figure, series, x, point_key, config,"
		     " seed, replication, version, started, finished, sim_seconds,"
		     " events, status, bottleneck, bottleneck_util, study, level, settings,"
		     " settings_hash, inputs, inputs_hash, host)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		     " 'done', ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
		     err, errlen);
	if (rc != SS_OK)
		goto fail;
	bind_text(db->st_run, 1, r->scenario);
	bind_text(db->st_run, 2, r->figure ? r->figure : r->scenario);
	bind_text(db->st_run, 3, r->series);
	sqlite3_bind_double(db->st_run, 4, r->x); /* NaN binds as NULL */
	bind_text(db->st_run, 5, r->point_key);
	bind_text(db->st_run, 6, r->config);
	/* SQLite integers are signed: a seed >= 2^63 keeps its bit pattern
	   and reads back as the same uint64_t after a cast. */
	sqlite3_bind_int64(db->st_run, 7, (sqlite3_int64)r->seed);
	sqlite3_bind_int(db->st_run, 8, r->replication);
	bind_text(db->st_run, 9, r->version);
	sqlite3_bind_double(db->st_run, 10, r->started);
	sqlite3_bind_double(db->st_run, 11, r->finished);
	sqlite3_bind_double(db->st_run, 12, r->sim_seconds);
	sqlite3_bind_int64(db->st_run, 13, (sqlite3_int64)r->events);
	if (m && m->bottleneck[0]) {
		bind_fixed(db->st_run, 14, m->bottleneck, sizeof m->bottleneck);
		sqlite3_bind_double(db->st_run, 15, m->bottleneck_util);
	} else {
		bind_text(db->st_run, 14, "");
		sqlite3_bind_null(db->st_run, 15);
	}
	bind_text(db->st_run, 16, db->study);
	sqlite3_bind_double(db->st_run, 17, r->level > 0.0 && r->level < 1.0 ? r->level : db->level);
	bind_text(db->st_run, 18, r->settings);
	bind_text(db->st_run, 19, r->settings_hash);
	bind_text(db->st_run, 20, r->inputs);
	bind_text(db->st_run, 21, r->inputs_hash);
	bind_text(db->st_run, 22, r->host);
	src = sqlite3_step(db->st_run);
	sqlite3_reset(db->st_run);
	if (src == SQLITE_CONSTRAINT_UNIQUE) {
		rc = db_error(db, SS_EINVAL, err, errlen,
			      "run already recorded: scenario '%s', point '%s', replication %d",
			      r->scenario, r->point_key, r->replication);
		goto fail;
	}
	if (src != SQLITE_DONE) {
		rc = ss__db_fail(db, src, "cannot record the run", err, errlen);
		goto fail;
	}
	run_id = sqlite3_last_insert_rowid(db->h);

	if (m && m->n) {
		rc = db_stmt(db, &db->st_metric,
			     "INSERT INTO metrics(run_id, name, unit, value, pos)"
			     " VALUES (?1, ?2, ?3, ?4, ?5)",
			     err, errlen);
		if (rc != SS_OK)
			goto fail;
	}
	for (i = 0; m && i < m->n; i++) {
		sqlite3_stmt *st = db->st_metric;
		sqlite3_bind_int64(st, 1, run_id);
		bind_fixed(st, 2, m->v[i].name, sizeof m->v[i].name);
		bind_fixed(st, 3, m->v[i].unit, sizeof m->v[i].unit);
		sqlite3_bind_double(st, 4, m->v[i].value);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)i);
		src = sqlite3_step(st);
		sqlite3_reset(st);
		if (src == SQLITE_CONSTRAINT_PRIMARYKEY) {
			rc = db_error(db, SS_EINVAL, err, errlen,
				      "metric '%.*s' appears twice in one run; nothing recorded",
				      (int)strnlen(m->v[i].name, sizeof m->v[i].name), m->v[i].name);
			goto fail;
		}
		if (src != SQLITE_DONE) {
			rc = ss__db_fail(db, src, "cannot record a metric", err, errlen);
			goto fail;
		}
	}
	rc = ss__db_exec(db, "COMMIT", err, errlen);
	if (rc == SS_OK)
		return SS_OK;
fail:
	ss__db_rollback(db);
	return rc;
}

int ss_db_run_done(ss_db *db, const char *scenario, const char *point_key,
		   int replication, int *done)
{
	int rc, src;

	db->msg[0] = '\0';
	if (!done || !scenario || !point_key)
		return db_error(db, SS_EINVAL, NULL, 0, "ss_db_run_done: missing argument");
	*done = 0;
	rc = db_stmt(db, &db->st_done,
		     "SELECT 1 FROM runs WHERE scenario = ?1 AND point_key = ?2"
		     " AND replication = ?3 AND status = 'done' AND study = ?4",
		     NULL, 0);
	if (rc != SS_OK)
		return rc;
	bind_text(db->st_done, 1, scenario);
	bind_text(db->st_done, 2, point_key);
	sqlite3_bind_int(db->st_done, 3, replication);
	bind_text(db->st_done, 4, db->study);
	src = sqlite3_step(db->st_done);
	sqlite3_reset(db->st_done);
	if (src == SQLITE_ROW)
		*done = 1;
	else if (src != SQLITE_DONE)
		return ss__db_fail(db, src, "cannot look up a run", NULL, 0);
	return SS_OK;
}

int ss_db_set_study(ss_db *db, const char *study)
{
	char *d = strdup(study ? study : "");

	if (!d)
		return db_error(db, SS_ENOMEM, NULL, 0, "out of memory");
	free(db->study);
	db->study = d;
	return SS_OK;
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);

	if (cap)
		snprintf(dst, cap, "%s", t ? t : "");
}

int ss_db_provenance_mismatch(ss_db *db, const char *scenario, const char *point_key,
			      const char *settings_hash, const char *inputs_hash,
			      const char *version, size_t *nruns, size_t *nversion,
			      char *old_settings, char *old_inputs, size_t cap)
{
	sqlite3_stmt *st;
	int rc, src;

	db->msg[0] = '\0';
	if (!scenario || !point_key || !settings_hash || !inputs_hash || !nruns || !nversion)
		return db_error(db, SS_EINVAL, NULL, 0, "ss_db_provenance_mismatch: missing argument");
	*nruns = *nversion = 0;
	if (cap) {
		old_settings[0] = '\0';
		old_inputs[0] = '\0';
	}
	/* One row: the counts over the point's finished runs, and the texts
	   of the first (lowest replication) that differs. */
	rc = db_stmt(db, &db->st_prov,
		     "SELECT sum(settings_hash <> ?4 OR inputs_hash <> ?5), sum(version <> ?6),"
		     " (SELECT settings FROM runs WHERE study = ?1 AND scenario = ?2 AND point_key = ?3"
		     "   AND status = 'done' AND (settings_hash <> ?4 OR inputs_hash <> ?5)"
		     "   ORDER BY replication LIMIT 1),"
		     " (SELECT inputs FROM runs WHERE study = ?1 AND scenario = ?2 AND point_key = ?3"
		     "   AND status = 'done' AND (settings_hash <> ?4 OR inputs_hash <> ?5)"
		     "   ORDER BY replication LIMIT 1)"
		     " FROM runs WHERE study = ?1 AND scenario = ?2 AND point_key = ?3 AND status = 'done'",
		     NULL, 0);
	if (rc != SS_OK)
		return rc;
	st = db->st_prov;
	bind_text(st, 1, db->study);
	bind_text(st, 2, scenario);
	bind_text(st, 3, point_key);
	bind_text(st, 4, settings_hash);
	bind_text(st, 5, inputs_hash);
	bind_text(st, 6, version);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*nruns = (size_t)sqlite3_column_int64(st, 0);
		*nversion = (size_t)sqlite3_column_int64(st, 1);
		copy_col(old_settings, cap, st, 2);
		copy_col(old_inputs, cap, st, 3);
		src = SQLITE_DONE;
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return ss__db_fail(db, src, "cannot read the runs' provenance", NULL, 0);
	return SS_OK;
}

/* Whether the sweep registered by (host, pid) is gone: only decidable on
   this host, where a pid that no longer exists (ESRCH) means the process
   died without removing its row (kill -9, power cut). */
static int sweep_is_stale(const char *host, long pid, const char *my_host)
{
	if (strcmp(host, my_host) != 0 || pid <= 0)
		return 0;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int ss_db_sweep_begin(ss_db *db, const char *scenario, const char *host, long pid,
		      char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, src;

	db->msg[0] = '\0';
	if (!scenario || !host)
		return db_error(db, SS_EINVAL, err, errlen, "ss_db_sweep_begin: missing argument");
	if (db->readonly)
		return db_error(db, SS_EREADONLY, err, errlen, "opened read-only; cannot run a sweep");
	/* IMMEDIATE: the check and the insert are one step for every
	   process, so of two sweeps started together exactly one wins. */
	rc = ss__db_exec(db, "BEGIN IMMEDIATE", err, errlen);
	if (rc != SS_OK)
		return rc;
	src = sqlite3_prepare_v2(db->h, "SELECT host, pid, started FROM sweeps WHERE study = ?1 AND scenario = ?2",
				 -1, &st, NULL);
	if (src == SQLITE_OK) {
		bind_text(st, 1, db->study);
		bind_text(st, 2, scenario);
		src = sqlite3_step(st);
	}
	if (src == SQLITE_ROW) {
		char other[256];
		long opid = (long)sqlite3_column_int64(st, 1);
		time_t t0 = (time_t)sqlite3_column_double(st, 2);
		struct tm tm;
		char when[64] = "?";
		copy_col(other, sizeof other, st, 0);
		if (gmtime_r(&t0, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
		if (!(opid == pid && !strcmp(other, host)) && !sweep_is_stale(other, opid, host)) {
			sqlite3_finalize(st);
			ss__db_rollback(db);
			return db_error(db, SS_EBUSY, err, errlen,
					"%s%s%s is being run into this file by pid %ld on host %s since %s;"
					" wait for it to finish (its runs are kept), or use another -o%s",
					scenario, db->study[0] ? " series " : "", db->study, opid, other, when,
					strcmp(other, host) ? " (on another host secsim cannot tell whether it"
							      " is still alive: delete its row from the sweeps"
							      " table once it is gone)" : "");
		}
		src = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (src == SQLITE_DONE)
		src = sqlite3_prepare_v2(db->h,
					 "INSERT OR REPLACE INTO sweeps(study, scenario, host, pid, started)"
					 " VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL);
	if (src == SQLITE_OK) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		bind_text(st, 1, db->study);
		bind_text(st, 2, scenario);
		bind_text(st, 3, host);
		sqlite3_bind_int64(st, 4, pid);
		sqlite3_bind_double(st, 5, (double)ts.tv_sec + ts.tv_nsec * 1e-9);
		src = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE) {
		rc = ss__db_fail(db, src, "cannot register the sweep", err, errlen);
		ss__db_rollback(db);
		return rc;
	}
	return ss__db_exec(db, "COMMIT", err, errlen);
}

int ss_db_sweep_end(ss_db *db, const char *scenario, const char *host, long pid)
{
	sqlite3_stmt *st = NULL;
	int src;

	db->msg[0] = '\0';
	if (!scenario || !host || db->readonly)
		return SS_EINVAL;
	src = sqlite3_prepare_v2(db->h, "DELETE FROM sweeps WHERE study = ?1 AND scenario = ?2"
				 " AND host = ?3 AND pid = ?4", -1, &st, NULL);
	if (src == SQLITE_OK) {
		bind_text(st, 1, db->study);
		bind_text(st, 2, scenario);
		bind_text(st, 3, host);
		sqlite3_bind_int64(st, 4, pid);
		src = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE)
		return ss__db_fail(db, src, "cannot remove the sweep's registration", NULL, 0);
	return SS_OK;
}

int ss_db_point_values(ss_db *db, const char *scenario, const char *point_key,
		       const char *metric, double **vals, size_t *n)
{
	double *v = NULL;
	size_t len = 0, cap = 0;
	int rc, src;
	sqlite3_stmt *st;

	db->msg[0] = '\0';
	if (!vals || !n || !scenario || !point_key || !metric)
		return db_error(db, SS_EINVAL, NULL, 0, "ss_db_point_values: missing argument");
	*vals = NULL;
	*n = 0;
	rc = db_stmt(db, &db->st_values,
		     "SELECT m.value FROM runs AS r JOIN metrics AS m ON m.run_id = r.id"
		     " WHERE r.scenario = ?1 AND r.point_key = ?2 AND r.status = 'done'"
		     " AND m.name = ?3 AND m.value IS NOT NULL AND r.study = ?4 ORDER BY r.replication",
		     NULL, 0);
	if (rc != SS_OK)
		return rc;
	st = db->st_values;
	bind_text(st, 1, scenario);
	bind_text(st, 2, point_key);
	bind_text(st, 3, metric);
	bind_text(st, 4, db->study);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (ss_grow(&v, &cap, len + 1, sizeof *v, 16)) {
			sqlite3_reset(st);
			free(v);
			return db_error(db, SS_ENOMEM, NULL, 0, "out of memory");
		}
		v[len++] = sqlite3_column_double(st, 0);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		free(v);
		return ss__db_fail(db, src, "cannot read metric values", NULL, 0);
	}
	*vals = v;
	*n = len;
	return SS_OK;
}

int ss_db_run_metrics(ss_db *db, const char *scenario, const char *point_key,
		      int replication, ss_metrics *out)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 run_id = 0;
	int rc, src, found = 0, began;

	db->msg[0] = '\0';
	if (!out || !scenario || !point_key)
		return db_error(db, SS_EINVAL, NULL, 0, "ss_db_run_metrics: missing argument");
	ss_metrics_clear(out);
	/* One read transaction, so the run and its metrics are one snapshot
	   even while another process writes. */
	began = sqlite3_get_autocommit(db->h);
	rc = began ? ss__db_exec(db, "BEGIN", NULL, 0) : SS_OK;
	if (rc != SS_OK)
		return rc;
	src = sqlite3_prepare_v2(db->h,
				 "SELECT id, bottleneck, bottleneck_util FROM runs"
				 " WHERE scenario = ?1 AND point_key = ?2 AND replication = ?3"
				 " AND status = 'done' AND study = ?4",
				 -1, &st, NULL);
	if (src == SQLITE_OK) {
		bind_text(st, 1, scenario);
		bind_text(st, 2, point_key);
		sqlite3_bind_int(st, 3, replication);
		bind_text(st, 4, db->study);
		src = sqlite3_step(st);
		if (src == SQLITE_ROW) {
			const char *b = (const char *)sqlite3_column_text(st, 1);
			found = 1;
			run_id = sqlite3_column_int64(st, 0);
			snprintf(out->bottleneck, sizeof out->bottleneck, "%s", b ? b : "");
			out->bottleneck_util = sqlite3_column_double(st, 2);
			src = SQLITE_DONE;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (src == SQLITE_DONE && found)
		src = sqlite3_prepare_v2(db->h,
					 "SELECT name, unit, value FROM metrics"
					 " WHERE run_id = ?1 ORDER BY pos",
					 -1, &st, NULL);
	if (src == SQLITE_OK && st) {
		sqlite3_bind_int64(st, 1, run_id);
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 0);
			const char *unit = (const char *)sqlite3_column_text(st, 1);
			double value = sqlite3_column_type(st, 2) == SQLITE_NULL
					       ? NAN : sqlite3_column_double(st, 2);
			rc = ss_metrics_set(out, name ? name : "", unit, value);
			if (rc != SS_OK) {
				db_error(db, rc, NULL, 0, "cannot hold metric '%s'", name ? name : "");
				break;
			}
		}
		sqlite3_finalize(st);
	}
	if (rc == SS_OK && src != SQLITE_DONE)
		rc = ss__db_fail(db, src, "cannot read a run", NULL, 0);
	if (began)
		sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
	if (rc != SS_OK)
		return rc;
	if (!found)
		return db_error(db, SS_ENOENT, NULL, 0,
				"no finished run: scenario '%s', point '%s', replication %d",
				scenario, point_key, replication);
	return SS_OK;
}

/* ---- ss_db_show: an aligned text table ---- */

enum { SHOW_COLS = 11 };

static const char *const show_head[SHOW_COLS] = {
	"figure", "series", "metric", "x", "mean", "ci_low", "ci_high", "n",
	"unit", "bottleneck", "util"};
/* Numbers are right-aligned so their digits line up. */
static const int show_right[SHOW_COLS] = {0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1};

typedef struct show_table {
	char **cell;   /* rows * SHOW_COLS strings, row-major */
	size_t rows, cap;
	size_t width[SHOW_COLS];
} show_table;

static void show_free(show_table *t)
{
	size_t i;

	for (i = 0; i < t->rows * SHOW_COLS; i++)
		free(t->cell[i]);
	free(t->cell);
}

/* Formats a REAL column with `prec` significant digits, or `prec`
   decimals when fixed; NULL (NaN stored, or no interval) prints "-". */
static void fmt_real(char *buf, size_t len, sqlite3_stmt *st, int col, int prec, int fixed)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		snprintf(buf, len, "-");
	else if (fixed)
		snprintf(buf, len, "%.*f", prec, sqlite3_column_double(st, col));
	else
		snprintf(buf, len, "%.*g", prec, sqlite3_column_double(st, col));
}

/* Fills the bottleneck and util cells of the point the points row `st`
   belongs to, from `bst` (the per-point query in ss_db_show): the
   resource most often the bottleneck, with "k/n" when replications
   disagree, since a split vote says two resources saturate together. */
static int show_bottleneck(sqlite3_stmt *bst, sqlite3_stmt *st, char *name, size_t nlen,
			   char *util, size_t ulen)
{
	int src;

	sqlite3_reset(bst);
	sqlite3_bind_value(bst, 1, sqlite3_column_value(st, 0));
	sqlite3_bind_value(bst, 2, sqlite3_column_value(st, 1));
	sqlite3_bind_value(bst, 3, sqlite3_column_value(st, 3));
	snprintf(name, nlen, "-");
	snprintf(util, ulen, "-");
	src = sqlite3_step(bst);
	if (src == SQLITE_ROW) {
		const char *b = (const char *)sqlite3_column_text(bst, 0);
		int nb = sqlite3_column_int(bst, 1), nr = sqlite3_column_int(bst, 3);
		if (b && *b) {
			if (nb < nr)
				snprintf(name, nlen, "%.40s (%d/%d)", b, nb, nr);
			else
				snprintf(name, nlen, "%.60s", b);
			fmt_real(util, ulen, bst, 2, 3, 1);
		}
		src = SQLITE_DONE;
	}
	sqlite3_reset(bst);
	return src;
}

/* Significant digits for mean and interval: 6, or enough to resolve the
   half-width (at most 12), so that 1000000480 +- 46 does not print as
   1e+09 three times. */
static int show_precision(sqlite3_stmt *st)
{
	double mean = sqlite3_column_double(st, 4);
	double half = 0.5 * (sqlite3_column_double(st, 6) - sqlite3_column_double(st, 5));
	int prec;

	/* A half-width below 1e-10 of the mean is rounding noise in the
	   sums (identical replications), not an interval worth digits. */
	if (!isfinite(mean) || !isfinite(half) || !(half > 1e-10 * fabs(mean)))
		return 6;
	prec = (int)(floor(log10(fabs(mean))) - floor(log10(half))) + 2;
	return prec < 6 ? 6 : prec > 12 ? 12 : prec;
}

/* Appends the row `st` of the points query; the strings are copied. */
static int show_add_row(show_table *t, sqlite3_stmt *st, sqlite3_stmt *bst)
{
	char num[SHOW_COLS][96];
	const char *text[SHOW_COLS];
	size_t c;
	int src, prec;

	if (ss_grow(&t->cell, &t->cap, t->rows + 1, SHOW_COLS * sizeof *t->cell, 64))
		return SS_ENOMEM;
	for (c = 0; c < 3; c++) {
		text[c] = (const char *)sqlite3_column_text(st, (int)c);
		if (!text[c])
			text[c] = "";
	}
	fmt_real(num[3], sizeof num[3], st, 3, 6, 0);
	prec = show_precision(st);
	for (c = 4; c <= 6; c++)
		fmt_real(num[c], sizeof num[c], st, (int)c, prec, 0);
	for (c = 3; c <= 6; c++)
		text[c] = num[c];
	snprintf(num[7], sizeof num[7], "%d", sqlite3_column_int(st, 7));
	text[7] = num[7];
	text[8] = (const char *)sqlite3_column_text(st, 8);
	if (!text[8] || !*text[8])
		text[8] = "-";
	src = show_bottleneck(bst, st, num[9], sizeof num[9], num[10], sizeof num[10]);
	if (src != SQLITE_DONE)
		return SS_EDB;
	text[9] = num[9];
	text[10] = num[10];
	for (c = 0; c < SHOW_COLS; c++) {
		char *s = strdup(text[c]);
		size_t w;
		if (!s) {
			while (c-- > 0)
				free(t->cell[t->rows * SHOW_COLS + c]);
			return SS_ENOMEM;
		}
		t->cell[t->rows * SHOW_COLS + c] = s;
		w = strlen(s);
		if (w > t->width[c])
			t->width[c] = w;
	}
	t->rows++;
	return SS_OK;
}

static void show_line(FILE *out, const show_table *t, const char *const *cells)
{
	size_t c;

	for (c = 0; c < SHOW_COLS; c++) {
		int w = (int)t->width[c];
		const char *sep = c + 1 < SHOW_COLS ? "  " : "\n";
		if (c + 1 == SHOW_COLS && !show_right[c])
			fprintf(out, "%s%s", cells[c], sep); /* no trailing blanks */
		else
			fprintf(out, show_right[c] ? "%*s%s" : "%-*s%s", w, cells[c], sep);
	}
}

/* The figures the store has, for the message when a filter matches
   nothing: "fig03, fig04, ..." (at most what fits in buf). */
static void list_figures(ss_db *db, char *buf, size_t len)
{
	sqlite3_stmt *st = NULL;
	size_t w = 0;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(db->h, "SELECT DISTINCT figure FROM runs WHERE status = 'done' ORDER BY figure",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW && w + 1 < len) {
		int r = snprintf(buf + w, len - w, "%s%s", w ? ", " : "", (const char *)sqlite3_column_text(st, 0));
		if (r < 0 || (size_t)r >= len - w) {
			buf[w] = '\0';
			break;
		}
		w += (size_t)r;
	}
	sqlite3_finalize(st);
}

/* The whole table is built before printing because column widths depend
   on every row. The bottleneck is looked up per row with an indexed query
   instead of joining the point_bottleneck view, which SQLite would
   materialise for every figure and scan once per row. */
int ss_db_show(ss_db *db, FILE *out, const ss_db_filter *filter, char *err, size_t errlen)
{
	static const char *const cols[3] = {"figure", "series", "metric"};
	static const char sql_bottleneck[] =
		"SELECT bottleneck, count(*) AS c, avg(bottleneck_util),"
		"       sum(count(*)) OVER ()"
		" FROM runs WHERE status = 'done' AND figure = ?1 AND series = ?2 AND x IS ?3"
		" GROUP BY bottleneck ORDER BY c DESC, bottleneck = '', bottleneck LIMIT 1";
	const char *pat[3] = {filter ? filter->figure : NULL, filter ? filter->series : NULL,
			      filter ? filter->metric : NULL};
	char sql[512], what[600] = "", figs[400];
	show_table t = {0};
	sqlite3_stmt *st = NULL, *bst = NULL;
	size_t c, r;
	int rc = SS_OK, src = SQLITE_DONE, began, np = 0;

	db->msg[0] = '\0';
	if (!out)
		return db_error(db, SS_EINVAL, err, errlen, "ss_db_show: no output stream");
	/* Only the filters given appear in the WHERE: "?1 IS NULL OR ..."
	   would hide the column from the planner's push-down into the
	   points view's windows. */
	snprintf(sql, sizeof sql, "SELECT figure, series, metric, x, mean, ci_low, ci_high, n, unit FROM points");
	for (c = 0; c < 3; c++)
		if (pat[c]) {
			size_t w = strlen(sql), ww = strlen(what);
			snprintf(sql + w, sizeof sql - w, "%s %s GLOB ?%d", np ? " AND" : " WHERE", cols[c], np + 1);
			snprintf(what + ww, sizeof what - ww, "%s%s '%.150s'", ww ? ", " : " for ", cols[c], pat[c]);
			np++;
		}
	snprintf(sql + strlen(sql), sizeof sql - strlen(sql), " ORDER BY figure, series, metric, x");
	src = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_prepare_v2(db->h, sql_bottleneck, -1, &bst, NULL);
	if (src != SQLITE_OK) {
		sqlite3_finalize(st);
		return ss__db_fail(db, src, "cannot query points", err, errlen);
	}
	for (c = 0, np = 0; c < 3; c++)
		if (pat[c])
			sqlite3_bind_text(st, ++np, pat[c], -1, SQLITE_TRANSIENT);
	for (c = 0; c < SHOW_COLS; c++)
		t.width[c] = strlen(show_head[c]);
	/* One read transaction: points and bottlenecks from one snapshot
	   (unless a sibling module already holds one open). */
	began = sqlite3_get_autocommit(db->h);
	if (began)
		rc = ss__db_exec(db, "BEGIN", err, errlen);
	while (rc == SS_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = show_add_row(&t, st, bst);
	if (rc == SS_EDB)
		rc = ss__db_fail(db, sqlite3_errcode(db->h), "cannot query bottlenecks", err, errlen);
	else if (rc == SS_ENOMEM)
		db_error(db, rc, err, errlen, "out of memory");
	else if (rc == SS_OK && src != SQLITE_DONE)
		rc = ss__db_fail(db, src, "cannot query points", err, errlen);
	sqlite3_finalize(st);
	sqlite3_finalize(bst);
	if (began && !sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
	if (rc == SS_OK && t.rows == 0) {
		list_figures(db, figs, sizeof figs);
		rc = db_error(db, SS_ENOENT, err, errlen, "no finished runs%s%s%s%s", what,
			      figs[0] ? " (figures: " : "", figs, figs[0] ? ")" : "");
	}
	if (rc != SS_OK) {
		show_free(&t);
		return rc;
	}
	show_line(out, &t, show_head);
	for (r = 0; r < t.rows; r++)
		show_line(out, &t, (const char *const *)&t.cell[r * SHOW_COLS]);
	show_free(&t);
	if (fflush(out) != 0 || ferror(out))
		return db_error(db, SS_EIO, err, errlen, "cannot write the table: %s", strerror(errno));
	return SS_OK;
}
