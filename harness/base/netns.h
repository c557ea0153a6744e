/* netns.h — anonymous network namespaces held by file descriptors, and running code inside them.
 *
 * A namespace made here is never bind-mounted or named: it lives exactly as long as its fd (or any socket
 * created inside it) is open, so the kernel removes it, and every interface in it, when the process exits,
 * SIGKILL included.  Code runs inside a namespace on a worker thread that setns()es into it for one call and
 * back to the main thread's namespace after it (so no idle worker holds a namespace alive); only these
 * workers change namespace, never the main thread nor any other thread. */
#ifndef NSH_NETNS_H
#define NSH_NETNS_H

#include <stddef.h>

/* Creates a new, empty network namespace.  Returns its fd (O_CLOEXEC), or -errno. */
int netns_create(void);

/* The same, then runs init(arg) on the creating thread, already inside the new namespace, so sockets and
 * sysctls can be set up without another thread.  Returns the fd, or init's negative return (the namespace
 * is then closed), or -errno. */
int netns_create_with(int (*init)(void *arg), void *arg);

/* Runs fn(arg) on a worker thread that has entered the namespace nsfd, and waits for it.  Returns fn's return
 * value, or -errno when the thread could not be started or could not enter the namespace.  Sockets, pcap
 * handles and /proc/sys files opened by fn belong to that namespace and may be used from any thread after.
 * fn runs with every signal blocked, and must leave the thread as it found it but for its namespace (no
 * unshare of anything else, no setns, no thread-local state kept): the worker runs other calls after. */
int netns_run(int nsfd, int (*fn)(void *arg), void *arg);

/* Opens a socket inside the namespace (socket(2) arguments).  Returns the fd (with SOCK_CLOEXEC) or -errno. */
int netns_socket(int nsfd, int domain, int type, int protocol);

/* Writes value to /proc/sys/<key> inside the namespace; key uses '/' separators ("net/ipv4/ip_forward").
 * Returns 0 or -errno. */
int netns_sysctl_write(int nsfd, const char *key, const char *value);

/* Reads /proc/sys/<key> inside the namespace into buf (trailing newline removed).  Returns 0 or -errno. */
int netns_sysctl_read(int nsfd, const char *key, char *buf, size_t len);

/* The number a /proc file of the calling process's view holds (kernel.tainted, a user-namespace limit), or
 * -1 when it cannot be read. */
long proc_read_long(const char *path);

/* Writes text whole to a /proc file of the calling process's view (a uid_map, a sysctl).  0 or -errno. */
int proc_write(const char *path, const char *text);

#endif
