/* netperf TCP_STREAM (ss_netperf.h): per stream, two process-level
   threads looping over system calls on the stream's connection.
   netperf's own user-mode work per call (its loop, no touching of the
   data: it sends from a ring of buffers filled once) is taken as nil
   (ASSUMPTION: it is a few dozen instructions beside the kernel's
   thousands per call). */
#include "ss_netperf.h"

#include <stdlib.h>
#include <string.h>

#include "ss_err.h"

typedef struct stream {
	ss_netperf *np;
	int conn;
	ss_thread snd_th, rcv_th;
	int snd_running, rcv_started;
	uint64_t written, read, sends, recvs; /* in the window */
	uint64_t read_all;
} stream;

struct ss_netperf {
	ss_sim *sim;
	ss_nethost *snd, *rcv;
	ss_netperf_config cfg;
	stream *st;
	int n;
	int stopping;
	ss_time window;
};

void ss_netperf_config_default(ss_netperf_config *c)
{
	c->msg_size = 8192;
	c->recv_size = 87380;
	c->snd_cpu = c->rcv_cpu = -1;
	c->streams = 1;
}

int ss_netperf_alloc(ss_netperf **out, ss_sim *sim, ss_nethost *snd, ss_nethost *rcv, const ss_netperf_config *c,
		     char *err, size_t errlen)
{
	*out = NULL;
	if (c->msg_size < 1 || c->msg_size > 1048576 || c->recv_size < 1) {
		ss_errbuf(err, errlen, "netperf: msg_size must be 1..1048576 and recv_size at least 1");
		return SS_EINVAL;
	}
	if (c->streams < 1) {
		ss_errbuf(err, errlen, "netperf: streams must be at least 1, not %d", c->streams);
		return SS_EINVAL;
	}
	if (!snd || !rcv || ss_nethost_conns(snd) < c->streams || ss_nethost_conns(rcv) < c->streams) {
		ss_errbuf(err, errlen, "netperf: the two hosts must be connected first, with a connection per stream (%d)",
			  c->streams);
		return SS_EINVAL;
	}
	int ns = ss_cpu_count(ss_nethost_cpu(snd)), nr = ss_cpu_count(ss_nethost_cpu(rcv));
	if (c->snd_cpu >= ns || c->rcv_cpu >= nr) {
		ss_errbuf(err, errlen, "netperf: a process is bound to a processor its host lacks");
		return SS_EINVAL;
	}
	ss_netperf *np = calloc(1, sizeof *np);
	if (!np)
		return SS_ENOMEM;
	np->st = calloc((size_t)c->streams, sizeof *np->st);
	if (!np->st) {
		free(np);
		return SS_ENOMEM;
	}
	np->sim = sim;
	np->snd = snd;
	np->rcv = rcv;
	np->cfg = *c;
	np->n = c->streams;
	for (int i = 0; i < np->n; i++) {
		stream *s = &np->st[i];
		s->np = np;
		s->conn = i;
		/* Ids only need to differ per pool: stream i's processes are
		   i + 1 on each host. One stream keeps the binding asked for
		   (-1: any); several are spread as netperf -T i would. */
		ss_thread_init(&s->snd_th, 1 + (uint32_t)i);
		ss_thread_init(&s->rcv_th, 1 + (uint32_t)i);
		int sc = c->snd_cpu, rc = c->rcv_cpu;
		if (np->n > 1) {
			sc = sc >= 0 ? sc : i % ns;
			rc = rc >= 0 ? rc : i % nr;
		}
		ss_thread_set_affinity(&s->snd_th, sc);
		ss_thread_set_affinity(&s->rcv_th, rc);
	}
	np->window = ss_sim_now(sim);
	*out = np;
	return SS_OK;
}

void ss_netperf_free(ss_netperf *np)
{
	if (!np)
		return;
	free(np->st);
	free(np);
}

static void sent(ss_sim *sim, void *ctx, uint64_t bytes);
static void got(ss_sim *sim, void *ctx, uint64_t bytes);

static void snd_loop(stream *s)
{
	ss_netperf *np = s->np;
	if (np->stopping) {
		s->snd_running = 0;
		ss_cpu_release(ss_nethost_cpu(np->snd), &s->snd_th);
		return;
	}
	ss_nethost_send(np->snd, s->conn, &s->snd_th, np->cfg.msg_size, sent, s);
}

static void sent(ss_sim *sim, void *ctx, uint64_t bytes)
{
	(void)sim;
	stream *s = ctx;
	s->written += bytes;
	s->sends++;
	ss_thread_set_mode(&s->snd_th, SS_CPU_MODE_USER);
	snd_loop(s);
}

static void got(ss_sim *sim, void *ctx, uint64_t bytes)
{
	(void)sim;
	stream *s = ctx;
	s->read += bytes;
	s->read_all += bytes;
	s->recvs++;
	ss_thread_set_mode(&s->rcv_th, SS_CPU_MODE_USER);
	ss_nethost_recv(s->np->rcv, s->conn, &s->rcv_th, s->np->cfg.recv_size, got, s);
}

static void snd_start(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	snd_loop(ctx);
}

static void rcv_start(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	stream *s = ctx;
	ss_nethost_recv(s->np->rcv, s->conn, &s->rcv_th, s->np->cfg.recv_size, got, s);
}

void ss_netperf_start(ss_netperf *np)
{
	np->stopping = 0;
	for (int i = 0; i < np->n; i++) {
		stream *s = &np->st[i];
		if (!s->snd_running) {
			s->snd_running = 1;
			ss_cpu_acquire(ss_nethost_cpu(np->snd), &s->snd_th, snd_start, s, 0);
		}
		if (!s->rcv_started) {
			s->rcv_started = 1;
			ss_cpu_acquire(ss_nethost_cpu(np->rcv), &s->rcv_th, rcv_start, s, 0);
		}
	}
}

void ss_netperf_stop(ss_netperf *np) { np->stopping = 1; }

void ss_netperf_reset(ss_netperf *np)
{
	np->window = ss_sim_now(np->sim);
	for (int i = 0; i < np->n; i++) {
		stream *s = &np->st[i];
		s->written = s->read = s->sends = s->recvs = 0;
	}
}

static void fill(const ss_netperf *np, int from, int to, ss_netperf_stats *s)
{
	memset(s, 0, sizeof *s);
	for (int i = from; i < to; i++) {
		const stream *t = &np->st[i];
		s->bytes_written += t->written;
		s->bytes_read += t->read;
		s->sends += t->sends;
		s->recvs += t->recvs;
	}
	s->window_s = ss_time_to_s(ss_sim_now(np->sim) - np->window);
	s->throughput_bps = s->window_s > 0 ? (double)s->bytes_read * 8 / s->window_s : 0;
}

void ss_netperf_stats_get(const ss_netperf *np, ss_netperf_stats *s) { fill(np, 0, np->n, s); }

void ss_netperf_stream_stats_get(const ss_netperf *np, int i, ss_netperf_stats *s)
{
	if (i < 0 || i >= np->n) {
		memset(s, 0, sizeof *s);
		return;
	}
	fill(np, i, i + 1, s);
}

uint64_t ss_netperf_bytes_read_total(const ss_netperf *np)
{
	uint64_t t = 0;
	for (int i = 0; i < np->n; i++)
		t += np->st[i].read_all;
	return t;
}
