#ifndef KCFG_FRAME_H
#define KCFG_FRAME_H

#include <stddef.h>
#include <sys/types.h>

#include "util/strbuf.h"

/*
 * The framing protocol's receiving half. A session's remote shell loop
 * runs each step with its stdout and stderr going straight back over the
 * ssh channel, then writes an end marker on both streams:
 *
 *     \036kcfg-NONCE ID STATUS\n
 *
 * NONCE is 32 random hex digits chosen per session and sent only on the
 * channel's stdin (never in argv), so output cannot forge a marker; ID
 * is the step number and STATUS its exit status (0..255). Everything
 * before the marker on a stream is that step's output on that stream,
 * byte for byte, whether or not it ends with a newline.
 *
 * One frame_parser reads one stream (stdout or stderr). It holds back
 * only the bytes that could still be the start of a marker, so a marker
 * split across reads is found, and a stray \036 or a marker with a wrong
 * nonce is plain output.
 */

/* Output kept per step and stream; the rest is counted, not stored. */
#define MAX_REMOTE_OUTPUT (4u << 20)
#define FRAME_NONCE_LEN 32
/* The longest "ID STATUS\n" after a marker. */
#define FRAME_TRAILER_MAX 40
#define FRAME_MARK_CHAR '\036'

struct frame_parser {
	char marker[8 + FRAME_NONCE_LEN];	/* "\036kcfg-" NONCE " " */
	size_t marker_len;
	size_t matched;		/* marker bytes matched at the end of input so far */
	int in_trailer;
	char trailer[FRAME_TRAILER_MAX + 1];
	size_t trailer_len;
	struct strbuf out;	/* this frame's output, at most `cap` bytes */
	size_t cap;
	size_t dropped;		/* bytes past the cap, not stored */
	/* when set, output goes here instead of `out`, uncapped (a file pulled
	 * from the host, streamed to a local file) */
	void (*sink)(void *arg, const char *data, size_t len);
	void *sink_arg;
};

struct frame_end {
	unsigned long id;
	int status;
};

/* Writes a new random nonce (FRAME_NONCE_LEN hex digits + NUL). */
int frame_make_nonce(char nonce[FRAME_NONCE_LEN + 1]);

/*
 * Sets up a parser for markers carrying `nonce` (exactly FRAME_NONCE_LEN
 * hex digits), keeping at most `cap` bytes of output per frame.
 */
void frame_init(struct frame_parser *fp, const char *nonce, size_t cap);
void frame_release(struct frame_parser *fp);

/*
 * Consumes bytes up to and including the first complete marker. Returns
 * how many bytes of `buf` it consumed (all of them when no marker ended),
 * with *done set to 1 and *end filled when a frame ended; the caller
 * then takes fp->out (frame_take) and feeds the rest. Returns -1 with a
 * message in `err` when a marker's trailer is malformed (a protocol
 * error: the session cannot go on).
 */
ssize_t frame_feed(struct frame_parser *fp, const char *buf, size_t len,
		   int *done, struct frame_end *end, struct strbuf *err);

/*
 * Moves the current frame's output into `dst` (released first) and
 * returns how many bytes were dropped past the cap; the parser starts
 * the next frame empty.
 */
size_t frame_take(struct frame_parser *fp, struct strbuf *dst);

/* Bytes held back as a possible marker start (output not yet in fp->out). */
static inline size_t frame_pending(const struct frame_parser *fp)
{
	return fp->in_trailer ? fp->marker_len + fp->trailer_len : fp->matched;
}

#endif
