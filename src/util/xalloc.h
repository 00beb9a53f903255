#ifndef KCFG_XALLOC_H
#define KCFG_XALLOC_H

#include <stddef.h>

/*
 * Allocation that never returns NULL: out of memory is fatal (the
 * process prints one line and exits 1), so callers need no checks.
 */

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Wipes string `s` (it may have held a password) and frees it; NULL-safe. */
void free_wiped(char *s);
/* Like snprintf, but dies if the result would not fit. */
int xsnprintf(char *dst, size_t max, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* malloc'ed printf; the caller frees. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Overflow-checked size arithmetic; dies on overflow. */
size_t st_add(size_t a, size_t b);
size_t st_mult(size_t a, size_t b);

/*
 * Grow an array (x, nr, alloc) so that it holds at least `want` items,
 * as git's ALLOC_GROW does: geometric growth, amortised O(1).
 */
#define ALLOC_GROW(x, want, alloc) \
	do { \
		if ((size_t)(want) > (alloc)) { \
			size_t alloc_grow_n_ = (alloc) < 8 ? 8 : (alloc); \
			while (alloc_grow_n_ < (size_t)(want)) \
				alloc_grow_n_ = st_mult(alloc_grow_n_, 2); \
			(x) = xrealloc((x), st_mult(alloc_grow_n_, sizeof(*(x)))); \
			(alloc) = alloc_grow_n_; \
		} \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
