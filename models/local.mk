# models/: parameters, model types and their registry, the replication
# runner, closed-form queueing results, and the models themselves.
noinst_LIBRARIES += libss_models.a
libss_models_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(CRYPTO_CFLAGS)
libss_models_a_SOURCES = \
	models/ss_param.h models/param.c \
	models/ss_model.h models/run.c models/registry.c \
	models/ss_queueing.h models/queueing.c \
	models/queue.c models/closed.c models/amdahl.c \
	models/ss_mpstack.h models/mpstack.c
# Models build protocol cost programs from proto/ layers, charge crypto
# costs and run execute mode: they use proto/ and crypto/.
SS_MODELS_LIBS = libss_models.a $(SS_PROTO_LIBS) $(SS_CRYPTO_LIBS)
