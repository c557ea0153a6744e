/* icmp_packet.h — ICMP and ICMPv6 echo packets, built and parsed as bytes: no sockets, no state.
 *
 * The parsers read what raw sockets hand over: for AF_INET the whole IPv4 datagram (IP header first), for
 * AF_INET6 the ICMPv6 message alone (the kernel strips the IPv6 header).  Every length is checked against the
 * buffer before it is used; a short or inconsistent packet is rejected, never read past its end. */
#ifndef NSH_ICMP_PACKET_H
#define NSH_ICMP_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness/scenario/model.h"

#define ICMP_ECHO_HDR_LEN 8       /* type, code, checksum, id, sequence */

/* The Internet checksum (RFC 1071) of len bytes: the value to store in a checksum field that was zero while
 * summing.  Over data that already carries a correct checksum it returns 0. */
uint16_t inet_checksum(const void *data, size_t len);

/* Writes an echo request (ICMP type 8 for AF_INET, ICMPv6 type 128 for AF_INET6) with id, seq and the
 * payload into buf.  The AF_INET checksum is filled in; the AF_INET6 one is left 0, since the kernel computes
 * it over the IPv6 pseudo-header on every ICMPv6 raw socket.  Returns the length written, -ENOSPC when size
 * is too small, or -EAFNOSUPPORT. */
ssize_t icmp_echo_build(int family, uint8_t *buf, size_t size, uint16_t id, uint16_t seq,
			const void *payload, size_t payload_len);

enum icmp_kind {
	ICMP_KIND_ECHO_REPLY,     /* id, seq are the reply's */
	ICMP_KIND_UNREACH,        /* destination unreachable; id, seq, orig_* are the quoted echo request's */
	ICMP_KIND_TIME_EXCEEDED,  /* time exceeded; the same */
	ICMP_KIND_TOO_BIG,        /* "fragmentation needed" (ICMP type 3 code 4) or ICMPv6 "packet too big" (type
	                           * 2): the quoted echo request was too big for the sender's next hop; mtu set */
};

/* One received packet that may concern an echo request. */
struct icmp_msg {
	enum icmp_kind kind;
	uint8_t type, code;       /* as on the wire (ICMP or ICMPv6 numbering, by from.family) */
	struct addr from;         /* who sent this packet: the replying host, or the reporter of the error */
	uint16_t id, seq;
	struct addr orig_src;     /* errors only: the quoted echo request's source */
	struct addr orig_dst;     /* errors only: where the quoted echo request was going */
	uint32_t mtu;             /* ICMP_KIND_TOO_BIG: the next hop's MTU the error carries (0: the sender did
	                           * not say, as pre-RFC 1191 IPv4 routers) */
};

/* Parses a buffer read from an AF_INET raw ICMP socket (IPv4 header, then ICMP).  Checks the IP header's
 * version, length fields and protocol, and the ICMP checksum (raw sockets see packets before the kernel
 * validates them).  Returns 0 with m filled, -EBADMSG when the packet is truncated or malformed, or -ENOMSG
 * when it is well formed but neither an echo reply nor an error quoting an echo request.  A "fragmentation
 * needed" (type 3 code 4) is ICMP_KIND_TOO_BIG, with the next-hop MTU of RFC 1191 (the low 16 bits of the
 * header's second word). */
int icmp4_parse(const uint8_t *buf, size_t len, struct icmp_msg *m);

/* Parses a buffer read from an AF_INET6 raw ICMPv6 socket (ICMPv6 header first); from is the source address
 * recvfrom() reported, copied to m->from.  The checksum is the kernel's to verify (it does so for ICMPv6 raw
 * sockets).  The quoted datagram of an error must be an IPv6 header followed directly by the ICMPv6 echo
 * request, as ours are sent.  A "packet too big" (type 2) is ICMP_KIND_TOO_BIG with its 32-bit MTU (RFC 4443
 * 3.2).  Returns as icmp4_parse. */
int icmp6_parse(const uint8_t *buf, size_t len, const struct addr *from, struct icmp_msg *m);

/* Words for a message: the type ("destination unreachable", "time exceeded", "echo reply") and the code
 * ("host unreachable", "hop limit exceeded in transit", ...).  Never NULL; unknown codes read "unknown code". */
const char *icmp_type_str(int family, uint8_t type);
const char *icmp_code_str(int family, uint8_t type, uint8_t code);

#endif
