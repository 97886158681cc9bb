/* Packet pool and FIFO. Each packet sits in a small wrapper that records
   its pool and whether it is live, so a double put is caught; the pool
   keeps every wrapper it made in a growable array and frees them all. */
#include "ss_packet.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"
#include "ss_grow.h"

typedef struct pkt_box {
	ss_packet pkt;          /* first member: a packet pointer is its box's */
	ss_pktpool *owner;
	int live;
} pkt_box;

struct ss_pktpool {
	size_t data_cap;
	pkt_box **all;          /* every box made, for ss_pktpool_free */
	size_t nall, capall;
	pkt_box **free;         /* free list (a stack: the most recently put is reused first) */
	size_t nfree, capfree;
	size_t live;
	uint64_t created;
};

int ss_pktpool_alloc(ss_pktpool **out, size_t data_cap)
{
	*out = NULL;
	ss_pktpool *p = calloc(1, sizeof *p);
	if (!p)
		return SS_ENOMEM;
	p->data_cap = data_cap;
	*out = p;
	return SS_OK;
}

void ss_pktpool_free(ss_pktpool *pool)
{
	if (!pool)
		return;
	for (size_t i = 0; i < pool->nall; i++) {
		free(pool->all[i]->pkt.data);
		free(pool->all[i]);
	}
	free(pool->all);
	free(pool->free);
	free(pool);
}

static void clear(ss_packet *p)
{
	unsigned char *data = p->data;
	size_t cap = p->cap;
	memset(p, 0, sizeof *p);
	p->data = data;
	p->cap = cap;
}

ss_packet *ss_pktpool_get(ss_pktpool *pool)
{
	pkt_box *b;
	if (pool->nfree) {
		b = pool->free[--pool->nfree];
	} else {
		/* Room in both arrays first, so a box is never made and lost. */
		if (ss_grow(&pool->all, &pool->capall, pool->nall + 1, sizeof *pool->all, 64) != SS_OK ||
		    ss_grow(&pool->free, &pool->capfree, pool->nall + 1, sizeof *pool->free, 64) != SS_OK)
			return NULL;
		if (!(b = calloc(1, sizeof *b)))
			return NULL;
		if (pool->data_cap && !(b->pkt.data = malloc(pool->data_cap))) {
			free(b);
			return NULL;
		}
		b->pkt.cap = pool->data_cap;
		b->owner = pool;
		pool->all[pool->nall++] = b;
	}
	clear(&b->pkt);
	b->live = 1;
	b->pkt.id = ++pool->created;
	pool->live++;
	return &b->pkt;
}

void ss_pktpool_put(ss_pktpool *pool, ss_packet *p)
{
	if (!p)
		return;
	pkt_box *b = (pkt_box *)p;
	if (b->owner != pool)
		ss_fatal(SS_LOC, "packet %llu returned to a pool that did not make it", (unsigned long long)p->id);
	if (!b->live)
		ss_fatal(SS_LOC, "packet %llu returned to its pool twice", (unsigned long long)p->id);
	b->live = 0;
	p->next = NULL;
	pool->live--;
	/* capfree >= nall always holds (grown with all), so this never fails. */
	pool->free[pool->nfree++] = b;
}

void ss_pktpool_put_list(ss_pktpool *pool, ss_packet *list)
{
	while (list) {
		ss_packet *next = list->next;
		ss_pktpool_put(pool, list);
		list = next;
	}
}

int ss_pktpool_reserve(ss_pktpool *pool, ss_packet *p, size_t n)
{
	(void)pool;
	if (n <= p->cap)
		return SS_OK;
	unsigned char *d = realloc(p->data, n);
	if (!d)
		return SS_ENOMEM;
	p->data = d;
	p->cap = n;
	return SS_OK;
}

size_t ss_pktpool_live(const ss_pktpool *pool) { return pool->live; }
uint64_t ss_pktpool_created(const ss_pktpool *pool) { return pool->created; }

void ss_pktq_init(ss_pktq *q)
{
	q->head = q->tail = NULL;
	q->n = 0;
	q->bytes = 0;
}

void ss_pktq_push(ss_pktq *q, ss_packet *p)
{
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->n++;
	q->bytes += p->len;
}

ss_packet *ss_pktq_pop(ss_pktq *q)
{
	ss_packet *p = q->head;
	if (!p)
		return NULL;
	q->head = p->next;
	if (!q->head)
		q->tail = NULL;
	p->next = NULL;
	q->n--;
	q->bytes -= p->len;
	return p;
}

ss_packet *ss_pktq_take_all(ss_pktq *q)
{
	ss_packet *l = q->head;
	ss_pktq_init(q);
	return l;
}
