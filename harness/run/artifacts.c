/* artifacts.c — writing a stage's evidence under --out. */
#include "harness/run/artifacts.h"
#include "harness/world/statedump.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int mkdir_p(const char *path)
{
	char buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) && errno != EEXIST ? -errno : 0;
}

static void add(struct stage_result *st, const char *path)
{
	if (st->nartifacts < MAX_ARTIFACTS && (st->artifacts[st->nartifacts] = strdup(path)))
		st->nartifacts++;
}

static void dump_namespaces(struct world *w, const char *dir, struct stage_result *st)
{
	for (unsigned i = 0; i < w->nns; i++) {
		char path[4096];
		FILE *f;

		if (snprintf(path, sizeof(path), "%s/%s.state", dir, w->sc->netns[i].name) >= (int)sizeof(path))
			continue;
		f = fopen(path, "w");
		if (!f)
			continue;
		state_dump(w->ns[i].fd, w->sc->netns[i].name, f);
		if (fclose(f) == 0)
			add(st, path);
	}
}

static int stage_dir(const char *out, const struct scenario *sc, const struct stage *stage, char *dir, size_t len)
{
	int ret = snprintf(dir, len, "%s/%s/%s", out, sc->name, stage->name) >= (int)len ? -ENAMETOOLONG : mkdir_p(dir);

	if (ret)
		fprintf(stderr, "nsharness: cannot create %s for the evidence: %s\n", dir, strerror(-ret));
	return ret;
}

void artifacts_write_log(const char *out, const struct scenario *sc, const struct stage *stage, const char *log,
			 struct stage_result *st)
{
	char dir[4096], path[4096 + 16];
	FILE *f;

	if (stage_dir(out, sc, stage, dir, sizeof(dir)))
		return;
	snprintf(path, sizeof(path), "%s/programs.log", dir);
	f = fopen(path, "w");
	if (f && fputs(log, f) >= 0 && fclose(f) == 0)
		add(st, path);
	else if (f)
		fclose(f);
}

void artifacts_write(struct world *w, const char *out, const struct stage *stage, struct stage_captures *caps,
		     struct stage_result *st)
{
	char dir[4096];

	if (stage_dir(out, w->sc, stage, dir, sizeof(dir)))
		return;
	if (caps)
		stage_captures_write(w, caps, dir, st);
	if (st->status == STAGE_FAIL)
		dump_namespaces(w, dir, st);
}
