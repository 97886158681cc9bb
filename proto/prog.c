/* Protocol cost programs and their interpreter (proto/ss_prog.h). */
#include "ss_prog.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_grow.h"
#include "ss_rng.h"

struct ss_prog {
	ss_prog_step *v;
	size_t n, cap;
	char **labels; /* owned strings the steps point to */
	size_t nlabels, labcap;
	int status;
};

static const char *const kind_names[SS_PROG_NKINDS] = {
	[SS_PROG_COMPUTE] = "compute", [SS_PROG_MEM] = "mem",         [SS_PROG_LOCK] = "lock",
	[SS_PROG_UNLOCK] = "unlock",   [SS_PROG_MIGRATE] = "migrate", [SS_PROG_EXEC] = "exec",
	[SS_PROG_DMA] = "dma",         [SS_PROG_OFFLOAD] = "offload", [SS_PROG_PUT] = "put",
	[SS_PROG_GET] = "get",         [SS_PROG_SEND] = "send",       [SS_PROG_WAIT] = "wait",
};

const char *ss_prog_kind_name(ss_prog_kind k) { return (unsigned)k < SS_PROG_NKINDS ? kind_names[k] : "?"; }

int ss_prog_alloc(ss_prog **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? SS_OK : SS_ENOMEM;
}

void ss_prog_free(ss_prog *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nlabels; i++)
		free(p->labels[i]);
	free(p->labels);
	free(p->v);
	free(p);
}

int ss_prog_status(const ss_prog *p) { return p->status; }
size_t ss_prog_len(const ss_prog *p) { return p->n; }
const ss_prog_step *ss_prog_at(const ss_prog *p, size_t i) { return i < p->n ? &p->v[i] : NULL; }

static int fail(ss_prog *p, int rc)
{
	if (!p->status)
		p->status = rc;
	return rc;
}

int ss_prog_add(ss_prog *p, const ss_prog_step *s)
{
	if ((unsigned)s->kind >= SS_PROG_NKINDS || s->tag < 0 || s->tag > SS_CPU_TAG_USER_MAX || s->slot < 0 ||
	    s->bus < 0 || s->dur < 0 || !(s->bytes >= 0))
		return fail(p, SS_EINVAL);
	if (ss_grow(&p->v, &p->cap, p->n + 1, sizeof *p->v, 32))
		return fail(p, SS_ENOMEM);
	p->v[p->n++] = *s;
	return SS_OK;
}

int ss_prog_compute(ss_prog *p, ss_time d, int tag, const char *what)
{
	return d > 0 ? ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_COMPUTE, .tag = tag, .dur = d, .what = what}) : SS_OK;
}

int ss_prog_mem(ss_prog *p, int bus, double bytes, const char *what)
{
	return bytes > 0 ? ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_MEM, .bus = bus, .bytes = bytes, .what = what})
			 : SS_OK;
}

int ss_prog_lock(ss_prog *p, int slot, const char *what)
{
	return ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_LOCK, .slot = slot, .what = what});
}

int ss_prog_unlock(ss_prog *p, int slot) { return ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_UNLOCK, .slot = slot}); }

int ss_prog_migrate(ss_prog *p, int slot, int bus, double bytes)
{
	return ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_MIGRATE, .slot = slot, .bus = bus, .bytes = bytes});
}

int ss_prog_exec(ss_prog *p, int slot) { return ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_EXEC, .slot = slot}); }

int ss_prog_dma(ss_prog *p, int iobus, double bytes, const char *what)
{
	return ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_DMA, .slot = iobus, .bytes = bytes, .what = what});
}

int ss_prog_offload(ss_prog *p, int device, double bytes, const char *what)
{
	return ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_OFFLOAD, .slot = device, .bytes = bytes, .what = what});
}

int ss_prog_put(ss_prog *p, int queue, double bytes, const char *what)
{
	return ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_PUT, .slot = queue, .bytes = bytes, .what = what});
}

int ss_prog_get(ss_prog *p, int queue, const char *what)
{
	return ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_GET, .slot = queue, .what = what});
}

int ss_prog_send(ss_prog *p, int link, double bytes, const char *what)
{
	return ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_SEND, .slot = link, .bytes = bytes, .what = what});
}

int ss_prog_wait(ss_prog *p, ss_time d, const char *what)
{
	return ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_WAIT, .dur = d, .what = what});
}

int ss_prog_work(ss_prog *p, const char *what, double us, double bytes, int bus, double cap, int tag)
{
	double mem_us = bytes / cap * 1e-6;
	int rc = ss_prog_mem(p, bus, bytes, what);
	if (!rc && us > mem_us)
		rc = ss_prog_compute(p, ss_time_from_us(us - mem_us), tag, what);
	return rc;
}

const char *ss_prog_label(ss_prog *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!s || ss_grow(&p->labels, &p->labcap, p->nlabels + 1, sizeof *p->labels, 8)) {
		free(s);
		fail(p, SS_ENOMEM);
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	p->labels[p->nlabels++] = s;
	return s;
}

ss_time ss_prog_compute_time(const ss_prog *p)
{
	ss_time t = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == SS_PROG_COMPUTE)
			t += p->v[i].dur;
	return t;
}

ss_time ss_prog_compute_tag(const ss_prog *p, int tag)
{
	ss_time t = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == SS_PROG_COMPUTE && p->v[i].tag == tag)
			t += p->v[i].dur;
	return t;
}

/* ---------------- the environment ---------------- */

typedef struct env_bus {
	ss_bus *bus;
	double cap; /* bytes/ps */
} env_bus;

struct ss_prog_env {
	ss_sim *sim;
	ss_prog_host host;
	env_bus *bus;
	size_t nbus, buscap;
	ss_prog_trace_fn trace;
	void *trace_ud;
	ss_prog_ledger led;
};

int ss_prog_env_alloc(ss_prog_env **out, ss_sim *sim, const ss_prog_host *host, char *err, size_t errlen)
{
	*out = NULL;
	if (!sim || !host || !host->cpu || !host->done || !(host->cost_cv >= 0)) {
		ss_errbuf(err, errlen, "a program environment needs a simulator, a processor pool, a done callback "
				       "and a cost variation of 0 or more");
		return SS_EINVAL;
	}
	ss_prog_env *e = calloc(1, sizeof *e);
	if (!e)
		return SS_ENOMEM;
	e->sim = sim;
	e->host = *host;
	*out = e;
	return SS_OK;
}

void ss_prog_env_free(ss_prog_env *e)
{
	if (!e)
		return;
	free(e->bus);
	free(e);
}

int ss_prog_env_bus(ss_prog_env *e, ss_bus *bus, double cap, int *slot)
{
	if (!bus || !(cap > 0))
		return SS_EINVAL;
	if (ss_grow(&e->bus, &e->buscap, e->nbus + 1, sizeof *e->bus, 2))
		return SS_ENOMEM;
	e->bus[e->nbus] = (env_bus){.bus = bus, .cap = cap};
	*slot = (int)e->nbus++;
	return SS_OK;
}

void ss_prog_env_set_trace(ss_prog_env *e, ss_prog_trace_fn fn, void *ud)
{
	e->trace = fn;
	e->trace_ud = ud;
}

const ss_prog_ledger *ss_prog_env_ledger(const ss_prog_env *e) { return &e->led; }
void ss_prog_env_reset(ss_prog_env *e) { memset(&e->led, 0, sizeof e->led); }

/* ---------------- running a program ---------------- */

void ss_prog_thread_init(ss_prog_thread *t, ss_prog_env *e, uint32_t id)
{
	memset(t, 0, sizeof *t);
	ss_thread_init(&t->th, id);
	t->env = e;
}

static void run(ss_sim *sim, ss_prog_thread *t);

static void trace(ss_prog_env *e, ss_prog_thread *t, ss_time t0, ss_time t1, const char *what)
{
	if (e->trace && t1 > t0 && what)
		e->trace(e->trace_ud, t, t0, t1, what);
}

static ss_prog_state *state_of(ss_prog_env *e, ss_prog_thread *t, int slot)
{
	ss_prog_state *s = e->host.state ? e->host.state(e->host.ud, t, slot) : NULL;
	if (!s)
		ss_fatal(SS_LOC, "program state slot %d has no state for thread %u", slot, (unsigned)t->th.id);
	return s;
}

static void step_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_prog_thread *t = ctx;
	t->pc++;
	run(sim, t);
}

static void mem_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_prog_thread *t = ctx;
	ss_prog_env *e = t->env;
	ss_time now = ss_sim_now(sim);
	double el = (double)(now - t->mark);
	double own = t->xfer / e->bus[t->bus].cap;
	/* Beyond its own miss time the processor queued for the bus. */
	ss_cpu_hold_end_queued(e->host.cpu, &t->th, el > own ? (ss_time)(el - own) : 0);
	int mig = t->reloading || t->prog->v[t->pc].kind == SS_PROG_MIGRATE;
	trace(e, t, t->mark, now, mig ? "state migration" : "memory");
	if (t->reloading) {
		e->led.migrate += el;
		t->reloading = 0;
		t->pc = 0;
		run(sim, t);
		return;
	}
	if (mig)
		e->led.migrate += el;
	else {
		e->led.memory += own < el ? own : el;
		e->led.bus_wait += el > own ? el - own : 0;
	}
	t->pc++;
	run(sim, t);
}

static void locked(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_prog_thread *t = ctx;
	ss_prog_env *e = t->env;
	e->led.lock_wait += (double)(ss_sim_now(sim) - t->mark);
	/* A blocking lock hands the thread back with a processor; one given
	   without (a pool-less lock) has nothing to trace. */
	if (t->th.cpu >= 0)
		trace(e, t, t->mark, ss_sim_now(sim), t->prog->v[t->pc].what ? t->prog->v[t->pc].what : "wait lock");
	t->pc++;
	run(sim, t);
}

static void bus_move(ss_sim *sim, ss_prog_thread *t, int bus, double bytes)
{
	ss_prog_env *e = t->env;
	if ((size_t)bus >= e->nbus)
		ss_fatal(SS_LOC, "program bus slot %d: the environment has %zu bus(es)", bus, e->nbus);
	t->mark = ss_sim_now(sim);
	ss_cpu_hold_begin(e->host.cpu, &t->th, SS_CPU_TAG_STALL);
	t->xfer = bytes;
	t->bus = bus;
	ss_bus_transfer(e->bus[bus].bus, bytes, mem_done, t, 0);
}

void ss_prog_next(ss_sim *sim, void *thread, uint64_t unused)
{
	(void)unused;
	ss_prog_thread *t = thread;
	ss_prog_env *e = t->env;
	const ss_prog_step *s = &t->prog->v[t->pc];
	e->led.device += (double)(ss_sim_now(sim) - t->mark);
	trace(e, t, t->mark, ss_sim_now(sim), s->what ? s->what : ss_prog_kind_name(s->kind));
	t->pc++;
	run(sim, t);
}

static void run(ss_sim *sim, ss_prog_thread *t)
{
	ss_prog_env *e = t->env;
	const ss_prog *p = t->prog;
	while (t->pc < p->n) {
		const ss_prog_step *o = &p->v[t->pc];
		switch (o->kind) {
		case SS_PROG_COMPUTE: {
			ss_time d = o->dur;
			if (e->host.cost_cv > 0 && e->host.rng) {
				double f = 1 + e->host.cost_cv * ss_rng_gaussian(e->host.rng);
				d = (ss_time)((double)d * (f > 0 ? f : 0));
			}
			e->led.compute[o->tag] += (double)d;
			trace(e, t, ss_sim_now(sim), ss_sim_now(sim) + d, o->what ? o->what : "compute");
			ss_cpu_compute(e->host.cpu, &t->th, d, o->tag, step_done, t, 0);
			return;
		}
		case SS_PROG_MEM:
			bus_move(sim, t, o->bus, o->bytes);
			return;
		case SS_PROG_LOCK:
			t->mark = ss_sim_now(sim);
			ss_lock_acquire(state_of(e, t, o->slot)->lock, &t->th, locked, t, 0);
			return;
		case SS_PROG_UNLOCK:
			ss_lock_release(state_of(e, t, o->slot)->lock, &t->th);
			break;
		case SS_PROG_MIGRATE: {
			ss_prog_state *s = state_of(e, t, o->slot);
			int moved = s->cpu >= 0 && s->cpu != t->th.cpu && o->bytes > 0;
			s->cpu = t->th.cpu;
			if (moved) {
				bus_move(sim, t, o->bus, o->bytes);
				return;
			}
			break;
		}
		case SS_PROG_EXEC:
			if (e->host.exec)
				e->host.exec(e->host.ud, t, o->slot);
			break;
		case SS_PROG_WAIT:
			t->mark = ss_sim_now(sim);
			if (e->host.device)
				e->host.device(e->host.ud, t, o);
			else
				ss_sim_after(sim, o->dur, ss_prog_next, t, 0);
			return;
		case SS_PROG_DMA:
		case SS_PROG_OFFLOAD:
		case SS_PROG_PUT:
		case SS_PROG_GET:
		case SS_PROG_SEND:
			if (!e->host.device)
				ss_fatal(SS_LOC, "a %s step needs the host's device callback", ss_prog_kind_name(o->kind));
			t->mark = ss_sim_now(sim);
			e->host.device(e->host.ud, t, o);
			return;
		case SS_PROG_NKINDS:
			break;
		}
		t->pc++;
	}
	e->host.done(e->host.ud, t);
}

void ss_prog_start(ss_prog_thread *t, const ss_prog *p, int bus, double reload)
{
	ss_sim *sim = t->env->sim;
	t->prog = p;
	if (reload > 0) {
		t->reloading = 1;
		t->pc = 0;
		bus_move(sim, t, bus, reload);
		return;
	}
	t->pc = 0;
	run(sim, t);
}
