# proto/: protocol layers as registered types with cost programs, the
# stack grammar, protocol cost profiles (proto/profiles/), IPsec and the
# TCP engine.
noinst_LIBRARIES += libss_proto.a
libss_proto_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(LIBCONFIG_CFLAGS)
libss_proto_a_SOURCES =
SS_PROTO_LIBS = libss_proto.a
libss_proto_a_SOURCES += proto/ss_layer.h proto/layer.c proto/ss_prog.h proto/prog.c

# Protocol cost profiles ship as data: SS_DATADIR "/proto/profiles".
EXTRA_DIST += proto/profiles

libss_proto_a_SOURCES += proto/ss_ipsec.h proto/ipsec.c

check_PROGRAMS += tests/test_ipsec
TESTS += tests/test_ipsec
tests_test_ipsec_SOURCES = tests/test_ipsec.c tests/ss_test.h
tests_test_ipsec_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_ipsec_LDADD = $(SS_PROTO_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)
libss_proto_a_SOURCES += proto/ss_tcp.h proto/tcp.c
libss_proto_a_SOURCES += proto/ss_sslrec.h proto/sslrec.c

check_PROGRAMS += tests/test_sslrec
TESTS += tests/test_sslrec
tests_test_sslrec_SOURCES = tests/test_sslrec.c tests/ss_test.h
tests_test_sslrec_CFLAGS = $(AM_CFLAGS)
tests_test_sslrec_LDADD = $(SS_PROTO_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)

check_PROGRAMS += tests/test_tcp
TESTS += tests/test_tcp
tests_test_tcp_SOURCES = tests/test_tcp.c tests/ss_test.h
tests_test_tcp_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_tcp_LDADD = $(SS_PROTO_LIBS) $(SS_PLATFORM_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)

check_PROGRAMS += tests/test_layer tests/test_prog
TESTS += tests/test_layer tests/test_prog
tests_test_layer_SOURCES = tests/test_layer.c tests/ss_test.h
tests_test_layer_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_layer_LDADD = $(SS_PROTO_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)
tests_test_prog_SOURCES = tests/test_prog.c tests/ss_test.h
tests_test_prog_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_prog_LDADD = $(SS_PROTO_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)

libss_proto_a_SOURCES += proto/ss_protoprof.h proto/protoprof.c

check_PROGRAMS += tests/test_protoprof
TESTS += tests/test_protoprof
tests_test_protoprof_SOURCES = tests/test_protoprof.c tests/ss_test.h
tests_test_protoprof_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_test_protoprof_LDADD = $(SS_PROTO_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)
