/* Calibration store: SQLite schema, one-transaction writes, latest read.
   Every value goes through a bound parameter, never into SQL text. */
#include "ss_calibdb.h"
#include "ss_err.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS calibration_hosts ("
	"  id INTEGER PRIMARY KEY,"
	"  created_at TEXT NOT NULL,"      /* ISO 8601 UTC */
	"  cpu_model TEXT NOT NULL,"
	"  clock_mhz REAL,"                /* NULL when unknown */
	"  cores INTEGER NOT NULL,"
	"  openssl_version TEXT NOT NULL,"
	"  quick INTEGER NOT NULL"         /* 1: a --quick calibration */
	");"
	"CREATE TABLE IF NOT EXISTS calibration ("
	"  host_id INTEGER NOT NULL REFERENCES calibration_hosts(id)"
	"    ON DELETE CASCADE,"
	"  algorithm TEXT NOT NULL,"       /* registry name, e.g. 3des-cbc */
	"  bytes INTEGER NOT NULL,"        /* input bytes per call */
	"  reps INTEGER NOT NULL,"
	"  median_ns REAL NOT NULL,"       /* ns per call */
	"  min_ns REAL NOT NULL,"
	"  max_ns REAL NOT NULL,"
	"  q1_ns REAL NOT NULL,"
	"  q3_ns REAL NOT NULL,"
	"  PRIMARY KEY (host_id, algorithm, bytes)"
	");";

static int db_fail(sqlite3 *db, char *err, size_t errlen, const char *what)
{
	ss_errbuf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
	return SS_EDB;
}

int ss_calibdb_init(sqlite3 *db, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		ss_errbuf(err, errlen, "creating calibration tables: %s",
			  msg ? msg : "unknown error");
		sqlite3_free(msg);
		return SS_EDB;
	}
	return SS_OK;
}

int ss_calibdb_open(const char *path, sqlite3 **db, char *err, size_t errlen)
{
	int rc;
	*db = NULL;
	if (!path || !*path) {
		ss_errbuf(err, errlen, "no database path given");
		return SS_EINVAL;
	}
	/* As for the results store: a FIFO would block the open and a
	   device would get a -journal file created beside it. */
	struct stat sb;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		ss_errbuf(err, errlen, "%s: not a regular file; a calibration database is a regular file", path);
		return SS_EINVAL;
	}
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		ss_errbuf(err, errlen, "%s: %s", path,
			  *db ? sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		*db = NULL;
		return SS_EDB;
	}
	sqlite3_busy_timeout(*db, 5000);
	if ((rc = ss_calibdb_init(*db, err, errlen)) != SS_OK) {
		sqlite3_close(*db);
		*db = NULL;
	}
	return rc;
}

int ss_calibdb_store(sqlite3 *db, const ss_calib *cal, int64_t *host_id,
		     char *err, size_t errlen)
{
	const ss_calib_host *h = ss_calib_host_get(cal);
	sqlite3_stmt *st = NULL;
	int rc = SS_EDB;
	int64_t id;

	if (ss_calibdb_init(db, err, errlen) != SS_OK)
		return SS_EDB;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, err, errlen, "starting a transaction");

	if (sqlite3_prepare_v2(db,
			       "INSERT INTO calibration_hosts (created_at, "
			       "cpu_model, clock_mhz, cores, openssl_version, "
			       "quick) VALUES (?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, err, errlen, "preparing the host row");
		goto rollback;
	}
	sqlite3_bind_text(st, 1, h->date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, h->cpu_model, -1, SQLITE_TRANSIENT);
	if (h->clock_mhz > 0)
		sqlite3_bind_double(st, 3, h->clock_mhz);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int(st, 4, h->cores);
	sqlite3_bind_text(st, 5, h->openssl_version, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, h->quick);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(db, err, errlen, "writing the host row");
		goto rollback;
	}
	sqlite3_finalize(st);
	st = NULL;
	id = sqlite3_last_insert_rowid(db);

	if (sqlite3_prepare_v2(db,
			       "INSERT INTO calibration (host_id, algorithm, "
			       "bytes, reps, median_ns, min_ns, max_ns, q1_ns, "
			       "q3_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, err, errlen, "preparing the timing rows");
		goto rollback;
	}
	for (size_t i = 0; i < ss_calib_count(cal); i++) {
		const ss_calib_entry *e = ss_calib_entry_at(cal, i);
		for (size_t k = 0; k < e->npoints; k++) {
			const ss_calib_stats *s = &e->ns[k];
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_text(st, 2, e->alg->name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, (sqlite3_int64)e->bytes[k]);
			sqlite3_bind_int64(st, 4, (sqlite3_int64)s->n);
			sqlite3_bind_double(st, 5, s->median);
			sqlite3_bind_double(st, 6, s->min);
			sqlite3_bind_double(st, 7, s->max);
			sqlite3_bind_double(st, 8, s->q1);
			sqlite3_bind_double(st, 9, s->q3);
			if (sqlite3_step(st) != SQLITE_DONE) {
				db_fail(db, err, errlen, "writing a timing row");
				goto rollback;
			}
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(db, err, errlen, "committing the calibration");
		goto rollback;
	}
	if (host_id)
		*host_id = id;
	return SS_OK;
rollback:
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void column_text(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

int ss_calibdb_load_latest(sqlite3 *db, ss_calib **out, char *err,
			   size_t errlen)
{
	sqlite3_stmt *st = NULL;
	ss_calib *cal = NULL;
	int rc = SS_EDB, step;
	int64_t id;

	*out = NULL;
	if (ss_calibdb_init(db, err, errlen) != SS_OK)
		return SS_EDB;
	if (sqlite3_prepare_v2(db,
			       "SELECT id, created_at, cpu_model, clock_mhz, "
			       "cores, openssl_version, quick FROM "
			       "calibration_hosts ORDER BY id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, errlen, "reading calibration hosts");
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		sqlite3_finalize(st);
		ss_errbuf(err, errlen, "no calibration stored yet "
			  "(run: secsim calibrate)");
		return SS_ENOENT;
	}
	if (step != SQLITE_ROW) {
		db_fail(db, err, errlen, "reading calibration hosts");
		goto done;
	}
	if (ss_calib_alloc(&cal) != SS_OK) {
		ss_errbuf(err, errlen, "out of memory");
		rc = SS_ENOMEM;
		goto done;
	}
	ss_calib_host *h = ss_calib_host_info(cal);
	id = sqlite3_column_int64(st, 0);
	column_text(st, 1, h->date, sizeof h->date);
	column_text(st, 2, h->cpu_model, sizeof h->cpu_model);
	h->clock_mhz = sqlite3_column_type(st, 3) == SQLITE_NULL
			       ? 0
			       : sqlite3_column_double(st, 3);
	h->cores = sqlite3_column_int(st, 4);
	column_text(st, 5, h->openssl_version, sizeof h->openssl_version);
	h->quick = sqlite3_column_int(st, 6);
	sqlite3_finalize(st);
	st = NULL;

	if (sqlite3_prepare_v2(db,
			       "SELECT algorithm, bytes, reps, median_ns, "
			       "min_ns, max_ns, q1_ns, q3_ns FROM calibration "
			       "WHERE host_id = ? ORDER BY algorithm, bytes",
			       -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, err, errlen, "reading calibration rows");
		goto done;
	}
	sqlite3_bind_int64(st, 1, id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char alg[64];
		ss_calib_stats s;
		column_text(st, 0, alg, sizeof alg);
		if (ss_crypto_alg_find(alg, NULL, NULL, 0) != SS_OK)
			continue; /* written by a newer secsim: unusable here */
		sqlite3_int64 bytes = sqlite3_column_int64(st, 1);
		sqlite3_int64 reps = sqlite3_column_int64(st, 2);
		s.median = sqlite3_column_double(st, 3);
		s.min = sqlite3_column_double(st, 4);
		s.max = sqlite3_column_double(st, 5);
		s.q1 = sqlite3_column_double(st, 6);
		s.q3 = sqlite3_column_double(st, 7);
		if (bytes < 0 || reps < 1) {
			ss_errbuf(err, errlen, "calibration %lld, %s: bad row "
				  "(bytes %lld, reps %lld)", (long long)id, alg,
				  (long long)bytes, (long long)reps);
			goto done;
		}
		s.n = (size_t)reps;
		char why[256];
		if ((rc = ss_calib_add(cal, alg, (size_t)bytes, &s, why,
				       sizeof why)) != SS_OK) {
			ss_errbuf(err, errlen, "calibration %lld: %s",
				  (long long)id, why);
			rc = SS_EDB;
			goto done;
		}
		rc = SS_EDB;
	}
	if (step != SQLITE_DONE) {
		db_fail(db, err, errlen, "reading calibration rows");
		goto done;
	}
	if (ss_calib_count(cal) == 0) {
		ss_errbuf(err, errlen, "calibration %lld holds no usable rows",
			  (long long)id);
		rc = SS_ENOENT;
		goto done;
	}
	rc = ss_calib_finish(cal, err, errlen);
done:
	sqlite3_finalize(st);
	if (rc == SS_OK)
		*out = cal;
	else
		ss_calib_free(cal);
	return rc;
}
