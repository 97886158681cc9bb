/* A ping-pong (request/response) test between two hosts (ss_nethost),
   as the round-trip test of Thekkath, Nguyen, Moy and Lazowska
   ("Implementing network protocols at user level", SIGCOMM 1993) and
   netperf's TCP_RR: on one connection a client process writes a
   request of `size` bytes (one write system call) and reads until the
   whole `size`-byte response is back (as many reads as it takes); a
   server process reads until it has the whole request, then writes the
   response. The client starts the next exchange as soon as the last
   byte of a response is read, so exactly one exchange is in flight.
   A round trip is timed on the client, from the start of its write call
   to the return of the read that brought the response's last byte.
   The TCP configuration is the caller's (ss_nethost_connect): TCP_RR
   runs with Nagle's algorithm on, which delays nothing here, since a
   request is written when all before it has been acknowledged (the
   response carries the ACK). */
#ifndef SS_PINGPONG_H
#define SS_PINGPONG_H

#include <stddef.h>
#include <stdint.h>

#include "ss_nethost.h"
#include "ss_sim.h"

typedef struct ss_pingpong_config {
	uint32_t size;       /* request and response bytes (netperf -r size,size), 1..1048576 */
	int conn;            /* the connection it runs on (made beforehand), >= 0 */
	int cli_cpu, srv_cpu; /* processor each process is bound to, -1: any */
	int setup;           /* 1: each exchange is a connection set-up instead (ss_nethost_open, the peer
				listening): its time is from the connect call to its return; no server process */
	ss_time gap;         /* setup: idle time between set-ups (the last one's ACK settles), >= 0 */
} ss_pingpong_config;

/* size 1 (netperf TCP_RR's default request and response size: the
   netperf manual, -r under "Options Common to TCP UDP and SCTP _RR
   tests", https://nest-open-source.googlesource.com/nest-learning-thermostat/5.0/netperf/+/51a944f11fbac5349c5322e22ad6a0d2103c2ec3/netperf-2.4.5/doc/netperf.info),
   the first connection, no binding. */
void ss_pingpong_config_default(ss_pingpong_config *c);

typedef struct ss_pingpong ss_pingpong;

/* The client runs on cli, the server on srv (two connected hosts).
   SS_EINVAL (message) for a bad config, the same host twice or a
   connection the hosts lack; SS_ENOMEM. Caller-owned: free it before
   the hosts. */
int ss_pingpong_alloc(ss_pingpong **out, ss_sim *sim, ss_nethost *cli, ss_nethost *srv, const ss_pingpong_config *c,
		      char *err, size_t errlen);
void ss_pingpong_free(ss_pingpong *pp); /* NULL is a no-op */

/* Both processes start now. */
void ss_pingpong_start(ss_pingpong *pp);
/* The client stops after the exchange under way (the server waits for
   a request that does not come). */
void ss_pingpong_stop(ss_pingpong *pp);
/* Starts a measurement window: round trips whose write started before
   it are not counted, even if they end inside it. */
void ss_pingpong_reset(ss_pingpong *pp);

typedef struct ss_pingpong_stats {
	uint64_t exchanges;     /* round trips started and ended in the window */
	double rtt_mean_s;      /* over them; all three 0 without any */
	double rtt_min_s, rtt_max_s;
	double window_s;        /* length of the window so far */
} ss_pingpong_stats;
void ss_pingpong_stats_get(const ss_pingpong *pp, ss_pingpong_stats *s);
uint64_t ss_pingpong_exchanges_total(const ss_pingpong *pp); /* since the start */

#endif
