/* icmp.c — the ping probe: a raw ICMP/ICMPv6 socket inside the namespace, a few echo requests, and a verdict
 * from the first packet that is provably about them. */
#include "probes/icmp.h"
#include "harness/base/clock.h"
#include "harness/base/netns.h"
#include "probes/flow.h"
#include "probes/icmp_packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/icmp.h>

#define PLURAL(n) ((n) == 1 ? "" : "s")
#define PING_BUF (PING_MAX_SIZE + 128)   /* a reply to our largest request; errors quote at most 1280 bytes */

/* Marks our packets in captures; 16 bytes, as the unit tests' captured requests carry. */
static const char payload[] = "nsharness probe!";

struct ping {
	struct check *c;
	const struct addr *dst;
	char dst_str[INET6_ADDRSTRLEN];
	int fd;
	uint16_t id;
	unsigned size;                  /* payload bytes */
	bool df;
	unsigned sent;                  /* echo requests sent; their sequence numbers are 1..sent */
	double sent_at[PING_COUNT];     /* clock_now_s() just before each sendto */
	unsigned ignored;               /* ICMP packets seen that were not about our echo requests */
	struct addr stray;              /* first reply with our id and seq from another address (family 0: none) */
};

/* A send the kernel refused says something about the path to dst (CAUSE_PING_SEND_REFUSED, its errno naming
 * what); anything else could not run. */
static const struct {
	int err;
	const char *name;
} send_errors[] = {
	{ ENETUNREACH, "ENETUNREACH" }, { EHOSTUNREACH, "EHOSTUNREACH" }, { EACCES, "EACCES" }, { EINVAL, "EINVAL" },
	{ EPERM, "EPERM" }, { ENETDOWN, "ENETDOWN" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ EMSGSIZE, "EMSGSIZE" },   /* a df request larger than the namespace's own link */
};

static const char *addr_text(const struct addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->bytes, buf, len))
		snprintf(buf, len, "(address family %d)", a->family);
	return buf;
}

static int same_addr(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && !memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16);
}

/* Lets only echo replies and the errors about them (ICMPv6's "packet too big" is a type of its own) through, so the receive queue is not filled by other traffic. */
static int ping_filter(int fd, int family)
{
	int ret;

	if (family == AF_INET) {
		struct icmp_filter f = {
			.data = ~(1u << ICMP_ECHOREPLY | 1u << ICMP_DEST_UNREACH | 1u << ICMP_TIME_EXCEEDED),
		};
		ret = setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	} else {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
		ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &f);   /* IPv4's is a destination unreachable */
		ret = setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	return ret ? -errno : 0;
}

/* df: IP_PMTUDISC_PROBE (DF set, the link's MTU, the cached path MTU ignored, so every request meets the
 * small hop afresh); a sized request without df: IP_PMTUDISC_DONT (fragmented where needed). */
static int ping_pmtu(int fd, int family, bool df)
{
	int v4 = df ? IP_PMTUDISC_PROBE : IP_PMTUDISC_DONT, v6 = df ? IPV6_PMTUDISC_PROBE : IPV6_PMTUDISC_DONT;
	int ret = family == AF_INET ? setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v4, sizeof(v4)) :
				      setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v6, sizeof(v6));

	return ret ? -errno : 0;
}

static enum check_status ping_open(struct ping *p, int nsfd)
{
	int family = p->dst->family, ret;

	p->fd = netns_socket(nsfd, family, SOCK_RAW, family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (p->fd < 0) {
		check_got(p->c, "could not open a raw %s socket in the namespace: %s",
			  family == AF_INET ? "ICMP" : "ICMPv6", strerror(-p->fd));
		return check_set(p->c, CHECK_ERROR);
	}
	ret = ping_filter(p->fd, family);
	if (!ret && (p->df || p->size))
		ret = ping_pmtu(p->fd, family, p->df);
	if (ret) {
		check_got(p->c, "could not set the ICMP filter: %s", strerror(-ret));
		return check_set(p->c, CHECK_ERROR);
	}
	return CHECK_PASS;
}

static int ping_send(struct ping *p)
{
	static char data[PING_MAX_SIZE];   /* the marker, repeated: the same for every probe, written once */
	uint8_t buf[ICMP_ECHO_HDR_LEN + PING_MAX_SIZE];
	struct sockaddr_storage ss = { .ss_family = p->dst->family };
	socklen_t sslen;
	ssize_t len;

	if (!data[0])
		for (size_t i = 0; i < sizeof(data); i++)
			data[i] = payload[i % (sizeof(payload) - 1)];
	len = icmp_echo_build(p->dst->family, buf, sizeof(buf), p->id, (uint16_t)(p->sent + 1), data,
			      p->size ? p->size : sizeof(payload) - 1);

	if (len < 0)
		return (int)len;
	if (p->dst->family == AF_INET) {
		memcpy(&((struct sockaddr_in *)&ss)->sin_addr, p->dst->bytes, 4);
		sslen = sizeof(struct sockaddr_in);
	} else {
		memcpy(&((struct sockaddr_in6 *)&ss)->sin6_addr, p->dst->bytes, 16);
		sslen = sizeof(struct sockaddr_in6);
	}
	p->sent_at[p->sent] = clock_now_s();
	if (sendto(p->fd, buf, (size_t)len, 0, (struct sockaddr *)&ss, sslen) < 0)
		return -errno;
	p->sent++;
	return 0;
}

static enum check_status ping_send_failed(struct ping *p, int err)
{
	for (size_t i = 0; i < sizeof(send_errors) / sizeof(send_errors[0]); i++) {
		if (send_errors[i].err != err)
			continue;
		check_got(p->c, "sendto failed: %s (%s)", strerror(err), send_errors[i].name);
		check_cause(p->c, CAUSE_PING_SEND_REFUSED)->addr = *p->dst;
		p->c->cause.err = err;
		check_evidence(p->c, "id 0x%04x seq %u; %u echo request%s sent before", p->id, p->sent + 1,
			       p->sent, PLURAL(p->sent));
		return check_set(p->c, CHECK_FAIL);
	}
	check_got(p->c, "could not send an echo request: %s", strerror(err));
	return check_set(p->c, CHECK_ERROR);
}

/* 1-based sequence number of ours that m is about (reply from dst, or error quoting a request to dst); else 0. */
static unsigned ping_match(struct ping *p, const struct icmp_msg *m)
{
	if (m->id != p->id || m->seq < 1 || m->seq > p->sent)
		return 0;
	if (m->kind != ICMP_KIND_ECHO_REPLY)
		return same_addr(&m->orig_dst, p->dst) ? m->seq : 0;
	if (same_addr(&m->from, p->dst))
		return m->seq;
	if (!p->stray.family)
		p->stray = m->from;
	return 0;
}

static enum check_status ping_passed(struct ping *p, unsigned seq, double now)
{
	double rtt = (now - p->sent_at[seq - 1]) * 1000;

	p->c->value_ms = rtt;
	check_got(p->c, "reply from %s in %.3f ms", p->dst_str, rtt);
	check_evidence(p->c, "id 0x%04x seq %u; %u echo request%s sent", p->id, seq, p->sent, PLURAL(p->sent));
	return check_set(p->c, CHECK_PASS);
}

/* A hop refused a request too big for its next hop: who, and the MTU the error carried. */
static enum check_status ping_too_big(struct ping *p, const struct icmp_msg *m, unsigned seq)
{
	int fam = p->dst->family;
	char from[INET6_ADDRSTRLEN];
	struct cause *k;

	addr_text(&m->from, from, sizeof(from));
	check_got(p->c, "%s from %s: %s (type %u code %u), MTU %u", icmp_type_str(fam, m->type), from,
		  fam == AF_INET ? icmp_code_str(fam, m->type, m->code) : "the next hop's MTU is smaller",
		  m->type, m->code, m->mtu);
	k = check_cause(p->c, CAUSE_PING_TOO_BIG);
	k->addr = *p->dst;
	k->addr2 = m->from;
	k->family = fam;
	k->value = (int)m->mtu;
	k->count = p->size ? p->size : sizeof(payload) - 1;
	check_evidence(p->c, "id 0x%04x seq %u; %u echo request%s sent", p->id, seq, p->sent, PLURAL(p->sent));
	return check_set(p->c, CHECK_FAIL);
}

/* The error names its reporter; when that is the namespace itself, the next hop never answered ARP/ND. */
static enum check_status ping_error(struct ping *p, const struct icmp_msg *m, unsigned seq)
{
	int fam = p->dst->family;
	char from[INET6_ADDRSTRLEN];
	const char *code = icmp_code_str(fam, m->type, m->code);
	struct cause *k;
	int unresolved = same_addr(&m->from, &m->orig_src) &&
			 (fam == AF_INET ? m->code == ICMP_HOST_UNREACH : m->code == ICMP6_DST_UNREACH_ADDR);

	if (m->kind == ICMP_KIND_TOO_BIG)
		return ping_too_big(p, m, seq);
	addr_text(&m->from, from, sizeof(from));
	check_got(p->c, "%s from %s: %s (code %u)", icmp_type_str(fam, m->type), from, code, m->code);
	k = check_cause(p->c, m->kind == ICMP_KIND_TIME_EXCEEDED ? CAUSE_PING_TTL_EXCEEDED :
			      unresolved ? CAUSE_PING_NEXT_HOP_SILENT : CAUSE_PING_UNDELIVERABLE);
	k->addr = *p->dst;
	k->addr2 = m->from;
	if (k->kind == CAUSE_PING_UNDELIVERABLE)
		CAUSE_COPY(k->word, code);
	check_evidence(p->c, "id 0x%04x seq %u; %u echo request%s sent", p->id, seq, p->sent, PLURAL(p->sent));
	return check_set(p->c, CHECK_FAIL);
}

static enum check_status ping_timed_out(struct ping *p, msec_t waited)
{
	check_got(p->c, "no reply within %lld ms (%u echo request%s sent)", (long long)waited, p->sent,
		  PLURAL(p->sent));
	if (p->stray.family) {
		struct cause *k = check_cause(p->c, CAUSE_PING_STRAY_REPLIES);

		k->addr = *p->dst;
		k->addr2 = p->stray;
	} else
		check_cause(p->c, CAUSE_PING_SILENT_DROP);
	check_evidence(p->c, "id 0x%04x seq 1..%u; %u other ICMP packet%s ignored", p->id, p->sent, p->ignored,
		       PLURAL(p->ignored));
	return check_set(p->c, CHECK_FAIL);
}

static int ping_parse(const struct ping *p, const uint8_t *buf, size_t len,
		      const struct sockaddr_storage *ss, struct icmp_msg *m)
{
	struct addr from = { .family = AF_INET6 };

	if (p->dst->family == AF_INET)
		return icmp4_parse(buf, len, m);
	if (ss->ss_family != AF_INET6)
		return -EBADMSG;
	memcpy(from.bytes, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	return icmp6_parse(buf, len, &from, m);
}

/* Reads every queued packet.  Returns 1 once one decided the verdict, 0 when the queue is empty, or -errno. */
static int ping_drain(struct ping *p)
{
	uint8_t buf[PING_BUF];
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct icmp_msg m;
	ssize_t n;
	unsigned seq;

	for (;;) {
		sslen = sizeof(ss);
		n = recvfrom(p->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&ss, &sslen);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
		if (ping_parse(p, buf, (size_t)n, &ss, &m) || !(seq = ping_match(p, &m))) {
			p->ignored++;
			continue;
		}
		if (m.kind == ICMP_KIND_ECHO_REPLY)
			ping_passed(p, seq, clock_now_s());
		else
			ping_error(p, &m, seq);
		return 1;
	}
}

/* Sends request i at start + i * span / PING_COUNT and listens in between, until a verdict or the deadline. */
static enum check_status ping_run(struct ping *p, unsigned timeout_ms)
{
	msec_t deadline = deadline_after(timeout_ms), span = timeout_ms;
	msec_t start = deadline - span, next;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	int ret, wait;

	for (;;) {
		next = start + span * p->sent / PING_COUNT;
		if (p->sent < PING_COUNT && !deadline_left(next)) {
			ret = ping_send(p);
			if (ret)
				return ping_send_failed(p, -ret);
			next = start + span * p->sent / PING_COUNT;
		}
		wait = deadline_left(deadline);
		if (p->sent < PING_COUNT && deadline_left(next) < wait)
			wait = deadline_left(next);
		if (poll(&pfd, 1, wait) < 0 && errno != EINTR)
			ret = -errno;
		else
			ret = ping_drain(p);
		if (ret > 0)
			return p->c->status;
		if (ret < 0) {
			check_got(p->c, "could not receive: %s", strerror(-ret));
			return check_set(p->c, CHECK_ERROR);
		}
		if (!deadline_left(deadline))
			return ping_timed_out(p, span);
	}
}

enum check_status probe_ping(int nsfd, const struct addr *dst, unsigned timeout_ms, struct check *c)
{
	return probe_ping_sized(nsfd, dst, 0, false, timeout_ms, c);
}

enum check_status probe_ping_sized(int nsfd, const struct addr *dst, unsigned size, bool df, unsigned timeout_ms,
				   struct check *c)
{
	struct ping p = { .c = c, .dst = dst, .fd = -1, .id = flow_icmp_id(), .size = size, .df = df };
	enum check_status st;

	addr_text(dst, p.dst_str, sizeof(p.dst_str));
	check_expected(c, "echo reply from %s", p.dst_str);
	if (size)
		check_expected(c, " to %u bytes%s", size, df ? ", don't fragment" : "");
	if (dst->family != AF_INET && dst->family != AF_INET6) {
		check_got(c, "cannot ping address family %d", dst->family);
		return check_set(c, CHECK_ERROR);
	}
	st = ping_open(&p, nsfd);
	if (st == CHECK_PASS)
		st = ping_run(&p, timeout_ms);
	if (p.fd >= 0)
		close(p.fd);
	return st;
}
