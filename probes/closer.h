/* closer.h — releases that cost a kernel grace period, taken off the caller's path.
 *
 * Releasing a packet socket waits for an RCU grace period (synchronize_net) in the releasing thread, and so
 * does a netfilter netlink socket while nftables destroy work is pending: 5 to 40 ms, for nothing the run
 * needs.  closer_defer hands such a release to a small pool of threads, so the caller goes on at once; the
 * process waits for the pool's threads once, at exit (closer_finish, registered with atexit on first use).
 * Those threads wait for no grace period either: closer_give_fd hands the last reference of each such
 * socket to the releaser, a child process of nsharness's own (started on first use) that closes it and
 * ends when nsharness has exited and it has closed everything it was given.  So neither the report nor the
 * process's exit waits for a grace period; the kernel frees the sockets (and with them the world's last
 * namespaces) a grace period or two later, as it tears down a namespace after its last reference anyway. */
#ifndef NSH_CLOSER_H
#define NSH_CLOSER_H

/* Runs release(arg) on a closer thread, soon.  Ownership of arg passes to the pool.  When no thread can be
 * started (or the pool is finishing), release(arg) runs here and now: a release is never lost.  Thread-safe. */
void closer_defer(void (*release)(void *arg), void *arg);

/* Hands a reference to fd to the releaser, a process of nsharness's own that closes it there, so that the
 * caller's close is not the last and waits for nothing; the caller still closes its fd.  Without the
 * releaser (it could not be started), nothing is handed: the caller's close is the last, as before. */
void closer_give_fd(int fd);

/* Waits until every release handed over so far has run, and stops the pool's threads.  Later calls to
 * closer_defer start it again.  Called at exit by itself; never from two threads at once. */
void closer_finish(void);

#endif
