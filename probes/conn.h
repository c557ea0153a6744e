/* conn.h — TCP and UDP probes, and the server that tells each client which address it saw.
 *
 * NAT evidence is the server's view: the listener answers every connection (TCP) or datagram (UDP) with
 * "PEER <addr> <port>\n", the source it saw; the probe reads that line and records its own local end, so
 * the caller can compare the inside source with what the far side saw.  Compare addresses only: masquerade
 * may remap ports. */
#ifndef NSH_CONN_H
#define NSH_CONN_H

#include "harness/scenario/model.h"
#include "harness/verdict/check.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct listener;

/* A server in namespace nsfd on proto (IPPROTO_TCP or IPPROTO_UDP) port, on every address of both families
 * (an AF_INET6 socket with IPV6_V6ONLY off; AF_INET alone where the namespace has no IPv6).  A thread serves
 * it until listener_close: TCP accepts and writes the PEER line about the accepted peer, then counts the bytes the
 * client sends until it shuts its side down, answers "GOT <n>\n" and closes (a client that closes after the
 * PEER line just ends it); UDP
 * answers each datagram with the PEER line about its source, from the address it was sent to.
 * Returns NULL with a message in err when the socket cannot be made or bound (port in use). */
struct listener *listener_open(int nsfd, int proto, uint16_t port, char *err, size_t errlen);

/* Stops the thread (through an eventfd it polls), joins it and closes the sockets.  Accepts NULL. */
void listener_close(struct listener *l);

struct conn_result {
	enum conn_outcome outcome;
	int error;                /* the errno the attempt ended with (0 when connected, ETIMEDOUT on timeout) */
	struct addr local;        /* the probe's own end: the address it sent from, */
	uint16_t local_port;      /* and its fresh source port */
	bool has_peer;            /* a PEER line was read: */
	struct addr peer_seen;    /* the source address the server saw, */
	uint16_t peer_port;       /* and port */
	uint32_t bytes_want;      /* tcp, set by the caller: bytes to send after the PEER line (0: none) */
	unsigned long long bytes_sent;   /* how many the client's socket took before the deadline */
	bool has_got;             /* the server's "GOT <n>" line was read: */
	unsigned long long bytes_got;    /* the bytes it counted */
};

/* Connects from inside namespace nsfd to dst:port from a fresh source port (flow_source_port), non-blocking,
 * never waiting past timeout_ms (the caller's wait, already scaled; "timed out after" reports it).  The outcome: connected; refused (an RST, or ICMP port
 * unreachable); timeout; unreachable (no route, ICMP net/host unreachable or prohibited, a blackhole or
 * prohibit route).  When connected, reads the server's PEER line within the same deadline.
 * Fills c (which the caller has check_init()ed): expected "tcp connection to 198.51.100.2:8080"; got
 * "connected from 10.1.1.1:24001; server saw 198.51.100.1:24001", "refused (RST)", "timed out after 1000 ms",
 * "unreachable: No route to host (ICMP host unreachable from 10.1.1.2)", with a cause where the evidence
 * allows.  Returns CHECK_PASS when connected and the PEER line was read, CHECK_FAIL for every other outcome
 * (the caller compares r->outcome with the outcome it requires), CHECK_ERROR when the probe could not run. */
/* With r->bytes_want N (tcp), once the PEER line is read the probe sends N bytes, shuts its side down and
 * reads the server's count, all within the same deadline: CHECK_PASS only when the server counted all N;
 * short of them (a path that carries the handshake but stalls full-sized segments, a PMTU black hole) the
 * outcome is still "connected", the check fails with CAUSE_CONN_BYTES_SHORT. */
/* For both probes: r->local_port, when the caller sets it before the call, is the source port to use (a
 * pinned flow, for a scenario about what conntrack remembers of it); 0 takes a fresh one. */
enum check_status probe_tcp(int nsfd, const struct addr *dst, uint16_t port, unsigned timeout_ms,
			    struct conn_result *r, struct check *c);

/* The UDP twin: a connected UDP socket sends one datagram and retries up to 3 times, evenly spread over the
 * timeout, until the PEER answer comes.  ICMP port unreachable is refused; ICMP net/host unreachable (seen
 * through IP_RECVERR) is unreachable; silence is timeout.  Expected "udp answer from 198.51.100.2:8080"; got
 * "answered; sent from 10.1.1.1:24001; server saw 198.51.100.1:24001" or as for TCP.  Same returns. */
enum check_status probe_udp(int nsfd, const struct addr *dst, uint16_t port, unsigned timeout_ms,
			    struct conn_result *r, struct check *c);

/* "connected", "refused", "timeout", "unreachable". */
const char *conn_outcome_name(enum conn_outcome o);

/* The PEER line: "PEER 198.51.100.1 24001\n" (IPv6 addresses plain, IPv4-mapped ones as IPv4).
 * peer_line_format returns the length written (< len), or -1 when it does not fit. */
#define PEER_LINE_MAX 72
int peer_line_format(char *buf, size_t len, const struct addr *a, uint16_t port);
/* Parses one line (the trailing newline optional, nothing after it).  Returns true when well-formed. */
bool peer_line_parse(const char *line, size_t len, struct addr *a, uint16_t *port);

/* sockaddr <-> struct addr.  sockaddr_from_addr returns the length to pass to bind/connect.
 * addr_from_sockaddr turns IPv4-mapped IPv6 into AF_INET; returns false for other families. */
socklen_t sockaddr_from_addr(struct sockaddr_storage *ss, const struct addr *a, uint16_t port);
bool addr_from_sockaddr(const struct sockaddr *sa, struct addr *a, uint16_t *port);

#endif
