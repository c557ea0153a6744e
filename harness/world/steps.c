/* steps.c — applying scenario steps: links, addresses, routes and sysctls over rtnetlink, servers, rules. */
#include "harness/world/steps.h"
#include "harness/base/clock.h"
#include "harness/base/netns.h"
#include "harness/base/rtnl_msg.h"
#include "harness/base/rtnl_newlink.h"
#include "harness/base/rtnl_nexthop.h"
#include "harness/sandbox/sandbox.h"
#include "harness/world/service.h"
#include "harness/world/requires.h"
#include "harness/world/wireguard.h"
#include "harness/scenario/kinds.h"
#include "probes/conn.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/fib_rules.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>


static int ifindex_of(struct world *w, const struct ifref *ref, char *msg, size_t msglen)
{
	int ifindex = world_ifindex(w, ref->ns, ref->name);

	if (ifindex < 0)
		snprintf(msg, msglen, "no interface '%s' in namespace '%s' (%s)", ref->name,
			 w->sc->netns[ref->ns].name, strerror(-ifindex));
	return ifindex;
}

static int talk(struct world *w, unsigned ns, struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	return nl_talk(&w->ns[ns].rtnl, nlh, NULL, NULL, msg, msglen);
}

/* veth computes TCP/UDP checksums lazily (TX offload), so a capture on it would show partial checksums that
 * tcpdump and Wireshark flag as wrong.  The world's veths checksum in software: evidence must be true. */
static int tx_checksum_off(struct world *w, const struct ifref *end, char *msg, size_t msglen)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_STXCSUM, .data = 0 };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", end->name);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(w->ns[end->ns].ioctl_fd, SIOCETHTOOL, &ifr) == 0)
		return 0;
	snprintf(msg, msglen, "cannot turn TX checksum offload off on %s/%s: %s", w->sc->netns[end->ns].name,
		 end->name, strerror(errno));
	return -errno;
}

static int do_veth(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	const struct ifref *a = &st->u.veth.a, *b = &st->u.veth.b;
	int ret = talk(w, a->ns, rtnl_msg_veth(w->buf, a->name, b->name, w->ns[b->ns].fd), msg, msglen);

	if (ret == 0)
		ret = tx_checksum_off(w, a, msg, msglen);
	if (ret == 0)
		ret = tx_checksum_off(w, b, msg, msglen);
	return ret;
}

static int do_address(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	int ifindex = ifindex_of(w, &st->u.address.link, msg, msglen);

	if (ifindex < 0)
		return ifindex;
	return talk(w, st->ns, rtnl_msg_addr_add(w->buf, ifindex, &st->u.address.prefix), msg, msglen);
}

static int do_link(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	int ifindex = ifindex_of(w, &st->u.link.link, msg, msglen);

	if (ifindex < 0)
		return ifindex;
	return talk(w, st->ns, rtnl_msg_link_set(w->buf, ifindex, st->kind == STEP_LINK_UP), msg, msglen);
}

/* The index of dev in st's namespace (0 for ""), or -errno with the words in msg. */
static int dev_index(struct world *w, unsigned ns, const char *dev, char *msg, size_t msglen)
{
	struct ifref ref = { .ns = ns };

	if (!dev[0])
		return 0;
	snprintf(ref.name, sizeof(ref.name), "%s", dev);
	return ifindex_of(w, &ref, msg, msglen);
}

static int do_route(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	const typeof(st->u.route) *r = &st->u.route;
	struct rtnl_nexthop nh[ROUTE_MAX_NEXTHOPS];
	struct rtnl_route req = {
		.dst = &r->dst, .type = r->type, .table = r->table, .has_metric = r->has_metric, .metric = r->metric,
		.onlink = r->onlink, .via = r->has_via ? &r->via : NULL, .prefsrc = r->has_src ? &r->src : NULL,
		.nh = nh, .nnh = r->nnexthops, .nhid = r->nhid,
		.has_mtu = r->has_mtu, .mtu = r->mtu,
	};

	if ((req.oif = dev_index(w, st->ns, r->has_dev ? r->dev : "", msg, msglen)) < 0)
		return req.oif;
	for (unsigned i = 0; i < r->nnexthops; i++) {
		nh[i] = (struct rtnl_nexthop){ .via = r->nexthops[i].has_via ? &r->nexthops[i].via : NULL,
					       .weight = r->nexthops[i].weight, .onlink = r->nexthops[i].onlink };
		if ((nh[i].oif = dev_index(w, st->ns, r->nexthops[i].dev, msg, msglen)) < 0)
			return nh[i].oif;
	}
	return talk(w, st->ns, rtnl_msg_route_new(w->buf, &req), msg, msglen);
}

/* A rule without prefixes is one rule per family, as the forward rules are: it holds whatever the packet. */
static int do_rule(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	static const uint8_t actions[] = {
		[RULE_LOOKUP] = FR_ACT_TO_TBL, [RULE_BLACKHOLE] = FR_ACT_BLACKHOLE,
		[RULE_UNREACHABLE] = FR_ACT_UNREACHABLE, [RULE_PROHIBIT] = FR_ACT_PROHIBIT,
	};
	const typeof(st->u.iprule) *r = &st->u.iprule;
	const int families[] = { AF_INET, AF_INET6 };
	int ret = 0;

	for (unsigned i = 0; i < 2 && ret == 0; i++) {
		struct rtnl_rule req = {
			.family = families[i], .src = r->has_from ? &r->from : NULL, .dst = r->has_to ? &r->to : NULL,
			.iif = r->iif, .oif = r->oif, .has_fwmark = r->has_fwmark, .fwmark = r->fwmark,
			.fwmask = r->fwmask, .has_priority = r->has_priority, .priority = r->priority,
			.table = r->table, .action = actions[r->action],
		};

		if (!r->family || r->family == families[i])
			ret = talk(w, st->ns, rtnl_msg_rule_new(w->buf, &req), msg, msglen);
	}
	return ret;
}

static int do_sysctl(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	int ret = netns_sysctl_write(w->ns[st->ns].fd, st->u.sysctl.key, st->u.sysctl.value);

	if (ret)
		snprintf(msg, msglen, "cannot write /proc/sys/%s: %s", st->u.sysctl.key, strerror(-ret));
	return ret;
}

static int do_listen(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	struct listener *l;

	if (w->nlisteners == MAX_LISTENERS) {
		snprintf(msg, msglen, "more than %d listeners in one scenario", MAX_LISTENERS);
		return -ENOSPC;
	}
	l = listener_open(w->ns[st->ns].fd, st->u.listen.proto, st->u.listen.port, msg, msglen);
	if (!l)
		return -EADDRNOTAVAIL;
	w->listeners[w->nlisteners++] = l;
	return 0;
}

/* How a program ended, in words; 0 when it exited 0, -ENOPKG when a program it needs was not found (the
 * status a shell and execvp give for "command not found"), -ECANCELED for any other end. */
static int judge_exit(const struct sandbox_result *r, unsigned timeout_ms, char *msg, size_t msglen)
{
	char line[256];

	if (r->timed_out)
		snprintf(msg, msglen, "still running after %u ms: killed", timeout_ms);
	else if (r->signal)
		snprintf(msg, msglen, "killed by signal %d: %s", r->signal, sandbox_last_line(r->output, line, sizeof(line)));
	else if (r->status == PROGRAM_NOT_FOUND) {
		/* The program, or one a script runs, is not on this machine: the world cannot be built here. */
		snprintf(msg, msglen, "a program is missing (exit status 127): %s",
			 sandbox_last_line(r->output, line, sizeof(line)));
		return -ENOPKG;
	} else if (r->status)
		snprintf(msg, msglen, "exited with status %d: %s", r->status, sandbox_last_line(r->output, line, sizeof(line)));
	else
		return 0;
	return -ECANCELED;
}

/* exec ... makes NS/IF...: the program said it makes these links; a later step naming one must find it. */
static int exec_made(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	for (unsigned k = 0; k < st->u.exec.nmakes; k++) {
		const struct ifref *r = &st->u.exec.makes[k];

		if (world_ifindex(w, r->ns, r->name) < 0) {
			snprintf(msg, msglen, "the program exited 0 but did not make %s/%s (declared by 'makes')",
				 w->sc->netns[r->ns].name, r->name);
			return -ENODEV;
		}
	}
	return 0;
}

/* A program finds the world's namespaces by name in its /run/netns (those a script made included). */
static int do_exec(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	struct sandbox_netns visible[MAX_NETNS];
	struct sandbox_run run = { .nsfd = w->ns[st->ns].fd, .argv = st->u.exec.argv,
				   .timeout_ms = wait_within(w->waits.program_ms, w->deadline),
				   .visible = visible, .nvisible = world_named_namespaces(w, visible) };
	struct sandbox_result r;
	int ret = sandbox_exec(&run, &r, msg, msglen);

	if (ret == 0) {
		world_log_output(w, st, r.output);
		ret = judge_exit(&r, run.timeout_ms, msg, msglen);
		sandbox_result_free(&r);
	}
	return ret ? ret : exec_made(w, st, msg, msglen);
}

/* The script runs as st->ns, with its arguments, seeing the world's namespaces by name; the namespaces it
 * creates by name are bound into the world after it (and so seen by later programs). */
static int do_script(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	const struct scenario *sc = w->sc;
	const char *names[MAX_NETNS + 1];
	unsigned idx[MAX_NETNS], n = 0;
	char *const argv[] = { "/bin/sh", st->u.script.path, NULL };
	struct sandbox_netns visible[MAX_NETNS];
	struct sandbox_run run = { .nsfd = w->ns[st->ns].fd, .argv = argv,
				   .timeout_ms = wait_within(w->waits.script_ms, w->deadline), .collect = names,
				   .script = st->u.script.path, .script_args = st->u.script.args,
				   .visible = visible, .nvisible = world_named_namespaces(w, visible) };
	struct sandbox_result r;
	int ret;

	for (unsigned i = 0; i < sc->nnetns; i++)
		if (st->u.script.creates & (1ull << i)) {
			idx[n] = i;
			names[n++] = sc->netns[i].name;
		}
	names[n] = NULL;
	ret = sandbox_exec(&run, &r, msg, msglen);
	if (ret)
		return ret;
	world_log_output(w, st, r.output);
	ret = judge_exit(&r, run.timeout_ms, msg, msglen);
	for (unsigned k = 0; k < n && ret == 0; k++) {
		if (r.fds[k] < 0) {
			snprintf(msg, msglen, "the script did not create namespace '%s' (no /run/netns/%s after it ran)",
				 names[k], names[k]);
			ret = -ENOENT;
		} else {
			ret = world_bind(w, idx[k], r.fds[k], msg, msglen);
			r.fds[k] = -1;   /* the world owns it now, bound or closed */
		}
	}
	sandbox_result_free(&r);
	return ret;
}

/* The interface name in st's namespace (a parent, a master), as an ifindex. */
static int ifindex_named(struct world *w, unsigned ns, const char *name, char *msg, size_t msglen)
{
	struct ifref ref = { .ns = ns };

	snprintf(ref.name, sizeof(ref.name), "%s", name);
	return ifindex_of(w, &ref, msg, msglen);
}

/* A link of a kind this kernel does not have is no verdict on the world: its stage cannot run here. */
static int do_newlink(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	const typeof(st->u.newlink) *l = &st->u.newlink;
	int parent = 0, ret;
	char why[NL_MSG_LEN];

	if (l->parent[0] && (parent = ifindex_named(w, st->ns, l->parent, msg, msglen)) < 0)
		return parent;
	why[0] = '\0';
	ret = talk(w, st->ns, rtnl_msg_newlink(w->buf, l->link.name, &l->p, parent), why, sizeof(why));
	if (ret && link_kind_missing(ret)) {
		snprintf(msg, msglen, "this kernel lacks '%s' (%s): %s", l->p.vlan_filtering ? "bridge-vlan-filtering" :
			 link_kinds[l->p.kind].word, l->p.vlan_filtering ? "bridge VLAN filtering" :
			 link_kinds[l->p.kind].feature, why[0] ? why : strerror(-ret));
		return -ENOPKG;
	}
	snprintf(msg, msglen, "%s", why);
	return ret;
}

static int do_master(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	int port = ifindex_of(w, &st->u.master.link, msg, msglen), master;

	if (port < 0)
		return port;
	master = ifindex_named(w, st->ns, st->u.master.master, msg, msglen);
	if (master < 0)
		return master;
	return talk(w, st->ns, rtnl_msg_link_master(w->buf, port, master), msg, msglen);
}

static int do_mtu(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	int ifindex = ifindex_of(w, &st->u.mtu.link, msg, msglen);

	if (ifindex < 0)
		return ifindex;
	return talk(w, st->ns, rtnl_msg_link_mtu(w->buf, ifindex, st->u.mtu.mtu), msg, msglen);
}

static int do_requires(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	(void)w;
	if (st->u.requires.program)
		return require_program(st->u.requires.name, msg, msglen);
	return require_kernel(st->u.requires.name, &st->u.requires.trial, msg, msglen);
}

static int do_nexthop(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	const typeof(st->u.nexthop) *n = &st->u.nexthop;
	struct rtnl_nh_member members[NEXTHOP_MAX_GROUP];
	struct rtnl_nh req = { .id = n->id, .via = n->has_via ? &n->via : NULL, .onlink = n->onlink,
			       .blackhole = n->blackhole, .family = n->family, .group = members,
			       .ngroup = n->ngroup };

	for (unsigned k = 0; k < n->ngroup; k++)
		members[k] = (struct rtnl_nh_member){ .id = n->group[k], .weight = n->weight[k] };
	if ((req.oif = dev_index(w, st->ns, n->dev, msg, msglen)) < 0)
		return req.oif;
	return talk(w, st->ns, rtnl_msg_nexthop_new(w->buf, &req), msg, msglen);
}

typedef int (*step_runner)(struct world *w, const struct step *st, char *msg, size_t msglen);

/* Each kind's runner.  Firewall kinds (kinds.h) have none: a stage installs them as one batch through the
 * world's firewall backend (steps_firewall). */
static const step_runner runners[STEP_KIND_COUNT] = {
	[STEP_VETH] = do_veth,
	[STEP_ADDRESS] = do_address,
	[STEP_LINK_UP] = do_link,
	[STEP_LINK_DOWN] = do_link,
	[STEP_ROUTE] = do_route,
	[STEP_SYSCTL] = do_sysctl,
	[STEP_LISTEN] = do_listen,
	[STEP_EXEC] = do_exec,
	[STEP_SCRIPT] = do_script,
	[STEP_RULE] = do_rule,
	[STEP_SERVICE] = service_start,
	[STEP_BRIDGE] = do_newlink,
	[STEP_VLAN] = do_newlink,
	[STEP_DUMMY] = do_newlink,
	[STEP_MACVLAN] = do_newlink,
	[STEP_IPVLAN] = do_newlink,
	[STEP_VXLAN] = do_newlink,
	[STEP_GRE] = do_newlink,
	[STEP_IPIP] = do_newlink,
	[STEP_SIT] = do_newlink,
	[STEP_VRF] = do_newlink,
	[STEP_BOND] = do_newlink,
	[STEP_MASTER] = do_master,
	[STEP_MTU] = do_mtu,
	[STEP_REQUIRES] = do_requires,
	[STEP_NEXTHOP] = do_nexthop,
	[STEP_WIREGUARD] = wireguard_apply,
};

int steps_apply(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	if (!(step_kind(st)->flags & STEP_F_REQUIREMENT) && w->ns[st->ns].fd < 0) {
		snprintf(msg, msglen, "namespace '%s' does not exist yet: the script that creates it has not run",
			 w->sc->netns[st->ns].name);
		return -ENOENT;
	}
	if (runners[st->kind])
		return runners[st->kind](w, st, msg, msglen);
	snprintf(msg, msglen, "a firewall step outside its batch (a bug in nsharness)");
	return -EINVAL;
}

/* The firewall's sink for what its programs print: the world's program log. */
static void log_program_output(void *world, const struct step *st, const char *output)
{
	world_log_output(world, st, output);
}

/* One namespace's firewall steps of a stage, through the world's firewall backend (one atomic batch where
 * the backend can). */
static int apply_firewall_ns(struct world *w, unsigned ns, const struct step *const *batch, unsigned n, char *err,
			     size_t errlen)
{
	struct fw_host host = {
		.nsfd = w->ns[ns].fd, .program_ms = wait_within(w->waits.program_ms, w->deadline),
		.log = log_program_output, .sink = w,
	};

	return firewall_apply(&w->fw, ns, &host, batch, n, err, errlen);
}

/* Firewall and NAT steps of a stage go in after its other steps, as one atomic batch per namespace. */
static int apply_firewall(struct world *w, unsigned first, unsigned n, char *err, size_t errlen)
{
	const struct step *batch[n ? n : 1];
	int ret = 0;

	for (unsigned ns = 0; ns < w->nns && ret == 0; ns++) {
		unsigned count = 0;

		for (unsigned i = first; i < first + n; i++)
			if (step_is_firewall(&w->sc->steps[i]) && w->sc->steps[i].ns == ns)
				batch[count++] = &w->sc->steps[i];
		if (count)
			ret = apply_firewall_ns(w, ns, batch, count, err, errlen);
	}
	return ret;
}

int world_apply(struct world *w, unsigned first, unsigned n, char *err, size_t errlen)
{
	char msg[NL_MSG_LEN];
	int ret = 0;

	for (unsigned i = first; i < first + n && ret == 0; i++) {
		const struct step *st = &w->sc->steps[i];

		if (step_is_firewall(st))
			continue;
		msg[0] = '\0';
		ret = steps_apply(w, st, msg, sizeof(msg));
		if (ret)
			snprintf(err, errlen, "%s:%u: %s: %s", st->loc.file, st->loc.line, st->text,
				 msg[0] ? msg : strerror(-ret));
	}
	return ret ? ret : apply_firewall(w, first, n, err, errlen);
}
