/* Lock with FIFO hand-off. A spinning waiter's processor stays busy (tag
   spin); a blocking waiter releases it and must win it back, paying a
   context switch if the processor ran someone else meanwhile. */
#include "ss_lock.h"

#include <stdio.h>
#include <stdlib.h>

#include "ss_err.h"

struct ss_lock {
	ss_sim *sim;
	ss_lock_kind kind;
	ss_cpu_pool *pool;
	ss_thread *owner;
	ss_time acquired;          /* when the owner got it, ps */
	ss_thread *head, *tail;    /* FIFO waiters */
	size_t nwait;
	ss_timeavg held;           /* 0/1 */
	ss_timeavg queue;          /* waiters */
	ss_tally hold, wait;       /* s */
	uint64_t contended;
	char name[48];
};

static void lock_reset(void *res, ss_time now)
{
	ss_lock *l = res;
	ss_timeavg_reset(&l->held, now);
	ss_timeavg_reset(&l->queue, now);
	ss_tally_reset(&l->hold);
	ss_tally_reset(&l->wait);
	l->contended = 0;
}

static double lock_util(void *res, ss_time now)
{
	return ss_timeavg_mean(&((ss_lock *)res)->held, now);
}

static void lock_report(void *res, ss_time now, ss_metrics *m)
{
	ss_lock *l = res;
	char key[SS_METRIC_NAME];
	snprintf(key, sizeof key, "%s.util", l->name);
	ss_metrics_set(m, key, "fraction", lock_util(l, now));
	snprintf(key, sizeof key, "%s.hold", l->name);
	ss_metrics_set(m, key, "us", ss_tally_mean(&l->hold) * 1e6);
	snprintf(key, sizeof key, "%s.wait", l->name);
	ss_metrics_set(m, key, "us", ss_tally_mean(&l->wait) * 1e6);
	snprintf(key, sizeof key, "%s.queue", l->name);
	ss_metrics_set(m, key, "threads", ss_timeavg_mean(&l->queue, now));
	snprintf(key, sizeof key, "%s.contended", l->name);
	ss_metrics_set(m, key, "fraction",
		       l->wait.n ? (double)l->contended / (double)l->wait.n : 0);
	snprintf(key, sizeof key, "%s.contentions", l->name);
	ss_metrics_set(m, key, "count", (double)l->contended);
}

static void lock_destroy(void *res) { free(res); }

static const ss_resource_ops lock_ops = {
	.reset = lock_reset,
	.report = lock_report,
	.utilisation = lock_util,
	.destroy = lock_destroy,
};

int ss_lock_alloc(ss_lock **out, ss_sim *sim, const char *name, ss_lock_kind kind, ss_cpu_pool *pool)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	if (!sim || !name)
		return SS_EINVAL;
	ss_lock *l = calloc(1, sizeof *l);
	if (!l)
		return SS_ENOMEM;
	if (ss_sim_add_resource(sim, name, l, &lock_ops) != SS_OK) {
		free(l);
		return SS_ENOMEM;
	}
	l->sim = sim;
	l->kind = kind;
	l->pool = pool;
	snprintf(l->name, sizeof l->name, "%s", name);
	ss_time now = ss_sim_now(sim);
	ss_timeavg_init(&l->held, now, 0);
	ss_timeavg_init(&l->queue, now, 0);
	*out = l;
	return SS_OK;
}

static void take(ss_lock *l, ss_thread *t)
{
	ss_time now = ss_sim_now(l->sim);
	l->owner = t;
	l->acquired = now;
	ss_timeavg_set(&l->held, now, 1);
}

void ss_lock_acquire(ss_lock *l, ss_thread *t, ss_handler k, void *ctx, uint64_t arg)
{
	if (l->owner == t)
		ss_fatal(SS_LOC, "thread %u acquires lock %s twice", t->id, l->name);
	ss_time now = ss_sim_now(l->sim);
	t->k = k;
	t->ctx = ctx;
	t->arg = arg;
	if (!l->owner) {
		ss_tally_add(&l->wait, 0.0);
		take(l, t);
		ss_sim_after(l->sim, 0, ss_thread_resume, t, 0);
		return;
	}
	l->contended++;
	t->since = now;
	t->next = NULL;
	if (l->tail)
		l->tail->next = t;
	else
		l->head = t;
	l->tail = t;
	l->nwait++;
	ss_timeavg_set(&l->queue, now, (double)l->nwait);
	t->blocked = 0;
	if (l->pool && t->cpu >= 0) {
		if (l->kind == SS_LOCK_SPIN) {
			ss_cpu_hold_begin(l->pool, t, SS_CPU_TAG_SPIN);
		} else {
			t->blocked = 1;
			ss_cpu_release(l->pool, t);
		}
	}
}

void ss_lock_release(ss_lock *l, ss_thread *t)
{
	if (l->owner != t)
		ss_fatal(SS_LOC, "thread %u releases lock %s it does not hold", t->id, l->name);
	ss_time now = ss_sim_now(l->sim);
	ss_tally_add(&l->hold, ss_time_to_s(now - l->acquired));
	l->owner = NULL;
	ss_timeavg_set(&l->held, now, 0);
	ss_thread *w = l->head;
	if (!w)
		return;
	l->head = w->next;
	if (!l->head)
		l->tail = NULL;
	l->nwait--;
	ss_timeavg_set(&l->queue, now, (double)l->nwait);
	ss_tally_add(&l->wait, ss_time_to_s(now - w->since));
	take(l, w);
	if (w->blocked) {
		/* Back onto a processor before continuing. */
		w->blocked = 0;
		ss_cpu_acquire(l->pool, w, w->k, w->ctx, w->arg);
	} else {
		if (l->pool && w->cpu >= 0)
			ss_cpu_hold_end(l->pool, w);
		ss_sim_after(l->sim, 0, ss_thread_resume, w, 0);
	}
}

double ss_lock_utilisation(const ss_lock *l) { return lock_util((void *)l, ss_sim_now(l->sim)); }
const ss_tally *ss_lock_hold(const ss_lock *l) { return &l->hold; }
const ss_tally *ss_lock_wait(const ss_lock *l) { return &l->wait; }
uint64_t ss_lock_contended(const ss_lock *l) { return l->contended; }
double ss_lock_mean_queue(const ss_lock *l) { return ss_timeavg_mean(&l->queue, ss_sim_now(l->sim)); }
