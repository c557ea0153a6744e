/* fw_legacy.c — iptables-legacy tables read in-process, rule by rule with counters (fw_legacy.h). */
#include "harness/firewall/fw_legacy.h"
#include "harness/base/netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const hook_names[NF_INET_NUMHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"
};

/* Where one family's entry keeps what the walk needs: the two families differ only in the match part. */
struct layout {
	size_t header;            /* sizeof the entry without its matches and target */
	size_t target_offset, next_offset, counters;
	size_t src, dst, smsk, dmsk, iniface, outiface, proto, invflags;
	unsigned addr_len;
};

static const struct layout layout4 = {
	sizeof(struct ipt_entry), offsetof(struct ipt_entry, target_offset), offsetof(struct ipt_entry, next_offset),
	offsetof(struct ipt_entry, counters), offsetof(struct ipt_entry, ip.src), offsetof(struct ipt_entry, ip.dst),
	offsetof(struct ipt_entry, ip.smsk), offsetof(struct ipt_entry, ip.dmsk),
	offsetof(struct ipt_entry, ip.iniface), offsetof(struct ipt_entry, ip.outiface),
	offsetof(struct ipt_entry, ip.proto), offsetof(struct ipt_entry, ip.invflags), 4,
};

static const struct layout layout6 = {
	sizeof(struct ip6t_entry), offsetof(struct ip6t_entry, target_offset),
	offsetof(struct ip6t_entry, next_offset), offsetof(struct ip6t_entry, counters),
	offsetof(struct ip6t_entry, ipv6.src), offsetof(struct ip6t_entry, ipv6.dst),
	offsetof(struct ip6t_entry, ipv6.smsk), offsetof(struct ip6t_entry, ipv6.dmsk),
	offsetof(struct ip6t_entry, ipv6.iniface), offsetof(struct ip6t_entry, ipv6.outiface),
	offsetof(struct ip6t_entry, ipv6.proto), offsetof(struct ip6t_entry, ipv6.invflags), 16,
};

static uint16_t u16_at(const uint8_t *e, size_t off)
{
	uint16_t v;

	memcpy(&v, e + off, sizeof(v));
	return v;
}

/* ---- one entry ---- */

struct walk {
	const struct layout *lay;
	const uint8_t *blob;
	size_t size;
};

static const struct xt_entry_target *target_of(const struct walk *w, size_t off)
{
	return (const struct xt_entry_target *)(w->blob + off + u16_at(w->blob + off, w->lay->target_offset));
}

/* True when the entry at off is an ERROR target: a user chain's head, or the table's end. */
static bool is_error(const struct walk *w, size_t off)
{
	return off < w->size && !strcmp(target_of(w, off)->u.user.name, XT_ERROR_TARGET);
}

/* The user chain a jump verdict (the offset of its first rule) enters, "" when none. */
static const char *jump_name(const struct walk *w, size_t to)
{
	for (size_t off = 0; off < w->size; off += u16_at(w->blob + off, w->lay->next_offset))
		if (is_error(w, off) && off + u16_at(w->blob + off, w->lay->next_offset) == to)
			return (const char *)target_of(w, off)->data;
	return "";
}

static void target_name(const struct walk *w, size_t off, char *buf, size_t len)
{
	const struct xt_entry_target *t = target_of(w, off);
	int verdict;

	if (strcmp(t->u.user.name, XT_STANDARD_TARGET)) {
		snprintf(buf, len, "%s", t->u.user.name);
		return;
	}
	memcpy(&verdict, t->data, sizeof(verdict));
	snprintf(buf, len, "%s", verdict == -NF_DROP - 1 ? "DROP" : verdict == -NF_ACCEPT - 1 ? "ACCEPT" :
		 verdict == XT_RETURN ? "RETURN" : verdict >= 0 ? jump_name(w, (size_t)verdict) : "");
}

static unsigned mask_len(const uint8_t *m, unsigned len)
{
	unsigned bits = 0;

	for (unsigned i = 0; i < len; i++)
		bits += (unsigned)__builtin_popcount(m[i]);
	return bits;
}

/* Appends to buf (of len, used so far in *used). */
static void put(char *buf, size_t len, size_t *used, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	*used += n > 0 ? (size_t)n : 0;
}

static void put_addr(char *buf, size_t len, size_t *used, const struct walk *w, const uint8_t *e, size_t a,
		     size_t m, bool inverted, const char *flag)
{
	char text[INET6_ADDRSTRLEN];
	unsigned bits = mask_len(e + m, w->lay->addr_len);

	if (!bits)
		return;
	inet_ntop(w->lay->addr_len == 4 ? AF_INET : AF_INET6, e + a, text, sizeof(text));
	put(buf, len, used, "%s %s %s/%u", inverted ? " !" : "", flag, text, bits);
}

static const char *proto_name(unsigned p, char *num, size_t len)
{
	switch (p) {
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMPV6:
		return "ipv6-icmp";
	}
	snprintf(num, len, "%u", p);
	return num;
}

/* The entry as iptables-save would begin to write it: its addresses, interfaces, protocol, the names of its
 * matches and its target. */
static void rule_text(const struct walk *w, size_t off, const char *chain, const char *target, char *buf,
		      size_t len)
{
	const uint8_t *e = w->blob + off;
	const struct layout *l = w->lay;
	uint8_t inv = e[l->invflags];
	unsigned proto = u16_at(e, l->proto);
	size_t used = 0;
	char num[16];

	put(buf, len, &used, "-A %s", chain);
	put_addr(buf, len, &used, w, e, l->src, l->smsk, inv & IPT_INV_SRCIP, "-s");
	put_addr(buf, len, &used, w, e, l->dst, l->dmsk, inv & IPT_INV_DSTIP, "-d");
	if (e[l->iniface])
		put(buf, len, &used, "%s -i %.*s", inv & IPT_INV_VIA_IN ? " !" : "", IFNAMSIZ, (const char *)e + l->iniface);
	if (e[l->outiface])
		put(buf, len, &used, "%s -o %.*s", inv & IPT_INV_VIA_OUT ? " !" : "", IFNAMSIZ,
		    (const char *)e + l->outiface);
	if (proto)
		put(buf, len, &used, "%s -p %s", inv & XT_INV_PROTO ? " !" : "", proto_name(proto, num, sizeof(num)));
	for (size_t m = l->header; m + sizeof(struct xt_entry_match) <= u16_at(e, l->target_offset);) {
		const struct xt_entry_match *match = (const struct xt_entry_match *)(e + m);

		if (match->u.match_size < sizeof(*match))
			break;
		put(buf, len, &used, " -m %.*s", XT_EXTENSION_MAXNAMELEN, match->u.user.name);
		m += match->u.match_size;
	}
	if (target[0])
		put(buf, len, &used, " -j %s", target);
}

/* The entry's addresses, masks, protocol and inversions, for judging what it may match. */
static void matches_of(const struct walk *w, size_t off, struct fw_legacy_rule *r)
{
	const uint8_t *e = w->blob + off;
	const struct layout *l = w->lay;

	memset(r->src, 0, sizeof(r->src));
	memset(r->smsk, 0, sizeof(r->smsk));
	memset(r->dst, 0, sizeof(r->dst));
	memset(r->dmsk, 0, sizeof(r->dmsk));
	memcpy(r->src, e + l->src, l->addr_len);
	memcpy(r->smsk, e + l->smsk, l->addr_len);
	memcpy(r->dst, e + l->dst, l->addr_len);
	memcpy(r->dmsk, e + l->dmsk, l->addr_len);
	r->proto = u16_at(e, l->proto);
	r->invflags = e[l->invflags];
}

/* ---- the walk ---- */

static int add(struct fw_legacy *out, const struct fw_legacy_rule *r)
{
	if (out->n == out->cap) {
		unsigned cap = out->cap * 2 + 16;
		struct fw_legacy_rule *grown = realloc(out->v, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		out->v = grown;
		out->cap = cap;
	}
	out->v[out->n++] = *r;
	return 0;
}

/* The hook whose chain starts (entry) or ends (underflow) at off, or -1. */
static int hook_at(unsigned valid, const unsigned *offsets, size_t off)
{
	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		if ((valid & (1u << h)) && offsets[h] == off)
			return h;
	return -1;
}

/* Checks that every entry lies inside the blob, with its target inside the entry. */
static bool well_formed(const struct walk *w)
{
	size_t off = 0;

	while (off < w->size) {
		uint16_t next, target;

		if (w->size - off < w->lay->header + sizeof(struct xt_entry_target))
			return false;
		next = u16_at(w->blob + off, w->lay->next_offset);
		target = u16_at(w->blob + off, w->lay->target_offset);
		if (next < w->lay->header || next > w->size - off || target < w->lay->header ||
		    (size_t)target + sizeof(struct xt_entry_target) > next || next % 8)
			return false;
		off += next;
	}
	return off == w->size;
}

int fw_legacy_parse(int family, const char *table, unsigned valid_hooks, const unsigned *hook_entry,
		    const unsigned *underflow, const void *blob, size_t size, struct fw_legacy *out)
{
	struct walk w = { family == AF_INET6 ? &layout6 : &layout4, blob, size };
	struct fw_legacy_rule r = { .family = family };
	bool builtin = false;
	int ret = 0;

	if (!well_formed(&w))
		return -EINVAL;
	snprintf(r.table, sizeof(r.table), "%s", table);
	out->any = true;
	for (size_t off = 0, next; off < size && !ret; off = next) {
		int hook = hook_at(valid_hooks, hook_entry, off);

		next = off + u16_at(w.blob + off, w.lay->next_offset);
		if (hook >= 0) {
			snprintf(r.chain, sizeof(r.chain), "%s", hook_names[hook]);
			r.pos = 0;
			builtin = true;
		}
		if (is_error(&w, off)) {   /* a user chain's head names it; the table's last entry ends it */
			snprintf(r.chain, sizeof(r.chain), "%.*s", FW_LEGACY_NAME - 1, (const char *)target_of(&w, off)->data);
			r.pos = 0;
			builtin = false;
			continue;
		}
		r.policy = builtin && hook_at(valid_hooks, underflow, off) >= 0;
		if (!builtin && is_error(&w, next))
			continue;   /* a user chain's implicit RETURN: no rule of anyone's */
		target_name(&w, off, r.target, sizeof(r.target));
		matches_of(&w, off, &r);
		memcpy(&r.packets, w.blob + off + w.lay->counters + offsetof(struct xt_counters, pcnt), sizeof(r.packets));
		if (r.policy)
			snprintf(r.text, sizeof(r.text), ":%s %s", r.chain, r.target);
		else
			rule_text(&w, off, r.chain, r.target, r.text, sizeof(r.text));
		ret = add(out, &r);
		r.pos += !r.policy;
	}
	return ret;
}

/* ---- reading a namespace ---- */

struct legacy_read {
	struct fw_legacy *out;
	char why[200];
};

static int read_table(int fd, int family, const char *name, struct legacy_read *rd)
{
	int level = family == AF_INET6 ? SOL_IPV6 : SOL_IP;
	struct ipt_getinfo info = { 0 };   /* ip6t_getinfo and ip6t_get_entries are laid out alike */
	socklen_t len = sizeof(info);
	struct ipt_get_entries *entries;
	int ret;

	snprintf(info.name, sizeof(info.name), "%s", name);
	if (getsockopt(fd, level, IPT_SO_GET_INFO, &info, &len) < 0)
		return -errno;
	len = (socklen_t)(sizeof(*entries) + info.size);
	entries = calloc(1, len);
	if (!entries)
		return -ENOMEM;
	snprintf(entries->name, sizeof(entries->name), "%s", name);
	entries->size = info.size;
	if (getsockopt(fd, level, IPT_SO_GET_ENTRIES, entries, &len) < 0)
		ret = -errno;
	else
		ret = fw_legacy_parse(family, name, info.valid_hooks, info.hook_entry, info.underflow,
				      entries->entrytable, entries->size, rd->out);
	free(entries);
	return ret;
}

/* The family's tables the namespace has, one name a line, as /proc/net/ip{,6}_tables_names lists them. */
static int read_family(int family, struct legacy_read *rd)
{
	const char *path = family == AF_INET6 ? "/proc/thread-self/net/ip6_tables_names" :
						"/proc/thread-self/net/ip_tables_names";
	char names[512] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC), sock, ret = 0;
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;   /* no legacy tables in this kernel */
	n = read(fd, names, sizeof(names) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	names[n] = '\0';
	sock = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (sock < 0)
		return -errno;
	for (char *save, *name = strtok_r(names, "\n", &save); name && !ret; name = strtok_r(NULL, "\n", &save)) {
		ret = read_table(sock, family, name, rd);
		if (ret)
			snprintf(rd->why, sizeof(rd->why), "%s legacy table %s: %s", family == AF_INET6 ? "ip6" : "ip",
				 name, strerror(-ret));
	}
	close(sock);
	return ret;
}

/* Runs inside the namespace: /proc/thread-self/net and the raw socket are the calling thread's namespace's. */
static int read_in_ns(void *arg)
{
	struct legacy_read *rd = arg;
	int ret = read_family(AF_INET, rd);

	return ret ? ret : read_family(AF_INET6, rd);
}

int fw_legacy_read(int nsfd, struct fw_legacy *out, char *err, size_t errlen)
{
	struct legacy_read rd = { .out = out };
	int ret;

	out->n = 0;
	out->any = false;
	ret = netns_run(nsfd, read_in_ns, &rd);
	if (ret)
		snprintf(err, errlen, "%s", rd.why[0] ? rd.why : strerror(-ret));
	return ret;
}

void fw_legacy_free(struct fw_legacy *l)
{
	if (!l)
		return;
	free(l->v);
	*l = (struct fw_legacy){ 0 };
}

/* ---- what moved ---- */

static bool same_rule(const struct fw_legacy_rule *a, const struct fw_legacy_rule *b)
{
	return a->family == b->family && a->policy == b->policy && a->pos == b->pos && !strcmp(a->table, b->table) &&
	       !strcmp(a->chain, b->chain) && !strcmp(a->text, b->text);
}

/* How far r's counter rose since before (a rule new since then: from 0). */
static uint64_t rise(const struct fw_legacy *before, const struct fw_legacy_rule *r)
{
	for (unsigned i = 0; before && i < before->n; i++)
		if (same_rule(&before->v[i], r))
			return r->packets > before->v[i].packets ? r->packets - before->v[i].packets : 0;
	return r->packets;
}

static bool drops(const struct fw_legacy_rule *r)
{
	return !strcmp(r->target, "DROP") || (!r->policy && !strcmp(r->target, "REJECT"));
}

static bool any_rule(const struct fw_legacy_rule *r, const void *arg)
{
	(void)r;
	(void)arg;
	return true;
}

const struct fw_legacy_rule *fw_legacy_moved_drop_if(const struct fw_legacy *before, const struct fw_legacy *after,
						     bool (*may)(const struct fw_legacy_rule *r, const void *arg),
						     const void *arg, uint64_t *delta)
{
	for (int policies = 0; policies < 2; policies++)
		for (unsigned i = 0; i < after->n; i++) {
			const struct fw_legacy_rule *r = &after->v[i];

			if (r->policy == (bool)policies && drops(r) && may(r, arg) && (*delta = rise(before, r)))
				return r;
		}
	*delta = 0;
	return NULL;
}

const struct fw_legacy_rule *fw_legacy_moved_drop(const struct fw_legacy *before, const struct fw_legacy *after,
						  uint64_t *delta)
{
	return fw_legacy_moved_drop_if(before, after, any_rule, NULL, delta);
}

/* Whether address a (of the rule's family) is in addr/mask. */
static bool in_masked(const struct fw_legacy_rule *r, const uint8_t *addr, const uint8_t *mask, const struct addr *a)
{
	unsigned len = r->family == AF_INET6 ? 16 : 4;

	for (unsigned i = 0; i < len; i++)
		if ((a->bytes[i] & mask[i]) != (addr[i] & mask[i]))
			return false;
	return true;
}

/* Whether one of a[0..n) of the rule's family is in addr/mask, the rule's "!" (inv) applied. */
static bool any_in(const struct fw_legacy_rule *r, const uint8_t *addr, const uint8_t *mask, bool inv,
		   const struct addr *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i].family == r->family && in_masked(r, addr, mask, &a[i]) != inv)
			return true;
	return false;
}

bool fw_legacy_may_match_icmp(const struct fw_legacy_rule *r, const struct addr *from, unsigned nfrom,
			      const struct addr *to, unsigned nto)
{
	unsigned icmp = r->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;

	if (r->policy)
		return true;
	if (r->proto && (r->proto == icmp) == (bool)(r->invflags & XT_INV_PROTO))
		return false;
	return any_in(r, r->src, r->smsk, r->invflags & IPT_INV_SRCIP, from, nfrom) &&
	       any_in(r, r->dst, r->dmsk, r->invflags & IPT_INV_DSTIP, to, nto);
}
