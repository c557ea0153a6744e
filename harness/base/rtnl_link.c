/* rtnl_link.c — reading a link's state back over rtnetlink. */
#include "harness/base/rtnl_link.h"
#include "harness/base/rtnl_msg.h"

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

struct link_read {
	struct link_state *st;
	char *name;
};

static int bridge_attr(const struct nlattr *a, void *data)
{
	struct link_state *st = data;

	if (mnl_attr_get_type(a) == IFLA_BR_STP_STATE && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		st->stp = (int)mnl_attr_get_u32(a);
	if (mnl_attr_get_type(a) == IFLA_BR_FORWARD_DELAY && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		st->forward_delay = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int port_attr(const struct nlattr *a, void *data)
{
	struct link_state *st = data;

	if (mnl_attr_get_type(a) == IFLA_BRPORT_STATE && mnl_attr_validate(a, MNL_TYPE_U8) == 0)
		st->port_state = mnl_attr_get_u8(a);
	return MNL_CB_OK;
}

static int vxlan_attr(const struct nlattr *a, void *data)
{
	struct link_state *st = data;
	unsigned t = mnl_attr_get_type(a);

	if (t == IFLA_VXLAN_ID && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		st->vxlan_id = mnl_attr_get_u32(a);
	if (t == IFLA_VXLAN_GROUP && mnl_attr_get_payload_len(a) == 4) {
		st->vxlan_remote.family = AF_INET;
		memcpy(st->vxlan_remote.bytes, mnl_attr_get_payload(a), 4);
	}
	if (t == IFLA_VXLAN_GROUP6 && mnl_attr_get_payload_len(a) == 16) {
		st->vxlan_remote.family = AF_INET6;
		memcpy(st->vxlan_remote.bytes, mnl_attr_get_payload(a), 16);
	}
	return MNL_CB_OK;
}

/* IFLA_LINKINFO: the kind comes before its data, the slave kind before the slave data. */
static int linkinfo_attr(const struct nlattr *a, void *data)
{
	struct link_state *st = data;
	unsigned t = mnl_attr_get_type(a);

	if (t == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(st->kind, sizeof(st->kind), "%s", mnl_attr_get_str(a));
	if (t == IFLA_INFO_SLAVE_KIND && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(st->slave_kind, sizeof(st->slave_kind), "%s", mnl_attr_get_str(a));
	if (t == IFLA_INFO_DATA && !strcmp(st->kind, "bridge") && mnl_attr_validate(a, MNL_TYPE_NESTED) == 0) {
		st->stp = 0;
		mnl_attr_parse_nested(a, bridge_attr, st);
	}
	if (t == IFLA_INFO_DATA && !strcmp(st->kind, "vxlan") && mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(a, vxlan_attr, st);
	if (t == IFLA_INFO_SLAVE_DATA && !strcmp(st->slave_kind, "bridge") && mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(a, port_attr, st);
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *a, void *data)
{
	struct link_read *r = data;

	if (mnl_attr_get_type(a) == IFLA_MASTER && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		r->st->master = (int)mnl_attr_get_u32(a);
	if (mnl_attr_get_type(a) == IFLA_MTU && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		r->st->mtu = mnl_attr_get_u32(a);
	if (mnl_attr_get_type(a) == IFLA_LINKINFO && mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(a, linkinfo_attr, r->st);

	if (mnl_attr_get_type(a) == IFLA_OPERSTATE && mnl_attr_validate(a, MNL_TYPE_U8) == 0)
		r->st->operstate = mnl_attr_get_u8(a);
	if (mnl_attr_get_type(a) == IFLA_IFNAME && r->name && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(r->name, IFNAMSIZ, "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int on_link(const struct nlmsghdr *nlh, void *data)
{
	struct link_read *r = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	r->st->ifindex = ifi->ifi_index;
	r->st->flags = ifi->ifi_flags;
	r->st->port_state = r->st->stp = -1;
	return mnl_attr_parse(nlh, sizeof(*ifi), link_attr, r);
}

struct ports_read {
	int master;
	struct link_entry *out;
	unsigned max, n;
};

static int on_port(const struct nlmsghdr *nlh, void *data)
{
	struct ports_read *p = data;
	struct link_entry e;
	struct link_read r = { &e.st, e.name };

	memset(&e, 0, sizeof(e));
	if (on_link(nlh, &r) != MNL_CB_OK || nlh->nlmsg_type != RTM_NEWLINK || e.st.master != p->master)
		return MNL_CB_OK;
	if (p->n < p->max)
		p->out[p->n] = e;
	p->n++;
	return MNL_CB_OK;
}

int link_ports_read(struct nl *rtnl, int master, struct link_entry *out, unsigned max, unsigned *n)
{
	char buf[NL_BUF_SIZE], msg[NL_MSG_LEN];
	struct ports_read p = { master, out, max, 0 };
	int ret = nl_talk(rtnl, rtnl_msg_link_dump(buf), on_port, &p, msg, sizeof(msg));

	*n = p.n;
	return ret;
}

const char *port_state_name(int state)
{
	static const char *const names[] = { "disabled", "listening", "learning", "forwarding", "blocking" };

	return state >= 0 && state < (int)(sizeof(names) / sizeof(names[0])) ? names[state] : "?";
}

int link_state_read(struct nl *rtnl, const char *name, int ifindex, char *namebuf, struct link_state *st)
{
	char buf[NL_BUF_SIZE], msg[NL_MSG_LEN];
	struct link_read r = { st, namebuf };

	memset(st, 0, sizeof(*st));
	return nl_talk(rtnl, rtnl_msg_link_get(buf, ifindex, name), on_link, &r, msg, sizeof(msg));
}

const char *operstate_name(unsigned operstate)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP",
	};

	return operstate < sizeof(names) / sizeof(names[0]) ? names[operstate] : "?";
}
