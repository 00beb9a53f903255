#include "util/utf8.h"
#include "util/banned.h"

size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	size_t n;
	uint32_t v;

	if (!avail)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, v = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, v = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, v = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	/* no overlong forms, surrogates or values past U+10FFFF */
	if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return n;
}
