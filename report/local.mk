# report/: gnuplot scripts, PNG/SVG figures and Markdown tables from a
# results store and a plot spec (report/specs/STUDY.cfg), and the verdicts
# of a paper's claim checks (report/claims.c).  Reads the store
# through store/ (ss_db_handle) and uses util/ and kernel/ for status codes and statistics, so
# users link libss_results.a and $(SS_SIM_LIBS) after it.
noinst_LIBRARIES += libss_plots.a
libss_plots_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(LIBCONFIG_CFLAGS)
libss_plots_a_SOURCES = \
	report/ss_plot.h report/plot-internal.h \
	report/escape.c report/spec.c report/plot.c report/table.c \
	report/ss_claims.h report/claims.c \
	report/ss_html.h report/html.c
SS_PLOTS_LIBS = libss_plots.a

# The `plot` command, in its own library so the secsim link line takes
# it as one variable: add $(SS_PLOTCMD_LIBS) to secsim_LDADD before the
# results and sim libraries (it links libss_plots.a itself, then needs
# $(SS_RESULTS_LIBS) $(SS_SIM_LIBS) $(LIBCONFIG_LIBS) $(SQLITE_LIBS)).
noinst_LIBRARIES += libss_plotcmd.a
libss_plotcmd_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(LIBCONFIG_CFLAGS)
libss_plotcmd_a_SOURCES = cli/ss_cmd_plot.h cli/cmd_plot.c
SS_PLOTCMD_LIBS = libss_plotcmd.a $(SS_PLOTS_LIBS)

# Plot specs ship as data: SS_DATADIR "/report/specs".
EXTRA_DIST += report/specs

check_PROGRAMS += tests/test_plots
TESTS += tests/test_plots
tests_test_plots_SOURCES = tests/test_plots.c tests/ss_test.h
tests_test_plots_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(LIBCONFIG_CFLAGS) $(GSL_CFLAGS)
tests_test_plots_LDADD = $(SS_PLOTCMD_LIBS) $(SS_RESULTS_LIBS) $(SS_SIM_LIBS) \
	$(LIBCONFIG_LIBS) $(SQLITE_LIBS) $(GSL_LIBS)

check_PROGRAMS += tests/test_claims
TESTS += tests/test_claims
# The study checkers live with the command (cli/); their tests link them here.
tests_test_claims_SOURCES = tests/test_claims.c tests/ss_test.h cli/claims_nahum95.c
tests_test_claims_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)
tests_test_claims_LDADD = $(SS_PLOTS_LIBS) $(SS_RESULTS_LIBS) $(SS_SIM_LIBS) $(SQLITE_LIBS)

# The HTML report: escaping, the stored claim verdicts and a page from a
# hostile store (the page in a browser: make check-report).
check_PROGRAMS += tests/test_report
TESTS += tests/test_report
tests_test_report_SOURCES = tests/test_report.c tests/ss_test.h
tests_test_report_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_test_report_LDADD = $(SS_PLOTS_LIBS) $(SS_RESULTS_LIBS) $(SS_SIM_LIBS) $(LIBCONFIG_LIBS) $(SQLITE_LIBS) $(GSL_LIBS)

# The page in a real browser: headless chromium and python3, which the
# main suite does not need, so in a target of its own (CI runs it).
EXTRA_DIST += tests/test_report_browser.sh tests/report_browser.py
check-report: secsim
	SS_SRCDIR='$(abs_top_srcdir)' SS_BUILDDIR='$(abs_top_builddir)' $(SHELL) $(top_srcdir)/tests/test_report_browser.sh
.PHONY: check-report
