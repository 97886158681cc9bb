/* The step the scenario and --set harnesses share after a scenario
   loads: expand its points (when there are few enough to be quick) and
   describe it, as `secsim run` would before running anything. */
#ifndef SS_FUZZ_EXPAND_H
#define SS_FUZZ_EXPAND_H

#include <stdlib.h>

#include "ss_scenario.h"

/* Sweeps past this many points are skipped: each point costs a host file
   read and a parameter copy, and the 10^7 limit of ss_scenario_points is
   covered by tests/test_scenario. */
#define SS_FUZZ_MAX_POINTS 64

static inline void ss_fuzz_expand(const ss_scenario *s)
{
	char err[1024];
	size_t total = 1;
	for (size_t g = 0; g < s->ngroups && total <= SS_FUZZ_MAX_POINTS; g++)
		total *= s->groups[g].n;
	ss_point *pts = NULL;
	size_t n = 0;
	if (total <= SS_FUZZ_MAX_POINTS && ss_scenario_points(s, &pts, &n, err, sizeof err) == 0)
		ss_points_free(pts, n);
	free(ss_scenario_describe(s));
}

#endif
