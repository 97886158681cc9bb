# tests/fuzz/: coverage-guided fuzzing of the loaders of user input:
# scenario files, --set, crypto profiles, host profiles and reference
# CSVs. `make fuzz` builds each harness with libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer through $(FUZZ_CC) (clang, whatever
# compiler the main build uses) and runs it for FUZZ_SECONDS, printing
# one TAP line per harness. make check replays the kept reproducers and
# the seeds through the same entry points, built normally.
FUZZ_HARNESSES = scenario set profile host reference
FUZZ_CC = clang
FUZZ_SECONDS = 600
FUZZ_OUT = tests/fuzz/out
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	$(DEFS) -I$(top_builddir) $(AM_CPPFLAGS) \
	$(GSL_CFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS) $(LIBCONFIG_CFLAGS)
FUZZ_LIBS = $(SQLITE_LIBS) $(CRYPTO_LIBS) $(LIBCONFIG_LIBS) $(GSL_LIBS) $(LIBS) -lm
# The libraries' sources (headers are skipped by the build loop).
FUZZ_SRCS = $(libss_scen_a_SOURCES) $(libss_models_a_SOURCES) $(libss_workloads_a_SOURCES) $(libss_host_a_SOURCES) \
	$(libss_proto_a_SOURCES) $(libss_platform_a_SOURCES) \
	$(libss_crypto_a_SOURCES) $(libss_results_a_SOURCES) \
	$(libss_util_a_SOURCES) $(libss_kernel_a_SOURCES) $(libss_res_a_SOURCES) tests/fuzz/fuzz_file.c tests/fuzz/fuzz.h tests/fuzz/fuzz_expand.h

# One object per source, named after its path (crypto/calib.c and
# store/calib.c share a base name), instrumented for coverage.
$(FUZZ_OUT)/libfuzz.a: $(FUZZ_SRCS)
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz: $(FUZZ_CC) not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
	@rm -rf $(FUZZ_OUT)/obj && $(MKDIR_P) $(FUZZ_OUT)/obj
	@for f in $(FUZZ_SRCS); do case $$f in *.c) \
	  o=$(FUZZ_OUT)/obj/`echo $$f | sed 's|/|_|g; s|\.c$$|.o|'`; \
	  echo "  FUZZCC   $$f"; \
	  $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $(srcdir)/$$f -o $$o || exit 1;; \
	esac; done
	@rm -f $@ && $(AR) cr $@ $(FUZZ_OUT)/obj/*.o && $(RANLIB) $@

fuzz-build: $(FUZZ_OUT)/libfuzz.a
	@for h in $(FUZZ_HARNESSES); do \
	  echo "  FUZZLD   $(FUZZ_OUT)/fuzz_$$h"; \
	  $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(srcdir)/tests/fuzz/fuzz_$$h.c \
	    $(FUZZ_OUT)/libfuzz.a $(FUZZ_LIBS) -o $(FUZZ_OUT)/fuzz_$$h || exit 1; \
	done

# Seeds are remade from the shipped files on every run; what libFuzzer
# finds goes to corpus/HARNESS and is kept between runs, a crashing input
# to crash/HARNESS-*. libconfig 1.5 leaks on many malformed files (see
# lsan.supp), and libFuzzer then scans for leaks after each of them,
# which made the scenario harness 14 times slower here; so the timed run
# looks for memory errors and undefined behaviour, and then every input
# of the corpus it leaves (each one reached new code) runs once more
# with leak detection.
FUZZ_ENV = LSAN_OPTIONS=suppressions=$(abs_srcdir)/tests/fuzz/lsan.supp:print_suppressions=0
fuzz: fuzz-build
	@$(srcdir)/tests/fuzz/seeds.sh $(srcdir) $(FUZZ_OUT)/seeds
	@echo "1..`echo $(FUZZ_HARNESSES) | wc -w`"; fail=0; n=0; \
	for h in $(FUZZ_HARNESSES); do \
	  n=$$((n + 1)); log=$(FUZZ_OUT)/$$h.log; \
	  $(MKDIR_P) $(FUZZ_OUT)/corpus/$$h $(FUZZ_OUT)/crash; \
	  set -- -timeout=30 -artifact_prefix=$(FUZZ_OUT)/crash/$$h- $(FUZZ_OUT)/corpus/$$h $(FUZZ_OUT)/seeds/$$h; \
	  if $(FUZZ_ENV) $(FUZZ_OUT)/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -detect_leaks=0 -print_final_stats=1 "$$@" >$$log 2>&1 && \
	     $(FUZZ_ENV) $(FUZZ_OUT)/fuzz_$$h -runs=0 "$$@" >$(FUZZ_OUT)/$$h-leaks.log 2>&1; then \
	    echo "ok $$n - fuzz_$$h: $(FUZZ_SECONDS) s, `sed -n 's/^stat::number_of_executed_units: *//p' $$log` inputs," \
	      "`ls $(FUZZ_OUT)/corpus/$$h | wc -l` in the corpus, no crash, leak or sanitizer report"; \
	  else \
	    fail=1; echo "not ok $$n - fuzz_$$h: see $$log, $(FUZZ_OUT)/$$h-leaks.log and $(FUZZ_OUT)/crash/"; \
	  fi; \
	done; exit $$fail

.PHONY: fuzz fuzz-build
clean-local: fuzz-clean
fuzz-clean:
	-rm -rf $(FUZZ_OUT)
.PHONY: fuzz-clean

# Replay, built with the main compiler.
check_PROGRAMS += tests/fuzz/replay_scenario tests/fuzz/replay_set tests/fuzz/replay_host \
	tests/fuzz/replay_profile tests/fuzz/replay_reference
TESTS += tests/fuzz/test_replay.sh
EXTRA_DIST += tests/fuzz/test_replay.sh tests/fuzz/seeds.sh tests/fuzz/set.seeds tests/fuzz/lsan.supp tests/fuzz/regress
FUZZ_REPLAY_SRCS = tests/fuzz/fuzz.h tests/fuzz/fuzz_expand.h tests/fuzz/fuzz_file.c tests/fuzz/replay.c

tests_fuzz_replay_scenario_SOURCES = tests/fuzz/fuzz_scenario.c $(FUZZ_REPLAY_SRCS)
tests_fuzz_replay_scenario_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_fuzz_replay_scenario_LDADD = $(SS_SCEN_LIBS) $(SS_MODELS_LIBS) $(SS_SIM_LIBS)

tests_fuzz_replay_set_SOURCES = tests/fuzz/fuzz_set.c $(FUZZ_REPLAY_SRCS)
tests_fuzz_replay_set_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_fuzz_replay_set_LDADD = $(SS_SCEN_LIBS) $(SS_MODELS_LIBS) $(SS_SIM_LIBS)

tests_fuzz_replay_host_SOURCES = tests/fuzz/fuzz_host.c $(FUZZ_REPLAY_SRCS)
tests_fuzz_replay_host_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_fuzz_replay_host_LDADD = $(SS_SCEN_LIBS) $(SS_MODELS_LIBS) $(SS_SIM_LIBS)

tests_fuzz_replay_profile_SOURCES = tests/fuzz/fuzz_profile.c $(FUZZ_REPLAY_SRCS)
tests_fuzz_replay_profile_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_fuzz_replay_profile_LDADD = $(SS_CRYPTO_LIBS)

tests_fuzz_replay_reference_SOURCES = tests/fuzz/fuzz_reference.c $(FUZZ_REPLAY_SRCS)
tests_fuzz_replay_reference_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(GSL_CFLAGS)
tests_fuzz_replay_reference_LDADD = $(SS_RESULTS_LIBS) $(SS_SIM_LIBS)
