/* select.h — which scenarios and stages a run takes, and the names it reports them under.
 *
 * The command line's selection is applied to the loaded scenarios before anything is built: --shard keeps a
 * stable part of them, --filter keeps those (and the stages) a pattern names, --repeat runs each several
 * times, and names are made unique so that no two scenarios share a report entry or an evidence folder. */
#ifndef NSH_SELECT_H
#define NSH_SELECT_H

#include "harness/scenario/model.h"

#include <stdbool.h>
#include <stdio.h>

/* A run's list of scenarios: s[0..n), owning the loaded ones (loaded[0..nloaded)) and the block of copies that
 * --repeat makes (which share their steps and expectations with the loaded ones). */
struct selection {
	struct scenario **s;
	unsigned n;
	struct scenario **loaded;
	unsigned nloaded;
	struct scenario *copies;
};

/* Takes the nloaded scenarios of loaded (an array the selection then owns, as it does every scenario in it). */
void selection_init(struct selection *sel, struct scenario **loaded, unsigned nloaded);
void selection_free(struct selection *sel);   /* NULL-safe; frees every scenario and copy */

/* --shard K/N: keeps the scenarios of shard k of n (jobs_in_shard), in their order. */
void select_shard(struct selection *sel, unsigned k, unsigned n);

/* Whether PATTERN is a valid --filter: GLOB, or GLOB:GLOB (scenario and stage, fnmatch(3) patterns). */
bool filter_valid(const char *pattern);

/* --filter: keeps the scenarios some pattern names.  "GLOB" takes every stage of the scenarios whose name it
 * matches; "GLOB:GLOB" takes the stages it matches, and with them the stages before them, which they build
 * on: a scenario then ends at its last selected stage.  The scenarios a run loaded are changed for this run
 * only. */
void select_filter(struct selection *sel, const char *const *patterns, unsigned npatterns);

/* --repeat N: each scenario N times in a row.  0, or -1 when out of memory. */
int select_repeat(struct selection *sel, unsigned times);

/* Makes the names unique: the second scenario named NAME is reported (and keeps its evidence) as NAME~2, the
 * third as NAME~3, and so on ('~' is in no scenario's own name).  When two different files share a name, warn says so, once per name (NULL:
 * silent); the same file given twice, or --repeat, is no mistake. */
void select_unique_names(struct selection *sel, FILE *warn);

/* --list: each scenario (name, file, about) and its stages as SCENARIO:STAGE, the form --filter takes. */
void select_list(const struct selection *sel, FILE *out);

#endif
