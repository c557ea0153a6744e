/* suggest.h — the nearest valid word to a misspelt one, for "did you mean" hints in scenario errors.
 *
 * The caller offers the words valid at the position one by one; the nearest is kept if it is close
 * enough: a Levenshtein distance of at most 2 that is also less than the misspelt word's length (so a
 * two-letter typo does not "mean" any other two-letter word), and not 0. */
#ifndef NSH_SUGGEST_H
#define NSH_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#define SUGGEST_MAX_LEN 63    /* longer words (and candidates) are never suggested */
#define SUGGEST_MAX_DIST 2

struct suggest {
	char word[SUGGEST_MAX_LEN + 1];
	bool usable;              /* false when the word was too long to compare */
	const char *best;         /* the candidate as offered: it must outlive this struct's use */
	unsigned dist;
};

/* Starts a search for the word s[0..len) (need not be NUL-terminated). */
void suggest_init(struct suggest *sg, const char *s, size_t len);
void suggest_offer(struct suggest *sg, const char *candidate);
/* Offers each word of a NULL-terminated list. */
void suggest_list(struct suggest *sg, const char *const *list);
/* The nearest candidate close enough, or NULL. */
const char *suggest_best(const struct suggest *sg);

/* Edit distance between a and b (insertions, deletions, substitutions of bytes); UINT_MAX when either
 * is longer than SUGGEST_MAX_LEN. */
unsigned levenshtein(const char *a, const char *b);

#endif
