/* capture_nflog.c — captures read from an NFLOG group that nsharness's own netdev chains feed. */
#include "probes/capture_nflog.h"

#include "harness/base/clock.h"
#include "harness/base/nl.h"
#include "probes/closer.h"
#include "probes/pcap_lib.h"

#include <endian.h>
#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <net/if.h>
#include <pthread.h>
#include <sys/stat.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#define NFLOG_RCVBUF (1 << 20)    /* every frame of the device comes, the filter runs here: room for them */
#define NFLOG_BATCH 4096
#define NFLOG_ACK_MS 5000         /* the kernel's answer to a batch: not a scaled wait, as NL_TIMEOUT_MS */
#define NFLOG_RECV (16 << 10)     /* one read: an event (qthreshold 1), at most the snap length of payload */

struct capture_nflog {
	struct nl nl;
	uint16_t group;
	unsigned copy;            /* the payload bytes the kernel copies: the snap length */
	dev_t ns_dev;             /* the namespace (its nsfs inode) and the device the group's rules log */
	ino_t ns_ino;
	char ifname[IFNAMSIZ];
	struct capture_nflog *next;   /* parked */
	bool has_prog;
	bool bound;               /* its rules and group are in place: worth parking */
	struct bpf_program prog;
	uint8_t *buf;             /* the last read, its events handed out one by one */
	size_t len, off;
};

/* Closed captures, parked with their socket, group and rules until the world ends (capture_nflog_forget) or
 * a later capture on the same device takes them: releasing a netfilter netlink socket holds its namespace's
 * nf_tables commit mutex while it waits for the pending destroy work (a grace period), and a capture
 * released between two stages made the next stage's firewall and capture commits wait for it. */
static pthread_mutex_t park_lock = PTHREAD_MUTEX_INITIALIZER;
static struct capture_nflog *parked;

/* Groups are a namespace's; one process numbers its captures' groups, the world being its own. */
static atomic_uint next_group;

static uint16_t new_group(void)
{
	return (uint16_t)(1 + atomic_fetch_add(&next_group, 1) % 65535);
}

/* ---- the chains and the rules ---- */

static struct nlmsghdr *next_msg(struct mnl_nlmsg_batch *b)
{
	mnl_nlmsg_batch_next(b);
	return mnl_nlmsg_batch_current(b);
}

static void put_table(struct mnl_nlmsg_batch *b, uint32_t seq)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, CAPTURE_NFLOG_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_NETDEV);
	nlh = nftnl_table_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWTABLE, NFPROTO_NETDEV,
					  NLM_F_CREATE | NLM_F_ACK, seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	next_msg(b);
}

static void chain_name(char *buf, size_t len, const char *ifname, bool egress)
{
	snprintf(buf, len, "%s-%s", egress ? "egress" : "ingress", ifname);
}

static void put_chain(struct mnl_nlmsg_batch *b, uint32_t seq, const char *ifname, bool egress)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	char name[64];

	chain_name(name, sizeof(name), ifname, egress);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, CAPTURE_NFLOG_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_str(c, NFTNL_CHAIN_DEV, ifname);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, egress ? NF_NETDEV_EGRESS : NF_NETDEV_INGRESS);
	/* ingress: first, where a packet socket sees a frame come in; egress: last, after every chain that drops */
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, egress ? INT_MAX : INT_MIN);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_chain_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWCHAIN, NFPROTO_NETDEV,
					  NLM_F_CREATE | NLM_F_ACK, seq);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	next_msg(b);
}

/* log group GROUP queue-threshold 1: each event is sent as the frame crosses the hook, not batched. */
static void put_rule(struct mnl_nlmsg_batch *b, uint32_t seq, const char *ifname, bool egress, uint16_t group)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e = nftnl_expr_alloc("log");
	struct nlmsghdr *nlh;
	char name[64];

	chain_name(name, sizeof(name), ifname, egress);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, CAPTURE_NFLOG_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, name);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_NETDEV);
	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, group);
	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD, 1);
	nftnl_rule_add_expr(r, e);
	nlh = nftnl_rule_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWRULE, NFPROTO_NETDEV,
					 NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	next_msg(b);
}

/* The table (made by the first capture of the namespace), the device's two chains (by its first capture),
 * and this capture's two rules, in one batch. */
static int install(struct capture_nflog *cn, const char *ifname, char *err, size_t errlen)
{
	char *buf = calloc(1, NFLOG_BATCH);   /* padding bytes go to the kernel too */
	struct mnl_nlmsg_batch *b = buf ? mnl_nlmsg_batch_start(buf, NFLOG_BATCH) : NULL;
	uint32_t seq = cn->nl.seq;
	int ret;

	if (!b) {
		free(buf);
		return -ENOMEM;
	}
	nftnl_batch_begin(mnl_nlmsg_batch_current(b), seq++);
	next_msg(b);
	put_table(b, seq++);
	for (unsigned egress = 0; egress < 2; egress++) {
		put_chain(b, seq++, ifname, egress);
		put_rule(b, seq++, ifname, egress, cn->group);
	}
	nftnl_batch_end(mnl_nlmsg_batch_current(b), seq++);
	next_msg(b);
	cn->nl.seq = seq;
	ret = nl_batch_talk(&cn->nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b), 5,
			    deadline_after(NFLOG_ACK_MS), "capture table", err, errlen);
	mnl_nlmsg_batch_stop(b);
	free(buf);
	return ret;
}

/* ---- the group ---- */

static int config(struct capture_nflog *cn, uint16_t type, const void *data, size_t len, char *err, size_t errlen)
{
	char buf[256] = { 0 }, msg[NL_MSG_LEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;
	int ret;

	nlh->nlmsg_type = NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = htons(cn->group);
	mnl_attr_put(nlh, type, len, data);
	ret = nl_talk(&cn->nl, nlh, NULL, NULL, msg, sizeof(msg));
	if (ret)
		snprintf(err, errlen, "capture group %u: %s", cn->group, msg[0] ? msg : strerror(-ret));
	return ret;
}

/* Bound to the group, frames up to the snap length (the filter is applied here), each sent at once. */
static int bind_group(struct capture_nflog *cn, char *err, size_t errlen)
{
	struct nfulnl_msg_config_cmd cmd = { .command = NFULNL_CFG_CMD_BIND };
	struct nfulnl_msg_config_mode mode = { .copy_range = htonl(cn->copy), .copy_mode = NFULNL_COPY_PACKET };
	uint32_t qthresh = htonl(1);
	int size = NFLOG_RCVBUF, ret;

	if (setsockopt(mnl_socket_get_fd(cn->nl.sock), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(mnl_socket_get_fd(cn->nl.sock), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	ret = config(cn, NFULA_CFG_CMD, &cmd, sizeof(cmd), err, errlen);
	if (!ret)
		ret = config(cn, NFULA_CFG_MODE, &mode, sizeof(mode), err, errlen);
	if (!ret)
		ret = config(cn, NFULA_CFG_QTHRESH, &qthresh, sizeof(qthresh), err, errlen);
	return ret;
}

static int compile(struct capture_nflog *cn, const char *filter, unsigned snaplen, char *err, size_t errlen)
{
	const struct pcap_lib *pcap = pcap_lib(err, errlen);
	pcap_t *dead = pcap ? pcap->open_dead(DLT_EN10MB, (int)snaplen) : NULL;

	if (!dead)
		return pcap ? -ENOMEM : -ENOENT;
	if (pcap->compile(dead, &cn->prog, filter, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "filter \"%s\": %s", filter, pcap->geterr(dead));
		pcap->close(dead);
		return -EINVAL;
	}
	pcap->close(dead);
	cn->has_prog = true;
	return 0;
}

/* An Ethernet device of the socket's namespace (a netlink socket answers the device ioctls there too). */
static int ethernet_device(int fd, const char *ifname)
{
	struct ifreq ifr = { 0 };

	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -ENODEV;
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	return ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER ? 0 : -EOPNOTSUPP;
}

/* A parked capture of the same device and snap length, its socket emptied of what came while it was parked; or NULL. */
static struct capture_nflog *take_parked(const struct stat *ns, const char *ifname, unsigned copy)
{
	struct capture_nflog **p, *cn = NULL;

	pthread_mutex_lock(&park_lock);
	for (p = &parked; *p; p = &(*p)->next)
		if ((*p)->ns_dev == ns->st_dev && (*p)->ns_ino == ns->st_ino && !strcmp((*p)->ifname, ifname) &&
		    (*p)->copy == copy) {
			cn = *p;
			*p = cn->next;
			cn->next = NULL;
			break;
		}
	pthread_mutex_unlock(&park_lock);
	if (!cn)
		return NULL;
	while (recv(mnl_socket_get_fd(cn->nl.sock), cn->buf, NFLOG_RECV, MSG_DONTWAIT) > 0 || errno == ENOBUFS)
		;
	cn->len = cn->off = 0;
	return cn;
}

int capture_nflog_open(struct capture_socket *cs, int nsfd, const char *ifname, const char *filter,
		       unsigned snaplen, char *err, size_t errlen)
{
	struct capture_nflog *cn;
	struct stat ns;
	int ret;

	*cs = (struct capture_socket){ .fd = -1, .linktype = DLT_EN10MB };
	snprintf(err, errlen, "%s", "");
	if (strlen(ifname) >= IFNAMSIZ)
		return -ENODEV;
	if (fstat(nsfd, &ns))
		return -errno;
	cn = take_parked(&ns, ifname, snaplen);
	if (cn) {
		cs->nflog = cn;
		cs->fd = mnl_socket_get_fd(cn->nl.sock);
		ret = filter && *filter ? compile(cn, filter, snaplen, err, errlen) : 0;
		if (ret)
			capture_nflog_close(cs);
		return ret;
	}
	cn = calloc(1, sizeof(*cn));
	ret = cn ? 0 : -ENOMEM;
	if (cn) {
		cn->copy = snaplen;
		cn->ns_dev = ns.st_dev;
		cn->ns_ino = ns.st_ino;
		strcpy(cn->ifname, ifname);
		cs->nflog = cn;
		cn->group = new_group();
		cn->buf = malloc(NFLOG_RECV);
		ret = cn->buf ? nl_open(&cn->nl, nsfd, NETLINK_NETFILTER, 0) : -ENOMEM;
	}
	if (!ret) {
		cs->fd = mnl_socket_get_fd(cn->nl.sock);
		ret = ethernet_device(cs->fd, ifname);
	}
	if (!ret && filter && *filter)
		ret = compile(cn, filter, snaplen, err, errlen);
	/* the rules first: no event can come before the group is bound, so the batch's acks are all it reads */
	if (!ret)
		ret = install(cn, ifname, err, errlen);
	if (!ret)
		ret = bind_group(cn, err, errlen);
	cn->bound = !ret;
	if (ret) {
		if (!*err)
			snprintf(err, errlen, "%s: %s", ifname, strerror(-ret));
		capture_nflog_close(cs);
	}
	return ret;
}

/* ---- reading ---- */

struct event {
	const struct nlattr *tb[NFULA_MAX + 1];
};

static int on_attr(const struct nlattr *a, void *data)
{
	struct event *ev = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= NFULA_MAX)
		ev->tb[type] = a;
	return MNL_CB_OK;
}

static void put_vlan(const struct nlattr *vlan, uint8_t *buf, size_t len, struct pcap_pkthdr *hdr)
{
	const struct nlattr *a, *proto = NULL, *tci = NULL;

	mnl_attr_for_each_nested(a, vlan) {
		if (mnl_attr_get_type(a) == NFULA_VLAN_PROTO)
			proto = a;
		if (mnl_attr_get_type(a) == NFULA_VLAN_TCI)
			tci = a;
	}
	if (!tci)
		return;
	hdr->caplen = (bpf_u_int32)capture_socket_reinsert_vlan(buf, hdr->caplen, len,
					proto ? ntohs(mnl_attr_get_u16(proto)) : ETH_P_8021Q, ntohs(mnl_attr_get_u16(tci)));
	hdr->len += 4;
}

/* ---- checksums left to the device ---- */

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* A TCP or UDP segment leaving with its checksum left to the device (CHECKSUM_PARTIAL) holds only the
 * pseudo-header's sum there; the egress hook sees it so, the device's packet taps after the kernel filled it
 * in (validate_xmit_skb).  Such a checksum (exactly the pseudo-header's folded sum) is completed here, as a
 * packet socket would have read it; any other value, right or wrong, is left as it is. */
static void complete_checksum(uint8_t *frame, size_t caplen, size_t len)
{
	const uint8_t *ip = frame + ETH_HLEN;
	size_t l3 = caplen - ETH_HLEN, hl, l4len;
	uint16_t type, at;
	uint32_t pseudo;
	uint8_t proto;
	uint8_t *l4;

	if (caplen != len || caplen < ETH_HLEN + 40)
		return;   /* cut by the snap length: the sum cannot be made */
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (type == ETH_P_IP && (ip[0] >> 4) == 4) {
		hl = (size_t)(ip[0] & 0xf) * 4;
		if ((ip[6] & 0x3f) || ip[7] || hl < 20 || l3 < hl)
			return;   /* a fragment: no whole segment to sum */
		l4len = (size_t)(ip[2] << 8 | ip[3]);
		if (l4len > l3 || l4len < hl)
			return;
		l4len -= hl;
		proto = ip[9];
		pseudo = sum16(ip + 12, 8, 0);
	} else if (type == ETH_P_IPV6 && (ip[0] >> 4) == 6) {
		hl = 40;
		l4len = (size_t)(ip[4] << 8 | ip[5]);
		if (l4len + hl > l3)
			return;
		proto = ip[6];
		pseudo = sum16(ip + 8, 32, 0);
	} else {
		return;
	}
	if (proto == IPPROTO_TCP && l4len >= 20)
		at = 16;
	else if (proto == IPPROTO_UDP && l4len >= 8)
		at = 6;
	else
		return;
	pseudo += proto + (uint32_t)l4len;
	l4 = (uint8_t *)ip + hl;
	if ((uint16_t)(l4[at] << 8 | l4[at + 1]) != fold(pseudo))
		return;
	l4[at] = l4[at + 1] = 0;
	{
		uint16_t sum = (uint16_t)~fold(sum16(l4, l4len, pseudo));

		if (proto == IPPROTO_UDP && sum == 0)
			sum = 0xffff;
		l4[at] = (uint8_t)(sum >> 8);
		l4[at + 1] = (uint8_t)sum;
	}
}

/* A frame's whole length from its IP header (IPv4's total length, IPv6's payload length and header), for a
 * frame the kernel cut at the copy range (an event carries no length of its own).  0 when there is none. */
static size_t ip_length(const uint8_t *frame, size_t caplen)
{
	const uint8_t *ip = frame + ETH_HLEN;
	uint16_t type;
	size_t n;

	if (caplen < ETH_HLEN + 40)
		return 0;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (type == ETH_P_IP && (ip[0] >> 4) == 4)
		return (n = (size_t)(ip[2] << 8 | ip[3])) ? ETH_HLEN + n : 0;
	if (type == ETH_P_IPV6 && (ip[0] >> 4) == 6)
		return (n = (size_t)(ip[4] << 8 | ip[5])) ? ETH_HLEN + 40 + n : 0;
	return 0;
}

/* One event as the frame a packet socket gives: 1, or 0 for an event that is not a frame of this capture. */
static int rebuild(const struct nlmsghdr *nlh, unsigned copy, uint8_t *buf, size_t len, struct pcap_pkthdr *hdr)
{
	struct event ev = { { 0 } };
	const struct nfulnl_msg_packet_hdr *ph;
	const uint8_t *l2 = NULL, *payload;
	size_t l2len = 0, plen, total, whole;

	if (nlh->nlmsg_type != (NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_PACKET) ||
	    mnl_attr_parse(nlh, sizeof(struct nfgenmsg), on_attr, &ev) < 0 || !ev.tb[NFULA_PACKET_HDR] ||
	    !ev.tb[NFULA_PAYLOAD] || mnl_attr_get_payload_len(ev.tb[NFULA_PACKET_HDR]) < sizeof(*ph))
		return 0;
	ph = mnl_attr_get_payload(ev.tb[NFULA_PACKET_HDR]);
	payload = mnl_attr_get_payload(ev.tb[NFULA_PAYLOAD]);
	plen = mnl_attr_get_payload_len(ev.tb[NFULA_PAYLOAD]);
	if (ph->hook == NF_NETDEV_INGRESS) {
		/* the payload starts at the network header; the link header comes apart */
		const struct nlattr *h = ev.tb[NFULA_HWHEADER] ? ev.tb[NFULA_HWHEADER] : ev.tb[NFULA_L2HDR];

		if (!h)
			return 0;
		l2 = mnl_attr_get_payload(h);
		l2len = mnl_attr_get_payload_len(h);
	}
	total = l2len + plen;
	memset(hdr, 0, sizeof(*hdr));
	if (l2len > len)
		l2len = len;
	if (l2len)
		memcpy(buf, l2, l2len);
	memcpy(buf + l2len, payload, plen < len - l2len ? plen : len - l2len);
	hdr->caplen = (bpf_u_int32)(total < len ? total : len);
	if (plen >= copy && (whole = ip_length(buf, hdr->caplen)) > total)
		total = whole;   /* cut by the kernel at the copy range */
	hdr->len = (bpf_u_int32)total;
	if (ph->hook == NF_NETDEV_EGRESS)
		complete_checksum(buf, hdr->caplen, hdr->len);
	if (ev.tb[NFULA_VLAN])
		put_vlan(ev.tb[NFULA_VLAN], buf, len, hdr);
	if (ev.tb[NFULA_TIMESTAMP] && mnl_attr_get_payload_len(ev.tb[NFULA_TIMESTAMP]) >= 16) {
		struct nfulnl_msg_packet_timestamp ts;   /* copied: netlink aligns attributes to 4 bytes, not 8 */

		memcpy(&ts, mnl_attr_get_payload(ev.tb[NFULA_TIMESTAMP]), sizeof(ts));
		hdr->ts.tv_sec = (time_t)be64toh(ts.sec);
		hdr->ts.tv_usec = (suseconds_t)be64toh(ts.usec);
	} else {
		gettimeofday(&hdr->ts, NULL);
	}
	return 1;
}

/* The next event of the last read, or of a new one; 1 with *nlh, 0 when none is pending. */
static int next_event(struct capture_socket *cs, const struct nlmsghdr **out)
{
	struct capture_nflog *cn = cs->nflog;

	for (;;) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)(cn->buf + cn->off);
		int left = (int)(cn->len - cn->off);
		ssize_t n;

		if (cn->off < cn->len && mnl_nlmsg_ok(nlh, left)) {
			cn->off += NLMSG_ALIGN(nlh->nlmsg_len);
			*out = nlh;
			return 1;
		}
		cn->off = cn->len = 0;
		n = recv(cs->fd, cn->buf, NFLOG_RECV, MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			cs->drops++;   /* events were lost: at least one */
			continue;
		}
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
		cn->len = (size_t)n;
	}
}

int capture_nflog_read(struct capture_socket *cs, uint8_t *buf, size_t len, struct pcap_pkthdr *hdr)
{
	const struct pcap_lib *pcap = pcap_lib(NULL, 0);
	const struct nlmsghdr *nlh = NULL;
	int ret;

	while ((ret = next_event(cs, &nlh)) > 0) {
		if (!rebuild(nlh, cs->nflog->copy, buf, len, hdr))
			continue;
		if (!cs->nflog->has_prog || (pcap && pcap->offline_filter(&cs->nflog->prog, hdr, buf)))
			return 1;
	}
	return ret;
}

static void release(void *arg)
{
	struct capture_nflog *cn = arg;

	if (cn->nl.sock)
		closer_give_fd(mnl_socket_get_fd(cn->nl.sock));
	nl_close(&cn->nl);
	free(cn->buf);
	free(cn);
}

void capture_nflog_close(struct capture_socket *cs)
{
	struct capture_nflog *cn = cs ? cs->nflog : NULL;
	const struct pcap_lib *pcap;

	if (!cn)
		return;
	if (cn->has_prog && (pcap = pcap_lib(NULL, 0)))
		pcap->freecode(&cn->prog);
	cn->has_prog = false;
	cs->nflog = NULL;
	cs->fd = -1;
	if (!cn->bound) {   /* never opened whole: nothing worth keeping */
		closer_defer(release, cn);
		return;
	}
	pthread_mutex_lock(&park_lock);
	cn->next = parked;
	parked = cn;
	pthread_mutex_unlock(&park_lock);
}

void capture_nflog_forget(int nsfd)
{
	struct capture_nflog **p = &parked, *gone = NULL, *cn;
	struct stat ns;

	if (nsfd < 0 || fstat(nsfd, &ns))
		return;
	pthread_mutex_lock(&park_lock);
	while ((cn = *p)) {
		if (cn->ns_dev == ns.st_dev && cn->ns_ino == ns.st_ino) {
			*p = cn->next;
			cn->next = gone;
			gone = cn;
		} else {
			p = &cn->next;
		}
	}
	pthread_mutex_unlock(&park_lock);
	/* the release of a netfilter netlink socket waits for nf_tables' pending destroy work: off this path */
	while ((cn = gone)) {
		gone = cn->next;
		closer_defer(release, cn);
	}
}
