#ifndef KCFG_PULL_H
#define KCFG_PULL_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

/*
 * Pulling a file from a host into a local file, in two steps over one
 * session: a probe prints the remote file's size and sha256 (refusing a
 * symlink or anything but a regular file), then a send step writes the
 * file on stdout, which the session streams into a pull_sink: an
 * exclusively created 0600 temporary file beside the local target,
 * hashed as it arrives. pull_sink_finish() compares the digests and
 * renames the temporary file over the target, so the target is the
 * whole file or untouched. Nothing is held whole in memory.
 */
#define PULL_SHA_HEX 64

void pull_probe_script(const char *remote, struct strbuf *script);
/* Reads the probe's "SIZE SHA256" line. Returns 0, or -1. */
int pull_probe_parse(const char *out, uint64_t *size, char sha[PULL_SHA_HEX + 1]);
void pull_send_script(const char *remote, struct strbuf *script);

struct pull_sink {
	int fd;
	char *tmp;		/* the temporary file, until finished */
	void *md;		/* EVP_MD_CTX */
	uint64_t bytes;
	int write_errno;	/* the first write error, or 0 */
};

/* Creates the temporary file beside `local`. Returns 0, or -1 with `err`. */
int pull_sink_open(struct pull_sink *ps, const char *local, struct strbuf *err);
/* The session's sink callback (arg: the pull_sink). */
void pull_sink_write(void *arg, const char *data, size_t len);
/*
 * Ends a pull: with `ok` and a digest equal to `want_sha`, renames the
 * temporary file over `local` and writes the digest to `got_sha`;
 * otherwise removes it. Returns 0, or -1 with `err`.
 */
int pull_sink_finish(struct pull_sink *ps, int ok, const char *want_sha, uint64_t want_size,
		     const char *local, char got_sha[PULL_SHA_HEX + 1], struct strbuf *err);
/* Removes what is left of an unfinished pull. */
void pull_sink_abort(struct pull_sink *ps);

#endif
