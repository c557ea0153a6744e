/* conn.c — the TCP and UDP probes: one fresh flow each, classified by what came back, in words. */
#include "probes/conn.h"

#include "harness/base/clock.h"
#include "harness/base/netns.h"
#include "probes/flow.h"
#include "probes/packet.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BIND_ATTEMPTS 32          /* fresh ports to try when one is in use */
#define UDP_SENDS 4               /* one datagram and up to 3 retries */
#define ENDPOINT_LEN (INET6_ADDRSTRLEN + 8)

/* An ICMP error the kernel queued for the socket (IP_RECVERR): who said what. */
struct icmp_report {
	bool seen;
	int family;
	uint8_t type, code;
	struct addr from;
};

/* One attempt in progress. */
struct attempt {
	const char *proto;        /* "tcp", "udp" */
	bool udp;
	const struct addr *dst;
	uint16_t port;
	msec_t deadline;
	unsigned waited_ms;       /* the wait given (already scaled), for "timed out after" */
	int fd;
	unsigned sent;            /* UDP datagrams sent */
	struct icmp_report icmp;
	enum { PEER_OK, PEER_NONE, PEER_CLOSED, PEER_GARBLED, PEER_ERROR } peer;
	int peer_errno;
	unsigned long long bytes_ms;     /* how long sending the bytes took (when all were sent) */
};

const char *conn_outcome_name(enum conn_outcome o)
{
	switch (o) {
	case CONN_CONNECTED: return "connected";
	case CONN_REFUSED: return "refused";
	case CONN_TIMEOUT: return "timeout";
	case CONN_UNREACHABLE: return "unreachable";
	}
	return "?";
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) ? -errno : 0;
}

/* Binds to the port a scenario pinned (sport): that flow is the point of the check, old conntrack and all. */
static int bind_port(int fd, int family, uint16_t port)
{
	struct addr any = { .family = family };
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_from_addr(&ss, &any, port);

	if (set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1))
		return -errno;
	return bind(fd, (struct sockaddr *)&ss, sl) ? -errno : 0;
}

/* Binds to a fresh source port: conntrack must see a flow it has never seen, or NAT keeps its old decision. */
static int bind_fresh_port(int fd, int family, uint16_t *port)
{
	struct addr any = { .family = family };
	struct sockaddr_storage ss;

	for (unsigned i = 0; i < BIND_ATTEMPTS; i++) {
		socklen_t sl = sockaddr_from_addr(&ss, &any, *port = flow_source_port());

		if (!bind(fd, (struct sockaddr *)&ss, sl))
			return 0;
		if (errno != EADDRINUSE)
			return -errno;
	}
	return -EADDRINUSE;
}

/* A non-blocking socket in the namespace that reports ICMP errors in full (IP_RECVERR), on a fresh port. */
static int open_probe_socket(int nsfd, struct attempt *at, int type, struct conn_result *r, struct check *c)
{
	int family = at->dst->family;
	int fd = netns_socket(nsfd, family, type | SOCK_NONBLOCK, 0);
	int err;

	if (fd < 0) {
		check_got(c, "cannot open a %s socket in the namespace: %s", at->proto, strerror(-fd));
		return fd;
	}
	err = family == AF_INET6 ? set_int(fd, IPPROTO_IPV6, IPV6_RECVERR, 1) : set_int(fd, IPPROTO_IP, IP_RECVERR, 1);
	if (!err)
		err = r->local_port ? bind_port(fd, family, r->local_port) : bind_fresh_port(fd, family, &r->local_port);
	if (err) {
		check_got(c, "cannot bind %s source port %u: %s", at->proto, r->local_port, strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}

static void read_icmp_report(int fd, struct icmp_report *ir)
{
	union { char buf[512]; struct cmsghdr align; } cbuf;
	char data[256];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg;

	/* The queue may hold several; the first ICMP one is the answer to our first packet. */
	for (unsigned i = 0; i < 8 && !ir->seen; i++) {
		msg = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
				       .msg_controllen = sizeof(cbuf.buf) };
		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		for (struct cmsghdr *m = CMSG_FIRSTHDR(&msg); m; m = CMSG_NXTHDR(&msg, m)) {
			struct sock_extended_err *ee = (struct sock_extended_err *)CMSG_DATA(m);
			uint16_t port;

			if (!((m->cmsg_level == SOL_IP && m->cmsg_type == IP_RECVERR) ||
			      (m->cmsg_level == SOL_IPV6 && m->cmsg_type == IPV6_RECVERR)))
				continue;
			if (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6)
				continue;
			ir->seen = addr_from_sockaddr(SO_EE_OFFENDER(ee), &ir->from, &port);
			ir->family = ee->ee_origin == SO_EE_ORIGIN_ICMP ? AF_INET : AF_INET6;
			ir->type = ee->ee_type;
			ir->code = ee->ee_code;
		}
	}
}

/* "port unreachable", "host unreachable", "admin prohibited", "time exceeded", else "type T code C". */
static const char *icmp_words(const struct icmp_report *ir, char *buf, size_t len)
{
	static const char *const unreach4[] = { "net unreachable", "host unreachable", "protocol unreachable",
		"port unreachable", "fragmentation needed" };
	static const char *const unreach6[] = { "no route", "admin prohibited", "beyond scope",
		"address unreachable", "port unreachable", "source address failed policy", "reject route" };
	bool v4 = ir->family == AF_INET;

	if (v4 && ir->type == 3 && ir->code < sizeof(unreach4) / sizeof(unreach4[0]))
		return unreach4[ir->code];
	if (v4 && ir->type == 3 && (ir->code == 9 || ir->code == 10 || ir->code == 13))
		return "admin prohibited";
	if (!v4 && ir->type == 1 && ir->code < sizeof(unreach6) / sizeof(unreach6[0]))
		return unreach6[ir->code];
	if (ir->type == (v4 ? 11 : 3))
		return "time exceeded";
	snprintf(buf, len, "type %u code %u", ir->type, ir->code);
	return buf;
}

static bool icmp_port_unreachable(const struct icmp_report *ir)
{
	return ir->seen && ir->type == (ir->family == AF_INET ? 3 : 1) && ir->code == (ir->family == AF_INET ? 3 : 4);
}

/* Which outcome an errno from connect, SO_ERROR, send or recv means; false for errors that are not about
 * the network (the probe itself failed). */
static bool classify(int err, enum conn_outcome *o)
{
	switch (err) {
	case 0:
		*o = CONN_CONNECTED;
		return true;
	case ECONNREFUSED:
		*o = CONN_REFUSED;
		return true;
	case ETIMEDOUT:
	case EPERM:               /* a drop rule in the namespace's own output path: silent, as TCP sees it */
		*o = CONN_TIMEOUT;
		return true;
	case ENETUNREACH: case EHOSTUNREACH: case EHOSTDOWN: case ENONET: case ENETDOWN:
	case EACCES: case EADDRNOTAVAIL:
	case EINVAL:              /* a blackhole route, for locally sent packets */
		*o = CONN_UNREACHABLE;
		return true;
	}
	return false;
}

static int sock_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	return getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) ? errno : err;
}

static void record_local(int fd, struct conn_result *r)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint16_t port;

	if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
		addr_from_sockaddr((struct sockaddr *)&ss, &r->local, &port);
}

/* Waits for fd to become ready (events) until the deadline: 1 ready, 0 timed out, or -errno. */
static int wait_fd(int fd, short events, msec_t deadline, short *revents)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&pfd, 1, deadline_left(deadline));
	while (n < 0 && errno == EINTR);
	*revents = pfd.revents;
	return n < 0 ? -errno : n;
}

/* Returns 0 when connected, else the errno that ended the attempt (ETIMEDOUT at the deadline). */
static int tcp_connect(struct attempt *at, struct conn_result *r)
{
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_from_addr(&ss, at->dst, at->port);
	short revents;
	int n;

	if (connect(at->fd, (struct sockaddr *)&ss, sl) && errno != EINPROGRESS)
		return errno;
	record_local(at->fd, r);
	n = wait_fd(at->fd, POLLOUT, at->deadline, &revents);
	if (n <= 0)
		return n ? -n : ETIMEDOUT;
	return sock_error(at->fd);
}

static void take_peer_line(struct attempt *at, const char *buf, size_t len, struct conn_result *r)
{
	r->has_peer = peer_line_parse(buf, len, &r->peer_seen, &r->peer_port);
	at->peer = r->has_peer ? PEER_OK : PEER_GARBLED;
}

/* Reads the server's PEER line from a connected stream, within the attempt's deadline. */
static void read_peer_tcp(struct attempt *at, struct conn_result *r)
{
	char buf[PEER_LINE_MAX];
	size_t used = 0;
	const char *nl = NULL;
	short revents;

	while (!nl && used < sizeof(buf)) {
		ssize_t n = recv(at->fd, buf + used, sizeof(buf) - used, 0);
		int w;

		if (n > 0) {
			used += (size_t)n;
			nl = memchr(buf, '\n', used);
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			at->peer = n == 0 ? (used ? PEER_GARBLED : PEER_CLOSED) : PEER_ERROR;
			at->peer_errno = n == 0 ? 0 : errno;
			return;
		}
		w = wait_fd(at->fd, POLLIN, at->deadline, &revents);
		if (w <= 0) {
			at->peer = w ? PEER_ERROR : PEER_NONE;
			at->peer_errno = -w;
			return;
		}
	}
	if (nl)
		take_peer_line(at, buf, (size_t)(nl - buf) + 1, r);
	else
		at->peer = PEER_GARBLED;
}

/* Sends r->bytes_want zero bytes within the deadline, counting what the socket took. */
static void send_bytes(struct attempt *at, struct conn_result *r)
{
	static const char zeros[65536];
	short revents;

	while (r->bytes_sent < r->bytes_want) {
		size_t chunk = r->bytes_want - r->bytes_sent < sizeof(zeros) ? r->bytes_want - r->bytes_sent : sizeof(zeros);
		ssize_t n = send(at->fd, zeros, chunk, MSG_NOSIGNAL);

		if (n > 0) {
			r->bytes_sent += (unsigned long long)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return;
		if (wait_fd(at->fd, POLLOUT, at->deadline, &revents) <= 0)
			return;
	}
}

/* The server's "GOT <n>\n" after the client's end of stream, within the deadline. */
static void read_got_line(struct attempt *at, struct conn_result *r)
{
	char buf[40];
	size_t used = 0;
	short revents;

	while (used < sizeof(buf) - 1) {
		ssize_t n = recv(at->fd, buf + used, sizeof(buf) - 1 - used, 0);

		if (n > 0) {
			used += (size_t)n;
			buf[used] = '\0';
			if (strchr(buf, '\n'))
				break;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR) ||
		    wait_fd(at->fd, POLLIN, at->deadline, &revents) <= 0)
			return;
	}
	buf[used] = '\0';
	r->has_got = sscanf(buf, "GOT %llu\n", &r->bytes_got) == 1;
}

/* After the PEER line: N bytes out, the client's side shut, the server's count back. */
static void exchange_bytes(struct attempt *at, struct conn_result *r)
{
	msec_t start = clock_now_ms();

	send_bytes(at, r);
	if (r->bytes_sent == r->bytes_want && !shutdown(at->fd, SHUT_WR))
		read_got_line(at, r);
	at->bytes_ms = (unsigned long long)(clock_now_ms() - start);
}

/* An error the socket holds: its pending error, else an ICMP error only in the queue. */
static int pending_error(struct attempt *at)
{
	int err = sock_error(at->fd);

	if (err)
		return err;
	read_icmp_report(at->fd, &at->icmp);
	if (!at->icmp.seen)
		return 0;
	return icmp_port_unreachable(&at->icmp) ? ECONNREFUSED : EHOSTUNREACH;
}

/* Waits for the answer to the datagrams sent so far: 0 answered, ETIMEDOUT nothing by `until`, or errno. */
static int udp_await(struct attempt *at, msec_t until, struct conn_result *r)
{
	char buf[PEER_LINE_MAX];
	short revents;
	ssize_t n;
	int w, err;

	for (;;) {
		w = wait_fd(at->fd, POLLIN, until, &revents);
		if (w <= 0)
			return w ? -w : ETIMEDOUT;
		if ((revents & POLLERR) && (err = pending_error(at)))
			return err;
		n = recv(at->fd, buf, sizeof(buf), 0);
		if (n >= 0) {
			take_peer_line(at, buf, (size_t)n, r);
			return 0;
		}
		if (errno != EAGAIN && errno != EINTR)
			return errno;
	}
}

/* Returns 0 when answered, else the errno that ended the attempt (ETIMEDOUT at the deadline). */
static int udp_exchange(struct attempt *at, struct conn_result *r)
{
	static const char probe[] = "PROBE\n";
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_from_addr(&ss, at->dst, at->port);
	int ret;

	if (connect(at->fd, (struct sockaddr *)&ss, sl))
		return errno;
	record_local(at->fd, r);
	do {
		msec_t until = at->deadline;

		if (at->sent < UDP_SENDS) {
			if (send(at->fd, probe, sizeof(probe) - 1, 0) < 0)
				return errno;
			at->sent++;
			if (at->sent < UDP_SENDS)   /* the time left, shared by this wait and the retries to come */
				until = clock_now_ms() + deadline_left(at->deadline) / (UDP_SENDS - at->sent + 1);
		}
		ret = udp_await(at, until, r);
		if (ret != ETIMEDOUT)
			return ret;
	} while (deadline_left(at->deadline) > 0);
	return ETIMEDOUT;
}

static bool addr_is_any(const struct addr *a)
{
	static const uint8_t zero[16];

	return !a->family || !memcmp(a->bytes, zero, a->family == AF_INET ? 4 : 16);
}

/* "; sent 100000 bytes, the server counted 100000 in 12 ms", or how far it got before the deadline. */
static void describe_bytes(const struct attempt *at, const struct conn_result *r, struct check *c)
{
	struct cause *k;

	if (r->has_got && r->bytes_got == r->bytes_want) {
		check_got(c, "; sent %u bytes, the server counted them all in %llu ms", r->bytes_want, at->bytes_ms);
		return;
	}
	if (r->has_got)
		check_got(c, "; sent %u bytes, the server counted %llu", r->bytes_want, r->bytes_got);
	else
		check_got(c, "; %llu of %u bytes sent, no count from the server after %u ms", r->bytes_sent,
			  r->bytes_want, at->waited_ms);
	k = check_cause(c, CAUSE_CONN_BYTES_SHORT);
	k->addr = *at->dst;
	k->port = at->port;
	k->value = (int)r->bytes_want;
	k->flag = r->has_got;
	k->count = r->has_got ? r->bytes_got : r->bytes_sent;
}

static void describe_connected(const struct attempt *at, const struct conn_result *r, struct check *c)
{
	static const char *const missing[] = {
		[PEER_NONE] = "no PEER line before the deadline",
		[PEER_CLOSED] = "the server closed without a PEER line",
		[PEER_GARBLED] = "the server's answer is not a PEER line",
		[PEER_ERROR] = "reading the PEER line failed",
	};
	char local[ENDPOINT_LEN], seen[ENDPOINT_LEN];

	endpoint_str(&r->local, r->local_port, local, sizeof(local));
	check_got(c, "%s from %s; ", at->udp ? "answered; sent" : "connected", local);
	if (at->peer == PEER_OK) {
		check_got(c, "server saw %s", endpoint_str(&r->peer_seen, r->peer_port, seen, sizeof(seen)));
		if (r->bytes_want)
			describe_bytes(at, r, c);
		return;
	}
	check_got(c, "%s", missing[at->peer]);
	if (at->peer == PEER_ERROR)
		check_got(c, ": %s", strerror(at->peer_errno));
	check_cause(c, CAUSE_CONN_PEER_UNKNOWN);
}

static void describe_icmp(const struct attempt *at, struct check *c)
{
	char words[32], from[ENDPOINT_LEN];

	check_got(c, " (%s %s from %s)", at->icmp.family == AF_INET ? "ICMP" : "ICMP6",
		  icmp_words(&at->icmp, words, sizeof(words)), endpoint_str(&at->icmp.from, 0, from, sizeof(from)));
}

static void describe_refused(const struct attempt *at, struct check *c)
{
	check_got(c, "refused");
	if (!at->icmp.seen && !at->udp) {
		check_got(c, " (RST)");
		check_cause(c, CAUSE_CONN_TCP_RESET)->addr = *at->dst;
		c->cause.port = at->port;
		return;
	}
	if (!at->icmp.seen) {     /* a UDP refusal is always an ICMP error, though its sender was not kept */
		check_cause(c, CAUSE_CONN_UDP_REFUSED)->addr = *at->dst;
		c->cause.port = at->port;
		return;
	}
	describe_icmp(at, c);
	if (addr_equal(&at->icmp.from, at->dst)) {
		struct cause *k = check_cause(c, CAUSE_CONN_PORT_UNREACHABLE);

		CAUSE_COPY(k->word, at->proto);
		k->port = at->port;
		k->addr = *at->dst;
	} else
		check_cause(c, CAUSE_CONN_REJECTED)->addr2 = at->icmp.from;
}

static void describe_unreachable(const struct attempt *at, int err, struct check *c)
{
	char words[32];

	check_got(c, "unreachable: %s", strerror(err));
	if (!at->icmp.seen) {
		/* Why the namespace itself would not send, from the errno alone. */
		check_cause(c, CAUSE_CONN_LOCAL_ERROR)->addr = *at->dst;
		c->cause.err = err;
		return;
	}
	describe_icmp(at, c);
	if (at->icmp.type == (at->icmp.family == AF_INET ? 11 : 3))
		check_cause(c, CAUSE_CONN_HOP_LIMIT)->addr2 = at->icmp.from;
	else {
		struct cause *k = check_cause(c, CAUSE_CONN_ICMP_ERROR);

		k->addr = *at->dst;
		k->addr2 = at->icmp.from;
		CAUSE_COPY(k->word, icmp_words(&at->icmp, words, sizeof(words)));
	}
}

static void describe_timeout(const struct attempt *at, int err, struct check *c)
{
	if (err == EPERM) {
		check_got(c, "dropped before leaving the namespace: %s", strerror(err));
		check_cause(c, CAUSE_CONN_LOCAL_FIREWALL)->addr = *at->dst;
		return;
	}
	check_got(c, "timed out after %u ms", at->waited_ms);
	if (at->sent)
		check_got(c, " (%u datagrams sent)", at->sent);
	check_cause(c, CAUSE_CONN_NO_ANSWER);
}

static void describe_failure(const struct attempt *at, enum conn_outcome o, int err, struct check *c)
{
	switch (o) {
	case CONN_CONNECTED:
		break;
	case CONN_REFUSED:
		describe_refused(at, c);
		break;
	case CONN_TIMEOUT:
		describe_timeout(at, err, c);
		break;
	case CONN_UNREACHABLE:
		describe_unreachable(at, err, c);
		break;
	}
}

static void flow_evidence(const struct attempt *at, const struct conn_result *r, struct check *c)
{
	char local[ENDPOINT_LEN], dst[ENDPOINT_LEN];

	endpoint_str(at->dst, at->port, dst, sizeof(dst));
	if (addr_is_any(&r->local))
		check_evidence(c, "flow from source port %u to %s %s", r->local_port, dst, at->proto);
	else
		check_evidence(c, "flow %s > %s %s", endpoint_str(&r->local, r->local_port, local, sizeof(local)),
			       dst, at->proto);
}

static enum check_status finish(struct attempt *at, int err, struct conn_result *r, struct check *c)
{
	close(at->fd);
	r->error = err;
	if (!classify(err, &r->outcome)) {
		r->outcome = CONN_UNREACHABLE;
		check_got(c, "%s probe failed: %s", at->proto, strerror(err));
		return check_set(c, CHECK_ERROR);
	}
	flow_evidence(at, r, c);
	if (r->outcome == CONN_CONNECTED) {
		bool all = !r->bytes_want || (r->has_got && r->bytes_got == r->bytes_want);

		describe_connected(at, r, c);
		return check_set(c, at->peer == PEER_OK && all ? CHECK_PASS : CHECK_FAIL);
	}
	describe_failure(at, r->outcome, err, c);
	return check_set(c, CHECK_FAIL);
}

/* Common start: the result cleared, the deadline set, the expectation worded, the socket open. */
static int begin(int nsfd, struct attempt *at, int type, unsigned timeout_ms, struct conn_result *r, struct check *c)
{
	char where[ENDPOINT_LEN];

	uint16_t pinned = r->local_port;
	uint32_t bytes = r->bytes_want;

	memset(r, 0, sizeof(*r));
	r->local_port = pinned;
	r->bytes_want = bytes;
	at->deadline = deadline_after(timeout_ms);
	at->waited_ms = timeout_ms;
	endpoint_str(at->dst, at->port, where, sizeof(where));
	if (type == SOCK_STREAM)
		check_expected(c, "tcp connection to %s", where);
	else
		check_expected(c, "udp answer from %s", where);
	if (at->dst->family != AF_INET && at->dst->family != AF_INET6) {
		check_got(c, "no address family to probe %s with", where);
		return -EAFNOSUPPORT;
	}
	at->fd = open_probe_socket(nsfd, at, type, r, c);
	return at->fd < 0 ? at->fd : 0;
}

enum check_status probe_tcp(int nsfd, const struct addr *dst, uint16_t port, unsigned timeout_ms,
			    struct conn_result *r, struct check *c)
{
	struct attempt at = { .proto = "tcp", .dst = dst, .port = port, .fd = -1 };
	int err;

	if (begin(nsfd, &at, SOCK_STREAM, timeout_ms, r, c))
		return check_set(c, CHECK_ERROR);
	err = tcp_connect(&at, r);
	if (err)
		read_icmp_report(at.fd, &at.icmp);
	else
		read_peer_tcp(&at, r);
	if (!err && at.peer == PEER_OK && r->bytes_want)
		exchange_bytes(&at, r);
	return finish(&at, err, r, c);
}

enum check_status probe_udp(int nsfd, const struct addr *dst, uint16_t port, unsigned timeout_ms,
			    struct conn_result *r, struct check *c)
{
	struct attempt at = { .proto = "udp", .udp = true, .dst = dst, .port = port, .fd = -1 };
	int err;

	if (begin(nsfd, &at, SOCK_DGRAM, timeout_ms, r, c))
		return check_set(c, CHECK_ERROR);
	err = udp_exchange(&at, r);
	if (err)
		read_icmp_report(at.fd, &at.icmp);
	return finish(&at, err, r, c);
}
