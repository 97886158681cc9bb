/* Pending-event priority queue: an 8-ary min-heap ordered by (time, seq).
   Kept behind this narrow interface so another structure can replace it
   after measurement (bench/bench_kernel). */
#ifndef SS_EVQ_H
#define SS_EVQ_H

#include <stddef.h>
#include <stdint.h>

#include "ss_time.h"

/* The queue stores (time, item); ties are broken by the item's sequence
   number, read through the first field of the item. Items therefore start
   with a `uint64_t seq` (see ss_event in sim.c). 16 bytes per entry. */
typedef struct ss_evq_entry {
	ss_time time;   /* firing time, ps */
	void *item;     /* points at a struct whose first member is uint64_t seq */
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
int ss_evq_push(ss_evq *q, ss_time t, void *item); /* 0 or SS_ENOMEM */
/* Removes the minimum into *out. Returns 0 when the queue is empty. */
int ss_evq_pop(ss_evq *q, ss_evq_entry *out);
static inline size_t ss_evq_size(const ss_evq *q) { return q->n; }
static inline ss_time ss_evq_peek_time(const ss_evq *q)
{
	return q->n ? q->a[SS_EVQ_PAD].time : SS_TIME_MAX;
}

#endif
