/* main.c — the command line: nsharness run|check [options] SCENARIO... */
#include "harness/clock.h"
#include "harness/model.h"
#include "harness/netns.h"
#include "harness/runner.h"
#include "reports/report.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NSH_VERSION "0.1.0"

/* Exit statuses, documented in the README and nsharness(1). */
enum {
	EXIT_PASS = 0,            /* every stage passed (check: every scenario is valid) */
	EXIT_STAGE_FAILED = 1,    /* at least one stage is not ok */
	EXIT_USAGE = 2,           /* bad command line or scenario: nothing was created */
	EXIT_CANNOT_RUN = 3,      /* the machine does not let nsharness run (no privilege for namespaces) */
};

struct options {
	struct run_options run;
};

struct command {
	const char *name;
	int (*fn)(const struct options *opt, int argc, char **argv);
	const char *summary;
};

/* Parses every file before anything is created: one bad file and nothing runs. */
static int load_all(int argc, char **argv, struct scenario **out)
{
	int bad = 0;

	for (int i = 0; i < argc; i++)
		if (scenario_load(argv[i], &out[i], stderr))
			bad++;
	return bad;
}

static void free_all(struct scenario **s, int n)
{
	for (int i = 0; i < n; i++)
		scenario_free(s[i]);
}

static int cmd_check(const struct options *opt, int argc, char **argv)
{
	struct scenario **s = calloc(argc, sizeof(*s));
	int bad;

	(void)opt;
	if (!s)
		return EXIT_CANNOT_RUN;
	bad = load_all(argc, argv, s);
	for (int i = 0; i < argc; i++)
		if (s[i])
			printf("%s: ok: scenario %s, %u namespaces, %u steps, %u expectations in %u stages\n", argv[i],
			       s[i]->name, s[i]->nnetns, s[i]->nsteps, s[i]->nexpects, s[i]->nstages);
	free_all(s, argc);
	free(s);
	return bad ? EXIT_USAGE : EXIT_PASS;
}

/* Namespaces need CAP_SYS_ADMIN; say so plainly, before any output pretends a test ran. */
static int can_make_namespaces(void)
{
	int fd = netns_create();

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	fprintf(stderr, "nsharness: cannot create a network namespace: %s\n", strerror(-fd));
	if (fd == -EPERM)
		fprintf(stderr, "nsharness: run it as root (it needs CAP_SYS_ADMIN and CAP_NET_ADMIN); "
				"it changes nothing outside the namespaces it creates\n");
	printf("1..0 # SKIP cannot create network namespaces: %s\n", strerror(-fd));
	return 0;
}

static int run_all(const struct options *opt, struct scenario **s, int n)
{
	struct reporter tap = { .ops = &tap_reporter, .out = stdout };
	struct reporter *reps[] = { &tap };
	unsigned nreps = sizeof(reps) / sizeof(reps[0]), nstages = 0, failed = 0;

	for (int i = 0; i < n; i++)
		nstages += s[i]->nstages;
	for (unsigned i = 0; i < nreps; i++)
		reps[i]->ops->begin(reps[i], n, nstages);
	for (int i = 0; i < n; i++) {
		struct scenario_result res;

		run_scenario(s[i], &opt->run, reps, nreps, &res);
		failed += res.failed;
		scenario_result_free(&res);
	}
	for (unsigned i = 0; i < nreps; i++)
		reps[i]->ops->end(reps[i]);
	return failed ? EXIT_STAGE_FAILED : EXIT_PASS;
}

static int cmd_run(const struct options *opt, int argc, char **argv)
{
	struct scenario **s = calloc(argc, sizeof(*s));
	int ret = EXIT_USAGE;

	if (!s)
		return EXIT_CANNOT_RUN;
	if (load_all(argc, argv, s) == 0)
		ret = can_make_namespaces() ? run_all(opt, s, argc) : EXIT_CANNOT_RUN;
	free_all(s, argc);
	free(s);
	return ret;
}

static const struct command commands[] = {
	{ "run", cmd_run, "build each scenario in throwaway namespaces and check its stages (TAP on stdout)" },
	{ "check", cmd_check, "parse and validate scenarios only; needs no privilege, creates nothing" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: nsharness COMMAND [OPTIONS] SCENARIO...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\noptions:\n"
		     "  -v, --verbose            print each step as it is applied, with its scenario line (stderr)\n"
		     "      --timeout-scale F    stretch every deadline by F (also NSHARNESS_TIMEOUT_SCALE)\n"
		     "  -h, --help               this text\n"
		     "  -V, --version            the version\n"
		     "\nexit status: 0 all passed, 1 a stage failed, 2 bad usage or scenario (nothing created),\n"
		     "3 cannot run here (no privilege to create namespaces)\n");
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "timeout-scale", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+vhV", longopts, NULL)) != -1) {
		char *end;
		double scale;

		switch (c) {
		case 'v':
			opt->run.verbose = true;
			break;
		case 'T':
			scale = strtod(optarg, &end);
			if (*end || !(scale > 0) || scale > 1000) {
				fprintf(stderr, "nsharness: --timeout-scale takes a number above 0 (at most 1000), not '%s'\n",
					optarg);
				return -1;
			}
			timeout_set_scale(scale);
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_PASS);
		case 'V':
			printf("nsharness %s\n", NSH_VERSION);
			exit(EXIT_PASS);
		default:
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt = { 0 };
	const struct command *cmd = NULL;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			cmd = &commands[i];
	if (!cmd && argv[1][0] == '-') {
		/* "nsharness --help" and "--version" work without a command. */
		if (parse_options(argc, argv, &opt) == 0)
			fprintf(stderr, "nsharness: a command is needed\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!cmd) {
		fprintf(stderr, "nsharness: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	argc--, argv++;
	if (parse_options(argc, argv, &opt))
		return EXIT_USAGE;
	if (optind >= argc) {
		fprintf(stderr, "nsharness %s: no scenario given\n", cmd->name);
		return EXIT_USAGE;
	}
	return cmd->fn(&opt, argc - optind, argv + optind);
}
