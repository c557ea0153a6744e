/* nl.h — netlink sockets opened inside a namespace, and request/answer exchanges with extended acks.
 *
 * libmnl frames and parses; this file adds what every caller needs on top: the socket is opened inside the
 * target namespace, extended acks are on, and an exchange reads until its own ack (or dump end), so the
 * caller gets either its data or the kernel's own words for the refusal. */
#ifndef NSH_NL_H
#define NSH_NL_H

#include "harness/base/clock.h"

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

#define NL_BUF_SIZE 16384     /* one request; answers are read MNL_SOCKET_BUFFER_SIZE at a time */
#define NL_MSG_LEN 256        /* room for the kernel's extended ack message */

struct nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
};

/* Opens a netlink socket of the given bus (NETLINK_ROUTE, NETLINK_NETFILTER) inside namespace nsfd, with
 * extended acks and capped acks, bound, and subscribed to the given groups (bitmask of 1 << (group - 1);
 * 0 for none).  Returns 0 or -errno. */
int nl_open(struct nl *nl, int nsfd, int bus, unsigned groups);
/* The same, in the calling thread's own namespace (for code already running inside one). */
int nl_open_here(struct nl *nl, int bus, unsigned groups);
void nl_close(struct nl *nl);

/* Stamps nlh with the next sequence number, sends it, and reads answers until its ack, its NLMSG_DONE, or
 * (for a plain GET that carries NLM_F_ACK) the ack that follows the data.  Data messages go to cb (may be NULL).
 * Returns 0, or -errno with the kernel's extended ack message (or strerror) in msg.  Waits at most
 * NL_TIMEOUT_MS (nl.c: a bound on a lost answer, not one of the run's scaled waits); -ETIMEDOUT after that. */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, char *msg, size_t msglen);

/* Reads what the kernel sends to this socket (its portid) until fn, handed each message in turn, says it has
 * all it waits for by returning 1; for answers that nl_talk's one request does not fit (a batch's acks and
 * echoes).  0, -ETIMEDOUT at deadline, or -errno. */
int nl_receive(struct nl *nl, msec_t deadline, int (*fn)(const struct nlmsghdr *nlh, void *arg), void *arg);

/* Sends a batch of messages (buf, len: a netfilter batch, begin and end included) and reads the answers to the
 * acks of them that ask for one (acks may be 0), until deadline.  The first refusal is returned as -errno, with
 * "what: " and the kernel's words (or strerror) in err; 0 when every answer was an ack. */
int nl_batch_talk(struct nl *nl, const void *buf, size_t len, unsigned acks, msec_t deadline, const char *what,
		  char *err, size_t errlen);

/* Reads an NLMSG_ERROR message: returns 0 for an ack, -errno for a refusal, and copies the extended ack
 * message (NLMSGERR_ATTR_MSG), if any, into msg (else msg is set to ""). */
int nl_parse_error(const struct nlmsghdr *nlh, char *msg, size_t msglen);

#endif
