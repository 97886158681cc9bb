/* Validation model "queue": an open queue in front of one kernel resource
   (a processor pool, a lock, or a bus), fed by a renewal arrival process.
   Configured as M/M/1, M/M/c, M/D/1 or M/G/1-PS it has closed-form answers
   (ss_queueing.h), which the tests hold the kernel to. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ss_bus.h"
#include "ss_cpu.h"
#include "ss_err.h"
#include "ss_grow.h"
#include "ss_lock.h"
#include "ss_model.h"
#include "ss_queueing.h"
#include "ss_rng.h"
#include "ss_stats.h"

enum { RES_CPU, RES_LOCK, RES_BUS };

typedef struct customer {
	ss_thread th;
	ss_time arrived, service;
	struct customer *next_free;
	struct qmodel *m;
} customer;

typedef struct qmodel {
	ss_sim *sim;
	int res, c;
	double lambda, s;          /* arrival rate 1/s, mean service s */
	ss_dist arr, svc;          /* scaled to 1/lambda and s */
	double bus_bw;             /* bytes/s when res == bus */
	int ps;                    /* bus under processor sharing */
	ss_cpu_pool *pool;
	ss_lock *lock;
	ss_bus *bus;
	ss_rng *rng_arr, *rng_svc;
	customer *free;
	customer **blocks;         /* every customer allocated, for destroy */
	size_t nblocks, capblocks;
	uint32_t next_id;
	size_t present;
	ss_timeavg l;              /* number present */
	ss_tally w, wq;            /* response and waiting times, s */
	double done;               /* departures since start (progress) */
	double done_window;        /* departures in the window */
	ss_time window;
} qmodel;

static const ss_param_def queue_params[] = {
	{.name = "resource", .type = SS_PARAM_STRING, .def = "cpu",
	 .choices = "cpu|lock|bus", .unit = "", .help = "kernel resource the customers queue for"},
	{.name = "servers", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 1024,
	 .unit = "", .help = "processors (resource = cpu only)"},
	{.name = "arrival_rate", .type = SS_PARAM_REAL, .def = "0.5", .min = 1e-9, .max = 1e12,
	 .unit = "1/s", .help = "mean arrival rate lambda"},
	{.name = "service_mean", .type = SS_PARAM_REAL, .def = "1", .min = 1e-12, .max = 1e9,
	 .unit = "s", .help = "mean service time S"},
	{.name = "arrival", .type = SS_PARAM_DIST, .def = "exp(1)",
	 .unit = "", .help = "interarrival shape, rescaled to mean 1/lambda"},
	{.name = "service", .type = SS_PARAM_DIST, .def = "exp(1)",
	 .unit = "", .help = "service shape, rescaled to mean S"},
	{.name = "bus_arbitration", .type = SS_PARAM_STRING, .def = "fifo",
	 .choices = "fifo|ps", .unit = "", .help = "bus only: FIFO or processor sharing"},
	{.name = "bus_bandwidth", .type = SS_PARAM_REAL, .def = "1e9", .min = 1, .max = 1e15,
	 .unit = "bytes/s", .help = "bus only: service time S moves S*bandwidth bytes"},
};

static const ss_metric_def queue_metrics[] = {
	{.name = "W", .unit = "s", .help = "mean response time (wait + service)"},
	{.name = "Wq", .unit = "s", .help = "mean waiting time before service"},
	{.name = "L", .unit = "customers", .help = "time-average number present"},
	{.name = "X", .unit = "1/s", .help = "throughput (departures per second)"},
	{.name = "W_theory", .unit = "s", .help = "closed-form mean response time, where one exists"},
};

static customer *customer_get(qmodel *m)
{
	customer *c = m->free;
	if (c) {
		m->free = c->next_free;
		return c;
	}
	if (ss_grow(&m->blocks, &m->capblocks, m->nblocks + 1, sizeof *m->blocks, 16))
		ss_fatal(SS_LOC, "out of memory for customers");
	if (!(c = malloc(sizeof *c)))
		ss_fatal(SS_LOC, "out of memory for customers");
	m->blocks[m->nblocks++] = c;
	ss_thread_init(&c->th, m->next_id++);
	c->m = m;
	return c;
}

static void depart(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	customer *c = ctx;
	qmodel *m = c->m;
	ss_time now = ss_sim_now(sim);
	double w = ss_time_to_s(now - c->arrived);
	ss_tally_add(&m->w, w);
	double wq = w - ss_time_to_s(c->service);
	ss_tally_add(&m->wq, wq > 0 ? wq : 0);
	m->present--;
	ss_timeavg_set(&m->l, now, (double)m->present);
	m->done += 1;
	m->done_window += 1;
	c->next_free = m->free;
	m->free = c;
}

static void lock_granted(ss_sim *sim, void *ctx, uint64_t arg);

static void lock_release(ss_sim *sim, void *ctx, uint64_t arg)
{
	customer *c = ctx;
	ss_lock_release(c->m->lock, &c->th);
	depart(sim, ctx, arg);
}

static void lock_granted(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	customer *c = ctx;
	ss_sim_after(sim, c->service, lock_release, c, 0);
}

static void arrive(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	qmodel *m = ctx;
	ss_time now = ss_sim_now(sim);
	customer *c = customer_get(m);
	c->arrived = now;
	c->service = ss_time_from_s(ss_dist_draw(&m->svc, m->rng_svc));
	m->present++;
	ss_timeavg_set(&m->l, now, (double)m->present);
	switch (m->res) {
	case RES_CPU:
		ss_cpu_serve(m->pool, &c->th, c->service, 0, depart, c, 0);
		break;
	case RES_LOCK:
		ss_lock_acquire(m->lock, &c->th, lock_granted, c, 0);
		break;
	case RES_BUS:
		ss_bus_transfer(m->bus, ss_time_to_s(c->service) * m->bus_bw, depart, c, 0);
		break;
	}
	ss_sim_after(sim, ss_time_from_s(ss_dist_draw(&m->arr, m->rng_arr)), arrive, m, 0);
}

static void queue_destroy(void *st)
{
	qmodel *m = st;
	for (size_t i = 0; i < m->nblocks; i++)
		free(m->blocks[i]);
	free(m->blocks);
	free(m);
}

static int queue_create(ss_sim *sim, const ss_params *p, void **state, char *err, size_t errlen)
{
	qmodel *m = calloc(1, sizeof *m);
	if (!m)
		return SS_ENOMEM;
	m->sim = sim;
	const char *res = ss_params_string(p, "resource");
	m->res = !strcmp(res, "cpu") ? RES_CPU : !strcmp(res, "lock") ? RES_LOCK : RES_BUS;
	m->c = (int)ss_params_int(p, "servers");
	if (m->res != RES_CPU && m->c != 1) {
		ss_errbuf(err, errlen, "'servers' must be 1 when resource is %s", res);
		free(m);
		return SS_EINVAL;
	}
	m->lambda = ss_params_real(p, "arrival_rate");
	m->s = ss_params_real(p, "service_mean");
	ss_dist a = ss_params_dist(p, "arrival"), s = ss_params_dist(p, "service");
	if (!isfinite(ss_dist_mean(&a)) || !isfinite(ss_dist_mean(&s)) ||
	    ss_dist_mean(&a) <= 0 || ss_dist_mean(&s) <= 0) {
		ss_errbuf(err, errlen, "'arrival' and 'service' need a finite, positive mean");
		free(m);
		return SS_EINVAL;
	}
	m->arr = ss_dist_with_mean(&a, 1.0 / m->lambda);
	m->svc = ss_dist_with_mean(&s, m->s);
	m->bus_bw = ss_params_real(p, "bus_bandwidth");
	m->rng_arr = ss_sim_rng(sim, "queue.arrivals");
	m->rng_svc = ss_sim_rng(sim, "queue.service");
	int rc = SS_ENOMEM;
	if (!m->rng_arr || !m->rng_svc)
		goto fail;
	switch (m->res) {
	case RES_CPU:
		rc = ss_cpu_pool_alloc(&m->pool, sim, "cpu", m->c, 0);
		break;
	case RES_LOCK:
		rc = ss_lock_alloc(&m->lock, sim, "lock", SS_LOCK_BLOCK, NULL);
		break;
	case RES_BUS: {
		m->ps = !strcmp(ss_params_string(p, "bus_arbitration"), "ps");
		ss_bus_arb arb = m->ps ? SS_BUS_PS : SS_BUS_FIFO;
		rc = ss_bus_alloc(&m->bus, sim, "bus", m->bus_bw, 0, arb);
		break;
	}
	}
	if (rc)
		goto fail;
	ss_timeavg_init(&m->l, 0, 0);
	ss_sim_after(sim, ss_time_from_s(ss_dist_draw(&m->arr, m->rng_arr)), arrive, m, 0);
	*state = m;
	return SS_OK;
fail:
	queue_destroy(m);
	return rc;
}

static void queue_reset(void *st)
{
	qmodel *m = st;
	ss_time now = ss_sim_now(m->sim);
	ss_timeavg_reset(&m->l, now);
	ss_tally_reset(&m->w);
	ss_tally_reset(&m->wq);
	m->done_window = 0;
	m->window = now;
}

/* The closed form for this configuration, or NAN where none applies. */
static double queue_theory(const qmodel *m)
{
	if (m->arr.kind != SS_DIST_EXP)
		return NAN; /* every form below needs Poisson arrivals */
	if (m->ps)
		return ss_qt_ps_response(m->lambda, m->s);
	double scv = ss_dist_scv(&m->svc);
	if (m->c > 1)
		return m->svc.kind == SS_DIST_EXP ? ss_qt_mmc_response(m->lambda, m->s, m->c) : NAN;
	return ss_qt_mg1_response(m->lambda, m->s, scv);
}

static void queue_collect(void *st, ss_metrics *out)
{
	qmodel *m = st;
	ss_time now = ss_sim_now(m->sim);
	double span = ss_time_to_s(now - m->window);
	ss_metrics_set(out, "W", "s", ss_tally_mean(&m->w));
	ss_metrics_set(out, "Wq", "s", ss_tally_mean(&m->wq));
	ss_metrics_set(out, "L", "customers", ss_timeavg_mean(&m->l, now));
	ss_metrics_set(out, "X", "1/s", span > 0 ? m->done_window / span : 0);
	double th = queue_theory(m);
	if (isfinite(th))
		ss_metrics_set(out, "W_theory", "s", th);
}

static double queue_progress(void *st) { return ((qmodel *)st)->done; }

const ss_model_type ss_model_queue = {
	.name = "queue",
	.help = "open queue in front of a processor pool, lock or bus (queueing validation)",
	.params = queue_params,
	.nparams = sizeof queue_params / sizeof queue_params[0],
	.metrics = queue_metrics,
	.nmetrics = sizeof queue_metrics / sizeof queue_metrics[0],
	.primary = "W",
	.create = queue_create,
	.reset = queue_reset,
	.collect = queue_collect,
	.progress = queue_progress,
	.destroy = queue_destroy,
};
