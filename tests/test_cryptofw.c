/* The crypto framework against closed forms: one /dev/crypto request's
   latency alone, with the software driver and with a card (store and
   forward, and streaming), is the sum of the costs on its path to the
   picosecond; sessions go to the least-loaded card, software only as
   fallback; many processes on M cards approach M times the card's rate
   and never pass it; a full card's requests wait with the driver and all
   complete; a kernel consumer's callback is charged in the completion
   interrupt. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_coproc.h"
#include "ss_cpu.h"
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
	ss_cpu_acquire(cpu, &o.t, one_go, &o, 0);
	ss_sim_run(sim);
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
} loop;

static void loop_go(ss_sim *sim, void *ctx, uint64_t arg);
static void loop_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	loop *l = ctx;
	l->n++;
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

int main(void)
{
	ss_test_plan(18);
	const char *src = getenv("SS_SRCDIR");
	snprintf(datadir, sizeof datadir, "%s", src ? src : SS_DATADIR);
	ss_cryptofw_costs c = costs();
	ss_time C = ss_time_from_us(2.5);
	uint64_t got;
	ss_cryptofw_stats st;
	ss_time dtag;

	/* (a) Software driver, null algorithm: the process's path, a switch
	   to the crypto thread, its cost, crypto_done and the wake-up, a
	   switch back. */
	ss_time lat = run_one(NULL, NULL, C, 4096, &got, &st, &dtag);
	ss_time want = host_path(&c, 4096) + C + c.thread + c.done + c.wakeup + C;
	SS_CHECK(lat == want, "software null request: latency %lld ps = path + 2 context switches (%lld ps)",
		 (long long)lat, (long long)want);
	SS_CHECK(got == 4096 && st.requests == 1 && st.bytes == 4096 && st.interrupts == 0 && st.thread_wakeups == 1,
		 "it returns its bytes; one request, no interrupt, one wake-up of the crypto thread");

	/* (b) A store-and-forward card on PCI 32/33: the thread's cost and
	   the driver's, the DMA in, the engine, the DMA out, then the
	   interrupt (which preempts with no context switch charged: the pool
	   charges them between process-level threads), crypto_done and the
	   wake-up, and a switch back to the process. */
	ss_coproc_spec cs = card_spec();
	ss_iobus *bus = NULL;
	ss_sim *s2;
	ss_iobus *b2;
	char err[512];
	if (ss_sim_alloc(&s2, 1) || ss_iobus_alloc(&b2, s2, "bus", "pci32-33", err, sizeof err))
		abort();
	ss_time dma = ss_iobus_dma_time_desc(b2, 4096, cs.desc_bytes);
	ss_time svc = cs.request_overhead + ss_time_from_s(4096 * 8.0 / cs.bps[SS_COPROC_3DES]);
	lat = run_one(&cs, &bus, C, 4096, &got, &st, &dtag);
	want = host_path(&c, 4096) + C + c.thread + c.driver + dma + svc + dma + c.irq + c.done + c.wakeup + C;
	SS_CHECK(lat == want, "card request: latency %lld ps = path + driver + 2 DMAs + engine + interrupt + 2 switches (%lld ps)",
		 (long long)lat, (long long)want);
	SS_CHECK(st.interrupts == 1 && st.requests == 1 && dtag == c.driver + c.irq + c.done + c.wakeup,
		 "one completion interrupt; driver and interrupt time %lld ps = driver + irq + done + wake-up",
		 (long long)dtag);

	/* Streaming, 1 KB chunks: the first chunk in, the engine over all of
	   it, the last chunk out (the engine per chunk, 102 us, outlasts a
	   chunk's DMA both ways, so the rest overlaps). */
	ss_coproc_spec ss = cs;
	ss.stream_chunk = 1024;
	ss.stream_fifo = 2;
	lat = run_one(&ss, &bus, C, 4096, &got, &st, &dtag);
	ss_time first = ss_iobus_dma_time_desc(b2, 1024, ss.desc_bytes);
	ss_time eng = cs.request_overhead + 4 * ss_time_from_s(1024 * 8.0 / cs.bps[SS_COPROC_3DES]);
	want = host_path(&c, 4096) + C + c.thread + c.driver + first + eng + first + c.irq + c.done + c.wakeup + C;
	SS_CHECK(llabs((long long)(lat - want)) <= 4,
		 "streaming card: latency %lld ps = path + first chunk in + engine + last chunk out (%lld ps, +-4 ps of rounding)",
		 (long long)lat, (long long)want);
	SS_CHECK(lat < run_one(&cs, &bus, C, 4096, &got, &st, &dtag), "streaming hides most of the DMA");
	ss_sim_free(s2);

	/* (c) Sessions: three cards and the software driver. */
	ss_sim *sim;
	ss_cpu_pool *cpu;
	ss_cryptofw *fw;
	ss_profile *prof;
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/crypto/profiles", datadir);
	if (ss_sim_alloc(&sim, 1) || ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, 0) ||
	    ss_cryptofw_alloc(&fw, sim, cpu, &c, err, sizeof err) || ss_profile_load(dir, "p3-846", NULL, &prof, err, sizeof err) ||
	    ss_iobus_alloc(&bus, sim, "bus", "pci64-66", err, sizeof err))
		abort();
	ss_coproc *cards[3];
	for (int i = 0; i < 3; i++) {
		char name[8];
		snprintf(name, sizeof name, "c%d", i);
		if (ss_coproc_alloc(&cards[i], sim, name, &cs, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err))
			abort();
		SS_CHECK(ss_cryptofw_add_card(fw, cards[i]) == i, "card %d registers as producer %d", i, i);
	}
	int sw = ss_cryptofw_add_software(fw, prof);
	int sid[8], order_ok = 1;
	for (int i = 0; i < 7; i++) {
		if (ss_cryptofw_newsession(fw, "3des-cbc", &sid[i], err, sizeof err))
			abort();
		order_ok &= ss_cryptofw_session_producer(fw, sid[i]) == i % 3;
	}
	SS_CHECK(order_ok && ss_cryptofw_producer_sessions(fw, 0) == 3 && ss_cryptofw_producer_sessions(fw, 1) == 2,
		 "seven 3DES sessions go to the least-loaded card, ties to the first: 0,1,2,0,1,2,0");
	ss_cryptofw_freesession(fw, sid[1]);
	ss_cryptofw_freesession(fw, sid[4]);
	int s8;
	SS_CHECK(ss_cryptofw_newsession(fw, "3des-cbc", &s8, err, sizeof err) == SS_OK &&
			 ss_cryptofw_session_producer(fw, s8) == 1,
		 "after card 1's sessions close, a new one goes there");
	SS_CHECK(ss_cryptofw_newsession(fw, "des-cbc", &sid[7], err, sizeof err) == SS_OK &&
			 ss_cryptofw_session_producer(fw, sid[7]) == sw && !ss_cryptofw_producer_is_card(fw, sw),
		 "DES, which no card rates, goes to the software driver");
	int bad;
	SS_CHECK(ss_cryptofw_newsession(fw, "rc4", &bad, err, sizeof err) == SS_ENOENT && strstr(err, "rc4"),
		 "an unknown algorithm is refused with its name (%s)", err);
	ss_cryptofw_free(fw);
	ss_profile_free(prof);
	ss_sim_free(sim);

	/* (d) Eight processes on two cards, 16 KB requests, a fast host: the
	   aggregate approaches 2 x 80 Mbit/s of engine time and never passes
	   it (each request also pays the engine's overhead). */
	if (ss_sim_alloc(&sim, 1) || ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, 0))
		abort();
	ss_cryptofw_costs fast = c;
	fast.copy_Bps = 10e9;
	if (ss_cryptofw_alloc(&fw, sim, cpu, &fast, err, sizeof err) || ss_iobus_alloc(&bus, sim, "bus", "pcix-133", err, sizeof err))
		abort();
	for (int i = 0; i < 2; i++) {
		char name[8];
		snprintf(name, sizeof name, "c%d", i);
		if (ss_coproc_alloc(&cards[i], sim, name, &ss, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err))
			abort();
		ss_cryptofw_add_card(fw, cards[i]);
	}
	static loop L[8];
	for (int i = 0; i < 8; i++) {
		L[i] = (loop){.fw = fw, .bytes = 16384};
		ss_thread_init(&L[i].t, (uint32_t)i + 1);
		if (ss_cryptofw_newsession(fw, "3des-cbc", &L[i].sid, err, sizeof err))
			abort();
		ss_cpu_acquire(cpu, &L[i].t, loop_go, &L[i], 0);
	}
	ss_sim_run_until(sim, ss_time_from_s(0.1));
	ss_sim_reset_stats(sim);
	ss_cryptofw_reset(fw);
	ss_sim_run_until(sim, ss_time_from_s(1.1));
	ss_cryptofw_stats_get(fw, &st);
	double tput = (double)st.bytes * 8 / 1.0;
	double bound = 2 * 16384 * 8 / ss_time_to_s(ss_coproc_service(cards[0], SS_COPROC_3DES, 16384));
	/* A request per card may complete in the window with engine time
	   spent before it: 2 x 16384 x 8 bits over the 1 s window. */
	double edge = 2 * 16384 * 8 / 1.0;
	SS_CHECK(tput <= bound + edge && tput >= 0.97 * bound,
		 "8 processes on 2 cards: %.2f Mbit/s against the engines' %.2f (>= 97%%, never above but for a request per card at the window's start)",
		 tput * 1e-6, bound * 1e-6);
	ss_cryptofw_free(fw);
	ss_sim_free(sim);

	/* (e) A card that holds one request, three processes on it: the
	   other requests wait with the driver and every one completes. */
	if (ss_sim_alloc(&sim, 1) || ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, 0) ||
	    ss_cryptofw_alloc(&fw, sim, cpu, &c, err, sizeof err) || ss_iobus_alloc(&bus, sim, "bus", "pci64-66", err, sizeof err))
		abort();
	ss_coproc_spec q1 = cs;
	q1.queue_depth = 1;
	if (ss_coproc_alloc(&cards[0], sim, "c0", &q1, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err))
		abort();
	ss_cryptofw_add_card(fw, cards[0]);
	for (int i = 0; i < 3; i++) {
		L[i] = (loop){.fw = fw, .bytes = 1024};
		ss_thread_init(&L[i].t, (uint32_t)i + 1);
		if (ss_cryptofw_newsession(fw, "3des-cbc", &L[i].sid, err, sizeof err))
			abort();
		ss_cpu_acquire(cpu, &L[i].t, loop_go, &L[i], 0);
	}
	ss_sim_run_until(sim, ss_time_from_s(0.05));
	ss_cryptofw_stats_get(fw, &st);
	SS_CHECK(st.held > 0 && L[0].n > 10 && L[1].n > 10 && L[2].n > 10 && ss_coproc_refused(cards[0]) == st.held,
		 "queue depth 1, three processes: %llu requests held by the driver, each process completes (%llu, %llu, %llu)",
		 (unsigned long long)st.held, (unsigned long long)L[0].n, (unsigned long long)L[1].n,
		 (unsigned long long)L[2].n);
	SS_CHECK(ss_coproc_inflight(cards[0]) <= 1, "never more than one request on the card");
	ss_cryptofw_free(fw);
	ss_sim_free(sim);

	/* (f) A kernel consumer: the callback runs once, where the request
	   completes, and the interrupt is charged its cost. */
	if (ss_sim_alloc(&sim, 1) || ss_cpu_pool_alloc(&cpu, sim, "cpu", 1, 0) ||
	    ss_cryptofw_alloc(&fw, sim, cpu, &c, err, sizeof err) || ss_iobus_alloc(&bus, sim, "bus", "pci64-66", err, sizeof err) ||
	    ss_coproc_alloc(&cards[0], sim, "c0", &cs, SS_COPROC_LOOKASIDE, bus, NULL, err, sizeof err))
		abort();
	ss_cryptofw_add_card(fw, cards[0]);
	int ks;
	if (ss_cryptofw_newsession(fw, "3des-cbc", &ks, err, sizeof err))
		abort();
	ss_sim_run_until(sim, ss_time_from_us(10));
	ss_sim_reset_stats(sim);
	static kreq kr;
	ss_time cb = ss_time_from_us(3);
	ss_time t0 = ss_sim_now(sim);
	ss_cryptofw_dispatch(fw, ks, 2048, cb, &kr.r, k_cb, &kr);
	ss_sim_run(sim);
	ss_time dma2 = ss_iobus_dma_time_desc(bus, 2048, cs.desc_bytes);
	ss_time svc2 = ss_coproc_service(cards[0], SS_COPROC_3DES, 2048);
	want = t0 + c.thread + c.driver + dma2 + svc2 + dma2 + c.irq + c.done + cb;
	SS_CHECK(kr.calls == 1 && kr.at == want,
		 "kernel request: one callback at %lld ps = thread + driver + DMAs + engine + irq + done + cb (%lld ps)",
		 (long long)kr.at, (long long)want);
	SS_CHECK(ss_time_from_s(ss_cpu_tag_time(cpu, SS_CRYPTOFW_TAG_DRIVER)) == c.driver + c.irq + c.done + cb,
		 "its driver and interrupt time includes the callback's cost");
	ss_cryptofw_free(fw);
	ss_sim_free(sim);
	return ss_test_done();
}
