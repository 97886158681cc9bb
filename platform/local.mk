# platform/: hardware components every host is built from: packets,
# links, the I/O bus, NICs, and the host that joins them.
noinst_LIBRARIES += libss_platform.a
libss_platform_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(LIBCONFIG_CFLAGS)
libss_platform_a_SOURCES = \
	platform/ss_packet.h platform/packet.c \
	platform/ss_link.h platform/link.c \
	platform/ss_iobus.h platform/iobus.c \
	platform/ss_nic.h platform/nic.c platform/nicspec.c
# Link order: platform before proto, res, kernel, util; the NIC preset
# loader reads libconfig through crypto/ss_cfgfile, so crypto follows.
SS_PLATFORM_LIBS = libss_platform.a

# NIC presets ship as data: SS_DATADIR "/platform/nics".
EXTRA_DIST += platform/nics

check_PROGRAMS += tests/test_link tests/test_iobus tests/test_nic
TESTS += tests/test_link tests/test_iobus tests/test_nic

tests_test_link_SOURCES = tests/test_link.c tests/ss_test.h
tests_test_link_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_link_LDADD = $(SS_PLATFORM_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)



tests_test_iobus_SOURCES = tests/test_iobus.c tests/ss_test.h
tests_test_iobus_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_iobus_LDADD = $(SS_PLATFORM_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)

tests_test_nic_SOURCES = tests/test_nic.c tests/ss_test.h
tests_test_nic_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_nic_LDADD = $(SS_PLATFORM_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)
