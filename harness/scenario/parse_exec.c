/* parse_exec.c — the statements that run real programs: exec (one command), script (a setup script) and
 * service (a daemon that lives until the world ends). */
#define _GNU_SOURCE
#include "harness/scenario/parse.h"

#include <errno.h>
#include <netinet/in.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void free_words(char ***v, unsigned *n)
{
	for (unsigned i = 0; *v && i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

void step_free_args(struct step *step)
{
	if (step->kind == STEP_EXEC) {
		free_words(&step->u.exec.argv, &step->u.exec.argc);
		free(step->u.exec.makes);
		step->u.exec.makes = NULL;
		step->u.exec.nmakes = 0;
	} else if (step->kind == STEP_SERVICE) {
		free_words(&step->u.service.argv, &step->u.service.argc);
	} else if (step->kind == STEP_SCRIPT) {
		free(step->u.script.path);
		step->u.script.path = NULL;
		free_words(&step->u.script.args, &step->u.script.nargs);
	}
}

/* The words from the cursor up to (not including) word `to`, each one argument as written (a quoted word
 * keeps its spaces), into a new NULL-terminated *v of *n; the cursor moves to `to`.  0, or -1 once reported
 * (*v then holds what was copied, for step_free_args). */
static int copy_words(struct stmt *st, unsigned to, char ***v, unsigned *n)
{
	unsigned count = to - st->i;

	if (count > EXEC_MAX_ARGS)
		return serr(st, st->l->tok[st->i + EXEC_MAX_ARGS].col, "too many arguments (at most %d)", EXEC_MAX_ARGS);
	*v = calloc(count + 1, sizeof(char *));
	if (!*v)
		return oom(st->p);
	for (; st->i < to; st->i++) {
		char *arg = strdup(st->l->tok[st->i].s);

		if (!arg)
			return oom(st->p);
		(*v)[(*n)++] = arg;
	}
	return 0;
}

/* The step is added, or freed after the error was reported. */
static int add_or_free(struct stmt *st, struct step *step, int ret)
{
	if (ret == 0 && add_whole_step(st, step) == 0)
		return 0;
	step_free_args(step);
	return -1;
}

/* The word where a trailing "makes NS/IF..." begins, or st->end: an unquoted "makes" after PROGRAM followed only
 * by words with a '/'.  A program's own argument "makes" is written quoted. */
static unsigned makes_at(const struct stmt *st)
{
	for (unsigned k = st->end - 1; k >= st->i; k--) {
		const struct token *t = &st->l->tok[k];

		if (!t->quoted && !strcmp(t->s, "makes"))
			return k + 1 < st->end ? k : st->end;
		if (t->quoted || !strchr(t->s, '/'))
			return st->end;
	}
	return st->end;
}

/* makes NS/IF...: each link is declared now, so later statements may name it; the runner checks that the
 * program made it. */
static int exec_makes(struct stmt *st, struct step *step, unsigned from)
{
	unsigned end = st->end;

	st->i = from + 1;
	step->u.exec.makes = calloc(end - st->i, sizeof(*step->u.exec.makes));
	if (!step->u.exec.makes)
		return oom(st->p);
	while (st->i < end)
		if (want_new_link(st, &step->u.exec.makes[step->u.exec.nmakes++]))
			return -1;
	return 0;
}

/* exec NS PROGRAM [ARG...] [makes NS/IF...]: every word after NS is one argument, as written; a quoted word
 * keeps its spaces. */
int st_exec(struct stmt *st)
{
	struct step step = { .kind = STEP_EXEC };
	unsigned makes, program;

	if (want_ns(st, &step.ns) || !want(st, "PROGRAM"))
		return -1;
	program = st->i - 1;
	makes = makes_at(st);
	if (makes < st->end && exec_makes(st, &step, makes))
		return add_or_free(st, &step, -1);
	st->i = program;
	return add_or_free(st, &step, copy_words(st, makes, &step.u.exec.argv, &step.u.exec.argc));
}

static const char *const ready_protos[] = { "tcp", "udp", NULL };

/* service NS [ready tcp|udp PORT] COMMAND...: a daemon, started in NS and left running until the world ends.
 * With `ready`, the step waits (with a deadline) until a socket of that protocol listens on PORT in NS, so
 * the expectations after it meet a server; without it, the step is done once the program started. */
int st_service(struct stmt *st)
{
	struct step step = { .kind = STEP_SERVICE };
	const struct token *t;
	int w;

	if (want_ns(st, &step.ns))
		return -1;
	if (st->i < st->end && strcmp(st->l->tok[st->i].s, "ready") == 0) {
		st->i++;
		if ((w = want_word(st, "tcp|udp", ready_protos)) < 0 || !(t = want(st, "PORT")) ||
		    port_arg(st, t, &step.u.service.ready_port))
			return -1;
		step.u.service.ready_proto = w == 0 ? IPPROTO_TCP : IPPROTO_UDP;
	}
	if (!want(st, "COMMAND"))
		return -1;
	st->i--;
	return add_or_free(st, &step, copy_words(st, st->end, &step.u.service.argv, &step.u.service.argc));
}

/* A relative PATH is relative to the scenario file's folder, so a scenario and its scripts move together. */
static char *resolve(const char *scenario_path, const char *path)
{
	char *copy, *out = NULL;

	if (path[0] == '/')
		return strdup(path);
	copy = strdup(scenario_path);
	if (copy && asprintf(&out, "%s/%s", dirname(copy), path) < 0)
		out = NULL;
	free(copy);
	return out;
}

/* Where the script's arguments end: at the word "creates", or at the end of the statement. */
static unsigned args_end(const struct stmt *st)
{
	for (unsigned k = st->i; k < st->end; k++)
		if (strcmp(st->l->tok[k].s, "creates") == 0)
			return k;
	return st->end;
}

/* script NS PATH [ARG...] [creates NAME...]: ARG... are the script's $1...; NAME... are the namespaces the
 * script makes with `ip netns add`; they are declared here, and their interfaces (and NS's) need not be
 * declared in the file.  (An argument cannot be the word "creates".) */
int st_script(struct stmt *st)
{
	struct step step = { .kind = STEP_SCRIPT };
	struct scenario *s = st->p->s;
	const struct token *t;
	struct stat sb;

	if (want_ns(st, &step.ns) || !(t = want(st, "PATH")))
		return -1;
	step.u.script.path = resolve(s->path, t->s);
	if (!step.u.script.path)
		return oom(st->p);
	if (access(step.u.script.path, R_OK)) {
		serr(st, t->col, "cannot read script '%s': %s", step.u.script.path, strerror(errno));
		step_free_args(&step);
		return -1;
	}
	/* A folder, FIFO or device would "run" as nothing (sh reads a folder as empty) or block: a script is a
	 * regular file. */
	if (stat(step.u.script.path, &sb) || !S_ISREG(sb.st_mode)) {
		serr(st, t->col, "script '%s' is not a regular file", step.u.script.path);
		step_free_args(&step);
		return -1;
	}
	if (copy_words(st, args_end(st), &step.u.script.args, &step.u.script.nargs)) {
		step_free_args(&step);
		return -1;
	}
	if (st->i < st->end && strcmp(st->l->tok[st->i].s, "creates") == 0 &&
	    declare_namespaces(st, st->i + 1, &step.u.script.creates)) {
		step_free_args(&step);
		return -1;
	}
	if (done(st) || add_whole_step(st, &step)) {
		step_free_args(&step);
		return -1;
	}
	s->netns[step.ns].open = true;
	for (unsigned i = 0; i < s->nnetns; i++)
		if (step.u.script.creates & (1ull << i))
			s->netns[i].external = s->netns[i].open = true;
	return 0;
}
