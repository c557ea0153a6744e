/* capture_socket.h — the live side of a capture: a packet socket on one interface inside a namespace.
 *
 * libpcap's Linux capture always sets up a memory-mapped ring, and the kernel waits for an RCU grace period
 * (synchronize_net, 10 to 40 ms on a loaded machine) when a ring is set up and twice when it is released.  A
 * packet socket without a ring costs no grace period to open and one to release (which capture_socket_close
 * hands to the closer pool, off the caller's path).  Frames are read one by one with recvmsg: a stage's
 * probes make dozens, filtered in the kernel by the same BPF code libpcap would attach. */
#ifndef NSH_CAPTURE_SOCKET_H
#define NSH_CAPTURE_SOCKET_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture_nflog;

struct capture_socket {
	int fd;
	int linktype;             /* DLT_EN10MB (Ethernet, loopback, veth) or DLT_RAW (devices without a link header) */
	bool loopback;            /* lo shows each packet twice (out and in); only the incoming copy is kept */
	unsigned drops;           /* frames the kernel dropped (receive queue full), summed over reads */
	struct capture_nflog *nflog;   /* not NULL: frames come from an NFLOG group, read and closed by
	                                  probes/capture_nflog.h's functions, not by this file's */
};

/* Opens a socket on ifname inside namespace nsfd, not promiscuous, both directions, with the BPF filter
 * (pcap syntax, compiled for the device's link type; NULL or "" for everything) attached before it is bound,
 * so no frame outside the filter is ever queued.  Returns 0, or -errno with a message in err ("nope0: No such
 * device", "filter \"...\": syntax error"). */
int capture_socket_open(struct capture_socket *cs, int nsfd, const char *ifname, const char *filter,
			unsigned snaplen, char *err, size_t errlen);

/* Reads one pending frame into buf (at most len bytes; hdr->len is the frame's whole length, a VLAN tag the
 * device had taken out put back in), without waiting.  Returns 1, 0 when none is pending, or -errno (ENETDOWN when the interface went down). */
int capture_socket_read(struct capture_socket *cs, uint8_t *buf, size_t len, struct pcap_pkthdr *hdr);

/* Puts a VLAN tag (tpid, tci) that the device took out of an Ethernet frame (offload) back in after the
 * MAC addresses, as libpcap does, so the frame reads as it was on the wire; the frame's end is cut when buf
 * (len bytes) cannot hold it.  Returns the new captured length (caplen itself when the frame is too short). */
size_t capture_socket_reinsert_vlan(uint8_t *buf, size_t caplen, size_t len, uint16_t tpid, uint16_t tci);

/* Adds the kernel's drop counter (reset by each read of it) to cs->drops. */
void capture_socket_count_drops(struct capture_socket *cs);

/* Releases the socket through the closer pool (probes/closer.h): returns at once. */
void capture_socket_close(struct capture_socket *cs);

#endif
