/* cause_text.c — one rendering row per cause kind: the only place a finding's words are written. */
#include "reports/cause_text.h"
#include "harness/base/addr.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* The cause's two addresses as text, made once for every row. */
struct txt {
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
};

typedef int (*cause_row)(const struct cause *k, const struct txt *t, char *buf, size_t len);

static void mismatch_render(const struct nat_miss *m, char *buf, size_t len);

#define PLURAL(n) ((n) == 1 ? "" : "s")
#define ND_OR_ARP(family) ((family) == AF_INET6 ? "neighbour discovery" : "ARP")

/* ---- links ---- */

static int link_admin_down(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s is administratively down (no 'up' step for it)", k->where);
}

static int link_peer_down(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s has no carrier: its veth peer %s is down", k->where, k->where2);
}

static int link_no_carrier(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s has no carrier", k->where);
}

static int link_operstate(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s has carrier but operstate %s", k->where, k->word);
}

static int link_still_up(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s is still up after %u ms", k->where, k->ms);
}

/* ---- the forwarded probe ---- */

static int fwd_client_no_route(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k;
	return snprintf(buf, len, "the client has no route to %s", t->a);
}

static int fwd_send_failed(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	if (k->err == EPERM)
		return snprintf(buf, len, "the client's firewall (output) refused to send to %s (EPERM)", t->a);
	return snprintf(buf, len, "sending to %s failed", t->a);
}

static int fwd_sysctl_off(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "forwarding is off in %s (%s = 0)", k->ns, k->key);
}

/* ---- routes and gateways ---- */

static int route_direct(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s reaches %s directly on %s, not through gateway %s", k->ns, t->a, k->dev, t->b);
}

static int route_other_gateway(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k;
	return snprintf(buf, len, "the kernel chose gateway %s, not %s", t->a, t->b);
}

static int route_other_dev(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "the route leaves through %s, not %s", k->dev, k->dev2);
}

static int route_other_src(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "the preferred source is %s, not %s", k->flag ? t->a : "unset", t->b);
}

static int gateway_is_local(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "gateway %s is an address of %s itself", t->a, k->ns);
}

static int gateway_unresolvable(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "cannot resolve gateway %s: %s", t->a, strerror(k->err));
}

static int gateway_unanswered(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "gateway %s does not answer %s (neighbour %s after %u ms)", t->a,
			ND_OR_ARP(k->addr.family), k->word, k->ms);
}

static int route_none(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	/* the family's own default route: another family's does not serve this address */
	return snprintf(buf, len, "%s has no route to %s%s", k->ns, t->a,
			!k->flag ? "" : k->addr.family == AF_INET6 ? " (and no IPv6 default route)" :
			" (and no IPv4 default route)");
}

/* ---- the ICMP echo probe ---- */

static int ping_send_refused(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	switch (k->err) {
	case ENETUNREACH: return snprintf(buf, len, "no route to %s in the namespace", t->a);
	case EHOSTUNREACH: return snprintf(buf, len, "the namespace's route to %s is of type unreachable", t->a);
	case EACCES:
		return snprintf(buf, len, "sending to %s is refused: a prohibit route, or a broadcast address", t->a);
	case EINVAL: return snprintf(buf, len, "the namespace's route to %s is of type blackhole", t->a);
	case EPERM: return snprintf(buf, len, "the namespace's firewall (output) rejected the echo request to %s", t->a);
	case ENETDOWN: return snprintf(buf, len, "the interface toward %s is down", t->a);
	case EADDRNOTAVAIL: return snprintf(buf, len, "the namespace has no source address to reach %s from", t->a);
	}
	return snprintf(buf, len, "sending to %s failed: %s", t->a, strerror(k->err));
}

static int ping_ttl_exceeded(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "the echo request's %s ran out at %s before it reached %s (a routing loop?)",
			k->addr.family == AF_INET ? "TTL" : "hop limit", t->b, t->a);
}

static int ping_next_hop_silent(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "the namespace got no %s answer from the next hop toward %s",
			k->addr.family == AF_INET ? "ARP" : "neighbour discovery", t->a);
}

static int ping_undeliverable(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s could not deliver the echo request to %s: %s", t->b, t->a, k->word);
}

static int ping_stray_replies(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k;
	return snprintf(buf, len, "replies with our id and sequence came from %s, not from %s", t->b, t->a);
}

static int ping_silent_drop(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k, (void)t;
	return snprintf(buf, len, "neither an echo reply nor an ICMP error came back: dropped silently");
}

/* ---- the connection probe ---- */

static int conn_peer_unknown(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k, (void)t;
	return snprintf(buf, len, "the server did not say which source it saw (is it the scenario's listener?)");
}

static int conn_tcp_reset(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "nothing listens on tcp port %u at %s, or a firewall answers with a reset", k->port,
			t->a);
}

static int conn_udp_refused(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "nothing listens on udp port %u at %s, or a firewall rejects the flow", k->port, t->a);
}

static int conn_port_unreachable(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "nothing listens on %s port %u at %s", k->word, k->port, t->a);
}

static int conn_rejected(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k;
	return snprintf(buf, len, "%s rejects the flow", t->b);
}

static int conn_local_error(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	switch (k->err) {
	case ENETUNREACH: return snprintf(buf, len, "the namespace has no route to %s", t->a);
	case EHOSTUNREACH:
		return snprintf(buf, len, "no ARP/ND answer on the way to %s, or an unreachable route to it", t->a);
	case EACCES: return snprintf(buf, len, "a prohibit route to %s", t->a);
	case EINVAL: return snprintf(buf, len, "the route to %s is a blackhole", t->a);
	case EADDRNOTAVAIL: return snprintf(buf, len, "the namespace has no source address to reach %s from", t->a);
	case ENETDOWN: return snprintf(buf, len, "the interface towards %s is down", t->a);
	}
	return snprintf(buf, len, "%s cannot be reached", t->a);
}

static int conn_hop_limit(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k;
	return snprintf(buf, len, "the hop limit ran out at %s: a routing loop?", t->b);
}

static int conn_icmp_error(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s reports %s for %s", t->b, k->word, t->a);
}

static int conn_local_firewall(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k;
	return snprintf(buf, len, "a firewall in the namespace itself drops packets to %s", t->a);
}

static int conn_no_answer(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k, (void)t;
	return snprintf(buf, len, "no answer, reset or ICMP error came back: dropped on the way there or back");
}

/* ---- expectations ---- */

static int conn_outcome(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "the connection %s, where it must be %s", k->word, k->word2);
}

static int peer_seen_other(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "the server saw the client as %s, not %s%s", t->a, t->b,
			k->flag ? ": its source was not translated" : "");
}

static int peer_not_said(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k, (void)t;
	return snprintf(buf, len, "the server did not say whom it saw");
}

static int must_fail_passed(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "the check succeeded, but '%s' requires it to fail", k->text);
}

static int could_not_run(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "could not run: %s", k->text);
}

static int netns_missing(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s", k->text);
}

/* ---- captures ---- */

/* Diagnosis's reason, after the capture's finding: "; 'masquerade ...' (line 31) matched no flow: ...". */
static int untranslated_why(const struct nat_miss *m, char *buf, size_t len)
{
	char why[200];

	if (m->kind == NAT_MISS_OLD_FLOW)
		return snprintf(buf, len, "; a conntrack entry from before line %u existed keeps %s untranslated "
				"(NAT decides on a flow's first packet)", m->line, m->flow);
	if (m->kind == NAT_MISS_NONE)
		return 0;
	nat_miss_render(m, why, sizeof(why));
	return snprintf(buf, len, "; %s", why);
}

static int capture_untranslated(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	int n = snprintf(buf, len, "source %s was seen on %s/%s: it left untranslated", t->a, k->ns, k->dev);

	if (n >= 0 && (size_t)n < len)
		n += untranslated_why(&k->nat, buf + n, len - (size_t)n);
	return n;
}

static int capture_src_unseen(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "source %s was never seen on %s/%s", t->a, k->ns, k->dev);
}

static int capture_no_packets(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "no packet of the stage's probes crossed %s/%s (wanted source %s)", k->ns, k->dev,
			t->a);
}

static int capture_dst_unseen(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "destination %s was never seen on %s/%s", t->a, k->ns, k->dev);
}

/* ---- the runner, the firewall ---- */

static int vacuous(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)k, (void)t;
	return snprintf(buf, len, "vacuous: it already held before the stage's steps, so it cannot catch the "
			"regression it exists for");
}

static int fw_policy_drop(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s's forward chain (policy drop) dropped %llu packet%s of this probe: no accept "
			"rule matched", k->ns, k->count, PLURAL(k->count));
}

/* ---- diagnosis: the client ---- */

/* "; blue/veth1 is 10.1.2.1/24, blue/veth2 is ...", or "; it has no address". */
static void client_addrs(const struct cause *k, char *buf, size_t len)
{
	char pre[PREFIX_STRLEN];
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < k->naddrs && i < CAUSE_ADDRS && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s/%s is %s", n ? ", " : "; ", k->ns, k->addrs[i].dev,
				      prefix_str(&k->addrs[i].p, pre, sizeof(pre)));
	if (!buf[0])
		snprintf(buf, len, "; it has no address");
}

static int client_no_route(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char mine[200];

	client_addrs(k, mine, sizeof(mine));
	return snprintf(buf, len, "%s has no route to %s: no default route, and no subnet of its own holds it%s", k->ns,
			t->a, mine);
}

static int lo_down(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s's lo is down: traffic to its own address %s is delivered through lo", k->ns, t->a);
}

static int duplicate_address(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s is on both %s/%s and %s/%s: a duplicate address", t->a, k->ns, k->dev, k->ns2,
			k->dev2);
}

static int neigh_owner_silent(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s%s is %s/%s, yet it has not answered %s on %s/%s (neighbour %s)",
			k->flag ? "gateway " : "", t->a, k->ns2, k->dev2, ND_OR_ARP(k->addr.family), k->ns, k->dev,
			k->word);
}

static int neigh_unanswered(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s%s does not answer %s on %s/%s (neighbour %s)%s", k->flag ? "gateway " : "", t->a,
			ND_OR_ARP(k->addr.family), k->ns, k->dev, k->word,
			k->flag2 ? ": no namespace has that address" : "");
}

/* ---- diagnosis: the router ---- */

static int forwarding_off(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char also[96] = "";

	(void)t;
	if (k->flag)
		snprintf(also, sizeof(also), ", though %s's is on (%s = 1)",
			 family_name(k->family == AF_INET6 ? AF_INET : AF_INET6), k->key2);
	return snprintf(buf, len, "%s forwarding is off in %s (%s = 0)%s", family_name(k->family), k->ns, k->key, also);
}

static int router_no_route(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s has no route to %s", k->ns, t->a);
}

static int no_listener(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "nothing listens on %s port %u in %s: no 'listen %s %s %u' step up to this stage",
			k->word, k->port, k->ns, k->ns, k->word, k->port);
}

/* A socket on the port, bound where the probe does not go. */
static int listener_elsewhere(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	if (k->flag)
		return snprintf(buf, len, "%s's %s socket on port %u is IPv6-only (IPV6_V6ONLY, bound to %s): nothing "
				"takes IPv4 to %s there", k->ns, k->word, k->port, t->b, t->a);
	return snprintf(buf, len, "%s's %s socket on port %u listens on %s only, not on %s", k->ns, k->word, k->port,
			t->b, t->a);
}

static int nat_to_no_listener(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "nothing listens on %s port %u in %s: %s translated the destination %s port %d "
			"to %s port %u (destination NAT, as %s shows)", k->word, k->port, k->ns, k->ns2, t->b,
			k->value, t->a, k->port, k->flag ? "the kernel's trace of the probe" : "its conntrack entry");
}

/* An MTU mismatch on one link: no router there to answer. */
static int link_mtu_mismatch(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s sends the %llu-byte packets to %s whole (its MTU is %d), but %s/%s on the "
			"same link has MTU %u and drops them: an MTU mismatch on one link, where no router answers "
			"\"fragmentation needed\"", k->ns, k->dev, k->count, t->a, k->value, k->ns2, k->dev2, k->port);
}

/* An address or route on a bridge's port: the answers go to the bridge. */
static int address_on_bridge_port(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char holds[ADDR_STRLEN + 16] = "";

	if (k->flag)
		snprintf(holds, sizeof(holds), ", holds %s", t->a);
	return snprintf(buf, len, "%s/%s is a port of bridge %s%s and asks %s for %s by it, but what comes in by a "
			"port goes to the bridge, so no answer reaches %s: the address and routes belong on %s", k->ns,
			k->dev, k->dev2, holds, ND_OR_ARP(k->family), t->b, k->dev, k->dev2);
}

static int vxlan_remote_nobody(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s sends VXLAN %d to remote %s, an address no namespace has: its frames reach "
			"no peer", k->ns, k->dev, k->value, t->a);
}

static int dnat_own_traffic(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char rule[CAUSE_TEXT + 24];

	if (k->line)
		snprintf(rule, sizeof(rule), "'%s' (line %u)", k->text, k->line);
	else
		snprintf(rule, sizeof(rule), "'%s'", k->text);
	return snprintf(buf, len, "%s's destination NAT rule %s is in prerouting, which %s's own connection to %s port "
			"%u never crosses: its rule belongs in output", k->ns, rule, k->ns, t->a, k->port);
}

static int hairpin_no_snat(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s translates %s to %s (DNAT) and sends %s's flow back out of %s, where it came in, "
			"keeping %s's source: %s answers %s directly, and %s drops the answer (a hairpin NAT needs a "
			"source NAT on %s)", k->ns, t->a, t->b, k->ns2, k->dev, k->ns2, t->b, k->ns2, k->ns2, k->dev);
}

/* ---- diagnosis: the way back ---- */

static int rp_filter_asymmetric(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "rp_filter in %s has dropped %llu packet%s: replies from %s come in on %s, but %s "
			"routes %s out of %s (rp_filter %d on %s)", k->ns, k->count, PLURAL(k->count), t->a, k->dev,
			k->ns, t->a, k->dev2, k->value, k->dev);
}

static int rp_filter_drops(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "rp_filter in %s has dropped %llu packet%s (net.ipv4.conf.all.rp_filter = %d): their "
			"source is not routed back out of the interface they came in on", k->ns, k->count,
			PLURAL(k->count), k->value);
}

/* Why there is no way back: nothing translated the source (flag), or the veth's two ends' prefixes differ. */
static void back_why(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char far[PREFIX_STRLEN], near[PREFIX_STRLEN], nat[200];
	const struct back_miss *b = &k->back;

	buf[0] = '\0';
	if (k->flag) {
		nat_miss_render(&k->nat, nat, sizeof(nat));
		if (nat[0])   /* a reason known: a rule that matches is no reason to name */
			snprintf(buf, len, ": %s", nat);
	} else if (k->flag2)
		snprintf(buf, len, ": %s translates %s to it (source NAT)", k->ns2, t->b);
	else if (b->prefixes_differ)
		snprintf(buf, len, ": %s/%s is %s but %s/%s is %s (the prefixes differ)", b->ns, b->dev,
			 prefix_str(&b->far, far, sizeof(far)), b->near_ns, b->near_dev,
			 prefix_str(&b->near, near, sizeof(near)));
}

static int no_route_back(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char why[224];

	back_why(k, t, why, sizeof(why));
	return snprintf(buf, len, "%s has no route back to %s%s", k->ns, t->a, why);
}

static int arp_ignored_no_route(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "rp_filter in %s ignores %s's ARP requests for %s on %s: they ask from %s, to which "
			"%s has no route (rp_filter %d on %s)", k->ns, k->ns2, t->b, k->dev, t->a, k->ns, k->value,
			k->dev);
}

static int arp_ignored_elsewhere(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "rp_filter in %s ignores %s's ARP requests for %s on %s: they ask from %s, which "
			"%s routes out of %s (rp_filter %d on %s)", k->ns, k->ns2, t->b, k->dev, t->a, k->ns, k->dev2,
			k->value, k->dev);
}

static int way_back_unanswered(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s cannot reach %s on its way back: %s does not answer ARP on %s/%s (neighbour %s)",
			k->ns, t->a, t->b, k->ns, k->dev, k->word);
}

/* ---- diagnosis: the kernel's trace of the probe ---- */

/* "'-A FORWARD -j REJECT' (line 31)" or "'-A FORWARD -j REJECT'": a rule as its author wrote it. */
static void rule_named(const struct cause *k, char *buf, size_t len)
{
	if (k->line)
		snprintf(buf, len, "'%s' (line %u)", k->text, k->line);
	else
		snprintf(buf, len, "'%s'", k->text);
}

static void rule_counter(const struct cause *k, char *buf, size_t len)
{
	if (k->flag2)
		snprintf(buf, len, ", counter %llu packet%s", k->count, PLURAL(k->count));
	else
		snprintf(buf, len, ", no counter");
}

static int trace_rule_drop(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char rule[CAUSE_TEXT + 24], counter[48];

	(void)t;
	rule_named(k, rule, sizeof(rule));
	rule_counter(k, counter, sizeof(counter));
	return snprintf(buf, len, "%s's rule %s in %s chain %s %s the probe (nftrace%s)%s%s", k->ns, rule, k->key,
			k->key2, k->flag ? "rejected" : "dropped", counter, k->word[0] ? "; the probe got back " : "",
			k->word);
}

static int trace_policy_drop(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s's chain %s in %s (policy drop) dropped %llu packet%s of the probe (nftrace): no "
			"rule there accepted it", k->ns, k->key2, k->key, k->count, PLURAL(k->count));
}

static int trace_nat_unmatched(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char rule[CAUSE_TEXT + 24], counter[48];

	(void)t;
	rule_named(k, rule, sizeof(rule));
	rule_counter(k, counter, sizeof(counter));
	return snprintf(buf, len, "%s's %s NAT rule %s in %s chain %s matched nothing of the probe%s", k->ns, k->word,
			rule, k->key, k->key2, counter);
}

/* "iptables-legacy" or "ip6tables-legacy": whose table a counted rule is in. */
static const char *legacy_tool(const struct cause *k)
{
	return k->family == AF_INET6 ? "ip6tables-legacy" : "iptables-legacy";
}

static int counter_rule_drop(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char rule[CAUSE_TEXT + 24];

	(void)t;
	rule_named(k, rule, sizeof(rule));
	return snprintf(buf, len, "%s's rule %s in %s table %s chain %s %s the probe (its counter rose by %llu "
			"during the probe)%s%s", k->ns, rule, legacy_tool(k), k->key, k->key2,
			k->flag ? "rejected" : "dropped", k->count, k->word[0] ? "; the probe got back " : "", k->word);
}

static int counter_policy_drop(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s's chain %s in %s table %s (policy drop) dropped %llu packet%s of the probe (its "
			"counter rose during the probe): no rule there accepted it", k->ns, k->key2, legacy_tool(k),
			k->key, k->count, PLURAL(k->count));
}

static int own_rule_drop(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s's rule '%s' (line %u) %s the probe (the kernel's account of it)%s%s", k->ns,
			k->text, k->line, k->flag ? "rejected" : "dropped", k->word[0] ? "; the probe got back " : "",
			k->word);
}

/* A translation step of the scenario's that translated nothing: its counter, whatever the backend. */
static int force_forwarding_other_if(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s does not forward %s arriving on %s: %s = 0, and the kernel reads the incoming "
			"interface's %s = %d; %s = %llu is set on %s, the outgoing interface", k->ns,
			family_name(k->family), k->dev, k->word, k->key, k->value, k->key2, k->count, k->dev2);
}

static int user_dnat_unmatched(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char why[200] = "";

	(void)t;
	mismatch_render(&k->nat, why, sizeof(why));
	return snprintf(buf, len, "%s's destination NAT rule '%s' matched nothing of the probe: its counter has %llu "
			"flow%s%s%s", k->ns, k->text, k->count, PLURAL(k->count), why[0] ? "; " : "", why);
}

static int own_nat_unmatched(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s's %s NAT rule '%s' (line %u) matched nothing of the probe: its counter has "
			"%llu flow%s", k->ns, k->word, k->text, k->line, k->count, k->count == 1 ? "" : "s");
}

/* ---- diagnosis: what let a must-fail probe through; a gateway ---- */

static int rule_let_through(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s's forward rule '%s' (line %u) accepts new %s from %s to %s%s", k->ns, k->text,
			k->line, k->flag ? "connections" : "flows", t->a, t->b,
			k->flag2 ? "" : ": it has no 'ct established,related'");
}

static int policy_let_through(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s's forward path lets it through: no forward rule drops it and the policy is accept",
			k->ns);
}

static int gateway_own_address(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char also[96] = "";

	if (k->flag)
		snprintf(also, sizeof(also), "; %s/%s has it too: a duplicate address", k->ns2, k->dev2);
	return snprintf(buf, len, "gateway %s is %s's own address (%s/%s)%s", t->a, k->ns, k->ns, k->dev, also);
}

/* ---- routes as the kernel chooses them, translations, per-interface sysctls ---- */

static int route_via_own_address(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s's route '%s' goes via %s, %s's own address (%s/%s): the kernel takes it as on "
			"link, so %s asks for %s directly on %s", k->ns, k->word, t->a, k->ns, k->ns, k->dev, k->ns, t->b,
			k->dev2);
}

/* What a router does with a packet its route of this type takes (fib_props: the error each type gives). */
static const char *route_type_effect(int type)
{
	switch (type) {
	case RTN_BLACKHOLE: return "drops it silently";
	case RTN_UNREACHABLE: return "drops it, answering ICMP host unreachable";
	case RTN_PROHIBIT: return "drops it, answering ICMP administratively prohibited";
	default: return "does not forward it";
	}
}

static int router_route_drops(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char rule[CAUSE_TEXT + 40] = "";

	if (k->flag)
		snprintf(rule, sizeof(rule), ", chosen by rule '%s'", k->text);
	return snprintf(buf, len, "%s's route to %s is '%s' (table %s%s): %s %s", k->ns, t->a, k->word, k->word2, rule,
			k->ns, route_type_effect(k->value));
}

static int router_rule_drops(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s's policy rule '%s' drops the packet to %s", k->ns, k->text, t->a);
}

static int router_other_oif(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char rule[CAUSE_TEXT + 40] = "";

	if (k->flag)
		snprintf(rule, sizeof(rule), ", chosen by rule '%s'", k->text);
	return snprintf(buf, len, "%s routes %s out of %s, not %s: route '%s' (table %s%s)", k->ns, t->a, k->dev,
			k->dev2, k->word, k->word2, rule);
}

static int if_forwarding_off(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	if (k->flag)   /* the way there crosses an interface whose own forwarding is on */
		return snprintf(buf, len, "%s does not forward %s arriving on %s, the way back (%s = %d): only %s's "
				"forwarding is on (%s = %llu), so the way there works", k->ns, family_name(k->family),
				k->dev, k->key, k->value, k->dev2, k->key2, k->count);
	return snprintf(buf, len, "%s does not forward %s arriving on %s%s (%s = %d), %s %s = %llu", k->ns,
			family_name(k->family), k->dev, k->flag2 ? ", the way back" : "", k->key, k->value,
			k->count ? "though" : "and", k->key2, k->count);
}

static int no_route_back_dnat(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s has no route back to %s: %s translated the destination to %s (DNAT), whose "
			"namespace must route the answer back", k->ns, t->a, k->ns2, t->b);
}

/* ---- a capture with nothing to judge ---- */

static int capture_empty(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	if (k->flag)
		return snprintf(buf, len, "the stage sends no probe traffic, so the capture on %s/%s has nothing to "
				"judge (add an expect ping, tcp, udp or forwarded to the stage)", k->ns, k->dev);
	return snprintf(buf, len, "no packet of the stage's probes crossed %s/%s: the capture has nothing to judge",
			k->ns, k->dev);
}

/* ---- a link on the way that is down ---- */

static int path_link_down(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char port[CAUSE_PLACE + 16] = "";

	if (k->where2[0])
		snprintf(port, sizeof(port), ", master of %s", k->where2);
	return snprintf(buf, len, "%s%s%s (on the way to %s%s) %s", k->word, k->word[0] ? " " : "", k->where, t->a,
			port, k->flag ? "is administratively down" : "is up but has no carrier");
}

/* ---- routing: expect route ... type/table, expect spread ---- */

static int route_other_type(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	if (!strcmp(k->word, "none"))
		return snprintf(buf, len, "%s has no route to %s at all, not one of type %s", k->ns, t->a, k->word2);
	return snprintf(buf, len, "%s's route to %s is of type %s, not %s", k->ns, t->a, k->word, k->word2);
}

static int route_other_table(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	if (!strcmp(k->word, "0"))
		return snprintf(buf, len, "%s's lookup for %s reaches no route in any table, not one in table %s", k->ns,
				t->a, k->word2);
	return snprintf(buf, len, "%s's route to %s comes from table %s, not table %s", k->ns, t->a, k->word, k->word2);
}

static int spread_one_path(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "of %llu flows to %s, none left through %s (per egress: %s; %s = %d, 1 or 3 hash the "
			"ports)", k->count, t->a, k->where, k->text, k->key, k->value);
}

/* verify changes no table of the live host: it reads the neighbour entry and never solicits one. */
static int gateway_not_cached(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "gateway %s has no usable neighbour entry (%s); verify reads the table only and "
			"solicits nothing (%s)", t->a, k->word, ND_OR_ARP(k->addr.family));
}

static int conn_bytes_short(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	if (k->flag)
		return snprintf(buf, len, "the server at %s port %u counted %llu of the %d bytes sent", t->a, k->port,
				k->count, k->value);
	return snprintf(buf, len, "the connection to %s port %u stalled: %llu of %d bytes left the client, and the "
			"server never counted them", t->a, k->port, k->count, k->value);
}

/* The ICMP error a router answers a too-big packet with, by family. */
static const char *too_big_words(int family)
{
	return family == AF_INET6 ? "ICMPv6 \"packet too big\"" : "ICMP \"fragmentation needed\"";
}

/* ": fw's rule 'forward fw drop ...' (line 35) dropped them": where a black hole's ICMP errors were lost, as
 * the cause that found the drop (k->value) names it; its counter is in the evidence (diagnose_pmtu.c), out of
 * a line the rule's own text may already fill. */
static void too_big_dropped(const struct cause *k, char *buf, size_t len)
{
	char rule[CAUSE_TEXT + 24];
	struct cause d = *k;

	CAUSE_COPY(d.ns, k->ns2);
	rule_named(&d, rule, sizeof(rule));
	switch (k->value) {
	case CAUSE_OWN_RULE_DROP:
		snprintf(buf, len, ": %s's rule %s dropped them", d.ns, rule);
		return;
	case CAUSE_TRACE_RULE_DROP:
		snprintf(buf, len, ": %s's rule %s in %s chain %s dropped them", d.ns, rule, d.key, d.key2);
		return;
	case CAUSE_TRACE_POLICY_DROP:
		snprintf(buf, len, ": %s's chain %s in %s (policy drop) dropped them", d.ns, d.key2, d.key);
		return;
	case CAUSE_COUNTER_RULE_DROP:
		snprintf(buf, len, ": %s's rule %s in %s %s chain %s dropped them", d.ns, rule, legacy_tool(&d), d.key,
			 d.key2);
		return;
	case CAUSE_COUNTER_POLICY_DROP:
		snprintf(buf, len, ": %s's chain %s in %s %s (policy drop) dropped them", d.ns, d.key2, legacy_tool(&d),
			 d.key);
		return;
	case CAUSE_FW_POLICY_DROP:
		snprintf(buf, len, ": %s's forward chain (policy drop) dropped them", d.ns);
		return;
	}
	buf[0] = '\0';
}

static int pmtu_black_hole(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char where[CAUSE_TEXT + 480];

	(void)t;
	too_big_dropped(k, where, sizeof(where));
	return snprintf(buf, len, "PMTU black hole: %s refused packets too big for its next hop and answered with %s, "
			"but %s received none%s", k->ns, too_big_words(k->family), k->where, where);
}

static int ping_too_big(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char mtu[40] = "";

	if (k->value > 0)
		snprintf(mtu, sizeof(mtu), " (MTU %d)", k->value);
	return snprintf(buf, len, "%s refused the %llu-byte echo request to %s as too big for its next hop%s: %s",
			t->b, k->count, t->a, mtu, too_big_words(k->family));
}

static int route_other_mtu(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char from[CAUSE_WORD + 80];

	if (!strcmp(k->word, "route"))
		snprintf(from, sizeof(from), "the route's mtu metric");
	else if (!strcmp(k->word, "exception"))
		snprintf(from, sizeof(from), "a PMTU exception learned from an ICMP error, expiring in %u s",
			 (k->ms + 999) / 1000);
	else
		snprintf(from, sizeof(from), "the MTU of %s: no route mtu, no learned exception", k->dev);
	return snprintf(buf, len, "%s's path MTU to %s is %d, not %llu (%s)", k->ns, t->a, k->value, k->count, from);
}

static int rp_filter_source(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	if (!k->dev2[0])
		return snprintf(buf, len, "rp_filter in %s drops what comes in on %s from %s: %s has no route back to %s "
				"(rp_filter %d on %s)", k->ns, k->dev, t->a, k->ns, t->a, k->value, k->dev);
	return snprintf(buf, len, "rp_filter in %s drops what comes in on %s from %s: %s routes %s out of %s "
			"(rp_filter %d on %s)", k->ns, k->dev, t->a, k->ns, t->a, k->dev2, k->value, k->dev);
}

static int router_no_route_back(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%s has no route back to %s: the replies from %s reach %s and go no further",
			k->ns, t->a, t->b, k->ns);
}

static int snat_to_nowhere(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	char rule[CAUSE_TEXT + 24] = "its conntrack entry";

	if (k->line)
		snprintf(rule, sizeof(rule), "'%s' (line %u)", k->text, k->line);
	if (k->flag)
		return snprintf(buf, len, "%s translates %s to %s (%s), an address no interface has: %s asks for it by "
				"%s on %s/%s and nobody answers (neighbour %s)", k->ns, t->b, t->a, rule, k->ns2,
				ND_OR_ARP(k->addr.family), k->ns2, k->dev2, k->word);
	return snprintf(buf, len, "%s translates %s to %s (%s), an address no interface has", k->ns, t->b, t->a, rule);
}

static int bridge_stp_wait(const struct cause *k, const struct txt *t, char *buf, size_t len)
{
	(void)t;
	return snprintf(buf, len, "%s has no carrier: STP is on and none of its ports forwards yet (%s is %s; the "
			"forward delay is %d s for listening and as long again for learning)", k->where, k->where2,
			k->word, k->value);
}

static const cause_row rows[CAUSE_KINDS] = {
	[CAUSE_LINK_ADMIN_DOWN] = link_admin_down,
	[CAUSE_LINK_PEER_DOWN] = link_peer_down,
	[CAUSE_LINK_NO_CARRIER] = link_no_carrier,
	[CAUSE_LINK_OPERSTATE] = link_operstate,
	[CAUSE_LINK_STILL_UP] = link_still_up,
	[CAUSE_FWD_CLIENT_NO_ROUTE] = fwd_client_no_route,
	[CAUSE_FWD_SEND_FAILED] = fwd_send_failed,
	[CAUSE_FWD_SYSCTL_OFF] = fwd_sysctl_off,
	[CAUSE_ROUTE_DIRECT] = route_direct,
	[CAUSE_ROUTE_OTHER_GATEWAY] = route_other_gateway,
	[CAUSE_ROUTE_OTHER_DEV] = route_other_dev,
	[CAUSE_ROUTE_OTHER_SRC] = route_other_src,
	[CAUSE_GATEWAY_IS_LOCAL] = gateway_is_local,
	[CAUSE_GATEWAY_UNRESOLVABLE] = gateway_unresolvable,
	[CAUSE_GATEWAY_UNANSWERED] = gateway_unanswered,
	[CAUSE_ROUTE_NONE] = route_none,
	[CAUSE_PING_SEND_REFUSED] = ping_send_refused,
	[CAUSE_PING_TTL_EXCEEDED] = ping_ttl_exceeded,
	[CAUSE_PING_NEXT_HOP_SILENT] = ping_next_hop_silent,
	[CAUSE_PING_UNDELIVERABLE] = ping_undeliverable,
	[CAUSE_PING_STRAY_REPLIES] = ping_stray_replies,
	[CAUSE_PING_SILENT_DROP] = ping_silent_drop,
	[CAUSE_CONN_PEER_UNKNOWN] = conn_peer_unknown,
	[CAUSE_CONN_TCP_RESET] = conn_tcp_reset,
	[CAUSE_CONN_UDP_REFUSED] = conn_udp_refused,
	[CAUSE_CONN_PORT_UNREACHABLE] = conn_port_unreachable,
	[CAUSE_CONN_REJECTED] = conn_rejected,
	[CAUSE_CONN_LOCAL_ERROR] = conn_local_error,
	[CAUSE_CONN_HOP_LIMIT] = conn_hop_limit,
	[CAUSE_CONN_ICMP_ERROR] = conn_icmp_error,
	[CAUSE_CONN_LOCAL_FIREWALL] = conn_local_firewall,
	[CAUSE_CONN_NO_ANSWER] = conn_no_answer,
	[CAUSE_CONN_OUTCOME] = conn_outcome,
	[CAUSE_PEER_SEEN_OTHER] = peer_seen_other,
	[CAUSE_PEER_NOT_SAID] = peer_not_said,
	[CAUSE_MUST_FAIL_PASSED] = must_fail_passed,
	[CAUSE_COULD_NOT_RUN] = could_not_run,
	[CAUSE_NETNS_MISSING] = netns_missing,
	[CAUSE_CAPTURE_UNTRANSLATED] = capture_untranslated,
	[CAUSE_CAPTURE_SRC_UNSEEN] = capture_src_unseen,
	[CAUSE_CAPTURE_NO_PACKETS] = capture_no_packets,
	[CAUSE_CAPTURE_DST_UNSEEN] = capture_dst_unseen,
	[CAUSE_VACUOUS] = vacuous,
	[CAUSE_FW_POLICY_DROP] = fw_policy_drop,
	[CAUSE_CLIENT_NO_ROUTE] = client_no_route,
	[CAUSE_LO_DOWN] = lo_down,
	[CAUSE_DUPLICATE_ADDRESS] = duplicate_address,
	[CAUSE_NEIGH_OWNER_SILENT] = neigh_owner_silent,
	[CAUSE_NEIGH_UNANSWERED] = neigh_unanswered,
	[CAUSE_FORWARDING_OFF] = forwarding_off,
	[CAUSE_ROUTER_NO_ROUTE] = router_no_route,
	[CAUSE_NO_LISTENER] = no_listener,
	[CAUSE_RP_FILTER_ASYMMETRIC] = rp_filter_asymmetric,
	[CAUSE_RP_FILTER_DROPS] = rp_filter_drops,
	[CAUSE_NO_ROUTE_BACK] = no_route_back,
	[CAUSE_ARP_IGNORED_NO_ROUTE] = arp_ignored_no_route,
	[CAUSE_ARP_IGNORED_ELSEWHERE] = arp_ignored_elsewhere,
	[CAUSE_WAY_BACK_UNANSWERED] = way_back_unanswered,
	[CAUSE_RULE_LET_THROUGH] = rule_let_through,
	[CAUSE_POLICY_LET_THROUGH] = policy_let_through,
	[CAUSE_GATEWAY_OWN_ADDRESS] = gateway_own_address,
	[CAUSE_ROUTE_VIA_OWN_ADDRESS] = route_via_own_address,
	[CAUSE_ROUTER_ROUTE_DROPS] = router_route_drops,
	[CAUSE_ROUTER_RULE_DROPS] = router_rule_drops,
	[CAUSE_ROUTER_OTHER_OIF] = router_other_oif,
	[CAUSE_IF_FORWARDING_OFF] = if_forwarding_off,
	[CAUSE_NO_ROUTE_BACK_DNAT] = no_route_back_dnat,
	[CAUSE_TRACE_RULE_DROP] = trace_rule_drop,
	[CAUSE_TRACE_POLICY_DROP] = trace_policy_drop,
	[CAUSE_TRACE_NAT_UNMATCHED] = trace_nat_unmatched,
	[CAUSE_CAPTURE_EMPTY] = capture_empty,
	[CAUSE_PATH_LINK_DOWN] = path_link_down,
	[CAUSE_ROUTE_OTHER_TYPE] = route_other_type,
	[CAUSE_ROUTE_OTHER_TABLE] = route_other_table,
	[CAUSE_SPREAD_ONE_PATH] = spread_one_path,
	[CAUSE_COUNTER_RULE_DROP] = counter_rule_drop,
	[CAUSE_COUNTER_POLICY_DROP] = counter_policy_drop,
	[CAUSE_OWN_RULE_DROP] = own_rule_drop,
	[CAUSE_GATEWAY_NOT_CACHED] = gateway_not_cached,
	[CAUSE_CONN_BYTES_SHORT] = conn_bytes_short,
	[CAUSE_PMTU_BLACK_HOLE] = pmtu_black_hole,
	[CAUSE_OWN_NAT_UNMATCHED] = own_nat_unmatched,
	[CAUSE_FORCE_FORWARDING_OTHER_IF] = force_forwarding_other_if,
	[CAUSE_USER_DNAT_UNMATCHED] = user_dnat_unmatched,
	[CAUSE_PING_TOO_BIG] = ping_too_big,
	[CAUSE_ROUTE_OTHER_MTU] = route_other_mtu,
	[CAUSE_RP_FILTER_SOURCE] = rp_filter_source,
	[CAUSE_ROUTER_NO_ROUTE_BACK] = router_no_route_back,
	[CAUSE_SNAT_TO_NOWHERE] = snat_to_nowhere,
	[CAUSE_BRIDGE_STP_WAIT] = bridge_stp_wait,
	[CAUSE_LISTENER_ELSEWHERE] = listener_elsewhere,
	[CAUSE_NAT_TO_NO_LISTENER] = nat_to_no_listener,
	[CAUSE_LINK_MTU_MISMATCH] = link_mtu_mismatch,
	[CAUSE_ADDRESS_ON_BRIDGE_PORT] = address_on_bridge_port,
	[CAUSE_VXLAN_REMOTE_NOBODY] = vxlan_remote_nobody,
	[CAUSE_DNAT_OWN_TRAFFIC] = dnat_own_traffic,
	[CAUSE_HAIRPIN_NO_SNAT] = hairpin_no_snat,
};

bool cause_kind_rendered(enum cause_kind k)
{
	return k > CAUSE_NONE && k < CAUSE_KINDS && rows[k];
}

size_t cause_render(const struct cause *k, char *buf, size_t len)
{
	struct txt t;

	if (!len)
		return 0;
	buf[0] = '\0';
	if (!cause_kind_rendered(k->kind))
		return 0;
	addr_str(&k->addr, t.a, sizeof(t.a));
	addr_str(&k->addr2, t.b, sizeof(t.b));
	rows[k->kind](k, &t, buf, len);
	return strlen(buf);
}

/* An IP protocol's name as iptables writes it. */
static const char *proto_name(int proto)
{
	return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : proto == IPPROTO_ICMP ? "icmp" :
	       proto == IPPROTO_ICMPV6 ? "ipv6-icmp" : "another protocol";
}

/* "it is for oif ens161, the packet leaves by ens160": why one rule does not match. */
static void mismatch_render(const struct nat_miss *m, char *buf, size_t len)
{
	char a[ADDR_STRLEN], pre[PREFIX_STRLEN];

	switch (m->mismatch) {
	case NAT_MISMATCH_NOT_SNAT:
		snprintf(buf, len, "it is not a source NAT rule");
		return;
	case NAT_MISMATCH_FAMILY:
		snprintf(buf, len, "it is for %s", family_name(m->rule_family));
		return;
	case NAT_MISMATCH_SOURCE:
		snprintf(buf, len, "%s is not in %s", addr_str(&m->src, a, sizeof(a)), prefix_str(&m->from, pre, sizeof(pre)));
		return;
	case NAT_MISMATCH_OIF:
		snprintf(buf, len, "it is for oif %s, the packet leaves by %s", m->oif, m->out[0] ? m->out : "another interface");
		return;
	case NAT_MISMATCH_IIF:
		snprintf(buf, len, "it is for iif %s, the probe came in by %s", m->iif, m->in);
		return;
	case NAT_MISMATCH_DPORT:
		snprintf(buf, len, "it is for port %u, the probe is to port %u", m->rule_port, m->port);
		return;
	case NAT_MISMATCH_DST:
		if (m->to.len == addr_bits(m->to.addr.family))   /* one address: as a packet's */
			addr_str(&m->to.addr, pre, sizeof(pre));
		else
			prefix_str(&m->to, pre, sizeof(pre));
		snprintf(buf, len, "it is for destination %s, the probe is to %s", pre, addr_str(&m->dst, a, sizeof(a)));
		return;
	case NAT_MISMATCH_PROTO:
		snprintf(buf, len, "it is for %s, the probe is %s", proto_name(m->rule_proto), proto_name(m->proto));
		return;
	case NAT_MISMATCH_UNREACHED:
		snprintf(buf, len, "it is in chain %s of table %s, which no hook and no jump reaches", m->chain, m->table);
		return;
	case NAT_MISMATCH_UNKNOWN:
		break;
	}
	buf[0] = '\0';
}

void nat_miss_render(const struct nat_miss *m, char *buf, size_t len)
{
	char because[160];

	buf[0] = '\0';
	switch (m->kind) {
	case NAT_MISS_NONE:
	case NAT_MISS_OLD_FLOW:
	case NAT_MISS_KINDS:
		return;
	case NAT_MISS_UNTRACKED:
		snprintf(buf, len, "%s keeps no conntrack entry for the flow: it crossed untracked (a notrack rule), and "
			 "NAT applies only to tracked flows", m->ns);
		return;
	case NAT_MISS_NO_RULE:
		if (!m->rule[0] || !m->rule_family || m->rule_family == m->family)
			snprintf(buf, len, "%s has no %s masquerade or snat rule", m->ns, family_name(m->family));
		else if (m->line)
			snprintf(buf, len, "%s has no %s masquerade or snat rule; its '%s' (line %u) is for %s only", m->ns,
				 family_name(m->family), m->rule, m->line, family_name(m->rule_family));
		else
			snprintf(buf, len, "%s has no %s masquerade or snat rule; its rule '%s' is for %s only", m->ns,
				 family_name(m->family), m->rule, family_name(m->rule_family));
		return;
	case NAT_MISS_NOT_MATCHING:
	case NAT_MISS_NO_FLOW:
		mismatch_render(m, because, sizeof(because));
		if (m->line)
			snprintf(buf, len, "'%s' (line %u) %s: %s", m->rule, m->line,
				 m->kind == NAT_MISS_NO_FLOW ? "matched no flow" : "does not match it", because);
		else   /* a rule nsharness did not install, as iptables-save writes it */
			snprintf(buf, len, "%s's rule '%s' %s: %s", m->ns, m->rule,
				 m->kind == NAT_MISS_NO_FLOW ? "matched no flow" : "does not match it", because);
		return;
	}
}

/* Appends s to buf[*n..len), truncating; *n stays the length written. */
static void put(char *buf, size_t len, size_t *n, const char *s, size_t slen)
{
	size_t room = *n < len ? len - 1 - *n : 0;

	if (slen > room)
		slen = room;
	memcpy(buf + *n, s, slen);
	*n += slen;
	buf[*n] = '\0';
}

void check_evidence_render(const struct check *c, char *buf, size_t len)
{
	const char *prefix[] = { [NOTE_OWN_FINDING] = "the probe's own finding: ", [NOTE_ALSO] = "also: " };
	size_t n = 0, from = 0, end = strnlen(c->evidence, sizeof(c->evidence));
	char line[CAUSE_TEXT_LEN];

	if (!len)
		return;
	buf[0] = '\0';
	for (unsigned i = 0; i < c->nnotes && i < CHECK_NOTES; i++) {
		const struct cause_note *note = &c->notes[i];
		size_t at = note->at < end ? note->at : end;

		put(buf, len, &n, c->evidence + from, at - from);
		put(buf, len, &n, prefix[note->role], strlen(prefix[note->role]));
		cause_render(&note->cause, line, sizeof(line));
		put(buf, len, &n, line, strlen(line));
		put(buf, len, &n, "\n", 1);
		from = at;
	}
	put(buf, len, &n, c->evidence + from, end - from);
}

const char *stage_reason(const struct stage_result *st, char *buf, size_t len)
{
	const struct expect_result *x;
	char cause[CAUSE_TEXT_LEN];

	if (st->reason[0] || !st->reason_expect || st->reason_expect > st->nexpects)
		return st->reason;
	x = &st->expects[st->reason_expect - 1];
	cause_render(&x->check.cause, cause, sizeof(cause));
	snprintf(buf, len, "%s: %s", x->expect->text, cause[0] ? cause : x->check.got);
	return buf;
}
