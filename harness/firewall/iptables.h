/* iptables.h — the scenario's firewall and NAT steps as iptables commands, for --backend iptables-nft and
 * iptables-legacy: the same world, installed by the real tools, so a change to iptables can be gated. */
#ifndef NSH_IPTABLES_H
#define NSH_IPTABLES_H

#include "harness/scenario/model.h"

#include <stddef.h>

enum backend { BACKEND_NFT, BACKEND_IPTABLES_NFT, BACKEND_IPTABLES_LEGACY, BACKEND_COUNT };

extern const char *const backend_name[BACKEND_COUNT];   /* "nft", "iptables-nft", "iptables-legacy" */

/* The programs a backend runs: for IPv4 and for IPv6.  --iptables and --iptables-legacy replace the IPv4
 * one; the IPv6 one is then the same path with "ip6tables" for "iptables" in its file name. */
struct iptables_tools {
	char v4[256], v6[256];
};
void iptables_tools_init(struct iptables_tools *t, enum backend b, const char *path);

#define IPT_MAX_ARGS 32
#define IPT_MAX_CMDS 2            /* a step for both families becomes one command per family */

struct ipt_cmd {
	char *argv[IPT_MAX_ARGS + 1];   /* NULL-terminated, pointing into buf */
	char buf[768];
};

/* The commands one firewall step becomes (fills cmds, returns how many: 1 or 2), or -EINVAL for a step
 * that is not a firewall step.  Pure: for the unit tests. */
int iptables_commands(const struct step *st, const struct iptables_tools *tools, struct ipt_cmd *cmds);

#endif
