/* Bus or link. FIFO serves one transfer at a time. PS shares the
   bandwidth equally among active transfers, tracked with a virtual clock V
   (bytes each active transfer has received): a transfer that arrives at V0
   with size s leaves when V reaches V0 + s, so only the next departure
   needs an event. In miss-stream mode the rate each of n transfers gets
   comes from a closed queueing model of n processors missing one line at
   a time (see ss_bus_set_line), still with one event per departure. */
#include "ss_bus.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ss_err.h"

typedef struct req {
	struct req *next;
	double size;        /* bytes, including the overhead's equivalent */
	double finish;      /* PS: virtual finish tag */
	ss_time arrived;
	ss_time served;     /* FIFO: when its service began */
	ss_time own;        /* service time alone on the bus, ps */
	ss_handler k;
	void *ctx;
	uint64_t arg;
} req;

struct ss_bus {
	ss_sim *sim;
	double bw;            /* bytes per ps */
	double cap;           /* bytes per ps one transfer may use */
	ss_time overhead;     /* ps per transfer */
	ss_bus_arb arb;
	req *head, *tail;     /* FIFO: queue, head in service; PS: active set (unordered) */
	size_t n;             /* transfers present */
	req *free_req;
	double line;          /* miss-stream mode: bytes per miss; 0 = off */
	double *rate_tab;     /* miss-stream rate with n active at [n - 1], bytes/ps */
	size_t nrate;
	double v;             /* PS virtual clock, bytes */
	ss_time vlast;        /* when v was last advanced */
	ss_timer next;        /* next departure */
	ss_timeavg busy, present;
	ss_tally wait, resp;  /* s */
	double bytes;         /* payload of transfers finished in the window */
	double moved;         /* bytes of service given in the window, overhead included */
	ss_time window;       /* start of the statistics window */
	char name[48];
};

static void bus_reset(void *res, ss_time now)
{
	ss_bus *b = res;
	ss_timeavg_reset(&b->busy, now);
	ss_timeavg_reset(&b->present, now);
	ss_tally_reset(&b->wait);
	ss_tally_reset(&b->resp);
	b->bytes = 0;
	b->moved = 0;
	b->window = now;
}

static double fifo_moved(const ss_bus *b, const req *r, ss_time now);
static double ps_moved(ss_bus *b, ss_time now);

/* Share of the bandwidth used: with a per-transfer cap the bus can be
   busy (some transfer active) while most of its capacity is idle. The
   service given so far to transfers still in progress counts too, so a
   window gets exactly the bytes moved inside it. */
static double bus_util(void *res, ss_time now)
{
	ss_bus *b = res;
	double span = (double)(now - b->window);
	if (!(span > 0))
		return 0;
	double open = 0;
	if (b->arb == SS_BUS_FIFO)
		open = b->head ? fifo_moved(b, b->head, now) : 0;
	else
		open = ps_moved(b, now);
	return (b->moved + open) / (b->bw * span);
}

static void bus_report(void *res, ss_time now, ss_metrics *m)
{
	ss_bus *b = res;
	char key[SS_METRIC_NAME];
	snprintf(key, sizeof key, "%s.util", b->name);
	ss_metrics_set(m, key, "fraction", bus_util(b, now));
	snprintf(key, sizeof key, "%s.wait", b->name);
	ss_metrics_set(m, key, "us", ss_tally_mean(&b->wait) * 1e6);
	snprintf(key, sizeof key, "%s.queue", b->name);
	ss_metrics_set(m, key, "transfers", ss_timeavg_mean(&b->present, now));
}

static void bus_destroy(void *res)
{
	ss_bus *b = res;
	free(b->rate_tab);
	for (req *r = b->free_req, *n; r; r = n) {
		n = r->next;
		free(r);
	}
	for (req *r = b->head, *n; r; r = n) {
		n = r->next;
		free(r);
	}
	free(b);
}

static const ss_resource_ops bus_ops = {
	.reset = bus_reset,
	.report = bus_report,
	.utilisation = bus_util,
	.destroy = bus_destroy,
};

int ss_bus_alloc(ss_bus **out, ss_sim *sim, const char *name, double bytes_per_s,
		 ss_time overhead, ss_bus_arb arb)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	if (!sim || !name || !(bytes_per_s > 0) || overhead < 0)
		return SS_EINVAL;
	ss_bus *b = calloc(1, sizeof *b);
	if (!b)
		return SS_ENOMEM;
	if (ss_sim_add_resource(sim, name, b, &bus_ops) != SS_OK) {
		free(b);
		return SS_ENOMEM;
	}
	b->sim = sim;
	b->bw = bytes_per_s * 1e-12;
	b->cap = b->bw;
	b->overhead = overhead;
	b->arb = arb;
	snprintf(b->name, sizeof b->name, "%s", name);
	ss_time now = ss_sim_now(sim);
	ss_timeavg_init(&b->busy, now, 0);
	ss_timeavg_init(&b->present, now, 0);
	b->vlast = now;
	*out = b;
	return SS_OK;
}

static void finish(ss_bus *b, req *r)
{
	ss_time now = ss_sim_now(b->sim);
	double resp = ss_time_to_s(now - r->arrived);
	ss_tally_add(&b->resp, resp);
	double w = resp - ss_time_to_s(r->own);
	ss_tally_add(&b->wait, w > 0 ? w : 0);
	b->bytes += r->size - (double)b->overhead * b->cap;
	b->n--;
	ss_timeavg_set(&b->present, now, (double)b->n);
	ss_timeavg_set(&b->busy, now, b->n ? 1 : 0);
	ss_sim_after(b->sim, 0, r->k, r->ctx, r->arg);
	r->next = b->free_req;
	b->free_req = r;
}

/* ---- FIFO ---- */

/* Bytes the transfer in service, served at a constant rate over
   [served, served + own], has moved in the window up to now. */
static double fifo_moved(const ss_bus *b, const req *r, ss_time now)
{
	ss_time from = r->served > b->window ? r->served : b->window;
	return now > from && r->own > 0 ? r->size * (double)(now - from) / (double)r->own : 0;
}

static void fifo_done(ss_sim *sim, void *ctx, uint64_t arg);

static void fifo_start(ss_bus *b)
{
	/* Alone on the bus a transfer still moves at most at the cap. */
	b->head->served = ss_sim_now(b->sim);
	b->next = ss_sim_after(b->sim, b->head->own, fifo_done, b, 0);
}

static void fifo_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_bus *b = ctx;
	req *r = b->head;
	b->moved += fifo_moved(b, r, ss_sim_now(sim));
	b->head = r->next;
	if (!b->head)
		b->tail = NULL;
	finish(b, r);
	if (b->head)
		fifo_start(b);
}

/* ---- PS ---- */

void ss_bus_set_cap(ss_bus *b, double bytes_per_s)
{
	if (bytes_per_s > 0)
		b->cap = bytes_per_s * 1e-12 < b->bw ? bytes_per_s * 1e-12 : b->bw;
	b->nrate = 0; /* the miss-stream table depends on the cap */
}

int ss_bus_set_line(ss_bus *b, double line_bytes)
{
	if (b->arb != SS_BUS_PS || !(line_bytes >= 0) || b->head)
		return SS_EINVAL;
	b->line = line_bytes;
	b->nrate = 0;
	return SS_OK;
}

/* Per-transfer rate with n miss streams active. Each stream is a
   processor with one miss outstanding: it spends Z = line/cap - S off the
   bus (memory and controller latency) and S = line/bw on it, FIFO. That
   is the terminal system; exact mean-value analysis of it,
     R(k) = S (1 + Q(k-1)),  X(k) = k / (Z + R(k)),  Q(k) = X(k) R(k),
   gives each stream line * X(n) / n: the cap at n = 1, the bandwidth
   shared out as n grows. MVA assumes exponential bus service; for fixed
   128-byte lines and random gaps between misses it is within 5 % of a
   line-by-line simulation and errs towards more contention
   (tests/test_resources.c). A constant-service correction was tried and
   rejected: it overshoots the bandwidth near saturation. */
static double miss_rate(ss_bus *b, size_t n)
{
	if (n > b->nrate) {
		size_t want = n > 2 * b->nrate ? n : 2 * b->nrate;
		want = want < 16 ? 16 : want;
		double *t = realloc(b->rate_tab, want * sizeof *t);
		if (!t)
			ss_fatal(SS_LOC, "out of memory for bus %s", b->name);
		b->rate_tab = t;
		double s = b->line / b->bw, z = b->line / b->cap - s;
		z = z > 0 ? z : 0;
		double q = 0;
		for (size_t k = 1; k <= want; k++) {
			double r = s * (1 + q);
			double x = (double)k / (z + r);
			q = x * r;
			t[k - 1] = b->line * x / (double)k;
		}
		b->nrate = want;
	}
	return b->rate_tab[n - 1];
}

/* Rate of each of the n active transfers, bytes per ps. */
static double ps_rate(ss_bus *b)
{
	if (b->line > 0)
		return miss_rate(b, b->n);
	double share = b->bw / (double)b->n;
	return share < b->cap ? share : b->cap;
}

/* Bytes the active transfers have moved in the window since the rate
   last changed (vlast): the rate has been constant since. */
static double ps_moved(ss_bus *b, ss_time now)
{
	ss_time from = b->vlast > b->window ? b->vlast : b->window;
	return b->n && now > from ? (double)(now - from) * ps_rate(b) * (double)b->n : 0;
}

static void ps_advance(ss_bus *b)
{
	ss_time now = ss_sim_now(b->sim);
	if (b->n) {
		b->v += (double)(now - b->vlast) * ps_rate(b);
		b->moved += ps_moved(b, now);
	}
	b->vlast = now;
}

static void ps_done(ss_sim *sim, void *ctx, uint64_t arg);

static void ps_schedule(ss_bus *b)
{
	ss_sim_cancel(b->sim, &b->next);
	if (!b->head)
		return;
	double fmin = INFINITY;
	for (req *r = b->head; r; r = r->next)
		fmin = r->finish < fmin ? r->finish : fmin;
	double dv = fmin - b->v;
	double ps = dv > 0 ? ceil(dv / ps_rate(b)) : 0;
	b->next = ss_sim_after(b->sim, (ss_time)ps, ps_done, b, 0);
}

static void ps_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_bus *b = ctx;
	b->next = SS_TIMER_NONE;
	ps_advance(b);
	/* The earliest finisher leaves, and anyone within rounding of it. */
	double fmin = INFINITY;
	for (req *r = b->head; r; r = r->next)
		fmin = r->finish < fmin ? r->finish : fmin;
	double v = b->v > fmin ? b->v : fmin;
	b->v = v;
	req **pp = &b->head;
	b->tail = NULL;
	while (*pp) {
		req *r = *pp;
		if (r->finish <= v + 1e-9 * (r->size + 1)) {
			*pp = r->next;
			finish(b, r);
		} else {
			b->tail = r;
			pp = &r->next;
		}
	}
	ps_schedule(b);
}

void ss_bus_transfer(ss_bus *b, double bytes, ss_handler k, void *ctx, uint64_t arg)
{
	if (!(bytes >= 0))
		ss_fatal(SS_LOC, "bus %s: negative transfer size", b->name);
	req *r = b->free_req;
	if (r)
		b->free_req = r->next;
	else if (!(r = malloc(sizeof *r)))
		ss_fatal(SS_LOC, "out of memory for bus requests");
	ss_time now = ss_sim_now(b->sim);
	r->next = NULL;
	r->size = bytes + (double)b->overhead * b->cap;
	r->arrived = now;
	r->own = ss_time_add(b->overhead, (ss_time)llround(bytes / b->cap));
	r->k = k;
	r->ctx = ctx;
	r->arg = arg;
	if (b->arb == SS_BUS_PS)
		ps_advance(b);
	r->finish = b->v + r->size;
	int was_empty = b->head == NULL;
	if (b->tail)
		b->tail->next = r;
	else
		b->head = r;
	b->tail = r;
	b->n++;
	ss_timeavg_set(&b->present, now, (double)b->n);
	ss_timeavg_set(&b->busy, now, 1);
	if (b->arb == SS_BUS_FIFO) {
		if (was_empty)
			fifo_start(b);
	} else {
		ps_schedule(b);
	}
}

double ss_bus_utilisation(const ss_bus *b) { return bus_util((void *)b, ss_sim_now(b->sim)); }
const ss_tally *ss_bus_wait(const ss_bus *b) { return &b->wait; }
const ss_tally *ss_bus_response(const ss_bus *b) { return &b->resp; }
double ss_bus_mean_queue(const ss_bus *b) { return ss_timeavg_mean(&b->present, ss_sim_now(b->sim)); }
double ss_bus_bytes(const ss_bus *b) { return b->bytes; }
