/* attach.c — verify mode's world: existing namespaces, opened by name, never changed. */
#include "harness/world/world.h"
#include "harness/base/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int open_named(const char *name, char *why, size_t len)
{
	static const char *const dirs[] = { "/run/netns", "/var/run/netns" };
	char path[128];
	int fd = -1;

	for (unsigned i = 0; i < 2 && fd < 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		snprintf(why, len, "namespace '%s' does not exist (no /run/netns/%s)", name, name);
	return fd;
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
			ns->fd = open_named(sc->netns[i].name, w->missing[i], sizeof(w->missing[i]));
		if (ns->fd < 0)
			continue;
		ret = netns_run(ns->fd, world_ns_sockets, ns);   /* sockets only: nothing a look could tell apart */
		if (ret) {
			snprintf(err, errlen, "cannot open sockets in namespace '%s': %s", sc->netns[i].name, strerror(-ret));
			return ret;
		}
	}
	return 0;
}
