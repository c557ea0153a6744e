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

/* Creates a sandbox user namespace and n network namespaces it owns, fds[i] (O_CLOEXEC), in one short-lived
 * child process (a process with threads cannot make a user namespace; its child of fork has one thread).
 * Returns the user namespace's fd (O_CLOEXEC), or -errno with none of the network namespaces left open;
 * *userns_made says whether the user namespace was made (then a network namespace failed). */
int sandbox_owner_world(unsigned n, int *fds, bool *userns_made);

/* Whether two namespace fds name the same namespace. */
bool sandbox_same_ns(int a, int b);

/* Whether the namespace nsfd is owned by the user namespace userns. */
bool sandbox_owned_by(int nsfd, int userns);

#endif
