/* Packets as objects: an IP datagram with its per-layer header sizes, the
   TCP header fields a protocol engine needs, and (execute mode) its bytes.
   Packets come from a per-model pool (no global state) that keeps a free
   list and counts the live ones, so a test can check that none leak.
   ss_pktq is a FIFO of packets (rings, socket queues, backlogs). */
#ifndef SS_PACKET_H
#define SS_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "ss_time.h"

/* TCP flags (RFC 793 bit values). */
#define SS_TCP_FIN 0x01u
#define SS_TCP_SYN 0x02u
#define SS_TCP_RST 0x04u
#define SS_TCP_PSH 0x08u
#define SS_TCP_ACK 0x10u

typedef struct ss_packet {
	struct ss_packet *next;      /* queue link (ring, socket, backlog); owned by whoever holds the packet */
	uint32_t len;                /* bytes of the IP datagram (headers + payload) */
	uint32_t payload;            /* transport payload bytes (application data) */
	uint32_t hdr_l4, hdr_sec, hdr_l3; /* header bytes per layer: TCP + options, IPsec incl. IV/pad/ICV, IP (+ outer IP) */
	/* TCP header */
	uint32_t seq, ack, wnd;      /* wnd already scaled: bytes */
	uint8_t flags;               /* SS_TCP_SYN, _ACK, _FIN, _RST, _PSH */
	uint8_t opt_bytes;           /* TCP option bytes (timestamps 12, SACK blocks ...) */
	uint32_t tsval, tsecr;       /* timestamps option, when on */
	uint32_t sack[4][2];         /* SACK blocks carried: [left, right) */
	uint8_t nsack;
	uint32_t ipsec_seq;          /* ESP/AH sequence number */
	uint32_t flow;               /* the connection's index (the sending host sets it): the NIC's RSS queue choice and the receiver's demultiplexing */
	uint64_t id;                 /* unique per pool (1, 2, ...), for traces */
	ss_time stamp;               /* when created (set by the creator: the pool has no clock) */
	unsigned char *data;         /* execute mode: the bytes (len of them), else NULL */
	size_t cap;                  /* bytes data can hold */
	int corrupt;                 /* execute mode: flipped in flight (test) */
	uint8_t ctl;                 /* a connection set-up segment (SYN, SYN-ACK, ACK) the hosts handle themselves: no TCP engine sees it */
	ss_time tx_extra;            /* set-up work the sending context charges with this packet's send path */
} ss_packet;

typedef struct ss_pktpool ss_pktpool;

/* A pool whose packets carry a byte buffer of data_cap bytes (0: none,
   data stays NULL). SS_OK or SS_ENOMEM. */
int ss_pktpool_alloc(ss_pktpool **out, size_t data_cap);
/* Frees the pool and every packet it made, live ones included (packets
   still queued somewhere become invalid). NULL is a no-op. */
void ss_pktpool_free(ss_pktpool *pool);

/* A packet with every header field zero, next NULL, a fresh id and a
   buffer of the pool's data_cap (contents unspecified). NULL when out of
   memory. */
ss_packet *ss_pktpool_get(ss_pktpool *pool);
/* Returns p (NULL: no-op) to the free list. Putting a packet twice, or
   one of another pool, is a broken invariant (fatal). */
void ss_pktpool_put(ss_pktpool *pool, ss_packet *p);
/* Puts every packet of a next-linked list. */
void ss_pktpool_put_list(ss_pktpool *pool, ss_packet *list);
/* Grows p's buffer to hold at least n bytes (execute mode). SS_OK or
   SS_ENOMEM (p unchanged). */
int ss_pktpool_reserve(ss_pktpool *pool, ss_packet *p, size_t n);

size_t ss_pktpool_live(const ss_pktpool *pool);     /* got and not yet put */
uint64_t ss_pktpool_created(const ss_pktpool *pool); /* packets handed out so far (= the last id) */

/* A FIFO of packets with its length and byte count (sum of len).
   Caller-owned; it does not own the packets. */
typedef struct ss_pktq {
	ss_packet *head, *tail;
	size_t n;
	uint64_t bytes;
} ss_pktq;

void ss_pktq_init(ss_pktq *q);
void ss_pktq_push(ss_pktq *q, ss_packet *p);       /* p->next is overwritten */
ss_packet *ss_pktq_pop(ss_pktq *q);                 /* NULL when empty */
/* Takes every packet: returns the next-linked list (NULL when empty). */
ss_packet *ss_pktq_take_all(ss_pktq *q);
static inline ss_packet *ss_pktq_peek(const ss_pktq *q) { return q->head; }
static inline size_t ss_pktq_len(const ss_pktq *q) { return q->n; }
static inline uint64_t ss_pktq_bytes(const ss_pktq *q) { return q->bytes; }

#endif
