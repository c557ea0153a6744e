/* sandbox_service.c — a daemon in the sandbox: sandbox_exec on a thread of its own, stopped through a pipe. */
#define _GNU_SOURCE
#include "harness/sandbox/sandbox_service.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sandbox_service {
	struct sandbox_run run;          /* the copy the thread runs */
	struct sandbox_live live;
	struct sandbox_netns visible[MAX_NETNS];
	int stop[2];                     /* written by sandbox_service_stop: the thread's follow() ends */
	int ended[2];                    /* written by the thread when sandbox_exec returned */
	pthread_t thread;
	pthread_mutex_t lock;            /* guards the fields below */
	bool done;
	int ret;                         /* sandbox_exec's */
	char err[256];
	struct sandbox_result result;
	char *pending;                   /* output not yet taken, at most SANDBOX_OUTPUT_MAX bytes */
	size_t npending, dropped;
};

/* The output sink, on the service's thread: kept until taken, the excess counted and dropped. */
static void keep_output(void *ctx, const char *data, size_t len)
{
	struct sandbox_service *s = ctx;
	size_t room;

	pthread_mutex_lock(&s->lock);
	room = SANDBOX_OUTPUT_MAX - s->npending;
	if (!s->pending)
		s->pending = malloc(SANDBOX_OUTPUT_MAX);
	if (!s->pending)
		room = 0;
	memcpy(s->pending + s->npending, data, len < room ? len : room);
	s->npending += len < room ? len : room;
	s->dropped += len < room ? 0 : len - room;
	pthread_mutex_unlock(&s->lock);
}

static void *service_main(void *arg)
{
	struct sandbox_service *s = arg;
	struct sandbox_result r;
	char err[sizeof(s->err)] = "";
	int ret = sandbox_exec(&s->run, &r, err, sizeof(err));

	pthread_mutex_lock(&s->lock);
	s->ret = ret;
	memcpy(s->err, err, sizeof(err));
	if (ret == 0)
		s->result = r;
	s->done = true;
	pthread_mutex_unlock(&s->lock);
	while (write(s->ended[1], "e", 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
	p[0] = p[1] = -1;
}

static void service_free(struct sandbox_service *s)
{
	close_pair(s->stop);
	close_pair(s->ended);
	pthread_mutex_destroy(&s->lock);
	sandbox_result_free(&s->result);
	free(s->pending);
	free(s);
}

int sandbox_service_start(const struct sandbox_run *run, struct sandbox_service **out, char *err, size_t errlen)
{
	struct sandbox_service *s = calloc(1, sizeof(*s));
	int ret;

	*out = NULL;
	if (!s || run->nvisible > MAX_NETNS) {
		free(s);
		snprintf(err, errlen, "cannot start %s: %s", run->argv[0], strerror(s ? E2BIG : ENOMEM));
		return s ? -E2BIG : -ENOMEM;
	}
	s->stop[0] = s->stop[1] = s->ended[0] = s->ended[1] = -1;
	s->result.output = NULL;
	for (unsigned i = 0; i < MAX_NETNS; i++)
		s->result.fds[i] = -1;
	pthread_mutex_init(&s->lock, NULL);
	s->run = *run;
	memcpy(s->visible, run->visible, sizeof(*run->visible) * run->nvisible);
	s->run.visible = s->visible;
	s->live = (struct sandbox_live){ .output = keep_output, .ctx = s };
	s->run.live = &s->live;
	if (pipe2(s->stop, O_CLOEXEC) || pipe2(s->ended, O_CLOEXEC)) {
		ret = -errno;
	} else {
		s->live.stop_fd = s->stop[0];
		ret = -pthread_create(&s->thread, NULL, service_main, s);
	}
	if (ret) {
		snprintf(err, errlen, "cannot start %s: %s", run->argv[0], strerror(-ret));
		service_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

int sandbox_service_ended_fd(const struct sandbox_service *s)
{
	return s->ended[0];
}

bool sandbox_service_ended(struct sandbox_service *s, const struct sandbox_result **r, const char **reason)
{
	bool done;

	pthread_mutex_lock(&s->lock);
	done = s->done;
	pthread_mutex_unlock(&s->lock);
	if (done && r)
		*r = s->ret == 0 ? &s->result : NULL;
	if (done && reason)
		*reason = s->ret == 0 ? "" : s->err;
	return done;
}

char *sandbox_service_take_output(struct sandbox_service *s)
{
	char *text = NULL;

	pthread_mutex_lock(&s->lock);
	if (s->npending || s->dropped) {
		text = malloc(s->npending + 64);
		if (text) {
			memcpy(text, s->pending, s->npending);
			if (s->dropped)
				snprintf(text + s->npending, 64, "\n[... nsharness dropped %zu bytes here ...]\n", s->dropped);
			else
				text[s->npending] = '\0';
			s->npending = s->dropped = 0;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return text;
}

void sandbox_service_stop(struct sandbox_service *s)
{
	if (!s)
		return;
	while (write(s->stop[1], "s", 1) < 0 && errno == EINTR)
		;
	pthread_join(s->thread, NULL);
	service_free(s);
}
