/* Ping-pong (ss_pingpong.h): two process-level threads, the client on
   one host and the server on the other, looping over system calls on
   one connection. As in netperf.c, the processes' own user-mode work
   per call (loop control, no touching of the data) is taken as nil
   (ASSUMPTION: a few dozen instructions beside the kernel's thousands
   per call). Round-trip times are summed in integer picoseconds so that
   a run's statistics do not depend on the order of floating-point
   additions. */
#include "ss_pingpong.h"

#include <stdlib.h>
#include <string.h>

#include "ss_err.h"

struct ss_pingpong {
	ss_sim *sim;
	ss_nethost *cli, *srv;
	ss_pingpong_config cfg;
	ss_thread cli_th, srv_th;
	int cli_running, srv_started, stopping;
	uint32_t cli_have, srv_have; /* bytes of the response / request read so far */
	ss_time t0;                  /* the exchange under way: its write's start */
	uint64_t t0_epoch;           /* and the window it started in */
	uint64_t epoch;              /* windows started (ss_pingpong_reset) */
	ss_time window;
	uint64_t n;                  /* in the window */
	ss_time sum, min, max;
	uint64_t total;              /* since the start */
};

void ss_pingpong_config_default(ss_pingpong_config *c)
{
	c->size = 1;
	c->conn = 0;
	c->cli_cpu = c->srv_cpu = -1;
	c->setup = 0;
	c->gap = 0;
}

int ss_pingpong_alloc(ss_pingpong **out, ss_sim *sim, ss_nethost *cli, ss_nethost *srv, const ss_pingpong_config *c,
		      char *err, size_t errlen)
{
	*out = NULL;
	if (c->gap < 0) {
		ss_errbuf(err, errlen, "pingpong: the gap between set-ups must be >= 0");
		return SS_EINVAL;
	}
	if (c->size < 1 || c->size > 1048576) {
		ss_errbuf(err, errlen, "pingpong: size must be 1..1048576, not %u", (unsigned)c->size);
		return SS_EINVAL;
	}
	if (!cli || !srv || cli == srv) {
		ss_errbuf(err, errlen, "pingpong: needs two different hosts");
		return SS_EINVAL;
	}
	if (c->conn < 0 || ss_nethost_conns(cli) <= c->conn || ss_nethost_conns(srv) <= c->conn) {
		ss_errbuf(err, errlen, "pingpong: the hosts have no connection %d (connect them first)", c->conn);
		return SS_EINVAL;
	}
	if (c->cli_cpu >= ss_cpu_count(ss_nethost_cpu(cli)) || c->srv_cpu >= ss_cpu_count(ss_nethost_cpu(srv))) {
		ss_errbuf(err, errlen, "pingpong: a process is bound to a processor its host lacks");
		return SS_EINVAL;
	}
	ss_pingpong *pp = calloc(1, sizeof *pp);
	if (!pp)
		return SS_ENOMEM;
	pp->sim = sim;
	pp->cli = cli;
	pp->srv = srv;
	pp->cfg = *c;
	/* Ids only need to differ per pool: 1 + conn, as netperf.c gives
	   its stream on that connection, since a connection has one reader
	   and one writer at a time anyway. */
	ss_thread_init(&pp->cli_th, 1 + (uint32_t)c->conn);
	ss_thread_init(&pp->srv_th, 1 + (uint32_t)c->conn);
	ss_thread_set_affinity(&pp->cli_th, c->cli_cpu);
	ss_thread_set_affinity(&pp->srv_th, c->srv_cpu);
	pp->window = ss_sim_now(sim);
	*out = pp;
	return SS_OK;
}

void ss_pingpong_free(ss_pingpong *pp) { free(pp); }

static void cli_sent(ss_sim *sim, void *ctx, uint64_t bytes);
static void cli_opened(ss_sim *sim, void *ctx, uint64_t arg);
static void cli_got(ss_sim *sim, void *ctx, uint64_t bytes);
static void srv_got(ss_sim *sim, void *ctx, uint64_t bytes);
static void srv_sent(ss_sim *sim, void *ctx, uint64_t bytes);

/* The client begins an exchange: the round trip is timed from here, the
   write call's start, with the thread already holding its processor. */
static void cli_loop(ss_pingpong *pp)
{
	if (pp->stopping) {
		pp->cli_running = 0;
		ss_cpu_release(ss_nethost_cpu(pp->cli), &pp->cli_th);
		return;
	}
	pp->t0 = ss_sim_now(pp->sim);
	pp->t0_epoch = pp->epoch;
	pp->cli_have = 0;
	if (pp->cfg.setup) {
		ss_nethost_open(pp->cli, pp->cfg.conn, &pp->cli_th, cli_opened, pp);
		return;
	}
	ss_nethost_send(pp->cli, pp->cfg.conn, &pp->cli_th, pp->cfg.size, cli_sent, pp);
}

static void record(ss_pingpong *pp)
{
	pp->total++;
	/* Counted only if it started in this window: one that straddles a
	   reset would carry time from before it. */
	if (pp->t0_epoch == pp->epoch) {
		ss_time rtt = ss_sim_now(pp->sim) - pp->t0;
		if (pp->n == 0 || rtt < pp->min)
			pp->min = rtt;
		if (pp->n == 0 || rtt > pp->max)
			pp->max = rtt;
		pp->sum += rtt;
		pp->n++;
	}
}

static void cli_again(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	cli_loop(ctx);
}

static void cli_wake(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_pingpong *pp = ctx;
	ss_cpu_acquire(ss_nethost_cpu(pp->cli), &pp->cli_th, cli_again, pp, 0);
}

/* A set-up done: the client leaves its processor for the gap. */
static void cli_opened(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_pingpong *pp = ctx;
	ss_thread_set_mode(&pp->cli_th, SS_CPU_MODE_USER);
	record(pp);
	ss_cpu_release(ss_nethost_cpu(pp->cli), &pp->cli_th);
	if (pp->stopping) {
		pp->cli_running = 0;
		return;
	}
	ss_sim_after(sim, pp->cfg.gap, cli_wake, pp, 0);
}

/* Each read asks for what is still missing, as netperf's TCP_RR does,
   so it never takes bytes of a later exchange (there are none in
   flight anyway). */
static void cli_sent(ss_sim *sim, void *ctx, uint64_t bytes)
{
	(void)sim;
	(void)bytes;
	ss_pingpong *pp = ctx;
	ss_thread_set_mode(&pp->cli_th, SS_CPU_MODE_USER);
	ss_nethost_recv(pp->cli, pp->cfg.conn, &pp->cli_th, pp->cfg.size, cli_got, pp);
}

static void cli_got(ss_sim *sim, void *ctx, uint64_t bytes)
{
	ss_pingpong *pp = ctx;
	ss_thread_set_mode(&pp->cli_th, SS_CPU_MODE_USER);
	pp->cli_have += (uint32_t)bytes;
	if (pp->cli_have < pp->cfg.size) {
		ss_nethost_recv(pp->cli, pp->cfg.conn, &pp->cli_th, pp->cfg.size - pp->cli_have, cli_got, pp);
		return;
	}
	(void)sim;
	record(pp);
	cli_loop(pp);
}

static void srv_recv(ss_pingpong *pp)
{
	ss_nethost_recv(pp->srv, pp->cfg.conn, &pp->srv_th, pp->cfg.size - pp->srv_have, srv_got, pp);
}

static void srv_got(ss_sim *sim, void *ctx, uint64_t bytes)
{
	(void)sim;
	ss_pingpong *pp = ctx;
	ss_thread_set_mode(&pp->srv_th, SS_CPU_MODE_USER);
	pp->srv_have += (uint32_t)bytes;
	if (pp->srv_have < pp->cfg.size) {
		srv_recv(pp);
		return;
	}
	pp->srv_have = 0;
	ss_nethost_send(pp->srv, pp->cfg.conn, &pp->srv_th, pp->cfg.size, srv_sent, pp);
}

static void srv_sent(ss_sim *sim, void *ctx, uint64_t bytes)
{
	(void)sim;
	(void)bytes;
	ss_pingpong *pp = ctx;
	ss_thread_set_mode(&pp->srv_th, SS_CPU_MODE_USER);
	srv_recv(pp);
}

static void cli_start(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	cli_loop(ctx);
}

static void srv_start(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	srv_recv(ctx);
}

void ss_pingpong_start(ss_pingpong *pp)
{
	pp->stopping = 0;
	/* The server is started first so that, with both acquisitions at
	   the same instant, it is already reading when the request lands
	   (it would be woken for it otherwise: the same result, later). */
	if (!pp->srv_started && !pp->cfg.setup) {
		pp->srv_started = 1;
		ss_cpu_acquire(ss_nethost_cpu(pp->srv), &pp->srv_th, srv_start, pp, 0);
	}
	if (!pp->cli_running) {
		pp->cli_running = 1;
		ss_cpu_acquire(ss_nethost_cpu(pp->cli), &pp->cli_th, cli_start, pp, 0);
	}
}

void ss_pingpong_stop(ss_pingpong *pp) { pp->stopping = 1; }

void ss_pingpong_reset(ss_pingpong *pp)
{
	pp->window = ss_sim_now(pp->sim);
	pp->epoch++;
	pp->n = 0;
	pp->sum = pp->min = pp->max = 0;
}

void ss_pingpong_stats_get(const ss_pingpong *pp, ss_pingpong_stats *s)
{
	memset(s, 0, sizeof *s);
	s->exchanges = pp->n;
	if (pp->n) {
		s->rtt_min_s = ss_time_to_s(pp->min);
		s->rtt_max_s = ss_time_to_s(pp->max);
		/* The quotient in whole picoseconds, then the fraction: round
		   trips all of one length give exactly that length, and the
		   clamp keeps the last bit's rounding from taking the mean
		   outside [min, max], where it lies. */
		ss_time n = (ss_time)pp->n, q = pp->sum / n, r = pp->sum % n;
		double m = ss_time_to_s(q) + ss_time_to_s(r) / (double)n;
		s->rtt_mean_s = m < s->rtt_min_s ? s->rtt_min_s : m > s->rtt_max_s ? s->rtt_max_s : m;
	}
	s->window_s = ss_time_to_s(ss_sim_now(pp->sim) - pp->window);
}

uint64_t ss_pingpong_exchanges_total(const ss_pingpong *pp) { return pp->total; }
