/* initramfs.h — the guest's small initramfs: static busybox, the init scripts, and the kernel modules the
 * guest needs (virtio, 9p, overlay) and the scenarios may need (link kinds, netfilter, qdiscs), loaded at
 * boot in `modprobe --show-depends` order rather than on demand over 9p. */
#ifndef NSH_INITRAMFS_H
#define NSH_INITRAMFS_H

#include "harness/base/clock.h"

#include <stddef.h>

/* The modules asked for, by name; those the kernel has built in or lacks are left out. */
extern const char *const initramfs_modules[];

/* Builds the initramfs (a newc cpio) at path for kernel release `release` with the modules of modules_dir
 * (a folder holding modules.dep, as /lib/modules/RELEASE; NULL: none, everything built in).  work is an
 * empty folder it may fill and leaves to the caller to remove.  *nmodules says how many .ko went in.
 * 0, or -1 with the reason in err. */
int initramfs_build(const char *path, const char *release, const char *modules_dir, const char *work,
		    msec_t deadline, unsigned *nmodules, char *err, size_t errlen);

/* Whether the ELF file at path is statically linked (no PT_INTERP): the initramfs has no libc. */
int elf_is_static(const char *path);

#endif
