/* A host's crypto framework, as the OpenBSD Cryptographic Framework
   (Keromytis, Wright and de Raadt, USENIX 2003) has it: producers
   (hardware drivers, each over a coprocessor, and the software
   pseudo-driver) register with it; a consumer opens a session for an
   algorithm and the framework binds the session to a producer; requests
   go through one kernel crypto thread to the session's producer; a
   card's completion interrupt finishes them.

   Sessions: a new session goes to the hardware producer that supports
   its algorithm and has the fewest active sessions (ties: the first
   registered); the software driver takes it only when no card supports
   the algorithm (OCF-C20: "selecting the least-loaded one"; all
   producers "considered equal, in terms of performance"; a chain no card
   has goes to "the software pseudo-driver"). No balancing per request.

   The user path, /dev/crypto's CIOCCRYPT ioctl, as the paper walks
   through it (OCF-C8, C9): in the calling process (system mode) the
   system call, argument validation and request set-up, the copy of the
   data into the kernel, crypto_dispatch (the queue, and the wake-up of
   the crypto thread when it sleeps); the process then sleeps. The crypto
   thread (a kernel thread) takes queued requests one after another while
   any are queued ("a flurry of activity"): per request its own cost, then
   the software transform on the CPU (the crypto cost profile's cost; the
   null algorithm costs nothing) or the hardware driver's work and the
   submission to the card. A card that is full (its queue depth) keeps
   the request with the driver until a completion frees a slot. The
   card's completion raises an interrupt on processor 0: the handler's
   entry cost, then per completed request the driver's clean-up and
   crypto_done's callback, which wakes the process (the handler takes
   every completion pending when it runs, as a driver drains its
   descriptor ring). The woken process queues for a processor (the
   pool's context switch is charged when it gets one), copies the result
   out and returns. Every cost is a parameter with its source (the
   host profile); the scheduler's context switches are the CPU pool's.

   Time is charged from costs; in execute mode (a request with an
   ss_exec transform, crypto/ss_exec.h) the producer's output is also the
   real transform of the request's bytes, for the caller to verify.
   Caller-owned; free it before the simulator. */
#ifndef SS_CRYPTOFW_H
#define SS_CRYPTOFW_H

#include <stddef.h>
#include <stdint.h>

#include "ss_coproc.h"
#include "ss_cpu.h"
#include "ss_profile.h"
#include "ss_sim.h"
#include "ss_stats.h"
#include "ss_wait.h"

typedef struct ss_cryptofw_costs {
	ss_time syscall;   /* trap entry and exit of the ioctl */
	ss_time validate;  /* cryptodev: argument checks, session lookup, request and descriptor set-up */
	double copy_Bps;   /* copyin and copyout, bytes per second (> 0) */
	ss_time dispatch;  /* crypto_dispatch: queue the request */
	ss_time wakeup;    /* wakeup() of a sleeping thread, charged to the waker */
	ss_time thread;    /* the crypto thread, per request it takes off the queue */
	ss_time driver;    /* a hardware driver, per request (descriptors, PCI register writes) */
	ss_time irq;       /* a completion interrupt: entry, cause read, exit */
	ss_time done;      /* per completed request: driver clean-up, crypto_done, callback */
} ss_cryptofw_costs;

/* CPU tags the framework charges (busy time by kind in reports). */
enum { SS_CRYPTOFW_TAG_PATH = 0,   /* system call, validation, dispatch, wake-ups, crypto thread */
       SS_CRYPTOFW_TAG_COPY = 1,   /* copies between user and kernel */
       SS_CRYPTOFW_TAG_CRYPTO = 2, /* software transforms */
       SS_CRYPTOFW_TAG_DRIVER = 3  /* hardware driver and completion interrupts */
};

typedef struct ss_cryptofw ss_cryptofw;

/* A request's storage, the caller's (one per outstanding request),
   untouched by the caller from the call until k runs. */
typedef struct ss_cryptofw_req {
	/* The framework's. */
	struct ss_cryptofw_req *next;
	ss_cryptofw *fw;
	ss_thread *t;
	ss_waitq wq;
	ss_coproc_req card;
	ss_handler k;
	void *ctx;
	uint32_t bytes;
	int sid;
	int done;
	ss_time t_start;
	ss_time cb;       /* kernel request: the callback's own CPU cost */
	/* Execute mode, ioctl only (the caller sets these before the call and
	   keeps them; exec NULL: costs only): the producer's output is the
	   real transform (ss_exec_apply) of the len bytes at buf (capacity
	   cap, the transform's headroom before them), applied when the
	   request completes, with its status in exec_rc and the output's
	   length in out_len. */
	struct ss_exec *exec;
	unsigned char *buf;
	size_t cap, len, out_len;
	uint64_t seq;
	int exec_rc;
} ss_cryptofw_req;

/* The framework on pool `cpu` (borrowed), with `costs`. SS_EINVAL (a
   cost that is negative, a copy rate that is not positive), SS_ENOMEM. */
int ss_cryptofw_alloc(ss_cryptofw **out, ss_sim *sim, ss_cpu_pool *cpu, const ss_cryptofw_costs *costs,
		      char *err, size_t errlen);
void ss_cryptofw_free(ss_cryptofw *fw); /* NULL is a no-op */

/* Producers, in the order they register (at most 64). A card (borrowed;
   a simulator resource). The software driver prices each transform with
   profile `prof` (borrowed; NULL: only the null algorithm). Returns the
   producer's index, or a negative SS_ code (SS_EINVAL: too many, a
   second software driver). */
int ss_cryptofw_add_card(ss_cryptofw *fw, ss_coproc *card);
int ss_cryptofw_add_software(ss_cryptofw *fw, const ss_profile *prof);
int ss_cryptofw_producers(const ss_cryptofw *fw);

/* A session for algorithm `alg` (a crypto registry name: "3des-cbc",
   "des-cbc", "aes128-cbc", "hmac-sha1-96", "null"), bound as the head
   comment says; *sid is its handle. SS_ENOENT (no producer supports it;
   err says which algorithm), SS_ENOMEM. */
int ss_cryptofw_newsession(ss_cryptofw *fw, const char *alg, int *sid, char *err, size_t errlen);
void ss_cryptofw_freesession(ss_cryptofw *fw, int sid);
/* The producer a session is bound to, and whether it is a card. */
int ss_cryptofw_session_producer(const ss_cryptofw *fw, int sid);
int ss_cryptofw_producer_is_card(const ss_cryptofw *fw, int producer);
int ss_cryptofw_producer_sessions(const ss_cryptofw *fw, int producer); /* active sessions */

/* /dev/crypto CIOCCRYPT on `bytes` (> 0) bytes of session sid, made by
   process-level thread t holding a processor of the framework's pool;
   k(sim, ctx, bytes) when the call returns, t holding a processor again. */
void ss_cryptofw_ioctl(ss_cryptofw *fw, int sid, ss_thread *t, uint32_t bytes, ss_cryptofw_req *r,
		       ss_handler k, void *ctx);

/* A kernel consumer's request (IPsec output): crypto_dispatch from the
   caller's context, which has already paid `dispatch` (and `wakeup`
   when ss_cryptofw_thread_sleeping said so); no system call, no copy.
   The callback k(sim, ctx, bytes) runs where the request completes (the
   completion interrupt for a card, the crypto thread for software),
   which is charged cb for it (ip_output and the NIC driver, say) before
   k runs; k must not block. */
void ss_cryptofw_dispatch(ss_cryptofw *fw, int sid, uint32_t bytes, ss_time cb, ss_cryptofw_req *r, ss_handler k,
			  void *ctx);
int ss_cryptofw_thread_sleeping(const ss_cryptofw *fw);
const ss_cryptofw_costs *ss_cryptofw_costs_of(const ss_cryptofw *fw);

/* Statistics window (ss_cryptofw_reset starts one). */
typedef struct ss_cryptofw_stats {
	uint64_t requests;       /* completed */
	uint64_t bytes;          /* their bytes */
	uint64_t thread_wakeups; /* the crypto thread woken from sleep */
	uint64_t interrupts;     /* completion interrupt handler runs */
	uint64_t held;           /* requests a full card sent back to the driver's queue */
	double mean_latency_us;  /* ioctl entry to return */
	double thread_batch;     /* mean requests the crypto thread took per wake-up */
} ss_cryptofw_stats;
void ss_cryptofw_stats_get(const ss_cryptofw *fw, ss_cryptofw_stats *s);
void ss_cryptofw_reset(ss_cryptofw *fw);
/* Requests producer p completed in the window. */
uint64_t ss_cryptofw_producer_requests(const ss_cryptofw *fw, int p);

#endif
