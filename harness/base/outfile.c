/* outfile.c — output folders and files made without following links (the rules are in outfile.h). */
#define _GNU_SOURCE
#include "harness/base/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT_TREE_DEPTH 2   /* OUT/SCENARIO/STAGE: the folders a run writes into */

/* Others can write the folder and replace what is in it: group or world write without the sticky bit. */
static bool others_can_replace(const struct stat *st)
{
	return (st->st_mode & (S_IWGRP | S_IWOTH)) && !(st->st_mode & S_ISVTX);
}

/* Ours: the effective user owns it and no other user can replace what is inside. */
static int check_ours(int fd, const char *shown, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st))
		return snprintf(err, errlen, "%s: %s", shown, strerror(errno)), -errno;
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s belongs to uid %u, not to uid %u that runs nsharness: refusing to write there",
			 shown, (unsigned)st.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if (others_can_replace(&st)) {
		snprintf(err, errlen, "%s can be written by other users (mode %04o, no sticky bit): refusing to write there",
			 shown, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* A name inside a folder: one component, never "." or "..". */
static bool single_component(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

/* A link the walk may follow: root's own, in a folder only root can change (such as /var/run -> /run). */
static bool trusted_link(int dfd, const char *name)
{
	struct stat link, dir;

	return !fstatat(dfd, name, &link, AT_SYMLINK_NOFOLLOW) && S_ISLNK(link.st_mode) && link.st_uid == 0 &&
	       !fstat(dfd, &dir) && dir.st_uid == 0 && !(dir.st_mode & (S_IWGRP | S_IWOTH));
}

static bool is_link(int dfd, const char *name)
{
	struct stat st;

	return !fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode);
}

/* One step of the walk down path: the folder name in cur, made when missing.  last: the --out folder itself,
 * whose link is never followed. */
static int walk_step(int cur, const char *name, bool last, const char *path, char *err, size_t errlen)
{
	int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
	int fd = openat(cur, name, flags | O_NOFOLLOW);

	if (fd < 0 && errno == ENOENT && (!mkdirat(cur, name, 0755) || errno == EEXIST))
		fd = openat(cur, name, flags | O_NOFOLLOW);
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR) && is_link(cur, name)) {
		if (last || !trusted_link(cur, name)) {
			snprintf(err, errlen, "--out %s: '%s' is a symbolic link: refusing to follow it "
				 "(give the real path)", path, name);
			return -ELOOP;
		}
		fd = openat(cur, name, flags);
	}
	if (fd < 0)
		snprintf(err, errlen, "--out %s: cannot open or make '%s': %s", path, name, strerror(errno));
	return fd < 0 ? -errno : fd;
}

/* Everything already inside the folder dfd belongs to the effective user (no planted link or folder), and
 * each folder inside it is ours, depth levels down. */
static int check_tree(int dfd, const char *shown, unsigned depth, char *err, size_t errlen)
{
	int copy = dup(dfd), ret = 0;
	DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
	struct dirent *e;

	if (!d) {
		if (copy >= 0)
			close(copy);
		return snprintf(err, errlen, "%s: %s", shown, strerror(errno)), -errno;
	}
	while (!ret && (e = readdir(d))) {
		char sub[4096];
		struct stat st;
		int fd;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", shown, e->d_name);
		if (st.st_uid != geteuid()) {
			snprintf(err, errlen, "%s belongs to uid %u, not to uid %u that runs nsharness: refusing to write there",
				 sub, (unsigned)st.st_uid, (unsigned)geteuid());
			ret = -EPERM;
		} else if (S_ISDIR(st.st_mode) && depth > 1) {
			fd = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			ret = fd < 0 ? -errno : check_ours(fd, sub, err, errlen);
			if (!ret)
				ret = check_tree(fd, sub, depth - 1, err, errlen);
			if (fd >= 0)
				close(fd);
		}
	}
	closedir(d);
	return ret;
}

int outdir_open(const char *path, char *err, size_t errlen)
{
	char buf[4096], *save = NULL, *name, *next;
	int cur, fd, ret;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return snprintf(err, errlen, "--out %s: path too long", path), -ENAMETOOLONG;
	cur = open(path[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return snprintf(err, errlen, "--out %s: %s", path, strerror(errno)), -errno;
	for (name = strtok_r(buf, "/", &save); name; name = next) {
		next = strtok_r(NULL, "/", &save);
		if (!strcmp(name, "."))
			continue;
		fd = walk_step(cur, name, next == NULL, path, err, errlen);
		close(cur);
		if (fd < 0)
			return fd;
		cur = fd;
	}
	ret = check_ours(cur, path, err, errlen);
	if (!ret)
		ret = check_tree(cur, path, OUT_TREE_DEPTH, err, errlen);
	if (ret) {
		close(cur);
		return ret;
	}
	return cur;
}

int outdir_sub(int dfd, const char *name, const char *shown, char *err, size_t errlen)
{
	int fd, ret;

	if (!single_component(name))
		return snprintf(err, errlen, "%s: '%s' cannot name a folder", shown, name), -EINVAL;
	if (mkdirat(dfd, name, 0755) && errno != EEXIST)
		return snprintf(err, errlen, "cannot make %s: %s", shown, strerror(errno)), -errno;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return snprintf(err, errlen, "cannot open %s (a link is not followed): %s", shown, strerror(errno)), -errno;
	ret = check_ours(fd, shown, err, errlen);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int outfile_create(int dfd, const char *name, const char *shown, char *err, size_t errlen)
{
	int fd;

	if (!single_component(name))
		return snprintf(err, errlen, "%s: '%s' cannot name a file", shown, name), -EINVAL;
	if (unlinkat(dfd, name, 0) && errno != ENOENT)
		return snprintf(err, errlen, "cannot replace %s: %s", shown, strerror(errno)), -errno;
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return snprintf(err, errlen, "cannot create %s: %s", shown, strerror(errno)), -errno;
	return fd;
}

/* The folder of a report file: owned by the effective user or root, and no other user can replace what is in
 * it. */
static int check_report_folder(int dfd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(dfd, &st))
		return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -errno;
	if ((st.st_uid != geteuid() && st.st_uid != 0) || others_can_replace(&st)) {
		snprintf(err, errlen, "%s: its folder belongs to uid %u (mode %04o): another user could plant a link "
			 "there, refusing to write it", path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* Opens name in dfd for writing; a link only when it is the effective user's or root's.  (The kernel itself may
 * refuse another user's link in a sticky folder, fs.protected_symlinks, with EACCES rather than ELOOP.) */
static int open_report_entry(int dfd, const char *name, const char *path, char *err, size_t errlen)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY;
	int fd = openat(dfd, name, flags | O_NOFOLLOW, 0644);
	struct stat link;

	if (fd < 0 && !fstatat(dfd, name, &link, AT_SYMLINK_NOFOLLOW) && S_ISLNK(link.st_mode)) {
		if (link.st_uid != geteuid() && link.st_uid != 0) {
			snprintf(err, errlen, "%s is a symbolic link of uid %u: refusing to follow it", path,
				 (unsigned)link.st_uid);
			return -ELOOP;
		}
		fd = openat(dfd, name, flags, 0644);
	}
	return fd < 0 ? snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno)), -errno : fd;
}

/* An existing regular file is written only when it is the effective user's own, with no other name. */
static int check_report_file(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st))
		return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (st.st_uid != geteuid() || st.st_nlink > 1) {
		snprintf(err, errlen, "%s belongs to uid %u with %u name%s: refusing to overwrite it", path,
			 (unsigned)st.st_uid, (unsigned)st.st_nlink, st.st_nlink == 1 ? "" : "s");
		return -EPERM;
	}
	return ftruncate(fd, 0) ? snprintf(err, errlen, "%s: %s", path, strerror(errno)), -errno : 0;
}

int report_file_open(const char *path, char *err, size_t errlen)
{
	char folder[4096];
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	int dfd, fd, ret;

	if (snprintf(folder, sizeof(folder), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".") >=
	    (int)sizeof(folder))
		return snprintf(err, errlen, "%s: path too long", path), -ENAMETOOLONG;
	if (!single_component(name))
		return snprintf(err, errlen, "%s: not a file name", path), -EISDIR;
	dfd = open(folder[0] ? folder : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno)), -errno;
	ret = check_report_folder(dfd, path, err, errlen);
	fd = ret ? ret : open_report_entry(dfd, name, path, err, errlen);
	close(dfd);
	if (fd < 0)
		return fd;
	ret = check_report_file(fd, path, err, errlen);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}
