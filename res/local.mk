# res/: generic resources on the kernel: processors (run queues,
# execution contexts), locks, buses.  Every resource reports its
# utilisation, so a run can name its bottleneck.
noinst_LIBRARIES += libss_res.a
libss_res_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
libss_res_a_SOURCES = \
	res/ss_cpu.h res/cpu.c \
	res/ss_lock.h res/lock.c \
	res/ss_bus.h res/bus.c \
	res/ss_wait.h res/wait.c
# Everything below the models: resources, kernel, utilities (link order).
SS_SIM_LIBS = libss_res.a libss_kernel.a libss_util.a $(GSL_LIBS)

check_PROGRAMS += tests/test_ctx
TESTS += tests/test_ctx
tests_test_ctx_SOURCES = tests/test_ctx.c tests/ss_test.h
tests_test_ctx_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_ctx_LDADD = $(SS_SIM_LIBS)

check_PROGRAMS += tests/test_wait
TESTS += tests/test_wait
tests_test_wait_SOURCES = tests/test_wait.c tests/ss_test.h
tests_test_wait_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_wait_LDADD = $(SS_SIM_LIBS)
