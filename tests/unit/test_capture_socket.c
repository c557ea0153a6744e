/* test_capture_socket.c — a VLAN tag the device took out of a frame goes back in where libpcap puts it. */
#include "probes/capture_socket.h"
#include "probes/packet.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

/* Ethernet, then IPv4 10.1.1.1 > 198.51.100.2 ICMP echo id 0x1234 seq 1 (checksums not checked here). */
static const uint8_t untagged[] = {
	0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
	0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 1, 0, 0, 10, 1, 1, 1, 198, 51, 100, 2,
	8, 0, 0, 0, 0x12, 0x34, 0, 1,
};

static void test_vlan_reinserted(void)
{
	uint8_t buf[64];
	struct packet_info pi;
	size_t n;

	memcpy(buf, untagged, sizeof(untagged));
	n = capture_socket_reinsert_vlan(buf, sizeof(untagged), sizeof(buf), 0x8100, 7);
	CU_ASSERT_EQUAL(n, sizeof(untagged) + 4);
	CU_ASSERT(!memcmp(buf, untagged, 12));                          /* the MAC addresses stay */
	CU_ASSERT(!memcmp(buf + 12, "\x81\x00\x00\x07\x08\x00", 6));   /* tag, then the EtherType */
	CU_ASSERT(!memcmp(buf + 16, untagged + 12, sizeof(untagged) - 12));
	CU_ASSERT_EQUAL_FATAL(packet_parse(DLT_EN10MB, buf, n, &pi), 0);
	CU_ASSERT_EQUAL(pi.vlan, 7);
	CU_ASSERT_EQUAL(pi.proto, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(pi.icmp_id, 0x1234);
}

static void test_vlan_cut_to_fit(void)
{
	uint8_t buf[sizeof(untagged)];
	size_t n;

	/* no room for 4 more bytes: the frame's end is cut, the tag is still in place */
	memcpy(buf, untagged, sizeof(untagged));
	n = capture_socket_reinsert_vlan(buf, sizeof(untagged), sizeof(buf), 0x88a8, 0x2005);
	CU_ASSERT_EQUAL(n, sizeof(buf));
	CU_ASSERT(!memcmp(buf + 12, "\x88\xa8\x20\x05\x08\x00", 6));
	/* too short to hold the MAC addresses: left as it is */
	CU_ASSERT_EQUAL(capture_socket_reinsert_vlan(buf, 10, sizeof(buf), 0x8100, 7), 10);
}

UNIT_SUITE(capture_socket,
	   { "VLAN tag put back after the MAC addresses", test_vlan_reinserted },
	   { "VLAN tag in a full buffer, and a runt frame", test_vlan_cut_to_fit })
