#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/log.h"
#include "util/strbuf.h"
#include "vault/edit.h"
#include "vault/secret.h"
#include "vault/spawn.h"
#include "vault/vault.h"
#include "util/banned.h"

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A tmpfs that only this user can reach is the best place; /tmp the last. */
static const char *private_base(void)
{
	static const char *const vars[] = { "XDG_RUNTIME_DIR", "TMPDIR" };
	struct stat st;

	for (size_t i = 0; i < 2; i++) {
		const char *dir = getenv(vars[i]);
		if (dir && *dir == '/' && !stat(dir, &st) && S_ISDIR(st.st_mode) &&
		    !access(dir, W_OK | X_OK))
			return dir;
	}
	return "/tmp";
}

/* Overwrites a regular file with zeros before it is unlinked. */
static void scrub_file(int dirfd, const char *name)
{
	static const unsigned char zeros[4096];
	struct stat st;
	int fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode)) {
		for (off_t left = st.st_size; left > 0;) {
			size_t n = left < (off_t)sizeof(zeros) ? (size_t)left : sizeof(zeros);
			if (write_all(fd, zeros, n))
				break;
			left -= (off_t)n;
		}
		(void)fsync(fd);
	}
	close(fd);
}

/* Scrubs and removes everything in the private directory, then it. */
static int remove_private_dir(const char *dir)
{
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	if (dirfd < 0)
		return errno == ENOENT ? 0 : -1;
	d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		scrub_file(dirfd, de->d_name);
		if (unlinkat(dirfd, de->d_name, 0) && errno == EISDIR)
			(void)unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
	return rmdir(dir);
}

/* The base name for the temporary file: the vault file's own, if sane. */
static void add_safe_name(struct strbuf *sb, const char *filename)
{
	const char *base = strrchr(filename, '/');

	base = base ? base + 1 : filename;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || !strcmp(base, "-"))
		base = "vault.yaml";
	strbuf_addstr(sb, base);
}

int vault_edit_plaintext(const struct secret *plaintext, const char *filename,
			 const char *editor, const char *what,
			 struct secret *edited, int *changed, int *caught,
			 struct strbuf *err)
{
	struct spawn_saved_signals saved;
	struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT, why = STRBUF_INIT;
	int fd = -1, status = 0, ret = VAULT_ERR_IO, made_dir = 0;

	*caught = 0;
	spawn_signals_catch(&saved);

	strbuf_addf(&dir, "%s/kcfg-vault.XXXXXX", private_base());
	if (!mkdtemp(dir.buf)) {
		strbuf_addf(err, "cannot create a private temporary directory in '%s': %s",
			    private_base(), strerror(errno));
		goto out;
	}
	made_dir = 1;
	strbuf_addf(&path, "%s/", dir.buf);
	add_safe_name(&path, filename);
	log_msg(LOG_DEBUG, "editing in '%s'", path.buf);

	fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || (plaintext->len && write_all(fd, plaintext->buf, plaintext->len)) ||
	    close(fd)) {
		strbuf_addf(err, "cannot write the temporary file '%s': %s", path.buf,
			    strerror(errno));
		goto out;
	}
	fd = -1;
	if (spawn_caught_signal())
		goto out;

	if (spawn_editor(editor, path.buf, &status, err))
		goto out;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		spawn_describe_status(&why, status);
		strbuf_addf(err, "the editor '%s' %s; %s is unchanged", editor, why.buf, what);
		goto out;
	}
	if (spawn_caught_signal())
		goto out;

	fd = open(path.buf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || secret_read_fd(edited, fd, VAULT_MAX_PLAINTEXT) < 0) {
		if (errno == EFBIG)
			strbuf_addf(err, "the edited file is larger than %u MiB; %s is unchanged",
				    VAULT_MAX_PLAINTEXT >> 20, what);
		else if (errno == ENOENT)
			strbuf_addf(err, "the editor removed the file; %s is unchanged", what);
		else
			strbuf_addf(err, "cannot read the edited file: %s", strerror(errno));
		goto out;
	}
	*changed = !secret_equal(plaintext, edited);
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (made_dir && remove_private_dir(dir.buf))
		log_msg(LOG_WARNING, "cannot remove the temporary directory '%s': %s",
			dir.buf, strerror(errno));
	*caught = spawn_caught_signal();
	spawn_signals_restore(&saved);
	if (*caught) {
		/* the editor's end, if reported, was only a consequence */
		strbuf_reset(err);
		strbuf_addf(err, "stopped by signal %d while editing; %s is unchanged",
			    *caught, what);
		ret = VAULT_ERR_IO;
	}
	if (ret)
		secret_release(edited);
	strbuf_release(&dir);
	strbuf_release(&path);
	strbuf_release(&why);
	return ret;
}
