/* Model "netpair": netperf TCP_STREAM between two Linux 2.6.11 hosts
   connected back to back, as in Iatrou et al., "Network Stack
   Optimization for Improved IPsec Performance on Linux" (seed 004,
   reference/iatrou09.csv): plain IP or IPsec (AH, ESP, transport or
   tunnel), stock or tuned TCP, with or without NAPI, at any MTU.

   Each host is a host profile (hosts/NAME.cfg: crypto and protocol cost
   profiles, NIC preset, I/O bus, processors), built by platform/nethost
   from the platform parts; the workload is workloads/netperf. Nothing
   here is fitted to the paper's results: the throughput and the CPU
   states by kind are outputs of the costs and the mechanisms. A host
   whose crypto profile derives from this machine's calibration ("host")
   gets it as a file the command line writes (cli/profiles.c), through
   sender_profile / receiver_profile: the model reads files only.

   With `org` the hosts run a protocol organisation (platform/orgs/:
   the protocol code in the kernel, a trusted server or a user-level
   library, as Thekkath et al. 1993) and, with tcp = "bsd43", 4.3BSD's
   TCP; workload "pingpong" measures round trips (workloads/pingpong). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "ss_cfgfile.h"
#include "ss_crypto.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_ipsec.h"
#include "ss_link.h"
#include "ss_model.h"
#include "ss_nethost.h"
#include "ss_netperf.h"
#include "ss_nic.h"
#include "ss_org.h"
#include "ss_pingpong.h"
#include "ss_profile.h"
#include "ss_protoprof.h"
#include "ss_tcp.h"

/* What the model takes from a host profile. */
typedef struct nphost {
	char cpu_profile[64], proto_profile[64], nic[64], iobus[32];
	int processors;
} nphost;

typedef struct np {
	ss_sim *sim;
	ss_pktpool *pool;
	ss_link *link;
	ss_crypto *crypto;
	ss_profile *cprof[2];
	ss_protoprof *pprof[2];
	ss_nethost *host[2];  /* 0 sender, 1 receiver */
	ss_org org;           /* the organisation both run, if has_org */
	int has_org;
	ss_netperf *np;       /* workload stream */
	ss_pingpong *pp;      /* workload pingpong or setup */
	int setup;
	ss_time window;
	double full_goodput;  /* bit/s of payload: back-to-back full segments on cores_needed's link */
	int cores_other_link; /* that link is not the stream's (cores_link_mbps) */
	int single;           /* one stream on one processor per host: cores_needed applies */
	int raw;              /* transport raw */
} np;

static const ss_param_def np_params[] = {
	{.name = "label", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "free text naming the configuration in results (not used by the model)"},
	{.name = "sender", .type = SS_PARAM_STRING, .def = "X1", .unit = "",
	 .help = "sending host: a host profile in hosts/ (I09 Table 1: P2, A, P41, P42, P4M, X1, X2)"},
	{.name = "receiver", .type = SS_PARAM_STRING, .def = "X2", .unit = "", .help = "receiving host profile"},
	{.name = "sender_profile", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "crypto cost profile of the sender (crypto/profiles/NAME, or a file); empty: its host profile's cpu_profile. A calibration-derived one (\"host\") is written from the latest `secsim calibrate` by run and reproduce"},
	{.name = "receiver_profile", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "crypto cost profile of the receiver; empty: its host profile's"},
	{.name = "ipsec", .type = SS_PARAM_STRING, .def = "IP", .unit = "",
	 .help = "\"IP\" (none), \"AH MD5\", \"ESP 3DES SHA1\", \"ESP AES128 SHA1 tunnel\", \"ESP 3DES AH SHA1\", ..."},
	{.name = "link_mbps", .type = SS_PARAM_REAL, .def = "100", .min = 1, .max = 100000, .unit = "Mbit/s",
	 .help = "back-to-back Ethernet link rate (I09: 10, 100, 1000)"},
	{.name = "cores_link_mbps", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1e6, .unit = "Mbit/s",
	 .help = "link rate cores_needed is computed for (a link faster than the NIC can drive: the stream runs on link_mbps); 0: link_mbps"},
	{.name = "mtu", .type = SS_PARAM_INT, .def = "1500", .min = 576, .max = 9000, .unit = "bytes",
	 .help = "IP MTU on the link (I09-044: 1500; I09-056: 9000)"},
	{.name = "prop_delay_us", .type = SS_PARAM_REAL, .def = "1", .min = 0, .max = 1e7, .unit = "us",
	 .help = "one-way propagation delay. ASSUMPTION: back-to-back cable (I09 sec. 3.1) of a few metres at 5 ns/m plus the two PHYs' latency, about 1 us"},
	{.name = "loss", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 0.5, .unit = "",
	 .help = "probability a frame is lost on the wire"},
	{.name = "msg_size", .type = SS_PARAM_INT, .def = "8192", .min = 1, .max = 65536, .unit = "bytes",
	 .help = "netperf send size (I09: 64 .. 32768)"},
	{.name = "recv_size", .type = SS_PARAM_INT, .def = "87380", .min = 1, .max = 4194304, .unit = "bytes",
	 .help = "most bytes per read. ASSUMPTION: netperf's default, the receive socket buffer at the start (tcp_rmem default 87380)"},
	{.name = "tcp_tuning", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "I09 sec. 5.1 tuning: timestamps, window scaling, SACK, socket buffers 87380/4194304/4194304"},
	{.name = "napi", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "NAPI driver (I09 sec. 5.2): interrupt masked while the softirq polls"},
	{.name = "napi_weight", .type = SS_PARAM_INT, .def = "64", .min = 1, .max = 4096, .unit = "packets",
	 .help = "packets per poll (e1000 netdev->weight 64, Linux 2.6.11)"},
	{.name = "irq_min_interval_us", .type = SS_PARAM_REAL, .def = "-1", .min = -1, .max = 1e6, .unit = "us",
	 .help = "interrupt moderation: least time between interrupts; -1: the NIC preset's (e1000 ITR 8000/s = 125 us)"},
	{.name = "processors", .type = SS_PARAM_INT, .def = "0", .min = 0, .max = 64, .unit = "",
	 .help = "processors of each host; 0: the host profile's"},
	{.name = "streams", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 256, .unit = "",
	 .help = "parallel netperf TCP_STREAMs between the hosts, stream i's processes bound to CPU i % processors (netperf -T)"},
	{.name = "rx_queues", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 4096, .unit = "",
	 .help = "receive queues with RSS on each host's NIC (at most the NIC's), queue q's interrupt on CPU q % processors; stream k goes to queue k % rx_queues"},
	{.name = "execute", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "build real datagrams, protect them with the SAs and check every payload byte"},
	{.name = "workload", .type = SS_PARAM_STRING, .def = "stream", .unit = "",
	 .help = "\"stream\": netperf TCP_STREAM; \"pingpong\": a client writes msg_size bytes, the server returns as many, and again (round-trip time); \"setup\": connection set-ups to a listening peer, one at a time, 20 ms apart (set-up time)"},
	{.name = "org", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "protocol organisation of both hosts (platform/orgs/NAME: ultrix42a, mach30-ux36, ulib-mach30, whose crossing costs are the DECstation 5000/200's: use them with its host profile ds5000-200); empty: Linux 2.6.11's kernel paths"},
	{.name = "nic", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "NIC preset of both hosts (platform/nics/NAME); empty: each host profile's"},
	{.name = "tcp", .type = SS_PARAM_STRING, .def = "linux2611", .unit = "",
	 .help = "TCP behaviour: \"linux2611\" (tcp_tuning applies) or \"bsd43\" (4.3BSD: whole free buffer offered, 200 ms delayed ACKs, no options)"},
	{.name = "tcp_window", .type = SS_PARAM_INT, .def = "16384", .min = 2048, .max = 1048576, .unit = "bytes",
	 .help = "bsd43: socket buffers each way (T93-006: \"TCP windows of 16 Kbytes\")"},
	{.name = "transport", .type = SS_PARAM_STRING, .def = "tcp", .unit = "",
	 .help = "\"tcp\": TCP/IP connections; \"raw\": frames of msg_size bytes straight on the link layer, built and read in place in the organisation's shared buffers, with no TCP or IP (Thekkath et al.'s Table 1: the mechanisms alone; workload stream, ipsec IP)"},
	{.name = "raw_buffers", .type = SS_PARAM_INT, .def = "16", .min = 1, .max = 65536, .unit = "frames",
	 .help = "transport raw: the receiver's frame buffers; the sender waits while all hold unread frames. ASSUMPTION: 16 (a 24 KB region; T93 does not give the benchmark's buffering)"},
	{.name = "corrupt_every", .type = SS_PARAM_INT, .def = "0", .min = 0, .max = 1000000000, .unit = "frames",
	 .help = "execute mode: flip a bit of every Nth frame the sender sends (0: never)"},
};

static const ss_metric_def np_metrics[] = {
	{.name = "throughput", .unit = "Mbit/s", .help = "payload read by the receiving netperf per second (workload stream)"},
	{.name = "rtt", .unit = "ms", .help = "workload pingpong: mean round-trip time of an exchange"},
	{.name = "exchanges", .unit = "exchanges", .help = "workload pingpong or setup: round trips or set-ups completed in the window"},
	{.name = "setup", .unit = "ms", .help = "workload setup: mean time from the connect call to its return"},
	{.name = "setup.outbound", .unit = "ms", .help = "workload setup: mean time from the connect call to its SYN handed to the device"},
	{.name = "setup.round_trip", .unit = "ms", .help = "workload setup: mean time from the SYN handed to the device to the caller woken by the SYN-ACK"},
	{.name = "setup.completion", .unit = "ms", .help = "workload setup: mean time from that wake-up to connect's return (the completion's work)"},
	{.name = "link_goodput", .unit = "Mbit/s", .help = "transport raw: the link's bound for back-to-back frames of msg_size bytes (closed form: framing, preamble and gap)"},
	{.name = "rcv.batch", .unit = "packets", .help = "an organisation outside the kernel: packets the receiver took per notification of its protocol thread"},
	{.name = "rcv.demux_us", .unit = "us", .help = "an organisation: the demultiplexing cost the receiver charges per packet (software, or the hardware's management with a NIC that demultiplexes): the organisation's input, reported for Table 5"},
	{.name = "snd.irqs_per_s", .unit = "1/s", .help = "sender's hard interrupts per second"},
	{.name = "rcv.irqs_per_s", .unit = "1/s", .help = "receiver's hard interrupts per second"},
	{.name = "retransmits", .unit = "segments", .help = "segments the sender retransmitted"},
	{.name = "rx_drops", .unit = "frames", .help = "frames dropped on receipt: NIC ring full, backlog full, qdisc full (both hosts)"},
	{.name = "ipsec_auth_failures", .unit = "datagrams", .help = "datagrams whose ICV (or padding) check failed"},
	{.name = "mss", .unit = "bytes", .help = "the connection's MSS (MTU less IP, TCP and IPsec headers)"},
	{.name = "link_util", .unit = "fraction", .help = "sender-to-receiver link direction busy"},
	{.name = "snd.crypto", .unit = "fraction", .help = "share of the sender's processor time charged for crypto"},
	{.name = "rcv.crypto", .unit = "fraction", .help = "share of the receiver's processor time charged for crypto"},
	{.name = "verified_bytes", .unit = "bytes", .help = "execute mode: payload bytes checked right"},
	{.name = "payload_errors", .unit = "datagrams", .help = "execute mode: datagrams with a wrong payload byte"},
	{.name = "rcv.syscalls", .unit = "calls", .help = "receiver's read calls"},
	{.name = "rcv.prequeued", .unit = "segments", .help = "segments the receiver's softirq left to a reader sleeping in recvmsg (tcp_prequeue)"},
	{.name = "rcv.prequeue_dropped", .unit = "segments", .help = "of them, processed by the softirq after all: the prequeue passed the receive buffer"},
	{.name = "rcv.sock_backlogged", .unit = "segments", .help = "segments queued on the receiver's socket backlog while its reader held the socket"},
	{.name = "cpu_util", .unit = "fraction", .help = "utilisation of the busier host's processors (mean over its processors)"},
	{.name = "cores_needed", .unit = "processors",
	 .help = "processors a link's goodput of full segments (at cores_link_mbps) would need at this stream's rate: ceil(goodput / throughput) when the stream is CPU-bound (cpu_util >= 0.95), else 1 if the stream's link is that link, else ceil(goodput x cpu_util / throughput) (a core's capacity taken as throughput / cpu_util). ASSUMPTION: linear scaling, no lock or cache contention between cores, flows spread evenly (receive-side scaling); one stream is one core's work. 0 for a run of several streams or processors: those simulate receive-side scaling itself (streams, rx_queues)"},
};

/* ---- host profiles ---- */

/* "P2, X1, ...": the host profiles in dir that describe a netpair host
   (they name a NIC). */
static int read_host_file(const char *path, const char *name, nphost *h, char *err, size_t errlen);

static void valid_hosts(const char *dir, char *buf, size_t len)
{
	char names[64][64];
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) && n < 64) {
		size_t l = strlen(e->d_name);
		if (l <= 4 || l >= 64 || strcmp(e->d_name + l - 4, ".cfg") || e->d_name[0] == '.')
			continue;
		char path[4200], nm[64];
		nphost h;
		snprintf(nm, sizeof nm, "%.*s", (int)(l - 4), e->d_name);
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (read_host_file(path, nm, &h, NULL, 0) == SS_OK)
			memcpy(names[n++], nm, sizeof nm);
	}
	if (d)
		closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[64];
			memcpy(t, names[j], 64);
			memcpy(names[j], names[j - 1], 64);
			memcpy(names[j - 1], t, 64);
		}
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		size_t w = strlen(buf);
		snprintf(buf + w, len - w, "%s%s", i ? ", " : "", names[i]);
	}
}

static int copy_str(const config_setting_t *v, char *dst, size_t len)
{
	if (config_setting_type(v) != CONFIG_TYPE_STRING || strlen(config_setting_get_string(v)) >= len)
		return 0;
	snprintf(dst, len, "%s", config_setting_get_string(v));
	return 1;
}

/* A host profile's netpair settings (the file's other settings are for
   other models and left alone); the file's format and sources are
   checked by scenarios/host.c and tests/test_pubprofiles.sh. */
static int read_host_file(const char *path, const char *name, nphost *h, char *err, size_t errlen)
{
	config_t cf;
	char e[1024];
	memset(h, 0, sizeof *h);
	int rc = ss_cfgfile_read(&cf, path, e, sizeof e);
	if (rc != SS_OK) {
		ss_errbuf(err, errlen, "host %s: %s", name, e);
		return rc;
	}
	const config_setting_t *set = config_lookup(&cf, "settings");
	int have = 0, line = 0;
	rc = SS_OK;
	for (int i = 0; set && config_setting_is_list(set) && i < config_setting_length(set); i++) {
		const config_setting_t *g = config_setting_get_elem(set, (unsigned)i);
		const char *pn = NULL;
		const config_setting_t *v = config_setting_get_member(g, "value");
		if (!config_setting_lookup_string(g, "param", &pn) || !v)
			continue;
		int ok = 1;
		line = (int)config_setting_source_line(v);
		if (!strcmp(pn, "cpu_profile"))
			ok = copy_str(v, h->cpu_profile, sizeof h->cpu_profile), have |= 1;
		else if (!strcmp(pn, "proto_profile"))
			ok = copy_str(v, h->proto_profile, sizeof h->proto_profile), have |= 2;
		else if (!strcmp(pn, "nic"))
			ok = copy_str(v, h->nic, sizeof h->nic), have |= 4;
		else if (!strcmp(pn, "iobus"))
			ok = copy_str(v, h->iobus, sizeof h->iobus), have |= 8;
		else if (!strcmp(pn, "processors")) {
			ok = config_setting_type(v) == CONFIG_TYPE_INT && config_setting_get_int(v) >= 1 &&
			     config_setting_get_int(v) <= 64;
			h->processors = ok ? config_setting_get_int(v) : 0;
			have |= 16;
		}
		if (!ok) {
			ss_errbuf(err, errlen, "%s:%d: setting '%s' has a bad value", path, line, pn);
			rc = SS_EINVAL;
			break;
		}
	}
	if (rc == SS_OK && have != 31) {
		ss_errbuf(err, errlen, "%s: host %s is not a netpair host: it needs cpu_profile, proto_profile, nic, iobus and processors",
			  path, name);
		rc = SS_EINVAL;
	}
	config_destroy(&cf);
	return rc;
}

static int valid_host_name(const char *n)
{
	if (!n || !*n || n[0] == '.' || strlen(n) >= 60)
		return 0;
	for (const char *q = n; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '-' ||
		      *q == '_' || *q == '.'))
			return 0;
	return 1;
}

static int read_host(const char *role, const char *name, nphost *h, char *err, size_t errlen)
{
	char dir[4096], path[4200], list[1024];
	snprintf(dir, sizeof dir, "%s/hosts", ss_datadir());
	snprintf(path, sizeof path, "%s/%s.cfg", dir, name);
	FILE *f = valid_host_name(name) ? fopen(path, "r") : NULL;
	if (!f) {
		valid_hosts(dir, list, sizeof list);
		ss_errbuf(err, errlen, "%s '%s': no such host profile (hosts: %s)", role, name, list[0] ? list : "none");
		return SS_EINVAL;
	}
	fclose(f);
	if (read_host_file(path, name, h, err, errlen) != SS_OK) {
		size_t w = strlen(err);
		valid_hosts(dir, list, sizeof list);
		snprintf(err + w, errlen > w ? errlen - w : 0, " (netpair hosts: %s)", list);
		return SS_EINVAL;
	}
	return SS_OK;
}

/* ---- the model ---- */

static void np_destroy(void *st)
{
	np *m = st;
	if (!m)
		return;
	ss_netperf_free(m->np);
	ss_pingpong_free(m->pp);
	for (int i = 0; i < 2; i++)
		ss_nethost_free(m->host[i]);
	for (int i = 0; i < 2; i++) {
		ss_profile_free(m->cprof[i]);
		ss_protoprof_free(m->pprof[i]);
	}
	ss_pktpool_free(m->pool);
	ss_crypto_free(m->crypto);
	free(m);
}

/* Payload bit/s of back-to-back full segments: the MSS less the options
   every segment carries, in a datagram of the TCP header, IP header and
   IPsec overhead (ESP padding included), on the link's framing. */
static int full_segment_goodput(const ss_link_spec *ls, const ss_ipsec_config *ic, uint32_t mss, int tuned,
				double *out, char *err, size_t errlen)
{
	ss_tcp_config tc;
	ss_tcp_config_linux2611(&tc, mss, tuned);
	uint32_t payload = ss_tcp_seg_payload(&tc), seg = ss_tcp_header_bytes(&tc) + payload, ip_len = 20 + seg;
	if (ic->proto != SS_IPSEC_NONE) {
		ss_ipsec_sa *sa = NULL;
		char e[512];
		int rc = ss_ipsec_sa_alloc(&sa, ic, NULL, e, sizeof e);
		if (rc != SS_OK) {
			ss_errbuf(err, errlen, "ipsec: %s", e);
			return rc;
		}
		ip_len = ss_ipsec_datagram_len(sa, seg);
		ss_ipsec_sa_free(sa);
	}
	*out = ss_link_spec_goodput(ls, ip_len, payload);
	return SS_OK;
}

static int np_create(ss_sim *sim, const ss_params *p, void **state, char *err, size_t errlen)
{
	*state = NULL;
	np *m = calloc(1, sizeof *m);
	if (!m)
		return SS_ENOMEM;
	m->sim = sim;
	int rc;
	char e[1024];
	const char *roles[2] = {"sender", "receiver"};
	nphost hp[2];
	for (int i = 0; i < 2; i++)
		if ((rc = read_host(roles[i], ss_params_string(p, roles[i]), &hp[i], err, errlen)) != SS_OK)
			goto fail;
	ss_ipsec_config ic;
	if ((rc = ss_ipsec_config_parse(ss_params_string(p, "ipsec"), &ic, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "ipsec: %s", e);
		rc = SS_EINVAL;
		goto fail;
	}
	const char *wl = ss_params_string(p, "workload"), *tcpk = ss_params_string(p, "tcp");
	int setup = !strcmp(wl, "setup"), pingpong = setup || !strcmp(wl, "pingpong"), bsd = !strcmp(tcpk, "bsd43");
	const char *tr = ss_params_string(p, "transport");
	int raw = !strcmp(tr, "raw");
	if (!raw && strcmp(tr, "tcp")) {
		ss_errbuf(err, errlen, "transport '%s': \"tcp\" or \"raw\"", tr);
		rc = SS_EINVAL;
		goto fail;
	}
	if (raw && (pingpong || ic.proto != SS_IPSEC_NONE || ss_params_bool(p, "execute"))) {
		ss_errbuf(err, errlen, "transport raw carries frames with no IP: it needs workload \"stream\", ipsec \"IP\" and no execute mode");
		rc = SS_EINVAL;
		goto fail;
	}
	if (raw && ss_params_int(p, "msg_size") > ss_params_int(p, "mtu")) {
		ss_errbuf(err, errlen, "transport raw: msg_size %lld is more than a frame holds (mtu %lld)",
			  (long long)ss_params_int(p, "msg_size"), (long long)ss_params_int(p, "mtu"));
		rc = SS_EINVAL;
		goto fail;
	}
	if (!pingpong && strcmp(wl, "stream")) {
		ss_errbuf(err, errlen, "workload '%s': \"stream\", \"pingpong\" or \"setup\"", wl);
		rc = SS_EINVAL;
		goto fail;
	}
	if (!bsd && strcmp(tcpk, "linux2611")) {
		ss_errbuf(err, errlen, "tcp '%s': \"linux2611\" or \"bsd43\"", tcpk);
		rc = SS_EINVAL;
		goto fail;
	}
	if (bsd && ss_params_bool(p, "tcp_tuning")) {
		ss_errbuf(err, errlen, "tcp_tuning is Linux's (tcp = \"linux2611\")");
		rc = SS_EINVAL;
		goto fail;
	}
	const char *orgn = ss_params_string(p, "org");
	if (*orgn) {
		char odir[4096];
		snprintf(odir, sizeof odir, "%s/platform/orgs", ss_datadir());
		if ((rc = ss_org_load(odir, orgn, &m->org, NULL, 0, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "org: %s", e);
			rc = rc == SS_ENOMEM ? rc : SS_EINVAL;
			goto fail;
		}
		m->has_org = 1;
	}
	const char *nicn = ss_params_string(p, "nic");
	int execute = ss_params_bool(p, "execute");
	long long corrupt = ss_params_int(p, "corrupt_every");
	if (corrupt && !execute) {
		ss_errbuf(err, errlen, "corrupt_every needs execute = true (only real datagrams can be corrupted)");
		rc = SS_EINVAL;
		goto fail;
	}
	uint32_t mtu = (uint32_t)ss_params_int(p, "mtu");
	double rate = ss_params_real(p, "link_mbps") * 1e6;
	ss_link_spec ls;
	if (ss_link_spec_ethernet(&ls, rate, mtu) != SS_OK) {
		ss_errbuf(err, errlen, "link: bad rate or MTU");
		rc = SS_EINVAL;
		goto fail;
	}
	ls.prop = ss_time_from_us(ss_params_real(p, "prop_delay_us"));
	ls.loss = ss_params_real(p, "loss");
	if ((rc = ss_link_alloc(&m->link, sim, "link", &ls, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "link: %s", e);
		goto fail;
	}
	/* Execute mode: each packet carries an MTU's bytes and room for the
	   transforms (the datagram never exceeds the MTU). */
	if ((rc = ss_pktpool_alloc(&m->pool, execute ? (size_t)mtu + 64 : 0)) != SS_OK)
		goto fail;
	if (execute && (rc = ss_crypto_alloc(&m->crypto, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "crypto: %s", e);
		goto fail;
	}
	char cdir[4096], pdir[4096], ndir[4096];
	snprintf(cdir, sizeof cdir, "%s/crypto/profiles", ss_datadir());
	snprintf(pdir, sizeof pdir, "%s/proto/profiles", ss_datadir());
	snprintf(ndir, sizeof ndir, "%s/platform/nics", ss_datadir());
	int procs = (int)ss_params_int(p, "processors");
	double irq_us = ss_params_real(p, "irq_min_interval_us");
	const char *hname[2] = {"snd", "rcv"};
	for (int i = 0; i < 2; i++) {
		ss_nethost_config hc;
		ss_nethost_config_default(&hc);
		const char *hn = ss_params_string(p, roles[i]);
		const char *cp = ss_params_string(p, i ? "receiver_profile" : "sender_profile");
		if ((rc = ss_profile_load_ref(cdir, *cp ? cp : hp[i].cpu_profile, NULL, &m->cprof[i], e, sizeof e)) != SS_OK ||
		    (rc = ss_protoprof_load(&m->pprof[i], pdir, hp[i].proto_profile, e, sizeof e)) != SS_OK ||
		    (rc = ss_nic_spec_load(ndir, *nicn ? nicn : hp[i].nic, &hc.nic, NULL, 0, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "%s %s: %s", roles[i], hn, e);
			rc = rc == SS_ENOMEM ? rc : SS_EINVAL;
			goto fail;
		}
		if (hc.nic.max_bps > 0 && rate > hc.nic.max_bps) {
			ss_errbuf(err, errlen, "%s %s: its NIC %s drives at most %g Mbit/s, not %g", roles[i], hn,
				  *nicn ? nicn : hp[i].nic,
				  hc.nic.max_bps * 1e-6, rate * 1e-6);
			rc = SS_EINVAL;
			goto fail;
		}
		hc.name = hname[i];
		hc.processors = procs ? procs : hp[i].processors;
		hc.irq_min_interval = irq_us < 0 ? -1 : ss_time_from_us(irq_us);
		hc.iobus = hp[i].iobus;
		hc.proto = m->pprof[i];
		hc.crypto = m->cprof[i];
		hc.pool = m->pool;
		hc.link = m->link;
		hc.side = i;
		hc.rx_queues = (uint32_t)ss_params_int(p, "rx_queues");
		hc.napi = ss_params_bool(p, "napi");
		hc.napi_weight = (uint32_t)ss_params_int(p, "napi_weight");
		hc.execute = execute;
		hc.exec_crypto = m->crypto;
		hc.corrupt_every = i == 0 ? (uint64_t)corrupt : 0;
		hc.org = m->has_org ? &m->org : NULL;
		if ((rc = ss_nethost_alloc(&m->host[i], sim, &hc, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "%s %s: %s", roles[i], hn, e);
			goto fail;
		}
	}
	int streams = (int)ss_params_int(p, "streams");
	if (pingpong && streams != 1) {
		ss_errbuf(err, errlen, "workload pingpong runs on one connection (streams = 1)");
		rc = SS_EINVAL;
		goto fail;
	}
	ss_tcp_config tcfg;
	if (bsd) {
		uint32_t mss;
		if ((rc = ss_nethost_mss(ic.proto == SS_IPSEC_NONE ? NULL : &ic, mtu, &mss, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "%s", e);
			goto fail;
		}
		ss_tcp_config_bsd43(&tcfg, mss, (uint32_t)ss_params_int(p, "tcp_window"));
	}
	for (int s = 0; s < streams; s++)
		if ((rc = raw ? ss_nethost_connect_raw(m->host[0], m->host[1], (uint32_t)ss_params_int(p, "raw_buffers"), e,
						       sizeof e)
			      : ss_nethost_connect(m->host[0], m->host[1], ic.proto == SS_IPSEC_NONE ? NULL : &ic,
						   bsd ? &tcfg : NULL, ss_params_bool(p, "tcp_tuning"), e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "%s", e);
			goto fail;
		}
	m->single = streams == 1 && ss_cpu_count(ss_nethost_cpu(m->host[0])) == 1 &&
		    ss_cpu_count(ss_nethost_cpu(m->host[1])) == 1;
	/* cores_needed's link: the same framing at its own rate. */
	double crate = ss_params_real(p, "cores_link_mbps") * 1e6;
	ss_link_spec cls;
	m->cores_other_link = crate > 0 && crate != rate;
	if (ss_link_spec_ethernet(&cls, m->cores_other_link ? crate : rate, mtu) != SS_OK) {
		ss_errbuf(err, errlen, "cores_link_mbps: bad rate");
		rc = SS_EINVAL;
		goto fail;
	}
	if (raw) {
		uint32_t f = (uint32_t)ss_params_int(p, "msg_size");
		m->full_goodput = ss_link_spec_goodput(&cls, f, f);
		m->raw = 1;
	} else if ((rc = full_segment_goodput(&cls, &ic, ss_nethost_mss_of(m->host[0]), ss_params_bool(p, "tcp_tuning"),
					      &m->full_goodput, err, errlen)) != SS_OK) {
		goto fail;
	}
	if (pingpong) {
		ss_pingpong_config pc;
		ss_pingpong_config_default(&pc);
		pc.size = (uint32_t)ss_params_int(p, "msg_size");
		pc.setup = setup;
		/* ASSUMPTION: 20 ms apart, far more than a set-up's last ACK
		   and the listener's work take, so set-ups do not overlap. */
		pc.gap = ss_time_from_us(20000);
		m->setup = setup;
		if ((rc = ss_pingpong_alloc(&m->pp, sim, m->host[0], m->host[1], &pc, err, errlen)) != SS_OK)
			goto fail;
		ss_sim_set_workload_limit(sim, setup ? "one set-up at a time" : "one exchange at a time");
		ss_pingpong_start(m->pp);
		m->window = ss_sim_now(sim);
		*state = m;
		return SS_OK;
	}
	ss_netperf_config nc;
	ss_netperf_config_default(&nc);
	nc.msg_size = (uint32_t)ss_params_int(p, "msg_size");
	nc.recv_size = (uint32_t)ss_params_int(p, "recv_size");
	nc.streams = streams;
	if ((rc = ss_netperf_alloc(&m->np, sim, m->host[0], m->host[1], &nc, err, errlen)) != SS_OK)
		goto fail;
	char lim[48];
	snprintf(lim, sizeof lim, "%d %s stream%s", streams, raw ? "raw" : "TCP", streams == 1 ? "" : "s");
	ss_sim_set_workload_limit(sim, lim);
	ss_netperf_start(m->np);
	m->window = ss_sim_now(sim);
	*state = m;
	return SS_OK;
fail:
	np_destroy(m);
	return rc == SS_ENOMEM ? rc : SS_EINVAL;
}

static void np_reset(void *st)
{
	np *m = st;
	m->window = ss_sim_now(m->sim);
	if (m->np)
		ss_netperf_reset(m->np);
	if (m->pp)
		ss_pingpong_reset(m->pp);
	for (int i = 0; i < 2; i++) {
		ss_nethost_stats_reset(m->host[i]);
		for (int k = 0; k < ss_nethost_conns(m->host[i]); k++)
			if (ss_nethost_conn_tcp(m->host[i], k))
				ss_tcp_stats_reset(ss_nethost_conn_tcp(m->host[i], k));
	}
}

static void np_collect(void *st, ss_metrics *out)
{
	np *m = st;
	double span = ss_time_to_s(ss_sim_now(m->sim) - m->window);
	ss_netperf_stats ns;
	memset(&ns, 0, sizeof ns);
	if (m->np) {
		ss_netperf_stats_get(m->np, &ns);
		ss_metrics_set(out, "throughput", "Mbit/s", ns.throughput_bps * 1e-6);
	} else {
		ss_pingpong_stats ps;
		ss_pingpong_stats_get(m->pp, &ps);
		ss_metrics_set(out, m->setup ? "setup" : "rtt", "ms", ps.rtt_mean_s * 1e3);
		ss_metrics_set(out, "exchanges", "exchanges", (double)ps.exchanges);
	}
	ss_nethost_stats hs[2];
	if (m->setup) {
		ss_nethost_stats a;
		ss_nethost_stats_get(m->host[0], &a);
		double n = a.opens ? (double)a.opens : 1; /* none: 0 */
		ss_metrics_set(out, "setup.outbound", "ms", a.open_out_s / n * 1e3);
		ss_metrics_set(out, "setup.round_trip", "ms", a.open_rtt_s / n * 1e3);
		ss_metrics_set(out, "setup.completion", "ms", a.open_done_s / n * 1e3);
	}
	double drops = 0, auth = 0;
	for (int i = 0; i < 2; i++) {
		ss_nethost_stats_get(m->host[i], &hs[i]);
		ss_nic *nic = ss_nethost_nic(m->host[i]);
		drops += (double)(ss_nic_rx_drops(nic) + hs[i].backlog_drops + hs[i].qdisc_drops);
		auth += (double)hs[i].auth_failures;
		char key[SS_METRIC_NAME];
		snprintf(key, sizeof key, "%s.irqs_per_s", i ? "rcv" : "snd");
		ss_metrics_set(out, key, "1/s", span > 0 ? (double)ss_nic_irqs(nic) / span : 0);
		snprintf(key, sizeof key, "%s.crypto", i ? "rcv" : "snd");
		int n = ss_cpu_count(ss_nethost_cpu(m->host[i]));
		ss_metrics_set(out, key, "fraction", span > 0 ? hs[i].crypto_s / (span * n) : 0);
	}
	double retrans = 0;
	for (int k = 0; k < ss_nethost_conns(m->host[0]); k++) {
		ss_tcp_stats ts;
		if (!ss_nethost_conn_tcp(m->host[0], k))
			continue;
		ss_tcp_stats_get(ss_nethost_conn_tcp(m->host[0], k), &ts);
		retrans += (double)ts.retrans;
	}
	ss_metrics_set(out, "retransmits", "segments", retrans);
	ss_metrics_set(out, "rx_drops", "frames", drops);
	ss_metrics_set(out, "ipsec_auth_failures", "datagrams", auth);
	ss_metrics_set(out, "mss", "bytes", (double)ss_nethost_mss_of(m->host[0]));
	ss_metrics_set(out, "link_util", "fraction", ss_link_utilisation(m->link, 0));
	if (m->raw) /* the link's bound for back-to-back frames of this size, closed form */
		ss_metrics_set(out, "link_goodput", "Mbit/s", m->full_goodput * 1e-6);
	ss_metrics_set(out, "verified_bytes", "bytes", (double)hs[1].bytes_verified);
	ss_metrics_set(out, "payload_errors", "datagrams", (double)(hs[0].payload_errors + hs[1].payload_errors));
	ss_metrics_set(out, "rcv.syscalls", "calls", (double)hs[1].syscalls);
	ss_metrics_set(out, "rcv.prequeued", "segments", (double)hs[1].prequeued);
	ss_metrics_set(out, "rcv.prequeue_dropped", "segments", (double)hs[1].prequeue_dropped);
	ss_metrics_set(out, "rcv.sock_backlogged", "segments", (double)hs[1].sock_backlogged);
	if (m->has_org)
		ss_metrics_set(out, "rcv.demux_us", "us",
			       ss_time_to_us(ss_nic_spec_of(ss_nethost_nic(m->host[1]))->hw_demux ? m->org.demux_hw
												   : m->org.demux_sw));
	if (m->has_org && m->org.dom != SS_ORG_KERNEL)
		ss_metrics_set(out, "rcv.batch", "packets",
			       hs[1].notifies ? (double)hs[1].rx_pkts / (double)hs[1].notifies : 0);
	double util = 0;
	for (int i = 0; i < 2; i++)
		util = fmax(util, ss_cpu_utilisation(ss_nethost_cpu(m->host[i])));
	ss_metrics_set(out, "cpu_util", "fraction", util);
	/* 0.95: a processor busy that much is the stream's limit (the 5%
	   allows for idle gaps a window catches at its edges). */
	double cores = m->single ? 1 : 0;
	if (m->single && util >= 0.95 && ns.throughput_bps > 0)
		cores = fmax(1, ceil(m->full_goodput / ns.throughput_bps));
	else if (m->single && m->cores_other_link && ns.throughput_bps > 0)
		/* A stream the link limits shows only its processors' share:
		   ASSUMPTION: work grows linearly with the rate up to 1. */
		cores = fmax(1, ceil(m->full_goodput * util / ns.throughput_bps));
	ss_metrics_set(out, "cores_needed", "processors", cores);
}

static double np_progress(void *st)
{
	np *m = st;
	return m->np ? (double)ss_netperf_bytes_read_total(m->np) : (double)ss_pingpong_exchanges_total(m->pp);
}

const ss_model_type ss_model_netpair = {
	.name = "netpair",
	.help = "TCP between two hosts back to back, netperf TCP_STREAM or ping-pong: Linux 2.6.11 (plain IP or IPsec, NIC, NAPI, TCP tuning: Iatrou et al.) or a protocol organisation (kernel, server, library: Thekkath et al.)",
	.params = np_params,
	.nparams = sizeof np_params / sizeof np_params[0],
	.metrics = np_metrics,
	.nmetrics = sizeof np_metrics / sizeof np_metrics[0],
	.primary = "throughput",
	.create = np_create,
	.reset = np_reset,
	.collect = np_collect,
	.progress = np_progress,
	.destroy = np_destroy,
};
