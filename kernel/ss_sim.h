/* The simulator: clock, pending events, RNG streams and the registry of
   resources. All run state hangs off one ss_sim, so several simulations can
   run in one process (parallel sweeps use one per thread). */
#ifndef SS_SIM_H
#define SS_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "ss_metrics.h"
#include "ss_time.h"

typedef struct ss_sim ss_sim;
typedef struct ss_rng ss_rng;

/* An event handler: `ctx` is the owner's state, `arg` a small payload. */
typedef void (*ss_handler)(ss_sim *sim, void *ctx, uint64_t arg);

/* Handle of a scheduled event, for cancellation. Value type; a handle
   whose event has fired or was cancelled is simply stale (detected by its
   sequence number), so cancelling it is a harmless no-op. */
typedef struct ss_timer {
	void *ev;      /* the event, or NULL */
	uint64_t seq;  /* its sequence number when scheduled */
} ss_timer;

#define SS_TIMER_NONE ((ss_timer){NULL, 0})

/* Creates a simulator at time 0 whose RNG streams derive from `seed`.
   Sets *out and returns SS_OK; SS_ENOMEM when out of memory, SS_EINVAL
   when out is NULL (*out is NULL on failure). */
int ss_sim_alloc(ss_sim **out, uint64_t seed);
void ss_sim_free(ss_sim *sim); /* NULL is a no-op */

ss_time ss_sim_now(const ss_sim *sim);
uint64_t ss_sim_seed(const ss_sim *sim);

/* Schedules fn(sim, ctx, arg) at absolute time t. Scheduling into the past
   is a broken invariant (fatal). Events at equal times fire in the order
   they were scheduled. */
ss_timer ss_sim_at(ss_sim *sim, ss_time t, ss_handler fn, void *ctx, uint64_t arg);
/* Same, at now + delay (delay >= 0). */
ss_timer ss_sim_after(ss_sim *sim, ss_time delay, ss_handler fn, void *ctx, uint64_t arg);
/* Cancels a pending event; returns 1 if it was pending, 0 otherwise.
   Clears *t either way. */
int ss_sim_cancel(ss_sim *sim, ss_timer *t);
/* 1 while the event behind t is still pending. */
int ss_sim_timer_pending(const ss_sim *sim, const ss_timer *t);

/* Runs the next event; returns 0 when none is left (or stop was asked). */
int ss_sim_step(ss_sim *sim);
/* Runs every event with time <= t, then advances the clock to t. */
void ss_sim_run_until(ss_sim *sim, ss_time t);
/* Runs until no event is left or ss_sim_stop is called. */
void ss_sim_run(ss_sim *sim);
/* Asks the running loop to return after the current event. */
void ss_sim_stop(ss_sim *sim);

size_t ss_sim_pending(const ss_sim *sim);  /* live pending events */
uint64_t ss_sim_events(const ss_sim *sim); /* events run so far */

/* The RNG stream named `name` (created on first use). Its seed derives from
   the run seed and the name only, so adding a component leaves the other
   streams' draws unchanged. Returns NULL when out of memory. */
ss_rng *ss_sim_rng(ss_sim *sim, const char *name);

/* Resources register here so a run can reset their statistics after the
   warm-up and report every utilisation, naming the bottleneck. */
typedef struct ss_resource_ops {
	void (*reset)(void *res, ss_time now);                       /* start a new window */
	void (*report)(void *res, ss_time now, ss_metrics *out);     /* add metrics */
	/* Fraction of capacity in useful service: a lock's held time, a bus's
	   bandwidth used, processors doing work (not waiting for a lock or a
	   bus, whose own utilisation carries that wait). */
	double (*utilisation)(void *res, ss_time now);
	void (*destroy)(void *res);                                  /* frees it */
} ss_resource_ops;

/* The simulator owns registered resources and destroys them when it is
   freed. Returns 0 or SS_ENOMEM. `name` is copied. */
int ss_sim_add_resource(ss_sim *sim, const char *name, void *res, const ss_resource_ops *ops);
void ss_sim_reset_stats(ss_sim *sim);
/* A resource this busy or more is saturated. By the utilisation law
   (X = U / D) a resource at utilisation U allows at most 1/U times the
   throughput, whatever the load: at 0.9, 11% more. Within that it, not the
   workload, sets the level; a convention, like any such cut-off. */
#define SS_SIM_SATURATED 0.9

/* Names the model's own limit on concurrency, for reports when no
   resource is saturated: "12 connections", "4 threads". The kernel knows
   nothing of protocols; the model says what bounds its parallelism.
   `what` is copied; SS_EINVAL when NULL or longer than 52 bytes. */
int ss_sim_set_workload_limit(ss_sim *sim, const char *what);

/* Reports every resource and names the bottleneck: the busiest resource
   if its utilisation is SS_SIM_SATURATED or more, otherwise the workload
   ("workload (WHAT)" as set above, plain "workload" if the model named
   none). out->bottleneck_util is the busiest resource's utilisation. */
void ss_sim_report(ss_sim *sim, ss_metrics *out);

#endif
