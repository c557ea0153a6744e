/* check.c — filling a probe's verdict. */
#include "probes/check.h"

#include <stdio.h>
#include <string.h>

void check_init(struct check *c)
{
	memset(c, 0, sizeof(*c));
	c->status = CHECK_PASS;
	c->value_ms = -1;
}

static void append(char *field, size_t size, const char *fmt, va_list ap)
{
	size_t used = strnlen(field, size - 1);

	vsnprintf(field + used, size - used, fmt, ap);
}

#define APPENDER(fn, field)                                   \
	void fn(struct check *c, const char *fmt, ...)        \
	{                                                     \
		va_list ap;                                   \
		va_start(ap, fmt);                            \
		append(c->field, sizeof(c->field), fmt, ap); \
		va_end(ap);                                   \
	}

APPENDER(check_expected, expected)
APPENDER(check_got, got)
APPENDER(check_cause, cause)
APPENDER(check_evidence, evidence)

enum check_status check_set(struct check *c, enum check_status status)
{
	c->status = status;
	return status;
}
