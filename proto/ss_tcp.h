/* A TCP engine for one connection endpoint, as Linux 2.6.11 behaves for
   a bulk stream: segmentation by MSS, Nagle's algorithm, delayed ACKs
   (every second full segment, a timer otherwise, quick ACKs at the
   start), the receive window from the free receive buffer (three
   quarters of it, tcp_adv_win_scale = 2), a send buffer the writer
   blocks on, slow start and congestion avoidance (NewReno), fast
   retransmit on three duplicate ACKs, a retransmission timer
   (Jacobson/Karels, 200 ms minimum), and the timestamp, window-scale and
   SACK options as header bytes.

   The engine charges no processor time: the host does, around the calls
   below. It hands every segment to hooks.output (the host sends it down
   its stack) and learns of segments through ss_tcp_input. Its timers
   run through hooks.defer, so a host runs them in softirq context.

   Simplified, and said so: connections start established (no
   handshake, ISN 0: both ends agree the options); SACK blocks are
   carried (their option bytes count) but recovery is NewReno's, not
   SACK-based; no FIN; sequence numbers are 32-bit and wrap as TCP's do. */
#ifndef SS_TCP_H
#define SS_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "ss_packet.h"
#include "ss_sim.h"

typedef struct ss_tcp ss_tcp;

typedef struct ss_tcp_config {
	uint32_t mtu;            /* IP MTU, bytes */
	uint32_t sec_overhead;   /* bytes IPsec adds to a full datagram at most (the host sets it) */
	uint32_t sndbuf, rcvbuf; /* socket buffers, bytes */
	int timestamps, sack, wscale, nagle;
	ss_time delack;          /* delayed-ACK timer */
	ss_time rto_min, rto_init;
	int quickacks;           /* segments ACKed at once at the start (0: the kernel's rule) */
	ss_pktpool *pool;        /* packets for segments (the host sets it) */
} ss_tcp_config;

/* Linux 2.6.11 as the paper ran it. stock (tuned = 0): the stock kernel's
   buffers, tcp_wmem 4096 16384 131072 and tcp_rmem 4096 87380 174760
   (Documentation/networking/ip-sysctl.txt), taken at their maxima since
   the kernel grows a bulk stream's buffers to them (tcp_moderate_rcvbuf,
   tcp_sndbuf_expand; ASSUMPTION that the growth is complete), and the
   options off (the paper says it "enabled" them as its tuning, I09 §5.1).
   tuned: timestamps, window scaling and SACK on, buffers 87380 /
   4194304 / 4194304 (I09-053..055), at their maxima likewise.
   Delayed ACK 40 ms (TCP_DELACK_MIN = HZ/25), RTO minimum 200 ms
   (TCP_RTO_MIN = HZ/5), initial RTO 3 s (TCP_TIMEOUT_INIT), all in
   include/net/tcp.h of 2.6.11. */
void ss_tcp_config_linux2611(ss_tcp_config *c, int tuned);

typedef struct ss_tcp_hooks {
	void (*output)(void *ctx, ss_packet *p);  /* a segment to send (the host owns it now) */
	void (*readable)(void *ctx);              /* data arrived for the reader */
	void (*space)(void *ctx);                 /* the writer may write again */
	/* Runs fn(fctx, arg) in the host's timer context; NULL: at once. */
	void (*defer)(void *ctx, void (*fn)(void *, uint64_t), void *fctx, uint64_t arg);
} ss_tcp_hooks;

typedef struct ss_tcp_stats {
	uint64_t data_segs_out, acks_out, segs_in, retransmits, fast_retransmits, timeouts, dupacks_in;
	uint64_t bytes_acked, bytes_received, bytes_read;
	uint32_t cwnd, ssthresh;  /* bytes */
	double srtt;              /* s */
} ss_tcp_stats;

int ss_tcp_alloc(ss_tcp **out, ss_sim *sim, const ss_tcp_config *cfg, const ss_tcp_hooks *hooks, void *ctx, char *err,
		 size_t errlen);
void ss_tcp_free(ss_tcp *t); /* NULL is a no-op */

/* Joins two endpoints as an established connection (options as both
   configs allow: an option is on only when both have it). */
int ss_tcp_connect_pair(ss_tcp *a, ss_tcp *b);

uint32_t ss_tcp_mss(const ss_tcp *t);          /* payload bytes of a full segment */
uint32_t ss_tcp_send_space(const ss_tcp *t);   /* bytes a write can take now */
/* Application write: takes up to `bytes` into the send buffer (returns
   how many) and sends what the windows and Nagle allow. */
uint32_t ss_tcp_write(ss_tcp *t, uint32_t bytes);
uint32_t ss_tcp_readable(const ss_tcp *t);     /* in-order bytes waiting for the reader */
/* Application read: takes up to max bytes; may send a window update. */
uint32_t ss_tcp_read(ss_tcp *t, uint32_t max);
uint32_t ss_tcp_rcvbuf(const ss_tcp *t);
/* A segment arrived (the engine frees it). */
void ss_tcp_input(ss_tcp *t, ss_packet *p);

const ss_tcp_stats *ss_tcp_stats_of(const ss_tcp *t);

#endif
