/* firewall.h — one interface to the firewall backends, chosen once per world (the way wireguard-tools picks
 * its kernel interface once in ipc.c): nft (libnftnl, in-process) and iptables-nft and iptables-legacy (the
 * real programs, sandboxed).  Nothing outside harness/firewall/ asks which backend is in use.
 *
 * A world owns one struct firewall.  Each namespace's backend state is made on its first firewall step and
 * released with the world.  The world hands each namespace down as a struct fw_host: this floor includes
 * nothing from harness/world/. */
#ifndef NSH_FIREWALL_H
#define NSH_FIREWALL_H

#include "harness/firewall/fw_legacy.h"
#include "harness/firewall/fw_trace.h"
#include "harness/firewall/iptables.h"
#include "harness/scenario/model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A namespace as the world hands it down: its fd (the backends' programs run sandboxed inside it, nft's
 * socket is opened inside it), how long one of those programs may run (the run's program wait, scaled), and a
 * sink for what programs print (called with the step that ran them). */
struct fw_host {
	int nsfd;
	unsigned program_ms;
	void (*log)(void *sink, const struct step *st, const char *output);
	void *sink;
};

/* One rule that exists in the namespace, with its counter. */
struct fw_rule {
	const struct step *step;  /* the scenario step that installed it; NULL: a rule nsharness did not install */
	int family;               /* AF_INET, AF_INET6, or 0 for both (nft's inet table) */
	uint64_t packets, bytes;  /* nat chains: flows, and the bytes of their first packets */
};

/* What the counters say in one namespace. */
struct fw_counters {
	bool policy_drop;         /* the forward chain's policy drops (any family's, iptables) */
	uint64_t policy_packets;  /* packets that reached the forward chain's policy (summed over families) */
	struct fw_rule *rules;    /* caller's array of max entries; NULL with max 0 for the policy only */
	unsigned max;
	unsigned nrules;          /* how many rules there are (may exceed max: only max are filled) */
};

/* A rule as the kernel's account met it: its table (nft's family and name), chain, handle (nft and
 * iptables-nft; 0 for iptables-legacy), and its line as iptables-save writes it ("" when it is not an
 * iptables rule). */
struct fw_rule_ref {
	int family;               /* AF_INET, AF_INET6, or 0 for nft's inet family */
	const char *table, *chain;
	uint64_t handle;
	const char *saved_line;
	bool legacy;              /* an iptables-legacy rule (read from its counters, not traced) */
};

/* What each backend implements.  state is the backend's own, per namespace. */
struct firewall_ops {
	const char *name;         /* backend_name[] of its enum backend */
	/* Makes the namespace's state; creates nothing in the namespace.  host is copied; tools (NULL for nft)
	 * must outlive the state.  NULL with a message in err. */
	void *(*open)(const struct fw_host *host, const struct iptables_tools *tools, char *err, size_t errlen);
	/* Installs one stage's firewall steps for this namespace, atomically where the backend can (nft: one
	 * batch; iptables: command by command, stopping at the first that fails).  0, or -errno with
	 * "FILE:LINE: STEP TEXT: why" in err. */
	int (*apply)(void *state, const struct step *const *steps, unsigned n, char *err, size_t errlen);
	/* Reads the forward policy (accept and 0 packets without a forward chain) and every rule's counter
	 * from the kernel.  0, or -errno with why in err. */
	int (*counters)(void *state, struct fw_counters *out, char *err, size_t errlen);
	/* The ruleset with its counters as evidence, in the backend's own words, headed by what it is
	 * ("nftables counters:\n...", "iptables-save -c:\n..."); malloc'd, or NULL when there is nothing. */
	char *(*describe)(void *state);
	/* The step whose rule ref is, when nsharness installed it with this backend; NULL otherwise. */
	const struct step *(*step_of)(void *state, const struct fw_rule_ref *ref);
	void (*release)(void *state);   /* accepts NULL */
};

extern const struct firewall_ops firewall_nft, firewall_iptables_nft, firewall_iptables_legacy;

/* The backend's implementation.  Pure: for the unit tests too. */
const struct firewall_ops *firewall_ops_for(enum backend b);

struct firewall {
	const struct firewall_ops *ops;
	const struct scenario *sc;            /* whose namespaces these are: their names, for evidence */
	const struct iptables_tools *tools;   /* the iptables backends' programs; NULL for nft */
	void *state[MAX_NETNS];   /* per namespace, made on its first firewall step; NULL before */
	struct fw_trace *trace[MAX_NETNS];   /* per namespace, made on its first traced probe (fw_trace.h) */
	struct fw_legacy legacy[MAX_NETNS];  /* per namespace, its iptables-legacy rules' counters before the
					      * current probe (fw_legacy.h); empty when it has no legacy table */
};

/* Chooses the backend, once, for a world of scenario sc that has installed nothing yet. */
void firewall_choose(struct firewall *fw, const struct scenario *sc, enum backend b,
		     const struct iptables_tools *tools);

/* Installs one stage's firewall steps in namespace ns (ops->apply), making its state on first use. */
int firewall_apply(struct firewall *fw, unsigned ns, const struct fw_host *host, const struct step *const *steps,
		   unsigned n, char *err, size_t errlen);

/* Whether nsharness installed anything in namespace ns (nothing to read otherwise). */
bool firewall_active(const struct firewall *fw, unsigned ns);

/* ops->counters for namespace ns; -ENOENT with nothing installed there. */
int firewall_counters(struct firewall *fw, unsigned ns, struct fw_counters *out, char *err, size_t errlen);

/* ops->describe for namespace ns; NULL with nothing installed there. */
char *firewall_describe(struct firewall *fw, unsigned ns);

/* Traces the packets to and from dst in namespace ns (nsfd) during the next probe: opens its trace on first
 * use and arms it (fw_trace_arm).  Never called in verify mode.  0 or -errno with why in err. */
int firewall_trace_arm(struct firewall *fw, unsigned ns, int nsfd, const struct addr *dst, char *err, size_t errlen);

/* The scenario step that installed rule ref in namespace ns (ops->step_of), NULL when nsharness did not. */
const struct step *firewall_step_of(const struct firewall *fw, unsigned ns, const struct fw_rule_ref *ref);

/* Reads namespace ns's iptables-legacy counters (nsfd) into fw->legacy[ns], before a probe: creates nothing,
 * so verify mode reads them too.  0 or -errno with why in err. */
int firewall_legacy_before(struct firewall *fw, unsigned ns, int nsfd, char *err, size_t errlen);

/* Releases every namespace's state (the rules stay: they go with the namespaces).  Accepts a firewall
 * never chosen. */
void firewall_release(struct firewall *fw);

#endif
