/* Fuzz target: the bytes are a scenario file. A file that loads is also
   expanded into its points (hosts applied, series labels expanded) and
   described, as `secsim run` does before it runs anything. */
#include "fuzz.h"

#include <stdlib.h>

#include "ss_scenario.h"

/* Sweeps past this many points are skipped: each point costs a host file
   read and a parameter copy, and the 10^7 limit of ss_scenario_points is
   covered by tests/test_scenario. */
#define MAX_POINTS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = ss_fuzz_file("fuzz.cfg", data, size);
	ss_scenario *s = NULL;
	char err[1024];
	if (!path || ss_scenario_load(path, &s, err, sizeof err) != 0)
		return 0;
	size_t total = 1;
	for (size_t g = 0; g < s->ngroups && total <= MAX_POINTS; g++)
		total *= s->groups[g].n;
	ss_point *pts = NULL;
	size_t n = 0;
	if (total <= MAX_POINTS && ss_scenario_points(s, &pts, &n, err, sizeof err) == 0)
		ss_points_free(pts, n);
	free(ss_scenario_describe(s));
	ss_scenario_free(s);
	return 0;
}
