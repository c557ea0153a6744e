/* main.c — the command line: nsharness run|check [options] SCENARIO... */
#include "harness/base/clock.h"
#include "harness/scenario/model.h"
#include "harness/cli/backends.h"
#include "harness/cli/jobs.h"
#include "harness/cli/kernels.h"
#include "harness/cli/rootless.h"
#include "harness/base/netns.h"
#include "harness/cli/options.h"
#include "harness/run/runner.h"
#include "reports/report.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

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

/* Namespaces need CAP_SYS_ADMIN (and the world CAP_NET_ADMIN); say so plainly, before any output pretends a
 * test ran.  Read from the capability sets rather than by making a namespace: that would cost a namespace
 * creation and teardown on every run. */
static bool has_capability(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap);
}

/* As root, nothing to do.  Otherwise nsharness becomes root of a user namespace of its own (the process is
 * still single-threaded here), where it may make network namespaces; where the kernel forbids that, it
 * says which setting does and skips. */
static int can_make_namespaces(void)
{
	char why[512];

	if (has_capability(CAP_SYS_ADMIN) && has_capability(CAP_NET_ADMIN))
		return 1;
	if (rootless_enter(why, sizeof(why)) == 0 && has_capability(CAP_SYS_ADMIN))
		return 1;
	fprintf(stderr, "nsharness: cannot create network namespaces without root: %s\n", why);
	printf("1..0 # SKIP cannot create network namespaces: %s\n", why);
	return 0;
}

static void run_info_init(struct run_info *info)
{
	struct utsname u;

	memset(info, 0, sizeof(*info));
	info->version = NSH_VERSION;
	info->backend = "nft";
	info->started = time(NULL);
	info->taint_before = proc_read_long("/proc/sys/kernel/tainted");
	if (uname(&u) == 0) {
		snprintf(info->kernel, sizeof(info->kernel), "%.*s", (int)sizeof(info->kernel) - 1, u.release);
		snprintf(info->hostname, sizeof(info->hostname), "%.*s", (int)sizeof(info->hostname) - 1, u.nodename);
	}
}

/* The reporters this run writes to: TAP (stdout or --tap files), JUnit, and the terminal view. */
struct outputs {
	struct reporter reps[MAX_TAP_OUTPUTS + 2];
	struct reporter *ptrs[MAX_TAP_OUTPUTS + 2];
	unsigned n;
	FILE *files[MAX_TAP_OUTPUTS + 1];
	unsigned nfiles;
};

static FILE *open_output(struct outputs *o, const char *path)
{
	FILE *f;

	if (!strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "nsharness: cannot write %s: %s\n", path, strerror(errno));
	else
		o->files[o->nfiles++] = f;
	return f;
}

static void add_reporter(struct outputs *o, const struct reporter_ops *ops, FILE *out, unsigned flags,
			 const struct run_info *info)
{
	o->reps[o->n] = (struct reporter){ .ops = ops, .out = out, .flags = flags, .info = info };
	o->ptrs[o->n] = &o->reps[o->n];
	o->n++;
}

static int outputs_open(struct outputs *o, const struct options *opt, unsigned nscenarios, const struct run_info *info)
{
	unsigned tap_flags = opt->tap14 ? REPORT_TAP14 : 0;
	const char *env_no_color = getenv("NO_COLOR");
	FILE *f;

	memset(o, 0, sizeof(*o));
	if (!opt->ntap)
		add_reporter(o, &tap_reporter, stdout, tap_flags, info);
	for (unsigned i = 0; i < opt->ntap; i++) {
		if (!(f = open_output(o, opt->tap_paths[i])))
			return -1;
		add_reporter(o, &tap_reporter, f, tap_flags, info);
	}
	if (opt->junit_path) {
		if (!(f = open_output(o, opt->junit_path)))
			return -1;
		add_reporter(o, &junit_reporter, f, opt->relative_paths ? REPORT_RELATIVE_PATHS : 0, info);
	}
	if (!opt->quiet && isatty(STDERR_FILENO))
		add_reporter(o, &terminal_reporter, stderr,
			     (env_no_color && *env_no_color ? 0 : REPORT_COLOR) |
				     (nscenarios > 1 && !opt->run.verbose ? REPORT_PROGRESS : 0),
			     info);
	return 0;
}

/* Closes the files; a report that could not be written in full makes the run fail to report. */
static int outputs_close(struct outputs *o)
{
	int bad = 0;

	for (unsigned i = 0; i < o->nfiles; i++)
		if (fclose(o->files[i]))
			bad = 1;
	if (fflush(stdout))
		bad = 1;
	return bad;
}

static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

/* The first SIGINT or SIGTERM ends every wait and lets the run write what it has; a second one is not
 * waited for. */
static void on_signal(int sig)
{
	if (clock_interrupted()) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	clock_interrupt();
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART: blocked calls return EINTR */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* This is a gate for kernel changes: a run during which the kernel tainted itself is not a pass. */
static bool taint_changed(const struct run_info *info, FILE *tap)
{
	if (info->taint_after == info->taint_before)
		return false;
	fprintf(stderr, "nsharness: the kernel became tainted during the run (/proc/sys/kernel/tainted %ld -> %ld)\n",
		info->taint_before, info->taint_after);
	fprintf(tap, "Bail out! the kernel became tainted during the run (%ld -> %ld)\n", info->taint_before,
		info->taint_after);
	return true;
}

/* --backend all: every scenario under every backend; the stages whose verdicts differ are reported when
 * the reporters end, so the copies must live until then: the caller frees them (backends_copies_free). */
static unsigned run_everywhere(const struct options *opt, struct scenario **s, int n, struct outputs *o,
			       struct scenario ***copies, enum backend **backend_of)
{
	*copies = backends_copies(s, (unsigned)n, backend_of);
	if (!*copies) {
		fprintf(stderr, "nsharness: out of memory\n");
		return 1;
	}
	return jobs_run(*copies, (unsigned)n * BACKEND_COUNT, opt->jobs ? opt->jobs : default_jobs(), &opt->run,
			*backend_of, o->ptrs, o->n);
}

static int run_all(const struct options *opt, struct scenario **s, int n)
{
	double start = clock_now_s();
	struct backends_state cmp = { 0 };
	struct scenario **copies_of = NULL;
	enum backend *backend_of = NULL;
	struct run_info info;
	struct outputs o;
	unsigned nstages = 0, failed, copies = opt->all_backends ? BACKEND_COUNT : 1;
	bool tainted;

	run_info_init(&info);
	info.backend = opt->all_backends ? "all" : backend_name[opt->run.backend];
	if (outputs_open(&o, opt, n * copies, &info)) {
		outputs_close(&o);
		return EXIT_USAGE;
	}
	if (opt->all_backends)
		add_reporter(&o, &backends_reporter, o.reps[0].out, 0, &info), o.reps[o.n - 1].priv = &cmp;
	for (int i = 0; i < n; i++)
		nstages += s[i]->nstages * copies;
	catch_signals();
	for (unsigned i = 0; i < o.n; i++)
		o.ptrs[i]->ops->begin(o.ptrs[i], n * copies, nstages);
	if (opt->all_backends)
		failed = run_everywhere(opt, s, n, &o, &copies_of, &backend_of);
	else
		failed = jobs_run(s, n, opt->jobs ? opt->jobs : default_jobs(), &opt->run, NULL, o.ptrs, o.n);
	info.taint_after = proc_read_long("/proc/sys/kernel/tainted");
	info.seconds = clock_now_s() - start;
	for (unsigned i = 0; i < o.n; i++)
		o.ptrs[i]->ops->end(o.ptrs[i]);
	failed += cmp.disagreements;
	backends_copies_free(copies_of, backend_of);
	tainted = taint_changed(&info, o.reps[0].out);
	if (outputs_close(&o)) {
		fprintf(stderr, "nsharness: a report could not be written in full\n");
		return EXIT_CANNOT_RUN;
	}
	if (clock_interrupted())
		return EXIT_INTERRUPTED;
	return failed ? EXIT_STAGE_FAILED : tainted ? EXIT_TAINTED : EXIT_PASS;
}

/* Keeps the scenarios of this shard, in their order; frees the others. */
static int select_shard(const struct options *opt, struct scenario **s, int n)
{
	int kept = 0;

	for (int i = 0; i < n; i++) {
		if (!opt->shard_n || jobs_in_shard(s[i]->path, opt->shard_k, opt->shard_n))
			s[kept++] = s[i];
		else
			scenario_free(s[i]);
	}
	return kept;
}

static int cmd_run(const struct options *opt, int argc, char **argv)
{
	struct scenario **s = calloc(argc, sizeof(*s));
	int ret = EXIT_USAGE, n = argc;

	if (!s)
		return EXIT_CANNOT_RUN;
	if (load_all(argc, argv, s) == 0) {
		n = select_shard(opt, s, argc);
		if (n == 0) {
			printf("1..0 # SKIP no scenario falls in shard %u/%u\n", opt->shard_k, opt->shard_n);
			ret = EXIT_PASS;
		} else if (opt->nkernels) {
			catch_signals();   /* the guests need no namespace here: QEMU runs them */
			ret = kernels_run(opt, s, (unsigned)n);
		} else {
			ret = can_make_namespaces() ? run_all(opt, s, n) : EXIT_CANNOT_RUN;
		}
	}
	free_all(s, n);
	free(s);
	return ret;
}

/* verify: entering the setup's named namespaces needs the privilege that owns them: root. */
static int cmd_verify(const struct options *opt, int argc, char **argv)
{
	struct options vopt = *opt;
	struct scenario *s = NULL;
	int ret = EXIT_USAGE;

	if (argc != 1) {
		fprintf(stderr, "nsharness verify: one scenario at a time (it describes one existing setup)\n");
		return EXIT_USAGE;
	}
	if (opt->run.vacuity) {
		fprintf(stderr, "nsharness verify: --vacuity needs the scenario's steps, which verify never applies\n");
		return EXIT_USAGE;
	}
	vopt.run.verify_host = opt->host ? opt->host : "host";
	vopt.jobs = 1;
	if (scenario_load(argv[0], &s, stderr))
		return EXIT_USAGE;
	if (!(has_capability(CAP_SYS_ADMIN) && has_capability(CAP_NET_ADMIN))) {
		fprintf(stderr, "nsharness verify: entering the setup's namespaces needs root (CAP_SYS_ADMIN)\n");
		printf("1..0 # SKIP verify needs root to enter the setup's namespaces\n");
		ret = EXIT_CANNOT_RUN;
	} else {
		ret = run_all(&vopt, &s, 1);
	}
	scenario_free(s);
	return ret;
}

static const struct command commands[] = {
	{ "run", cmd_run, "build each scenario in throwaway namespaces and check its stages (TAP on stdout)" },
	{ "check", cmd_check, "parse and validate scenarios only; needs no privilege, creates nothing" },
	{ "verify", cmd_verify, "check an existing setup (this namespace as host, others from /run/netns)\n"
				"           against a scenario's expectations; creates and changes nothing" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: nsharness COMMAND [OPTIONS] SCENARIO...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	options_help(out);
}

/* -h and -V answer and end the run. */
static void answer_help(const struct options *opt)
{
	if (opt->show_help) {
		usage(stdout);
		exit(EXIT_PASS);
	}
	if (opt->show_version) {
		printf("nsharness %s\n", NSH_VERSION);
		exit(EXIT_PASS);
	}
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
		if (options_parse(argc, argv, &opt) == 0) {
			answer_help(&opt);
			fprintf(stderr, "nsharness: a command is needed\n");
		}
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!cmd) {
		fprintf(stderr, "nsharness: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	argc--, argv++;
	if (options_parse(argc, argv, &opt))
		return EXIT_USAGE;
	answer_help(&opt);
	if (optind >= argc) {
		fprintf(stderr, "nsharness %s: no scenario given\n", cmd->name);
		return EXIT_USAGE;
	}
	for (unsigned b = 0; b < BACKEND_COUNT; b++)
		iptables_tools_init(&opt.run.tools[b], (enum backend)b, opt.iptables_path[b]);
	if (opt.run.keep_captures && !opt.run.out_dir) {
		fprintf(stderr, "nsharness: --keep-captures needs --out DIR\n");
		return EXIT_USAGE;
	}
	return cmd->fn(&opt, argc - optind, argv + optind);
}
