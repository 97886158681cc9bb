/* 8-ary min-heap of pending events. With 16-byte entries and the array
   shifted by seven slots, the eight children of a node fill one aligned
   pair of 64-byte cache lines (which the hardware fetches together), and
   the heap is a third as deep as a binary one: at 10^6 pending events a
   pop misses the cache about half as often. Chosen by bench/bench_kernel
   over a 4-ary heap (0.7x a plain binary heap at 10^6) and a heap of
   40-byte entries holding the event inline (0.35x).
   Any entry can be removed: each item keeps its heap index, written on
   every move. On a hold model whose events are each re-armed 4 times
   (bench/bench_kernel, 10^3 to 10^6 pending) that is 1.8-5x faster than
   lazy cancellation, whose dead entries grow the heap to 230-310 bytes
   per pending event (56-63 here); the index writes cost 3-20% on the
   plain hold. */
#define _DEFAULT_SOURCE /* madvise */
#include "ss_evq.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ss_err.h"

#define D 8
#define PAD SS_EVQ_PAD
#define LINE 128

static inline int before(const ss_evq_entry *x, const ss_evq_entry *y)
{
	if (x->time != y->time)
		return x->time < y->time;
	/* Equal times: FIFO by insertion sequence. */
	return x->item->seq < y->item->seq;
}

#define HUGE (2u << 20)

static ss_evq_entry *alloc_entries(size_t cap)
{
	void *p = NULL;
	size_t bytes = (cap + PAD) * sizeof(ss_evq_entry);
	/* Large heaps sit on 2 MB pages where the kernel allows it: at 10^6
	   pending events TLB misses otherwise cost as much as cache misses. */
	size_t align = bytes >= 4 * (size_t)HUGE ? HUGE : LINE; /* waste <= 1/4 */
	if (posix_memalign(&p, align, bytes) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (align == HUGE)
		madvise(p, bytes - bytes % HUGE, MADV_HUGEPAGE);
#endif
	return p;
}

int ss_evq_init(ss_evq *q)
{
	q->n = 0;
	q->cap = 1024;
	q->a = alloc_entries(q->cap);
	return q->a ? SS_OK : SS_ENOMEM;
}

void ss_evq_fini(ss_evq *q)
{
	free(q->a);
	q->a = NULL;
	q->n = q->cap = 0;
}

/* Stores e at heap index i and tells its item where it is. The lazy
   build (bench only, SS_EVQ_LAZY) never removes, so it skips the write. */
static inline void place(ss_evq_entry *h, size_t i, ss_evq_entry e)
{
	h[i] = e;
#ifndef SS_EVQ_LAZY
	e.item->pos = (uint32_t)i;
#endif
}

/* Moves e up from the hole at i to its place. */
static void sift_up(ss_evq_entry *h, size_t i, ss_evq_entry e)
{
	while (i > 0) {
		size_t p = (i - 1) / D;
		if (!before(&e, &h[p]))
			break;
		place(h, i, h[p]);
		i = p;
	}
	place(h, i, e);
}

/* Moves e down from the hole at i, in a heap of n entries. */
static void sift_down(ss_evq_entry *h, size_t n, size_t i, ss_evq_entry e)
{
	for (;;) {
		size_t c = D * i + 1;
		if (c >= n)
			break;
		size_t best = c, end = c + D < n ? c + D : n;
		for (size_t k = c + 1; k < end; k++)
			if (before(&h[k], &h[best]))
				best = k;
		if (!before(&h[best], &e))
			break;
		place(h, i, h[best]);
		i = best;
	}
	place(h, i, e);
}

int ss_evq_push(ss_evq *q, ss_time t, ss_evq_item *item)
{
	if (q->n == q->cap) {
		/* Grow by half, not double: keeps slack (and memory per pending
		   event) low at large N. */
		size_t cap = q->cap + q->cap / 2;
		if (cap > UINT32_MAX)
			return SS_ENOMEM; /* beyond the range of pos */
		ss_evq_entry *a = alloc_entries(cap);
		if (!a)
			return SS_ENOMEM;
		memcpy(a, q->a, (q->n + PAD) * sizeof *a);
		free(q->a);
		q->a = a;
		q->cap = cap;
	}
	sift_up(q->a + PAD, q->n++, (ss_evq_entry){t, item});
	return SS_OK;
}

int ss_evq_pop(ss_evq *q, ss_evq_entry *out)
{
	if (q->n == 0)
		return 0;
	ss_evq_entry *h = q->a + PAD;
	*out = h[0];
	size_t n = --q->n;
	if (n == 0)
		return 1;
	sift_down(h, n, 0, h[n]);
	/* The new minimum fires next: start loading its event now, so the
	   miss overlaps the current handler instead of stalling the next. */
	__builtin_prefetch(h[0].item);
	/* The one after is among its children (one cache line): prefetch
	   those too, so the latency hides behind two handlers. */
	for (size_t k = 1; k <= D && k < n; k++)
		__builtin_prefetch(h[k].item);
	return 1;
}

#ifndef SS_EVQ_LAZY
/* The last entry fills the hole and moves up or down from there. */
void ss_evq_remove(ss_evq *q, ss_evq_item *item)
{
	ss_evq_entry *h = q->a + PAD;
	size_t i = item->pos, n = --q->n;
	if (i == n)
		return;
	ss_evq_entry last = h[n];
	if (i > 0 && before(&last, &h[(i - 1) / D]))
		sift_up(h, i, last);
	else
		sift_down(h, n, i, last);
}
#endif
