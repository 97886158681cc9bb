/* Coprocessor presets as data: platform/coprocs/NAME.cfg, in the sourced
   preset format of crypto/ss_specfile.h. Rates in Mbit/s, times in us. */
#include "ss_coproc.h"

#include <stddef.h>
#include <stdio.h>

#include "ss_err.h"
#include "ss_specfile.h"

#define RATE(n, a) \
	{.name = n, .kind = SS_SPEC_MEGA, .off = offsetof(ss_coproc_spec, bps) + (a) * sizeof(double), \
	 .what = "rated bulk rate, Mbit/s"}
#define BUS(n, f, w) \
	{.name = n, .kind = SS_SPEC_STR, .off = offsetof(ss_coproc_spec, f), \
	 .strlen = sizeof ((ss_coproc_spec *)0)->f, .check = ss_iobus_check_preset, .what = w}
static const ss_speckey keys[] = {
	RATE("des_mbps", SS_COPROC_DES),
	RATE("3des_mbps", SS_COPROC_3DES),
	RATE("aes_mbps", SS_COPROC_AES),
	RATE("md5_mbps", SS_COPROC_MD5),
	RATE("sha1_mbps", SS_COPROC_SHA1),
	{.name = "rsa1024_ops", .kind = SS_SPEC_NUM, .off = offsetof(ss_coproc_spec, rsa1024_ops),
	 .what = "RSA-1024 private-key operations per second"},
	{.name = "request_overhead_us", .kind = SS_SPEC_US, .off = offsetof(ss_coproc_spec, request_overhead),
	 .what = "engine time per request beyond its bytes"},
	{.name = "queue_depth", .kind = SS_SPEC_U32, .off = offsetof(ss_coproc_spec, queue_depth),
	 .what = "requests on the card at once"},
	{.name = "desc_bytes", .kind = SS_SPEC_U32, .off = offsetof(ss_coproc_spec, desc_bytes),
	 .what = "descriptor bytes DMAed each way per request"},
	BUS("local_bus", local_bus, "on-card bus behind a bridge"),
	{.name = "bridge_cycles", .kind = SS_SPEC_NUM, .off = offsetof(ss_coproc_spec, bridge_cycles),
	 .what = "extra cycles per transaction on the local bus"},
	BUS("bus", bus, "host bus the card is built for"),
	{.name = "stream_chunk", .kind = SS_SPEC_U32, .off = offsetof(ss_coproc_spec, stream_chunk),
	 .what = "streaming: bytes per chunk through the DMA FIFOs (0: store and forward)"},
	{.name = "stream_fifo", .kind = SS_SPEC_U32, .off = offsetof(ss_coproc_spec, stream_fifo),
	 .what = "streaming: chunks each DMA FIFO holds"},
};
#undef RATE
#undef BUS

static const char *const required[] = {"3des_mbps", "request_overhead_us", "queue_depth", "desc_bytes", "bus", NULL};

static int check_spec(const void *s, char *msg, size_t len) { return ss_coproc_spec_check(s, msg, len); }

static const ss_specformat format = {
	.label = "coprocessor",
	.keys = keys,
	.nkeys = sizeof keys / sizeof keys[0],
	.required = required,
	.check = check_spec,
	.size = sizeof(ss_coproc_spec),
};

int ss_coproc_spec_load(const char *dir, const char *name, ss_coproc_spec *spec, char *desc, size_t desclen,
			char *err, size_t errlen)
{
	return ss_spec_load(&format, dir, name, spec, desc, desclen, err, errlen);
}

int ss_coproc_spec_get(const ss_coproc_spec *s, const char *key, double *value)
{
	return ss_spec_get(&format, s, key, value);
}
