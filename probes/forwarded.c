/* forwarded.c — the forwarding probe: an echo request sent from the client, looked for on the uplink. */
#include "probes/forwarded.h"
#include "harness/base/netns.h"
#include "harness/base/rtnl_link.h"
#include "probes/capture.h"
#include "probes/flow.h"
#include "probes/icmp_packet.h"

#include <errno.h>
#include <linux/if.h>       /* after net/if.h (rtnl_link.h): only what glibc lacks, IFF_LOWER_UP */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CAPTURE_MEMORY (256 << 10)

struct echo_match {
	const struct addr *dst;
};

/* NAT may rewrite the source and the echo id, never the destination or the type. */
static bool is_our_echo(const struct packet_info *pi, void *arg)
{
	const struct echo_match *m = arg;
	int want = pi->family == AF_INET6 ? 128 : 8;

	return pi->family == m->dst->family && pi->has_l4 && pi->icmp_type == want &&
	       (pi->proto == IPPROTO_ICMP || pi->proto == IPPROTO_ICMPV6) && addr_equal(&pi->dst, m->dst) &&
	       pi->dir != PACKET_DIR_IN;
}

static int forwarding_sysctl(const struct forwarded_probe *p, const char **key, char *value, size_t len)
{
	*key = p->dst.family == AF_INET6 ? "net/ipv6/conf/all/forwarding" : "net/ipv4/ip_forward";
	return netns_sysctl_read(p->router_nsfd, *key, value, len);
}

static int send_echo(const struct forwarded_probe *p, uint16_t id)
{
	int v6 = p->dst.family == AF_INET6;
	int fd = netns_socket(p->client_nsfd, v6 ? AF_INET6 : AF_INET, SOCK_RAW, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint8_t buf[64];
	ssize_t len;
	int ret = 0;

	if (fd < 0)
		return fd;
	len = icmp_echo_build(p->dst.family, buf, sizeof(buf), id, 1, "nsharness", 9);
	memcpy(v6 ? (void *)&sin6.sin6_addr : (void *)&sin.sin_addr, p->dst.bytes, v6 ? 16 : 4);
	if (len < 0 || sendto(fd, buf, (size_t)len, 0, v6 ? (struct sockaddr *)&sin6 : (struct sockaddr *)&sin,
			      v6 ? sizeof(sin6) : sizeof(sin)) < 0)
		ret = len < 0 ? (int)len : -errno;
	close(fd);
	return ret;
}

static enum check_status seen(const struct forwarded_probe *p, struct capture *cap, struct check *c)
{
	char line[160];

	for (unsigned i = 0; i < capture_count(cap); i++) {
		const struct packet_info *pi = capture_packet(cap, i);

		if (is_our_echo(pi, &(struct echo_match){ &p->dst })) {
			check_got(c, "seen leaving %s/%s: %s", p->router, p->uplink,
				  packet_describe(pi, line, sizeof(line)));
			return check_set(c, CHECK_PASS);
		}
	}
	return check_set(c, CHECK_FAIL);
}

/* The uplink the expectation names, read back: down (administratively, or without carrier) is the world's
 * doing, the failure's cause, and a capture on it may fail for it (ENETDOWN).  True when it named it. */
static bool uplink_down(const struct forwarded_probe *p, struct check *c)
{
	struct link_state st;
	struct cause *k;
	struct nl nl;
	int ret;

	if (nl_open(&nl, p->router_nsfd, NETLINK_ROUTE, 0))
		return false;
	ret = link_state_read(&nl, p->uplink, 0, NULL, &st);
	nl_close(&nl);
	if (ret || ((st.flags & IFF_UP) && (st.flags & IFF_LOWER_UP)))
		return false;
	k = check_cause(c, CAUSE_PATH_LINK_DOWN);
	snprintf(k->where, sizeof(k->where), "%s/%s", p->router, p->uplink);
	CAUSE_COPY(k->word, st.kind);
	k->addr = p->dst;
	k->flag = !(st.flags & IFF_UP);
	return true;
}

enum check_status probe_forwarded(const struct forwarded_probe *p, struct check *c)
{
	char filter[256], err[256], a[ADDR_STRLEN], fwd[16] = "?";
	const char *key;
	struct capture *cap;
	int ret, found;

	addr_str(&p->dst, a, sizeof(a));
	check_expected(c, "an echo request to %s leaving %s/%s, forwarded", a, p->router, p->uplink);
	ret = forwarding_sysctl(p, &key, fwd, sizeof(fwd));
	check_evidence(c, "%s: %s = %s\n", p->router, key, ret ? strerror(-ret) : fwd);
	capture_filter_for(filter, sizeof(filter), &p->dst, 0, 0);
	cap = capture_open(p->router_nsfd, p->uplink, filter, CAPTURE_MEMORY, p->capture_flags, err, sizeof(err));
	if (!cap) {
		check_got(c, "cannot capture on %s/%s: %s", p->router, p->uplink, err);
		return check_set(c, CHECK_ERROR);
	}
	ret = send_echo(p, flow_icmp_id());
	found = ret ? 0 : capture_wait(cap, is_our_echo, &(struct echo_match){ &p->dst }, p->timeout_ms);
	if (ret) {
		check_got(c, "the client could not send: %s", strerror(-ret));
		struct cause *k = check_cause(c, ret == -ENETUNREACH ? CAUSE_FWD_CLIENT_NO_ROUTE : CAUSE_FWD_SEND_FAILED);

		k->addr = p->dst;
		k->err = -ret;
		/* EPERM is the client's own firewall (output) refusing the packet: the world's doing, as for ping */
		check_set(c, ret == -ENETUNREACH || ret == -EHOSTUNREACH || ret == -EPERM ? CHECK_FAIL : CHECK_ERROR);
	} else if (found < 0) {
		check_got(c, "capture on %s/%s failed: %s", p->router, p->uplink, capture_error(cap));
		check_set(c, uplink_down(p, c) ? CHECK_FAIL : CHECK_ERROR);
	} else if (seen(p, cap, c) == CHECK_FAIL) {
		check_got(c, "not seen on %s/%s within %u ms (%u other packets of the flow)", p->router, p->uplink,
			  p->timeout_ms, capture_count(cap));
		if (uplink_down(p, c))
			;
		else if (strcmp(fwd, "0") == 0) {
			struct cause *k = check_cause(c, CAUSE_FWD_SYSCTL_OFF);

			CAUSE_COPY(k->ns, p->router);
			CAUSE_COPY(k->key, key);
		}
	}
	capture_close(cap);
	return c->status;
}
