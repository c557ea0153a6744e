/* closer.c — a small pool of threads that run slow releases (packet sockets) off the caller's path, and the
 * releaser process that takes their last references so that nothing, the process's exit included, waits. */
#define _GNU_SOURCE
#include "probes/closer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Releases in flight at once share their grace periods, so each needs a thread of its own: one queued behind
 * another starts its own grace period only when the first has ended, and the process's exit waits for both.
 * A reference run ends with about six (two captures, a trace per namespace, the nft state); a thread costs
 * only its stack while it waits. */
#define CLOSER_THREADS 16

struct release {
	void (*fn)(void *arg);
	void *arg;
	struct release *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct release *queue;                 /* LIFO: the order of releases does not matter */
static pthread_t threads[CLOSER_THREADS];
static unsigned nthreads, idle, queued;   /* queued: releases not yet taken */
static bool finishing, registered;

/* Each closer thread takes releases until the queue is empty and the pool is finishing. */
static void *closer_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&lock);
	for (;;) {
		struct release *r = queue;

		if (!r) {
			if (finishing)
				break;
			idle++;
			pthread_cond_wait(&wake, &lock);
			idle--;
			continue;
		}
		queue = r->next;
		queued--;
		pthread_mutex_unlock(&lock);
		r->fn(r->arg);
		free(r);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* With the lock held: a thread for the new release unless an idle one is left to take it (so that releases
 * handed over together run together).  False when no thread can run it. */
static bool ensure_thread(void)
{
	sigset_t all, old;
	int err;

	if (queued < idle)
		return true;
	if (nthreads == CLOSER_THREADS)
		return nthreads > 0;
	/* Signals (SIGINT, SIGTERM) are for the run's own threads; a closer thread never takes them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&threads[nthreads], NULL, closer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return nthreads > 0;
	nthreads++;
	return true;
}

/* ---- the releaser: a process that takes the last reference of what it is given ---- */

static pthread_once_t releaser_once = PTHREAD_ONCE_INIT;
static int releaser = -1;   /* our end of the releaser's socket; -1: none (the caller's close is the last) */

/* The releaser's life: every descriptor it receives is closed (the grace period is waited here); at end of
 * file (nsharness has exited, or was killed) it ends.  It keeps nothing else open, stdin, stdout and stderr
 * included (a reader of nsharness's output must see its end when nsharness exits), and it takes no signal
 * (the closer thread that starts it blocks them all).  Only system calls: it is the child of a process with
 * threads. */
/* Closes fd in a process of its own, so that releases given one after the other wait for their grace periods
 * together, not in a row (the kernel's exit would close them one by one, each waiting for its own); the
 * releaser's copy is not the last reference and costs nothing.  A process, not a thread: the releaser is the
 * child of a process with threads and may only make system calls.  If fork fails the releaser closes it. */
static void release_apart(int fd)
{
	if (fork() == 0) {
		close(fd);
		_exit(0);
	}
	close(fd);
}

static void __attribute__((noreturn)) releaser_main(int sock)
{
	struct sigaction reap = { .sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT };

	union {
		char buf[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} u;
	char byte;

	if (dup2(sock, 3) < 0 || close_range(4, ~0U, 0) || close_range(0, 2, 0) || sigaction(SIGCHLD, &reap, NULL))
		_exit(1);
	for (;;) {
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
				     .msg_controllen = sizeof(u.buf) };
		ssize_t got = recvmsg(3, &mh, MSG_CMSG_CLOEXEC);

		if (got == 0 || (got < 0 && errno != EINTR))
			_exit(0);
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
				for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
					int fd;

					memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
					release_apart(fd);
				}
	}
}

static void start_releaser(void)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return;
	pid = fork();
	if (pid == 0)
		releaser_main(sv[1]);
	close(sv[1]);
	if (pid < 0)
		close(sv[0]);
	else
		releaser = sv[0];
}

void closer_give_fd(int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };

	pthread_once(&releaser_once, start_releaser);
	if (releaser < 0 || fd < 0)
		return;
	memset(&u, 0, sizeof(u));
	CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
	CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
	CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &fd, sizeof(int));
	while (sendmsg(releaser, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

void closer_defer(void (*release)(void *arg), void *arg)
{
	struct release *r = malloc(sizeof(*r));

	pthread_mutex_lock(&lock);
	if (!registered)
		registered = atexit(closer_finish) == 0;
	if (!r || finishing || !ensure_thread()) {
		pthread_mutex_unlock(&lock);
		free(r);
		release(arg);
		return;
	}
	*r = (struct release){ .fn = release, .arg = arg, .next = queue };
	queue = r;
	queued++;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/* Not to be called by two threads at once (exit and tests call it from one). */
void closer_finish(void)
{
	unsigned n;

	pthread_mutex_lock(&lock);
	finishing = true;
	n = nthreads;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (unsigned i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_lock(&lock);
	nthreads = 0;
	finishing = false;
	pthread_mutex_unlock(&lock);
}
