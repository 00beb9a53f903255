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
 * behind. The temporary is created exclusively and never through a
 * symbolic link; a link at `path` itself is replaced, not followed.
 * Returns 0, or -1 with a message in `err`.
 */
int write_file_atomic(const char *path, const void *data, size_t len,
		      mode_t mode, struct strbuf *err);

/*
 * write_file_atomic() of `rel` inside the directory `root`, which stays
 * inside whatever `rel` holds: `rel` is '/'-separated components, none
 * of them empty, "." or ".."; the directories on the way are created
 * with `dir_mode` when missing and are never symbolic links (a link is
 * refused, not followed). Returns 0, or -1 with a message in `err`.
 */
int write_file_beneath(const char *root, const char *rel, const void *data,
		       size_t len, mode_t mode, mode_t dir_mode, struct strbuf *err);

/*
 * A replacement of one file in two steps, so that several files can be
 * replaced all or nothing: prepare writes every new content beside its
 * file (fsync'ed, `mode`), and only when all are ready does the caller
 * commit each. Release removes a temporary that was not committed.
 */
struct pending_file {
	char *path;		/* the file it replaces */
	char *tmp;		/* the temporary beside it, NULL once committed */
	int dirfd;
};
#define PENDING_FILE_INIT { NULL, NULL, -1 }

int pending_file_prepare(struct pending_file *pf, const char *path, const void *data,
			 size_t len, mode_t mode, struct strbuf *err);
int pending_file_commit(struct pending_file *pf, struct strbuf *err);
void pending_file_release(struct pending_file *pf);

/*
 * Several files replaced all or nothing (as far as a file system allows):
 * every new content is written beside its file first; only when all are
 * written are they renamed into place, and when a rename fails the files
 * already replaced get their old content back.
 */
struct file_change {
	const char *path;
	const void *data;		/* the new content */
	size_t len;
	mode_t mode;
	const void *old;		/* what the file holds now, to put back */
	size_t old_len;
	mode_t old_mode;
	int changed;			/* out: 1 when `path` holds the new content */
};

/*
 * Returns 0 when every file holds its new content; -1 when none changed
 * (`err` says why); -2 when a failure came halfway and some files could
 * not be put back: `changed` says which hold the new content.
 */
int replace_files(struct file_change *v, size_t n, struct strbuf *err);

/*
 * 1 when `name` is fit to be one file name of a directory kcfg writes
 * (a host name as OUT/<host> or facts/<host>.json): not empty, not "."
 * or "..", no '/', no control character, at most 200 bytes.
 */
int fs_name_ok(const char *name);

/*
 * rm -rf `path`: symbolic links inside are removed, never followed.
 * Returns 0 (also when `path` is missing) or -1.
 */
int remove_tree(const char *path);

/* mkdir -p with `mode` for the directories it creates. */
int mkdir_p(const char *path, mode_t mode, struct strbuf *err);

/* 1 if `path` exists (any type), 0 if not. */
int path_exists(const char *path);

#endif
