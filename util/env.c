/* The data directory. */
#include "ss_env.h"

#include <stdlib.h>

const char *ss_datadir(void)
{
	const char *d = getenv("SECSIM_DATADIR");
	return d && *d ? d : SS_DATADIR;
}
