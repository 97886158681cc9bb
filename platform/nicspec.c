/* NIC presets as data: platform/nics/NAME.cfg, in the sourced preset
   format of crypto/ss_specfile.h. Times are in microseconds. */
#include "ss_nic.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ss_err.h"
#include "ss_specfile.h"

#define U32(n, f, w) {.name = n, .kind = SS_SPEC_U32, .off = offsetof(ss_nic_spec, f), .what = w}
#define US(n, f, w) {.name = n, .kind = SS_SPEC_US, .off = offsetof(ss_nic_spec, f), .what = w}
#define BOOL(n, f, w) {.name = n, .kind = SS_SPEC_BOOL, .off = offsetof(ss_nic_spec, f), .what = w}
static const ss_speckey keys[] = {
	U32("tx_ring", tx_ring, "tx descriptors"),
	U32("rx_ring", rx_ring, "rx descriptors (0: byte ring only)"),
	U32("rx_queues", rx_queues, "receive queues with RSS (0: 1)"),
	U32("rx_buf_bytes", rx_buf_bytes, "receive byte ring"),
	U32("rx_buf_hdr", rx_buf_hdr, "per-frame bytes in the byte ring"),
	U32("dma_hdr", dma_hdr, "link header bytes DMAed"),
	U32("desc_bytes", desc_bytes, "descriptor DMA per packet"),
	US("irq_min_interval_us", irq_min_interval, "minimum interval between interrupts"),
	US("irq_delay_us", irq_delay, "rx packet timer"),
	US("irq_abs_delay_us", irq_abs_delay, "rx absolute timer"),
	US("tx_irq_delay_us", tx_irq_delay, "tx packet timer"),
	US("tx_irq_abs_delay_us", tx_irq_abs_delay, "tx absolute timer"),
	BOOL("tx_irq", tx_irq, "tx completions interrupt"),
	BOOL("tx_copy", tx_copy, "driver copies tx packets"),
	BOOL("rx_copy", rx_copy, "driver copies rx packets"),
	{.name = "pio_tx_ns_per_byte", .kind = SS_SPEC_NUM, .off = offsetof(ss_nic_spec, pio_tx_ns),
	 .what = "programmed I/O per byte written to the card (no DMA)"},
	{.name = "pio_rx_ns_per_byte", .kind = SS_SPEC_NUM, .off = offsetof(ss_nic_spec, pio_rx_ns),
	 .what = "programmed I/O per byte read from the card (no DMA)"},
	BOOL("hw_demux", hw_demux, "demultiplexes in hardware"),
	{.name = "max_mbps", .kind = SS_SPEC_MEGA, .off = offsetof(ss_nic_spec, max_bps), .what = "fastest link"},
	{.name = "bus", .kind = SS_SPEC_STR, .off = offsetof(ss_nic_spec, bus), .strlen = sizeof ((ss_nic_spec *)0)->bus,
	 .check = ss_iobus_check_preset, .what = "I/O bus preset"},
};
#undef U32
#undef US
#undef BOOL

static const char *const required[] = {"tx_ring", "rx_ring", "desc_bytes", "dma_hdr", "irq_min_interval_us",
				       "tx_irq", "bus", NULL};

static int check_spec(const void *s, char *msg, size_t len) { return ss_nic_spec_check(s, msg, len); }

static const ss_specformat format = {
	.label = "NIC",
	.keys = keys,
	.nkeys = sizeof keys / sizeof keys[0],
	.required = required,
	.check = check_spec,
	.size = sizeof(ss_nic_spec),
};

int ss_nic_spec_load(const char *dir, const char *name, ss_nic_spec *spec, char *desc, size_t desclen, char *err,
		     size_t errlen)
{
	return ss_spec_load(&format, dir, name, spec, desc, desclen, err, errlen);
}

int ss_nic_spec_get(const ss_nic_spec *s, const char *key, double *value)
{
	return ss_spec_get(&format, s, key, value);
}
