/* The table of model types, looked up by the name a scenario file gives. */
#include <stddef.h>
#include <string.h>

#include "ss_model.h"
#include "ss_text.h"

extern const ss_model_type ss_model_queue;
extern const ss_model_type ss_model_closed;
extern const ss_model_type ss_model_amdahl;
extern const ss_model_type ss_model_mpstack;
extern const ss_model_type ss_model_netpair;
extern const ss_model_type ss_model_cryptohost;
extern const ss_model_type ss_model_sslcluster;
extern const ss_model_type ss_model_sslrelay;

static const ss_model_type *const models[] = {
	&ss_model_queue,
	&ss_model_closed,
	&ss_model_amdahl,
	&ss_model_mpstack,
	&ss_model_netpair,
	&ss_model_cryptohost,
	&ss_model_sslcluster,
	&ss_model_sslrelay,
	NULL,
};

const ss_model_type *const *ss_model_all(void) { return models; }

const ss_model_type *ss_model_find(const char *name)
{
	for (size_t i = 0; models[i]; i++)
		if (!strcmp(models[i]->name, name))
			return models[i];
	return NULL;
}

const char *ss_model_nearest(const char *name)
{
	const char *best = NULL;
	size_t bd = (size_t)-1;
	for (size_t i = 0; models[i]; i++) {
		size_t d = ss_edit_distance(name, models[i]->name);
		if (d < bd) {
			bd = d;
			best = models[i]->name;
		}
	}
	return bd <= 1 + strlen(name) / 3 ? best : NULL;
}
