#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/strbuf.h"
#include "util/xalloc.h"
#include "vault/secret.h"
#include "vault/spawn.h"
#include "util/banned.h"

extern char **environ;

/* A pipe whose ends are closed in children (single-threaded: no race). */
static int cloexec_pipe(int fd[2])
{
	if (pipe(fd))
		return -1;
	if (fcntl(fd[0], F_SETFD, FD_CLOEXEC) || fcntl(fd[1], F_SETFD, FD_CLOEXEC)) {
		close(fd[0]);
		close(fd[1]);
		fd[0] = fd[1] = -1;
		return -1;
	}
	return 0;
}

/* In the child, before exec: what a freshly started program expects. */
static void child_reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * The child reports a failed exec through a close-on-exec pipe: if it
 * reads EOF, the exec worked (posix_spawn's contract, done by hand).
 */
static void child_exec(const char *file, char *const *argv, int errpipe, int search)
{
	int e;

	child_reset_signals();
	if (search)
		execvp(file, argv);
	else
		execv(file, argv);
	e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int read_exec_error(int fd)
{
	int e = 0;
	ssize_t n;

	do
		n = read(fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(fd);
	return n == (ssize_t)sizeof(e) ? e : 0;
}

static pid_t wait_child(pid_t pid, int *status)
{
	pid_t r;

	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

void spawn_describe_status(struct strbuf *sb, int status)
{
	if (WIFEXITED(status))
		strbuf_addf(sb, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		strbuf_addf(sb, "was killed by signal %d", WTERMSIG(status));
	else
		strbuf_addstr(sb, "stopped unexpectedly");
}

int spawn_capture(const char *const *argv, struct secret *out, size_t cap,
		  struct strbuf *errout, int *status, struct strbuf *err)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, execp[2] = { -1, -1 };
	int e = 0, ret = -1, too_much = 0;
	pid_t pid;

	if (cloexec_pipe(outp) || cloexec_pipe(execp) ||
	    (errout && cloexec_pipe(errp))) {
		strbuf_addf(err, "cannot run '%s': %s", argv[0], strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		strbuf_addf(err, "cannot run '%s': %s", argv[0], strerror(errno));
		goto out;
	}
	if (!pid) {
		if (dup2(outp[1], 1) < 0 || (errout && dup2(errp[1], 2) < 0))
			_exit(127);
		child_exec(argv[0], (char *const *)argv, execp[1], 0);
	}
	close(outp[1]);
	outp[1] = -1;
	close(execp[1]);
	execp[1] = -1;
	if (errout) {
		close(errp[1]);
		errp[1] = -1;
	}

	/* read both pipes to EOF; a full stderr pipe must not block stdout */
	while (outp[0] >= 0 || errp[0] >= 0) {
		struct pollfd pfd[2] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
		char buf[512];
		ssize_t n;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (outp[0] >= 0 && pfd[0].revents) {
			/* one byte past the cap tells "exactly cap" from "too much" */
			size_t want = cap - out->len + 1;

			secret_grow(out, want < sizeof(buf) ? want : sizeof(buf));
			n = read(outp[0], out->buf + out->len,
				 want < sizeof(buf) ? want : sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(outp[0]);
				outp[0] = -1;
			} else if (out->len + (size_t)n > cap) {
				secret_wipe(out->buf + out->len, (size_t)n);
				too_much = 1;
			} else {
				out->len += (size_t)n;
				out->buf[out->len] = '\0';
			}
		}
		if (errp[0] >= 0 && pfd[1].revents) {
			n = read(errp[0], buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(errp[0]);
				errp[0] = -1;
			} else {
				(void)strbuf_add_capped(errout, buf, (size_t)n, SPAWN_MAX_STDERR);
			}
		}
		if (too_much)
			break;
	}
	if (too_much)
		kill(pid, SIGKILL);
	if (wait_child(pid, status) < 0) {
		strbuf_addf(err, "cannot wait for '%s': %s", argv[0], strerror(errno));
		goto out;
	}
	e = read_exec_error(execp[0]);
	execp[0] = -1;
	if (e) {
		strbuf_addf(err, "cannot run '%s': %s", argv[0], strerror(e));
		goto out;
	}
	if (too_much) {
		strbuf_addf(err, "'%s' wrote more than %zu bytes", argv[0], cap);
		e = EFBIG;
		goto out;
	}
	ret = 0;
out:
	if (ret && !e)
		e = errno;
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (execp[i] >= 0)
			close(execp[i]);
	}
	if (ret)
		errno = e;
	return ret;
}

/* Set by the handler between spawn_signals_catch and spawn_signals_restore. */
static volatile sig_atomic_t caught_signal;
static const int caught_sigs[SPAWN_CAUGHT_SIGNALS] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
	/* SIGINT and SIGQUIT belong to the editor, which shares the terminal */
	if (sig == SIGTERM || sig == SIGHUP)
		caught_signal = sig;
}

void spawn_signals_catch(struct spawn_saved_signals *saved)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: waitpid must wake */
	sigemptyset(&sa.sa_mask);
	caught_signal = 0;
	for (size_t i = 0; i < SPAWN_CAUGHT_SIGNALS; i++)
		sigaction(caught_sigs[i], &sa, &saved->old[i]);
}

void spawn_signals_restore(const struct spawn_saved_signals *saved)
{
	for (size_t i = 0; i < SPAWN_CAUGHT_SIGNALS; i++)
		sigaction(caught_sigs[i], &saved->old[i], NULL);
}

int spawn_caught_signal(void)
{
	return caught_signal;
}

static int has_shell_syntax(const char *s)
{
	return strpbrk(s, "|&;<>()$`\\\"' \t\n*?[#~=%") != NULL;
}

int spawn_editor(const char *editor, const char *path, int *status, struct strbuf *err)
{
	struct strbuf script = STRBUF_INIT;
	const char *argv[6];
	int execp[2], e, forwarded = 0;
	pid_t pid, r;

	if (has_shell_syntax(editor)) {
		strbuf_addf(&script, "%s \"$@\"", editor);
		argv[0] = "/bin/sh";
		argv[1] = "-c";
		argv[2] = script.buf;
		argv[3] = editor;
		argv[4] = path;
		argv[5] = NULL;
	} else {
		argv[0] = editor;
		argv[1] = path;
		argv[2] = NULL;
	}
	if (cloexec_pipe(execp)) {
		strbuf_addf(err, "cannot run the editor '%s': %s", editor, strerror(errno));
		strbuf_release(&script);
		return -1;
	}
	pid = fork();
	if (!pid)
		child_exec(argv[0], (char *const *)argv, execp[1], 1);
	e = errno;
	close(execp[1]);
	if (pid < 0) {
		close(execp[0]);
		strbuf_addf(err, "cannot run the editor '%s': %s", editor, strerror(e));
		strbuf_release(&script);
		return -1;
	}
	for (;;) {
		r = waitpid(pid, status, 0);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		if (caught_signal && !forwarded) {
			kill(pid, caught_signal);
			forwarded = 1;
		}
	}
	e = r < 0 ? errno : 0;
	strbuf_release(&script);
	if (r < 0) {
		close(execp[0]);
		strbuf_addf(err, "cannot wait for the editor '%s': %s", editor, strerror(e));
		return -1;
	}
	e = read_exec_error(execp[0]);
	if (e) {
		strbuf_addf(err, "cannot run the editor '%s': %s", editor, strerror(e));
		return -1;
	}
	return 0;
}
