/* parse_world.c — the statements that build the world: links, addresses, routes, sysctls, firewall and NAT
 * rules, servers.  Each reads its words through parse_args.c and appends one step (up/down: one per link).
 * At the end, the step kinds' rows (kinds.h). */
#include "harness/base/addr.h"
#include "harness/scenario/kinds.h"
#include "harness/scenario/parse.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define SYSCTL_KEY_MAX (sizeof(((struct step *)0)->u.sysctl.key) - 1)
#define SYSCTL_VALUE_MAX (sizeof(((struct step *)0)->u.sysctl.value) - 1)

static const char *const protos[] = { "tcp", "udp", NULL };

static int proto_of(int word)
{
	return word == 0 ? IPPROTO_TCP : IPPROTO_UDP;
}

static int st_veth(struct stmt *st)
{
	struct step step = { .kind = STEP_VETH };

	if (want_new_link(st, &step.u.veth.a) || want_new_link(st, &step.u.veth.b) || done(st))
		return -1;
	step.ns = step.u.veth.a.ns;
	return add_whole_step(st, &step);
}

static int st_address(struct stmt *st)
{
	struct step step = { .kind = STEP_ADDRESS };
	const struct token *t;

	if (want_link(st, &step.u.address.link) || !(t = want(st, "PREFIX")) ||
	    prefix_arg(st, t, &step.u.address.prefix) || done(st))
		return -1;
	step.ns = step.u.address.link.ns;
	return add_whole_step(st, &step);
}

/* One step per link, each located at its own word; a wrong link does not stop the others being read. */
static int st_updown(struct stmt *st)
{
	struct step step = { .kind = strcmp(st->name, "up") ? STEP_LINK_DOWN : STEP_LINK_UP };
	int ret = 0;

	if (st->end == 1) {
		want(st, "NS/IF");        /* reports it missing */
		return -1;
	}
	while (st->i < st->end) {
		unsigned word = st->i;

		if (want_link(st, &step.u.link.link)) {
			ret = -1;
			continue;
		}
		step.ns = step.u.link.link.ns;
		if (add_step(st, &step, word))
			return -1;
	}
	return ret;
}

static const struct optdef route_opts[] = { OPT("via", "ADDR"), OPT("dev", "IF"), OPT_END };

static int st_route(struct stmt *st)
{
	struct step step = { .kind = STEP_ROUTE };
	typeof(step.u.route) *r = &step.u.route;
	const struct token *dst, *arg, *via = NULL;
	bool dflt;
	int k;

	if (want_ns(st, &step.ns) || !(dst = want(st, "DEST")))
		return -1;
	dflt = !strcmp(dst->s, "default");
	if (!dflt && prefix_arg(st, dst, &r->dst))
		return -1;
	while ((k = next_opt(st, route_opts, &arg)) >= 0) {
		if (k == 0 ? addr_arg(st, arg, &r->via) : dev_arg(st, step.ns, arg, r->dev))
			return -1;
		if (k == 0)
			via = arg;
	}
	r->has_via = via != NULL;
	r->has_dev = r->dev[0] != '\0';
	if (k == -2)
		return -1;
	if (!r->has_via && !r->has_dev)
		return uerr(st, end_col(st), "missing 'via ADDR' or 'dev IF'");
	/* "default" takes its family from the gateway: IPv4 unless the gateway is IPv6. */
	if (dflt)
		r->dst = (struct prefix){ .addr.family = via ? r->via.family : AF_INET };
	else if (via && family_pair(st, via, r->via.family, dst, r->dst.addr.family))
		return -1;
	return add_whole_step(st, &step);
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("_.@/-", c);
}

/* Every component of key (in '/' form) is a real name: not empty, ".", or "..". */
static bool key_components_ok(const char *key)
{
	for (const char *c = key;; c++) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (!*c)
			return true;
	}
}

/* The key written t->s[0..len), in dotted or '/' form (as sysctl(8): a '/' makes '/' the separator), stored
 * in '/' form. */
static int sysctl_key(struct stmt *st, const struct token *t, size_t len, char *key)
{
	char sep = memchr(t->s, '/', len) ? '/' : '.';

	if (len == 0)
		return uerr(st, t->col, "expected KEY=VALUE, found '%s'", t->s);
	if (len > SYSCTL_KEY_MAX)
		return serr(st, t->col, "sysctl key '%.*s' is longer than %zu characters", (int)len, t->s,
			    SYSCTL_KEY_MAX);
	for (size_t i = 0; i < len; i++) {
		if (!is_key_char(t->s[i]))
			return serr(st, t->col + (unsigned)i, "bad character '%c' in sysctl key '%.*s'", t->s[i],
				    (int)len, t->s);
		key[i] = t->s[i] == sep ? '/' : t->s[i];
	}
	key[len] = '\0';
	if (!key_components_ok(key))
		return serr(st, t->col, "bad sysctl key '%.*s': a component is empty, '.' or '..'", (int)len, t->s);
	if (strncmp(key, "net/", 4))
		return serr(st, t->col, "sysctl key '%.*s' is not under 'net': only per-namespace net sysctls are "
			    "allowed", (int)len, t->s);
	return 0;
}

static int st_sysctl(struct stmt *st)
{
	struct step step = { .kind = STEP_SYSCTL };
	const struct token *t;
	const char *eq, *value;
	unsigned vcol;

	if (want_ns(st, &step.ns) || !(t = want(st, "KEY=VALUE")) || done(st))
		return -1;
	eq = strchr(t->s, '=');
	if (!eq)
		return uerr(st, t->col, "expected KEY=VALUE, found '%s'", t->s);
	if (sysctl_key(st, t, (size_t)(eq - t->s), step.u.sysctl.key))
		return -1;
	value = eq + 1;
	vcol = t->col + (unsigned)(value - t->s);
	if (!*value)
		return serr(st, vcol, "missing sysctl value after '=' in '%s'", t->s);
	if (strlen(value) > SYSCTL_VALUE_MAX)
		return serr(st, vcol, "sysctl value '%s' is longer than %zu characters", value, SYSCTL_VALUE_MAX);
	memcpy(step.u.sysctl.value, value, strlen(value) + 1);
	return add_whole_step(st, &step);
}

static const char *const ct_states[] = { "established", "related", "new", NULL };   /* enum ct_bits order */

/* STATES: a comma list of ct_states. */
static int ct_arg(struct stmt *st, const struct token *t, unsigned *bits)
{
	struct suggest sg;
	char h[HINT_LEN];

	for (const char *s = t->s;; s++) {
		size_t n = strcspn(s, ",");
		unsigned k = 0;

		while (ct_states[k] && (strlen(ct_states[k]) != n || memcmp(s, ct_states[k], n)))
			k++;
		if (!ct_states[k]) {
			suggest_init(&sg, s, n);
			suggest_list(&sg, ct_states);
			return serr(st, t->col + (unsigned)(s - t->s), "unknown conntrack state '%.*s': expected "
				    "established, related or new%s", (int)n, s, hint(&sg, h));
		}
		*bits |= 1u << k;
		s += n;
		if (!*s)
			return 0;
	}
}

static int forward_policy(struct stmt *st, unsigned ns)
{
	static const char *const verdicts[] = { "accept", "drop", NULL };
	struct step step = { .kind = STEP_FORWARD_POLICY, .ns = ns };
	int v;

	st->usage = "NS policy accept|drop";
	if ((v = want_word(st, "accept|drop", verdicts)) < 0 || done(st))
		return -1;
	step.u.policy.policy = v == 0 ? VERDICT_ACCEPT : VERDICT_DROP;
	return add_whole_step(st, &step);
}

static const struct optdef rule_opts[] = {
	OPT("iif", "IF"), OPT("oif", "IF"), OPT("from", "PREFIX"), OPT("to", "PREFIX"), OPT("ct", "STATES"), OPT_END
};

static int rule_opt(struct stmt *st, unsigned ns, int k, const struct token *arg, struct step *step)
{
	typeof(step->u.rule) *r = &step->u.rule;

	switch (k) {
	case 0:
		return dev_arg(st, ns, arg, r->iif);
	case 1:
		return dev_arg(st, ns, arg, r->oif);
	case 2:
		return prefix_arg(st, arg, &r->from);
	case 3:
		return prefix_arg(st, arg, &r->to);
	}
	return ct_arg(st, arg, &r->ct);
}

static int forward_rule(struct stmt *st, unsigned ns, enum verdict_word verdict)
{
	struct step step = { .kind = STEP_FORWARD_RULE, .ns = ns, .u.rule.verdict = verdict };
	typeof(step.u.rule) *r = &step.u.rule;
	const struct token *arg, *from = NULL, *to = NULL;
	int k;

	st->usage = "NS accept|drop [iif IF] [oif IF] [from PREFIX] [to PREFIX] [ct STATES]";
	while ((k = next_opt(st, rule_opts, &arg)) >= 0) {
		if (rule_opt(st, ns, k, arg, &step))
			return -1;
		if (k == 2)
			from = arg;
		if (k == 3)
			to = arg;
	}
	if (k == -2 || (from && to && family_pair(st, from, r->from.addr.family, to, r->to.addr.family)))
		return -1;
	r->has_from = from != NULL;
	r->has_to = to != NULL;
	r->family = from ? r->from.addr.family : to ? r->to.addr.family : 0;
	return add_whole_step(st, &step);
}

static int st_forward(struct stmt *st)
{
	static const char *const words[] = { "policy", "accept", "drop", NULL };
	unsigned ns;
	int w;

	if (want_ns(st, &ns) || (w = want_word(st, "policy, accept or drop", words)) < 0)
		return -1;
	if (w == 0)
		return forward_policy(st, ns);
	return forward_rule(st, ns, w == 1 ? VERDICT_ACCEPT : VERDICT_DROP);
}

static const struct optdef masq_opts[] = { OPT("from", "PREFIX"), OPT("oif", "IF"), OPT_END };
static const struct optdef snat_opts[] = {
	OPT("from", "PREFIX"), OPT("oif", "IF"), OPT("to", "ADDR"), OPT_END
};

/* masquerade NS [from P] [oif IF], and snat: the same plus a required "to ADDR". */
static int st_nat(struct stmt *st)
{
	bool snat = !strcmp(st->name, "snat");
	struct step step = { .kind = snat ? STEP_SNAT : STEP_MASQUERADE };
	typeof(step.u.nat) *n = &step.u.nat;
	const struct optdef *opts = snat ? snat_opts : masq_opts;
	const struct token *arg, *from = NULL, *to = NULL;
	int k;

	if (want_ns(st, &step.ns))
		return -1;
	while ((k = next_opt(st, opts, &arg)) >= 0) {
		if (k == 0 ? prefix_arg(st, arg, &n->from) : k == 1 ? dev_arg(st, step.ns, arg, n->oif) :
		    addr_arg(st, arg, &n->to))
			return -1;
		if (k == 0)
			from = arg;
		if (k == 2)
			to = arg;
	}
	if (k == -2)
		return -1;
	if (snat && !to)
		return uerr(st, end_col(st), "missing 'to ADDR'");
	if (from && to && family_pair(st, from, n->from.addr.family, to, n->to.family))
		return -1;
	n->has_from = from != NULL;
	n->family = to ? n->to.family : from ? n->from.addr.family : 0;
	return add_whole_step(st, &step);
}

static const struct optdef dnat_opts[] = {
	OPT("iif", "IF"), OPT_ONE_OF("tcp", "PORT", 1), OPT_ONE_OF("udp", "PORT", 1), OPT("to", "ADDR[:PORT]"), OPT_END
};

static int st_dnat(struct stmt *st)
{
	struct step step = { .kind = STEP_DNAT };
	typeof(step.u.dnat) *d = &step.u.dnat;
	const struct token *arg;
	int k, r;

	if (want_ns(st, &step.ns))
		return -1;
	while ((k = next_opt(st, dnat_opts, &arg)) >= 0) {
		if (k == 0)
			r = dev_arg(st, step.ns, arg, d->iif);
		else if (k == 3)
			r = addr_port_arg(st, arg, &d->to, &d->to_port, false);
		else
			r = port_arg(st, arg, &d->port);
		if (r)
			return -1;
		if (k == 1 || k == 2)
			d->proto = proto_of(k - 1);
	}
	if (k == -2)
		return -1;
	if (!d->proto)
		return uerr(st, end_col(st), "missing 'tcp PORT' or 'udp PORT'");
	if (!(st->seen & 1u << 3))
		return uerr(st, end_col(st), "missing 'to ADDR[:PORT]'");
	return add_whole_step(st, &step);
}

static int st_listen(struct stmt *st)
{
	struct step step = { .kind = STEP_LISTEN };
	const struct token *t;
	int w;

	if (want_ns(st, &step.ns) || (w = want_word(st, "tcp|udp", protos)) < 0 || !(t = want(st, "PORT")) ||
	    port_arg(st, t, &step.u.listen.port) || done(st))
		return -1;
	step.u.listen.proto = proto_of(w);
	return add_whole_step(st, &step);
}

/* The families firewall steps act on, as both backends install them. */

static int policy_family(const struct step *s)
{
	return s->u.policy.family;
}

/* A rule without a family of its own takes its prefixes'; with neither, it is for both. */
static int rule_family(const struct step *s)
{
	if (s->u.rule.family || !(s->u.rule.has_from || s->u.rule.has_to))
		return s->u.rule.family;
	return s->u.rule.has_from ? s->u.rule.from.addr.family : s->u.rule.to.addr.family;
}

/* A masquerade without 'from' is IPv4's: the tutorial's rule, and iptables' family. */
static int masquerade_family(const struct step *s)
{
	return s->u.nat.has_from ? s->u.nat.from.addr.family : AF_INET;
}

static int snat_family(const struct step *s)
{
	return s->u.nat.to.family;
}

static int dnat_family(const struct step *s)
{
	return s->u.dnat.to.family;
}

#define FORWARD_USAGE "NS policy accept|drop, or NS accept|drop [options]"

const struct step_kind_desc step_kinds[STEP_KIND_COUNT] = {
	[STEP_VETH] = { "veth", "NS/IF NS/IF", st_veth, 0, NULL },
	[STEP_ADDRESS] = { "address", "NS/IF PREFIX", st_address, 0, NULL },
	[STEP_LINK_UP] = { "up", "NS/IF...", st_updown, 0, NULL },
	[STEP_LINK_DOWN] = { "down", "NS/IF...", st_updown, 0, NULL },
	[STEP_ROUTE] = { "route", "NS DEST [via ADDR] [dev IF]", st_route, 0, NULL },
	[STEP_SYSCTL] = { "sysctl", "NS KEY=VALUE", st_sysctl, 0, NULL },
	[STEP_FORWARD_POLICY] = { "forward", FORWARD_USAGE, st_forward, STEP_F_FIREWALL, policy_family },
	[STEP_FORWARD_RULE] = { "forward", FORWARD_USAGE, st_forward, STEP_F_FIREWALL, rule_family },
	[STEP_MASQUERADE] = { "masquerade", "NS [from PREFIX] [oif IF]", st_nat, STEP_F_FIREWALL, masquerade_family },
	[STEP_SNAT] = { "snat", "NS [from PREFIX] [oif IF] to ADDR", st_nat, STEP_F_FIREWALL, snat_family },
	[STEP_DNAT] = { "dnat", "NS [iif IF] tcp|udp PORT to ADDR[:PORT]", st_dnat, STEP_F_FIREWALL, dnat_family },
	[STEP_LISTEN] = { "listen", "NS tcp|udp PORT", st_listen, 0, NULL },
	[STEP_EXEC] = { "exec", "NS PROGRAM [ARG...]", st_exec, STEP_F_PROGRAM, NULL },
	[STEP_SCRIPT] = { "script", "NS PATH [creates NAME...]", st_script, STEP_F_PROGRAM, NULL },
	/* Links (parse_links.c) */
	[STEP_BRIDGE] = { "bridge", "NS/IF [stp on|off] [vlan-filtering]", st_link, 0, NULL },
	[STEP_VLAN] = { "vlan", "NS/IF on PARENT id N", st_link, 0, NULL },
	[STEP_DUMMY] = { "dummy", "NS/IF", st_link, 0, NULL },
	[STEP_MACVLAN] = { "macvlan", "NS/IF on PARENT [mode M]", st_link, 0, NULL },
	[STEP_IPVLAN] = { "ipvlan", "NS/IF on PARENT [mode M]", st_link, 0, NULL },
	[STEP_VXLAN] = { "vxlan", "NS/IF id N [local ADDR] [remote ADDR] [dev IF] [port N]", st_link, 0, NULL },
	[STEP_GRE] = { "gre", "NS/IF local ADDR remote ADDR", st_link, 0, NULL },
	[STEP_IPIP] = { "ipip", "NS/IF local ADDR remote ADDR", st_link, 0, NULL },
	[STEP_SIT] = { "sit", "NS/IF local ADDR remote ADDR", st_link, 0, NULL },
	[STEP_VRF] = { "vrf", "NS/IF table N", st_link, 0, NULL },
	[STEP_BOND] = { "bond", "NS/IF [mode M] [slaves IF...]", st_link, 0, NULL },
	[STEP_MASTER] = { "master", "NS/IF NS/MASTER", st_master, 0, NULL },
	[STEP_MTU] = { "mtu", "NS/IF N", st_mtu, 0, NULL },
	[STEP_REQUIRES] = { "requires", "kernel FEATURE... | program NAME...", st_requires, STEP_F_REQUIREMENT, NULL },
};
