#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "vault/password.h"
#include "vault/secret.h"
#include "vault/spawn.h"
#include "vault/vault.h"
#include "util/banned.h"

static const char hint_sources[] =
	"\n  hint: use --vault-password-file FILE or --vault-id LABEL@FILE, "
	"or set " VAULT_PASSWORD_ENV " to a password file";

void vault_password_source_release(struct vault_password_source *src)
{
	for (size_t i = 0; i < src->nr; i++) {
		free(src->ids[i].label);
		free(src->ids[i].source);
	}
	free(src->ids);
	src->ids = NULL;
	src->nr = src->alloc = 0;
}

static void add_spec(struct vault_password_source *src, const char *label,
		     size_t label_len, const char *source)
{
	struct vault_id_spec *spec;

	ALLOC_GROW(src->ids, src->nr + 1, src->alloc);
	spec = &src->ids[src->nr++];
	spec->label = label && label_len ? xstrndup(label, label_len) : NULL;
	spec->source = xstrdup(source);
}

void vault_password_source_add_file(struct vault_password_source *src,
				    const char *path)
{
	add_spec(src, NULL, 0, path);
}

int vault_password_source_add_id(struct vault_password_source *src,
				 const char *arg, struct strbuf *err)
{
	const char *at = strchr(arg, '@');

	/* ansible: "LABEL@SOURCE", or just "SOURCE" */
	if (at && at != arg) {
		char *label = xstrndup(arg, (size_t)(at - arg));
		int bad = vault_id_check(label, err);

		free(label);
		if (bad)
			return -1;
	}
	if (!*(at ? at + 1 : arg)) {
		strbuf_addf(err, "--vault-id '%s' names no password source\n"
			    "  hint: write LABEL@FILE or LABEL@prompt", arg);
		return -1;
	}
	if (at)
		add_spec(src, arg, (size_t)(at - arg), at + 1);
	else
		add_spec(src, NULL, 0, arg);
	return 0;
}

/* Signals that would leave the terminal without echo if they killed us. */
static const int tty_signals[] = {
	SIGALRM, SIGHUP, SIGINT, SIGPIPE, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU,
};
static volatile sig_atomic_t tty_caught[NSIG];

static void on_tty_signal(int sig)
{
	tty_caught[sig] = 1;
}

static void write_tty(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static int is_stop_signal(int sig)
{
	return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* One try; -3 when only a stop signal (^Z) interrupted it: ask again. */
static int tty_read_once(const char *prompt, int echo, struct secret *out,
			 struct strbuf *err)
{
	struct sigaction sa, old[ARRAY_SIZE(tty_signals)];
	sigset_t block, unblocked;
	struct termios saved, quiet;
	int fd, ret = -1, restore = 0, interrupted = 0;
	unsigned char ch;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -2;
	if (tcgetattr(fd, &saved)) {
		close(fd);
		return -2;
	}

	/*
	 * The signals stay blocked except inside pselect(), which unblocks
	 * them atomically while it waits: a ^Z that lands between the prompt
	 * and the wait still wakes it, instead of being noted and ignored
	 * while read() sleeps on.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tty_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (size_t i = 0; i < ARRAY_SIZE(tty_signals); i++) {
		tty_caught[tty_signals[i]] = 0;
		sigaction(tty_signals[i], &sa, &old[i]);
		sigaddset(&block, tty_signals[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	if (!echo) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		if (!tcsetattr(fd, TCSAFLUSH, &quiet))
			restore = 1;
	}
	write_tty(fd, prompt);

	secret_release(out);
	for (;;) {
		fd_set rfds;
		ssize_t n;

		FD_ZERO(&rfds);
		FD_SET(fd, &rfds);
		if (pselect(fd + 1, &rfds, NULL, NULL, NULL, &unblocked) < 0) {
			if (errno == EINTR) {
				interrupted = 1;
				break;
			}
			strbuf_addf(err, "cannot read from the terminal: %s", strerror(errno));
			break;
		}
		n = read(fd, &ch, 1);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			strbuf_addf(err, "cannot read from the terminal: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			strbuf_addstr(err, "no input: end of file on the terminal");
			break;
		}
		if (ch == '\n' || ch == '\r') {
			ret = 0;
			break;
		}
		if (out->len >= VAULT_PASSWORD_MAX) {
			strbuf_addf(err, "the input is longer than %d bytes", VAULT_PASSWORD_MAX);
			break;
		}
		secret_addch(out, ch);
	}
	secret_wipe(&ch, sizeof(ch));
	if (!echo)
		write_tty(fd, "\n");	/* the user's Enter was not echoed */
	if (restore)
		while (tcsetattr(fd, TCSAFLUSH, &saved) && errno == EINTR)
			;
	for (size_t i = 0; i < ARRAY_SIZE(tty_signals); i++)
		sigaction(tty_signals[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, &unblocked, NULL);
	close(fd);

	if (ret)
		secret_release(out);
	if (interrupted) {
		int only_stop = 1;

		for (size_t i = 0; i < ARRAY_SIZE(tty_signals); i++)
			if (tty_caught[tty_signals[i]] && !is_stop_signal(tty_signals[i]))
				only_stop = 0;
		if (only_stop)
			ret = -3;
		else
			strbuf_addstr(err, "interrupted while reading from the terminal");
	}
	/* now that the terminal is sane again, let the signals take effect */
	for (size_t i = 0; i < ARRAY_SIZE(tty_signals); i++)
		if (tty_caught[tty_signals[i]])
			kill(getpid(), tty_signals[i]);
	return ret;
}

int vault_tty_read(const char *prompt, int echo, struct secret *out,
		   struct strbuf *err)
{
	int ret;

	/* after ^Z and fg, the prompt comes again, as readpassphrase does */
	while ((ret = tty_read_once(prompt, echo, out, err)) == -3)
		;
	return ret;
}

static int is_client_script(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t len;

	base = base ? base + 1 : path;
	/* Python's os.path.splitext: a leading dot does not start an extension */
	dot = strrchr(base, '.');
	len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	return len >= 7 && !memcmp(base + len - 7, "-client", 7);
}

/* The first line of a script's stderr, short and printable, for a message. */
static void add_stderr_line(struct strbuf *sb, const struct strbuf *errout)
{
	size_t n = 0;

	while (n < errout->len && n < 200 && errout->buf[n] != '\n')
		n++;
	if (!n)
		return;
	strbuf_addstr(sb, ": ");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)errout->buf[i];
		strbuf_addch(sb, c >= ' ' && c != 0x7f ? (char)c : '?');
	}
}

static int run_script(const char *path, const char *label, struct secret *out,
		      struct strbuf *err)
{
	struct strbuf errout = STRBUF_INIT, exe = STRBUF_INIT, status_text = STRBUF_INIT;
	const char *argv[4];
	int client = is_client_script(path), status = 0, ret = VAULT_ERR_IO;

	/* a bare name would be searched in $PATH by a shell; ansible runs the file */
	if (!strchr(path, '/'))
		strbuf_addstr(&exe, "./");
	strbuf_addstr(&exe, path);
	argv[0] = exe.buf;
	argv[1] = client ? "--vault-id" : NULL;
	argv[2] = client ? label : NULL;
	argv[3] = NULL;
	log_msg(LOG_DEBUG, "running vault password %sscript '%s'%s%s",
		client ? "client " : "", path, client ? " --vault-id " : "",
		client ? label : "");

	if (spawn_capture(argv, out, VAULT_SCRIPT_OUTPUT_MAX, client ? &errout : NULL,
			  &status, &status_text)) {
		if (errno == EFBIG)
			strbuf_addf(err, "vault password script '%s' printed more than %u bytes",
				    path, VAULT_SCRIPT_OUTPUT_MAX);
		else
			strbuf_addf(err, "cannot run vault password script '%s': %s\n"
				    "  hint: if it is not a script, remove its executable bit: "
				    "chmod a-x '%s'", path, strerror(errno), path);
		goto out;
	}
	if (client && WIFEXITED(status) && WEXITSTATUS(status) == 2) {
		strbuf_addf(err, "vault password client script '%s' has no password "
			    "for vault id '%s'", path, label);
		add_stderr_line(err, &errout);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		spawn_describe_status(&status_text, status);
		strbuf_addf(err, "vault password script '%s' %s", path, status_text.buf);
		add_stderr_line(err, &errout);
		goto out;
	}
	secret_strip(out, "\r\n");
	if (!out->len) {
		strbuf_addf(err, "vault password script '%s' printed no password", path);
		goto out;
	}
	ret = 0;
out:
	if (ret)
		secret_release(out);
	strbuf_release(&errout);
	strbuf_release(&exe);
	strbuf_release(&status_text);
	return ret;
}

int vault_password_from_file(const char *path, const char *label,
			     struct secret *out, struct strbuf *err)
{
	struct stat st;
	int fd, ret = VAULT_ERR_IO;

	secret_release(out);
	if (stat(path, &st)) {
		if (errno == ENOENT)
			strbuf_addf(err, "vault password file '%s' was not found", path);
		else
			strbuf_addf(err, "cannot read vault password file '%s': %s",
				    path, strerror(errno));
		return VAULT_ERR_IO;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return run_script(path, label, out, err);

	log_msg(LOG_DEBUG, "reading vault password file '%s'", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(err, "cannot read vault password file '%s': %s", path,
			    strerror(errno));
		return VAULT_ERR_IO;
	}
	if (secret_read_fd(out, fd, VAULT_PASSWORD_MAX) < 0) {
		if (errno == EFBIG)
			strbuf_addf(err, "vault password file '%s' is larger than %d bytes\n"
				    "  hint: the file should hold only the password",
				    path, VAULT_PASSWORD_MAX);
		else
			strbuf_addf(err, "cannot read vault password file '%s': %s", path,
				    strerror(errno));
		goto out;
	}
	/* ansible-vault: strip() the file, then strip(b"\r\n") */
	secret_strip(out, SECRET_WHITESPACE);
	secret_strip(out, "\r\n");
	if (vault_is_encrypted(out->buf, out->len)) {
		strbuf_addf(err, "vault password file '%s' is itself vault encrypted, "
			    "which kcfg does not support", path);
		goto out;
	}
	if (!out->len) {
		strbuf_addf(err, "vault password file '%s' is empty\n"
			    "  hint: put the password on the file's first line", path);
		goto out;
	}
	ret = 0;
out:
	close(fd);
	if (ret)
		secret_release(out);
	return ret;
}

static int prompt_password(const char *label, int labelled, enum vault_password_use use,
			   struct secret *out, struct strbuf *err)
{
	struct secret again = SECRET_INIT;
	struct strbuf prompt = STRBUF_INIT, prompt2 = STRBUF_INIT;
	int ret = VAULT_ERR_IO, r;

	/* ansible-vault's own prompts, so that wrappers expecting them work */
	if (use == VAULT_PASSWORD_NEW && labelled) {
		strbuf_addf(&prompt, "New vault password (%s): ", label);
		strbuf_addf(&prompt2, "Confirm new vault password (%s): ", label);
	} else if (use == VAULT_PASSWORD_NEW) {
		strbuf_addstr(&prompt, "New Vault password: ");
		strbuf_addstr(&prompt2, "Confirm New Vault password: ");
	} else if (labelled) {
		strbuf_addf(&prompt, "Vault password (%s): ", label);
	} else {
		strbuf_addstr(&prompt, "Vault password: ");
	}

	r = vault_tty_read(prompt.buf, 0, out, err);
	if (r == -2) {
		strbuf_addf(err, "no vault password given, and no terminal to ask for it%s",
			    hint_sources);
		goto out;
	}
	if (r)
		goto out;
	secret_strip(out, SECRET_WHITESPACE);
	if (!out->len) {
		strbuf_addstr(err, "the vault password must not be empty");
		goto out;
	}
	if (use == VAULT_PASSWORD_NEW) {
		if (vault_tty_read(prompt2.buf, 0, &again, err))
			goto out;
		secret_strip(&again, SECRET_WHITESPACE);
		if (!secret_equal(out, &again)) {
			strbuf_addstr(err, "the vault passwords do not match");
			goto out;
		}
	}
	ret = 0;
out:
	if (ret)
		secret_release(out);
	secret_release(&again);
	strbuf_release(&prompt);
	strbuf_release(&prompt2);
	return ret;
}

static int load_one(const char *label, const char *source, int labelled,
		    enum vault_password_use use, struct vault_keyring *kr,
		    struct strbuf *err)
{
	struct secret pw = SECRET_INIT;
	int ret;

	if (!strcmp(source, "prompt"))
		ret = prompt_password(label, labelled, use, &pw, err);
	else
		ret = vault_password_from_file(source, label, &pw, err);
	if (!ret)
		vault_keyring_add(kr, label, &pw);
	secret_release(&pw);
	return ret;
}

const char *vault_password_env_file(const char **var)
{
	static const char *const names[] = { VAULT_PASSWORD_ENV, VAULT_PASSWORD_ENV_ANSIBLE };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const char *v = getenv(names[i]);
		if (v && *v) {
			if (var)
				*var = names[i];
			return v;
		}
	}
	return NULL;
}

int vault_password_load(const struct vault_password_source *src,
			enum vault_password_use use, struct vault_keyring *kr,
			struct strbuf *err)
{
	const char *env = NULL;
	int ret;

	for (size_t i = 0; i < src->nr; i++) {
		const struct vault_id_spec *spec = &src->ids[i];
		const char *label = spec->label ? spec->label : VAULT_DEFAULT_ID;

		/* "--vault-id prompt" is labelled "default" in ansible's prompt too */
		ret = load_one(label, spec->source, 1, use, kr, err);
		if (ret)
			return ret;
	}
	if (!src->nr && !src->ask && !src->no_env) {
		const char *name;

		env = vault_password_env_file(&name);
		if (env) {
			log_msg(LOG_DEBUG, "vault password file from %s", name);
			ret = load_one(VAULT_DEFAULT_ID, env, 0, use, kr, err);
			if (ret)
				strbuf_addf(err, "\n  hint: the file is named by $%s", name);
			return ret;
		}
	}
	if (!src->nr || src->ask)
		return load_one(VAULT_DEFAULT_ID, "prompt", 0, use, kr, err);
	return 0;
}
