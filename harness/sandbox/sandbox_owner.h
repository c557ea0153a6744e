/* sandbox_owner.h — the user namespace of nsharness's own that owns a world's network namespaces, and in which
 * the world's programs run.
 *
 * Root inside it is an unprivileged id outside (SANDBOX_ID when nsharness runs in the machine's initial user
 * namespace), never the machine's root: a program that is root there holds capabilities over the namespaces
 * it owns (the world's) and over nothing else, and meets the host's files as an unprivileged user. */
#ifndef NSH_SANDBOX_OWNER_H
#define NSH_SANDBOX_OWNER_H

#include <stdbool.h>
#include <sys/types.h>

/* The host uid and gid root of a sandbox user namespace is, when nsharness runs as the machine's root: one
 * no account uses (0x7ffe0000), so no host process shares a program's identity. */
#define SANDBOX_ID 2147352576u

/* The ids root of a sandbox user namespace is, seen from nsharness's own user namespace: SANDBOX_ID in the
 * initial user namespace; elsewhere (rootless, or a container) nsharness's own ids, which are not the host's
 * root there. */
void sandbox_owner_ids(uid_t *uid, gid_t *gid);

/* Creates a sandbox user namespace.  Its fd (O_CLOEXEC), or -errno. */
int sandbox_owner_create(void);

/* Creates n network namespaces owned by the user namespace userns: fds[i] (O_CLOEXEC).  0, or -errno with
 * none of them left open.  (A thread cannot join a user namespace; a short-lived child process does.) */
int sandbox_owner_netns(int userns, unsigned n, int *fds);

/* Whether two namespace fds name the same namespace. */
bool sandbox_same_ns(int a, int b);

/* Whether the namespace nsfd is owned by the user namespace userns. */
bool sandbox_owned_by(int nsfd, int userns);

#endif
