/* Claim verdicts in a results store (ss_claimsdb.h). Every value is a
   bound parameter. */
#include "ss_claimsdb.h"
#include "ss_db.h"
#include "ss_err.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS claim_checks(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  study TEXT NOT NULL,\n"
	"  checked_at TEXT NOT NULL,\n" /* ISO 8601 UTC */
	"  version TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS claims(\n"
	"  check_id INTEGER NOT NULL REFERENCES claim_checks(id) ON DELETE CASCADE,\n"
	"  pos INTEGER NOT NULL,\n" /* order printed */
	"  claim TEXT NOT NULL,\n"
	"  verdict TEXT NOT NULL CHECK (verdict IN ('PASS','FAIL','XFAIL','XPASS','INPUT','INFO')),\n"
	"  text TEXT NOT NULL,\n"
	"  known TEXT,\n"
	"  PRIMARY KEY (check_id, pos)) WITHOUT ROWID;\n";

static int valid_verdict(const char *v)
{
	static const char *const ok[] = {"PASS", "FAIL", "XFAIL", "XPASS", "INPUT", "INFO"};
	for (size_t i = 0; v && i < sizeof ok / sizeof ok[0]; i++)
		if (!strcmp(v, ok[i]))
			return 1;
	return 0;
}

int ss_claimsdb_store(struct ss_db *db, const char *study, const char *version, time_t when,
		      const ss_claimsdb_row *rows, size_t n, int64_t *check_id, char *err, size_t errlen)
{
	if (!db || !study || !*study || (n && !rows)) {
		ss_errbuf(err, errlen, "storing claims: no store or no study");
		return SS_EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (!rows[i].claim || !*rows[i].claim || !rows[i].text || !valid_verdict(rows[i].verdict)) {
			ss_errbuf(err, errlen, "storing claims: verdict %zu (%s) has no claim, no text or an unknown "
					       "verdict '%s'", i + 1, rows[i].claim ? rows[i].claim : "?",
				  rows[i].verdict ? rows[i].verdict : "");
			return SS_EINVAL;
		}
	sqlite3 *h = ss_db_handle(db);
	if (sqlite3_db_readonly(h, "main") == 1) {
		ss_errbuf(err, errlen, "storing claims: the store is open read-only");
		return SS_EREADONLY;
	}
	char stamp[32];
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&when, &tm));
	sqlite3_stmt *ck = NULL, *cl = NULL;
	int ok = sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
	int began = ok;
	ok = ok && sqlite3_exec(h, schema, NULL, NULL, NULL) == SQLITE_OK;
	ok = ok && sqlite3_prepare_v2(h, "INSERT INTO claim_checks(study, checked_at, version) VALUES (?1, ?2, ?3)", -1,
				      &ck, NULL) == SQLITE_OK;
	ok = ok && sqlite3_prepare_v2(h, "INSERT INTO claims(check_id, pos, claim, verdict, text, known) "
					 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &cl, NULL) == SQLITE_OK;
	sqlite3_int64 id = 0;
	if (ok) {
		sqlite3_bind_text(ck, 1, study, -1, SQLITE_STATIC);
		sqlite3_bind_text(ck, 2, stamp, -1, SQLITE_STATIC);
		sqlite3_bind_text(ck, 3, version ? version : "", -1, SQLITE_STATIC);
		ok = sqlite3_step(ck) == SQLITE_DONE;
		id = sqlite3_last_insert_rowid(h);
	}
	for (size_t i = 0; ok && i < n; i++) {
		sqlite3_reset(cl);
		sqlite3_bind_int64(cl, 1, id);
		sqlite3_bind_int64(cl, 2, (sqlite3_int64)i);
		sqlite3_bind_text(cl, 3, rows[i].claim, -1, SQLITE_STATIC);
		sqlite3_bind_text(cl, 4, rows[i].verdict, -1, SQLITE_STATIC);
		sqlite3_bind_text(cl, 5, rows[i].text, -1, SQLITE_STATIC);
		if (rows[i].known)
			sqlite3_bind_text(cl, 6, rows[i].known, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(cl, 6);
		ok = sqlite3_step(cl) == SQLITE_DONE;
	}
	if (!ok)
		ss_errbuf(err, errlen, "storing claims: %s", sqlite3_errmsg(h));
	sqlite3_finalize(ck);
	sqlite3_finalize(cl);
	if (ok && sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		ss_errbuf(err, errlen, "storing claims: %s", sqlite3_errmsg(h));
		ok = 0;
	}
	if (!ok) {
		if (began)
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		return SS_EDB;
	}
	if (check_id)
		*check_id = id;
	return SS_OK;
}
