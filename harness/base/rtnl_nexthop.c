/* rtnl_nexthop.c — building RTM_NEWNEXTHOP (rtnl_nexthop.h). */
#include "harness/base/rtnl_nexthop.h"
#include "harness/base/nl.h"

#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#define CREATE_FLAGS (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK)

/* NHA_GROUP: an array of struct nexthop_grp; the kernel stores a weight less one (8 bits, then 8 high ones). */
static void put_group(struct nlmsghdr *nlh, const struct rtnl_nh_member *m, unsigned n)
{
	struct nexthop_grp grp[n];

	memset(grp, 0, sizeof(grp));
	for (unsigned i = 0; i < n; i++) {
		unsigned w = m[i].weight ? m[i].weight - 1 : 0;

		grp[i].id = m[i].id;
		grp[i].weight = (uint8_t)(w & 0xff);
		grp[i].weight_high = (uint8_t)(w >> 8);
	}
	mnl_attr_put(nlh, NHA_GROUP, sizeof(grp), grp);
}

struct nlmsghdr *rtnl_msg_nexthop_new(void *buf, const struct rtnl_nh *nh)
{
	struct nlmsghdr *nlh;
	struct nhmsg *nhm;

	memset(buf, 0, NL_BUF_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEXTHOP;
	nlh->nlmsg_flags = CREATE_FLAGS;
	nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	nhm->nh_family = nh->ngroup ? AF_UNSPEC : nh->via ? (unsigned char)nh->via->family :
			 nh->family == AF_INET6 ? AF_INET6 : AF_INET;
	nhm->nh_flags = nh->onlink ? RTNH_F_ONLINK : 0;
	mnl_attr_put_u32(nlh, NHA_ID, nh->id);
	if (nh->ngroup) {
		put_group(nlh, nh->group, nh->ngroup);
		return nlh;
	}
	if (nh->blackhole) {
		mnl_attr_put(nlh, NHA_BLACKHOLE, 0, NULL);
		return nlh;
	}
	if (nh->via)
		mnl_attr_put(nlh, NHA_GATEWAY, nh->via->family == AF_INET6 ? 16 : 4, nh->via->bytes);
	if (nh->oif)
		mnl_attr_put_u32(nlh, NHA_OIF, (uint32_t)nh->oif);
	return nlh;
}
