/* diagnose_back.c — the answer's way back: the destination's route and neighbour, and reverse-path filters. */
#include "harness/diagnose/diagnose_path.h"
#include "harness/scenario/kinds.h"
#include "harness/base/addr.h"
#include "harness/base/netns.h"
#include "probes/neigh.h"

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The destination's way back to the source it saw. */
struct back {
	unsigned w;               /* the destination's namespace */
	int err;                  /* its FIB lookup: 0 or -errno */
	struct route_info r;
	char dev[IFNAMSIZ];
	struct addr nh;           /* the gateway, or the source itself on link */
	int nh_state;             /* NUD_*, -1 when not read */
	struct ifref peer;        /* the other end of dev, when it is a veth end */
	bool has_peer;
};

static bool way_back(struct dg *d, const struct dg_path *p, struct back *b)
{
	memset(b, 0, sizeof(*b));
	b->nh_state = -1;
	if (!p->dst_owner || p->ndst_owners != 1 || p->dst_owner->ns == p->client || !p->has_src)
		return false;
	b->w = p->dst_owner->ns;
	b->err = dg_lookup(d, b->w, &p->seen, &b->r, b->dev);
	if (b->err)
		return true;
	b->nh = b->r.has_gateway ? b->r.gateway : p->seen;
	if (b->r.type == RTN_UNICAST && b->r.oif)
		b->nh_state = neigh_state(&d->w->ns[b->w].rtnl, b->r.oif, &b->nh);
	b->has_peer = b->dev[0] && scenario_veth_peer(d->w->sc, b->w, b->dev, &b->peer);
	return true;
}

static int sysctl_int(int nsfd, const char *key)
{
	char v[16];

	return netns_sysctl_read(nsfd, key, v, sizeof(v)) ? -1 : atoi(v);
}

/* A per-interface IPv4 conf value as the kernel applies it: the larger of conf/all and conf/IF. */
static int conf_effective(struct dg *d, unsigned ns, const char *ifname, const char *name)
{
	char all[96], dev[96];

	snprintf(all, sizeof(all), "net/ipv4/conf/all/%s", name);
	snprintf(dev, sizeof(dev), "net/ipv4/conf/%s/%s", ifname, name);
	return dg_rp_effective(sysctl_int(d->w->ns[ns].fd, all), sysctl_int(d->w->ns[ns].fd, dev));
}

static void rp_read(struct dg *d)
{
	if (d->rp_read)
		return;
	for (unsigned i = 0; i < d->w->nns; i++)
		dg_rp_drops(d->w->ns[i].fd, &d->rp[i]);
	d->rp_read = true;
}

/* "host: rp_filter dropped 4 packets; rp_filter all=1 default=0 veth0=0 ens161=1", the scenario's interfaces. */
static void rp_evidence(struct dg *d, unsigned ns, struct check *c)
{
	char line[512], key[96];
	int fd = d->w->ns[ns].fd;
	int n = snprintf(line, sizeof(line), "%s: rp_filter dropped %llu packets; rp_filter all=%d default=%d",
			 dg_ns(d, ns), (unsigned long long)d->rp[ns], sysctl_int(fd, "net/ipv4/conf/all/rp_filter"),
			 sysctl_int(fd, "net/ipv4/conf/default/rp_filter"));

	for (unsigned i = 0; i < d->w->sc->nsteps && n < (int)sizeof(line); i++) {
		const struct step *s = &d->w->sc->steps[i];
		const struct ifref *end = s->u.veth.a.ns == ns ? &s->u.veth.a : &s->u.veth.b;

		if (s->kind != STEP_VETH || end->ns != ns)
			continue;
		snprintf(key, sizeof(key), "net/ipv4/conf/%s/rp_filter", end->name);
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%d", end->name, sysctl_int(fd, key));
	}
	check_evidence(c, "%s", line);
}

static void name_rp_cause(struct dg *d, const struct dg_path *p, unsigned ns, struct check *c)
{
	struct cause k = cause_of(CAUSE_RP_FILTER_DROPS);
	struct back b;

	CAUSE_COPY(k.ns, dg_ns(d, ns));
	k.count = d->rp[ns];
	if ((int)ns == p->router && way_back(d, p, &b) && !b.err && b.has_peer && (int)b.peer.ns == p->router &&
	    strcmp(b.peer.name, p->roif)) {
		k.kind = CAUSE_RP_FILTER_ASYMMETRIC;
		k.addr = p->dst;
		CAUSE_COPY(k.dev, b.peer.name);
		CAUSE_COPY(k.dev2, p->roif);
		k.value = conf_effective(d, ns, b.peer.name, "rp_filter");
	} else
		k.value = sysctl_int(d->w->ns[ns].fd, "net/ipv4/conf/all/rp_filter");
	dg_cause(c, false, &k);
}

bool dg_cause_rp_filter(struct dg *d, const struct dg_path *p, struct check *c)
{
	int found = -1;

	if (p->dst.family != AF_INET)
		return false;
	rp_read(d);
	for (unsigned i = 0; i < d->w->nns; i++)
		if (d->rp[i]) {
			rp_evidence(d, i, c);
			if (found < 0 || (int)i == p->router)
				found = (int)i;
		}
	if (found >= 0)
		name_rp_cause(d, p, (unsigned)found, c);
	return found >= 0;
}

/* Why a destination next to the client has no route back: the two ends' prefixes differ. */
static void prefix_mismatch(struct dg *d, const struct dg_path *p, struct back_miss *why)
{
	const struct dg_addr *near, *far;
	struct ifref peer;

	if (!p->cdev[0] || !scenario_veth_peer(d->w->sc, p->client, p->cdev, &peer) ||
	    !(near = dg_addr_on(&d->addrs, p->client, p->cdev, p->dst.family)) ||
	    !(far = dg_addr_on(&d->addrs, peer.ns, peer.name, p->dst.family)) || dg_prefix_contains(&far->p, &p->src))
		return;
	why->prefixes_differ = true;
	CAUSE_COPY(why->ns, dg_ns(d, peer.ns));
	CAUSE_COPY(why->dev, peer.name);
	why->far = far->p;
	CAUSE_COPY(why->near_ns, dg_ns(d, p->client));
	CAUSE_COPY(why->near_dev, p->cdev);
	why->near = near->p;
}

/* flag: the probe crossed a router that left its source untranslated, nat saying why. */
static void no_route_back(struct dg *d, const struct dg_path *p, const struct back *b, struct check *c)
{
	struct cause k = cause_of(CAUSE_NO_ROUTE_BACK);

	CAUSE_COPY(k.ns, dg_ns(d, b->w));
	k.addr = p->seen;
	if (p->dnat && !p->nat) {
		k.kind = CAUSE_NO_ROUTE_BACK_DNAT;
		CAUSE_COPY(k.ns2, dg_ns(d, (unsigned)p->router));
		k.addr2 = p->dst;
	} else if (p->router >= 0 && !p->nat && !p->snat_ct) {
		k.flag = true;
		k.nat = p->nat_why;
	} else if (p->router >= 0 && !addr_equal(&p->rsrc, &p->seen)) {   /* a translation the router made */
		k.flag2 = true;
		CAUSE_COPY(k.ns2, dg_ns(d, (unsigned)p->router));
		k.addr2 = p->rsrc;
	} else if (p->router < 0)
		prefix_mismatch(d, p, &k.back);
	dg_cause(c, false, &k);
}

/* The destination asks ARP for its way back from the address it answers from (arp_announce 0); a strict
 * rp_filter at the other end ignores the question when it routes that address elsewhere. */
static bool arp_filtered(struct dg *d, const struct dg_path *p, const struct back *b, struct check *c)
{
	struct cause k = cause_of(CAUSE_ARP_IGNORED_NO_ROUTE);
	unsigned r = b->peer.ns;
	struct route_info rr;
	char out[IFNAMSIZ];
	int rp, err;

	if (!b->has_peer || p->dst.family != AF_INET || conf_effective(d, b->w, b->dev, "arp_announce") != 0)
		return false;
	rp = conf_effective(d, r, b->peer.name, "rp_filter");
	err = dg_lookup(d, r, &p->dst, &rr, out);
	if (rp <= 0 || (rp == 1 && !err && !strcmp(out, b->peer.name)) || (rp >= 2 && !err))
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, r));
	CAUSE_COPY(k.ns2, dg_ns(d, b->w));
	k.addr2 = b->nh;
	CAUSE_COPY(k.dev, b->peer.name);
	k.addr = p->dst;
	k.value = rp;
	if (!err) {
		k.kind = CAUSE_ARP_IGNORED_ELSEWHERE;
		CAUSE_COPY(k.dev2, out);
	}
	dg_cause(c, false, &k);
	return true;
}

bool dg_snat_to_nowhere(struct dg *d, unsigned ns, const struct addr *src, const struct addr *seen, struct cause *k)
{
	unsigned n = 0;

	dg_addr_owner(&d->addrs, seen, &n);
	if (n)
		return false;
	*k = cause_of(CAUSE_SNAT_TO_NOWHERE);
	CAUSE_COPY(k->ns, dg_ns(d, ns));
	k->addr = *seen;
	k->addr2 = *src;
	for (unsigned i = 0; i < d->w->sc->nsteps; i++) {
		const struct step *s = &d->w->sc->steps[i];

		if (s->kind == STEP_SNAT && s->ns == ns && addr_equal(&s->u.nat.to, seen)) {
			CAUSE_COPY(k->text, s->text);
			k->line = s->loc.line;
			break;
		}
	}
	return true;
}

bool dg_cause_way_back(struct dg *d, const struct dg_path *p, struct check *c)
{
	char a[ADDR_STRLEN], nh[ADDR_STRLEN], states[96] = "";
	struct cause nowhere;
	struct back b;

	if (!way_back(d, p, &b))
		return false;
	if (b.err) {
		no_route_back(d, p, &b, c);
		return true;
	}
	addr_str(&p->seen, a, sizeof(a));
	addr_str(&b.nh, nh, sizeof(nh));
	if (b.nh_state >= 0)
		neigh_state_name(b.nh_state, states, sizeof(states));
	check_evidence(c, "%s: route back to %s dev %s%s%s%s%s", dg_ns(d, b.w), a, b.dev, states[0] ? "; neighbour " : "",
		       states[0] ? nh : "", states[0] ? " " : "", states);
	if (b.nh_state <= 0 || !(b.nh_state & (NUD_FAILED | NUD_INCOMPLETE)))
		return false;
	/* the replies ask for the translated source on the link, and nobody has that address: the translation
	 * is the mistake (a source the outside routes back to the router would be no mistake) */
	if (p->router >= 0 && (p->nat || p->snat_ct) && addr_equal(&b.nh, &p->seen) &&
	    dg_snat_to_nowhere(d, (unsigned)p->router, &p->rsrc, &p->seen, &nowhere)) {
		nowhere.flag = true;
		CAUSE_COPY(nowhere.ns2, dg_ns(d, b.w));
		CAUSE_COPY(nowhere.dev2, b.dev);
		dg_neigh_word(b.nh_state, nowhere.word, sizeof(nowhere.word));
		dg_cause(c, false, &nowhere);
		return true;
	}
	if (dg_cause_vxlan_remote(d, b.w, b.dev, c) || dg_cause_bridge_port(d, b.w, b.dev, p->seen.family, &b.nh, c))
		return true;
	if (!arp_filtered(d, p, &b, c)) {
		struct cause k = cause_of(CAUSE_WAY_BACK_UNANSWERED);

		CAUSE_COPY(k.ns, dg_ns(d, b.w));
		k.addr = p->seen;
		k.addr2 = b.nh;
		CAUSE_COPY(k.dev, b.dev);
		dg_neigh_word(b.nh_state, k.word, sizeof(k.word));
		dg_cause(c, false, &k);
	}
	return true;
}
