/* test_clock.c — the timeout scale refused unless finite, positive and at most 1000; waits scaled once;
 * a wait cut to a deadline. */
#include "unit.h"

#include "harness/base/clock.h"

static void test_scale_parse(void)
{
	static const char *const bad[] = { "inf", "-inf", "nan", "-1", "0", "1e308", "1001", "2x", "", " ", "0x" };
	double s = 7;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(timeout_scale_parse(bad[i], &s), -1);
		CU_ASSERT_EQUAL(s, 7);   /* untouched when refused */
	}
	CU_ASSERT_EQUAL(timeout_scale_parse(NULL, &s), -1);
	CU_ASSERT(timeout_scale_parse("2", &s) == 0 && s == 2);
	CU_ASSERT(timeout_scale_parse("0.01", &s) == 0 && s == 0.01);
	CU_ASSERT(timeout_scale_parse("1000", &s) == 0 && s == 1000);
}

static void test_waits_scaled(void)
{
	struct waits d = waits_default(), two = waits_scaled(&d, 2), tiny = waits_scaled(&d, 0.00001),
		     huge = waits_scaled(&d, TIMEOUT_SCALE_MAX);

	CU_ASSERT(d.link_ms == 2000 && d.neigh_ms == 2500 && d.capture_ms == 2500 && d.scenario_ms == 300000);
	CU_ASSERT(two.link_ms == 4000 && two.neigh_ms == 5000 && two.ping_ms == 5000 && two.connect_ms == 5000);
	CU_ASSERT(two.capture_ms == 5000 && two.drain_ms == 400 && two.program_ms == 60000 && two.script_ms == 120000);
	CU_ASSERT_EQUAL(two.scenario_ms, 600000);
	CU_ASSERT(tiny.link_ms == 1 && tiny.drain_ms == 1);   /* never scaled down to no wait at all */
	/* A traffic wait outlasts the kernel's ARP/ND retransmission whatever the scale. */
	CU_ASSERT(tiny.neigh_ms == TRAFFIC_WAIT_FLOOR_MS && tiny.ping_ms == TRAFFIC_WAIT_FLOOR_MS);
	CU_ASSERT(tiny.connect_ms == TRAFFIC_WAIT_FLOOR_MS && tiny.capture_ms == TRAFFIC_WAIT_FLOOR_MS);
	CU_ASSERT(TRAFFIC_WAIT_FLOOR_MS > NEIGH_RETRANS_MS && d.ping_ms > 2 * NEIGH_RETRANS_MS);
	CU_ASSERT_EQUAL(huge.scenario_ms, (msec_t)300000 * 1000);   /* wider than 32 bits, not wrapped */
	d.scenario_ms = 0;
	CU_ASSERT_EQUAL(waits_scaled(&d, 3).scenario_ms, 0);   /* none stays none */
}

static void test_wait_within(void)
{
	msec_t now = clock_now_ms();

	CU_ASSERT_EQUAL(wait_within(1500, 0), 1500);
	CU_ASSERT_EQUAL(wait_within(1500, now + 3600 * 1000), 1500);
	CU_ASSERT_EQUAL(wait_within(1500, now - 10), 0);
	CU_ASSERT(wait_within(1500, now + 500) <= 500);
	CU_ASSERT(!deadline_passed(0) && deadline_passed(now - 1) && !deadline_passed(now + 3600 * 1000));
	CU_ASSERT(deadline_after(250) - now >= 250 && deadline_after(250) - now < 250 + 1000);
}

UNIT_SUITE(clock, { "timeout scale", test_scale_parse }, { "waits scaled once", test_waits_scaled },
	   { "a wait within a deadline", test_wait_within })
