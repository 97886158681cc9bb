/* I/O bus on res/ss_bus: each direction is one FIFO ss_bus with no
   per-transfer overhead of its own; a DMA is handed to it as its data
   bytes plus, per transaction, the bytes the bus could have moved during
   the transaction overhead. So its time alone is exactly
   bytes / rate + ceil(bytes / burst) x overhead_cycles / clock. */
#include "ss_iobus.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ss_bus.h"
#include "ss_err.h"

/* Presets. Data rates are the peak figures of the bus specifications, as
   tabulated by PCI-SIG (copied in http://blog.chinaunix.net/uid-1745535-id-2797310.html,
   "Bandwidth of PCI-SIG technologies") and
   https://www.tomshardware.com/reviews/xeon-cpus-intel-p4-extreme-platform,808-4.html:
   PCI 2.2/3.0 32 bit x 33.33 MHz = 133 MB/s, 64 bit x 66.66 MHz = 533 MB/s;
   PCI-X 1.0 64 bit x 133.33 MHz = 1066 MB/s; PCI Express 1.0 2.5 Gbit/s
   per lane and direction, 8b/10b coded: 250 MB/s per lane and direction.
   Per-transaction overheads and burst sizes are ASSUMPTIONS, see each. */
static const struct preset {
	const char *name;
	ss_iobus_spec spec;
} presets[] = {
	{.name = "pci32-33",
	 .spec = {.bytes_per_s = 4 * (100e6 / 3), .clock_hz = 100e6 / 3,
		  /* ASSUMPTION: 8 clocks per transaction: arbitration 1, address
		     phase 1, DEVSEL decode 2, target initial latency 3 (the PCI
		     spec allows up to 16), turnaround 1. */
		  .overhead_cycles = 8,
		  /* ASSUMPTION: 256-byte bursts (64 data phases): the master's
		     latency timer and the host bridge's disconnects end longer
		     bursts when others compete. */
		  .burst = 256, .duplex = 0}},
	{.name = "pci64-66",
	 .spec = {.bytes_per_s = 8 * (200e6 / 3), .clock_hz = 200e6 / 3,
		  .overhead_cycles = 8, /* ASSUMPTION: as pci32-33 */
		  .burst = 256,         /* ASSUMPTION: as pci32-33 */
		  .duplex = 0}},
	{.name = "pcix-133",
	 .spec = {.bytes_per_s = 8 * (400e6 / 3), .clock_hz = 400e6 / 3,
		  /* ASSUMPTION: 8 clocks: PCI-X adds an attribute phase but
		     registers the inputs, so decode and latency take about as
		     many clocks as PCI's. */
		  .overhead_cycles = 8,
		  /* PCI-X 1.0: the Maximum Memory Read Byte Count register resets
		     to 512 bytes; ASSUMPTION: writes are cut at the same size. */
		  .burst = 512, .duplex = 0}},
	{.name = "pcie-x4",
	 /* What-if: 4 lanes x 250 MB/s per direction. The clock is one symbol
	    time (4 ns), in which the x4 link moves 4 bytes. */
	 .spec = {.bytes_per_s = 4 * 250e6, .clock_hz = 250e6,
		  /* ASSUMPTION: 5 symbol times = 20 bytes per TLP: framing 2,
		     sequence number 2, 3-DW header 12, LCRC 4 (PCIe 1.0 TLP
		     layout); ACK and flow-control DLLPs and read requests
		     are not counted. */
		  .overhead_cycles = 5,
		  /* PCIe 1.0: Max_Payload_Size resets to 128 bytes. */
		  .burst = 128, .duplex = 1}},
	{.name = "pcie2-x8",
	 /* PCIe 2.0 x8 (the Intel 82599's host interface): 5.0 GT/s per lane,
	    8b/10b coded, so 4 Gbit/s = 500 MB/s of data per lane and
	    direction (http://www.hardwaresecrets.com/article/Everything-You-Need-to-Know-About-the-PCI-Express/190/3:
	    "with a clock of 2.5 GHz and 5 GHz, the x1 bandwidth ... are 250
	    MB/s and 500 MB/s"); x8: 8 x 500 MB/s = 4 GB/s per direction.
	    The clock is one symbol time (10 bits at 5 GT/s = 2 ns), in
	    which the x8 link moves 8 bytes. */
	 .spec = {.bytes_per_s = 8 * 500e6, .clock_hz = 500e6,
		  /* 3 symbol times = 24 bytes per TLP: Intel's PCIe protocol
		     overhead note (https://intel.com/content/www/us/en/docs/programmable/683541/current/protocol-overhead.html)
		     counts start and end framing, sequence ID, a 3- or 4-dword
		     header and LCRC, "five dwords if the optional ECRC is not
		     included" with a 3-dword header; a 64-bit address (a host
		     with more than 4 GB, which the 82599 supports) needs the
		     4-dword header: 6 dwords = 24 bytes, over 8 lanes 3 symbol
		     times. ACK and flow-control DLLPs, SKP ordered sets and
		     read requests are not counted (the same note lists them). */
		  .overhead_cycles = 3,
		  /* ASSUMPTION: Max_Payload_Size at its 128-byte reset value,
		     as pcie-x4 (a BIOS may set 256). */
		  .burst = 128, .duplex = 1}},
	{.name = "turbochannel-25",
	 /* DEC TURBOchannel as in the DECstation 5000/200: "a 32-bit address
	    and data multiplexed bus, clocked at frequencies between 12.5 and
	    25 MHz, with a maximum theoretical usable bandwidth of 90 MB/s"
	    (https://en.wikipedia.org/wiki/TURBOchannel); the 5000/200 runs it
	    at 25 MHz (https://grokipedia.com/page/turbochannel: "Model 200
	    with 25 MHz clock"): 4 bytes x 25 MHz = 100 MB/s raw. */
	 .spec = {.bytes_per_s = 4 * 25e6, .clock_hz = 25e6,
		  /* ASSUMPTION: 128-byte DMA blocks and 3 clocks per
		     transaction (the multiplexed address cycle, the target's
		     acknowledgement and a turnaround): 32 / 35 of 100 MB/s =
		     91 MB/s, the usable figure above. */
		  .overhead_cycles = 3, .burst = 128, .duplex = 0}},
};

#define NPRESETS (sizeof presets / sizeof presets[0])

struct ss_iobus {
	ss_sim *sim;
	ss_iobus_spec spec;
	double ov_bytes;        /* bytes the bus could move in one transaction's overhead */
	ss_bus *bus[2];         /* [dir]; the same bus twice when not duplex */
	uint64_t dmas, bytes;   /* in the statistics window */
	char name[SS_METRIC_NAME];
};

const char *ss_iobus_presets(void) { return "pci32-33|pci64-66|pcix-133|pcie-x4|pcie2-x8|turbochannel-25"; }

int ss_iobus_check_preset(const char *name, char *msg, size_t len)
{
	ss_iobus_spec s;
	if (ss_iobus_preset(name, &s) == SS_OK)
		return SS_OK;
	snprintf(msg, len, "one of %s", ss_iobus_presets());
	return SS_EINVAL;
}

int ss_iobus_preset(const char *name, ss_iobus_spec *out)
{
	for (size_t i = 0; i < NPRESETS; i++)
		if (strcasecmp(name, presets[i].name) == 0) {
			*out = presets[i].spec;
			return SS_OK;
		}
	return SS_ENOENT;
}

static int bus_alloc(ss_bus **out, ss_sim *sim, const char *name, double bytes_per_s)
{
	return ss_bus_alloc(out, sim, name, bytes_per_s, 0, SS_BUS_FIFO);
}

static void iob_reset(void *res, ss_time now)
{
	(void)now;
	ss_iobus *b = res;
	b->dmas = 0;
	b->bytes = 0;
}

static void iob_report(void *res, ss_time now, ss_metrics *m)
{
	(void)now;
	ss_iobus *b = res;
	char key[SS_METRIC_NAME + 16];
	snprintf(key, sizeof key, "%s.dmas", b->name);
	ss_metrics_set(m, key, "transfers", (double)b->dmas);
	snprintf(key, sizeof key, "%s.dma_bytes", b->name);
	ss_metrics_set(m, key, "bytes", (double)b->bytes);
}

/* The buses themselves report their utilisation. */
static double iob_util(void *res, ss_time now)
{
	(void)res;
	(void)now;
	return 0;
}

static void iob_destroy(void *res) { free(res); }

static const ss_resource_ops iob_ops = {
	.reset = iob_reset,
	.report = iob_report,
	.utilisation = iob_util,
	.destroy = iob_destroy,
};

int ss_iobus_alloc_spec(ss_iobus **out, ss_sim *sim, const char *name, const ss_iobus_spec *s, char *err,
			size_t errlen)
{
	*out = NULL;
	if (!(s->bytes_per_s > 0) || !isfinite(s->bytes_per_s) || !(s->clock_hz > 0) || !isfinite(s->clock_hz) ||
	    !(s->overhead_cycles >= 0) || !isfinite(s->overhead_cycles) || s->burst == 0) {
		ss_errbuf(err, errlen,
			  "I/O bus %s: needs a rate and a clock > 0, an overhead >= 0 cycles and a burst > 0 bytes", name);
		return SS_EINVAL;
	}
	if (strlen(name) > SS_METRIC_NAME - 24) {
		ss_errbuf(err, errlen, "I/O bus name '%s' is too long (at most %d characters)", name, SS_METRIC_NAME - 24);
		return SS_EINVAL;
	}
	ss_iobus *b = calloc(1, sizeof *b);
	if (!b)
		return SS_ENOMEM;
	b->sim = sim;
	b->spec = *s;
	b->ov_bytes = s->overhead_cycles / s->clock_hz * s->bytes_per_s;
	snprintf(b->name, sizeof b->name, "%s", name);
	char res[SS_METRIC_NAME];
	snprintf(res, sizeof res, "%s.ctl", name);
	if (ss_sim_add_resource(sim, res, b, &iob_ops) != SS_OK) {
		free(b);
		return SS_ENOMEM;
	}
	/* The simulator owns b (and each bus) from here. */
	if (s->duplex) {
		for (int d = 0; d < 2; d++) {
			snprintf(res, sizeof res, "%s.%s", name, d == SS_IOBUS_TO_MEM ? "to_mem" : "from_mem");
			if (bus_alloc(&b->bus[d], sim, res, s->bytes_per_s) != SS_OK)
				return SS_ENOMEM;
		}
	} else {
		if (bus_alloc(&b->bus[0], sim, name, s->bytes_per_s) != SS_OK)
			return SS_ENOMEM;
		b->bus[1] = b->bus[0];
	}
	*out = b;
	return SS_OK;
}

int ss_iobus_alloc(ss_iobus **out, ss_sim *sim, const char *name, const char *preset, char *err, size_t errlen)
{
	ss_iobus_spec s;
	*out = NULL;
	if (!preset || ss_iobus_preset(preset, &s) != SS_OK) {
		ss_errbuf(err, errlen, "unknown I/O bus '%s' (expected %s)", preset ? preset : "(null)",
			  ss_iobus_presets());
		return SS_ENOENT;
	}
	return ss_iobus_alloc_spec(out, sim, name, &s, err, errlen);
}

int ss_iobus_alloc_custom(ss_iobus **out, ss_sim *sim, const char *name, double bytes_per_s,
			  double overhead_cycles, double clock_hz, uint32_t burst)
{
	ss_iobus_spec s = {
		.bytes_per_s = bytes_per_s,
		.clock_hz = clock_hz,
		.overhead_cycles = overhead_cycles,
		.burst = burst,
		.duplex = 0,
	};
	return ss_iobus_alloc_spec(out, sim, name, &s, NULL, 0);
}

uint32_t ss_iobus_transactions(const ss_iobus *b, uint32_t bytes)
{
	return (uint32_t)(((uint64_t)bytes + b->spec.burst - 1) / b->spec.burst);
}

/* Bytes handed to ss_bus: data plus the overhead's equivalent. */
static double bus_bytes(const ss_iobus *b, uint32_t bytes, uint32_t desc)
{
	uint32_t n = ss_iobus_transactions(b, bytes) + ss_iobus_transactions(b, desc);
	return (double)bytes + (double)desc + (double)n * b->ov_bytes;
}

ss_time ss_iobus_dma_time_desc(const ss_iobus *b, uint32_t bytes, uint32_t desc_bytes)
{
	/* The same expression ss_bus uses for a transfer's own time. */
	return (ss_time)llround(bus_bytes(b, bytes, desc_bytes) / (b->spec.bytes_per_s * 1e-12));
}

ss_time ss_iobus_dma_time(const ss_iobus *b, uint32_t bytes) { return ss_iobus_dma_time_desc(b, bytes, 0); }

void ss_iobus_dma_dir(ss_iobus *b, int dir, uint32_t bytes, uint32_t desc_bytes, ss_handler k, void *ctx,
		      uint64_t arg)
{
	b->dmas++;
	b->bytes += (uint64_t)bytes + desc_bytes;
	if (bytes == 0 && desc_bytes == 0) {
		ss_sim_after(b->sim, 0, k, ctx, arg);
		return;
	}
	ss_bus_transfer(b->bus[dir == SS_IOBUS_FROM_MEM], bus_bytes(b, bytes, desc_bytes), k, ctx, arg);
}

void ss_iobus_dma(ss_iobus *b, uint32_t bytes, ss_handler k, void *ctx, uint64_t arg)
{
	ss_iobus_dma_dir(b, SS_IOBUS_TO_MEM, bytes, 0, k, ctx, arg);
}

const ss_iobus_spec *ss_iobus_spec_of(const ss_iobus *b) { return &b->spec; }
double ss_iobus_utilisation(const ss_iobus *b, int dir) { return ss_bus_utilisation(b->bus[dir == SS_IOBUS_FROM_MEM]); }
const ss_tally *ss_iobus_wait(const ss_iobus *b, int dir) { return ss_bus_wait(b->bus[dir == SS_IOBUS_FROM_MEM]); }
uint64_t ss_iobus_dmas(const ss_iobus *b) { return b->dmas; }
uint64_t ss_iobus_bytes(const ss_iobus *b) { return b->bytes; }
