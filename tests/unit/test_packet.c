/* test_packet.c — frame parsing on real captured bytes, evidence lines, capture filters, the PEER line.
 *
 * Every frame below was captured with tcpdump (or nsharness's own capture) between throwaway namespaces:
 * 10.9.1.1 / 2001:db8:9::1 (the client) and 10.9.1.2 / 2001:db8:9::2 (its peer, or the router beyond which
 * 203.0.113.5 and 2001:db8:99::1 have no route).  Checksums are whatever the wire carried. */
#include "probes/capture.h"
#include "probes/conn.h"
#include "probes/packet.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ethernet + ARP request (who-has 10.9.1.2): no IP packet */
static const uint8_t eth_arp[] = {
	/* Ethernet: dst, src, type */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0x08, 0x06,
	/* ARP */
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0x0a, 0x09,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x02,
};

/* Ethernet + IPv4 + ICMP echo request 10.9.1.1 > 10.9.1.2, id 4242 seq 1 */
static const uint8_t eth_icmp_echo[] = {
	/* Ethernet: dst, src, type */
	0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0x08, 0x00,
	/* IPv4 header */
	0x45, 0x00, 0x00, 0x1f, 0x26, 0xb3, 0x40, 0x00, 0x40, 0x01, 0xfe, 0x16, 0x0a, 0x09, 0x01, 0x01,
	0x0a, 0x09, 0x01, 0x02,
	/* ICMP header */
	0x08, 0x00, 0x10, 0xf9, 0x10, 0x92, 0x00, 0x01,
	/* payload */
	0x6e, 0x73, 0x68,
};

/* Ethernet + IPv4 + TCP SYN 10.9.1.1:20001 > 10.9.1.2:8080 */
static const uint8_t eth_tcp_syn[] = {
	/* Ethernet: dst, src, type */
	0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0x08, 0x00,
	/* IPv4 header */
	0x45, 0x00, 0x00, 0x3c, 0x23, 0x98, 0x40, 0x00, 0x40, 0x06, 0x01, 0x10, 0x0a, 0x09, 0x01, 0x01,
	0x0a, 0x09, 0x01, 0x02,
	/* TCP header */
	0x4e, 0x21, 0x1f, 0x90, 0x5e, 0xd9, 0x48, 0x4b, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0,
	0x16, 0x43, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0xfd, 0xdd, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};

/* Ethernet + IPv4 + TCP RST,ACK 10.9.1.2:8080 > 10.9.1.1:20001 */
static const uint8_t eth_tcp_rst[] = {
	/* Ethernet: dst, src, type */
	0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x08, 0x00,
	/* IPv4 header */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x24, 0xbc, 0x0a, 0x09, 0x01, 0x02,
	0x0a, 0x09, 0x01, 0x01,
	/* TCP header */
	0x1f, 0x90, 0x4e, 0x21, 0x00, 0x00, 0x00, 0x00, 0x5e, 0xd9, 0x48, 0x4c, 0x50, 0x14, 0x00, 0x00,
	0x84, 0xe5, 0x00, 0x00,
};

/* Ethernet + IPv6 + ICMPv6 echo request 2001:db8:9::1 > 2001:db8:9::2, id 4242 seq 1 */
static const uint8_t eth6_icmp_echo[] = {
	/* Ethernet: dst, src, type */
	0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0x86, 0xdd,
	/* IPv6 header */
	0x60, 0x07, 0x37, 0x42, 0x00, 0x0b, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	/* ICMPv6 header */
	0x80, 0x00, 0x3d, 0x2c, 0x10, 0x92, 0x00, 0x01,
	/* payload */
	0x6e, 0x73, 0x68,
};

/* Ethernet + IPv6 + TCP SYN [2001:db8:9::1]:20002 > [2001:db8:9::2]:8080 */
static const uint8_t eth6_tcp_syn[] = {
	/* Ethernet: dst, src, type */
	0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0x86, 0xdd,
	/* IPv6 header */
	0x60, 0x0e, 0x1a, 0x40, 0x00, 0x28, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	/* TCP header */
	0x4e, 0x22, 0x1f, 0x90, 0x10, 0x37, 0x9b, 0xf2, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfd, 0x20,
	0x5b, 0xb5, 0x00, 0x00, 0x02, 0x04, 0x05, 0xa0, 0x04, 0x02, 0x08, 0x0a, 0x60, 0xc6, 0xf3, 0xf1,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};

/* Ethernet + IPv4 + ICMP port unreachable 10.9.1.2 > 10.9.1.1, quoting UDP 10.9.1.1:20003 > 10.9.1.2:5353 */
static const uint8_t eth_icmp_port_unreach[] = {
	/* Ethernet: dst, src, type */
	0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x08, 0x00,
	/* IPv4 header */
	0x45, 0xc0, 0x00, 0x3e, 0x2b, 0x2c, 0x00, 0x00, 0x40, 0x01, 0x38, 0xbf, 0x0a, 0x09, 0x01, 0x02,
	0x0a, 0x09, 0x01, 0x01,
	/* ICMP header */
	0x03, 0x03, 0x9f, 0x0f, 0x00, 0x00, 0x00, 0x00,
	/* the quoted packet: IP header, UDP header, data */
	0x45, 0x00, 0x00, 0x22, 0x7a, 0x34, 0x40, 0x00, 0x40, 0x11, 0xaa, 0x82, 0x0a, 0x09, 0x01, 0x01,
	0x0a, 0x09, 0x01, 0x02, 0x4e, 0x23, 0x14, 0xe9, 0x00, 0x0e, 0x16, 0x34, 0x50, 0x52, 0x4f, 0x42,
	0x45, 0x0a,
};

/* Ethernet + 802.1Q VLAN 7 + IPv4 + ICMP echo 10.9.7.1 > 10.9.7.2, id 4243 */
static const uint8_t eth_vlan_icmp[] = {
	/* Ethernet: dst, src, type 802.1Q */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x81, 0x00,
	/* VLAN: TCI (id 7), type IPv4 */
	0x00, 0x07, 0x08, 0x00,
	/* IPv4 header */
	0x45, 0x00, 0x00, 0x1f, 0x00, 0x07, 0x00, 0x00, 0x40, 0x01, 0x58, 0xc3, 0x0a, 0x09, 0x07, 0x01,
	0x0a, 0x09, 0x07, 0x02,
	/* ICMP header */
	0x08, 0x00, 0x10, 0xf8, 0x10, 0x93, 0x00, 0x01,
	/* payload */
	0x6e, 0x73, 0x68,
};

/* Ethernet + IPv6 + ICMPv6 port unreachable, quoting UDP [2001:db8:9::1]:20006 > [2001:db8:9::2]:5353 */
static const uint8_t eth6_icmp6_port_unreach[] = {
	/* Ethernet: dst, src, type */
	0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x86, 0xdd,
	/* IPv6 header */
	0x60, 0x02, 0x97, 0x93, 0x00, 0x3e, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/* ICMPv6 header */
	0x01, 0x04, 0xc7, 0xce, 0x00, 0x00, 0x00, 0x00,
	/* the quoted packet: IP header, UDP header, data */
	0x60, 0x0f, 0x6a, 0xe6, 0x00, 0x0e, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x4e, 0x26, 0x14, 0xe9, 0x00, 0x0e, 0x5b, 0xa6,
	0x50, 0x52, 0x4f, 0x42, 0x45, 0x0a,
};

/* Ethernet + IPv4: the second fragment of a UDP datagram (offset 1480), cut to 16 data bytes */
static const uint8_t eth_frag[] = {
	/* Ethernet: dst, src, type */
	0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0x08, 0x00,
	/* IPv4 header: fragment offset 185 * 8 */
	0x45, 0x00, 0x02, 0x24, 0x56, 0x49, 0x00, 0xb9, 0x40, 0x11, 0x0b, 0xb3, 0x0a, 0x09, 0x01, 0x01,
	0x0a, 0x09, 0x01, 0x02,
	/* fragment data, no UDP header */
	0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
};

/* Ethernet + IPv6 + Fragment (offset 0) + UDP [2001:db8:9::1]:20008 > [2001:db8:9::2]:9, cut to 16 data bytes */
static const uint8_t eth6_frag_first[] = {
	/* Ethernet: dst, src, type */
	0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0x86, 0xdd,
	/* IPv6 header: next header 44 (Fragment) */
	0x60, 0x07, 0xb4, 0x38, 0x05, 0xb0, 0x2c, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	/* Fragment header: next 17 (UDP), offset 0, more */
	0x11, 0x00, 0x00, 0x01, 0xa1, 0x09, 0x51, 0x33,
	/* UDP header */
	0x4e, 0x28, 0x00, 0x09, 0x07, 0xd8, 0xaf, 0xef,
	/* payload */
	0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
};

/* Ethernet + IPv6 + Fragment (offset 1448): no UDP header, cut to 16 data bytes */
static const uint8_t eth6_frag_second[] = {
	/* Ethernet: dst, src, type */
	0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0x86, 0xdd,
	/* IPv6 header: next header 44 (Fragment) */
	0x60, 0x07, 0xb4, 0x38, 0x02, 0x38, 0x2c, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	/* Fragment header: next 17 (UDP), offset 1448 */
	0x11, 0x00, 0x05, 0xa8, 0xa1, 0x09, 0x51, 0x33,
	/* fragment data */
	0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
};

/* Ethernet + IPv4 + ICMP net unreachable from the router 10.9.1.2,
 * quoting UDP 10.9.1.1:51314 > 203.0.113.5:8080 */
static const uint8_t eth_icmp_net_unreach[] = {
	/* Ethernet: dst, src, type */
	0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x08, 0x00,
	/* IPv4 header */
	0x45, 0xc0, 0x00, 0x3e, 0xeb, 0xb0, 0x00, 0x00, 0x40, 0x01, 0x78, 0x3a, 0x0a, 0x09, 0x01, 0x02,
	0x0a, 0x09, 0x01, 0x01,
	/* ICMP header */
	0x03, 0x00, 0xe9, 0x20, 0x00, 0x00, 0x00, 0x00,
	/* the quoted packet: IP header, UDP header, data */
	0x45, 0x00, 0x00, 0x22, 0xe1, 0x8f, 0x40, 0x00, 0x40, 0x11, 0x12, 0x2c, 0x0a, 0x09, 0x01, 0x01,
	0xcb, 0x00, 0x71, 0x05, 0xc8, 0x72, 0x1f, 0x90, 0x00, 0x0e, 0x47, 0x2f, 0x50, 0x52, 0x4f, 0x42,
	0x45, 0x0a,
};

/* Ethernet + IPv6 + ICMPv6 no route from the router 2001:db8:9::2,
 * quoting UDP [2001:db8:9::1]:54756 > [2001:db8:99::1]:8080 */
static const uint8_t eth6_icmp6_no_route[] = {
	/* Ethernet: dst, src, type */
	0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x86, 0xdd,
	/* IPv6 header */
	0x60, 0x03, 0x72, 0xa6, 0x00, 0x3e, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/* ICMPv6 header */
	0x01, 0x00, 0x5c, 0x5f, 0x00, 0x00, 0x00, 0x00,
	/* the quoted packet: IP header, UDP header, data */
	0x60, 0x00, 0x42, 0xe5, 0x00, 0x0e, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x99, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xd5, 0xe4, 0x1f, 0x90, 0x00, 0x0e, 0x5c, 0x35,
	0x50, 0x52, 0x4f, 0x42, 0x45, 0x0a,
};

/* LINUX_SLL ("any"), outgoing: TCP SYN 10.9.1.1:20001 > 10.9.1.2:8080 */
static const uint8_t sll_tcp_syn[] = {
	/* SLL: packet type, ARPHRD, address length, address (8), protocol */
	0x00, 0x04, 0x00, 0x01, 0x00, 0x06, 0x72, 0xfb, 0xd1, 0x13, 0x98, 0x7b, 0x00, 0x00, 0x08, 0x00,
	/* IPv4 header */
	0x45, 0x00, 0x00, 0x3c, 0xff, 0x47, 0x40, 0x00, 0x40, 0x06, 0x25, 0x60, 0x0a, 0x09, 0x01, 0x01,
	0x0a, 0x09, 0x01, 0x02,
	/* TCP header */
	0x4e, 0x21, 0x1f, 0x90, 0x6a, 0x99, 0xdf, 0x44, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0,
	0x16, 0x43, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0xfd, 0xdd, 0x31, 0x4c,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};

/* LINUX_SLL ("any"), incoming: TCP RST,ACK 10.9.1.2:8080 > 10.9.1.1:20001 */
static const uint8_t sll_tcp_rst[] = {
	/* SLL: packet type, ARPHRD, address length, address (8), protocol */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0xd2, 0x38, 0xc9, 0xe8, 0xcd, 0x70, 0x00, 0x00, 0x08, 0x00,
	/* IPv4 header */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x24, 0xbc, 0x0a, 0x09, 0x01, 0x02,
	0x0a, 0x09, 0x01, 0x01,
	/* TCP header */
	0x1f, 0x90, 0x4e, 0x21, 0x00, 0x00, 0x00, 0x00, 0x6a, 0x99, 0xdf, 0x45, 0x50, 0x14, 0x00, 0x00,
	0xe2, 0x2b, 0x00, 0x00,
};

/* LINUX_SLL2 ("any"), incoming on ifindex 2: ICMPv6 echo reply 2001:db8:9::2 > 2001:db8:9::1, id 4242 seq 1 */
static const uint8_t sll2_icmp6_reply[] = {
	/* SLL2: protocol, reserved, ifindex, ARPHRD, packet type, address length, address (8) */
	0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x06, 0xd2, 0x38, 0xc9, 0xe8,
	0xcd, 0x70, 0x00, 0x00,
	/* IPv6 header */
	0x60, 0x06, 0x3d, 0xfc, 0x00, 0x0b, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/* ICMPv6 header */
	0x81, 0x00, 0x3c, 0x2c, 0x10, 0x92, 0x00, 0x01,
	/* payload */
	0x6e, 0x73, 0x68,
};

/* RAW (a tun device): IPv4 + UDP 10.9.9.1:20004 > 10.9.9.2:8080 */
static const uint8_t raw_udp[] = {
	/* IPv4 header */
	0x45, 0x00, 0x00, 0x22, 0x27, 0xeb, 0x40, 0x00, 0x40, 0x11, 0xec, 0xcb, 0x0a, 0x09, 0x09, 0x01,
	0x0a, 0x09, 0x09, 0x02,
	/* UDP header */
	0x4e, 0x24, 0x1f, 0x90, 0x00, 0x0e, 0x87, 0x6a,
	/* payload */
	0x50, 0x52, 0x4f, 0x42, 0x45, 0x0a,
};


#define FRAME(a) (a), sizeof(a)

static const struct sample {
	const char *name;
	int dlt;
	const uint8_t *bytes;
	size_t len;
} samples[] = {
	{ "eth_arp", DLT_EN10MB, FRAME(eth_arp) },
	{ "eth_icmp_echo", DLT_EN10MB, FRAME(eth_icmp_echo) },
	{ "eth_tcp_syn", DLT_EN10MB, FRAME(eth_tcp_syn) },
	{ "eth_tcp_rst", DLT_EN10MB, FRAME(eth_tcp_rst) },
	{ "eth6_icmp_echo", DLT_EN10MB, FRAME(eth6_icmp_echo) },
	{ "eth6_tcp_syn", DLT_EN10MB, FRAME(eth6_tcp_syn) },
	{ "eth_icmp_port_unreach", DLT_EN10MB, FRAME(eth_icmp_port_unreach) },
	{ "eth_vlan_icmp", DLT_EN10MB, FRAME(eth_vlan_icmp) },
	{ "eth6_icmp6_port_unreach", DLT_EN10MB, FRAME(eth6_icmp6_port_unreach) },
	{ "eth_frag", DLT_EN10MB, FRAME(eth_frag) },
	{ "eth6_frag_first", DLT_EN10MB, FRAME(eth6_frag_first) },
	{ "eth6_frag_second", DLT_EN10MB, FRAME(eth6_frag_second) },
	{ "eth_icmp_net_unreach", DLT_EN10MB, FRAME(eth_icmp_net_unreach) },
	{ "eth6_icmp6_no_route", DLT_EN10MB, FRAME(eth6_icmp6_no_route) },
	{ "sll_tcp_syn", DLT_LINUX_SLL, FRAME(sll_tcp_syn) },
	{ "sll_tcp_rst", DLT_LINUX_SLL, FRAME(sll_tcp_rst) },
	{ "sll2_icmp6_reply", DLT_LINUX_SLL2, FRAME(sll2_icmp6_reply) },
	{ "raw_udp", DLT_RAW, FRAME(raw_udp) },
};

#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

static struct addr ip(const char *text)
{
	struct addr a = { .family = strchr(text, ':') ? AF_INET6 : AF_INET };

	inet_pton(a.family, text, a.bytes);
	return a;
}

static bool addr_is(const struct addr *a, const char *text)
{
	struct addr b = ip(text);

	return a->family == b.family && !memcmp(a->bytes, b.bytes, sizeof(b.bytes));
}

/* Parses a copy in a buffer of exactly len bytes: a read past the end is a heap overflow that the
 * sanitizer build (make SANITIZE=1) reports. */
static int parse(int dlt, const uint8_t *frame, size_t len, struct packet_info *pi)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, frame, len);
	ret = packet_parse(dlt, copy, len, pi);
	free(copy);
	return ret;
}

static void assert_describes(const struct packet_info *pi, const char *want)
{
	char buf[256];

	CU_ASSERT_STRING_EQUAL(packet_describe(pi, buf, sizeof(buf)), want);
}

static void test_eth_tcp(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth_tcp_syn), &pi), 0);
	CU_ASSERT_EQUAL(pi.family, AF_INET);
	CU_ASSERT_EQUAL(pi.proto, IPPROTO_TCP);
	CU_ASSERT(addr_is(&pi.src, "10.9.1.1"));
	CU_ASSERT(addr_is(&pi.dst, "10.9.1.2"));
	CU_ASSERT_EQUAL(pi.sport, 20001);
	CU_ASSERT_EQUAL(pi.dport, 8080);
	CU_ASSERT_EQUAL(pi.tcp_flags, TCPF_SYN);
	CU_ASSERT(pi.has_l4);
	CU_ASSERT_EQUAL(pi.ip_len, 60);
	CU_ASSERT_EQUAL(pi.dir, PACKET_DIR_UNKNOWN);
	assert_describes(&pi, "10.9.1.1:20001 > 10.9.1.2:8080 tcp SYN");

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth_tcp_rst), &pi), 0);
	CU_ASSERT_EQUAL(pi.tcp_flags, TCPF_RST | TCPF_ACK);
	assert_describes(&pi, "10.9.1.2:8080 > 10.9.1.1:20001 tcp RST,ACK");
}

static void test_eth_icmp_echo(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth_icmp_echo), &pi), 0);
	CU_ASSERT_EQUAL(pi.proto, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(pi.icmp_type, 8);
	CU_ASSERT_EQUAL(pi.icmp_id, 4242);
	CU_ASSERT_EQUAL(pi.icmp_seq, 1);
	CU_ASSERT_EQUAL(pi.sport, 0);
	assert_describes(&pi, "10.9.1.1 > 10.9.1.2 icmp echo id 4242 seq 1");
}

static void test_eth6_tcp(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth6_tcp_syn), &pi), 0);
	CU_ASSERT_EQUAL(pi.family, AF_INET6);
	CU_ASSERT_EQUAL(pi.proto, IPPROTO_TCP);
	CU_ASSERT(addr_is(&pi.src, "2001:db8:9::1"));
	CU_ASSERT(addr_is(&pi.dst, "2001:db8:9::2"));
	CU_ASSERT_EQUAL(pi.sport, 20002);
	CU_ASSERT_EQUAL(pi.dport, 8080);
	CU_ASSERT_EQUAL(pi.ip_len, 80);
	assert_describes(&pi, "[2001:db8:9::1]:20002 > [2001:db8:9::2]:8080 tcp SYN");
}

static void test_eth6_icmp6_echo(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth6_icmp_echo), &pi), 0);
	CU_ASSERT_EQUAL(pi.proto, IPPROTO_ICMPV6);
	CU_ASSERT_EQUAL(pi.icmp_type, 128);
	CU_ASSERT_EQUAL(pi.icmp_id, 4242);
	assert_describes(&pi, "2001:db8:9::1 > 2001:db8:9::2 icmp6 echo id 4242 seq 1");
}

static void test_icmp_errors_quote(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth_icmp_port_unreach), &pi), 0);
	CU_ASSERT_EQUAL(pi.icmp_type, 3);
	CU_ASSERT_EQUAL(pi.icmp_code, 3);
	CU_ASSERT_EQUAL(pi.quote.proto, IPPROTO_UDP);
	CU_ASSERT(addr_is(&pi.quote.src, "10.9.1.1"));
	CU_ASSERT(addr_is(&pi.quote.dst, "10.9.1.2"));
	CU_ASSERT_EQUAL(pi.quote.sport, 20003);
	CU_ASSERT_EQUAL(pi.quote.dport, 5353);
	assert_describes(&pi, "10.9.1.2 > 10.9.1.1 icmp unreachable port for 10.9.1.1:20003 > 10.9.1.2:5353 udp");

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth_icmp_net_unreach), &pi), 0);
	assert_describes(&pi, "10.9.1.2 > 10.9.1.1 icmp unreachable net for 10.9.1.1:51314 > 203.0.113.5:8080 udp");

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth6_icmp6_port_unreach), &pi), 0);
	CU_ASSERT_EQUAL(pi.quote.proto, IPPROTO_UDP);
	CU_ASSERT(addr_is(&pi.quote.dst, "2001:db8:9::2"));
	assert_describes(&pi, "2001:db8:9::2 > 2001:db8:9::1 icmp6 unreachable port for "
			 "[2001:db8:9::1]:20006 > [2001:db8:9::2]:5353 udp");

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth6_icmp6_no_route), &pi), 0);
	assert_describes(&pi, "2001:db8:9::2 > 2001:db8:9::1 icmp6 unreachable no route for "
			 "[2001:db8:9::1]:54756 > [2001:db8:99::1]:8080 udp");
}

static void test_vlan(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth_vlan_icmp), &pi), 0);
	CU_ASSERT_EQUAL(pi.vlan, 7);
	CU_ASSERT(addr_is(&pi.dst, "10.9.7.2"));
	CU_ASSERT_EQUAL(pi.icmp_id, 4243);
	assert_describes(&pi, "10.9.7.1 > 10.9.7.2 icmp echo id 4243 seq 1 vlan 7");
}

static void test_sll(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL_FATAL(parse(DLT_LINUX_SLL, FRAME(sll_tcp_syn), &pi), 0);
	CU_ASSERT_EQUAL(pi.dir, PACKET_DIR_OUT);
	CU_ASSERT_EQUAL(pi.sport, 20001);
	assert_describes(&pi, "10.9.1.1:20001 > 10.9.1.2:8080 tcp SYN (out)");

	CU_ASSERT_EQUAL_FATAL(parse(DLT_LINUX_SLL, FRAME(sll_tcp_rst), &pi), 0);
	CU_ASSERT_EQUAL(pi.dir, PACKET_DIR_IN);
	assert_describes(&pi, "10.9.1.2:8080 > 10.9.1.1:20001 tcp RST,ACK (in)");
}

static void test_sll2(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL_FATAL(parse(DLT_LINUX_SLL2, FRAME(sll2_icmp6_reply), &pi), 0);
	CU_ASSERT_EQUAL(pi.dir, PACKET_DIR_IN);
	CU_ASSERT_EQUAL(pi.ifindex, 2);
	CU_ASSERT_EQUAL(pi.icmp_type, 129);
	assert_describes(&pi, "2001:db8:9::2 > 2001:db8:9::1 icmp6 echo reply id 4242 seq 1 (in)");
}

static void test_raw(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL_FATAL(parse(DLT_RAW, FRAME(raw_udp), &pi), 0);
	assert_describes(&pi, "10.9.9.1:20004 > 10.9.9.2:8080 udp");
	CU_ASSERT_EQUAL(parse(DLT_IPV4, FRAME(raw_udp), &pi), 0);
	CU_ASSERT_EQUAL(parse(DLT_IPV6, FRAME(raw_udp), &pi), -EBADMSG);
	/* the same IPv6 packet without its Ethernet header */
	CU_ASSERT_EQUAL(parse(DLT_RAW, eth6_tcp_syn + 14, sizeof(eth6_tcp_syn) - 14, &pi), 0);
	CU_ASSERT_EQUAL(pi.dport, 8080);
}

static void test_fragments(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth_frag), &pi), 0);
	CU_ASSERT(pi.fragment);
	CU_ASSERT(!pi.has_l4);
	CU_ASSERT_EQUAL(pi.sport, 0);
	assert_describes(&pi, "10.9.1.1 > 10.9.1.2 udp fragment");

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth6_frag_first), &pi), 0);
	CU_ASSERT(!pi.fragment);
	CU_ASSERT_EQUAL(pi.proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(pi.sport, 20008);
	CU_ASSERT_EQUAL(pi.dport, 9);

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth6_frag_second), &pi), 0);
	CU_ASSERT(pi.fragment);
	CU_ASSERT_EQUAL(pi.proto, IPPROTO_UDP);
	assert_describes(&pi, "2001:db8:9::1 > 2001:db8:9::2 udp fragment");
}

static void test_not_ip(void)
{
	struct packet_info pi;

	CU_ASSERT_EQUAL(parse(DLT_EN10MB, FRAME(eth_arp), &pi), -EPFNOSUPPORT);
	CU_ASSERT_EQUAL(pi.family, AF_UNSPEC);
	assert_describes(&pi, "not an IP packet");
	CU_ASSERT_EQUAL(parse(DLT_IEEE802_11, FRAME(eth_tcp_syn), &pi), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(parse(DLT_NULL, FRAME(eth_tcp_syn), &pi), -EPROTONOSUPPORT);
}

static void test_truncated(void)
{
	struct packet_info pi;
	char buf[128];

	for (size_t len = 0; len <= sizeof(eth_tcp_syn); len++) {
		int ret = parse(DLT_EN10MB, eth_tcp_syn, len, &pi);

		if (len < 14 + 20) {
			CU_ASSERT_EQUAL(ret, -EBADMSG);
			CU_ASSERT_EQUAL(pi.family, AF_UNSPEC);
			continue;
		}
		/* the IP header is whole: the snaplen only cut what follows */
		CU_ASSERT_EQUAL(ret, 0);
		CU_ASSERT(addr_is(&pi.src, "10.9.1.1"));
		CU_ASSERT_EQUAL(pi.has_l4, len >= 14 + 20 + 20);
	}
	CU_ASSERT_EQUAL(parse(DLT_EN10MB, eth_tcp_syn, 40, &pi), 0);
	CU_ASSERT_STRING_EQUAL(packet_describe(&pi, buf, sizeof(buf)), "10.9.1.1 > 10.9.1.2 tcp");
	CU_ASSERT_EQUAL(parse(DLT_EN10MB, eth_vlan_icmp, 16, &pi), -EBADMSG);
	CU_ASSERT_EQUAL(parse(DLT_LINUX_SLL, sll_tcp_syn, 15, &pi), -EBADMSG);
	CU_ASSERT_EQUAL(parse(DLT_LINUX_SLL2, sll2_icmp6_reply, 19, &pi), -EBADMSG);
	CU_ASSERT_EQUAL(parse(DLT_EN10MB, eth6_tcp_syn, 14 + 39, &pi), -EBADMSG);

	/* every prefix of every sample gives an answer, and reads nothing past its end */
	for (unsigned i = 0; i < NSAMPLES; i++) {
		for (size_t len = 0; len < samples[i].len; len++) {
			int ret = parse(samples[i].dlt, samples[i].bytes, len, &pi);

			CU_ASSERT(ret == 0 || ret == -EBADMSG || ret == -EPFNOSUPPORT);
		}
	}
}

/* Parses a copy of a sample with the 16-bit big-endian field at offset `at` set to value. */
static int parse_edited(int dlt, const uint8_t *frame, size_t len, size_t at, uint16_t value, struct packet_info *pi)
{
	uint8_t copy[256];

	CU_ASSERT_FATAL(len <= sizeof(copy) && at + 1 < len);
	memcpy(copy, frame, len);
	copy[at] = (uint8_t)(value >> 8);
	copy[at + 1] = (uint8_t)value;
	return parse(dlt, copy, len, pi);
}

static void test_malformed(void)
{
	struct packet_info pi;

	const uint8_t *e4 = eth_icmp_echo, *t4 = eth_tcp_syn, *t6 = eth6_tcp_syn, *f6 = eth6_frag_first;
	size_t l4 = sizeof(eth_icmp_echo), lt4 = sizeof(eth_tcp_syn), lt6 = sizeof(eth6_tcp_syn);

	CU_ASSERT_EQUAL(parse_edited(DLT_EN10MB, e4, l4, 14, 0x4400, &pi), -EBADMSG);   /* IHL 4 */
	CU_ASSERT_EQUAL(parse_edited(DLT_EN10MB, e4, l4, 14, 0x4f00, &pi), -EBADMSG);   /* IHL past the end */
	CU_ASSERT_EQUAL(parse_edited(DLT_EN10MB, e4, l4, 14, 0x5500, &pi), -EBADMSG);   /* version 5 */
	CU_ASSERT_EQUAL(parse_edited(DLT_EN10MB, e4, l4, 16, 0x0010, &pi), -EBADMSG);   /* total length < IHL */
	CU_ASSERT_EQUAL(parse_edited(DLT_EN10MB, t6, lt6, 12, 0x0800, &pi), -EBADMSG);  /* type IPv4, IPv6 inside */
	CU_ASSERT_EQUAL(parse_edited(DLT_EN10MB, t4, lt4, 14, 0x6500, &pi), -EBADMSG);  /* type IPv4, version 6 */
	CU_ASSERT_EQUAL(parse_edited(DLT_EN10MB, t4, lt4, 46, 0x2002, &pi), -EBADMSG);  /* TCP offset 2 words */
	CU_ASSERT_EQUAL(parse_edited(DLT_EN10MB, t4, lt4, 46, 0xf002, &pi), -EBADMSG);  /* TCP options past the end */
	CU_ASSERT_EQUAL(parse_edited(DLT_RAW, FRAME(raw_udp), 24, 0x0003, &pi), -EBADMSG);  /* UDP length 3 */
	CU_ASSERT_EQUAL(parse_edited(DLT_EN10MB, f6, sizeof(eth6_frag_first), 18, 4, &pi), -EBADMSG);  /* < Fragment hdr */
	CU_ASSERT_EQUAL(pi.family, AF_UNSPEC);
	/* a payload length beyond the capture is a short snaplen, not an error */
	CU_ASSERT_EQUAL(parse_edited(DLT_EN10MB, t6, lt6, 18, 0x0100, &pi), 0);
	CU_ASSERT(pi.has_l4);
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_garbage(void)
{
	static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6 };
	uint32_t seed = 0x6e736821;
	struct packet_info pi;
	uint8_t frame[200];
	char buf[256];

	for (unsigned i = 0; i < 20000; i++) {
		const struct sample *s = &samples[xorshift(&seed) % NSAMPLES];
		size_t len = xorshift(&seed) % sizeof(frame);
		int dlt = dlts[xorshift(&seed) % 6], ret;

		/* half pure noise, half real frames with a few bytes changed: both must be answered safely */
		if (i % 2) {
			for (size_t j = 0; j < len; j++)
				frame[j] = (uint8_t)xorshift(&seed);
		} else {
			dlt = s->dlt;
			len = s->len;
			memcpy(frame, s->bytes, len);
			for (unsigned k = xorshift(&seed) % 4 + 1; k; k--)
				frame[xorshift(&seed) % len] = (uint8_t)xorshift(&seed);
			len -= xorshift(&seed) % 2 ? xorshift(&seed) % len : 0;
		}
		ret = parse(dlt, frame, len, &pi);
		CU_ASSERT(ret == 0 || ret == -EBADMSG || ret == -EPFNOSUPPORT);
		CU_ASSERT(strlen(packet_describe(&pi, buf, sizeof(buf))) < sizeof(buf));
	}
}

static void test_describe_truncates(void)
{
	struct packet_info pi;
	char buf[12], one[1];

	CU_ASSERT_EQUAL_FATAL(parse(DLT_EN10MB, FRAME(eth6_tcp_syn), &pi), 0);
	packet_describe(&pi, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "[2001:db8:9");
	packet_describe(&pi, one, sizeof(one));
	CU_ASSERT_STRING_EQUAL(one, "");
}

static void test_endpoint_str(void)
{
	struct addr v4 = ip("198.51.100.2"), v6 = ip("2001:db8::2"), none = { 0 };
	char buf[64];

	CU_ASSERT_STRING_EQUAL(endpoint_str(&v4, 8080, buf, sizeof(buf)), "198.51.100.2:8080");
	CU_ASSERT_STRING_EQUAL(endpoint_str(&v4, 0, buf, sizeof(buf)), "198.51.100.2");
	CU_ASSERT_STRING_EQUAL(endpoint_str(&v6, 8080, buf, sizeof(buf)), "[2001:db8::2]:8080");
	CU_ASSERT_STRING_EQUAL(endpoint_str(&v6, 0, buf, sizeof(buf)), "2001:db8::2");
	CU_ASSERT_STRING_EQUAL(endpoint_str(&none, 0, buf, sizeof(buf)), "?");
}

static void test_filter_text(void)
{
	struct addr v4 = ip("198.51.100.2"), v6 = ip("2001:db8::2"), bad = { .family = AF_UNIX };
	char buf[512];

	CU_ASSERT_EQUAL(capture_filter_for(buf, sizeof(buf), &v4, IPPROTO_TCP, 8080), 0);
	CU_ASSERT_STRING_EQUAL(buf, "(host 198.51.100.2 and (icmp or (tcp and port 8080))) or "
			       "(icmp and icmp[24:4] = 0xc6336402)");
	CU_ASSERT_EQUAL(capture_filter_for(buf, sizeof(buf), &v4, 0, 0), 0);
	CU_ASSERT_STRING_EQUAL(buf, "(host 198.51.100.2 and icmp) or (icmp and icmp[24:4] = 0xc6336402)");
	CU_ASSERT_EQUAL(capture_filter_for(buf, sizeof(buf), &v6, IPPROTO_UDP, 53), 0);
	CU_ASSERT_STRING_EQUAL(buf, "(host 2001:db8::2 and (icmp6 or (udp and port 53))) or "
			       "(icmp6 and icmp6[32:4] = 0x20010db8 and icmp6[36:4] = 0x00000000 and "
			       "icmp6[40:4] = 0x00000000 and icmp6[44:4] = 0x00000002)");
	CU_ASSERT_EQUAL(capture_filter_for(buf, sizeof(buf), &bad, IPPROTO_TCP, 80), -EINVAL);
	CU_ASSERT_EQUAL(capture_filter_for(buf, sizeof(buf), &v4, IPPROTO_SCTP, 80), -EINVAL);
	CU_ASSERT_EQUAL(capture_filter_for(buf, 40, &v4, IPPROTO_TCP, 80), -ENOSPC);
}

/* Compiles the filter as libpcap would on a live handle of that link type, and runs it on the frame. */
static bool filter_matches(const char *filter, const struct sample *s)
{
	pcap_t *p = pcap_open_dead(s->dlt, 65535);
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)s->len, .len = (bpf_u_int32)s->len };
	struct bpf_program prog;
	bool match;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN), 0);
	match = pcap_offline_filter(&prog, &h, s->bytes) != 0;
	pcap_freecode(&prog);
	pcap_close(p);
	return match;
}

static const struct sample *sample(const char *name)
{
	for (unsigned i = 0; i < NSAMPLES; i++)
		if (!strcmp(samples[i].name, name))
			return &samples[i];
	CU_FAIL_FATAL("no such sample");
	return NULL;
}

/* Which of the samples the filter keeps, as a space-separated list of their names. */
static const char *kept_by(const char *dst, int proto, uint16_t port, char *out, size_t len)
{
	struct addr a = ip(dst);
	char filter[512];

	out[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(capture_filter_for(filter, sizeof(filter), &a, proto, port), 0);
	for (unsigned i = 0; i < NSAMPLES; i++) {
		if (filter_matches(filter, &samples[i]))
			snprintf(out + strlen(out), len - strlen(out), "%s%s", *out ? " " : "", samples[i].name);
	}
	return out;
}

static void test_filter_matches(void)
{
	char kept[1024];

	/* the flow both ways (also as "any" sees it), and ICMP to and from its host (here also the router) */
	CU_ASSERT_STRING_EQUAL(kept_by("10.9.1.2", IPPROTO_TCP, 8080, kept, sizeof(kept)),
			       "eth_icmp_echo eth_tcp_syn eth_tcp_rst eth_icmp_port_unreach eth_icmp_net_unreach "
			       "sll_tcp_syn sll_tcp_rst");
	/* a router's ICMP error about a flow to the host, though neither of its addresses is the host */
	CU_ASSERT_STRING_EQUAL(kept_by("203.0.113.5", IPPROTO_UDP, 8080, kept, sizeof(kept)), "eth_icmp_net_unreach");
	CU_ASSERT_STRING_EQUAL(kept_by("2001:db8:99::1", IPPROTO_UDP, 8080, kept, sizeof(kept)), "eth6_icmp6_no_route");
	CU_ASSERT_STRING_EQUAL(kept_by("2001:db8:9::2", IPPROTO_UDP, 5353, kept, sizeof(kept)),
			       "eth6_icmp_echo eth6_icmp6_port_unreach eth6_icmp6_no_route sll2_icmp6_reply");
	CU_ASSERT_STRING_EQUAL(kept_by("10.9.9.2", IPPROTO_UDP, 8080, kept, sizeof(kept)), "raw_udp");
	CU_ASSERT(!filter_matches("tcp", sample("eth_arp")));
}

UNIT_SUITE(packet,
	   { "Ethernet IPv4 TCP SYN and RST", test_eth_tcp },
	   { "Ethernet IPv4 ICMP echo", test_eth_icmp_echo },
	   { "Ethernet IPv6 TCP SYN", test_eth6_tcp },
	   { "Ethernet IPv6 ICMPv6 echo", test_eth6_icmp6_echo },
	   { "ICMP errors quote the flow", test_icmp_errors_quote },
	   { "VLAN tag skipped", test_vlan },
	   { "LINUX_SLL direction", test_sll },
	   { "LINUX_SLL2 direction and ifindex", test_sll2 },
	   { "RAW, IPV4, IPV6 link types", test_raw },
	   { "IPv4 and IPv6 fragments", test_fragments },
	   { "not IP, unknown link type", test_not_ip },
	   { "truncated frames", test_truncated },
	   { "malformed headers rejected", test_malformed },
	   { "garbage and mutated frames", test_garbage },
	   { "describe truncates safely", test_describe_truncates },
	   { "endpoint_str", test_endpoint_str },
	   { "capture filter text", test_filter_text },
	   { "capture filter on real frames", test_filter_matches })
