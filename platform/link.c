/* Point-to-point link: two independent directions, each serving one frame
   at a time. A frame costs two events: the end of its transmission (the
   sender's done) and its arrival at the far side (deliver), which carries
   the packet in the event's argument, so frames in flight need no memory
   of their own. */
#include "ss_link.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"
#include "ss_rng.h"

/* Metric names are "<name>.ab.frames": shorter than SS_METRIC_NAME. */
#define LINK_NAME_MAX (SS_METRIC_NAME - 16)

typedef struct link_dir {
	ss_link *link;
	int side;                 /* the sending side */
	ss_rng *rng;              /* loss draws (own stream: "<name>.ab.loss") */
	/* the frame on the wire */
	int busy;
	ss_time started;
	ss_time ends;
	void (*done)(void *ctx);
	void *done_ctx;
	/* window statistics */
	ss_time window;
	double busy_ps;           /* finished frames' wire time inside the window */
	uint64_t frames, lost, ip_bytes, wire_bytes;
	char name[SS_METRIC_NAME];
} link_dir;

struct ss_link {
	ss_sim *sim;
	ss_link_spec spec;
	link_dir dir[2];
	struct {
		void (*deliver)(void *ctx, ss_packet *p);
		void *ctx;
	} rx[2];                  /* rx[s]: receiver at side s */
	ss_pktpool *pool;
};

/* ---- spec ---- */

int ss_link_spec_ethernet(ss_link_spec *s, double rate_bps, uint32_t mtu)
{
	if (!(rate_bps > 0) || !isfinite(rate_bps) || mtu < 46 || mtu > 65535)
		return SS_EINVAL;
	*s = (ss_link_spec){
		.rate_bps = rate_bps,
		.prop = 0,
		.mtu = mtu,
		.frame_overhead = 8 + 12, /* IEEE 802.3: preamble 7 + SFD 1; interFrameGap 96 bits */
		.min_frame = 64,          /* IEEE 802.3: minFrameSize 512 bits, header to FCS */
		.hdr_bytes = 14 + 4,      /* IEEE 802.3: addresses 6 + 6, length/type 2; FCS 4 */
		.loss = 0,
	};
	return SS_OK;
}

uint32_t ss_link_spec_pad(const ss_link_spec *s, uint32_t ip_len)
{
	uint64_t frame = (uint64_t)ip_len + s->hdr_bytes;
	return frame < s->min_frame ? (uint32_t)(s->min_frame - frame) : 0;
}

uint32_t ss_link_spec_wire_bytes(const ss_link_spec *s, uint32_t ip_len)
{
	return ip_len + s->hdr_bytes + ss_link_spec_pad(s, ip_len) + s->frame_overhead;
}

double ss_link_spec_goodput(const ss_link_spec *s, uint32_t ip_len, uint32_t payload)
{
	return s->rate_bps * (double)payload / (double)ss_link_spec_wire_bytes(s, ip_len);
}

static ss_time wire_time(const ss_link_spec *s, uint32_t wire_bytes)
{
	return (ss_time)llround((double)wire_bytes * 8.0 * 1e12 / s->rate_bps);
}

ss_time ss_link_frame_time(const ss_link *l, uint32_t ip_len)
{
	return wire_time(&l->spec, ss_link_spec_wire_bytes(&l->spec, ip_len));
}

/* ---- resource ---- */

static double dir_busy_in_window(const link_dir *d, ss_time now)
{
	double b = d->busy_ps;
	if (d->busy) {
		ss_time from = d->started > d->window ? d->started : d->window;
		ss_time to = now < d->ends ? now : d->ends;
		if (to > from)
			b += (double)(to - from);
	}
	return b;
}

static double dir_util(void *res, ss_time now)
{
	link_dir *d = res;
	double span = (double)(now - d->window);
	return span > 0 ? dir_busy_in_window(d, now) / span : 0;
}

static void dir_reset(void *res, ss_time now)
{
	link_dir *d = res;
	d->window = now;
	d->busy_ps = 0;
	d->frames = d->lost = d->ip_bytes = d->wire_bytes = 0;
}

static void dir_report(void *res, ss_time now, ss_metrics *m)
{
	link_dir *d = res;
	char key[SS_METRIC_NAME + 16];
	snprintf(key, sizeof key, "%s.util", d->name);
	ss_metrics_set(m, key, "fraction", dir_util(d, now));
	snprintf(key, sizeof key, "%s.frames", d->name);
	ss_metrics_set(m, key, "frames", (double)d->frames);
	snprintf(key, sizeof key, "%s.bytes", d->name);
	ss_metrics_set(m, key, "bytes", (double)d->ip_bytes);
	snprintf(key, sizeof key, "%s.lost", d->name);
	ss_metrics_set(m, key, "frames", (double)d->lost);
}

/* Direction 0 owns the link; direction 1's destroy touches nothing (the
   simulator may destroy it after direction 0 freed the link). */
static void dir0_destroy(void *res) { free(((link_dir *)res)->link); }
static void dir1_destroy(void *res) { (void)res; }

static const ss_resource_ops dir_ops[2] = {
	{.reset = dir_reset, .report = dir_report, .utilisation = dir_util, .destroy = dir0_destroy},
	{.reset = dir_reset, .report = dir_report, .utilisation = dir_util, .destroy = dir1_destroy},
};

int ss_link_alloc(ss_link **out, ss_sim *sim, const char *name, const ss_link_spec *s, char *err, size_t errlen)
{
	*out = NULL;
	if (!(s->rate_bps > 0) || !isfinite(s->rate_bps)) {
		ss_errbuf(err, errlen, "link %s: rate must be a finite number of bit/s > 0", name);
		return SS_EINVAL;
	}
	if (s->prop < 0) {
		ss_errbuf(err, errlen, "link %s: negative propagation delay", name);
		return SS_EINVAL;
	}
	if (s->mtu == 0) {
		ss_errbuf(err, errlen, "link %s: MTU must be > 0", name);
		return SS_EINVAL;
	}
	if (!(s->loss >= 0 && s->loss < 1)) {
		ss_errbuf(err, errlen, "link %s: loss probability %g is outside [0, 1)", name, s->loss);
		return SS_EINVAL;
	}
	if (strlen(name) > LINK_NAME_MAX) {
		ss_errbuf(err, errlen, "link name '%s' is too long (at most %d characters)", name, LINK_NAME_MAX);
		return SS_EINVAL;
	}
	ss_link *l = calloc(1, sizeof *l);
	if (!l)
		return SS_ENOMEM;
	l->sim = sim;
	l->spec = *s;
	ss_time now = ss_sim_now(sim);
	for (int i = 0; i < 2; i++) {
		link_dir *d = &l->dir[i];
		d->link = l;
		d->side = i;
		d->window = now;
		snprintf(d->name, sizeof d->name, "%s.%s", name, i == 0 ? "ab" : "ba");
		if (s->loss > 0) {
			char rn[SS_METRIC_NAME + 8];
			snprintf(rn, sizeof rn, "%s.loss", d->name);
			if (!(d->rng = ss_sim_rng(sim, rn))) {
				free(l);
				return SS_ENOMEM;
			}
		}
	}
	if (ss_sim_add_resource(sim, l->dir[0].name, &l->dir[0], &dir_ops[0]) != SS_OK) {
		free(l);
		return SS_ENOMEM;
	}
	/* From here the simulator owns l (through direction 0). */
	if (ss_sim_add_resource(sim, l->dir[1].name, &l->dir[1], &dir_ops[1]) != SS_OK)
		return SS_ENOMEM;
	*out = l;
	return SS_OK;
}

void ss_link_attach(ss_link *l, int side, void (*deliver)(void *ctx, ss_packet *p), void *ctx)
{
	if (side != 0 && side != 1)
		ss_fatal(SS_LOC, "link %s: side %d is neither 0 nor 1", l->dir[0].name, side);
	l->rx[side].deliver = deliver;
	l->rx[side].ctx = ctx;
}

void ss_link_set_pool(ss_link *l, ss_pktpool *pool) { l->pool = pool; }

/* ---- frames ---- */

static void on_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	link_dir *d = ctx;
	ss_time from = d->started > d->window ? d->started : d->window;
	if (d->ends > from)
		d->busy_ps += (double)(d->ends - from);
	d->busy = 0;
	void (*done)(void *) = d->done;
	d->done = NULL;
	if (done)
		done(d->done_ctx);
}

static void on_arrive(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	link_dir *d = ctx;
	ss_link *l = d->link;
	ss_packet *p = (ss_packet *)(uintptr_t)arg;
	int to = 1 - d->side;
	if (!l->rx[to].deliver)
		ss_fatal(SS_LOC, "link %s: a frame arrived at side %d, which has no receiver attached", d->name, to);
	l->rx[to].deliver(l->rx[to].ctx, p);
}

int ss_link_transmit(ss_link *l, int side, ss_packet *p, void (*done)(void *ctx), void *ctx)
{
	if (side != 0 && side != 1)
		return SS_EINVAL;
	link_dir *d = &l->dir[side];
	if (d->busy)
		return SS_EBUSY;
	if (p->len > l->spec.mtu || (l->spec.loss > 0 && !l->pool))
		return SS_EINVAL;
	ss_time now = ss_sim_now(l->sim);
	uint32_t wire = ss_link_spec_wire_bytes(&l->spec, p->len);
	ss_time t = wire_time(&l->spec, wire);
	d->busy = 1;
	d->started = now;
	d->ends = now + t;
	d->done = done;
	d->done_ctx = ctx;
	d->frames++;
	d->ip_bytes += p->len;
	d->wire_bytes += wire;
	ss_sim_at(l->sim, d->ends, on_done, d, 0);
	if (l->spec.loss > 0 && ss_rng_uniform(d->rng) < l->spec.loss) {
		d->lost++;
		ss_pktpool_put(l->pool, p);
	} else {
		ss_sim_at(l->sim, ss_time_add(d->ends, l->spec.prop), on_arrive, d, (uint64_t)(uintptr_t)p);
	}
	return SS_OK;
}

const ss_link_spec *ss_link_spec_of(const ss_link *l) { return &l->spec; }
int ss_link_busy(const ss_link *l, int side) { return l->dir[side & 1].busy; }
uint64_t ss_link_frames(const ss_link *l, int side) { return l->dir[side & 1].frames; }
uint64_t ss_link_lost(const ss_link *l, int side) { return l->dir[side & 1].lost; }
uint64_t ss_link_ip_bytes(const ss_link *l, int side) { return l->dir[side & 1].ip_bytes; }
uint64_t ss_link_wire_bytes(const ss_link *l, int side) { return l->dir[side & 1].wire_bytes; }
double ss_link_utilisation(const ss_link *l, int side)
{
	return dir_util((void *)&l->dir[side & 1], ss_sim_now(l->sim));
}
