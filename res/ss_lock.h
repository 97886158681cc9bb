/* A mutual-exclusion lock with FIFO waiters, spinning or blocking. */
#ifndef SS_LOCK_H
#define SS_LOCK_H

#include "ss_cpu.h"

typedef enum ss_lock_kind {
	SS_LOCK_SPIN,  /* a waiter keeps its processor busy, spinning */
	SS_LOCK_BLOCK  /* a waiter gives its processor up and re-acquires it */
} ss_lock_kind;

typedef struct ss_lock ss_lock;

/* `pool` is the pool whose processors waiters hold (may be NULL for a
   lock between non-processor entities). The simulator owns the lock
   (ss_sim_free frees it). Sets *out and returns SS_OK; SS_EINVAL when out,
   sim or name is NULL, SS_ENOMEM when out of memory (*out is NULL on
   failure). */
int ss_lock_alloc(ss_lock **out, ss_sim *sim, const char *name, ss_lock_kind kind, ss_cpu_pool *pool);

/* Acquires (FIFO among waiters) and then calls k. */
void ss_lock_acquire(ss_lock *l, ss_thread *t, ss_handler k, void *ctx, uint64_t arg);
/* Releases; ownership passes straight to the first waiter. */
void ss_lock_release(ss_lock *l, ss_thread *t);

double ss_lock_utilisation(const ss_lock *l);     /* fraction of time held */
const ss_tally *ss_lock_hold(const ss_lock *l);   /* hold times, s */
const ss_tally *ss_lock_wait(const ss_lock *l);   /* wait times, s (all acquisitions) */
uint64_t ss_lock_contended(const ss_lock *l);     /* acquisitions that had to wait */
double ss_lock_mean_queue(const ss_lock *l);      /* time-average number of waiters */

#endif
