/* requires.c — a kernel feature is proved by doing it: the trial link is created in a throwaway namespace,
 * and the kernel's refusal names what is missing.  Nothing is created in any namespace of the world's, and
 * never in the namespace nsharness was started in. */
#define _GNU_SOURCE
#include "harness/world/requires.h"
#include "harness/base/netns.h"
#include "harness/base/nl.h"
#include "harness/base/rtnl_msg.h"
#include "harness/base/rtnl_newlink.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRIAL_PARENT "trial0"
#define TRIAL_PEER "trial1"
#define TRIAL_LINK "trial"
/* Programs run with these added to PATH (sandbox_plan.c): they are found there too. */
#define SBIN_PATH "/usr/local/sbin:/usr/sbin:/sbin"

struct trial {
	const struct link_params *p;
	char msg[NL_MSG_LEN];
	int result;               /* the trial link's answer: 0 or -errno */
};

bool link_kind_missing(int err)
{
	return err == -EOPNOTSUPP;
}

/* Runs inside the fresh namespace: a parent veth when the kind needs one, then the trial link. */
static int trial_here(void *arg)
{
	struct trial *t = arg;
	char buf[NL_BUF_SIZE];
	struct nl rtnl;
	int parent = 0, ret = nl_open_here(&rtnl, NETLINK_ROUTE, 0);

	if (ret)
		return ret;
	if (link_kinds[t->p->kind].needs_parent) {
		int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

		ret = self < 0 ? -errno : nl_talk(&rtnl, rtnl_msg_veth(buf, TRIAL_PARENT, TRIAL_PEER, self), NULL, NULL,
						  t->msg, sizeof(t->msg));
		if (self >= 0)
			close(self);
		parent = ret ? 0 : (int)if_nametoindex(TRIAL_PARENT);
	}
	if (ret == 0)
		t->result = nl_talk(&rtnl, rtnl_msg_newlink(buf, TRIAL_LINK, t->p, parent), NULL, NULL, t->msg,
				    sizeof(t->msg));
	nl_close(&rtnl);
	return ret;
}

struct sysctl_trial {
	const struct sysctl_feature *f;
	int result;               /* 0 when the namespace has the sysctl, or -errno */
};

/* Runs inside the fresh namespace: /proc/sys/net follows the thread that opens it. */
static int sysctl_here(void *arg)
{
	struct sysctl_trial *t = arg;
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", t->f->key);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	t->result = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	return 0;
}

static int require_sysctl(const struct sysctl_feature *f, char *msg, size_t msglen)
{
	struct sysctl_trial t = { .f = f };
	int fd = netns_create_with(sysctl_here, &t);

	if (fd < 0) {
		snprintf(msg, msglen, "the trial of kernel feature '%s' could not run: %s", f->word, strerror(-fd));
		return fd;
	}
	close(fd);
	if (t.result == 0)
		return 0;
	snprintf(msg, msglen, "this kernel lacks '%s' (%s): no /proc/sys/%s", f->word, f->what, f->key);
	return t.result == -ENOENT ? -ENOPKG : t.result;
}

int require_kernel(const char *word, const struct link_params *trial, char *msg, size_t msglen)
{
	struct trial t = { .p = trial };
	const struct sysctl_feature *f = sysctl_feature_find(word);
	int fd;

	if (f)
		return require_sysctl(f, msg, msglen);
	fd = netns_create_with(trial_here, &t);

	if (fd < 0) {
		snprintf(msg, msglen, "the trial of kernel feature '%s' could not run: %s", word,
			 t.msg[0] ? t.msg : strerror(-fd));
		return fd;
	}
	close(fd);
	if (t.result == 0)
		return 0;
	snprintf(msg, msglen, "this kernel lacks '%s' (%s): %s", word, trial->vlan_filtering ? "bridge VLAN filtering" :
		 link_kinds[trial->kind].feature, t.msg[0] ? t.msg : strerror(-t.result));
	return link_kind_missing(t.result) ? -ENOPKG : t.result;
}

static bool executable(const char *path)
{
	return access(path, X_OK) == 0;
}

int require_program(const char *name, char *msg, size_t msglen)
{
	const char *path = getenv("PATH");
	char *dirs, *save = NULL, full[4096];
	bool found = false;

	if (name[0] == '/')
		found = executable(name);
	else if (asprintf(&dirs, "%s:%s", path && *path ? path : "/usr/local/bin:/usr/bin:/bin", SBIN_PATH) >= 0) {
		for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save))
			found = snprintf(full, sizeof(full), "%s/%s", d, name) < (int)sizeof(full) && executable(full);
		free(dirs);
	}
	if (found)
		return 0;
	snprintf(msg, msglen, "program '%s' is not installed (not found in %s)", name, name[0] == '/' ? "its path" :
		 "PATH");
	return -ENOPKG;
}
