/* A shared Ethernet segment: one medium that several stations send on
   and every station hears (a hub, or the one wire of Rescorla et al.'s
   cluster, where "cluster traffic is carried over the same wire as data
   traffic"). One frame at a time; stations waiting to send are served
   in the order they asked (ASSUMPTION: ideal arbitration, no collisions
   or back-off: CSMA/CD's losses at high load are not modelled). A frame
   is addressed to one station or to all others (broadcast, multicast:
   every station hears it; the addressed ones take it); its wire time is
   the link spec's (ss_link.h: framing, padding, preamble and gap), and
   each destination gets it `prop` after its last bit. Frames carry the
   sender's object, not an ss_packet: the segment only times them.
   Simulator-owned; registers resource NAME with metrics .util, .frames,
   .bytes (datagram bytes), .queue (time-average frames waiting). */
#ifndef SS_SEGMENT_H
#define SS_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "ss_link.h"
#include "ss_sim.h"

typedef struct ss_segment ss_segment;

/* A frame arriving at station `to`, from station `from`: deliver(ctx,
   to, from, obj, ip_len). */
typedef void (*ss_segment_deliver)(void *ctx, int to, int from, void *obj, uint32_t ip_len);

#define SS_SEGMENT_ALL (-1)

/* SS_EINVAL (err) for a bad spec (ss_link_spec's rules; loss must be 0),
   SS_ENOMEM. */
int ss_segment_alloc(ss_segment **out, ss_sim *sim, const char *name, const ss_link_spec *s, char *err,
		     size_t errlen);
/* A new station, numbered from 0; -1 when out of memory. */
int ss_segment_attach(ss_segment *g, ss_segment_deliver deliver, void *ctx);
/* Station `from` sends a datagram of ip_len bytes (at most the MTU) to
   station `to` or SS_SEGMENT_ALL (every station but the sender), when
   the medium is free and the frames asked for before it have gone.
   SS_EINVAL for a bad station or length, SS_ENOMEM. */
int ss_segment_send(ss_segment *g, int from, int to, void *obj, uint32_t ip_len);
/* Frames waiting for the medium, and on it. */
size_t ss_segment_backlog(const ss_segment *g);
const ss_link_spec *ss_segment_spec(const ss_segment *g);
/* Statistics window. */
double ss_segment_utilisation(const ss_segment *g);
uint64_t ss_segment_frames(const ss_segment *g);
uint64_t ss_segment_ip_bytes(const ss_segment *g);

#endif
