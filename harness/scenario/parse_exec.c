/* parse_exec.c — the statements that run real programs: exec (one command) and script (a setup script). */
#define _GNU_SOURCE
#include "harness/scenario/parse.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void step_free_args(struct step *step)
{
	if (step->kind == STEP_EXEC && step->u.exec.argv) {
		for (unsigned i = 0; i < step->u.exec.argc; i++)
			free(step->u.exec.argv[i]);
		free(step->u.exec.argv);
		step->u.exec.argv = NULL;
	} else if (step->kind == STEP_SCRIPT) {
		free(step->u.script.path);
		step->u.script.path = NULL;
	}
}

/* exec NS PROGRAM [ARG...]: every word after NS is one argument, as written; a quoted word keeps its spaces. */
int st_exec(struct stmt *st)
{
	struct step step = { .kind = STEP_EXEC };
	unsigned n;

	if (want_ns(st, &step.ns) || !want(st, "PROGRAM"))
		return -1;
	st->i--;
	n = st->end - st->i;
	if (n > EXEC_MAX_ARGS)
		return serr(st, st->l->tok[st->i + EXEC_MAX_ARGS].col, "too many arguments (at most %d)", EXEC_MAX_ARGS);
	step.u.exec.argv = calloc(n + 1, sizeof(char *));
	if (!step.u.exec.argv)
		return oom(st->p);
	for (; st->i < st->end; st->i++) {
		char *arg = strdup(st->l->tok[st->i].s);

		if (!arg) {
			step_free_args(&step);
			return oom(st->p);
		}
		step.u.exec.argv[step.u.exec.argc++] = arg;
	}
	if (add_whole_step(st, &step)) {
		step_free_args(&step);
		return -1;
	}
	return 0;
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

/* script NS PATH [creates NAME...]: NAME... are the namespaces the script makes with `ip netns add`;
 * they are declared here, and their interfaces (and NS's) need not be declared in the file. */
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
