/* test_world_log.c — what program steps print is kept in order, headed by each step, and appending is
 * amortised O(1): 2000 steps of 64 KB (128 MB of output) are kept in well under the time one quadratic copy
 * of the whole log per step took for half as many (157 s for 1000 steps of 70 KB). */
#include "harness/base/clock.h"
#include "harness/world/world.h"
#include "tests/unit/unit.h"

#include <stdlib.h>
#include <string.h>

static void test_log_text(void)
{
	struct step st = { .loc = { "x.scn", 7, 3 }, .text = "exec host true" };
	struct world w;
	char *log;

	memset(&w, 0, sizeof(w));
	CU_ASSERT_PTR_NULL(world_take_log(&w));
	world_log_output(&w, &st, "one");
	world_log_output(&w, &st, "two\n");
	world_log_output(&w, &st, "");
	log = world_take_log(&w);
	CU_ASSERT_STRING_EQUAL(log, "x.scn:7: exec host true\none\nx.scn:7: exec host true\ntwo\n"
				    "x.scn:7: exec host true\n");
	CU_ASSERT_EQUAL(w.programs_len, 0);
	CU_ASSERT_PTR_NULL(world_take_log(&w));
	free(log);
}

static void test_log_linear(void)
{
	enum { STEPS = 2000, EACH = 64 << 10 };
	struct step st = { .loc = { "big.scn", 1, 1 }, .text = "exec host big" };
	char *out = malloc(EACH + 1), *log;
	double start = clock_now_s();
	struct world w;
	size_t head = strlen("big.scn:1: exec host big\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	memset(out, 'x', EACH - 1);
	out[EACH - 1] = '\n';
	out[EACH] = '\0';
	memset(&w, 0, sizeof(w));
	for (unsigned i = 0; i < STEPS; i++)
		world_log_output(&w, &st, out);
	CU_ASSERT(clock_now_s() - start < 10.0);
	CU_ASSERT_EQUAL(w.programs_len, (size_t)STEPS * (head + EACH));
	log = world_take_log(&w);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	CU_ASSERT_EQUAL(strlen(log), (size_t)STEPS * (head + EACH));
	free(log);
	free(out);
}

UNIT_SUITE(world_log, { "each step's output, headed by the step", test_log_text },
	   { "appending is amortised O(1)", test_log_linear })
