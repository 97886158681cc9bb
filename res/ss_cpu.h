/* Processor pool: N identical processors, a shared FIFO run queue and
   one per processor (affinity), a context-switch cost, execution
   contexts as Linux 2.6 has them (hard IRQ preempts softirq, softirq
   preempts process context), and busy time split by activity tag and
   by /proc/stat state (user, system, softirq, irq, idle). */
#ifndef SS_CPU_H
#define SS_CPU_H

#include "ss_sim.h"
#include "ss_stats.h"

/* Activity tags for busy-time accounting. Models use 0..SS_CPU_TAG_USER_MAX
   for their own work kinds (e.g. protocol, crypto); the kernel uses the rest. */
enum {
	SS_CPU_TAG_USER_MAX = 4,
	SS_CPU_TAG_STALL = 5,  /* holding a CPU while waiting for a bus */
	SS_CPU_TAG_CTXSW = 6,  /* context switch */
	SS_CPU_TAG_SPIN = 7,   /* spinning on a lock */
	SS_CPU_NTAGS = 8
};

/* A schedulable thread. Caller-owned storage (embed it in model state);
   initialise with ss_thread_init. One operation at a time per thread. */
typedef struct ss_thread {
	ss_handler k;           /* continuation of the current operation */
	void *ctx;
	uint64_t arg;
	ss_handler uk;          /* saved user continuation (compound ops) */
	void *uctx;
	uint64_t uarg;
	struct ss_thread *next; /* run-queue or lock wait-queue link */
	ss_time since;          /* when it began waiting, ps */
	ss_time d;              /* pending compute for ss_cpu_serve, ps */
	ss_time hold_since;     /* start of a spin/stall interval, ps */
	int cpu;                /* processor held, or -1 */
	int tag;                /* tag of the pending compute or hold */
	int serve_tag;          /* tag for ss_cpu_serve's compute */
	struct ss_cpu_pool *pool; /* pool of the held processor */
	int blocked;            /* gave up its CPU to wait (blocking lock) */
	uint32_t id;            /* identity, for context-switch detection */
	/* Execution context (ss_thread_set_level/_affinity/_mode). */
	int level;              /* SS_CPU_LEVEL_* */
	int affinity;           /* processor it must run on, or -1 */
	int mode;               /* SS_CPU_MODE_* (process level) */
	int state;              /* /proc/stat state of the open interval, or -1 */
	int computing;          /* a compute is under way (preemptible) */
	ss_timer cev;           /* its completion */
	ss_time cend;           /* its end */
	ss_time rem;            /* compute left when preempted, ps */
	int rtag;               /* its tag */
	struct ss_thread *pnext; /* preempted-stack link */
	struct ss_cpu_pool *wpool; /* pool to return to when woken (ss_wait) */
	int prio;               /* SS_CPU_PRIO_* (process level) */
} ss_thread;

/* Execution levels: a runnable thread of a higher level preempts a
   lower one's compute on its processor; the preempted compute resumes,
   with the time it had left, when no higher-level work is left there
   (softirq work raised by an IRQ handler thus runs before the
   interrupted process resumes). A thread in a hold (spinning on a lock,
   stalled on a bus) or between operations is preempted when it next
   starts a compute or releases its processor: a simplification, as if
   such a stretch ran with interrupts off. IRQ and softirq threads must
   be bound to one processor. */
enum { SS_CPU_LEVEL_PROCESS = 0, SS_CPU_LEVEL_SOFTIRQ = 1, SS_CPU_LEVEL_IRQ = 2 };
/* A process-level thread runs in user or system mode, or runs softirq
   handlers (a ksoftirqd thread inside do_softirq): Linux 2.6.11's
   account_system_time (kernel/sched.c) counts a tick as softirq while
   softirq_count() is non-zero, which __do_softirq's local_bh_disable
   makes it for ksoftirqd as for any softirq. */
enum { SS_CPU_MODE_USER = 0, SS_CPU_MODE_SYSTEM = 1, SS_CPU_MODE_SOFTIRQ = 2 };
/* Process-level priorities. A LOW thread must be bound to a processor;
   it gets it only when no NORMAL process-level thread waits for it (its
   own queue or the shared one): a nice-19 kernel thread such as
   ksoftirqd against nice-0 processes under Linux 2.6's O(1) scheduler,
   whose priority arrays run a higher-priority runnable task first
   (kernel/sched.c schedule: sched_find_first_bit). Time slices are not
   modelled: a thread keeps its processor until it releases or yields. */
enum { SS_CPU_PRIO_NORMAL = 0, SS_CPU_PRIO_LOW = 1 };
/* CPU time by state, as /proc/stat counts it. */
enum { SS_CPU_STATE_USER, SS_CPU_STATE_SYSTEM, SS_CPU_STATE_SOFTIRQ, SS_CPU_STATE_IRQ, SS_CPU_STATE_IDLE, SS_CPU_NSTATES };

/* Before the thread first acquires a processor (level, affinity) or
   between its operations (mode). cpu is -1 (any) or 0..N-1. */
void ss_thread_set_level(ss_thread *t, int level);
void ss_thread_set_affinity(ss_thread *t, int cpu);
void ss_thread_set_mode(ss_thread *t, int mode);
void ss_thread_set_priority(ss_thread *t, int prio);

void ss_thread_init(ss_thread *t, uint32_t id);
/* An event handler that runs the thread's pending continuation (k, ctx,
   arg): resources schedule it to hand a thread back its turn. */
void ss_thread_resume(ss_sim *sim, void *thread, uint64_t unused);

typedef struct ss_cpu_pool ss_cpu_pool;

/* Creates a pool of n >= 1 processors and registers it with the simulator
   under `name`. ctx_switch is charged whenever a processor starts running
   a thread other than the last one it ran. The simulator owns the pool
   (ss_sim_free frees it). Sets *out and returns SS_OK; SS_EINVAL when n < 1,
   ctx_switch < 0 or an argument is NULL, SS_ENOMEM when out of memory
   (*out is NULL on failure). */
int ss_cpu_pool_alloc(ss_cpu_pool **out, ss_sim *sim, const char *name, int n, ss_time ctx_switch);

int ss_cpu_count(const ss_cpu_pool *p);
/* Names a user tag, for reports (e.g. "protocol", "crypto"). */
void ss_cpu_tag_name(ss_cpu_pool *p, int tag, const char *name);

/* Waits for a processor (FIFO), then calls k. */
void ss_cpu_acquire(ss_cpu_pool *p, ss_thread *t, ss_handler k, void *ctx, uint64_t arg);
/* Runs for d on the processor t holds, then calls k. */
void ss_cpu_compute(ss_cpu_pool *p, ss_thread *t, ss_time d, int tag,
		    ss_handler k, void *ctx, uint64_t arg);
/* Gives the processor back; the head of the run queue gets it. */
void ss_cpu_release(ss_cpu_pool *p, ss_thread *t);
/* cond_resched for a process-level thread t between operations: when
   another process-level thread waits for t's processor (a NORMAL one,
   or for a LOW t another LOW one bound there), t gives the processor
   up and queues for it again behind that thread; otherwise it keeps it.
   Either way k runs when t holds a processor again (through an event).
   Returns 1 when t gave the processor up, 0 when it kept it. */
int ss_cpu_yield(ss_cpu_pool *p, ss_thread *t, ss_handler k, void *ctx, uint64_t arg);
uint64_t ss_cpu_yields(const ss_cpu_pool *p);          /* yields that gave the processor up, in the window */
/* acquire + compute(d) + release, then k: a customer at an M/G/c station. */
void ss_cpu_serve(ss_cpu_pool *p, ss_thread *t, ss_time d, int tag,
		  ss_handler k, void *ctx, uint64_t arg);
/* Marks the held processor as busy with `tag` (spin, stall) until
   ss_cpu_hold_end; used by locks and buses. */
void ss_cpu_hold_begin(ss_cpu_pool *p, ss_thread *t, int tag);
void ss_cpu_hold_end(ss_cpu_pool *p, ss_thread *t);
/* Ends a hold of which `queued` (clipped to the hold) was spent queueing
   for another resource: a bus transfer's time beyond its own service.
   The tag is charged the whole hold, as by ss_cpu_hold_end; the queued
   part is left out of the utilisation (the processor did no work),
   spread evenly over the hold when a window's start cuts it. It is
   known only when the hold ends: a window that ends inside the hold
   counts the hold's part in it as work. */
void ss_cpu_hold_end_queued(ss_cpu_pool *p, ss_thread *t, ss_time queued);

/* Statistics over the current window (since the last reset). Tagged
   intervals (compute, spin, stall, context switch) count for exactly
   their part inside the window, those still open included. */
/* Mean fraction of the N doing work: held, less spinning on locks and
   queueing for a bus (ss_cpu_hold_end_queued). cpu.held in the report
   is the plain held fraction, cpu.stall and cpu.spin the holds by tag. */
double ss_cpu_utilisation(const ss_cpu_pool *p);
double ss_cpu_tag_time(const ss_cpu_pool *p, int tag); /* processor-seconds in tag */
double ss_cpu_mean_runq(const ss_cpu_pool *p);         /* time-average run-queue length */
/* Processor-seconds in a /proc/stat state over the window (IDLE: the
   rest of N x window); cpu -1 for the whole pool. Reported as
   NAME.user, .system, .softirq, .irq, .idle (fractions of N x window),
   and per processor (NAME0.softirq, ...) when N <= 8. */
double ss_cpu_state_time(const ss_cpu_pool *p, int cpu, int state);
uint64_t ss_cpu_preemptions(const ss_cpu_pool *p);     /* computes preempted in the window */
size_t ss_cpu_waiting(const ss_cpu_pool *p);           /* threads in the run queue now */
const ss_tally *ss_cpu_wait(const ss_cpu_pool *p);     /* run-queue waits, s */
uint64_t ss_cpu_switches(const ss_cpu_pool *p);        /* context switches */

#endif
