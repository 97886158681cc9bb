/* Fuzz target: the bytes are a crypto cost profile
   (crypto/profiles/NAME.cfg; the harness's file is fuzz.cfg, so the
   seeds say name = "fuzz"), loaded with a small synthetic calibration
   for the derived kind. A profile that loads is priced for every
   algorithm and written back with ss_profile_write; the written file
   must load again with the same costs and sources (abort otherwise, so
   libFuzzer keeps the input). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_calib.h"
#include "ss_err.h"
#include "ss_profile.h"

/* Two bulk algorithms and one RSA operation, as tests/test_profile.c
   builds its synthetic calibration; the numbers only need to be valid. */
static ss_calib *synthetic(void)
{
	static const size_t sz[] = {64, 1024, 32768};
	ss_calib *cal = NULL;
	if (ss_calib_alloc(&cal) != SS_OK)
		abort();
	for (size_t i = 0; i < 3; i++) {
		double m = 200 + 12.0 * (double)sz[i];
		ss_calib_stats st = {5, m, m, m, m, m};
		if (ss_calib_add(cal, "des-cbc", sz[i], &st, NULL, 0) != 0)
			abort();
	}
	ss_calib_stats r = {5, 70000, 70000, 70000, 70000, 70000};
	if (ss_calib_add(cal, "rsa1024-private", 48, &r, NULL, 0) != 0 || ss_calib_finish(cal, NULL, 0) != 0)
		abort();
	return cal;
}

static ss_calib *cal;

static void free_cal(void)
{
	ss_calib_free(cal);
}

/* Same algorithms, costs and sources in p and q? */
static int same(const ss_profile *p, const ss_profile *q)
{
	static const size_t bytes[] = {0, 1, 1500, 65536};
	for (size_t id = 0; id < ss_crypto_alg_count(); id++) {
		const ss_crypto_alg *a = ss_crypto_alg_get(id);
		if (ss_profile_has(p, a) != ss_profile_has(q, a) || strcmp(ss_profile_source(p, a), ss_profile_source(q, a)))
			return 0;
		for (size_t b = 0; b < sizeof bytes / sizeof *bytes && ss_profile_has(p, a); b++) {
			ss_time cp, cq;
			if (ss_profile_cost(p, a, bytes[b], &cp) != 0 || ss_profile_cost(q, a, bytes[b], &cq) != 0 || cp != cq)
				return 0;
		}
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!cal) {
		cal = synthetic();
		atexit(free_cal);
	}
	const char *path = ss_fuzz_file("fuzz.cfg", data, size);
	ss_profile *p = NULL, *q = NULL;
	char err[1024];
	if (!path || ss_profile_load_file(path, cal, &p, err, sizeof err) != 0)
		return 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f || ss_profile_write(p, f, "written back by the fuzz harness", err, sizeof err) != 0 || fclose(f) != 0) {
		fprintf(stderr, "a loaded profile cannot be written: %s\n", err);
		abort();
	}
	path = ss_fuzz_file("fuzz.cfg", (const uint8_t *)text, len);
	if (!path || ss_profile_load_file(path, cal, &q, err, sizeof err) != 0 || !same(p, q)) {
		fprintf(stderr, "a profile written back does not load the same (%s):\n%s\n", q ? "costs differ" : err, text);
		abort();
	}
	free(text);
	ss_profile_free(q);
	ss_profile_free(p);
	return 0;
}
