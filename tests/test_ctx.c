/* Execution contexts and blocking: exact timings of preemption (an IRQ
   during a process compute delays it by exactly the IRQ's time; softirq
   raised by the IRQ runs before the process resumes), /proc/stat states
   summing to N x window, affinity, and preemptive-resume priority
   queueing against its closed form (the high class sees an M/M/1 of
   its own load alone); semaphores and wait queues in FIFO order. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ss_cpu.h"
#include "ss_err.h"
#include "ss_rng.h"
#include "ss_sim.h"
#include "ss_test.h"
#include "ss_wait.h"

#define US(x) ss_time_from_us(x)

typedef struct log {
	ss_time at[16];
	int who[16];
	int n;
} log_t;

static void mark(log_t *l, ss_sim *sim, int who)
{
	if (l->n < 16) {
		l->at[l->n] = ss_sim_now(sim);
		l->who[l->n++] = who;
	}
}

typedef struct agent {
	ss_thread t;
	ss_cpu_pool *p;
	log_t *log;
	int who;
	ss_time d;
	struct agent *raise; /* softirq raised at the end of this (IRQ) compute */
} agent;

static void done_release(ss_sim *sim, void *ctx, uint64_t arg);

static void granted(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	agent *a = ctx;
	ss_cpu_compute(a->p, &a->t, a->d, 0, done_release, a, 0);
}

static void done_release(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	agent *a = ctx;
	mark(a->log, sim, a->who);
	if (a->raise)
		ss_cpu_acquire(a->p, &a->raise->t, granted, a->raise, 0);
	ss_cpu_release(a->p, &a->t);
}

static void start(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	agent *a = ctx;
	ss_cpu_acquire(a->p, &a->t, granted, a, 0);
}

/* ---- preemptive-resume priority M/M/1, two classes ---- */
typedef struct pq {
	ss_sim *sim;
	ss_cpu_pool *p;
	ss_rng *rng;
	double lam[2], mu;
	ss_tally resp[2];
	ss_time warm;
} pq;

typedef struct job {
	ss_thread t;
	pq *q;
	int cls;
	ss_time arrived;
	struct job *free_next;
} job;

#define NJOBS 4096
static job jobs[2][NJOBS];
static job *freelist[2];

static void job_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	job *j = ctx;
	pq *q = j->q;
	if (j->arrived >= q->warm)
		ss_tally_add(&q->resp[j->cls], ss_time_to_s(ss_sim_now(sim) - j->arrived));
	ss_cpu_release(q->p, &j->t);
	j->free_next = freelist[j->cls];
	freelist[j->cls] = j;
}

static void job_granted(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	job *j = ctx;
	double s = ss_rng_exponential(j->q->rng, 1 / j->q->mu);
	ss_cpu_compute(j->q->p, &j->t, ss_time_from_s(s), 0, job_done, j, 0);
}

static void arrive(ss_sim *sim, void *ctx, uint64_t cls)
{
	pq *q = ctx;
	job *j = freelist[cls];
	if (j) {
		freelist[cls] = j->free_next;
		ss_thread_init(&j->t, (uint32_t)(cls * NJOBS + (size_t)(j - jobs[cls])));
		ss_thread_set_level(&j->t, cls == 0 ? SS_CPU_LEVEL_IRQ : SS_CPU_LEVEL_PROCESS);
		ss_thread_set_affinity(&j->t, 0);
		j->q = q;
		j->cls = (int)cls;
		j->arrived = ss_sim_now(sim);
		ss_cpu_acquire(q->p, &j->t, job_granted, j, 0);
	}
	ss_sim_after(sim, ss_time_from_s(ss_rng_exponential(q->rng, 1 / q->lam[cls])), arrive, q, cls);
}

/* ---- blocking ---- */
typedef struct waiter {
	ss_thread t;
	ss_cpu_pool *p;
	log_t *log;
	int who;
	ss_waitq *q;
	ss_sem *s;
} waiter;

static void woke(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	waiter *w = ctx;
	mark(w->log, sim, w->who);
	if (w->t.cpu >= 0)
		ss_cpu_release(w->p, &w->t);
}

static void on_cpu_wait(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	waiter *w = ctx;
	if (w->s)
		ss_sem_wait(w->s, &w->t, woke, w, 0);
	else
		ss_waitq_wait(w->q, &w->t, woke, w, 0);
}

static void wake_one_ev(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_waitq_wake_one(ctx);
}

static void post_ev(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	ss_sem_post(ctx);
}

int main(void)
{
	ss_test_plan(18);
	ss_sim *sim;
	ss_cpu_pool *p;

	/* 1. A process computes 100 us from t=0; an IRQ of 10 us arrives at
	   30 us and raises a softirq of 20 us. The IRQ ends at 40, the
	   softirq runs 40..60, the process resumes and ends at 130. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_cpu_pool_alloc(&p, sim, "cpu", 1, 0));
	log_t lg = {0};
	agent proc = {.p = p, .log = &lg, .who = 0, .d = US(100)};
	agent sirq = {.p = p, .log = &lg, .who = 2, .d = US(20)};
	agent irq = {.p = p, .log = &lg, .who = 1, .d = US(10), .raise = &sirq};
	ss_thread_init(&proc.t, 1);
	ss_thread_init(&sirq.t, 2);
	ss_thread_init(&irq.t, 3);
	ss_thread_set_level(&sirq.t, SS_CPU_LEVEL_SOFTIRQ);
	ss_thread_set_affinity(&sirq.t, 0);
	ss_thread_set_level(&irq.t, SS_CPU_LEVEL_IRQ);
	ss_thread_set_affinity(&irq.t, 0);
	ss_thread_set_mode(&proc.t, SS_CPU_MODE_USER);
	ss_sim_at(sim, 0, start, &proc, 0);
	ss_sim_at(sim, US(30), start, &irq, 0);
	ss_sim_run_until(sim, US(200));
	SS_CHECK_INT(lg.n, 3, "three computes finished");
	SS_CHECK(lg.who[0] == 1 && lg.at[0] == US(40), "the IRQ ends at 40 us (got %d at %.3f us)", lg.who[0],
		 ss_time_to_us(lg.at[0]));
	SS_CHECK(lg.who[1] == 2 && lg.at[1] == US(60), "the softirq runs before the process resumes, ends at 60 us");
	SS_CHECK(lg.who[2] == 0 && lg.at[2] == US(130), "the process is delayed by exactly 30 us, ends at 130 us (got %.3f)",
		 ss_time_to_us(lg.at[2]));
	SS_CHECK_NEAR(ss_cpu_state_time(p, -1, SS_CPU_STATE_USER), 100e-6, 1e-12, "user time 100 us");
	SS_CHECK_NEAR(ss_cpu_state_time(p, -1, SS_CPU_STATE_IRQ), 10e-6, 1e-12, "irq time 10 us");
	SS_CHECK_NEAR(ss_cpu_state_time(p, -1, SS_CPU_STATE_SOFTIRQ), 20e-6, 1e-12, "softirq time 20 us");
	double sum = 0;
	for (int k = 0; k < SS_CPU_NSTATES; k++)
		sum += ss_cpu_state_time(p, -1, k);
	SS_CHECK_NEAR(sum, 200e-6, 1e-12, "the states sum to N x window");
	SS_CHECK_INT((long long)ss_cpu_preemptions(p), 1, "one preemption");
	ss_sim_free(sim);

	/* 2. Affinity: two processes bound to processor 1 of 2 run one after
	   the other there, processor 0 stays idle. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_cpu_pool_alloc(&p, sim, "cpu", 2, 0));
	log_t l2 = {0};
	agent a1 = {.p = p, .log = &l2, .who = 1, .d = US(50)}, a2 = {.p = p, .log = &l2, .who = 2, .d = US(50)};
	ss_thread_init(&a1.t, 1);
	ss_thread_init(&a2.t, 2);
	ss_thread_set_affinity(&a1.t, 1);
	ss_thread_set_affinity(&a2.t, 1);
	ss_sim_at(sim, 0, start, &a1, 0);
	ss_sim_at(sim, 0, start, &a2, 0);
	ss_sim_run_until(sim, US(100));
	SS_CHECK(l2.n == 2 && l2.at[0] == US(50) && l2.at[1] == US(100), "bound threads run in turn on their processor");
	SS_CHECK_NEAR(ss_cpu_state_time(p, 0, SS_CPU_STATE_IDLE), 100e-6, 1e-12, "processor 0 stays idle");
	ss_sim_free(sim);

	/* 3. Preemptive-resume priority M/M/1: the high class's mean
	   response is 1/(mu - lam_h) whatever the low class does; the low
	   class's is (1/mu)/((1-rho_h)(1-rho)) + rho-weighted residuals:
	   for exponential service, E[T_l] = (1/mu)/(1-rho_h) + (rho/mu)/((1-rho_h)(1-rho)). */
	SS_MUST(ss_sim_alloc(&sim, 7));
	SS_MUST(ss_cpu_pool_alloc(&p, sim, "cpu", 1, 0));
	pq q = {.sim = sim, .p = p, .lam = {3000, 4000}, .mu = 10000, .warm = ss_time_from_s(1)};
	SS_MUST(ss_rng_alloc(&q.rng, 7, "pq"));
	for (int c = 0; c < 2; c++) {
		freelist[c] = NULL;
		for (int i = NJOBS - 1; i >= 0; i--) {
			jobs[c][i].free_next = freelist[c];
			freelist[c] = &jobs[c][i];
		}
		ss_tally_reset(&q.resp[c]);
	}
	ss_sim_at(sim, 0, arrive, &q, 0);
	ss_sim_at(sim, 0, arrive, &q, 1);
	ss_sim_run_until(sim, ss_time_from_s(41));
	double rh = q.lam[0] / q.mu, rho = (q.lam[0] + q.lam[1]) / q.mu;
	double th = 1 / (q.mu - q.lam[0]);
	double tl = (1 / q.mu) / (1 - rh) + (rho / q.mu) / ((1 - rh) * (1 - rho));
	/* 40 s at 7000 jobs/s: about 1.2e5 high and 1.6e5 low jobs; the
	   response times are correlated, so allow 3%. */
	SS_CHECK_NEAR(ss_tally_mean(&q.resp[0]), th, 0.03 * th, "high class mean response = M/M/1 of its own load (%.1f us)",
		      th * 1e6);
	SS_CHECK_NEAR(ss_tally_mean(&q.resp[1]), tl, 0.05 * tl, "low class mean response, preemptive-resume formula (%.1f us)",
		      tl * 1e6);
	ss_rng_free(q.rng);
	ss_sim_free(sim);

	/* 4. Wait queue: three threads wait in order; two wakes wake the
	   first two, in FIFO order; the processor is free while they wait. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_cpu_pool_alloc(&p, sim, "cpu", 1, 0));
	ss_waitq wq;
	ss_waitq_init(&wq, sim);
	log_t l4 = {0};
	waiter w[3];
	for (int i = 0; i < 3; i++) {
		w[i] = (waiter){.p = p, .log = &l4, .who = i, .q = &wq};
		ss_thread_init(&w[i].t, (uint32_t)i + 1);
		ss_cpu_acquire(p, &w[i].t, on_cpu_wait, &w[i], 0);
	}
	ss_sim_at(sim, US(10), wake_one_ev, &wq, 0);
	ss_sim_at(sim, US(20), wake_one_ev, &wq, 0);
	ss_sim_run_until(sim, US(50));
	SS_CHECK(l4.n == 2 && l4.who[0] == 0 && l4.who[1] == 1, "FIFO wake-ups");
	SS_CHECK(l4.at[0] == US(10) && l4.at[1] == US(20), "each at its wake");
	SS_CHECK_INT((long long)ss_waitq_len(&wq), 1, "one still waiting");
	SS_CHECK_NEAR(ss_cpu_state_time(p, -1, SS_CPU_STATE_IDLE), 50e-6, 1e-12, "waiting threads use no processor");
	ss_sim_free(sim);

	/* 5. Semaphore of 1: the first of two takes it at once, the second
	   waits for the post at 30 us. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_cpu_pool_alloc(&p, sim, "cpu", 2, 0));
	ss_sem sem;
	ss_sem_init(&sem, sim, 1);
	log_t l5 = {0};
	waiter s[2];
	for (int i = 0; i < 2; i++) {
		s[i] = (waiter){.p = p, .log = &l5, .who = i, .s = &sem};
		ss_thread_init(&s[i].t, (uint32_t)i + 1);
		ss_cpu_acquire(p, &s[i].t, on_cpu_wait, &s[i], 0);
	}
	ss_sim_at(sim, US(30), post_ev, &sem, 0);
	ss_sim_run_until(sim, US(50));
	SS_CHECK(l5.n == 2 && l5.who[0] == 0 && l5.at[0] == 0 && l5.who[1] == 1 && l5.at[1] == US(30),
		 "semaphore: one at once, one at the post");
	ss_sim_free(sim);
	return ss_test_done();
}
