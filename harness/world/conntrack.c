/* conntrack.c — the conntrack table of a namespace: a ctnetlink dump, its messages parsed strictly, entries as text. */
#include "harness/world/conntrack.h"
#include "harness/base/nl.h"

#include <endian.h>
#include <errno.h>
#include <netinet/in.h>   /* before the linux headers, which otherwise define struct in_addr first */
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- parsing ---- */

/* Fills tb[0..max] from the attributes in payload; unknown types are skipped.  Unlike mnl_attr_parse, an
 * attribute that runs past the end, or bytes after the last one, are an error rather than the end of the list
 * (the kernel pads every attribute and sizes every nest and message to the padded end). */
static int attr_table(const void *payload, size_t len, const struct nlattr **tb, unsigned max)
{
	const char *end = (const char *)payload + len;
	struct nlattr *a = (struct nlattr *)payload;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	for (; mnl_attr_ok(a, end - (const char *)a); a = mnl_attr_next(a))
		if (mnl_attr_get_type(a) <= max)
			tb[mnl_attr_get_type(a)] = a;
	return end - (const char *)a > 0 ? -EBADMSG : 0;
}

static int nest_table(const struct nlattr *nest, const struct nlattr **tb, unsigned max)
{
	return attr_table(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), tb, max);
}

/* Each getter leaves *v alone when the attribute is absent, and refuses one of the wrong size. */
static int get_u8(const struct nlattr *a, uint8_t *v)
{
	if (a && mnl_attr_get_payload_len(a) != sizeof(*v))
		return -EBADMSG;
	if (a)
		*v = mnl_attr_get_u8(a);
	return 0;
}

static int get_be16(const struct nlattr *a, uint16_t *v)
{
	if (a && mnl_attr_get_payload_len(a) != sizeof(*v))
		return -EBADMSG;
	if (a)
		*v = be16toh(mnl_attr_get_u16(a));
	return 0;
}

static int get_be32(const struct nlattr *a, uint32_t *v)
{
	if (a && mnl_attr_get_payload_len(a) != sizeof(*v))
		return -EBADMSG;
	if (a)
		*v = be32toh(mnl_attr_get_u32(a));
	return 0;
}

static int get_addr(const struct nlattr *a, int family, struct addr *out)
{
	size_t n = family == AF_INET ? 4 : 16;

	if (!a || mnl_attr_get_payload_len(a) != n)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->bytes, mnl_attr_get_payload(a), n);
	return 0;
}

static int ip_parse(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *tb[CTA_IP_MAX + 1];
	bool v4;

	if (nest_table(nest, tb, CTA_IP_MAX))
		return -EBADMSG;
	v4 = tb[CTA_IP_V4_SRC] || tb[CTA_IP_V4_DST];
	if (v4 && (tb[CTA_IP_V6_SRC] || tb[CTA_IP_V6_DST]))
		return -EBADMSG;
	if (v4)
		return get_addr(tb[CTA_IP_V4_SRC], AF_INET, &t->src) || get_addr(tb[CTA_IP_V4_DST], AF_INET, &t->dst)
			? -EBADMSG : 0;
	return get_addr(tb[CTA_IP_V6_SRC], AF_INET6, &t->src) || get_addr(tb[CTA_IP_V6_DST], AF_INET6, &t->dst)
		? -EBADMSG : 0;
}

static int proto_parse(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *tb[CTA_PROTO_MAX + 1];
	uint8_t num;
	int bad;

	if (nest_table(nest, tb, CTA_PROTO_MAX) || !tb[CTA_PROTO_NUM] || get_u8(tb[CTA_PROTO_NUM], &num))
		return -EBADMSG;
	t->proto = num;
	if (num == IPPROTO_ICMPV6)
		bad = get_be16(tb[CTA_PROTO_ICMPV6_ID], &t->icmp_id) || get_u8(tb[CTA_PROTO_ICMPV6_TYPE], &t->icmp_type) ||
		      get_u8(tb[CTA_PROTO_ICMPV6_CODE], &t->icmp_code);
	else if (num == IPPROTO_ICMP)
		bad = get_be16(tb[CTA_PROTO_ICMP_ID], &t->icmp_id) || get_u8(tb[CTA_PROTO_ICMP_TYPE], &t->icmp_type) ||
		      get_u8(tb[CTA_PROTO_ICMP_CODE], &t->icmp_code);
	else
		bad = get_be16(tb[CTA_PROTO_SRC_PORT], &t->sport) || get_be16(tb[CTA_PROTO_DST_PORT], &t->dport);
	return bad ? -EBADMSG : 0;
}

static int tuple_parse(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *tb[CTA_TUPLE_MAX + 1];

	if (!nest || nest_table(nest, tb, CTA_TUPLE_MAX) || !tb[CTA_TUPLE_IP] || !tb[CTA_TUPLE_PROTO])
		return -EBADMSG;
	return ip_parse(tb[CTA_TUPLE_IP], t) || proto_parse(tb[CTA_TUPLE_PROTO], t) ? -EBADMSG : 0;
}

static int packets_parse(const struct nlattr *nest, uint64_t *packets)
{
	const struct nlattr *tb[CTA_COUNTERS_MAX + 1];
	const struct nlattr *p;

	if (!nest)
		return 0;
	if (nest_table(nest, tb, CTA_COUNTERS_MAX))
		return -EBADMSG;
	p = tb[CTA_COUNTERS_PACKETS];
	if (p && mnl_attr_get_payload_len(p) != sizeof(uint64_t))
		return -EBADMSG;
	if (p)
		*packets = be64toh(mnl_attr_get_u64(p));
	return 0;
}

int ct_entry_parse(const struct nlmsghdr *nlh, struct ct_entry *e)
{
	const size_t hdr = MNL_ALIGN(sizeof(struct nfgenmsg));
	const struct nlattr *tb[CTA_MAX + 1];
	unsigned msg = NFNL_MSG_TYPE(nlh->nlmsg_type);

	memset(e, 0, sizeof(*e));
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK ||
	    (msg != IPCTNL_MSG_CT_NEW && msg != IPCTNL_MSG_CT_DELETE) || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + hdr)
		return -EBADMSG;
	if (attr_table(mnl_nlmsg_get_payload_offset(nlh, sizeof(struct nfgenmsg)), nlh->nlmsg_len - MNL_NLMSG_HDRLEN - hdr,
		       tb, CTA_MAX))
		return -EBADMSG;
	if (tuple_parse(tb[CTA_TUPLE_ORIG], &e->orig) || tuple_parse(tb[CTA_TUPLE_REPLY], &e->reply) ||
	    e->orig.src.family != e->reply.src.family)
		return -EBADMSG;
	if (get_be32(tb[CTA_STATUS], &e->status) || get_be32(tb[CTA_TIMEOUT], &e->timeout) ||
	    get_be32(tb[CTA_MARK], &e->mark))
		return -EBADMSG;
	if (packets_parse(tb[CTA_COUNTERS_ORIG], &e->packets_orig) ||
	    packets_parse(tb[CTA_COUNTERS_REPLY], &e->packets_reply))
		return -EBADMSG;
	return 0;
}

/* ---- the dump ---- */

struct dump {
	int (*fn)(const struct ct_entry *e, void *arg);
	void *arg;
	int ret;                  /* fn's first non-zero return: entries after it are dropped */
	int bad;                  /* -EBADMSG once a message did not parse */
};

static int on_entry(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct ct_entry e;

	if (d->ret)
		return MNL_CB_OK;
	if (ct_entry_parse(nlh, &e))
		d->bad = -EBADMSG;
	else
		d->ret = d->fn(&e, d->arg);
	return MNL_CB_OK;
}

int conntrack_dump(int nsfd, int (*fn)(const struct ct_entry *e, void *arg), void *arg)
{
	char buf[NL_BUF_SIZE], msg[NL_MSG_LEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct dump d = { fn, arg, 0, 0 };
	struct nfgenmsg *nfg;
	struct nl nl;
	int err;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;          /* both families */
	nfg->version = NFNETLINK_V0;
	err = nl_open(&nl, nsfd, NETLINK_NETFILTER, 0);
	if (err)
		return err;
	err = nl_talk(&nl, nlh, on_entry, &d, msg, sizeof(msg));
	nl_close(&nl);
	return err ? err : d.ret ? d.ret : d.bad;
}

/* ---- as text ---- */

struct sbuf {
	char *buf;
	size_t len, used;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->used, s->used < s->len ? s->len - s->used : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->used += n;
}

static const char *proto_name(int proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_UDPLITE: return "udplite";
	case IPPROTO_DCCP: return "dccp";
	case IPPROTO_GRE: return "gre";
	}
	return NULL;
}

static bool has_ports(int proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

static void endpoint(struct sbuf *s, const struct addr *a, bool ports, uint16_t port)
{
	char text[ADDR_STRLEN];

	addr_str(a, text, sizeof(text));
	if (!ports)
		sb_printf(s, "%s", text);
	else if (a->family == AF_INET6)
		sb_printf(s, "[%s]:%u", text, port);
	else
		sb_printf(s, "%s:%u", text, port);
}

static void tuple(struct sbuf *s, const struct ct_tuple *t, bool orig)
{
	bool ports = has_ports(t->proto);
	bool icmp = t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6;
	uint8_t echo = t->proto == IPPROTO_ICMP ? 8 : 128;

	endpoint(s, &t->src, ports, t->sport);
	sb_printf(s, " > ");
	endpoint(s, &t->dst, ports, t->dport);
	if (icmp)
		sb_printf(s, " id %u", t->icmp_id);
	if (icmp && orig && t->icmp_type != echo)
		sb_printf(s, " type %u code %u", t->icmp_type, t->icmp_code);
}

static void flags(struct sbuf *s, uint32_t status)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ IPS_EXPECTED, "EXPECTED" }, { IPS_SEEN_REPLY, "UNREPLIED" }, { IPS_ASSURED, "ASSURED" },
		{ IPS_SRC_NAT, "SRC_NAT" }, { IPS_DST_NAT, "DST_NAT" }, { IPS_DYING, "DYING" },
		{ IPS_OFFLOAD, "OFFLOAD" },
	};
	const char *sep = " [";

	status ^= IPS_SEEN_REPLY;               /* shown by its absence, as conntrack(8) does */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (status & names[i].bit) {
			sb_printf(s, "%s%s", sep, names[i].name);
			sep = ",";
		}
	}
	if (sep[0] == ',')
		sb_printf(s, "]");
}

const char *ct_entry_str(const struct ct_entry *e, char *buf, size_t len)
{
	struct sbuf s = { buf, len, 0 };
	const char *name = proto_name(e->orig.proto);

	if (len)
		buf[0] = '\0';
	if (name)
		sb_printf(&s, "%s ", name);
	else
		sb_printf(&s, "proto %d ", e->orig.proto);
	tuple(&s, &e->orig, true);
	sb_printf(&s, " | reply ");
	tuple(&s, &e->reply, false);
	flags(&s, e->status);
	sb_printf(&s, " timeout %u", e->timeout);
	if (e->mark)
		sb_printf(&s, " mark 0x%x", e->mark);
	if (e->packets_orig || e->packets_reply)
		sb_printf(&s, " packets %llu/%llu", (unsigned long long)e->packets_orig,
			  (unsigned long long)e->packets_reply);
	return buf;
}

bool ct_entry_is_snat(const struct ct_entry *e)
{
	return !addr_equal(&e->reply.dst, &e->orig.src);
}
