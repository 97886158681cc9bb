/* Fuzz target: --set overrides on a shipped scenario. The first line
   names the scenario (as `secsim run` does: nahum95/fig03_04, under
   scenarios/ of the data directory); each further line is one KEY=VALUE
   given to ss_scenario_set, stopping at the first one refused, as the
   command line stops. The result is expanded into its points and
   described, as `secsim run` does next. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_expand.h"
#include "ss_env.h"
#include "ss_scenario.h"

/* Letters, digits, '_' and '/', no "..": only the shipped files. */
static int plain_name(const char *s)
{
	if (!*s || strstr(s, ".."))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '/'))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *line = text, *nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	char path[4096], err[1024];
	ss_scenario *s = NULL;
	if (!plain_name(line) || (size_t)snprintf(path, sizeof path, "%s/scenarios/%s.cfg", ss_datadir(), line) >= sizeof path ||
	    ss_scenario_load(path, &s, err, sizeof err) != 0) {
		free(text);
		return 0;
	}
	int ok = 1;
	while (ok && nl) {
		line = nl + 1;
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		ok = ss_scenario_set(s, line, err, sizeof err) == 0;
	}
	if (ok)
		ss_fuzz_expand(s);
	ss_scenario_free(s);
	free(text);
	return 0;
}
