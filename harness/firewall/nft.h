/* nft.h — a scenario's forward-filter and NAT steps as nftables rules in one namespace, and their counters.
 *
 * Everything lives in `table inet nsharness`, which this module owns: it is created on first use, with the
 * chains the steps need, and each stage's steps go in as one atomic batch of libnftnl messages.  Every rule
 * carries a counter, and every rule is remembered with the step it came from, so counters read back become
 * evidence worded like the scenario ("seed.scn:24 forward host accept iif veth0 oif ens160: 0 packets").
 *
 *   chain forward      filter hook forward priority 0, policy accept until a policy step says otherwise;
 *                      its last rule only counts (no verdict): what fell through to the policy.
 *   chain postrouting  nat hook postrouting priority 100 (masquerade, snat).
 *   chain prerouting   nat hook prerouting priority -100 (dnat).
 *
 * Needs a kernel with NAT in inet tables (5.2) and no separate ip/ip6 nat chains (4.18). */
#ifndef NSH_NFT_H
#define NSH_NFT_H

#include "harness/scenario/model.h"

#include <stddef.h>
#include <stdint.h>

struct nft_ns;

/* Opens a NETLINK_NETFILTER socket inside namespace nsfd.  Creates nothing in the namespace.  Returns the
 * state (freed with nft_ns_free; nsfd may be closed after), or NULL with a message in err.  The steps later
 * given to nft_apply are kept by pointer and must outlive the state. */
struct nft_ns *nft_ns_new(int nsfd, char *err, size_t errlen);

/* Closes the socket; leaves the rules in the kernel (they go with the namespace).  Accepts NULL. */
void nft_ns_free(struct nft_ns *n);

/* The state's netfilter netlink socket's descriptor (-1 for none), for closer_give_fd. */
int nft_ns_fd(const struct nft_ns *n);

/* Installs steps (all of one stage, all for this namespace; STEP_FORWARD_POLICY, STEP_FORWARD_RULE,
 * STEP_MASQUERADE, STEP_SNAT, STEP_DNAT) as ONE atomic batch: the table and the chains they need on first
 * use, then one rule per step, in order, each with a counter; forward rules go before the counting rule.  A
 * policy step changes the forward chain's policy (family 0 only: an inet chain has one policy for both
 * families, so a one-family policy is refused with -EOPNOTSUPP).  Masquerade is for the family of its from
 * prefix, else IPv4 only; snat and dnat for the family of their address.
 * Reads every ack, and every rule's echo for its handle.  Returns 0, or -errno with "FILE:LINE: TEXT: kernel
 * message" in err, naming the step whose message the kernel refused (for a table or chain the step needed:
 * "FILE:LINE: TEXT: chain forward: ..."), followed by what the kernel pointed at when it did (" (at chain)",
 * " (at expression 9: masq)"); after a refusal nothing of the batch is installed.  The table must not exist
 * before the first batch (-EEXIST): one nft_ns per namespace.  -ETIMEDOUT if the answers do not all come
 * within the (scaled) deadline; the state is then unknown. */
int nft_apply(struct nft_ns *n, const struct step *const *steps, unsigned nsteps, char *err, size_t errlen);

struct nft_counter {
	const struct step *step;
	uint64_t packets, bytes;   /* nat chains: flows, and the bytes of their first packets */
};

/* Reads every rule's counter back from the kernel (a dump of the table's rules) into out, in installation
 * order, at most max of them; *count is how many rules there are (may exceed max).  *policy_packets is how
 * many packets reached the forward chain's policy (0 without a forward chain).  Returns 0 or -errno with a
 * message in err. */
int nft_counters(struct nft_ns *n, struct nft_counter *out, unsigned max, unsigned *count,
		 uint64_t *policy_packets, char *err, size_t errlen);

/* Reads the counters and writes the evidence, one line per rule, the forward policy first:
 *   "forward chain policy drop: 3 packets reached the policy (dropped)"
 *   "seed.scn:24 forward host accept iif veth0 oif ens160: 0 packets"
 *   "seed.scn:28 masquerade host from 10.1.1.0/24 oif ens160: 1 flow"
 * (nat counters count flows: only a flow's first packet traverses a nat chain).  A rule someone removed
 * behind nsharness's back reads "...: rule gone from the kernel".  Returns the length it would have written
 * (snprintf-style: buf holds at most len - 1 characters and a NUL). */
size_t nft_describe(struct nft_ns *n, char *buf, size_t len);

/* The forward chain's policy as installed: NF_ACCEPT (also before the chain exists) or NF_DROP. */
int nft_forward_policy(const struct nft_ns *n);

/* ---- Building blocks, exposed for the unit tests ---- */

struct nftnl_rule;
struct nlmsghdr;

enum nft_chain { NFT_FORWARD, NFT_POSTROUTING, NFT_PREROUTING, NFT_NCHAINS };

#define NFT_TABLE "nsharness"

/* The step whose rule has this handle in nsharness's table, NULL when none (the counting rule included). */
const struct step *nft_step_of_handle(const struct nft_ns *n, uint64_t handle);
extern const char *const nft_chain_name[NFT_NCHAINS];

/* The chain a step's rule goes into; -1 for a step kind nft does not handle. */
int nft_step_chain(const struct step *s);

/* The rule a rule-making step installs (family inet, table, chain, expressions ending in counter and
 * verdict or nat), without position.  Returns NULL with errno EINVAL for a step that makes no rule (a policy,
 * or a kind nft does not handle), ENOMEM.  The caller frees it with nftnl_rule_free.  (nft_expr.c) */
struct nftnl_rule *nft_rule_from_step(const struct step *s);

/* The forward chain's last rule: a counter and nothing else. */
struct nftnl_rule *nft_rule_counting(void);

/* What one message of a batch does, and the step it is for. */
enum nft_obj { NFT_OBJ_BATCH, NFT_OBJ_TABLE, NFT_OBJ_CHAIN, NFT_OBJ_POLICY, NFT_OBJ_RULE, NFT_OBJ_COUNTING };

struct nft_msg {
	uint32_t seq;
	enum nft_obj obj;
	enum nft_chain chain;      /* CHAIN, POLICY, RULE, COUNTING */
	const struct step *step;   /* the step it is for, or that needed it; NULL for the batch begin and end */
	int policy;                /* POLICY: NF_ACCEPT or NF_DROP */
	uint64_t handle;           /* RULE, COUNTING: from the kernel's echo, 0 until then */
};

/* What exists in the kernel already; a batch is built against it. */
struct nft_have {
	int table;                 /* booleans */
	int chain[NFT_NCHAINS];
	uint64_t counting;         /* handle of the forward chain's counting rule, 0 if none */
};

struct nft_batch {
	char *buf;                 /* the messages, batch begin to batch end */
	size_t len;
	struct nft_msg *msgs;      /* one per message, in order */
	unsigned nmsgs;
};

/* Builds the batch that installs steps on top of have, numbering messages from seq on.  Every message but the
 * batch begin and end asks for an ack (NLM_F_ACK) and every rule for its echo (NLM_F_ECHO).  Returns 0 and a
 * batch to release with nft_batch_free, or -errno with "FILE:LINE: TEXT: why" in err for a step that cannot
 * be built (-EINVAL, -EOPNOTSUPP). */
int nft_batch_build(struct nft_batch *b, const struct nft_have *have, const struct step *const *steps,
		    unsigned nsteps, uint32_t seq, char *err, size_t errlen);
void nft_batch_free(struct nft_batch *b);

/* The message of the batch with this sequence number, or NULL. */
struct nft_msg *nft_batch_msg(const struct nft_batch *b, uint32_t seq);

/* Writes the refusal carried by NLMSG_ERROR e (answering one of b's messages) as "FILE:LINE: TEXT: kernel
 * message", with the attribute or expression the kernel pointed at when it said.  Returns the error (-errno;
 * 0 for an ack). */
int nft_batch_error(const struct nft_batch *b, const struct nlmsghdr *e, char *err, size_t errlen);

#endif
