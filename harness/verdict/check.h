/* check.h — what a probe hands back: a verdict plus the words a person needs to act on it.
 *
 * A failed check is data, not an error path: the probe fills expected/got/cause and returns.  CHECK_ERROR is
 * for "could not run at all" (a socket the kernel refused, a namespace that vanished), which a negative
 * expectation ("expect ... fails") must never count as the required failure. */
#ifndef NSH_CHECK_H
#define NSH_CHECK_H

#include <stdarg.h>
#include <stdbool.h>

/* CHECK_SKIP: not run at all, for a reason in got (verify mode: the check needs something nsharness would
 * have to create). */
enum check_status { CHECK_PASS, CHECK_FAIL, CHECK_ERROR, CHECK_SKIP };

static inline bool check_failed(enum check_status s)
{
	return s == CHECK_FAIL || s == CHECK_ERROR;
}

struct check {
	enum check_status status;
	char expected[256];       /* what the expectation required, in words */
	char got[512];            /* what was observed */
	char cause[256];          /* why, in one line, where the evidence allows ("" when unknown) */
	char evidence[2048];      /* further lines of detail, '\n'-separated ("" when none) */
	double value_ms;          /* a measurement (the RTT of a ping), < 0 when none */
};

void check_init(struct check *c);
/* Each appends (printf-style) to its field, truncating safely; check_evidence appends whole lines. */
void check_expected(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_got(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_cause(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_evidence(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets status and returns it, so probes can `return check_fail(c, CHECK_FAIL);`-style finish. */
enum check_status check_set(struct check *c, enum check_status status);

#endif
