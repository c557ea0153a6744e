/* test_closer.c — the closer pool: every release runs, releases handed over together run at the same time
 * (so their grace periods overlap), and closer_finish waits for all of them. */
#include "probes/closer.h"
#include "tests/unit/unit.h"

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#define TOGETHER 3

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static unsigned started, done;
static bool met;              /* every release of a batch was running at one moment */

/* Waits (2 s at most) until TOGETHER releases are running: only possible when they run in parallel. */
static void meet_the_others(void *arg)
{
	struct timespec until;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	pthread_mutex_lock(&lock);
	started++;
	pthread_cond_broadcast(&changed);
	while (started < TOGETHER && pthread_cond_timedwait(&changed, &lock, &until) == 0)
		;
	if (started >= TOGETHER)
		met = true;
	done++;
	pthread_mutex_unlock(&lock);
}

static void count_done(void *arg)
{
	pthread_mutex_lock(&lock);
	done += *(unsigned *)arg;
	pthread_mutex_unlock(&lock);
}

static void test_releases_run_together(void)
{
	started = done = 0;
	met = false;
	for (unsigned i = 0; i < TOGETHER; i++)
		closer_defer(meet_the_others, NULL);
	closer_finish();
	CU_ASSERT_EQUAL(done, TOGETHER);
	CU_ASSERT(met);
}

static void test_finish_waits_for_all(void)
{
	static unsigned one = 1;

	done = 0;
	for (unsigned i = 0; i < 100; i++)
		closer_defer(count_done, &one);
	closer_finish();
	CU_ASSERT_EQUAL(done, 100);
	closer_finish();   /* nothing pending: returns at once */
	closer_defer(count_done, &one);   /* the pool starts again */
	closer_finish();
	CU_ASSERT_EQUAL(done, 101);
}

UNIT_SUITE(closer,
	   { "releases handed over together run together", test_releases_run_together },
	   { "closer_finish waits for every release", test_finish_waits_for_all })
