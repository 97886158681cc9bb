/* A full-duplex point-to-point link: rate, propagation delay, MTU,
   per-frame framing (header + FCS within a minimum frame, plus preamble
   and inter-frame gap outside it) and optional random loss. Each
   direction serialises one frame at a time; the sender (a NIC) keeps it
   busy. The simulator owns the link: it registers one resource per
   direction, "<name>.ab" (side 0 sends) and "<name>.ba" (side 1 sends),
   each reporting util, frames, bytes and lost. */
#ifndef SS_LINK_H
#define SS_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "ss_packet.h"
#include "ss_sim.h"

typedef struct ss_link_spec {
	double rate_bps;          /* bits per second on the wire, > 0 */
	ss_time prop;             /* propagation delay, >= 0 */
	uint32_t mtu;             /* largest IP datagram, bytes, > 0 */
	uint32_t frame_overhead;  /* per-frame bytes outside the minimum frame (Ethernet: preamble+SFD 8, IFG 12) */
	uint32_t min_frame;       /* smallest frame, header + payload + FCS (Ethernet 64): shorter ones are padded */
	uint32_t hdr_bytes;       /* link header + trailer around the datagram (Ethernet: 14 + FCS 4) */
	double loss;              /* probability a frame is lost, [0, 1) */
} ss_link_spec;

/* Ethernet framing (IEEE 802.3 clause 3 frame format and clause 4 MAC
   parameters): preamble 7 + SFD 1, destination and source address 6 + 6,
   length/type 2, FCS 4, minimum frame 64 bytes (minFrameSize 512 bits),
   interFrameGap 96 bit times = 12 bytes. No VLAN tag. mtu 1500 is the
   802.3 maximum payload; 9000 the usual jumbo size (not in 802.3).
   prop = 0, loss = 0: set them after. SS_EINVAL unless rate_bps > 0 and
   46 <= mtu <= 65535. */
int ss_link_spec_ethernet(ss_link_spec *s, double rate_bps, uint32_t mtu);

/* Bytes a datagram of ip_len occupies on the wire, padding and every
   overhead included. */
uint32_t ss_link_spec_wire_bytes(const ss_link_spec *s, uint32_t ip_len);
/* Padding added to reach the minimum frame. */
uint32_t ss_link_spec_pad(const ss_link_spec *s, uint32_t ip_len);
/* Back-to-back frames of `payload` bytes each, carried in datagrams of
   ip_len bytes: payload bits per second = rate x payload / wire bytes. */
double ss_link_spec_goodput(const ss_link_spec *s, uint32_t ip_len, uint32_t payload);

typedef struct ss_link ss_link;

/* SS_EINVAL (message in err) for a bad spec, SS_ENOMEM. */
int ss_link_alloc(ss_link **out, ss_sim *sim, const char *name, const ss_link_spec *s, char *err, size_t errlen);

/* Side `side` (0 or 1) receives through deliver(ctx, p): the receiver
   owns p from then on. */
void ss_link_attach(ss_link *l, int side, void (*deliver)(void *ctx, ss_packet *p), void *ctx);
/* Lost frames are returned to this pool (needed when loss > 0). */
void ss_link_set_pool(ss_link *l, ss_pktpool *pool);

/* Side `side` starts sending p now. done(ctx) runs when its last bit
   (and the inter-frame gap) has left, when the next frame may start;
   the far side's deliver() runs `prop` after that (so the gap counts as
   part of the frame's arrival time too: 96 ns at 1 Gbit/s), unless the frame is
   lost (counted; p goes back to the pool). SS_EBUSY when the direction
   is still sending, SS_EINVAL when p->len exceeds the MTU or loss > 0
   without a pool; p is then not taken. */
int ss_link_transmit(ss_link *l, int side, ss_packet *p, void (*done)(void *ctx), void *ctx);

ss_time ss_link_frame_time(const ss_link *l, uint32_t ip_len); /* wire time of one frame */
const ss_link_spec *ss_link_spec_of(const ss_link *l);
int ss_link_busy(const ss_link *l, int side);

/* Counts in the statistics window, per sending side. */
uint64_t ss_link_frames(const ss_link *l, int side);     /* frames started (lost ones included) */
uint64_t ss_link_lost(const ss_link *l, int side);
uint64_t ss_link_ip_bytes(const ss_link *l, int side);   /* datagram bytes of the frames started */
uint64_t ss_link_wire_bytes(const ss_link *l, int side); /* wire bytes of the frames started */
double ss_link_utilisation(const ss_link *l, int side);  /* busy time / window */

#endif
