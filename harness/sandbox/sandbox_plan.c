/* sandbox_plan.c — what the keeper is handed, made before the fork: where the program may be along PATH,
 * its environment, the paths of the namespaces to collect, its error prefix. */
#define _GNU_SOURCE
#include "harness/sandbox/sandbox_keeper.h"
#include "harness/sandbox/sandbox_owner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void free_strv(char **v)
{
	for (unsigned i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void keeper_plan_free(struct keeper_plan *p)
{
	if (!p)
		return;
	free_strv(p->exec_paths);
	free_strv(p->collect_paths);
	free(p->cannot_run);
	free(p->path_env);
	free(p->envp);
	free(p->run_opts);
	free(p->tmp_opts);
	free_strv(p->script_argv);
	free_strv(p->visible_paths);
	free(p->visible_fds);
	p->visible_fds = NULL;
	p->run_opts = p->tmp_opts = NULL;
	p->exec_paths = p->collect_paths = p->envp = p->script_argv = p->visible_paths = NULL;
	p->cannot_run = p->path_env = NULL;
}

/* The program's PATH: the caller's, with the sbin folders added where missing.  The program runs as root of
 * its namespace, and an unprivileged caller's PATH (Debian's) lacks /usr/sbin, where ip and iptables are. */
static char *program_path(void)
{
	static const char *const sbin[] = { "/usr/local/sbin", "/usr/sbin", "/sbin" };
	const char *path = getenv("PATH");
	size_t len;
	char *out;

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	len = strlen(path);
	out = malloc(len + 64);   /* room for the three sbin folders */
	if (!out)
		return NULL;
	sprintf(out, ":%s:", path);
	for (unsigned i = 0; i < sizeof(sbin) / sizeof(sbin[0]); i++) {
		char want[24];

		snprintf(want, sizeof(want), ":%s:", sbin[i]);
		if (!strstr(out, want))
			strcat(strcpy(out + strlen(out), sbin[i]), ":");
	}
	out[strlen(out) - 1] = '\0';
	memmove(out, out + 1, strlen(out));   /* the leading ':' */
	return out;
}

/* The caller's environment with PATH replaced; the array is new, its strings borrowed. */
static char **program_env(const char *path_env)
{
	unsigned n = 0, k = 0;
	char **v;

	while (environ[n])
		n++;
	v = calloc(n + 2, sizeof(*v));
	for (unsigned i = 0; v && i < n; i++)
		if (strncmp(environ[i], "PATH=", 5))
			v[k++] = environ[i];
	if (v)
		v[k] = (char *)path_env;
	return v;
}

/* Where argv[0] may be, as execvp looks: itself when it has a '/', else each PATH entry in order. */
static char **exec_candidates(const char *prog, const char *path)
{
	char *copy, *save = NULL, **v;
	unsigned n = 0;

	if (strchr(prog, '/'))
		path = "";
	copy = strdup(path);
	v = calloc(strlen(path) + 2, sizeof(*v));   /* at most one entry per byte, and the NULL */
	if (!copy || !v)
		goto fail;
	if (!*path && !(v[n++] = strdup(prog)))
		goto fail;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		if (asprintf(&v[n++], "%s/%s", dir, prog) < 0) {
			v[n - 1] = NULL;
			goto fail;
		}
	free(copy);
	return v;
fail:
	free(copy);
	free_strv(v);
	return NULL;
}

static char **collect_paths(const char *const *names)
{
	unsigned n = 0;
	char **v;

	while (names && names[n])
		n++;
	v = calloc(n + 1, sizeof(*v));
	for (unsigned i = 0; v && i < n; i++)
		if (asprintf(&v[i], "/run/netns/%s", names[i]) < 0) {
			v[i] = NULL;
			free_strv(v);
			return NULL;
		}
	return v;
}

/* The test hook NSHARNESS_TEST_SANDBOX_PAUSE_MS: 0 unless set to a number of milliseconds. */
static unsigned pause_ms(void)
{
	const char *v = getenv("NSHARNESS_TEST_SANDBOX_PAUSE_MS");
	unsigned long ms = v ? strtoul(v, NULL, 10) : 0;

	return ms > 60000 ? 60000 : (unsigned)ms;
}

/* Who the sandbox's root is, and the tmpfs options that make /run and /tmp its own. */
static int owner_plan(struct keeper_plan *p)
{
	sandbox_owner_ids(&p->owner_uid, &p->owner_gid);
	p->drop_groups = getuid() == 0 && p->owner_uid != 0;
	if (asprintf(&p->run_opts, "mode=0755,uid=%u,gid=%u", (unsigned)p->owner_uid, (unsigned)p->owner_gid) < 0)
		p->run_opts = NULL;
	if (asprintf(&p->tmp_opts, "mode=1777,uid=%u,gid=%u", (unsigned)p->owner_uid, (unsigned)p->owner_gid) < 0)
		p->tmp_opts = NULL;
	return p->run_opts && p->tmp_opts ? 0 : -ENOMEM;
}

/* Appends a copy of word to v (room made by the caller); false when out of memory. */
static bool push(char **v, unsigned *n, const char *word, size_t len)
{
	return (v[*n] = strndup(word, len)) && ++*n;
}

/* The script's interpreter, as the kernel reads a `#!` line: the first word after "#!" is the program, the
 * rest of the line (trimmed) its one argument.  Without such a line, /bin/sh (as a shell runs a file without
 * one).  Read from the descriptor the program will read the script from.  The words go into v. */
static bool interpreter(int fd, char **v, unsigned *n)
{
	char line[256];
	ssize_t got = pread(fd, line, sizeof(line) - 1, 0);
	char *word, *end;

	line[got > 0 ? got : 0] = '\0';
	if (strncmp(line, "#!", 2) || !(end = strchr(line, '\n')))
		return push(v, n, "/bin/sh", 7);
	*end = '\0';
	for (word = line + 2; *word == ' ' || *word == '\t'; word++)
		;
	if (!*word)
		return push(v, n, "/bin/sh", 7);
	for (end = word; *end && *end != ' ' && *end != '\t'; end++)
		;
	if (!push(v, n, word, (size_t)(end - word)))
		return false;
	while (*end == ' ' || *end == '\t')
		end++;
	word = end;
	for (end = word + strlen(word); end > word && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'); end--)
		;
	return end == word || push(v, n, word, (size_t)(end - word));
}

/* A script is its interpreter reading the descriptor the keeper keeps it at, then the script's arguments. */
static int script_plan(const struct sandbox_run *run, struct keeper_plan *p)
{
	unsigned nargs = 0, n = 0;
	char fdpath[32];
	bool ok;

	while (run->script_args && run->script_args[nargs])
		nargs++;
	p->script_argv = calloc(nargs + 4, sizeof(char *));
	if (!p->script_argv)
		return -ENOMEM;
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", SCRIPT_FD);
	ok = interpreter(p->script_fd, p->script_argv, &n) && push(p->script_argv, &n, fdpath, strlen(fdpath));
	for (unsigned i = 0; ok && i < nargs; i++)
		ok = push(p->script_argv, &n, run->script_args[i], strlen(run->script_args[i]));
	p->argv = p->script_argv;
	return ok ? 0 : -ENOMEM;
}

/* The namespaces the program finds in its /run/netns, and their descriptors. */
static int visible_plan(const struct sandbox_run *run, struct keeper_plan *p)
{
	int *fds;

	p->visible_paths = calloc(run->nvisible + 1, sizeof(char *));
	fds = calloc(run->nvisible + 1, sizeof(int));
	p->visible_fds = fds;
	if (!p->visible_paths || !fds)
		return -ENOMEM;
	for (unsigned i = 0; i < run->nvisible; i++) {
		fds[i] = run->visible[i].fd;
		if (asprintf(&p->visible_paths[i], "/run/netns/%s", run->visible[i].name) < 0) {
			p->visible_paths[i] = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

int keeper_plan_make(const struct sandbox_run *run, struct keeper_plan *p)
{
	char *path;

	if ((run->script && script_plan(run, p)) || visible_plan(run, p) || owner_plan(p))
		return -ENOMEM;
	p->pause_ms = pause_ms();
	path = program_path();
	if (!path || asprintf(&p->path_env, "PATH=%s", path) < 0)
		p->path_env = NULL;
	p->envp = p->path_env ? program_env(p->path_env) : NULL;
	p->exec_paths = path ? exec_candidates(p->argv[0], path) : NULL;
	free(path);
	p->collect_paths = collect_paths(run->collect);
	if (asprintf(&p->cannot_run, "nsharness: cannot run %s: ", run->script ? run->script : p->argv[0]) < 0)
		p->cannot_run = NULL;
	return p->envp && p->exec_paths && p->collect_paths && p->cannot_run ? 0 : -ENOMEM;
}
