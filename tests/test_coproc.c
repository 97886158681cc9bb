/* Crypto coprocessor: a request's latency alone in closed form (DMA in,
   overhead + bytes at the rated rate, DMA out), the engine-bound and the
   bus-bound throughput of many outstanding requests (approached, never
   exceeded), the queue depth, the placements that cross no bus, the
   on-card bus behind a bridge, streaming cards (one request's latency
   with FIFOs of 2 and of 1 chunk, the engine-bound and the bus-bound
   throughput, the bus never more than fully used), and the preset
   loader's messages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ss_coproc.h"
#include "ss_err.h"
#include "ss_sim.h"
#include "ss_test.h"

typedef struct done {
	int n;
	ss_time last;
} done;

static void on_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	done *d = ctx;
	d->n++;
	d->last = ss_sim_now(sim);
}

/* A closed loop of `users` requesters, each resubmitting at once. */
typedef struct loop {
	ss_coproc *c;
	ss_coproc_req r;
	uint32_t bytes;
	uint64_t n;
} loop;

static void again(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	loop *l = ctx;
	l->n++;
	l->r.k = again;
	l->r.ctx = l;
	if (ss_coproc_submit(l->c, &l->r) != SS_OK)
		abort();
}

static ss_coproc_spec base_spec(void)
{
	ss_coproc_spec s;
	memset(&s, 0, sizeof s);
	s.bps[SS_COPROC_3DES] = 80e6;
	s.rsa1024_ops = 500;
	s.request_overhead = ss_time_from_us(5);
	s.queue_depth = 8;
	s.desc_bytes = 32;
	return s;
}

/* `ncards` look-aside cards of spec s on one PCI 32/33 bus and `users`
   closed-loop requesters of `bytes` spread over them, all started now. */
typedef struct rig {
	ss_sim *sim;
	ss_iobus *bus;
	loop *l;
} rig;

static rig rig_start(const ss_coproc_spec *s, int ncards, int users, uint32_t bytes)
{
	rig g;
	char err[256];
	SS_MUST(ss_sim_alloc(&g.sim, 1));
	SS_MUST(ss_iobus_alloc(&g.bus, g.sim, "pci", "pci32-33", err, sizeof err));
	ss_coproc *c[8];
	for (int i = 0; i < ncards; i++) {
		char nm[16];
		snprintf(nm, sizeof nm, "c%d", i);
		SS_MUST(ss_coproc_alloc(&c[i], g.sim, nm, s, SS_COPROC_LOOKASIDE, g.bus, NULL, err, sizeof err));
	}
	g.l = calloc((size_t)users, sizeof *g.l);
	if (!g.l) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	for (int u = 0; u < users; u++) {
		g.l[u].c = c[u % ncards];
		g.l[u].r.alg = SS_COPROC_3DES;
		g.l[u].r.in_bytes = g.l[u].r.out_bytes = bytes;
		again(g.sim, &g.l[u], 0);
	}
	return g;
}

/* Throughput (bit/s of payload) of `users` closed-loop requesters of
   `bytes` on `ncards` cards of spec s sharing one bus, over `secs`. */
static double closed_rate(const ss_coproc_spec *s, int ncards, int users, uint32_t bytes, double secs, double *bus_util)
{
	rig g = rig_start(s, ncards, users, bytes);
	ss_sim *sim = g.sim;
	ss_iobus *bus = g.bus;
	loop *l = g.l;
	ss_sim_run_until(sim, ss_time_from_s(0.05));
	ss_sim_reset_stats(sim);
	uint64_t n0 = 0;
	for (int u = 0; u < users; u++)
		n0 += l[u].n;
	ss_sim_run_until(sim, ss_time_from_s(0.05 + secs));
	uint64_t n1 = 0;
	for (int u = 0; u < users; u++)
		n1 += l[u].n;
	*bus_util = ss_iobus_utilisation(bus, 0);
	free(l);
	ss_sim_free(sim);
	return (double)(n1 - n0) * bytes * 8 / secs;
}

/* Streaming cards, bus-bound: `ncards` cards of spec s, `users`
   closed-loop requesters of `bytes` on one PCI 32/33 bus, from time 0
   (so every request that completes has had all its DMAs on the bus
   within the run). The bus's utilisation over each of `windows` windows
   of about 1 ms after 5 ms (the largest in *umax, the mean in *umean);
   returns the payload throughput from 0 to the end. */
static double stream_windows(const ss_coproc_spec *s, int ncards, int users, uint32_t bytes, int windows, double *umax,
			     double *umean)
{
	rig g = rig_start(s, ncards, users, bytes);
	ss_sim *sim = g.sim;
	ss_iobus *bus = g.bus;
	loop *l = g.l;
	ss_time t = ss_time_from_us(5000);
	ss_sim_run_until(sim, t);
	*umax = 0;
	*umean = 0;
	for (int w = 0; w < windows; w++) {
		ss_sim_reset_stats(sim);
		/* Windows end at odd times, inside DMAs. */
		t += ss_time_from_us(1000) + 7777;
		ss_sim_run_until(sim, t);
		double u = ss_iobus_utilisation(bus, 0);
		*umax = u > *umax ? u : *umax;
		*umean += u / windows;
	}
	uint64_t n = 0;
	for (int u = 0; u < users; u++)
		n += l[u].n - 1; /* again() counts the first submission too */
	free(l);
	ss_sim_free(sim);
	return (double)n * bytes * 8 / ss_time_to_s(t);
}

int main(void)
{
	ss_test_plan(34);
	ss_coproc_alg a;
	SS_CHECK(ss_coproc_alg_of("3des-cbc", &a) == SS_OK && a == SS_COPROC_3DES &&
			 ss_coproc_alg_of("hmac-sha1-96", &a) == SS_OK && a == SS_COPROC_SHA1 &&
			 ss_coproc_alg_of("aes128-cbc", &a) == SS_OK && a == SS_COPROC_AES &&
			 ss_coproc_alg_of("des-cbc", &a) == SS_OK && a == SS_COPROC_DES &&
			 ss_coproc_alg_of("rsa1024-private", &a) == SS_OK && a == SS_COPROC_RSA1024 &&
			 ss_coproc_alg_of("null", &a) == SS_OK && a == SS_COPROC_NULL,
		 "crypto registry names map to the families a card rates");
	SS_CHECK(ss_coproc_alg_of("rc4", &a) == SS_ENOENT && ss_coproc_alg_of("desx", &a) == SS_ENOENT,
		 "other names do not");

	ss_coproc_spec s = base_spec();
	char msg[256];
	SS_CHECK(ss_coproc_spec_check(&s, msg, sizeof msg) == SS_OK, "a valid spec");
	s.queue_depth = 0;
	SS_CHECK(ss_coproc_spec_check(&s, msg, sizeof msg) == SS_EINVAL && strstr(msg, "queue_depth"),
		 "queue depth 0 is refused (%s)", msg);
	s = base_spec();
	s.bridge_cycles = 2;
	SS_CHECK(ss_coproc_spec_check(&s, msg, sizeof msg) == SS_EINVAL && strstr(msg, "local_bus"),
		 "bridge cycles without a local bus are refused (%s)", msg);
	s = base_spec();

	/* One request alone: DMA in + engine + DMA out, to the picosecond. */
	ss_sim *sim;
	SS_MUST(ss_sim_alloc(&sim, 1));
	ss_iobus *bus;
	char err[256] = "";
	SS_MUST(ss_iobus_alloc(&bus, sim, "pci", "pci32-33", err, sizeof err));
	ss_coproc *c;
	SS_CHECK(ss_coproc_alloc(&c, sim, "x", &s, SS_COPROC_LOOKASIDE, NULL, NULL, err, sizeof err) == SS_EINVAL,
		 "a look-aside card needs a bus (%s)", err);
	SS_MUST(ss_coproc_alloc(&c, sim, "hifn", &s, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err));
	done d = {0};
	ss_coproc_req r = {.alg = SS_COPROC_3DES, .in_bytes = 4096, .out_bytes = 4096, .k = on_done, .ctx = &d};
	SS_CHECK_INT(ss_coproc_submit(c, &r), SS_OK, "submit");
	ss_sim_run(sim);
	ss_time want = ss_iobus_dma_time_desc(bus, 4096, 32) * 2 + ss_time_from_us(5) + ss_time_from_s(4096 * 8 / 80e6);
	SS_CHECK(d.n == 1 && d.last == want, "latency alone = 2 DMAs of 4096 + 32 bytes + 5 us + 4096 x 8 / 80 Mbit/s "
					     "(%.3f us, want %.3f)",
		 ss_time_to_us(d.last), ss_time_to_us(want));
	SS_CHECK_INT(ss_iobus_bytes(bus), 2 * (4096 + 32), "both crossings are on the bus");
	SS_CHECK(ss_coproc_service(c, SS_COPROC_RSA1024, 0) == ss_time_from_us(5) + ss_time_from_s(1.0 / 500),
		 "an RSA request costs the overhead and 1 / (500 ops/s)");
	ss_coproc_req rz = {.alg = SS_COPROC_AES, .in_bytes = 16, .out_bytes = 16, .k = on_done, .ctx = &d};
	SS_CHECK_INT(ss_coproc_submit(c, &rz), SS_EINVAL, "an algorithm the card does not rate is refused");

	/* Queue depth: the 9th outstanding request is refused and counted. */
	ss_coproc_req rq[9];
	int ok = 0;
	for (int i = 0; i < 9; i++) {
		rq[i] = (ss_coproc_req){.alg = SS_COPROC_3DES, .in_bytes = 64, .out_bytes = 64, .k = on_done, .ctx = &d};
		ok += ss_coproc_submit(c, &rq[i]) == SS_OK;
	}
	SS_CHECK(ok == 8 && ss_coproc_inflight(c) == 8 && ss_coproc_refused(c) == 1,
		 "queue depth 8: 8 accepted, the 9th refused and counted");
	ss_sim_run(sim);
	SS_CHECK(ss_coproc_inflight(c) == 0 && d.n == 9, "all 8 complete, the card is empty again");
	ss_sim_free(sim);

	/* CPU-side and inline placements cross no bus. */
	for (int p = SS_COPROC_INLINE; p <= SS_COPROC_CPU; p++) {
		SS_MUST(ss_sim_alloc(&sim, 1));
		SS_MUST(ss_iobus_alloc(&bus, sim, "pci", "pci32-33", err, sizeof err));
		SS_MUST(ss_coproc_alloc(&c, sim, "e", &s, (ss_coproc_place)p, bus, NULL, err, sizeof err));
		d = (done){0};
		r = (ss_coproc_req){.alg = SS_COPROC_3DES, .in_bytes = 4096, .out_bytes = 4096, .k = on_done, .ctx = &d};
		ss_coproc_submit(c, &r);
		ss_sim_run(sim);
		SS_CHECK(d.last == ss_time_from_us(5) + ss_time_from_s(4096 * 8 / 80e6) && ss_iobus_bytes(bus) == 0,
			 "%s placement: the engine's time only, no bus bytes", p == SS_COPROC_INLINE ? "inline" : "cpu");
		ss_sim_free(sim);
	}

	/* On-card bus behind a bridge: both buses are crossed each way, the
	   local one with the bridge's extra cycles per transaction. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_iobus_alloc(&bus, sim, "pci", "pci64-66", err, sizeof err));
	s = base_spec();
	snprintf(s.local_bus, sizeof s.local_bus, "pci32-33");
	s.bridge_cycles = 2;
	ss_iobus *local;
	SS_MUST(ss_coproc_local_bus(&local, sim, "card", &s, err, sizeof err));
	ss_iobus_spec plain;
	ss_iobus_preset("pci32-33", &plain);
	SS_CHECK(local && ss_iobus_spec_of(local)->overhead_cycles == plain.overhead_cycles + 2,
		 "the local bus has the bridge's 2 extra cycles per transaction");
	SS_MUST(ss_coproc_alloc(&c, sim, "chip0", &s, SS_COPROC_LOOKASIDE, bus, local, err, sizeof err));
	d = (done){0};
	r = (ss_coproc_req){.alg = SS_COPROC_3DES, .in_bytes = 4096, .out_bytes = 4096, .k = on_done, .ctx = &d};
	ss_coproc_submit(c, &r);
	ss_sim_run(sim);
	want = 2 * (ss_iobus_dma_time_desc(bus, 4096, 32) + ss_iobus_dma_time_desc(local, 4096, 32)) +
	       ss_time_from_us(5) + ss_time_from_s(4096 * 8 / 80e6);
	SS_CHECK(d.last == want, "latency behind the bridge: host and local DMA each way + engine (%.3f us)",
		 ss_time_to_us(d.last));
	ss_sim_free(sim);

	/* Engine-bound: a slow engine and many requesters give 1 / service. */
	s = base_spec();
	double u;
	double x = closed_rate(&s, 1, 8, 4096, 0.5, &u);
	double bound = 4096 * 8 / ss_time_to_s(ss_time_from_us(5) + ss_time_from_s(4096 * 8 / 80e6));
	SS_CHECK(x <= bound * 1.0001 && x >= bound * 0.99,
		 "engine-bound: %.2f Mbit/s against 4096 x 8 / (5 us + 4096 x 8 / 80 Mbit/s) = %.2f", x / 1e6, bound / 1e6);

	/* Bus-bound: four fast engines on one 32-bit/33 MHz bus. Each request
	   moves 2 x (bytes + desc) in 2 DMAs, so payload <= bytes / (2 x DMA time). */
	s.bps[SS_COPROC_3DES] = 2e9;
	s.request_overhead = 0;
	x = closed_rate(&s, 4, 32, 4096, 0.2, &u);
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_iobus_alloc(&bus, sim, "pci", "pci32-33", err, sizeof err));
	bound = 4096 * 8 / (2 * ss_time_to_s(ss_iobus_dma_time_desc(bus, 4096, 32)));
	ss_sim_free(sim);
	SS_CHECK(x <= bound * 1.0001, "bus-bound: %.2f Mbit/s never exceeds bytes / (2 DMA times) = %.2f Mbit/s",
		 x / 1e6, bound / 1e6);
	SS_CHECK(x >= bound * 0.99, "and approaches it within 1%% (%.4f of the bound)", x / bound);
	SS_CHECK(u > 0.99, "the bus is saturated (%.4f)", u);
	/* One engine, one requester: no overlap; the engine share is what
	   service / (service + 2 DMAs) says. */
	s = base_spec();
	x = closed_rate(&s, 1, 1, 4096, 0.5, &u);
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_iobus_alloc(&bus, sim, "pci", "pci32-33", err, sizeof err));
	double cycle = 2 * ss_time_to_s(ss_iobus_dma_time_desc(bus, 4096, 32)) +
		       ss_time_to_s(ss_time_from_us(5) + ss_time_from_s(4096 * 8 / 80e6));
	ss_sim_free(sim);
	SS_CHECK_NEAR(x / 1e6, 4096 * 8 / cycle / 1e6, 0.01 * 4096 * 8 / cycle / 1e6,
		      "one synchronous requester: bytes / (2 DMAs + engine), Mbit/s");

	/* Streaming, 1 KB chunks, FIFOs of 2, host bus only, one request of
	   4000 bytes (chunks 1024, 1024, 1024, 928). The input DMA channel
	   fetches chunk 0 with the descriptor, then chunk 1 while the engine
	   starts (overhead + chunk 0); from then on, while the engine works on
	   chunk i + 1, the shared bus carries chunk i's output and chunk
	   i + 2's input, which take less than the engine's chunk time, so the
	   engine never waits for input or for room in the output FIFO and
	   the bus is idle when the last chunk leaves with the result
	   descriptor. At 80 Mbit/s each chunk's engine time is a whole number
	   of ps, so their sum is the whole request's. */
	ss_coproc_spec st = base_spec();
	st.stream_chunk = 1024;
	st.stream_fifo = 2;
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_iobus_alloc(&bus, sim, "pci", "pci32-33", err, sizeof err));
	SS_MUST(ss_coproc_alloc(&c, sim, "stream", &st, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err));
	ss_time e1024 = ss_time_from_s(1024 * 8 / 80e6), e928 = ss_time_from_s(928 * 8 / 80e6);
	ss_time d1 = ss_iobus_dma_time(bus, 1024);
	SS_CHECK(2 * d1 < e928 && 3 * e1024 + e928 + st.request_overhead == ss_coproc_service(c, SS_COPROC_3DES, 4000),
		 "the closed form's conditions: 2 chunk DMAs (%.3f us) < a chunk's engine time; whole ps",
		 2 * ss_time_to_us(d1));
	d = (done){0};
	r = (ss_coproc_req){.alg = SS_COPROC_3DES, .in_bytes = 4000, .out_bytes = 4000, .k = on_done, .ctx = &d};
	SS_CHECK_INT(ss_coproc_submit(c, &r), SS_OK, "a streaming card takes the request");
	ss_sim_run(sim);
	want = ss_iobus_dma_time_desc(bus, 1024, 32) + ss_coproc_service(c, SS_COPROC_3DES, 4000) +
	       ss_iobus_dma_time_desc(bus, 928, 32);
	SS_CHECK(d.n == 1 && d.last == want,
		 "streaming, FIFOs of 2: latency %lld ps = DMA(1024 + 32) + 5 us + engine(4000) + DMA(928 + 32) (%lld ps)",
		 (long long)d.last, (long long)want);
	SS_CHECK_INT(ss_iobus_bytes(bus), 2 * (4000 + 32), "the bytes and one descriptor cross each way");
	ss_sim_free(sim);
	/* FIFOs of one chunk (the chunk in the engine fills the input FIFO):
	   the next chunk is fetched only when the engine is done with one,
	   behind that chunk's output on the shared bus, so each chunk after
	   the first waits 2 chunk DMAs: DMA(1024 + 32) + 5 us + 4 x engine(1024)
	   + 3 x 2 x DMA(1024) + DMA(1024 + 32) for 4096 bytes. */
	st.stream_fifo = 1;
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_iobus_alloc(&bus, sim, "pci", "pci32-33", err, sizeof err));
	SS_MUST(ss_coproc_alloc(&c, sim, "stream", &st, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err));
	d = (done){0};
	r = (ss_coproc_req){.alg = SS_COPROC_3DES, .in_bytes = 4096, .out_bytes = 4096, .k = on_done, .ctx = &d};
	ss_coproc_submit(c, &r);
	ss_sim_run(sim);
	want = 2 * ss_iobus_dma_time_desc(bus, 1024, 32) + st.request_overhead + 4 * e1024 +
	       6 * ss_iobus_dma_time(bus, 1024);
	SS_CHECK(d.n == 1 && d.last == want,
		 "streaming, FIFOs of 1: latency %lld ps = 2 DMA(1024 + 32) + 5 us + 4 x engine(1024) + 6 x DMA(1024) (%lld ps)",
		 (long long)d.last, (long long)want);
	ss_sim_free(sim);

	/* Engine-bound streaming: 8 outstanding requests on one card keep the
	   engine busy (the next request's chunks stream in while the last
	   one's are in the engine): 4096 x 8 / (5 us + 4096 x 8 / 80 Mbit/s). */
	st.stream_fifo = 2;
	x = closed_rate(&st, 1, 8, 4096, 0.5, &u);
	bound = 4096 * 8 / ss_time_to_s(ss_time_from_us(5) + ss_time_from_s(4096 * 8 / 80e6));
	SS_CHECK(x <= bound * 1.0001 && x >= bound * 0.99,
		 "streaming, engine-bound: %.3f Mbit/s within 1%% of the rate-limited %.3f (above it by no more than the window's edge)", x / 1e6,
		 bound / 1e6);

	/* Bus-bound streaming: four fast engines on PCI 32/33. Each request
	   of 4 chunks moves, each way, one chunk with the descriptor and 3
	   without, so payload <= 4096 / (2 x (DMA(1024 + 32) + 3 x DMA(1024))). */
	st.bps[SS_COPROC_3DES] = 2e9;
	st.request_overhead = 0;
	double umax, umean;
	x = stream_windows(&st, 4, 32, 4096, 50, &umax, &umean);
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_iobus_alloc(&bus, sim, "pci", "pci32-33", err, sizeof err));
	bound = 4096 * 8 /
		(2 * ss_time_to_s(ss_iobus_dma_time_desc(bus, 1024, 32) + 3 * ss_iobus_dma_time(bus, 1024)));
	ss_sim_free(sim);
	/* 1e-12: the ratio moved / (rate x span) of two doubles, a few ulps. */
	SS_CHECK(umax <= 1.0 + 1e-12, "streaming, bus-bound: the bus's utilisation is never above 1 in 50 windows "
				      "ending inside DMAs (largest 1 %+.3g)", umax - 1);
	SS_CHECK(umean > 0.99, "the bus is saturated (mean %.4f)", umean);
	SS_CHECK(x <= bound * 1.0001 && x >= bound * 0.98,
		 "bus-bound streaming: %.2f Mbit/s, never above the chunked DMAs' %.2f (%.4f of it)", x / 1e6,
		 bound / 1e6, x / bound);

	/* Preset loader: every setting needs a source, file:line messages. */
	char dir[] = "/tmp/ss_coproc_XXXXXX";
	SS_MUST(mkdtemp(dir) == NULL);
	char path[256];
	snprintf(path, sizeof path, "%s/card.cfg", dir);
	FILE *f = fopen(path, "w");
	fprintf(f, "name = \"card\";\ndescription = \"test\";\nsettings = (\n"
		   "  { param = \"3des_mbps\"; value = 80; source = \"a data sheet\"; },\n"
		   "  { param = \"request_overhead_us\"; value = 5; source = \"ASSUMPTION: test\"; },\n"
		   "  { param = \"queue_depth\"; value = 8; },\n"
		   "  { param = \"desc_bytes\"; value = 32; source = \"x\"; },\n"
		   "  { param = \"bus\"; value = \"pci32-33\"; source = \"x\"; }\n);\n");
	fclose(f);
	ss_coproc_spec ls;
	int rc = ss_coproc_spec_load(dir, "card", &ls, NULL, 0, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "card.cfg:6:") && strstr(err, "needs a source"),
		 "a setting without a source: file:line and what is wrong (%s)", err);
	f = fopen(path, "w");
	fprintf(f, "name = \"card\";\nsettings = (\n"
		   "  { param = \"3des_mbps\"; value = 80; source = \"a data sheet\"; },\n"
		   "  { param = \"request_overhead_us\"; value = 5; source = \"ASSUMPTION: test\"; },\n"
		   "  { param = \"queue_depth\"; value = 8; source = \"x\"; },\n"
		   "  { param = \"desc_bytes\"; value = 32; source = \"x\"; },\n"
		   "  { param = \"bus\"; value = \"pci32-33\"; source = \"x\"; }\n);\n");
	fclose(f);
	rc = ss_coproc_spec_load(dir, "card", &ls, NULL, 0, err, sizeof err);
	double v = 0;
	SS_CHECK(rc == SS_OK && ls.bps[SS_COPROC_3DES] == 80e6 && ss_coproc_spec_get(&ls, "3des_mbps", &v) == SS_OK &&
			 v == 80,
		 "a complete file loads, rates in Mbit/s (%s)", rc ? err : "ok");
	rc = ss_coproc_spec_load(dir, "nosuch", &ls, NULL, 0, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && strstr(err, "have: card"), "an unknown preset lists those there (%s)", err);
	unlink(path);
	rmdir(dir);
	return ss_test_done();
}
