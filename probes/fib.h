/* fib.h — a namespace's policy rules and routes as the kernel holds them, and which rule and route a packet
 * gets: the account behind a FIB lookup's answer (its route type, its table, the rule that chose the table).
 *
 * The kernel's own lookup (route_lookup_in) says what happens to the packet; this file says why, by walking
 * the rules in priority order as fib_rules_lookup does: a matching rule's table is searched (longest prefix;
 * the lowest metric among equals); a table with no route for the packet, or a `throw` route, passes it on to
 * the next rule; a rule whose action is blackhole, unreachable or prohibit ends the walk itself. */
#ifndef NSH_PROBE_FIB_H
#define NSH_PROBE_FIB_H

#include "harness/base/addr.h"
#include "harness/base/nl.h"

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#define FIB_MAX_RULES 64
#define FIB_MAX_ROUTES 256
#define FIB_TEXT 160

/* One policy rule (RTM_NEWRULE), the fields a forwarded packet is matched on. */
struct fib_rule {
	uint32_t priority, table;
	uint8_t action;               /* FR_ACT_* */
	bool invert;                  /* `not` */
	bool unmodelled;              /* it matches on something this file does not judge (ports, uid, tos, l3mdev) */
	unsigned src_len, dst_len;
	struct addr src, dst;
	char iif[IFNAMSIZ], oif[IFNAMSIZ];
	uint32_t mark, mask;
};

/* One route of any table (RTM_NEWROUTE from a dump). */
struct fib_route {
	uint32_t table, metric;
	uint8_t type;                 /* RTN_* */
	unsigned dst_len;
	struct addr dst;
	int oif;
	bool has_gateway;
	struct addr gateway;
	uint32_t nhid;                /* RTA_NH_ID: the nexthop object it uses, 0 for none */
};

struct fib {
	int family;
	struct fib_rule rules[FIB_MAX_RULES];
	unsigned nrules;
	struct fib_route routes[FIB_MAX_ROUTES];
	unsigned nroutes;
};

/* The packet a lookup is for: a forwarded one has iif set and no oif. */
struct fib_packet {
	struct addr src, dst;
	const char *iif, *oif;        /* "" or NULL when none */
	uint32_t mark;
};

/* Which rule the walk ended at, and the route it found there (route -1: the rule's own action ended it, or
 * nothing matched at all: then rule is -1 too). */
struct fib_choice {
	int rule, route;
};

/* Parses one RTM_NEWRULE or RTM_NEWROUTE message into f (appended; other messages and cloned routes are
 * skipped).  Pure.  0, or -EBADMSG for a message too short or of another family. */
int fib_parse_rule(const struct nlmsghdr *nlh, struct fib *f);
int fib_parse_route(const struct nlmsghdr *nlh, struct fib *f);

/* Reads every rule and every route of f->family from the namespace of rtnl.  0 or -errno. */
int fib_read(struct nl *rtnl, int family, struct fib *f);

/* The kernel's walk for pk, over f.  Pure. */
struct fib_choice fib_choose(const struct fib *f, const struct fib_packet *pk);

/* "32765: from all iif veth0 lookup 100", as `ip rule show` writes a rule. */
const char *fib_rule_str(const struct fib_rule *r, int family, char *buf, size_t len);

/* "unreachable default", "198.51.100.0/24 via 10.1.1.9 dev ens161", as `ip route show` writes a route; oif
 * named by dev ("" to leave the device out). */
const char *fib_route_str(const struct fib_route *r, const char *dev, char *buf, size_t len);

/* "blackhole", "unreachable", "prohibit", "throw", "unicast", ...: the name `ip route` gives a type. */
const char *fib_type_name(uint8_t type);

#endif
