/* sandbox_keeper.h — the child side of the sandbox: what the keeper process is handed, and what it reports. */
#ifndef NSH_SANDBOX_KEEPER_H
#define NSH_SANDBOX_KEEPER_H

#include "harness/sandbox/sandbox.h"

#include <stdbool.h>
#include <stdint.h>

/* Everything the keeper needs, prepared before the fork: in the child of a multi-threaded process it may
 * not allocate or format. */
struct keeper_plan {
	int nsfd;                        /* the network namespace to enter */
	int userns;                      /* the sandbox user namespace that owns it: the program joins it */
	int script_fd;                   /* the script, opened by the caller; -1 when the program is argv */
	int caller;                      /* the caller's pid: the keeper dies with it */
	int out_fd;                      /* the write end of the output pipe: the program's stdout and stderr */
	int sock;                        /* the keeper's end of the report socket (SOCK_SEQPACKET) */
	bool drop_groups;                /* the supplementary groups must go (they are the host's) */
	unsigned pause_ms;               /* test hook (NSHARNESS_TEST_SANDBOX_PAUSE_MS): how long the sandbox's
					  * init waits right after its fork, to widen the window a SIGKILL of
					  * nsharness may land in */
	uid_t owner_uid;                 /* root of the sandbox user namespace, seen from the caller's */
	gid_t owner_gid;
	char *const *argv;               /* borrowed, or the plan's script_argv */
	/* Made by keeper_plan_make, owned by the plan: */
	char **script_argv;              /* a script's: { INTERPRETER, [ITS ARGUMENT,] "/dev/fd/N", ARG..., NULL } */
	char **visible_paths;            /* "/run/netns/NAME" for each namespace the program sees by name */
	int *visible_fds;                /* the namespaces bound there, in the same order (the caller's fds) */
	char *run_opts, *tmp_opts;       /* the tmpfs options of /run and of /tmp (the owner's ids) */
	char **envp;                     /* the caller's environment (its strings borrowed) with path_env */
	char *path_env;                  /* "PATH=...": the caller's PATH with the sbin folders */
	char **exec_paths;               /* where argv[0] may be, in PATH order; NULL-terminated */
	char **collect_paths;            /* "/run/netns/NAME", NULL-terminated, at most MAX_NETNS */
	char *cannot_run;                /* "nsharness: cannot run PROGRAM: ", written before the reason */
};

/* Where the keeper keeps its descriptors once it has tidied them: the program gets the script at
 * SCRIPT_FD and nothing above it. */
enum { REPORT_FD = 3, USERNS_FD = 4, SCRIPT_FD = 5 };

/* Fills the owned part of p for run (sandbox_plan.c); p->userns and p->script_fd are the caller's.  0, or
 * -ENOMEM; either way keeper_plan_free frees what was made (p must start zeroed there). */
int keeper_plan_make(const struct sandbox_run *run, struct keeper_plan *p);
void keeper_plan_free(struct keeper_plan *p);

/* The setup step that failed, for the caller's message. */
enum keeper_step {
	KEEPER_RAN,
	KEEPER_SETNS,
	KEEPER_FDS,
	KEEPER_UNSHARE,
	KEEPER_PRIVATE,
	KEEPER_READONLY,
	KEEPER_TMPFS,
	KEEPER_MKDIR,
	KEEPER_PIDNS,
	KEEPER_SETSID,
	KEEPER_CHANNEL,
	KEEPER_FORK,
	KEEPER_USERNS,
	KEEPER_LOCK,
	KEEPER_IDS,
	KEEPER_BIND,
};

/* The keeper's one message, sent just before it exits.  With it, the fds of the collected namespaces in
 * SCM_RIGHTS, in collect order, one for each bit set in present.  (A setup step of the sandbox's init that
 * fails sends its own report, with err set, first.) */
struct keeper_report {
	int32_t err;                     /* errno of the setup step that failed; 0 when the program ran */
	int32_t step;                    /* enum keeper_step */
	int32_t wstatus;                 /* the program's wait status (waitpid) */
	uint32_t pad;
	uint64_t present;                /* bit i: collect_paths[i] was opened */
};

/* Never returns.  The keeper enters the namespace, makes a private mount namespace (the host's mounts
 * read-only, fresh tmpfs on /run, /tmp, /var/tmp and /dev/shm owned by the sandbox's root, /sys of this
 * network namespace) and a PID namespace, and starts a session.  Its child, init of that PID namespace,
 * mounts its /proc, joins the sandbox user namespace, makes a mount namespace of its own there (so every
 * mount above is locked: the program cannot unmount or remount it), becomes root of it, and runs the
 * program as its own child.  The keeper waits, opens the collected namespaces inside the program's mount
 * namespace, reports on plan->sock and exits with the program's status (128 + signal when a signal ended it;
 * 125 when setup failed).  The keeper dies with the caller's thread, the init with the keeper (checked after
 * it asked to, so no instant of a SIGKILL is missed), and everything the program started with the init.
 * Uses only async-signal-safe calls. */
void keeper_main(const struct keeper_plan *plan) __attribute__((noreturn));



/* Shared by the keeper and the sandbox's init (sandbox_report.c): */
/* Sends rep with nfds descriptors on sock. */
void keeper_send(int sock, const void *msg, size_t len, const int *fds, unsigned nfds);
/* Reports errno as the failure of step on sock, and exits 125. */
void keeper_setup_failed(int sock, enum keeper_step step) __attribute__((noreturn));
/* The sandbox's init: from its fork to the program's end (sandbox_init.c).  death is the read end of a pipe
 * only the keeper holds open; link a socket to the keeper, on which the init sends its mount namespace,
 * then the program's wait status. */
void sandbox_init_main(const struct keeper_plan *p, int death, int link) __attribute__((noreturn));

#endif
