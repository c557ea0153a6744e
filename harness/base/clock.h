/* clock.h — deadlines on CLOCK_MONOTONIC, scaled for slow kernels.
 *
 * Every wait in nsharness has a deadline made here.  The scale (--timeout-scale, or the environment variable
 * NSHARNESS_TIMEOUT_SCALE) stretches every one of them for debug or emulated kernels. */
#ifndef NSH_CLOCK_H
#define NSH_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef int64_t msec_t;

msec_t clock_now_ms(void);           /* monotonic milliseconds */
double clock_now_s(void);            /* monotonic seconds, for durations in reports */
void timeout_set_scale(double scale); /* > 0; default 1, or NSHARNESS_TIMEOUT_SCALE */
double timeout_scale(void);
msec_t deadline_after(msec_t timeout_ms);    /* now + timeout_ms * scale */
/* Milliseconds left (0 when passed), ready for poll(2).  Also 0 once the run is interrupted, and never more
 * than what is left of the calling thread's scenario deadline: every wait ends when either does. */
int deadline_left(msec_t deadline);

/* A SIGINT or SIGTERM arrived: every wait ends now (async-signal-safe). */
void clock_interrupt(void);
bool clock_interrupted(void);

/* The deadline of the scenario the calling thread runs (0: none).  Thread-local. */
void clock_set_scenario_deadline(msec_t deadline);
bool scenario_deadline_passed(void);

#endif
