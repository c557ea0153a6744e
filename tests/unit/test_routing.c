/* test_routing.c — routing as statements: route (types, tables, metrics, multipath), rule, expect route's
 * lookup options and expect spread, parsed from real text with their exact errors, and the rtnetlink
 * requests they become, byte for byte. */
#include "harness/base/addr.h"
#include "harness/base/nl.h"
#include "harness/base/rtnl_msg.h"
#include "harness/scenario/model.h"
#include "tests/unit/parse_check.h"
#include "tests/unit/bytes_check.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char buf[NL_BUF_SIZE];

static struct addr ip(const char *s)
{
	struct addr a;

	CU_ASSERT_FATAL(addr_parse(s, &a) == ADDR_OK);
	return a;
}

/* A router with two uplinks, for the statements below. */
#define ROUTER "scenario t\nnetns blue host\nveth host/veth0 blue/veth1\nveth host/eth1 blue/eth1\n"

static void test_route_model(void)
{
	struct scenario *s = parse_clean(
		ROUTER
		"route host 203.0.113.0/24 nexthop via 10.1.1.1 dev veth0 nexthop via 10.2.2.1 dev eth1 weight 3\n"
		"route host 198.51.100.0/25 type blackhole table 100 metric 10\n"
		"route host default dev eth1 onlink via 10.9.9.9 src 10.2.2.2 table main metric 0x20\n"
		"route host 198.51.100.0/25 type throw\n"
		STAGE);
	const struct step *st = s->steps + 2;   /* after the two veths */

	CU_ASSERT_EQUAL(s->nsteps, 6);
	CU_ASSERT(st[0].u.route.nnexthops == 2 && !st[0].u.route.has_via && st[0].u.route.type == RTN_UNICAST);
	CU_ASSERT(st[0].u.route.nexthops[0].weight == 1 && st[0].u.route.nexthops[1].weight == 3);
	CU_ASSERT_STRING_EQUAL(st[0].u.route.nexthops[1].dev, "eth1");
	CU_ASSERT(addr_equal(&st[0].u.route.nexthops[0].via, &(struct addr){ 0 }) == false);
	CU_ASSERT(st[0].u.route.table == TABLE_MAIN && !st[0].u.route.has_metric);
	CU_ASSERT(st[1].u.route.type == RTN_BLACKHOLE && st[1].u.route.table == 100 && st[1].u.route.metric == 10);
	CU_ASSERT(st[2].u.route.onlink && st[2].u.route.has_src && st[2].u.route.metric == 32);
	CU_ASSERT(st[2].u.route.dst.addr.family == AF_INET && st[2].u.route.dst.len == 0);
	/* The same prefix in another type but the same table and metric is a duplicate; here the table differs. */
	CU_ASSERT(st[3].u.route.type == RTN_THROW && st[3].u.route.table == TABLE_MAIN);
	scenario_free(s);
}

static void test_rule_model(void)
{
	struct scenario *s = parse_clean(
		ROUTER
		"rule host iif veth0 table 100\n"
		"rule host from 10.1.1.0/24 to all fwmark 0x10/0xff priority 100 table 200\n"
		"rule host to 2001:db8::/32 oif eth1 prohibit\n"
		"rule host from all unreachable\n"
		STAGE);
	const struct step *st = s->steps + 2;

	CU_ASSERT(st[0].kind == STEP_RULE && st[0].u.iprule.family == 0 && st[0].u.iprule.action == RULE_LOOKUP);
	CU_ASSERT(st[0].u.iprule.table == 100 && !st[0].u.iprule.has_priority);
	CU_ASSERT_STRING_EQUAL(st[0].u.iprule.iif, "veth0");
	CU_ASSERT(st[1].u.iprule.family == AF_INET && st[1].u.iprule.has_from && !st[1].u.iprule.has_to);
	CU_ASSERT(st[1].u.iprule.fwmark == 0x10 && st[1].u.iprule.fwmask == 0xff && st[1].u.iprule.priority == 100);
	CU_ASSERT(st[2].u.iprule.family == AF_INET6 && st[2].u.iprule.action == RULE_PROHIBIT);
	CU_ASSERT(st[3].u.iprule.family == 0 && st[3].u.iprule.action == RULE_UNREACHABLE && !st[3].u.iprule.has_from);
	scenario_free(s);
}

static void test_expect_model(void)
{
	struct scenario *s = parse_clean(
		ROUTER "stage s\n"
		"  expect route host 198.51.100.2 from 10.1.1.1 iif veth0 mark 7 table 100 via 10.2.2.1\n"
		"  expect route host 198.51.100.2 type blackhole\n"
		"  expect spread blue 203.0.113.1 over host/veth0 host/eth1 flows 16\n"
		"  expect spread blue 203.0.113.1 over host/veth0 host/eth1 blue/eth1\n");
	const struct expect *e = s->expects;

	CU_ASSERT(e[0].u.route.has_from && e[0].u.route.mark == 7 && e[0].u.route.has_table && !e[0].u.route.has_type);
	CU_ASSERT(e[0].u.route.table == 100 && e[0].u.route.has_via);
	CU_ASSERT_STRING_EQUAL(e[0].u.route.iif, "veth0");
	CU_ASSERT(e[1].u.route.has_type && e[1].u.route.type == RTN_BLACKHOLE && !e[1].u.route.iif[0]);
	CU_ASSERT(e[2].kind == EXPECT_SPREAD && e[2].ns == 0 && e[2].u.spread.flows == 16);
	CU_ASSERT(e[2].u.spread.negress == 2 && e[2].u.spread.egress[1].ns == 1);
	CU_ASSERT_STRING_EQUAL(e[2].u.spread.egress[1].name, "eth1");
	CU_ASSERT(e[3].u.spread.negress == 3 && e[3].u.spread.flows == SPREAD_DEFAULT_FLOWS);
	scenario_free(s);
}

static void test_mtu_model(void)
{
	struct scenario *s = parse_clean(
		ROUTER
		"route host 203.0.113.0/24 via 10.1.1.1 mtu 1400\n"
		"route host 2001:db8:9::/48 nexthop via 2001:db8:1::1 dev veth0 mtu 1280 metric 5\n"
		"route host 198.51.100.0/24 via 10.2.2.1\n"
		"stage s\n"
		"  expect route host 203.0.113.9 via 10.1.1.1 mtu 1400\n"
		"  expect route host 198.51.100.9 mtu 0x5dc\n"
		"  expect route host 198.51.100.9\n");
	const struct step *st = s->steps + 2;
	const struct expect *e = s->expects;

	CU_ASSERT(st[0].u.route.has_mtu && st[0].u.route.mtu == 1400 && st[0].u.route.has_via);
	CU_ASSERT(st[1].u.route.has_mtu && st[1].u.route.mtu == 1280 && st[1].u.route.nnexthops == 1);
	CU_ASSERT(st[1].u.route.has_metric && st[1].u.route.metric == 5);
	CU_ASSERT(!st[2].u.route.has_mtu && st[2].u.route.mtu == 0);
	CU_ASSERT(e[0].u.route.has_mtu && e[0].u.route.mtu == 1400 && e[0].u.route.has_via);
	CU_ASSERT(e[1].u.route.has_mtu && e[1].u.route.mtu == 1500);
	CU_ASSERT(!e[2].u.route.has_mtu);
	scenario_free(s);
}

static void test_errors(void)
{
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 via 10.1.1.1\nroute host 10.9.1.2/16 dev eth1\n" STAGE,
		     "t.scn:6:1: a second route to 10.9.0.0/16 in host (table 254, metric 0; the first at 5:1): the "
		     "kernel refuses it as 'File exists'; write one route with a 'nexthop' per path for ECMP, or give "
		     "each a 'metric'\n");
	CHECK_ERRORS(ROUTER "route host default via 10.1.1.1\nroute host default via 10.2.2.1\n" STAGE,
		     "t.scn:6:1: a second route to default in host (table 254, metric 0; the first at 5:1): the "
		     "kernel refuses it as 'File exists'; write one route with a 'nexthop' per path for ECMP, or give "
		     "each a 'metric'\n");
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 type blakhole\n" STAGE,
		     "t.scn:5:29: unknown route type 'blakhole'; did you mean 'blackhole'?\n");
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 type blackhole via 10.1.1.1\n" STAGE,
		     "t.scn:5:51: 'route' takes NS DEST [via ADDR] [dev IF] [options]: a route of type blackhole "
		     "takes no 'via', 'dev' or 'nexthop'\n");
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 via 10.1.1.1 nexthop via 10.2.2.1\n" STAGE,
		     "t.scn:5:57: 'route' takes NS DEST [via ADDR] [dev IF] [options]: write a multipath route with "
		     "'nexthop' paths only, without a 'via' or 'dev' of its own\n");
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 via 10.1.1.1 mtu 67\n" STAGE,
		     "t.scn:5:41: bad mtu '67': expected a number from 68 to 65535\n");
	CHECK_ERRORS(ROUTER "route host 2001:db8:9::/48 via 2001:db8:1::1 mtu 1200\n" STAGE,
		     "t.scn:5:50: bad mtu '1200': an IPv6 path's MTU is at least 1280\n");
	CHECK_ERRORS(ROUTER "stage s\n  expect route host 198.51.100.2 mtu 70000\n",
		     "t.scn:6:38: bad mtu '70000': expected a number from 68 to 65535\n");
	CHECK_ERRORS(ROUTER "stage s\n  expect route host 2001:db8::2 mtu 1000\n",
		     "t.scn:6:37: bad mtu '1000': an IPv6 path's MTU is at least 1280\n");
	CHECK_ERRORS(ROUTER "stage s\n  expect route host 198.51.100.2 type blackhole mtu 1500\n",
		     "t.scn:6:49: a route of type blackhole, unreachable or prohibit sends nothing: it has no 'mtu' to "
		     "expect\n");
	CHECK_ERRORS(ROUTER "stage s\n  expect route host 198.51.100.2 mtu\n",
		     "t.scn:6:37: 'expect route' takes NS ADDR [via GW] [dev IF] [src ADDR] [from ADDR [iif IF]] [mark N] "
		     "[type TYPE] [table N] [mtu N]: missing N after 'mtu'\n");
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 nexthop weight 2 nexthop via 10.2.2.1\n" STAGE,
		     "t.scn:5:24: 'nexthop' needs 'via ADDR' or 'dev IF'\n");
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 nexthop via 10.1.1.1 weight 0\n" STAGE,
		     "t.scn:5:52: bad weight '0': expected a number from 1 to 255\n");
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 via 10.1.1.1 table 0\n" STAGE,
		     "t.scn:5:43: bad table '0': expected a number from 1 to 4294967295\n");
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 via 10.1.1.1 onlink\n" STAGE,
		     "t.scn:5:43: 'route' takes NS DEST [via ADDR] [dev IF] [options]: 'onlink' needs 'dev IF'\n");
	CHECK_ERRORS(ROUTER "rule host iif veth0\n" STAGE,
		     "t.scn:5:20: 'rule' takes NS [from PREFIX] [to PREFIX] [iif IF] [oif IF] [fwmark N[/M]] "
		     "[priority N] table N|blackhole|unreachable|prohibit: missing its action: 'table N', 'blackhole', "
		     "'unreachable' or 'prohibit'\n");
	CHECK_ERRORS(ROUTER "rule host table 100 prohibit\n" STAGE,
		     "t.scn:5:21: 'rule' takes NS [from PREFIX] [to PREFIX] [iif IF] [oif IF] [fwmark N[/M]] "
		     "[priority N] table N|blackhole|unreachable|prohibit: 'prohibit' conflicts with 'table'\n");
	CHECK_ERRORS(ROUTER "rule host fwmark 0x1/zz table 100\n" STAGE,
		     "t.scn:5:18: bad fwmark '0x1/zz': expected N or N/MASK, each a number up to 0xffffffff\n");
	CHECK_ERRORS(ROUTER "stage s\n  expect route host 198.51.100.2 iif veth0\n",
		     "t.scn:6:34: 'iif' needs 'from ADDR': the lookup is for a packet arriving from that source\n");
	CHECK_ERRORS(ROUTER "stage s\n  expect route host 198.51.100.2 type throw\n",
		     "t.scn:6:39: unknown route type 'throw'\n");
	CHECK_ERRORS(ROUTER "stage s\n  expect spread blue 203.0.113.1 over host/veth0\n",
		     "t.scn:6:49: 'expect spread' takes NS ADDR over NS/IF NS/IF... [flows N]: expected at least two "
		     "NS/IF egress interfaces after 'over'\n");
	CHECK_ERRORS(ROUTER "stage s\n  expect spread blue 203.0.113.1 over host/veth0 host/eth1 flows 1\n",
		     "t.scn:6:66: bad flow count '1': expected a number from 2 to 256\n");
}

/* ip route add 203.0.113.0/24 nexthop via 198.51.100.2 dev <3> nexthop via 198.51.101.2 dev <4> weight 2 */
static void test_msg_multipath(void)
{
	static const unsigned char want[] = {
		0x48, 0, 0, 0, 0x18, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 24, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0,                      /* universe scope, unicast */
		8, 0, 1, 0, 203, 0, 113, 0,                                 /* RTA_DST */
		36, 0, 9, 0,                                                /* RTA_MULTIPATH */
		16, 0, 0, 0, 3, 0, 0, 0, 8, 0, 5, 0, 198, 51, 100, 2,       /* rtnexthop (hops 0), RTA_GATEWAY */
		16, 0, 0, 1, 4, 0, 0, 0, 8, 0, 5, 0, 198, 51, 101, 2,       /* weight 2: hops 1 */
	};
	struct prefix dst = { ip("203.0.113.0"), 24 };
	struct addr a = ip("198.51.100.2"), b = ip("198.51.101.2");
	struct rtnl_nexthop nh[] = { { .via = &a, .oif = 3, .weight = 1 }, { .via = &b, .oif = 4, .weight = 2 } };
	struct rtnl_route r = { .dst = &dst, .type = RTN_UNICAST, .nh = nh, .nnh = 2 };

	assert_bytes(rtnl_msg_route_new(buf, &r), want, sizeof(want));
}

/* ip route add blackhole 198.51.100.0/25 table 1000 metric 10: a table past 255 goes in RTA_TABLE only. */
static void test_msg_blackhole_table(void)
{
	static const unsigned char want[] = {
		0x34, 0, 0, 0, 0x18, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 25, 0, 0, 0, 4, 0, 6, 0, 0, 0, 0,                        /* table unspec, blackhole */
		8, 0, 15, 0, 0xe8, 3, 0, 0,                                 /* RTA_TABLE 1000 */
		8, 0, 1, 0, 198, 51, 100, 0,                                /* RTA_DST */
		8, 0, 6, 0, 10, 0, 0, 0,                                    /* RTA_PRIORITY 10 */
	};
	struct prefix dst = { ip("198.51.100.0"), 25 };
	struct rtnl_route r = { .dst = &dst, .type = RTN_BLACKHOLE, .table = 1000, .has_metric = true, .metric = 10 };

	assert_bytes(rtnl_msg_route_new(buf, &r), want, sizeof(want));
}

/* ip route add 198.51.100.0/24 via 10.1.1.2 dev <3> mtu 1300: RTA_METRICS (no NLA_F_NESTED) after the device */
static void test_msg_mtu(void)
{
	static const unsigned char want[] = {
		0x40, 0, 0, 0, 0x18, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 24, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0,                      /* universe scope, unicast */
		8, 0, 1, 0, 198, 51, 100, 0,                                /* RTA_DST */
		8, 0, 5, 0, 10, 1, 1, 2,                                    /* RTA_GATEWAY */
		8, 0, 4, 0, 3, 0, 0, 0,                                     /* RTA_OIF 3 */
		12, 0, 8, 0, 8, 0, 2, 0, 0x14, 0x05, 0, 0,                  /* RTA_METRICS { RTAX_MTU 1300 } */
	};
	struct prefix dst = { ip("198.51.100.0"), 24 };
	struct addr gw = ip("10.1.1.2");
	struct rtnl_route r = { .dst = &dst, .type = RTN_UNICAST, .via = &gw, .oif = 3, .has_mtu = true, .mtu = 1300 };

	assert_bytes(rtnl_msg_route_new(buf, &r), want, sizeof(want));
}

/* ip route add 2001:db8:100::/64 nexthop via 2001:db8:1::2 dev <1> nexthop via 2001:db8:1::3 dev <1> mtu 1280:
 * the metrics go before the paths */
static void test_msg_mtu_multipath(void)
{
	static const unsigned char want[] = {
		0x78, 0, 0, 0, 0x18, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		10, 64, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0,
		20, 0, 1, 0, 0x20, 0x01, 0x0d, 0xb8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* RTA_DST (/64) */
		12, 0, 8, 0, 8, 0, 2, 0, 0x00, 0x05, 0, 0,                                     /* RTAX_MTU 1280 */
		60, 0, 9, 0,                                                                   /* RTA_MULTIPATH */
		28, 0, 0, 0, 1, 0, 0, 0, 20, 0, 5, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		28, 0, 0, 0, 1, 0, 0, 0, 20, 0, 5, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3,
	};
	struct prefix dst = { ip("2001:db8:100::"), 64 };
	struct addr a = ip("2001:db8:1::2"), b = ip("2001:db8:1::3");
	struct rtnl_nexthop nh[] = { { .via = &a, .oif = 1, .weight = 1 }, { .via = &b, .oif = 1, .weight = 1 } };
	struct rtnl_route r = { .dst = &dst, .type = RTN_UNICAST, .nh = nh, .nnh = 2, .has_mtu = true, .mtu = 1280 };

	assert_bytes(rtnl_msg_route_new(buf, &r), want, sizeof(want));
}

/* ip rule add from 10.1.1.0/24 iif veth0 fwmark 0x10/0xff priority 100 table 100 */
static void test_msg_rule(void)
{
	static const unsigned char want[] = {
		0x48, 0, 0, 0, 0x20, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,  /* RTM_NEWRULE */
		2, 0, 24, 0, 100, 0, 0, 1, 0, 0, 0, 0,                       /* src_len 24, table 100, FR_ACT_TO_TBL */
		8, 0, 6, 0, 100, 0, 0, 0,                                    /* FRA_PRIORITY */
		8, 0, 2, 0, 10, 1, 1, 0,                                     /* FRA_SRC */
		10, 0, 3, 0, 'v', 'e', 't', 'h', '0', 0, 0, 0,               /* FRA_IIFNAME */
		8, 0, 10, 0, 0x10, 0, 0, 0,                                  /* FRA_FWMARK */
		8, 0, 16, 0, 0xff, 0, 0, 0,                                  /* FRA_FWMASK */
	};
	struct prefix src = { ip("10.1.1.0"), 24 };
	struct rtnl_rule r = { .family = AF_INET, .src = &src, .iif = "veth0", .has_fwmark = true, .fwmark = 0x10,
			       .fwmask = 0xff, .has_priority = true, .priority = 100, .table = 100,
			       .action = FR_ACT_TO_TBL };

	assert_bytes(rtnl_msg_rule_new(buf, &r), want, sizeof(want));
}

/* ip -6 rule add to 2001:db8::/32 blackhole: no table. */
static void test_msg_rule_blackhole(void)
{
	static const unsigned char want[] = {
		0x30, 0, 0, 0, 0x20, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		10, 32, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0,                        /* FR_ACT_BLACKHOLE */
		20, 0, 1, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct prefix dst = { ip("2001:db8::"), 32 };
	struct rtnl_rule r = { .family = AF_INET6, .dst = &dst, .action = FR_ACT_BLACKHOLE };

	assert_bytes(rtnl_msg_rule_new(buf, &r), want, sizeof(want));
}

UNIT_SUITE(routing,
	   { "route: types, tables, metrics, multipath", test_route_model },
	   { "rule", test_rule_model },
	   { "expect route lookup options, expect spread", test_expect_model },
	   { "exact errors, duplicates", test_errors },
	   { "RTM_NEWROUTE multipath", test_msg_multipath },
	   { "RTM_NEWROUTE blackhole in table 1000", test_msg_blackhole_table },
	   { "RTM_NEWROUTE mtu", test_msg_mtu },
	   { "RTM_NEWROUTE mtu, multipath, IPv6", test_msg_mtu_multipath },
	   { "route mtu, expect route mtu", test_mtu_model },
	   { "RTM_NEWRULE lookup", test_msg_rule },
	   { "RTM_NEWRULE blackhole, IPv6", test_msg_rule_blackhole })
