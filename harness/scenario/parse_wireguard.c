/* parse_wireguard.c — a WireGuard tunnel between two namespaces, written as one statement for both ends:
 *
 *   wireguard NS/IF NS/IF endpoints ADDR ADDR [port N] [allowed-ips PREFIX,... PREFIX,...]
 *
 * Why a pair, when vxlan and gre are written one end at a time: a WireGuard end is configured with its peer's
 * public key, and nsharness makes the keys itself (the kernel derives each public key; world/wireguard.c), so
 * no scenario could write them.  One statement names both ends, as `veth` does, and each becomes the other's
 * one peer.  Each pair of values after a word is the first end's, then the second's, and each describes that
 * end itself: `endpoints` its own underlay address (the address its peer sends to), `allowed-ips` the sources
 * it may send from through the tunnel (its peer's AllowedIPs for it; by default 0.0.0.0/0 and ::/0, so
 * whatever a route sends into the interface reaches the one peer).  Both ends listen on `port` (51820). */
#include "harness/base/addr.h"
#include "harness/scenario/kinds.h"
#include "harness/scenario/parse.h"

#include <string.h>

enum { WO_ENDPOINTS, WO_PORT, WO_ALLOWED };
static const struct optdef wireguard_opts[] = {
	OPT("endpoints", "ADDR ADDR"), OPT("port", "N"), OPT("allowed-ips", "PREFIX,... PREFIX,..."), OPT_END
};

/* PREFIX[,PREFIX...] of one end, each reported at its own column. */
static int allowed_arg(struct stmt *st, const struct token *t, struct prefix *out, unsigned *n)
{
	const char *s = t->s;

	for (;;) {
		size_t len = strcspn(s, ",");
		struct token one = { .col = t->col + (unsigned)(s - t->s), .len = (unsigned)len };
		char buf[PREFIX_STRLEN + 8];

		if (*n == WG_MAX_ALLOWED)
			return serr(st, one.col, "more than %d allowed-ips prefixes for one end", WG_MAX_ALLOWED);
		if (len == 0 || len >= sizeof(buf))
			return serr(st, one.col, "bad allowed-ips list '%s': expected PREFIX[,PREFIX...]", t->s);
		memcpy(buf, s, len);
		buf[len] = '\0';
		one.s = buf;
		if (prefix_arg(st, &one, &out[(*n)++]))
			return -1;
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

int st_wireguard(struct stmt *st)
{
	struct step step = { .kind = STEP_WIREGUARD };
	typeof(step.u.wireguard) *wg = &step.u.wireguard;
	const struct token *arg = NULL, *second;
	int k;

	if (want_new_link(st, &wg->end[0]) || want_new_link(st, &wg->end[1]))
		return -1;
	step.ns = wg->end[0].ns;
	wg->port = WG_DEFAULT_PORT;
	while ((k = next_opt(st, wireguard_opts, &arg)) >= 0) {
		int ret;

		if (k == WO_PORT) {
			ret = port_arg(st, arg, &wg->port);
		} else if (!(second = want(st, k == WO_ENDPOINTS ? "the second end's ADDR" : "the second end's PREFIX,..."))) {
			ret = -1;
		} else if (k == WO_ENDPOINTS) {
			ret = addr_arg(st, arg, &wg->endpoint[0]) || addr_arg(st, second, &wg->endpoint[1]) ||
			      family_pair(st, arg, wg->endpoint[0].family, second, wg->endpoint[1].family);
		} else {
			ret = allowed_arg(st, arg, wg->allowed[0], &wg->nallowed[0]) ||
			      allowed_arg(st, second, wg->allowed[1], &wg->nallowed[1]);
		}
		if (ret)
			return -1;
	}
	if (k == -2)
		return -1;
	if (!(st->seen & 1u << WO_ENDPOINTS))
		return uerr(st, end_col(st), "missing 'endpoints ADDR ADDR' (each end's own underlay address)");
	return add_whole_step(st, &step);
}
