/* spawn.c — a child process waited for on its pidfd, with a deadline, never with sleep. */
#define _GNU_SOURCE
#include "harness/vm/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child: the fds in place (-1: /dev/null), then the program; 127 when it cannot run, which the
 * parent reads as "could not be started". */
static void child(char *const argv[], int in_fd, int out_fd, int err_fd)
{
	int fds[3] = { in_fd, out_fd, err_fd };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	for (int i = 0; i < 3; i++)
		if (dup2(fds[i] >= 0 ? fds[i] : null, i) < 0)
			_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static enum spawn_end wait_pidfd(pid_t pid, int pidfd, msec_t deadline, int *status)
{
	enum spawn_end end = SPAWN_EXITED;

	for (;;) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		int left = deadline_left(deadline);
		int r = left > 0 ? poll(&p, 1, left) : 0;

		if (r > 0)
			break;
		if (r < 0 && errno == EINTR && !clock_interrupted())
			continue;
		end = clock_interrupted() ? SPAWN_INTERRUPTED : SPAWN_DEADLINE;
		kill(pid, SIGKILL);
		break;
	}
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return end;
}

enum spawn_end spawn_wait(char *const argv[], int in_fd, int out_fd, int err_fd, msec_t deadline, int *status,
			  char *err, size_t errlen)
{
	pid_t pid = fork();
	int pidfd;
	enum spawn_end end;

	if (pid < 0) {
		snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(errno));
		return SPAWN_FAILED;
	}
	if (pid == 0)
		child(argv, in_fd, out_fd, err_fd);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		/* Without pidfds (before Linux 5.3) the child cannot be waited for with a deadline: end it. */
		snprintf(err, errlen, "cannot wait for %s: pidfd_open: %s", argv[0], strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, status, 0);
		return SPAWN_FAILED;
	}
	end = wait_pidfd(pid, pidfd, deadline, status);
	close(pidfd);
	if (end == SPAWN_EXITED && WIFEXITED(*status) && WEXITSTATUS(*status) == 127) {
		snprintf(err, errlen, "cannot run %s (is it installed?)", argv[0]);
		return SPAWN_FAILED;
	}
	return end;
}

int spawn_ok(char *const argv[], int in_fd, int out_fd, msec_t deadline, char *err, size_t errlen)
{
	FILE *errf = tmpfile();
	int status = 0;
	enum spawn_end end = spawn_wait(argv, in_fd, out_fd, errf ? fileno(errf) : -1, deadline, &status, err, errlen);
	char line[256] = "", last[256] = "";

	if (end == SPAWN_EXITED && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (errf)
			fclose(errf);
		return 0;
	}
	if (errf) {
		rewind(errf);
		while (fgets(line, sizeof(line), errf))
			if (line[0] != '\n')
				snprintf(last, sizeof(last), "%.*s", (int)strcspn(line, "\n"), line);
		fclose(errf);
	}
	if (end == SPAWN_DEADLINE)
		snprintf(err, errlen, "%s did not finish in time", argv[0]);
	else if (end == SPAWN_INTERRUPTED)
		snprintf(err, errlen, "%s was interrupted", argv[0]);
	else if (end == SPAWN_EXITED)
		snprintf(err, errlen, "%s failed (status %d)%s%s", argv[0],
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), last[0] ? ": " : "", last);
	return -1;
}
