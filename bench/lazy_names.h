/* Maps the kernel's external names to lazy_* and selects lazy
   cancellation, so that the kernel rebuilt that way (lazy_evq.c,
   lazy_sim.c, lazy_hold.c) links into bench_kernel beside the real one.
   Defines only macros: it must precede every system header. */
#ifndef SS_BENCH_LAZY_NAMES_H
#define SS_BENCH_LAZY_NAMES_H

#define SS_EVQ_LAZY 1
#define BENCH_HOLD bench_hold_lazy

#define ss_evq_init lazy_ss_evq_init
#define ss_evq_fini lazy_ss_evq_fini
#define ss_evq_push lazy_ss_evq_push
#define ss_evq_pop_until lazy_ss_evq_pop_until
#define ss_evq_peek_time lazy_ss_evq_peek_time
#define ss_evq_check lazy_ss_evq_check
#define ss_evq_set_small lazy_ss_evq_set_small
#define ss_sim_alloc lazy_ss_sim_alloc
#define ss_sim_free lazy_ss_sim_free
#define ss_sim_now lazy_ss_sim_now
#define ss_sim_seed lazy_ss_sim_seed
#define ss_sim_events lazy_ss_sim_events
#define ss_sim_pending lazy_ss_sim_pending
#define ss_sim_at lazy_ss_sim_at
#define ss_sim_after lazy_ss_sim_after
#define ss_sim_timer_pending lazy_ss_sim_timer_pending
#define ss_sim_cancel lazy_ss_sim_cancel
#define ss_sim_step lazy_ss_sim_step
#define ss_sim_run_until lazy_ss_sim_run_until
#define ss_sim_run lazy_ss_sim_run
#define ss_sim_stop lazy_ss_sim_stop
#define ss_sim_rng lazy_ss_sim_rng
#define ss_sim_add_resource lazy_ss_sim_add_resource
#define ss_sim_reset_stats lazy_ss_sim_reset_stats
#define ss_sim_report lazy_ss_sim_report
#define ss_sim_set_workload_limit lazy_ss_sim_set_workload_limit

#endif
