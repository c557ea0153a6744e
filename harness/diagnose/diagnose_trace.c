/* diagnose_trace.c — causes from the kernel's own trace of a probe (fw_trace.h): the rule or chain policy that
 * dropped it, or the translation rule it passed without matching, named as its author wrote it. */
#define _GNU_SOURCE
#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/diagnose_cause.h"
#include "harness/diagnose/diagnose_facts.h"
#include "harness/firewall/fw_trace.h"
#include "harness/sandbox/sandbox.h"
#include "harness/scenario/kinds.h"
#include "harness/world/statedump.h"
#include "harness/base/rtnl_link.h"
#include "probes/route.h"

#include <inttypes.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define TRACE_EVENTS 512
#define CHAIN_RULES 256

/* The underlay's destination when the client reaches dst over a vxlan with a remote: its frames go there
 * encapsulated (UDP), and a firewall on the way sees only those.  False when not. */
static bool vxlan_underlay(struct world *w, unsigned ns, const struct addr *dst, struct addr *remote)
{
	struct route_info r;
	struct link_state st;
	char msg[128];

	if (route_lookup(&w->ns[ns].rtnl, dst, &r, msg, sizeof(msg)) || !r.oif ||
	    link_state_read(&w->ns[ns].rtnl, NULL, r.oif, NULL, &st) || strcmp(st.kind, "vxlan") ||
	    !st.vxlan_remote.family)
		return false;
	*remote = st.vxlan_remote;
	return true;
}

void diagnose_trace_arm(struct world *w, const struct expect *e)
{
	struct expect_flow f;
	struct addr remote;
	bool under;
	char err[256];

	if (!expect_flow_of(e, &f))
		return;
	dg_legacy_before(w);   /* reading counters creates nothing: verify mode too */
	if (w->attached)
		return;   /* verify adds nothing to a live host */
	/* a probe over a vxlan is traced in its underlay too: the encapsulated packets to and from its remote */
	under = vxlan_underlay(w, e->ns, f.dst, &remote);
	for (unsigned i = 0; i < w->nns; i++)
		if (w->ns[i].fd >= 0) {
			firewall_trace_arm(&w->fw, i, w->ns[i].fd, f.dst, err, sizeof(err));
			if (under)
				firewall_trace_arm(&w->fw, i, w->ns[i].fd, &remote, err, sizeof(err));
		}
}

/* The Nth "-A CHAIN" line of iptables-nft-save's table, without its counter; false when that table or rule
 * is not iptables-nft's (then nft words it). */
static bool iptables_text(const struct world *w, unsigned ns, const struct fw_trace_event *ev, unsigned pos,
			  char *text, size_t len)
{
	if (ev->nfproto != NFPROTO_IPV4 && ev->nfproto != NFPROTO_IPV6)
		return false;
	return dg_saved_rule(w, ns, ev->nfproto == NFPROTO_IPV6 ? "ip6tables-nft-save" : "iptables-nft-save",
			     ev->table, ev->chain, pos, text, len);
}

/* The Nth rule line of `nft list chain`, as nft writes it. */
static bool nft_text(const struct world *w, unsigned ns, const struct fw_trace_event *ev, unsigned pos, char *text,
		     size_t len)
{
	char cmd[200], *out = NULL;
	bool found = false;
	unsigned k = 0;

	snprintf(cmd, sizeof(cmd), "list chain %s %s %s", fw_trace_family(ev->nfproto), ev->table, ev->chain);
	if (nft_cmd_in_ns(w->ns[ns].fd, cmd, &out)) {
		free(out);
		return false;
	}
	for (char *line = out, *next; line && *line && !found; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (strncmp(line, "\t\t", 2) || !strncmp(line + 2, "type ", 5) || !strncmp(line + 2, "comment ", 8) ||
		    !line[2])
			continue;
		if (k++ == pos) {
			snprintf(text, len, "%s", line + 2);
			found = true;
		}
	}
	free(out);
	return found;
}

/* "ip filter", "inet nsharness": a table as nft names it (long names are cut). */
static void table_name(const struct fw_trace_event *ev, char *buf, size_t len)
{
	snprintf(buf, len, "%s %.*s", fw_trace_family(ev->nfproto), 48, ev->table);
}

/* Fills k's rule fields (key, key2, text, counter) for rule r of ev's chain. */
static void name_rule(const struct world *w, unsigned ns, const struct fw_trace_event *ev,
		      const struct fw_chain_rule *r, struct cause *k)
{
	table_name(ev, k->key, sizeof(k->key));
	CAUSE_COPY(k->key2, ev->chain);
	CAUSE_COPY(k->ns, w->sc->netns[ns].name);
	bool saved = iptables_text(w, ns, ev, r->pos, k->text, sizeof(k->text));
	const struct step *mine;

	if (!saved && !nft_text(w, ns, ev, r->pos, k->text, sizeof(k->text)))
		snprintf(k->text, sizeof(k->text), "rule handle %" PRIu64, r->handle);
	mine = firewall_step_of(&w->fw, ns, &(struct fw_rule_ref){
		ev->nfproto == NFPROTO_IPV4 ? AF_INET : ev->nfproto == NFPROTO_IPV6 ? AF_INET6 : 0, ev->table,
		ev->chain, r->handle, saved ? k->text : "", false });
	if (mine) {   /* nsharness installed it: the scenario's words and line */
		CAUSE_COPY(k->text, mine->text);
		k->line = mine->loc.line;
	}
	k->flag2 = r->has_counter;
	k->count = r->packets;
}

/* The rule of ev's chain with ev's handle, or with action act when ev is NULL-handled (0): false if none. */
static bool chain_rule(struct world *w, unsigned ns, const struct fw_trace_event *ev, uint64_t handle,
		       struct fw_chain_rule *out)
{
	struct fw_chain_rule *rules = calloc(CHAIN_RULES, sizeof(*rules));
	unsigned n = 0;
	bool found = false;

	if (rules && fw_trace_chain_rules(w->fw.trace[ns], ev->nfproto, ev->table, ev->chain, rules, CHAIN_RULES,
					  &n) == 0)
		for (unsigned i = 0; i < n && i < CHAIN_RULES && !found; i++)
			if (handle ? rules[i].handle == handle :
			    rules[i].action == FW_ACT_SNAT || rules[i].action == FW_ACT_MASQUERADE ||
			    rules[i].action == FW_ACT_DNAT) {
				*out = rules[i];
				found = true;
			}
	free(rules);
	return found;
}

/* The cause for drop event ev of namespace ns (ndrops of its kind), into k; false when it is nsharness's own
 * forward policy, which the check's cause (its counters' CAUSE_FW_POLICY_DROP) already words. */
static bool drop_cause(struct world *w, unsigned ns, const struct fw_trace_event *ev, unsigned ndrops,
		       struct check *c, struct cause *k)
{
	struct fw_chain_rule r;

	*k = cause_of(ev->type == FW_TRACE_POLICY ? CAUSE_TRACE_POLICY_DROP : CAUSE_TRACE_RULE_DROP);
	if (ev->type == FW_TRACE_POLICY) {
		if (c->cause.kind == CAUSE_FW_POLICY_DROP && !strcmp(c->cause.ns, w->sc->netns[ns].name))
			return false;
		CAUSE_COPY(k->ns, w->sc->netns[ns].name);
		table_name(ev, k->key, sizeof(k->key));
		CAUSE_COPY(k->key2, ev->chain);
		k->count = ndrops;
		return true;
	}
	if (!chain_rule(w, ns, ev, ev->handle, &r))
		r = (struct fw_chain_rule){ .handle = ev->handle };
	name_rule(w, ns, ev, &r, k);
	k->flag = r.action == FW_ACT_REJECT;
	if (k->flag)
		dg_icmp_got(c, k);
	if (k->line)
		dg_own_rule(k, c);
	return true;
}

static void name_drop(struct world *w, unsigned ns, const struct fw_trace_event *ev, unsigned ndrops,
		      struct check *c)
{
	struct cause k;

	if (drop_cause(w, ns, ev, ndrops, c, &k))
		dg_cause(c, true, &k);
}

/* A NAT chain whose end (policy) the probe's first packet reached: its first translation rule matched nothing. */
static bool name_unmatched_nat(struct world *w, unsigned ns, const struct fw_trace_event *ev, unsigned n,
			       struct check *c)
{
	for (unsigned i = 0; i < n; i++) {
		struct cause k = cause_of(CAUSE_TRACE_NAT_UNMATCHED);
		struct fw_chain_rule r;

		if (ev[i].type != FW_TRACE_POLICY || ev[i].verdict != NF_ACCEPT || !chain_rule(w, ns, &ev[i], 0, &r))
			continue;
		/* A flow the far end refused went there and was answered: no source NAT is why it failed. */
		if (r.action != FW_ACT_DNAT && dg_refused(c))
			continue;
		name_rule(w, ns, &ev[i], &r, &k);
		/* nsharness's own translation rules are judged by their counters, under every backend alike (the
		 * trace sees them only where the backend is nft's): the trace adds nothing the others lack */
		if (k.line)
			continue;
		CAUSE_COPY(k.word, r.action == FW_ACT_DNAT ? "destination" : "source");
		dg_cause(c, true, &k);
		return true;
	}
	return false;
}

/* Drops of the same table and chain as ev in one namespace's events. */
static unsigned count_drops(const struct fw_trace_event *ev, unsigned n, const struct fw_trace_event *like)
{
	unsigned count = 0;

	for (unsigned i = 0; i < n; i++)
		count += ev[i].verdict == NF_DROP && ev[i].type == like->type && !strcmp(ev[i].table, like->table) &&
			 !strcmp(ev[i].chain, like->chain) && ev[i].handle == like->handle;
	return count;
}

/* The first drop of an ICMP "fragmentation needed" / ICMPv6 "packet too big" in the namespaces' events, into
 * k (CAUSE_NONE when none): main is the drop already named as the check's cause. */
static void too_big_drop(struct world *w, struct fw_trace_event *const *ev, const unsigned *n,
			 const struct fw_trace_event *main, struct check *c, struct cause *k)
{
	*k = cause_of(CAUSE_NONE);
	for (unsigned i = 0; i < w->nns; i++) {
		const struct fw_trace_event *drop = ev[i] ? fw_trace_first_too_big_drop(ev[i], n[i]) : NULL;

		if (!drop)
			continue;
		if (drop == main || !drop_cause(w, i, drop, count_drops(ev[i], n[i], drop), c, k))
			*k = c->cause;   /* the check's cause words it already */
		return;
	}
}

void diagnose_trace(struct world *w, const struct expect *e, struct check *c, struct cause *too_big)
{
	struct expect_flow flow = { 0 };
	bool conn = expect_flow_of(e, &flow) && flow.port;
	struct fw_trace_event *ev[MAX_NETNS] = { 0 };
	const struct fw_trace_event *main = NULL;
	unsigned n[MAX_NETNS] = { 0 };
	bool named = false;

	for (unsigned i = 0; i < w->nns; i++)
		if (w->fw.trace[i] && (ev[i] = malloc(TRACE_EVENTS * sizeof(*ev[i]))))
			n[i] = fw_trace_take(w->fw.trace[i], ev[i], TRACE_EVENTS);
	for (unsigned i = 0; conn && i < w->nns && !c->traced_nat; i++) {
		uint16_t port;

		if (w->fw.trace[i] && fw_trace_nat(w->fw.trace[i], flow.dst, flow.port, &c->nat_dst, &port)) {
			c->traced_nat = true;
			c->nat_port = port;
			c->nat_ns = i;
		}
	}
	for (unsigned i = 0; i < w->nns && !named; i++) {
		const struct fw_trace_event *drop = ev[i] ? fw_trace_first_drop(ev[i], n[i]) : NULL;

		if (drop) {
			name_drop(w, i, drop, count_drops(ev[i], n[i], drop), c);
			main = drop;
			named = true;
		}
	}
	if (too_big)
		too_big_drop(w, ev, n, main, c, too_big);
	if (w->attached)
		check_evidence(c, "verify adds nothing to a live host: no nftrace table, so the kernel's account here is "
			       "the iptables-legacy rules' counters before and after the probe, nothing else");
	if (!named)
		named = dg_legacy_drop(w, c);
	for (unsigned i = 0; i < w->nns && !named; i++)
		named = ev[i] && name_unmatched_nat(w, i, ev[i], n[i], c);
	for (unsigned i = 0; i < w->nns; i++)
		free(ev[i]);
}
