/* The simulator: clock, event pool, main loop, RNG streams, resources. */
#include "ss_grow.h"
#include "ss_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"
#include "ss_evq.h"
#include "ss_rng.h"

/* An event. The queue's header first: it breaks ties on seq and keeps
   the event's place, so a cancelled event leaves the queue at once. 40
   bytes (32 in the lazy build, which has no place). */
typedef struct ss_event {
	ss_evq_item h;      /* h.seq: insertion order; 0 once retired */
	ss_handler fn;      /* NULL once retired (or, lazy build, cancelled) */
	void *ctx;
	uint64_t arg;       /* reused as the free-list link when idle */
} ss_event;

/* Events come from 8 KB slabs: small studies stay small, and a slab's
   events share pages. */
#define SLAB_EVENTS 256

typedef struct slab {
	struct slab *next;
	size_t n;
	ss_event ev[];
} slab;

typedef struct stream {
	char *name;
	ss_rng *rng;
} stream;

typedef struct resource {
	char *name;
	void *res;
	const ss_resource_ops *ops;
} resource;

struct ss_sim {
	ss_time now;            /* current simulated time, ps */
	uint64_t next_seq;      /* next event sequence number (starts at 1) */
	uint64_t nrun;          /* events run */
#ifdef SS_EVQ_LAZY
	size_t ncancelled;      /* cancelled events still in the queue */
#endif
	int stop;               /* set by ss_sim_stop */
	uint64_t seed;          /* run seed */
	ss_evq q;               /* pending events */
	ss_event *free_ev;      /* free list of idle events */
	slab *slabs;            /* every slab, freed with the simulator */
#ifdef SS_ALLOC_DEBUG
	ss_event **retired;     /* debug: events are never reused */
	size_t nretired, capretired;
#endif
	stream *streams;        /* named RNG streams */
	size_t nstreams, capstreams;
	resource *res;          /* registered resources */
	size_t nres, capres;
	/* The model's concurrency limit, "" if unnamed; sized so that
	   "workload (...)" fits the bottleneck field. */
	char workload[SS_METRIC_NAME - sizeof "workload ()" + 1];
};

int ss_sim_alloc(ss_sim **out, uint64_t seed)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	ss_sim *sim = calloc(1, sizeof *sim);
	if (!sim)
		return SS_ENOMEM;
	int rc = ss_evq_init(&sim->q);
	if (rc != SS_OK) {
		free(sim);
		return rc;
	}
	sim->next_seq = 1;
	sim->seed = seed;
	*out = sim;
	return SS_OK;
}

void ss_sim_free(ss_sim *sim)
{
	if (!sim)
		return;
	ss_evq_fini(&sim->q);
	for (slab *s = sim->slabs, *n; s; s = n) {
		n = s->next;
		free(s);
	}
#ifdef SS_ALLOC_DEBUG
	/* Events still queued were never retired: free them too. */
	for (size_t i = 0; i < sim->nretired; i++)
		free(sim->retired[i]);
	free(sim->retired);
#endif
	for (size_t i = 0; i < sim->nstreams; i++) {
		free(sim->streams[i].name);
		ss_rng_free(sim->streams[i].rng);
	}
	free(sim->streams);
	for (size_t i = 0; i < sim->nres; i++) {
		sim->res[i].ops->destroy(sim->res[i].res);
		free(sim->res[i].name);
	}
	free(sim->res);
	free(sim);
}

ss_time ss_sim_now(const ss_sim *sim) { return sim->now; }
uint64_t ss_sim_seed(const ss_sim *sim) { return sim->seed; }
uint64_t ss_sim_events(const ss_sim *sim) { return sim->nrun; }
#ifdef SS_EVQ_LAZY
size_t ss_sim_pending(const ss_sim *sim) { return ss_evq_size(&sim->q) - sim->ncancelled; }
#else
size_t ss_sim_pending(const ss_sim *sim) { return ss_evq_size(&sim->q); }
#endif

#ifdef SS_ALLOC_DEBUG
/* Debug build: one allocation per event, kept until the simulator is freed,
   so ASan sees overruns and stale handles stay detectable. */
static ss_event *event_get(ss_sim *sim)
{
	if (ss_grow(&sim->retired, &sim->capretired, sim->nretired + 1, sizeof *sim->retired, 1024))
		ss_fatal(SS_LOC, "out of memory for events");
	ss_event *ev = malloc(sizeof *ev);
	if (!ev)
		ss_fatal(SS_LOC, "out of memory for events");
	sim->retired[sim->nretired++] = ev;
	return ev;
}
static void event_put(ss_sim *sim, ss_event *ev)
{
	(void)sim;
	ev->h.seq = 0;
	ev->fn = NULL;
}
#else
static ss_event *event_get(ss_sim *sim)
{
	if (!sim->free_ev) {
		size_t n = SLAB_EVENTS;
		slab *s = malloc(sizeof(slab) + n * sizeof(ss_event));
		if (!s)
			ss_fatal(SS_LOC, "out of memory for events");
		s->n = n;
		s->next = sim->slabs;
		sim->slabs = s;
		for (size_t i = 0; i < n; i++) {
			s->ev[i].h.seq = 0;
			s->ev[i].arg = (uint64_t)(uintptr_t)(i + 1 < n ? &s->ev[i + 1] : NULL);
		}
		sim->free_ev = &s->ev[0];
	}
	ss_event *ev = sim->free_ev;
	sim->free_ev = (ss_event *)(uintptr_t)ev->arg;
	return ev;
}
static void event_put(ss_sim *sim, ss_event *ev)
{
	ev->h.seq = 0; /* stale handles no longer match */
	ev->fn = NULL;
	ev->arg = (uint64_t)(uintptr_t)sim->free_ev;
	sim->free_ev = ev;
}
#endif

ss_timer ss_sim_at(ss_sim *sim, ss_time t, ss_handler fn, void *ctx, uint64_t arg)
{
	if (t < sim->now)
		ss_fatal(SS_LOC, "event scheduled in the past (%lld < %lld ps)",
			 (long long)t, (long long)sim->now);
	if (!fn)
		ss_fatal(SS_LOC, "event without a handler");
	ss_event *ev = event_get(sim);
	ev->h.seq = sim->next_seq++;
	ev->fn = fn;
	ev->ctx = ctx;
	ev->arg = arg;
	if (ss_evq_push(&sim->q, t, &ev->h) != SS_OK)
		ss_fatal(SS_LOC, "out of memory for the event queue");
	return (ss_timer){ev, ev->h.seq};
}

ss_timer ss_sim_after(ss_sim *sim, ss_time delay, ss_handler fn, void *ctx, uint64_t arg)
{
	if (delay < 0)
		ss_fatal(SS_LOC, "negative delay %lld ps", (long long)delay);
	return ss_sim_at(sim, ss_time_add(sim->now, delay), fn, ctx, arg);
}

int ss_sim_timer_pending(const ss_sim *sim, const ss_timer *t)
{
	(void)sim;
	const ss_event *ev = t->ev;
	return ev && t->seq != 0 && ev->h.seq == t->seq && ev->fn != NULL;
}

int ss_sim_cancel(ss_sim *sim, ss_timer *t)
{
	int pending = ss_sim_timer_pending(sim, t);
	if (pending) {
		ss_event *ev = t->ev;
#ifdef SS_EVQ_LAZY
		/* Lazy deletion: the event stays queued, inert, until popped. */
		ev->fn = NULL;
		sim->ncancelled++;
#else
		/* Out of the queue now: re-arming timers (retransmission, polling)
		   then costs no queue growth (bench/bench_kernel, re-arm hold). */
		ss_evq_remove(&sim->q, &ev->h);
		event_put(sim, ev);
#endif
	}
	*t = SS_TIMER_NONE;
	return pending;
}

/* Runs the next live event whose time is <= limit. In the lazy build
   cancelled events are discarded on the way, and the bound is checked
   at every pop: a cancelled event inside the bound must not let a live
   one beyond it run. */
static int step_until(ss_sim *sim, ss_time limit)
{
	ss_evq_entry e;
	while (!sim->stop) {
		if (ss_evq_pop_until(&sim->q, limit, &e) != SS_OK)
			ss_fatal(SS_LOC, "out of memory for the event queue");
		if (!e.item)
			return 0;
		ss_event *ev = (ss_event *)e.item;
		ss_handler fn = ev->fn;
#ifdef SS_EVQ_LAZY
		if (!fn) {
			sim->ncancelled--;
			event_put(sim, ev);
			continue;
		}
#endif
		void *ctx = ev->ctx;
		uint64_t arg = ev->arg;
		/* Retire before running, so the handler may reuse the slot. */
		event_put(sim, ev);
		sim->now = e.time;
		sim->nrun++;
		fn(sim, ctx, arg);
		return 1;
	}
	return 0;
}

int ss_sim_step(ss_sim *sim) { return step_until(sim, SS_TIME_MAX); }

void ss_sim_run_until(ss_sim *sim, ss_time t)
{
	sim->stop = 0;
	while (step_until(sim, t))
		;
	if (!sim->stop && t > sim->now)
		sim->now = t;
}

void ss_sim_run(ss_sim *sim)
{
	sim->stop = 0;
	while (ss_sim_step(sim))
		;
}

void ss_sim_stop(ss_sim *sim) { sim->stop = 1; }

ss_rng *ss_sim_rng(ss_sim *sim, const char *name)
{
	for (size_t i = 0; i < sim->nstreams; i++)
		if (strcmp(sim->streams[i].name, name) == 0)
			return sim->streams[i].rng;
	if (ss_grow(&sim->streams, &sim->capstreams, sim->nstreams + 1, sizeof *sim->streams, 8))
		return NULL;
	ss_rng *r = NULL;
	ss_rng_alloc(&r, sim->seed, name);
	char *copy = strdup(name);
	if (!r || !copy) {
		ss_rng_free(r);
		free(copy);
		return NULL;
	}
	sim->streams[sim->nstreams++] = (stream){copy, r};
	return r;
}

int ss_sim_add_resource(ss_sim *sim, const char *name, void *res, const ss_resource_ops *ops)
{
	if (ss_grow(&sim->res, &sim->capres, sim->nres + 1, sizeof *sim->res, 8))
		return SS_ENOMEM;
	char *copy = strdup(name);
	if (!copy)
		return SS_ENOMEM;
	sim->res[sim->nres++] = (resource){copy, res, ops};
	return SS_OK;
}

void ss_sim_reset_stats(ss_sim *sim)
{
	for (size_t i = 0; i < sim->nres; i++)
		sim->res[i].ops->reset(sim->res[i].res, sim->now);
}

/* The bottleneck is the resource with the highest utilisation if that is
   SS_SIM_SATURATED or more; below that nothing is saturated and the
   workload's own concurrency (or, in an open model, its arrival rate) is
   what holds throughput down. bottleneck_util is the busiest resource's
   utilisation either way: how far the point is from saturating one. */
void ss_sim_report(ss_sim *sim, ss_metrics *out)
{
	double best = -1.0;
	const char *busiest = NULL;
	for (size_t i = 0; i < sim->nres; i++) {
		resource *r = &sim->res[i];
		r->ops->report(r->res, sim->now, out);
		double u = r->ops->utilisation(r->res, sim->now);
		/* Ties go to the first registered resource: deterministic. */
		if (u > best + 1e-12) {
			best = u;
			busiest = r->name;
		}
	}
	out->bottleneck[0] = '\0';
	out->bottleneck_util = busiest ? best : 0.0;
	if (busiest && best >= SS_SIM_SATURATED)
		snprintf(out->bottleneck, sizeof out->bottleneck, "%s", busiest);
	else if (sim->workload[0])
		snprintf(out->bottleneck, sizeof out->bottleneck, "workload (%s)", sim->workload);
	else if (busiest)
		snprintf(out->bottleneck, sizeof out->bottleneck, "workload");
}

int ss_sim_set_workload_limit(ss_sim *sim, const char *what)
{
	if (!what || strlen(what) >= sizeof sim->workload)
		return SS_EINVAL;
	snprintf(sim->workload, sizeof sim->workload, "%s", what);
	return SS_OK;
}
