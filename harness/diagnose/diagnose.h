/* diagnose.h — when a stage fails, look at the world to say why, from evidence. */
#ifndef NSH_DIAGNOSE_H
#define NSH_DIAGNOSE_H

#include "harness/verdict/result.h"
#include "harness/world/world.h"

/* What one failed stage's diagnosis reads once, for all its expectations (the world's addresses, rp_filter
 * counters): made by diagnose_begin while the world is alive, before the stage's artifacts are written, and
 * ended by diagnose_end (NULL-safe).  Diagnosis changes nothing in the world; it only reads it.  NULL when
 * out of memory (then nothing is diagnosed). */
struct dg;
struct dg *diagnose_begin(struct world *w, const struct stage *stage);
void diagnose_end(struct dg *d);

/* The diagnosis hooks, one per shape of expectation; each kind's row (run/expect.c) names its hook, called
 * for a failed check (CHECK_FAIL).  Each adds evidence, and names a cause where the evidence is specific (the
 * probe's own cause then stays as a note); the stage's one-line reason is chosen by the runner afterwards.
 *
 * diagnose_traffic, for a probe that sends traffic: it walks the probe's way and adds it as evidence (the
 * client's route and neighbour entry for the next hop, which namespace and interface hold the addresses, the
 * router's forwarding sysctls, route and source NAT, the destination's way back, rp_filter drops, the router's
 * conntrack entries).  The first break the evidence shows becomes the cause: no route, lo down for a local
 * address, a duplicate address on the link, a next hop not answering ARP/ND, forwarding off for the family,
 * no route in the router, rp_filter drops, no way back (nothing translated the source; the two ends' prefixes
 * differ), no listening server.  A drop counted on the probe's own packets by a forward policy (fw_explain) is
 * kept over the later ones.  For "expect ... fails" that got through, it names the router's forward rule (or
 * accept policy) that let it, with its counters.
 *
 * diagnose_capture: for a capture that saw an inside source, why no masquerade or snat rule translated it.
 * diagnose_route: for a route whose gateway is the client's own address, that. */
/* The kernel's trace of a traffic probe (diagnose_trace.c), around the probe itself.  diagnose_trace_arm, just
 * before it: every namespace of a world nsharness built traces the packets to and from e's destination (verify
 * mode: nothing, a live host gets no table).  diagnose_trace, just after it failed: the first rule or chain
 * policy whose verdict dropped the probe's packets becomes the cause (nsharness's own forward policy, already
 * measured by its counters, keeps its words), else a translation rule in a NAT chain the probe's first packet
 * went through without matching; each rule named as its author wrote it, with its counter. */
void diagnose_trace_arm(struct world *w, const struct expect *e);
/* too_big (NULL: not asked) gets the drop, in the same words, of the first rule or policy whose verdict dropped
 * an ICMP "fragmentation needed" / ICMPv6 "packet too big" (the trace reads each packet's ICMP type and code):
 * CAUSE_NONE when none did, whatever else was dropped. */
void diagnose_trace(struct world *w, const struct expect *e, struct check *c, struct cause *too_big);

/* The PMTU black hole (diagnose_pmtu.c), around a size-aware probe (ping with size and df, tcp with bytes):
 * diagnose_pmtu_before, just before it, reads each namespace's SNMP counters (a router's packets too big to
 * forward, the client's ICMP "destination unreachable" / ICMPv6 "packet too big" received); diagnose_pmtu,
 * just after it failed (and after diagnose_trace), reads them again: a router that refused packets too big
 * for its next hop while the client received no ICMP error is a PMTU black hole, the cause, naming the
 * firewall rule or policy that dropped those ICMP errors themselves: too_big, the trace's (diagnose_trace),
 * else under iptables-legacy a drop whose counter rose and that may match ICMP from the router's addresses to
 * the client's (never a drop of something else; none found: none named).  Other expectations: nothing read,
 * nothing named. */
struct pmtu_one {
	bool read;
	unsigned long long too_big;   /* FragFails: packets it could not forward unfragmented */
	unsigned long long told;      /* ICMP destination unreachable (v4) / packet too big (v6) received */
};
struct pmtu_counts {
	int family;                   /* 0: not a size-aware expectation */
	struct pmtu_one ns[MAX_NETNS];
};
void diagnose_pmtu_before(struct world *w, const struct expect *e, struct pmtu_counts *pc);
void diagnose_pmtu(struct world *w, const struct expect *e, const struct pmtu_counts *before,
		   const struct cause *too_big, struct check *c);

void diagnose_traffic(struct dg *d, const struct expect *e, struct check *c);
void diagnose_capture(struct dg *d, const struct expect *e, struct check *c);
void diagnose_route(struct dg *d, const struct expect *e, struct check *c);

#endif
