# crypto/: algorithms through OpenSSL libcrypto, calibration, cost
# profiles and execute mode.  Knows nothing of the event kernel (it only
# uses the header-only ss_time type and the status codes of util/).
noinst_LIBRARIES += libss_crypto.a
libss_crypto_a_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(LIBCONFIG_CFLAGS)
libss_crypto_a_SOURCES = \
	crypto/ss_crypto.h crypto/crypto-internal.h crypto/crypto.c \
	crypto/testkeys.c \
	crypto/ss_exec.h crypto/exec.c \
	crypto/ss_calib.h crypto/calib.c \
	crypto/ss_profile.h crypto/profile.c \
	crypto/ss_cfgfile.h crypto/cfgfile.c \
	crypto/ss_specfile.h crypto/specfile.c
# util/err.c provides ss_errbuf/ss_strerror, so users also link libss_util.a.
SS_CRYPTO_LIBS = libss_crypto.a libss_util.a $(CRYPTO_LIBS) $(LIBCONFIG_LIBS) -lm

# The calibration store (store/calib.c, SQLite) and the `calibrate`
# command live in their own library: crypto/ stays free of SQLite, and
# store/calib.c may not share an archive with crypto/calib.c (ar keys
# members by base name, so one would silently replace the other).
noinst_LIBRARIES += libss_calibrate.a
libss_calibrate_a_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(LIBCONFIG_CFLAGS) $(SQLITE_CFLAGS)
libss_calibrate_a_SOURCES = \
	store/ss_calibdb.h store/calib.c \
	cli/ss_cmd_calibrate.h cli/cmd_calibrate.c
SS_CALIBRATE_OBJS = libss_calibrate.a
SS_CALIBRATE_LIBS = libss_calibrate.a $(SS_CRYPTO_LIBS) $(SQLITE_LIBS)

# Profiles ship as data: SS_DATADIR "/crypto/profiles".
EXTRA_DIST += crypto/profiles

check_PROGRAMS += tests/test_crypto tests/test_aead tests/test_exec tests/test_calib tests/test_profile
TESTS += tests/test_crypto tests/test_aead tests/test_exec tests/test_calib tests/test_profile

tests_test_crypto_SOURCES = tests/test_crypto.c tests/ss_test.h
tests_test_crypto_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_test_crypto_LDADD = $(SS_CRYPTO_LIBS)

tests_test_aead_SOURCES = tests/test_aead.c tests/ss_test.h tests/ss_test_alloc.h
tests_test_aead_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_test_aead_LDADD = $(SS_CRYPTO_LIBS)

tests_test_exec_SOURCES = tests/test_exec.c tests/ss_test.h tests/ss_test_alloc.h
tests_test_exec_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_test_exec_LDADD = $(SS_CRYPTO_LIBS)

tests_test_calib_SOURCES = tests/test_calib.c tests/ss_test.h
tests_test_calib_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(SQLITE_CFLAGS)
tests_test_calib_LDADD = $(SS_CALIBRATE_LIBS)

tests_test_profile_SOURCES = tests/test_profile.c tests/ss_test.h
tests_test_profile_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(LIBCONFIG_CFLAGS) $(SQLITE_CFLAGS)
tests_test_profile_LDADD = $(SS_CALIBRATE_LIBS)

# make bench only: execute-mode overhead, calibration vs `openssl speed`,
# and the MD5 < DES < 3DES ordering checks.
EXTRA_PROGRAMS += bench/bench_crypto
SS_BENCHES += bench/bench_crypto
bench_bench_crypto_SOURCES = bench/bench_crypto.c
bench_bench_crypto_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) -O2
bench_bench_crypto_LDADD = $(SS_CRYPTO_LIBS)
