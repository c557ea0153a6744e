/* fw_legacy.h — the iptables-legacy tables of a namespace, read in-process: every rule's counter, whoever
 * installed it.
 *
 * iptables-legacy rules are no nftables objects: nftrace never sees them.  Their account of a probe is the
 * counters: read before and after it, the rule whose counter moved and whose target drops or rejects is what
 * took it (or a built-in chain's drop policy whose counter moved).  The tables are read with the getsockopts
 * iptables-legacy-save itself uses (IPT_SO_GET_INFO, IPT_SO_GET_ENTRIES, and their ip6 twins), from a thread
 * inside the namespace; only the tables the namespace already has (/proc/net/ip_tables_names) are asked for,
 * because asking for a table the kernel knows but the namespace lacks makes it: nothing is ever created, so
 * this is safe on a live host (verify mode) too. */
#ifndef NSH_FW_LEGACY_H
#define NSH_FW_LEGACY_H

#include "harness/base/addr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_LEGACY_NAME 32          /* XT_TABLE_MAXNAMELEN, XT_EXTENSION_MAXNAMELEN */
#define FW_LEGACY_TEXT 200

/* One rule, or a built-in chain's policy, of a legacy table. */
struct fw_legacy_rule {
	int family;                      /* AF_INET or AF_INET6 */
	char table[FW_LEGACY_NAME], chain[FW_LEGACY_NAME];
	unsigned pos;                    /* 0 for the chain's first rule; for a policy, the chain's rule count */
	bool policy;
	char target[FW_LEGACY_NAME];     /* "DROP", "ACCEPT", "RETURN", "REJECT", "MASQUERADE", "" for a jump */
	uint64_t packets;
	char text[FW_LEGACY_TEXT];       /* "-A FORWARD -i veth0 -o ens160 -p icmp -j REJECT": addresses,
					  * interfaces, protocol and target only ("-m ..." matches are not worded:
					  * iptables-legacy-save words them) */
	uint8_t src[16], smsk[16], dst[16], dmsk[16];   /* its -s and -d (4 bytes each for AF_INET) */
	uint16_t proto;                  /* its -p, 0 for any */
	uint8_t invflags;                /* IPT_INV_SRCIP, IPT_INV_DSTIP, XT_INV_PROTO, ... */
};

/* Every rule of every legacy table of a namespace, both families, in table and chain order.  Owned. */
struct fw_legacy {
	struct fw_legacy_rule *v;
	unsigned n, cap;
	bool any;                        /* the namespace has legacy tables (read or not) */
};

/* Reads namespace nsfd's legacy tables into out (emptied first).  0 (nothing when it has none), or -errno with
 * why in err. */
int fw_legacy_read(int nsfd, struct fw_legacy *out, char *err, size_t errlen);

/* Empties l (NULL-safe, safe on a zeroed one). */
void fw_legacy_free(struct fw_legacy *l);

/* The first rule (table and chain order) with a dropping target (DROP, REJECT) whose counter rose from before
 * to after, else the first built-in chain policy DROP whose counter rose; *delta how much.  Rules are the same
 * when family, table, chain, position and text are.  NULL when none moved.  Pure. */
const struct fw_legacy_rule *fw_legacy_moved_drop(const struct fw_legacy *before, const struct fw_legacy *after,
						  uint64_t *delta);

/* Whether r may match an ICMP (AF_INET) or ICMPv6 (AF_INET6) packet from one of from[0..nfrom) to one of
 * to[0..nto): its family, -s, -d and -p (with their "!") are judged; its interfaces and "-m" matches are not,
 * so they may match.  A policy matches whatever reaches it.  Pure. */
bool fw_legacy_may_match_icmp(const struct fw_legacy_rule *r, const struct addr *from, unsigned nfrom,
			      const struct addr *to, unsigned nto);

/* As fw_legacy_moved_drop, among the rules and policies for which may(r, arg) is true. */
const struct fw_legacy_rule *fw_legacy_moved_drop_if(const struct fw_legacy *before, const struct fw_legacy *after,
						     bool (*may)(const struct fw_legacy_rule *r, const void *arg),
						     const void *arg, uint64_t *delta);

/* ---- pure, for the unit tests ---- */

/* Adds the rules of one table's entries blob (IPT_SO_GET_ENTRIES' entrytable, size bytes) to out: hook_entry
 * and underflow are the table's IPT_SO_GET_INFO offsets, valid_hooks its hook mask.  0 or -EINVAL when the
 * blob is malformed. */
int fw_legacy_parse(int family, const char *table, unsigned valid_hooks, const unsigned *hook_entry,
		    const unsigned *underflow, const void *blob, size_t size, struct fw_legacy *out);

#endif
