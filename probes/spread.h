/* spread.h — do flows spread over a multipath route: fresh flows sent, counted leaving each egress. */
#ifndef NSH_PROBE_SPREAD_H
#define NSH_PROBE_SPREAD_H

#include "harness/scenario/model.h"
#include "harness/verdict/check.h"

struct spread_egress {
	int nsfd;                 /* the namespace of the interface */
	const char *where;        /* "host/ens160", for messages */
	const char *ifname;
	const char *hash_key;     /* that namespace's multipath hash policy sysctl, for the cause */
	unsigned capture_flags;   /* capture_open's */
};

struct spread_probe {
	int client_nsfd;          /* where the flows start */
	struct addr dst;
	uint16_t port;            /* the UDP port every flow goes to */
	unsigned flows;           /* how many flows, each from a source port of its own */
	struct spread_egress egress[SPREAD_MAX_EGRESS];
	unsigned negress;
	unsigned timeout_ms;      /* for the flows to show on the captures */
};

/* Captures on every egress, sends one UDP datagram per flow from the client (a fresh source port each,
 * flow.h), and counts, per egress, the flows seen leaving it until every flow was seen or the timeout passed.
 * Passes when every egress saw at least one flow.  The counts are the evidence; a failure names an egress
 * that saw none and the hash policy sysctl of its namespace (0, the default for IPv4, hashes addresses only:
 * then one source and one destination take one path whatever the ports). */
enum check_status probe_spread(const struct spread_probe *p, struct check *c);

#endif
