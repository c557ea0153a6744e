/* relay.h — a guest's TAP and JUnit, written by nsharness inside the guest, relayed into the host's reports
 * with the kernel named: every scenario becomes SCENARIO@LABEL (LABEL: the kernel's release), test points
 * are renumbered into one plan, each testsuite gains the boot's properties.  Pure text processing over the
 * reporters' own output (reports/tap.c and reports/junit.c write one element or test point a line). */
#ifndef NSH_RELAY_H
#define NSH_RELAY_H

#include <stdbool.h>
#include <stdio.h>

/* Writes the guest's TAP lines to out: no version line and no plan (the host writes one of each), test
 * points renumbered from *next, scenario names suffixed "@label", a "Bail out!" turned into a comment
 * (*bailed set: the host bails out once, at the end).  Returns the number of test points written. */
unsigned tap_relay(FILE *out, const char *label, const char *tap, unsigned *next, bool *bailed);

struct junit_sums {
	unsigned tests, failures, errors, skipped;
	double time;
};

/* Writes the guest's <testsuite> elements to out, each named NAME@label (and its testcases' classname),
 * with the properties (name, value pairs; values escaped here) added to each; adds their counts to sums.
 * Returns the number of testsuites written. */
unsigned junit_relay(FILE *out, const char *label, const char *xml, const char *const (*props)[2], unsigned nprops,
		     struct junit_sums *sums);

/* Writes text escaped as a double-quoted XML attribute value (also safe as element content). */
void attr_text(FILE *out, const char *text);

/* One stage's verdict in a guest's JUnit, for the differential report. */
struct stage_verdict {
	char scenario[128], stage[128];
	char verdict[16];    /* "ok", "not ok", "error", "skipped" */
	char cause[256];     /* the failure's message, empty when none */
};

/* Every testcase of the JUnit text, in order; *out to free.  Returns how many. */
unsigned junit_verdicts(const char *xml, struct stage_verdict **out);

#endif
