/* 4-ary min-heap of pending events. A 4-ary heap halves the depth of a
   binary heap and keeps a node's children in one or two cache lines, which
   is what pays at 10^5..10^6 pending events. */
#include "ss_evq.h"

#include <stdlib.h>

#include "ss_err.h"

#define D 4

static inline int before(const ss_evq_entry *x, const ss_evq_entry *y)
{
	if (x->time != y->time)
		return x->time < y->time;
	/* Equal times: FIFO by insertion sequence, the item's first field. */
	return *(const uint64_t *)x->item < *(const uint64_t *)y->item;
}

int ss_evq_init(ss_evq *q)
{
	q->n = 0;
	q->cap = 1024;
	q->a = malloc(q->cap * sizeof *q->a);
	return q->a ? SS_OK : SS_ENOMEM;
}

void ss_evq_fini(ss_evq *q)
{
	free(q->a);
	q->a = NULL;
	q->n = q->cap = 0;
}

int ss_evq_push(ss_evq *q, ss_time t, void *item)
{
	if (q->n == q->cap) {
		/* Grow by half, not double: keeps slack (and memory per pending
		   event) low at large N. */
		size_t cap = q->cap + q->cap / 2;
		ss_evq_entry *a = realloc(q->a, cap * sizeof *a);
		if (!a)
			return SS_ENOMEM;
		q->a = a;
		q->cap = cap;
	}
	ss_evq_entry e = {t, item};
	size_t i = q->n++;
	while (i > 0) {
		size_t p = (i - 1) / D;
		if (!before(&e, &q->a[p]))
			break;
		q->a[i] = q->a[p];
		i = p;
	}
	q->a[i] = e;
	return SS_OK;
}

int ss_evq_pop(ss_evq *q, ss_evq_entry *out)
{
	if (q->n == 0)
		return 0;
	*out = q->a[0];
	ss_evq_entry last = q->a[--q->n];
	size_t n = q->n, i = 0;
	if (n == 0)
		return 1;
	for (;;) {
		size_t c = D * i + 1;
		if (c >= n)
			break;
		size_t best = c, end = c + D < n ? c + D : n;
		for (size_t k = c + 1; k < end; k++)
			if (before(&q->a[k], &q->a[best]))
				best = k;
		if (!before(&q->a[best], &last))
			break;
		q->a[i] = q->a[best];
		i = best;
	}
	q->a[i] = last;
	return 1;
}
