/* iptables.c — firewall and NAT steps spelled as iptables command lines. */
#include "harness/firewall/iptables.h"
#include "harness/firewall/firewall_step.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

const char *const backend_name[BACKEND_COUNT] = { "nft", "iptables-nft", "iptables-legacy" };

void iptables_tools_init(struct iptables_tools *t, enum backend b, const char *path)
{
	const char *suffix = b == BACKEND_IPTABLES_LEGACY ? "-legacy" : "-nft";
	const char *base;

	if (!path) {
		snprintf(t->v4, sizeof(t->v4), "iptables%s", suffix);
		snprintf(t->v6, sizeof(t->v6), "ip6tables%s", suffix);
		return;
	}
	snprintf(t->v4, sizeof(t->v4), "%s", path);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!strncmp(base, "iptables", 8))
		snprintf(t->v6, sizeof(t->v6), "%.*sip6%s", (int)(base - path), path, base + 2);
	else
		snprintf(t->v6, sizeof(t->v6), "%s", path);   /* a multi-call binary: the caller's choice */
}

/* Appends words to a command; each word is copied into its buffer. */
static void add(struct ipt_cmd *c, unsigned *argc, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(struct ipt_cmd *c, unsigned *argc, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*argc >= IPT_MAX_ARGS || *used >= sizeof(c->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->buf + *used, sizeof(c->buf) - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(c->buf) - *used)
		return;
	c->argv[(*argc)++] = c->buf + *used;
	c->argv[*argc] = NULL;
	*used += (size_t)n + 1;
}

static void add_prefix(struct ipt_cmd *c, unsigned *argc, size_t *used, const char *flag, const struct prefix *p)
{
	char a[ADDR_STRLEN];

	add(c, argc, used, "%s", flag);
	add(c, argc, used, "%s/%u", addr_str(&p->addr, a, sizeof(a)), p->len);
}

static void add_ct(struct ipt_cmd *c, unsigned *argc, size_t *used, unsigned ct)
{
	add(c, argc, used, "-m");
	add(c, argc, used, "conntrack");
	add(c, argc, used, "--ctstate");
	add(c, argc, used, "%s%s%s%s%s", ct & CT_NEW ? "NEW" : "", ct & CT_NEW && ct & ~CT_NEW ? "," : "",
	    ct & CT_ESTABLISHED ? "ESTABLISHED" : "", ct & CT_ESTABLISHED && ct & CT_RELATED ? "," : "",
	    ct & CT_RELATED ? "RELATED" : "");
}

/* "LO" or "LO:HI", iptables' way of writing a port range; hi below lo (never set) means lo alone. */
static void add_ports(struct ipt_cmd *c, unsigned *argc, size_t *used, const char *flag, uint16_t lo, uint16_t hi)
{
	if (!lo)
		return;
	add(c, argc, used, "%s", flag);
	if (hi > lo)
		add(c, argc, used, "%u:%u", lo, hi);
	else
		add(c, argc, used, "%u", lo);
}

/* -p PROTO; ICMP in IPv6's table is "ipv6-icmp". */
static void add_proto(struct ipt_cmd *c, unsigned *argc, size_t *used, int proto)
{
	static const struct { int proto; const char *name; } names[] = {
		{ IPPROTO_TCP, "tcp" }, { IPPROTO_UDP, "udp" }, { IPPROTO_ICMP, "icmp" }, { IPPROTO_ICMPV6, "ipv6-icmp" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].proto == proto)
			add(c, argc, used, "-p"), add(c, argc, used, "%s", names[i].name);
}

/* -j ACCEPT|DROP, or REJECT with a TCP reset (a tcp rule) or ICMP(v6) "administratively prohibited". */
static void add_verdict(struct ipt_cmd *c, unsigned *argc, size_t *used, const struct step *st, int family)
{
	add(c, argc, used, "-j");
	if (st->u.rule.verdict != VERDICT_REJECT) {
		add(c, argc, used, st->u.rule.verdict == VERDICT_DROP ? "DROP" : "ACCEPT");
		return;
	}
	add(c, argc, used, "REJECT");
	add(c, argc, used, "--reject-with");
	if (st->u.rule.proto == IPPROTO_TCP)
		add(c, argc, used, "tcp-reset");
	else
		add(c, argc, used, family == AF_INET6 ? "icmp6-adm-prohibited" : "icmp-admin-prohibited");
}

/* The DNAT or REDIRECT rule's matches: [-i IF] [-d ADDR] -p PROTO --dport PORT[:PORT]. */
static void add_dnat_match(struct ipt_cmd *c, unsigned *argc, size_t *used, const struct step *st)
{
	char a[ADDR_STRLEN];

	add(c, argc, used, "-t"), add(c, argc, used, "nat");
	add(c, argc, used, "-A"), add(c, argc, used, "PREROUTING");
	if (st->u.dnat.iif[0])
		add(c, argc, used, "-i"), add(c, argc, used, "%s", st->u.dnat.iif);
	if (st->u.dnat.has_dst)
		add(c, argc, used, "-d"), add(c, argc, used, "%s/%u", addr_str(&st->u.dnat.dst, a, sizeof(a)),
		    st->u.dnat.dst.family == AF_INET6 ? 128 : 32);
	add_proto(c, argc, used, st->u.dnat.proto);
	add_ports(c, argc, used, "--dport", st->u.dnat.port, st->u.dnat.port_hi);
}

/* --to-destination ADDR[:PORT[-PORT]] ([ADDR]:PORT for IPv6). */
static void add_dnat_target(struct ipt_cmd *c, unsigned *argc, size_t *used, const struct step *st, int family)
{
	const typeof(st->u.dnat) *d = &st->u.dnat;
	char a[ADDR_STRLEN], ports[16] = "";

	add(c, argc, used, "-j"), add(c, argc, used, "DNAT");
	add(c, argc, used, "--to-destination");
	addr_str(&d->to, a, sizeof(a));
	if (d->to_port_hi > d->to_port)
		snprintf(ports, sizeof(ports), "-%u", d->to_port_hi);
	if (!d->to_port)
		add(c, argc, used, "%s", a);
	else if (family == AF_INET6)
		add(c, argc, used, "[%s]:%u%s", a, d->to_port, ports);
	else
		add(c, argc, used, "%s:%u%s", a, d->to_port, ports);
}

/* One command for one family. */
static void build(const struct step *st, const char *tool, int family, struct ipt_cmd *c)
{
	unsigned argc = 0;
	size_t used = 0;
	char a[ADDR_STRLEN];

	memset(c, 0, sizeof(*c));
	add(c, &argc, &used, "%s", tool);
	add(c, &argc, &used, "-w");   /* wait for the xtables lock instead of failing */
	switch (st->kind) {
	case STEP_FORWARD_POLICY:
		add(c, &argc, &used, "-P");
		add(c, &argc, &used, "FORWARD");
		add(c, &argc, &used, st->u.policy.policy == VERDICT_DROP ? "DROP" : "ACCEPT");
		break;
	case STEP_FORWARD_RULE:
		add(c, &argc, &used, "-A");
		add(c, &argc, &used, "FORWARD");
		if (st->u.rule.iif[0])
			add(c, &argc, &used, "-i"), add(c, &argc, &used, "%s", st->u.rule.iif);
		if (st->u.rule.oif[0])
			add(c, &argc, &used, "-o"), add(c, &argc, &used, "%s", st->u.rule.oif);
		if (st->u.rule.has_from)
			add_prefix(c, &argc, &used, "-s", &st->u.rule.from);
		if (st->u.rule.has_to)
			add_prefix(c, &argc, &used, "-d", &st->u.rule.to);
		if (st->u.rule.ct)
			add_ct(c, &argc, &used, st->u.rule.ct);
		add_proto(c, &argc, &used, st->u.rule.proto);
		add_ports(c, &argc, &used, "--dport", st->u.rule.dport.lo, st->u.rule.dport.hi);
		add_ports(c, &argc, &used, "--sport", st->u.rule.sport.lo, st->u.rule.sport.hi);
		add_verdict(c, &argc, &used, st, family);
		break;
	case STEP_MASQUERADE:
	case STEP_SNAT:
		add(c, &argc, &used, "-t"), add(c, &argc, &used, "nat");
		add(c, &argc, &used, "-A"), add(c, &argc, &used, "POSTROUTING");
		if (st->u.nat.has_from)
			add_prefix(c, &argc, &used, "-s", &st->u.nat.from);
		if (st->u.nat.oif[0])
			add(c, &argc, &used, "-o"), add(c, &argc, &used, "%s", st->u.nat.oif);
		add(c, &argc, &used, "-j");
		if (st->kind == STEP_MASQUERADE) {
			add(c, &argc, &used, "MASQUERADE");
		} else {
			add(c, &argc, &used, "SNAT");
			add(c, &argc, &used, "--to-source");
			add(c, &argc, &used, "%s", addr_str(&st->u.nat.to, a, sizeof(a)));
		}
		break;
	case STEP_DNAT:
		add_dnat_match(c, &argc, &used, st);
		add_dnat_target(c, &argc, &used, st, family);
		break;
	case STEP_REDIRECT:
		add_dnat_match(c, &argc, &used, st);
		add(c, &argc, &used, "-j"), add(c, &argc, &used, "REDIRECT");
		add(c, &argc, &used, "--to-ports");
		if (st->u.dnat.to_port_hi > st->u.dnat.to_port)
			add(c, &argc, &used, "%u-%u", st->u.dnat.to_port, st->u.dnat.to_port_hi);
		else
			add(c, &argc, &used, "%u", st->u.dnat.to_port);
		break;
	default:
		break;   /* not a firewall step: iptables_commands never builds one (firewall_step_family) */
	}
}


int iptables_commands(const struct step *st, const struct iptables_tools *tools, struct ipt_cmd *cmds)
{
	int family = firewall_step_family(st), n = 0;

	if (family < 0)
		return -EINVAL;
	if (family == 0 || family == AF_INET)
		build(st, tools->v4, AF_INET, &cmds[n++]);
	if (family == 0 || family == AF_INET6)
		build(st, tools->v6, AF_INET6, &cmds[n++]);
	return n;
}
