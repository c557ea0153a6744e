/* clock.c — monotonic time and scaled deadlines. */
#include "clock.h"

#include <stdlib.h>
#include <time.h>

static double scale;

msec_t clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (msec_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double clock_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void timeout_set_scale(double s)
{
	if (s > 0)
		scale = s;
}

double timeout_scale(void)
{
	if (scale <= 0) {
		const char *env = getenv("NSHARNESS_TIMEOUT_SCALE");
		char *end;
		double s = env ? strtod(env, &end) : 0;

		scale = (env && *env && !*end && s > 0) ? s : 1.0;
	}
	return scale;
}

msec_t deadline_after(msec_t timeout_ms)
{
	return clock_now_ms() + (msec_t)(timeout_ms * timeout_scale());
}

int deadline_left(msec_t deadline)
{
	msec_t left = deadline - clock_now_ms();

	return left > 0 ? (int)(left > 1 << 30 ? 1 << 30 : left) : 0;
}
