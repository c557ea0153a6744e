/* test_kinds.c — every step and expectation kind has a whole row (kinds.h), and what the rows answer. */
#include "harness/scenario/kinds.h"
#include "tests/unit/unit.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static void test_step_rows_whole(void)
{
	for (unsigned k = 0; k < STEP_KIND_COUNT; k++) {
		const struct step_kind_desc *d = &step_kinds[k];

		CU_ASSERT_PTR_NOT_NULL_FATAL(d->word);
		CU_ASSERT_PTR_NOT_NULL(d->usage);
		CU_ASSERT_PTR_NOT_NULL(d->parse);
		/* A firewall kind says its family; no other kind has one. */
		CU_ASSERT_EQUAL(!!(d->flags & STEP_F_FIREWALL), d->family != NULL);
	}
}

static void test_expect_rows_whole(void)
{
	for (unsigned k = 0; k < EXPECT_KIND_COUNT; k++) {
		const struct expect_kind_desc *d = &expect_kinds[k];
		char name[64];

		CU_ASSERT_PTR_NOT_NULL_FATAL(d->word);
		CU_ASSERT_PTR_NOT_NULL(d->usage);
		CU_ASSERT_PTR_NOT_NULL(d->parse);
		snprintf(name, sizeof(name), "expect %s", d->word);
		CU_ASSERT_STRING_EQUAL(d->name, name);
		/* A kind that sends traffic says which flow; no other kind has one. */
		CU_ASSERT_EQUAL(!!(d->flags & EXPECT_F_TRAFFIC), d->flow != NULL);
		CU_ASSERT(!((d->flags & EXPECT_F_TRAFFIC) && (d->flags & EXPECT_F_CAPTURE)));
	}
}

/* Words are unique, but for one statement writing two kinds with one parser ("forward"). */
static void test_words_unique(void)
{
	for (unsigned a = 0; a < STEP_KIND_COUNT; a++)
		for (unsigned b = a + 1; b < STEP_KIND_COUNT; b++)
			if (!strcmp(step_kinds[a].word, step_kinds[b].word))
				CU_ASSERT(step_kinds[a].parse == step_kinds[b].parse);
	for (unsigned a = 0; a < EXPECT_KIND_COUNT; a++)
		for (unsigned b = a + 1; b < EXPECT_KIND_COUNT; b++)
			CU_ASSERT(strcmp(expect_kinds[a].word, expect_kinds[b].word) != 0);
}

static void test_flows(void)
{
	struct expect e = { .kind = EXPECT_TCP };
	struct expect_flow f;

	e.u.conn.dst.family = AF_INET;
	e.u.conn.port = 8080;
	CU_ASSERT(expect_flow_of(&e, &f));
	CU_ASSERT_EQUAL(f.proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(f.port, 8080);
	CU_ASSERT_PTR_EQUAL(f.dst, &e.u.conn.dst);
	e.kind = EXPECT_PING;
	CU_ASSERT(expect_flow_of(&e, &f));
	CU_ASSERT_EQUAL(f.proto, 0);
	CU_ASSERT_PTR_EQUAL(f.dst, &e.u.ping.dst);
	e.kind = EXPECT_ROUTE;
	CU_ASSERT(!expect_flow_of(&e, &f));
	e.kind = EXPECT_UDP;
	e.u.conn.has_peer = true;
	CU_ASSERT(expect_needs_server(&e));
	e.kind = EXPECT_LINK;
	CU_ASSERT(!expect_needs_server(&e));
}

static void test_families(void)
{
	struct step masq = { .kind = STEP_MASQUERADE }, snat = { .kind = STEP_SNAT }, fwd = { .kind = STEP_FORWARD_RULE };
	struct step route = { .kind = STEP_ROUTE };

	CU_ASSERT_EQUAL(step_kind(&masq)->family(&masq), AF_INET);   /* masquerade without from: IPv4 */
	masq.u.nat.has_from = true;
	masq.u.nat.from.addr.family = AF_INET6;
	CU_ASSERT_EQUAL(step_kind(&masq)->family(&masq), AF_INET6);
	snat.u.nat.to.family = AF_INET6;
	CU_ASSERT_EQUAL(step_kind(&snat)->family(&snat), AF_INET6);
	CU_ASSERT_EQUAL(step_kind(&fwd)->family(&fwd), 0);            /* no prefixes: both families */
	fwd.u.rule.has_to = true;
	fwd.u.rule.to.addr.family = AF_INET;
	CU_ASSERT_EQUAL(step_kind(&fwd)->family(&fwd), AF_INET);
	CU_ASSERT(step_is_firewall(&fwd));
	CU_ASSERT(!step_is_firewall(&route));
}

UNIT_SUITE(kinds, { "every step kind has a whole row", test_step_rows_whole },
	   { "every expectation kind has a whole row", test_expect_rows_whole },
	   { "words name one kind (or one statement)", test_words_unique },
	   { "the flow a traffic expectation sends", test_flows },
	   { "firewall families from the rows", test_families })
