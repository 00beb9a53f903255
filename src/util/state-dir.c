#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/state-dir.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define LOCK_NAME "lock"
#define LOCK_INFO_MAX 64	/* "PID COMMAND\n" */

/* Why `st` (of `path`) is not a directory kcfg may trust, or NULL. */
static int check_stat(const char *path, const struct stat *st, struct strbuf *err)
{
	if (S_ISLNK(st->st_mode)) {
		strbuf_addf(err, "'%s' is a symbolic link; kcfg keeps its keys, facts and "
			    "logs only in a directory of its own\n"
			    "  hint: remove the link (kcfg makes the directory), or move "
			    "the directory it points to in its place", path);
		return -1;
	}
	if (!S_ISDIR(st->st_mode)) {
		strbuf_addf(err, "'%s' is not a directory\n"
			    "  hint: move it away; kcfg makes the directory", path);
		return -1;
	}
	if (st->st_uid != geteuid()) {
		strbuf_addf(err, "'%s' belongs to another user (uid %lu), who could change "
			    "the keys and files kcfg keeps there\n"
			    "  hint: run kcfg as that user, or move the directory away so "
			    "that kcfg makes its own", path, (unsigned long)st->st_uid);
		return -1;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		strbuf_addf(err, "'%s' is writable by other users, who could change the "
			    "keys and files kcfg keeps there\n"
			    "  hint: chmod go-w '%s'", path, path);
		return -1;
	}
	return 0;
}

int state_dir_check(const char *path, int create, struct strbuf *err)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno != ENOENT) {
			strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
			return -1;
		}
		if (!create)
			return 1;
		if (mkdir_p(path, 0700, err) < 0)
			return -1;
		if (lstat(path, &st) < 0) {
			strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
			return -1;
		}
	}
	return check_stat(path, &st, err);
}

/* Who holds the lock, as its file says: "pid 123, kcfg render". */
static void describe_holder(int fd, struct strbuf *out)
{
	char buf[LOCK_INFO_MAX + 1];
	ssize_t n = pread(fd, buf, LOCK_INFO_MAX, 0);
	size_t pid_len, what_len;

	if (n <= 0)
		return;
	buf[n] = '\0';
	pid_len = strspn(buf, "0123456789");
	if (!pid_len || pid_len > 10 || buf[pid_len] != ' ')
		return;
	/* only plain words of the file are shown */
	what_len = strspn(buf + pid_len + 1, "abcdefghijklmnopqrstuvwxyz -");
	strbuf_addf(out, " (pid %.*s, kcfg %.*s)", (int)pid_len, buf, (int)what_len,
		    buf + pid_len + 1);
}

int state_lock_take(struct state_lock *lk, const char *dir, const char *what,
		    int wait, struct strbuf *err)
{
	char *path = xstrfmt("%s/" LOCK_NAME, dir);
	struct strbuf info = STRBUF_INIT;
	struct stat st;
	int fd, ret = -1;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		strbuf_addf(err, "cannot open the lock '%s': %s", path,
			    errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		strbuf_addf(err, "the lock '%s' is not a file of this user's\n"
			    "  hint: remove it", path);
		goto out;
	}
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK && !wait) {
			strbuf_addf(err, "another kcfg is using '%s'", dir);
			describe_holder(fd, err);
			ret = STATE_LOCK_BUSY;
		} else {
			strbuf_addf(err, "cannot lock '%s': %s", path, strerror(errno));
		}
		goto out;
	}
	strbuf_addf(&info, "%ld %s\n", (long)getpid(), what ? what : "");
	/* for the message another kcfg shows; the lock itself is the flock */
	if (pwrite(fd, info.buf, info.len, 0) != (ssize_t)info.len ||
	    ftruncate(fd, (off_t)info.len) < 0) {
		strbuf_addf(err, "cannot write the lock '%s': %s", path, strerror(errno));
		goto out;
	}
	lk->fd = fd;
	fd = -1;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	strbuf_release(&info);
	return ret;
}

void state_lock_release(struct state_lock *lk)
{
	if (lk->fd >= 0)
		close(lk->fd);
	lk->fd = -1;
}
