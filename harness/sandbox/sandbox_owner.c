/* sandbox_owner.c — making a sandbox user namespace and network namespaces it owns, in a short-lived child
 * (a process with threads may not join or create a user namespace; a child of fork has one thread). */
#define _GNU_SOURCE
#include "harness/base/netns.h"
#include "harness/sandbox/sandbox_owner.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whether this process sees every uid as itself: the machine's initial user namespace. */
static bool in_initial_userns(void)
{
	char buf[128];
	unsigned long inner, outer, count;
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return sscanf(buf, "%lu %lu %lu", &inner, &outer, &count) == 3 && inner == 0 && outer == 0 &&
	       count == 4294967295ul;
}

void sandbox_owner_ids(uid_t *uid, gid_t *gid)
{
	bool initial = in_initial_userns();

	*uid = initial ? SANDBOX_ID : getuid();
	*gid = initial ? SANDBOX_ID : getgid();
}

/* Maps root of child's user namespace to the sandbox ids, and opens it. */
static int map_and_open(pid_t child)
{
	char path[64], map[64];
	uid_t uid;
	gid_t gid;
	int ret, fd;

	sandbox_owner_ids(&uid, &gid);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)child);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	ret = proc_write(path, map);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)child);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (ret == 0)
		ret = proc_write(path, map);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)child);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* In a child: keeps a at fd 3 and b (unless -1) at fd 4, and closes every other descriptor above stderr.
 * Children of concurrent callers inherit each other's pipe ends: one kept open here would keep another
 * child from ever seeing its end of file. */
static void keep_only(int a, int b)
{
	int ha = fcntl(a, F_DUPFD, 10), hb = b >= 0 ? fcntl(b, F_DUPFD, 10) : -1;

	if (ha < 0 || dup2(ha, 3) < 0 || (b >= 0 && (hb < 0 || dup2(hb, 4) < 0)) ||
	    close_range(b >= 0 ? 5 : 4, ~0U, 0))
		_exit(1);
}

/* One namespace's fd (or, with fd < 0, the errno that stopped the child) as one message. */
static void send_fd(int sock, int fd, int err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &err, .iov_len = sizeof(err) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &fd, sizeof(int));
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

/* One message from the child: the namespace's fd, or -errno. */
static int receive_fd(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	int err = 0, fd = -1;
	struct iovec iov = { .iov_base = &err, .iov_len = sizeof(err) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t got;

	while ((got = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof(err))
		return got < 0 ? -errno : -EPROTO;
	c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd >= 0 ? fd : -(err ? err : EPROTO);
}

/* The child of sandbox_owner_world: a user namespace; once the parent has mapped it (a byte on go), n network
 * namespaces it owns, each sent as it is made; then it stays until the parent closes go.  The map comes first:
 * a network namespace gives its /proc/net files (ip_tables_names, ...) to root of its user namespace when
 * it is made, and made unmapped they stay the host root's, which a program in the sandbox cannot read. */
static void __attribute__((noreturn)) world_child(int sock, int go, unsigned n)
{
	char c;

	keep_only(sock, go);
	sock = 3;
	go = 4;
	c = unshare(CLONE_NEWUSER) ? 'e' : 'u';
	if (write(sock, &c, 1) != 1 || c != 'u')
		_exit(1);
	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	if (c != 'g')
		_exit(1);   /* the parent could not map it */
	for (unsigned i = 0; i < n; i++) {
		int fd = unshare(CLONE_NEWNET) ? -1 : open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

		send_fd(sock, fd, fd < 0 ? errno : 0);
		if (fd < 0)
			_exit(1);
		close(fd);
	}
	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

int sandbox_owner_world(unsigned n, int *fds, bool *userns_made)
{
	int sv[2], go[2], ret = 0, status, userns = -1;
	unsigned got = 0;
	pid_t pid;
	char c = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	if (pipe2(go, O_CLOEXEC)) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(go[1]);
		world_child(sv[1], go[0], n);
	}
	close(sv[1]);
	close(go[0]);
	if (pid < 0)
		ret = -errno;
	else if (read(sv[0], &c, 1) != 1 || c != 'u')
		ret = -EPERM;   /* the kernel refused a user namespace */
	if (ret == 0 && (userns = map_and_open(pid)) < 0)
		ret = userns;
	*userns_made = ret == 0;
	c = 'g';
	if (ret == 0 && write(go[1], &c, 1) != 1)
		ret = -errno;
	for (; ret == 0 && got < n; got++)
		if ((fds[got] = receive_fd(sv[0])) < 0)
			ret = fds[got];
	close(go[1]);   /* the child ends */
	close(sv[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (unsigned i = 0; ret && i < got; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (ret && userns >= 0)
		close(userns);
	return ret ? ret : userns;
}

bool sandbox_same_ns(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

bool sandbox_owned_by(int nsfd, int userns)
{
	int owner = ioctl(nsfd, NS_GET_USERNS);
	bool same = owner >= 0 && sandbox_same_ns(owner, userns);

	if (owner >= 0)
		close(owner);
	return same;
}
