# bench/: performance benchmarks, built and run by `make bench` only.
EXTRA_PROGRAMS += bench/bench_kernel
SS_BENCHES += bench/bench_kernel
# The kernel's evq.c and sim.c are also built a second time with lazy
# cancellation (renamed, bench/lazy_names.h) as the comparison.
bench_bench_kernel_SOURCES = bench/bench_kernel.c bench/baseline_heap.h bench/hold.h bench/hold.c \
	bench/lazy_names.h bench/lazy_evq.c bench/lazy_sim.c bench/lazy_hold.c
bench_bench_kernel_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) -O2
bench_bench_kernel_LDADD = $(SS_SIM_LIBS)
EXTRA_PROGRAMS += bench/bench_mpstack
SS_BENCHES += bench/bench_mpstack
bench_bench_mpstack_SOURCES = bench/bench_mpstack.c bench/baseline_heap.h
bench_bench_mpstack_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) -O2
bench_bench_mpstack_LDADD = $(SS_MODELS_LIBS) $(SS_SIM_LIBS)
EXTRA_DIST += bench/bench_reproduce.sh bench/bench_sweep.sh bench/sweep1000.cfg bench/bench_run.sh bench/netpair1g.cfg bench/sslacc7.cfg
CLEANFILES += $(SS_BENCHES)

bench: $(SS_BENCHES) secsim
	@for b in $(SS_BENCHES); do echo "== $$b"; ./$$b || exit 1; done
	@echo "== bench/bench_reproduce.sh"; SECSIM_DATADIR='$(abs_top_srcdir)' $(SHELL) $(top_srcdir)/bench/bench_reproduce.sh . nahum95 120
	@echo "== bench/bench_reproduce.sh iatrou"; SECSIM_DATADIR='$(abs_top_srcdir)' $(SHELL) $(top_srcdir)/bench/bench_reproduce.sh . iatrou 180
	@echo "== bench/bench_reproduce.sh ocf"; SECSIM_DATADIR='$(abs_top_srcdir)' $(SHELL) $(top_srcdir)/bench/bench_reproduce.sh . ocf 60
	@echo "== bench/bench_reproduce.sh thekkath"; SECSIM_DATADIR='$(abs_top_srcdir)' $(SHELL) $(top_srcdir)/bench/bench_reproduce.sh . thekkath 60
	@echo "== bench/bench_reproduce.sh sslacc"; SECSIM_DATADIR='$(abs_top_srcdir)' $(SHELL) $(top_srcdir)/bench/bench_reproduce.sh . sslacc 60
	@echo "== bench/bench_sweep.sh"; SECSIM_DATADIR='$(abs_top_srcdir)' $(SHELL) $(top_srcdir)/bench/bench_sweep.sh . '$(SS_WITH_MPI)'
	@echo "== bench/bench_run.sh netpair"; SECSIM_DATADIR='$(abs_top_srcdir)' $(SHELL) $(top_srcdir)/bench/bench_run.sh . bench/netpair1g.cfg 2 throughput "netpair X1->X2 1 Gbit/s ESP AES128 SHA1, 10 simulated s"
	@echo "== bench/bench_run.sh sslacc"; SECSIM_DATADIR='$(abs_top_srcdir)' $(SHELL) $(top_srcdir)/bench/bench_run.sh . bench/sslacc7.cfg 5 handshakes "sslcluster, 7 SSLACC 200 nodes, saturating handshakes, 60 simulated s"
.PHONY: bench
