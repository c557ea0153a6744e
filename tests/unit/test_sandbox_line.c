/* test_sandbox_line.c — the one line of a failed program's output that a step's message quotes. */
#include "harness/sandbox/sandbox.h"
#include "tests/unit/unit.h"

#include <string.h>

static void check_line(const char *output, const char *want)
{
	char buf[256];

	sandbox_last_line(output, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
	if (strcmp(buf, want))
		fprintf(stderr, "\n  got '%s', want '%s'\n", buf, want);
}

/* The plain case: the last non-empty line. */
static void test_plain(void)
{
	check_line("one\ntwo\n\n", "two");
	check_line("only", "only");
	check_line("", "");
	check_line("\n\n", "");
}

/* nft's error: its words, the input echoed, a caret line under the bad word.  The words are the message. */
static void test_caret(void)
{
	check_line("+ nft add chain inet fw fwd { type filter hook forward priority 0 ; }\n"
		   "Error: syntax error, unexpected fwd, expecting string\n"
		   "add chain inet fw fwd { type filter hook forward priority 0 ; }\n"
		   "                  ^^^\n",
		   "Error: syntax error, unexpected fwd, expecting string");
	/* several in a row: the first, the later ones follow from it */
	check_line("Error: syntax error, unexpected fwd, expecting string\n"
		   "add chain inet fw fwd { type filter hook forward priority 0 ; policy accept ; }\n"
		   "                  ^^^\n"
		   "Error: syntax error, unexpected policy\n"
		   "add chain inet fw fwd { type filter hook forward priority 0 ; policy accept ; }\n"
		   "                                                              ^^^^^^\n"
		   "Error: syntax error, unexpected '}'\n"
		   "add chain inet fw fwd { type filter hook forward priority 0 ; policy accept ; }\n"
		   "                                                                              ^\n",
		   "Error: syntax error, unexpected fwd, expecting string");
	check_line("Error: Could not process rule: Operation not supported\n"
		   "add rule ip nat post oifname ens160 masquerade\n"
		   "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n",
		   "Error: Could not process rule: Operation not supported");
}

/* iptables ends with GNU's usage hint; the error is the line before it. */
static void test_usage_hint(void)
{
	check_line("iptables v1.8.9 (nf_tables): Couldn't load target `ACCEPt':No such file or directory\n\n"
		   "Try `iptables -h' or 'iptables --help' for more information.\n",
		   "iptables v1.8.9 (nf_tables): Couldn't load target `ACCEPt':No such file or directory");
	/* Nothing but a hint: the hint, rather than nothing. */
	check_line("Try `iptables -h' or 'iptables --help' for more information.\n",
		   "Try `iptables -h' or 'iptables --help' for more information.");
}

UNIT_SUITE(sandbox_line, { "the last line", test_plain }, { "a caret under echoed input", test_caret },
	   { "a usage hint", test_usage_hint });
