/* The TCP engine between two ends joined by an Ethernet link: goodput on
   a link-limited path, throughput on a window-limited one, ACK every
   second segment, the delayed-ACK timer, Nagle, the advertised window
   with and without scaling, slow start, fast retransmit, NewReno
   partial ACKs, the RTO, random loss, the zero window and its probes,
   header sizes, no packet leaks, determinism; a relay's modifications:
   the withheld ACK (appack) and its window, a restored state, forward
   ACKs. Each expected value is derived where it is checked. */
#include <stdint.h>
#include <string.h>

#include "ss_err.h"
#include "ss_link.h"
#include "ss_packet.h"
#include "ss_sim.h"
#include "ss_tcp.h"
#include "ss_test.h"

#define MS SS_PS_PER_MS
#define US SS_PS_PER_US

typedef struct harness harness;

/* One end: its engine, the NIC queue in front of the link, the
   application that writes `total` bytes as fast as send space allows
   and a reader that reads at once while `reading`. */
typedef struct end {
	harness *h;
	int side;
	ss_tcp *tcp;
	ss_pktq txq;
	uint64_t total, written;
	int reading;
	uint32_t hi_end;       /* end of the highest data sent: a segment at or above it is a first transmission */
} end;

struct harness {
	ss_sim *sim;
	ss_pktpool *pool;
	ss_link *link;
	end e[2];
	/* Drops the first transmission of side 0's data segments that start
	   at drop_seq[i], and of those that start at or beyond drop_from
	   (0: none). */
	uint32_t drop_seq[4];
	int ndrop;
	uint32_t drop_from;
	uint64_t dropped;
	/* Side 0's device queue holds at most qcap segments waiting for the
	   link (0: no limit); one more is dropped (qdrops), unless the engine
	   asks first (full_hook). */
	size_t qcap;
	int full_hook;
	uint64_t qdrops;
	/* Sees every segment an end sends (before any drop). */
	void (*watch)(harness *h, int side, const ss_packet *p);
	void (*arrive)(harness *h, int side, const ss_packet *p); /* every segment side receives */
	void *ctx;
	/* every segment: len = hdr_l4 + payload, hdr_l4 = 20 + opt_bytes */
	uint64_t segs, bad_len;
};

static void nic_done(void *ctx);

static void nic_kick(end *e)
{
	if (ss_link_busy(e->h->link, e->side) || !ss_pktq_len(&e->txq))
		return;
	ss_packet *p = ss_pktq_pop(&e->txq);
	if (ss_link_transmit(e->h->link, e->side, p, nic_done, e) != SS_OK) {
		printf("Bail out! the link refused a segment of %u bytes\n", p->len);
		exit(1);
	}
}

static void nic_done(void *ctx) { nic_kick(ctx); }

static int drop_it(harness *h, end *e, const ss_packet *p)
{
	if (e->side != 0 || !p->payload)
		return 0;
	int first = (int32_t)(p->seq - e->hi_end) >= 0;
	if ((int32_t)(p->seq + p->payload - e->hi_end) > 0)
		e->hi_end = p->seq + p->payload;
	if (!first)
		return 0;
	for (int i = 0; i < h->ndrop; i++)
		if (p->seq == h->drop_seq[i])
			return 1;
	return h->drop_from && (int32_t)(p->seq - h->drop_from) >= 0;
}

static void on_output(void *ctx, ss_packet *p)
{
	end *e = ctx;
	harness *h = e->h;
	h->segs++;
	if (p->len != p->hdr_l4 + p->payload || p->hdr_l4 != 20u + p->opt_bytes)
		h->bad_len++;
	/* The host's part: the IP header (RFC 791, no options). */
	p->hdr_l3 = 20;
	p->len += p->hdr_l3;
	if (h->watch)
		h->watch(h, e->side, p);
	if (e->side == 0 && h->qcap && ss_pktq_len(&e->txq) >= h->qcap) {
		h->qdrops++;
		ss_pktpool_put(h->pool, p);
		return;
	}
	if (drop_it(h, e, p)) {
		h->dropped++;
		ss_pktpool_put(h->pool, p);
		return;
	}
	ss_pktq_push(&e->txq, p);
	nic_kick(e);
}

static int on_xmit_full(void *ctx)
{
	const end *e = ctx;
	return e->side == 0 && e->h->full_hook && e->h->qcap && ss_pktq_len(&e->txq) >= e->h->qcap;
}

static void app_write(end *e)
{
	while (e->written < e->total) {
		uint64_t want = e->total - e->written;
		uint32_t n = ss_tcp_write(e->tcp, want > UINT32_MAX ? UINT32_MAX : (uint32_t)want);
		if (!n)
			break;
		e->written += n;
	}
}

static void on_writable(void *ctx) { app_write(ctx); }

static void on_readable(void *ctx)
{
	end *e = ctx;
	if (e->reading)
		ss_tcp_read(e->tcp, UINT32_MAX);
}

static void on_deliver(void *ctx, ss_packet *p)
{
	end *e = ctx;
	if (e->h->arrive)
		e->h->arrive(e->h, e->side, p);
	ss_tcp_input(e->tcp, p);
}

/* Side i's engine under c, with the harness's hooks (not connected). */
static void h_engine(harness *h, int i, const ss_tcp_config *c)
{
	char err[256];
	end *e = &h->e[i];
	ss_tcp_hooks hk = {.ctx = e, .output = on_output, .xmit_full = on_xmit_full, .readable = on_readable, .writable = on_writable};
	if (ss_tcp_alloc(&e->tcp, h->sim, i ? "b" : "a", c, h->pool, &hk, err, sizeof err) != SS_OK) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
}

static void h_init(harness *h, double rate, ss_time prop, double loss, const ss_tcp_config *c0,
		   const ss_tcp_config *c1, uint64_t seed)
{
	memset(h, 0, sizeof *h);
	char err[256];
	SS_MUST(ss_sim_alloc(&h->sim, seed));
	SS_MUST(ss_pktpool_alloc(&h->pool, 0));
	ss_link_spec s;
	SS_MUST(ss_link_spec_ethernet(&s, rate, 1500));
	s.prop = prop;
	s.loss = loss;
	if (ss_link_alloc(&h->link, h->sim, "eth", &s, err, sizeof err) != SS_OK) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	ss_link_set_pool(h->link, h->pool);
	const ss_tcp_config *c[2] = {c0, c1};
	for (int i = 0; i < 2; i++) {
		end *e = &h->e[i];
		e->h = h;
		e->side = i;
		e->reading = 1;
		e->hi_end = 1;
		ss_pktq_init(&e->txq);
		h_engine(h, i, c[i]);
		ss_link_attach(h->link, i, on_deliver, e);
	}
	ss_tcp_connect_pair(h->e[0].tcp, h->e[1].tcp);
}

/* Side 0 starts writing `total` bytes now. */
static void h_send(harness *h, uint64_t total)
{
	h->e[0].total = total;
	app_write(&h->e[0]);
}

static ss_tcp_stats stats(const harness *h, int side)
{
	ss_tcp_stats s;
	ss_tcp_stats_get(h->e[side].tcp, &s);
	return s;
}

/* Runs until nothing is left to do, reads both ends' statistics (st
   may be NULL), frees everything and returns the packets still live
   (0: none leaked). */
static size_t h_finish(harness *h, ss_tcp_stats st[2])
{
	ss_sim_run(h->sim);
	if (st) {
		ss_tcp_stats_get(h->e[0].tcp, &st[0]);
		ss_tcp_stats_get(h->e[1].tcp, &st[1]);
	}
	size_t live = ss_pktpool_live(h->pool);
	for (int i = 0; i < 2; i++)
		ss_tcp_free(h->e[i].tcp);
	ss_sim_free(h->sim);
	ss_pktpool_free(h->pool);
	return live;
}

static ss_tcp_config stock(void)
{
	ss_tcp_config c;
	ss_tcp_config_linux2611(&c, 1460, 0);
	return c;
}

static ss_tcp_config tuned(void)
{
	ss_tcp_config c;
	ss_tcp_config_linux2611(&c, 1460, 1);
	return c;
}

/* ---- configuration ---- */

static void test_config(void)
{
	ss_tcp_config s = stock(), t = tuned();
	char msg[200];
	SS_CHECK(ss_tcp_config_check(&s, msg, sizeof msg) == SS_OK && ss_tcp_config_check(&t, msg, sizeof msg) == SS_OK,
		 "the Linux 2.6.11 presets are valid");
	/* RFC 3390: min(4 * 1460, max(2 * 1460, 4380)) = 4380 bytes = 3 segments. */
	SS_CHECK_INT(s.init_cwnd, 3, "RFC 3390 initial window for an MSS of 1460");
	/* Window of the empty stock buffer: min(3/4 * 174760, 65535) = 65535,
	   down to the MSS: 44 * 1460 = 64240; 64240 / (2 * 1460) = 22 > 16. */
	SS_CHECK_INT(s.quickack, 16, "quick ACKs: rcv_wnd / 2 MSS, at most 16");
	/* 4194304 = 2^22: >> 6 is 65536, >> 7 is 32768 <= 65535. */
	SS_CHECK(ss_tcp_wscale(&s) == 0 && ss_tcp_wscale(&t) == 7, "window scale 0 off, 7 for a 4 MB buffer");
	SS_CHECK(ss_tcp_header_bytes(&s) == 20 && ss_tcp_header_bytes(&t) == 32,
		 "TCP header 20 bytes, 32 with timestamps (10 + 2 padding)");
	SS_CHECK(ss_tcp_seg_payload(&s) == 1460 && ss_tcp_seg_payload(&t) == 1448,
		 "payload per segment: 1460, 1448 with timestamps");
	ss_tcp_config bad = s;
	bad.mss = 20;
	SS_CHECK(ss_tcp_config_check(&bad, msg, sizeof msg) == SS_EINVAL && strstr(msg, "mss"),
		 "an MSS of 20 is refused, naming the field");
	bad = s;
	bad.rcvbuf = 1000; /* 3/4 of it is 750 < 1460 */
	SS_CHECK(ss_tcp_config_check(&bad, msg, sizeof msg) == SS_EINVAL, "a receive buffer below one segment's window is refused");
	ss_sim *sim;
	ss_pktpool *pool;
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_pktpool_alloc(&pool, 0));
	static int sentinel; /* *out starts non-NULL: a failed alloc must clear it */
	ss_tcp *tcp = (ss_tcp *)&sentinel;
	ss_tcp_hooks hk = {.output = on_output};
	SS_CHECK(ss_tcp_alloc(&tcp, sim, "x", &bad, pool, &hk, msg, sizeof msg) == SS_EINVAL && tcp == NULL &&
			 strstr(msg, "rcvbuf"),
		 "ss_tcp_alloc refuses a bad config with a message");
	ss_tcp_free(NULL);
	ss_sim_free(sim);
	ss_pktpool_free(pool);
}

/* ---- 1, 6, 10: a link-limited bulk transfer with the tuned options ---- */

/* Watches data segments (side 0) and the receiver's ACKs (side 1). */
typedef struct wndwatch {
	uint32_t mult, limit, data_hdr; /* expected: window granule and bound, data header bytes */
	uint64_t acks, not_mult, over, data_hdr_bad;
	uint32_t max;
} wndwatch;

static void watch_windows(harness *h, int side, const ss_packet *p)
{
	wndwatch *w = h->ctx;
	if (side == 0) {
		if (p->payload && p->hdr_l4 != w->data_hdr)
			w->data_hdr_bad++;
		return;
	}
	w->acks++;
	if (p->wnd % w->mult)
		w->not_mult++;
	if (p->wnd > w->limit)
		w->over++;
	if (p->wnd > w->max)
		w->max = p->wnd;
}

static void test_link_limited(void)
{
	ss_tcp_config c = tuned();
	harness h;
	/* 100 Mbit/s Ethernet, 0.05 ms: the link is the bottleneck. */
	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	wndwatch w = {.mult = 1u << 7, .limit = 65535u << 7, .data_hdr = 32};
	h.watch = watch_windows;
	h.ctx = &w;
	h_send(&h, 8000000);
	ss_sim_run_until(h.sim, 100 * MS);
	uint64_t r1 = stats(&h, 1).bytes_read;
	ss_sim_run_until(h.sim, 600 * MS);
	uint64_t r2 = stats(&h, 1).bytes_read;
	/* Full segments: 1448 bytes of payload in 1500-byte datagrams (20 IP
	   + 32 TCP). ACKs use the other direction, so this one carries
	   back-to-back frames: rate * 1448 / 1538. 0.5 s hold ~4000
	   segments: sampling costs one segment at most (0.03%); 1% is the
	   brief's bound. */
	ss_link_spec spec = *ss_link_spec_of(h.link);
	double want = ss_link_spec_goodput(&spec, 1500, 1448);
	double got = (double)(r2 - r1) * 8 / 0.5;
	SS_CHECK_NEAR(got, want, 0.01 * want, "link-limited goodput = Ethernet goodput of full segments, bit/s");
	ss_tcp_stats st[2];
	size_t live = h_finish(&h, st);
	SS_CHECK(h.bad_len == 0 && h.segs > 0, "every segment: len = hdr_l4 + payload, hdr_l4 = 20 + option bytes");
	SS_CHECK(w.data_hdr_bad == 0 && st[1].bytes_read == 8000000,
		 "data segments carry 32 header bytes (timestamps); all 8 MB read");
	/* RFC 1323: 4 MB needs scale 7; every window the peer reads is a
	   multiple of 2^7, at most 65535 << 7. The largest is the empty
	   buffer's: 3/4 * 4194304 = 3145728, down to the MSS: 2172 * 1448 =
	   3145056, down to the scale: 24570 * 128 = 3144960. */
	SS_CHECK(w.acks > 0 && w.not_mult == 0 && w.over == 0, "scaled windows: multiples of 128, at most 65535 << 7");
	SS_CHECK_INT(w.max, 3144960, "the empty buffer's window, scaled");
	SS_CHECK_INT(live, 0, "no packet leaks (link-limited)");
}

/* rcv_ssthresh (tcp_grow_window): a receive skb of 2240 bytes (an
   e1000 2048-byte buffer + struct sk_buff) for 1448 bytes of data has
   tcp_win_from_space(2240) = 1680 > 1448, so the window grows only while
   rcv_ssthresh <= full / 2 (840 <= 1448 at the first step): full =
   3/4 * 4194304 = 3145728, the bound 1572864 + 2 * 1448 = 1575760; the
   window under it, down to the MSS: 1088 * 1448 = 1575424, a multiple
   of 128 already. A skb that is small for its data (truesize 1000: 750
   <= 1448) leaves the clamp. */
static void test_rcv_ssthresh(void)
{
	ss_tcp_config c = tuned(), r = tuned();
	r.truesize = 2240;
	harness h;
	h_init(&h, 100e6, 50 * US, 0, &c, &r, 1);
	wndwatch w = {.mult = 1u << 7, .limit = 65535u << 7, .data_hdr = 32};
	h.watch = watch_windows;
	h.ctx = &w;
	h_send(&h, 4000000);
	ss_sim_run_until(h.sim, 600 * MS);
	ss_tcp_stats st[2];
	size_t live = h_finish(&h, st);
	SS_CHECK(w.acks > 0 && w.max == 1575424 && st[1].bytes_read == 4000000,
		 "a 2240-byte receive skb holds the window at 1575424 (largest seen %u), all 4 MB read", w.max);
	r.truesize = 1000;
	h_init(&h, 100e6, 50 * US, 0, &c, &r, 1);
	w = (wndwatch){.mult = 1u << 7, .limit = 65535u << 7, .data_hdr = 32};
	h.watch = watch_windows;
	h.ctx = &w;
	h_send(&h, 4000000);
	ss_sim_run_until(h.sim, 600 * MS);
	live += h_finish(&h, st);
	SS_CHECK(w.max == 3144960 && live == 0, "a skb small for its data leaves the window at the clamp (%u); no leaks", w.max);
}

/* A 4 MB window in front of a 50-packet device queue: Linux's
   tcp_write_xmit keeps a segment the queue refuses unsent (and enters
   CWR), so the queue never drops and nothing is retransmitted; the link
   stays busy (the queue holds a backlog), so the goodput is the link's.
   The same sender that does not ask the queue loses segments to it. */
static void test_device_queue(void)
{
	ss_tcp_config c = tuned();
	ss_tcp_stats st[2];
	harness h;
	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	h.qcap = 50;
	h.full_hook = 1;
	h_send(&h, 8000000);
	ss_sim_run_until(h.sim, 100 * MS);
	uint64_t r1 = stats(&h, 1).bytes_read;
	ss_sim_run_until(h.sim, 600 * MS);
	uint64_t r2 = stats(&h, 1).bytes_read;
	ss_link_spec spec = *ss_link_spec_of(h.link);
	double want = ss_link_spec_goodput(&spec, 1500, 1448);
	double got = (double)(r2 - r1) * 8 / 0.5;
	size_t live = h_finish(&h, st);
	SS_CHECK(h.qdrops == 0 && st[0].retrans == 0, "device queue asked: no local drops, no retransmissions");
	SS_CHECK(st[0].xmit_full > 0, "the 4 MB window filled the 50-packet queue (sends refused)");
	/* as test_link_limited: one segment of sampling in 0.5 s */
	SS_CHECK_NEAR(got, want, 0.01 * want, "device queue asked: goodput = Ethernet goodput of full segments, bit/s");
	SS_CHECK(st[1].bytes_read == 8000000 && live == 0, "all 8 MB read, no packet leaks (device queue)");

	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	h.qcap = 50;
	h_send(&h, 8000000);
	live = h_finish(&h, st);
	SS_CHECK(h.qdrops > 0 && st[0].retrans > 0 && st[1].bytes_read == 8000000 && live == 0,
		 "device queue not asked: it drops, the sender retransmits, all 8 MB still arrive");
}

/* ---- 3, 6, 10: stock options ---- */

static void test_stock_bulk(void)
{
	ss_tcp_config c = stock();
	harness h;
	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	wndwatch w = {.mult = 1460, .limit = 65535, .data_hdr = 20};
	h.watch = watch_windows;
	h.ctx = &w;
	const uint64_t total = 4000000;
	h_send(&h, total);
	ss_tcp_stats st[2];
	size_t live = h_finish(&h, st);
	/* RFC 1122 4.2.3.2 / __tcp_ack_snd_check: one ACK per two full
	   segments; the 16 quick ACKs at the start add 8 over ~2740 data
	   segments (0.3%), the last odd segment one: within 5%. */
	double ratio = (double)st[1].pure_acks_out / (double)st[0].data_segs_out;
	SS_CHECK_NEAR(ratio, 0.5, 0.5 * 0.05, "pure ACKs per data segment (ACK every second segment)");
	/* Without scaling: a multiple of the MSS, never above 65535; the
	   largest min(3/4 * 174760, 65535) = 65535 down to 1460: 64240. */
	SS_CHECK(w.acks > 0 && w.not_mult == 0 && w.over == 0, "unscaled windows: multiples of 1460, at most 65535");
	SS_CHECK_INT(w.max, 64240, "the empty stock buffer's window");
	SS_CHECK(w.data_hdr_bad == 0 && h.bad_len == 0, "data segments carry 20 header bytes; len = hdr_l4 + payload");
	SS_CHECK(st[1].bytes_read == total && st[0].bytes_acked == total && st[0].retrans == 0,
		 "all read and acknowledged, nothing retransmitted");
	SS_CHECK_INT(live, 0, "no packet leaks (stock bulk)");
}

/* ---- 2: window-limited ---- */

static void test_window_limited(void)
{
	ss_tcp_config c = stock();
	c.rcvbuf = 65536;
	harness h;
	h_init(&h, 10e9, 10 * MS, 0, &c, &c, 1);
	h_send(&h, 6000000);
	ss_sim_run_until(h.sim, 500 * MS);
	uint64_t r1 = stats(&h, 1).bytes_read;
	ss_tcp_stats before = stats(&h, 0);
	ss_tcp_stats_reset(h.e[0].tcp);
	ss_tcp_stats after = stats(&h, 0);
	SS_CHECK(before.data_segs_out > 0 && after.data_segs_out == 0 && after.bytes_acked == 0 &&
			 after.cwnd == before.cwnd && after.peer_wnd == before.peer_wnd,
		 "a statistics reset zeroes the counters and keeps the state");
	ss_sim_run_until(h.sim, 2500 * MS);
	uint64_t r2 = stats(&h, 1).bytes_read;
	/* Window: 3/4 * 65536 = 49152, down to the MSS: 33 * 1460 = 48180.
	   RTT: 2 * 10 ms + a 1500-byte frame (1538 wire bytes, 1.2304 us)
	   + an ACK's (84 wire bytes, 0.0672 us). The window is an odd
	   number of segments, so with an ACK per two segments the last of
	   each round waits (delayed ACK, 40 ms > RTT) for the first of the
	   next: it stays in flight, and each RTT delivers 32 segments, not
	   33: (W - MSS) / RTT, 3.0% below W / RTT. Sampling over 2 s: one
	   segment in 4700 (0.02%); 0.5% bound. */
	double rtt = 20e-3 + (1538 + 84) * 8 / 10e9;
	double want = (48180.0 - 1460) / rtt, got = (double)(r2 - r1) / 2.0;
	SS_CHECK_NEAR(got, want, 0.005 * want, "window-limited throughput = (W - MSS) / RTT, bytes/s");
	SS_CHECK(got <= 48180.0 / rtt && got >= 0.96 * 48180.0 / rtt, "and within 4%% below W / RTT = %.0f bytes/s",
		 48180.0 / rtt);
	ss_tcp_stats st[2];
	size_t live = h_finish(&h, st);
	SS_CHECK(live == 0 && st[1].bytes_read == 6000000, "all read; no packet leaks (window-limited)");
}

/* ---- 4: delayed ACK ---- */

typedef struct ackwatch {
	ss_sim *sim;
	ss_time data_at, ack_at;
} ackwatch;

static void watch_ack(harness *h, int side, const ss_packet *p)
{
	ackwatch *a = h->ctx;
	if (side == 1 && !p->payload && a->ack_at < 0)
		a->ack_at = ss_sim_now(h->sim);
}

static void arrive_data(harness *h, int side, const ss_packet *p)
{
	ackwatch *a = h->ctx;
	if (side == 1 && p->payload && a->data_at < 0)
		a->data_at = ss_sim_now(h->sim);
}

/* One 100-byte write; returns the time from its arrival to its ACK. */
static ss_time small_segment_ack(uint32_t quickack, int reading, uint64_t *delayed, size_t *live)
{
	ss_tcp_config c = stock(), r = stock();
	r.quickack = quickack;
	harness h;
	h_init(&h, 100e6, 50 * US, 0, &c, &r, 1);
	ackwatch a = {.data_at = -1, .ack_at = -1};
	h.ctx = &a;
	h.watch = watch_ack;
	h.arrive = arrive_data;
	h.e[1].reading = reading;
	h_send(&h, 100);
	ss_tcp_stats st[2];
	*live = h_finish(&h, st);
	*delayed = st[1].delayed_acks;
	return a.data_at < 0 || a.ack_at < 0 ? -1 : a.ack_at - a.data_at;
}

static void test_delayed_ack(void)
{
	uint64_t delayed;
	size_t l1, l2, l3;
	/* No quick ACKs, nobody reads: one short segment is less than two
	   full ones, so the delayed-ACK timer sends the ACK delack_min =
	   40 ms (TCP_DELACK_MIN) after the segment arrived. */
	ss_time d = small_segment_ack(0, 0, &delayed, &l1);
	SS_CHECK_INT(d, 40 * MS, "a lone short segment is ACKed 40 ms after it arrived (ps)");
	SS_CHECK_INT(delayed, 1, "by the delayed-ACK timer");
	/* In the quick-ACK phase (16 at the start) it is ACKed on arrival. */
	d = small_segment_ack(16, 0, &delayed, &l2);
	SS_CHECK(d == 0 && delayed == 0, "in the quick-ACK phase the ACK leaves on arrival");
	/* Linux's cleanup_rbuf: reading a short (pushed) segment out of the
	   buffer, leaving it empty, sends the owed ACK at once. */
	d = small_segment_ack(0, 1, &delayed, &l3);
	SS_CHECK(d == 0 && delayed == 0, "a reader that empties the buffer of a short segment ACKs it at once");
	SS_CHECK(l1 == 0 && l2 == 0 && l3 == 0, "no packet leaks (delayed ACK)");
}

/* ---- 5: Nagle ---- */

static uint64_t hundred_writes(int nagle, uint32_t init_cwnd, uint64_t *read, size_t *live)
{
	ss_tcp_config c = stock();
	c.nagle = nagle;
	c.init_cwnd = init_cwnd;
	harness h;
	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	for (int i = 0; i < 100; i++)
		ss_tcp_write(h.e[0].tcp, 100);
	ss_tcp_stats st[2];
	*live = h_finish(&h, st);
	*read = st[1].bytes_read;
	return st[0].data_segs_out;
}

static void test_nagle(void)
{
	uint64_t read;
	size_t l1, l2;
	/* Nagle (RFC 896): the first 100 bytes go at once (nothing is in
	   flight); the 99 writes behind them find data unacknowledged, so
	   they wait and leave as full segments as the window opens, and
	   the short rest only once everything is acknowledged: 1 +
	   ceil(9900 / 1460) = 1 + 7 = 8 segments. */
	uint64_t n = hundred_writes(1, 3, &read, &l1);
	SS_CHECK_INT(n, 8, "100 writes of 100 bytes with Nagle: 1 + ceil(9900 / 1460) segments");
	SS_CHECK_INT(read, 10000, "all 10000 bytes read");
	/* TCP_NODELAY, and a congestion window of 100 segments (the
	   receiver's 64240 bytes hold 10000): one segment per write. */
	n = hundred_writes(0, 100, &read, &l2);
	SS_CHECK(n == 100 && read == 10000, "without Nagle: one segment per write, all read");
	SS_CHECK(l1 == 0 && l2 == 0, "no packet leaks (Nagle)");
}

/* ---- 7: slow start ---- */

static void slow_start(int delack, uint32_t got[7], size_t *live)
{
	ss_tcp_config c = tuned(), r = tuned();
	r.delack = delack;
	r.quickack = 0;
	harness h;
	/* 1 Gbit/s, 10 ms each way: RTT 20 ms (plus 12 us per frame),
	   below the 40 ms delayed-ACK timer; 4 MB buffers never bind. */
	h_init(&h, 1e9, 10 * MS, 0, &c, &r, 1);
	h_send(&h, 4000000);
	for (int k = 0; k < 7; k++) {
		/* Mid-round: round k's ACKs have arrived (their bursts last
		   under 3 ms), round k+1's have not. */
		ss_sim_run_until(h.sim, k * 20 * MS + 10 * MS);
		got[k] = stats(&h, 0).cwnd / 1448;
	}
	*live = h_finish(&h, NULL);
}

static void test_slow_start(void)
{
	uint32_t got[7];
	size_t l1, l2;
	/* Slow start adds one segment per ACK of new data (Linux 2.6.11,
	   RFC 2581 3.1) while the flight fills cwnd. With an ACK per two
	   segments, the cwnd_k segments in flight in round k+1 (an odd one
	   held over from round k is ACKed with the first of k+1) bring
	   floor(cwnd_k / 2) ACKs: cwnd_{k+1} = cwnd_k + floor(cwnd_k / 2),
	   from 3 (RFC 3390): 3 4 6 9 13 19 28. */
	static const uint32_t half[7] = {3, 4, 6, 9, 13, 19, 28};
	slow_start(1, got, &l1);
	SS_CHECK(memcmp(got, half, sizeof half) == 0, "cwnd per RTT, ACK every second segment: %u %u %u %u %u %u %u",
		 got[0], got[1], got[2], got[3], got[4], got[5], got[6]);
	/* An ACK per segment: cwnd doubles each RTT: 3 * 2^k. */
	static const uint32_t dbl[7] = {3, 6, 12, 24, 48, 96, 192};
	slow_start(0, got, &l2);
	SS_CHECK(memcmp(got, dbl, sizeof dbl) == 0, "cwnd per RTT, ACK every segment: %u %u %u %u %u %u %u", got[0],
		 got[1], got[2], got[3], got[4], got[5], got[6]);
	SS_CHECK(l1 == 0 && l2 == 0, "no packet leaks (slow start)");
}

/* ---- 8: loss ---- */

typedef struct sackwatch {
	uint64_t with_blocks, bad;
} sackwatch;

static void watch_sack(harness *h, int side, const ss_packet *p)
{
	sackwatch *w = h->ctx;
	if (side != 1 || !p->nsack)
		return;
	w->with_blocks++;
	/* RFC 2018: 2 + 8 per block, after the 12 timestamp bytes; at most
	   3 blocks fit the 40 option bytes beside timestamps. */
	if (p->opt_bytes != 12 + 2 + 8 * p->nsack || p->nsack > 3 || (int32_t)(p->sack[0][0] - p->ack) <= 0)
		h->bad_len++, w->bad++;
}

static void test_loss(void)
{
	ss_tcp_config c;
	harness h;
	ss_tcp_stats st[2];
	size_t live;

	/* One segment lost (the 201st, first transmission): three
	   duplicate ACKs, a fast retransmit, no timeout (RFC 2581 3.2).
	   Timestamps and SACK on: the duplicate ACKs carry blocks. */
	c = stock();
	c.timestamps = c.sack = 1;
	const uint64_t total = 2000000;
	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	sackwatch sw = {0};
	h.watch = watch_sack;
	h.ctx = &sw;
	h.drop_seq[h.ndrop++] = 1 + 200 * 1448;
	h_send(&h, total);
	live = h_finish(&h, st);
	SS_CHECK(st[0].fast_retrans == 1 && st[0].timeouts == 0 && st[0].dupacks_in >= 3,
		 "one loss: one fast retransmit, no timeout");
	SS_CHECK(st[0].retrans == 1 && h.dropped == 1, "one segment retransmitted");
	SS_CHECK(st[1].bytes_read == total && st[0].bytes_acked == total && st[1].ooo_segs >= 3,
		 "every byte read once (out-of-order segments queued)");
	SS_CHECK(sw.with_blocks >= 3 && sw.bad == 0, "duplicate ACKs carry SACK blocks: 12 + 2 + 8 per block option bytes");
	SS_CHECK_INT(live, 0, "no packet leaks (one loss)");

	/* Two losses in one window (segments 201 and 204): the retransmission
	   of the first brings a partial ACK, which retransmits the second
	   (NewReno, RFC 3782 3 step 5): one fast retransmit, no timeout. */
	c = stock();
	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	h.drop_seq[h.ndrop++] = 1 + 200 * 1460;
	h.drop_seq[h.ndrop++] = 1 + 203 * 1460;
	h_send(&h, total);
	live = h_finish(&h, st);
	SS_CHECK(st[0].fast_retrans == 1 && st[0].timeouts == 0 && st[0].retrans == 2,
		 "two losses in a window: one fast retransmit, a partial-ACK retransmission, no timeout");
	SS_CHECK(st[1].bytes_read == total && st[0].bytes_acked == total, "every byte read once");
	SS_CHECK_INT(live, 0, "no packet leaks (two losses)");

	/* The last two segments lost: nothing follows them, so no duplicate
	   ACKs: the RTO fires once (its retransmission is ACKed, slow start
	   sends the other), RFC 2988 5. */
	const uint64_t exact = 1000 * 1460;
	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	h.drop_from = 1 + 998 * 1460;
	h_send(&h, exact);
	live = h_finish(&h, st);
	SS_CHECK(st[0].timeouts == 1 && st[0].fast_retrans == 0 && h.dropped == 2,
		 "the tail lost: one timeout, no fast retransmit");
	SS_CHECK(st[1].bytes_read == exact && st[0].bytes_acked == exact, "every byte read once after the timeout");
	SS_CHECK_INT(live, 0, "no packet leaks (tail loss)");

	/* 1% random loss on both directions (the link's own stream). */
	ss_tcp_stats again[2];
	size_t live2;
	ss_time end1, end2;
	h_init(&h, 100e6, 50 * US, 0.01, &c, &c, 7);
	h_send(&h, total);
	ss_sim_run(h.sim);
	end1 = ss_sim_now(h.sim);
	live = h_finish(&h, st);
	h_init(&h, 100e6, 50 * US, 0.01, &c, &c, 7);
	h_send(&h, total);
	ss_sim_run(h.sim);
	end2 = ss_sim_now(h.sim);
	live2 = h_finish(&h, again);
	SS_DIAG("1%% loss: %llu retransmissions, %llu fast, %llu timeouts, %.3f s",
		(unsigned long long)st[0].retrans, (unsigned long long)st[0].fast_retrans,
		(unsigned long long)st[0].timeouts, ss_time_to_s(end1));
	SS_CHECK(st[1].bytes_read == total && st[0].bytes_acked == total, "1%% loss: all data delivered, read once");
	SS_CHECK(st[0].retrans > 0 && st[0].fast_retrans > 0, "1%% loss: losses were repaired by retransmission");
	SS_CHECK(live == 0 && live2 == 0, "no packet leaks (random loss)");
	SS_CHECK(memcmp(st, again, sizeof st) == 0 && end1 == end2, "two runs with one seed: identical statistics");
}

/* ---- 9: zero window ---- */

typedef struct zwatch {
	ss_time closed_at; /* when side 0 first heard of a zero window */
} zwatch;

static void arrive_zero(harness *h, int side, const ss_packet *p)
{
	zwatch *z = h->ctx;
	if (side == 0 && p->wnd == 0 && z->closed_at < 0)
		z->closed_at = ss_sim_now(h->sim);
}

static void test_zero_window(void)
{
	ss_tcp_config c = stock(), r = stock();
	r.rcvbuf = 65536;
	harness h;
	h_init(&h, 100e6, 50 * US, 0, &c, &r, 1);
	zwatch z = {.closed_at = -1};
	h.ctx = &z;
	h.arrive = arrive_zero;
	h.e[1].reading = 0;
	const uint64_t total = 1048576;
	h_send(&h, total);
	ss_sim_run_until(h.sim, 1000 * MS);
	uint64_t segs1 = stats(&h, 0).data_segs_out;
	ss_sim_run_until(h.sim, 3000 * MS);
	ss_tcp_stats a = stats(&h, 0);
	/* The offer never shrinks and its right edge only grows while
	   3/4 of the free space rounds to one MSS or more; it closes once
	   3/4 (R - U) < 1460, i.e. U > 65536 - 1946.7, with U a whole
	   number of segments no larger than R: 44 * 1460 = 64240. */
	SS_CHECK_INT(ss_tcp_readable(h.e[1].tcp), 64240, "the sender stops at the receive buffer: 44 segments held");
	SS_CHECK(a.data_segs_out == segs1 && z.closed_at > 0, "no data leaves while the window is closed");
	/* Persist timer: the first probe an RTO after the window closed,
	   each answered (at once: an unacceptable segment) one probe RTT D
	   later, and the next rto << k after that answer. */
	ss_time r0 = (ss_time)a.rto_us * US;
	ss_time dly = 2 * ss_link_frame_time(h.link, 40) + 2 * 50 * US;
	uint64_t want = 0;
	for (ss_time t = z.closed_at + r0, k = 1; t <= 3000 * MS; t += dly + (r0 << k), k++)
		want++;
	SS_CHECK(a.zero_window_probes >= 1 && a.zero_window_probes == want,
		 "zero-window probes with backoff: %llu (want %llu)", (unsigned long long)a.zero_window_probes,
		 (unsigned long long)want);
	/* The reader empties the buffer: the window reopens (an update:
	   it was closed and now offers at least an MSS) and the rest flows. */
	h.e[1].reading = 1;
	ss_tcp_read(h.e[1].tcp, UINT32_MAX);
	ss_tcp_stats st[2];
	size_t live = h_finish(&h, st);
	SS_CHECK(st[1].bytes_read == total && st[0].bytes_acked == total, "after the reader resumes all data arrives");
	SS_CHECK_INT(live, 0, "no packet leaks (zero window)");
}


/* ---- 4.3BSD's behaviour (ss_tcp_config_bsd43) ---- */

typedef struct bsdwatch {
	ss_sim *sim;
	uint32_t max_wnd;
	uint64_t acks;
	ss_time data_at, ack_at;
} bsdwatch;

static void watch_bsd(harness *h, int side, const ss_packet *p)
{
	bsdwatch *b = h->ctx;
	if (side != 1)
		return;
	b->acks++;
	if (p->wnd > b->max_wnd)
		b->max_wnd = p->wnd;
	if (!p->payload && b->ack_at < 0)
		b->ack_at = ss_sim_now(h->sim);
}

static void arrive_bsd(harness *h, int side, const ss_packet *p)
{
	bsdwatch *b = h->ctx;
	if (side == 1 && p->payload && b->data_at < 0)
		b->data_at = ss_sim_now(h->sim);
}

static void test_bsd43(void)
{
	ss_tcp_config c;
	char msg[200];
	ss_tcp_config_bsd43(&c, 1460, 16384);
	SS_CHECK(ss_tcp_config_check(&c, msg, sizeof msg) == SS_OK && c.sndbuf == 16384 && c.rcvbuf == 16384 &&
			 c.init_cwnd == 1 && c.quickack == 0 && !c.timestamps && !c.wscale && !c.sack,
		 "4.3BSD: 16 KB buffers, slow start from one segment, no quick ACKs, no options");
	ss_tcp_config bad = c;
	bad.bsd_winupd = 2;
	SS_CHECK(ss_tcp_config_check(&bad, msg, sizeof msg) == SS_EINVAL && strstr(msg, "bsd_winupd"),
		 "bsd_winupd other than 0 or 1 is refused (%s)", msg);
	/* A bulk transfer to a reader that reads at once: the window offered
	   is the whole free buffer, 16384 bytes, not Linux's 3/4 of it in
	   whole segments (11 x 1460 = 16060 would be the largest multiple). */
	harness h;
	h_init(&h, 100e6, 1 * MS, 0, &c, &c, 1);
	bsdwatch b = {.data_at = -1, .ack_at = -1};
	h.ctx = &b;
	h.watch = watch_bsd;
	h_send(&h, 2000000);
	ss_tcp_stats st[2];
	size_t live = h_finish(&h, st);
	SS_CHECK(b.max_wnd == 16384 && live == 0 && st[1].bytes_read == 2000000,
		 "4.3BSD: the largest window offered is the whole 16384-byte buffer (%u); all read, no leak", b.max_wnd);
	/* One 100-byte write to a reader that reads it at once: 4.3BSD
	   sends no ACK for the read (a window update of 100 bytes is under
	   two segments), so the ACK waits for the 200 ms delayed-ACK timer;
	   Linux ACKs a short segment read out of an empty buffer at once. */
	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	bsdwatch d = {.data_at = -1, .ack_at = -1};
	h.ctx = &d;
	h.watch = watch_bsd;
	h.arrive = arrive_bsd;
	h_send(&h, 100);
	live = h_finish(&h, st);
	SS_CHECK(d.data_at >= 0 && d.ack_at - d.data_at == 200 * MS && st[1].delayed_acks == 1 && live == 0,
		 "4.3BSD: a short segment read at once is ACKed by the 200 ms timer (%.3f ms after it came)",
		 (double)(d.ack_at - d.data_at) / (double)MS);
}

/* ---- a relay's modifications (ss_tcp_set_appack, ss_tcp_restore,
   ss_tcp_set_fwd_ack) ---- */

static ss_tcp_seqs seqs(const harness *h, int side)
{
	ss_tcp_seqs q;
	ss_tcp_seqs_get(h->e[side].tcp, &q);
	return q;
}

/* The segments an end sends: pure ACKs and data, the last of each kind. */
typedef struct relaywatch {
	uint64_t acks[2], data[2];
	uint32_t ack_ack[2], ack_wnd[2], data_ack[2];
} relaywatch;

static void watch_relay(harness *h, int side, const ss_packet *p)
{
	relaywatch *w = h->ctx;
	if (p->payload) {
		w->data[side]++;
		w->data_ack[side] = p->ack;
	} else {
		w->acks[side]++;
		w->ack_ack[side] = p->ack;
		w->ack_wnd[side] = p->wnd;
	}
}

static void test_appack(void)
{
	const uint32_t pl = 1460;
	ss_tcp_config s = stock(), r = stock();
	s.init_cwnd = 10; /* six segments leave at once */
	harness h;
	h_init(&h, 100e6, 50 * US, 0, &s, &r, 1);
	relaywatch w = {0};
	h.watch = watch_relay;
	h.ctx = &w;
	ss_tcp_set_appack(h.e[0].tcp, 1);
	ss_tcp_set_appack(h.e[1].tcp, 1);
	/* Six segments, the second lost: b gets the first in order and four
	   out of order, which would bring an ACK and four duplicates (a fast
	   retransmit at the third) without appack. */
	h.drop_seq[h.ndrop++] = 1 + pl;
	h_send(&h, 6 * pl);
	ss_sim_run_until(h.sim, 1000 * MS);
	ss_tcp_seqs qa = seqs(&h, 0), qb = seqs(&h, 1);
	ss_tcp_stats a = stats(&h, 0), b = stats(&h, 1);
	SS_CHECK(qb.rcv_nxt == 1 + pl && qb.rcv_appack == 1 && b.bytes_read == pl && b.ooo_segs == 4,
		 "appack: the data arrive (rcv_nxt 1 + 1460, 1460 bytes read, 4 out of order), rcv_appack stays at 1");
	SS_CHECK(w.acks[1] == 0 && w.data[1] == 0 && b.segs_out == 0,
		 "appack: the receiver sends no ACK (in order, out of order, after the read)");
	SS_CHECK(qa.snd_una == 1 && qa.snd_nxt == 1 + 6 * pl && a.segs_in == 0 && a.dupacks_in == 0 &&
			 a.fast_retrans == 0 && a.timeouts == 0 && a.retrans == 0,
		 "appack: the sender sees no ACK: snd_una 1, no duplicate ACKs, no fast retransmit, no timeout in 1 s");
	/* b's data carry rcv_appack (1), not rcv_nxt; a, withholding too,
	   does not ACK them; a data segment is no duplicate ACK. */
	SS_CHECK_INT(ss_tcp_write(h.e[1].tcp, 500), 500, "the receiver writes 500 bytes");
	ss_sim_run_until(h.sim, 1010 * MS);
	qa = seqs(&h, 0);
	a = stats(&h, 0);
	SS_CHECK(w.data[1] == 1 && w.data_ack[1] == 1 && qa.snd_una == 1 && a.dupacks_in == 0,
		 "appack: a data segment carries rcv_appack (%u), which moves nothing at the sender", w.data_ack[1]);
	SS_CHECK(qa.rcv_nxt == 501 && qa.rcv_appack == 1 && w.acks[0] == 0 && stats(&h, 0).bytes_read == 500,
		 "appack: the sender reads the 500 bytes without ACKing them");
	/* A seq beyond rcv_nxt is taken as rcv_nxt: one pure ACK of 1 + 1460. */
	ss_tcp_appack(h.e[1].tcp, 1 + 20 * pl);
	qb = seqs(&h, 1);
	SS_CHECK(qb.rcv_appack == 1 + pl && w.acks[1] == 1 && w.ack_ack[1] == 1 + pl,
		 "ss_tcp_appack beyond rcv_nxt stops at it: one ACK of %u", w.ack_ack[1]);
	ss_sim_run_until(h.sim, 1020 * MS);
	a = stats(&h, 0);
	SS_CHECK(seqs(&h, 0).snd_una == 1 + pl && a.dupacks_in == 0 && a.bytes_acked == pl,
		 "after ss_tcp_appack the sender's snd_una moves to it (1 + 1460)");
	ss_tcp_appack(h.e[1].tcp, 1);
	SS_CHECK(seqs(&h, 1).rcv_appack == 1 + pl && w.acks[1] == 1, "ss_tcp_appack behind rcv_appack does nothing");
	/* Turned off, a ACKs the 500 bytes it withheld at once; b withholds
	   nothing (rcv_appack = rcv_nxt), so it sends nothing. The lost
	   segment then goes again at the RTO (no duplicate ACKs came for
	   it), and the rest is ACKed as usual. */
	ss_tcp_set_appack(h.e[0].tcp, 0);
	ss_tcp_set_appack(h.e[1].tcp, 0);
	SS_CHECK(w.acks[0] == 1 && w.ack_ack[0] == 501 && w.acks[1] == 1 && seqs(&h, 1).rcv_appack == seqs(&h, 1).rcv_nxt,
		 "appack off: the withheld ACK goes at once (501), none when nothing is withheld");
	ss_tcp_stats st[2];
	size_t live = h_finish(&h, st);
	SS_CHECK(st[1].bytes_read == 6 * pl && st[0].bytes_acked == 6 * pl && st[1].bytes_acked == 500 &&
			 st[0].timeouts == 1 && st[0].fast_retrans == 0 && live == 0,
		 "appack off: the lost segment is repaired by one timeout, all read and ACKed, no leaks");
}

/* The window offered with the ACK withheld: from rcv_appack, it counts
   the data held, so the right edge is rcv_nxt + what the free buffer
   offers, and it never moves left. A receive buffer of 16384 bytes
   offers 3/4 of it, 12288, down to the MSS: 11680 = 8 segments. */
static void test_appack_window(void)
{
	const uint32_t pl = 1460;
	ss_tcp_config s = stock(), r = stock();
	s.init_cwnd = 10;
	r.rcvbuf = 16384;
	harness h;
	h_init(&h, 100e6, 50 * US, 0, &s, &r, 1);
	relaywatch w = {0};
	h.watch = watch_relay;
	h.ctx = &w;
	ss_tcp_set_appack(h.e[1].tcp, 1);
	h.e[1].reading = 0;
	h.drop_seq[h.ndrop++] = 1 + 8 * pl; /* the ninth segment */
	h_send(&h, 10 * pl);
	ss_sim_run_until(h.sim, 20 * MS);
	SS_CHECK(seqs(&h, 1).rcv_nxt == 1 + 8 * pl && seqs(&h, 0).snd_nxt == 1 + 8 * pl && w.acks[1] == 0,
		 "appack window: the sender fills the 11680-byte window, unacknowledged");
	/* ACK 1 + 2 * 1460: 6 segments held (8760 bytes) + what the free
	   16384 - 11680 = 4704 bytes offer (3/4: 3528, down to the MSS: 2920)
	   = 11680: the right edge 1 + 10 * 1460. */
	ss_tcp_appack(h.e[1].tcp, 1 + 2 * pl);
	SS_CHECK(w.ack_ack[1] == 1 + 2 * pl && w.ack_wnd[1] == 11680,
		 "appack window: the window counts from rcv_appack, the held data included (%u)", w.ack_wnd[1]);
	/* The sender may send two more segments; the first is lost, the
	   second is queued out of order. */
	ss_sim_run_until(h.sim, 40 * MS);
	SS_CHECK(seqs(&h, 0).snd_nxt == 1 + 10 * pl && stats(&h, 1).ooo_segs == 1,
		 "appack window: the sender sends up to the right edge (1 + 10 * 1460)");
	/* ACK 1 + 4 * 1460: 4 held + the free 16384 - 9 * 1460 = 3244 bytes
	   (3/4: 2433, down to the MSS: 1460) = 7300 would pull the right edge
	   back to 1 + 9 * 1460, below the 1 + 10 * 1460 offered (whose last
	   segment b holds out of order): RFC 793's do-not-shrink keeps it,
	   6 * 1460 = 8760. */
	ss_tcp_appack(h.e[1].tcp, 1 + 4 * pl);
	SS_CHECK(w.ack_ack[1] == 1 + 4 * pl && w.ack_wnd[1] == 8760 && w.acks[1] == 2,
		 "appack window: the right edge never moves left (window %u)", w.ack_wnd[1]);
	/* The reader empties the buffer: no window update while withholding. */
	SS_CHECK_INT(ss_tcp_read(h.e[1].tcp, UINT32_MAX), 8 * pl, "appack window: the reader takes the 8 segments in order");
	ss_sim_run_until(h.sim, 60 * MS);
	SS_CHECK(w.acks[1] == 2 && w.data[1] == 0, "appack window: no window update after the read");
	/* ACK 1 + 8 * 1460: nothing held; the free 16384 - 1460 (the
	   out-of-order segment) = 14924 bytes offer 3/4: 11193, down to the
	   MSS: 10220. */
	ss_tcp_appack(h.e[1].tcp, UINT32_MAX / 2);
	SS_CHECK(w.ack_ack[1] == 1 + 8 * pl && w.ack_wnd[1] == 10220,
		 "appack window: ACK at rcv_nxt, the free buffer's window (%u)", w.ack_wnd[1]);
	ss_tcp_set_appack(h.e[1].tcp, 0);
	h.e[1].reading = 1;
	ss_tcp_stats st[2];
	size_t live = h_finish(&h, st);
	SS_CHECK(st[1].bytes_read == 10 * pl && st[0].bytes_acked == 10 * pl && live == 0,
		 "appack window: after appack off all is read and ACKed, no leaks");
}

/* Both ends restored at mirror-image numbers: a bulk transfer runs with
   the sequence numbers imposed. On reused engines (after a transfer
   from connect_pair): the counters stay. */
static void test_restore(void)
{
	ss_tcp_config c = stock();
	harness h;
	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	h_send(&h, 100000);
	ss_sim_run(h.sim);
	/* The window b offers, as connect_pair gives it: 64240 (the empty
	   stock buffer's). */
	const uint32_t wnd = 64240;
	ss_tcp_restore(h.e[0].tcp, &c, 1000001, 5001, wnd);
	ss_tcp_restore(h.e[1].tcp, &c, 5001, 1000001, wnd);
	ss_tcp_seqs qa = seqs(&h, 0), qb = seqs(&h, 1);
	SS_CHECK(qa.snd_una == 1000001 && qa.snd_nxt == 1000001 && qa.write_seq == 1000001 && qa.rcv_nxt == 5001 &&
			 qa.rcv_appack == 5001 && qa.copied == 5001,
		 "restore: snd_una = snd_nxt = write_seq = 1000001, rcv_nxt = rcv_appack = copied = 5001");
	SS_CHECK(qb.snd_una == 5001 && qb.write_seq == 5001 && qb.rcv_nxt == 1000001 && qb.copied == 1000001,
		 "restore: the peer at the mirror image");
	ss_tcp_stats a = stats(&h, 0);
	SS_CHECK(a.cwnd == 3 * 1460 && a.rto_us == 3000000 && a.peer_wnd == wnd && a.bytes_acked == 100000,
		 "restore: cwnd init_cwnd, RTO rto_init, the peer's window; the counters kept");
	h.e[0].written = 0;
	h_send(&h, 500000);
	ss_sim_run(h.sim);
	qa = seqs(&h, 0);
	qb = seqs(&h, 1);
	SS_CHECK(qa.snd_una == 1000001 + 500000 && qa.snd_nxt == qa.snd_una && qb.rcv_nxt == 1000001 + 500000 &&
			 qb.copied == qb.rcv_nxt,
		 "restore: 500000 bytes later snd_una = rcv_nxt = 1500001");
	ss_tcp_stats st[2];
	size_t live = h_finish(&h, st);
	SS_CHECK(st[0].bytes_acked == 600000 && st[1].bytes_read == 600000 && st[0].retrans == 0 && live == 0,
		 "restore: 100000 + 500000 bytes ACKed and read, no retransmission, no leaks");

	/* Sequence numbers that wrap: from 2^32 - 67295, 1000000 bytes end
	   at 1000000 - 67295 = 932705. */
	const uint32_t isn = UINT32_C(4294900001);
	h_init(&h, 100e6, 50 * US, 0, &c, &c, 1);
	ss_tcp_restore(h.e[0].tcp, &c, isn, 1, wnd);
	ss_tcp_restore(h.e[1].tcp, &c, 1, isn, wnd);
	h_send(&h, 1000000);
	ss_sim_run(h.sim);
	qa = seqs(&h, 0);
	qb = seqs(&h, 1);
	live = h_finish(&h, st);
	SS_CHECK(qa.snd_una == 932705 && qb.rcv_nxt == 932705 && st[1].bytes_read == 1000000 && st[0].retrans == 0 &&
			 live == 0,
		 "restore: across the sequence wrap, snd_una = rcv_nxt = 932705, all read");
}

/* The dead relay's sender a sends two segments, which b receives (b's
   rcv_nxt 1 + 2 * 1460). A mirror m, with an initial window of one
   segment, is restored at a's state before it sent (snd 1, rcv 1, b
   has sent nothing) and the application writes `first` bytes again:
   its first segment reaches b as a duplicate, and b answers with its
   rcv_nxt, beyond m's snd_nxt (1 + 1460). */
static void fwd_setup(harness *h, int fwd, uint32_t first)
{
	const uint32_t pl = 1460;
	ss_tcp_config c = stock(), m = stock();
	m.init_cwnd = 1;
	h_init(h, 100e6, 50 * US, 0, &c, &c, 1);
	h_send(h, 2 * pl);
	ss_sim_run(h->sim);
	uint32_t wnd = stats(h, 0).peer_wnd;
	ss_tcp_free(h->e[0].tcp);
	h_engine(h, 0, &m);
	ss_tcp_set_fwd_ack(h->e[0].tcp, fwd); /* before the restore: it keeps the switch */
	ss_tcp_restore(h->e[0].tcp, &c, 1, 1, wnd);
	h->e[0].written = 0;
	h_send(h, first);
}

static void test_fwd_ack(void)
{
	const uint32_t pl = 1460;
	harness h;
	ss_tcp_stats st[2];

	/* Off (RFC 793): the forward ACK is ignored. m's segment goes again
	   at each RTO, 3 s (rto_init) and 3 + 6 s after it was sent, each
	   answered with the same forward ACK: in 10 s 3 forward ACKs, 2
	   timeouts, snd_una still 1: deadlock. */
	fwd_setup(&h, 0, 2 * pl);
	ss_time t0 = ss_sim_now(h.sim);
	SS_CHECK_INT(seqs(&h, 1).rcv_nxt, 1 + 2 * pl, "forward ACK: b holds the dead sender's two segments");
	ss_sim_run_until(h.sim, t0 + 10 * SS_PS_PER_S);
	ss_tcp_stats m = stats(&h, 0);
	SS_CHECK(seqs(&h, 0).snd_una == 1 && m.fwd_acks == 3 && m.timeouts == 2 && m.retrans == 2 && m.bytes_acked == 0,
		 "forward ACKs ignored: in 10 s snd_una stays 1 (fwd_acks %llu, timeouts %llu, retrans %llu)",
		 (unsigned long long)m.fwd_acks, (unsigned long long)m.timeouts, (unsigned long long)m.retrans);
	/* Turned on, the next retransmission's answer (at 3 + 6 + 12 s) ends
	   it: Loss is left (the ACK is beyond recover). */
	ss_tcp_set_fwd_ack(h.e[0].tcp, 1);
	ss_sim_run(h.sim);
	m = stats(&h, 0);
	SS_CHECK(seqs(&h, 0).snd_una == 1 + 2 * pl && m.fwd_acks == 4 && m.timeouts == 3 && m.bytes_acked == 2 * pl,
		 "forward ACKs taken after the deadlock: the 4th ends it at the 3rd timeout");
	size_t live = h_finish(&h, st);
	SS_CHECK(st[1].bytes_read == 2 * pl && live == 0, "b reads the two segments once; no leaks");

	/* On: the first forward ACK takes the unsent second segment as sent
	   and acknowledged: snd_una 1 + 2 * 1460 one RTT after the start,
	   one data segment sent, no timeout. */
	fwd_setup(&h, 1, 2 * pl);
	t0 = ss_sim_now(h.sim);
	ss_sim_run_until(h.sim, t0 + 10 * MS);
	ss_tcp_seqs q = seqs(&h, 0);
	m = stats(&h, 0);
	SS_CHECK(q.snd_una == 1 + 2 * pl && q.snd_nxt == 1 + 2 * pl && m.fwd_acks == 1 && m.data_segs_out == 1 &&
			 m.timeouts == 0 && m.retrans == 0 && m.bytes_acked == 2 * pl && m.fwd_discarded == 0,
		 "forward ACK taken: snd_una 1 + 2 * 1460 within 10 ms, one segment sent");
	/* The stream goes on: 3 segments more reach b. An ACK below snd_una
	   (hand-made) is counted and ignored. */
	h.e[0].total += 3 * pl;
	app_write(&h.e[0]);
	ss_sim_run_until(h.sim, t0 + 20 * MS);
	ss_packet *p = ss_pktpool_get(h.pool);
	SS_MUST(p ? SS_OK : SS_ENOMEM);
	p->seq = 1;
	p->ack = 1 + pl;
	p->wnd = stats(&h, 0).peer_wnd;
	p->flags = SS_TCP_ACK;
	ss_tcp_input(h.e[0].tcp, p);
	m = stats(&h, 0);
	SS_CHECK(seqs(&h, 0).snd_una == 1 + 5 * pl && seqs(&h, 1).rcv_nxt == 1 + 5 * pl && m.old_acks == 1 &&
			 m.dupacks_in == 0,
		 "after it the stream goes on (snd_una 1 + 5 * 1460); an old ACK is counted (old_acks 1) and ignored");
	live = h_finish(&h, st);
	SS_CHECK(st[1].bytes_read == 5 * pl && live == 0, "b reads 5 segments once; no leaks");

	/* m wrote one segment when the forward ACK of two comes: it is
	   taken for write_seq (1 + 1460) and the next 1460 bytes written are
	   discarded: of a write of two segments the first is taken unsent,
	   the second is sent (1 + 2 * 1460 on) and acknowledged. */
	fwd_setup(&h, 1, pl);
	t0 = ss_sim_now(h.sim);
	ss_sim_run_until(h.sim, t0 + 10 * MS);
	q = seqs(&h, 0);
	SS_CHECK(q.snd_una == 1 + pl && q.write_seq == 1 + pl && stats(&h, 0).fwd_acks == 1,
		 "a forward ACK beyond write_seq is taken for write_seq (1 + 1460)");
	uint32_t took = ss_tcp_write(h.e[0].tcp, 2 * pl);
	q = seqs(&h, 0);
	m = stats(&h, 0);
	SS_CHECK(took == 2 * pl && m.fwd_discarded == pl && q.snd_una == 1 + 2 * pl && q.snd_nxt == 1 + 3 * pl &&
			 q.write_seq == 1 + 3 * pl,
		 "a write of two segments: both taken, the first discarded (fwd_discarded %llu), the second sent",
		 (unsigned long long)m.fwd_discarded);
	ss_sim_run_until(h.sim, t0 + 20 * MS);
	q = seqs(&h, 0);
	m = stats(&h, 0);
	SS_CHECK(q.snd_una == 1 + 3 * pl && seqs(&h, 1).rcv_nxt == 1 + 3 * pl && m.data_segs_out == 2 &&
			 m.bytes_acked == 3 * pl && m.retrans == 0,
		 "the rest is acknowledged: snd_una 1 + 3 * 1460, two data segments sent in all");
	live = h_finish(&h, st);
	SS_CHECK(st[1].bytes_read == 3 * pl && live == 0, "b reads 3 segments once; no leaks");
}

int main(void)
{
	ss_test_plan(104);
	test_config();
	test_link_limited();
	test_rcv_ssthresh();
	test_device_queue();
	test_stock_bulk();
	test_window_limited();
	test_delayed_ack();
	test_nagle();
	test_slow_start();
	test_loss();
	test_zero_window();
	test_bsd43();
	test_appack();
	test_appack_window();
	test_restore();
	test_fwd_ack();
	return ss_test_done();
}
