/* diagnose_usernat.c — source NAT rules nsharness did not install (a user's `exec ... iptables -t nat ...`),
 * read back from the kernel the way iptables-save writes them, and judged against a packet exactly like the
 * scenario's own masquerade and snat steps.  The same rule reads the same under every backend: iptables-nft
 * and iptables-legacy both write "-A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE".  Rules written with
 * nft itself are read by diagnose_nftnat.c into the same form and judged here too. */
#include "harness/diagnose/diagnose_nat.h"
#include "harness/base/addr.h"
#include "harness/firewall/fw_legacy.h"
#include "harness/sandbox/sandbox.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The next space-separated word of *p (advanced past it), or NULL at the end; the word is NUL-terminated in
 * place. */
static char *next_word(char **p)
{
	char *w = *p + strspn(*p, " ");

	if (!*w)
		return NULL;
	*p = w + strcspn(w, " ");
	if (**p)
		*(*p)++ = '\0';
	return w;
}

/* Reads the counter "[P:B] " of an iptables-save -c line; the line without it goes to text. */
static const char *skip_counter(const char *line, uint64_t *packets)
{
	*packets = 0;
	if (line[0] != '[')
		return line;
	*packets = strtoull(line + 1, NULL, 10);
	line = strchr(line, ']');
	return line ? line + 1 + strspn(line + 1, " ") : "";
}

/* One option of a rule: its effect on r.  False for an option this reading cannot judge (a negation, or a
 * match other than the source and the output interface): such a rule is never said not to match for it. */
static bool rule_option(struct dg_saved_nat *r, const char *opt, const char *arg)
{
	if (!strcmp(opt, "-s"))
		return arg && prefix_parse(arg, &r->from) == ADDR_OK && (r->has_from = true);
	if (!strcmp(opt, "-o"))
		return arg && snprintf(r->oif, sizeof(r->oif), "%s", arg) < (int)sizeof(r->oif);
	if (!strcmp(opt, "-j")) {
		r->masquerade = arg && !strcmp(arg, "MASQUERADE");
		r->snat = arg && !strcmp(arg, "SNAT");
		return true;
	}
	return false;
}

bool dg_saved_nat_parse(const char *line, int family, struct dg_saved_nat *r)
{
	char buf[sizeof(r->text)], *p = buf, *opt;

	memset(r, 0, sizeof(*r));
	r->family = family;
	line = skip_counter(line, &r->packets);
	if (snprintf(r->text, sizeof(r->text), "%s", line) >= (int)sizeof(r->text))
		return false;
	snprintf(buf, sizeof(buf), "%s", line);
	if (!(opt = next_word(&p)) || strcmp(opt, "-A") || !(opt = next_word(&p)) || strcmp(opt, "POSTROUTING"))
		return false;
	while ((opt = next_word(&p))) {
		bool negated = !strcmp(opt, "!");   /* "! -s P": the option's opposite, not judged here */
		const char *arg;

		if (negated && !(opt = next_word(&p)))
			break;
		arg = next_word(&p);
		if (!strncmp(opt, "--", 2))   /* a target's or match's own option (--to-source, --random) */
			continue;
		if (negated || !rule_option(r, opt, arg))
			r->unjudged = true;
	}
	return r->masquerade || r->snat;
}

/* One option of a DNAT rule: its effect on r; false for one this reading cannot judge. */
static bool dnat_option(struct dg_saved_nat *r, const char *opt, const char *arg)
{
	if (!strcmp(opt, "-d"))
		return arg && prefix_parse(arg, &r->to) == ADDR_OK && (r->has_to = true);
	if (!strcmp(opt, "-i"))
		return arg && snprintf(r->iif, sizeof(r->iif), "%s", arg) < (int)sizeof(r->iif);
	if (!strcmp(opt, "-p"))
		return arg && ((!strcmp(arg, "tcp") && (r->proto = IPPROTO_TCP)) ||
			       (!strcmp(arg, "udp") && (r->proto = IPPROTO_UDP)));
	if (!strcmp(opt, "-m"))   /* the protocol's own match module, which --dport belongs to */
		return arg && (!strcmp(arg, "tcp") || !strcmp(arg, "udp"));
	if (!strcmp(opt, "--dport")) {
		char *end;
		unsigned long port = arg ? strtoul(arg, &end, 10) : 0;

		return arg && !*end && port > 0 && port < 65536 && (r->dport = (unsigned)port);
	}
	if (!strcmp(opt, "-j")) {
		r->dnat = arg && (!strcmp(arg, "DNAT") || !strcmp(arg, "REDIRECT"));   /* REDIRECT: DNAT to itself */
		return true;
	}
	return false;
}

bool dg_saved_dnat_parse(const char *line, int family, struct dg_saved_nat *r)
{
	char buf[sizeof(r->text)], *p = buf, *opt;

	memset(r, 0, sizeof(*r));
	r->family = family;
	line = skip_counter(line, &r->packets);
	if (snprintf(r->text, sizeof(r->text), "%s", line) >= (int)sizeof(r->text))
		return false;
	snprintf(buf, sizeof(buf), "%s", line);
	if (!(opt = next_word(&p)) || strcmp(opt, "-A") || !(opt = next_word(&p)) || strcmp(opt, "PREROUTING"))
		return false;
	while ((opt = next_word(&p))) {
		bool negated = !strcmp(opt, "!");   /* "! -i ens160": the option's opposite, not judged here */

		const char *arg;

		if (negated && !(opt = next_word(&p)))
			break;
		arg = next_word(&p);
		if (negated || !dnat_option(r, opt, arg))
			r->unjudged = true;
		if (!strcmp(opt, "-j"))
			break;   /* the rest is the target's own options (--to-destination, --random) */
	}
	return r->dnat;
}

/* The interface name matches iptables' way: exact, or a prefix when the rule's name ends in '+'. */
static bool oif_matches(const char *rule, const char *out)
{
	size_t len = strlen(rule);

	if (!rule[0])
		return true;
	if (rule[len - 1] == '+')
		return out && !strncmp(rule, out, len - 1);
	return out && !strcmp(rule, out);
}

bool dg_saved_nat_matches(const struct dg_saved_nat *r, const struct dg_packet *pk, struct nat_miss *why)
{
	if (r->unreached) {
		why->mismatch = NAT_MISMATCH_UNREACHED;
		CAUSE_COPY(why->chain, r->chain);
		CAUSE_COPY(why->table, r->table);
		return false;
	}
	if (r->family != pk->family) {
		why->mismatch = NAT_MISMATCH_FAMILY;
		why->rule_family = r->family;
		return false;
	}
	if (r->has_from && !dg_prefix_contains(&r->from, &pk->src) && pk->src.family) {
		why->mismatch = NAT_MISMATCH_SOURCE;
		why->src = pk->src;
		why->from = r->from;
		return false;
	}
	if (pk->oif && pk->oif[0] && !oif_matches(r->oif, pk->oif)) {
		why->mismatch = NAT_MISMATCH_OIF;
		CAUSE_COPY(why->oif, r->oif);
		CAUSE_COPY(why->out, pk->oif);
		return false;
	}
	return true;
}

bool dg_saved_dnat_matches(const struct dg_saved_nat *r, const struct dg_dnat_packet *pk, struct nat_miss *why)
{
	if (r->family != pk->family) {
		why->mismatch = NAT_MISMATCH_FAMILY;
		why->rule_family = r->family;
		return false;
	}
	if (r->proto && r->proto != pk->proto) {
		why->mismatch = NAT_MISMATCH_PROTO;
		why->rule_proto = r->proto;
		why->proto = pk->proto;
		return false;
	}
	if (r->iif[0] && pk->iif && pk->iif[0] && !oif_matches(r->iif, pk->iif)) {
		why->mismatch = NAT_MISMATCH_IIF;
		CAUSE_COPY(why->iif, r->iif);
		CAUSE_COPY(why->in, pk->iif);
		return false;
	}
	if (r->has_to && !dg_prefix_contains(&r->to, &pk->dst)) {
		why->mismatch = NAT_MISMATCH_DST;
		why->to = r->to;
		why->dst = pk->dst;
		return false;
	}
	if (r->dport && r->dport != pk->dport) {
		why->mismatch = NAT_MISMATCH_DPORT;
		why->rule_port = r->dport;
		why->port = pk->dport;
		return false;
	}
	return true;
}

typedef bool (*saved_parser)(const char *line, int family, struct dg_saved_nat *r);

/* The nat table's CHAIN rules that parse reads, of one save program, appended to out (at most max in all). */
static void saved_rules(struct world *w, unsigned ns, const char *tool, int family, const char *chain,
			saved_parser parse, struct dg_saved_nat *out, unsigned max, unsigned *n)
{
	char tool_arg[32], table[] = "nat", counters[] = "-c", msg[256];
	char *const argv[] = { tool_arg, counters, "-t", table, NULL };
	struct sandbox_run run = { .nsfd = w->ns[ns].fd, .argv = argv, .timeout_ms = (unsigned)w->waits.program_ms };
	struct sandbox_result res;

	snprintf(tool_arg, sizeof(tool_arg), "%s", tool);
	if (sandbox_exec(&run, &res, msg, sizeof(msg)))
		return;
	for (char *line = res.status == 0 ? res.output : NULL, *next; line && *line && *n < max; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!parse(line, family, &out[*n]))
			continue;
		if (!firewall_step_of(&w->fw, ns, &(struct fw_rule_ref){ family, "nat", chain, 0, out[*n].text,
									 !strstr(tool, "-nft") }))
			(*n)++;   /* nsharness's own rules are its steps', judged by dg_nat_for */
	}
	sandbox_result_free(&res);
}

/* Verify mode: a live host's namespaces are no sandbox's, so no iptables-*-save runs there.  Its legacy nat
 * rules are read in-process instead (fw_legacy.h: the getsockopts iptables-legacy-save uses, creating nothing),
 * worded as far as the entries tell: a rule with a "-m" match whose options are not worded (--dport) is
 * unjudged. */
static void legacy_rules(struct world *w, unsigned ns, int family, const char *chain, saved_parser parse,
			 struct dg_saved_nat *out, unsigned max, unsigned *n)
{
	struct fw_legacy l = { 0 };
	char err[256];

	if (fw_legacy_read(w->ns[ns].fd, &l, err, sizeof(err)))
		return;
	for (unsigned i = 0; i < l.n && *n < max; i++) {
		const struct fw_legacy_rule *r = &l.v[i];

		if (r->family != family || r->policy || strcmp(r->table, "nat") || strcmp(r->chain, chain) ||
		    !parse(r->text, family, &out[*n]))
			continue;
		out[*n].packets = r->packets;
		out[*n].unjudged |= strstr(r->text, " -m ") != NULL;
		(*n)++;
	}
	fw_legacy_free(&l);
}

unsigned dg_saved_nat_read(struct world *w, unsigned ns, int family, struct dg_saved_nat *out, unsigned max)
{
	unsigned n = 0;

	if (w->ns[ns].fd < 0)
		return 0;
	if (w->attached) {   /* in-process: nft's and iptables-nft's rules (dg_nft_nat_read), legacy ones */
		n = dg_nft_nat_read(w, ns, family, out, max);
		legacy_rules(w, ns, family, "POSTROUTING", dg_saved_nat_parse, out, max, &n);
		return n;
	}
	if (family == AF_INET6) {
		saved_rules(w, ns, "ip6tables-nft-save", family, "POSTROUTING", dg_saved_nat_parse, out, max, &n);
		saved_rules(w, ns, "ip6tables-legacy-save", family, "POSTROUTING", dg_saved_nat_parse, out, max, &n);
	} else {
		saved_rules(w, ns, "iptables-nft-save", family, "POSTROUTING", dg_saved_nat_parse, out, max, &n);
		saved_rules(w, ns, "iptables-legacy-save", family, "POSTROUTING", dg_saved_nat_parse, out, max, &n);
	}
	return n + dg_nft_nat_read(w, ns, family, out + n, max - n);   /* and those written with nft itself */
}

unsigned dg_saved_dnat_read(struct world *w, unsigned ns, int family, struct dg_saved_nat *out, unsigned max)
{
	unsigned n = 0;

	if (w->ns[ns].fd < 0)
		return 0;
	if (w->attached) {   /* as dg_saved_nat_read */
		n = dg_nft_dnat_read(w, ns, family, out, max);
		legacy_rules(w, ns, family, "PREROUTING", dg_saved_dnat_parse, out, max, &n);
		return n;
	}
	if (family == AF_INET6) {
		saved_rules(w, ns, "ip6tables-nft-save", family, "PREROUTING", dg_saved_dnat_parse, out, max, &n);
		saved_rules(w, ns, "ip6tables-legacy-save", family, "PREROUTING", dg_saved_dnat_parse, out, max, &n);
	} else {
		saved_rules(w, ns, "iptables-nft-save", family, "PREROUTING", dg_saved_dnat_parse, out, max, &n);
		saved_rules(w, ns, "iptables-legacy-save", family, "PREROUTING", dg_saved_dnat_parse, out, max, &n);
	}
	return n + dg_nft_dnat_read(w, ns, family, out + n, max - n);
}

bool dg_user_nat_for(struct world *w, unsigned router, const struct dg_packet *pk, struct nat_miss *why)
{
	struct dg_saved_nat *rules = calloc(DG_MAX_USER_NAT, sizeof(*rules));
	unsigned n = rules ? dg_saved_nat_read(w, router, pk->family, rules, DG_MAX_USER_NAT) : 0;
	const struct dg_saved_nat *miss = NULL;
	bool found = false;

	for (unsigned i = 0; i < n && !found; i++) {
		struct nat_miss one = { 0 };

		if (dg_saved_nat_matches(&rules[i], pk, &one)) {
			found = true;   /* it translates the packet: no reason to give */
			memset(why, 0, sizeof(*why));
		} else if (!miss) {
			miss = &rules[i];
			*why = one;
		}
	}
	if (!found && miss) {
		why->kind = miss->packets ? NAT_MISS_NOT_MATCHING : NAT_MISS_NO_FLOW;
		CAUSE_COPY(why->ns, w->sc->netns[router].name);
		CAUSE_COPY(why->rule, miss->text);
		why->line = 0;
	}
	free(rules);
	return found || miss;
}
