/* capture_nflog.h — a capture that costs no grace period of its own: an NFLOG group fed by nsharness's own
 * netdev table.
 *
 * A packet socket's release waits for an RCU grace period (synchronize_net, 5 to 40 ms) that starts when it
 * is closed; a netfilter netlink socket's waits only for the destroy work the last nf_tables commits left
 * (one grace period after each commit, which the world's firewall and trace commits leave anyway).  In a
 * world nsharness built, a capture on one of its own veth ends reads the frames the kernel logs to an NFLOG
 * group (nfnetlink_log) from two chains of the table CAPTURE_NFLOG_TABLE (family netdev) on that device: one
 * on its ingress hook (first of all, priority INT_MIN: where a packet socket sees a frame coming in, before
 * any of the device's netdev chains) and one on its egress hook (last of all, priority INT_MAX: after every
 * netdev chain that could drop it).  Each frame is rebuilt as a packet socket gives it: the Ethernet header
 * (ingress: NFULA_HWHEADER, before the payload that starts at the network header; egress: the payload starts
 * at it), a VLAN tag the device took out put back, the kernel's timestamp, TCP and UDP checksums left to the
 * device completed, the whole length (from the IP header when the kernel cut the frame at the snap length);
 * the capture's BPF filter runs on the rebuilt frame in userspace (pcap_offline_filter).
 *
 * What differs from a packet socket: the egress hook runs before the device's queueing discipline, so a
 * frame a qdisc drops would be seen leaving (nsharness makes no qdisc; a world with a user's program in the
 * namespace keeps packet sockets), and before the kernel cuts TCP's segments of up to 64 KiB to the MSS (a
 * scenario that sends bulk TCP keeps packet sockets).  A frame larger than the device's MTU is refused
 * before either hook on the way out (IP fragments it or answers "fragmentation needed"; a bridge drops it)
 * and a veth refuses a frame larger than its peer's MTU after both: the two captures see the same frames.
 *
 * Rules are only ever added (a deleted rule leaves nf_tables destroy work that the next release of any
 * netfilter netlink socket waits for).  Each capture has a group of its own, which its two rules log to;
 * when it ends, its socket, group and rules are kept for the next capture on the device (a later stage's),
 * and released with the world (capture_nflog_forget). */
#ifndef NSH_CAPTURE_NFLOG_H
#define NSH_CAPTURE_NFLOG_H

#include "probes/capture_socket.h"

#define CAPTURE_NFLOG_TABLE "nsharness_capture"

/* Opens the capture on ifname (an Ethernet device) inside nsfd: installs its chains and rules and binds its
 * group.  Returns 0, -EOPNOTSUPP for a device without an Ethernet header (the caller opens a packet socket),
 * or -errno with a message in err. */
int capture_nflog_open(struct capture_socket *cs, int nsfd, const char *ifname, const char *filter,
		       unsigned snaplen, char *err, size_t errlen);

/* As capture_socket_read: one pending frame that passes the filter, without waiting.  1, 0 or -errno; a lost
 * event (the socket's queue was full) counts one in cs->drops. */
int capture_nflog_read(struct capture_socket *cs, uint8_t *buf, size_t len, struct pcap_pkthdr *hdr);

/* Ends the capture: its socket, group and rules are parked for the next capture on the same device of the
 * same namespace (a later stage's), which empties the socket and reads on; capture_nflog_forget releases them. */
void capture_nflog_close(struct capture_socket *cs);

/* Releases the parked captures of namespace nsfd (the world's end), through the closer pool (probes/closer.h):
 * a netfilter netlink socket's release holds the namespace's nf_tables commit mutex while it waits for the
 * destroy work every commit (anyone's, in any namespace) leaves for a grace period. */
void capture_nflog_forget(int nsfd);

#endif
