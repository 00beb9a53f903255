#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "transport/frame.h"
#include "util/xalloc.h"
#include "util/banned.h"

int frame_make_nonce(char nonce[FRAME_NONCE_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[FRAME_NONCE_LEN / 2];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		nonce[2 * i] = hex[raw[i] >> 4];
		nonce[2 * i + 1] = hex[raw[i] & 15];
	}
	nonce[FRAME_NONCE_LEN] = '\0';
	return 0;
}

void frame_init(struct frame_parser *fp, const char *nonce, size_t cap)
{
	memset(fp, 0, sizeof(*fp));
	/*
	 * The mark character occurs only at the marker's start (the rest is
	 * "kcfg-", hex and a space), so a failed partial match never hides
	 * the start of another: frame_feed relies on that.
	 */
	fp->marker_len = (size_t)xsnprintf(fp->marker, sizeof(fp->marker),
					   "%ckcfg-%.*s ", FRAME_MARK_CHAR,
					   FRAME_NONCE_LEN, nonce);
	strbuf_init(&fp->out, 0);
	fp->cap = cap;
}

void frame_release(struct frame_parser *fp)
{
	strbuf_release_wiped(&fp->out);
	fp->matched = fp->trailer_len = fp->dropped = 0;
	fp->in_trailer = 0;
}

static void emit(struct frame_parser *fp, const char *data, size_t n)
{
	size_t room;

	if (fp->sink) {
		if (n)
			fp->sink(fp->sink_arg, data, n);
		return;
	}
	room = fp->out.len < fp->cap ? fp->cap - fp->out.len : 0;

	if (n > room) {
		fp->dropped += n - room;
		n = room;
	}
	strbuf_add(&fp->out, data, n);
}

static int parse_trailer(struct frame_parser *fp, struct frame_end *end,
			 struct strbuf *err)
{
	char *p = fp->trailer, *q;
	unsigned long id, status;

	fp->trailer[fp->trailer_len] = '\0';
	if (*p < '0' || *p > '9')
		goto bad;
	errno = 0;
	id = strtoul(p, &q, 10);
	if (errno || *q != ' ' || q[1] < '0' || q[1] > '9')
		goto bad;
	status = strtoul(q + 1, &p, 10);
	if (errno || *p != '\0' || status > 255)
		goto bad;
	end->id = id;
	end->status = (int)status;
	return 0;
bad:
	strbuf_addstr(err, "malformed end marker from the remote shell");
	return -1;
}

ssize_t frame_feed(struct frame_parser *fp, const char *buf, size_t len,
		   int *done, struct frame_end *end, struct strbuf *err)
{
	size_t i = 0;

	*done = 0;
	while (i < len) {
		if (fp->in_trailer) {
			char c = buf[i++];

			if (c == '\n') {
				if (parse_trailer(fp, end, err) < 0)
					return -1;
				fp->in_trailer = 0;
				fp->trailer_len = 0;
				fp->matched = 0;
				*done = 1;
				return (ssize_t)i;
			}
			if (fp->trailer_len == FRAME_TRAILER_MAX) {
				strbuf_addstr(err, "end marker from the remote shell is too long");
				return -1;
			}
			fp->trailer[fp->trailer_len++] = c;
			continue;
		}
		if (!fp->matched) {
			/* fast path: copy plain output up to the next mark character */
			const char *m = memchr(buf + i, FRAME_MARK_CHAR, len - i);
			size_t upto = m ? (size_t)(m - buf) : len;

			emit(fp, buf + i, upto - i);
			i = upto;
			if (!m)
				break;
			fp->matched = 1;
			i++;
			continue;
		}
		if (buf[i] == fp->marker[fp->matched]) {
			i++;
			if (++fp->matched == fp->marker_len)
				fp->in_trailer = 1;
			continue;
		}
		/* not a marker after all: what was held back is output */
		emit(fp, fp->marker, fp->matched);
		fp->matched = 0;
	}
	return (ssize_t)len;
}

size_t frame_take(struct frame_parser *fp, struct strbuf *dst)
{
	size_t dropped = fp->dropped;

	strbuf_release_wiped(dst);	/* a step's output may be a secret */
	*dst = fp->out;
	strbuf_init(&fp->out, 0);
	fp->dropped = 0;
	return dropped;
}
