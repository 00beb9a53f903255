#ifndef KCFG_RUN_MODEL_H
#define KCFG_RUN_MODEL_H

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

struct diag_list;

/*
 * The cluster model every command that works on the cluster loads:
 * inventory.ini + cluster.yaml (+ vault.yaml, facts, the PKI when asked),
 * checked together so that every problem in every file is reported in
 * one go. Commands fill a model_request from their options and call
 * model_load(); it never prints: every problem goes into a diag_list
 * (with file:line:col where it has one, and a hint), and what it did
 * that the user should know (a new CA) into `notes`.
 */

/* How model_load() ended; cli/ turns these into exit codes. */
enum model_status {
	MODEL_OK = 0,
	MODEL_INVALID,		/* the input files are wrong (diagnostics say where) */
	MODEL_FAILED,		/* something else: a file that cannot be read, a password */
};

/* Where the inputs are: the global options -i and -c. */
struct model_inputs {
	const char *inventory;	/* default "inventory.ini" */
	const char *config;	/* default "cluster.yaml" */
	int config_given;	/* -c (or $KCFG_CONFIG) named it: it must exist */
	const char *command;	/* the command's name, for the lock's holder message */
	int wait_lock;		/* --wait-lock: wait for another kcfg's lock on .kcfg */
	/* called once before waiting for the lock, with who holds it */
	void (*waiting)(const char *why);
};
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
 * plain) into `out`, loading the passwords `pw` names into `kr`. What is
 * wrong goes into `dl`.
 */
enum model_status model_load_secrets(const char *path, const struct vault_password_source *pw,
				     struct vault_keyring *kr, struct cluster_secrets *out,
				     struct diag_list *dl);
/*
 * Where the settings come from: cluster.yaml from -c or $KCFG_CONFIG
 * (which must exist), else ./cluster.yaml, else the defaults
 * (*use_defaults = 1). A named file that is missing goes into `dl`.
 */
enum model_status model_settings_source(const struct model_inputs *in, int *use_defaults,
					struct diag_list *dl);
/* The state directory .kcfg beside the inventory (malloc'ed). */
char *model_state_dir(const char *inventory);
/* vault.yaml beside the inventory (malloc'ed). */
char *model_default_vault_path(const char *inventory);

void model_request_release(struct model_request *mo);
/*
 * Loads and checks. Every problem goes into `dl`, things worth saying
 * (a new registry CA) into `notes`, one per line. Unless MODEL_READ_ONLY,
 * checks the state directory (state-dir.h), makes it when missing and
 * takes its lock, waiting when in->wait_lock. model_release() the model
 * either way.
 */
enum model_status model_load(struct model *m, const struct model_inputs *in,
			     const struct model_request *mo, struct diag_list *dl,
			     struct strbuf *notes);
void model_release(struct model *m);

/*
 * The state directory's subdirectory `sub` (".kcfg/logs"), made when
 * missing and checked as state_dir_check() does; NULL with `err` when it
 * cannot be trusted. The caller frees it.
 */
char *model_state_subdir(const struct model *m, const char *sub, struct strbuf *err);

/*
 * Takes the lock of the state directory `dir` for in->command, waiting
 * (after in->waiting) when in->wait_lock; who holds it goes into `dl`
 * otherwise. 0 or -1.
 */
int model_lock_state(const char *dir, const struct model_inputs *in, struct state_lock *lk,
		     struct diag_list *dl);

/*
 * Options every model command shares: the vault ones. Returns 1 when `c`
 * was one; a bad value goes into `err` (and *bad is set).
 */
int model_parse_vault_option(struct model_request *mo, int c, const char *arg, int *bad,
			     struct strbuf *err);
#define MODEL_VAULT_LONGOPTS \
	{ "vault", required_argument, NULL, 0x100 }, \
	{ "vault-password-file", required_argument, NULL, 0x101 }, \
	{ "vault-pass-file", required_argument, NULL, 0x101 }, \
	{ "vault-id", required_argument, NULL, 0x102 }, \
	{ "ask-vault-password", no_argument, NULL, 0x103 }, \
	{ "ask-vault-pass", no_argument, NULL, 0x103 }
#endif
