/* outfile.h — creating output folders and files without following links into someone else's files.
 *
 * nsharness often runs as root and writes where a user told it (--out, --tap FILE, --junit FILE), in folders
 * other users may own.  A planted symbolic link (or hard link) must never make it overwrite a file that is
 * not its own.  The rules:
 *  - a folder is "ours" when its owner is the effective user and no other user can write it (group/world
 *    write only with the sticky bit, where others cannot remove or rename what is ours);
 *  - the --out folder, and every folder and file under it, is opened without following any link, relative to
 *    the folder's descriptor; every folder under it must be ours; files are replaced (unlinked, then created
 *    with O_EXCL), never written through;
 *  - a report FILE is opened without following a link in its last component unless that link belongs to the
 *    effective user or root and sits in a folder only they can change; its folder must be owned by the
 *    effective user or root and not writable by another user; an existing regular file must be the effective
 *    user's own with no other hard link.
 * Every function writes why it refused into err (a sentence naming the path) and returns -errno. */
#ifndef NSH_OUTFILE_H
#define NSH_OUTFILE_H

#include <stddef.h>

/* A folder being written: its descriptor, and its path as reports show it. */
struct out_folder {
	int fd;
	char path[4096];
};

/* Opens the folder path (made, with its missing parents, mode 0755), following no link in it except a
 * root-owned one in a folder only root can write (/var/run).  The folder must be ours, and so must every
 * folder already inside it, to two levels (OUT/SCENARIO/STAGE); no link may be inside them.  Returns a
 * directory descriptor (O_CLOEXEC) or -errno. */
int outdir_open(const char *path, char *err, size_t errlen);

/* The folder name inside the folder dfd (made when missing, mode 0755), opened without following a link, and
 * ours.  shown names it in err.  Returns a descriptor or -errno. */
int outdir_sub(int dfd, const char *name, const char *shown, char *err, size_t errlen);

/* Replaces the file name inside the folder dfd: removes what is there (a file or a link, never followed) and
 * creates a new file, mode 0644, with O_EXCL.  Returns a descriptor opened for writing or -errno. */
int outfile_create(int dfd, const char *name, const char *shown, char *err, size_t errlen);

/* Opens the report file path for writing (truncated), by the rules above.  A character device or FIFO (such
 * as /dev/stdout) is opened as it is.  Returns a descriptor or -errno. */
int report_file_open(const char *path, char *err, size_t errlen);

#endif
