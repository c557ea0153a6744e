/* suggest.c — Levenshtein distance and the nearest-word search behind "did you mean" hints. */
#include "harness/scenario/suggest.h"

#include <limits.h>
#include <string.h>

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

/* The classic dynamic programme, keeping one row: row[j] is the distance between a's first i bytes and
 * b's first j bytes. */
unsigned levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[SUGGEST_MAX_LEN + 1];

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return UINT_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];

			row[j] = min3(up + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1]));
			diag = up;
		}
	}
	return row[lb];
}

void suggest_init(struct suggest *sg, const char *s, size_t len)
{
	sg->usable = len <= SUGGEST_MAX_LEN;
	sg->best = NULL;
	sg->dist = UINT_MAX;
	sg->word[0] = '\0';
	if (sg->usable) {
		memcpy(sg->word, s, len);
		sg->word[len] = '\0';
	}
}

void suggest_offer(struct suggest *sg, const char *candidate)
{
	size_t len = strlen(sg->word);
	unsigned d;

	if (!sg->usable)
		return;
	d = levenshtein(sg->word, candidate);
	if (d == 0 || d > SUGGEST_MAX_DIST || d >= len || d >= sg->dist)
		return;
	sg->best = candidate;
	sg->dist = d;
}

void suggest_list(struct suggest *sg, const char *const *list)
{
	for (; *list; list++)
		suggest_offer(sg, *list);
}

const char *suggest_best(const struct suggest *sg)
{
	return sg->best;
}
