# cli/: the secsim command and the sweep driver.
bin_PROGRAMS += secsim
secsim_SOURCES = cli/secsim.c cli/ss_sweep.h cli/sweep.c cli/ss_sweep_exec.h cli/ss_mpi.h \
	cli/ss_progress.h cli/progress.c \
	cli/ss_reproduce.h cli/reproduce.c cli/claims_nahum95.c cli/claims_iatrou09.c cli/claims_ocf.c cli/claims_thekkath.c cli/claims_sslacc.c \
	cli/ss_profiles.h cli/profiles.c cli/ss_trace.h cli/trace.c \
	cli/ss_cmd_report.h cli/cmd_report.c
nodist_secsim_SOURCES = cli/ss_revision.h
# Sweeps over MPI ranks in the --with-mpi build; one process otherwise.
if SS_MPI
secsim_SOURCES += cli/mpi_sweep.c
else
secsim_SOURCES += cli/mpi_none.c
endif
secsim_CFLAGS = $(AM_CFLAGS) $(MPI_CFLAGS) $(GSL_CFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS) $(LIBCONFIG_CFLAGS)
secsim_LDADD = $(SS_CLI_LIBS) $(MPI_LIBS)
# Link order: users before what they use.
SS_CLI_LIBS = $(SS_CALIBRATE_OBJS) $(SS_PLOTCMD_LIBS) $(SS_SCEN_LIBS) $(SS_MODELS_LIBS) $(SS_RESULTS_LIBS) \
	$(SS_CRYPTO_LIBS) $(SS_SIM_LIBS) $(SS_SIM_LIBS) $(SQLITE_LIBS) $(LIBCONFIG_LIBS) $(CRYPTO_LIBS) $(GSL_LIBS)

# The git revision the binary is built from, refreshed on every build but
# rewritten only when it changes (so nothing rebuilds needlessly).
BUILT_SOURCES += cli/ss_revision.h
CLEANFILES += cli/ss_revision.h
cli/ss_revision.h: FORCE
	@$(MKDIR_P) cli
	@rev=`cd $(top_srcdir) && git rev-parse --short=12 HEAD 2>/dev/null || echo unknown`; \
	if test "$$rev" != unknown && ! (cd $(top_srcdir) && git diff --quiet HEAD -- 2>/dev/null); then rev="$$rev-dirty"; fi; \
	echo "#define SS_REVISION \"$$rev\"" > cli/ss_revision.h.tmp; \
	if cmp -s cli/ss_revision.h.tmp cli/ss_revision.h; then rm -f cli/ss_revision.h.tmp; \
	else mv cli/ss_revision.h.tmp cli/ss_revision.h; fi
FORCE:
.PHONY: FORCE
