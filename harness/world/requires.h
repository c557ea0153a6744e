/* requires.h — what this machine has: a kernel feature, proved by a trial in a throwaway namespace, and a
 * program, found in PATH.  A requirement that is not met makes its stage "cannot run here" (a skip naming
 * what is missing), never a failure. */
#ifndef NSH_REQUIRES_H
#define NSH_REQUIRES_H

#include "harness/base/link_kind.h"

#include <stdbool.h>
#include <stddef.h>

/* A sysctl feature (link_kind.h: ipv6-force-forwarding) is proved by its /proc/sys file in a fresh namespace
 * instead: -ENOPKG when it has none.  Otherwise creates the trial link (a kind's link; vlan, macvlan and ipvlan on a veth made for them) in a namespace of
 * its own, which is gone when this returns.  0 when the kernel has it; -ENOPKG when it lacks it (msg: "this
 * kernel lacks 'WORD' (FEATURE): the kernel's words"); another -errno when the trial itself could not run. */
int require_kernel(const char *word, const struct link_params *trial, char *msg, size_t msglen);

/* 0 when name (an absolute path, or a name looked up in PATH) is an executable file; else -ENOPKG with
 * "program NAME is not installed (not found in PATH)" in msg. */
int require_program(const char *name, char *msg, size_t msglen);

/* Whether err, the answer to creating a link, says the kernel has no such kind (or no such option):
 * "Unknown device type", "Operation not supported". */
bool link_kind_missing(int err);

#endif
