/* The named numeric results of one run, as a model and its resources report them. */
#ifndef SS_METRICS_H
#define SS_METRICS_H

#include <stddef.h>

#define SS_METRIC_NAME 64
#define SS_METRIC_UNIT 16

typedef struct ss_metric {
	char name[SS_METRIC_NAME]; /* e.g. "throughput", "cpu.util" */
	char unit[SS_METRIC_UNIT]; /* e.g. "Mbit/s", "fraction", "us" */
	double value;
} ss_metric;

typedef struct ss_metrics {
	ss_metric *v;            /* the metrics, in the order added */
	size_t n, cap;
	char bottleneck[SS_METRIC_NAME]; /* saturated resource, or "workload (...)"; "" if none */
	double bottleneck_util;  /* the busiest resource's utilisation, fraction */
} ss_metrics;

void ss_metrics_init(ss_metrics *m);
void ss_metrics_fini(ss_metrics *m);
void ss_metrics_clear(ss_metrics *m);
/* Adds or replaces `name` (a NULL unit means ""). Returns 0, SS_ENOMEM, or
   SS_EINVAL for an empty name, a name of SS_METRIC_NAME or more bytes, or a
   unit of SS_METRIC_UNIT or more bytes (refused, never truncated). */
int ss_metrics_set(ss_metrics *m, const char *name, const char *unit, double value);
const ss_metric *ss_metrics_find(const ss_metrics *m, const char *name);

#endif
