/* netperf TCP_STREAM (ss_netperf.h): two process-level threads looping
   over system calls. netperf's own user-mode work per call (its loop,
   no touching of the data: it sends from a ring of buffers filled once)
   is taken as nil (ASSUMPTION: it is a few dozen instructions beside the
   kernel's thousands per call). */
#include "ss_netperf.h"

#include <stdlib.h>
#include <string.h>

#include "ss_err.h"

struct ss_netperf {
	ss_sim *sim;
	ss_nethost *snd, *rcv;
	ss_netperf_config cfg;
	ss_thread snd_th, rcv_th;
	int stopping, snd_running, rcv_started;
	ss_time window;
	uint64_t written, read, sends, recvs; /* in the window */
	uint64_t read_all;
};

void ss_netperf_config_default(ss_netperf_config *c)
{
	c->msg_size = 8192;
	c->recv_size = 87380;
	c->snd_cpu = c->rcv_cpu = -1;
}

int ss_netperf_alloc(ss_netperf **out, ss_sim *sim, ss_nethost *snd, ss_nethost *rcv, const ss_netperf_config *c,
		     char *err, size_t errlen)
{
	*out = NULL;
	if (c->msg_size < 1 || c->msg_size > 1048576 || c->recv_size < 1) {
		ss_errbuf(err, errlen, "netperf: msg_size must be 1..1048576 and recv_size at least 1");
		return SS_EINVAL;
	}
	if (!snd || !rcv || !ss_nethost_tcp(snd) || !ss_nethost_tcp(rcv)) {
		ss_errbuf(err, errlen, "netperf: the two hosts must be connected first");
		return SS_EINVAL;
	}
	if (c->snd_cpu >= ss_cpu_count(ss_nethost_cpu(snd)) || c->rcv_cpu >= ss_cpu_count(ss_nethost_cpu(rcv))) {
		ss_errbuf(err, errlen, "netperf: a process is bound to a processor its host lacks");
		return SS_EINVAL;
	}
	ss_netperf *np = calloc(1, sizeof *np);
	if (!np)
		return SS_ENOMEM;
	np->sim = sim;
	np->snd = snd;
	np->rcv = rcv;
	np->cfg = *c;
	/* Each host runs one process: ids only need to differ per pool. */
	ss_thread_init(&np->snd_th, 1);
	ss_thread_init(&np->rcv_th, 1);
	ss_thread_set_affinity(&np->snd_th, c->snd_cpu);
	ss_thread_set_affinity(&np->rcv_th, c->rcv_cpu);
	np->window = ss_sim_now(sim);
	*out = np;
	return SS_OK;
}

void ss_netperf_free(ss_netperf *np) { free(np); }

static void sent(ss_sim *sim, void *ctx, uint64_t bytes);
static void got(ss_sim *sim, void *ctx, uint64_t bytes);

static void snd_loop(ss_netperf *np)
{
	if (np->stopping) {
		np->snd_running = 0;
		ss_cpu_release(ss_nethost_cpu(np->snd), &np->snd_th);
		return;
	}
	ss_nethost_send(np->snd, &np->snd_th, np->cfg.msg_size, sent, np);
}

static void sent(ss_sim *sim, void *ctx, uint64_t bytes)
{
	(void)sim;
	ss_netperf *np = ctx;
	np->written += bytes;
	np->sends++;
	ss_thread_set_mode(&np->snd_th, SS_CPU_MODE_USER);
	snd_loop(np);
}

static void got(ss_sim *sim, void *ctx, uint64_t bytes)
{
	(void)sim;
	ss_netperf *np = ctx;
	np->read += bytes;
	np->read_all += bytes;
	np->recvs++;
	ss_thread_set_mode(&np->rcv_th, SS_CPU_MODE_USER);
	ss_nethost_recv(np->rcv, &np->rcv_th, np->cfg.recv_size, got, np);
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
	ss_netperf *np = ctx;
	ss_nethost_recv(np->rcv, &np->rcv_th, np->cfg.recv_size, got, np);
}

void ss_netperf_start(ss_netperf *np)
{
	np->stopping = 0;
	if (!np->snd_running) {
		np->snd_running = 1;
		ss_cpu_acquire(ss_nethost_cpu(np->snd), &np->snd_th, snd_start, np, 0);
	}
	if (!np->rcv_started) {
		np->rcv_started = 1;
		ss_cpu_acquire(ss_nethost_cpu(np->rcv), &np->rcv_th, rcv_start, np, 0);
	}
}

void ss_netperf_stop(ss_netperf *np) { np->stopping = 1; }

void ss_netperf_reset(ss_netperf *np)
{
	np->window = ss_sim_now(np->sim);
	np->written = np->read = np->sends = np->recvs = 0;
}

void ss_netperf_stats_get(const ss_netperf *np, ss_netperf_stats *s)
{
	memset(s, 0, sizeof *s);
	s->bytes_written = np->written;
	s->bytes_read = np->read;
	s->sends = np->sends;
	s->recvs = np->recvs;
	s->window_s = ss_time_to_s(ss_sim_now(np->sim) - np->window);
	s->throughput_bps = s->window_s > 0 ? (double)np->read * 8 / s->window_s : 0;
}

uint64_t ss_netperf_bytes_read_total(const ss_netperf *np) { return np->read_all; }
