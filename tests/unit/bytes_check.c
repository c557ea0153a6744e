/* bytes_check.c — see bytes_check.h. */
#include "tests/unit/bytes_check.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

void assert_bytes(const struct nlmsghdr *nlh, const unsigned char *want, size_t len)
{
	const unsigned char *got = (const unsigned char *)nlh;

	CU_ASSERT_EQUAL_FATAL(nlh->nlmsg_len, len);
	for (size_t i = 0; i < len; i++)
		if (got[i] != want[i])
			fprintf(stderr, "\nbyte %zu: %u, want %u", i, got[i], want[i]);
	CU_ASSERT(memcmp(nlh, want, len) == 0);
}
