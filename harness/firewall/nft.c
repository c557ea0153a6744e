/* nft.c — nsharness's nftables table in one namespace: atomic batches of a stage's steps, and their counters. */
#include "harness/firewall/nft.h"
#include "harness/base/clock.h"
#include "harness/base/nl.h"

#include <errno.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NFT_TIMEOUT_MS 5000   /* a batch's answer from the kernel: not a scaled wait, as NL_TIMEOUT_MS (nl.c) */

/* One installed rule and the step it came from (the counting rule is have.counting, not a record). */
struct nft_rec {
	const struct step *step;
	enum nft_chain chain;
	uint64_t handle, packets, bytes;
	int seen;                 /* in the last dump */
};

struct nft_ns {
	struct nl nl;
	struct nft_have have;
	int policy;
	struct nft_rec *recs;     /* installation order */
	unsigned nrecs, cap;
	uint64_t policy_packets;
};

/* ---- the kernel's refusal, in the scenario's words ---- */

static int ext_ack_offset(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_OFFS && mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		*(uint32_t *)data = mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

/* The offset into the refused message of the attribute the kernel pointed at, or 0. */
static uint32_t error_offset(const struct nlmsghdr *e)
{
	const struct nlmsgerr *ne = mnl_nlmsg_get_payload(e);
	unsigned off = sizeof(*ne);
	uint32_t at = 0;

	if (!(e->nlmsg_flags & NLM_F_ACK_TLVS) || e->nlmsg_len < mnl_nlmsg_size(off))
		return 0;
	if (!(e->nlmsg_flags & NLM_F_CAPPED))
		off += ne->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (mnl_nlmsg_size(off) <= e->nlmsg_len)
		mnl_attr_parse(e, off, ext_ack_offset, &at);
	return at;
}

static const struct nlmsghdr *batch_find(const struct nft_batch *b, uint32_t seq)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)b->buf;
	int left = (int)b->len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		if (nlh->nlmsg_seq == seq)
			return nlh;
	return NULL;
}

static int within(const struct nlmsghdr *nlh, const struct nlattr *a, uint32_t off)
{
	uint32_t start = (const char *)a - (const char *)nlh;

	return off >= start && off < start + a->nla_len;
}

#define NAMED(names, i) ((i) < sizeof(names) / sizeof(names[0]) ? names[i] : NULL)

/* The attribute of a message nsharness sends that the kernel pointed at, by name. */
static const char *attr_name(uint16_t msg_type, uint16_t attr)
{
	static const char *const table[] = { [NFTA_TABLE_NAME] = "table name" };
	static const char *const chain[] = {
		[NFTA_CHAIN_TABLE] = "table", [NFTA_CHAIN_NAME] = "chain name", [NFTA_CHAIN_HOOK] = "hook",
		[NFTA_CHAIN_POLICY] = "policy", [NFTA_CHAIN_TYPE] = "chain type",
	};
	static const char *const rule[] = {
		[NFTA_RULE_TABLE] = "table", [NFTA_RULE_CHAIN] = "chain", [NFTA_RULE_POSITION] = "position",
	};

	switch (NFNL_MSG_TYPE(msg_type)) {
	case NFT_MSG_NEWTABLE:
		return NAMED(table, attr);
	case NFT_MSG_NEWCHAIN:
		return NAMED(chain, attr);
	case NFT_MSG_NEWRULE:
		return NAMED(rule, attr);
	}
	return NULL;
}

/* " (at expression 6: masq)": which expression of a rule's list the offset falls in. */
static void expr_site(const struct nlmsghdr *nlh, const struct nlattr *list, uint32_t off, char *buf, size_t len)
{
	const struct nlattr *el, *name;
	unsigned i = 0;

	snprintf(buf, len, " (at the expressions)");
	mnl_attr_for_each_nested(el, list) {
		i++;
		if (!within(nlh, el, off) || mnl_attr_get_payload_len(el) < sizeof(*name))
			continue;
		name = mnl_attr_get_payload(el);   /* our own message: NFTA_EXPR_NAME comes first */
		snprintf(buf, len, " (at expression %u: %s)", i, mnl_attr_get_type(name) == NFTA_EXPR_NAME ?
			 mnl_attr_get_str(name) : "?");
		return;
	}
}

/* " (at chain)", " (at expression 6: masq)": the part of our message nlh the kernel's offset points into. */
static void error_site(const struct nlmsghdr *nlh, uint32_t off, char *buf, size_t len)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		uint16_t type = mnl_attr_get_type(a);
		const char *what = attr_name(nlh->nlmsg_type, type);

		if (!within(nlh, a, off))
			continue;
		if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWRULE && type == NFTA_RULE_EXPRESSIONS)
			expr_site(nlh, a, off, buf, len);
		else if (what)
			snprintf(buf, len, " (at %s)", what);
		else
			snprintf(buf, len, " (at attribute %u)", type);
		return;
	}
}

static const char *obj_what(const struct nft_msg *m, char *buf, size_t len)
{
	switch (m->obj) {
	case NFT_OBJ_TABLE:
		return "table inet " NFT_TABLE ": ";
	case NFT_OBJ_CHAIN:
		snprintf(buf, len, "chain %s: ", nft_chain_name[m->chain]);
		return buf;
	case NFT_OBJ_COUNTING:
		return "chain forward's counting rule: ";
	case NFT_OBJ_BATCH:
	case NFT_OBJ_POLICY:
	case NFT_OBJ_RULE:
		break;
	}
	return "";
}

int nft_batch_error(const struct nft_batch *b, const struct nlmsghdr *e, char *err, size_t errlen)
{
	char kmsg[NL_MSG_LEN], site[64] = "", what[32];
	int ret = nl_parse_error(e, kmsg, sizeof(kmsg));
	const struct nft_msg *m = nft_batch_msg(b, e->nlmsg_seq);
	const struct nlmsghdr *sent = batch_find(b, e->nlmsg_seq);
	uint32_t off = error_offset(e);

	if (!ret)
		return 0;
	if (!kmsg[0])
		snprintf(kmsg, sizeof(kmsg), "%s", strerror(-ret));
	if (sent && off >= mnl_nlmsg_size(sizeof(struct nfgenmsg)) && off < sent->nlmsg_len)
		error_site(sent, off, site, sizeof(site));
	if (m && m->step)
		snprintf(err, errlen, "%s:%u: %s: %s%s%s", m->step->loc.file, m->step->loc.line, m->step->text,
			 obj_what(m, what, sizeof(what)), kmsg, site);
	else
		snprintf(err, errlen, "nft batch: %s%s", kmsg, site);
	return ret;
}

/* ---- the state in one namespace ---- */

struct nft_ns *nft_ns_new(int nsfd, char *err, size_t errlen)
{
	struct nft_ns *n = calloc(1, sizeof(*n));
	int ret = -ENOMEM;

	if (n)
		ret = nl_open(&n->nl, nsfd, NETLINK_NETFILTER, 0);
	if (ret) {
		snprintf(err, errlen, "nft: netfilter netlink socket: %s", strerror(-ret));
		free(n);
		return NULL;
	}
	n->policy = NF_ACCEPT;
	return n;
}

void nft_ns_free(struct nft_ns *n)
{
	if (!n)
		return;
	nl_close(&n->nl);
	free(n->recs);
	free(n);
}

int nft_ns_fd(const struct nft_ns *n)
{
	return n && n->nl.sock ? mnl_socket_get_fd(n->nl.sock) : -1;
}

int nft_forward_policy(const struct nft_ns *n)
{
	return n->policy;
}

static int reserve(struct nft_ns *n, unsigned more)
{
	struct nft_rec *r;

	if (n->nrecs + more <= n->cap)
		return 0;
	r = realloc(n->recs, (n->nrecs + more) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	n->recs = r;
	n->cap = n->nrecs + more;
	return 0;
}

struct acks {
	struct nft_batch *b;
	unsigned want, got, echoes_want, echoes;
	int error, fatal;
	char *err;
	size_t errlen;
};

static void on_answer(struct acks *a, const struct nlmsghdr *nlh)
{
	struct nft_msg *m = nft_batch_msg(a->b, nlh->nlmsg_seq);
	struct nftnl_rule *r;
	int ret;

	if (!m)
		return;   /* a late answer to an earlier batch that timed out */
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		a->got++;
		a->fatal |= m->obj == NFT_OBJ_BATCH;   /* refused whole: no other answer follows */
		ret = nft_batch_error(a->b, nlh, a->error ? NULL : a->err, a->error ? 0 : a->errlen);
		if (ret && !a->error)
			a->error = ret;
	} else if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWRULE && (r = nftnl_rule_alloc())) {
		if (!m->handle && nftnl_rule_nlmsg_parse(nlh, r) == 0 && nftnl_rule_is_set(r, NFTNL_RULE_HANDLE)) {
			m->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
			a->echoes++;
		}
		nftnl_rule_free(r);
	}
}

static int on_batch_answer(const struct nlmsghdr *nlh, void *arg)
{
	struct acks *a = arg;

	on_answer(a, nlh);
	return a->fatal || (a->got >= a->want && (a->error || a->echoes >= a->echoes_want));
}

static void commit(struct nft_ns *n, const struct nft_batch *b)
{
	for (unsigned i = 0; i < b->nmsgs; i++) {
		const struct nft_msg *m = &b->msgs[i];

		n->have.table |= m->obj == NFT_OBJ_TABLE;
		if (m->obj == NFT_OBJ_CHAIN)
			n->have.chain[m->chain] = 1;
		if (m->obj == NFT_OBJ_POLICY)
			n->policy = m->policy;
		if (m->obj == NFT_OBJ_COUNTING)
			n->have.counting = m->handle;
		if (m->obj == NFT_OBJ_RULE)
			n->recs[n->nrecs++] = (struct nft_rec){ .step = m->step, .chain = m->chain, .handle = m->handle };
	}
}

const struct step *nft_step_of_handle(const struct nft_ns *n, uint64_t handle)
{
	for (unsigned i = 0; n && i < n->nrecs; i++)
		if (n->recs[i].handle == handle)
			return n->recs[i].step;
	return NULL;
}

static unsigned count_echoes(const struct nft_batch *b)
{
	unsigned k = 0;

	for (unsigned i = 0; i < b->nmsgs; i++)
		k += b->msgs[i].obj == NFT_OBJ_RULE || b->msgs[i].obj == NFT_OBJ_COUNTING;
	return k;
}

int nft_apply(struct nft_ns *n, const struct step *const *steps, unsigned nsteps, char *err, size_t errlen)
{
	struct nft_batch b;
	struct acks a = { .b = &b, .err = err, .errlen = errlen };
	int ret;

	if (!nsteps)
		return 0;
	ret = nft_batch_build(&b, &n->have, steps, nsteps, n->nl.seq, err, errlen);
	if (ret)
		return ret;
	n->nl.seq += b.nmsgs;
	a.want = b.nmsgs - 2;   /* all but the batch begin and end */
	a.echoes_want = count_echoes(&b);
	ret = reserve(n, nsteps);
	if (!ret && mnl_socket_sendto(n->nl.sock, b.buf, b.len) < 0)
		ret = -errno;
	if (!ret)
		ret = nl_receive(&n->nl, deadline_after(NFT_TIMEOUT_MS), on_batch_answer, &a);
	if (!ret)
		ret = a.error;
	if (!ret)
		commit(n, &b);
	else if (errlen && !err[0])
		snprintf(err, errlen, "nft batch: %s", strerror(-ret));
	nft_batch_free(&b);
	return ret;
}

/* ---- counters ---- */

static void account(struct nft_ns *n, struct nftnl_rule *r)
{
	uint64_t handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE), packets = 0, bytes = 0;
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;

	while (it && (e = nftnl_expr_iter_next(it))) {
		if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter") == 0) {
			packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
			bytes = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
		}
	}
	nftnl_expr_iter_destroy(it);
	if (handle && handle == n->have.counting)
		n->policy_packets = packets;
	for (unsigned i = 0; i < n->nrecs; i++) {
		if (n->recs[i].handle == handle && strcmp(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN),
							  nft_chain_name[n->recs[i].chain]) == 0) {
			n->recs[i].packets = packets;
			n->recs[i].bytes = bytes;
			n->recs[i].seen = 1;
		}
	}
}

struct dump {
	struct nft_ns *n;
	int error;
};

/* One rule of the dump: its counter goes to the record of the step it came from. */
static int on_rule(const struct nlmsghdr *nlh, void *arg)
{
	struct dump *d = arg;
	struct nftnl_rule *r;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		d->error = -EAGAIN;   /* the ruleset changed under the dump: its numbers do not belong together */
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWRULE || !(r = nftnl_rule_alloc()))
		return MNL_CB_OK;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0 && nftnl_rule_is_set(r, NFTNL_RULE_HANDLE))
		account(d->n, r);
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static struct nlmsghdr *build_dump(char *buf)
{
	struct nftnl_rule *filter = nftnl_rule_alloc();
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP, 0);

	if (!filter)
		return NULL;
	nftnl_rule_set_str(filter, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_nlmsg_build_payload(nlh, filter);
	nftnl_rule_free(filter);
	return nlh;
}

/* Dumps the table's rules into the records' counters. */
static int dump_counters(struct nft_ns *n, char *err, size_t errlen)
{
	char buf[NL_BUF_SIZE] = { 0 };   /* zeroed: libmnl 1.0.4 leaves attribute padding as it finds it */
	char msg[NL_MSG_LEN] = "";
	struct dump d = { n, 0 };
	struct nlmsghdr *nlh;
	int ret;

	n->policy_packets = 0;
	for (unsigned i = 0; i < n->nrecs; i++)
		n->recs[i].seen = 0;
	if (!n->have.table)
		return 0;
	nlh = build_dump(buf);
	ret = nlh ? nl_talk(&n->nl, nlh, on_rule, &d, msg, sizeof(msg)) : -ENOMEM;
	if (!ret)
		ret = d.error;
	if (ret)
		snprintf(err, errlen, "nft: reading the counters of table inet " NFT_TABLE ": %s",
			 msg[0] ? msg : strerror(-ret));
	return ret;
}

int nft_counters(struct nft_ns *n, struct nft_counter *out, unsigned max, unsigned *count,
		 uint64_t *policy_packets, char *err, size_t errlen)
{
	int ret = dump_counters(n, err, errlen);

	*count = 0;
	*policy_packets = 0;
	if (ret)
		return ret;
	for (unsigned i = 0; i < n->nrecs; i++, (*count)++)
		if (*count < max)
			out[*count] = (struct nft_counter){ n->recs[i].step, n->recs[i].packets, n->recs[i].bytes };
	*policy_packets = n->policy_packets;
	return 0;
}

/* ---- evidence ---- */

struct text {
	char *buf;
	size_t len, n;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(t->n < t->len ? t->buf + t->n : NULL, t->n < t->len ? t->len - t->n : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		t->n += k;
}

static const char *plural(uint64_t k, const char *one, const char *many)
{
	return k == 1 ? one : many;
}

static void describe_rec(struct text *t, const struct nft_rec *r)
{
	const char *unit = r->chain == NFT_FORWARD ? "packet" : "flow";

	put(t, "%s:%u %s: ", r->step->loc.file, r->step->loc.line, r->step->text);
	if (r->seen)
		put(t, "%llu %s%s\n", (unsigned long long)r->packets, unit, plural(r->packets, "", "s"));
	else
		put(t, "rule gone from the kernel\n");
}

size_t nft_describe(struct nft_ns *n, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };
	char err[NL_MSG_LEN + 64];
	int drop = n->policy == NF_DROP;

	if (len)
		buf[0] = '\0';
	if (dump_counters(n, err, sizeof(err))) {
		put(&t, "%s\n", err);
		return t.n;
	}
	if (n->have.chain[NFT_FORWARD])
		put(&t, "forward chain policy %s: %llu %s the policy (%s)\n", drop ? "drop" : "accept",
		    (unsigned long long)n->policy_packets, plural(n->policy_packets, "packet reached",
		    "packets reached"), drop ? "dropped" : "accepted");
	for (unsigned i = 0; i < n->nrecs; i++)
		describe_rec(&t, &n->recs[i]);
	return t.n;
}
