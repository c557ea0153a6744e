/* qemu.h — one boot of a guest kernel under QEMU: no network device, the host's root read-only over 9p,
 * nsharness's output on virtio-serial ports, the console in a file, a hard deadline. */
#ifndef NSH_QEMU_H
#define NSH_QEMU_H

#include "harness/base/clock.h"
#include "harness/vm/kcache.h"

#include <stddef.h>

/* "kvm" where hardware virtualisation really works (/dev/kvm usable and kvm_intel or kvm_amd loaded: a
 * software nested hypervisor such as kvm_pvm cannot boot stock kernels), else "tcg" (emulation).
 * NSHARNESS_VM_ACCEL=kvm|tcg overrides. */
const char *qemu_accel(void);

struct boot_request {
	const struct kernel_ready *kernel;
	const char *append;        /* more kernel command line (NULL: none); later words win */
	const char *job;           /* the job script's path, as the guest sees it (the host's path) */
	const char *dir;           /* where the port files and qemu.log go */
	const char *console;       /* the console log's path */
	const char *accel;
	unsigned cpus, memory_mb;
};

/* QEMU's argv for the request, into cmd (argv NULL-ended).  Pure: no file is touched. */
struct qemu_cmd {
	char *argv[96];
	char text[32][4352];
	unsigned n, ntext;
};
void qemu_command(const struct boot_request *req, struct qemu_cmd *cmd);

/* Commas in a QEMU option's value are written twice.  Returns out. */
char *qemu_escape(const char *value, char *out, size_t outlen);

enum boot_end {
	BOOT_FINISHED,      /* the guest wrote its exit status */
	BOOT_NO_STATUS,     /* QEMU ended without one: the kernel panicked, or the guest could not run the job */
	BOOT_DEADLINE,      /* killed at the hard deadline: the guest hung */
	BOOT_INTERRUPTED,   /* SIGINT or SIGTERM */
	BOOT_NOT_STARTED,   /* QEMU could not be run */
};

struct boot_result {
	enum boot_end end;
	int guest_status;   /* BOOT_FINISHED: nsharness's exit status in the guest */
	double seconds;
	char reason[2048];  /* not finished: what happened, then the console's last lines */
};

/* Boots and waits until the guest powers off or the deadline.  Never fails otherwise: the result says. */
void qemu_boot(const struct boot_request *req, msec_t deadline, struct boot_result *res);

/* The last n non-empty lines of the file at path, control characters left out, one per line. */
void console_tail(const char *path, unsigned n, char *out, size_t outlen);

#endif
