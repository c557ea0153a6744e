/* guest.h — the protocol between nsharness and its copy inside a guest kernel.
 *
 * Host to guest: the kernel command line names a job script (nsh.job=PATH, a file the host wrote where the
 * guest sees it over the read-only 9p root); the job is a `cd` and a run of nsharness, every word
 * single-quoted (then the evidence folder's tar).  Guest to host: virtio-serial ports named below, never the kernel console; the status port
 * carries "exit N\n", written last: without it the guest did not finish, whatever QEMU's own exit status. */
#ifndef NSH_GUEST_H
#define NSH_GUEST_H

#include <stdio.h>

/* The ports, in the order QEMU is given them. */
enum guest_port { PORT_TAP, PORT_JUNIT, PORT_ERR, PORT_EVIDENCE, PORT_STATUS, PORT_COUNT };
extern const char *const guest_port_name[PORT_COUNT];   /* "nsh.tap", ... */
extern const char *const guest_port_file[PORT_COUNT];   /* where the host keeps each: "tap", "junit.xml", ... */

/* The guest's paths for nsharness's reports, which the guest copies to the ports when its run ends. */
#define GUEST_TAP_PATH "/run/nsh/tap"
#define GUEST_JUNIT_PATH "/run/nsh/junit.xml"

/* The initramfs's /init (busybox sh): loads /modules in order, mounts the host's root read-only over 9p
 * with a tmpfs overlay, copies the job in, and switch_roots to a stage that runs it and powers off. */
extern const char guest_init_script[];

/* Stage 2, /stage2 in the initramfs: runs the job with its stderr on the err port, copies the reports (and
 * the evidence, as a tar stream) to their ports, writes "exit N" on the status port, and powers off. */
extern const char guest_stage2_script[];

/* Writes `word` single-quoted for sh (a ' becomes '\''). */
void guest_quote(FILE *f, const char *word);

/* The job script: cd to cwd, run argv[0..argc), then (out not NULL) send the folder out as a tar stream to
 * the evidence port, and exit with the run's status.  A string to free, or NULL without memory. */
char *guest_job(const char *cwd, const char *out, char *const *argv, int argc);

/* Reads the status port's text: the exit status 0..255, or -1 when it holds no "exit N" line (the guest
 * never finished). */
int guest_status_parse(const char *text);

#endif
