/* flow.c — per-process counters seeded from the pid, so concurrent runs rarely pick the same identities. */
#include "probes/flow.h"

#include <stdatomic.h>
#include <unistd.h>

static atomic_uint icmp_next, port_next;

static unsigned seed(void)
{
	return (unsigned)getpid() * 2654435761u;
}

uint16_t flow_icmp_id(void)
{
	unsigned n = atomic_fetch_add(&icmp_next, 1) + seed();

	return (uint16_t)(n % 65535 + 1);
}

uint16_t flow_source_port(void)
{
	unsigned n = atomic_fetch_add(&port_next, 1) + seed();

	return (uint16_t)(20000 + n % 40000);
}
