/* A crypto coprocessor: one engine that serves requests in FIFO order
   (a per-request overhead, then the request's bytes at the algorithm's
   rated rate, or one RSA operation at the rated rate), a request queue
   of finite depth, and, where it sits, the DMA that brings each
   request's input to it and takes the output back.

   Placement (one parameter, so one workload compares them):
   - LOOKASIDE: a card on the I/O bus. Input and the command descriptor
     cross the bus to the card (and first an on-card bus behind a bridge
     when the card has one, as the quad-Hifn card's 32-bit/33 MHz chips),
     then the output and the result descriptor cross back: every byte
     crosses the host bus twice (store and forward at the bridge:
     ASSUMPTION, a bridge that cut through would overlap the two).
     By default a request's whole input is on the card before the engine
     starts on it. A streaming card (stream_chunk > 0: a chip whose
     source and destination DMA channels feed and drain the engine
     through FIFOs) moves each request in chunks through three stages
     in order: the input DMA channel fetches chunk after chunk while the
     input FIFO (stream_fifo chunks) has room, the engine works on each
     chunk that is in while the output FIFO has room, and the output DMA
     channel writes each finished chunk back. The stages overlap, so a
     request's latency is its engine time plus about one chunk each way;
     the descriptor goes with the first input chunk and with the last
     output chunk; a hash's digest is the last chunk's output.
   - INLINE: an engine in the NIC's data path (IPsec offload): the data
     already crosses the bus with the NIC's own DMA, so the engine adds
     no crossing of its own.
   - CPU: an engine beside the processor or memory (as AES instructions
     or a north-bridge engine): no I/O bus crossing.
   The coprocessor is hardware only: the driver's CPU work (building the
   descriptor, the completion interrupt) is the host's. Simulator-owned. */
#ifndef SS_COPROC_H
#define SS_COPROC_H

#include <stddef.h>
#include <stdint.h>

#include "ss_iobus.h"
#include "ss_sim.h"
#include "ss_stats.h"

/* Algorithm families a card rates separately. NULL: no transform (the
   request costs its overhead only). */
typedef enum ss_coproc_alg {
	SS_COPROC_NULL, SS_COPROC_DES, SS_COPROC_3DES, SS_COPROC_AES, SS_COPROC_MD5, SS_COPROC_SHA1,
	SS_COPROC_RSA1024, SS_COPROC_NALGS
} ss_coproc_alg;

/* The family of a crypto registry name ("3des-cbc", "hmac-sha1-96",
   "aes128-cbc", "rsa1024-private", "null"); SS_ENOENT otherwise. */
int ss_coproc_alg_of(const char *crypto_name, ss_coproc_alg *out);
const char *ss_coproc_alg_name(ss_coproc_alg a);

typedef enum ss_coproc_place { SS_COPROC_LOOKASIDE, SS_COPROC_INLINE, SS_COPROC_CPU } ss_coproc_place;
int ss_coproc_place_of(const char *name, ss_coproc_place *out); /* "lookaside", "inline", "cpu" */

typedef struct ss_coproc_spec {
	double bps[SS_COPROC_NALGS];  /* rated bulk rate, bit/s (0: not supported); [RSA1024] unused */
	double rsa1024_ops;           /* RSA-1024 private-key operations per second (0: none) */
	ss_time request_overhead;     /* engine time per request beyond its bytes (command parse, context load) */
	uint32_t queue_depth;         /* requests on the card at once (submitted, not completed), > 0 */
	uint32_t desc_bytes;          /* command descriptor DMAed with the input, result with the output */
	char local_bus[24];           /* I/O bus preset of an on-card bus behind a bridge, "" none */
	double bridge_cycles;         /* extra cycles per transaction on the local bus (the bridge's latency) */
	char bus[24];                 /* host bus preset the card is built for (informational), "" unknown */
	uint32_t stream_chunk;        /* look-aside streaming: bytes per chunk (0: store and forward) */
	uint32_t stream_fifo;         /* chunks each FIFO holds (input, output), with streaming; >= 1 */
} ss_coproc_spec;

/* Loads dir/NAME.cfg (platform/coprocs/), every setting with its source
   (crypto/ss_specfile.h). Errors "file:line: what is wrong". */
int ss_coproc_spec_load(const char *dir, const char *name, ss_coproc_spec *spec, char *desc, size_t desclen,
			char *err, size_t errlen);
int ss_coproc_spec_check(const ss_coproc_spec *s, char *msg, size_t len);
int ss_coproc_spec_get(const ss_coproc_spec *s, const char *key, double *value);

typedef struct ss_coproc ss_coproc;

/* A request: caller-owned storage, untouched by the caller from submit
   to completion. out_bytes is what the card writes back (the
   ciphertext; a digest for a hash). */
typedef struct ss_coproc_req {
	ss_coproc_alg alg;
	uint32_t in_bytes, out_bytes;
	ss_handler k;  /* completion: k(sim, ctx, arg) when the output is in memory */
	void *ctx;
	uint64_t arg;
	/* The coprocessor's. */
	struct ss_coproc_req *next;
	ss_coproc *c;
	ss_time t_submit;
} ss_coproc_req;

/* A coprocessor placed at `place`. LOOKASIDE needs bus; `local` (may be
   NULL) is the on-card bus behind the bridge, which several chips of
   one card share (the caller allocates it from spec->local_bus with
   bridge_cycles added to its overhead: ss_coproc_local_bus). Registers
   resource "coproc.<name>" with metrics .util (engine busy share),
   .requests, .refused, .mean_latency_us. SS_EINVAL (err says why). */
int ss_coproc_alloc(ss_coproc **out, ss_sim *sim, const char *name, const ss_coproc_spec *s,
		    ss_coproc_place place, ss_iobus *bus, ss_iobus *local, char *err, size_t errlen);
/* The on-card bus of spec s (NULL in *out when s has none). */
int ss_coproc_local_bus(ss_iobus **out, ss_sim *sim, const char *name, const ss_coproc_spec *s, char *err,
			size_t errlen);

/* SS_OK: the card owns r until r->k runs. SS_EBUSY: queue_depth requests
   are on the card (counted as refused; the driver queues and retries on
   a completion). SS_EINVAL: the card does not support r->alg. */
int ss_coproc_submit(ss_coproc *c, ss_coproc_req *r);

/* Engine time of r alone (overhead + bytes at the rate, or one RSA op). */
ss_time ss_coproc_service(const ss_coproc *c, ss_coproc_alg alg, uint32_t bytes);
int ss_coproc_supports(const ss_coproc *c, ss_coproc_alg alg);
uint32_t ss_coproc_inflight(const ss_coproc *c);
ss_coproc_place ss_coproc_placement(const ss_coproc *c);
const ss_coproc_spec *ss_coproc_spec_of(const ss_coproc *c);

/* Statistics window. */
double ss_coproc_utilisation(const ss_coproc *c);   /* engine busy share */
uint64_t ss_coproc_requests(const ss_coproc *c);    /* completed */
uint64_t ss_coproc_refused(const ss_coproc *c);     /* SS_EBUSY */
const ss_tally *ss_coproc_latency(const ss_coproc *c); /* submit to completion, s */

#endif
