/* Calibration store: host calibrations in SQLite (tables
   calibration_hosts and calibration), written in one transaction and
   read back latest-first. */
#ifndef SS_CALIBDB_H
#define SS_CALIBDB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ss_calib.h"

/* Default database of `secsim calibrate`, relative to the working dir. */
#define SS_CALIBDB_DEFAULT "results/calibration.db"

/* Open (creating if needed) the database at path, with a busy timeout so
   a concurrent writer waits instead of failing, and create the tables.
   SS_EDB with SQLite's message on failure; *db is NULL then. */
int ss_calibdb_open(const char *path, sqlite3 **db, char *err, size_t errlen);

/* Create the two tables if missing (idempotent); any handle will do. */
int ss_calibdb_init(sqlite3 *db, char *err, size_t errlen);

/* Store one calibration (host row + one row per algorithm and size) in
   one transaction: all or nothing.  *host_id (may be NULL) gets the new
   calibration_hosts id. */
int ss_calibdb_store(sqlite3 *db, const ss_calib *cal, int64_t *host_id,
		     char *err, size_t errlen);

/* Read the latest calibration (highest id) and recompute its fits.
   SS_ENOENT if the database holds none.  Rows naming algorithms this
   build does not know (a newer secsim wrote them) are skipped. */
int ss_calibdb_load_latest(sqlite3 *db, ss_calib **out, char *err,
			   size_t errlen);

#endif
