/* diagnose_path.c — a probe's way through the world, hop by hop, read back from the kernel as evidence. */
#include "harness/diagnose/diagnose_path.h"
#include "harness/scenario/kinds.h"
#include "harness/base/netns.h"
#include "harness/base/rtnl_link.h"
#include "harness/world/conntrack.h"
#include "probes/fib.h"
#include "probes/neigh.h"
#include "reports/cause_text.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/neighbour.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

const char *dg_ns(const struct dg *d, unsigned ns)
{
	return d->w->sc->netns[ns].name;
}

void dg_neigh_word(int state, char *word, size_t len)
{
	if (state > 0 && (state & (NUD_FAILED | NUD_INCOMPLETE)))
		snprintf(word, len, "unresolved");
	else
		neigh_state_name(state, word, len);
}

const char *dg_forwarding_key(int family)
{
	return family == AF_INET6 ? "net.ipv6.conf.all.forwarding" : "net.ipv4.ip_forward";
}

/* The destination a traffic probe was sent to, or NULL for expectations that send nothing. */
static const struct addr *probe_destination(const struct expect *e)
{
	struct expect_flow f;

	return expect_flow_of(e, &f) ? f.dst : NULL;
}

int dg_lookup(struct dg *d, unsigned ns, const struct addr *dst, struct route_info *r, char *dev)
{
	char msg[NL_MSG_LEN];
	struct link_state st;
	int ret = route_lookup(&d->w->ns[ns].rtnl, dst, r, msg, sizeof(msg));

	dev[0] = '\0';
	if (ret == 0 && r->oif && link_state_read(&d->w->ns[ns].rtnl, NULL, r->oif, dev, &st))
		snprintf(dev, IFNAMSIZ, "if%d", r->oif);
	return ret;
}

/* The entry holding a on the other end of the client's link, or NULL. */
static const struct dg_addr *on_link_peer(struct dg *d, const struct dg_path *p, const struct addr *a)
{
	for (unsigned i = 0; p->has_link_peer && i < d->addrs.n; i++) {
		const struct dg_addr *x = &d->addrs.v[i];

		if (x->ns == p->link_peer.ns && !strcmp(x->ifname, p->link_peer.name) && addr_equal(&x->p.addr, a))
			return x;
	}
	return NULL;
}

static void client_hop(struct dg *d, struct dg_path *p)
{
	const struct dg_addr *own;

	p->route_err = dg_lookup(d, p->client, &p->dst, &p->cr, p->cdev);
	if (p->route_err)
		return;
	p->has_src = p->cr.has_prefsrc;
	p->src = p->cr.prefsrc;
	own = p->cdev[0] ? dg_addr_on(&d->addrs, p->client, p->cdev, p->dst.family) : NULL;
	if (!p->has_src && own) {
		p->has_src = true;
		p->src = own->p.addr;
	}
	p->nh = p->cr.has_gateway ? p->cr.gateway : p->dst;
	if (p->cr.type == RTN_UNICAST && p->cr.oif)
		p->nh_state = neigh_state(&d->w->ns[p->client].rtnl, p->cr.oif, &p->nh);
	p->has_link_peer = p->cdev[0] && scenario_veth_peer(d->w->sc, p->client, p->cdev, &p->link_peer);
	if (p->has_src)
		p->src_dup = on_link_peer(d, p, &p->src);
}

/* Where the probe enters the router: the veth peer of the client's device, else the interface holding nh. */
static void router_entry(struct dg_path *p)
{
	if (p->has_link_peer && (int)p->link_peer.ns == p->router)
		snprintf(p->riif, sizeof(p->riif), "%s", p->link_peer.name);
	else if (p->nh_owner && (int)p->nh_owner->ns == p->router)
		snprintf(p->riif, sizeof(p->riif), "%s", p->nh_owner->ifname);
}

struct snat_find {
	struct dg_path *p;
	struct addr sent_to;           /* the probe's destination as the client sent it */
};

/* The probe's own entry (its source and destination in the original direction) with source NAT: the reply
 * tuple's destination is the source the destination saw, whoever installed the rule that chose it. */
static int snat_entry(const struct ct_entry *e, void *arg)
{
	struct snat_find *f = arg;

	if (!ct_entry_is_snat(e) || !addr_equal(&e->orig.src, &f->p->rsrc) || !addr_equal(&e->orig.dst, &f->sent_to))
		return 0;
	f->p->seen = e->reply.dst;
	f->p->snat_ct = true;
	ct_entry_str(e, f->p->snat_entry, sizeof(f->p->snat_entry));
	return 1;
}

struct track_find {
	const struct addr *src, *dst;
};

static int track_entry(const struct ct_entry *e, void *arg)
{
	const struct track_find *f = arg;

	return addr_equal(&e->orig.src, f->src) && (!f->dst || addr_equal(&e->orig.dst, f->dst));
}

bool dg_flow_tracked(struct dg *d, unsigned ns, const struct addr *src, const struct addr *dst)
{
	struct track_find f = { src, dst };

	return conntrack_dump(d->w->ns[ns].fd, track_entry, &f) != 0;
}

static void router_nat(struct dg *d, struct dg_path *p)
{
	struct dg_packet pk = { p->dst.family, p->riif, p->roif, p->rsrc, p->dst, CT_NEW };
	struct snat_find f = { p, p->dnat ? p->dnat_from : p->dst };
	const struct dg_addr *out;

	p->nat = dg_nat_for(d->w, (unsigned)p->router, &pk, &p->nat_rules, &p->nat_why);
	if (!p->nat) {   /* the kernel's own account: what conntrack says was done to the probe */
		conntrack_dump(d->w->ns[p->router].fd, snat_entry, &f);
		/* a user's rule may take the flow, yet conntrack holds nothing of it: it crossed untracked */
		if (!p->snat_ct && p->nat_rules && p->nat_why.kind == NAT_MISS_NONE && !d->w->attached &&
		    !dg_flow_tracked(d, (unsigned)p->router, &p->rsrc, &f.sent_to)) {
			p->nat_why.kind = NAT_MISS_UNTRACKED;
			CAUSE_COPY(p->nat_why.ns, dg_ns(d, (unsigned)p->router));
		}
		return;
	}
	if (p->nat->kind == STEP_SNAT)
		p->seen = p->nat->u.nat.to;
	else if (p->rr.has_prefsrc)
		p->seen = p->rr.prefsrc;
	else if ((out = dg_addr_on(&d->addrs, (unsigned)p->router, p->roif, p->dst.family)))
		p->seen = out->p.addr;
}

/* A sysctl written the sysctl(8) way ("net.ipv4.ip_forward"), or "?" when it cannot be read. */
static void sysctl_dotted(int nsfd, const char *dotted, char *value, size_t len)
{
	char key[64];

	snprintf(key, sizeof(key), "%s", dotted);
	for (char *k = key; *k; k++)
		*k = *k == '.' ? '/' : *k;
	if (netns_sysctl_read(nsfd, key, value, len))
		snprintf(value, len, "?");
}

/* The interface's own forwarding key: IPv4 forwards by the incoming interface's conf.IN.forwarding (ip_forward
 * only sets every interface's); IPv6 by conf.all.forwarding, or the incoming interface's force_forwarding
 * (kernel 6.17 and later; "?" where it does not exist). */
static void if_forwarding(int nsfd, int family, const char *ifname, char *key, size_t keylen, char *value, size_t len)
{
	snprintf(key, keylen, family == AF_INET6 ? "net.ipv6.conf.%s.force_forwarding" : "net.ipv4.conf.%s.forwarding",
		 ifname);
	sysctl_dotted(nsfd, key, value, len);
}

/* A rule is one of the kernel's defaults when it selects nothing and looks up local, main or default. */
static bool rule_is_default(const struct fib_rule *r)
{
	return r->action == FR_ACT_TO_TBL && !r->src_len && !r->dst_len && !r->iif[0] && !r->oif[0] && !r->mask &&
	       !r->invert && (r->table == RT_TABLE_LOCAL || r->table == RT_TABLE_MAIN || r->table == RT_TABLE_DEFAULT);
}

/* Which policy rule and which route the router's kernel took for the forwarded packet, replayed over its rules
 * and routes as read back (fib.h): the account behind the lookup's answer. */
static void router_fib(struct dg *d, struct dg_path *p)
{
	struct fib_packet pk = { p->rsrc, p->dst, p->riif, "", p->rmark };
	struct fib *f = malloc(sizeof(*f));
	struct fib_choice ch;
	char dev[IFNAMSIZ] = "";
	struct link_state st;

	if (!f || fib_read(&d->w->ns[p->router].rtnl, p->dst.family, f)) {
		free(f);
		return;
	}
	ch = fib_choose(f, &pk);
	if (ch.rule >= 0) {
		fib_rule_str(&f->rules[ch.rule], f->family, p->rrule, sizeof(p->rrule));
		p->rrule_user = !rule_is_default(&f->rules[ch.rule]);
		p->rrule_drops = ch.route < 0;
	}
	if (ch.route >= 0) {
		const struct fib_route *r = &f->routes[ch.route];

		if (r->oif)
			link_state_read(&d->w->ns[p->router].rtnl, NULL, r->oif, dev, &st);
		fib_route_str(r, dev, p->rroute, sizeof(p->rroute));
		p->rtype = r->type;
		snprintf(p->rtable, sizeof(p->rtable), "%s", r->table == RT_TABLE_MAIN ? "main" : "");
		if (r->table != RT_TABLE_MAIN)
			snprintf(p->rtable, sizeof(p->rtable), "%u", r->table);
	}
	free(f);
}

/* A lookup with iif refused as a martian (-EINVAL; -EXDEV on older kernels) where the source fails the
 * reverse-path check: rp_filter on riif (IPv4) is strict and the router routes the source out of another
 * interface or not at all, or loose and has no route to it. */
static bool reverse_path_fails(struct dg *d, struct dg_path *p, int ret)
{
	char all[16], dev[16], key[96];
	struct route_info r;
	int fd = d->w->ns[p->router].fd, err;

	if ((ret != -EINVAL && ret != -EXDEV) || p->dst.family != AF_INET)
		return false;
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/rp_filter", p->riif);
	if (netns_sysctl_read(fd, "net/ipv4/conf/all/rp_filter", all, sizeof(all)) ||
	    netns_sysctl_read(fd, key, dev, sizeof(dev)))
		return false;
	p->rpf_value = dg_rp_effective(atoi(all), atoi(dev));
	if (p->rpf_value <= 0)
		return false;
	err = dg_lookup(d, (unsigned)p->router, &p->rsrc, &r, p->rpf_out);
	if (err)
		p->rpf_out[0] = '\0';
	return err || (p->rpf_value == 1 && strcmp(p->rpf_out, p->riif));
}

/* The router's lookup as the forwarded packet gets it: from the client's source, in on riif.  A refusal that
 * is no route's (rp_filter's -EXDEV, a martian's or a down link's) is no answer about routes: then the plain
 * lookup stands (and a failed reverse-path check is noted). */
static void router_lookup(struct dg *d, struct dg_path *p)
{
	char msg[NL_MSG_LEN];
	struct link_state st;
	struct nl *rtnl = &d->w->ns[p->router].rtnl;
	int ret;

	p->rroute_err = dg_lookup(d, (unsigned)p->router, &p->dst, &p->rr, p->roif);
	if (!p->riif[0] || !p->has_src || link_state_read(rtnl, p->riif, 0, NULL, &st))
		return;
	/* the mark the kernel routed the probe by, as the trace's last prerouting event of it saw it */
	if (!fw_trace_route_mark(d->w->fw.trace[p->router], &p->rsrc, &p->dst, &p->rmark))
		p->rmark = 0;
	ret = route_lookup_in(rtnl, &p->dst, &p->rsrc, st.ifindex, p->rmark, false, &p->rr, msg, sizeof(msg));
	if (ret == -EINVAL && reverse_path_fails(d, p, ret))
		p->rpf_drops = true;
	if (p->rpf_drops || (ret && ret != -ENETUNREACH && ret != -EHOSTUNREACH && ret != -EACCES && ret != -EINVAL)) {
		if (ret == -EXDEV)
			p->rpf_drops = reverse_path_fails(d, p, ret);
		p->rroute_err = dg_lookup(d, (unsigned)p->router, &p->dst, &p->rr, p->roif);
		return;
	}
	p->rlookup_iif = true;
	p->rroute_err = ret;
	p->roif[0] = '\0';
	if (ret == 0 && p->rr.oif && link_state_read(rtnl, NULL, p->rr.oif, p->roif, &st))
		snprintf(p->roif, sizeof(p->roif), "if%d", p->rr.oif);
}

static void router_hop(struct dg *d, struct dg_path *p)
{
	int other = p->dst.family == AF_INET6 ? AF_INET : AF_INET6;
	int fd = d->w->ns[p->router].fd;

	if (!p->riif[0])
		router_entry(p);
	sysctl_dotted(fd, dg_forwarding_key(p->dst.family), p->fwd, sizeof(p->fwd));
	sysctl_dotted(fd, dg_forwarding_key(other), p->fwd_other, sizeof(p->fwd_other));
	if (p->riif[0])
		if_forwarding(fd, p->dst.family, p->riif, p->fwd_in_key, sizeof(p->fwd_in_key), p->fwd_in,
			      sizeof(p->fwd_in));
	router_lookup(d, p);
	router_fib(d, p);
	if (p->roif[0])
		if_forwarding(fd, p->dst.family, p->roif, p->fwd_back_key, sizeof(p->fwd_back_key), p->fwd_back,
			      sizeof(p->fwd_back));
	if (p->rroute_err == 0) {
		p->rnh = p->rr.has_gateway ? p->rr.gateway : p->dst;
		if (p->rr.type == RTN_UNICAST && p->rr.oif)
			p->rnh_state = neigh_state(&d->w->ns[p->router].rtnl, p->rr.oif, &p->rnh);
		dg_addr_owner(&d->addrs, &p->rnh, &p->nrnh_owners);
	}
	if (p->rroute_err == 0 && p->has_src)
		router_nat(d, p);
}

/* The router passes the packet on: it forwards, its route has an answer, its next hop answers. */
static bool router_passes(const struct dg_path *p)
{
	return !p->rroute_err && !p->rpf_drops && strcmp(p->fwd, "0") &&
	       (p->dst.family == AF_INET6 || strcmp(p->fwd_in, "0")) &&
	       !(p->rnh_state > 0 && (p->rnh_state & (NUD_FAILED | NUD_INCOMPLETE)));
}

/* The router's per-hop findings, cleared for the next router of the row. */
static void router_clear(struct dg_path *p)
{
	p->riif[0] = p->roif[0] = '\0';
	p->rroute_err = 0;
	memset(&p->rr, 0, sizeof(p->rr));
	p->fwd[0] = p->fwd_other[0] = p->fwd_in_key[0] = p->fwd_in[0] = p->fwd_back_key[0] = p->fwd_back[0] = '\0';
	p->rlookup_iif = p->rrule_user = p->rrule_drops = p->nat_rules = p->snat_ct = p->rpf_drops = false;
	p->rroute[0] = p->rtable[0] = p->rrule[0] = p->snat_entry[0] = p->rpf_out[0] = '\0';
	p->rtype = p->rpf_value = 0;
	p->rmark = 0;
	p->nat = NULL;
	memset(&p->nat_why, 0, sizeof(p->nat_why));
	memset(&p->rnh, 0, sizeof(p->rnh));
	p->rnh_state = -1;
	p->nrnh_owners = 0;
}

/* The next router of a row: the one namespace holding the router's next hop, when that is not the destination
 * (nor the router, nor the client), and the walk has not reached the router `expect forwarded` names.  The
 * router just left becomes a hop of the path. */
static bool next_router(struct dg *d, const struct expect *e, struct dg_path *p)
{
	char a[ADDR_STRLEN], g[ADDR_STRLEN], s[ADDR_STRLEN];
	const struct dg_addr *o;
	unsigned n = 0;
	struct dg_hop *h;

	if (p->nhops >= DG_HOPS || !router_passes(p) || !p->rr.has_gateway ||
	    (e->kind == EXPECT_FORWARDED && (int)e->u.forwarded.out.ns == p->router))
		return false;
	o = dg_addr_owner(&d->addrs, &p->rnh, &n);
	if (!o || n != 1 || (int)o->ns == p->router || o->ns == p->client ||
	    (p->dst_owner && p->dst_owner->ns == o->ns))
		return false;
	h = &p->hops[p->nhops++];
	h->ns = (unsigned)p->router;
	h->src = p->rsrc;
	snprintf(h->line, sizeof(h->line), "%s (a router on the way): in on %s from %s, route to %s via %s dev %s",
		 dg_ns(d, (unsigned)p->router), p->riif[0] ? p->riif : "?", addr_str(&p->rsrc, s, sizeof(s)),
		 addr_str(&p->dst, a, sizeof(a)), addr_str(&p->rnh, g, sizeof(g)), p->roif[0] ? p->roif : "?");
	if (p->nat || p->snat_ct)
		p->rsrc = p->seen;
	router_clear(p);
	p->router = (int)o->ns;
	snprintf(p->riif, sizeof(p->riif), "%s", o->ifname);
	return true;
}

/* The router: named by `expect forwarded`, else the holder of the next hop (the one at the other end of the
 * client's link, or the only one) when the destination is not its. */
static int find_router(const struct expect *e, const struct dg_path *p)
{
	if (e->kind == EXPECT_FORWARDED && (!p->nh_owner || p->nh_owner->ns == p->client ||
					     p->nh_owner->ns == e->u.forwarded.out.ns))
		return (int)e->u.forwarded.out.ns;
	if (!p->nh_owner || p->nh_owner->ns == p->client)
		return -1;
	if (p->dst_owner && p->dst_owner->ns == p->nh_owner->ns)
		return -1;
	return (int)p->nh_owner->ns;
}

struct dnat_find {
	const struct dg_path *p;
	struct addr to;
	bool found;
};

/* The probe's own entry (its source and destination in the original direction) with DST_NAT: the reply
 * tuple's source is where the kernel sent it. */
static int dnat_entry(const struct ct_entry *e, void *arg)
{
	struct dnat_find *f = arg;

	if (!(e->status & IPS_DST_NAT) || !addr_equal(&e->orig.src, &f->p->src) || !addr_equal(&e->orig.dst, &f->p->dst))
		return 0;
	f->to = e->reply.src;
	f->found = true;
	return 1;
}

/* A destination that is the next hop's own address may be translated there (DNAT): then that namespace is the
 * router and the path goes on to the translated destination, as conntrack says. */
static void follow_dnat(struct dg *d, struct dg_path *p)
{
	struct dnat_find f = { p, { 0 }, false };

	if (p->router >= 0 || !p->has_src || !p->nh_owner || !p->dst_owner || p->dst_owner->ns == p->client ||
	    p->dst_owner->ns != p->nh_owner->ns)
		return;
	conntrack_dump(d->w->ns[p->dst_owner->ns].fd, dnat_entry, &f);
	if (!f.found || addr_equal(&f.to, &p->dst))
		return;
	p->router = (int)p->dst_owner->ns;
	p->dnat = true;
	p->dnat_from = p->dst;
	p->dst = f.to;
	p->dst_owner = dg_addr_owner(&d->addrs, &p->dst, &p->ndst_owners);
}

void dg_path_build(struct dg *d, const struct expect *e, struct dg_path *p)
{
	memset(p, 0, sizeof(*p));
	p->client = e->ns;
	p->dst = *probe_destination(e);
	p->nh_state = -1;
	p->router = -1;
	client_hop(d, p);
	p->dst_owner = dg_addr_owner(&d->addrs, &p->dst, &p->ndst_owners);
	if (p->route_err)
		return;
	p->nh_owner = dg_addr_owner(&d->addrs, &p->nh, &p->nnh_owners);
	if (on_link_peer(d, p, &p->nh))
		p->nh_owner = on_link_peer(d, p, &p->nh);
	else if (p->nnh_owners > 1)
		p->nh_owner = NULL;   /* held in several places, none of them on the link: no one to name */
	p->seen = p->src;
	p->rsrc = p->src;
	p->rnh_state = -1;
	p->router = find_router(e, p);
	follow_dnat(d, p);
	if (p->router < 0)
		return;
	router_hop(d, p);
	while (next_router(d, e, p))
		router_hop(d, p);
}

/* "blue: route to 198.51.100.2 via 10.1.1.2 dev veth1 src 10.1.1.1; neighbour 10.1.1.2 REACHABLE" */
static void client_evidence(struct dg *d, const struct dg_path *p, struct check *c)
{
	char a[ADDR_STRLEN], g[ADDR_STRLEN], s[ADDR_STRLEN], states[96], line[320];
	const char *ns = dg_ns(d, p->client);
	int n;

	addr_str(&p->dst, a, sizeof(a));
	if (p->route_err) {
		check_evidence(c, "%s: no route to %s (%s)", ns, a, strerror(-p->route_err));
		return;
	}
	if (p->cr.type == RTN_LOCAL) {
		check_evidence(c, "%s: %s is its own address (a local route: delivered through lo)", ns, a);
		return;
	}
	n = snprintf(line, sizeof(line), "%s: route to %s", ns, a);
	if (p->cr.has_gateway)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " via %s", addr_str(&p->cr.gateway, g, sizeof(g)));
	n += snprintf(line + n, sizeof(line) - (size_t)n, " dev %s", p->cdev[0] ? p->cdev : "?");
	if (p->has_src)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " src %s", addr_str(&p->src, s, sizeof(s)));
	if (p->nh_state >= 0)
		snprintf(line + n, sizeof(line) - (size_t)n, "; neighbour %s %s", addr_str(&p->nh, g, sizeof(g)),
			 neigh_state_name(p->nh_state, states, sizeof(states)));
	check_evidence(c, "%s", line);
}

static void owner_evidence(struct dg *d, const struct addr *a, const struct dg_addr *owner, unsigned n,
			   struct check *c)
{
	char s[ADDR_STRLEN];

	addr_str(a, s, sizeof(s));
	if (!owner && n == 0)
		check_evidence(c, "no namespace has the address %s", s);
	else if (!owner)
		check_evidence(c, "%s is on %u interfaces, none at the other end of the client's link", s, n);
	else if (n == 1)
		check_evidence(c, "%s is %s/%s", s, dg_ns(d, owner->ns), owner->ifname);
	else
		check_evidence(c, "%s is %s/%s (and %u other interface%s)", s, dg_ns(d, owner->ns), owner->ifname, n - 1,
			       n == 2 ? "" : "s");
}

static void router_evidence(struct dg *d, const struct dg_path *p, struct check *c)
{
	char a[ADDR_STRLEN], s[ADDR_STRLEN], t[ADDR_STRLEN];
	const char *r = dg_ns(d, (unsigned)p->router);
	int other = p->dst.family == AF_INET6 ? AF_INET : AF_INET6;

	addr_str(&p->dst, a, sizeof(a));
	if (p->dnat)
		check_evidence(c, "%s conntrack: the probe to %s was translated to %s (DNAT)", r,
			       addr_str(&p->dnat_from, t, sizeof(t)), a);
	check_evidence(c, "%s (the router): %s = %s, %s = %s", r, dg_forwarding_key(p->dst.family), p->fwd,
		       dg_forwarding_key(other), p->fwd_other);
	if (p->fwd_in_key[0] && p->fwd_back_key[0])
		check_evidence(c, "%s: %s = %s, %s = %s", r, p->fwd_in_key, p->fwd_in, p->fwd_back_key, p->fwd_back);
	else if (p->fwd_in_key[0] || p->fwd_back_key[0])
		check_evidence(c, "%s: %s = %s", r, p->fwd_in_key[0] ? p->fwd_in_key : p->fwd_back_key,
			       p->fwd_in_key[0] ? p->fwd_in : p->fwd_back);
	if (p->rrule[0] || p->rroute[0]) {
		char mark[40] = "";

		if (p->rmark)
			snprintf(mark, sizeof(mark), " with mark 0x%x (nftrace)", p->rmark);
		check_evidence(c, "%s: the packet %s%s%s takes rule '%s' and route '%s' (table %s)", r,
			       p->rlookup_iif ? "in on " : "", p->rlookup_iif ? p->riif : "", mark,
			       p->rrule[0] ? p->rrule : "?", p->rroute[0] ? p->rroute : "none", p->rtable[0] ? p->rtable : "?");
	}
	if (p->rroute_err) {
		check_evidence(c, "%s: no route to %s (%s)", r, a, strerror(-p->rroute_err));
		return;
	}
	check_evidence(c, "%s: route to %s%s%s dev %s", r, a, p->rr.has_gateway ? " via " : "",
		       p->rr.has_gateway ? addr_str(&p->rr.gateway, t, sizeof(t)) : "", p->roif[0] ? p->roif : "?");
	if (p->rpf_drops)
		check_evidence(c, "%s: rp_filter %d on %s; route back to %s: %s", r, p->rpf_value, p->riif,
			       addr_str(&p->rsrc, t, sizeof(t)), p->rpf_out[0] ? p->rpf_out : "none");
	if (p->rnh_state >= 0) {
		char states[96];

		check_evidence(c, "%s: neighbour %s on %s %s", r, addr_str(&p->rnh, t, sizeof(t)), p->roif,
			       neigh_state_name(p->rnh_state, states, sizeof(states)));
	}
	if (!p->has_src)
		return;
	addr_str(&p->rsrc, s, sizeof(s));
	if (p->nat)
		check_evidence(c, "%s translates %s to %s: %s:%u %s", r, s, addr_str(&p->seen, t, sizeof(t)),
			       p->nat->loc.file, p->nat->loc.line, p->nat->text);
	else if (p->snat_ct)
		check_evidence(c, "%s translates %s to %s: its conntrack entry: %s", r, s,
			       addr_str(&p->seen, t, sizeof(t)), p->snat_entry);
	else if (p->nat_rules) {
		char why[200];

		nat_miss_render(&p->nat_why, why, sizeof(why));
		check_evidence(c, "%s leaves the source %s as it is: %s", r, s, why);
	}
}

void dg_path_evidence(struct dg *d, const struct dg_path *p, struct check *c)
{
	client_evidence(d, p, c);
	if (p->route_err || p->cr.type == RTN_LOCAL)
		return;
	if (p->cr.has_gateway)
		owner_evidence(d, &p->nh, p->nh_owner, p->nnh_owners, c);
	owner_evidence(d, &p->dst, p->dst_owner, p->ndst_owners, c);
	for (unsigned i = 0; i < p->nhops; i++)
		check_evidence(c, "%s", p->hops[i].line);
	if (p->router >= 0)
		router_evidence(d, p, c);
}
