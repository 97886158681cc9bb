/* Processor pool. Every grant and completion goes through a zero-delay or
   timed event, never a direct call, so a caller's code after an
   acquire/release runs before the continuation: no re-entrancy surprises. */
#include "ss_cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"

typedef struct cpu {
	ss_thread *cur;     /* thread holding it, or NULL */
	ss_thread *hi_head; /* IRQ and softirq threads waiting for it, higher level first */
	ss_thread *pq_head, *pq_tail; /* process threads bound to it */
	ss_thread *lq_head, *lq_tail; /* LOW-priority process threads bound to it */
	ss_thread *pre;     /* preempted threads, innermost first */
	ss_timeavg st[SS_CPU_NSTATES - 1]; /* 0/1 in each busy state */
	uint32_t last_id;   /* last thread that ran here */
	int ran;            /* has run any thread */
	ss_timeavg busy;    /* 0/1 over time */
	ss_timeavg spin;    /* 0/1: spinning on a lock, all of it waiting */
	double queued_ps;   /* queued for a bus in holds ended in the window */
} cpu;

struct ss_cpu_pool {
	ss_sim *sim;
	int n;                   /* processors */
	ss_time ctxsw;           /* context-switch cost, ps */
	cpu *cpus;
	int nbusy;               /* processors held */
	ss_thread *rq_head, *rq_tail;
	size_t rq_len;
	ss_timeavg rq;           /* run-queue length over time */
	ss_timeavg held;         /* processors held over time */
	ss_tally wait;           /* run-queue waiting times, s */
	int contexts;            /* a thread used a level, an affinity or user mode */
	uint64_t nswitch;        /* context switches in the window */
	ss_time window;          /* start of the statistics window */
	ss_timeavg tag[SS_CPU_NTAGS];    /* processors in each tag over time */
	ss_timeavg st[SS_CPU_NSTATES - 1]; /* processors in each busy state */
	uint64_t npreempt;       /* preemptions in the window */
	uint64_t nyield;         /* yields that gave a processor up, in the window */
	char tag_names[SS_CPU_NTAGS][16];
	char name[48];
};

void ss_thread_init(ss_thread *t, uint32_t id)
{
	memset(t, 0, sizeof *t);
	t->cpu = -1;
	t->tag = -1;
	t->id = id;
	t->affinity = -1;
	t->state = -1;
	t->mode = SS_CPU_MODE_SYSTEM;
}

void ss_thread_set_level(ss_thread *t, int level)
{
	if (level < SS_CPU_LEVEL_PROCESS || level > SS_CPU_LEVEL_IRQ)
		ss_fatal(SS_LOC, "thread %u: no execution level %d", t->id, level);
	t->level = level;
}

void ss_thread_set_affinity(ss_thread *t, int where) { t->affinity = where < 0 ? -1 : where; }

void ss_thread_set_mode(ss_thread *t, int mode)
{
	t->mode = mode == SS_CPU_MODE_USER || mode == SS_CPU_MODE_SOFTIRQ ? mode : SS_CPU_MODE_SYSTEM;
}

void ss_thread_set_priority(ss_thread *t, int prio) { t->prio = prio == SS_CPU_PRIO_LOW ? prio : SS_CPU_PRIO_NORMAL; }

/* The /proc/stat state a thread's busy time counts in. */
static int state_of(const ss_thread *t)
{
	switch (t->level) {
	case SS_CPU_LEVEL_IRQ:
		return SS_CPU_STATE_IRQ;
	case SS_CPU_LEVEL_SOFTIRQ:
		return SS_CPU_STATE_SOFTIRQ;
	default:
		if (t->mode == SS_CPU_MODE_SOFTIRQ)
			return SS_CPU_STATE_SOFTIRQ;
		return t->mode == SS_CPU_MODE_USER ? SS_CPU_STATE_USER : SS_CPU_STATE_SYSTEM;
	}
}

/* Tagged intervals are counted as processors in each tag over time, like
   the held count: a window then gets exactly the part of an interval
   inside it, whether the interval began before the window or is still
   open at its end. */
static void tag_begin(ss_cpu_pool *p, ss_thread *t, int tag)
{
	ss_time now = ss_sim_now(p->sim);
	t->tag = tag;
	t->hold_since = now;
	if (tag >= 0 && tag < SS_CPU_NTAGS)
		ss_timeavg_add(&p->tag[tag], now, 1);
	t->state = state_of(t);
	if (t->state != SS_CPU_STATE_SYSTEM)
		p->contexts = 1; /* user mode may be set after the acquire */
	ss_timeavg_add(&p->st[t->state], now, 1);
	ss_timeavg_set(&p->cpus[t->cpu].st[t->state], now, 1);
	if (tag == SS_CPU_TAG_SPIN)
		ss_timeavg_set(&p->cpus[t->cpu].spin, now, 1);
}

static void tag_end(ss_cpu_pool *p, ss_thread *t)
{
	ss_time now = ss_sim_now(p->sim);
	if (t->tag >= 0 && t->tag < SS_CPU_NTAGS)
		ss_timeavg_add(&p->tag[t->tag], now, -1);
	if (t->tag == SS_CPU_TAG_SPIN && t->cpu >= 0)
		ss_timeavg_set(&p->cpus[t->cpu].spin, now, 0);
	if (t->state >= 0) {
		ss_timeavg_add(&p->st[t->state], now, -1);
		if (t->cpu >= 0)
			ss_timeavg_set(&p->cpus[t->cpu].st[t->state], now, 0);
	}
	t->state = -1;
	t->tag = -1;
}

/* Processor-ps of c waiting for a lock or bus in the window of span ps. */
static double waiting_ps(const cpu *c, ss_time now, double span)
{
	return ss_timeavg_mean(&c->spin, now) * span + c->queued_ps;
}

static void pool_reset(void *res, ss_time now)
{
	ss_cpu_pool *p = res;
	p->window = now;
	ss_timeavg_reset(&p->rq, now);
	ss_timeavg_reset(&p->held, now);
	for (int i = 0; i < p->n; i++) {
		ss_timeavg_reset(&p->cpus[i].busy, now);
		ss_timeavg_reset(&p->cpus[i].spin, now);
		for (int k = 0; k < SS_CPU_NSTATES - 1; k++)
			ss_timeavg_reset(&p->cpus[i].st[k], now);
		p->cpus[i].queued_ps = 0;
	}
	for (int k = 0; k < SS_CPU_NSTATES - 1; k++)
		ss_timeavg_reset(&p->st[k], now);
	ss_tally_reset(&p->wait);
	p->nswitch = 0;
	p->npreempt = 0;
	p->nyield = 0;
	for (int t = 0; t < SS_CPU_NTAGS; t++)
		ss_timeavg_reset(&p->tag[t], now);
}

/* Fraction of the processors doing work: held, less spinning on a lock
   and queueing for a bus. A processor that waits for another resource is
   held but serves nothing, so that time counts for the resource waited
   for (the lock's held time, the bus's bandwidth), not here; otherwise a
   saturated lock or bus would show as busy processors. */
static double pool_util(void *res, ss_time now)
{
	ss_cpu_pool *p = res;
	double span = (double)(now - p->window);
	double waiting = 0;
	for (int i = 0; i < p->n; i++)
		waiting += waiting_ps(&p->cpus[i], now, span);
	double u = ss_timeavg_mean(&p->held, now) / p->n - (span > 0 ? waiting / (span * p->n) : 0);
	return u > 0 ? u : 0;
}

static void pool_report(void *res, ss_time now, ss_metrics *m)
{
	ss_cpu_pool *p = res;
	char key[SS_METRIC_NAME];
	double lo = 1, hi = 0, span = (double)(now - p->window);
	/* Per processor, doing work as in cpu.util. */
	for (int i = 0; i < p->n; i++) {
		double u = ss_timeavg_mean(&p->cpus[i].busy, now);
		double w = waiting_ps(&p->cpus[i], now, span);
		if (span > 0)
			u = u > w / span ? u - w / span : 0;
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
	}
	snprintf(key, sizeof key, "%s.util", p->name);
	ss_metrics_set(m, key, "fraction", pool_util(p, now));
	snprintf(key, sizeof key, "%s.held", p->name);
	ss_metrics_set(m, key, "fraction", ss_timeavg_mean(&p->held, now) / p->n);
	snprintf(key, sizeof key, "%s.util_min", p->name);
	ss_metrics_set(m, key, "fraction", lo);
	snprintf(key, sizeof key, "%s.util_max", p->name);
	ss_metrics_set(m, key, "fraction", hi);
	snprintf(key, sizeof key, "%s.runq", p->name);
	ss_metrics_set(m, key, "threads", ss_timeavg_mean(&p->rq, now));
	snprintf(key, sizeof key, "%s.wait", p->name);
	ss_metrics_set(m, key, "us", ss_tally_mean(&p->wait) * 1e6);
	snprintf(key, sizeof key, "%s.switches", p->name);
	ss_metrics_set(m, key, "1/s", span > 0 ? (double)p->nswitch / (span * 1e-12) : 0);
	for (int t = 0; t < SS_CPU_NTAGS; t++) {
		if (!p->tag_names[t][0] || span <= 0)
			continue;
		snprintf(key, sizeof key, "%s.%s", p->name, p->tag_names[t]);
		ss_metrics_set(m, key, "fraction", ss_timeavg_mean(&p->tag[t], now) / p->n);
	}
	if (span <= 0 || !p->contexts)
		return;
	/* /proc/stat states, only for pools that use execution contexts
	   (levels or modes): the others' reports stay as they were. */
	static const char *const sname[SS_CPU_NSTATES] = {"user", "system", "softirq", "irq", "idle"};
	for (int c = -1; c < (p->n <= 8 ? p->n : 0); c++) {
		double busy = 0;
		for (int k = 0; k < SS_CPU_NSTATES; k++) {
			double f = k < SS_CPU_NSTATES - 1 ? ss_cpu_state_time(p, c, k) * 1e12 / span / (c < 0 ? p->n : 1)
							  : 1 - busy;
			busy += f;
			if (c < 0)
				snprintf(key, sizeof key, "%s.%s", p->name, sname[k]);
			else
				snprintf(key, sizeof key, "%s%d.%s", p->name, c, sname[k]);
			ss_metrics_set(m, key, "fraction", f > 0 ? f : 0);
		}
	}
	snprintf(key, sizeof key, "%s.preemptions", p->name);
	ss_metrics_set(m, key, "1/s", (double)p->npreempt / (span * 1e-12));
}


static void pool_free(void *res);
static const ss_resource_ops pool_ops = {
	.reset = pool_reset,
	.report = pool_report,
	.utilisation = pool_util,
	.destroy = pool_free,
};

int ss_cpu_pool_alloc(ss_cpu_pool **out, ss_sim *sim, const char *name, int n, ss_time ctx_switch)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	if (!sim || !name || n < 1 || ctx_switch < 0)
		return SS_EINVAL;
	ss_cpu_pool *p = calloc(1, sizeof *p);
	if (!p)
		return SS_ENOMEM;
	p->cpus = calloc((size_t)n, sizeof *p->cpus);
	if (!p->cpus || ss_sim_add_resource(sim, name, p, &pool_ops) != SS_OK) {
		free(p->cpus);
		free(p);
		return SS_ENOMEM;
	}
	p->sim = sim;
	p->n = n;
	p->ctxsw = ctx_switch;
	snprintf(p->name, sizeof p->name, "%s", name);
	snprintf(p->tag_names[SS_CPU_TAG_STALL], 16, "stall");
	snprintf(p->tag_names[SS_CPU_TAG_CTXSW], 16, "ctxsw");
	snprintf(p->tag_names[SS_CPU_TAG_SPIN], 16, "spin");
	ss_time now = ss_sim_now(sim);
	ss_timeavg_init(&p->rq, now, 0);
	ss_timeavg_init(&p->held, now, 0);
	for (int i = 0; i < n; i++) {
		ss_timeavg_init(&p->cpus[i].busy, now, 0);
		ss_timeavg_init(&p->cpus[i].spin, now, 0);
		for (int k = 0; k < SS_CPU_NSTATES - 1; k++)
			ss_timeavg_init(&p->cpus[i].st[k], now, 0);
	}
	for (int k = 0; k < SS_CPU_NSTATES - 1; k++)
		ss_timeavg_init(&p->st[k], now, 0);
	for (int t = 0; t < SS_CPU_NTAGS; t++)
		ss_timeavg_init(&p->tag[t], now, 0);
	p->window = now;
	*out = p;
	return SS_OK;
}

static void pool_free(void *res)
{
	ss_cpu_pool *p = res;
	if (!p)
		return;
	free(p->cpus);
	free(p);
}

int ss_cpu_count(const ss_cpu_pool *p) { return p->n; }

void ss_cpu_tag_name(ss_cpu_pool *p, int tag, const char *name)
{
	if (tag >= 0 && tag <= SS_CPU_TAG_USER_MAX)
		snprintf(p->tag_names[tag], sizeof p->tag_names[tag], "%s", name);
}

void ss_thread_resume(ss_sim *sim, void *thread, uint64_t unused)
{
	(void)unused;
	ss_thread *t = thread;
	t->k(sim, t->ctx, t->arg);
}

static void switch_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_thread *t = ctx;
	tag_end(t->pool, t);
	t->k(sim, t->ctx, t->arg);
}

/* Gives processor i to t and schedules t's continuation, after a context
   switch if i last ran another process-level thread (entering an IRQ or
   softirq context switches no address space). */
static void grant(ss_cpu_pool *p, int i, ss_thread *t)
{
	cpu *c = &p->cpus[i];
	ss_time now = ss_sim_now(p->sim);
	c->cur = t;
	t->cpu = i;
	t->pool = p;
	p->nbusy++;
	ss_timeavg_set(&c->busy, now, 1);
	ss_timeavg_set(&p->held, now, p->nbusy);
	int sw = 0;
	if (t->level == SS_CPU_LEVEL_PROCESS) {
		sw = c->ran && c->last_id != t->id;
		c->ran = 1;
		c->last_id = t->id;
	}
	if (sw)
		p->nswitch++;
	if (sw && p->ctxsw > 0) {
		tag_begin(p, t, SS_CPU_TAG_CTXSW);
		ss_sim_after(p->sim, p->ctxsw, switch_done, t, 0);
	} else {
		ss_sim_after(p->sim, 0, ss_thread_resume, t, 0);
	}
}

static void compute_done(ss_sim *sim, void *ctx, uint64_t arg);

/* Takes processor i from its current thread (level below t's), which is
   in a compute or about to start one with `left` ps; it goes on i's
   preempted stack. Then t gets i. */
static void preempt(ss_cpu_pool *p, int i, ss_time left)
{
	cpu *c = &p->cpus[i];
	ss_thread *v = c->cur;
	ss_time now = ss_sim_now(p->sim);
	if (v->computing) {
		ss_sim_cancel(p->sim, &v->cev);
		v->rem = v->cend - now;
		v->rtag = v->tag;
		v->computing = 0;
		tag_end(p, v);
	} else {
		v->rem = left;
	}
	p->npreempt++;
	v->pnext = c->pre;
	c->pre = v;
	c->cur = NULL;
	p->nbusy--;
	ss_timeavg_set(&c->busy, now, 0);
	ss_timeavg_set(&p->held, now, p->nbusy);
}

static void start_compute(ss_cpu_pool *p, ss_thread *t, ss_time d, int tag)
{
	tag_begin(p, t, tag);
	t->computing = 1;
	t->cend = ss_sim_now(p->sim) + d;
	t->cev = ss_sim_after(p->sim, d, compute_done, t, 0);
}

/* Puts a bound IRQ/softirq thread in i's queue, higher levels first,
   FIFO within a level. */
static void hi_enqueue(cpu *c, ss_thread *t)
{
	ss_thread **pp = &c->hi_head;
	while (*pp && (*pp)->level >= t->level)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
}

static ss_thread *hi_pop(cpu *c)
{
	ss_thread *t = c->hi_head;
	if (t)
		c->hi_head = t->next;
	return t;
}

void ss_cpu_acquire(ss_cpu_pool *p, ss_thread *t, ss_handler k, void *ctx, uint64_t arg)
{
	if (t->cpu >= 0)
		ss_fatal(SS_LOC, "thread %u acquires a second processor", t->id);
	if (t->affinity >= p->n)
		ss_fatal(SS_LOC, "thread %u bound to processor %d of %d", t->id, t->affinity, p->n);
	if (t->level > SS_CPU_LEVEL_PROCESS && t->affinity < 0)
		ss_fatal(SS_LOC, "thread %u: an IRQ or softirq thread must be bound to a processor", t->id);
	if (t->prio == SS_CPU_PRIO_LOW && (t->level != SS_CPU_LEVEL_PROCESS || t->affinity < 0))
		ss_fatal(SS_LOC, "thread %u: a low-priority thread must be a bound process-level thread", t->id);
	t->k = k;
	t->ctx = ctx;
	t->arg = arg;
	if (t->level > SS_CPU_LEVEL_PROCESS || t->affinity >= 0)
		p->contexts = 1;
	ss_time now = ss_sim_now(p->sim);
	if (t->affinity >= 0) {
		int i = t->affinity;
		cpu *c = &p->cpus[i];
		if (!c->cur && !c->hi_head && !c->pre) {
			ss_tally_add(&p->wait, 0.0);
			grant(p, i, t);
			return;
		}
		t->since = now;
		if (t->level > SS_CPU_LEVEL_PROCESS) {
			if (c->cur && c->cur->level < t->level && c->cur->computing) {
				preempt(p, i, 0);
				ss_tally_add(&p->wait, 0.0);
				grant(p, i, t);
				return;
			}
			hi_enqueue(c, t);
			return;
		}
		t->next = NULL;
		ss_thread **head = t->prio == SS_CPU_PRIO_LOW ? &c->lq_head : &c->pq_head;
		ss_thread **tail = t->prio == SS_CPU_PRIO_LOW ? &c->lq_tail : &c->pq_tail;
		if (*tail)
			(*tail)->next = t;
		else
			*head = t;
		*tail = t;
		return;
	}
	if (p->nbusy < p->n && !p->rq_head) {
		/* Lowest-numbered idle processor: deterministic placement. */
		for (int i = 0; i < p->n; i++)
			if (!p->cpus[i].cur && !p->cpus[i].pre) {
				ss_tally_add(&p->wait, 0.0);
				grant(p, i, t);
				return;
			}
	}
	t->since = now;
	t->next = NULL;
	if (p->rq_tail)
		p->rq_tail->next = t;
	else
		p->rq_head = t;
	p->rq_tail = t;
	p->rq_len++;
	ss_timeavg_set(&p->rq, now, (double)p->rq_len);
}

/* Processor i is free: its waiting IRQ/softirq work, then the thread it
   preempted last, then its own process queue, then the shared queue,
   then its low-priority queue. */
static void dispatch(ss_cpu_pool *p, int i)
{
	cpu *c = &p->cpus[i];
	ss_time now = ss_sim_now(p->sim);
	ss_thread *h = hi_pop(c);
	if (h) {
		ss_tally_add(&p->wait, ss_time_to_s(now - h->since));
		grant(p, i, h);
		return;
	}
	if (c->pre) {
		ss_thread *v = c->pre;
		c->pre = v->pnext;
		v->pnext = NULL;
		c->cur = v;
		p->nbusy++;
		ss_timeavg_set(&c->busy, now, 1);
		ss_timeavg_set(&p->held, now, p->nbusy);
		start_compute(p, v, v->rem, v->rtag);
		return;
	}
	if ((h = c->pq_head)) {
		c->pq_head = h->next;
		if (!c->pq_head)
			c->pq_tail = NULL;
		ss_tally_add(&p->wait, ss_time_to_s(now - h->since));
		grant(p, i, h);
		return;
	}
	h = p->rq_head;
	if (h) {
		p->rq_head = h->next;
		if (!p->rq_head)
			p->rq_tail = NULL;
		p->rq_len--;
		ss_timeavg_set(&p->rq, now, (double)p->rq_len);
		ss_tally_add(&p->wait, ss_time_to_s(now - h->since));
		grant(p, i, h);
		return;
	}
	if ((h = c->lq_head)) {
		c->lq_head = h->next;
		if (!c->lq_head)
			c->lq_tail = NULL;
		ss_tally_add(&p->wait, ss_time_to_s(now - h->since));
		grant(p, i, h);
	}
}

void ss_cpu_release(ss_cpu_pool *p, ss_thread *t)
{
	int i = t->cpu;
	if (i < 0 || i >= p->n || p->cpus[i].cur != t)
		ss_fatal(SS_LOC, "thread %u releases a processor it does not hold", t->id);
	ss_time now = ss_sim_now(p->sim);
	cpu *c = &p->cpus[i];
	c->cur = NULL;
	t->cpu = -1;
	p->nbusy--;
	ss_timeavg_set(&c->busy, now, 0);
	ss_timeavg_set(&p->held, now, p->nbusy);
	dispatch(p, i);
}

int ss_cpu_yield(ss_cpu_pool *p, ss_thread *t, ss_handler k, void *ctx, uint64_t arg)
{
	int i = t->cpu;
	if (i < 0 || i >= p->n || p->cpus[i].cur != t || t->level != SS_CPU_LEVEL_PROCESS)
		ss_fatal(SS_LOC, "thread %u yields a processor it does not hold as a process", t->id);
	cpu *c = &p->cpus[i];
	int waits = c->pq_head || p->rq_head || (t->prio == SS_CPU_PRIO_LOW && c->lq_head);
	if (!waits) {
		t->k = k;
		t->ctx = ctx;
		t->arg = arg;
		ss_sim_after(p->sim, 0, ss_thread_resume, t, 0);
		return 0;
	}
	p->nyield++;
	ss_cpu_release(p, t); /* the waiting thread gets it (or IRQ work first) */
	ss_cpu_acquire(p, t, k, ctx, arg);
	return 1;
}

static void compute_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_thread *t = ctx;
	t->computing = 0;
	t->cev = SS_TIMER_NONE;
	tag_end(t->pool, t);
	t->k(sim, t->ctx, t->arg);
}

void ss_cpu_compute(ss_cpu_pool *p, ss_thread *t, ss_time d, int tag,
		    ss_handler k, void *ctx, uint64_t arg)
{
	if (t->cpu < 0 || p->cpus[t->cpu].cur != t)
		ss_fatal(SS_LOC, "thread %u computes without a processor", t->id);
	if (d < 0)
		ss_fatal(SS_LOC, "negative compute time");
	t->k = k;
	t->ctx = ctx;
	t->arg = arg;
	cpu *c = &p->cpus[t->cpu];
	if (c->hi_head && c->hi_head->level > t->level) {
		/* Higher-level work arrived while this thread could not be
		   preempted: it takes the processor now, this compute waits. */
		int i = t->cpu;
		t->rtag = tag;
		preempt(p, i, d);
		dispatch(p, i);
		return;
	}
	start_compute(p, t, d, tag);
}

static void serve_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_thread *t = ctx;
	ss_cpu_release(t->pool, t);
	t->uk(sim, t->uctx, t->uarg);
}

static void serve_granted(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_thread *t = ctx;
	ss_cpu_compute(t->pool, t, t->d, t->serve_tag, serve_done, t, 0);
}

void ss_cpu_serve(ss_cpu_pool *p, ss_thread *t, ss_time d, int tag,
		  ss_handler k, void *ctx, uint64_t arg)
{
	t->uk = k;
	t->uctx = ctx;
	t->uarg = arg;
	t->d = d;
	t->serve_tag = tag;
	ss_cpu_acquire(p, t, serve_granted, t, 0);
}

void ss_cpu_hold_begin(ss_cpu_pool *p, ss_thread *t, int tag)
{
	if (t->cpu < 0 || p->cpus[t->cpu].cur != t)
		ss_fatal(SS_LOC, "thread %u holds no processor", t->id);
	tag_begin(p, t, tag);
}

void ss_cpu_hold_end(ss_cpu_pool *p, ss_thread *t) { ss_cpu_hold_end_queued(p, t, 0); }

void ss_cpu_hold_end_queued(ss_cpu_pool *p, ss_thread *t, ss_time queued)
{
	ss_time now = ss_sim_now(p->sim), start = t->hold_since;
	/* The queueing is spread over the hold (a shared bus slows the whole
	   transfer), so a window that cuts the hold's start gets its share of
	   it. Spinning is all waiting and is counted as it goes (tag_begin). */
	ss_time from = start < p->window ? p->window : start;
	if (now > from && queued > 0 && t->tag != SS_CPU_TAG_SPIN && t->cpu >= 0)
		p->cpus[t->cpu].queued_ps += (double)(queued < now - start ? queued : now - start) *
					     (double)(now - from) / (double)(now - start);
	tag_end(p, t);
}

double ss_cpu_utilisation(const ss_cpu_pool *p)
{
	return pool_util((void *)p, ss_sim_now(p->sim));
}

double ss_cpu_tag_time(const ss_cpu_pool *p, int tag)
{
	if (tag < 0 || tag >= SS_CPU_NTAGS)
		return 0;
	ss_time now = ss_sim_now(p->sim);
	return ss_timeavg_mean(&p->tag[tag], now) * (double)(now - p->window) * 1e-12;
}

double ss_cpu_mean_runq(const ss_cpu_pool *p) { return ss_timeavg_mean(&p->rq, ss_sim_now(p->sim)); }
const ss_tally *ss_cpu_wait(const ss_cpu_pool *p) { return &p->wait; }
size_t ss_cpu_waiting(const ss_cpu_pool *p) { return p->rq_len; }
uint64_t ss_cpu_switches(const ss_cpu_pool *p) { return p->nswitch; }

double ss_cpu_state_time(const ss_cpu_pool *p, int c, int state)
{
	ss_time now = ss_sim_now(p->sim);
	double span = (double)(now - p->window) * 1e-12;
	if (state < 0 || state >= SS_CPU_NSTATES || c >= p->n)
		return 0;
	if (state == SS_CPU_STATE_IDLE) {
		double busy = 0;
		for (int k = 0; k < SS_CPU_NSTATES - 1; k++)
			busy += ss_cpu_state_time(p, c, k);
		double idle = span * (c < 0 ? p->n : 1) - busy;
		return idle > 0 ? idle : 0;
	}
	const ss_timeavg *a = c < 0 ? &p->st[state] : &p->cpus[c].st[state];
	return ss_timeavg_mean(a, now) * span;
}

uint64_t ss_cpu_preemptions(const ss_cpu_pool *p) { return p->npreempt; }
uint64_t ss_cpu_yields(const ss_cpu_pool *p) { return p->nyield; }
