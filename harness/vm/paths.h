/* paths.h — composing a path into a fixed buffer, truncation reported rather than silent. */
#ifndef NSH_VM_PATHS_H
#define NSH_VM_PATHS_H

#include <stddef.h>

/* printf into out; 0, or -1 when it did not fit (out then holds what fitted, and is refused by the open or
 * mkdir that follows rather than naming another file: callers check where it matters). */
int path_of(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
