#ifndef KCFG_VAULT_PASSWORD_H
#define KCFG_VAULT_PASSWORD_H

#include <stddef.h>

struct secret;
struct strbuf;
struct vault_keyring;

/*
 * Where vault passwords come from, as ansible-vault users know them:
 *   --vault-password-file FILE      label "default"
 *   --vault-id [LABEL@]SOURCE       SOURCE is a file, or "prompt"
 * then, when neither was given, a file named by KCFG_VAULT_PASSWORD_FILE
 * or ANSIBLE_VAULT_PASSWORD_FILE, then a prompt on /dev/tty.
 *
 * A password file is stripped as ansible-vault strips it (surrounding
 * whitespace). An executable one is run instead, and its stdout, less
 * leading and trailing CR/LF, is the password; a script whose name ends
 * in "-client" (before any extension) is asked for one vault id with
 * "--vault-id LABEL" and may exit 2 when it has none.
 */

/* The most bytes a password file or a prompt may give. */
#define VAULT_PASSWORD_MAX 4096
/* The most a password script may print. */
#define VAULT_SCRIPT_OUTPUT_MAX (64u << 10)

#define VAULT_PASSWORD_ENV "KCFG_VAULT_PASSWORD_FILE"
#define VAULT_PASSWORD_ENV_ANSIBLE "ANSIBLE_VAULT_PASSWORD_FILE"

struct vault_id_spec {
	char *label;	/* NULL: "default" */
	char *source;	/* "prompt", or a path */
};

struct vault_password_source {
	struct vault_id_spec *ids;
	size_t nr, alloc;
	int ask;	/* --ask-vault-password: prompt as well */
	int no_env;	/* do not look at the environment variables */
};

#define VAULT_PASSWORD_SOURCE_INIT { NULL, 0, 0, 0, 0 }

void vault_password_source_release(struct vault_password_source *src);
/* --vault-password-file PATH */
void vault_password_source_add_file(struct vault_password_source *src,
				    const char *path);
/* --vault-id [LABEL@]SOURCE; -1 with `err` when LABEL is not valid. */
int vault_password_source_add_id(struct vault_password_source *src,
				 const char *arg, struct strbuf *err);

/*
 * The password file the environment names ($KCFG_VAULT_PASSWORD_FILE,
 * else $ANSIBLE_VAULT_PASSWORD_FILE), or NULL; *var gets the variable's
 * name when not NULL.
 */
const char *vault_password_env_file(const char **var);

enum vault_password_use {
	VAULT_PASSWORD_DECRYPT,	/* one prompt: "Vault password: " */
	VAULT_PASSWORD_NEW,	/* asks twice and compares: "New Vault password: " */
};

/*
 * Loads every password the source names into `kr`, in order. Returns 0,
 * or VAULT_ERR_IO with a message (and usually a hint) in `err`; `kr` may
 * then hold the keys loaded so far, to be released.
 */
int vault_password_load(const struct vault_password_source *src,
			enum vault_password_use use, struct vault_keyring *kr,
			struct strbuf *err);

/* One password from a file or a script, for vault id `label`. */
int vault_password_from_file(const char *path, const char *label,
			     struct secret *out, struct strbuf *err);

/*
 * Writes `prompt` to /dev/tty and reads one line from it into `out`
 * (without the newline), with echo off unless `echo`. The terminal is
 * restored even when a signal arrives (the signal is then re-raised).
 * Fails when there is no terminal, on end of input, or past
 * VAULT_PASSWORD_MAX bytes.
 */
int vault_tty_read(const char *prompt, int echo, struct secret *out,
		   struct strbuf *err);

#endif
