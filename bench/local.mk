# bench/: performance benchmarks, built and run by `make bench` only.
EXTRA_PROGRAMS += bench/bench_kernel
SS_BENCHES += bench/bench_kernel
bench_bench_kernel_SOURCES = bench/bench_kernel.c
bench_bench_kernel_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) -O2
bench_bench_kernel_LDADD = $(SS_SIM_LIBS)
CLEANFILES += $(SS_BENCHES)

bench: $(SS_BENCHES) secsim
	@for b in $(SS_BENCHES); do echo "== $$b"; ./$$b || exit 1; done
.PHONY: bench
