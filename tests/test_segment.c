/* The shared segment (platform/ss_segment.h) against closed forms: one
   frame's arrival, broadcast delivery, FIFO service of a backlog at the
   wire's rate, and the M/D/1 queue of Poisson frames of one size. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ss_err.h"
#include "ss_rng.h"
#include "ss_segment.h"
#include "ss_sim.h"
#include "ss_test.h"

typedef struct rx {
	int n;
	ss_time last;
	int from[64];
	int order_ok;
	uintptr_t prev;
	ss_sim *sim;
} rx;

static void got(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)to;
	(void)len;
	rx *r = ctx;
	if (r->n < 64)
		r->from[r->n] = from;
	if ((uintptr_t)obj < r->prev)
		r->order_ok = 0;
	r->prev = (uintptr_t)obj;
	r->n++;
	r->last = ss_sim_now(r->sim);
}

typedef struct gen {
	ss_segment *g;
	ss_sim *sim;
	ss_rng *rng;
	double rate; /* frames per second */
	ss_time until;
	uint64_t sent;
} gen;

static void tick(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	gen *p = ctx;
	if (ss_sim_now(sim) >= p->until)
		return;
	SS_MUST(ss_segment_send(p->g, 0, 1, NULL, 1500));
	p->sent++;
	double u = ss_rng_uniform_pos(p->rng);
	ss_sim_after(sim, ss_time_from_s(-log(u) / p->rate), tick, p, 0);
}

int main(void)
{
	ss_test_plan(9);
	char err[256];
	ss_link_spec ls;
	SS_MUST(ss_link_spec_ethernet(&ls, 100e6, 1500));
	ls.prop = ss_time_from_us(1);

	/* One frame: its wire bytes at 100 Mbit/s, then the propagation. */
	ss_sim *sim;
	SS_MUST(ss_sim_alloc(&sim, 1));
	ss_segment *g;
	SS_MUST(ss_segment_alloc(&g, sim, "wire", &ls, err, sizeof err));
	rx r[3] = {{.sim = sim, .order_ok = 1}, {.sim = sim, .order_ok = 1}, {.sim = sim, .order_ok = 1}};
	for (int i = 0; i < 3; i++)
		SS_CHECK(ss_segment_attach(g, got, &r[i]) == i, "station %d attached", i);
	SS_MUST(ss_segment_send(g, 0, 2, (void *)1, 1000));
	ss_sim_run_until(sim, ss_time_from_s(1));
	ss_time want = (ss_time)llround(ss_link_spec_wire_bytes(&ls, 1000) * 8 / 100e6 * 1e12) + ls.prop;
	SS_CHECK(r[2].n == 1 && r[1].n == 0 && r[0].n == 0 && r[2].last == want && r[2].from[0] == 0,
		 "a unicast frame reaches its station alone, at %.3f us (wire bytes %u at 100 Mbit/s + 1 us: %.3f)",
		 ss_time_to_us(r[2].last), ss_link_spec_wire_bytes(&ls, 1000), ss_time_to_us(want));

	/* Broadcast from 1: stations 0 and 2; then a backlog of 30 frames
	   from three stations leaves in the order asked, back to back. */
	ss_time t0 = ss_sim_now(sim);
	SS_MUST(ss_segment_send(g, 1, SS_SEGMENT_ALL, (void *)2, 100));
	for (uintptr_t k = 0; k < 30; k++)
		SS_MUST(ss_segment_send(g, (int)(k % 2), 2, (void *)(3 + k), 1500));
	ss_sim_run_until(sim, ss_time_from_s(2));
	SS_CHECK(r[0].n == 1 && r[1].n == 0 && r[2].n == 32 && r[0].from[0] == 1, "a broadcast reaches every station but its sender");
	ss_time span = (ss_time)llround((ss_link_spec_wire_bytes(&ls, 100) + 30.0 * ss_link_spec_wire_bytes(&ls, 1500)) * 8 /
					100e6 * 1e12) + ls.prop;
	SS_CHECK(r[2].order_ok && llabs((long long)(r[2].last - t0 - span)) <= 32,
		 "30 frames queued at once leave in order, back to back: the last at %.3f us (%.3f)",
		 ss_time_to_us(r[2].last - t0), ss_time_to_us(span));
	SS_CHECK(ss_segment_send(g, 0, 0, NULL, 100) == SS_EINVAL && ss_segment_send(g, 0, 1, NULL, 1501) == SS_EINVAL &&
			 ss_segment_send(g, 5, 1, NULL, 100) == SS_EINVAL,
		 "a frame to itself, over the MTU or from no station is refused");
	ss_sim_free(sim);

	/* Poisson frames of 1500 bytes at half the wire's rate: M/D/1, the
	   mean number waiting rho^2 / (2 (1 - rho)) = 0.25 (5%: 100 s hold
	   about 4e5 frames; the estimate's spread is about 1%). */
	SS_MUST(ss_sim_alloc(&sim, 7));
	SS_MUST(ss_segment_alloc(&g, sim, "wire", &ls, err, sizeof err));
	rx sink = {.sim = sim, .order_ok = 1};
	ss_segment_attach(g, got, &sink);
	ss_segment_attach(g, got, &sink);
	double svc = ss_link_spec_wire_bytes(&ls, 1500) * 8 / 100e6;
	gen p = {.g = g, .sim = sim, .rng = ss_sim_rng(sim, "arrivals"), .rate = 0.5 / svc, .until = ss_time_from_s(101)};
	ss_sim_after(sim, 0, tick, &p, 0);
	ss_sim_run_until(sim, ss_time_from_s(1));
	ss_sim_reset_stats(sim);
	ss_sim_run_until(sim, ss_time_from_s(101));
	ss_metrics m;
	ss_metrics_init(&m);
	ss_sim_report(sim, &m);
	const ss_metric *mq = ss_metrics_find(&m, "wire.queue"), *mu = ss_metrics_find(&m, "wire.util");
	double lq = mq ? mq->value : NAN, u = mu ? mu->value : NAN;
	SS_CHECK(fabs(u - 0.5) < 0.01, "utilisation %.4f at an offered 0.5 (1%%: Poisson counts over 100 s)", u);
	SS_CHECK(fabs(lq / 0.25 - 1) < 0.05, "M/D/1: %.4f frames waiting on average, the closed form 0.25", lq);
	ss_metrics_fini(&m);
	ss_sim_free(sim);
	return ss_test_done();
}
