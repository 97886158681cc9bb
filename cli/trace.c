/* `secsim trace`: a timeline for students. For a short window of a PLP
   run it draws which processor runs which layer, and who waits for the
   TCP lock, as boxes against time; by default for TCP/IP (the lock
   serialises everything) and for DES/TCP/MD5/IP (crypto runs in
   parallel outside the lock). */
#include "ss_grow.h"
#include "ss_trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ss_env.h"
#include "ss_err.h"
#include "ss_host.h"
#include "ss_mpstack.h"
#include "ss_plot.h"

typedef struct ival {
	int cpu;
	double t0, t1; /* us */
	int what;      /* index into acts */
} ival;

#define MAXACT 32
/* How far past the window to look for the end of intervals open at its
   end: longer than any lock wait of a 64-processor queue for a 164 us
   critical section (about 10 ms). */
#define TRACE_TAIL_US 50000.0

/* Processors tracked for intervals still open at the window's end. */
#define MAXCPU 64

/* Intervals one timeline holds at most (24 bytes each): 25 times the
   default DES timeline on 64 processors (about 4,000), far more boxes
   than a readable plot has; a longer window is refused early instead of
   growing to gigabytes. */
#define MAXIVAL 100000
#define TRACE_STEP_US 10000.0

typedef struct rec {
	ss_time from, to;
	ss_time seen[MAXCPU]; /* per processor: latest end of anything reported */
	ival *v;
	size_t n, cap;
	char *acts[MAXACT];       /* copies: the model's labels end with it */
	int nacts;
	int oom;
	int full; /* MAXIVAL reached: the window is too long */
} rec;

static int act_index(rec *r, const char *what)
{
	for (int i = 0; i < r->nacts; i++)
		if (!strcmp(r->acts[i], what))
			return i;
	if (r->nacts == MAXACT)
		return MAXACT - 1;
	if (!(r->acts[r->nacts] = strdup(what))) {
		r->oom = 1;
		return 0;
	}
	return r->nacts++;
}

static void record(void *ud, int cpu, int thread, ss_time start, ss_time end, const char *what)
{
	(void)thread;
	rec *r = ud;
	if (cpu >= 0 && cpu < MAXCPU && end > r->seen[cpu])
		r->seen[cpu] = start >= r->to && r->seen[cpu] < r->to ? r->to : end;
	if (end <= r->from || start >= r->to || cpu < 0 || r->full)
		return;
	if (r->n == MAXIVAL) {
		r->full = 1;
		return;
	}
	if (ss_grow(&r->v, &r->cap, r->n + 1, sizeof *r->v, 1024)) {
		r->oom = 1;
		return;
	}
	ss_time a = start < r->from ? r->from : start, b = end > r->to ? r->to : end;
	r->v[r->n++] = (ival){cpu, ss_time_to_us(a - r->from), ss_time_to_us(b - r->from), act_index(r, what)};
}

/* One colour per kind of work, apart in print: the locked TCP section
   dark blue, the rest of the protocol in light tones, ciphers teal,
   digests green, memory grey, waits red. */
static const char *colour(const char *what, int i)
{
	static const struct {
		const char *what, *rgb;
	} map[] = {
		{.what = "TCP (locked)", .rgb = "#2c7bb6"},
		{.what = "TCP", .rgb = "#abd9e9"},
		{.what = "UDP", .rgb = "#abd9e9"},
		{.what = "IP", .rgb = "#fdae61"},
		{.what = "FDDI", .rgb = "#e6ab02"},
		{.what = "driver", .rgb = "#d9ef8b"},
		{.what = "driver (top)", .rgb = "#a6d96a"},
		{.what = "map lookup", .rgb = "#7570b3"},
		{.what = "DES", .rgb = "#1b9e77"},
		{.what = "3-DES", .rgb = "#1b9e77"},
		{.what = "AES", .rgb = "#1b9e77"},
		{.what = "MD5", .rgb = "#66a61e"},
		{.what = "SHA-1", .rgb = "#66a61e"},
		{.what = "memory", .rgb = "#969696"},
		{.what = "state migration", .rgb = "#404040"},
		{.what = "wait TCP lock", .rgb = "#d7191c"},
		{.what = "wait map lock", .rgb = "#f4a582"},
	};
	static const char *const spare[] = {"#8c510a", "#c51b7d", "#4d9221", "#542788"};
	for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
		if (!strcmp(map[k].what, what))
			return map[k].rgb;
	return spare[i % 4];
}

static int write_script(const rec *r, const char *path, const char *title, int nproc, double window_us,
			char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		ss_errbuf(err, errlen, "%s: %s", path, strerror(errno));
		return SS_EIO;
	}
	char *qt = ss_plot_gp_quote(title);
	fprintf(f, "# secsim trace: processor timeline. Redraw with: gnuplot %s\n", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	fprintf(f, "$data << EOD\n");
	for (size_t i = 0; i < r->n; i++)
		fprintf(f, "%.4f %.4f %d %d\n", r->v[i].t0, r->v[i].t1, r->v[i].cpu, r->v[i].what + 1);
	fprintf(f, "EOD\n");
	for (int i = 0; i < r->nacts; i++)
		fprintf(f, "set linetype %d lc rgb '%s'\n", i + 1, colour(r->acts[i], i));
	fprintf(f, "set title %s\n", qt ? qt : "''");
	fprintf(f, "set xlabel 'time in the window (us)'\nset ylabel 'processor'\n");
	fprintf(f, "set xrange [0:%g]\nset yrange [-0.6:%g]\nset ytics 1\n", window_us, nproc - 0.4);
	fprintf(f, "set key outside right top\nset style fill solid 0.9 noborder\nset grid xtics\n");
	for (int pass = 0; pass < 2; pass++) {
		const char *term = pass ? "svg size 1000,480 dynamic font 'sans,11'" : "pngcairo size 1000,480 font 'sans,11'";
		const char *ext = pass ? "svg" : "png";
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		size_t bl = strlen(base) - 3; /* drop ".gp" */
		fprintf(f, "set terminal %s\nset output '%.*s.%s'\n", term, (int)bl, base, ext);
		fprintf(f, "plot $data using (($1+$2)/2):3:(($2-$1)/2):(0.38):4 with boxxyerror lc variable notitle");
		for (int i = 0; i < r->nacts; i++) {
			char *qa = ss_plot_gp_quote(r->acts[i]);
			fprintf(f, ", NaN with boxes lt %d title %s", i + 1, qa ? qa : "''");
			free(qa);
		}
		fprintf(f, "\nunset output\n");
	}
	free(qt);
	if (fclose(f) != 0) {
		ss_errbuf(err, errlen, "%s: %s", path, strerror(errno));
		return SS_EIO;
	}
	return SS_OK;
}

static int draw(const char *dir, const char *script)
{
	const char *gp = getenv("SECSIM_GNUPLOT");
	if (!gp || !*gp)
		gp = "gnuplot";
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (chdir(dir) != 0)
			_exit(127);
		execlp(gp, gp, script, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* One timeline: runs mpstack with the settings, records [start, start +
   window], writes DIR/NAME.gp and .txt, draws .png and .svg. */
static int one(const char *dir, const char *name, const char *const *sets, size_t nsets, double start_us,
	       double window_us, char *err, size_t errlen)
{
	const ss_model_type *t = &ss_model_mpstack;
	ss_params *p = NULL;
	int prc = ss_params_alloc(&p, t->params, t->nparams);
	if (prc)
		return prc;
	for (size_t i = 0; i < nsets; i++) {
		char key[64], msg[512];
		const char *eq = strchr(sets[i], '=');
		if (!eq || (size_t)(eq - sets[i]) >= sizeof key) {
			ss_errbuf(err, errlen, "--set %s: expected KEY=VALUE", sets[i]);
			ss_params_free(p);
			return SS_EINVAL;
		}
		snprintf(key, sizeof key, "%.*s", (int)(eq - sets[i]), sets[i]);
		int rc = ss_params_set_text(p, key, eq + 1, msg, sizeof msg);
		if (rc) {
			ss_errbuf(err, errlen, "--set %s: %s", sets[i], msg);
			ss_params_free(p);
			return rc;
		}
	}
	char hdir[4096];
	snprintf(hdir, sizeof hdir, "%s/hosts", ss_datadir());
	int hrc = ss_host_apply(p, hdir, err, errlen);
	if (hrc) {
		ss_params_free(p);
		return hrc == SS_ENOMEM ? hrc : SS_EINVAL;
	}
	/* --set or a host may give more processors than --processors allows. */
	if (ss_params_int(p, "processors") > MAXCPU) {
		ss_errbuf(err, errlen, "processors = %lld: a timeline draws at most %d processors",
			  ss_params_int(p, "processors"), MAXCPU);
		ss_params_free(p);
		return SS_EINVAL;
	}
	ss_sim *sim = NULL;
	int rc = ss_sim_alloc(&sim, 1);
	void *st = NULL;
	rec r = {ss_time_from_us(start_us), ss_time_from_us(start_us + window_us), {0}, NULL, 0, 0, {0}, 0, 0, 0};
	if (rc == SS_OK)
		rc = t->create(sim, p, &st, err, errlen);
	int nproc = (int)ss_params_int(p, "processors");
	if (rc == SS_OK) {
		ss_mpstack_set_trace(st, record, &r);
		/* In steps of TRACE_STEP_US, to stop as soon as the window
		   proves too long. */
		for (ss_time u = ss_sim_now(sim); u < r.to && !r.full;) {
			u = r.to - u > ss_time_from_us(TRACE_STEP_US) ? u + ss_time_from_us(TRACE_STEP_US) : r.to;
			ss_sim_run_until(sim, u);
		}
		/* A lock wait or a bus stall is reported when it ends: run on
		   until each processor's activity at the window's end has ended
		   (or it took up new work, so it was idle), and the recorder
		   clips those intervals to the window. The cap only bounds a
		   processor that stays idle forever. */
		ss_time cap = r.to + ss_time_from_us(TRACE_TAIL_US);
		for (int open = !r.full; open && ss_sim_now(sim) < cap;) {
			open = 0;
			for (int c = 0; c < nproc && c < MAXCPU; c++)
				open |= r.seen[c] < r.to;
			if (open)
				ss_sim_run_until(sim, ss_sim_now(sim) + r.to - r.from);
		}
	}
	char title[512];
	snprintf(title, sizeof title, "PLP %s side, %s, %d processors: who runs what (window of %.0f us after %.0f us)",
		 ss_params_string(p, "side"), ss_params_string(p, "stack"), nproc, window_us, start_us);
	if (st)
		t->destroy(st);
	ss_sim_free(sim);
	ss_params_free(p);
	if (rc == SS_OK && r.oom)
		rc = SS_ENOMEM;
	if (rc == SS_OK && r.full) {
		ss_errbuf(err, errlen, "the window of %.6g us holds more than %d intervals: give a shorter --window-us", window_us,
			  MAXIVAL);
		rc = SS_EINVAL;
	}
	char path[4096];
	if (rc == SS_OK) {
		snprintf(path, sizeof path, "%s/%s.txt", dir, name);
		FILE *f = fopen(path, "w");
		if (!f) {
			ss_errbuf(err, errlen, "%s: %s", path, strerror(errno));
			rc = SS_EIO;
		} else {
			fprintf(f, "# %s\n# processor\tstart_us\tend_us\tactivity\n", title);
			for (size_t i = 0; i < r.n; i++)
				fprintf(f, "%d\t%.4f\t%.4f\t%s\n", r.v[i].cpu, r.v[i].t0, r.v[i].t1, r.acts[r.v[i].what]);
			fclose(f);
		}
	}
	if (rc == SS_OK) {
		snprintf(path, sizeof path, "%s/%s.gp", dir, name);
		rc = write_script(&r, path, title, nproc, window_us, err, errlen);
	}
	free(r.v);
	for (int i = 0; i < r.nacts; i++)
		free(r.acts[i]);
	if (rc == SS_OK) {
		char script[256];
		snprintf(script, sizeof script, "%s.gp", name);
		int d = draw(dir, script);
		if (d != 0) {
			ss_errbuf(err, errlen, "%s/%s: gnuplot %s (the script is written; install gnuplot-nox to draw it)", dir,
				  script, d == 127 ? "was not found" : "failed");
			rc = SS_EIO;
		} else {
			fprintf(stderr, "secsim trace: %s/%s.png (.svg, .gp, .txt)\n", dir, name);
		}
	}
	return rc;
}

int ss_cmd_trace(int argc, char **argv)
{
	const char *dir = "plots/trace", *stack = NULL;
	const char *sets[64];
	size_t nsets = 0;
	double start = -1, window = -1;
	int procs = 4;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;
		char *end = NULL;
		if (!strcmp(a, "-d") && more) {
			dir = argv[++i];
			if (!dir[0]) {
				fprintf(stderr, "secsim trace: -d needs a directory, not an empty name\n");
				return 2;
			}
		}
		else if (!strcmp(a, "--stack") && more)
			stack = argv[++i];
		else if (!strcmp(a, "--processors") && more) {
			const char *t = argv[++i];
			long v = strtol(t, &end, 10);
			if (end == t || *end || v < 1 || v > 64) {
				fprintf(stderr, "secsim trace: --processors needs an integer in [1, 64]\n");
				return 2;
			}
			procs = (int)v;
		} else if ((!strcmp(a, "--start-us") || !strcmp(a, "--window-us")) && more) {
			const char *t = argv[++i];
			double v = strtod(t, &end);
			if (end == t || *end || !(v >= 0) || v > 1e9 || (a[2] == 'w' && v <= 0)) {
				fprintf(stderr, "secsim trace: %s needs a positive number of microseconds\n", a);
				return 2;
			}
			*(a[2] == 's' ? &start : &window) = v;
		} else if (!strcmp(a, "--set") && more && nsets < 60)
			sets[nsets++] = argv[++i];
		else {
			int help = !strcmp(a, "--help") || !strcmp(a, "-h");
			fprintf(help ? stdout : stderr,
				"usage: secsim trace [--stack STACK] [--processors N] [--start-us T] [--window-us W]\n"
				"                    [--set KEY=VALUE ...] [-d DIR]\n"
				"  default: PLP TCP/IP/FDDI and DES/TCP/MD5/IP/FDDI on 4 processors into plots/trace/\n");
			return help ? 0 : 2;
		}
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		/* One level of parents, for the default plots/trace. */
		char parent[4096];
		snprintf(parent, sizeof parent, "%s", dir);
		char *slash = strrchr(parent, '/');
		if (slash) {
			*slash = '\0';
			mkdir(parent, 0777);
		}
		if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
			fprintf(stderr, "secsim trace: cannot create %s: %s\n", dir, strerror(errno));
			return 1;
		}
	}
	char pbuf[32];
	snprintf(pbuf, sizeof pbuf, "processors=%d", procs);
	struct job {
		const char *name, *stack;
		double start, window;
	} jobs[2] = {{"trace_tcpip", "TCP/IP/FDDI", 2000, 1500}, {"trace_des", "DES/TCP/MD5/IP/FDDI", 20000, 30000}};
	int n = 2;
	if (stack) {
		jobs[0] = (struct job){"trace", stack, 2000, 1500};
		n = 1;
	}
	int rc = 0;
	for (int j = 0; j < n && !rc; j++) {
		const char *all[70];
		size_t k = 0;
		char sbuf[256];
		snprintf(sbuf, sizeof sbuf, "stack=%s", jobs[j].stack);
		all[k++] = "parallelism=plp";
		all[k++] = pbuf;
		all[k++] = sbuf;
		for (size_t s = 0; s < nsets; s++)
			all[k++] = sets[s];
		char err[1024];
		int r = one(dir, jobs[j].name, all, k, start >= 0 ? start : jobs[j].start, window > 0 ? window : jobs[j].window,
			    err, sizeof err);
		if (r) {
			fprintf(stderr, "secsim trace: %s\n", err);
			rc = (r == SS_EINVAL || r == SS_ENOENT) ? 2 : 1;
		}
	}
	return rc;
}
