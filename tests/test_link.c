/* Packets and links: pool accounting, FIFO byte counts, Ethernet framing
   (sizes, padding), back-to-back goodput against rate x payload / wire
   bytes, full duplex, propagation delay, and random loss inside its
   binomial interval. */
#include <math.h>
#include <string.h>

#include "ss_err.h"
#include "ss_link.h"
#include "ss_packet.h"
#include "ss_sim.h"
#include "ss_test.h"

/* A sender that keeps one direction busy with n frames of ip_len bytes. */
typedef struct sender {
	ss_link *link;
	ss_pktpool *pool;
	int side;
	uint32_t ip_len, payload;
	int left;
	int refused;
} sender;

typedef struct receiver {
	ss_sim *sim;
	ss_pktpool *pool;
	uint64_t frames, payload;
	ss_time first, last;
} receiver;

static void send_next(void *ctx);

static void start(sender *s)
{
	ss_packet *p = ss_pktpool_get(s->pool);
	p->len = s->ip_len;
	p->payload = s->payload;
	if (ss_link_transmit(s->link, s->side, p, send_next, s) != SS_OK) {
		s->refused++;
		ss_pktpool_put(s->pool, p);
	}
}

static void send_next(void *ctx)
{
	sender *s = ctx;
	if (--s->left > 0)
		start(s);
}

static void on_rx(void *ctx, ss_packet *p)
{
	receiver *r = ctx;
	ss_time now = ss_sim_now(r->sim);
	if (!r->frames)
		r->first = now;
	r->last = now;
	r->frames++;
	r->payload += p->payload;
	ss_pktpool_put(r->pool, p);
}

static void done_nothing(void *ctx) { (void)ctx; }

/* Runs n frames from side 0 (and, if duplex, from side 1 too). */
static void run_stream(const ss_link_spec *spec, uint64_t seed, int n, uint32_t ip_len, uint32_t payload, int duplex,
		       receiver *r0, receiver *r1, ss_time *end, uint64_t *lost)
{
	ss_sim *sim;
	SS_MUST(ss_sim_alloc(&sim, seed));
	ss_pktpool *pool;
	ss_pktpool_alloc(&pool, 0);
	ss_link *l;
	char err[256];
	if (ss_link_alloc(&l, sim, "eth", spec, err, sizeof err) != SS_OK) {
		printf("# %s\n", err);
		exit(1);
	}
	ss_link_set_pool(l, pool);
	memset(r0, 0, sizeof *r0);
	memset(r1, 0, sizeof *r1);
	r0->sim = r1->sim = sim;
	r0->pool = r1->pool = pool;
	ss_link_attach(l, 1, on_rx, r1); /* side 1 receives what side 0 sends */
	ss_link_attach(l, 0, on_rx, r0);
	sender a = {.link = l, .pool = pool, .side = 0, .ip_len = ip_len, .payload = payload, .left = n};
	sender b = a;
	b.side = 1;
	start(&a);
	if (duplex)
		start(&b);
	ss_sim_run(sim);
	*end = ss_sim_now(sim);
	if (lost)
		*lost = ss_link_lost(l, 0);
	if (ss_pktpool_live(pool) != 0)
		printf("# %zu packets leaked\n", ss_pktpool_live(pool));
	ss_sim_free(sim);
	ss_pktpool_free(pool);
}

static void test_packets(void)
{
	ss_pktpool *pool;
	SS_CHECK(ss_pktpool_alloc(&pool, 2048) == SS_OK, "a pool with 2048-byte buffers");
	ss_packet *a = ss_pktpool_get(pool), *b = ss_pktpool_get(pool);
	SS_CHECK(a && b && a->id == 1 && b->id == 2 && a->cap == 2048 && a->data, "packets get ids 1, 2 and a buffer");
	ss_pktq q;
	ss_pktq_init(&q);
	a->len = 1500;
	b->len = 40;
	ss_pktq_push(&q, a);
	ss_pktq_push(&q, b);
	SS_CHECK(ss_pktq_len(&q) == 2 && ss_pktq_bytes(&q) == 1540, "queue of 2 packets holds 1540 bytes");
	SS_CHECK(ss_pktq_pop(&q) == a && ss_pktq_bytes(&q) == 40, "FIFO order, bytes follow");
	ss_pktpool_put(pool, a);
	SS_CHECK_INT(ss_pktpool_live(pool), 1, "one packet live after a put");
	ss_packet *c = ss_pktpool_get(pool);
	SS_CHECK(c == a && c->len == 0 && c->id == 3 && c->data, "a reused packet is cleared, keeps its buffer, gets a new id");
	SS_CHECK(ss_pktpool_reserve(pool, c, 9000) == SS_OK && c->cap == 9000, "a buffer grows for a jumbo frame");
	ss_pktpool_put_list(pool, ss_pktq_take_all(&q));
	ss_pktpool_put(pool, c);
	SS_CHECK(ss_pktpool_live(pool) == 0 && ss_pktpool_created(pool) == 3, "all returned; 3 handed out");
	ss_pktpool_free(pool);
}

int main(void)
{
	ss_test_plan(32);
	test_packets();

	ss_link_spec e;
	SS_CHECK(ss_link_spec_ethernet(&e, 1e9, 1500) == SS_OK, "Ethernet at 1 Gbit/s");
	/* IEEE 802.3: 8 preamble+SFD, 14 header, 1500 payload, 4 FCS, 12 IFG. */
	SS_CHECK_INT(ss_link_spec_wire_bytes(&e, 1500), 8 + 14 + 1500 + 4 + 12, "a 1500-byte datagram takes 1538 bytes on the wire");
	/* Minimum frame 64 = 14 + 46 + 4: a 20-byte datagram gets 26 bytes of padding. */
	SS_CHECK_INT(ss_link_spec_pad(&e, 20), 26, "a 20-byte datagram is padded by 26 bytes");
	SS_CHECK_INT(ss_link_spec_wire_bytes(&e, 20), 84, "so it takes the minimum 84 wire bytes");
	SS_CHECK(ss_link_spec_pad(&e, 46) == 0 && ss_link_spec_wire_bytes(&e, 46) == 84, "46 bytes need no padding, 84 on the wire");
	SS_CHECK(ss_link_spec_ethernet(&e, 1e9, 40) == SS_EINVAL && ss_link_spec_ethernet(&e, 0, 1500) == SS_EINVAL,
		 "an MTU below 46 or a zero rate is refused");

	/* Back-to-back 1500-byte frames carrying 1448 bytes of TCP payload
	   (1500 - IP 20 - TCP 20 - timestamps 12) at 1 Gbit/s. */
	ss_link_spec_ethernet(&e, 1e9, 1500);
	e.prop = 5 * SS_PS_PER_US;
	receiver r0, r1;
	ss_time end;
	const int n = 2000;
	run_stream(&e, 1, n, 1500, 1448, 0, &r0, &r1, &end, NULL);
	ss_time ft = 1538 * 8 * SS_PS_PER_NS; /* 8 ns per byte at 1 Gbit/s */
	SS_CHECK_INT(r1.first, ft + e.prop, "the first frame arrives after its wire time plus the propagation delay");
	SS_CHECK_INT(r1.last, n * ft + e.prop, "frame n arrives at n x 12.304 us + prop: no gaps between frames");
	SS_CHECK(r1.frames == (uint64_t)n && r0.frames == 0, "every frame reaches side 1, none side 0");
	double goodput = (double)r1.payload * 8 / ss_time_to_s(r1.last - e.prop);
	SS_CHECK_NEAR(goodput / 1e6, ss_link_spec_goodput(&e, 1500, 1448) / 1e6, 1e-6,
		      "goodput = rate x 1448 / 1538 (Mbit/s)");
	SS_CHECK_NEAR(ss_link_spec_goodput(&e, 1500, 1448) / 1e6, 1000.0 * 1448 / 1538, 1e-9, "which is 941.48 Mbit/s");

	/* Minimum frames at 100 Mbit/s: 28-byte datagrams (IP + UDP, no data). */
	ss_link_spec f;
	ss_link_spec_ethernet(&f, 100e6, 1500);
	run_stream(&f, 1, 1000, 28, 0, 0, &r0, &r1, &end, NULL);
	SS_CHECK_INT(r1.last, 1000 * 84 * 80 * SS_PS_PER_NS, "1000 padded minimum frames take 1000 x 84 x 80 ns");

	/* Full duplex: both directions at once take as long as one. */
	run_stream(&e, 1, n, 1500, 1448, 1, &r0, &r1, &end, NULL);
	SS_CHECK(r0.frames == (uint64_t)n && r1.frames == (uint64_t)n && r0.last == r1.last && r1.last == n * ft + e.prop,
		 "full duplex: each direction delivers n frames by n x frame time + prop");

	/* Busy direction, oversize datagram, statistics. */
	{
		ss_sim *sim;
		SS_MUST(ss_sim_alloc(&sim, 3));
		ss_pktpool *pool;
		ss_pktpool_alloc(&pool, 0);
		ss_link *l;
		char err[256];
		ss_link_alloc(&l, sim, "eth", &e, err, sizeof err);
		receiver r = {.sim = sim, .pool = pool};
		ss_link_attach(l, 1, on_rx, &r);
		ss_packet *p = ss_pktpool_get(pool), *q = ss_pktpool_get(pool), *big = ss_pktpool_get(pool);
		p->len = q->len = 1000;
		big->len = 1501;
		SS_CHECK(ss_link_transmit(l, 0, big, done_nothing, NULL) == SS_EINVAL, "a datagram above the MTU is refused");
		SS_CHECK(ss_link_transmit(l, 0, p, done_nothing, NULL) == SS_OK && ss_link_busy(l, 0) &&
			 ss_link_transmit(l, 0, q, done_nothing, NULL) == SS_EBUSY,
			 "a second frame while the direction is busy gets SS_EBUSY");
		SS_CHECK(ss_link_frame_time(l, 1000) == 1038 * 8 * SS_PS_PER_NS, "frame time of 1000 bytes is 8.304 us");
		ss_sim_run_until(sim, ss_link_frame_time(l, 1000) * 2);
		SS_CHECK_NEAR(ss_link_utilisation(l, 0), 0.5, 1e-12, "busy one frame time out of two: utilisation 0.5");
		SS_CHECK(ss_link_frames(l, 0) == 1 && ss_link_ip_bytes(l, 0) == 1000 && ss_link_wire_bytes(l, 0) == 1038 &&
			 ss_link_utilisation(l, 1) == 0,
			 "frames, datagram and wire bytes counted per direction");
		ss_metrics m;
		ss_metrics_init(&m);
		ss_sim_report(sim, &m);
		int found = 0;
		for (size_t i = 0; i < m.n; i++)
			found += !strcmp(m.v[i].name, "eth.ab.util") || !strcmp(m.v[i].name, "eth.ba.lost") ||
				 !strcmp(m.v[i].name, "eth.ab.frames");
		SS_CHECK_INT(found, 3, "the report has eth.ab.util, eth.ab.frames and eth.ba.lost");
		ss_metrics_fini(&m);
		ss_pktpool_put(pool, q);
		ss_pktpool_put(pool, big);
		SS_CHECK_INT(ss_pktpool_live(pool), 0, "no packet leaks after a refused transmit");
		ss_sim_free(sim);
		ss_pktpool_free(pool);
	}

	/* Random loss: p = 0.1 over 20000 frames. */
	ss_link_spec g;
	ss_link_spec_ethernet(&g, 1e9, 1500);
	g.loss = 0.1;
	uint64_t lost, lost2;
	const int nl = 20000;
	run_stream(&g, 42, nl, 64, 0, 0, &r0, &r1, &end, &lost);
	double mean = nl * g.loss, sd = sqrt(nl * g.loss * (1 - g.loss));
	SS_DIAG("lost %llu of %d (expected %.0f +- %.1f)", (unsigned long long)lost, nl, mean, sd);
	SS_CHECK(fabs((double)lost - mean) <= 3.29 * sd, "lost frames inside the 99.9%% binomial interval");
	SS_CHECK(lost + r1.frames == (uint64_t)nl, "every frame is either lost or delivered");
	run_stream(&g, 42, nl, 64, 0, 0, &r0, &r1, &end, &lost2);
	SS_CHECK(lost == lost2, "the same seed loses the same frames");
	{
		ss_sim *sim;
		SS_MUST(ss_sim_alloc(&sim, 1));
		ss_link *l;
		char err[256] = "";
		g.loss = 1.0;
		SS_CHECK(ss_link_alloc(&l, sim, "eth", &g, err, sizeof err) == SS_EINVAL && strstr(err, "loss"),
			 "loss 1 is refused with a message (%s)", err);
		ss_sim_free(sim);
	}
	return ss_test_done();
}
