/* sandbox.h — running real programs (a scenario's exec steps, a user's setup script, iptables) inside one of
 * the world's network namespaces, confined: as root of the sandbox user namespace that owns the world's
 * namespaces (sandbox_owner.h; root there is no host root), over the host's filesystem read-only with
 * private /run, /tmp, /var/tmp and /dev/shm, in a PID namespace of its own.  `ip netns add`, `ip netns exec`,
 * /proc/sys writes, lock files and iptables calls touch only the sandbox and the world; nothing reaches a
 * namespace nsharness did not make, or a host file (docs/threat-model.md). */
#ifndef NSH_SANDBOX_H
#define NSH_SANDBOX_H

#include "harness/scenario/model.h"

#include <stdbool.h>
#include <stddef.h>

/* The exit status of a program that could not be found: what the sandbox gives when argv[0] is not on PATH,
 * and what a shell gives for a command it cannot find. */
#define PROGRAM_NOT_FOUND 127

#define SANDBOX_OUTPUT_MAX (64 << 10)   /* output kept: the first and the last 32 KiB */

struct sandbox_run {
	int nsfd;                       /* the network namespace the program runs in */
	char *const *argv;              /* NULL-terminated; argv[0] looked up in PATH unless it has a '/' */
	unsigned timeout_ms;            /* scaled; past it the program's whole process group is killed */
	const char *const *collect;     /* NULL-terminated names the program creates with `ip netns add`, handed
					 * back as fds after it exits (their mounts die with the sandbox); may be NULL.
					 * Only a network namespace the program made is handed back: owned by the
					 * sandbox user namespace, not nsfd, reached without following a link */
	const char *script;             /* NULL, or a script: the program is then the interpreter its `#!` line
					 * names (/bin/sh when it has none) reading it from a descriptor
					 * nsharness opened (argv is ignored), so a script in a folder only root
					 * may enter runs all the same */
	char *const *script_args;       /* the script's arguments ($1...), NULL-terminated; may be NULL */
	const struct sandbox_netns *visible;   /* namespaces the program sees by name in its /run/netns */
	unsigned nvisible;
	const struct sandbox_live *live;       /* NULL, or how a long-lived program (a service) is followed */
};

/* A namespace of the world that a program finds as /run/netns/NAME (bound there, as `ip netns add` does). */
struct sandbox_netns {
	const char *name;               /* a scenario name: no '/' */
	int fd;
};

/* A long-lived program: stopped when stop_fd becomes readable rather than at an end of its own; what it
 * prints is handed to output as it comes (from the thread that runs sandbox_exec). */
struct sandbox_live {
	int stop_fd;
	void (*output)(void *ctx, const char *data, size_t len);
	void *ctx;
};

struct sandbox_result {
	int status;                     /* exit status 0..255, or -1 when it did not exit normally */
	int signal;                     /* the signal that ended it, 0 if none */
	bool timed_out;                 /* killed at the deadline */
	bool stopped;                   /* killed because run->live->stop_fd asked for it */
	char *output;                   /* stdout and stderr as they came, NUL-terminated, at most SANDBOX_OUTPUT_MAX
					 * bytes (head and tail, with a marker line where the middle was dropped) */
	int fds[MAX_NETNS];             /* collect[i]'s namespace fd (O_CLOEXEC), or -1 when the program made none */
};

/* Runs run->argv in the sandbox, waits for it (never past the deadline), and fills r.  run->nsfd must be
 * owned by a sandbox user namespace (-EPERM otherwise: the program would share nsharness's powers; the
 * program joins that user namespace).  Returns 0 when the program ran (whatever its status), or -errno with the reason in err when it could not be started.  The
 * caller frees r with sandbox_result_free (which closes collected fds it did not take). */
int sandbox_exec(const struct sandbox_run *run, struct sandbox_result *r, char *err, size_t errlen);
void sandbox_result_free(struct sandbox_result *r);

/* The last line of a program's output that says something, for a one-line message: a trailing usage hint
 * ("Try ... for more information.") and a caret line with the input line it marks are passed over; returns buf. */
const char *sandbox_last_line(const char *output, char *buf, size_t len);

#endif
