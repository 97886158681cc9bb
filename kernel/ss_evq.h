/* Pending-event priority queue ordered by (time, seq), with removal of
   any entry: a heap while small, a radix queue over the integer clock
   when large (see evq.c). Kept
   behind this narrow interface so another structure can replace it after
   measurement (bench/bench_kernel).
   Monotone: every pushed time must be >= the time of the last popped
   entry (the simulation clock never goes backward), which is what lets
   the queue file entries by the bits in which they differ from it.
   SS_EVQ_LAZY builds the variant without removal (the kernel then cancels
   lazily); only bench/bench_kernel builds it, as the comparison. */
#ifndef SS_EVQ_H
#define SS_EVQ_H

#include <stddef.h>
#include <stdint.h>

#include "ss_time.h"

/* Items start with this header (see ss_event in sim.c): the queue reads
   seq to break ties and keeps (bkt, pos), the item's place, up to date so
   that ss_evq_remove finds it without a search. 16 bytes either way. */
typedef struct ss_evq_item {
	uint64_t seq;  /* insertion order */
#ifndef SS_EVQ_LAZY
	uint32_t pos;  /* index in its bucket (maintained by the queue) */
	uint16_t bkt;  /* its bucket (maintained by the queue) */
#endif
} ss_evq_item;

typedef struct ss_evq_entry {
	ss_time time;         /* firing time, ps */
	ss_evq_item *item;    /* NULL: nothing popped */
} ss_evq_entry;

/* Digits of the radix, enough of them to cover the 63-bit clock. */
#define SS_EVQ_DIGIT 6
#define SS_EVQ_LEVELS (62 / SS_EVQ_DIGIT + 1)
#define SS_EVQ_RADIX (1u << SS_EVQ_DIGIT)

struct ss_evq_bucket; /* private to evq.c */

/* Fields are private to evq.c; the struct is public so that the kernel
   can embed it. Below SS_EVQ_SMALL entries the queue is a heap. */
typedef struct ss_evq {
	ss_evq_entry *h;         /* small: binary heap, index k at h[k + 1] */
	size_t hcap;             /* small: allocated heap entries */
	int hole;                /* small: root vacant after a pop, entries at indices 1..n */
	struct ss_evq_bucket *b; /* large: LEVELS * RADIX radix buckets, then the "now" heap */
	uint64_t last;           /* time of the last popped entry: the radix origin */
	size_t n;                /* entries */
	int large;               /* 1 while the entries are in radix buckets */
	size_t small;            /* radix buckets from this many entries */
	uint32_t levels;         /* bit L: some bucket of level L is non-empty */
	uint64_t used[SS_EVQ_LEVELS][(SS_EVQ_RADIX + 63) / 64]; /* non-empty buckets */
} ss_evq;

#define SS_EVQ_SMALL 8192

int ss_evq_init(ss_evq *q);          /* 0 or SS_ENOMEM */
/* For tests: the queue moves to radix buckets when a push finds `small`
   entries or more (0: from the first push), back to a heap below
   small / 4. Default SS_EVQ_SMALL. */
void ss_evq_set_small(ss_evq *q, size_t small);
void ss_evq_fini(ss_evq *q);
/* 0; SS_EINVAL if t is before the last popped time; SS_ENOMEM (also
   beyond 2^32 - 1 entries in one bucket). */
int ss_evq_push(ss_evq *q, ss_time t, ss_evq_item *item);
/* Removes the minimum into *out if its time is <= limit; otherwise sets
   out->item to NULL. Returns 0, or SS_ENOMEM when the entries could not
   be re-filed (the queue is then unchanged). */
int ss_evq_pop_until(ss_evq *q, ss_time limit, ss_evq_entry *out);
#ifndef SS_EVQ_LAZY
/* Removes a queued item (O(1) in radix buckets, O(log n) in a heap).
   The item must be in this queue. */
void ss_evq_remove(ss_evq *q, ss_evq_item *item);
#endif
/* Time of the minimum, SS_TIME_MAX when empty. Does not change the queue;
   can cost a scan of one bucket (the kernel pops with pop_until instead). */
ss_time ss_evq_peek_time(const ss_evq *q);
/* Checks the queue's invariants (for tests): every entry in the bucket
   its time and the last popped time name, every item's place recorded,
   the counts and bitmaps consistent. 1 if they hold. */
int ss_evq_check(const ss_evq *q);
static inline size_t ss_evq_size(const ss_evq *q) { return q->n; }

#endif
