/* kernels.h — nsharness run --kernel IMAGE...: the scenarios run by nsharness itself inside a QEMU guest per
 * kernel, one boot each, reported as a native run (the kernel named), with a differential report across
 * kernels.  docs/kernel-ci.md says how to use it. */
#ifndef NSH_KERNELS_H
#define NSH_KERNELS_H

#include "harness/cli/options.h"
#include "harness/scenario/model.h"

/* Runs the n (already valid) scenarios under every opt->kernels[i] and writes the reports.  Returns the
 * exit status: EXIT_INFRA when a guest did not finish (or a kernel could not be made ready), else the
 * worst of the guests' own statuses. */
int kernels_run(const struct options *opt, struct scenario *const *s, unsigned n);

#endif
