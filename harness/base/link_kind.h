/* link_kind.h — the kinds of link nsharness creates by statement, one row per kind (as iproute2's struct
 * link_util, found by name): the word, the feature a kernel without it lacks, its modes, its parameters.
 *
 * Kept free of netlink so that the scenario model (and the parser alone, as the fuzzer builds it) can hold a
 * kind's parameters; each kind's request is built in rtnl_newlink.c. */
#ifndef NSH_LINK_KIND_H
#define NSH_LINK_KIND_H

#include "harness/base/addr.h"

#include <stdbool.h>
#include <stdint.h>

enum link_kind {
	LINK_BRIDGE, LINK_VLAN, LINK_DUMMY, LINK_MACVLAN, LINK_IPVLAN, LINK_VXLAN, LINK_GRE, LINK_IPIP, LINK_SIT,
	LINK_VRF, LINK_BOND, LINK_WIREGUARD, LINK_KIND_COUNT
};

/* A kind's parameters; each kind reads only its own fields. */
struct link_params {
	enum link_kind kind;
	uint32_t id;              /* vlan: VLAN id; vxlan: VNI; vrf: routing table */
	int mode;                 /* macvlan, ipvlan, bond: the kernel's value of a named mode; -1: its default */
	bool stp, vlan_filtering; /* bridge: STP off unless asked, VLAN filtering off unless asked */
	bool has_local, has_remote;
	struct addr local, remote;   /* vxlan, gre, ipip, sit: tunnel endpoints */
	uint16_t port;            /* vxlan: UDP destination port (4789, IANA's, unless given) */
};

struct link_mode {
	const char *word;         /* "bridge", "active-backup" */
	uint32_t value;           /* the kernel's value */
};

struct link_kind_desc {
	const char *word;         /* the statement, and the kernel's IFLA_INFO_KIND */
	const char *feature;      /* what a kernel without it lacks, in words: "802.1Q VLANs" */
	bool needs_parent;        /* created "on PARENT" (IFLA_LINK) */
	/* Its driver reports no operstate of its own: admin up with carrier reads operstate UNKNOWN, and that
	 * is up (as for lo).  A kind that follows its lower link or ports (vlan, bridge) reports UP or DOWN. */
	bool unknown_is_up;
	const struct link_mode *modes;   /* NULL-word-terminated, NULL for a kind without modes */
};

extern const struct link_kind_desc link_kinds[LINK_KIND_COUNT];

/* The kind written word, or -1. */
int link_kind_find(const char *word);

/* A kernel feature that is a sysctl rather than a link kind: its word in `requires kernel`, the file under
 * /proc/sys that a kernel with it has in every namespace, and what it is. */
struct sysctl_feature {
	const char *word, *key, *what;
};

/* The sysctl feature written word, or NULL. */
const struct sysctl_feature *sysctl_feature_find(const char *word);

#endif
