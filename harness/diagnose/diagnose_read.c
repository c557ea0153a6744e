/* diagnose_read.c — the facts a diagnosis reads: every namespace's addresses, rp_filter drops, a saved rule line. */
#include "harness/diagnose/diagnose_facts.h"
#include "harness/base/netns.h"
#include "harness/base/rtnl_link.h"
#include "harness/base/rtnl_msg.h"
#include "harness/sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DG_TABLE_NAME 64

struct addr_read {
	struct dg_addrs *m;
	unsigned ns;
};

static int addr_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	unsigned type = mnl_attr_get_type(a);

	if (type == IFA_ADDRESS || type == IFA_LOCAL)
		tb[type] = a;
	return MNL_CB_OK;
}

static int on_addr(const struct nlmsghdr *nlh, void *data)
{
	struct addr_read *ar = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { NULL };
	const struct nlattr *a;
	struct dg_addr *e;
	unsigned len;

	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_scope != RT_SCOPE_UNIVERSE || ar->m->n == DG_MAX_ADDRS)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, tb);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];   /* IFA_LOCAL is ours on a point-to-point link */
	len = ifa->ifa_family == AF_INET6 ? 16 : 4;
	if (!a || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) || mnl_attr_get_payload_len(a) != len)
		return MNL_CB_OK;
	e = &ar->m->v[ar->m->n++];
	memset(e, 0, sizeof(*e));
	e->ns = ar->ns;
	e->ifindex = (int)ifa->ifa_index;
	e->p.addr.family = ifa->ifa_family;
	memcpy(e->p.addr.bytes, mnl_attr_get_payload(a), len);
	e->p.len = ifa->ifa_prefixlen;
	return MNL_CB_OK;
}

static int addrs_of(struct world *w, unsigned ns, struct dg_addrs *m)
{
	char buf[NL_BUF_SIZE], msg[NL_MSG_LEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	struct addr_read ar = { m, ns };
	unsigned first = m->n;
	int ret;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	ret = nl_talk(&w->ns[ns].rtnl, nlh, on_addr, &ar, msg, sizeof(msg));
	for (unsigned i = first; i < m->n; i++) {
		struct link_state st;

		if (link_state_read(&w->ns[ns].rtnl, NULL, m->v[i].ifindex, m->v[i].ifname, &st))
			snprintf(m->v[i].ifname, sizeof(m->v[i].ifname), "if%d", m->v[i].ifindex);
	}
	return ret;
}

int dg_addrs_read(struct world *w, struct dg_addrs *out)
{
	int first = 0;

	out->n = 0;
	for (unsigned i = 0; i < w->nns; i++) {
		int ret = addrs_of(w, i, out);

		if (ret && !first)
			first = ret;
	}
	return first;
}

const struct dg_addr *dg_addr_owner(const struct dg_addrs *m, const struct addr *a, unsigned *count)
{
	const struct dg_addr *first = NULL;

	*count = 0;
	for (unsigned i = 0; i < m->n; i++)
		if (addr_equal(&m->v[i].p.addr, a)) {
			if (!first)
				first = &m->v[i];
			(*count)++;
		}
	return first;
}

const struct dg_addr *dg_addr_on(const struct dg_addrs *m, unsigned ns, const char *ifname, int family)
{
	for (unsigned i = 0; i < m->n; i++)
		if (m->v[i].ns == ns && m->v[i].p.addr.family == family && !strcmp(m->v[i].ifname, ifname))
			return &m->v[i];
	return NULL;
}

struct netstat_read {
	char text[16384];
	uint64_t drops;
};

/* Runs inside the namespace: /proc/thread-self/net is the calling thread's namespace's, not the process's. */
static int read_netstat(void *arg)
{
	struct netstat_read *r = arg;
	int fd = open("/proc/thread-self/net/netstat", O_RDONLY | O_CLOEXEC);
	size_t used = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (used < sizeof(r->text) - 1 && (n = read(fd, r->text + used, sizeof(r->text) - 1 - used)) > 0)
		used += (size_t)n;
	r->text[used] = '\0';
	close(fd);
	return dg_netstat_field(r->text, "TcpExt", "IPReversePathFilter", &r->drops);
}

int dg_rp_drops(int nsfd, uint64_t *drops)
{
	struct netstat_read *r = malloc(sizeof(*r));
	int ret = r ? netns_run(nsfd, read_netstat, r) : -ENOMEM;

	*drops = ret ? 0 : r->drops;
	free(r);
	return ret;
}

bool dg_saved_rule(const struct world *w, unsigned ns, const char *tool, const char *table, const char *chain,
		   unsigned pos, char *text, size_t len)
{
	char table_arg[DG_TABLE_NAME], tool_arg[32], msg[256], want[DG_TABLE_NAME + 8];
	char *const argv[] = { tool_arg, "-t", table_arg, NULL };
	struct sandbox_run run = { .nsfd = w->ns[ns].fd, .argv = argv, .timeout_ms = (unsigned)w->waits.program_ms };
	struct sandbox_result r;
	bool found = false;
	unsigned k = 0;

	if (w->attached)
		return false;   /* a live host's namespaces are no sandbox's */
	snprintf(table_arg, sizeof(table_arg), "%s", table);
	snprintf(tool_arg, sizeof(tool_arg), "%s", tool);
	snprintf(want, sizeof(want), "-A %s ", chain);
	if (sandbox_exec(&run, &r, msg, sizeof(msg)))
		return false;
	for (char *line = r.status == 0 ? r.output : NULL, *next; line && *line && !found; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (strncmp(line, want, strlen(want)))
			continue;
		if (k++ == pos) {
			snprintf(text, len, "%s", line);
			found = true;
		}
	}
	sandbox_result_free(&r);
	return found;
}
