/* Protocol cost programs and their interpreter (proto/ss_prog.h): building
   (shorthands, refused steps, memory-bound work, labels); on an idle
   processor a program takes the sum of its compute steps; a lock
   serialises two threads as the closed form says; memory steps take
   bytes / rate on a FIFO bus and queue behind each other; state moves
   between caches only when another processor held it; host steps and
   timers; a 12-layer stack's program; determinism of runs with cost
   variation. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ss_bus.h"
#include "ss_cpu.h"
#include "ss_err.h"
#include "ss_layer.h"
#include "ss_lock.h"
#include "ss_profile.h"
#include "ss_prog.h"
#include "ss_sim.h"
#include "ss_test.h"

/* A host for the tests: n threads each running the program `reps` times. */
typedef struct host {
	ss_sim *sim;
	ss_cpu_pool *cpu;
	ss_bus *bus;
	int busslot;
	ss_prog_env *env;
	const ss_prog *prog;
	ss_prog_state state[2];
	ss_prog_thread t[8];
	int left[8];
	ss_time end[8];
	double reload; /* bytes of state to reload before the first run */
	int execs;
	/* Host steps: each takes its bytes at 1 byte/ns, or its duration. */
	int devices;
} host;

static int index_of(host *h, ss_prog_thread *t) { return (int)(t - h->t); }

static ss_prog_state *h_state(void *ud, ss_prog_thread *t, int slot)
{
	(void)t;
	host *h = ud;
	return slot < 2 ? &h->state[slot] : NULL;
}

static void h_exec(void *ud, ss_prog_thread *t, int slot)
{
	(void)t;
	(void)slot;
	((host *)ud)->execs++;
}

static void h_device(void *ud, ss_prog_thread *t, const ss_prog_step *s)
{
	host *h = ud;
	h->devices++;
	ss_time d = s->kind == SS_PROG_WAIT ? s->dur : (ss_time)(s->bytes * 1000);
	ss_sim_after(h->sim, d, ss_prog_next, t, 0);
}

static void h_done(void *ud, ss_prog_thread *t)
{
	host *h = ud;
	int i = index_of(h, t);
	h->end[i] = ss_sim_now(h->sim);
	if (--h->left[i] > 0)
		ss_prog_start(t, h->prog, h->busslot, 0);
	else
		ss_cpu_release(h->cpu, &t->th);
}

static void h_started(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	host *h = ctx;
	ss_prog_start(&h->t[arg], h->prog, h->busslot, h->reload);
}

/* A host of `nproc` processors (no context-switch cost), a bus of `bw`
   bytes/s (FIFO, or PS with a per-processor cap of bw), a spin lock in
   state slot 0 and another in slot 1. */
static void host_init(host *h, int nproc, double bw, ss_bus_arb arb, double cv, int device, uint64_t seed)
{
	memset(h, 0, sizeof *h);
	SS_MUST(ss_sim_alloc(&h->sim, seed));
	SS_MUST(ss_cpu_pool_alloc(&h->cpu, h->sim, "cpu", nproc, 0));
	SS_MUST(ss_bus_alloc(&h->bus, h->sim, "bus", bw, 0, arb));
	for (int i = 0; i < 2; i++) {
		SS_MUST(ss_lock_alloc(&h->state[i].lock, h->sim, i ? "lock.b" : "lock.a", SS_LOCK_SPIN, h->cpu));
		h->state[i].cpu = -1;
	}
	ss_prog_host ph = {
		.cpu = h->cpu,
		.rng = cv > 0 ? ss_sim_rng(h->sim, "test.cost") : NULL,
		.cost_cv = cv,
		.ud = h,
		.state = h_state,
		.exec = h_exec,
		.device = device ? h_device : NULL,
		.done = h_done,
	};
	char err[256];
	SS_MUST(ss_prog_env_alloc(&h->env, h->sim, &ph, err, sizeof err));
	SS_MUST(ss_prog_env_bus(h->env, h->bus, bw * 1e-12, &h->busslot));
}

/* Starts n threads, each running p reps times, and runs to the end. */
static void host_run(host *h, const ss_prog *p, int n, int reps)
{
	h->prog = p;
	for (int i = 0; i < n; i++) {
		ss_prog_thread_init(&h->t[i], h->env, (uint32_t)i);
		h->left[i] = reps;
		ss_cpu_acquire(h->cpu, &h->t[i].th, h_started, h, (uint64_t)i);
	}
	ss_sim_run(h->sim);
}

static void host_fini(host *h)
{
	ss_prog_env_free(h->env);
	ss_sim_free(h->sim);
}

static void building(void)
{
	ss_prog *p = NULL;
	SS_MUST(ss_prog_alloc(&p));
	ss_prog_compute(p, 0, 0, "nothing");
	ss_prog_mem(p, 0, 0, "nothing");
	SS_CHECK_INT(ss_prog_len(p), 0, "a zero compute and a zero transfer add no step");
	SS_CHECK(ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_NKINDS}) == SS_EINVAL &&
			 ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_LOCK, .slot = -1}) == SS_EINVAL &&
			 ss_prog_add(p, &(ss_prog_step){.kind = SS_PROG_COMPUTE, .dur = 5, .tag = SS_CPU_TAG_STALL}) == SS_EINVAL &&
			 ss_prog_len(p) == 0,
		 "an unknown kind, a negative slot and a kernel tag are refused");
	SS_CHECK(ss_prog_status(p) == SS_EINVAL, "and the refusal sticks to the program");
	ss_prog_free(p);
	SS_MUST(ss_prog_alloc(&p));
	/* 12.8 us of traffic at 128 MB/s (1.28e-4 bytes/ps) in 10 us of work:
	   memory-bound, no compute. In 20 us: 7.2 us of compute after it. */
	ss_prog_work(p, "w", 10, 1638.4, 0, 1.28e-4, 0);
	SS_CHECK(ss_prog_len(p) == 1 && ss_prog_at(p, 0)->kind == SS_PROG_MEM, "memory-bound work is its memory step alone");
	ss_prog_work(p, "w", 20, 1638.4, 0, 1.28e-4, 0);
	SS_CHECK(ss_prog_len(p) == 3 && ss_prog_at(p, 2)->kind == SS_PROG_COMPUTE &&
			 llabs((long long)ss_prog_at(p, 2)->dur - 7200000) <= 1,
		 "otherwise memory first, then the rest as compute (%lld ps, want 7200000)",
		 (long long)ss_prog_at(p, 2)->dur);
	const char *l = ss_prog_label(p, "wait %s lock", "TCP");
	SS_CHECK(l && !strcmp(l, "wait TCP lock") && ss_prog_status(p) == SS_OK, "labels the program keeps (%s)", l);
	for (int i = 0; i < 1000; i++)
		ss_prog_compute(p, 1, 0, "tick");
	SS_CHECK(ss_prog_len(p) == 1003 && ss_prog_compute_time(p) == 7200000 + 1000 &&
			 ss_prog_at(p, 1002)->kind == SS_PROG_COMPUTE && !ss_prog_at(p, 1003),
		 "programs grow without a cap (%zu steps)", ss_prog_len(p));
	ss_prog_free(p);
}

/* On one idle processor a program ends after the sum of its compute
   steps; locks nobody holds, transforms and an unlock cost nothing. */
static void idle(void)
{
	host h;
	host_init(&h, 1, 1e9, SS_BUS_FIFO, 0, 0, 1);
	ss_prog *p = NULL;
	SS_MUST(ss_prog_alloc(&p));
	ss_prog_compute(p, ss_time_from_us(12.5), 0, "a");
	ss_prog_lock(p, 0, "wait a");
	ss_prog_compute(p, ss_time_from_us(3), 1, "b");
	ss_prog_unlock(p, 0);
	ss_prog_exec(p, 0);
	ss_prog_compute(p, 777, 0, "c");
	host_run(&h, p, 1, 3);
	SS_CHECK_INT(h.end[0], 3 * ss_prog_compute_time(p), "three runs take three times the sum of the compute steps");
	const ss_prog_ledger *L = ss_prog_env_ledger(h.env);
	SS_CHECK(L->compute[0] == 3.0 * (12500000 + 777) && L->compute[1] == 3.0 * 3000000 && L->lock_wait == 0,
		 "the ledger splits them by tag, exactly, with no lock wait");
	SS_CHECK_INT(h.execs, 3, "the transform step ran once per run");
	ss_prog_free(p);
	host_fini(&h);
}

/* Two threads on two processors, each looping over lock, L under it,
   unlock, U outside, with U < L: the lock is never idle after the start,
   so 2k sections end at 2kL and the last thread leaves U later; the
   other one finished at (2k-1)L + U. The first section waits for no
   one; the second waits L; every later one 2L - (L + U) = L - U. */
static void locking(void)
{
	host h;
	host_init(&h, 2, 1e9, SS_BUS_FIFO, 0, 0, 1);
	ss_prog *p = NULL;
	SS_MUST(ss_prog_alloc(&p));
	ss_time L = ss_time_from_us(164), U = ss_time_from_us(72);
	ss_prog_lock(p, 0, "wait lock");
	ss_prog_compute(p, L, 0, "locked");
	ss_prog_unlock(p, 0);
	ss_prog_compute(p, U, 0, "free");
	int k = 10;
	host_run(&h, p, 2, k);
	ss_time last = h.end[0] > h.end[1] ? h.end[0] : h.end[1], first = h.end[0] > h.end[1] ? h.end[1] : h.end[0];
	SS_CHECK_INT(last, 2 * k * L + U, "the last thread ends at 2kL + U");
	SS_CHECK_INT(first, (2 * k - 1) * L + U, "the other at (2k-1)L + U");
	const ss_prog_ledger *L2 = ss_prog_env_ledger(h.env);
	SS_CHECK_NEAR(L2->lock_wait, (double)L + (2 * k - 2) * (double)(L - U), 0,
		      "lock wait: L for the second section, L - U for each later one (ps)");
	ss_prog_free(p);
	host_fini(&h);
}

/* Memory steps on a FIFO bus of R bytes/s: alone, B bytes take B/R;
   two processors at once, the second waits B/R more. */
static void memory(void)
{
	double R = 1.2e9, B = 4096;
	ss_time one = ss_time_from_s(B / R);
	host h;
	host_init(&h, 2, R, SS_BUS_FIFO, 0, 0, 1);
	ss_prog *p = NULL;
	SS_MUST(ss_prog_alloc(&p));
	ss_prog_mem(p, h.busslot, B, "mem");
	host_run(&h, p, 1, 1);
	/* The bus rounds the transfer to a picosecond. */
	SS_CHECK(llabs((long long)(h.end[0] - one)) <= 1, "alone, 4 KB take 4096 / 1.2e9 s (%lld ps, want %lld)",
		 (long long)h.end[0], (long long)one);
	const ss_prog_ledger *L = ss_prog_env_ledger(h.env);
	SS_CHECK(fabs(L->memory - B / (R * 1e-12)) <= 1 && L->bus_wait <= 1,
		 "the ledger counts it as memory time, no bus wait (%.1f, %.1f ps)", L->memory, L->bus_wait);
	host_fini(&h);
	host_init(&h, 2, R, SS_BUS_FIFO, 0, 0, 1);
	host_run(&h, p, 2, 1);
	ss_time last = h.end[0] > h.end[1] ? h.end[0] : h.end[1];
	L = ss_prog_env_ledger(h.env);
	SS_CHECK(llabs((long long)(last - 2 * one)) <= 2 && fabs(L->bus_wait - (double)one) <= 2,
		 "two at once on a FIFO bus: the second ends at 2B/R, having waited B/R (%lld ps, wait %.0f ps)",
		 (long long)last, L->bus_wait);
	SS_CHECK(ss_cpu_tag_time(h.cpu, SS_CPU_TAG_STALL) * 1e12 >= 3.0 * (double)one - 4,
		 "the processors stall meanwhile (%.0f ps, 3B/R in all)", ss_cpu_tag_time(h.cpu, SS_CPU_TAG_STALL) * 1e12);
	ss_prog_free(p);
	host_fini(&h);
}

/* State moves only when another processor held it last; a reload before
   the program always moves. */
static void migration(void)
{
	double R = 1e9, S = 2000;
	host h;
	host_init(&h, 2, R, SS_BUS_FIFO, 0, 0, 1);
	ss_prog *p = NULL;
	SS_MUST(ss_prog_alloc(&p));
	ss_prog_lock(p, 0, "wait");
	ss_prog_migrate(p, 0, h.busslot, S);
	ss_prog_compute(p, ss_time_from_us(50), 0, "locked");
	ss_prog_unlock(p, 0);
	host_run(&h, p, 1, 4);
	SS_CHECK(ss_prog_env_ledger(h.env)->migrate == 0 && h.end[0] == 4 * ss_time_from_us(50),
		 "one processor: the state never moves");
	host_fini(&h);
	host_init(&h, 2, R, SS_BUS_FIFO, 0, 0, 1);
	host_run(&h, p, 2, 1);
	/* The second thread, on the other processor, takes the state the
	   first one left there: S/R over the bus. */
	SS_CHECK_NEAR(ss_prog_env_ledger(h.env)->migrate, S / R * 1e12, 1,
		      "two processors: the second section moves the state once (ps)");
	host_fini(&h);
	host_init(&h, 1, R, SS_BUS_FIFO, 0, 0, 1);
	h.reload = 3000;
	host_run(&h, p, 1, 1);
	SS_CHECK_NEAR(ss_prog_env_ledger(h.env)->migrate, 3000 / R * 1e12, 1,
		      "a reload before the program is state migration (ps)");
	ss_prog_free(p);
	host_fini(&h);
}

/* Host steps take what the host's callback makes them take; without a
   callback a wait step is a plain timer. */
static void devices(void)
{
	host h;
	host_init(&h, 1, 1e9, SS_BUS_FIFO, 0, 1, 1);
	ss_prog *p = NULL;
	SS_MUST(ss_prog_alloc(&p));
	ss_prog_dma(p, 0, 1500, "dma");
	ss_prog_offload(p, 1, 4096, "offload");
	ss_prog_put(p, 2, 64, "put");
	ss_prog_get(p, 2, "get");
	ss_prog_send(p, 3, 1500, "send");
	ss_prog_wait(p, ss_time_from_us(10), "timer");
	ss_prog_compute(p, ss_time_from_us(1), 0, "cpu");
	host_run(&h, p, 1, 1);
	/* 1 byte/ns: 1500 + 4096 + 64 + 0 + 1500 ns, then 10 us and 1 us. */
	ss_time want = (1500 + 4096 + 64 + 1500) * SS_PS_PER_NS + ss_time_from_us(11);
	SS_CHECK_INT(h.end[0], want, "host steps run in order, for the time the host gives them");
	SS_CHECK(h.devices == 6 && ss_prog_env_ledger(h.env)->device == (double)(want - ss_time_from_us(1)),
		 "the host saw 6 steps; the ledger counts their time as device time");
	host_fini(&h);
	host_init(&h, 1, 1e9, SS_BUS_FIFO, 0, 0, 1);
	ss_prog *q = NULL;
	SS_MUST(ss_prog_alloc(&q));
	ss_prog_wait(q, ss_time_from_us(25), "timer");
	host_run(&h, q, 1, 2);
	SS_CHECK_INT(h.end[0], 2 * ss_time_from_us(25), "without a device callback a wait is a timer");
	ss_prog_free(q);
	ss_prog_free(p);
	host_fini(&h);
}

/* A 12-layer stack's program from the layer types' builds, on an idle
   processor with a bus that caps one processor at the layers' memory
   rate: its time is the compute steps plus the bytes at that rate. */
static void twelve(void)
{
	const char *text = "DES/TCP/MD5/AH(SHA1)/ESP(AES,SHA1,tunnel)/AH/ESP/AH/ESP/AH/IP/ETH";
	ss_layer_stack *st = NULL;
	char err[512];
	SS_MUST(ss_layer_stack_parse(&st, NULL, text, err, sizeof err));
	SS_CHECK_INT(ss_layer_stack_len(st), 12, "a 12-layer stack parses");
	const char *src = getenv("SS_SRCDIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/crypto/profiles", src ? src : ".");
	ss_profile *prof = NULL;
	SS_MUST(ss_profile_load(dir, "r4400-100", NULL, &prof, err, sizeof err));
	double cap = 128e6 * 1e-12; /* bytes/ps */
	host h;
	host_init(&h, 1, 1.2e9, SS_BUS_PS, 0, 0, 1);
	ss_bus_set_cap(h.bus, 128e6);
	ss_prog *p = NULL;
	SS_MUST(ss_prog_alloc(&p));
	int rc = SS_OK;
	for (size_t i = 0; i < ss_layer_stack_len(st) && !rc; i++) {
		ss_layer_costs c;
		ss_layer_costs_init(&c);
		c.tag = 0;
		c.crypto_tag = 1;
		c.bus = h.busslot;
		c.cap = cap;
		c.map_us = 2;
		c.map_lock = 1;
		c.us = 10 + (double)i;
		c.bytes = 256;
		c.profile = prof;
		c.payload_bytes = 1024;
		rc = ss_layer_build(ss_layer_stack_at(st, i), &c, p, err, sizeof err);
	}
	SS_CHECK(rc == SS_OK, "every layer type builds its steps (%s)", rc ? err : "ok");
	double bytes = 0;
	size_t nmem = 0;
	for (size_t i = 0; i < ss_prog_len(p); i++)
		if (ss_prog_at(p, i)->kind == SS_PROG_MEM) {
			bytes += ss_prog_at(p, i)->bytes;
			nmem++;
		}
	host_run(&h, p, 1, 1);
	/* Each transfer rounds to a picosecond. */
	double want = (double)ss_prog_compute_time(p) + bytes / cap;
	SS_CHECK_NEAR((double)h.end[0], want, (double)nmem,
		      "it runs: compute steps plus %.0f bytes at 128 MB/s in %zu memory steps (ps)", bytes, nmem);
	ss_prog_free(p);
	host_fini(&h);
	ss_profile_free(prof);
	ss_layer_stack_free(st);
}

/* Four threads on two processors, cost variation, a lock and memory
   steps: the same seed gives the same run to the picosecond. */
static ss_time noisy(uint64_t seed, double *ledger_sum)
{
	host h;
	host_init(&h, 2, 600e6, SS_BUS_PS, 0.2, 0, seed);
	ss_bus_set_cap(h.bus, 128e6);
	ss_prog *p = NULL;
	SS_MUST(ss_prog_alloc(&p));
	ss_prog_compute(p, ss_time_from_us(20), 0, "a");
	ss_prog_lock(p, 0, "wait");
	ss_prog_migrate(p, 0, h.busslot, 1024);
	ss_prog_work(p, "locked", 30, 2048, h.busslot, 128e-6, 0);
	ss_prog_unlock(p, 0);
	ss_prog_work(p, "free", 50, 4096, h.busslot, 128e-6, 1);
	host_run(&h, p, 4, 50);
	ss_time last = 0;
	for (int i = 0; i < 4; i++)
		last = h.end[i] > last ? h.end[i] : last;
	const ss_prog_ledger *L = ss_prog_env_ledger(h.env);
	*ledger_sum = L->compute[0] + L->compute[1] + L->memory + L->bus_wait + L->migrate + L->lock_wait;
	ss_prog_free(p);
	host_fini(&h);
	return last;
}

static void determinism(void)
{
	double a1, a2, b1;
	ss_time a = noisy(7, &a1), a_again = noisy(7, &a2), b = noisy(8, &b1);
	SS_CHECK(a == a_again && a1 == a2, "same seed: the same end (%lld ps) and ledger, to the last bit", (long long)a);
	SS_CHECK(b != a, "another seed draws other costs (%lld ps against %lld)", (long long)b, (long long)a);
}

int main(void)
{
	ss_test_plan(28);
	building();
	idle();
	locking();
	memory();
	migration();
	devices();
	twelve();
	determinism();
	return ss_test_done();
}
