/* sandbox_init.c — the sandbox's init: the first process of its PID namespace, which confines itself and
 * runs the program as its child.
 *
 * The init is nsharness's code, never the program's: it holds the sandbox together (when it ends, the kernel
 * kills every process of the PID namespace), so a program cannot undo the "die with nsharness" it was set up
 * with.  It runs in the child of a fork from a multi-threaded process: system calls and async-signal-safe
 * functions only until execve. */
#define _GNU_SOURCE
#include "harness/sandbox/sandbox_keeper.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* The program: a clean signal state (exec keeps the mask and ignored signals), only stdio and the script
 * open, then execve along PATH as execvp would.  A program that cannot be run says so on its own output and
 * exits 127 (not found) or 126. */
static void __attribute__((noreturn)) run_program(const struct keeper_plan *p)
{
	sigset_t none;
	int err = ENOENT;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close(REPORT_FD);
	close(USERNS_FD);
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

/* Every signal back to its default: nsharness's handlers came along with the fork, and an init without a
 * handler is deaf to every signal its namespace's processes send it. */
static void default_signals(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
}

/* Joins the sandbox user namespace and makes a mount namespace there: every mount the keeper made becomes
 * locked (a less privileged namespace cannot unmount, or make writable, what it was handed).  Then sends
 * that mount namespace to the keeper, which collects from it. */
static void confine(const struct keeper_plan *p, int link)
{
	int mnt;

	if (setns(USERNS_FD, CLONE_NEWUSER))
		keeper_setup_failed(REPORT_FD, KEEPER_USERNS);
	if (unshare(CLONE_NEWNS))
		keeper_setup_failed(REPORT_FD, KEEPER_LOCK);
	mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (mnt < 0)
		keeper_setup_failed(REPORT_FD, KEEPER_LOCK);
	keeper_send(link, &(int32_t){ 0 }, sizeof(int32_t), &mnt, 1);
	close(mnt);
	/* Root of the user namespace: no host id, and none of the host's supplementary groups (where a parent
	 * user namespace denies setgroups, as in a rootless run, there are none to drop). */
	if (setgroups(0, NULL) && (p->drop_groups || errno != EPERM))
		keeper_setup_failed(REPORT_FD, KEEPER_IDS);
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		keeper_setup_failed(REPORT_FD, KEEPER_IDS);
}

/* Whether the keeper is gone: only it holds the pipe's write end open. */
static bool keeper_gone(int death)
{
	struct pollfd pfd = { .fd = death, .events = POLLIN };

	return poll(&pfd, 1, 0) != 0;
}

void sandbox_init_main(const struct keeper_plan *p, int death, int link)
{
	int status = 0;
	pid_t pid, w;

	if (p->pause_ms)
		poll(NULL, 0, (int)p->pause_ms);   /* test hook: the fork window, widened */
	default_signals();
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);   /* best effort */
	confine(p, link);
	/* Changing credentials cleared any parent-death signal: ask for it now, then look whether the keeper
	 * died before we asked (then no signal will come). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (keeper_gone(death))
		_exit(125);
	close(death);
	pid = fork();
	if (pid < 0)
		keeper_setup_failed(REPORT_FD, KEEPER_FORK);
	if (pid == 0)
		run_program(p);
	/* Orphans of the namespace come to the init: reap them until the program itself ends. */
	while ((w = waitpid(-1, &status, 0)) != pid)
		if (w < 0 && errno != EINTR)
			_exit(125);
	keeper_send(link, &(int32_t){ status }, sizeof(int32_t), NULL, 0);
	_exit(0);
}
