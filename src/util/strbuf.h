#ifndef KCFG_STRBUF_H
#define KCFG_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable, always NUL-terminated byte buffer (git's strbuf).
 * `buf` is never NULL: an empty strbuf points at a shared static "",
 * so it may be printed or compared without checks. Any append may move
 * `buf`; do not keep pointers into it across appends.
 */
struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Frees the contents and re-initialises. */
void strbuf_release(struct strbuf *sb);
/*
 * Like strbuf_release, but first overwrites every allocated byte, for
 * buffers that held a secret (a password, a rendered secret file). A
 * strbuf never leaves a copy of its bytes in freed memory as it grows
 * (strbuf_grow wipes the old block), so this wipes the only copy.
 */
void strbuf_release_wiped(struct strbuf *sb);
/* Overwrites what `sb` holds, then empties it (its memory is kept). */
void strbuf_reset_wiped(struct strbuf *sb);
/* Hands the buffer to the caller (who frees it) and re-initialises. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Makes room for `extra` more bytes without changing len. */
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
/* Each line of text[0..len) with `indent` spaces before it and a newline after. */
void strbuf_add_indented(struct strbuf *sb, const char *text, size_t len, unsigned indent);
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Appends only if the result stays within `cap` bytes; returns 0, or -1
 * (and appends nothing) when it would not fit. For buffers fed from
 * outside, which must never grow without bound.
 */
int strbuf_add_capped(struct strbuf *sb, const void *data, size_t len, size_t cap);

void strbuf_trim(struct strbuf *sb);
void strbuf_rtrim(struct strbuf *sb);
int strbuf_starts_with(const struct strbuf *sb, const char *prefix);

/*
 * Reads the whole file at `path` (appending), failing with -1 and errno
 * set if it is larger than `cap` bytes or cannot be read.
 */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t cap);
/* Reads fd to EOF, same contract. */
int strbuf_read_fd(struct strbuf *sb, int fd, size_t cap);

/* Small string helpers that do not need a strbuf. */
int starts_with(const char *s, const char *prefix);
int ends_with(const char *s, const char *suffix);

#endif
