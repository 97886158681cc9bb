/* NIC: tx pipeline (ring -> DMA from memory -> wire -> done -> clean),
   rx pipeline (wire -> descriptor -> DMA to memory -> done -> take), and
   the interrupt logic (delay timers, minimum interval, mask). Packets in
   a DMA ride in the bus event's argument. */
#include "ss_nic.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"

#define CAUSE_RX 1u
#define CAUSE_TX 2u

struct ss_nic {
	ss_sim *sim;
	ss_nic_spec spec;
	ss_iobus *bus;
	ss_link *link;
	int side;
	ss_pktpool *pool;
	void (*irq)(void *ctx);
	void *irq_ctx;
	/* tx */
	ss_pktq tx_wait;        /* on the ring, DMA not started */
	int tx_dma_busy;
	ss_pktq tx_ready;       /* DMAed, waiting for the wire (at most one) */
	int tx_wire;            /* a frame is on the wire */
	uint32_t tx_wire_len;   /* its datagram bytes (the packet itself is the link's) */
	uint32_t tx_used;       /* descriptors not free: everything above + done */
	uint32_t tx_done_n;
	uint64_t tx_done_bytes;
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
	/* window */
	ss_time window;
	uint64_t irqs, rx_drops, tx_busy, rx_pkts, tx_pkts, latched;
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
	n->irqs = n->rx_drops = n->tx_busy = n->rx_pkts = n->tx_pkts = n->latched = 0;
}

static void nic_report(void *res, ss_time now, ss_metrics *m)
{
	ss_nic *n = res;
	char key[SS_METRIC_NAME + 16];
	const struct {
		const char *what, *unit;
		double v;
	} rows[] = {
		{.what = "irqs", .unit = "interrupts", .v = (double)n->irqs},
		{.what = "rx_drops", .unit = "frames", .v = (double)n->rx_drops},
		{.what = "tx_busy", .unit = "refusals", .v = (double)n->tx_busy},
		{.what = "rx_pkts", .unit = "frames", .v = (double)n->rx_pkts},
		{.what = "tx_pkts", .unit = "frames", .v = (double)n->tx_pkts},
		{.what = "irqs_per_s", .unit = "1/s",
		 .v = now > n->window ? (double)n->irqs / ss_time_to_s(now - n->window) : 0},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(key, sizeof key, "%s.%s", n->name, rows[i].what);
		ss_metrics_set(m, key, rows[i].unit, rows[i].v);
	}
}

/* The link and the bus carry the NIC's utilisation. */
static double nic_util(void *res, ss_time now)
{
	(void)res;
	(void)now;
	return 0;
}

static void nic_destroy(void *res) { free(res); }

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
	n->bus = bus;
	n->link = link;
	n->side = side;
	n->enabled = 1;
	n->window = ss_sim_now(sim);
	n->t_throttle = n->t_rx_pkt = n->t_rx_abs = n->t_tx_pkt = n->t_tx_abs = SS_TIMER_NONE;
	ss_pktq_init(&n->tx_wait);
	ss_pktq_init(&n->tx_ready);
	ss_pktq_init(&n->rx_done);
	snprintf(n->name, sizeof n->name, "nic.%s", name);
	if (ss_sim_add_resource(sim, n->name, n, &nic_ops) != SS_OK) {
		free(n);
		return SS_ENOMEM;
	}
	if (link)
		ss_link_attach(link, side, on_wire, n);
	*out = n;
	return SS_OK;
}

void ss_nic_set_pool(ss_nic *n, ss_pktpool *pool) { n->pool = pool; }

void ss_nic_set_irq(ss_nic *n, void (*irq)(void *ctx), void *ctx)
{
	n->irq = irq;
	n->irq_ctx = ctx;
}

static void discard(ss_nic *n, ss_packet *p)
{
	if (!n->pool)
		ss_fatal(SS_LOC, "%s: a frame must be freed but no packet pool was set (ss_nic_set_pool)", n->name);
	ss_pktpool_put(n->pool, p);
}

/* ---- interrupt ---- */

static void try_raise(ss_nic *n);

static void deliver_irq(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_nic *n = ctx;
	if (n->irq)
		n->irq(n->irq_ctx);
}

static void throttle_fired(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_nic *n = ctx;
	n->t_throttle = SS_TIMER_NONE;
	try_raise(n);
}

static void try_raise(ss_nic *n)
{
	if (!n->ready || !n->enabled || !n->irq)
		return;
	ss_time now = ss_sim_now(n->sim);
	if (n->spec.irq_min_interval > 0 && n->have_last) {
		ss_time when = ss_time_add(n->last_irq, n->spec.irq_min_interval);
		if (now < when) {
			if (!ss_sim_timer_pending(n->sim, &n->t_throttle))
				n->t_throttle = ss_sim_at(n->sim, when, throttle_fired, n, 0);
			return;
		}
	}
	/* The handler reads (and so clears) the causes. */
	n->ready = 0;
	n->have_last = 1;
	n->last_irq = now;
	n->irqs++;
	ss_sim_after(n->sim, 0, deliver_irq, n, 0);
}

static void delay_fired(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	ss_nic *n = ctx;
	if (arg == CAUSE_RX) {
		ss_sim_cancel(n->sim, &n->t_rx_pkt);
		ss_sim_cancel(n->sim, &n->t_rx_abs);
	} else {
		ss_sim_cancel(n->sim, &n->t_tx_pkt);
		ss_sim_cancel(n->sim, &n->t_tx_abs);
	}
	n->ready |= (unsigned)arg;
	try_raise(n);
}

/* An event that may interrupt: the packet timer restarts with every
   event, the absolute timer runs from the first one. */
static void cause(ss_nic *n, unsigned c)
{
	if (!n->enabled)
		n->latched++;
	ss_time pkt = c == CAUSE_RX ? n->spec.irq_delay : n->spec.tx_irq_delay;
	ss_time abs = c == CAUSE_RX ? n->spec.irq_abs_delay : n->spec.tx_irq_abs_delay;
	ss_timer *tp = c == CAUSE_RX ? &n->t_rx_pkt : &n->t_tx_pkt;
	ss_timer *ta = c == CAUSE_RX ? &n->t_rx_abs : &n->t_tx_abs;
	if (pkt <= 0) {
		n->ready |= c;
		try_raise(n);
		return;
	}
	ss_sim_cancel(n->sim, tp);
	*tp = ss_sim_after(n->sim, pkt, delay_fired, n, c);
	if (abs > 0 && !ss_sim_timer_pending(n->sim, ta))
		*ta = ss_sim_after(n->sim, abs, delay_fired, n, c);
}

void ss_nic_irq_enable(ss_nic *n, int on)
{
	n->enabled = on != 0;
	if (n->enabled)
		try_raise(n);
}

int ss_nic_irq_enabled(const ss_nic *n) { return n->enabled; }

/* ---- transmit ---- */

static void tx_pump(ss_nic *n);

static void tx_complete(ss_nic *n, uint32_t len)
{
	n->tx_pkts++;
	n->tx_done_n++;
	n->tx_done_bytes += len;
	if (n->spec.tx_irq)
		cause(n, CAUSE_TX);
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
	ss_nic *n = ctx;
	ss_pktq_push(&n->rx_done, (ss_packet *)(uintptr_t)arg);
	n->rx_pkts++;
	cause(n, CAUSE_RX);
}

void ss_nic_rx_frame(ss_nic *n, ss_packet *p)
{
	uint64_t rb = n->spec.rx_buf_bytes ? ring_bytes(n, p) : 0;
	if ((n->spec.rx_ring && n->rx_used >= n->spec.rx_ring) ||
	    (n->spec.rx_buf_bytes && n->rx_buf_used + rb > n->spec.rx_buf_bytes)) {
		n->rx_drops++;
		discard(n, p);
		return;
	}
	n->rx_used++;
	n->rx_buf_used += rb;
	uint32_t bytes = n->spec.dma_hdr + p->len + n->spec.rx_buf_hdr;
	ss_iobus_dma_dir(n->bus, SS_IOBUS_TO_MEM, bytes, n->spec.desc_bytes, rx_dma_done, n, (uint64_t)(uintptr_t)p);
}

ss_packet *ss_nic_rx_take(ss_nic *n)
{
	ss_packet *p = ss_pktq_pop(&n->rx_done);
	if (!p)
		return NULL;
	n->rx_used--;
	if (n->spec.rx_buf_bytes)
		n->rx_buf_used -= ring_bytes(n, p);
	return p;
}

uint32_t ss_nic_rx_pending(const ss_nic *n) { return (uint32_t)ss_pktq_len(&n->rx_done); }

/* ---- queries ---- */

const ss_nic_spec *ss_nic_spec_of(const ss_nic *n) { return &n->spec; }
uint64_t ss_nic_irqs(const ss_nic *n) { return n->irqs; }
uint64_t ss_nic_rx_drops(const ss_nic *n) { return n->rx_drops; }
uint64_t ss_nic_tx_busy(const ss_nic *n) { return n->tx_busy; }
uint64_t ss_nic_rx_pkts(const ss_nic *n) { return n->rx_pkts; }
uint64_t ss_nic_tx_pkts(const ss_nic *n) { return n->tx_pkts; }
uint64_t ss_nic_latched(const ss_nic *n) { return n->latched; }
