/* NIC: interrupt rate = packet rate without moderation and 1/I above it,
   masking latches a cause, rx ring overflow drops exactly, a full tx ring
   returns SS_EBUSY, DMA and wire times add up, packets never leak; the
   NIC presets load and bad files fail with file:line; receive-side
   scaling: frames split by flow, a moderation timer and a mask per
   vector. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ss_err.h"
#include "ss_iobus.h"
#include "ss_link.h"
#include "ss_nic.h"
#include "ss_packet.h"
#include "ss_sim.h"
#include "ss_test.h"

typedef struct rig {
	ss_sim *sim;
	ss_pktpool *pool;
	ss_iobus *bus_a, *bus_b;
	ss_link *link;
	ss_nic *a, *b;
	/* host stub on b */
	int take;              /* the handler takes every done packet */
	uint64_t irqs, taken;
	ss_time first_irq, last_irq;
	/* sender on a */
	uint32_t len;
	int left;
	ss_time gap;
} rig;

static void b_irq(void *ctx)
{
	rig *r = ctx;
	ss_time now = ss_sim_now(r->sim);
	if (!r->irqs)
		r->first_irq = now;
	r->last_irq = now;
	r->irqs++;
	if (r->take) {
		ss_packet *p;
		while ((p = ss_nic_rx_take(r->b))) {
			r->taken++;
			ss_pktpool_put(r->pool, p);
		}
	}
}

static void a_irq(void *ctx)
{
	rig *r = ctx;
	ss_nic_tx_clean(r->a, NULL);
}

static void rig_init_loss(rig *r, const ss_nic_spec *sa, const ss_nic_spec *sb, double loss)
{
	char err[256];
	memset(r, 0, sizeof *r);
	SS_MUST(ss_sim_alloc(&r->sim, 1));
	ss_pktpool_alloc(&r->pool, 0);
	ss_iobus_alloc(&r->bus_a, r->sim, "pcia", "pcix-133", err, sizeof err);
	ss_iobus_alloc(&r->bus_b, r->sim, "pcib", "pcix-133", err, sizeof err);
	ss_link_spec e;
	ss_link_spec_ethernet(&e, 1e9, 1500);
	e.prop = SS_PS_PER_US;
	e.loss = loss;
	ss_link_alloc(&r->link, r->sim, "eth", &e, err, sizeof err);
	if (ss_nic_alloc(&r->a, r->sim, "a", sa, r->bus_a, r->link, 0, err, sizeof err) != SS_OK ||
	    ss_nic_alloc(&r->b, r->sim, "b", sb, r->bus_b, r->link, 1, err, sizeof err) != SS_OK) {
		printf("# %s\n", err);
		exit(1);
	}
	ss_link_set_pool(r->link, r->pool);
	ss_nic_set_pool(r->a, r->pool);
	ss_nic_set_pool(r->b, r->pool);
	ss_nic_set_irq(r->a, a_irq, r);
	ss_nic_set_irq(r->b, b_irq, r);
	r->take = 1;
}

static void rig_init(rig *r, const ss_nic_spec *sa, const ss_nic_spec *sb) { rig_init_loss(r, sa, sb, 0); }

static void rig_fini(rig *r)
{
	ss_sim_free(r->sim);
	ss_pktpool_free(r->pool);
}

static void send_one(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	rig *r = ctx;
	ss_packet *p = ss_pktpool_get(r->pool);
	p->len = r->len;
	if (ss_nic_xmit(r->a, p) != SS_OK)
		ss_pktpool_put(r->pool, p);
	if (--r->left > 0)
		ss_sim_after(sim, r->gap, send_one, r, 0);
}

static ss_nic_spec base_spec(void)
{
	return (ss_nic_spec){.tx_ring = 256, .rx_ring = 256, .dma_hdr = 14, .desc_bytes = 32, .tx_irq = 1};
}

/* ---- RSS: a NIC without a link, frames given by flow ---- */

typedef struct vstub {
	ss_nic *n;
	ss_pktpool *pool;
	uint32_t q;
	uint64_t irqs, taken, wrong; /* wrong: a frame whose flow maps elsewhere */
} vstub;

static void v_irq(void *ctx)
{
	vstub *v = ctx;
	v->irqs++;
	ss_packet *p;
	while ((p = ss_nic_queue_rx_take(v->n, v->q))) {
		v->taken++;
		v->wrong += p->flow % ss_nic_rx_queues(v->n) != v->q;
		ss_pktpool_put(v->pool, p);
	}
}

/* nq queues, 100 us moderation; `frames` 1500-byte frames of flows 0, 1,
   ... at time 0, queue 0's vector masked until 1 ms when mask0. Fills
   v[0..nq-1]. */
static void rss_run(uint32_t nq, int frames, int mask0, vstub *v, ss_time *latched_at)
{
	char err[256];
	ss_sim *sim;
	ss_pktpool *pool;
	ss_iobus *bus;
	ss_nic *n;
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_pktpool_alloc(&pool, 0));
	SS_MUST(ss_iobus_alloc(&bus, sim, "pcie", "pcie2-x8", err, sizeof err));
	ss_nic_spec s = base_spec();
	s.rx_queues = nq;
	s.irq_min_interval = 100 * SS_PS_PER_US;
	SS_MUST(ss_nic_alloc(&n, sim, "rss", &s, bus, NULL, 0, err, sizeof err));
	ss_nic_set_pool(n, pool);
	for (uint32_t q = 0; q < nq; q++) {
		v[q] = (vstub){.n = n, .pool = pool, .q = q};
		ss_nic_set_queue_irq(n, q, v_irq, &v[q]);
	}
	if (mask0)
		ss_nic_queue_irq_enable(n, 0, 0);
	for (int i = 0; i < frames; i++) {
		ss_packet *p = ss_pktpool_get(pool);
		p->len = 1500;
		p->flow = (uint32_t)i;
		ss_nic_rx_frame(n, p);
	}
	if (mask0) {
		ss_sim_run_until(sim, SS_PS_PER_MS);
		*latched_at = (ss_time)v[0].irqs; /* interrupts while masked */
		ss_nic_queue_irq_enable(n, 0, 1);
	}
	ss_sim_run(sim);
	ss_sim_free(sim);
	ss_pktpool_free(pool);
}

static void rss_checks(void)
{
	vstub one[1], two[2];
	ss_time masked = 0;
	rss_run(1, 6, 0, one, NULL);
	rss_run(2, 6, 0, two, NULL);
	SS_CHECK_INT(two[0].taken, 3, "queue 0 takes 3 of 6 frames");
	SS_CHECK(two[1].taken == 3 && two[0].wrong == 0 && two[1].wrong == 0,
		 "6 frames of flows 0..5 over 2 queues: flows 0, 2, 4 on queue 0 and 1, 3, 5 on queue 1");
	/* Back to back within 100 us: one vector fires at its first frame and
	   once more at the end of its interval for the rest (2); with two
	   vectors each has its own interval: 2 each. */
	SS_CHECK(one[0].irqs == 2 && two[0].irqs == 2 && two[1].irqs == 2,
		 "a moderation timer per vector: 2 interrupts for one queue, 2 per queue for two (%llu, %llu, %llu)",
		 (unsigned long long)one[0].irqs, (unsigned long long)two[0].irqs, (unsigned long long)two[1].irqs);
	rss_run(2, 2, 1, two, &masked);
	SS_CHECK(masked == 0 && two[1].irqs == 1 && two[0].irqs == 1 && two[0].taken == 1,
		 "a mask per vector: queue 1 interrupts while queue 0 is masked; queue 0's latched cause fires on enable");
	ss_nic_spec s = base_spec();
	char msg[128];
	s.rx_queues = 5000;
	SS_CHECK(ss_nic_spec_check(&s, msg, sizeof msg) == SS_EINVAL, "5000 receive queues are refused (%s)", msg);
}

int main(void)
{
	ss_test_plan(40);
	rss_checks();
	rig r;
	ss_nic_spec sa = base_spec(), sb = base_spec();
	sb.tx_irq = 0;

	/* One packet: the interrupt comes after A's DMA, the wire, prop and B's DMA. */
	rig_init(&r, &sa, &sb);
	r.len = 1500;
	r.left = 1;
	ss_sim_at(r.sim, 0, send_one, &r, 0);
	ss_sim_run(r.sim);
	ss_time want = ss_iobus_dma_time_desc(r.bus_a, 1514, 32) + ss_link_frame_time(r.link, 1500) + SS_PS_PER_US +
		       ss_iobus_dma_time_desc(r.bus_b, 1514, 32);
	SS_CHECK_INT(r.first_irq, want, "rx IRQ at tx DMA + wire + prop + rx DMA (ps)");
	SS_CHECK(ss_nic_tx_pkts(r.a) == 1 && ss_nic_rx_pkts(r.b) == 1 && r.taken == 1, "one frame sent, received, taken");
	SS_CHECK(ss_nic_tx_free(r.a) == 256, "the tx interrupt handler cleaned the descriptor");
	rig_fini(&r);

	/* No moderation: one IRQ per packet (1000 packets, one every 20 us). */
	rig_init(&r, &sa, &sb);
	r.len = 1500;
	r.left = 1000;
	r.gap = 20 * SS_PS_PER_US;
	ss_sim_at(r.sim, 0, send_one, &r, 0);
	ss_sim_run(r.sim);
	SS_CHECK_INT(r.irqs, 1000, "without moderation the IRQ count equals the packet count");
	SS_CHECK_INT(ss_nic_irqs(r.a), 1000, "the sender gets one tx IRQ per packet too");
	rig_fini(&r);

	/* Moderation I = 125 us with a packet every 20 us: IRQ rate 1/I. */
	sb.irq_min_interval = 125 * SS_PS_PER_US;
	rig_init(&r, &sa, &sb);
	r.len = 1500;
	r.left = 5000;
	r.gap = 20 * SS_PS_PER_US;
	ss_sim_at(r.sim, 0, send_one, &r, 0);
	ss_sim_run(r.sim);
	double rate = (double)(r.irqs - 1) / ss_time_to_s(r.last_irq - r.first_irq);
	SS_CHECK_NEAR(rate, 8000, 1e-6, "with 50k packets/s above 1/I the IRQ rate is 1/I = 8000/s");
	SS_CHECK(r.taken == 5000 && ss_nic_rx_drops(r.b) == 0, "every packet is still delivered (6-7 per IRQ)");
	rig_fini(&r);

	/* Moderation with packets slower than 1/I: one IRQ each. */
	rig_init(&r, &sa, &sb);
	r.len = 1500;
	r.left = 200;
	r.gap = 200 * SS_PS_PER_US;
	ss_sim_at(r.sim, 0, send_one, &r, 0);
	ss_sim_run(r.sim);
	SS_CHECK_INT(r.irqs, 200, "packets 200 us apart with I = 125 us: one IRQ per packet");
	rig_fini(&r);
	sb.irq_min_interval = 0;

	/* Masking latches a cause. */
	rig_init(&r, &sa, &sb);
	r.take = 0;
	ss_nic_irq_enable(r.b, 0);
	r.len = 500;
	r.left = 3;
	r.gap = 10 * SS_PS_PER_US;
	ss_sim_at(r.sim, 0, send_one, &r, 0);
	ss_sim_run(r.sim);
	SS_CHECK(r.irqs == 0 && ss_nic_rx_pending(r.b) == 3, "masked: 3 frames done, no IRQ");
	SS_CHECK_INT(ss_nic_latched(r.b), 3, "3 causes latched while masked");
	ss_time t_en = ss_sim_now(r.sim);
	ss_nic_irq_enable(r.b, 1);
	ss_sim_run(r.sim);
	SS_CHECK(r.irqs == 1 && r.first_irq == t_en, "re-enabling raises exactly one IRQ at once");
	ss_pktpool_put(r.pool, ss_nic_rx_take(r.b));
	ss_pktpool_put(r.pool, ss_nic_rx_take(r.b));
	ss_pktpool_put(r.pool, ss_nic_rx_take(r.b));
	SS_CHECK(ss_nic_rx_take(r.b) == NULL && ss_pktpool_live(r.pool) == 0, "all taken; no packet leaks");
	rig_fini(&r);

	/* Rx ring overflow: a 40-frame burst into a 16-descriptor ring nobody empties. */
	sb.rx_ring = 16;
	rig_init(&r, &sa, &sb);
	r.take = 0;
	r.len = 1500;
	r.left = 40;
	r.gap = 0;
	ss_sim_at(r.sim, 0, send_one, &r, 0);
	ss_sim_run(r.sim);
	SS_CHECK_INT(ss_nic_rx_drops(r.b), 24, "40 frames into 16 free descriptors: exactly 24 dropped");
	SS_CHECK_INT(ss_nic_rx_pending(r.b), 16, "16 wait in the ring");
	ss_packet *p;
	while ((p = ss_nic_rx_take(r.b)))
		ss_pktpool_put(r.pool, p);
	SS_CHECK_INT(ss_pktpool_live(r.pool), 0, "dropped frames went back to the pool: none leak");
	rig_fini(&r);
	sb.rx_ring = 256;

	/* Byte ring (RTL8139-like): 4096 bytes hold four 1024-byte slots. */
	ss_nic_spec sr = {.tx_ring = 4, .rx_ring = 0, .rx_buf_bytes = 4096, .rx_buf_hdr = 8, .dma_hdr = 14};
	rig_init(&r, &sa, &sr);
	r.take = 0;
	r.len = 1000; /* 14 + 1000 + 8 = 1022, aligned to 1024 */
	r.left = 5;
	ss_sim_at(r.sim, 0, send_one, &r, 0);
	ss_sim_run(r.sim);
	SS_CHECK(ss_nic_rx_pending(r.b) == 4 && ss_nic_rx_drops(r.b) == 1, "a 4096-byte ring takes 4 frames of 1024, drops the 5th");
	while ((p = ss_nic_rx_take(r.b)))
		ss_pktpool_put(r.pool, p);
	rig_fini(&r);

	/* Tx ring full. */
	sa.tx_ring = 4;
	sa.tx_irq = 0;
	rig_init(&r, &sa, &sb);
	int rc[6];
	for (int i = 0; i < 6; i++) {
		ss_packet *q = ss_pktpool_get(r.pool);
		q->len = 1000;
		if ((rc[i] = ss_nic_xmit(r.a, q)) != SS_OK)
			ss_pktpool_put(r.pool, q);
	}
	SS_CHECK(rc[0] == SS_OK && rc[3] == SS_OK && rc[4] == SS_EBUSY && rc[5] == SS_EBUSY,
		 "a 4-descriptor ring takes 4 packets, then SS_EBUSY");
	SS_CHECK(ss_nic_tx_busy(r.a) == 2 && ss_nic_tx_free(r.a) == 0, "2 refusals counted, no free descriptor");
	ss_sim_run(r.sim);
	uint64_t bytes = 0;
	SS_CHECK(ss_nic_tx_done(r.a) == 4 && ss_nic_tx_clean(r.a, &bytes) == 4 && bytes == 4000,
		 "all 4 sent; the clean frees 4 descriptors of 4000 bytes");
	SS_CHECK_INT(ss_nic_tx_free(r.a), 4, "the ring is free again");
	SS_CHECK_INT(ss_pktpool_live(r.pool), 0, "the receiver returned every packet: none leak");
	rig_fini(&r);

	/* Tx interrupt delay (TIDV-like): a lone frame interrupts tx_irq_delay after it left. */
	sa = base_spec();
	sa.tx_irq_delay = 64 * SS_PS_PER_US;
	rig_init(&r, &sa, &sb);
	r.len = 1500;
	r.left = 1;
	ss_time t_a = -1;
	ss_sim_at(r.sim, 0, send_one, &r, 0);
	ss_sim_run_until(r.sim, ss_iobus_dma_time_desc(r.bus_a, 1514, 32) + ss_link_frame_time(r.link, 1500) + 63 * SS_PS_PER_US);
	uint64_t before = ss_nic_irqs(r.a);
	ss_sim_run(r.sim);
	t_a = ss_nic_irqs(r.a) == 1 && before == 0 ? 0 : -1;
	SS_CHECK(t_a == 0, "the tx IRQ waits out the 64 us packet timer after the frame has left");
	rig_fini(&r);

	/* A lossy link: the NIC still completes every frame it sent. */
	sa = base_spec();
	rig_init_loss(&r, &sa, &sb, 0.3);
	r.len = 1500;
	r.left = 2000;
	r.gap = 15 * SS_PS_PER_US;
	ss_sim_at(r.sim, 0, send_one, &r, 0);
	ss_sim_run(r.sim);
	SS_CHECK(ss_nic_tx_pkts(r.a) == 2000 && r.taken + ss_link_lost(r.link, 0) == 2000 && ss_pktpool_live(r.pool) == 0,
		 "30%% loss: 2000 sent, received + lost = 2000, none leak (lost %llu, tx %llu, taken %llu, live %zu)",
		 (unsigned long long)ss_link_lost(r.link, 0), (unsigned long long)ss_nic_tx_pkts(r.a),
		 (unsigned long long)r.taken, ss_pktpool_live(r.pool));
	rig_fini(&r);

	/* Presets. */
	const char *src = getenv("SS_SRCDIR");
	char dir[1024], err[512] = "", desc[256];
	snprintf(dir, sizeof dir, "%s/platform/nics", src ? src : SS_DATADIR);
	ss_nic_spec s;
	int ok = 1;
	const char *names[] = {"rtl8139", "e1000-82546", "e1000-82546eb", "bcm4401", "ixgbe-82599"};
	for (int i = 0; i < 5; i++)
		if (ss_nic_spec_load(dir, names[i], &s, desc, sizeof desc, err, sizeof err) != SS_OK) {
			ok = 0;
			SS_DIAG("%s", err);
		}
	SS_CHECK(ok, "the five NIC presets load");
	ss_nic_spec_load(dir, "rtl8139", &s, desc, sizeof desc, err, sizeof err);
	SS_CHECK(s.tx_ring == 4 && s.rx_buf_bytes == 32768 && s.tx_copy && !strcmp(s.bus, "pci32-33"),
		 "rtl8139: 4 tx slots with bounce copies, 32 KB rx ring, 32-bit PCI");
	ss_nic_spec_load(dir, "e1000-82546", &s, desc, sizeof desc, err, sizeof err);
	SS_CHECK(s.tx_ring == 256 && s.rx_ring == 256 && s.irq_min_interval == 125 * SS_PS_PER_US,
		 "e1000-82546: 256/256 descriptors, 125 us between IRQs");
	SS_CHECK(s.rx_queues == 0, "e1000-82546: no RSS key, one receive queue");
	SS_CHECK(ss_nic_spec_load(dir, "ne2000", &s, NULL, 0, err, sizeof err) == SS_ENOENT && strstr(err, "bcm4401"),
		 "an unknown NIC lists the presets (%s)", err);
	double v = 0;
	SS_CHECK(ss_nic_spec_get(&s, "irq_min_interval_us", &v) == SS_OK && fabs(v - 125) < 1e-9 &&
		 ss_nic_spec_get(&s, "nonsense", &v) == SS_ENOENT,
		 "spec values read back by their file names");

	/* ixgbe-82599: IXGBE_DEFAULT_TXD/RXD 512; IXGBE_20K_ITR = 200 =
	   usecs << 2 -> 50 us; two 16-byte advanced descriptors per packet. Loading succeeds only
	   when every setting has a non-empty source (nicspec.c). */
	SS_CHECK(ss_nic_spec_load(dir, "ixgbe-82599", &s, desc, sizeof desc, err, sizeof err) == SS_OK &&
			 s.tx_ring == 512 && s.rx_ring == 512 && s.irq_min_interval == 50 * SS_PS_PER_US &&
			 s.desc_bytes == 32 && s.max_bps == 10e9 && !strcmp(s.bus, "pcie2-x8") && !s.tx_copy && !s.rx_copy,
		 "ixgbe-82599: 512/512 descriptors, 50 us between IRQs, 32 descriptor bytes, 10 Gbit/s on pcie2-x8");
	SS_CHECK_INT(s.rx_queues, 16, "ixgbe-82599: 16 RSS queues (X520 user guide: ixgbe RSS 1 - 16)");
	ss_iobus_spec bs;
	SS_CHECK(ss_iobus_preset(s.bus, &bs) == SS_OK && bs.bytes_per_s * 8 > 2 * s.max_bps,
		 "ixgbe-82599: its bus (%.0f Gbit/s per direction) carries the 10 Gbit/s link with room for descriptors",
		 bs.bytes_per_s * 8 / 1e9);

	/* Bad files: file:line messages. */
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char tdir[1024];
	snprintf(tdir, sizeof tdir, "%s/test_nic_XXXXXX", tmp);
	if (!mkdtemp(tdir)) {
		perror("mkdtemp");
		return 1;
	}
	ss_test_write(ss_test_path(tdir, "nosrc.cfg"),
		      "name = \"nosrc\";\nsettings = (\n  { param = \"tx_ring\"; value = 4; }\n);\n");
	SS_CHECK(ss_nic_spec_load(tdir, "nosrc", &s, NULL, 0, err, sizeof err) == SS_EINVAL &&
		 strstr(err, "nosrc.cfg:3:") && strstr(err, "source"),
		 "a setting without a source fails at its line (%s)", err);
	ss_test_write(ss_test_path(tdir, "badkey.cfg"),
		      "name = \"badkey\";\nsettings = (\n  { param = \"tx_rings\"; value = 4; source = \"x\"; }\n);\n");
	SS_CHECK(ss_nic_spec_load(tdir, "badkey", &s, NULL, 0, err, sizeof err) == SS_EINVAL &&
		 strstr(err, "badkey.cfg:3:") && strstr(err, "tx_rings"),
		 "an unknown param fails at its line (%s)", err);
	ss_test_write(ss_test_path(tdir, "norx.cfg"),
		      "name = \"norx\";\nsettings = (\n { param = \"tx_ring\"; value = 4; source = \"x\"; },\n"
		      " { param = \"rx_ring\"; value = 0; source = \"x\"; },\n { param = \"desc_bytes\"; value = 0; source = \"x\"; },\n"
		      " { param = \"dma_hdr\"; value = 14; source = \"x\"; },\n { param = \"irq_min_interval_us\"; value = 0; source = \"x\"; },\n"
		      " { param = \"tx_irq\"; value = true; source = \"x\"; },\n { param = \"bus\"; value = \"pci32-33\"; source = \"x\"; }\n);\n");
	SS_CHECK(ss_nic_spec_load(tdir, "norx", &s, NULL, 0, err, sizeof err) == SS_EINVAL && strstr(err, "norx.cfg:") &&
		 strstr(err, "rx_buf_bytes"),
		 "a NIC with no receive buffers is refused (%s)", err);
	remove(ss_test_path(tdir, "nosrc.cfg"));
	remove(ss_test_path(tdir, "badkey.cfg"));
	remove(ss_test_path(tdir, "norx.cfg"));
	rmdir(tdir);
	return ss_test_done();
}
