#ifndef KCFG_SUGGEST_H
#define KCFG_SUGGEST_H

#include <stddef.h>

/*
 * "Did you mean ...?" for commands, options and settings keys: returns
 * the candidate closest to `word` by edit distance (Damerau, with a
 * bonus for a shared prefix), or NULL when none is close enough to help.
 */
const char *suggest_nearest(const char *word, const char *const *candidates,
			    size_t nr);
/* Edit distance with adjacent transpositions (optimal string alignment). */
size_t edit_distance(const char *a, const char *b);

#endif
