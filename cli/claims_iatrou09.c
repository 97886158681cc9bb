/* The I09 claims (reference/claims.md) checked on results/iatrou.db.
   The paper's words become numbers through the thresholds below, each
   with its reason in reference/tolerances.md ("Iatrou et al."):
   - netperf's own precision: the paper's runs stop at a 3% wide 95%
     confidence interval (I09-021, I09-022), so two configurations closer
     than 3% are not told apart there;
   - "about" a stated value: within 15% (the value read off a figure or
     rounded in the text, plus the 3% interval);
   - "saturates the link": at least 95% of the closed-form TCP goodput of
     the link (full segments, Ethernet framing).
   Every stated number is read from the reference table by row id; none is
   typed here. The 1 Gbit/s sweeps use the receiver's CPU states: that is
   where a stream's IPsec input and its interrupts are handled. */
#include <math.h>
#include <string.h>

#include "ss_claims.h"
#include "ss_err.h"

typedef struct ctx {
	ss_claims *k;
} ctx;

static const double SIZES[] = {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768};
#define NSIZES (sizeof SIZES / sizeof SIZES[0])

/* The IPsec configurations of the algorithm sweeps (scenarios/iatrou/). */
static const char *const ALGS[] = {"AH MD5",       "AH SHA1",      "ESP DES",       "ESP 3DES",
				   "ESP AES128",   "ESP AES256",   "ESP DES SHA1",  "ESP 3DES MD5",
				   "ESP 3DES SHA1", "ESP AES128 SHA1", "ESP AES256 SHA1"};
#define NALGS (sizeof ALGS / sizeof ALGS[0])
/* Confidentiality and integrity together (I09-070). */
static const char *const CONF_INTEG[] = {"ESP DES SHA1", "ESP 3DES MD5", "ESP 3DES SHA1", "ESP AES128 SHA1",
					 "ESP AES256 SHA1"};
#define NCI (sizeof CONF_INTEG / sizeof CONF_INTEG[0])

#define NETPERF_CI 0.03 /* I09-022: runs end at a 3% wide interval */
#define ABOUT 0.15      /* "about", "around", "almost": 15% (see the head comment) */
#define NOISE_MBPS 1.0  /* the spread of the model's runs with their length (reference/tolerances.md) */
#define SATURATED 0.95  /* of the closed-form goodput */

/* Checks the model is known not to reproduce with its sourced
   constants, and why (docs/iatrou09.md). They still run: a FAIL is
   reported as XFAIL, a PASS as XPASS, which counts as a failure. */
static const ss_claims_known known[] = {
	{.id = "I09-C1/cpu",
	 .why = "the 541 MHz P2 sender spends about 35% of its time on ESP 3DES with an integrity algorithm at 10 Mbit/s "
	        "(1.2 MB/s of 3DES and HMAC at the published per-byte costs scaled to its clock), against 2% for plain IP; "
	        "the paper's 'small increase' is a word, and the 25-point threshold an assumption"},
	{.id = "I09-C3/packet-rate",
	 .why = "AH keeps the P2 at the 100 Mbit/s link with 64-byte messages as with 8192: a write's system call costs "
	        "getpid's 432 P6 cycles plus its copy, and Nagle fills full segments, so small messages are nearly free; "
	        "the socket layer's own per-call work (sock_sendmsg, tcp_sendmsg's lock and skb append) has no sourced cost"},
	{.id = "I09-C3/cpu-bound",
	 .why = "AH MD5, AH SHA1 and ESP AES128 keep the 541 MHz P2 within 2% of plain IP at 100 Mbit/s: its crypto "
	        "profile holds OpenSSL's hand-written assembly speeds (reference/published/cpu2000s_crypto.csv), and no "
	        "published per-byte figure of Linux 2.6.11's own crypto code on these processors was found "
	        "(docs/iatrou09-profiles.md, Gaps)"},
	{.id = "I09-C4/3DES",
	 .why = "3DES at OpenSSL's speed (103 cycles a byte on the Athlon XP: 16 MB/s at 1667 MHz) keeps the sender at the 100 "
	        "Mbit/s link; Linux 2.6.11's des.c was portable C (descore), replaced in 2.6.16, with no published speed "
	        "on these processors; an end-to-end 2.6.7 IPsec benchmark on two 2.2 GHz Pentium 4s (Linux Journal 7840) "
	        "implies about 400 cycles a byte for 3DES-SHA1 where the profiles give 150 (docs/iatrou09-profiles.md)"},
	{.id = "I09-C5/gap",
	 .why = "as I09-C4/3DES: with OpenSSL-speed 3DES (132 Pentium 4 cycles a byte: 21 MB/s at 2800 MHz) the Xeon runs 3DES at the 100 Mbit/s link"},
	{.id = "I09-C5/narrower",
	 .why = "no 3DES gap on either pair (I09-C4/3DES, I09-C5/gap), so neither can be narrower"},
	{.id = "I09-C8/ceiling",
	 .why = "ESP with AES128 and HMAC-SHA1 tops out at about 400 Mbit/s on the Xeons, a third above the paper's 300: "
	        "the crypto profile's AES and SHA-1 are OpenSSL's assembly speeds, where Linux 2.6.11 ran its own code "
	        "(aes-i586, sha1.c), whose per-byte cost on these processors is unpublished (docs/iatrou09-profiles.md)"},
	{.id = "I09-C8/IP",
	 .why = "plain IP saturates the link at every message size: with no sourced per-call cost of the socket layer "
	        "(I09-C3/packet-rate) 64-byte writes cost the sender about 0.25 us each, well under the 0.54 us the link "
	        "needs per 64 bytes"},
	{.id = "I09-C8/AES-doubles",
	 .why = "the same missing per-call cost: with 64-byte messages the sender pays only a cheap system call per write, "
	        "so AES gains about 1.2x from 64 to 8192 bytes where the paper's almost doubles"},
	{.id = "I09-C9/states",
	 .why = "softirq leads as the paper says, but the receiver's IRQ time (2%) comes after its system time (13%: the "
	        "reads' copies and the TCP input done when the reader releases the socket): the driver's share of a "
	        "packet's cost (500 P6 cycles, charged in hard IRQ) is an assumption, and the e1000 preset throttles "
	        "interrupts to 8000/s"},
	{.id = "I09-C11/IP-AH",
	 .why = "stock plain IP already runs at the link's goodput (949 Mbit/s with 1460-byte segments), so tuning can "
	        "only cost the timestamp option's 12 bytes per segment (-0.8%); the paper's +20 implies a stock run below "
	        "the goodput, which it does not explain (reference/README.md, Iatrou ambiguities 3-4)"},
	{.id = "I09-C11/larger",
	 .why = "plain IP gains nothing from tuning at any size (I09-C11/IP-AH): it loses the timestamp option's 0.8% at "
	        "64 bytes as at 32768"},
	{.id = "I09-C11/ESP",
	 .why = "tuning gains ESP at most about 50 Mbit/s: the stock 174760-byte receive buffer already covers the "
	        "back-to-back path's bandwidth-delay product, so larger buffers only smooth the bursts; the paper's up to "
	        "+150 has no mechanism in the model"},
	{.id = "I09-C12/small",
	 .why = "NAPI changes nothing below 1024 bytes (every configuration within 1 Mbit/s of the interrupt driver): "
	        "with small messages the sender is the busy host and the receiver keeps up, so its polling costs it "
	        "only idle time; the paper's -10 needs a polling overhead the model has no source for"},
	{.id = "I09-C12/large",
	 .why = "NAPI gains ESP about 1 to 15 Mbit/s from 1024 bytes and costs AH MD5 about 30: the receiver is CPU-bound "
	        "on its IPsec work in softirq, and the e1000 preset's interrupt throttle (8000/s) has already cut the "
	        "interrupts to 1-3% of its time, so polling has little left to save; the paper's +50 needs a costlier "
	        "interrupt path than the sourced constants give (its driver share is an assumption, I09-C9/states)"},
	{.id = "I09-C13",
	 .why = "with NAPI, ESP 3DES varies by up to 9% between message sizes and between the modes (143 to 159 Mbit/s): "
	        "the CPU-bound receiver's polls, reads and ACKs fall into different patterns at each size, and the model's "
	        "runs are deterministic, so nothing averages them as the paper's repeated runs do"},
	{.id = "I09-C14/amplified",
	 .why = "MTU 9000 raises plain IP by about 49 Mbit/s below 1024 bytes where the paper finds up to -40: Nagle's "
	        "coalescing sends small writes in 9000-byte frames, six times fewer packets for the same bytes; the "
	        "paper's loss for small packets has no mechanism in the model, and the paper gives none (the gain for "
	        "large packets, about +125, is within the paper's range)"},
	{.id = "I09-C14/tunnel",
	 .why = "tunnel mode differs from transport only by its outer header (20 bytes a frame) and the IPsec work on it; "
	        "the paper's up to +450 Mbit/s for tunnel mode at MTU 9000 has no mechanism in the model, and the paper "
	        "gives none"},
	{.id = "I09-C17/interrupts",
	 .why = "the e1000 preset throttles interrupts at 8000/s (one per 125 us); frames arrive faster than that at MTU "
	        "1500 (81k/s) and at 9000 (13.7k/s), so the receiver takes 8000 interrupts/s in both; fewer frames cut the "
	        "interrupt rate only below the throttle rate"},
};

#define verdict(c, id, ok, ...) ss_claims_output((c)->k, id, ok, __VA_ARGS__)
#define info(c, id, ...) ss_claims_info((c)->k, id, __VA_ARGS__)

static double ref(ctx *c, const char *id) { return ss_claims_ref(c->k, id); }

static double tp(ctx *c, const char *fig, const char *series, double x)
{
	return ss_claims_point(c->k, fig, series, "throughput", x, NULL, NULL);
}

static double metric(ctx *c, const char *fig, const char *series, const char *m, double x)
{
	return ss_claims_point(c->k, fig, series, m, x, NULL, NULL);
}

/* The TCP goodput of a back-to-back Ethernet link, Mbit/s: full segments
   of mtu - 40 bytes (IP and TCP headers; 12 more with timestamps) in
   frames of mtu + 38 bytes on the wire (preamble and delimiter 8, header
   14, FCS 4, inter-frame gap 12: IEEE 802.3). */
static double goodput(double mbps, double mtu, int timestamps)
{
	return mbps * (mtu - 40 - (timestamps ? 12 : 0)) / (mtu + 38);
}

static void series_name(char *buf, size_t len, const char *alg, const char *suffix)
{
	snprintf(buf, len, "%s%s%s", alg, *suffix ? " " : "", suffix);
}

/* The largest throughput of a series over the message sizes (NAN if any
   point is missing). */
static double peak(ctx *c, const char *fig, const char *series)
{
	double best = -INFINITY;
	for (size_t i = 0; i < NSIZES; i++) {
		double v = tp(c, fig, series, SIZES[i]);
		if (!isfinite(v))
			return NAN;
		if (v > best)
			best = v;
	}
	return best;
}

/* Tunnel against transport over every algorithm and the sizes from
   `from` bytes: the largest |1 - tunnel/transport| in *worst and the
   mean of (1 - tunnel/transport) in *mean. 0 when a point is missing. */
static int tunnel_gap(ctx *c, const char *fig, double from, double *worst, double *mean)
{
	double w = 0, s = 0;
	int n = 0;
	for (size_t a = 0; a < NALGS; a++)
		for (size_t i = 0; i < NSIZES; i++) {
			if (SIZES[i] < from)
				continue;
			char tn[64];
			series_name(tn, sizeof tn, ALGS[a], "tunnel");
			double tr = tp(c, fig, ALGS[a], SIZES[i]), tu = tp(c, fig, tn, SIZES[i]);
			if (!isfinite(tr) || !isfinite(tu) || tr <= 0)
				return 0;
			double g = 1 - tu / tr;
			if (fabs(g) > w)
				w = fabs(g);
			s += g;
			n++;
		}
	*worst = w;
	*mean = n ? s / n : NAN;
	return n > 0;
}

static void c1_c2(ctx *c)
{
	/* Every configuration within 10% of plain IP at every size: the
	   largest encapsulation (ESP AES256 SHA1 tunnel, 20 + 8 + 16 + 2 + 12
	   bytes and up to 15 of padding) takes under 5% of a 1500-byte frame;
	   the other 5% is the paper's "small difference" plus its interval. */
	double worst = 1, dcpu = 0;
	const char *wname = "";
	int ok = 1;
	for (size_t a = 0; a < NALGS; a++)
		for (int t = 0; t < 2; t++) {
			char s[64];
			series_name(s, sizeof s, ALGS[a], t ? "tunnel" : "");
			for (size_t i = 0; i < NSIZES; i++) {
				double r = tp(c, "fig1", s, SIZES[i]) / tp(c, "fig1", "IP", SIZES[i]);
				if (!isfinite(r))
					ok = 0;
				else if (r < worst) {
					worst = r;
					wname = ALGS[a];
				}
			}
			for (int h = 0; h < 2; h++) {
				const char *m = h ? "rcv.cpu.util" : "snd.cpu.util";
				double d = metric(c, "fig1", s, m, 8192) - metric(c, "fig1", "IP", m, 8192);
				if (!isfinite(d))
					ok = 0;
				else if (d > dcpu)
					dcpu = d;
			}
		}
	verdict(c, "I09-C1/throughput", ok && worst >= 0.90,
		"10 Mbit/s, (P2,P4M): every IPsec configuration within 10%% of plain IP at every size (worst %.1f%% of IP, %s)",
		100 * worst, wname);
	/* "Small increase in CPU use": at most a quarter of a processor more
	   than plain IP (ASSUMPTION: the paper gives no number; a quarter
	   still leaves the link the bottleneck with room to spare). */
	verdict(c, "I09-C1/cpu", ok && dcpu <= 0.25,
		"10 Mbit/s: IPsec adds at most 25%% CPU over plain IP at 8192 bytes (largest increase %.1f points)",
		100 * dcpu);
	double w, mean;
	int have = tunnel_gap(c, "fig1", 1024, &w, &mean);
	double want = ref(c, "I09-059") / 100;
	verdict(c, "I09-C2", have && mean > 0 && fabs(mean - want) <= NETPERF_CI,
		"10 Mbit/s: tunnel mode %.1f%% below transport on average at >= 1024 bytes (paper %.0f%%, +- %.0f points: "
		"netperf's interval)",
		100 * mean, 100 * want, 100 * NETPERF_CI);
}

static void c3(ctx *c)
{
	int ok = 1;
	double ip = tp(c, "fig2", "IP", 8192), best = 0;
	for (size_t a = 0; a < NALGS; a++) {
		double v = tp(c, "fig2", ALGS[a], 8192);
		if (!isfinite(v) || !(v < (1 - NETPERF_CI) * ip))
			ok = 0;
		if (v > best)
			best = v;
	}
	verdict(c, "I09-C3/cpu-bound", ok,
		"100 Mbit/s, (P2,P4M): every IPsec configuration more than 3%% below plain IP at 8192 bytes (IP %.1f, best "
		"IPsec %.1f Mbit/s)",
		ip, best);
	double des = tp(c, "fig2", "ESP DES", 8192), tdes = tp(c, "fig2", "ESP 3DES", 8192),
	       aes = tp(c, "fig2", "ESP AES128", 8192), md5 = tp(c, "fig2", "AH MD5", 8192),
	       sha = tp(c, "fig2", "AH SHA1", 8192), tdsha = tp(c, "fig2", "ESP 3DES SHA1", 8192);
	verdict(c, "I09-C3/complexity", tdes < des && des < aes && sha <= md5 && tdsha < tdes,
		"100 Mbit/s, (P2,P4M), 8192 bytes: heavier algorithms are slower: 3DES %.1f < DES %.1f < AES128 %.1f; "
		"AH SHA1 %.1f <= AH MD5 %.1f; 3DES SHA1 %.1f < 3DES %.1f",
		tdes, des, aes, sha, md5, tdsha, tdes);
	int grows = 1;
	for (size_t a = 0; a < NALGS; a++)
		if (!(tp(c, "fig2", ALGS[a], 64) < tp(c, "fig2", ALGS[a], 8192)))
			grows = 0;
	verdict(c, "I09-C3/packet-rate", grows,
		"100 Mbit/s, (P2,P4M): every IPsec configuration is slower with 64-byte messages than with 8192");
	info(c, "I09-C3/shape", "the near-logarithmic growth with four exceptions is read off a plot the text does not "
				"give; the sizes' curves are in plots/iatrou/fig2.png");
}

/* Mean of IP - series over the sizes from 1024 bytes, Mbit/s. */
static double gap(ctx *c, const char *fig, const char *series)
{
	double s = 0;
	int n = 0;
	for (size_t i = 0; i < NSIZES; i++)
		if (SIZES[i] >= 1024) {
			s += tp(c, fig, "IP", SIZES[i]) - tp(c, fig, series, SIZES[i]);
			n++;
		}
	return s / n;
}

static void c4_c6(ctx *c)
{
	int ok = 1;
	double worst = 0;
	const char *wn = "";
	for (size_t a = 0; a < NALGS; a++) {
		if (strstr(ALGS[a], "3DES") || !strcmp(ALGS[a], "ESP DES SHA1"))
			continue;
		for (size_t i = 0; i < NSIZES; i++) {
			if (SIZES[i] < 1024)
				continue;
			double l = 1 - tp(c, "a100", ALGS[a], SIZES[i]) / tp(c, "a100", "IP", SIZES[i]);
			if (!isfinite(l))
				ok = 0;
			else if (l > worst) {
				worst = l;
				wn = ALGS[a];
			}
		}
	}
	/* "Virtually no throughput loss": within netperf's interval plus the
	   encapsulation's bytes (2%): 5%. */
	verdict(c, "I09-C4/full", ok && worst <= 0.05,
		"100 Mbit/s, (A,P4M): all but 3DES and DES+SHA1 within 5%% of plain IP from 1024 bytes (worst %.1f%%, %s)",
		100 * worst, wn);
	double ga = gap(c, "a100", "ESP 3DES"), lo = ref(c, "I09-061"), hi = ref(c, "I09-062");
	/* The stated range, widened by its stated 5 Mbit/s variation (I09-063). */
	double var = ref(c, "I09-063");
	verdict(c, "I09-C4/3DES", isfinite(ga) && ga >= lo - var && ga <= hi + var,
		"100 Mbit/s, (A,P4M): 3DES %.1f Mbit/s below plain IP (paper %.0f-%.0f, +- its %.0f Mbit/s variation)", ga,
		lo, hi, var);
	double gx = gap(c, "fig3", "ESP 3DES");
	lo = ref(c, "I09-064");
	hi = ref(c, "I09-065");
	verdict(c, "I09-C5/gap", isfinite(gx) && gx >= lo - var && gx <= hi + var,
		"100 Mbit/s, (X1,X2): 3DES %.1f Mbit/s below plain IP (paper %.0f-%.0f, +- %.0f)", gx, lo, hi, var);
	verdict(c, "I09-C5/narrower", isfinite(gx) && isfinite(ga) && gx < ga,
		"the 3DES gap is narrower on (X1,X2) than on (A,P4M): %.1f < %.1f Mbit/s", gx, ga);
	double bound = ref(c, "I09-067") / 100, w2, w3, m;
	int h2 = tunnel_gap(c, "fig2", 64, &w2, &m), h3 = tunnel_gap(c, "fig3", 64, &w3, &m);
	verdict(c, "I09-C6", h2 && h3 && w2 <= bound && w3 <= bound,
		"100 Mbit/s: tunnel and transport differ by at most %.0f%% (largest: (P2,P4M) %.1f%%, (X1,X2) %.1f%%)",
		100 * bound, 100 * w2, 100 * w3);
}

static void c7_c9(ctx *c)
{
	double line = goodput(1000, 1500, 0);
	double ip = peak(c, "p4_1000", "IP");
	verdict(c, "I09-C7/IP", isfinite(ip) && ip < SATURATED * line,
		"1 Gbit/s, (P41,P42): plain IP peaks at %.0f Mbit/s, below %.0f (95%% of the %.0f goodput)", ip,
		SATURATED * line, line);
	double pen = ref(c, "I09-068") / 100, worst = 0;
	int ok = isfinite(ip);
	for (size_t k = 0; k < NCI; k++) {
		double v = peak(c, "p4_1000", CONF_INTEG[k]);
		if (!isfinite(v) || !(v < (1 - pen) * ip))
			ok = 0;
		if (isfinite(v) && v > worst)
			worst = v;
	}
	verdict(c, "I09-C7/IPsec", ok,
		"1 Gbit/s, (P41,P42): ESP with integrity loses more than %.0f%% of plain IP (best %.0f of %.0f Mbit/s)",
		100 * pen, worst, ip);

	double from = ref(c, "I09-069");
	int sat = 1;
	double low = INFINITY;
	for (size_t i = 0; i < NSIZES; i++) {
		double v = tp(c, "fig4", "IP", SIZES[i]);
		if (SIZES[i] > from && !(v >= SATURATED * line))
			sat = 0;
		if (SIZES[i] > from && v < low)
			low = v;
	}
	double small = tp(c, "fig4", "IP", 64);
	verdict(c, "I09-C8/IP", sat && small < SATURATED * line,
		"1 Gbit/s, (X1,X2): plain IP saturates the link above %.0f bytes (lowest %.0f >= %.0f) and not at 64 bytes "
		"(%.0f)",
		from, low, SATURATED * line, small);
	double ceil = ref(c, "I09-070"), best = 0;
	ok = 1;
	for (size_t k = 0; k < NCI; k++) {
		double v = peak(c, "fig4", CONF_INTEG[k]);
		if (!isfinite(v))
			ok = 0;
		else if (v > best)
			best = v;
	}
	verdict(c, "I09-C8/ceiling", ok && fabs(best - ceil) <= ABOUT * ceil,
		"1 Gbit/s, (X1,X2): ESP with confidentiality and integrity tops out at %.0f Mbit/s (paper about %.0f, "
		"+- 15%%)",
		best, ceil);
	double w, m;
	int h = tunnel_gap(c, "fig4", 64, &w, &m);
	verdict(c, "I09-C8/modes", h && w <= 0.05,
		"1 Gbit/s, (X1,X2): tunnel and transport about the same (largest difference %.1f%%, at most 5%%)", 100 * w);
	double r1 = tp(c, "fig4", "ESP AES128", 8192) / tp(c, "fig4", "ESP AES128", 64);
	double r2 = tp(c, "fig4", "ESP AES128 SHA1", 8192) / tp(c, "fig4", "ESP AES128 SHA1", 64);
	verdict(c, "I09-C8/AES-doubles", fabs(r1 - 2) <= 2 * ABOUT && fabs(r2 - 2) <= 2 * ABOUT,
		"1 Gbit/s: AES128 gains %.2fx and AES128+SHA1 %.2fx from 64 to 8192 bytes (paper \"almost doubled\": 2 +- "
		"15%%)",
		r1, r2);

	const char *s = "ESP AES128 SHA1";
	double u = metric(c, "fig4", s, "rcv.cpu.util", 8192), us = metric(c, "fig4", s, "snd.cpu.util", 8192);
	double si = metric(c, "fig4", s, "rcv.cpu.softirq", 8192), irq = metric(c, "fig4", s, "rcv.cpu.irq", 8192),
	       sy = metric(c, "fig4", s, "rcv.cpu.system", 8192), usr = metric(c, "fig4", s, "rcv.cpu.user", 8192);
	double busy = u > us ? u : us, full = ref(c, "I09-072") / 100;
	verdict(c, "I09-C9/busy", isfinite(busy) && busy >= SATURATED * full,
		"1 Gbit/s, (X1,X2), %s, 8192 bytes: the busier host's CPU at %.0f%% (paper %.0f%%)", s, 100 * busy,
		100 * full);
	verdict(c, "I09-C9/states", isfinite(si) && si > irq && irq > sy && irq > usr,
		"receiver's CPU by state: softirq %.0f%% > irq %.0f%% > system %.0f%%, user %.0f%%", 100 * si, 100 * irq,
		100 * sy, 100 * usr);
	info(c, "I09-C10", "the authors' analysis of causes (interrupt storm plus softirq load); its parts are checked "
			   "by I09-C9, C12 and C17");
}

/* Mean over sizes in [from, to) of series a minus series b, Mbit/s. */
static double delta(ctx *c, const char *fig, const char *a, const char *b, double from, double to)
{
	double s = 0;
	int n = 0;
	for (size_t i = 0; i < NSIZES; i++)
		if (SIZES[i] >= from && SIZES[i] < to) {
			s += tp(c, fig, a, SIZES[i]) - tp(c, fig, b, SIZES[i]);
			n++;
		}
	return n ? s / n : NAN;
}

static void c11_c13(ctx *c)
{
	double want = ref(c, "I09-073");
	double gi = delta(c, "tuning", "IP tuned", "IP stock", 0, INFINITY),
	       ga = delta(c, "tuning", "AH MD5 tuned", "AH MD5 stock", 0, INFINITY);
	/* "A gain of 20 Mbps": the netperf interval at 1 Gbit/s is about 28
	   Mbit/s wide (3% of 940), so 20 +- 15 is what the paper resolves. */
	verdict(c, "I09-C11/IP-AH", fabs(gi - want) <= 15 && fabs(ga - want) <= 15,
		"1 Gbit/s, (X1,X2): tuning gains %.1f Mbit/s for IP and %.1f for AH MD5 on average (paper %.0f, +- 15: "
		"netperf's interval)",
		gi, ga, want);
	double g64 = tp(c, "tuning", "IP tuned", 64) - tp(c, "tuning", "IP stock", 64),
	       g32 = tp(c, "tuning", "IP tuned", 32768) - tp(c, "tuning", "IP stock", 32768);
	verdict(c, "I09-C11/larger", g32 > g64, "larger messages gain more: %.1f at 32768 > %.1f Mbit/s at 64", g32, g64);
	static const char *const esp[] = {"ESP AES128", "ESP DES", "ESP 3DES"};
	double top = -INFINITY;
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < NSIZES; i++) {
			char a[64], b[64];
			series_name(a, sizeof a, esp[k], "tuned");
			series_name(b, sizeof b, esp[k], "stock");
			double g = tp(c, "tuning", a, SIZES[i]) - tp(c, "tuning", b, SIZES[i]);
			if (g > top || !isfinite(g))
				top = g;
		}
	double up = ref(c, "I09-074");
	verdict(c, "I09-C11/ESP", isfinite(top) && fabs(top - up) <= ABOUT * up + 15,
		"ESP gains up to %.0f Mbit/s from tuning (paper up to %.0f, +- 15%% and the 15 Mbit/s interval)", top, up);

	double cut = ref(c, "I09-058");
	double lo = 0, hi = 0;
	int n = 0;
	static const char *const napi_algs[] = {"IP", "AH MD5", "ESP DES", "ESP 3DES", "ESP AES128", "ESP AES128 SHA1"};
	for (size_t k = 0; k < 6; k++) {
		char a[64], b[64];
		series_name(a, sizeof a, napi_algs[k], "NAPI");
		series_name(b, sizeof b, napi_algs[k], "irq");
		lo += delta(c, "napi", a, b, 0, cut);
		hi += delta(c, "napi", a, b, cut, INFINITY);
		n++;
	}
	lo /= n;
	hi /= n;
	double loss = ref(c, "I09-075"), gain = ref(c, "I09-076");
	/* A loss is a mean below -NOISE_MBPS: the model's own runs of 0.3, 1
	   and 3 s differ by up to 1 Mbit/s, so a smaller mean of either sign
	   is no effect (reference/tolerances.md). */
	verdict(c, "I09-C12/small", lo <= -NOISE_MBPS && fabs(-lo - loss) <= 15,
		"NAPI below %.0f bytes: %+.1f Mbit/s on average (paper about -%.0f, +- 15: netperf's interval)", cut, lo,
		loss);
	verdict(c, "I09-C12/large", hi > 0 && fabs(hi - gain) <= ABOUT * gain + 15,
		"NAPI from %.0f bytes: %+.1f Mbit/s on average (paper +%.0f, +- 15%% and 15)", cut, hi, gain);
	double worst = 0;
	int ok = 1;
	for (size_t k = 1; k < 6; k++)
		for (size_t i = 0; i < NSIZES; i++) {
			char a[64], b[80];
			series_name(a, sizeof a, napi_algs[k], "NAPI");
			snprintf(b, sizeof b, "%s tunnel NAPI", napi_algs[k]);
			double r = tp(c, "napi", b, SIZES[i]) / tp(c, "napi", a, SIZES[i]);
			if (!isfinite(r))
				ok = 0;
			else if (fabs(1 - r) > worst)
				worst = fabs(1 - r);
		}
	verdict(c, "I09-C13", ok && worst <= NETPERF_CI,
		"NAPI, MTU 1500: tunnel and transport within netperf's 3%% (largest %.1f%%)", 100 * worst);
}

static void c14_c18(ctx *c)
{
	double cut = ref(c, "I09-058");
	double lo = delta(c, "mtu9000", "IP MTU 9000", "IP MTU 1500", 0, cut),
	       hi = delta(c, "mtu9000", "ESP AES128 SHA1 MTU 9000", "ESP AES128 SHA1 MTU 1500", cut, INFINITY);
	double glo = ref(c, "I09-078"), ghi = ref(c, "I09-079");
	verdict(c, "I09-C14/amplified", lo <= 0 && hi >= glo - 15 && hi <= ghi + 15,
		"MTU 9000 against 1500: plain IP %+.1f below %.0f bytes; ESP AES128 SHA1 %+.1f above (paper %.0f to %.0f, "
		"+- 15)",
		lo, cut, hi, glo, ghi);
	double split = 0;
	for (size_t i = 0; i < NSIZES; i++) {
		double r = tp(c, "mtu9000", "AH MD5 tunnel MTU 9000", SIZES[i]) / tp(c, "mtu9000", "AH MD5 MTU 9000", SIZES[i]);
		if (isfinite(r) && r - 1 > split)
			split = r - 1;
	}
	verdict(c, "I09-C14/tunnel", split > NETPERF_CI,
		"MTU 9000: AH MD5 tunnel above transport by up to %.1f%% (the paper's one split between the modes: more "
		"than netperf's 3%%)",
		100 * split);
	info(c, "I09-C14/noise", "the larger spread of the paper's jumbo-frame runs: the model has no random input at "
				 "zero loss, so its runs have no spread to compare");

	double md5 = peak(c, "fig6", "AH MD5 tunnel MTU 9000"), ip = peak(c, "fig6", "IP MTU 9000");
	double wmd5 = ref(c, "I09-083"), wip = ref(c, "I09-084");
	verdict(c, "I09-C15/AH-MD5", isfinite(md5) && fabs(md5 - wmd5) <= NETPERF_CI * wmd5,
		"tuned, NAPI, MTU 9000: AH MD5 tunnel peaks at %.0f Mbit/s (paper %.0f, +- 3%%)", md5, wmd5);
	verdict(c, "I09-C15/IP", isfinite(ip) && fabs(ip - wip) <= NETPERF_CI * wip,
		"plain IP peaks at %.0f Mbit/s (paper %.0f, +- 3%%)", ip, wip);
	double e15 = peak(c, "fig6", "ESP AES256 AH SHA1 tunnel MTU 1500"),
	       e90 = peak(c, "fig6", "ESP AES256 AH SHA1 tunnel MTU 9000"), want = ref(c, "I09-085");
	verdict(c, "I09-C15/ESP-AH", isfinite(e15) && isfinite(e90) && fabs(e90 - e15 - want) <= ABOUT * want + 15,
		"ESP AES256 + AH SHA1 gains %.0f Mbit/s from MTU 1500 to 9000 (paper %.0f, +- 15%% and 15)", e90 - e15,
		want);
	double f4 = peak(c, "fig4", "ESP AES128 SHA1"), f4ip = peak(c, "fig4", "IP");
	verdict(c, "I09-C16", md5 >= (1 - NETPERF_CI) * ip && f4 < 0.5 * f4ip,
		"configuration alone closes the gap: AH MD5 at %.0f%% of plain IP after tuning, NAPI and MTU 9000; ESP "
		"AES128 SHA1 at %.0f%% of it on the stock stack",
		100 * md5 / ip, 100 * f4 / f4ip);

	double pps = tp(c, "fig4", "IP", 8192) * 1e6 / (8.0 * (1500 - 40));
	double want_pps = ref(c, "I09-048");
	verdict(c, "I09-C17/rate", pps >= want_pps,
		"a saturated gigabit link at MTU 1500 carries %.0f segments/s (paper more than %.0f)", pps, want_pps);
	double i15 = metric(c, "mtu9000", "IP MTU 1500", "rcv.irqs_per_s", 8192),
	       i90 = metric(c, "mtu9000", "IP MTU 9000", "rcv.irqs_per_s", 8192);
	verdict(c, "I09-C17/interrupts", i90 < i15,
		"MTU 9000 cuts the receiver's interrupts: %.0f/s against %.0f/s at 1500 (plain IP, 8192 bytes)", i90, i15);
	double a = tp(c, "fig4", "ESP AES128 SHA1", 64), b = tp(c, "fig4", "ESP AES128 SHA1", 32768);
	verdict(c, "I09-C18", a < b,
		"the per-traversal cost amortises: ESP AES128 SHA1 at %.0f Mbit/s with 64-byte messages, %.0f with 32768", a,
		b);
}

int ss_claims_iatrou09(struct ss_db *db, FILE *out, ss_claims_result *res)
{
	memset(res, 0, sizeof *res);
	ctx c = {NULL};
	if (ss_claims_alloc(&c.k, db, out, known, sizeof known / sizeof known[0]) != SS_OK) {
		res->fail = 1;
		fprintf(out, "FAIL  I09         out of memory: no claim checked\n");
		return 1;
	}
	c1_c2(&c);
	c3(&c);
	c4_c6(&c);
	c7_c9(&c);
	c11_c13(&c);
	c14_c18(&c);
	*res = *ss_claims_counts(c.k);
	ss_claims_free(c.k);
	return ss_claims_failed(res);
}
