/* packet.h — what a captured frame says, in a summary the checks and evidence lines can use.
 *
 * Pure parsing, no I/O: a frame and its pcap link type in, a struct packet_info out.  Every length is checked
 * against the captured bytes; nothing past them is read.  L4 checksums are never looked at: veth TX checksum
 * offload leaves partial checksums in captured TCP and UDP, which are not evidence of anything. */
#ifndef NSH_PACKET_H
#define NSH_PACKET_H

#include "harness/scenario/model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TCP flag bits, as in the header's 13th byte. */
enum tcp_flag {
	TCPF_FIN = 0x01, TCPF_SYN = 0x02, TCPF_RST = 0x04, TCPF_PSH = 0x08,
	TCPF_ACK = 0x10, TCPF_URG = 0x20, TCPF_ECE = 0x40, TCPF_CWR = 0x80,
};

/* Which way the frame went, from the capturing interface's side; known only for LINUX_SLL and LINUX_SLL2. */
enum packet_dir { PACKET_DIR_UNKNOWN, PACKET_DIR_IN, PACKET_DIR_OUT };

/* The flow an ICMP error quotes (the header of the packet that caused it). */
struct packet_quote {
	int proto;                /* IPPROTO_*; 0 when the error quotes no readable IP header */
	struct addr src, dst;
	uint16_t sport, dport;    /* TCP/UDP only, and only when the quote holds them */
};

struct packet_info {
	int family;               /* AF_INET or AF_INET6; AF_UNSPEC (0) when not parsed */
	int proto;                /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, or whatever L4 number the IP header names */
	struct addr src, dst;
	uint16_t sport, dport;    /* TCP and UDP, host order */
	uint8_t tcp_flags;        /* enum tcp_flag bits */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;   /* echo request and reply only */
	struct packet_quote quote;    /* ICMP and ICMPv6 errors only */
	bool has_l4;              /* the TCP, UDP or ICMP header was captured and read */
	bool fragment;            /* a non-first fragment: no L4 header, ports and flags are 0 */
	enum packet_dir dir;
	uint32_t ifindex;         /* LINUX_SLL2 only (in the capturing namespace), else 0 */
	uint16_t vlan;            /* the outermost VLAN id, 0 when untagged */
	uint32_t ip_len;          /* the IP header's total length (IPv6: header plus payload) */
};

/* Parses frame (caplen captured bytes) of pcap link type linktype (DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
 * DLT_RAW, DLT_IPV4, DLT_IPV6) into *pi, which is zeroed first.  Returns 0, or:
 *   -EPROTONOSUPPORT  the link type is not one of those;
 *   -EPFNOSUPPORT     a well-formed frame that carries no IP packet (ARP, LLDP, ...);
 *   -EBADMSG          a truncated or malformed frame or IP packet.
 * A missing or cut L4 header (a short snaplen) is not an error: the IP part is filled, the L4 part left 0
 * (has_l4 false).  On error *pi is all zero. */
int packet_parse(int linktype, const uint8_t *frame, size_t caplen, struct packet_info *pi);

/* Writes a one-line description for evidence ("10.1.1.1:20001 > 198.51.100.2:8080 tcp SYN",
 * "10.1.1.1 > 198.51.100.2 icmp echo id 4242 seq 1", "[2001:db8::2]:8080 > [2001:db8::1]:20001 tcp SYN,ACK",
 * "10.1.1.2 > 10.1.1.1 icmp unreachable net for 10.1.1.1:20001 > 203.0.113.5:8080 udp"),
 * then " vlan 7" for a tagged frame and " (in)" or " (out)" when the direction is known.  Truncates to fit
 * (len 0 allowed); returns buf. */
const char *packet_describe(const struct packet_info *pi, char *buf, size_t len);

/* Formats an address, with ":port" when port is not 0 (IPv6 as "[addr]:port").  Returns buf. */
const char *endpoint_str(const struct addr *a, uint16_t port, char *buf, size_t len);

#endif
