/* The mpstack model's extras beyond the generic model interface. */
#ifndef SS_MPSTACK_H
#define SS_MPSTACK_H

#include "ss_model.h"
#include "ss_time.h"

extern const ss_model_type ss_model_mpstack;

/* Called for every interval a processor spends on one activity: the
   layer whose code runs ("TCP (locked)", "DES", "IP", ...), "memory",
   "state migration", "wait TCP lock", "wait map lock" (a string that
   lasts as long as the model state: copy it to keep it). cpu is the
   processor, thread the worker's index, times in ps. */
typedef void (*ss_mpstack_trace_fn)(void *ud, int cpu, int thread, ss_time start, ss_time end,
				    const char *what);

/* Installs a recorder on a model state made by ss_model_mpstack.create
   (NULL fn turns it off). */
void ss_mpstack_set_trace(void *model, ss_mpstack_trace_fn fn, void *ud);

#endif
