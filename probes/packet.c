/* packet.c — captured frames to summaries: link header, VLAN tags, IPv4/IPv6 (extension headers), TCP, UDP, ICMP. */
#include "probes/packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <pcap/sll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETH_HLEN 14
#define VLAN_HLEN 4
#define IPV4_HLEN 20
#define IPV6_HLEN 40
#define ICMP_HLEN 8

/* An IP header read, and where its payload lies. */
struct ip_view {
	int family, proto;
	struct addr src, dst;
	uint32_t ip_len;
	bool fragment;            /* a non-first fragment */
	const uint8_t *l4;
	size_t have;              /* L4 bytes captured */
	size_t declared;          /* L4 bytes the IP header claims */
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void set_addr(struct addr *a, int family, const uint8_t *p)
{
	a->family = family;
	memcpy(a->bytes, p, family == AF_INET ? 4 : 16);
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* 1: n bytes of L4 are captured; 0: the snaplen cut them; -EBADMSG: the IP header says they cannot exist. */
static int need(const struct ip_view *v, size_t n)
{
	if (n <= v->have)
		return 1;
	return n <= v->declared ? 0 : -EBADMSG;
}

static int view_ipv4(const uint8_t *p, size_t len, struct ip_view *v)
{
	size_t ihl, tot;

	if (len < IPV4_HLEN || p[0] >> 4 != 4)
		return -EBADMSG;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	tot = get16(p + 2);
	if (tot == 0)             /* a GSO packet bigger than 64 KiB: the length is in the capture only */
		tot = len;
	if (ihl < IPV4_HLEN || ihl > len || tot < ihl)
		return -EBADMSG;
	v->family = AF_INET;
	v->proto = p[9];
	set_addr(&v->src, AF_INET, p + 12);
	set_addr(&v->dst, AF_INET, p + 16);
	v->ip_len = (uint32_t)tot;
	v->fragment = (get16(p + 6) & 0x1fff) != 0;
	v->l4 = p + ihl;
	v->declared = tot - ihl;
	v->have = min_size(len, tot) - ihl;
	return 0;
}

static bool ipv6_ext_header(int nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_DSTOPTS ||
	       nh == IPPROTO_FRAGMENT || nh == IPPROTO_AH;
}

/* Steps over IPv6 extension headers until the L4 header (or a fragment that holds none). */
static int skip_ipv6_ext(struct ip_view *v)
{
	while (ipv6_ext_header(v->proto)) {
		const uint8_t *h = v->l4;
		size_t n = 8;
		int ok = need(v, 8);

		if (ok <= 0)
			return ok;
		if (v->proto == IPPROTO_AH)
			n = ((size_t)h[1] + 2) * 4;
		else if (v->proto != IPPROTO_FRAGMENT)
			n = ((size_t)h[1] + 1) * 8;
		ok = need(v, n);
		if (ok <= 0)
			return ok;
		if (v->proto == IPPROTO_FRAGMENT && (get16(h + 2) & 0xfff8)) {
			v->fragment = true;
			v->proto = h[0];
			return 0;
		}
		v->proto = h[0];
		v->l4 += n;
		v->have -= n;
		v->declared -= n;
	}
	return 1;
}

static int view_ipv6(const uint8_t *p, size_t len, struct ip_view *v)
{
	size_t plen;
	int ok;

	if (len < IPV6_HLEN || p[0] >> 4 != 6)
		return -EBADMSG;
	plen = get16(p + 4);
	if (plen == 0)            /* jumbogram or BIG TCP: the length is in the capture only */
		plen = len - IPV6_HLEN;
	v->family = AF_INET6;
	v->proto = p[6];
	set_addr(&v->src, AF_INET6, p + 8);
	set_addr(&v->dst, AF_INET6, p + 24);
	v->ip_len = (uint32_t)(IPV6_HLEN + plen);
	v->l4 = p + IPV6_HLEN;
	v->declared = plen;
	v->have = min_size(len - IPV6_HLEN, plen);
	ok = skip_ipv6_ext(v);
	if (ok == 0)              /* cut inside the chain, or a fragment: no L4 header to read */
		v->have = v->declared = 0;
	return ok < 0 ? ok : 0;
}

static int view_ip(const uint8_t *p, size_t len, struct ip_view *v)
{
	memset(v, 0, sizeof(*v));
	if (len < 1)
		return -EBADMSG;
	switch (p[0] >> 4) {
	case 4:
		return view_ipv4(p, len, v);
	case 6:
		return view_ipv6(p, len, v);
	}
	return -EBADMSG;
}

static bool has_ports(int proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

static bool icmp_is_echo(int family, uint8_t type)
{
	return family == AF_INET ? type == 0 || type == 8 : type == 128 || type == 129;
}

static bool icmp_is_error(int family, uint8_t type)
{
	if (family == AF_INET)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

/* The quoted header of an ICMP error: read what is there, never fail the outer packet over it. */
static void parse_quote(const uint8_t *p, size_t len, struct packet_quote *q)
{
	struct ip_view v;

	if (view_ip(p, len, &v) < 0)
		return;
	q->proto = v.proto;
	q->src = v.src;
	q->dst = v.dst;
	if (has_ports(v.proto) && !v.fragment && v.have >= 4) {
		q->sport = get16(v.l4);
		q->dport = get16(v.l4 + 2);
	}
}

static int parse_icmp(const struct ip_view *v, struct packet_info *pi)
{
	const uint8_t *h = v->l4;
	int ok = need(v, ICMP_HLEN);

	if (ok <= 0)
		return ok;
	pi->icmp_type = h[0];
	pi->icmp_code = h[1];
	pi->has_l4 = true;
	if (icmp_is_echo(v->family, h[0])) {
		pi->icmp_id = get16(h + 4);
		pi->icmp_seq = get16(h + 6);
	} else if (icmp_is_error(v->family, h[0])) {
		parse_quote(h + ICMP_HLEN, v->have - ICMP_HLEN, &pi->quote);
	}
	return 0;
}

static int parse_tcp(const struct ip_view *v, struct packet_info *pi)
{
	const uint8_t *h = v->l4;
	int ok = need(v, 20);

	if (ok <= 0)
		return ok;
	if (h[12] >> 4 < 5 || (size_t)(h[12] >> 4) * 4 > v->declared)
		return -EBADMSG;
	pi->sport = get16(h);
	pi->dport = get16(h + 2);
	pi->tcp_flags = h[13];
	pi->has_l4 = true;
	return 0;
}

static int parse_udp(const struct ip_view *v, struct packet_info *pi)
{
	const uint8_t *h = v->l4;
	int ok = need(v, 8);
	uint16_t ulen;

	if (ok <= 0)
		return ok;
	ulen = get16(h + 4);
	if (ulen != 0 && ulen < 8)   /* 0: a jumbogram or GSO packet */
		return -EBADMSG;
	pi->sport = get16(h);
	pi->dport = get16(h + 2);
	pi->has_l4 = true;
	return 0;
}

static int parse_ip(const uint8_t *p, size_t len, struct packet_info *pi)
{
	struct ip_view v;
	int err = view_ip(p, len, &v);

	if (err)
		return err;
	pi->family = v.family;
	pi->proto = v.proto;
	pi->src = v.src;
	pi->dst = v.dst;
	pi->ip_len = v.ip_len;
	pi->fragment = v.fragment;
	if (v.fragment)
		return 0;
	switch (v.proto) {
	case IPPROTO_TCP:
		return parse_tcp(&v, pi);
	case IPPROTO_UDP:
		return parse_udp(&v, pi);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if ((v.proto == IPPROTO_ICMP) == (v.family == AF_INET))
			return parse_icmp(&v, pi);
	}
	return 0;
}

static bool is_vlan(uint16_t type)
{
	return type == 0x8100 || type == 0x88a8 || type == 0x9100;
}

/* From an EtherType on: VLAN tags (any depth), then IP. */
static int parse_ethertype(uint16_t type, const uint8_t *p, size_t len, struct packet_info *pi)
{
	while (is_vlan(type)) {
		if (len < VLAN_HLEN)
			return -EBADMSG;
		if (!pi->vlan)
			pi->vlan = get16(p) & 0x0fff;
		type = get16(p + 2);
		p += VLAN_HLEN;
		len -= VLAN_HLEN;
	}
	if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6) {
		int err = parse_ip(p, len, pi);

		if (!err && pi->family != (type == ETHERTYPE_IPV4 ? AF_INET : AF_INET6))
			err = -EBADMSG;
		return err;
	}
	return -EPFNOSUPPORT;
}

static enum packet_dir sll_dir(unsigned pkttype)
{
	return pkttype == LINUX_SLL_OUTGOING ? PACKET_DIR_OUT : PACKET_DIR_IN;
}

static int parse_link(int linktype, const uint8_t *f, size_t len, struct packet_info *pi)
{
	switch (linktype) {
	case DLT_EN10MB:
		if (len < ETH_HLEN)
			return -EBADMSG;
		return parse_ethertype(get16(f + 12), f + ETH_HLEN, len - ETH_HLEN, pi);
	case DLT_LINUX_SLL:
		if (len < SLL_HDR_LEN)
			return -EBADMSG;
		pi->dir = sll_dir(get16(f));
		return parse_ethertype(get16(f + 14), f + SLL_HDR_LEN, len - SLL_HDR_LEN, pi);
	case DLT_LINUX_SLL2:
		if (len < SLL2_HDR_LEN)
			return -EBADMSG;
		pi->dir = sll_dir(f[10]);
		pi->ifindex = get32(f + 4);
		return parse_ethertype(get16(f), f + SLL2_HDR_LEN, len - SLL2_HDR_LEN, pi);
	case DLT_RAW:
		return parse_ip(f, len, pi);
	case DLT_IPV4:
	case DLT_IPV6:
		if (len && f[0] >> 4 != (linktype == DLT_IPV4 ? 4 : 6))
			return -EBADMSG;
		return parse_ip(f, len, pi);
	}
	return -EPROTONOSUPPORT;
}

int packet_parse(int linktype, const uint8_t *frame, size_t caplen, struct packet_info *pi)
{
	int err;

	memset(pi, 0, sizeof(*pi));
	err = parse_link(linktype, frame, caplen, pi);
	if (err)
		memset(pi, 0, sizeof(*pi));
	return err;
}

const char *endpoint_str(const struct addr *a, uint16_t port, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (a->family == AF_INET || a->family == AF_INET6)
		inet_ntop(a->family, a->bytes, ip, sizeof(ip));
	if (!port)
		snprintf(buf, len, "%s", ip);
	else if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", ip, port);
	else
		snprintf(buf, len, "%s:%u", ip, port);
	return buf;
}

/* Appends to a string being built in buf; never overflows, stops at the end. */
struct out { char *buf; size_t len, used; };

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->used >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	o->used = n < 0 ? o->len : min_size(o->used + (size_t)n, o->len);
}

static const char *const tcp_flag_names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };

static void put_tcp_flags(struct out *o, uint8_t flags)
{
	const char *sep = " ";

	for (unsigned i = 0; i < 8; i++) {
		if (flags & (1u << i)) {
			put(o, "%s%s", sep, tcp_flag_names[i]);
			sep = ",";
		}
	}
}

static const char *unreach4(uint8_t code)
{
	static const char *const names[] = { "net", "host", "protocol", "port", "frag needed" };

	if (code < sizeof(names) / sizeof(names[0]))
		return names[code];
	return code == 13 ? "admin prohibited" : NULL;
}

static const char *unreach6(uint8_t code)
{
	static const char *const names[] = { "no route", "admin prohibited", NULL, "address", "port" };

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : NULL;
}

/* ICMP (family AF_INET) and ICMPv6 type names; NULL for types without one here. */
static const char *icmp_name(int family, uint8_t type)
{
	switch (family == AF_INET ? type : type | 0x100) {
	case 0: case 0x181: return "echo reply";
	case 8: case 0x180: return "echo";
	case 3: case 0x101: return "unreachable";
	case 11: case 0x103: return "time exceeded";
	case 12: case 0x104: return "parameter problem";
	case 4: return "source quench";
	case 5: return "redirect";
	case 0x102: return "packet too big";
	case 0x185: return "router solicitation";
	case 0x186: return "router advertisement";
	case 0x187: return "neighbor solicitation";
	case 0x188: return "neighbor advertisement";
	}
	return NULL;
}

static const char *proto_name(int proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmp6";
	}
	return NULL;
}

static void put_proto(struct out *o, int proto)
{
	const char *name = proto_name(proto);

	if (name)
		put(o, " %s", name);
	else
		put(o, " proto %d", proto);
}

static void put_flow(struct out *o, const struct addr *src, uint16_t sport, const struct addr *dst,
		     uint16_t dport, int proto)
{
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8];

	put(o, "%s > %s", endpoint_str(src, sport, a, sizeof(a)), endpoint_str(dst, dport, b, sizeof(b)));
	put_proto(o, proto);
}

static void put_icmp(struct out *o, const struct packet_info *pi)
{
	const char *name = icmp_name(pi->family, pi->icmp_type);
	bool unreach = pi->icmp_type == (pi->family == AF_INET ? 3 : 1);
	const char *code = unreach ? (pi->family == AF_INET ? unreach4 : unreach6)(pi->icmp_code) : NULL;

	if (!name)
		put(o, " type %u code %u", pi->icmp_type, pi->icmp_code);
	else if (icmp_is_echo(pi->family, pi->icmp_type))
		put(o, " %s id %u seq %u", name, pi->icmp_id, pi->icmp_seq);
	else if (code)
		put(o, " %s %s", name, code);
	else if (unreach)
		put(o, " %s code %u", name, pi->icmp_code);
	else
		put(o, " %s", name);
	if (pi->quote.proto) {
		put(o, " for ");
		put_flow(o, &pi->quote.src, pi->quote.sport, &pi->quote.dst, pi->quote.dport, pi->quote.proto);
	}
}

const char *packet_describe(const struct packet_info *pi, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	if (pi->family != AF_INET && pi->family != AF_INET6) {
		put(&o, "not an IP packet");
		return buf;
	}
	put_flow(&o, &pi->src, pi->sport, &pi->dst, pi->dport, pi->proto);
	if (pi->fragment)
		put(&o, " fragment");
	else if (pi->has_l4 && pi->proto == IPPROTO_TCP)
		put_tcp_flags(&o, pi->tcp_flags);
	else if (pi->has_l4 && (pi->proto == IPPROTO_ICMP || pi->proto == IPPROTO_ICMPV6))
		put_icmp(&o, pi);
	if (pi->vlan)
		put(&o, " vlan %u", pi->vlan);
	if (pi->dir != PACKET_DIR_UNKNOWN)
		put(&o, pi->dir == PACKET_DIR_IN ? " (in)" : " (out)");
	return buf;
}
