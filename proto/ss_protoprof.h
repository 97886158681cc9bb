/* Protocol cost profiles: what each layer of a kernel network stack
   costs on a modelled CPU, per packet and per byte, for each direction,
   every constant with its source. Read from libconfig files
   (proto/profiles/NAME.cfg):
     name = "linux26-xeon-2800";    # must equal the file name
     description = "one line";
     cpu = "Intel Xeon";            # optional
     clock_mhz = 2800.0;            # optional, > 0
     costs = (
       { layer = "tcp"; dir = "tx"; per_packet_ns = 455.9; per_byte_ns = 0.23;
         source = "where it comes from"; },
       ...
     );
   dir is "tx", "rx" or "any" (both). Every layer must be given for both
   directions, once: a host charges every layer of every path, so a
   missing cost would silently be free. */
#ifndef SS_PROTOPROF_H
#define SS_PROTOPROF_H

#include <stddef.h>
#include <stdint.h>

#include "ss_time.h"

/* Layers, as the files name them ("syscall", "copy", ...). */
typedef enum ss_pp_layer {
	SS_PP_SYSCALL, /* system call entry and exit, per call */
	SS_PP_COPY,    /* copy between user and kernel, per byte */
	SS_PP_TCP,     /* TCP per segment (+ checksum per byte) */
	SS_PP_IP,      /* IP per datagram */
	SS_PP_ETH,     /* device layer and driver per frame */
	SS_PP_IRQ,     /* hard interrupt entry, handler, exit, per interrupt */
	SS_PP_SOFTIRQ, /* softirq entry (net_rx_action / net_tx_action) per run */
	SS_PP_ESP,     /* ESP transform without its crypto, per datagram */
	SS_PP_AH,      /* AH transform without its crypto, per datagram */
	SS_PP_SKB,     /* socket buffer allocation and free, per packet */
	SS_PP_NLAYERS
} ss_pp_layer;

typedef enum ss_pp_dir { SS_PP_TX = 0, SS_PP_RX = 1, SS_PP_NDIRS } ss_pp_dir;

typedef struct ss_protoprof ss_protoprof;

/* Loads dir/NAME.cfg. Errors "file:line: what is wrong": SS_ENOENT (no
   such profile: the message lists dir's), SS_EPARSE (syntax), SS_EINVAL
   (unknown layer, dir or field, missing or negative cost, missing or
   empty source, a layer and direction given twice or not at all),
   SS_ENOMEM. *out is NULL on failure. */
int ss_protoprof_load(ss_protoprof **out, const char *dir, const char *name, char *err, size_t errlen);
/* The same from a file path. */
int ss_protoprof_load_file(ss_protoprof **out, const char *path, char *err, size_t errlen);
void ss_protoprof_free(ss_protoprof *p); /* NULL is a no-op */

/* Cost of one traversal of `layer` in direction `dir` (SS_PP_TX/RX)
   moving `bytes`: per_packet + per_byte x bytes, rounded to the nearest
   picosecond (deterministic: the same inputs give the same time). A
   layer or direction out of range is a broken invariant (fatal). The
   per-packet fast path: no allocation, no string work. */
ss_time ss_protoprof_cost(const ss_protoprof *p, int layer, int dir, uint32_t bytes);
/* The constants as given, ns. */
double ss_protoprof_per_packet_ns(const ss_protoprof *p, int layer, int dir);
double ss_protoprof_per_byte_ns(const ss_protoprof *p, int layer, int dir);
const char *ss_protoprof_source(const ss_protoprof *p, int layer, int dir);

/* Replaces one constant pair (what-if studies, tests): SS_EINVAL for a
   layer or direction out of range or a cost that is negative, not
   finite or above 1e9 ns. The source becomes `source` (NULL: "override"). */
int ss_protoprof_set(ss_protoprof *p, int layer, int dir, double per_packet_ns, double per_byte_ns,
		     const char *source);

const char *ss_protoprof_name(const ss_protoprof *p);
const char *ss_protoprof_description(const ss_protoprof *p);
const char *ss_protoprof_cpu(const ss_protoprof *p);     /* "" when not stated */
double ss_protoprof_clock_mhz(const ss_protoprof *p);    /* 0 when not stated */

/* "syscall", "copy", ..., or NULL out of range; the reverse, -1 if unknown. */
const char *ss_protoprof_layer_name(int layer);
int ss_protoprof_layer_find(const char *name);

#endif
