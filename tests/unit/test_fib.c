/* test_fib.c — policy rules and routes parsed from the messages the kernel sends, and the kernel's rule walk
 * replayed over them: which rule chose which table, a table with no route or a throw passing the packet on. */
#include "probes/fib.h"
#include "tests/unit/unit.h"

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

static char buf[NL_BUF_SIZE];

static struct addr v4(const char *s)
{
	struct addr a;

	CU_ASSERT_EQUAL_FATAL(addr_parse(s, &a), ADDR_OK);
	return a;
}

/* An RTM_NEWRULE as the kernel dumps `ip rule add iif IIF lookup TABLE pref PRIO` (iif NULL: none). */
static void add_rule(struct fib *f, uint32_t prio, const char *iif, uint32_t table, uint8_t action)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct fib_rule_hdr *h = mnl_nlmsg_put_extra_header(nlh, sizeof(*h));

	nlh->nlmsg_type = RTM_NEWRULE;
	h->family = AF_INET;
	h->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	h->action = action;
	mnl_attr_put_u32(nlh, FRA_TABLE, table);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, prio);
	if (iif)
		mnl_attr_put_strz(nlh, FRA_IIFNAME, iif);
	CU_ASSERT_EQUAL(fib_parse_rule(nlh, f), 0);
}

/* An RTM_NEWROUTE as the kernel dumps it: type, table, dst/len, optional gateway and oif. */
static void add_route(struct fib *f, uint8_t type, uint32_t table, const char *dst, unsigned len, const char *via)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct addr a;

	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (unsigned char)len;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_COMPAT;
	rtm->rtm_type = type;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (len) {
		a = v4(dst);
		mnl_attr_put(nlh, RTA_DST, 4, a.bytes);
	}
	if (via) {
		a = v4(via);
		mnl_attr_put(nlh, RTA_GATEWAY, 4, a.bytes);
	}
	mnl_attr_put_u32(nlh, RTA_OIF, 2);
	CU_ASSERT_EQUAL(fib_parse_route(nlh, f), 0);
}

/* The kernel's three default rules, a user's rule at 32765, and routes in main and 100. */
static void world(struct fib *f, uint8_t table100_type, const char *table100_dst, unsigned len)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	add_rule(f, 0, NULL, RT_TABLE_LOCAL, FR_ACT_TO_TBL);
	add_rule(f, 32765, "veth0", 100, FR_ACT_TO_TBL);
	add_rule(f, 32766, NULL, RT_TABLE_MAIN, FR_ACT_TO_TBL);
	add_rule(f, 32767, NULL, RT_TABLE_DEFAULT, FR_ACT_TO_TBL);
	add_route(f, RTN_LOCAL, RT_TABLE_LOCAL, "10.1.1.2", 32, NULL);
	add_route(f, RTN_UNICAST, RT_TABLE_MAIN, "198.51.100.0", 24, NULL);
	add_route(f, RTN_UNICAST, RT_TABLE_MAIN, "0.0.0.0", 0, "198.51.100.9");
	add_route(f, table100_type, 100, table100_dst, len, NULL);
}

static struct fib_packet forwarded(const char *iif)
{
	return (struct fib_packet){ v4("10.1.1.1"), v4("198.51.100.2"), iif, "", 0 };
}

static void test_rule_chooses_table(void)
{
	static struct fib f;
	struct fib_packet pk = forwarded("veth0");
	struct fib_choice ch;
	char text[FIB_TEXT];

	world(&f, RTN_UNREACHABLE, "0.0.0.0", 0);
	ch = fib_choose(&f, &pk);
	CU_ASSERT_EQUAL_FATAL(ch.rule, 1);
	CU_ASSERT_EQUAL_FATAL(ch.route, 3 + 0);
	CU_ASSERT_STRING_EQUAL(fib_rule_str(&f.rules[ch.rule], AF_INET, text, sizeof(text)),
			       "32765: from all iif veth0 lookup 100");
	CU_ASSERT_STRING_EQUAL(fib_route_str(&f.routes[ch.route], "", text, sizeof(text)), "unreachable default");
	pk.iif = "ens160";   /* the rule is for veth0 only: main's connected route */
	ch = fib_choose(&f, &pk);
	CU_ASSERT_EQUAL(ch.rule, 2);
	CU_ASSERT_STRING_EQUAL(fib_route_str(&f.routes[ch.route], "ens160", text, sizeof(text)),
			       "198.51.100.0/24 dev ens160");
}

/* A table without a route for the packet, or with a throw route, passes it on to the next rule. */
static void test_fall_through(void)
{
	static struct fib f;
	struct fib_packet pk = forwarded("veth0");
	struct fib_choice ch;

	world(&f, RTN_UNREACHABLE, "203.0.113.0", 24);
	ch = fib_choose(&f, &pk);
	CU_ASSERT_EQUAL(ch.rule, 2);
	CU_ASSERT_EQUAL(ch.route, 1);
	world(&f, RTN_THROW, "198.51.100.0", 25);
	ch = fib_choose(&f, &pk);
	CU_ASSERT_EQUAL(ch.rule, 2);
	CU_ASSERT_EQUAL(ch.route, 1);
}

/* The longest prefix wins within a table; a rule with its own action ends the walk without a route. */
static void test_longest_prefix_and_rule_action(void)
{
	static struct fib f;
	struct fib_packet pk = forwarded("veth0");
	struct fib_choice ch;

	world(&f, RTN_UNICAST, "203.0.113.0", 24);
	add_route(&f, RTN_BLACKHOLE, RT_TABLE_MAIN, "198.51.100.0", 25, NULL);
	ch = fib_choose(&f, &pk);
	CU_ASSERT_EQUAL(ch.route, 4);
	CU_ASSERT_EQUAL(f.routes[ch.route].type, RTN_BLACKHOLE);
	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	add_rule(&f, 100, "veth0", 0, FR_ACT_PROHIBIT);
	ch = fib_choose(&f, &pk);
	CU_ASSERT_EQUAL(ch.rule, 0);
	CU_ASSERT_EQUAL(ch.route, -1);
}

UNIT_SUITE(fib,
	   { "a rule on the incoming interface chooses the table", test_rule_chooses_table },
	   { "no route or a throw passes the packet on", test_fall_through },
	   { "longest prefix; a rule's own action", test_longest_prefix_and_rule_action })
