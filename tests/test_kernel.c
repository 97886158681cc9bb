/* Event kernel: ordering, FIFO ties, cancellation, stepping, determinism,
   RNG streams and distributions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "ss_err.h"
#include "ss_evq.h"
#include "ss_grow.h"
#include "ss_rng.h"
#include "ss_sim.h"
#include "ss_test.h"

typedef struct rec {
	ss_time t[4096];
	uint64_t arg[4096];
	int n;
} rec;

static void record(ss_sim *sim, void *ctx, uint64_t arg)
{
	rec *r = ctx;
	if (r->n < 4096) {
		r->t[r->n] = ss_sim_now(sim);
		r->arg[r->n] = arg;
	}
	r->n++;
}

/* Pops the minimum if it is due by `limit`; 1 if one was popped. */
static int pop(ss_evq *q, ss_time limit, ss_evq_entry *e)
{
	return ss_evq_pop_until(q, limit, e) == SS_OK && e->item;
}

static int before(ss_time t, const ss_evq_item *a, ss_time u, const ss_evq_item *b)
{
	return t < u || (t == u && a->seq < b->seq);
}

/* Pops every entry of q, checking (time, seq) order; returns the count or
   -1 on an order violation. */
static int drain_in_order(ss_evq *q)
{
	ss_evq_entry e, prev = {-1, NULL};
	int ok = 1, n = 0;
	while (pop(q, SS_TIME_MAX, &e)) {
		if (prev.item && before(e.time, e.item, prev.time, prev.item))
			ok = 0;
		prev = e;
		n++;
	}
	return ok ? n : -1;
}

#define NITEMS 20000

/* The live item that pops first, by a scan; NITEMS if none. */
static size_t min_live(const ss_evq_item *items, const ss_time *when, const unsigned char *gone)
{
	size_t best = NITEMS;
	for (size_t i = 0; i < NITEMS; i++)
		if (!gone[i] && (best == NITEMS || before(when[i], &items[i], when[best], &items[best])))
			best = i;
	return best;
}

static void test_evq_order(void)
{
	ss_evq q;
	ss_evq_init(&q);
	static ss_evq_item items[NITEMS];
	ss_rng *r = NULL;
	SS_MUST(ss_rng_alloc(&r, 42, "evq"));
	for (int i = 0; i < NITEMS; i++) {
		items[i].seq = (uint64_t)i + 1;
		ss_evq_push(&q, (ss_time)ss_rng_uniform_int(r, 500), &items[i]);
	}
	SS_CHECK(ss_evq_check(&q), "20000 pushes keep the queue's invariants");
	SS_CHECK_INT(drain_in_order(&q), NITEMS, "queue pops 20000 entries in (time, seq) order with many ties");
	ss_evq_fini(&q);

	/* Removal: every item knows its place, whichever entries moved. Remove
	   a random half (the last pushed, and every 1000th step the minimum),
	   popping now and then so that entries are re-filed and some wait in
	   the bucket of ties; the rest must still pop in order, none of the
	   removed ones. */
	ss_evq_init(&q);
	static ss_time when[NITEMS];
	static unsigned char gone[NITEMS];
	for (int i = 0; i < NITEMS; i++) {
		when[i] = (ss_time)ss_rng_uniform_int(r, 5000);
		ss_evq_push(&q, when[i], &items[i]);
	}
	int removed = 0, pops_ok = 1;
	for (int i = 0; i < NITEMS; i++) {
		if (i % 500 == 250) {
			size_t m = min_live(items, when, gone);
			ss_evq_entry e;
			pops_ok &= pop(&q, SS_TIME_MAX, &e) && e.item == &items[m] && e.time == when[m];
			gone[m] = 1;
			removed++;
		}
		if (gone[i])
			continue; /* popped or removed earlier as the minimum */
		if (ss_rng_uniform(r) < 0.5 || i == NITEMS - 1) {
			ss_evq_remove(&q, &items[i]);
			gone[i] = 1;
			removed++;
		}
		if (i % 1000 == 0) {
			size_t m = min_live(items, when, gone);
			ss_evq_remove(&q, &items[m]);
			gone[m] = 1;
			removed++;
		}
	}
	SS_CHECK(pops_ok, "pops between removals return the minimum of what is left");
	SS_CHECK(ss_evq_check(&q), "every queued item's place names its slot after removals");
	SS_CHECK_INT(ss_evq_size(&q), NITEMS - removed, "removal shrinks the queue by one each");
	ss_evq_entry e;
	int ok = 1, n = 0;
	ss_evq_entry prev = {-1, NULL};
	while (pop(&q, SS_TIME_MAX, &e)) {
		size_t i = (size_t)(e.item - items);
		ok &= !gone[i] && e.time == when[i];
		if (prev.item && before(e.time, e.item, prev.time, prev.item))
			ok = 0;
		prev = e;
		n++;
	}
	SS_CHECK(ok && n == NITEMS - removed, "after %d removals the other %d pop in order, none removed (%d popped)",
		 removed, NITEMS - removed, n);
	ss_rng_free(r);
	ss_evq_fini(&q);
}

/* Edge cases, in the small heap and (small = 0) in radix buckets from
   the first entry: ties at the last popped time, the bound of pop_until,
   far-future and near-SS_TIME_MAX times, jumps of the clock, removal of
   the minimum. */
static void test_evq_edges(size_t small)
{
	const char *how = small ? "heap" : "radix";
	ss_evq q;
	ss_evq_init(&q);
	ss_evq_set_small(&q, small);
	static ss_evq_item it[1000];
	ss_evq_entry e;
	for (int i = 0; i < 1000; i++)
		it[i].seq = (uint64_t)i + 1;

	/* 600 entries at one time; after the first pop the rest wait in the
	   bucket of ties, where new pushes at that time join behind them. */
	for (int i = 0; i < 600; i++)
		ss_evq_push(&q, 7, &it[i]);
	int ok = pop(&q, SS_TIME_MAX, &e) && e.item == &it[0] && e.time == 7;
	for (int i = 600; i < 700; i++)
		ok &= ss_evq_push(&q, 7, &it[i]) == SS_OK;
	ss_evq_remove(&q, &it[1]);   /* the minimum, among the ties */
	ss_evq_remove(&q, &it[300]); /* one in the middle */
	ss_evq_remove(&q, &it[699]); /* the newest */
	ok &= ss_evq_check(&q);
	for (int i = 2; i < 699 && ok; i++)
		if (i != 300)
			ok &= pop(&q, SS_TIME_MAX, &e) && e.item == &it[i] && e.time == 7;
	SS_CHECK(ok && ss_evq_size(&q) == 0, "%s: equal times pop in push order, also after removals among them", how);

	/* pop_until leaves a minimum beyond its bound in place and the origin
	   where it was: an earlier time can still be pushed (run_until). */
	for (int i = 0; i < 10; i++)
		ss_evq_push(&q, 1000 + i, &it[i]);
	ok = ss_evq_pop_until(&q, 999, &e) == SS_OK && !e.item && ss_evq_size(&q) == 10;
	ok &= ss_evq_peek_time(&q) == 1000;
	ok &= ss_evq_push(&q, 500, &it[10]) == SS_OK;
	ok &= pop(&q, 999, &e) && e.item == &it[10] && e.time == 500 && !pop(&q, 999, &e);
	SS_CHECK(ok, "%s: pop_until stops before a minimum beyond its bound and leaves earlier pushes possible", how);
	SS_CHECK_INT(ss_evq_push(&q, 499, &it[11]), SS_EINVAL, "%s: a push before the last popped time is refused", how);

	/* Removing the minimum, from a bucket of several and, once re-filed,
	   alone in its bucket. */
	ss_evq_remove(&q, &it[0]); /* 1000, minimum */
	ok = ss_evq_peek_time(&q) == 1001 && pop(&q, SS_TIME_MAX, &e) && e.item == &it[1];
	ss_evq_remove(&q, &it[2]); /* 1002, minimum after the re-filing */
	ok &= pop(&q, SS_TIME_MAX, &e) && e.item == &it[3] && ss_evq_check(&q);
	SS_CHECK(ok, "%s: removing the minimum leaves the next one first", how);
	while (pop(&q, SS_TIME_MAX, &e))
		;

	/* Huge times and jumps: the top digits, SS_TIME_MAX itself, a jump
	   of 2^62 and pushes close to the new origin. */
	ss_time far[] = {SS_TIME_MAX, SS_TIME_MAX - 1, INT64_C(1) << 62, (INT64_C(1) << 62) + 1, 2000, 2001};
	for (int i = 0; i < 6; i++)
		ss_evq_push(&q, far[i], &it[20 + i]);
	ok = pop(&q, SS_TIME_MAX, &e) && e.time == 2000;
	ok &= pop(&q, SS_TIME_MAX, &e) && e.time == 2001;
	ok &= pop(&q, SS_TIME_MAX, &e) && e.time == INT64_C(1) << 62;
	ok &= ss_evq_push(&q, INT64_C(1) << 62, &it[30]) == SS_OK;          /* a tie with the origin */
	ok &= ss_evq_push(&q, (INT64_C(1) << 62) + 1, &it[31]) == SS_OK;    /* ties with a queued one */
	ok &= ss_evq_push(&q, SS_TIME_MAX - 2, &it[32]) == SS_OK;
	ok &= ss_evq_check(&q);
	ss_evq_item *order[] = {&it[30], &it[23], &it[31], &it[32], &it[21], &it[20]};
	for (int i = 0; i < 6; i++)
		ok &= pop(&q, SS_TIME_MAX, &e) && e.item == order[i];
	ok &= e.time == SS_TIME_MAX && ss_evq_size(&q) == 0 && ss_evq_peek_time(&q) == SS_TIME_MAX;
	SS_CHECK(ok, "%s: times up to SS_TIME_MAX and jumps of 2^62 pop in (time, seq) order", how);
	ss_evq_fini(&q);
}

/* Random mix of pushes at every distance (0, small, up to 2^50 ps ahead),
   removals and pops, against a brute-force minimum. Phases of mostly
   pushes and mostly pops swing the size across the threshold (256), so
   the queue moves between heap and radix buckets with entries in every
   state. */
static void test_evq_mix(void)
{
	ss_evq q;
	ss_evq_init(&q);
	ss_evq_set_small(&q, 256);
	static ss_evq_item it[1000];
	ss_evq_entry e;
	int ok = 1, switches = 0, large = 0;
	ss_rng *r = NULL;
	SS_MUST(ss_rng_alloc(&r, 9, "evq-mix"));
	static ss_time t_of[1000];
	static unsigned char in[1000];
	uint64_t seq = 0;
	ss_time last = 0;
	for (int step = 0; step < 200000 && ok; step++) {
		size_t i = (size_t)ss_rng_uniform_int(r, 1000);
		double u = ss_rng_uniform(r), grow = step / 5000 % 2 ? 0.25 : 0.6;
		if (u < grow && !in[i]) {
			int bits = (int)ss_rng_uniform_int(r, 51);
			ss_time d = bits == 0 ? 0 : (ss_time)ss_rng_uniform_int(r, (uint64_t)1 << bits);
			it[i].seq = ++seq;
			t_of[i] = last + d;
			in[i] = 1;
			ok &= ss_evq_push(&q, t_of[i], &it[i]) == SS_OK;
		} else if (u < grow + 0.1 && in[i]) {
			ss_evq_remove(&q, &it[i]);
			in[i] = 0;
		} else if (u >= grow + 0.1) {
			size_t m = 1000;
			for (size_t j = 0; j < 1000; j++)
				if (in[j] && (m == 1000 || before(t_of[j], &it[j], t_of[m], &it[m])))
					m = j;
			int got = pop(&q, SS_TIME_MAX, &e);
			ok &= m == 1000 ? !got : got && e.item == &it[m] && e.time == t_of[m];
			if (got) {
				in[m] = 0;
				last = e.time;
			}
		}
		if (q.large != large) {
			switches++;
			large = q.large;
			ok &= ss_evq_check(&q);
		}
		if (step % 10000 == 0)
			ok &= ss_evq_check(&q);
	}
	SS_CHECK(ok, "200000 random pushes, removals and pops match a brute-force (time, seq) minimum (clock at %lld ps)",
		 (long long)last);
	SS_CHECK(switches >= 10, "the mix moved between heap and radix buckets %d times", switches);
	ss_rng_free(r);
	ss_evq_fini(&q);
}

static void test_ordering(void)
{
	ss_sim *sim = NULL;
	SS_MUST(ss_sim_alloc(&sim, 1));
	rec *r = calloc(1, sizeof *r);
	ss_sim_at(sim, 300, record, r, 3);
	ss_sim_at(sim, 100, record, r, 1);
	ss_sim_at(sim, 200, record, r, 2);
	ss_sim_run(sim);
	SS_CHECK(r->n == 3 && r->arg[0] == 1 && r->arg[1] == 2 && r->arg[2] == 3,
		 "events fire in time order");
	SS_CHECK_INT(ss_sim_now(sim), 300, "clock stands at the last event");
	ss_sim_free(sim);

	/* Equal times: FIFO by scheduling order, both ways round. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	memset(r, 0, sizeof *r);
	for (uint64_t i = 0; i < 100; i++)
		ss_sim_at(sim, 50, record, r, i);
	for (uint64_t i = 100; i < 200; i++)
		ss_sim_at(sim, 10, record, r, i);
	ss_sim_run(sim);
	int fifo = r->n == 200;
	for (int i = 0; i < 100 && fifo; i++)
		fifo = r->arg[i] == (uint64_t)(100 + i) && r->arg[100 + i] == (uint64_t)i;
	SS_CHECK(fifo, "equal-time events fire in the order they were scheduled");
	ss_sim_free(sim);
	free(r);
}

static void self_schedule(ss_sim *sim, void *ctx, uint64_t arg)
{
	rec *r = ctx;
	record(sim, ctx, arg);
	if (arg > 0)
		ss_sim_after(sim, 0, self_schedule, r, arg - 1);
}

static void test_zero_delay_and_step(void)
{
	ss_sim *sim = NULL;
	SS_MUST(ss_sim_alloc(&sim, 1));
	rec *r = calloc(1, sizeof *r);
	ss_sim_at(sim, 5, self_schedule, r, 3);
	ss_sim_at(sim, 5, record, r, 99);
	SS_CHECK_INT(ss_sim_pending(sim), 2, "two events pending");
	SS_CHECK(ss_sim_step(sim) == 1 && r->n == 1 && r->arg[0] == 3, "step runs exactly one event");
	ss_sim_run(sim);
	/* The zero-delay chain queues behind the event already at t=5. */
	SS_CHECK(r->n == 5 && r->arg[1] == 99 && r->arg[2] == 2 && r->arg[4] == 0,
		 "zero-delay events queue behind earlier events at the same time");
	SS_CHECK_INT(ss_sim_step(sim), 0, "step on an empty queue returns 0");
	ss_sim_free(sim);
	free(r);
}

static void test_cancel(void)
{
	ss_sim *sim = NULL;
	SS_MUST(ss_sim_alloc(&sim, 1));
	rec *r = calloc(1, sizeof *r);
	ss_timer a = ss_sim_at(sim, 10, record, r, 1);
	ss_timer b = ss_sim_at(sim, 20, record, r, 2);
	ss_timer c = ss_sim_at(sim, 30, record, r, 3);
	SS_CHECK(ss_sim_timer_pending(sim, &b), "timer is pending after scheduling");
	SS_CHECK_INT(ss_sim_cancel(sim, &b), 1, "cancel of a pending timer returns 1");
	SS_CHECK_INT(ss_sim_pending(sim), 2, "cancelled event no longer counts as pending");
	SS_CHECK_INT(ss_sim_cancel(sim, &b), 0, "second cancel is a no-op");
	ss_sim_run_until(sim, 15);
	SS_CHECK(r->n == 1 && ss_sim_now(sim) == 15, "run_until stops at its time and advances the clock");
	SS_CHECK_INT(ss_sim_cancel(sim, &a), 0, "cancel after the event fired is a no-op");
	/* The slot of a fired event is reused; an old handle must not cancel
	   the new event. */
	ss_timer stale = {a.ev, a.seq};
	ss_sim_at(sim, 40, record, r, 4);
	SS_CHECK_INT(ss_sim_cancel(sim, &stale), 0, "a stale handle cannot cancel a newer event");
	ss_sim_run(sim);
	SS_CHECK(r->n == 3 && r->arg[1] == 3 && r->arg[2] == 4, "cancelled event never fires, others do");
	(void)c;
	ss_sim_free(sim);
	free(r);
}

/* A cancelled event inside the bound must not let a live event beyond it
   run: run_until(50) with a cancelled event at 10 and a live one at 100
   leaves the clock at 50 and the event pending. */
static void test_run_until_cancelled(void)
{
	ss_sim *sim = NULL;
	SS_MUST(ss_sim_alloc(&sim, 1));
	rec *r = calloc(1, sizeof *r);
	ss_timer a = ss_sim_at(sim, 10, record, r, 1);
	ss_sim_at(sim, 100, record, r, 2);
	ss_sim_cancel(sim, &a);
	ss_sim_run_until(sim, 50);
	SS_CHECK(r->n == 0, "run_until(50) runs no event beyond 50 after a cancelled one (ran %d)", r->n);
	SS_CHECK_INT(ss_sim_now(sim), 50, "run_until(50) leaves the clock at 50");
	SS_CHECK_INT(ss_sim_pending(sim), 1, "the event at 100 is still pending");
	/* Many cancelled events at and before the bound, one live beyond it. */
	for (int i = 0; i < 100; i++) {
		ss_timer t = ss_sim_at(sim, 60 + i % 11, record, r, 3);
		ss_sim_cancel(sim, &t);
	}
	ss_sim_run_until(sim, 70);
	SS_CHECK(r->n == 0 && ss_sim_now(sim) == 70, "a run of cancelled events up to the bound is skipped, the clock stops at 70");
	ss_sim_run_until(sim, 100);
	SS_CHECK(r->n == 1 && ss_sim_now(sim) == 100, "the event at 100 fires at run_until(100)");
	/* run_until stops short of the next event without moving the queue's
	   origin to it: an event scheduled after that, before it, fires first. */
	ss_sim_at(sim, 300, record, r, 5);
	ss_sim_run_until(sim, 200);
	ss_sim_at(sim, 250, record, r, 4);
	ss_sim_run(sim);
	SS_CHECK(r->n == 3 && r->arg[1] == 4 && r->arg[2] == 5 && r->t[1] == 250,
		 "an event scheduled after run_until, before the next pending one, fires first");
	ss_sim_free(sim);
	free(r);
}

/* A tiny closed model: k tokens hop with exponential delays. Its trace
   must be identical for the same seed and differ for another seed. */
typedef struct hop {
	ss_rng *rng;
	uint64_t hash;
} hop;

static void hop_ev(ss_sim *sim, void *ctx, uint64_t arg)
{
	hop *h = ctx;
	h->hash = ss_rng_mix(h->hash ^ (uint64_t)ss_sim_now(sim) ^ (arg << 48));
	ss_sim_after(sim, ss_time_from_s(ss_rng_exponential(h->rng, 1e-6)), hop_ev, h, arg);
}

static uint64_t trace_hash(uint64_t seed)
{
	ss_sim *sim = NULL;
	SS_MUST(ss_sim_alloc(&sim, seed));
	hop h = {ss_sim_rng(sim, "hop"), 0};
	for (uint64_t k = 0; k < 50; k++)
		ss_sim_after(sim, 0, hop_ev, &h, k);
	ss_sim_run_until(sim, ss_time_from_s(0.01));
	uint64_t r = h.hash ^ ss_sim_events(sim);
	ss_sim_free(sim);
	return r;
}

static void test_determinism(void)
{
	uint64_t a = trace_hash(7), b = trace_hash(7), c = trace_hash(8);
	SS_CHECK(a == b, "same seed gives the identical event trace");
	SS_CHECK(a != c, "another seed gives another trace");
}

static void test_streams(void)
{
	/* Adding a component leaves the other streams' draws unchanged. */
	ss_sim *s1 = NULL, *s2 = NULL;
	SS_MUST(ss_sim_alloc(&s1, 5));
	SS_MUST(ss_sim_alloc(&s2, 5));
	ss_rng *a1 = ss_sim_rng(s1, "arrivals");
	ss_sim_rng(s2, "a-new-component");
	ss_rng *a2 = ss_sim_rng(s2, "arrivals");
	int same = 1;
	for (int i = 0; i < 1000; i++)
		same &= ss_rng_uniform(a1) == ss_rng_uniform(a2);
	SS_CHECK(same, "a stream's draws do not depend on other streams");
	SS_CHECK(ss_sim_rng(s1, "arrivals") == a1, "a name returns the same stream");
	ss_rng *x = ss_sim_rng(s1, "x"), *y = ss_sim_rng(s1, "y");
	double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
	int n = 20000;
	for (int i = 0; i < n; i++) {
		double u = ss_rng_uniform(x), v = ss_rng_uniform(y);
		sx += u, sy += v, sxy += u * v, sxx += u * u, syy += v * v;
	}
	double corr = (sxy - sx * sy / n) / sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
	SS_CHECK(fabs(corr) < 0.03, "streams of different names are uncorrelated (r = %.4f)", corr);
	ss_rng *cl = NULL;
	SS_MUST(ss_rng_clone(&cl, x));
	SS_CHECK(ss_rng_uniform(cl) == ss_rng_uniform(x), "a clone continues the same sequence");
	ss_rng_free(cl);
	ss_sim_free(s1);
	ss_sim_free(s2);
}

static void test_dists(void)
{
	const char *specs[] = {"det(2)", "exp(2)", "uniform(1,3)", "normal(2,0.2)", "pareto(3,1.3333333333333333)",
			       "lognormal(2,0.5)"};
	ss_rng *r = NULL;
	SS_MUST(ss_rng_alloc(&r, 3, "dist"));
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		ss_dist d;
		char err[200];
		int rc = ss_dist_parse(specs[i], &d, err, sizeof err);
		SS_CHECK(rc == SS_OK, "parse %s", specs[i]);
		double s = 0, s2 = 0;
		int n = 200000;
		for (int k = 0; k < n; k++) {
			double x = ss_dist_draw(&d, r);
			s += x;
			s2 += x * x;
		}
		double mean = s / n, var = s2 / n - mean * mean;
		double m = ss_dist_mean(&d);
		double se = sqrt(var / n);
		SS_CHECK_NEAR(mean, m, 4 * se + 1e-12, "sample mean of %s matches its mean", specs[i]);
		if (i < 4) {
			double cv2 = ss_dist_scv(&d);
			SS_CHECK_NEAR(var / (m * m), cv2, 0.02 + 0.05 * cv2, "sample SCV of %s", specs[i]);
		}
	}
	ss_dist d;
	char err[200];
	SS_CHECK(ss_dist_parse("exp(-1)", &d, err, sizeof err) == SS_EINVAL, "negative mean refused: %s", err);
	SS_CHECK(ss_dist_parse("gauss(1)", &d, err, sizeof err) == SS_EPARSE, "unknown distribution refused: %s", err);
	SS_CHECK(ss_dist_parse("uniform(1)", &d, err, sizeof err) == SS_EPARSE, "wrong arity refused: %s", err);
	SS_CHECK(ss_dist_parse("exp(1) junk", &d, err, sizeof err) == SS_EPARSE, "trailing text refused");
	ss_dist_parse("exp(1)", &d, err, sizeof err);
	ss_dist e = ss_dist_with_mean(&d, 5);
	SS_CHECK_NEAR(ss_dist_mean(&e), 5, 1e-12, "rescaling a distribution's mean");
	ss_rng_free(r);
}

static void test_time(void)
{
	SS_CHECK_INT(ss_time_from_us(1.5), 1500000, "1.5 us is 1,500,000 ps");
	SS_CHECK_INT(ss_time_bytes_at(4096, 100e6), 327680000, "4 KB at 100 Mbit/s is 327.68 us");
	SS_CHECK_INT(ss_time_add(SS_TIME_MAX - 1, 10), SS_TIME_MAX, "time addition saturates at never");
	SS_CHECK(ss_time_from_s(100 * 86400.0) < SS_TIME_MAX, "100 days fit in simulated time");
}

static void test_errors(void)
{
	int distinct = 1;
	for (int i = 0; i < SS_NSTATUS; i++)
		for (int j = i + 1; j < SS_NSTATUS; j++)
			if (!strcmp(ss_strerror(i), ss_strerror(j)))
				distinct = 0;
	SS_CHECK(distinct, "every status code has its own message");
	SS_CHECK(!strcmp(ss_strerror(SS_NSTATUS + 5), "unknown status"), "out-of-range status is described");
}

/* Growable arrays: start at `first`, double until n fit, and leave the
   array alone when it already fits or the size would overflow. */
static void test_grow(void)
{
	double *v = NULL;
	size_t cap = 0;
	SS_CHECK(ss_grow(&v, &cap, 1, sizeof *v, 8) == SS_OK && v && cap == 8, "grow from empty to the first size (%zu)", cap);
	v[7] = 7;
	SS_CHECK(ss_grow(&v, &cap, 8, sizeof *v, 8) == SS_OK && cap == 8, "no growth while n fits");
	SS_CHECK(ss_grow(&v, &cap, 33, sizeof *v, 8) == SS_OK && cap == 64 && v[7] == 7,
		 "doubles until n fits, keeping the contents (%zu)", cap);
	double *old = v;
	SS_CHECK(ss_grow(&v, &cap, (size_t)-1 / 4, sizeof *v, 8) == SS_ENOMEM && v == old && cap == 64,
		 "an impossible size fails and leaves the array as it was");
	free(v);
}

int main(void)
{
	gsl_set_error_handler_off();
	ss_test_plan(76);
	test_evq_order();
	test_evq_edges(SS_EVQ_SMALL);
	test_evq_edges(0);
	test_evq_mix();
	test_ordering();
	test_zero_delay_and_step();
	test_cancel();
	test_run_until_cancelled();
	test_determinism();
	test_streams();
	test_dists();
	test_time();
	test_errors();
	test_grow();
	return ss_test_done();
}
