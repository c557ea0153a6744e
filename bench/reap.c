/* reap.c — runs a command and times it twice: to its exit, and to the end of every process it left behind.
 *
 * nsharness hands its last socket references to a releaser process (probes/closer.c) so that neither its
 * report nor its exit waits for the kernel's grace periods; that work still has to be done.  bench/compare
 * runs nsharness under this program, a child subreaper (PR_SET_CHILD_SUBREAPER: orphans of the command become
 * its children), so the benchmark can say both when the caller got its answer and when everything the run
 * started had ended.
 *
 * usage: reap OUT COMMAND [ARG]...   appends "EXIT_US ALL_US" to OUT; exits with the command's status */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	long long start, exited = -1;
	int status = 0, wstatus;
	pid_t child, pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: reap OUT COMMAND [ARG]...\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("reap: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	start = now_us();
	child = fork();
	if (child == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (child < 0) {
		perror("reap: fork");
		return 2;
	}
	/* Every descendant ends here: the command, then whatever it left (ECHILD when none is left). */
	while ((pid = wait(&wstatus)) > 0 || errno == EINTR)
		if (pid == child) {
			exited = now_us() - start;
			status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
		}
	out = fopen(argv[1], "a");
	if (!out || fprintf(out, "%lld %lld\n", exited, now_us() - start) < 0 || fclose(out)) {
		perror(argv[1]);
		return 2;
	}
	return status;
}
