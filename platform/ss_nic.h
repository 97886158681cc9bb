/* A network interface card: transmit and receive rings of finite size,
   DMA over the I/O bus, and an interrupt with moderation (a minimum
   interval between interrupts, as e1000's ITR; per-packet and absolute
   delay timers, as its RDTR/RADV and TIDV/TADV) and masking. The NIC is
   hardware only: the driver logic (NAPI polling, the backlog, freeing
   transmitted packets) is the host's, which calls the functions below
   and charges their CPU costs.

   Transmit: ss_nic_xmit puts a packet on the tx ring; the NIC DMAs its
   descriptor and frame from memory (FIFO on the bus), at most one frame
   ahead of the wire, then sends it on the link when the direction is
   free; when the last bit has left, the descriptor is done (tx cause).
   The descriptor is free again when the driver cleans it.
   Receive: a frame from the link takes a free rx descriptor (and, for a
   byte ring such as the RTL8139's, room in the ring buffer), is DMAed to
   memory with its descriptor write-back, then is done (rx cause). No
   room: dropped and counted. The driver takes done packets one at a
   time; the descriptor is refilled when taken.
   Interrupts: a cause becomes ready when its delay timers allow; a ready
   cause raises the interrupt when it is enabled (unmasked) and the last
   interrupt was at least irq_min_interval ago (else when it is). Raising
   it clears the causes (the handler's read of the cause register, as
   MSI or e1000's ICR). While masked, causes are latched and fire when
   the driver re-enables the interrupt.
   Receive-side scaling (spec rx_queues > 1, as the 82576/82599 with
   igb/ixgbe): each receive queue has its own descriptor ring, its own
   MSI-X vector with its own moderation timer and mask; a frame goes to
   queue p->flow % rx_queues. Real NICs take a Toeplitz hash of the
   4-tuple through an indirection table; the model's flow id is the
   connection's index, so connection k lands on queue k % rx_queues
   (ASSUMPTION: the hash spreads distinct connections evenly over the
   queues, as a Toeplitz hash of distinct ports does on average). One
   transmit queue (as Linux 2.6.11, which had one per device): its
   completions raise queue 0's vector, as ixgbe's first q_vector holds
   tx ring 0 with rx ring 0. Functions without a queue act on queue 0
   (ss_nic_set_irq: every queue); the counts are totals. */
#ifndef SS_NIC_H
#define SS_NIC_H

#include <stddef.h>
#include <stdint.h>

#include "ss_iobus.h"
#include "ss_link.h"
#include "ss_packet.h"
#include "ss_sim.h"

typedef struct ss_nic_spec {
	uint32_t tx_ring, rx_ring;     /* descriptors (tx > 0; rx 0: no descriptor limit, a byte ring only) */
	uint32_t rx_queues;            /* receive queues (RSS), each with rx_ring descriptors (and an rx_buf_bytes ring) and its own interrupt vector; a preset gives the card's most, a host the count it runs; 0 means 1 */
	uint32_t rx_buf_bytes;         /* receive byte ring (RTL8139), 0: none */
	uint32_t rx_buf_hdr;           /* bytes the NIC writes with each received frame beyond header + datagram (status header, FCS): DMAed, and the frame's footprint in a byte ring (4-byte aligned there) */
	uint32_t dma_hdr;              /* link header bytes DMAed with each datagram (Ethernet 14) */
	uint32_t desc_bytes;           /* descriptor DMA per packet (read + write-back) */
	ss_time irq_min_interval;      /* moderation: at most one IRQ per interval (e1000 ITR); 0: one per event */
	ss_time irq_delay;             /* rx packet timer, restarted by each frame (RDTR); 0: none */
	ss_time irq_abs_delay;         /* rx absolute timer from the first frame (RADV); used only with irq_delay */
	ss_time tx_irq_delay;          /* tx packet timer (TIDV); 0: none */
	ss_time tx_irq_abs_delay;      /* tx absolute timer (TADV); used only with tx_irq_delay */
	int tx_irq;                    /* transmit completions raise the interrupt */
	int tx_copy, rx_copy;          /* the driver copies every packet (bounce buffer): a per-byte copy the host charges */
	double pio_tx_ns, pio_rx_ns;   /* > 0: no DMA; frames wait in the card's own buffer and the driver moves each by
					  programmed I/O, these ns of processor time per byte written to it and read from it
					  (DEC PMADD-AA); 0: a DMA card (both are 0 or both > 0) */
	int hw_demux;                  /* the card demultiplexes received frames to their endpoint's buffers (AN1 BQI) */
	double max_bps;                /* fastest link the NIC drives (informational), 0: unknown */
	char bus[24];                  /* I/O bus preset the card is built for (informational), "" unknown */
} ss_nic_spec;

/* Loads dir/NAME.cfg (platform/nics/). Every setting carries a source.
   Errors "file:line: what is wrong": SS_ENOENT (no such NIC: the message
   lists dir's), SS_EPARSE (syntax) or SS_EINVAL (unknown key, bad or
   missing value, missing source). desc (may be NULL) gets the file's
   description. */
int ss_nic_spec_load(const char *dir, const char *name, ss_nic_spec *spec, char *desc, size_t desclen, char *err,
		     size_t errlen);
/* SS_OK, or SS_EINVAL with what is wrong in msg (no file:line). */
int ss_nic_spec_check(const ss_nic_spec *s, char *msg, size_t len);
/* The value of a spec key by the names used in the files (tx_ring,
   irq_min_interval_us, ...), for reports: SS_ENOENT for an unknown key. */
int ss_nic_spec_get(const ss_nic_spec *s, const char *key, double *value);

typedef struct ss_nic ss_nic;

/* The NIC sends and receives on side `side` of link (attaching itself
   there). link may be NULL (frames are then given by ss_nic_rx_frame and
   ss_nic_xmit sends nothing on a wire: the frame is done after its DMA).
   SS_EINVAL for a bad spec (message in err), SS_ENOMEM. Simulator-owned;
   registers resource "nic.<name>" with metrics nic.<name>.irqs,
   .rx_drops, .tx_busy, .rx_pkts, .tx_pkts, .irqs_per_s (totals), and
   with several queues .q<k>.irqs and .q<k>.rx_pkts. */
int ss_nic_alloc(ss_nic **out, ss_sim *sim, const char *name, const ss_nic_spec *s, ss_iobus *bus, ss_link *link,
		 int side, char *err, size_t errlen);
/* Dropped frames go back to this pool (set it before traffic). */
void ss_nic_set_pool(ss_nic *n, ss_pktpool *pool);
void ss_nic_set_irq(ss_nic *n, void (*irq)(void *ctx), void *ctx); /* the host's hard-IRQ entry, for every queue's vector */
void ss_nic_set_queue_irq(ss_nic *n, uint32_t q, void (*irq)(void *ctx), void *ctx); /* queue q's vector */
void ss_nic_irq_enable(ss_nic *n, int on); /* NAPI masks it while polling; a cause latched while masked fires on enable */
int ss_nic_irq_enabled(const ss_nic *n);
void ss_nic_queue_irq_enable(ss_nic *n, uint32_t q, int on); /* queue q's vector; q < ss_nic_rx_queues (else fatal) */
int ss_nic_queue_irq_enabled(const ss_nic *n, uint32_t q);

/* SS_EBUSY when the tx ring is full (counted; the driver stops its queue
   and retries after a clean), SS_EINVAL when p exceeds the link MTU;
   SS_OK: the NIC owns p (it goes on to the far side). */
int ss_nic_xmit(ss_nic *n, ss_packet *p);
/* Frees the descriptors of frames sent since the last clean and returns
   how many (their datagram bytes in *bytes when not NULL). The packets
   themselves went on to the receiver, so there is nothing to free here
   but the descriptors (and the driver's skb cost, which is the host's). */
uint32_t ss_nic_tx_clean(ss_nic *n, uint64_t *bytes);
uint32_t ss_nic_tx_free(const ss_nic *n);   /* free tx descriptors */
uint32_t ss_nic_tx_done(const ss_nic *n);   /* sent and not yet cleaned */

ss_packet *ss_nic_rx_take(ss_nic *n);       /* the oldest done packet (the caller owns it), or NULL */
uint32_t ss_nic_rx_pending(const ss_nic *n);/* done packets waiting */
ss_packet *ss_nic_queue_rx_take(ss_nic *n, uint32_t q); /* the same for queue q */
uint32_t ss_nic_queue_rx_pending(const ss_nic *n, uint32_t q);
uint32_t ss_nic_rx_queues(const ss_nic *n);  /* queues the NIC runs (>= 1) */
uint32_t ss_nic_rx_queue_of(const ss_nic *n, const ss_packet *p); /* the queue p goes to: p->flow % queues */
/* A frame arrives from the wire (the link's deliver entry; tests and
   other media call it directly). */
void ss_nic_rx_frame(ss_nic *n, ss_packet *p);

const ss_nic_spec *ss_nic_spec_of(const ss_nic *n);
/* Counts in the statistics window. */
uint64_t ss_nic_irqs(const ss_nic *n);
uint64_t ss_nic_rx_drops(const ss_nic *n);
uint64_t ss_nic_tx_busy(const ss_nic *n);   /* xmit calls refused with SS_EBUSY */
uint64_t ss_nic_rx_pkts(const ss_nic *n);   /* frames DMAed to memory */
uint64_t ss_nic_tx_pkts(const ss_nic *n);   /* frames sent */
uint64_t ss_nic_latched(const ss_nic *n);   /* causes that arose while the interrupt was masked */
uint64_t ss_nic_queue_irqs(const ss_nic *n, uint32_t q);    /* queue q's vector */
uint64_t ss_nic_queue_rx_pkts(const ss_nic *n, uint32_t q); /* frames DMAed into queue q */

#endif
