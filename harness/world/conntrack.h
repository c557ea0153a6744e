/* conntrack.h — reading a namespace's connection tracking table over ctnetlink (libmnl, no libnetfilter_conntrack).
 *
 * Evidence for NAT diagnoses: which flows the kernel tracks, how each was translated, and whether a flow that
 * crossed before a masquerade rule existed kept its untranslated entry. */
#ifndef NSH_CONNTRACK_H
#define NSH_CONNTRACK_H

#include "harness/scenario/model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/* One direction of a flow.  Ports and the ICMP id are in host order; the ICMP fields are set for icmp and
 * icmpv6 only, the ports for the protocols that have them (tcp, udp, udplite, sctp, dccp). */
struct ct_tuple {
	struct addr src, dst;
	int proto;                /* IPPROTO_* */
	uint16_t sport, dport;
	uint16_t icmp_id;
	uint8_t icmp_type, icmp_code;
};

struct ct_entry {
	struct ct_tuple orig, reply;
	uint32_t status;          /* IPS_* */
	uint32_t timeout;         /* seconds left */
	uint32_t mark;
	uint64_t packets_orig, packets_reply;   /* 0 unless net.netfilter.nf_conntrack_acct=1 in the namespace */
};

/* Dumps the conntrack table of namespace nsfd, both families, calling fn for each entry.  fn returns 0 to go
 * on; a non-zero return stops the calls (the rest of the dump is read and dropped) and is returned.  An entry
 * that does not parse makes the result -EBADMSG after the others are delivered.  An empty table (no
 * conntrack-using rule ever loaded in the namespace) is 0 with no call.  Otherwise 0 or -errno. */
int conntrack_dump(int nsfd, int (*fn)(const struct ct_entry *e, void *arg), void *arg);

/* One line, conntrack-like:
 *   "icmp 10.1.1.1 > 198.51.100.2 id 1234 | reply 198.51.100.2 > 198.51.100.1 id 1234 [ASSURED,SRC_NAT] timeout 29"
 *   "tcp 10.1.1.1:40000 > 198.51.100.2:8080 | reply 198.51.100.2:8080 > 198.51.100.1:40000 [ASSURED,SRC_NAT] timeout 119"
 * IPv6 endpoints with a port are written [ADDR]:PORT; icmp and icmpv6 with a type other than echo request add
 * " type T code C" to the original direction.  The bracket lists the flags that matter for a diagnosis, in this
 * order: EXPECTED, UNREPLIED (no reply seen), ASSURED, SRC_NAT, DST_NAT, DYING, OFFLOAD; it is left out when
 * none is set.  " mark 0xM" and " packets O/R" follow when non-zero.  Returns buf (truncated to len). */
const char *ct_entry_str(const struct ct_entry *e, char *buf, size_t len);

/* True when the entry's reply tuple shows source NAT: the reply goes to an address other than the original
 * source.  A flow that crossed before a masquerade rule existed has a reply tuple addressed to its inside
 * source, and stays so: NAT decides on a flow's first packet. */
bool ct_entry_is_snat(const struct ct_entry *e);

/* Parses one ctnetlink conntrack message (IPCTNL_MSG_CT_NEW or _DELETE: struct nfgenmsg, then the CTA_*
 * attributes) into e.  Pure.  Requires both tuples with addresses of one family and a protocol number; every
 * attribute must lie inside the message.  0, or -EBADMSG (e is then unspecified). */
int ct_entry_parse(const struct nlmsghdr *nlh, struct ct_entry *e);

#endif
