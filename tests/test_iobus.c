/* I/O bus: preset figures, DMA time in closed form (data at the bus rate
   plus the per-transaction overhead of each burst), FIFO contention of
   two DMA streams (deterministic, and M/D/1 against Pollaczek-Khinchine),
   duplex versus shared directions. */
#include <math.h>
#include <string.h>

#include "ss_err.h"
#include "ss_iobus.h"
#include "ss_rng.h"
#include "ss_sim.h"
#include "ss_test.h"

typedef struct probe {
	ss_time at[4];
	int n;
} probe;

static void mark(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	probe *p = ctx;
	if (p->n < 4)
		p->at[p->n] = ss_sim_now(sim);
	p->n++;
}

/* A periodic DMA stream: every `period`, from `offset`, `count` DMAs. */
typedef struct stream {
	ss_iobus *bus;
	uint32_t bytes;
	ss_time period;
	int left;
	probe done;
} stream;

static void stream_fire(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	stream *s = ctx;
	ss_iobus_dma(s->bus, s->bytes, mark, &s->done, 0);
	if (--s->left > 0)
		ss_sim_after(sim, s->period, stream_fire, s, 0);
}

/* Poisson DMA source. */
typedef struct poisson {
	ss_iobus *bus;
	ss_rng *rng;
	double mean_s;
	uint32_t bytes;
	int left;
	probe done;
} poisson;

static void poisson_fire(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	poisson *s = ctx;
	ss_iobus_dma(s->bus, s->bytes, mark, &s->done, 0);
	if (--s->left > 0)
		ss_sim_after(sim, ss_time_from_s(ss_rng_exponential(s->rng, s->mean_s)), poisson_fire, s, 0);
}

int main(void)
{
	ss_test_plan(24);
	ss_iobus_spec s;
	SS_CHECK(ss_iobus_preset("pci32-33", &s) == SS_OK && fabs(s.bytes_per_s - 133.333e6) < 1e3,
		 "pci32-33: 32 bit x 33.33 MHz = 133 MB/s");
	SS_CHECK(ss_iobus_preset("PCI64-66", &s) == SS_OK && fabs(s.bytes_per_s - 533.333e6) < 1e3,
		 "pci64-66 (any case): 64 bit x 66.67 MHz = 533 MB/s");
	SS_CHECK(ss_iobus_preset("pcix-133", &s) == SS_OK && fabs(s.bytes_per_s - 1066.667e6) < 1e3,
		 "pcix-133: 64 bit x 133.33 MHz = 1066 MB/s");
	SS_CHECK(ss_iobus_preset("pcie-x4", &s) == SS_OK && s.bytes_per_s == 1e9 && s.duplex,
		 "pcie-x4: 4 x 250 MB/s per direction, duplex");
	SS_CHECK(ss_iobus_preset("pcie2-x8", &s) == SS_OK && s.bytes_per_s == 8 * (5e9 * 8 / 10 / 8) && s.duplex &&
			 s.burst == 128,
		 "pcie2-x8: 8 lanes x 5 GT/s x 8/10 / 8 bits = 4 GB/s per direction, duplex, 128-byte TLPs");

	ss_sim *sim;
	SS_MUST(ss_sim_alloc(&sim, 1));
	ss_iobus *b;
	char err[256] = "";
	SS_CHECK(ss_iobus_alloc(&b, sim, "pci", "isa", err, sizeof err) == SS_ENOENT && !b, "an unknown preset is refused");
	SS_CHECK(strstr(err, "pci32-33|pci64-66|pcix-133|pcie-x4|pcie2-x8") != NULL, "and the message lists the presets (%s)", err);
	SS_CHECK(ss_iobus_alloc_custom(&b, sim, "x", 0, 1, 1e6, 64) == SS_EINVAL &&
		 ss_iobus_alloc_custom(&b, sim, "x", 1e6, 1, 1e6, 0) == SS_EINVAL,
		 "a custom bus needs a rate > 0 and a burst > 0");

	SS_CHECK(ss_iobus_alloc(&b, sim, "pci", "pci32-33", err, sizeof err) == SS_OK, "a pci32-33 bus");
	SS_CHECK(ss_iobus_transactions(b, 0) == 0 && ss_iobus_transactions(b, 256) == 1 &&
		 ss_iobus_transactions(b, 257) == 2,
		 "transactions = ceil(bytes / 256)");
	/* A 1514-byte frame: 6 transactions of at most 256 bytes, 8 clocks each. */
	double clk = 100e6 / 3, rate = 4 * clk;
	double want = 1514 / rate + 6 * 8 / clk;
	SS_CHECK_NEAR(ss_time_to_s(ss_iobus_dma_time(b, 1514)) * 1e6, want * 1e6, 1e-6,
		      "DMA of 1514 bytes: 1514 / 133.3 MB/s + 6 x 8 / 33.3 MHz (us)");
	double per_small = ss_time_to_s(ss_iobus_dma_time(b, 64)) / 64;
	double per_large = ss_time_to_s(ss_iobus_dma_time(b, 4096)) / 4096;
	SS_CHECK(per_small > 1.1 * per_large, "small DMAs cost more per byte (%.2f vs %.2f ns/B)", per_small * 1e9,
		 per_large * 1e9);
	SS_CHECK_NEAR(ss_time_to_s(ss_iobus_dma_time_desc(b, 1514, 16)) * 1e6, (1530 / rate + 7 * 8 / clk) * 1e6, 1e-6,
		      "a 16-byte descriptor adds its bytes and one transaction");

	/* One DMA alone; two at once (FIFO); a zero-byte DMA. */
	probe p = {0};
	ss_iobus_dma(b, 1514, mark, &p, 0);
	ss_iobus_dma(b, 1514, mark, &p, 0);
	ss_sim_run(sim);
	ss_time t1 = ss_iobus_dma_time(b, 1514);
	SS_CHECK(p.n == 2 && p.at[0] == t1, "a DMA alone on the bus takes its closed-form time");
	SS_CHECK(p.at[1] == 2 * t1, "a second DMA issued at once waits for the first (FIFO): done at 2T");
	probe z = {0};
	ss_time now = ss_sim_now(sim);
	ss_iobus_dma(b, 0, mark, &z, 0);
	ss_sim_run(sim);
	SS_CHECK(z.n == 1 && z.at[0] == now, "a zero-byte DMA completes at once");
	ss_sim_free(sim);

	/* pcie2-x8: a 1514-byte frame is ceil(1514 / 128) = 12 TLPs, each
	   with 24 bytes of overhead = 3 symbol times of 2 ns:
	   1514 B / 4 GB/s + 12 x 3 x 2 ns = 378.5 + 72 = 450.5 ns. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_iobus_alloc(&b, sim, "pcie", "pcie2-x8", err, sizeof err));
	SS_CHECK_INT(ss_iobus_dma_time(b, 1514), 450500, "pcie2-x8: DMA of 1514 bytes = 378.5 + 72 ns = 450500 ps");
	ss_sim_free(sim);

	/* Two periodic streams (two NICs): A at 0, P, 2P ...; B offset by d < T.
	   Each B DMA waits T - d; A never waits. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	ss_iobus_alloc(&b, sim, "pci", "pci64-66", err, sizeof err);
	ss_time T = ss_iobus_dma_time(b, 1514), P = 4 * T, d = T / 3;
	stream A = {.bus = b, .bytes = 1514, .period = P, .left = 1000};
	stream B = A;
	ss_sim_at(sim, 0, stream_fire, &A, 0);
	ss_sim_at(sim, d, stream_fire, &B, 0);
	ss_sim_run(sim);
	const ss_tally *w = ss_iobus_wait(b, SS_IOBUS_TO_MEM);
	SS_CHECK(w->n == 2000, "2000 DMAs crossed the bus");
	SS_CHECK_NEAR(ss_tally_mean(w) * 2, ss_time_to_s(T - d), 2e-12,
		      "mean wait = (0 + (T - d)) / 2: B waits out A's remaining time, A never waits (s)");
	SS_CHECK_NEAR(ss_iobus_utilisation(b, 0), 2.0 * T / P * (1000 * P) / (double)ss_sim_now(sim), 1e-9,
		      "utilisation = 2 T / P over the run");
	ss_sim_free(sim);

	/* Two Poisson streams of fixed-size DMAs: merged Poisson, M/D/1 at
	   rho = 0.6; Pollaczek-Khinchine: Wq = rho S / (2 (1 - rho)). */
	SS_MUST(ss_sim_alloc(&sim, 7));
	ss_iobus_alloc(&b, sim, "pcix", "pcix-133", err, sizeof err);
	double S = ss_time_to_s(ss_iobus_dma_time(b, 1514)), rho = 0.6;
	poisson pa = {.bus = b, .rng = ss_sim_rng(sim, "a"), .mean_s = 2 * S / rho, .bytes = 1514, .left = 60000};
	poisson pb = pa;
	pb.rng = ss_sim_rng(sim, "b");
	ss_sim_at(sim, 0, poisson_fire, &pa, 0);
	ss_sim_at(sim, 0, poisson_fire, &pb, 0);
	ss_sim_run(sim);
	double wq = rho * S / (2 * (1 - rho));
	w = ss_iobus_wait(b, SS_IOBUS_TO_MEM);
	SS_DIAG("M/D/1: mean wait %.4g us, P-K %.4g us", ss_tally_mean(w) * 1e6, wq * 1e6);
	SS_CHECK_NEAR(ss_tally_mean(w) / wq, 1.0, 0.06, "two Poisson DMA streams wait as M/D/1 (P-K), within 6%%");
	ss_sim_free(sim);

	/* Duplex: a receive and a transmit DMA at once do not contend on
	   pcie-x4, but do on a shared PCI bus. */
	for (int duplex = 1; duplex >= 0; duplex--) {
		SS_MUST(ss_sim_alloc(&sim, 1));
		ss_iobus_alloc(&b, sim, "bus", duplex ? "pcie-x4" : "pci32-33", err, sizeof err);
		probe q = {0};
		ss_iobus_dma_dir(b, SS_IOBUS_TO_MEM, 1514, 0, mark, &q, 0);
		ss_iobus_dma_dir(b, SS_IOBUS_FROM_MEM, 1514, 0, mark, &q, 0);
		ss_sim_run(sim);
		ss_time t = ss_iobus_dma_time(b, 1514);
		if (duplex)
			SS_CHECK(q.at[0] == t && q.at[1] == t, "pcie-x4: both directions finish at T");
		else
			SS_CHECK(q.at[0] == t && q.at[1] == 2 * t, "pci32-33: the directions share the bus (2T)");
		if (!duplex)
			SS_CHECK(ss_iobus_dmas(b) == 2 && ss_iobus_bytes(b) == 3028, "DMAs and their bytes are counted");
		ss_sim_free(sim);
	}
	return ss_test_done();
}
