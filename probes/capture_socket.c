/* capture_socket.c — a ring-less packet socket bound to one interface, read with recvmsg. */
#include "probes/capture_socket.h"

#include "harness/base/netns.h"
#include "probes/closer.h"
#include "probes/pcap_lib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Room for the frames between a probe and the drain: a stage's probes send dozens. */
#define CAPTURE_RCVBUF (512 << 10)

/* The interface's index and link type, asked through the socket (so in its namespace). */
static int interface_of(struct capture_socket *cs, const char *ifname, int *ifindex)
{
	struct ifreq ifr = { 0 };

	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -ENODEV;
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(cs->fd, SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	*ifindex = ifr.ifr_ifindex;
	if (ioctl(cs->fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	cs->loopback = ifr.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK;
	cs->linktype = ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER || cs->loopback ? DLT_EN10MB : DLT_RAW;
	return 0;
}

/* Compiles filter for the socket's link type and attaches it. */
static int attach_filter(struct capture_socket *cs, const char *filter, unsigned snaplen, char *err, size_t errlen)
{
	const struct pcap_lib *pcap = pcap_lib(err, errlen);
	pcap_t *dead = pcap ? pcap->open_dead(cs->linktype, (int)snaplen) : NULL;
	struct bpf_program prog;
	struct sock_fprog fprog;
	int ret = 0;

	if (!dead)
		return pcap ? -ENOMEM : -ENOENT;
	if (pcap->compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "filter \"%s\": %s", filter, pcap->geterr(dead));
		pcap->close(dead);
		return -EINVAL;
	}
	/* struct bpf_insn and struct sock_filter are the same classic BPF instruction */
	fprog = (struct sock_fprog){ .len = (unsigned short)prog.bf_len, .filter = (struct sock_filter *)prog.bf_insns };
	if (setsockopt(cs->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0)
		ret = -errno;
	pcap->freecode(&prog);
	pcap->close(dead);
	return ret;
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) ? -errno : 0;
}

/* Timestamps on each frame, a receive queue of CAPTURE_RCVBUF (past rmem_max when privileged), the filter,
 * then the bind that starts the capture. */
static int configure(struct capture_socket *cs, const char *ifname, const char *filter, unsigned snaplen,
		     char *err, size_t errlen)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int ret = interface_of(cs, ifname, &sll.sll_ifindex);

	if (ret)
		return ret;
	if (set_int(cs->fd, SOL_SOCKET, SO_RCVBUFFORCE, CAPTURE_RCVBUF))
		set_int(cs->fd, SOL_SOCKET, SO_RCVBUF, CAPTURE_RCVBUF);
	ret = set_int(cs->fd, SOL_SOCKET, SO_TIMESTAMP, 1);
	if (!ret)
		ret = set_int(cs->fd, SOL_PACKET, PACKET_AUXDATA, 1);
	if (!ret && filter && *filter)
		ret = attach_filter(cs, filter, snaplen, err, errlen);
	if (!ret && bind(cs->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		ret = -errno;
	return ret;
}

int capture_socket_open(struct capture_socket *cs, int nsfd, const char *ifname, const char *filter,
			unsigned snaplen, char *err, size_t errlen)
{
	int ret;

	*cs = (struct capture_socket){ .fd = -1 };
	snprintf(err, errlen, "%s", "");
	/* Protocol 0: the socket sees nothing until bind, when its filter is already in place. */
	cs->fd = netns_socket(nsfd, AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (cs->fd < 0) {
		ret = cs->fd;
		snprintf(err, errlen, "%s: cannot open a packet socket: %s", ifname, strerror(-ret));
		return ret;
	}
	ret = configure(cs, ifname, filter, snaplen, err, errlen);
	if (ret) {
		if (!*err)
			snprintf(err, errlen, "%s: %s", ifname, strerror(-ret));
		capture_socket_close(cs);
	}
	return ret;
}

size_t capture_socket_reinsert_vlan(uint8_t *buf, size_t caplen, size_t len, uint16_t tpid, uint16_t tci)
{
	uint8_t tag[4] = { tpid >> 8, tpid & 0xff, tci >> 8, tci & 0xff };

	if (caplen < 2 * ETH_ALEN || len < 2 * ETH_ALEN + sizeof(tag))
		return caplen;
	if (caplen + sizeof(tag) > len)
		caplen = len - sizeof(tag);
	memmove(buf + 2 * ETH_ALEN + sizeof(tag), buf + 2 * ETH_ALEN, caplen - 2 * ETH_ALEN);
	memcpy(buf + 2 * ETH_ALEN, tag, sizeof(tag));
	return caplen + sizeof(tag);
}

/* The frame's header from its control messages: the time it was seen, its length before the filter cut it
 * to the snap length, and a VLAN tag to put back. */
static void frame_header(struct capture_socket *cs, struct msghdr *msg, uint8_t *buf, size_t n, size_t len,
			 struct pcap_pkthdr *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->len = (bpf_u_int32)n;
	hdr->caplen = (bpf_u_int32)(n < len ? n : len);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		struct tpacket_auxdata aux;

		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMP)
			memcpy(&hdr->ts, CMSG_DATA(c), sizeof(hdr->ts));
		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		hdr->len = aux.tp_len;
		if (cs->linktype == DLT_EN10MB && (aux.tp_status & TP_STATUS_VLAN_VALID)) {
			hdr->caplen = (bpf_u_int32)capture_socket_reinsert_vlan(buf, hdr->caplen, len,
						aux.tp_vlan_tpid ? aux.tp_vlan_tpid : ETH_P_8021Q, aux.tp_vlan_tci);
			hdr->len += 4;
		}
	}
}

/* SOCK_RAW gives the link header on Ethernet-like devices; on the others there is none, the frame is the IP
 * packet (DLT_RAW), as libpcap would also give it. */
int capture_socket_read(struct capture_socket *cs, uint8_t *buf, size_t len, struct pcap_pkthdr *hdr)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct timeval)) + CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_ll from;
	struct iovec iov = { buf, len };
	struct msghdr msg;
	ssize_t n;

	for (;;) {
		msg = (struct msghdr){ .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
				       .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
		n = recvmsg(cs->fd, &msg, MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : errno == EINTR ? 0 : -errno;
		if (!(cs->loopback && from.sll_pkttype == PACKET_OUTGOING))
			break;
	}
	frame_header(cs, &msg, buf, (size_t)n, len, hdr);
	return 1;
}

void capture_socket_count_drops(struct capture_socket *cs)
{
	struct tpacket_stats st;
	socklen_t sl = sizeof(st);

	if (getsockopt(cs->fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl) == 0)
		cs->drops += st.tp_drops;
}

static void close_fd(void *arg)
{
	closer_give_fd((int)(intptr_t)arg);
	close((int)(intptr_t)arg);
}

void capture_socket_close(struct capture_socket *cs)
{
	if (cs->fd >= 0)
		closer_defer(close_fd, (void *)(intptr_t)cs->fd);
	cs->fd = -1;
}
