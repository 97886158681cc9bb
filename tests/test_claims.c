/* Claim verdicts (report/claims.c): what each tag means, how they are
   counted (input checks apart from output checks, an expected failure
   that passes counts as a failure) and when two simulated values are
   ordered or tied. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ss_claims.h"
#include "ss_test.h"

static char buf[4096];

/* The checker's output so far, as text. */
static const char *printed(FILE *f)
{
	fflush(f);
	long n = ftell(f);
	rewind(f);
	size_t got = fread(buf, 1, n > 0 && (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1, f);
	buf[got] = '\0';
	fseek(f, 0, SEEK_END);
	return buf;
}

static void verdicts(void)
{
	static const ss_claims_known known[] = {{"X-C2", "a reason"}, {"X-C3", "another"}};
	FILE *f = tmpfile();
	ss_claims *c = ss_claims_alloc(NULL, f, known, 2);
	SS_CHECK(c != NULL, "a checker without a database");
	ss_claims_output(c, "X-C1", 1, "matched %d", 1);
	ss_claims_output(c, "X-C1", 0, "did not match");
	ss_claims_output(c, "X-C2", 0, "known deviation");
	ss_claims_output(c, "X-C3", 1, "known deviation gone");
	ss_claims_input(c, "X-C4", 1, "inputs in");
	ss_claims_input(c, "X-C4", 0, "inputs lost");
	ss_claims_info(c, "X-C5", "discussion");
	const char *t = printed(f);
	SS_CHECK(strstr(t, "PASS  X-C1        matched 1\n") != NULL, "an output that matched is PASS");
	SS_CHECK(strstr(t, "FAIL  X-C1        did not match\n") != NULL, "an output that did not is FAIL");
	SS_CHECK(strstr(t, "XFAIL X-C2        known deviation [known: a reason]\n") != NULL, "a listed deviation is XFAIL, with its reason");
	SS_CHECK(strstr(t, "XPASS X-C3        known deviation gone [known: another]\n") != NULL, "a listed deviation that matches is XPASS");
	SS_CHECK(strstr(t, "INPUT X-C4        inputs in\n") != NULL, "a consistent input check is INPUT, never PASS");
	SS_CHECK(strstr(t, "FAIL  X-C4        inconsistent input: inputs lost\n") != NULL, "an inconsistent input is a FAIL that says so");
	SS_CHECK(strstr(t, "INFO  X-C5        discussion\n") != NULL, "INFO for what cannot be checked");
	const ss_claims_result *r = ss_claims_counts(c);
	SS_CHECK(r->pass == 1 && r->fail == 1 && r->xfail == 1 && r->xpass == 1 && r->input == 1 && r->input_fail == 1 &&
			 r->info == 1,
		 "each verdict counted once, in its own count");
	ss_claims_print_counts(r, f);
	t = printed(f);
	SS_CHECK(strstr(t, "4 output checks: 1 PASS, 1 FAIL, 1 XFAIL, 1 XPASS; 2 input checks (1 inconsistent); 1 for information\n") != NULL,
		 "the summary counts output and input checks apart");
	SS_CHECK(ss_claims_failed(r), "a FAIL fails the run");
	ss_claims_result only = {.pass = 3, .xfail = 2, .input = 5, .info = 1};
	SS_CHECK(!ss_claims_failed(&only), "PASS, XFAIL, INPUT and INFO do not");
	only.xpass = 1;
	SS_CHECK(ss_claims_failed(&only), "an XPASS does");
	only.xpass = 0;
	only.input_fail = 1;
	SS_CHECK(ss_claims_failed(&only), "an inconsistent input does");
	ss_claims_free(c);
	fclose(f);
}

static void order(void)
{
	/* 1% below is below, not "above within 1%". */
	SS_CHECK(ss_claims_compare(99, 98.9, 99.1, 100, 99.9, 100.1) == SS_CLAIMS_BELOW, "a curve 1%% below another is below");
	SS_CHECK(ss_claims_compare(101, 100.9, 101.1, 100, 99.9, 100.1) == SS_CLAIMS_ABOVE, "1%% above with tight intervals is above");
	SS_CHECK(ss_claims_compare(199.2, 198.8, 199.5, 199.4, 199.4, 199.5) == SS_CLAIMS_TIE, "overlapping intervals are a tie");
	SS_CHECK(ss_claims_compare(5, NAN, NAN, 5, NAN, NAN) == SS_CLAIMS_TIE, "equal means without intervals tie");
	SS_CHECK(ss_claims_compare(5, NAN, NAN, 4.999, NAN, NAN) == SS_CLAIMS_ABOVE, "without intervals the means decide");
	SS_CHECK(ss_claims_compare(NAN, 1, 2, 1, 1, 1) == SS_CLAIMS_MISSING, "a missing point is missing, not a tie");
}

int main(void)
{
	verdicts();
	order();
	return ss_test_done();
}
