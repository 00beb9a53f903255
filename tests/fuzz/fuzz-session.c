/*
 * The session protocol's receiving side fed arbitrary bytes: the frame
 * parser (in read sizes the input chooses, with a small output cap so
 * dropping is reached) and the classification of a failed connection's
 * stderr. Checks the parser's own promises as it goes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "transport/classify.h"
#include "transport/frame.h"
#include "util/strbuf.h"

static const char nonce[] = "0123456789abcdef0123456789abcdef";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_parser fp;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf msg = STRBUF_INIT, hint = STRBUF_INIT;
	struct session_target t = { "node1", "10.0.0.9", "alice" };
	size_t chunk, cap, consumed = 0, kept = 0;

	if (size < 2)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	cap = (size_t)data[1] * 4;
	data += 2;
	size -= 2;

	frame_init(&fp, nonce, cap);
	while (consumed < size) {
		size_t n = size - consumed < chunk ? size - consumed : chunk;
		const char *p = (const char *)data + consumed;

		consumed += n;
		while (n) {
			struct frame_end end;
			int done;
			ssize_t used = frame_feed(&fp, p, n, &done, &end, &err);

			if (used < 0)
				goto out;
			if ((size_t)used > n || (!done && (size_t)used != n))
				abort();
			p += used;
			n -= (size_t)used;
			if (fp.out.len > cap)
				abort();
			if (done) {
				if (end.status < 0 || end.status > 255)
					abort();
				frame_take(&fp, &out);
				kept += out.len;
			}
		}
	}
out:
	frame_release(&fp);

	strbuf_add(&text, data, size);	/* NUL-terminated, may hold NULs */
	t.become = size & 1;
	classify_failure(&t, SESSION_CONNECTING, text.buf, 255 << 8, &msg, &hint);
	if (!msg.len)
		abort();
	strbuf_reset(&msg);
	strbuf_reset(&hint);
	classify_sudo(&t, text.buf, &msg, &hint);

	strbuf_release(&err);
	strbuf_release(&out);
	strbuf_release(&text);
	strbuf_release(&msg);
	strbuf_release(&hint);
	(void)kept;
	return 0;
}
