/* netperf TCP_STREAM between two hosts (ss_nethost): a sender process
   writes msg_size-byte messages as fast as its socket takes them, each
   one write system call with its copy (netperf's send_tcp_stream); a
   receiver process reads whatever is readable up to recv_size per call
   (recv_tcp_stream). Throughput is the payload the receiver read per
   second of the measurement window, as netperf reports it (it times the
   transfer on the sender, which differs only by what is in flight at the
   window's edges).
   Several streams (netperf run `streams` times in parallel between the
   same hosts, each with -T): stream i runs on connection i of the hosts
   (made beforehand with ss_nethost_connect), its sender bound to CPU
   i % the sender's processors and its receiver to i % the receiver's,
   unless snd_cpu / rcv_cpu bind all of them. Throughput is the sum. */
#ifndef SS_NETPERF_H
#define SS_NETPERF_H

#include <stddef.h>
#include <stdint.h>

#include "ss_nethost.h"
#include "ss_sim.h"

typedef struct ss_netperf_config {
	uint32_t msg_size;   /* bytes per send (netperf -m), 1..1048576 */
	uint32_t recv_size;  /* most bytes per recv (netperf -M), >= 1 */
	int snd_cpu, rcv_cpu; /* processor each process is bound to, -1: any (with streams > 1: i % processors) */
	int streams;         /* parallel TCP_STREAMs, >= 1 (the hosts need that many connections) */
} ss_netperf_config;

/* msg_size 8192; recv_size 87380: netperf's default receive size is the
   socket's receive buffer as getsockopt reports it at the start, which
   is tcp_rmem's default of 87380 bytes (Linux 2.6.11 net/ipv4/tcp.c)
   under stock settings (ASSUMPTION: the same size after tuning; a read
   takes what is readable, so the cap rarely binds); no binding; one
   stream. */
void ss_netperf_config_default(ss_netperf_config *c);

typedef struct ss_netperf ss_netperf;

/* The senders run on snd, the receivers on rcv (connected hosts).
   SS_EINVAL (message) for a bad config or too few connections,
   SS_ENOMEM. Caller-owned: free it before the hosts. */
int ss_netperf_alloc(ss_netperf **out, ss_sim *sim, ss_nethost *snd, ss_nethost *rcv, const ss_netperf_config *c,
		     char *err, size_t errlen);
void ss_netperf_free(ss_netperf *np); /* NULL is a no-op */

/* Both processes start now. */
void ss_netperf_start(ss_netperf *np);
/* The sender stops after the write under way (the receiver goes on
   reading what arrives). */
void ss_netperf_stop(ss_netperf *np);
/* Starts a measurement window. */
void ss_netperf_reset(ss_netperf *np);

typedef struct ss_netperf_stats {
	uint64_t bytes_written;  /* taken by the sender's socket, in the window */
	uint64_t bytes_read;     /* read by the receiver, in the window */
	uint64_t sends, recvs;   /* system calls returned, in the window */
	double window_s;         /* length of the window so far */
	double throughput_bps;   /* bytes_read x 8 / window_s */
} ss_netperf_stats;
void ss_netperf_stats_get(const ss_netperf *np, ss_netperf_stats *s); /* all streams: sums */
/* Stream i's alone (0 <= i < streams; else all zero). */
void ss_netperf_stream_stats_get(const ss_netperf *np, int i, ss_netperf_stats *s);
uint64_t ss_netperf_bytes_read_total(const ss_netperf *np); /* since the start, all streams */

#endif
