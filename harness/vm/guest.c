/* guest.c — the guest's side of the protocol (its init script) and the host's words for it. */
#include "harness/vm/guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const guest_port_name[PORT_COUNT] = { "nsh.tap", "nsh.junit", "nsh.err", "nsh.evidence", "nsh.status" };
const char *const guest_port_file[PORT_COUNT] = { "tap", "junit.xml", "stderr", "evidence.tar", "status" };

/* Each failure is said on the console (the host shows its last lines) before the stage that cannot go on
 * gives up; a guest that gives up powers off without a status, which the host reports as an
 * infrastructure error.  Stage 2 runs from the overlay with a copy of busybox, as the initramfs is gone. */
const char guest_init_script[] =
	"#!/bin/busybox sh\n"
	"# nsharness guest init (harness/vm/guest.c)\n"
	"/bin/busybox mkdir -p /proc /sys /dev /lower /rw /newroot\n"
	"/bin/busybox --install -s /bin\n"
	"export PATH=/bin\n"
	"die() { echo \"nsharness-init: $*\"; poweroff -f; }\n"
	"mount -t devtmpfs dev /dev || die cannot mount devtmpfs\n"
	"mount -t proc proc /proc && mount -t sysfs sys /sys || die cannot mount proc and sysfs\n"
	"while read -r m args; do\n"
	"  insmod \"$m\" $args 2>/dev/null || echo \"nsharness-init: cannot load ${m##*/}\"\n"
	"done </modules\n"
	"job=$(sed -n 's/.*nsh\\.job=\\([^ ]*\\).*/\\1/p' /proc/cmdline)\n"
	"[ -n \"$job\" ] || die no nsh.job= on the kernel command line\n"
	"mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=262144,cache=loose hostroot /lower ||\n"
	"  die cannot mount the host root over 9p: the kernel needs virtio-pci, 9p and 9pnet_virtio\n"
	"mount -t tmpfs -o mode=0755 rw /rw && mkdir /rw/upper /rw/work || die cannot mount a tmpfs\n"
	"mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work root /newroot ||\n"
	"  die cannot mount the overlay: the kernel needs overlayfs\n"
	"for d in proc sys dev; do mount --move /$d /newroot/$d; done\n"
	"mount -t tmpfs -o mode=0755 run /newroot/run && mkdir -p /newroot/run/nsh || die cannot mount /run\n"
	"cp \"/newroot$job\" /newroot/run/nsh/job.sh || die cannot read the job $job\n"
	"mount -t tmpfs -o mode=1777 tmp /newroot/tmp\n"
	"cp /bin/busybox /newroot/run/nsh/busybox && cp /stage2 /newroot/run/nsh/stage2\n"
	"exec switch_root /newroot /run/nsh/busybox sh /run/nsh/stage2\n";

const char guest_stage2_script[] =
	"# nsharness guest stage 2 (harness/vm/guest.c), run by busybox from the overlay root\n"
	"B=/run/nsh/busybox\n"
	"export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
	"port() { for d in /sys/class/virtio-ports/*; do [ \"$($B cat $d/name)\" = \"$1\" ] && echo /dev/${d##*/}; done; }\n"
	"export NSH_EVIDENCE_PORT=$(port nsh.evidence) NSH_BUSYBOX=$B\n"
	"$B sh /run/nsh/job.sh </dev/null >/dev/null 2>\"$(port nsh.err)\"\n"
	"rc=$?\n"
	"[ -f " GUEST_TAP_PATH " ] && $B cat " GUEST_TAP_PATH " >\"$(port nsh.tap)\"\n"
	"[ -f " GUEST_JUNIT_PATH " ] && $B cat " GUEST_JUNIT_PATH " >\"$(port nsh.junit)\"\n"
	"echo \"exit $rc\" >\"$(port nsh.status)\"\n"
	"$B sync\n"
	"$B poweroff -f\n";

void guest_quote(FILE *f, const char *word)
{
	fputc('\'', f);
	for (const char *p = word; *p; p++)
		*p == '\'' ? fputs("'\\''", f) : fputc(*p, f);
	fputc('\'', f);
}

char *guest_job(const char *cwd, const char *out, char *const *argv, int argc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fputs("cd ", f);
	guest_quote(f, cwd);
	fputs(" || exit 3\n", f);
	for (int i = 0; i < argc; i++) {
		guest_quote(f, argv[i]);
		fputc(i + 1 < argc ? ' ' : '\n', f);
	}
	fputs("rc=$?\n", f);
	if (out) {
		fputs("[ -d ", f);
		guest_quote(f, out);
		fputs(" ] && \"$NSH_BUSYBOX\" tar -c -f - -C ", f);
		guest_quote(f, out);
		fputs(" . >\"$NSH_EVIDENCE_PORT\"\n", f);
	}
	fputs("exit $rc\n", f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

int guest_status_parse(const char *text)
{
	const char *p = strstr(text, "exit ");
	char *end;
	long v;

	if (!p || (p != text && p[-1] != '\n'))
		return -1;
	v = strtol(p + 5, &end, 10);
	if (end == p + 5 || (*end != '\n' && *end) || v < 0 || v > 255)
		return -1;
	return (int)v;
}
