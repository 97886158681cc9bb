/* A TCP engine as Linux 2.6.11 behaves for one bulk stream: segments of
   at most the MSS, Nagle's coalescing (on by default), delayed ACKs
   (an ACK for every second full segment, else after the delayed-ACK
   timer, 40 ms minimum; quick ACKs at the start of the connection),
   the receive window (3/4 of the free receive buffer, rounded down to
   a multiple of the MSS, at most 65535 without window scaling), slow
   start and congestion avoidance (Reno with NewReno's partial ACKs: fast
   retransmit after 3 duplicate ACKs), retransmission timeout (RTT
   estimation as RFC 2988, 200 ms minimum, 3 s initial), zero-window
   probes; the timestamp, window-scale and SACK options as header bytes
   (timestamps: 12 bytes on every segment; SACK blocks: 8 each + 2 on
   duplicate ACKs).

   The engine is protocol logic only. It runs on the simulator's clock
   (its timers are kernel events) and owns no processor: the host calls
   it from the context it runs in (the write system call, the softirq
   that received a segment) and charges the costs; what the engine
   sends goes out through the host's output hook, synchronously.
   Data is counted, not stored: a segment's bytes (execute mode) are the
   host's business; the engine tracks sequence numbers.

   No handshake, no FIN: a bulk stream starts established
   (ss_tcp_connect_pair) and is never closed. SACK is negotiated and
   carried as option bytes and blocks only: the sender recovers with
   NewReno (RFC 3782) and does not use the blocks. */
#ifndef SS_TCP_H
#define SS_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "ss_packet.h"
#include "ss_sim.h"

typedef struct ss_tcp_config {
	uint32_t mss;            /* largest payload per segment, options excluded (the host: MTU - IP - TCP - IPsec) */
	uint32_t sndbuf;         /* send buffer, bytes (data written and not yet acknowledged) */
	uint32_t rcvbuf;         /* receive buffer, bytes (data received and not yet read) */
	int nagle;               /* 1: Nagle's algorithm (Linux default; TCP_NODELAY clears it) */
	int delack;              /* 1: delayed ACKs */
	ss_time delack_min;      /* delayed-ACK timeout: 40 ms (TCP_DELACK_MIN) */
	uint32_t quickack;       /* segments ACKed at once at the start (Linux: up to 16, rcvbuf / 2 / mss) */
	int timestamps, wscale, sack; /* options negotiated on (both sides agree: the host sets both configs) */
	ss_time rto_min, rto_init;    /* 200 ms, 3 s */
	uint32_t init_cwnd;      /* segments (RFC 3390: 3 for an MSS of 1095..2190, 4 below, 2 above) */
	uint32_t max_cwnd;       /* segments, 0: unbounded */
	int bsd_winupd;          /* 1: after a read, ACK only for a window update of two segments or half the buffer
				    (4.3BSD tcp_output); 0: Linux's cleanup_rbuf (an owed ACK for a short segment read out) */
	int whole_space;         /* 1: the window offered is the whole free receive buffer, unrounded (4.3BSD); 0: Linux's 3/4 of it, in MSS */
	uint32_t truesize;       /* receive skb size of a full segment (the driver's buffer + struct sk_buff):
				    it bounds the window's growth (rcv_ssthresh, tcp_grow_window); 0: no bound */
} ss_tcp_config;

/* Linux 2.6.11's behaviour for an MSS of mss bytes. tuned 0: the stock
   socket buffers (tcp_wmem max 131072, tcp_rmem max 174760, the sizes a
   bulk stream's buffers grow to) and the timestamp, window-scaling and
   SACK options off (the paper enables them as part of its tuning, which
   implies its baseline ran without: ASSUMPTION; the kernel's own sysctl
   defaults have them on). tuned 1: the paper's tuning (Iatrou et al.
   sec. 3.3): the three options on and socket buffers of 4194304 bytes
   (min/default/max 87380/4194304/4194304). The sources are in the
   implementation. */
void ss_tcp_config_linux2611(ss_tcp_config *c, uint32_t mss, int tuned);
/* SS_OK, or SS_EINVAL with what is wrong in msg. */
/* 4.3BSD's TCP (the code of Ultrix 4.2A, the Mach UX server and the
   user-level library of Thekkath et al.) for an MSS of mss bytes and
   socket buffers of `window` bytes: the whole free buffer offered, ACKs
   delayed to the 200 ms fast timer unless a second segment or a window
   update sends one, slow start from one segment, no options. */
void ss_tcp_config_bsd43(ss_tcp_config *c, uint32_t mss, uint32_t window);
int ss_tcp_config_check(const ss_tcp_config *c, char *msg, size_t len);
/* TCP header bytes of a data segment under c (20 + 12 with timestamps). */
uint32_t ss_tcp_header_bytes(const ss_tcp_config *c);
/* Payload bytes of a full data segment under c: the MSS less the
   option bytes every segment carries (timestamps: 12), as Linux's
   tcp_current_mss; segments are then hdr_l4 + payload = 20 + mss bytes. */
uint32_t ss_tcp_seg_payload(const ss_tcp_config *c);
/* Receive window scale under c (RFC 1323): 0 with window scaling off,
   else the smallest shift that brings rcvbuf within 16 bits (at most
   14), as Linux's tcp_select_initial_window. */
uint32_t ss_tcp_wscale(const ss_tcp_config *c);

typedef struct ss_tcp ss_tcp;

typedef struct ss_tcp_hooks {
	void *ctx;
	/* A segment to send, built by the engine from the host's pool: the
	   TCP fields (seq, ack, wnd, flags, opt_bytes, tsval/tsecr, sack),
	   payload (data bytes), hdr_l4 (TCP header + options) and
	   len = hdr_l4 + payload (the host adds IP and IPsec headers to len
	   and hdr_l3/hdr_sec). The host owns the packet from here. */
	void (*output)(void *ctx, ss_packet *p);
	/* Nonzero when a data segment output now would be dropped by the
	   host's own device queue (Linux: dev_queue_xmit returns
	   NET_XMIT_DROP to tcp_transmit_skb). The engine then keeps the
	   segment unsent, as tcp_write_xmit does, and reduces cwnd
	   (tcp_enter_cwr). May be NULL (the queue never fills). */
	int (*xmit_full)(void *ctx);
	/* In-order data became readable (after ss_tcp_input). May be NULL. */
	void (*readable)(void *ctx);
	/* Send-buffer space was freed by an ACK (after ss_tcp_input). May be NULL. */
	void (*writable)(void *ctx);
} ss_tcp_hooks;

/* One end of a connection. SS_EINVAL (message) for a bad config,
   SS_ENOMEM. Simulator-owned events: free the engine before the
   simulator. */
int ss_tcp_alloc(ss_tcp **out, ss_sim *sim, const char *name, const ss_tcp_config *c, ss_pktpool *pool,
		 const ss_tcp_hooks *h, char *err, size_t errlen);
void ss_tcp_free(ss_tcp *t); /* cancels its timers; NULL is a no-op */

/* Puts a and b in the established state (as after the handshake,
   initial sequence numbers 1): windows and options as their configs
   say. */
void ss_tcp_connect_pair(ss_tcp *a, ss_tcp *b);

/* The application writes up to n bytes: returns the bytes taken (at
   most the free send buffer). Segments go out through output as the
   windows and Nagle allow. */
uint32_t ss_tcp_write(ss_tcp *t, uint32_t n);
uint32_t ss_tcp_send_space(const ss_tcp *t); /* free send buffer, bytes */
/* The application reads up to n bytes of in-order data: returns the
   bytes taken. Frees receive buffer: may send a window update. */
uint32_t ss_tcp_read(ss_tcp *t, uint32_t n);
uint32_t ss_tcp_readable(const ss_tcp *t);   /* in-order bytes not yet read */
/* tcp_recvmsg's reader installed in process context (ucopy): the data
   of in-order segments arriving onto an empty receive queue, up to len
   bytes in all, is read at once as the segment is input (the direct
   copy of tcp_rcv_established / tcp_data_queue), so it never takes
   receive buffer and the ACK decision sees the window open. len 0
   uninstalls. ss_tcp_ucopy_taken returns the bytes so read since its
   last call (the host charges their copy). */
void ss_tcp_ucopy(ss_tcp *t, uint32_t len);
uint32_t ss_tcp_ucopy_taken(ss_tcp *t);

/* A segment from the peer (the host has stripped nothing it needs: the
   TCP fields and payload are as the peer's engine set them). The engine
   frees p to the pool. */
void ss_tcp_input(ss_tcp *t, ss_packet *p);

typedef struct ss_tcp_stats {
	uint64_t segs_out, segs_in;      /* all segments */
	uint64_t data_segs_out;          /* segments carrying data (retransmissions included) */
	uint64_t pure_acks_out;          /* segments without data */
	uint64_t delayed_acks;           /* ACKs sent by the delayed-ACK timer */
	uint64_t retrans, fast_retrans, timeouts;
	uint64_t dupacks_in;
	uint64_t bytes_acked;            /* of this end's data, by the peer */
	uint64_t bytes_read;             /* by this end's application */
	uint64_t ooo_segs;               /* received out of order (queued) */
	uint64_t zero_window_probes;
	uint64_t fwd_acks;               /* ACKs beyond snd_nxt received (taken or ignored: ss_tcp_set_fwd_ack) */
	uint64_t fwd_discarded;          /* bytes of writes discarded for forward ACKs */
	uint64_t old_acks;               /* ACKs below snd_una received (ignored) */
	uint64_t xmit_full;              /* sends the host's full device queue refused (Linux: tcp_transmit_skb failures) */
	uint32_t cwnd, ssthresh;         /* now, bytes */
	uint32_t srtt_us, rto_us;        /* now */
	uint32_t peer_wnd;               /* last window the peer advertised, bytes */
} ss_tcp_stats;
void ss_tcp_stats_get(const ss_tcp *t, ss_tcp_stats *s);
/* Zeroes the counters (end of warm-up); the state stays. */
void ss_tcp_stats_reset(ss_tcp *t);

/* ---- A relay's modifications (Rescorla, Cain and Korver 2001, sec.
   4.6-4.8): the TCP of a cluster node that must cluster a state before
   it commits to it. ---- */

/* With on, the ACK this end sends is rcv_appack, which only
   ss_tcp_appack moves, not rcv_nxt; the ACKs data arrival would send
   (naked ACKs: delayed, every second segment, duplicate, out of order)
   are suppressed, so withheld data do not look like loss to the peer
   (its three duplicate ACKs). Data segments this end sends carry
   rcv_appack. The receive window is still offered from rcv_appack: the
   peer may send what the buffer can hold (the window counts the data
   held in [rcv_appack, rcv_nxt), so the right edge is rcv_nxt + the free
   buffer's window, at most 65535 scaled), and its right edge never
   moves left (RFC 793). No window update after a read while on.
   rcv_appack starts at rcv_nxt when turned on (an ACK owed then goes at
   once); turned off, data withheld are ACKed at once. */
void ss_tcp_set_appack(ss_tcp *t, int on);
/* Moves rcv_appack to seq (at most rcv_nxt; a seq behind it is a no-op)
   and sends an ACK now (seq at rcv_appack: the same ACK again). A no-op
   with appack off. */
void ss_tcp_appack(ss_tcp *t, uint32_t seq);

/* The sequence state an application sees (AlchemyOS's
   TCP_MOVABLE_STATE, sec. 4.7). */
typedef struct ss_tcp_seqs {
	uint32_t snd_una, snd_nxt, write_seq; /* acknowledged, sent (highest), written */
	uint32_t rcv_nxt, rcv_appack, copied; /* received in order, acknowledged, read */
} ss_tcp_seqs;
void ss_tcp_seqs_get(const ss_tcp *t, ss_tcp_seqs *s);

/* Imposes a clustered state on a fresh engine (or one to be reused): as
   ss_tcp_connect_pair does for one end, the options negotiated with a
   peer of config `peer`, then everything acknowledged and read: snd_una
   = snd_nxt = write_seq = snd, rcv_nxt = rcv_appack = copied = rcv; the
   peer's window peer_wnd bytes; cwnd the config's init_cwnd; the RTO its
   rto_init; no timers. */
void ss_tcp_restore(ss_tcp *t, const ss_tcp_config *peer, uint32_t snd, uint32_t rcv, uint32_t peer_wnd);

/* Forward ACKs (sec. 4.6): an ACK beyond snd_nxt, which a restored
   mirror receives for data the dead relay sent. With on, the engine
   takes it: data written but not yet sent up to the ACK count as sent
   and acknowledged, and the application's writes beyond write_seq are
   discarded (taken, never sent; counted in fwd_discarded and
   bytes_acked) until write_seq reaches the ACK, even if turned off. With
   off (RFC 793 3.9, and the default), it is ignored. Counted in
   ss_tcp_stats.fwd_acks either way. */
void ss_tcp_set_fwd_ack(ss_tcp *t, int on);

#endif
