/* Protocol organisations: where a host's protocol code runs and what
   each crossing on its paths costs, as data (platform/orgs/NAME.cfg, the
   sourced preset format of crypto/ss_specfile.h). Thekkath et al.
   (1993) compare three on the same TCP/IP code:
     kernel   the protocol runs in the kernel (Ultrix 4.2A): a read or
              write is a system call; inbound packets are processed at
              software-interrupt level right after the device interrupt.
     server   it runs in one trusted user-level server (Mach 3.0 with the
              UX server, device mapped into the server): a read or write
              is a Mach IPC round trip to the server, whose input thread
              is woken by the kernel for each batch of packets.
     library  it runs in the application's address space (the user-level
              TCP library): a read or write is a procedure call; the
              kernel's network I/O module demultiplexes each inbound
              packet (in software, or by the NIC's buffer queue index),
              puts it in memory shared with the library and signals the
              library's input thread with a semaphore; each packet sent
              is a system call into that module, which checks its header
              against the connection's template.
   In the host (ss_nethost) an organisation other than the kernel one
   runs inbound protocol processing in a process-level protocol thread
   per processor: a packet that arrives while the thread is awake or
   queued joins its batch, so notifications are paid per batch, and
   fewer packets batch when the host is less loaded. The organisation
   NULL is Linux 2.6.11's own kernel paths (ss_nethost.h). */
#ifndef SS_ORG_H
#define SS_ORG_H

#include <stddef.h>
#include <stdint.h>

#include "ss_time.h"

typedef enum ss_org_domain { SS_ORG_KERNEL, SS_ORG_SERVER, SS_ORG_LIBRARY } ss_org_domain;

typedef struct ss_org {
	char domain[16];        /* "kernel", "server" or "library" (as written) */
	int dom;                /* SS_ORG_*, from domain */
	ss_time call;           /* application -> protocol, per read or write call: trap, IPC round trip or procedure call
				   (the socket layer's own code is the protocol profile's syscall layer, charged besides) */
	double call_copy_ns;    /* per byte a call moves between the application and the protocol's buffers */
	uint32_t nocopy_min;    /* calls below this many bytes pay small_copy_ns too; 0: none do */
	double small_copy_ns;   /* per byte of those calls, their extra byte copy (buffers the copy-avoiding path is not used for) */
	ss_time app_wake;       /* waking an application blocked in a call (scheduler wake-up, IPC reply, thread signal), charged to it */
	ss_time ctx_switch;     /* switching the processor between process-level threads (the application and the protocol's thread) */
	ss_time dev_tx;         /* protocol -> device, per packet sent: 0 in the kernel or with a mapped device; the network I/O module's trap and template check */
	ss_time demux_sw;       /* per packet received, in the interrupt: software demultiplexing to the protocol's buffers (a NIC without it in hardware) */
	ss_time demux_hw;       /* per packet received, in the interrupt, on a NIC that demultiplexes in hardware (buffer queue index): its management */
	ss_time notify;         /* waking the sleeping protocol thread, in the interrupt (semaphore signal, message to the server); kernel: unused */
	ss_time proto_run;      /* per run of the protocol thread (its wait's return), besides the profile's softirq layer
				   (the input loop's own code); kernel: unused */
	/* Connection set-up (ss_nethost_open), where this organisation does it: */
	ss_time setup_active;   /* the active open's own work before its SYN (a connection block, a route, the
				   registry server's end-point allocation) */
	ss_time setup_passive;  /* the listening side's work for a SYN before its SYN-ACK (a new socket and block) */
	ss_time setup_complete; /* the active side's work when the SYN-ACK has come, before connect returns (the
				   library: its channels to the device and the TCP state handed to it) */
	ss_time setup_dev;      /* per set-up segment sent or received, beyond the normal path (the registry server
				   reaches the device by IPC, not through the library's shared memory) */
	ss_time setup_bqi;      /* per side, on a NIC that demultiplexes in hardware: setting up the connection's ring */
} ss_org;

/* Loads dir/NAME.cfg (platform/orgs/). Every setting carries a source.
   Errors "file:line: what is wrong": SS_ENOENT (no such organisation:
   the message lists dir's), SS_EPARSE, SS_EINVAL. desc (may be NULL)
   gets the file's description. */
int ss_org_load(const char *dir, const char *name, ss_org *org, char *desc, size_t desclen, char *err, size_t errlen);
/* SS_OK, or SS_EINVAL with what is wrong in msg. */
int ss_org_check(const ss_org *o, char *msg, size_t len);
/* A numeric setting by its name in the files (call_us, ...), for
   reports: SS_ENOENT for an unknown or string key. */
int ss_org_get(const ss_org *o, const char *key, double *value);
/* "kernel", "server", "library". */
const char *ss_org_domain_name(int dom);

#endif
