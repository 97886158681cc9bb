# platform/: hardware components every host is built from: packets,
# links, the I/O bus, NICs, crypto coprocessors, and the host that
# joins them.
noinst_LIBRARIES += libss_platform.a
libss_platform_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(LIBCONFIG_CFLAGS)
libss_platform_a_SOURCES = \
	platform/ss_packet.h platform/packet.c \
	platform/ss_link.h platform/link.c \
	platform/ss_iobus.h platform/iobus.c \
	platform/ss_nic.h platform/nic.c platform/nicspec.c \
	platform/ss_coproc.h platform/coproc.c platform/coprocspec.c \
	platform/ss_cryptofw.h platform/cryptofw.c \
	platform/ss_org.h platform/org.c \
	platform/ss_segment.h platform/segment.c
# Link order: platform before proto, res, kernel, util; the NIC preset
# loader reads libconfig through crypto/ss_cfgfile, so crypto follows.
SS_PLATFORM_LIBS = libss_platform.a

# The host joins those parts with the TCP engine and IPsec of proto/,
# which use the packets above: its own library, linked before proto
# (users before what they use).
noinst_LIBRARIES += libss_host.a
libss_host_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(CRYPTO_CFLAGS) $(LIBCONFIG_CFLAGS)
libss_host_a_SOURCES = platform/ss_nethost.h platform/nethost.c
SS_HOST_LIBS = libss_host.a

# NIC presets ship as data: SS_DATADIR "/platform/nics".
EXTRA_DIST += platform/nics
# Coprocessor presets likewise: SS_DATADIR "/platform/coprocs".
EXTRA_DIST += platform/coprocs
# Protocol organisations likewise: SS_DATADIR "/platform/orgs".
EXTRA_DIST += platform/orgs

check_PROGRAMS += tests/test_link tests/test_iobus tests/test_nic tests/test_coproc tests/test_cryptofw
TESTS += tests/test_link tests/test_iobus tests/test_nic tests/test_coproc tests/test_cryptofw

tests_test_coproc_SOURCES = tests/test_coproc.c tests/ss_test.h
tests_test_coproc_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_coproc_LDADD = $(SS_PLATFORM_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)

tests_test_cryptofw_SOURCES = tests/test_cryptofw.c tests/ss_test.h
tests_test_cryptofw_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_cryptofw_LDADD = $(SS_PLATFORM_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)

tests_test_link_SOURCES = tests/test_link.c tests/ss_test.h
tests_test_link_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_link_LDADD = $(SS_PLATFORM_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)



tests_test_iobus_SOURCES = tests/test_iobus.c tests/ss_test.h
tests_test_iobus_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_iobus_LDADD = $(SS_PLATFORM_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)

tests_test_nic_SOURCES = tests/test_nic.c tests/ss_test.h
tests_test_nic_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_nic_LDADD = $(SS_PLATFORM_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)

# The host against closed forms (it needs the netpair model's pieces:
# the TCP engine, IPsec, the workload; the model itself for some checks).
check_PROGRAMS += tests/test_host
TESTS += tests/test_host
tests_test_host_SOURCES = tests/test_host.c tests/ss_test.h
tests_test_host_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(CRYPTO_CFLAGS)
tests_test_host_LDADD = $(SS_MODELS_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)
