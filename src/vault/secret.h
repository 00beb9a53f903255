#ifndef KCFG_VAULT_SECRET_H
#define KCFG_VAULT_SECRET_H

#include <stddef.h>

/*
 * A byte buffer for passwords and decrypted data (OpenSSH's sshbuf habit):
 * its memory is page-aligned, locked where the limit allows (mlock, so it
 * is not swapped) and left out of core dumps (MADV_DONTDUMP). Every grow
 * and every release wipes the old bytes before they are freed.
 *
 * `buf` is NULL while nothing was added; otherwise it is NUL-terminated
 * (the NUL is not counted in `len`), so a password can be passed to C
 * APIs. There is deliberately no function that formats a secret: to show
 * that one is set, print secret_redacted(), never the bytes, and never
 * pass `buf` to log_msg or any printf-family function.
 */
struct secret {
	unsigned char *buf;
	size_t len;
	size_t alloc;
};

#define SECRET_INIT { NULL, 0, 0 }

void secret_init(struct secret *s);
/* Wipes and frees the contents, then re-initialises. NULL-safe. */
void secret_release(struct secret *s);
/* Makes room for `extra` more bytes (plus the NUL) without changing len. */
void secret_grow(struct secret *s, size_t extra);
void secret_add(struct secret *s, const void *data, size_t len);
void secret_addch(struct secret *s, int c);
/* Shortens to `len` (<= s->len), wiping what is cut off. */
void secret_truncate(struct secret *s, size_t len);
/* Replaces dst's contents with a copy of src's. */
void secret_copy(struct secret *dst, const struct secret *src);
/* Moves src's contents into dst (released first); src ends empty. */
void secret_move(struct secret *dst, struct secret *src);

/* 1 when the secret holds at least one byte. */
int secret_is_set(const struct secret *s);
/*
 * 1 when both hold the same bytes. The comparison of equal-length
 * contents takes the same time wherever they differ.
 */
int secret_equal(const struct secret *a, const struct secret *b);
/* "<redacted>" when set, "" when empty: the only printable form. */
const char *secret_redacted(const struct secret *s);

/*
 * Removes every leading and trailing byte that occurs in `chars`
 * (Python's bytes.strip(chars)), wiping what is removed.
 */
void secret_strip(struct secret *s, const char *chars);
/* The bytes Python's bytes.strip() removes by default. */
#define SECRET_WHITESPACE " \t\n\r\v\f"

/*
 * Reads fd to EOF, appending. Fails with -1 and errno set (EFBIG when the
 * total would pass `cap` bytes); what was read is kept, to be released.
 */
int secret_read_fd(struct secret *s, int fd, size_t cap);

/* Wipes `len` bytes at `p` so that the compiler cannot drop the stores. */
void secret_wipe(void *p, size_t len);

#endif
