/* world.c — a scenario's namespaces: made, bound, and destroyed with what the steps left in them. */
#define _GNU_SOURCE
#include "harness/world/world.h"
#include "harness/base/netns.h"
#include "harness/base/rtnl_msg.h"
#include "probes/capture_nflog.h"
#include "probes/conn.h"
#include "harness/base/rtnl_link.h"
#include "harness/sandbox/sandbox_owner.h"
#include "harness/sandbox/sandbox_service.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs inside each new namespace, on the thread that made it: the sockets the world talks through, IPv6
 * without duplicate address detection on every interface made later (link-local addresses included), so
 * neighbour discovery works the moment a link is up, and neighbour solicitations repeated every 200 ms
 * instead of every second, so a solicitation lost while a link comes up costs a fifth of a probe's time. */
int world_ns_sockets(void *p)
{
	struct world_ns *ns = p;
	int ret = nl_open_here(&ns->rtnl, NETLINK_ROUTE, 0);

	if (ret)
		return ret;
	ns->ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return ns->ioctl_fd < 0 ? -errno : 0;
}

static int ns_init(void *p)
{
	int ret = world_ns_sockets(p);

	if (ret)
		return ret;
	proc_write("/proc/sys/net/ipv6/conf/default/accept_dad", "0");   /* absent without IPv6: not needed */
	proc_write("/proc/sys/net/ipv6/neigh/default/retrans_time_ms", "200");
	proc_write("/proc/sys/net/ipv4/neigh/default/retrans_time_ms", "200");
	return 0;
}

/* Opens the world's sockets in the new namespace fd, made by sandbox_owner_world; on failure closes them. */
static int ns_open(struct world_ns *ns, int fd, const char *name, char *err, size_t errlen)
{
	int ret = netns_run(fd, ns_init, ns);

	ns->fd = fd;
	if (ret) {
		snprintf(err, errlen, "cannot open sockets in namespace '%s': %s", name, strerror(-ret));
		nl_close(&ns->rtnl);
		if (ns->ioctl_fd >= 0)
			close(ns->ioctl_fd);
		ns->ioctl_fd = -1;
	}
	return ret;
}

/* The sandbox user namespace and the namespaces nsharness makes itself (not those scripts create): fds[i] for
 * scenario namespace i, -1 for a script's. */
static int make_namespaces(struct world *w, int *fds, char *err, size_t errlen)
{
	int made[MAX_NETNS];
	unsigned n = 0, k = 0;
	bool userns_made;
	int ret;

	for (unsigned i = 0; i < w->sc->nnetns; i++)
		n += !w->sc->netns[i].external;
	/* One child makes both: a second fork and wait cost a run about a millisecond. */
	ret = sandbox_owner_world(n, made, &userns_made);
	if (ret < 0) {
		snprintf(err, errlen, userns_made ? "cannot create a network namespace: %s" :
			 "cannot create the sandbox user namespace: %s", strerror(-ret));
		return ret;
	}
	w->owner = ret;
	for (unsigned i = 0; i < w->sc->nnetns; i++)
		fds[i] = w->sc->netns[i].external ? -1 : made[k++];
	return 0;
}

int world_create(struct world *w, const struct scenario *sc, char *err, size_t errlen)
{
	char msg[NL_MSG_LEN];
	int fds[MAX_NETNS], ret;

	memset(w, 0, sizeof(*w));
	w->sc = sc;
	w->owner = -1;   /* a descriptor: "none" is -1 (docs/ownership.md) */
	world_choose_firewall(w, BACKEND_NFT, NULL);
	for (unsigned i = 0; i < sc->nnetns; i++)
		w->ns[i].fd = w->ns[i].ioctl_fd = -1;
	ret = make_namespaces(w, fds, err, errlen);
	for (unsigned i = 0; i < sc->nnetns && ret; i++)
		fds[i] = -1;
	for (unsigned i = 0; i < sc->nnetns; i++) {
		w->nns = i + 1;
		if (fds[i] < 0)
			continue;   /* a script makes it (world_bind), or an earlier one failed */
		if (ret) {
			close(fds[i]);
			continue;
		}
		ret = ns_open(&w->ns[i], fds[i], sc->netns[i].name, err, errlen);
		/* lo is ifindex 1 in every namespace; bringing it up is part of making a namespace usable. */
		if (ret == 0 &&
		    (ret = nl_talk(&w->ns[i].rtnl, rtnl_msg_link_set(w->buf, 1, true), NULL, NULL, msg, sizeof(msg))))
			snprintf(err, errlen, "cannot bring lo up in namespace '%s': %s", sc->netns[i].name, msg);
	}
	return ret;
}

int world_bind(struct world *w, unsigned ns, int fd, char *msg, size_t msglen)
{
	struct world_ns *wns = &w->ns[ns];
	int ret;

	for (unsigned i = 0; i < w->nns; i++)
		if (w->ns[i].fd >= 0 && sandbox_same_ns(w->ns[i].fd, fd)) {
			snprintf(msg, msglen, "namespace '%s' is namespace '%s' of the world, not one the script made",
				 w->sc->netns[ns].name, w->sc->netns[i].name);
			close(fd);
			return -EEXIST;
		}
	wns->fd = fd;
	ret = netns_run(fd, ns_init, wns);
	if (ret == 0)
		ret = nl_talk(&wns->rtnl, rtnl_msg_link_set(w->buf, 1, true), NULL, NULL, msg, msglen);
	else
		snprintf(msg, msglen, "cannot open sockets in namespace '%s': %s", w->sc->netns[ns].name, strerror(-ret));
	return ret;
}

/* Room for more bytes (and the NUL) at the log's end; the buffer at least doubles, so appending is amortised
 * O(1) however many steps print (copying the whole log per step made 1000 steps of 70 KB take minutes). */
static bool log_reserve(struct world *w, size_t more)
{
	size_t cap = w->programs_cap ? w->programs_cap : 4096;
	char *grown;

	while (cap < w->programs_len + more + 1)
		cap *= 2;
	if (cap == w->programs_cap)
		return true;
	grown = realloc(w->programs_log, cap);
	if (!grown)
		return false;   /* the log is evidence, not the verdict: what does not fit is left out */
	w->programs_log = grown;
	w->programs_cap = cap;
	return true;
}

void world_log_output(struct world *w, const struct step *st, const char *output)
{
	size_t out_len = strlen(output);
	bool newline = out_len && output[out_len - 1] != '\n';
	int head = snprintf(NULL, 0, "%s:%u: %s\n", st->loc.file, st->loc.line, st->text);

	if (head < 0 || !log_reserve(w, (size_t)head + out_len + newline))
		return;
	w->programs_len += (size_t)snprintf(w->programs_log + w->programs_len, (size_t)head + 1, "%s:%u: %s\n",
					    st->loc.file, st->loc.line, st->text);
	memcpy(w->programs_log + w->programs_len, output, out_len);
	w->programs_len += out_len;
	if (newline)
		w->programs_log[w->programs_len++] = '\n';
	w->programs_log[w->programs_len] = '\0';
}

char *world_take_log(struct world *w)
{
	char *log;

	for (unsigned i = 0; i < w->nservices; i++) {
		char *out = sandbox_service_take_output(w->services[i].run);

		if (out)
			world_log_output(w, w->services[i].st, out);
		free(out);
	}
	log = w->programs_log;

	w->programs_log = NULL;
	w->programs_len = w->programs_cap = 0;
	return log;
}

void world_choose_firewall(struct world *w, enum backend b, const struct iptables_tools *tools)
{
	firewall_choose(&w->fw, w->sc, b, tools);
}

void world_destroy(struct world *w)
{
	if (!w)
		return;
	for (unsigned i = 0; i < w->nservices; i++)
		sandbox_service_stop(w->services[i].run);   /* before their namespaces go */
	w->nservices = 0;
	free(world_take_log(w));
	for (unsigned i = 0; i < w->nlisteners; i++)
		listener_close(w->listeners[i]);
	w->nlisteners = 0;
	firewall_release(&w->fw);
	for (unsigned i = 0; i < w->nns; i++) {
		capture_nflog_forget(w->ns[i].fd);
		nl_close(&w->ns[i].rtnl);
		if (w->ns[i].ioctl_fd >= 0)
			close(w->ns[i].ioctl_fd);
		if (w->ns[i].fd >= 0)
			close(w->ns[i].fd);
	}
	w->nns = 0;
	if (w->owner >= 0)
		close(w->owner);
	w->owner = -1;
}

int world_ifindex(struct world *w, unsigned ns, const char *name)
{
	struct link_state st;
	int ret = link_state_read(&w->ns[ns].rtnl, name, 0, NULL, &st);

	return ret ? ret : st.ifindex;
}
