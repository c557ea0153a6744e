/* fw_trace.c — nftrace for a probe's packets: the trace table, its socket, and the rules a trace names. */
#include "harness/firewall/fw_trace.h"
#include "probes/capture_nflog.h"
#include "probes/closer.h"
#include "harness/base/clock.h"
#include "harness/base/nl.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/trace.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define TRACE_BATCH 8192
#define TRACE_RCVBUF (1 << 20)    /* a probe's few packets meet a few dozen rules: far below this */
#define TRACE_ACK_MS 5000         /* the kernel's answer to a batch: not a scaled wait, as NL_TIMEOUT_MS */
#define TRACE_COMMENT "nsharness: marks its probes' packets for nftrace; no verdicts"

/* Destinations whose packets the trace marks.  Rules are only ever added: a deleted rule leaves the kernel
 * destroy work that every later close of a netfilter netlink socket in the namespace waits for (an RCU grace
 * period, 10 to 25 ms).  Past this many destinations, the chains are flushed and begun again. */
#define TRACE_MAX_DSTS 16
#define TRACE_MARKS 8             /* a probe and its replies: a few address pairs */
#define TRACE_FLOWS 8             /* the probe's flow and strays of earlier ones (late replies, retransmits) */
#define TRACE_KNOWN 32            /* packets in flight at once whose later events lack the headers */

struct fw_trace {
	int nsfd;                 /* the namespace (the world's fd: it outlives this) */
	struct nl query;          /* batches and dumps */
	struct nl trace;          /* NFNLGRP_NFTRACE, opened with the table */
	bool made;                /* the table and its chains exist */
	struct addr dsts[TRACE_MAX_DSTS];   /* marked so far */
	unsigned ndsts;
	struct route_mark {       /* the latest take's last prerouting event of each packet's addresses: its mark */
		struct addr src, dst;
		uint32_t mark;
	} marks[TRACE_MARKS];
	unsigned nmarks;
	/* the latest take's first TCP or UDP flows (by source and port), each's first packet as first seen and as
	 * last seen (after a destination NAT) */
	struct {
		bool nat;
		struct fw_trace_event first, last;
	} flows[TRACE_FLOWS];
	unsigned nflows;
};

/* Whether the trace already marks packets to and from dst. */
static bool trace_marks(const struct fw_trace *t, const struct addr *dst)
{
	for (unsigned i = 0; i < t->ndsts; i++)
		if (addr_equal(&t->dsts[i], dst))
			return true;
	return false;
}

static const struct {
	const char *name;
	unsigned hook;
} trace_chains[] = { { "prerouting", NF_INET_PRE_ROUTING }, { "output", NF_INET_LOCAL_OUT },
		     /* no rules: a traced packet's passage after prerouting's destination NAT (a DNAT, a REDIRECT)
		      * shows its translated header whatever else is there (an iptables-legacy forward chain is not) */
		     { "input", NF_INET_LOCAL_IN }, { "forward", NF_INET_FORWARD } };
#define MARKING_CHAINS 2   /* the first two mark the probe's packets; the others only see them pass */

const char *fw_trace_family(int nfproto)
{
	return nfproto == NFPROTO_INET ? "inet" : nfproto == NFPROTO_IPV4 ? "ip" : nfproto == NFPROTO_IPV6 ? "ip6" :
	       nfproto == NFPROTO_BRIDGE ? "bridge" : nfproto == NFPROTO_ARP ? "arp" : "?";
}

struct fw_trace *fw_trace_open(int nsfd, char *err, size_t errlen)
{
	struct fw_trace *t = calloc(1, sizeof(*t));
	int ret = t ? nl_open(&t->query, nsfd, NETLINK_NETFILTER, 0) : -ENOMEM;

	if (ret) {
		snprintf(err, errlen, "nftrace: netfilter netlink socket: %s", strerror(-ret));
		free(t);
		return NULL;
	}
	t->nsfd = nsfd;
	return t;
}

/* The socket the events come to, subscribed before the table exists (no marked packet goes unreported). */
static int open_trace_socket(struct fw_trace *t, char *err, size_t errlen)
{
	int size = TRACE_RCVBUF;
	int ret = nl_open(&t->trace, t->nsfd, NETLINK_NETFILTER, 1u << (NFNLGRP_NFTRACE - 1));

	if (ret) {
		snprintf(err, errlen, "nftrace: netfilter netlink socket: %s", strerror(-ret));
		return ret;
	}
	setsockopt(mnl_socket_get_fd(t->trace.sock), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	fcntl(mnl_socket_get_fd(t->trace.sock), F_SETFL, O_NONBLOCK);
	return 0;
}

static int on_table(const struct nlmsghdr *nlh, void *data)
{
	bool *other = data;
	struct nftnl_table *tb = nftnl_table_alloc();

	if (tb && nftnl_table_nlmsg_parse(nlh, tb) == 0 &&
	    strcmp(nftnl_table_get_str(tb, NFTNL_TABLE_NAME), FW_TRACE_TABLE) &&
	    strcmp(nftnl_table_get_str(tb, NFTNL_TABLE_NAME), CAPTURE_NFLOG_TABLE))
		*other = true;
	nftnl_table_free(tb);
	return MNL_CB_OK;
}

/* Whether the namespace holds an nf_tables table of anyone's (nsharness's, iptables-nft's, a user's nft) but
 * the trace's own: with none, no trace event could name a rule or a policy (the trace table's own events are
 * left out), so a probe there is traced for nothing: marking it cost every traced packet an event per
 * chain it crossed.  0 or -errno. */
static int other_tables(struct fw_trace *t, bool *other)
{
	char buf[256] = { 0 }, msg[NL_MSG_LEN];   /* padding bytes go to the kernel too */
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_UNSPEC, NLM_F_DUMP, 0);

	*other = false;
	return nl_talk(&t->query, nlh, on_table, other, msg, sizeof(msg));
}

static void trace_release(void *arg)
{
	struct fw_trace *t = arg;

	if (t->query.sock)
		closer_give_fd(mnl_socket_get_fd(t->query.sock));
	if (t->trace.sock)
		closer_give_fd(mnl_socket_get_fd(t->trace.sock));
	nl_close(&t->query);
	nl_close(&t->trace);
	free(t);
}

/* A netlink socket subscribed to a multicast group waits for a grace period when it is released: off the
 * caller's path, as the captures' (probes/closer.h). */
void fw_trace_close(struct fw_trace *t)
{
	if (t)
		closer_defer(trace_release, t);
}

/* ---- the batch that arms the trace ---- */

static struct nlmsghdr *next_msg(struct mnl_nlmsg_batch *b)
{
	mnl_nlmsg_batch_next(b);
	return mnl_nlmsg_batch_current(b);
}

static void put_table(struct mnl_nlmsg_batch *b, uint32_t seq)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFTNL_UDATA_COMMENT_MAXLEN + 8);
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, FW_TRACE_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	if (ud && nftnl_udata_put_strz(ud, NFTNL_UDATA_TABLE_COMMENT, TRACE_COMMENT))
		nftnl_table_set_data(t, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	nlh = nftnl_table_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWTABLE, NFPROTO_INET,
					  NLM_F_CREATE | NLM_F_ACK, seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_udata_buf_free(ud);
	nftnl_table_free(t);
	next_msg(b);
}

static void put_chain(struct mnl_nlmsg_batch *b, uint32_t seq, unsigned i)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, FW_TRACE_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, trace_chains[i].name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, trace_chains[i].hook);
	/* first of every hook's chains (NF_IP_PRI_FIRST): a user's raw or early chain (-300, defrag's -400) that
	 * drops the probe is traced too */
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, INT_MIN);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_chain_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWCHAIN, NFPROTO_INET,
					  NLM_F_CREATE | NLM_F_ACK, seq);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	next_msg(b);
}

/* Every rule of the table goes: the last probe's destination is traced no more. */
static void put_flush(struct mnl_nlmsg_batch *b, uint32_t seq)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TRACE_TABLE);
	nlh = nftnl_rule_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_DELRULE, NFPROTO_INET, NLM_F_ACK, seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	next_msg(b);
}

static void add_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	nftnl_rule_add_expr(r, e);
}

/* meta nfproto FAMILY @nh,OFFSET,LEN == ADDR meta nftrace set 1 */
static void put_rule(struct mnl_nlmsg_batch *b, uint32_t seq, const char *chain, const struct addr *a, bool dst)
{
	bool v6 = a->family == AF_INET6;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e;
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TRACE_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	e = nftnl_expr_alloc("meta");
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFPROTO);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	add_expr(r, e);
	e = nftnl_expr_alloc("cmp");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set_u8(e, NFTNL_EXPR_CMP_DATA, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	add_expr(r, e);
	e = nftnl_expr_alloc("payload");
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, v6 ? (dst ? 24 : 8) : (dst ? 16 : 12));
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, v6 ? 16 : 4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	add_expr(r, e);
	e = nftnl_expr_alloc("cmp");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, a->bytes, v6 ? 16 : 4);
	add_expr(r, e);
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set_u8(e, NFTNL_EXPR_IMM_DATA, 1);
	add_expr(r, e);
	e = nftnl_expr_alloc("meta");
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFTRACE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	add_expr(r, e);
	nlh = nftnl_rule_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWRULE, NFPROTO_INET,
					 NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	next_msg(b);
}

/* A rule that matches every packet and does nothing to it (a counter): the kernel traces a traced packet's
 * passage through a chain by the rules it evaluates, and an empty chain shows nothing. */
static void put_pass_rule(struct mnl_nlmsg_batch *b, uint32_t seq, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TRACE_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	add_expr(r, nftnl_expr_alloc("counter"));
	nlh = nftnl_rule_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWRULE, NFPROTO_INET,
					 NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	next_msg(b);
}

/* ---- ICMP errors about the probe's flow ---- */

/* A router's "fragmentation needed" (ICMP type 3 code 4) or "packet too big" (ICMPv6 type 2) goes from the
 * router to the probe's source, neither to nor from its destination: matched on the packet it quotes, whose
 * destination (the inner header's, 8 bytes into the ICMP message) is the probe's. */
#define ERR_INNER_DST4 (8 + 16)
#define ERR_INNER_DST6 (8 + 24)

static void put_cmp(struct nftnl_rule *r, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	add_expr(r, e);
}

static void put_meta_is(struct nftnl_rule *r, uint32_t key, uint8_t value)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	add_expr(r, e);
	put_cmp(r, &value, 1);
}

static void put_th_is(struct nftnl_rule *r, uint32_t offset, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	add_expr(r, e);
	put_cmp(r, data, len);
}

/* meta nfproto ipv4 meta l4proto icmp icmp type 3 icmp code 4 @th,192,32 == DST meta nftrace set 1, and for
 * IPv6: meta nfproto ipv6 meta l4proto ipv6-icmp icmpv6 type 2 @th,256,128 == DST meta nftrace set 1 */
static void put_error_rule(struct mnl_nlmsg_batch *b, uint32_t seq, const char *chain, const struct addr *dst)
{
	bool v6 = dst->family == AF_INET6;
	static const uint8_t frag_needed[] = { 3, 4 }, too_big[] = { 2 };
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e;
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TRACE_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	put_meta_is(r, NFT_META_NFPROTO, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	put_meta_is(r, NFT_META_L4PROTO, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	put_th_is(r, 0, v6 ? too_big : frag_needed, v6 ? sizeof(too_big) : sizeof(frag_needed));
	put_th_is(r, v6 ? ERR_INNER_DST6 : ERR_INNER_DST4, dst->bytes, v6 ? 16 : 4);
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set_u8(e, NFTNL_EXPR_IMM_DATA, 1);
	add_expr(r, e);
	e = nftnl_expr_alloc("meta");
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFTRACE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	add_expr(r, e);
	nlh = nftnl_rule_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWRULE, NFPROTO_INET,
					 NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	next_msg(b);
}

static void drain(struct fw_trace *t)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	while (t->trace.sock && mnl_socket_recvfrom(t->trace.sock, buf, sizeof(buf)) > 0)
		;
}

int fw_trace_arm(struct fw_trace *t, const struct addr *dst, char *err, size_t errlen)
{
	char *buf;
	struct mnl_nlmsg_batch *b;
	uint32_t seq;
	unsigned acks = 0;
	bool other;
	int ret;

	if (t->made && trace_marks(t, dst)) {
		drain(t);
		return 0;
	}
	/* Nothing to trace yet: asked again before the next probe.  (A failed question arms, as before.) */
	if (!t->made && other_tables(t, &other) == 0 && !other)
		return 0;
	if (!t->trace.sock && (ret = open_trace_socket(t, err, errlen)))
		return ret;
	seq = t->query.seq;   /* after the question above, which took one */
	buf = calloc(1, TRACE_BATCH);   /* padding bytes go to the kernel too */
	b = buf ? mnl_nlmsg_batch_start(buf, TRACE_BATCH) : NULL;

	if (!b) {
		free(buf);
		return -ENOMEM;
	}
	nftnl_batch_begin(mnl_nlmsg_batch_current(b), seq++);
	next_msg(b);
	if (!t->made) {
		put_table(b, seq++);
		acks++;
		for (unsigned i = 0; i < sizeof(trace_chains) / sizeof(trace_chains[0]); i++, acks++)
			put_chain(b, seq++, i);
		for (unsigned i = MARKING_CHAINS; i < sizeof(trace_chains) / sizeof(trace_chains[0]); i++, acks++)
			put_pass_rule(b, seq++, trace_chains[i].name);
	} else if (t->ndsts == TRACE_MAX_DSTS) {
		put_flush(b, seq++);
		acks++;
		for (unsigned i = MARKING_CHAINS; i < sizeof(trace_chains) / sizeof(trace_chains[0]); i++, acks++)
			put_pass_rule(b, seq++, trace_chains[i].name);
		t->ndsts = 0;
	}
	for (unsigned i = 0; i < MARKING_CHAINS; i++, acks += 3) {
		put_rule(b, seq++, trace_chains[i].name, dst, true);
		put_rule(b, seq++, trace_chains[i].name, dst, false);
		put_error_rule(b, seq++, trace_chains[i].name, dst);
	}
	nftnl_batch_end(mnl_nlmsg_batch_current(b), seq++);
	next_msg(b);
	t->query.seq = seq;
	ret = nl_batch_talk(&t->query, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b), acks,
			    deadline_after(TRACE_ACK_MS), "nftrace table", err, errlen);
	mnl_nlmsg_batch_stop(b);
	free(buf);
	if (!ret) {
		t->made = true;
		t->dsts[t->ndsts++] = *dst;
	}
	drain(t);
	return ret;
}

/* ---- reading the events ---- */

static void addr_set(struct addr *a, int family, const uint8_t *bytes)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->bytes, bytes, family == AF_INET6 ? 16 : 4);
}

/* The source and destination of the traced packet's IPv4 or IPv6 header, and a TCP or UDP packet's ports. */
static void header_addrs(struct fw_trace_event *ev, const struct nftnl_trace *tr)
{
	uint32_t len = 0;
	const uint8_t *h = nftnl_trace_get_data(tr, NFTNL_TRACE_NETWORK_HEADER, &len);
	int proto = 0;

	if (!h || len < 20)
		return;
	if (h[0] >> 4 == 4) {
		addr_set(&ev->src, AF_INET, h + 12);
		addr_set(&ev->dst, AF_INET, h + 16);
		ev->has_addrs = true;
		proto = h[9];
	} else if (h[0] >> 4 == 6 && len >= 40) {
		addr_set(&ev->src, AF_INET6, h + 8);
		addr_set(&ev->dst, AF_INET6, h + 24);
		ev->has_addrs = true;
		proto = h[6];   /* no extension header: what a probe sends */
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return;
	h = nftnl_trace_is_set(tr, NFTNL_TRACE_TRANSPORT_HEADER) ?
	    nftnl_trace_get_data(tr, NFTNL_TRACE_TRANSPORT_HEADER, &len) : NULL;
	if (h && len >= 4) {
		ev->sport = (uint16_t)(h[0] << 8 | h[1]);
		ev->dport = (uint16_t)(h[2] << 8 | h[3]);
		ev->has_ports = true;
	}
}

/* The ICMP type and code of an ICMP (IPv4, first fragment) or ICMPv6 (no extension header) packet, from its
 * transport header. */
static void header_icmp(struct fw_trace_event *ev, const struct nftnl_trace *tr)
{
	uint32_t nlen = 0, tlen = 0;
	const uint8_t *h = nftnl_trace_get_data(tr, NFTNL_TRACE_NETWORK_HEADER, &nlen);
	const uint8_t *th = nftnl_trace_is_set(tr, NFTNL_TRACE_TRANSPORT_HEADER) ?
			    nftnl_trace_get_data(tr, NFTNL_TRACE_TRANSPORT_HEADER, &tlen) : NULL;
	bool v4 = h && nlen >= 20 && h[0] >> 4 == 4, v6 = h && nlen >= 40 && h[0] >> 4 == 6;

	if (!th || tlen < 2)
		return;
	if (v4 && h[9] == IPPROTO_ICMP && !(((h[6] & 0x1f) << 8) | h[7])) {
		ev->has_icmp = true;
		ev->too_big = th[0] == 3 && th[1] == 4;
	} else if (v6 && h[6] == IPPROTO_ICMPV6) {
		ev->has_icmp = true;
		ev->too_big = th[0] == 2;
	}
	if (ev->has_icmp) {
		ev->icmp_type = th[0];
		ev->icmp_code = th[1];
	}
}

/* Gives ev (without headers) the packet facts of the latest of known[0..n) with its id; false when none has. */
static bool fill_packet(struct fw_trace_event *ev, const struct fw_trace_event *known, unsigned n)
{
	for (unsigned j = n; j-- > 0;)
		if (known[j].id == ev->id && known[j].has_addrs) {
			ev->has_addrs = true;
			ev->src = known[j].src;
			ev->dst = known[j].dst;
			ev->has_icmp = known[j].has_icmp;
			ev->icmp_type = known[j].icmp_type;
			ev->icmp_code = known[j].icmp_code;
			ev->too_big = known[j].too_big;
			return true;
		}
	return false;
}

void fw_trace_fill_packets(struct fw_trace_event *ev, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!ev[i].has_addrs)
			fill_packet(&ev[i], ev, i);
}

/* Keeps ev's mark for its addresses: the last prerouting event of a packet saw every prerouting mark. */
static void keep_mark(struct fw_trace *t, const struct fw_trace_event *ev)
{
	unsigned i = 0;

	while (i < t->nmarks && !(addr_equal(&t->marks[i].src, &ev->src) && addr_equal(&t->marks[i].dst, &ev->dst)))
		i++;
	if (i == TRACE_MARKS)
		return;
	if (i == t->nmarks)
		t->nmarks++;
	t->marks[i] = (struct route_mark){ ev->src, ev->dst, ev->mark };
}

int fw_trace_parse(const void *msg, struct fw_trace_event *ev)
{
	const struct nlmsghdr *nlh = msg;
	struct nftnl_trace *tr;
	int ret = -EINVAL;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES || NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_TRACE)
		return -EINVAL;
	tr = nftnl_trace_alloc();
	if (!tr)
		return -ENOMEM;
	if (nftnl_trace_nlmsg_parse(nlh, tr) == 0 && nftnl_trace_is_set(tr, NFTNL_TRACE_TABLE) &&
	    nftnl_trace_is_set(tr, NFTNL_TRACE_CHAIN)) {
		memset(ev, 0, sizeof(*ev));
		ev->id = nftnl_trace_get_u32(tr, NFTNL_TRACE_ID);
		ev->nfproto = (int)nftnl_trace_get_u32(tr, NFTNL_TRACE_FAMILY);
		snprintf(ev->table, sizeof(ev->table), "%s", nftnl_trace_get_str(tr, NFTNL_TRACE_TABLE));
		snprintf(ev->chain, sizeof(ev->chain), "%s", nftnl_trace_get_str(tr, NFTNL_TRACE_CHAIN));
		ev->type = (enum fw_trace_type)nftnl_trace_get_u32(tr, NFTNL_TRACE_TYPE);
		if (nftnl_trace_is_set(tr, NFTNL_TRACE_RULE_HANDLE))
			ev->handle = nftnl_trace_get_u64(tr, NFTNL_TRACE_RULE_HANDLE);
		ev->verdict = ev->type == FW_TRACE_POLICY ? (int)nftnl_trace_get_u32(tr, NFTNL_TRACE_POLICY) :
			      nftnl_trace_is_set(tr, NFTNL_TRACE_VERDICT) ?
			      (int)nftnl_trace_get_u32(tr, NFTNL_TRACE_VERDICT) : NFT_CONTINUE;
		if (nftnl_trace_is_set(tr, NFTNL_TRACE_MARK))
			ev->mark = nftnl_trace_get_u32(tr, NFTNL_TRACE_MARK);
		ev->before_routing = nftnl_trace_is_set(tr, NFTNL_TRACE_IIF) && !nftnl_trace_is_set(tr, NFTNL_TRACE_OIF);
		if (nftnl_trace_is_set(tr, NFTNL_TRACE_NETWORK_HEADER)) {
			header_addrs(ev, tr);
			header_icmp(ev, tr);
		}
		ret = 0;
	}
	nftnl_trace_free(tr);
	return ret;
}

/* A TCP or UDP packet's passage, its own table's events included (its input and forward chains see it after
 * prerouting's destination NAT): the same source and port as a flow's first packet, with another destination
 * or port, is that flow's translation. */
static void keep_flow(struct fw_trace *t, const struct fw_trace_event *ev)
{
	unsigned i;

	if (!ev->has_addrs || !ev->has_ports)
		return;
	for (i = 0; i < t->nflows; i++)
		if (addr_equal(&ev->src, &t->flows[i].first.src) && ev->sport == t->flows[i].first.sport)
			break;
	if (i == t->nflows) {
		if (t->nflows < TRACE_FLOWS)
			t->flows[t->nflows++] = (typeof(t->flows[0])){ .first = *ev, .last = *ev };
	} else if (!addr_equal(&ev->dst, &t->flows[i].first.dst) || ev->dport != t->flows[i].first.dport) {
		t->flows[i].last = *ev;
		t->flows[i].nat = true;
	}
}

bool fw_trace_nat(const struct fw_trace *t, const struct addr *to, uint16_t port, struct addr *dst, uint16_t *dport)
{
	for (unsigned i = 0; t && i < t->nflows; i++)
		if (t->flows[i].nat && addr_equal(&t->flows[i].first.dst, to) && t->flows[i].first.dport == port) {
			*dst = t->flows[i].last.dst;
			*dport = t->flows[i].last.dport;
			return true;
		}
	return false;
}

unsigned fw_trace_take(struct fw_trace *t, struct fw_trace_event *out, unsigned max)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct fw_trace_event known[TRACE_KNOWN];   /* the latest events with headers, the trace table's too */
	unsigned n = 0, nknown = 0;
	int len;

	t->nmarks = 0;
	t->nflows = 0;
	while (t->trace.sock && (len = (int)mnl_socket_recvfrom(t->trace.sock, buf, sizeof(buf))) > 0) {
		const struct nlmsghdr *h;

		for (h = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			struct fw_trace_event ev;

			if (fw_trace_parse(h, &ev))
				continue;
			if (ev.has_addrs) {
				if (nknown == TRACE_KNOWN)
					memmove(known, known + 1, --nknown * sizeof(known[0]));
				known[nknown++] = ev;
			} else
				fill_packet(&ev, known, nknown);
			if (!strcmp(ev.table, CAPTURE_NFLOG_TABLE))
				continue;   /* the captures' chains: they log, and decide nothing */
			if (ev.before_routing && ev.has_addrs)
				keep_mark(t, &ev);
			keep_flow(t, &ev);
			if (n < max && strcmp(ev.table, FW_TRACE_TABLE))
				out[n++] = ev;
		}
	}
	return n;
}

bool fw_trace_route_mark(const struct fw_trace *t, const struct addr *src, const struct addr *dst, uint32_t *mark)
{
	for (unsigned i = 0; t && i < t->nmarks; i++)
		if (addr_equal(&t->marks[i].src, src) && addr_equal(&t->marks[i].dst, dst)) {
			*mark = t->marks[i].mark;
			return true;
		}
	return false;
}

static bool drops(const struct fw_trace_event *ev)
{
	return (ev->type == FW_TRACE_RULE || ev->type == FW_TRACE_POLICY) && ev->verdict == NF_DROP;
}

const struct fw_trace_event *fw_trace_first_drop(const struct fw_trace_event *ev, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (drops(&ev[i]))
			return &ev[i];
	return NULL;
}

const struct fw_trace_event *fw_trace_first_too_big_drop(const struct fw_trace_event *ev, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (drops(&ev[i]) && ev[i].too_big)
			return &ev[i];
	return NULL;
}

/* ---- the rules of a chain ---- */

struct rules_read {
	struct fw_chain_rule *out;
	unsigned max, count;
};

/* What the rule's expressions do to a packet: the last action-like expression decides. */
static int expr_action(struct nftnl_expr *e, void *data)
{
	struct fw_chain_rule *r = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (!strcmp(name, "counter")) {
		r->has_counter = true;
		r->packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
	} else if (!strcmp(name, "reject"))
		r->action = FW_ACT_REJECT;
	else if (!strcmp(name, "redir"))   /* redirect: a destination NAT to the namespace itself */
		r->action = FW_ACT_DNAT;
	else if (!strcmp(name, "masq"))
		r->action = FW_ACT_MASQUERADE;
	else if (!strcmp(name, "nat"))
		r->action = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) == NFT_NAT_DNAT ? FW_ACT_DNAT : FW_ACT_SNAT;
	else if (!strcmp(name, "immediate") && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT) &&
		 (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == NF_DROP)
		r->action = FW_ACT_DROP;
	else if (!strcmp(name, "target")) {   /* iptables-nft's compat targets */
		const char *tg = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);

		r->action = !strcmp(tg, "REJECT") ? FW_ACT_REJECT : !strcmp(tg, "MASQUERADE") ? FW_ACT_MASQUERADE :
			    !strcmp(tg, "SNAT") ? FW_ACT_SNAT :
			    !strcmp(tg, "DNAT") || !strcmp(tg, "REDIRECT") ? FW_ACT_DNAT : FW_ACT_OTHER;
	}
	return 0;
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct rules_read *rr = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct fw_chain_rule one = { 0 };

	if (r && nftnl_rule_nlmsg_parse(nlh, r) == 0) {
		one.handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
		one.pos = rr->count;
		nftnl_expr_foreach(r, expr_action, &one);
		if (rr->count < rr->max)
			rr->out[rr->count] = one;
		rr->count++;
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

int fw_trace_chain_rules(struct fw_trace *t, int nfproto, const char *table, const char *chain,
			 struct fw_chain_rule *out, unsigned max, unsigned *count)
{
	char buf[8192] = { 0 }, msg[NL_MSG_LEN];   /* padding bytes go to the kernel too */
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct rules_read rr = { out, max, 0 };
	struct nlmsghdr *nlh;
	int ret;

	if (!r)
		return -ENOMEM;
	nlh = nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, (uint16_t)nfproto, NLM_F_DUMP, 0);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	ret = nl_talk(&t->query, nlh, on_rule, &rr, msg, sizeof(msg));
	*count = rr.count;
	return ret;
}
