/* sandbox.c — the caller's side of the sandbox: start the keeper, read the output, bound it by the deadline,
 * and take the program's status and the namespaces it made (sandbox_keeper.c is the forked side). */
#define _GNU_SOURCE
#include "harness/sandbox/sandbox.h"
#include "harness/base/clock.h"
#include "harness/sandbox/sandbox_keeper.h"
#include "harness/sandbox/sandbox_owner.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	HEAD_MAX = SANDBOX_OUTPUT_MAX / 2,
	MARKER_MAX = 64,
	TAIL_MAX = SANDBOX_OUTPUT_MAX / 2 - MARKER_MAX - 1,   /* room for the marker and the NUL */
	DRAIN_MAX = 4 << 20,      /* read after the keeper is gone, at most: what is left in the pipe */
};

/* The program's output as it came: the first HEAD_MAX bytes, and a ring of the last TAIL_MAX. */
struct outbuf {
	char *head, *ring;
	size_t nhead, ring_pos, nring, total;
};

static const char *const step_words[] = {
	[KEEPER_RAN] = "running",
	[KEEPER_SETNS] = "entering the network namespace",
	[KEEPER_FDS] = "laying out its descriptors",
	[KEEPER_UNSHARE] = "making a mount namespace",
	[KEEPER_PRIVATE] = "making its mounts private",
	[KEEPER_READONLY] = "making the host's mounts read-only",
	[KEEPER_TMPFS] = "mounting a tmpfs on /run and /tmp",
	[KEEPER_MKDIR] = "creating /run/netns",
	[KEEPER_PIDNS] = "making a PID namespace",
	[KEEPER_SETSID] = "starting a session",
	[KEEPER_CHANNEL] = "opening the channel to its init",
	[KEEPER_FORK] = "forking the program",
	[KEEPER_USERNS] = "joining the sandbox user namespace",
	[KEEPER_LOCK] = "making a mount namespace of its own",
	[KEEPER_IDS] = "becoming root of the sandbox user namespace",
	[KEEPER_BIND] = "binding the world's namespaces on /run/netns",
};

static void outbuf_add(struct outbuf *ob, const char *data, size_t len)
{
	size_t take = len < HEAD_MAX - ob->nhead ? len : HEAD_MAX - ob->nhead;

	memcpy(ob->head + ob->nhead, data, take);
	ob->nhead += take;
	ob->total += len;
	for (data += take, len -= take; len; data++, len--) {
		ob->ring[ob->ring_pos] = *data;
		ob->ring_pos = (ob->ring_pos + 1) % TAIL_MAX;
		if (ob->nring < TAIL_MAX)
			ob->nring++;
	}
}

/* One read from the pipe: > 0 bytes kept (and handed to a live program's sink), 0 at end of file, < 0
 * nothing now (or an error: treated as EOF). */
static ssize_t outbuf_read(struct outbuf *ob, int fd, const struct sandbox_live *live)
{
	char chunk[16384];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n > 0)
		outbuf_add(ob, chunk, (size_t)n);
	if (n > 0 && live && live->output)
		live->output(live->ctx, chunk, (size_t)n);
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		n = 0;
	return n;
}

/* The kept output as one string: head, a marker where the middle was dropped, and the tail in order. */
static char *outbuf_finish(struct outbuf *ob)
{
	char *s = malloc(SANDBOX_OUTPUT_MAX + 1), *at;
	size_t dropped = ob->total - ob->nhead - ob->nring, start = (ob->ring_pos + TAIL_MAX - ob->nring) % TAIL_MAX;

	if (!s)
		return NULL;
	memcpy(s, ob->head, ob->nhead);
	at = s + ob->nhead;
	if (dropped)
		at += snprintf(at, MARKER_MAX, "\n[... nsharness dropped %zu bytes here ...]\n", dropped);
	for (size_t i = 0; i < ob->nring; i++)
		*at++ = ob->ring[(start + i) % TAIL_MAX];
	*at = '\0';
	return s;
}

enum follow_end { FOLLOW_REPORTED, FOLLOW_DEADLINE, FOLLOW_STOPPED };

/* Reads the output until the keeper reports (or ends), the deadline passes, or a live program is asked to
 * stop. */
static enum follow_end follow(int out, int sock, msec_t deadline, const struct sandbox_live *live, struct outbuf *ob)
{
	struct pollfd pfd[3] = { { .fd = sock, .events = POLLIN }, { .fd = out, .events = POLLIN },
				 { .fd = live ? live->stop_fd : -1, .events = POLLIN } };

	for (;;) {
		int left = deadline_left(deadline), n;

		n = poll(pfd, 3, left);
		if (n < 0 && errno != EINTR)
			return FOLLOW_DEADLINE;
		if (n > 0 && pfd[1].revents && outbuf_read(ob, out, live) == 0)
			pfd[1].fd = -1;   /* end of file: poll ignores it from now on */
		if (n > 0 && pfd[0].revents)
			return FOLLOW_REPORTED;
		if (n > 0 && pfd[2].revents)
			return FOLLOW_STOPPED;
		if (left == 0)
			return FOLLOW_DEADLINE;
	}
}

/* What is still in the pipe, once nothing can write more than a bounded amount. */
static void drain(int out, struct outbuf *ob, const struct sandbox_live *live)
{
	size_t before = ob->total;

	while (ob->total - before < DRAIN_MAX && outbuf_read(ob, out, live) > 0)
		;
}

static bool is_netns(int fd)
{
	return ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNET;
}

/* Whether fd is a network namespace the program made: owned by the sandbox user namespace (not another
 * world's, not the machine's), and not the one it was started in. */
static bool made_by_program(int fd, const struct keeper_plan *p)
{
	return is_netns(fd) && sandbox_owned_by(fd, p->userns) && !sandbox_same_ns(fd, p->nsfd);
}

/* The keeper's report, with the collected fds in r->fds.  0, or -errno when no report came. */
static int receive(int sock, unsigned ncollect, const struct keeper_plan *p, struct keeper_report *rep,
		   struct sandbox_result *r)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_NETNS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = rep, .iov_len = sizeof(*rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	int fds[MAX_NETNS], nfds = 0;
	ssize_t n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && nfds == 0) {
			nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(c), sizeof(int) * nfds);
		}
	for (unsigned i = 0, k = 0; i < ncollect && i < MAX_NETNS; i++)
		if ((rep->present & (1ull << i)) && (int)k < nfds)
			r->fds[i] = fds[k++];
	for (unsigned i = 0; i < ncollect && i < MAX_NETNS; i++)
		if (r->fds[i] >= 0 && !made_by_program(r->fds[i], p)) {
			close(r->fds[i]);
			r->fds[i] = -1;
		}
	return n == (ssize_t)sizeof(*rep) ? 0 : -EPROTO;
}

/* How it ended: from the keeper's report when there is one, else from the keeper's own end. */
static int conclude(int got, const struct keeper_report *rep, int kstatus, struct sandbox_result *r, char *err,
		    size_t errlen)
{
	if (got == 0 && rep->err) {
		snprintf(err, errlen, "cannot start the sandbox: %s: %s",
			 (unsigned)rep->step < sizeof(step_words) / sizeof(step_words[0]) ? step_words[rep->step] : "?",
			 strerror(rep->err));
		return -rep->err;
	}
	if (got == 0) {
		r->timed_out = false;
		r->status = WIFEXITED(rep->wstatus) ? WEXITSTATUS(rep->wstatus) : -1;
		r->signal = WIFSIGNALED(rep->wstatus) ? WTERMSIG(rep->wstatus) : 0;
		return 0;
	}
	if (r->timed_out || r->stopped) {
		r->signal = SIGKILL;
		return 0;
	}
	snprintf(err, errlen, "the sandbox ended without a report (%s %d)", WIFSIGNALED(kstatus) ? "signal" : "status",
		 WIFSIGNALED(kstatus) ? WTERMSIG(kstatus) : WEXITSTATUS(kstatus));
	return -EPROTO;
}

/* The caller's pipe and socket ends are kept above stdio: the keeper moves its own ends onto 0..3. */
static int above_stdio(int fd)
{
	int high;

	if (fd < 0 || fd > 2)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return high;
}

static int open_channels(int pipefd[2], int sv[2])
{
	pipefd[0] = pipefd[1] = sv[0] = sv[1] = -1;
	if (pipe2(pipefd, O_CLOEXEC) || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	for (int i = 0; i < 2; i++) {
		pipefd[i] = above_stdio(pipefd[i]);
		sv[i] = above_stdio(sv[i]);
		if (pipefd[i] < 0 || sv[i] < 0)
			return -EMFILE;
	}
	return fcntl(pipefd[0], F_SETFL, O_NONBLOCK) ? -errno : 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Forks the keeper (sandbox_keeper.c) and keeps only the caller's ends of the channels.  Its pid, or -errno. */
static pid_t keeper_start(struct keeper_plan *p, int pipefd[2], int sv[2])
{
	pid_t pid;

	p->caller = getpid();
	p->out_fd = pipefd[1];
	p->sock = sv[1];
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		keeper_main(p);
	close_fd(&pipefd[1]);
	close_fd(&sv[1]);
	return pid;
}

/* Follows the keeper to its end or the deadline, then kills what is left and reaps it: output in ob, report
 * in rep.  0 when it reported, else -errno. */
static int supervise(pid_t pid, int out, int sock, msec_t deadline, const struct sandbox_run *run,
		     unsigned ncollect, const struct keeper_plan *p, struct outbuf *ob, struct keeper_report *rep,
		     struct sandbox_result *r, int *kstatus)
{
	enum follow_end end = follow(out, sock, deadline, run->live, ob);

	r->timed_out = end == FOLLOW_DEADLINE;
	r->stopped = end == FOLLOW_STOPPED;
	/* The keeper leads the program's process group; anything the program left behind goes with it. */
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);   /* in case it was killed before it made its group */
	while (waitpid(pid, kstatus, 0) < 0 && errno == EINTR)
		;
	drain(out, ob, run->live);
	return receive(sock, ncollect, p, rep, r);
}

/* The user namespace that owns nsfd, which the program joins: -EPERM when it is nsharness's own (the
 * program would hold nsharness's powers), and the script's descriptor.  0 or -errno. */
static int open_inputs(const struct sandbox_run *run, struct keeper_plan *p)
{
	int self = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC), ret = 0;

	p->userns = ioctl(run->nsfd, NS_GET_USERNS);
	if (p->userns < 0 || self < 0)
		ret = -errno;
	else if (sandbox_same_ns(p->userns, self))
		ret = -EPERM;
	if (self >= 0)
		close(self);
	if (ret == 0 && run->script && (p->script_fd = open(run->script, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		ret = -errno;
	return ret;
}

int sandbox_exec(const struct sandbox_run *run, struct sandbox_result *r, char *err, size_t errlen)
{
	struct keeper_plan plan = { .nsfd = run->nsfd, .argv = run->argv, .userns = -1, .script_fd = -1 };
	struct keeper_report rep = { 0 };
	struct outbuf ob = { 0 };
	int pipefd[2] = { -1, -1 }, sv[2] = { -1, -1 }, ret, kstatus = 0;
	msec_t deadline = deadline_after(run->timeout_ms);
	unsigned ncollect = 0;
	pid_t pid = -1;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	for (unsigned i = 0; i < MAX_NETNS; i++)
		r->fds[i] = -1;
	while (run->collect && run->collect[ncollect])
		ncollect++;
	/* The inputs first: the plan reads the script's `#!` line from its descriptor. */
	ret = ncollect > MAX_NETNS || run->nvisible > MAX_NETNS ? -E2BIG : open_inputs(run, &plan);
	if (ret == 0)
		ret = keeper_plan_make(run, &plan);
	ob.head = malloc(HEAD_MAX);
	ob.ring = malloc(TAIL_MAX);
	if (ret == 0 && (!ob.head || !ob.ring))
		ret = -ENOMEM;
	if (ret == 0)
		ret = open_channels(pipefd, sv);
	if (ret == 0 && (pid = keeper_start(&plan, pipefd, sv)) < 0)
		ret = pid;
	if (ret) {
		snprintf(err, errlen, "cannot start %s: %s%s", run->script ? run->script : run->argv[0], strerror(-ret),
			 ret == -EPERM ? " (its namespace is not owned by a sandbox user namespace)" : "");
		goto out;
	}
	ret = supervise(pid, pipefd[0], sv[0], deadline, run, ncollect, &plan, &ob, &rep, r, &kstatus);
	ret = conclude(ret, &rep, kstatus, r, err, errlen);
	if (ret == 0 && !(r->output = outbuf_finish(&ob)))
		ret = -ENOMEM;
out:
	for (int i = 0; i < 2; i++) {
		close_fd(&pipefd[i]);
		close_fd(&sv[i]);
	}
	free(ob.head);
	free(ob.ring);
	close_fd(&plan.userns);
	close_fd(&plan.script_fd);
	keeper_plan_free(&plan);
	if (ret)
		sandbox_result_free(r);
	return ret;
}

void sandbox_result_free(struct sandbox_result *r)
{
	if (!r)
		return;
	free(r->output);
	r->output = NULL;
	for (unsigned i = 0; i < MAX_NETNS; i++)
		close_fd(&r->fds[i]);
}

/* A line that says nothing of its own: blank, or only a marker under the line above ("    ^^^^", "~~~"). */
static bool line_is_marker(const char *s, const char *e, bool *caret)
{
	*caret = false;
	for (; s < e; s++) {
		if (isalnum((unsigned char)*s))
			return false;
		if (*s == '^' || *s == '~')
			*caret = true;
	}
	return true;
}

/* GNU's usage hint after an error ("Try `iptables -h' or 'iptables --help' for more information."). */
static bool line_is_usage_hint(const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	return n > 4 && !strncmp(s, "Try ", 4) && memmem(s, n, "for more information", 20);
}

struct span {
	const char *s, *e;
};

/* The non-blank lines of out, in order: at most max of the last ones; how many. */
static unsigned last_lines(const char *out, struct span *v, unsigned max)
{
	const char *end = out + strlen(out);
	unsigned n = 0;

	while (end > out && n < max) {
		const char *e = end, *s;

		while (e > out && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\t'))
			e--;
		if (e == out)
			break;
		for (s = e; s > out && s[-1] != '\n'; s--)
			;
		v[n++] = (struct span){ s, e };
		end = s;
	}
	for (unsigned i = 0; i < n / 2; i++) {   /* oldest first */
		struct span t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
	return n;
}

static bool is_caret(const struct span *l)
{
	bool caret;

	return line_is_marker(l->s, l->e, &caret) && caret;
}

/* The last line that says something: a trailing usage hint is passed over, and so is a caret line with the
 * echoed input it points into (nft's and compilers' "Error: ...", input, "   ^^^"), so that the message is
 * the error's own words; of several such diagnostics in a row, the first, for the later ones follow from it
 * (nft reports a syntax error, then what it could not parse after it).  Without such a line, the last
 * non-empty one. */
const char *sandbox_last_line(const char *out, char *buf, size_t len)
{
	struct span v[64];
	unsigned n = last_lines(out, v, 64);
	int i = (int)n - 1;
	bool caret;

	while (i >= 0 && (line_is_usage_hint(v[i].s, v[i].e) || (line_is_marker(v[i].s, v[i].e, &caret) && !caret)))
		i--;
	if (i >= 2 && is_caret(&v[i])) {
		i -= 2;   /* the diagnostic's words, above its input line */
		while (i >= 3 && is_caret(&v[i - 1]))
			i -= 3;
	}
	if (i < 0)
		i = (int)n - 1;
	if (i < 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	snprintf(buf, len, "%.*s", (int)(v[i].e - v[i].s), v[i].s);
	return buf;
}
