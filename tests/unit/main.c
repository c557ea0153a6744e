/* main.c — runs every registered CUnit suite; exits 1 if any assertion, test or suite setup failed. */
#include "tests/unit/unit.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_SUITES 64

static struct { const char *name; CU_TestInfo *tests; } suites[MAX_SUITES];
static unsigned nsuites;

void unit_register(const char *name, CU_TestInfo *tests)
{
	if (nsuites == MAX_SUITES) {
		fprintf(stderr, "unit: more than %d suites\n", MAX_SUITES);
		exit(99);
	}
	suites[nsuites].name = name;
	suites[nsuites++].tests = tests;
}

int main(void)
{
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	for (unsigned i = 0; i < nsuites; i++) {
		CU_pSuite s = CU_add_suite(suites[i].name, NULL, NULL);

		for (CU_TestInfo *t = suites[i].tests; s && t->pName; t++)
			CU_add_test(s, t->pName, t->pTestFunc);
		if (!s)
			return 99;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	/* Read before cleanup, which resets it; it also counts failed suite setups. */
	failures = CU_get_number_of_failure_records();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
