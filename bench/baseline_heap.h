/* The benchmarks' baseline: a plain binary min-heap of (time, id) in a
   hold model, each event drawing Exp(1) from a secsim RNG stream, as the
   kernel's events do; in the re-arm variant (bench/hold.h) it cancels
   lazily, by a generation count per id, and runs `warm` events untimed
   before timing `events`. Header-only, for bench/ programs. */
#ifndef SS_BENCH_BASELINE_HEAP_H
#define SS_BENCH_BASELINE_HEAP_H

#include <stdlib.h>
#include <time.h>

#include "ss_rng.h"

static inline double bench_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU time of the calling thread: on a shared machine, time spent
   descheduled would otherwise land on whichever side was running. */
static inline double bench_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct { double t; unsigned id, gen; } hent;
typedef struct { hent *a; size_t n, cap; } heap;

static inline void hpush(heap *h, hent e)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 1024;
		h->a = realloc(h->a, h->cap * sizeof *h->a);
		if (!h->a)
			abort();
	}
	size_t i = h->n++;
	while (i > 0 && e.t < h->a[(i - 1) / 2].t) {
		h->a[i] = h->a[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->a[i] = e;
}

static inline hent hpop(heap *h)
{
	hent top = h->a[0], last = h->a[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->a[c + 1].t < h->a[c].t)
			c++;
		if (!(h->a[c].t < last.t))
			break;
		h->a[i] = h->a[c];
		i = c;
	}
	if (h->n)
		h->a[i] = last;
	return top;
}

static inline double bench_heap(size_t n, size_t events)
{
	ss_rng *r = NULL;
	if (ss_rng_alloc(&r, 1, "bench"))
		abort();
	heap h = {0};
	for (size_t i = 0; i < n; i++)
		hpush(&h, (hent){ss_rng_exponential(r, 1.0), (unsigned)i, 0});
	double t0 = bench_cpu_s();
	for (size_t k = 0; k < events; k++) {
		hent e = hpop(&h);
		e.t += ss_rng_exponential(r, 1.0);
		hpush(&h, e);
	}
	double dt = bench_cpu_s() - t0;
	free(h.a);
	ss_rng_free(r);
	return (double)events / dt;
}

/* The re-arm hold of bench/hold.h: each fired event schedules its
   successor and re-arms it k times; an entry whose generation is not its
   id's current one was cancelled and is skipped when popped. */
static inline double bench_heap_rearm(size_t n, size_t warm, size_t events, int k)
{
	ss_rng *r = NULL;
	if (ss_rng_alloc(&r, 1, "bench"))
		abort();
	heap h = {0};
	unsigned *gen = calloc(n, sizeof *gen);
	if (!gen)
		abort();
	for (size_t i = 0; i < n; i++)
		hpush(&h, (hent){ss_rng_exponential(r, 1.0), (unsigned)i, 0});
	double t0 = 0;
	for (size_t fired = 0; fired < warm + events;) {
		if (fired == warm && t0 == 0)
			t0 = bench_cpu_s();
		hent e = hpop(&h);
		if (e.gen != gen[e.id])
			continue;
		fired++;
		hpush(&h, (hent){e.t + ss_rng_exponential(r, 1.0), e.id, gen[e.id]});
		for (int j = 0; j < k; j++) {
			gen[e.id]++;
			hpush(&h, (hent){e.t + ss_rng_exponential(r, 1.0), e.id, gen[e.id]});
		}
	}
	double dt = bench_cpu_s() - t0;
	free(gen);
	free(h.a);
	ss_rng_free(r);
	return (double)events / dt;
}

#endif
