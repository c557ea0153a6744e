/* closer.c — a small pool of threads that run slow releases (packet sockets) off the caller's path. */
#include "probes/closer.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>

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
