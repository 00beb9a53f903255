#ifndef KCFG_VAULT_SPAWN_H
#define KCFG_VAULT_SPAWN_H

#include <signal.h>
#include <stddef.h>

struct secret;
struct strbuf;

/*
 * The two kinds of child the vault commands start: a password script,
 * whose stdout is the password, and the user's editor. Children get the
 * default signal dispositions, an empty signal mask, the parent's
 * environment (which holds nothing secret) and no other descriptors
 * (everything kcfg opens is O_CLOEXEC). A secret never goes into argv.
 */

/* The most a script may write to stderr before it is cut off. */
#define SPAWN_MAX_STDERR 4096

/*
 * Runs argv[0] (a path, not searched in $PATH) with stdin inherited and
 * stdout read into `out` (at most `cap` bytes: past it the child is
 * killed and this fails). When `errout` is not NULL stderr is read into
 * it (capped at SPAWN_MAX_STDERR), otherwise it is inherited. On return
 * 0, *status holds the wait status. Returns -1 with a message in `err`
 * and errno set when the program cannot be started (exec's errno) or
 * writes too much (EFBIG).
 */
int spawn_capture(const char *const *argv, struct secret *out, size_t cap,
		  struct strbuf *errout, int *status, struct strbuf *err);

/*
 * Around an edit: from spawn_signals_catch() to spawn_signals_restore(),
 * SIGTERM and SIGHUP do not kill kcfg but are remembered (and passed on
 * to a running editor), so the caller can remove the plaintext and then
 * re-raise spawn_caught_signal(); SIGINT and SIGQUIT are left to the
 * editor, which shares the terminal.
 */
#define SPAWN_CAUGHT_SIGNALS 4
struct spawn_saved_signals {
	struct sigaction old[SPAWN_CAUGHT_SIGNALS];
};
void spawn_signals_catch(struct spawn_saved_signals *saved);
void spawn_signals_restore(const struct spawn_saved_signals *saved);
/* SIGTERM or SIGHUP when one arrived since spawn_signals_catch(), else 0. */
int spawn_caught_signal(void);

/*
 * Runs `editor` on `path` and waits, as git does with core.editor: the
 * string goes through "sh -c" when it holds shell syntax (spaces, quotes,
 * $...), else it is executed directly ($PATH searched). Returns 0 with
 * the editor's wait status in *status, or -1 with `err` when it cannot
 * be started.
 */
int spawn_editor(const char *editor, const char *path, int *status,
		 struct strbuf *err);

/* Describes a wait status for messages: "exited with status 3". */
void spawn_describe_status(struct strbuf *sb, int status);

#endif
