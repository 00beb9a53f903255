#ifndef KCFG_FS_H
#define KCFG_FS_H

#include <stddef.h>
#include <sys/types.h>

struct strbuf;

/*
 * Writes `len` bytes to `path` atomically: a temporary file in the same
 * directory is created with `mode` (never wider, whatever the umask),
 * written, fsync'ed and renamed over `path`. Readers see the old file or
 * the new one, never a half-written one; on failure nothing is left
 * behind. Returns 0, or -1 with a message in `err`.
 */
int write_file_atomic(const char *path, const void *data, size_t len,
		      mode_t mode, struct strbuf *err);

/* mkdir -p with `mode` for the directories it creates. */
int mkdir_p(const char *path, mode_t mode, struct strbuf *err);

/* 1 if `path` exists (any type), 0 if not. */
int path_exists(const char *path);

#endif
