/* Progress of a sweep on stderr: on a terminal one line redrawn in
   place; otherwise a plain line at most every 10 s, and one at the end. */
#ifndef SS_PROGRESS_H
#define SS_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

typedef struct ss_progress ss_progress;

typedef struct ss_progress_state {
	size_t points, points_done;   /* in the sweep; finished (including earlier ones) */
	size_t runs, runs_done;       /* runs to perform now (a minimum in precision mode); performed */
	size_t runs_skipped;          /* finished earlier, kept */
	unsigned long long events;    /* simulated by the runs performed */
	double sim_seconds;           /* simulated time of those runs (warm-up included), s */
} ss_progress_state;

/* A progress display on f in *out; lines start with `label` (copied, NULL
   for none). Returns SS_OK, SS_ENOMEM, or SS_EINVAL when out or f is NULL
   (*out is NULL on failure). */
int ss_progress_alloc(ss_progress **out, FILE *f, const char *label);
void ss_progress_free(ss_progress *p); /* NULL is a no-op */

/* Shows the state if it is time to (cheap otherwise). */
void ss_progress_update(ss_progress *p, const ss_progress_state *st);
/* Shows the final state and ends the line. */
void ss_progress_finish(ss_progress *p, const ss_progress_state *st);

#endif
