#ifndef KCFG_DIAG_H
#define KCFG_DIAG_H

#include <stddef.h>

struct strbuf;

/*
 * Problems found in user input (inventory, cluster.yaml, vault), collected
 * so that all of them are shown at once, each with where it is and how to
 * fix it (tmux's cfg causes). Nothing here prints: cli/ does.
 */
enum diag_level { DIAG_ERROR, DIAG_WARNING };

struct diag {
	enum diag_level level;
	char *file;	/* may be NULL when the problem has no place */
	unsigned line;	/* 1-based; 0 = no line */
	unsigned col;	/* 1-based; 0 = no column */
	char *msg;	/* lowercase, no full stop */
	char *hint;	/* how to fix it, or NULL */
};

struct diag_list {
	struct diag *d;
	size_t nr, alloc;
	size_t errors;
};

#define DIAG_LIST_INIT { NULL, 0, 0, 0 }

/* Adds one problem; file may be NULL, hint may be NULL. */
void diag_add(struct diag_list *dl, enum diag_level level, const char *file,
	      unsigned line, unsigned col, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
#define diag_error(dl, file, line, col, hint, ...) \
	diag_add((dl), DIAG_ERROR, (file), (line), (col), (hint), __VA_ARGS__)
#define diag_warning(dl, file, line, col, hint, ...) \
	diag_add((dl), DIAG_WARNING, (file), (line), (col), (hint), __VA_ARGS__)

/* Sorts by file, line, column (stable), so output follows the input. */
void diag_sort(struct diag_list *dl);
/*
 * Formats every entry as
 *   FILE:LINE:COL: error: MSG
 *     hint: HINT
 * into `out`.
 */
void diag_format(const struct diag_list *dl, struct strbuf *out);
void diag_release(struct diag_list *dl);

#endif
