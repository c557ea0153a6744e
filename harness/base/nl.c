/* nl.c — netlink exchanges with extended acks, on sockets opened inside a namespace. */
#include "harness/base/nl.h"
#include "harness/base/clock.h"
#include "harness/base/netns.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The kernel answers a netlink request while handling it: this bound only catches a lost answer, so it is
 * the same on every kernel and not one of the run's scaled waits (clock.h). */
#define NL_TIMEOUT_MS 5000
#define NL_RECV_SIZE 32768   /* as iproute2: room for the largest link message in a dump */

struct open_args {
	struct nl *nl;
	int bus;
	unsigned groups;
};

static int open_in_ns(void *p)
{
	struct open_args *a = p;
	struct mnl_socket *s = mnl_socket_open2(a->bus, SOCK_CLOEXEC);
	int one = 1;

	if (!s)
		return -errno;
	mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(s, a->groups, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(s);
		return err;
	}
	a->nl->sock = s;
	return 0;
}

static int finish_open(struct nl *nl, int err)
{
	if (err)
		return err;
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = 1;
	return 0;
}

int nl_open(struct nl *nl, int nsfd, int bus, unsigned groups)
{
	struct open_args a = { nl, bus, groups };

	memset(nl, 0, sizeof(*nl));
	return finish_open(nl, netns_run(nsfd, open_in_ns, &a));
}

int nl_open_here(struct nl *nl, int bus, unsigned groups)
{
	struct open_args a = { nl, bus, groups };

	memset(nl, 0, sizeof(*nl));
	return finish_open(nl, open_in_ns(&a));
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

static int ext_ack_attr(const struct nlattr *attr, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

int nl_parse_error(const struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *text = NULL;
	unsigned off = sizeof(*e);

	if (msglen)
		msg[0] = '\0';
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && mnl_nlmsg_size(off) <= nlh->nlmsg_len)
		mnl_attr_parse(nlh, off, ext_ack_attr, &text);
	if (text && msglen)
		snprintf(msg, msglen, "%s", text);
	return e->error;
}

/* libmnl hands the same data pointer to the data and the control callbacks, so the exchange's own state
 * travels with the caller's callback and data, and on_data forwards. */
struct talk {
	uint32_t seq;             /* answers to anything else (a late answer to an earlier, timed-out request) are skipped */
	mnl_cb_t cb;
	void *data;
	char *msg;
	size_t msglen;
	int error;
	int done;
};

static int on_data(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	if (nlh->nlmsg_seq != t->seq)
		return MNL_CB_OK;
	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static int on_error(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	if (nlh->nlmsg_seq != t->seq)
		return MNL_CB_OK;
	t->error = nl_parse_error(nlh, t->msg, t->msglen);
	t->done = 1;
	return MNL_CB_STOP;
}

static int on_done(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	if (nlh->nlmsg_seq != t->seq)
		return MNL_CB_OK;
	t->done = 1;
	return MNL_CB_STOP;
}

static int on_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, char *msg, size_t msglen)
{
	/* libmnl skips the default callback for every type below the ctl array's length, so DONE must be there. */
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = on_noop, [NLMSG_ERROR] = on_error, [NLMSG_DONE] = on_done, [NLMSG_OVERRUN] = on_noop,
	};
	char buf[NL_RECV_SIZE];
	struct talk t = { nl->seq, cb, data, msg, msglen, 0, 0 };
	msec_t deadline = deadline_after(NL_TIMEOUT_MS);
	int fd = mnl_socket_get_fd(nl->sock);

	nlh->nlmsg_seq = nl->seq++;
	if (msglen)
		msg[0] = '\0';
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		goto fail_errno;
	while (!t.done) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n = poll(&pfd, 1, deadline_left(deadline));

		if (n == 0) {
			errno = ETIMEDOUT;
			goto fail_errno;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail_errno;
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			goto fail_errno;
		n = mnl_cb_run2(buf, n, 0, nl->portid, on_data, &t, ctl, NLMSG_MIN_TYPE);
		if (n < 0 && !t.done)
			goto fail_errno;
		/* A plain GET with NLM_F_ACK answers data then ack; without a dump there is no DONE. */
	}
	if (t.error && msglen && !msg[0])
		snprintf(msg, msglen, "%s", strerror(-t.error));
	return t.error;
fail_errno:
	t.error = -errno;
	if (msglen)
		snprintf(msg, msglen, "%s", strerror(-t.error));
	return t.error;
}

int nl_receive(struct nl *nl, msec_t deadline, int (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg)
{
	char buf[NL_RECV_SIZE];
	int fd = mnl_socket_get_fd(nl->sock), done = 0;

	while (!done) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int left, got = poll(&pfd, 1, deadline_left(deadline));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

		if (got == 0)
			return -ETIMEDOUT;
		if (got < 0 && errno == EINTR)
			continue;
		left = got < 0 ? -1 : (int)mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (left < 0)
			return -errno;
		for (; !done && mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
			if (nlh->nlmsg_pid == nl->portid)
				done = fn(nlh, arg);
	}
	return 0;
}

/* The answers to a batch: counts its acks down, keeping the first refusal. */
struct batch_acks {
	unsigned left;
	int first;
	const char *what;
	char *err;
	size_t errlen;
};

static int on_batch_ack(const struct nlmsghdr *h, void *arg)
{
	struct batch_acks *a = arg;
	char msg[NL_MSG_LEN];
	int ret;

	if (h->nlmsg_type != NLMSG_ERROR)
		return 0;
	ret = nl_parse_error(h, msg, sizeof(msg));
	if (ret && !a->first) {
		a->first = ret;
		snprintf(a->err, a->errlen, "%s: %s", a->what, msg[0] ? msg : strerror(-ret));
	}
	return --a->left == 0;
}

int nl_batch_talk(struct nl *nl, const void *buf, size_t len, unsigned acks, msec_t deadline, const char *what,
		  char *err, size_t errlen)
{
	struct batch_acks a = { .left = acks, .what = what, .err = err, .errlen = errlen };
	int ret;

	if (mnl_socket_sendto(nl->sock, buf, len) < 0)
		return -errno;
	ret = acks ? nl_receive(nl, deadline, on_batch_ack, &a) : 0;
	return ret ? ret : a.first;
}
