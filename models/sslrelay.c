/* Model "sslrelay": one SSL connection's data through a clustered relay,
   at the level of TCP sequence numbers and real record bytes: the
   protocol cases of Rescorla, Cain and Korver (USENIX Security 2001),
   sec. 4.6-4.8 and 5.5-5.6 (claims S01-C16..C20, C25, C26), which the
   cluster model (models/sslcluster.c) counts in messages and does not
   follow byte by byte.

   Parts: a client and a server, each a TCP engine (proto/ss_tcp, 4.3BSD
   rules with the paper's 500 ms retransmission timer); two cluster
   nodes, the relay and its mirror, each with a TCP engine per side with
   the relay's modifications (the ACK pointer rcv_appack apart from
   rcv_nxt and naked ACKs suppressed, sec. 4.6; forward ACKs; a state
   imposed on a fresh socket, sec. 4.7); an exterior and an interior
   100 Mbit/s Ethernet segment (platform/ss_segment); frames to the
   cluster's address are taken by the node that owns the connection's
   bucket. The records are real (proto/ss_sslrec: 3DES-CBC with
   HMAC-SHA1 by default): the client or the server opens what it gets.

   up: the client writes records to the server (sec. 4.8, 5.5). The
   relay reads each whole record, checks and decrypts it, writes the
   plaintext to the server; when the server has ACKed whole records it
   clusters the last one's state (absolute sequence numbers and the read
   cipher state) and, that update ACKed by the mirror, ACKs the client
   (the First Law). A partial record that waits 2 IAT while nothing
   written to the server is unACKed is clustered with its data and
   ACKed (a partial ACK, Fig 24), and again RTT + IAT after each ACK.

   down: the server writes to the client (sec. 5.6). The relay reads
   what has arrived when it gets to it (read_delay_us after the first
   byte), pre-writes the record's size to the mirror, seals and sends it
   once that is ACKed; when the client has ACKed a record it clusters
   that (the write state after it) and then ACKs the server.

   Faults: the relay crashes right after an event of one record (the
   five points of Fig 8 going up; its send going down), or the relay's
   first transmission of a record to the server is lost (Fig 12). The
   mirror detects the crash by missed keepalives, takes the bucket, and
   restore_backlog x restore_us later imposes its last applied state on
   new sockets and carries on. The designs the paper rejects are
   options: the update interleaved with the write, relative updates, no
   partial ACKs, no pre-writes, forward ACKs ignored, RSTs for unknown
   connections not suppressed, no ACK on takeover.

   Costs: the relay's record work from a crypto profile (p3-846: the
   cluster's 846 MHz Pentium III); a cluster update's build, wire, the
   mirror's receive and apply and its ACK: parameters (ASSUMPTIONS, as
   in sslcluster). The model's outputs are behaviour: whether the
   transfer completes with the right bytes, stalls or is reset, and
   what it cost in updates and time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_crypto.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_grow.h"
#include "ss_link.h"
#include "ss_model.h"
#include "ss_packet.h"
#include "ss_profile.h"
#include "ss_segment.h"
#include "ss_sslrec.h"
#include "ss_tcp.h"

#define MSS 1460        /* Ethernet's, no options */
#define U_HDR 28        /* UDP/IP around a cluster message */
#define U_UPD 160       /* an update: as sslcluster's (the 4-tuple, cipher state, next state) */
#define U_ACK 16
#define U_DATA 1300     /* data an update frame carries (a partial record's): with U_HDR and U_UPD within the MTU */
#define MAXREC 32768    /* the largest record the relay accepts (sec. 5.5: some implementations send 32K) */

enum { DIR_UP, DIR_DOWN };
/* The events a crash follows (fail_event). */
enum { EV_NONE, EV_DATA, EV_WRITE, EV_SACK, EV_UPDATE, EV_UACK, EV_SEND };
/* Update kinds. */
enum { U_REC, U_PART, U_PREWRITE, U_RECACK };

typedef struct model model;
typedef struct node node;

/* A piece of work on a node's thread. */
typedef void (*job_fn)(node *n, uint64_t arg);
typedef struct jobev {
	node *n;
	uint32_t epoch;
	job_fn fn;
	uint64_t arg;
	struct jobev *next, *all; /* the free list; every one made (freed at the end) */
} jobev;

/* A cluster update in flight, or its ACK (the same object returns). */
typedef struct upd {
	int kind, from, ack, rec;
	uint32_t epoch;
	/* The state the mirror sets (offsets into the streams: 0 is the
	   first byte; sequence numbers are offset + 1). */
	uint32_t cin, cout, sin, sout; /* client->cluster read and ACKed, cluster->client written and ACKed, and the server's */
	uint32_t base;                 /* up: the record being read starts here; down: the next record to form */
	ss_sslrec_state rd, wr;
	uint32_t size;                 /* U_PREWRITE: the record's plaintext bytes; U_PART: the data carried;
					  U_RECACK: the records ACKed; a relative U_REC: the server bytes it adds */
	uint32_t delta;                /* relative updates: the client bytes this update adds to the ACK pointer */
	struct upd *next;
} upd;

/* What the mirror holds. */
typedef struct mstate {
	uint32_t cin, cout, sin, sout, base;
	ss_sslrec_state rd, wr;
	uint32_t *pw; /* down: sizes pre-written and not yet ACKed */
	size_t npw, pwcap;
} mstate;

/* up: a record decrypted and written to the server, not yet ACKed by it. */
typedef struct wrec {
	uint32_t wire_end, plain_end;
	ss_sslrec_state st; /* the cipher state after it */
	int rec;
} wrec;

struct node {
	model *m;
	int id, alive, sock;
	ss_tcp *tc, *ts; /* to the client, to the server */
	int st_ext, st_int;
	ss_time busy;    /* its thread's work runs in order */
	uint32_t epoch;
	unsigned char *out; /* what it wrote to the peer (up: plaintext to the server; down: records to the client) */
	size_t outcap;
	uint32_t out_len;   /* bytes written so far (offset of the next) */
	uint32_t out_eng;   /* of them, taken by the engine */
	ss_sslrec_state rd, wr;
	/* up */
	uint32_t rbase, rbase_sched, rpos, ackptr, ackptr_s, clus_c, clus_s; /* up: the record being decrypted, the next not yet whole, read; the ACK pointers; clustered */
	uint32_t mstart; /* a restored mirror's first byte of out */
	wrec *rq;
	size_t rq_lo, rq_n, rqcap;
	/* down */
	uint32_t sbase, spos, wpos_acked;
	int reading;
	uint32_t *pw;   /* sizes to read first (a restored mirror's pre-writes) */
	size_t pw_lo, npw, pwcap;
	wrec *sq;       /* records sent to the client, not yet ACKed (plain_end: the server offset to ACK) */
	size_t sq_lo, sq_n, sqcap;
	int rec_formed;
	/* partial ACKs */
	ss_timer part_t;
	int part_armed;
	ss_time last_arr, iat;
	mstate ms;      /* as a mirror */
	int nupd;       /* its updates not yet ACKed */
};

struct model {
	ss_sim *sim;
	int dir;
	uint32_t bytes, record;
	ss_pktpool *pool;
	ss_segment *ext, *in;
	int st_client, st_server, st_cext, st_cint;
	ss_tcp_config ccfg, scfg, ncfg;
	ss_tcp *cl, *sv;
	node n[2];
	int owner;      /* the node whose bucket holds the connection; -1: its owner died, not yet detected */
	ss_crypto *cx;
	ss_sslrec_keys k;
	ss_sslrec_state iv0;
	ss_profile *cprof;
	const char *cipher;
	/* the client's (up) or the server's (down) stream */
	unsigned char *plain, *cw;
	uint32_t cw_len;
	uint32_t *rec_end; /* up: the client's records' ends in cw */
	uint32_t nrec;
	/* what the receiving end has */
	unsigned char *got, *have;
	uint32_t got_cap;
	uint32_t parse;    /* down: the client's record parser, offset */
	uint32_t plain_ok; /* plaintext bytes delivered and right */
	ss_sslrec_state crd;
	uint32_t c_written, s_written;
	/* designs */
	int first_law, absolute, partial, prewrite, fwd, rst_supp, to_ack;
	/* faults */
	int fev, frec, drop_rec, dropped;
	ss_time fdelay, detect, restore_each;
	uint32_t backlog;
	ss_time read_delay, t_upd, t_apply, t_msg, t_wait, per_rec, per_byte; /* per_byte: ps */
	uint32_t read_max;
	/* outcome */
	int done, reset, crashed, restored;
	ss_time t_done, t_crash, t_restore;
	uint64_t updates, upd_bytes, partials, mac_errors, corrupt, rsts, lag_max;
	uint64_t relay_dup, relay_old, fwd_acks, fwd_disc;
	upd *all;  /* every update made (freed at the end) */
	jobev *jfree, *jall;
	int frag;  /* the object of a partial record's leading data frames */
};


/* Room for n bytes in a node's stream buffer. */
static void need(unsigned char **b, size_t *cap, size_t n)
{
	if (ss_grow(b, cap, n, 1, 65536) != SS_OK)
		ss_fatal(SS_LOC, "sslrelay: out of memory");
}

/* ---- frames ---- */

static void frame(ss_segment *g, int from, int to, void *obj, uint32_t len)
{
	if (ss_segment_send(g, from, to, obj, len) != SS_OK)
		ss_fatal(SS_LOC, "sslrelay: a frame of %u bytes refused", len);
}

/* Frames carry the engines' segments: IP bytes are the TCP segment's
   (len) and a 20-byte IP header. */
static void client_out(void *ctx, ss_packet *p)
{
	model *m = ctx;
	p->flow = 2; /* from the client */
	frame(m->ext, m->st_client, m->st_cext, p, p->len + 20);
}

static void server_out(void *ctx, ss_packet *p)
{
	model *m = ctx;
	p->flow = 3;
	frame(m->in, m->st_server, m->st_cint, p, p->len + 20);
}

static void node_tc_out(void *ctx, ss_packet *p)
{
	node *n = ctx;
	p->flow = (uint32_t)n->id;
	frame(n->m->ext, n->st_ext, n->m->st_client, p, p->len + 20);
}

static void node_ts_out(void *ctx, ss_packet *p)
{
	node *n = ctx;
	model *m = n->m;
	p->flow = (uint32_t)n->id;
	/* Fig 12's loss: the first copy of the segment that starts the
	   record's plaintext. */
	if (m->drop_rec >= 0 && !m->dropped && p->payload) {
		uint32_t start = (uint32_t)m->drop_rec * m->record, off = p->seq - 1;
		if (off <= start && start < off + p->payload) {
			m->dropped = 1;
			ss_pktpool_put(m->pool, p);
			return;
		}
	}
	frame(m->in, n->st_int, m->st_server, p, p->len + 20);
}

/* ---- the ends' applications ---- */

/* Writes into t what it takes of the bytes [*done, total). */
static void write_all(ss_tcp *t, uint32_t *done, uint32_t total)
{
	while (*done < total) {
		uint32_t k = ss_tcp_write(t, total - *done);
		if (!k)
			break;
		*done += k;
	}
}

static void client_write(model *m)
{
	if (m->dir == DIR_UP && !m->reset)
		write_all(m->cl, &m->c_written, m->cw_len);
}

static void server_write(model *m)
{
	if (m->dir == DIR_DOWN && !m->reset)
		write_all(m->sv, &m->s_written, m->bytes);
}

static void finish(model *m)
{
	if (!m->done && !m->reset) {
		m->done = 1;
		m->t_done = ss_sim_now(m->sim);
	}
}

/* The receiving end copies a segment's bytes from its sender's stream
   where it has none yet (TCP keeps the first copy of each byte). */
static void take_bytes(model *m, const ss_packet *p)
{
	if (!p->payload || p->flow > 1)
		return;
	node *s = &m->n[p->flow];
	uint32_t off = p->seq - 1;
	if ((size_t)off + p->payload > m->got_cap)
		return; /* beyond what any stream holds: cannot happen with the window */
	for (uint32_t i = 0; i < p->payload; i++) {
		uint32_t o = off + i;
		if (!m->have[o] && o < s->out_len) {
			m->got[o] = s->out[o];
			m->have[o] = 1;
		}
	}
}

/* up: the server reads everything; the plaintext must be the client's. */
static void server_read(model *m)
{
	ss_tcp_seqs q;
	uint32_t k = ss_tcp_read(m->sv, UINT32_MAX);
	(void)k;
	ss_tcp_seqs_get(m->sv, &q);
	uint32_t upto = q.copied - 1;
	while (m->plain_ok < upto && m->plain_ok < m->bytes) {
		if (!m->have[m->plain_ok] || m->got[m->plain_ok] != m->plain[m->plain_ok]) {
			m->corrupt += upto - m->plain_ok;
			m->plain_ok = upto;
			return;
		}
		m->plain_ok++;
	}
	if (!m->corrupt && m->plain_ok >= m->bytes)
		finish(m);
}

/* down: the client reads and opens each whole record. */
static void client_read(model *m)
{
	ss_tcp_seqs q;
	ss_tcp_read(m->cl, UINT32_MAX);
	ss_tcp_seqs_get(m->cl, &q);
	uint32_t upto = q.copied - 1;
	while (!m->mac_errors && upto - m->parse >= SS_SSLREC_HDR) {
		const unsigned char *h = m->got + m->parse;
		uint32_t len = (uint32_t)h[3] << 8 | h[4];
		if (h[0] != 23 || h[1] != 3 || h[2] != 1 || len > MAXREC + 2048) {
			m->mac_errors++; /* a misaligned stream: the header is garbage */
			return;
		}
		if (upto - m->parse < SS_SSLREC_HDR + len)
			break;
		unsigned char *pt = malloc(MAXREC + 2048);
		size_t n = 0;
		uint8_t type = 0;
		char e[256];
		if (!pt)
			ss_fatal(SS_LOC, "sslrelay: out of memory");
		if (ss_sslrec_open(m->cx, &m->k, &m->crd, h, SS_SSLREC_HDR + len, &type, pt, MAXREC + 2048, &n, e, sizeof e) !=
			    SS_OK ||
		    m->plain_ok + n > m->bytes || memcmp(pt, m->plain + m->plain_ok, n)) {
			m->mac_errors++;
			free(pt);
			return;
		}
		free(pt);
		m->plain_ok += (uint32_t)n;
		m->parse += SS_SSLREC_HDR + len;
	}
	if (m->plain_ok >= m->bytes)
		finish(m);
}

static void client_rx(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)to, (void)from, (void)len;
	model *m = ctx;
	ss_packet *p = obj;
	if (p->flags & SS_TCP_RST)
		m->reset = 1; /* the connection is gone: nothing more reaches the application */
	if (m->reset) {
		ss_pktpool_put(m->pool, p);
		return;
	}
	if (m->dir == DIR_DOWN)
		take_bytes(m, p);
	ss_tcp_input(m->cl, p);
}

static void server_rx(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)to, (void)from, (void)len;
	model *m = ctx;
	ss_packet *p = obj;
	if (p->flags & SS_TCP_RST)
		m->reset = 1;
	if (m->reset) {
		ss_pktpool_put(m->pool, p);
		return;
	}
	if (m->dir == DIR_UP)
		take_bytes(m, p);
	ss_tcp_input(m->sv, p);
}

/* ---- the nodes' threads ---- */

static void job_run(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	jobev *j = ctx;
	model *m = j->n->m;
	if (j->n->alive && j->epoch == j->n->epoch)
		j->fn(j->n, j->arg);
	j->next = m->jfree;
	m->jfree = j;
}

/* Work of `cost` on n's thread, after what it has queued. */
static void job(node *n, ss_time cost, job_fn fn, uint64_t arg)
{
	model *m = n->m;
	jobev *j = m->jfree;
	if (j) {
		m->jfree = j->next;
	} else {
		if (!(j = malloc(sizeof *j)))
			ss_fatal(SS_LOC, "sslrelay: out of memory");
		j->all = m->jall;
		m->jall = j;
	}
	ss_time now = ss_sim_now(n->m->sim);
	if (n->busy < now)
		n->busy = now;
	n->busy += cost;
	j->n = n;
	j->epoch = n->epoch;
	j->fn = fn;
	j->arg = arg;
	ss_sim_at(n->m->sim, n->busy, job_run, j, 0);
}

static ss_time rec_cost(const model *m, uint32_t len) { return m->per_rec + (ss_time)len * m->per_byte; }

static void crash_now(model *m);
static void crash_ev(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	crash_now(ctx);
}

/* The crash the scenario asks for, right after the relay's event.
   Returns 1 when the relay is dead already (the caller stops). */
static int trigger(node *n, int ev, int rec)
{
	model *m = n->m;
	if (n->id != 0 || m->crashed || m->fev != ev || rec < m->frec)
		return 0; /* the first such event of a record from fail_record on (an update may cover several) */
	m->crashed = 1;
	if (ev == EV_UACK && !m->fdelay) {
		crash_now(m);
		return 1;
	}
	ss_sim_after(m->sim, m->fdelay, crash_ev, m, 0);
	return 0;
}

/* ---- cluster updates ---- */

static upd *upd_new(node *n, int kind)
{
	upd *u = calloc(1, sizeof *u);
	if (!u)
		ss_fatal(SS_LOC, "sslrelay: out of memory");
	u->kind = kind;
	u->from = n->id;
	u->epoch = n->epoch;
	u->next = NULL;
	return u;
}

static void upd_keep(model *m, upd *u);
static void upd_acked(node *n, uint64_t arg);
static void upd_sent(node *n, uint64_t arg);

/* Sends u to the mirror, built on n's thread, with `data` bytes of a
   record's data (a partial ACK's). Without a live mirror it commits at
   once. */
static void send_update(node *n, upd *u, uint32_t data)
{
	model *m = n->m;
	upd_keep(m, u);
	n->nupd++;
	m->updates++;
	m->upd_bytes += (uint64_t)U_HDR * (data > U_DATA ? (data + U_DATA - 1) / U_DATA : 1) + U_UPD + data;
	u->size = u->kind == U_PART ? data : u->size;
	job(n, m->t_upd, upd_sent, (uint64_t)(uintptr_t)u);
}

static void mirror_rx(node *mi, uint64_t arg);

static void upd_sent(node *n, uint64_t arg)
{
	model *m = n->m;
	upd *u = (upd *)(uintptr_t)arg;
	node *peer = &m->n[1 - n->id];
	if (!peer->alive || peer->sock) {
		/* no mirror left: the state is clustered as far as it can be */
		upd_acked(n, arg);
		return;
	}
	uint32_t data = u->kind == U_PART ? u->size : 0;
	/* A partial record's data in frames of U_DATA; the last carries the update. */
	for (uint32_t d = data; d > U_DATA; d -= U_DATA)
		frame(m->in, n->st_int, peer->st_int, &m->frag, U_HDR + U_DATA);
	frame(m->in, n->st_int, peer->st_int, u, U_HDR + U_UPD + (data % U_DATA ? data % U_DATA : data ? U_DATA : 0));
	if (u->kind == U_REC)
		trigger(n, EV_UPDATE, u->rec);
}

/* Cluster frames at a node: an update to apply, or the ACK of one. */
static void node_rx(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)to, (void)from, (void)len;
	node *n = ctx;
	model *m = n->m;
	if (obj == &m->frag || !n->alive)
		return;
	upd *u = obj;
	if (!u->ack) {
		job(n, m->t_msg + m->t_apply + m->t_wait, mirror_rx, (uint64_t)(uintptr_t)u);
	} else if (u->epoch == n->epoch) {
		job(n, m->t_msg, upd_acked, (uint64_t)(uintptr_t)u);
	}
}

static void pw_push(uint32_t **pw, size_t *n, size_t *cap, uint32_t v)
{
	if (ss_grow(pw, cap, *n + 1, sizeof **pw, 16) != SS_OK)
		ss_fatal(SS_LOC, "sslrelay: out of memory");
	(*pw)[(*n)++] = v;
}

/* The mirror applies an update to its mirrored state and ACKs it. */
static void mirror_rx(node *mi, uint64_t arg)
{
	model *m = mi->m;
	upd *u = (upd *)(uintptr_t)arg;
	mstate *s = &mi->ms;
	switch (u->kind) {
	case U_REC:
		s->cin = u->cin;
		s->sout = u->sout;
		s->base = u->base;
		s->rd = u->rd;
		break;
	case U_PART:
		if (m->dir == DIR_UP) {
			s->cin = u->cin;
			s->base = u->base;
		} else {
			s->sin = u->sin;
			s->base = u->base;
		}
		break;
	case U_PREWRITE:
		pw_push(&s->pw, &s->npw, &s->pwcap, u->size);
		break;
	case U_RECACK:
		s->cout = u->cout;
		s->sin = u->sin;
		s->base = u->base;
		s->wr = u->wr;
		if (u->size <= s->npw) {
			memmove(s->pw, s->pw + u->size, (s->npw - u->size) * sizeof *s->pw);
			s->npw -= u->size;
		}
		break;
	}
	u->ack = 1;
	frame(m->in, mi->st_int, m->n[u->from].st_int, u, U_HDR + U_ACK);
}

/* ---- up: the client's records to the server ---- */

static uint32_t rec_index(const model *m, uint32_t off)
{
	uint32_t lo = 0, hi = m->nrec;
	while (lo < hi) { /* the first record ending after off */
		uint32_t mid = (lo + hi) / 2;
		if (m->rec_end[mid] <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void part_check(node *n);

static void up_server_acked(void *ctx);
static void down_client_acked(void *ctx);

/* Hands the engine what n has written and it has not taken. Writes a
   forward ACK covers are taken and count as ACKed at once: the ACK's
   consequences follow as for one from the peer. */
static void out_push(node *n)
{
	ss_tcp *t = n->m->dir == DIR_UP ? n->ts : n->tc;
	ss_tcp_seqs a, b;
	ss_tcp_seqs_get(t, &a);
	write_all(t, &n->out_eng, n->out_len);
	ss_tcp_seqs_get(t, &b);
	if (b.snd_una != a.snd_una) {
		if (n->m->dir == DIR_UP)
			up_server_acked(n);
		else
			down_client_acked(n);
	}
}

static void out_append(node *n, const unsigned char *b, size_t len)
{
	need(&n->out, &n->outcap, (size_t)n->out_len + len);
	memcpy(n->out + n->out_len, b, len);
	n->out_len += (uint32_t)len;
}

static void arrival(node *n)
{
	ss_time now = ss_sim_now(n->m->sim);
	if (n->last_arr)
		n->iat = (7 * n->iat + (now - n->last_arr)) / 8; /* ASSUMPTION: an EWMA of gain 1/8, as TCP's SRTT */
	n->last_arr = now;
}

static void up_record(node *n, uint64_t arg);

/* The relay reads what the client sent; each whole record goes to its
   thread (checked and decrypted there). */
static void up_readable(void *ctx)
{
	node *n = ctx;
	model *m = n->m;
	uint32_t k = ss_tcp_read(n->tc, UINT32_MAX);
	if (!k)
		return;
	arrival(n);
	n->rpos += k;
	for (;;) {
		uint32_t b = n->rbase_sched;
		if (n->rpos - b < SS_SSLREC_HDR)
			break;
		const unsigned char *h = m->cw + b;
		uint32_t len = (uint32_t)h[3] << 8 | h[4];
		if (h[0] != 23 || h[1] != 3 || h[2] != 1 || len > MAXREC + 2048) {
			/* A mirror reading from a wrong place: garbage for a
			   header. It alerts and resets the connection. */
			m->mac_errors++;
			m->reset = 1;
			return;
		}
		if (n->rpos - b < SS_SSLREC_HDR + len)
			break;
		n->rbase_sched = b + SS_SSLREC_HDR + len;
		int rec = (int)rec_index(m, b);
		if (trigger(n, EV_DATA, rec))
			return;
		job(n, rec_cost(m, len), up_record, (uint64_t)rec);
	}
	part_check(n);
}

static void up_record(node *n, uint64_t arg)
{
	model *m = n->m;
	uint32_t b = n->rbase, len = (uint32_t)m->cw[b + 3] << 8 | m->cw[b + 4];
	unsigned char *pt = malloc(MAXREC + 2048);
	size_t pn = 0;
	uint8_t type = 0;
	char e[256];
	if (!pt)
		ss_fatal(SS_LOC, "sslrelay: out of memory");
	if (ss_sslrec_open(m->cx, &m->k, &n->rd, m->cw + b, SS_SSLREC_HDR + len, &type, pt, MAXREC + 2048, &pn, e, sizeof e) !=
	    SS_OK) {
		/* A record the relay cannot open: it alerts and resets. */
		free(pt);
		m->mac_errors++;
		m->reset = 1;
		return;
	}
	out_append(n, pt, pn);
	free(pt);
	n->rbase = b + SS_SSLREC_HDR + len;
	if (ss_grow(&n->rq, &n->rqcap, n->rq_n + 1, sizeof *n->rq, 16) != SS_OK)
		ss_fatal(SS_LOC, "sslrelay: out of memory");
	n->rq[n->rq_n++] = (wrec){.wire_end = n->rbase, .plain_end = n->out_len, .st = n->rd, .rec = (int)arg};
	out_push(n);
	if (!m->first_law) {
		/* Fig 12's error: the update beside the write, the client ACKed
		   when the mirror has it, whatever the server got. */
		upd *u = upd_new(n, U_REC);
		u->cin = u->base = n->rbase;
		u->sout = n->out_len;
		u->rd = n->rd;
		u->rec = (int)arg;
		send_update(n, u, 0);
	}
	trigger(n, EV_WRITE, (int)arg);
}

/* The server ACKed: whole records leave the queue and the last one's
   state is clustered (with the First Law). */
static void up_server_acked(void *ctx)
{
	node *n = ctx;
	model *m = n->m;
	ss_tcp_seqs q;
	ss_tcp_seqs_get(n->ts, &q);
	uint32_t acked = q.snd_una - 1;
	wrec *last = NULL;
	while (n->rq_lo < n->rq_n && n->rq[n->rq_lo].plain_end <= acked)
		last = &n->rq[n->rq_lo++];
	if (n->rq_lo == n->rq_n)
		n->rq_lo = n->rq_n = 0;
	out_push(n);
	if (!last)
		return;
	wrec w = *last;
	if (trigger(n, EV_SACK, w.rec))
		return;
	if (m->first_law) {
		upd *u = upd_new(n, U_REC);
		u->rec = w.rec;
		u->rd = w.st;
		u->base = w.wire_end;
		if (m->absolute) {
			u->cin = w.wire_end;
			u->sout = w.plain_end;
		} else {
			/* Fig 13: the ACK pointer plus what this ACK added. */
			u->delta = w.wire_end - n->clus_c;
			u->cin = n->ackptr + u->delta;
			u->sout = n->ackptr_s + (w.plain_end - n->clus_s);
			u->size = w.plain_end - n->clus_s;
		}
		n->clus_c = w.wire_end;
		n->clus_s = w.plain_end;
		send_update(n, u, 0);
	}
	part_check(n);
}

/* ---- down: the server's data to the client ---- */

static void down_read(ss_sim *sim, void *ctx, uint64_t arg);
static void down_seal(node *n, uint64_t arg);

/* Data from the server: the relay gets to it read_delay_us later (its
   thread's other work) and reads what has arrived by then. */
static void down_readable(void *ctx)
{
	node *n = ctx;
	arrival(n);
	if (!n->reading) {
		n->reading = 1;
		ss_sim_after(n->m->sim, n->m->read_delay, down_read, n, n->epoch);
	}
}

static void form(node *n, uint32_t size, int prewritten)
{
	model *m = n->m;
	uint32_t base = n->sbase;
	n->sbase += size;
	uint64_t arg = (uint64_t)base << 32 | size;
	if (m->prewrite && !prewritten) {
		upd *u = upd_new(n, U_PREWRITE);
		u->size = size;
		u->base = base;
		send_update(n, u, 0);
	} else {
		job(n, rec_cost(m, size), down_seal, arg);
	}
}

static void down_read(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	node *n = ctx;
	model *m = n->m;
	if (!n->alive || arg != n->epoch || !n->sock)
		return;
	n->reading = 0;
	uint32_t avail = ss_tcp_readable(n->ts);
	if (n->pw_lo < n->npw) {
		/* A restored mirror reads the sizes pre-written first. */
		uint32_t size = n->pw[n->pw_lo], have = n->spos - n->sbase;
		uint32_t take = size - have < avail ? size - have : avail;
		n->spos += ss_tcp_read(n->ts, take);
		if (n->spos - n->sbase == size) {
			n->pw_lo++;
			form(n, size, 1);
		}
	} else if (avail) {
		uint32_t take = avail < m->read_max ? avail : m->read_max;
		n->spos += ss_tcp_read(n->ts, take);
		form(n, take, 0);
	}
	if (ss_tcp_readable(n->ts)) {
		n->reading = 1;
		ss_sim_after(m->sim, m->read_delay, down_read, n, n->epoch);
	}
	part_check(n);
}

/* Seals the record of the server's bytes [base, base + size) and
   sends it. */
static void down_seal(node *n, uint64_t arg)
{
	model *m = n->m;
	uint32_t base = (uint32_t)(arg >> 32), size = (uint32_t)arg;
	size_t cap = ss_sslrec_size(&m->k, size), len = 0;
	unsigned char *rec = malloc(cap);
	char e[256];
	if (!rec || ss_sslrec_seal(m->cx, &m->k, &n->wr, 23, m->plain + base, size, rec, cap, &len, e, sizeof e) != SS_OK)
		ss_fatal(SS_LOC, "sslrelay: sealing a record: %s", rec ? e : "out of memory");
	out_append(n, rec, len);
	free(rec);
	if (ss_grow(&n->sq, &n->sqcap, n->sq_n + 1, sizeof *n->sq, 16) != SS_OK)
		ss_fatal(SS_LOC, "sslrelay: out of memory");
	int r = n->rec_formed++;
	n->sq[n->sq_n++] = (wrec){.wire_end = n->out_len, .plain_end = base + size, .st = n->wr, .rec = r};
	out_push(n);
	trigger(n, EV_SEND, r);
}

/* The client ACKed: the whole records it has are clustered, then the
   server is ACKed for their bytes. */
static void down_client_acked(void *ctx)
{
	node *n = ctx;
	ss_tcp_seqs q;
	ss_tcp_seqs_get(n->tc, &q);
	uint32_t acked = q.snd_una - 1, cnt = 0;
	wrec *last = NULL;
	while (n->sq_lo < n->sq_n && n->sq[n->sq_lo].wire_end <= acked) {
		last = &n->sq[n->sq_lo++];
		cnt++;
	}
	out_push(n);
	if (last) {
		upd *u = upd_new(n, U_RECACK);
		u->cout = last->wire_end;
		u->sin = u->base = last->plain_end;
		u->wr = last->st;
		u->size = cnt;
		u->rec = last->rec;
		if (n->sq_lo == n->sq_n)
			n->sq_lo = n->sq_n = 0;
		send_update(n, u, 0);
	}
	part_check(n);
}

/* ---- partial ACKs (sec. 5.5, Fig 24) ---- */

/* A record read in part that the relay cannot finish without ACKing:
   nothing written to the other side unACKed, no update out. */
static int part_waiting(node *n)
{
	ss_tcp_seqs q;
	if (!n->sock || n->nupd)
		return 0;
	if (n->m->dir == DIR_UP) {
		ss_tcp_seqs_get(n->ts, &q);
		return n->rpos > n->rbase_sched && n->rpos > n->ackptr && n->rbase == n->rbase_sched && q.snd_una == q.write_seq;
	}
	ss_tcp_seqs_get(n->tc, &q);
	return n->pw_lo < n->npw && n->spos > n->sbase && n->spos > n->ackptr_s && q.snd_una == q.write_seq;
}

static ss_time rtt_est(node *n)
{
	ss_tcp_stats s;
	ss_tcp_stats_get(n->m->dir == DIR_UP ? n->ts : n->tc, &s);
	/* The relay's own round trip on its other connection; ASSUMPTION:
	   1 ms before it has a sample (a machine room's). */
	return s.srtt_us ? (ss_time)s.srtt_us * SS_PS_PER_US : SS_PS_PER_MS;
}

static void part_fire(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	node *n = ctx;
	model *m = n->m;
	n->part_armed = 0;
	if (!n->alive || !part_waiting(n))
		return;
	upd *u = upd_new(n, U_PART);
	uint32_t data;
	if (m->dir == DIR_UP) {
		u->cin = n->rpos;
		u->base = n->rbase_sched;
		data = n->rpos - (n->ackptr > n->rbase_sched ? n->ackptr : n->rbase_sched);
	} else {
		u->sin = n->spos;
		u->base = n->sbase;
		data = n->spos - (n->ackptr_s > n->sbase ? n->ackptr_s : n->sbase);
	}
	m->partials++;
	send_update(n, u, data);
}

static void part_arm(node *n, ss_time after)
{
	if (n->part_armed)
		ss_sim_cancel(n->m->sim, &n->part_t);
	n->part_t = ss_sim_after(n->m->sim, after, part_fire, n, 0);
	n->part_armed = 1;
}

static void part_check(node *n)
{
	if (n->m->partial && !n->part_armed && part_waiting(n))
		part_arm(n, 2 * n->iat);
}

/* ---- an update ACKed: the output it allows ---- */

static void upd_acked(node *n, uint64_t arg)
{
	model *m = n->m;
	upd *u = (upd *)(uintptr_t)arg;
	n->nupd--;
	switch (u->kind) {
	case U_REC:
		if (trigger(n, EV_UACK, u->rec))
			return;
		if (m->absolute || !m->first_law) {
			if (u->cin > n->ackptr)
				n->ackptr = u->cin;
		} else {
			n->ackptr += u->delta;
			n->ackptr_s += u->size;
		}
		ss_tcp_appack(n->tc, n->ackptr + 1);
		{
			/* Fig 13: with nothing out, the mirror should be where the relay is. */
			node *mi = &m->n[1 - n->id];
			if (mi->alive && !mi->sock && !n->nupd && n->ackptr > mi->ms.cin && n->ackptr - mi->ms.cin > m->lag_max)
				m->lag_max = n->ackptr - mi->ms.cin;
		}
		break;
	case U_PART:
		if (m->dir == DIR_UP) {
			n->ackptr = u->cin;
			ss_tcp_appack(n->tc, u->cin + 1);
		} else {
			n->ackptr_s = u->sin;
			ss_tcp_appack(n->ts, u->sin + 1);
		}
		/* the client may not send the rest: try again RTT + IAT on */
		if (m->partial)
			part_arm(n, rtt_est(n) + n->iat);
		break;
	case U_PREWRITE:
		job(n, rec_cost(m, u->size), down_seal, (uint64_t)u->base << 32 | u->size);
		break;
	case U_RECACK:
		if (u->sin > n->ackptr_s)
			n->ackptr_s = u->sin;
		ss_tcp_appack(n->ts, n->ackptr_s + 1);
		break;
	}
	part_check(n);
}

/* ---- crash, detection, takeover ---- */

static void eng_gone(model *m, ss_tcp *t)
{
	ss_tcp_stats s;
	if (!t)
		return;
	ss_tcp_stats_get(t, &s);
	m->relay_dup += s.dupacks_in;
	m->relay_old += s.old_acks;
	m->fwd_acks += s.fwd_acks;
	m->fwd_disc += s.fwd_discarded;
	ss_tcp_free(t);
}

static void detect_ev(ss_sim *sim, void *ctx, uint64_t arg);
static void restore_ev(ss_sim *sim, void *ctx, uint64_t arg);

static void crash_now(model *m)
{
	node *n = &m->n[0];
	if (!n->alive)
		return;
	m->crashed = 1;
	m->t_crash = ss_sim_now(m->sim);
	n->alive = n->sock = 0;
	n->epoch++;
	if (n->part_armed)
		ss_sim_cancel(m->sim, &n->part_t);
	n->part_armed = 0;
	eng_gone(m, n->tc);
	eng_gone(m, n->ts);
	n->tc = n->ts = NULL;
	m->owner = -1;
	ss_sim_after(m->sim, m->detect, detect_ev, m, 0);
}

/* The mirror has missed enough keepalives: the master gives it the
   dead node's buckets; its sockets come after the connections restored
   before this one. */
static void detect_ev(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	model *m = ctx;
	m->owner = 1;
	ss_sim_after(sim, (ss_time)(m->backlog + 1) * m->restore_each, restore_ev, m, 0);
}

static int node_engines(node *n, char *err, size_t errlen);

static void restore_ev(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	model *m = ctx;
	node *n = &m->n[1];
	mstate *s = &n->ms;
	char e[256];
	if (node_engines(n, e, sizeof e) != SS_OK)
		ss_fatal(SS_LOC, "sslrelay: %s", e);
	ss_tcp_restore(n->tc, &m->ccfg, s->cout + 1, s->cin + 1, m->ccfg.rcvbuf);
	ss_tcp_restore(n->ts, &m->scfg, s->sout + 1, s->sin + 1, m->scfg.rcvbuf);
	n->sock = 1;
	m->restored = 1;
	m->t_restore = ss_sim_now(m->sim);
	n->rd = s->rd;
	n->wr = s->wr;
	n->out_len = n->out_eng = m->dir == DIR_UP ? s->sout : s->cout;
	need(&n->out, &n->outcap, n->out_len);
	memset(n->out, 0, n->out_len); /* bytes the mirror never writes (the relay's) */
	n->mstart = n->out_len;
	if (m->dir == DIR_UP) {
		n->rbase = n->rbase_sched = s->base;
		n->rpos = n->ackptr = n->clus_c = s->cin;
		n->ackptr_s = n->clus_s = s->sout;
	} else {
		n->sbase = s->base;
		n->spos = n->ackptr_s = s->sin;
		n->pw_lo = 0;
		n->npw = 0;
		for (size_t i = 0; i < s->npw; i++)
			pw_push(&n->pw, &n->npw, &n->pwcap, s->pw[i]);
		if (!m->prewrite)
			n->npw = 0;
		n->rec_formed = 0;
	}
	if (m->to_ack) {
		/* sec. 4.8: one ACK each way on takeover, not the peers' 500 ms timers */
		ss_tcp_appack(n->tc, s->cin + 1);
		ss_tcp_appack(n->ts, s->sin + 1);
	}
}

/* A frame to the cluster's address: its bucket's owner takes it. */
static void cluster_rx(void *ctx, int to, int from, void *obj, uint32_t len)
{
	(void)to, (void)len;
	model *m = ctx;
	ss_packet *p = obj;
	(void)from;
	int up_side = p->flow == 2; /* from the client (exterior), or the server */
	if (m->owner < 0 || m->reset || (p->flags & SS_TCP_RST)) {
		ss_pktpool_put(m->pool, p); /* its owner is dead: nobody takes it */
		return;
	}
	node *n = &m->n[m->owner];
	if (!n->sock) {
		/* A segment for a connection the mirror has not restored yet. */
		uint32_t seq = p->ack, ack = p->seq + p->payload;
		ss_pktpool_put(m->pool, p);
		if (m->rst_supp)
			return;
		ss_packet *r = ss_pktpool_get(m->pool);
		if (!r)
			ss_fatal(SS_LOC, "sslrelay: out of memory");
		r->flags = SS_TCP_RST | SS_TCP_ACK;
		r->seq = seq;
		r->ack = ack;
		r->hdr_l4 = 20;
		r->len = 20;
		r->flow = (uint32_t)n->id;
		m->rsts++;
		if (up_side)
			frame(m->ext, n->st_ext, m->st_client, r, r->len + 20);
		else
			frame(m->in, n->st_int, m->st_server, r, r->len + 20);
		return;
	}
	ss_tcp_input(up_side ? n->tc : n->ts, p);
}

/* ---- building ---- */

static int node_engines(node *n, char *err, size_t errlen)
{
	model *m = n->m;
	ss_tcp_hooks hc = {.ctx = n, .output = node_tc_out}, hs = {.ctx = n, .output = node_ts_out};
	char nm[32];
	int rc;
	if (m->dir == DIR_UP) {
		hc.readable = up_readable;
		hs.writable = up_server_acked;
	} else {
		hs.readable = down_readable;
		hc.writable = down_client_acked;
	}
	snprintf(nm, sizeof nm, "node%d.client", n->id);
	if ((rc = ss_tcp_alloc(&n->tc, m->sim, nm, &m->ncfg, m->pool, &hc, err, errlen)) != SS_OK)
		return rc;
	snprintf(nm, sizeof nm, "node%d.server", n->id);
	if ((rc = ss_tcp_alloc(&n->ts, m->sim, nm, &m->ncfg, m->pool, &hs, err, errlen)) != SS_OK)
		return rc;
	ss_tcp_set_appack(n->tc, 1);
	ss_tcp_set_appack(n->ts, 1);
	ss_tcp_set_fwd_ack(n->tc, m->fwd);
	ss_tcp_set_fwd_ack(n->ts, m->fwd);
	return SS_OK;
}

static void cl_readable(void *ctx) { client_read(ctx); }
static void cl_writable(void *ctx) { client_write(ctx); }
static void sv_readable(void *ctx) { server_read(ctx); }
static void sv_writable(void *ctx) { server_write(ctx); }

static const ss_param_def sr_params[] = {
	{.name = "label", .type = SS_PARAM_STRING, .def = "", .unit = "", .help = "free text naming the configuration in results"},
	{.name = "direction", .type = SS_PARAM_STRING, .def = "up", .choices = "up|down", .unit = "",
	 .help = "up: the client writes to the server (sec. 4.8, 5.5); down: the server writes to the client (sec. 5.6)"},
	{.name = "transfer_kb", .type = SS_PARAM_REAL, .def = "64", .min = 1, .max = 65536, .unit = "KB",
	 .help = "plaintext the writer sends"},
	{.name = "record_bytes", .type = SS_PARAM_INT, .def = "16384", .min = 1, .max = 16384, .unit = "bytes",
	 .help = "up: the client's records' plaintext (at most the standard's 16K, which proto/ss_sslrec holds to; sec. 5.5's 32K records are not modelled); down: the most the relay reads into one record"},
	{.name = "window_kb", .type = SS_PARAM_REAL, .def = "32", .min = 4, .max = 1024, .unit = "KB",
	 .help = "every socket's buffers each way. ASSUMPTION: a 2001 socket buffer (sslcluster's window_kb)"},
	{.name = "cipher", .type = SS_PARAM_STRING, .def = "3des-cbc", .unit = "",
	 .help = "the records' CBC cipher, with HMAC-SHA1. ASSUMPTION: the paper names none; 3DES-EDE-CBC-SHA, as sslcluster"},
	{.name = "crypto_profile", .type = SS_PARAM_STRING, .def = "p3-846", .unit = "",
	 .help = "the relay's crypto costs (crypto/profiles: the cluster's 846 MHz Pentium III, S01-030)"},
	{.name = "relay_msg_us", .type = SS_PARAM_REAL, .def = "20", .min = 0, .max = 1e6, .unit = "us",
	 .help = "the relay's own work per record besides its crypto. ASSUMPTION, as sslcluster's"},
	{.name = "update_us", .type = SS_PARAM_REAL, .def = "5", .min = 0, .max = 1e6, .unit = "us",
	 .help = "building one cluster update. ASSUMPTION, as sslcluster's"},
	{.name = "apply_us", .type = SS_PARAM_REAL, .def = "5", .min = 0, .max = 1e6, .unit = "us",
	 .help = "the mirror applying one update. ASSUMPTION, as sslcluster's"},
	{.name = "msg_us", .type = SS_PARAM_REAL, .def = "10", .min = 0, .max = 1e6, .unit = "us",
	 .help = "a node's interrupt and receive path for one cluster message. ASSUMPTION: about what sslcluster's sourced kernel paths give (docs/sslacc01.md)"},
	{.name = "mirror_wait_us", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1e7, .unit = "us",
	 .help = "an update's wait at a busy mirror before it is applied (its other connections' work); 0: an idle cluster. sslcluster's checkpoint round trip under a saturating load is 80 to 515 us at 2 to 7 nodes (its cp_rtt_us)"},
	{.name = "read_delay_us", .type = SS_PARAM_REAL, .def = "300", .min = 0, .max = 1e7, .unit = "us",
	 .help = "down: from the server's data arriving to the relay reading it (its other work): the relay reads what came by then. ASSUMPTION: about 4 segments at 100 Mbit/s, sec. 5.6's 4096-byte read"},
	{.name = "mbps", .type = SS_PARAM_REAL, .def = "100", .min = 1, .max = 1e6, .unit = "Mbit/s",
	 .help = "both wires (S01-043)"},
	{.name = "prop_us", .type = SS_PARAM_REAL, .def = "1", .min = 0, .max = 1e6, .unit = "us",
	 .help = "propagation on each wire. ASSUMPTION, as sslcluster's"},
	{.name = "rto_ms", .type = SS_PARAM_REAL, .def = "500", .min = 1, .max = 1e6, .unit = "ms",
	 .help = "every end's first retransmission timeout, doubling (S01-008: the 500 ms TCP retransmit timer)"},
	{.name = "keepalive_ms", .type = SS_PARAM_REAL, .def = "100", .min = 0.001, .max = 1e6, .unit = "ms",
	 .help = "keepalive period. ASSUMPTION, as sslcluster's"},
	{.name = "keepalive_miss", .type = SS_PARAM_INT, .def = "3", .min = 1, .max = 1000, .unit = "keepalives",
	 .help = "missed before the relay is declared dead. ASSUMPTION, as sslcluster's"},
	{.name = "restore_us", .type = SS_PARAM_REAL, .def = "50", .min = 0, .max = 1e6, .unit = "us",
	 .help = "restoring one connection's sockets and SSL state. ASSUMPTION, as sslcluster's"},
	{.name = "restore_backlog", .type = SS_PARAM_INT, .def = "0", .min = 0, .max = 100000000, .unit = "connections",
	 .help = "the dead node's connections the mirror restores before this one"},
	{.name = "fail_event", .type = SS_PARAM_STRING, .def = "none",
	 .choices = "none|data|write|server-ack|update|update-ack|send", .unit = "",
	 .help = "the relay crashes right after this event of record fail_record: up, the five points of Fig 8 (data: the record read; write: written to the server; server-ack: the server's ACK of it; update: its update sent; update-ack: that ACKed, before the client's ACK); down, send: the record sent to the client"},
	{.name = "fail_record", .type = SS_PARAM_INT, .def = "1", .min = 0, .max = 100000000, .unit = "",
	 .help = "the record (from 0) whose event fail_event is"},
	{.name = "fail_delay_ms", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1e6, .unit = "ms",
	 .help = "the crash comes this long after the event"},
	{.name = "lose_write", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "up: the relay's first transmission to the server of the segment that starts record fail_record's plaintext is lost (Fig 12)"},
	{.name = "first_law", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "up: the update after the server's ACK, the client's ACK after the update's (Fig 8); false: the update beside the write (Fig 12, the design the paper rejects, S01-C17)"},
	{.name = "absolute_updates", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "up: updates carry absolute sequence numbers; false: the ACK pointer plus the bytes just ACKed, which races (Fig 13, S01-C18)"},
	{.name = "partial_acks", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "a partial record that waits 2 IAT is clustered with its data and ACKed (sec. 5.5, S01-C25); false: the relay waits for whole records"},
	{.name = "prewrite", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "down: each record's size clustered before it is sent, a mirror reading those sizes (sec. 5.6, S01-C26); false: it reads what it gets"},
	{.name = "fwd_ack_fix", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "a restored socket takes an ACK beyond snd_nxt and discards writes up to it (sec. 4.6, S01-C20); false: ignores it (RFC 793)"},
	{.name = "rst_suppress", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "the mirror sends no RST for a connection it has not restored yet (sec. 4.6, S01-C20); false: it does"},
	{.name = "takeover_ack", .type = SS_PARAM_BOOL, .def = "true", .unit = "",
	 .help = "the mirror sends one ACK each way when it takes over (sec. 4.8, S01-C16); false: the peers' timers bring the next segment"},
};

static const ss_metric_def sr_metrics[] = {
	{.name = "completed", .unit = "", .help = "1 if the reader got all the plaintext, right, within the run"},
	{.name = "reset", .unit = "", .help = "1 if the connection was reset"},
	{.name = "stalled", .unit = "", .help = "1 if neither completed nor reset nor corrupted when the run ends (a deadlock)"},
	{.name = "mac_errors", .unit = "records", .help = "records a reader could not open (the client, down; the relay, up)"},
	{.name = "corrupt_bytes", .unit = "bytes", .help = "up: bytes the server got that are not the client's"},
	{.name = "transfer_ms", .unit = "ms", .help = "time to completion (the run's end if none)"},
	{.name = "takeover_ms", .unit = "ms", .help = "from the crash to the mirror's sockets (0 without a crash)"},
	{.name = "updates", .unit = "", .help = "cluster updates sent"},
	{.name = "update_kb", .unit = "KB", .help = "their bytes on the wire"},
	{.name = "partial_acks", .unit = "", .help = "partial records clustered with their data and ACKed"},
	{.name = "mirror_lag", .unit = "bytes", .help = "up: the most the mirror's client position fell behind the relay's ACK pointer with no update out"},
	{.name = "retransmits", .unit = "segments", .help = "the client's and the server's retransmissions"},
	{.name = "dup_acks", .unit = "ACKs", .help = "duplicate ACKs the nodes got from the server (an ACK storm)"},
	{.name = "old_acks", .unit = "ACKs", .help = "ACKs below snd_una the nodes got"},
	{.name = "fwd_acks", .unit = "ACKs", .help = "ACKs beyond snd_nxt the nodes got"},
	{.name = "fwd_discarded", .unit = "bytes", .help = "writes discarded for forward ACKs"},
	{.name = "rsts", .unit = "", .help = "RSTs the mirror sent"},
	{.name = "zeroth_same", .unit = "bytes", .help = "down: bytes the mirror wrote where the relay had, the same"},
	{.name = "zeroth_diff", .unit = "bytes", .help = "down: ... different (the Zeroth Law broken)"},
};
#define NPARAMS (sizeof sr_params / sizeof sr_params[0])
#define NMETRICS (sizeof sr_metrics / sizeof sr_metrics[0])

static void sr_destroy(void *st)
{
	model *m = st;
	if (!m)
		return;
	for (int i = 0; i < 2; i++) {
		node *n = &m->n[i];
		ss_tcp_free(n->tc);
		ss_tcp_free(n->ts);
		free(n->out);
		free(n->rq);
		free(n->sq);
		free(n->pw);
		free(n->ms.pw);
	}
	ss_tcp_free(m->cl);
	ss_tcp_free(m->sv);
	while (m->all) {
		upd *u = m->all;
		m->all = u->next;
		free(u);
	}
	while (m->jall) {
		jobev *j = m->jall;
		m->jall = j->all;
		free(j);
	}
	free(m->plain);
	free(m->cw);
	free(m->rec_end);
	free(m->got);
	free(m->have);
	ss_pktpool_free(m->pool);
	ss_crypto_free(m->cx);
	ss_profile_free(m->cprof);
	free(m);
}

static void upd_keep(model *m, upd *u)
{
	u->next = m->all;
	m->all = u;
}

static int fail_of(const char *s)
{
	static const char *const names[] = {"none", "data", "write", "server-ack", "update", "update-ack", "send"};
	for (int i = 0; i < 7; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static void start_ev(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	model *m = ctx;
	client_write(m);
	server_write(m);
}

static int sr_create(ss_sim *sim, const ss_params *p, void **state, char *err, size_t errlen)
{
	model *m = calloc(1, sizeof *m);
	char e[256], dir[4096];
	int rc = SS_EINVAL;
	if (!m)
		return SS_ENOMEM;
	m->sim = sim;
	m->dir = strcmp(ss_params_string(p, "direction"), "up") ? DIR_DOWN : DIR_UP;
	m->bytes = (uint32_t)(ss_params_real(p, "transfer_kb") * 1024);
	m->record = (uint32_t)ss_params_int(p, "record_bytes");
	m->read_max = m->record;
	m->first_law = ss_params_bool(p, "first_law");
	m->absolute = ss_params_bool(p, "absolute_updates");
	m->partial = ss_params_bool(p, "partial_acks");
	m->prewrite = ss_params_bool(p, "prewrite");
	m->fwd = ss_params_bool(p, "fwd_ack_fix");
	m->rst_supp = ss_params_bool(p, "rst_suppress");
	m->to_ack = ss_params_bool(p, "takeover_ack");
	m->fev = fail_of(ss_params_string(p, "fail_event"));
	m->frec = (int)ss_params_int(p, "fail_record");
	m->fdelay = ss_time_from_us(ss_params_real(p, "fail_delay_ms") * 1000);
	m->drop_rec = ss_params_bool(p, "lose_write") ? m->frec : -1;
	m->detect = ss_time_from_us(ss_params_real(p, "keepalive_ms") * 1000 * (double)ss_params_int(p, "keepalive_miss"));
	m->restore_each = ss_time_from_us(ss_params_real(p, "restore_us"));
	m->backlog = (uint32_t)ss_params_int(p, "restore_backlog");
	m->read_delay = ss_time_from_us(ss_params_real(p, "read_delay_us"));
	m->t_upd = ss_time_from_us(ss_params_real(p, "update_us"));
	m->t_apply = ss_time_from_us(ss_params_real(p, "apply_us"));
	m->t_msg = ss_time_from_us(ss_params_real(p, "msg_us"));
	m->t_wait = ss_time_from_us(ss_params_real(p, "mirror_wait_us"));
	m->per_rec = ss_time_from_us(ss_params_real(p, "relay_msg_us"));
	m->cipher = ss_params_string(p, "cipher");
	if (m->dir == DIR_DOWN && (m->fev >= EV_DATA && m->fev <= EV_UACK)) {
		ss_errbuf(err, errlen, "fail_event '%s' is an event of direction up; down has 'send'", ss_params_string(p, "fail_event"));
		goto fail;
	}
	if (m->dir == DIR_UP && m->fev == EV_SEND) {
		ss_errbuf(err, errlen, "fail_event 'send' is an event of direction down");
		goto fail;
	}
	if (m->dir == DIR_DOWN && (m->drop_rec >= 0 || !m->first_law || !m->absolute)) {
		ss_errbuf(err, errlen, "lose_write, first_law and absolute_updates are direction up's (the client's writes)");
		goto fail;
	}
	uint32_t nrec = (m->bytes + m->record - 1) / m->record;
	if ((m->fev != EV_NONE || m->drop_rec >= 0) && m->dir == DIR_UP && (uint32_t)m->frec >= nrec) {
		ss_errbuf(err, errlen, "fail_record %d: the transfer has %u records", m->frec, nrec);
		goto fail;
	}
	/* crypto: a fixed key block (ASSUMPTION: any key does; the
	   handshake is not this model's) */
	unsigned char block[104];
	for (size_t i = 0; i < sizeof block; i++)
		block[i] = (unsigned char)(i * 37 + 11);
	if ((rc = ss_crypto_alloc(&m->cx, e, sizeof e)) != SS_OK ||
	    (rc = ss_sslrec_keys_init(&m->k, &m->iv0, m->cipher, "hmac-sha1", block, sizeof block, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "cipher: %s", e);
		rc = SS_EINVAL;
		goto fail;
	}
	snprintf(dir, sizeof dir, "%s/crypto/profiles", ss_datadir());
	ss_time c1 = 0, c2 = 0;
	if ((rc = ss_profile_load_ref(dir, ss_params_string(p, "crypto_profile"), NULL, &m->cprof, e, sizeof e)) != SS_OK ||
	    (rc = ss_profile_cost_by_name(m->cprof, m->cipher, 16384, &c1, e, sizeof e)) != SS_OK ||
	    (rc = ss_profile_cost_by_name(m->cprof, "hmac-sha1", 16384, &c2, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "crypto_profile: %s", e);
		rc = SS_EINVAL;
		goto fail;
	}
	m->per_byte = (c1 + c2) / 16384;
	/* the writer's plaintext, and up, the client's records */
	rc = SS_ENOMEM;
	if (!(m->plain = malloc(m->bytes)))
		goto fail;
	for (uint32_t i = 0; i < m->bytes; i++)
		m->plain[i] = (unsigned char)(i * 131 + (i >> 9) * 7 + 3);
	m->got_cap = 2 * m->bytes + 65536;
	if (!(m->got = calloc(m->got_cap, 1)) || !(m->have = calloc(m->got_cap, 1)))
		goto fail;
	m->crd = m->iv0;
	if (m->dir == DIR_UP) {
		ss_sslrec_state w = m->iv0;
		m->nrec = nrec;
		if (!(m->rec_end = malloc(nrec * sizeof *m->rec_end)) ||
		    !(m->cw = malloc((size_t)nrec * (SS_SSLREC_HDR + 64) + m->bytes)))
			goto fail;
		for (uint32_t r = 0, off = 0; r < nrec; r++) {
			uint32_t len = m->bytes - r * m->record < m->record ? m->bytes - r * m->record : m->record;
			size_t out = 0;
			if (ss_sslrec_seal(m->cx, &m->k, &w, 23, m->plain + (size_t)r * m->record, len, m->cw + off,
					   ss_sslrec_size(&m->k, len), &out, e, sizeof e) != SS_OK) {
				ss_errbuf(err, errlen, "sealing the client's records: %s", e);
				rc = SS_EINVAL;
				goto fail;
			}
			off += (uint32_t)out;
			m->rec_end[r] = m->cw_len = off;
		}
	}
	if ((rc = ss_pktpool_alloc(&m->pool, 0)) != SS_OK)
		goto fail;
	ss_link_spec ls;
	if (ss_link_spec_ethernet(&ls, ss_params_real(p, "mbps") * 1e6, 1500) != SS_OK) {
		ss_errbuf(err, errlen, "mbps: not a valid Ethernet rate");
		rc = SS_EINVAL;
		goto fail;
	}
	ls.prop = ss_time_from_us(ss_params_real(p, "prop_us"));
	if ((rc = ss_segment_alloc(&m->ext, sim, "exterior", &ls, err, errlen)) != SS_OK ||
	    (rc = ss_segment_alloc(&m->in, sim, "interior", &ls, err, errlen)) != SS_OK)
		goto fail;
	m->st_client = ss_segment_attach(m->ext, client_rx, m);
	m->st_cext = ss_segment_attach(m->ext, cluster_rx, m);
	m->st_server = ss_segment_attach(m->in, server_rx, m);
	m->st_cint = ss_segment_attach(m->in, cluster_rx, m);
	/* The IAT estimator starts at a full segment's wire time. */
	ss_time iat0 = (ss_time)((double)ss_link_spec_wire_bytes(&ls, 1500) * 8 / (ss_params_real(p, "mbps") * 1e6) * SS_PS_PER_S);
	for (int i = 0; i < 2; i++) {
		node *n = &m->n[i];
		n->m = m;
		n->id = i;
		n->alive = 1;
		n->st_ext = ss_segment_attach(m->ext, node_rx, n);
		n->st_int = ss_segment_attach(m->in, node_rx, n);
		n->rd = n->wr = n->ms.rd = n->ms.wr = m->iv0;
		n->iat = iat0;
	}
	if (m->st_client < 0 || m->st_cext < 0 || m->st_server < 0 || m->st_cint < 0 || m->n[1].st_int < 0)
		goto fail;
	uint32_t win = (uint32_t)(ss_params_real(p, "window_kb") * 1024);
	ss_time rto = ss_time_from_us(ss_params_real(p, "rto_ms") * 1000);
	/* 4.3BSD's TCP everywhere (ASSUMPTION: the clients, the server and
	   AlchemyOS of 2001 as BSD-derived stacks), with the paper's timer. */
	ss_tcp_config_bsd43(&m->ccfg, MSS, win);
	m->ccfg.rto_min = m->ccfg.rto_init = rto;
	m->scfg = m->ncfg = m->ccfg;
	ss_tcp_hooks hc = {.ctx = m, .output = client_out, .readable = cl_readable, .writable = cl_writable};
	ss_tcp_hooks hs = {.ctx = m, .output = server_out, .readable = sv_readable, .writable = sv_writable};
	if ((rc = ss_tcp_alloc(&m->cl, sim, "client", &m->ccfg, m->pool, &hc, err, errlen)) != SS_OK ||
	    (rc = ss_tcp_alloc(&m->sv, sim, "server", &m->scfg, m->pool, &hs, err, errlen)) != SS_OK ||
	    (rc = node_engines(&m->n[0], err, errlen)) != SS_OK)
		goto fail;
	ss_tcp_connect_pair(m->cl, m->n[0].tc);
	ss_tcp_connect_pair(m->sv, m->n[0].ts);
	ss_tcp_set_appack(m->n[0].tc, 1);
	ss_tcp_set_appack(m->n[0].ts, 1);
	m->n[0].sock = 1;
	m->owner = 0;
	ss_sim_at(sim, 0, start_ev, m, 0);
	*state = m;
	return SS_OK;
fail:
	sr_destroy(m);
	return rc == SS_OK ? SS_EINVAL : rc;
}

/* The outcome is the connection's whole life: nothing to forget. */
static void sr_reset(void *st) { (void)st; }

static void put(ss_metrics *out, const char *name, double v)
{
	for (size_t i = 0; i < NMETRICS; i++)
		if (!strcmp(sr_metrics[i].name, name)) {
			ss_metrics_set(out, name, sr_metrics[i].unit, v);
			return;
		}
	ss_fatal(SS_LOC, "sslrelay: metric %s not in the table", name);
}

static void sr_collect(void *st, ss_metrics *out)
{
	model *m = st;
	ss_tcp_stats a, b;
	uint64_t dup = m->relay_dup, old = m->relay_old, fa = m->fwd_acks, fd = m->fwd_disc;
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 2; k++) {
			ss_tcp *t = k ? m->n[i].ts : m->n[i].tc;
			if (!t)
				continue;
			ss_tcp_stats_get(t, &a);
			dup += a.dupacks_in;
			old += a.old_acks;
			fa += a.fwd_acks;
			fd += a.fwd_discarded;
		}
	ss_tcp_stats_get(m->cl, &a);
	ss_tcp_stats_get(m->sv, &b);
	int bad = m->reset || m->mac_errors || m->corrupt;
	ss_time end = m->done && !bad ? m->t_done : ss_sim_now(m->sim); /* a failure: the run's end */
	uint64_t same = 0, diff = 0;
	if (m->dir == DIR_DOWN && m->restored) {
		node *r = &m->n[0], *mi = &m->n[1];
		for (uint32_t o = mi->mstart; o < r->out_len && o < mi->out_len; o++)
			if (r->out[o] == mi->out[o])
				same++;
			else
				diff++;
	}
	put(out, "completed", m->done && !bad ? 1 : 0);
	put(out, "reset", m->reset ? 1 : 0);
	put(out, "stalled", !m->done && !bad ? 1 : 0);
	put(out, "mac_errors", (double)m->mac_errors);
	put(out, "corrupt_bytes", (double)m->corrupt);
	put(out, "transfer_ms", ss_time_to_s(end) * 1e3);
	put(out, "takeover_ms", m->restored ? ss_time_to_s(m->t_restore - m->t_crash) * 1e3 : 0);
	put(out, "updates", (double)m->updates);
	put(out, "update_kb", (double)m->upd_bytes / 1024);
	put(out, "partial_acks", (double)m->partials);
	put(out, "mirror_lag", (double)m->lag_max);
	put(out, "retransmits", (double)(a.retrans + b.retrans));
	put(out, "dup_acks", (double)dup);
	put(out, "old_acks", (double)old);
	put(out, "fwd_acks", (double)fa);
	put(out, "fwd_discarded", (double)fd);
	put(out, "rsts", (double)m->rsts);
	put(out, "zeroth_same", (double)same);
	put(out, "zeroth_diff", (double)diff);
}

static double sr_progress(void *st) { return (double)((model *)st)->plain_ok; }

const ss_model_type ss_model_sslrelay = {
	.name = "sslrelay",
	.help = "one SSL connection's data through a clustered relay and its mirror, sequence numbers and record bytes exact (Rescorla et al. sec. 4.6-5.6)",
	.params = sr_params,
	.nparams = NPARAMS,
	.metrics = sr_metrics,
	.nmetrics = NMETRICS,
	.primary = "completed",
	.create = sr_create,
	.reset = sr_reset,
	.collect = sr_collect,
	.progress = sr_progress,
	.destroy = sr_destroy,
};
