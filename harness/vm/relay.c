/* relay.c — relaying a guest's reports line by line, naming its kernel. */
#define _GNU_SOURCE
#include "harness/vm/relay.h"
#include "reports/xml.h"

#include <stdlib.h>
#include <string.h>

/* A top-level test point "ok N - DESC" or "not ok N - DESC": where DESC starts, or NULL. */
static const char *test_point(const char *line, bool *pass)
{
	const char *p = line;

	*pass = strncmp(p, "not ok", 6) != 0;
	p += *pass ? (strncmp(p, "ok", 2) ? 0 : 2) : 6;
	if (p == line || (*p != ' ' && *p != '\0'))
		return NULL;
	while (*p == ' ')
		p++;
	p += strspn(p, "0123456789");
	if (!strncmp(p, " - ", 3))
		return p + 3;
	return *p == ' ' ? p + 1 : p;
}

/* The scenario's name ends at ':', ' ' or the end: "seed: link-up", "seed # SKIP x", "seed". */
static void put_named(FILE *out, const char *desc, const char *label)
{
	size_t name = strcspn(desc, ": ");

	fprintf(out, "%.*s@%s%s", (int)name, desc, label, desc + name);
}

static void relay_line(FILE *out, const char *line, const char *label, unsigned *next, unsigned *points,
		       bool *bailed)
{
	const char *desc;
	bool pass;

	if (!strncmp(line, "TAP version ", 12) || !strncmp(line, "1..", 3))
		return;
	if (!strncasecmp(line, "Bail out!", 9)) {
		*bailed = true;
		fprintf(out, "# %s: %s\n", label, line);
	} else if (!strncmp(line, "# Subtest: ", 11)) {
		fputs("# Subtest: ", out);
		put_named(out, line + 11, label);
		fputc('\n', out);
	} else if ((desc = test_point(line, &pass))) {
		fprintf(out, "%s %u - ", pass ? "ok" : "not ok", (*next)++);
		put_named(out, desc, label);
		fputc('\n', out);
		(*points)++;
	} else {
		fprintf(out, "%s\n", line);
	}
}

unsigned tap_relay(FILE *out, const char *label, const char *tap, unsigned *next, bool *bailed)
{
	unsigned points = 0;

	for (const char *p = tap; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);

		if (line)
			relay_line(out, line, label, next, &points, bailed);
		free(line);
		p += len + (p[len] == '\n');
	}
	return points;
}

/* Text as a double-quoted attribute value (reports/xml.c's escaping: well-formed whatever the bytes). */
void attr_text(FILE *out, const char *text)
{
	xml_escape(out, text, strlen(text), XML_ATTR);
}

/* The value of attribute name="..." in the line, into out (as written, escapes kept). */
static bool attr(const char *line, const char *name, char *out, size_t outlen)
{
	char key[64];
	const char *p;
	size_t len;

	snprintf(key, sizeof(key), " %s=\"", name);
	if (!(p = strstr(line, key)))
		return false;
	p += strlen(key);
	len = strcspn(p, "\"");
	snprintf(out, outlen, "%.*s", (int)len, p);
	return true;
}

static unsigned attr_count(const char *line, const char *name)
{
	char v[32];

	return attr(line, name, v, sizeof(v)) ? (unsigned)strtoul(v, NULL, 10) : 0;
}

/* The line with attribute name's value suffixed "@label". */
static void put_suffixed(FILE *out, const char *line, const char *name, const char *label)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), " %s=\"", name);
	if (!(p = strstr(line, key))) {
		fprintf(out, "%s\n", line);
		return;
	}
	p += strlen(key);
	p += strcspn(p, "\"");
	fprintf(out, "%.*s@", (int)(p - line), line);
	attr_text(out, label);
	fprintf(out, "%s\n", p);
}

static void add_sums(const char *line, struct junit_sums *s)
{
	char v[32];

	s->tests += attr_count(line, "tests");
	s->failures += attr_count(line, "failures");
	s->errors += attr_count(line, "errors");
	s->skipped += attr_count(line, "skipped");
	if (attr(line, "time", v, sizeof(v)))
		s->time += strtod(v, NULL);
}

static const char *trimmed(const char *line)
{
	return line + strspn(line, " \t");
}

static void junit_line(FILE *out, const char *line, const char *label, const char *const (*props)[2],
		       unsigned nprops, struct junit_sums *sums, unsigned *suites)
{
	const char *t = trimmed(line);

	if (!strncmp(t, "<?xml", 5) || !strncmp(t, "<testsuites", 11) || !strncmp(t, "</testsuites", 12))
		return;
	if (!strncmp(t, "<testsuite ", 11)) {
		add_sums(t, sums);
		(*suites)++;
		put_suffixed(out, line, "name", label);
	} else if (!strncmp(t, "<testcase ", 10)) {
		put_suffixed(out, line, "classname", label);
	} else {
		fprintf(out, "%s\n", line);
	}
	if (!strncmp(t, "<properties>", 12))
		for (unsigned i = 0; i < nprops; i++) {
			fputs("      <property name=\"", out);
			attr_text(out, props[i][0]);
			fputs("\" value=\"", out);
			attr_text(out, props[i][1]);
			fputs("\"/>\n", out);
		}
}

unsigned junit_relay(FILE *out, const char *label, const char *xml, const char *const (*props)[2], unsigned nprops,
		     struct junit_sums *sums)
{
	unsigned suites = 0;

	for (const char *p = xml; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);

		if (line)
			junit_line(out, line, label, props, nprops, sums, &suites);
		free(line);
		p += len + (p[len] == '\n');
	}
	return suites;
}

/* A testcase's verdict from the element after its start tag: none (self-closed), failure, error, skipped. */
static void verdict_of(const char *t, struct stage_verdict *v)
{
	if (!strncmp(t, "<failure", 8)) {
		snprintf(v->verdict, sizeof(v->verdict), "not ok");
		attr(t, "message", v->cause, sizeof(v->cause));
	} else if (!strncmp(t, "<error", 6)) {
		snprintf(v->verdict, sizeof(v->verdict), "error");
		attr(t, "message", v->cause, sizeof(v->cause));
	} else if (!strncmp(t, "<skipped", 8)) {
		snprintf(v->verdict, sizeof(v->verdict), "skipped");
		attr(t, "message", v->cause, sizeof(v->cause));
	}
}

unsigned junit_verdicts(const char *xml, struct stage_verdict **out)
{
	struct stage_verdict *v = NULL, *grown;
	unsigned n = 0;
	bool open = false;

	for (const char *p = xml; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);
		const char *t = line ? trimmed(line) : "";

		if (!strncmp(t, "<testcase ", 10) && (grown = realloc(v, (n + 1) * sizeof(*v)))) {
			v = grown;
			memset(&v[n], 0, sizeof(v[n]));
			attr(t, "classname", v[n].scenario, sizeof(v[n].scenario));
			attr(t, "name", v[n].stage, sizeof(v[n].stage));
			snprintf(v[n].verdict, sizeof(v[n].verdict), "ok");
			open = !strstr(t, "/>");
			n++;
		} else if (open && n && v[n - 1].cause[0] == '\0' && !strcmp(v[n - 1].verdict, "ok")) {
			verdict_of(t, &v[n - 1]);
		}
		if (!strncmp(t, "</testcase>", 11))
			open = false;
		free(line);
		p += len + (p[len] == '\n');
	}
	*out = v;
	return n;
}
