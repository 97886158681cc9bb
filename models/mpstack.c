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

   The layers, the stack grammar and the per-packet cost program with its
   interpreter are proto/'s (ss_layer.h, ss_prog.h); this file holds what
   is the paper's: the parameters and their sources, how the measured
   costs split over the layers, the in-memory drivers, the parallelism
   policies and the metrics.

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
#include "ss_grow.h"
#include "ss_layer.h"
#include "ss_lock.h"
#include "ss_model.h"
#include "ss_mpstack.h"
#include "ss_profile.h"
#include "ss_prog.h"
#include "ss_rng.h"
#include "ss_stats.h"

enum { TAG_PROTO = 0, TAG_CRYPTO = 1 };
enum { PAR_PLP, PAR_TPC, PAR_PPC };
/* Program state slots: the TCP connection of the packet under way, then
   the active maps in the order the program meets them. */
enum { SLOT_CONN = 0, SLOT_MAP0 = 1 };

typedef struct worker {
	ss_prog_thread pt;        /* first: the interpreter's callbacks cast back */
	struct mp *m;
	int first, stride, nconn; /* connections served: first + k*stride */
	int k;                    /* next of them (ppc) */
	int conn, last_conn;
	ss_time pkt_start, yielded, dispatched;
	double pending_migrate;   /* state reload before the next packet, bytes */
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
	int membus;               /* the bus's slot in the program environment */
	double cap;               /* bytes/ps one processor can pull */
	ss_prog *prog;            /* one packet's steps, for this side */
	ss_prog_env *env;
	ss_prog_state *conn_state; /* PLP TCP: per connection */
	ss_prog_state *maps;      /* PLP: per active map */
	size_t nmaps, mapcap;
	worker *w;
	uint64_t rr;              /* PLP: next connection */
	double *conn_bytes;       /* delivered per connection, window */
	double bytes_all, bytes_win, pkts_win;
	double runq;              /* ps waiting for a processor after yielding, window */
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
	{.name = "stack", .type = SS_PARAM_STRING, .def = "TCP/IP/FDDI", .unit = "",
	 .help = "protocol graph, top first: [DES|3DES|AES/](TCP|UDP)[/MD5|SHA1]/IP[/FDDI]"},
	{.name = "label", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "free text naming the configuration in results (not used by the model)"},
	{.name = "side", .type = SS_PARAM_STRING, .def = "send", .choices = "send|recv", .unit = "",
	 .help = "send side (driver consumes) or receive side (driver produces)"},
	{.name = "parallelism", .type = SS_PARAM_STRING, .def = "plp", .choices = "plp|tpc|ppc", .unit = "",
	 .help = "packet-level, thread-per-connection or processor-per-connection"},
	{.name = "processors", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 1024, .unit = "",
	 .help = "processors of the host"},
	{.name = "connections", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 100000, .unit = "",
	 .help = "connections carrying the load"},
	{.name = "threads", .type = SS_PARAM_INT, .def = "0", .min = 0, .max = 100000, .unit = "",
	 .help = "PLP threads (0: one per processor); CLP sets its own"},
	{.name = "packet_bytes", .type = SS_PARAM_INT, .def = "4096", .min = 64, .max = 4096, .unit = "bytes",
	 .help = "user data per packet (FDDI MTU 4352 leaves room for 4 KB + headers; N95 sec. 3.3)"},
	{.name = "profile", .type = SS_PARAM_STRING, .def = "r4400-100", .unit = "",
	 .help = "crypto cost profile: a name in crypto/profiles, or a path to a profile file"},
	{.name = "host", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "host profile (hosts/NAME.cfg): crypto profile, protocol scale, memory and scheduler costs for every one of them not set otherwise; empty: the defaults here (the SGI Challenge XL, as hosts/challenge-xl)"},
	{.name = "crypto_set", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "profile overrides, e.g. \"md5.per_byte_ns=300,des-cbc.per_byte_ns=1700\""},
	{.name = "base_plp_send_us", .type = SS_PARAM_REAL, .def = "236", .min = 0, .max = 1e9, .unit = "us",
	 .help = "TCP/IP/FDDI per 4 KB packet, PLP send (Table 1, N95-035)"},
	{.name = "base_plp_recv_us", .type = SS_PARAM_REAL, .def = "189", .min = 0, .max = 1e9, .unit = "us",
	 .help = "TCP/IP/FDDI per 4 KB packet, PLP receive (Table 1, N95-036)"},
	{.name = "base_clp_send_us", .type = SS_PARAM_REAL, .def = "226", .min = 0, .max = 1e9, .unit = "us",
	 .help = "TCP/IP/FDDI per 4 KB packet, CLP send (Table 2, N95-052)"},
	{.name = "base_clp_recv_us", .type = SS_PARAM_REAL, .def = "214", .min = 0, .max = 1e9, .unit = "us",
	 .help = "TCP/IP/FDDI per 4 KB packet, CLP receive (Table 2, N95-053)"},
	{.name = "proto_scale", .type = SS_PARAM_REAL, .def = "1", .min = 0, .max = 1e6, .unit = "",
	 .help = "multiplies protocol (non-crypto) CPU costs; 0: scale as MD5 does from the R4400 to the profile's CPU (assumption)"},
	{.name = "tcp_locked_share", .type = SS_PARAM_REAL, .def = "0.695", .min = 0, .max = 1, .unit = "",
	 .help = "share of the baseline the TCP connection lock is held per packet, the state reload from another processor's cache included (N95-069: 200 Mbit/s lock bound = 164 of 236 us)"},
	{.name = "udp_share", .type = SS_PARAM_REAL, .def = "0.5", .min = 0, .max = 1, .unit = "",
	 .help = "UDP/IP cost as a share of TCP/IP (assumption: no UDP numbers in the paper)"},
	{.name = "map_lock_us", .type = SS_PARAM_REAL, .def = "2", .min = 0, .max = 1e6, .unit = "us",
	 .help = "active-map lookup per layer, under that map's lock in PLP (assumption)"},
	{.name = "mem_send_bytes", .type = SS_PARAM_REAL, .def = "8192", .min = 0, .max = 1e9, .unit = "bytes",
	 .help = "memory traffic of TCP/IP per packet, send (assumption: checksum read + headers and buffers)"},
	{.name = "mem_recv_bytes", .type = SS_PARAM_REAL, .def = "4096", .min = 0, .max = 1e9, .unit = "bytes",
	 .help = "memory traffic of TCP/IP per packet, receive (assumption: checksum read; templates cached)"},
	{.name = "state_bytes", .type = SS_PARAM_REAL, .def = "4096", .min = 0, .max = 1e9, .unit = "bytes",
	 .help = "connection state that moves between caches when another processor takes it (assumption)"},
	{.name = "bus_bandwidth", .type = SS_PARAM_REAL, .def = "1.2e9", .min = 1, .max = 1e15, .unit = "bytes/s",
	 .help = "memory bus: the SGI POWERpath-2, 256 bits at 47.6 MHz, 1.2 GB/s (Galles & Williams, ref. [11] of N95)"},
	{.name = "shared_bytes", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1e9, .unit = "bytes",
	 .help = "shared data every packet writes that no scheme replicates (buffer pool, counters): it moves between caches when another processor wrote it last. 0: none, for want of a source; nahum95/whatif_shared sweeps it"},
	{.name = "cpu_bandwidth", .type = SS_PARAM_REAL, .def = "128e6", .min = 1, .max = 1e15, .unit = "bytes/s",
	 .help = "memory bandwidth one processor can use (assumption: one 128 B miss per us)"},
	{.name = "cache_line", .type = SS_PARAM_REAL, .def = "128", .min = 0, .max = 1e6, .unit = "bytes",
	 .help = "bytes per miss on the bus: the Challenge's 128-byte transactions, one secondary-cache line (Galles & Williams, ref. [11]); misses queue for the bus one at a time per processor. 0: processors share the bus as a plain capped share"},
	{.name = "context_switch_us", .type = SS_PARAM_REAL, .def = "15", .min = 0, .max = 1e6, .unit = "us",
	 .help = "context switch (assumption for IRIX 5 on a 100 MHz R4400)"},
	{.name = "quantum_us", .type = SS_PARAM_REAL, .def = "10000", .min = 1, .max = 1e9, .unit = "us",
	 .help = "scheduling quantum before a thread yields to waiting ones (assumption)"},
	{.name = "cost_cv", .type = SS_PARAM_REAL, .def = "0.05", .min = 0, .max = 1, .unit = "",
	 .help = "coefficient of variation of each CPU step (assumption: cache and TLB state vary per packet)"},
	{.name = "corrupt_every", .type = SS_PARAM_INT, .def = "0", .min = 0, .max = 1000000000, .unit = "packets",
	 .help = "execute mode: flip one payload bit in flight every N packets (0: never)"},
	{.name = "lock", .type = SS_PARAM_STRING, .def = "spin", .choices = "spin|block", .unit = "",
	 .help = "PLP locks spin or block"},
	{.name = "execute", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "really hash/encrypt/decrypt the payloads and verify them"},
};

static const ss_metric_def mp_metrics[] = {
	{.name = "throughput", .unit = "Mbit/s", .help = "user data through the stack"},
	{.name = "latency", .unit = "us", .help = "packet bits / throughput: the paper's latency (Tables 1-2) at 1 processor"},
	{.name = "packet_time", .unit = "us", .help = "mean time from a packet's start to its end"},
	{.name = "fairness", .unit = "", .help = "Jain's index of the connections' throughputs (1 = equal)"},
	{.name = "ledger.proto", .unit = "us", .help = "per packet: protocol processing"},
	{.name = "ledger.crypto", .unit = "us", .help = "per packet: crypto processing"},
	{.name = "ledger.memory", .unit = "us", .help = "per packet: memory traffic alone on the bus"},
	{.name = "ledger.bus_wait", .unit = "us", .help = "per packet: waiting for the memory bus"},
	{.name = "ledger.lock_wait", .unit = "us", .help = "per packet: waiting for locks"},
	{.name = "ledger.migrate", .unit = "us", .help = "per packet: shared state moving between caches"},
	{.name = "ledger.ctxsw", .unit = "us", .help = "per packet: context switches"},
	{.name = "ledger.runq", .unit = "us", .help = "per packet: waiting for a processor"},
	{.name = "verified", .unit = "packets", .help = "execute mode: packets whose transforms verified"},
	{.name = "verify_failed", .unit = "packets", .help = "execute mode: packets that failed verification"},
};

/* ---------------- the stack ---------------- */

/* The x-kernel layers of Nahum et al. that mpstack has costs for, and
   the name of each one's active map (lock.map.NAME under PLP). Where
   they sit, [cipher] transport [digest] IP [FDDI], is the grammar's
   (proto/ss_layer.h); mpstack adds that a transport is needed. */
static const struct mp_layer {
	const ss_layer_type *type;
	const char *map;
} mp_layers[] = {
	{.type = &ss_layer_des, .map = "cipher"},  {.type = &ss_layer_3des, .map = "cipher"},
	{.type = &ss_layer_aes, .map = "cipher"},  {.type = &ss_layer_tcp, .map = "tcp"},
	{.type = &ss_layer_udp, .map = "udp"},     {.type = &ss_layer_md5, .map = "digest"},
	{.type = &ss_layer_sha1, .map = "digest"}, {.type = &ss_layer_ip, .map = "ip"},
	{.type = &ss_layer_fddi, .map = "fddi"},
};
#define MP_NLAYERS (sizeof mp_layers / sizeof mp_layers[0])

/* Shares of the baseline TCP/IP/FDDI cost (assumption: the paper gives
   totals only): transport 75%, IP 12%, FDDI 8%, drivers 5% (half at the
   top, half at the bottom). */
static const struct mp_shares {
	double transport, ip, fddi, drivers;
} mp_shares = {.transport = 0.75, .ip = 0.12, .fddi = 0.08, .drivers = 0.05};

static const struct mp_layer *mp_layer_of(const ss_layer_type *t)
{
	for (size_t k = 0; k < MP_NLAYERS; k++)
		if (mp_layers[k].type == t)
			return &mp_layers[k];
	return NULL;
}

/* The type of the stack's layer with that role, or NULL. */
static const ss_layer_type *role_type(const ss_layer_stack *st, ss_layer_role role)
{
	int i = ss_layer_stack_find(st, role);
	return i < 0 ? NULL : ss_layer_type_of(ss_layer_stack_at(st, (size_t)i));
}

static int parse_stack(const char *text, ss_layer_stack **out, char *err, size_t errlen)
{
	int rc = ss_layer_stack_parse(out, NULL, text, err, errlen);
	if (rc)
		return rc;
	for (size_t i = 0; i < ss_layer_stack_len(*out) && !rc; i++) {
		const ss_layer_type *t = ss_layer_type_of(ss_layer_stack_at(*out, i));
		if (!mp_layer_of(t)) {
			ss_errbuf(err, errlen, "stack '%s': mpstack has no costs for %s (its layers: DES, 3DES, AES, TCP, UDP, MD5, SHA1, IP, FDDI)",
				  text, t->name);
			rc = SS_EINVAL;
		}
	}
	if (!rc && !role_type(*out, SS_LAYER_TRANSPORT)) {
		ss_errbuf(err, errlen, "stack '%s': mpstack needs a transport (TCP or UDP)", text);
		rc = SS_EINVAL;
	}
	if (rc) {
		ss_layer_stack_free(*out);
		*out = NULL;
	}
	return rc;
}

/* ---------------- building the per-packet program ---------------- */

/* An active map's lock (PLP): a new state slot. */
static int map_lock(mp *m, const char *name, int *slot)
{
	if (ss_grow(&m->maps, &m->mapcap, m->nmaps + 1, sizeof *m->maps, 8))
		return SS_ENOMEM;
	char nm[48];
	snprintf(nm, sizeof nm, "lock.map.%s", name);
	ss_prog_state *s = &m->maps[m->nmaps];
	s->cpu = -1;
	if (ss_lock_alloc(&s->lock, m->sim, nm, SS_LOCK_SPIN, m->cpu) != SS_OK)
		return SS_ENOMEM;
	*slot = SLOT_MAP0 + (int)m->nmaps++;
	return SS_OK;
}

/* The execute-mode transform of a crypto layer's algorithm, or -1. */
static int exec_slot(const mp *m, const ss_layer_type *t)
{
	for (size_t i = 0; m->execute && t->alg && i < m->nex; i++)
		if (!strcmp(ss_exec_alg(m->ex[i])->name, t->alg))
			return (int)i;
	return -1;
}

/* The per-packet program for one side of the stack: the costs of each
   layer from the baseline's shares (mp_shares) and the crypto profile,
   as the layer types' cost inputs; the in-memory drivers around them.

   The paper's lock bound (N95-069) is the lock's hold on the
   multiprocessor, where the connection state comes from another
   processor's cache on nearly every packet: the reload is part of the
   locked time, not added to it. On one processor the state stays
   cached, so the reload's share of the locked time runs as unlocked TCP
   work and the packet still costs Table 1's total. */
static int build(mp *m, const ss_params *p, const ss_layer_stack *st, const ss_profile *prof,
		 char *err, size_t errlen)
{
	int send = m->side_send, tcp = role_type(st, SS_LAYER_TRANSPORT) == &ss_layer_tcp;
	int has_fddi = role_type(st, SS_LAYER_LINK) != NULL;
	int has_digest = role_type(st, SS_LAYER_DIGEST) != NULL, has_cipher = role_type(st, SS_LAYER_CIPHER) != NULL;
	double base = m->par == PAR_PLP ? ss_params_real(p, send ? "base_plp_send_us" : "base_plp_recv_us")
					: ss_params_real(p, send ? "base_clp_send_us" : "base_clp_recv_us");
	/* Size scaling (assumption): half of the protocol cost per packet,
	   half per byte, around the measured 4 KB. */
	base *= (0.5 + 0.5 * m->pkt_bytes / 4096.0) * m->proto_scale;
	if (!tcp)
		base *= ss_params_real(p, "udp_share");
	double maplk = ss_params_real(p, "map_lock_us") * m->proto_scale;
	double locked = tcp ? ss_params_real(p, "tcp_locked_share") * base : 0;
	double transport = mp_shares.transport * base, ip = mp_shares.ip * base, fddi = mp_shares.fddi * base,
	       drv = mp_shares.drivers * base;
	if (!has_fddi) {
		drv += fddi; /* the driver does the link work itself */
		fddi = 0;
	}
	if (locked > transport) {
		ss_errbuf(err, errlen, "tcp_locked_share %.3f exceeds the transport's share %.2f of the cost",
			  ss_params_real(p, "tcp_locked_share"), mp_shares.transport);
		return SS_EINVAL;
	}
	double memb = ss_params_real(p, send ? "mem_send_bytes" : "mem_recv_bytes") * m->pkt_bytes / 4096.0;
	double mem_transport = memb < m->pkt_bytes ? memb : m->pkt_bytes; /* checksum */
	int locks_tcp = m->par == PAR_PLP && tcp;
	/* The state reload alone on the bus, and the locked work beside it.
	   Where memory is slow for the CPU (protocol costs scaled to a current
	   host, the R4400's byte counts) the reload and the checksum alone
	   outlast the stated time: the section is then memory-bound and takes
	   their time, as ss_prog_work does for any layer. */
	double reload = locks_tcp ? m->state_bytes / m->cap * 1e-6 : 0;
	double in_lock = locked - reload, cksum_us = mem_transport / m->cap * 1e-6;
	if (locks_tcp && in_lock < cksum_us)
		in_lock = cksum_us;
	double mem_driver = memb - mem_transport;
	int nmapl = 2 + (has_fddi ? 1 : 0) + has_digest + has_cipher;
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

	/* The send side walks the stack down from the top driver, the
	   receive side up from the bottom one, so each side meets the same
	   work in mirror order. */
	ss_prog *g = m->prog;
	ss_layer_costs base_c;
	ss_layer_costs_init(&base_c);
	base_c.tag = TAG_PROTO;
	base_c.crypto_tag = TAG_CRYPTO;
	base_c.bus = m->membus;
	base_c.cap = m->cap;
	base_c.profile = prof;
	base_c.payload_bytes = m->pkt_bytes;
	if (send)
		ss_prog_work(g, "driver (top)", drv_net / 2, 0, m->membus, m->cap, TAG_PROTO);
	else
		ss_prog_work(g, "driver", drv_net / 2, mem_drv, m->membus, m->cap, TAG_PROTO);
	size_t n = ss_layer_stack_len(st);
	for (size_t k = 0; k < n; k++) {
		const ss_layer *l = ss_layer_stack_at(st, send ? k : n - 1 - k);
		const ss_layer_type *t = ss_layer_type_of(l);
		ss_layer_costs c = base_c;
		c.map_us = maplk;
		/* Active maps: locked in PLP, private (replicated) in CLP. */
		if (m->par == PAR_PLP && maplk > 0 && map_lock(m, mp_layer_of(t)->map, &c.map_lock))
			return SS_ENOMEM;
		switch (t->role) {
		case SS_LAYER_CIPHER:
		case SS_LAYER_DIGEST:
			c.exec = exec_slot(m, t);
			break;
		case SS_LAYER_TRANSPORT:
			/* The locked section starts with the state (migrating if
			   another processor had it) and includes the checksum;
			   with the reload it lasts `locked`. */
			if (locks_tcp) {
				c.state_lock = SLOT_CONN;
				c.state_bytes = m->state_bytes;
				c.locked_us = in_lock;
				c.locked_bytes = mem_transport;
				c.us = transport - in_lock;
				c.bytes = mem_tr;
			} else {
				c.us = transport;
				c.bytes = mem_transport + mem_tr;
			}
			break;
		case SS_LAYER_NETWORK:
			c.us = ip_net;
			c.bytes = mem_ip;
			break;
		case SS_LAYER_LINK:
			c.us = fddi_net;
			c.bytes = mem_fddi;
			break;
		default:
			break;
		}
		int rc = ss_layer_build(l, &c, g, err, errlen);
		if (rc)
			return rc;
	}
	if (send)
		ss_prog_work(g, "driver", drv_net / 2, mem_drv, m->membus, m->cap, TAG_PROTO);
	else
		ss_prog_work(g, "driver (top)", drv_net / 2, 0, m->membus, m->cap, TAG_PROTO);
	return ss_prog_status(g);
}

/* ---------------- execute mode ---------------- */

/* Sender transforms, then the in-memory wire, then the receiver checks:
   the bytes are really hashed, encrypted and decrypted, while simulated
   time comes from the profile alone. Runs once per packet, at the
   program's step for transform 0 (mp_exec); the order of layers is the
   stack's. */
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

static void next_packet(ss_sim *sim, worker *w);

/* The interpreter's callbacks: the state behind a slot, the execute-mode
   transforms, the end of a packet, the trace. */
static ss_prog_state *mp_state(void *ud, ss_prog_thread *t, int slot)
{
	mp *m = ud;
	worker *w = (worker *)t;
	return slot == SLOT_CONN ? &m->conn_state[w->conn] : &m->maps[slot - SLOT_MAP0];
}

/* The whole packet's transforms run once, at the step of transform 0
   (the cipher's, or the digest's when there is no cipher). */
static void mp_exec(void *ud, ss_prog_thread *t, int slot)
{
	(void)t;
	if (slot == 0)
		exec_packet(ud);
}

static void mp_trace(void *ud, ss_prog_thread *t, ss_time t0, ss_time t1, const char *what)
{
	mp *m = ud;
	worker *w = (worker *)t;
	m->trace(m->trace_ud, w->pt.th.cpu, (int)(w - m->w), t0, t1, what);
}

static void packet_done(void *ud, ss_prog_thread *t)
{
	mp *m = ud;
	worker *w = (worker *)t;
	ss_sim *sim = m->sim;
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
	m->runq += (double)(ss_sim_now(sim) - w->yielded);
	w->dispatched = ss_sim_now(sim);
	/* Another thread ran here: this one's state must come back. */
	w->pending_migrate = m->state_bytes;
	next_packet(sim, w);
}

static void next_packet(ss_sim *sim, worker *w)
{
	mp *m = w->m;
	ss_thread *th = &w->pt.th;
	ss_time now = ss_sim_now(sim);
	if (th->cpu >= 0 && now - w->dispatched >= m->quantum && ss_cpu_waiting(m->cpu) > 0) {
		/* Quantum over and others wait: yield. */
		ss_cpu_release(m->cpu, th);
		w->yielded = now;
		ss_cpu_acquire(m->cpu, th, resumed, w, 0);
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
		if (m->shared_cpu >= 0 && m->shared_cpu != th->cpu)
			w->pending_migrate += m->shared_bytes;
		m->shared_cpu = th->cpu;
	}
	/* A state reload before the packet (ppc connection change, after a
	   context switch, shared data), then the packet's program. */
	double reload = w->pending_migrate;
	w->pending_migrate = 0;
	ss_prog_start(&w->pt, m->prog, m->membus, reload);
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
	free(m->maps);
	free(m->conn_bytes);
	ss_prog_free(m->prog);
	ss_prog_env_free(m->env);
	for (size_t i = 0; i < m->nex; i++)
		ss_exec_free(m->ex[i]);
	ss_crypto_free(m->crypto);
	free(m->buf);
	free(m->orig);
	free(m);
}

static int setup_exec(mp *m, const ss_layer_stack *st, char *err, size_t errlen)
{
	/* Fixed keys: execute mode proves the transforms, not key secrecy. */
	static const unsigned char key[32] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
		0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78};
	int rc = ss_crypto_alloc(&m->crypto, err, errlen);
	if (rc)
		return rc;
	/* Outermost first: the cipher, then the digest. */
	const ss_layer_type *cipher = role_type(st, SS_LAYER_CIPHER), *digest = role_type(st, SS_LAYER_DIGEST);
	const char *algs[2];
	size_t n = 0;
	if (cipher)
		algs[n++] = cipher->alg;
	if (digest)
		algs[n++] = digest->alg;
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

/* The crypto profile the stack's crypto layers (or proto_scale = 0) need,
   with the crypto_set overrides; *out stays NULL when none is needed. */
static int load_profile(const ss_params *p, const char *pdir, int needed, ss_profile **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!needed)
		return SS_OK;
	char e[1024] = "";
	const char *pn = ss_params_string(p, "profile");
	int rc = ss_profile_load_ref(pdir, pn, NULL, out, e, sizeof e);
	if (rc) {
		ss_errbuf(err, errlen, "profile: %s", e);
		return rc == SS_ENOMEM ? rc : SS_EINVAL;
	}
	if ((rc = apply_overrides(*out, ss_params_string(p, "crypto_set"), err, errlen))) {
		ss_profile_free(*out);
		*out = NULL;
	}
	return rc;
}

/* proto_scale = 0: protocol code speeds up from the R4400 as MD5 does
   (assumption: both are integer code running from cache). */
static int md5_scale(const char *pdir, const ss_profile *prof, double *scale, char *err, size_t errlen)
{
	ss_profile *r4 = NULL;
	ss_time a = 0, b = 0;
	char e[1024] = "";
	int rc = ss_profile_load(pdir, "r4400-100", NULL, &r4, e, sizeof e);
	if (!rc)
		rc = ss_profile_cost_by_name(r4, "md5", 4096, &a, e, sizeof e);
	if (!rc)
		rc = ss_profile_cost_by_name(prof, "md5", 4096, &b, e, sizeof e);
	ss_profile_free(r4);
	if (rc || a <= 0) {
		ss_errbuf(err, errlen, "proto_scale = 0 needs MD5 in both r4400-100 and the profile: %s", e);
		return SS_EINVAL;
	}
	*scale = (double)b / (double)a;
	return SS_OK;
}

/* Builds the host (processors, bus, locks), the program and the threads.
   Every failure after the model state exists goes through `fail`. */
static int mp_create(ss_sim *sim, const ss_params *p, void **state_out, char *err, size_t errlen)
{
	ss_layer_stack *st = NULL;
	int rc = parse_stack(ss_params_string(p, "stack"), &st, err, errlen);
	if (rc)
		return rc;
	ss_profile *prof = NULL;
	mp *m = calloc(1, sizeof *m);
	if (!m) {
		ss_layer_stack_free(st);
		return SS_ENOMEM;
	}
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
		rc = SS_ENOMEM;
		goto fail;
	}
	int threads = (int)ss_params_int(p, "threads");
	if (m->par == PAR_PLP)
		m->nthreads = threads ? threads : m->nproc;
	else if (threads) {
		ss_errbuf(err, errlen, "'threads' applies to plp only: tpc runs one thread per connection, ppc one per processor");
		rc = SS_EINVAL;
		goto fail;
	} else
		m->nthreads = m->par == PAR_TPC ? m->nconn : (m->nproc < m->nconn ? m->nproc : m->nconn);
	char pdir[4096];
	snprintf(pdir, sizeof pdir, "%s/crypto/profiles", ss_datadir());
	double proto_scale = ss_params_real(p, "proto_scale");
	int crypto = role_type(st, SS_LAYER_CIPHER) || role_type(st, SS_LAYER_DIGEST);
	if ((rc = load_profile(p, pdir, crypto || proto_scale == 0, &prof, err, errlen)))
		goto fail;
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
	rc = SS_ENOMEM;
	if (!m->cpu || !m->bus || !m->w || !m->conn_bytes || ss_prog_alloc(&m->prog))
		goto fail;
	ss_bus_set_cap(m->bus, ss_params_real(p, "cpu_bandwidth"));
	ss_bus_set_line(m->bus, ss_params_real(p, "cache_line")); /* a fresh PS bus: cannot fail */
	ss_cpu_tag_name(m->cpu, TAG_PROTO, "proto");
	ss_cpu_tag_name(m->cpu, TAG_CRYPTO, "crypto");
	ss_prog_host host = {
		.cpu = m->cpu,
		.rng = m->cost_rng,
		.cost_cv = m->cost_cv,
		.ud = m,
		.state = mp_state,
		.exec = m->execute ? mp_exec : NULL,
		.done = packet_done,
	};
	if ((rc = ss_prog_env_alloc(&m->env, sim, &host, err, errlen)) ||
	    (rc = ss_prog_env_bus(m->env, m->bus, m->cap, &m->membus)))
		goto fail;
	if (m->par == PAR_PLP && role_type(st, SS_LAYER_TRANSPORT) == &ss_layer_tcp) {
		rc = SS_ENOMEM;
		m->conn_state = calloc((size_t)m->nconn, sizeof *m->conn_state);
		if (!m->conn_state)
			goto fail;
		ss_lock_kind kind = strcmp(ss_params_string(p, "lock"), "spin") ? SS_LOCK_BLOCK : SS_LOCK_SPIN;
		for (int i = 0; i < m->nconn; i++) {
			char nm[48];
			if (m->nconn == 1)
				snprintf(nm, sizeof nm, "lock.tcp");
			else
				snprintf(nm, sizeof nm, "lock.tcp%d", i);
			m->conn_state[i].cpu = -1;
			if (ss_lock_alloc(&m->conn_state[i].lock, sim, nm, kind, m->cpu) != SS_OK)
				goto fail;
		}
	}
	if (m->execute && role_type(st, SS_LAYER_CIPHER) && (int)m->pkt_bytes % 8) {
		ss_errbuf(err, errlen, "execute mode: DES-CBC needs packet_bytes to be a multiple of 8");
		rc = SS_EINVAL;
		goto fail;
	}
	if (m->execute && (rc = setup_exec(m, st, err, errlen))) {
		rc = rc == SS_ENOMEM ? rc : SS_EINVAL;
		goto fail;
	}
	if (proto_scale == 0) {
		if ((rc = md5_scale(pdir, prof, &m->proto_scale, err, errlen)))
			goto fail;
	} else {
		m->proto_scale = proto_scale;
	}
	err[0] = '\0';
	if ((rc = build(m, p, st, prof, err, errlen)))
		goto fail;
	ss_profile_free(prof);
	ss_layer_stack_free(st);
	for (int i = 0; i < m->nthreads; i++) {
		worker *w = &m->w[i];
		ss_prog_thread_init(&w->pt, m->env, (uint32_t)i);
		w->m = m;
		w->last_conn = -1;
		w->first = i;
		w->stride = m->nthreads;
		w->nconn = m->par == PAR_PPC ? (m->nconn - i + m->nthreads - 1) / m->nthreads : 1;
		ss_cpu_acquire(m->cpu, &w->pt.th, started, w, 0);
	}
	*state_out = m;
	return SS_OK;
fail:
	ss_profile_free(prof);
	ss_layer_stack_free(st);
	mp_destroy(m);
	return rc;
}


static void mp_reset(void *st)
{
	mp *m = st;
	m->window = ss_sim_now(m->sim);
	m->bytes_win = m->pkts_win = 0;
	ss_prog_env_reset(m->env);
	m->runq = 0;
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
	const ss_prog_ledger *L = ss_prog_env_ledger(m->env);
	double ctx = ss_cpu_tag_time(m->cpu, SS_CPU_TAG_CTXSW) * 1e12;
	ss_metrics_set(out, "ledger.proto", "us", L->compute[TAG_PROTO] / n * 1e-6);
	ss_metrics_set(out, "ledger.crypto", "us", L->compute[TAG_CRYPTO] / n * 1e-6);
	ss_metrics_set(out, "ledger.memory", "us", L->memory / n * 1e-6);
	ss_metrics_set(out, "ledger.bus_wait", "us", L->bus_wait / n * 1e-6);
	ss_metrics_set(out, "ledger.lock_wait", "us", L->lock_wait / n * 1e-6);
	ss_metrics_set(out, "ledger.migrate", "us", L->migrate / n * 1e-6);
	ss_metrics_set(out, "ledger.ctxsw", "us", ctx / n * 1e-6);
	double rq = (m->runq - ctx) / n * 1e-6;
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
	ss_prog_env_set_trace(m->env, fn ? mp_trace : NULL, m);
}

const ss_model_type ss_model_mpstack = {
	.name = "mpstack",
	.help = "parallel protocol stack (x-kernel PLP/CLP) on a shared-memory multiprocessor",
	.params = mp_params,
	.nparams = sizeof mp_params / sizeof mp_params[0],
	.metrics = mp_metrics,
	.nmetrics = sizeof mp_metrics / sizeof mp_metrics[0],
	.primary = "throughput",
	.create = mp_create,
	.reset = mp_reset,
	.collect = mp_collect,
	.progress = mp_progress,
	.destroy = mp_destroy,
};
