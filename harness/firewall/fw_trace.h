/* fw_trace.h — the kernel's own account of a probe: nftrace events for its packets, and the rules they met.
 *
 * In each namespace of a world nsharness built, `table inet nsharness_trace` (this module's, created on first
 * use, commented as what it is) holds two chains at priority -300, hooks prerouting and output, whose only
 * rules set `meta nftrace set 1` on packets to or from the probe's destination (armed anew before each probe,
 * for that destination only), and on the ICMP errors a router answers the probe's too-big packets with (ICMP
 * "fragmentation needed", ICMPv6 "packet too big": the packet they quote goes to the probe's destination).  The rules have no verdict: the table changes nothing a packet meets.  A
 * NETLINK_NETFILTER socket in the same namespace, subscribed to NFNLGRP_NFTRACE, receives what the kernel
 * reports for the marked packets: each table, chain, rule handle and policy they met, and the verdict — for
 * nft rules and iptables-nft rules alike, whoever installed them (iptables-legacy rules are not nftables and
 * are never traced).  Never used in verify mode: it would add a table to a live host. */
#ifndef NSH_FW_TRACE_H
#define NSH_FW_TRACE_H

#include "harness/base/addr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_TRACE_TABLE "nsharness_trace"
#define FW_TRACE_NAME 64

enum fw_trace_type { FW_TRACE_POLICY = 1, FW_TRACE_RETURN = 2, FW_TRACE_RULE = 3 };   /* NFT_TRACETYPE_* */

/* One trace event: a packet (id) met a rule (handle) or a chain's end (return, policy) in a table. */
struct fw_trace_event {
	uint32_t id;
	int nfproto;                  /* the table's family: NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6 */
	char table[FW_TRACE_NAME], chain[FW_TRACE_NAME];
	enum fw_trace_type type;
	uint64_t handle;              /* FW_TRACE_RULE */
	int verdict;                  /* NF_DROP, NF_ACCEPT, or NFT_CONTINUE, NFT_JUMP, ... (the policy for POLICY) */
	uint32_t mark;                /* the packet's mark as the event saw it */
	bool before_routing;          /* it came in (iif) and is not routed yet (no oif): prerouting */
	bool has_addrs;               /* src and dst read from its network header */
	struct addr src, dst;
	bool has_ports;               /* a TCP or UDP packet's ports, read from its transport header */
	uint16_t sport, dport;
	bool has_icmp;                /* an ICMP or ICMPv6 packet whose transport header the event carried (or an
				       * earlier event of the same packet did: the kernel sends the headers once
				       * per chain it walks) */
	uint8_t icmp_type, icmp_code;
	bool too_big;                 /* that is ICMP "fragmentation needed" (type 3 code 4) or ICMPv6 "packet too
				       * big" (type 2): a router's answer to a packet too big for its next hop */
};

/* What a rule does to a packet it matches, read from its expressions. */
enum fw_action { FW_ACT_OTHER, FW_ACT_DROP, FW_ACT_REJECT, FW_ACT_SNAT, FW_ACT_MASQUERADE, FW_ACT_DNAT };

/* One rule of a chain, in chain order. */
struct fw_chain_rule {
	uint64_t handle;
	unsigned pos;                 /* 0 for the chain's first rule */
	enum fw_action action;
	bool has_counter;
	uint64_t packets;
};

struct fw_trace;

/* Opens the query and the trace sockets inside namespace nsfd; creates nothing yet.  NULL with why in err. */
struct fw_trace *fw_trace_open(int nsfd, char *err, size_t errlen);

/* Makes the trace table exist (first call) and adds rules to trace what goes to or comes from dst, in one
 * atomic batch (nothing when dst is already traced: rules are added, not replaced, so the kernel keeps no
 * destroy work for later socket closes to wait on); drops the events still queued.  0, or -errno with why in
 * err. */
int fw_trace_arm(struct fw_trace *t, const struct addr *dst, char *err, size_t errlen);

/* The events received since fw_trace_arm, in order, at most max (the rest are dropped); never waits: the
 * kernel reports a packet's verdicts while it handles the packet.  The trace table's own events are left
 * out.  Returns how many were stored. */
unsigned fw_trace_take(struct fw_trace *t, struct fw_trace_event *out, unsigned max);

/* The mark the kernel routed a packet from src to dst by, as the last prerouting event of that packet in the
 * latest fw_trace_take saw it (every prerouting chain's marks applied by then): false when none was taken. */
bool fw_trace_route_mark(const struct fw_trace *t, const struct addr *src, const struct addr *dst, uint32_t *mark);

/* The latest take's destination NAT of the probe's TCP or UDP flow, the one whose first packet went to `to`
 * port `port`: where it went (its destination and port after prerouting's translation, as the packet's own
 * header showed it in a later hook).  Another flow's packets to the same address (the late reply of an earlier,
 * masqueraded connection: its reverse translation looks alike) are never taken for it.  False when the trace
 * saw no translation of that flow (NULL t too). */
bool fw_trace_nat(const struct fw_trace *t, const struct addr *to, uint16_t port, struct addr *dst, uint16_t *dport);

/* The rules of one chain now, in order, at most max; *count of them all.  0 or -errno. */
int fw_trace_chain_rules(struct fw_trace *t, int nfproto, const char *table, const char *chain,
			 struct fw_chain_rule *out, unsigned max, unsigned *count);

void fw_trace_close(struct fw_trace *t);   /* accepts NULL; the table goes with the namespace */

/* The nft family word of an NFPROTO_* ("inet", "ip", "ip6"), "?" for others. */
const char *fw_trace_family(int nfproto);

/* ---- pure, for the unit tests ---- */

/* Parses one NFT_MSG_TRACE message into ev.  0, or -EINVAL when it is not a trace message. */
int fw_trace_parse(const void *nlh, struct fw_trace_event *ev);

/* The first event that dropped a packet (a rule's or a policy's verdict NF_DROP), or NULL. */
const struct fw_trace_event *fw_trace_first_drop(const struct fw_trace_event *ev, unsigned n);

/* The first event that dropped an ICMP "fragmentation needed" / ICMPv6 "packet too big" (too_big), or NULL:
 * never one that dropped another packet. */
const struct fw_trace_event *fw_trace_first_too_big_drop(const struct fw_trace_event *ev, unsigned n);

/* Gives the events without headers (has_addrs false) the packet facts (addresses, ICMP type and code) of the
 * latest earlier event with the same packet id that had them.  Pure. */
void fw_trace_fill_packets(struct fw_trace_event *ev, unsigned n);

#endif
