/* Blocking (ss_wait.h). */
#include "ss_wait.h"

#include "ss_err.h"

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
	unblock(q->sim, t);
	return 1;
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
