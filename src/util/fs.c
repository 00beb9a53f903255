/* O_PATH: a directory is written into with only its search and write rights */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A temporary name beside `name`: ".NAME.XXXXXX", the X's random. */
static void temp_name(struct strbuf *tmp, const char *name)
{
	static const char digits[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char raw[6];
	static unsigned counter;

	if (getrandom(raw, sizeof(raw), GRND_NONBLOCK) != (ssize_t)sizeof(raw)) {
		unsigned long v = (unsigned long)getpid() * 2654435761u + counter++ +
				  (unsigned long)time(NULL);
		for (size_t i = 0; i < sizeof(raw); i++, v >>= 5)
			raw[i] = (unsigned char)v;
	}
	strbuf_reset(tmp);
	/* keep the name within NAME_MAX however long `name` is */
	strbuf_addf(tmp, ".%.200s.", name);
	for (size_t i = 0; i < sizeof(raw); i++)
		strbuf_addch(tmp, digits[raw[i] % (sizeof(digits) - 1)]);
}

/*
 * The temporary file for `name` in `dirfd`, created exclusively (never
 * through a link), mode 0600 until `mode` is set after the write.
 */
static int prepare_at(struct pending_file *pf, const char *name, const void *data,
		      size_t len, mode_t mode, struct strbuf *err)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd = -1, tries = 0;

	do {
		temp_name(&tmp, name);
		fd = openat(pf->dirfd, tmp.buf,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	} while (fd < 0 && errno == EEXIST && ++tries < 100);
	if (fd < 0) {
		strbuf_addf(err, "cannot create a temporary file beside '%s': %s",
			    pf->path, strerror(errno));
		strbuf_release(&tmp);
		return -1;
	}
	pf->tmp = strbuf_detach(&tmp, NULL);
	/* created 0600; widened to `mode` only after, never before */
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		strbuf_addf(err, "cannot write '%s': %s", pf->path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) < 0) {
		strbuf_addf(err, "cannot write '%s': %s", pf->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The directory part of `path` ("." when none) and its last component. */
static int open_parent(const char *path, const char **base, struct strbuf *err)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash) {
		*base = path;
		dir = xstrdup(".");
	} else {
		*base = slash + 1;
		dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	}
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		strbuf_addf(err, "cannot create a temporary file beside '%s': %s",
			    path, strerror(errno));
	free(dir);
	return fd;
}

int pending_file_prepare(struct pending_file *pf, const char *path, const void *data,
			 size_t len, mode_t mode, struct strbuf *err)
{
	const char *base;

	pf->path = xstrdup(path);
	pf->tmp = NULL;
	pf->dirfd = open_parent(path, &base, err);
	if (pf->dirfd < 0)
		return -1;
	return prepare_at(pf, base, data, len, mode, err);
}

int pending_file_commit(struct pending_file *pf, struct strbuf *err)
{
	const char *slash = strrchr(pf->path, '/');

	if (renameat(pf->dirfd, pf->tmp, pf->dirfd, slash ? slash + 1 : pf->path) < 0) {
		strbuf_addf(err, "cannot replace '%s': %s", pf->path, strerror(errno));
		return -1;
	}
	free(pf->tmp);
	pf->tmp = NULL;
	return 0;
}

void pending_file_release(struct pending_file *pf)
{
	if (pf->tmp && pf->dirfd >= 0)
		unlinkat(pf->dirfd, pf->tmp, 0);
	if (pf->dirfd >= 0)
		close(pf->dirfd);
	free(pf->tmp);
	free(pf->path);
	pf->tmp = pf->path = NULL;
	pf->dirfd = -1;
}

int write_file_atomic(const char *path, const void *data, size_t len,
		      mode_t mode, struct strbuf *err)
{
	struct pending_file pf = PENDING_FILE_INIT;
	int ret = pending_file_prepare(&pf, path, data, len, mode, err);

	if (!ret)
		ret = pending_file_commit(&pf, err);
	pending_file_release(&pf);
	return ret;
}

int replace_files(struct file_change *v, size_t n, struct strbuf *err)
{
	struct pending_file *pf = xcalloc(n ? n : 1, sizeof(*pf));
	size_t i, done = 0;
	int ret = -1;

	for (i = 0; i < n; i++) {
		pf[i].dirfd = -1;
		v[i].changed = 0;
	}
	for (i = 0; i < n; i++)
		if (pending_file_prepare(&pf[i], v[i].path, v[i].data, v[i].len, v[i].mode,
					 err) < 0)
			goto out;
	for (done = 0; done < n; done++) {
		if (pending_file_commit(&pf[done], err) < 0)
			break;
		v[done].changed = 1;
	}
	if (done == n) {
		ret = 0;
		goto out;
	}
	/* put back what was replaced: the old content, written the same way */
	for (i = 0; i < done; i++) {
		struct strbuf ignored = STRBUF_INIT;

		if (!write_file_atomic(v[i].path, v[i].old, v[i].old_len, v[i].old_mode,
				       &ignored))
			v[i].changed = 0;
		else
			ret = -2;
		strbuf_release(&ignored);
	}
out:
	for (i = 0; i < n; i++)
		pending_file_release(&pf[i]);
	free(pf);
	return ret;
}

static int component_ok(const char *c)
{
	return *c && strcmp(c, ".") && strcmp(c, "..");
}

int write_file_beneath(const char *root, const char *rel, const void *data,
		       size_t len, mode_t mode, mode_t dir_mode, struct strbuf *err)
{
	struct pending_file pf = PENDING_FILE_INIT;
	char *copy = xstrdup(rel), *part = copy, *slash;
	int ret = -1;

	pf.path = xstrfmt("%s/%s", root, rel);
	pf.dirfd = open(root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pf.dirfd < 0) {
		struct stat st;
		int e = errno;

		strbuf_addf(err, "cannot open the directory '%s': %s", root,
			    lstat(root, &st) == 0 && S_ISLNK(st.st_mode) ? "it is a symbolic link"
			    : strerror(e));
		goto out;
	}
	/* each directory on the way is entered without following a link */
	while ((slash = strchr(part, '/'))) {
		int fd;

		*slash = '\0';
		if (!component_ok(part))
			break;
		if (mkdirat(pf.dirfd, part, dir_mode) < 0 && errno != EEXIST) {
			strbuf_addf(err, "cannot create a directory for '%s': %s", pf.path,
				    strerror(errno));
			goto out;
		}
		fd = openat(pf.dirfd, part, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			strbuf_addf(err, "cannot write '%s': '%s' on its way is %s", pf.path,
				    part, errno == ELOOP || errno == ENOTDIR
				    ? "not a directory (or a symbolic link)" : strerror(errno));
			goto out;
		}
		close(pf.dirfd);
		pf.dirfd = fd;
		part = slash + 1;
	}
	if (slash || !component_ok(part)) {
		strbuf_addf(err, "refusing to write '%s': the path would leave '%s' "
			    "(an empty, '.' or '..' part)", pf.path, root);
		goto out;
	}
	if (prepare_at(&pf, part, data, len, mode, err) < 0)
		goto out;
	if (renameat(pf.dirfd, pf.tmp, pf.dirfd, part) < 0) {
		strbuf_addf(err, "cannot replace '%s': %s", pf.path, strerror(errno));
		goto out;
	}
	free(pf.tmp);
	pf.tmp = NULL;
	ret = 0;
out:
	pending_file_release(&pf);
	free(copy);
	return ret;
}

/* Removes `name` in `dirfd` and, for a directory, all it holds; links are removed, never followed. */
static int remove_at(int at, const char *name, int depth)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd, ret = 0;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, name, 0);
	if (depth > 256)
		return -1;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    remove_at(fd, e->d_name, depth + 1) < 0)
			ret = -1;
	closedir(d);
	return unlinkat(at, name, AT_REMOVEDIR) < 0 ? -1 : ret;
}

int remove_tree(const char *path)
{
	return remove_at(AT_FDCWD, path, 0);
}

int fs_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > 200 || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if (*p == '/' || (unsigned char)*p < ' ' || *p == 0x7f)
			return 0;
	return 1;
}

int mkdir_p(const char *path, mode_t mode, struct strbuf *err)
{
	char *p = xstrdup(path);
	int ret = 0;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char saved = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				strbuf_addf(err, "cannot create directory '%s': %s",
					    p, strerror(errno));
				ret = -1;
				break;
			}
			*s = saved;
			if (!saved)
				break;
		}
	}
	free(p);
	return ret;
}

int path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}
