/* diagnose_listen.c — a refused connection, as the destination namespace's own socket table tells it.
 *
 * A TCP reset or a UDP "port unreachable" from the namespace that holds the destination says that no socket
 * took the flow there.  The kernel's socket table (NETLINK_SOCK_DIAG) says which sockets of the protocol are
 * bound to the port, and where; conntrack says where a destination NAT (a DNAT, a REDIRECT) sent the flow,
 * port included.  Whoever started the server (a `listen` step, a `service`, a program) is the same to it. */
#include "harness/diagnose/diagnose_path.h"
#include "harness/base/nl.h"
#include "harness/world/conntrack.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

/* ---- where a destination NAT sent the probe ---- */

struct nat_find {
	int proto;
	struct addr dst;          /* the destination the probe was sent to */
	uint16_t port;
	struct addr to;           /* where the entry's reply comes from: the translated destination */
	uint16_t to_port;
	bool found;
};

static int nat_entry(const struct ct_entry *e, void *arg)
{
	struct nat_find *f = arg;

	if (!(e->status & IPS_DST_NAT) || e->orig.proto != f->proto || e->orig.dport != f->port ||
	    !addr_equal(&e->orig.dst, &f->dst))
		return 0;
	f->to = e->reply.src;
	f->to_port = e->reply.sport;
	f->found = true;
	return 1;
}

/* ---- the sockets bound to a port ---- */

struct bound {
	int proto;
	uint16_t port;
	const struct addr *dst;   /* the probe's destination */
	bool any;                 /* some socket is bound to the port */
	bool takes;               /* one of them takes a flow to dst */
	struct addr where;        /* the first one's address, when none takes it */
	bool v6only;              /* that one is IPv6-only and dst IPv4 */
};

static int on_attr(const struct nlattr *a, void *data)
{
	bool *v6only = data;

	if (mnl_attr_get_type(a) == INET_DIAG_SKV6ONLY && mnl_attr_get_payload_len(a) >= 1)
		*v6only = *(const uint8_t *)mnl_attr_get_payload(a) != 0;
	return MNL_CB_OK;
}

static bool is_any(const struct addr *a)
{
	static const uint8_t zero[16];

	return !memcmp(a->bytes, zero, a->family == AF_INET ? 4 : 16);
}

/* An IPv6 socket's address as the IPv4 one it stands for (::ffff:a.b.c.d), or false. */
static bool v4_mapped(const struct addr *a, struct addr *v4)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (a->family != AF_INET6 || memcmp(a->bytes, prefix, sizeof(prefix)))
		return false;
	v4->family = AF_INET;
	memset(v4->bytes, 0, sizeof(v4->bytes));
	memcpy(v4->bytes, a->bytes + 12, 4);
	return true;
}

static int on_socket(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct bound *b = data;
	struct addr a = { 0 }, mapped;
	bool v6only = false, takes;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY || mnl_nlmsg_get_payload_len(nlh) < sizeof(*m) ||
	    ntohs(m->id.idiag_sport) != b->port || (m->idiag_family != AF_INET && m->idiag_family != AF_INET6))
		return MNL_CB_OK;
	a.family = m->idiag_family;
	memcpy(a.bytes, m->id.idiag_src, a.family == AF_INET ? 4 : 16);
	mnl_attr_parse(nlh, sizeof(*m), on_attr, &v6only);
	if (a.family == b->dst->family)
		takes = is_any(&a) || addr_equal(&a, b->dst);
	else if (b->dst->family == AF_INET)   /* an IPv6 socket takes IPv4 unless it is IPv6-only */
		takes = !v6only && (is_any(&a) || (v4_mapped(&a, &mapped) && addr_equal(&mapped, b->dst)));
	else
		takes = false;
	if (takes)
		b->takes = true;
	else if (!b->any) {
		b->where = a;
		b->v6only = v6only && a.family == AF_INET6 && b->dst->family == AF_INET;
	}
	b->any = true;
	return MNL_CB_OK;
}

/* The sockets of b->proto bound to b->port in namespace nsfd (TCP: listening; UDP: bound, unconnected), both
 * families.  False when the table cannot be read. */
static bool read_bound(int nsfd, struct bound *b)
{
	static const int families[] = { AF_INET, AF_INET6 };
	char req[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_req_v2))], msg[256];
	bool ok = true;
	struct nl nl;

	if (nl_open(&nl, nsfd, NETLINK_SOCK_DIAG, 0))
		return false;
	for (unsigned i = 0; i < 2 && ok; i++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
		struct inet_diag_req_v2 *r;

		nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));
		r->sdiag_family = (uint8_t)families[i];
		r->sdiag_protocol = (uint8_t)b->proto;
		r->idiag_states = b->proto == IPPROTO_TCP ? 1u << TCP_LISTEN : 1u << TCP_CLOSE;
		ok = nl_talk(&nl, nlh, on_socket, b, msg, sizeof(msg)) == 0;
	}
	nl_close(&nl);
	return ok;
}

bool dg_cause_listener(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c)
{
	int proto = e->kind == EXPECT_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	struct nat_find f = { 0 };
	struct bound b = { 0 };
	bool traced = false;
	struct cause k;
	unsigned owner, translator;

	if ((e->kind != EXPECT_TCP && e->kind != EXPECT_UDP) || e->u.conn.outcome != CONN_CONNECTED ||
	    !dg_refused(c) || !p->dst_owner || p->ndst_owners != 1)
		return false;
	owner = p->dst_owner->ns;
	/* The translator: the router the path followed a DNAT through, or the destination itself (REDIRECT, or a
	 * DNAT to another port of its own address). */
	translator = p->dnat && p->router >= 0 ? (unsigned)p->router : owner;
	f.proto = proto;
	f.dst = p->dnat ? p->dnat_from : p->dst;
	f.port = (uint16_t)e->u.conn.port;
	conntrack_dump(d->w->ns[translator].fd, nat_entry, &f);
	/* a TCP flow refused at once leaves no conntrack entry (a reset as the only answer ends it): the kernel's
	 * trace of the probe saw where the translation sent it */
	if (!f.found && c->traced_nat && c->nat_dst.family == f.dst.family) {
		f.to = c->nat_dst;
		f.to_port = (uint16_t)c->nat_port;
		f.found = traced = true;
		translator = c->nat_ns < d->w->nns ? c->nat_ns : translator;
	}
	b.proto = proto;
	b.port = f.found ? f.to_port : (uint16_t)e->u.conn.port;
	b.dst = f.found ? &f.to : &p->dst;
	if (f.found) {
		const struct dg_addr *o = dg_addr_owner(&d->addrs, &f.to, &(unsigned){ 0 });

		if (!o)
			return false;
		owner = o->ns;
	}
	if (!read_bound(d->w->ns[owner].fd, &b) || b.takes)
		return false;
	if (b.any) {
		k = cause_of(CAUSE_LISTENER_ELSEWHERE);
		k.addr2 = b.where;
		k.flag = b.v6only;
	} else if (f.found && (f.to_port != e->u.conn.port || !addr_equal(&f.to, &f.dst))) {
		k = cause_of(CAUSE_NAT_TO_NO_LISTENER);
		CAUSE_COPY(k.ns2, dg_ns(d, translator));
		k.addr2 = f.dst;
		k.value = (int)e->u.conn.port;
		k.flag = traced;
	} else
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, owner));
	CAUSE_COPY(k.word, proto == IPPROTO_TCP ? "tcp" : "udp");
	k.port = b.port;
	k.addr = *b.dst;
	dg_cause(c, false, &k);
	return true;
}
