/* Model "mpstack": a parallel x-kernel protocol stack on a shared-memory
   multiprocessor, as in Nahum et al., "Parallelized Network Security
   Protocols" (reference/nahum95.csv, docs/nahum95.md).

   A host has N processors, one memory bus shared by them, and, under
   packet-level parallelism (PLP), the locks of shared protocol state: one
   TCP connection-state lock per connection and one lock per layer's
   active map. Threads push packets through the layers of the stack,
   driven by in-memory drivers that produce (receive side) or consume
   (send side) packets as fast as possible. Each layer charges CPU time
   and memory traffic; crypto layers charge the crypto profile's costs.

   Parallelism:
     plp  thread per packet: `threads` (default: one per processor) take
          packets of the connections in turn; shared state is locked.
     tpc  connection-level, thread per connection: no shared state.
     ppc  connection-level, processor per connection: min(processors,
          connections) threads each serving a fixed set of connections
          round robin.

   The uniprocessor per-packet costs are inputs (Tables 1 and 2); every
   multiprocessor effect is an output of the mechanisms: lock contention
   and hand-off (the TCP state migrating between caches over the bus),
   memory-bus contention, scheduling and context switches. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_bus.h"
#include "ss_cpu.h"
#include "ss_crypto.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_exec.h"
#include "ss_lock.h"
#include "ss_model.h"
#include "ss_profile.h"
#include "ss_rng.h"
#include "ss_mpstack.h"
#include "ss_layer.h"
#include "ss_stats.h"

enum { TAG_PROTO = 0, TAG_CRYPTO = 1 };
enum { OP_COMPUTE, OP_MEM, OP_LOCK, OP_UNLOCK, OP_MIGRATE, OP_EXEC };
enum { PAR_PLP, PAR_TPC, PAR_PPC };

/* A lock index below 0 names the TCP lock of the packet's connection. */
#define LOCK_CONN (-1)
#define MAXOPS 64
#define MAXMAPS 8

typedef struct op {
	int kind;
	int tag;        /* COMPUTE: TAG_PROTO or TAG_CRYPTO */
	int lock;       /* LOCK/UNLOCK/MIGRATE: map index or LOCK_CONN */
	ss_time dur;    /* COMPUTE */
	double bytes;   /* MEM, MIGRATE */
	int exec;       /* EXEC: index into the model's exec transforms */
	const char *what; /* layer or activity, for traces */
} op;

/* Shared state under a lock, and the processor whose cache holds it. */
typedef struct state {
	ss_lock *lock;
	int cpu;
} state;

/* Per-packet time ledger, picoseconds summed over packets. */
typedef struct ledger {
	double proto, crypto, memory, bus_wait, lock_wait, migrate, runq;
} ledger;

typedef struct worker {
	ss_thread th;
	struct mp *m;
	int first, stride, nconn; /* connections served: first + k*stride */
	int k;                    /* next of them (ppc) */
	int conn, last_conn;
	size_t pc;
	ss_time pkt_start, mark, dispatched;
	double pending_migrate;   /* state reload before the next packet, bytes */
	double xfer;              /* bytes of the transfer under way */
} worker;

typedef struct mp {
	ss_sim *sim;
	int par, side_send, nproc, nconn, nthreads;
	double pkt_bytes, state_bytes;
	double shared_bytes;      /* unreplicated shared data written per packet */
	int shared_cpu;           /* processor that wrote it last, -1: none */
	double proto_scale;       /* protocol cost multiplier in effect */
	ss_time quantum;
	ss_cpu_pool *cpu;
	ss_bus *bus;
	double cap;               /* bytes/ps one processor can pull */
	op ops[MAXOPS];
	size_t nops;
	state *conn_state;        /* PLP: per connection */
	state maps[MAXMAPS];
	size_t nmaps;
	worker *w;
	uint64_t rr;              /* PLP: next connection */
	double *conn_bytes;       /* delivered per connection, window */
	double bytes_all, bytes_win, pkts_win;
	ledger led;
	ss_tally pkt_time;        /* s */
	ss_time window;
	/* Execute mode. */
	int execute;
	ss_crypto *crypto;
	ss_exec *ex[2];
	size_t nex;
	unsigned char *buf, *orig;
	size_t bufcap;
	ss_rng *payload_rng;
	ss_rng *cost_rng;         /* per-step cost variation */
	double cost_cv;
	long long corrupt_every;
	uint64_t verified, verify_failed;
	uint64_t seq;             /* packets transformed: IV counter */
	ss_mpstack_trace_fn trace; /* interval recorder, or NULL */
	void *trace_ud;
} mp;

static const ss_param_def mp_params[] = {
	{"stack", SS_PARAM_STRING, "TCP/IP/FDDI", 0, 0, NULL, "", "protocol graph, top first: [DES|3DES|AES/](TCP|UDP)[/MD5|SHA1]/IP[/FDDI]"},
	{"label", SS_PARAM_STRING, "", 0, 0, NULL, "", "free text naming the configuration in results (not used by the model)"},
	{"side", SS_PARAM_STRING, "send", 0, 0, "send|recv", "", "send side (driver consumes) or receive side (driver produces)"},
	{"parallelism", SS_PARAM_STRING, "plp", 0, 0, "plp|tpc|ppc", "", "packet-level, thread-per-connection or processor-per-connection"},
	{"processors", SS_PARAM_INT, "1", 1, 1024, NULL, "", "processors of the host"},
	{"connections", SS_PARAM_INT, "1", 1, 100000, NULL, "", "connections carrying the load"},
	{"threads", SS_PARAM_INT, "0", 0, 100000, NULL, "", "PLP threads (0: one per processor); CLP sets its own"},
	{"packet_bytes", SS_PARAM_INT, "4096", 64, 4096, NULL, "bytes", "user data per packet (FDDI MTU 4352 leaves room for 4 KB + headers; N95 sec. 3.3)"},
	{"profile", SS_PARAM_STRING, "r4400-100", 0, 0, NULL, "", "crypto cost profile: a name in crypto/profiles, or a path to a profile file"},
	{"host", SS_PARAM_STRING, "", 0, 0, NULL, "", "host profile (hosts/NAME.cfg): crypto profile, protocol scale, memory and scheduler costs for every one of them not set otherwise; empty: the defaults here (the SGI Challenge XL, as hosts/challenge-xl)"},
	{"crypto_set", SS_PARAM_STRING, "", 0, 0, NULL, "", "profile overrides, e.g. \"md5.per_byte_ns=300,des-cbc.per_byte_ns=1700\""},
	{"base_plp_send_us", SS_PARAM_REAL, "236", 0, 1e9, NULL, "us", "TCP/IP/FDDI per 4 KB packet, PLP send (Table 1, N95-035)"},
	{"base_plp_recv_us", SS_PARAM_REAL, "189", 0, 1e9, NULL, "us", "TCP/IP/FDDI per 4 KB packet, PLP receive (Table 1, N95-036)"},
	{"base_clp_send_us", SS_PARAM_REAL, "226", 0, 1e9, NULL, "us", "TCP/IP/FDDI per 4 KB packet, CLP send (Table 2, N95-052)"},
	{"base_clp_recv_us", SS_PARAM_REAL, "214", 0, 1e9, NULL, "us", "TCP/IP/FDDI per 4 KB packet, CLP receive (Table 2, N95-053)"},
	{"proto_scale", SS_PARAM_REAL, "1", 0, 1e6, NULL, "", "multiplies protocol (non-crypto) CPU costs; 0: scale as MD5 does from the R4400 to the profile's CPU (assumption)"},
	{"tcp_locked_share", SS_PARAM_REAL, "0.695", 0, 1, NULL, "", "share of the baseline the TCP connection lock is held per packet, the state reload from another processor's cache included (N95-069: 200 Mbit/s lock bound = 164 of 236 us)"},
	{"udp_share", SS_PARAM_REAL, "0.5", 0, 1, NULL, "", "UDP/IP cost as a share of TCP/IP (assumption: no UDP numbers in the paper)"},
	{"map_lock_us", SS_PARAM_REAL, "2", 0, 1e6, NULL, "us", "active-map lookup per layer, under that map's lock in PLP (assumption)"},
	{"mem_send_bytes", SS_PARAM_REAL, "8192", 0, 1e9, NULL, "bytes", "memory traffic of TCP/IP per packet, send (assumption: checksum read + headers and buffers)"},
	{"mem_recv_bytes", SS_PARAM_REAL, "4096", 0, 1e9, NULL, "bytes", "memory traffic of TCP/IP per packet, receive (assumption: checksum read; templates cached)"},
	{"state_bytes", SS_PARAM_REAL, "4096", 0, 1e9, NULL, "bytes", "connection state that moves between caches when another processor takes it (assumption)"},
	{"bus_bandwidth", SS_PARAM_REAL, "1.2e9", 1, 1e15, NULL, "bytes/s", "memory bus: the SGI POWERpath-2, 256 bits at 47.6 MHz, 1.2 GB/s (Galles & Williams, ref. [11] of N95)"},
	{"shared_bytes", SS_PARAM_REAL, "0", 0, 1e9, NULL, "bytes", "shared data every packet writes that no scheme replicates (buffer pool, counters): it moves between caches when another processor wrote it last. 0: none, for want of a source; nahum95/whatif_shared sweeps it"},
	{"cpu_bandwidth", SS_PARAM_REAL, "128e6", 1, 1e15, NULL, "bytes/s", "memory bandwidth one processor can use (assumption: one 128 B miss per us)"},
	{"cache_line", SS_PARAM_REAL, "128", 0, 1e6, NULL, "bytes", "bytes per miss on the bus: the Challenge's 128-byte transactions, one secondary-cache line (Galles & Williams, ref. [11]); misses queue for the bus one at a time per processor. 0: processors share the bus as a plain capped share"},
	{"context_switch_us", SS_PARAM_REAL, "15", 0, 1e6, NULL, "us", "context switch (assumption for IRIX 5 on a 100 MHz R4400)"},
	{"quantum_us", SS_PARAM_REAL, "10000", 1, 1e9, NULL, "us", "scheduling quantum before a thread yields to waiting ones (assumption)"},
	{"cost_cv", SS_PARAM_REAL, "0.05", 0, 1, NULL, "", "coefficient of variation of each CPU step (assumption: cache and TLB state vary per packet)"},
	{"corrupt_every", SS_PARAM_INT, "0", 0, 1000000000, NULL, "packets", "execute mode: flip one payload bit in flight every N packets (0: never)"},
	{"lock", SS_PARAM_STRING, "spin", 0, 0, "spin|block", "", "PLP locks spin or block"},
	{"execute", SS_PARAM_BOOL, "false", 0, 0, NULL, "", "really hash/encrypt/decrypt the payloads and verify them"},
};

static const ss_metric_def mp_metrics[] = {
	{"throughput", "Mbit/s", "user data through the stack"},
	{"latency", "us", "packet bits / throughput: the paper's latency (Tables 1-2) at 1 processor"},
	{"packet_time", "us", "mean time from a packet's start to its end"},
	{"fairness", "", "Jain's index of the connections' throughputs (1 = equal)"},
	{"ledger.proto", "us", "per packet: protocol processing"},
	{"ledger.crypto", "us", "per packet: crypto processing"},
	{"ledger.memory", "us", "per packet: memory traffic alone on the bus"},
	{"ledger.bus_wait", "us", "per packet: waiting for the memory bus"},
	{"ledger.lock_wait", "us", "per packet: waiting for locks"},
	{"ledger.migrate", "us", "per packet: shared state moving between caches"},
	{"ledger.ctxsw", "us", "per packet: context switches"},
	{"ledger.runq", "us", "per packet: waiting for a processor"},
	{"verified", "packets", "execute mode: packets whose transforms verified"},
	{"verify_failed", "packets", "execute mode: packets that failed verification"},
};

/* ---------------- the stack ---------------- */

/* The x-kernel layers of Nahum et al. that mpstack costs, and where they
   sit: [cipher] transport [digest] IP [FDDI] (the grammar of
   proto/ss_layer.h places them; here only the types are checked). */
static const ss_layer_type *const mp_layers[] = {
	&ss_layer_des, &ss_layer_3des, &ss_layer_aes, &ss_layer_tcp, &ss_layer_udp,
	&ss_layer_md5, &ss_layer_sha1, &ss_layer_ip, &ss_layer_fddi,
};

typedef struct shape {
	const ss_layer_type *cipher, *transport, *digest; /* NULL: none */
	int fddi;                                          /* has an FDDI layer */
} shape;

static int stack_shape(const char *text, shape *sh, char *err, size_t errlen)
{
	ss_layer_stack *st = NULL;
	memset(sh, 0, sizeof *sh);
	int rc = ss_layer_stack_parse(&st, NULL, text, err, errlen);
	if (rc)
		return rc;
	for (size_t i = 0; i < ss_layer_stack_len(st) && !rc; i++) {
		const ss_layer_type *t = ss_layer_type_of(ss_layer_stack_at(st, i));
		size_t k = 0, n = sizeof mp_layers / sizeof mp_layers[0];
		while (k < n && mp_layers[k] != t)
			k++;
		if (k == n) {
			ss_errbuf(err, errlen, "stack '%s': mpstack has no costs for %s (its layers: DES, 3DES, AES, TCP, UDP, MD5, SHA1, IP, FDDI)",
				  text, t->name);
			rc = SS_EINVAL;
		} else if (t->role == SS_LAYER_CIPHER)
			sh->cipher = t;
		else if (t->role == SS_LAYER_TRANSPORT)
			sh->transport = t;
		else if (t->role == SS_LAYER_DIGEST)
			sh->digest = t;
		else if (t == &ss_layer_fddi)
			sh->fddi = 1;
	}
	if (!rc && !sh->transport) {
		ss_errbuf(err, errlen, "stack '%s': mpstack needs a transport (TCP or UDP)", text);
		rc = SS_EINVAL;
	}
	ss_layer_stack_free(st);
	return rc;
}

/* ---------------- building the per-packet program ---------------- */

typedef struct builder {
	mp *m;
	char *err;
	size_t errlen;
	int bad;
	const char *cur;  /* layer being built, for traces */
} builder;

static void emit(builder *b, op o)
{
	if (b->m->nops == MAXOPS) {
		b->bad = 1;
		return;
	}
	if (!o.what)
		o.what = b->cur;
	b->m->ops[b->m->nops++] = o;
}

static void compute(builder *b, double us_or_ps, int tag, int is_ps)
{
	ss_time d = is_ps ? (ss_time)us_or_ps : ss_time_from_us(us_or_ps);
	if (d > 0)
		emit(b, (op){OP_COMPUTE, tag, 0, d, 0, 0, NULL});
}

static void mem(builder *b, double bytes)
{
	if (bytes > 0)
		emit(b, (op){OP_MEM, 0, 0, 0, bytes, 0, NULL});
}

/* A layer's work: `us` of time alone on one processor, `bytes` of which
   is memory traffic (so compute = us - bytes/cap), memory first. When the
   traffic alone takes longer (a fast CPU on a slow memory, e.g. a
   calibrated profile with the R4400's byte counts), the layer is
   memory-bound: it takes its memory time and computes nothing. */
static void work(builder *b, const char *what, double us, double bytes, int tag)
{
	b->cur = what;
	double mem_us = bytes / b->m->cap * 1e-6;
	mem(b, bytes);
	if (us > mem_us)
		compute(b, us - mem_us, tag, 0);
}

/* An active-map lookup: locked in PLP, private (replicated) in CLP. */
static void map_lookup(builder *b, const char *name, double us)
{
	mp *m = b->m;
	if (us <= 0)
		return;
	b->cur = "map lookup";
	if (m->par != PAR_PLP) {
		compute(b, us, TAG_PROTO, 0);
		return;
	}
	if (m->nmaps == MAXMAPS) {
		b->bad = 1;
		return;
	}
	char nm[48];
	snprintf(nm, sizeof nm, "lock.map.%s", name);
	int idx = (int)m->nmaps;
	state *s = &m->maps[m->nmaps++];
	s->cpu = -1;
	if (ss_lock_alloc(&s->lock, m->sim, nm, SS_LOCK_SPIN, m->cpu) != SS_OK) {
		b->bad = 1;
		return;
	}
	emit(b, (op){OP_LOCK, 0, idx, 0, 0, 0, NULL});
	compute(b, us, TAG_PROTO, 0);
	emit(b, (op){OP_UNLOCK, 0, idx, 0, 0, 0, NULL});
}

static void crypto_layer(builder *b, const ss_profile *prof, const ss_layer_type *k, double bytes)
{
	const char *alg = k->alg;
	b->cur = k->label;
	ss_time t;
	char e[256];
	if (ss_profile_cost_by_name(prof, alg, (size_t)bytes, &t, e, sizeof e)) {
		ss_errbuf(b->err, b->errlen, "%s", e);
		b->bad = 1;
		return;
	}
	/* A digest reads the payload; a cipher reads and writes it. */
	double traffic = k->role == SS_LAYER_DIGEST ? bytes : 2 * bytes;
	double mem_ps = traffic / b->m->cap;
	if (mem_ps > (double)t)
		mem_ps = (double)t; /* a profile faster than memory: all stall */
	mem(b, mem_ps * b->m->cap);
	compute(b, (double)t - mem_ps, TAG_CRYPTO, 1);
	if (b->m->execute) {
		for (size_t i = 0; i < b->m->nex; i++)
			if (!strcmp(ss_exec_alg(b->m->ex[i])->name, alg))
				emit(b, (op){OP_EXEC, 0, 0, 0, 0, (int)i, NULL});
	}
}

/* The per-packet program for one side of the stack. Shares of the
   baseline TCP/IP/FDDI cost (assumption: the paper gives totals only):
   transport 75% (of which tcp_locked_share of the whole under the TCP
   lock), IP 12%, FDDI 8%, drivers 5% (half at the top, half at the
   bottom).

   The paper's lock bound (N95-069) is the lock's hold on the
   multiprocessor, where the connection state comes from another
   processor's cache on nearly every packet: the reload is part of the
   locked time, not added to it. On one processor the state stays
   cached, so the reload's share of the locked time runs as unlocked TCP
   work and the packet still costs Table 1's total. */
static int build(mp *m, const ss_params *p, const shape *st, const ss_profile *prof,
		 char *err, size_t errlen)
{
	builder b = {m, err, errlen, 0, NULL};
	int send = m->side_send, tcp = st->transport == &ss_layer_tcp;
	double base = m->par == PAR_PLP ? ss_params_real(p, send ? "base_plp_send_us" : "base_plp_recv_us")
					: ss_params_real(p, send ? "base_clp_send_us" : "base_clp_recv_us");
	/* Size scaling (assumption): half of the protocol cost per packet,
	   half per byte, around the measured 4 KB. */
	base *= (0.5 + 0.5 * m->pkt_bytes / 4096.0) * m->proto_scale;
	if (!tcp)
		base *= ss_params_real(p, "udp_share");
	double maplk = ss_params_real(p, "map_lock_us") * m->proto_scale;
	double locked = tcp ? ss_params_real(p, "tcp_locked_share") * base : 0;
	double transport = 0.75 * base, ip = 0.12 * base, fddi = 0.08 * base, drv = 0.05 * base;
	if (!st->fddi) {
		drv += fddi; /* the driver does the link work itself */
		fddi = 0;
	}
	if (locked > transport) {
		ss_errbuf(err, errlen, "tcp_locked_share %.3f exceeds the transport's share 0.75 of the cost",
			  ss_params_real(p, "tcp_locked_share"));
		return SS_EINVAL;
	}
	double memb = ss_params_real(p, send ? "mem_send_bytes" : "mem_recv_bytes") * m->pkt_bytes / 4096.0;
	double mem_transport = memb < m->pkt_bytes ? memb : m->pkt_bytes; /* checksum */
	int locks_tcp = m->par == PAR_PLP && tcp;
	/* The state reload alone on the bus, and the locked work beside it.
	   Where memory is slow for the CPU (protocol costs scaled to a current
	   host, the R4400's byte counts) the reload and the checksum alone
	   outlast the stated time: the section is then memory-bound and takes
	   their time, as work() does for any layer. */
	double reload = locks_tcp ? m->state_bytes / m->cap * 1e-6 : 0;
	double in_lock = locked - reload, cksum_us = mem_transport / m->cap * 1e-6;
	if (locks_tcp && in_lock < cksum_us)
		in_lock = cksum_us;
	double mem_driver = memb - mem_transport;
	int nmapl = 2 + (st->fddi ? 1 : 0) + (st->digest != NULL) + (st->cipher != NULL);
	/* Map lookups are part of the layers' measured cost: carve them out. */
	double lookups = nmapl * maplk;
	if (lookups > ip + fddi + drv) {
		ss_errbuf(err, errlen, "map_lock_us: %d lookups of %.1f us exceed the IP, FDDI and driver cost",
			  nmapl, maplk);
		return SS_EINVAL;
	}
	double ip_net = ip - lookups * (ip / (ip + fddi + drv));
	double fddi_net = fddi - lookups * (fddi / (ip + fddi + drv));
	double drv_net = drv - lookups * (drv / (ip + fddi + drv));
	/* Traffic beyond the checksum spreads over the unlocked work (the
	   transport outside its lock, IP, FDDI, the bottom driver) in
	   proportion to each one's time left after its own traffic. */
	double t_rest = locks_tcp ? transport - in_lock : transport;
	double t_rest_free = t_rest - (locks_tcp ? 0 : mem_transport / m->cap * 1e-6);
	double below = t_rest_free + ip_net + fddi_net + drv_net / 2;
	double mem_tr = below > 0 ? mem_driver * t_rest_free / below : 0;
	double mem_ip = below > 0 ? mem_driver * ip_net / below : 0;
	double mem_fddi = below > 0 ? mem_driver * fddi_net / below : 0;
	double mem_drv = mem_driver - mem_tr - mem_ip - mem_fddi;

	/* The layers top first; the send side walks them down, the receive
	   side up, so each side meets the same work in mirror order. */
	enum { L_TOP, L_CIPHER, L_TRANSPORT, L_DIGEST, L_IP, L_FDDI, L_DRIVER, L_N };
	for (int k = 0; k < L_N; k++) {
		int layer = send ? k : L_N - 1 - k;
		switch (layer) {
		case L_TOP:
			work(&b, "driver (top)", drv_net / 2, 0, TAG_PROTO);
			break;
		case L_CIPHER:
		case L_DIGEST: {
			const ss_layer_type *at = layer == L_CIPHER ? st->cipher : st->digest;
			if (at) {
				map_lookup(&b, layer == L_CIPHER ? "cipher" : "digest", maplk);
				crypto_layer(&b, prof, at, m->pkt_bytes);
			}
			break;
		}
		case L_TRANSPORT:
			/* The locked section starts with the state (migrating if
			   another processor had it) and includes the checksum;
			   with the reload it lasts `locked`. */
			map_lookup(&b, tcp ? "tcp" : "udp", maplk);
			if (locks_tcp) {
				b.cur = "TCP (locked)";
				emit(&b, (op){OP_LOCK, 0, LOCK_CONN, 0, 0, 0, NULL});
				emit(&b, (op){OP_MIGRATE, 0, LOCK_CONN, 0, m->state_bytes, 0, NULL});
				work(&b, "TCP (locked)", in_lock, mem_transport, TAG_PROTO);
				emit(&b, (op){OP_UNLOCK, 0, LOCK_CONN, 0, 0, 0, NULL});
				work(&b, "TCP", transport - in_lock, mem_tr, TAG_PROTO);
			} else {
				work(&b, tcp ? "TCP" : "UDP", transport, mem_transport + mem_tr, TAG_PROTO);
			}
			break;
		case L_IP:
			map_lookup(&b, "ip", maplk);
			work(&b, "IP", ip_net, mem_ip, TAG_PROTO);
			break;
		case L_FDDI:
			if (st->fddi) {
				map_lookup(&b, "fddi", maplk);
				work(&b, "FDDI", fddi_net, mem_fddi, TAG_PROTO);
			}
			break;
		case L_DRIVER:
			work(&b, "driver", drv_net / 2, mem_drv, TAG_PROTO);
			break;
		}
	}
	if (b.bad) {
		if (!err[0])
			ss_errbuf(err, errlen, "the stack needs more than %d steps or out of memory", MAXOPS);
		return SS_EINVAL;
	}
	return SS_OK;
}

/* ---------------- execute mode ---------------- */

/* Sender transforms, then the in-memory wire, then the receiver checks:
   the bytes are really hashed, encrypted and decrypted, while simulated
   time comes from the profile alone. Runs once per packet at the first
   EXEC op; the order of layers is the stack's. */
static void exec_packet(mp *m)
{
	size_t len = (size_t)m->pkt_bytes;
	ss_rng_fill(m->payload_rng, m->orig, len);
	memcpy(m->buf + 256, m->orig, len);
	size_t off = 256, n = len;
	int ok = 1;
	/* Outermost first on the way down: the cipher, then the digest. */
	for (size_t i = 0; i < m->nex && ok; i++) {
		size_t pre = ss_exec_prefix(m->ex[i]);
		size_t newlen = 0;
		if (pre > off || ss_exec_apply(m->ex[i], m->buf + off - pre, m->bufcap - (off - pre), n, m->seq, &newlen))
			ok = 0;
		off -= pre;
		n = newlen;
	}
	if (m->corrupt_every > 0 && (m->seq + 1) % (uint64_t)m->corrupt_every == 0 && n > 0) {
		/* A bit flipped on the wire, in the payload part. */
		size_t at = off + n / 2;
		m->buf[at] ^= 0x10;
	}
	for (size_t i = m->nex; i-- > 0 && ok;) {
		size_t o = 0, l = 0;
		if (ss_exec_verify(m->ex[i], m->buf + off, n, &o, &l))
			ok = 0;
		off += o;
		n = l;
	}
	if (ok && (n != len || memcmp(m->buf + off, m->orig, len) != 0))
		ok = 0;
	m->seq++;
	if (ok)
		m->verified++;
	else
		m->verify_failed++;
}

/* ---------------- threads ---------------- */

static void run_ops(ss_sim *sim, worker *w);
static void next_packet(ss_sim *sim, worker *w);

static void op_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	worker *w = ctx;
	w->pc++;
	run_ops(sim, w);
}

static void trace(mp *m, worker *w, ss_time t0, ss_time t1, const char *what)
{
	if (m->trace && t1 > t0)
		m->trace(m->trace_ud, w->th.cpu, (int)(w - m->w), t0, t1, what);
}

static void mem_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	worker *w = ctx;
	mp *m = w->m;
	double el = (double)(ss_sim_now(sim) - w->mark);
	(void)arg;
	double own = w->xfer / m->cap;
	/* Beyond its own miss time the processor queued for the bus. */
	ss_cpu_hold_end_queued(m->cpu, &w->th, el > own ? (ss_time)(el - own) : 0);
	if (m->trace) {
		int mig = w->pc == (size_t)-1 || m->ops[w->pc].kind == OP_MIGRATE;
		trace(m, w, w->mark, ss_sim_now(sim), mig ? "state migration" : "memory");
	}
	if (w->pc == (size_t)-1) {
		/* A state reload before the packet (ppc connection change, or
		   after a context switch). */
		m->led.migrate += el;
		w->pc = 0;
		run_ops(sim, w);
		return;
	}
	if (m->ops[w->pc].kind == OP_MIGRATE)
		m->led.migrate += el;
	else {
		m->led.memory += own < el ? own : el;
		m->led.bus_wait += el > own ? el - own : 0;
	}
	w->pc++;
	run_ops(sim, w);
}

static void locked(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	worker *w = ctx;
	w->m->led.lock_wait += (double)(ss_sim_now(sim) - w->mark);
	if (w->m->trace && w->th.cpu >= 0)
		trace(w->m, w, w->mark, ss_sim_now(sim),
		      w->m->ops[w->pc].lock == LOCK_CONN ? "wait TCP lock" : "wait map lock");
	w->pc++;
	run_ops(sim, w);
}

static state *op_state(mp *m, worker *w, const op *o)
{
	return o->lock == LOCK_CONN ? &m->conn_state[w->conn] : &m->maps[o->lock];
}

static void bus_move(ss_sim *sim, worker *w, double bytes)
{
	mp *m = w->m;
	w->mark = ss_sim_now(sim);
	ss_cpu_hold_begin(m->cpu, &w->th, SS_CPU_TAG_STALL);
	w->xfer = bytes;
	ss_bus_transfer(m->bus, bytes, mem_done, w, 0);
}

static void run_ops(ss_sim *sim, worker *w)
{
	mp *m = w->m;
	while (w->pc < m->nops) {
		const op *o = &m->ops[w->pc];
		switch (o->kind) {
		case OP_COMPUTE: {
			ss_time d = o->dur;
			if (m->cost_cv > 0) {
				double f = 1 + m->cost_cv * ss_rng_gaussian(m->cost_rng);
				d = (ss_time)((double)d * (f > 0 ? f : 0));
			}
			if (o->tag == TAG_CRYPTO)
				m->led.crypto += (double)d;
			else
				m->led.proto += (double)d;
			if (m->trace)
				trace(m, w, ss_sim_now(sim), ss_sim_now(sim) + d, o->what ? o->what : "protocol");
			ss_cpu_compute(m->cpu, &w->th, d, o->tag, op_done, w, 0);
			return;
		}
		case OP_MEM:
			bus_move(sim, w, o->bytes);
			return;
		case OP_LOCK:
			w->mark = ss_sim_now(sim);
			ss_lock_acquire(op_state(m, w, o)->lock, &w->th, locked, w, 0);
			return;
		case OP_UNLOCK:
			ss_lock_release(op_state(m, w, o)->lock, &w->th);
			break;
		case OP_MIGRATE: {
			state *s = op_state(m, w, o);
			int moved = s->cpu >= 0 && s->cpu != w->th.cpu && o->bytes > 0;
			s->cpu = w->th.cpu;
			if (moved) {
				bus_move(sim, w, o->bytes);
				return;
			}
			break;
		}
		case OP_EXEC:
			if (o->exec == 0)
				exec_packet(m);
			break;
		}
		w->pc++;
	}
	/* Packet done. */
	ss_time now = ss_sim_now(sim);
	m->bytes_all += m->pkt_bytes;
	m->bytes_win += m->pkt_bytes;
	m->pkts_win += 1;
	m->conn_bytes[w->conn] += m->pkt_bytes;
	ss_tally_add(&m->pkt_time, ss_time_to_s(now - w->pkt_start));
	next_packet(sim, w);
}

static void resumed(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	worker *w = ctx;
	mp *m = w->m;
	m->led.runq += (double)(ss_sim_now(sim) - w->mark);
	w->dispatched = ss_sim_now(sim);
	/* Another thread ran here: this one's state must come back. */
	w->pending_migrate = m->state_bytes;
	next_packet(sim, w);
}

static void next_packet(ss_sim *sim, worker *w)
{
	mp *m = w->m;
	ss_time now = ss_sim_now(sim);
	if (w->th.cpu >= 0 && now - w->dispatched >= m->quantum && ss_cpu_waiting(m->cpu) > 0) {
		/* Quantum over and others wait: yield. */
		ss_cpu_release(m->cpu, &w->th);
		w->mark = now;
		ss_cpu_acquire(m->cpu, &w->th, resumed, w, 0);
		return;
	}
	switch (m->par) {
	case PAR_PLP:
		w->conn = (int)(m->rr++ % (uint64_t)m->nconn);
		break;
	case PAR_TPC:
		w->conn = w->first;
		break;
	case PAR_PPC:
		w->conn = w->first + w->k * w->stride;
		w->k = (w->k + 1) % w->nconn;
		if (w->last_conn >= 0 && w->conn != w->last_conn)
			w->pending_migrate = m->state_bytes;
		break;
	}
	w->last_conn = w->conn;
	w->pkt_start = now;
	if (m->par == PAR_PLP)
		w->pending_migrate = 0; /* PLP moves the state under the lock */
	if (m->shared_bytes > 0) {
		/* Whoever wrote the shared data last holds it in its cache. */
		if (m->shared_cpu >= 0 && m->shared_cpu != w->th.cpu)
			w->pending_migrate += m->shared_bytes;
		m->shared_cpu = w->th.cpu;
	}
	if (w->pending_migrate > 0) {
		double b = w->pending_migrate;
		w->pending_migrate = 0;
		w->pc = (size_t)-1;
		bus_move(sim, w, b);
		return;
	}
	w->pc = 0;
	run_ops(sim, w);
}

static void started(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	worker *w = ctx;
	w->dispatched = ss_sim_now(sim);
	next_packet(sim, w);
}

/* ---------------- model interface ---------------- */

static void mp_destroy(void *st)
{
	mp *m = st;
	if (!m)
		return;
	free(m->w);
	free(m->conn_state);
	free(m->conn_bytes);
	for (size_t i = 0; i < m->nex; i++)
		ss_exec_free(m->ex[i]);
	ss_crypto_free(m->crypto);
	free(m->buf);
	free(m->orig);
	free(m);
}

static int setup_exec(mp *m, const shape *st, char *err, size_t errlen)
{
	/* Fixed keys: execute mode proves the transforms, not key secrecy. */
	static const unsigned char key[32] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
		0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78};
	int rc = ss_crypto_alloc(&m->crypto, err, errlen);
	if (rc)
		return rc;
	const char *algs[2];
	size_t n = 0;
	if (st->cipher)
		algs[n++] = st->cipher->alg;
	if (st->digest)
		algs[n++] = st->digest->alg;
	for (size_t i = 0; i < n; i++) {
		const ss_crypto_alg *a = NULL;
		if ((rc = ss_crypto_alg_find(algs[i], &a, err, errlen)))
			return rc;
		/* Plain MD5 is keyless, as in the paper (not the keyed variant). */
		int keyless = a->kind == SS_CRYPTO_HASH;
		if ((rc = ss_exec_alloc(&m->ex[m->nex], m->crypto, algs[i], keyless ? NULL : key,
					keyless ? 0 : a->key_size, err, errlen)))
			return rc;
		m->nex++;
	}
	m->bufcap = (size_t)m->pkt_bytes + 512;
	m->buf = malloc(m->bufcap);
	m->orig = malloc((size_t)m->pkt_bytes);
	m->payload_rng = ss_sim_rng(m->sim, "mpstack.payload");
	if (!m->buf || !m->orig || !m->payload_rng)
		return SS_ENOMEM;
	return SS_OK;
}

/* "key=value,key=value" onto the profile (ss_profile_set checks keys). */
static int apply_overrides(ss_profile *prof, const char *text, char *err, size_t errlen)
{
	char buf[1024];
	if (strlen(text) >= sizeof buf) {
		ss_errbuf(err, errlen, "crypto_set is too long");
		return SS_EINVAL;
	}
	snprintf(buf, sizeof buf, "%s", text);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		char *end = NULL;
		double v = eq ? strtod(eq + 1, &end) : 0;
		if (!eq || end == eq + 1 || *end) {
			ss_errbuf(err, errlen, "crypto_set: expected ALG.per_byte_ns=VALUE (or per_call_ns, per_op_ns), got '%s'", tok);
			return SS_EINVAL;
		}
		*eq = '\0';
		char e[512];
		if (ss_profile_set(prof, tok, v, e, sizeof e)) {
			ss_errbuf(err, errlen, "crypto_set: %s", e);
			return SS_EINVAL;
		}
	}
	return SS_OK;
}

static int mp_create(ss_sim *sim, const ss_params *p, void **state_out, char *err, size_t errlen)
{
	shape st;
	int rc = stack_shape(ss_params_string(p, "stack"), &st, err, errlen);
	if (rc)
		return rc;
	mp *m = calloc(1, sizeof *m);
	if (!m)
		return SS_ENOMEM;
	m->sim = sim;
	const char *par = ss_params_string(p, "parallelism");
	m->par = !strcmp(par, "plp") ? PAR_PLP : !strcmp(par, "tpc") ? PAR_TPC : PAR_PPC;
	m->side_send = !strcmp(ss_params_string(p, "side"), "send");
	m->nproc = (int)ss_params_int(p, "processors");
	m->nconn = (int)ss_params_int(p, "connections");
	m->pkt_bytes = (double)ss_params_int(p, "packet_bytes");
	m->state_bytes = ss_params_real(p, "state_bytes");
	m->shared_bytes = ss_params_real(p, "shared_bytes");
	m->shared_cpu = -1;
	m->quantum = ss_time_from_us(ss_params_real(p, "quantum_us"));
	m->cap = ss_params_real(p, "cpu_bandwidth") * 1e-12;
	m->execute = ss_params_bool(p, "execute");
	m->cost_cv = ss_params_real(p, "cost_cv");
	m->corrupt_every = ss_params_int(p, "corrupt_every");
	m->cost_rng = ss_sim_rng(sim, "mpstack.cost");
	if (!m->cost_rng) {
		free(m);
		return SS_ENOMEM;
	}
	int threads = (int)ss_params_int(p, "threads");
	if (m->par == PAR_PLP)
		m->nthreads = threads ? threads : m->nproc;
	else if (threads) {
		ss_errbuf(err, errlen, "'threads' applies to plp only: tpc runs one thread per connection, ppc one per processor");
		free(m);
		return SS_EINVAL;
	} else
		m->nthreads = m->par == PAR_TPC ? m->nconn : (m->nproc < m->nconn ? m->nproc : m->nconn);
	if (m->par == PAR_PLP && m->nconn > 64) {
		ss_errbuf(err, errlen, "plp models at most 64 connections (each has its own lock resource)");
		free(m);
		return SS_EINVAL;
	}
	char pdir[4096];
	snprintf(pdir, sizeof pdir, "%s/crypto/profiles", ss_datadir());
	ss_profile *prof = NULL;
	char e[1024] = "";
	double proto_scale = ss_params_real(p, "proto_scale");
	if (st.cipher || st.digest || proto_scale == 0) {
		const char *pn = ss_params_string(p, "profile");
		if (strchr(pn, '/'))
			rc = ss_profile_load_file(pn, NULL, &prof, e, sizeof e);
		else
			rc = ss_profile_load(pdir, pn, NULL, &prof, e, sizeof e);
		if (rc) {
			ss_errbuf(err, errlen, "profile: %s", e);
			free(m);
			return rc == SS_ENOMEM ? rc : SS_EINVAL;
		}
		if ((rc = apply_overrides(prof, ss_params_string(p, "crypto_set"), err, errlen))) {
			ss_profile_free(prof);
			free(m);
			return rc;
		}
	}
	/* What bounds the parallelism when no resource saturates: the
	   threads, which under CLP are the connections (tpc), or as many as
	   there are processors (ppc with more connections). */
	char limit[48];
	if (m->par == PAR_TPC || (m->par == PAR_PPC && m->nconn <= m->nproc))
		snprintf(limit, sizeof limit, "%d connection%s", m->nconn, m->nconn == 1 ? "" : "s");
	else
		snprintf(limit, sizeof limit, "%d thread%s", m->nthreads, m->nthreads == 1 ? "" : "s");
	ss_sim_set_workload_limit(sim, limit); /* fits: cannot fail */
	ss_cpu_pool_alloc(&m->cpu, sim, "cpu", m->nproc, ss_time_from_us(ss_params_real(p, "context_switch_us")));
	ss_bus_alloc(&m->bus, sim, "bus", ss_params_real(p, "bus_bandwidth"), 0, SS_BUS_PS);
	m->w = calloc((size_t)m->nthreads, sizeof *m->w);
	m->conn_bytes = calloc((size_t)m->nconn, sizeof *m->conn_bytes);
	if (!m->cpu || !m->bus || !m->w || !m->conn_bytes) {
		ss_profile_free(prof);
		mp_destroy(m);
		return SS_ENOMEM;
	}
	ss_bus_set_cap(m->bus, ss_params_real(p, "cpu_bandwidth"));
	ss_bus_set_line(m->bus, ss_params_real(p, "cache_line")); /* a fresh PS bus: cannot fail */
	ss_cpu_tag_name(m->cpu, TAG_PROTO, "proto");
	ss_cpu_tag_name(m->cpu, TAG_CRYPTO, "crypto");
	if (m->par == PAR_PLP && st.transport == &ss_layer_tcp) {
		m->conn_state = calloc((size_t)m->nconn, sizeof *m->conn_state);
		if (!m->conn_state) {
			ss_profile_free(prof);
			mp_destroy(m);
			return SS_ENOMEM;
		}
		ss_lock_kind kind = strcmp(ss_params_string(p, "lock"), "spin") ? SS_LOCK_BLOCK : SS_LOCK_SPIN;
		for (int i = 0; i < m->nconn; i++) {
			char nm[48];
			if (m->nconn == 1)
				snprintf(nm, sizeof nm, "lock.tcp");
			else
				snprintf(nm, sizeof nm, "lock.tcp%d", i);
			m->conn_state[i].cpu = -1;
			if (ss_lock_alloc(&m->conn_state[i].lock, sim, nm, kind, m->cpu) != SS_OK) {
				ss_profile_free(prof);
				mp_destroy(m);
				return SS_ENOMEM;
			}
		}
	}
	if (m->execute && st.cipher && (int)m->pkt_bytes % 8) {
		ss_errbuf(err, errlen, "execute mode: DES-CBC needs packet_bytes to be a multiple of 8");
		ss_profile_free(prof);
		mp_destroy(m);
		return SS_EINVAL;
	}
	if (m->execute && (rc = setup_exec(m, &st, err, errlen))) {
		ss_profile_free(prof);
		mp_destroy(m);
		return rc == SS_ENOMEM ? rc : SS_EINVAL;
	}
	if (proto_scale == 0) {
		/* Assumption: protocol code speeds up from the R4400 as MD5 does
		   (both integer code running from cache). */
		ss_profile *r4 = NULL;
		ss_time a = 0, b = 0;
		rc = ss_profile_load(pdir, "r4400-100", NULL, &r4, e, sizeof e);
		if (!rc)
			rc = ss_profile_cost_by_name(r4, "md5", 4096, &a, e, sizeof e);
		if (!rc)
			rc = ss_profile_cost_by_name(prof, "md5", 4096, &b, e, sizeof e);
		ss_profile_free(r4);
		if (rc || a <= 0) {
			ss_errbuf(err, errlen, "proto_scale = 0 needs MD5 in both r4400-100 and the profile: %s", e);
			ss_profile_free(prof);
			mp_destroy(m);
			return SS_EINVAL;
		}
		m->proto_scale = (double)b / (double)a;
	} else {
		m->proto_scale = proto_scale;
	}
	err[0] = '\0';
	rc = build(m, p, &st, prof, err, errlen);
	ss_profile_free(prof);
	if (rc) {
		mp_destroy(m);
		return rc;
	}
	for (int i = 0; i < m->nthreads; i++) {
		worker *w = &m->w[i];
		ss_thread_init(&w->th, (uint32_t)i);
		w->m = m;
		w->last_conn = -1;
		w->first = i;
		w->stride = m->nthreads;
		w->nconn = m->par == PAR_PPC ? (m->nconn - i + m->nthreads - 1) / m->nthreads : 1;
		ss_cpu_acquire(m->cpu, &w->th, started, w, 0);
	}
	*state_out = m;
	return SS_OK;
}

static void mp_reset(void *st)
{
	mp *m = st;
	m->window = ss_sim_now(m->sim);
	m->bytes_win = m->pkts_win = 0;
	memset(&m->led, 0, sizeof m->led);
	memset(m->conn_bytes, 0, (size_t)m->nconn * sizeof *m->conn_bytes);
	ss_tally_reset(&m->pkt_time);
	m->verified = m->verify_failed = 0;
}

static void mp_collect(void *st, ss_metrics *out)
{
	mp *m = st;
	double span = ss_time_to_s(ss_sim_now(m->sim) - m->window);
	double bps = span > 0 ? m->bytes_win * 8 / span : 0;
	ss_metrics_set(out, "throughput", "Mbit/s", bps * 1e-6);
	ss_metrics_set(out, "latency", "us", bps > 0 ? m->pkt_bytes * 8 / bps * 1e6 : NAN);
	ss_metrics_set(out, "packet_time", "us", ss_tally_mean(&m->pkt_time) * 1e6);
	double s = 0, s2 = 0;
	for (int i = 0; i < m->nconn; i++) {
		s += m->conn_bytes[i];
		s2 += m->conn_bytes[i] * m->conn_bytes[i];
	}
	ss_metrics_set(out, "fairness", "", s2 > 0 ? s * s / (m->nconn * s2) : NAN);
	double n = m->pkts_win > 0 ? m->pkts_win : NAN;
	double ctx = ss_cpu_tag_time(m->cpu, SS_CPU_TAG_CTXSW) * 1e12;
	ss_metrics_set(out, "ledger.proto", "us", m->led.proto / n * 1e-6);
	ss_metrics_set(out, "ledger.crypto", "us", m->led.crypto / n * 1e-6);
	ss_metrics_set(out, "ledger.memory", "us", m->led.memory / n * 1e-6);
	ss_metrics_set(out, "ledger.bus_wait", "us", m->led.bus_wait / n * 1e-6);
	ss_metrics_set(out, "ledger.lock_wait", "us", m->led.lock_wait / n * 1e-6);
	ss_metrics_set(out, "ledger.migrate", "us", m->led.migrate / n * 1e-6);
	ss_metrics_set(out, "ledger.ctxsw", "us", ctx / n * 1e-6);
	double rq = (m->led.runq - ctx) / n * 1e-6;
	ss_metrics_set(out, "ledger.runq", "us", rq > 0 ? rq : 0);
	if (m->execute) {
		ss_metrics_set(out, "verified", "packets", (double)m->verified);
		ss_metrics_set(out, "verify_failed", "packets", (double)m->verify_failed);
	}
}

static double mp_progress(void *st) { return ((mp *)st)->bytes_all; }

void ss_mpstack_set_trace(void *model, ss_mpstack_trace_fn fn, void *ud)
{
	mp *m = model;
	m->trace = fn;
	m->trace_ud = ud;
}

const ss_model_type ss_model_mpstack = {
	"mpstack", "parallel protocol stack (x-kernel PLP/CLP) on a shared-memory multiprocessor",
	mp_params, sizeof mp_params / sizeof mp_params[0],
	mp_metrics, sizeof mp_metrics / sizeof mp_metrics[0],
	"throughput", mp_create, mp_reset, mp_collect, mp_progress, mp_destroy,
};
