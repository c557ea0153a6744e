/* kcache.h — a kernel image made ready to boot, cached per image hash: the vmlinux extracted from a bzImage
 * (QEMU boots it through its PVH entry, seconds faster under emulation) and the guest's initramfs. */
#ifndef NSH_KCACHE_H
#define NSH_KCACHE_H

#include "harness/base/clock.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct kernel_ready {
	char boot[PATH_MAX];     /* what QEMU's -kernel gets: the cached vmlinux, or the image itself */
	char initrd[PATH_MAX];
	char release[65];        /* from the image's header */
	char modules[PATH_MAX];  /* the modules folder used; empty: none (everything built in) */
	unsigned nmodules;       /* .ko files in the initramfs */
	bool cached;             /* found ready in the cache, nothing built */
};

/* The cache folder: dir when given (--kernel-cache), else $XDG_CACHE_HOME/nsharness, /var/cache/nsharness
 * for root, ~/.cache/nsharness.  Made if missing.  0, or -1 with the reason in err. */
int kcache_dir(const char *dir, char *out, size_t outlen, char *err, size_t errlen);

/* Makes image ready under cache: reads it (a bzImage or an ELF vmlinux with a PVH note), extracts and
 * caches its vmlinux, builds and caches the initramfs with the modules of modules_dir (NULL: the host's
 * /lib/modules/RELEASE when it exists, else none).  0, or -1 with the reason in err. */
int kcache_prepare(const char *image, const char *modules_dir, const char *cache, msec_t deadline,
		   struct kernel_ready *out, char *err, size_t errlen);

/* FNV-1a, 64 bits: the cache's key for an image's bytes (a key, not a defence: the cache is the user's). */
unsigned long long kcache_hash(const void *data, size_t len, unsigned long long seed);

#endif
