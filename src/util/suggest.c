#include <string.h>
#include <stdlib.h>

#include "util/suggest.h"
#include "util/xalloc.h"
#include "util/banned.h"

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *prev2, *prev, *cur, res;

	prev2 = xcalloc(lb + 1, sizeof(*prev2));
	prev = xcalloc(lb + 1, sizeof(*prev));
	cur = xcalloc(lb + 1, sizeof(*cur));
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = prev[j - 1] + cost;
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	res = prev[lb];
	free(prev2);
	free(prev);
	free(cur);
	return res;
}

const char *suggest_nearest(const char *word, const char *const *candidates,
			    size_t nr)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	size_t wl = strlen(word);

	for (size_t i = 0; i < nr; i++) {
		size_t d = edit_distance(word, candidates[i]);
		/* a typed prefix of a long name is a strong hint */
		if (wl >= 3 && !strncmp(candidates[i], word, wl))
			d = 1;
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	/* allow roughly one edit per three characters, at least two */
	if (best && best_d <= (wl / 3 > 2 ? wl / 3 : 2) && best_d < wl)
		return best;
	return NULL;
}
