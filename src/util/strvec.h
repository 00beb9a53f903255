#ifndef KCFG_STRVEC_H
#define KCFG_STRVEC_H

#include <stddef.h>

/*
 * A NULL-terminated, growable array of owned strings, for argv and
 * environment lists. `v` is never NULL.
 */
struct strvec {
	const char **v;
	size_t nr;
	size_t alloc;
};

extern const char *strvec_empty[];
#define STRVEC_INIT { strvec_empty, 0, 0 }

void strvec_init(struct strvec *sv);
/* Copies `s`; returns the copy. */
const char *strvec_push(struct strvec *sv, const char *s);
const char *strvec_pushf(struct strvec *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strvec_pop(struct strvec *sv);
void strvec_clear(struct strvec *sv);
/* Index of `s` or -1. */
int strvec_find(const struct strvec *sv, const char *s);

#endif
