#ifndef KCFG_UPLOAD_H
#define KCFG_UPLOAD_H

#include <stdint.h>

struct strbuf;

/*
 * Uploading a large local file over a session, in two steps: a probe
 * prints the sha256 of the file already at the destination (if any); if
 * it differs, a send step reads exactly SIZE bytes from the channel into
 * a temporary file beside the destination, checks its sha256 there with
 * sha256sum, sets its owner and mode and renames it into place, without
 * following a link a user planted on the way (transport/remote-fs.h). The
 * data is streamed from the local file, never held whole in memory.
 */
#define UPLOAD_SHA_HEX 64

/* sha256 of a local file, read in chunks. Returns 0, or -1 with `err`. */
int upload_sha256_file(const char *path, char hex[UPLOAD_SHA_HEX + 1],
		       uint64_t *size, struct strbuf *err);

void upload_probe_script(const char *dest, struct strbuf *script);
/* 1 when the probe's output names `sha`: the host has the file already. */
int upload_probe_matches(const char *out, const char *sha);
/* `owner`: "user:group" as chown takes it, NULL or "root:root" for root. */
void upload_send_script(const char *dest, uint64_t size, const char *sha,
			unsigned mode, const char *owner, struct strbuf *script);

#endif
