/* sandbox_service.h — a long-lived program of the user's (a daemon), run in the sandbox like an exec step's
 * program but left running: started now, followed by a thread of its own, stopped when asked.
 *
 * It is confined exactly as sandbox_exec confines (it is sandbox_exec, on its own thread): the same user
 * namespace, read-only host, private /run and /tmp, and the same "no survivor" design: the keeper dies with
 * the thread that forked it, the sandbox's init with the keeper, and the program with the init, so nothing
 * outlives nsharness, SIGKILL included. */
#ifndef NSH_SANDBOX_SERVICE_H
#define NSH_SANDBOX_SERVICE_H

#include "harness/sandbox/sandbox.h"

struct sandbox_service;

/* Starts run (its live field is the service's own; timeout_ms bounds the service's whole life) on a thread
 * of its own.  run's strings and visible namespaces are copied; argv must outlive the service.  0 and *out,
 * or -errno with why in err.  A program that cannot be started in the sandbox shows as an ended service
 * (sandbox_service_ended) with the reason. */
int sandbox_service_start(const struct sandbox_run *run, struct sandbox_service **out, char *err, size_t errlen);

/* A descriptor that becomes readable once the program has ended (for poll). */
int sandbox_service_ended_fd(const struct sandbox_service *s);

/* Whether the program has ended on its own (or could not start); then r (may be NULL) borrows its result
 * and reason is why it could not start ("" when it ran). */
bool sandbox_service_ended(struct sandbox_service *s, const struct sandbox_result **r, const char **reason);

/* What the program printed since the last call, NUL-terminated (to free); NULL when nothing. */
char *sandbox_service_take_output(struct sandbox_service *s);

/* Stops the program (its whole sandbox is killed), waits for its thread, and frees s.  NULL-safe. */
void sandbox_service_stop(struct sandbox_service *s);

#endif
