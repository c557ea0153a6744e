/* test_natrules.c — dnat with a destination and port ranges, redirect, forward with protocol, ports and reject:
 * parsed from text (exact errors), and each as the nft rule (nft's own expressions, as `nft --debug=netlink`
 * prints them) and the iptables command it installs. */
#include "harness/firewall/iptables.h"
#include "harness/firewall/nft.h"
#include "tests/unit/parse_check.h"
#include "tests/unit/step_fixture.h"
#include "tests/unit/unit.h"

#include <libnftnl/rule.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAT_HEAD "scenario t\nnetns blue host\nveth host/veth0 blue/veth1\n"

static struct scenario *parse_ok(const char *text, int line)
{
	struct scenario *s = NULL;
	char *err = parse_capture(text, strlen(text), &s);

	if (!s)
		printf("\nline %d: refused:\n%s", line, err ? err : "");
	free(err);
	CU_ASSERT_PTR_NOT_NULL(s);
	return s;
}

/* The first step of text's scenario after the veth, parsed. */
static struct scenario *one_step(const char *stmt, int line)
{
	char text[512];

	snprintf(text, sizeof(text), NAT_HEAD "%s\n" STAGE, stmt);
	return parse_ok(text, line);
}

/* The iptables commands of s, each as one line of words, joined by '\n'. */
static void commands_are(const struct step *s, const char *expected)
{
	struct iptables_tools tools;
	struct ipt_cmd cmds[IPT_MAX_CMDS];
	char text[2048] = "";
	size_t used = 0;
	int n;

	iptables_tools_init(&tools, BACKEND_IPTABLES_NFT, NULL);
	n = iptables_commands(s, &tools, cmds);
	CU_ASSERT_FATAL(n > 0);
	for (int i = 0; i < n; i++)
		for (unsigned w = 0; cmds[i].argv[w]; w++)
			used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s", cmds[i].argv[w],
						 cmds[i].argv[w + 1] ? " " : "\n");
	CU_ASSERT_STRING_EQUAL(text, expected);
	if (strcmp(text, expected))
		printf("\n%s: got\n%s\nwanted\n%s\n", s->text, text, expected);
}

static void test_dnat_dst_range(void)
{
	struct scenario *sc = one_step("dnat host iif veth0 dst 203.0.113.1 tcp 8000-8010 to 10.1.1.1:80-90",
				       __LINE__);
	const struct step *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	s = &sc->steps[1];
	CU_ASSERT(s->kind == STEP_DNAT && s->u.dnat.has_dst && s->u.dnat.port == 8000 && s->u.dnat.port_hi == 8010);
	CU_ASSERT(s->u.dnat.to_port == 80 && s->u.dnat.to_port_hi == 90);
	nft_rule_is(s, "inet nsharness prerouting\n"
		"  [ meta load nfproto => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00000002 ]\n"
		"  [ meta load iifname => reg 1 ]\n"
		"  [ cmp eq reg 1 0x68746576 0x00000030 0x00000000 0x00000000 ]\n"
		"  [ payload load 4b @ network header + 16 => reg 1 ]\n"
		"  [ cmp eq reg 1 0x017100cb ]\n"
		"  [ meta load l4proto => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00000006 ]\n"
		"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
		"  [ cmp gte reg 1 0x0000401f ]\n"
		"  [ cmp lte reg 1 0x00004a1f ]\n"
		"  [ counter pkts 0 bytes 0 ]\n"
		"  [ immediate reg 1 0x0101010a ]\n"
		"  [ immediate reg 2 0x00005000 ]\n"
		"  [ immediate reg 3 0x00005a00 ]\n"
		"  [ nat dnat ip addr_min reg 1 proto_min reg 2 proto_max reg 3 ]\n");
	commands_are(s, "iptables-nft -w -t nat -A PREROUTING -i veth0 -d 203.0.113.1/32 -p tcp --dport 8000:8010 "
		     "-j DNAT --to-destination 10.1.1.1:80-90\n");
	scenario_free(sc);
}

static void test_redirect(void)
{
	struct scenario *sc = one_step("redirect host udp 53-60 to 5353-5360", __LINE__);
	const struct step *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	s = &sc->steps[1];
	CU_ASSERT(s->kind == STEP_REDIRECT && !s->u.dnat.has_dst && s->u.dnat.proto == IPPROTO_UDP);
	nft_rule_is(s, "inet nsharness prerouting\n"
		"  [ meta load l4proto => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00000011 ]\n"
		"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
		"  [ cmp gte reg 1 0x00003500 ]\n"
		"  [ cmp lte reg 1 0x00003c00 ]\n"
		"  [ counter pkts 0 bytes 0 ]\n"
		"  [ immediate reg 1 0x0000e914 ]\n"
		"  [ immediate reg 2 0x0000f014 ]\n"
		"  [ redir proto_min reg 1 proto_max reg 2 flags 0x2 ]\n");
	/* no address: both families */
	commands_are(s, "iptables-nft -w -t nat -A PREROUTING -p udp --dport 53:60 -j REDIRECT --to-ports 5353-5360\n"
		     "ip6tables-nft -w -t nat -A PREROUTING -p udp --dport 53:60 -j REDIRECT --to-ports 5353-5360\n");
	scenario_free(sc);
	sc = one_step("redirect host iif veth0 tcp 80 to 8080", __LINE__);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	nft_rule_is(&sc->steps[1], "inet nsharness prerouting\n"
		"  [ meta load iifname => reg 1 ]\n"
		"  [ cmp eq reg 1 0x68746576 0x00000030 0x00000000 0x00000000 ]\n"
		"  [ meta load l4proto => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00000006 ]\n"
		"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00005000 ]\n"
		"  [ counter pkts 0 bytes 0 ]\n"
		"  [ immediate reg 1 0x0000901f ]\n"
		"  [ redir proto_min reg 1 proto_max reg 1 flags 0x2 ]\n");
	scenario_free(sc);
}

static void test_forward_ports_reject(void)
{
	struct scenario *sc = one_step("forward host reject iif veth0 tcp dport 1-5 sport 7", __LINE__);
	const struct step *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	s = &sc->steps[1];
	CU_ASSERT(s->u.rule.verdict == VERDICT_REJECT && s->u.rule.proto == IPPROTO_TCP && s->u.rule.family == 0);
	nft_rule_is(s, "inet nsharness forward\n"
		"  [ meta load iifname => reg 1 ]\n"
		"  [ cmp eq reg 1 0x68746576 0x00000030 0x00000000 0x00000000 ]\n"
		"  [ meta load l4proto => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00000006 ]\n"
		"  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
		"  [ cmp gte reg 1 0x00000100 ]\n"
		"  [ cmp lte reg 1 0x00000500 ]\n"
		"  [ payload load 2b @ transport header + 0 => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00000700 ]\n"
		"  [ counter pkts 0 bytes 0 ]\n"
		"  [ reject type 1 code 0 ]\n");                 /* tcp reset */
	commands_are(s, "iptables-nft -w -A FORWARD -i veth0 -p tcp --dport 1:5 --sport 7 -j REJECT --reject-with tcp-reset\n"
		     "ip6tables-nft -w -A FORWARD -i veth0 -p tcp --dport 1:5 --sport 7 -j REJECT --reject-with tcp-reset\n");
	scenario_free(sc);

	sc = one_step("forward host reject icmp from 10.0.0.0/8", __LINE__);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	s = &sc->steps[1];
	CU_ASSERT(s->u.rule.family == AF_INET);
	nft_rule_is(s, "inet nsharness forward\n"
		"  [ meta load nfproto => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00000002 ]\n"
		"  [ payload load 4b @ network header + 12 => reg 1 ]\n"
		"  [ bitwise reg 1 = ( reg 1 & 0x000000ff ) ^ 0x00000000 ]\n"
		"  [ cmp eq reg 1 0x0000000a ]\n"
		"  [ meta load l4proto => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00000001 ]\n"
		"  [ counter pkts 0 bytes 0 ]\n"
		"  [ reject type 2 code 3 ]\n");                 /* icmpx admin-prohibited */
	commands_are(s, "iptables-nft -w -A FORWARD -s 10.0.0.0/8 -p icmp -j REJECT --reject-with icmp-admin-prohibited\n");
	scenario_free(sc);

	sc = one_step("forward host drop icmpv6", __LINE__);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	commands_are(&sc->steps[1], "ip6tables-nft -w -A FORWARD -p ipv6-icmp -j DROP\n");
	scenario_free(sc);
	sc = one_step("forward host reject udp", __LINE__);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	commands_are(&sc->steps[1], "iptables-nft -w -A FORWARD -p udp -j REJECT --reject-with icmp-admin-prohibited\n"
		     "ip6tables-nft -w -A FORWARD -p udp -j REJECT --reject-with icmp6-adm-prohibited\n");
	scenario_free(sc);
}

/* What worked before means the same: a dnat without dst and range is the rule it always was. */
static void test_old_forms_unchanged(void)
{
	struct scenario *sc = one_step("dnat host iif veth0 tcp 8080 to 10.1.1.1:80", __LINE__);

	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	commands_are(&sc->steps[1], "iptables-nft -w -t nat -A PREROUTING -i veth0 -p tcp --dport 8080 -j DNAT "
		     "--to-destination 10.1.1.1:80\n");
	scenario_free(sc);
	sc = one_step("forward host accept iif veth0 oif veth0", __LINE__);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	commands_are(&sc->steps[1], "iptables-nft -w -A FORWARD -i veth0 -o veth0 -j ACCEPT\n"
		     "ip6tables-nft -w -A FORWARD -i veth0 -o veth0 -j ACCEPT\n");
	scenario_free(sc);
}

static void test_errors(void)
{
	CHECK_ERRORS(NAT_HEAD "dnat host tcp 90-80 to 10.1.1.1\n" STAGE,
		     "t.scn:4:18: port range '90-80' ends below its start\n");
	CHECK_ERRORS(NAT_HEAD "dnat host tcp 80-x to 10.1.1.1\n" STAGE,
		     "t.scn:4:18: bad port 'x' in '80-x': expected a number from 1 to 65535\n");
	CHECK_ERRORS(NAT_HEAD "dnat host tcp 80 to 10.1.1.1-90\n" STAGE,
		     "t.scn:4:29: a port range in '10.1.1.1-90' needs its first port: ADDR:PORT-PORT\n");
	CHECK_ERRORS(NAT_HEAD "dnat host dst 2001:db8::1 tcp 80 to 10.1.1.1\n" STAGE,
		     "t.scn:4:37: address families differ: '10.1.1.1' is IPv4 but '2001:db8::1' is IPv6\n");
	CHECK_ERRORS(NAT_HEAD "redirect host tcp 80\n" STAGE,
		     "t.scn:4:21: 'redirect' takes NS [iif IF] [dst ADDR] tcp|udp PORT[-PORT] to PORT[-PORT]: "
		     "missing 'to PORT'\n");
	CHECK_ERRORS(NAT_HEAD "forward host reject dport 22\n" STAGE,
		     "t.scn:4:21: 'dport' needs 'tcp' or 'udp' before it\n");
	CHECK_ERRORS(NAT_HEAD "forward host drop icmp from 2001:db8::/32\n" STAGE,
		     "t.scn:4:29: '2001:db8::/32' is IPv6, but icmp matches only IPv4 packets\n");
	CHECK_ERRORS(NAT_HEAD "forward host drop tcp udp\n" STAGE,
		     "t.scn:4:23: 'forward' takes NS accept|drop|reject [iif IF] [oif IF] [from PREFIX] [to PREFIX] "
		     "[ct STATES] [tcp|udp [dport PORT[-PORT]] [sport PORT[-PORT]]] [icmp|icmpv6]: 'udp' conflicts "
		     "with 'tcp'\n");
	CHECK_ERRORS(NAT_HEAD "forward host rejet\n" STAGE,
		     "t.scn:4:14: 'forward' takes NS policy accept|drop, or NS accept|drop|reject [options]: expected "
		     "policy, accept, drop or reject, found 'rejet'; did you mean 'reject'?\n");
}

static void test_ping_size(void)
{
	struct scenario *sc = parse_ok(NAT_HEAD "stage s\n  expect ping blue 10.1.1.2 size 1400 df\n"
				       "  expect ping blue 10.1.1.2 size 1400 fails\n", __LINE__);

	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	CU_ASSERT(sc->expects[0].u.ping.size == 1400 && sc->expects[0].u.ping.df);
	CU_ASSERT(sc->expects[1].u.ping.size == 1400 && !sc->expects[1].u.ping.df && sc->expects[1].fails);
	scenario_free(sc);
	CHECK_ERRORS(NAT_HEAD "stage s\n  expect ping blue 10.1.1.2 size 0\n",
		     "t.scn:5:34: bad size '0': expected a number of bytes from 1 to 9000\n");
	CHECK_ERRORS(NAT_HEAD "stage s\n  expect ping blue 10.1.1.2 df df\n",
		     "t.scn:5:32: 'expect ping' takes NS ADDR [size N] [df]: 'df' given twice\n");
}

UNIT_SUITE(natrules,
	   { "expect ping size N df", test_ping_size },
	   { "dnat dst ADDR, port ranges", test_dnat_dst_range },
	   { "redirect", test_redirect },
	   { "forward proto, ports, reject", test_forward_ports_reject },
	   { "old forms unchanged", test_old_forms_unchanged },
	   { "errors at file:line:col", test_errors })
