# kernel/: the event kernel: integer-picosecond time, the event queue,
# the simulator (clock, named RNG streams, registered resources),
# statistics and the metrics a run reports.
noinst_LIBRARIES += libss_kernel.a
libss_kernel_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
libss_kernel_a_SOURCES = \
	kernel/ss_time.h \
	kernel/ss_evq.h kernel/evq.c \
	kernel/ss_sim.h kernel/sim.c \
	kernel/ss_rng.h kernel/rng.c \
	kernel/ss_stats.h kernel/stats.c \
	kernel/ss_metrics.h kernel/metrics.c
