/* cause.c — making and comparing causes (their words are the reporters' business: reports/cause_text.c). */
#include "harness/verdict/cause.h"

#include <stdio.h>
#include <string.h>

struct cause cause_of(enum cause_kind k)
{
	struct cause c;

	memset(&c, 0, sizeof(c));   /* padding too: cause_same compares bytes */
	c.kind = k;
	return c;
}

bool cause_same(const struct cause *a, const struct cause *b)
{
	return !memcmp(a, b, sizeof(*a));
}

void cause_copy(char *field, size_t size, const char *s)
{
	snprintf(field, size, "%s", s ? s : "");
}
