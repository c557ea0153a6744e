/* test_capture_budget.c — with --out every veth end is captured: together a stage's evidence captures keep at
 * most EVIDENCE_MEMORY, whatever the number of veth ends (500 pairs once kept 998 MB). */
#include "harness/run/capture_expect.h"
#include "tests/unit/unit.h"

static void test_evidence_budget(void)
{
	CU_ASSERT_EQUAL(stage_evidence_memory(2), 1u << 20);   /* a small world: 1 MiB per end, as before */
	CU_ASSERT_EQUAL(stage_evidence_memory(1000), EVIDENCE_MEMORY / 1000);
	for (unsigned n = 1; n <= 4096; n++) {
		size_t each = stage_evidence_memory(n);

		CU_ASSERT(each <= 1u << 20);
		CU_ASSERT((size_t)n * each <= EVIDENCE_MEMORY);
		CU_ASSERT(each > 0);
	}
}

UNIT_SUITE(capture_budget, { "a stage's evidence captures share a bounded memory", test_evidence_budget })
