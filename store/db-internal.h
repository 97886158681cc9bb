/* Internals of the results store shared by db.c and reference.c; never
   included outside store/. */
#ifndef SS_DB_INTERNAL_H
#define SS_DB_INTERNAL_H

#include <stddef.h>

#include <sqlite3.h>

#include "ss_db.h"
#include "ss_err.h"

struct ss_db {
	sqlite3 *h;          /* the connection */
	char *path;          /* as given to ss_db_open, for messages */
	int readonly;        /* opened with SS_DB_READ */
	double level;        /* confidence level of new runs (meta.level) */
	double level_ok;     /* a level whose t quantiles are known to be stored */
	int version;         /* schema version of the file */
	char *study;         /* series key of the runs read and written */
	char msg[512];       /* detail of the last failure (ss_db_errmsg) */
	/* Statements of the per-run hot path, prepared on first use and kept
	   for the life of the connection: a sweep writes and queries once per
	   run, and re-parsing the SQL each time would dominate small runs. */
	sqlite3_stmt *st_clear;   /* delete a non-done run under a key */
	sqlite3_stmt *st_run;     /* insert a run */
	sqlite3_stmt *st_metric;  /* insert one metric */
	sqlite3_stmt *st_done;    /* is a run done */
	sqlite3_stmt *st_values;  /* one metric over a point's runs */
	sqlite3_stmt *st_prov;    /* runs of a point with other provenance */
};

/* Maps an SQLite result code to a status. */
int ss__db_status(int sqlite_rc);

/* Records "path: what: sqlite's message" in db->msg and err (either may be
   NULL/0) and returns the status mapped from rc. */
int ss__db_fail(ss_db *db, int rc, const char *what, char *err, size_t errlen);

/* Runs SQL without parameters (transaction control, DDL). */
int ss__db_exec(ss_db *db, const char *sql, char *err, size_t errlen);

/* Rolls back an open transaction, keeping the first error's message. */
void ss__db_rollback(ss_db *db);

#endif
