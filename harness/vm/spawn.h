/* spawn.h — running a helper program (QEMU, xz, cpio, modprobe) and waiting for it with a hard deadline. */
#ifndef NSH_VM_SPAWN_H
#define NSH_VM_SPAWN_H

#include "harness/base/clock.h"

#include <stddef.h>

/* The outcome of a wait. */
enum spawn_end { SPAWN_EXITED, SPAWN_DEADLINE, SPAWN_INTERRUPTED, SPAWN_FAILED };

/* Runs argv (looked up in PATH) with stdin, stdout and stderr on the given fds (-1: /dev/null) and waits on
 * its pidfd until it ends, the deadline (a clock_now_ms() value) passes, or SIGINT/SIGTERM interrupts the
 * run (clock_interrupted); in the last two cases it is killed (SIGKILL) and reaped.  *status is its wait
 * status when it exited.  SPAWN_FAILED says why in err (it could not be started, or is not installed). */
enum spawn_end spawn_wait(char *const argv[], int in_fd, int out_fd, int err_fd, msec_t deadline, int *status,
			  char *err, size_t errlen);

/* Runs argv like spawn_wait, its stderr kept aside; 0 when it exited 0, else -1 with what happened in err
 * (with its stderr's last line). */
int spawn_ok(char *const argv[], int in_fd, int out_fd, msec_t deadline, char *err, size_t errlen);

#endif
