/* netns.c — anonymous namespaces and short-lived threads that act inside them. */
#define _GNU_SOURCE
#include "harness/base/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
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
};

static void *ns_thread(void *p)
{
	struct ns_call *c = p;

	if (c->nsfd < 0 ? unshare(CLONE_NEWNET) : setns(c->nsfd, CLONE_NEWNET)) {
		c->ret = -errno;
		return NULL;
	}
	c->ret = c->fn(c->arg);
	return NULL;
}

static int run_on_thread(struct ns_call *c)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, ns_thread, c);

	if (err)
		return -err;
	pthread_join(t, NULL);
	return c->ret;
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
