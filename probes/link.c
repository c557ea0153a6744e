/* link.c — the link probe: admin state and carrier, waiting for RTNLGRP_LINK events with a deadline. */
#include "probes/link.h"
#include "harness/base/clock.h"
#include "harness/base/link_kind.h"
#include "harness/base/rtnl_link.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <string.h>

/* A kind whose driver reports no operstate (dummy, vxlan, gre, ...: link_kind.h) reads UNKNOWN when up with
 * carrier, as lo does: that is up. */
static bool unknown_is_up(const struct link_state *st)
{
	int kind = link_kind_find(st->kind);

	return st->operstate == IF_OPER_UNKNOWN && (st->flags & IFF_LOWER_UP) && kind >= 0 &&
	       link_kinds[kind].unknown_is_up;
}

static bool is_up(const struct link_state *st)
{
	return (st->flags & IFF_UP) && (st->operstate == IF_OPER_UP || unknown_is_up(st));
}

static void describe(const struct link_state *st, struct check *c)
{
	check_got(c, "admin %s, carrier %s, operstate %s%s%s", st->flags & IFF_UP ? "up" : "down",
		  st->flags & IFF_LOWER_UP ? "on" : "off", operstate_name(st->operstate), unknown_is_up(st) ? ", as a " : "",
		  unknown_is_up(st) ? st->kind : "");
}

/* A bridge with STP on takes carrier when one of its ports forwards: a port that is up but still listening or
 * learning (or blocking) is why it has none. */
static bool stp_holds(const struct link_probe *p, const struct link_state *st, struct check *c)
{
	struct link_entry ports[16];
	unsigned n = 0;
	struct cause *k;

	if (strcmp(st->kind, "bridge") || st->stp <= 0 || link_ports_read(p->rtnl, st->ifindex, ports, 16, &n))
		return false;
	for (unsigned i = 0; i < n && i < 16; i++) {
		const struct link_entry *e = &ports[i];

		if (!(e->st.flags & IFF_UP) || !(e->st.flags & IFF_LOWER_UP) || e->st.port_state < 1 ||
		    e->st.port_state == 3)
			continue;
		check_evidence(c, "%s: port %s is %s (STP on, forward delay %u s)", p->where, e->name,
			       port_state_name(e->st.port_state), st->forward_delay / 100);
		k = check_cause(c, CAUSE_BRIDGE_STP_WAIT);
		CAUSE_COPY(k->where, p->where);
		snprintf(k->where2, sizeof(k->where2), "%.*s/%s", (int)strcspn(p->where, "/"), p->where, e->name);
		CAUSE_COPY(k->word, port_state_name(e->st.port_state));
		k->value = (int)(st->forward_delay / 100);
		return true;
	}
	return false;
}

static void explain_down(const struct link_probe *p, const struct link_state *st, struct check *c)
{
	struct cause *k;

	if (!(st->flags & IFF_UP))
		k = check_cause(c, CAUSE_LINK_ADMIN_DOWN);
	else if (!(st->flags & IFF_LOWER_UP) && p->peer) {
		k = check_cause(c, CAUSE_LINK_PEER_DOWN);
		CAUSE_COPY(k->where2, p->peer);
	} else if (!(st->flags & IFF_LOWER_UP) && stp_holds(p, st, c))
		return;
	else if (!(st->flags & IFF_LOWER_UP))
		k = check_cause(c, CAUSE_LINK_NO_CARRIER);
	else {
		k = check_cause(c, CAUSE_LINK_OPERSTATE);
		CAUSE_COPY(k->word, operstate_name(st->operstate));
	}
	CAUSE_COPY(k->where, p->where);
}

/* Drains pending notifications; they only tell us to read the state again. */
static void drain(struct nl *events)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	while (recv(mnl_socket_get_fd(events->sock), buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static int wait_for_state(const struct link_probe *p, struct link_state *st, msec_t deadline)
{
	struct nl events;
	int ret = nl_open(&events, p->nsfd, NETLINK_ROUTE, RTMGRP_LINK);

	if (ret)
		return ret;
	/* Subscribed before this read, so no change between the read and the poll can be missed. */
	while ((ret = link_state_read(p->rtnl, p->ifname, 0, NULL, st)) == 0 && is_up(st) != p->want_up) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(events.sock), .events = POLLIN };
		int n = poll(&pfd, 1, deadline_left(deadline));

		if (n == 0)
			break;
		if (n < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		drain(&events);
	}
	nl_close(&events);
	return ret;
}

enum check_status probe_link(const struct link_probe *p, struct check *c)
{
	msec_t deadline = deadline_after(p->timeout_ms);
	struct link_state st;
	int ret;

	check_expected(c, "%s %s", p->where, p->want_up ? "up (admin up, carrier, operstate UP)" : "down");
	ret = link_state_read(p->rtnl, p->ifname, 0, NULL, &st);
	/* Carrier comes and goes by itself; the admin state changes only when someone sets it, and every step
	 * that could has run by now.  So only a link that is admin up (or must go down) is worth waiting for. */
	if (ret == 0 && is_up(&st) != p->want_up && ((st.flags & IFF_UP) || !p->want_up))
		ret = wait_for_state(p, &st, deadline);
	if (ret == -ENODEV) {
		check_got(c, "no link %s", p->where);
		return check_set(c, CHECK_FAIL);
	}
	if (ret) {
		check_got(c, "cannot read %s: %s", p->where, strerror(-ret));
		return check_set(c, CHECK_ERROR);
	}
	describe(&st, c);
	if (is_up(&st) == p->want_up)
		return check_set(c, CHECK_PASS);
	if (p->want_up)
		explain_down(p, &st, c);
	else {
		struct cause *k = check_cause(c, CAUSE_LINK_STILL_UP);

		CAUSE_COPY(k->where, p->where);
		k->ms = p->timeout_ms;
	}
	return check_set(c, CHECK_FAIL);
}
