/* TCP engine for one bulk stream (see ss_tcp.h). Each rule names its
   source: an RFC by number and section, or the Linux 2.6.11 function
   that implements it (net/ipv4/tcp_input.c, tcp_output.c, tcp_timer.c,
   tcp.c). The sender counts in segments ("packets") as Linux does.

   Sequence state, per end:
     send:    snd_una <= snd_nxt <= snd_max <= write_seq
              (acked | in flight | to retransmit after a timeout | unsent)
     receive: copied <= rcv_nxt, plus out-of-order ranges above rcv_nxt.
   Each segment in flight has a record (its range, when it was sent and
   whether it is a retransmission) for the packet count, RTT samples and
   retransmission. */
#include "ss_tcp.h"

#include <stdlib.h>
#include <string.h>

#include "ss_err.h"
#include "ss_grow.h"

/* Linux 2.6.11 include/net/tcp.h */
#define RTO_MAX (120 * SS_PS_PER_S) /* TCP_RTO_MAX: 120 s */
#define MIN_MSS 48                  /* tcp_sync_mss: the MSS is never below 48 */
#define MAX_QUICKACKS 16            /* TCP_MAX_QUICKACKS */
#define REORDERING 3                /* sysctl_tcp_reordering; RFC 2581 3.2: the third duplicate ACK */
#define MAX_BACKOFF 15              /* sysctl_tcp_retries2: the probe interval doubles at most 15 times */
/* RFC 1323 (2.2, 3.2, appendix A): window scale at most 14; the
   timestamps option (10 bytes) with two NOPs is 12. */
#define MAX_WSCALE 14
#define OPT_TS 12
/* RFC 2018 3: SACK option kind + length 2 bytes, 8 per block; RFC 793:
   at most 40 option bytes (data offset of 15 words). */
#define OPT_SACK_BASE 2
#define OPT_SACK_BLOCK 8
#define OPT_SPACE 40
#define TCP_HDR 20 /* RFC 793 3.1 */

static inline int seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline int seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline int seq_gt(uint32_t a, uint32_t b) { return seq_lt(b, a); }
static inline int seq_ge(uint32_t a, uint32_t b) { return seq_le(b, a); }
static inline uint32_t umin32(uint32_t a, uint32_t b) { return a < b ? a : b; }

enum { CA_OPEN, CA_CWR, CA_RECOVERY, CA_LOSS };  /* Linux's Open/Disorder, CWR, Recovery, Loss */
enum { TMR_RTO, TMR_PROBE, TMR_DELACK, NTMR };

/* A timer whose deadline may move: its event stays queued when the
   deadline moves later (the common case: the RTO restarts on every ACK)
   and re-arms itself when it fires early. */
typedef struct tmr {
	ss_timer ev;
	ss_time at;        /* when the queued event fires */
	ss_time deadline;
	int armed;
} tmr;

typedef struct seg_rec {
	uint32_t seq, end;
	ss_time sent;
	int retrans;
} seg_rec;

typedef struct range {
	uint32_t l, r;     /* [l, r) */
} range;

struct ss_tcp {
	ss_sim *sim;
	char *name;
	ss_tcp_config c;
	ss_pktpool *pool;
	ss_tcp_hooks h;
	int connected;
	/* negotiated at ss_tcp_connect_pair */
	int ts, sack;
	uint32_t rcv_ws;       /* our receive window scale */
	uint32_t pl;           /* payload of a full segment (send and receive: both ends use one MSS) */
	uint32_t window_clamp; /* largest window we offer */
	uint32_t rcv_ssthresh; /* the window's growth limit (tcp_grow_window), steady value */
	/* send */
	uint32_t snd_una, snd_nxt, snd_max, write_seq;
	uint32_t snd_wnd, snd_wl1;
	seg_rec *segs;
	size_t seg_lo, seg_n, seg_cap;
	uint32_t cwnd, ssthresh, cwnd_cnt; /* segments */
	int ca;
	uint32_t recover;      /* RFC 3782 "recover" (Linux high_seq): snd_max when recovery began */
	uint32_t dupacks;
	uint32_t sacked;       /* duplicate ACKs standing for segments that left the network (Linux's Reno sacked_out) */
	int have_rtt;
	ss_time srtt, rttvar, rto;
	uint32_t probe_backoff;
	tmr t[NTMR];
	/* receive */
	uint32_t rcv_nxt, rcv_wup, rcv_wnd, copied;
	uint32_t ucopy_len;    /* an installed reader's room for direct copy (tp->ucopy.len) */
	uint32_t ucopy_taken;  /* bytes it took directly since ss_tcp_ucopy_taken */
	range *ooo;
	size_t nooo, ooo_cap, ooo_last;
	uint64_t ooo_bytes;
	uint32_t quick;        /* quick ACKs left */
	int ack_sched;         /* an ACK is owed for data received */
	int ack_now;           /* ... and must go at once (duplicate, out of order, out of window) */
	int ack_pushed;        /* a segment shorter than the MSS is among the unacknowledged (Linux TCP_ACK_PUSHED) */
	uint32_t ts_recent;
	/* A relay's modifications (ss_tcp.h): the ACK withheld at rcv_appack
	   while appack_on; forward ACKs taken while fwd_ack_on, the writes up
	   to fwd_skip discarded while fwd_skipping (then snd_una = snd_nxt =
	   snd_max = write_seq: nothing is in flight). */
	int appack_on;
	uint32_t rcv_appack;
	int fwd_ack_on, fwd_skipping;
	uint32_t fwd_skip;
	ss_tcp_stats st;
};

/* ---- configuration ---- */

/* tcp_win_from_space with sysctl_tcp_adv_win_scale = 2: a quarter of the
   buffer is left for bookkeeping (the kernel charges sk_buff overhead
   to the socket; the engine counts payload only, so the quarter stands
   for that overhead). */
static uint64_t win_from_space(uint64_t space) { return space - (space >> 2); }
/* The window a free buffer of `space` bytes offers under c. */
static uint64_t win_of(const ss_tcp_config *c, uint64_t space) { return c->whole_space ? space : win_from_space(space); }

uint32_t ss_tcp_header_bytes(const ss_tcp_config *c) { return TCP_HDR + (c->timestamps ? OPT_TS : 0); }

uint32_t ss_tcp_seg_payload(const ss_tcp_config *c) { return c->mss - (c->timestamps ? OPT_TS : 0); }

uint32_t ss_tcp_wscale(const ss_tcp_config *c)
{
	uint32_t ws = 0;
	if (!c->wscale)
		return 0;
	/* tcp_select_initial_window: shift the space until it fits 16 bits. */
	for (uint64_t space = c->rcvbuf; space > 65535 && ws < MAX_WSCALE; space >>= 1)
		ws++;
	return ws;
}

/* window_clamp as tcp_select_initial_window and tcp_init_buffer_space
   leave it: the buffer's window, at most what 16 bits scaled can say. */
static uint32_t clamp_of(const ss_tcp_config *c, uint32_t ws)
{
	uint64_t full = win_of(c, c->rcvbuf);
	uint64_t max = (uint64_t)65535 << ws;
	return (uint32_t)(full < max ? full : max);
}

/* rcv_ssthresh as tcp_grow_window (net/ipv4/tcp_input.c, 2.6.11) leaves
   it: each in-order data segment of len bytes raises it by 2 MSS, at
   once when the skb's buffer is small for its data
   (tcp_win_from_space(truesize) <= len), else, in __tcp_grow_window,
   only while rcv_ssthresh <= (full space / 2) >> k for the first k with
   (tcp_win_from_space(truesize) / 2) >> k <= len, so a driver's large
   receive buffers hold the window at about half the buffer's. The
   steady value a bulk stream reaches in its first round trips is taken
   from the start (ASSUMPTION, as the window's growth to it). */
static uint32_t ssthresh_of(const ss_tcp_config *c, uint32_t pl, uint32_t clamp)
{
	uint64_t ts = win_from_space(c->truesize);
	if (!c->truesize || ts <= pl)
		return clamp;
	uint64_t win = win_of(c, c->rcvbuf) / 2;
	for (ts /= 2; ts > pl && win; ts >>= 1)
		win >>= 1;
	uint64_t cap = win + 2 * (uint64_t)pl;
	return (uint32_t)(cap < clamp ? cap : clamp);
}

void ss_tcp_config_linux2611(ss_tcp_config *c, uint32_t mss, int tuned)
{
	memset(c, 0, sizeof *c);
	c->mss = mss;
	/* net.ipv4.tcp_wmem / tcp_rmem maxima in 2.6.11 (tcp_init: 131072 and
	   174760 = 87380 * 2 for a host with enough memory); tuned: Iatrou
	   et al. sec. 3.3, 4 MB. */
	c->sndbuf = tuned ? 4194304 : 131072;
	c->rcvbuf = tuned ? 4194304 : 174760;
	c->nagle = 1;                         /* TCP_NODELAY off by default */
	c->delack = 1;
	c->delack_min = 40 * SS_PS_PER_MS;    /* TCP_DELACK_MIN = HZ/25 (also TCP_ATO_MIN) */
	c->timestamps = c->wscale = c->sack = tuned ? 1 : 0;
	c->rto_min = 200 * SS_PS_PER_MS;      /* TCP_RTO_MIN = HZ/5 */
	c->rto_init = 3 * SS_PS_PER_S;        /* TCP_TIMEOUT_INIT = 3*HZ; RFC 2988 2.1 */
	/* RFC 3390: min(4*MSS, max(2*MSS, 4380 bytes)). */
	c->init_cwnd = mss <= 1095 ? 4 : mss <= 2190 ? 3 : 2;
	c->max_cwnd = 0;                      /* snd_cwnd_clamp = ~0 */
	/* tcp_incr_quickack: rcv_wnd / (2 * rcv_mss), at least 2, at most
	   TCP_MAX_QUICKACKS, with the window the empty buffer offers. */
	if (mss > OPT_TS) {
		uint32_t pl = ss_tcp_seg_payload(c);
		uint32_t clamp = clamp_of(c, ss_tcp_wscale(c));
		uint32_t q = (clamp / pl * pl) / (2 * pl);
		c->quickack = q < 2 ? 2 : q > MAX_QUICKACKS ? MAX_QUICKACKS : q;
	}
}

void ss_tcp_config_bsd43(ss_tcp_config *c, uint32_t mss, uint32_t window)
{
	memset(c, 0, sizeof *c);
	c->mss = mss;
	/* Thekkath et al. sec. 4 (T93-006): "All three systems use TCP
	   windows of 16 Kbytes": socket buffers of that size each way. */
	c->sndbuf = c->rcvbuf = window;
	c->whole_space = 1;                   /* tcp_output: win = sbspace(&so->so_rcv) */
	c->bsd_winupd = 1;                    /* tcp_output's window-update rule after a read */
	c->nagle = 1;                         /* tcp_output's small-segment rule (Nagle, RFC 896), on by default */
	c->delack = 1;
	/* TF_DELACK is acted on by tcp_fasttimo, run PR_FASTHZ = 5 times a
	   second (4.3BSD netinet/tcp_timer.c): 200 ms at most. ASSUMPTION:
	   the whole 200 ms (the timer's phase is not modelled). */
	c->delack_min = 200 * SS_PS_PER_MS;
	c->quickack = 0;                      /* no quick-ACK mode in 4.3BSD */
	c->timestamps = c->wscale = c->sack = 0; /* RFC 1323 and 2018 came later */
	c->rto_min = 1 * SS_PS_PER_S;         /* TCPTV_MIN = 2 slow ticks of 500 ms */
	c->rto_init = 6 * SS_PS_PER_S;        /* TCPTV_SRTTDFLT 3 s, doubled by the variance term (TCP_REXMTVAL) */
	c->init_cwnd = 1;                     /* 4.3BSD-Tahoe/Reno slow start: one segment */
	c->max_cwnd = 0;
}

int ss_tcp_config_check(const ss_tcp_config *c, char *msg, size_t len)
{
	if (!c) {
		ss_errbuf(msg, len, "no TCP configuration");
		return SS_EINVAL;
	}
	if (c->mss < MIN_MSS || c->mss > 65535 - TCP_HDR) {
		ss_errbuf(msg, len, "TCP mss %u is outside [%u, %u] (Linux's floor; a 16-bit IP length)", c->mss,
			  MIN_MSS, 65535 - TCP_HDR);
		return SS_EINVAL;
	}
	if ((c->nagle | c->delack | c->timestamps | c->wscale | c->sack | c->whole_space | c->bsd_winupd) & ~1) {
		ss_errbuf(msg, len, "TCP nagle, delack, timestamps, wscale, sack, whole_space and bsd_winupd are 0 or 1");
		return SS_EINVAL;
	}
	if (c->sndbuf == 0) {
		ss_errbuf(msg, len, "TCP sndbuf must be > 0 bytes");
		return SS_EINVAL;
	}
	if (c->rcvbuf > (UINT32_C(1) << 30)) {
		ss_errbuf(msg, len, "TCP rcvbuf %u exceeds 2^30 bytes, the largest window RFC 1323 can scale to",
			  c->rcvbuf);
		return SS_EINVAL;
	}
	if (clamp_of(c, ss_tcp_wscale(c)) < ss_tcp_seg_payload(c)) {
		ss_errbuf(msg, len, "TCP rcvbuf %u offers a window (3/4 of it) below one segment of %u bytes", c->rcvbuf,
			  ss_tcp_seg_payload(c));
		return SS_EINVAL;
	}
	if (c->delack && c->delack_min <= 0) {
		ss_errbuf(msg, len, "TCP delack_min must be > 0 with delayed ACKs on");
		return SS_EINVAL;
	}
	if (c->rto_min <= 0 || c->rto_init < c->rto_min || c->rto_init > RTO_MAX) {
		ss_errbuf(msg, len, "TCP needs 0 < rto_min <= rto_init <= 120 s");
		return SS_EINVAL;
	}
	if (c->init_cwnd == 0 || (c->max_cwnd && c->max_cwnd < c->init_cwnd)) {
		ss_errbuf(msg, len, "TCP init_cwnd must be >= 1 and max_cwnd 0 (unbounded) or >= init_cwnd");
		return SS_EINVAL;
	}
	return SS_OK;
}

/* ---- timers ---- */

static void on_timer(ss_sim *sim, void *ctx, uint64_t arg);

static void tmr_set(ss_tcp *t, int k, ss_time deadline)
{
	tmr *m = &t->t[k];
	m->armed = 1;
	m->deadline = deadline;
	if (ss_sim_timer_pending(t->sim, &m->ev) && m->at <= deadline)
		return; /* fires early and re-arms */
	ss_sim_cancel(t->sim, &m->ev);
	m->at = deadline;
	m->ev = ss_sim_at(t->sim, deadline, on_timer, t, (uint64_t)k);
}

static void tmr_clear(ss_tcp *t, int k)
{
	t->t[k].armed = 0;
	ss_sim_cancel(t->sim, &t->t[k].ev);
}

static ss_time now_of(const ss_tcp *t) { return ss_sim_now(t->sim); }

/* ---- receive window ---- */

static uint64_t rmem(const ss_tcp *t) { return (uint64_t)(t->rcv_nxt - t->copied) + t->ooo_bytes; }

/* What the peer may still send into the window last offered. */
static uint32_t window_left(const ss_tcp *t)
{
	int32_t w = (int32_t)(t->rcv_wup + t->rcv_wnd - t->rcv_nxt);
	return w > 0 ? (uint32_t)w : 0;
}

/* The ACK this end sends: rcv_nxt, or rcv_appack while it withholds
   (ss_tcp_set_appack). */
static uint32_t ack_of(const ss_tcp *t) { return t->appack_on ? t->rcv_appack : t->rcv_nxt; }

/* __tcp_select_window: 3/4 of the free buffer (win_from_space), rounded
   down to the MSS, 0 below one MSS once the buffer is more than half
   full (receiver SWS avoidance, RFC 1122 4.2.3.3), the current offer
   kept when it is within one MSS of the free space, and never above
   rcv_ssthresh (ssthresh_of: its steady value). Ends quick-ACK mode
   when the buffer is more than half full, as Linux. The window is the
   room beyond rcv_nxt; "the current offer" it keeps is rcv_wnd (as
   Linux: offered at rcv_wup), or, with the ACK withheld (rcv_wnd then
   counts from rcv_appack and includes the data held), the room the
   standing offer leaves beyond rcv_nxt (window_left). */
static uint32_t window_raw(ss_tcp *t)
{
	int64_t mss = t->pl, full = t->window_clamp;
	uint64_t used = rmem(t);
	int64_t freeb = used >= t->c.rcvbuf ? 0 : (int64_t)(t->c.rcvbuf - used);
	int64_t space = (int64_t)win_of(&t->c, (uint64_t)freeb);
	if (mss > full)
		mss = full;
	if (space < full / 2) {
		t->quick = 0;
		if (space < mss)
			return 0;
	}
	if (space > full)
		space = full;
	if (space > t->rcv_ssthresh)
		space = t->rcv_ssthresh;
	int64_t w = t->appack_on ? window_left(t) : t->rcv_wnd;
	if (t->c.whole_space)
		return (uint32_t)space; /* 4.3BSD offers the free space as it is */
	if (w <= space - mss || w > space)
		w = space / mss * mss;
	return (uint32_t)w;
}

/* The window offered (rcv_wnd), as the peer reads it: at most 65535
   scaled, rounded down to the scale (RFC 1323 2.3). */
static uint32_t offered(const ss_tcp *t)
{
	uint32_t w = umin32(t->rcv_wnd, 65535u << t->rcv_ws);
	return (w >> t->rcv_ws) << t->rcv_ws;
}

/* The window with the ACK withheld at a = rcv_appack. The peer reads
   the offer from the ACK it gets: its right edge is a + wnd. The choice:
   the right edge is the one the buffer allows, rcv_nxt + window_raw (the
   same as without withholding: the data held, [a, rcv_nxt), are in the
   buffer already and counted by rmem), so wnd = (rcv_nxt - a) +
   window_raw; and it never moves left of the edge offered before (RFC
   793 3.7, RFC 1122 4.2.2.16): wnd >= rcv_wup + rcv_wnd - a. The offer
   is kept exactly as the peer reads it (at most 65535 scaled, a
   multiple of the scale: a larger wnd is cut to what 16 bits can say,
   the do-not-shrink bound rounded up to the scale, as Linux's
   tcp_select_window ALIGNs it), so rcv_wup = a and rcv_wup + rcv_wnd is
   the peer's right edge, on which on_data's acceptance, window_left and
   TS.Recent (rcv_wup: the last ACK sent) rely. */
static uint32_t window_select_appack(ss_tcp *t)
{
	uint32_t a = t->rcv_appack;
	int32_t c = (int32_t)(t->rcv_wup + t->rcv_wnd - a);
	uint64_t cur = c > 0 ? (uint64_t)c : 0;
	uint64_t max = (uint64_t)65535 << t->rcv_ws, unit = (uint64_t)1 << t->rcv_ws;
	uint64_t w = (uint64_t)(t->rcv_nxt - a) + window_raw(t);
	if (w > max)
		w = max;
	w = w >> t->rcv_ws << t->rcv_ws;
	if (w < cur)
		w = (cur + unit - 1) / unit * unit; /* <= max: cur is below an earlier offer */
	t->rcv_wnd = (uint32_t)w;
	t->rcv_wup = a;
	return offered(t);
}

/* tcp_select_window: never shrink the offer (RFC 793 3.7, RFC 1122
   4.2.2.16), remember it, and say it in 16 bits scaled (RFC 1323 2.3):
   the peer sees it rounded down to a multiple of 2^wscale. */
static uint32_t window_select(ss_tcp *t)
{
	if (t->appack_on)
		return window_select_appack(t);
	uint32_t cur = window_left(t), w = window_raw(t);
	if (w < cur)
		w = cur;
	t->rcv_wnd = w;
	t->rcv_wup = t->rcv_nxt;
	return offered(t);
}

/* ---- segments out ---- */

static uint32_t packets_out(const ss_tcp *t) { return (uint32_t)(t->seg_n - t->seg_lo); }

/* tcp_packets_in_flight for Reno: duplicate ACKs stand for segments that
   left the network (RFC 3782's window inflation, counted the other way),
   except after a timeout (CA_Loss ignores them). */
static uint32_t in_flight(const ss_tcp *t)
{
	uint32_t out = packets_out(t);
	return t->ca == CA_LOSS ? out : out - umin32(t->sacked, out);
}

static uint32_t unsent(const ss_tcp *t) { return t->write_seq - t->snd_nxt; }

/* tcp_event_ack_sent: every segment carries the ACK; quick-ACK mode
   counts down per ACK sent (tcp_dec_quickack_mode). */
static void ack_sent(ss_tcp *t)
{
	t->ack_sched = t->ack_now = t->ack_pushed = 0;
	tmr_clear(t, TMR_DELACK);
	if (t->quick)
		t->quick--;
}

/* A packet from the pool with the header fields every segment carries.
   NULL when the pool is out of memory: the segment is then as good as
   lost on the wire, and the ACK clock or the RTO recovers it. */
static ss_packet *seg_new(ss_tcp *t, uint32_t seq, uint32_t payload)
{
	ss_packet *p = ss_pktpool_get(t->pool);
	uint32_t wnd = window_select(t);
	ack_sent(t);
	t->st.segs_out++;
	if (payload)
		t->st.data_segs_out++;
	else
		t->st.pure_acks_out++;
	if (!p)
		return NULL;
	p->seq = seq;
	p->ack = ack_of(t);
	p->wnd = wnd;
	p->flags = SS_TCP_ACK;
	p->payload = payload;
	if (t->ts) {
		/* RFC 1323 3: TSval from a millisecond clock (Linux: jiffies,
		   HZ = 1000), TSecr the peer's latest in-order TSval. */
		p->opt_bytes = OPT_TS;
		p->tsval = (uint32_t)(now_of(t) / SS_PS_PER_MS);
		p->tsecr = t->ts_recent;
	}
	p->stamp = now_of(t);
	return p;
}

static void seg_out(ss_tcp *t, ss_packet *p)
{
	if (!p)
		return;
	p->hdr_l4 = TCP_HDR + p->opt_bytes;
	p->len = p->hdr_l4 + p->payload;
	t->h.output(t->h.ctx, p);
}

static void send_data(ss_tcp *t, uint32_t seq, uint32_t len, int retrans)
{
	ss_packet *p = seg_new(t, seq, len);
	if (retrans)
		t->st.retrans++;
	if (p && seq + len == t->write_seq)
		p->flags |= SS_TCP_PSH; /* tcp_push: the last segment of what was written */
	seg_out(t, p);
}

/* tcp_send_ack. With SACK, an ACK sent while data is queued out of order
   carries the blocks (RFC 2018 4): the one holding the latest segment
   first, then the others from the highest down, as many as fit. */
static void send_ack(ss_tcp *t)
{
	/* Sequence number: the highest sent (Linux's snd_nxt, which a
	   timeout does not move back; here snd_max). */
	ss_packet *p = seg_new(t, t->snd_max, 0);
	if (p && t->sack && t->nooo) {
		uint32_t room = OPT_SPACE - p->opt_bytes - OPT_SACK_BASE;
		uint32_t max = umin32(room / OPT_SACK_BLOCK, 4);
		size_t first = t->ooo_last < t->nooo ? t->ooo_last : t->nooo - 1;
		p->sack[0][0] = t->ooo[first].l;
		p->sack[0][1] = t->ooo[first].r;
		p->nsack = 1;
		for (size_t i = t->nooo; i-- > 0 && p->nsack < max;)
			if (i != first) {
				p->sack[p->nsack][0] = t->ooo[i].l;
				p->sack[p->nsack][1] = t->ooo[i].r;
				p->nsack++;
			}
		p->opt_bytes += OPT_SACK_BASE + OPT_SACK_BLOCK * p->nsack;
	}
	seg_out(t, p);
}

/* Room for one more record; SS_ENOMEM stops sending until later. */
static int seg_room(ss_tcp *t)
{
	if (t->seg_lo == t->seg_n)
		t->seg_lo = t->seg_n = 0;
	else if (t->seg_lo > 64 && t->seg_lo >= t->seg_n - t->seg_lo) {
		memmove(t->segs, t->segs + t->seg_lo, (t->seg_n - t->seg_lo) * sizeof *t->segs);
		t->seg_n -= t->seg_lo;
		t->seg_lo = 0;
	}
	return ss_grow(&t->segs, &t->seg_cap, t->seg_n + 1, sizeof *t->segs, 64);
}

/* Sends [snd_nxt, snd_nxt + len) and advances snd_nxt; the caller made
   room for its record. A segment below snd_max is a retransmission
   (after a timeout, go-back-N). */
static void send_new(ss_tcp *t, uint32_t len)
{
	uint32_t seq = t->snd_nxt;
	int re = seq_lt(seq, t->snd_max);
	t->segs[t->seg_n++] = (seg_rec){.seq = seq, .end = seq + len, .sent = now_of(t), .retrans = re};
	t->snd_nxt += len;
	if (seq_gt(t->snd_nxt, t->snd_max))
		t->snd_max = t->snd_nxt;
	/* RFC 2988 5.1: start the timer when it is not running. */
	if (!t->t[TMR_RTO].armed)
		tmr_set(t, TMR_RTO, now_of(t) + t->rto);
	send_data(t, seq, len, re);
}

/* Retransmits the first unacknowledged segment (fast retransmit, NewReno
   partial ACK) and restarts the RTO, as Linux does whenever it
   retransmits the head of the queue (tcp_xmit_retransmit_queue). */
static void retransmit_head(ss_tcp *t)
{
	if (!packets_out(t))
		return;
	seg_rec *r = &t->segs[t->seg_lo];
	r->sent = now_of(t);
	r->retrans = 1;
	tmr_set(t, TMR_RTO, now_of(t) + t->rto);
	send_data(t, r->seq, r->end - r->seq, 1);
}

/* tcp_enter_cwr (2.6.11): local congestion (the device queue refused a
   segment) halves ssthresh once per window and takes cwnd down to what
   is in flight plus one; the CWR state holds until data sent after it
   is acknowledged. */
static uint32_t ssthresh_after_loss(const ss_tcp *t);
static void enter_cwr(ss_tcp *t)
{
	if (t->ca != CA_OPEN)
		return;
	t->ssthresh = ssthresh_after_loss(t);
	t->cwnd = umin32(t->cwnd, in_flight(t) + 1);
	t->cwnd_cnt = 0;
	t->recover = t->snd_nxt;
	t->ca = CA_CWR;
}

/* tcp_write_xmit: segments of at most the MSS while the congestion
   window (in segments: tcp_cwnd_test), the peer's window (never beyond
   its right edge: RFC 793 3.7, RFC 1122 4.2.3.4) and Nagle allow.
   Nagle (RFC 896, RFC 1122 4.2.3.4): a segment shorter than the MSS
   waits while any data is unacknowledged. Linux 2.6.11 uses Minshall's
   variant (tcp_minshall_check: only an unacknowledged short segment
   holds it back); the engine uses RFC 896's rule. After a timeout the
   data below snd_max goes again as it is (no Nagle: it was sent). */
static void push(ss_tcp *t)
{
	if (!t->connected)
		return;
	while (unsent(t)) {
		uint32_t len = umin32(t->pl, unsent(t));
		if (in_flight(t) >= t->cwnd)
			break;
		if (seq_gt(t->snd_nxt + len, t->snd_una + t->snd_wnd))
			break;
		if (len < t->pl && t->c.nagle && seq_ge(t->snd_nxt, t->snd_max) && packets_out(t))
			break;
		if (seg_room(t) != SS_OK)
			break;
		if (t->h.xmit_full && t->h.xmit_full(t->h.ctx)) {
			/* tcp_write_xmit: tcp_transmit_skb failed, the segment
			   stays unsent until the next ACK; tcp_transmit_skb
			   calls tcp_enter_cwr. */
			t->st.xmit_full++;
			enter_cwr(t);
			break;
		}
		send_new(t, len);
	}
	/* tcp_check_probe_timer: nothing in flight, data waiting (the
	   window is closed): the persist timer probes at the RTO. */
	if (!packets_out(t) && unsent(t) && !t->t[TMR_PROBE].armed)
		tmr_set(t, TMR_PROBE, now_of(t) + t->rto);
}

/* ---- RTT and RTO ---- */

/* RFC 2988 2.2-2.3 (alpha 1/8, beta 1/4, K 4). Linux's tcp_rtt_estimator
   and tcp_set_rto bound the variance term, not the sum, by
   TCP_RTO_MIN: RTO = SRTT + max(4 RTTVAR, rto_min), at most 120 s. */
static void rtt_sample(ss_tcp *t, ss_time r)
{
	if (r < 0)
		r = 0;
	if (!t->have_rtt) {
		t->srtt = r;
		t->rttvar = r / 2;
		t->have_rtt = 1;
	} else {
		ss_time d = t->srtt > r ? t->srtt - r : r - t->srtt;
		t->rttvar = (3 * t->rttvar + d) / 4;
		t->srtt = (7 * t->srtt + r) / 8;
	}
	ss_time var = 4 * t->rttvar;
	t->rto = t->srtt + (var > t->c.rto_min ? var : t->c.rto_min);
	if (t->rto > RTO_MAX)
		t->rto = RTO_MAX;
}

/* ---- congestion control ---- */

/* tcp_recalc_ssthresh (2.6.11): half the congestion window, at least 2
   (RFC 2581 3.1 says half the flight; Linux halves cwnd). */
static uint32_t ssthresh_after_loss(const ss_tcp *t)
{
	uint32_t s = t->cwnd / 2;
	return s < 2 ? 2 : s;
}

/* reno_cong_avoid (2.6.11): per ACK of new data, slow start adds one
   segment while cwnd <= ssthresh (RFC 2581 3.1; no byte counting in
   2.6.11); above it one segment every cwnd + 1 ACKs. */
static void cong_avoid(ss_tcp *t)
{
	int room = !t->c.max_cwnd || t->cwnd < t->c.max_cwnd;
	if (t->cwnd <= t->ssthresh) {
		if (room)
			t->cwnd++;
	} else if (t->cwnd_cnt >= t->cwnd) {
		if (room)
			t->cwnd++;
		t->cwnd_cnt = 0;
	} else {
		t->cwnd_cnt++;
	}
}

/* RFC 2581 3.2 / RFC 3782 3 step 1-2: the third duplicate ACK halves the
   window and retransmits the lost segment. cwnd is set to ssthresh at
   once (RFC 3782's ssthresh + 3 with the three segments counted out of
   the flight instead; Linux reaches ssthresh by rate halving). */
static void enter_recovery(ss_tcp *t)
{
	/* tcp_fastretrans_alert: ssthresh is already reduced in CWR. */
	if (t->ca == CA_OPEN)
		t->ssthresh = ssthresh_after_loss(t);
	t->cwnd = t->ssthresh;
	t->cwnd_cnt = 0;
	t->recover = t->snd_max;
	t->ca = CA_RECOVERY;
	t->st.fast_retrans++;
	retransmit_head(t);
}

static void on_dupack(ss_tcp *t)
{
	t->st.dupacks_in++;
	t->dupacks++;
	if (t->ca == CA_LOSS)
		return; /* tcp_fastretrans_alert: Loss ignores them */
	/* tcp_add_reno_sack: each stands for a segment received, short of
	   the hole (tcp_check_reno_reordering keeps one out). */
	if (t->sacked + 1 < packets_out(t))
		t->sacked++;
	if ((t->ca == CA_OPEN || t->ca == CA_CWR) && t->dupacks == REORDERING)
		enter_recovery(t);
}

/* An ACK that acknowledges new data. */
static void on_new_ack(ss_tcp *t, uint32_t ack, uint32_t prior_in_flight)
{
	uint32_t acked = ack - t->snd_una;
	t->st.bytes_acked += acked;
	t->snd_una = ack;
	if (seq_lt(t->snd_nxt, ack))
		t->snd_nxt = ack; /* after a timeout: the receiver had more */
	uint32_t pkts = 0;
	int retrans = 0;
	ss_time oldest = -1;
	while (t->seg_lo < t->seg_n && seq_le(t->segs[t->seg_lo].end, ack)) {
		const seg_rec *r = &t->segs[t->seg_lo++];
		if (r->retrans)
			retrans = 1;
		else if (oldest < 0)
			oldest = r->sent;
		pkts++;
	}
	if (t->seg_lo < t->seg_n && seq_lt(t->segs[t->seg_lo].seq, ack))
		t->segs[t->seg_lo].seq = ack; /* partly acknowledged: tcp_trim_head */
	/* tcp_clean_rtx_queue: the RTT of the oldest segment this ACK
	   covers; none when it covers a retransmission (Karn, RFC 2988 3).
	   Microseconds of simulated time rather than Linux's jiffies: below
	   the 200 ms floor either resolution gives the same RTO. */
	if (!retrans && oldest >= 0)
		rtt_sample(t, now_of(t) - oldest);

	/* tcp_ack: cwnd grows only when the flight filled it (the
	   sender was window-limited) and not during Recovery
	   (tcp_may_raise_cwnd). */
	if (prior_in_flight >= t->cwnd && t->ca != CA_RECOVERY && t->ca != CA_CWR)
		cong_avoid(t);

	switch (t->ca) {
	case CA_OPEN:
		t->dupacks = t->sacked = 0;
		break;
	case CA_CWR:
		t->dupacks = t->sacked = 0;
		if (seq_gt(ack, t->recover)) {
			/* tcp_complete_cwr: something above high_seq is ACKed. */
			t->cwnd = umin32(t->cwnd, t->ssthresh);
			t->ca = CA_OPEN;
		} else {
			/* tcp_cwnd_down: one segment less per two ACKs, down to
			   half ssthresh, never above the flight plus one. */
			uint32_t decr = t->cwnd_cnt + 1;
			t->cwnd_cnt = decr & 1;
			decr >>= 1;
			if (decr && t->cwnd > t->ssthresh / 2 && t->cwnd > decr)
				t->cwnd -= decr;
			t->cwnd = umin32(t->cwnd, in_flight(t) + 1);
		}
		break;
	case CA_RECOVERY:
		if (seq_ge(ack, t->recover)) {
			/* RFC 3782 3 step 5, full ACK: cwnd = min(ssthresh,
			   FlightSize + SMSS), no burst. */
			t->cwnd = umin32(t->ssthresh, packets_out(t) + 1);
			t->ca = CA_OPEN;
			t->dupacks = t->sacked = 0;
		} else {
			/* RFC 3782 3 step 5, partial ACK: deflate by what was
			   acknowledged less one segment (Linux
			   tcp_remove_reno_sacks), retransmit the next hole. */
			uint32_t back = pkts ? pkts - 1 : 0;
			t->sacked -= umin32(t->sacked, back);
			retransmit_head(t);
		}
		break;
	case CA_LOSS:
		if (seq_ge(ack, t->recover)) {
			t->ca = CA_OPEN;
			t->dupacks = t->sacked = 0;
		}
		break;
	}
	/* RFC 2988 5.2-5.3 (tcp_ack_packets_out). */
	if (!packets_out(t))
		tmr_clear(t, TMR_RTO);
	else
		tmr_set(t, TMR_RTO, now_of(t) + t->rto);
}

/* The persist interval: rto << backoff, at most 120 s (tcp_ack_probe,
   tcp_send_probe0). rto <= 120 s, so 15 doublings stay in 63 bits. */
static ss_time probe_interval(const ss_tcp *t)
{
	ss_time iv = t->rto << t->probe_backoff;
	return iv < RTO_MAX ? iv : RTO_MAX;
}

/* A forward ACK taken (ss_tcp_set_fwd_ack): the bytes written but not
   sent below it count as sent, snd_nxt = snd_max = ack (no records for
   them: on_new_ack drops the records below the ACK and needs none for
   the rest). Beyond what is written, the ACK is taken for write_seq and
   the writes up to it are discarded (ss_tcp_write). Returns the ACK to
   process. */
static uint32_t fwd_take(ss_tcp *t, uint32_t ack)
{
	if (seq_gt(ack, t->write_seq)) {
		if (!t->fwd_skipping || seq_gt(ack, t->fwd_skip))
			t->fwd_skip = ack;
		t->fwd_skipping = 1;
		ack = t->write_seq;
	}
	t->snd_nxt = t->snd_max = ack;
	return ack;
}

/* tcp_ack. Returns 1 when send-buffer space was freed. */
static int on_ack(ss_tcp *t, const ss_packet *p)
{
	uint32_t ack = p->ack;
	if (seq_lt(ack, t->snd_una)) {
		t->st.old_acks++;
		return 0; /* old: tcp_ack ignores it */
	}
	if (seq_gt(ack, t->snd_max)) {
		/* Acknowledges nothing sent: tcp_ack ignores it (RFC 793 3.9),
		   unless forward ACKs are taken. */
		t->st.fwd_acks++;
		if (!t->fwd_ack_on)
			return 0;
		ack = fwd_take(t, ack);
	}
	uint32_t prior_in_flight = in_flight(t), prior_packets = packets_out(t);
	int win_update = 0;
	/* tcp_may_update_window (RFC 793 3.9, SND.WL1/WL2). */
	if (seq_gt(ack, t->snd_una) || seq_gt(p->seq, t->snd_wl1) || (p->seq == t->snd_wl1 && p->wnd > t->snd_wnd)) {
		win_update = p->wnd != t->snd_wnd;
		t->snd_wnd = p->wnd;
		t->snd_wl1 = p->seq;
	}
	int freed = 0;
	if (seq_gt(ack, t->snd_una)) {
		on_new_ack(t, ack, prior_in_flight);
		freed = 1;
	} else if (!p->payload && !win_update && prior_packets) {
		/* RFC 2581 2 (and tcp_ack's FLAG_NOT_DUP): same ACK, no data,
		   no window change, data outstanding. */
		on_dupack(t);
	}
	/* tcp_ack_probe: an ACK while nothing was in flight and data waits
	   (the window was closed): stop probing if the next segment now
	   fits, else probe again after the backed-off interval. */
	if (!prior_packets && unsent(t)) {
		uint32_t len = umin32(t->pl, unsent(t));
		if (seq_le(t->snd_nxt + len, t->snd_una + t->snd_wnd)) {
			t->probe_backoff = 0;
			tmr_clear(t, TMR_PROBE);
		} else {
			tmr_set(t, TMR_PROBE, now_of(t) + probe_interval(t));
		}
	}
	return freed;
}

/* ---- timers fire ---- */

/* tcp_retransmit_timer / tcp_enter_loss: ssthresh halves unless already
   reduced by this loss (Recovery, a repeated timeout), cwnd is one
   segment (RFC 2581 3.1), every segment in flight counts as lost and
   goes again from snd_una as the window opens (go-back-N), the RTO
   doubles (RFC 2988 5.5) until a valid RTT sample; duplicate ACKs for
   data below snd_max start no fast retransmit (RFC 3782 6). */
static void on_rto(ss_tcp *t)
{
	if (!packets_out(t))
		return;
	t->st.timeouts++;
	if (t->ca == CA_OPEN)
		t->ssthresh = ssthresh_after_loss(t);
	t->cwnd = 1;
	t->cwnd_cnt = 0;
	t->ca = CA_LOSS;
	t->recover = t->snd_max;
	t->dupacks = t->sacked = 0;
	t->snd_nxt = t->snd_una;
	t->seg_lo = t->seg_n = 0;
	t->rto = t->rto * 2 < RTO_MAX ? t->rto * 2 : RTO_MAX;
	/* The head goes whatever the peer's window (tcp_retransmit_skb
	   always allows the segment at snd_una). */
	uint32_t len = umin32(t->pl, t->write_seq - t->snd_una);
	if (seg_room(t) == SS_OK)
		send_new(t, len);
	tmr_set(t, TMR_RTO, now_of(t) + t->rto);
}

/* tcp_probe_timer / tcp_send_probe0 / tcp_write_wakeup: with the window
   open a little, send what fits; closed, send a zero-length segment
   with an old sequence number (snd_una - 1), which the receiver must
   answer with an ACK (RFC 793 3.7, RFC 1122 4.2.2.17). Then probe again
   at rto << backoff, at most 120 s. */
static void on_probe(ss_tcp *t)
{
	if (packets_out(t) || !unsent(t)) {
		t->probe_backoff = 0;
		return;
	}
	int32_t room = (int32_t)(t->snd_una + t->snd_wnd - t->snd_nxt);
	if (room > 0 && seg_room(t) == SS_OK) {
		send_new(t, umin32(umin32((uint32_t)room, t->pl), unsent(t)));
	} else {
		t->st.zero_window_probes++;
		seg_out(t, seg_new(t, t->snd_una - 1, 0));
	}
	if (packets_out(t)) {
		t->probe_backoff = 0;
		return;
	}
	if (t->probe_backoff < MAX_BACKOFF)
		t->probe_backoff++;
	tmr_set(t, TMR_PROBE, now_of(t) + probe_interval(t));
}

/* tcp_delack_timer. The ATO stays at delack_min: Linux inflates it only
   when the timer fires in a bulk stream (every second segment is ACKed
   before), or for gaps longer than it: ASSUMPTION (no interactive
   traffic). */
static void on_delack(ss_tcp *t)
{
	if (!t->ack_sched || t->appack_on)
		return;
	t->st.delayed_acks++;
	send_ack(t);
}

static void on_timer(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	ss_tcp *t = ctx;
	tmr *m = &t->t[arg];
	m->ev = SS_TIMER_NONE;
	if (!m->armed)
		return;
	if (now_of(t) < m->deadline) {
		m->at = m->deadline;
		m->ev = ss_sim_at(t->sim, m->deadline, on_timer, t, arg);
		return;
	}
	m->armed = 0;
	switch (arg) {
	case TMR_RTO:
		on_rto(t);
		break;
	case TMR_PROBE:
		on_probe(t);
		break;
	case TMR_DELACK:
		on_delack(t);
		break;
	}
	push(t);
}

/* ---- segments in ---- */

/* tcp_enter_quickack_mode / tcp_incr_quickack: back to ACKing every
   segment (out-of-order or duplicate data). */
static void quickack_mode(ss_tcp *t)
{
	if (t->quick < t->c.quickack)
		t->quick = t->c.quickack;
}

/* Queues [l, r) out of order, merging neighbours. SS_ENOMEM: the segment
   is dropped (the sender will send it again). */
static int ooo_add(ss_tcp *t, uint32_t l, uint32_t r)
{
	size_t i = 0;
	while (i < t->nooo && seq_lt(t->ooo[i].r, l))
		i++;
	/* ranges from i on end at or after l; merge those starting at or before r */
	size_t j = i;
	uint32_t nl = l, nr = r;
	while (j < t->nooo && seq_le(t->ooo[j].l, r)) {
		if (seq_lt(t->ooo[j].l, nl))
			nl = t->ooo[j].l;
		if (seq_gt(t->ooo[j].r, nr))
			nr = t->ooo[j].r;
		t->ooo_bytes -= t->ooo[j].r - t->ooo[j].l;
		j++;
	}
	if (j == i) {
		if (ss_grow(&t->ooo, &t->ooo_cap, t->nooo + 1, sizeof *t->ooo, 8) != SS_OK)
			return SS_ENOMEM;
		memmove(t->ooo + i + 1, t->ooo + i, (t->nooo - i) * sizeof *t->ooo);
		t->nooo++;
	} else if (j > i + 1) {
		memmove(t->ooo + i + 1, t->ooo + j, (t->nooo - j) * sizeof *t->ooo);
		t->nooo -= j - i - 1;
	}
	t->ooo[i] = (range){nl, nr};
	t->ooo_bytes += nr - nl;
	t->ooo_last = i;
	return SS_OK;
}

/* tcp_data_queue. Returns 1 when in-order data became readable. */
static int on_data(ss_tcp *t, const ss_packet *p)
{
	uint32_t seq = p->seq, end = p->seq + p->payload;
	if (seq_le(end, t->rcv_nxt)) {
		/* All old: a retransmission. ACK at once. */
		t->ack_now = 1;
		quickack_mode(t);
		return 0;
	}
	if (seq_ge(seq, t->rcv_wup + t->rcv_wnd)) {
		/* Beyond the window offered (a closed one included): drop,
		   ACK (RFC 793 3.9). */
		t->ack_now = 1;
		return 0;
	}
	/* tcp_measure_rcv_mss: a short segment marks the ACK as pushed. */
	if (p->payload < t->pl)
		t->ack_pushed = 1;
	if (seq_le(seq, t->rcv_nxt)) {
		int had_ooo = t->nooo > 0;
		/* tcp_data_queue's direct copy: in order onto an empty receive
		   queue, straight into an installed reader's buffer. */
		if (t->ucopy_len && t->copied == t->rcv_nxt) {
			uint32_t chunk = umin32(end - t->rcv_nxt, t->ucopy_len);
			t->copied += chunk;
			t->ucopy_len -= chunk;
			t->ucopy_taken += chunk;
			t->st.bytes_read += chunk;
		}
		t->rcv_nxt = end;
		size_t k = 0;
		while (k < t->nooo && seq_le(t->ooo[k].l, t->rcv_nxt)) {
			if (seq_gt(t->ooo[k].r, t->rcv_nxt))
				t->rcv_nxt = t->ooo[k].r;
			t->ooo_bytes -= t->ooo[k].r - t->ooo[k].l;
			k++;
		}
		if (k) {
			memmove(t->ooo, t->ooo + k, (t->nooo - k) * sizeof *t->ooo);
			t->nooo -= k;
			t->ooo_last = 0;
		}
		t->ack_sched = 1;
		/* RFC 2581 4.2: a segment that fills a gap is ACKed at once. */
		if (had_ooo)
			t->ack_now = 1;
		return 1;
	}
	/* Out of order: queued; RFC 2581 4.2 (and Linux, which also enters
	   quick-ACK mode): an immediate duplicate ACK. */
	if (ooo_add(t, seq, end) != SS_OK)
		return 0;
	t->st.ooo_segs++;
	t->ack_sched = t->ack_now = 1;
	quickack_mode(t);
	return 0;
}

/* tcp_send_delayed_ack: the timer runs delack_min from the first
   unacknowledged segment and is not pushed back by later ones; when it
   would fire within a quarter of that anyway, ACK now. */
static void delack_schedule(ss_tcp *t)
{
	ss_time ato = t->c.delack_min, now = now_of(t);
	if (t->t[TMR_DELACK].armed) {
		if (t->t[TMR_DELACK].deadline <= now + ato / 4)
			send_ack(t);
		return;
	}
	tmr_set(t, TMR_DELACK, now + ato);
}

/* __tcp_ack_snd_check: ACK at once when more than one full segment is
   unacknowledged and the window does not shrink (RFC 1122 4.2.3.2:
   every second full segment), in quick-ACK mode, or with data queued
   out of order; else delay. */
static void ack_check(ss_tcp *t)
{
	if (t->appack_on) {
		/* The ACK is withheld (ss_tcp_set_appack): none for data
		   arrival, duplicates, out-of-order or out-of-window segments,
		   probes; the owed one goes with the next data segment or at
		   ss_tcp_appack. */
		t->ack_sched = t->ack_now = 0;
		return;
	}
	if (!t->ack_sched && !t->ack_now)
		return;
	if (t->ack_now || !t->c.delack || (t->rcv_nxt - t->rcv_wup > t->pl && window_raw(t) >= t->rcv_wnd) ||
	    t->quick || t->nooo)
		send_ack(t);
	else
		delack_schedule(t);
}

void ss_tcp_input(ss_tcp *t, ss_packet *p)
{
	if (!t->connected) {
		ss_pktpool_put(t->pool, p);
		return;
	}
	t->st.segs_in++;
	int freed = 0, readable = 0;
	if (p->flags & SS_TCP_ACK)
		freed = on_ack(t, p);
	/* RFC 1323 3.4 / tcp_store_ts_recent: TS.Recent from a segment at or
	   before the last ACK sent. */
	if (t->ts && seq_le(p->seq, t->rcv_wup) && (int32_t)(p->tsval - t->ts_recent) >= 0)
		t->ts_recent = p->tsval;
	if (p->payload)
		readable = on_data(t, p);
	else if (seq_lt(p->seq, t->rcv_nxt))
		t->ack_now = 1; /* a zero-window probe: unacceptable, answer (RFC 793 3.9) */
	ss_pktpool_put(t->pool, p);
	push(t);      /* tcp_data_snd_check: data segments carry the ACK */
	ack_check(t); /* tcp_ack_snd_check */
	if (freed && t->h.writable)
		t->h.writable(t->h.ctx);
	if (readable && t->h.readable)
		t->h.readable(t->h.ctx);
}

/* ---- application ---- */

uint32_t ss_tcp_send_space(const ss_tcp *t)
{
	if (!t->connected)
		return 0;
	uint32_t queued = t->write_seq - t->snd_una;
	return queued >= t->c.sndbuf ? 0 : t->c.sndbuf - queued;
}

uint32_t ss_tcp_write(ss_tcp *t, uint32_t n)
{
	uint32_t skip = 0;
	if (t->fwd_skipping && t->connected) {
		/* Bytes a forward ACK covered (fwd_take): the peer has them,
		   from another sender. Taken and never sent: everything moves
		   together (nothing is in flight while skipping), no send
		   space is used. bytes_acked counts them, as it counts what a
		   forward ACK covers of the written bytes. */
		skip = umin32(n, t->fwd_skip - t->write_seq);
		t->write_seq += skip;
		t->snd_una = t->snd_nxt = t->snd_max = t->write_seq;
		t->st.fwd_discarded += skip;
		t->st.bytes_acked += skip;
		if (t->write_seq == t->fwd_skip)
			t->fwd_skipping = 0;
		n -= skip;
	}
	uint32_t take = umin32(n, ss_tcp_send_space(t));
	if (!take)
		return skip;
	t->write_seq += take;
	push(t);
	return skip + take;
}

uint32_t ss_tcp_readable(const ss_tcp *t) { return t->connected ? t->rcv_nxt - t->copied : 0; }

void ss_tcp_ucopy(ss_tcp *t, uint32_t len) { t->ucopy_len = len; }

uint32_t ss_tcp_ucopy_taken(ss_tcp *t)
{
	uint32_t n = t->ucopy_taken;
	t->ucopy_taken = 0;
	return n;
}

/* tcp_recvmsg's cleanup_rbuf: ACK now if an ACK is owed for more than
   one segment or for a short segment now read out of an empty buffer;
   else send a window update when the window left is at most half the
   largest and the free space now offers at least twice it (so a closed
   window reopens as soon as one MSS fits). */
uint32_t ss_tcp_read(ss_tcp *t, uint32_t n)
{
	uint32_t take = umin32(n, ss_tcp_readable(t));
	if (!take)
		return 0;
	t->copied += take;
	t->st.bytes_read += take;
	int now = 0;
	if (t->appack_on)
		return take; /* no window update while the ACK is withheld */
	if (t->c.bsd_winupd) {
		/* 4.3BSD PRU_RCVD -> tcp_output: a window update only when the
		   offer would grow by two segments or half the buffer. */
		uint64_t offer = window_left(t), w = window_raw(t);
		uint64_t adv = w > offer ? w - offer : 0;
		if (adv >= 2 * (uint64_t)t->pl || 2 * adv >= t->c.rcvbuf)
			send_ack(t);
		return take;
	}
	if (t->ack_sched && (t->rcv_nxt - t->rcv_wup > t->pl || (t->ack_pushed && rmem(t) == 0)))
		now = 1;
	if (!now) {
		uint64_t left = window_left(t);
		if (2 * left <= t->window_clamp) {
			uint32_t w = window_raw(t);
			if (w && w >= 2 * left)
				now = 1;
		}
	}
	if (now)
		send_ack(t);
	return take;
}

/* ---- life cycle ---- */

int ss_tcp_alloc(ss_tcp **out, ss_sim *sim, const char *name, const ss_tcp_config *c, ss_pktpool *pool,
		 const ss_tcp_hooks *h, char *err, size_t errlen)
{
	*out = NULL;
	if (!name)
		name = "tcp";
	if (!sim || !pool || !h || !h->output) {
		ss_errbuf(err, errlen, "TCP %s: needs a simulator, a packet pool and an output hook", name);
		return SS_EINVAL;
	}
	char msg[200];
	if (ss_tcp_config_check(c, msg, sizeof msg) != SS_OK) {
		ss_errbuf(err, errlen, "TCP %s: %s", name, msg);
		return SS_EINVAL;
	}
	ss_tcp *t = calloc(1, sizeof *t);
	if (!t)
		return SS_ENOMEM;
	size_t nl = strlen(name) + 1;
	t->name = malloc(nl);
	if (!t->name || ss_grow(&t->segs, &t->seg_cap, 64, sizeof *t->segs, 64) != SS_OK) {
		ss_tcp_free(t);
		return SS_ENOMEM;
	}
	memcpy(t->name, name, nl);
	t->sim = sim;
	t->c = *c;
	t->pool = pool;
	t->h = *h;
	for (int k = 0; k < NTMR; k++)
		t->t[k].ev = SS_TIMER_NONE;
	*out = t;
	return SS_OK;
}

void ss_tcp_free(ss_tcp *t)
{
	if (!t)
		return;
	for (int k = 0; k < NTMR; k++)
		tmr_clear(t, k);
	free(t->segs);
	free(t->ooo);
	free(t->name);
	free(t);
}

/* The established state against a peer of config pc, sending from snd
   and receiving from rcv (ss_tcp_connect_pair: both 1). The appack and
   forward-ACK switches keep their values. */
static void establish_cfg(ss_tcp *t, const ss_tcp_config *pc, uint32_t snd, uint32_t rcv)
{
	for (int k = 0; k < NTMR; k++)
		tmr_clear(t, k);
	/* RFC 1323 1.3, 2.2 / RFC 2018 2: an option is on only if both
	   ends offer it. */
	t->ts = t->c.timestamps && pc->timestamps;
	t->sack = t->c.sack && pc->sack;
	ss_tcp_config eff = t->c;
	eff.timestamps = t->ts;
	eff.wscale = t->c.wscale && pc->wscale;
	t->rcv_ws = ss_tcp_wscale(&eff);
	t->pl = ss_tcp_seg_payload(&eff);
	t->window_clamp = clamp_of(&eff, t->rcv_ws);
	t->rcv_ssthresh = ssthresh_of(&eff, t->pl, t->window_clamp);
	t->snd_una = t->snd_nxt = t->snd_max = t->write_seq = snd;
	t->fwd_skipping = 0;
	t->fwd_skip = 0;
	t->seg_lo = t->seg_n = 0;
	t->cwnd = t->c.init_cwnd;
	t->ssthresh = UINT32_MAX;  /* RFC 2581 3.1: arbitrarily high */
	t->cwnd_cnt = 0;
	t->ca = CA_OPEN;
	t->recover = 0;            /* RFC 3782 3: the initial send sequence number */
	t->dupacks = t->sacked = 0;
	t->have_rtt = 0;
	t->srtt = t->rttvar = 0;
	t->rto = t->c.rto_init;
	t->probe_backoff = 0;
	t->rcv_nxt = t->rcv_wup = t->copied = t->rcv_appack = rcv;
	t->nooo = t->ooo_last = 0;
	t->ooo_bytes = 0;
	t->rcv_wnd = 0;
	t->rcv_wnd = window_raw(t);
	t->quick = t->c.quickack;  /* tcp_incr_quickack on the first data */
	t->ack_sched = t->ack_now = t->ack_pushed = 0;
	t->ts_recent = 0;
	t->snd_wl1 = rcv; /* the window as of the peer's first segment */
	t->connected = 1;
}

void ss_tcp_connect_pair(ss_tcp *a, ss_tcp *b)
{
	/* Initial sequence numbers 1 (after the handshake, RFC 793 3.3). */
	establish_cfg(a, &b->c, 1, 1);
	establish_cfg(b, &a->c, 1, 1);
	/* Each learns the other's window as the last ACK of the handshake
	   says it, scaled (ASSUMPTION: the SYNs' unscaled 16-bit windows
	   are not modelled; cwnd limits the first round anyway). */
	a->snd_wnd = offered(b);
	b->snd_wnd = offered(a);
}

/* ---- a relay's modifications ---- */

/* Turning on starts rcv_appack at rcv_nxt; an ACK owed then (the
   delayed-ACK timer running) goes at once, as it acknowledges no more
   than that. Turning off with data withheld ACKs them at once (the
   reason to withhold is gone; waiting would leave the peer to its
   RTO). */
void ss_tcp_set_appack(ss_tcp *t, int on)
{
	on = on != 0;
	if (on == t->appack_on)
		return;
	if (on) {
		t->rcv_appack = t->rcv_nxt;
		t->appack_on = 1;
		if (t->connected && t->ack_sched)
			send_ack(t);
		return;
	}
	t->appack_on = 0;
	if (t->connected && t->rcv_appack != t->rcv_nxt)
		send_ack(t);
}

/* A seq behind rcv_appack does nothing (no ACK); one at it sends the
   same ACK again (a window update, or a duplicate ACK to the peer if
   its window is unchanged and data are outstanding). With appack off
   the ACKs follow the usual rules: nothing to do. */
void ss_tcp_appack(ss_tcp *t, uint32_t seq)
{
	if (!t->connected || !t->appack_on || seq_lt(seq, t->rcv_appack))
		return;
	t->rcv_appack = seq_lt(seq, t->rcv_nxt) ? seq : t->rcv_nxt;
	send_ack(t);
}

void ss_tcp_seqs_get(const ss_tcp *t, ss_tcp_seqs *s)
{
	s->snd_una = t->snd_una;
	s->snd_nxt = t->snd_max; /* the highest sent (snd_nxt is back at snd_una after a timeout) */
	s->write_seq = t->write_seq;
	s->rcv_nxt = t->rcv_nxt;
	s->rcv_appack = ack_of(t);
	s->copied = t->copied;
}

void ss_tcp_restore(ss_tcp *t, const ss_tcp_config *peer, uint32_t snd, uint32_t rcv, uint32_t peer_wnd)
{
	establish_cfg(t, peer, snd, rcv);
	/* establish_cfg left cwnd = init_cwnd, rto = rto_init, no timers,
	   no records, nothing out of order, the counters as they were. */
	t->recover = snd;
	t->snd_wnd = peer_wnd;
}

/* Turning off stops taking forward ACKs; writes a taken one covers are
   still discarded (the peer has those bytes: sent again, they would
   bring forward ACKs only). */
void ss_tcp_set_fwd_ack(ss_tcp *t, int on) { t->fwd_ack_on = on != 0; }

/* ---- statistics ---- */

static uint32_t sat_bytes(uint64_t segs, uint32_t pl)
{
	uint64_t b = segs * pl;
	return b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
}

void ss_tcp_stats_get(const ss_tcp *t, ss_tcp_stats *s)
{
	*s = t->st;
	s->cwnd = sat_bytes(t->cwnd, t->pl);
	s->ssthresh = sat_bytes(t->ssthresh, t->pl);
	s->srtt_us = (uint32_t)(t->srtt / SS_PS_PER_US);
	s->rto_us = (uint32_t)(t->rto / SS_PS_PER_US);
	s->peer_wnd = t->snd_wnd;
}

void ss_tcp_stats_reset(ss_tcp *t) { memset(&t->st, 0, sizeof t->st); }
