/* Naming the bottleneck: the kernel's rule (the busiest resource if it is
   saturated, else the workload) on resources of fixed utilisation, and
   the processors' utilisation on synthetic workloads where they wait for
   a bus or a lock, or where too few threads leave them idle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "ss_bus.h"
#include "ss_cpu.h"
#include "ss_err.h"
#include "ss_lock.h"
#include "ss_sim.h"
#include "ss_test.h"

/* ---- resources whose utilisation is whatever the test says ---- */

static void fixed_reset(void *res, ss_time now) { (void)res, (void)now; }
static void fixed_report(void *res, ss_time now, ss_metrics *m) { (void)res, (void)now, (void)m; }
static double fixed_util(void *res, ss_time now) { (void)now; return *(double *)res; }
static void fixed_destroy(void *res) { (void)res; }
static const ss_resource_ops fixed_ops = {
	.reset = fixed_reset,
	.report = fixed_report,
	.utilisation = fixed_util,
	.destroy = fixed_destroy,
};

/* Reports a simulator holding resources "a", "b", ... of utilisations u
   (n of them) and, if `limit` is not NULL, that workload limit. */
static void report_fixed(const double *u, size_t n, const char *limit, ss_metrics *m)
{
	static double v[8];
	ss_sim *sim = NULL;
	SS_MUST(ss_sim_alloc(&sim, 1));
	for (size_t i = 0; i < n; i++) {
		char nm[2] = {(char)('a' + i), 0};
		v[i] = u[i];
		ss_sim_add_resource(sim, nm, &v[i], &fixed_ops);
	}
	if (limit)
		ss_sim_set_workload_limit(sim, limit);
	ss_metrics_clear(m);
	ss_sim_report(sim, m);
	ss_sim_free(sim);
}

static void rule(void)
{
	ss_metrics m;
	ss_metrics_init(&m);
	const double busy[] = {0.97, 0.995};
	report_fixed(busy, 2, "3 customers", &m);
	SS_CHECK(!strcmp(m.bottleneck, "b") && m.bottleneck_util == 0.995,
		 "two saturated resources: the busier one is named (%s %.3f)", m.bottleneck, m.bottleneck_util);
	const double tie[] = {0.95, 0.95};
	report_fixed(tie, 2, NULL, &m);
	SS_CHECK(!strcmp(m.bottleneck, "a"), "a tie goes to the first registered (%s)", m.bottleneck);
	const double at[] = {0.2, SS_SIM_SATURATED};
	report_fixed(at, 2, "3 customers", &m);
	SS_CHECK(!strcmp(m.bottleneck, "b"), "a resource at the threshold %.2f is saturated (%s)", SS_SIM_SATURATED,
		 m.bottleneck);
	const double below[] = {0.5, 0.3};
	report_fixed(below, 2, "3 customers", &m);
	SS_CHECK(!strcmp(m.bottleneck, "workload (3 customers)") && m.bottleneck_util == 0.5,
		 "nothing saturated: the workload's limit is named, with the busiest utilisation (%s %.3f)",
		 m.bottleneck, m.bottleneck_util);
	report_fixed(below, 2, NULL, &m);
	SS_CHECK(!strcmp(m.bottleneck, "workload"), "nothing saturated and no limit named: plain workload (%s)",
		 m.bottleneck);
	report_fixed(NULL, 0, NULL, &m);
	SS_CHECK(m.bottleneck[0] == '\0' && m.bottleneck_util == 0, "no resources, no limit: nothing named (%s)",
		 m.bottleneck);

	/* The longest label that fits "workload (...)" in the field, and one more. */
	char label[64];
	memset(label, 'x', sizeof label);
	label[52] = '\0';
	ss_sim *sim = NULL;
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_CHECK_INT(ss_sim_set_workload_limit(sim, label), SS_OK, "a 52-byte workload label is accepted");
	ss_metrics_clear(&m);
	ss_sim_report(sim, &m);
	SS_CHECK(strlen(m.bottleneck) == 63 && m.bottleneck[62] == ')', "and reported whole (%zu bytes)",
		 strlen(m.bottleneck));
	label[52] = 'x';
	label[53] = '\0';
	SS_CHECK_INT(ss_sim_set_workload_limit(sim, label), SS_EINVAL, "a 53-byte one is refused, not truncated");
	SS_CHECK_INT(ss_sim_set_workload_limit(sim, NULL), SS_EINVAL, "a NULL label is refused");
	ss_sim_free(sim);
	ss_metrics_fini(&m);
}

/* ---- synthetic workloads on the real resources ---- */

typedef struct job {
	ss_thread th;
	ss_cpu_pool *cpu;
	ss_bus *bus;
	ss_lock *lock;
	ss_time compute, locked; /* per cycle, ps */
	double bytes;            /* per cycle on the bus */
	ss_time own, mark;       /* a transfer's time alone; its start */
	int step;
} job;

static void cycle(ss_sim *sim, void *ctx, uint64_t arg);

static void moved(ss_sim *sim, void *ctx, uint64_t arg)
{
	job *j = ctx;
	ss_time el = ss_sim_now(sim) - j->mark;
	ss_cpu_hold_end_queued(j->cpu, &j->th, el > j->own ? el - j->own : 0);
	cycle(sim, ctx, arg);
}

/* compute; then a bus transfer (stalled) or a locked section, repeat. */
static void cycle(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	job *j = ctx;
	switch (j->step++ % 4) {
	case 0:
		ss_cpu_compute(j->cpu, &j->th, j->compute, 0, cycle, j, 0);
		return;
	case 1:
		if (j->bus) {
			j->mark = ss_sim_now(sim);
			ss_cpu_hold_begin(j->cpu, &j->th, SS_CPU_TAG_STALL);
			j->step = 0;
			ss_bus_transfer(j->bus, j->bytes, moved, j, 0);
		} else if (j->lock) {
			ss_lock_acquire(j->lock, &j->th, cycle, j, 0);
		} else {
			j->step = 0;
			ss_sim_after(sim, 0, cycle, j, 0);
		}
		return;
	case 2:
		ss_cpu_compute(j->cpu, &j->th, j->locked, 0, cycle, j, 0);
		return;
	default:
		ss_lock_release(j->lock, &j->th);
		j->step = 0;
		ss_sim_after(sim, 0, cycle, j, 0);
	}
}

typedef struct setup {
	int procs, threads;
	double compute_us, bus_us, locked_us; /* 0: none */
	const char *limit;
} setup;

/* Runs the setup for 1 ms of warm-up and 20 ms measured. */
static void run(const setup *s, ss_metrics *m)
{
	ss_sim *sim = NULL;
	SS_MUST(ss_sim_alloc(&sim, 7));
	job j[16];
	ss_cpu_pool *cpu = NULL;
	SS_MUST(ss_cpu_pool_alloc(&cpu, sim, "cpu", s->procs, 0));
	/* 1 byte per ps: a transfer of B bytes takes B ps alone (FIFO). */
	ss_bus *bus = NULL;
	if (s->bus_us > 0)
		SS_MUST(ss_bus_alloc(&bus, sim, "bus", 1e12, 0, SS_BUS_FIFO));
	ss_lock *lock = NULL;
	if (s->locked_us > 0)
		SS_MUST(ss_lock_alloc(&lock, sim, "lock", SS_LOCK_SPIN, cpu));
	if (s->limit)
		ss_sim_set_workload_limit(sim, s->limit);
	for (int i = 0; i < s->threads; i++) {
		memset(&j[i], 0, sizeof j[i]);
		ss_thread_init(&j[i].th, (uint32_t)i);
		j[i].cpu = cpu;
		j[i].bus = bus;
		j[i].lock = lock;
		j[i].compute = ss_time_from_us(s->compute_us);
		j[i].locked = ss_time_from_us(s->locked_us);
		j[i].own = ss_time_from_us(s->bus_us);
		j[i].bytes = (double)j[i].own;
		ss_cpu_acquire(cpu, &j[i].th, cycle, &j[i], 0);
	}
	ss_sim_run_until(sim, ss_time_from_us(1000));
	ss_sim_reset_stats(sim);
	ss_sim_run_until(sim, ss_time_from_us(21000));
	ss_metrics_clear(m);
	ss_sim_report(sim, m);
	ss_sim_free(sim);
}

static double metric(const ss_metrics *m, const char *name)
{
	const ss_metric *x = ss_metrics_find(m, name);
	return x ? x->value : -1;
}

/* Tolerances: the bus cycle (40 us) divides the 20 ms window, so the
   bus and the tags are exact (1e-9, rounding). The processors' work is
   within 0.005: the queueing of a stall still open when the window ends
   is known only when it ends, so up to 29 us of it per processor (0.15%
   of the window) counts as work. The lock cycle (12 us) does not divide
   the window: the part cycle moves the fractions by up to 0.06%. */
static void workloads(void)
{
	ss_metrics m;
	ss_metrics_init(&m);

	/* 4 threads on 4 processors: 1 us of work, then a 10 us transfer on
	   a FIFO bus. The bus serves 10 us of every cycle for each thread,
	   so a cycle is 40 us: each processor works 1 us and waits for its own
	   transfer 10 us (11/40 busy) and queues 29 us behind the others. */
	setup bus = {4, 4, 1, 10, 0, "4 threads"};
	run(&bus, &m);
	SS_CHECK(!strcmp(m.bottleneck, "bus"), "processors stalled on a saturated bus: the bus is named (%s %.3f)",
		 m.bottleneck, m.bottleneck_util);
	SS_CHECK_NEAR(metric(&m, "bus.util"), 1.0, 1e-9, "the bus is busy all the time");
	SS_CHECK_NEAR(metric(&m, "cpu.util"), 11.0 / 40, 0.005, "processors work 1 us and wait 10 us for their own "
		      "transfer in 40: queueing behind the others is not work");
	SS_CHECK_NEAR(metric(&m, "cpu.util_max"), 11.0 / 40, 0.005, "and so does each processor");
	SS_CHECK_NEAR(metric(&m, "cpu.held"), 1.0, 1e-9, "all the while they are held");
	SS_CHECK_NEAR(metric(&m, "cpu.stall"), 39.0 / 40, 1e-9, "and the stall tag still counts the whole stall");

	/* 4 threads, 4 processors, 1 us free then 3 us under one spin lock:
	   the lock is held all the time, a cycle takes 12 us, the processors
	   work 4 of them and spin 8. */
	setup lock = {4, 4, 1, 0, 3, "4 threads"};
	run(&lock, &m);
	SS_CHECK(!strcmp(m.bottleneck, "lock"), "processors spinning on a saturated lock: the lock is named (%s %.3f)",
		 m.bottleneck, m.bottleneck_util);
	SS_CHECK_NEAR(metric(&m, "cpu.util"), 4.0 / 12, 0.005, "spinning is not work");
	SS_CHECK_NEAR(metric(&m, "cpu.spin"), 8.0 / 12, 0.005, "the spin tag still counts it");

	/* 2 compute-only threads on 8 processors: a quarter of them work. */
	setup few = {8, 2, 5, 0, 0, "2 threads"};
	run(&few, &m);
	SS_CHECK(!strcmp(m.bottleneck, "workload (2 threads)"), "two threads on eight processors: the workload is named (%s)",
		 m.bottleneck);
	SS_CHECK_NEAR(m.bottleneck_util, 0.25, 1e-9, "with the busiest resource's utilisation, the processors' 0.25");
	setup full = {8, 8, 5, 0, 0, "8 threads"};
	run(&full, &m);
	SS_CHECK(!strcmp(m.bottleneck, "cpu") && m.bottleneck_util > 0.999,
		 "eight threads on eight processors: the processors are named (%s %.3f)", m.bottleneck,
		 m.bottleneck_util);
	ss_metrics_fini(&m);
}

/* A stall of 10 us, 8 of it queueing, cut in half by the statistics
   window: the window gets half the queueing, spread over the hold. */
static void held(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	job *j = ctx;
	ss_cpu_hold_begin(j->cpu, &j->th, SS_CPU_TAG_STALL);
}

static void unheld(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	job *j = ctx;
	ss_cpu_hold_end_queued(j->cpu, &j->th, ss_time_from_us(8));
}

static void window(void)
{
	ss_sim *sim = NULL;
	SS_MUST(ss_sim_alloc(&sim, 1));
	job j;
	memset(&j, 0, sizeof j);
	ss_thread_init(&j.th, 0);
	SS_MUST(ss_cpu_pool_alloc(&j.cpu, sim, "cpu", 1, 0));
	ss_cpu_acquire(j.cpu, &j.th, held, &j, 0);
	ss_sim_at(sim, ss_time_from_us(10), unheld, &j, 0);
	ss_sim_run_until(sim, ss_time_from_us(5));
	ss_sim_reset_stats(sim);
	ss_sim_run_until(sim, ss_time_from_us(10));
	SS_CHECK_NEAR(ss_cpu_utilisation(j.cpu), 0.2, 1e-9,
		      "a stall across the window's start: 4 of its 8 us queued fall in the 5 us window");
	SS_CHECK_NEAR(ss_cpu_tag_time(j.cpu, SS_CPU_TAG_STALL), 5e-6, 1e-15, "its tag gets the 5 us in the window");
	ss_sim_free(sim);
}

/* ---- intervals that straddle a window boundary ----
   Each runs from 5 s to 15 s across the windows [0, 10] and [10, 20] s,
   still open when the first window ends and already open when the
   second starts: each window must get exactly the half inside it. */

typedef struct straddle {
	ss_thread spinner, staller, worker, ctx[2];
	ss_cpu_pool *spin, *stall, *work, *ctxp;
	ss_bus *fifo, *ps, *miss;
} straddle;

static void noop(ss_sim *sim, void *ctx, uint64_t arg) { (void)sim, (void)ctx, (void)arg; }

static void st_begin(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	straddle *s = ctx;
	ss_cpu_hold_begin(s->spin, &s->spinner, SS_CPU_TAG_SPIN);
	ss_cpu_hold_begin(s->stall, &s->staller, SS_CPU_TAG_STALL);
	ss_cpu_compute(s->work, &s->worker, ss_time_from_s(10), 0, noop, NULL, 0);
	ss_bus_transfer(s->fifo, 1000, noop, NULL, 0);
	ss_bus_transfer(s->ps, 1000, noop, NULL, 0);
	ss_bus_transfer(s->miss, 1000, noop, NULL, 0);
}

/* A second transfer on the PS bus halves the first one's rate. */
static void st_second(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	ss_bus_transfer(((straddle *)ctx)->ps, 200, noop, NULL, 0);
}

static void st_end(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	straddle *s = ctx;
	ss_cpu_hold_end(s->spin, &s->spinner);
	ss_cpu_hold_end(s->stall, &s->staller);
}

static void ctx_left(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	straddle *s = ctx;
	ss_cpu_release(s->ctxp, &s->ctx[0]);
}

/* The first thread on pool ctx works 0-5 s and leaves; the second,
   queued since 0, then pays a 10 s context switch. */
static void ctx_first(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim, (void)arg;
	straddle *s = ctx;
	ss_cpu_compute(s->ctxp, &s->ctx[0], ss_time_from_s(5), 0, ctx_left, s, 0);
}

static void straddling(void)
{
	ss_sim *sim = NULL;
	SS_MUST(ss_sim_alloc(&sim, 1));
	straddle s;
	ss_thread_init(&s.spinner, 0);
	ss_thread_init(&s.staller, 1);
	ss_thread_init(&s.worker, 2);
	ss_thread_init(&s.ctx[0], 3);
	ss_thread_init(&s.ctx[1], 4);
	SS_MUST(ss_cpu_pool_alloc(&s.spin, sim, "spin", 1, 0));
	SS_MUST(ss_cpu_pool_alloc(&s.stall, sim, "stall", 1, 0));
	SS_MUST(ss_cpu_pool_alloc(&s.work, sim, "work", 1, 0));
	SS_MUST(ss_cpu_pool_alloc(&s.ctxp, sim, "ctx", 1, ss_time_from_s(10)));
	ss_cpu_tag_name(s.work, 0, "proto");
	ss_cpu_tag_name(s.ctxp, 0, "proto");
	/* 1000 bytes at 100 B/s: 5-15 s. */
	SS_MUST(ss_bus_alloc(&s.fifo, sim, "fifo", 100, 0, SS_BUS_FIFO));
	SS_MUST(ss_bus_alloc(&s.ps, sim, "ps", 100, 0, SS_BUS_PS));
	/* A miss stream alone moves at the cap: a quarter of the bandwidth. */
	SS_MUST(ss_bus_alloc(&s.miss, sim, "miss", 400, 0, SS_BUS_PS));
	ss_bus_set_cap(s.miss, 100);
	SS_CHECK_INT(ss_bus_set_line(s.miss, 1), SS_OK, "a miss-stream bus of 1-byte lines");
	ss_cpu_acquire(s.spin, &s.spinner, noop, NULL, 0);
	ss_cpu_acquire(s.stall, &s.staller, noop, NULL, 0);
	ss_cpu_acquire(s.work, &s.worker, noop, NULL, 0);
	ss_cpu_acquire(s.ctxp, &s.ctx[0], ctx_first, &s, 0);
	ss_cpu_acquire(s.ctxp, &s.ctx[1], noop, NULL, 0);
	ss_sim_at(sim, ss_time_from_s(5), st_begin, &s, 0);
	ss_sim_at(sim, ss_time_from_s(7), st_second, &s, 0);
	ss_sim_at(sim, ss_time_from_s(15), st_end, &s, 0);

	/* PS bus: the 1000-byte transfer moves 200 bytes alone (5-7 s), then
	   shares with the 200-byte one until that leaves at 11 s, then
	   finishes alone at 17 s: 500 bytes by 10 s, 700 after. */
	static const struct {
		const char *metric, *what;
		double want[2];
	} want[] = {
		{"spin.spin", "a spin of 5-15 s", {0.5, 0.5}},
		{"spin.util", "and the processor's work, held all along but spinning", {0.5, 0.5}},
		{"stall.stall", "a stall of 5-15 s", {0.5, 0.5}},
		{"work.proto", "a compute of 5-15 s", {0.5, 0.5}},
		{"ctx.ctxsw", "a context switch of 5-15 s", {0.5, 0.5}},
		{"ctx.proto", "the compute before it, 0-5 s", {0.5, 0}},
		{"fifo.util", "a FIFO transfer of 1000 bytes at 100 B/s from 5 s", {0.5, 0.5}},
		{"ps.util", "a PS transfer sharing the bus with a second one", {0.5, 0.7}},
		{"miss.util", "a miss stream alone at its cap", {0.125, 0.125}},
	};
	ss_metrics m;
	ss_metrics_init(&m);
	for (int w = 0; w < 2; w++) {
		if (w)
			ss_sim_reset_stats(sim);
		ss_sim_run_until(sim, ss_time_from_s(10 * (w + 1)));
		ss_metrics_clear(&m);
		ss_sim_report(sim, &m);
		/* Tolerance: a PS departure is rounded up to the next ps, a
		   relative error of 1e-13 in a 10 s window. */
		for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
			SS_CHECK_NEAR(metric(&m, want[i].metric), want[i].want[w], 1e-9, "window %d: %s: %s %g",
				      w, want[i].what, want[i].metric, want[i].want[w]);
		SS_CHECK_NEAR(ss_cpu_tag_time(s.spin, SS_CPU_TAG_SPIN), 5.0, 1e-9,
			      "window %d: the spin tag holds 5 processor-seconds", w);
	}
	ss_metrics_fini(&m);
	ss_sim_free(sim);
}

int main(void)
{
	ss_test_plan(45);
	gsl_set_error_handler_off();
	rule();
	workloads();
	window();
	straddling();
	return ss_test_done();
}
