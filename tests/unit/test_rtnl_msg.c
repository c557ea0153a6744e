/* test_rtnl_msg.c — the rtnetlink requests, byte for byte.
 *
 * Expected bytes are what iproute2 6.1 sends for the same command (strace -xx -e sendmsg ip ...), with the
 * sequence number zeroed (nl_talk stamps it) and the differences that are ours noted. */
#include "harness/base/nl.h"
#include "harness/base/rtnl_msg.h"
#include "tests/unit/bytes_check.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <string.h>

static char buf[NL_BUF_SIZE];

static struct addr v4(const char *s)
{
	struct addr a = { .family = AF_INET };

	inet_pton(AF_INET, s, a.bytes);
	return a;
}

static struct addr v6(const char *s)
{
	struct addr a = { .family = AF_INET6 };

	inet_pton(AF_INET6, s, a.bytes);
	return a;
}

/* ip link set dev <index 2> up */
static void test_link_up(void)
{
	static const unsigned char want[] = {
		0x20, 0, 0, 0, 0x10, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* len 32, RTM_NEWLINK, REQUEST|ACK */
		0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0,            /* AF_UNSPEC, index 2, flags UP, change UP */
	};

	assert_bytes(rtnl_msg_link_set(buf, 2, true), want, sizeof(want));
}

/* ip link set dev <index 3> down */
static void test_link_down(void)
{
	static const unsigned char want[] = {
		0x20, 0, 0, 0, 0x10, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,            /* flags 0, change UP */
	};

	assert_bytes(rtnl_msg_link_set(buf, 3, false), want, sizeof(want));
}

/* ip addr add 10.1.1.1/24 dev <index 2> */
static void test_addr_v4(void)
{
	static const unsigned char want[] = {
		0x28, 0, 0, 0, 0x14, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, /* RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE */
		2, 24, 0, 0, 2, 0, 0, 0,                                    /* AF_INET /24 scope universe index 2 */
		8, 0, 2, 0, 10, 1, 1, 1,                                    /* IFA_LOCAL */
		8, 0, 1, 0, 10, 1, 1, 1,                                    /* IFA_ADDRESS */
	};
	struct prefix p = { v4("10.1.1.1"), 24 };

	assert_bytes(rtnl_msg_addr_add(buf, 2, &p), want, sizeof(want));
}

/* ip -6 addr add 2001:db8::1/64 dev <index 2> nodad */
static void test_addr_v6_nodad(void)
{
	static const unsigned char want[] = {
		0x40, 0, 0, 0, 0x14, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		10, 64, 2, 0, 2, 0, 0, 0,                                   /* AF_INET6 /64 IFA_F_NODAD */
		20, 0, 2, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		20, 0, 1, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	struct prefix p = { v6("2001:db8::1"), 64 };

	assert_bytes(rtnl_msg_addr_add(buf, 2, &p), want, sizeof(want));
}

/* ip route add default via 10.1.1.2 — ours says RTPROT_STATIC (4) where iproute2 says RTPROT_BOOT (3). */
static void test_route_default_via(void)
{
	static const unsigned char want[] = {
		0x24, 0, 0, 0, 0x18, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, /* RTM_NEWROUTE */
		2, 0, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0,                       /* AF_INET dst_len 0 main static universe unicast */
		8, 0, 5, 0, 10, 1, 1, 2,                                    /* RTA_GATEWAY */
	};
	struct prefix dst = { { .family = AF_INET }, 0 };
	struct addr via = v4("10.1.1.2");

	assert_bytes(rtnl_msg_route_add(buf, &dst, &via, 0), want, sizeof(want));
}

/* ip route add 10.2.0.0/16 dev <index 4>: a device route has link scope. */
static void test_route_prefix_dev(void)
{
	static const unsigned char want[] = {
		0x2c, 0, 0, 0, 0x18, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 16, 0, 0, 254, 4, 253, 1, 0, 0, 0, 0,                    /* scope link */
		8, 0, 1, 0, 10, 2, 0, 0,                                    /* RTA_DST */
		8, 0, 4, 0, 4, 0, 0, 0,                                     /* RTA_OIF 4 */
	};
	struct prefix dst = { v4("10.2.0.0"), 16 };

	assert_bytes(rtnl_msg_route_add(buf, &dst, NULL, 4), want, sizeof(want));
}

/* ip route get 198.51.100.2 (iproute2 adds no flags beyond REQUEST; we ask for the ack so a plain GET ends). */
static void test_route_get(void)
{
	static const unsigned char want[] = {
		0x24, 0, 0, 0, 0x1a, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0,    /* RTM_GETROUTE, REQUEST|ACK */
		2, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		8, 0, 1, 0, 198, 51, 100, 2,                                /* RTA_DST */
	};
	struct addr dst = v4("198.51.100.2");

	assert_bytes(rtnl_msg_route_get(buf, &dst), want, sizeof(want));
}

/* ip route get 198.51.100.2 from 10.1.1.1 iif <index 3> (iproute2 writes the same attributes) */
static void test_route_get_in(void)
{
	static const unsigned char want[] = {
		0x34, 0, 0, 0, 0x1a, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0,    /* RTM_GETROUTE, REQUEST|ACK */
		2, 32, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0,                       /* dst_len 32, src_len 32 */
		8, 0, 1, 0, 198, 51, 100, 2,                                /* RTA_DST */
		8, 0, 2, 0, 10, 1, 1, 1,                                    /* RTA_SRC */
		8, 0, 3, 0, 3, 0, 0, 0,                                     /* RTA_IIF */
	};
	struct addr dst = v4("198.51.100.2"), src = v4("10.1.1.1");

	assert_bytes(rtnl_msg_route_get_in(buf, &dst, &src, 3, 0, false), want, sizeof(want));
}

/* ip neigh replace 10.1.1.2 dev <index 2> use */
static void test_neigh_use(void)
{
	static const unsigned char want[] = {
		0x24, 0, 0, 0, 0x1c, 0, 0x05, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, /* RTM_NEWNEIGH, REQUEST|ACK|REPLACE|CREATE */
		2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0x01, 0,                      /* AF_INET index 2 state 0 flags NTF_USE */
		8, 0, 1, 0, 10, 1, 1, 2,                                    /* NDA_DST */
	};
	struct addr a = v4("10.1.1.2");

	assert_bytes(rtnl_msg_neigh_use(buf, 2, &a), want, sizeof(want));
}

/* ip link add veth0 type veth peer name veth1 netns <fd 7> */
static void test_veth_peer_in_namespace(void)
{
	static const unsigned char want[] = {
		0x68, 0, 0, 0, 0x10, 0, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, /* len 104, RTM_NEWLINK, create exclusive */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		10, 0, 3, 0, 'v', 'e', 't', 'h', '0', 0, 0, 0,               /* IFLA_IFNAME */
		0x3c, 0, 0x12, 0x80,                                         /* IFLA_LINKINFO (nested), 60 bytes */
		9, 0, 1, 0, 'v', 'e', 't', 'h', 0, 0, 0, 0,                  /* IFLA_INFO_KIND "veth" (iproute2: no NUL) */
		0x2c, 0, 2, 0x80,                                            /* IFLA_INFO_DATA (nested), 44 bytes */
		0x28, 0, 1, 0x80,                                            /* VETH_INFO_PEER (nested), 40 bytes */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,              /* the peer's ifinfomsg */
		10, 0, 3, 0, 'v', 'e', 't', 'h', '1', 0, 0, 0,               /* its IFLA_IFNAME */
		8, 0, 0x1c, 0, 7, 0, 0, 0,                                   /* its IFLA_NET_NS_FD 7 */
	};

	assert_bytes(rtnl_msg_veth(buf, "veth0", "veth1", 7), want, sizeof(want));
}

UNIT_SUITE(rtnl_msg,
	   { "link up", test_link_up },
	   { "link down", test_link_down },
	   { "IPv4 address", test_addr_v4 },
	   { "IPv6 address without DAD", test_addr_v6_nodad },
	   { "default route via a gateway", test_route_default_via },
	   { "prefix route on a device", test_route_prefix_dev },
	   { "FIB lookup", test_route_get },
	   { "FIB lookup of a forwarded packet", test_route_get_in },
	   { "neighbour solicitation (NTF_USE)", test_neigh_use },
	   { "veth with its peer in another namespace", test_veth_peer_in_namespace })
