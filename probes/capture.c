/* capture.c — captures on an interface inside a namespace, drained with poll and deadlines, kept and written out. */
#include "probes/capture.h"

#include "harness/base/clock.h"
#include "harness/base/netns.h"
#include "probes/capture_nflog.h"
#include "probes/capture_socket.h"
#include "probes/pcap_lib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

/* 2 KiB keeps every header (and our probes' whole payloads); frames are cut there. */
#define CAPTURE_SNAPLEN 2048

struct frame {
	struct pcap_pkthdr hdr;
	uint8_t *data;
	struct packet_info info;
};

struct capture {
	struct capture_socket sock;
	size_t mem_limit, mem_used;
	struct frame *frames;
	unsigned nframes, alloc;
	unsigned overflow;        /* frames not kept: past mem_limit, or out of memory */
	char err[PCAP_ERRBUF_SIZE + 64];
};

struct capture *capture_open(int nsfd, const char *ifname, const char *filter, size_t mem_limit,
			     unsigned flags, char *err, size_t errlen)
{
	struct capture *cap = calloc(1, sizeof(*cap));

	if (!cap) {
		snprintf(err, errlen, "%s: out of memory", ifname);
		return NULL;
	}
	if ((!(flags & CAPTURE_OWN_DEVICE) ||
	     capture_nflog_open(&cap->sock, nsfd, ifname, filter, CAPTURE_SNAPLEN, err, errlen)) &&
	    capture_socket_open(&cap->sock, nsfd, ifname, filter, CAPTURE_SNAPLEN, err, errlen)) {
		free(cap);
		return NULL;
	}
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
	packet_parse(cap->sock.linktype, f->data, h->caplen, &f->info);
	cap->nframes++;
	cap->mem_used += cost;
	return true;
}

/* Reads every frame the kernel holds.  Returns how many were read, or -1 with the reason in cap->err. */
static int read_pending(struct capture *cap)
{
	uint8_t buf[CAPTURE_SNAPLEN];
	struct pcap_pkthdr h;
	int n = 0, rc;

	while ((rc = cap->sock.nflog ? capture_nflog_read(&cap->sock, buf, sizeof(buf), &h) :
				       capture_socket_read(&cap->sock, buf, sizeof(buf), &h)) > 0) {
		if (!keep_frame(cap, &h, buf))
			cap->overflow++;
		n++;
	}
	if (rc < 0) {
		snprintf(cap->err, sizeof(cap->err), "recvmsg: %s", strerror(-rc));
		return -1;
	}
	return n;
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
	struct pollfd pfd = { .fd = cap->sock.fd, .events = POLLIN };
	unsigned checked = cap->nframes;
	int found = 0;

	cap->err[0] = '\0';
	for (;;) {
		int n = read_pending(cap);
		int wait;

		if (n < 0)
			return -1;
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
	if (!cap->sock.nflog)   /* an NFLOG capture counts its losses as it reads */
		capture_socket_count_drops(&cap->sock);
	return found;
}

int capture_drain(struct capture *cap, unsigned quiet_ms, unsigned deadline_ms)
{
	if (quiet_ms == 0) {
		cap->err[0] = '\0';
		if (read_pending(cap) < 0)
			return -1;
		if (!cap->sock.nflog)   /* an NFLOG capture counts its losses as it reads */
		capture_socket_count_drops(&cap->sock);
		return (int)cap->nframes;
	}
	return dispatch_until(cap, quiet_ms, deadline_ms, NULL, NULL) < 0 ? -1 : (int)cap->nframes;
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
	return cap->overflow + cap->sock.drops;
}

int capture_linktype(const struct capture *cap)
{
	return cap->sock.linktype;
}

const char *capture_error(const struct capture *cap)
{
	return cap->err;
}

int capture_write(const struct capture *cap, int fd)
{
	const struct pcap_lib *pcap = pcap_lib(NULL, 0);
	pcap_t *dead = pcap ? pcap->open_dead_with_tstamp_precision(cap->sock.linktype, CAPTURE_SNAPLEN,
								      PCAP_TSTAMP_PRECISION_MICRO) : NULL;
	pcap_dumper_t *d = NULL;
	FILE *f = fdopen(fd, "wb");
	int ret = pcap ? -ENOMEM : -ENOENT;

	if (!f) {
		ret = -errno;
		close(fd);
		goto out;
	}
	errno = 0;
	d = dead ? pcap->dump_fopen(dead, f) : NULL;
	if (!d) {
		ret = !pcap ? -ENOENT : !dead ? -ENOMEM : errno ? -errno : -EIO;
		fclose(f);
		goto out;
	}
	for (unsigned i = 0; i < cap->nframes; i++)
		pcap->dump((u_char *)d, &cap->frames[i].hdr, cap->frames[i].data);
	errno = 0;
	ret = pcap->dump_flush(d) || ferror(f) ? (errno ? -errno : -EIO) : 0;
	pcap->dump_close(d);   /* closes f, and with it fd */
out:
	if (dead)
		pcap->close(dead);
	return ret;
}

void capture_close(struct capture *cap)
{
	if (!cap)
		return;
	for (unsigned i = 0; i < cap->nframes; i++)
		free(cap->frames[i].data);
	free(cap->frames);
	if (cap->sock.nflog)
		capture_nflog_close(&cap->sock);   /* parked for the next stage's capture on the device */
	else
		capture_socket_close(&cap->sock);   /* off this path: the release waits for a grace period */
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
