/* parse_check.h — parsing scenario text in the unit tests, and checking the exact errors it gives. */
#ifndef NSH_PARSE_CHECK_H
#define NSH_PARSE_CHECK_H

#include "harness/scenario/model.h"

#include <stddef.h>

/* A valid start (lines 1-3) and a valid stage (2 lines) to put one mistake between. */
#define HEAD "scenario t\nnetns blue host\nveth host/veth0 blue/veth1\n"
#define STAGE "stage s\n  expect ping blue 10.1.1.2\n"

/* Parses buf[0..len) as "t.scn"; returns what it wrote as errors (the caller frees). */
char *parse_capture(const char *buf, size_t len, struct scenario **out);

/* Parses text as "t.scn", asserting (fatally) that it is accepted without a word of error; the scenario. */
struct scenario *parse_clean(const char *text);

/* Asserts (at the caller's line) that buf[0..len) is refused with exactly the errors want. */
void check_refused(const char *buf, size_t len, const char *want, int line);

#define CHECK_ERRORS(text, want) check_refused(text, sizeof(text) - 1, want, __LINE__)

#endif
