/* test_parse_service.c — the service statement and script's arguments: what they parse to, and the exact
 * file:line:col errors of their mistakes. */
#include "harness/scenario/model.h"
#include "tests/unit/parse_check.h"
#include "tests/unit/unit.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* Parses text, which must be valid; returns its scenario (the caller frees) or NULL after a failed assert. */
static void test_service_ready(void)
{
	struct scenario *s = parse_clean(HEAD "service host ready tcp 8000 python3 -m http.server \"8000\"\n" STAGE);
	const struct step *st;

	if (!s)
		return;
	st = &s->steps[1];
	CU_ASSERT_EQUAL(st->kind, STEP_SERVICE);
	CU_ASSERT_EQUAL(st->ns, 1);
	CU_ASSERT_EQUAL(st->u.service.ready_proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(st->u.service.ready_port, 8000);
	CU_ASSERT_EQUAL(st->u.service.argc, 4);
	CU_ASSERT_STRING_EQUAL(st->u.service.argv[0], "python3");
	CU_ASSERT_STRING_EQUAL(st->u.service.argv[3], "8000");
	CU_ASSERT_PTR_NULL(st->u.service.argv[4]);
	CU_ASSERT_EQUAL(st->loc.line, 4);
	scenario_free(s);
}

/* Without `ready`, every word after NS is the command; `ready` after the command is an argument. */
static void test_service_plain(void)
{
	struct scenario *s = parse_clean(HEAD "service blue socat -u udp-recv:53 ready\n" STAGE);
	const struct step *st;

	if (!s)
		return;
	st = &s->steps[1];
	CU_ASSERT_EQUAL(st->u.service.ready_proto, 0);
	CU_ASSERT_EQUAL(st->u.service.argc, 4);
	CU_ASSERT_STRING_EQUAL(st->u.service.argv[3], "ready");
	scenario_free(s);
}

static void test_service_errors(void)
{
	CHECK_ERRORS(HEAD "service host\n" STAGE,
		     "t.scn:4:13: 'service' takes NS [ready tcp|udp PORT] COMMAND...: missing COMMAND\n");
	CHECK_ERRORS(HEAD "service host ready tcp 8000\n" STAGE,
		     "t.scn:4:28: 'service' takes NS [ready tcp|udp PORT] COMMAND...: missing COMMAND\n");
	CHECK_ERRORS(HEAD "service host ready tpc 8000 nginx\n" STAGE,
		     "t.scn:4:20: 'service' takes NS [ready tcp|udp PORT] COMMAND...: expected tcp|udp, found 'tpc'; "
		     "did you mean 'tcp'?\n");
	CHECK_ERRORS(HEAD "service host ready udp 70000 dnsmasq\n" STAGE,
		     "t.scn:4:24: bad port '70000': expected a number from 1 to 65535\n");
	CHECK_ERRORS(HEAD "service nowhere nginx\n" STAGE,
		     "t.scn:4:9: unknown namespace 'nowhere'\n");
}

static void test_script_args(void)
{
	struct scenario *s = parse_clean("scenario t\nnetns host\nscript host /etc/passwd lan \"10.7.0.2/24\" creates lan\n"
				      "stage s\n  expect ping lan 10.7.0.1\n");
	const struct step *st;

	if (!s)
		return;
	st = &s->steps[0];
	CU_ASSERT_EQUAL(st->kind, STEP_SCRIPT);
	CU_ASSERT_EQUAL(st->u.script.nargs, 2);
	CU_ASSERT_STRING_EQUAL(st->u.script.args[0], "lan");
	CU_ASSERT_STRING_EQUAL(st->u.script.args[1], "10.7.0.2/24");
	CU_ASSERT_PTR_NULL(st->u.script.args[2]);
	CU_ASSERT_EQUAL(st->u.script.creates, 1ull << 1);
	scenario_free(s);
	/* No arguments, as before: an empty list. */
	s = parse_clean("scenario t\nnetns host\nscript host /etc/passwd\nstage s\n  expect link host/lo up\n");
	if (s) {
		CU_ASSERT_EQUAL(s->steps[0].u.script.nargs, 0);
		CU_ASSERT_PTR_NULL(s->steps[0].u.script.args[0]);
		scenario_free(s);
	}
	CHECK_ERRORS("scenario t\nnetns host\nscript host /etc/passwd a b creates\nstage s\n  expect link host/lo up\n",
		     "t.scn:3:36: 'script' takes NS PATH [ARG...] [creates NAME...]: missing NAME\n");
	CHECK_ERRORS("scenario t\nnetns host\nscript \"host\" /dev/null\nstage s\n  expect link host/lo up\n",
		     "t.scn:3:8: unexpected quoted string: only 'about' and exec's arguments take one\n");
}

UNIT_SUITE(parse_service,
	   { "service: ready tcp PORT and a quoted argument", test_service_ready },
	   { "service: no ready, and ready as an argument", test_service_plain },
	   { "service: errors at file:line:col", test_service_errors },
	   { "script: arguments before creates", test_script_args })
