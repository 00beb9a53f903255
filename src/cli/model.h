#ifndef KCFG_CLI_MODEL_H
#define KCFG_CLI_MODEL_H

#include <stddef.h>

#include "components/component.h"
#include "config/inventory.h"
#include "config/roles.h"
#include "config/settings.h"
#include "engine/facts.h"
#include "util/state-dir.h"
#include "util/strbuf.h"
#include "vault/password.h"
#include "vault/secret.h"
#include "vault/secrets.h"
#include "vault/vault.h"

struct kcfg_opts;

/*
 * The cluster model every command that works on the cluster loads:
 * inventory.ini + cluster.yaml (+ vault.yaml, facts, the PKI when asked),
 * checked together so that every problem in every file is reported in
 * one go. Commands fill a model_opts from their options and call
 * model_load(); it prints what is wrong and returns an exit code.
 */
enum model_need {
	MODEL_SECRETS = 1 << 0,	/* vault.yaml decrypted into secrets */
	MODEL_FACTS = 1 << 1,	/* facts for every host, from facts_dir */
	MODEL_PKI = 1 << 2,	/* the registry CA and certificate, made or reused */
	/*
	 * The command only reads the state directory: no lock is taken and
	 * it is not created. Every other model command holds the lock on
	 * the state directory from model_load() to model_release().
	 */
	MODEL_READ_ONLY = 1 << 3,
};

struct model_request {
	unsigned need;			/* MODEL_* */
	const char *vault_path;		/* default: vault.yaml beside the inventory */
	struct vault_password_source pw;
	const char *facts_dir;		/* MODEL_FACTS: DIR/<host>.json (default: STATE/facts) */
	const char *state_dir;		/* default: .kcfg beside the inventory */
};

struct model {
	struct inventory inv;
	struct settings settings;
	struct cluster_secrets secrets;
	struct vault_keyring keyring;
	struct facts *facts;		/* per host; zeroed when absent */
	int *have_facts;
	struct role_hosts role_hosts;	/* every host with a role, resolved */
	struct strvec strings;		/* strings comp_host borrows */
	struct comp_host *hosts;	/* parallel to role_hosts */
	const char **group_names;	/* what each comp_host.groups points into */
	size_t nr_hosts;
	char *state_dir;
	char *cache_dir;		/* <state_dir>/cache: downloaded artifacts */
	char *vault_path;
	struct strbuf ca_pem, cert_pem;
	struct secret key_pem;
	struct comp_ctx ctx;		/* what components read */
	struct state_lock lock;		/* on state_dir, unless MODEL_READ_ONLY */
	int loaded_settings, loaded_inventory;
};

/*
 * Reads vault.yaml at `path` (encrypted whole, inline !vault values, or
 * plain) into `out`, loading the passwords `pw` names into `kr`. Prints
 * what is wrong; returns an exit code.
 */
int model_load_secrets(const char *path, const struct vault_password_source *pw,
		       struct vault_keyring *kr, struct cluster_secrets *out);
/*
 * Where the settings come from: cluster.yaml from -c or $KCFG_CONFIG
 * (which must exist), else ./cluster.yaml, else the defaults
 * (*use_defaults = 1). A named file that is missing is reported;
 * returns KCFG_EXIT_OK or KCFG_EXIT_FAILURE.
 */
int model_settings_source(const struct kcfg_opts *opts, int *use_defaults);
/* The state directory .kcfg beside the inventory (malloc'ed). */
char *model_state_dir(const char *inventory);
/* vault.yaml beside the inventory (malloc'ed). */
char *model_default_vault_path(const char *inventory);

void model_request_release(struct model_request *mo);
/*
 * Loads and checks; prints diagnostics. Unless MODEL_READ_ONLY, checks
 * the state directory (state-dir.h), makes it when missing and takes
 * its lock, waiting when opts->wait_lock. Returns KCFG_EXIT_OK or
 * another exit code; model_release() the model either way.
 */
int model_load(struct model *m, const struct kcfg_opts *opts, const struct model_request *mo);
void model_release(struct model *m);

/*
 * The state directory's subdirectory `sub` (".kcfg/logs"), made when
 * missing and checked as state_dir_check() does; NULL with `err` when it
 * cannot be trusted. The caller frees it.
 */
char *model_state_subdir(const struct model *m, const char *sub, struct strbuf *err);

/*
 * Takes the lock of the state directory `dir` for the command in `opts`,
 * waiting when opts->wait_lock; prints who holds it otherwise. 0 or -1.
 */
int model_lock_state(const char *dir, const struct kcfg_opts *opts, struct state_lock *lk);

/* Options every model command shares: the vault ones. Returns 1 when `c` was one. */
int model_parse_vault_option(struct model_request *mo, int c, const char *arg, int *exit_code);
#define MODEL_VAULT_LONGOPTS \
	{ "vault", required_argument, NULL, 0x100 }, \
	{ "vault-password-file", required_argument, NULL, 0x101 }, \
	{ "vault-pass-file", required_argument, NULL, 0x101 }, \
	{ "vault-id", required_argument, NULL, 0x102 }, \
	{ "ask-vault-password", no_argument, NULL, 0x103 }, \
	{ "ask-vault-pass", no_argument, NULL, 0x103 }
#define MODEL_VAULT_HELP \
	"  --vault FILE           the vault (default: vault.yaml beside the inventory)\n" \
	"  --vault-password-file FILE, --vault-id [LABEL@]SOURCE, --ask-vault-password\n" \
	"                         where the vault password comes from, as with ansible-vault;\n" \
	"                         else $KCFG_VAULT_PASSWORD_FILE or $ANSIBLE_VAULT_PASSWORD_FILE,\n" \
	"                         else a prompt on the terminal\n"

#endif
