/* kernels_report.c — the reports of a --kernel run, from what each guest wrote. */
#include "harness/cli/kernels_report.h"
#include "harness/vm/differ.h"

#include <stdlib.h>
#include <string.h>

unsigned kernels_write_differential(FILE *out, const char *prefix, const struct kernel_outcome *k, unsigned nk)
{
	struct kernel_verdicts *kv = calloc(nk, sizeof(*kv));
	unsigned differ;

	if (!kv)
		return 0;
	for (unsigned i = 0; i < nk; i++)
		kv[i] = (struct kernel_verdicts){ k[i].label, k[i].verdicts, k[i].nverdicts };
	differ = differ_write(out, prefix, kv, nk);
	free(kv);
	return differ;
}

/* A kernel that did not finish is one failed test point, its reason and console lines as YAML. */
static void write_unfinished(FILE *out, const struct kernel_outcome *k, unsigned *next)
{
	fprintf(out, "not ok %u - kernel@%s: boot\n  ---\n  message: \"infrastructure error: the guest did not "
		     "finish\"\n  image: \"%s\"\n  reason: |\n", (*next)++, k->label, k->image);
	for (const char *p = k->reason; p && *p;) {
		size_t len = strcspn(p, "\n");

		fprintf(out, "    %.*s\n", (int)len, p);
		p += len + (p[len] == '\n');
	}
	fputs("  ...\n", out);
}

unsigned kernels_write_tap(FILE *out, bool tap14, const struct kernel_outcome *k, unsigned nk)
{
	unsigned next = 1, differ = 0;
	bool bailed = false;

	fprintf(out, "TAP version %d\n", tap14 ? 14 : 13);
	if (nk > 1)
		differ = kernels_write_differential(out, "#", k, nk);
	for (unsigned i = 0; i < nk; i++) {
		fprintf(out, "# kernel %s: %s, %s, %s in %.1f s\n", k[i].label, k[i].image,
			strcmp(k[i].accel, "kvm") ? "TCG (emulated)" : "KVM", k[i].finished ? "ran" : "did not finish",
			k[i].seconds);
		if (k[i].finished)
			tap_relay(out, k[i].label, k[i].tap ? k[i].tap : "", &next, &bailed);
		else
			write_unfinished(out, &k[i], &next);
	}
	fprintf(out, "1..%u\n", next - 1);
	if (bailed)
		fputs("Bail out! a guest kernel became tainted during its run\n", out);
	return differ;
}

static void write_error_suite(FILE *out, const struct kernel_outcome *k)
{
	fputs("  <testsuite name=\"kernel@", out);
	attr_text(out, k->label);
	fprintf(out, "\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"%.3f\">\n    <properties>\n"
		     "      <property name=\"kernel.release\" value=\"", k->seconds);
	attr_text(out, k->release);
	fputs("\"/>\n      <property name=\"vm.kernel.image\" value=\"", out);
	attr_text(out, k->image);
	fputs("\"/>\n    </properties>\n    <testcase classname=\"kernel@", out);
	attr_text(out, k->label);
	fprintf(out, "\" name=\"boot\" time=\"%.3f\">\n      <error message=\"", k->seconds);
	attr_text(out, k->reason ? k->reason : "");
	fputs("\" type=\"infrastructure\">", out);
	attr_text(out, k->reason ? k->reason : "");
	fputs("</error>\n    </testcase>\n  </testsuite>\n", out);
}

void kernels_write_junit(FILE *out, const struct kernel_outcome *k, unsigned nk)
{
	struct junit_sums sums = { 0 };
	char *body = NULL;
	size_t len = 0;
	FILE *b = open_memstream(&body, &len);

	if (!b)
		return;
	for (unsigned i = 0; i < nk; i++) {
		char secs[32];
		const char *const props[][2] = { { "vm.kernel.image", k[i].image }, { "vm.accel", k[i].accel },
						 { "vm.boot.seconds", secs } };

		snprintf(secs, sizeof(secs), "%.1f", k[i].seconds);
		if (k[i].finished) {
			junit_relay(b, k[i].label, k[i].junit ? k[i].junit : "", props, 3, &sums);
		} else {
			write_error_suite(b, &k[i]);
			sums.tests++, sums.errors++, sums.time += k[i].seconds;
		}
	}
	fclose(b);
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"nsharness\" tests=\"%u\" "
		     "failures=\"%u\" errors=\"%u\" time=\"%.3f\">\n%s</testsuites>\n",
		sums.tests, sums.failures, sums.errors, sums.time, body ? body : "");
	free(body);
}
