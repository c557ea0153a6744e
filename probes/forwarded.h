/* forwarded.h — was a probe forwarded: seen leaving the router's uplink, whatever happens to it next. */
#ifndef NSH_PROBE_FORWARDED_H
#define NSH_PROBE_FORWARDED_H

#include "harness/scenario/model.h"
#include "harness/verdict/check.h"

struct forwarded_probe {
	int client_nsfd;          /* where the probe starts */
	struct addr dst;          /* an address beyond the router */
	int router_nsfd;          /* the namespace of the uplink */
	const char *router;       /* its name, for messages */
	const char *uplink;       /* the interface the probe must leave through */
	unsigned timeout_ms;
	unsigned capture_flags;   /* capture_open's, for the uplink */
};

/* Reads the router's forwarding sysctl for dst's family, starts a capture on the uplink, sends one ICMP echo
 * request (a fresh id) from the client and waits, until the (scaled) timeout, for the capture to see it
 * leave.  Passes when it is seen; the reply does not matter (NAT may not exist yet).  On failure the cause
 * names forwarding switched off, or the send error; the caller adds firewall evidence. */
enum check_status probe_forwarded(const struct forwarded_probe *p, struct check *c);

#endif
