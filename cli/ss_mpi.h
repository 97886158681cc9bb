/* Sweeps spread over MPI ranks. In an MPI build (./configure --with-mpi)
   started by mpirun with more than one rank, rank 0 hands out work
   items on request and alone writes the database; the other ranks
   compute. Without mpirun, and in the plain build (cli/mpi_none.c, the
   same functions), there is one process and the thread pool. */
#ifndef SS_MPI_H
#define SS_MPI_H

#include <stddef.h>

#include "ss_sweep_exec.h"

/* Call first in main: joins the ranks when started by mpirun. Returns
   an ss_status; SS_EINVAL (err says why) when started by mpirun with
   several ranks in a build without MPI. */
int ss_mpi_init(int *argc, char ***argv, char *err, size_t errlen);
/* Call last: leaves the ranks. */
void ss_mpi_fini(void);

/* Ranks in the sweep (1: not distributed) and this process's rank. */
int ss_mpi_size(void);
int ss_mpi_rank(void);

/* Waits until every rank gets here (nothing without MPI). */
void ss_mpi_barrier(void);

/* Rank 0: schedules the sweep's items over the other ranks and stores
   their results; returns when every rank has stopped. A sweep that
   already failed only stops them; a rank whose scenario differs from
   rank 0's fails the sweep. Returns an ss_status of the
   communication (the sweep's own errors stay in the sweep). */
int ss_mpi_master(ss_sweep *sw);
/* The other ranks: compute what rank 0 hands out until it says stop. */
int ss_mpi_worker(ss_sweep *sw);

#endif
