/* qemu.c — composing QEMU's command line and running it to its end or its deadline. */
#include "harness/vm/qemu.h"
#include "harness/vm/guest.h"
#include "harness/vm/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *qemu_accel(void)
{
	const char *env = getenv("NSHARNESS_VM_ACCEL");

	if (env && (!strcmp(env, "kvm") || !strcmp(env, "tcg")))
		return env;
	if (access("/dev/kvm", R_OK | W_OK) == 0 &&
	    (access("/sys/module/kvm_intel", F_OK) == 0 || access("/sys/module/kvm_amd", F_OK) == 0))
		return "kvm";
	return "tcg";
}

char *qemu_escape(const char *value, char *out, size_t outlen)
{
	size_t n = 0;

	for (const char *p = value; *p && n + 2 < outlen; p++) {
		out[n++] = *p;
		if (*p == ',')
			out[n++] = ',';
	}
	if (outlen)
		out[n < outlen ? n : outlen - 1] = '\0';
	return out;
}

static void arg(struct qemu_cmd *c, const char *word)
{
	if (c->n + 1 < sizeof(c->argv) / sizeof(c->argv[0]))
		c->argv[c->n++] = (char *)word;
	c->argv[c->n] = NULL;
}

static void argf(struct qemu_cmd *c, const char *fmt, ...)
{
	va_list ap;

	if (c->ntext == sizeof(c->text) / sizeof(c->text[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(c->text[c->ntext], sizeof(c->text[0]), fmt, ap);
	va_end(ap);
	arg(c, c->text[c->ntext++]);
}

/* One virtio-serial port per guest_port, each written by QEMU into a file of its own. */
static void ports(const struct boot_request *req, struct qemu_cmd *c)
{
	char path[4096], esc[4200];

	arg(c, "-device");
	arg(c, "virtio-serial-pci");
	for (unsigned i = 0; i < PORT_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s", req->dir, guest_port_file[i]);
		arg(c, "-chardev");
		argf(c, "file,id=p%u,path=%s", i, qemu_escape(path, esc, sizeof(esc)));
		arg(c, "-device");
		argf(c, "virtserialport,chardev=p%u,name=%s", i, guest_port_name[i]);
	}
}

/* Machine pc: under emulation microvm needs the host's TSC rate (it hangs about 1 boot in 6 without), pc
 * does not.  panic=-1 and -no-reboot turn a panic into QEMU's exit; the status port tells it from a pass. */
void qemu_command(const struct boot_request *req, struct qemu_cmd *c)
{
	bool kvm = !strcmp(req->accel, "kvm");

	memset(c, 0, sizeof(*c));
	arg(c, "qemu-system-x86_64");
	for (const char *w = "-nodefaults\0-no-user-config\0-nographic\0-no-reboot\0-M\0pc\0"; *w; w += strlen(w) + 1)
		arg(c, w);
	arg(c, "-accel");
	arg(c, kvm ? "kvm" : "tcg,tb-size=64");
	arg(c, "-cpu");
	arg(c, kvm ? "host" : "max");
	arg(c, "-smp");
	argf(c, "%u", req->cpus);
	arg(c, "-m");
	argf(c, "%u", req->memory_mb);
	arg(c, "-kernel");
	arg(c, req->kernel->boot);
	arg(c, "-initrd");
	arg(c, req->kernel->initrd);
	arg(c, "-append");
	argf(c, "console=ttyS0 panic=-1 rdinit=/init nsh.job=%s%s%s", req->job, req->append ? " " : "",
	     req->append ? req->append : "");
	arg(c, "-serial");
	argf(c, "file:%s", req->console);
	arg(c, "-monitor");
	arg(c, "none");
	arg(c, "-fsdev");
	arg(c, "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap");
	arg(c, "-device");
	arg(c, "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot");
	ports(req, c);
}

static bool printable_line(char *line)
{
	size_t k = 0;

	for (size_t i = 0; line[i]; i++)
		if ((unsigned char)line[i] >= ' ' && line[i] != 0x7f)
			line[k++] = line[i];
	line[k] = '\0';
	return k > 0;
}

void console_tail(const char *path, unsigned n, char *out, size_t outlen)
{
	FILE *f = fopen(path, "re");
	char (*ring)[256] = calloc(n ? n : 1, sizeof(*ring));
	char line[4096];
	unsigned count = 0;
	size_t used = 0;

	if (outlen)
		out[0] = '\0';
	if (!f || !ring || !n) {
		if (f)
			fclose(f);
		free(ring);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (printable_line(line))
			snprintf(ring[count++ % n], sizeof(ring[0]), "%.*s", (int)sizeof(ring[0]) - 1, line);
	}
	fclose(f);
	for (unsigned i = count > n ? count - n : 0; i < count && used + 1 < outlen; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%s\n", ring[i % n]);
	free(ring);
}

static void read_small(const char *path, char *out, size_t outlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, out, outlen - 1) : -1;

	out[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* The console's panic line ("Kernel panic - not syncing: ..."), which a backtrace pushes out of the tail. */
static void panic_line(const char *path, char *out, size_t outlen)
{
	FILE *f = fopen(path, "re");
	char line[1024];

	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "Kernel panic - not syncing") && printable_line(line))
			snprintf(out, outlen, "%.*s\n", (int)outlen - 2, line);
	if (f)
		fclose(f);
}

/* The reason a boot did not finish: what happened, QEMU's own last word, the panic, the console's last lines. */
static void explain(const struct boot_request *req, struct boot_result *res, const char *what)
{
	char path[4096], qemu_said[512] = "", tail[1536], panic[256];
	size_t used;

	snprintf(path, sizeof(path), "%s/qemu.log", req->dir);
	console_tail(path, 1, qemu_said, sizeof(qemu_said));
	console_tail(req->console, 12, tail, sizeof(tail));
	panic_line(req->console, panic, sizeof(panic));
	used = (size_t)snprintf(res->reason, sizeof(res->reason), "%s%s%.*s\n%s", what, qemu_said[0] ? "; qemu: " : "",
				(int)strcspn(qemu_said, "\n"), qemu_said, panic);
	if (used < sizeof(res->reason))
		snprintf(res->reason + used, sizeof(res->reason) - used, "%s",
			 tail[0] ? tail : "(the console is empty)\n");
}

void qemu_boot(const struct boot_request *req, msec_t deadline, struct boot_result *res)
{
	struct qemu_cmd cmd;
	char path[4096], status[64], err[512];
	int log, wstatus = 0;
	double start = clock_now_s();
	enum spawn_end end;

	memset(res, 0, sizeof(*res));
	qemu_command(req, &cmd);
	snprintf(path, sizeof(path), "%s/qemu.log", req->dir);
	log = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	end = spawn_wait(cmd.argv, -1, log, log, deadline, &wstatus, err, sizeof(err));
	if (log >= 0)
		close(log);
	res->seconds = clock_now_s() - start;
	snprintf(path, sizeof(path), "%s/%s", req->dir, guest_port_file[PORT_STATUS]);
	read_small(path, status, sizeof(status));
	res->guest_status = guest_status_parse(status);
	if (end == SPAWN_FAILED) {
		res->end = BOOT_NOT_STARTED;
		snprintf(res->reason, sizeof(res->reason), "%s (install qemu-system-x86)\n", err);
	} else if (end == SPAWN_INTERRUPTED) {
		res->end = BOOT_INTERRUPTED;
		explain(req, res, "interrupted (SIGINT or SIGTERM): the guest was stopped");
	} else if (end == SPAWN_DEADLINE) {
		res->end = BOOT_DEADLINE;
		snprintf(err, sizeof(err), "the guest hung: no exit status within the boot's deadline of %.0f s, "
					   "QEMU killed", res->seconds);
		explain(req, res, err);
	} else if (res->guest_status < 0) {
		res->end = BOOT_NO_STATUS;
		snprintf(err, sizeof(err), "the guest ended without an exit status (the kernel panicked or the guest "
					   "could not run nsharness; QEMU %s %d)",
			 WIFEXITED(wstatus) ? "exited" : "killed by signal",
			 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus));
		explain(req, res, err);
	} else {
		res->end = BOOT_FINISHED;
	}
}
