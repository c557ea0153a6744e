/* cause.h — why a check failed, as data: a kind and its payload, never a sentence.
 *
 * Probes, expectations and diagnosis name a cause by filling a struct cause; only the reporters turn it into
 * words (reports/cause_text.c, one rendering row per kind).  Whoever ranks causes compares kinds, never text.
 *
 * The payload is one flat record of typed fields; each kind uses the fields its comment names and leaves the
 * others zero, so two causes are the same finding exactly when their bytes are (cause_same).  Adding a kind is
 * one enum value here (with the fields it uses), the code that fills it, and one rendering row. */
#ifndef NSH_CAUSE_H
#define NSH_CAUSE_H

#include "harness/base/addr.h"

#include <net/if.h>
#include <stdbool.h>

enum cause_kind {
	CAUSE_NONE,

	/* ---- probes/link.c: where, where2 (the veth peer), word (operstate), ms ---- */
	CAUSE_LINK_ADMIN_DOWN,        /* where */
	CAUSE_LINK_PEER_DOWN,         /* where, where2 */
	CAUSE_LINK_NO_CARRIER,        /* where */
	CAUSE_LINK_OPERSTATE,         /* where, word */
	CAUSE_LINK_STILL_UP,          /* where, ms */

	/* ---- probes/forwarded.c ---- */
	CAUSE_FWD_CLIENT_NO_ROUTE,    /* addr: the destination */
	CAUSE_FWD_SEND_FAILED,        /* addr, err (EPERM: the client's own output firewall) */
	CAUSE_FWD_SYSCTL_OFF,         /* ns: the router; key: its forwarding sysctl */

	/* ---- probes/route.c: ns (the client), addr (the destination or gateway), addr2 (the one wanted) ---- */
	CAUSE_ROUTE_DIRECT,           /* ns, addr, dev, addr2 (the gateway wanted) */
	CAUSE_ROUTE_OTHER_GATEWAY,    /* addr (chosen), addr2 (wanted) */
	CAUSE_ROUTE_OTHER_DEV,        /* dev (chosen), dev2 (wanted) */
	CAUSE_ROUTE_OTHER_SRC,        /* flag: a preferred source is set, addr; addr2 (wanted) */
	CAUSE_GATEWAY_IS_LOCAL,       /* addr (the gateway), ns */
	CAUSE_GATEWAY_UNRESOLVABLE,   /* addr, err */
	CAUSE_GATEWAY_UNANSWERED,     /* addr, family, word (neighbour states), ms */
	CAUSE_ROUTE_NONE,             /* ns, addr, flag: and no default route of addr's family */

	/* ---- probes/icmp.c: addr (the destination), addr2 (who answered) ---- */
	CAUSE_PING_SEND_REFUSED,      /* addr, err (ENETUNREACH, EHOSTUNREACH, EACCES, EINVAL, EPERM, ENETDOWN,
				       * EADDRNOTAVAIL) */
	CAUSE_PING_TTL_EXCEEDED,      /* family, addr2 (where it ran out), addr */
	CAUSE_PING_NEXT_HOP_SILENT,   /* family, addr */
	CAUSE_PING_UNDELIVERABLE,     /* addr2 (the router), addr, word (the ICMP code) */
	CAUSE_PING_STRAY_REPLIES,     /* addr2 (who replied), addr */
	CAUSE_PING_SILENT_DROP,       /* nothing */

	/* ---- probes/conn.c: addr (the destination), addr2 (the ICMP error's sender), word, port ---- */
	CAUSE_CONN_PEER_UNKNOWN,      /* nothing: the server did not say which source it saw */
	CAUSE_CONN_TCP_RESET,         /* port, addr */
	CAUSE_CONN_UDP_REFUSED,       /* port, addr */
	CAUSE_CONN_PORT_UNREACHABLE,  /* word (the protocol), port, addr */
	CAUSE_CONN_REJECTED,          /* addr2 */
	CAUSE_CONN_LOCAL_ERROR,       /* err (ENETUNREACH, EHOSTUNREACH, EACCES, EINVAL, EADDRNOTAVAIL, ENETDOWN,
				       * anything else), addr */
	CAUSE_CONN_HOP_LIMIT,         /* addr2 */
	CAUSE_CONN_ICMP_ERROR,        /* addr2, word (the ICMP error in words), addr */
	CAUSE_CONN_LOCAL_FIREWALL,    /* addr */
	CAUSE_CONN_NO_ANSWER,         /* nothing */

	/* ---- harness/run/expect.c ---- */
	CAUSE_CONN_OUTCOME,           /* word (how it ended), word2 (how it must end) */
	CAUSE_PEER_SEEN_OTHER,        /* addr (seen), addr2 (wanted), flag: it is the client's own source */
	CAUSE_PEER_NOT_SAID,          /* nothing: the server did not say whom it saw */
	CAUSE_MUST_FAIL_PASSED,       /* text: the expectation */
	CAUSE_COULD_NOT_RUN,          /* text: what the probe got */
	CAUSE_NETNS_MISSING,          /* text: why verify mode could not open the namespace */

	/* ---- harness/run/capture_expect.c: addr, ns/dev (where the capture ran) ---- */
	CAUSE_CAPTURE_UNTRANSLATED,   /* addr, ns, dev; nat (diagnosis: why no rule translated it); value, port:
				       * the IP protocol and source port of the first such packet (not worded) */
	CAUSE_CAPTURE_SRC_UNSEEN,     /* addr, ns, dev */
	CAUSE_CAPTURE_NO_PACKETS,     /* ns, dev, addr (the source wanted) */
	CAUSE_CAPTURE_DST_UNSEEN,     /* addr, ns, dev */

	/* ---- harness/run/runner.c ---- */
	CAUSE_VACUOUS,                /* nothing */

	/* ---- harness/firewall/fw_evidence.c ---- */
	CAUSE_FW_POLICY_DROP,         /* ns (the router), count: the probe's own packets its drop policy counted */

	/* ---- harness/diagnose/ ---- */
	CAUSE_CLIENT_NO_ROUTE,        /* ns, addr, addrs (the client's own, for the family) */
	CAUSE_LO_DOWN,                /* ns, addr */
	CAUSE_DUPLICATE_ADDRESS,      /* addr, ns/dev (the client), ns2/dev2 (the other holder) */
	CAUSE_NEIGH_OWNER_SILENT,     /* flag: a gateway, addr (the next hop), ns2/dev2 (its holder), family,
				       * ns/dev (the client), word (neighbour states) */
	CAUSE_NEIGH_UNANSWERED,       /* flag: a gateway, addr, family, ns/dev, word, flag2: no namespace has it */
	CAUSE_FORWARDING_OFF,         /* family, ns, key; flag: the other family's is on, key2 */
	CAUSE_ROUTER_NO_ROUTE,        /* ns (the router), addr */
	CAUSE_NO_LISTENER,            /* word (tcp, udp), port, ns */
	CAUSE_RP_FILTER_ASYMMETRIC,   /* ns, count, addr, dev (replies come in), dev2 (routed out), value */
	CAUSE_RP_FILTER_DROPS,        /* ns, count, value (conf.all.rp_filter) */
	CAUSE_NO_ROUTE_BACK,          /* ns (the destination), addr (the source it saw); nat, or back (why); flag2:
				       * ns2 (a router) translated addr2 to addr */
	CAUSE_ARP_IGNORED_NO_ROUTE,   /* ns (the filtering one), ns2 (the asker), addr2 (asked for), dev, addr
				       * (asked from), value (rp_filter) */
	CAUSE_ARP_IGNORED_ELSEWHERE,  /* as CAUSE_ARP_IGNORED_NO_ROUTE, and dev2 (where ns routes addr out) */
	CAUSE_WAY_BACK_UNANSWERED,    /* ns (the destination), addr (the source), addr2 (next hop), dev, word */
	CAUSE_RULE_LET_THROUGH,       /* ns (the router), text/line (the rule), flag: tcp, addr (src), addr2 (dst),
				       * flag2: the rule has 'ct established,related' */
	CAUSE_POLICY_LET_THROUGH,     /* ns (the router) */
	CAUSE_GATEWAY_OWN_ADDRESS,    /* addr (the gateway), ns/dev (who holds it); flag: ns2/dev2 holds it too */

	/* ---- routes as the kernel chooses them, translations, per-interface sysctls (issue 12) ---- */
	CAUSE_ROUTE_VIA_OWN_ADDRESS,  /* ns, addr (the route's gateway), dev (where ns holds it), addr2 (the
				       * destination), word (the route as ip writes it), dev2 (where it goes out) */
	CAUSE_ROUTER_ROUTE_DROPS,     /* ns (the router), addr (dst), value (RTN_* type), word (the route as ip
				       * writes it), word2 (its table), flag: a rule of the user's chose the table,
				       * text (that rule as ip writes it) */
	CAUSE_ROUTER_RULE_DROPS,      /* ns, addr, text (the rule whose own action drops, as ip writes it) */
	CAUSE_ROUTER_OTHER_OIF,       /* ns, addr, dev (where the route sends it), dev2 (where it was expected),
				       * word (the route), word2 (its table), flag/text (the user's rule that chose it) */
	CAUSE_IF_FORWARDING_OFF,      /* family, ns, dev (the incoming interface), key (the sysctl that stops it,
				       * value), key2 (the global one), value2 in count; flag2: on the way back;
				       * flag: and the global is 0 but dev2, the way there's, forwards (IPv4) */
	CAUSE_NO_ROUTE_BACK_DNAT,     /* ns (the new destination), addr (the source it saw), ns2 (who translated),
				       * addr2 (the destination after DNAT) */
	/* ---- harness/diagnose/diagnose_trace.c: the kernel's own account (nftrace), whoever installed the rule.
	 * key: the table as nft names it ("ip filter", "inet nsharness"), key2: the chain; text: the rule as its
	 * author wrote it (iptables-save's line for an iptables-nft rule, nft's for an nft rule, the scenario's
	 * statement, with line, when nsharness installed it: line 0 otherwise); flag2: the rule has a counter,
	 * count its packets ---- */
	CAUSE_TRACE_RULE_DROP,        /* ns, key, key2, text, line, flag2/count; flag: it rejects (word: the ICMP
				       * error the probe got back, "" none) */
	CAUSE_TRACE_POLICY_DROP,      /* ns, key, key2; count: the probe's packets it dropped */
	CAUSE_TRACE_NAT_UNMATCHED,    /* ns, key, key2, text, line, flag2/count; word: "source" or "destination" */
	/* ---- harness/run/capture_expect.c: a capture with nothing to judge ---- */
	CAUSE_CAPTURE_EMPTY,          /* ns, dev (where the capture ran); flag: the stage sends no probe traffic */

	/* ---- harness/diagnose/diagnose.c: a link on the probe's first hop that is down ---- */
	CAUSE_PATH_LINK_DOWN,         /* where (the link), word (its kind: "bridge", "veth", "" unknown), where2
				       * (the port it is the master of, "" when none), addr (the destination), flag:
				       * administratively down (else: up without carrier) */

	/* ---- probes/route.c (expect route ... type T / table N), probes/spread.c ---- */
	CAUSE_ROUTE_OTHER_TYPE,       /* ns, addr (the destination), word (the type found, "none"), word2 (wanted) */
	CAUSE_ROUTE_OTHER_TABLE,      /* ns, addr, word (the table found, "0": none), word2 (the table wanted) */
	CAUSE_SPREAD_ONE_PATH,        /* addr (the destination), count (flows sent), where (an egress that saw
	                               * none), text (flows seen per egress), key (hash policy sysctl), value */

	/* ---- harness/diagnose/diagnose_legacy.c: iptables-legacy rules, which nftrace never sees: their counters
	 * read before and after the probe (fw_legacy.h).  key: the table as iptables names it ("filter"), key2:
	 * the chain, family; count: how far the counter rose during the probe ---- */
	CAUSE_COUNTER_RULE_DROP,      /* ns, family, key, key2, text (the rule as iptables-legacy-save writes it,
				       * or the scenario's statement), line (its scenario line, 0 when nsharness
				       * did not install it), count; flag: it rejects (word: the ICMP error the
				       * probe got back, "" none) */
	CAUSE_COUNTER_POLICY_DROP,    /* ns, family, key, key2, count */
	/* A rule nsharness installed, met in the kernel's account (nftrace or legacy counters): the same finding
	 * under every backend, whatever table the backend put it in (its counter goes in the evidence) */
	CAUSE_OWN_RULE_DROP,          /* ns, text (the scenario's statement), line; flag: it rejects (word) */

	CAUSE_GATEWAY_NOT_CACHED,     /* addr, family, word (neighbour states): verify reads the live table only */

	/* ---- probes/conn.c: expect tcp ... bytes N ---- */
	CAUSE_CONN_BYTES_SHORT,       /* addr, port, value (the bytes to send), flag: the server counted count
				       * bytes (else: count is how many the client sent before the deadline) */
	/* ---- harness/diagnose/diagnose_pmtu.c ---- */
	CAUSE_PMTU_BLACK_HOLE,        /* ns (the router that refused packets too big for its next hop and
				       * answered with ICMP errors), where (the client, which received none), family;
				       * value: the kind of the firewall drop that took the errors (CAUSE_NONE: none
				       * found), with that cause's fields: ns2 (its ns), key, key2, text, line, flag2,
				       * count (as CAUSE_TRACE_*, CAUSE_COUNTER_*, CAUSE_OWN_RULE_DROP and
				       * CAUSE_FW_POLICY_DROP name them) */
	/* ---- harness/diagnose/diagnose_dnat.c: a dnat step nsharness installed that translated no flow, read from
	 * its counter (every backend counts it alike) ---- */
	CAUSE_OWN_NAT_UNMATCHED,      /* ns, text (the scenario's statement), line, count (its counter: flows),
				       * word ("destination") */
	/* ---- harness/diagnose/diagnose.c: IPv6 forwarded only by force_forwarding, set on the wrong side ---- */
	CAUSE_FORCE_FORWARDING_OTHER_IF,  /* family, ns (the router), word (conf.all.forwarding's key, which is 0),
					   * dev (the incoming interface), key (its force_forwarding), value (its
					   * value), dev2 (the outgoing interface), key2 (its force_forwarding),
					   * count (its value) */
	/* ---- harness/diagnose/diagnose_userdnat.c: a user's own DNAT rule (iptables-nft, iptables-legacy or
	 * nft, whoever installed it) that translated no flow, read from its counter under every backend ---- */
	CAUSE_USER_DNAT_UNMATCHED,    /* ns, text (the rule as iptables-save or nft writes it), count (its counter:
				       * flows); nat.mismatch (why the probe missed it: NAT_MISMATCH_IIF with
				       * nat.iif/nat.in, NAT_MISMATCH_DPORT with nat.rule_port/nat.port, NAT_MISMATCH_DST
				       * with nat.to/nat.dst, NAT_MISMATCH_PROTO with nat.rule_proto/nat.proto;
				       * NAT_MISMATCH_UNKNOWN when the rule as read cannot tell) */
	/* ---- probes/icmp.c: a hop refused an echo request too big for its next hop ---- */
	CAUSE_PING_TOO_BIG,           /* family, addr (the destination), addr2 (the hop that said so), value (the
				       * MTU its ICMP "fragmentation needed" / ICMPv6 "packet too big" carried; 0:
				       * none), count (the request's payload bytes) */
	/* ---- probes/route.c: expect route ... mtu N ---- */
	CAUSE_ROUTE_OTHER_MTU,        /* ns, addr (the destination), value (the path MTU seen), count (the one
				       * wanted), word (where it comes from: "route" its mtu metric, "exception" a
				       * PMTU learned from an ICMP error, expiring in ms, "device" dev's MTU) */
	/* ---- harness/diagnose/diagnose_path.c: a router's lookup as the forwarded packet gets it, refused by its
	 * reverse-path check (the kernel's martian source) ---- */
	CAUSE_RP_FILTER_SOURCE,       /* ns (the router), addr (the packet's source), dev (where it comes in), dev2
				       * (where ns routes addr out, "" no route), value (rp_filter on dev, as applied) */
	/* ---- harness/diagnose/diagnose.c: a router on the path (routers in a row) with no route back to the source
	 * it saw: the replies reach it and go no further ---- */
	CAUSE_ROUTER_NO_ROUTE_BACK,   /* ns (the router), addr (the source it saw), addr2 (the probe's destination) */
	/* ---- harness/diagnose/: a source translation to an address that no interface of the world holds ---- */
	CAUSE_SNAT_TO_NOWHERE,        /* ns (who translates), addr (the address it translates to), addr2 (the source
				       * it translates), text/line (the snat step, line 0: a user's rule, seen in
				       * conntrack); flag: the replies ask for addr on the link, ns2/dev2 (the
				       * destination's interface), word (its neighbour state) */
	/* ---- probes/link.c: a bridge without carrier because STP holds its ports ---- */
	CAUSE_BRIDGE_STP_WAIT,        /* where (the bridge), where2 (one of its ports that is up), word (that port's
				       * STP state), value (the forward delay, in seconds) */
	/* ---- diagnose_listen.c: a refused connection, as the destination's socket table tells it ---- */
	CAUSE_LISTENER_ELSEWHERE,     /* ns (the destination), word (tcp, udp), port, addr (where the probe went,
				       * translated as conntrack says), addr2 (the address a socket on that port is
				       * bound to), flag (that socket is IPv6-only and the probe IPv4) */
	CAUSE_NAT_TO_NO_LISTENER,     /* ns (the translated destination's), word, port (translated), addr (the
				       * translated destination), ns2 (who translated), addr2 (the destination the
				       * probe was sent to), value (its port); flag: the kernel's trace of the probe
				       * saw the translation (no conntrack entry was left: a refused TCP flow's goes) */
	/* ---- diagnose_mtu.c: an MTU mismatch on one link ---- */
	CAUSE_LINK_MTU_MISMATCH,      /* ns/dev (the sender's interface), value (its MTU), count (the packet's
				       * bytes), ns2/dev2 (the receiving interface on the same link), port (its MTU),
				       * addr (the destination) */
	/* ---- diagnose_port.c: a namespace that asks its neighbours by a bridge's port ---- */
	CAUSE_ADDRESS_ON_BRIDGE_PORT, /* ns, dev (the port), dev2 (its bridge), family, addr2 (the neighbour asked
				       * for); flag: the port holds addr */
	CAUSE_VXLAN_REMOTE_NOBODY,    /* ns, dev (a vxlan), value (its VNI), addr (its remote, held by no namespace) */
	/* ---- diagnose_dnat.c: a destination NAT rule in prerouting that the namespace's own traffic never crosses ---- */
	CAUSE_DNAT_OWN_TRAFFIC,       /* ns (the client, which holds the rule), text/line (the rule: line 0 a user's,
				       * as iptables-save writes it), addr/port (the probe's destination) */
	CAUSE_HAIRPIN_NO_SNAT,        /* ns (the router), ns2 (the client), dev (where the flow comes in and goes
				       * back out), addr (the destination the client called), addr2 (the DNAT's) */
	CAUSE_KINDS                   /* the number of kinds; not a kind */
};

/* Why a router's source NAT rules leave a packet untranslated (diagnose_fw.c's dg_nat_for). */
enum nat_miss_kind {
	NAT_MISS_NONE,
	NAT_MISS_NO_RULE,             /* ns (the router) has no rule of family; rule (line: nsharness's, 0: a
				       * user's) and rule_family: its first rule of the other family, if any */
	NAT_MISS_NOT_MATCHING,        /* the first rule of the family (text, line) does not match: mismatch */
	NAT_MISS_NO_FLOW,             /* the same, and the rule has counted no packet */
	NAT_MISS_OLD_FLOW,            /* the rule (line) matches, but a conntrack entry older than it (flow)
				       * keeps the source untranslated */
	NAT_MISS_UNTRACKED,           /* a rule may translate it, but ns keeps no conntrack entry for the flow: it
				       * crossed untracked (notrack), and NAT applies to tracked flows only */
	NAT_MISS_KINDS
};

/* Why that one rule does not match the packet (diagnose_rules.c's dg_nat_matches). */
enum nat_mismatch {
	NAT_MISMATCH_NOT_SNAT,        /* it is no source NAT rule */
	NAT_MISMATCH_FAMILY,          /* it is for rule_family */
	NAT_MISMATCH_SOURCE,          /* src is not in from */
	NAT_MISMATCH_OIF,             /* it is for oif, the packet leaves by out ("" unknown) */
	/* a destination NAT rule's (CAUSE_USER_DNAT_UNMATCHED) */
	NAT_MISMATCH_IIF,             /* it is for iif, the packet came in by in */
	NAT_MISMATCH_DPORT,           /* it is for rule_port, the packet is to port */
	NAT_MISMATCH_DST,             /* it is for the destination to, the packet is to dst */
	NAT_MISMATCH_PROTO,           /* it is for rule_proto (IPPROTO_*), the packet is proto */
	NAT_MISMATCH_UNKNOWN,         /* the rule's matches that are read allow the packet: no reason known */
	NAT_MISMATCH_UNREACHED,       /* it is in chain (of table), a regular chain no hook and no jump reaches */
};

#define CAUSE_NAME 32                 /* a namespace's name (NAME_MAX_LEN + 1) */
#define CAUSE_PLACE 56                /* "ns/if", as a probe names an interface */
#define CAUSE_TEXT 256                /* a statement's scenario text, or a sentence from outside nsharness */
#define CAUSE_WORD 96                 /* a name the kernel's answer maps to: neighbour states, an ICMP code */
#define CAUSE_ADDRS 8

struct nat_miss {
	enum nat_miss_kind kind;
	char ns[CAUSE_NAME];
	int family;
	char rule[CAUSE_TEXT];
	unsigned line;
	enum nat_mismatch mismatch;
	int rule_family;
	struct addr src;
	struct prefix from;
	char oif[IFNAMSIZ], out[IFNAMSIZ];
	char flow[200];               /* NAT_MISS_OLD_FLOW: the entry's original direction, as conntrack.c writes it */
	char iif[IFNAMSIZ], in[IFNAMSIZ];   /* NAT_MISMATCH_IIF */
	unsigned rule_port, port;     /* NAT_MISMATCH_DPORT */
	int rule_proto, proto;        /* NAT_MISMATCH_PROTO */
	struct prefix to;             /* NAT_MISMATCH_DST: the rule's destination */
	struct addr dst;              /* NAT_MISMATCH_DST: the packet's */
	char chain[CAUSE_NAME], table[CAUSE_NAME];   /* NAT_MISMATCH_UNREACHED: "post", "ip nat" */
};

/* Why the destination's way back has no route, when the source was not translated (no_route_back). */
struct back_miss {
	bool prefixes_differ;         /* ns/dev (far end) holds far, near_ns/near_dev holds near */
	char ns[CAUSE_NAME], near_ns[CAUSE_NAME];
	char dev[IFNAMSIZ], near_dev[IFNAMSIZ];
	struct prefix far, near;
};

/* One of the client's own addresses, for CAUSE_CLIENT_NO_ROUTE. */
struct cause_addr {
	char dev[IFNAMSIZ];
	struct prefix p;
};

struct cause {
	enum cause_kind kind;
	char ns[CAUSE_NAME], ns2[CAUSE_NAME];
	char dev[IFNAMSIZ], dev2[IFNAMSIZ];
	char where[CAUSE_PLACE], where2[CAUSE_PLACE];
	struct addr addr, addr2;
	int family, err;
	bool flag, flag2;
	char key[64], key2[64];       /* sysctls, as sysctl(8) writes them */
	int value;                    /* a sysctl's value */
	char text[CAUSE_TEXT];
	unsigned line;
	char word[CAUSE_WORD], word2[CAUSE_WORD];
	unsigned long long count;     /* packets */
	unsigned ms, port;
	struct cause_addr addrs[CAUSE_ADDRS];
	unsigned naddrs;
	struct nat_miss nat;          /* CAUSE_CAPTURE_UNTRANSLATED, CAUSE_NO_ROUTE_BACK */
	struct back_miss back;        /* CAUSE_NO_ROUTE_BACK without a router */
};

/* A cleared cause of kind k: every field zero, so cause_same compares findings. */
struct cause cause_of(enum cause_kind k);

/* True when a and b are the same finding (kind and payload). */
bool cause_same(const struct cause *a, const struct cause *b);

/* True when k only restates what a probe or capture saw (nothing came back, an address was or was not on the
 * wire) without a reason found for it: a stage's one-line reason prefers a check whose cause says why. */
bool cause_is_symptom(const struct cause *k);

/* Copies a name or text into a payload field, truncating; the field must be an array. */
#define CAUSE_COPY(field, s) cause_copy((field), sizeof(field), (s))
void cause_copy(char *field, size_t size, const char *s);

#endif
