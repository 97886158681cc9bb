/* Validation model "closed": n customers alternate between thinking (a
   delay, no resource) and service at a processor pool: the classic
   terminal system, solved exactly by mean-value analysis. */
#include <math.h>
#include <stdlib.h>

#include "ss_cpu.h"
#include "ss_err.h"
#include "ss_model.h"
#include "ss_queueing.h"
#include "ss_rng.h"
#include "ss_stats.h"

typedef struct user {
	ss_thread th;
	ss_time asked, service;
	struct cmodel *m;
} user;

typedef struct cmodel {
	ss_sim *sim;
	int n, c;
	double z, s;
	ss_dist think, svc;
	ss_cpu_pool *pool;
	ss_rng *rng_think, *rng_svc;
	user *users;
	ss_tally r;          /* response time at the station, s */
	double done, done_window;
	ss_time window;
} cmodel;

static const ss_param_def closed_params[] = {
	{.name = "customers", .type = SS_PARAM_INT, .def = "10", .min = 1, .max = 100000,
	 .unit = "", .help = "customers in the loop, n"},
	{.name = "servers", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 1024,
	 .unit = "", .help = "processors at the station"},
	{.name = "think_mean", .type = SS_PARAM_REAL, .def = "5", .min = 0, .max = 1e9,
	 .unit = "s", .help = "mean think time Z"},
	{.name = "service_mean", .type = SS_PARAM_REAL, .def = "1", .min = 1e-12, .max = 1e9,
	 .unit = "s", .help = "mean service demand D"},
	{.name = "think", .type = SS_PARAM_DIST, .def = "exp(1)",
	 .unit = "", .help = "think-time shape, rescaled to Z"},
	{.name = "service", .type = SS_PARAM_DIST, .def = "exp(1)",
	 .unit = "", .help = "service shape, rescaled to D"},
};

static const ss_metric_def closed_metrics[] = {
	{.name = "X", .unit = "1/s", .help = "throughput"},
	{.name = "R", .unit = "s", .help = "mean response time at the station"},
	{.name = "X_theory", .unit = "1/s", .help = "exact MVA throughput (one server, exponential service)"},
	{.name = "R_theory", .unit = "s", .help = "exact MVA response time"},
};

static void think_done(ss_sim *sim, void *ctx, uint64_t arg);

static void served(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	user *u = ctx;
	cmodel *m = u->m;
	ss_tally_add(&m->r, ss_time_to_s(ss_sim_now(sim) - u->asked));
	m->done += 1;
	m->done_window += 1;
	ss_sim_after(sim, ss_time_from_s(ss_dist_draw(&m->think, m->rng_think)), think_done, u, 0);
}

static void think_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	user *u = ctx;
	cmodel *m = u->m;
	u->asked = ss_sim_now(sim);
	ss_cpu_serve(m->pool, &u->th, ss_time_from_s(ss_dist_draw(&m->svc, m->rng_svc)), 0, served, u, 0);
}

static void closed_destroy(void *st)
{
	cmodel *m = st;
	free(m->users);
	free(m);
}

static int closed_create(ss_sim *sim, const ss_params *p, void **state, char *err, size_t errlen)
{
	cmodel *m = calloc(1, sizeof *m);
	if (!m)
		return SS_ENOMEM;
	m->sim = sim;
	m->n = (int)ss_params_int(p, "customers");
	m->c = (int)ss_params_int(p, "servers");
	m->z = ss_params_real(p, "think_mean");
	m->s = ss_params_real(p, "service_mean");
	ss_dist t = ss_params_dist(p, "think"), s = ss_params_dist(p, "service");
	if (!isfinite(ss_dist_mean(&t)) || !isfinite(ss_dist_mean(&s)) || ss_dist_mean(&s) <= 0) {
		ss_errbuf(err, errlen, "'think' and 'service' need finite means");
		free(m);
		return SS_EINVAL;
	}
	m->think = ss_dist_with_mean(&t, m->z);
	m->svc = ss_dist_with_mean(&s, m->s);
	m->users = calloc((size_t)m->n, sizeof *m->users);
	m->rng_think = ss_sim_rng(sim, "closed.think");
	m->rng_svc = ss_sim_rng(sim, "closed.service");
	int rc = ss_cpu_pool_alloc(&m->pool, sim, "cpu", m->c, 0);
	if (rc == SS_OK && (!m->users || !m->rng_think || !m->rng_svc))
		rc = SS_ENOMEM;
	if (rc) {
		closed_destroy(m);
		return rc;
	}
	for (int i = 0; i < m->n; i++) {
		user *u = &m->users[i];
		ss_thread_init(&u->th, (uint32_t)i);
		u->m = m;
		ss_sim_after(sim, ss_time_from_s(ss_dist_draw(&m->think, m->rng_think)), think_done, u, 0);
	}
	*state = m;
	return SS_OK;
}

static void closed_reset(void *st)
{
	cmodel *m = st;
	ss_tally_reset(&m->r);
	m->done_window = 0;
	m->window = ss_sim_now(m->sim);
}

static void closed_collect(void *st, ss_metrics *out)
{
	cmodel *m = st;
	double span = ss_time_to_s(ss_sim_now(m->sim) - m->window);
	ss_metrics_set(out, "X", "1/s", span > 0 ? m->done_window / span : 0);
	ss_metrics_set(out, "R", "s", ss_tally_mean(&m->r));
	/* MVA is exact for one exponential FCFS server; the delay station is
	   insensitive to the think-time distribution. */
	if (m->c == 1 && m->svc.kind == SS_DIST_EXP) {
		double x, r;
		ss_qt_mva(m->n, m->s, m->z, &x, &r);
		ss_metrics_set(out, "X_theory", "1/s", x);
		ss_metrics_set(out, "R_theory", "s", r);
	}
}

static double closed_progress(void *st) { return ((cmodel *)st)->done; }

const ss_model_type ss_model_closed = {
	.name = "closed",
	.help = "closed terminal system: customers think, then queue for a processor pool",
	.params = closed_params,
	.nparams = sizeof closed_params / sizeof closed_params[0],
	.metrics = closed_metrics,
	.nmetrics = sizeof closed_metrics / sizeof closed_metrics[0],
	.primary = "X",
	.create = closed_create,
	.reset = closed_reset,
	.collect = closed_collect,
	.progress = closed_progress,
	.destroy = closed_destroy,
};
