/* Crypto coprocessor (ss_coproc.h): DMA in, a FIFO engine, DMA out. */
#include "ss_coproc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ss_err.h"
#include "ss_metrics.h"

struct ss_coproc {
	ss_sim *sim;
	char name[SS_METRIC_NAME];
	ss_coproc_spec spec;
	ss_coproc_place place;
	ss_iobus *bus, *local;
	ss_coproc_req *head, *tail; /* input on the card, waiting for the engine */
	ss_coproc_req *cur;         /* in the engine */
	uint32_t inflight;
	/* Streaming: the requests on the card in order, and each stage's
	   request and chunk (NULL: the stage has finished every request). */
	ss_coproc_req *sq_head, *sq_tail;
	ss_coproc_req *src_r, *eng_r, *dst_r;
	uint32_t src_chunk, eng_chunk, dst_chunk;
	uint32_t in_fifo, out_fifo;
	int src_busy, dst_busy;
	/* Window statistics. */
	ss_time window, busy, busy_since;
	uint64_t done, refused;
	ss_tally latency;
};

static const char *const alg_names[SS_COPROC_NALGS] = {
	[SS_COPROC_NULL] = "null", [SS_COPROC_DES] = "des", [SS_COPROC_3DES] = "3des", [SS_COPROC_AES] = "aes",
	[SS_COPROC_MD5] = "md5", [SS_COPROC_SHA1] = "sha1", [SS_COPROC_RSA1024] = "rsa1024",
};

const char *ss_coproc_alg_name(ss_coproc_alg a) { return a < SS_COPROC_NALGS ? alg_names[a] : "?"; }

int ss_coproc_alg_of(const char *n, ss_coproc_alg *out)
{
	static const struct {
		const char *prefix;
		ss_coproc_alg a;
	} map[] = {
		{.prefix = "null", .a = SS_COPROC_NULL},       {.prefix = "des-cbc", .a = SS_COPROC_DES},
		{.prefix = "3des-cbc", .a = SS_COPROC_3DES},    {.prefix = "aes", .a = SS_COPROC_AES},
		{.prefix = "md5", .a = SS_COPROC_MD5},          {.prefix = "hmac-md5", .a = SS_COPROC_MD5},
		{.prefix = "sha1", .a = SS_COPROC_SHA1},        {.prefix = "hmac-sha1", .a = SS_COPROC_SHA1},
		{.prefix = "rsa1024-", .a = SS_COPROC_RSA1024},
	};
	if (!n)
		return SS_ENOENT;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		size_t l = strlen(map[i].prefix);
		/* "aes" covers aes128-cbc, aes256-cbc and the GCM modes. */
		if (strncmp(n, map[i].prefix, l) == 0 && (map[i].prefix[l - 1] == '-' || n[l] == '\0' ||
							  n[l] == '-' || map[i].a == SS_COPROC_AES)) {
			*out = map[i].a;
			return SS_OK;
		}
	}
	return SS_ENOENT;
}

int ss_coproc_place_of(const char *n, ss_coproc_place *out)
{
	static const char *const names[] = {"lookaside", "inline", "cpu"};
	for (int i = 0; n && i < 3; i++)
		if (strcasecmp(n, names[i]) == 0) {
			*out = (ss_coproc_place)i;
			return SS_OK;
		}
	return SS_ENOENT;
}

int ss_coproc_spec_check(const ss_coproc_spec *s, char *msg, size_t len)
{
	if (s->queue_depth == 0) {
		snprintf(msg, len, "queue_depth must be at least 1");
		return SS_EINVAL;
	}
	int any = s->rsa1024_ops > 0;
	for (int a = SS_COPROC_DES; a < SS_COPROC_RSA1024; a++) {
		if (!isfinite(s->bps[a]) || s->bps[a] < 0) {
			snprintf(msg, len, "%s rate must be a finite number >= 0", alg_names[a]);
			return SS_EINVAL;
		}
		any |= s->bps[a] > 0;
	}
	if (!any) {
		snprintf(msg, len, "the coprocessor rates no algorithm (every rate is 0)");
		return SS_EINVAL;
	}
	if (!isfinite(s->bridge_cycles) || s->bridge_cycles < 0 || s->bridge_cycles > 1e6) {
		snprintf(msg, len, "bridge_cycles must be between 0 and 1e6");
		return SS_EINVAL;
	}
	char which[128];
	if (s->local_bus[0] && ss_iobus_check_preset(s->local_bus, which, sizeof which) != SS_OK) {
		snprintf(msg, len, "local_bus must be %s", which);
		return SS_EINVAL;
	}
	if (s->stream_chunk > 0 && s->stream_fifo == 0) {
		snprintf(msg, len, "stream_fifo must be at least 1 with stream_chunk");
		return SS_EINVAL;
	}
	if (!s->local_bus[0] && s->bridge_cycles > 0) {
		snprintf(msg, len, "bridge_cycles needs a local_bus");
		return SS_EINVAL;
	}
	return SS_OK;
}

int ss_coproc_supports(const ss_coproc *c, ss_coproc_alg a)
{
	if (a == SS_COPROC_NULL)
		return 1;
	if (a == SS_COPROC_RSA1024)
		return c->spec.rsa1024_ops > 0;
	return a < SS_COPROC_NALGS && c->spec.bps[a] > 0;
}

ss_time ss_coproc_service(const ss_coproc *c, ss_coproc_alg a, uint32_t bytes)
{
	ss_time t = c->spec.request_overhead;
	if (a == SS_COPROC_RSA1024)
		return t + ss_time_from_s(1.0 / c->spec.rsa1024_ops);
	if (a != SS_COPROC_NULL)
		t += ss_time_from_s((double)bytes * 8.0 / c->spec.bps[a]);
	return t;
}

static void engine_start(ss_coproc *c);

static void completed(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_coproc_req *r = ctx;
	ss_coproc *c = r->c;
	c->inflight--;
	c->done++;
	ss_tally_add(&c->latency, ss_time_to_s(ss_sim_now(sim) - r->t_submit));
	r->k(sim, r->ctx, r->arg);
}

/* Output leaves the card: over the local bus, then the host bus. */
static void out_local_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_coproc_req *r = ctx;
	ss_iobus_dma_dir(r->c->bus, SS_IOBUS_TO_MEM, r->out_bytes, r->c->spec.desc_bytes, completed, r, 0);
}

static void engine_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_coproc *c = ctx;
	ss_coproc_req *r = c->cur;
	c->cur = NULL;
	ss_time now = ss_sim_now(sim);
	c->busy += now - (c->busy_since > c->window ? c->busy_since : c->window);
	if (c->place != SS_COPROC_LOOKASIDE)
		ss_sim_after(sim, 0, completed, r, 0);
	else if (c->local)
		ss_iobus_dma_dir(c->local, SS_IOBUS_TO_MEM, r->out_bytes, c->spec.desc_bytes, out_local_done, r, 0);
	else
		ss_iobus_dma_dir(c->bus, SS_IOBUS_TO_MEM, r->out_bytes, c->spec.desc_bytes, completed, r, 0);
	engine_start(c);
}

static void engine_start(ss_coproc *c)
{
	if (c->cur || !c->head)
		return;
	ss_coproc_req *r = c->head;
	c->head = r->next;
	if (!c->head)
		c->tail = NULL;
	c->cur = r;
	c->busy_since = ss_sim_now(c->sim);
	ss_sim_after(c->sim, ss_coproc_service(c, r->alg, r->in_bytes), engine_done, c, 0);
}

/* Input is on the card: it joins the engine's queue. */
static void arrived(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_coproc_req *r = ctx;
	ss_coproc *c = r->c;
	r->next = NULL;
	if (c->tail)
		c->tail->next = r;
	else
		c->head = r;
	c->tail = r;
	engine_start(c);
}

static void in_host_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_coproc_req *r = ctx;
	ss_iobus_dma_dir(r->c->local, SS_IOBUS_FROM_MEM, r->in_bytes, r->c->spec.desc_bytes, arrived, r, 0);
}

/* ---- streaming (stream_chunk > 0, look-aside) ---- */

static uint32_t chunks_of(const ss_coproc *c, const ss_coproc_req *r)
{
	uint32_t k = c->spec.stream_chunk;
	return r->in_bytes ? (r->in_bytes + k - 1) / k : 1;
}

static uint32_t in_chunk_bytes(const ss_coproc *c, const ss_coproc_req *r, uint32_t i)
{
	uint32_t k = c->spec.stream_chunk, left = r->in_bytes - (r->in_bytes < i * k ? r->in_bytes : i * k);
	return left < k ? left : k;
}

/* Output follows the input chunk by chunk when it is as long (a cipher);
   otherwise (a digest) it all leaves with the last chunk. */
static uint32_t out_chunk_bytes(const ss_coproc *c, const ss_coproc_req *r, uint32_t i)
{
	if (r->out_bytes == r->in_bytes)
		return in_chunk_bytes(c, r, i);
	return i + 1 == chunks_of(c, r) ? r->out_bytes : 0;
}

static void st_src_kick(ss_coproc *c);
static void st_eng_kick(ss_coproc *c);
static void st_dst_kick(ss_coproc *c);

static void st_src_arrived(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_coproc *c = ctx;
	c->src_busy = 0;
	c->in_fifo++;
	if (++c->src_chunk == chunks_of(c, c->src_r)) {
		c->src_r = c->src_r->next;
		c->src_chunk = 0;
	}
	st_eng_kick(c);
	st_src_kick(c);
}

static void st_src_host_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	ss_coproc *c = ctx;
	ss_iobus_dma_dir(c->local, SS_IOBUS_FROM_MEM, (uint32_t)arg, c->src_chunk ? 0 : c->spec.desc_bytes,
			 st_src_arrived, c, 0);
}

static void st_src_kick(ss_coproc *c)
{
	if (c->src_busy || !c->src_r || c->in_fifo >= c->spec.stream_fifo)
		return;
	c->src_busy = 1;
	uint32_t b = in_chunk_bytes(c, c->src_r, c->src_chunk), d = c->src_chunk ? 0 : c->spec.desc_bytes;
	ss_iobus_dma_dir(c->bus, SS_IOBUS_FROM_MEM, b, d, c->local ? st_src_host_done : st_src_arrived, c, b);
}

static void st_eng_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_coproc *c = ctx;
	ss_time now = ss_sim_now(sim);
	c->busy += now - (c->busy_since > c->window ? c->busy_since : c->window);
	c->cur = NULL;
	c->in_fifo--;
	c->out_fifo++;
	if (++c->eng_chunk == chunks_of(c, c->eng_r)) {
		c->eng_r = c->eng_r->next;
		c->eng_chunk = 0;
	}
	st_dst_kick(c);
	st_eng_kick(c);
	st_src_kick(c);
}

static void st_eng_kick(ss_coproc *c)
{
	if (c->cur || !c->eng_r || c->in_fifo == 0 || c->out_fifo >= c->spec.stream_fifo)
		return;
	ss_coproc_req *r = c->eng_r;
	ss_time t = 0;
	if (c->eng_chunk == 0)
		t = r->alg == SS_COPROC_RSA1024 ? ss_coproc_service(c, r->alg, 0) : c->spec.request_overhead;
	if (r->alg != SS_COPROC_NULL && r->alg != SS_COPROC_RSA1024)
		t += ss_time_from_s((double)in_chunk_bytes(c, r, c->eng_chunk) * 8.0 / c->spec.bps[r->alg]);
	c->cur = r;
	c->busy_since = ss_sim_now(c->sim);
	ss_sim_after(c->sim, t, st_eng_done, c, 0);
}

static void st_dst_written(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_coproc *c = ctx;
	c->dst_busy = 0;
	c->out_fifo--;
	ss_coproc_req *r = c->dst_r;
	int last = ++c->dst_chunk == chunks_of(c, r);
	if (last) {
		c->dst_r = r->next;
		c->dst_chunk = 0;
		c->sq_head = r->next;
		if (!c->sq_head)
			c->sq_tail = NULL;
	}
	st_eng_kick(c);
	st_dst_kick(c);
	if (last)
		completed(sim, r, 0);
}

static void st_dst_local_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	ss_coproc *c = ctx;
	uint32_t d = c->dst_chunk + 1 == chunks_of(c, c->dst_r) ? c->spec.desc_bytes : 0;
	ss_iobus_dma_dir(c->bus, SS_IOBUS_TO_MEM, (uint32_t)arg, d, st_dst_written, c, 0);
}

static void st_dst_kick(ss_coproc *c)
{
	if (c->dst_busy || !c->dst_r || c->out_fifo == 0)
		return;
	c->dst_busy = 1;
	ss_coproc_req *r = c->dst_r;
	uint32_t b = out_chunk_bytes(c, r, c->dst_chunk), d = c->dst_chunk + 1 == chunks_of(c, r) ? c->spec.desc_bytes : 0;
	if (c->local)
		ss_iobus_dma_dir(c->local, SS_IOBUS_TO_MEM, b, d, st_dst_local_done, c, b);
	else
		ss_iobus_dma_dir(c->bus, SS_IOBUS_TO_MEM, b, d, st_dst_written, c, 0);
}

static void st_submit(ss_coproc *c, ss_coproc_req *r)
{
	r->next = NULL;
	if (c->sq_tail)
		c->sq_tail->next = r;
	else
		c->sq_head = r;
	c->sq_tail = r;
	if (!c->src_r)
		c->src_r = r;
	if (!c->eng_r)
		c->eng_r = r;
	if (!c->dst_r)
		c->dst_r = r;
	st_src_kick(c);
}

int ss_coproc_submit(ss_coproc *c, ss_coproc_req *r)
{
	if (!ss_coproc_supports(c, r->alg) || !r->k)
		return SS_EINVAL;
	if (c->inflight >= c->spec.queue_depth) {
		c->refused++;
		return SS_EBUSY;
	}
	c->inflight++;
	r->c = c;
	r->t_submit = ss_sim_now(c->sim);
	if (c->place == SS_COPROC_LOOKASIDE && c->spec.stream_chunk > 0)
		st_submit(c, r);
	else if (c->place != SS_COPROC_LOOKASIDE)
		ss_sim_after(c->sim, 0, arrived, r, 0);
	else if (c->local)
		ss_iobus_dma_dir(c->bus, SS_IOBUS_FROM_MEM, r->in_bytes, c->spec.desc_bytes, in_host_done, r, 0);
	else
		ss_iobus_dma_dir(c->bus, SS_IOBUS_FROM_MEM, r->in_bytes, c->spec.desc_bytes, arrived, r, 0);
	return SS_OK;
}

uint32_t ss_coproc_inflight(const ss_coproc *c) { return c->inflight; }
ss_coproc_place ss_coproc_placement(const ss_coproc *c) { return c->place; }
const ss_coproc_spec *ss_coproc_spec_of(const ss_coproc *c) { return &c->spec; }

static double busy_in_window(const ss_coproc *c, ss_time now)
{
	ss_time b = c->busy;
	if (c->cur)
		b += now - (c->busy_since > c->window ? c->busy_since : c->window);
	return now > c->window ? (double)b / (double)(now - c->window) : 0;
}

double ss_coproc_utilisation(const ss_coproc *c) { return busy_in_window(c, ss_sim_now(c->sim)); }
uint64_t ss_coproc_requests(const ss_coproc *c) { return c->done; }
uint64_t ss_coproc_refused(const ss_coproc *c) { return c->refused; }
const ss_tally *ss_coproc_latency(const ss_coproc *c) { return &c->latency; }

static void cp_reset(void *res, ss_time now)
{
	ss_coproc *c = res;
	c->window = now;
	c->busy = 0;
	c->done = c->refused = 0;
	ss_tally_reset(&c->latency);
}

static void cp_report(void *res, ss_time now, ss_metrics *m)
{
	ss_coproc *c = res;
	char key[SS_METRIC_NAME + 32];
	const struct {
		const char *what, *unit;
		double v;
	} rows[] = {
		{.what = "util", .unit = "fraction", .v = busy_in_window(c, now)},
		{.what = "requests", .unit = "requests", .v = (double)c->done},
		{.what = "refused", .unit = "requests", .v = (double)c->refused},
		{.what = "mean_latency_us", .unit = "us", .v = ss_tally_mean(&c->latency) * 1e6},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(key, sizeof key, "%s.%s", c->name, rows[i].what);
		ss_metrics_set(m, key, rows[i].unit, rows[i].v);
	}
}

static double cp_util(void *res, ss_time now) { return busy_in_window(res, now); }

static const ss_resource_ops cp_ops = {
	.reset = cp_reset,
	.report = cp_report,
	.utilisation = cp_util,
	.destroy = free,
};

int ss_coproc_local_bus(ss_iobus **out, ss_sim *sim, const char *name, const ss_coproc_spec *s, char *err,
			size_t errlen)
{
	*out = NULL;
	if (!s->local_bus[0])
		return SS_OK;
	ss_iobus_spec bs;
	if (ss_iobus_preset(s->local_bus, &bs) != SS_OK) {
		ss_errbuf(err, errlen, "coprocessor %s: local_bus must be one of %s", name, ss_iobus_presets());
		return SS_EINVAL;
	}
	bs.overhead_cycles += s->bridge_cycles;
	return ss_iobus_alloc_spec(out, sim, name, &bs, err, errlen);
}

int ss_coproc_alloc(ss_coproc **out, ss_sim *sim, const char *name, const ss_coproc_spec *s,
		    ss_coproc_place place, ss_iobus *bus, ss_iobus *local, char *err, size_t errlen)
{
	char msg[256];
	*out = NULL;
	if (ss_coproc_spec_check(s, msg, sizeof msg) != SS_OK) {
		ss_errbuf(err, errlen, "coprocessor %s: %s", name, msg);
		return SS_EINVAL;
	}
	if (place == SS_COPROC_LOOKASIDE && !bus) {
		ss_errbuf(err, errlen, "coprocessor %s: a look-aside card needs an I/O bus", name);
		return SS_EINVAL;
	}
	if (strlen(name) > SS_METRIC_NAME - 30) {
		ss_errbuf(err, errlen, "coprocessor name '%s' is too long (at most %d characters)", name,
			  SS_METRIC_NAME - 30);
		return SS_EINVAL;
	}
	ss_coproc *c = calloc(1, sizeof *c);
	if (!c)
		return SS_ENOMEM;
	c->sim = sim;
	c->spec = *s;
	c->place = place;
	c->bus = bus;
	c->local = place == SS_COPROC_LOOKASIDE ? local : NULL;
	c->window = ss_sim_now(sim);
	ss_tally_reset(&c->latency);
	snprintf(c->name, sizeof c->name, "coproc.%s", name);
	if (ss_sim_add_resource(sim, c->name, c, &cp_ops) != SS_OK) {
		free(c);
		return SS_ENOMEM;
	}
	*out = c;
	return SS_OK;
}
