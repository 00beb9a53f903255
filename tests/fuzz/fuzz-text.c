/*
 * Arbitrary bytes as text from a host (util/visible.c) and as a block's
 * content (config/extras.c's marker check). Checks their promises,
 * aborting when one breaks:
 * - what strbuf_add_visible() writes holds no C0 control but newline and
 *   tab, no DEL, no C1 control and no bidirectional override, and is
 *   valid UTF-8, whatever the input;
 * - extras_block_marker_line() names a line that starts with a marker,
 *   and finds one whenever a line does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/extras.h"
#include "util/strbuf.h"
#include "util/visible.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const struct strbuf *out)
{
	fprintf(stderr, "fuzz-text: %s in '%s'\n", what, out ? out->buf : "");
	abort();
}

/* The length of the UTF-8 sequence at p (0: invalid), and its code point. */
static size_t utf8_at(const unsigned char *p, size_t left, unsigned *cp)
{
	size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
		 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;

	if (!n || n > left)
		return 0;
	*cp = n == 1 ? p[0] : p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && *cp < 0x80) || (n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

static void check_visible(const char *s, size_t len)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *p;
	size_t left;

	strbuf_add_visible(&out, s, len);
	if (strlen(out.buf) != out.len)
		broken("a NUL byte", &out);
	p = (const unsigned char *)out.buf;
	left = out.len;
	while (left) {
		unsigned cp;
		size_t n = utf8_at(p, left, &cp);

		if (!n)
			broken("invalid UTF-8", &out);
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0))
			broken("a control character", &out);
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			broken("a bidirectional override", &out);
		p += n;
		left -= n;
	}
	strbuf_release(&out);
}

static int marker_at(const char *line, size_t len)
{
	size_t b = strlen(EXTRAS_BLOCK_BEGIN), e = strlen(EXTRAS_BLOCK_END);

	return (len >= b && !memcmp(line, EXTRAS_BLOCK_BEGIN, b)) ||
	       (len >= e && !memcmp(line, EXTRAS_BLOCK_END, e));
}

static void check_markers(const char *s, size_t len)
{
	const char *at = NULL, *p = s, *end = s + len;
	size_t line_len = 0, line = extras_block_marker_line(s, len, &at, &line_len);
	size_t first = 0, nr = 0;

	/* the first line that starts with a marker, counted here */
	while (p <= end && !first) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);

		nr++;
		if (marker_at(p, n))
			first = nr;
		if (!eol)
			break;
		p = eol + 1;
	}
	if (line != first) {
		fprintf(stderr, "fuzz-text: marker line %zu, expected %zu\n", line, first);
		abort();
	}
	if (line && (at < s || at + line_len > end || !marker_at(at, line_len))) {
		fprintf(stderr, "fuzz-text: the marker line given is not one\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_visible((const char *)data, size);
	check_markers((const char *)data, size);
	return 0;
}
