#ifndef KCFG_VAULT_IO_H
#define KCFG_VAULT_IO_H

#include <stddef.h>
#include <sys/types.h>

struct secret;
struct strbuf;

/*
 * Files for the vault commands, where "-" means stdin or stdout as in
 * ansible-vault. Plaintext is read into a struct secret and written
 * straight from it with write(2), never through stdio's buffers.
 */

/* Reads `path` ("-": stdin) into `out`, at most `cap` bytes. */
int vault_read_public(const char *path, struct strbuf *out, size_t cap,
		      struct strbuf *err);
int vault_read_secret(const char *path, struct secret *out, size_t cap,
		      struct strbuf *err);

/*
 * Writes to `path` atomically (util/fs.h: a temporary file created 0600
 * beside it, renamed over it) with `mode`, or to stdout when `path` is
 * "-". Returns 0, or VAULT_ERR_IO with `err`.
 */
int vault_write(const char *path, const void *data, size_t len, mode_t mode,
		struct strbuf *err);

/*
 * The file an in-place rewrite replaces: symbolic links are followed, as
 * ansible-vault does, so the link stays and its target changes. The
 * caller frees the result.
 */
char *vault_target_path(const char *path);

#endif
