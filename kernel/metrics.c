/* The named numeric results of one run (a small growable array). */
#include "ss_grow.h"
#include "ss_metrics.h"

#include <stdlib.h>
#include <string.h>

#include "ss_err.h"

#define METRICS_MIN_CAP 16

void ss_metrics_init(ss_metrics *m)
{
	m->v = NULL;
	m->n = 0;
	m->cap = 0;
	m->bottleneck[0] = '\0';
	m->bottleneck_util = 0.0;
}

void ss_metrics_fini(ss_metrics *m)
{
	free(m->v);
	ss_metrics_init(m);
}

/* Keeps the storage: a sweep clears and refills the same set per run. */
void ss_metrics_clear(ss_metrics *m)
{
	m->n = 0;
	m->bottleneck[0] = '\0';
	m->bottleneck_util = 0.0;
}

const ss_metric *ss_metrics_find(const ss_metrics *m, const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	/* Linear: a run reports tens of metrics, and the order of addition is
	   the order of the report, which a hash or sort would lose. */
	for (i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
}

/* A name or unit that does not fit is refused rather than truncated:
   two long names cut to the same prefix would silently replace each
   other, and the store keys metrics by name. */
int ss_metrics_set(ss_metrics *m, const char *name, const char *unit, double value)
{
	ss_metric *e;

	if (!unit)
		unit = "";
	if (!name || !*name || strlen(name) >= SS_METRIC_NAME || strlen(unit) >= SS_METRIC_UNIT)
		return SS_EINVAL;
	e = (ss_metric *)ss_metrics_find(m, name);
	if (!e) {
		if (ss_grow(&m->v, &m->cap, m->n + 1, sizeof *m->v, METRICS_MIN_CAP))
			return SS_ENOMEM;
		e = &m->v[m->n++];
		strcpy(e->name, name);
	}
	strcpy(e->unit, unit);
	e->value = value;
	return SS_OK;
}
