/* addr.h — the scenario's spelling of addresses, prefixes and ports: parsing it, and printing it back.
 *
 * Parsers are strict: IPv4 is dotted-quad
 * decimal only (no "10.1", no leading zeros), IPv6 is RFC 4291 text without a zone, numbers
 * are plain decimal without leading zeros.  They do not print: they say which part was wrong, and the
 * caller words the error. */
#ifndef NSH_ADDR_H
#define NSH_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_STRLEN 48        /* room for any address as text (INET6_ADDRSTRLEN) */
#define PREFIX_STRLEN (ADDR_STRLEN + 4)   /* ADDR_STRLEN and "/128" */

struct addr {
	int family;               /* AF_INET or AF_INET6 */
	uint8_t bytes[16];        /* network order; 4 used for AF_INET */
};

struct prefix {
	struct addr addr;         /* host bits zero are not required; the kernel masks them */
	unsigned len;
};

/* Formatting helpers shared by messages and reports. */
const char *addr_str(const struct addr *a, char *buf, size_t len);   /* returns buf */
bool addr_equal(const struct addr *a, const struct addr *b);

/* What a parser found wrong. */
enum addr_err {
	ADDR_OK = 0,
	ADDR_EADDR = -1,          /* not an IPv4 or IPv6 address */
	ADDR_ELEN = -2,           /* the prefix length is not a number in 0..32 (IPv4) or 0..128 (IPv6) */
	ADDR_EPORT = -3,          /* the port is not a number in 1..65535 */
};

/* "10.1.1.1" or "2001:db8::1".  Returns ADDR_OK or ADDR_EADDR. */
int addr_parse(const char *s, struct addr *a);

/* ADDR[/LEN]; without /LEN the length is the whole address (32 or 128).  Host bits may be set.
 * Returns ADDR_OK, ADDR_EADDR or ADDR_ELEN. */
int prefix_parse(const char *s, struct prefix *p);

/* A decimal port, 1..65535.  Returns ADDR_OK or ADDR_EPORT. */
int port_parse(const char *s, uint16_t *port);

/* ADDR[:PORT], an IPv6 address with a port written [ADDR]:PORT ("[2001:db8::1]" alone is allowed too).
 * *port is 0 when no port is written.  Returns ADDR_OK, ADDR_EADDR, or ADDR_EPORT with *port_at set to
 * the offset of the port's text in s. */
int addr_port_parse(const char *s, struct addr *a, uint16_t *port, size_t *port_at);

/* "10.1.1.0/24"; returns buf (PREFIX_STRLEN bytes are always enough). */
const char *prefix_str(const struct prefix *p, char *buf, size_t len);

/* "IPv4", "IPv6", or "no family" for anything else. */
const char *family_name(int family);

/* 32 for AF_INET, 128 for AF_INET6, 0 otherwise. */
unsigned addr_bits(int family);

#endif
