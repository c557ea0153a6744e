/* capture.h — libpcap captures on an interface inside a namespace, kept in memory as evidence.
 *
 * Start a capture before the probes it watches and drain it after them.  The handle is opened by a thread
 * inside the namespace (libpcap resolves the interface in the caller's namespace) and may then be used from
 * any one thread at a time.  Frames are parsed as they arrive (probes/packet.h) and written out on demand
 * as a pcap file that tcpdump and wireshark read. */
#ifndef NSH_CAPTURE_H
#define NSH_CAPTURE_H

#include "probes/packet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture;

/* Opens a capture on ifname ("any" too) inside namespace nsfd: immediate mode, not promiscuous, both
 * directions, snaplen 2048 (every header, and small payloads whole), non-blocking, with the BPF filter (pcap
 * syntax; NULL or "" for everything).  The kernel ring holds about 240 frames until the next drain
 * (immediate mode makes libpcap use TPACKET_V2: fixed 2 KiB-snaplen slots in a 512 KiB buffer, capture.c).
 * Frames are kept in memory (raw bytes, header and summary) up to mem_limit bytes; frames past that are
 * counted (capture_missed) but not kept.  Returns the capture, or NULL with a message in err. */
struct capture *capture_open(int nsfd, const char *ifname, const char *filter, size_t mem_limit,
			     unsigned flags, char *err, size_t errlen);
/* flags: the interface is one of nsharness's own veth ends, in a world it built, where no user's program runs
 * (nothing there but nsharness could add a qdisc or netdev chains): the capture reads an NFLOG group fed by
 * nsharness's own netdev chains (probes/capture_nflog.h: no grace period at its release), and falls back to a
 * packet socket when that cannot be set up.  The frames, their link type and the filter are the same. */
#define CAPTURE_OWN_DEVICE 1u

/* Reads what the kernel holds for this capture: polls and dispatches until no frame has arrived for quiet_ms,
 * and never past deadline_ms (both the caller's waits, already scaled); with quiet_ms 0, only what the kernel
 * holds now, without waiting.  Returns the number of frames kept so far
 * (capture_count), or -1 with the reason in capture_error. */
int capture_drain(struct capture *cap, unsigned quiet_ms, unsigned deadline_ms);

/* Tells whether a captured packet is the one being waited for. */
typedef bool capture_match_fn(const struct packet_info *pi, void *arg);

/* Reads frames as they arrive until one that match accepts is kept, or deadline_ms passes.
 * Returns 1 when one matched, 0 at the deadline, -1 on error (capture_error says why). */
int capture_wait(struct capture *cap, capture_match_fn *match, void *arg, unsigned deadline_ms);

unsigned capture_count(const struct capture *cap);
/* The summary of kept frame i, in arrival order; family is AF_UNSPEC for frames that carry no IP packet
 * (ARP) or did not parse.  NULL when i >= capture_count. */
const struct packet_info *capture_packet(const struct capture *cap, unsigned i);
/* Frames seen but not kept (past mem_limit) plus frames the kernel dropped (ring full), as of the last drain.
 * A check that something was never seen is inconclusive while this is not 0. */
unsigned capture_missed(const struct capture *cap);
int capture_linktype(const struct capture *cap);   /* DLT_* of the frames */
const char *capture_error(const struct capture *cap);   /* the last drain error, "" when none */

/* Writes the kept frames to the file fd as a pcap file (same link type, microsecond timestamps), and closes
 * fd whatever happens (the caller opened it, without following links).  Returns 0 or -errno. */
int capture_write(const struct capture *cap, int fd);

void capture_close(struct capture *cap);   /* accepts NULL */

/* Writes into buf the BPF filter for one probe's flow towards dst: the flow both ways whatever NAT does to
 * the inside end ("host 198.51.100.2 and (icmp or (tcp and port 8080))"), plus ICMP errors from any router
 * that quote a packet to dst (net/host unreachable, time exceeded).  proto is IPPROTO_TCP or IPPROTO_UDP with
 * port, or 0 for ICMP echo (icmp6 for IPv6).  Returns 0, -EINVAL for an unknown family or proto, or -ENOSPC
 * when buf is too small. */
int capture_filter_for(char *buf, size_t len, const struct addr *dst, int proto, uint16_t port);

#endif
