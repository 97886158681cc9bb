# store/: the SQLite results store (runs, metrics, the points view with
# t intervals, the papers' reference numbers).  Uses kernel/ for t quantiles
# and the metrics set, so users link kernel/ and util/ after it.
# The calibration store (store/calib.c, store/ss_calibdb.h) is built
# into libss_calibrate.a by crypto/local.mk, not here.
noinst_LIBRARIES += libss_results.a
libss_results_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(GSL_CFLAGS)
libss_results_a_SOURCES = \
	store/ss_db.h store/db-internal.h store/db.c \
	store/reference.c store/ss_claimsdb.h store/claimsdb.c
SS_RESULTS_LIBS = libss_results.a $(SQLITE_LIBS)

# Statistics of kernel/ (stats.c, metrics.c) and the results store.
check_PROGRAMS += tests/test_stats tests/test_db
TESTS += tests/test_stats tests/test_db

tests_test_stats_SOURCES = tests/test_stats.c tests/ss_test.h
tests_test_stats_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_stats_LDADD = $(SS_SIM_LIBS)

tests_test_db_SOURCES = tests/test_db.c tests/ss_test.h
tests_test_db_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(GSL_CFLAGS)
tests_test_db_LDADD = libss_results.a libss_kernel.a libss_util.a $(SQLITE_LIBS) $(GSL_LIBS)
