/* closer.h — releases that cost a kernel grace period, taken off the caller's path.
 *
 * Releasing a packet socket waits for an RCU grace period (synchronize_net) in the releasing thread: 10 to
 * 40 ms on a loaded machine, for nothing the run needs.  closer_defer hands such a release to a small pool of
 * threads, so the caller goes on at once and concurrent releases wait for their grace periods together.  The
 * process waits for every pending release once, at exit (closer_finish, registered with atexit on first use). */
#ifndef NSH_CLOSER_H
#define NSH_CLOSER_H

/* Runs release(arg) on a closer thread, soon.  Ownership of arg passes to the pool.  When no thread can be
 * started (or the pool is finishing), release(arg) runs here and now: a release is never lost.  Thread-safe. */
void closer_defer(void (*release)(void *arg), void *arg);

/* Waits until every release handed over so far has run, and stops the pool's threads.  Later calls to
 * closer_defer start it again.  Called at exit by itself; never from two threads at once. */
void closer_finish(void);

#endif
