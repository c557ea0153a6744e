/* terminal.c — a human summary for stderr on a terminal: each stage as it ends, a progress line, the totals.
 *
 * The progress line is drawn without a newline and erased ("\r\033[K") before this reporter writes anything
 * else, so it is tidy only while nothing else writes to that terminal: it is left out when stdout (TAP, by
 * default) is the same terminal, and the caller must leave REPORT_PROGRESS off with --verbose. */
#include "reports/report.h"
#include "reports/cause_text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define CUT_COLS 160              /* cause lines are cut at this many columns, ending in an ellipsis */
#define MARK_COLS 10              /* "  ✓ ok    ": a cause under its stage line starts where the name does */

struct failure {
	char scenario[sizeof(((struct scenario *)0)->name)];
	char stage[NAME_MAX_LEN + 1];
	char *cause;              /* owned; NULL when out of memory */
};

struct term {
	unsigned nscenarios;      /* planned, from begin */
	unsigned scenarios, passed, failed, skipped;
	double seconds;           /* the scenarios' own times, summed: the total shown */
	bool heading;             /* the current scenario's heading has been written */
	int name_width;           /* the current scenario's longest stage name */
	bool progress;            /* REPORT_PROGRESS, and the terminal is ours alone */
	bool drawn;               /* a progress line is on screen */
	unsigned width;           /* terminal columns, for the progress line */
	struct failure *fails;    /* owned; nfails entries, room for cap */
	unsigned nfails, cap;
};

enum paint { PLAIN, GREEN, RED, YELLOW, DIM, BOLD };

static const char *const sgr[] = {
	[PLAIN] = "", [GREEN] = "\033[32m", [RED] = "\033[31m", [YELLOW] = "\033[33m", [DIM] = "\033[2m",
	[BOLD] = "\033[1m",
};

static const struct {
	const char *mark, *word;
	enum paint paint;
} looks[] = {
	[STAGE_PASS] = { "✓", "ok", GREEN },
	[STAGE_FAIL] = { "✗", "FAIL", RED },
	[STAGE_SKIP] = { "-", "skip", YELLOW },
};

/* printf in a colour, when colours are on. */
__attribute__((format(printf, 3, 4)))
static void paint(struct reporter *r, enum paint p, const char *fmt, ...)
{
	bool on = (r->flags & REPORT_COLOR) && p != PLAIN;
	va_list ap;

	if (on)
		fputs(sgr[p], r->out);
	va_start(ap, fmt);
	vfprintf(r->out, fmt, ap);
	va_end(ap);
	if (on)
		fputs("\033[0m", r->out);
}

/* Columns a text takes, counting each UTF-8 sequence as one. */
static unsigned columns(const char *s)
{
	unsigned n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xc0) != 0x80;
	return n;
}

/* Writes s in at most cols columns, ending in "…" when it is longer; control characters (a stray newline or
 * escape in a cause) become spaces, so the text stays on its one line and cannot drive the terminal. */
static void put_cut(FILE *out, const char *s, unsigned cols)
{
	unsigned keep = columns(s) <= cols ? cols : cols - 1, n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) != 0x80 && n++ == keep) {
			fputs("…", out);
			return;
		}
		fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, out);
	}
}

/* "0.4 ms" below a second, "1.23 s" from one up. */
static const char *duration(double s, char *buf, size_t len)
{
	if (s < 0.99995)
		snprintf(buf, len, "%.1f ms", s * 1000);
	else
		snprintf(buf, len, "%.2f s", s);
	return buf;
}

static const char *plural(unsigned n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void progress_clear(struct reporter *r)
{
	struct term *t = r->priv;

	if (t->drawn)
		fputs("\r\033[K", r->out);
	t->drawn = false;
}

/* "[3/120] seed: nat ..." while a scenario runs, "[3/120] ..." before its first stage has ended; cut to the
 * terminal's width, for a line that wraps can no longer be erased. */
static void progress_draw(struct reporter *r, const char *scenario, const char *next)
{
	struct term *t = r->priv;
	char line[128], failed[32] = "";

	if (!t->progress || t->scenarios >= t->nscenarios)
		return;
	if (t->failed)
		snprintf(failed, sizeof(failed), " (%u failed)", t->failed);
	snprintf(line, sizeof(line), "[%u/%u]%s%s%s%s ...%s", t->scenarios + 1, t->nscenarios,
		 scenario[0] ? " " : "", scenario, scenario[0] ? ": " : "", next, failed);
	progress_clear(r);
	put_cut(r->out, line, t->width - 1);
	fflush(r->out);
	t->drawn = true;
}

static unsigned terminal_width(FILE *out)
{
	struct winsize ws;
	int fd = fileno(out);

	if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* Whether out is the terminal stdout also writes to: then stdout's lines would land inside the progress line. */
static bool shares_terminal(FILE *out)
{
	struct stat a, b;
	int fd = fileno(out);

	return fd >= 0 && isatty(fd) && isatty(STDOUT_FILENO) && fstat(fd, &a) == 0 &&
	       fstat(STDOUT_FILENO, &b) == 0 && a.st_rdev == b.st_rdev;
}

static void begin(struct reporter *r, unsigned nscenarios, unsigned nstages)
{
	struct term *t = calloc(1, sizeof(*t));

	(void)nstages;
	r->priv = t;
	if (!t)
		return;
	t->nscenarios = nscenarios;
	t->width = terminal_width(r->out);
	t->progress = (r->flags & REPORT_PROGRESS) && !shares_terminal(r->out);
	progress_draw(r, "", "");
}

static void heading(struct reporter *r, const struct scenario *sc)
{
	struct term *t = r->priv;

	t->name_width = 0;
	for (unsigned i = 0; i < sc->nstages; i++)
		if ((int)strlen(sc->stages[i].name) > t->name_width)
			t->name_width = strlen(sc->stages[i].name);
	paint(r, BOLD, "%s", sc->name);
	fputs(" (", r->out);
	put_cut(r->out, sc->path, CUT_COLS);
	fputs(")\n", r->out);
	t->heading = true;
}

/* "  ✓ ok    link-up          0.4 ms", "  ✗ FAIL  nat  12.3 ms" and its cause beneath, "  - skip  nat  why". */
static void stage_line(struct reporter *r, const struct stage_result *st)
{
	struct term *t = r->priv;
	const char *name = st->stage->name;
	char time[32], text[sizeof(st->reason)];
	const char *reason = stage_reason(st, text, sizeof(text));

	fputs("  ", r->out);
	paint(r, looks[st->status].paint, "%s %-4s", looks[st->status].mark, looks[st->status].word);
	if (st->status == STAGE_SKIP) {
		fprintf(r->out, "  %-*s", st->reason[0] ? t->name_width : 0, name);
		if (st->reason[0]) {
			fputs("  ", r->out);
			put_cut(r->out, st->reason, CUT_COLS - (MARK_COLS + t->name_width + 2));
		}
		fputc('\n', r->out);
		return;
	}
	fprintf(r->out, "  %-*s  ", t->name_width, name);
	paint(r, DIM, "%s", duration(st->seconds, time, sizeof(time)));
	fputc('\n', r->out);
	if (st->status == STAGE_FAIL && reason[0]) {
		fprintf(r->out, "%*s", MARK_COLS, "");
		put_cut(r->out, reason, CUT_COLS - MARK_COLS);
		fputc('\n', r->out);
	}
}

/* Keeps a failed stage for the list at the end: the results themselves are gone by then. */
static void remember(struct term *t, const struct scenario_result *res, const struct stage_result *st)
{
	struct failure *f;
	char text[sizeof(st->reason)];

	if (t->nfails == t->cap) {
		unsigned cap = t->cap ? 2 * t->cap : 16;
		struct failure *more = realloc(t->fails, cap * sizeof(*more));

		if (!more)
			return;
		t->fails = more;
		t->cap = cap;
	}
	f = &t->fails[t->nfails++];
	snprintf(f->scenario, sizeof(f->scenario), "%s", res->scenario->name);
	snprintf(f->stage, sizeof(f->stage), "%s", st->stage->name);
	f->cause = strdup(stage_reason(st, text, sizeof(text)));
}

static void count(struct term *t, enum stage_status status)
{
	switch (status) {
	case STAGE_PASS:
		t->passed++;
		break;
	case STAGE_FAIL:
		t->failed++;
		break;
	case STAGE_SKIP:
		t->skipped++;
		break;
	}
}

static void stage(struct reporter *r, const struct scenario_result *res, const struct stage_result *st)
{
	struct term *t = r->priv;
	const struct scenario *sc = res->scenario;
	unsigned next = st->stage - sc->stages + 1;

	if (!t)
		return;
	progress_clear(r);
	if (!t->heading)
		heading(r, sc);
	stage_line(r, st);
	count(t, st->status);
	if (st->status == STAGE_FAIL)
		remember(t, res, st);
	/* After a failure the rest are skipped at once: only a pass leaves a stage running. */
	if (st->status == STAGE_PASS && next < sc->nstages)
		progress_draw(r, sc->name, sc->stages[next].name);
	fflush(r->out);
}

static void scenario(struct reporter *r, const struct scenario_result *res)
{
	struct term *t = r->priv;

	if (!t)
		return;
	t->scenarios++;
	t->seconds += res->seconds;
	t->heading = false;
	progress_draw(r, "", "");
}

/* "5 scenarios, 23 stages: 21 passed, 1 failed, 1 skipped in 1.23 s" */
static void totals(struct reporter *r)
{
	struct term *t = r->priv;
	unsigned stages = t->passed + t->failed + t->skipped;
	char time[32];

	fprintf(r->out, "\n%u %s, %u %s: ", t->scenarios, plural(t->scenarios, "scenario", "scenarios"), stages,
		plural(stages, "stage", "stages"));
	paint(r, t->passed ? GREEN : PLAIN, "%u passed", t->passed);
	fputs(", ", r->out);
	paint(r, t->failed ? RED : PLAIN, "%u failed", t->failed);
	fputs(", ", r->out);
	paint(r, t->skipped ? YELLOW : PLAIN, "%u skipped", t->skipped);
	fputs(" in ", r->out);
	/* The scenarios' summed monotonic times, not run_info.seconds: that one counts whole seconds. */
	paint(r, DIM, "%s", duration(t->seconds, time, sizeof(time)));
	fputc('\n', r->out);
}

/* "  seed: nat — expect ping blue 198.51.100.2: no reply", one line each. */
static void failures(struct reporter *r)
{
	struct term *t = r->priv;

	for (unsigned i = 0; i < t->nfails; i++) {
		const struct failure *f = &t->fails[i];
		unsigned used = 2 + strlen(f->scenario) + 2 + strlen(f->stage) + 3;

		fputs("  ", r->out);
		paint(r, RED, "%s: %s", f->scenario, f->stage);
		if (f->cause && f->cause[0]) {
			fputs(" — ", r->out);
			put_cut(r->out, f->cause, CUT_COLS - used);
		}
		fputc('\n', r->out);
	}
}

static void end(struct reporter *r)
{
	struct term *t = r->priv;

	if (!t)
		return;
	progress_clear(r);
	totals(r);
	failures(r);
	fflush(r->out);
	for (unsigned i = 0; i < t->nfails; i++)
		free(t->fails[i].cause);
	free(t->fails);
	free(t);
	r->priv = NULL;
}

const struct reporter_ops terminal_reporter = { begin, stage, scenario, end };
