/* The ping-pong workload (workloads/pingpong) between two Linux-like
   hosts (platform/nethost) on a gigabit link, at 1 byte and at one full
   segment (1460 bytes, the MSS without options): exchanges happen; no
   round trip beats the wire (a frame's time and the propagation delay,
   each way); a bigger exchange takes longer; min <= mean <= max; the
   counted round trips fill the window but for the two at its edges (the
   client starts each exchange the instant the last one ends); one frame
   each way per exchange (Nagle delays nothing, the ACKs ride on the
   data); a longer wire adds exactly twice its extra delay; the NIC's
   interrupt moderation only lengthens it; identical
   runs give identical statistics; a reset restarts the counts; bad
   configurations are refused; no packet leaks once it stops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"
#include "ss_link.h"
#include "ss_nethost.h"
#include "ss_nic.h"
#include "ss_pingpong.h"
#include "ss_profile.h"
#include "ss_protoprof.h"
#include "ss_sim.h"
#include "ss_tcp.h"
#include "ss_test.h"

static char datadir[4096];

/* hosts/X1.cfg and X2.cfg: the Xeon testbed of the host tests. */
static const char *const CPU = "xeon-2800-pub", *const PROTO = "linux26-xeon-2800", *const NIC = "e1000-82546eb",
		  *const BUS = "pcix-133";

typedef struct pair {
	ss_sim *sim;
	ss_pktpool *pool;
	ss_link *link;
	ss_profile *cp[2];
	ss_protoprof *pp[2];
	ss_nethost *h[2];
	ss_tcp_config tc;
	ss_pingpong *pg;
} pair;

static void pair_free(pair *P)
{
	ss_pingpong_free(P->pg);
	for (int i = 0; i < 2; i++) {
		ss_nethost_free(P->h[i]);
		ss_profile_free(P->cp[i]);
		ss_protoprof_free(P->pp[i]);
	}
	ss_sim_free(P->sim);
	ss_pktpool_free(P->pool);
	memset(P, 0, sizeof *P);
}

/* Two hosts, connected (connect 0: left unconnected), Linux 2.6.11's
   stock TCP (Nagle on, no options); no ping-pong yet. The NICs
   interrupt at once for every received frame and not for transmits
   (stock 0: the e1000's defaults, an 8000/s throttle and delayed
   transmit interrupts): latency tests run so, since the throttle's
   125 us interval, not the path, then sets the round trip. */
static int stock_nic;
static void pair_build(pair *P, double prop_us, int connect, uint64_t seed)
{
	char err[1024], d[4200];
	memset(P, 0, sizeof *P);
	SS_MUST(ss_sim_alloc(&P->sim, seed));
	ss_link_spec ls;
	SS_MUST(ss_link_spec_ethernet(&ls, 1e9, 1500));
	ls.prop = ss_time_from_us(prop_us);
	SS_MUST(ss_link_alloc(&P->link, P->sim, "link", &ls, err, sizeof err));
	SS_MUST(ss_pktpool_alloc(&P->pool, 0));
	const char *names[2] = {"cli", "srv"};
	for (int i = 0; i < 2; i++) {
		ss_nethost_config c;
		ss_nethost_config_default(&c);
		snprintf(d, sizeof d, "%s/crypto/profiles", datadir);
		SS_MUST(ss_profile_load(d, CPU, NULL, &P->cp[i], err, sizeof err));
		snprintf(d, sizeof d, "%s/proto/profiles", datadir);
		SS_MUST(ss_protoprof_load(&P->pp[i], d, PROTO, err, sizeof err));
		snprintf(d, sizeof d, "%s/platform/nics", datadir);
		SS_MUST(ss_nic_spec_load(d, NIC, &c.nic, NULL, 0, err, sizeof err));
		if (!stock_nic) {
			c.nic.irq_min_interval = 0;
			c.nic.irq_delay = 0;
			c.nic.irq_abs_delay = 0;
			c.nic.tx_irq = 0;
		}
		c.name = names[i];
		c.iobus = BUS;
		c.proto = P->pp[i];
		c.crypto = P->cp[i];
		c.pool = P->pool;
		c.link = P->link;
		c.side = i;
		if (ss_nethost_alloc(&P->h[i], P->sim, &c, err, sizeof err)) {
			printf("Bail out! host: %s\n", err);
			exit(1);
		}
	}
	uint32_t mss = 0;
	SS_MUST(ss_nethost_mss(NULL, 1500, &mss, err, sizeof err));
	ss_tcp_config_linux2611(&P->tc, mss, 0);
	if (connect && ss_nethost_connect(P->h[0], P->h[1], NULL, &P->tc, 0, err, sizeof err)) {
		printf("Bail out! connect: %s\n", err);
		exit(1);
	}
}

static void pingpong_start(pair *P, uint32_t size)
{
	char err[256];
	ss_pingpong_config c;
	ss_pingpong_config_default(&c);
	c.size = size;
	if (ss_pingpong_alloc(&P->pg, P->sim, P->h[0], P->h[1], &c, err, sizeof err)) {
		printf("Bail out! pingpong: %s\n", err);
		exit(1);
	}
	ss_pingpong_start(P->pg);
}

/* 0.1 s of warm-up (past slow start and quick ACKs), then a 0.5 s
   window; frames each way in the window in fr (may be NULL). */
#define WARM_S 0.1
#define WINDOW_S 0.5
static void run(uint32_t size, double prop_us, uint64_t seed, ss_pingpong_stats *s, uint64_t fr[2], ss_time bound[1])
{
	pair P;
	pair_build(&P, prop_us, 1, seed);
	pingpong_start(&P, size);
	ss_sim_run_until(P.sim, ss_time_from_s(WARM_S));
	ss_pingpong_reset(P.pg);
	uint64_t f0[2] = {ss_link_frames(P.link, 0), ss_link_frames(P.link, 1)};
	ss_sim_run_until(P.sim, ss_time_from_s(WARM_S + WINDOW_S));
	ss_pingpong_stats_get(P.pg, s);
	if (fr)
		for (int i = 0; i < 2; i++)
			fr[i] = ss_link_frames(P.link, i) - f0[i];
	/* Each way at least one frame carrying the whole exchange (its IP
	   datagram: IP header, TCP header, the data) and the wire's delay:
	   the link delivers a frame `prop` after its last bit and gap. */
	if (bound) {
		uint32_t ip_len = 20 + ss_tcp_header_bytes(&P.tc) + size;
		bound[0] = 2 * (ss_link_frame_time(P.link, ip_len) + ss_link_spec_of(P.link)->prop);
	}
	pair_free(&P);
}

static int same_stats(const ss_pingpong_stats *a, const ss_pingpong_stats *b)
{
	return a->exchanges == b->exchanges && memcmp(&a->rtt_mean_s, &b->rtt_mean_s, sizeof(double)) == 0 &&
	       memcmp(&a->rtt_min_s, &b->rtt_min_s, sizeof(double)) == 0 &&
	       memcmp(&a->rtt_max_s, &b->rtt_max_s, sizeof(double)) == 0 &&
	       memcmp(&a->window_s, &b->window_s, sizeof(double)) == 0;
}

int main(void)
{
	const char *src = getenv("SS_SRCDIR");
	snprintf(datadir, sizeof datadir, "%s", src ? src : SS_DATADIR);
	setenv("SECSIM_DATADIR", datadir, 0);
	ss_test_plan(32);

	static const uint32_t sizes[2] = {1, 1460};
	ss_pingpong_stats st[2];
	uint64_t fr[2][2];
	ss_time bound[2];
	for (int k = 0; k < 2; k++) {
		uint32_t z = sizes[k];
		ss_pingpong_stats *s = &st[k];
		run(z, 1, 1, s, fr[k], &bound[k]);
		SS_DIAG("%u bytes: %llu exchanges, RTT mean %.3f us, min %.3f us, max %.3f us, wire bound %.3f us", z,
			(unsigned long long)s->exchanges, s->rtt_mean_s * 1e6, s->rtt_min_s * 1e6, s->rtt_max_s * 1e6,
			ss_time_to_us(bound[k]));
		SS_CHECK(s->exchanges > 100, "%u bytes: exchanges in the window (%llu)", z,
			 (unsigned long long)s->exchanges);
		/* min_s is a whole number of picoseconds in seconds: compared
		   as picoseconds, rounded, the bound is exact. */
		SS_CHECK(ss_time_from_s(s->rtt_min_s) >= bound[k],
			 "%u bytes: every RTT (min %.6f us) at least two one-way wire times (%.6f us)", z,
			 s->rtt_min_s * 1e6, ss_time_to_us(bound[k]));
		SS_CHECK(s->rtt_min_s <= s->rtt_mean_s && s->rtt_mean_s <= s->rtt_max_s,
			 "%u bytes: min <= mean <= max", z);
		/* One exchange at a time, the next begun the instant the last
		   ends: the counted ones cover the window but for the one
		   under way at its start (not counted) and the one under way
		   at its end, each shorter than the longest round trip. */
		double busy = s->rtt_mean_s * (double)s->exchanges;
		SS_CHECK(busy <= s->window_s * (1 + 1e-12) && s->window_s - busy < 2 * s->rtt_max_s,
			 "%u bytes: round trips fill the window (%.9f of %.9f s)", z, busy, s->window_s);
		/* Past the quick ACKs of the start, a request is one segment
		   (Nagle holds nothing back: no data is unacknowledged when
		   it is written) and the ACKs ride on the data, so each way
		   carries a frame per exchange, +-1 at the window's edges. */
		for (int d = 0; d < 2; d++)
			SS_CHECK(fr[k][d] + 1 >= s->exchanges && fr[k][d] <= s->exchanges + 1,
				 "%u bytes: one frame %s per exchange (%llu frames, %llu exchanges)", z,
				 d ? "back" : "out", (unsigned long long)fr[k][d], (unsigned long long)s->exchanges);
	}
	SS_CHECK(st[1].rtt_mean_s > st[0].rtt_mean_s, "the mean RTT grows with size (%.3f us at 1, %.3f us at 1460)",
		 st[0].rtt_mean_s * 1e6, st[1].rtt_mean_s * 1e6);
	/* Sanity of the bound itself: 1460 bytes put 1460 x 8 ns more on a
	   gigabit wire each way than 1 byte, minus the 1-byte frame's
	   padding to the 64-byte minimum (5 bytes). */
	SS_CHECK_INT(bound[1] - bound[0], 2 * ss_time_from_us((1460 - 1 - 5) * 8e-3),
		     "the wire bound grows by the extra bytes' time, both ways");

	/* Determinism: the same seed, the same statistics bit for bit. */
	for (int k = 0; k < 2; k++) {
		ss_pingpong_stats again;
		run(sizes[k], 1, 1, &again, NULL, NULL);
		SS_CHECK(same_stats(&st[k], &again), "%u bytes: two runs give identical statistics", sizes[k]);
	}

	/* A wire longer by 100 us adds 200 us to every round trip: nothing
	   else in the path depends on it (no timer is involved once the
	   ACKs ride on the data). */
	for (int k = 0; k < 2; k++) {
		ss_pingpong_stats far;
		run(sizes[k], 101, 1, &far, NULL, NULL);
		SS_DIAG("%u bytes, prop 101 us: %llu exchanges, RTT mean %.6f us, min %.6f, max %.6f", sizes[k],
			(unsigned long long)far.exchanges, far.rtt_mean_s * 1e6, far.rtt_min_s * 1e6,
			far.rtt_max_s * 1e6);
		SS_CHECK_NEAR(far.rtt_min_s - st[k].rtt_min_s, 200e-6, 1e-12,
			      "%u bytes: 100 us more propagation, min RTT 200 us more", sizes[k]);
		SS_CHECK_NEAR(far.rtt_max_s - st[k].rtt_max_s, 200e-6, 1e-12,
			      "%u bytes: 100 us more propagation, max RTT 200 us more", sizes[k]);
	}

	/* The e1000's stock moderation only holds interrupts back: the
	   round trip can only grow (to the throttle's rhythm). */
	{
		ss_pingpong_stats stock;
		stock_nic = 1;
		run(1, 1, 1, &stock, NULL, NULL);
		stock_nic = 0;
		SS_DIAG("1 byte, stock e1000 moderation: %llu exchanges, RTT mean %.6f us, min %.6f, max %.6f",
			(unsigned long long)stock.exchanges, stock.rtt_mean_s * 1e6, stock.rtt_min_s * 1e6,
			stock.rtt_max_s * 1e6);
		SS_CHECK(stock.exchanges > 0 && stock.rtt_min_s >= st[0].rtt_min_s,
			 "1 byte: interrupt moderation lengthens the round trip (%.3f us, %.3f without)",
			 stock.rtt_min_s * 1e6, st[0].rtt_min_s * 1e6);
	}

	/* Reset: the counts restart at once and grow again; the total goes
	   on. */
	{
		pair P;
		pair_build(&P, 1, 1, 2);
		pingpong_start(&P, 1);
		ss_sim_run_until(P.sim, ss_time_from_s(0.05));
		ss_pingpong_stats a, b, c;
		ss_pingpong_stats_get(P.pg, &a);
		uint64_t tot_a = ss_pingpong_exchanges_total(P.pg);
		ss_pingpong_reset(P.pg);
		ss_pingpong_stats_get(P.pg, &b);
		SS_CHECK(a.exchanges > 0 && tot_a == a.exchanges,
			 "before any reset, the window is the whole run (%llu of %llu)", (unsigned long long)a.exchanges,
			 (unsigned long long)tot_a);
		SS_CHECK(b.exchanges == 0 && b.rtt_mean_s == 0 && b.rtt_min_s == 0 && b.rtt_max_s == 0 &&
				 b.window_s == 0,
			 "reset: no exchanges, zero statistics, an empty window");
		ss_sim_run_until(P.sim, ss_time_from_s(0.1));
		ss_pingpong_stats_get(P.pg, &c);
		uint64_t tot_c = ss_pingpong_exchanges_total(P.pg);
		/* The exchange under way at the reset ends after it and counts
		   in the total only. */
		SS_CHECK(c.exchanges > 0 && tot_c == tot_a + c.exchanges + 1,
			 "after reset the window counts again (%llu), the total goes on (%llu -> %llu), the straddling "
			 "exchange left out",
			 (unsigned long long)c.exchanges, (unsigned long long)tot_a, (unsigned long long)tot_c);
		SS_CHECK_NEAR(c.window_s, 0.05, 1e-12, "the window runs from the reset");

		/* Stopped, the client ends after the exchange under way; every
		   packet comes back once the last delayed ACK has gone. */
		ss_pingpong_stop(P.pg);
		ss_sim_run_until(P.sim, ss_time_from_s(0.1) + ss_time_from_s(1.0));
		uint64_t tot_d = ss_pingpong_exchanges_total(P.pg);
		ss_sim_run_until(P.sim, ss_time_from_s(2.1));
		SS_CHECK(tot_d <= tot_c + 1 && ss_pingpong_exchanges_total(P.pg) == tot_d,
			 "stop: at most the exchange under way ends, then none (%llu -> %llu)",
			 (unsigned long long)tot_c, (unsigned long long)tot_d);
		SS_CHECK_INT(ss_pktpool_live(P.pool), 0, "no packet leaks after it stops (%llu packets made)",
			     (unsigned long long)ss_pktpool_created(P.pool));
		pair_free(&P);
	}

	/* Refusals. */
	{
		pair P;
		pair_build(&P, 1, 0, 1);
		char err[256] = "";
		ss_pingpong_config c;
		ss_pingpong_config_default(&c);
		SS_CHECK(ss_pingpong_alloc(&P.pg, P.sim, P.h[0], P.h[1], &c, err, sizeof err) == SS_EINVAL && !P.pg &&
				 strstr(err, "connection"),
			 "unconnected hosts refused: %s", err);
		char e2[256];
		SS_MUST(ss_nethost_connect(P.h[0], P.h[1], NULL, &P.tc, 0, e2, sizeof e2));
		c.size = 0;
		err[0] = 0;
		SS_CHECK(ss_pingpong_alloc(&P.pg, P.sim, P.h[0], P.h[1], &c, err, sizeof err) == SS_EINVAL && err[0],
			 "size 0 refused: %s", err);
		ss_pingpong_config_default(&c);
		c.conn = 1;
		err[0] = 0;
		SS_CHECK(ss_pingpong_alloc(&P.pg, P.sim, P.h[0], P.h[1], &c, err, sizeof err) == SS_EINVAL && err[0],
			 "a connection the hosts lack refused: %s", err);
		ss_pingpong_config_default(&c);
		c.srv_cpu = 1;
		err[0] = 0;
		SS_CHECK(ss_pingpong_alloc(&P.pg, P.sim, P.h[0], P.h[1], &c, err, sizeof err) == SS_EINVAL && err[0],
			 "a processor the host lacks refused: %s", err);
		ss_pingpong_config_default(&c);
		err[0] = 0;
		SS_CHECK(ss_pingpong_alloc(&P.pg, P.sim, P.h[0], P.h[0], &c, err, sizeof err) == SS_EINVAL && err[0],
			 "the same host twice refused: %s", err);
		pair_free(&P);
	}
	return ss_test_done();
}
