#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "util/xalloc.h"
#include "vault/secret.h"
#include "util/banned.h"

static size_t page_size(void)
{
	static size_t page;

	if (!page) {
		long n = sysconf(_SC_PAGESIZE);
		page = n > 0 ? (size_t)n : 4096;
	}
	return page;
}

void secret_wipe(void *p, size_t len)
{
	if (p && len)
		OPENSSL_cleanse(p, len);
}

/*
 * Whole pages, so that mlock and MADV_DONTDUMP cover exactly this buffer
 * and nothing else shares its pages. Failures of either are not fatal:
 * RLIMIT_MEMLOCK may be small, and the buffer is still wiped.
 */
static unsigned char *secure_alloc(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, page_size(), size) || !p) {
		/* out of memory is fatal, as in xmalloc */
		static const char msg[] = "fatal: out of memory (secret buffer)\n";
		ssize_t ignored = write(2, msg, sizeof(msg) - 1);
		(void)ignored;
		_exit(1);
	}
	(void)mlock(p, size);
#ifdef MADV_DONTDUMP
	(void)madvise(p, size, MADV_DONTDUMP);
#endif
	return p;
}

static void secure_free(unsigned char *p, size_t size)
{
	if (!p)
		return;
	secret_wipe(p, size);
#ifdef MADV_DODUMP
	(void)madvise(p, size, MADV_DODUMP);
#endif
	(void)munlock(p, size);
	free(p);
}

void secret_init(struct secret *s)
{
	s->buf = NULL;
	s->len = s->alloc = 0;
}

void secret_release(struct secret *s)
{
	if (!s)
		return;
	secure_free(s->buf, s->alloc);
	secret_init(s);
}

void secret_grow(struct secret *s, size_t extra)
{
	size_t want = st_add(st_add(s->len, extra), 1);
	size_t size;
	unsigned char *p;

	if (want <= s->alloc)
		return;
	size = s->alloc ? s->alloc : page_size();
	while (size < want)
		size = st_mult(size, 2);
	p = secure_alloc(size);
	if (s->buf)
		memcpy(p, s->buf, s->len);
	p[s->len] = '\0';
	secure_free(s->buf, s->alloc);
	s->buf = p;
	s->alloc = size;
}

void secret_add(struct secret *s, const void *data, size_t len)
{
	secret_grow(s, len);
	if (len)
		memcpy(s->buf + s->len, data, len);
	s->len += len;
	s->buf[s->len] = '\0';
}

void secret_addch(struct secret *s, int c)
{
	unsigned char ch = (unsigned char)c;

	secret_add(s, &ch, 1);
}

void secret_truncate(struct secret *s, size_t len)
{
	if (len >= s->len)
		return;
	secret_wipe(s->buf + len, s->len - len);
	s->len = len;
	s->buf[len] = '\0';
}

void secret_copy(struct secret *dst, const struct secret *src)
{
	if (dst == src)
		return;
	secret_release(dst);
	if (src->buf)
		secret_add(dst, src->buf, src->len);
}

void secret_move(struct secret *dst, struct secret *src)
{
	if (dst == src)
		return;
	secret_release(dst);
	*dst = *src;
	secret_init(src);
}

int secret_is_set(const struct secret *s)
{
	return s->len > 0;
}

int secret_equal(const struct secret *a, const struct secret *b)
{
	if (a->len != b->len)
		return 0;
	if (!a->len)
		return 1;
	return CRYPTO_memcmp(a->buf, b->buf, a->len) == 0;
}

const char *secret_redacted(const struct secret *s)
{
	return s->len ? "<redacted>" : "";
}

void secret_strip(struct secret *s, const char *chars)
{
	size_t start = 0, end = s->len;

	while (start < end && strchr(chars, s->buf[start]) && s->buf[start])
		start++;
	while (end > start && strchr(chars, s->buf[end - 1]) && s->buf[end - 1])
		end--;
	if (start) {
		memmove(s->buf, s->buf + start, end - start);
		/* the bytes past the new end still hold the old tail: wipe them */
		secret_wipe(s->buf + (end - start), s->len - (end - start));
		s->len = end - start;
		s->buf[s->len] = '\0';
	} else {
		secret_truncate(s, end);
	}
}

int secret_read_fd(struct secret *s, int fd, size_t cap)
{
	for (;;) {
		ssize_t n;

		if (s->len >= cap) {
			/* one more byte tells a file of exactly `cap` from a bigger one */
			unsigned char probe;

			n = read(fd, &probe, 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -1;
			secret_wipe(&probe, 1);
			if (n == 0)
				return 0;
			errno = EFBIG;
			return -1;
		}
		secret_grow(s, 4096 < cap - s->len ? 4096 : cap - s->len);
		n = read(fd, s->buf + s->len, s->alloc - s->len - 1 < cap - s->len ?
			 s->alloc - s->len - 1 : cap - s->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return 0;
		s->len += (size_t)n;
		s->buf[s->len] = '\0';
	}
}
