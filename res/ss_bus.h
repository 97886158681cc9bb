/* A bus or link: bandwidth, a per-transfer overhead, and arbitration among
   requesters (FIFO, or fair processor sharing as a model of fine-grained
   interleaving on a memory bus). */
#ifndef SS_BUS_H
#define SS_BUS_H

#include "ss_sim.h"
#include "ss_stats.h"

typedef enum ss_bus_arb {
	SS_BUS_FIFO, /* one transfer at a time, in arrival order */
	SS_BUS_PS    /* all active transfers share the bandwidth equally */
} ss_bus_arb;

typedef struct ss_bus ss_bus;

/* bytes_per_s > 0; overhead >= 0 is added to every transfer (as
   overhead * bandwidth extra bytes under PS). The simulator owns the bus
   (ss_sim_free frees it). Sets *out and returns SS_OK; SS_EINVAL when
   bytes_per_s <= 0, overhead < 0 or an argument is NULL, SS_ENOMEM when out
   of memory (*out is NULL on failure). */
int ss_bus_alloc(ss_bus **out, ss_sim *sim, const char *name, double bytes_per_s,
		 ss_time overhead, ss_bus_arb arb);

/* Caps the rate one transfer can get (bytes/s, > 0): a processor whose
   misses are latency-bound cannot use the whole bus alone. Under PS each
   of n active transfers then gets min(cap, bandwidth / n). */
void ss_bus_set_cap(ss_bus *b, double bytes_per_s);

/* Miss-stream mode (PS buses, before any transfer): each transfer is a
   processor's run of cache misses of `line_bytes`, one outstanding at a
   time. Alone it moves at the cap (one line per latency); with n active,
   each waits for the others' lines on the bus, at the rate a closed
   queueing model of n such processors gives (bus.c). Unlike the plain
   capped share, contention then costs time well before the bus is full.
   0 turns it off. SS_EINVAL on a FIFO bus, a busy bus or a negative size. */
int ss_bus_set_line(ss_bus *b, double line_bytes);

/* Moves `bytes` (>= 0) across the bus, then calls k. */
void ss_bus_transfer(ss_bus *b, double bytes, ss_handler k, void *ctx, uint64_t arg);

/* Share of the bandwidth used in the window: bytes moved inside it,
   those of transfers still in progress included, over bandwidth * span. */
double ss_bus_utilisation(const ss_bus *b);
const ss_tally *ss_bus_wait(const ss_bus *b); /* time beyond the transfer's own service, s */
const ss_tally *ss_bus_response(const ss_bus *b); /* whole transfer time, s */
double ss_bus_mean_queue(const ss_bus *b);    /* time-average transfers present */
double ss_bus_bytes(const ss_bus *b);         /* bytes of transfers finished in the window */

#endif
