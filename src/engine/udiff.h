#ifndef KCFG_UDIFF_H
#define KCFG_UDIFF_H

#include <stddef.h>

struct strbuf;

/*
 * A unified diff of two texts, line by line (Myers' O(ND) algorithm),
 * as `diff -u` prints it: "--- OLD_LABEL", "+++ NEW_LABEL", hunks with
 * UDIFF_CONTEXT lines of context, and "\ No newline at end of file"
 * where a text ends without one. Appends nothing when the texts are
 * equal. Past UDIFF_MAX_EDITS differing lines it gives up finding a
 * shortest script and shows the whole old text replaced by the new.
 */
#define UDIFF_CONTEXT 3
#define UDIFF_MAX_EDITS 1000

void udiff(const char *a, size_t alen, const char *b, size_t blen,
	   const char *old_label, const char *new_label, struct strbuf *out);

#endif
