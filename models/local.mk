# models/: parameters, model types and their registry, the replication
# runner, closed-form queueing results, and the models themselves.
noinst_LIBRARIES += libss_models.a
libss_models_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(CRYPTO_CFLAGS) $(LIBCONFIG_CFLAGS)
libss_models_a_SOURCES = \
	models/ss_param.h models/param.c \
	models/ss_model.h models/run.c models/registry.c \
	models/ss_queueing.h models/queueing.c \
	models/queue.c models/closed.c models/amdahl.c \
	models/ss_mpstack.h models/mpstack.c \
	models/netpair.c models/cryptohost.c models/sslcluster.c models/sslrelay.c
# Models build protocol cost programs from proto/ layers, charge crypto
# costs and run execute mode: they use proto/ and crypto/; netpair drives
# hosts (platform/nethost) with a workload.
SS_MODELS_LIBS = libss_models.a $(SS_WORKLOADS_LIBS) $(SS_HOST_LIBS) $(SS_PROTO_LIBS) $(SS_PLATFORM_LIBS) \
	$(SS_CRYPTO_LIBS)

# netpair through the command line: a tiny scenario, --set, refusals.
TESTS += tests/test_netpair.sh
EXTRA_DIST += tests/test_netpair.sh tests/data/netpair_tiny.cfg tests/data/netpair_modern.cfg
