#ifndef KCFG_VAULT_EDIT_H
#define KCFG_VAULT_EDIT_H

struct secret;
struct strbuf;

/*
 * Lets the user edit decrypted data in their editor, leaving nothing
 * behind: the data goes into a file named `filename` (the vault file's
 * base name, so the editor picks the right syntax) in a new private
 * directory (mkdtemp, mode 0700; the file 0600) under $XDG_RUNTIME_DIR,
 * $TMPDIR or /tmp. `editor` runs on it; afterwards every file in that
 * directory (the editor's swap and backup files too) is overwritten and
 * removed, and the directory with them, whether the editor succeeded,
 * failed or was killed, and when kcfg gets SIGTERM or SIGHUP meanwhile.
 *
 * On success `edited` holds the file's new content and *changed says
 * whether it differs from `plaintext`. Fails with VAULT_ERR_IO and `err`
 * when the editor cannot start, exits non-zero or is killed; then
 * *caught is the signal kcfg received (else 0), for the caller to
 * re-raise once it has reported the error. `what` names the vault file
 * in messages.
 */
int vault_edit_plaintext(const struct secret *plaintext, const char *filename,
			 const char *editor, const char *what,
			 struct secret *edited, int *changed, int *caught,
			 struct strbuf *err);

#endif
