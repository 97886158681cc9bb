/* Running a scenario's sweep: every point times its replications, in
   parallel over local threads (or over MPI ranks, ss_mpi.h), each
   finished run written to the study's database in one transaction;
   finished runs are skipped on a rerun. */
#ifndef SS_SWEEP_H
#define SS_SWEEP_H

#include <stddef.h>
#include <stdio.h>

#include "ss_scenario.h"

typedef struct ss_sweep_opts {
	const char *db_path;           /* database to fill */
	int jobs;                      /* worker threads, >= 1 */
	FILE *log;                     /* progress (ss_progress.h), or NULL */
	const char *version;           /* stored with every run */
	const char *refdir;            /* reference CSVs to load, or NULL */
	const volatile int *interrupt; /* set asynchronously to stop early */
	const char *study;             /* series key (--new-series), or NULL for the default */
	const char *host;              /* this host's name, recorded with every run */
	const char *datadir;           /* where shipped profiles are (ss_datadir()) */
	int verbose;                   /* a line per run on log instead of the progress line */
} ss_sweep_opts;

typedef struct ss_sweep_stats {
	size_t points;      /* points in the sweep */
	size_t ran;         /* runs performed now */
	size_t skipped;     /* runs already in the database */
	unsigned long long events; /* events simulated by the runs performed */
	double wall;        /* wall seconds */
	int worker;         /* an MPI rank other than 0: rank 0 reports */
} ss_sweep_stats;

/* Checks every point (each model builds once without running) before the
   database is touched, then runs. Finished runs are reused only when
   their provenance matches. Returns 0, SS_EINVAL (bad point, or stored
   runs made with other settings: err says which), SS_EBUSY (another
   process is sweeping this scenario into the store), database errors,
   or SS_EINTR when interrupted (finished runs are kept). */
int ss_sweep_run(const ss_scenario *s, const ss_sweep_opts *o, ss_sweep_stats *st,
		 char *err, size_t errlen);

#endif
