/* The replication runner. */
#include "ss_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"
#include "ss_rng.h"
#include "ss_stats.h"

uint64_t ss_model_rep_seed(uint64_t seed, int r)
{
	return ss_rng_mix(ss_rng_mix(seed) + (uint64_t)r);
}

#define SLICES 100       /* slices per measured period: interrupt polling */
#define MSER_SLICES 200  /* slices of an automatic warm-up pilot */
#define MSER_ROUNDS 4    /* pilot doublings before giving up */

static int interrupted(const ss_run_spec *s)
{
	return s->interrupt && *s->interrupt;
}

/* Runs [now, now + len] in `slices` steps, recording the primary output's
   rate per slice into rates (if not NULL). */
static int run_slices(ss_sim *sim, const ss_run_spec *spec, void *st, double len,
		      int slices, double *rates)
{
	ss_time t0 = ss_sim_now(sim), span = ss_time_from_s(len);
	/* Slice ends floor(span i / slices) in integers: in floating point
	   they land a few ps off once span * slices passes 2^53 ps, the last
	   one too, and the window is then not its stated length. */
	ss_time q = span / slices, r = span % slices;
	double last = (rates && spec->type->progress) ? spec->type->progress(st) : 0;
	for (int i = 1; i <= slices; i++) {
		ss_time t = t0 + q * i + r * i / slices;
		ss_sim_run_until(sim, t);
		if (rates) {
			double now = spec->type->progress(st);
			rates[i - 1] = now - last;
			last = now;
		}
		if (interrupted(spec))
			return SS_EINTR;
	}
	return SS_OK;
}

/* The warm-up: fixed, or MSER-5 on pilots. */
static int warm_up(ss_sim *sim, const ss_run_spec *spec, void *st, ss_run_info *info, char *err, size_t errlen)
{
	int rc = SS_OK;
	if (spec->warmup >= 0) {
		rc = run_slices(sim, spec, st, spec->warmup, spec->warmup > 0 ? 10 : 1, NULL);
		info->warmup_used = spec->warmup;
		return rc;
	}
	if (!spec->type->progress) {
		ss_errbuf(err, errlen, "model '%s' has no progress measure: give a fixed warm-up", spec->type->name);
		return SS_EINVAL;
	}
	/* MSER-5 on a pilot as long as the measurement; if the rule cuts more
	   than half the pilot, the transient is longer: run a longer pilot.
	   The warm-up ends at the end of the pilot, which is at least the
	   detected truncation point. */
	double rates[MSER_SLICES];
	double pilot = spec->duration;
	for (int round = 0; round < MSER_ROUNDS && rc == SS_OK; round++) {
		rc = run_slices(sim, spec, st, pilot, MSER_SLICES, rates);
		if (rc)
			break;
		info->warmup_used += pilot;
		size_t cut = ss_mser5(rates, MSER_SLICES);
		info->mser_cut = cut;
		if (cut < MSER_SLICES / 2)
			break;
		pilot *= 2;
	}
	return rc;
}

double ss_model_run_span(double warmup, double duration, int batches)
{
	double pilots = (double)((1 << MSER_ROUNDS) - 1) * duration;
	return (warmup < 0 ? pilots : warmup) + (double)batches * duration;
}

int ss_model_run_batches(const ss_run_spec *spec, int batches, ss_batch_fn fn, void *ud, char *err, size_t errlen)
{
	ss_run_info info;
	memset(&info, 0, sizeof info);
	/* A duration under half a picosecond rounds to no measurement. */
	if (!(spec->duration > 0) || ss_time_from_s(spec->duration) < 1 || batches < 1 || isnan(spec->warmup)) {
		ss_errbuf(err, errlen, "the measured duration must be at least one picosecond and batches >= 1");
		return SS_EINVAL;
	}
	double span = ss_model_run_span(spec->warmup, spec->duration, batches);
	if (!(span <= SS_RUN_MAX_S)) {
		ss_errbuf(err, errlen, "warm-up and measurement span %.6g s of simulated time, past the clock's %.6g s",
			  span, SS_RUN_MAX_S);
		return SS_EINVAL;
	}
	ss_sim *sim = NULL;
	int rc = ss_sim_alloc(&sim, spec->seed);
	if (rc)
		return rc;
	void *st = NULL;
	rc = spec->type->create(sim, spec->params, &st, err, errlen);
	if (rc) {
		ss_sim_free(sim);
		return rc;
	}
	rc = warm_up(sim, spec, st, &info, err, errlen);
	ss_metrics m;
	ss_metrics_init(&m);
	for (int b = 0; b < batches && rc == SS_OK; b++) {
		/* Each batch is a fresh statistics window of the same run. */
		ss_sim_reset_stats(sim);
		if (spec->type->reset)
			spec->type->reset(st);
		ss_time t0 = ss_sim_now(sim);
		uint64_t e0 = ss_sim_events(sim);
		rc = run_slices(sim, spec, st, spec->duration, SLICES, NULL);
		if (rc)
			break;
		info.measured = ss_time_to_s(ss_sim_now(sim) - t0);
		info.events = b == 0 ? ss_sim_events(sim) : ss_sim_events(sim) - e0;
		ss_metrics_clear(&m);
		spec->type->collect(st, &m);
		ss_sim_report(sim, &m);
		rc = fn(ud, b, &m, &info);
	}
	ss_metrics_fini(&m);
	spec->type->destroy(st);
	ss_sim_free(sim);
	return rc;
}

typedef struct one {
	ss_metrics *out;
	ss_run_info *info;
} one;

static int keep_one(void *ud, int batch, const ss_metrics *m, const ss_run_info *info)
{
	(void)batch;
	one *o = ud;
	*o->info = *info;
	for (size_t i = 0; i < m->n; i++)
		if (ss_metrics_set(o->out, m->v[i].name, m->v[i].unit, m->v[i].value))
			return SS_ENOMEM;
	memcpy(o->out->bottleneck, m->bottleneck, sizeof m->bottleneck);
	o->out->bottleneck_util = m->bottleneck_util;
	return SS_OK;
}

int ss_model_run(const ss_run_spec *spec, ss_metrics *out, ss_run_info *info, char *err, size_t errlen)
{
	memset(info, 0, sizeof *info);
	one o = {out, info};
	return ss_model_run_batches(spec, 1, keep_one, &o, err, errlen);
}
