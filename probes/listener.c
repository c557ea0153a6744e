/* listener.c — the server side of the TCP and UDP probes: it tells every client the source it saw. */
#define _GNU_SOURCE
#include "probes/conn.h"

#include "harness/base/netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define LISTEN_BACKLOG 64
#define OPEN_CONNS 32             /* connections whose bytes are being counted at once */

/* An accepted TCP connection after its PEER line: every byte the client sends is counted until it shuts its
 * side down, then "GOT <n>\n" answers (the bytes probe, conn.c).  A client that just reads the PEER line and
 * closes ends it at once. */
struct counted {
	int fd;                   /* -1: a free slot */
	unsigned long long got;
};

struct listener {
	int proto;
	int fd;                   /* the listening (TCP) or serving (UDP) socket */
	int family;               /* the socket's: AF_INET6 (dual-stack) or AF_INET */
	int stop;                 /* eventfd: written once by listener_close */
	pthread_t thread;
	struct counted conn[OPEN_CONNS];
};

socklen_t sockaddr_from_addr(struct sockaddr_storage *ss, const struct addr *a, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->bytes, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	memcpy(&s4->sin_addr, a->bytes, 4);
	return sizeof(*s4);
}

bool addr_from_sockaddr(const struct sockaddr *sa, struct addr *a, uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		a->family = AF_INET;
		memcpy(a->bytes, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
		return true;
	}
	if (sa->sa_family != AF_INET6)
		return false;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		a->family = AF_INET;
		memcpy(a->bytes, s6->sin6_addr.s6_addr + 12, 4);
	} else {
		a->family = AF_INET6;
		memcpy(a->bytes, &s6->sin6_addr, 16);
	}
	*port = ntohs(s6->sin6_port);
	return true;
}

int peer_line_format(char *buf, size_t len, const struct addr *a, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN];
	int n;

	if (!inet_ntop(a->family, a->bytes, ip, sizeof(ip)))
		return -1;
	n = snprintf(buf, len, "PEER %s %u\n", ip, port);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

bool peer_line_parse(const char *line, size_t len, struct addr *a, uint16_t *port)
{
	char text[PEER_LINE_MAX], ip[INET6_ADDRSTRLEN];
	unsigned long p;
	char *end;
	int n = 0;

	if (len && line[len - 1] == '\n')
		len--;
	if (len >= sizeof(text) || memchr(line, '\0', len) || memchr(line, '\n', len))
		return false;
	memcpy(text, line, len);
	text[len] = '\0';
	if (sscanf(text, "PEER %45[0-9a-fA-F.:] %n", ip, &n) != 1 || !n || text[n] < '0' || text[n] > '9')
		return false;
	p = strtoul(text + n, &end, 10);
	if (*end || p > 65535)
		return false;
	memset(a, 0, sizeof(*a));
	a->family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	*port = (uint16_t)p;
	return inet_pton(a->family, ip, a->bytes) == 1;
}

static void serve_tcp(struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char line[PEER_LINE_MAX];
	struct addr a;
	uint16_t port;
	int c, n;

	while ((c = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		unsigned i;

		/* A fresh socket's send buffer is empty: the short line goes out whole, or the peer is gone. */
		if (addr_from_sockaddr((struct sockaddr *)&ss, &a, &port) &&
		    (n = peer_line_format(line, sizeof(line), &a, port)) > 0)
			send(c, line, (size_t)n, MSG_NOSIGNAL);
		for (i = 0; i < OPEN_CONNS && l->conn[i].fd >= 0; i++)
			;
		if (i < OPEN_CONNS)
			l->conn[i] = (struct counted){ .fd = c };
		else
			close(c);   /* every slot counting: this one gets its PEER line only */
		sl = sizeof(ss);
	}
}

/* Reads what a counted connection has; at its end of stream, answers "GOT <n>" and closes it.  The answer
 * is short and the send buffer empty (the server never sent more than the PEER line): it goes out whole. */
static void count_bytes(struct counted *k)
{
	char buf[65536], line[40];
	ssize_t n;

	while ((n = recv(k->fd, buf, sizeof(buf), 0)) > 0)
		k->got += (unsigned long long)n;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == 0) {
		int len = snprintf(line, sizeof(line), "GOT %llu\n", k->got);

		send(k->fd, line, (size_t)len, MSG_NOSIGNAL);
	}
	close(k->fd);
	*k = (struct counted){ .fd = -1 };
}

/* The address a datagram was sent to, from its IPV6_PKTINFO / IP_PKTINFO, for the answer's source: with
 * several addresses (or DNAT) the routed default could differ, and the client's connected socket would drop
 * an answer from anywhere else. */
static size_t reply_pktinfo(struct msghdr *in, char *cbuf, size_t clen)
{
	struct msghdr out = { .msg_control = cbuf, .msg_controllen = clen };
	struct cmsghdr *o = CMSG_FIRSTHDR(&out);

	for (struct cmsghdr *m = CMSG_FIRSTHDR(in); m && o; m = CMSG_NXTHDR(in, m)) {
		if (m->cmsg_level == SOL_IPV6 && m->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(m), sizeof(pi));
			if (!IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				pi.ipi6_ifindex = 0;   /* let routing pick the way back */
			*o = (struct cmsghdr){ .cmsg_level = SOL_IPV6, .cmsg_type = IPV6_PKTINFO,
					       .cmsg_len = CMSG_LEN(sizeof(pi)) };
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
		if (m->cmsg_level == SOL_IP && m->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(m), sizeof(pi));
			pi = (struct in_pktinfo){ .ipi_spec_dst = pi.ipi_addr };
			*o = (struct cmsghdr){ .cmsg_level = SOL_IP, .cmsg_type = IP_PKTINFO,
					       .cmsg_len = CMSG_LEN(sizeof(pi)) };
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
	}
	return 0;
}

static void serve_udp(struct listener *l)
{
	union { char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) * 2]; struct cmsghdr align; } cin, cout;
	struct sockaddr_storage ss;
	char data[512], line[PEER_LINE_MAX];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg;
	struct addr a;
	uint16_t port;
	int n;

	for (;;) {
		msg = (struct msghdr){ .msg_name = &ss, .msg_namelen = sizeof(ss), .msg_iov = &iov,
				       .msg_iovlen = 1, .msg_control = cin.buf, .msg_controllen = sizeof(cin.buf) };
		if (recvmsg(l->fd, &msg, MSG_DONTWAIT) < 0)
			return;
		if (!addr_from_sockaddr((struct sockaddr *)&ss, &a, &port))
			continue;
		n = peer_line_format(line, sizeof(line), &a, port);
		if (n < 0)
			continue;
		iov = (struct iovec){ line, (size_t)n };
		memset(cout.buf, 0, sizeof(cout.buf));   /* CMSG_SPACE pads past the pktinfo: no stack bytes go out */
		msg.msg_controllen = reply_pktinfo(&msg, cout.buf, sizeof(cout.buf));
		msg.msg_control = msg.msg_controllen ? cout.buf : NULL;
		sendmsg(l->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
		iov = (struct iovec){ data, sizeof(data) };
	}
}

/* Waits without a deadline on purpose: the listener lives until listener_close writes the eventfd. */
static void *serve(void *arg)
{
	struct listener *l = arg;
	struct pollfd pfd[2 + OPEN_CONNS] = { { .fd = l->fd, .events = POLLIN }, { .fd = l->stop, .events = POLLIN } };

	for (;;) {
		for (unsigned i = 0; i < OPEN_CONNS; i++)
			pfd[2 + i] = (struct pollfd){ .fd = l->conn[i].fd, .events = POLLIN };
		if (poll(pfd, 2 + OPEN_CONNS, -1) < 0 && errno != EINTR)
			break;
		for (unsigned i = 0; i < OPEN_CONNS; i++)
			if (l->conn[i].fd >= 0 && pfd[2 + i].revents)
				count_bytes(&l->conn[i]);
		if (pfd[1].revents)
			break;
		if (pfd[0].revents & POLLERR) {
			int soerr;
			socklen_t sl = sizeof(soerr);

			getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);   /* clears it */
		}
		if (pfd[0].revents & POLLIN) {
			if (l->proto == IPPROTO_TCP)
				serve_tcp(l);
			else
				serve_udp(l);
		}
	}
	return NULL;
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) ? -errno : 0;
}

/* Socket options, bind, listen: the socket already belongs to the namespace, so this runs on any thread. */
static int bind_listener(struct listener *l, uint16_t port, const char **what)
{
	struct sockaddr_storage ss;
	struct addr any = { .family = l->family };
	socklen_t sl = sockaddr_from_addr(&ss, &any, port);
	int err = 0;

	*what = "setsockopt";
	if (l->family == AF_INET6)
		err = set_int(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
	if (!err && l->proto == IPPROTO_TCP)
		err = set_int(l->fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (!err && l->proto == IPPROTO_UDP)
		err = l->family == AF_INET6 ? set_int(l->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
					    : set_int(l->fd, IPPROTO_IP, IP_PKTINFO, 1);
	if (err)
		return err;
	*what = "bind";
	if (bind(l->fd, (struct sockaddr *)&ss, sl))
		return -errno;
	*what = "listen";
	if (l->proto == IPPROTO_TCP && listen(l->fd, LISTEN_BACKLOG))
		return -errno;
	return 0;
}

static int open_socket(struct listener *l, int nsfd)
{
	int type = l->proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;

	l->family = AF_INET6;
	l->fd = netns_socket(nsfd, AF_INET6, type | SOCK_NONBLOCK, 0);
	if (l->fd == -EAFNOSUPPORT) {
		l->family = AF_INET;
		l->fd = netns_socket(nsfd, AF_INET, type | SOCK_NONBLOCK, 0);
	}
	return l->fd < 0 ? l->fd : 0;
}

struct listener *listener_open(int nsfd, int proto, uint16_t port, char *err, size_t errlen)
{
	const char *pname = proto == IPPROTO_TCP ? "tcp" : "udp";
	struct listener *l = calloc(1, sizeof(*l));
	const char *what = "socket";
	int ret;

	if (!l) {
		snprintf(err, errlen, "listen %s %u: out of memory", pname, port);
		return NULL;
	}
	l->proto = proto;
	l->fd = l->stop = -1;
	for (unsigned i = 0; i < OPEN_CONNS; i++)
		l->conn[i].fd = -1;
	ret = proto == IPPROTO_TCP || proto == IPPROTO_UDP ? open_socket(l, nsfd) : -EPROTONOSUPPORT;
	if (!ret)
		ret = bind_listener(l, port, &what);
	if (!ret) {
		what = "eventfd";
		l->stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ret = l->stop < 0 ? -errno : 0;
	}
	if (!ret) {
		what = "pthread_create";
		ret = -pthread_create(&l->thread, NULL, serve, l);
	}
	if (ret) {
		snprintf(err, errlen, "listen %s %u: %s: %s", pname, port, what, strerror(-ret));
		if (l->fd >= 0)
			close(l->fd);
		if (l->stop >= 0)
			close(l->stop);
		free(l);
		return NULL;
	}
	return l;
}

void listener_close(struct listener *l)
{
	if (!l)
		return;
	eventfd_write(l->stop, 1);
	pthread_join(l->thread, NULL);
	for (unsigned i = 0; i < OPEN_CONNS; i++)
		if (l->conn[i].fd >= 0)
			close(l->conn[i].fd);
	close(l->fd);
	close(l->stop);
	free(l);
}
