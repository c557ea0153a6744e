/* select.c — which scenarios and stages a run takes: --shard, --filter, --repeat, and unique names. */
#include "harness/cli/select.h"
#include "harness/cli/jobs.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

void selection_init(struct selection *sel, struct scenario **loaded, unsigned nloaded)
{
	*sel = (struct selection){ .s = NULL, .n = nloaded, .loaded = loaded, .nloaded = nloaded };
	sel->s = calloc(nloaded ? nloaded : 1, sizeof(*sel->s));
	if (!sel->s) {
		sel->n = 0;
		return;
	}
	memcpy(sel->s, loaded, nloaded * sizeof(*loaded));
}

void selection_free(struct selection *sel)
{
	if (!sel)
		return;
	for (unsigned i = 0; i < sel->nloaded; i++)
		scenario_free(sel->loaded[i]);
	free(sel->loaded);
	free(sel->copies);
	free(sel->s);
	memset(sel, 0, sizeof(*sel));
}

/* Keeps the scenarios keep[i] says, in their order (the loaded ones stay owned until selection_free). */
static void keep_only(struct selection *sel, const bool *keep)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < sel->n; i++)
		if (keep[i])
			sel->s[kept++] = sel->s[i];
	sel->n = kept;
}

void select_shard(struct selection *sel, unsigned k, unsigned n)
{
	bool keep[sel->n ? sel->n : 1];

	for (unsigned i = 0; i < sel->n; i++)
		keep[i] = !n || jobs_in_shard(sel->s[i]->path, k, n);
	keep_only(sel, keep);
}

bool filter_valid(const char *pattern)
{
	const char *colon = strchr(pattern, ':');

	return *pattern && pattern[0] != ':' && (!colon || (colon[1] && !strchr(colon + 1, ':')));
}

/* The stages of sc that pattern selects, as the index one past the last of them (0: none).  A pattern without
 * a stage part selects every stage of a scenario it names. */
static unsigned selected_end(const struct scenario *sc, const char *pattern)
{
	const char *colon = strchr(pattern, ':');
	char scenario_glob[256];
	unsigned end = 0;

	snprintf(scenario_glob, sizeof(scenario_glob), "%.*s", colon ? (int)(colon - pattern) : 255, pattern);
	if (fnmatch(scenario_glob, sc->name, 0))
		return 0;
	if (!colon)
		return sc->nstages;
	for (unsigned i = 0; i < sc->nstages; i++)
		if (!fnmatch(colon + 1, sc->stages[i].name, 0))
			end = i + 1;
	return end;
}

void select_filter(struct selection *sel, const char *const *patterns, unsigned npatterns)
{
	bool keep[sel->n ? sel->n : 1];

	if (!npatterns)
		return;
	for (unsigned i = 0; i < sel->n; i++) {
		unsigned end = 0;

		for (unsigned p = 0; p < npatterns; p++) {
			unsigned e = selected_end(sel->s[i], patterns[p]);

			end = e > end ? e : end;
		}
		keep[i] = end > 0;
		if (end)
			sel->s[i]->nstages = end;   /* the later stages build on these: they are not this run's */
	}
	keep_only(sel, keep);
}

int select_repeat(struct selection *sel, unsigned times)
{
	struct scenario **s;
	unsigned k = 0;

	if (times <= 1 || !sel->n)
		return 0;
	s = calloc((size_t)sel->n * times, sizeof(*s));
	sel->copies = calloc((size_t)sel->n * (times - 1), sizeof(*sel->copies));
	if (!s || !sel->copies) {
		free(s);
		return -1;
	}
	for (unsigned i = 0; i < sel->n; i++)
		for (unsigned t = 0; t < times; t++) {
			struct scenario *c = &sel->copies[i * (times - 1) + t - 1];

			if (t == 0) {
				s[k++] = sel->s[i];
				continue;
			}
			*c = *sel->s[i];   /* shares the steps and expectations, which the loaded one owns */
			s[k++] = c;
		}
	free(sel->s);
	sel->s = s;
	sel->n = k;
	return 0;
}

/* Says once that files share a name, when the scenarios named like s[first] come from more than one file. */
static void warn_shared_name(const struct selection *sel, unsigned first, unsigned count, FILE *warn)
{
	bool other_file = false;

	for (unsigned i = first + 1; i < sel->n && !other_file; i++)
		other_file = !strcmp(sel->s[i]->name, sel->s[first]->name) && strcmp(sel->s[i]->path, sel->s[first]->path);
	if (warn && other_file)
		fprintf(warn, "nsharness: %u scenarios are named '%s' (first %s): reported as %s, %s~2 and so on\n", count,
			sel->s[first]->name, sel->s[first]->path, sel->s[first]->name, sel->s[first]->name);
}

void select_unique_names(struct selection *sel, FILE *warn)
{
	bool renamed[sel->n ? sel->n : 1];

	memset(renamed, 0, sizeof(renamed));
	for (unsigned i = 0; i < sel->n; i++) {
		unsigned seen = 1;

		if (renamed[i])
			continue;
		for (unsigned j = i + 1; j < sel->n; j++)
			seen += !renamed[j] && !strcmp(sel->s[j]->name, sel->s[i]->name);
		if (seen == 1)
			continue;
		warn_shared_name(sel, i, seen, warn);
		seen = 1;
		for (unsigned j = i + 1; j < sel->n; j++) {
			size_t len = strlen(sel->s[j]->name);

			if (renamed[j] || strcmp(sel->s[j]->name, sel->s[i]->name))
				continue;
			/* '~' is in no parsed name, so a new name meets no scenario's own */
			snprintf(sel->s[j]->name + len, sizeof(sel->s[j]->name) - len, "~%u", ++seen);
			renamed[j] = true;
		}
	}
}

void select_list(const struct selection *sel, FILE *out)
{
	for (unsigned i = 0; i < sel->n; i++) {
		const struct scenario *sc = sel->s[i];

		fprintf(out, "%s (%s)%s%s\n", sc->name, sc->path, sc->about ? ": " : "", sc->about ? sc->about : "");
		for (unsigned k = 0; k < sc->nstages; k++)
			fprintf(out, "  %s:%s\n", sc->name, sc->stages[k].name);
	}
}
