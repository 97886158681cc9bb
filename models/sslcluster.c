/* Model "sslcluster": a cluster of SSL relays on two shared wires, as
   SSLACC (Rescorla, Cain and Korver, USENIX Security 2001; reference/
   sslacc01.csv, claims S01-C1..C29).

   Parts: per node one processor (res/ss_cpu) with an interrupt thread
   and the relay's single thread of control (the paper's one process
   with callbacks), an RSA card on its PCI bus (platform/ss_coproc);
   an exterior segment to the clients and an interior one to the
   back-end server that also carries the cluster's messages
   (platform/ss_segment), or a third segment for them. The clients and
   the server are ideal (infinitely fast: ASSUMPTION, the paper's
   clients and server are not its bottleneck).

   Work assignment: every frame to the cluster reaches every node; a
   node keeps those whose connection hashes (the 4-tuple: here a mix of
   the connection number) into one of its buckets, 1024 in all
   (S01-002), dealt out by the master in turn; the others cost it the
   interrupt and the link layer before the IP input drops them
   (ASSUMPTION).

   One connection (a handshake and a trivial fetch, Figs 17-23): the
   client's SYN, the ClientHello, the relay's flight, the
   ClientKeyExchange with ChangeCipherSpec and Finished in one segment,
   the relay's ChangeCipherSpec and Finished, one HTTP request and a
   one-record response, the close. The relay's checkpoints, each
   clustered before the output that commits to it (the First Law):
   pre-ServerHello, the server connect's ACK, the encrypted PreMaster
   secret, the master secret, the read cipher state after Finished, the
   data state, the request ACKed by the server, the response's
   pre-write, the response ACKed, the close (ten; S01-C3, C22). A
   checkpoint is an update multicast to every other live node, each of
   which takes the frame's interrupt and receive path, checks the
   update's MAC, applies it and returns an ACK; the relay goes on when
   all have ACKed. With `aggregate`, the updates and ACKs a node makes
   while its thread has work queued leave together when the queue
   empties, one message per destination (S01-C4). With clustering off
   (the conventional array, the paper's "proj"), no checkpoints.

   Variants: a bulk fetch in 16 KB records, each record's size
   clustered before it is sent and its ACK after (S01-C9, C11); resumed
   handshakes from a clustered or per-node session cache (S01-C28);
   execute mode, the relay's records sealed for real with the write
   state in every checkpoint (proto/ss_sslrec.h; S01-C12, C24).

   Faults: nodes crash (at a time, at random times, or right after a
   connection's step) or go mute (up, ACKing nothing: S01-C19); nodes
   join a loaded cluster, and the master moves them an even share of
   the buckets, each when it is quiet. The
   others detect a crash by missed keepalives; the master deals the dead
   node's buckets to the live ones; a mirror restores each of its
   connections from the last update it applied and does the step after
   it again, the peers' TCP timers bringing back what was not clustered
   (the clients and the server retransmit, doubling from 500 ms). The
   designs the paper rejects are options: no fingered ACK, committing
   before clustering, the residue not clustered, the data multicast.

   Costs (each a parameter with its source or ASSUMPTION): the kernel's
   per-frame paths from a protocol cost profile in cycles at the node's
   clock (rule P of tests/pubprofiles.py: the P6 core's cycles, here at
   846 MHz, S01-030); the relay's crypto from a crypto profile (p3-846);
   the relay's own per-message work, a cluster update's building and
   applying: assumptions. docs/sslacc01.md describes it all. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_coproc.h"
#include "ss_cpu.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_grow.h"
#include "ss_iobus.h"
#include "ss_link.h"
#include "ss_model.h"
#include "ss_profile.h"
#include "ss_protoprof.h"
#include "ss_segment.h"
#include "ss_sslrec.h"

#define MAX_NODES 16
#define NBUCKETS 1024 /* S01-002 */

enum { TAG_KERNEL = 1, TAG_SSL = 2, TAG_CLUSTER = 3 };

/* Frame sizes, IP bytes. ASSUMPTIONS: 40 bytes of TCP/IP headers (no
   options) plus the messages of a static-RSA handshake with a 1024-bit
   key and one certificate of about 900 bytes: ClientHello 100, the
   server's flight 1060, ClientKeyExchange 134 + ChangeCipherSpec 6 +
   Finished 45, the relay's 6 + 45; an HTTP request of 300 bytes and a
   response of 1000, one record each (5-byte header, SHA-1 MAC, 3DES
   padding); a cluster update of 160 bytes (the 4-tuple of sequence
   numbers, handshake hashes or cipher state, the next state) in UDP
   (28), its ACK 16. */
enum {
	F_CTL = 40, F_SYN = 44, F_CH = 140, F_FLIGHT = 1100, F_CKE = 225, F_SFIN = 91, F_REQ = 372, F_RESP = 1072,
	F_RFLIGHT = 171, F_CFIN = 423, /* resumed: ServerHello 80 with ChangeCipherSpec and Finished; the client's with the request */
	F_CLOSE = 71, U_HDR = 28, U_UPD = 160, U_ACK = 16
};

/* Frames: to the cluster (M_*), to the client (TC_*), to the server (TS_*). */
enum {
	M_SYN, M_ACK, M_CH, M_CKE, M_REQ, M_CLOSE, M_CLOSE_ACK, M_SSYNACK, M_RESP, M_SFIN, M_DATA, M_DACK, M_CFIN,
	TC_SYNACK, TC_FLIGHT, TC_SFIN, TC_ACK, TC_RESP, TC_CLOSE, TC_RST, TC_DATA, TC_RFLIGHT,
	TS_SYN, TS_ACK, TS_REQ, TS_FIN, TS_FINACK, TS_DACK, NFR
};
/* A bulk fetch: the server's response in records of the standard's
   16 KB (S01-019), in segments of 1460 bytes (Ethernet's MSS). */
#define REC_BYTES 16384
#define MSS 1460
/* The relay's steps (its thread's jobs), and the card's interrupt. */
enum {
	J_CH, J_SH, J_SRV_SYNACK, J_SRV_ACK, J_CKE, J_CP2, J_RSA, J_CP3, J_FIN, J_SFIN, J_REQ, J_FWD0, J_FWD, J_RESP,
	J_ACKC, J_SENDRESP, J_CLOSE, J_CLOSE2, J_SHUT, J_RESUME, J_RREC, J_SENDREC, J_RACK, J_SACK, J_SHR, J_CFIN, J_CFIN2,
	J_SHGEN, J_SIGNED, J_SHSEND,
	J_UPD, J_UACK, J_XMIT, J_IRQ_RSA, J_IRQ_FRAME
};
#define MAX_CP 16 /* checkpoints a chain holds (ten in all) */

typedef struct node node;
typedef struct conn conn;
typedef struct model model;

/* Cluster messages' kinds, beyond every frame kind. */
enum { CM_UPD = 100, CM_ACK = 101, CM_DATA = 102 /* a record's data in the update (the rejected design of S01-C11) */ };

typedef struct fr {
	int kind;
	conn *c;
} fr;

/* One connection's checkpoint in a cluster message: its chain, its
   number in the chain and the owner's epoch (a takeover starts one). */
typedef struct cref {
	conn *c;
	uint16_t epoch;
	uint8_t ch, seq;
} cref;

/* A cluster message: updates of n connections (multicast), or their
   ACKs (to one relay). */
typedef struct cmsg {
	int kind; /* CM_UPD or CM_ACK: first, as a frame's kind, so that the server's station tells them apart */
	int from, to;
	int refs;
	size_t n;
	cref *c;
	model *m;
	struct cmsg *prev, *next; /* the messages alive, for sc_destroy (some are on a wire when the run ends) */
} cmsg;

typedef struct job {
	struct job *next;
	ss_time cost;
	int tag, op, kind;
	conn *c;
	void *p; /* a cmsg, or the J_XMIT list */
	struct job *all; /* every job record, for sc_destroy */
} job;

typedef struct worker {
	node *n;
	ss_thread th;
	job *head, *tail, *cur;
	int busy;
} worker;

/* Per chain (0 the handshake's and data's, 1 the server connect's):
   the outstanding checkpoint's mirrors yet to ACK (a bit each), its
   number, and for each number the step after it and the frames the
   relay had accepted (a bit per frame kind), which a mirror taking over
   restores. */
typedef struct chain {
	uint32_t wait;
	int pend[4], npend; /* checkpoints waiting for the outstanding one (a bulk fetch's records) */
	uint8_t seq;
	uint8_t committed; /* without the First Law: the last checkpoint whose output has gone out */
	ss_time issued;    /* when the outstanding checkpoint was issued */
	int next[MAX_CP];
	uint32_t snap[MAX_CP];
	uint32_t accepted;
} chain;

struct conn {
	model *m;
	uint64_t id;
	int bucket, owner, active;
	uint16_t epoch;
	chain ch[2];
	uint16_t applied[MAX_NODES][2]; /* per node: (epoch << 8 | number) of the last update it applied */
	int srv_ready, req_waiting, rsa_done, cp2_done, closes, relay_done;
	int gen_started, gen_done, sh_acked; /* the flight generated beside the pre-ServerHello update (S01-C21) */
	ss_time gen_from;
	/* a bulk fetch: records the server has sent and had ACKed, the
	   relay's records received (and the segments of the next), sent,
	   the client's records received (and segments) */
	int srv_sent, srv_acked, rx_rec, rx_seg, tx_rec, cl_rec, cl_seg;
	ss_time t0;
	/* the peers: the frames each has received (a bit per kind), its
	   last frame sent, when, its retransmission timer (armed only for
	   connections a failure touched) */
	uint32_t got_c, got_s;
	int last_c, last_s, tries[2];
	ss_time last_c_t, last_s_t, rto[2];
	uint64_t tgen[2];
	int affected, orphan, lost, stopped_s;
	int client, offer, resumed; /* its client; it offers the client's last session; the relay resumed it */
	fr frames[NFR];
	struct cexec *x; /* execute mode: the records' real state (kept across reuse) */
	conn *free_next;
};

/* Execute mode: the relay's three records to the client (its Finished,
   the response, the close_notify) sealed for real. The relay's write
   state is part of every checkpoint; a mirror restores it; the client
   opens the first copy of each record it receives with its own read
   state. `first` holds the bytes of each record as first sent, which
   a copy sent again (by a mirror) must equal (the Zeroth Law). */
#define NREC 3
typedef struct cexec {
	ss_sslrec_keys k;
	ss_sslrec_state iv0, w, snap[MAX_CP], r;
	unsigned char first[NREC][1100];
	size_t firstlen[NREC];
	int have[NREC];
} cexec;

typedef struct cvec {
	cref *v;
	size_t n, cap;
} cvec;

/* An RSA request on a card: its own record, since a connection taken
   over submits again while the dead node's card may still hold the
   first. */
typedef struct rsareq {
	ss_coproc_req r;
	conn *c;
	int node, sign; /* sign: the ServerKeyExchange's signature (ephemeral RSA), else the PreMaster secret */
	uint16_t epoch;
	struct rsareq *next, *all;
} rsareq;

struct node {
	model *m;
	int idx, alive, member; /* alive: running; member: in the cluster's view (until its death is detected) */
	int mute;               /* up, but sends no ACKs for the others' updates */
	ss_cpu_pool *cpu;
	ss_iobus *bus;
	ss_coproc *card;
	worker irq, app;
	int st_ext, st_int, st_cl;
	ss_time discard_owed; /* frames the IP input dropped, charged to the next interrupt */
	cvec upd;             /* updates made since the last flush */
	cvec ack[MAX_NODES];  /* ACKs owed to each relay */
};

struct model {
	ss_sim *sim;
	int n, clustering, aggregate;
	node nodes[MAX_NODES];
	int owner[NBUCKETS];
	ss_segment *ext, *in, *cl;
	int st_client, st_server;
	ss_protoprof *pprof;
	ss_profile *cprof;
	ss_coproc_spec card;
	/* costs, ps */
	ss_time k_rx, k_tx, k_sys, k_discard, k_irq;
	ss_time a_msg, a_upd, a_apply, a_submit;
	ss_time h_ch, h_flight, h_cke, c_prf, c_fin, c_sfin, c_req, c_resp, c_close, c_mac_upd, c_mac_ack;
	int clients;
	uint64_t next_id;
	conn *free_conns;
	conn **pool; /* every connection record, for the takeover's scan and sc_destroy */
	size_t npool, poolcap;
	rsareq *free_rq, *all_rq;
	job *free_jobs, *all_jobs;
	cmsg *msgs;
	/* faults */
	int fail_k, mute, fingered, first_law, mirror_data;
	/* resumed sessions: the share of connections offering one, the
	   cache clustered (every mirror inserts it) or per node, each
	   client's session's node (-1: none) */
	double resume_p;
	int cache_cluster;
	int *sess;
	ss_rng *rrng;
	uint64_t res_ok, res_miss;
	/* execute mode */
	ss_crypto *cx;
	int residue; /* the updates carry the CBC residue (false: the rejected design) */
	uint64_t rec_ok, rec_bad, z_same, z_diff;
	ss_time cp_rtt; /* checkpoints' round trips, issue to the last ACK */
	uint64_t cp_done;
	int fail_op, fail_kind, fail_done; /* fail_step: the step (and frame kind) after which to crash, -1: none */
	uint64_t fail_conn;
	/* a bulk fetch (fetch_bytes > 0) */
	uint64_t fetch_bytes;
	int nrec, window;
	ss_time c_rec_full, c_rec_last;
	uint64_t bytes, cl_wire_bytes;
	const char *cipher;
	ss_time fail_at, fail_spread, keepalive, rto, restore;
	int miss;
	ss_time taken_at; /* when the takeover ran, or the rebalancing ended (0: none) */
	/* joining nodes and the master's rebalancing */
	int join_k, nmove;
	ss_time join_at, rebal_end;
	int move_b[NBUCKETS], move_to[NBUCKETS];
	uint64_t moved;
	int ephemeral;
	ss_time gen_sum;
	uint64_t gen_n;
	uint64_t tgen;
	/* window */
	ss_time win;
	uint64_t done, cps, cmsgs, cmsg_conns, lost, aff_done, rexmits, orphans, resumed, after_done;
	double lat_sum, aff_lat_sum, aff_lat_max;
	uint64_t total_done;
};

/* ---- the two threads of a node ---- */

static job *job_new(model *m, int op, conn *c, ss_time cost, int tag)
{
	job *j = m->free_jobs;
	if (j)
		m->free_jobs = j->next;
	else if (!(j = malloc(sizeof *j)))
		ss_fatal(SS_LOC, "sslcluster: out of memory");
	else {
		j->all = m->all_jobs;
		m->all_jobs = j;
	}
	*j = (job){NULL, cost, tag, op, 0, c, NULL, j->all};
	return j;
}

static void w_run(worker *w);
static void step(node *n, job *j);
static void flush(node *n);
typedef struct xlist xlist;
static void cmsg_put(cmsg *g);
static void xl_free(xlist *l);

/* A dead node's work is lost with it: its messages released. */
static void job_drop(model *m, job *j)
{
	if (j->op == J_XMIT)
		xl_free(j->p);
	else if (j->p && (j->op == J_UPD || j->op == J_UACK || (j->op == J_IRQ_FRAME && (j->kind == J_UPD || j->kind == J_UACK))))
		cmsg_put(j->p);
	j->p = NULL;
	j->next = m->free_jobs;
	m->free_jobs = j;
}

/* A dead node's thread: the work queued is lost, the processor freed. */
static void w_lost(worker *w)
{
	job *j;
	while ((j = w->head)) {
		w->head = j->next;
		job_drop(w->n->m, j);
	}
	w->tail = NULL;
	w->busy = 0;
	ss_cpu_release(w->n->cpu, &w->th);
}

static void w_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	worker *w = ctx;
	node *n = w->n;
	job *j = w->cur;
	w->cur = NULL;
	if (!n->alive) {
		job_drop(n->m, j);
		w_lost(w);
		return;
	}
	step(n, j);
	j->p = NULL;
	j->next = n->m->free_jobs;
	n->m->free_jobs = j;
	if (!n->alive) { /* it crashed at this step */
		w_lost(w);
		return;
	}
	if (w == &n->app && (!n->m->aggregate || !w->head))
		flush(n);
	w_run(w);
}

static void w_run(worker *w)
{
	job *j = w->head;
	if (!j) {
		w->busy = 0;
		ss_cpu_release(w->n->cpu, &w->th);
		return;
	}
	w->head = j->next;
	if (!w->head)
		w->tail = NULL;
	w->cur = j;
	ss_time c = j->cost;
	if (w == &w->n->irq) {
		c += w->n->discard_owed;
		w->n->discard_owed = 0;
	}
	ss_cpu_compute(w->n->cpu, &w->th, c, j->tag, w_done, w, 0);
}

static void w_got(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	w_run(ctx);
}

static void w_push(worker *w, job *j)
{
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	if (!w->busy) {
		w->busy = 1;
		ss_cpu_acquire(w->n->cpu, &w->th, w_got, w, 0);
	}
}

static void app(node *n, int op, conn *c, ss_time cost)
{
	w_push(&n->app, job_new(n->m, op, c, cost, op >= J_UPD ? TAG_CLUSTER : TAG_SSL));
}

/* ---- frames ---- */

static void send(ss_segment *g, int from, int to, void *obj, uint32_t len)
{
	if (ss_segment_send(g, from, to, obj, len) != SS_OK)
		ss_fatal(SS_LOC, "sslcluster: a frame of %u bytes refused", len);
}

/* Clients and server to the cluster's address: every node hears it. */
static void to_cluster(model *m, ss_segment *g, int st, conn *c, int kind, uint32_t len)
{
	(void)m;
	send(g, st, SS_SEGMENT_ALL, &c->frames[kind], len);
}

static void to_client(node *n, conn *c, int kind, uint32_t len) { send(n->m->ext, n->st_ext, n->m->st_client, &c->frames[kind], len); }
static void to_server(node *n, conn *c, int kind, uint32_t len) { send(n->m->in, n->st_int, n->m->st_server, &c->frames[kind], len); }

/* A connection's record is reused once client and relay are done with
   it; one a failure touched is kept to the end (copies of its frames
   may still be on the wires). */
static void conn_put(model *m, conn *c)
{
	if (++c->closes == 2) {
		c->active = 0;
		if (!c->affected) {
			c->free_next = m->free_conns;
			m->free_conns = c;
		}
	}
}

/* Execute mode: record i's payload (bytes the peers agree on: the
   Finished's verify data, the server's response, the alert). */
static const uint8_t rec_type[NREC] = {22, 23, 21};
static const size_t rec_len[NREC] = {12, 1000, 2};
static void rec_payload(const conn *c, int i, unsigned char *out)
{
	for (size_t b = 0; b < rec_len[i]; b++)
		out[b] = (unsigned char)(c->id * 131 + (uint64_t)i * 7 + b);
}

/* The relay seals record i with its write state; a copy sent again must
   be the first copy's bytes. */
static void exec_send(model *m, conn *c, int i)
{
	cexec *x = c->x;
	unsigned char in[1000], out[1100];
	size_t n = 0;
	char e[256];
	rec_payload(c, i, in);
	if (ss_sslrec_seal(m->cx, &x->k, &x->w, rec_type[i], in, rec_len[i], out, sizeof out, &n, e, sizeof e) != SS_OK)
		ss_fatal(SS_LOC, "sslcluster: sealing a record: %s", e);
	if (!x->have[i]) {
		memcpy(x->first[i], out, n);
		x->firstlen[i] = n;
		x->have[i] = 1;
	} else if (n == x->firstlen[i] && !memcmp(out, x->first[i], n)) {
		m->z_same++;
	} else {
		m->z_diff++;
	}
}

/* The client opens the record it received (the first copy on the
   wire); a record it cannot open ends the connection (an alert). */
static int exec_recv(model *m, conn *c, int i)
{
	cexec *x = c->x;
	unsigned char out[1100], want[1000];
	size_t n = 0;
	uint8_t type = 0;
	char e[256];
	rec_payload(c, i, want);
	if (x->have[i] &&
	    ss_sslrec_open(m->cx, &x->k, &x->r, x->first[i], x->firstlen[i], &type, out, sizeof out, &n, e, sizeof e) == SS_OK &&
	    type == rec_type[i] && n == rec_len[i] && !memcmp(out, want, n)) {
		m->rec_ok++;
		return 1;
	}
	m->rec_bad++;
	return 0;
}

/* A connection's key block (as the PRF would give it from its master
   secret): SHA-1 of its number and a counter. */
static void exec_init(model *m, conn *c, const char *cipher)
{
	if (!c->x && !(c->x = malloc(sizeof *c->x)))
		ss_fatal(SS_LOC, "sslcluster: out of memory");
	memset(c->x, 0, sizeof *c->x);
	const ss_crypto_alg *sha = NULL;
	unsigned char block[80];
	char e[256];
	if (ss_crypto_alg_find("sha1", &sha, e, sizeof e) != SS_OK)
		ss_fatal(SS_LOC, "sslcluster: %s", e);
	for (int k = 0; k < 4; k++) {
		unsigned char in[12];
		size_t ol = 0;
		for (int b = 0; b < 8; b++)
			in[b] = (unsigned char)(c->id >> (8 * b));
		memcpy(in + 8, "kb", 2);
		in[10] = (unsigned char)k;
		in[11] = 0;
		if (ss_crypto_digest(m->cx, sha, in, sizeof in, block + 20 * k, 20, &ol, e, sizeof e) != SS_OK)
			ss_fatal(SS_LOC, "sslcluster: %s", e);
	}
	if (ss_sslrec_keys_init(&c->x->k, &c->x->iv0, cipher, "hmac-sha1", block, sizeof block, e, sizeof e) != SS_OK)
		ss_fatal(SS_LOC, "sslcluster: %s", e);
	c->x->w = c->x->r = c->x->iv0;
}

/* A bulk fetch's record i: its plaintext bytes, and its segments from
   the server (plaintext) and to the client (with the record's 5-byte
   header, SHA-1 MAC and CBC padding). */
static uint32_t rec_bytes(const model *m, int i)
{
	uint64_t left = m->fetch_bytes - (uint64_t)i * REC_BYTES;
	return (uint32_t)(left < REC_BYTES ? left : REC_BYTES);
}
static uint32_t rec_wire(uint32_t plain) { return 5 + (plain + 20 + 8) / 8 * 8; }
static int segs(uint32_t bytes) { return (int)((bytes + MSS - 1) / MSS); }
static uint32_t seg_len(uint32_t bytes, int j) /* segment j's IP length */
{
	uint32_t left = bytes - (uint32_t)j * MSS;
	return 40 + (left < MSS ? left : MSS);
}

/* ---- the peers: clients and server, with TCP's retransmission ---- */

/* What answers each frame a peer sends (-1: nothing is awaited): a
   peer sends again what nothing has answered when its timer fires. */
static int answer(int kind)
{
	switch (kind) {
	case M_SYN: return TC_SYNACK;
	case M_CH: return TC_FLIGHT;
	case M_CKE: return TC_SFIN;
	case M_CFIN: return TC_ACK;
	case M_REQ: return TC_ACK;
	case M_CLOSE: return TC_CLOSE;
	case M_SSYNACK: return TS_ACK;
	case M_RESP: return TS_FIN;
	case M_SFIN: return TS_FINACK;
	default: return -1;
	}
}

static uint32_t frame_len(int kind)
{
	switch (kind) {
	case M_SYN: case M_SSYNACK: return F_SYN;
	case M_CH: return F_CH;
	case M_CKE: return F_CKE;
	case M_CFIN: return F_CFIN;
	case M_REQ: return F_REQ;
	case M_CLOSE: return F_CLOSE;
	case M_RESP: return F_RESP;
	default: return F_CTL;
	}
}

static void rexmit(ss_sim *sim, void *ctx, uint64_t arg);

/* Side 0 the client, 1 the server. TCP's timer doubles at each
   retransmission (RFC 6298); after 12 the peer gives up. */
static void arm(model *m, conn *c, int side, ss_time at)
{
	c->tgen[side] = ++m->tgen;
	ss_time now = ss_sim_now(m->sim);
	ss_sim_after(m->sim, at > now ? at - now : 0, rexmit, c, c->tgen[side] << 1 | (uint64_t)side);
}

static void peer_send(model *m, conn *c, int side, int kind)
{
	ss_time now = ss_sim_now(m->sim);
	if (side == 0) {
		c->last_c = kind;
		c->last_c_t = now;
		to_cluster(m, m->ext, m->st_client, c, kind, frame_len(kind));
	} else {
		c->last_s = kind;
		c->last_s_t = now;
		to_cluster(m, m->in, m->st_server, c, kind, frame_len(kind));
	}
	if (c->affected && answer(kind) >= 0) {
		c->rto[side] = m->rto;
		c->tries[side] = 0;
		arm(m, c, side, now + m->rto);
	}
}

static int awaiting(const conn *c, int side)
{
	int a = answer(side ? c->last_s : c->last_c);
	if (a < 0 || c->lost || (side && c->stopped_s) || (!side && (c->got_c >> TC_CLOSE & 1)))
		return 0;
	if (!side && c->last_c == M_CH && (c->got_c >> TC_RFLIGHT & 1)) /* a resumed handshake's answer */
		return 0;
	return !((side ? c->got_s : c->got_c) >> a & 1);
}

static void client_lost(model *m, conn *c);

static void rexmit(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	conn *c = ctx;
	model *m = c->m;
	int side = (int)(arg & 1);
	if (c->tgen[side] != arg >> 1 || !awaiting(c, side))
		return;
	if (++c->tries[side] > 12) {
		if (side == 0)
			client_lost(m, c);
		else
			c->stopped_s = 1;
		return;
	}
	int k = side ? c->last_s : c->last_c;
	m->rexmits++;
	to_cluster(m, side ? m->in : m->ext, side ? m->st_server : m->st_client, c, k, frame_len(k));
	c->rto[side] *= 2;
	arm(m, c, side, ss_sim_now(m->sim) + c->rto[side]);
}

static void client_start(model *m, int client)
{
	conn *c = m->free_conns;
	if (c)
		m->free_conns = c->free_next;
	else {
		if (!(c = calloc(1, sizeof *c)) || ss_grow(&m->pool, &m->poolcap, m->npool + 1, sizeof *m->pool, 64) != SS_OK)
			ss_fatal(SS_LOC, "sslcluster: out of memory");
		m->pool[m->npool++] = c;
	}
	cexec *x = c->x;
	memset(c, 0, sizeof *c);
	c->x = x;
	c->m = m;
	c->id = m->next_id++;
	c->active = 1;
	/* The 4-tuple's hash into a bucket (ASSUMPTION: uniform and
	   independent from one connection to the next, as clients' ports
	   are): SplitMix64's finaliser of the connection's number. */
	c->bucket = (int)(ss_rng_mix(c->id) >> 54);
	c->owner = m->owner[c->bucket];
	/* Its owner crashed and the cluster does not know yet: its SYN is
	   lost, and the client's timer brings it again. */
	c->affected = !m->nodes[c->owner].alive;
	for (int k = 0; k < NFR; k++)
		c->frames[k] = (fr){k, c};
	c->t0 = ss_sim_now(m->sim);
	c->last_s = -1;
	c->client = client;
	/* It offers the client's last session (the cache decides at the
	   ClientHello whether the relay can resume it). */
	c->offer = m->rrng && m->sess[client] >= 0 && ss_rng_uniform(m->rrng) < m->resume_p;
	if (m->cx)
		exec_init(m, c, m->cipher);
	peer_send(m, c, 0, M_SYN);
}

static void conn_done(model *m, conn *c)
{
	double lat = ss_time_to_s(ss_sim_now(m->sim) - c->t0);
	m->done++;
	m->total_done++;
	m->lat_sum += lat;
	if (c->affected) {
		m->aff_done++;
		m->aff_lat_sum += lat;
		if (lat > m->aff_lat_max)
			m->aff_lat_max = lat;
	}
	if (m->taken_at && ss_sim_now(m->sim) >= m->taken_at + ss_time_from_s(1.0))
		m->after_done++;
}

/* The client's connection reset (or timed out): lost; the client opens
   another. */
static void client_lost(model *m, conn *c)
{
	if (c->lost)
		return;
	c->lost = 1;
	m->lost++;
	c->closes = 2;
	c->active = 0;
	client_start(m, c->client);
}

/* The clients answer at once: each of `clients` starts a new connection
   when its last one closes (a closed loop). A frame already received is
   a duplicate (a mirror that took over sends again what the dead node
   may have sent: the Zeroth Law makes it the same), dropped. */
static void client_rx(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)to;
	(void)from;
	(void)len;
	model *m = ctx;
	fr *f = obj;
	conn *c = f->c;
	if (f->kind == TC_DATA) { /* a bulk record's segment; its last is ACKed with the others (one ACK per two), the last record's with the close */
		uint32_t b = rec_bytes(m, c->cl_rec);
		int k = segs(rec_wire(b));
		if (++c->cl_seg < k)
			return;
		c->cl_seg = 0;
		c->cl_rec++;
		m->bytes += b;
		for (int i = 1; i < (k + 1) / 2; i++)
			to_cluster(m, m->ext, m->st_client, c, M_ACK, F_CTL);
		if (c->cl_rec == m->nrec)
			peer_send(m, c, 0, M_CLOSE);
		else
			to_cluster(m, m->ext, m->st_client, c, M_DACK, F_CTL);
		return;
	}
	if (c->lost || c->got_c >> f->kind & 1)
		return;
	c->got_c |= 1u << f->kind;
	if (c->x && (f->kind == TC_SFIN || f->kind == TC_RFLIGHT || f->kind == TC_RESP || f->kind == TC_CLOSE) &&
	    !exec_recv(m, c, f->kind == TC_SFIN || f->kind == TC_RFLIGHT ? 0 : f->kind == TC_RESP ? 1 : 2)) {
		client_lost(m, c);
		return;
	}
	switch (f->kind) {
	case TC_SYNACK:
		to_cluster(m, m->ext, m->st_client, c, M_ACK, F_CTL);
		peer_send(m, c, 0, M_CH);
		break;
	case TC_FLIGHT: /* ClientKeyExchange, ChangeCipherSpec and Finished in one segment */
		peer_send(m, c, 0, M_CKE);
		break;
	case TC_RFLIGHT: /* resumed: ChangeCipherSpec, Finished and the request in one segment */
		peer_send(m, c, 0, M_CFIN);
		break;
	case TC_SFIN: /* the request, which ACKs the relay's Finished */
		peer_send(m, c, 0, M_REQ);
		break;
	case TC_RESP: /* ACK, close_notify and FIN in one segment */
		peer_send(m, c, 0, M_CLOSE);
		break;
	case TC_CLOSE:
		to_cluster(m, m->ext, m->st_client, c, M_CLOSE_ACK, F_CTL);
		conn_done(m, c);
		conn_put(m, c);
		client_start(m, c->client);
		break;
	case TC_RST:
		client_lost(m, c);
		break;
	default:
		break;
	}
}

/* The server sends the records its window allows (it is the client's
   window, through the relay, that ACKs each record once the client
   has). */
static void server_push(model *m, conn *c)
{
	while (c->srv_sent < m->nrec && c->srv_sent < c->srv_acked + m->window) {
		uint32_t b = rec_bytes(m, c->srv_sent);
		for (int j = 0; j < segs(b); j++)
			to_cluster(m, m->in, m->st_server, c, M_DATA, seg_len(b, j));
		c->srv_sent++;
	}
}

static void server_rx(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)to;
	(void)from;
	(void)len;
	model *m = ctx;
	fr *f = obj;
	if (f->kind >= CM_UPD) { /* the cluster's multicast, which the server's interface drops */
		cmsg_put(obj);
		return;
	}
	conn *c = f->c;
	if (f->kind == TS_DACK) { /* a record ACKed: the window moves */
		c->srv_acked++;
		server_push(m, c);
		return;
	}
	if (c->stopped_s || c->got_s >> f->kind & 1)
		return;
	c->got_s |= 1u << f->kind;
	switch (f->kind) {
	case TS_SYN:
		peer_send(m, c, 1, M_SSYNACK);
		break;
	case TS_REQ: /* the response ACKs the request */
		if (m->nrec)
			server_push(m, c);
		else
			peer_send(m, c, 1, M_RESP);
		break;
	case TS_FIN:
		peer_send(m, c, 1, M_SFIN);
		break;
	default:
		break;
	}
}

/* ---- checkpoints ---- */

/* The other members in the cluster's view: a crashed node stays one
   until its death is detected. */
static uint32_t mirrors(const model *m, int self)
{
	uint32_t k = 0;
	for (int i = 0; i < m->n; i++)
		if (i != self && m->nodes[i].member)
			k |= 1u << i;
	return k;
}

static void cv_add(cvec *v, cref r)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		cref *nv = realloc(v->v, cap * sizeof *nv);
		if (!nv)
			ss_fatal(SS_LOC, "sslcluster: out of memory");
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = r;
}

/* The processor time of a step that follows a checkpoint: its crypto,
   its system calls and the send paths of what it sends. */
static ss_time step_cost(const model *m, const conn *c, int op)
{
	switch (op) {
	case J_SENDREC:
		return m->a_msg + m->k_sys + (ss_time)segs(rec_wire(rec_bytes(m, c->tx_rec))) * m->k_tx;
	case J_SACK:
		return m->k_tx;
	case J_SHGEN: /* ServerHello to ServerHelloDone built (and, with ephemeral RSA, the ServerKeyExchange to sign) */
		return 3 * m->a_msg + m->h_flight;
	case J_SHSEND:
		return 2 * m->k_sys + 2 * m->k_tx;
	case J_SHR:
		return 3 * m->a_msg + m->c_sfin + 2 * m->k_sys + 2 * m->k_tx;
	case J_SRV_ACK:
	case J_ACKC:
		return m->k_tx;
	case J_FIN:
		return m->c_fin;
	case J_SFIN:
		return m->a_msg + m->c_sfin + m->k_sys + m->k_tx;
	case J_FWD:
		return m->k_sys + m->k_tx;
	case J_SENDRESP:
		return m->a_msg + m->c_resp + m->k_sys + m->k_tx;
	case J_SHUT:
		return m->a_msg + m->c_close + 2 * m->k_sys + 2 * m->k_tx;
	default:
		return 0;
	}
}

/* Clusters c's state, then runs step `next` (the First Law: what
   commits to the state waits for every mirror's ACK). One at a time per
   chain: the handshake's steps are one chain, the server connect, which
   runs beside it (S01-C23), the other. */
static void checkpoint_on(node *n, conn *c, int next, int ch)
{
	model *m = n->m;
	uint32_t k = m->clustering ? mirrors(m, n->idx) : 0;
	if (!k) {
		app(n, next, c, step_cost(m, c, next));
		return;
	}
	chain *h = &c->ch[ch];
	if (h->wait) { /* one outstanding per chain: the next waits its turn */
		if (h->npend == (int)(sizeof h->pend / sizeof h->pend[0]))
			ss_fatal(SS_LOC, "sslcluster: connection %llu: too many checkpoints waiting", (unsigned long long)c->id);
		h->pend[h->npend++] = next;
		return;
	}
	if (h->seq + 1 >= MAX_CP) {
		if (!m->nrec)
			ss_fatal(SS_LOC, "sslcluster: connection %llu: a checkpoint out of order", (unsigned long long)c->id);
		h->seq = 0; /* a bulk fetch's checkpoints: numbered modulo (no takeover, whose restore needs the history) */
	}
	m->cps++;
	h->seq++;
	h->next[h->seq] = next;
	h->snap[h->seq] = h->accepted;
	if (c->x && ch == 0)
		c->x->snap[h->seq] = c->x->w;
	cv_add(&n->upd, (cref){c, c->epoch, (uint8_t)ch, h->seq});
	if (!m->first_law) { /* the wrong order (S01-C13): commit, and cluster beside it */
		h->committed = h->seq;
		app(n, next, c, step_cost(m, c, next));
		return;
	}
	h->wait = k;
	h->issued = ss_sim_now(m->sim);
}

static void checkpoint(node *n, conn *c, int next) { checkpoint_on(n, c, next, 0); }

/* The outstanding checkpoint done: the one waiting behind it goes out. */
static void checkpoint_pending(node *n, conn *c, int ch)
{
	chain *h = &c->ch[ch];
	if (!h->npend)
		return;
	int next = h->pend[0];
	memmove(h->pend, h->pend + 1, (size_t)--h->npend * sizeof h->pend[0]);
	checkpoint_on(n, c, next, ch);
}

static cmsg *cmsg_new(model *m, int kind, int from, int to, cref *v, size_t cnt)
{
	cmsg *g = malloc(sizeof *g);
	cref *cv = cnt ? malloc(cnt * sizeof *cv) : NULL;
	if (!g || (cnt && !cv))
		ss_fatal(SS_LOC, "sslcluster: out of memory");
	if (cnt)
		memcpy(cv, v, cnt * sizeof *cv);
	*g = (cmsg){kind, from, to, 0, cnt, cv, m, NULL, m->msgs};
	if (m->msgs)
		m->msgs->prev = g;
	m->msgs = g;
	return g;
}

static void cmsg_put(cmsg *g)
{
	if (--g->refs <= 0) {
		if (g->prev)
			g->prev->next = g->next;
		else
			g->m->msgs = g->next;
		if (g->next)
			g->next->prev = g->prev;
		free(g->c);
		free(g);
	}
}

struct xlist {
	cmsg **v;
	size_t n, cap;
};

static void xl_free(xlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		cmsg_put(l->v[i]);
	free(l->v);
	free(l);
}

static void xl_add(xlist *l, cmsg *g)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		cmsg **nv = realloc(l->v, cap * sizeof *nv);
		if (!nv)
			ss_fatal(SS_LOC, "sslcluster: out of memory");
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = g;
}

/* What the thread made goes out as messages of at most an MTU each:
   the updates to every mirror, the ACKs to each relay. Building them
   (a system call, the send path, the MAC) is a job of the thread. */
static void flush(node *n)
{
	model *m = n->m;
	size_t per_upd = (1500 - U_HDR) / U_UPD, per_ack = (1500 - U_HDR) / U_ACK;
	xlist *l = NULL;
	ss_time cost = 0;
	for (size_t i = 0; i < n->upd.n && m->mirror_data; i++) { /* the data frames' send paths */
		const cref *r = &n->upd.v[i];
		if (!r->ch && r->c->ch[0].next[r->seq] == J_SENDREC)
			cost += (ss_time)((rec_bytes(m, r->c->tx_rec) + 1500 - U_HDR - 1) / (1500 - U_HDR)) * m->k_tx;
	}
	for (size_t at = 0; at < n->upd.n; at += per_upd) {
		size_t cnt = n->upd.n - at < per_upd ? n->upd.n - at : per_upd;
		if (!l && !(l = calloc(1, sizeof *l)))
			ss_fatal(SS_LOC, "sslcluster: out of memory");
		xl_add(l, cmsg_new(m, CM_UPD, n->idx, SS_SEGMENT_ALL, n->upd.v + at, cnt));
		cost += m->k_sys + m->k_tx + (ss_time)cnt * m->a_upd + m->c_mac_upd * (ss_time)cnt;
	}
	n->upd.n = 0;
	for (int i = 0; i < m->n; i++) {
		cvec *a = &n->ack[i];
		if (n->mute)
			a->n = 0;
		for (size_t at = 0; at < a->n; at += per_ack) {
			size_t cnt = a->n - at < per_ack ? a->n - at : per_ack;
			if (!l && !(l = calloc(1, sizeof *l)))
				ss_fatal(SS_LOC, "sslcluster: out of memory");
			xl_add(l, cmsg_new(m, CM_ACK, n->idx, i, a->v + at, cnt));
			cost += m->k_sys + m->k_tx + m->c_mac_ack;
		}
		a->n = 0;
	}
	if (!l)
		return;
	job *j = job_new(m, J_XMIT, NULL, cost, TAG_CLUSTER);
	j->p = l;
	w_push(&n->app, j);
}

static void xmit(node *n, xlist *l)
{
	model *m = n->m;
	ss_segment *g = m->cl ? m->cl : m->in;
	for (size_t i = 0; i < l->n; i++) {
		cmsg *x = l->v[i];
		m->cmsgs++;
		m->cmsg_conns += x->n;
		uint32_t len = U_HDR + (x->kind == CM_UPD ? U_UPD : U_ACK) * (uint32_t)x->n;
		m->cl_wire_bytes += ss_link_spec_wire_bytes(ss_segment_spec(g), len);
		if (x->kind == CM_UPD) {
			x->refs = m->n - 1 + !m->cl; /* every other station hears it: the nodes, and the server on the interior wire */
			send(g, m->cl ? n->st_cl : n->st_int, SS_SEGMENT_ALL, x, U_HDR + U_UPD * (uint32_t)x->n);
			for (size_t q = 0; q < x->n && m->mirror_data; q++) {
				const cref *r = &x->c[q];
				if (r->ch || r->c->ch[0].next[r->seq] != J_SENDREC)
					continue;
				uint32_t left = rec_bytes(m, r->c->tx_rec);
				while (left) { /* the record in UDP datagrams of an MTU */
					uint32_t k = left < 1500 - U_HDR ? left : 1500 - U_HDR;
					cmsg *d = cmsg_new(m, CM_DATA, n->idx, SS_SEGMENT_ALL, NULL, 0);
					d->refs = m->n - 1 + !m->cl;
					send(g, m->cl ? n->st_cl : n->st_int, SS_SEGMENT_ALL, d, U_HDR + k);
					m->cl_wire_bytes += ss_link_spec_wire_bytes(ss_segment_spec(g), U_HDR + k);
					left -= k;
				}
			}
		} else {
			x->refs = 1;
			node *d = &m->nodes[x->to];
			send(g, m->cl ? n->st_cl : n->st_int, m->cl ? d->st_cl : d->st_int, x, U_HDR + U_ACK * (uint32_t)x->n);
		}
	}
	free(l->v);
	free(l);
}

/* ---- a node's receive side ---- */

/* The card's completion interrupt, unless its node died or the
   connection has moved since (a takeover submitted again). */
static void rsa_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	rsareq *q = ctx;
	conn *c = q->c;
	model *m = c->m;
	node *n = &m->nodes[q->node];
	if (n->alive && q->epoch == c->epoch && c->owner == q->node) {
		job *j = job_new(m, J_IRQ_RSA, c, m->k_irq, TAG_KERNEL);
		j->kind = q->sign;
		w_push(&n->irq, j);
	}
	q->next = m->free_rq;
	m->free_rq = q;
}

static void rsa_submit_op(node *n, conn *c, int sign)
{
	model *m = n->m;
	rsareq *q = m->free_rq;
	if (q)
		m->free_rq = q->next;
	else if (!(q = malloc(sizeof *q)))
		ss_fatal(SS_LOC, "sslcluster: out of memory");
	else {
		q->all = m->all_rq;
		m->all_rq = q;
	}
	q->c = c;
	q->node = n->idx;
	q->sign = sign;
	q->epoch = c->epoch;
	q->r = (ss_coproc_req){.alg = SS_COPROC_RSA1024, .in_bytes = 128, .out_bytes = 48, .k = rsa_done, .ctx = q};
	if (ss_coproc_submit(n->card, &q->r) != SS_OK)
		ss_fatal(SS_LOC, "sslcluster: the card refused an RSA request (queue depth %u)", m->card.queue_depth);
}

static void rsa_submit(node *n, conn *c) { rsa_submit_op(n, c, 0); }

/* A frame from a client or the server, heard by node n. */
static void node_rx_data(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)to;
	(void)from;
	(void)len;
	node *n = ctx;
	model *m = n->m;
	fr *f = obj;
	if (!n->alive)
		return;
	if (f->c->owner != n->idx) {
		n->discard_owed += m->k_discard;
		return;
	}
	ss_time c = m->k_rx;
	if (f->kind == M_SYN || f->kind == M_SFIN)
		c += m->k_tx; /* the SYN-ACK (fingered: no state) or the last ACK, from the interrupt path */
	job *j = job_new(m, J_IRQ_FRAME, f->c, c, TAG_KERNEL);
	j->kind = f->kind;
	w_push(&n->irq, j);
}

static void node_rx_cluster(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)from;
	(void)len;
	(void)to;
	node *n = ctx;
	cmsg *g = obj;
	if (!n->alive) {
		cmsg_put(g);
		return;
	}
	job *j = job_new(n->m, J_IRQ_FRAME, NULL, n->m->k_rx, TAG_CLUSTER);
	if (g->kind == CM_DATA) { /* its receive path only: the data waits in the mirror's buffers */
		j->kind = -1;
		cmsg_put(g);
	} else {
		j->kind = g->kind == CM_ACK ? J_UACK : J_UPD;
		j->p = g;
	}
	w_push(&n->irq, j);
}

/* The interior wire: the server's frames and, without a third
   interface, the cluster's. */
static void node_rx_in(void *ctx, int to, int from, void *obj, uint32_t len)
{
	node *n = ctx;
	model *m = n->m;
	if (from == m->st_server)
		node_rx_data(ctx, to, from, obj, len);
	else
		node_rx_cluster(ctx, to, from, obj, len);
}

/* ---- takeover ---- */

/* The relay's TCP: a frame it has taken already is a peer's
   retransmission, dropped. */
static int accept(conn *c, int kind)
{
	int ch;
	switch (kind) {
	case M_CH:
	case M_CKE:
	case M_REQ:
	case M_CLOSE:
	case M_RESP:
	case M_CFIN:
		ch = 0;
		break;
	case M_SSYNACK:
		ch = 1;
		break;
	default:
		return 1;
	}
	uint32_t b = 1u << kind;
	if (c->ch[ch].accepted & b)
		return 0;
	c->ch[ch].accepted |= b;
	return 1;
}

/* The conventional array: the node that takes over a dead node's
   buckets knows none of its connections and answers their frames with
   an RST (Fig 2): the connection is lost. */
static int accept_orphan(node *n, conn *c, int kind)
{
	if (kind == M_SSYNACK || kind == M_RESP || kind == M_SFIN)
		c->stopped_s = 1; /* the server's side, reset */
	else
		to_client(n, c, TC_RST, F_CTL);
	return 0;
}

/* A mirror takes over: it restores the last state of each chain it
   applied (the frames the relay had accepted then, no checkpoint
   outstanding). */
static int restore(node *n, conn *c)
{
	int broken = 0;
	for (int ch = 0; ch < 2; ch++) {
		chain *h = &c->ch[ch];
		h->seq = (uint8_t)(c->applied[n->idx][ch] & 0xff);
		h->wait = 0;
		h->npend = 0;
		h->accepted = h->seq ? h->snap[h->seq] : 0;
		/* Without the First Law the peers may have seen output the
		   mirror cannot reproduce (S01-C13: the server's data then
		   meets an RST): the connection is lost. */
		broken |= h->committed > h->seq;
		h->committed = h->seq;
	}
	/* Without the fingered ACK (S01-C14) the mirror cannot check the
	   client's ACK of a SYN-ACK it never saw clustered: an RST (Fig 2). */
	broken |= !n->m->fingered && !c->ch[0].seq && (c->got_c >> TC_SYNACK & 1);
	if (c->x) { /* the write state of the last checkpoint, or the key block's without the residue (S01-C24) */
		c->x->w = c->ch[0].seq ? c->x->snap[c->ch[0].seq] : c->x->iv0;
		if (!n->m->residue)
			memcpy(c->x->w.residue, c->x->iv0.residue, sizeof c->x->w.residue);
	}
	c->srv_ready = c->req_waiting = c->rsa_done = c->cp2_done = 0;
	c->gen_started = c->gen_done = c->sh_acked = 0;
	return broken;
}

/* ... and does again the step after it: what it sends is what the dead
   node sent or would have (the Zeroth Law), which the peers drop if
   they have it; their retransmissions bring what the dead node took
   but had not clustered. With nothing clustered the client's
   retransmitted ClientHello starts over (the fingered ACK, S01-C14,
   lets the mirror take it). */
static void resume(node *n, conn *c)
{
	model *m = n->m;
	m->resumed++;
	if (c->ch[1].seq) { /* the server connect: its ACK again */
		to_server(n, c, TS_ACK, F_CTL);
		c->srv_ready = 1;
	}
	if (!c->ch[0].seq)
		return;
	int next = c->ch[0].next[c->ch[0].seq];
	if (next == J_CP2) { /* the PreMaster secret clustered: decrypt it again on this node's card */
		rsa_submit(n, c);
		c->cp2_done = 1;
		return;
	}
	app(n, next, c, step_cost(m, c, next));
}

static void takeover(ss_sim *sim, void *ctx, uint64_t arg);

/* Node `arg` stops: its work, queues and unsent cluster messages are
   lost. The peers of its connections run TCP's retransmission timers
   from their last frames. */
static void crash(ss_sim *sim, void *ctx, uint64_t arg)
{
	model *m = ctx;
	ss_time now = ss_sim_now(sim);
	node *n = &m->nodes[arg];
	if (m->mute) { /* S01-C19: it stays up, keeps its keepalives, and ACKs nothing */
		n->mute = 1;
		m->taken_at = now;
		m->after_done = 0;
		return;
	}
	n->alive = 0;
	n->upd.n = 0;
	for (int k = 0; k < m->n; k++)
		n->ack[k].n = 0;
	n->discard_owed = 0;
	for (size_t i = 0; i < m->npool; i++) {
		conn *c = m->pool[i];
		if (!c->active || c->owner != (int)arg)
			continue;
		c->affected = 1;
		for (int side = 0; side < 2; side++) {
			c->rto[side] = m->rto;
			c->tries[side] = 0;
			if (awaiting(c, side))
				arm(m, c, side, (side ? c->last_s_t : c->last_c_t) + m->rto);
		}
	}
	/* The others declare a node dead when `keepalive_miss` of its
	   keepalives, every keepalive_ms, have not come: counted from the
	   last it sent. */
	ss_time last = now / m->keepalive * m->keepalive;
	ss_sim_after(sim, last + (ss_time)m->miss * m->keepalive - now, takeover, m, arg);
}

/* Node `arg`'s death detected, it leaves the cluster's view: the
   master deals its buckets in turn to the other members; checkpoints
   waiting for its ACKs go on; with clustering each of its connections
   is restored on its bucket's new owner, without, the new owner knows
   nothing of them. (A member that has died since, undetected, may
   receive buckets: they move again at its own detection.) */
static void takeover(ss_sim *sim, void *ctx, uint64_t arg)
{
	model *m = ctx;
	int live[MAX_NODES], nl = 0;
	uint32_t dead = 1u << arg;
	m->nodes[arg].member = 0;
	for (int i = 0; i < m->n; i++)
		if (m->nodes[i].member)
			live[nl++] = i;
	for (int b = 0, k = 0; b < NBUCKETS; b++)
		if (dead >> m->owner[b] & 1)
			m->owner[b] = live[k++ % nl];
	for (int i = 0; i < nl; i++)
		for (int d = 0; d < m->n; d++)
			if (dead >> d & 1)
				m->nodes[live[i]].ack[d].n = 0;
	m->taken_at = ss_sim_now(sim);
	m->after_done = 0; /* the capacity left is counted after the last takeover */
	for (size_t i = 0; i < m->npool; i++) {
		conn *c = m->pool[i];
		if (!c->active)
			continue;
		if (dead >> c->owner & 1) {
			c->owner = m->owner[c->bucket];
			c->epoch++;
			node *n = &m->nodes[c->owner];
			if (m->clustering && !restore(n, c)) {
				app(n, J_RESUME, c, m->restore);
			} else if (m->clustering) {
				c->orphan = 1; /* the wrong designs' losses, not counted as the array's orphans */
			} else if (!c->orphan && (c->got_c >> TC_SYNACK & 1) && !(c->got_c >> TC_CLOSE & 1)) {
				c->orphan = 1;
				m->orphans++;
			}
			continue;
		}
		for (int ch = 0; ch < 2; ch++) {
			chain *h = &c->ch[ch];
			if (h->wait & dead) {
				h->wait &= ~dead;
				if (!h->wait) {
					app(&m->nodes[c->owner], h->next[h->seq], c, step_cost(m, c, h->next[h->seq]));
					checkpoint_pending(&m->nodes[c->owner], c, ch);
				}
			}
		}
	}
}

/* The server's flight is generated while the pre-ServerHello update is
   out; it goes when both are done (S01-C21: "generating the messages
   is much faster than the cluster update round trip", unless the
   ServerKeyExchange of ephemeral RSA is signed). */
static void flight_start(node *n, conn *c)
{
	c->gen_started = 1;
	c->gen_done = 0;
	c->gen_from = ss_sim_now(n->m->sim);
	app(n, J_SHGEN, c, step_cost(n->m, c, J_SHGEN));
}

/* ---- joining and rebalancing ---- */

/* The master moves the buckets it chose when they are quiet: no
   connection in progress hashes into them, so none changes relay
   (ASSUMPTION: the paper says the master moves buckets "to rebalance
   cluster load" and no more; a quiet bucket needs no state handed
   over). It looks again at every keepalive until all have moved. */
static void rebalance(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	model *m = ctx;
	uint8_t busy[NBUCKETS] = {0};
	for (size_t i = 0; i < m->npool; i++)
		if (m->pool[i]->active)
			busy[m->pool[i]->bucket] = 1;
	int left = 0;
	for (int k = 0; k < m->nmove; k++) {
		int b = m->move_b[k];
		if (b < 0)
			continue;
		if (busy[b] || !m->nodes[m->move_to[k]].member) {
			left += m->nodes[m->move_to[k]].member;
			continue;
		}
		m->owner[b] = m->move_to[k];
		m->move_b[k] = -1;
		m->moved++;
	}
	if (left) {
		ss_sim_after(sim, m->keepalive, rebalance, m, 0);
		return;
	}
	m->rebal_end = ss_sim_now(sim);
	m->taken_at = m->rebal_end; /* rate_after counts the cluster as rebalanced */
	m->after_done = 0;
}

/* The joining nodes are members from now: they mirror every checkpoint
   made from here on, and the master chooses the buckets to give them,
   the surplus of each member over an even share (1024 / N, the first
   1024 mod N members one more) in bucket order, dealt in turn. */
static void join(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	model *m = ctx;
	int have[MAX_NODES] = {0}, want[MAX_NODES];
	for (int i = m->n - m->join_k; i < m->n; i++)
		m->nodes[i].alive = m->nodes[i].member = 1;
	for (int b = 0; b < NBUCKETS; b++)
		have[m->owner[b]]++;
	for (int i = 0; i < m->n; i++)
		want[i] = NBUCKETS / m->n + (i < NBUCKETS % m->n);
	/* The members from the start hold about 1024 / (N - k) each, more
	   than their share: the joiners' shortfall is their surplus, so a
	   joiner with room is always found. */
	m->nmove = 0;
	for (int b = 0, j = 0; b < NBUCKETS; b++) {
		int o = m->owner[b];
		if (have[o] <= want[o])
			continue;
		while (have[m->n - m->join_k + j] >= want[m->n - m->join_k + j])
			j = (j + 1) % m->join_k;
		int to = m->n - m->join_k + j;
		have[o]--;
		have[to]++;
		m->move_b[m->nmove] = b;
		m->move_to[m->nmove++] = to;
		j = (j + 1) % m->join_k;
	}
	rebalance(sim, m, 0);
}

/* ---- the relay's steps ---- */

static void step_do(node *n, job *j);
static void crash(ss_sim *sim, void *ctx, uint64_t arg);

/* A step, then the fault injected at its exact moment: the owner of
   connection fail_conn crashes right after that connection's step
   fail_step has sent its output. */
static void step(node *n, job *j)
{
	model *m = n->m;
	conn *c = j->c;
	step_do(n, j);
	if (m->fail_op >= 0 && !m->fail_done && c && c->id == m->fail_conn && j->op == m->fail_op &&
	    (m->fail_kind < 0 || j->kind == m->fail_kind)) {
		m->fail_done = 1;
		crash(m->sim, m, (uint64_t)n->idx);
	}
}

static void step_do(node *n, job *j)
{
	model *m = n->m;
	conn *c = j->c;
	switch (j->op) {
	case J_IRQ_RSA:
		if (j->kind)
			app(n, J_SIGNED, c, 0);
		else
			app(n, J_RSA, c, m->c_prf);
		return;
	case J_IRQ_FRAME:
		if (c && (c->owner != n->idx || (c->orphan && !accept_orphan(n, c, j->kind)) || !accept(c, j->kind)))
			return;
		switch (j->kind) {
		case M_SYN:
			to_client(n, c, TC_SYNACK, F_SYN);
			break;
		case M_CH:
			app(n, J_CH, c, m->k_sys + m->a_msg + m->h_ch);
			break;
		case M_CKE:
			app(n, J_CKE, c, m->k_sys + 3 * m->a_msg + m->h_cke + m->a_submit);
			break;
		case M_REQ:
			app(n, J_REQ, c, m->k_sys + m->a_msg + m->c_req);
			break;
		case M_CFIN: /* resumed: the client's Finished, then its request */
			app(n, J_CFIN, c, m->k_sys + m->a_msg + m->c_fin);
			break;
		case M_CLOSE:
			app(n, J_CLOSE, c, m->k_sys + m->a_msg + m->c_close);
			break;
		case M_SSYNACK:
			app(n, J_SRV_SYNACK, c, m->a_msg);
			break;
		case M_RESP:
			app(n, J_RESP, c, m->k_sys + m->a_msg);
			break;
		case M_DATA: /* a record complete: encrypt it */
			if (++c->rx_seg == segs(rec_bytes(m, c->rx_rec))) {
				ss_time k = c->rx_rec == m->nrec - 1 ? m->c_rec_last : m->c_rec_full;
				c->rx_seg = 0;
				c->rx_rec++;
				app(n, J_RREC, c, m->k_sys + m->a_msg + k);
			}
			break;
		case M_DACK:
			app(n, J_RACK, c, m->k_sys + m->a_msg);
			break;
		case M_SFIN:
			to_server(n, c, TS_FINACK, F_CTL);
			if (!c->relay_done) {
				c->relay_done = 1;
				conn_put(m, c);
			}
			break;
		case J_UPD: {
			cmsg *g = j->p;
			job *a = job_new(m, J_UPD, NULL, m->k_sys + (ss_time)g->n * (m->a_apply + m->c_mac_upd), TAG_CLUSTER);
			a->p = g;
			w_push(&n->app, a);
			break;
		}
		case J_UACK: {
			cmsg *g = j->p;
			job *a = job_new(m, J_UACK, NULL, m->k_sys + m->c_mac_ack, TAG_CLUSTER);
			a->p = g;
			w_push(&n->app, a);
			break;
		}
		default: /* bare ACKs: the kernel's alone */
			break;
		}
		return;
	case J_XMIT:
		xmit(n, j->p);
		return;
	case J_UPD: { /* a mirror applies the updates and owes their ACKs */
		cmsg *g = j->p;
		for (size_t i = 0; i < g->n; i++) {
			cref r = g->c[i];
			uint16_t v = (uint16_t)(r.epoch << 8 | r.seq);
			if (v > r.c->applied[n->idx][r.ch])
				r.c->applied[n->idx][r.ch] = v;
			cv_add(&n->ack[g->from], r);
		}
		cmsg_put(g);
		return;
	}
	case J_UACK: { /* the relay's checkpoint goes on when every mirror has ACKed */
		cmsg *g = j->p;
		for (size_t i = 0; i < g->n; i++) {
			cref r = g->c[i];
			chain *h = &r.c->ch[r.ch];
			if (r.c->owner != n->idx || r.epoch != r.c->epoch || r.seq != h->seq || !(h->wait >> g->from & 1))
				continue;
			h->wait &= ~(1u << g->from);
			if (!h->wait) {
				m->cp_rtt += ss_sim_now(m->sim) - h->issued;
				m->cp_done++;
				app(n, h->next[h->seq], r.c, step_cost(m, r.c, h->next[h->seq]));
				checkpoint_pending(n, r.c, r.ch);
			}
		}
		cmsg_put(g);
		return;
	}
	case J_RESUME:
		resume(n, c);
		return;
	case J_CH: /* pre-ServerHello: its randoms and suite before the ServerHello (S01-C21); a session offered is looked up */
		if (c->offer) {
			c->resumed = m->cache_cluster && m->clustering ? 1 : m->sess[c->client] == n->idx;
			if (c->resumed)
				m->res_ok++;
			else
				m->res_miss++;
		}
		checkpoint(n, c, c->resumed ? J_SHR : J_SH);
		if (!c->resumed)
			flight_start(n, c);
		return;
	case J_SHR: /* resumed (Fig 21): ServerHello, ChangeCipherSpec and the relay's Finished first */
		if (c->x)
			exec_send(m, c, 0);
		to_client(n, c, TC_RFLIGHT, F_RFLIGHT);
		to_server(n, c, TS_SYN, F_SYN);
		return;
	case J_CFIN: /* the client's Finished checked: the read cipher state (not collapsed with the next, Fig 21) */
		checkpoint(n, c, J_CFIN2);
		return;
	case J_CFIN2: /* its request: the data state */
		app(n, J_REQ, c, m->c_req);
		return;
	case J_SH: /* the update ACKed: the flight may go once generated (S01-C21) */
		c->sh_acked = 1;
		if (c->gen_done)
			app(n, J_SHSEND, c, step_cost(m, c, J_SHSEND));
		else if (!c->gen_started) /* a mirror that took over generates it again */
			flight_start(n, c);
		return;
	case J_SHGEN:
		if (m->ephemeral) {
			rsa_submit_op(n, c, 1);
			return;
		}
		/* fall through */
	case J_SIGNED:
		c->gen_done = 1;
		m->gen_sum += ss_sim_now(m->sim) - c->gen_from;
		m->gen_n++;
		if (c->sh_acked)
			app(n, J_SHSEND, c, step_cost(m, c, J_SHSEND));
		return;
	case J_SHSEND: /* the flight; the connect to the server after the first checkpoint (S01-C23) */
		to_client(n, c, TC_FLIGHT, F_FLIGHT);
		to_server(n, c, TS_SYN, F_SYN);
		return;
	case J_SRV_SYNACK: /* the connect clustered before its ACK (Fig 4) */
		checkpoint_on(n, c, J_SRV_ACK, 1);
		return;
	case J_SRV_ACK:
		to_server(n, c, TS_ACK, F_CTL);
		c->srv_ready = 1;
		if (c->req_waiting)
			app(n, J_FWD, c, step_cost(m, c, J_FWD));
		return;
	case J_CKE: /* the card decrypts the PreMaster secret while its encrypted form is clustered */
		rsa_submit(n, c);
		checkpoint(n, c, J_CP2);
		return;
	case J_CP2:
		c->cp2_done = 1;
		if (c->rsa_done)
			app(n, J_CP3, c, 0);
		return;
	case J_RSA:
		c->rsa_done = 1;
		if (c->cp2_done)
			app(n, J_CP3, c, 0);
		return;
	case J_CP3: /* the master secret and pending cipher states */
		checkpoint(n, c, J_FIN);
		return;
	case J_FIN: /* the client's Finished checked: the read cipher state */
		checkpoint(n, c, J_SFIN);
		return;
	case J_SFIN:
		if (c->x)
			exec_send(m, c, 0);
		to_client(n, c, TC_SFIN, F_SFIN);
		return;
	case J_REQ: /* the relay's Finished ACKed: the data state (Fig 20), which also puts the session in each mirror's cache */
		if (m->sess && !c->resumed)
			m->sess[c->client] = n->idx;
		checkpoint(n, c, J_FWD0);
		return;
	case J_FWD0:
		if (c->srv_ready)
			app(n, J_FWD, c, step_cost(m, c, J_FWD));
		else
			c->req_waiting = 1;
		return;
	case J_FWD:
		c->req_waiting = 0;
		to_server(n, c, TS_REQ, F_REQ - 32);
		return;
	case J_RESP: /* the request ACKed by the server, clustered before the client's ACK (Fig 23) */
		checkpoint(n, c, J_ACKC);
		return;
	case J_ACKC: /* then the response's size, before the record (the pre-write, Fig 27) */
		to_client(n, c, TC_ACK, F_CTL);
		checkpoint(n, c, J_SENDRESP);
		return;
	case J_SENDRESP:
		if (c->x)
			exec_send(m, c, 1);
		to_client(n, c, TC_RESP, F_RESP);
		return;
	case J_RREC: /* a bulk record's size and the CBC residue before it (the pre-write, Fig 27; the first also holds the request's ACK) */
		checkpoint(n, c, J_SENDREC);
		return;
	case J_SENDREC: {
		uint32_t w = rec_wire(rec_bytes(m, c->tx_rec));
		for (int q = 0; q < segs(w); q++)
			to_client(n, c, TC_DATA, seg_len(w, q));
		c->tx_rec++;
		return;
	}
	case J_RACK: /* the client's ACK of a record: its sequence numbers, before the server's data is ACKed */
		checkpoint(n, c, J_SACK);
		return;
	case J_SACK:
		to_server(n, c, TS_DACK, F_CTL);
		return;
	case J_CLOSE: /* the response ACKed */
		checkpoint(n, c, J_CLOSE2);
		return;
	case J_CLOSE2: /* about to close (Fig 16) */
		checkpoint(n, c, J_SHUT);
		return;
	case J_SHUT:
		if (c->x)
			exec_send(m, c, 2);
		to_client(n, c, TC_CLOSE, F_CLOSE);
		to_server(n, c, TS_FIN, F_CTL);
		return;
	default:
		ss_fatal(SS_LOC, "sslcluster: no step %d", j->op);
	}
}

/* ---- the model ---- */

static const ss_param_def sc_params[] = {
	{.name = "label", .type = SS_PARAM_STRING, .def = "", .unit = "", .help = "free text naming the configuration in results"},
	{.name = "nodes", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = MAX_NODES, .unit = "",
	 .help = "cluster members (S01-032, 033: 1 to 7 measured)"},
	{.name = "card", .type = SS_PARAM_STRING, .def = "cryptoswift-200", .unit = "",
	 .help = "each node's RSA card (platform/coprocs/NAME: cryptoswift-200, cryptoswift-600)"},
	{.name = "clustering", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "active session failover: every checkpoint clustered to every other node; false: the conventional array (the paper's unclustered \"proj\")"},
	{.name = "aggregate", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "aggregate a node's updates and ACKs into one message per destination while its thread has work queued (S01-C4)"},
	{.name = "clients", .type = SS_PARAM_INT, .def = "64", .min = 1, .max = 100000, .unit = "connections",
	 .help = "clients, each opening a new connection when its last one closes. ASSUMPTION: 64 keep every card of 16 nodes busy (a connection holds its relay for a few ms)"},
	{.name = "cpu_mhz", .type = SS_PARAM_REAL, .def = "846", .min = 1, .max = 100000, .unit = "MHz",
	 .help = "node clock (S01-030: 846 MHz Pentium III)"},
	{.name = "proto_profile", .type = SS_PARAM_STRING, .def = "linux26-p2-541", .unit = "",
	 .help = "kernel per-frame costs (proto/profiles/NAME), scaled by its clock over cpu_mhz (rule P of tests/pubprofiles.py: the same P6 core's cycles). ASSUMPTION: AlchemyOS's (FreeBSD's) paths cost Linux 2.6's in cycles"},
	{.name = "crypto_profile", .type = SS_PARAM_STRING, .def = "p3-846", .unit = "",
	 .help = "the relay's crypto on the processor (crypto/profiles/NAME): handshake hashes, PRF, record 3DES and SHA-1 MACs, the cluster messages' MACs"},
	{.name = "iobus", .type = SS_PARAM_STRING, .def = "pci32-33", .unit = "", .help = "the card's bus (ASSUMPTION: a 2001 server's 32-bit/33 MHz PCI)"},
	{.name = "ext_mbps", .type = SS_PARAM_REAL, .def = "100", .min = 1, .max = 1e6, .unit = "Mbit/s",
	 .help = "the exterior wire, to the clients (S01-042, 043: two 100 Mbit/s interfaces a unit)"},
	{.name = "int_mbps", .type = SS_PARAM_REAL, .def = "100", .min = 1, .max = 1e6, .unit = "Mbit/s",
	 .help = "the interior wire, to the server, carrying the cluster's messages (S01-043)"},
	{.name = "cluster_mbps", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1e6, .unit = "Mbit/s",
	 .help = "a third interface for cluster messages at this rate (the paper's what-if); 0: they share the interior wire"},
	{.name = "prop_us", .type = SS_PARAM_REAL, .def = "1", .min = 0, .max = 1e6, .unit = "us",
	 .help = "propagation on each wire. ASSUMPTION: a machine room's few metres and the transceivers"},
	{.name = "relay_msg_us", .type = SS_PARAM_REAL, .def = "20", .min = 0, .max = 1e6, .unit = "us",
	 .help = "the relay's own work per SSL message or callback (its state machine, buffers). ASSUMPTION: about 17,000 cycles at 846 MHz; no measurement of this code was found"},
	{.name = "update_us", .type = SS_PARAM_REAL, .def = "5", .min = 0, .max = 1e6, .unit = "us",
	 .help = "building one cluster update (the pickled TCP state and the SSL state). ASSUMPTION"},
	{.name = "apply_us", .type = SS_PARAM_REAL, .def = "5", .min = 0, .max = 1e6, .unit = "us",
	 .help = "a mirror applying one update to its mirrored state. ASSUMPTION"},
	{.name = "submit_us", .type = SS_PARAM_REAL, .def = "5", .min = 0, .max = 1e6, .unit = "us",
	 .help = "the driver's work to hand the card an RSA request. ASSUMPTION"},
	{.name = "fetch_kb", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1e7, .unit = "KB",
	 .help = "0: a trivial fetch (a 1000-byte response, Figs 28-29); more: a bulk fetch of this many KB in 16 KB records (S01-019), each record's size clustered before it is sent and its ACK after (the throughput experiment, S01-C9)"},
	{.name = "window_kb", .type = SS_PARAM_REAL, .def = "32", .min = 16, .max = 1e6, .unit = "KB",
	 .help = "the server's window over the relay in a bulk fetch, in whole records. ASSUMPTION: a 2001 socket buffer"},
	{.name = "mirror_data", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "a bulk fetch's pre-write update carries the record's data, multicast to every mirror: the design the paper rejects (S01-C11: it would \"reduce the available network bandwidth by at least half\")"},
	{.name = "cipher", .type = SS_PARAM_STRING, .def = "3des-cbc", .unit = "",
	 .help = "the records' cipher, with a SHA-1 MAC (an algorithm of crypto_profile). ASSUMPTION: the paper names none; 3DES-EDE-CBC-SHA, a strong suite of 2001"},
	{.name = "resume_share", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1, .unit = "",
	 .help = "the share of connections whose client offers its last session for resumption (S01-C28; the paper's benchmark is all full handshakes)"},
	{.name = "session_cache", .type = SS_PARAM_STRING, .def = "cluster", .unit = "",
	 .help = "cluster: every mirror inserts a session when it gets the end-of-handshake update, so any node resumes it (S01-C28); node: only the node that made it (as the conventional array)"},
	{.name = "fail_nodes", .type = SS_PARAM_INT, .def = "0", .min = 0, .max = MAX_NODES - 1, .unit = "nodes",
	 .help = "nodes that crash (a proper subset: at most nodes - 1)"},
	{.name = "fail_at", .type = SS_PARAM_REAL, .def = "2", .min = 0, .max = 1e6, .unit = "s",
	 .help = "when they crash, in simulated seconds from the start (warm-up included)"},
	{.name = "fail_spread_ms", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1e9, .unit = "ms",
	 .help = "0: the last fail_nodes nodes crash at fail_at; more: that many nodes chosen at random, each at a time drawn uniformly over [fail_at, fail_at + spread) (a replication draws anew)"},
	{.name = "fail_offset_us", .type = SS_PARAM_INT, .def = "0", .min = 0, .max = 1000000000, .unit = "us",
	 .help = "added to fail_at (a crash moment on an integer axis)"},
	{.name = "fail_step", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "a crash at an exact moment instead of fail_nodes at fail_at: the owner of connection fail_conn crashes right after that connection's step: synack (the relay's SYN-ACK), flight (ServerHello to ServerHelloDone), server-ack (the ACK of the server's SYN-ACK), finished (the relay's Finished), request (the request written to the server), response (the response's record), close"},
	{.name = "fail_conn", .type = SS_PARAM_INT, .def = "100", .min = 0, .max = 1000000000, .unit = "",
	 .help = "the connection (numbered from 0 in the order the clients open them) whose step fail_step triggers the crash"},
	{.name = "ephemeral_rsa", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "the flight carries a ServerKeyExchange signed with the server's 1024-bit key: one more private-key operation on the card per full handshake (sec. 5.1, S01-C21; ASSUMPTION: the temporary 512-bit key is made rarely and its making is not counted); false: static RSA, the paper's benchmark"},
	{.name = "join_nodes", .type = SS_PARAM_INT, .def = "0", .min = 0, .max = MAX_NODES - 1, .unit = "nodes",
	 .help = "the last join_nodes nodes are outside the cluster at the start (a new or a repaired node) and join at join_at; the master then moves buckets to them (S01-001: it moves buckets to rebalance the load)"},
	{.name = "join_at", .type = SS_PARAM_REAL, .def = "2", .min = 0, .max = 1e6, .unit = "s",
	 .help = "when they join, in simulated seconds from the start"},
	{.name = "fail_mode", .type = SS_PARAM_STRING, .def = "crash", .unit = "",
	 .help = "crash: the nodes stop; mute: they stay up and keep their keepalives but ACK no update (S01-C19)"},
	{.name = "fingered_ack", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "the SYN-ACK's sequence number carries a MAC of the 4-tuple (S01-C14), so a mirror accepts the client's ACK of a connection it has no state for; false: the design the paper rejects"},
	{.name = "first_law", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "cluster, then commit (S01-C13): output waits for every mirror's ACK; false: the output goes beside the update, the design the paper rejects"},
	{.name = "execute", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "execute mode: the relay's records to the client (Finished, response, close_notify) sealed for real (proto/ss_sslrec.h), the write state in every checkpoint, the client opening what it receives, copies a mirror sends compared byte for byte (the Zeroth Law, S01-C12)"},
	{.name = "cluster_residue", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "the updates carry the CBC residue with the key (S01-C24); false: a mirror restores the key block's IV, the design that breaks the Zeroth Law"},
	{.name = "keepalive_ms", .type = SS_PARAM_REAL, .def = "100", .min = 0.001, .max = 1e6, .unit = "ms",
	 .help = "the members' keepalive period (sec. 3: keepalives detect failures; their period is not given). ASSUMPTION"},
	{.name = "keepalive_miss", .type = SS_PARAM_INT, .def = "3", .min = 1, .max = 1000, .unit = "keepalives",
	 .help = "keepalives missed before a member is declared dead. ASSUMPTION"},
	{.name = "rto_ms", .type = SS_PARAM_REAL, .def = "500", .min = 1, .max = 1e6, .unit = "ms",
	 .help = "the peers' first TCP retransmission timeout, doubled at each retransmission (S01-008: the 500 ms TCP retransmit timer)"},
	{.name = "restore_us", .type = SS_PARAM_REAL, .def = "50", .min = 0, .max = 1e6, .unit = "us",
	 .help = "a mirror re-creating one connection's sockets and SSL state from its mirrored state. ASSUMPTION"},
};

static const ss_metric_def sc_metrics[] = {
	{.name = "handshakes", .unit = "1/s", .help = "connections (a handshake and a trivial fetch) completed by the cluster per second"},
	{.name = "latency_ms", .unit = "ms", .help = "mean time from a client's SYN to the relay's close"},
	{.name = "checkpoints", .unit = "per connection", .help = "checkpoints clustered per connection completed"},
	{.name = "cluster_msgs", .unit = "per connection", .help = "cluster messages (updates and ACKs) sent per connection completed"},
	{.name = "per_msg", .unit = "updates", .help = "updates or ACKs per cluster message (aggregation)"},
	{.name = "cpu_util", .unit = "fraction", .help = "mean processor busy share over the live nodes"},
	{.name = "cluster_cpu", .unit = "fraction", .help = "mean share of the nodes' processor time in cluster messages (their interrupts, MACs, updates)"},
	{.name = "card_util", .unit = "fraction", .help = "mean RSA engine busy share over the live nodes"},
	{.name = "interior_util", .unit = "fraction", .help = "the interior wire's busy share"},
	{.name = "exterior_util", .unit = "fraction", .help = "the exterior wire's busy share"},
	{.name = "throughput", .unit = "Mbit/s", .help = "the bulk fetches' bytes delivered to the clients per second (0 without a bulk fetch)"},
	{.name = "cluster_wire", .unit = "fraction", .help = "the share of the cluster wire's time its cluster messages take"},
	{.name = "cp_rtt_us", .unit = "us", .help = "a checkpoint's round trip: from the update's issue to the last mirror's ACK taken (the time output waits)"},
	{.name = "flight_us", .unit = "us", .help = "the mean time to generate the server's flight (ServerHello to ServerHelloDone, beside the pre-ServerHello update), from its start to the last message built or, with ephemeral RSA, signed by the card"},
	{.name = "records_ok", .unit = "records", .help = "execute mode: records the clients opened, MAC and bytes right"},
	{.name = "record_errors", .unit = "records", .help = "execute mode: records a client could not open (each ends its connection)"},
	{.name = "zeroth_same", .unit = "records", .help = "execute mode: records a mirror sent again, byte-identical to the first copy"},
	{.name = "zeroth_diff", .unit = "records", .help = "execute mode: records sent again with different bytes (the Zeroth Law broken)"},
	{.name = "resumed_share", .unit = "fraction", .help = "of the sessions offered, the share the relays resumed (0 if none offered)"},
	{.name = "lost", .unit = "connections", .help = "connections lost (reset, or given up after 12 retransmissions)"},
	{.name = "affected", .unit = "connections", .help = "connections completed that a crash touched (on a dead node, or opened to it before its death was detected)"},
	{.name = "unfinished", .unit = "connections", .help = "connections a crash touched still open when the run ends, neither completed nor lost (a client waiting for a reply that will not come)"},
	{.name = "orphaned", .unit = "connections", .help = "connections of the dead nodes past the SYN-ACK when the takeover ran, which the conventional array cannot keep"},
	{.name = "resumed", .unit = "connections", .help = "connections a mirror took over"},
	{.name = "failover_ms", .unit = "ms", .help = "mean latency of the affected connections over the others' (the delay the failure added)"},
	{.name = "failover_max_ms", .unit = "ms", .help = "the longest affected connection"},
	{.name = "rate_after", .unit = "1/s", .help = "connections completed per second from 1 s after the last takeover to the end (without a failure: over the window; 0 if the window ends first)"},
	{.name = "retransmits", .unit = "frames", .help = "the peers' TCP retransmissions"},
	{.name = "moved", .unit = "buckets", .help = "buckets the master moved to joining nodes"},
	{.name = "rebalance_ms", .unit = "ms", .help = "from the join to the last bucket moved (0: no join)"},
};

static void sc_destroy(void *st)
{
	model *m = st;
	if (!m)
		return;
	while (m->msgs) {
		cmsg *g = m->msgs;
		m->msgs = g->next;
		free(g->c);
		free(g);
	}
	while (m->all_jobs) { /* those still queued hold their J_XMIT lists (the messages are freed above) */
		job *j = m->all_jobs;
		m->all_jobs = j->all;
		if (j->op == J_XMIT && j->p) {
			xlist *l = j->p;
			free(l->v);
			free(l);
		}
		free(j);
	}
	for (size_t i = 0; i < m->npool; i++) {
		free(m->pool[i]->x);
		free(m->pool[i]);
	}
	free(m->pool);
	free(m->sess);
	ss_crypto_free(m->cx);
	while (m->all_rq) {
		rsareq *q = m->all_rq;
		m->all_rq = q->all;
		free(q);
	}
	for (int i = 0; i < MAX_NODES; i++) {
		free(m->nodes[i].upd.v);
		for (int k = 0; k < MAX_NODES; k++)
			free(m->nodes[i].ack[k].v);
	}
	ss_protoprof_free(m->pprof);
	ss_profile_free(m->cprof);
	free(m);
}

static int cost(model *m, const char *alg, size_t bytes, ss_time *out, char *err, size_t errlen)
{
	ss_time t = 0;
	char e[256];
	if (ss_profile_cost_by_name(m->cprof, alg, bytes, &t, e, sizeof e) != SS_OK) {
		ss_errbuf(err, errlen, "crypto_profile: %s", e);
		return SS_EINVAL;
	}
	*out += t;
	return SS_OK;
}

/* md5 and sha1 over the handshake's bytes (SSL's two running hashes). */
static int hashes(model *m, size_t b, ss_time *out, char *err, size_t errlen)
{
	*out = 0;
	return cost(m, "md5", b, out, err, errlen) || cost(m, "sha1", b, out, err, errlen) ? SS_EINVAL : SS_OK;
}

/* TLS's PRF: k rounds of HMAC-MD5 and HMAC-SHA1 over 64 bytes. */
static int prf(model *m, int k, ss_time *out, char *err, size_t errlen)
{
	for (int i = 0; i < k; i++)
		if (cost(m, "hmac-md5", 64, out, err, errlen) || cost(m, "hmac-sha1", 64, out, err, errlen))
			return SS_EINVAL;
	return SS_OK;
}

/* A record: 3DES-CBC over its padded bytes and its SHA-1 MAC. */
static int record(model *m, size_t plain, ss_time *out, char *err, size_t errlen)
{
	size_t padded = (plain + 20 + 8) / 8 * 8;
	return cost(m, m->cipher, padded, out, err, errlen) || cost(m, "hmac-sha1", plain, out, err, errlen) ? SS_EINVAL
													     : SS_OK;
}

static int sc_create(ss_sim *sim, const ss_params *p, void **state, char *err, size_t errlen)
{
	*state = NULL;
	model *m = calloc(1, sizeof *m);
	if (!m)
		return SS_ENOMEM;
	m->sim = sim;
	m->n = (int)ss_params_int(p, "nodes");
	m->clustering = ss_params_bool(p, "clustering");
	m->aggregate = ss_params_bool(p, "aggregate");
	m->clients = (int)ss_params_int(p, "clients");
	m->fail_k = (int)ss_params_int(p, "fail_nodes");
	m->join_k = (int)ss_params_int(p, "join_nodes");
	m->ephemeral = ss_params_bool(p, "ephemeral_rsa");
	m->join_at = ss_time_from_s(ss_params_real(p, "join_at"));
	m->fail_at = ss_time_from_s(ss_params_real(p, "fail_at")) + ss_time_from_us((double)ss_params_int(p, "fail_offset_us"));
	m->fingered = ss_params_bool(p, "fingered_ack");
	m->first_law = ss_params_bool(p, "first_law");
	const char *mode = ss_params_string(p, "fail_mode");
	static const struct {
		const char *name;
		int op, kind;
	} fsteps[] = {{"synack", J_IRQ_FRAME, M_SYN}, {"flight", J_SH, -1},     {"server-ack", J_SRV_ACK, -1},
		      {"finished", J_SFIN, -1},        {"request", J_FWD, -1},       {"response", J_SENDRESP, -1},
		      {"close", J_SHUT, -1}};
	const char *fs = ss_params_string(p, "fail_step");
	m->fail_op = -1;
	m->fail_kind = -1;
	m->fail_conn = (uint64_t)ss_params_int(p, "fail_conn");
	for (size_t i = 0; i < sizeof fsteps / sizeof fsteps[0]; i++)
		if (!strcmp(fs, fsteps[i].name)) {
			m->fail_op = fsteps[i].op;
			m->fail_kind = fsteps[i].kind;
		}
	m->mute = !strcmp(mode, "mute");
	m->keepalive = ss_time_from_us(ss_params_real(p, "keepalive_ms") * 1e3);
	m->miss = (int)ss_params_int(p, "keepalive_miss");
	m->rto = ss_time_from_us(ss_params_real(p, "rto_ms") * 1e3);
	m->restore = ss_time_from_us(ss_params_real(p, "restore_us"));
	m->fail_spread = ss_time_from_us(ss_params_real(p, "fail_spread_ms") * 1e3);
	m->cipher = ss_params_string(p, "cipher");
	m->residue = ss_params_bool(p, "cluster_residue");
	m->mirror_data = ss_params_bool(p, "mirror_data");
	m->resume_p = ss_params_real(p, "resume_share");
	const char *cache = ss_params_string(p, "session_cache");
	m->cache_cluster = !strcmp(cache, "cluster");
	m->fetch_bytes = (uint64_t)llround(ss_params_real(p, "fetch_kb") * 1024);
	m->nrec = (int)((m->fetch_bytes + REC_BYTES - 1) / REC_BYTES);
	m->window = (int)(ss_params_real(p, "window_kb") * 1024 / REC_BYTES);
	char dir[4096], e[1024];
	int rc;
	if (*fs && m->fail_op < 0) {
		ss_errbuf(err, errlen, "fail_step '%s': synack, flight, server-ack, finished, request, response or close", fs);
		rc = SS_EINVAL;
		goto fail;
	}
	if (*fs && (m->fail_k || m->mute || m->nrec || m->n < 2)) {
		ss_errbuf(err, errlen, "fail_step '%s' crashes one node itself: with fail_nodes 0, fail_mode crash, no bulk fetch, 2 nodes or more", fs);
		rc = SS_EINVAL;
		goto fail;
	}
	if (!m->cache_cluster && strcmp(cache, "node")) {
		ss_errbuf(err, errlen, "session_cache '%s': cluster or node", cache);
		rc = SS_EINVAL;
		goto fail;
	}
	if (!m->mute && strcmp(mode, "crash")) {
		ss_errbuf(err, errlen, "fail_mode '%s': crash or mute", mode);
		rc = SS_EINVAL;
		goto fail;
	}
	if (ss_params_bool(p, "execute")) {
		if (m->nrec) {
			ss_errbuf(err, errlen, "execute mode seals the trivial fetch's records: fetch_kb must be 0");
			rc = SS_EINVAL;
			goto fail;
		}
		if ((rc = ss_crypto_alloc(&m->cx, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "execute: %s", e);
			goto fail;
		}
		ss_sslrec_keys tk;
		ss_sslrec_state ts;
		unsigned char zb[80] = {0};
		if ((rc = ss_sslrec_keys_init(&tk, &ts, m->cipher, "hmac-sha1", zb, sizeof zb, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "cipher: %s", e);
			goto fail;
		}
	}
	if (m->join_k && (m->join_k >= m->n || m->fail_k || *fs || m->mute)) {
		ss_errbuf(err, errlen,
			  m->join_k >= m->n ? "join_nodes %d of %d nodes: at least one must be in the cluster from the start"
					    : "join_nodes %d: joining with failures is not modelled",
			  m->join_k, m->n);
		rc = SS_EINVAL;
		goto fail;
	}
	if (m->nrec && m->fail_k) {
		ss_errbuf(err, errlen, "fail_nodes %d with fetch_kb %g: failover during bulk transfers is not modelled", m->fail_k,
			  ss_params_real(p, "fetch_kb"));
		rc = SS_EINVAL;
		goto fail;
	}
	if (m->fail_k >= m->n) {
		ss_errbuf(err, errlen, "fail_nodes %d: a proper subset of the %d nodes can fail, at most %d", m->fail_k, m->n, m->n - 1);
		rc = SS_EINVAL;
		goto fail;
	}
	snprintf(dir, sizeof dir, "%s/proto/profiles", ss_datadir());
	if ((rc = ss_protoprof_load(&m->pprof, dir, ss_params_string(p, "proto_profile"), e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "proto_profile: %s", e);
		goto fail;
	}
	double pmhz = ss_protoprof_clock_mhz(m->pprof);
	if (!(pmhz > 0)) {
		ss_errbuf(err, errlen, "proto_profile %s states no clock_mhz: its cycles cannot be scaled to cpu_mhz",
			  ss_params_string(p, "proto_profile"));
		rc = SS_EINVAL;
		goto fail;
	}
	double sc = pmhz / ss_params_real(p, "cpu_mhz");
#define PP(l, d) ((double)ss_protoprof_cost(m->pprof, (l), (d), 0) * sc)
	m->k_rx = (ss_time)llround(PP(SS_PP_IRQ, SS_PP_RX) + PP(SS_PP_ETH, SS_PP_RX) + PP(SS_PP_IP, SS_PP_RX) +
				   PP(SS_PP_TCP, SS_PP_RX) + PP(SS_PP_SKB, SS_PP_RX) + PP(SS_PP_SOFTIRQ, SS_PP_RX));
	m->k_tx = (ss_time)llround(PP(SS_PP_ETH, SS_PP_TX) + PP(SS_PP_IP, SS_PP_TX) + PP(SS_PP_TCP, SS_PP_TX) +
				   PP(SS_PP_SKB, SS_PP_TX));
	m->k_sys = (ss_time)llround(PP(SS_PP_SYSCALL, SS_PP_TX));
	/* ASSUMPTION: a frame for another node is taken by the driver and
	   dropped at the IP input's bucket check. */
	m->k_discard = (ss_time)llround(PP(SS_PP_IRQ, SS_PP_RX) + PP(SS_PP_ETH, SS_PP_RX) + PP(SS_PP_IP, SS_PP_RX) +
				       PP(SS_PP_SKB, SS_PP_RX));
	m->k_irq = (ss_time)llround(PP(SS_PP_IRQ, SS_PP_RX));
#undef PP
	m->a_msg = ss_time_from_us(ss_params_real(p, "relay_msg_us"));
	m->a_upd = ss_time_from_us(ss_params_real(p, "update_us"));
	m->a_apply = ss_time_from_us(ss_params_real(p, "apply_us"));
	m->a_submit = ss_time_from_us(ss_params_real(p, "submit_us"));
	snprintf(dir, sizeof dir, "%s/crypto/profiles", ss_datadir());
	if ((rc = ss_profile_load_ref(dir, ss_params_string(p, "crypto_profile"), NULL, &m->cprof, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "crypto_profile: %s", e);
		goto fail;
	}
	/* The handshake's crypto besides RSA (ASSUMPTIONS: the bytes as the
	   frame sizes above; the PRF's rounds: 12 for the master secret and
	   key block, 4 for each Finished). */
	if ((rc = hashes(m, F_CH - 40, &m->h_ch, err, errlen)) || (rc = hashes(m, F_FLIGHT - 40, &m->h_flight, err, errlen)) ||
	    (rc = hashes(m, F_CKE - 40, &m->h_cke, err, errlen)) || (rc = prf(m, 12, &m->c_prf, err, errlen)) ||
	    (rc = prf(m, 4, &m->c_fin, err, errlen)) || (rc = record(m, 12, &m->c_fin, err, errlen)) ||
	    (rc = prf(m, 4, &m->c_sfin, err, errlen)) || (rc = record(m, 12, &m->c_sfin, err, errlen)) ||
	    (rc = record(m, 300, &m->c_req, err, errlen)) || (rc = record(m, 1000, &m->c_resp, err, errlen)) ||
	    (rc = record(m, 2, &m->c_close, err, errlen)) || (rc = cost(m, "hmac-sha1", U_UPD, &m->c_mac_upd, err, errlen)) ||
	    (rc = cost(m, "hmac-sha1", U_ACK, &m->c_mac_ack, err, errlen)))
		goto fail;
	if (m->nrec && ((rc = record(m, REC_BYTES, &m->c_rec_full, err, errlen)) ||
			(rc = record(m, rec_bytes(m, m->nrec - 1), &m->c_rec_last, err, errlen))))
		goto fail;
	snprintf(dir, sizeof dir, "%s/platform/coprocs", ss_datadir());
	if ((rc = ss_coproc_spec_load(dir, ss_params_string(p, "card"), &m->card, NULL, 0, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "card: %s", e);
		goto fail;
	}
	if (!(m->card.rsa1024_ops > 0)) {
		ss_errbuf(err, errlen, "card %s does no RSA (rsa1024_ops 0)", ss_params_string(p, "card"));
		rc = SS_EINVAL;
		goto fail;
	}
	ss_link_spec ls;
	ss_time prop = ss_time_from_us(ss_params_real(p, "prop_us"));
	const char *wn[3] = {"exterior", "interior", "cluster"};
	double rates[3] = {ss_params_real(p, "ext_mbps"), ss_params_real(p, "int_mbps"), ss_params_real(p, "cluster_mbps")};
	ss_segment **segs[3] = {&m->ext, &m->in, &m->cl};
	for (int w = 0; w < 3; w++) {
		if (w == 2 && rates[w] <= 0)
			break;
		if (ss_link_spec_ethernet(&ls, rates[w] * 1e6, 1500) != SS_OK) {
			ss_errbuf(err, errlen, "%s wire: bad rate", wn[w]);
			rc = SS_EINVAL;
			goto fail;
		}
		ls.prop = prop;
		if ((rc = ss_segment_alloc(segs[w], sim, wn[w], &ls, err, errlen)) != SS_OK)
			goto fail;
	}
	for (int b = 0; b < NBUCKETS; b++)
		m->owner[b] = b % (m->n - m->join_k); /* the master deals the buckets in turn */
	for (int i = 0; i < m->n; i++) {
		node *n = &m->nodes[i];
		n->m = m;
		n->idx = i;
		n->alive = n->member = i < m->n - m->join_k; /* joining nodes come later */
		char nm[48];
		snprintf(nm, sizeof nm, "node%d.cpu", i);
		if ((rc = ss_cpu_pool_alloc(&n->cpu, sim, nm, 1, 0)) != SS_OK)
			goto fail;
		ss_cpu_tag_name(n->cpu, TAG_KERNEL, "kernel");
		ss_cpu_tag_name(n->cpu, TAG_SSL, "ssl");
		ss_cpu_tag_name(n->cpu, TAG_CLUSTER, "cluster");
		snprintf(nm, sizeof nm, "node%d.pci", i);
		if ((rc = ss_iobus_alloc(&n->bus, sim, nm, ss_params_string(p, "iobus"), e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "iobus: %s", e);
			goto fail;
		}
		snprintf(nm, sizeof nm, "node%d.card", i);
		if ((rc = ss_coproc_alloc(&n->card, sim, nm, &m->card, SS_COPROC_LOOKASIDE, n->bus, NULL, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "card: %s", e);
			goto fail;
		}
		n->irq.n = n->app.n = n;
		ss_thread_init(&n->irq.th, 0x70000u + 2u * (uint32_t)i);
		ss_thread_set_level(&n->irq.th, SS_CPU_LEVEL_IRQ);
		ss_thread_set_affinity(&n->irq.th, 0);
		ss_thread_init(&n->app.th, 0x70001u + 2u * (uint32_t)i);
		n->st_ext = ss_segment_attach(m->ext, node_rx_data, n);
		n->st_int = ss_segment_attach(m->in, node_rx_in, n);
		n->st_cl = m->cl ? ss_segment_attach(m->cl, node_rx_cluster, n) : -1;
		if (n->st_ext < 0 || n->st_int < 0 || (m->cl && n->st_cl < 0)) {
			rc = SS_ENOMEM;
			goto fail;
		}
	}
	m->st_client = ss_segment_attach(m->ext, client_rx, m);
	m->st_server = ss_segment_attach(m->in, server_rx, m);
	if (m->st_client < 0 || m->st_server < 0) {
		rc = SS_ENOMEM;
		goto fail;
	}
	if (!(m->sess = malloc((size_t)m->clients * sizeof *m->sess))) {
		rc = SS_ENOMEM;
		goto fail;
	}
	for (int k = 0; k < m->clients; k++)
		m->sess[k] = -1;
	if (m->resume_p > 0)
		m->rrng = ss_sim_rng(sim, "sslcluster.resume");
	char lim[48];
	snprintf(lim, sizeof lim, "%d clients", m->clients);
	ss_sim_set_workload_limit(sim, lim);
	for (int k = 0; k < m->clients; k++)
		client_start(m, k);
	if (m->join_k)
		ss_sim_after(sim, m->join_at, join, m, 0);
	/* The failures: the last fail_nodes nodes at fail_at or, with a
	   spread, that many chosen at random, each at its own time. */
	if (m->fail_k && !(m->fail_spread > 0)) {
		for (int i = m->n - m->fail_k; i < m->n; i++)
			ss_sim_after(sim, m->fail_at, crash, m, (uint64_t)i);
	} else if (m->fail_k) {
		ss_rng *r = ss_sim_rng(sim, "sslcluster.faults");
		int pick[MAX_NODES];
		for (int i = 0; i < m->n; i++)
			pick[i] = i;
		for (int i = 0; i < m->fail_k; i++) { /* a partial Fisher-Yates shuffle */
			int j = i + (int)ss_rng_uniform_int(r, (unsigned long)(m->n - i));
			int t = pick[i];
			pick[i] = pick[j];
			pick[j] = t;
			ss_sim_after(sim, m->fail_at + (ss_time)llround(ss_rng_uniform(r) * (double)m->fail_spread), crash, m,
				     (uint64_t)pick[i]);
		}
	}
	*state = m;
	return SS_OK;
fail:
	sc_destroy(m);
	return rc == SS_ENOMEM ? rc : SS_EINVAL;
}

static void sc_reset(void *st)
{
	model *m = st;
	m->win = ss_sim_now(m->sim);
	m->done = m->cps = m->cmsgs = m->cmsg_conns = 0;
	m->lost = m->aff_done = m->rexmits = m->orphans = m->resumed = m->after_done = 0;
	m->bytes = m->cl_wire_bytes = 0;
	m->rec_ok = m->rec_bad = m->z_same = m->z_diff = 0;
	m->cp_rtt = 0;
	m->gen_sum = 0;
	m->gen_n = 0;
	m->cp_done = 0;
	m->res_ok = m->res_miss = 0;
	m->lat_sum = m->aff_lat_sum = m->aff_lat_max = 0;
}

static void sc_collect(void *st, ss_metrics *out)
{
	model *m = st;
	double span = ss_time_to_s(ss_sim_now(m->sim) - m->win);
	double d = m->done ? (double)m->done : NAN;
	ss_metrics_set(out, "handshakes", "1/s", span > 0 ? (double)m->done / span : 0);
	ss_metrics_set(out, "latency_ms", "ms", m->done ? m->lat_sum / d * 1e3 : 0);
	ss_metrics_set(out, "checkpoints", "per connection", m->done ? (double)m->cps / d : 0);
	ss_metrics_set(out, "cluster_msgs", "per connection", m->done ? (double)m->cmsgs / d : 0);
	ss_metrics_set(out, "per_msg", "updates", m->cmsgs ? (double)m->cmsg_conns / (double)m->cmsgs : 0);
	double cu = 0, cc = 0, ku = 0;
	int live = 0;
	for (int i = 0; i < m->n; i++) {
		node *n = &m->nodes[i];
		if (!n->alive)
			continue;
		live++;
		cu += ss_cpu_utilisation(n->cpu);
		cc += span > 0 ? ss_cpu_tag_time(n->cpu, TAG_CLUSTER) / span : 0;
		ku += ss_coproc_utilisation(n->card);
	}
	ss_metrics_set(out, "cpu_util", "fraction", live ? cu / live : 0);
	ss_metrics_set(out, "cluster_cpu", "fraction", live ? cc / live : 0);
	ss_metrics_set(out, "card_util", "fraction", live ? ku / live : 0);
	ss_metrics_set(out, "interior_util", "fraction", ss_segment_utilisation(m->in));
	ss_metrics_set(out, "exterior_util", "fraction", ss_segment_utilisation(m->ext));
	ss_metrics_set(out, "throughput", "Mbit/s", span > 0 ? (double)m->bytes * 8 / span / 1e6 : 0);
	const ss_segment *cw = m->cl ? m->cl : m->in;
	ss_metrics_set(out, "cluster_wire", "fraction",
		       span > 0 ? (double)m->cl_wire_bytes * 8 / ss_segment_spec(cw)->rate_bps / span : 0);
	ss_metrics_set(out, "cp_rtt_us", "us", m->cp_done ? ss_time_to_s(m->cp_rtt) / (double)m->cp_done * 1e6 : 0);
	ss_metrics_set(out, "flight_us", "us", m->gen_n ? ss_time_to_s(m->gen_sum) / (double)m->gen_n * 1e6 : 0);
	ss_metrics_set(out, "records_ok", "records", (double)m->rec_ok);
	ss_metrics_set(out, "record_errors", "records", (double)m->rec_bad);
	ss_metrics_set(out, "zeroth_same", "records", (double)m->z_same);
	ss_metrics_set(out, "zeroth_diff", "records", (double)m->z_diff);
	ss_metrics_set(out, "resumed_share", "fraction",
		       m->res_ok + m->res_miss ? (double)m->res_ok / (double)(m->res_ok + m->res_miss) : 0);
	ss_metrics_set(out, "lost", "connections", (double)m->lost);
	ss_metrics_set(out, "affected", "connections", (double)m->aff_done);
	ss_metrics_set(out, "orphaned", "connections", (double)m->orphans);
	uint64_t open = 0;
	for (size_t i = 0; i < m->npool; i++) {
		const conn *c = m->pool[i];
		open += c->active && c->affected && !c->lost && !(c->got_c >> TC_CLOSE & 1);
	}
	ss_metrics_set(out, "unfinished", "connections", (double)open);
	ss_metrics_set(out, "resumed", "connections", (double)m->resumed);
	uint64_t others = m->done - m->aff_done;
	double d_aff = m->aff_done ? m->aff_lat_sum / (double)m->aff_done : 0;
	double d_oth = others ? (m->lat_sum - m->aff_lat_sum) / (double)others : 0;
	ss_metrics_set(out, "failover_ms", "ms", m->aff_done ? (d_aff - d_oth) * 1e3 : 0);
	ss_metrics_set(out, "failover_max_ms", "ms", m->aff_lat_max * 1e3);
	double rate = span > 0 ? (double)m->done / span : 0;
	if (m->taken_at) {
		ss_time from = m->taken_at + ss_time_from_s(1.0);
		if (from < m->win)
			from = m->win;
		double s = ss_time_to_s(ss_sim_now(m->sim) - from);
		rate = ss_sim_now(m->sim) > from && s > 0 ? (double)m->after_done / s : 0;
	}
	ss_metrics_set(out, "rate_after", "1/s", rate);
	ss_metrics_set(out, "retransmits", "frames", (double)m->rexmits);
	ss_metrics_set(out, "moved", "buckets", (double)m->moved);
	ss_metrics_set(out, "rebalance_ms", "ms", m->rebal_end ? ss_time_to_s(m->rebal_end - m->join_at) * 1e3 : 0);
}

static double sc_progress(void *st) { return (double)((model *)st)->total_done; }

const ss_model_type ss_model_sslcluster = {
	.name = "sslcluster",
	.help = "a cluster of SSL relays with checkpointed handshakes on shared wires, each node with an RSA card (Rescorla et al., SSLACC)",
	.params = sc_params,
	.nparams = sizeof sc_params / sizeof sc_params[0],
	.metrics = sc_metrics,
	.nmetrics = sizeof sc_metrics / sizeof sc_metrics[0],
	.primary = "handshakes",
	.create = sc_create,
	.reset = sc_reset,
	.collect = sc_collect,
	.progress = sc_progress,
	.destroy = sc_destroy,
};
