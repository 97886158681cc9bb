/* Closed-form queueing results the validation models are checked against.
   All times in seconds, rates per second. Each returns NAN outside its
   domain (e.g. an unstable queue). */
#ifndef SS_QUEUEING_H
#define SS_QUEUEING_H

/* Erlang C: probability that an arrival waits in M/M/c with offered load
   a = lambda * S (erlangs), c servers; needs a < c. */
double ss_qt_erlang_c(int c, double a);
/* M/M/c mean response time. */
double ss_qt_mmc_response(double lambda, double s, int c);
/* M/G/1 FCFS mean response time (Pollaczek-Khinchine); scv is the service
   time's squared coefficient of variation (1 exponential, 0 deterministic). */
double ss_qt_mg1_response(double lambda, double s, double scv);
/* M/G/1 processor sharing: insensitive to the service distribution. */
double ss_qt_ps_response(double lambda, double s);
/* Exact MVA for n customers cycling between a delay (think) station of
   mean z and one FCFS exponential queue of mean demand d: throughput and
   response time at the queue. */
void ss_qt_mva(int n, double d, double z, double *x, double *r);
/* Throughput bound of a closed loop of n threads, each doing p seconds of
   parallel work and s seconds under one lock, on enough processors:
   min(n / (p + s), 1 / s) (operational laws; exact for deterministic
   times). */
double ss_qt_lock_bound(int n, double p, double s);
/* Amdahl's law: speedup of a job with serial fraction f on n processors. */
double ss_qt_amdahl(int n, double f);

#endif
