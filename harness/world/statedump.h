/* statedump.h — the evidence kept when a stage fails: a readable snapshot of one namespace.
 *
 * Links, addresses, routes and neighbours come from rtnetlink dumps on a socket opened inside the namespace,
 * written close to `ip -d` style; the ruleset is nft's own text, from libnftables run inside the namespace;
 * then the conntrack table and the sysctls that decide forwarding.  Nothing in the namespace is changed. */
#ifndef NSH_STATEDUMP_H
#define NSH_STATEDUMP_H

#include "harness/base/nl.h"

#include <net/if.h>
#include <stdint.h>
#include <stdio.h>

/* Writes a readable snapshot of namespace nsfd (named ns_name in the scenario) to out:
 * links (name, state, flags, mtu, peer index), addresses, routes (all tables, both families), neighbours,
 * the nftables ruleset in nft's own syntax, conntrack entries, and the sysctls that decide forwarding:
 * net.ipv4.ip_forward, net.ipv6.conf.all.forwarding, net.ipv4.conf.{all,default,<each link>}.rp_filter,
 * and net.ipv4.conf.<each link>.forwarding.  It opens with "# namespace NAME"; each section is headed
 * "== links", "== addresses", "== routes", "== neighbours", "== nftables", "== conntrack", "== sysctls".
 * A section that cannot be read says why in place ("(cannot read: Operation not supported)") and the dump
 * goes on; an empty one says "(none)".  Returns 0 when the dump was written (some sections may say they
 * could not be read), -errno when no netlink socket could be opened in nsfd (the sections then say why),
 * -EIO when writing to out failed. */
int state_dump(int nsfd, const char *ns_name, FILE *out);

/* Runs one nft command in nft's own syntax ("list ruleset", "add table inet t") through libnftables, on a
 * thread inside namespace nsfd (the context and its netlink socket are made and freed there).  Returns 0 with
 * nft's output in *output, or -EINVAL when nft refused the command (ENOMEM, or -errno when the namespace
 * could not be entered) with nft's error text in *output.  *output is malloc'd (the caller frees it) or NULL. */
int nft_cmd_in_ns(int nsfd, const char *cmd, char **output);

/* ---- The rtnetlink sections (statedump_rtnl.c), for state_dump ---- */

/* One link as its namespace's link dump shows it. */
struct sd_link {
	int ifindex;
	char name[IFNAMSIZ];
	unsigned flags;           /* IFF_* */
	unsigned mtu, operstate, type;   /* operstate IF_OPER_*, type ARPHRD_* */
	int peer;                 /* IFLA_LINK (a veth's peer index), 0 for none */
	int netnsid;              /* IFLA_LINK_NETNSID (the peer is in another namespace), -1 for none */
	int master;               /* IFLA_MASTER, 0 for none */
	char kind[16];            /* IFLA_INFO_KIND ("veth"), "" for none */
	uint8_t lladdr[32];
	unsigned lladdr_len;
};

/* The links of one namespace: ifindexes repeat across namespaces, so names are resolved only here. */
struct sd_links {
	struct sd_link *v;
	unsigned n, cap;
};

/* Dumps the links of rtnl's namespace into links (emptied first; freed with sd_links_free).  0 or -errno
 * (the links read before the error are kept). */
int sd_links_read(struct nl *rtnl, struct sd_links *links);
void sd_links_free(struct sd_links *links);
/* The name of ifindex in links, or "if<N>" when it is not there; buf holds IFNAMSIZ bytes. */
const char *sd_link_name(const struct sd_links *links, int ifindex, char *buf);

/* Each writes one line per object to out, as `ip -d` would, resolving ifindexes through links:
 *   links:      "2: veth1@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP veth link/ether 7e:.. link-netnsid 0"
 *               (@ifN: the peer's index in the namespace link-netnsid names; @NAME: a peer in this namespace)
 *   addresses:  "veth1 inet 10.1.1.1/24 brd 10.1.1.255 scope global"
 *   routes:     "10.1.1.0/24 dev veth1 proto kernel scope link src 10.1.1.1", "default via 10.1.1.2 dev veth1 proto
 *               static", "local 10.1.1.1 dev veth1 table local proto kernel scope host src 10.1.1.1" (every table,
 *               both families)
 *   neighbours: "10.1.1.2 dev veth1 lladdr 7e:.. REACHABLE"
 *   nexthops:   "id 1 via 198.51.100.2 dev ens160", "id 10 group 1/2,2", "id 4 blackhole" (objects, ip nexthop)
 * The last four dump rtnl's namespace and return 0 or -errno (lines written before an error stay); *count
 * is how many lines were written. */
void sd_links_print(const struct sd_links *links, FILE *out);
int sd_addrs_print(struct nl *rtnl, const struct sd_links *links, FILE *out, unsigned *count);
int sd_routes_print(struct nl *rtnl, const struct sd_links *links, FILE *out, unsigned *count);
int sd_neighs_print(struct nl *rtnl, const struct sd_links *links, FILE *out, unsigned *count);
int sd_nexthops_print(struct nl *rtnl, const struct sd_links *links, FILE *out, unsigned *count);

#endif
