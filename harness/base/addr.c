/* addr.c — addresses, prefixes and ports as a scenario writes them, parsed strictly and printed back. */
#include "harness/base/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define ADDR_TEXT_MAX 64          /* longer than any text inet_pton accepts */

/* Parses s[0..n): the family is told by a ':' (IPv6 always has one, IPv4 never). */
static int addr_parse_n(const char *s, size_t n, struct addr *a)
{
	char buf[ADDR_TEXT_MAX];

	if (n == 0 || n >= sizeof(buf))
		return ADDR_EADDR;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(a, 0, sizeof(*a));
	a->family = memchr(buf, ':', n) ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, buf, a->bytes) != 1)
		return ADDR_EADDR;
	return ADDR_OK;
}

/* Plain decimal s[0..n) in 0..max, without sign or leading zeros.  Returns 0 or -1. */
static int uint_parse_n(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (n == 0 || n > 5 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int addr_parse(const char *s, struct addr *a)
{
	return addr_parse_n(s, strlen(s), a);
}

int prefix_parse(const char *s, struct prefix *p)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (addr_parse_n(s, n, &p->addr))
		return ADDR_EADDR;
	p->len = addr_bits(p->addr.family);
	if (slash && uint_parse_n(slash + 1, strlen(slash + 1), p->len, &p->len))
		return ADDR_ELEN;
	return ADDR_OK;
}

int port_parse(const char *s, uint16_t *port)
{
	unsigned v;

	if (uint_parse_n(s, strlen(s), 65535, &v) || v == 0)
		return ADDR_EPORT;
	*port = (uint16_t)v;
	return ADDR_OK;
}

/* "[v6]" or "[v6]:port". */
static int bracketed_parse(const char *s, struct addr *a, uint16_t *port, size_t *port_at)
{
	const char *close = strchr(s, ']');

	if (!close || addr_parse_n(s + 1, (size_t)(close - s - 1), a) || a->family != AF_INET6)
		return ADDR_EADDR;
	if (close[1] == '\0')
		return ADDR_OK;
	if (close[1] != ':')
		return ADDR_EADDR;
	*port_at = (size_t)(close + 2 - s);
	return port_parse(close + 2, port);
}

int addr_port_parse(const char *s, struct addr *a, uint16_t *port, size_t *port_at)
{
	const char *colon = strchr(s, ':');

	*port = 0;
	if (s[0] == '[')
		return bracketed_parse(s, a, port, port_at);
	/* Two colons or more: a bare IPv6 address, which cannot carry a port. */
	if (!colon || strchr(colon + 1, ':'))
		return addr_parse(s, a);
	if (addr_parse_n(s, (size_t)(colon - s), a))
		return ADDR_EADDR;
	*port_at = (size_t)(colon + 1 - s);
	return port_parse(colon + 1, port);
}

const char *addr_str(const struct addr *a, char *buf, size_t len)
{
	if ((a->family != AF_INET && a->family != AF_INET6) || !inet_ntop(a->family, a->bytes, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

const char *prefix_str(const struct prefix *p, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	snprintf(buf, len, "%s/%u", addr_str(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

bool addr_equal(const struct addr *a, const struct addr *b)
{
	unsigned n = addr_bits(a->family) / 8;

	return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}

const char *family_name(int family)
{
	switch (family) {
	case AF_INET:
		return "IPv4";
	case AF_INET6:
		return "IPv6";
	}
	return "no family";
}

unsigned addr_bits(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}
