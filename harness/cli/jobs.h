/* jobs.h — running many scenarios at once, reporting them in order. */
#ifndef NSH_JOBS_H
#define NSH_JOBS_H

#include "harness/run/runner.h"

/* Runs the n scenarios on up to njobs threads and reports each (its stages, then itself) in the scenarios'
 * order as soon as it and every one before it is done, so the report is the same whatever the timing.
 * Scenarios never share anything but the process: each has its own namespaces, and probes take fresh flow
 * identities from process-wide counters.  With njobs 1 the stages stream as they end.  Returns the number of
 * stages not ok.  backend_of (NULL: opt->backend for all) gives each scenario's firewall backend, for
 * --backend all's copies. */
unsigned jobs_run(struct scenario *const *s, unsigned n, unsigned njobs, const struct run_options *opt,
		  const enum backend *backend_of, struct reporter *const *reps, unsigned nreps);

/* --shard K/N: whether the scenario at path belongs to shard k (1-based) of n.  A stable hash of the path,
 * so a scenario keeps its shard when others are added or removed. */
bool jobs_in_shard(const char *path, unsigned k, unsigned n);

#endif
