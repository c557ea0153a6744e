/* sandbox_keeper.c — the forked side of the sandbox: the keeper process and the program it runs.
 *
 * Everything here runs in the child of a fork from a multi-threaded process, so until execve it uses only
 * system calls and async-signal-safe functions: no malloc, no stdio, no formatting. */
#define _GNU_SOURCE
#include "harness/sandbox/sandbox_keeper.h"
#include "harness/scenario/model.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { REPORT_FD = 3 };   /* where the keeper keeps its report socket once it has tidied its fds */

static void send_report(int sock, const struct keeper_report *rep, const int *fds, unsigned nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_NETNS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)rep, .iov_len = sizeof(*rep) };
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

static void __attribute__((noreturn)) setup_failed(int sock, enum keeper_step step)
{
	struct keeper_report rep = { .err = errno, .step = step };

	send_report(sock, &rep, NULL, 0);
	_exit(125);
}

/* stdin from /dev/null, stdout and stderr to the pipe, the report socket at REPORT_FD, and nothing else:
 * the caller's other descriptors (other worlds' namespaces, their pipes) must not live on in here. */
static void tidy_fds(const struct keeper_plan *p)
{
	int null = open("/dev/null", O_RDONLY);

	if (null >= 0 && null != STDIN_FILENO)
		dup2(null, STDIN_FILENO);
	dup2(p->out_fd, STDOUT_FILENO);
	dup2(p->out_fd, STDERR_FILENO);
	if (p->sock != REPORT_FD)
		dup2(p->sock, REPORT_FD);
	close_range(REPORT_FD + 1, ~0U, 0);
}

/* The private mount namespace: nothing mounted here propagates back, /run is an empty tmpfs (so /run/netns,
 * /var/run/netns and /run/xtables.lock are the sandbox's own), and /sys shows this network namespace, as
 * under `ip netns exec` (best effort: the program runs without it). */
static void private_mounts(void)
{
	if (unshare(CLONE_NEWNS))
		setup_failed(REPORT_FD, KEEPER_UNSHARE);
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL))
		setup_failed(REPORT_FD, KEEPER_PRIVATE);
	if (mount("nsharness", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"))
		setup_failed(REPORT_FD, KEEPER_TMPFS);
	if (mkdir("/run/netns", 0755))
		setup_failed(REPORT_FD, KEEPER_MKDIR);
	mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static void write_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = write(fd, s, len);

		if (n <= 0 && errno != EINTR)
			return;
		if (n > 0) {
			s += n;
			len -= (size_t)n;
		}
	}
}

/* The grandchild, init of its own PID namespace, so that nothing it starts (setsid or not) outlives it: a
 * /proc of that namespace (best effort), a clean signal state (exec keeps the mask and ignored signals),
 * then execve along PATH as execvp would.  A program that cannot be run says so on its own output and exits
 * 127 (not found) or 126. */
static void __attribute__((noreturn)) run_program(const struct keeper_plan *p)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int err = ENOENT;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	close(REPORT_FD);
	for (unsigned i = 0; p->exec_paths[i]; i++) {
		execve(p->exec_paths[i], p->argv, p->envp);
		/* EACCES counts only for a file that is there: a PATH folder we may not search (root's, in the
		 * environment of an unprivileged run) says nothing about the program. */
		if (errno == EACCES && access(p->exec_paths[i], F_OK) == 0)
			err = EACCES;
		else if (errno == EACCES)
			continue;
		else if (errno != ENOENT && errno != ENOTDIR && errno != ESTALE) {
			err = errno;
			break;
		}
	}
	write_all(STDERR_FILENO, p->cannot_run);
	write_all(STDERR_FILENO, strerrordesc_np(err) ? strerrordesc_np(err) : "unknown error");
	write_all(STDERR_FILENO, "\n");
	_exit(err == ENOENT ? PROGRAM_NOT_FOUND : 126);
}

/* Opens what the program left in /run/netns before the sandbox, and its mounts, go away. */
static unsigned collect(const struct keeper_plan *p, int *fds, uint64_t *present)
{
	unsigned n = 0;

	*present = 0;
	for (unsigned i = 0; p->collect_paths && p->collect_paths[i] && i < MAX_NETNS; i++) {
		int fd = open(p->collect_paths[i], O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			fds[n++] = fd;
			*present |= 1ull << i;
		}
	}
	return n;
}

void keeper_main(const struct keeper_plan *p)
{
	struct keeper_report rep = { .step = KEEPER_RAN };
	int fds[MAX_NETNS], status;
	unsigned nfds;
	pid_t pid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != p->caller)
		_exit(125);   /* the caller is already gone */
	if (setns(p->nsfd, CLONE_NEWNET))
		setup_failed(p->sock, KEEPER_SETNS);
	tidy_fds(p);
	private_mounts();
	if (unshare(CLONE_NEWPID))
		setup_failed(REPORT_FD, KEEPER_PIDNS);
	if (setsid() < 0)
		setup_failed(REPORT_FD, KEEPER_SETSID);
	pid = fork();
	if (pid < 0)
		setup_failed(REPORT_FD, KEEPER_FORK);
	if (pid == 0)
		run_program(p);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(125);
	nfds = collect(p, fds, &rep.present);
	rep.wstatus = status;
	send_report(REPORT_FD, &rep, fds, nfds);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}
