#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "vault/io.h"
#include "vault/secret.h"
#include "vault/vault.h"
#include "util/banned.h"

static void read_error(struct strbuf *err, const char *path, size_t cap, int e)
{
	const char *what = strcmp(path, "-") ? path : "standard input";

	if (e == EFBIG)
		strbuf_addf(err, "'%s' is larger than %zu MiB, more than kcfg reads", what,
			    cap >> 20);
	else
		strbuf_addf(err, "cannot read '%s': %s", what, strerror(e));
}

int vault_read_public(const char *path, struct strbuf *out, size_t cap,
		      struct strbuf *err)
{
	int r = strcmp(path, "-") ? strbuf_read_file(out, path, cap)
				  : strbuf_read_fd(out, 0, cap);

	if (r < 0) {
		read_error(err, path, cap, errno);
		return VAULT_ERR_IO;
	}
	return 0;
}

int vault_read_secret(const char *path, struct secret *out, size_t cap,
		      struct strbuf *err)
{
	int fd = 0, r, e;

	if (strcmp(path, "-")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			read_error(err, path, cap, errno);
			return VAULT_ERR_IO;
		}
	}
	r = secret_read_fd(out, fd, cap);
	e = errno;
	if (fd)
		close(fd);
	if (r < 0) {
		secret_release(out);
		read_error(err, path, cap, e);
		return VAULT_ERR_IO;
	}
	return 0;
}

int vault_write(const char *path, const void *data, size_t len, mode_t mode,
		struct strbuf *err)
{
	const char *p = data;

	if (strcmp(path, "-"))
		return write_file_atomic(path, data, len, mode, err) ? VAULT_ERR_IO : 0;
	while (len) {
		ssize_t n = write(1, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			strbuf_addf(err, "cannot write to standard output: %s",
				    n < 0 ? strerror(errno) : "short write");
			return VAULT_ERR_IO;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

char *vault_target_path(const char *path)
{
	char *real = realpath(path, NULL);

	return real ? real : xstrdup(path);
}
