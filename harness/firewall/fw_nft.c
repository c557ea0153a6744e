/* fw_nft.c — the nft backend: nsharness's own table, through libnftnl in-process (nft.c). */
#define _GNU_SOURCE
#include "harness/firewall/firewall.h"
#include "harness/firewall/firewall_step.h"
#include "harness/firewall/nft.h"
#include "probes/closer.h"

#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DESCRIBE_LEN 1024         /* the evidence keeps the first this many characters of the counters */

static void *nft_open(const struct fw_host *host, const struct iptables_tools *tools, char *err, size_t errlen)
{
	(void)tools;
	return nft_ns_new(host->nsfd, err, errlen);
}

static int nft_apply_steps(void *state, const struct step *const *steps, unsigned n, char *err, size_t errlen)
{
	return nft_apply(state, steps, n, err, errlen);
}

static int nft_read(void *state, struct fw_counters *out, char *err, size_t errlen)
{
	struct nft_counter one[out->max ? out->max : 1];
	int ret = nft_counters(state, one, out->max, &out->nrules, &out->policy_packets, err, errlen);

	if (ret)
		return ret;
	out->policy_drop = nft_forward_policy(state) == NF_DROP;
	for (unsigned i = 0; i < out->nrules && i < out->max; i++)
		out->rules[i] = (struct fw_rule){ one[i].step, firewall_step_family(one[i].step), one[i].packets,
						  one[i].bytes };
	return 0;
}

static char *nft_text(void *state)
{
	char buf[DESCRIBE_LEN], *text;

	nft_describe(state, buf, sizeof(buf));
	if (asprintf(&text, "nftables counters:\n%s%s", buf, buf[0] && buf[strlen(buf) - 1] != '\n' ? "\n" : "") < 0)
		return NULL;
	return text;
}

static const struct step *nft_step(void *state, const struct fw_rule_ref *ref)
{
	if (ref->family || strcmp(ref->table, NFT_TABLE) || !ref->handle)
		return NULL;   /* nsharness's rules are all in its inet table */
	return nft_step_of_handle(state, ref->handle);
}

static void nft_free_deferred(void *state)
{
	closer_give_fd(nft_ns_fd(state));
	nft_ns_free(state);
}

/* Closing a netfilter netlink socket waits for the kernel's pending nftables destroy work, an RCU grace
 * period (nft_rcv_nl_event flushes it): 10 to 25 ms measured here, after each run that replaced a rule.  Off
 * the caller's path, as the captures' releases, and the last close is the releaser's (probes/closer.h). */
static void nft_release(void *state)
{
	if (state)
		closer_defer(nft_free_deferred, state);
}

const struct firewall_ops firewall_nft = {
	.name = "nft",
	.open = nft_open,
	.apply = nft_apply_steps,
	.counters = nft_read,
	.describe = nft_text,
	.step_of = nft_step,
	.release = nft_release,
};
