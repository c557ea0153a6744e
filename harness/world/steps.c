/* steps.c — applying scenario steps: links, addresses, routes and sysctls over rtnetlink, servers, rules. */
#include "harness/world/steps.h"
#include "harness/base/clock.h"
#include "harness/base/netns.h"
#include "harness/firewall/nft.h"
#include "harness/base/rtnl_msg.h"
#include "harness/firewall/firewall_step.h"
#include "harness/firewall/iptables_run.h"
#include "harness/sandbox/sandbox.h"
#include "probes/conn.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

/* Deadlines for real programs (scaled): a command, and a whole setup script. */
enum { EXEC_TIMEOUT_MS = 30000, SCRIPT_TIMEOUT_MS = 60000 };

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

static int do_route(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	int oif = 0;

	if (st->u.route.has_dev) {
		struct ifref dev = { .ns = st->ns };

		snprintf(dev.name, sizeof(dev.name), "%s", st->u.route.dev);
		oif = ifindex_of(w, &dev, msg, msglen);
		if (oif < 0)
			return oif;
	}
	return talk(w, st->ns, rtnl_msg_route_add(w->buf, &st->u.route.dst, st->u.route.has_via ? &st->u.route.via : NULL,
						   oif), msg, msglen);
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

/* How a program ended, in words; 0 when it exited 0. */
static int judge_exit(const struct sandbox_result *r, unsigned timeout_ms, char *msg, size_t msglen)
{
	char line[256];

	if (r->timed_out)
		snprintf(msg, msglen, "still running after %.0f ms: killed", timeout_ms * timeout_scale());
	else if (r->signal)
		snprintf(msg, msglen, "killed by signal %d: %s", r->signal, sandbox_last_line(r->output, line, sizeof(line)));
	else if (r->status)
		snprintf(msg, msglen, "exited with status %d: %s", r->status, sandbox_last_line(r->output, line, sizeof(line)));
	else
		return 0;
	return -ECANCELED;
}

static int do_exec(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	struct sandbox_run run = { .nsfd = w->ns[st->ns].fd, .argv = st->u.exec.argv, .timeout_ms = EXEC_TIMEOUT_MS };
	struct sandbox_result r;
	int ret = sandbox_exec(&run, &r, msg, msglen);

	if (ret == 0) {
		world_log_output(w, st, r.output);
		ret = judge_exit(&r, EXEC_TIMEOUT_MS, msg, msglen);
		sandbox_result_free(&r);
	}
	return ret;
}

/* The script runs as st->ns; the namespaces it creates by name are bound into the world after it. */
static int do_script(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	const struct scenario *sc = w->sc;
	const char *names[MAX_NETNS + 1];
	unsigned idx[MAX_NETNS], n = 0;
	char *const argv[] = { "/bin/sh", st->u.script.path, NULL };
	struct sandbox_run run = { .nsfd = w->ns[st->ns].fd, .argv = argv, .timeout_ms = SCRIPT_TIMEOUT_MS,
				   .collect = names, .script = st->u.script.path };
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
	ret = judge_exit(&r, SCRIPT_TIMEOUT_MS, msg, msglen);
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

bool step_is_firewall(const struct step *st)
{
	return firewall_step_family(st) >= 0;
}

int steps_apply(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	if (w->ns[st->ns].fd < 0) {
		snprintf(msg, msglen, "namespace '%s' does not exist yet: the script that creates it has not run",
			 w->sc->netns[st->ns].name);
		return -ENOENT;
	}
	switch (st->kind) {
	case STEP_VETH:
		return do_veth(w, st, msg, msglen);
	case STEP_ADDRESS:
		return do_address(w, st, msg, msglen);
	case STEP_LINK_UP:
	case STEP_LINK_DOWN:
		return do_link(w, st, msg, msglen);
	case STEP_ROUTE:
		return do_route(w, st, msg, msglen);
	case STEP_SYSCTL:
		return do_sysctl(w, st, msg, msglen);
	case STEP_LISTEN:
		return do_listen(w, st, msg, msglen);
	case STEP_EXEC:
		return do_exec(w, st, msg, msglen);
	case STEP_SCRIPT:
		return do_script(w, st, msg, msglen);
	case STEP_FORWARD_POLICY:
	case STEP_FORWARD_RULE:
	case STEP_MASQUERADE:
	case STEP_SNAT:
	case STEP_DNAT:
		break;
	}
	snprintf(msg, msglen, "a firewall step outside its batch (a bug in nsharness)");
	return -EINVAL;
}

int steps_firewall(struct world *w, unsigned ns, const struct step *const *batch, unsigned n, char *err,
		   size_t errlen)
{
	struct world_ns *wns = &w->ns[ns];

	if (w->backend != BACKEND_NFT)
		return iptables_apply(w, ns, batch, n, err, errlen);
	if (!wns->nft) {
		wns->nft = nft_ns_new(wns->fd, err, errlen);
		if (!wns->nft)
			return -EIO;
	}
	return nft_apply(wns->nft, batch, n, err, errlen);
}

void steps_release(struct world *w)
{
	for (unsigned i = 0; i < w->nlisteners; i++)
		listener_close(w->listeners[i]);
	w->nlisteners = 0;
	for (unsigned i = 0; i < w->nns; i++) {
		nft_ns_free(w->ns[i].nft);
		w->ns[i].nft = NULL;
	}
}
