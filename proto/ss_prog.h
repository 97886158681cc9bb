/* Protocol cost programs and their interpreter.

   A program is the work one packet costs on its way through a stack: a
   growable sequence of steps that layer types contribute
   (ss_layer_build) and host models complete (drivers, devices). The
   interpreter runs a program for a thread holding a processor of a pool,
   step after step, as event continuations:

     compute   CPU time with an accounting tag (cost variation optional)
     mem       memory traffic over a bus; the processor stalls meanwhile
     lock      acquire / release the lock of a state slot
     migrate   a state slot's data comes into this processor's cache when
               another processor held it last (a transfer over a bus)
     exec      an execute-mode transform (the host's callback; no time)
   and steps whose behaviour the host supplies through its device
   callback (the interpreter only sequences them):
     dma       bytes over an I/O bus
     offload   bytes to a device (a crypto card), waiting for it
     put, get  a queue
     send      bytes on a link
     wait      a timer (the interpreter sleeps the thread by itself when
               the host gives no device callback)

   State slots, transforms, devices, queues and links are small integers
   the host gives meaning to; buses are slots of the environment. */
#ifndef SS_PROG_H
#define SS_PROG_H

#include <stddef.h>

#include "ss_bus.h"
#include "ss_cpu.h"
#include "ss_err.h"
#include "ss_lock.h"
#include "ss_sim.h"

typedef enum ss_prog_kind {
	SS_PROG_COMPUTE,
	SS_PROG_MEM,
	SS_PROG_LOCK,
	SS_PROG_UNLOCK,
	SS_PROG_MIGRATE,
	SS_PROG_EXEC,
	/* Host-supplied behaviour. */
	SS_PROG_DMA,
	SS_PROG_OFFLOAD,
	SS_PROG_PUT,
	SS_PROG_GET,
	SS_PROG_SEND,
	SS_PROG_WAIT,
	SS_PROG_NKINDS
} ss_prog_kind;

/* "compute", "mem", "lock", ... */
const char *ss_prog_kind_name(ss_prog_kind k);

typedef struct ss_prog_step {
	ss_prog_kind kind;
	int tag;          /* COMPUTE: accounting tag (ss_cpu.h, 0..SS_CPU_TAG_USER_MAX) */
	int slot;         /* LOCK, UNLOCK, MIGRATE: state slot; EXEC: transform;
			     DMA, OFFLOAD, PUT, GET, SEND: the host's device, queue or link */
	int bus;          /* MEM, MIGRATE: bus slot of the environment */
	ss_time dur;      /* COMPUTE, WAIT */
	double bytes;     /* MEM, MIGRATE, DMA, OFFLOAD, PUT, GET, SEND */
	const char *what; /* the activity, for traces (LOCK: the wait) */
} ss_prog_step;

/* ---------------- programs ---------------- */

typedef struct ss_prog ss_prog;

int ss_prog_alloc(ss_prog **out); /* SS_OK or SS_ENOMEM */
void ss_prog_free(ss_prog *p);    /* NULL is a no-op */

/* Appends a copy of a step. SS_OK; SS_EINVAL for a kind, tag or slot out
   of range (a negative slot, a negative duration or byte count);
   SS_ENOMEM. A failed append also sticks to the program
   (ss_prog_status), so a builder may check once at the end. */
int ss_prog_add(ss_prog *p, const ss_prog_step *s);
int ss_prog_status(const ss_prog *p);

/* Shorthands for ss_prog_add. compute and mem add nothing for a zero
   duration or byte count. */
int ss_prog_compute(ss_prog *p, ss_time d, int tag, const char *what);
int ss_prog_mem(ss_prog *p, int bus, double bytes, const char *what);
int ss_prog_lock(ss_prog *p, int slot, const char *what);
int ss_prog_unlock(ss_prog *p, int slot);
int ss_prog_migrate(ss_prog *p, int slot, int bus, double bytes);
int ss_prog_exec(ss_prog *p, int slot);
int ss_prog_dma(ss_prog *p, int iobus, double bytes, const char *what);
int ss_prog_offload(ss_prog *p, int device, double bytes, const char *what);
int ss_prog_put(ss_prog *p, int queue, double bytes, const char *what);
int ss_prog_get(ss_prog *p, int queue, const char *what);
int ss_prog_send(ss_prog *p, int link, double bytes, const char *what);
int ss_prog_wait(ss_prog *p, ss_time d, const char *what);

/* Work of `us` alone on one processor, `bytes` of it memory traffic at
   `cap` bytes/ps: the memory step first, then the rest as compute. When
   the traffic alone takes longer (a fast CPU on a slow memory), the work
   is memory-bound: it takes its memory time and computes nothing. */
int ss_prog_work(ss_prog *p, const char *what, double us, double bytes, int bus, double cap, int tag);

/* A label the program keeps (freed with it), for steps' `what`: NULL
   when out of memory (and the program's status says so). */
const char *ss_prog_label(ss_prog *p, const char *fmt, ...) SS_PRINTF(2, 3);

size_t ss_prog_len(const ss_prog *p);
const ss_prog_step *ss_prog_at(const ss_prog *p, size_t i); /* NULL past the end */
/* Sum of the compute steps' durations (before any variation). */
ss_time ss_prog_compute_time(const ss_prog *p);
/* The same, of the compute steps with accounting tag `tag` only. */
ss_time ss_prog_compute_tag(const ss_prog *p, int tag);

/* ---------------- the interpreter ---------------- */

/* Shared state under a lock, and the processor whose cache holds it
   (-1: none yet). Host-owned; the interpreter updates cpu on MIGRATE. */
typedef struct ss_prog_state {
	ss_lock *lock;
	int cpu;
} ss_prog_state;

typedef struct ss_prog_thread ss_prog_thread;

/* What a host model supplies: named-field initialise it. */
typedef struct ss_prog_host {
	ss_cpu_pool *cpu;  /* the pool whose processors the threads hold */
	/* Each compute step's duration d becomes d * max(0, 1 + cost_cv * N(0,1))
	   with draws from rng (cost_cv 0 or rng NULL: exact). */
	ss_rng *rng;
	double cost_cv;
	void *ud;          /* passed to the callbacks */
	/* The state behind a slot for this thread (LOCK, UNLOCK, MIGRATE):
	   required when a program has such steps. */
	ss_prog_state *(*state)(void *ud, ss_prog_thread *t, int slot);
	/* EXEC steps (may be NULL: they are skipped). */
	void (*exec)(void *ud, ss_prog_thread *t, int slot);
	/* Starts a host step (DMA, OFFLOAD, PUT, GET, SEND, and WAIT when
	   set); when it completes, the host makes ss_prog_next run for the
	   thread (as the handler of its completion event). */
	void (*device)(void *ud, ss_prog_thread *t, const ss_prog_step *s);
	/* The program has ended for t (required). */
	void (*done)(void *ud, ss_prog_thread *t);
} ss_prog_host;

/* Where a run's time went, summed over threads in ps, since the last
   ss_prog_env_reset. */
typedef struct ss_prog_ledger {
	double compute[SS_CPU_NTAGS]; /* compute steps by tag, after variation */
	double memory;    /* memory steps, the part the transfer takes alone */
	double bus_wait;  /* memory steps, waiting for the bus beyond that */
	double migrate;   /* state moving between caches (MIGRATE steps, reloads) */
	double lock_wait; /* LOCK steps */
	double device;    /* host steps */
} ss_prog_ledger;

/* The binding of programs to a host: its processors, buses and callbacks. */
typedef struct ss_prog_env ss_prog_env;

/* SS_OK; SS_EINVAL (message in err) when sim, host, host->cpu or
   host->done is missing or cost_cv is negative; SS_ENOMEM. */
int ss_prog_env_alloc(ss_prog_env **out, ss_sim *sim, const ss_prog_host *host, char *err, size_t errlen);
void ss_prog_env_free(ss_prog_env *e); /* NULL is a no-op */
/* Adds a bus for MEM and MIGRATE steps: `cap` is the bytes per ps one
   processor moves over it alone (the own time of a transfer is
   bytes / cap; the rest is bus wait). Sets *slot (0, 1, ...). */
int ss_prog_env_bus(ss_prog_env *e, ss_bus *bus, double cap, int *slot);

/* Called for every interval a thread spends on one activity (a compute
   step's `what`, "memory", "state migration", a lock step's `what` for
   the wait, a host step's `what`), when it is not empty; `what` lasts as
   long as the program (copy it to keep it longer). NULL: none. */
typedef void (*ss_prog_trace_fn)(void *ud, ss_prog_thread *t, ss_time start, ss_time end, const char *what);
void ss_prog_env_set_trace(ss_prog_env *e, ss_prog_trace_fn fn, void *ud);

const ss_prog_ledger *ss_prog_env_ledger(const ss_prog_env *e);
void ss_prog_env_reset(ss_prog_env *e); /* zeroes the ledger: a new window */

/* A thread that runs programs. Caller-owned storage: embed it (first, if
   the callbacks are to cast back to the host's own thread type). */
struct ss_prog_thread {
	ss_thread th;        /* the host acquires and releases its processor */
	/* The interpreter's; read-only for the host. */
	ss_prog_env *env;
	const ss_prog *prog;
	size_t pc;           /* step under way */
	int reloading;       /* the reload before the program is under way */
	int bus;             /* bus of the transfer under way */
	double xfer;         /* its bytes */
	ss_time mark;        /* when the step under way began */
};

void ss_prog_thread_init(ss_prog_thread *t, ss_prog_env *e, uint32_t id);
/* Runs p for t, which holds a processor: first `reload` bytes of state
   come back into its cache over bus slot `bus` (after a context switch
   or a change of connection; 0: none), then the steps; host.done is
   called at the end. */
void ss_prog_start(ss_prog_thread *t, const ss_prog *p, int bus, double reload);
/* Ends the host step under way and runs on (an ss_handler: ctx is the
   ss_prog_thread). */
void ss_prog_next(ss_sim *sim, void *thread, uint64_t unused);

#endif
