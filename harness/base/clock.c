/* clock.c — monotonic time and scaled deadlines. */
#include "harness/base/clock.h"

#include <signal.h>
#include <stdlib.h>
#include <time.h>

static double scale;
static volatile sig_atomic_t interrupted;
static __thread msec_t scenario_deadline;

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
	msec_t left;

	if (interrupted)
		return 0;
	if (scenario_deadline && scenario_deadline < deadline)
		deadline = scenario_deadline;
	left = deadline - clock_now_ms();
	return left > 0 ? (int)(left > 1 << 30 ? 1 << 30 : left) : 0;
}

void clock_interrupt(void)
{
	interrupted = 1;
}

bool clock_interrupted(void)
{
	return interrupted;
}

void clock_set_scenario_deadline(msec_t deadline)
{
	scenario_deadline = deadline;
}

bool scenario_deadline_passed(void)
{
	return scenario_deadline && clock_now_ms() >= scenario_deadline;
}
