/* firewall.c — the backend chosen once per world, and each namespace's state behind it. */
#include "harness/firewall/firewall.h"

#include <errno.h>
#include <stdio.h>

const struct firewall_ops *firewall_ops_for(enum backend b)
{
	switch (b) {
	case BACKEND_NFT:
		return &firewall_nft;
	case BACKEND_IPTABLES_NFT:
		return &firewall_iptables_nft;
	case BACKEND_IPTABLES_LEGACY:
		return &firewall_iptables_legacy;
	case BACKEND_COUNT:
		break;
	}
	return NULL;
}

void firewall_choose(struct firewall *fw, const struct scenario *sc, enum backend b,
		     const struct iptables_tools *tools)
{
	fw->sc = sc;
	fw->ops = firewall_ops_for(b);
	fw->tools = b == BACKEND_NFT ? NULL : tools;
}

int firewall_apply(struct firewall *fw, unsigned ns, const struct fw_host *host, const struct step *const *steps,
		   unsigned n, char *err, size_t errlen)
{
	if (!fw->state[ns]) {
		fw->state[ns] = fw->ops->open(host, fw->tools, err, errlen);
		if (!fw->state[ns])
			return -EIO;
	}
	return fw->ops->apply(fw->state[ns], steps, n, err, errlen);
}

bool firewall_active(const struct firewall *fw, unsigned ns)
{
	return fw->state[ns] != NULL;
}

int firewall_counters(struct firewall *fw, unsigned ns, struct fw_counters *out, char *err, size_t errlen)
{
	out->policy_drop = false;
	out->policy_packets = 0;
	out->nrules = 0;
	if (!fw->state[ns]) {
		snprintf(err, errlen, "nsharness installed no firewall rules here");
		return -ENOENT;
	}
	return fw->ops->counters(fw->state[ns], out, err, errlen);
}

char *firewall_describe(struct firewall *fw, unsigned ns)
{
	return fw->state[ns] ? fw->ops->describe(fw->state[ns]) : NULL;
}

int firewall_trace_arm(struct firewall *fw, unsigned ns, int nsfd, const struct addr *dst, char *err, size_t errlen)
{
	if (!fw->trace[ns])
		fw->trace[ns] = fw_trace_open(nsfd, err, errlen);
	return fw->trace[ns] ? fw_trace_arm(fw->trace[ns], dst, err, errlen) : -EIO;
}

const struct step *firewall_step_of(const struct firewall *fw, unsigned ns, const struct fw_rule_ref *ref)
{
	if (!fw->state[ns] || ref->legacy != (fw->ops == &firewall_iptables_legacy))
		return NULL;   /* only the legacy backend installs legacy rules, and it installs nothing traced */
	return fw->ops->step_of(fw->state[ns], ref);
}

int firewall_legacy_before(struct firewall *fw, unsigned ns, int nsfd, char *err, size_t errlen)
{
	return fw_legacy_read(nsfd, &fw->legacy[ns], err, errlen);
}

void firewall_release(struct firewall *fw)
{
	if (!fw)
		return;
	for (unsigned i = 0; i < MAX_NETNS; i++) {
		fw_trace_close(fw->trace[i]);
		fw->trace[i] = NULL;
		fw_legacy_free(&fw->legacy[i]);
		if (fw->state[i])
			fw->ops->release(fw->state[i]);
		fw->state[i] = NULL;
	}
}
