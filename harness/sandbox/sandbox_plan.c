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
	for (unsigned i = 0; i < 2; i++)
		free(p->script_argv[i]);
	memset(p->script_argv, 0, sizeof(p->script_argv));
	p->run_opts = p->tmp_opts = NULL;
	p->exec_paths = p->collect_paths = p->envp = NULL;
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

/* A script is /bin/sh reading the descriptor the keeper keeps it at. */
static int script_plan(struct keeper_plan *p)
{
	p->script_argv[0] = strdup("/bin/sh");
	if (asprintf(&p->script_argv[1], "/dev/fd/%d", SCRIPT_FD) < 0)
		p->script_argv[1] = NULL;
	p->argv = p->script_argv;
	return p->script_argv[0] && p->script_argv[1] ? 0 : -ENOMEM;
}

int keeper_plan_make(const struct sandbox_run *run, struct keeper_plan *p)
{
	char *path;

	if ((run->script && script_plan(p)) || owner_plan(p))
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
