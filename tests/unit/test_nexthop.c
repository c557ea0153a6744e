/* test_nexthop.c — nexthop objects: the `nexthop` statement and `route ... nhid`, parsed from real text with
 * their exact errors, and the RTM_NEWNEXTHOP / RTM_NEWROUTE requests they become, byte for byte against what
 * iproute2 sent for the same commands (strace -xx of `ip nexthop add`, `ip route add ... nhid`). */
#include "harness/base/addr.h"
#include "harness/base/nl.h"
#include "harness/base/rtnl_msg.h"
#include "harness/base/rtnl_nexthop.h"
#include "harness/scenario/model.h"
#include "probes/fib.h"
#include "tests/unit/parse_check.h"
#include "tests/unit/bytes_check.h"
#include "tests/unit/unit.h"

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

#define ROUTER "scenario t\nnetns blue host\nveth host/veth0 blue/veth1\nveth host/eth1 blue/eth1\n"

static void test_model(void)
{
	struct scenario *s = parse_clean(
		ROUTER
		"nexthop host id 1 via 10.1.1.1 dev veth0\n"
		"nexthop host id 2 via 10.2.2.1 dev eth1 onlink\n"
		"nexthop host id 3 dev eth1\n"
		"nexthop host id 4 blackhole\n"
		"nexthop host id 10 group 1/2,7\n"
		"nexthop blue id 10 via 2001:db8::1\n"       /* ids are per namespace */
		"route host 203.0.113.0/24 nhid 10\n"
		"route host default nhid 4 table 100\n"
		"route blue 2001:db8:1::/48 nhid 10\n"
		"route blue default nhid 10\n"
		STAGE);
	const struct step *st = s->steps + 2;   /* after the two veths */

	CU_ASSERT_EQUAL(st[0].kind, STEP_NEXTHOP);
	CU_ASSERT_EQUAL(st[0].u.nexthop.id, 1);
	CU_ASSERT(st[0].u.nexthop.has_via && !st[0].u.nexthop.onlink && !st[0].u.nexthop.ngroup);
	CU_ASSERT_STRING_EQUAL(st[0].u.nexthop.dev, "veth0");
	CU_ASSERT(st[1].u.nexthop.onlink);
	CU_ASSERT(!st[2].u.nexthop.has_via);
	CU_ASSERT_STRING_EQUAL(st[2].u.nexthop.dev, "eth1");
	CU_ASSERT(st[3].u.nexthop.blackhole);
	CU_ASSERT_EQUAL(st[4].u.nexthop.ngroup, 2);
	CU_ASSERT(st[4].u.nexthop.group[0] == 1 && st[4].u.nexthop.weight[0] == 1);
	CU_ASSERT(st[4].u.nexthop.group[1] == 2 && st[4].u.nexthop.weight[1] == 7);
	CU_ASSERT_EQUAL(st[5].ns, 0);
	CU_ASSERT_EQUAL(st[6].kind, STEP_ROUTE);
	CU_ASSERT_EQUAL(st[6].u.route.nhid, 10);
	CU_ASSERT(!st[6].u.route.has_via && !st[6].u.route.has_dev);
	CU_ASSERT(st[7].u.route.nhid == 4 && st[7].u.route.table == 100 && st[7].u.route.dst.addr.family == AF_INET);
	CU_ASSERT_EQUAL(st[8].u.route.dst.addr.family, AF_INET6);
	/* "default" takes the family of the nexthop's gateway */
	CU_ASSERT(st[9].u.route.nhid == 10 && st[9].u.route.dst.addr.family == AF_INET6);
	scenario_free(s);
}

#define NH_USAGE "'nexthop' takes NS id N via ADDR [dev IF] [onlink] | dev IF [inet6] | blackhole [inet6] | " \
		 "group ID[,W]/ID[,W]...: "
#define ROUTE_USAGE "'route' takes NS DEST [via ADDR] [dev IF] [options]: "

static void test_errors(void)
{
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 10.1.1.1\nnexthop host id 1 dev eth1\n" STAGE,
		     "t.scn:6:17: a second nexthop id 1 in host (the first at 5:1): the kernel refuses it as 'File "
		     "exists'\n");
	CHECK_ERRORS(ROUTER "nexthop host via 10.1.1.1\n" STAGE, "t.scn:5:26: " NH_USAGE "missing 'id N'\n");
	CHECK_ERRORS(ROUTER "nexthop host id 0 via 10.1.1.1\n" STAGE,
		     "t.scn:5:17: bad nexthop id '0': expected a number from 1 to 4294967295\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1\n" STAGE,
		     "t.scn:5:18: " NH_USAGE "missing 'via ADDR', 'dev IF', 'blackhole' or 'group ID/ID...'\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 10.1.1.1 onlink\n" STAGE,
		     "t.scn:5:38: " NH_USAGE "'onlink' needs 'dev IF'\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 dev eth9\n" STAGE,
		     "t.scn:5:23: interface 'eth9' is not declared in namespace 'host' (declare it with veth first); "
		     "did you mean 'eth1'?\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 10.1.1.1\nnexthop host id 2 group 1/3\n" STAGE,
		     "t.scn:6:27: group member 3 is not a nexthop declared before it in host\n");
	CHECK_ERRORS(ROUTER "nexthop blue id 1 via 10.1.1.1\nnexthop host id 2 group 1\n" STAGE,
		     "t.scn:6:25: group member 1 is not a nexthop declared before it in host\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 10.1.1.1\nnexthop host id 2 group 1\nnexthop host id 3 group 2/1\n"
		     STAGE, "t.scn:7:25: group member 2 is itself a group (declared at 6:1): groups do not nest\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 10.1.1.1\nnexthop host id 2 group 1,300\n" STAGE,
		     "t.scn:6:27: bad weight '300': expected a number from 1 to 256\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 10.1.1.1\nnexthop host id 2 group 1//1\n" STAGE,
		     "t.scn:6:27: bad group member '': expected ID[,WEIGHT], an id from 1 to 4294967295\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 10.1.1.1\nnexthop host id 2 group 1/1\n" STAGE,
		     "t.scn:6:27: group member 1 is written twice\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 10.1.1.1\nnexthop host id 2 blackhole\nnexthop host id 3 group 1/2\n"
		     STAGE, "t.scn:7:25: group member 2 is a blackhole: a blackhole can only be a group's one member\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 10.1.1.1\nnexthop host id 2 group 1 dev eth1\n" STAGE,
		     "t.scn:6:35: " NH_USAGE "a group takes no 'via', 'dev', 'onlink' or 'blackhole'\n");
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 nhid 5\n" STAGE,
		     "t.scn:5:29: nhid 5: no nexthop of that id is declared before this route in host\n");
	CHECK_ERRORS(ROUTER "route host 10.9.0.0/16 nhid 5\nnexthop host id 5 via 10.1.1.1\n" STAGE,
		     "t.scn:5:29: nhid 5: no nexthop of that id is declared before this route in host\n");
	CHECK_ERRORS(ROUTER "nexthop host id 5 via 10.1.1.1\nroute host 10.9.0.0/16 nhid 5 via 10.1.1.1\n" STAGE,
		     "t.scn:6:43: " ROUTE_USAGE "a route with 'nhid' takes its paths from the nexthop object: no "
		     "'via', 'dev', 'nexthop' or 'onlink' of its own\n");
	CHECK_ERRORS(ROUTER "nexthop host id 5 via 10.1.1.1\nroute host 10.9.0.0/16 nhid 5 type blackhole\n" STAGE,
		     "t.scn:6:45: " ROUTE_USAGE "a route of type blackhole takes no 'nhid'\n");
	CHECK_ERRORS(ROUTER "nexthop host id 5 via 10.1.1.1\nroute host 2001:db8::/32 nhid 5\n" STAGE,
		     "t.scn:6:31: nhid 5 is an IPv4 nexthop: an IPv6 route cannot use one\n");
	CHECK_ERRORS(ROUTER "nexthop host id 5 via 10.1.1.1\nroute host 10.9.0.0/16 nhid 5\n"
		     "route host 10.9.0.0/16 via 10.1.1.1\n" STAGE,
		     "t.scn:7:1: a second route to 10.9.0.0/16 in host (table 254, metric 0; the first at 6:1): the "
		     "kernel refuses it as 'File exists'; write one route with a 'nexthop' per path for ECMP, or give "
		     "each a 'metric'\n");
}

/* ip nexthop add id 1 via 10.0.0.2 dev <3> onlink */
static void test_msg_via_onlink(void)
{
	static const unsigned char want[] = {
		48, 0, 0, 0, 0x68, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,   /* RTM_NEWNEXTHOP, CREATE|EXCL|ACK */
		2, 0, 0, 0, 4, 0, 0, 0,                                     /* AF_INET, RTNH_F_ONLINK */
		8, 0, 1, 0, 1, 0, 0, 0,                                     /* NHA_ID 1 */
		8, 0, 6, 0, 10, 0, 0, 2,                                    /* NHA_GATEWAY */
		8, 0, 5, 0, 3, 0, 0, 0,                                     /* NHA_OIF 3 */
	};
	struct addr gw = ip("10.0.0.2");
	struct rtnl_nh nh = { .id = 1, .via = &gw, .oif = 3, .onlink = true };

	assert_bytes(rtnl_msg_nexthop_new(buf, &nh), want, sizeof(want));
}

/* ip nexthop add id 10 group 1,3/2: each weight less one, in struct nexthop_grp */
static void test_msg_group(void)
{
	static const unsigned char want[] = {
		52, 0, 0, 0, 0x68, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,                                     /* AF_UNSPEC */
		8, 0, 1, 0, 10, 0, 0, 0,                                    /* NHA_ID 10 */
		20, 0, 2, 0,                                                /* NHA_GROUP */
		1, 0, 0, 0, 2, 0, 0, 0,                                     /* id 1, weight 3 */
		2, 0, 0, 0, 0, 0, 0, 0,                                     /* id 2, weight 1 */
	};
	struct rtnl_nh_member m[] = { { 1, 3 }, { 2, 1 } };
	struct rtnl_nh nh = { .id = 10, .group = m, .ngroup = 2 };

	assert_bytes(rtnl_msg_nexthop_new(buf, &nh), want, sizeof(want));
}

/* ip nexthop add id 5 blackhole; ip nexthop add id 3 dev <3>; ip -6 nexthop add id 6 via 2001:db8::1 dev <3> */
static void test_msg_blackhole_dev_v6(void)
{
	static const unsigned char blackhole[] = {
		36, 0, 0, 0, 0x68, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 0, 0, 0, 0, 0, 0, 0,
		8, 0, 1, 0, 5, 0, 0, 0,
		4, 0, 4, 0,                                                 /* NHA_BLACKHOLE, a flag */
	};
	static const unsigned char dev[] = {
		40, 0, 0, 0, 0x68, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 0, 0, 0, 0, 0, 0, 0,                                     /* a device alone: AF_INET */
		8, 0, 1, 0, 3, 0, 0, 0,
		8, 0, 5, 0, 3, 0, 0, 0,
	};
	static const unsigned char v6[] = {
		60, 0, 0, 0, 0x68, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		10, 0, 0, 0, 0, 0, 0, 0,                                    /* AF_INET6 */
		8, 0, 1, 0, 6, 0, 0, 0,
		20, 0, 6, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		8, 0, 5, 0, 3, 0, 0, 0,
	};
	struct addr gw6 = ip("2001:db8::1");
	struct rtnl_nh bh = { .id = 5, .blackhole = true }, d = { .id = 3, .oif = 3 };
	struct rtnl_nh six = { .id = 6, .via = &gw6, .oif = 3 };

	assert_bytes(rtnl_msg_nexthop_new(buf, &bh), blackhole, sizeof(blackhole));
	assert_bytes(rtnl_msg_nexthop_new(buf, &d), dev, sizeof(dev));
	assert_bytes(rtnl_msg_nexthop_new(buf, &six), v6, sizeof(v6));
}

/* ip route add 192.0.2.0/24 nhid 10: RTA_NH_ID, universe scope, no gateway or device of its own.  iproute2
 * says protocol boot (3); nsharness's routes are all static (4), as `proto static` writes it. */
static void test_msg_route_nhid(void)
{
	static const unsigned char want[] = {
		44, 0, 0, 0, 0x18, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 24, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0,                      /* main, static, universe, unicast */
		8, 0, 1, 0, 192, 0, 2, 0,                                   /* RTA_DST */
		8, 0, 30, 0, 10, 0, 0, 0,                                   /* RTA_NH_ID 10 */
	};
	struct prefix dst = { ip("192.0.2.0"), 24 };
	struct rtnl_route r = { .dst = &dst, .type = RTN_UNICAST, .nhid = 10 };

	assert_bytes(rtnl_msg_route_new(buf, &r), want, sizeof(want));
}

/* A dumped route that names a nexthop object (compat mode also gives its gateway and device): read with its
 * id, and written as `ip route` writes it. */
static void test_fib_reads_nhid(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(memset(buf, 0, sizeof(buf)));
	struct rtmsg *rtm;
	struct addr dst = ip("198.51.100.0"), gw = ip("192.0.2.2");
	static struct fib f;
	char text[FIB_TEXT];

	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	*rtm = (struct rtmsg){ .rtm_family = AF_INET, .rtm_dst_len = 25, .rtm_table = RT_TABLE_MAIN,
			       .rtm_type = RTN_UNICAST };
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_DST, 4, dst.bytes);
	mnl_attr_put_u32(nlh, RTA_NH_ID, 1);
	mnl_attr_put(nlh, RTA_GATEWAY, 4, gw.bytes);
	mnl_attr_put_u32(nlh, RTA_OIF, 4);
	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	CU_ASSERT_EQUAL_FATAL(fib_parse_route(nlh, &f), 0);
	CU_ASSERT_EQUAL_FATAL(f.nroutes, 1);
	CU_ASSERT_EQUAL(f.routes[0].nhid, 1);
	CU_ASSERT_STRING_EQUAL(fib_route_str(&f.routes[0], "ens161", text, sizeof(text)),
			       "198.51.100.0/25 nhid 1 via 192.0.2.2 dev ens161");
}

/* `inet6` makes a device alone or a blackhole IPv6 (`ip -6 nexthop add`), so IPv6 routes can use it. */
static void test_model_inet6(void)
{
	struct scenario *s = parse_clean(
		ROUTER
		"nexthop host id 1 dev eth1 inet6\n"
		"nexthop host id 2 blackhole inet6\n"
		"nexthop host id 3 inet6 blackhole\n"
		"nexthop host id 4 dev eth1 inet\n"
		"nexthop host id 5 via 2001:db8::1 dev eth1 inet6\n"
		"nexthop host id 6 group 1/5\n"
		"route host 2001:db8:100::/64 nhid 1\n"
		"route host 2001:db8:200::/64 nhid 2 table 100\n"
		"route host default nhid 3\n"
		"route host 10.9.0.0/16 nhid 4\n"
		"route host 2001:db8:300::/64 nhid 6\n"
		STAGE);
	const struct step *st = s->steps + 2;

	CU_ASSERT(st[0].u.nexthop.family == AF_INET6 && !st[0].u.nexthop.has_via);
	CU_ASSERT(st[1].u.nexthop.family == AF_INET6 && st[1].u.nexthop.blackhole);
	CU_ASSERT(st[2].u.nexthop.family == AF_INET6 && st[2].u.nexthop.blackhole);
	CU_ASSERT_EQUAL(st[3].u.nexthop.family, AF_INET);
	CU_ASSERT_EQUAL(st[4].u.nexthop.family, AF_INET6);
	CU_ASSERT_EQUAL(st[5].u.nexthop.family, 0);
	CU_ASSERT_EQUAL(st[6].u.route.dst.addr.family, AF_INET6);
	CU_ASSERT_EQUAL(st[8].u.route.dst.addr.family, AF_INET6);   /* "default" takes the object's family */
	CU_ASSERT_EQUAL(st[9].u.route.dst.addr.family, AF_INET);
	scenario_free(s);
}

static void test_errors_inet6(void)
{
	CHECK_ERRORS(ROUTER "nexthop host id 1 dev eth1\nroute host 2001:db8::/32 nhid 1\n" STAGE,
		     "t.scn:6:31: nhid 1 is an IPv4 nexthop: an IPv6 route cannot use one\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 blackhole inet\nroute host 2001:db8::/32 nhid 1\n" STAGE,
		     "t.scn:6:31: nhid 1 is an IPv4 nexthop: an IPv6 route cannot use one\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 blackhole inet inet6\n" STAGE,
		     "t.scn:5:34: " NH_USAGE "'inet6' conflicts with 'inet'\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 dev eth1 inet6 inet6\n" STAGE,
		     "t.scn:5:34: " NH_USAGE "'inet6' given twice\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 10.1.1.1 inet6\n" STAGE,
		     "t.scn:5:32: 'inet6', but gateway 10.1.1.1 is IPv4: a nexthop with a gateway is of its family\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 via 2001:db8::1 dev eth1 inet\n" STAGE,
		     "t.scn:5:44: 'inet', but gateway 2001:db8::1 is IPv6: a nexthop with a gateway is of its family\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 dev eth1 inet6\nnexthop host id 2 group 1 inet6\n" STAGE,
		     "t.scn:6:27: a group takes the family of its members: no 'inet6'\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 inet6\n" STAGE,
		     "t.scn:5:24: " NH_USAGE "missing 'via ADDR', 'dev IF', 'blackhole' or 'group ID/ID...'\n");
	CHECK_ERRORS(ROUTER "nexthop host id 1 blackhole inet7\n" STAGE,
		     "t.scn:5:29: " NH_USAGE "unexpected 'inet7' after 'blackhole'; did you mean 'inet6'?\n");
}

/* ip -6 nexthop add id 7 dev veth0 (ifindex 3); ip -6 nexthop add id 8 blackhole: the bytes iproute2 6.1 sent
 * (strace -e write=3, in an `unshare -n` namespace), its sequence number zeroed */
static void test_msg_inet6(void)
{
	static const unsigned char dev[] = {
		0x28, 0x00, 0x00, 0x00, 0x68, 0x00, 0x05, 0x06, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x00,
		0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,             /* AF_INET6 */
		0x08, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00,             /* NHA_ID 7 */
		0x08, 0x00, 0x05, 0x00, 0x03, 0x00, 0x00, 0x00,             /* NHA_OIF 3 */
	};
	static const unsigned char blackhole[] = {
		0x24, 0x00, 0x00, 0x00, 0x68, 0x00, 0x05, 0x06, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x00,
		0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,             /* AF_INET6 */
		0x08, 0x00, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00,             /* NHA_ID 8 */
		0x04, 0x00, 0x04, 0x00,                                     /* NHA_BLACKHOLE */
	};
	struct rtnl_nh d = { .id = 7, .oif = 3, .family = AF_INET6 }, bh = { .id = 8, .blackhole = true,
									   .family = AF_INET6 };

	assert_bytes(rtnl_msg_nexthop_new(buf, &d), dev, sizeof(dev));
	assert_bytes(rtnl_msg_nexthop_new(buf, &bh), blackhole, sizeof(blackhole));
}

UNIT_SUITE(nexthop,
	   { "nexthop and route nhid: the model", test_model },
	   { "exact errors: ids, groups, routes", test_errors },
	   { "RTM_NEWNEXTHOP via, onlink", test_msg_via_onlink },
	   { "RTM_NEWNEXTHOP group with weights", test_msg_group },
	   { "RTM_NEWNEXTHOP blackhole, device, IPv6", test_msg_blackhole_dev_v6 },
	   { "inet6: a device alone or a blackhole for IPv6 routes", test_model_inet6 },
	   { "inet6: exact errors", test_errors_inet6 },
	   { "RTM_NEWNEXTHOP -6 device, -6 blackhole", test_msg_inet6 },
	   { "RTM_NEWROUTE nhid", test_msg_route_nhid },
	   { "a route dump's RTA_NH_ID read back", test_fib_reads_nhid })
