/* spread.c — the multipath spread probe: UDP flows from fresh source ports, counted per egress by capture. */
#include "probes/spread.h"
#include "harness/base/clock.h"
#include "harness/base/netns.h"
#include "probes/capture.h"
#include "probes/flow.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CAPTURE_MEMORY (512 << 10)
#define QUIET_MS 20               /* a drain stops once the egress has been quiet this long */
#define BIND_TRIES 8              /* source ports taken by someone else are skipped */

/* Sends one datagram from a fresh source port; 0, or -errno. */
static int send_flow(const struct spread_probe *p, int fd)
{
	struct sockaddr_storage to = { 0 }, from = { 0 };
	socklen_t len = p->dst.family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int ret = -EADDRINUSE;

	if (p->dst.family == AF_INET6) {
		struct sockaddr_in6 *t = (void *)&to, *f = (void *)&from;

		t->sin6_family = f->sin6_family = AF_INET6;
		t->sin6_port = htons(p->port);
		memcpy(&t->sin6_addr, p->dst.bytes, 16);
	} else {
		struct sockaddr_in *t = (void *)&to, *f = (void *)&from;

		t->sin_family = f->sin_family = AF_INET;
		t->sin_port = htons(p->port);
		memcpy(&t->sin_addr, p->dst.bytes, 4);
	}
	for (unsigned i = 0; i < BIND_TRIES && ret == -EADDRINUSE; i++) {
		uint16_t port = htons(flow_source_port());

		if (p->dst.family == AF_INET6)
			((struct sockaddr_in6 *)&from)->sin6_port = port;
		else
			((struct sockaddr_in *)&from)->sin_port = port;
		ret = bind(fd, (struct sockaddr *)&from, len) ? -errno : 0;
	}
	if (ret == 0 && sendto(fd, "nsharness", 9, 0, (struct sockaddr *)&to, len) < 0)
		ret = -errno;
	return ret;
}

static int send_flows(const struct spread_probe *p)
{
	int ret = 0;

	for (unsigned i = 0; i < p->flows && ret == 0; i++) {
		int fd = netns_socket(p->client_nsfd, p->dst.family, SOCK_DGRAM, IPPROTO_UDP);

		if (fd < 0)
			return fd;
		ret = send_flow(p, fd);
		close(fd);
	}
	return ret;
}

/* Datagrams of the probe leaving the egress (NAT may rewrite the source, never this destination). */
static unsigned count_flows(const struct spread_probe *p, const struct capture *cap)
{
	unsigned n = 0;

	for (unsigned i = 0; i < capture_count(cap); i++) {
		const struct packet_info *pi = capture_packet(cap, i);

		n += pi->family == p->dst.family && pi->proto == IPPROTO_UDP && pi->has_l4 && pi->dport == p->port &&
		     addr_equal(&pi->dst, &p->dst) && pi->dir != PACKET_DIR_IN;
	}
	return n;
}

/* Drains every capture until all flows were seen or the deadline passed; counts[i] per egress. */
static int collect(const struct spread_probe *p, struct capture **caps, unsigned *counts)
{
	msec_t deadline = clock_now_ms() + p->timeout_ms;
	unsigned total;

	do {
		total = 0;
		for (unsigned i = 0; i < p->negress; i++) {
			msec_t left = deadline - clock_now_ms();

			if (capture_drain(caps[i], QUIET_MS, left > 0 ? (unsigned)left : 0) < 0)
				return -1;
			counts[i] = count_flows(p, caps[i]);
			total += counts[i];
		}
	} while (total < p->flows && clock_now_ms() < deadline);
	return 0;
}

static enum check_status judge(const struct spread_probe *p, const unsigned *counts, struct check *c)
{
	char per[CAUSE_TEXT] = "", value[16] = "?";
	size_t n = 0;
	int none = -1;

	for (unsigned i = 0; i < p->negress; i++) {
		n += (size_t)snprintf(per + n, n < sizeof(per) ? sizeof(per) - n : 0, "%s%s %u", i ? ", " : "",
				      p->egress[i].where, counts[i]);
		if (!counts[i] && none < 0)
			none = (int)i;
	}
	check_got(c, "flows per egress: %s", per);
	if (none < 0)
		return check_set(c, CHECK_PASS);
	struct cause *k = check_cause(c, CAUSE_SPREAD_ONE_PATH);

	k->addr = p->dst;
	k->count = p->flows;
	CAUSE_COPY(k->where, p->egress[none].where);
	CAUSE_COPY(k->text, per);
	CAUSE_COPY(k->key, p->egress[none].hash_key);
	for (char *s = k->key; *s; s++)
		*s = *s == '/' ? '.' : *s;
	if (netns_sysctl_read(p->egress[none].nsfd, p->egress[none].hash_key, value, sizeof(value)) == 0)
		k->value = value[0] - '0';
	check_evidence(c, "%s = %s\n", k->key, value);
	return check_set(c, CHECK_FAIL);
}

enum check_status probe_spread(const struct spread_probe *p, struct check *c)
{
	struct capture *caps[SPREAD_MAX_EGRESS] = { NULL };
	unsigned counts[SPREAD_MAX_EGRESS] = { 0 };
	char filter[128], a[ADDR_STRLEN], err[256];
	int ret = 0;

	addr_str(&p->dst, a, sizeof(a));
	check_expected(c, "%u UDP flows to %s spread over", p->flows, a);
	for (unsigned i = 0; i < p->negress; i++)
		check_expected(c, " %s", p->egress[i].where);
	snprintf(filter, sizeof(filter), "udp and dst host %s and dst port %u", a, p->port);
	for (unsigned i = 0; i < p->negress && ret == 0; i++) {
		caps[i] = capture_open(p->egress[i].nsfd, p->egress[i].ifname, filter, CAPTURE_MEMORY,
				       p->egress[i].capture_flags, err, sizeof(err));
		if (!caps[i]) {
			check_got(c, "cannot capture on %s: %s", p->egress[i].where, err);
			ret = -1;
		}
	}
	if (ret == 0 && (ret = send_flows(p)) != 0)
		check_got(c, "the client could not send: %s", strerror(-ret));
	if (ret == 0 && (ret = collect(p, caps, counts)) != 0)
		check_got(c, "a capture failed: %s", capture_error(caps[0]));
	if (ret == 0)
		judge(p, counts, c);
	else
		check_set(c, ret == -ENETUNREACH ? CHECK_FAIL : CHECK_ERROR);
	for (unsigned i = 0; i < p->negress; i++)
		capture_close(caps[i]);
	return c->status;
}
