/* test_links.c — the link kinds: their requests byte for byte (what iproute2 sends for the same command, but
 * for libmnl's NLA_F_NESTED on nests and the NUL of IFLA_INFO_KIND), their statements, and their rows. */
#include "harness/base/nl.h"
#include "harness/base/rtnl_newlink.h"
#include "harness/scenario/kinds.h"
#include "tests/unit/parse_check.h"
#include "tests/unit/bytes_check.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static char buf[NL_BUF_SIZE];

#define NEWLINK_HEAD(len) \
	(len), 0, 0, 0, 0x10, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,   /* RTM_NEWLINK, create exclusive */ \
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0                 /* AF_UNSPEC, no index */

/* ip link add link <index 2> name eth0.10 type vlan id 10 */
static void test_vlan(void)
{
	static const unsigned char want[] = {
		NEWLINK_HEAD(0x50),
		12, 0, 3, 0, 'e', 't', 'h', '0', '.', '1', '0', 0,          /* IFLA_IFNAME */
		8, 0, 5, 0, 2, 0, 0, 0,                                      /* IFLA_LINK 2 */
		28, 0, 0x12, 0x80,                                           /* IFLA_LINKINFO */
		9, 0, 1, 0, 'v', 'l', 'a', 'n', 0, 0, 0, 0,                  /* IFLA_INFO_KIND */
		12, 0, 2, 0x80, 6, 0, 1, 0, 10, 0, 0, 0,                     /* IFLA_INFO_DATA: IFLA_VLAN_ID 10 */
	};
	struct link_params p = { .kind = LINK_VLAN, .id = 10, .mode = -1 };

	assert_bytes(rtnl_msg_newlink(buf, "eth0.10", &p, 2), want, sizeof(want));
}

/* ip link add br0 type bridge stp_state 0: STP is written off, whatever the kernel's default */
static void test_bridge(void)
{
	static const unsigned char want[] = {
		NEWLINK_HEAD(0x44),
		8, 0, 3, 0, 'b', 'r', '0', 0,
		28, 0, 0x12, 0x80,
		11, 0, 1, 0, 'b', 'r', 'i', 'd', 'g', 'e', 0, 0,
		12, 0, 2, 0x80, 8, 0, 5, 0, 0, 0, 0, 0,                      /* IFLA_BR_STP_STATE 0 */
	};
	struct link_params p = { .kind = LINK_BRIDGE, .mode = -1 };

	assert_bytes(rtnl_msg_newlink(buf, "br0", &p, 0), want, sizeof(want));
}

/* ip link add vx0 type vxlan id 42 remote 198.51.100.2 local 198.51.100.1 dev <index 2> dstport 4789 */
static void test_vxlan(void)
{
	static const unsigned char want[] = {
		NEWLINK_HEAD(0x64),
		8, 0, 3, 0, 'v', 'x', '0', 0,                                /* no IFLA_LINK: the device is vxlan's own */
		0x3c, 0, 0x12, 0x80,
		10, 0, 1, 0, 'v', 'x', 'l', 'a', 'n', 0, 0, 0,
		0x2c, 0, 2, 0x80,
		8, 0, 1, 0, 42, 0, 0, 0,                                     /* IFLA_VXLAN_ID */
		8, 0, 2, 0, 198, 51, 100, 2,                                 /* IFLA_VXLAN_GROUP: the remote */
		8, 0, 4, 0, 198, 51, 100, 1,                                 /* IFLA_VXLAN_LOCAL */
		8, 0, 3, 0, 2, 0, 0, 0,                                      /* IFLA_VXLAN_LINK */
		6, 0, 15, 0, 0x12, 0xb5, 0, 0,                               /* IFLA_VXLAN_PORT 4789, network order */
	};
	struct link_params p = { .kind = LINK_VXLAN, .id = 42, .mode = -1, .has_local = true, .has_remote = true };

	p.local.family = p.remote.family = AF_INET;
	inet_pton(AF_INET, "198.51.100.1", p.local.bytes);
	inet_pton(AF_INET, "198.51.100.2", p.remote.bytes);
	assert_bytes(rtnl_msg_newlink(buf, "vx0", &p, 2), want, sizeof(want));
}

/* ip link set dev <index 3> master <index 5>; ip link set dev <index 2> mtu 1400 */
static void test_master_and_mtu(void)
{
	static const unsigned char master[] = {
		0x28, 0, 0, 0, 0x10, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		8, 0, 10, 0, 5, 0, 0, 0,                                     /* IFLA_MASTER */
	};
	static const unsigned char mtu[] = {
		0x28, 0, 0, 0, 0x10, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		8, 0, 4, 0, 0x78, 0x05, 0, 0,                                /* IFLA_MTU 1400 */
	};

	assert_bytes(rtnl_msg_link_master(buf, 3, 5), master, sizeof(master));
	assert_bytes(rtnl_msg_link_mtu(buf, 2, 1400), mtu, sizeof(mtu));
}

/* Every kind has a word found by name, a feature in words, and a statement's row but wireguard. */
static void test_kind_rows(void)
{
	for (int k = 0; k < LINK_KIND_COUNT; k++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(link_kinds[k].word);
		CU_ASSERT_PTR_NOT_NULL(link_kinds[k].feature);
		CU_ASSERT_EQUAL(link_kind_find(link_kinds[k].word), k);
	}
	CU_ASSERT_EQUAL(link_kind_find("veth"), -1);
	CU_ASSERT(link_kinds[LINK_VXLAN].unknown_is_up && link_kinds[LINK_DUMMY].unknown_is_up);
	CU_ASSERT(!link_kinds[LINK_BRIDGE].unknown_is_up && !link_kinds[LINK_VLAN].unknown_is_up);
}

/* Links declared by their statements are named by every later one; bond's slaves become master steps. */
static void test_statements(void)
{
	struct scenario *s = parse_clean(HEAD
		"bridge host/br0 stp on\n"
		"master host/veth0 host/br0\n"
		"vlan blue/v10 on veth1 id 10\n"
		"vxlan blue/vx0 id 7 local 10.1.1.1 remote 10.1.1.2 dev veth1 port 8472\n"
		"macvlan host/mv0 on veth0 mode bridge\n"
		"bond host/bond0 mode active-backup slaves mv0\n"
		"mtu blue/vx0 1400\n"
		"address host/br0 10.1.1.2/24\n"
		"up host/br0 blue/v10\n"
		"requires kernel vlan bridge-vlan-filtering ipv6-force-forwarding\n"
		STAGE);
	const struct step *st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	st = s->steps;
	CU_ASSERT_EQUAL(s->nsetup, 15);
	CU_ASSERT(st[1].kind == STEP_BRIDGE && st[1].u.newlink.p.stp && st[1].u.newlink.p.kind == LINK_BRIDGE);
	CU_ASSERT(st[2].kind == STEP_MASTER && !strcmp(st[2].u.master.master, "br0") && st[2].ns == 1);
	CU_ASSERT(st[3].kind == STEP_VLAN && st[3].u.newlink.p.id == 10 && !strcmp(st[3].u.newlink.parent, "veth1"));
	CU_ASSERT(st[4].kind == STEP_VXLAN && st[4].u.newlink.p.port == 8472 && st[4].u.newlink.p.has_remote);
	CU_ASSERT(st[5].kind == STEP_MACVLAN && st[5].u.newlink.p.mode == 4);   /* MACVLAN_MODE_BRIDGE */
	CU_ASSERT(st[6].kind == STEP_BOND && st[6].u.newlink.p.mode == 1);
	CU_ASSERT(st[7].kind == STEP_MASTER && !strcmp(st[7].u.master.link.name, "mv0"));
	CU_ASSERT_EQUAL(st[7].loc.col, 43);
	CU_ASSERT(st[8].kind == STEP_MTU && st[8].u.mtu.mtu == 1400);
	CU_ASSERT(st[12].kind == STEP_REQUIRES && !strcmp(st[12].u.requires.name, "vlan"));
	CU_ASSERT(st[13].u.requires.trial.kind == LINK_BRIDGE && st[13].u.requires.trial.vlan_filtering);
	CU_ASSERT(step_kind(&st[13])->flags & STEP_F_REQUIREMENT);
	CU_ASSERT(st[14].kind == STEP_REQUIRES && !strcmp(st[14].u.requires.name, "ipv6-force-forwarding"));
	CU_ASSERT(sysctl_feature_find(st[14].u.requires.name) &&
		  !strcmp(sysctl_feature_find(st[14].u.requires.name)->key, "net/ipv6/conf/all/force_forwarding"));
	CU_ASSERT_PTR_NULL(sysctl_feature_find("vlan"));
	scenario_free(s);
}

/* exec ... makes NS/IF: the link is declared; a quoted "makes" is the program's own argument. */
static void test_exec_makes(void)
{
	struct scenario *s = parse_clean(HEAD "exec host ip link add br0 type bridge makes host/br0\n"
				      "exec host echo \"makes\" x/y\naddress host/br0 10.1.1.2/24\n" STAGE);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->steps[1].u.exec.argc, 6);
	CU_ASSERT_EQUAL(s->steps[1].u.exec.nmakes, 1);
	CU_ASSERT_STRING_EQUAL(s->steps[1].u.exec.makes[0].name, "br0");
	CU_ASSERT_EQUAL(s->steps[2].u.exec.argc, 3);
	CU_ASSERT_EQUAL(s->steps[2].u.exec.nmakes, 0);
	scenario_free(s);
}

static void test_errors(void)
{
	CHECK_ERRORS(HEAD "vlan blue/v10 on veth1 id 5000\n" STAGE,
		     "t.scn:4:27: bad VLAN id '5000': expected a number from 1 to 4094\n");
	CHECK_ERRORS(HEAD "vlan blue/v10 on veth1\n" STAGE, "t.scn:4:23: 'vlan' takes NS/IF on PARENT id N: missing 'id N'\n");
	CHECK_ERRORS(HEAD "macvlan host/m on veth0 mode brigde\n" STAGE,
		     "t.scn:4:30: unknown macvlan mode 'brigde': expected private, vepa, bridge, passthru, source; "
		     "did you mean 'bridge'?\n");
	CHECK_ERRORS(HEAD "gre host/g local 10.0.0.1 remote 2001:db8::1\n" STAGE,
		     "t.scn:4:34: 'gre' takes IPv4 endpoints, found '2001:db8::1'\n");
	CHECK_ERRORS(HEAD "bridge host/br0\nmaster blue/veth1 host/br0\n" STAGE,
		     "t.scn:5:19: 'host/br0' is not in the namespace of blue/veth1: a port and its master share one\n");
	CHECK_ERRORS(HEAD "requires kernel vlna\n" STAGE,
		     "t.scn:4:17: unknown kernel feature 'vlna': expected a link kind (bridge, vlan, dummy, macvlan, "
		     "ipvlan, vxlan, gre, ipip, sit, vrf, bond, wireguard), bridge-vlan-filtering or ipv6-force-forwarding; "
		     "did you mean 'vlan'?\n");
	CHECK_ERRORS(HEAD "bridge host/veth0\n" STAGE,
		     "t.scn:4:13: interface 'veth0' already exists in namespace 'host' (declared at 3:11)\n");
	CHECK_ERRORS(HEAD "mtu host/veth0 20\n" STAGE, "t.scn:4:16: bad MTU '20': expected a number from 68 to 65535\n");
}

UNIT_SUITE(links, { "vlan request", test_vlan }, { "bridge request, STP off", test_bridge },
	   { "vxlan request", test_vxlan }, { "master and mtu requests", test_master_and_mtu },
	   { "link kinds' rows", test_kind_rows }, { "link statements", test_statements },
	   { "exec makes", test_exec_makes }, { "link statement errors", test_errors })
