/* diagnose_rules.c — pure reasoning for diagnoses: prefixes, netstat counters, which rule a packet meets. */
#include "harness/diagnose/diagnose_facts.h"
#include "harness/base/addr.h"
#include "harness/scenario/kinds.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

bool dg_prefix_contains(const struct prefix *p, const struct addr *a)
{
	unsigned len = p->len, whole = len / 8, bits = len % 8;

	if (p->addr.family != a->family || len > addr_bits(a->family))
		return false;
	if (memcmp(p->addr.bytes, a->bytes, whole))
		return false;
	return !bits || ((p->addr.bytes[whole] ^ a->bytes[whole]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

/* The index-th space-separated word of line (which starts after "Group:"), up to its end; NULL past the last. */
static const char *word_at(const char *line, const char *end, unsigned index, size_t *len)
{
	const char *p = line;

	for (unsigned i = 0;; i++) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			return NULL;
		*len = strcspn(p, " \n");
		if (p + *len > end)
			*len = (size_t)(end - p);
		if (i == index)
			return p;
		p += *len;
	}
}

/* The line after the one at p, or NULL. */
static const char *next_line(const char *p)
{
	p = strchr(p, '\n');
	return p ? p + 1 : NULL;
}

static int field_index(const char *names, const char *end, const char *field, unsigned *index)
{
	size_t flen = strlen(field), len;
	const char *w;

	for (unsigned i = 0; (w = word_at(names, end, i, &len)); i++)
		if (len == flen && !memcmp(w, field, len)) {
			*index = i;
			return 0;
		}
	return -ENOENT;
}

int dg_netstat_field(const char *text, const char *group, const char *field, uint64_t *value)
{
	size_t glen = strlen(group), len;
	const char *line = text;

	for (; line && *line; line = next_line(line)) {
		const char *values = next_line(line), *w, *end;
		unsigned index;
		char num[32], *stop;

		if (strncmp(line, group, glen) || line[glen] != ':' || !values || strncmp(values, line, glen + 1))
			continue;
		end = strchr(line, '\n');
		if (field_index(line + glen + 1, end, field, &index))
			return -ENOENT;
		end = strchr(values, '\n');
		w = word_at(values + glen + 1, end ? end : values + strlen(values), index, &len);
		if (!w || len == 0 || len >= sizeof(num))
			return w ? -EINVAL : -ENOENT;
		memcpy(num, w, len);
		num[len] = '\0';
		errno = 0;
		*value = strtoull(num, &stop, 10);
		return *stop || errno || num[0] == '-' ? -EINVAL : 0;
	}
	return -ENOENT;
}

static bool iface_matches(const char *want, const char *have)
{
	return !want[0] || (have && !strcmp(want, have));
}

bool dg_rule_matches(const struct step *s, const struct dg_packet *p)
{
	const typeof(s->u.rule) *r = &s->u.rule;

	if (s->kind != STEP_FORWARD_RULE || (r->family && r->family != p->family))
		return false;
	if (!iface_matches(r->iif, p->iif) || !iface_matches(r->oif, p->oif))
		return false;
	if ((r->has_from && !dg_prefix_contains(&r->from, &p->src)) || (r->has_to && !dg_prefix_contains(&r->to, &p->dst)))
		return false;
	return !r->ct || (r->ct & p->ct);
}

int dg_nat_family(const struct step *s)
{
	return s->kind == STEP_MASQUERADE || s->kind == STEP_SNAT ? step_kind(s)->family(s) : 0;
}

bool dg_nat_matches(const struct step *s, const struct dg_packet *p, struct nat_miss *why)
{
	struct nat_miss ignored;
	int family = dg_nat_family(s);

	if (!why)
		why = &ignored;
	if (!family) {
		why->mismatch = NAT_MISMATCH_NOT_SNAT;
		return false;
	}
	if (family != p->family) {
		why->mismatch = NAT_MISMATCH_FAMILY;
		why->rule_family = family;
		return false;
	}
	if (s->u.nat.has_from && !dg_prefix_contains(&s->u.nat.from, &p->src)) {
		why->mismatch = NAT_MISMATCH_SOURCE;
		why->src = p->src;
		why->from = s->u.nat.from;
		return false;
	}
	if (!iface_matches(s->u.nat.oif, p->oif)) {
		why->mismatch = NAT_MISMATCH_OIF;
		CAUSE_COPY(why->oif, s->u.nat.oif);
		CAUSE_COPY(why->out, p->oif);
		return false;
	}
	return true;
}

int dg_rp_effective(int all, int dev)
{
	return all > dev ? all : dev;
}
