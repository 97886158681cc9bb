/* The crypto framework (ss_cryptofw.h): sessions, the crypto thread,
   the drivers and the /dev/crypto path. */
#include "ss_cryptofw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_crypto.h"
#include "ss_err.h"
#include "ss_exec.h"
#include "ss_grow.h"

#define MAX_PRODUCERS 64

typedef struct producer {
	ss_coproc *card;           /* NULL: the software driver */
	const ss_profile *prof;    /* software: transform costs */
	int sessions;              /* active */
	ss_cryptofw_req *held, *held_tail; /* requests a full card refused, in order */
	uint64_t done;             /* completed in the window */
} producer;

typedef struct session {
	int producer;              /* -1: free slot */
	ss_coproc_alg calg;
	const ss_crypto_alg *alg;  /* NULL: the null algorithm */
} session;

struct ss_cryptofw {
	ss_sim *sim;
	ss_cpu_pool *cpu;
	ss_cryptofw_costs c;
	producer prod[MAX_PRODUCERS];
	int nprod, software;       /* software: its index, or -1 */
	session *sess;
	size_t nsess, capsess;
	/* The crypto thread and its queue. */
	ss_thread th;
	ss_cryptofw_req *cur;      /* the request in the thread's hands */
	ss_waitq th_wq;
	int th_sleeping;
	ss_cryptofw_req *q, *q_tail;
	uint64_t th_batch;         /* requests taken since the last wake-up */
	/* Completion interrupts (processor 0). */
	ss_thread irq_th;
	ss_cryptofw_req *done_q, *done_tail;
	int irq_running;
	/* Window. */
	uint64_t requests, bytes, wakeups, irqs, held, batches, batched;
	ss_tally latency;
};

static ss_time copy_time(const ss_cryptofw *fw, uint32_t bytes)
{
	return ss_time_from_s((double)bytes / fw->c.copy_Bps);
}

int ss_cryptofw_alloc(ss_cryptofw **out, ss_sim *sim, ss_cpu_pool *cpu, const ss_cryptofw_costs *c, char *err,
		      size_t errlen)
{
	*out = NULL;
	if (!sim || !cpu || !c) {
		ss_errbuf(err, errlen, "crypto framework: missing simulator, processors or costs");
		return SS_EINVAL;
	}
	const ss_time t[] = {c->syscall, c->validate, c->dispatch, c->wakeup, c->thread, c->driver, c->irq, c->done};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i] < 0) {
			ss_errbuf(err, errlen, "crypto framework: a cost is negative");
			return SS_EINVAL;
		}
	if (!(c->copy_Bps > 0) || !isfinite(c->copy_Bps)) {
		ss_errbuf(err, errlen, "crypto framework: the copy rate must be a positive number");
		return SS_EINVAL;
	}
	ss_cryptofw *fw = calloc(1, sizeof *fw);
	if (!fw)
		return SS_ENOMEM;
	fw->sim = sim;
	fw->cpu = cpu;
	fw->c = *c;
	fw->software = -1;
	ss_thread_init(&fw->th, 0x30000u);
	ss_thread_set_mode(&fw->th, SS_CPU_MODE_SYSTEM);
	ss_waitq_init(&fw->th_wq, sim);
	ss_thread_init(&fw->irq_th, 0x30001u);
	ss_thread_set_level(&fw->irq_th, SS_CPU_LEVEL_IRQ);
	ss_thread_set_affinity(&fw->irq_th, 0);
	ss_tally_reset(&fw->latency);
	*out = fw;
	return SS_OK;
}

static void thread_start(ss_sim *sim, void *ctx, uint64_t arg);

void ss_cryptofw_free(ss_cryptofw *fw)
{
	if (!fw)
		return;
	free(fw->sess);
	free(fw);
}

static int add_producer(ss_cryptofw *fw, ss_coproc *card, const ss_profile *prof)
{
	if (fw->nprod == MAX_PRODUCERS)
		return -SS_EINVAL;
	producer *p = &fw->prod[fw->nprod];
	memset(p, 0, sizeof *p);
	p->card = card;
	p->prof = prof;
	/* The crypto thread starts with the first producer: it sleeps on its
	   queue until a request comes. */
	if (fw->nprod == 0)
		ss_cpu_acquire(fw->cpu, &fw->th, thread_start, fw, 0);
	return fw->nprod++;
}

int ss_cryptofw_add_card(ss_cryptofw *fw, ss_coproc *card)
{
	return card ? add_producer(fw, card, NULL) : -SS_EINVAL;
}

int ss_cryptofw_add_software(ss_cryptofw *fw, const ss_profile *prof)
{
	if (fw->software >= 0)
		return -SS_EINVAL;
	int i = add_producer(fw, NULL, prof);
	if (i >= 0)
		fw->software = i;
	return i;
}

int ss_cryptofw_producers(const ss_cryptofw *fw) { return fw->nprod; }

static int supports(const ss_cryptofw *fw, int p, ss_coproc_alg calg, const ss_crypto_alg *alg)
{
	const producer *pr = &fw->prod[p];
	if (pr->card)
		return ss_coproc_supports(pr->card, calg);
	return !alg || (pr->prof && ss_profile_has(pr->prof, alg));
}

int ss_cryptofw_newsession(ss_cryptofw *fw, const char *name, int *sid, char *err, size_t errlen)
{
	ss_coproc_alg calg;
	const ss_crypto_alg *alg = NULL;
	if (!name || ss_coproc_alg_of(name, &calg) != SS_OK) {
		ss_errbuf(err, errlen, "crypto framework: no producer knows algorithm '%s' (null, des-cbc, 3des-cbc, "
				       "aes*, md5, sha1, hmac-md5*, hmac-sha1*)", name ? name : "(none)");
		return SS_ENOENT;
	}
	if (calg != SS_COPROC_NULL && ss_crypto_alg_find(name, &alg, err, errlen) != SS_OK)
		return SS_ENOENT;
	/* Hardware first, the least-loaded card; software only as fallback. */
	int best = -1;
	for (int p = 0; p < fw->nprod; p++)
		if (fw->prod[p].card && supports(fw, p, calg, alg) &&
		    (best < 0 || fw->prod[p].sessions < fw->prod[best].sessions))
			best = p;
	if (best < 0 && fw->software >= 0 && supports(fw, fw->software, calg, alg))
		best = fw->software;
	if (best < 0) {
		ss_errbuf(err, errlen, "crypto framework: no producer supports '%s'%s", name,
			  fw->software >= 0 ? " (the software driver's profile has no cost for it)" : "");
		return SS_ENOENT;
	}
	size_t slot = fw->nsess;
	for (size_t i = 0; i < fw->nsess; i++)
		if (fw->sess[i].producer < 0) {
			slot = i;
			break;
		}
	if (slot == fw->nsess) {
		if (ss_grow(&fw->sess, &fw->capsess, fw->nsess + 1, sizeof *fw->sess, 16))
			return SS_ENOMEM;
		fw->nsess++;
	}
	fw->sess[slot] = (session){.producer = best, .calg = calg, .alg = alg};
	fw->prod[best].sessions++;
	*sid = (int)slot;
	return SS_OK;
}

static const session *sess_of(const ss_cryptofw *fw, int sid)
{
	if (sid < 0 || (size_t)sid >= fw->nsess || fw->sess[sid].producer < 0)
		ss_fatal(SS_LOC, "crypto framework: no session %d", sid);
	return &fw->sess[sid];
}

void ss_cryptofw_freesession(ss_cryptofw *fw, int sid)
{
	const session *s = sess_of(fw, sid);
	fw->prod[s->producer].sessions--;
	fw->sess[sid].producer = -1;
}

int ss_cryptofw_session_producer(const ss_cryptofw *fw, int sid) { return sess_of(fw, sid)->producer; }
int ss_cryptofw_producer_is_card(const ss_cryptofw *fw, int p) { return p >= 0 && p < fw->nprod && fw->prod[p].card; }
int ss_cryptofw_producer_sessions(const ss_cryptofw *fw, int p)
{
	return p >= 0 && p < fw->nprod ? fw->prod[p].sessions : 0;
}

/* ---- completion: wake the process, which copies out and returns ---- */

static void returned(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_cryptofw_req *r = ctx;
	ss_cryptofw *fw = r->fw;
	fw->requests++;
	fw->bytes += r->bytes;
	ss_tally_add(&fw->latency, ss_time_to_s(ss_sim_now(sim) - r->t_start));
	ss_thread_set_mode(r->t, SS_CPU_MODE_USER);
	r->k(sim, r->ctx, r->bytes);
}

static void woken(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_cryptofw_req *r = ctx;
	ss_cpu_compute(r->fw->cpu, r->t, copy_time(r->fw, r->bytes), SS_CRYPTOFW_TAG_COPY, returned, r, 0);
}

/* crypto_done's callback: the sleeper is woken (its cost was charged by
   the caller); a request that completes before its process slept (a
   processor of its own ran the whole path) is marked and not waited for. */
static void finish(ss_cryptofw_req *r)
{
	ss_cryptofw *fw = r->fw;
	r->done = 1;
	if (r->exec)
		r->exec_rc = ss_exec_apply(r->exec, r->buf, r->cap, r->len, r->seq, &r->out_len);
	fw->prod[sess_of(fw, r->sid)->producer].done++;
	if (r->t) {
		ss_waitq_wake_one(&r->wq);
		return;
	}
	fw->requests++;
	fw->bytes += r->bytes;
	ss_tally_add(&fw->latency, ss_time_to_s(ss_sim_now(fw->sim) - r->t_start));
	r->k(fw->sim, r->ctx, r->bytes);
}

/* The completion work of r where it completes: crypto_done, then the
   wake-up of a process or a kernel consumer's callback. */
static ss_time completion_cost(const ss_cryptofw *fw, const ss_cryptofw_req *r)
{
	return fw->c.done + (r->t ? fw->c.wakeup : r->cb);
}

/* ---- the crypto thread ---- */

static void thread_loop(ss_sim *sim, void *ctx, uint64_t arg);

static void thread_start(ss_sim *sim, void *ctx, uint64_t arg)
{
	thread_loop(sim, ctx, arg);
}

static void thread_woken(ss_sim *sim, void *ctx, uint64_t arg)
{
	ss_cryptofw *fw = ctx;
	fw->th_sleeping = 0;
	thread_loop(sim, ctx, arg);
}

/* Software transform done, on the crypto thread: crypto_done + wake-up. */
static void sw_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_cryptofw *fw = ctx;
	finish(fw->cur);
	thread_loop(sim, fw, 0);
}

static void card_completed(ss_sim *sim, void *ctx, uint64_t arg);

/* The driver's work is done: hand the request to the card. */
static void driver_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	ss_cryptofw *fw = ctx;
	ss_cryptofw_req *r = fw->cur;
	producer *p = &fw->prod[sess_of(fw, r->sid)->producer];
	r->card = (ss_coproc_req){.alg = sess_of(fw, r->sid)->calg, .in_bytes = r->bytes, .out_bytes = r->bytes,
				  .k = card_completed, .ctx = r};
	const session *s = sess_of(fw, r->sid);
	if (s->alg && (s->alg->kind == SS_CRYPTO_HASH || s->alg->kind == SS_CRYPTO_MAC))
		r->card.out_bytes = (uint32_t)s->alg->out_size;
	int rc = ss_coproc_submit(p->card, &r->card);
	if (rc == SS_EBUSY) {
		/* The card is full: the driver keeps it until a completion. */
		fw->held++;
		r->next = NULL;
		if (p->held_tail)
			p->held_tail->next = r;
		else
			p->held = r;
		p->held_tail = r;
	} else if (rc != SS_OK) {
		ss_fatal(SS_LOC, "crypto framework: a card refused a request of its own session");
	}
	thread_loop(sim, fw, 0);
}

static void thread_take(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_cryptofw *fw = ctx;
	ss_cryptofw_req *r = fw->cur;
	const session *s = sess_of(fw, r->sid);
	const producer *p = &fw->prod[s->producer];
	if (p->card) {
		ss_cpu_compute(fw->cpu, &fw->th, fw->c.driver, SS_CRYPTOFW_TAG_DRIVER, driver_done, fw, 0);
		return;
	}
	ss_time d = 0;
	if (s->alg && ss_profile_cost(p->prof, s->alg, r->bytes, &d) != SS_OK)
		ss_fatal(SS_LOC, "crypto framework: the software profile lost a cost");
	/* The transform, then crypto_done and the wake-up of the process. */
	ss_cpu_compute(fw->cpu, &fw->th, d + completion_cost(fw, r), SS_CRYPTOFW_TAG_CRYPTO, sw_done, fw, 0);
}

static void thread_loop(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_cryptofw *fw = ctx;
	ss_cryptofw_req *r = fw->q;
	if (!r) {
		if (fw->th_batch) {
			fw->batches++;
			fw->batched += fw->th_batch;
			fw->th_batch = 0;
		}
		fw->th_sleeping = 1;
		ss_waitq_wait(&fw->th_wq, &fw->th, thread_woken, fw, 0);
		return;
	}
	fw->q = r->next;
	if (!fw->q)
		fw->q_tail = NULL;
	fw->th_batch++;
	fw->cur = r;
	ss_cpu_compute(fw->cpu, &fw->th, fw->c.thread, SS_CRYPTOFW_TAG_PATH, thread_take, fw, 0);
}

/* Queues r for the crypto thread (at the tail, or at the head for a
   request a card sent back); 1 when the thread sleeps and must be woken. */
static int enqueue(ss_cryptofw *fw, ss_cryptofw_req *r, int front)
{
	if (front) {
		r->next = fw->q;
		fw->q = r;
		if (!fw->q_tail)
			fw->q_tail = r;
	} else {
		r->next = NULL;
		if (fw->q_tail)
			fw->q_tail->next = r;
		else
			fw->q = r;
		fw->q_tail = r;
	}
	return fw->th_sleeping && ss_waitq_len(&fw->th_wq) > 0;
}

static void wake_thread(ss_cryptofw *fw)
{
	if (fw->th_sleeping && ss_waitq_wake_one(&fw->th_wq)) {
		fw->th_sleeping = 0;
		fw->wakeups++;
	}
}

/* ---- completion interrupts ---- */

static void irq_go(ss_sim *sim, void *ctx, uint64_t arg);

static void irq_handled(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	ss_cryptofw *fw = ctx;
	/* arg requests were handled: finish them (the first arg of done_q). */
	int requeued = 0;
	for (uint64_t i = 0; i < arg; i++) {
		ss_cryptofw_req *r = fw->done_q;
		fw->done_q = r->next;
		if (!fw->done_q)
			fw->done_tail = NULL;
		finish(r);
		/* A slot is free on r's card: the driver's held requests go back
		   to the crypto thread (crypto_unblock). */
		producer *p = &fw->prod[sess_of(fw, r->sid)->producer];
		if (p->held) {
			ss_cryptofw_req *h = p->held;
			p->held = h->next;
			if (!p->held)
				p->held_tail = NULL;
			enqueue(fw, h, 1);
			requeued = 1;
		}
	}
	if (requeued)
		wake_thread(fw);
	if (fw->done_q) {
		irq_go(sim, fw, 0);
		return;
	}
	fw->irq_running = 0;
	ss_cpu_release(fw->cpu, &fw->irq_th);
}

static void irq_go(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_cryptofw *fw = ctx;
	uint64_t n = 0;
	ss_time d = fw->c.irq;
	/* The handler drains every completion pending now: entry once, then
	   per request the clean-up, crypto_done and the wake-up (or the
	   kernel consumer's callback). */
	for (ss_cryptofw_req *r = fw->done_q; r; r = r->next) {
		n++;
		d += completion_cost(fw, r);
	}
	fw->irqs++;
	ss_cpu_compute(fw->cpu, &fw->irq_th, d, SS_CRYPTOFW_TAG_DRIVER, irq_handled, fw, n);
}

static void card_completed(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_cryptofw_req *r = ctx;
	ss_cryptofw *fw = r->fw;
	r->next = NULL;
	if (fw->done_tail)
		fw->done_tail->next = r;
	else
		fw->done_q = r;
	fw->done_tail = r;
	if (!fw->irq_running) {
		fw->irq_running = 1;
		ss_cpu_acquire(fw->cpu, &fw->irq_th, irq_go, fw, 0);
	}
}

/* ---- the ioctl ---- */

static void submitted(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_cryptofw_req *r = ctx;
	ss_cryptofw *fw = r->fw;
	if (enqueue(fw, r, 0))
		wake_thread(fw);
	if (r->done) /* cannot happen before the thread ran; kept for safety */
		woken(sim, r, 0);
	else
		ss_waitq_wait(&r->wq, r->t, woken, r, 0);
}

static void copied_in(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_cryptofw_req *r = ctx;
	ss_cryptofw *fw = r->fw;
	ss_time d = fw->c.dispatch + (fw->th_sleeping ? fw->c.wakeup : 0);
	ss_cpu_compute(fw->cpu, r->t, d, SS_CRYPTOFW_TAG_PATH, submitted, r, 0);
}

static void copied_in_start(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_cryptofw_req *r = ctx;
	ss_cpu_compute(r->fw->cpu, r->t, copy_time(r->fw, r->bytes), SS_CRYPTOFW_TAG_COPY, copied_in, r, 0);
}

void ss_cryptofw_ioctl(ss_cryptofw *fw, int sid, ss_thread *t, uint32_t bytes, ss_cryptofw_req *r, ss_handler k,
		       void *ctx)
{
	(void)sess_of(fw, sid);
	if (bytes == 0 || !k)
		ss_fatal(SS_LOC, "crypto framework: an ioctl needs bytes and a continuation");
	r->fw = fw;
	r->t = t;
	r->k = k;
	r->ctx = ctx;
	r->bytes = bytes;
	r->sid = sid;
	r->done = 0;
	r->next = NULL;
	r->t_start = ss_sim_now(fw->sim);
	r->cb = 0;
	ss_waitq_init(&r->wq, fw->sim);
	ss_thread_set_mode(t, SS_CPU_MODE_SYSTEM);
	/* System call and checks, the copy in, then dispatch with the wake-up
	   of the crypto thread when it sleeps. */
	ss_cpu_compute(fw->cpu, t, fw->c.syscall + fw->c.validate, SS_CRYPTOFW_TAG_PATH, copied_in_start, r, 0);
}

void ss_cryptofw_dispatch(ss_cryptofw *fw, int sid, uint32_t bytes, ss_time cb, ss_cryptofw_req *r, ss_handler k,
			  void *ctx)
{
	(void)sess_of(fw, sid);
	if (!k || cb < 0)
		ss_fatal(SS_LOC, "crypto framework: a kernel request needs a callback");
	*r = (ss_cryptofw_req){.fw = fw, .k = k, .ctx = ctx, .bytes = bytes, .sid = sid, .cb = cb,
			       .t_start = ss_sim_now(fw->sim)};
	if (enqueue(fw, r, 0))
		wake_thread(fw);
}

int ss_cryptofw_thread_sleeping(const ss_cryptofw *fw) { return fw->th_sleeping; }
const ss_cryptofw_costs *ss_cryptofw_costs_of(const ss_cryptofw *fw) { return &fw->c; }

/* ---- statistics ---- */

void ss_cryptofw_stats_get(const ss_cryptofw *fw, ss_cryptofw_stats *s)
{
	*s = (ss_cryptofw_stats){
		.requests = fw->requests,
		.bytes = fw->bytes,
		.thread_wakeups = fw->wakeups,
		.interrupts = fw->irqs,
		.held = fw->held,
		.mean_latency_us = ss_tally_mean(&fw->latency) * 1e6,
		.thread_batch = fw->batches ? (double)fw->batched / (double)fw->batches : 0,
	};
}

void ss_cryptofw_reset(ss_cryptofw *fw)
{
	fw->requests = fw->bytes = fw->wakeups = fw->irqs = fw->held = fw->batches = fw->batched = 0;
	ss_tally_reset(&fw->latency);
	for (int p = 0; p < fw->nprod; p++)
		fw->prod[p].done = 0;
}

uint64_t ss_cryptofw_producer_requests(const ss_cryptofw *fw, int p)
{
	return p >= 0 && p < fw->nprod ? fw->prod[p].done : 0;
}
