/* rootless.c — an unprivileged user namespace, with a precise word when the kernel refuses one. */
#define _GNU_SOURCE
#include "harness/cli/rootless.h"
#include "harness/base/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The knobs distributions use to forbid unprivileged user namespaces, and how to lift each. */
static void explain(int err, char *msg, size_t len)
{
	if (proc_read_long("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		snprintf(msg, len, "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0); "
			 "allow them with: sysctl kernel.unprivileged_userns_clone=1, or run as root");
	else if (proc_read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
		snprintf(msg, len, "AppArmor restricts unprivileged user namespaces "
			 "(kernel.apparmor_restrict_unprivileged_userns = 1); allow them with: "
			 "sysctl kernel.apparmor_restrict_unprivileged_userns=0, or run as root");
	else if (proc_read_long("/proc/sys/user/max_user_namespaces") == 0)
		snprintf(msg, len, "user namespaces are disabled (user.max_user_namespaces = 0); allow them with: "
			 "sysctl user.max_user_namespaces=15000, or run as root");
	else if (err == -ENOSPC || err == -EUSERS)
		/* unshare(2) says "No space left on device" when a user-namespace count limit is reached. */
		snprintf(msg, len, "the limit on user namespaces is reached (user.max_user_namespaces = %ld, or the "
			 "nesting depth of 32); raise it with: sysctl user.max_user_namespaces=15000, or run as root",
			 proc_read_long("/proc/sys/user/max_user_namespaces"));
	else
		snprintf(msg, len, "cannot create a user namespace: %s; run as root", strerror(-err));
}

int rootless_enter(char *msg, size_t len)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();
	int ret;

	if (unshare(CLONE_NEWUSER)) {
		ret = -errno;
		explain(ret, msg, len);
		return ret;
	}
	/* setgroups must be denied before an unprivileged process may write its gid_map. */
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	ret = proc_write("/proc/self/setgroups", "deny");
	if (ret == 0)
		ret = proc_write("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (ret == 0)
		ret = proc_write("/proc/self/gid_map", map);
	if (ret)
		snprintf(msg, len, "cannot map our ids into a user namespace: %s", strerror(-ret));
	return ret;
}
