/* Waiting for whichever comes first (res/ss_wait.h, ss_waitany): the
   source that fires is the one reported, at the time it fires; the other
   queues lose their proxy at once (a later wake goes to the next real
   waiter or to nobody), the timeout is cancelled, and no semaphore
   count is lost; FIFO order with real waiters; a waiter holding a
   processor gives it up while it waits. */
#include <stdio.h>

#include "ss_cpu.h"
#include "ss_err.h"
#include "ss_sim.h"
#include "ss_test.h"
#include "ss_wait.h"

#define US(x) ss_time_from_us(x)

typedef struct waiter {
	ss_thread t;
	ss_time at;      /* when the continuation ran */
	uint64_t index;  /* what it was given */
	int runs;
} waiter;

static void woke(ss_sim *sim, void *ctx, uint64_t arg)
{
	waiter *w = ctx;
	w->at = ss_sim_now(sim);
	w->index = arg;
	w->runs++;
}

typedef struct kick {
	ss_waitq *q;
	ss_sem *s;
	int all;
} kick;

static void do_kick(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	kick *k = ctx;
	if (k->s)
		ss_sem_post(k->s);
	else if (k->all)
		ss_waitq_wake_all(k->q);
	else
		ss_waitq_wake_one(k->q);
}

static ss_sim *new_sim(void)
{
	ss_sim *sim = NULL;
	if (ss_sim_alloc(&sim, 1) != SS_OK) {
		printf("Bail out! no simulator\n");
		exit(1);
	}
	return sim;
}

/* Two queues and a timeout of 10 us; the second queue is woken at 5. */
static void queue_first(void)
{
	ss_sim *sim = new_sim();
	ss_waitq a, b;
	ss_waitq_init(&a, sim);
	ss_waitq_init(&b, sim);
	ss_waitany any;
	ss_waitany_init(&any, sim);
	int rc = ss_waitany_add_queue(&any, &a) | ss_waitany_add_queue(&any, &b);
	waiter w = {.runs = 0};
	ss_thread_init(&w.t, 1);
	ss_waitany_wait(&any, &w.t, US(10), woke, &w);
	SS_CHECK(rc == SS_OK && ss_waitq_len(&a) == 1 && ss_waitq_len(&b) == 1,
		 "waiting: one proxy in each queue");
	kick kb = {.q = &b};
	ss_sim_at(sim, US(5), do_kick, &kb, 0);
	ss_sim_run(sim);
	SS_CHECK(w.runs == 1 && w.index == 1 && w.at == US(5),
		 "queue 1 woken at 5 us: the continuation runs once, at 5 us, with index 1 (got %d runs, index %llu, %.3f us)",
		 w.runs, (unsigned long long)w.index, ss_time_to_us(w.at));
	SS_CHECK(ss_waitq_len(&a) == 0 && ss_waitq_wake_one(&a) == 0,
		 "the other queue lost its proxy at once: a later wake finds nobody");
	SS_CHECK(ss_sim_pending(sim) == 0, "the 10 us timeout was cancelled (no event left)");
	/* The same object waits again: now the timeout comes first. */
	ss_waitany_wait(&any, &w.t, US(10), woke, &w);
	ss_sim_run(sim);
	SS_CHECK(w.runs == 2 && w.index == SS_WAIT_TIMEOUT && w.at == US(15) && ss_waitq_len(&a) == 0 &&
			 ss_waitq_len(&b) == 0,
		 "a second wait times out at 5 + 10 us with SS_WAIT_TIMEOUT and leaves both queues empty");
	ss_waitany_fini(&any);
	ss_sim_free(sim);
}

/* A semaphore source: taken at once when it has a count; a post while
   waiting hands its token to the waiter; after the wait a post counts. */
static void semaphore(void)
{
	ss_sim *sim = new_sim();
	ss_waitq q;
	ss_waitq_init(&q, sim);
	ss_sem s;
	ss_sem_init(&s, sim, 1);
	ss_waitany any;
	ss_waitany_init(&any, sim);
	int rc = ss_waitany_add_queue(&any, &q) | ss_waitany_add_sem(&any, &s);
	waiter w = {.runs = 0};
	ss_thread_init(&w.t, 1);
	ss_sim_run_until(sim, US(2));
	ss_waitany_wait(&any, &w.t, -1, woke, &w);
	ss_sim_run(sim);
	SS_CHECK(rc == SS_OK && w.runs == 1 && w.index == 1 && w.at == US(2) && s.count == 0 && ss_waitq_len(&q) == 0,
		 "a semaphore with a count is taken at once (index 1, at 2 us, count 0, nobody queued)");
	ss_waitany_wait(&any, &w.t, -1, woke, &w);
	kick ks = {.s = &s};
	ss_sim_at(sim, US(7), do_kick, &ks, 0);
	ss_sim_run(sim);
	SS_CHECK(w.runs == 2 && w.index == 1 && w.at == US(7) && s.count == 0,
		 "a post while waiting wakes the waiter with its token (index 1 at 7 us, count stays 0)");
	ss_sem_post(&s);
	SS_CHECK(s.count == 1 && ss_waitq_len(&s.q) == 0, "a post after the wait counts (no proxy was left behind)");
	/* The queue fires first: the semaphore keeps its count. */
	ss_sem_wait(&s, &w.t, woke, &w, 0);
	ss_sim_run(sim);
	ss_waitany_wait(&any, &w.t, -1, woke, &w);
	kick kq = {.q = &q};
	ss_sim_at(sim, US(20), do_kick, &kq, 0);
	ss_sim_run(sim);
	ss_sem_post(&s);
	SS_CHECK(w.index == 0 && w.at == US(20) && s.count == 1,
		 "the queue fires first (index 0 at 20 us); the semaphore's next post is kept, not lost to the proxy");
	ss_waitany_fini(&any);
	ss_sim_free(sim);
}

/* FIFO with real waiters: a thread already queued is woken first; the
   second wake fires the waitany; wake_all wakes both kinds. */
static void fifo(void)
{
	ss_sim *sim = new_sim();
	ss_waitq q, r;
	ss_waitq_init(&q, sim);
	ss_waitq_init(&r, sim);
	ss_waitany any;
	ss_waitany_init(&any, sim);
	int rc = ss_waitany_add_queue(&any, &q) | ss_waitany_add_queue(&any, &r);
	waiter first = {.runs = 0}, w = {.runs = 0}, last = {.runs = 0};
	ss_thread_init(&first.t, 1);
	ss_thread_init(&w.t, 2);
	ss_thread_init(&last.t, 3);
	ss_waitq_wait(&q, &first.t, woke, &first, 0);
	ss_waitany_wait(&any, &w.t, -1, woke, &w);
	ss_waitq_wait(&q, &last.t, woke, &last, 0);
	kick k1 = {.q = &q};
	ss_sim_at(sim, US(1), do_kick, &k1, 0);
	ss_sim_at(sim, US(2), do_kick, &k1, 0);
	ss_sim_run(sim);
	SS_CHECK(rc == SS_OK && first.runs == 1 && first.at == US(1) && w.runs == 1 && w.index == 0 && w.at == US(2) &&
			 last.runs == 0 && ss_waitq_len(&q) == 1 && ss_waitq_len(&r) == 0,
		 "FIFO: the thread queued first wakes at 1 us, the waitany at 2 us (index 0), the one behind it waits");
	ss_waitany_wait(&any, &w.t, -1, woke, &w);
	kick ka = {.q = &q, .all = 1};
	ss_sim_at(sim, US(3), do_kick, &ka, 0);
	ss_sim_run(sim);
	SS_CHECK(last.runs == 1 && last.at == US(3) && w.runs == 2 && w.index == 0 && w.at == US(3) &&
			 ss_waitq_len(&r) == 0,
		 "wake_all wakes the real waiter and the waitany together, and the other queue's proxy leaves");
	ss_waitany_fini(&any);
	ss_sim_free(sim);
}

/* A waiter that holds a processor gives it up while it waits: another
   thread computes meanwhile, and the waiter's continuation runs when it
   has the processor again. */
typedef struct cpuw {
	waiter w;
	ss_cpu_pool *p;
	ss_waitany *any;
} cpuw;

static void cw_granted(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	cpuw *c = ctx;
	ss_waitany_wait(c->any, &c->w.t, US(100), woke, &c->w);
}

typedef struct worker {
	ss_thread t;
	ss_cpu_pool *p;
	ss_time done;
} worker;

static void wk_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	worker *k = ctx;
	k->done = ss_sim_now(sim);
	ss_cpu_release(k->p, &k->t);
}

static void wk_granted(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	worker *k = ctx;
	ss_cpu_compute(k->p, &k->t, US(30), 0, wk_done, k, 0);
}

static void wk_acquire(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	worker *k = ctx;
	ss_cpu_acquire(k->p, &k->t, wk_granted, k, 0);
}

static void with_cpu(void)
{
	ss_sim *sim = new_sim();
	ss_cpu_pool *p = NULL;
	int rc = ss_cpu_pool_alloc(&p, sim, "cpu", 1, 0);
	if (rc != SS_OK) {
		printf("Bail out! no processor pool\n");
		exit(1);
	}
	ss_waitq q;
	ss_waitq_init(&q, sim);
	ss_waitany any;
	ss_waitany_init(&any, sim);
	rc = ss_waitany_add_queue(&any, &q);
	cpuw c = {.p = p, .any = &any};
	ss_thread_init(&c.w.t, 1);
	worker k = {.p = p, .done = -1};
	ss_thread_init(&k.t, 2);
	/* The waiter takes the processor at 0 and waits; the worker asks for
	   it at 1 us and computes 30 us; the queue is woken at 10 us. */
	ss_cpu_acquire(p, &c.w.t, cw_granted, &c, 0);
	ss_sim_at(sim, US(1), wk_acquire, &k, 0);
	kick kq = {.q = &q};
	ss_sim_at(sim, US(10), do_kick, &kq, 0);
	ss_sim_run(sim);
	SS_CHECK(rc == SS_OK && k.done == US(31),
		 "the waiter gave its processor up: the worker computed from 1 to 31 us (done at %.3f us)",
		 ss_time_to_us(k.done));
	SS_CHECK(c.w.runs == 1 && c.w.index == 0 && c.w.at == US(31),
		 "woken at 10 us, the waiter runs when it has the processor again, at 31 us (got %.3f us, index %llu)",
		 ss_time_to_us(c.w.at), (unsigned long long)c.w.index);
	ss_waitany_fini(&any);
	ss_sim_free(sim);
}

int main(void)
{
	ss_test_plan(13);
	queue_first();
	semaphore();
	fifo();
	with_cpu();
	return ss_test_done();
}
