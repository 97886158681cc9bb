/* The Thekkath et al. claims (reference/claims.md T93-C1..C13) and the
   cells of Tables 2 and 3, checked on results/thekkath.db. Thresholds,
   each with its reason in reference/tolerances.md ("Thekkath et al."):
   - a stated cell: within 15%, the bound for a model whose
     per-packet costs are assumed weights on one scale;
   - "non-decreasing", "faster", "ordered": beyond 1%, the resolution of
     the paper's one-decimal figures at about 5 Mbit/s or 5 ms;
   - "35-65% faster": the paper's own range; "42% faster": within 15% of
     1.42; "equal" (11.9 and 11.9): within 15%.
   Every stated number is read from the reference table by row id. Inputs
   (their checks report INPUT): T93-038 (the protocol profile's scale,
   with T93-015) and Table 5 (T93-058, 059: the organisations'
   demultiplexing costs), Table 1's 8.5 Mbit/s through the library's
   mechanisms (T93-015, the scale's other anchor). The set-up's
   breakdown (T93-C9) is checked on the model's three phases, each
   against the sum of the paper's parts it holds (T93-065..070). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ss_claims.h"
#include "ss_err.h"

#define ABOUT 0.15  /* a stated cell (head comment) */
#define RESOL 0.01  /* the paper's one-decimal resolution */
#define ANCHOR 0.01 /* the anchor's closed form against the model's path */

static const double T2X[] = {512, 1024, 2048, 4096};
static const double T3X[] = {1, 512, 1460};
enum { ULTRIX, UX, LIB, NORG };
static const char *const SERIES[NORG] = {"Ultrix 4.2A", "Mach 3.0/UX", "library"};
static const char *const SHORT[NORG] = {"ultrix", "ux", "library"};

/* Row ids: Table 2 Ethernet T93-018 (Ultrix, UX, library; 4 sizes
   each), AN1 T93-030 (Ultrix, library); Table 3 Ethernet T93-038 (3
   sizes each), AN1 T93-047. */
static int t2_row(int an1, int org, int si) { return an1 ? 30 + (org == LIB) * 4 + si : 18 + org * 4 + si; }
static int t3_row(int an1, int org, int si) { return an1 ? 47 + (org == LIB) * 3 + si : 38 + org * 3 + si; }

#define WHY_ETH_LIB                                                                                               \
	"the library's extra work per Ethernet packet in the model is its sourced or assumed crossings (52 us of "    \
	"demultiplexing, a 12 us notification, a 14 us system call per packet sent, thread handoffs of 10 us): "     \
	"about 0.1 ms; the paper measured 0.8 ms more than Ultrix to deliver each packet (T93-063) and fewer "      \
	"packets per notification under load, costs its synchronisation and thread code has and the model's "      \
	"sources do not give"
#define WHY_UX                                                                                                    \
	"the model's Mach/UX pays a null RPC per call (63 us, Draves et al. scaled by the clock), a message per "  \
	"wake-up and a copy in and out of the kernel; the paper's numbers mean several ms more per exchange "       \
	"(7.8 ms against Ultrix's 1.6 for one byte), work of the UX server beyond a null RPC that has no source "   \
	"here"
#define WHY_AN1                                                                                                   \
	"on AN1 the model's hosts run 1.3-2.3x faster than the paper's: with DMA the programmed I/O that the "      \
	"calibration made slow is gone, and nothing else in the sources makes an AN1 packet as dear as the paper's " \
	"figures imply (1 ms a packet for Ultrix at 11.9 Mbit/s); the AN1 driver's costs are not published"
#define WHY_AN1_512                                                                                               \
	"the paper's Ultrix is slower on AN1 at 512 bytes (4.8 Mbit/s) than on the slower Ethernet (5.8), which "   \
	"the model's per-packet costs cannot make; " WHY_AN1
#define WHY_RTT_LIB                                                                                               \
	"the library's round trip exceeds Ultrix's by its crossings in the model (0.1-0.2 ms); the paper's by "     \
	"1.2-3.7 ms on Ethernet: see the throughput cells"
#define WHY_AN1_RTT                                                                                               \
	"AN1 round trips in the model are 22-49% below the paper's for the reason of the AN1 throughput cells "    \
	"(the AN1 packet costs)"

#define WHY_LIB_SETUP                                                                                             \
	"the model's registry server costs its sourced crossings (an RPC of 63 us to it, one IPC per set-up "        \
	"segment, three RPCs for the channels and the state) and the kernel's assumed connect and listener work: "   \
	"0.8 ms beyond Ultrix; the paper's breakdown (T93-064..070) gives 4.6 ms for the round trip through the "    \
	"server's IPC path to the device, 3.4 ms for the channels and 1.4 ms for the state, Mach VM and port work "  \
	"with no source here"

#define WHY_BREAKDOWN                                                                                             \
	"each phase holds the sourced or assumed crossings of the organisation file (ulib-mach30): " WHY_LIB_SETUP

static const ss_claims_known known[] = {
	{.id = "T93-C9/outbound", .why = WHY_BREAKDOWN},
	{.id = "T93-C9/round-trip", .why = WHY_BREAKDOWN},
	{.id = "T93-C9/completion", .why = WHY_BREAKDOWN},
	{.id = "T93-T4/ethernet/ultrix", .why = "the connect's and the listener's own work are assumed weights (600 and "
						"800 units of the profile's scale): with the round trip of the three "
						"segments they give 2.20 ms, 15.5% below the paper, just outside the 15%"},
	{.id = "T93-T4/an1/ultrix", .why = "as the AN1 throughput cells: without programmed I/O the model's AN1 segments "
					   "are cheaper than Ethernet's, where the paper's set-up is dearer on AN1"},
	{.id = "T93-T4/ethernet/ux", .why = WHY_UX},
	{.id = "T93-T4/ethernet/library", .why = WHY_LIB_SETUP},
	{.id = "T93-T4/an1/library", .why = WHY_LIB_SETUP},
	{.id = "T93-C8/bqi", .why = "the model's AN1 path is cheaper than Ethernet's (no programmed I/O), which outweighs "
				    "the BQI ring's set-up (a trap per side, 25 us in all)"},
	{.id = "T93-T2/ethernet/libraryx512", .why = WHY_ETH_LIB},
	{.id = "T93-T2/ethernet/libraryx1024", .why = WHY_ETH_LIB},
	{.id = "T93-T2/ethernet/libraryx2048", .why = WHY_ETH_LIB},
	{.id = "T93-T2/ethernet/libraryx4096", .why = WHY_ETH_LIB},
	{.id = "T93-T2/ethernet/uxx512", .why = WHY_UX},
	{.id = "T93-T2/ethernet/uxx1024", .why = WHY_UX},
	{.id = "T93-T2/ethernet/uxx2048", .why = WHY_UX},
	{.id = "T93-T2/ethernet/uxx4096", .why = WHY_UX},
	{.id = "T93-T2/an1/ultrixx512", .why = WHY_AN1_512},
	{.id = "T93-T2/an1/ultrixx1024", .why = WHY_AN1},
	{.id = "T93-T2/an1/ultrixx2048", .why = WHY_AN1},
	{.id = "T93-T2/an1/ultrixx4096", .why = WHY_AN1},
	{.id = "T93-T2/an1/libraryx512", .why = WHY_AN1},
	{.id = "T93-T2/an1/libraryx1024", .why = WHY_AN1},
	{.id = "T93-T2/an1/libraryx2048", .why = WHY_AN1},
	{.id = "T93-T2/an1/libraryx4096", .why = WHY_AN1},
	{.id = "T93-T3/ethernet/uxx1", .why = WHY_UX},
	{.id = "T93-T3/ethernet/uxx512", .why = WHY_UX},
	{.id = "T93-T3/ethernet/uxx1460", .why = WHY_UX},
	{.id = "T93-T3/ethernet/libraryx1", .why = WHY_RTT_LIB},
	{.id = "T93-T3/ethernet/libraryx512", .why = WHY_RTT_LIB},
	{.id = "T93-T3/ethernet/libraryx1460", .why = WHY_RTT_LIB},
	{.id = "T93-T3/an1/ultrixx1", .why = WHY_AN1_RTT},
	{.id = "T93-T3/an1/ultrixx512", .why = WHY_AN1_RTT},
	{.id = "T93-T3/an1/ultrixx1460", .why = WHY_AN1_RTT},
	{.id = "T93-T3/an1/libraryx1", .why = WHY_AN1_RTT},
	{.id = "T93-T3/an1/libraryx512", .why = WHY_AN1_RTT},
	{.id = "T93-T3/an1/libraryx1460", .why = WHY_AN1_RTT},
	{.id = "T93-C3/every-size", .why = "with the crossings the model has, the library and Mach/UX differ by at most "
					   "7% on Ethernet: " WHY_UX},
	{.id = "T93-C3/4K", .why = WHY_UX},
	{.id = "T93-C4", .why = WHY_ETH_LIB},
	{.id = "T93-C7/ethernet-order", .why = "the order holds at every size, but at 512 bytes the library is only "
					      "0.9% above Ultrix, inside the 1% the test asks: " WHY_RTT_LIB},
	{.id = "T93-C5/ultrix-ahead", .why = "at 1024 and 2048 bytes the model's Ultrix and library are within a few "
					     "percent; " WHY_AN1},
};

typedef struct ctx {
	ss_claims *k;
} ctx;

static double pt(ctx *c, const char *fig, int org, const char *metric, double x)
{
	return ss_claims_point(c->k, fig, SERIES[org], metric, x, NULL, NULL);
}

static double ref_row(ctx *c, int row)
{
	char id[16];
	snprintf(id, sizeof id, "T93-%03d", row);
	return ss_claims_ref(c->k, id);
}

static int within(double got, double want, double tol)
{
	return isfinite(got) && isfinite(want) && want != 0 && fabs(got / want - 1) <= tol;
}

static void cells(ctx *c)
{
	for (int an1 = 0; an1 < 2; an1++) {
		const char *net = an1 ? "an1" : "ethernet";
		char f2[32], f3[32];
		snprintf(f2, sizeof f2, "table2-%s", net);
		snprintf(f3, sizeof f3, "table3-%s", net);
		for (int org = 0; org < NORG; org++) {
			if (an1 && org == UX)
				continue; /* the paper has no Mach/UX on AN1 */
			for (int si = 0; si < 4; si++) {
				char id[64];
				int row = t2_row(an1, org, si);
				snprintf(id, sizeof id, "T93-T2/%s/%sx%g", net, SHORT[org], T2X[si]);
				double got = pt(c, f2, org, "throughput", T2X[si]), want = ref_row(c, row);
				ss_claims_output(c->k, id, within(got, want, ABOUT),
						 "Table 2, %s, %s, %g B: %.2f Mbit/s against %.1f (T93-%03d, %+.0f%%)", net,
						 SERIES[org], T2X[si], got, want, row, (got / want - 1) * 100);
			}
			for (int si = 0; si < 3; si++) {
				char id[64];
				int row = t3_row(an1, org, si);
				snprintf(id, sizeof id, "T93-T3/%s/%sx%g", net, SHORT[org], T3X[si]);
				double got = pt(c, f3, org, "rtt", T3X[si]), want = ref_row(c, row);
				if (row == 38)
					ss_claims_input(c->k, id, within(got, want, ANCHOR),
							"Table 3, Ethernet, Ultrix, 1 B: %.3f ms against %.1f (T93-038: the "
							"protocol profile's scale is solved from it, with T93-015)",
							got, want);
				else
					ss_claims_output(c->k, id, within(got, want, ABOUT),
							 "Table 3, %s, %s, %g B: %.2f ms against %.1f (T93-%03d, %+.0f%%)", net,
							 SERIES[org], T3X[si], got, want, row, (got / want - 1) * 100);
			}
		}
	}
}

/* T93-C2: every row non-decreasing in size (to the paper's resolution). */
static void c2(ctx *c)
{
	int ok = 1;
	char msg[256] = "";
	for (int an1 = 0; an1 < 2; an1++)
		for (int org = 0; org < NORG; org++) {
			if (an1 && org == UX)
				continue;
			for (int si = 1; si < 4; si++) {
				double a = pt(c, an1 ? "table2-an1" : "table2-ethernet", org, "throughput", T2X[si - 1]);
				double b = pt(c, an1 ? "table2-an1" : "table2-ethernet", org, "throughput", T2X[si]);
				if (!(isfinite(a) && isfinite(b) && b >= a * (1 - RESOL))) {
					ok = 0;
					size_t w = strlen(msg);
					snprintf(msg + w, sizeof msg - w, " %s %s %g->%g B: %.2f->%.2f;", an1 ? "AN1" : "Ethernet",
						 SERIES[org], T2X[si - 1], T2X[si], a, b);
				}
			}
		}
	ss_claims_output(c->k, "T93-C2/rows", ok, "Table 2: no row falls by more than 1%% as the user packet grows%s",
			 ok ? "" : msg);
}

/* T93-C3: the library above Mach/UX at every Ethernet size; 42% at 4 KB. */
static void c3(ctx *c)
{
	int ok = 1;
	char msg[256] = "";
	for (int si = 0; si < 4; si++) {
		double l = pt(c, "table2-ethernet", LIB, "throughput", T2X[si]);
		double u = pt(c, "table2-ethernet", UX, "throughput", T2X[si]);
		ok &= isfinite(l) && isfinite(u) && l > u * (1 + RESOL);
		size_t w = strlen(msg);
		snprintf(msg + w, sizeof msg - w, " %g: %.2fx", T2X[si], l / u);
	}
	ss_claims_output(c->k, "T93-C3/every-size", ok, "Ethernet: the library ahead of Mach/UX at every size:%s", msg);
	double l = pt(c, "table2-ethernet", LIB, "throughput", 4096), u = pt(c, "table2-ethernet", UX, "throughput", 4096);
	double want = 1 + ss_claims_ref(c->k, "T93-060") / 100;
	ss_claims_output(c->k, "T93-C3/4K", within(l / u, want, ABOUT),
			 "Ethernet, 4 KB: the library %.2fx Mach/UX against %.2fx (T93-060)", l / u, want);
}

/* T93-C4: Ultrix 35-65% above the library on Ethernet, each size. */
static void c4(ctx *c)
{
	double lo = 1 + ss_claims_ref(c->k, "T93-061") / 100, hi = 1 + ss_claims_ref(c->k, "T93-062") / 100;
	int ok = isfinite(lo) && isfinite(hi);
	char msg[256] = "";
	for (int si = 0; si < 4; si++) {
		double r = pt(c, "table2-ethernet", ULTRIX, "throughput", T2X[si]) /
			   pt(c, "table2-ethernet", LIB, "throughput", T2X[si]);
		ok &= isfinite(r) && r >= lo && r <= hi;
		size_t w = strlen(msg);
		snprintf(msg + w, sizeof msg - w, " %g: %.2fx", T2X[si], r);
	}
	ss_claims_output(c->k, "T93-C4", ok, "Ethernet: Ultrix %.2f-%.2fx the library (T93-061, 062) at every size:%s",
			 lo, hi, msg);
}

/* T93-C5: on AN1 the library ahead at 512, Ultrix at 1024 and 2048,
   equal at 4096. */
static void c5(ctx *c)
{
	double u[4], l[4];
	for (int si = 0; si < 4; si++) {
		u[si] = pt(c, "table2-an1", ULTRIX, "throughput", T2X[si]);
		l[si] = pt(c, "table2-an1", LIB, "throughput", T2X[si]);
	}
	ss_claims_output(c->k, "T93-C5/library-512", isfinite(l[0]) && l[0] > u[0] * (1 + RESOL),
			 "AN1, 512 B: the library ahead of Ultrix (%.2f against %.2f Mbit/s; the paper 6.7 against 4.8)", l[0],
			 u[0]);
	ss_claims_output(c->k, "T93-C5/ultrix-ahead",
			 isfinite(u[1]) && isfinite(u[2]) && u[1] > l[1] * (1 + RESOL) && u[2] > l[2] * (1 + RESOL),
			 "AN1: Ultrix ahead at 1024 and 2048 B (%.2f, %.2f against the library's %.2f, %.2f)", u[1], u[2],
			 l[1], l[2]);
	ss_claims_output(c->k, "T93-C5/equal-4096", within(l[3], u[3], ABOUT),
			 "AN1, 4096 B: the two equal within 15%% (%.2f and %.2f Mbit/s; the paper 11.9 and 11.9)", u[3], l[3]);
}

/* T93-C6: the best AN1 throughput far below the 100 Mbit/s link. */
static void c6(ctx *c)
{
	double best = 0;
	for (int si = 0; si < 4; si++)
		best = fmax(best, fmax(pt(c, "table2-an1", ULTRIX, "throughput", T2X[si]),
				       pt(c, "table2-an1", LIB, "throughput", T2X[si])));
	double link = ss_claims_ref(c->k, "T93-004");
	/* "far below": under a quarter, twice the paper's 12% share. */
	ss_claims_output(c->k, "T93-C6", isfinite(link) && best > 0 && best < 0.25 * link,
			 "AN1: the best throughput %.1f Mbit/s is %.0f%% of the %.0f Mbit/s link (the paper: 12%%), "
			 "the hosts' per-packet costs the limit",
			 best, 100 * best / link, link);
}

/* T93-C7: round trips ordered, growing with size. */
static void c7(ctx *c)
{
	int ord = 1, grow = 1, an1 = 1;
	char msg[256] = "";
	for (int si = 0; si < 3; si++) {
		double u = pt(c, "table3-ethernet", ULTRIX, "rtt", T3X[si]), l = pt(c, "table3-ethernet", LIB, "rtt", T3X[si]),
		       x = pt(c, "table3-ethernet", UX, "rtt", T3X[si]);
		ord &= isfinite(u) && isfinite(l) && isfinite(x) && u * (1 + RESOL) < l && l * (1 + RESOL) < x;
		size_t w = strlen(msg);
		snprintf(msg + w, sizeof msg - w, " %g B: %.2f < %.2f < %.2f;", T3X[si], u, l, x);
		double au = pt(c, "table3-an1", ULTRIX, "rtt", T3X[si]), al = pt(c, "table3-an1", LIB, "rtt", T3X[si]);
		/* "slightly slower ... fairly small": above, by under half. */
		an1 &= isfinite(au) && isfinite(al) && al > au * (1 + RESOL) && al < 1.5 * au;
	}
	for (int n = 0; n < 2; n++)
		for (int org = 0; org < NORG; org++) {
			if (n && org == UX)
				continue;
			for (int si = 1; si < 3; si++) {
				const char *f = n ? "table3-an1" : "table3-ethernet";
				double a = pt(c, f, org, "rtt", T3X[si - 1]), b = pt(c, f, org, "rtt", T3X[si]);
				grow &= isfinite(a) && isfinite(b) && b > a * (1 + RESOL);
			}
		}
	ss_claims_output(c->k, "T93-C7/ethernet-order", ord, "Ethernet round trips (ms) Ultrix < library < Mach/UX:%s",
			 msg);
	ss_claims_output(c->k, "T93-C7/an1", an1, "AN1: the library's round trip above Ultrix's by less than half, at "
						  "every size");
	ss_claims_output(c->k, "T93-C7/grow", grow, "every row's round trip grows with the user packet");
}

/* T93-C10, Table 5: the demultiplexing costs are the organisations'
   inputs; the paper's "no significant difference" as within 10%. */
static void c10(ctx *c)
{
	double sw = pt(c, "table5", LIB, "rcv.demux_us", 10), hw = pt(c, "table5", LIB, "rcv.demux_us", 100);
	double rs = ss_claims_ref(c->k, "T93-058"), rh = ss_claims_ref(c->k, "T93-059");
	ss_claims_input(c->k, "T93-C10", isfinite(sw) && isfinite(hw) && sw == rs && hw == rh && within(hw, sw, 0.10),
			"Table 5: software %.0f us, BQI %.0f us per packet (T93-058, 059: the library's inputs), within 10%%",
			sw, hw);
}

/* Table 4 and T93-C8: set-up times; the library dearest, then Mach/UX,
   then Ultrix on Ethernet; the library's AN1 set-up above its Ethernet
   one (the BQI); the network's speed no factor (Ultrix's two within
   15%). */
static void c8(ctx *c)
{
	static const struct {
		int org, an1, row;
	} cell[] = {{ULTRIX, 0, 53}, {ULTRIX, 1, 54}, {UX, 0, 55}, {LIB, 0, 56}, {LIB, 1, 57}};
	for (size_t i = 0; i < sizeof cell / sizeof cell[0]; i++) {
		char id[64];
		const char *net = cell[i].an1 ? "an1" : "ethernet";
		snprintf(id, sizeof id, "T93-T4/%s/%s", net, SHORT[cell[i].org]);
		double got = pt(c, "table4", cell[i].org, "setup", cell[i].an1 ? 100 : 10), want = ref_row(c, cell[i].row);
		ss_claims_output(c->k, id, within(got, want, ABOUT), "Table 4, %s, %s: %.2f ms against %.1f (T93-%03d, %+.0f%%)",
				 net, SERIES[cell[i].org], got, want, cell[i].row, (got / want - 1) * 100);
	}
	double u = pt(c, "table4", ULTRIX, "setup", 10), x = pt(c, "table4", UX, "setup", 10),
	       l = pt(c, "table4", LIB, "setup", 10), la = pt(c, "table4", LIB, "setup", 100),
	       ua = pt(c, "table4", ULTRIX, "setup", 100);
	ss_claims_output(c->k, "T93-C8/order", isfinite(u) && isfinite(x) && isfinite(l) && u * (1 + RESOL) < x && x * (1 + RESOL) < l,
			 "Ethernet set-up (ms): Ultrix %.2f < Mach/UX %.2f < the library %.2f", u, x, l);
	ss_claims_output(c->k, "T93-C8/bqi", isfinite(la) && la > l * (1 + RESOL),
			 "the library's AN1 set-up above its Ethernet one (%.2f against %.2f ms; the paper 12.3 against 11.9)", la,
			 l);
	ss_claims_output(c->k, "T93-C8/network", within(ua, u, ABOUT),
			 "the network's speed is no factor: Ultrix's set-up %.2f ms on AN1, %.2f on Ethernet (within 15%%)", ua, u);
}

/* T93-C1, Table 1: user to user with maximum-size frames through the
   library's mechanisms (T93-015: an input), and a standalone program
   (T93-016: the model's, link saturation); their ratio (T93-017) has the
   input as numerator, so it is information. */
static void c1(ctx *c)
{
	double lib = ss_claims_point(c->k, "table1", "library", "throughput", 1500, NULL, NULL);
	double sa = ss_claims_point(c->k, "table1", "standalone", "throughput", 1500, NULL, NULL);
	double bound = ss_claims_point(c->k, "table1", "standalone", "link_goodput", 1500, NULL, NULL);
	double rl = ss_claims_ref(c->k, "T93-015"), rs = ss_claims_ref(c->k, "T93-016"), rr = ss_claims_ref(c->k, "T93-017");
	ss_claims_input(c->k, "T93-C1/library", within(lib, rl, ABOUT),
			"Table 1: the library's mechanisms %.2f Mbit/s against %.1f (T93-015: the protocol profile's scale "
			"and the card's read rate are solved from it, with T93-038, in a closed form of one notification a "
			"frame; the simulation batches frames per notification, %+.1f%%)",
			lib, rl, (lib / rl - 1) * 100);
	ss_claims_output(c->k, "T93-C1/standalone", within(sa, rs, ABOUT),
			 "Table 1: a standalone program %.2f Mbit/s against %.1f (T93-016, %+.0f%%); the link's bound for "
			 "1500-byte frames is %.2f",
			 sa, rs, (sa / rs - 1) * 100, bound);
	/* Within the paper's resolution of the bound either way: the
	   window's edges cut a frame or add one. */
	ss_claims_output(c->k, "T93-C1/link", within(sa, bound, RESOL),
			 "Table 1: the standalone program saturates the link (%.3f of the %.3f Mbit/s bound), as the paper "
			 "notes",
			 sa, bound);
	ss_claims_info(c->k, "T93-C1/ratio", "Table 1: the mechanisms reach %.0f%% of the standalone program (the paper %.0f%%, "
					       "T93-017; the numerator is the calibration's input)",
		       100 * lib / sa, rr);
}

/* T93-C9: the library's Ethernet set-up in the model's three phases,
   each against the paper's parts it holds: the outbound phase (the
   call to the registry server and its work before the SYN: T93-067
   and the application's round trip to the server, T93-069), the round
   trip to the peer (T93-065), the completion (the channels, T93-068,
   and the TCP state, T93-070). And the round trip as the largest
   part ("the bulk of the cost"). */
static void c9(ctx *c)
{
	static const struct {
		const char *id, *metric, *what;
		int rows[2];
	} ph[] = {{"T93-C9/outbound", "setup.outbound", "call to SYN out", {67, 69}},
		  {"T93-C9/round-trip", "setup.round_trip", "round trip to the peer", {65, 0}},
		  {"T93-C9/completion", "setup.completion", "channels and TCP state", {68, 70}}};
	double got[3];
	for (size_t i = 0; i < 3; i++) {
		got[i] = pt(c, "table4", LIB, ph[i].metric, 10);
		char id[16];
		snprintf(id, sizeof id, "T93-%03d", ph[i].rows[0]);
		double want = ss_claims_ref_ms(c->k, id); /* the parts are given in ms or us */
		if (ph[i].rows[1]) {
			snprintf(id, sizeof id, "T93-%03d", ph[i].rows[1]);
			want += ss_claims_ref_ms(c->k, id);
		}
		char rows[32];
		if (ph[i].rows[1])
			snprintf(rows, sizeof rows, "T93-%03d + %03d", ph[i].rows[0], ph[i].rows[1]);
		else
			snprintf(rows, sizeof rows, "T93-%03d", ph[i].rows[0]);
		ss_claims_output(c->k, ph[i].id, within(got[i], want, ABOUT),
				 "library set-up on Ethernet, %s: %.2f ms against %.1f (%s, %+.0f%%)", ph[i].what, got[i],
				 want, rows, (got[i] / want - 1) * 100);
	}
	ss_claims_output(c->k, "T93-C9/bulk", got[1] > got[0] && got[1] > got[2],
			 "the round trip to the peer is the largest part of the library's set-up: %.2f of %.2f ms (the "
			 "paper: 4.6 of 11.9, the largest of its five parts)",
			 got[1], got[0] + got[1] + got[2]);
}

static void infos(ctx *c)
{
	ss_claims_info(c->k, "T93-C11", "a dedicated server per protocol stack is argued, not measured (no numbers)");
	ss_claims_info(c->k, "T93-C12", "the overall conclusion: the checks above are its parts");
	ss_claims_info(c->k, "T93-C13", "Mach/UX's unmapped-device variant is cited, not measured");
}

int ss_claims_thekkath(struct ss_db *db, FILE *out, ss_claims_result *res)
{
	memset(res, 0, sizeof *res);
	ctx c = {NULL};
	if (ss_claims_alloc(&c.k, db, out, known, sizeof known / sizeof known[0]) != SS_OK) {
		res->fail = 1;
		fprintf(out, "FAIL  T93         out of memory: no claim checked\n");
		return 1;
	}
	cells(&c);
	c1(&c);
	c2(&c);
	c3(&c);
	c4(&c);
	c5(&c);
	c6(&c);
	c7(&c);
	c8(&c);
	c9(&c);
	c10(&c);
	infos(&c);
	*res = *ss_claims_counts(c.k);
	ss_claims_free(c.k);
	return ss_claims_failed(res);
}
