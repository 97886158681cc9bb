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
   node keeps those whose connection hashes (the 4-tuple: here the
   connection number) into one of its buckets, 1024 in all (S01-002),
   dealt out by the master in turn; the others cost it the interrupt
   and the link layer before the IP input drops them (ASSUMPTION).

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

   Costs (each a parameter with its source or ASSUMPTION): the kernel's
   per-frame paths from a protocol cost profile in cycles at the node's
   clock (rule P of tests/pubprofiles.py: the P6 core's cycles, here at
   846 MHz, S01-030); the relay's crypto from a crypto profile (p3-846);
   the relay's own per-message work, a cluster update's building and
   applying: assumptions. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_coproc.h"
#include "ss_cpu.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_iobus.h"
#include "ss_link.h"
#include "ss_model.h"
#include "ss_profile.h"
#include "ss_protoprof.h"
#include "ss_segment.h"

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
	F_CLOSE = 71, U_HDR = 28, U_UPD = 160, U_ACK = 16
};

/* Frames: to the cluster (M_*), to the client (TC_*), to the server (TS_*). */
enum {
	M_SYN, M_ACK, M_CH, M_CKE, M_REQ, M_CLOSE, M_CLOSE_ACK, M_SSYNACK, M_RESP, M_SFIN,
	TC_SYNACK, TC_FLIGHT, TC_SFIN, TC_ACK, TC_RESP, TC_CLOSE, TS_SYN, TS_ACK, TS_REQ, TS_FIN, TS_FINACK, NFR
};
/* The relay's steps (its thread's jobs), and the card's interrupt. */
enum {
	J_CH, J_SH, J_SRV_SYNACK, J_SRV_ACK, J_CKE, J_CP2, J_RSA, J_CP3, J_FIN, J_SFIN, J_REQ, J_FWD0, J_FWD, J_RESP,
	J_ACKC, J_SENDRESP, J_CLOSE, J_CLOSE2, J_SHUT, J_UPD, J_UACK, J_XMIT, J_IRQ_RSA, J_IRQ_FRAME
};

typedef struct node node;
typedef struct conn conn;
typedef struct model model;

typedef struct fr {
	int kind;
	conn *c;
} fr;

/* A cluster message: updates of n connections (multicast), or their
   ACKs (to one relay). */
typedef struct cmsg {
	int kind; /* 0 update, 1 ACK */
	int from, to;
	int refs;
	size_t n;
	conn **c;
} cmsg;

typedef struct job {
	struct job *next;
	ss_time cost;
	int tag, op, kind;
	conn *c;
	void *p; /* a cmsg, or the J_XMIT list */
} job;

typedef struct worker {
	node *n;
	ss_thread th;
	job *head, *tail, *cur;
	int busy;
} worker;

struct conn {
	model *m;
	uint64_t id;
	int owner;
	int cp_wait[2], cp_next[2]; /* per chain (0 the handshake's and data's, 1 the server connect's): the outstanding checkpoint's ACKs to come, the step after it */
	int srv_ready, req_waiting, rsa_done, cp2_done, closes;
	ss_time t0;
	ss_coproc_req rsa;
	fr frames[NFR];
	conn *free_next;
};

typedef struct cvec {
	conn **v;
	size_t n, cap;
} cvec;

struct node {
	model *m;
	int idx, alive;
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
	job *free_jobs;
	/* window */
	ss_time win;
	uint64_t done, cps, cmsgs, cmsg_conns;
	double lat_sum;
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
	*j = (job){NULL, cost, tag, op, 0, c, NULL};
	return j;
}

static void w_run(worker *w);
static void step(node *n, job *j);
static void flush(node *n);

static void w_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	worker *w = ctx;
	node *n = w->n;
	job *j = w->cur;
	w->cur = NULL;
	step(n, j);
	j->next = n->m->free_jobs;
	n->m->free_jobs = j;
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

static void conn_put(model *m, conn *c)
{
	if (++c->closes == 2) {
		c->free_next = m->free_conns;
		m->free_conns = c;
	}
}

static void client_start(model *m)
{
	conn *c = m->free_conns;
	if (c)
		m->free_conns = c->free_next;
	else if (!(c = malloc(sizeof *c)))
		ss_fatal(SS_LOC, "sslcluster: out of memory");
	memset(c, 0, sizeof *c);
	c->m = m;
	c->id = m->next_id++;
	/* The 4-tuple's hash into a bucket (ASSUMPTION: uniform): a
	   multiplicative hash of the connection's number. */
	c->owner = m->owner[((c->id + 1) * 0x9E3779B97F4A7C15ull) >> 54];
	for (int k = 0; k < NFR; k++)
		c->frames[k] = (fr){k, c};
	c->t0 = ss_sim_now(m->sim);
	to_cluster(m, m->ext, m->st_client, c, M_SYN, F_SYN);
}

/* The clients answer at once: each of `clients` starts a new connection
   when its last one closes (a closed loop). */
static void client_rx(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)to;
	(void)from;
	(void)len;
	model *m = ctx;
	fr *f = obj;
	conn *c = f->c;
	switch (f->kind) {
	case TC_SYNACK:
		to_cluster(m, m->ext, m->st_client, c, M_ACK, F_CTL);
		to_cluster(m, m->ext, m->st_client, c, M_CH, F_CH);
		break;
	case TC_FLIGHT: /* ClientKeyExchange, ChangeCipherSpec and Finished in one segment */
		to_cluster(m, m->ext, m->st_client, c, M_CKE, F_CKE);
		break;
	case TC_SFIN: /* the request, which ACKs the relay's Finished */
		to_cluster(m, m->ext, m->st_client, c, M_REQ, F_REQ);
		break;
	case TC_RESP: /* ACK, close_notify and FIN in one segment */
		to_cluster(m, m->ext, m->st_client, c, M_CLOSE, F_CLOSE);
		break;
	case TC_CLOSE:
		to_cluster(m, m->ext, m->st_client, c, M_CLOSE_ACK, F_CTL);
		m->done++;
		m->total_done++;
		m->lat_sum += ss_time_to_s(ss_sim_now(m->sim) - c->t0);
		conn_put(m, c);
		client_start(m);
		break;
	default:
		break;
	}
}

static void server_rx(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)to;
	(void)from;
	(void)len;
	model *m = ctx;
	fr *f = obj;
	conn *c = f->c;
	switch (f->kind) {
	case TS_SYN:
		to_cluster(m, m->in, m->st_server, c, M_SSYNACK, F_SYN);
		break;
	case TS_REQ: /* the response ACKs the request */
		to_cluster(m, m->in, m->st_server, c, M_RESP, F_RESP);
		break;
	case TS_FIN:
		to_cluster(m, m->in, m->st_server, c, M_SFIN, F_CTL);
		break;
	default:
		break;
	}
}

/* ---- checkpoints ---- */

static int mirrors(const model *m, int self)
{
	int k = 0;
	for (int i = 0; i < m->n; i++)
		k += i != self && m->nodes[i].alive;
	return k;
}

static void cv_add(cvec *v, conn *c)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		conn **nv = realloc(v->v, cap * sizeof *nv);
		if (!nv)
			ss_fatal(SS_LOC, "sslcluster: out of memory");
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = c;
}

/* The processor time of a step that follows a checkpoint: its crypto,
   its system calls and the send paths of what it sends. */
static ss_time step_cost(const model *m, int op)
{
	switch (op) {
	case J_SH:
		return 3 * m->a_msg + m->h_flight + 2 * m->k_sys + 2 * m->k_tx;
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

/* An update names its connection and chain: the pointer's low bit. */
#define REF(c, ch) ((conn *)((uintptr_t)(c) | (uintptr_t)(ch)))
#define REF_CONN(r) ((conn *)((uintptr_t)(r) & ~(uintptr_t)1))
#define REF_CHAIN(r) ((int)((uintptr_t)(r) & 1))

/* Clusters c's state, then runs step `next` (the First Law: what
   commits to the state waits for every mirror's ACK). One at a time per
   chain: the handshake's steps are one chain, the server connect, which
   runs beside it (S01-C23), the other. */
static void checkpoint_on(node *n, conn *c, int next, int ch)
{
	model *m = n->m;
	int k = m->clustering ? mirrors(m, n->idx) : 0;
	if (!k) {
		app(n, next, c, step_cost(m, next));
		return;
	}
	if (c->cp_wait[ch])
		ss_fatal(SS_LOC, "sslcluster: connection %llu has two checkpoints outstanding", (unsigned long long)c->id);
	m->cps++;
	c->cp_wait[ch] = k;
	c->cp_next[ch] = next;
	cv_add(&n->upd, REF(c, ch));
}

static void checkpoint(node *n, conn *c, int next) { checkpoint_on(n, c, next, 0); }

static cmsg *cmsg_new(int kind, int from, int to, conn **v, size_t cnt)
{
	cmsg *g = malloc(sizeof *g);
	conn **cv = malloc(cnt * sizeof *cv);
	if (!g || !cv)
		ss_fatal(SS_LOC, "sslcluster: out of memory");
	memcpy(cv, v, cnt * sizeof *cv);
	*g = (cmsg){kind, from, to, 0, cnt, cv};
	return g;
}

static void cmsg_put(cmsg *g)
{
	if (--g->refs <= 0) {
		free(g->c);
		free(g);
	}
}

typedef struct xlist {
	cmsg **v;
	size_t n, cap;
} xlist;

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
	for (size_t at = 0; at < n->upd.n; at += per_upd) {
		size_t cnt = n->upd.n - at < per_upd ? n->upd.n - at : per_upd;
		if (!l && !(l = calloc(1, sizeof *l)))
			ss_fatal(SS_LOC, "sslcluster: out of memory");
		xl_add(l, cmsg_new(0, n->idx, SS_SEGMENT_ALL, n->upd.v + at, cnt));
		cost += m->k_sys + m->k_tx + (ss_time)cnt * m->a_upd + m->c_mac_upd * (ss_time)cnt;
	}
	n->upd.n = 0;
	for (int i = 0; i < m->n; i++) {
		cvec *a = &n->ack[i];
		for (size_t at = 0; at < a->n; at += per_ack) {
			size_t cnt = a->n - at < per_ack ? a->n - at : per_ack;
			if (!l && !(l = calloc(1, sizeof *l)))
				ss_fatal(SS_LOC, "sslcluster: out of memory");
			xl_add(l, cmsg_new(1, n->idx, i, a->v + at, cnt));
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
		if (x->kind == 0) {
			x->refs = m->n - 1; /* every other station of the cluster hears it */
			send(g, m->cl ? n->st_cl : n->st_int, SS_SEGMENT_ALL, x, U_HDR + U_UPD * (uint32_t)x->n);
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

static void rsa_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	conn *c = ctx;
	node *n = &c->m->nodes[c->owner];
	w_push(&n->irq, job_new(c->m, J_IRQ_RSA, c, c->m->k_irq, TAG_KERNEL));
}

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
	j->kind = g->kind ? J_UACK : J_UPD;
	j->p = g;
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

/* ---- the relay's steps ---- */

static void step(node *n, job *j)
{
	model *m = n->m;
	conn *c = j->c;
	switch (j->op) {
	case J_IRQ_RSA:
		app(n, J_RSA, c, m->c_prf);
		return;
	case J_IRQ_FRAME:
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
		case M_CLOSE:
			app(n, J_CLOSE, c, m->k_sys + m->a_msg + m->c_close);
			break;
		case M_SSYNACK:
			app(n, J_SRV_SYNACK, c, m->a_msg);
			break;
		case M_RESP:
			app(n, J_RESP, c, m->k_sys + m->a_msg);
			break;
		case M_SFIN:
			to_server(n, c, TS_FINACK, F_CTL);
			conn_put(m, c);
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
		for (size_t i = 0; i < g->n; i++)
			cv_add(&n->ack[g->from], g->c[i]);
		cmsg_put(g);
		return;
	}
	case J_UACK: {
		cmsg *g = j->p;
		for (size_t i = 0; i < g->n; i++) {
			conn *x = REF_CONN(g->c[i]);
			int ch = REF_CHAIN(g->c[i]);
			if (x->cp_wait[ch] > 0 && --x->cp_wait[ch] == 0)
				app(n, x->cp_next[ch], x, step_cost(m, x->cp_next[ch]));
		}
		cmsg_put(g);
		return;
	}
	case J_CH: /* pre-ServerHello: its randoms and suite before the ServerHello (S01-C21) */
		checkpoint(n, c, J_SH);
		return;
	case J_SH: /* the flight; the connect to the server after the first checkpoint (S01-C23) */
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
			app(n, J_FWD, c, step_cost(m, J_FWD));
		return;
	case J_CKE: /* the card decrypts the PreMaster secret while its encrypted form is clustered */
		c->rsa = (ss_coproc_req){.alg = SS_COPROC_RSA1024, .in_bytes = 128, .out_bytes = 48, .k = rsa_done, .ctx = c};
		if (ss_coproc_submit(n->card, &c->rsa) != SS_OK)
			ss_fatal(SS_LOC, "sslcluster: the card refused an RSA request (queue depth %u)", m->card.queue_depth);
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
		to_client(n, c, TC_SFIN, F_SFIN);
		return;
	case J_REQ: /* the relay's Finished ACKed: the data state (Fig 20) */
		checkpoint(n, c, J_FWD0);
		return;
	case J_FWD0:
		if (c->srv_ready)
			app(n, J_FWD, c, step_cost(m, J_FWD));
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
		to_client(n, c, TC_RESP, F_RESP);
		return;
	case J_CLOSE: /* the response ACKed */
		checkpoint(n, c, J_CLOSE2);
		return;
	case J_CLOSE2: /* about to close (Fig 16) */
		checkpoint(n, c, J_SHUT);
		return;
	case J_SHUT:
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
};

static void sc_destroy(void *st)
{
	model *m = st;
	if (!m)
		return;
	while (m->free_jobs) {
		job *j = m->free_jobs;
		m->free_jobs = j->next;
		free(j);
	}
	while (m->free_conns) {
		conn *c = m->free_conns;
		m->free_conns = c->free_next;
		free(c);
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
	return cost(m, "3des-cbc", padded, out, err, errlen) || cost(m, "hmac-sha1", plain, out, err, errlen) ? SS_EINVAL
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
	char dir[4096], e[1024];
	int rc;
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
		m->owner[b] = b % m->n; /* the master deals the buckets in turn */
	for (int i = 0; i < m->n; i++) {
		node *n = &m->nodes[i];
		n->m = m;
		n->idx = i;
		n->alive = 1;
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
	char lim[48];
	snprintf(lim, sizeof lim, "%d clients", m->clients);
	ss_sim_set_workload_limit(sim, lim);
	for (int k = 0; k < m->clients; k++)
		client_start(m);
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
	m->lat_sum = 0;
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
