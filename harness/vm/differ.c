/* differ.c — comparing each stage across kernels, differences first. */
#include "harness/vm/differ.h"

#include <stdbool.h>
#include <string.h>

static const struct stage_verdict *find(const struct kernel_verdicts *k, const char *scenario, const char *stage)
{
	for (unsigned i = 0; i < k->n; i++)
		if (!strcmp(k->v[i].scenario, scenario) && !strcmp(k->v[i].stage, stage))
			return &k->v[i];
	return NULL;
}

static bool same(const struct stage_verdict *a, const struct stage_verdict *b)
{
	return a && b && !strcmp(a->verdict, b->verdict) && !strcmp(a->cause, b->cause);
}

/* Whether an earlier kernel, or an earlier stage of this one, already gave (scenario, stage). */
static bool seen_before(const struct kernel_verdicts *k, unsigned ki, unsigned vi)
{
	const struct stage_verdict *v = &k[ki].v[vi];

	for (unsigned j = 0; j < ki; j++)
		if (find(&k[j], v->scenario, v->stage))
			return true;
	for (unsigned i = 0; i < vi; i++)
		if (!strcmp(k[ki].v[i].scenario, v->scenario) && !strcmp(k[ki].v[i].stage, v->stage))
			return true;
	return false;
}

static void write_difference(FILE *out, const char *prefix, const struct kernel_verdicts *k, unsigned nk,
			     const struct stage_verdict *v)
{
	fprintf(out, "%s kernels differ on %s: %s:", prefix, v->scenario, v->stage);
	for (unsigned j = 0; j < nk; j++) {
		const struct stage_verdict *w = find(&k[j], v->scenario, v->stage);

		fprintf(out, " %s %s", k[j].label, w ? w->verdict : "no result");
		if (w && w->cause[0])
			fprintf(out, " (%s)", w->cause);
		fputs(j + 1 < nk ? "," : "\n", out);
	}
}

unsigned differ_write(FILE *out, const char *prefix, const struct kernel_verdicts *k, unsigned nk)
{
	unsigned differ = 0, agree = 0;

	for (unsigned ki = 0; ki < nk; ki++)
		for (unsigned vi = 0; vi < k[ki].n; vi++) {
			const struct stage_verdict *v = &k[ki].v[vi];
			bool all_same = true;

			if (seen_before(k, ki, vi))
				continue;
			for (unsigned j = 0; j < nk; j++)
				all_same &= same(v, find(&k[j], v->scenario, v->stage));
			if (all_same) {
				agree++;
				continue;
			}
			differ++;
			write_difference(out, prefix, k, nk, v);
		}
	fprintf(out, "%s kernels agree on %u %sstage%s\n", prefix, agree, differ ? "other " : "", agree == 1 ? "" : "s");
	return differ;
}
