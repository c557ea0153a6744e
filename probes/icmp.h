/* icmp.h — the ping probe: ICMP / ICMPv6 echo from inside a namespace, matched strictly to its own replies. */
#ifndef NSH_ICMP_H
#define NSH_ICMP_H

#include "harness/scenario/model.h"
#include "harness/verdict/check.h"

#define PING_COUNT 3              /* echo requests at most, spread evenly over the timeout */

/* Pings dst from inside namespace nsfd: up to 3 echo requests spaced over the timeout, each with this
 * probe's own id (flow_icmp_id) and its own sequence number; passes on the first matching reply (id, seq
 * and the replying address = dst).  Never waits past timeout_ms (the caller's wait, already scaled).
 *
 * Fills c (which the caller has check_init()ed) and returns its status:
 *   CHECK_PASS   a matching echo reply; c->value_ms is its round-trip time.
 *   CHECK_FAIL   no matching reply: an ICMP error that quotes one of our echo requests (destination
 *                unreachable, time exceeded; failing at once), a send the kernel refused (no route,
 *                unreachable or prohibit route, firewall), or silence until the deadline.
 *   CHECK_ERROR  the probe could not run (raw socket refused, namespace gone, poll/recv failed).
 * Uses one raw socket created inside the namespace, closed before returning.  Packets that are not ours
 * (other probes' ids, other hosts' traffic) are ignored: every raw ICMP socket sees every ICMP packet. */
enum check_status probe_ping(int nsfd, const struct addr *dst, unsigned timeout_ms, struct check *c);

/* The same with size bytes of payload (0: the probe's own 16), and df: the requests carry "don't fragment"
 * (IP_PMTUDISC_PROBE: sent at the link's MTU whatever the cached path MTU, so a smaller hop answers each one
 * with "fragmentation needed", which fails the check naming that hop).  Without df a sized request may be
 * fragmented anywhere (IP_PMTUDISC_DONT).  A request larger than the namespace's own link is refused by
 * the kernel (EMSGSIZE): a send refused. */
enum check_status probe_ping_sized(int nsfd, const struct addr *dst, unsigned size, bool df, unsigned timeout_ms,
				   struct check *c);

#endif
