# workloads/: what drives the hosts (platform/nethost): netperf's
# TCP_STREAM and a ping-pong (TCP_RR-like round trips). Link order:
# workloads before the host they drive.
noinst_LIBRARIES += libss_workloads.a
libss_workloads_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(CRYPTO_CFLAGS)
libss_workloads_a_SOURCES = workloads/ss_netperf.h workloads/netperf.c \
	workloads/ss_pingpong.h workloads/pingpong.c
SS_WORKLOADS_LIBS = libss_workloads.a
