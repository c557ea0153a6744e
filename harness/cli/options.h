/* options.h — the command line's options and exit statuses, and parsing them with getopt_long. */
#ifndef NSH_OPTIONS_H
#define NSH_OPTIONS_H

#include "harness/firewall/iptables.h"
#include "harness/run/runner.h"

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses, documented in the README and nsharness(1). */
enum {
	EXIT_PASS = 0,            /* every stage passed (check: every scenario is valid) */
	EXIT_STAGE_FAILED = 1,    /* at least one stage is not ok */
	EXIT_USAGE = 2,           /* bad command line or scenario: nothing was created */
	EXIT_CANNOT_RUN = 3,      /* the machine does not let nsharness run (no privilege for namespaces) */
	EXIT_INTERRUPTED = 4,     /* SIGINT or SIGTERM: the results so far were written, the rest skipped */
	EXIT_TAINTED = 5,         /* every stage passed, but the kernel became tainted during the run */
	EXIT_INFRA = 6,           /* --kernel: a guest kernel did not boot, panicked or hung (an infrastructure
				   * error, never a verdict) */
};

/* --kernel IMAGE, with the --kernel-modules and --kernel-append given after it. */
#define MAX_KERNELS 8
struct kernel_spec {
	const char *image, *modules, *append;
};

#define MAX_TAP_OUTPUTS 2
#define MAX_FILTERS 32

/* --color: colours in the human view on a terminal. */
enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct options {
	struct run_options run;
	const char *tap_paths[MAX_TAP_OUTPUTS];   /* --tap; none given: stdout */
	unsigned ntap;
	bool tap14;
	bool ktap;                /* --ktap (or --kselftest): the TAP outputs are KTAP version 1 */
	bool kselftest;           /* --kselftest: exit statuses as kselftest reads them (options_exit_status) */
	bool list;                /* --list: print the selected scenarios and stages, run nothing */
	const char *filters[MAX_FILTERS];   /* --filter PATTERN (scenario or scenario:stage globs) */
	unsigned nfilters;
	unsigned repeat;          /* --repeat N: each scenario N times (0 and 1: once) */
	enum color_mode color;    /* --color */
	const char *junit_path;
	bool relative_paths;
	bool quiet;
	unsigned jobs;            /* --jobs; 0: the number of CPUs */
	unsigned shard_k, shard_n;   /* --shard K/N; n 0: no sharding */
	const char *host;         /* verify --host: the scenario's name for the namespace we run in */
	bool all_backends;        /* --backend all */
	const char *iptables_path[BACKEND_COUNT];   /* --iptables, --iptables-legacy */
	bool show_help, show_version;   /* -h, -V */
	struct kernel_spec kernels[MAX_KERNELS];   /* --kernel: run in a guest per kernel (harness/vm) */
	unsigned nkernels;
	const char *kernel_cache;   /* --kernel-cache */
	unsigned kernel_timeout_s;  /* --kernel-timeout; 0: by the number of scenarios */
	unsigned scenario_timeout_s;   /* --scenario-timeout as given (0: not given), for the guest's run */
	double timeout_scale;     /* --timeout-scale or NSHARNESS_TIMEOUT_SCALE (1 without), already applied to
				   * run.waits by options_parse; kept to be told, never to scale again */
};

/* Parses the options before the first scenario (getopt_long, stopping at the first non-option); -h and -V
 * only set show_help and show_version.  Makes the run's waits (run.waits) from their defaults, scaled once.
 * 0, or -1 after saying what is wrong on stderr (a bad NSHARNESS_TIMEOUT_SCALE too). */
int options_parse(int argc, char **argv, struct options *opt);

/* The options and exit statuses, for --help. */
void options_help(FILE *out);

/* The process's exit status for a run that ended with status (an EXIT_* above).  With --kselftest, as the
 * kernel's kselftest runner reads it: 0 pass, 4 skip (could not run here), 1 anything else — an interrupted
 * run, a usage error and a tainted kernel included, so a cancelled gate never looks green. */
int options_exit_status(const struct options *opt, int status);

#endif
