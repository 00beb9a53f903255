/*
 * Pulling a file from a host (pull.h): the two remote scripts and the
 * local sink.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "transport/pull.h"
#include "transport/shell.h"
#include "util/hex.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* A regular file, read without following a symlink at its name. */
static void remote_file(const char *remote, struct strbuf *script)
{
	strbuf_addstr(script, "f=");
	sq_quote(script, remote);
	strbuf_addstr(script, "\nif [ -h \"$f\" ] || [ ! -f \"$f\" ]; then\n"
		      "\techo \"'$f' is not a regular file\" >&2; exit 1\nfi\n");
}

void pull_probe_script(const char *remote, struct strbuf *script)
{
	remote_file(remote, script);
	strbuf_addstr(script,
		/* open it once without following a link, so that dd's error shows */
		"dd if=\"$f\" iflag=nofollow count=0 status=none || exit 1\n"
		"s=$(dd if=\"$f\" iflag=nofollow bs=1M status=none | sha256sum) || exit 1\n"
		"n=$(stat -c %s -- \"$f\") || exit 1\n"
		"printf '%s %s\\n' \"$n\" \"${s%% *}\"\n");
}

int pull_probe_parse(const char *out, uint64_t *size, char sha[PULL_SHA_HEX + 1])
{
	char *end;
	unsigned long long n;

	errno = 0;
	if (*out < '0' || *out > '9')
		return -1;
	n = strtoull(out, &end, 10);
	if (errno || *end != ' ')
		return -1;
	end++;
	for (size_t i = 0; i < PULL_SHA_HEX; i++)
		if (hex_digit(end[i]) < 0 || (end[i] >= 'A' && end[i] <= 'F'))
			return -1;
	if (end[PULL_SHA_HEX] != '\n' && end[PULL_SHA_HEX] != '\0')
		return -1;
	memcpy(sha, end, PULL_SHA_HEX);
	sha[PULL_SHA_HEX] = '\0';
	*size = n;
	return 0;
}

void pull_send_script(const char *remote, struct strbuf *script)
{
	remote_file(remote, script);
	strbuf_addstr(script, "exec dd if=\"$f\" iflag=nofollow bs=1M status=none\n");
}

int pull_sink_open(struct pull_sink *ps, const char *local, struct strbuf *err)
{
	const char *slash = strrchr(local, '/');
	char *tmp;

	memset(ps, 0, sizeof(*ps));
	ps->fd = -1;
	if (slash)
		tmp = xstrfmt("%.*s/.%s.kcfg-XXXXXX", (int)(slash - local), local, slash + 1);
	else
		tmp = xstrfmt(".%s.kcfg-XXXXXX", local);
	/* mkstemp: O_CREAT|O_EXCL, mode 0600: never an existing file or a link */
	ps->fd = mkstemp(tmp);
	if (ps->fd < 0) {
		strbuf_addf(err, "cannot create a file beside '%s': %s", local, strerror(errno));
		free(tmp);
		return -1;
	}
	(void)fcntl(ps->fd, F_SETFD, FD_CLOEXEC);
	ps->tmp = tmp;
	ps->md = EVP_MD_CTX_new();
	if (!ps->md || !EVP_DigestInit_ex(ps->md, EVP_sha256(), NULL)) {
		strbuf_addstr(err, "cannot start a sha256 digest");
		pull_sink_abort(ps);
		return -1;
	}
	return 0;
}

void pull_sink_write(void *arg, const char *data, size_t len)
{
	struct pull_sink *ps = arg;

	ps->bytes += len;
	EVP_DigestUpdate(ps->md, data, len);
	while (len && !ps->write_errno) {
		ssize_t n = write(ps->fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ps->write_errno = errno;
			break;
		}
		data += n;
		len -= (size_t)n;
	}
}

void pull_sink_abort(struct pull_sink *ps)
{
	if (ps->fd >= 0)
		close(ps->fd);
	if (ps->tmp) {
		unlink(ps->tmp);
		free(ps->tmp);
	}
	EVP_MD_CTX_free(ps->md);
	memset(ps, 0, sizeof(*ps));
	ps->fd = -1;
}

int pull_sink_finish(struct pull_sink *ps, int ok, const char *want_sha, uint64_t want_size,
		     const char *local, char got_sha[PULL_SHA_HEX + 1], struct strbuf *err)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char sha[PULL_SHA_HEX + 1];

	if (!ok)
		goto fail;
	if (ps->write_errno) {
		strbuf_addf(err, "cannot write '%s': %s", ps->tmp, strerror(ps->write_errno));
		goto fail;
	}
	if (!EVP_DigestFinal_ex(ps->md, md, &mdlen) || mdlen != PULL_SHA_HEX / 2) {
		strbuf_addstr(err, "cannot finish a sha256 digest");
		goto fail;
	}
	for (unsigned i = 0; i < mdlen; i++) {
		sha[2 * i] = digits[md[i] >> 4];
		sha[2 * i + 1] = digits[md[i] & 15];
	}
	sha[PULL_SHA_HEX] = '\0';
	if (ps->bytes != want_size || strcmp(sha, want_sha)) {
		strbuf_addf(err, "the copy does not match the host's file (%llu bytes, sha256 "
			    "%.12s..., the host said %llu bytes, %.12s...): it changed while "
			    "it was read, or the connection corrupted it",
			    (unsigned long long)ps->bytes, sha, (unsigned long long)want_size,
			    want_sha);
		goto fail;
	}
	if (fsync(ps->fd) < 0 || close(ps->fd) < 0) {
		ps->fd = -1;
		strbuf_addf(err, "cannot write '%s': %s", ps->tmp, strerror(errno));
		goto fail;
	}
	ps->fd = -1;
	/* rename() replaces a symlink at `local`, never writes through it */
	if (rename(ps->tmp, local) < 0) {
		strbuf_addf(err, "cannot rename '%s' to '%s': %s", ps->tmp, local,
			    strerror(errno));
		goto fail;
	}
	free(ps->tmp);
	ps->tmp = NULL;
	memcpy(got_sha, sha, sizeof(sha));
	pull_sink_abort(ps);
	return 0;
fail:
	pull_sink_abort(ps);
	return -1;
}
