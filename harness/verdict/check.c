/* check.c — filling a probe's verdict. */
#include "harness/verdict/check.h"

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

struct cause *check_cause(struct check *c, enum cause_kind k)
{
	c->cause = cause_of(k);
	return &c->cause;
}

/* Notes past CHECK_NOTES are dropped: the evidence keeps the first ones, as text once kept the first lines. */
void check_note(struct check *c, enum cause_note_role role, const struct cause *k)
{
	if (c->nnotes >= CHECK_NOTES)
		return;
	c->notes[c->nnotes++] = (struct cause_note){ role, strnlen(c->evidence, sizeof(c->evidence) - 1), *k };
}

void check_demote(struct check *c, enum cause_note_role role)
{
	if (!check_has_cause(c))
		return;
	check_note(c, role, &c->cause);
	c->cause = cause_of(CAUSE_NONE);
}

/* Evidence is lines: each call is one line (or several), newline-terminated whether or not the caller wrote one. */
void check_evidence(struct check *c, const char *fmt, ...)
{
	size_t size = sizeof(c->evidence), used;
	va_list ap;

	va_start(ap, fmt);
	append(c->evidence, size, fmt, ap);
	va_end(ap);
	used = strnlen(c->evidence, size - 1);
	if (used && c->evidence[used - 1] != '\n' && used + 1 < size) {
		c->evidence[used] = '\n';
		c->evidence[used + 1] = '\0';
	}
}

enum check_status check_set(struct check *c, enum check_status status)
{
	c->status = status;
	return status;
}
