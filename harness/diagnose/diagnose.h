/* diagnose.h — when a stage fails, look at the world to say why, from evidence. */
#ifndef NSH_DIAGNOSE_H
#define NSH_DIAGNOSE_H

#include "harness/verdict/result.h"
#include "harness/world/world.h"

/* Called once for a stage whose expectations failed (stage: the one whose steps were applied last), while its
 * world is alive and before its artifacts are written.  Changes nothing in the world; only reads it.
 *
 * For each failed expectation that sends traffic, it walks the probe's way and adds it as evidence lines: the
 * client's route and its neighbour entry for the next hop, which namespace and interface hold the addresses,
 * the router's forwarding sysctls, route and source NAT, the destination's way back, rp_filter drops, the
 * router's conntrack entries for the destination.  The first break that evidence shows becomes the check's
 * cause (the probe's own words stay as evidence): no route, lo down for a local address, a duplicate address
 * on the link, a next hop not answering ARP/ND, forwarding off for the family, no route in the router,
 * rp_filter drops (counted, or ARP ignored), no way back (nothing translated the source; the two ends'
 * prefixes differ), no listening server.  A drop counted on the probe's own packets by a forward policy
 * (fw_explain) is kept over the later ones.  For "expect ... fails" that got through, it names the router's
 * forward rule (or accept policy) that let it, with its counters; for a capture that saw an inside source, why
 * no masquerade or snat rule translated it; for a route whose gateway is the client's own address, that.
 * Where the evidence is not specific, no cause is named.  The stage's one-line reason is chosen by the runner
 * afterwards. */
void diagnose_stage(struct world *w, const struct stage *stage, struct stage_result *st);

#endif
