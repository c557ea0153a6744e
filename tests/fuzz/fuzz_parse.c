/* fuzz_parse.c — libFuzzer target: any bytes through scenario_parse, which must not crash, hang or leak.
 *
 * README: `make fuzz` builds build/fuzz/fuzz_parse (clang, ASan, UBSan); `make fuzz FUZZ_SECONDS=600` also
 * runs it for that long on build/fuzz/corpus, seeded with every scenario under scenarios/ and bench/ and
 * with tests/fuzz/corpus (a small file per statement and per error class), using tests/fuzz/scenario.dict.
 * A crash, hang or leak is saved in build/fuzz/crashes/: replay it with `build/fuzz/fuzz_parse FILE`, fix
 * the parser, and add the input to tests/unit/test_regressions.c with the exact errors it must give. */
#include "harness/scenario/model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The messages, formatted as for a user: a statement refused without a reason is a parser bug too. */
static char errbuf[1 << 18];
static FILE *errfile;

/* A NUL within the array: the parser never leaves a name unterminated. */
#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static void check_ifref(const struct scenario *s, const struct ifref *r)
{
	if (r->ns >= s->nnetns || !TERMINATED(r->name) || !r->name[0])
		__builtin_trap();
}

static void check_step(const struct scenario *s, const struct step *st)
{
	if (st->ns >= s->nnetns || !st->text || st->loc.file != s->path || !st->loc.line || !st->loc.col)
		__builtin_trap();
	switch (st->kind) {
	case STEP_VETH:
		check_ifref(s, &st->u.veth.a);
		check_ifref(s, &st->u.veth.b);
		break;
	case STEP_ADDRESS:
		check_ifref(s, &st->u.address.link);
		break;
	case STEP_LINK_UP:
	case STEP_LINK_DOWN:
		check_ifref(s, &st->u.link.link);
		break;
	case STEP_SYSCTL:
		if (strncmp(st->u.sysctl.key, "net/", 4) || !TERMINATED(st->u.sysctl.value))
			__builtin_trap();
		break;
	case STEP_EXEC:
		if (!st->u.exec.argv || !st->u.exec.argc || st->u.exec.argc > EXEC_MAX_ARGS ||
		    st->u.exec.argv[st->u.exec.argc])
			__builtin_trap();
		break;
	case STEP_SCRIPT:
		if (!st->u.script.path || !st->u.script.args || st->u.script.args[st->u.script.nargs])
			__builtin_trap();
		break;
	case STEP_SERVICE:
		if (!st->u.service.argv || !st->u.service.argc || st->u.service.argv[st->u.service.argc])
			__builtin_trap();
		break;
	case STEP_BRIDGE: case STEP_VLAN: case STEP_DUMMY: case STEP_MACVLAN: case STEP_IPVLAN: case STEP_VXLAN:
	case STEP_GRE: case STEP_IPIP: case STEP_SIT: case STEP_VRF: case STEP_BOND:
		check_ifref(s, &st->u.newlink.link);
		if ((unsigned)st->u.newlink.p.kind >= LINK_KIND_COUNT || !TERMINATED(st->u.newlink.parent))
			__builtin_trap();
		break;
	case STEP_MASTER:
		check_ifref(s, &st->u.master.link);
		break;
	case STEP_MTU:
		check_ifref(s, &st->u.mtu.link);
		break;
	case STEP_REQUIRES:
		if (!TERMINATED(st->u.requires.name) || !st->u.requires.name[0])
			__builtin_trap();
		break;
	case STEP_ROUTE:
		if (st->u.route.nnexthops > ROUTE_MAX_NEXTHOPS || (st->u.route.nhid && (st->u.route.nnexthops ||
		    st->u.route.has_via || st->u.route.has_dev)))
			__builtin_trap();
		break;
	case STEP_NEXTHOP:   /* an id, a member list in bounds, each member a nexthop declared before */
		if (!st->u.nexthop.id || st->u.nexthop.ngroup > NEXTHOP_MAX_GROUP || !TERMINATED(st->u.nexthop.dev))
			__builtin_trap();
		for (unsigned k = 0; k < st->u.nexthop.ngroup; k++)
			if (!st->u.nexthop.weight[k] || st->u.nexthop.weight[k] > 256 || st->u.nexthop.group[k] == st->u.nexthop.id)
				__builtin_trap();
		break;
	case STEP_WIREGUARD:
		check_ifref(s, &st->u.wireguard.end[0]);
		check_ifref(s, &st->u.wireguard.end[1]);
		if (st->u.wireguard.nallowed[0] > WG_MAX_ALLOWED || st->u.wireguard.nallowed[1] > WG_MAX_ALLOWED ||
		    st->u.wireguard.endpoint[0].family != st->u.wireguard.endpoint[1].family || !st->u.wireguard.port)
			__builtin_trap();
		break;
	case STEP_KIND_COUNT:
		__builtin_trap();   /* no parsed step is of this kind */
	case STEP_RULE:
	case STEP_REDIRECT:
	case STEP_FORWARD_POLICY:
	case STEP_FORWARD_RULE:
	case STEP_MASQUERADE:
	case STEP_SNAT:
	case STEP_DNAT:
	case STEP_LISTEN:
		break;
	}
}

static void check_expect(const struct scenario *s, const struct expect *e)
{
	char buf[ADDR_STRLEN];

	if (e->ns >= s->nnetns || !e->text || e->loc.file != s->path || !e->loc.line)
		__builtin_trap();
	switch (e->kind) {
	case EXPECT_LINK:
		check_ifref(s, &e->u.link.link);
		break;
	case EXPECT_PING:
		addr_str(&e->u.ping.dst, buf, sizeof(buf));
		break;
	case EXPECT_FORWARDED:
		check_ifref(s, &e->u.forwarded.out);
		break;
	case EXPECT_CAPTURE:
		check_ifref(s, &e->u.capture.where);
		if (e->u.capture.nsrc > MAX_CAPTURE_ADDRS || e->u.capture.nnever > MAX_CAPTURE_ADDRS ||
		    e->u.capture.ndst > MAX_CAPTURE_ADDRS)
			__builtin_trap();
		break;
	case EXPECT_SPREAD:
		if (e->u.spread.negress < 2 || e->u.spread.negress > SPREAD_MAX_EGRESS)
			__builtin_trap();
		for (unsigned i = 0; i < e->u.spread.negress; i++)
			check_ifref(s, &e->u.spread.egress[i]);
		break;
	case EXPECT_KIND_COUNT:
		__builtin_trap();   /* no parsed expectation is of this kind */
	case EXPECT_ROUTE:
	case EXPECT_TCP:
	case EXPECT_UDP:
		break;
	}
}

/* What everything after the parser relies on: indices in range, stage ranges tiling steps and expects. */
static void check_model(const struct scenario *s)
{
	unsigned steps = s->nsetup, expects = 0;

	if (!s->name[0] || s->nnetns > MAX_NETNS || !s->nstages || s->nstages > MAX_STAGES ||
	    s->nsteps + s->nexpects > MAX_ITEMS || s->nsetup > s->nsteps)
		__builtin_trap();
	for (unsigned i = 0; i < s->nstages; i++) {
		const struct stage *sg = &s->stages[i];

		if (sg->first_step != steps || sg->first_expect != expects || !sg->nexpects || !sg->name[0])
			__builtin_trap();
		steps += sg->nsteps;
		expects += sg->nexpects;
	}
	if (steps != s->nsteps || expects != s->nexpects)
		__builtin_trap();
	for (unsigned i = 0; i < s->nsteps; i++)
		check_step(s, &s->steps[i]);
	for (unsigned i = 0; i < s->nexpects; i++)
		check_expect(s, &s->expects[i]);
}

/* A line "fuzz.scn:LINE:COL: internal error: ...": the parser refused a statement without saying why. */
static bool is_internal_error(const char *line)
{
	static const char file[] = "fuzz.scn:", what[] = " internal error: ";

	if (strncmp(line, file, sizeof(file) - 1))
		return false;
	line += sizeof(file) - 1;
	line += strspn(line, "0123456789:");
	return !strncmp(line, what, sizeof(what) - 1);
}

/* Quoted user text may hold those words too, but never starts a line: messages are one line each. */
static bool internal_error(const char *msgs)
{
	for (const char *l = msgs; l; l = strchr(l, '\n')) {
		l += *l == '\n';
		if (is_internal_error(l))
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario *s = NULL;
	int r;

	/* The last byte stays NUL: fmemopen drops what does not fit. */
	if (!errfile && !(errfile = fmemopen(errbuf, sizeof(errbuf) - 1, "w")))
		__builtin_trap();
	rewind(errfile);
	errbuf[0] = '\0';
	r = scenario_parse("fuzz.scn", (const char *)data, size, &s, errfile);
	fflush(errfile);
	if ((r == 0) != (s != NULL) || (r == 0) != (errbuf[0] == '\0') || internal_error(errbuf))
		__builtin_trap();
	if (s)
		check_model(s);
	scenario_free(s);
	return 0;
}
