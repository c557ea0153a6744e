/* test_cause.c — every cause kind has its words (a table that fails when a kind has no row or is reworded),
 * displaced causes go back among the evidence lines where they happened, a stage's reason is made from the
 * chosen expectation, and diagnosis ranks causes by kind. */
#include "harness/diagnose/diagnose_cause.h"
#include "reports/cause_text.h"
#include "tests/unit/unit.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static struct addr ip(const char *text)
{
	struct addr a;

	CU_ASSERT_EQUAL_FATAL(addr_parse(text, &a), ADDR_OK);
	return a;
}

/* A cause of kind k with every field a row may read filled in, so each row shows its shape. */
static struct cause sample(enum cause_kind k)
{
	struct cause c = cause_of(k);

	CAUSE_COPY(c.ns, "host");
	CAUSE_COPY(c.ns2, "blue");
	CAUSE_COPY(c.dev, "veth0");
	CAUSE_COPY(c.dev2, "ens160");
	CAUSE_COPY(c.where, "blue/veth1");
	CAUSE_COPY(c.where2, "host/veth0");
	c.addr = ip("10.1.1.1");
	c.addr2 = ip("198.51.100.2");
	c.family = AF_INET;
	c.err = ENETUNREACH;
	CAUSE_COPY(c.key, "net.ipv4.ip_forward");
	CAUSE_COPY(c.key2, "net.ipv6.conf.all.forwarding");
	c.value = 1;
	CAUSE_COPY(c.text, "expect ping blue 198.51.100.2");
	c.line = 12;
	CAUSE_COPY(c.word, "FAILED");
	CAUSE_COPY(c.word2, "connected");
	c.count = 3;
	c.ms = 2000;
	c.port = 8080;
	return c;
}

static const struct {
	enum cause_kind kind;
	const char *text;
} words[] = {
	{ CAUSE_LINK_ADMIN_DOWN, "blue/veth1 is administratively down (no 'up' step for it)" },
	{ CAUSE_LINK_PEER_DOWN, "blue/veth1 has no carrier: its veth peer host/veth0 is down" },
	{ CAUSE_LINK_NO_CARRIER, "blue/veth1 has no carrier" },
	{ CAUSE_LINK_OPERSTATE, "blue/veth1 has carrier but operstate FAILED" },
	{ CAUSE_LINK_STILL_UP, "blue/veth1 is still up after 2000 ms" },
	{ CAUSE_FWD_CLIENT_NO_ROUTE, "the client has no route to 10.1.1.1" },
	{ CAUSE_FWD_SEND_FAILED, "sending to 10.1.1.1 failed" },   /* sample's err is ENETUNREACH */
	{ CAUSE_FWD_SYSCTL_OFF, "forwarding is off in host (net.ipv4.ip_forward = 0)" },
	{ CAUSE_ROUTE_DIRECT, "host reaches 10.1.1.1 directly on veth0, not through gateway 198.51.100.2" },
	{ CAUSE_ROUTE_OTHER_GATEWAY, "the kernel chose gateway 10.1.1.1, not 198.51.100.2" },
	{ CAUSE_ROUTE_OTHER_DEV, "the route leaves through veth0, not ens160" },
	{ CAUSE_ROUTE_OTHER_SRC, "the preferred source is unset, not 198.51.100.2" },
	{ CAUSE_GATEWAY_IS_LOCAL, "gateway 10.1.1.1 is an address of host itself" },
	{ CAUSE_GATEWAY_UNRESOLVABLE, "cannot resolve gateway 10.1.1.1: Network is unreachable" },
	{ CAUSE_GATEWAY_UNANSWERED, "gateway 10.1.1.1 does not answer ARP (neighbour FAILED after 2000 ms)" },
	{ CAUSE_ROUTE_NONE, "host has no route to 10.1.1.1" },
	{ CAUSE_PING_SEND_REFUSED, "no route to 10.1.1.1 in the namespace" },
	{ CAUSE_PING_TTL_EXCEEDED,
	  "the echo request's TTL ran out at 198.51.100.2 before it reached 10.1.1.1 (a routing loop?)" },
	{ CAUSE_PING_NEXT_HOP_SILENT, "the namespace got no ARP answer from the next hop toward 10.1.1.1" },
	{ CAUSE_PING_UNDELIVERABLE, "198.51.100.2 could not deliver the echo request to 10.1.1.1: FAILED" },
	{ CAUSE_PING_STRAY_REPLIES, "replies with our id and sequence came from 198.51.100.2, not from 10.1.1.1" },
	{ CAUSE_PING_SILENT_DROP, "neither an echo reply nor an ICMP error came back: dropped silently" },
	{ CAUSE_CONN_PEER_UNKNOWN, "the server did not say which source it saw (is it the scenario's listener?)" },
	{ CAUSE_CONN_TCP_RESET, "nothing listens on tcp port 8080 at 10.1.1.1, or a firewall answers with a reset" },
	{ CAUSE_CONN_UDP_REFUSED, "nothing listens on udp port 8080 at 10.1.1.1, or a firewall rejects the flow" },
	{ CAUSE_CONN_PORT_UNREACHABLE, "nothing listens on FAILED port 8080 at 10.1.1.1" },
	{ CAUSE_CONN_REJECTED, "198.51.100.2 rejects the flow" },
	{ CAUSE_CONN_LOCAL_ERROR, "the namespace has no route to 10.1.1.1" },
	{ CAUSE_CONN_HOP_LIMIT, "the hop limit ran out at 198.51.100.2: a routing loop?" },
	{ CAUSE_CONN_ICMP_ERROR, "198.51.100.2 reports FAILED for 10.1.1.1" },
	{ CAUSE_CONN_LOCAL_FIREWALL, "a firewall in the namespace itself drops packets to 10.1.1.1" },
	{ CAUSE_CONN_NO_ANSWER, "no answer, reset or ICMP error came back: dropped on the way there or back" },
	{ CAUSE_CONN_OUTCOME, "the connection FAILED, where it must be connected" },
	{ CAUSE_PEER_SEEN_OTHER, "the server saw the client as 10.1.1.1, not 198.51.100.2" },
	{ CAUSE_PEER_NOT_SAID, "the server did not say whom it saw" },
	{ CAUSE_MUST_FAIL_PASSED, "the check succeeded, but 'expect ping blue 198.51.100.2' requires it to fail" },
	{ CAUSE_COULD_NOT_RUN, "could not run: expect ping blue 198.51.100.2" },
	{ CAUSE_NETNS_MISSING, "expect ping blue 198.51.100.2" },
	{ CAUSE_CAPTURE_UNTRANSLATED, "source 10.1.1.1 was seen on host/veth0: it left untranslated" },
	{ CAUSE_CAPTURE_SRC_UNSEEN, "source 10.1.1.1 was never seen on host/veth0" },
	{ CAUSE_CAPTURE_NO_PACKETS, "no packet of the stage's probes crossed host/veth0 (wanted source 10.1.1.1)" },
	{ CAUSE_CAPTURE_DST_UNSEEN, "destination 10.1.1.1 was never seen on host/veth0" },
	{ CAUSE_VACUOUS,
	  "vacuous: it already held before the stage's steps, so it cannot catch the regression it exists for" },
	{ CAUSE_FW_POLICY_DROP,
	  "host's forward chain (policy drop) dropped 3 packets of this probe: no accept rule matched" },
	{ CAUSE_CLIENT_NO_ROUTE,
	  "host has no route to 10.1.1.1: no default route, and no subnet of its own holds it; it has no address" },
	{ CAUSE_LO_DOWN, "host's lo is down: traffic to its own address 10.1.1.1 is delivered through lo" },
	{ CAUSE_DUPLICATE_ADDRESS, "10.1.1.1 is on both host/veth0 and blue/ens160: a duplicate address" },
	{ CAUSE_NEIGH_OWNER_SILENT,
	  "10.1.1.1 is blue/ens160, yet it has not answered ARP on host/veth0 (neighbour FAILED)" },
	{ CAUSE_NEIGH_UNANSWERED, "10.1.1.1 does not answer ARP on host/veth0 (neighbour FAILED)" },
	{ CAUSE_FORWARDING_OFF, "IPv4 forwarding is off in host (net.ipv4.ip_forward = 0)" },
	{ CAUSE_ROUTER_NO_ROUTE, "host has no route to 10.1.1.1" },
	{ CAUSE_NO_LISTENER, "nothing listens on FAILED port 8080 in host: no 'listen host FAILED 8080' step up to "
			     "this stage" },
	{ CAUSE_RP_FILTER_ASYMMETRIC, "rp_filter in host has dropped 3 packets: replies from 10.1.1.1 come in on veth0, "
				      "but host routes 10.1.1.1 out of ens160 (rp_filter 1 on veth0)" },
	{ CAUSE_RP_FILTER_DROPS, "rp_filter in host has dropped 3 packets (net.ipv4.conf.all.rp_filter = 1): their "
				 "source is not routed back out of the interface they came in on" },
	{ CAUSE_NO_ROUTE_BACK, "host has no route back to 10.1.1.1" },
	{ CAUSE_ARP_IGNORED_NO_ROUTE, "rp_filter in host ignores blue's ARP requests for 198.51.100.2 on veth0: they "
				      "ask from 10.1.1.1, to which host has no route (rp_filter 1 on veth0)" },
	{ CAUSE_ARP_IGNORED_ELSEWHERE, "rp_filter in host ignores blue's ARP requests for 198.51.100.2 on veth0: they "
				       "ask from 10.1.1.1, which host routes out of ens160 (rp_filter 1 on veth0)" },
	{ CAUSE_WAY_BACK_UNANSWERED, "host cannot reach 10.1.1.1 on its way back: 198.51.100.2 does not answer ARP on "
				     "host/veth0 (neighbour FAILED)" },
	{ CAUSE_RULE_LET_THROUGH, "host's forward rule 'expect ping blue 198.51.100.2' (line 12) accepts new flows "
				  "from 10.1.1.1 to 198.51.100.2: it has no 'ct established,related'" },
	{ CAUSE_POLICY_LET_THROUGH,
	  "host's forward path lets it through: no forward rule drops it and the policy is accept" },
	{ CAUSE_GATEWAY_OWN_ADDRESS, "gateway 10.1.1.1 is host's own address (host/veth0)" },
	{ CAUSE_ROUTE_VIA_OWN_ADDRESS, "host's route 'FAILED' goes via 10.1.1.1, host's own address (host/veth0): the "
				       "kernel takes it as on link, so host asks for 198.51.100.2 directly on ens160" },
	{ CAUSE_ROUTER_ROUTE_DROPS, "host's route to 10.1.1.1 is 'FAILED' (table connected): host does not forward it" },
	{ CAUSE_ROUTER_RULE_DROPS, "host's policy rule 'expect ping blue 198.51.100.2' drops the packet to 10.1.1.1" },
	{ CAUSE_ROUTER_OTHER_OIF, "host routes 10.1.1.1 out of veth0, not ens160: route 'FAILED' (table connected)" },
	{ CAUSE_IF_FORWARDING_OFF, "host does not forward IPv4 arriving on veth0 (net.ipv4.ip_forward = 1), though "
				   "net.ipv6.conf.all.forwarding = 3" },
	{ CAUSE_NO_ROUTE_BACK_DNAT, "host has no route back to 10.1.1.1: blue translated the destination to "
				    "198.51.100.2 (DNAT), whose namespace must route the answer back" },
	{ CAUSE_TRACE_RULE_DROP, "host's rule 'expect ping blue 198.51.100.2' (line 12) in net.ipv4.ip_forward chain "
	  "net.ipv6.conf.all.forwarding dropped the probe (nftrace, no counter); the probe got back FAILED" },
	{ CAUSE_TRACE_POLICY_DROP, "host's chain net.ipv6.conf.all.forwarding in net.ipv4.ip_forward (policy drop) "
	  "dropped 3 packets of the probe (nftrace): no rule there accepted it" },
	{ CAUSE_TRACE_NAT_UNMATCHED, "host's FAILED NAT rule 'expect ping blue 198.51.100.2' (line 12) in "
	  "net.ipv4.ip_forward chain net.ipv6.conf.all.forwarding matched nothing of the probe, no counter" },
	{ CAUSE_CAPTURE_EMPTY, "no packet of the stage's probes crossed host/veth0: the capture has nothing to judge" },
	{ CAUSE_PATH_LINK_DOWN, "FAILED blue/veth1 (on the way to 10.1.1.1, master of host/veth0) is up but has no "
				"carrier" },
	{ CAUSE_ROUTE_OTHER_TYPE, "host's route to 10.1.1.1 is of type FAILED, not connected" },
	{ CAUSE_ROUTE_OTHER_TABLE, "host's route to 10.1.1.1 comes from table FAILED, not table connected" },
	{ CAUSE_SPREAD_ONE_PATH, "of 3 flows to 10.1.1.1, none left through blue/veth1 (per egress: expect ping blue "
	  "198.51.100.2; net.ipv4.ip_forward = 1, 1 or 3 hash the ports)" },
	{ CAUSE_COUNTER_RULE_DROP, "host's rule 'expect ping blue 198.51.100.2' (line 12) in iptables-legacy table "
	  "net.ipv4.ip_forward chain net.ipv6.conf.all.forwarding dropped the probe (its counter rose by 3 during the "
	  "probe); the probe got back FAILED" },
	{ CAUSE_COUNTER_POLICY_DROP, "host's chain net.ipv6.conf.all.forwarding in iptables-legacy table "
	  "net.ipv4.ip_forward (policy drop) dropped 3 packets of the probe (its counter rose during the probe): no "
	  "rule there accepted it" },
	{ CAUSE_OWN_RULE_DROP, "host's rule 'expect ping blue 198.51.100.2' (line 12) dropped the probe (the kernel's "
	  "account of it); the probe got back FAILED" },
	{ CAUSE_GATEWAY_NOT_CACHED, "gateway 10.1.1.1 has no usable neighbour entry (FAILED); verify reads the "
	  "table only and solicits nothing (ARP)" },
	{ CAUSE_CONN_BYTES_SHORT, "the connection to 10.1.1.1 port 8080 stalled: 3 of 1 bytes left the client, and "
	  "the server never counted them" },
	{ CAUSE_PMTU_BLACK_HOLE, "PMTU black hole: host refused packets too big for its next hop and answered with ICMP "
	  "\"fragmentation needed\", but blue/veth1 received none" },
	{ CAUSE_OWN_NAT_UNMATCHED, "host's FAILED NAT rule 'expect ping blue 198.51.100.2' (line 12) matched nothing "
	  "of the probe: its counter has 3 flows" },
	{ CAUSE_FORCE_FORWARDING_OTHER_IF, "host does not forward IPv4 arriving on veth0: FAILED = 0, and the kernel "
	  "reads the incoming interface's net.ipv4.ip_forward = 1; net.ipv6.conf.all.forwarding = 3 is set on ens160, "
	  "the outgoing interface" },
	{ CAUSE_USER_DNAT_UNMATCHED, "host's destination NAT rule 'expect ping blue 198.51.100.2' matched nothing of "
	  "the probe: its counter has 3 flows; it is not a source NAT rule" },
	{ CAUSE_PING_TOO_BIG, "198.51.100.2 refused the 3-byte echo request to 10.1.1.1 as too big for its next hop "
	  "(MTU 1): ICMP \"fragmentation needed\"" },
	{ CAUSE_ROUTE_OTHER_MTU, "host's path MTU to 10.1.1.1 is 1, not 3 (the MTU of veth0: no route mtu, no learned "
	  "exception)" },
	{ CAUSE_RP_FILTER_SOURCE, "rp_filter in host drops what comes in on veth0 from 10.1.1.1: host routes 10.1.1.1 "
	  "out of ens160 (rp_filter 1 on veth0)" },
	{ CAUSE_ROUTER_NO_ROUTE_BACK, "host has no route back to 10.1.1.1: the replies from 198.51.100.2 reach host and "
	  "go no further" },
	{ CAUSE_BRIDGE_STP_WAIT, "blue/veth1 has no carrier: STP is on and none of its ports forwards yet (host/veth0 "
	  "is FAILED; the forward delay is 1 s for listening and as long again for learning)" },
	{ CAUSE_SNAT_TO_NOWHERE, "host translates 198.51.100.2 to 10.1.1.1 ('expect ping blue 198.51.100.2' (line 12)), "
	  "an address no interface has" },
	{ CAUSE_LISTENER_ELSEWHERE, "host's FAILED socket on port 8080 listens on 198.51.100.2 only, not on 10.1.1.1" },
	{ CAUSE_NAT_TO_NO_LISTENER, "nothing listens on FAILED port 8080 in host: blue translated the destination "
	  "198.51.100.2 port 1 to 10.1.1.1 port 8080 (destination NAT, as its conntrack entry shows)" },
	{ CAUSE_LINK_MTU_MISMATCH, "host/veth0 sends the 3-byte packets to 10.1.1.1 whole (its MTU is 1), but "
	  "blue/ens160 on the same link has MTU 8080 and drops them: an MTU mismatch on one link, where no router "
	  "answers \"fragmentation needed\"" },
	{ CAUSE_ADDRESS_ON_BRIDGE_PORT, "host/veth0 is a port of bridge ens160 and asks ARP for 198.51.100.2 by it, "
	  "but what comes in by a port goes to the bridge, so no answer reaches veth0: the address and routes belong "
	  "on ens160" },
	{ CAUSE_VXLAN_REMOTE_NOBODY, "host/veth0 sends VXLAN 1 to remote 10.1.1.1, an address no namespace has: its "
	  "frames reach no peer" },
	{ CAUSE_DNAT_OWN_TRAFFIC, "host's destination NAT rule 'expect ping blue 198.51.100.2' (line 12) is in "
	  "prerouting, which host's own connection to 10.1.1.1 port 8080 never crosses: its rule belongs in output" },
	{ CAUSE_HAIRPIN_NO_SNAT, "host translates 10.1.1.1 to 198.51.100.2 (DNAT) and sends blue's flow back out of "
	  "veth0, where it came in, keeping blue's source: 198.51.100.2 answers blue directly, and blue drops the answer "
	  "(a hairpin NAT needs a source NAT on veth0)" },
};

/* Every kind has a row, and every row says what the table says. */
static void test_every_kind(void)
{
	bool seen[CAUSE_KINDS] = { false };
	char text[CAUSE_TEXT_LEN];

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		struct cause c = sample(words[i].kind);

		seen[words[i].kind] = true;
		cause_render(&c, text, sizeof(text));
		if (strcmp(text, words[i].text))
			fprintf(stderr, "\nkind %d: \"%s\"\n", words[i].kind, text);
		CU_ASSERT_STRING_EQUAL(text, words[i].text);
	}
	for (int k = CAUSE_NONE + 1; k < CAUSE_KINDS; k++) {
		if (!seen[k] || !cause_kind_rendered(k))
			fprintf(stderr, "\nkind %d: no row in the table or no rendering\n", k);
		CU_ASSERT(seen[k] && cause_kind_rendered(k));
	}
	CU_ASSERT_EQUAL(cause_render(&(struct cause){ .kind = CAUSE_NONE }, text, sizeof(text)), 0);
	CU_ASSERT_STRING_EQUAL(text, "");
}

/* The variants a kind's flags, family and errno select, and the parts diagnosis adds to a cause. */
static void test_variants(void)
{
	struct cause c = sample(CAUSE_CLIENT_NO_ROUTE);
	char text[CAUSE_TEXT_LEN];

	c.naddrs = 2;
	CAUSE_COPY(c.addrs[0].dev, "veth1");
	CAUSE_COPY(c.addrs[1].dev, "veth2");
	CU_ASSERT_EQUAL(prefix_parse("10.1.2.1/24", &c.addrs[0].p), ADDR_OK);
	CU_ASSERT_EQUAL(prefix_parse("10.1.3.1/24", &c.addrs[1].p), ADDR_OK);
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host has no route to 10.1.1.1: no default route, and no subnet of its own holds "
				     "it; host/veth1 is 10.1.2.1/24, host/veth2 is 10.1.3.1/24");

	c = sample(CAUSE_ROUTE_NONE);
	c.flag = true;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host has no route to 10.1.1.1 (and no IPv4 default route)");
	CU_ASSERT_EQUAL(addr_parse("2001:db8:100::2", &c.addr), ADDR_OK);
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host has no route to 2001:db8:100::2 (and no IPv6 default route)");

	c = sample(CAUSE_RP_FILTER_SOURCE);
	c.dev2[0] = '\0';
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "rp_filter in host drops what comes in on veth0 from 10.1.1.1: host has no route "
				     "back to 10.1.1.1 (rp_filter 1 on veth0)");

	c = sample(CAUSE_FWD_SEND_FAILED);
	c.err = EPERM;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "the client's firewall (output) refused to send to 10.1.1.1 (EPERM)");

	c = sample(CAUSE_SNAT_TO_NOWHERE);
	c.line = 0;
	c.flag = true;
	CAUSE_COPY(c.word, "INCOMPLETE");
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host translates 198.51.100.2 to 10.1.1.1 (its conntrack entry), an address no "
				     "interface has: blue asks for it by ARP on blue/ens160 and nobody answers (neighbour "
				     "INCOMPLETE)");

	c = sample(CAUSE_FORWARDING_OFF);
	c.flag = true;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "IPv4 forwarding is off in host (net.ipv4.ip_forward = 0), though IPv6's is on "
				     "(net.ipv6.conf.all.forwarding = 1)");

	c = sample(CAUSE_ROUTER_ROUTE_DROPS);
	c.value = RTN_UNREACHABLE;
	c.flag = true;
	CAUSE_COPY(c.word, "unreachable default");
	CAUSE_COPY(c.word2, "100");
	CAUSE_COPY(c.text, "32765: from all iif veth0 lookup 100");
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host's route to 10.1.1.1 is 'unreachable default' (table 100, chosen by rule "
				     "'32765: from all iif veth0 lookup 100'): host drops it, answering ICMP host "
				     "unreachable");

	c = sample(CAUSE_IF_FORWARDING_OFF);
	c.flag2 = true;
	c.value = 0;
	c.count = 1;
	CAUSE_COPY(c.dev, "ens160");
	CAUSE_COPY(c.key, "net.ipv4.conf.ens160.forwarding");
	CAUSE_COPY(c.key2, "net.ipv4.ip_forward");
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host does not forward IPv4 arriving on ens160, the way back "
				     "(net.ipv4.conf.ens160.forwarding = 0), though net.ipv4.ip_forward = 1");
	/* a masquerade in a regular chain nothing reaches */
	c = sample(CAUSE_CAPTURE_UNTRANSLATED);
	c.nat.kind = NAT_MISS_NO_FLOW;
	CAUSE_COPY(c.nat.ns, "host");
	CAUSE_COPY(c.nat.rule, "oifname \"ens160\" masquerade");
	c.nat.mismatch = NAT_MISMATCH_UNREACHED;
	CAUSE_COPY(c.nat.chain, "post");
	CAUSE_COPY(c.nat.table, "ip nat");
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "source 10.1.1.1 was seen on host/veth0: it left untranslated; host's rule "
				     "'oifname \"ens160\" masquerade' matched no flow: it is in chain post of table ip nat, "
				     "which no hook and no jump reaches");

	/* a refused TCP flow leaves no conntrack entry: the trace saw the translation */
	c = sample(CAUSE_NAT_TO_NO_LISTENER);
	c.flag = true;
	CAUSE_COPY(c.word, "tcp");
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "nothing listens on tcp port 8080 in host: blue translated the destination "
				     "198.51.100.2 port 1 to 10.1.1.1 port 8080 (destination NAT, as the kernel's trace of "
				     "the probe shows)");

	/* a flow a notrack rule took out of tracking */
	c = sample(CAUSE_CAPTURE_UNTRANSLATED);
	c.nat.kind = NAT_MISS_UNTRACKED;
	CAUSE_COPY(c.nat.ns, "host");
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "source 10.1.1.1 was seen on host/veth0: it left untranslated; host keeps no "
				     "conntrack entry for the flow: it crossed untracked (a notrack rule), and NAT applies "
				     "only to tracked flows");

	c = sample(CAUSE_NO_ROUTE_BACK);
	c.flag2 = true;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host has no route back to 10.1.1.1: blue translates 198.51.100.2 to it (source NAT)");

	c = sample(CAUSE_IF_FORWARDING_OFF);
	c.flag2 = true;
	c.value = 0;
	CAUSE_COPY(c.dev, "ens160");
	CAUSE_COPY(c.key, "net.ipv4.conf.ens160.forwarding");
	CAUSE_COPY(c.key2, "net.ipv4.ip_forward");
	/* ip_forward 0, and only the way there's interface set to 1: the way there works, the way back not */
	c.flag = true;
	c.count = 0;
	CAUSE_COPY(c.dev2, "veth1");
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host does not forward IPv4 arriving on ens160, the way back "
				     "(net.ipv4.conf.ens160.forwarding = 0): only veth1's forwarding is on "
				     "(net.ipv4.ip_forward = 0), so the way there works");

	c = sample(CAUSE_CONN_LOCAL_ERROR);
	c.err = EPIPE;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "10.1.1.1 cannot be reached");

	c = sample(CAUSE_CAPTURE_UNTRANSLATED);
	c.nat.kind = NAT_MISS_NO_FLOW;
	CAUSE_COPY(c.nat.rule, "masquerade host from 10.1.2.0/24 oif ens160");
	c.nat.line = 31;
	c.nat.mismatch = NAT_MISMATCH_SOURCE;
	c.nat.src = ip("10.1.1.1");
	CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/24", &c.nat.from), ADDR_OK);
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "source 10.1.1.1 was seen on host/veth0: it left untranslated; 'masquerade host "
				     "from 10.1.2.0/24 oif ens160' (line 31) matched no flow: 10.1.1.1 is not in "
				     "10.1.2.0/24");

	c.nat.kind = NAT_MISS_OLD_FLOW;
	CAUSE_COPY(c.nat.flow, "udp 10.1.1.1:4000 > 198.51.100.2:5353");
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "source 10.1.1.1 was seen on host/veth0: it left untranslated; a conntrack entry "
				     "from before line 31 existed keeps udp 10.1.1.1:4000 > 198.51.100.2:5353 "
				     "untranslated (NAT decides on a flow's first packet)");

	c = sample(CAUSE_NO_ROUTE_BACK);
	c.back.prefixes_differ = true;
	CAUSE_COPY(c.back.ns, "host");
	CAUSE_COPY(c.back.dev, "veth0");
	CAUSE_COPY(c.back.near_ns, "blue");
	CAUSE_COPY(c.back.near_dev, "veth1");
	CU_ASSERT_EQUAL(prefix_parse("10.1.2.2/24", &c.back.far), ADDR_OK);
	CU_ASSERT_EQUAL(prefix_parse("10.1.1.1/24", &c.back.near), ADDR_OK);
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host has no route back to 10.1.1.1: host/veth0 is 10.1.2.2/24 but blue/veth1 is "
				     "10.1.1.1/24 (the prefixes differ)");

	c = sample(CAUSE_NO_ROUTE_BACK);
	c.flag = true;
	c.nat.kind = NAT_MISS_NO_RULE;
	CAUSE_COPY(c.nat.ns, "host");
	c.nat.family = AF_INET;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host has no route back to 10.1.1.1: host has no IPv4 masquerade or snat rule");
	CAUSE_COPY(c.nat.rule, "masquerade host from 2001:db8:1::/64 oif ens160");
	c.nat.line = 31;
	c.nat.rule_family = AF_INET6;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host has no route back to 10.1.1.1: host has no IPv4 masquerade or snat rule; its "
				     "'masquerade host from 2001:db8:1::/64 oif ens160' (line 31) is for IPv6 only");
	CAUSE_COPY(c.nat.rule, "-A POSTROUTING -o ens160 -j MASQUERADE");
	c.nat.line = 0;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host has no route back to 10.1.1.1: host has no IPv4 masquerade or snat rule; its "
				     "rule '-A POSTROUTING -o ens160 -j MASQUERADE' is for IPv6 only");
	c.nat.family = AF_INET6;
	c.nat.rule_family = AF_INET;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host has no route back to 10.1.1.1: host has no IPv6 masquerade or snat rule; its "
				     "rule '-A POSTROUTING -o ens160 -j MASQUERADE' is for IPv4 only");

	c = sample(CAUSE_PATH_LINK_DOWN);
	CAUSE_COPY(c.word, "bridge");
	CAUSE_COPY(c.where, "sw/br0");
	CAUSE_COPY(c.where2, "sw/p1");
	c.flag = true;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "bridge sw/br0 (on the way to 10.1.1.1, master of sw/p1) is administratively down");
	c.where2[0] = c.word[0] = '\0';
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "sw/br0 (on the way to 10.1.1.1) is administratively down");

	c = sample(CAUSE_CAPTURE_EMPTY);
	c.flag = true;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "the stage sends no probe traffic, so the capture on host/veth0 has nothing to "
				     "judge (add an expect ping, tcp, udp or forwarded to the stage)");
}

/* Where a path MTU that differs comes from: the route's metric, a learned exception, the device. */
static void test_route_mtu_from(void)
{
	struct cause c = sample(CAUSE_ROUTE_OTHER_MTU);
	char text[CAUSE_TEXT_LEN];

	c.value = 1280;
	c.count = 1500;
	CAUSE_COPY(c.word, "exception");
	c.ms = 599010;
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host's path MTU to 10.1.1.1 is 1280, not 1500 (a PMTU exception learned from an "
				     "ICMP error, expiring in 600 s)");
	CAUSE_COPY(c.word, "route");
	cause_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "host's path MTU to 10.1.1.1 is 1280, not 1500 (the route's mtu metric)");
}

/* A PMTU black hole names the firewall drop that took the ICMP errors, as the cause that found it words it. */
static void test_pmtu_dropped_by(void)
{
	static const char head[] = "PMTU black hole: r refused packets too big for its next hop and answered with "
				   "ICMPv6 \"packet too big\", but blue received none";
	static const struct {
		enum cause_kind by;
		bool counter;
		const char *tail;
	} rows[] = {
		{ CAUSE_NONE, false, "" },
		{ CAUSE_OWN_RULE_DROP, false, ": fw's rule 'forward fw drop from 2001:db8:2::2/128' (line 33) dropped them" },
		{ CAUSE_TRACE_RULE_DROP, true, ": fw's rule 'forward fw drop from 2001:db8:2::2/128' (line 33) in "
		  "ip6 filter chain FORWARD dropped them" },
		{ CAUSE_TRACE_POLICY_DROP, false, ": fw's chain FORWARD in ip6 filter (policy drop) dropped them" },
		{ CAUSE_COUNTER_RULE_DROP, false, ": fw's rule 'forward fw drop from 2001:db8:2::2/128' (line 33) in "
		  "ip6tables-legacy filter chain FORWARD dropped them" },
		{ CAUSE_COUNTER_POLICY_DROP, false, ": fw's chain FORWARD in ip6tables-legacy filter (policy drop) "
		  "dropped them" },
		{ CAUSE_FW_POLICY_DROP, false, ": fw's forward chain (policy drop) dropped them" },
	};
	char text[CAUSE_TEXT_LEN], want[CAUSE_TEXT_LEN * 2];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cause c = cause_of(CAUSE_PMTU_BLACK_HOLE);

		CAUSE_COPY(c.ns, "r");
		CAUSE_COPY(c.where, "blue");
		c.family = AF_INET6;
		c.value = rows[i].by;
		CAUSE_COPY(c.ns2, "fw");
		CAUSE_COPY(c.key, rows[i].by == CAUSE_COUNTER_RULE_DROP || rows[i].by == CAUSE_COUNTER_POLICY_DROP ?
				  "filter" : "ip6 filter");
		CAUSE_COPY(c.key2, "FORWARD");
		CAUSE_COPY(c.text, "forward fw drop from 2001:db8:2::2/128");
		c.line = 33;
		c.flag2 = rows[i].counter;
		c.count = 7;
		cause_render(&c, text, sizeof(text));
		snprintf(want, sizeof(want), "%s%s", head, rows[i].tail);
		CU_ASSERT_STRING_EQUAL(text, want);
	}
}

/* A cause longer than a line's room is cut, never overrun. */
static void test_truncation(void)
{
	struct cause c = sample(CAUSE_MUST_FAIL_PASSED);
	char text[16];

	memset(c.text, 'x', sizeof(c.text) - 1);
	CU_ASSERT_EQUAL(cause_render(&c, text, sizeof(text)), sizeof(text) - 1);
	CU_ASSERT_STRING_EQUAL(text, "the check succe");
}

/* Displaced causes come back as lines where they happened among the evidence. */
static void test_notes_in_evidence(void)
{
	struct check c;
	struct cause later = sample(CAUSE_LO_DOWN), also = sample(CAUSE_NO_LISTENER);
	char text[sizeof(c.evidence)];

	check_init(&c);
	check_evidence(&c, "first");
	CAUSE_COPY(check_cause(&c, CAUSE_FW_POLICY_DROP)->ns, "host");
	c.cause.count = 1;
	check_evidence(&c, "second");
	dg_cause(&c, false, &also);                 /* a measured drop stays; the new finding is only noted */
	CU_ASSERT_EQUAL(c.cause.kind, CAUSE_FW_POLICY_DROP);
	check_evidence(&c, "third");
	dg_cause(&c, true, &later);                 /* over the firewall: the drop is displaced */
	CU_ASSERT_EQUAL(c.cause.kind, CAUSE_LO_DOWN);
	dg_cause(&c, true, &later);                 /* the same finding again changes nothing */
	CU_ASSERT_EQUAL(c.nnotes, 2);
	check_evidence_render(&c, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "first\nsecond\nalso: nothing listens on FAILED port 8080 in host: no 'listen host "
				     "FAILED 8080' step up to this stage\nthird\nthe probe's own finding: host's forward "
				     "chain (policy drop) dropped 1 packet of this probe: no accept rule matched\n");
}

/* Ranking compares kinds: only a drop measured on the probe's own packets holds its place. */
static void test_ranking(void)
{
	struct check c;
	struct cause route = sample(CAUSE_ROUTER_NO_ROUTE), back = sample(CAUSE_NO_ROUTE_BACK);

	CU_ASSERT(dg_cause_measured(CAUSE_FW_POLICY_DROP));
	for (int k = CAUSE_NONE; k < CAUSE_KINDS; k++)
		CU_ASSERT(dg_cause_measured(k) == (k == CAUSE_FW_POLICY_DROP || k == CAUSE_TRACE_RULE_DROP ||
						   k == CAUSE_TRACE_POLICY_DROP || k == CAUSE_COUNTER_RULE_DROP ||
						   k == CAUSE_COUNTER_POLICY_DROP || k == CAUSE_OWN_RULE_DROP ||
						   k == CAUSE_PMTU_BLACK_HOLE));

	check_init(&c);
	check_cause(&c, CAUSE_PING_SILENT_DROP);
	dg_cause(&c, false, &back);                 /* a probe's own cause gives way to diagnosis */
	CU_ASSERT_EQUAL(c.cause.kind, CAUSE_NO_ROUTE_BACK);
	CU_ASSERT_EQUAL(c.nnotes, 1);
	CU_ASSERT_EQUAL(c.notes[0].role, NOTE_OWN_FINDING);
	CU_ASSERT_EQUAL(c.notes[0].cause.kind, CAUSE_PING_SILENT_DROP);
	dg_cause(&c, true, &route);
	CU_ASSERT_EQUAL(c.cause.kind, CAUSE_ROUTER_NO_ROUTE);
	CU_ASSERT_EQUAL(c.notes[1].cause.kind, CAUSE_NO_ROUTE_BACK);

	check_init(&c);                             /* no cause yet: nothing is displaced */
	dg_cause(&c, false, &back);
	CU_ASSERT_EQUAL(c.nnotes, 0);
	CU_ASSERT(cause_same(&c.cause, &back));
	route.count = 1;                            /* same kind, other payload: another finding */
	CU_ASSERT(!cause_same(&route, &(struct cause){ .kind = CAUSE_ROUTER_NO_ROUTE }));
}

/* The stage's reason: the chosen expectation's cause, or what it got when it has none; else the set text. */
static void test_stage_reason(void)
{
	struct expect e[2] = { { .text = "expect ping blue 10.1.1.2" }, { .text = "expect link blue/veth1 up" } };
	struct expect_result x[2] = { { .expect = &e[0] }, { .expect = &e[1] } };
	struct stage_result st = { .expects = x, .nexpects = 2 };
	char text[sizeof(st.reason)];

	check_init(&x[0].check);
	check_init(&x[1].check);
	snprintf(st.reason, sizeof(st.reason), "a step failed");
	CU_ASSERT_STRING_EQUAL(stage_reason(&st, text, sizeof(text)), "a step failed");
	st.reason[0] = '\0';
	st.reason_expect = 2;
	check_got(&x[1].check, "admin down");
	CU_ASSERT_STRING_EQUAL(stage_reason(&st, text, sizeof(text)), "expect link blue/veth1 up: admin down");
	CAUSE_COPY(check_cause(&x[1].check, CAUSE_LINK_ADMIN_DOWN)->where, "blue/veth1");
	CU_ASSERT_STRING_EQUAL(stage_reason(&st, text, sizeof(text)),
			       "expect link blue/veth1 up: blue/veth1 is administratively down (no 'up' step for it)");
	snprintf(st.reason, sizeof(st.reason), "the deadline passed");   /* set later by the runner: it wins */
	CU_ASSERT_STRING_EQUAL(stage_reason(&st, text, sizeof(text)), "the deadline passed");
}

UNIT_SUITE(cause, { "every kind has its words", test_every_kind }, { "variants", test_variants }, { "PMTU black hole: the drop that took the errors", test_pmtu_dropped_by },
	   { "route mtu: where it comes from", test_route_mtu_from },
	   { "truncation", test_truncation }, { "notes among the evidence", test_notes_in_evidence },
	   { "ranking by kind", test_ranking }, { "stage reason", test_stage_reason })
