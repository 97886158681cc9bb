/* Fuzz target: the bytes are a scenario file. A file that loads is also
   expanded into its points (hosts applied, series labels expanded) and
   described, as `secsim run` does before it runs anything. */
#include "fuzz.h"

#include <stdlib.h>

#include "fuzz_expand.h"
#include "ss_scenario.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = ss_fuzz_file("fuzz.cfg", data, size);
	ss_scenario *s = NULL;
	char err[1024];
	if (!path || ss_scenario_load(path, &s, err, sizeof err) != 0)
		return 0;
	ss_fuzz_expand(s);
	ss_scenario_free(s);
	return 0;
}
