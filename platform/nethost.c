/* A Linux 2.6.11-like host (ss_nethost.h): the kernel's send, receive and
   interrupt paths as state machines over execution contexts of the
   processor pool. Each context (a hard IRQ, a NET_RX softirq, a system
   call) runs one compute at a time; when it ends, the context's next
   step runs. The TCP engine is called synchronously from the running
   context; the segments it emits are queued on that context and charged
   there, one compute each, before the context goes on.

   Where the kernel's work runs (Linux 2.6.11):
   - e1000 without NAPI (drivers/net/e1000/e1000_main.c e1000_intr) cleans
     tx descriptors and takes received frames in the hard IRQ handler,
     passing each to netif_rx (the per-CPU backlog, netdev_max_backlog,
     net/core/dev.c); with NAPI (CONFIG_E1000_NAPI) the handler masks the
     NIC and schedules the poll (e1000_clean), which cleans tx and takes
     frames in the NET_RX softirq. So the driver's rx work (eth rx, skb)
     is charged in the IRQ without NAPI, in the softirq with NAPI.
   - net_rx_action (net/core/dev.c): a budget of netdev_budget packets per
     run, each poll at most its weight (the backlog device's weight_p 64,
     the e1000's 64), and no new poll once `jiffies - start_time > 1`;
     work left raises NET_RX again (a new run, its entry cost again).
     Jiffies are counted from simulated time 0 at HZ = 1000 (2.6.11's
     i386 default; ASSUMPTION: the tick's phase is 0).
   - __do_softirq (kernel/softirq.c) restarts while softirqs are pending,
     MAX_SOFTIRQ_RESTART = 10 passes in all, then wakes the CPU's
     ksoftirqd (wakeup_softirqd) and returns: the rest runs there. Here a
     pass is one NET_RX run (the timer softirq's output is sent within
     the pass that finds it). ksoftirqd is a kernel thread at nice 19
     bound to its CPU (a LOW-priority process-level thread, res/ss_cpu.h),
     whose time is softirq time (SS_CPU_MODE_SOFTIRQ); it loops on
     `while (local_softirq_pending()) { do_softirq(); cond_resched(); }`,
     each do_softirq again at most 10 passes, and sleeps when nothing is
     pending. The reader (nice 0) runs before it, and it yields at
     cond_resched to a process that waits (ss_cpu_yield). irq_exit runs
     pending softirqs unless in_interrupt() (do_softirq), also while
     ksoftirqd is awake: a softirq raised by a hard IRQ or a timer runs in
     softirq context unless ksoftirqd is inside do_softirq (its
     local_bh_disable makes in_interrupt() true), in which case ksoftirqd
     finds the work. The periodic timer interrupt is not modelled: in
     2.6.11 each tick's irq_exit would also run pending NET_RX work
     while ksoftirqd waits for its processor (ASSUMPTION: only the
     interrupts the model has, the NIC's and TCP's timers, do so here).
   - tcp_v4_rcv: a socket owned by a process (lock_sock) gets the segment
     on its backlog (sk_add_backlog); release_sock runs tcp_v4_do_rcv on
     each in the owner's context.
   - tcp_prequeue (net/ipv4/tcp_ipv4.c, tcp_recvmsg in net/ipv4/tcp.c):
     a reader that found nothing to read installs itself (ucopy.task)
     before it sleeps in sk_wait_data; while it is installed and the
     socket is not owned, the softirq only queues segments on the
     prequeue (their TCP processing is the reader's), waking the reader
     at the first. The reader, back on its processor, runs tcp_v4_do_rcv
     on each in process context, copying the data straight to its buffer
     (tcp_rcv_established's direct copy), so its ACKs leave as the data
     is consumed. When the prequeue's memory (skb truesize) passes the
     receive buffer the softirq processes the whole prequeue itself
     (TCPPREQUEUEDROPPED). The delayed-ACK timer tcp_prequeue re-arms at
     3/4 TCP_RTO_MIN is not modelled (ASSUMPTION: the reader runs well
     within 150 ms in every scenario of the model).
   - TCP's timers (delayed ACK, retransmission) run in the timer softirq
     of the CPU that takes the connection's receive queue (ASSUMPTION: a
     connection's timers are armed on the CPU that processes its
     segments, as mod_timer from the softirq does).
   - With one receive queue the NIC's interrupt goes to CPU 0
     (ASSUMPTION: one NIC has one IRQ line; without irqbalance, Linux
     2.6.11's default affinity delivers it to the first CPU on the boot
     processor's APIC). With RSS (rx_queues > 1, MSI-X: one vector per
     queue) queue q's vector is bound to CPU q % processors
     (ASSUMPTION: the 1:1 map of Intel's set_irq_affinity script, each
     vector to its own CPU); its NAPI poll runs in that CPU's NET_RX.
     Connection k's segments come to queue k % rx_queues (ss_nic.h). A
     CPU with several scheduled queues polls them round robin (a queue
     that used its quota goes to the poll list's tail, net_rx_action).
     One transmit queue and one qdisc per device (Linux 2.6.11 had no
     multiqueue transmit); its completions are cleaned in queue 0's
     handler or poll.
   - Socket buffers: alloc_skb + kfree_skb is one profile cost (skb). A
     sent packet's is split between its allocation in the sending context
     and its free in the tx clean (ASSUMPTION: alloc and free cost the
     same); a received packet's is charged whole with the driver's rx
     work (the refill allocates, the consumer frees).
   - A wake-up (try_to_wake_up in the waker, schedule() in the woken)
     costs one system call's entry and exit, the profile's syscall layer,
     charged to the woken process in system mode (ASSUMPTION: no figure
     for it was found; it is of the same kind of work, a kernel entry with
     a scheduler pass). */
#include "ss_nethost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ss_err.h"
#include "ss_grow.h"
#include "ss_iobus.h"
#include "ss_layer.h"
#include "ss_prog.h"
#include "ss_wait.h"

enum { XK_IRQ, XK_SOFTIRQ, XK_KSOFTIRQD, XK_PROC };

/* kernel/softirq.c (2.6.11): #define MAX_SOFTIRQ_RESTART 10 */
enum { MAX_SOFTIRQ_RESTART = 10 };
/* include/asm-i386/param.h (2.6.11): HZ 1000; a jiffy in ps. */
static const ss_time JIFFY = 1000000000;

/* ksoftirqd's states. */
enum { KSD_SLEEP, KSD_QUEUED, KSD_RUN };

/* Steps: what a context does when its compute ends. */
enum {
	S_NONE,
	S_XMIT,        /* the packet in hand was charged: to the NIC, then the next output */
	S_IRQ_END,     /* hard IRQ handler done */
	S_SI_NEXT,     /* softirq: timer output, the next poll, or done */
	S_SI_PKT,      /* softirq: the next packet of the poll */
	S_SI_DELIVER,  /* softirq: the packet was charged: to TCP or the socket backlog */
	S_SI_TCP,      /* softirq: tcp rx of a packet charged after the socket was released */
	S_KSD_LOOP,    /* ksoftirqd: (back) on its processor: do_softirq or sleep */
	S_P_ENTER,     /* process: syscall entry charged: lock the socket */
	S_P_BACKLOG,   /* process (release_sock): the next backlog segment */
	S_P_BACKLOG_TCP, /* process: its tcp rx charged: to the engine */
	S_P_WOKEN,     /* process: wake-up charged: lock the socket again */
	S_W_COPY,      /* write: copy what fits */
	S_W_WRITE,     /* write: copied: to the engine */
	S_W_SLEEP,     /* write: released with no space: sleep unless space came */
	S_R_CHECK,     /* read: data? */
	S_R_READ,      /* read: copied: to the engine */
	S_R_DONE,      /* read: outputs sent: release */
	S_R_SLEEP,     /* read: released with nothing to read */
	S_R_PQ_TCP,    /* read: a prequeued segment's tcp rx charged: to the engine */
	S_R_DIRECT,    /* read: the direct copy charged: the outputs */
	S_R_RELOCK,    /* read: released (backlog done): lock the socket again */
	S_R_EXIT,      /* read: leaving: the prequeue left, then done */
	S_SI_PQ,       /* softirq: the next segment of a prequeue it drains (overflow) */
	S_SI_PQ_TCP,   /* softirq: its tcp rx charged: to the engine */
	S_P_DONE,      /* process: return to the caller */
	S_O_SYN,       /* open: the connect's work charged: the SYN out */
	S_O_WAIT       /* open: the SYN sent: wait for the SYN-ACK */
};

typedef struct xctx xctx;
typedef struct nsock nsock;

/* What the softirq found when it took a packet. */
enum { OWN_FREE, OWN_OWNED, OWN_PREQUEUE };
typedef struct percpu percpu;

struct xctx {
	ss_nethost *h;
	nsock *c;            /* process: its socket; softirq: the packet in hand's */
	ss_thread *t;       /* the thread of this context */
	int kind;
	int step;
	int after;          /* flush: the step after the last output */
	ss_pktq out;        /* engine output waiting for its tx cost */
	ss_packet *pkt;     /* packet in hand */
	percpu *pc;         /* IRQ and softirq: their processor's state */
	/* process context (system call) */
	int busy;           /* a call is under way */
	int is_write;
	int sleeping;       /* blocked on the socket's wait queue */
	int after_rel;      /* release_sock: the step after the backlog */
	int after_lock;     /* lock_sock: the step once owned */
	int resume;         /* the step after a wake-up (through lock_sock) */
	uint32_t want;      /* write: bytes asked; read: most bytes to read */
	uint32_t left;      /* write: bytes not yet taken */
	uint32_t n;         /* bytes being copied */
	uint32_t got;       /* read: bytes read */
	ss_handler k;
	void *kctx;
	/* softirq */
	int own;            /* OWN_*: the socket's state when the packet's processing began */
	uint32_t direct;    /* read: bytes the last segment gave by direct copy */
	int after_copy;     /* read: the step after the direct copy's charge */
	int after_pq;       /* read: the step after a prequeued segment */
	ss_pktq drain;      /* softirq: a prequeue it processes itself (overflow) */
	int passes;         /* softirq and ksoftirqd: NET_RX runs in this do_softirq */
};

/* A receive queue of the NIC as the driver sees it: its vector's
   processor and NAPI state. */
typedef struct hq {
	ss_nethost *h;
	uint32_t q;
	percpu *pc;
	int irq_pending;    /* the vector fired while its CPU's handler ran */
	int napi_sched;     /* on its CPU's poll list */
} hq;

/* A processor's kernel state: its hard-IRQ and softirq threads, the
   softnet backlog and the NAPI poll list (napi_n queues scheduled). */
struct percpu {
	int cpu;
	ss_thread irq_th, si_th, ksd_th;
	xctx irqx, six, ksdx;
	int irq_busy;
	hq *irq_q;          /* the vector whose handler runs */
	hq *poll;           /* the queue being polled */
	uint32_t rr;        /* the poll list's head: the next of this CPU's queues to try */
	int si_running;
	int ksd;            /* ksoftirqd: KSD_* */
	uint32_t budget, quota, taken;
	ss_time run_start;  /* the current NET_RX run's start */
	ss_pktq backlog;    /* netif_rx's per-CPU input queue (without NAPI) */
	ss_pktq timer_out;  /* segments the TCP timers emitted, for the timer softirq */
	int napi_n;         /* queues on this CPU's poll list */
};

struct ss_nethost {
	ss_sim *sim;
	char name[32];
	ss_nethost_config cfg;
	ss_cpu_pool *cpu;
	ss_iobus *bus;
	ss_nic *nic;
	percpu *pcs;
	int ncpu;
	hq *hqs;            /* the NIC's receive queues */
	uint32_t nq;
	uint32_t mtu;
	nsock **conns;       /* the sockets, by index (= the packets' flow) */
	size_t nconn, conn_cap;
	xctx *cur;          /* the context inside an engine call, or NULL (a timer) */
	/* device queue */
	ss_pktq qdisc;
	uint64_t tx_pending;  /* segments the engine output whose tx cost is not yet charged (not yet at the qdisc) */
	uint64_t sent_frames; /* for the corruption injector */
	/* cached costs, ps */
	ss_time c_irq, c_softirq, c_skb_alloc_tx, c_skb_free_tx, c_skb_rx, c_syscall;
	ss_time c_call, c_wake;   /* a read or write's entry, a blocked caller's wake-up (the organisation's or the syscall's) */
	ss_time c_call_raw;       /* a raw connection's read or write: the organisation's crossing alone (no socket layer) */
	int uthread;              /* inbound protocol work runs in a process-level protocol thread (an organisation outside the kernel) */
	ss_nethost_stats st;
	double proto_ps, crypto_ps;
};

/* A socket: one TCP connection with its SAs, lock, backlog, prequeue,
   wait queues and the contexts of its writer and reader. */
struct nsock {
	ss_nethost *h;
	uint32_t idx;
	percpu *pc;         /* its receive queue's processor: its timers' softirq */
	ss_tcp *tcp;
	uint32_t mss, sndbuf;
	ss_ipsec_sa *sa_out, *sa_in;
	int ipsec_tunnel;
	ss_layer_stack *stack; /* the connection's layers, top first */
	struct pcost *pcs_tab; /* path costs built from the stack, by path and size */
	size_t pcs_cap, pcs_n;
	int owned;          /* a process holds the socket (lock_sock) */
	ss_pktq sock_backlog;
	int ucopy;          /* a reader is installed (tp->ucopy.task) */
	ss_pktq prequeue;   /* tp->ucopy.prequeue */
	uint64_t pq_mem;    /* its skbs' truesize (tp->ucopy.memory) */
	uint32_t rcvbuf;    /* sk_rcvbuf, bytes */
	ss_waitq wq_read, wq_write, wq_lock;
	ss_waitq wq_open;   /* an active open waiting for its SYN-ACK */
	int open_done;      /* the SYN-ACK of the open under way has come */
	int opening;        /* an open is under way */
	ss_time open_t[3];  /* its call, its SYN handed to the device, its SYN-ACK's wake-up */
	/* A raw connection (ss_nethost_connect_raw): no TCP engine. */
	int raw;
	ss_pktq raw_q;      /* frames received, not yet read */
	uint32_t credit;    /* frames this end may still send: the peer's free receive buffers */
	struct nsock *peer; /* the other end */
	xctx wr, rd;
};

static void run(xctx *x);
static void r_exit(xctx *x);
static void r_prequeue(xctx *x, int next);

/* ---- costs ---- */

static ss_time pp(const ss_nethost *h, int layer, int dir, uint32_t bytes)
{
	return ss_protoprof_cost(h->cfg.proto, layer, dir, bytes);
}

/* The connection a packet belongs to (its flow). */
static nsock *conn_of(const ss_nethost *h, const ss_packet *p)
{
	if (p->flow >= h->nconn)
		ss_fatal(SS_LOC, "host %s: a packet of flow %u, the host has %zu connections", h->name, p->flow, h->nconn);
	return h->conns[p->flow];
}

/* ---- paths as layer programs ----

   A path is the work one packet costs in one place: the send path (every
   layer of the stack, top down, then the driver's skb and copy), the
   driver's receive part (the link layer, the skb, a copying driver's
   copy), the network part (IP and IPsec, bottom up) and the transport.
   Each is a program the stack's layer types build (ss_layer_build) from
   the protocol profile's per-packet and per-byte cost of each layer at
   the bytes it handles, and the crypto profile's price of the SA's work
   items; the host charges a program's compute as one burst in the
   context that runs the path (its programs have only compute steps: the
   bus crossings are the NIC's DMA). Programs depend only on the sizes,
   so each (path, sizes) is built once and its times kept. */

enum { PATH_TX, PATH_RX_DRIVER, PATH_RX_NET, PATH_RX_TCP };
enum { TAG_PROTO = 0, TAG_CRYPTO = 1 };

typedef struct pcost {
	uint64_t key; /* 0: empty slot */
	ss_time proto, crypto;
} pcost;

static uint64_t pcost_key(int path, uint32_t n, uint32_t len)
{
	return (UINT64_C(1) << 63) | (uint64_t)path << 60 | (uint64_t)(len & 0x3fffffff) << 30 | (n & 0x3fffffff);
}

static size_t pcost_slot(const pcost *tab, size_t cap, uint64_t key)
{
	size_t i = (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (cap - 1);
	while (tab[i].key && tab[i].key != key)
		i = (i + 1) & (cap - 1);
	return i;
}

static int path_has(int path, ss_layer_role r)
{
	switch (path) {
	case PATH_TX:
		return 1;
	case PATH_RX_DRIVER:
		return r == SS_LAYER_LINK;
	case PATH_RX_NET:
		return r == SS_LAYER_NETWORK || r == SS_LAYER_IPSEC;
	default:
		return r == SS_LAYER_TRANSPORT;
	}
}

/* Builds path's program for a transport segment of n bytes in a
   datagram of len bytes; returns its protocol and crypto times. */
static void path_build(const nsock *cn, int path, uint32_t n, uint32_t len, ss_time *proto, ss_time *crypto)
{
	const ss_nethost *h = cn->h;
	int dir = path == PATH_TX ? SS_PP_TX : SS_PP_RX;
	const ss_ipsec_sa *sa = dir == SS_PP_TX ? cn->sa_out : cn->sa_in;
	uint32_t prot = n + (cn->ipsec_tunnel ? 20u : 0u); /* what the transforms cover */
	ss_ipsec_work w[3];
	size_t nw = sa && path != PATH_RX_DRIVER ? ss_ipsec_work_get(sa, n, w) : 0;
	ss_prog *g;
	char err[256];
	if (ss_prog_alloc(&g) != SS_OK)
		ss_fatal(SS_LOC, "host %s: out of memory for a path program", h->name);
	/* A raw connection has no layer stack (the grammar wants a network
	   layer): its frames cost the link layer alone. */
	if (cn->raw && path != PATH_RX_NET && path != PATH_RX_TCP)
		ss_prog_compute(g, pp(h, SS_PP_ETH, dir, len), TAG_PROTO, "ETH");
	size_t nl = cn->raw ? 0 : ss_layer_stack_len(cn->stack);
	for (size_t k = 0; k < nl; k++) {
		const ss_layer *l = ss_layer_stack_at(cn->stack, dir == SS_PP_TX ? k : nl - 1 - k);
		const ss_layer_type *t = ss_layer_type_of(l);
		if (!path_has(path, t->role))
			continue;
		ss_layer_costs c;
		ss_layer_costs_init(&c);
		c.tag = TAG_PROTO;
		c.crypto_tag = TAG_CRYPTO;
		c.cap = 1;
		int ppl;
		uint32_t bytes = len;
		switch (t->role) {
		case SS_LAYER_TRANSPORT:
			ppl = SS_PP_TCP;
			bytes = n;
			break;
		case SS_LAYER_IPSEC: {
			int esp = t == &ss_layer_esp;
			ppl = esp ? SS_PP_ESP : SS_PP_AH;
			bytes = prot;
			ss_time cr = 0;
			for (size_t i = 0; i < nw; i++) {
				if ((strncmp(w[i].what, "esp-", 4) == 0) != esp)
					continue;
				ss_time tc = 0;
				if (ss_profile_cost(h->cfg.crypto, w[i].alg, w[i].bytes, &tc) != SS_OK)
					ss_fatal(SS_LOC, "host %s: no cost for %s (checked at connect)", h->name, w[i].alg->name);
				cr += tc;
			}
			c.crypto_us = ss_time_to_us(cr);
			break;
		}
		case SS_LAYER_NETWORK:
			ppl = SS_PP_IP;
			break;
		default:
			ppl = SS_PP_ETH;
			break;
		}
		c.us = ss_time_to_us(pp(h, ppl, dir, bytes));
		if (ss_layer_build(l, &c, g, err, sizeof err) != SS_OK)
			ss_fatal(SS_LOC, "host %s: %s", h->name, err);
	}
	/* The driver's own steps: the skb (half of it on send: its free is
	   the tx clean's), and a copying driver's bounce buffer. */
	const ss_org *org = h->cfg.org;
	/* A programmed-I/O card's frame moves through the processor. */
	double pio_ns = path == PATH_TX ? h->cfg.nic.pio_tx_ns : h->cfg.nic.pio_rx_ns;
	ss_time pio = ss_time_from_us(pio_ns * (double)(len + 14) * 1e-3);
	if (path == PATH_TX) {
		ss_prog_compute(g, h->c_skb_alloc_tx, TAG_PROTO, "skb alloc");
		if (h->cfg.nic.tx_copy) /* 8139too */
			ss_prog_compute(g, pp(h, SS_PP_COPY, SS_PP_TX, len + 14), TAG_PROTO, "driver copy");
		if (pio)
			ss_prog_compute(g, pio, TAG_PROTO, "programmed I/O");
		if (org && org->dev_tx)
			ss_prog_compute(g, org->dev_tx, TAG_PROTO, "device crossing");
	} else if (path == PATH_RX_DRIVER) {
		ss_prog_compute(g, h->c_skb_rx, TAG_PROTO, "skb");
		if (h->cfg.nic.rx_copy)
			ss_prog_compute(g, pp(h, SS_PP_COPY, SS_PP_RX, len + 14), TAG_PROTO, "driver copy");
		if (pio)
			ss_prog_compute(g, pio, TAG_PROTO, "programmed I/O");
		ss_time dm = !org ? 0 : h->cfg.nic.hw_demux ? org->demux_hw : org->demux_sw;
		if (dm)
			ss_prog_compute(g, dm, TAG_PROTO, "demultiplexing");
	}
	if (ss_prog_status(g) != SS_OK)
		ss_fatal(SS_LOC, "host %s: out of memory for a path program", h->name);
	*proto = ss_prog_compute_tag(g, TAG_PROTO);
	*crypto = ss_prog_compute_tag(g, TAG_CRYPTO);
	ss_prog_free(g);
}

/* path's times for these sizes, built on first use. */
static ss_time path_cost(nsock *h, int path, uint32_t n, uint32_t len, ss_time *crypto)
{
	uint64_t key = pcost_key(path, n, len);
	if (h->pcs_cap) {
		pcost *e = &h->pcs_tab[pcost_slot(h->pcs_tab, h->pcs_cap, key)];
		if (e->key == key) {
			*crypto = e->crypto;
			return e->proto;
		}
	}
	if (2 * (h->pcs_n + 1) > h->pcs_cap) {
		size_t cap = h->pcs_cap ? 2 * h->pcs_cap : 64;
		pcost *tab = calloc(cap, sizeof *tab);
		if (!tab)
			ss_fatal(SS_LOC, "host %s: out of memory for path costs", h->h->name);
		for (size_t i = 0; i < h->pcs_cap; i++)
			if (h->pcs_tab[i].key)
				tab[pcost_slot(tab, cap, h->pcs_tab[i].key)] = h->pcs_tab[i];
		free(h->pcs_tab);
		h->pcs_tab = tab;
		h->pcs_cap = cap;
	}
	pcost *e = &h->pcs_tab[pcost_slot(h->pcs_tab, h->pcs_cap, key)];
	e->key = key;
	path_build(h, path, n, len, &e->proto, &e->crypto);
	h->pcs_n++;
	*crypto = e->crypto;
	return e->proto;
}

/* Charges proto + crypto ps to x's thread, then step. */
static void cdone(ss_sim *sim, void *ctx, uint64_t arg);

static void charge(xctx *x, ss_time proto, ss_time crypto, int step)
{
	ss_nethost *h = x->h;
	h->proto_ps += (double)proto;
	h->crypto_ps += (double)crypto;
	x->step = step;
	ss_cpu_compute(h->cpu, x->t, proto + crypto, 0, cdone, x, 0);
}

static void cdone(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	run(ctx);
}

/* ---- execute mode: datagram bytes ---- */

/* The payload byte at sequence number s: a pattern of the stream offset
   (the same on both ends, so the receiver can check every byte). */
static inline unsigned char pattern(uint32_t s) { return (unsigned char)((s * 2654435761u) >> 24); }

static void put16(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 8);
	b[1] = (unsigned char)v;
}
static void put32(unsigned char *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xffff);
}
static uint32_t get16(const unsigned char *b) { return (uint32_t)b[0] << 8 | b[1]; }
static uint32_t get32(const unsigned char *b) { return get16(b) << 16 | get16(b + 2); }

/* RFC 791 header checksum over the 20-byte header. */
static uint32_t ip_checksum(const unsigned char *b)
{
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += get16(b + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/* Writes p's datagram (IPv4 + TCP header and options + payload pattern)
   and protects it with the outbound SA. */
static void exec_build(nsock *cn, ss_packet *p, uint32_t n)
{
	ss_nethost *h = cn->h;
	size_t need = (size_t)h->mtu + 64;
	if (p->cap < need && ss_pktpool_reserve(h->cfg.pool, p, need) != SS_OK)
		ss_fatal(SS_LOC, "host %s: out of memory for a datagram", h->name);
	unsigned char *b = p->data;
	size_t len = 20 + (size_t)n;
	memset(b, 0, 40);
	b[0] = 0x45;                         /* IPv4, 5 words (RFC 791) */
	put16(b + 2, (uint32_t)len);
	put16(b + 4, (uint32_t)(p->id & 0xffff));
	put16(b + 6, 0x4000);                /* don't fragment */
	b[8] = 64;                           /* TTL */
	b[9] = 6;                            /* TCP (RFC 790) */
	put32(b + 12, h->cfg.side ? 0x0a000002u : 0x0a000001u);
	put32(b + 16, h->cfg.side ? 0x0a000001u : 0x0a000002u);
	put16(b + 10, ip_checksum(b));
	unsigned char *t = b + 20;           /* TCP header (RFC 793) */
	/* netserver's port 12865 and netperf's data port, one per stream
	   (ASSUMPTION: consecutive ephemeral ports) */
	uint32_t eph = 12866 + cn->idx;
	put16(t, h->cfg.side ? eph : 12865);
	put16(t + 2, h->cfg.side ? 12865 : eph);
	put32(t + 4, p->seq);
	put32(t + 8, p->ack);
	t[12] = (unsigned char)((p->hdr_l4 / 4) << 4);
	t[13] = p->flags;
	put16(t + 14, p->wnd > 0xffff ? 0xffff : p->wnd);
	unsigned char *o = t + 20;
	size_t opt = p->hdr_l4 > 20 ? p->hdr_l4 - 20 : 0;
	memset(o, 1, opt);                   /* NOPs */
	if (opt >= 12) {                     /* timestamps (RFC 1323): NOP NOP kind 8 len 10 */
		o[2] = 8;
		o[3] = 10;
		put32(o + 4, p->tsval);
		put32(o + 8, p->tsecr);
	}
	unsigned char *d = t + p->hdr_l4;
	for (uint32_t i = 0; i < p->payload; i++)
		d[i] = pattern(p->seq + i);
	if (cn->sa_out) {
		size_t nl = 0;
		int rc = ss_ipsec_protect(cn->sa_out, b, p->cap, len, &nl);
		if (rc != SS_OK || nl != p->len)
			ss_fatal(SS_LOC, "host %s: protect gave %d, %zu bytes for a datagram of %u", h->name, rc, nl,
				 p->len);
	}
}

/* Receive checks in execute mode (unprotect, then every payload byte)
   or, in simulation, the anti-replay window: 0 when p must be dropped. */
static int rx_accept(nsock *cn, ss_packet *p)
{
	ss_nethost *h = cn->h;
	if (!h->cfg.execute) {
		if (cn->sa_in && !ss_ipsec_seq_accept(cn->sa_in, p->ipsec_seq)) {
			h->st.replay_drops++;
			return 0;
		}
		return 1;
	}
	size_t len = p->len;
	if (cn->sa_in) {
		size_t nl = 0;
		int rc = ss_ipsec_unprotect(cn->sa_in, p->data, p->len, &nl);
		if (rc == SS_EVERIFY) {
			h->st.auth_failures++;
			return 0;
		}
		if (rc != SS_OK)
			ss_fatal(SS_LOC, "host %s: unprotect failed (%d) on a datagram of %u bytes", h->name, rc, p->len);
		len = nl;
	}
	const unsigned char *b = p->data, *t = b + 20;
	int ok = len == 20 + (size_t)p->hdr_l4 + p->payload && get16(b + 2) == len && get32(t + 4) == p->seq;
	const unsigned char *d = t + p->hdr_l4;
	for (uint32_t i = 0; ok && i < p->payload; i++)
		ok = d[i] == pattern(p->seq + i);
	if (!ok) {
		h->st.payload_errors++;
		return 0;
	}
	h->st.bytes_verified += p->payload;
	return 1;
}

/* ---- transmit ---- */

/* Sizes a segment the engine emitted as its datagram; returns its tx
   cost (proto in the result, crypto in *crypto). */
static ss_time tx_prepare(nsock *h, ss_packet *p, ss_time *crypto)
{
	uint32_t n = p->len; /* TCP header + options + payload */
	if (h->raw) {
		/* A raw frame: the payload alone on the link layer. */
		p->hdr_l3 = p->hdr_sec = 0;
		p->stamp = ss_sim_now(h->h->sim);
		return path_cost(h, PATH_TX, n, n, crypto);
	}
	uint32_t dg = 20 + n;
	p->hdr_l3 = 20;
	p->hdr_sec = 0;
	if (h->sa_out) {
		uint32_t ov = ss_ipsec_overhead(h->sa_out, n);
		dg = ss_ipsec_datagram_len(h->sa_out, n);
		p->hdr_l3 = h->ipsec_tunnel ? 40 : 20;
		p->hdr_sec = ov - (h->ipsec_tunnel ? 20 : 0);
	}
	p->len = dg;
	p->stamp = ss_sim_now(h->h->sim);
	return path_cost(h, PATH_TX, n, dg, crypto) + p->tx_extra;
}

static void xmit(ss_nethost *h, ss_packet *p)
{
	if (h->tx_pending)
		h->tx_pending--;
	if (!ss_pktq_len(&h->qdisc)) {
		int rc = ss_nic_xmit(h->nic, p);
		if (rc == SS_OK) {
			h->st.tx_pkts++;
			return;
		}
		if (rc != SS_EBUSY)
			ss_fatal(SS_LOC, "host %s: the NIC refused a %u-byte datagram (%d)", h->name, p->len, rc);
	}
	if (ss_pktq_len(&h->qdisc) >= h->cfg.txqueuelen) {
		h->st.qdisc_drops++;
		ss_pktpool_put(h->cfg.pool, p);
		return;
	}
	h->st.qdisc_queued++;
	ss_pktq_push(&h->qdisc, p);
}

/* The qdisc restarts when the driver frees tx descriptors
   (netif_wake_queue -> qdisc_run). */
static void qdisc_restart(ss_nethost *h)
{
	while (ss_pktq_len(&h->qdisc) && ss_nic_tx_free(h->nic) > 0) {
		ss_packet *p = ss_pktq_pop(&h->qdisc);
		if (ss_nic_xmit(h->nic, p) != SS_OK)
			ss_fatal(SS_LOC, "host %s: the NIC refused a queued datagram", h->name);
		h->st.tx_pkts++;
	}
}

static uint32_t tx_clean(ss_nethost *h)
{
	uint32_t c = ss_nic_tx_clean(h->nic, NULL);
	h->st.tx_cleaned += c;
	qdisc_restart(h);
	return c;
}

static void tx_finish(nsock *cn, ss_packet *p)
{
	ss_nethost *h = cn->h;
	if (h->cfg.execute) {
		exec_build(cn, p, p->hdr_l4 + p->payload);
		h->sent_frames++;
		if (h->cfg.corrupt_every && h->sent_frames % h->cfg.corrupt_every == 0) {
			/* One bit in the middle of what follows the IP header: in
			   ciphertext, ICV-covered data or TCP payload alike. */
			p->data[20 + (p->len - 20) / 2] ^= 0x10;
			p->corrupt = 1;
			h->st.corrupted++;
		}
	} else if (cn->sa_out) {
		p->ipsec_seq = ss_ipsec_seq_next(cn->sa_out);
	}
	xmit(h, p);
}

/* Charges the outputs x holds one by one, then goes to `after`. */
static void flush(xctx *x, int after)
{
	ss_packet *p = ss_pktq_pop(&x->out);
	if (!p) {
		x->step = after;
		run(x);
		return;
	}
	x->after = after;
	x->pkt = p;
	ss_time cr;
	ss_time c = tx_prepare(conn_of(x->h, p), p, &cr);
	charge(x, c, cr, S_XMIT);
}

/* ---- engine hooks ---- */

static void sirq_raise(ss_nethost *h, percpu *pc);

static void on_output(void *ctx, ss_packet *p)
{
	nsock *cn = ctx;
	ss_nethost *h = cn->h;
	p->flow = cn->idx;
	h->tx_pending++;
	if (h->cur) {
		ss_pktq_push(&h->cur->out, p);
		return;
	}
	/* A TCP timer: its CPU's timer softirq sends it. */
	ss_pktq_push(&cn->pc->timer_out, p);
	sirq_raise(h, cn->pc);
}

/* Linux's dev_queue_xmit drops a datagram the qdisc has no room for and
   returns NET_XMIT_DROP up through ip_queue_xmit (and xfrm output) to
   tcp_transmit_skb, and tcp_write_xmit then keeps the segment unsent.
   The engine outputs a segment before its stack cost is charged, so the
   device queue is full when what it will hold (the free tx descriptors
   and qdisc places) is taken by the segments already queued or on their
   way to it. */
static int on_xmit_full(void *ctx)
{
	const ss_nethost *h = ((const nsock *)ctx)->h;
	uint64_t room = (uint64_t)ss_nic_tx_free(h->nic) + h->cfg.txqueuelen;
	uint64_t taken = (uint64_t)ss_pktq_len(&h->qdisc) + h->tx_pending;
	return taken >= room;
}

static void on_readable(void *ctx)
{
	nsock *h = ctx;
	if (h->rd.sleeping) {
		h->rd.sleeping = 0;
		ss_waitq_wake_one(&h->wq_read);
	}
}

/* sk_stream_write_space (include/net/sock.h, net/core/stream.c): a
   writer waiting for memory is woken when the free space is at least
   half of what is queued (sk_stream_min_wspace = wmem_queued / 2). */
static void on_writable(void *ctx)
{
	nsock *h = ctx;
	if (!h->wr.sleeping)
		return;
	uint32_t space = ss_tcp_send_space(h->tcp);
	uint32_t queued = h->sndbuf > space ? h->sndbuf - space : 0;
	if (space > 0 && space >= queued / 2) {
		h->wr.sleeping = 0;
		ss_waitq_wake_one(&h->wq_write);
	}
}

/* ---- connection set-up ----

   The TCP engines start established; a set-up is its three segments
   through both hosts' paths, handled here: a SYN of 44 bytes (the TCP
   header and the MSS option), the SYN-ACK (44) and the ACK (40). The
   organisation's set-up costs ride on them: the listening side's work
   with its SYN-ACK, and each segment's extra device access (the
   library's registry server uses IPC) with the segment it handles. */
static ss_packet *ctl_packet(nsock *cn, uint8_t flags, uint32_t len, ss_time extra)
{
	ss_packet *p = ss_pktpool_get(cn->h->cfg.pool);
	if (!p)
		ss_fatal(SS_LOC, "host %s: out of memory for a set-up segment", cn->h->name);
	p->len = p->hdr_l4 = len;
	p->opt_bytes = (uint8_t)(len - 20);
	p->flags = flags;
	p->ctl = 1;
	p->flow = cn->idx;
	p->tx_extra = extra;
	cn->h->tx_pending++;
	return p;
}

static ss_time bqi_cost(const ss_nethost *h)
{
	return h->cfg.org && h->cfg.nic.hw_demux ? h->cfg.org->setup_bqi : 0;
}

/* A set-up segment received, in x's context (the caller charges the
   outputs it queues). */
static void ctl_in(xctx *x, ss_packet *p)
{
	ss_nethost *h = x->h;
	nsock *cn = x->c;
	const ss_org *o = h->cfg.org;
	uint8_t f = p->flags;
	ss_pktpool_put(h->cfg.pool, p);
	ss_time dev = o ? o->setup_dev : 0;
	if (f == SS_TCP_SYN) {
		h->st.opens_passive++;
		/* The listener: the SYN's device access in, its own work, the
		   ring (hardware demultiplexing), the SYN-ACK's device access out. */
		ss_time w = dev + (o ? o->setup_passive : 0) + bqi_cost(h) + dev;
		ss_pktq_push(&x->out, ctl_packet(cn, SS_TCP_SYN | SS_TCP_ACK, 44, w));
	} else if (f == (SS_TCP_SYN | SS_TCP_ACK)) {
		cn->open_done = 1;
		ss_pktq_push(&x->out, ctl_packet(cn, SS_TCP_ACK, 40, dev));
		ss_waitq_wake_one(&cn->wq_open);
	}
	/* The final ACK: the connection is set up on the listening side. */
}

static void o_woken(ss_sim *sim, void *ctx, uint64_t arg);

static void o_wait(xctx *x)
{
	nsock *cn = x->c;
	cn->open_t[1] = ss_sim_now(x->h->sim);
	if (!cn->open_done) {
		x->sleeping = 1;
		ss_waitq_wait(&cn->wq_open, x->t, o_woken, x, 0);
		return;
	}
	o_woken(x->h->sim, x, 1);
}

/* The SYN-ACK has come: the active side's completion, then return. */
static void o_woken(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	xctx *x = ctx;
	ss_nethost *h = x->h;
	const ss_org *o = h->cfg.org;
	x->sleeping = 0;
	x->c->open_t[2] = ss_sim_now(sim);
	ss_time c = arg ? 0 : h->c_wake;
	if (!arg) {
		h->st.wakeups++;
		ss_thread_set_mode(x->t, h->uthread ? SS_CPU_MODE_USER : SS_CPU_MODE_SYSTEM);
	}
	if (o)
		c += o->setup_dev + o->setup_complete + bqi_cost(h);
	charge(x, c, 0, S_P_DONE);
}

void ss_nethost_open(ss_nethost *h, int conn, ss_thread *t, ss_handler k, void *ctx)
{
	if (conn < 0 || (size_t)conn >= h->nconn)
		ss_fatal(SS_LOC, "host %s: an open on connection %d, the host has %zu", h->name, conn, h->nconn);
	nsock *cn = h->conns[conn];
	xctx *x = &cn->wr;
	if (cn->raw)
		ss_fatal(SS_LOC, "host %s: an open on raw connection %d", h->name, conn);
	if (x->busy)
		ss_fatal(SS_LOC, "host %s: an open while a write or open is under way", h->name);
	if (t->cpu < 0 || t->pool != h->cpu)
		ss_fatal(SS_LOC, "host %s: the caller must hold one of the host's processors", h->name);
	x->busy = 1;
	x->t = t;
	x->is_write = 1;
	x->want = x->left = 0;
	x->got = 0;
	x->k = k;
	x->kctx = ctx;
	cn->open_done = 0;
	cn->opening = 1;
	cn->open_t[0] = ss_sim_now(h->sim);
	ss_thread_set_mode(t, h->uthread ? SS_CPU_MODE_USER : SS_CPU_MODE_SYSTEM);
	charge(x, h->c_call + (h->cfg.org ? h->cfg.org->setup_active : 0), 0, S_O_SYN);
}

/* A segment into the engine in x's context; an installed reader's own
   context takes in-order data directly (x->direct bytes). */
static void tcp_in(xctx *x, ss_packet *p)
{
	ss_nethost *h = x->h;
	nsock *cn = x->c;
	if (p->ctl) {
		ctl_in(x, p);
		return;
	}
	int direct = x == &cn->rd && cn->ucopy;
	h->cur = x;
	ss_tcp_ucopy(cn->tcp, direct ? x->want - x->got : 0);
	ss_tcp_input(cn->tcp, p);
	if (direct)
		x->direct = ss_tcp_ucopy_taken(cn->tcp);
	ss_tcp_ucopy(cn->tcp, 0);
	h->cur = NULL;
}

/* After tcp_in: the direct copy's cost (into the reader's buffer), then
   the outputs, then `next`. */
static void after_in(xctx *x, int next)
{
	if (!x->direct) {
		flush(x, next);
		return;
	}
	uint32_t n = x->direct;
	x->direct = 0;
	x->got += n;
	x->after_copy = next;
	charge(x, pp(x->h, SS_PP_COPY, SS_PP_RX, n), 0, S_R_DIRECT);
}

/* ---- receive costs ---- */

/* The driver's part (eth rx, skb, the copy of a copying driver). */
static ss_time rx_driver_cost(ss_nethost *h, const ss_packet *p)
{
	ss_time cr;
	return path_cost(conn_of(h, p), PATH_RX_DRIVER, 0, p->len, &cr);
}

static ss_time rx_tcp_cost(nsock *h, const ss_packet *p)
{
	ss_time cr;
	return path_cost(h, PATH_RX_TCP, p->hdr_l4 + p->payload, 0, &cr);
}

/* IP and IPsec: the protocol part before TCP. */
static ss_time rx_ip_cost(nsock *h, const ss_packet *p, ss_time *crypto)
{
	return path_cost(h, PATH_RX_NET, p->hdr_l4 + p->payload, p->len, crypto);
}

/* ---- hard IRQ ---- */

/* The handler of the vector pc->irq_q: without NAPI it takes the
   queue's frames into the CPU's backlog; queue 0's also cleans tx. */
static void irq_go(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	xctx *x = ctx;
	ss_nethost *h = x->h;
	percpu *pc = x->pc;
	hq *v = pc->irq_q;
	ss_time c = h->c_irq;
	h->st.irqs++;
	if (h->cfg.napi) {
		ss_nic_queue_irq_enable(h->nic, v->q, 0);
		if (!v->napi_sched) {
			v->napi_sched = 1;
			pc->napi_n++;
		}
	} else {
		if (v->q == 0)
			c += (ss_time)tx_clean(h) * h->c_skb_free_tx;
		ss_packet *p;
		while ((p = ss_nic_queue_rx_take(h->nic, v->q))) {
			h->st.rx_pkts++;
			c += rx_driver_cost(h, p);
			if (ss_pktq_len(&pc->backlog) >= h->cfg.max_backlog) {
				h->st.backlog_drops++;
				ss_pktpool_put(h->cfg.pool, p);
			} else {
				ss_pktq_push(&pc->backlog, p);
			}
		}
		/* Outside the kernel, the protocol thread is signalled unless
		   it is awake or queued: those packets join its batch. */
		if (h->uthread && pc->ksd == KSD_SLEEP && ss_pktq_len(&pc->backlog)) {
			c += h->cfg.org->notify;
			h->st.notifies++;
		}
	}
	charge(x, c, 0, S_IRQ_END);
}

static void irq_raise(ss_nethost *h, hq *v)
{
	percpu *pc = v->pc;
	if (pc->irq_busy) {
		/* The line is asserted again while its handler runs: one
		   replay when it returns (IRQ_PENDING in kernel/irq/handle.c);
		   another vector of this CPU waits for the handler to end. */
		v->irq_pending = 1;
		return;
	}
	pc->irq_busy = 1;
	pc->irq_q = v;
	ss_cpu_acquire(h->cpu, &pc->irq_th, irq_go, &pc->irqx, 0);
}

static void nic_irq(void *ctx)
{
	hq *v = ctx;
	irq_raise(v->h, v);
}

static void irq_end(xctx *x)
{
	ss_nethost *h = x->h;
	percpu *pc = x->pc;
	if (pc->napi_n || ss_pktq_len(&pc->backlog))
		sirq_raise(h, pc);
	ss_cpu_release(h->cpu, x->t);
	pc->irq_busy = 0;
	/* The CPU's vectors are queues cpu, cpu + processors, ... */
	for (uint32_t q = (uint32_t)pc->cpu; q < h->nq; q += (uint32_t)h->ncpu)
		if (h->hqs[q].irq_pending) {
			h->hqs[q].irq_pending = 0;
			irq_raise(h, &h->hqs[q]);
			break;
		}
}

/* ---- NET_RX and timer softirq ---- */

static void si_entry(xctx *x)
{
	ss_nethost *h = x->h;
	h->st.softirq_runs++;
	if (x->kind == XK_KSOFTIRQD)
		h->st.ksoftirqd_runs++;
	x->passes++;
	x->pc->budget = h->cfg.netdev_budget;
	x->pc->run_start = ss_sim_now(h->sim);
	charge(x, h->c_softirq + (h->uthread ? h->cfg.org->proto_run : 0), 0, S_SI_NEXT);
}

/* irq_exit -> do_softirq: a new __do_softirq in softirq context. */
static void si_go(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	xctx *x = ctx;
	x->passes = 0;
	si_entry(x);
}

static void ksd_wake(ss_nethost *h, percpu *pc);

static void sirq_raise(ss_nethost *h, percpu *pc)
{
	if (h->uthread) {
		/* The protocol thread takes the work (a TCP timer's output,
		   received packets): the interrupt paid its notification. */
		ksd_wake(h, pc);
		return;
	}
	/* The running softirq, or ksoftirqd inside do_softirq (in_interrupt()
	   for irq_exit), finds the new work. */
	if (pc->si_running || pc->ksd == KSD_RUN)
		return;
	pc->si_running = 1;
	ss_cpu_acquire(h->cpu, &pc->si_th, si_go, &pc->six, 0);
}

static int rx_work(const ss_nethost *h, const percpu *pc)
{
	return h->cfg.napi ? pc->napi_n > 0 : ss_pktq_len(&pc->backlog) > 0;
}

/* The next queue on pc's poll list, from its head round robin. */
static hq *poll_next(ss_nethost *h, percpu *pc)
{
	uint32_t step = (uint32_t)h->ncpu, first = (uint32_t)pc->cpu;
	uint32_t n = h->nq > first ? (h->nq - first + step - 1) / step : 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = (pc->rr + i) % n;
		hq *v = &h->hqs[first + k * step];
		if (v->napi_sched) {
			pc->rr = (k + 1) % n;
			return v;
		}
	}
	ss_fatal(SS_LOC, "host %s: CPU %d has NAPI work but no queue scheduled", h->name, pc->cpu);
	return NULL;
}

static void ksd_go(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	xctx *x = ctx;
	x->step = S_KSD_LOOP;
	run(x);
}

/* wakeup_softirqd: a sleeping ksoftirqd queues for its processor. */
static void ksd_wake(ss_nethost *h, percpu *pc)
{
	if (pc->ksd != KSD_SLEEP)
		return;
	pc->ksd = KSD_QUEUED;
	ss_cpu_acquire(h->cpu, &pc->ksd_th, ksd_go, &pc->ksdx, 0);
}

/* ksoftirqd on its processor: do_softirq while work is pending, else
   sleep. */
static void ksd_loop(xctx *x)
{
	ss_nethost *h = x->h;
	percpu *pc = x->pc;
	if (!rx_work(h, pc) && !ss_pktq_len(&pc->timer_out)) {
		pc->ksd = KSD_SLEEP;
		ss_cpu_release(h->cpu, x->t);
		return;
	}
	pc->ksd = KSD_RUN;
	x->passes = 0;
	si_entry(x);
}

/* The end of a do_softirq. In softirq context, work left wakes
   ksoftirqd; in ksoftirqd, cond_resched and the next do_softirq. */
static void si_done(xctx *x)
{
	ss_nethost *h = x->h;
	percpu *pc = x->pc;
	int left = rx_work(h, pc) || ss_pktq_len(&pc->timer_out);
	if (x->kind == XK_KSOFTIRQD) {
		if (!left) {
			pc->ksd = KSD_SLEEP;
			ss_cpu_release(h->cpu, x->t);
			return;
		}
		x->step = S_KSD_LOOP;
		pc->ksd = ss_cpu_yield(h->cpu, x->t, cdone, x, 0) ? KSD_QUEUED : KSD_RUN;
		return;
	}
	pc->si_running = 0;
	ss_cpu_release(h->cpu, x->t);
	if (left) {
		h->st.softirq_deferred++;
		ksd_wake(h, pc);
	}
}

static void si_next(xctx *x)
{
	ss_nethost *h = x->h;
	percpu *pc = x->pc;
	if (ss_pktq_len(&pc->timer_out)) {
		ss_packet *p;
		while ((p = ss_pktq_pop(&pc->timer_out)))
			ss_pktq_push(&x->out, p);
		flush(x, S_SI_NEXT);
		return;
	}
	if (!rx_work(h, pc)) {
		si_done(x);
		return;
	}
	/* net_rx_action's softnet_break: budget spent or more than a jiffy
	   gone; NET_RX is raised again and __do_softirq restarts, at most
	   MAX_SOFTIRQ_RESTART passes. */
	if (pc->budget == 0 || ss_sim_now(h->sim) / JIFFY - pc->run_start / JIFFY > 1) {
		if (x->passes >= MAX_SOFTIRQ_RESTART)
			si_done(x);
		else
			si_entry(x);
		return;
	}
	h->st.polls++;
	pc->quota = h->cfg.napi_weight < pc->budget ? h->cfg.napi_weight : pc->budget;
	pc->taken = 0;
	if (h->cfg.napi) {
		pc->poll = poll_next(h, pc);
		uint32_t c = pc->poll->q == 0 ? tx_clean(h) : 0;
		if (c) {
			charge(x, (ss_time)c * h->c_skb_free_tx, 0, S_SI_PKT);
			return;
		}
	}
	x->step = S_SI_PKT;
	run(x);
}

/* A received skb's truesize for a frame of `len` bytes (IP datagram):
   alloc_skb's SKB_DATA_ALIGN(size) + struct sk_buff (ASSUMPTION: 160
   bytes, its i386 size in 2.6.11 to within a cache line). A copying
   driver (8139too, b44's copy below its threshold) allocates the
   frame's size + 2 (NET_IP_ALIGN); e1000 allocates its receive buffer,
   the power of two from 2048 holding the frame (e1000_change_mtu's
   rx_buffer_len: 2048 to 16384), + 2; aligned to 32 bytes
   (ASSUMPTION: SMP_CACHE_BYTES of a P6 build). */
static uint64_t rx_truesize(const ss_nethost *h, uint32_t len)
{
	uint64_t b = (uint64_t)len + 14 + 4;
	if (!h->cfg.nic.rx_copy) {
		uint64_t p2 = 2048;
		while (p2 < b)
			p2 <<= 1;
		b = p2;
	}
	b += 2;
	return ((b + 31) & ~(uint64_t)31) + 160;
}

static uint64_t truesize(const nsock *cn, const ss_packet *p) { return rx_truesize(cn->h, p->len); }

/* tcp_prequeue for a packet the softirq took with the socket free and a
   reader installed: queue it for the reader (woken at the first), or,
   past the receive buffer, drain the whole prequeue in this softirq. */
static void prequeue(xctx *x, ss_packet *p)
{
	nsock *h = x->c;
	x->h->st.prequeued++;
	ss_pktq_push(&h->prequeue, p);
	h->pq_mem += truesize(h, p);
	if (h->pq_mem > h->rcvbuf) {
		x->h->st.prequeue_dropped += ss_pktq_len(&h->prequeue);
		ss_packet *q;
		while ((q = ss_pktq_pop(&h->prequeue)))
			ss_pktq_push(&x->drain, q);
		h->pq_mem = 0;
		x->step = S_SI_PQ;
		run(x);
		return;
	}
	if (ss_pktq_len(&h->prequeue) == 1)
		on_readable(h);
	x->step = S_SI_PKT;
	run(x);
}

static void si_pq(xctx *x)
{
	ss_packet *p = ss_pktq_pop(&x->drain);
	if (!p) {
		x->step = S_SI_PKT;
		run(x);
		return;
	}
	x->pkt = p;
	charge(x, rx_tcp_cost(x->c, p), 0, S_SI_PQ_TCP);
}

static void si_pkt(xctx *x)
{
	ss_nethost *h = x->h;
	percpu *pc = x->pc;
	while (pc->taken < pc->quota) {
		ss_packet *p = h->cfg.napi ? ss_nic_queue_rx_take(h->nic, pc->poll->q) : ss_pktq_pop(&pc->backlog);
		if (!p)
			break;
		pc->taken++;
		nsock *cn = x->c = conn_of(h, p);
		ss_time c = 0, cr = 0;
		if (h->cfg.napi) {
			h->st.rx_pkts++;
			c += rx_driver_cost(h, p);
		}
		c += rx_ip_cost(cn, p, &cr);
		if (!rx_accept(cn, p)) {
			/* Dropped by IPsec or the payload check: freed after
			   the work done on it. */
			ss_pktpool_put(h->cfg.pool, p);
			charge(x, c, cr, S_SI_PKT);
			return;
		}
		x->own = cn->raw ? OWN_FREE : cn->owned ? OWN_OWNED : cn->ucopy ? OWN_PREQUEUE : OWN_FREE;
		if (x->own == OWN_FREE && !cn->raw)
			c += rx_tcp_cost(cn, p);
		x->pkt = p;
		charge(x, c, cr, S_SI_DELIVER);
		return;
	}
	pc->budget -= pc->taken;
	if (h->cfg.napi && ss_nic_queue_rx_pending(h->nic, pc->poll->q) == 0) {
		/* netif_rx_complete + the driver re-enables its interrupt
		   (a cause latched meanwhile fires now). */
		pc->poll->napi_sched = 0;
		pc->napi_n--;
		ss_nic_queue_irq_enable(h->nic, pc->poll->q, 1);
	}
	x->step = S_SI_NEXT;
	run(x);
}

static void si_deliver(xctx *x)
{
	nsock *h = x->c;
	ss_packet *p = x->pkt;
	x->pkt = NULL;
	if (h->raw) {
		/* Into the buffers the reader takes frames from in place. */
		ss_pktq_push(&h->raw_q, p);
		on_readable(h);
		x->step = S_SI_PKT;
		run(x);
		return;
	}
	if (x->own != OWN_FREE) {
		if (h->owned) {
			/* sk_add_backlog: the owner processes it at release_sock. */
			x->h->st.sock_backlogged++;
			ss_pktq_push(&h->sock_backlog, p);
			x->step = S_SI_PKT;
			run(x);
			return;
		}
		if (h->ucopy) {
			prequeue(x, p);
			return;
		}
		/* Released meanwhile with no reader: TCP runs here after all. */
		x->pkt = p;
		charge(x, rx_tcp_cost(h, p), 0, S_SI_TCP);
		return;
	}
	tcp_in(x, p);
	flush(x, S_SI_PKT);
}

/* ---- system calls ---- */

static void lock_sock(xctx *x, int next);

static void lock_woken(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	xctx *x = ctx;
	lock_sock(x, x->after_lock);
}

static void lock_sock(xctx *x, int next)
{
	nsock *h = x->c;
	if (h->owned) {
		x->after_lock = next;
		ss_waitq_wait(&h->wq_lock, x->t, lock_woken, x, 0);
		return;
	}
	h->owned = 1;
	x->step = next;
	run(x);
}

/* release_sock: the backlog in the owner's context, then `next`. */
static void release_sock(xctx *x, int next)
{
	x->after_rel = next;
	x->step = S_P_BACKLOG;
	run(x);
}

static void p_backlog(xctx *x)
{
	nsock *h = x->c;
	ss_packet *p = ss_pktq_pop(&h->sock_backlog);
	if (p) {
		x->pkt = p;
		charge(x, rx_tcp_cost(h, p), 0, S_P_BACKLOG_TCP);
		return;
	}
	h->owned = 0;
	ss_waitq_wake_one(&h->wq_lock);
	x->step = x->after_rel;
	run(x);
}

static void p_woken(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	xctx *x = ctx;
	x->h->st.wakeups++;
	ss_thread_set_mode(x->t, x->h->uthread ? SS_CPU_MODE_USER : SS_CPU_MODE_SYSTEM);
	charge(x, x->h->c_wake, 0, S_P_WOKEN);
}

static void p_sleep(xctx *x, ss_waitq *q, int resume)
{
	x->sleeping = 1;
	x->resume = resume;
	ss_waitq_wait(q, x->t, p_woken, x, 0);
}

static void proc_begin(ss_nethost *h, int cidx, int is_write, ss_thread *t, uint32_t n, ss_handler k, void *ctx)
{
	if (cidx < 0 || (size_t)cidx >= h->nconn)
		ss_fatal(SS_LOC, "host %s: a system call on connection %d, the host has %zu", h->name, cidx, h->nconn);
	nsock *cn = h->conns[cidx];
	xctx *x = is_write ? &cn->wr : &cn->rd;
	if (x->busy)
		ss_fatal(SS_LOC, "host %s: a second %s while one is under way", h->name, is_write ? "write" : "read");
	if (t->cpu < 0 || t->pool != h->cpu)
		ss_fatal(SS_LOC, "host %s: the caller must hold one of the host's processors", h->name);
	if (n == 0)
		ss_fatal(SS_LOC, "host %s: a %s of 0 bytes", h->name, is_write ? "write" : "read");
	x->busy = 1;
	x->t = t;
	x->is_write = is_write;
	x->want = x->left = n;
	x->got = 0;
	x->k = k;
	x->kctx = ctx;
	h->st.syscalls++;
	ss_thread_set_mode(t, h->uthread ? SS_CPU_MODE_USER : SS_CPU_MODE_SYSTEM);
	if (cn->raw && is_write && n > h->mtu)
		ss_fatal(SS_LOC, "host %s: a raw write of %u bytes, more than a frame's %u", h->name, n, h->mtu);
	charge(x, cn->raw ? h->c_call_raw : h->c_call, 0, S_P_ENTER);
}

void ss_nethost_send(ss_nethost *h, int conn, ss_thread *t, uint32_t bytes, ss_handler k, void *ctx)
{
	proc_begin(h, conn, 1, t, bytes, k, ctx);
}

void ss_nethost_recv(ss_nethost *h, int conn, ss_thread *t, uint32_t max, ss_handler k, void *ctx)
{
	proc_begin(h, conn, 0, t, max, k, ctx);
}

/* What a read or write call's `n` bytes cost to move between the
   caller and the protocol's buffers: copyin/copyout, or the
   organisation's (an IPC message's copy, the shared buffer's), and for
   calls below its threshold its extra byte copy. */
static ss_time call_copy(const ss_nethost *h, int dir, uint32_t n, uint32_t call)
{
	const ss_org *o = h->cfg.org;
	if (!o)
		return pp(h, SS_PP_COPY, dir, n);
	double ns = o->call_copy_ns + (o->nocopy_min && call < o->nocopy_min ? o->small_copy_ns : 0);
	return ss_time_from_us(ns * (double)n * 1e-3);
}

static void w_copy(xctx *x)
{
	ss_nethost *h = x->h;
	if (x->left == 0) {
		release_sock(x, S_P_DONE);
		return;
	}
	if (x->c->raw) {
		if (!x->c->credit) {
			release_sock(x, S_W_SLEEP);
			return;
		}
		x->n = x->left;
		x->step = S_W_WRITE;
		run(x);
		return;
	}
	uint32_t space = ss_tcp_send_space(x->c->tcp);
	uint32_t n = x->left < space ? x->left : space;
	if (n == 0) {
		release_sock(x, S_W_SLEEP); /* sk_stream_wait_memory */
		return;
	}
	x->n = n;
	charge(x, call_copy(h, SS_PP_TX, n, x->want), 0, S_W_WRITE);
}

static void w_write(xctx *x)
{
	ss_nethost *h = x->h;
	if (x->c->raw) {
		/* The frame, built in place, to the device. */
		nsock *cn = x->c;
		ss_packet *p = ss_pktpool_get(h->cfg.pool);
		if (!p)
			ss_fatal(SS_LOC, "host %s: out of memory for a raw frame", h->name);
		p->len = p->payload = x->n;
		p->flow = cn->idx;
		cn->credit--;
		h->tx_pending++;
		ss_pktq_push(&x->out, p);
		x->left = 0;
		flush(x, S_W_COPY);
		return;
	}
	h->cur = x;
	uint32_t took = ss_tcp_write(x->c->tcp, x->n);
	h->cur = NULL;
	if (took > x->left)
		ss_fatal(SS_LOC, "host %s: the engine took %u of %u bytes", h->name, took, x->left);
	x->left -= took;
	flush(x, S_W_COPY);
}

/* tcp_recvmsg's loop, the socket owned: copy what is readable; done
   once something is read and no backlog waits (or the buffer is full);
   else the reader installs itself (ucopy) and takes the prequeue, or
   the backlog by releasing and relocking the socket, or sleeps. In
   process context it reads in-order data as it processes each segment
   (the direct copy: ss_tcp_ucopy). */
static void r_check(xctx *x)
{
	nsock *h = x->c;
	if (h->raw) {
		ss_packet *p = x->got ? NULL : ss_pktq_pop(&h->raw_q);
		if (!p) {
			if (x->got)
				r_exit(x);
			else
				release_sock(x, S_R_SLEEP);
			return;
		}
		/* A frame read in place (a longer one is cut, as a datagram);
		   its buffer goes back to the sender's credit. */
		x->got = p->payload < x->want ? p->payload : x->want;
		ss_pktpool_put(x->h->cfg.pool, p);
		nsock *s = h->peer;
		s->credit++;
		if (s->wr.sleeping) {
			s->wr.sleeping = 0;
			ss_waitq_wake_one(&s->wq_write);
		}
		r_exit(x);
		return;
	}
	uint32_t n = ss_tcp_readable(h->tcp);
	if (n > 0 && x->got < x->want) {
		uint32_t room = x->want - x->got;
		x->n = n < room ? n : room;
		charge(x, call_copy(x->h, SS_PP_RX, x->n, x->want), 0, S_R_READ);
		return;
	}
	if (x->got >= x->want || (x->got > 0 && !ss_pktq_len(&h->sock_backlog))) {
		r_exit(x);
		return;
	}
	if (x->h->cfg.org) {
		/* No prequeue (a Linux mechanism): wait for the protocol
		   code to make data readable. */
		release_sock(x, x->got > 0 ? S_R_RELOCK : S_R_SLEEP);
		return;
	}
	h->ucopy = 1;
	if (ss_pktq_len(&h->prequeue)) {
		r_prequeue(x, S_R_CHECK); /* do_prequeue */
		return;
	}
	if (x->got > 0)
		release_sock(x, S_R_RELOCK); /* the backlog, then on */
	else
		release_sock(x, S_R_SLEEP);  /* sk_wait_data */
}

/* tcp_prequeue_process: the next prequeued segment through TCP in
   process context, then `next`. */
static void r_prequeue(xctx *x, int next)
{
	nsock *h = x->c;
	ss_packet *p = ss_pktq_pop(&h->prequeue);
	h->pq_mem -= truesize(h, p);
	x->h->st.prequeue_processed++;
	x->pkt = p;
	x->after_pq = next;
	charge(x, rx_tcp_cost(h, p), 0, S_R_PQ_TCP);
}

/* Leaving tcp_recvmsg: the prequeue left, then the reader uninstalls. */
static void r_exit(xctx *x)
{
	nsock *h = x->c;
	if (h->ucopy && ss_pktq_len(&h->prequeue)) {
		r_prequeue(x, S_R_EXIT);
		return;
	}
	h->ucopy = 0;
	x->step = S_R_DONE;
	run(x);
}

static void r_read(xctx *x)
{
	ss_nethost *h = x->h;
	h->cur = x;
	x->got += ss_tcp_read(x->c->tcp, x->n);
	h->cur = NULL;
	flush(x, S_R_CHECK);
}

static void p_done(xctx *x)
{
	x->busy = 0;
	nsock *cn = x->c;
	if (x == &cn->wr && cn->opening) {
		/* An open's phases, counted when it returns. */
		ss_nethost *h = x->h;
		cn->opening = 0;
		h->st.opens++;
		h->st.open_out_s += ss_time_to_s(cn->open_t[1] - cn->open_t[0]);
		h->st.open_rtt_s += ss_time_to_s(cn->open_t[2] - cn->open_t[1]);
		h->st.open_done_s += ss_time_to_s(ss_sim_now(h->sim) - cn->open_t[2]);
	}
	uint64_t r = x->is_write ? x->want : x->got;
	x->k(x->h->sim, x->kctx, r);
}

/* ---- the step machine ---- */

static void run(xctx *x)
{
	ss_nethost *h = x->h;
	switch (x->step) {
	case S_XMIT: {
		ss_packet *p = x->pkt;
		x->pkt = NULL;
		tx_finish(conn_of(h, p), p);
		flush(x, x->after);
		break;
	}
	case S_IRQ_END:
		irq_end(x);
		break;
	case S_SI_NEXT:
		si_next(x);
		break;
	case S_SI_PKT:
		si_pkt(x);
		break;
	case S_SI_DELIVER:
		si_deliver(x);
		break;
	case S_SI_TCP: {
		ss_packet *p = x->pkt;
		x->pkt = NULL;
		tcp_in(x, p);
		flush(x, S_SI_PKT);
		break;
	}
	case S_KSD_LOOP:
		ksd_loop(x);
		break;
	case S_P_ENTER:
		lock_sock(x, x->is_write ? S_W_COPY : S_R_CHECK);
		break;
	case S_P_BACKLOG:
		p_backlog(x);
		break;
	case S_P_BACKLOG_TCP: {
		ss_packet *p = x->pkt;
		x->pkt = NULL;
		tcp_in(x, p);
		after_in(x, S_P_BACKLOG);
		break;
	}
	case S_P_WOKEN:
		lock_sock(x, x->resume);
		break;
	case S_W_COPY:
		w_copy(x);
		break;
	case S_W_WRITE:
		w_write(x);
		break;
	case S_W_SLEEP:
		if (x->c->raw ? x->c->credit > 0 : ss_tcp_send_space(x->c->tcp) > 0)
			lock_sock(x, S_W_COPY);
		else
			p_sleep(x, &x->c->wq_write, S_W_COPY);
		break;
	case S_R_CHECK:
		r_check(x);
		break;
	case S_R_READ:
		r_read(x);
		break;
	case S_R_DONE:
		release_sock(x, S_P_DONE);
		break;
	case S_R_PQ_TCP: {
		ss_packet *p = x->pkt;
		x->pkt = NULL;
		tcp_in(x, p);
		after_in(x, x->after_pq);
		break;
	}
	case S_R_DIRECT:
		flush(x, x->after_copy);
		break;
	case S_R_RELOCK:
		lock_sock(x, S_R_CHECK);
		break;
	case S_R_EXIT:
		r_exit(x);
		break;
	case S_SI_PQ:
		si_pq(x);
		break;
	case S_SI_PQ_TCP: {
		ss_packet *p = x->pkt;
		x->pkt = NULL;
		tcp_in(x, p);
		flush(x, S_SI_PQ);
		break;
	}
	case S_R_SLEEP:
		/* The backlog released may have given data by direct copy. */
		if (x->got > 0 || (x->c->raw ? ss_pktq_len(&x->c->raw_q) > 0 : ss_tcp_readable(x->c->tcp) > 0) ||
		    ss_pktq_len(&x->c->prequeue) > 0)
			lock_sock(x, S_R_CHECK);
		else
			p_sleep(x, &x->c->wq_read, S_R_CHECK);
		break;
	case S_P_DONE:
		p_done(x);
		break;
	case S_O_SYN: {
		const ss_org *o = h->cfg.org;
		ss_pktq_push(&x->out, ctl_packet(x->c, SS_TCP_SYN, 44, (o ? o->setup_dev : 0) + bqi_cost(h)));
		flush(x, S_O_WAIT);
		break;
	}
	case S_O_WAIT:
		o_wait(x);
		break;
	default:
		ss_fatal(SS_LOC, "host %s: context in no step (%d)", h->name, x->step);
	}
}

/* ---- construction ---- */

void ss_nethost_config_default(ss_nethost_config *c)
{
	memset(c, 0, sizeof *c);
	c->processors = 1;
	c->irq_min_interval = -1;
	c->napi_weight = 64;   /* e1000_main.c: netdev->weight = 64; net/core/dev.c weight_p = 64 */
	c->netdev_budget = 300; /* net/core/dev.c: int netdev_budget = 300 */
	c->max_backlog = 300;  /* net/core/dev.c: int netdev_max_backlog = 300 */
	c->txqueuelen = 1000;  /* drivers/net/net_init.c ether_setup: tx_queue_len = 1000 */
}

static void xinit(xctx *x, ss_nethost *h, ss_thread *t, int kind, percpu *pc)
{
	memset(x, 0, sizeof *x);
	x->h = h;
	x->t = t;
	x->kind = kind;
	x->pc = pc;
	ss_pktq_init(&x->out);
	ss_pktq_init(&x->drain);
}

int ss_nethost_alloc(ss_nethost **out, ss_sim *sim, const ss_nethost_config *c, char *err, size_t errlen)
{
	*out = NULL;
	const char *nm = c->name ? c->name : "";
	if (!*nm || strlen(nm) > 24) {
		ss_errbuf(err, errlen, "host name '%s': 1 to 24 characters", nm);
		return SS_EINVAL;
	}
	if (c->processors < 1 || c->processors > 1024) {
		ss_errbuf(err, errlen, "host %s: processors must be 1..1024, not %d", nm, c->processors);
		return SS_EINVAL;
	}
	if (!c->proto || !c->pool || !c->link || (c->side != 0 && c->side != 1) || !c->iobus) {
		ss_errbuf(err, errlen, "host %s: needs a protocol profile, a packet pool, an I/O bus and a link side 0 or 1",
			  nm);
		return SS_EINVAL;
	}
	if (c->napi_weight < 1 || c->netdev_budget < 1 || c->max_backlog < 1) {
		ss_errbuf(err, errlen, "host %s: napi_weight, netdev_budget and max_backlog must be at least 1", nm);
		return SS_EINVAL;
	}
	if (c->org) {
		char m[256];
		if (ss_org_check(c->org, m, sizeof m) != SS_OK) {
			ss_errbuf(err, errlen, "host %s: organisation: %s", nm, m);
			return SS_EINVAL;
		}
		if (c->napi) {
			/* Its protocol thread is signalled per batch by the
			   interrupt; a polled driver is not modelled with it. */
			ss_errbuf(err, errlen, "host %s: an organisation's driver is interrupt-driven: napi must be off", nm);
			return SS_EINVAL;
		}
	}
	uint32_t nq = c->rx_queues ? c->rx_queues : 1, most = c->nic.rx_queues ? c->nic.rx_queues : 1;
	if (nq > most) {
		ss_errbuf(err, errlen, "host %s: rx_queues %u: its NIC has at most %u receive queue%s", nm, nq, most,
			  most == 1 ? " (no RSS)" : "s");
		return SS_EINVAL;
	}
	ss_nethost *h = calloc(1, sizeof *h);
	if (!h)
		return SS_ENOMEM;
	h->pcs = calloc((size_t)c->processors, sizeof *h->pcs);
	h->hqs = calloc(nq, sizeof *h->hqs);
	if (!h->pcs || !h->hqs) {
		free(h->pcs);
		free(h->hqs);
		free(h);
		return SS_ENOMEM;
	}
	h->nq = nq;
	h->sim = sim;
	h->cfg = *c;
	snprintf(h->name, sizeof h->name, "%s", nm);
	h->cfg.name = h->name;
	h->ncpu = c->processors;
	h->mtu = ss_link_spec_of(c->link)->mtu;
	char rn[64];
	int rc;
	snprintf(rn, sizeof rn, "%s.cpu", nm);
	/* An organisation's context switch is the system's own. */
	if ((rc = ss_cpu_pool_alloc(&h->cpu, sim, rn, c->processors, c->org ? c->org->ctx_switch : c->ctx_switch)) !=
	    SS_OK) {
		ss_errbuf(err, errlen, "host %s: processor pool: %s", nm, ss_strerror(rc));
		goto fail;
	}
	snprintf(rn, sizeof rn, "%s.iobus", nm);
	if ((rc = ss_iobus_alloc(&h->bus, sim, rn, c->iobus, err, errlen)) != SS_OK)
		goto fail;
	ss_nic_spec spec = c->nic;
	spec.rx_queues = nq;
	if (c->irq_min_interval >= 0)
		spec.irq_min_interval = c->irq_min_interval;
	if ((rc = ss_nic_alloc(&h->nic, sim, nm, &spec, h->bus, c->link, c->side, err, errlen)) != SS_OK)
		goto fail;
	h->cfg.nic = spec;
	ss_nic_set_pool(h->nic, c->pool);
	ss_link_set_pool(c->link, c->pool);
	for (uint32_t q = 0; q < nq; q++) {
		hq *v = &h->hqs[q];
		v->h = h;
		v->q = q;
		v->pc = &h->pcs[q % (uint32_t)h->ncpu]; /* set_irq_affinity: vector q to CPU q */
		ss_nic_set_queue_irq(h->nic, q, nic_irq, v);
	}
	for (int i = 0; i < h->ncpu; i++) {
		percpu *pc = &h->pcs[i];
		pc->cpu = i;
		ss_thread_init(&pc->irq_th, 0x10000u + 2u * (uint32_t)i);
		ss_thread_set_level(&pc->irq_th, SS_CPU_LEVEL_IRQ);
		ss_thread_set_affinity(&pc->irq_th, i);
		ss_thread_init(&pc->si_th, 0x10001u + 2u * (uint32_t)i);
		ss_thread_set_level(&pc->si_th, SS_CPU_LEVEL_SOFTIRQ);
		ss_thread_set_affinity(&pc->si_th, i);
		/* ksoftirqd/i: kernel/softirq.c ksoftirqd() sets nice 19 and is
		   bound to its CPU (kthread_bind in cpu_callback). */
		ss_thread_init(&pc->ksd_th, 0x20000u + (uint32_t)i);
		ss_thread_set_affinity(&pc->ksd_th, i);
		ss_thread_set_priority(&pc->ksd_th, SS_CPU_PRIO_LOW);
		ss_thread_set_mode(&pc->ksd_th, SS_CPU_MODE_SOFTIRQ);
		if (c->org && c->org->dom != SS_ORG_KERNEL) {
			/* The server's or the library's input thread: user
			   code at the processes' priority. */
			ss_thread_set_priority(&pc->ksd_th, SS_CPU_PRIO_NORMAL);
			ss_thread_set_mode(&pc->ksd_th, SS_CPU_MODE_USER);
		}
		xinit(&pc->irqx, h, &pc->irq_th, XK_IRQ, pc);
		xinit(&pc->six, h, &pc->si_th, XK_SOFTIRQ, pc);
		xinit(&pc->ksdx, h, &pc->ksd_th, XK_KSOFTIRQD, pc);
		ss_pktq_init(&pc->backlog);
		ss_pktq_init(&pc->timer_out);
	}
	ss_pktq_init(&h->qdisc);
	h->c_irq = pp(h, SS_PP_IRQ, SS_PP_RX, 0);
	h->c_softirq = pp(h, SS_PP_SOFTIRQ, SS_PP_RX, 0);
	/* alloc + free = the profile's skb cost, to the picosecond */
	h->c_skb_alloc_tx = pp(h, SS_PP_SKB, SS_PP_TX, 0) / 2;
	h->c_skb_free_tx = pp(h, SS_PP_SKB, SS_PP_TX, 0) - h->c_skb_alloc_tx;
	h->c_skb_rx = pp(h, SS_PP_SKB, SS_PP_RX, 0);
	h->c_syscall = pp(h, SS_PP_SYSCALL, SS_PP_TX, 0);
	h->uthread = c->org && c->org->dom != SS_ORG_KERNEL;
	/* With an organisation the profile's syscall layer is the socket
	   layer's own per-call code; the crossing to it is the
	   organisation's. */
	h->c_call = c->org ? c->org->call + h->c_syscall : h->c_syscall;
	h->c_wake = c->org ? c->org->app_wake : h->c_syscall;
	h->c_call_raw = c->org ? c->org->call : h->c_syscall;
	*out = h;
	return SS_OK;
fail:
	/* The pool, bus and NIC made so far belong to the simulator. */
	free(h->pcs);
	free(h->hqs);
	free(h);
	return rc;
}

static void put_queue(ss_pktpool *pool, ss_pktq *q) { ss_pktpool_put_list(pool, ss_pktq_take_all(q)); }

static void sock_free(nsock *cn)
{
	if (!cn)
		return;
	ss_pktpool *pool = cn->h->cfg.pool;
	ss_tcp_free(cn->tcp);
	ss_ipsec_sa_free(cn->sa_out);
	ss_ipsec_sa_free(cn->sa_in);
	ss_layer_stack_free(cn->stack);
	free(cn->pcs_tab);
	put_queue(pool, &cn->wr.out);
	put_queue(pool, &cn->rd.out);
	ss_pktpool_put(pool, cn->wr.pkt);
	ss_pktpool_put(pool, cn->rd.pkt);
	put_queue(pool, &cn->sock_backlog);
	put_queue(pool, &cn->prequeue);
	put_queue(pool, &cn->raw_q);
	free(cn);
}

void ss_nethost_free(ss_nethost *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nconn; i++)
		sock_free(h->conns[i]);
	free(h->conns);
	ss_pktpool *pool = h->cfg.pool;
	for (int i = 0; i < h->ncpu; i++) {
		put_queue(pool, &h->pcs[i].backlog);
		put_queue(pool, &h->pcs[i].timer_out);
		put_queue(pool, &h->pcs[i].irqx.out);
		put_queue(pool, &h->pcs[i].six.out);
		put_queue(pool, &h->pcs[i].ksdx.out);
		put_queue(pool, &h->pcs[i].six.drain);
		put_queue(pool, &h->pcs[i].ksdx.drain);
		ss_pktpool_put(pool, h->pcs[i].six.pkt);
		ss_pktpool_put(pool, h->pcs[i].ksdx.pkt);
		ss_pktpool_put(pool, h->pcs[i].irqx.pkt);
	}
	put_queue(pool, &h->qdisc);
	free(h->pcs);
	free(h->hqs);
	free(h);
}

/* ---- connection ---- */

int ss_nethost_mss(const ss_ipsec_config *ipsec, uint32_t mtu, uint32_t *mss, char *err, size_t errlen)
{
	*mss = 0;
	if (mtu < 88) {
		ss_errbuf(err, errlen, "MTU %u is too small for TCP/IP", mtu);
		return SS_EINVAL;
	}
	if (!ipsec || ipsec->proto == SS_IPSEC_NONE) {
		*mss = mtu - 40; /* IPv4 20 + TCP 20 (RFC 879) */
		return SS_OK;
	}
	ss_ipsec_sa *sa = NULL;
	int rc = ss_ipsec_sa_alloc(&sa, ipsec, NULL, err, errlen);
	if (rc != SS_OK)
		return rc;
	uint32_t seg = ss_ipsec_max_segment(sa, mtu);
	ss_ipsec_sa_free(sa);
	if (seg <= 20 + 64) {
		ss_errbuf(err, errlen, "MTU %u leaves no room for TCP data under IPsec", mtu);
		return SS_EINVAL;
	}
	*mss = seg - 20;
	return SS_OK;
}

/* The SAs of one host: out and in, with their costs checked against the
   host's crypto profile. */
static int host_sas(nsock *cn, const ss_ipsec_config *ipsec, char *err, size_t errlen)
{
	ss_nethost *h = cn->h;
	ss_crypto *cx = NULL;
	if (h->cfg.execute) {
		if (!h->cfg.exec_crypto) {
			ss_errbuf(err, errlen, "host %s: execute mode with IPsec needs a crypto context", h->name);
			return SS_EINVAL;
		}
		cx = h->cfg.exec_crypto;
	}
	int rc;
	char e[512];
	if ((rc = ss_ipsec_sa_alloc(&cn->sa_out, ipsec, cx, e, sizeof e)) != SS_OK ||
	    (rc = ss_ipsec_sa_alloc(&cn->sa_in, ipsec, cx, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "host %s: %s", h->name, e);
		return rc;
	}
	cn->ipsec_tunnel = ipsec->mode == SS_IPSEC_TUNNEL;
	ss_ipsec_work w[3];
	size_t k = ss_ipsec_work_get(cn->sa_out, 1000, w);
	for (size_t i = 0; i < k; i++)
		if (!h->cfg.crypto || !ss_profile_has(h->cfg.crypto, w[i].alg)) {
			ss_errbuf(err, errlen, "host %s: crypto profile %s has no cost for %s (%s)", h->name,
				  h->cfg.crypto ? ss_profile_name(h->cfg.crypto) : "(none)", w[i].alg->name, w[i].what);
			return SS_EINVAL;
		}
	return SS_OK;
}

/* The stack of a connection under ipsec (NULL: plain IP), from the
   configuration's canonical words: "ESP 3DES SHA1 AH MD5 tunnel" ->
   "TCP/ESP(3DES,SHA1,tunnel)/AH(MD5,tunnel)/IP/ETH". */
static void stack_text_of(const ss_ipsec_config *ipsec, char *buf, size_t len)
{
	char words[160], esp[96] = "", ah[64] = "";
	ss_ipsec_config_format(ipsec, words, sizeof words);
	int tunnel = ipsec && ipsec->mode == SS_IPSEC_TUNNEL;
	char *cur = NULL, *save = NULL;
	for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (strcmp(w, "ESP") == 0)
			cur = esp;
		else if (strcmp(w, "AH") == 0)
			cur = ah;
		else if (cur && strcmp(w, "tunnel") != 0) {
			size_t n = strlen(cur);
			snprintf(cur + n, (cur == esp ? sizeof esp : sizeof ah) - n, "%s%s", n ? "," : "", w);
		}
	}
	char e[128] = "", a[96] = "";
	if (esp[0])
		snprintf(e, sizeof e, "ESP(%s%s)/", esp, tunnel ? ",tunnel" : "");
	if (ah[0])
		snprintf(a, sizeof a, "AH(%s%s)/", ah, tunnel ? ",tunnel" : "");
	snprintf(buf, len, "TCP/%s%sIP/ETH", e, a);
}

/* The IPsec configuration a stack's layers ask for, and the check that
   this host can run the stack: TCP over IP over Ethernet, with at most
   one ESP above at most one AH between them (ESP inside, AH outside, the
   one combination Linux's setkey policies give a transport SA pair). */
static int ipsec_of_stack(const ss_layer_stack *st, const char *text, ss_ipsec_config *c, char *err, size_t errlen)
{
	char words[256] = "", aw[96] = "";
	int esp = -1, ah = -1, tunnel = -1;
	size_t n = ss_layer_stack_len(st);
	for (size_t i = 0; i < n; i++) {
		const ss_layer *l = ss_layer_stack_at(st, i);
		const ss_layer_type *t = ss_layer_type_of(l);
		if (t->role == SS_LAYER_CIPHER || t->role == SS_LAYER_DIGEST || t == &ss_layer_udp || t == &ss_layer_fddi) {
			ss_errbuf(err, errlen, "stack '%s': layer %s does not run on this host (it takes TCP, ESP, AH, IP and ETH)",
				  text, t->name);
			return SS_EINVAL;
		}
		if (t->role != SS_LAYER_IPSEC)
			continue;
		int is_esp = t == &ss_layer_esp;
		if ((is_esp && esp >= 0) || (!is_esp && ah >= 0) || (is_esp && ah >= 0)) {
			ss_errbuf(err, errlen, "stack '%s': the host runs one ESP above one AH (ESP inside, AH outside), not %s here",
				  text, t->name);
			return SS_EINVAL;
		}
		*(is_esp ? &esp : &ah) = (int)i;
		char *dst = is_esp ? words : aw;
		size_t cap = is_esp ? sizeof words : sizeof aw;
		snprintf(dst, cap, "%s", t->name);
		int mode = 0;
		for (size_t k = 0; k < ss_layer_argc(l); k++) {
			const char *a = ss_layer_arg(l, k);
			if (strcasecmp(a, "tunnel") == 0 || strcasecmp(a, "transport") == 0) {
				mode = strcasecmp(a, "tunnel") == 0 ? 1 : 0;
				continue;
			}
			size_t w = strlen(dst);
			snprintf(dst + w, cap - w, " %s", a);
		}
		if (tunnel >= 0 && tunnel != mode) {
			ss_errbuf(err, errlen, "stack '%s': ESP and AH must both be in tunnel or both in transport mode", text);
			return SS_EINVAL;
		}
		tunnel = mode;
	}
	int tr = ss_layer_stack_find(st, SS_LAYER_TRANSPORT), lk = ss_layer_stack_find(st, SS_LAYER_LINK);
	if (tr < 0 || ss_layer_type_of(ss_layer_stack_at(st, (size_t)tr)) != &ss_layer_tcp || lk < 0) {
		ss_errbuf(err, errlen, "stack '%s': the host's socket is TCP and its NIC Ethernet: the stack is TCP/.../IP/ETH",
			  text);
		return SS_EINVAL;
	}
	if (esp < 0 && ah < 0) {
		*c = (ss_ipsec_config){.proto = SS_IPSEC_NONE};
		return SS_OK;
	}
	size_t w = strlen(words);
	snprintf(words + w, sizeof words - w, "%s%s%s", w && aw[0] ? " " : "", aw, tunnel == 1 ? " tunnel" : "");
	char e[256];
	if (ss_ipsec_config_parse(words, c, e, sizeof e) != SS_OK) {
		ss_errbuf(err, errlen, "stack '%s': %s", text, e);
		return SS_EINVAL;
	}
	return SS_OK;
}

/* A new socket of h, index h->nconn (not yet counted). */
static int sock_new(ss_nethost *h, nsock **out)
{
	*out = NULL;
	if (ss_grow(&h->conns, &h->conn_cap, h->nconn + 1, sizeof *h->conns, 4) != SS_OK)
		return SS_ENOMEM;
	nsock *cn = calloc(1, sizeof *cn);
	if (!cn)
		return SS_ENOMEM;
	cn->h = h;
	cn->idx = (uint32_t)h->nconn;
	cn->pc = h->hqs[cn->idx % h->nq].pc;
	xinit(&cn->wr, h, NULL, XK_PROC, NULL);
	xinit(&cn->rd, h, NULL, XK_PROC, NULL);
	cn->wr.c = cn->rd.c = cn;
	ss_pktq_init(&cn->sock_backlog);
	ss_pktq_init(&cn->prequeue);
	ss_pktq_init(&cn->raw_q);
	ss_waitq_init(&cn->wq_read, h->sim);
	ss_waitq_init(&cn->wq_write, h->sim);
	ss_waitq_init(&cn->wq_lock, h->sim);
	ss_waitq_init(&cn->wq_open, h->sim);
	*out = cn;
	return SS_OK;
}

int ss_nethost_connect(ss_nethost *a, ss_nethost *b, const ss_ipsec_config *ipsec, const ss_tcp_config *tcp,
		       int tuned, char *err, size_t errlen)
{
	if (a == b) {
		ss_errbuf(err, errlen, "host %s: a connection needs two hosts", a->name);
		return SS_EINVAL;
	}
	if (a->nconn != b->nconn) {
		ss_errbuf(err, errlen, "hosts %s and %s: connection k of one is connection k of the other, but they have %zu and %zu",
			  a->name, b->name, a->nconn, b->nconn);
		return SS_EINVAL;
	}
	if (a->mtu != b->mtu) {
		ss_errbuf(err, errlen, "hosts %s and %s are not on the same link", a->name, b->name);
		return SS_EINVAL;
	}
	uint32_t mss;
	int rc = ss_nethost_mss(ipsec, a->mtu, &mss, err, errlen);
	if (rc != SS_OK)
		return rc;
	ss_tcp_config c;
	if (tcp)
		c = *tcp;
	else
		ss_tcp_config_linux2611(&c, mss, tuned);
	ss_nethost *hs[2] = {a, b};
	nsock *cs[2] = {NULL, NULL};
	for (int i = 0; i < 2; i++)
		if ((rc = sock_new(hs[i], &cs[i])) != SS_OK)
			goto fail;
	if (ipsec && ipsec->proto != SS_IPSEC_NONE &&
	    ((rc = host_sas(cs[0], ipsec, err, errlen)) != SS_OK || (rc = host_sas(cs[1], ipsec, err, errlen)) != SS_OK))
		goto fail;
	char stext[256];
	stack_text_of(ipsec, stext, sizeof stext);
	for (int i = 0; i < 2; i++)
		if ((rc = ss_layer_stack_parse(&cs[i]->stack, NULL, stext, err, errlen)) != SS_OK)
			goto fail;
	for (int i = 0; i < 2; i++) {
		/* The receive skb of a full frame, unless the caller set it. */
		ss_tcp_config hc = c;
		if (!tcp && !hc.truesize)
			hc.truesize = (uint32_t)rx_truesize(hs[i], a->mtu);
		ss_tcp_hooks hk = {.ctx = cs[i], .output = on_output, .xmit_full = on_xmit_full, .readable = on_readable, .writable = on_writable};
		char tn[48];
		/* Connection 0's engine keeps the single-stream name. */
		if (cs[i]->idx == 0)
			snprintf(tn, sizeof tn, "%s.tcp", hs[i]->name);
		else
			snprintf(tn, sizeof tn, "%s.tcp%u", hs[i]->name, cs[i]->idx);
		if ((rc = ss_tcp_alloc(&cs[i]->tcp, hs[i]->sim, tn, &hc, hs[i]->cfg.pool, &hk, err, errlen)) != SS_OK)
			goto fail;
		cs[i]->mss = c.mss;
		cs[i]->sndbuf = c.sndbuf;
		cs[i]->rcvbuf = c.rcvbuf;
	}
	ss_tcp_connect_pair(cs[0]->tcp, cs[1]->tcp);
	for (int i = 0; i < 2; i++)
		hs[i]->conns[hs[i]->nconn++] = cs[i];
	return SS_OK;
fail:
	sock_free(cs[0]);
	sock_free(cs[1]);
	return rc;
}

int ss_nethost_connect_stack(ss_nethost *a, ss_nethost *b, const char *stack, const ss_tcp_config *tcp, int tuned,
			     char *err, size_t errlen)
{
	ss_layer_stack *st;
	int rc = ss_layer_stack_parse(&st, NULL, stack, err, errlen);
	if (rc != SS_OK)
		return rc;
	ss_ipsec_config c;
	rc = ipsec_of_stack(st, stack, &c, err, errlen);
	ss_layer_stack_free(st);
	if (rc != SS_OK)
		return rc;
	return ss_nethost_connect(a, b, &c, tcp, tuned, err, errlen);
}

int ss_nethost_connect_raw(ss_nethost *a, ss_nethost *b, uint32_t buffers, char *err, size_t errlen)
{
	if (a == b || a->nconn != b->nconn || a->mtu != b->mtu) {
		ss_errbuf(err, errlen, "hosts %s and %s: a raw connection needs two hosts on one link with as many connections",
			  a->name, b->name);
		return SS_EINVAL;
	}
	if (buffers < 1 || buffers > 65536) {
		ss_errbuf(err, errlen, "a raw connection's receive buffers: %u, not 1 .. 65536", buffers);
		return SS_EINVAL;
	}
	if (a->cfg.execute || b->cfg.execute) {
		ss_errbuf(err, errlen, "execute mode checks IP datagrams; a raw connection carries none");
		return SS_EINVAL;
	}
	ss_nethost *hs[2] = {a, b};
	nsock *cs[2] = {NULL, NULL};
	int rc = SS_OK;
	for (int i = 0; i < 2; i++)
		if ((rc = sock_new(hs[i], &cs[i])) != SS_OK)
			goto fail;
	for (int i = 0; i < 2; i++) {
		cs[i]->raw = 1;
		cs[i]->mss = a->mtu;
		cs[i]->credit = buffers;
		cs[i]->peer = cs[1 - i];
		hs[i]->conns[hs[i]->nconn++] = cs[i];
	}
	return SS_OK;
fail:
	sock_free(cs[0]);
	sock_free(cs[1]);
	return rc;
}

static const nsock *sock_at(const ss_nethost *h, int k)
{
	return k >= 0 && (size_t)k < h->nconn ? h->conns[k] : NULL;
}

size_t ss_nethost_stack_text(const ss_nethost *h, char *buf, size_t len)
{
	const nsock *cn = sock_at(h, 0);
	if (!cn) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	if (cn->raw)
		return (size_t)snprintf(buf, len, "ETH (raw)");
	return ss_layer_stack_text(cn->stack, buf, len);
}

/* ---- queries ---- */

ss_cpu_pool *ss_nethost_cpu(const ss_nethost *h) { return h->cpu; }
ss_nic *ss_nethost_nic(const ss_nethost *h) { return h->nic; }
int ss_nethost_conns(const ss_nethost *h) { return (int)h->nconn; }
ss_tcp *ss_nethost_conn_tcp(const ss_nethost *h, int conn)
{
	const nsock *cn = sock_at(h, conn);
	return cn ? cn->tcp : NULL;
}
int ss_nethost_conn_cpu(const ss_nethost *h, int conn)
{
	const nsock *cn = sock_at(h, conn);
	return cn ? cn->pc->cpu : -1;
}
ss_tcp *ss_nethost_tcp(const ss_nethost *h) { return ss_nethost_conn_tcp(h, 0); }
const ss_ipsec_sa *ss_nethost_sa_out(const ss_nethost *h)
{
	const nsock *cn = sock_at(h, 0);
	return cn ? cn->sa_out : NULL;
}
const ss_ipsec_sa *ss_nethost_sa_in(const ss_nethost *h)
{
	const nsock *cn = sock_at(h, 0);
	return cn ? cn->sa_in : NULL;
}
uint32_t ss_nethost_mss_of(const ss_nethost *h)
{
	const nsock *cn = sock_at(h, 0);
	return cn ? cn->mss : 0;
}
const char *ss_nethost_name(const ss_nethost *h) { return h->name; }

void ss_nethost_stats_get(const ss_nethost *h, ss_nethost_stats *s)
{
	*s = h->st;
	s->proto_s = h->proto_ps * 1e-12;
	s->crypto_s = h->crypto_ps * 1e-12;
}

void ss_nethost_stats_reset(ss_nethost *h)
{
	memset(&h->st, 0, sizeof h->st);
	h->proto_ps = h->crypto_ps = 0;
}
