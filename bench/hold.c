/* The hold driver of bench/hold.h. Built twice: as is, and with the
   kernel's names mapped to the lazy-cancellation build (lazy_hold.c). */
#define _GNU_SOURCE /* mallinfo2 */
#include "hold.h"

#include <malloc.h>
#include <stdlib.h>

#include "baseline_heap.h"
#include "ss_rng.h"
#include "ss_sim.h"

#ifndef BENCH_HOLD
#define BENCH_HOLD bench_hold_kernel
#endif

typedef struct hold {
	ss_rng *r;
	int k;
	uint64_t trace;
} hold;

static ss_time draw(hold *h) { return ss_time_from_s(ss_rng_exponential(h->r, 1.0)); }

static void hold_ev(ss_sim *sim, void *ctx, uint64_t arg)
{
	hold *h = ctx;
	h->trace = ss_rng_mix(h->trace ^ (uint64_t)ss_sim_now(sim)) + arg;
	ss_timer t = ss_sim_after(sim, draw(h), hold_ev, h, arg);
	for (int j = 0; j < h->k; j++) {
		ss_sim_cancel(sim, &t);
		t = ss_sim_after(sim, draw(h), hold_ev, h, arg);
	}
}

static size_t heap_bytes(void)
{
	struct mallinfo2 m = mallinfo2();
	return m.uordblks + m.hblkhd;
}

bench_hold_result BENCH_HOLD(size_t n, size_t warm, size_t events, int k)
{
	/* The model's own RNG is not the kernel's memory: allocated first. */
	hold h = {NULL, k, 0};
	if (ss_rng_alloc(&h.r, 1, "bench"))
		abort();
	size_t m0 = heap_bytes();
	ss_sim *sim = NULL;
	if (ss_sim_alloc(&sim, 1))
		abort();
	for (size_t i = 0; i < n; i++)
		ss_sim_after(sim, draw(&h), hold_ev, &h, i);
	for (size_t e = 0; e < warm; e++)
		ss_sim_step(sim);
	double t0 = bench_cpu_s();
	for (size_t e = 0; e < events; e++)
		ss_sim_step(sim);
	double dt = bench_cpu_s() - t0;
	bench_hold_result r = {(double)events / dt, (double)(heap_bytes() - m0) / (double)n, h.trace};
	ss_rng_free(h.r);
	ss_sim_free(sim);
	return r;
}
