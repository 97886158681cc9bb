/* The sweep: the work list, the store and the local thread pool. Work
   items are (point, replication) pairs, or a point's batch-means run;
   in precision mode a point's replications are handed out one after
   the other until its interval is narrow enough. A driver (the thread
   pool here, the MPI ranks in mpi_sweep.c) takes items, computes them
   and hands the results back (ss_sweep_exec.h). Each run is a pure
   function of (scenario, point, replication seed), so the stored
   metrics do not depend on the driver, the number of workers or their
   timing. */
#include "ss_sweep.h"

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ss_db.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_grow.h"
#include "ss_metrics.h"
#include "ss_model.h"
#include "ss_mpi.h"
#include "ss_progress.h"
#include "ss_provenance.h"
#include "ss_stats.h"
#include "ss_sweep_exec.h"

/* Precision mode: where each point stands. */
typedef struct prec_point {
	int rep;      /* next replication to consider */
	int busy;     /* that replication is being computed */
	int finished; /* target reached, or the cap */
} prec_point;

struct ss_sweep {
	const ss_scenario *s;
	const ss_sweep_opts *o;
	ss_point *pts;
	char *config;
	ss_sweep_item *jobs; /* fixed replications and batch means */
	size_t njobs, next, total_runs, npts;
	prec_point *prec;    /* precision mode, one per point */
	size_t *ready;       /* precision mode: points to go on with, a stack */
	size_t nready, cursor;
	size_t *left;        /* items of each point not yet finished */
	size_t inflight;     /* items handed out, not yet finished */
	ss_db *db;
	ss_provenance *prov; /* per point */
	int registered;      /* this process holds the sweep's row in the store */
	char host[256];      /* recorded with every run */
	int rc;
	char err[1024];
	ss_progress *progress;
	ss_progress_state ps;
};

double ss_sweep_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void set_error(ss_sweep *sh, int rc, const char *msg)
{
	if (sh->rc == SS_OK || sh->rc == SS_EINTR) {
		sh->rc = rc;
		snprintf(sh->err, sizeof sh->err, "%s", msg);
	}
}

void ss_sweep_abort(ss_sweep *sh, int rc, const char *msg)
{
	set_error(sh, rc, msg);
}

const char *ss_sweep_config(const ss_sweep *sh)
{
	return sh->config;
}

static int stopped(const ss_sweep *sh)
{
	return sh->rc != SS_OK || (sh->o->interrupt && *sh->o->interrupt);
}

/* Keeps only the metrics the scenario asks for (all when it names none). */
static void filter(const ss_scenario *s, const ss_metrics *in, ss_metrics *out)
{
	ss_metrics_clear(out);
	for (size_t i = 0; i < in->n; i++) {
		int keep = s->nmetrics == 0;
		for (size_t j = 0; j < s->nmetrics && !keep; j++)
			keep = !strcmp(s->metrics[j], in->v[i].name);
		if (keep)
			ss_metrics_set(out, in->v[i].name, in->v[i].unit, in->v[i].value);
	}
	memcpy(out->bottleneck, in->bottleneck, sizeof out->bottleneck);
	out->bottleneck_util = in->bottleneck_util;
}

/* Fills the provenance fields of a run record of point pi. */
static void provenance_of(const ss_sweep *sh, size_t pi, ss_run_record *r)
{
	const ss_provenance *pv = &sh->prov[pi];
	r->settings = pv->settings;
	r->settings_hash = pv->settings_hash;
	r->inputs = pv->inputs;
	r->inputs_hash = pv->inputs_hash;
	r->host = sh->host;
	r->level = sh->s->level;
}

/* The hook deciding what stored runs may be reused, before anything runs:
   registers this sweep (a second process sweeping the same scenario into
   the store is refused: SS_EBUSY), computes each point's provenance, and
   refuses (SS_EINVAL) when finished runs of a point were made with other
   settings or profile contents, naming the first difference. Runs from
   another secsim version or revision with the same provenance are reused
   (a rebuilt binary or a commit that leaves the model alone must not
   void a study; the hashes cover the inputs) and counted in a note. */
static int sweep_reuse_check(ss_sweep *sh, char *err, size_t errlen)
{
	const ss_scenario *s = sh->s;
	const ss_sweep_opts *o = sh->o;
	size_t bad = 0, other_version = 0;
	char old_set[1024], old_in[1024], first_set[1024] = "", first_in[1024] = "";
	size_t first = 0;
	int rc;

	if (o->host)
		snprintf(sh->host, sizeof sh->host, "%s", o->host);
	else if (gethostname(sh->host, sizeof sh->host) != 0)
		snprintf(sh->host, sizeof sh->host, "unknown");
	sh->host[sizeof sh->host - 1] = '\0';
	if ((rc = ss_db_set_study(sh->db, o->study)))
		return rc;
	if ((rc = ss_db_sweep_begin(sh->db, s->name, sh->host, (long)getpid(), err, errlen)))
		return rc;
	sh->registered = 1;
	if (!(sh->prov = calloc(sh->npts ? sh->npts : 1, sizeof *sh->prov)))
		return SS_ENOMEM;
	for (size_t p = 0; p < sh->npts; p++) {
		ss_point *pt = &sh->pts[p];
		size_t n = 0, nv = 0;
		if ((rc = ss_provenance_point(s, pt, o->datadir ? o->datadir : ss_datadir(), &sh->prov[p], err, errlen)))
			return rc;
		if (o->study && o->study[0]) { /* the new series shows as its own line */
			size_t len = strlen(pt->series) + strlen(o->study) + 4;
			char *label = malloc(len);
			if (!label)
				return SS_ENOMEM;
			snprintf(label, len, "%s [%s]", pt->series, o->study);
			free(pt->series);
			pt->series = label;
		}
		rc = ss_db_provenance_mismatch(sh->db, s->name, pt->key, sh->prov[p].settings_hash,
					       sh->prov[p].inputs_hash, o->version, &n, &nv, old_set, old_in,
					       sizeof old_set);
		if (rc) {
			ss_errbuf(err, errlen, "%s", ss_db_errmsg(sh->db));
			return rc;
		}
		if (n && !bad) {
			first = p;
			snprintf(first_set, sizeof first_set, "%s", old_set);
			snprintf(first_in, sizeof first_in, "%s", old_in);
		}
		bad += n;
		other_version += nv;
	}
	if (bad) {
		char what[1024];
		const ss_provenance *pv = &sh->prov[first];
		if (strcmp(first_set, pv->settings) || !first_set[0])
			ss_provenance_diff(first_set, pv->settings, what, sizeof what);
		else
			ss_provenance_diff(first_in, pv->inputs, what, sizeof what);
		ss_errbuf(err, errlen,
			  "%s: %zu run(s) of %s%s%s were made with %s; use --new-series NAME to add this as a new"
			  " series beside them, or another -o",
			  o->db_path, bad, s->name, o->study && o->study[0] ? " series " : "",
			  o->study ? o->study : "", what);
		return SS_EINVAL;
	}
	if (other_version && o->log)
		fprintf(o->log, "secsim: %zu finished run(s) reused were made by another secsim version or revision"
				" with the same settings and profiles\n", other_version);
	return SS_OK;
}

/* Stores one finished run (or batch) as replication `rep` of the item's
   point: the scenario's metrics only, one transaction. A batch already
   stored is left alone (a rerun of batch means redoes the whole run). */
int ss_sweep_store(ss_sweep *sh, const ss_sweep_item *it, int rep, const ss_metrics *m, const ss_run_info *info,
		   double t0, double t1)
{
	const ss_scenario *s = sh->s;
	ss_point *pt = &sh->pts[it->point];
	uint64_t seed = ss_model_rep_seed(s->seed, it->rep == SS_SWEEP_BATCHES ? 0 : rep);
	ss_metrics kept;
	ss_metrics_init(&kept);
	filter(s, m, &kept);
	char err[512] = "";
	int done = 0, rc = SS_OK;
	if (it->rep == SS_SWEEP_BATCHES && (rc = ss_db_run_done(sh->db, s->name, pt->key, rep, &done)))
		snprintf(err, sizeof err, "%s", ss_db_errmsg(sh->db));
	if (rc == SS_OK && !done) {
		ss_run_record r = {s->name, s->figure, pt->series, pt->x, pt->key, sh->config, seed, rep,
				   sh->o->version, t0, t1, info->measured, info->events, &kept,
				   NULL, NULL, NULL, NULL, NULL, 0};
		provenance_of(sh, it->point, &r);
		rc = ss_db_write_run(sh->db, &r, err, sizeof err);
	}
	if (rc == SS_OK && !done) {
		sh->ps.runs_done++;
		sh->ps.events += info->events;
		sh->ps.sim_seconds += info->warmup_used + info->measured;
		if (sh->o->log && sh->o->verbose) {
			const ss_metric *pm = ss_metrics_find(m, s->model->primary);
			fprintf(sh->o->log, "[%zu/%zu] %s x=%g %s %d: %s=%.6g  bottleneck %s (busiest resource %.0f%% used)  %.2fs\n",
				sh->ps.runs_done, sh->total_runs, pt->series, pt->x, s->batch_means ? "batch" : "rep", rep,
				s->model->primary, pm ? pm->value : NAN, m->bottleneck[0] ? m->bottleneck : "-",
				100 * m->bottleneck_util, t1 - t0);
			fflush(sh->o->log);
		}
		if (sh->progress)
			ss_progress_update(sh->progress, &sh->ps);
	} else if (rc) {
		set_error(sh, rc, err);
	}
	ss_metrics_fini(&kept);
	return rc;
}

/* Records why an item could not complete. */
static void item_failed(ss_sweep *sh, const ss_sweep_item *it, int rc, const char *err)
{
	char msg[1024];
	if (rc == SS_EINTR)
		snprintf(msg, sizeof msg, "interrupted");
	else
		snprintf(msg, sizeof msg, "%s: point %s: %s", sh->s->path, sh->pts[it->point].key,
			 err && err[0] ? err : ss_strerror(rc));
	set_error(sh, rc, msg);
}

/* Precision mode: whether point pi, with replications 0..rep stored,
   has reached its target (never before the minimum, nor below two). */
static int prec_reached(ss_sweep *sh, size_t pi, int rep, int *reached)
{
	const ss_scenario *s = sh->s;
	*reached = 0;
	if (rep + 1 < s->replications || rep + 1 < 2)
		return SS_OK;
	double *v = NULL, mean, half;
	size_t n = 0;
	int rc = ss_db_point_values(sh->db, s->name, sh->pts[pi].key, s->model->primary, &v, &n);
	if (rc)
		return rc;
	*reached = n >= 2 && ss_ci_t(v, n, s->level, &mean, &half) == SS_OK &&
		   ss_precision_reached(mean, half, s->precision);
	free(v);
	return SS_OK;
}

static void point_finished(ss_sweep *sh)
{
	sh->ps.points_done++;
	if (sh->progress)
		ss_progress_update(sh->progress, &sh->ps);
}

/* Precision mode: moves point pi to its next replication to run (1, in
   it), past those already stored, or to its end (0). */
static int prec_advance(ss_sweep *sh, size_t pi, ss_sweep_item *it)
{
	const ss_scenario *s = sh->s;
	prec_point *pp = &sh->prec[pi];
	while (!pp->finished) {
		if (pp->rep >= s->max_replications) {
			pp->finished = 1;
			break;
		}
		int done = 0, reached = 0;
		int rc = ss_db_run_done(sh->db, s->name, sh->pts[pi].key, pp->rep, &done);
		if (rc == SS_OK && !done) {
			pp->busy = 1;
			*it = (ss_sweep_item){pi, pp->rep};
			return 1;
		}
		if (rc == SS_OK)
			rc = prec_reached(sh, pi, pp->rep, &reached);
		if (rc) {
			set_error(sh, rc, ss_db_errmsg(sh->db));
			return 0;
		}
		if (reached)
			pp->finished = 1;
		else
			pp->rep++;
	}
	point_finished(sh);
	return 0;
}

int ss_sweep_next(ss_sweep *sh, ss_sweep_item *it)
{
	if (stopped(sh))
		return SS_SWEEP_END;
	if (sh->prec) {
		/* Points under way first, so few are open at a time. */
		while (sh->nready || sh->cursor < sh->npts) {
			size_t pi = sh->nready ? sh->ready[--sh->nready] : sh->cursor++;
			if (prec_advance(sh, pi, it)) {
				sh->inflight++;
				return SS_SWEEP_ITEM;
			}
			if (stopped(sh))
				return SS_SWEEP_END;
		}
		return sh->inflight ? SS_SWEEP_WAIT : SS_SWEEP_END;
	}
	if (sh->next >= sh->njobs)
		return SS_SWEEP_END;
	*it = sh->jobs[sh->next++];
	sh->inflight++;
	return SS_SWEEP_ITEM;
}

size_t ss_sweep_left(const ss_sweep *sh)
{
	if (sh->prec)
		return sh->nready + (sh->npts - sh->cursor);
	return sh->njobs - sh->next;
}

void ss_sweep_finish(ss_sweep *sh, const ss_sweep_item *it, int rc, const char *err)
{
	sh->inflight--;
	if (rc)
		item_failed(sh, it, rc, err);
	if (sh->prec) {
		prec_point *pp = &sh->prec[it->point];
		pp->busy = 0;
		int reached = 0;
		if (rc == SS_OK && (rc = prec_reached(sh, it->point, pp->rep, &reached)))
			set_error(sh, rc, ss_db_errmsg(sh->db));
		if (rc)
			return;
		if (reached) {
			pp->finished = 1;
			point_finished(sh);
		} else {
			pp->rep++;
			sh->ready[sh->nready++] = it->point;
		}
		return;
	}
	if (rc == SS_OK && --sh->left[it->point] == 0)
		point_finished(sh);
}

typedef struct batch_ctx {
	const ss_sweep_item *it;
	ss_sweep_emit emit;
	void *ud;
	double t0;
} batch_ctx;

static int emit_batch(void *ud, int b, const ss_metrics *m, const ss_run_info *info)
{
	batch_ctx *bc = ud;
	double t1 = ss_sweep_wall();
	int rc = bc->emit(bc->ud, bc->it, b, m, info, bc->t0, t1);
	bc->t0 = t1;
	return rc;
}

int ss_sweep_compute(const ss_sweep *sh, const ss_sweep_item *it, ss_sweep_emit emit, void *ud, char *err,
		     size_t errlen)
{
	const ss_scenario *s = sh->s;
	int batches = it->rep == SS_SWEEP_BATCHES;
	ss_run_spec spec = {s->model, sh->pts[it->point].params, ss_model_rep_seed(s->seed, batches ? 0 : it->rep),
			    s->warmup, s->duration, sh->o->interrupt};
	double t0 = ss_sweep_wall();
	if (batches) {
		batch_ctx bc = {it, emit, ud, t0};
		return ss_model_run_batches(&spec, s->replications, emit_batch, &bc, err, errlen);
	}
	ss_metrics m;
	ss_metrics_init(&m);
	ss_run_info info;
	int rc = ss_model_run(&spec, &m, &info, err, errlen);
	if (rc == SS_OK)
		rc = emit(ud, it, it->rep, &m, &info, t0, ss_sweep_wall());
	ss_metrics_fini(&m);
	return rc;
}

/* The local driver. The calling thread schedules and stores, as rank 0
   does over MPI; `jobs` threads compute. Results reach the store
   through a queue, so a commit (and SQLite's occasional checkpoint,
   which syncs the disk) never holds up a thread that computes; each
   thread finds its next item already queued. */
typedef struct pool_msg {
	ss_sweep_item it;
	int finished;  /* 0: a result (rep, m, info, t0, t1); 1: the item is done (rc, err) */
	int rep, rc;
	ss_metrics m;  /* an owned copy */
	ss_run_info info;
	double t0, t1;
	char err[512];
} pool_msg;

typedef struct pool {
	ss_sweep *sw;
	pthread_mutex_t mu;
	pthread_cond_t work, done; /* items queued or the end; messages queued */
	ss_sweep_item *items;      /* queued for the threads: items[head..n) */
	size_t head, nitems, items_cap;
	pool_msg *msgs;            /* from the threads, in order */
	size_t nmsgs, msgs_cap;
	int closed;                /* no more items: the threads leave */
	int nomem;
} pool;

/* Queues a message for the scheduler. Returns an ss_status. */
static int pool_post(pool *pl, const pool_msg *msg)
{
	pthread_mutex_lock(&pl->mu);
	int rc = ss_grow(&pl->msgs, &pl->msgs_cap, pl->nmsgs + 1, sizeof *pl->msgs, 16);
	if (rc == SS_OK) {
		pl->msgs[pl->nmsgs++] = *msg;
		pthread_cond_signal(&pl->done);
	} else {
		pl->nomem = 1;
	}
	pthread_mutex_unlock(&pl->mu);
	return rc;
}

static int pool_result(void *ud, const ss_sweep_item *it, int rep, const ss_metrics *m, const ss_run_info *info,
		       double t0, double t1)
{
	pool_msg msg = {*it, 0, rep, 0, {NULL, 0, 0, "", m->bottleneck_util}, *info, t0, t1, ""};
	memcpy(msg.m.bottleneck, m->bottleneck, sizeof msg.m.bottleneck);
	if (m->n) {
		if (!(msg.m.v = malloc(m->n * sizeof *m->v)))
			return SS_ENOMEM;
		memcpy(msg.m.v, m->v, m->n * sizeof *m->v);
		msg.m.n = msg.m.cap = m->n;
	}
	int rc = pool_post(ud, &msg);
	if (rc)
		ss_metrics_fini(&msg.m);
	return rc;
}

static void *pool_worker(void *arg)
{
	pool *pl = arg;
	for (;;) {
		pthread_mutex_lock(&pl->mu);
		while (pl->head == pl->nitems && !pl->closed)
			pthread_cond_wait(&pl->work, &pl->mu);
		if (pl->head == pl->nitems) {
			pthread_mutex_unlock(&pl->mu);
			return NULL;
		}
		pool_msg fin;
		memset(&fin, 0, sizeof fin);
		fin.it = pl->items[pl->head++];
		fin.finished = 1;
		pthread_mutex_unlock(&pl->mu);
		fin.rc = ss_sweep_compute(pl->sw, &fin.it, pool_result, pl, fin.err, sizeof fin.err);
		if (pool_post(pl, &fin))
			return NULL; /* the scheduler sees nomem */
	}
}

/* Items queued ahead of the threads, per thread. The queue is shared,
   so its depth does not unbalance the threads (an idle one takes the
   next item, whatever it costs); it only has to outlast the storing
   thread's wait for a processor on a busy machine, tens of
   milliseconds, many items of a small sweep. */
#define POOL_AHEAD 32

static int pool_fill(pool *pl, int nthreads, int *ended)
{
	while (!*ended && pl->nitems - pl->head < (size_t)nthreads * POOL_AHEAD) {
		ss_sweep_item it;
		int what = ss_sweep_next(pl->sw, &it);
		if (what == SS_SWEEP_WAIT)
			break;
		if (what == SS_SWEEP_END) {
			*ended = 1;
			break;
		}
		if (pl->head == pl->nitems)
			pl->head = pl->nitems = 0;
		if (ss_grow(&pl->items, &pl->items_cap, pl->nitems + 1, sizeof *pl->items, 16))
			return SS_ENOMEM;
		pl->items[pl->nitems++] = it;
	}
	return SS_OK;
}

static int run_pool(ss_sweep *sw, int jobs)
{
	pool pl;
	memset(&pl, 0, sizeof pl);
	pl.sw = sw;
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.work, NULL);
	pthread_cond_init(&pl.done, NULL);
	size_t items = sw->prec ? sw->npts : sw->njobs;
	int nthreads = jobs < 1 ? 1 : jobs;
	if ((size_t)nthreads > items)
		nthreads = items ? (int)items : 1;
	pthread_t *th = calloc((size_t)nthreads, sizeof *th);
	int started = 0, ended = 0, rc = th ? SS_OK : SS_ENOMEM;
	for (int i = 0; th && i < nthreads; i++)
		if (pthread_create(&th[started], NULL, pool_worker, &pl) == 0)
			started++;
	if (th && !started)
		rc = SS_ENOMEM;
	pool_msg *batch = NULL;
	size_t batch_cap = 0;
	pthread_mutex_lock(&pl.mu);
	while (rc == SS_OK) {
		if ((rc = pool_fill(&pl, nthreads, &ended)))
			break;
		if (stopped(sw)) {
			/* An error or an interrupt: what no thread took yet is dropped. */
			sw->inflight -= pl.nitems - pl.head;
			pl.head = pl.nitems;
		}
		if (ended && sw->inflight == 0)
			break;
		pthread_cond_broadcast(&pl.work);
		while (pl.nmsgs == 0 && !pl.nomem)
			pthread_cond_wait(&pl.done, &pl.mu);
		if (pl.nomem) {
			rc = SS_ENOMEM;
			break;
		}
		/* Store outside the lock: the threads go on posting. */
		pool_msg *v = pl.msgs;
		size_t n = pl.nmsgs, cap = pl.msgs_cap;
		pl.msgs = batch;
		pl.msgs_cap = batch_cap;
		pl.nmsgs = 0;
		pthread_mutex_unlock(&pl.mu);
		for (size_t i = 0; i < n; i++) {
			pool_msg *m = &v[i];
			if (m->finished) {
				ss_sweep_finish(sw, &m->it, m->rc, m->err);
			} else {
				ss_sweep_store(sw, &m->it, m->rep, &m->m, &m->info, m->t0, m->t1);
				ss_metrics_fini(&m->m);
			}
		}
		batch = v;
		batch_cap = cap;
		pthread_mutex_lock(&pl.mu);
	}
	/* The end, or a failure here: drop what is queued, let the threads
	   finish what they run, and leave. */
	pl.head = pl.nitems;
	pl.closed = 1;
	pthread_cond_broadcast(&pl.work);
	pthread_mutex_unlock(&pl.mu);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < pl.nmsgs; i++)
		if (!pl.msgs[i].finished)
			ss_metrics_fini(&pl.msgs[i].m);
	free(pl.msgs);
	free(batch);
	free(pl.items);
	free(th);
	pthread_cond_destroy(&pl.work);
	pthread_cond_destroy(&pl.done);
	pthread_mutex_destroy(&pl.mu);
	return rc;
}

/* Speedup figures: each point's primary metric over that of the point
   with the same parameters at x = 1 (one processor; the sweep adds it
   when missing), replication by replication (common random numbers make
   the ratio sharp), stored as runs of their own. */
static int derive_speedups(ss_sweep *sh, char *err, size_t errlen)
{
	const ss_scenario *s = sh->s;
	size_t npts = sh->npts;
	ss_metrics a, b, out;
	ss_metrics_init(&a);
	ss_metrics_init(&b);
	ss_metrics_init(&out);
	int rc = SS_OK;
	for (size_t p = 0; p < npts && rc == SS_OK; p++) {
		size_t base = sh->pts[p].base;
		size_t klen = strlen(sh->pts[p].key) + 32;
		char *key = malloc(klen);
		if (!key) {
			rc = SS_ENOMEM;
			break;
		}
		snprintf(key, klen, "%s;derived=speedup", sh->pts[p].key);
		for (int r = 0; r < s->max_replications && rc == SS_OK; r++) {
			int done = 0;
			if ((rc = ss_db_run_done(sh->db, s->name, key, r, &done)))
				break;
			if (done)
				continue;
			if (ss_db_run_metrics(sh->db, s->name, sh->pts[p].key, r, &a) != SS_OK ||
			    ss_db_run_metrics(sh->db, s->name, sh->pts[base].key, r, &b) != SS_OK)
				continue; /* replication not run for both */
			const ss_metric *ma = ss_metrics_find(&a, s->model->primary);
			const ss_metric *mb = ss_metrics_find(&b, s->model->primary);
			if (!ma || !mb)
				continue;
			ss_metrics_clear(&out);
			ss_metrics_set(&out, "speedup", "x", mb->value > 0 ? ma->value / mb->value : NAN);
			memcpy(out.bottleneck, a.bottleneck, sizeof out.bottleneck);
			out.bottleneck_util = a.bottleneck_util;
			ss_run_record rec = {s->name, s->speedup, sh->pts[p].series, sh->pts[p].x, key, sh->config,
					     ss_model_rep_seed(s->seed, r), r, sh->o->version, 0, 0, 0, 0, &out,
					     NULL, NULL, NULL, NULL, NULL, 0};
			provenance_of(sh, p, &rec);
			rc = ss_db_write_run(sh->db, &rec, err, errlen);
		}
		free(key);
	}
	ss_metrics_fini(&a);
	ss_metrics_fini(&b);
	ss_metrics_fini(&out);
	return rc;
}

/* Builds each point's model once on a scratch simulator: parameter
   combinations the model refuses are reported before anything runs. */
static int check_points(const ss_scenario *s, ss_point *pts, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		ss_sim *sim = NULL;
		if (ss_sim_alloc(&sim, 0))
			return SS_ENOMEM;
		void *st = NULL;
		char msg[512] = "";
		int rc = s->model->create(sim, pts[i].params, &st, msg, sizeof msg);
		if (rc == SS_OK)
			s->model->destroy(st);
		ss_sim_free(sim);
		if (rc) {
			ss_errbuf(err, errlen, "%s: point '%s' at %s = %g: %s", s->path, pts[i].series, s->x ? s->x : "index",
				  pts[i].x, msg[0] ? msg : ss_strerror(rc));
			return rc;
		}
	}
	return SS_OK;
}

static int load_references(ss_db *db, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		ss_errbuf(err, errlen, "%s: cannot read the reference directory", dir);
		return SS_ENOENT;
	}
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		size_t len = strlen(e->d_name);
		if (len > 4 && !strcmp(e->d_name + len - 4, ".csv"))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	int rc = SS_OK;
	for (size_t i = 0; i < n; i++) {
		if (!names[i]) {
			rc = SS_ENOMEM;
			continue;
		}
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (rc == SS_OK)
			rc = ss_db_load_reference(db, path, err, errlen);
		free(names[i]);
	}
	return rc;
}

/* The work list, skipping what a previous run finished. */
static int plan(ss_sweep *sh, ss_sweep_stats *st, char *err, size_t errlen)
{
	const ss_scenario *s = sh->s;
	size_t npts = sh->npts;
	int rc;
	sh->left = calloc(npts ? npts : 1, sizeof *sh->left);
	if (!sh->left)
		return SS_ENOMEM;
	if (s->precision > 0) {
		sh->prec = calloc(npts ? npts : 1, sizeof *sh->prec);
		sh->ready = malloc((npts ? npts : 1) * sizeof *sh->ready);
		if (!sh->prec || !sh->ready)
			return SS_ENOMEM;
		sh->total_runs = npts * (size_t)s->replications;
		return SS_OK;
	}
	size_t cap = s->batch_means ? npts : npts * (size_t)s->replications;
	sh->jobs = malloc((cap ? cap : 1) * sizeof *sh->jobs);
	if (!sh->jobs)
		return SS_ENOMEM;
	for (size_t p = 0; p < npts; p++) {
		if (s->batch_means) {
			int all = 1;
			for (int r = 0; r < s->replications && all; r++) {
				int done = 0;
				if ((rc = ss_db_run_done(sh->db, s->name, sh->pts[p].key, r, &done))) {
					ss_errbuf(err, errlen, "%s", ss_db_errmsg(sh->db));
					return rc;
				}
				all = done;
			}
			if (all) {
				st->skipped += (size_t)s->replications;
			} else {
				sh->jobs[sh->njobs++] = (ss_sweep_item){p, SS_SWEEP_BATCHES};
				sh->left[p]++;
				sh->total_runs += (size_t)s->replications;
			}
			continue;
		}
		for (int r = 0; r < s->replications; r++) {
			int done = 0;
			if ((rc = ss_db_run_done(sh->db, s->name, sh->pts[p].key, r, &done))) {
				ss_errbuf(err, errlen, "%s", ss_db_errmsg(sh->db));
				return rc;
			}
			if (done) {
				st->skipped++;
			} else {
				sh->jobs[sh->njobs++] = (ss_sweep_item){p, r};
				sh->left[p]++;
			}
		}
	}
	if (!s->batch_means)
		sh->total_runs = sh->njobs;
	for (size_t p = 0; p < npts; p++)
		sh->ps.points_done += sh->left[p] == 0;
	return SS_OK;
}

/* Opens the store and plans the work: everything before the first run. */
static int prepare(ss_sweep *sh, ss_sweep_stats *st, char *err, size_t errlen)
{
	const ss_scenario *s = sh->s;
	const ss_sweep_opts *o = sh->o;
	int rc;
	size_t nbase = 0;
	for (size_t p = 0; p < sh->npts; p++)
		nbase += sh->pts[p].baseline_only != 0;
	if (nbase && o->log)
		fprintf(o->log, "secsim: %zu point(s) at %s = 1 added: the baseline of the speedups in '%s'\n", nbase, s->x,
			s->speedup);
	if ((rc = check_points(s, sh->pts, sh->npts, err, errlen)))
		return rc;
	if ((rc = ss_db_open(o->db_path, SS_DB_CREATE, &sh->db, err, errlen)))
		return rc;
	if ((rc = ss_db_set_level(sh->db, s->level))) {
		ss_errbuf(err, errlen, "%s", ss_db_errmsg(sh->db));
		return rc;
	}
	if (o->refdir && (rc = load_references(sh->db, o->refdir, err, errlen)))
		return rc;
	if ((rc = sweep_reuse_check(sh, err, errlen)))
		return rc;
	return plan(sh, st, err, errlen);
}

int ss_sweep_run(const ss_scenario *s, const ss_sweep_opts *o, ss_sweep_stats *st,
		 char *err, size_t errlen)
{
	memset(st, 0, sizeof *st);
	double t0 = ss_sweep_wall();
	ss_sweep sh;
	memset(&sh, 0, sizeof sh);
	sh.s = s;
	sh.o = o;
	size_t npts = 0;
	int rc = ss_scenario_points(s, &sh.pts, &npts, err, errlen);
	if (rc)
		return rc;
	st->points = npts;
	sh.npts = npts;
	sh.ps.points = npts;
	if (!(sh.config = ss_scenario_describe(s))) {
		rc = SS_ENOMEM;
		goto out;
	}
	int ranks = ss_mpi_size();
	if (ranks > 1 && ss_mpi_rank() != 0) {
		/* A computing rank: rank 0 checks, plans, stores and reports. */
		st->worker = 1;
		rc = ss_mpi_worker(&sh);
		goto out;
	}
	rc = prepare(&sh, st, err, errlen);
	sh.ps.runs = sh.total_runs;
	sh.ps.runs_skipped = st->skipped;
	if (rc == SS_OK && o->log && !o->verbose && ss_progress_alloc(&sh.progress, o->log, s->name) == SS_OK)
		ss_progress_update(sh.progress, &sh.ps);
	if (ranks > 1) {
		/* The other ranks wait for work: a failure here only stops them. */
		if (rc)
			set_error(&sh, rc, err);
		int mrc = ss_mpi_master(&sh);
		if (rc)
			goto out;
		if (mrc && sh.rc == SS_OK)
			set_error(&sh, mrc, "MPI: communication between the ranks failed");
	} else if (rc || (rc = run_pool(&sh, o->jobs))) {
		goto out;
	}
	if (sh.rc == SS_OK && o->interrupt && *o->interrupt)
		sh.rc = SS_EINTR;
	rc = sh.rc;
	if (rc)
		ss_errbuf(err, errlen, "%s", rc == SS_EINTR ? "interrupted: finished runs are saved; rerun to complete" : sh.err);
	else if (s->speedup)
		rc = derive_speedups(&sh, err, errlen);
out:
	if (sh.progress) {
		ss_progress_finish(sh.progress, &sh.ps);
		ss_progress_free(sh.progress);
	}
	if (sh.registered)
		ss_db_sweep_end(sh.db, s->name, sh.host, (long)getpid());
	for (size_t p = 0; sh.prov && p < npts; p++)
		ss_provenance_fini(&sh.prov[p]);
	free(sh.prov);
	st->ran = sh.ps.runs_done;
	st->events = sh.ps.events;
	st->wall = ss_sweep_wall() - t0;
	ss_db_close(sh.db);
	free(sh.jobs);
	free(sh.prec);
	free(sh.ready);
	free(sh.left);
	free(sh.config);
	ss_points_free(sh.pts, npts);
	return rc;
}
