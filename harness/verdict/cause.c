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

bool cause_is_symptom(const struct cause *k)
{
	switch (k->kind) {
	case CAUSE_NONE:
	case CAUSE_PING_SILENT_DROP:
	case CAUSE_CONN_NO_ANSWER:
	case CAUSE_CAPTURE_SRC_UNSEEN:
	case CAUSE_CAPTURE_DST_UNSEEN:
	case CAUSE_CAPTURE_NO_PACKETS:
		return true;
	case CAUSE_CAPTURE_UNTRANSLATED:
		return k->nat.kind == NAT_MISS_NONE;
	default:
		return false;
	}
}
