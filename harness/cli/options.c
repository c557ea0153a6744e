/* options.c — parsing the command line's options. */
#include "harness/cli/options.h"
#include "harness/cli/select.h"
#include "harness/base/clock.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void options_help(FILE *out)
{
	fprintf(out, "\noptions (run):\n"
		     "      --tap FILE           write TAP to FILE instead of stdout ('-' is stdout; may be given twice)\n"
		     "      --tap-version 13|14  13 (default; Debian 12's prove rejects 14), or 14: a subtest per scenario\n"
		     "      --junit FILE         write JUnit XML to FILE (a testsuite per scenario, a testcase per stage)\n"
		     "      --out DIR            keep the evidence of failed stages in DIR/SCENARIO/STAGE/: .pcap\n"
		     "                           captures and a .state dump per namespace\n"
		     "      --keep-captures      write every stage's captures, passing ones too (with --out)\n"
		     "      --ktap               write the TAP outputs as KTAP version 1 (a test per scenario, its\n"
		     "                           stages nested), as the kernel's tools read it\n"
		     "      --kselftest          run as a kselftest: KTAP on stdout, exit 0 pass, 1 fail (interrupted\n"
		     "                           too), 4 skip (cannot run here)\n"
		     "      --attachment-paths absolute|relative\n"
		     "                           JUnit [[ATTACHMENT|path]] paths: absolute (default, Jenkins) or as\n"
		     "                           given (GitLab wants them relative to the project directory)\n"
		     "  -j, --jobs N             run N scenarios at once (default: the number of CPUs); the report\n"
		     "                           keeps the scenarios' order\n"
		     "      --shard K/N          run only shard K of N (a stable split of the scenarios, for CI matrices)\n"
		     "      --filter PATTERN     run only the scenarios PATTERN names (a glob), or SCENARIO:STAGE globs:\n"
		     "                           those stages and the ones before them; may be given 32 times\n"
		     "      --repeat N           run each scenario N times (NAME, NAME~2, ...), each with its own\n"
		     "                           evidence and JUnit testsuite: for hunting flakes\n"
		     "      --list               print the scenarios and their stages (as --filter takes them), run nothing\n"
		     "      --color WHEN         colours in the human view: auto (default: on a terminal, unless NO_COLOR\n"
		     "                           is set or TERM is dumb), always, never\n"
		     "      --scenario-timeout S a scenario's whole run may take S seconds (scaled; default 300), then\n"
		     "                           its running stage fails and the rest are skipped\n"
		     "      --vacuity            run each stage's checks once before its steps too, and require them to\n"
		     "                           fail then: a check that already holds is vacuous (a failure)\n"
		     "      --backend B          install forward and NAT steps with nft (libnftnl, in-process; the\n"
		     "                           default), iptables-nft or iptables-legacy (the real tools), or all:\n"
		     "                           every scenario under each, reporting stages whose verdicts differ\n"
		     "      --iptables PATH      the iptables-nft program to use (a freshly built one, to gate it);\n"
		     "      --iptables-legacy PATH  the same for iptables-legacy (ip6tables: same folder)\n"
		     "      --kernel IMAGE       run the scenarios under this kernel (a bzImage or vmlinux) in a QEMU guest,\n"
		     "                           all in one boot; may be given up to 8 times (a differential report\n"
		     "                           then names the stages whose verdicts differ); docs/kernel-ci.md\n"
		     "      --kernel-modules DIR the modules of the --kernel before (default /lib/modules/RELEASE)\n"
		     "      --kernel-append ARGS more kernel command line for the --kernel before\n"
		     "      --kernel-cache DIR   where extracted kernels and initramfs are kept\n"
		     "      --kernel-timeout S   each boot's hard deadline (scaled; default 90 + 45 per scenario)\n"
		     "  -q, --quiet              no human view on stderr\n"
		     "  -v, --verbose            print each step as it is applied, with its scenario line (stderr)\n"
		     "      --timeout-scale F    stretch every deadline by F (also NSHARNESS_TIMEOUT_SCALE)\n"
		     "  -h, --help               this text\n"
		     "  -V, --version            the version\n"
		     "\noptions (verify):\n"
		     "      --host NS            the scenario's namespace that is this one (default: host)\n"
		     "\nOn a terminal, run shows a human view on stdout; TAP goes there only with --tap - (or a pipe).\n"
		     "Options may come after the scenarios; -- ends them.\n"
		     "\nexit status: 0 all passed, 1 a stage failed, 2 bad usage or scenario (nothing created),\n"
		     "3 cannot run here (no privilege to create namespaces), 4 interrupted (SIGINT/SIGTERM; the\n"
		     "results so far were written), 5 all passed but the kernel became tainted during the run,\n"
		     "6 a guest kernel (--kernel) did not boot, panicked or hung: an infrastructure error;\n"
		     "with --kselftest: 0 pass, 1 fail, 4 skip\n");
}

/* Long options without a letter of their own. */
enum { OPT_KSELFTEST = 256, OPT_KTAP, OPT_COLOR };

/* A decimal count, all of the text.  0 or -1. */
static int parse_count(const char *text, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*text || *text == '-' || *text == '+')
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v > 1u << 20)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_shard(const char *text, unsigned *k, unsigned *n)
{
	char buf[32], *slash;

	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf) || !(slash = strchr(buf, '/')))
		return -1;
	*slash = '\0';
	if (parse_count(buf, k) || parse_count(slash + 1, n))
		return -1;
	return *k >= 1 && *k <= *n ? 0 : -1;
}

static int parse_backend(const char *text, struct options *opt)
{
	opt->all_backends = !strcmp(text, "all");
	for (unsigned b = 0; b < BACKEND_COUNT && !opt->all_backends; b++)
		if (!strcmp(text, backend_name[b])) {
			opt->run.backend = (enum backend)b;
			return 0;
		}
	return opt->all_backends ? 0 : -1;
}

/* Says what an option takes; returns -1 for the caller to return. */
static int refuse(const char *option, const char *takes, const char *arg)
{
	fprintf(stderr, "nsharness: --%s takes %s, not '%s'\n", option, takes, arg);
	return -1;
}

/* --timeout-scale: kept as given, applied to every wait once the options are all read (options_finish). */
static int set_timeout_scale(const char *arg, struct options *opt)
{
	if (timeout_scale_parse(arg, &opt->timeout_scale))
		return refuse("timeout-scale", "a number above 0 (at most 1000)", arg);
	return 0;
}

static int set_scenario_timeout(const char *arg, struct options *opt)
{
	unsigned s;

	if (parse_count(arg, &s) || s == 0 || s > 86400)
		return refuse("scenario-timeout", "seconds from 1 to 86400", arg);
	opt->run.waits.scenario_ms = (msec_t)s * 1000;
	opt->scenario_timeout_s = s;
	return 0;
}

/* The scale: --timeout-scale, else NSHARNESS_TIMEOUT_SCALE (empty: unset), else 1.  A bad variable is refused like a bad
 * option (inf, nan or a negative number would make every wait meaningless).  0 or -1. */
static int choose_scale(struct options *opt)
{
	const char *env = getenv("NSHARNESS_TIMEOUT_SCALE");

	if (opt->timeout_scale > 0)
		return 0;
	opt->timeout_scale = 1.0;
	if (env && *env && timeout_scale_parse(env, &opt->timeout_scale)) {
		fprintf(stderr, "nsharness: NSHARNESS_TIMEOUT_SCALE takes a number above 0 (at most 1000), not '%s'\n",
			env);
		return -1;
	}
	return 0;
}

/* Every wait scaled, once: from here on a wait is a plain number, reported as it is waited. */
static int options_finish(struct options *opt)
{
	if (choose_scale(opt))
		return -1;
	opt->run.waits = waits_scaled(&opt->run.waits, opt->timeout_scale);
	return 0;
}

static int add_filter(const char *arg, struct options *opt)
{
	if (opt->nfilters == MAX_FILTERS)
		return refuse("filter", "at most 32 patterns", arg);
	if (!filter_valid(arg))
		return refuse("filter", "a scenario glob, or SCENARIO:STAGE globs", arg);
	opt->filters[opt->nfilters++] = arg;
	return 0;
}

static int set_color(const char *arg, struct options *opt)
{
	static const char *const words[] = { [COLOR_AUTO] = "auto", [COLOR_ALWAYS] = "always", [COLOR_NEVER] = "never" };

	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(arg, words[i])) {
			opt->color = (enum color_mode)i;
			return 0;
		}
	return refuse("color", "auto, always or never", arg);
}

/* --kernel-modules and --kernel-append belong to the --kernel before them. */
static int set_kernel(int c, const char *arg, struct options *opt)
{
	struct kernel_spec *k = opt->nkernels ? &opt->kernels[opt->nkernels - 1] : NULL;
	unsigned s;

	switch (c) {
	case 'K':
		if (opt->nkernels == MAX_KERNELS)
			return refuse("kernel", "at most 8 images", arg);
		opt->kernels[opt->nkernels++] = (struct kernel_spec){ .image = arg };
		return 0;
	case 'M':
	case 'A':
		if (!k)
			return refuse(c == 'M' ? "kernel-modules" : "kernel-append", "a --kernel IMAGE before it", arg);
		*(c == 'M' ? &k->modules : &k->append) = arg;
		return 0;
	case 'W':
		if (parse_count(arg, &s) || s == 0 || s > 86400)
			return refuse("kernel-timeout", "seconds from 1 to 86400", arg);
		opt->kernel_timeout_s = s;
		return 0;
	}
	return -1;
}

static bool is_checked(int c)
{
	return c == OPT_COLOR || (c > 0 && c < 128 && strchr("t4ajBDSTFRKMAW", c) != NULL);
}

/* The options whose value is checked. */
static int apply_checked(int c, const char *arg, struct options *opt)
{
	switch (c) {
	case 't':
		if (opt->ntap == MAX_TAP_OUTPUTS)
			return refuse("tap", "at most two files", arg);
		opt->tap_paths[opt->ntap++] = arg;
		return 0;
	case '4':
		opt->tap14 = !strcmp(arg, "14");
		return strcmp(arg, "13") && !opt->tap14 ? refuse("tap-version", "13 or 14", arg) : 0;
	case 'a':
		opt->relative_paths = !strcmp(arg, "relative");
		return strcmp(arg, "absolute") && !opt->relative_paths ? refuse("attachment-paths", "absolute or relative", arg) : 0;
	case 'j':
		return parse_count(arg, &opt->jobs) || opt->jobs == 0 || opt->jobs > 1024 ?
			refuse("jobs", "a number from 1 to 1024", arg) : 0;
	case 'B':
		return parse_backend(arg, opt) ? refuse("backend", "nft, iptables-nft, iptables-legacy or all", arg) : 0;
	case 'D':
		return set_scenario_timeout(arg, opt);
	case 'S':
		return parse_shard(arg, &opt->shard_k, &opt->shard_n) ? refuse("shard", "K/N with 1 <= K <= N", arg) : 0;
	case 'T':
		return set_timeout_scale(arg, opt);
	case 'F':
		return add_filter(arg, opt);
	case 'R':
		return parse_count(arg, &opt->repeat) || opt->repeat == 0 || opt->repeat > 10000 ?
			refuse("repeat", "a number from 1 to 10000", arg) : 0;
	case OPT_COLOR:
		return set_color(arg, opt);
	}
	return set_kernel(c, arg, opt);
}

/* Flags, and values taken as they are. */
static int apply_plain(int c, const char *arg, struct options *opt)
{
	switch (c) {
	case 'X': opt->junit_path = arg; break;
	case 'o': opt->run.out_dir = arg; break;
	case 'k': opt->run.keep_captures = true; break;
	case 'P': opt->run.vacuity = true; break;
	case 'H': opt->host = arg; break;
	case 'I': opt->iptables_path[BACKEND_IPTABLES_NFT] = arg; break;
	case 'L': opt->iptables_path[BACKEND_IPTABLES_LEGACY] = arg; break;
	case 'C': opt->kernel_cache = arg; break;
	case 'q': opt->quiet = true; break;
	case OPT_KTAP: opt->ktap = true; break;
	case OPT_KSELFTEST: opt->kselftest = opt->ktap = true; break;
	case 'l': opt->list = true; break;
	case 'v': opt->run.verbose = true; break;
	case 'h': opt->show_help = true; break;
	case 'V': opt->show_version = true; break;
	default: return -1;
	}
	return 0;
}

int options_parse(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "tap", required_argument, NULL, 't' },
		{ "tap-version", required_argument, NULL, '4' },
		{ "junit", required_argument, NULL, 'X' },
		{ "out", required_argument, NULL, 'o' },
		{ "keep-captures", no_argument, NULL, 'k' },
		{ "attachment-paths", required_argument, NULL, 'a' },
		{ "vacuity", no_argument, NULL, 'P' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "scenario-timeout", required_argument, NULL, 'D' },
		{ "host", required_argument, NULL, 'H' },
		{ "backend", required_argument, NULL, 'B' },
		{ "iptables", required_argument, NULL, 'I' },
		{ "iptables-legacy", required_argument, NULL, 'L' },
		{ "shard", required_argument, NULL, 'S' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "kernel-modules", required_argument, NULL, 'M' },
		{ "kernel-append", required_argument, NULL, 'A' },
		{ "kernel-cache", required_argument, NULL, 'C' },
		{ "kernel-timeout", required_argument, NULL, 'W' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "timeout-scale", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "ktap", no_argument, NULL, OPT_KTAP },
		{ "kselftest", no_argument, NULL, OPT_KSELFTEST },
		{ "list", no_argument, NULL, 'l' },
		{ "filter", required_argument, NULL, 'F' },
		{ "repeat", required_argument, NULL, 'R' },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opt->run.waits = waits_default();
	/* GNU getopt's order: options may follow the scenarios, and "--" ends them. */
	while ((c = getopt_long(argc, argv, "j:qvhV", longopts, NULL)) != -1)
		if (c == '?' || (is_checked(c) ? apply_checked(c, optarg, opt) : apply_plain(c, optarg, opt)))
			return -1;
	return options_finish(opt);
}

int options_exit_status(const struct options *opt, int status)
{
	if (!opt->kselftest)
		return status;
	if (status == EXIT_PASS)
		return 0;
	return status == EXIT_CANNOT_RUN ? 4 : 1;   /* kselftest's KSFT_SKIP, KSFT_FAIL */
}
