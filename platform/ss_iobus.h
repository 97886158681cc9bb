/* The I/O bus every DMA crosses (PCI, PCI-X, a PCIe-like what-if), built
   on res/ss_bus (FIFO). A DMA of B bytes is ceil(B / burst) transactions;
   each costs overhead_cycles of the bus clock (arbitration, address and
   attribute phases, target latency, turnaround) on top of B / bandwidth,
   so small transfers use the bus less efficiently. Parallel buses (PCI,
   PCI-X) are shared by both directions; a duplex bus (PCIe) has one FIFO
   per direction. A DMA holds the bus for all its transactions: bursts of
   two masters do not interleave (simplification; one event per DMA). The
   simulator owns the bus. */
#ifndef SS_IOBUS_H
#define SS_IOBUS_H

#include <stddef.h>
#include <stdint.h>

#include "ss_sim.h"
#include "ss_stats.h"

/* Direction of a DMA, seen from the device. */
#define SS_IOBUS_TO_MEM 0   /* the device writes memory (a NIC receiving) */
#define SS_IOBUS_FROM_MEM 1 /* the device reads memory (a NIC transmitting) */

typedef struct ss_iobus_spec {
	double bytes_per_s;      /* peak data rate per direction (shared when !duplex), > 0 */
	double clock_hz;         /* bus clock the overhead is counted in, > 0 */
	double overhead_cycles;  /* per transaction, >= 0 */
	uint32_t burst;          /* largest transaction, bytes, > 0 */
	int duplex;              /* 1: separate directions (PCIe); 0: one shared bus */
} ss_iobus_spec;

typedef struct ss_iobus ss_iobus;

/* A named preset (ss_iobus_presets()); SS_ENOENT with the list in err. */
int ss_iobus_alloc(ss_iobus **out, ss_sim *sim, const char *name, const char *preset, char *err, size_t errlen);
/* A shared (half-duplex) bus from its figures; SS_EINVAL unless
   bytes_per_s > 0, overhead_cycles >= 0, clock_hz > 0, burst > 0. */
int ss_iobus_alloc_custom(ss_iobus **out, ss_sim *sim, const char *name, double bytes_per_s,
			  double overhead_cycles, double clock_hz, uint32_t burst);
int ss_iobus_alloc_spec(ss_iobus **out, ss_sim *sim, const char *name, const ss_iobus_spec *s, char *err, size_t errlen);

/* The figures of preset `name` (case-insensitive); SS_ENOENT otherwise. */
int ss_iobus_preset(const char *name, ss_iobus_spec *out);
/* SS_OK when name is a preset; else SS_EINVAL and "one of ..." in msg
   (a string key check for preset files, crypto/ss_specfile.h). */
int ss_iobus_check_preset(const char *name, char *msg, size_t len);
const char *ss_iobus_presets(void); /* "pci32-33|pci64-66|pcix-133|pcie-x4|pcie2-x8|turbochannel-25" for messages */

/* Moves `bytes` across the bus (FIFO behind the DMAs already there), then
   calls k(sim, ctx, arg). A DMA of 0 bytes calls k at once (by an event). */
void ss_iobus_dma(ss_iobus *b, uint32_t bytes, ss_handler k, void *ctx, uint64_t arg);
/* The same in direction dir (SS_IOBUS_TO_MEM/FROM_MEM), with a descriptor
   of desc_bytes moved in the same bus tenure (its own transactions). */
void ss_iobus_dma_dir(ss_iobus *b, int dir, uint32_t bytes, uint32_t desc_bytes, ss_handler k, void *ctx,
		      uint64_t arg);

/* Time of a DMA alone on the bus: bytes / rate + transactions x overhead. */
ss_time ss_iobus_dma_time(const ss_iobus *b, uint32_t bytes);
ss_time ss_iobus_dma_time_desc(const ss_iobus *b, uint32_t bytes, uint32_t desc_bytes);
uint32_t ss_iobus_transactions(const ss_iobus *b, uint32_t bytes); /* ceil(bytes / burst) */

const ss_iobus_spec *ss_iobus_spec_of(const ss_iobus *b);
/* Statistics window: busy share (overhead included), wait beyond a DMA's
   own time (s), DMAs and their data bytes. dir is ignored on a shared bus. */
double ss_iobus_utilisation(const ss_iobus *b, int dir);
const ss_tally *ss_iobus_wait(const ss_iobus *b, int dir);
uint64_t ss_iobus_dmas(const ss_iobus *b);
uint64_t ss_iobus_bytes(const ss_iobus *b);

#endif
