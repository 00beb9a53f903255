#ifndef KCFG_UTIL_UTF8_H
#define KCFG_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the UTF-8 sequence at `s` (at most `avail` bytes): returns its
 * length (1 for ASCII) and stores the code point in *cp, or returns 0
 * when the bytes are no valid UTF-8 (truncated, overlong, a surrogate,
 * past U+10FFFF) and leaves *cp alone.
 */
size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

#endif
