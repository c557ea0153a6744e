/* diagnose_cause.h — which cause a check keeps when diagnosis finds another: ranking by kind, for diagnose*.c. */
#ifndef NSH_DIAGNOSE_CAUSE_H
#define NSH_DIAGNOSE_CAUSE_H

#include "harness/verdict/check.h"

/* True when a cause of kind k was measured on the probe's own packets (a drop policy's counter rose while it
 * ran): the most direct evidence there is, which a later finding on the way back does not displace. */
bool dg_cause_measured(enum cause_kind k);

/* Names k as c's cause.  The same finding again changes nothing.  A cause the check already had stays as a
 * displaced note ("the probe's own finding"), unless it was measured on the probe's own packets and
 * over_firewall is false: then k is only noted ("also"). */
void dg_cause(struct check *c, bool over_firewall, const struct cause *k);

/* For a rule that rejects: the ICMP error (or reset) the probe itself got back, in the probe's words, into
 * k->word ("" when the probe got none). */
void dg_icmp_got(const struct check *c, struct cause *k);

/* A drop by a rule nsharness installed (k: CAUSE_TRACE_RULE_DROP or CAUSE_COUNTER_RULE_DROP with its
 * statement in text and its line) becomes CAUSE_OWN_RULE_DROP, the same finding under every backend; where the
 * backend put the rule, and its counter, go to c's evidence. */
void dg_own_rule(struct cause *k, struct check *c);

/* True when the probe's own finding (c's cause, or displaced among its notes) is a refusal from the far end: a
 * TCP reset, a UDP port unreachable.  The flow then went there and an answer came back. */
bool dg_refused(const struct check *c);

#endif
