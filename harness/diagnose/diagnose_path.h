/* diagnose_path.h — the way a probe goes through the world, read back hop by hop, for diagnose*.c only.
 *
 * A path is built from evidence alone: the client's FIB answer, its neighbour entry for the next hop, which
 * namespace holds each address, the router's forwarding sysctl and FIB answer, and the router's own source NAT
 * rules matched against the packet.  A router is the namespace that holds the client's next hop when the
 * destination is not its own (or, for `expect forwarded`, the namespace the scenario names). */
#ifndef NSH_DIAGNOSE_PATH_H
#define NSH_DIAGNOSE_PATH_H

#include "harness/diagnose/diagnose_cause.h"
#include "harness/diagnose/diagnose_facts.h"
#include "harness/diagnose/diagnose_nat.h"
#include "harness/verdict/result.h"
#include "probes/route.h"

/* What one stage's diagnosis reads once, for all its expectations. */
struct dg {
	struct world *w;
	const struct stage *stage;   /* the failed stage: its steps and every earlier one's are applied */
	struct dg_addrs addrs;
	bool rp_read;
	uint64_t rp[MAX_NETNS];   /* rp_filter drops per namespace, once rp_read */
};

#define DG_HOPS 7                      /* routers in a row before the last one the walk reaches */

struct dg_path {
	unsigned client;
	struct addr dst;
	int route_err;                 /* the client's FIB lookup: 0, or -errno (no route) */
	struct route_info cr;
	char cdev[IFNAMSIZ];           /* the client's output device ("" when none) */
	bool has_link_peer;
	struct ifref link_peer;        /* the other end of cdev, when it is a veth end */
	bool has_src;
	struct addr src;               /* the client's source for dst */
	struct addr nh;                /* the next hop: the gateway, or dst itself on link */
	int nh_state;                  /* the client's neighbour entry for nh: NUD_* (0: none), -1 when not read */
	const struct dg_addr *dst_owner, *nh_owner;   /* NULL when no namespace holds it */
	const struct dg_addr *src_dup; /* the client's source address held at the other end of its link too */
	unsigned ndst_owners, nnh_owners;
	int router;                    /* namespace index, -1 when the probe crosses none */
	char riif[IFNAMSIZ];           /* where the probe enters the router ("" unknown) */
	int rroute_err;                /* the router's FIB lookup for dst: 0, or -errno */
	struct route_info rr;
	char roif[IFNAMSIZ];           /* where it leaves the router */
	char fwd[16], fwd_other[16];   /* the router's forwarding sysctl, for dst's family and the other one */
	char fwd_in_key[64], fwd_in[16];     /* the incoming interface's: conf.IN.forwarding (IPv4, which decides),
					      * conf.IN.force_forwarding (IPv6); "?" when it does not exist */
	char fwd_back_key[64], fwd_back[16]; /* the same for roif, where the replies come in */
	bool rlookup_iif;              /* the router's lookup was made as the forwarded packet gets it (iif, src) */
	char rroute[CAUSE_WORD];       /* the router's FIB entry for the packet, as ip writes it ("" unknown) */
	char rtable[16];               /* its table */
	int rtype;                     /* its RTN_* type (0 unknown) */
	char rrule[CAUSE_TEXT];        /* the policy rule that chose the table, as ip writes it */
	bool rrule_user;               /* that rule is not one of the kernel's defaults (local, main, default) */
	bool rrule_drops;              /* the rule's own action (blackhole, unreachable, prohibit) ended the walk */
	const struct step *nat;        /* the router's source NAT rule that translates the probe, or NULL */
	struct nat_miss nat_why;       /* when nat is NULL and the router has rules of the family: why none does */
	bool nat_rules;                /* the router has source NAT rules of dst's family */
	struct addr seen;              /* the source the destination sees: translated, or the client's own */
	bool snat_ct;                  /* no step translates it, yet the router's conntrack entry for the probe
					* shows source NAT (a user's rule did): seen is its reply's destination */
	char snat_entry[200];          /* that entry, as conntrack.c writes it */
	bool dnat;                     /* the router's conntrack entry for the probe shows DNAT: dst is the
					* translated destination, dnat_from the one the probe was sent to */
	struct addr dnat_from;
	/* ---- routers in a row: the walk goes on from router to router while each forwards the packet on to
	 * another namespace's address that is not the destination's ---- */
	struct addr rsrc;              /* the source as the router sees it (translated by an earlier router) */
	struct addr rnh;               /* the router's next hop: its route's gateway, or dst on link */
	int rnh_state;                 /* the router's neighbour entry for rnh: NUD_*, -1 when not read */
	unsigned nrnh_owners;          /* how many interfaces hold rnh */
	uint32_t rmark;                /* the mark the router's kernel routed the probe by (nftrace), 0 none */
	bool rpf_drops;                /* the router's lookup failed its reverse-path check (rp_filter) */
	int rpf_value;                 /* rp_filter as the kernel applies it on riif */
	char rpf_out[IFNAMSIZ];        /* where the router routes rsrc out ("" no route) */
	unsigned nhops;                /* routers crossed before router */
	struct dg_hop {
		unsigned ns;
		struct addr src;       /* the source it saw */
		char line[200];        /* what it did, as evidence */
	} hops[DG_HOPS];
};

/* Builds the path of expectation e (a ping, forwarded, tcp or udp expectation). */
void dg_path_build(struct dg *d, const struct expect *e, struct dg_path *p);

/* Adds the path to c's evidence: the client's route and neighbour, who holds the addresses, the router's
 * forwarding and route, the translation. */
void dg_path_evidence(struct dg *d, const struct dg_path *p, struct check *c);

/* A FIB lookup in namespace ns, with the output device's name in dev (IFNAMSIZ bytes; "" when none).
 * 0 or -errno, as route_lookup. */
int dg_lookup(struct dg *d, unsigned ns, const struct addr *dst, struct route_info *r, char *dev);

/* The forwarding sysctl's key for a family, as sysctl(8) writes it. */
const char *dg_forwarding_key(int family);

/* A neighbour entry another namespace than the probe's made, for a cause's words: INCOMPLETE and FAILED are one
 * finding (asked, no answer) that only the time since the first solicitation tells apart, so both read
 * "unresolved" (the evidence keeps the state); any other state its own name. */
void dg_neigh_word(int state, char *word, size_t len);

/* Whether namespace ns's conntrack holds an entry whose original direction is from src (to dst, unless NULL);
 * a conntrack that cannot be read says yes. */
bool dg_flow_tracked(struct dg *d, unsigned ns, const struct addr *src, const struct addr *dst);

/* The namespace's name in the scenario. */
const char *dg_ns(const struct dg *d, unsigned ns);

/* ---- diagnose_back.c: the way back ---- */

/* Names rp_filter as the cause when a namespace's reverse-path filter has dropped packets (IPv4 only). */
bool dg_cause_rp_filter(struct dg *d, const struct dg_path *p, struct check *c);

/* The destination's way back to the source it saw: no route (and why: nothing translated it, the veth's two
 * ends have different prefixes), or a next hop that does not answer ARP (and why: rp_filter at the other end).
 * Adds the way back as evidence; true when it named a cause. */
bool dg_cause_way_back(struct dg *d, const struct dg_path *p, struct check *c);

/* A translation by namespace ns of source src to seen, when no interface of the world holds seen: fills k
 * (CAUSE_SNAT_TO_NOWHERE, with ns's snat step to seen when there is one) and returns true. */
bool dg_snat_to_nowhere(struct dg *d, unsigned ns, const struct addr *src, const struct addr *seen, struct cause *k);

/* ---- diagnose_dnat.c: a connection to a router's own address that its dnat steps should have sent on ---- */

/* A tcp or udp probe to an address of one namespace that has dnat steps for the probe's protocol (applied by
 * now) none of which translated a flow (their counters, through the world's backend, read 0; conntrack shows
 * no DNAT of the probe): names the first with its counter (CAUSE_OWN_NAT_UNMATCHED).  True when it did. */
bool dg_cause_dnat_unmatched(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c);

/* The same for the destination namespace's own DNAT rules that nsharness did not install (iptables-nft,
 * iptables-legacy, nft): when none may take the probe (each read as not matching it and counting no flow),
 * names one (CAUSE_USER_DNAT_UNMATCHED) with the first reason it does not match: the probe came in by another
 * interface, is to another port, destination or protocol.  *any tells whether the namespace has such rules
 * of the probe's family (then nothing listening there is no cause: a rule may send the flow elsewhere).  True
 * when it named one. */
bool dg_cause_user_dnat_unmatched(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c,
				  bool *any);

/* ---- diagnose_listen.c: a refused connection and the destination's sockets ---- */

/* A tcp or udp probe the destination refused (a reset, a port unreachable), where its socket table shows a
 * socket of the protocol on the port bound elsewhere (another address, IPv6 only: CAUSE_LISTENER_ELSEWHERE),
 * or, after a destination NAT conntrack shows (DNAT, REDIRECT), no socket on the translated port
 * (CAUSE_NAT_TO_NO_LISTENER).  True when it named one. */
bool dg_cause_listener(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c);

/* ---- diagnose_mtu.c: an MTU mismatch on one link ---- */

/* A ping of size N the client sends whole (its interface's MTU takes it) that an interface receiving it on
 * the same link (the client's veth peer, or the next hop's own interface) is too small for: names both MTUs
 * (CAUSE_LINK_MTU_MISMATCH).  True when it did. */
bool dg_cause_link_mtu(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c);

/* ---- diagnose_port.c: neighbours asked by a bridge's port ---- */

/* Namespace ns asks its neighbour nh by dev, unanswered, and dev is a port of a bridge (its answers go to the
 * bridge): names it (CAUSE_ADDRESS_ON_BRIDGE_PORT), with the address dev holds of family.  True when it did. */
bool dg_cause_bridge_port(struct dg *d, unsigned ns, const char *dev, int family, const struct addr *nh,
			  struct check *c);

/* dev of ns is a vxlan whose remote no namespace of the world holds (run mode only): names it
 * (CAUSE_VXLAN_REMOTE_NOBODY).  True when it did. */
bool dg_cause_vxlan_remote(struct dg *d, unsigned ns, const char *dev, struct check *c);

/* A tcp or udp probe from a namespace that holds a destination NAT rule in prerouting (its own dnat step, or
 * a user's rule whose matches all judge it) that would take the probe's flow, were it arriving: the
 * namespace's own traffic never crosses prerouting (CAUSE_DNAT_OWN_TRAFFIC).  True when it named one. */
bool dg_cause_dnat_own_traffic(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c);

/* A probe a router DNATs back out of the interface it came in by, its source untranslated (no snat step, no
 * SNAT in conntrack): the new destination answers the client directly (CAUSE_HAIRPIN_NO_SNAT).  True when it
 * named it. */
bool dg_cause_hairpin(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c);

/* ---- diagnose_fw.c: firewall and NAT explanations ---- */

/* For "expect ... fails" whose probe got through: which of the router's forward rules let it (or its policy). */
void dg_explain_allowed(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c);

/* For a failed capture expectation whose never-src address was seen: why the router did not translate it. */
void dg_explain_capture(struct dg *d, const struct expect *e, struct check *c);

/* The router's conntrack entries for the path's destination, as evidence (a few lines). */
void dg_conntrack_evidence(struct dg *d, const struct dg_path *p, struct check *c);

#endif
