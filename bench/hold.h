/* The hold model (Jones 1986) over the ss_sim API, with re-arming: N
   events pending; each, when it fires, schedules its successor at
   now + Exp(1) and then re-arms it k times (cancel, schedule again at a
   fresh now + Exp(1)), as a retransmission, polling or keepalive timer is
   re-armed on every packet. k = 0 is the plain hold model. The same code
   (bench/hold.c) is built against the kernel as it is and against the
   kernel rebuilt with lazy cancellation (bench/lazy_names.h). */
#ifndef SS_BENCH_HOLD_H
#define SS_BENCH_HOLD_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_hold_result {
	double rate;       /* events fired per second of thread CPU time */
	double bytes;      /* the kernel's heap memory per live pending event after the run */
	uint64_t trace;    /* hash of every fired event's (time, index) */
} bench_hold_result;

/* Fills n events, runs `warm` events untimed (the lazy heap's cancelled
   entries reach their steady number), then times `events` more. */
bench_hold_result bench_hold_kernel(size_t n, size_t warm, size_t events, int k);
bench_hold_result bench_hold_lazy(size_t n, size_t warm, size_t events, int k);

#endif
