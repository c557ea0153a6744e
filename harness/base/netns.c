/* netns.c — anonymous namespaces, and the threads that act inside them: workers that enter a namespace for
 * one call and return to the one they were born in. */
#define _GNU_SOURCE
#include "harness/base/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct ns_call {
	int nsfd;                 /* -1: unshare a new namespace instead of entering one */
	int (*fn)(void *);
	void *arg;
	int ret;
	int (*init)(void *);      /* for a new namespace: run inside it after its fd is open */
	void *init_arg;
	bool done;
	pthread_cond_t finished;
};

/* A call's thread: a worker kept between calls.  Creating a thread for each call cost a run some 30 thread
 * starts and exits (each a clone, a stack, the exit's /proc flush, and two wake-ups that a loaded machine
 * delays); a worker enters the call's namespace, runs it, and goes back to the namespace it was born in (the
 * one nsharness started in), so that it holds no world's namespace while it waits. */
struct worker {
	pthread_cond_t wake;
	struct ns_call *call;     /* handed over, NULL while idle */
	struct worker *next;      /* in the idle list */
};

/* Idle workers kept: a run uses one at a time per job; more calls at once start more, which end after. */
#define IDLE_WORKERS 8

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct worker *idle;
static unsigned nidle;
static int home = -1;             /* the main thread's namespace (it never changes namespace): where workers wait */
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

/* A child of fork has none of its parent's workers. */
static void forget_workers(void)
{
	pthread_mutex_init(&pool_lock, NULL);
	idle = NULL;
	nidle = 0;
}

static void pool_init(void)
{
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	pthread_atfork(NULL, NULL, forget_workers);
}

static void run_call(struct ns_call *c)
{
	if (c->nsfd < 0 ? unshare(CLONE_NEWNET) : setns(c->nsfd, CLONE_NEWNET))
		c->ret = -errno;
	else
		c->ret = c->fn(c->arg);
}

/* Ends the call (the caller wakes) and waits for the next; false when the worker is to end. */
static bool next_call(struct worker *w, bool home_again)
{
	bool keep;

	pthread_mutex_lock(&pool_lock);
	w->call->done = true;
	pthread_cond_signal(&w->call->finished);
	w->call = NULL;
	keep = home_again && nidle < IDLE_WORKERS;
	if (keep) {
		w->next = idle;
		idle = w;
		nidle++;
		while (!w->call)
			pthread_cond_wait(&w->wake, &pool_lock);
	}
	pthread_mutex_unlock(&pool_lock);
	return keep;
}

static void *worker_main(void *p)
{
	struct worker *w = p;

	do
		run_call(w->call);
	/* A worker that cannot go home ends with its call. */
	while (next_call(w, home >= 0 && setns(home, CLONE_NEWNET) == 0));
	pthread_cond_destroy(&w->wake);
	free(w);
	return NULL;
}

/* A new worker, started on c; with the lock held. */
static int start_worker(struct ns_call *c)
{
	struct worker *w = calloc(1, sizeof(*w));
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t t;
	int err;

	if (!w)
		return -ENOMEM;
	pthread_cond_init(&w->wake, NULL);
	w->call = c;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Signals (SIGINT, SIGTERM) are for the run's own threads; a worker never takes them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t, &attr, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		pthread_cond_destroy(&w->wake);
		free(w);
	}
	return -err;
}

static int run_on_thread(struct ns_call *c)
{
	int ret = 0;

	pthread_once(&pool_once, pool_init);
	pthread_cond_init(&c->finished, NULL);
	pthread_mutex_lock(&pool_lock);
	if (idle) {
		struct worker *w = idle;

		idle = w->next;
		nidle--;
		w->call = c;
		pthread_cond_signal(&w->wake);
	} else {
		ret = start_worker(c);
	}
	while (!ret && !c->done)
		pthread_cond_wait(&c->finished, &pool_lock);
	pthread_mutex_unlock(&pool_lock);
	pthread_cond_destroy(&c->finished);
	return ret ? ret : c->ret;
}

static int open_own_netns(void *p)
{
	struct ns_call *c = p;
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0 || !c->init)
		return fd < 0 ? -errno : fd;
	ret = c->init(c->init_arg);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

int netns_create_with(int (*init)(void *arg), void *arg)
{
	struct ns_call c = { .nsfd = -1, .fn = open_own_netns, .init = init, .init_arg = arg };

	c.arg = &c;
	return run_on_thread(&c);
}

int netns_create(void)
{
	return netns_create_with(NULL, NULL);
}

int netns_run(int nsfd, int (*fn)(void *arg), void *arg)
{
	struct ns_call c = { .nsfd = nsfd, .fn = fn, .arg = arg };

	if (nsfd < 0)
		return -EBADF;
	return run_on_thread(&c);
}

struct socket_args { int domain, type, protocol; };

static int open_socket(void *p)
{
	struct socket_args *a = p;
	int fd = socket(a->domain, a->type | SOCK_CLOEXEC, a->protocol);

	return fd < 0 ? -errno : fd;
}

int netns_socket(int nsfd, int domain, int type, int protocol)
{
	struct socket_args a = { domain, type, protocol };

	return netns_run(nsfd, open_socket, &a);
}

struct sysctl_args {
	const char *key;
	char *buf;                /* read: destination; write: NULL */
	const char *value;
	size_t len;
};

static int sysctl_io(void *p)
{
	struct sysctl_args *a = p;
	char path[256];
	int fd, n, ret = 0;

	if (snprintf(path, sizeof(path), "/proc/sys/%s", a->key) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, (a->buf ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (a->buf) {
		n = read(fd, a->buf, a->len - 1);
		if (n < 0) {
			ret = -errno;
		} else {
			a->buf[n] = '\0';
			a->buf[strcspn(a->buf, "\n")] = '\0';
		}
	} else {
		n = write(fd, a->value, strlen(a->value));
		if (n < 0)
			ret = -errno;
	}
	close(fd);
	return ret;
}

int netns_sysctl_write(int nsfd, const char *key, const char *value)
{
	struct sysctl_args a = { .key = key, .value = value };

	return netns_run(nsfd, sysctl_io, &a);
}

int netns_sysctl_read(int nsfd, const char *key, char *buf, size_t len)
{
	struct sysctl_args a = { .key = key, .buf = buf, .len = len };

	if (len < 2)
		return -EINVAL;
	return netns_run(nsfd, sysctl_io, &a);
}

long proc_read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int proc_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = -errno;
	close(fd);
	return ret;
}
