/* diagnose_nat.h — a router's rules as installed, with their counters, and which source NAT rule takes a
 * packet; for diagnose*.c. */
#ifndef NSH_DIAGNOSE_NAT_H
#define NSH_DIAGNOSE_NAT_H

#include "harness/diagnose/diagnose_facts.h"

#define DG_MAX_RULES 128

/* A namespace's rules with their counters, as its firewall backend reads them (every rule, whoever installed
 * it: those nsharness did not install have no step). */
struct dg_rules {
	struct fw_rule v[DG_MAX_RULES];
	unsigned n;
	struct fw_counters counters;   /* the policy, and how many rules there are */
};

/* Namespace ns's rules with their counters, through the world's firewall backend; false when it has none
 * (or they cannot be read; then r->n is 0). */
bool dg_rules_read(struct world *w, unsigned ns, struct dg_rules *r);

/* The source NAT rule of router that translates packet pk (in installation order, the first that matches),
 * or NULL; then *any tells whether router has rules of pk's family, and why says why the first of them does
 * not match (NAT_MISS_NOT_MATCHING, or NAT_MISS_NO_FLOW when it counted nothing), or that router has no rule
 * of the family (NAT_MISS_NO_RULE).  why is cleared first. */
const struct step *dg_nat_for(struct world *w, unsigned router, const struct dg_packet *pk, bool *any,
			      struct nat_miss *why);

/* ---- diagnose_usernat.c: source NAT rules nsharness did not install, as iptables-save writes them ---- */

#define DG_MAX_USER_NAT 64

/* One "-A POSTROUTING ... -j MASQUERADE|SNAT" line of `iptables-save -c -t nat` (iptables-nft or legacy). */
struct dg_saved_nat {
	char text[CAUSE_TEXT];    /* the line without its counter, as iptables-save writes it */
	int family;
	uint64_t packets;         /* flows it translated (a nat chain sees a flow's first packet only) */
	bool has_from;
	struct prefix from;       /* -s */
	char oif[IFNAMSIZ];       /* -o ("" any; a trailing '+' is a prefix) */
	bool masquerade, snat;
	bool unjudged;            /* it has matches this reading does not judge: never said not to match for them */
	/* a destination NAT rule's ("-A PREROUTING ... -j DNAT", nft's dnat): what it matches */
	bool dnat;
	char iif[IFNAMSIZ];       /* -i ("" any; a trailing '+' is a prefix) */
	bool has_to;
	struct prefix to;         /* -d */
	int proto;                /* -p (IPPROTO_*; 0 any) */
	unsigned dport;           /* --dport (0 any) */
	/* a rule written with nft: where it is, and whether any packet can reach it */
	char table[CAUSE_NAME], chain[CAUSE_NAME];   /* "ip nat", "post" */
	bool unreached;           /* in a regular chain (no hook) that no rule jumps or goes to */
};

/* Parses one line of `iptables-save -c -t nat` (with or without its "[P:B] " counter) for family.  Pure.  True
 * when it is a POSTROUTING source NAT rule (r filled); false for any other line. */
bool dg_saved_nat_parse(const char *line, int family, struct dg_saved_nat *r);

/* True when rule r may translate packet pk (its family, -s and -o allow it; pk's unknown fields allow
 * anything).  Otherwise fills why's mismatch fields with the first reason.  Pure. */
bool dg_saved_nat_matches(const struct dg_saved_nat *r, const struct dg_packet *pk, struct nat_miss *why);

/* Namespace ns's source NAT rules of family that nsharness did not install, read by iptables-nft-save and
 * iptables-legacy-save (ip6tables-* for AF_INET6) run in its sandbox, then those written with nft itself
 * (dg_nft_nat_read): at most max, how many.  In verify mode (a live host is no sandbox's) all are read
 * in-process, creating nothing: nft's and iptables-nft's through libnftnl, iptables-legacy's by fw_legacy. */
unsigned dg_saved_nat_read(struct world *w, unsigned ns, int family, struct dg_saved_nat *out, unsigned max);

/* Why none of router's user source NAT rules translates pk: false when it has none of pk's family.  True
 * otherwise, with why naming the first that does not match (text as iptables-save writes it, line 0, ns the
 * router; NAT_MISS_NO_FLOW when it has translated no flow), or cleared when one may translate pk. */
bool dg_user_nat_for(struct world *w, unsigned router, const struct dg_packet *pk, struct nat_miss *why);

/* ---- diagnose_usernat.c: destination NAT rules nsharness did not install ---- */

/* What a destination NAT rule judges of a packet: as it comes in to the namespace that holds the rule. */
struct dg_dnat_packet {
	int family;
	const char *iif;          /* where it comes in ("" unknown: then -i is not judged) */
	struct addr dst;
	int proto;                /* IPPROTO_TCP, IPPROTO_UDP */
	unsigned dport;
};

/* Parses one line of `iptables-save -c -t nat` for family.  Pure.  True when it is a PREROUTING DNAT rule (r
 * filled: its text without the counter, -d, -i, -p, --dport); false for any other line. */
bool dg_saved_dnat_parse(const char *line, int family, struct dg_saved_nat *r);

/* True when destination NAT rule r may translate pk (what it matches allows it; an unjudged match allows
 * anything).  Otherwise fills why's mismatch fields with the first reason (protocol, iif, destination,
 * port).  Pure. */
bool dg_saved_dnat_matches(const struct dg_saved_nat *r, const struct dg_dnat_packet *pk, struct nat_miss *why);

/* Namespace ns's destination NAT rules of family that nsharness did not install, as dg_saved_nat_read reads
 * source NAT rules (iptables-nft-save, iptables-legacy-save, then nft's own; in verify mode in-process, as
 * dg_saved_nat_read does).  At most max, how many. */
unsigned dg_saved_dnat_read(struct world *w, unsigned ns, int family, struct dg_saved_nat *out, unsigned max);

/* ---- diagnose_nftnat.c: source NAT rules a user added with nft itself, read through libnftnl ---- */

struct nlmsghdr;

/* Reads one NFT_MSG_NEWRULE message (a rule dump's answer) for family.  Pure.  True when it is a masquerade or
 * snat rule of family (an inet rule without meta nfproto is of both) outside nsharness's own tables and not
 * iptables-nft's (no xtables match or target) unless compat: r then holds its words as nft writes them
 * (without the counter's numbers), its counter, source prefix and output interface ("eth*" read as "eth+").
 * With compat, an iptables-nft rule (its matches native, its target an xtables one) is read too, its words
 * as iptables-save writes them ("-A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE"): what verify reads,
 * where no iptables-nft-save runs. */
bool dg_nft_nat_parse(const struct nlmsghdr *nlh, int family, bool compat, struct dg_saved_nat *r);

/* Namespace ns's nft source NAT rules of family (as dg_nft_nat_parse reads them), by one rule dump of every
 * table in-process: at most max, how many (0 when the dump fails). */
unsigned dg_nft_nat_read(struct world *w, unsigned ns, int family, struct dg_saved_nat *out, unsigned max);

/* The same for nft dnat rules (r->dnat; its iifname, daddr, l4proto and dport read into the fields
 * dg_saved_dnat_matches judges). */
bool dg_nft_dnat_parse(const struct nlmsghdr *nlh, int family, bool compat, struct dg_saved_nat *r);
unsigned dg_nft_dnat_read(struct world *w, unsigned ns, int family, struct dg_saved_nat *out, unsigned max);

#endif
