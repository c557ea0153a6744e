/* diagnose_port.c — a namespace that asks its neighbours by an interface enslaved to a bridge.  What arrives on
 * a bridge port goes to the bridge (its rx handler takes every frame), never to the port's own stack: an
 * address or a route on the port sends requests out by it, and their answers come in to the bridge instead.
 * The kernel's own account: the port's IFLA_MASTER and the master's kind, read back. */
#include "harness/diagnose/diagnose_path.h"
#include "harness/base/rtnl_link.h"

#include <string.h>

bool dg_cause_bridge_port(struct dg *d, unsigned ns, const char *dev, int family, const struct addr *nh,
			  struct check *c)
{
	struct cause k = cause_of(CAUSE_ADDRESS_ON_BRIDGE_PORT);
	struct link_state port, master;
	const struct dg_addr *mine;
	char name[IFNAMSIZ];

	if (!dev[0] || link_state_read(&d->w->ns[ns].rtnl, dev, 0, NULL, &port) || !port.master ||
	    link_state_read(&d->w->ns[ns].rtnl, NULL, port.master, name, &master) || strcmp(master.kind, "bridge"))
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, ns));
	CAUSE_COPY(k.dev, dev);
	CAUSE_COPY(k.dev2, name);
	k.family = family;
	k.addr2 = *nh;
	mine = dg_addr_on(&d->addrs, ns, dev, family);
	k.flag = mine != NULL;
	if (mine)
		k.addr = mine->p.addr;
	dg_cause(c, false, &k);
	return true;
}

/* An IPv4 or IPv6 multicast group: a vxlan that floods to it has no one remote to name. */
static bool is_multicast(const struct addr *a)
{
	return a->family == AF_INET ? (a->bytes[0] & 0xf0) == 0xe0 : a->bytes[0] == 0xff;
}

bool dg_cause_vxlan_remote(struct dg *d, unsigned ns, const char *dev, struct check *c)
{
	struct cause k = cause_of(CAUSE_VXLAN_REMOTE_NOBODY);
	struct link_state st;
	unsigned holders = 0;

	/* verify mode looks at a live host, whose underlay reaches beyond the namespaces it can see */
	if (d->w->attached || !dev[0] || link_state_read(&d->w->ns[ns].rtnl, dev, 0, NULL, &st) ||
	    strcmp(st.kind, "vxlan") || !st.vxlan_remote.family || is_multicast(&st.vxlan_remote))
		return false;
	dg_addr_owner(&d->addrs, &st.vxlan_remote, &holders);
	if (holders)
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, ns));
	CAUSE_COPY(k.dev, dev);
	k.value = (int)st.vxlan_id;
	k.addr = st.vxlan_remote;
	dg_cause(c, false, &k);
	return true;
}
