/* Fuzz target: the bytes are a host profile (hosts/NAME.cfg; the
   harness's file is fuzz.cfg, so the seeds say name = "fuzz"), applied
   to the parameters of the mpstack model, the model with a `host`, and
   released again as `--set host=...` does. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "ss_host.h"
#include "ss_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const ss_model_type *t = ss_model_find("mpstack");
	const char *path = ss_fuzz_file("fuzz.cfg", data, size);
	if (!t || !path)
		abort(); /* the harness itself is broken */
	ss_params *p = NULL;
	char err[1024];
	if (ss_params_alloc(&p, t->params, t->nparams) != 0 || ss_params_set_text(p, "host", path, err, sizeof err) != 0)
		abort();
	if (ss_host_apply(p, ss_fuzz_dir(), err, sizeof err) == 0) {
		free(ss_params_key(p));
		ss_host_release(p, path, ss_fuzz_dir(), err, sizeof err);
	}
	ss_params_free(p);
	return 0;
}
