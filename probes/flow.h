/* flow.h — fresh flow identities for probes.
 *
 * NAT decides on a flow's first packet, and conntrack remembers: a flow that crossed the router before the
 * masquerade rule existed keeps its untranslated entry.  So every probe gets an identity no earlier probe of
 * this process used: its own ICMP echo id, its own TCP/UDP source port. */
#ifndef NSH_FLOW_H
#define NSH_FLOW_H

#include <stdint.h>

uint16_t flow_icmp_id(void);      /* never 0; wraps only after 65535 probes */
uint16_t flow_source_port(void);  /* in 20000..59999, outside the usual ephemeral range */

#endif
