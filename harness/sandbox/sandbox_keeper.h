/* sandbox_keeper.h — the child side of the sandbox: what the keeper process is handed, and what it reports. */
#ifndef NSH_SANDBOX_KEEPER_H
#define NSH_SANDBOX_KEEPER_H

#include "harness/sandbox/sandbox.h"

#include <stdint.h>

/* Everything the keeper needs, prepared before the fork: in the child of a multi-threaded process it may
 * not allocate or format. */
struct keeper_plan {
	int nsfd;                        /* the network namespace to enter */
	int caller;                      /* the caller's pid: the keeper dies with it */
	int out_fd;                      /* the write end of the output pipe: the program's stdout and stderr */
	int sock;                        /* the keeper's end of the report socket (SOCK_SEQPACKET) */
	char *const *argv;               /* borrowed */
	/* Made by keeper_plan_make, owned by the plan: */
	char **envp;                     /* the caller's environment (its strings borrowed) with path_env */
	char *path_env;                  /* "PATH=...": the caller's PATH with the sbin folders */
	char **exec_paths;               /* where argv[0] may be, in PATH order; NULL-terminated */
	char **collect_paths;            /* "/run/netns/NAME", NULL-terminated, at most MAX_NETNS */
	char *cannot_run;                /* "nsharness: cannot run PROGRAM: ", written before the reason */
};

/* Fills the owned part of p for run (sandbox_plan.c).  0, or -ENOMEM; either way keeper_plan_free frees what
 * was made (p must start zeroed there). */
int keeper_plan_make(const struct sandbox_run *run, struct keeper_plan *p);
void keeper_plan_free(struct keeper_plan *p);

/* The setup step that failed, for the caller's message. */
enum keeper_step {
	KEEPER_RAN,
	KEEPER_SETNS,
	KEEPER_UNSHARE,
	KEEPER_PRIVATE,
	KEEPER_TMPFS,
	KEEPER_MKDIR,
	KEEPER_PIDNS,
	KEEPER_SETSID,
	KEEPER_FORK,
};

/* The keeper's one message, sent just before it exits.  With it, the fds of the collected namespaces in
 * SCM_RIGHTS, in collect order, one for each bit set in present. */
struct keeper_report {
	int32_t err;                     /* errno of the setup step that failed; 0 when the program ran */
	int32_t step;                    /* enum keeper_step */
	int32_t wstatus;                 /* the program's wait status (waitpid) */
	uint32_t pad;
	uint64_t present;                /* bit i: collect_paths[i] was opened */
};

/* Never returns.  Enters the namespace, makes a private mount namespace with a fresh tmpfs on /run and a
 * PID namespace, starts a session, runs the program as that PID namespace's init and waits for it, opens the
 * collected namespaces, reports on plan->sock and exits with the program's status (128 + signal when a
 * signal ended it; 125 when setup failed).  The keeper dies with the caller's thread, the program with the
 * keeper, and everything the program started with the program (its PID namespace ends).  Uses only
 * async-signal-safe calls. */
void keeper_main(const struct keeper_plan *plan) __attribute__((noreturn));

#endif
