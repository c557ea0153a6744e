/* service.c — the service step's runner: start the daemon in the sandbox, and wait until the kernel's socket
 * table in its namespace shows its listening socket. */
#define _GNU_SOURCE
#include "harness/world/service.h"
#include "harness/sandbox/sandbox_service.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How often the socket table is read while waiting: the kernel sends no event when a socket starts to
 * listen, so the wait is on the service's end (an event) with this bound between two readings. */
#define READY_POLL_MS 10

unsigned world_named_namespaces(const struct world *w, struct sandbox_netns *v)
{
	unsigned n = 0;

	for (unsigned i = 0; i < w->nns && n < MAX_NETNS; i++)
		if (w->ns[i].fd >= 0)
			v[n++] = (struct sandbox_netns){ .name = w->sc->netns[i].name, .fd = w->ns[i].fd };
	return n;
}

struct listen_match {
	uint16_t port;                  /* host order */
	bool found;
};

static int on_socket(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct listen_match *lm = data;

	if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY && mnl_nlmsg_get_payload_len(nlh) >= sizeof(*m) &&
	    ntohs(m->id.idiag_sport) == lm->port)
		lm->found = true;
	return MNL_CB_OK;
}

/* Whether a socket of proto listens on port in the namespace of nl: a TCP socket in LISTEN, or a UDP socket
 * bound to it (unconnected: state CLOSE), of either family.  Reads the kernel's table (inet_diag). */
static bool listening(struct nl *nl, int proto, uint16_t port, char *buf)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct listen_match lm = { .port = port };
	char msg[NL_MSG_LEN];

	for (unsigned i = 0; i < 2 && !lm.found; i++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		struct inet_diag_req_v2 *req;

		nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
		req->sdiag_family = (uint8_t)families[i];
		req->sdiag_protocol = (uint8_t)proto;
		req->idiag_states = proto == IPPROTO_TCP ? 1u << TCP_LISTEN : 1u << TCP_CLOSE;
		if (nl_talk(nl, nlh, on_socket, &lm, msg, sizeof(msg)))
			return false;
	}
	return lm.found;
}

/* How the service ended before it was ready, in msg: -ENOPKG for a program not found, else -ECANCELED. */
static int ended_early(struct sandbox_service *svc, const struct step *st, char *msg, size_t msglen)
{
	const struct sandbox_result *r = NULL;
	const char *reason = "";
	char line[256] = "";

	sandbox_service_ended(svc, &r, &reason);
	if (!r) {
		snprintf(msg, msglen, "%s", reason);
		return -ECANCELED;
	}
	if (r->output)
		sandbox_last_line(r->output, line, sizeof(line));
	if (r->status == PROGRAM_NOT_FOUND) {
		snprintf(msg, msglen, "a program is missing (exit status 127): %s", line);
		return -ENOPKG;
	}
	if (r->signal)
		snprintf(msg, msglen, "the service was killed by signal %d before it was ready%s%s", r->signal,
			 line[0] ? ": " : "", line);
	else if (r->status == 0)
		/* A daemon that forks into the background and returns: its sandbox ends with the program. */
		snprintf(msg, msglen, "the service exited with status 0 before it %s: a service must stay in the "
			 "foreground (its sandbox ends when the program does)%s%s",
			 st->u.service.ready_proto ? "listened" : "was ready", line[0] ? ": " : "", line);
	else
		snprintf(msg, msglen, "the service exited with status %d before it %s%s%s", r->status,
			 st->u.service.ready_proto ? "listened" : "was ready", line[0] ? ": " : "", line);
	return -ECANCELED;
}

/* Waits until the service's socket listens (0), it ends (its error), or wait_ms pass (-ETIMEDOUT). */
static int wait_ready(struct world *w, struct sandbox_service *svc, const struct step *st, unsigned wait_ms,
		      char *msg, size_t msglen)
{
	struct pollfd pfd = { .fd = sandbox_service_ended_fd(svc), .events = POLLIN };
	msec_t deadline = deadline_after(wait_ms);
	struct nl diag;
	int ret = nl_open(&diag, w->ns[st->ns].fd, NETLINK_SOCK_DIAG, 0);

	if (ret) {
		snprintf(msg, msglen, "cannot read the socket table of '%s': %s", w->sc->netns[st->ns].name,
			 strerror(-ret));
		return ret;
	}
	for (;;) {
		int left = deadline_left(deadline);

		if (sandbox_service_ended(svc, NULL, NULL)) {
			ret = ended_early(svc, st, msg, msglen);
			break;
		}
		if (listening(&diag, st->u.service.ready_proto, st->u.service.ready_port, w->buf)) {
			ret = 0;
			break;
		}
		if (left == 0) {
			snprintf(msg, msglen, "nothing listens on %s port %u in '%s' after %u ms: the service never became ready",
				 st->u.service.ready_proto == IPPROTO_TCP ? "tcp" : "udp", st->u.service.ready_port,
				 w->sc->netns[st->ns].name, wait_ms);
			ret = -ETIMEDOUT;
			break;
		}
		poll(&pfd, 1, left < READY_POLL_MS ? left : READY_POLL_MS);
	}
	nl_close(&diag);
	return ret;
}

/* Stops a service that will not serve, keeping what it printed. */
static void give_up(struct world *w, const struct step *st, struct sandbox_service *svc)
{
	char *out = sandbox_service_take_output(svc);

	world_log_output(w, st, out ? out : "");
	free(out);
	sandbox_service_stop(svc);
}

int service_start(struct world *w, const struct step *st, char *msg, size_t msglen)
{
	struct sandbox_netns visible[MAX_NETNS];
	struct sandbox_run run = {
		.nsfd = w->ns[st->ns].fd, .argv = st->u.service.argv,
		/* A service lives until the world ends: only the scenario's deadline bounds it. */
		.timeout_ms = wait_within(UINT32_MAX, w->deadline),
		.visible = visible, .nvisible = world_named_namespaces(w, visible),
	};
	unsigned wait_ms = wait_within(w->waits.program_ms, w->deadline);
	struct sandbox_service *svc;
	int ret;

	if (w->nservices == MAX_SERVICES) {
		snprintf(msg, msglen, "more than %d services in one scenario", MAX_SERVICES);
		return -ENOSPC;
	}
	ret = sandbox_service_start(&run, &svc, msg, msglen);
	if (ret)
		return ret;
	ret = st->u.service.ready_proto ? wait_ready(w, svc, st, wait_ms, msg, msglen) : 0;
	if (ret == 0 && sandbox_service_ended(svc, NULL, NULL))
		ret = ended_early(svc, st, msg, msglen);
	if (ret) {
		give_up(w, st, svc);
		return ret;
	}
	w->services[w->nservices++] = (struct world_service){ .run = svc, .st = st };
	return 0;
}
