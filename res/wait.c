/* Blocking (ss_wait.h). */
#include "ss_wait.h"

#include <stdlib.h>

#include "ss_err.h"
#include "ss_grow.h"

static int any_fire(ss_waitany_src *src);
/* The continuation that marks a waitany proxy in a queue; never run. */
static void any_mark(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)ctx;
	(void)arg;
	ss_fatal(SS_LOC, "a waitany proxy ran");
}

/* Gives up t's processor, if any, remembering where to come back. */
static void block(ss_thread *t, ss_handler k, void *ctx, uint64_t arg)
{
	t->k = k;
	t->ctx = ctx;
	t->arg = arg;
	if (t->cpu >= 0) {
		t->wpool = t->pool;
		ss_cpu_release(t->pool, t);
	} else {
		t->wpool = NULL;
	}
}

/* t may run again: through a processor if it had one. */
static void unblock(ss_sim *sim, ss_thread *t)
{
	ss_cpu_pool *p = t->wpool;
	t->wpool = NULL;
	if (p)
		ss_cpu_acquire(p, t, t->k, t->ctx, t->arg);
	else
		ss_sim_after(sim, 0, ss_thread_resume, t, 0);
}

void ss_waitq_init(ss_waitq *q, ss_sim *sim)
{
	q->sim = sim;
	q->head = q->tail = NULL;
	q->n = 0;
}

void ss_waitq_wait(ss_waitq *q, ss_thread *t, ss_handler k, void *ctx, uint64_t arg)
{
	block(t, k, ctx, arg);
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	q->n++;
}

int ss_waitq_wake_one(ss_waitq *q)
{
	ss_thread *t = q->head;
	if (!t)
		return 0;
	q->head = t->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	t->next = NULL;
	if (t->k == any_mark)
		return any_fire(t->ctx);
	unblock(q->sim, t);
	return 1;
}

/* Takes t out of q (it is there). */
static void unlink_waiter(ss_waitq *q, ss_thread *t)
{
	ss_thread *prev = NULL;
	for (ss_thread *u = q->head; u; prev = u, u = u->next) {
		if (u != t)
			continue;
		if (prev)
			prev->next = u->next;
		else
			q->head = u->next;
		if (q->tail == u)
			q->tail = prev;
		q->n--;
		u->next = NULL;
		return;
	}
	ss_fatal(SS_LOC, "waitany proxy not in its queue");
}

size_t ss_waitq_wake_all(ss_waitq *q)
{
	/* A woken thread's continuation runs later, through an event, so it
	   cannot join the queue again while this loop runs. */
	size_t n = 0;
	while (ss_waitq_wake_one(q))
		n++;
	return n;
}

void ss_sem_init(ss_sem *s, ss_sim *sim, long count)
{
	ss_waitq_init(&s->q, sim);
	s->count = count;
}

void ss_sem_wait(ss_sem *s, ss_thread *t, ss_handler k, void *ctx, uint64_t arg)
{
	if (s->count > 0) {
		s->count--;
		t->k = k;
		t->ctx = ctx;
		t->arg = arg;
		ss_sim_after(s->q.sim, 0, ss_thread_resume, t, 0);
		return;
	}
	ss_waitq_wait(&s->q, t, k, ctx, arg);
}

void ss_sem_post(ss_sem *s)
{
	if (!ss_waitq_wake_one(&s->q))
		s->count++;
}

static void slept(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	unblock(sim, ctx);
}

void ss_wait_sleep(ss_sim *sim, ss_thread *t, ss_time d, ss_handler k, void *ctx, uint64_t arg)
{
	if (d < 0)
		ss_fatal(SS_LOC, "negative sleep");
	block(t, k, ctx, arg);
	ss_sim_after(sim, d, slept, t, 0);
}

void ss_waitany_init(ss_waitany *w, ss_sim *sim)
{
	w->sim = sim;
	w->t = NULL;
	w->src = NULL;
	w->n = w->cap = 0;
	w->timer = SS_TIMER_NONE;
}

void ss_waitany_fini(ss_waitany *w)
{
	if (w->t)
		ss_fatal(SS_LOC, "waitany freed while waiting");
	for (size_t i = 0; i < w->n; i++)
		free(w->src[i]);
	free(w->src);
	w->src = NULL;
	w->n = w->cap = 0;
}

static int add_src(ss_waitany *w, ss_waitq *q, ss_sem *sem)
{
	if (w->t)
		ss_fatal(SS_LOC, "waitany source added while waiting");
	ss_waitany_src *s = calloc(1, sizeof *s);
	if (!s || ss_grow(&w->src, &w->cap, w->n + 1, sizeof *w->src, 4)) {
		free(s);
		return SS_ENOMEM;
	}
	ss_thread_init(&s->proxy, 0);
	s->q = q;
	s->sem = sem;
	s->any = w;
	s->index = w->n;
	w->src[w->n++] = s;
	return SS_OK;
}

int ss_waitany_add_queue(ss_waitany *w, ss_waitq *q) { return add_src(w, q, NULL); }

int ss_waitany_add_sem(ss_waitany *w, ss_sem *s) { return add_src(w, &s->q, s); }

/* The wait ends with `index`: every proxy still queued leaves its
   queue, the timer stops, the waiter runs again. */
static void any_end(ss_waitany *w, uint64_t index, const ss_waitany_src *fired)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->src[i] != fired)
			unlink_waiter(w->src[i]->q, &w->src[i]->proxy);
	ss_sim_cancel(w->sim, &w->timer);
	ss_thread *t = w->t;
	w->t = NULL;
	t->arg = index;
	unblock(w->sim, t);
}

/* A wake reached the proxy of src (already out of its queue). */
static int any_fire(ss_waitany_src *src)
{
	any_end(src->any, src->index, src);
	return 1;
}

static void any_timeout(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_waitany *w = ctx;
	w->timer = SS_TIMER_NONE;
	any_end(w, SS_WAIT_TIMEOUT, NULL);
}

void ss_waitany_wait(ss_waitany *w, ss_thread *t, ss_time timeout, ss_handler k, void *ctx)
{
	if (w->t)
		ss_fatal(SS_LOC, "waitany already has a waiter");
	/* A semaphore with a count: no wait at all (as ss_sem_wait). */
	for (size_t i = 0; i < w->n; i++) {
		ss_sem *s = w->src[i]->sem;
		if (s && s->count > 0) {
			s->count--;
			t->k = k;
			t->ctx = ctx;
			t->arg = w->src[i]->index;
			ss_sim_after(w->sim, 0, ss_thread_resume, t, 0);
			return;
		}
	}
	block(t, k, ctx, 0);
	w->t = t;
	for (size_t i = 0; i < w->n; i++) {
		ss_waitany_src *s = w->src[i];
		s->proxy.k = any_mark;
		s->proxy.ctx = s;
		s->proxy.next = NULL;
		ss_waitq *q = s->q;
		if (q->tail)
			q->tail->next = &s->proxy;
		else
			q->head = &s->proxy;
		q->tail = &s->proxy;
		q->n++;
	}
	if (timeout >= 0)
		w->timer = ss_sim_after(w->sim, timeout, any_timeout, w, 0);
}
