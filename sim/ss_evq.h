/* Pending-event priority queue: an 8-ary min-heap ordered by (time, seq),
   with removal of any entry. Kept behind this narrow interface so another
   structure can replace it after measurement (bench/bench_kernel).
   SS_EVQ_LAZY builds the variant without removal (the kernel then cancels
   lazily); only bench/bench_kernel builds it, as the comparison. */
#ifndef SS_EVQ_H
#define SS_EVQ_H

#include <stddef.h>
#include <stdint.h>

#include "ss_time.h"

/* Items start with this header (see ss_event in sim.c): the queue reads
   seq to break ties and keeps pos, the item's place in the heap, up to
   date so that ss_evq_remove finds it without a search. */
typedef struct ss_evq_item {
	uint64_t seq;  /* insertion order */
#ifndef SS_EVQ_LAZY
	uint32_t pos;  /* heap index while queued (maintained by the queue) */
#endif
} ss_evq_item;

/* The queue stores (time, item). 16 bytes per entry. */
typedef struct ss_evq_entry {
	ss_time time;         /* firing time, ps */
	ss_evq_item *item;
} ss_evq_entry;

/* The heap's logical index k lives at a[k + SS_EVQ_PAD], so that the
   children of a node start on a 128-byte boundary (see evq.c). */
#define SS_EVQ_PAD 7

typedef struct ss_evq {
	ss_evq_entry *a; /* heap array, 128-byte aligned; a[SS_EVQ_PAD] is the minimum */
	size_t n;        /* entries */
	size_t cap;      /* allocated entries */
} ss_evq;

int ss_evq_init(ss_evq *q);          /* 0 or SS_ENOMEM */
void ss_evq_fini(ss_evq *q);
/* 0, or SS_ENOMEM (also beyond 2^32 - 1 entries, the range of pos). */
int ss_evq_push(ss_evq *q, ss_time t, ss_evq_item *item);
/* Removes the minimum into *out. Returns 0 when the queue is empty. */
int ss_evq_pop(ss_evq *q, ss_evq_entry *out);
#ifndef SS_EVQ_LAZY
/* Removes a queued item (O(log n)). The item must be in this queue. */
void ss_evq_remove(ss_evq *q, ss_evq_item *item);
#endif
static inline size_t ss_evq_size(const ss_evq *q) { return q->n; }
static inline ss_time ss_evq_peek_time(const ss_evq *q)
{
	return q->n ? q->a[SS_EVQ_PAD].time : SS_TIME_MAX;
}

#endif
