/* Validation model "amdahl": threads loop over a parallel part on their
   processor and a serial part inside one lock. Throughput is bounded by
   min(n / T, 1 / (f T)) (exact for deterministic times; Amdahl's law is the
   same bound seen as a speedup), and for exponential times with a
   processor per thread the system is a closed product-form network that
   MVA solves exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ss_cpu.h"
#include "ss_err.h"
#include "ss_lock.h"
#include "ss_model.h"
#include "ss_queueing.h"
#include "ss_rng.h"

typedef struct worker {
	ss_thread th;
	struct amodel *m;
} worker;

typedef struct amodel {
	ss_sim *sim;
	int procs, threads, exp;
	double work, f;       /* s per iteration, serial fraction */
	ss_cpu_pool *pool;
	ss_lock *lock;
	ss_rng *rng;
	worker *w;
	double done, done_window;
	ss_time window;
} amodel;

static const ss_param_def amdahl_params[] = {
	{.name = "processors", .type = SS_PARAM_INT, .def = "4", .min = 1, .max = 4096,
	 .unit = "", .help = "processors in the pool"},
	{.name = "threads", .type = SS_PARAM_INT, .def = "0", .min = 0, .max = 100000,
	 .unit = "", .help = "threads (0: one per processor)"},
	{.name = "work", .type = SS_PARAM_REAL, .def = "1e-3", .min = 1e-12, .max = 1e6,
	 .unit = "s", .help = "mean work per iteration T"},
	{.name = "serial_fraction", .type = SS_PARAM_REAL, .def = "0.1", .min = 0, .max = 1,
	 .unit = "", .help = "fraction f of T done holding the lock"},
	{.name = "times", .type = SS_PARAM_STRING, .def = "det",
	 .choices = "det|exp", .unit = "", .help = "deterministic or exponential work"},
	{.name = "lock", .type = SS_PARAM_STRING, .def = "spin",
	 .choices = "spin|block", .unit = "", .help = "waiters spin or block"},
	{.name = "context_switch", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1,
	 .unit = "s", .help = "context-switch cost"},
};

static const ss_metric_def amdahl_metrics[] = {
	{.name = "X", .unit = "1/s", .help = "iterations per second"},
	{.name = "speedup", .unit = "x", .help = "X * T: throughput relative to one thread alone"},
	{.name = "bound", .unit = "x", .help = "operational bound min(n, 1/f) on the speedup"},
	{.name = "amdahl", .unit = "x", .help = "Amdahl's law 1/(f + (1-f)/n) for comparison"},
	{.name = "speedup_theory", .unit = "x", .help = "exact MVA speedup (exponential times, processor per thread)"},
};

static ss_time draw(amodel *m, double mean)
{
	return ss_time_from_s(m->exp ? ss_rng_exponential(m->rng, mean) : mean);
}

static void begin(ss_sim *sim, void *ctx, uint64_t arg);

static void serial_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	worker *w = ctx;
	amodel *m = w->m;
	ss_lock_release(m->lock, &w->th);
	ss_cpu_release(m->pool, &w->th);
	m->done += 1;
	m->done_window += 1;
	begin(sim, w, 0);
}

static void locked(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	worker *w = ctx;
	amodel *m = w->m;
	ss_cpu_compute(m->pool, &w->th, draw(m, m->f * m->work), 1, serial_done, w, 0);
}

static void parallel_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	worker *w = ctx;
	ss_lock_acquire(w->m->lock, &w->th, locked, w, 0);
}

static void running(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	worker *w = ctx;
	amodel *m = w->m;
	ss_cpu_compute(m->pool, &w->th, draw(m, (1 - m->f) * m->work), 0, parallel_done, w, 0);
}

static void begin(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	worker *w = ctx;
	ss_cpu_acquire(w->m->pool, &w->th, running, w, 0);
}

static void amdahl_destroy(void *st)
{
	amodel *m = st;
	free(m->w);
	free(m);
}

static int amdahl_create(ss_sim *sim, const ss_params *p, void **state, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	amodel *m = calloc(1, sizeof *m);
	if (!m)
		return SS_ENOMEM;
	m->sim = sim;
	m->procs = (int)ss_params_int(p, "processors");
	m->threads = (int)ss_params_int(p, "threads");
	if (m->threads == 0)
		m->threads = m->procs;
	m->work = ss_params_real(p, "work");
	m->f = ss_params_real(p, "serial_fraction");
	m->exp = !strcmp(ss_params_string(p, "times"), "exp");
	ss_lock_kind kind = strcmp(ss_params_string(p, "lock"), "spin") ? SS_LOCK_BLOCK : SS_LOCK_SPIN;
	int rc = ss_cpu_pool_alloc(&m->pool, sim, "cpu", m->procs, ss_time_from_s(ss_params_real(p, "context_switch")));
	if (rc == SS_OK) {
		ss_cpu_tag_name(m->pool, 0, "parallel");
		ss_cpu_tag_name(m->pool, 1, "serial");
		rc = ss_lock_alloc(&m->lock, sim, "lock", kind, m->pool);
	}
	m->rng = ss_sim_rng(sim, "amdahl.work");
	m->w = calloc((size_t)m->threads, sizeof *m->w);
	if (rc == SS_OK && (!m->rng || !m->w))
		rc = SS_ENOMEM;
	if (rc) {
		amdahl_destroy(m);
		return rc;
	}
	for (int i = 0; i < m->threads; i++) {
		ss_thread_init(&m->w[i].th, (uint32_t)i);
		m->w[i].m = m;
		ss_sim_after(sim, 0, begin, &m->w[i], 0);
	}
	*state = m;
	return SS_OK;
}

static void amdahl_reset(void *st)
{
	amodel *m = st;
	m->done_window = 0;
	m->window = ss_sim_now(m->sim);
}

static void amdahl_collect(void *st, ss_metrics *out)
{
	amodel *m = st;
	double span = ss_time_to_s(ss_sim_now(m->sim) - m->window);
	double x = span > 0 ? m->done_window / span : 0;
	int n = m->threads < m->procs ? m->threads : m->procs;
	ss_metrics_set(out, "X", "1/s", x);
	ss_metrics_set(out, "speedup", "x", x * m->work);
	ss_metrics_set(out, "bound", "x", ss_qt_lock_bound(n, (1 - m->f) * m->work, m->f * m->work) * m->work);
	ss_metrics_set(out, "amdahl", "x", ss_qt_amdahl(n, m->f));
	if (m->exp && m->threads <= m->procs && m->f > 0) {
		double xt, r;
		ss_qt_mva(m->threads, m->f * m->work, (1 - m->f) * m->work, &xt, &r);
		ss_metrics_set(out, "speedup_theory", "x", xt * m->work);
	}
}

static double amdahl_progress(void *st) { return ((amodel *)st)->done; }

const ss_model_type ss_model_amdahl = {
	.name = "amdahl",
	.help = "threads with a serial part under one lock: the lock bound and Amdahl's law",
	.params = amdahl_params,
	.nparams = sizeof amdahl_params / sizeof amdahl_params[0],
	.metrics = amdahl_metrics,
	.nmetrics = sizeof amdahl_metrics / sizeof amdahl_metrics[0],
	.primary = "X",
	.create = amdahl_create,
	.reset = amdahl_reset,
	.collect = amdahl_collect,
	.progress = amdahl_progress,
	.destroy = amdahl_destroy,
};
