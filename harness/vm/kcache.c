/* kcache.c — preparing kernel images for QEMU, once per image: the cache folder, the extracted vmlinux, the
 * initramfs.  Every file is written under a temporary name and renamed, so a cache entry is whole or absent. */
#define _GNU_SOURCE
#include "harness/vm/kcache.h"
#include "harness/vm/initramfs.h"
#include "harness/vm/kimage.h"
#include "harness/vm/paths.h"
#include "harness/vm/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

unsigned long long kcache_hash(const void *data, size_t len, unsigned long long seed)
{
	const unsigned char *p = data;
	unsigned long long h = seed ? seed : 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static int mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

int kcache_dir(const char *dir, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (dir)
		snprintf(out, outlen, "%s", dir);
	else if (xdg && *xdg == '/')
		snprintf(out, outlen, "%s/nsharness", xdg);
	else if (geteuid() == 0)
		snprintf(out, outlen, "/var/cache/nsharness");
	else if (home && *home == '/')
		snprintf(out, outlen, "%s/.cache/nsharness", home);
	else
		return snprintf(err, errlen, "no cache folder: set XDG_CACHE_HOME or give --kernel-cache DIR"), -1;
	if (mkdirs(out))
		return snprintf(err, errlen, "cannot make the kernel cache %s: %s", out, strerror(errno)), -1;
	return 0;
}

static bool exists(const char *path)
{
	return access(path, R_OK) == 0;
}

/* The file mapped read-only; NULL with the reason in err. */
static const uint8_t *map_file(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p;

	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) {
		snprintf(err, errlen, "cannot read the kernel image %s: %s", path,
			 fd < 0 ? strerror(errno) : "not a regular, non-empty file");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*len = (size_t)st.st_size;
	p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return snprintf(err, errlen, "cannot map %s: %s", path, strerror(errno)), NULL;
	return p;
}

/* Whether the file at path is an ELF vmlinux QEMU can boot (it has the PVH entry note). */
static bool bootable_elf(const char *path)
{
	char err[64];
	size_t len;
	const uint8_t *p = map_file(path, &len, err, sizeof(err));
	bool ok = p && len > 4 && !memcmp(p, "\x7f" "ELF", 4) && kimage_elf_has_pvh(p, len);

	if (p)
		munmap((void *)p, len);
	return ok;
}

/* Decompresses the payload into dir/vmlinux with its codec's program.  A vmlinux without the PVH note, or
 * a codec without a program here, leaves the bzImage itself to boot (slower under emulation, as good). */
static void extract_vmlinux(const uint8_t *img, const struct kimage_info *ki, const char *dir, msec_t deadline,
			    char *boot, size_t bootlen)
{
	char payload[PATH_MAX], tmp[PATH_MAX], final[PATH_MAX], err[256];
	const char *tool = kimage_codec_tool(ki->codec);
	int in, out;

	path_of(final, sizeof(final), "%s/vmlinux", dir);
	if (bootable_elf(final) || !tool) {
		if (exists(final))
			snprintf(boot, bootlen, "%s", final);
		return;
	}
	path_of(payload, sizeof(payload), "%s/payload.%d", dir, getpid());
	path_of(tmp, sizeof(tmp), "%s/vmlinux.%d", dir, getpid());
	in = open(payload, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (in >= 0 && out >= 0 &&
	    write(in, img + ki->payload_offset, ki->payload_length) == (ssize_t)ki->payload_length &&
	    lseek(in, 0, SEEK_SET) == 0) {
		/* xz: the kernel appends the size after the stream; the program's status is not trusted either
		 * way, the result is checked instead. */
		char *argv[] = { (char *)tool, "-dc", ki->codec == CODEC_XZ ? "--single-stream" : NULL, NULL };

		spawn_ok(argv, in, out, deadline, err, sizeof(err));
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	unlink(payload);
	if (bootable_elf(tmp) && rename(tmp, final) == 0)
		snprintf(boot, bootlen, "%s", final);
	else
		unlink(tmp);
}

/* The modules folder: the one given, else /lib/modules/RELEASE when the host has it, else none. */
static int choose_modules(const char *given, const char *release, char *out, size_t outlen, char *err, size_t errlen)
{
	char path[PATH_MAX];

	out[0] = '\0';
	if (given) {
		snprintf(path, sizeof(path), "%s/modules.dep", given);
		if (!exists(path))
			return snprintf(err, errlen, "--kernel-modules %s: no modules.dep there (a folder like "
						     "/lib/modules/RELEASE; run depmod)", given), -1;
		snprintf(out, outlen, "%s", given);
		return 0;
	}
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", release);
	if (release[0] && exists(path))
		snprintf(out, outlen, "/lib/modules/%s", release);
	return 0;
}

/* The initramfs's key: the modules folder's path and its modules.dep's size and time. */
static unsigned long long modules_key(const char *modules)
{
	char path[PATH_MAX];
	struct stat st = { 0 };
	unsigned long long h = kcache_hash(modules, strlen(modules), 0);

	path_of(path, sizeof(path), "%s/modules.dep", modules);
	if (modules[0] && stat(path, &st) == 0) {
		h = kcache_hash(&st.st_size, sizeof(st.st_size), h);
		h = kcache_hash(&st.st_mtim, sizeof(st.st_mtim), h);
	}
	return h;
}

static int build_initrd(const char *dir, struct kernel_ready *out, msec_t deadline, char *err, size_t errlen)
{
	char work[PATH_MAX], tmp[PATH_MAX];
	int r;

	path_of(work, sizeof(work), "%s/build.XXXXXX", dir);
	if (!mkdtemp(work))
		return snprintf(err, errlen, "cannot make a folder in %s: %s", dir, strerror(errno)), -1;
	path_of(tmp, sizeof(tmp), "%s/initrd.%d", dir, getpid());
	r = initramfs_build(tmp, out->release, out->modules[0] ? out->modules : NULL, work, deadline, &out->nmodules,
			    err, errlen);
	spawn_ok((char *[]){ "rm", "-rf", work, NULL }, -1, -1, deadline, err + strlen(err), 0);
	if (r == 0 && rename(tmp, out->initrd)) {
		snprintf(err, errlen, "cannot write %s: %s", out->initrd, strerror(errno));
		r = -1;
	}
	if (r)
		unlink(tmp);
	return r;
}

int kcache_prepare(const char *image, const char *modules_dir, const char *cache, msec_t deadline,
		   struct kernel_ready *out, char *err, size_t errlen)
{
	struct kimage_info ki;
	char dir[PATH_MAX], why[256];
	size_t len;
	const uint8_t *img = map_file(image, &len, err, errlen);
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (!img)
		return -1;
	if (kimage_inspect(img, len, &ki, why, sizeof(why))) {
		snprintf(err, errlen, "%s: %s", image, why);
		goto done;
	}
	snprintf(out->release, sizeof(out->release), "%s", ki.release);
	snprintf(dir, sizeof(dir), "%s/%016llx", cache, kcache_hash(img, len, 0));
	if (mkdirs(dir)) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		goto done;
	}
	if (ki.kind == KIMAGE_ELF && !kimage_elf_has_pvh(img, len)) {
		snprintf(err, errlen, "%s: an ELF vmlinux without the PVH entry note (CONFIG_PVH=y): QEMU cannot boot "
				      "it; give the bzImage (arch/x86/boot/bzImage)", image);
		goto done;
	}
	snprintf(out->boot, sizeof(out->boot), "%s", image);
	if (ki.kind == KIMAGE_BZIMAGE)
		extract_vmlinux(img, &ki, dir, deadline, out->boot, sizeof(out->boot));
	if (choose_modules(modules_dir, ki.release, out->modules, sizeof(out->modules), err, errlen))
		goto done;
	path_of(out->initrd, sizeof(out->initrd), "%s/initrd-%016llx.cpio", dir, modules_key(out->modules));
	out->cached = exists(out->initrd);
	r = out->cached ? 0 : build_initrd(dir, out, deadline, err, errlen);
done:
	munmap((void *)img, len);
	return r;
}
