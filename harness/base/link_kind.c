/* link_kind.c — the link kinds' rows (link_kind.h). */
#include "harness/base/link_kind.h"

#include <linux/if_link.h>
#include <string.h>

static const struct link_mode macvlan_modes[] = {
	{ "private", MACVLAN_MODE_PRIVATE }, { "vepa", MACVLAN_MODE_VEPA }, { "bridge", MACVLAN_MODE_BRIDGE },
	{ "passthru", MACVLAN_MODE_PASSTHRU }, { "source", MACVLAN_MODE_SOURCE }, { NULL, 0 },
};
static const struct link_mode ipvlan_modes[] = {
	{ "l2", IPVLAN_MODE_L2 }, { "l3", IPVLAN_MODE_L3 }, { "l3s", IPVLAN_MODE_L3S }, { NULL, 0 },
};
static const struct link_mode bond_modes[] = {   /* include/uapi/linux/if_bonding.h BOND_MODE_* */
	{ "balance-rr", 0 }, { "active-backup", 1 }, { "balance-xor", 2 }, { "broadcast", 3 }, { "802.3ad", 4 },
	{ "balance-tlb", 5 }, { "balance-alb", 6 }, { NULL, 0 },
};

const struct link_kind_desc link_kinds[LINK_KIND_COUNT] = {
	[LINK_BRIDGE] = { "bridge", "bridges", false, false, NULL },
	[LINK_VLAN] = { "vlan", "802.1Q VLANs, module 8021q", true, false, NULL },
	[LINK_DUMMY] = { "dummy", "dummy links", false, true, NULL },
	[LINK_MACVLAN] = { "macvlan", "macvlan links", true, false, macvlan_modes },
	[LINK_IPVLAN] = { "ipvlan", "ipvlan links", true, false, ipvlan_modes },
	[LINK_VXLAN] = { "vxlan", "VXLAN tunnels", false, true, NULL },
	[LINK_GRE] = { "gre", "GRE tunnels, module ip_gre", false, true, NULL },
	[LINK_IPIP] = { "ipip", "IP-in-IP tunnels, module ipip", false, true, NULL },
	[LINK_SIT] = { "sit", "IPv6-in-IPv4 tunnels, module sit", false, true, NULL },
	[LINK_VRF] = { "vrf", "VRF devices", false, true, NULL },
	[LINK_BOND] = { "bond", "bonding", false, false, bond_modes },
	[LINK_WIREGUARD] = { "wireguard", "WireGuard", false, true, NULL },
};

int link_kind_find(const char *word)
{
	for (int k = 0; k < LINK_KIND_COUNT; k++)
		if (!strcmp(link_kinds[k].word, word))
			return k;
	return -1;
}

static const struct sysctl_feature sysctl_features[] = {
	/* ip6_forward() forwards when conf.all.forwarding or the incoming interface's force_forwarding is 1 */
	{ "ipv6-force-forwarding", "net/ipv6/conf/all/force_forwarding", "IPv6 force_forwarding, kernel 6.17" },
};

const struct sysctl_feature *sysctl_feature_find(const char *word)
{
	for (size_t i = 0; i < sizeof(sysctl_features) / sizeof(sysctl_features[0]); i++)
		if (!strcmp(sysctl_features[i].word, word))
			return &sysctl_features[i];
	return NULL;
}
