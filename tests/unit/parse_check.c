/* parse_check.c — parsing scenario text in the unit tests, and checking the exact errors it gives. */
#include "tests/unit/parse_check.h"
#include "tests/unit/unit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *parse_capture(const char *buf, size_t len, struct scenario **out)
{
	char *text = NULL;
	size_t n = 0;
	FILE *err = open_memstream(&text, &n);

	CU_ASSERT_FATAL(err != NULL);
	scenario_parse("t.scn", buf, len, out, err);
	fclose(err);
	return text;
}

void check_refused(const char *buf, size_t len, const char *want, int line)
{
	struct scenario *s = NULL;
	char *got = parse_capture(buf, len, &s);
	bool ok = !s && !strcmp(got, want);

	CU_assertImplementation(ok, line, "refused with the expected errors", __FILE__, "", CU_FALSE);
	if (!ok)
		fprintf(stderr, "\n%s:%d: want:\n%sgot:\n%s", __FILE__, line, want, got);
	scenario_free(s);
	free(got);
}

struct scenario *parse_clean(const char *text)
{
	struct scenario *s = NULL;
	char *got = parse_capture(text, strlen(text), &s);

	if (*got)
		fprintf(stderr, "\nunexpected errors:\n%s", got);
	CU_ASSERT_FATAL(s && !*got);
	free(got);
	return s;
}
