/* result.h — what running a scenario produced: a verdict per stage, with each expectation's evidence. */
#ifndef NSH_RESULT_H
#define NSH_RESULT_H

#include "harness/scenario/model.h"
#include "harness/verdict/check.h"

#include <time.h>

enum stage_status { STAGE_PASS, STAGE_FAIL, STAGE_SKIP };

struct expect_result {
	const struct expect *expect;
	struct check check;       /* after applying "fails": PASS means the expectation holds */
};

#define MAX_ARTIFACTS 32

struct stage_result {
	const struct stage *stage;
	enum stage_status status;
	bool cannot_run;          /* skipped because this machine lacks what a step needs (a program): not a verdict */
	char reason[768];         /* a failed step's error, why the stage was cut short or skipped; "" when none */
	unsigned reason_expect;   /* else 1 + the index of the expectation whose cause is the failure's reason (0:
				   * none); the reporters make its text (reports/cause_text.h: stage_reason) */
	double seconds;
	struct expect_result *expects;   /* nexpects entries, owned */
	unsigned nexpects;
	/* Files written for this stage (captures, state dumps), as paths under --out as the user gave it:
	 * "out/seed/nat/host-ens160.pcap".  Owned; nartifacts entries. */
	char *artifacts[MAX_ARTIFACTS];
	unsigned nartifacts;
};

struct scenario_result {
	const struct scenario *scenario;
	struct stage_result *stages;   /* one per stage of the scenario (scenario_result_init), owned; the first
				* nstages of them ran or were reported */
	unsigned nstages;
	double seconds;
	time_t started;           /* wall clock, for report timestamps */
	unsigned failed;          /* stages not ok */
};

/* Clears r for sc and allocates its stage results, one per stage of sc.  0, or -ENOMEM (then r->stages is
 * NULL and r owns nothing). */
int scenario_result_init(struct scenario_result *r, const struct scenario *sc);

/* Frees what r owns (its stage results, their expectations and artifact paths) and clears it; r itself
 * stays the caller's.  NULL-safe, and safe on a zeroed or already freed result (docs/ownership.md). */
void scenario_result_free(struct scenario_result *r);

/* Facts about the whole run, for report properties. */
struct run_info {
	const char *version;      /* nsharness's */
	char kernel[128];         /* uname -r */
	char hostname[64];
	const char *backend;      /* how firewall and NAT steps were installed: "nft" (libnftnl, in-process) */
	long taint_before, taint_after;   /* /proc/sys/kernel/tainted; -1 when unreadable */
	time_t started;
	double seconds;           /* the whole run, set before reporters end */
};

#endif
