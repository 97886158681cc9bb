/* Protocol organisations (platform/ss_org.h) in the host: the shipped
   organisations load and bad files are refused with file:line; on two
   DECstation-like hosts (bsd43-ds5000, pmadd-aa or an1, 4.3BSD TCP) a
   one-exchange-at-a-time ping-pong's round trip moves by exactly twice a
   crossing's change when that crossing is on each direction's critical
   path once (demultiplexing, the device crossing, the write call, the
   protocol thread's notification, programmed I/O in) and by four times
   the extra copy of a short call (the write's and the read's, each way),
   not at all for calls at or above the no-copy size; a kernel
   organisation never runs a protocol thread; outside the kernel each
   ping-pong packet costs one notification (the thread is asleep when it
   comes), while a CPU-bound stream batches several packets per
   notification and a wire-paced one hardly any; 4.3BSD's TCP sends one frame each way per exchange (no
   ACK of its own), Linux's ACKs a short segment read out at once; a
   connection set-up's time moves by exactly each set-up cost times the
   times the handshake meets it; a polled driver is refused with an
   organisation. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ss_err.h"
#include "ss_link.h"
#include "ss_netperf.h"
#include "ss_nethost.h"
#include "ss_nic.h"
#include "ss_org.h"
#include "ss_pingpong.h"
#include "ss_protoprof.h"
#include "ss_sim.h"
#include "ss_tcp.h"
#include "ss_test.h"

static char datadir[4096];

typedef struct setup {
	const char *org;  /* platform/orgs name */
	const char *nic;  /* platform/nics name */
	double mbps;
	ss_org o;         /* loaded, then changed by the check */
	ss_nic_spec n;
	int linux_tcp;    /* 1: Linux 2.6.11's TCP instead of 4.3BSD's */
	int napi;
	const char *proto; /* protocol profile; NULL: bsd43-ds5000 */
	uint32_t raw;     /* > 0: a raw connection with this many receive buffers */
} setup;

typedef struct hosts {
	ss_sim *sim;
	ss_pktpool *pool;
	ss_link *link;
	ss_protoprof *pp;
	ss_nethost *h[2];
	ss_pingpong *pg;
	ss_netperf *np;
} hosts;

static void load(setup *s, const char *org, const char *nic, double mbps)
{
	char d[4200], err[1024];
	memset(s, 0, sizeof *s);
	s->org = org;
	s->nic = nic;
	s->mbps = mbps;
	snprintf(d, sizeof d, "%s/platform/orgs", datadir);
	SS_MUST(ss_org_load(d, org, &s->o, NULL, 0, err, sizeof err));
	snprintf(d, sizeof d, "%s/platform/nics", datadir);
	SS_MUST(ss_nic_spec_load(d, nic, &s->n, NULL, 0, err, sizeof err));
}

static int build(hosts *H, const setup *s, char *err, size_t errlen)
{
	char d[4200];
	memset(H, 0, sizeof *H);
	SS_MUST(ss_sim_alloc(&H->sim, 1));
	ss_link_spec ls;
	SS_MUST(ss_link_spec_ethernet(&ls, s->mbps * 1e6, 1500));
	ls.prop = ss_time_from_us(1);
	SS_MUST(ss_link_alloc(&H->link, H->sim, "link", &ls, err, errlen));
	SS_MUST(ss_pktpool_alloc(&H->pool, 0));
	snprintf(d, sizeof d, "%s/proto/profiles", datadir);
	SS_MUST(ss_protoprof_load(&H->pp, d, s->proto ? s->proto : "bsd43-ds5000", err, errlen));
	const char *nm[2] = {"cli", "srv"};
	for (int i = 0; i < 2; i++) {
		ss_nethost_config c;
		ss_nethost_config_default(&c);
		c.name = nm[i];
		c.nic = s->n;
		c.iobus = "turbochannel-25";
		c.proto = H->pp;
		c.pool = H->pool;
		c.link = H->link;
		c.side = i;
		c.org = &s->o;
		c.napi = s->napi;
		int rc = ss_nethost_alloc(&H->h[i], H->sim, &c, err, errlen);
		if (rc)
			return rc;
	}
	if (s->raw)
		return ss_nethost_connect_raw(H->h[0], H->h[1], s->raw, err, errlen);
	uint32_t mss;
	SS_MUST(ss_nethost_mss(NULL, 1500, &mss, err, errlen));
	ss_tcp_config tc;
	if (s->linux_tcp)
		ss_tcp_config_linux2611(&tc, mss, 0);
	else
		ss_tcp_config_bsd43(&tc, mss, 16384);
	SS_MUST(ss_nethost_connect(H->h[0], H->h[1], NULL, &tc, 0, err, errlen));
	return SS_OK;
}

static void hosts_free(hosts *H)
{
	ss_pingpong_free(H->pg);
	ss_netperf_free(H->np);
	for (int i = 0; i < 2; i++)
		ss_nethost_free(H->h[i]);
	ss_protoprof_free(H->pp);
	ss_sim_free(H->sim);
	ss_pktpool_free(H->pool);
}

typedef struct pp_out {
	ss_time rtt;        /* the window's (identical) round trips, ps */
	uint64_t n, frames[2], notifies, rx, thread_runs, opens;
} pp_out;

static pp_out run_pp(const setup *s, uint32_t size, int setup_mode);

/* A ping-pong of `size` bytes: 0.5 s of warm-up, then 2 s. Every round
   trip is the same (one exchange at a time, nothing else running): its
   time is returned exactly; min != max is printed as a diagnostic. */
static pp_out pingpong(const setup *s, uint32_t size) { return run_pp(s, size, 0); }

/* Connection set-ups, 20 ms apart, measured the same way. */
static pp_out setups(const setup *s) { return run_pp(s, 1, 1); }

static pp_out run_pp(const setup *s, uint32_t size, int setup_mode)
{
	hosts H;
	char err[1024];
	pp_out o = {0};
	if (build(&H, s, err, sizeof err)) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	ss_pingpong_config pc;
	ss_pingpong_config_default(&pc);
	pc.size = size;
	pc.setup = setup_mode;
	pc.gap = ss_time_from_us(20000);
	SS_MUST(ss_pingpong_alloc(&H.pg, H.sim, H.h[0], H.h[1], &pc, err, sizeof err));
	ss_pingpong_start(H.pg);
	ss_sim_run_until(H.sim, ss_time_from_s(0.5));
	ss_pingpong_reset(H.pg);
	for (int i = 0; i < 2; i++)
		ss_nethost_stats_reset(H.h[i]);
	uint64_t f0[2] = {ss_link_frames(H.link, 0), ss_link_frames(H.link, 1)};
	ss_sim_run_until(H.sim, ss_time_from_s(2.5));
	ss_pingpong_stats st;
	ss_pingpong_stats_get(H.pg, &st);
	ss_time lo = ss_time_from_s(st.rtt_min_s), hi = ss_time_from_s(st.rtt_max_s);
	if (lo != hi)
		printf("# %s %u: round trips differ (%.9f .. %.9f s)\n", s->org, size, st.rtt_min_s, st.rtt_max_s);
	o.rtt = lo;
	o.n = st.exchanges;
	for (int i = 0; i < 2; i++)
		o.frames[i] = ss_link_frames(H.link, i) - f0[i];
	ss_nethost_stats hs;
	ss_nethost_stats_get(H.h[1], &hs);
	o.notifies = hs.notifies;
	ss_nethost_stats hc;
	ss_nethost_stats_get(H.h[0], &hc);
	o.opens = hc.opens;
	o.rx = hs.rx_pkts;
	o.thread_runs = hs.ksoftirqd_runs;
	hosts_free(&H);
	return o;
}

/* A stream of 4096-byte writes for 1 s after 0.5 s: the receiver's
   packets and notifications, and the throughput in *mbps. */
static void stream_n(const setup *s, uint32_t size, uint64_t *rx, uint64_t *notifies, double *mbps, uint64_t *drops)
{
	hosts H;
	char err[1024];
	if (build(&H, s, err, sizeof err)) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	ss_netperf_config nc;
	ss_netperf_config_default(&nc);
	nc.msg_size = size;
	nc.recv_size = size;
	SS_MUST(ss_netperf_alloc(&H.np, H.sim, H.h[0], H.h[1], &nc, err, sizeof err));
	ss_netperf_start(H.np);
	ss_sim_run_until(H.sim, ss_time_from_s(0.5));
	ss_netperf_reset(H.np);
	ss_nethost_stats_reset(H.h[1]);
	ss_sim_run_until(H.sim, ss_time_from_s(1.5));
	ss_nethost_stats hs;
	ss_nethost_stats_get(H.h[1], &hs);
	*rx = hs.rx_pkts;
	*notifies = hs.notifies;
	ss_netperf_stats ns;
	ss_netperf_stats_get(H.np, &ns);
	*mbps = ns.throughput_bps * 1e-6;
	if (drops)
		*drops = ss_nic_rx_drops(ss_nethost_nic(H.h[1])) + hs.backlog_drops + hs.qdisc_drops;
	hosts_free(&H);
}

static void stream(const setup *s, uint64_t *rx, uint64_t *notifies, double *mbps)
{
	stream_n(s, 4096, rx, notifies, mbps, NULL);
}

/* How far one set-up moves when the organisation's cost at `off` (an
   ss_time of ss_org) grows by d: its set-up time less `base`. */
static ss_time setup_moves(const setup *s, size_t off, ss_time d, ss_time base)
{
	setup c = *s;
	ss_time *f = (ss_time *)((char *)&c.o + off);
	*f += d;
	return setups(&c).rtt - base;
}

/* RTT(changed) - RTT(base) against `want` ps, exactly. */
static void delta(const char *what, const setup *base, const setup *chg, uint32_t size, ss_time want)
{
	pp_out a = pingpong(base, size), b = pingpong(chg, size);
	SS_CHECK(b.rtt - a.rtt == want, "%s: the round trip moves by %.6f us (want %.6f us exactly; %.6f -> %.6f ms)",
		 what, ss_time_to_us(b.rtt - a.rtt), ss_time_to_us(want), ss_time_to_s(a.rtt) * 1e3,
		 ss_time_to_s(b.rtt) * 1e3);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[4200];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		printf("Bail out! cannot write %s\n", p);
		exit(1);
	}
}

int main(void)
{
	ss_test_plan(28);
	const char *src = getenv("srcdir");
	snprintf(datadir, sizeof datadir, "%s", src ? src : SS_DATADIR);

	/* The shipped organisations. */
	char d[4200], err[1024];
	snprintf(d, sizeof d, "%s/platform/orgs", datadir);
	ss_org o;
	int ok = 1;
	const char *names[3] = {"ultrix42a", "mach30-ux36", "ulib-mach30"};
	const int doms[3] = {SS_ORG_KERNEL, SS_ORG_SERVER, SS_ORG_LIBRARY};
	for (int i = 0; i < 3; i++)
		ok &= ss_org_load(d, names[i], &o, NULL, 0, err, sizeof err) == SS_OK && o.dom == doms[i];
	SS_CHECK(ok, "ultrix42a, mach30-ux36 and ulib-mach30 load, as kernel, server and library");
	SS_CHECK(ss_org_load(d, "nosuch", &o, NULL, 0, err, sizeof err) == SS_ENOENT && strstr(err, "ulib-mach30"),
		 "an unknown organisation lists those there (%s)", err);

	/* Bad files. */
	char tmp[] = "/tmp/ss_org_XXXXXX";
	if (!mkdtemp(tmp)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	const char *ok_rest =
		"  { param = \"call_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"call_copy_ns_per_byte\"; value = 60.0; source = \"s\"; },\n"
		"  { param = \"app_wake_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"ctx_switch_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"dev_tx_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"demux_sw_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"demux_hw_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"notify_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"proto_run_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"setup_active_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"setup_passive_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"setup_complete_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"setup_dev_us\"; value = 1.0; source = \"s\"; },\n"
		"  { param = \"setup_bqi_us\"; value = 1.0; source = \"s\"; }\n);\n";
	char text[4096];
	snprintf(text, sizeof text, "name = \"dom\";\ndescription = \"x\";\nsettings = (\n"
				    "  { param = \"domain\"; value = \"kernal\"; source = \"s\"; },\n%s", ok_rest);
	write_file(tmp, "dom.cfg", text);
	SS_CHECK(ss_org_load(tmp, "dom", &o, NULL, 0, err, sizeof err) == SS_EINVAL && strstr(err, "dom.cfg:4") &&
			 strstr(err, "kernal"),
		 "a misspelt domain: file:line and what is allowed (%s)", err);
	snprintf(text, sizeof text, "name = \"nosrc\";\ndescription = \"x\";\nsettings = (\n"
				    "  { param = \"domain\"; value = \"library\"; },\n%s", ok_rest);
	write_file(tmp, "nosrc.cfg", text);
	SS_CHECK(ss_org_load(tmp, "nosrc", &o, NULL, 0, err, sizeof err) == SS_EINVAL && strstr(err, "nosrc.cfg:4") &&
			 strstr(err, "source"),
		 "a setting without a source is refused (%s)", err);
	snprintf(text, sizeof text, "name = \"small\";\ndescription = \"x\";\nsettings = (\n"
				    "  { param = \"domain\"; value = \"kernel\"; source = \"s\"; },\n"
				    "  { param = \"small_copy_ns_per_byte\"; value = 60.0; source = \"s\"; },\n%s",
		 ok_rest);
	write_file(tmp, "small.cfg", text);
	SS_CHECK(ss_org_load(tmp, "small", &o, NULL, 0, err, sizeof err) == SS_EINVAL && strstr(err, "nocopy_min"),
		 "an extra copy without the size it stops at is refused (%s)", err);
	snprintf(text, sizeof text, "name = \"missing\";\ndescription = \"x\";\nsettings = (\n"
				    "  { param = \"domain\"; value = \"kernel\"; source = \"s\"; }\n);\n");
	write_file(tmp, "missing.cfg", text);
	SS_CHECK(ss_org_load(tmp, "missing", &o, NULL, 0, err, sizeof err) == SS_EINVAL && strstr(err, "call_us"),
		 "a file that lacks a required setting names it (%s)", err);
	const char *rm[] = {"dom.cfg", "nosrc.cfg", "small.cfg", "missing.cfg"};
	for (size_t i = 0; i < sizeof rm / sizeof rm[0]; i++) {
		char p[4200];
		snprintf(p, sizeof p, "%s/%s", tmp, rm[i]);
		unlink(p);
	}
	rmdir(tmp);

	/* Crossings on the critical path: each is paid once per direction
	   of a one-byte exchange (the reader's next call starts while the
	   other side works, off the path). */
	setup lib, chg;
	load(&lib, "ulib-mach30", "pmadd-aa", 10);
	pp_out base = pingpong(&lib, 1);
	printf("# library, Ethernet, 1 byte: %.6f ms, %llu exchanges\n", ss_time_to_s(base.rtt) * 1e3,
	       (unsigned long long)base.n);
	chg = lib;
	chg.o.demux_sw = 0;
	delta("software demultiplexing 52 -> 0 us", &chg, &lib, 1, 2 * lib.o.demux_sw);
	chg = lib;
	chg.o.dev_tx += ss_time_from_us(10);
	delta("the device crossing + 10 us", &lib, &chg, 1, 2 * ss_time_from_us(10));
	chg = lib;
	chg.o.call += ss_time_from_us(10);
	delta("the call crossing + 10 us", &lib, &chg, 1, 2 * ss_time_from_us(10));
	chg = lib;
	chg.o.notify += ss_time_from_us(10);
	delta("the protocol thread's notification + 10 us", &lib, &chg, 1, 2 * ss_time_from_us(10));
	/* A TCP timer (the 200 ms delayed ACK) may wake the thread too: at
	   most one run per period of the 2 s window besides the packets'. */
	SS_CHECK(base.notifies == base.rx && base.rx > 0 && base.thread_runs >= base.rx && base.thread_runs <= base.rx + 10,
		 "ping-pong: the protocol thread sleeps between packets: one notification per packet, a run per "
		 "packet and at most one per delayed-ACK period besides (%llu, %llu, %llu)",
		 (unsigned long long)base.notifies, (unsigned long long)base.thread_runs, (unsigned long long)base.rx);
	SS_CHECK(base.frames[0] >= base.n && base.frames[0] <= base.n + 1 && base.frames[1] >= base.n &&
			 base.frames[1] <= base.n + 1,
		 "4.3BSD TCP: one frame each way per exchange, the ACKs ride on the data (%llu, %llu for %llu)",
		 (unsigned long long)base.frames[0], (unsigned long long)base.frames[1], (unsigned long long)base.n);
	chg = lib;
	chg.linux_tcp = 1;
	pp_out lx = pingpong(&chg, 1);
	SS_CHECK(lx.frames[1] >= 2 * lx.n && lx.rtt > base.rtt,
		 "Linux's TCP ACKs the short segment once read (%llu frames back for %llu exchanges), a slower "
		 "exchange (%.3f ms)",
		 (unsigned long long)lx.frames[1], (unsigned long long)lx.n, ss_time_to_s(lx.rtt) * 1e3);

	/* Kernel organisation: programmed I/O and the short calls' copy. */
	setup ux;
	load(&ux, "ultrix42a", "pmadd-aa", 10);
	pp_out k1 = pingpong(&ux, 1);
	SS_CHECK(k1.thread_runs == 0 && k1.notifies == 0, "kernel: no protocol thread runs, nothing is notified");
	chg = ux;
	chg.n.pio_rx_ns *= 2;
	/* 1 byte + 20 TCP + 20 IP + 14 Ethernet header, read in. */
	delta("programmed I/O in x 2", &ux, &chg, 1, 2 * ss_time_from_us(55 * ux.n.pio_rx_ns * 1e-3));
	chg = ux;
	chg.o.small_copy_ns = 0;
	delta("a 512-byte call's extra copy removed", &chg, &ux, 512,
	      2 * 2 * ss_time_from_us(512 * ux.o.small_copy_ns * 1e-3));
	delta("a 1460-byte call (above nocopy_min) pays no extra copy", &chg, &ux, 1460, 0);

	/* Batching: on AN1 the library's receiver is busy; packets that
	   come while its thread runs or waits for the processor share one
	   notification. */
	setup la;
	load(&la, "ulib-mach30", "an1", 100);
	uint64_t rx = 0, nt = 0;
	double mb = 0;
	stream(&la, &rx, &nt, &mb);
	SS_CHECK(rx > 0 && nt > 0 && nt < rx,
		 "a stream on AN1 batches: %llu packets for %llu notifications (%.2f per batch) at %.2f Mbit/s",
		 (unsigned long long)rx, (unsigned long long)nt, nt ? (double)rx / (double)nt : 0, mb);
	/* Reads from the card ten times as fast: the receiver keeps up with
	   the 10 Mbit/s wire, its thread sleeps between most packets. */
	setup le;
	load(&le, "ulib-mach30", "pmadd-aa", 10);
	le.n.pio_rx_ns /= 10;
	uint64_t rx2 = 0, nt2 = 0;
	double mb2 = 0;
	stream(&le, &rx2, &nt2, &mb2);
	SS_CHECK(nt2 > 0 && mb2 > 9 && (double)rx2 / (double)nt2 < 1.5,
		 "where the wire paces the stream (%.2f Mbit/s), packets rarely share a notification (%.2f per batch)",
		 mb2, nt2 ? (double)rx2 / (double)nt2 : 0);

	/* Connection set-up: each of the library's set-up costs is on the
	   critical path as many times as the handshake crosses it: its own
	   work once, the listener's once, a set-up segment's device access
	   five times (the SYN out and in, the SYN-ACK out and in, and the
	   ACK out, which the active side's input sends before the woken
	   connect runs, as 4.3BSD's tcp_input does), the BQI ring three times
	   on AN1 (the active side before its SYN and at completion, the
	   listener once). */
	pp_out s0 = setups(&lib);
	/* One set-up every 20 ms + its own time, less one at each edge. */
	double every = 0.020 + ss_time_to_s(s0.rtt);
	SS_CHECK(s0.n + 1 >= (uint64_t)(2.0 / every) && s0.n <= (uint64_t)(2.0 / every) + 1 && s0.opens >= s0.n &&
			 s0.opens <= s0.n + 1 && s0.frames[0] >= 2 * s0.n && s0.frames[0] <= 2 * s0.n + 2 &&
			 s0.frames[1] >= s0.n && s0.frames[1] <= s0.n + 1,
		 "set-ups: %llu in 2 s (one per %.3f ms), a SYN and an ACK out and a SYN-ACK back for each (%llu, %llu "
		 "frames), %.3f ms each",
		 (unsigned long long)s0.n, every * 1e3, (unsigned long long)s0.frames[0], (unsigned long long)s0.frames[1],
		 ss_time_to_s(s0.rtt) * 1e3);
	ss_time ten = ss_time_from_us(10);
	ss_time d1 = setup_moves(&lib, offsetof(ss_org, setup_active), ten, s0.rtt);
	ss_time d2 = setup_moves(&lib, offsetof(ss_org, setup_passive), ten, s0.rtt);
	ss_time d3 = setup_moves(&lib, offsetof(ss_org, setup_dev), ten, s0.rtt);
	ss_time d4 = setup_moves(&lib, offsetof(ss_org, setup_complete), ten, s0.rtt);
	SS_CHECK(d1 == ten && d2 == ten && d3 == 5 * ten && d4 == ten,
		 "set-up + 10 us of active, passive, device and completion work: %+.3f, %+.3f, %+.3f, %+.3f us "
		 "(want +10, +10, +50, +10 exactly)",
		 ss_time_to_us(d1), ss_time_to_us(d2), ss_time_to_us(d3), ss_time_to_us(d4));
	setup la2;
	load(&la2, "ulib-mach30", "an1", 100);
	pp_out b0 = setups(&la2);
	ss_time db1 = setup_moves(&la2, offsetof(ss_org, setup_bqi), ten, b0.rtt);
	ss_time db2 = setup_moves(&lib, offsetof(ss_org, setup_bqi), ten, s0.rtt);
	SS_CHECK(db1 == 3 * ten && db2 == 0,
		 "the BQI ring: + 10 us costs %+.3f us on AN1 (the SYN's side twice: before its SYN and when the SYN-ACK "
		 "comes; the listener once), nothing on Ethernet (%+.3f)",
		 ss_time_to_us(db1), ss_time_to_us(db2));

	/* Raw connections (Table 1): frames on the link layer alone. A
	   standalone program (no crossings, no protocol costs) is paced by
	   the wire: the link's closed form for back-to-back 1500-byte frames
	   (0.25%: a frame more or less at either edge of the 1 s window is
	   0.12% of the 800 frames in it). */
	setup sa;
	load(&sa, "standalone", "pmadd-aa", 10);
	sa.proto = "standalone-ds5000";
	sa.raw = 16;
	ss_link_spec ls;
	SS_MUST(ss_link_spec_ethernet(&ls, 10e6, 1500));
	double bound = ss_link_spec_goodput(&ls, 1500, 1500) * 1e-6;
	uint64_t drx = 0, dnt = 0, dd = 0;
	double dmb = 0;
	stream_n(&sa, 1500, &drx, &dnt, &dmb, &dd);
	SS_CHECK(fabs(dmb / bound - 1) < 2.5e-3 && dd == 0,
		 "raw, standalone: %.4f Mbit/s, the link's bound %.4f, %llu drops", dmb, bound, (unsigned long long)dd);
	/* One buffer: stop and wait. Each frame costs the programmed I/O
	   out, the wire (preamble, frame, CRC, gap at 10 Mbit/s) and 1 us
	   of propagation, the programmed I/O in: nothing else is charged. */
	sa.raw = 1;
	stream_n(&sa, 1500, &drx, &dnt, &dmb, &dd);
	double cyc = 1514 * (sa.n.pio_tx_ns + sa.n.pio_rx_ns) * 1e-3 + 1500 * 8 / bound + 1;
	SS_CHECK(fabs(dmb / (1500 * 8 / cyc) - 1) < 2.5e-3, /* the window's edges, as above */
		 "raw, one buffer: %.4f Mbit/s, stop-and-wait's %.4f (a %.1f us cycle)", dmb, 1500 * 8 / cyc, cyc);
	/* The library's receiver is slower than the wire: its buffers hold
	   the sender back, so nothing is dropped, and its processor is the
	   limit. */
	setup lr;
	load(&lr, "ulib-mach30", "pmadd-aa", 10);
	lr.raw = 16;
	stream_n(&lr, 1500, &drx, &dnt, &dmb, &dd);
	SS_CHECK(dd == 0 && dmb > 0.8 * bound && dmb < bound && dnt > 0 && drx / dnt > 1,
		 "raw, the library: %.2f Mbit/s below the link's %.2f, no drops (%llu), %.1f frames a notification", dmb,
		 bound, (unsigned long long)dd, dnt ? (double)drx / (double)dnt : 0);

	/* Refusals. */
	hosts H;
	chg = lib;
	chg.napi = 1;
	int rc = build(&H, &chg, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "napi"), "an organisation with a polled driver is refused (%s)", err);
	if (rc == SS_OK)
		hosts_free(&H);
	else {
		/* The simulator owns what was built; the hosts made are the caller's. */
		for (int i = 0; i < 2; i++)
			ss_nethost_free(H.h[i]);
		ss_protoprof_free(H.pp);
		ss_sim_free(H.sim);
		ss_pktpool_free(H.pool);
	}
	ss_org bad = lib.o;
	bad.call_copy_ns = 5000;
	SS_CHECK(ss_org_check(&bad, err, sizeof err) == SS_EINVAL && strstr(err, "per-byte"),
		 "a copy slower than 1 MB/s is refused (%s)", err);
	ss_nic_spec nb = lib.n;
	nb.pio_rx_ns = 0;
	SS_CHECK(ss_nic_spec_check(&nb, err, sizeof err) == SS_EINVAL && strstr(err, "pio"),
		 "programmed I/O one way only is refused (%s)", err);
	return ss_test_done();
}
