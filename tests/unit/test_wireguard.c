/* test_wireguard.c — the wireguard statement, parsed from real text with its exact errors; the key clamping;
 * and the generic netlink messages it becomes, byte for byte (laid out from linux/wireguard.h and
 * linux/genetlink.h, nests flagged NLA_F_NESTED as wg(8) sends them), and a GET_DEVICE answer built here
 * and parsed back. */
#include "harness/base/addr.h"
#include "harness/base/genl_wireguard.h"
#include "harness/base/nl.h"
#include "harness/scenario/model.h"
#include "tests/unit/parse_check.h"
#include "tests/unit/bytes_check.h"
#include "tests/unit/unit.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char buf[NL_BUF_SIZE];

static void test_clamp(void)
{
	uint8_t k[WG_KEY_BYTES], z[WG_KEY_BYTES];

	memset(k, 0xff, sizeof(k));
	wg_key_clamp(k);
	CU_ASSERT_EQUAL(k[0], 0xf8);           /* low three bits cleared */
	CU_ASSERT_EQUAL(k[31], 0x7f);          /* top bit cleared, bit 254 set */
	for (unsigned i = 1; i < 31; i++)
		CU_ASSERT_EQUAL(k[i], 0xff);
	memset(z, 0, sizeof(z));
	wg_key_clamp(z);
	CU_ASSERT_EQUAL(z[0], 0);
	CU_ASSERT_EQUAL(z[31], 0x40);          /* bit 254 set even from zeros */
}

/* Two fresh keys differ, and both are clamped. */
static void test_generate(void)
{
	uint8_t a[WG_KEY_BYTES], b[WG_KEY_BYTES];

	CU_ASSERT_EQUAL_FATAL(wg_key_generate(a), 0);
	CU_ASSERT_EQUAL_FATAL(wg_key_generate(b), 0);
	CU_ASSERT(memcmp(a, b, sizeof(a)) != 0);
	CU_ASSERT((a[0] & 7) == 0 && (a[31] & 0xc0) == 0x40);
	CU_ASSERT((b[0] & 7) == 0 && (b[31] & 0xc0) == 0x40);
}

/* CTRL_CMD_GETFAMILY "wireguard" to GENL_ID_CTRL, acknowledged. */
static void test_msg_family_get(void)
{
	static const unsigned char want[] = {
		36, 0, 0, 0, 0x10, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0,      /* GENL_ID_CTRL, REQUEST|ACK */
		3, 1, 0, 0,                                                 /* CTRL_CMD_GETFAMILY, version 1 */
		14, 0, 2, 0, 'w', 'i', 'r', 'e', 'g', 'u', 'a', 'r', 'd', 0, 0, 0,   /* CTRL_ATTR_FAMILY_NAME */
	};

	assert_bytes(genl_msg_family_get(buf, "wireguard"), want, sizeof(want));
}

/* The family's answer: CTRL_CMD_NEWFAMILY with its id (and name), as the kernel sends it. */
static void test_parse_family(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(memset(buf, 0, sizeof(buf)));
	struct genlmsghdr *g;
	uint16_t id = 0;

	nlh->nlmsg_type = GENL_ID_CTRL;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_NEWFAMILY;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "wireguard");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1f);
	CU_ASSERT_EQUAL(genl_parse_family_id(nlh, &id), 0);
	CU_ASSERT_EQUAL(id, 0x1f);
	nlh->nlmsg_len -= 8;                   /* the id attribute cut off */
	CU_ASSERT_EQUAL(genl_parse_family_id(nlh, &id), -EBADMSG);
}

static const uint8_t key_a[WG_KEY_BYTES] = {
	0x08, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
	29, 30, 0x5f,
};

/* The private key and the listen port (51820 = 0xca6c), on ifindex 3 of family 0x1f. */
static void test_msg_set_key(void)
{
	unsigned char want[16 + 4 + 8 + 36 + 8] = {
		72, 0, 0, 0, 0x1f, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0,      /* family 0x1f, REQUEST|ACK */
		1, 1, 0, 0,                                                 /* WG_CMD_SET_DEVICE, version 1 */
		8, 0, 1, 0, 3, 0, 0, 0,                                     /* WGDEVICE_A_IFINDEX 3 */
		36, 0, 3, 0,                                                /* WGDEVICE_A_PRIVATE_KEY, then 32 bytes */
	};
	static const unsigned char port[] = { 6, 0, 6, 0, 0x6c, 0xca, 0, 0 };   /* WGDEVICE_A_LISTEN_PORT, host order */

	memcpy(want + 32, key_a, WG_KEY_BYTES);
	memcpy(want + 64, port, sizeof(port));
	assert_bytes(wg_msg_set_device(buf, 0x1f, 3, key_a, 51820, NULL), want, sizeof(want));
}

/* The peer: public key, REPLACE_ALLOWEDIPS, endpoint 198.51.100.2:51820 (a sockaddr_in), allowed-ip
 * 10.9.0.2/32; the device's peers replaced. */
static void test_msg_set_peer(void)
{
	static const unsigned char head[] = {
		140, 0, 0, 0, 0x1f, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 1, 0, 0,
		8, 0, 1, 0, 4, 0, 0, 0,                                     /* WGDEVICE_A_IFINDEX 4 */
		8, 0, 5, 0, 1, 0, 0, 0,                                     /* WGDEVICE_A_FLAGS REPLACE_PEERS */
		104, 0, 8, 0x80,                                            /* WGDEVICE_A_PEERS, nested */
		100, 0, 0, 0x80,                                            /* peer 0, nested */
		36, 0, 1, 0,                                                /* WGPEER_A_PUBLIC_KEY, then 32 bytes */
	};
	static const unsigned char tail[] = {
		8, 0, 3, 0, 2, 0, 0, 0,                                     /* WGPEER_A_FLAGS REPLACE_ALLOWEDIPS */
		20, 0, 4, 0, 2, 0, 0xca, 0x6c, 198, 51, 100, 2, 0, 0, 0, 0, 0, 0, 0, 0,   /* WGPEER_A_ENDPOINT */
		32, 0, 9, 0x80,                                             /* WGPEER_A_ALLOWEDIPS, nested */
		28, 0, 0, 0x80,                                             /* allowed-ip 0, nested */
		6, 0, 1, 0, 2, 0, 0, 0,                                     /* WGALLOWEDIP_A_FAMILY AF_INET */
		8, 0, 2, 0, 10, 9, 0, 2,                                    /* WGALLOWEDIP_A_IPADDR */
		5, 0, 3, 0, 32, 0, 0, 0,                                    /* WGALLOWEDIP_A_CIDR_MASK */
	};
	unsigned char want[sizeof(head) + WG_KEY_BYTES + sizeof(tail)];
	struct prefix allowed = { .len = 32 };
	struct addr ep;
	struct wg_peer peer = { .public_key = key_a, .endpoint = &ep, .port = 51820, .allowed = &allowed, .nallowed = 1 };

	CU_ASSERT_FATAL(addr_parse("198.51.100.2", &ep) == ADDR_OK);
	CU_ASSERT_FATAL(addr_parse("10.9.0.2", &allowed.addr) == ADDR_OK);
	memcpy(want, head, sizeof(head));
	memcpy(want + sizeof(head), key_a, WG_KEY_BYTES);
	memcpy(want + sizeof(head) + WG_KEY_BYTES, tail, sizeof(tail));
	assert_bytes(wg_msg_set_device(buf, 0x1f, 4, NULL, 0, &peer), want, sizeof(want));
}

/* An IPv6 endpoint is a sockaddr_in6 (28 bytes); an allowed ::/0 has 16 address bytes. */
static void test_msg_set_peer_v6(void)
{
	struct prefix any6 = { .addr.family = AF_INET6, .len = 0 };
	struct addr ep;
	struct wg_peer peer = { .public_key = key_a, .endpoint = &ep, .port = 1, .allowed = &any6, .nallowed = 1 };
	struct nlmsghdr *nlh;
	const unsigned char *b;

	CU_ASSERT_FATAL(addr_parse("2001:db8::2", &ep) == ADDR_OK);
	nlh = wg_msg_set_device(buf, 0x1f, 4, NULL, 0, &peer);
	b = (const unsigned char *)nlh;
	/* after the header (20), ifindex (8), flags (8), the two nest heads (8), the key (36), peer flags (8): */
	CU_ASSERT(b[88] == 32 && b[90] == WGPEER_A_ENDPOINT);              /* 4 + sizeof(struct sockaddr_in6) */
	CU_ASSERT(b[92] == 10 && b[94] == 0 && b[95] == 1);                /* AF_INET6, port 1 big-endian */
	CU_ASSERT(b[100] == 0x20 && b[101] == 0x01 && b[115] == 2);        /* sin6_addr */
	CU_ASSERT_EQUAL(nlh->nlmsg_len, 88 + 32 + 4 + 4 + 8 + 20 + 8);
}

/* GET_DEVICE is a dump: WireGuard has no plain get. */
static void test_msg_get(void)
{
	static const unsigned char want[] = {
		28, 0, 0, 0, 0x1f, 0, 0x05, 0x03, 0, 0, 0, 0, 0, 0, 0, 0,   /* REQUEST|ACK|DUMP */
		0, 1, 0, 0,                                                 /* WG_CMD_GET_DEVICE, version 1 */
		8, 0, 1, 0, 3, 0, 0, 0,
	};

	assert_bytes(wg_msg_get_device(buf, 0x1f, 3), want, sizeof(want));
}

/* The kernel's answer to GET_DEVICE: ifindex, name, both keys, port; the public key is read from it. */
static void test_parse_public_key(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(memset(buf, 0, sizeof(buf)));
	uint8_t pub[WG_KEY_BYTES], got[WG_KEY_BYTES];
	struct genlmsghdr *g;

	for (unsigned i = 0; i < WG_KEY_BYTES; i++)
		pub[i] = (uint8_t)(0xa0 + i);
	nlh->nlmsg_type = 0x1f;
	nlh->nlmsg_flags = NLM_F_MULTI;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = WG_CMD_GET_DEVICE;
	g->version = WG_GENL_VERSION;
	mnl_attr_put_u16(nlh, WGDEVICE_A_LISTEN_PORT, 51820);
	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, 3);
	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "wg0");
	mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, WG_KEY_BYTES, key_a);
	mnl_attr_put(nlh, WGDEVICE_A_PUBLIC_KEY, WG_KEY_BYTES, pub);
	CU_ASSERT_EQUAL(wg_parse_public_key(nlh, got), 0);
	CU_ASSERT(memcmp(got, pub, WG_KEY_BYTES) == 0);
	nlh->nlmsg_len -= 36 + 36;             /* no keys yet */
	CU_ASSERT_EQUAL(wg_parse_public_key(nlh, got), -ENOKEY);
	mnl_attr_put(nlh, WGDEVICE_A_PUBLIC_KEY, 16, pub);   /* a key of the wrong length */
	CU_ASSERT_EQUAL(wg_parse_public_key(nlh, got), -EBADMSG);
}

#define WG_HEAD "scenario t\nnetns a b\nveth a/eth0 b/eth0\n"
#define WG_STAGE "stage s\n  expect ping a 10.9.0.2\n"
#define WG_USAGE "'wireguard' takes NS/IF NS/IF endpoints ADDR ADDR [port N] [allowed-ips PREFIX,... PREFIX,...]: "

static void test_parse(void)
{
	static const char text[] = WG_HEAD
		"wireguard a/wg0 b/wg1 endpoints 198.51.100.1 198.51.100.2\n"
		"wireguard a/wg6 b/wg6 allowed-ips 10.9.0.1/32,2001:db8::1/128 10.9.0.0/24 endpoints 2001:db8::a "
		"2001:db8::b port 4500\n"
		"address a/wg0 10.9.0.1/24\n"    /* the ends are declared links */
		WG_STAGE;
	struct scenario *s = NULL;
	char *got = parse_capture(text, sizeof(text) - 1, &s);
	const struct step *st;

	CU_ASSERT_STRING_EQUAL(got, "");
	free(got);
	CU_ASSERT_FATAL(s != NULL);
	st = &s->steps[1];
	CU_ASSERT_EQUAL(st->kind, STEP_WIREGUARD);
	CU_ASSERT(st->ns == 0 && st->u.wireguard.end[0].ns == 0 && st->u.wireguard.end[1].ns == 1);
	CU_ASSERT_STRING_EQUAL(st->u.wireguard.end[1].name, "wg1");
	CU_ASSERT_EQUAL(st->u.wireguard.port, WG_DEFAULT_PORT);
	CU_ASSERT(st->u.wireguard.nallowed[0] == 0 && st->u.wireguard.nallowed[1] == 0);
	CU_ASSERT(st->u.wireguard.endpoint[1].family == AF_INET && st->u.wireguard.endpoint[1].bytes[3] == 2);
	st = &s->steps[2];
	CU_ASSERT_EQUAL(st->u.wireguard.port, 4500);
	CU_ASSERT(st->u.wireguard.nallowed[0] == 2 && st->u.wireguard.nallowed[1] == 1);
	CU_ASSERT(st->u.wireguard.allowed[0][1].addr.family == AF_INET6 && st->u.wireguard.allowed[0][1].len == 128);
	CU_ASSERT(st->u.wireguard.allowed[1][0].len == 24);
	CU_ASSERT(st->u.wireguard.endpoint[0].family == AF_INET6);
	CU_ASSERT_EQUAL(s->steps[3].kind, STEP_ADDRESS);
	scenario_free(s);
}

static void test_errors(void)
{
	CHECK_ERRORS(WG_HEAD "wireguard a/wg0 b/wg0\n" WG_STAGE,
		     "t.scn:4:22: " WG_USAGE "missing 'endpoints ADDR ADDR' (each end's own underlay address)\n");
	CHECK_ERRORS(WG_HEAD "wireguard a/wg0 b/wg0 endpoints 198.51.100.1\n" WG_STAGE,
		     "t.scn:4:45: " WG_USAGE "missing the second end's ADDR\n");
	CHECK_ERRORS(WG_HEAD "wireguard a/wg0 b/wg0 endpoints 198.51.100.1 2001:db8::2\n" WG_STAGE,
		     "t.scn:4:46: address families differ: '2001:db8::2' is IPv6 but '198.51.100.1' is IPv4\n");
	CHECK_ERRORS(WG_HEAD "wireguard a/wg0 b/wg0 endpoints 198.51.100.1 198.51.100.x\n" WG_STAGE,
		     "t.scn:4:46: bad address '198.51.100.x': expected an IPv4 or IPv6 address such as 10.1.1.1 or "
		     "2001:db8::1\n");
	CHECK_ERRORS(WG_HEAD "wireguard a/wg0 b/wg0 endpoints 198.51.100.1 198.51.100.2 port 0\n" WG_STAGE,
		     "t.scn:4:64: bad port '0': expected a number from 1 to 65535\n");
	CHECK_ERRORS(WG_HEAD "wireguard a/wg0 b/wg0 endpoints 198.51.100.1 198.51.100.2 allowed-ips 10.9.0.1/32,"
		     "10.9.0.2/33 10.9.0.0/24\n" WG_STAGE,
		     "t.scn:4:92: bad prefix length in '10.9.0.2/33': expected 0 to 32 for IPv4\n");
	CHECK_ERRORS(WG_HEAD "wireguard a/wg0 b/wg0 endpoints 198.51.100.1 198.51.100.2 allowed-ips 10.9.0.1/32, "
		     "10.9.0.0/24\n" WG_STAGE,
		     "t.scn:4:83: bad allowed-ips list '10.9.0.1/32,': expected PREFIX[,PREFIX...]\n");
	CHECK_ERRORS(WG_HEAD "wireguard a/wg0 b/eth0 endpoints 198.51.100.1 198.51.100.2\n" WG_STAGE,
		     "t.scn:4:19: interface 'eth0' already exists in namespace 'b' (declared at 3:15)\n");
	CHECK_ERRORS(WG_HEAD "wireguard a/wg0 b/wg0 endpoint 198.51.100.1 198.51.100.2\n" WG_STAGE,
		     "t.scn:4:23: " WG_USAGE "unexpected 'endpoint' after 'b/wg0'; did you mean 'endpoints'?\n");
}

UNIT_SUITE(wireguard,
	   { "key clamping", test_clamp },
	   { "fresh keys from getrandom", test_generate },
	   { "CTRL_CMD_GETFAMILY wireguard", test_msg_family_get },
	   { "the family id read back", test_parse_family },
	   { "WG_CMD_SET_DEVICE private key and port", test_msg_set_key },
	   { "WG_CMD_SET_DEVICE peer, endpoint, allowed-ip", test_msg_set_peer },
	   { "WG_CMD_SET_DEVICE IPv6 endpoint", test_msg_set_peer_v6 },
	   { "WG_CMD_GET_DEVICE is a dump", test_msg_get },
	   { "the public key read from an answer", test_parse_public_key },
	   { "the statement", test_parse },
	   { "exact errors", test_errors })
