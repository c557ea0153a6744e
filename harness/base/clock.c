/* clock.c — monotonic time, deadlines, and the run's waits scaled once. */
#include "harness/base/clock.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

static volatile sig_atomic_t interrupted;

struct waits waits_default(void)
{
	return (struct waits){
		.link_ms = 2000, .neigh_ms = 2500, .ping_ms = 2500, .connect_ms = 2500, .capture_ms = 2500,
		.drain_ms = 200, .program_ms = 30000, .script_ms = 60000, .scenario_ms = 300000,
	};
}

int timeout_scale_parse(const char *text, double *scale)
{
	char *end;
	double s;

	if (!text || !*text)
		return -1;
	s = strtod(text, &end);
	/* isfinite first: "inf" and "nan" parse, and a wait times them overflows a msec_t. */
	if (*end || !isfinite(s) || !(s > 0) || s > TIMEOUT_SCALE_MAX)
		return -1;
	*scale = s;
	return 0;
}

/* ms * scale, for a scale from timeout_scale_parse: at most TIMEOUT_SCALE_MAX times a wait that fits in
 * 32 bits, far from a msec_t's limit. */
static msec_t scale_one(msec_t ms, double scale)
{
	msec_t scaled = (msec_t)((double)ms * scale);

	return ms && scaled < 1 ? 1 : scaled;
}

/* A traffic wait: scaled, and never shorter than a lost ARP/ND request's retransmission and its answer. */
static msec_t scale_traffic(msec_t ms, double scale)
{
	msec_t scaled = scale_one(ms, scale);

	return scaled < TRAFFIC_WAIT_FLOOR_MS ? TRAFFIC_WAIT_FLOOR_MS : scaled;
}

struct waits waits_scaled(const struct waits *w, double scale)
{
	return (struct waits){
		.link_ms = scale_one(w->link_ms, scale), .neigh_ms = scale_traffic(w->neigh_ms, scale),
		.ping_ms = scale_traffic(w->ping_ms, scale), .connect_ms = scale_traffic(w->connect_ms, scale),
		.capture_ms = scale_traffic(w->capture_ms, scale), .drain_ms = scale_one(w->drain_ms, scale),
		.program_ms = scale_one(w->program_ms, scale), .script_ms = scale_one(w->script_ms, scale),
		.scenario_ms = scale_one(w->scenario_ms, scale),
	};
}

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

msec_t deadline_after(msec_t timeout_ms)
{
	return clock_now_ms() + timeout_ms;
}

int deadline_left(msec_t deadline)
{
	msec_t left;

	if (interrupted)
		return 0;
	left = deadline - clock_now_ms();
	return left > 0 ? (int)(left > 1 << 30 ? 1 << 30 : left) : 0;
}

unsigned wait_within(msec_t wait_ms, msec_t deadline)
{
	msec_t left = deadline ? deadline - clock_now_ms() : wait_ms;

	if (left < wait_ms)
		wait_ms = left;
	if (wait_ms < 0)
		return 0;
	return wait_ms > (msec_t)UINT32_MAX ? UINT32_MAX : (unsigned)wait_ms;
}

bool deadline_passed(msec_t deadline)
{
	return deadline && clock_now_ms() >= deadline;
}

void clock_interrupt(void)
{
	interrupted = 1;
}

bool clock_interrupted(void)
{
	return interrupted;
}
