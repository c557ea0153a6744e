/* diagnose_pmtu.c — the PMTU black hole: a router refused to forward a probe's packet too big for its next hop
 * and answered with ICMP "fragmentation needed" (ICMPv6 "packet too big"), and the client never got that answer.
 *
 * The kernel's own account, whatever firewall backend the world uses: each namespace's SNMP counters
 * (/proc/net/snmp, /proc/net/snmp6) read just before the probe and just after it failed.  A router's
 * FragFails rises for each packet it could not forward unfragmented (ip_forward, ip6_forward: the ICMP error
 * goes out then); the client's received "destination unreachable" (InType3) or Icmp6InPktTooBigs does not
 * rise when the errors were lost on the way back.  Where they were lost is the rule or policy whose verdict
 * dropped those errors themselves: nftrace follows the ICMP errors about the probe's flow too and reads each
 * traced packet's ICMP type and code (fw_trace.h, diagnose_trace), never a drop of another packet; under
 * iptables-legacy, a drop whose counter rose and that may match ICMP from the router to the client.  The
 * black hole takes that rule or policy into its own cause; another drop the diagnosis had named stays as a
 * note. */
#define _GNU_SOURCE
#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/diagnose_cause.h"
#include "harness/diagnose/diagnose_facts.h"
#include "harness/base/netns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* One namespace's counters, read by a thread inside it. */
struct snmp_read {
	int family;
	struct pmtu_one out;
};

/* The value of NAME in a /proc/net/snmp pair of lines ("Ip: Forwarding ... FragFails ...", then the values):
 * prefix is the lines' "Ip:" or "IcmpMsg:". */
static bool snmp_pair_value(FILE *f, const char *prefix, const char *name, unsigned long long *v)
{
	char head[4096], vals[4096];

	rewind(f);
	while (fgets(head, sizeof(head), f) && fgets(vals, sizeof(vals), f)) {
		char *hs, *vs, *h, *x;

		if (strncmp(head, prefix, strlen(prefix)) || strncmp(vals, prefix, strlen(prefix)))
			continue;
		h = strtok_r(head + strlen(prefix), " \n", &hs);
		x = strtok_r(vals + strlen(prefix), " \n", &vs);
		for (; h && x; h = strtok_r(NULL, " \n", &hs), x = strtok_r(NULL, " \n", &vs))
			if (!strcmp(h, name)) {
				*v = strtoull(x, NULL, 10);
				return true;
			}
	}
	return false;   /* IcmpMsg lists only types seen so far: absent is 0 */
}

/* The value of NAME in /proc/net/snmp6 ("Ip6FragFails  3"). */
static bool snmp6_value(FILE *f, const char *name, unsigned long long *v)
{
	char line[256], key[128];
	unsigned long long n;

	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %llu", key, &n) == 2 && !strcmp(key, name)) {
			*v = n;
			return true;
		}
	return false;
}

static int read_snmp(void *arg)
{
	struct snmp_read *r = arg;
	bool v6 = r->family == AF_INET6;
	FILE *f = fopen(v6 ? "/proc/thread-self/net/snmp6" : "/proc/thread-self/net/snmp", "re");

	if (!f)
		return -errno;
	if (v6) {
		snmp6_value(f, "Ip6FragFails", &r->out.too_big);
		snmp6_value(f, "Icmp6InPktTooBigs", &r->out.told);
	} else {
		snmp_pair_value(f, "Ip:", "FragFails", &r->out.too_big);
		snmp_pair_value(f, "IcmpMsg:", "InType3", &r->out.told);
	}
	fclose(f);
	r->out.read = true;
	return 0;
}

/* The size-aware expectations: a ping with "df" and a size, or tcp with bytes. */
static int sized_family(const struct expect *e)
{
	if (e->kind == EXPECT_PING && e->u.ping.df && e->u.ping.size)
		return e->u.ping.dst.family;
	if (e->kind == EXPECT_TCP && e->u.conn.bytes)
		return e->u.conn.dst.family;
	return 0;
}

void diagnose_pmtu_before(struct world *w, const struct expect *e, struct pmtu_counts *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->family = sized_family(e);
	for (unsigned i = 0; pc->family && i < w->nns; i++) {
		struct snmp_read r = { .family = pc->family };

		if (w->ns[i].fd >= 0 && netns_run(w->ns[i].fd, read_snmp, &r) == 0)
			pc->ns[i] = r.out;
	}
}

/* The firewall drop that took the ICMP errors (the trace's or the legacy counters'): copies it into k; false
 * when it is no such drop. */
static bool errors_dropped_by(const struct cause *drop, struct cause *k)
{
	switch (drop->kind) {
	case CAUSE_FW_POLICY_DROP:
	case CAUSE_TRACE_RULE_DROP:
	case CAUSE_TRACE_POLICY_DROP:
	case CAUSE_COUNTER_RULE_DROP:
	case CAUSE_COUNTER_POLICY_DROP:
	case CAUSE_OWN_RULE_DROP:
		break;
	default:
		return false;
	}
	k->value = drop->kind;
	CAUSE_COPY(k->ns2, drop->ns);
	CAUSE_COPY(k->key, drop->key);
	CAUSE_COPY(k->key2, drop->key2);
	CAUSE_COPY(k->text, drop->text);
	k->line = drop->line;
	k->flag2 = drop->flag2;
	k->count = drop->count;
	return true;
}

/* The drop's counter, as evidence (a rule of the scenario's, and nsharness's own forward policy, have theirs
 * there already: dg_own_rule, fw_explain). */
static void drop_counter(const struct cause *k, struct check *c)
{
	switch (k->value) {
	case CAUSE_TRACE_RULE_DROP:
		if (k->flag2)
			check_evidence(c, "%s's rule '%s' in %s chain %s, which dropped the ICMP errors: its counter %llu "
				       "packet%s", k->ns2, k->text, k->key, k->key2, k->count, k->count == 1 ? "" : "s");
		break;
	case CAUSE_TRACE_POLICY_DROP:
		check_evidence(c, "%s's chain %s in %s (policy drop), which dropped the ICMP errors: %llu packet%s of "
			       "the probe's flow (nftrace)", k->ns2, k->key2, k->key, k->count, k->count == 1 ? "" : "s");
		break;
	case CAUSE_COUNTER_RULE_DROP:
		check_evidence(c, "%s's rule '%s' in iptables-legacy table %s chain %s, which dropped the ICMP errors: "
			       "its counter rose by %llu during the probe", k->ns2, k->text, k->key, k->key2, k->count);
		break;
	case CAUSE_COUNTER_POLICY_DROP:
		check_evidence(c, "%s's chain %s in iptables-legacy table %s (policy drop), which dropped the ICMP "
			       "errors: its counter rose by %llu during the probe", k->ns2, k->key2, k->key, k->count);
		break;
	default:
		break;
	}
}

void diagnose_pmtu(struct world *w, const struct expect *e, const struct pmtu_counts *before,
		   const struct cause *too_big, struct check *c)
{
	struct pmtu_counts after;
	struct cause k = cause_of(CAUSE_PMTU_BLACK_HOLE), drop;
	unsigned router = MAX_NETNS;
	unsigned long long refused;

	if (!before->family)
		return;
	diagnose_pmtu_before(w, e, &after);
	if (!before->ns[e->ns].read || !after.ns[e->ns].read)
		return;
	for (unsigned i = 0; i < w->nns && router == MAX_NETNS; i++)
		if (i != e->ns && before->ns[i].read && after.ns[i].read && after.ns[i].too_big > before->ns[i].too_big)
			router = i;
	if (router == MAX_NETNS)
		return;
	k.family = before->family;
	refused = after.ns[router].too_big - before->ns[router].too_big;
	CAUSE_COPY(k.ns, w->sc->netns[router].name);
	CAUSE_COPY(k.where, w->sc->netns[e->ns].name);
	check_evidence(c, "%s could not forward %llu of the probe's packets unfragmented (its %s counter rose by %llu); "
		       "%s received %llu ICMP%s \"%s\" meanwhile", k.ns, refused,
		       k.family == AF_INET6 ? "Ip6FragFails" : "Ip FragFails", refused, k.where,
		       after.ns[e->ns].told - before->ns[e->ns].told, k.family == AF_INET6 ? "v6" : "",
		       k.family == AF_INET6 ? "packet too big" : "destination unreachable");
	if (after.ns[e->ns].told > before->ns[e->ns].told)
		return;   /* the client was told: no black hole, the probe's own cause stands */
	drop = too_big ? *too_big : cause_of(CAUSE_NONE);
	if (drop.kind == CAUSE_NONE && !dg_legacy_icmp_drop(w, router, e->ns, k.family, c, &drop))
		drop = cause_of(CAUSE_NONE);
	if (errors_dropped_by(&drop, &k)) {
		drop_counter(&k, c);
		if (cause_same(&drop, &c->cause)) {
			c->cause = k;   /* the drop is now a part of this finding */
			return;
		}
	}
	if (dg_cause_measured(c->cause.kind)) {   /* a drop of something else: not why the errors were lost */
		check_demote(c, NOTE_ALSO);
		c->cause = k;
		return;
	}
	dg_cause(c, true, &k);
}
