/* The sweep driver. Work items are (point, replication) pairs, or whole
   points in precision mode, handed to threads from one counter; the
   database connection is shared under a mutex. Each run is a pure
   function of (scenario, point, replication seed), so the stored metrics
   do not depend on the number of threads or on their timing. */
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
#include "ss_metrics.h"
#include "ss_model.h"
#include "ss_provenance.h"
#include "ss_stats.h"

typedef struct job {
	size_t point;
	int rep; /* -1: the whole point, precision mode; -2: batch means */
} job;

typedef struct shared {
	const ss_scenario *s;
	const ss_sweep_opts *o;
	ss_point *pts;
	char *config;
	job *jobs;
	size_t njobs, next, total_runs, done_runs, npts;
	ss_db *db;
	ss_provenance *prov; /* per point */
	int registered;      /* this process holds the sweep's row in the store */
	char host[256];      /* recorded with every run */
	pthread_mutex_t mu;
	int rc;
	char err[1024];
	unsigned long long events;
	size_t ran;
} shared;

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void set_error(shared *sh, int rc, const char *msg)
{
	if (sh->rc == SS_OK || sh->rc == SS_EINTR) {
		sh->rc = rc;
		snprintf(sh->err, sizeof sh->err, "%s", msg);
	}
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
static void provenance_of(const shared *sh, size_t pi, ss_run_record *r)
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
static int sweep_reuse_check(shared *sh, char *err, size_t errlen)
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

/* Stores one finished run (or batch) as replication `rep` of point pi:
   the scenario's metrics only, one transaction, under the store's lock.
   A replication already stored is left alone when skip_done is set (a
   rerun of batch means redoes the whole run). Returns an ss_status. */
static int record(shared *sh, size_t pi, int rep, uint64_t seed, const ss_metrics *m, const ss_run_info *info,
		  double t0, int skip_done)
{
	const ss_scenario *s = sh->s;
	ss_point *pt = &sh->pts[pi];
	double t1 = wall_now();
	ss_metrics kept;
	ss_metrics_init(&kept);
	filter(s, m, &kept);
	char err[512] = "";
	int done = 0, rc = SS_OK;
	pthread_mutex_lock(&sh->mu);
	if (skip_done && (rc = ss_db_run_done(sh->db, s->name, pt->key, rep, &done)))
		snprintf(err, sizeof err, "%s", ss_db_errmsg(sh->db));
	if (rc == SS_OK && !done) {
		ss_run_record r = {s->name, s->figure, pt->series, pt->x, pt->key, sh->config, seed, rep,
				   sh->o->version, t0, t1, info->measured, info->events, &kept,
				   NULL, NULL, NULL, NULL, NULL, 0};
		provenance_of(sh, pi, &r);
		rc = ss_db_write_run(sh->db, &r, err, sizeof err);
	}
	if (rc == SS_OK && !done) {
		sh->done_runs++;
		sh->ran++;
		sh->events += info->events;
		if (sh->o->log) {
			const ss_metric *pm = ss_metrics_find(m, s->model->primary);
			fprintf(sh->o->log, "[%zu/%zu] %s x=%g %s %d: %s=%.6g  bottleneck %s (busiest resource %.0f%% used)  %.2fs\n",
				sh->done_runs, sh->total_runs, pt->series, pt->x, s->batch_means ? "batch" : "rep", rep,
				s->model->primary, pm ? pm->value : NAN, m->bottleneck[0] ? m->bottleneck : "-",
				100 * m->bottleneck_util, t1 - t0);
			fflush(sh->o->log);
		}
	} else if (rc) {
		set_error(sh, rc, err);
	}
	pthread_mutex_unlock(&sh->mu);
	ss_metrics_fini(&kept);
	return rc;
}

/* Reports a run that could not complete. */
static void run_failed(shared *sh, size_t pi, int rc, const char *err)
{
	char msg[1024];
	if (rc == SS_EINTR)
		snprintf(msg, sizeof msg, "interrupted");
	else
		snprintf(msg, sizeof msg, "%s: point %s: %s", sh->s->path, sh->pts[pi].key, err[0] ? err : ss_strerror(rc));
	pthread_mutex_lock(&sh->mu);
	set_error(sh, rc, msg);
	pthread_mutex_unlock(&sh->mu);
}

/* Runs one replication and records it. Returns an ss_status. */
static int run_one(shared *sh, size_t pi, int rep)
{
	const ss_scenario *s = sh->s;
	ss_metrics m;
	ss_metrics_init(&m);
	ss_run_spec spec = {s->model, sh->pts[pi].params, ss_model_rep_seed(s->seed, rep),
			    s->warmup, s->duration, sh->o->interrupt};
	ss_run_info info;
	char err[512] = "";
	double t0 = wall_now();
	int rc = ss_model_run(&spec, &m, &info, err, sizeof err);
	if (rc == SS_OK)
		rc = record(sh, pi, rep, spec.seed, &m, &info, t0, 0);
	else
		run_failed(sh, pi, rc, err);
	ss_metrics_fini(&m);
	return rc;
}

/* Precision mode: replications until the primary metric's relative
   half-width reaches the target, between the minimum and the cap. */
static int run_point(shared *sh, size_t pi)
{
	const ss_scenario *s = sh->s;
	ss_point *pt = &sh->pts[pi];
	for (int rep = 0; rep < s->max_replications; rep++) {
		int done = 0;
		pthread_mutex_lock(&sh->mu);
		int rc = ss_db_run_done(sh->db, s->name, pt->key, rep, &done);
		pthread_mutex_unlock(&sh->mu);
		if (rc)
			return rc;
		if (!done && (rc = run_one(sh, pi, rep)))
			return rc;
		if (rep + 1 < s->replications || rep + 1 < 2)
			continue;
		double *v = NULL, mean, half;
		size_t n = 0;
		pthread_mutex_lock(&sh->mu);
		rc = ss_db_point_values(sh->db, s->name, pt->key, s->model->primary, &v, &n);
		pthread_mutex_unlock(&sh->mu);
		if (rc)
			return rc;
		int reached = n >= 2 && ss_ci_t(v, n, s->level, &mean, &half) == SS_OK &&
			      ss_precision_reached(mean, half, s->precision);
		free(v);
		if (reached)
			break;
	}
	return SS_OK;
}

/* Speedup figures: each point's primary metric over that of the point
   with the same parameters at x = 1 (one processor; the sweep adds it
   when missing), replication by replication (common random numbers make
   the ratio sharp), stored as runs of their own. */
static int derive_speedups(shared *sh, char *err, size_t errlen)
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

/* Batch means: the point's batches are windows of one run; each is
   stored as a replication. Rerunning redoes the whole run (a pure
   function of the seed) and stores the batches still missing. */
typedef struct batch_ctx {
	shared *sh;
	size_t pi;
	double t0;
} batch_ctx;

static int store_batch(void *ud, int b, const ss_metrics *m, const ss_run_info *info)
{
	batch_ctx *bc = ud;
	int rc = record(bc->sh, bc->pi, b, ss_model_rep_seed(bc->sh->s->seed, 0), m, info, bc->t0, 1);
	bc->t0 = wall_now();
	return rc;
}

static void run_batches(shared *sh, size_t pi)
{
	const ss_scenario *s = sh->s;
	ss_run_spec spec = {s->model, sh->pts[pi].params, ss_model_rep_seed(s->seed, 0), s->warmup, s->duration,
			    sh->o->interrupt};
	batch_ctx bc = {sh, pi, wall_now()};
	char err[512] = "";
	int rc = ss_model_run_batches(&spec, s->replications, store_batch, &bc, err, sizeof err);
	/* A failure to store was reported first, and the first error stays. */
	if (rc)
		run_failed(sh, pi, rc, err);
}

static void *worker(void *arg)
{
	shared *sh = arg;
	for (;;) {
		pthread_mutex_lock(&sh->mu);
		int stop = sh->rc != SS_OK || (sh->o->interrupt && *sh->o->interrupt);
		size_t i = sh->next;
		if (!stop && i < sh->njobs)
			sh->next++;
		pthread_mutex_unlock(&sh->mu);
		if (stop || i >= sh->njobs)
			return NULL;
		job *j = &sh->jobs[i];
		if (j->rep == -2)
			run_batches(sh, j->point);
		else if (j->rep < 0)
			run_point(sh, j->point);
		else
			run_one(sh, j->point, j->rep);
	}
}

/* Builds each point's model once on a scratch simulator: parameter
   combinations the model refuses are reported before anything runs. */
static int check_points(const ss_scenario *s, ss_point *pts, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		ss_sim *sim = ss_sim_alloc(0);
		if (!sim)
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

int ss_sweep_run(const ss_scenario *s, const ss_sweep_opts *o, ss_sweep_stats *st,
		 char *err, size_t errlen)
{
	memset(st, 0, sizeof *st);
	double t0 = wall_now();
	shared sh;
	memset(&sh, 0, sizeof sh);
	sh.s = s;
	sh.o = o;
	size_t npts = 0;
	int rc = ss_scenario_points(s, &sh.pts, &npts, err, errlen);
	if (rc)
		return rc;
	st->points = npts;
	sh.npts = npts;
	size_t nbase = 0;
	for (size_t p = 0; p < npts; p++)
		nbase += sh.pts[p].baseline_only != 0;
	if (nbase && o->log)
		fprintf(o->log, "secsim: %zu point(s) at %s = 1 added: the baseline of the speedups in '%s'\n", nbase, s->x,
			s->speedup);
	if ((rc = check_points(s, sh.pts, npts, err, errlen)))
		goto out;
	if (!(sh.config = ss_scenario_describe(s))) {
		rc = SS_ENOMEM;
		goto out;
	}
	if ((rc = ss_db_open(o->db_path, SS_DB_CREATE, &sh.db, err, errlen)))
		goto out;
	if ((rc = ss_db_set_level(sh.db, s->level))) {
		ss_errbuf(err, errlen, "%s", ss_db_errmsg(sh.db));
		goto out;
	}
	if (o->refdir && (rc = load_references(sh.db, o->refdir, err, errlen)))
		goto out;
	if ((rc = sweep_reuse_check(&sh, err, errlen)))
		goto out;
	/* The work list, skipping what a previous run finished. */
	size_t cap = s->precision > 0 ? npts : npts * (size_t)s->replications;
	sh.jobs = malloc((cap ? cap : 1) * sizeof *sh.jobs);
	if (!sh.jobs) {
		rc = SS_ENOMEM;
		goto out;
	}
	for (size_t p = 0; p < npts; p++) {
		if (s->batch_means) {
			int all = 1;
			for (int r = 0; r < s->replications && all; r++) {
				int done = 0;
				if ((rc = ss_db_run_done(sh.db, s->name, sh.pts[p].key, r, &done))) {
					ss_errbuf(err, errlen, "%s", ss_db_errmsg(sh.db));
					goto out;
				}
				all = done;
			}
			if (all)
				st->skipped += (size_t)s->replications;
			else {
				sh.jobs[sh.njobs++] = (job){p, -2};
				sh.total_runs += (size_t)s->replications;
			}
			continue;
		}
		if (s->precision > 0) {
			sh.jobs[sh.njobs++] = (job){p, -1};
			sh.total_runs += (size_t)s->replications;
			continue;
		}
		for (int r = 0; r < s->replications; r++) {
			int done = 0;
			if ((rc = ss_db_run_done(sh.db, s->name, sh.pts[p].key, r, &done))) {
				ss_errbuf(err, errlen, "%s", ss_db_errmsg(sh.db));
				goto out;
			}
			if (done)
				st->skipped++;
			else
				sh.jobs[sh.njobs++] = (job){p, r};
		}
	}
	if (s->precision <= 0 && !s->batch_means)
		sh.total_runs = sh.njobs;
	pthread_mutex_init(&sh.mu, NULL);
	int nthreads = o->jobs < 1 ? 1 : o->jobs;
	if ((size_t)nthreads > sh.njobs)
		nthreads = sh.njobs ? (int)sh.njobs : 1;
	pthread_t *th = calloc((size_t)nthreads, sizeof *th);
	if (!th) {
		pthread_mutex_destroy(&sh.mu);
		rc = SS_ENOMEM;
		goto out;
	}
	int started = 0;
	for (int i = 1; i < nthreads; i++)
		if (pthread_create(&th[started], NULL, worker, &sh) == 0)
			started++;
	worker(&sh); /* the calling thread works too */
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&sh.mu);
	if (sh.rc == SS_OK && o->interrupt && *o->interrupt)
		sh.rc = SS_EINTR;
	rc = sh.rc;
	if (rc)
		ss_errbuf(err, errlen, "%s", rc == SS_EINTR ? "interrupted: finished runs are saved; rerun to complete" : sh.err);
	else if (s->speedup)
		rc = derive_speedups(&sh, err, errlen);
out:
	if (sh.registered)
		ss_db_sweep_end(sh.db, s->name, sh.host, (long)getpid());
	for (size_t p = 0; sh.prov && p < npts; p++)
		ss_provenance_fini(&sh.prov[p]);
	free(sh.prov);
	st->ran = sh.ran;
	st->events = sh.events;
	st->wall = wall_now() - t0;
	ss_db_close(sh.db);
	free(sh.jobs);
	free(sh.config);
	ss_points_free(sh.pts, npts);
	return rc;
}
