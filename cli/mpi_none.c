/* The plain build's stand-in for mpi_sweep.c: one process. Started by
   mpirun with several ranks, every rank would run the whole sweep into
   the same database, so that is refused. */
#include "ss_mpi.h"

#include <stdlib.h>

#include "ss_err.h"

/* Ranks in the job, from the launchers' environment (Open MPI, PMIx,
   MPICH's PMI), or 1. */
static long launched_ranks(void)
{
	static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strtol(v, NULL, 10);
	}
	return 1;
}

int ss_mpi_init(int *argc, char ***argv, char *err, size_t errlen)
{
	(void)argc;
	(void)argv;
	if (launched_ranks() > 1) {
		ss_errbuf(err, errlen, "secsim: started by mpirun with %ld ranks, but built without MPI "
				       "(rebuild with ./configure --with-mpi, or use --jobs N on one machine)",
			  launched_ranks());
		return SS_EINVAL;
	}
	return SS_OK;
}

void ss_mpi_fini(void)
{
}

int ss_mpi_size(void)
{
	return 1;
}

int ss_mpi_rank(void)
{
	return 0;
}

void ss_mpi_barrier(void)
{
}

int ss_mpi_master(ss_sweep *sw)
{
	(void)sw;
	return SS_EINVAL;
}

int ss_mpi_worker(ss_sweep *sw)
{
	(void)sw;
	return SS_EINVAL;
}
