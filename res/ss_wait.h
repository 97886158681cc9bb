/* Threads that block: on a semaphore, on a wait queue (a condition its
   owner signals: "data arrived", "space in the buffer"), or for a time.
   A blocked thread that held a processor gives it up and, when woken,
   queues for one again (with its affinity) before its continuation
   runs; a thread that held none (an agent driven by events alone) has
   its continuation scheduled at once. Waiters are woken in FIFO order.
   Objects are caller-owned: _init, no _fini needed (nothing allocated). */
#ifndef SS_WAIT_H
#define SS_WAIT_H

#include <stddef.h>
#include <stdint.h>

#include "ss_cpu.h"

typedef struct ss_waitq {
	ss_sim *sim;
	ss_thread *head, *tail;
	size_t n;
} ss_waitq;

void ss_waitq_init(ss_waitq *q, ss_sim *sim);
/* Blocks t until a wake; then k(ctx, arg). */
void ss_waitq_wait(ss_waitq *q, ss_thread *t, ss_handler k, void *ctx, uint64_t arg);
/* Wakes the longest waiter (returns 1) or nobody (0). */
int ss_waitq_wake_one(ss_waitq *q);
/* Wakes every waiter; returns how many. */
size_t ss_waitq_wake_all(ss_waitq *q);
static inline size_t ss_waitq_len(const ss_waitq *q) { return q->n; }

/* Counting semaphore. */
typedef struct ss_sem {
	ss_waitq q;
	long count;
} ss_sem;

void ss_sem_init(ss_sem *s, ss_sim *sim, long count);
/* count > 0: takes one and continues (keeping the processor) through a
   zero-delay event; otherwise blocks until a post hands it one. */
void ss_sem_wait(ss_sem *s, ss_thread *t, ss_handler k, void *ctx, uint64_t arg);
void ss_sem_post(ss_sem *s);

/* Blocks t for d (>= 0), then k. */
void ss_wait_sleep(ss_sim *sim, ss_thread *t, ss_time d, ss_handler k, void *ctx, uint64_t arg);

/* Waiting for whichever comes first of several wait queues, semaphores
   and a timeout (a reader woken by data or by its timer, a sender by
   room or an ACK timeout). The sources are added once, in order; each
   wait's continuation gets the index of the source that woke it (the
   order of adding, from 0) or SS_WAIT_TIMEOUT. In each queue a proxy
   stands for the waiter, in FIFO order with the others; when one source
   fires, the proxies leave the other queues at once and the timer is
   cancelled, so no other wake-up and no semaphore count is lost to it.
   A semaphore with a count when the wait starts is taken at once (the
   first such, in order). Caller-owned: _init, _fini. */
#define SS_WAIT_TIMEOUT UINT64_MAX

typedef struct ss_waitany_src {
	ss_thread proxy;         /* queued in q for the waiter */
	ss_waitq *q;
	ss_sem *sem;             /* the semaphore q belongs to, or NULL */
	struct ss_waitany *any;
	size_t index;
} ss_waitany_src;

typedef struct ss_waitany {
	ss_sim *sim;
	ss_thread *t;            /* the waiter, NULL when not waiting */
	ss_waitany_src **src;    /* the sources, in order (stable addresses) */
	size_t n, cap;
	ss_timer timer;
} ss_waitany;

void ss_waitany_init(ss_waitany *w, ss_sim *sim);
void ss_waitany_fini(ss_waitany *w); /* not while waiting */
/* Adds a source (not while waiting): SS_OK or SS_ENOMEM. */
int ss_waitany_add_queue(ss_waitany *w, ss_waitq *q);
int ss_waitany_add_sem(ss_waitany *w, ss_sem *s);
/* Blocks t until a source fires or timeout passes (timeout < 0: none),
   then k(ctx, index or SS_WAIT_TIMEOUT). */
void ss_waitany_wait(ss_waitany *w, ss_thread *t, ss_time timeout, ss_handler k, void *ctx);

#endif
