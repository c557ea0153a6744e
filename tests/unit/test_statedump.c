/* test_statedump.c — a state dump of a live namespace (a veth to a second one, an address, a route, a
 * neighbour, an nft table) holds the lines `ip` and `nft` would show; a live conntrack dump; a namespace that
 * cannot be entered. */
#include "harness/base/addr.h"
#include "harness/world/conntrack.h"
#include "harness/base/netns.h"
#include "harness/base/rtnl_link.h"
#include "harness/base/rtnl_msg.h"
#include "harness/world/statedump.h"
#include "probes/link.h"
#include "probes/neigh.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void check_has(const char *dump, const char *line)
{
	CU_ASSERT_PTR_NOT_NULL(strstr(dump, line));
	if (!strstr(dump, line))
		printf("\nmissing: %s", line);
}

/* ---- building the world (both namespaces are throwaway) ---- */

static int talk(struct nl *rtnl, struct nlmsghdr *nlh)
{
	char msg[NL_MSG_LEN];
	int err = nl_talk(rtnl, nlh, NULL, NULL, msg, sizeof(msg));

	if (err)
		printf("\nnetlink: %s\n", msg);
	return err;
}

/* Brings up lo and name in rtnl's namespace and gives name the address; returns name's ifindex or -errno. */
static int link_setup(struct nl *rtnl, const char *name, const char *address)
{
	char buf[NL_BUF_SIZE];
	struct link_state st;
	struct prefix p;
	int err = link_state_read(rtnl, name, 0, NULL, &st);

	if (!err)
		err = prefix_parse(address, &p) == ADDR_OK ? 0 : -EINVAL;
	if (!err)
		err = talk(rtnl, rtnl_msg_addr_add(buf, st.ifindex, &p));
	if (!err)
		err = talk(rtnl, rtnl_msg_link_set(buf, st.ifindex, true));
	if (!err)
		err = talk(rtnl, rtnl_msg_link_set(buf, 1, true));
	return err ? err : st.ifindex;
}

/* blue: v0 10.9.0.1/24, 198.51.100.0/24 via 10.9.0.2, 10.9.0.2 resolved, table inet t; peer: v1 10.9.0.2/24. */
static int build(int blue, int peer)
{
	char buf[NL_BUF_SIZE], *out = NULL;
	struct link_probe up = { blue, NULL, "blue/v0", "v0", NULL, true, 3000 };
	struct check c;
	struct nl a, b;
	struct prefix dst;
	struct addr gw;
	int v0 = 0, err;

	if ((err = nl_open(&a, blue, NETLINK_ROUTE, 0)))
		return err;
	if ((err = nl_open(&b, peer, NETLINK_ROUTE, 0)))
		goto out_a;
	err = talk(&a, rtnl_msg_veth(buf, "v0", "v1", peer));
	if (!err && (err = link_setup(&b, "v1", "10.9.0.2/24")) > 0)
		err = 0;
	if (!err && (v0 = err = link_setup(&a, "v0", "10.9.0.1/24")) > 0)
		err = 0;
	up.rtnl = &a;
	if (!err && probe_link(&up, &c) != CHECK_PASS)     /* carrier comes a moment after IFF_UP */
		err = -ENETDOWN;
	prefix_parse("198.51.100.0/24", &dst);
	addr_parse("10.9.0.2", &gw);
	if (!err)
		err = talk(&a, rtnl_msg_route_add(buf, &dst, &gw, 0));
	if (!err && neigh_resolve(blue, &a, v0, &gw, 3000) != NUD_REACHABLE)
		err = -EHOSTUNREACH;
	if (!err)
		err = nft_cmd_in_ns(blue, "add table inet t", &out);
	free(out);
	nl_close(&b);
out_a:
	nl_close(&a);
	return err;
}

/* ---- the tests ---- */

/* What nft itself prints for the namespace, through /proc/PID/fd/N; NULL when nft or nsenter is missing. */
static char *nft_binary_listing(int nsfd)
{
	char cmd[128], *text = NULL;
	size_t len = 0;
	FILE *p, *m;
	int c;

	if (access("/usr/sbin/nft", X_OK) && access("/usr/bin/nft", X_OK))
		return NULL;
	snprintf(cmd, sizeof(cmd), "nsenter --net=/proc/%d/fd/%d nft list ruleset 2>&1", (int)getpid(), nsfd);
	p = popen(cmd, "r");
	m = open_memstream(&text, &len);
	while (p && m && (c = fgetc(p)) != EOF)
		fputc(c, m);
	if (m)
		fclose(m);
	if (!p || pclose(p)) {
		free(text);
		return NULL;
	}
	return text;
}

static void check_nft_text(int nsfd, const char *dump)
{
	char *ours = NULL, *theirs = nft_binary_listing(nsfd);

	CU_ASSERT_EQUAL(nft_cmd_in_ns(nsfd, "list ruleset", &ours), 0);
	CU_ASSERT_STRING_EQUAL(ours, "table inet t {\n}\n");
	if (theirs) {
		CU_ASSERT_STRING_EQUAL(ours, theirs);
	} else {
		printf("(nft binary not compared: not installed) ");
	}
	check_has(dump, "== nftables\ntable inet t {\n}\n== conntrack\n");
	free(ours);
	free(theirs);
}

static void check_dump(const char *dump)
{
	check_has(dump, "# namespace blue\n== links\n1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN link/loopback");
	check_has(dump, ": v0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP veth link/ether ");
	check_has(dump, " link-netnsid 0\n");
	check_has(dump, "== addresses\nlo inet 127.0.0.1/8 scope host\nv0 inet 10.9.0.1/24 scope global\n");
	check_has(dump, "\n10.9.0.0/24 dev v0 proto kernel scope link src 10.9.0.1\n");
	check_has(dump, "\n198.51.100.0/24 via 10.9.0.2 dev v0 proto static\n");
	check_has(dump, "\nlocal 10.9.0.1 dev v0 table local proto kernel scope host src 10.9.0.1\n");
	check_has(dump, "\n10.9.0.2 dev v0 lladdr ");
	check_has(dump, " REACHABLE\n");
	check_has(dump, "== conntrack\n(none)\n== sysctls\n");
	check_has(dump, "\nnet.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding = 0\n");
	check_has(dump, "\nnet.ipv4.conf.all.rp_filter = ");
	check_has(dump, "\nnet.ipv4.conf.default.rp_filter = ");
	check_has(dump, "\nnet.ipv4.conf.lo.rp_filter = ");
	check_has(dump, "\nnet.ipv4.conf.v0.rp_filter = ");
	check_has(dump, "\nnet.ipv4.conf.v0.forwarding = 1\n");
}

static void test_live(void)
{
	char *dump = NULL;
	size_t len = 0;
	FILE *out;
	int blue, peer;

	if (geteuid()) {
		printf("(skipped: needs root) ");
		return;
	}
	blue = netns_create();
	peer = netns_create();
	CU_ASSERT_FATAL(blue >= 0 && peer >= 0);
	CU_ASSERT_EQUAL(build(blue, peer), 0);
	CU_ASSERT_EQUAL(netns_sysctl_write(blue, "net/ipv4/ip_forward", "1"), 0);
	out = open_memstream(&dump, &len);
	CU_ASSERT_EQUAL(state_dump(blue, "blue", out), 0);
	fclose(out);
	check_dump(dump);
	check_nft_text(blue, dump);
	free(dump);
	close(peer);
	close(blue);
}

/* ---- conntrack, live ---- */

static int lo_up(int nsfd)
{
	char buf[NL_BUF_SIZE];
	struct nl nl;
	int err = nl_open(&nl, nsfd, NETLINK_ROUTE, 0);

	if (err)
		return err;
	err = talk(&nl, rtnl_msg_link_set(buf, 1, true));
	nl_close(&nl);
	return err;
}

/* One UDP datagram 127.0.0.1:40005 -> 127.0.0.1:9 (nobody listens) from inside the namespace. */
static int send_udp(int nsfd)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = htons(40005) };
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = netns_socket(nsfd, AF_INET, SOCK_DGRAM, 0), err = 0;

	if (fd < 0)
		return fd;
	src.sin_addr.s_addr = dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) || sendto(fd, "x", 1, 0, (struct sockaddr *)&dst, sizeof(dst)) != 1)
		err = -errno;
	close(fd);
	return err;
}

struct seen {
	unsigned n;
	char first[512];
};

static int collect(const struct ct_entry *e, void *arg)
{
	struct seen *s = arg;

	if (!s->n++)
		ct_entry_str(e, s->first, sizeof(s->first));
	return 0;
}

static int stop_at_first(const struct ct_entry *e, void *arg)
{
	(void)e;
	++*(unsigned *)arg;
	return 7;
}

/* The same entry, as the state dump's conntrack section shows it. */
static void check_conntrack_section(int nsfd, const char *entry)
{
	char *dump = NULL, line[256];
	size_t len = 0;
	FILE *out = open_memstream(&dump, &len);

	CU_ASSERT_EQUAL(state_dump(nsfd, "ct", out), 0);
	fclose(out);
	snprintf(line, sizeof(line), "== conntrack\n%s", entry);
	check_has(dump, line);
	free(dump);
}

static void test_conntrack_live(void)
{
	static const char rule[] = "add table ip t; add chain ip t o { type filter hook output priority 0; }; "
				   "add rule ip t o ct state new counter";
	static const char expected[] = "udp 127.0.0.1:40005 > 127.0.0.1:9 | reply 127.0.0.1:9 > 127.0.0.1:40005 "
				       "[UNREPLIED] timeout ";
	struct seen s = { 0, "" };
	unsigned calls = 0;
	char *out = NULL;
	int nsfd;

	if (geteuid()) {
		printf("(skipped: needs root) ");
		return;
	}
	nsfd = netns_create();
	CU_ASSERT_FATAL(nsfd >= 0);
	CU_ASSERT_EQUAL(conntrack_dump(nsfd, collect, &s), 0);      /* no conntrack user yet: empty, not an error */
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_EQUAL(lo_up(nsfd), 0);
	CU_ASSERT_EQUAL(nft_cmd_in_ns(nsfd, rule, &out), 0);
	free(out);
	CU_ASSERT_EQUAL(send_udp(nsfd), 0);
	CU_ASSERT_EQUAL(conntrack_dump(nsfd, collect, &s), 0);
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_NSTRING_EQUAL(s.first, expected, strlen(expected));
	if (strncmp(s.first, expected, strlen(expected)))
		printf("\ngot %s\n", s.first);
	CU_ASSERT_EQUAL(conntrack_dump(nsfd, stop_at_first, &calls), 7);
	CU_ASSERT_EQUAL(calls, 1);
	check_conntrack_section(nsfd, expected);
	close(nsfd);
}

/* Every section says why it is empty, and the dump goes on to the end. */
static void test_no_namespace(void)
{
	char *dump = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&dump, &len);

	CU_ASSERT_EQUAL(state_dump(-1, "gone", out), -EBADF);
	fclose(out);
	check_has(dump, "# namespace gone\n== links\n(cannot read: Bad file descriptor)\n== addresses\n"
		  "(cannot read: Bad file descriptor)\n== routes\n(cannot read: Bad file descriptor)\n== neighbours\n"
		  "(cannot read: Bad file descriptor)\n== nexthops\n(cannot read: Bad file descriptor)\n== nftables\n"
		  "(cannot read: Bad file descriptor)\n== conntrack\n"
		  "(cannot read: Bad file descriptor)\n== sysctls\n"
		  "net.ipv4.ip_forward: cannot read: Bad file descriptor\n");
	check_has(dump, "net.ipv4.conf.default.rp_filter: cannot read: Bad file descriptor\n");
	free(dump);
}

static void test_write_error(void)
{
	FILE *out = fopen("/dev/full", "w");

	if (!out) {
		printf("(skipped: no /dev/full) ");
		return;
	}
	CU_ASSERT_EQUAL(state_dump(-1, "gone", out), -EIO);
	fclose(out);
}

UNIT_SUITE(statedump,
	   { "live namespace: links, addresses, routes, neighbours, nft, sysctls", test_live },
	   { "conntrack: empty, one udp flow, stopping early", test_conntrack_live },
	   { "a namespace that cannot be entered", test_no_namespace },
	   { "an output that cannot be written", test_write_error })
