# tests/: kernel, resources, scenarios and the command line. Each test
# links only the libraries its module may use.
check_PROGRAMS += tests/test_kernel tests/test_resources tests/test_scenario
TESTS += tests/test_kernel tests/test_resources tests/test_scenario tests/test_cli.sh tests/test_kill.sh
EXTRA_DIST += tests/test_cli.sh tests/test_kill.sh

tests_test_kernel_SOURCES = tests/test_kernel.c tests/ss_test.h
tests_test_kernel_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_kernel_LDADD = $(SS_SIM_LIBS)

tests_test_resources_SOURCES = tests/test_resources.c tests/ss_test.h
tests_test_resources_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_resources_LDADD = $(SS_MODELS_LIBS) $(SS_SIM_LIBS)

tests_test_scenario_SOURCES = tests/test_scenario.c tests/ss_test.h
tests_test_scenario_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_test_scenario_LDADD = $(SS_SCEN_LIBS) $(SS_MODELS_LIBS) $(SS_SIM_LIBS)

check_PROGRAMS += tests/test_mpstack
TESTS += tests/test_mpstack tests/test_nahum95.sh tests/test_iatrou.sh tests/test_ocf.sh tests/test_thekkath.sh tests/test_sslacc.sh
EXTRA_DIST += tests/test_nahum95.sh tests/study.sh tests/test_iatrou.sh tests/test_ocf.sh tests/test_thekkath.sh tests/thekkath_anchors.py tests/test_sslacc.sh
# A pin on mpstack's numbers: short runs of every nahum95 stack and
# parallelism, each stored metric compared bit for bit.
TESTS += tests/test_rebuild.sh
EXTRA_DIST += tests/test_rebuild.sh tests/data/rebuild.expected tests/data/rebuild_stacks.cfg
tests_test_mpstack_SOURCES = tests/test_mpstack.c tests/ss_test.h
tests_test_mpstack_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(SQLITE_CFLAGS)
tests_test_mpstack_LDADD = $(SS_MODELS_LIBS) $(SS_RESULTS_LIBS) $(SS_SIM_LIBS) $(SQLITE_LIBS)

check_PROGRAMS += tests/test_validation
TESTS += tests/test_validation
tests_test_validation_SOURCES = tests/test_validation.c tests/ss_test.h
tests_test_validation_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_test_validation_LDADD = $(SS_SCEN_LIBS) $(SS_MODELS_LIBS) $(SS_SIM_LIBS)

check_PROGRAMS += tests/test_bottleneck
TESTS += tests/test_bottleneck
tests_test_bottleneck_SOURCES = tests/test_bottleneck.c tests/ss_test.h
tests_test_bottleneck_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_bottleneck_LDADD = $(SS_SIM_LIBS)

# Coverage of the validation intervals over many independent seeds.
check_PROGRAMS += tests/test_coverage
TESTS += tests/test_coverage
tests_test_coverage_SOURCES = tests/test_coverage.c tests/ss_test.h
tests_test_coverage_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_test_coverage_LDADD = $(SS_SCEN_LIBS) $(SS_MODELS_LIBS) $(SS_SIM_LIBS)

# Sweeps over MPI ranks (mpirun -np 3); in a build without MPI, that it
# refuses to run under mpirun.
TESTS += tests/test_mpi.sh
EXTRA_DIST += tests/test_mpi.sh

# The Iatrou testbed profiles against the published figures and rules
# they are derived from (tests/pubprofiles.py also regenerates them).
TESTS += tests/test_pubprofiles.sh
EXTRA_DIST += tests/test_pubprofiles.sh tests/pubprofiles.py

# The ping-pong workload between two hosts against the wire's bounds
# (it needs the hosts and what they use, as tests/test_host does).
check_PROGRAMS += tests/test_pingpong
TESTS += tests/test_pingpong
tests_test_pingpong_SOURCES = tests/test_pingpong.c tests/ss_test.h
tests_test_pingpong_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(CRYPTO_CFLAGS)
tests_test_pingpong_LDADD = $(SS_MODELS_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)

# Protocol organisations in the host: the shipped files, bad files, each
# crossing's exact share of a round trip, batching, 4.3BSD's ACKs.
check_PROGRAMS += tests/test_org
TESTS += tests/test_org
tests_test_org_SOURCES = tests/test_org.c tests/ss_test.h
tests_test_org_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(CRYPTO_CFLAGS)
tests_test_org_LDADD = $(SS_MODELS_LIBS) $(SS_SIM_LIBS) $(SS_CRYPTO_LIBS)

check_PROGRAMS += tests/test_segment
TESTS += tests/test_segment
tests_test_segment_SOURCES = tests/test_segment.c tests/ss_test.h
tests_test_segment_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
tests_test_segment_LDADD = $(SS_PLATFORM_LIBS) $(SS_SIM_LIBS)
