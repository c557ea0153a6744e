/* kernels.c — one boot per kernel: make the image ready (cached), write the guest's job, boot, collect. */
#define _GNU_SOURCE
#include "harness/cli/kernels.h"
#include "harness/cli/kernels_report.h"
#include "harness/vm/guest.h"
#include "harness/vm/kcache.h"
#include "harness/vm/qemu.h"
#include "harness/vm/paths.h"
#include "harness/vm/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Everything but the guest's own output (its readiness, an image's extraction) gets this long. */
#define PREPARE_MS 600000

static char *slurp(const char *dir, const char *name)
{
	char path[PATH_MAX];
	FILE *f;
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "re")))
		return NULL;
	n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The guest's command line: the same run, its reports on the guest's files, evidence under out. */
static int guest_argv(const struct options *opt, struct scenario *const *s, unsigned n, const char *out,
		      char self[PATH_MAX], char **argv, char text[8][32])
{
	ssize_t len = readlink("/proc/self/exe", self, PATH_MAX - 1);
	int c = 0;

	if (len <= 0)
		return -1;
	self[len] = '\0';
	argv[c++] = self;
	for (const char *w = "run\0-q\0--tap\0" GUEST_TAP_PATH "\0--junit\0" GUEST_JUNIT_PATH "\0"; *w; w += strlen(w) + 1)
		argv[c++] = (char *)w;
	argv[c++] = "--tap-version";
	argv[c++] = opt->tap14 ? "14" : "13";
	argv[c++] = "--backend";
	argv[c++] = opt->all_backends ? "all" : (char *)backend_name[opt->run.backend];
	snprintf(text[0], 32, "%g", opt->timeout_scale > 0 ? opt->timeout_scale : 1.0);
	argv[c++] = "--timeout-scale";
	argv[c++] = text[0];
	if (opt->scenario_timeout_s) {
		snprintf(text[1], 32, "%u", opt->scenario_timeout_s);
		argv[c++] = "--scenario-timeout";
		argv[c++] = text[1];
	}
	if (opt->jobs) {
		snprintf(text[2], 32, "%u", opt->jobs);
		argv[c++] = "--jobs";
		argv[c++] = text[2];
	}
	if (out) {
		argv[c++] = "--out";
		argv[c++] = (char *)out;
	}
	if (opt->relative_paths)
		argv[c++] = "--attachment-paths=relative";
	if (opt->run.keep_captures)
		argv[c++] = "--keep-captures";
	if (opt->run.vacuity)
		argv[c++] = "--vacuity";
	if (opt->run.verbose)
		argv[c++] = "--verbose";
	for (unsigned b = 0; b < BACKEND_COUNT; b++)
		if (opt->iptables_path[b]) {
			argv[c++] = b == BACKEND_IPTABLES_LEGACY ? "--iptables-legacy" : "--iptables";
			argv[c++] = (char *)opt->iptables_path[b];
		}
	argv[c++] = "--";
	for (unsigned i = 0; i < n; i++)
		argv[c++] = s[i]->path;
	argv[c] = NULL;
	return c;
}

/* Writes the job script into dir/job.sh.  0 or -1. */
static int write_job(const struct options *opt, struct scenario *const *s, unsigned n, const char *out,
		     const char *dir, char *path, size_t pathlen)
{
	char self[PATH_MAX], cwd[PATH_MAX], text[8][32];
	char **argv = calloc(n + 40, sizeof(*argv));
	int argc, fd, r = -1;
	char *job = NULL;

	if (argv && getcwd(cwd, sizeof(cwd)) && (argc = guest_argv(opt, s, n, out, self, argv, text)) > 0)
		job = guest_job(cwd, out, argv, argc);
	path_of(path, pathlen, "%s/job.sh", dir);
	if (job && (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644)) >= 0) {
		r = write(fd, job, strlen(job)) == (ssize_t)strlen(job) ? 0 : -1;
		if (close(fd))
			r = -1;
	}
	free(job);
	free(argv);
	return r;
}

/* The label: the release, with "~N" when an earlier kernel of the run has the same. */
static void make_label(struct kernel_outcome *k, unsigned i, const struct kernel_outcome *all)
{
	unsigned same = 0;
	const char *base = k->release[0] ? k->release : "unknown";

	for (unsigned j = 0; j < i; j++)
		same += !strcmp(all[j].release[0] ? all[j].release : "unknown", base);
	if (same)
		snprintf(k->label, sizeof(k->label), "%s~%u", base, same + 1);
	else
		snprintf(k->label, sizeof(k->label), "%s", base);
}

static msec_t boot_deadline(const struct options *opt, unsigned n)
{
	double scale = opt->timeout_scale > 0 ? opt->timeout_scale : 1.0;
	double s = opt->kernel_timeout_s ? opt->kernel_timeout_s : 90.0 + 45.0 * n;

	return deadline_after((msec_t)(s * scale * 1000));
}

/* The evidence folder of this kernel (OUT/LABEL), made; NULL without --out. */
static const char *evidence_dir(const struct options *opt, const struct kernel_outcome *k, char *buf, size_t len)
{
	if (!opt->run.out_dir)
		return NULL;
	mkdir(opt->run.out_dir, 0755);
	snprintf(buf, len, "%s/%s", opt->run.out_dir, k->label);
	if (mkdir(buf, 0755) && errno != EEXIST)
		return NULL;
	return buf;
}

static void collect(struct kernel_outcome *k, const struct boot_result *res, const char *dir, const char *out)
{
	char *err;

	k->seconds = res->seconds;
	k->finished = res->end == BOOT_FINISHED && res->guest_status != EXIT_USAGE && res->guest_status != EXIT_CANNOT_RUN;
	k->guest_status = res->guest_status;
	if (res->end == BOOT_FINISHED && res->guest_status == EXIT_CANNOT_RUN) {
		/* exit 3 is also a run whose stages could not all run here (a skip): then its report is whole */
		k->tap = slurp(dir, guest_port_file[PORT_TAP]);
		k->finished = k->tap && strstr(k->tap, "\n1..");
		if (!k->finished) {
			free(k->tap);
			k->tap = NULL;
		}
	}
	if (!k->finished) {
		err = res->end == BOOT_FINISHED ? slurp(dir, guest_port_file[PORT_ERR]) : NULL;
		if (res->end == BOOT_FINISHED && asprintf(&k->reason, "nsharness could not run in the guest (status %d): %s",
							  res->guest_status, err ? err : "") < 0)
			k->reason = NULL;
		else if (res->end != BOOT_FINISHED)
			k->reason = strdup(res->reason);
		free(err);
		return;
	}
	if (!k->tap)
		k->tap = slurp(dir, guest_port_file[PORT_TAP]);
	k->junit = slurp(dir, guest_port_file[PORT_JUNIT]);
	k->nverdicts = k->junit ? junit_verdicts(k->junit, &k->verdicts) : 0;
	if (out) {
		char tar[PATH_MAX], why[256];
		struct stat st;

		path_of(tar, sizeof(tar), "%s/%s", dir, guest_port_file[PORT_EVIDENCE]);
		if (stat(tar, &st) == 0 && st.st_size > 0 &&
		    spawn_ok((char *[]){ "tar", "-x", "-f", tar, "-C", (char *)out, NULL }, -1, -1,
			     deadline_after(PREPARE_MS), why, sizeof(why)))
			fprintf(stderr, "nsharness: the evidence of %s could not be unpacked: %s\n", k->label, why);
	}
}

/* One kernel: ready it, boot it with the job, collect what came back; its tmp folder is removed after. */
static void run_kernel(const struct options *opt, struct scenario *const *s, unsigned n, const char *cache,
		       const struct kernel_spec *spec, unsigned i, struct kernel_outcome *all)
{
	struct kernel_outcome *k = &all[i];
	struct kernel_ready ready;
	struct boot_result res = { .end = BOOT_NOT_STARTED };
	char err[1024] = "", dir[PATH_MAX], job[PATH_MAX], console[PATH_MAX], outbuf[PATH_MAX];
	const char *tmp = getenv("TMPDIR"), *out;

	k->image = spec->image;
	k->accel = qemu_accel();
	if (kcache_prepare(spec->image, spec->modules, cache, deadline_after(PREPARE_MS), &ready, err, sizeof(err))) {
		snprintf(k->release, sizeof(k->release), "%s", ready.release);
		make_label(k, i, all);
		k->reason = strdup(err);
		return;
	}
	snprintf(k->release, sizeof(k->release), "%s", ready.release);
	make_label(k, i, all);
	out = evidence_dir(opt, k, outbuf, sizeof(outbuf));
	snprintf(dir, sizeof(dir), "%s/nsharness-vm.XXXXXX", tmp && *tmp == '/' && !strchr(tmp, ' ') ? tmp : "/tmp");
	if (!mkdtemp(dir) || write_job(opt, s, n, out, dir, job, sizeof(job))) {
		k->reason = strdup("cannot write the guest's job in a temporary folder");
		return;
	}
	path_of(console, sizeof(console), "%s/console.log", out ? out : dir);
	if (!opt->quiet)
		fprintf(stderr, "nsharness: booting %s (%s) under %s%s\n", k->label, spec->image,
			strcmp(k->accel, "kvm") ? "TCG (emulation; no usable hardware KVM)" : "KVM",
			ready.cached ? "" : ", kernel and initramfs prepared now");
	qemu_boot(&(struct boot_request){ .kernel = &ready, .append = spec->append, .job = job, .dir = dir,
					  .console = console, .accel = k->accel, .cpus = 2, .memory_mb = 1024 },
		  boot_deadline(opt, n), &res);
	collect(k, &res, dir, out);
	spawn_ok((char *[]){ "rm", "-rf", dir, NULL }, -1, -1, deadline_after(PREPARE_MS), err, sizeof(err));
	if (!opt->quiet)
		fprintf(stderr, "nsharness: %s %s in %.1f s\n", k->label,
			k->finished ? "ran the scenarios" : "did not finish: infrastructure error", k->seconds);
}

/* The run's status: an unfinished guest first, then the guests' own, worst first. */
static int overall_status(const struct kernel_outcome *k, unsigned nk)
{
	int worst = EXIT_PASS;

	if (clock_interrupted())
		return EXIT_INTERRUPTED;
	for (unsigned i = 0; i < nk; i++)
		if (!k[i].finished)
			return EXIT_INFRA;
	for (unsigned i = 0; i < nk; i++)
		if (k[i].guest_status == EXIT_STAGE_FAILED || k[i].guest_status == EXIT_INTERRUPTED ||
		    ((k[i].guest_status == EXIT_TAINTED || k[i].guest_status == EXIT_CANNOT_RUN) && worst == EXIT_PASS))
			worst = worst == EXIT_STAGE_FAILED ? worst : k[i].guest_status;
	return worst;
}

static int write_reports(const struct options *opt, const struct kernel_outcome *k, unsigned nk)
{
	FILE *f;
	int bad = 0;

	for (unsigned t = 0; t < (opt->ntap ? opt->ntap : 1); t++) {
		const char *path = opt->ntap ? opt->tap_paths[t] : "-";

		f = strcmp(path, "-") ? fopen(path, "we") : stdout;
		if (!f) {
			fprintf(stderr, "nsharness: cannot write %s: %s\n", path, strerror(errno));
			return -1;
		}
		kernels_write_tap(f, opt->tap14, k, nk);
		bad |= f == stdout ? fflush(f) : fclose(f);
	}
	if (nk > 1 && !opt->quiet)
		kernels_write_differential(stderr, "nsharness:", k, nk);
	if (opt->junit_path) {
		if (!(f = fopen(opt->junit_path, "we"))) {
			fprintf(stderr, "nsharness: cannot write %s: %s\n", opt->junit_path, strerror(errno));
			return -1;
		}
		kernels_write_junit(f, k, nk);
		bad |= fclose(f);
	}
	return bad ? -1 : 0;
}

int kernels_run(const struct options *opt, struct scenario *const *s, unsigned n)
{
	struct kernel_outcome *k = calloc(opt->nkernels, sizeof(*k));
	char cache[PATH_MAX], err[512];
	int status;

	if (!k)
		return EXIT_CANNOT_RUN;
	if (kcache_dir(opt->kernel_cache, cache, sizeof(cache), err, sizeof(err))) {
		fprintf(stderr, "nsharness: %s\n", err);
		free(k);
		return EXIT_CANNOT_RUN;
	}
	for (unsigned i = 0; i < opt->nkernels && !clock_interrupted(); i++)
		run_kernel(opt, s, n, cache, &opt->kernels[i], i, k);
	status = overall_status(k, opt->nkernels);
	if (write_reports(opt, k, opt->nkernels))
		status = EXIT_CANNOT_RUN;
	for (unsigned i = 0; i < opt->nkernels; i++) {
		if (!k[i].finished && !opt->quiet)
			fprintf(stderr, "nsharness: %s: infrastructure error: %s", k[i].label, k[i].reason ? k[i].reason : "?\n");
		free(k[i].reason), free(k[i].tap), free(k[i].junit), free(k[i].verdicts);
	}
	free(k);
	return status;
}
