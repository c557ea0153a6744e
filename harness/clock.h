/* clock.h — deadlines on CLOCK_MONOTONIC, scaled for slow kernels.
 *
 * Every wait in nsharness has a deadline made here.  The scale (--timeout-scale, or the environment variable
 * NSHARNESS_TIMEOUT_SCALE) stretches every one of them for debug or emulated kernels. */
#ifndef NSH_CLOCK_H
#define NSH_CLOCK_H

#include <stdint.h>

typedef int64_t msec_t;

msec_t clock_now_ms(void);           /* monotonic milliseconds */
double clock_now_s(void);            /* monotonic seconds, for durations in reports */
void timeout_set_scale(double scale); /* > 0; default 1, or NSHARNESS_TIMEOUT_SCALE */
double timeout_scale(void);
msec_t deadline_after(msec_t timeout_ms);    /* now + timeout_ms * scale */
int deadline_left(msec_t deadline);  /* milliseconds left (0 when passed), ready for poll(2) */

#endif
