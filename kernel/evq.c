/* Pending events: a binary heap while small, radix buckets over the
   integer clock when large (from SS_EVQ_SMALL = 8192 entries; back to the
   heap below a quarter of that, so a queue near the threshold does not
   convert back and forth).
   Large. The clock never goes backward, so an entry is filed by where its
   time first differs from `last`, the time of the last popped entry:
   bucket (L, v) holds the entries whose highest differing 6-bit digit is
   L and whose digit L is v (> last's). Every entry of a lower level is
   earlier than every entry of a higher one, and within a level a lower v
   is earlier, so the lowest non-empty bucket (two bit scans) holds the
   minimum. Popping from a bucket of one entry is O(1); a larger one is
   scanned for its minimum m, which becomes `last`, and its entries are
   re-filed relative to m, each to a strictly lower level: an entry moves
   at most 11 times in its life (a handful for times spread over seconds
   of picoseconds), in sequential passes, instead of the log2(n)
   dependent cache misses of a heap's sift-down. Push is O(1). Entries at
   exactly `last` wait in the "now" bucket, a binary heap on seq, so ties
   fire in scheduling order (a push there has the newest seq: O(1)).
   Removal is O(1): each item keeps its bucket and index, rewritten on
   every move, and the bucket's last entry fills the hole. Ordering is
   exactly (time, seq), as with the heap: simulations are bit-identical.
   Small. The buckets' fixed cost (704 headers, 11 KB, and the slack of
   many tiny buckets) would put a few thousand pending events above 64
   bytes each; a binary heap has none, and at that size fits the cache.
   Measured by bench/bench_kernel in one run (hold model, events per CPU
   second over a plain binary heap of (double, id) in the same run; k = 4:
   each fired event re-arms its successor 4 times, the heap cancelling
   lazily; bytes: the kernel's memory per pending event, events included):
     pending            10^3  10^4  10^5  10^6  10^7
     plain hold         1.25  1.21  1.39  2.56  2.34
     re-arm, k = 4      2.49  3.57  5.06  7.73  4.94
     real / lazy, k = 4 2.20  2.29  2.33  3.25   -
     bytes per event    58.0  62.8  58.8  58.2  58.1
   (at 10^7 the re-armed heap has not reached its steady number of dead
   entries: flattered). The 8-ary heap this replaces: 1.01, 0.81, 0.70 at
   10^3, 10^5, 10^6.
   Tried and dropped, in shorter noisier runs: 8-bit digits (as fast, but
   2048 headers and more retained small buckets: 71-75 bytes per event at
   10^4), 5-bit digits (62.5 bytes at 10^4 but 1.05-1.26 at 10^5 against
   1.36-1.48), radix buckets at every size (170-250 bytes at 10^3), the
   heap up to 16384 entries (0.89-0.98 at 10^4 against 1.2-1.4), 8-ary and
   4-ary small heaps (0.85 and 1.00 at 10^3 against 1.04 for binary).
   Lazy cancellation is still 2-3x slower on the re-arm hold and holds
   225-305 bytes per pending event: removal stays real. */
#include "ss_evq.h"

#include <stdlib.h>
#include <string.h>

#include "ss_err.h"

#define DIGIT SS_EVQ_DIGIT
#define LEVELS SS_EVQ_LEVELS
#define RADIX SS_EVQ_RADIX
#define WORDS ((RADIX + 63) / 64) /* bitmap words per level */
#define NOW (LEVELS * RADIX)      /* index of the "now" heap */
#define MINCAP 4                  /* first allocation of a bucket, slots */
#define KEEP 8                    /* a drained bucket keeps up to this many */
#define D 2                       /* small heap: binary, */
#define PAD 1                     /* index k at h[k + PAD], */
#define LINE 128                  /* so that siblings share a 32-byte pair */

/* In radix buckets key is the time; in the now heap it is the seq (the
   time being `last`). */
typedef struct slot {
	uint64_t key;
	ss_evq_item *item;
} slot;

struct ss_evq_bucket {
	slot *a;
	uint32_t n, cap;
};
typedef struct ss_evq_bucket bucket;

/* Records where an item is. The lazy build (bench only, SS_EVQ_LAZY)
   never removes, so it skips the write. */
static inline void place(bucket *k, unsigned b, uint32_t i, slot s)
{
	k->a[i] = s;
#ifndef SS_EVQ_LAZY
	s.item->bkt = (uint16_t)b;
	s.item->pos = i;
#else
	(void)b;
#endif
}

/* The radix bucket of time t (t != last). */
static inline unsigned bucket_of(uint64_t t, uint64_t last)
{
	unsigned level = (unsigned)(63 - __builtin_clzll(t ^ last)) / DIGIT;
	return level * RADIX + (unsigned)(t >> (level * DIGIT)) % RADIX;
}

static inline void mark(ss_evq *q, unsigned b)
{
	q->used[b / RADIX][b % RADIX / 64] |= UINT64_C(1) << (b % RADIX % 64);
	q->levels |= 1u << (b / RADIX);
}

static inline void unmark(ss_evq *q, unsigned b)
{
	uint64_t *w = q->used[b / RADIX];
	w[b % RADIX / 64] &= ~(UINT64_C(1) << (b % RADIX % 64));
	int any = 0;
	for (unsigned j = 0; j < WORDS; j++)
		any |= w[j] != 0;
	if (!any)
		q->levels &= ~(1u << (b / RADIX));
}

/* The lowest non-empty radix bucket (some must be). */
static inline unsigned lowest(const ss_evq *q)
{
	unsigned level = (unsigned)__builtin_ctz(q->levels);
	const uint64_t *w = q->used[level];
	unsigned j = 0;
	while (!w[j])
		j++;
	return level * RADIX + j * 64 + (unsigned)__builtin_ctzll(w[j]);
}

/* Room for `more` slots in k. Grows by half while small, then by a
   quarter: most entries sit in a few large buckets, whose slack is then
   what memory per pending event is made of. */
static int reserve(bucket *k, uint32_t more)
{
	if ((uint64_t)k->n + more <= k->cap)
		return SS_OK;
	uint64_t cap = k->cap < MINCAP ? MINCAP : (uint64_t)k->cap + (k->cap < 256 ? k->cap / 2 : k->cap / 4);
	if (cap < (uint64_t)k->n + more)
		cap = (uint64_t)k->n + more;
	if (cap > UINT32_MAX)
		return SS_ENOMEM;
	slot *a = realloc(k->a, cap * sizeof *a);
	if (!a)
		return SS_ENOMEM;
	k->a = a;
	k->cap = (uint32_t)cap;
	return SS_OK;
}

static void release(bucket *k)
{
	if (k->cap > KEEP) {
		free(k->a);
		k->a = NULL;
		k->cap = 0;
	}
}

/* The now heap: a binary min-heap on seq. */
static void heap_up(bucket *h, uint32_t i, slot s)
{
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (h->a[p].key < s.key)
			break;
		place(h, NOW, i, h->a[p]);
		i = p;
	}
	place(h, NOW, i, s);
}

static void heap_down(bucket *h, uint32_t i, slot s)
{
	uint32_t n = h->n;
	for (;;) {
		uint64_t c = 2 * (uint64_t)i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h->a[c + 1].key < h->a[c].key)
			c++;
		if (s.key < h->a[c].key)
			break;
		place(h, NOW, i, h->a[c]);
		i = (uint32_t)c;
	}
	place(h, NOW, i, s);
}

/* ---- Small: a binary min-heap of (time, item), the array shifted by
   one slot so that siblings share an aligned 32 bytes. */

static inline int before(const ss_evq_entry *x, const ss_evq_entry *y)
{
	if (x->time != y->time)
		return x->time < y->time;
	/* Equal times: FIFO by insertion sequence. */
	return x->item->seq < y->item->seq;
}

static ss_evq_entry *alloc_entries(size_t cap)
{
	void *p = NULL;
	if (posix_memalign(&p, LINE, (cap + PAD) * sizeof(ss_evq_entry)) != 0)
		return NULL;
	return p;
}

static inline void hplace(ss_evq_entry *h, size_t i, ss_evq_entry e)
{
	h[i] = e;
#ifndef SS_EVQ_LAZY
	e.item->pos = (uint32_t)i;
#endif
}

static void sift_up(ss_evq_entry *h, size_t i, ss_evq_entry e)
{
	while (i > 0) {
		size_t p = (i - 1) / D;
		if (!before(&e, &h[p]))
			break;
		hplace(h, i, h[p]);
		i = p;
	}
	hplace(h, i, e);
}

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
		hplace(h, i, h[best]);
		i = best;
	}
	hplace(h, i, e);
}

/* Room for one more entry in the small heap, growing by half. */
static int hreserve(ss_evq *q)
{
	if (q->h && q->n < q->hcap)
		return SS_OK;
	size_t cap = q->hcap < 1024 ? 1024 : q->hcap + q->hcap / 2;
	ss_evq_entry *a = alloc_entries(cap);
	if (!a)
		return SS_ENOMEM;
	if (q->h)
		memcpy(a, q->h, (q->n + PAD) * sizeof *a);
	free(q->h);
	q->h = a;
	q->hcap = cap;
	return SS_OK;
}

/* A pop leaves the small heap's root vacant until the next operation: a
   push then fills it with one sift-down, instead of a sift-down of the
   last entry and a sift-up of the new one (handlers mostly schedule right
   after their event is popped). Anything else fills it first. */
static void fill_hole(ss_evq *q)
{
	if (!q->hole)
		return;
	q->hole = 0;
	ss_evq_entry *h = q->h + PAD;
	sift_down(h, q->n, 0, h[q->n]);
}

/* Files an entry in the radix buckets (time >= last). */
static int file(ss_evq *q, uint64_t t, ss_evq_item *item)
{
	if (t == q->last) {
		bucket *h = &q->b[NOW];
		if (reserve(h, 1) != SS_OK)
			return SS_ENOMEM;
		heap_up(h, h->n++, (slot){item->seq, item});
		return SS_OK;
	}
	unsigned b = bucket_of(t, q->last);
	bucket *k = &q->b[b];
	if (reserve(k, 1) != SS_OK)
		return SS_ENOMEM;
	place(k, b, k->n++, (slot){t, item});
	if (k->n == 1)
		mark(q, b);
	return SS_OK;
}

static void free_buckets(ss_evq *q)
{
	if (q->b)
		for (unsigned b = 0; b <= NOW; b++)
			free(q->b[b].a);
	free(q->b);
	q->b = NULL;
	q->levels = 0;
	memset(q->used, 0, sizeof q->used);
}

/* Small to large: the heap's entries go to radix buckets. On failure the
   heap is as it was (it is only read) and the buckets are dropped. */
static int to_large(ss_evq *q)
{
	fill_hole(q);
	q->b = calloc(NOW + 1, sizeof *q->b);
	if (!q->b)
		return SS_ENOMEM;
	ss_evq_entry *h = q->h + PAD;
	for (size_t i = 0; i < q->n; i++) {
		if (file(q, (uint64_t)h[i].time, h[i].item) != SS_OK) {
			free_buckets(q);
			for (size_t j = 0; j < q->n; j++)
				hplace(h, j, h[j]);
			return SS_ENOMEM;
		}
	}
	free(q->h);
	q->h = NULL;
	q->hcap = 0;
	q->large = 1;
	return SS_OK;
}

/* Large to small, when few entries are left: gathers them and heapifies.
   On failure the queue stays large. */
static void to_small(ss_evq *q)
{
	size_t cap = 2 * q->n < 1024 ? 1024 : 2 * q->n;
	ss_evq_entry *a = alloc_entries(cap);
	if (!a)
		return;
	ss_evq_entry *h = a + PAD;
	size_t n = 0;
	for (unsigned b = 0; b <= NOW; b++)
		for (uint32_t i = 0; i < q->b[b].n; i++) {
			slot s = q->b[b].a[i];
			h[n++] = (ss_evq_entry){b == NOW ? (ss_time)q->last : (ss_time)s.key, s.item};
		}
	for (size_t i = n / D + 1; i-- > 0;)
		if (D * i + 1 < n)
			sift_down(h, n, i, h[i]);
	for (size_t i = 0; i < n; i++)
		hplace(h, i, h[i]);
	free_buckets(q);
	q->h = a;
	q->hcap = cap;
	q->large = 0;
}

int ss_evq_init(ss_evq *q)
{
	memset(q, 0, sizeof *q);
	q->small = SS_EVQ_SMALL;
	return hreserve(q);
}

void ss_evq_set_small(ss_evq *q, size_t small) { q->small = small; }

void ss_evq_fini(ss_evq *q)
{
	free_buckets(q);
	free(q->h);
	memset(q, 0, sizeof *q);
}

int ss_evq_push(ss_evq *q, ss_time t, ss_evq_item *item)
{
	if (t < (ss_time)q->last)
		return SS_EINVAL;
	if (!q->large && q->n >= q->small && to_large(q) != SS_OK)
		return SS_ENOMEM;
	if (q->large) {
		if (file(q, (uint64_t)t, item) != SS_OK)
			return SS_ENOMEM;
	} else {
		if (hreserve(q) != SS_OK)
			return SS_ENOMEM;
		if (q->hole) {
			q->hole = 0;
			sift_down(q->h + PAD, q->n + 1, 0, (ss_evq_entry){t, item});
		} else {
			sift_up(q->h + PAD, q->n, (ss_evq_entry){t, item});
		}
	}
	q->n++;
	return SS_OK;
}

/* Empties radix bucket b, whose minimum m occurs `ties` times: m becomes
   `last`, its entries go to the now heap, the others down to the bucket
   they fall in relative to m. On failure to grow a bucket the moves are
   undone (they are all appends, taken back in reverse order). */
static int spill(ss_evq *q, unsigned b, uint64_t m, uint32_t ties)
{
	bucket *k = &q->b[b], *h = &q->b[NOW];
	if (reserve(h, ties) != SS_OK) /* h is empty: it will take them all */
		return SS_ENOMEM;
	uint32_t n = k->n, i;
	for (i = 0; i < n; i++) {
		/* The moves rewrite the items' places: fetch them ahead. */
		if (i + 8 < n)
			__builtin_prefetch(k->a[i + 8].item, 1);
		slot s = k->a[i];
		if (s.key == m) {
			heap_up(h, h->n++, (slot){s.item->seq, s.item});
			continue;
		}
		unsigned d = bucket_of(s.key, m);
		bucket *t = &q->b[d];
		if (reserve(t, 1) != SS_OK)
			break;
		place(t, d, t->n++, s);
		if (t->n == 1)
			mark(q, d);
	}
	if (i < n) {
		h->n = 0;
		while (i-- > 0) {
			slot s = k->a[i];
			if (s.key != m) {
				unsigned d = bucket_of(s.key, m);
				if (--q->b[d].n == 0)
					unmark(q, d);
			}
		}
		for (i = 0; i < n; i++)
			place(k, b, i, k->a[i]);
		return SS_ENOMEM;
	}
	k->n = 0;
	unmark(q, b);
	release(k);
	q->last = m;
	return SS_OK;
}

static int pop_small(ss_evq *q, ss_time limit, ss_evq_entry *out)
{
	fill_hole(q);
	ss_evq_entry *h = q->h + PAD;
	if (q->n == 0 || h[0].time > limit)
		return SS_OK;
	*out = h[0];
	q->last = (uint64_t)out->time;
	if (--q->n == 0)
		return SS_OK;
	q->hole = 1;
	/* The next minimum is one of the root's children or the entry the
	   handler pushes: start loading their events now. */
	__builtin_prefetch(h[1].item);
	if (q->n > 1)
		__builtin_prefetch(h[2].item);
	return SS_OK;
}

static int pop_large(ss_evq *q, ss_time limit, ss_evq_entry *out)
{
	bucket *h = &q->b[NOW];
	if (h->n == 0) {
		if (q->n == 0)
			return SS_OK;
		unsigned b = lowest(q);
		bucket *k = &q->b[b];
		if (k->n == 1) {
			/* The common case at low levels: no re-filing. */
			slot s = k->a[0];
			if ((ss_time)s.key > limit)
				return SS_OK;
			k->n = 0;
			unmark(q, b);
			q->n--;
			q->last = s.key;
			*out = (ss_evq_entry){(ss_time)s.key, s.item};
			return SS_OK;
		}
		uint64_t m = UINT64_MAX;
		uint32_t ties = 0;
		for (uint32_t i = 0; i < k->n; i++) {
			uint64_t t = k->a[i].key;
			if (t < m) {
				m = t;
				ties = 0;
			}
			ties += t == m;
		}
		if ((ss_time)m > limit)
			return SS_OK;
		int rc = spill(q, b, m, ties);
		if (rc != SS_OK)
			return rc;
	}
	if ((ss_time)q->last > limit)
		return SS_OK;
	*out = (ss_evq_entry){(ss_time)q->last, h->a[0].item};
	q->n--;
	if (--h->n > 0) {
		heap_down(h, 0, h->a[h->n]);
		/* It fires next: start loading it now. */
		__builtin_prefetch(h->a[0].item);
	}
	return SS_OK;
}

/* Back to a heap below a quarter of the threshold: the hysteresis keeps
   a queue that hovers around it from converting back and forth. */
static void maybe_small(ss_evq *q)
{
	if (q->n < q->small / 4)
		to_small(q);
}

int ss_evq_pop_until(ss_evq *q, ss_time limit, ss_evq_entry *out)
{
	out->item = NULL;
	if (!q->large)
		return pop_small(q, limit, out);
	int rc = pop_large(q, limit, out);
	if (out->item)
		maybe_small(q);
	return rc;
}

#ifndef SS_EVQ_LAZY
void ss_evq_remove(ss_evq *q, ss_evq_item *item)
{
	if (!q->large) {
		fill_hole(q);
		uint32_t i = item->pos;
		/* The last entry fills the hole and moves up or down from there. */
		ss_evq_entry *h = q->h + PAD;
		size_t n = --q->n;
		if (i == n)
			return;
		ss_evq_entry e = h[n];
		if (i > 0 && before(&e, &h[(i - 1) / D]))
			sift_up(h, i, e);
		else
			sift_down(h, n, i, e);
		return;
	}
	uint32_t i = item->pos;
	unsigned b = item->bkt;
	bucket *k = &q->b[b];
	q->n--;
	uint32_t end = --k->n;
	if (b == NOW) {
		if (i != end) {
			slot s = k->a[end];
			if (i > 0 && s.key < k->a[(i - 1) / 2].key)
				heap_up(k, i, s);
			else
				heap_down(k, i, s);
		}
	} else {
		if (i != end)
			place(k, b, i, k->a[end]);
		if (end == 0)
			unmark(q, b);
	}
	maybe_small(q);
}
#endif

ss_time ss_evq_peek_time(const ss_evq *q)
{
	if (q->n == 0)
		return SS_TIME_MAX;
	if (!q->large) {
		const ss_evq_entry *h = q->h + PAD;
		if (!q->hole)
			return h[0].time;
		return q->n > 1 && before(&h[2], &h[1]) ? h[2].time : h[1].time;
	}
	if (q->b[NOW].n)
		return (ss_time)q->last;
	const bucket *k = &q->b[lowest(q)];
	uint64_t m = UINT64_MAX;
	for (uint32_t i = 0; i < k->n; i++)
		if (k->a[i].key < m)
			m = k->a[i].key;
	return (ss_time)m;
}

static int check_small(const ss_evq *q)
{
	const ss_evq_entry *h = q->h + PAD;
	for (size_t i = (size_t)q->hole; i < q->n + (size_t)q->hole; i++) {
#ifndef SS_EVQ_LAZY
		if (h[i].item->pos != i)
			return 0;
#endif
		size_t p = (i - 1) / D;
		if (h[i].time < (ss_time)q->last || (i > 0 && !(q->hole && p == 0) && before(&h[i], &h[p])))
			return 0;
	}
	return !q->b && q->levels == 0;
}

int ss_evq_check(const ss_evq *q)
{
	if (!q->large)
		return check_small(q);
	if (q->h)
		return 0;
	size_t total = 0;
	for (unsigned b = 0; b <= NOW; b++) {
		const bucket *k = &q->b[b];
		total += k->n;
		if (b < NOW) {
			int bit = (q->used[b / RADIX][b % RADIX / 64] >> (b % RADIX % 64)) & 1;
			if (bit != (k->n > 0))
				return 0;
			if (k->n && !((q->levels >> (b / RADIX)) & 1))
				return 0;
		}
		for (uint32_t i = 0; i < k->n; i++) {
			const slot *s = &k->a[i];
#ifndef SS_EVQ_LAZY
			if (s->item->bkt != b || s->item->pos != i)
				return 0;
#endif
			if (b == NOW) {
				if (s->key != s->item->seq || (i > 0 && s->key < k->a[(i - 1) / 2].key))
					return 0;
			} else if (s->key <= q->last || bucket_of(s->key, q->last) != b) {
				return 0;
			}
		}
	}
	for (unsigned L = 0; L < LEVELS; L++) {
		uint64_t any = 0;
		for (unsigned j = 0; j < WORDS; j++)
			any |= q->used[L][j];
		if (((q->levels >> L) & 1) != (any != 0))
			return 0;
	}
	return total == q->n;
}
