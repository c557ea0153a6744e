/* initramfs.c — building the guest's initramfs with the tools made for it: modprobe orders the modules, xz
 * or gzip or zstd unpacks them (busybox's insmod takes plain .ko), cpio writes the archive. */
#define _GNU_SOURCE
#include "harness/vm/initramfs.h"
#include "harness/vm/guest.h"
#include "harness/vm/paths.h"
#include "harness/vm/spawn.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

/* The guest's own needs first (virtio, its console ports, 9p, overlay), then what scenario steps use. */
const char *const initramfs_modules[] = {
	"virtio_pci", "virtio_console", "9pnet_virtio", "9p", "overlay",
	"af_packet", "veth", "bridge", "vxlan", "8021q", "dummy", "bonding", "vrf", "macvlan", "ipvlan", "ip_gre",
	"ip6_gre", "ipip", "sit", "ip6_tunnel", "wireguard", "tun",
	"nf_tables", "nft_chain_nat", "nft_nat", "nft_masq", "nft_ct", "nft_counter", "nft_reject_inet", "nft_fib_inet",
	"nft_limit", "nft_log", "nft_compat", "nf_nat", "nf_conntrack_netlink", "nfnetlink_log", "nf_log_syslog",
	"ip_tables", "ip6_tables", "iptable_filter", "iptable_nat", "iptable_mangle", "iptable_raw",
	"ip6table_filter", "ip6table_nat", "ip6table_mangle", "xt_conntrack", "xt_MASQUERADE", "xt_nat",
	"xt_tcpudp", "xt_state", "xt_comment", "xt_mark", "xt_multiport", "xt_addrtype", "xt_LOG", "xt_NFLOG",
	"xt_REJECT", "ipt_REJECT", "ip6t_REJECT", "sch_netem", "sch_tbf", "sch_fq_codel", "sch_htb", "sch_ingress",
	NULL,
};

int elf_is_static(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd = open(path, O_RDONLY | O_CLOEXEC), found = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		close(fd);
		return 0;
	}
	for (unsigned i = 0; i < eh.e_phnum && !found; i++)
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (size_t)i * eh.e_phentsize)) == sizeof(ph))
			found = ph.p_type == PT_INTERP;
	close(fd);
	return !found;
}

static int write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	size_t len = strlen(text);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, len) == (ssize_t)len;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* A module file into the initramfs, unpacked when compressed (.ko.xz, .ko.gz, .ko.zst). */
static int copy_module(const char *src, const char *dst, msec_t deadline, char *err, size_t errlen)
{
	static const struct { const char *suffix; const char *tool; } packed[] = {
		{ ".xz", "xz" }, { ".gz", "gzip" }, { ".zst", "zstd" },
	};
	int in = open(src, O_RDONLY | O_CLOEXEC), out, r = -1;
	const char *tool = NULL;
	struct stat st;

	for (size_t i = 0; i < sizeof(packed) / sizeof(packed[0]); i++)
		if (strlen(src) > strlen(packed[i].suffix) &&
		    !strcmp(src + strlen(src) - strlen(packed[i].suffix), packed[i].suffix))
			tool = packed[i].tool;
	if (in < 0 || fstat(in, &st)) {
		snprintf(err, errlen, "cannot read %s: %s", src, strerror(errno));
		if (in >= 0)
			close(in);
		return -1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (out >= 0 && tool)
		r = spawn_ok((char *[]){ (char *)tool, "-dc", NULL }, in, out, deadline, err, errlen);
	else if (out >= 0)
		r = sendfile(out, in, NULL, (size_t)st.st_size) == st.st_size ? 0 : -1;
	if (r && out >= 0 && !tool)
		snprintf(err, errlen, "cannot copy %s: %s", src, strerror(errno));
	if (out < 0)
		snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
	close(in);
	if (out >= 0 && close(out))
		r = -1;
	return r;
}

/* modprobe's answer for one module: "insmod PATH [ARGS]" lines in load order ("builtin NAME" lines for
 * what needs no file).  A module this kernel does not have makes modprobe fail: it is left out. */
static FILE *show_depends(const char *root, const char *release, const char *name, msec_t deadline)
{
	FILE *f = tmpfile();
	char err[256];

	if (f && spawn_ok((char *[]){ "modprobe", "-d", (char *)root, "-S", (char *)release, "--show-depends",
				      (char *)name, NULL }, -1, fileno(f), deadline, err, sizeof(err)) == 0) {
		rewind(f);
		return f;
	}
	if (f)
		fclose(f);
	return NULL;
}

/* Adds each "insmod PATH ARGS" not already listed: copies the file to work/root/m/ and appends
 * "/m/FILE ARGS" to list. */
static int add_modules(FILE *deps, FILE *list, const char *work, char ***seen, unsigned *nseen, msec_t deadline,
		       char *err, size_t errlen)
{
	char line[1024], dst[PATH_MAX];

	while (fgets(line, sizeof(line), deps)) {
		char *path, *args, *base, *dot, **grown;
		bool known = false;

		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "insmod ", 7))
			continue;
		path = line + 7;
		args = path + strcspn(path, " ");
		if (*args)
			*args++ = '\0';
		for (unsigned i = 0; i < *nseen && !known; i++)
			known = !strcmp((*seen)[i], path);
		if (known)
			continue;
		base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		snprintf(dst, sizeof(dst), "%s/root/m/%s", work, base);
		if ((dot = strstr(dst + strlen(work), ".ko")))
			dot[3] = '\0';
		if (copy_module(path, dst, deadline, err, errlen))
			return -1;
		fprintf(list, "/m/%s %s\n", dst + strlen(work) + 8, args);
		if (!(grown = realloc(*seen, (*nseen + 1) * sizeof(**seen))) || !(grown[*nseen] = strdup(path)))
			return snprintf(err, errlen, "out of memory"), -1;
		*seen = grown;
		(*nseen)++;
	}
	return 0;
}

/* modprobe -d wants ROOT/lib/modules/RELEASE: a link to the given folder makes one. */
static int module_root(const char *modules_dir, const char *release, const char *work, char *root, size_t rootlen)
{
	char link[PATH_MAX], target[PATH_MAX];

	if (!realpath(modules_dir, target))
		return -1;
	snprintf(root, rootlen, "%s/modroot", work);
	path_of(link, sizeof(link), "%s/lib", root);
	if (mkdir(root, 0755) || mkdir(link, 0755))
		return -1;
	path_of(link, sizeof(link), "%s/lib/modules", root);
	if (mkdir(link, 0755))
		return -1;
	path_of(link, sizeof(link), "%s/lib/modules/%s", root, release);
	return symlink(target, link);
}

static int write_modules(const char *release, const char *modules_dir, const char *work, msec_t deadline,
			 unsigned *nmodules, char *err, size_t errlen)
{
	char path[PATH_MAX], root[PATH_MAX];
	char **seen = NULL;
	unsigned nseen = 0;
	FILE *list;
	int r = 0;

	snprintf(path, sizeof(path), "%s/root/modules", work);
	if (!(list = fopen(path, "we")))
		return snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno)), -1;
	if (modules_dir && module_root(modules_dir, release, work, root, sizeof(root))) {
		snprintf(err, errlen, "cannot use the modules folder %s: %s", modules_dir, strerror(errno));
		r = -1;
	}
	for (unsigned i = 0; modules_dir && !r && initramfs_modules[i]; i++) {
		FILE *deps = show_depends(root, release, initramfs_modules[i], deadline);

		if (deps) {
			r = add_modules(deps, list, work, &seen, &nseen, deadline, err, errlen);
			fclose(deps);
		}
	}
	for (unsigned i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	*nmodules = nseen;
	if (fclose(list))
		r = -1;
	return r;
}

/* The folders and scripts of the initramfs, busybox included. */
static int write_skeleton(const char *work, msec_t deadline, char *err, size_t errlen)
{
	static const char *const dirs[] = { "root", "root/bin", "root/m" };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", work, dirs[i]);
		if (mkdir(path, 0755))
			return snprintf(err, errlen, "cannot make %s: %s", path, strerror(errno)), -1;
	}
	if (!elf_is_static("/bin/busybox"))
		return snprintf(err, errlen, "/bin/busybox is missing or not statically linked "
					     "(install busybox-static)"), -1;
	snprintf(path, sizeof(path), "%s/root/bin/busybox", work);
	if (copy_module("/bin/busybox", path, deadline, err, errlen) || chmod(path, 0755))
		return -1;
	snprintf(path, sizeof(path), "%s/root/init", work);
	if (write_text(path, guest_init_script, 0755))
		return snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno)), -1;
	snprintf(path, sizeof(path), "%s/root/stage2", work);
	if (write_text(path, guest_stage2_script, 0644))
		return snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno)), -1;
	return 0;
}

/* cpio reads the names from stdin (find's order: a folder before what it holds). */
static int write_cpio(const char *path, const char *work, msec_t deadline, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	FILE *names = tmpfile();
	int out, r;

	snprintf(dir, sizeof(dir), "%s/root", work);
	if (!names || spawn_ok((char *[]){ "sh", "-c", "cd \"$0\" && find .", dir, NULL }, -1, fileno(names), deadline,
			       err, errlen))
		return names ? fclose(names), -1 : -1;
	rewind(names);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (out < 0) {
		fclose(names);
		return snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno)), -1;
	}
	r = spawn_ok((char *[]){ "cpio", "-o", "-H", "newc", "--quiet", "-D", dir, NULL }, fileno(names), out, deadline,
		     err, errlen);
	fclose(names);
	return close(out) || r ? -1 : 0;
}

int initramfs_build(const char *path, const char *release, const char *modules_dir, const char *work,
		    msec_t deadline, unsigned *nmodules, char *err, size_t errlen)
{
	*nmodules = 0;
	if (write_skeleton(work, deadline, err, errlen) ||
	    write_modules(release, modules_dir, work, deadline, nmodules, err, errlen))
		return -1;
	return write_cpio(path, work, deadline, err, errlen);
}
