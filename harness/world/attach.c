/* attach.c — verify mode's world: existing namespaces, opened by name, never changed. */
#include "harness/world/world.h"
#include "harness/base/netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What /run/netns holds, as "a, b" ("nothing" when it is empty or absent): an operator who mistyped a name
 * sees the right one. */
static void named_listing(char *buf, size_t len)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	size_t used = 0;

	buf[0] = '\0';
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && used < len)
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "", e->d_name);
	if (d)
		closedir(d);
	if (!used)
		snprintf(buf, len, "nothing");
}

static int open_named(const char *name, char *why, size_t len)
{
	static const char *const dirs[] = { "/run/netns", "/var/run/netns" };
	char path[128];
	int fd = -1;

	for (unsigned i = 0; i < 2 && fd < 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		char held[512];

		named_listing(held, sizeof(held));
		snprintf(why, len, "namespace '%s' does not exist: no /run/netns/%s (/run/netns holds: %s)", name, name,
			 held);
	}
	return fd;
}

int world_attach_check(const struct scenario *sc, const char *host_name, char *err, size_t errlen)
{
	for (unsigned i = 0; i < sc->nnetns; i++) {
		int fd;

		if (!strcmp(sc->netns[i].name, host_name))
			continue;
		fd = open_named(sc->netns[i].name, err, errlen);
		if (fd < 0)
			return -ENOENT;
		close(fd);
	}
	return 0;
}

int world_attach(struct world *w, const struct scenario *sc, const char *host_name, char *err, size_t errlen)
{
	memset(w, 0, sizeof(*w));
	w->sc = sc;
	w->attached = true;
	w->owner = -1;
	for (unsigned i = 0; i < sc->nnetns; i++) {
		struct world_ns *ns = &w->ns[i];
		int ret;

		ns->fd = ns->ioctl_fd = -1;
		w->nns = i + 1;
		if (!strcmp(sc->netns[i].name, host_name))
			ns->fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		else
			ns->fd = open_named(sc->netns[i].name, err, errlen);
		if (ns->fd < 0)
			return -ENOENT;   /* gone since world_attach_check: nothing may look at an unbound namespace */
		ret = netns_run(ns->fd, world_ns_sockets, ns);   /* sockets only: nothing a look could tell apart */
		if (ret) {
			snprintf(err, errlen, "cannot open sockets in namespace '%s': %s", sc->netns[i].name, strerror(-ret));
			return ret;
		}
	}
	return 0;
}
