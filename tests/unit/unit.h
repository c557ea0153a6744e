/* unit.h — CUnit suites that register themselves.
 *
 * A test file declares its suite once, at the end:
 *     UNIT_SUITE(parser, { "valid seed", test_valid_seed }, { "unknown word", test_unknown_word })
 * and the runner (tests/unit/main.c) adds every suite linked in. */
#ifndef NSH_UNIT_H
#define NSH_UNIT_H

#include <CUnit/CUnit.h>

void unit_register(const char *name, CU_TestInfo *tests);

#define UNIT_SUITE(suite, ...)                                                   \
	static CU_TestInfo suite##_tests[] = { __VA_ARGS__, CU_TEST_INFO_NULL }; \
	__attribute__((constructor)) static void suite##_register(void)         \
	{                                                                        \
		unit_register(#suite, suite##_tests);                            \
	}

#endif
