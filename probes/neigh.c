/* neigh.c — gateway resolution: read the neighbour entry, solicit it, wait for RTNLGRP_NEIGH events. */
#include "probes/neigh.h"
#include "harness/base/clock.h"
#include "harness/base/rtnl_msg.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

struct neigh_match {
	int ifindex;
	const struct addr *a;
	int state;                /* -1 until a matching entry is seen */
};

static int dst_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **dst = data;

	if (mnl_attr_get_type(attr) == NDA_DST)
		*dst = attr;
	return MNL_CB_OK;
}

static int on_neigh(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_match *m = data;
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *dst = NULL;
	unsigned len = m->a->family == AF_INET6 ? 16 : 4;

	if ((nlh->nlmsg_type != RTM_NEWNEIGH && nlh->nlmsg_type != RTM_DELNEIGH) ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ndm)) || ndm->ndm_ifindex != m->ifindex ||
	    ndm->ndm_family != m->a->family)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ndm), dst_attr, &dst);
	if (dst && mnl_attr_get_payload_len(dst) == len && memcmp(mnl_attr_get_payload(dst), m->a->bytes, len) == 0)
		m->state = nlh->nlmsg_type == RTM_DELNEIGH ? NUD_NONE : ndm->ndm_state;
	return MNL_CB_OK;
}

bool neigh_usable(int state)
{
	return state > 0 && (state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP));
}

static bool settled(int state)
{
	return neigh_usable(state) || (state > 0 && (state & NUD_FAILED));
}

/* Reads what arrived on the event socket into m; returns -errno on a socket error. */
static int read_events(struct nl *events, struct neigh_match *m)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n;

	while ((n = recv(mnl_socket_get_fd(events->sock), buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		mnl_cb_run(buf, n, 0, 0, on_neigh, m);
	return n < 0 && errno != EAGAIN ? -errno : 0;
}

static int wait_settled(struct nl *events, struct neigh_match *m, msec_t deadline)
{
	int ret = 0;

	while (ret == 0 && !settled(m->state)) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(events->sock), .events = POLLIN };
		int n = poll(&pfd, 1, deadline_left(deadline));

		if (n == 0)
			break;
		ret = n < 0 ? (errno == EINTR ? 0 : -errno) : read_events(events, m);
	}
	return ret;
}

int neigh_state(struct nl *rtnl, int ifindex, const struct addr *a)
{
	struct neigh_match m = { ifindex, a, NUD_NONE };
	char buf[NL_BUF_SIZE], msg[NL_MSG_LEN];
	int ret = nl_talk(rtnl, rtnl_msg_neigh_get(buf, ifindex, a), on_neigh, &m, msg, sizeof(msg));

	if (ret == -ENOENT)
		return NUD_NONE;
	return ret ? ret : m.state;
}

static int count_incomplete(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWNEIGH && nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*ndm)) &&
	    (ndm->ndm_state & NUD_INCOMPLETE))
		(*(int *)data)++;
	return MNL_CB_OK;
}

int neigh_pending(struct nl *rtnl)
{
	char buf[NL_BUF_SIZE], msg[NL_MSG_LEN];
	int n = 0, ret = nl_talk(rtnl, rtnl_msg_neigh_dump(buf, AF_UNSPEC), count_incomplete, &n, msg, sizeof(msg));

	return ret ? ret : n;
}

int neigh_resolve(int nsfd, struct nl *rtnl, int ifindex, const struct addr *a, unsigned timeout_ms)
{
	msec_t deadline = deadline_after(timeout_ms);
	struct neigh_match m = { ifindex, a, NUD_NONE };
	char buf[NL_BUF_SIZE], msg[NL_MSG_LEN];
	struct nl events;
	int ret;

	ret = nl_talk(rtnl, rtnl_msg_neigh_get(buf, ifindex, a), on_neigh, &m, msg, sizeof(msg));
	if (ret && ret != -ENOENT)
		return ret;
	if (neigh_usable(m.state))
		return m.state;
	ret = nl_open(&events, nsfd, NETLINK_ROUTE, RTMGRP_NEIGH);
	if (ret)
		return ret;
	/* Subscribed first, so the answer to the solicitation cannot slip past. */
	ret = nl_talk(rtnl, rtnl_msg_neigh_use(buf, ifindex, a), NULL, NULL, msg, sizeof(msg));
	if (ret == 0)
		ret = nl_talk(rtnl, rtnl_msg_neigh_get(buf, ifindex, a), on_neigh, &m, msg, sizeof(msg));
	if (ret == 0 || ret == -ENOENT)
		ret = wait_settled(&events, &m, deadline);
	nl_close(&events);
	return ret < 0 ? ret : m.state;
}

const char *neigh_state_name(int state, char *buf, size_t len)
{
	static const struct { int bit; const char *name; } names[] = {
		{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_REACHABLE, "REACHABLE" }, { NUD_STALE, "STALE" },
		{ NUD_DELAY, "DELAY" }, { NUD_PROBE, "PROBE" }, { NUD_FAILED, "FAILED" },
		{ NUD_NOARP, "NOARP" }, { NUD_PERMANENT, "PERMANENT" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]) && state > 0 && used < len; i++)
		if (state & names[i].bit)
			used += snprintf(buf + used, len - used, "%s%s", used ? "|" : "", names[i].name);
	if (!buf[0])
		snprintf(buf, len, "no entry");
	return buf;
}
