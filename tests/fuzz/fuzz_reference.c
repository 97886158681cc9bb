/* Fuzz target: the bytes are a papers' reference CSV (the files in reference/),
   loaded into a results store. One store serves the whole run: loading
   the same file name again replaces its rows, so the store stays small. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "ss_db.h"

static ss_db *db; /* opened once: a new store per input is slow */

static void close_db(void)
{
	ss_db_close(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024], dbpath[4096];
	if (!db) {
		snprintf(dbpath, sizeof dbpath, "%s/fuzz.db", ss_fuzz_dir());
		if (ss_db_open(dbpath, SS_DB_CREATE, &db, err, sizeof err) != 0) {
			fprintf(stderr, "%s\n", err);
			abort();
		}
		atexit(close_db); /* before the directory goes (atexit is LIFO) */
	}
	const char *path = ss_fuzz_file("fuzz.csv", data, size);
	if (!path)
		abort();
	ss_db_load_reference(db, path, err, sizeof err);
	return 0;
}
