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

#endif
