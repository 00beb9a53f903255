#ifndef KCFG_BASE64_H
#define KCFG_BASE64_H

#include <stddef.h>

struct strbuf;

/* RFC 4648 base64, standard alphabet, with padding, no line breaks. */
void base64_encode(const void *data, size_t len, struct strbuf *out);
/*
 * Decodes `len` bytes of `in` (no whitespace allowed), appending at most
 * `cap` bytes to `out`. Returns the decoded length, or -1 on a character
 * outside the alphabet, bad padding, or a result past `cap` (then `out`
 * is left as it was).
 */
long base64_decode(const char *in, size_t len, struct strbuf *out, size_t cap);

#endif
