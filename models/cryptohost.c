/* Model "cryptohost": a host with a crypto framework and its crypto
   engines, under one of two workloads.

   workload = "devcrypto": processes using the framework through
   /dev/crypto, as in Keromytis, Wright and de Raadt, "The Design of the
   OpenBSD Cryptographic Framework" (USENIX 2003; reference/
   keromytis_ocf.csv): `threads` processes each issue one request of
   `buffer` bytes after another (synchronous: one outstanding request
   each), every process with its own session, over the cards of the
   host (look-aside on its I/O bus, inline, or beside the CPU) or the
   software driver; optionally a CPU-bound hog beside them, or the
   processes doing the crypto in user space (openssl without a card).

   workload = "ipsec": the kernel's IPsec output sending a stream of ESP
   packets of `buffer` payload bytes out of a NIC on the same I/O bus as
   the cards (the placement argument of the paper's section 6.2,
   OCF-C1..C3): a kernel thread prepares each packet (ipsec_us), hands
   it to the framework (crypto_dispatch), and the completion sends it
   (xmit_us, in the completion's context) to the NIC, which DMAs it over
   the bus and sends it on its link; at most `threads` packets are in
   flight (sent to the framework and not yet cleaned from the NIC's
   ring, as a socket buffer bounds them). A look-aside card moves each
   packet across the bus three times (to the card, back, to the NIC); an
   engine beside the CPU once (to the NIC); an inline engine in the NIC
   once, with no framework on the path (the driver hands the packet to
   the NIC, whose engine transforms it before the wire).

   The parts are the platform's: the processors (res/ss_cpu), the I/O
   bus (platform/ss_iobus), the coprocessors (platform/ss_coproc), the
   framework (platform/ss_cryptofw); the costs are a host profile's
   (hosts/NAME.cfg: crypto profile, system call, copy rate, framework
   and driver costs, each with its source) and the card presets'
   (platform/coprocs/). Nothing is fitted to the paper's tables: the
   throughput is an output of those costs and the mechanisms. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_coproc.h"
#include "ss_cpu.h"
#include "ss_cryptofw.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_exec.h"
#include "ss_iobus.h"
#include "ss_link.h"
#include "ss_model.h"
#include "ss_nic.h"
#include "ss_packet.h"
#include "ss_profile.h"
#include "ss_wait.h"

#define TAG_HOG 4
#define MAX_THREADS 1024
#define MAX_PRODUCERS 64

typedef struct cdev cdev;

/* One IPsec packet's crypto request (ipsec workload). */
typedef struct slot {
	ss_cryptofw_req req;
	ss_coproc_req inl;    /* inline: the NIC engine's request */
	ss_coproc *eng;       /* inline: its engine */
	cdev *m;
	struct slot *next;    /* free list */
} slot;

typedef struct proc {
	ss_thread t;
	ss_cryptofw_req req;
	cdev *m;
	int sid;
	ss_time rem;          /* user crypto: the buffer's work left */
	unsigned char *buf;   /* execute mode: the request's bytes */
	uint64_t seq;         /* execute mode: requests made */
	int id;
} proc;

struct cdev {
	ss_sim *sim;
	ss_cpu_pool *cpu;
	ss_iobus *bus;
	ss_iobus *local[MAX_PRODUCERS];
	int nlocal;
	ss_coproc *card[MAX_PRODUCERS];
	int ncards;
	ss_cryptofw *fw;
	ss_profile *prof;
	const ss_crypto_alg *alg;     /* user mode: the algorithm (NULL: null) */
	proc *procs;
	int nprocs;
	uint32_t buffer;
	int user;                     /* processes do their crypto in user space */
	ss_thread hog;
	ss_time hog_slice;
	int hog_on;
	ss_time window;
	uint64_t user_bytes;          /* user mode: bytes done in the window */
	double total_bytes;           /* all bytes done (progress) */
	double bus_bound;             /* ipsec: Mbit/s of payload the bus allows */
	/* execute mode (devcrypto) */
	ss_crypto *crypto;
	ss_exec *xa, *xv;             /* the producers' transform; the processes' check */
	size_t cap, prefix;
	uint64_t corrupt_every, exec_done;
	uint64_t verified, payload_errors, corrupted;
	/* ipsec workload */
	int ipsec;
	ss_coproc_place place;
	int sid;                      /* the IPsec SA's session */
	ss_link *link;
	ss_nic *nic;
	ss_pktpool *pool;
	ss_pktq qdisc;                /* packets the full tx ring refused */
	slot *inl_head, *inl_tail;    /* inline: packets waiting for room on an engine */
	ss_thread snd, nirq;
	ss_waitq snd_wq;
	int snd_sleeping, nirq_running, nirq_pending;
	slot *slots, *free_slots;
	int wnd, inflight;
	uint32_t ip_len;              /* datagram bytes of each packet */
	ss_time c_ipsec, c_xmit, c_clean;
	uint64_t sent_bytes;          /* payload bytes cleaned from the ring in the window */
};

static const ss_param_def cd_params[] = {
	{.name = "label", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "free text naming the configuration in results (not used by the model)"},
	{.name = "host", .type = SS_PARAM_STRING, .def = "ocf-testbed", .unit = "",
	 .help = "host profile (hosts/NAME.cfg) giving the parameters below that the scenario does not set"},
	{.name = "cpu_profile", .type = SS_PARAM_STRING, .def = "p3-846", .unit = "",
	 .help = "crypto cost profile of the software driver and of user-space crypto"},
	{.name = "processors", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 64, .unit = "", .help = "processors"},
	{.name = "syscall_us", .type = SS_PARAM_REAL, .def = "0.5", .min = 0, .max = 1e4, .unit = "us",
	 .help = "system call entry and exit"},
	{.name = "validate_us", .type = SS_PARAM_REAL, .def = "1", .min = 0, .max = 1e4, .unit = "us",
	 .help = "cryptodev argument checks, session lookup, request set-up"},
	{.name = "copy_mb_s", .type = SS_PARAM_REAL, .def = "300", .min = 1, .max = 1e6, .unit = "MB/s",
	 .help = "copyin/copyout rate (10^6 bytes per second)"},
	{.name = "dispatch_us", .type = SS_PARAM_REAL, .def = "0.3", .min = 0, .max = 1e4, .unit = "us",
	 .help = "crypto_dispatch: queueing the request"},
	{.name = "wakeup_us", .type = SS_PARAM_REAL, .def = "0.3", .min = 0, .max = 1e4, .unit = "us",
	 .help = "wakeup() of a sleeping thread, charged to the waker"},
	{.name = "thread_us", .type = SS_PARAM_REAL, .def = "0.3", .min = 0, .max = 1e4, .unit = "us",
	 .help = "the crypto thread's work per request"},
	{.name = "driver_us", .type = SS_PARAM_REAL, .def = "2", .min = 0, .max = 1e4, .unit = "us",
	 .help = "a hardware driver's work per request (descriptors, PCI register access)"},
	{.name = "irq_us", .type = SS_PARAM_REAL, .def = "1", .min = 0, .max = 1e4, .unit = "us",
	 .help = "completion interrupt entry, cause read and exit"},
	{.name = "done_us", .type = SS_PARAM_REAL, .def = "0.5", .min = 0, .max = 1e4, .unit = "us",
	 .help = "per completed request: driver clean-up, crypto_done, callback"},
	{.name = "ctx_switch_us", .type = SS_PARAM_REAL, .def = "2", .min = 0, .max = 1e4, .unit = "us",
	 .help = "context switch between threads"},
	{.name = "iobus", .type = SS_PARAM_STRING, .def = "pci64-66", .unit = "",
	 .help = "the host I/O bus the cards sit on (pci32-33|pci64-66|pcix-133|pcie-x4|pcie2-x8)"},
	{.name = "card", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "coprocessor preset (platform/coprocs/NAME.cfg); empty: no card, the software driver only"},
	{.name = "cards", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 64, .unit = "", .help = "cards"},
	{.name = "chips", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 64, .unit = "",
	 .help = "engines per card, each its own producer, sharing the card's on-card bus"},
	{.name = "placement", .type = SS_PARAM_STRING, .def = "lookaside", .unit = "",
	 .help = "where the engines sit: lookaside (a card on the I/O bus), inline (in the NIC's path), cpu (beside the processor)"},
	{.name = "card_mbps", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1e6, .unit = "Mbit/s",
	 .help = "what-if: each engine's rate for the algorithm (0: the preset's rating)"},
	{.name = "alg", .type = SS_PARAM_STRING, .def = "3des-cbc", .unit = "",
	 .help = "algorithm of every session (null, des-cbc, 3des-cbc, aes128-cbc, ...)"},
	{.name = "buffer", .type = SS_PARAM_INT, .def = "8192", .min = 1, .max = 1048576, .unit = "bytes",
	 .help = "bytes per request"},
	{.name = "threads", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = MAX_THREADS, .unit = "",
	 .help = "processes issuing requests, one outstanding each"},
	{.name = "user_crypto", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "the processes do their crypto in user space with cpu_profile's costs (no /dev/crypto)"},
	{.name = "workload", .type = SS_PARAM_STRING, .def = "devcrypto", .unit = "",
	 .help = "devcrypto (processes through /dev/crypto) or ipsec (the kernel's IPsec output to a NIC on the cards' bus)"},
	{.name = "nic", .type = SS_PARAM_STRING, .def = "e1000-82546", .unit = "",
	 .help = "ipsec: the NIC preset (platform/nics/NAME.cfg), on the cards' I/O bus"},
	{.name = "link_mbps", .type = SS_PARAM_REAL, .def = "1000", .min = 1, .max = 100000, .unit = "Mbit/s",
	 .help = "ipsec: the NIC's link"},
	{.name = "ipsec_us", .type = SS_PARAM_REAL, .def = "5", .min = 0, .max = 1e4, .unit = "us",
	 .help = "ipsec: per packet before the crypto (IPsec and IP output, the ESP header)"},
	{.name = "xmit_us", .type = SS_PARAM_REAL, .def = "3", .min = 0, .max = 1e4, .unit = "us",
	 .help = "ipsec: per packet after the crypto (ip_output, the driver's transmit)"},
	{.name = "execute", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "devcrypto: the engines' output is the real transform of each request's bytes, which its process checks"},
	{.name = "corrupt_every", .type = SS_PARAM_INT, .def = "0", .min = 0, .max = 1000000000, .unit = "requests",
	 .help = "execute mode: a faulty engine flips one output bit of every Nth request (0: never)"},
	{.name = "hog", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "a CPU-bound process runs beside them; hog_stretch is its elapsed time against running alone"},
	{.name = "hog_slice_us", .type = SS_PARAM_REAL, .def = "100", .min = 1, .max = 1e6, .unit = "us",
	 .help = "a CPU-bound process (the hog, user-space crypto) computes at most this long before another may take its processor"},
};

static const ss_metric_def cd_metrics[] = {
	{.name = "throughput", .unit = "Mbit/s", .help = "request bytes completed per second, all processes"},
	{.name = "requests_per_s", .unit = "1/s", .help = "requests completed per second"},
	{.name = "latency_us", .unit = "us", .help = "mean ioctl time, entry to return"},
	{.name = "cpu_util", .unit = "fraction", .help = "processors busy"},
	{.name = "cpu_path", .unit = "fraction", .help = "share in system calls, framework and crypto thread"},
	{.name = "cpu_copy", .unit = "fraction", .help = "share copying between user and kernel"},
	{.name = "cpu_crypto", .unit = "fraction", .help = "share in software transforms"},
	{.name = "cpu_driver", .unit = "fraction", .help = "share in drivers and completion interrupts"},
	{.name = "hog_share", .unit = "fraction", .help = "processor share the hog got"},
	{.name = "hog_stretch", .unit = "x", .help = "the hog's elapsed time against running alone (1 / its share)"},
	{.name = "bus_util", .unit = "fraction", .help = "host I/O bus busy share"},
	{.name = "local_bus_util", .unit = "fraction", .help = "busiest on-card bus"},
	{.name = "engine_util", .unit = "fraction", .help = "mean busy share of the engines"},
	{.name = "thread_batch", .unit = "requests", .help = "requests the crypto thread takes per wake-up"},
	{.name = "interrupts_per_s", .unit = "1/s", .help = "completion interrupt handler runs per second"},
	{.name = "link_util", .unit = "fraction", .help = "ipsec: the NIC's link busy share"},
	{.name = "verified_bytes", .unit = "bytes", .help = "execute mode: request bytes whose transform was checked and right"},
	{.name = "payload_errors", .unit = "requests", .help = "execute mode: requests whose output did not decrypt to their input"},
	{.name = "bus_bound", .unit = "Mbit/s", .help = "ipsec: payload rate at which the packets' DMAs alone fill the bus"},
};

static void issue(ss_sim *sim, void *ctx, uint64_t arg);

/* Execute mode: the byte pattern of a process's request, a function of
   the process and the request's number. */
static unsigned char pattern(const proc *p, uint64_t seq, size_t i)
{
	return (unsigned char)(seq * 131u + i * 7u + (unsigned)p->id * 29u);
}

/* The process checks what came back: the transform's output decrypts
   (or its digest verifies) to the bytes it sent. */
static void check_output(proc *p)
{
	cdev *m = p->m;
	ss_cryptofw_req *r = &p->req;
	if (m->corrupt_every && ++m->exec_done % m->corrupt_every == 0 && r->out_len > m->prefix) {
		r->buf[m->prefix] ^= 0x10; /* the faulty engine's one bit */
		m->corrupted++;
	}
	size_t off = 0, plen = 0;
	int ok = r->exec_rc == SS_OK && ss_exec_verify(m->xv, r->buf, r->out_len, &off, &plen) == SS_OK &&
		 plen == m->buffer;
	for (size_t i = 0; ok && i < plen; i++)
		ok = r->buf[off + i] == pattern(p, p->seq, i);
	if (ok)
		m->verified += m->buffer;
	else
		m->payload_errors++;
}

static void done_one(ss_sim *sim, void *ctx, uint64_t arg)
{
	proc *p = ctx;
	if (p->m->xa)
		check_output(p);
	p->seq++;
	p->m->total_bytes += (double)arg;
	issue(sim, p, 0);
}

static void user_slice(ss_sim *sim, void *ctx, uint64_t arg);

/* A CPU-bound process computes for at most one slice (hog_slice_us, as
   the hog) before the others waiting get the processor, so processes
   that never block share it evenly, as a time-sharing scheduler has
   them. */
static void user_sliced(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	proc *p = ctx;
	if (p->rem == 0) {
		p->m->user_bytes += p->m->buffer;
		p->m->total_bytes += p->m->buffer;
		ss_cpu_yield(p->m->cpu, &p->t, issue, p, 0);
	} else {
		ss_cpu_yield(p->m->cpu, &p->t, user_slice, p, 0);
	}
}

static void user_slice(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	proc *p = ctx;
	ss_time d = p->rem < p->m->hog_slice ? p->rem : p->m->hog_slice;
	p->rem -= d;
	ss_cpu_compute(p->m->cpu, &p->t, d, SS_CRYPTOFW_TAG_CRYPTO, user_sliced, p, 0);
}

static void issue(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	proc *p = ctx;
	cdev *m = p->m;
	if (m->user) {
		ss_time d = 0;
		if (m->alg && ss_profile_cost(m->prof, m->alg, m->buffer, &d) != SS_OK)
			ss_fatal(SS_LOC, "cryptohost: the profile lost a cost");
		p->rem = d;
		user_slice(sim, p, 0);
		return;
	}
	if (m->xa) {
		for (size_t i = 0; i < m->buffer; i++)
			p->buf[m->prefix + i] = pattern(p, p->seq, i);
		p->req.exec = m->xa;
		p->req.buf = p->buf;
		p->req.cap = m->cap;
		p->req.len = m->buffer;
		p->req.seq = p->seq;
	}
	ss_cryptofw_ioctl(m->fw, p->sid, &p->t, m->buffer, &p->req, done_one, p);
}

static void hog_run(ss_sim *sim, void *ctx, uint64_t arg);

static void hog_yield(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	cdev *m = ctx;
	ss_cpu_yield(m->cpu, &m->hog, hog_run, m, 0);
}

static void hog_run(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	cdev *m = ctx;
	ss_cpu_compute(m->cpu, &m->hog, m->hog_slice, TAG_HOG, hog_yield, m, 0);
}

/* ---- the ipsec workload ---- */

static void snd_loop(ss_sim *sim, void *ctx, uint64_t arg);

static void sink(void *ctx, ss_packet *p)
{
	ss_pktpool_put(((cdev *)ctx)->pool, p);
}

static void xmit(cdev *m)
{
	ss_packet *p = ss_pktpool_get(m->pool);
	if (!p)
		ss_fatal(SS_LOC, "cryptohost: out of memory for a packet");
	p->len = m->ip_len;
	p->payload = m->buffer;
	p->stamp = ss_sim_now(m->sim);
	if (ss_pktq_len(&m->qdisc) || ss_nic_xmit(m->nic, p) == SS_EBUSY)
		ss_pktq_push(&m->qdisc, p);
}

static void crypto_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	slot *sl = ctx;
	cdev *m = sl->m;
	sl->next = m->free_slots;
	m->free_slots = sl;
	xmit(m);
}

/* An inline engine's request slot is free: the next waiting packet. */
static void inline_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	slot *sl = ctx;
	cdev *m = sl->m;
	if (m->inl_head) {
		slot *w = m->inl_head;
		m->inl_head = w->next;
		if (!m->inl_head)
			m->inl_tail = NULL;
		w->eng = sl->eng;
		if (ss_coproc_submit(w->eng, &w->inl) != SS_OK)
			ss_fatal(SS_LOC, "cryptohost: an inline engine refused a packet after a completion");
	}
	crypto_done(sim, ctx, arg);
}

static void snd_issue(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	cdev *m = ctx;
	slot *sl = m->free_slots;
	m->free_slots = sl->next;
	if (m->place == SS_COPROC_INLINE && m->ncards) {
		/* The driver hands the packet to the NIC; its engine (the card
		   with the fewest requests on it) transforms it on the way. */
		ss_coproc *best = m->card[0];
		for (int i = 1; i < m->ncards; i++)
			if (ss_coproc_inflight(m->card[i]) < ss_coproc_inflight(best))
				best = m->card[i];
		ss_coproc_alg a;
		ss_coproc_alg_of(m->alg ? m->alg->name : "null", &a);
		sl->inl = (ss_coproc_req){.alg = a, .in_bytes = m->buffer, .out_bytes = m->buffer, .k = inline_done,
					  .ctx = sl};
		sl->eng = best;
		int rc = ss_coproc_submit(best, &sl->inl);
		if (rc == SS_EBUSY) {
			sl->next = NULL;
			if (m->inl_tail)
				m->inl_tail->next = sl;
			else
				m->inl_head = sl;
			m->inl_tail = sl;
		} else if (rc != SS_OK) {
			ss_fatal(SS_LOC, "cryptohost: the inline engine refused a packet");
		}
	} else {
		ss_cryptofw_dispatch(m->fw, m->sid, m->buffer, m->c_xmit, &sl->req, crypto_done, sl);
	}
	snd_loop(sim, m, 0);
}

static void snd_woken(ss_sim *sim, void *ctx, uint64_t arg)
{
	((cdev *)ctx)->snd_sleeping = 0;
	snd_loop(sim, ctx, arg);
}

static void snd_loop(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	cdev *m = ctx;
	if (m->inflight >= m->wnd) {
		m->snd_sleeping = 1;
		ss_waitq_wait(&m->snd_wq, &m->snd, snd_woken, m, 0);
		return;
	}
	m->inflight++;
	ss_time d = m->c_ipsec;
	if (m->place == SS_COPROC_INLINE && m->ncards) {
		d += m->c_xmit;
	} else {
		const ss_cryptofw_costs *c = ss_cryptofw_costs_of(m->fw);
		d += c->dispatch + (ss_cryptofw_thread_sleeping(m->fw) ? c->wakeup : 0);
	}
	ss_cpu_compute(m->cpu, &m->snd, d, SS_CRYPTOFW_TAG_PATH, snd_issue, m, 0);
}

static void nirq_go(ss_sim *sim, void *ctx, uint64_t arg);

static void nirq_end(ss_sim *sim, void *ctx, uint64_t arg)
{
	cdev *m = ctx;
	m->inflight -= (int)arg;
	m->sent_bytes += arg * m->buffer;
	m->total_bytes += (double)(arg * m->buffer);
	ss_packet *p;
	while (ss_pktq_len(&m->qdisc) && ss_nic_tx_free(m->nic) > 0) {
		p = ss_pktq_pop(&m->qdisc);
		if (ss_nic_xmit(m->nic, p) != SS_OK)
			ss_fatal(SS_LOC, "cryptohost: the NIC refused a packet with room on its ring");
	}
	if (m->snd_sleeping && ss_waitq_wake_one(&m->snd_wq))
		m->snd_sleeping = 0;
	if (m->nirq_pending) {
		m->nirq_pending = 0;
		nirq_go(sim, m, 0);
		return;
	}
	m->nirq_running = 0;
	ss_cpu_release(m->cpu, &m->nirq);
}

static void nirq_go(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	cdev *m = ctx;
	uint32_t n = ss_nic_tx_clean(m->nic, NULL);
	const ss_cryptofw_costs *c = m->fw ? ss_cryptofw_costs_of(m->fw) : NULL;
	ss_time d = (c ? c->irq : 0) + (ss_time)n * m->c_clean;
	ss_cpu_compute(m->cpu, &m->nirq, d, SS_CRYPTOFW_TAG_DRIVER, nirq_end, m, n);
}

static void nic_irq(void *ctx)
{
	cdev *m = ctx;
	if (m->nirq_running) {
		m->nirq_pending = 1;
		return;
	}
	m->nirq_running = 1;
	ss_cpu_acquire(m->cpu, &m->nirq, nirq_go, m, 0);
}

/* ESP in tunnel-less transport over IPv4 with a 64-bit-block cipher and
   no integrity algorithm: IP header 20, SPI and sequence number 8, IV 8,
   the payload padded with its 2-byte trailer to the block (RFC 4303). */
static uint32_t esp_ip_len(uint32_t payload) { return 20 + 8 + 8 + (payload + 2 + 7) / 8 * 8; }

/* Bus time of one packet's DMAs alone: in and out of a look-aside card
   (in its chunks, with its descriptors), and the NIC's frame and
   descriptor. The closed-form bound the throughput cannot pass. */
static double packet_bus_s(const cdev *m, const ss_nic_spec *ns, const ss_coproc_spec *cs)
{
	double t = ss_time_to_s(ss_iobus_dma_time_desc(m->bus, m->ip_len + ns->dma_hdr, ns->desc_bytes));
	if (m->place == SS_COPROC_LOOKASIDE && m->ncards) {
		uint32_t k = cs->stream_chunk ? cs->stream_chunk : m->buffer, left = m->buffer;
		int first = 1;
		do {
			uint32_t b = left < k ? left : k;
			left -= b;
			uint32_t d = first ? cs->desc_bytes : 0, dl = left == 0 ? cs->desc_bytes : 0;
			t += ss_time_to_s(ss_iobus_dma_time_desc(m->bus, b, d));
			t += ss_time_to_s(ss_iobus_dma_time_desc(m->bus, b, cs->stream_chunk ? dl : cs->desc_bytes));
			first = 0;
		} while (left > 0);
	}
	return t;
}

static void cd_destroy(void *st)
{
	cdev *m = st;
	if (!m)
		return;
	ss_cryptofw_free(m->fw);
	ss_profile_free(m->prof);
	for (int i = 0; m->procs && i < m->nprocs; i++)
		free(m->procs[i].buf);
	free(m->procs);
	ss_exec_free(m->xa);
	ss_exec_free(m->xv);
	ss_crypto_free(m->crypto);
	free(m->slots);
	ss_pktq_init(&m->qdisc); /* its packets belong to the pool */
	ss_pktpool_free(m->pool);
	free(m);
}

static int fail(cdev *m, int rc)
{
	cd_destroy(m);
	return rc;
}

static int build_ipsec(cdev *m, ss_sim *sim, const ss_params *p, const ss_coproc_spec *cs, const char *algname,
		       char *err, size_t errlen)
{
	char e[1024], dir[4096];
	int rc;
	ss_nic_spec ns;
	snprintf(dir, sizeof dir, "%s/platform/nics", ss_datadir());
	if ((rc = ss_nic_spec_load(dir, ss_params_string(p, "nic"), &ns, NULL, 0, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "nic: %s", e);
		return rc == SS_ENOMEM ? rc : SS_EINVAL;
	}
	double rate = ss_params_real(p, "link_mbps") * 1e6;
	if (ns.max_bps > 0 && rate > ns.max_bps) {
		ss_errbuf(err, errlen, "nic %s drives at most %g Mbit/s, not %g", ss_params_string(p, "nic"),
			  ns.max_bps * 1e-6, rate * 1e-6);
		return SS_EINVAL;
	}
	if (!m->bus && (rc = ss_iobus_alloc(&m->bus, sim, "iobus", ss_params_string(p, "iobus"), e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "iobus: %s", e);
		return rc == SS_ENOMEM ? rc : SS_EINVAL;
	}
	m->ip_len = esp_ip_len(m->buffer);
	ss_link_spec ls;
	if (ss_link_spec_ethernet(&ls, rate, m->ip_len < 1500 ? 1500 : 9000) != SS_OK) {
		ss_errbuf(err, errlen, "link: bad rate");
		return SS_EINVAL;
	}
	if ((rc = ss_link_alloc(&m->link, sim, "link", &ls, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "link: %s", e);
		return rc;
	}
	if ((rc = ss_pktpool_alloc(&m->pool, 0)) != SS_OK)
		return rc;
	ss_link_attach(m->link, 1, sink, m);
	if ((rc = ss_nic_alloc(&m->nic, sim, "nic", &ns, m->bus, m->link, 0, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "nic: %s", e);
		return rc;
	}
	ss_nic_set_pool(m->nic, m->pool);
	ss_nic_set_irq(m->nic, nic_irq, m);
	ss_pktq_init(&m->qdisc);
	if (!(m->place == SS_COPROC_INLINE && m->ncards) &&
	    (rc = ss_cryptofw_newsession(m->fw, algname, &m->sid, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "%s", e);
		return rc == SS_ENOMEM ? rc : SS_EINVAL;
	}
	m->wnd = (int)ss_params_int(p, "threads");
	m->slots = calloc((size_t)m->wnd, sizeof *m->slots);
	if (!m->slots)
		return SS_ENOMEM;
	for (int i = 0; i < m->wnd; i++) {
		m->slots[i].m = m;
		m->slots[i].next = m->free_slots;
		m->free_slots = &m->slots[i];
	}
	m->c_ipsec = ss_time_from_us(ss_params_real(p, "ipsec_us"));
	m->c_xmit = ss_time_from_us(ss_params_real(p, "xmit_us"));
	m->c_clean = ss_time_from_us(ss_params_real(p, "done_us"));
	m->bus_bound = m->buffer * 8.0 / packet_bus_s(m, &ns, cs) * 1e-6;
	ss_thread_init(&m->snd, 0x50000u);
	ss_thread_set_mode(&m->snd, SS_CPU_MODE_SYSTEM);
	ss_waitq_init(&m->snd_wq, sim);
	ss_thread_init(&m->nirq, 0x50001u);
	ss_thread_set_level(&m->nirq, SS_CPU_LEVEL_IRQ);
	ss_thread_set_affinity(&m->nirq, 0);
	ss_cpu_acquire(m->cpu, &m->snd, snd_loop, m, 0);
	char lim[48];
	snprintf(lim, sizeof lim, "%d packets in flight", m->wnd);
	ss_sim_set_workload_limit(sim, lim);
	m->window = ss_sim_now(sim);
	return SS_OK;
}

/* Execute mode: one transform for the producers, one for the checks,
   with a fixed key (the runs are reproducible). */
static int build_exec(cdev *m, const ss_params *p, const char *algname, char *err, size_t errlen)
{
	char e[1024];
	int rc;
	if (m->ipsec || m->user || !m->alg) {
		ss_errbuf(err, errlen, "execute needs workload = devcrypto, a real algorithm (not null) and no user_crypto");
		return SS_EINVAL;
	}
	unsigned char key[64];
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)(0x5a ^ (i * 37));
	size_t klen = m->alg->key_size ? m->alg->key_size : 20;
	if ((rc = ss_crypto_alloc(&m->crypto, e, sizeof e)) != SS_OK ||
	    (rc = ss_exec_alloc(&m->xa, m->crypto, algname, key, klen, e, sizeof e)) != SS_OK ||
	    (rc = ss_exec_alloc(&m->xv, m->crypto, algname, key, klen, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "execute: %s", e);
		return rc == SS_ENOMEM ? rc : SS_EINVAL;
	}
	m->prefix = ss_exec_prefix(m->xa);
	m->cap = ss_exec_capacity(m->xa, m->buffer);
	if (m->cap == 0) {
		ss_errbuf(err, errlen, "execute: %s cannot transform %u bytes (a multiple of its block, %zu bytes, is needed)",
			  algname, m->buffer, m->alg->block_size);
		return SS_EINVAL;
	}
	m->corrupt_every = (uint64_t)ss_params_int(p, "corrupt_every");
	return SS_OK;
}

static int cd_create(ss_sim *sim, const ss_params *p, void **state, char *err, size_t errlen)
{
	*state = NULL;
	cdev *m = calloc(1, sizeof *m);
	if (!m)
		return SS_ENOMEM;
	m->sim = sim;
	char e[1024], dir[4096];
	int rc;
	const char *algname = ss_params_string(p, "alg");
	ss_coproc_alg calg;
	if (ss_coproc_alg_of(algname, &calg) != SS_OK) {
		ss_errbuf(err, errlen, "alg: '%s' is not an algorithm a crypto framework serves (null, des-cbc, "
				       "3des-cbc, aes128-cbc, md5, sha1, hmac-md5-96, hmac-sha1-96, ...)", algname);
		return fail(m, SS_EINVAL);
	}
	if (calg == SS_COPROC_RSA1024) {
		ss_errbuf(err, errlen, "alg: public-key requests are not load-balanced by the framework (OCF-C20); "
				       "use a bulk algorithm");
		return fail(m, SS_EINVAL);
	}
	if (calg != SS_COPROC_NULL && ss_crypto_alg_find(algname, &m->alg, e, sizeof e) != SS_OK) {
		ss_errbuf(err, errlen, "alg: %s", e);
		return fail(m, SS_EINVAL);
	}
	snprintf(dir, sizeof dir, "%s/crypto/profiles", ss_datadir());
	if ((rc = ss_profile_load_ref(dir, ss_params_string(p, "cpu_profile"), NULL, &m->prof, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "cpu_profile: %s", e);
		return fail(m, rc == SS_ENOMEM ? rc : SS_EINVAL);
	}
	m->buffer = (uint32_t)ss_params_int(p, "buffer");
	m->user = ss_params_bool(p, "user_crypto");
	m->hog_slice = ss_time_from_us(ss_params_real(p, "hog_slice_us"));
	const char *wl = ss_params_string(p, "workload");
	if (strcmp(wl, "devcrypto") && strcmp(wl, "ipsec")) {
		ss_errbuf(err, errlen, "workload must be devcrypto or ipsec, not '%s'", wl);
		return fail(m, SS_EINVAL);
	}
	m->ipsec = !strcmp(wl, "ipsec");
	if (m->ipsec && (m->user || ss_params_bool(p, "hog"))) {
		ss_errbuf(err, errlen, "workload ipsec takes neither user_crypto nor hog");
		return fail(m, SS_EINVAL);
	}
	if (m->ipsec && m->buffer > 8900) {
		ss_errbuf(err, errlen, "workload ipsec: buffer (the packet's payload) must be at most 8900 bytes");
		return fail(m, SS_EINVAL);
	}
	const char *card = ss_params_string(p, "card");
	if (m->user && *card) {
		ss_errbuf(err, errlen, "user_crypto runs the crypto in the processes: it takes no card (card = \"\")");
		return fail(m, SS_EINVAL);
	}
	if (m->user && m->alg && !ss_profile_has(m->prof, m->alg)) {
		ss_errbuf(err, errlen, "cpu_profile %s has no cost for %s", ss_profile_name(m->prof), algname);
		return fail(m, SS_EINVAL);
	}
	if ((rc = ss_cpu_pool_alloc(&m->cpu, sim, "cpu", (int)ss_params_int(p, "processors"),
				    ss_time_from_us(ss_params_real(p, "ctx_switch_us")))) != SS_OK)
		return fail(m, rc);
	ss_cpu_tag_name(m->cpu, SS_CRYPTOFW_TAG_PATH, "path");
	ss_cpu_tag_name(m->cpu, SS_CRYPTOFW_TAG_COPY, "copy");
	ss_cpu_tag_name(m->cpu, SS_CRYPTOFW_TAG_CRYPTO, "crypto");
	ss_cpu_tag_name(m->cpu, SS_CRYPTOFW_TAG_DRIVER, "driver");
	ss_cpu_tag_name(m->cpu, TAG_HOG, "hog");
	if (!m->user) {
		ss_cryptofw_costs c = {
			.syscall = ss_time_from_us(ss_params_real(p, "syscall_us")),
			.validate = ss_time_from_us(ss_params_real(p, "validate_us")),
			.copy_Bps = ss_params_real(p, "copy_mb_s") * 1e6,
			.dispatch = ss_time_from_us(ss_params_real(p, "dispatch_us")),
			.wakeup = ss_time_from_us(ss_params_real(p, "wakeup_us")),
			.thread = ss_time_from_us(ss_params_real(p, "thread_us")),
			.driver = ss_time_from_us(ss_params_real(p, "driver_us")),
			.irq = ss_time_from_us(ss_params_real(p, "irq_us")),
			.done = ss_time_from_us(ss_params_real(p, "done_us")),
		};
		if ((rc = ss_cryptofw_alloc(&m->fw, sim, m->cpu, &c, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "%s", e);
			return fail(m, rc);
		}
	}
	ss_coproc_spec cs = {0};
	m->place = SS_COPROC_CPU;
	if (*card) {
		ss_coproc_place place;
		if (ss_coproc_place_of(ss_params_string(p, "placement"), &place) != SS_OK) {
			ss_errbuf(err, errlen, "placement must be lookaside, inline or cpu, not '%s'",
				  ss_params_string(p, "placement"));
			return fail(m, SS_EINVAL);
		}
		snprintf(dir, sizeof dir, "%s/platform/coprocs", ss_datadir());
		if ((rc = ss_coproc_spec_load(dir, card, &cs, NULL, 0, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "card: %s", e);
			return fail(m, rc == SS_ENOMEM ? rc : SS_EINVAL);
		}
		double what_if = ss_params_real(p, "card_mbps");
		if (what_if > 0 && calg != SS_COPROC_NULL)
			cs.bps[calg] = what_if * 1e6;
		int cards = (int)ss_params_int(p, "cards"), chips = (int)ss_params_int(p, "chips");
		if (cards * chips > MAX_PRODUCERS) {
			ss_errbuf(err, errlen, "cards x chips must be at most %d", MAX_PRODUCERS);
			return fail(m, SS_EINVAL);
		}
		m->place = place;
		if (place == SS_COPROC_INLINE && !m->ipsec) {
			ss_errbuf(err, errlen, "placement inline puts the engine in the NIC: it takes workload = ipsec");
			return fail(m, SS_EINVAL);
		}
		if ((place == SS_COPROC_LOOKASIDE || m->ipsec) && !m->bus &&
		    (rc = ss_iobus_alloc(&m->bus, sim, "iobus", ss_params_string(p, "iobus"), e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "iobus: %s", e);
			return fail(m, rc == SS_ENOMEM ? rc : SS_EINVAL);
		}
		for (int k = 0; k < cards; k++) {
			ss_iobus *local = NULL;
			char name[32];
			if (place == SS_COPROC_LOOKASIDE) {
				snprintf(name, sizeof name, "card%d.bus", k);
				if ((rc = ss_coproc_local_bus(&local, sim, name, &cs, e, sizeof e)) != SS_OK) {
					ss_errbuf(err, errlen, "card: %s", e);
					return fail(m, rc);
				}
				if (local)
					m->local[m->nlocal++] = local;
			}
			for (int j = 0; j < chips; j++) {
				snprintf(name, sizeof name, "card%d.%d", k, j);
				ss_coproc *cp;
				if ((rc = ss_coproc_alloc(&cp, sim, name, &cs, place, m->bus, local, e, sizeof e)) != SS_OK) {
					ss_errbuf(err, errlen, "card: %s", e);
					return fail(m, rc);
				}
				if (!ss_coproc_supports(cp, calg)) {
					ss_errbuf(err, errlen, "card %s rates no %s: its sessions would go to the software driver; "
							       "choose an algorithm it supports", card, algname);
					return fail(m, SS_EINVAL);
				}
				m->card[m->ncards++] = cp;
				if (place != SS_COPROC_INLINE)
					ss_cryptofw_add_card(m->fw, cp);
			}
		}
	}
	if (!m->user && ss_cryptofw_add_software(m->fw, m->prof) < 0)
		return fail(m, SS_ENOMEM);
	if (m->ipsec) {
		if ((rc = build_ipsec(m, sim, p, &cs, algname, err, errlen)) != SS_OK)
			return fail(m, rc);
		*state = m;
		return SS_OK;
	}
	m->nprocs = (int)ss_params_int(p, "threads");
	m->procs = calloc((size_t)m->nprocs, sizeof *m->procs);
	if (!m->procs)
		return fail(m, SS_ENOMEM);
	if (ss_params_bool(p, "execute") && (rc = build_exec(m, p, algname, err, errlen)) != SS_OK)
		return fail(m, rc);
	for (int i = 0; i < m->nprocs; i++) {
		proc *pr = &m->procs[i];
		pr->m = m;
		pr->id = i;
		if (m->xa && !(pr->buf = malloc(m->cap)))
			return fail(m, SS_ENOMEM);
		ss_thread_init(&pr->t, (uint32_t)i + 1);
		if (!m->user && (rc = ss_cryptofw_newsession(m->fw, algname, &pr->sid, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "%s", e);
			return fail(m, rc == SS_ENOMEM ? rc : SS_EINVAL);
		}
		ss_cpu_acquire(m->cpu, &pr->t, issue, pr, 0);
	}
	m->hog_on = ss_params_bool(p, "hog");
	if (m->hog_on) {
		ss_thread_init(&m->hog, 0x40000u);
		ss_cpu_acquire(m->cpu, &m->hog, hog_run, m, 0);
	}
	char lim[48];
	snprintf(lim, sizeof lim, "%d process%s", m->nprocs, m->nprocs == 1 ? "" : "es");
	ss_sim_set_workload_limit(sim, lim);
	m->window = ss_sim_now(sim);
	*state = m;
	return SS_OK;
}

static void cd_reset(void *st)
{
	cdev *m = st;
	m->window = ss_sim_now(m->sim);
	m->user_bytes = 0;
	m->sent_bytes = 0;
	m->verified = m->payload_errors = 0;
	if (m->fw)
		ss_cryptofw_reset(m->fw);
}

static void cd_collect(void *st, ss_metrics *out)
{
	cdev *m = st;
	double span = ss_time_to_s(ss_sim_now(m->sim) - m->window);
	double n = ss_cpu_count(m->cpu), cap = span * n;
	ss_cryptofw_stats fs = {0};
	if (m->fw)
		ss_cryptofw_stats_get(m->fw, &fs);
	double bytes = m->ipsec ? (double)m->sent_bytes : m->user ? (double)m->user_bytes : (double)fs.bytes;
	double reqs = m->user ? (double)m->user_bytes / m->buffer : (double)fs.requests;
	ss_metrics_set(out, "throughput", "Mbit/s", span > 0 ? bytes * 8 / span * 1e-6 : 0);
	ss_metrics_set(out, "requests_per_s", "1/s", span > 0 ? reqs / span : 0);
	ss_metrics_set(out, "latency_us", "us", fs.mean_latency_us);
	ss_metrics_set(out, "cpu_util", "fraction", ss_cpu_utilisation(m->cpu));
	const struct {
		const char *name;
		int tag;
	} tags[] = {{"cpu_path", SS_CRYPTOFW_TAG_PATH},
		    {"cpu_copy", SS_CRYPTOFW_TAG_COPY},
		    {"cpu_crypto", SS_CRYPTOFW_TAG_CRYPTO},
		    {"cpu_driver", SS_CRYPTOFW_TAG_DRIVER},
		    {"hog_share", TAG_HOG}};
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		ss_metrics_set(out, tags[i].name, "fraction", cap > 0 ? ss_cpu_tag_time(m->cpu, tags[i].tag) / cap : 0);
	double hs = cap > 0 ? ss_cpu_tag_time(m->cpu, TAG_HOG) / (span) : 0; /* of one processor */
	ss_metrics_set(out, "hog_stretch", "x", m->hog_on && hs > 0 ? 1.0 / hs : 0);
	ss_metrics_set(out, "bus_util", "fraction", m->bus ? ss_iobus_utilisation(m->bus, SS_IOBUS_FROM_MEM) : 0);
	double lu = 0;
	for (int i = 0; i < m->nlocal; i++)
		lu = fmax(lu, ss_iobus_utilisation(m->local[i], SS_IOBUS_FROM_MEM));
	ss_metrics_set(out, "local_bus_util", "fraction", lu);
	double eu = 0;
	for (int i = 0; i < m->ncards; i++)
		eu += ss_coproc_utilisation(m->card[i]);
	ss_metrics_set(out, "engine_util", "fraction", m->ncards ? eu / m->ncards : 0);
	ss_metrics_set(out, "thread_batch", "requests", fs.thread_batch);
	ss_metrics_set(out, "interrupts_per_s", "1/s", span > 0 ? (double)fs.interrupts / span : 0);
	ss_metrics_set(out, "link_util", "fraction", m->link ? ss_link_utilisation(m->link, 0) : 0);
	ss_metrics_set(out, "bus_bound", "Mbit/s", m->bus_bound);
	ss_metrics_set(out, "verified_bytes", "bytes", (double)m->verified);
	ss_metrics_set(out, "payload_errors", "requests", (double)m->payload_errors);
}

static double cd_progress(void *st) { return ((cdev *)st)->total_bytes; }

const ss_model_type ss_model_cryptohost = {
	.name = "cryptohost",
	.help = "a host's crypto framework and engines (cards on the I/O bus, inline in the NIC, beside the CPU, software) under /dev/crypto processes or IPsec output (Keromytis et al.)",
	.params = cd_params,
	.nparams = sizeof cd_params / sizeof cd_params[0],
	.metrics = cd_metrics,
	.nmetrics = sizeof cd_metrics / sizeof cd_metrics[0],
	.primary = "throughput",
	.create = cd_create,
	.reset = cd_reset,
	.collect = cd_collect,
	.progress = cd_progress,
	.destroy = cd_destroy,
};
