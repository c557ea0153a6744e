/* test_regressions.c — parser inputs that once went wrong (found by fuzzing and hostile-input tests), each
 * with the exact errors it must give now.  Add a case for every input tests/fuzz/fuzz_parse.c finds. */
#include "harness/scenario/lexer.h"
#include "harness/scenario/model.h"
#include "tests/unit/parse_check.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* A bracketed IPv6 address without its port was told to write itself in brackets again:
 * "... as [[2001:db8::2]]:PORT". */
static void test_bracketed_missing_port(void)
{
	CHECK_ERRORS(HEAD STAGE "  expect tcp blue [2001:db8::2]\n",
		"t.scn:6:19: missing port in '[2001:db8::2]': write an IPv6 address with a port as "
		"[2001:db8::2]:PORT\n");
	CHECK_ERRORS(HEAD STAGE "  expect udp blue 2001:db8::2\n",
		"t.scn:6:19: missing port in '2001:db8::2': write an IPv6 address with a port as "
		"[2001:db8::2]:PORT\n");
}

/* A binary file (NULs, and no newline within the first 4096 bytes) was reported as a long line. */
static void test_binary_file(void)
{
	static char zeros[10000];
	static char late[LEX_MAX_LINE + 100];

	check_refused(zeros, sizeof(zeros),
		   "t.scn:1:1: NUL byte: a scenario must be a text file\n"
		   "t.scn:1:1: missing 'scenario NAME' (it must be the first statement)\n"
		   "t.scn:1:1: no stages: a scenario needs at least one 'stage NAME' with an expectation\n", __LINE__);
	/* A NUL past the length limit is still the one reported. */
	memset(late, '#', sizeof(late));
	late[LEX_MAX_LINE + 50] = '\0';
	check_refused(late, sizeof(late),
		   "t.scn:1:4147: NUL byte: a scenario must be a text file\n"
		   "t.scn:1:1: missing 'scenario NAME' (it must be the first statement)\n"
		   "t.scn:1:1: no stages: a scenario needs at least one 'stage NAME' with an expectation\n", __LINE__);
}

/* "creates" with no name after it: declare_namespaces' "missing NAME" took 'creates' itself for the name and
 * reported nothing, so the script step was dropped from a file that was then accepted. */
static void test_script_creates_nothing(void)
{
	CHECK_ERRORS("scenario t\nnetns host\nscript host /etc/passwd creates\nstage s\n  expect ping host 10.1.1.2\n",
		"t.scn:3:32: 'script' takes NS PATH [ARG...] [creates NAME...]: missing NAME\n");
}

/* A script that is a folder or a device: sh "ran" /etc as an empty script and the step succeeded. */
static void test_script_not_regular(void)
{
	CHECK_ERRORS("scenario t\nnetns host\nscript host /etc\nstage s\n  expect ping host 10.1.1.2\n",
		"t.scn:3:13: script '/etc' is not a regular file\n");
	CHECK_ERRORS("scenario t\nnetns host\nscript host /dev/null\nstage s\n  expect ping host 10.1.1.2\n",
		"t.scn:3:13: script '/dev/null' is not a regular file\n");
}

UNIT_SUITE(regressions, { "script PATH is a regular file", test_script_not_regular },
	   { "bracketed IPv6 address without a port", test_bracketed_missing_port },
	   { "binary file", test_binary_file },
	   { "script ... creates, and no name", test_script_creates_nothing })
