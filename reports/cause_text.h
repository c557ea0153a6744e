/* cause_text.h — the words for a cause: the one place where a finding (harness/verdict/cause.h) becomes text.
 *
 * The TAP, JUnit and terminal writers use it for a check's cause, its displaced causes among the evidence lines,
 * and a stage's one-line reason; diagnosis uses it for an evidence line that quotes a NAT finding. */
#ifndef NSH_CAUSE_TEXT_H
#define NSH_CAUSE_TEXT_H

#include "harness/verdict/result.h"

#include <stddef.h>

#define CAUSE_TEXT_LEN 256            /* a cause is one line of at most this many bytes, NUL included */

/* Writes cause k's sentence into buf (len bytes, truncating, always terminated); "" for CAUSE_NONE.
 * Returns the length written.  A kind without a rendering row writes "" too (the unit test forbids it). */
size_t cause_render(const struct cause *k, char *buf, size_t len);

/* True when kind k has a rendering row. */
bool cause_kind_rendered(enum cause_kind k);

/* Why a router's source NAT leaves a packet as it is: "'masquerade host ...' (line 31) matched no flow: 10.1.1.1
 * is not in 10.1.2.0/24", "host has no IPv4 masquerade or snat rule"; "" for NAT_MISS_NONE. */
void nat_miss_render(const struct nat_miss *m, char *buf, size_t len);

/* c's evidence with its displaced causes as lines where they happened ("the probe's own finding: ...",
 * "also: ..."), into buf (len bytes; truncating at the end as the evidence field itself does). */
void check_evidence_render(const struct check *c, char *buf, size_t len);

/* A stage's one-line reason: the text the runner set (a failed step, a deadline that cut the stage short: it
 * wins), else "EXPECTATION: CAUSE" (its got when it has no cause) for the expectation the runner chose.
 * Returns buf, or st->reason itself. */
const char *stage_reason(const struct stage_result *st, char *buf, size_t len);

#endif
