#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/visible.h"
#include "util/banned.h"

/* C1 controls, and the marks that reorder a line: LRE..RLO, LRI..PDI. */
static int hidden_code_point(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* The length of the run at `s` that is shown as it is; 0 when it needs an escape. */
static size_t plain_len(const unsigned char *s, size_t avail, uint32_t *cp)
{
	size_t n;

	if (s[0] == '\n' || s[0] == '\t' || (s[0] >= ' ' && s[0] < 0x7f))
		return 1;
	if (s[0] < 0x80)
		return 0;
	n = utf8_decode(s, avail, cp);
	return n && !hidden_code_point(*cp) ? n : 0;
}

void strbuf_add_visible(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		uint32_t cp = 0;
		size_t n = plain_len(u + i, len - i, &cp);

		if (n) {
			strbuf_add(out, s + i, n);
			i += n;
		} else if (u[i] == '\r') {
			strbuf_addstr(out, "\\r");
			i++;
		} else if (u[i] >= 0x80 && (n = utf8_decode(u + i, len - i, &cp))) {
			strbuf_addf(out, "\\u%04x", (unsigned)cp);	/* a hidden code point */
			i += n;
		} else {
			strbuf_addf(out, "\\x%02x", u[i]);
			i++;
		}
	}
}
