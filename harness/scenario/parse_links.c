/* parse_links.c — the statements that make links of the kinds in link_kind.h (bridge, vlan, dummy, macvlan,
 * ipvlan, vxlan, gre, ipip, sit, vrf, bond), put a link under a master, set its MTU; and the requirements
 * (`requires kernel FEATURE...`, `requires program NAME...`).  Each new link is declared by its statement and
 * usable by every later one; a link's parent, device and master are named in the new link's namespace. */
#include "harness/scenario/parse.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define VLAN_ID_MAX 4094
#define VNI_MAX 16777215u
#define MTU_MIN 68                /* IPv4's minimum; a link's own limits are the kernel's to say */
#define MTU_MAX 65535
#define BRIDGE_VLAN_FILTERING "bridge-vlan-filtering"
#define IPV6_FORCE_FORWARDING "ipv6-force-forwarding"

/* The step kind of each link kind written as a statement (wireguard has a pair statement of its own,
 * parse_wireguard.c: its ends are each other's peers). */
static const enum step_kind step_of[LINK_KIND_COUNT] = {
	[LINK_BRIDGE] = STEP_BRIDGE, [LINK_VLAN] = STEP_VLAN, [LINK_DUMMY] = STEP_DUMMY,
	[LINK_MACVLAN] = STEP_MACVLAN, [LINK_IPVLAN] = STEP_IPVLAN, [LINK_VXLAN] = STEP_VXLAN, [LINK_GRE] = STEP_GRE,
	[LINK_IPIP] = STEP_IPIP, [LINK_SIT] = STEP_SIT, [LINK_VRF] = STEP_VRF, [LINK_BOND] = STEP_BOND,
	[LINK_WIREGUARD] = STEP_KIND_COUNT,
};

/* A number from min to max at t. */
static int num_arg(struct stmt *st, const struct token *t, const char *what, unsigned long min, unsigned long max,
		   uint32_t *out)
{
	char *end = (char *)t->s;
	unsigned long v = 0;

	if (t->s[0] >= '0' && t->s[0] <= '9')   /* strtoul would take a sign or spaces */
		v = strtoul(t->s, &end, 10);
	if (*end || end == t->s || v < min || v > max)
		return serr(st, t->col, "bad %s '%s': expected a number from %lu to %lu", what, t->s, min, max);
	*out = (uint32_t)v;
	return 0;
}

static int mode_arg(struct stmt *st, const struct token *t, const struct link_mode *modes, int *mode)
{
	const char *words[16];
	struct suggest sg;
	char h[HINT_LEN], list[160] = "";
	unsigned n = 0;

	for (; modes[n].word && n < 15; n++) {
		if (!strcmp(t->s, modes[n].word)) {
			*mode = (int)modes[n].value;
			return 0;
		}
		words[n] = modes[n].word;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", n ? ", " : "", modes[n].word);
	}
	words[n] = NULL;
	suggest_init(&sg, t->s, strlen(t->s));
	suggest_list(&sg, words);
	return serr(st, t->col, "unknown %s mode '%s': expected %s%s", st->name, t->s, list, hint(&sg, h));
}

/* A tunnel endpoint: gre, ipip and sit carry IPv4 outer headers. */
static int endpoint_arg(struct stmt *st, const struct token *t, struct addr *a, bool *has)
{
	if (addr_arg(st, t, a))
		return -1;
	if (a->family != AF_INET && strcmp(st->name, "vxlan"))
		return serr(st, t->col, "'%s' takes IPv4 endpoints, found '%s'", st->name, t->s);
	*has = true;
	return 0;
}

/* One option of a link statement, by its word (each statement's table says which words it takes). */
static int link_opt(struct stmt *st, const char *word, const struct token *arg, struct step *step)
{
	typeof(step->u.newlink) *l = &step->u.newlink;
	static const char *const on_off[] = { "on", "off", NULL };

	if (!strcmp(word, "stp")) {
		int w = strcmp(arg->s, "on") ? strcmp(arg->s, "off") ? -1 : 0 : 1;

		if (w < 0) {
			struct suggest sg;
			char h[HINT_LEN];

			suggest_init(&sg, arg->s, strlen(arg->s));
			suggest_list(&sg, on_off);
			return serr(st, arg->col, "expected on or off after 'stp', found '%s'%s", arg->s, hint(&sg, h));
		}
		l->p.stp = w;
		return 0;
	}
	if (!strcmp(word, "vlan-filtering"))
		return l->p.vlan_filtering = true, 0;
	if (!strcmp(word, "on") || !strcmp(word, "dev"))
		return dev_arg(st, step->ns, arg, l->parent);
	if (!strcmp(word, "id"))
		return num_arg(st, arg, l->p.kind == LINK_VLAN ? "VLAN id" : "VNI", 1,
			       l->p.kind == LINK_VLAN ? VLAN_ID_MAX : VNI_MAX, &l->p.id);
	if (!strcmp(word, "table"))
		return num_arg(st, arg, "table", 1, UINT32_MAX, &l->p.id);
	if (!strcmp(word, "mode"))
		return mode_arg(st, arg, link_kinds[l->p.kind].modes, &l->p.mode);
	if (!strcmp(word, "local"))
		return endpoint_arg(st, arg, &l->p.local, &l->p.has_local);
	if (!strcmp(word, "remote"))
		return endpoint_arg(st, arg, &l->p.remote, &l->p.has_remote);
	if (!strcmp(word, "port")) {
		uint16_t port;

		return port_arg(st, arg, &port) ? -1 : (l->p.port = port, 0);
	}
	return 0;   /* "slaves": read by st_link itself */
}

/* Each statement's options, and the ones it cannot do without. */
struct link_syntax {
	struct optdef opts[7];
	const char *required[3];
};

static const struct link_syntax syntax[LINK_KIND_COUNT] = {
	[LINK_BRIDGE] = { { OPT("stp", "on|off"), OPT("vlan-filtering", NULL), OPT_END }, { NULL } },
	[LINK_VLAN] = { { OPT("on", "PARENT"), OPT("id", "N"), OPT_END }, { "on", "id", NULL } },
	[LINK_DUMMY] = { { OPT_END }, { NULL } },
	[LINK_MACVLAN] = { { OPT("on", "PARENT"), OPT("mode", "M"), OPT_END }, { "on", NULL } },
	[LINK_IPVLAN] = { { OPT("on", "PARENT"), OPT("mode", "M"), OPT_END }, { "on", NULL } },
	[LINK_VXLAN] = { { OPT("id", "N"), OPT("local", "ADDR"), OPT("remote", "ADDR"), OPT("dev", "IF"),
			   OPT("port", "N"), OPT_END }, { "id", NULL } },
	[LINK_GRE] = { { OPT("local", "ADDR"), OPT("remote", "ADDR"), OPT_END }, { "local", "remote", NULL } },
	[LINK_IPIP] = { { OPT("local", "ADDR"), OPT("remote", "ADDR"), OPT_END }, { "local", "remote", NULL } },
	[LINK_SIT] = { { OPT("local", "ADDR"), OPT("remote", "ADDR"), OPT_END }, { "local", "remote", NULL } },
	[LINK_VRF] = { { OPT("table", "N"), OPT_END }, { "table", NULL } },
	[LINK_BOND] = { { OPT("mode", "M"), OPT("slaves", NULL), OPT_END }, { NULL } },
};

static bool opt_seen(const struct stmt *st, const struct optdef *opts, const char *word)
{
	for (unsigned k = 0; opts[k].word; k++)
		if (!strcmp(opts[k].word, word))
			return st->seen & 1u << k;
	return false;
}

/* Every option the kind requires was given; else the first missing one is reported. */
static int required_given(struct stmt *st, const struct link_syntax *sx)
{
	for (unsigned r = 0; sx->required[r]; r++) {
		const char *word = sx->required[r];

		if (!opt_seen(st, sx->opts, word)) {
			for (unsigned k = 0; sx->opts[k].word; k++)
				if (!strcmp(sx->opts[k].word, word))
					return uerr(st, end_col(st), "missing '%s %s'", word, sx->opts[k].arg);
		}
	}
	return 0;
}

/* bond ... slaves IF...: each slave goes under the bond, one master step per slave at its own word. */
static int add_slaves(struct stmt *st, const struct ifref *bond)
{
	struct step m = { .kind = STEP_MASTER, .ns = bond->ns };

	if (st->i == st->end)
		return uerr(st, end_col(st), "missing IF after 'slaves'");
	memcpy(m.u.master.master, bond->name, IFNAMSIZ);
	m.u.master.link.ns = bond->ns;
	for (; st->i < st->end; st->i++) {
		const struct token *t = &st->l->tok[st->i];

		if (dev_arg(st, bond->ns, t, m.u.master.link.name) || add_step(st, &m, st->i))
			return -1;
	}
	return 0;
}

int st_link(struct stmt *st)
{
	int kind = link_kind_find(st->name);
	const struct link_syntax *sx = &syntax[kind];
	struct step step = { .kind = step_of[kind], .u.newlink.p = { .kind = (enum link_kind)kind, .mode = -1 } };
	const struct token *arg = NULL;
	int k;

	if (want_new_link(st, &step.u.newlink.link))
		return -1;
	step.ns = step.u.newlink.link.ns;
	while ((k = next_opt(st, sx->opts, &arg)) >= 0) {
		if (!strcmp(sx->opts[k].word, "slaves"))
			break;
		if (link_opt(st, sx->opts[k].word, arg, &step))
			return -1;
	}
	if (k == -2 || required_given(st, sx))
		return -1;
	if (step.u.newlink.p.has_local && step.u.newlink.p.has_remote &&
	    step.u.newlink.p.local.family != step.u.newlink.p.remote.family)
		return uerr(st, end_col(st), "'local' and 'remote' are of different address families");
	if (add_whole_step(st, &step))
		return -1;
	return k >= 0 ? add_slaves(st, &step.u.newlink.link) : 0;
}

/* master NS/IF NS/MASTER: both in one namespace (a port and its bridge, bond or vrf). */
int st_master(struct stmt *st)
{
	struct step step = { .kind = STEP_MASTER };
	struct ifref master;
	const struct token *t;

	if (want_link(st, &step.u.master.link))
		return -1;
	t = st->i < st->end ? &st->l->tok[st->i] : NULL;
	if (want_link(st, &master) || done(st))
		return -1;
	if (master.ns != step.u.master.link.ns)
		return serr(st, t->col, "'%s' is not in the namespace of %s/%s: a port and its master share one",
			    t->s, st->p->s->netns[step.u.master.link.ns].name, step.u.master.link.name);
	step.ns = master.ns;
	memcpy(step.u.master.master, master.name, IFNAMSIZ);
	return add_whole_step(st, &step);
}

int st_mtu(struct stmt *st)
{
	struct step step = { .kind = STEP_MTU };
	const struct token *t;

	if (want_link(st, &step.u.mtu.link) || !(t = want(st, "N")) ||
	    num_arg(st, t, "MTU", MTU_MIN, MTU_MAX, &step.u.mtu.mtu) || done(st))
		return -1;
	step.ns = step.u.mtu.link.ns;
	return add_whole_step(st, &step);
}

/* A kernel feature: a link kind's word, or bridge-vlan-filtering; its trial link goes in trial. */
static int feature_arg(struct stmt *st, const struct token *t, struct link_params *trial)
{
	int kind = link_kind_find(t->s);
	const char *words[LINK_KIND_COUNT + 3];
	struct suggest sg;
	char h[HINT_LEN];

	*trial = (struct link_params){ .kind = (enum link_kind)kind, .mode = -1, .id = 1 };
	if (kind >= 0)
		return 0;
	if (!strcmp(t->s, BRIDGE_VLAN_FILTERING)) {
		*trial = (struct link_params){ .kind = LINK_BRIDGE, .vlan_filtering = true, .mode = -1 };
		return 0;
	}
	if (sysctl_feature_find(t->s))
		return 0;   /* proved by its sysctl, not by a link (requires.c) */
	for (unsigned k = 0; k < LINK_KIND_COUNT; k++)
		words[k] = link_kinds[k].word;
	words[LINK_KIND_COUNT] = BRIDGE_VLAN_FILTERING;
	words[LINK_KIND_COUNT + 1] = IPV6_FORCE_FORWARDING;
	words[LINK_KIND_COUNT + 2] = NULL;
	suggest_init(&sg, t->s, strlen(t->s));
	suggest_list(&sg, words);
	return serr(st, t->col, "unknown kernel feature '%s': expected a link kind (bridge, vlan, dummy, macvlan, "
		    "ipvlan, vxlan, gre, ipip, sit, vrf, bond, wireguard), bridge-vlan-filtering or "
		    IPV6_FORCE_FORWARDING "%s", t->s, hint(&sg, h));
}

/* A program: a name looked up in PATH, or an absolute path. */
static int program_arg(struct stmt *st, const struct token *t)
{
	for (const char *c = t->s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      strchr("._+-", *c) || (*c == '/' && t->s[0] == '/')))
			return serr(st, t->col, "bad program name '%s': expected a name found in PATH, or an absolute "
				    "path", t->s);
	return 0;
}

/* requires kernel FEATURE... | requires program NAME...: one step per word, checked where it stands (before
 * the stages: before anything is built; in a stage: before the steps after it). */
int st_requires(struct stmt *st)
{
	static const char *const what[] = { "kernel", "program", NULL };
	struct step step = { .kind = STEP_REQUIRES };
	int w = want_word(st, "kernel or program", what);

	if (w < 0)
		return -1;
	if (st->i == st->end)
		return uerr(st, end_col(st), "missing %s", w ? "NAME" : "FEATURE");
	step.u.requires.program = w == 1;
	for (; st->i < st->end; st->i++) {
		const struct token *t = &st->l->tok[st->i];

		if (strlen(t->s) >= sizeof(step.u.requires.name))
			return serr(st, t->col, "'%s' is longer than %zu characters", t->s,
				    sizeof(step.u.requires.name) - 1);
		if (w ? program_arg(st, t) : feature_arg(st, t, &step.u.requires.trial))
			return -1;
		memcpy(step.u.requires.name, t->s, strlen(t->s) + 1);
		if (add_step(st, &step, st->i))
			return -1;
	}
	return 0;
}
