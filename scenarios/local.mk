# scenarios/: the scenario-file loader and the scenario files themselves.
noinst_LIBRARIES += libss_scen.a
libss_scen_a_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(GSL_CFLAGS) $(CRYPTO_CFLAGS)
libss_scen_a_SOURCES = scenarios/ss_scenario.h scenarios/scenario.c scenarios/ss_host.h scenarios/host.c \
	scenarios/ss_provenance.h scenarios/provenance.c
SS_SCEN_LIBS = libss_scen.a $(LIBCONFIG_LIBS) $(CRYPTO_LIBS)
EXTRA_DIST += scenarios
# Host profiles ship as data: SS_DATADIR "/hosts".
EXTRA_DIST += hosts
