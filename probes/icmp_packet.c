/* icmp_packet.c — echo requests built and ICMP/ICMPv6 answers parsed, with every length checked. */
#include "probes/icmp_packet.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>

#define IP4_MIN_HDR 20
#define IP6_HDR 40
#define PROTO_ICMP 1
#define PROTO_ICMPV6 58

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

uint16_t inet_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;    /* the odd byte, padded with a zero byte */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

ssize_t icmp_echo_build(int family, uint8_t *buf, size_t size, uint16_t id, uint16_t seq,
			const void *payload, size_t payload_len)
{
	size_t len = ICMP_ECHO_HDR_LEN + payload_len;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (size < ICMP_ECHO_HDR_LEN || payload_len > size - ICMP_ECHO_HDR_LEN)
		return -ENOSPC;
	buf[0] = family == AF_INET ? ICMP_ECHO : ICMPV6_ECHO_REQUEST;
	buf[1] = 0;
	put16(buf + 2, 0);
	put16(buf + 4, id);
	put16(buf + 6, seq);
	if (payload_len)
		memcpy(buf + ICMP_ECHO_HDR_LEN, payload, payload_len);
	if (family == AF_INET)
		put16(buf + 2, inet_checksum(buf, len));
	return (ssize_t)len;
}

static void addr_set(struct addr *a, int family, const uint8_t *bytes)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->bytes, bytes, family == AF_INET ? 4 : 16);
}

/* Validates an IPv4 header at p (len bytes available) and returns its length, or 0 when it does not fit. */
static size_t ip4_hdr_len(const uint8_t *p, size_t len)
{
	size_t hlen;

	if (len < IP4_MIN_HDR || p[0] >> 4 != 4)
		return 0;
	hlen = (size_t)(p[0] & 0x0f) * 4;
	return hlen >= IP4_MIN_HDR && hlen <= len ? hlen : 0;
}

/* The datagram an ICMPv4 error quotes: its IP header, then at least the first 8 bytes of its payload. */
static int icmp4_quoted_echo(const uint8_t *q, size_t len, struct icmp_msg *m)
{
	size_t hlen = ip4_hdr_len(q, len);

	if (!hlen || len - hlen < ICMP_ECHO_HDR_LEN)
		return -EBADMSG;
	if (q[9] != PROTO_ICMP || q[hlen] != ICMP_ECHO)
		return -ENOMSG;
	addr_set(&m->orig_src, AF_INET, q + 12);
	addr_set(&m->orig_dst, AF_INET, q + 16);
	m->id = get16(q + hlen + 4);
	m->seq = get16(q + hlen + 6);
	return 0;
}

int icmp4_parse(const uint8_t *buf, size_t len, struct icmp_msg *m)
{
	size_t hlen = ip4_hdr_len(buf, len), tot;
	const uint8_t *icmp;

	memset(m, 0, sizeof(*m));
	if (!hlen)
		return -EBADMSG;
	tot = get16(buf + 2);
	if (tot < hlen + ICMP_ECHO_HDR_LEN || tot > len || buf[9] != PROTO_ICMP)
		return -EBADMSG;
	icmp = buf + hlen;
	if (inet_checksum(icmp, tot - hlen) != 0)
		return -EBADMSG;
	addr_set(&m->from, AF_INET, buf + 12);
	m->type = icmp[0];
	m->code = icmp[1];
	switch (m->type) {
	case ICMP_ECHOREPLY:
		m->kind = ICMP_KIND_ECHO_REPLY;
		m->id = get16(icmp + 4);
		m->seq = get16(icmp + 6);
		return 0;
	case ICMP_DEST_UNREACH:
	case ICMP_TIME_EXCEEDED:
		m->kind = m->type == ICMP_DEST_UNREACH ? ICMP_KIND_UNREACH : ICMP_KIND_TIME_EXCEEDED;
		if (m->type == ICMP_DEST_UNREACH && m->code == ICMP_FRAG_NEEDED) {
			m->kind = ICMP_KIND_TOO_BIG;
			m->mtu = get16(icmp + 6);
		}
		return icmp4_quoted_echo(icmp + ICMP_ECHO_HDR_LEN, tot - hlen - ICMP_ECHO_HDR_LEN, m);
	}
	return -ENOMSG;
}

/* The datagram an ICMPv6 error quotes: a fixed IPv6 header, then (for ours) the ICMPv6 echo request. */
static int icmp6_quoted_echo(const uint8_t *q, size_t len, struct icmp_msg *m)
{
	if (len < IP6_HDR + ICMP_ECHO_HDR_LEN || q[0] >> 4 != 6)
		return -EBADMSG;
	if (q[6] != PROTO_ICMPV6 || q[IP6_HDR] != ICMPV6_ECHO_REQUEST)
		return -ENOMSG;
	addr_set(&m->orig_src, AF_INET6, q + 8);
	addr_set(&m->orig_dst, AF_INET6, q + 24);
	m->id = get16(q + IP6_HDR + 4);
	m->seq = get16(q + IP6_HDR + 6);
	return 0;
}

int icmp6_parse(const uint8_t *buf, size_t len, const struct addr *from, struct icmp_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (len < ICMP_ECHO_HDR_LEN)
		return -EBADMSG;
	m->from = *from;
	m->type = buf[0];
	m->code = buf[1];
	switch (m->type) {
	case ICMPV6_ECHO_REPLY:
		m->kind = ICMP_KIND_ECHO_REPLY;
		m->id = get16(buf + 4);
		m->seq = get16(buf + 6);
		return 0;
	case ICMPV6_DEST_UNREACH:
	case ICMPV6_TIME_EXCEED:
		m->kind = m->type == ICMPV6_DEST_UNREACH ? ICMP_KIND_UNREACH : ICMP_KIND_TIME_EXCEEDED;
		return icmp6_quoted_echo(buf + ICMP_ECHO_HDR_LEN, len - ICMP_ECHO_HDR_LEN, m);
	case ICMPV6_PKT_TOOBIG:
		m->kind = ICMP_KIND_TOO_BIG;
		m->mtu = get32(buf + 4);
		return icmp6_quoted_echo(buf + ICMP_ECHO_HDR_LEN, len - ICMP_ECHO_HDR_LEN, m);
	}
	return -ENOMSG;
}

static const char *const unreach4[] = {
	"network unreachable", "host unreachable", "protocol unreachable", "port unreachable",
	"fragmentation needed and DF set", "source route failed", "destination network unknown",
	"destination host unknown", "source host isolated", "network administratively prohibited",
	"host administratively prohibited", "network unreachable for TOS", "host unreachable for TOS",
	"communication administratively prohibited", "host precedence violation", "precedence cutoff in effect",
};

static const char *const unreach6[] = {
	"no route to destination", "communication administratively prohibited", "beyond scope of source address",
	"address unreachable", "port unreachable", "source address failed ingress/egress policy",
	"reject route to destination", "error in source routing header",
};

static const char *const exceeded4[] = { "TTL exceeded in transit", "fragment reassembly time exceeded" };
static const char *const exceeded6[] = { "hop limit exceeded in transit", "fragment reassembly time exceeded" };

#define PICK(table, i) ((i) < sizeof(table) / sizeof((table)[0]) ? (table)[i] : "unknown code")

const char *icmp_type_str(int family, uint8_t type)
{
	if (family == AF_INET6)
		return type == ICMPV6_ECHO_REPLY ? "echo reply" :
		       type == ICMPV6_DEST_UNREACH ? "destination unreachable" :
		       type == ICMPV6_TIME_EXCEED ? "time exceeded" :
		       type == ICMPV6_PKT_TOOBIG ? "packet too big" : "ICMPv6 message";
	return type == ICMP_ECHOREPLY ? "echo reply" :
	       type == ICMP_DEST_UNREACH ? "destination unreachable" :
	       type == ICMP_TIME_EXCEEDED ? "time exceeded" : "ICMP message";
}

const char *icmp_code_str(int family, uint8_t type, uint8_t code)
{
	if (family == AF_INET6) {
		if (type == ICMPV6_DEST_UNREACH)
			return PICK(unreach6, code);
		if (type == ICMPV6_TIME_EXCEED)
			return PICK(exceeded6, code);
	} else {
		if (type == ICMP_DEST_UNREACH)
			return PICK(unreach4, code);
		if (type == ICMP_TIME_EXCEEDED)
			return PICK(exceeded4, code);
	}
	return code ? "unknown code" : "no code";
}
