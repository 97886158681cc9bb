/* The OCF claims (reference/claims.md OCF-C1..C6, reference/
   ocf03-claims.md OCF-C7..C23) checked on results/ocf.db. The paper's
   words become numbers through the thresholds below, each with its
   reason in reference/tolerances.md ("Keromytis et al."):
   - a stated number (a table cell, a Figure 1 point): within 15%, the
     issue's bound for a model whose host is assumed (its section 5.1 is
     not in the stored text);
   - "constant": every value within 15% of their mean (the same bound);
   - "bounded by the bus": at least 95% of the closed-form bus bound and
     never above it (the runs are deterministic; 5% allows the idle gaps
     a window catches at its edges).
   Every stated number is read from the reference table by row id; none is
   typed here. Two cells are inputs (the card presets' anchors): Table 1
   at 32 threads and 16384 bytes, Table 2 at 1 thread and 8192 bytes;
   their checks report INPUT. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ss_claims.h"
#include "ss_err.h"

#define ABOUT 0.15    /* a stated number, "constant": 15% (head comment) */
#define BOUND_MIN 0.95 /* "bounded by the bus": at least 95% of the bound */

static const double SIZES[] = {16, 64, 256, 1024, 8192, 16384};
#define NSIZES (sizeof SIZES / sizeof SIZES[0])
static const double THREADS[] = {1, 2, 3, 4, 32};
static const char *const TSERIES[] = {"1 thread", "2 threads", "3 threads", "4 threads", "32 threads"};
#define NTHREADS (sizeof THREADS / sizeof THREADS[0])
static const double FIG1[] = {16, 64, 256, 1024, 2048, 4096, 8192, 16384};
#define NFIG1 (sizeof FIG1 / sizeof FIG1[0])
static const double FIG4[] = {1, 2, 4, 8, 16, 24};
#define NFIG4 (sizeof FIG4 / sizeof FIG4[0])

/* Why the per-cell deviations happen (docs/ocf03.md, "What does not
   match"). */
#define WHY_SMALL_T1                                                                                              \
	"small requests run about twice as fast as the paper's: the paper's one-thread 16-byte figure means 41.8 us " \
	"per request, the model's host path, driver and card take 17.8 (the assumed ocf-testbed costs, about 8 us "  \
	"of framework and 4 of driver and interrupt, and the card's DMA); the paper's cost break-down for the "       \
	"hardware path is in the part of section 5.2 the stored text lacks, so the extra per-request cost (PCI "      \
	"transactions, descriptor-ring probing, section 6.3) has no source"
#define WHY_SMALL_T2                                                                                              \
	"as for Table 1: the paper's 5820 figures at 16-1024 bytes mean a larger per-request cost (23.6 us at one "   \
	"thread and 16 bytes) than the assumed host path and card give (14.1 us); no source for the difference"
#define WHY_CPU_T2                                                                                                \
	"at 32 threads the four 5820s are not the limit in the model or, by its numbers, in the paper (one card "     \
	"alone does 300.88 Mbit/s at one thread, 8 KB): the host's copies are (2 x 16 KB per request); the assumed "  \
	"copy rate (PC133 peak / 3 = 355 MB/s) lets the model's processor carry 1287 Mbit/s, where the paper's "      \
	"801.81 means at most 9.5 ns a byte of host work, about 210 MB/s per copy"
#define WHY_DIP                                                                                                   \
	"the paper's one-thread 16384-byte figure (254.79) is below its 8192-byte one (300.88), the only dip in "     \
	"either table, left unexplained by the retrieved text; nothing in the model makes one request of 16 KB "      \
	"slower per byte than two of 8 KB"

static const ss_claims_known known[] = {
	{.id = "OCF-T1/1x16", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/1x64", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/1x256", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/2x16", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/2x64", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/2x256", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/3x16", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/3x64", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/3x256", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/4x16", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/4x64", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/4x256", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/32x16", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/32x64", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/32x256", .why = WHY_SMALL_T1},
	{.id = "OCF-T1/32x1024",
	 .why = "at 32 threads and 1024 bytes the model's chips are already saturated (330 Mbit/s) where the paper's "
	        "reach 249: the same missing per-request cost as the small sizes, which at 1 KB still outweighs the "
	        "engine time of the four chips together"},
	{.id = "OCF-T2/1x16", .why = WHY_SMALL_T2},
	{.id = "OCF-T2/1x64", .why = WHY_SMALL_T2},
	{.id = "OCF-T2/1x256", .why = WHY_SMALL_T2},
	{.id = "OCF-T2/1x1024", .why = WHY_SMALL_T2},
	{.id = "OCF-T2/1x16384", .why = WHY_DIP},
	{.id = "OCF-T2/32x16", .why = WHY_CPU_T2},
	{.id = "OCF-T2/32x64", .why = WHY_CPU_T2},
	{.id = "OCF-T2/32x256", .why = WHY_CPU_T2},
	{.id = "OCF-T2/32x1024", .why = WHY_CPU_T2},
	{.id = "OCF-T2/32x8192", .why = WHY_CPU_T2},
	{.id = "OCF-T2/32x16384", .why = WHY_CPU_T2},
	{.id = "OCF-C14/dip", .why = WHY_DIP},
	{.id = "OCF-C7/1024",
	 .why = "the null algorithm's cost per byte is two copies in the model: at the assumed 355 MB/s that is "
	        "5.6 ns a byte, where the paper's 420 and 600 Mbit/s mean 12.5 ns (OCF-C7's DERIVED fit); its fixed "
	        "cost per request (8.4 us assumed against 6.7 derived) is close"},
	{.id = "OCF-C7/8192", .why = "as OCF-C7/1024: the copies are 2.2 times faster than the paper's per-byte cost"},
	{.id = "OCF-C11/saturates",
	 .why = "with one request per chip (4 threads) each chip idles while its thread's host work runs: 2 copies of "
	        "16 KB (92 us at the assumed rate) and the ioctl path, serialised on the one processor with the other "
	        "threads' (the model's 4-thread cell is 12% under the paper's, OCF-T1/4x16384), so 32 threads still "
	        "gain 27% where the paper's gain 7%"},
	{.id = "OCF-C10/card-constant",
	 .why = "with the card the hog's time grows until the chips saturate (about 8 threads) and is constant beyond: "
	        "each 8 KB request costs the host 58 us of system calls, copies and interrupts, which below "
	        "saturation grows with the threads; the paper's bars are not in the stored text, only 'remains "
	        "constant'"},
};

typedef struct ctx {
	ss_claims *k;
} ctx;

static double pt(ctx *c, const char *fig, const char *series, const char *metric, double x)
{
	return ss_claims_point(c->k, fig, series, metric, x, NULL, NULL);
}

static double tp(ctx *c, const char *fig, const char *series, double x)
{
	return pt(c, fig, series, "throughput", x);
}

static double ref(ctx *c, const char *id) { return ss_claims_ref(c->k, id); }

static int within(double got, double want, double tol)
{
	return isfinite(got) && isfinite(want) && want != 0 && fabs(got / want - 1) <= tol;
}

/* Table 1 row id of (thread index, size index): OCF-123 onwards, six
   sizes per thread count. Table 2: OCF-153.. (1 thread), OCF-159.. (32). */
static void t1_id(char *buf, size_t len, size_t ti, size_t si) { snprintf(buf, len, "OCF-%zu", 123 + 6 * ti + si); }

static void tables(ctx *c)
{
	for (size_t ti = 0; ti < NTHREADS; ti++)
		for (size_t si = 0; si < NSIZES; si++) {
			char id[64], rid[16];
			snprintf(id, sizeof id, "OCF-T1/%gx%g", THREADS[ti], SIZES[si]);
			t1_id(rid, sizeof rid, ti, si);
			double want = ref(c, rid), got = tp(c, "table1", TSERIES[ti], SIZES[si]);
			int ok = within(got, want, ABOUT);
			if (THREADS[ti] == 32 && SIZES[si] == 16384)
				ss_claims_input(c->k, id, ok,
						"Table 1, %g threads, %g B: %.2f Mbit/s against %.2f (%s; the Hifn preset's rating is "
						"this cell over 4 x 96%%)", THREADS[ti], SIZES[si], got, want, rid);
			else
				ss_claims_output(c->k, id, ok, "Table 1, %g thread(s), %g B: %.2f Mbit/s against %.2f (%s, %+.0f%%)",
						 THREADS[ti], SIZES[si], got, want, rid, (got / want - 1) * 100);
		}
	static const size_t T2[] = {0, 4};
	for (size_t k = 0; k < 2; k++) {
		size_t ti = T2[k];
		for (size_t si = 0; si < NSIZES; si++) {
			char id[64], rid[16];
			snprintf(id, sizeof id, "OCF-T2/%gx%g", THREADS[ti], SIZES[si]);
			snprintf(rid, sizeof rid, "OCF-%zu", (k ? 159 : 153) + si);
			double want = ref(c, rid), got = tp(c, "table2", TSERIES[ti], SIZES[si]);
			int ok = within(got, want, ABOUT);
			if (THREADS[ti] == 1 && SIZES[si] == 8192)
				ss_claims_input(c->k, id, ok,
						"Table 2, 1 thread, 8192 B: %.2f Mbit/s against %.2f (%s; the 5820 preset's rating "
						"is solved from this cell)", got, want, rid);
			else
				ss_claims_output(c->k, id, ok, "Table 2, %g thread(s), %g B: %.2f Mbit/s against %.2f (%s, %+.0f%%)",
						 THREADS[ti], SIZES[si], got, want, rid, (got / want - 1) * 100);
		}
	}
}

/* OCF-C11: rows rise with size, columns with threads; near-linear to the
   chip count at 16 KB, little beyond; more than 4x at 1 KB. */
static void c11(ctx *c)
{
	int rows = 1, cols = 1;
	for (size_t ti = 0; ti < NTHREADS; ti++)
		for (size_t si = 1; si < NSIZES; si++)
			if (!(tp(c, "table1", TSERIES[ti], SIZES[si]) > tp(c, "table1", TSERIES[ti], SIZES[si - 1])))
				rows = 0;
	for (size_t si = 0; si < NSIZES; si++)
		for (size_t ti = 1; ti < NTHREADS; ti++)
			if (!(tp(c, "table1", TSERIES[ti], SIZES[si]) > tp(c, "table1", TSERIES[ti - 1], SIZES[si])))
				cols = 0;
	ss_claims_output(c->k, "OCF-C11/rows", rows, "Table 1: every thread count's throughput rises with buffer size");
	ss_claims_output(c->k, "OCF-C11/columns", cols, "Table 1: every buffer size's throughput rises with threads");
	/* The gain at 16 KB over one thread, against the paper's ratios. */
	double one = tp(c, "table1", TSERIES[0], 16384);
	char rid1[16];
	t1_id(rid1, sizeof rid1, 0, 5);
	double pone = ref(c, rid1);
	int ok = isfinite(one) && one > 0;
	char msg[256] = "";
	size_t off = 0;
	for (size_t ti = 1; ti < NTHREADS; ti++) {
		char rid[16];
		t1_id(rid, sizeof rid, ti, 5);
		double g = tp(c, "table1", TSERIES[ti], 16384) / one, pg = ref(c, rid) / pone;
		ok = ok && within(g, pg, ABOUT);
		off += (size_t)snprintf(msg + off, sizeof msg - off, "%s%g: %.2fx (paper %.2fx)", ti > 1 ? ", " : "",
					THREADS[ti], g, pg);
		if (off >= sizeof msg)
			break;
	}
	ss_claims_output(c->k, "OCF-C11/scaling", ok, "Table 1 at 16384 B, gain over one thread by threads: %s", msg);
	double sat = tp(c, "table1", TSERIES[4], 16384) / tp(c, "table1", TSERIES[3], 16384);
	ss_claims_output(c->k, "OCF-C11/saturates", isfinite(sat) && sat < 1 + ABOUT,
			 "Table 1 at 16384 B: 32 threads give %.2fx of 4 (the chip count): little beyond it", sat);
	double k1 = tp(c, "table1", TSERIES[4], 1024) / tp(c, "table1", TSERIES[0], 1024);
	ss_claims_output(c->k, "OCF-C11/overlap", isfinite(k1) && k1 > 4,
			 "Table 1 at 1024 B: 32 threads give %.2fx one thread, more than the 4 chips (overlapping requests "
			 "hide per-request costs)", k1);
}

/* OCF-C12, C13: the peak against the chips' rating; the bus share there. */
static void c12_c13(ctx *c)
{
	double peak = tp(c, "table1", TSERIES[4], 16384);
	double share = ref(c, "OCF-166") / 100;
	double util = pt(c, "table1", TSERIES[4], "engine_util", 16384);
	ss_claims_input(c->k, "OCF-C12", isfinite(util) && util >= share,
			"the 32-thread 16 KB peak (%.1f Mbit/s) keeps the four chips %.1f%% busy: over %.0f%% of their "
			"rating, which the preset takes from this very cell", peak, util * 100, share * 100);
	double lu = pt(c, "table1", TSERIES[4], "local_bus_util", 16384);
	double pu = ref(c, "OCF-169") / 100;
	ss_claims_output(c->k, "OCF-C13", isfinite(lu) && lu > pu && lu <= 1,
			 "the card's 32-bit/33 MHz bus is %.1f%% busy at the peak (data both ways, descriptors, the bridge's "
			 "cycles): over %.0f%% as the paper says (%.0f of %.0f Mbit/s, OCF-167, OCF-111)",
			 lu * 100, pu * 100, ref(c, "OCF-167"), ref(c, "OCF-111") * 1000);
}

/* OCF-C14, C15, C17: Table 2's shapes; small requests; more threads. */
static void c14_c17(ctx *c)
{
	int beats = 1;
	double lo = INFINITY, hi = 0;
	for (size_t si = 0; si < NSIZES; si++) {
		double r = tp(c, "table2", TSERIES[4], SIZES[si]) / tp(c, "table2", TSERIES[0], SIZES[si]);
		beats = beats && isfinite(r) && r > 1;
		lo = fmin(lo, r);
		hi = fmax(hi, r);
	}
	ss_claims_output(c->k, "OCF-C14/threads", beats,
			 "Table 2: 32 threads beat one at every size (%.2fx to %.2fx; paper 1.83x to 3.15x)", lo, hi);
	double a = tp(c, "table2", TSERIES[0], 16384), b = tp(c, "table2", TSERIES[0], 8192);
	ss_claims_output(c->k, "OCF-C14/dip", isfinite(a) && isfinite(b) && a < b,
			 "Table 2, one thread: 16384 B (%.1f) below 8192 B (%.1f), as the paper's %.2f against %.2f", a, b,
			 ref(c, "OCF-158"), ref(c, "OCF-157"));
	/* Small requests: the 16-byte figure is a tenth of the 16 KB one or
	   less in every row of both tables (the paper's rows: 1.2%-4.1%). */
	int small = 1;
	double worst = 0;
	for (int t = 0; t < 2; t++)
		for (size_t ti = 0; ti < NTHREADS; ti++) {
			double r = tp(c, t ? "table2" : "table1", TSERIES[ti], 16) /
				   tp(c, t ? "table2" : "table1", TSERIES[ti], 16384);
			small = small && isfinite(r) && r < 0.1;
			worst = fmax(worst, r);
		}
	ss_claims_output(c->k, "OCF-C15/small", small,
			 "16-byte requests reach at most %.1f%% of the 16 KB throughput in any row of either table", worst * 100);
	/* Buffer size matters more than hardware against software (Figure 1):
	   the card's own range over sizes beats its best gain over software. */
	double range = tp(c, "fig1", "5820 3DES", 16384) / tp(c, "fig1", "5820 3DES", 16), gain = 0;
	for (size_t i = 0; i < NFIG1; i++)
		gain = fmax(gain, tp(c, "fig1", "5820 3DES", FIG1[i]) / tp(c, "fig1", "software 3DES", FIG1[i]));
	ss_claims_output(c->k, "OCF-C15/size-over-hardware", isfinite(range) && isfinite(gain) && range > gain,
			 "Figure 1: one 5820's throughput spans %.0fx over buffer sizes, its best gain over software 3DES is "
			 "%.1fx", range, gain);
	int more = 1;
	for (int t = 0; t < 2; t++)
		for (size_t si = 0; si < NSIZES; si++)
			more = more && tp(c, t ? "table2" : "table1", TSERIES[4], SIZES[si]) >
					       tp(c, t ? "table2" : "table1", TSERIES[0], SIZES[si]);
	ss_claims_output(c->k, "OCF-C17", more, "32 threads give more aggregate throughput than one at every size, both tables");
}

/* OCF-C7..C9: Figure 1's null algorithm; the cost break-down; bursts. */
static void c7_c9(ctx *c)
{
	static const struct {
		const char *id, *ref;
		double x;
	} pts[] = {{"OCF-C7/1024", "OCF-121", 1024}, {"OCF-C7/8192", "OCF-122", 8192}};
	for (size_t i = 0; i < 2; i++) {
		double got = tp(c, "fig1", "null", pts[i].x), want = ref(c, pts[i].ref);
		ss_claims_output(c->k, pts[i].id, within(got, want, ABOUT),
				 "null algorithm, one process, %g B: %.0f Mbit/s against %.0f (%s, %+.0f%%)", pts[i].x, got,
				 want, pts[i].ref, (got / want - 1) * 100);
	}
	double n64 = tp(c, "fig1", "null", 64), n8k = tp(c, "fig1", "null", 8192);
	ss_claims_output(c->k, "OCF-C7/steep", isfinite(n64) && n64 < 0.1 * n8k,
			 "null algorithm: 64-byte requests reach %.0f Mbit/s, %.1f%% of 8192-byte ones: a fixed cost per "
			 "request dominates small requests", n64, n64 / n8k * 100);
	double path = pt(c, "fig1", "null", "cpu_path", 64), copy = pt(c, "fig1", "null", "cpu_copy", 64);
	/* "consists of": at least 80% of the request's processor time (the
	   rest is the copies of 64 bytes each way). */
	ss_claims_output(c->k, "OCF-C8", isfinite(path) && isfinite(copy) && path >= 0.8 * (path + copy),
			 "null algorithm at 64 B: system call, validation and scheduling take %.1f%% of the processor, the "
			 "copies %.1f%%", path * 100, copy * 100);
	/* Small requests, where the processor is busy: the paper's setting
	   for the flurry (the ceiling of small operations). */
	double b1 = pt(c, "table1", TSERIES[0], "thread_batch", 16), b32 = pt(c, "table1", TSERIES[4], "thread_batch", 16);
	ss_claims_output(c->k, "OCF-C9", isfinite(b1) && isfinite(b32) && b1 <= 1.0 + 1e-9 && b32 >= 2,
			 "16-byte requests: the crypto thread takes %.2f request(s) per wake-up with one process, %.1f with "
			 "32 (a flurry)", b1, b32);
}

/* OCF-C10, C18: the hog beside crypto threads (Figure 4). */
static void c10_c18(ctx *c)
{
	double mean = 0, lo = INFINITY, hi = 0;
	for (size_t i = 0; i < NFIG4; i++) {
		double v = pt(c, "fig4", "card 3DES", "hog_stretch", FIG4[i]);
		mean += v / NFIG4;
		lo = fmin(lo, v);
		hi = fmax(hi, v);
	}
	ss_claims_output(c->k, "OCF-C10/card-constant", isfinite(mean) && lo >= mean * (1 - ABOUT) && hi <= mean * (1 + ABOUT),
			 "with the card (3DES) the hog takes %.2f to %.2f times its time alone over 1-24 threads", lo, hi);
	double s1 = pt(c, "fig4", "software 3DES", "hog_stretch", 1), s24 = pt(c, "fig4", "software 3DES", "hog_stretch", 24);
	ss_claims_output(c->k, "OCF-C10/software-grows", isfinite(s1) && isfinite(s24) && s24 > 10 * s1,
			 "in software the hog's time grows with the threads: %.1fx alone with 1, %.1fx with 24", s1, s24);
	double c24 = pt(c, "fig4", "card 3DES", "hog_stretch", 24);
	double hw = tp(c, "fig1", "Hifn 7751 3DES", 16384), sw = tp(c, "fig1", "software 3DES", 16384);
	ss_claims_output(c->k, "OCF-C18", isfinite(c24) && c24 < 0.2 * s24 && isfinite(hw) && hw < 1.5 * sw,
			 "one Hifn chip is no faster than software 3DES for one process (%.1f against %.1f Mbit/s at 16 KB), "
			 "yet with 24 threads the hog takes %.2fx its time with cards, %.1fx in software", hw, sw, c24, s24);
}

/* OCF-C16, C22: where software beats a card and where a card pays. */
static void c16_c22(ctx *c)
{
	double cross = NAN;
	int sw_small = tp(c, "fig1", "software 3DES", FIG1[0]) > tp(c, "fig1", "5820 3DES", FIG1[0]);
	for (size_t i = 1; i < NFIG1 && isnan(cross); i++)
		if (tp(c, "fig1", "5820 3DES", FIG1[i]) > tp(c, "fig1", "software 3DES", FIG1[i]))
			cross = FIG1[i];
	ss_claims_output(c->k, "OCF-C16", sw_small && isfinite(cross),
			 "software 3DES beats a 5820 for %g-byte requests; the card wins from %g bytes", FIG1[0], cross);
	double r = tp(c, "fig1", "5820 3DES", 16384) / tp(c, "fig1", "software 3DES", 16384);
	ss_claims_output(c->k, "OCF-C22", isfinite(r) && r > 2,
			 "bulk requests (16 KB): a 5820 gives %.1fx software 3DES for one process", r);
}

/* OCF-C1..C3, C19: the placement study and the copies. */
static void c1_c3(ctx *c)
{
	static const double SPEEDS[] = {50, 100, 200, 400, 800, 1600, 3200};
	const char *la = "look-aside card, pci32-33";
	double fast = tp(c, "placement", la, 3200), mid = tp(c, "placement", la, 800);
	double bound = pt(c, "placement", la, "bus_bound", 3200);
	int never = 1;
	for (size_t i = 0; i < sizeof SPEEDS / sizeof SPEEDS[0]; i++)
		never = never && tp(c, "placement", la, SPEEDS[i]) <= pt(c, "placement", la, "bus_bound", SPEEDS[i]) * (1 + 1e-9);
	ss_claims_output(c->k, "OCF-C1", never && fast >= BOUND_MIN * bound && fast <= mid * 1.05,
			 "a look-aside card on 32-bit/33 MHz PCI stops scaling with its speed: %.0f Mbit/s at 800, %.0f at "
			 "3200, against the bus bound %.0f (never above it)", mid, fast, bound);
	double inl = tp(c, "placement", "inline (NIC), pci32-33", 3200);
	ss_claims_output(c->k, "OCF-C2", isfinite(inl) && fast / inl > 0.28 && fast / inl < 0.4,
			 "with the NIC on the same bus each packet crosses it three times: the look-aside card gets %.0f%% "
			 "of what one crossing allows (%.0f of %.0f Mbit/s)", fast / inl * 100, fast, inl);
	double cpu = tp(c, "placement", "beside the CPU, pci32-33", 3200);
	ss_claims_output(c->k, "OCF-C3", inl > 2 * fast && cpu > 2 * fast,
			 "off the bus the same engine does better: inline %.0f, beside the CPU %.0f, look-aside %.0f Mbit/s",
			 inl, cpu, fast);
	double lu = pt(c, "placement", "inline (NIC), pci64-66", "link_util", 3200);
	ss_claims_output(c->k, "OCF-C4", isfinite(lu) && lu >= BOUND_MIN,
			 "an inline engine faster than the link keeps the gigabit link %.1f%% busy (line rate)", lu * 100);
	double eu = pt(c, "table2", TSERIES[4], "engine_util", 16384), cc = pt(c, "table2", TSERIES[4], "cpu_copy", 16384);
	ss_claims_output(c->k, "OCF-C19", isfinite(eu) && eu < 0.9 && cc > 0.5,
			 "four 5820s at 32 threads, 16 KB: the cards are %.0f%% busy while the copies take %.0f%% of the "
			 "processor (the limit)", eu * 100, cc * 100);
	/* Sessions: 4 threads, one per chip. */
	double u[4], mn = INFINITY, mx = 0;
	for (int i = 0; i < 4; i++) {
		char m[48];
		snprintf(m, sizeof m, "coproc.card0.%d.util", i);
		u[i] = pt(c, "table1", TSERIES[3], m, 16384);
		mn = fmin(mn, u[i]);
		mx = fmax(mx, u[i]);
	}
	ss_claims_output(c->k, "OCF-C20", isfinite(mn) && mx - mn < 0.01 && mn > 0,
			 "least-loaded sessions: four threads on four chips keep each %.1f%% to %.1f%% busy", mn * 100, mx * 100);
}

static void infos(ctx *c)
{
	ss_claims_info(c->k, "OCF-C5", "design: the IPsec stack drives an offload NIC without the framework; the model's "
				      "inline placement takes that path (docs/ocf03.md)");
	ss_claims_info(c->k, "OCF-C6", "context: session migration and fail-over are not performance claims");
	ss_claims_info(c->k, "OCF-C21", "TLS and SSH records as two /dev/crypto calls each are not modelled");
	ss_claims_info(c->k, "OCF-C23", "chaining across cards was a prototype the paper did not evaluate");
}

int ss_claims_ocf(struct ss_db *db, FILE *out, ss_claims_result *res)
{
	memset(res, 0, sizeof *res);
	ctx c = {NULL};
	if (ss_claims_alloc(&c.k, db, out, known, sizeof known / sizeof known[0]) != SS_OK) {
		res->fail = 1;
		fprintf(out, "FAIL  OCF         out of memory: no claim checked\n");
		return 1;
	}
	tables(&c);
	c1_c3(&c);
	c7_c9(&c);
	c10_c18(&c);
	c11(&c);
	c12_c13(&c);
	c14_c17(&c);
	c16_c22(&c);
	infos(&c);
	*res = *ss_claims_counts(c.k);
	ss_claims_free(c.k);
	return ss_claims_failed(res);
}
