/* diagnose_mtu.c — an MTU mismatch on one link: the sender's interface takes a packet whole, an interface
 * that receives it on the same link (its veth peer, or the next hop's own interface behind a bridge) has a
 * smaller MTU and drops it.  No router is there to answer "fragmentation needed": the probe just gets no reply.
 * The kernel's own account: each interface's IFLA_MTU, read back. */
#include "harness/diagnose/diagnose_path.h"
#include "harness/base/rtnl_link.h"

#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* The bytes of one echo request of size payload bytes as IP sends it (ICMP header and IP header). */
static unsigned packet_bytes(int family, unsigned size)
{
	return size + 8 + (family == AF_INET6 ? 40 : 20);
}

static bool mtu_of(struct dg *d, unsigned ns, const char *dev, unsigned *mtu)
{
	struct link_state st;

	if (!dev[0] || link_state_read(&d->w->ns[ns].rtnl, dev, 0, NULL, &st))
		return false;
	*mtu = st.mtu;
	return true;
}

bool dg_cause_link_mtu(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_LINK_MTU_MISMATCH);
	unsigned bytes, sent_mtu, mtu = 0, ns = 0;
	const char *dev = NULL;

	if (e->kind != EXPECT_PING || !e->u.ping.size || p->route_err || !p->cdev[0] || p->cr.type == RTN_LOCAL ||
	    !mtu_of(d, p->client, p->cdev, &sent_mtu))
		return false;
	bytes = packet_bytes(p->dst.family, e->u.ping.size);
	if (bytes > sent_mtu)   /* the sender fragments it (or, with df, refuses it: the probe says so) */
		return false;
	/* The first receiving interface on the link that is too small: the veth peer, then the next hop's own. */
	if (p->has_link_peer && mtu_of(d, p->link_peer.ns, p->link_peer.name, &mtu) && mtu < bytes) {
		ns = p->link_peer.ns;
		dev = p->link_peer.name;
	} else if (p->nh_owner && p->nh_owner->ns != p->client && mtu_of(d, p->nh_owner->ns, p->nh_owner->ifname, &mtu) &&
		   mtu < bytes) {
		ns = p->nh_owner->ns;
		dev = p->nh_owner->ifname;
	}
	if (!dev)
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, p->client));
	CAUSE_COPY(k.dev, p->cdev);
	k.value = (int)sent_mtu;
	CAUSE_COPY(k.ns2, dg_ns(d, ns));
	CAUSE_COPY(k.dev2, dev);
	k.port = mtu;
	k.count = bytes;
	k.addr = p->dst;
	dg_cause(c, false, &k);
	return true;
}
