# sim/: the event kernel (time, events, RNG streams, statistics, resources).
noinst_LIBRARIES += libss_sim.a
libss_sim_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
libss_sim_a_SOURCES = \
	sim/ss_time.h sim/ss_err.h sim/err.c sim/ss_grow.h sim/grow.c sim/ss_text.h sim/text.c sim/ss_env.h sim/env.c \
	sim/ss_evq.h sim/evq.c \
	sim/ss_sim.h sim/sim.c \
	sim/ss_rng.h sim/rng.c \
	sim/ss_stats.h sim/stats.c \
	sim/ss_metrics.h sim/metrics.c \
	sim/ss_cpu.h sim/cpu.c \
	sim/ss_lock.h sim/lock.c \
	sim/ss_bus.h sim/bus.c
SS_SIM_LIBS = libss_sim.a $(GSL_LIBS)
