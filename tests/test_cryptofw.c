/* The crypto framework against closed forms: one /dev/crypto request's
   latency alone, with the software driver and with a card (store and
   forward, and streaming), is the sum of the costs on its path to the
   picosecond, with the context switches the processor pool charges;
   sessions go to the least-loaded card, software only as fallback; many
   processes on M cards approach M times the card's rate and never pass
   it; a full card's requests wait with the driver and all complete; a
   kernel consumer's callback runs once per request and is charged where
   the request completes (the completion interrupt, or the crypto thread
   for the software driver). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_coproc.h"
#include "ss_cpu.h"
#include "ss_crypto.h"
#include "ss_cryptofw.h"
#include "ss_err.h"
#include "ss_iobus.h"
#include "ss_profile.h"
#include "ss_sim.h"
#include "ss_test.h"

static char datadir[4096];

static ss_cryptofw_costs costs(void)
{
	return (ss_cryptofw_costs){
		.syscall = ss_time_from_us(0.5),
		.validate = ss_time_from_us(1.25),
		.copy_Bps = 400e6,
		.dispatch = ss_time_from_us(0.3),
		.wakeup = ss_time_from_us(0.35),
		.thread = ss_time_from_us(0.4),
		.driver = ss_time_from_us(2.0),
		.irq = ss_time_from_us(1.1),
		.done = ss_time_from_us(0.6),
	};
}

static ss_coproc_spec card_spec(void)
{
	ss_coproc_spec s;
	memset(&s, 0, sizeof s);
	s.bps[SS_COPROC_3DES] = 80e6;
	s.request_overhead = ss_time_from_us(3);
	s.queue_depth = 16;
	s.desc_bytes = 64;
	return s;
}

/* One process: acquire, one ioctl, record. */
typedef struct one {
	ss_cryptofw *fw;
	ss_cpu_pool *cpu;
	ss_thread t;
	ss_cryptofw_req r;
	int sid;
	uint32_t bytes;
	ss_time t0, t1;
	uint64_t got;
} one;

static void one_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	one *o = ctx;
	o->t1 = ss_sim_now(sim);
	o->got = arg;
	ss_cpu_release(o->cpu, &o->t);
}

static void one_go(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	one *o = ctx;
	o->t0 = ss_sim_now(sim);
	ss_cryptofw_ioctl(o->fw, o->sid, &o->t, o->bytes, &o->r, one_done, o);
}

/* The host's part of a request with its copies (both ways). */
static ss_time host_path(const ss_cryptofw_costs *c, uint32_t bytes)
{
	ss_time copy = ss_time_from_s((double)bytes / c->copy_Bps);
	return c->syscall + c->validate + copy + c->dispatch + c->wakeup + copy;
}

/* A one-request run; card NULL: the software driver with the null
   algorithm. Returns the latency and checks what the run reported. */
static uint64_t last_switches; /* context switches of the last run_one */

static ss_time run_one(const ss_coproc_spec *cs, ss_iobus **busp, ss_time ctxsw, uint32_t bytes, uint64_t *got,
		       ss_cryptofw_stats *st, ss_time *driver_tag)
{
	ss_sim *sim;
	ss_cpu_pool *cpu;
	ss_cryptofw *fw;
	char err[512];
	if (ss_sim_alloc(&sim, 1) || ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, ctxsw))
		abort();
	ss_cryptofw_costs c = costs();
	if (ss_cryptofw_alloc(&fw, sim, cpu, &c, err, sizeof err))
		abort();
	if (cs) {
		ss_iobus *bus;
		ss_coproc *card;
		if (ss_iobus_alloc(&bus, sim, "bus", "pci32-33", err, sizeof err) ||
		    ss_coproc_alloc(&card, sim, "c", cs, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err))
			abort();
		if (busp)
			*busp = bus;
		ss_cryptofw_add_card(fw, card);
	} else {
		ss_cryptofw_add_software(fw, NULL);
	}
	static one o;
	memset(&o, 0, sizeof o);
	o.fw = fw;
	o.cpu = cpu;
	o.bytes = bytes;
	ss_thread_init(&o.t, 1);
	if (ss_cryptofw_newsession(fw, cs ? "3des-cbc" : "null", &o.sid, err, sizeof err))
		abort();
	/* The crypto thread first runs (and sleeps) at time 0; the process
	   starts a little later, so the processor last ran the thread. */
	ss_sim_run_until(sim, ss_time_from_us(10));
	ss_sim_reset_stats(sim);
	ss_cpu_acquire(cpu, &o.t, one_go, &o, 0);
	ss_sim_run(sim);
	last_switches = ss_cpu_switches(cpu);
	*got = o.got;
	ss_cryptofw_stats_get(fw, st);
	*driver_tag = ss_time_from_s(ss_cpu_tag_time(cpu, SS_CRYPTOFW_TAG_DRIVER));
	ss_time lat = o.t1 - o.t0;
	ss_cryptofw_free(fw);
	if (busp)
		*busp = NULL;
	ss_sim_free(sim);
	return lat;
}

/* Closed loop of n processes on a framework, for throughput. */
typedef struct loop {
	ss_cryptofw *fw;
	ss_thread t;
	ss_cryptofw_req r;
	int sid;
	uint32_t bytes;
	uint64_t n;
	uint64_t limit; /* stop after this many (0: never) */
	ss_cpu_pool *cpu;
} loop;

static void loop_go(ss_sim *sim, void *ctx, uint64_t arg);
static void loop_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	loop *l = ctx;
	l->n++;
	if (l->limit && l->n == l->limit) {
		ss_cpu_release(l->cpu, &l->t);
		return;
	}
	loop_go(sim, l, 0);
}
static void loop_go(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	loop *l = ctx;
	ss_cryptofw_ioctl(l->fw, l->sid, &l->t, l->bytes, &l->r, loop_done, l);
}

/* A kernel consumer's request. */
typedef struct kreq {
	ss_cryptofw_req r;
	int calls;
	ss_time at;
} kreq;
static void k_cb(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	kreq *k = ctx;
	k->calls++;
	k->at = ss_sim_now(sim);
}

/* Cumulative bytes the framework completed, sampled at `at`: the
   throughput bound must hold at every sample, not only at the end. */
typedef struct sampler {
	ss_cryptofw *fw;
	double bound_Bps; /* bytes per second the engines can at most serve */
	int over;         /* samples above the bound */
	int n;
} sampler;

static void sample(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	sampler *sp = ctx;
	ss_cryptofw_stats st;
	ss_cryptofw_stats_get(sp->fw, &st);
	sp->over += (double)st.bytes > sp->bound_Bps * ss_time_to_s(ss_sim_now(sim));
	sp->n++;
}

int main(void)
{
	ss_test_plan(27);
	const char *src = getenv("SS_SRCDIR");
	snprintf(datadir, sizeof datadir, "%s", src && src[0] ? src : SS_DATADIR);
	ss_cryptofw_costs c = costs();
	ss_time C = ss_time_from_us(2.5);
	uint64_t got;
	ss_cryptofw_stats st;
	ss_time dtag;
	char err[512];

	/* (a) Software driver, null algorithm, one processor. The process
	   computes syscall + validate, the copy in, dispatch + wake-up (the
	   crypto thread sleeps) and sleeps; the thread gets the processor (a
	   context switch), computes its own cost, then the transform (0 for
	   null) + crypto_done + the wake-up of the process, and sleeps; the
	   process gets the processor back (a context switch) and copies out. */
	ss_time lat = run_one(NULL, NULL, C, 4096, &got, &st, &dtag);
	ss_time copy = ss_time_from_s(4096 / c.copy_Bps);
	ss_time want = c.syscall + c.validate + copy + c.dispatch + c.wakeup + C + c.thread + 0 + c.done + c.wakeup +
		       C + copy;
	SS_CHECK(lat == want, "software null request: latency %lld ps = path + 2 context switches (%lld ps)",
		 (long long)lat, (long long)want);
	SS_CHECK(got == 4096 && st.requests == 1 && st.bytes == 4096 && st.interrupts == 0 && st.thread_wakeups == 1,
		 "it returns its bytes; one request, no interrupt, one wake-up of the crypto thread");
	SS_CHECK_INT(last_switches, 3, "three context switches: to the process, to the crypto thread, back");
	SS_CHECK_NEAR(st.mean_latency_us, ss_time_to_us(want), 1e-6, "the framework's mean latency is the same, us");

	/* (b) A store-and-forward card on PCI 32/33: the thread's cost and
	   the driver's, the DMA in, the engine, the DMA out, then the
	   interrupt (no context switch: the pool charges them between
	   process-level threads only), crypto_done and the wake-up, and a
	   switch back to the process. */
	ss_coproc_spec cs = card_spec();
	ss_iobus *bus = NULL;
	ss_sim *s2;
	ss_iobus *b2;
	ss_coproc *c2;
	SS_MUST(ss_sim_alloc(&s2, 1));
	SS_MUST(ss_iobus_alloc(&b2, s2, "bus", "pci32-33", err, sizeof err));
	SS_MUST(ss_coproc_alloc(&c2, s2, "ref", &cs, SS_COPROC_LOOKASIDE, b2, NULL, err, sizeof err));
	ss_time host = host_path(&c, 4096);
	ss_time dma = ss_iobus_dma_time_desc(b2, 4096, cs.desc_bytes);
	ss_time svc = ss_coproc_service(c2, SS_COPROC_3DES, 4096);
	lat = run_one(&cs, &bus, C, 4096, &got, &st, &dtag);
	want = host + C + c.thread + c.driver + dma + svc + dma + c.irq + c.done + c.wakeup + C;
	SS_CHECK(lat == want, "card request: latency %lld ps = path + driver + 2 DMAs + engine + interrupt + 2 switches (%lld ps)",
		 (long long)lat, (long long)want);
	SS_CHECK(st.interrupts == 1 && st.requests == 1 && last_switches == 3 &&
			 dtag == c.driver + c.irq + c.done + c.wakeup,
		 "one completion interrupt, 3 switches; driver and interrupt time %lld ps = driver + irq + done + wake-up",
		 (long long)dtag);

	/* Streaming, 1 KB chunks, FIFOs of 2: the first chunk and the
	   descriptor in, the overhead and the engine over all the bytes, the
	   last chunk and the result out. The engine per chunk (102.4 us)
	   outlasts the two chunk DMAs that share the bus while it works (the
	   previous chunk's output and the next chunk's input), so it never
	   waits and the rest of the DMA overlaps it. At 80 Mbit/s a chunk's
	   engine time is a whole number of ps, so the sum of the chunks is
	   the whole request's. */
	ss_coproc_spec ss = cs;
	ss.stream_chunk = 1024;
	ss.stream_fifo = 2;
	ss_time first = ss_iobus_dma_time_desc(b2, 1024, ss.desc_bytes);
	ss_time chunk_eng = ss_time_from_s(1024 * 8.0 / cs.bps[SS_COPROC_3DES]);
	SS_CHECK(2 * ss_iobus_dma_time(b2, 1024) < chunk_eng && 4 * chunk_eng + cs.request_overhead == svc,
		 "the closed form's conditions: 2 chunk DMAs (%.2f us) < a chunk's engine time (%.2f us); whole ps",
		 2 * ss_time_to_us(ss_iobus_dma_time(b2, 1024)), ss_time_to_us(chunk_eng));
	lat = run_one(&ss, &bus, C, 4096, &got, &st, &dtag);
	want = host + C + c.thread + c.driver + first + svc + first + c.irq + c.done + c.wakeup + C;
	SS_CHECK(lat == want,
		 "streaming card: latency %lld ps = path + first chunk in + engine + last chunk out + irq (%lld ps)",
		 (long long)lat, (long long)want);
	SS_CHECK(st.interrupts == 1 && st.requests == 1 && lat < run_one(&cs, &bus, C, 4096, &got, &st, &dtag),
		 "one interrupt; streaming hides most of the DMA");
	ss_sim_free(s2);

	/* (c) Sessions: three cards (3DES only) and the software driver. */
	ss_sim *sim;
	ss_cpu_pool *cpu;
	ss_cryptofw *fw;
	ss_profile *prof;
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/crypto/profiles", datadir);
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, 0));
	SS_MUST(ss_cryptofw_alloc(&fw, sim, cpu, &c, err, sizeof err));
	SS_MUST(ss_profile_load(dir, "p3-846", NULL, &prof, err, sizeof err));
	SS_MUST(ss_iobus_alloc(&bus, sim, "bus", "pci64-66", err, sizeof err));
	ss_coproc *cards[3];
	int reg_ok = 1;
	for (int i = 0; i < 3; i++) {
		char name[8];
		snprintf(name, sizeof name, "c%d", i);
		SS_MUST(ss_coproc_alloc(&cards[i], sim, name, &cs, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err));
		reg_ok &= ss_cryptofw_add_card(fw, cards[i]) == i;
	}
	int sw = ss_cryptofw_add_software(fw, prof);
	SS_CHECK(reg_ok && sw == 3 && ss_cryptofw_producers(fw) == 4 && ss_cryptofw_add_software(fw, prof) == -SS_EINVAL,
		 "cards register as producers 0, 1, 2, the software driver as 3; a second software driver is refused");
	int sid[9], order_ok = 1;
	for (int i = 0; i < 7; i++) {
		SS_MUST(ss_cryptofw_newsession(fw, "3des-cbc", &sid[i], err, sizeof err));
		order_ok &= ss_cryptofw_session_producer(fw, sid[i]) == i % 3;
	}
	SS_CHECK(order_ok && ss_cryptofw_producer_sessions(fw, 0) == 3 && ss_cryptofw_producer_sessions(fw, 1) == 2 &&
			 ss_cryptofw_producer_sessions(fw, 2) == 2 && ss_cryptofw_producer_sessions(fw, sw) == 0,
		 "seven 3DES sessions go to the least-loaded card, ties to the first: 0,1,2,0,1,2,0 (3, 2, 2, none to software)");
	ss_cryptofw_freesession(fw, sid[1]);
	SS_CHECK_INT(ss_cryptofw_producer_sessions(fw, 1), 1, "freesession takes one from card 1");
	ss_cryptofw_freesession(fw, sid[4]);
	SS_CHECK_INT(ss_cryptofw_producer_sessions(fw, 1), 0, "and another");
	SS_CHECK(ss_cryptofw_newsession(fw, "3des-cbc", &sid[7], err, sizeof err) == SS_OK &&
			 ss_cryptofw_session_producer(fw, sid[7]) == 1 && ss_cryptofw_producer_sessions(fw, 1) == 1,
		 "a new session then goes to card 1, now the least loaded");
	const ss_crypto_alg *des;
	SS_MUST(ss_crypto_alg_find("des-cbc", &des, err, sizeof err));
	SS_CHECK(ss_profile_has(prof, des) && ss_cryptofw_newsession(fw, "des-cbc", &sid[8], err, sizeof err) == SS_OK &&
			 ss_cryptofw_session_producer(fw, sid[8]) == sw && !ss_cryptofw_producer_is_card(fw, sw) &&
			 ss_cryptofw_producer_sessions(fw, sw) == 1,
		 "DES, which no card rates and the software profile prices, goes to the software driver");
	int bad;
	err[0] = '\0';
	SS_CHECK(ss_cryptofw_newsession(fw, "rc4", &bad, err, sizeof err) == SS_ENOENT && strstr(err, "rc4"),
		 "an unknown algorithm is refused with a message naming it (%s)", err);
	ss_cryptofw_free(fw);
	ss_profile_free(prof);
	ss_sim_free(sim);
	/* No software driver: DES has nowhere to go. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, 0));
	SS_MUST(ss_cryptofw_alloc(&fw, sim, cpu, &c, err, sizeof err));
	SS_MUST(ss_iobus_alloc(&bus, sim, "bus", "pci64-66", err, sizeof err));
	SS_MUST(ss_coproc_alloc(&cards[0], sim, "c0", &cs, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err));
	ss_cryptofw_add_card(fw, cards[0]);
	err[0] = '\0';
	SS_CHECK(ss_cryptofw_newsession(fw, "des-cbc", &bad, err, sizeof err) == SS_ENOENT && strstr(err, "des-cbc"),
		 "an algorithm no producer supports is refused (%s)", err);
	ss_cryptofw_free(fw);
	ss_sim_free(sim);

	/* (d) Eight processes on three cards, 16 KB requests, a fast host
	   (the host's costs are about 10 us a request against 1.6 ms of
	   engine): from time 0 each card's engine can have finished at most
	   t / service requests by t, so the completed bytes never pass
	   3 x 16384 / service(16384) x t, which is below 3 x 80 Mbit/s; after
	   1 s they reach 97% of 3 x 80 Mbit/s. */
	enum { M = 3, N = 8 };
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, 0));
	ss_cryptofw_costs fast = c;
	fast.copy_Bps = 10e9;
	SS_MUST(ss_cryptofw_alloc(&fw, sim, cpu, &fast, err, sizeof err));
	SS_MUST(ss_iobus_alloc(&bus, sim, "bus", "pcix-133", err, sizeof err));
	for (int i = 0; i < M; i++) {
		char name[8];
		snprintf(name, sizeof name, "c%d", i);
		SS_MUST(ss_coproc_alloc(&cards[i], sim, name, &cs, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err));
		ss_cryptofw_add_card(fw, cards[i]);
	}
	static loop L[N];
	for (int i = 0; i < N; i++) {
		L[i] = (loop){.fw = fw, .bytes = 16384, .cpu = cpu};
		ss_thread_init(&L[i].t, (uint32_t)i + 1);
		SS_MUST(ss_cryptofw_newsession(fw, "3des-cbc", &L[i].sid, err, sizeof err));
		ss_cpu_acquire(cpu, &L[i].t, loop_go, &L[i], 0);
	}
	double rate = cs.bps[SS_COPROC_3DES];
	sampler sp = {.fw = fw,
		      .bound_Bps = M * 16384 / ss_time_to_s(ss_coproc_service(cards[0], SS_COPROC_3DES, 16384))};
	for (int i = 1; i < 100; i++)
		ss_sim_at(sim, ss_time_from_s(0.01 * i), sample, &sp, 0);
	ss_sim_run_until(sim, ss_time_from_s(1.0));
	ss_cryptofw_stats_get(fw, &st);
	double tput = (double)st.bytes * 8 / 1.0;
	SS_CHECK(sp.n == 99 && sp.over == 0 && st.bytes <= sp.bound_Bps * 1.0 && tput <= M * rate,
		 "%d processes on %d cards: completed bytes never above %d x 16384 / service at any of %d samples, "
		 "nor %d x 80 Mbit/s",
		 N, M, M, sp.n, M);
	SS_CHECK(tput >= 0.97 * M * rate, "and approach it: %.2f Mbit/s = %.4f of %d x 80 Mbit/s", tput * 1e-6,
		 tput / (M * rate), M);
	uint64_t lo = UINT64_MAX, hi = 0;
	for (int i = 0; i < M; i++) {
		uint64_t n = ss_cryptofw_producer_requests(fw, i);
		lo = n < lo ? n : lo;
		hi = n > hi ? n : hi;
	}
	SS_CHECK(hi - lo <= 1, "each card is kept busy: %llu to %llu requests each", (unsigned long long)lo,
		 (unsigned long long)hi);
	ss_cryptofw_free(fw);
	ss_sim_free(sim);

	/* (e) A card that holds one request, three sessions on it, each
	   process 50 requests: the card refuses the others, the driver keeps
	   them and sends them back on a completion, and every one completes. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, 0));
	SS_MUST(ss_cryptofw_alloc(&fw, sim, cpu, &c, err, sizeof err));
	SS_MUST(ss_iobus_alloc(&bus, sim, "bus", "pci64-66", err, sizeof err));
	ss_coproc_spec q1 = cs;
	q1.queue_depth = 1;
	SS_MUST(ss_coproc_alloc(&cards[0], sim, "c0", &q1, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err));
	ss_cryptofw_add_card(fw, cards[0]);
	for (int i = 0; i < 3; i++) {
		L[i] = (loop){.fw = fw, .bytes = 1024, .limit = 50, .cpu = cpu};
		ss_thread_init(&L[i].t, (uint32_t)i + 1);
		SS_MUST(ss_cryptofw_newsession(fw, "3des-cbc", &L[i].sid, err, sizeof err));
		ss_cpu_acquire(cpu, &L[i].t, loop_go, &L[i], 0);
	}
	ss_sim_run(sim);
	ss_cryptofw_stats_get(fw, &st);
	SS_CHECK(st.held > 0 && ss_coproc_refused(cards[0]) == st.held,
		 "queue depth 1, three sessions: %llu requests held by the driver, as many refused by the card",
		 (unsigned long long)st.held);
	SS_CHECK(L[0].n == 50 && L[1].n == 50 && L[2].n == 50 && st.requests == 150 && ss_coproc_requests(cards[0]) == 150 &&
			 ss_coproc_inflight(cards[0]) == 0 && ss_cryptofw_producer_requests(fw, 0) == 150,
		 "all 150 complete (%llu, %llu, %llu), the card is empty", (unsigned long long)L[0].n,
		 (unsigned long long)L[1].n, (unsigned long long)L[2].n);
	ss_cryptofw_free(fw);
	ss_sim_free(sim);

	/* (f) A kernel consumer on a card: the callback runs once, in the
	   completion interrupt, which is charged irq + done + cb; the DRIVER
	   tag also has the driver's per-request work on the crypto thread. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, C));
	SS_MUST(ss_cryptofw_alloc(&fw, sim, cpu, &c, err, sizeof err));
	SS_MUST(ss_iobus_alloc(&bus, sim, "bus", "pci64-66", err, sizeof err));
	SS_MUST(ss_coproc_alloc(&cards[0], sim, "c0", &cs, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err));
	ss_cryptofw_add_card(fw, cards[0]);
	int ks;
	SS_MUST(ss_cryptofw_newsession(fw, "3des-cbc", &ks, err, sizeof err));
	ss_sim_run_until(sim, ss_time_from_us(10));
	ss_sim_reset_stats(sim);
	static kreq kr[3];
	ss_time cb = ss_time_from_us(3);
	ss_time t0 = ss_sim_now(sim);
	ss_cryptofw_dispatch(fw, ks, 2048, cb, &kr[0].r, k_cb, &kr[0]);
	ss_sim_run(sim);
	ss_time dma2 = ss_iobus_dma_time_desc(bus, 2048, cs.desc_bytes);
	ss_time svc2 = ss_coproc_service(cards[0], SS_COPROC_3DES, 2048);
	/* The crypto thread ran last on the processor: no context switch. */
	want = t0 + c.thread + c.driver + dma2 + svc2 + dma2 + c.irq + c.done + cb;
	SS_CHECK(kr[0].calls == 1 && kr[0].at == want,
		 "kernel request: one callback at %lld ps = thread + driver + DMAs + engine + irq + done + cb (%lld ps)",
		 (long long)kr[0].at, (long long)want);
	SS_CHECK(ss_time_from_s(ss_cpu_tag_time(cpu, SS_CRYPTOFW_TAG_DRIVER)) == c.driver + c.irq + c.done + cb,
		 "driver-tag time = driver + irq + 1 x (done + cb)");
	SS_CHECK(ss_time_from_s(ss_cpu_state_time(cpu, 0, SS_CPU_STATE_IRQ)) == c.irq + c.done + cb,
		 "the completion interrupt alone is charged irq + 1 x (done + cb) (%.3f us)",
		 ss_cpu_state_time(cpu, 0, SS_CPU_STATE_IRQ) * 1e6);
	/* Three at once: one callback each; the interrupt time is irq per
	   handler run plus done + cb per request. */
	ss_sim_reset_stats(sim);
	ss_cryptofw_reset(fw);
	for (int i = 0; i < 3; i++) {
		kr[i] = (kreq){0};
		ss_cryptofw_dispatch(fw, ks, 2048, cb, &kr[i].r, k_cb, &kr[i]);
	}
	ss_sim_run(sim);
	ss_cryptofw_stats_get(fw, &st);
	ss_time irq3 = (ss_time)st.interrupts * c.irq + 3 * (c.done + cb);
	SS_CHECK(kr[0].calls == 1 && kr[1].calls == 1 && kr[2].calls == 1 && kr[0].at < kr[1].at && kr[1].at < kr[2].at &&
			 st.requests == 3 && st.interrupts >= 1 &&
			 ss_time_from_s(ss_cpu_tag_time(cpu, SS_CRYPTOFW_TAG_DRIVER)) == 3 * c.driver + irq3 &&
			 ss_time_from_s(ss_cpu_state_time(cpu, 0, SS_CPU_STATE_IRQ)) == irq3,
		 "three kernel requests: each callback once, in order; %llu interrupts charged irq each + 3 x (done + cb)",
		 (unsigned long long)st.interrupts);
	ss_cryptofw_free(fw);
	ss_sim_free(sim);

	/* A kernel consumer on the software driver: the callback runs on the
	   crypto thread, charged with the transform (0 for null) and done. */
	SS_MUST(ss_sim_alloc(&sim, 1));
	SS_MUST(ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, C));
	SS_MUST(ss_cryptofw_alloc(&fw, sim, cpu, &c, err, sizeof err));
	ss_cryptofw_add_software(fw, NULL);
	SS_MUST(ss_cryptofw_newsession(fw, "null", &ks, err, sizeof err));
	ss_sim_run_until(sim, ss_time_from_us(10));
	ss_sim_reset_stats(sim);
	kr[0] = (kreq){0};
	t0 = ss_sim_now(sim);
	ss_cryptofw_dispatch(fw, ks, 512, cb, &kr[0].r, k_cb, &kr[0]);
	ss_sim_run(sim);
	ss_cryptofw_stats_get(fw, &st);
	SS_CHECK(kr[0].calls == 1 && kr[0].at == t0 + c.thread + c.done + cb && st.interrupts == 0 &&
			 ss_time_from_s(ss_cpu_tag_time(cpu, SS_CRYPTOFW_TAG_CRYPTO)) == c.done + cb &&
			 ss_cpu_switches(cpu) == 0,
		 "software kernel request: callback at thread + done + cb (%lld ps), no interrupt, no context switch",
		 (long long)(kr[0].at - t0));
	ss_cryptofw_free(fw);
	ss_sim_free(sim);
	return ss_test_done();
}
