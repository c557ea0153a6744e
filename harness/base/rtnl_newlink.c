/* rtnl_newlink.c — creating a link of any kind (link_kind.h): each kind's function filling its IFLA_INFO_DATA.
 * Defaults are the kernel's own unless a comment says otherwise. */
#include "harness/base/rtnl_newlink.h"
#include "harness/base/nl.h"

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#define CREATE_FLAGS (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK)
#define VXLAN_IANA_PORT 4789

static struct nlmsghdr *link_msg(void *buf, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, NL_BUF_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

/* The kinds' data */

/* STP is written even when off: the statement promises it off, whatever a kernel's default. */
static void bridge_data(struct nlmsghdr *nlh, const struct link_params *p, int parent)
{
	(void)parent;
	mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, p->stp);
	if (p->vlan_filtering)
		mnl_attr_put_u8(nlh, IFLA_BR_VLAN_FILTERING, 1);
}

static void vlan_data(struct nlmsghdr *nlh, const struct link_params *p, int parent)
{
	(void)parent;
	mnl_attr_put_u16(nlh, IFLA_VLAN_ID, (uint16_t)p->id);
}

static void macvlan_data(struct nlmsghdr *nlh, const struct link_params *p, int parent)
{
	(void)parent;
	if (p->mode >= 0)
		mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, (uint32_t)p->mode);
}

static void ipvlan_data(struct nlmsghdr *nlh, const struct link_params *p, int parent)
{
	(void)parent;
	if (p->mode >= 0)
		mnl_attr_put_u16(nlh, IFLA_IPVLAN_MODE, (uint16_t)p->mode);
}

static void put_addr(struct nlmsghdr *nlh, uint16_t v4, uint16_t v6, const struct addr *a)
{
	if (a->family == AF_INET6)
		mnl_attr_put(nlh, v6, 16, a->bytes);
	else
		mnl_attr_put(nlh, v4, 4, a->bytes);
}

/* The remote is the VXLAN "group" (a unicast peer, as `ip link add ... remote ADDR` writes it).  The port is
 * IANA's 4789, not the kernel's historical 8472, so that captures decode as VXLAN. */
static void vxlan_data(struct nlmsghdr *nlh, const struct link_params *p, int parent)
{
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, p->id);
	if (p->has_remote)
		put_addr(nlh, IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6, &p->remote);
	if (p->has_local)
		put_addr(nlh, IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6, &p->local);
	if (parent)
		mnl_attr_put_u32(nlh, IFLA_VXLAN_LINK, (uint32_t)parent);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(p->port ? p->port : VXLAN_IANA_PORT));
}

static void gre_data(struct nlmsghdr *nlh, const struct link_params *p, int parent)
{
	(void)parent;
	if (p->has_local)
		mnl_attr_put(nlh, IFLA_GRE_LOCAL, 4, p->local.bytes);
	if (p->has_remote)
		mnl_attr_put(nlh, IFLA_GRE_REMOTE, 4, p->remote.bytes);
}

/* ipip and sit: both IPv4 outer headers, the same attributes. */
static void iptun_data(struct nlmsghdr *nlh, const struct link_params *p, int parent)
{
	(void)parent;
	if (p->has_local)
		mnl_attr_put(nlh, IFLA_IPTUN_LOCAL, 4, p->local.bytes);
	if (p->has_remote)
		mnl_attr_put(nlh, IFLA_IPTUN_REMOTE, 4, p->remote.bytes);
}

static void vrf_data(struct nlmsghdr *nlh, const struct link_params *p, int parent)
{
	(void)parent;
	mnl_attr_put_u32(nlh, IFLA_VRF_TABLE, p->id);
}

static void bond_data(struct nlmsghdr *nlh, const struct link_params *p, int parent)
{
	(void)parent;
	if (p->mode >= 0)
		mnl_attr_put_u8(nlh, IFLA_BOND_MODE, (uint8_t)p->mode);
}

typedef void (*link_data_fn)(struct nlmsghdr *nlh, const struct link_params *p, int parent);

/* Each kind's IFLA_INFO_DATA; NULL for a kind without data. */
static const link_data_fn data_of[LINK_KIND_COUNT] = {
	[LINK_BRIDGE] = bridge_data, [LINK_VLAN] = vlan_data, [LINK_MACVLAN] = macvlan_data,
	[LINK_IPVLAN] = ipvlan_data, [LINK_VXLAN] = vxlan_data, [LINK_GRE] = gre_data, [LINK_IPIP] = iptun_data,
	[LINK_SIT] = iptun_data, [LINK_VRF] = vrf_data, [LINK_BOND] = bond_data,
};

struct nlmsghdr *rtnl_msg_newlink(void *buf, const char *name, const struct link_params *p, int parent)
{
	const struct link_kind_desc *d = &link_kinds[p->kind];
	struct nlmsghdr *nlh = link_msg(buf, CREATE_FLAGS, 0);
	struct nlattr *linkinfo, *data;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (d->needs_parent && parent)
		mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, d->word);
	if (data_of[p->kind]) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		data_of[p->kind](nlh, p, parent);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, linkinfo);
	return nlh;
}

struct nlmsghdr *rtnl_msg_link_master(void *buf, int ifindex, int master)
{
	struct nlmsghdr *nlh = link_msg(buf, NLM_F_REQUEST | NLM_F_ACK, ifindex);

	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return nlh;
}

struct nlmsghdr *rtnl_msg_link_mtu(void *buf, int ifindex, uint32_t mtu)
{
	struct nlmsghdr *nlh = link_msg(buf, NLM_F_REQUEST | NLM_F_ACK, ifindex);

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nlh;
}
