/* sandbox_keeper.c — the forked side of the sandbox: the keeper process, which builds the sandbox's mounts,
 * starts its init (sandbox_init.c), and collects the namespaces the program made.
 *
 * Everything here runs in the child of a fork from a multi-threaded process, so it uses only system calls
 * and async-signal-safe functions: no malloc, no stdio, no formatting. */
#define _GNU_SOURCE
#include "harness/sandbox/sandbox_keeper.h"
#include "harness/scenario/model.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { HIGH_FD = 16 };   /* where descriptors wait while the low ones are laid out */

/* dup2 that says whether it worked (it can fail: EMFILE, EINTR). */
static bool move_fd(int from, int to)
{
	while (dup2(from, to) < 0)
		if (errno != EINTR)
			return false;
	return true;
}

/* stdin from /dev/null, stdout and stderr to the pipe, the report socket, the user namespace and the script
 * at their fixed numbers, and nothing else: the caller's other descriptors (other worlds' namespaces, their
 * pipes) must not live on in here. */
static void tidy_fds(const struct keeper_plan *p)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int sock = fcntl(p->sock, F_DUPFD, HIGH_FD), userns = fcntl(p->userns, F_DUPFD, HIGH_FD);
	int script = p->script_fd >= 0 ? fcntl(p->script_fd, F_DUPFD, HIGH_FD) : -1;

	if (null < 0 || sock < 0 || userns < 0 || (p->script_fd >= 0 && script < 0))
		keeper_setup_failed(p->sock, KEEPER_FDS);
	if (!move_fd(null, STDIN_FILENO) || !move_fd(p->out_fd, STDOUT_FILENO) || !move_fd(p->out_fd, STDERR_FILENO) ||
	    !move_fd(sock, REPORT_FD) || !move_fd(userns, USERNS_FD) || (script >= 0 && !move_fd(script, SCRIPT_FD)))
		keeper_setup_failed(p->sock, KEEPER_FDS);
	if (close_range(script >= 0 ? SCRIPT_FD + 1 : USERNS_FD + 1, ~0U, 0))
		keeper_setup_failed(REPORT_FD, KEEPER_FDS);
}

static int mount_setattr_call(const char *path, unsigned flags, struct mount_attr *attr)
{
	return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, flags, attr, sizeof(*attr));
}

/* The world's namespaces by name: each bound on /run/netns/NAME from the caller's descriptor, as `ip netns
 * add` binds the one it makes, so `ip netns exec NAME` and `ip -n NAME` find them.  (The descriptors are
 * still open: this runs before tidy_fds closes the caller's.) */
static void bind_visible(const struct keeper_plan *p, int sock)
{
	char fdpath[32] = "/proc/self/fd/";

	for (unsigned i = 0; p->visible_paths && p->visible_paths[i]; i++) {
		int fd = open(p->visible_paths[i], O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444), at = 14;
		char digits[12];
		int len = 0;

		if (fd < 0)
			keeper_setup_failed(sock, KEEPER_BIND);
		close(fd);
		for (unsigned v = (unsigned)p->visible_fds[i]; !len || v; v /= 10)
			digits[len++] = (char)('0' + v % 10);
		while (len)
			fdpath[at++] = digits[--len];
		fdpath[at] = '\0';
		if (mount(fdpath, p->visible_paths[i], NULL, MS_BIND, NULL))
			keeper_setup_failed(sock, KEEPER_BIND);
	}
}

/* The private mount namespace: nothing mounted here propagates back; every host mount read-only and without
 * set-user-ID; /run, /tmp, /var/tmp and /dev/shm empty tmpfs owned by the sandbox's root (so /run/netns,
 * /run/xtables.lock and temporary files are the sandbox's own); /run/netns holds the world's namespaces by
 * name; /sys shows this network namespace, as under `ip netns exec` (best effort, as are /var/tmp and
 * /dev/shm: the program runs without them).  Failures are reported on sock. */
static void private_mounts(const struct keeper_plan *p, int sock)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID };

	if (unshare(CLONE_NEWNS))
		keeper_setup_failed(sock, KEEPER_UNSHARE);
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
		keeper_setup_failed(sock, KEEPER_PRIVATE);
	if (mount_setattr_call("/", AT_RECURSIVE, &ro))
		keeper_setup_failed(sock, KEEPER_READONLY);
	if (mount("nsharness", "/run", "tmpfs", MS_NOSUID | MS_NODEV, p->run_opts) ||
	    mount("nsharness", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, p->tmp_opts))
		keeper_setup_failed(sock, KEEPER_TMPFS);
	mount("nsharness", "/var/tmp", "tmpfs", MS_NOSUID | MS_NODEV, p->tmp_opts);
	mount("nsharness", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, p->tmp_opts);
	if (mkdir("/run/netns", 0755) || chown("/run/netns", p->owner_uid, p->owner_gid))
		keeper_setup_failed(sock, KEEPER_MKDIR);
	bind_visible(p, sock);
	mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static int open_no_links(const char *path, unsigned long flags)
{
	struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

/* path, opened only when it is a namespace file reached without a link: a program could have put a FIFO, a
 * device or a link to anything there.  -1 otherwise.  (Nothing can change the mounts between the two opens:
 * every process of the sandbox is gone.) */
static int open_namespace(const char *path)
{
	int fd = open_no_links(path, O_PATH);
	struct statfs fs;

	if (fd < 0)
		return -1;
	if (fstatfs(fd, &fs) || fs.f_type != NSFS_MAGIC) {
		close(fd);
		return -1;
	}
	close(fd);
	return open_no_links(path, O_RDONLY | O_NONBLOCK);
}

/* Opens, inside the program's mount namespace mnt, what the program left in /run/netns, before its mounts go
 * away with the keeper.  The caller checks who owns each. */
static unsigned collect(const struct keeper_plan *p, int mnt, int *fds, uint64_t *present)
{
	unsigned n = 0;

	*present = 0;
	if (mnt < 0 || setns(mnt, CLONE_NEWNS))
		return 0;
	for (unsigned i = 0; p->collect_paths && p->collect_paths[i] && i < MAX_NETNS; i++) {
		int fd = open_namespace(p->collect_paths[i]);

		if (fd >= 0) {
			fds[n++] = fd;
			*present |= 1ull << i;
		}
	}
	return n;
}

/* One message from the init: its mount namespace (fd in *fd) or the program's wait status.  False at the end
 * of the socket (the init died or failed first). */
static bool from_init(int link, int32_t *value, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = value, .iov_len = sizeof(*value) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;

	while ((n = recvmsg(link, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (fd && c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n == (ssize_t)sizeof(*value);
}

/* Starts the init, and returns its pid; *link is the keeper's end of the socket to it. */
static pid_t start_init(const struct keeper_plan *p, int *link)
{
	int death[2], sv[2];
	pid_t pid;

	if (pipe2(death, O_CLOEXEC) || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		keeper_setup_failed(REPORT_FD, KEEPER_CHANNEL);
	pid = fork();
	if (pid < 0)
		keeper_setup_failed(REPORT_FD, KEEPER_FORK);
	if (pid == 0) {
		close(death[1]);
		close(sv[0]);
		sandbox_init_main(p, death[0], sv[1]);
	}
	close(death[0]);   /* death[1] stays open here until the keeper dies: the init watches it */
	close(sv[1]);
	*link = sv[0];
	return pid;
}

void keeper_main(const struct keeper_plan *p)
{
	struct keeper_report rep = { .step = KEEPER_RAN };
	int fds[MAX_NETNS], status = 0, link, mnt = -1;
	int32_t value;
	bool ran = false;
	unsigned nfds;
	pid_t pid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != p->caller)
		_exit(125);   /* the caller is already gone */
	if (setns(p->nsfd, CLONE_NEWNET))
		keeper_setup_failed(p->sock, KEEPER_SETNS);
	private_mounts(p, p->sock);
	tidy_fds(p);
	if (unshare(CLONE_NEWPID))
		keeper_setup_failed(REPORT_FD, KEEPER_PIDNS);
	if (setsid() < 0)
		keeper_setup_failed(REPORT_FD, KEEPER_SETSID);
	pid = start_init(p, &link);
	if (from_init(link, &value, &mnt) && mnt >= 0)
		ran = from_init(link, &rep.wstatus, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(125);
	if (!ran)
		rep.wstatus = status;   /* the init failed (it reported why) or was killed */
	nfds = ran ? collect(p, mnt, fds, &rep.present) : 0;
	keeper_send(REPORT_FD, &rep, sizeof(rep), fds, nfds);
	status = rep.wstatus;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}
