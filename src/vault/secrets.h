#ifndef KCFG_VAULT_SECRETS_H
#define KCFG_VAULT_SECRETS_H

#include <stddef.h>

#include "vault/secret.h"

struct diag_list;
struct strbuf;
struct vault_keyring;
struct vault_password_source;

/*
 * The cluster's secrets, from the playbook's vault.yaml: a mapping of
 * names to strings, either encrypted whole with ansible-vault, or plain
 * YAML whose values are inline `!vault |` vaults, or (with a warning)
 * plain YAML with plain values. A secret not in the file stays empty.
 * Print them only through secret_redacted().
 */
struct cluster_secrets {
	struct secret harbor_admin_password;
	struct secret harbor_db_password;
	struct secret grafana_password;
	struct secret ansible_become_password;
};

#define CLUSTER_SECRETS_INIT { SECRET_INIT, SECRET_INIT, SECRET_INIT, SECRET_INIT }

/* The names vault.yaml uses, in this order, for listing them. */
extern const char *const cluster_secret_names[];
extern const size_t cluster_secret_names_nr;
/* The secret for cluster_secret_names[i]. */
struct secret *cluster_secrets_at(struct cluster_secrets *cs, size_t i);

void cluster_secrets_release(struct cluster_secrets *cs);

/* The most bytes kcfg reads from a vault.yaml. */
#define CLUSTER_SECRETS_MAX_FILE (1u << 20)

/*
 * Reads `vault_path`, asks `src` for the password only if the file holds
 * anything encrypted, and fills `out` (released first). Problems in the
 * YAML (unknown keys, plain values: warnings; a secret that is not a
 * string, a key given twice: errors) are added to `diags` with
 * file:line:col. Returns 0; VAULT_ERR_INVALID when `diags` got errors;
 * another negative enum vault_error with a message in `err` (cannot read
 * the file or the password, decryption failed, not YAML). `out` is
 * written only on success. When `diags` is NULL, warnings go to the log
 * and errors into `err`.
 */
int cluster_secrets_load(const char *vault_path,
			 const struct vault_password_source *src,
			 struct cluster_secrets *out, struct diag_list *diags,
			 struct strbuf *err);

/*
 * The same on a file's bytes already in memory (plain or decrypted YAML);
 * `kr` decrypts inline values and may be NULL when there are none.
 * `encrypted` says the bytes came out of a vault (no "not encrypted"
 * warning then).
 */
int cluster_secrets_parse(const char *data, size_t len, const char *name,
			  int encrypted, const struct vault_keyring *kr,
			  struct cluster_secrets *out, struct diag_list *diags,
			  struct strbuf *err);

#endif
