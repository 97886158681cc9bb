/* Progress of a sweep. A terminal gets one line redrawn in place at
   most five times a second; a file or pipe (a log, CI) gets a plain
   line at most every 10 s and one at the end, so a long study logs a
   few lines per scenario rather than one per run. */
#include "ss_progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ss_err.h"

#define TTY_PERIOD 0.2    /* s between redraws on a terminal */
#define PLAIN_PERIOD 10.0 /* s between lines otherwise */

struct ss_progress {
	FILE *f;
	char *label;
	int tty;
	double start, last; /* monotonic s: creation, last line */
	size_t width;       /* of the line drawn last (terminal) */
};

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int ss_progress_alloc(ss_progress **out, FILE *f, const char *label)
{
	if (!out)
		return SS_EINVAL;
	*out = NULL;
	if (!f)
		return SS_EINVAL;
	ss_progress *p = calloc(1, sizeof *p);
	if (!p || !(p->label = strdup(label ? label : ""))) {
		free(p);
		return SS_ENOMEM;
	}
	p->f = f;
	p->tty = isatty(fileno(f));
	p->start = mono_now();
	p->last = p->start;
	*out = p;
	return SS_OK;
}

void ss_progress_free(ss_progress *p)
{
	if (p)
		free(p->label);
	free(p);
}

static void duration(char *buf, size_t len, double s)
{
	if (s < 60)
		snprintf(buf, len, "%.1f s", s);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
	else
		snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
}

static void draw(ss_progress *p, const ss_progress_state *st, int final)
{
	double el = mono_now() - p->start;
	/* Precision mode may run more than its minimum. */
	size_t runs = st->runs > st->runs_done ? st->runs : st->runs_done;
	char line[512], e[32], left[48] = "", kept[48] = "";
	duration(e, sizeof e, el);
	if (!final && st->runs_done > 0 && runs > st->runs_done) {
		char l[32];
		duration(l, sizeof l, el * (double)(runs - st->runs_done) / (double)st->runs_done);
		snprintf(left, sizeof left, ", %s left", l);
	}
	if (st->runs_skipped)
		snprintf(kept, sizeof kept, " (%zu kept)", st->runs_skipped);
	int n = snprintf(line, sizeof line, "%s: %zu/%zu points, %zu/%zu runs%s, %s%s, %.3g events/s, %.3g sim s/s",
			 p->label, st->points_done, st->points, st->runs_done, runs, kept, e, left,
			 el > 0 ? (double)st->events / el : 0.0, el > 0 ? st->sim_seconds / el : 0.0);
	size_t w = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	if (p->tty) {
		/* Spaces over what a longer previous line left. */
		fprintf(p->f, "\r%s%*s%s", line, p->width > w ? (int)(p->width - w) : 0, "", final ? "\n" : "");
		p->width = w;
	} else {
		fprintf(p->f, "%s\n", line);
	}
	fflush(p->f);
}

void ss_progress_update(ss_progress *p, const ss_progress_state *st)
{
	double now = mono_now();
	if (now - p->last < (p->tty ? TTY_PERIOD : PLAIN_PERIOD))
		return;
	p->last = now;
	draw(p, st, 0);
}

void ss_progress_finish(ss_progress *p, const ss_progress_state *st)
{
	draw(p, st, 1);
}
