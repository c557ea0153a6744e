/* rootless.h — running without root: become root of a user namespace of our own. */
#ifndef NSH_ROOTLESS_H
#define NSH_ROOTLESS_H

#include <stddef.h>

/* Makes the process root of a new user namespace that maps only its own uid and gid, so it may create and
 * configure network namespaces without privilege on the machine (nothing outside gains any).  Must be
 * called while the process has a single thread.  0, or -errno with the reason, and how to allow it where
 * the machine forbids it, in msg. */
int rootless_enter(char *msg, size_t len);

#endif
