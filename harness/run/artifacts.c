/* artifacts.c — writing a stage's evidence under --out, relative to the folder's descriptor and following no
 * link (harness/base/outfile.h): a user who owns a folder inside --out cannot make a root run overwrite a
 * file through a planted link. */
#include "harness/run/artifacts.h"
#include "harness/base/outfile.h"
#include "harness/world/statedump.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void add(struct stage_result *st, const char *path)
{
	if (st->nartifacts < MAX_ARTIFACTS && (st->artifacts[st->nartifacts] = strdup(path)))
		st->nartifacts++;
}

/* The new file name in the folder d (its path in path), or -1 said on stderr. */
static int evidence_file(const struct out_folder *d, const char *name, char *path, size_t len)
{
	char err[512];
	int fd;

	snprintf(path, len, "%s/%s", d->path, name);
	fd = outfile_create(d->fd, name, path, err, sizeof(err));
	if (fd < 0)
		fprintf(stderr, "nsharness: %s\n", err);
	return fd;
}

/* Writes text to the new file name of the folder d; the path is recorded once the file is whole. */
static void write_text(const struct out_folder *d, const char *name, const char *text, struct stage_result *st)
{
	char path[sizeof(d->path) + 256];
	int fd = evidence_file(d, name, path, sizeof(path));
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int bad;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	bad = fputs(text, f) < 0;
	/* fclose closes the file whatever it returns: it is never called twice. */
	if (fclose(f) || bad)
		fprintf(stderr, "nsharness: cannot write %s: %s\n", path, strerror(errno));
	else
		add(st, path);
}

static void dump_namespaces(struct world *w, const struct out_folder *d, struct stage_result *st)
{
	for (unsigned i = 0; i < w->nns; i++) {
		char name[256], path[sizeof(d->path) + 256];
		FILE *f;
		int fd;

		if (snprintf(name, sizeof(name), "%s.state", w->sc->netns[i].name) >= (int)sizeof(name))
			continue;
		fd = evidence_file(d, name, path, sizeof(path));
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		state_dump(w->ns[i].fd, w->sc->netns[i].name, f);
		if (fclose(f) == 0)
			add(st, path);
	}
}

/* OUT/SCENARIO/STAGE, each folder made or opened without following a link and checked to be ours. */
static int stage_dir(int out_fd, const char *out, const struct scenario *sc, const struct stage *stage,
		     struct out_folder *d)
{
	char err[512];
	int scen;

	snprintf(d->path, sizeof(d->path), "%s/%s", out, sc->name);
	scen = outdir_sub(out_fd, sc->name, d->path, err, sizeof(err));
	if (scen >= 0) {
		snprintf(d->path, sizeof(d->path), "%s/%s/%s", out, sc->name, stage->name);
		d->fd = outdir_sub(scen, stage->name, d->path, err, sizeof(err));
		close(scen);
	}
	if (scen < 0 || d->fd < 0) {
		fprintf(stderr, "nsharness: no evidence kept: %s\n", err);
		return -1;
	}
	return 0;
}

void artifacts_write_log(int out_fd, const char *out, const struct scenario *sc, const struct stage *stage,
			 const char *log, struct stage_result *st)
{
	struct out_folder d;

	if (stage_dir(out_fd, out, sc, stage, &d))
		return;
	write_text(&d, "programs.log", log, st);
	close(d.fd);
}

void artifacts_write(struct world *w, int out_fd, const char *out, const struct stage *stage,
		     struct stage_captures *caps, struct stage_result *st)
{
	struct out_folder d;

	if (stage_dir(out_fd, out, w->sc, stage, &d))
		return;
	if (caps)
		stage_captures_write(w, caps, &d, st);
	if (st->status == STAGE_FAIL)
		dump_namespaces(w, &d, st);
	close(d.fd);
}
