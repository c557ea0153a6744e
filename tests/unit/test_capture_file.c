/* test_capture_file.c — live captures and TCP/UDP probes on loopback in an anonymous namespace, the capture
 * written as a pcap file and read back with libpcap, and the PEER line.  The live tests need CAP_SYS_ADMIN;
 * without it each says so on stderr and checks nothing. */
#include "harness/base/netns.h"
#include "probes/capture.h"
#include "probes/conn.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define PORT_OPEN 8080
#define PORT_CLOSED 8081
#define PORT_SILENT 8082
/* A wait the passing probes never use up: generous, so a loaded machine (make check -j2 beside a build)
 * cannot turn a pass into a timeout; they return as soon as the answer is in. */
#define PASS_WAIT_MS 10000

static struct addr ip(const char *text)
{
	struct addr a = { .family = strchr(text, ':') ? AF_INET6 : AF_INET };

	inet_pton(a.family, text, a.bytes);
	return a;
}

static int lo_up(void *unused)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	(void)unused;
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		ret = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!ret && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* A fresh namespace with lo up, or -1 (and a note) when this process may not make one. */
static int loopback_ns(void)
{
	int fd = netns_create();

	if (fd < 0) {
		fprintf(stderr, " (skipped: cannot create a namespace: %s) ", strerror(-fd));
		return -1;
	}
	CU_ASSERT_EQUAL(netns_run(fd, lo_up, NULL), 0);
	return fd;
}

static void test_tcp_probe(void)
{
	struct addr v4 = ip("127.0.0.1"), v6 = ip("::1");
	struct conn_result r;
	struct listener *l;
	struct check c;
	char err[256];
	int ns = loopback_ns();

	if (ns < 0)
		return;
	l = listener_open(ns, IPPROTO_TCP, PORT_OPEN, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_PTR_NULL(listener_open(ns, IPPROTO_TCP, PORT_OPEN, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Address already in use"));

	check_init(&c);
	r.local_port = 0;   /* a fresh source port: the last one may still be in TIME_WAIT */
	CU_ASSERT_EQUAL(probe_tcp(ns, &v4, PORT_OPEN, PASS_WAIT_MS, &r, &c), CHECK_PASS);
	CU_ASSERT_EQUAL(r.outcome, CONN_CONNECTED);
	CU_ASSERT(r.has_peer && addr_equal(&r.peer_seen, &v4) && r.peer_port == r.local_port);
	CU_ASSERT_STRING_EQUAL(c.expected, "tcp connection to 127.0.0.1:8080");
	CU_ASSERT_PTR_NOT_NULL(strstr(c.got, "; server saw 127.0.0.1:"));

	check_init(&c);
	r.local_port = 0;   /* a fresh source port: the last one may still be in TIME_WAIT */
	CU_ASSERT_EQUAL(probe_tcp(ns, &v6, PORT_OPEN, PASS_WAIT_MS, &r, &c), CHECK_PASS);
	CU_ASSERT(r.has_peer && addr_equal(&r.peer_seen, &v6));

	check_init(&c);
	r.local_port = 0;   /* a fresh source port: the last one may still be in TIME_WAIT */
	CU_ASSERT_EQUAL(probe_tcp(ns, &v4, PORT_CLOSED, 1000, &r, &c), CHECK_FAIL);
	CU_ASSERT_EQUAL(r.outcome, CONN_REFUSED);
	CU_ASSERT_STRING_EQUAL(c.got, "refused (RST)");

	check_init(&c);
	r.local_port = 0;   /* a fresh source port: the last one may still be in TIME_WAIT */
	v4 = ip("192.0.2.1");     /* nothing routes there: only lo is up */
	CU_ASSERT_EQUAL(probe_tcp(ns, &v4, PORT_OPEN, 1000, &r, &c), CHECK_FAIL);
	CU_ASSERT_EQUAL(r.outcome, CONN_UNREACHABLE);
	CU_ASSERT_STRING_EQUAL(c.got, "unreachable: Network is unreachable");
	listener_close(l);
	close(ns);
}

static void test_udp_probe(void)
{
	struct addr v4 = ip("127.0.0.1"), v6 = ip("::1");
	struct conn_result r;
	struct listener *l;
	struct check c;
	char err[256];
	int ns = loopback_ns(), silent;

	if (ns < 0)
		return;
	l = listener_open(ns, IPPROTO_UDP, PORT_OPEN, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);

	check_init(&c);
	CU_ASSERT_EQUAL(probe_udp(ns, &v6, PORT_OPEN, PASS_WAIT_MS, &r, &c), CHECK_PASS);
	CU_ASSERT(r.has_peer && addr_equal(&r.peer_seen, &v6) && r.peer_port == r.local_port);
	CU_ASSERT_STRING_EQUAL(c.expected, "udp answer from [::1]:8080");

	check_init(&c);
	CU_ASSERT_EQUAL(probe_udp(ns, &v4, PORT_OPEN, PASS_WAIT_MS, &r, &c), CHECK_PASS);
	CU_ASSERT(r.has_peer && addr_equal(&r.peer_seen, &v4));

	check_init(&c);
	CU_ASSERT_EQUAL(probe_udp(ns, &v4, PORT_CLOSED, 1000, &r, &c), CHECK_FAIL);
	CU_ASSERT_EQUAL(r.outcome, CONN_REFUSED);
	CU_ASSERT_STRING_EQUAL(c.got, "refused (ICMP port unreachable from 127.0.0.1)");

	/* a socket that takes the datagrams and never answers */
	silent = netns_socket(ns, AF_INET, SOCK_DGRAM, 0);
	CU_ASSERT_FATAL(silent >= 0);
	struct sockaddr_storage ss;
	socklen_t sl = sockaddr_from_addr(&ss, &v4, PORT_SILENT);

	CU_ASSERT_EQUAL(bind(silent, (struct sockaddr *)&ss, sl), 0);
	check_init(&c);
	CU_ASSERT_EQUAL(probe_udp(ns, &v4, PORT_SILENT, 200, &r, &c), CHECK_FAIL);
	CU_ASSERT_EQUAL(r.outcome, CONN_TIMEOUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.got, "(4 datagrams sent)"));
	close(silent);
	listener_close(l);
	close(ns);
}

/* The frame the TCP probe's SYN left in the capture, or NULL. */
static const struct packet_info *find_syn(const struct capture *cap, uint16_t sport)
{
	for (unsigned i = 0; i < capture_count(cap); i++) {
		const struct packet_info *pi = capture_packet(cap, i);

		if (pi->proto == IPPROTO_TCP && pi->sport == sport && pi->tcp_flags == TCPF_SYN)
			return pi;
	}
	return NULL;
}

static unsigned count_syns(const struct capture *cap, uint16_t sport)
{
	unsigned n = 0;

	for (unsigned i = 0; i < capture_count(cap); i++) {
		const struct packet_info *pi = capture_packet(cap, i);

		n += pi->proto == IPPROTO_TCP && pi->sport == sport && pi->tcp_flags == TCPF_SYN;
	}
	return n;
}

/* Reads the file back and compares every frame's summary with the capture's. */
static void assert_file_matches(const char *path, const struct capture *cap)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(pcap_datalink(p), capture_linktype(cap));
	while (pcap_next_ex(p, &h, &data) == 1) {
		struct packet_info pi;
		const struct packet_info *kept = capture_packet(cap, n++);

		packet_parse(pcap_datalink(p), data, h->caplen, &pi);
		CU_ASSERT(kept && !memcmp(&pi, kept, sizeof(pi)));
	}
	CU_ASSERT_EQUAL(n, capture_count(cap));
	pcap_close(p);
}

static void test_capture_write(void)
{
	struct addr v4 = ip("127.0.0.1");
	char err[256], filter[512], path[] = "/tmp/nsh-capture-XXXXXX";
	struct capture *cap;
	struct listener *l;
	struct conn_result r;
	struct check c;
	int ns = loopback_ns(), fd;

	if (ns < 0)
		return;
	CU_ASSERT_EQUAL_FATAL(capture_filter_for(filter, sizeof(filter), &v4, IPPROTO_TCP, PORT_OPEN), 0);
	cap = capture_open(ns, "lo", filter, 1 << 20, 0, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
	l = listener_open(ns, IPPROTO_TCP, PORT_OPEN, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_init(&c);
	CU_ASSERT_EQUAL(probe_tcp(ns, &v4, PORT_OPEN, PASS_WAIT_MS, &r, &c), CHECK_PASS);
	CU_ASSERT(capture_drain(cap, 100, 2000) >= 3);
	CU_ASSERT_PTR_NOT_NULL(find_syn(cap, r.local_port));
	CU_ASSERT_EQUAL(count_syns(cap, r.local_port), 1);   /* lo's outgoing copy is not kept */
	CU_ASSERT_EQUAL(capture_linktype(cap), DLT_EN10MB);
	CU_ASSERT_EQUAL(capture_missed(cap), 0);
	CU_ASSERT_PTR_NULL(capture_packet(cap, capture_count(cap)));

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(capture_write(cap, fd), 0);   /* closes fd */
	assert_file_matches(path, cap);
	unlink(path);
	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (fd >= 0)
		CU_ASSERT_EQUAL(capture_write(cap, fd), -ENOSPC);   /* a full disk is an error, not a file */
	listener_close(l);
	capture_close(cap);
	close(ns);
}

static void test_capture_limits(void)
{
	struct addr v4 = ip("127.0.0.1");
	struct conn_result r;
	struct capture *cap;
	struct check c;
	char err[256];
	int ns = loopback_ns();

	if (ns < 0)
		return;
	CU_ASSERT_PTR_NULL(capture_open(ns, "nope0", NULL, 1 << 20, 0, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nope0"));
	CU_ASSERT_PTR_NULL(capture_open(ns, "lo", "tcp and and", 1 << 20, 0, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "filter"));

	/* nothing fits in 0 bytes: every frame is counted as missed */
	cap = capture_open(ns, "lo", "", 0, 0, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
	check_init(&c);
	probe_tcp(ns, &v4, PORT_CLOSED, 1000, &r, &c);
	CU_ASSERT_EQUAL(capture_drain(cap, 100, 2000), 0);
	CU_ASSERT(capture_missed(cap) >= 2);
	capture_close(cap);
	capture_close(NULL);
	listener_close(NULL);
	close(ns);
}

static void test_peer_line(void)
{
	struct addr v4 = ip("198.51.100.1"), v6 = ip("2001:db8::1"), a;
	struct sockaddr_in6 mapped = { .sin6_family = AF_INET6, .sin6_port = htons(24001) };
	static const char *const bad[] = { "", "PEER", "PEER 198.51.100.1", "PEER 198.51.100.1 70000",
		"PEER 198.51.100.1 80 x", "PEER x 80", "PEERS 198.51.100.1 80", "PEER 198.51.100.1 +80",
		"PEER 198.51.100.1 80\nPEER 10.0.0.1 80", "PEER 300.1.1.1 80" };
	char line[PEER_LINE_MAX];
	uint16_t port;

	CU_ASSERT_EQUAL(peer_line_format(line, sizeof(line), &v4, 24001), 24);
	CU_ASSERT_STRING_EQUAL(line, "PEER 198.51.100.1 24001\n");
	CU_ASSERT(peer_line_parse(line, strlen(line), &a, &port) && addr_equal(&a, &v4) && port == 24001);
	CU_ASSERT(peer_line_format(line, sizeof(line), &v6, 8080) > 0);
	CU_ASSERT(peer_line_parse(line, strlen(line) - 1, &a, &port) && addr_equal(&a, &v6) && port == 8080);
	CU_ASSERT_EQUAL(peer_line_format(line, 10, &v4, 24001), -1);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT(!peer_line_parse(bad[i], strlen(bad[i]), &a, &port));

	/* a dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d; they are reported as IPv4 */
	inet_pton(AF_INET6, "::ffff:198.51.100.1", &mapped.sin6_addr);
	CU_ASSERT(addr_from_sockaddr((struct sockaddr *)&mapped, &a, &port));
	CU_ASSERT(addr_equal(&a, &v4) && port == 24001);
}

UNIT_SUITE(capture_file,
	   { "PEER line and sockaddr conversions", test_peer_line },
	   { "TCP probe: connected, peer seen, refused, unreachable", test_tcp_probe },
	   { "UDP probe: answered, refused, timed out", test_udp_probe },
	   { "capture on lo, written and read back", test_capture_write },
	   { "capture errors and memory limit", test_capture_limits })
