/* A Linux 2.6.11-like networked host built from the platform parts: N
   processors (res/ss_cpu: process, softirq and hard-IRQ contexts, the
   /proc/stat states), an I/O bus, one NIC on a link (one or more RSS
   receive queues), a packet pool, and sockets: each a TCP engine end
   (proto/ss_tcp) with an optional IPsec SA per direction (proto/ss_ipsec). The host runs the kernel's paths and
   charges their CPU time, in the context Linux runs them in. Each path is
   a program the connection's layers build (proto/ss_layer, from the
   stack "TCP/ESP(...)/IP/ETH"), priced by the protocol cost profile
   (proto/ss_protoprof, per packet and per byte per layer) and the crypto
   cost profile (crypto/ss_profile, per IPsec work item):

   send     write(): syscall + copy in process context (system mode),
            then the engine; each segment it emits costs tcp tx + IPsec
            (layer + crypto) + ip tx + eth tx + half an skb in the context
            that made it (the write, the softirq that took an ACK, the
            timer softirq), then goes to the NIC (a full ring: the qdisc,
            txqueuelen packets, restarted when tx descriptors are cleaned).
   receive  the NIC's interrupt (a queue's vector, on its CPU) -> hard
            IRQ: irq cost, tx clean (queue 0; half an skb per packet: its free); without NAPI the driver
            takes every received frame (eth rx + skb, into the per-CPU
            backlog, netdev_max_backlog) and raises NET_RX; with NAPI it
            masks the NIC and schedules the poll. NET_RX softirq: softirq
            cost per run, polls of at most weight packets within a budget
            (netdev_budget), NAPI re-enables the interrupt when the ring is
            empty; per packet ip rx + IPsec rx (layer + crypto) + tcp rx,
            then the engine. After MAX_SOFTIRQ_RESTART runs with work
            left, the per-CPU ksoftirqd thread (nice 19, its time counted
            as softirq) runs the rest in process context, behind the
            processes. A socket owned by a process (inside a system
            call on it) queues segments on its backlog instead; the owner
            processes them (tcp rx) when it releases the socket.
   read()   syscall; segments already readable are copied; with none,
            the reader installs itself for the prequeue and sleeps: the
            softirq then leaves their TCP processing to it (tcp_prequeue)
            and it copies each one's data as it processes it; wake-up
            cost: see nethost.c.

   Execute mode: real IPv4 datagrams (header, TCP header fields, a payload
   pattern derived from the sequence number) protected and unprotected by
   the SAs; the receiver checks every payload byte. A corruption injector
   flips one bit of every Nth frame the host sends.

   Connections: ss_nethost_connect may be called again for the same two
   hosts; each call makes connection k (k = 0, 1, ...: the same index on
   both hosts), a socket with its own TCP engine, SAs, lock, backlog,
   prequeue, wait queues and one writer and one reader. Packets carry
   their connection's index (ss_packet flow): the NIC's RSS picks queue
   k % rx_queues by it and the receiver demultiplexes by it; connection
   k's TCP timers run on its queue's CPU. One transmit queue and qdisc
   per host, shared by the connections.

   Organisations (config org, platform/ss_org.h): each read or write
   pays the organisation's crossing besides the profile's syscall layer
   (then the socket layer's own code) and its per-byte move, a blocked
   caller its wake-up, each packet sent its device crossing, each packet
   received its demultiplexing in the interrupt; outside the kernel the
   NET_RX work runs in the per-processor protocol thread (ksoftirqd's
   loop at normal priority, user mode), notified by the interrupt only
   when it sleeps, and there is no prequeue. A programmed-I/O NIC
   (pio_*_ns) costs the processor per byte of each frame it moves. */
#ifndef SS_NETHOST_H
#define SS_NETHOST_H

#include <stddef.h>
#include <stdint.h>

#include "ss_cpu.h"
#include "ss_crypto.h"
#include "ss_ipsec.h"
#include "ss_link.h"
#include "ss_nic.h"
#include "ss_org.h"
#include "ss_packet.h"
#include "ss_profile.h"
#include "ss_protoprof.h"
#include "ss_sim.h"
#include "ss_tcp.h"

typedef struct ss_nethost_config {
	const char *name;           /* "snd": pool "snd.cpu", NIC "nic.snd", bus "snd.iobus"; at most 24 characters */
	int processors;             /* >= 1 */
	ss_nic_spec nic;            /* the NIC (a preset, ss_nic_spec_load) */
	ss_time irq_min_interval;   /* interrupt moderation; < 0: the NIC spec's */
	const char *iobus;          /* I/O bus preset (ss_iobus_presets) */
	const ss_protoprof *proto;  /* protocol costs (borrowed: outlives the host) */
	const ss_profile *crypto;   /* crypto costs (borrowed; may be NULL without IPsec) */
	ss_pktpool *pool;           /* packets (borrowed; shared with the peer) */
	ss_link *link;              /* the NIC's link (borrowed) */
	int side;                   /* its side, 0 or 1 */
	uint32_t rx_queues;         /* receive queues with RSS (0 or 1: one), at most the NIC spec's rx_queues; queue q's vector on CPU q % processors */
	int napi;                   /* 1: NAPI driver (interrupt masked while polling) */
	uint32_t napi_weight;       /* packets per poll: 64 (e1000 netdev->weight, Linux 2.6.11) */
	uint32_t netdev_budget;     /* packets per NET_RX run: 300 (net/core/dev.c netdev_budget) */
	uint32_t max_backlog;       /* per-CPU backlog without NAPI: 300 (netdev_max_backlog) */
	uint32_t txqueuelen;        /* qdisc packets: 1000 (ether_setup tx_queue_len) */
	ss_time ctx_switch;         /* processor pool context switch, charged between process-level threads only (0 by default: netperf runs one process per host) */
	const ss_org *org;          /* the protocol organisation (borrowed): NULL, Linux 2.6.11's kernel paths as above;
				       else its crossings are charged and, outside the kernel, inbound protocol work runs
				       in a process-level protocol thread per processor (ss_org.h). Needs napi 0 */
	int execute;                /* 1: real datagrams, protected and verified */
	ss_crypto *exec_crypto;     /* execute mode with IPsec: the crypto context (borrowed) */
	uint64_t corrupt_every;     /* execute mode: flip a bit of every Nth frame sent (0: never) */
} ss_nethost_config;

/* Linux 2.6.11 defaults for the fields above that have them (weight,
   budget, backlog, txqueuelen), moderation from the NIC (-1), no NAPI,
   one processor; the caller fills name, nic, iobus, proto, crypto,
   pool, link and side. */
void ss_nethost_config_default(ss_nethost_config *c);

typedef struct ss_nethost ss_nethost;

/* Builds the host on sim: its pool, bus and NIC are simulator resources;
   the host itself is the caller's (free it before the simulator).
   SS_EINVAL with a message for a bad config, SS_ENOENT (unknown bus
   preset), SS_ENOMEM. */
int ss_nethost_alloc(ss_nethost **out, ss_sim *sim, const ss_nethost_config *c, char *err, size_t errlen);
void ss_nethost_free(ss_nethost *h); /* its TCP end and SAs too; NULL is a no-op */

/* The MSS of a connection under IPsec configuration ipsec (NULL: plain
   IP) over a link of `mtu`: the largest transport segment
   (ss_ipsec_max_segment) less the 20-byte TCP header; options are the
   engine's. SS_EINVAL (message) for a bad configuration. */
int ss_nethost_mss(const ss_ipsec_config *ipsec, uint32_t mtu, uint32_t *mss, char *err, size_t errlen);

/* Makes connection k = ss_nethost_conns(a) of a and b (established at
   once; a and b must have the same number of connections). ipsec NULL: plain IP; otherwise an SA per direction on both
   hosts (execute mode: with their crypto contexts). tcp NULL:
   ss_tcp_config_linux2611 with the MSS above and `tuned`; else tcp is
   used for both ends as it is. SS_EINVAL (message): a bad configuration,
   an algorithm a host's crypto profile has no cost for, hosts with
   different numbers of connections; SS_ENOMEM, SS_ECRYPTO. */
int ss_nethost_connect(ss_nethost *a, ss_nethost *b, const ss_ipsec_config *ipsec, const ss_tcp_config *tcp,
		       int tuned, char *err, size_t errlen);

/* The same from a stack string, top layer first, as the layer grammar
   (proto/ss_layer.h) reads it: "TCP/IP/ETH", "TCP/ESP(AES128,SHA1)/IP/ETH",
   "TCP/ESP(3DES,tunnel)/AH(SHA1,tunnel)/IP/ETH". The host runs TCP, ESP,
   AH, IP and ETH layers: at most one ESP above at most one AH, both in
   the same mode. SS_EINVAL with what is wrong, else as connect. */
int ss_nethost_connect_stack(ss_nethost *a, ss_nethost *b, const char *stack, const ss_tcp_config *tcp, int tuned,
			     char *err, size_t errlen);
/* A raw connection (the mechanisms alone, Thekkath et al.'s Table 1):
   no TCP or IP. Each write is one frame of its bytes (at most the
   MTU) on the link layer, built in place in the buffers the host's
   organisation shares with its device path: the write costs the
   organisation's crossing (no socket layer, no copy), then the send
   path's link layer, the driver and the device crossing. Each read
   takes one frame in place. The receiver has `buffers` frame buffers;
   a writer blocks while all hold frames its peer has not read (the
   buffer's return is free and instant: ASSUMPTION, the sender learns
   of it out of band). Not in execute mode; no ss_nethost_open on it.
   SS_EINVAL (message), SS_ENOMEM. */
int ss_nethost_connect_raw(ss_nethost *a, ss_nethost *b, uint32_t buffers, char *err, size_t errlen);
/* Connection 0's stack in the grammar's canonical text ("" before
   connect); the length needed, as snprintf. */
size_t ss_nethost_stack_text(const ss_nethost *h, char *buf, size_t len);

/* System calls, made by a process-level thread t that holds a processor
   of h's pool (ss_cpu_acquire on ss_nethost_cpu(h)) on connection conn
   (0 .. ss_nethost_conns(h) - 1); k(sim, ctx, bytes) runs when the call
   returns, t still holding a processor. One write and one read at a
   time per connection.
   send: writes `bytes` (> 0), blocking while the send buffer is full
         (woken as Linux's sk_stream_write_space: free space at least
         half of what is queued); k gets `bytes`.
   recv: waits until data is readable, then reads up to `max` (> 0); k
         gets the bytes read. */
void ss_nethost_send(ss_nethost *h, int conn, ss_thread *t, uint32_t bytes, ss_handler k, void *ctx);
void ss_nethost_recv(ss_nethost *h, int conn, ss_thread *t, uint32_t max, ss_handler k, void *ctx);

/* Connection set-up (Thekkath et al.'s Table 4): an active open by t
   (holding a processor of h) on connection conn, as connect() with the
   peer already listening: the call's crossing and the organisation's
   set-up work, a SYN, the peer's SYN-ACK (its listening work), then the
   completion; k(sim, ctx, 0) runs when connect returns, and the ACK
   goes out after. The TCP engines are not involved (they start
   established): the set-up segments (44, 44 and 40 bytes) go through
   both hosts' send and receive paths and carry the organisation's
   set-up costs (setup_* in ss_org.h; none without an organisation).
   One open at a time per connection, and not during a write. */
void ss_nethost_open(ss_nethost *h, int conn, ss_thread *t, ss_handler k, void *ctx);

ss_cpu_pool *ss_nethost_cpu(const ss_nethost *h);
ss_nic *ss_nethost_nic(const ss_nethost *h);
int ss_nethost_conns(const ss_nethost *h);           /* connections made */
ss_tcp *ss_nethost_conn_tcp(const ss_nethost *h, int conn); /* NULL: no such connection, or a raw one */
int ss_nethost_conn_cpu(const ss_nethost *h, int conn);     /* the CPU of its receive queue and timers, -1: none */
/* Connection 0's (the single stream's): */
ss_tcp *ss_nethost_tcp(const ss_nethost *h);         /* NULL before connect */
const ss_ipsec_sa *ss_nethost_sa_out(const ss_nethost *h); /* NULL: plain IP */
const ss_ipsec_sa *ss_nethost_sa_in(const ss_nethost *h);
uint32_t ss_nethost_mss_of(const ss_nethost *h);     /* its MSS, 0 before connect */
const char *ss_nethost_name(const ss_nethost *h);

/* Counts in the statistics window (ss_nethost_stats_reset starts one). */
typedef struct ss_nethost_stats {
	uint64_t irqs;             /* hard-IRQ handler runs */
	uint64_t softirq_runs;     /* NET_RX (and timer) softirq runs, in ksoftirqd too */
	uint64_t softirq_deferred; /* softirq do_softirq calls that hit MAX_SOFTIRQ_RESTART with work left: ksoftirqd woken for it */
	uint64_t ksoftirqd_runs;   /* NET_RX runs in ksoftirqd (an organisation outside the kernel: in its protocol thread) */
	uint64_t notifies;         /* an organisation outside the kernel: wake-ups of its sleeping protocol thread by the interrupt */
	uint64_t polls;            /* NAPI polls (or backlog polls without NAPI) */
	uint64_t rx_pkts;          /* packets taken from the NIC ring */
	uint64_t tx_pkts;          /* packets handed to the NIC */
	uint64_t tx_cleaned;       /* tx descriptors cleaned */
	uint64_t backlog_drops;    /* netif_rx drops: the per-CPU backlog was full */
	uint64_t qdisc_drops;      /* the qdisc was full */
	uint64_t qdisc_queued;     /* packets that waited in the qdisc */
	uint64_t sock_backlogged;  /* segments queued on the owned socket's backlog */
	uint64_t prequeued;        /* segments queued for an installed reader (tcp_prequeue) */
	uint64_t prequeue_processed; /* of them, processed by the reader in process context */
	uint64_t prequeue_dropped; /* of them, processed by the softirq when the prequeue passed rcvbuf (TCPPREQUEUEDROPPED) */
	uint64_t syscalls;         /* write and read calls */
	uint64_t opens;            /* active opens (ss_nethost_open) returned */
	double open_out_s;         /* of them, seconds from the call to the SYN handed to the device */
	double open_rtt_s;         /* from there to the wake-up by the SYN-ACK */
	double open_done_s;        /* from there to the return (the completion's work) */
	uint64_t opens_passive;    /* SYNs answered as the listening side */
	uint64_t wakeups;          /* blocked readers and writers woken */
	uint64_t auth_failures;    /* IPsec: ICV or padding check failed (dropped) */
	uint64_t replay_drops;     /* IPsec: outside the anti-replay window */
	uint64_t payload_errors;   /* execute mode: a payload byte differed (dropped, as a bad checksum) */
	uint64_t bytes_verified;   /* execute mode: payload bytes checked and right */
	uint64_t corrupted;        /* frames the injector corrupted */
	double proto_s;            /* processor-seconds charged for protocol work */
	double crypto_s;           /* processor-seconds charged for crypto */
} ss_nethost_stats;
void ss_nethost_stats_get(const ss_nethost *h, ss_nethost_stats *s);
void ss_nethost_stats_reset(ss_nethost *h);

#endif
