#include "util/base64.h"
#include "util/strbuf.h"
#include "util/banned.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(const void *data, size_t len, struct strbuf *out)
{
	const unsigned char *p = data;
	size_t i;

	strbuf_grow(out, (len + 2) / 3 * 4);
	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		strbuf_addch(out, alphabet[v >> 18]);
		strbuf_addch(out, alphabet[(v >> 12) & 63]);
		strbuf_addch(out, alphabet[(v >> 6) & 63]);
		strbuf_addch(out, alphabet[v & 63]);
	}
	if (i < len) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0);
		strbuf_addch(out, alphabet[v >> 18]);
		strbuf_addch(out, alphabet[(v >> 12) & 63]);
		strbuf_addch(out, i + 1 < len ? alphabet[(v >> 6) & 63] : '=');
		strbuf_addch(out, '=');
	}
}

static int value_of(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long base64_decode(const char *in, size_t len, struct strbuf *out, size_t cap)
{
	size_t start = out->len, got = 0;

	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		unsigned n;

		for (int k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad || (v[k] = value_of((unsigned char)in[i + k])) < 0)
				goto fail;
		}
		n = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
		if (got + 3 - (size_t)pad > cap)
			goto fail;
		strbuf_addch(out, (int)(n >> 16));
		if (pad < 2)
			strbuf_addch(out, (int)((n >> 8) & 255));
		if (pad < 1)
			strbuf_addch(out, (int)(n & 255));
		got += 3 - (size_t)pad;
	}
	return (long)got;
fail:
	strbuf_setlen(out, start);
	return -1;
}
