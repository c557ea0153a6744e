/* test_vm.c — the pure parts of --kernel: a bzImage's setup header and payload (built bytes, and Debian's
 * real image when installed), the guest protocol (quoting, the job, the status line), the relay of a
 * guest's TAP and JUnit, and the differential. */
#define _GNU_SOURCE
#include "unit.h"

#include "harness/vm/differ.h"
#include "harness/vm/guest.h"
#include "harness/vm/kimage.h"
#include "harness/vm/qemu.h"
#include "harness/vm/relay.h"

#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A bzImage as the boot protocol lays it out: 2 setup sectors, then the protected-mode code holding a gzip
 * payload at offset 100; the version string at 0x300. */
static void test_bzimage_built(void)
{
	static uint8_t img[4096];
	struct kimage_info ki;
	char err[256];

	memset(img, 0, sizeof(img));
	img[0x1f1] = 2;
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = 0x0f, img[0x207] = 0x02;        /* protocol 2.15 */
	img[0x20e] = 0x00, img[0x20f] = 0x01;        /* version string at 0x100 + 0x200 */
	memcpy(img + 0x300, "6.9.0-test (builder@host) #1", 29);
	put32(img + 0x248, 100);
	put32(img + 0x24c, 200);
	memcpy(img + 3 * 512 + 100, "\x1f\x8b\x08", 3);
	CU_ASSERT_EQUAL_FATAL(kimage_inspect(img, sizeof(img), &ki, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ki.kind, KIMAGE_BZIMAGE);
	CU_ASSERT_EQUAL(ki.payload_offset, 3 * 512 + 100);
	CU_ASSERT_EQUAL(ki.payload_length, 200);
	CU_ASSERT_EQUAL(ki.codec, CODEC_GZIP);
	CU_ASSERT_STRING_EQUAL(kimage_codec_tool(ki.codec), "gzip");
	CU_ASSERT_STRING_EQUAL(ki.release, "6.9.0-test");

	put32(img + 0x24c, 5000);                      /* a payload past the end */
	CU_ASSERT_EQUAL(kimage_inspect(img, sizeof(img), &ki, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "outside"));
	img[0x206] = 0x04;                             /* protocol 2.04: no payload fields */
	CU_ASSERT_EQUAL(kimage_inspect(img, sizeof(img), &ki, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "2.04"));
	memcpy(img + 0x202, "XXXX", 4);
	CU_ASSERT_EQUAL(kimage_inspect(img, sizeof(img), &ki, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "neither a bzImage"));
}

/* Debian's image, when installed: an xz payload inside the file, its release in the header. */
static void test_bzimage_real(void)
{
	glob_t g;
	struct kimage_info ki;
	struct stat st;
	char err[256], want[128];
	const uint8_t *img;
	int fd;

	if (glob("/boot/vmlinuz-*-amd64", 0, NULL, &g) || g.gl_pathc == 0) {
		globfree(&g);
		return;   /* linux-image-amd64 absent: kernel.t skips too */
	}
	fd = open(g.gl_pathv[0], O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0 && fstat(fd, &st) == 0);
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	CU_ASSERT_FATAL(img != MAP_FAILED);
	CU_ASSERT_EQUAL(kimage_inspect(img, (size_t)st.st_size, &ki, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ki.kind, KIMAGE_BZIMAGE);
	CU_ASSERT_EQUAL(ki.codec, CODEC_XZ);
	CU_ASSERT(ki.payload_offset + ki.payload_length <= (size_t)st.st_size);
	CU_ASSERT(!memcmp(img + ki.payload_offset, "\xfd" "7zXZ", 5));
	snprintf(want, sizeof(want), "%s", strrchr(g.gl_pathv[0], '/') + strlen("/vmlinuz-"));
	CU_ASSERT_STRING_EQUAL(ki.release, want);
	munmap((void *)img, (size_t)st.st_size);
	globfree(&g);
}

static void test_elf_pvh(void)
{
	uint8_t elf[64] = { 0x7f, 'E', 'L', 'F' };
	static const uint8_t note[] = { 4, 0, 0, 0, 8, 0, 0, 0, 18, 0, 0, 0, 'X', 'e', 'n', 0 };
	struct kimage_info ki;
	char err[64];

	CU_ASSERT_FALSE(kimage_elf_has_pvh(elf, sizeof(elf)));
	memcpy(elf + 32, note, sizeof(note));
	CU_ASSERT_TRUE(kimage_elf_has_pvh(elf, sizeof(elf)));
	CU_ASSERT_EQUAL(kimage_inspect(elf, sizeof(elf), &ki, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ki.kind, KIMAGE_ELF);
}

static char *job_of(const char *cwd, const char *out, char **argv, int argc)
{
	return guest_job(cwd, out, argv, argc);
}

static void test_guest_job(void)
{
	char *argv[] = { "/usr/bin/nsharness", "run", "it's here", "a b" };
	char *job = job_of("/w d", NULL, argv, 4);
	char *with_out = job_of("/w", "o'ut", argv, 1);

	CU_ASSERT_STRING_EQUAL(job, "cd '/w d' || exit 3\n'/usr/bin/nsharness' 'run' 'it'\\''s here' 'a b'\nrc=$?\n"
				    "exit $rc\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(with_out, "[ -d 'o'\\''ut' ] && \"$NSH_BUSYBOX\" tar -c -f - -C 'o'\\''ut' . "
						 ">\"$NSH_EVIDENCE_PORT\"\n"));
	free(job);
	free(with_out);
}

static void test_guest_status(void)
{
	CU_ASSERT_EQUAL(guest_status_parse("exit 0\n"), 0);
	CU_ASSERT_EQUAL(guest_status_parse("exit 1"), 1);
	CU_ASSERT_EQUAL(guest_status_parse("noise\nexit 5\n"), 5);
	CU_ASSERT_EQUAL(guest_status_parse(""), -1);
	CU_ASSERT_EQUAL(guest_status_parse("exit \n"), -1);
	CU_ASSERT_EQUAL(guest_status_parse("exit 300\n"), -1);
	CU_ASSERT_EQUAL(guest_status_parse("exit 1x\n"), -1);
	CU_ASSERT_EQUAL(guest_status_parse("reexit 0\n"), -1);
}

static char *relayed_tap(const char *tap, unsigned *next, bool *bailed)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	tap_relay(f, "6.1", tap, next, bailed);
	fclose(f);
	return text;
}

static void test_tap_relay(void)
{
	unsigned next = 3;
	bool bailed = false;
	char *t13 = relayed_tap("TAP version 13\n1..2\nok 1 - seed: link-up\nnot ok 2 - seed: nat\n  ---\n  cause: x\n"
				"  ...\n", &next, &bailed);
	char *t14 = relayed_tap("TAP version 14\n1..1\n# Subtest: seed\n    1..1\n    ok 1 - link-up\nok 1 - seed\n"
				"Bail out! tainted\n", &next, &bailed);

	CU_ASSERT_STRING_EQUAL(t13, "ok 3 - seed@6.1: link-up\nnot ok 4 - seed@6.1: nat\n  ---\n  cause: x\n  ...\n");
	CU_ASSERT_STRING_EQUAL(t14, "# Subtest: seed@6.1\n    1..1\n    ok 1 - link-up\nok 5 - seed@6.1\n"
				    "# 6.1: Bail out! tainted\n");
	CU_ASSERT_EQUAL(next, 6);
	CU_ASSERT_TRUE(bailed);
	free(t13);
	free(t14);
}

static const char guest_junit[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<testsuites name=\"nsharness\" tests=\"2\" failures=\"1\" errors=\"0\" time=\"0.5\">\n"
	"  <testsuite name=\"vlan\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.5\">\n"
	"    <properties>\n"
	"      <property name=\"kernel.release\" value=\"6.1\"/>\n"
	"    </properties>\n"
	"    <testcase classname=\"vlan\" name=\"link\" time=\"0.1\"/>\n"
	"    <testcase classname=\"vlan\" name=\"ping\" time=\"0.4\">\n"
	"      <failure message=\"no reply\" type=\"stage\">no reply</failure>\n"
	"    </testcase>\n"
	"  </testsuite>\n"
	"</testsuites>\n";

static void test_junit_relay(void)
{
	const char *const props[][2] = { { "vm.accel", "t<g" } };
	struct junit_sums sums = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_EQUAL(junit_relay(f, "6.1", guest_junit, props, 1, &sums), 1);
	fclose(f);
	CU_ASSERT(sums.tests == 2 && sums.failures == 1 && sums.errors == 0 && sums.time > 0.49);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<testsuite name=\"vlan@6.1\" tests=\"2\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<properties>\n      <property name=\"vm.accel\" value=\"t&lt;g\"/>\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<testcase classname=\"vlan@6.1\" name=\"ping\""));
	CU_ASSERT_PTR_NULL(strstr(text, "<testsuites"));
	CU_ASSERT_PTR_NULL(strstr(text, "<?xml"));
	free(text);
}

static void test_differential(void)
{
	struct stage_verdict *a, *b;
	unsigned na = junit_verdicts(guest_junit, &a), nb = junit_verdicts(guest_junit, &b), differ;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(na, 2);
	CU_ASSERT_STRING_EQUAL(a[0].verdict, "ok");
	CU_ASSERT_STRING_EQUAL(a[1].verdict, "not ok");
	CU_ASSERT_STRING_EQUAL(a[1].cause, "no reply");
	snprintf(b[1].verdict, sizeof(b[1].verdict), "ok");
	b[1].cause[0] = '\0';
	f = open_memstream(&text, &len);
	differ = differ_write(f, "#", (struct kernel_verdicts[]){ { "A", a, na }, { "B", b, nb }, { "C", NULL, 0 } }, 3);
	fclose(f);
	CU_ASSERT_EQUAL(differ, 2);   /* C gave nothing: both stages differ */
	CU_ASSERT_STRING_EQUAL(text, "# kernels differ on vlan: link: A ok, B ok, C no result\n"
				     "# kernels differ on vlan: ping: A not ok (no reply), B ok, C no result\n"
				     "# kernels agree on 0 other stages\n");
	free(text);
	free(a);
	free(b);
}

static void test_qemu_command(void)
{
	struct kernel_ready k = { .boot = "/c/vmlinux", .initrd = "/c/initrd.cpio" };
	struct boot_request req = { .kernel = &k, .append = "quiet", .job = "/tmp/j/job.sh", .dir = "/tmp/a,b",
				    .console = "/tmp/c.log", .accel = "tcg", .cpus = 2, .memory_mb = 1024 };
	struct qemu_cmd c;
	char esc[64];
	bool nodefaults = false, noreboot = false, status_port = false, append = false;

	qemu_command(&req, &c);
	CU_ASSERT_PTR_NULL(c.argv[c.n]);
	for (unsigned i = 0; i < c.n; i++) {
		nodefaults |= !strcmp(c.argv[i], "-nodefaults");
		noreboot |= !strcmp(c.argv[i], "-no-reboot");
		status_port |= !strcmp(c.argv[i], "file,id=p4,path=/tmp/a,,b/status");
		append |= !strcmp(c.argv[i], "console=ttyS0 panic=-1 rdinit=/init nsh.job=/tmp/j/job.sh quiet");
		CU_ASSERT(strcmp(c.argv[i], "-nic") && strcmp(c.argv[i], "-netdev"));   /* no network device */
	}
	CU_ASSERT(nodefaults && noreboot && status_port && append);
	CU_ASSERT_STRING_EQUAL(qemu_escape("a,b,,c", esc, sizeof(esc)), "a,,b,,,,c");
}

UNIT_SUITE(vm, { "bzImage header, built bytes", test_bzimage_built }, { "bzImage header, Debian's image", test_bzimage_real },
	   { "ELF vmlinux and its PVH note", test_elf_pvh }, { "guest job script", test_guest_job },
	   { "guest status line", test_guest_status }, { "TAP relay", test_tap_relay },
	   { "JUnit relay", test_junit_relay }, { "differential", test_differential },
	   { "QEMU command line", test_qemu_command })
