/* The shared segment (ss_segment.h): a FIFO of frames and one medium. */
#include "ss_segment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"
#include "ss_grow.h"

typedef struct frame {
	int from, to;
	void *obj;
	uint32_t len;
} frame;

typedef struct station {
	ss_segment_deliver deliver;
	void *ctx;
} station;

/* A frame in flight to its destinations (one event each). */
typedef struct arrival {
	ss_segment *g;
	frame f;
	struct arrival *next; /* free list */
	struct arrival *all;  /* every record, for ss_segment_free: those in
				 flight when the run ends belong to no list */
} arrival;

struct ss_segment {
	ss_sim *sim;
	char name[48];
	ss_link_spec spec;
	station *st;
	size_t nst, stcap;
	frame *q;             /* ring of waiting frames */
	size_t qcap, qhead, qn;
	int busy;
	arrival *free_arr, *all_arr;
	/* window */
	ss_time win, busy_since, busy_acc, q_since;
	double q_area;
	uint64_t frames, bytes;
};

static void q_account(ss_segment *g)
{
	ss_time now = ss_sim_now(g->sim);
	g->q_area += (double)g->qn * (double)(now - g->q_since);
	g->q_since = now;
}

static void start_next(ss_segment *g);

static void arrive(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	arrival *a = ctx;
	ss_segment *g = a->g;
	frame f = a->f;
	a->next = g->free_arr;
	g->free_arr = a;
	if (f.to >= 0) {
		g->st[f.to].deliver(g->st[f.to].ctx, f.to, f.from, f.obj, f.len);
		return;
	}
	for (size_t i = 0; i < g->nst; i++)
		if ((int)i != f.from)
			g->st[i].deliver(g->st[i].ctx, (int)i, f.from, f.obj, f.len);
}

static void sent(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_segment *g = ctx;
	g->busy_acc += ss_sim_now(sim) - g->busy_since;
	g->busy = 0;
	start_next(g);
}

static void start_next(ss_segment *g)
{
	if (g->busy || !g->qn)
		return;
	q_account(g);
	frame f = g->q[g->qhead];
	g->qhead = (g->qhead + 1) % g->qcap;
	g->qn--;
	arrival *a = g->free_arr;
	if (a)
		g->free_arr = a->next;
	else if (!(a = malloc(sizeof *a)))
		ss_fatal(SS_LOC, "segment %s: out of memory", g->name);
	else {
		a->all = g->all_arr;
		g->all_arr = a;
	}
	a->g = g;
	a->f = f;
	uint32_t wire = ss_link_spec_wire_bytes(&g->spec, f.len);
	ss_time t = (ss_time)llround((double)wire * 8.0 / g->spec.rate_bps * 1e12);
	g->busy = 1;
	g->busy_since = ss_sim_now(g->sim);
	g->frames++;
	g->bytes += f.len;
	ss_sim_after(g->sim, t, sent, g, 0);
	ss_sim_after(g->sim, t + g->spec.prop, arrive, a, 0);
}

int ss_segment_send(ss_segment *g, int from, int to, void *obj, uint32_t ip_len)
{
	if (from < 0 || (size_t)from >= g->nst || to < SS_SEGMENT_ALL || (to >= 0 && (size_t)to >= g->nst) ||
	    to == from || ip_len == 0 || ip_len > g->spec.mtu)
		return SS_EINVAL;
	if (g->qn == g->qcap) {
		size_t cap = g->qcap ? 2 * g->qcap : 64;
		frame *q = malloc(cap * sizeof *q);
		if (!q)
			return SS_ENOMEM;
		for (size_t i = 0; i < g->qn; i++)
			q[i] = g->q[(g->qhead + i) % g->qcap];
		free(g->q);
		g->q = q;
		g->qcap = cap;
		g->qhead = 0;
	}
	q_account(g);
	g->q[(g->qhead + g->qn) % g->qcap] = (frame){from, to, obj, ip_len};
	g->qn++;
	start_next(g);
	return SS_OK;
}

int ss_segment_attach(ss_segment *g, ss_segment_deliver deliver, void *ctx)
{
	if (ss_grow(&g->st, &g->stcap, g->nst + 1, sizeof *g->st, 8) != SS_OK)
		return -1;
	g->st[g->nst] = (station){deliver, ctx};
	return (int)g->nst++;
}

size_t ss_segment_backlog(const ss_segment *g) { return g->qn + (size_t)g->busy; }
const ss_link_spec *ss_segment_spec(const ss_segment *g) { return &g->spec; }

static double seg_util_at(const ss_segment *g, ss_time now)
{
	ss_time busy = g->busy_acc + (g->busy ? now - g->busy_since : 0);
	return now > g->win ? (double)busy / (double)(now - g->win) : 0;
}

double ss_segment_utilisation(const ss_segment *g) { return seg_util_at(g, ss_sim_now(g->sim)); }
uint64_t ss_segment_frames(const ss_segment *g) { return g->frames; }
uint64_t ss_segment_ip_bytes(const ss_segment *g) { return g->bytes; }

static void seg_reset(void *res, ss_time now)
{
	ss_segment *g = res;
	g->win = g->q_since = now;
	if (g->busy)
		g->busy_since = now;
	g->busy_acc = 0;
	g->q_area = 0;
	g->frames = g->bytes = 0;
}

static void seg_report(void *res, ss_time now, ss_metrics *out)
{
	ss_segment *g = res;
	char k[SS_METRIC_NAME];
	snprintf(k, sizeof k, "%s.util", g->name);
	ss_metrics_set(out, k, "fraction", seg_util_at(g, now));
	snprintf(k, sizeof k, "%s.frames", g->name);
	ss_metrics_set(out, k, "frames", (double)g->frames);
	snprintf(k, sizeof k, "%s.bytes", g->name);
	ss_metrics_set(out, k, "bytes", (double)g->bytes);
	double area = g->q_area + (double)g->qn * (double)(now - g->q_since);
	snprintf(k, sizeof k, "%s.queue", g->name);
	ss_metrics_set(out, k, "frames", now > g->win ? area / (double)(now - g->win) : 0);
}

static double seg_util(void *res, ss_time now) { return seg_util_at(res, now); }

static void seg_destroy(void *res)
{
	ss_segment *g = res;
	while (g->all_arr) {
		arrival *a = g->all_arr;
		g->all_arr = a->all;
		free(a);
	}
	free(g->st);
	free(g->q);
	free(g);
}

static const ss_resource_ops seg_ops = {.reset = seg_reset, .report = seg_report, .utilisation = seg_util,
					.destroy = seg_destroy};

int ss_segment_alloc(ss_segment **out, ss_sim *sim, const char *name, const ss_link_spec *s, char *err,
		     size_t errlen)
{
	*out = NULL;
	if (!(s->rate_bps > 0) || !isfinite(s->rate_bps) || s->mtu == 0 || s->prop < 0 || s->loss != 0) {
		ss_errbuf(err, errlen, "segment %s: the rate must be positive and finite, the MTU positive, no loss", name);
		return SS_EINVAL;
	}
	if (strlen(name) >= 40) {
		ss_errbuf(err, errlen, "segment %s: name too long (at most 39 characters)", name);
		return SS_EINVAL;
	}
	ss_segment *g = calloc(1, sizeof *g);
	if (!g)
		return SS_ENOMEM;
	g->sim = sim;
	snprintf(g->name, sizeof g->name, "%s", name);
	g->spec = *s;
	if (ss_sim_add_resource(sim, g->name, g, &seg_ops) != SS_OK) {
		free(g);
		return SS_ENOMEM;
	}
	*out = g;
	return SS_OK;
}
