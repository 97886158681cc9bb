/* The TCP engine (ss_tcp.h). Sequence arithmetic is modulo 2^32, as
   TCP's: a before b when (int32_t)(a - b) < 0. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"
#include "ss_tcp.h"

#define OOO_MAX 16 /* out-of-order intervals kept; beyond, segments are dropped */

static int before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static int after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

enum { TIMER_RTO = 1, TIMER_DELACK = 2 };

struct ss_tcp {
	ss_sim *sim;
	ss_tcp_config c;
	ss_tcp_hooks h;
	void *ctx;
	int connected, ts, sack, ws;
	uint32_t mss;
	/* send side */
	uint32_t snd_una, snd_nxt, write_seq, high_tx, snd_wnd;
	uint32_t cwnd, ssthresh, recover;
	int dupacks, in_recovery;
	double srtt, rttvar; /* s */
	ss_time rto;
	int rtt_timing;
	uint32_t rtt_seq;
	ss_time rtt_start;
	ss_timer rto_t;
	uint64_t rto_gen;
	/* receive side */
	uint32_t rcv_nxt, copied, adv_right;
	uint32_t ooo[OOO_MAX][2];
	int nooo;
	uint32_t ooo_bytes;
	uint32_t ts_recent;
	int quick;
	uint32_t unacked; /* bytes received since the last ACK sent */
	ss_timer dack_t;
	uint64_t dack_gen;
	ss_tcp_stats st;
};

void ss_tcp_config_linux2611(ss_tcp_config *c, int tuned)
{
	memset(c, 0, sizeof *c);
	c->mtu = 1500;
	c->nagle = 1;
	if (tuned) {
		c->sndbuf = 4194304; /* I09-055 */
		c->rcvbuf = 4194304;
		c->timestamps = c->sack = c->wscale = 1;
	} else {
		c->sndbuf = 131072;  /* tcp_wmem max, 2.6.11 ip-sysctl.txt */
		c->rcvbuf = 174760;  /* tcp_rmem max */
	}
	c->delack = ss_time_from_us(40000);
	c->rto_min = ss_time_from_us(200000);
	c->rto_init = ss_time_from_s(3);
}

int ss_tcp_alloc(ss_tcp **out, ss_sim *sim, const ss_tcp_config *cfg, const ss_tcp_hooks *hooks, void *ctx, char *err,
		 size_t errlen)
{
	*out = NULL;
	uint32_t hdr = 40 + (cfg->timestamps ? 12 : 0) + cfg->sec_overhead;
	if (!cfg->pool || !hooks || !hooks->output) {
		ss_errbuf(err, errlen, "tcp: a packet pool and an output hook are needed");
		return SS_EINVAL;
	}
	if (cfg->mtu <= hdr + 8) {
		ss_errbuf(err, errlen, "tcp: MTU %u leaves no room for data after %u bytes of headers", cfg->mtu, hdr);
		return SS_EINVAL;
	}
	if (cfg->sndbuf < 2 * (cfg->mtu - hdr) || cfg->rcvbuf < 2 * (cfg->mtu - hdr)) {
		ss_errbuf(err, errlen, "tcp: socket buffers of %u/%u bytes are smaller than two segments", cfg->sndbuf,
			  cfg->rcvbuf);
		return SS_EINVAL;
	}
	ss_tcp *t = calloc(1, sizeof *t);
	if (!t)
		return SS_ENOMEM;
	t->sim = sim;
	t->c = *cfg;
	t->h = *hooks;
	t->ctx = ctx;
	t->rto = cfg->rto_init;
	*out = t;
	return SS_OK;
}

void ss_tcp_free(ss_tcp *t)
{
	if (!t)
		return;
	ss_sim_cancel(t->sim, &t->rto_t);
	ss_sim_cancel(t->sim, &t->dack_t);
	free(t);
}

static void set_mss(ss_tcp *t)
{
	t->mss = t->c.mtu - 40 - (t->ts ? 12 : 0) - t->c.sec_overhead;
	/* Linux 2.6.11 tcp_init_cwnd: 2 segments above 1460, 3 above 1095, else 4 */
	uint32_t mss = t->mss;
	uint32_t segs = mss > 1460 ? 2 : mss > 1095 ? 3 : 4;
	t->cwnd = segs * mss;
	t->ssthresh = 0x7fffffff;
	t->quick = t->c.quickacks ? t->c.quickacks : 16; /* TCP_MAX_QUICKACKS */
}

int ss_tcp_connect_pair(ss_tcp *a, ss_tcp *b)
{
	if (!a || !b)
		return SS_EINVAL;
	int ts = a->c.timestamps && b->c.timestamps, sack = a->c.sack && b->c.sack, ws = a->c.wscale && b->c.wscale;
	ss_tcp *e[2] = {a, b};
	for (int i = 0; i < 2; i++) {
		e[i]->ts = ts;
		e[i]->sack = sack;
		e[i]->ws = ws;
		e[i]->connected = 1;
		set_mss(e[i]);
	}
	/* Each learns the other's initial window, as from its SYN. */
	for (int i = 0; i < 2; i++) {
		ss_tcp *o = e[1 - i];
		uint32_t free = o->c.rcvbuf;
		uint32_t w = free - free / 4;
		if (!ws && w > 65535)
			w = 65535;
		e[i]->snd_wnd = w;
		o->adv_right = w;
	}
	return SS_OK;
}

uint32_t ss_tcp_mss(const ss_tcp *t) { return t->mss; }
uint32_t ss_tcp_rcvbuf(const ss_tcp *t) { return t->c.rcvbuf; }
const ss_tcp_stats *ss_tcp_stats_of(const ss_tcp *t) { return &t->st; }

uint32_t ss_tcp_send_space(const ss_tcp *t)
{
	uint32_t queued = t->write_seq - t->snd_una;
	return queued < t->c.sndbuf ? t->c.sndbuf - queued : 0;
}

uint32_t ss_tcp_readable(const ss_tcp *t) { return t->rcv_nxt - t->copied; }

/* The window to advertise: three quarters of the free receive buffer
   (tcp_win_from_space, adv_win_scale 2), in whole segments (receiver
   silly-window avoidance), at most 65535 without window scaling. */
static uint32_t adv_window(const ss_tcp *t)
{
	uint32_t used = (t->rcv_nxt - t->copied) + t->ooo_bytes;
	uint32_t free = used < t->c.rcvbuf ? t->c.rcvbuf - used : 0;
	uint32_t w = free - free / 4;
	if (!t->ws && w > 65535)
		w = 65535;
	if (t->mss)
		w = w / t->mss * t->mss;
	return w;
}

static uint32_t now_us(const ss_tcp *t) { return (uint32_t)(ss_sim_now(t->sim) / 1000000); }

static void timer_fired(ss_sim *sim, void *ctx, uint64_t arg);

static void arm(ss_tcp *t, int which, ss_time d)
{
	ss_timer *tm = which == TIMER_RTO ? &t->rto_t : &t->dack_t;
	uint64_t *gen = which == TIMER_RTO ? &t->rto_gen : &t->dack_gen;
	ss_sim_cancel(t->sim, tm);
	(*gen)++;
	*tm = ss_sim_after(t->sim, d, timer_fired, t, (*gen << 2) | (uint64_t)which);
}

static void disarm(ss_tcp *t, int which)
{
	ss_sim_cancel(t->sim, which == TIMER_RTO ? &t->rto_t : &t->dack_t);
	(*(which == TIMER_RTO ? &t->rto_gen : &t->dack_gen))++;
}

static ss_packet *segment(ss_tcp *t, uint32_t seq, uint32_t len)
{
	ss_packet *p = ss_pktpool_get(t->c.pool);
	if (!p)
		ss_fatal(SS_LOC, "out of memory for a segment");
	p->seq = seq;
	p->payload = len;
	p->ack = t->rcv_nxt;
	p->wnd = adv_window(t);
	p->flags = SS_TCP_ACK;
	p->opt_bytes = t->ts ? 12 : 0; /* NOP NOP TS(10) */
	if (t->ts) {
		p->tsval = now_us(t);
		p->tsecr = t->ts_recent;
	}
	p->nsack = 0;
	p->stamp = ss_sim_now(t->sim);
	t->adv_right = t->rcv_nxt + p->wnd;
	t->unacked = 0;
	if (t->quick > 0)
		t->quick--;
	disarm(t, TIMER_DELACK);
	return p;
}

static void finish(ss_tcp *t, ss_packet *p)
{
	p->hdr_l4 = 20 + p->opt_bytes;
	p->hdr_l3 = 20;
	p->hdr_sec = 0;
	p->len = p->hdr_l3 + p->hdr_l4 + p->payload;
	t->h.output(t->ctx, p);
}

static void send_data(ss_tcp *t, uint32_t seq, uint32_t len)
{
	ss_packet *p = segment(t, seq, len);
	if (seq + len == t->write_seq)
		p->flags |= SS_TCP_PSH;
	int retx = before(seq, t->high_tx);
	if (retx) {
		t->st.retransmits++;
		t->rtt_timing = 0; /* Karn: no sample from a retransmitted segment */
	} else if (!t->ts && !t->rtt_timing) {
		t->rtt_timing = 1;
		t->rtt_seq = seq + len;
		t->rtt_start = ss_sim_now(t->sim);
	}
	if (after(seq + len, t->high_tx))
		t->high_tx = seq + len;
	t->st.data_segs_out++;
	if (!ss_sim_timer_pending(t->sim, &t->rto_t))
		arm(t, TIMER_RTO, t->rto);
	finish(t, p);
}

static void send_ack(ss_tcp *t)
{
	ss_packet *p = segment(t, t->snd_nxt, 0);
	if (t->sack && t->nooo) {
		int max = t->ts ? 3 : 4;
		int n = t->nooo < max ? t->nooo : max;
		for (int i = 0; i < n; i++) {
			p->sack[i][0] = t->ooo[i][0];
			p->sack[i][1] = t->ooo[i][1];
		}
		p->nsack = (uint8_t)n;
		p->opt_bytes = (uint8_t)(p->opt_bytes + 4 + 8 * n); /* NOP NOP SACK(2 + 8n) */
	}
	t->st.acks_out++;
	finish(t, p);
}

/* Sends what the congestion and receive windows and Nagle allow. */
static void try_send(ss_tcp *t)
{
	for (;;) {
		uint32_t unsent = t->write_seq - t->snd_nxt;
		if (!unsent)
			return;
		uint32_t inflight = t->snd_nxt - t->snd_una;
		uint32_t wnd = t->cwnd < t->snd_wnd ? t->cwnd : t->snd_wnd;
		uint32_t len = unsent < t->mss ? unsent : t->mss;
		if (inflight + len > wnd) {
			if (inflight == 0 && !ss_sim_timer_pending(t->sim, &t->rto_t))
				arm(t, TIMER_RTO, t->rto); /* zero window: probe on expiry */
			return;
		}
		if (len < t->mss && t->c.nagle && inflight > 0)
			return; /* Nagle: a small segment waits for the ACK of what is out */
		send_data(t, t->snd_nxt, len);
		t->snd_nxt += len;
	}
}

uint32_t ss_tcp_write(ss_tcp *t, uint32_t bytes)
{
	uint32_t space = ss_tcp_send_space(t);
	uint32_t n = bytes < space ? bytes : space;
	t->write_seq += n;
	try_send(t);
	return n;
}

uint32_t ss_tcp_read(ss_tcp *t, uint32_t max)
{
	uint32_t avail = ss_tcp_readable(t);
	uint32_t n = max < avail ? max : avail;
	t->copied += n;
	t->st.bytes_read += n;
	/* tcp_cleanup_rbuf: a window update when the window would at least
	   double what the peer may still send. */
	uint32_t now_wnd = after(t->adv_right, t->rcv_nxt) ? t->adv_right - t->rcv_nxt : 0;
	uint32_t neww = adv_window(t);
	if (n && neww && neww >= 2 * now_wnd)
		send_ack(t);
	return n;
}

static void rtt_sample(ss_tcp *t, double r)
{
	if (r <= 0)
		r = 1e-6;
	if (t->srtt == 0) {
		t->srtt = r;
		t->rttvar = r / 2;
	} else {
		t->rttvar = 0.75 * t->rttvar + 0.25 * fabs(t->srtt - r);
		t->srtt = 0.875 * t->srtt + 0.125 * r;
	}
	ss_time rto = ss_time_from_s(t->srtt + 4 * t->rttvar);
	t->rto = rto < t->c.rto_min ? t->c.rto_min : rto;
	t->st.srtt = t->srtt;
}

static void on_rto(ss_tcp *t)
{
	uint32_t inflight = t->snd_nxt - t->snd_una;
	if (inflight == 0) {
		if (t->write_seq != t->snd_nxt) {
			/* Zero-window probe: an empty segment the receiver answers
			   with its window. */
			ss_packet *p = segment(t, t->snd_nxt, 0);
			p->flags |= SS_TCP_PSH;
			finish(t, p);
			arm(t, TIMER_RTO, t->rto);
		}
		return;
	}
	t->st.timeouts++;
	t->ssthresh = inflight / 2 > 2 * t->mss ? inflight / 2 : 2 * t->mss;
	t->cwnd = t->mss;
	t->snd_nxt = t->snd_una; /* go back: resend from the first unacknowledged byte */
	t->in_recovery = 0;
	t->dupacks = 0;
	t->rtt_timing = 0;
	t->rto = t->rto * 2 > ss_time_from_s(120) ? ss_time_from_s(120) : t->rto * 2;
	disarm(t, TIMER_RTO);
	try_send(t);
}

static void run_timer(void *ctx, uint64_t arg)
{
	ss_tcp *t = ctx;
	int which = (int)(arg & 3);
	uint64_t gen = arg >> 2;
	if (which == TIMER_RTO && gen == t->rto_gen)
		on_rto(t);
	else if (which == TIMER_DELACK && gen == t->dack_gen && t->unacked)
		send_ack(t);
}

static void timer_fired(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	ss_tcp *t = ctx;
	if (t->h.defer)
		t->h.defer(t->ctx, run_timer, t, arg);
	else
		run_timer(t, arg);
}

static void on_ack(ss_tcp *t, const ss_packet *p)
{
	uint32_t ack = p->ack;
	if (after(ack, t->snd_una) && !after(ack, t->snd_nxt)) {
		uint32_t acked = ack - t->snd_una;
		t->snd_una = ack;
		t->st.bytes_acked += acked;
		t->dupacks = 0;
		if (t->ts && p->tsecr)
			rtt_sample(t, (double)(now_us(t) - p->tsecr) * 1e-6);
		else if (t->rtt_timing && !before(ack, t->rtt_seq)) {
			t->rtt_timing = 0;
			rtt_sample(t, ss_time_to_s(ss_sim_now(t->sim) - t->rtt_start));
		}
		if (t->in_recovery) {
			if (!before(ack, t->recover)) {
				t->in_recovery = 0;
				t->cwnd = t->ssthresh;
			} else {
				/* NewReno partial ACK: the next hole goes at once. */
				uint32_t len = t->snd_nxt - t->snd_una < t->mss ? t->snd_nxt - t->snd_una : t->mss;
				send_data(t, t->snd_una, len);
				t->cwnd = t->cwnd > acked ? t->cwnd - acked + t->mss : t->mss;
			}
		} else if (t->cwnd < t->ssthresh) {
			t->cwnd += t->mss; /* slow start: a segment per ACK (2.6.11 counts ACKs, not bytes) */
		} else {
			uint32_t inc = (uint32_t)((uint64_t)t->mss * t->mss / t->cwnd);
			t->cwnd += inc ? inc : 1;
		}
		if (t->snd_una == t->snd_nxt)
			disarm(t, TIMER_RTO);
		else
			arm(t, TIMER_RTO, t->rto);
		if (t->h.space)
			t->h.space(t->ctx);
	} else if (ack == t->snd_una && p->payload == 0 && t->snd_nxt != t->snd_una && p->wnd == t->snd_wnd) {
		t->st.dupacks_in++;
		if (t->in_recovery) {
			t->cwnd += t->mss;
		} else if (++t->dupacks == 3) {
			uint32_t inflight = t->snd_nxt - t->snd_una;
			t->ssthresh = inflight / 2 > 2 * t->mss ? inflight / 2 : 2 * t->mss;
			t->in_recovery = 1;
			t->recover = t->snd_nxt;
			t->st.fast_retransmits++;
			uint32_t len = inflight < t->mss ? inflight : t->mss;
			send_data(t, t->snd_una, len);
			t->cwnd = t->ssthresh + 3 * t->mss;
		}
	}
	if (!before(ack, t->snd_una))
		t->snd_wnd = p->wnd;
}

/* Out-of-order data [s, e): kept as merged intervals. */
static int ooo_add(ss_tcp *t, uint32_t s, uint32_t e)
{
	for (int i = 0; i < t->nooo; i++)
		if (!after(s, t->ooo[i][1]) && !before(e, t->ooo[i][0])) {
			uint32_t ns = before(s, t->ooo[i][0]) ? s : t->ooo[i][0];
			uint32_t ne = after(e, t->ooo[i][1]) ? e : t->ooo[i][1];
			t->ooo_bytes += (ne - ns) - (t->ooo[i][1] - t->ooo[i][0]);
			t->ooo[i][0] = ns;
			t->ooo[i][1] = ne;
			return 1;
		}
	if (t->nooo == OOO_MAX)
		return 0;
	t->ooo[t->nooo][0] = s;
	t->ooo[t->nooo][1] = e;
	t->nooo++;
	t->ooo_bytes += e - s;
	return 1;
}

/* After rcv_nxt advanced: intervals it reached join the stream. */
static void ooo_merge(ss_tcp *t)
{
	int moved = 1;
	while (moved) {
		moved = 0;
		for (int i = 0; i < t->nooo; i++) {
			if (after(t->ooo[i][0], t->rcv_nxt))
				continue;
			if (after(t->ooo[i][1], t->rcv_nxt))
				t->rcv_nxt = t->ooo[i][1];
			t->ooo_bytes -= t->ooo[i][1] - t->ooo[i][0];
			t->ooo[i][0] = t->ooo[t->nooo - 1][0];
			t->ooo[i][1] = t->ooo[t->nooo - 1][1];
			t->nooo--;
			moved = 1;
			break;
		}
	}
}

void ss_tcp_input(ss_tcp *t, ss_packet *p)
{
	t->st.segs_in++;
	if (t->ts && !after(p->seq, t->rcv_nxt))
		t->ts_recent = p->tsval;
	on_ack(t, p);
	int ack_now = 0, delay = 0;
	if (p->payload > 0) {
		uint32_t s = p->seq, e = p->seq + p->payload;
		uint32_t used = (t->rcv_nxt - t->copied) + t->ooo_bytes;
		int room = used + p->payload <= t->c.rcvbuf;
		if (s == t->rcv_nxt && room) {
			int had_hole = t->nooo > 0;
			t->rcv_nxt = e;
			t->st.bytes_received += p->payload;
			ooo_merge(t);
			t->unacked += p->payload;
			if (t->h.readable)
				t->h.readable(t->ctx);
			/* __tcp_ack_snd_check: more than one full segment
			   unacknowledged, quick-ACK mode, or a hole just filled. */
			if (had_hole || t->quick > 0 || t->unacked > t->mss)
				ack_now = 1;
			else
				delay = 1;
		} else if (after(s, t->rcv_nxt) && room && ooo_add(t, s, e)) {
			t->st.bytes_received += p->payload;
			ack_now = 1; /* a duplicate ACK (with SACK blocks) at once */
		} else {
			ack_now = 1; /* old, duplicate or no room: tell the sender where we are */
		}
	} else if (p->flags & SS_TCP_PSH) {
		ack_now = 1; /* a window probe */
	}
	ss_pktpool_put(t->c.pool, p);
	/* An ACK or window update may let data go; a segment sent carries
	   the ACK. */
	uint64_t out0 = t->st.data_segs_out;
	try_send(t);
	int sent = t->st.data_segs_out != out0;
	if (ack_now && !sent)
		send_ack(t);
	else if (delay && !sent && !ss_sim_timer_pending(t->sim, &t->dack_t))
		arm(t, TIMER_DELACK, t->c.delack);
}
