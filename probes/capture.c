/* capture.c — pcap handles opened inside a namespace, drained with poll and deadlines, kept and written out. */
#include "probes/capture.h"

#include "harness/base/clock.h"
#include "harness/base/netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kernel ring holds frames between the probe and the drain.  libpcap sizes each ring slot by the snaplen
 * (on veth, with offloads on, 64 KiB whatever the MTU), so a 64 KiB snaplen would leave room for 64 frames;
 * 2 KiB keeps every header (and our probes' whole payloads).  The ring is small on purpose: the BPF filter keeps
 * only the stage's own probe flows, and every page of it would count in the run's memory. */
#define CAPTURE_SNAPLEN 2048
#define CAPTURE_BUFFER (512 << 10)   /* ~240 frames: a stage's probes send dozens, filtered in the kernel */
#define CAPTURE_TIMEOUT_MS 100

struct frame {
	struct pcap_pkthdr hdr;
	uint8_t *data;
	struct packet_info info;
};

struct capture {
	pcap_t *p;
	int linktype, snaplen;
	size_t mem_limit, mem_used;
	struct frame *frames;
	unsigned nframes, alloc;
	unsigned overflow;        /* frames not kept: past mem_limit, or out of memory */
	unsigned kernel_drops;    /* from pcap_stats at the last drain */
	char err[PCAP_ERRBUF_SIZE + 64];
};

struct open_args {
	const char *ifname, *filter;
	pcap_t *p;
	char *err;
	size_t errlen;
};

static int setup_handle(pcap_t *p, struct open_args *a)
{
	int rc;

	if (pcap_set_snaplen(p, CAPTURE_SNAPLEN) || pcap_set_promisc(p, 0) || pcap_set_immediate_mode(p, 1) ||
	    pcap_set_timeout(p, CAPTURE_TIMEOUT_MS) || pcap_set_buffer_size(p, CAPTURE_BUFFER)) {
		snprintf(a->err, a->errlen, "%s: cannot set capture options", a->ifname);
		return -EINVAL;
	}
	rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(a->err, a->errlen, "%s: %s: %s", a->ifname, pcap_statustostr(rc), pcap_geterr(p));
		return rc == PCAP_ERROR_NO_SUCH_DEVICE ? -ENODEV : rc == PCAP_ERROR_PERM_DENIED ? -EPERM : -EIO;
	}
	return 0;
}

static int set_filter(pcap_t *p, struct open_args *a)
{
	struct bpf_program prog;
	int rc;

	if (!a->filter || !*a->filter)
		return 0;
	if (pcap_compile(p, &prog, a->filter, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(a->err, a->errlen, "filter \"%s\": %s", a->filter, pcap_geterr(p));
		return -EINVAL;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc) {
		snprintf(a->err, a->errlen, "%s: cannot set filter: %s", a->ifname, pcap_geterr(p));
		return -EIO;
	}
	return 0;
}

/* Runs inside the namespace: activation binds a packet socket to the interface by name, here. */
static int open_in_ns(void *arg)
{
	struct open_args *a = arg;
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(a->ifname, errbuf);
	int rc;

	if (!p) {
		snprintf(a->err, a->errlen, "%s: %s", a->ifname, errbuf);
		return -ENOMEM;
	}
	rc = setup_handle(p, a);
	if (!rc)
		rc = set_filter(p, a);
	if (!rc && pcap_setnonblock(p, 1, errbuf)) {
		snprintf(a->err, a->errlen, "%s: %s", a->ifname, errbuf);
		rc = -EIO;
	}
	if (rc) {
		pcap_close(p);
		return rc;
	}
	a->p = p;
	return 0;
}

struct capture *capture_open(int nsfd, const char *ifname, const char *filter, size_t mem_limit,
			     char *err, size_t errlen)
{
	struct open_args a = { .ifname = ifname, .filter = filter, .err = err, .errlen = errlen };
	struct capture *cap;
	int rc;

	snprintf(err, errlen, "%s", "");
	rc = netns_run(nsfd, open_in_ns, &a);
	if (rc) {
		if (!*err)
			snprintf(err, errlen, "%s: cannot enter namespace: %s", ifname, strerror(-rc));
		return NULL;
	}
	cap = calloc(1, sizeof(*cap));
	if (!cap) {
		pcap_close(a.p);
		snprintf(err, errlen, "%s: out of memory", ifname);
		return NULL;
	}
	cap->p = a.p;
	cap->linktype = pcap_datalink(a.p);
	cap->snaplen = pcap_snapshot(a.p);
	cap->mem_limit = mem_limit;
	return cap;
}

static bool keep_frame(struct capture *cap, const struct pcap_pkthdr *h, const u_char *bytes)
{
	size_t cost = sizeof(struct frame) + h->caplen;
	struct frame *f;

	if (cap->mem_used + cost > cap->mem_limit)
		return false;
	if (cap->nframes == cap->alloc) {
		unsigned n = cap->alloc ? cap->alloc * 2 : 64;
		struct frame *grown = realloc(cap->frames, n * sizeof(*grown));

		if (!grown)
			return false;
		cap->frames = grown;
		cap->alloc = n;
	}
	f = &cap->frames[cap->nframes];
	f->data = malloc(h->caplen ? h->caplen : 1);
	if (!f->data)
		return false;
	memcpy(f->data, bytes, h->caplen);
	f->hdr = *h;
	packet_parse(cap->linktype, f->data, h->caplen, &f->info);
	cap->nframes++;
	cap->mem_used += cost;
	return true;
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *cap = (struct capture *)user;

	if (!keep_frame(cap, h, bytes))
		cap->overflow++;
}

static int drain_error(struct capture *cap, const char *what, const char *why)
{
	snprintf(cap->err, sizeof(cap->err), "%s: %s", what, why);
	return -1;
}

/* The one read loop: dispatches what the kernel holds, stops at the first kept frame match accepts (when
 * match is given), after quiet_ms without a frame (when quiet_ms is not 0), or at the deadline.  Returns 1
 * when a frame matched, 0 otherwise, -1 on error. */
static int dispatch_until(struct capture *cap, unsigned quiet_ms, unsigned deadline_ms, capture_match_fn *match,
			  void *arg)
{
	msec_t end = deadline_after(deadline_ms), quiet = deadline_after(quiet_ms);
	struct pollfd pfd = { .fd = pcap_get_selectable_fd(cap->p), .events = POLLIN };
	unsigned checked = cap->nframes;
	struct pcap_stat st;
	int found = 0;

	cap->err[0] = '\0';
	for (;;) {
		int n = pcap_dispatch(cap->p, -1, on_frame, (u_char *)cap);
		int wait;

		if (n < 0)
			return drain_error(cap, "pcap_dispatch", pcap_geterr(cap->p));
		for (; match && checked < cap->nframes && !found; checked++)
			found = match(&cap->frames[checked].info, arg);
		if (found)
			break;
		if (n > 0)
			quiet = deadline_after(quiet_ms);
		wait = deadline_left(end);
		if (quiet_ms && deadline_left(quiet) < wait)
			wait = deadline_left(quiet);
		if (wait == 0)
			break;
		if (poll(&pfd, 1, wait) < 0 && errno != EINTR)
			return drain_error(cap, "poll", strerror(errno));
	}
	if (pcap_stats(cap->p, &st) == 0)
		cap->kernel_drops = st.ps_drop;
	return found;
}

int capture_drain(struct capture *cap, unsigned quiet_ms, unsigned deadline_ms)
{
	return dispatch_until(cap, quiet_ms ? quiet_ms : 1, deadline_ms, NULL, NULL) < 0 ? -1 : (int)cap->nframes;
}

int capture_wait(struct capture *cap, capture_match_fn *match, void *arg, unsigned deadline_ms)
{
	return dispatch_until(cap, 0, deadline_ms, match, arg);
}

unsigned capture_count(const struct capture *cap)
{
	return cap->nframes;
}

const struct packet_info *capture_packet(const struct capture *cap, unsigned i)
{
	return i < cap->nframes ? &cap->frames[i].info : NULL;
}

unsigned capture_missed(const struct capture *cap)
{
	return cap->overflow + cap->kernel_drops;
}

int capture_linktype(const struct capture *cap)
{
	return cap->linktype;
}

const char *capture_error(const struct capture *cap)
{
	return cap->err;
}

int capture_write(const struct capture *cap, const char *path)
{
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(cap->linktype, cap->snaplen, PCAP_TSTAMP_PRECISION_MICRO);
	pcap_dumper_t *d = NULL;
	FILE *f = NULL;
	int ret = -ENOMEM;

	if (!dead)
		goto out;
	f = fopen(path, "wbe");
	if (!f) {
		ret = -errno;
		goto out;
	}
	errno = 0;
	d = pcap_dump_fopen(dead, f);
	if (!d) {
		ret = errno ? -errno : -EIO;
		fclose(f);
		goto out;
	}
	for (unsigned i = 0; i < cap->nframes; i++)
		pcap_dump((u_char *)d, &cap->frames[i].hdr, cap->frames[i].data);
	errno = 0;
	ret = pcap_dump_flush(d) || ferror(f) ? (errno ? -errno : -EIO) : 0;
	pcap_dump_close(d);
out:
	if (dead)
		pcap_close(dead);
	return ret;
}

void capture_close(struct capture *cap)
{
	if (!cap)
		return;
	for (unsigned i = 0; i < cap->nframes; i++)
		free(cap->frames[i].data);
	free(cap->frames);
	pcap_close(cap->p);
	free(cap);
}

/* ICMP errors quote the packet that caused them; match the quoted destination (IPv4 at icmp[24], IPv6 at
 * icmp6[32]) so that a router's "net unreachable" about our flow is kept, whoever it is addressed to. */
static int quote_filter(char *buf, size_t len, const struct addr *dst)
{
	const uint8_t *b = dst->bytes;
	uint32_t w[4];
	int n;

	for (unsigned i = 0; i < 4; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 | (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	if (dst->family == AF_INET)
		n = snprintf(buf, len, "icmp and icmp[24:4] = 0x%08x", w[0]);
	else
		n = snprintf(buf, len, "icmp6 and icmp6[32:4] = 0x%08x and icmp6[36:4] = 0x%08x and "
			     "icmp6[40:4] = 0x%08x and icmp6[44:4] = 0x%08x", w[0], w[1], w[2], w[3]);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int capture_filter_for(char *buf, size_t len, const struct addr *dst, int proto, uint16_t port)
{
	const char *icmp = dst->family == AF_INET6 ? "icmp6" : "icmp";
	char host[INET6_ADDRSTRLEN], flow[64], quote[256];
	int n;

	if ((dst->family != AF_INET && dst->family != AF_INET6) ||
	    (proto != 0 && proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return -EINVAL;
	inet_ntop(dst->family, dst->bytes, host, sizeof(host));
	if (proto)
		snprintf(flow, sizeof(flow), "(%s or (%s and port %u))", icmp, proto == IPPROTO_TCP ? "tcp" : "udp", port);
	else
		snprintf(flow, sizeof(flow), "%s", icmp);
	if (quote_filter(quote, sizeof(quote), dst))
		return -ENOSPC;
	n = snprintf(buf, len, "(host %s and %s) or (%s)", host, flow, quote);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}
