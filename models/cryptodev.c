/* Model "cryptodev": processes using a host's crypto framework through
   /dev/crypto, as in Keromytis, Wright and de Raadt, "The Design of the
   OpenBSD Cryptographic Framework" (USENIX 2003; reference/
   keromytis_ocf.csv): `threads` processes each issue one request of
   `buffer` bytes after another (synchronous: one outstanding request
   each), every process with its own session, over the cards of the
   host (look-aside on its I/O bus, inline, or beside the CPU) or the
   software driver; optionally a CPU-bound hog beside them, or the
   processes doing the crypto in user space (openssl without a card).

   The parts are the platform's: the processors (res/ss_cpu), the I/O
   bus (platform/ss_iobus), the coprocessors (platform/ss_coproc), the
   framework (platform/ss_cryptofw); the costs are a host profile's
   (hosts/NAME.cfg: crypto profile, system call, copy rate, framework
   and driver costs, each with its source) and the card presets'
   (platform/coprocs/). Nothing is fitted to the paper's tables: the
   throughput is an output of those costs and the mechanisms. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_coproc.h"
#include "ss_cpu.h"
#include "ss_cryptofw.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_iobus.h"
#include "ss_model.h"
#include "ss_profile.h"
#include "ss_wait.h"

#define TAG_HOG 4
#define MAX_THREADS 1024
#define MAX_PRODUCERS 64

typedef struct cdev cdev;

typedef struct proc {
	ss_thread t;
	ss_cryptofw_req req;
	cdev *m;
	int sid;
} proc;

struct cdev {
	ss_sim *sim;
	ss_cpu_pool *cpu;
	ss_iobus *bus;
	ss_iobus *local[MAX_PRODUCERS];
	int nlocal;
	ss_coproc *card[MAX_PRODUCERS];
	int ncards;
	ss_cryptofw *fw;
	ss_profile *prof;
	const ss_crypto_alg *alg;     /* user mode: the algorithm (NULL: null) */
	proc *procs;
	int nprocs;
	uint32_t buffer;
	int user;                     /* processes do their crypto in user space */
	ss_thread hog;
	ss_time hog_slice;
	int hog_on;
	ss_time window;
	uint64_t user_bytes;          /* user mode: bytes done in the window */
	double total_bytes;           /* all bytes done (progress) */
};

static const ss_param_def cd_params[] = {
	{.name = "label", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "free text naming the configuration in results (not used by the model)"},
	{.name = "host", .type = SS_PARAM_STRING, .def = "ocf-testbed", .unit = "",
	 .help = "host profile (hosts/NAME.cfg) giving the parameters below that the scenario does not set"},
	{.name = "cpu_profile", .type = SS_PARAM_STRING, .def = "p3-846", .unit = "",
	 .help = "crypto cost profile of the software driver and of user-space crypto"},
	{.name = "processors", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 64, .unit = "", .help = "processors"},
	{.name = "syscall_us", .type = SS_PARAM_REAL, .def = "0.5", .min = 0, .max = 1e4, .unit = "us",
	 .help = "system call entry and exit"},
	{.name = "validate_us", .type = SS_PARAM_REAL, .def = "1", .min = 0, .max = 1e4, .unit = "us",
	 .help = "cryptodev argument checks, session lookup, request set-up"},
	{.name = "copy_mb_s", .type = SS_PARAM_REAL, .def = "300", .min = 1, .max = 1e6, .unit = "MB/s",
	 .help = "copyin/copyout rate (10^6 bytes per second)"},
	{.name = "dispatch_us", .type = SS_PARAM_REAL, .def = "0.3", .min = 0, .max = 1e4, .unit = "us",
	 .help = "crypto_dispatch: queueing the request"},
	{.name = "wakeup_us", .type = SS_PARAM_REAL, .def = "0.3", .min = 0, .max = 1e4, .unit = "us",
	 .help = "wakeup() of a sleeping thread, charged to the waker"},
	{.name = "thread_us", .type = SS_PARAM_REAL, .def = "0.3", .min = 0, .max = 1e4, .unit = "us",
	 .help = "the crypto thread's work per request"},
	{.name = "driver_us", .type = SS_PARAM_REAL, .def = "2", .min = 0, .max = 1e4, .unit = "us",
	 .help = "a hardware driver's work per request (descriptors, PCI register access)"},
	{.name = "irq_us", .type = SS_PARAM_REAL, .def = "1", .min = 0, .max = 1e4, .unit = "us",
	 .help = "completion interrupt entry, cause read and exit"},
	{.name = "done_us", .type = SS_PARAM_REAL, .def = "0.5", .min = 0, .max = 1e4, .unit = "us",
	 .help = "per completed request: driver clean-up, crypto_done, callback"},
	{.name = "ctx_switch_us", .type = SS_PARAM_REAL, .def = "2", .min = 0, .max = 1e4, .unit = "us",
	 .help = "context switch between threads"},
	{.name = "iobus", .type = SS_PARAM_STRING, .def = "pci64-66", .unit = "",
	 .help = "the host I/O bus the cards sit on (pci32-33|pci64-66|pcix-133|pcie-x4|pcie2-x8)"},
	{.name = "card", .type = SS_PARAM_STRING, .def = "", .unit = "",
	 .help = "coprocessor preset (platform/coprocs/NAME.cfg); empty: no card, the software driver only"},
	{.name = "cards", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 64, .unit = "", .help = "cards"},
	{.name = "chips", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = 64, .unit = "",
	 .help = "engines per card, each its own producer, sharing the card's on-card bus"},
	{.name = "placement", .type = SS_PARAM_STRING, .def = "lookaside", .unit = "",
	 .help = "where the engines sit: lookaside (a card on the I/O bus), inline (in the NIC's path), cpu (beside the processor)"},
	{.name = "card_mbps", .type = SS_PARAM_REAL, .def = "0", .min = 0, .max = 1e6, .unit = "Mbit/s",
	 .help = "what-if: each engine's rate for the algorithm (0: the preset's rating)"},
	{.name = "alg", .type = SS_PARAM_STRING, .def = "3des-cbc", .unit = "",
	 .help = "algorithm of every session (null, des-cbc, 3des-cbc, aes128-cbc, ...)"},
	{.name = "buffer", .type = SS_PARAM_INT, .def = "8192", .min = 1, .max = 1048576, .unit = "bytes",
	 .help = "bytes per request"},
	{.name = "threads", .type = SS_PARAM_INT, .def = "1", .min = 1, .max = MAX_THREADS, .unit = "",
	 .help = "processes issuing requests, one outstanding each"},
	{.name = "user_crypto", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "the processes do their crypto in user space with cpu_profile's costs (no /dev/crypto)"},
	{.name = "hog", .type = SS_PARAM_BOOL, .def = "false", .unit = "",
	 .help = "a CPU-bound process runs beside them; hog_stretch is its elapsed time against running alone"},
	{.name = "hog_slice_us", .type = SS_PARAM_REAL, .def = "100", .min = 1, .max = 1e6, .unit = "us",
	 .help = "the hog computes this long between points where a woken process may take its processor"},
};

static const ss_metric_def cd_metrics[] = {
	{.name = "throughput", .unit = "Mbit/s", .help = "request bytes completed per second, all processes"},
	{.name = "requests_per_s", .unit = "1/s", .help = "requests completed per second"},
	{.name = "latency_us", .unit = "us", .help = "mean ioctl time, entry to return"},
	{.name = "cpu_util", .unit = "fraction", .help = "processors busy"},
	{.name = "cpu_path", .unit = "fraction", .help = "share in system calls, framework and crypto thread"},
	{.name = "cpu_copy", .unit = "fraction", .help = "share copying between user and kernel"},
	{.name = "cpu_crypto", .unit = "fraction", .help = "share in software transforms"},
	{.name = "cpu_driver", .unit = "fraction", .help = "share in drivers and completion interrupts"},
	{.name = "hog_share", .unit = "fraction", .help = "processor share the hog got"},
	{.name = "hog_stretch", .unit = "x", .help = "the hog's elapsed time against running alone (1 / its share)"},
	{.name = "bus_util", .unit = "fraction", .help = "host I/O bus busy share"},
	{.name = "local_bus_util", .unit = "fraction", .help = "busiest on-card bus"},
	{.name = "engine_util", .unit = "fraction", .help = "mean busy share of the engines"},
	{.name = "thread_batch", .unit = "requests", .help = "requests the crypto thread takes per wake-up"},
	{.name = "interrupts_per_s", .unit = "1/s", .help = "completion interrupt handler runs per second"},
};

static void issue(ss_sim *sim, void *ctx, uint64_t arg);

static void done_one(ss_sim *sim, void *ctx, uint64_t arg)
{
	proc *p = ctx;
	p->m->total_bytes += (double)arg;
	issue(sim, p, 0);
}

static void user_done(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)arg;
	proc *p = ctx;
	p->m->user_bytes += p->m->buffer;
	p->m->total_bytes += p->m->buffer;
	/* A CPU-bound process: the others waiting get the processor. */
	ss_cpu_yield(p->m->cpu, &p->t, issue, p, 0);
	(void)sim;
}

static void issue(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	proc *p = ctx;
	cdev *m = p->m;
	if (m->user) {
		ss_time d = 0;
		if (m->alg && ss_profile_cost(m->prof, m->alg, m->buffer, &d) != SS_OK)
			ss_fatal(SS_LOC, "cryptodev: the profile lost a cost");
		ss_cpu_compute(m->cpu, &p->t, d, SS_CRYPTOFW_TAG_CRYPTO, user_done, p, 0);
		return;
	}
	ss_cryptofw_ioctl(m->fw, p->sid, &p->t, m->buffer, &p->req, done_one, p);
}

static void hog_run(ss_sim *sim, void *ctx, uint64_t arg);

static void hog_yield(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	cdev *m = ctx;
	ss_cpu_yield(m->cpu, &m->hog, hog_run, m, 0);
}

static void hog_run(ss_sim *sim, void *ctx, uint64_t arg)
{
	(void)sim;
	(void)arg;
	cdev *m = ctx;
	ss_cpu_compute(m->cpu, &m->hog, m->hog_slice, TAG_HOG, hog_yield, m, 0);
}

static void cd_destroy(void *st)
{
	cdev *m = st;
	if (!m)
		return;
	ss_cryptofw_free(m->fw);
	ss_profile_free(m->prof);
	free(m->procs);
	free(m);
}

static int fail(cdev *m, int rc)
{
	cd_destroy(m);
	return rc;
}

static int cd_create(ss_sim *sim, const ss_params *p, void **state, char *err, size_t errlen)
{
	*state = NULL;
	cdev *m = calloc(1, sizeof *m);
	if (!m)
		return SS_ENOMEM;
	m->sim = sim;
	char e[1024], dir[4096];
	int rc;
	const char *algname = ss_params_string(p, "alg");
	ss_coproc_alg calg;
	if (ss_coproc_alg_of(algname, &calg) != SS_OK) {
		ss_errbuf(err, errlen, "alg: '%s' is not an algorithm a crypto framework serves (null, des-cbc, "
				       "3des-cbc, aes128-cbc, md5, sha1, hmac-md5-96, hmac-sha1-96, ...)", algname);
		return fail(m, SS_EINVAL);
	}
	if (calg == SS_COPROC_RSA1024) {
		ss_errbuf(err, errlen, "alg: public-key requests are not load-balanced by the framework (OCF-C20); "
				       "use a bulk algorithm");
		return fail(m, SS_EINVAL);
	}
	if (calg != SS_COPROC_NULL && ss_crypto_alg_find(algname, &m->alg, e, sizeof e) != SS_OK) {
		ss_errbuf(err, errlen, "alg: %s", e);
		return fail(m, SS_EINVAL);
	}
	snprintf(dir, sizeof dir, "%s/crypto/profiles", ss_datadir());
	if ((rc = ss_profile_load_ref(dir, ss_params_string(p, "cpu_profile"), NULL, &m->prof, e, sizeof e)) != SS_OK) {
		ss_errbuf(err, errlen, "cpu_profile: %s", e);
		return fail(m, rc == SS_ENOMEM ? rc : SS_EINVAL);
	}
	m->buffer = (uint32_t)ss_params_int(p, "buffer");
	m->user = ss_params_bool(p, "user_crypto");
	const char *card = ss_params_string(p, "card");
	if (m->user && *card) {
		ss_errbuf(err, errlen, "user_crypto runs the crypto in the processes: it takes no card (card = \"\")");
		return fail(m, SS_EINVAL);
	}
	if (m->user && m->alg && !ss_profile_has(m->prof, m->alg)) {
		ss_errbuf(err, errlen, "cpu_profile %s has no cost for %s", ss_profile_name(m->prof), algname);
		return fail(m, SS_EINVAL);
	}
	if ((rc = ss_cpu_pool_alloc(&m->cpu, sim, "cpu", (int)ss_params_int(p, "processors"),
				    ss_time_from_us(ss_params_real(p, "ctx_switch_us")))) != SS_OK)
		return fail(m, rc);
	ss_cpu_tag_name(m->cpu, SS_CRYPTOFW_TAG_PATH, "path");
	ss_cpu_tag_name(m->cpu, SS_CRYPTOFW_TAG_COPY, "copy");
	ss_cpu_tag_name(m->cpu, SS_CRYPTOFW_TAG_CRYPTO, "crypto");
	ss_cpu_tag_name(m->cpu, SS_CRYPTOFW_TAG_DRIVER, "driver");
	ss_cpu_tag_name(m->cpu, TAG_HOG, "hog");
	if (!m->user) {
		ss_cryptofw_costs c = {
			.syscall = ss_time_from_us(ss_params_real(p, "syscall_us")),
			.validate = ss_time_from_us(ss_params_real(p, "validate_us")),
			.copy_Bps = ss_params_real(p, "copy_mb_s") * 1e6,
			.dispatch = ss_time_from_us(ss_params_real(p, "dispatch_us")),
			.wakeup = ss_time_from_us(ss_params_real(p, "wakeup_us")),
			.thread = ss_time_from_us(ss_params_real(p, "thread_us")),
			.driver = ss_time_from_us(ss_params_real(p, "driver_us")),
			.irq = ss_time_from_us(ss_params_real(p, "irq_us")),
			.done = ss_time_from_us(ss_params_real(p, "done_us")),
		};
		if ((rc = ss_cryptofw_alloc(&m->fw, sim, m->cpu, &c, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "%s", e);
			return fail(m, rc);
		}
	}
	if (*card) {
		ss_coproc_place place;
		if (ss_coproc_place_of(ss_params_string(p, "placement"), &place) != SS_OK) {
			ss_errbuf(err, errlen, "placement must be lookaside, inline or cpu, not '%s'",
				  ss_params_string(p, "placement"));
			return fail(m, SS_EINVAL);
		}
		ss_coproc_spec cs;
		snprintf(dir, sizeof dir, "%s/platform/coprocs", ss_datadir());
		if ((rc = ss_coproc_spec_load(dir, card, &cs, NULL, 0, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "card: %s", e);
			return fail(m, rc == SS_ENOMEM ? rc : SS_EINVAL);
		}
		double what_if = ss_params_real(p, "card_mbps");
		if (what_if > 0 && calg != SS_COPROC_NULL)
			cs.bps[calg] = what_if * 1e6;
		int cards = (int)ss_params_int(p, "cards"), chips = (int)ss_params_int(p, "chips");
		if (cards * chips > MAX_PRODUCERS) {
			ss_errbuf(err, errlen, "cards x chips must be at most %d", MAX_PRODUCERS);
			return fail(m, SS_EINVAL);
		}
		if (place == SS_COPROC_LOOKASIDE &&
		    (rc = ss_iobus_alloc(&m->bus, sim, "iobus", ss_params_string(p, "iobus"), e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "iobus: %s", e);
			return fail(m, rc == SS_ENOMEM ? rc : SS_EINVAL);
		}
		for (int k = 0; k < cards; k++) {
			ss_iobus *local = NULL;
			char name[32];
			if (place == SS_COPROC_LOOKASIDE) {
				snprintf(name, sizeof name, "card%d.bus", k);
				if ((rc = ss_coproc_local_bus(&local, sim, name, &cs, e, sizeof e)) != SS_OK) {
					ss_errbuf(err, errlen, "card: %s", e);
					return fail(m, rc);
				}
				if (local)
					m->local[m->nlocal++] = local;
			}
			for (int j = 0; j < chips; j++) {
				snprintf(name, sizeof name, "card%d.%d", k, j);
				ss_coproc *cp;
				if ((rc = ss_coproc_alloc(&cp, sim, name, &cs, place, m->bus, local, e, sizeof e)) != SS_OK) {
					ss_errbuf(err, errlen, "card: %s", e);
					return fail(m, rc);
				}
				if (!ss_coproc_supports(cp, calg)) {
					ss_errbuf(err, errlen, "card %s rates no %s: its sessions would go to the software driver; "
							       "choose an algorithm it supports", card, algname);
					return fail(m, SS_EINVAL);
				}
				m->card[m->ncards++] = cp;
				ss_cryptofw_add_card(m->fw, cp);
			}
		}
	}
	if (!m->user && ss_cryptofw_add_software(m->fw, m->prof) < 0)
		return fail(m, SS_ENOMEM);
	m->nprocs = (int)ss_params_int(p, "threads");
	m->procs = calloc((size_t)m->nprocs, sizeof *m->procs);
	if (!m->procs)
		return fail(m, SS_ENOMEM);
	for (int i = 0; i < m->nprocs; i++) {
		proc *pr = &m->procs[i];
		pr->m = m;
		ss_thread_init(&pr->t, (uint32_t)i + 1);
		if (!m->user && (rc = ss_cryptofw_newsession(m->fw, algname, &pr->sid, e, sizeof e)) != SS_OK) {
			ss_errbuf(err, errlen, "%s", e);
			return fail(m, rc == SS_ENOMEM ? rc : SS_EINVAL);
		}
		ss_cpu_acquire(m->cpu, &pr->t, issue, pr, 0);
	}
	m->hog_on = ss_params_bool(p, "hog");
	m->hog_slice = ss_time_from_us(ss_params_real(p, "hog_slice_us"));
	if (m->hog_on) {
		ss_thread_init(&m->hog, 0x40000u);
		ss_cpu_acquire(m->cpu, &m->hog, hog_run, m, 0);
	}
	char lim[48];
	snprintf(lim, sizeof lim, "%d process%s", m->nprocs, m->nprocs == 1 ? "" : "es");
	ss_sim_set_workload_limit(sim, lim);
	m->window = ss_sim_now(sim);
	*state = m;
	return SS_OK;
}

static void cd_reset(void *st)
{
	cdev *m = st;
	m->window = ss_sim_now(m->sim);
	m->user_bytes = 0;
	if (m->fw)
		ss_cryptofw_reset(m->fw);
}

static void cd_collect(void *st, ss_metrics *out)
{
	cdev *m = st;
	double span = ss_time_to_s(ss_sim_now(m->sim) - m->window);
	double n = ss_cpu_count(m->cpu), cap = span * n;
	ss_cryptofw_stats fs = {0};
	if (m->fw)
		ss_cryptofw_stats_get(m->fw, &fs);
	double bytes = m->user ? (double)m->user_bytes : (double)fs.bytes;
	double reqs = m->user ? (double)m->user_bytes / m->buffer : (double)fs.requests;
	ss_metrics_set(out, "throughput", "Mbit/s", span > 0 ? bytes * 8 / span * 1e-6 : 0);
	ss_metrics_set(out, "requests_per_s", "1/s", span > 0 ? reqs / span : 0);
	ss_metrics_set(out, "latency_us", "us", fs.mean_latency_us);
	ss_metrics_set(out, "cpu_util", "fraction", ss_cpu_utilisation(m->cpu));
	const struct {
		const char *name;
		int tag;
	} tags[] = {{"cpu_path", SS_CRYPTOFW_TAG_PATH},
		    {"cpu_copy", SS_CRYPTOFW_TAG_COPY},
		    {"cpu_crypto", SS_CRYPTOFW_TAG_CRYPTO},
		    {"cpu_driver", SS_CRYPTOFW_TAG_DRIVER},
		    {"hog_share", TAG_HOG}};
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		ss_metrics_set(out, tags[i].name, "fraction", cap > 0 ? ss_cpu_tag_time(m->cpu, tags[i].tag) / cap : 0);
	double hs = cap > 0 ? ss_cpu_tag_time(m->cpu, TAG_HOG) / (span) : 0; /* of one processor */
	ss_metrics_set(out, "hog_stretch", "x", m->hog_on && hs > 0 ? 1.0 / hs : 0);
	ss_metrics_set(out, "bus_util", "fraction", m->bus ? ss_iobus_utilisation(m->bus, SS_IOBUS_FROM_MEM) : 0);
	double lu = 0;
	for (int i = 0; i < m->nlocal; i++)
		lu = fmax(lu, ss_iobus_utilisation(m->local[i], SS_IOBUS_FROM_MEM));
	ss_metrics_set(out, "local_bus_util", "fraction", lu);
	double eu = 0;
	for (int i = 0; i < m->ncards; i++)
		eu += ss_coproc_utilisation(m->card[i]);
	ss_metrics_set(out, "engine_util", "fraction", m->ncards ? eu / m->ncards : 0);
	ss_metrics_set(out, "thread_batch", "requests", fs.thread_batch);
	ss_metrics_set(out, "interrupts_per_s", "1/s", span > 0 ? (double)fs.interrupts / span : 0);
}

static double cd_progress(void *st) { return ((cdev *)st)->total_bytes; }

const ss_model_type ss_model_cryptodev = {
	.name = "cryptodev",
	.help = "processes using a host's crypto framework through /dev/crypto: cards on the I/O bus, inline or beside the CPU, or software (Keromytis et al.)",
	.params = cd_params,
	.nparams = sizeof cd_params / sizeof cd_params[0],
	.metrics = cd_metrics,
	.nmetrics = sizeof cd_metrics / sizeof cd_metrics[0],
	.primary = "throughput",
	.create = cd_create,
	.reset = cd_reset,
	.collect = cd_collect,
	.progress = cd_progress,
	.destroy = cd_destroy,
};
