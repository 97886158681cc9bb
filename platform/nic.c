/* NIC: tx pipeline (ring -> DMA from memory -> wire -> done -> clean),
   rx pipeline (wire -> queue by flow -> descriptor -> DMA to memory ->
   done -> take), and the interrupt logic (delay timers, minimum
   interval, mask) of each queue's vector. Packets in a DMA ride in the
   bus event's argument; the event's context is the queue. */
#include "ss_nic.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"

#define CAUSE_RX 1u
#define CAUSE_TX 2u

/* A receive queue with its MSI-X vector: ring, moderation timer, mask.
   Queue 0's vector also carries the transmit cause (one tx queue: as
   ixgbe, whose first q_vector holds tx ring 0 with rx ring 0). */
typedef struct rxq {
	ss_nic *n;
	uint32_t q;
	void (*irq)(void *ctx);
	void *irq_ctx;
	/* rx */
	uint32_t rx_used;       /* descriptors in DMA or done */
	uint64_t rx_buf_used;   /* byte-ring bytes in DMA or done */
	ss_pktq rx_done;
	/* interrupt */
	int enabled;
	unsigned ready;         /* causes whose timers allow an interrupt */
	int have_last;
	ss_time last_irq;
	ss_timer t_throttle, t_rx_pkt, t_rx_abs, t_tx_pkt, t_tx_abs;
	uint64_t irqs, rx_pkts, latched, rx_drops; /* in the window */
} rxq;

struct ss_nic {
	ss_sim *sim;
	ss_nic_spec spec;
	ss_iobus *bus;
	ss_link *link;
	int side;
	ss_pktpool *pool;
	rxq *qs;
	uint32_t nq;
	/* tx */
	ss_pktq tx_wait;        /* on the ring, DMA not started */
	int tx_dma_busy;
	ss_pktq tx_ready;       /* DMAed, waiting for the wire (at most one) */
	int tx_wire;            /* a frame is on the wire */
	uint32_t tx_wire_len;   /* its datagram bytes (the packet itself is the link's) */
	uint32_t tx_used;       /* descriptors not free: everything above + done */
	uint32_t tx_done_n;
	uint64_t tx_done_bytes;
	/* window */
	ss_time window;
	uint64_t tx_busy, tx_pkts;
	char name[SS_METRIC_NAME];
};

/* ---- spec checks ---- */

int ss_nic_spec_check(const ss_nic_spec *s, char *msg, size_t len)
{
	if (s->tx_ring == 0) {
		snprintf(msg, len, "tx_ring must be at least 1 descriptor");
		return SS_EINVAL;
	}
	if (s->rx_ring == 0 && s->rx_buf_bytes == 0) {
		snprintf(msg, len, "needs rx descriptors (rx_ring) or a receive byte ring (rx_buf_bytes)");
		return SS_EINVAL;
	}
	if (s->irq_min_interval < 0 || s->irq_delay < 0 || s->irq_abs_delay < 0 || s->tx_irq_delay < 0 ||
	    s->tx_irq_abs_delay < 0) {
		snprintf(msg, len, "negative interrupt interval or delay");
		return SS_EINVAL;
	}
	if (s->rx_queues > 4096) {
		snprintf(msg, len, "rx_queues must be 0..4096 (0: one queue), not %u", s->rx_queues);
		return SS_EINVAL;
	}
	if (!(s->pio_tx_ns >= 0) || !(s->pio_rx_ns >= 0) || s->pio_tx_ns > 1e4 || s->pio_rx_ns > 1e4 ||
	    (s->pio_tx_ns > 0) != (s->pio_rx_ns > 0)) {
		snprintf(msg, len, "pio_tx_ns_per_byte and pio_rx_ns_per_byte must both be 0 (DMA) or both 0 < x <= 10000");
		return SS_EINVAL;
	}
	if (!(s->max_bps >= 0) || !isfinite(s->max_bps)) {
		snprintf(msg, len, "max_mbps must be a finite number >= 0");
		return SS_EINVAL;
	}
	return SS_OK;
}

/* ---- resource ---- */

static void nic_reset(void *res, ss_time now)
{
	ss_nic *n = res;
	n->window = now;
	n->tx_busy = n->tx_pkts = 0;
	for (uint32_t i = 0; i < n->nq; i++)
		n->qs[i].irqs = n->qs[i].rx_pkts = n->qs[i].latched = n->qs[i].rx_drops = 0;
}

static void nic_report(void *res, ss_time now, ss_metrics *m)
{
	ss_nic *n = res;
	char key[SS_METRIC_NAME + 32];
	double irqs = (double)ss_nic_irqs(n);
	const struct {
		const char *what, *unit;
		double v;
	} rows[] = {
		{.what = "irqs", .unit = "interrupts", .v = irqs},
		{.what = "rx_drops", .unit = "frames", .v = (double)ss_nic_rx_drops(n)},
		{.what = "tx_busy", .unit = "refusals", .v = (double)n->tx_busy},
		{.what = "rx_pkts", .unit = "frames", .v = (double)ss_nic_rx_pkts(n)},
		{.what = "tx_pkts", .unit = "frames", .v = (double)n->tx_pkts},
		{.what = "irqs_per_s", .unit = "1/s", .v = now > n->window ? irqs / ss_time_to_s(now - n->window) : 0},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(key, sizeof key, "%s.%s", n->name, rows[i].what);
		ss_metrics_set(m, key, rows[i].unit, rows[i].v);
	}
	/* Per queue only with several (one queue's are the totals above). */
	for (uint32_t q = 0; n->nq > 1 && q < n->nq; q++) {
		snprintf(key, sizeof key, "%s.q%u.irqs", n->name, q);
		ss_metrics_set(m, key, "interrupts", (double)n->qs[q].irqs);
		snprintf(key, sizeof key, "%s.q%u.rx_pkts", n->name, q);
		ss_metrics_set(m, key, "frames", (double)n->qs[q].rx_pkts);
	}
}

/* The link and the bus carry the NIC's utilisation. */
static double nic_util(void *res, ss_time now)
{
	(void)res;
	(void)now;
	return 0;
}

static void nic_destroy(void *res)
{
	ss_nic *n = res;
	free(n->qs);
	free(n);
}

static const ss_resource_ops nic_ops = {
	.reset = nic_reset,
	.report = nic_report,
	.utilisation = nic_util,
	.destroy = nic_destroy,
};

static void on_wire(void *ctx, ss_packet *p) { ss_nic_rx_frame(ctx, p); }

int ss_nic_alloc(ss_nic **out, ss_sim *sim, const char *name, const ss_nic_spec *s, ss_iobus *bus, ss_link *link,
		 int side, char *err, size_t errlen)
{
	char msg[256];
	*out = NULL;
	if (ss_nic_spec_check(s, msg, sizeof msg) != SS_OK) {
		ss_errbuf(err, errlen, "NIC %s: %s", name, msg);
		return SS_EINVAL;
	}
	if (!bus) {
		ss_errbuf(err, errlen, "NIC %s: needs an I/O bus", name);
		return SS_EINVAL;
	}
	if (link && side != 0 && side != 1) {
		ss_errbuf(err, errlen, "NIC %s: link side %d is neither 0 nor 1", name, side);
		return SS_EINVAL;
	}
	if (strlen(name) > SS_METRIC_NAME - 20) {
		ss_errbuf(err, errlen, "NIC name '%s' is too long (at most %d characters)", name, SS_METRIC_NAME - 20);
		return SS_EINVAL;
	}
	ss_nic *n = calloc(1, sizeof *n);
	if (!n)
		return SS_ENOMEM;
	n->sim = sim;
	n->spec = *s;
	n->nq = s->rx_queues ? s->rx_queues : 1;
	n->spec.rx_queues = n->nq;
	n->qs = calloc(n->nq, sizeof *n->qs);
	if (!n->qs) {
		free(n);
		return SS_ENOMEM;
	}
	n->bus = bus;
	n->link = link;
	n->side = side;
	n->window = ss_sim_now(sim);
	for (uint32_t i = 0; i < n->nq; i++) {
		rxq *v = &n->qs[i];
		v->n = n;
		v->q = i;
		v->enabled = 1;
		v->t_throttle = v->t_rx_pkt = v->t_rx_abs = v->t_tx_pkt = v->t_tx_abs = SS_TIMER_NONE;
		ss_pktq_init(&v->rx_done);
	}
	ss_pktq_init(&n->tx_wait);
	ss_pktq_init(&n->tx_ready);
	snprintf(n->name, sizeof n->name, "nic.%s", name);
	if (ss_sim_add_resource(sim, n->name, n, &nic_ops) != SS_OK) {
		free(n->qs);
		free(n);
		return SS_ENOMEM;
	}
	if (link)
		ss_link_attach(link, side, on_wire, n);
	*out = n;
	return SS_OK;
}

void ss_nic_set_pool(ss_nic *n, ss_pktpool *pool) { n->pool = pool; }

static rxq *queue(const ss_nic *n, uint32_t q, const char *what)
{
	if (q >= n->nq)
		ss_fatal(SS_LOC, "%s: %s of rx queue %u, the NIC has %u", n->name, what, q, n->nq);
	return &n->qs[q];
}

void ss_nic_set_queue_irq(ss_nic *n, uint32_t q, void (*irq)(void *ctx), void *ctx)
{
	rxq *v = queue(n, q, "the interrupt");
	v->irq = irq;
	v->irq_ctx = ctx;
}

void ss_nic_set_irq(ss_nic *n, void (*irq)(void *ctx), void *ctx)
{
	for (uint32_t q = 0; q < n->nq; q++)
		ss_nic_set_queue_irq(n, q, irq, ctx);
}

static void discard(ss_nic *n, ss_packet *p)
{
	if (!n->pool)
		ss_fatal(SS_LOC, "%s: a frame must be freed but no packet pool was set (ss_nic_set_pool)", n->name);
	ss_pktpool_put(n->pool, p);
}

/* ---- interrupt (per vector) ---- */

static void try_raise(rxq *v);

static void deliver_irq(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	rxq *v = ctx;
	if (v->irq)
		v->irq(v->irq_ctx);
}

static void throttle_fired(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	rxq *v = ctx;
	v->t_throttle = SS_TIMER_NONE;
	try_raise(v);
}

static void try_raise(rxq *v)
{
	ss_nic *n = v->n;
	if (!v->ready || !v->enabled || !v->irq)
		return;
	ss_time now = ss_sim_now(n->sim);
	if (n->spec.irq_min_interval > 0 && v->have_last) {
		ss_time when = ss_time_add(v->last_irq, n->spec.irq_min_interval);
		if (now < when) {
			if (!ss_sim_timer_pending(n->sim, &v->t_throttle))
				v->t_throttle = ss_sim_at(n->sim, when, throttle_fired, v, 0);
			return;
		}
	}
	/* The handler reads (and so clears) the causes. */
	v->ready = 0;
	v->have_last = 1;
	v->last_irq = now;
	v->irqs++;
	ss_sim_after(n->sim, 0, deliver_irq, v, 0);
}

static void delay_fired(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	rxq *v = ctx;
	ss_nic *n = v->n;
	if (arg == CAUSE_RX) {
		ss_sim_cancel(n->sim, &v->t_rx_pkt);
		ss_sim_cancel(n->sim, &v->t_rx_abs);
	} else {
		ss_sim_cancel(n->sim, &v->t_tx_pkt);
		ss_sim_cancel(n->sim, &v->t_tx_abs);
	}
	v->ready |= (unsigned)arg;
	try_raise(v);
}

/* An event that may interrupt: the packet timer restarts with every
   event, the absolute timer runs from the first one. */
static void cause(rxq *v, unsigned c)
{
	ss_nic *n = v->n;
	if (!v->enabled)
		v->latched++;
	ss_time pkt = c == CAUSE_RX ? n->spec.irq_delay : n->spec.tx_irq_delay;
	ss_time abs = c == CAUSE_RX ? n->spec.irq_abs_delay : n->spec.tx_irq_abs_delay;
	ss_timer *tp = c == CAUSE_RX ? &v->t_rx_pkt : &v->t_tx_pkt;
	ss_timer *ta = c == CAUSE_RX ? &v->t_rx_abs : &v->t_tx_abs;
	if (pkt <= 0) {
		v->ready |= c;
		try_raise(v);
		return;
	}
	ss_sim_cancel(n->sim, tp);
	*tp = ss_sim_after(n->sim, pkt, delay_fired, v, c);
	if (abs > 0 && !ss_sim_timer_pending(n->sim, ta))
		*ta = ss_sim_after(n->sim, abs, delay_fired, v, c);
}

void ss_nic_queue_irq_enable(ss_nic *n, uint32_t q, int on)
{
	rxq *v = queue(n, q, "the mask");
	v->enabled = on != 0;
	if (v->enabled)
		try_raise(v);
}

int ss_nic_queue_irq_enabled(const ss_nic *n, uint32_t q) { return queue(n, q, "the mask")->enabled; }

void ss_nic_irq_enable(ss_nic *n, int on) { ss_nic_queue_irq_enable(n, 0, on); }
int ss_nic_irq_enabled(const ss_nic *n) { return ss_nic_queue_irq_enabled(n, 0); }

/* ---- transmit ---- */

static void tx_pump(ss_nic *n);

static void tx_complete(ss_nic *n, uint32_t len)
{
	n->tx_pkts++;
	n->tx_done_n++;
	n->tx_done_bytes += len;
	if (n->spec.tx_irq)
		cause(&n->qs[0], CAUSE_TX);
}

static void wire_done(void *ctx)
{
	ss_nic *n = ctx;
	n->tx_wire = 0;
	tx_complete(n, n->tx_wire_len);
	tx_pump(n);
}

static void tx_dma_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	ss_nic *n = ctx;
	n->tx_dma_busy = 0;
	ss_pktq_push(&n->tx_ready, (ss_packet *)(uintptr_t)arg);
	tx_pump(n);
}

/* Starts what can start: the wire with a DMAed frame, the DMA of the next
   frame when none waits for the wire. */
static void tx_pump(ss_nic *n)
{
	while (!n->tx_wire && ss_pktq_len(&n->tx_ready)) {
		ss_packet *p = ss_pktq_pop(&n->tx_ready);
		if (!n->link) {
			tx_complete(n, p->len);
			discard(n, p);
			continue;
		}
		/* From here p is the link's (lost, or delivered to the far side). */
		n->tx_wire = 1;
		n->tx_wire_len = p->len;
		if (ss_link_transmit(n->link, n->side, p, wire_done, n) != SS_OK)
			ss_fatal(SS_LOC, "%s: the link refused a frame (is another sender on side %d?)", n->name,
				 n->side);
	}
	if (!n->tx_dma_busy && !ss_pktq_len(&n->tx_ready) && ss_pktq_len(&n->tx_wait)) {
		ss_packet *p = ss_pktq_pop(&n->tx_wait);
		n->tx_dma_busy = 1;
		if (n->spec.pio_tx_ns > 0) {
			/* The driver wrote it into the card's buffer (its
			   programmed I/O is the host's processor time). */
			tx_dma_done(n->sim, n, (uint64_t)(uintptr_t)p);
			return;
		}
		ss_iobus_dma_dir(n->bus, SS_IOBUS_FROM_MEM, n->spec.dma_hdr + p->len, n->spec.desc_bytes, tx_dma_done,
				 n, (uint64_t)(uintptr_t)p);
	}
}

int ss_nic_xmit(ss_nic *n, ss_packet *p)
{
	if (n->tx_used >= n->spec.tx_ring) {
		n->tx_busy++;
		return SS_EBUSY;
	}
	if (n->link && p->len > ss_link_spec_of(n->link)->mtu)
		return SS_EINVAL;
	n->tx_used++;
	ss_pktq_push(&n->tx_wait, p);
	tx_pump(n);
	return SS_OK;
}

uint32_t ss_nic_tx_clean(ss_nic *n, uint64_t *bytes)
{
	uint32_t k = n->tx_done_n;
	if (bytes)
		*bytes = n->tx_done_bytes;
	n->tx_used -= k;
	n->tx_done_n = 0;
	n->tx_done_bytes = 0;
	return k;
}

uint32_t ss_nic_tx_free(const ss_nic *n) { return n->spec.tx_ring - n->tx_used; }
uint32_t ss_nic_tx_done(const ss_nic *n) { return n->tx_done_n; }

/* ---- receive ---- */

static uint64_t ring_bytes(const ss_nic *n, const ss_packet *p)
{
	uint64_t b = (uint64_t)n->spec.dma_hdr + p->len + n->spec.rx_buf_hdr;
	return (b + 3) & ~(uint64_t)3;
}

static void rx_dma_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	rxq *v = ctx;
	ss_pktq_push(&v->rx_done, (ss_packet *)(uintptr_t)arg);
	v->rx_pkts++;
	cause(v, CAUSE_RX);
}

uint32_t ss_nic_rx_queue_of(const ss_nic *n, const ss_packet *p) { return p->flow % n->nq; }

void ss_nic_rx_frame(ss_nic *n, ss_packet *p)
{
	rxq *v = &n->qs[ss_nic_rx_queue_of(n, p)];
	uint64_t rb = n->spec.rx_buf_bytes ? ring_bytes(n, p) : 0;
	if ((n->spec.rx_ring && v->rx_used >= n->spec.rx_ring) ||
	    (n->spec.rx_buf_bytes && v->rx_buf_used + rb > n->spec.rx_buf_bytes)) {
		v->rx_drops++;
		discard(n, p);
		return;
	}
	v->rx_used++;
	v->rx_buf_used += rb;
	if (n->spec.pio_tx_ns > 0) {
		/* It stays in the card's buffer for the driver to read. */
		rx_dma_done(n->sim, v, (uint64_t)(uintptr_t)p);
		return;
	}
	uint32_t bytes = n->spec.dma_hdr + p->len + n->spec.rx_buf_hdr;
	ss_iobus_dma_dir(n->bus, SS_IOBUS_TO_MEM, bytes, n->spec.desc_bytes, rx_dma_done, v, (uint64_t)(uintptr_t)p);
}

ss_packet *ss_nic_queue_rx_take(ss_nic *n, uint32_t q)
{
	rxq *v = queue(n, q, "a take");
	ss_packet *p = ss_pktq_pop(&v->rx_done);
	if (!p)
		return NULL;
	v->rx_used--;
	if (n->spec.rx_buf_bytes)
		v->rx_buf_used -= ring_bytes(n, p);
	return p;
}

uint32_t ss_nic_queue_rx_pending(const ss_nic *n, uint32_t q)
{
	return (uint32_t)ss_pktq_len(&queue(n, q, "a count")->rx_done);
}

ss_packet *ss_nic_rx_take(ss_nic *n) { return ss_nic_queue_rx_take(n, 0); }
uint32_t ss_nic_rx_pending(const ss_nic *n) { return ss_nic_queue_rx_pending(n, 0); }

/* ---- queries ---- */

const ss_nic_spec *ss_nic_spec_of(const ss_nic *n) { return &n->spec; }
uint32_t ss_nic_rx_queues(const ss_nic *n) { return n->nq; }
uint64_t ss_nic_queue_irqs(const ss_nic *n, uint32_t q) { return queue(n, q, "a count")->irqs; }
uint64_t ss_nic_queue_rx_pkts(const ss_nic *n, uint32_t q) { return queue(n, q, "a count")->rx_pkts; }

/* Totals over the queues. */
enum { C_IRQS, C_DROPS, C_RX, C_LATCHED };

static uint64_t total(const ss_nic *n, int what)
{
	uint64_t t = 0;
	for (uint32_t q = 0; q < n->nq; q++) {
		const rxq *v = &n->qs[q];
		t += what == C_IRQS ? v->irqs : what == C_DROPS ? v->rx_drops : what == C_RX ? v->rx_pkts : v->latched;
	}
	return t;
}

uint64_t ss_nic_irqs(const ss_nic *n) { return total(n, C_IRQS); }
uint64_t ss_nic_rx_drops(const ss_nic *n) { return total(n, C_DROPS); }
uint64_t ss_nic_rx_pkts(const ss_nic *n) { return total(n, C_RX); }
uint64_t ss_nic_latched(const ss_nic *n) { return total(n, C_LATCHED); }
uint64_t ss_nic_tx_busy(const ss_nic *n) { return n->tx_busy; }
uint64_t ss_nic_tx_pkts(const ss_nic *n) { return n->tx_pkts; }
