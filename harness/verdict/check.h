/* check.h — what a probe hands back: a verdict plus the words a person needs to act on it.
 *
 * A failed check is data, not an error path: the probe fills expected/got/cause and returns.  CHECK_ERROR is
 * for "could not run at all" (a socket the kernel refused, a namespace that vanished), which a negative
 * expectation ("expect ... fails") must never count as the required failure. */
#ifndef NSH_CHECK_H
#define NSH_CHECK_H

#include "harness/verdict/cause.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* CHECK_SKIP: not run at all, for a reason in got (verify mode: the check needs something nsharness would
 * have to create). */
enum check_status { CHECK_PASS, CHECK_FAIL, CHECK_ERROR, CHECK_SKIP };

static inline bool check_failed(enum check_status s)
{
	return s == CHECK_FAIL || s == CHECK_ERROR;
}

/* A cause that a later, better one displaced, kept where it happened among the evidence lines.  The reporters
 * write it as a line of the evidence: "the probe's own finding: ..." or "also: ...". */
enum cause_note_role { NOTE_OWN_FINDING, NOTE_ALSO };

struct cause_note {
	enum cause_note_role role;
	size_t at;                /* the evidence's length when it was displaced: its line goes there */
	struct cause cause;
};

#define CHECK_NOTES 4

struct check {
	enum check_status status;
	char expected[256];       /* what the expectation required, in words */
	char got[512];            /* what was observed */
	struct cause cause;       /* why, where the evidence allows (CAUSE_NONE when unknown) */
	char evidence[2048];      /* further lines of detail, '\n'-separated ("" when none) */
	struct cause_note notes[CHECK_NOTES];   /* displaced causes, in order; nnotes of them */
	unsigned nnotes;
	double value_ms;          /* a measurement (the RTT of a ping), < 0 when none */
	/* the kernel's trace saw the probe's destination translated (DNAT, REDIRECT) to nat_dst port nat_port, in
	 * the world's namespace nat_ns */
	bool traced_nat;
	struct addr nat_dst;
	unsigned nat_port, nat_ns;
};

void check_init(struct check *c);
/* Each appends (printf-style) to its field, truncating safely; check_evidence appends whole lines. */
void check_expected(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_got(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_evidence(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Names c's cause: clears it to kind k and returns it for the caller to fill in the payload. */
struct cause *check_cause(struct check *c, enum cause_kind k);
/* Displaces c's cause (if any) into a note at the evidence's current end; c's cause becomes none. */
void check_demote(struct check *c, enum cause_note_role role);
/* Keeps cause k as a note at the evidence's current end, leaving c's cause as it is. */
void check_note(struct check *c, enum cause_note_role role, const struct cause *k);
static inline bool check_has_cause(const struct check *c)
{
	return c->cause.kind != CAUSE_NONE;
}
/* Sets status and returns it, so probes can `return check_fail(c, CHECK_FAIL);`-style finish. */
enum check_status check_set(struct check *c, enum check_status status);

#endif
