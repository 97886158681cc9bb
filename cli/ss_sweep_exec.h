/* The sweep's work as the drivers that spread it see it: the local
   thread pool (sweep.c) and the MPI ranks (mpi_sweep.c). A driver takes
   work items, computes them wherever it likes (each is a pure function
   of the scenario, the point and the replication, so where and when it
   runs does not change the numbers) and hands every result back to be
   stored. Taking, storing and finishing items touch the database and
   the schedule: the driver serialises them (a lock, or one rank);
   computing may run concurrently. */
#ifndef SS_SWEEP_EXEC_H
#define SS_SWEEP_EXEC_H

#include <stddef.h>

#include "ss_metrics.h"
#include "ss_model.h"

typedef struct ss_sweep ss_sweep;

/* Replication `rep` (>= 0) of a point, or with SS_SWEEP_BATCHES the
   point's one batch-means run, which yields every batch. */
#define SS_SWEEP_BATCHES (-1)
typedef struct ss_sweep_item {
	size_t point;
	int rep;
} ss_sweep_item;

enum {
	SS_SWEEP_ITEM, /* *it is the next item */
	SS_SWEEP_WAIT, /* none now: items in progress may lead to more (precision mode) */
	SS_SWEEP_END   /* nothing left, or the sweep stopped (error, interrupt) */
};

/* The next item to compute. Serialised. */
int ss_sweep_next(ss_sweep *sw, ss_sweep_item *it);

/* Items not handed out yet (in precision mode, those of points not
   started: more may follow). Serialised. */
size_t ss_sweep_left(const ss_sweep *sw);

/* A result of item `it`: replication or batch `rep` with its metrics,
   the wall clock when its computation started and ended. */
typedef int (*ss_sweep_emit)(void *ud, const ss_sweep_item *it, int rep, const ss_metrics *m,
			     const ss_run_info *info, double t0, double t1);

/* Computes an item, calling emit for each result (once, or once per
   batch); stops at emit's first non-zero return and returns it. Safe to
   call concurrently; touches no database. Returns an ss_status (err
   says why on failure). */
int ss_sweep_compute(const ss_sweep *sw, const ss_sweep_item *it, ss_sweep_emit emit, void *ud,
		     char *err, size_t errlen);

/* Stores one result of an item. Serialised. Returns an ss_status; a
   failure also stops the sweep. */
int ss_sweep_store(ss_sweep *sw, const ss_sweep_item *it, int rep, const ss_metrics *m,
		   const ss_run_info *info, double t0, double t1);

/* The item is finished: rc is its computation's status (err its
   message), SS_OK when every result was handed to ss_sweep_store.
   Serialised. */
void ss_sweep_finish(ss_sweep *sw, const ss_sweep_item *it, int rc, const char *err);

/* The scenario's effective settings as text (the same on every rank
   that loaded the same scenario). */
const char *ss_sweep_config(const ss_sweep *sw);

/* Stops the sweep with an error (rc, msg) unless it failed already.
   Serialised. */
void ss_sweep_abort(ss_sweep *sw, int rc, const char *msg);

/* Wall clock, seconds (the times stored with each run). */
double ss_sweep_wall(void);

#endif
