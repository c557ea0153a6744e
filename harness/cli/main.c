/* main.c — the command line: nsharness run|check [options] SCENARIO... */
#include "harness/base/clock.h"
#include "harness/scenario/model.h"
#include "harness/cli/backends.h"
#include "harness/cli/jobs.h"
#include "harness/cli/kernels.h"
#include "harness/cli/rootless.h"
#include "harness/cli/select.h"
#include "harness/base/netns.h"
#include "harness/base/outfile.h"
#include "harness/cli/options.h"
#include "harness/run/runner.h"
#include "harness/world/world.h"
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

/* The plan of a run that runs nothing, on stdout and on every --tap file, headed by its version line like
 * every output form (a KTAP reader finds no output without one): "1..0 # SKIP why" in TAP; in KTAP, whose
 * readers count a plan of 0 as an error, one skipped test that says why. */
static void write_skip(FILE *out, const struct options *opt, const char *why)
{
	if (opt->ktap)
		fprintf(out, "KTAP version 1\n1..1\nok 1 nsharness # SKIP %s\n", why);
	else
		fprintf(out, "TAP version %d\n1..0 # SKIP %s\n", opt->tap14 ? 14 : 13, why);
}

static void skip_all(const struct options *opt, const char *why)
{
	FILE *f;

	char err[512];
	int fd;

	write_skip(stdout, opt, why);
	for (unsigned i = 0; i < opt->ntap; i++) {
		if (!strcmp(opt->tap_paths[i], "-"))
			continue;
		fd = report_file_open(opt->tap_paths[i], err, sizeof(err));   /* no planted link followed */
		if (fd < 0 || !(f = fdopen(fd, "w"))) {
			fprintf(stderr, "nsharness: %s\n", fd < 0 ? err : strerror(errno));
			if (fd >= 0)
				close(fd);
			continue;
		}
		write_skip(f, opt, why);
		fclose(f);
	}
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
static int can_make_namespaces(const struct options *opt)
{
	char why[512], skip[600];

	if (has_capability(CAP_SYS_ADMIN) && has_capability(CAP_NET_ADMIN))
		return 1;
	if (rootless_enter(why, sizeof(why)) == 0 && has_capability(CAP_SYS_ADMIN))
		return 1;
	fprintf(stderr, "nsharness: cannot create network namespaces without root: %s\n", why);
	snprintf(skip, sizeof(skip), "cannot create network namespaces: %s", why);
	skip_all(opt, skip);
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
	struct reporter reps[MAX_TAP_OUTPUTS + 4];   /* TAP, JUnit, the human view, --backend all, the tally */
	struct reporter *ptrs[MAX_TAP_OUTPUTS + 4];
	unsigned n;
	FILE *files[MAX_TAP_OUTPUTS + 1];
	unsigned nfiles;
};

/* A --tap or --junit FILE, opened by outfile.h's rules: no planted link or hard link makes a root run write
 * someone else's file. */
static FILE *open_output(struct outputs *o, const char *path)
{
	char err[512];
	FILE *f;
	int fd;

	if (!strcmp(path, "-"))
		return stdout;
	fd = report_file_open(path, err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "nsharness: %s\n", err);
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		fprintf(stderr, "nsharness: cannot write %s: %s\n", path, strerror(errno));
		close(fd);
	} else {
		o->files[o->nfiles++] = f;
	}
	return f;
}

static void add_reporter(struct outputs *o, const struct reporter_ops *ops, FILE *out, unsigned flags,
			 const struct run_info *info)
{
	o->reps[o->n] = (struct reporter){ .ops = ops, .out = out, .flags = flags, .info = info };
	o->ptrs[o->n] = &o->reps[o->n];
	o->n++;
}

/* Colours in the human view on out: --color, or (auto) a terminal without NO_COLOR and not TERM=dumb. */
static bool use_color(const struct options *opt, FILE *out)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");

	if (opt->color != COLOR_AUTO)
		return opt->color == COLOR_ALWAYS;
	return isatty(fileno(out)) && !(no_color && *no_color) && !(term && !strcmp(term, "dumb"));
}

/* A person at a terminal reads the human view; TAP goes to the terminal only when asked (--tap -). */
static bool human_on_stdout(const struct options *opt)
{
	return !opt->ntap && isatty(STDOUT_FILENO);
}

static void add_human_view(struct outputs *o, const struct options *opt, FILE *out, unsigned nscenarios,
			   const struct run_info *info)
{
	unsigned flags = use_color(opt, out) ? REPORT_COLOR : 0;

	if (nscenarios > 1 && !opt->run.verbose)
		flags |= REPORT_PROGRESS;
	add_reporter(o, &terminal_reporter, out, flags, info);
}

static int outputs_open(struct outputs *o, const struct options *opt, unsigned nscenarios, const struct run_info *info)
{
	const struct reporter_ops *tap = opt->ktap ? &ktap_reporter : &tap_reporter;
	unsigned tap_flags = opt->tap14 ? REPORT_TAP14 : 0;
	bool tap_on_terminal = false;
	FILE *f;

	memset(o, 0, sizeof(*o));
	if (human_on_stdout(opt))
		add_human_view(o, opt, stdout, nscenarios, info);
	else if (!opt->ntap)
		add_reporter(o, tap, stdout, tap_flags, info), tap_on_terminal = isatty(STDOUT_FILENO);
	for (unsigned i = 0; i < opt->ntap; i++) {
		if (!(f = open_output(o, opt->tap_paths[i])))
			return -1;
		add_reporter(o, tap, f, tap_flags, info);
		tap_on_terminal |= f == stdout && isatty(STDOUT_FILENO);
	}
	if (opt->junit_path) {
		if (!(f = open_output(o, opt->junit_path)))
			return -1;
		add_reporter(o, &junit_reporter, f, opt->relative_paths ? REPORT_RELATIVE_PATHS : 0, info);
	}
	/* Beside a pipe or file, a person watching stderr gets the human view there; not when TAP already shows on
	 * the same terminal (everything would appear twice). */
	if (!opt->quiet && !human_on_stdout(opt) && !tap_on_terminal && isatty(STDERR_FILENO))
		add_human_view(o, opt, stderr, nscenarios, info);
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

/* Installed first thing in main: a SIGTERM that lands while the options are read ends the run as an
 * interruption (reported), never by the default action. */
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

/* Counts the stages this machine could not run (a missing program): a run with such stages and no failure
 * is no pass, but no verdict either: it exits "cannot run here". */
static void tally_stage(struct reporter *r, const struct scenario_result *res, const struct stage_result *st)
{
	(void)res;
	*(unsigned *)r->priv += st->cannot_run;
}

static void tally_none(struct reporter *r)
{
	(void)r;
}

static void tally_begin(struct reporter *r, unsigned nscenarios, unsigned nstages)
{
	(void)r, (void)nscenarios, (void)nstages;
}

static void tally_scenario(struct reporter *r, const struct scenario_result *res)
{
	(void)r, (void)res;
}

static const struct reporter_ops tally_reporter = { tally_begin, tally_stage, tally_scenario, tally_none };

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
	unsigned nstages = 0, failed, cannot_run = 0, copies = opt->all_backends ? BACKEND_COUNT : 1;
	bool tainted;

	run_info_init(&info);
	info.backend = opt->all_backends ? "all" : backend_name[opt->run.backend];
	if (outputs_open(&o, opt, n * copies, &info)) {
		outputs_close(&o);
		return EXIT_USAGE;
	}
	if (opt->all_backends)
		add_reporter(&o, &backends_reporter, o.reps[0].out, 0, &info), o.reps[o.n - 1].priv = &cmp;
	add_reporter(&o, &tally_reporter, NULL, 0, &info), o.reps[o.n - 1].priv = &cannot_run;
	for (int i = 0; i < n; i++)
		nstages += s[i]->nstages * copies;
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
	if (failed)
		return EXIT_STAGE_FAILED;
	return cannot_run ? EXIT_CANNOT_RUN : tainted ? EXIT_TAINTED : EXIT_PASS;
}

/* The run's scenarios, as the command line selects them (select.h).  The count, or -1 (out of memory). */
static int select_all(const struct options *opt, struct selection *sel, bool *shard_empty)
{
	select_shard(sel, opt->shard_k, opt->shard_n);
	*shard_empty = sel->n == 0;
	select_filter(sel, opt->filters, opt->nfilters);
	if (opt->list)
		return (int)sel->n;
	if (select_repeat(sel, opt->repeat)) {
		fprintf(stderr, "nsharness: out of memory\n");
		return -1;
	}
	select_unique_names(sel, stderr);
	return (int)sel->n;
}

/* Nothing selected: an empty shard is a pass (a CI matrix has more shards than scenarios); a filter that
 * names nothing is a mistake. */
static int run_nothing(const struct options *opt, bool shard_empty)
{
	char why[64];

	if (!shard_empty) {
		fprintf(stderr, "nsharness: no scenario or stage matches --filter (see --list)\n");
		return EXIT_USAGE;
	}
	snprintf(why, sizeof(why), "no scenario falls in shard %u/%u", opt->shard_k, opt->shard_n);
	skip_all(opt, why);
	return opt->kselftest ? EXIT_CANNOT_RUN : EXIT_PASS;   /* kselftest: nothing tested is a skip */
}

static int cmd_run(const struct options *opt, int argc, char **argv)
{
	struct scenario **s = calloc(argc, sizeof(*s));
	struct selection sel;
	int ret = EXIT_USAGE, n;
	bool shard_empty;

	if (!s)
		return EXIT_CANNOT_RUN;
	if (load_all(argc, argv, s)) {
		free_all(s, argc);
		free(s);
		return EXIT_USAGE;
	}
	selection_init(&sel, s, (unsigned)argc);
	n = select_all(opt, &sel, &shard_empty);
	if (n < 0)
		ret = EXIT_CANNOT_RUN;
	else if (opt->list)
		select_list(&sel, stdout), ret = EXIT_PASS;
	else if (n == 0)
		ret = run_nothing(opt, shard_empty);
	else if (opt->nkernels)
		ret = kernels_run(opt, sel.s, (unsigned)n);   /* QEMU runs the guests: no namespace here */
	else
		ret = can_make_namespaces(opt) ? run_all(opt, sel.s, n) : EXIT_CANNOT_RUN;
	selection_free(&sel);
	return ret;
}

/* verify: entering the setup's named namespaces needs the privilege that owns them: root. */
static int cmd_verify(const struct options *opt, int argc, char **argv)
{
	struct options vopt = *opt;
	struct scenario *s = NULL;
	int ret = EXIT_USAGE;
	char why[768];

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
		skip_all(opt, "verify needs root to enter the setup's namespaces");
		ret = EXIT_CANNOT_RUN;
	} else if (world_attach_check(s, vopt.run.verify_host, why, sizeof(why))) {
		/* The operator's first mistake: not a verdict on the setup, a setup that is not there. */
		fprintf(stderr, "nsharness verify: %s\n", why);
		skip_all(opt, why);
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

/* --out: the folder opened once, before anything runs, without following links; a folder another user owns
 * or can write (or anything planted inside it) is refused here, with nothing written. */
static int open_out_dir(struct options *opt)
{
	char err[512];

	opt->run.out_fd = -1;
	if (!opt->run.out_dir)
		return 0;
	opt->run.out_fd = outdir_open(opt->run.out_dir, err, sizeof(err));
	if (opt->run.out_fd < 0) {
		fprintf(stderr, "nsharness: %s\n", err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt = { 0 };
	const struct command *cmd = NULL;

	catch_signals();
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
	if (cmd->fn != cmd_check && !opt.list && open_out_dir(&opt))
		return EXIT_USAGE;
	return options_exit_status(&opt, cmd->fn(&opt, argc - optind, argv + optind));
}
