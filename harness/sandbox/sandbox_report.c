/* sandbox_report.c — what the sandbox's forked processes (the keeper, the sandbox's init) tell the caller
 * over their socket: a report, with descriptors.  Async-signal-safe: both run after a fork from a
 * multi-threaded process. */
#define _GNU_SOURCE
#include "harness/sandbox/sandbox_keeper.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void keeper_send(int sock, const void *msg, size_t len, const int *fds, unsigned nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_NETNS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

void keeper_setup_failed(int sock, enum keeper_step step)
{
	struct keeper_report rep = { .err = errno, .step = step };

	keeper_send(sock, &rep, sizeof(rep), NULL, 0);
	_exit(125);
}
