#ifndef KCFG_CLI_H
#define KCFG_CLI_H

#include <getopt.h>
#include <stdio.h>

struct diag_list;
struct strbuf;

/*
 * Exit codes, documented in README.md and `kcfg help exit-codes`.
 * Only cli/ and main.c turn results into these.
 */
enum kcfg_exit {
	KCFG_EXIT_OK = 0,	/* done; for plan: no changes */
	KCFG_EXIT_FAILURE = 1,	/* the operation failed (a host, a decryption, I/O) */
	KCFG_EXIT_CHANGES = 2,	/* plan --detailed-exitcode: there are changes */
	KCFG_EXIT_USAGE = 64,	/* bad command line */
	KCFG_EXIT_INVALID = 65,	/* invalid inventory, cluster.yaml or vault.yaml */
};

/* Global options, parsed before the command name. */
struct kcfg_opts {
	const char *inventory;	/* -i; default "inventory.ini" */
	const char *config;	/* -c; default "cluster.yaml" */
	int inventory_given;	/* 1 when -i was on the command line */
	int config_given;
	int verbosity;		/* -v adds one, -q subtracts one */
	int wait_lock;		/* --wait-lock: wait for another kcfg's lock on .kcfg */
	const char *command;	/* the command's name, for the lock's holder message */
};

struct cmd_ctx;

/*
 * What a command needs set up before its own logic, declared in its
 * table entry and done once by cli/setup.c (git's RUN_SETUP flags):
 *
 *   NEED_MODEL   inventory.ini and cluster.yaml, loaded and checked together
 *   NEED_VAULT   with vault.yaml and the registry's PKI when the vault is
 *                there or named (the vault options come with it)
 *   NEED_SECRETS the vault always (render)
 *   NEED_HOSTS   a run over the hosts: --limit, --forks, --fail-fast,
 *                --timeout, --local, and sudo's password (-K,
 *                --become-password-file)
 */
enum cmd_need {
	NEED_MODEL = 1 << 0,
	NEED_VAULT = 1 << 1,
	NEED_SECRETS = 1 << 2,
	NEED_HOSTS = 1 << 3,
};

/*
 * One command (tmux's cmd_entry): its name, its function (argv[0] is the
 * command's name; ctx holds the global options and what setup loads),
 * what it needs, one-line summary for the command list, usage line(s)
 * and the full help text for `kcfg help NAME`.
 */
struct cmd_entry {
	const char *name;
	int (*fn)(int argc, char **argv, struct cmd_ctx *ctx);
	unsigned need;		/* NEED_* */
	const char *summary;
	const char *usage;
	const char *help;
};

/* Every command's entry, in the order `kcfg help` lists them. */
extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_inventory_entry;
extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_vault_entry;
extern const struct cmd_entry cmd_render_entry;
extern const struct cmd_entry cmd_ping_entry;
extern const struct cmd_entry cmd_facts_entry;
extern const struct cmd_entry cmd_fetch_entry;
extern const struct cmd_entry cmd_kubeconfig_entry;
extern const struct cmd_entry cmd_preflight_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_backup_entry;
extern const struct cmd_entry cmd_restore_entry;
extern const struct cmd_entry cmd_reset_entry;
extern const struct cmd_entry cmd_node_entry;
extern const struct cmd_entry cmd_upgrade_entry;

/* The help text of the options each need brings. */
#define CLI_VAULT_HELP \
	"  --vault FILE           the vault (default: vault.yaml beside the inventory)\n" \
	"  --vault-password-file FILE, --vault-id [LABEL@]SOURCE, --ask-vault-password\n" \
	"                         where the vault password comes from, as with ansible-vault;\n" \
	"                         else $KCFG_VAULT_PASSWORD_FILE or $ANSIBLE_VAULT_PASSWORD_FILE,\n" \
	"                         else a prompt on the terminal\n"
#define CLI_BECOME_HELP \
	"  -K, --ask-become-password  ask for sudo's password (hosts that log in as a\n" \
	"                             user other than root and have no\n" \
	"                             ansible_become_password in the vault or inventory)\n" \
	"      --become-password-file FILE\n" \
	"                             read that password from FILE instead\n"

/* Prints "error: MSG" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "  hint: MSG" to stderr. */
void cli_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints an error built in a strbuf (may hold several lines). */
void cli_error_buf(const struct strbuf *err);
/*
 * Writes text that may hold a host's bytes (a plan's diffs, a step's
 * output) with its control characters shown as escapes
 * (util/visible.h); cli_error(), cli_warning() and cli_hint() write
 * through it too.
 */
void cli_write_visible(FILE *f, const char *text, size_t len);
/* Prints every diagnostic, then a count line; returns KCFG_EXIT_INVALID. */
int cli_report_diags(struct diag_list *dl);

/*
 * getopt_long for a command, with opterr off; on an unknown option or a
 * missing argument it prints the problem, the nearest known option and
 * the usage, and returns -2, so commands can `return KCFG_EXIT_USAGE`.
 * Reset before first use with cli_getopt_reset().
 */
void cli_getopt_reset(void);
/*
 * The global options (-i, -c, -v, -q and their long forms) are taken
 * after a command's name too, as ansible-inventory takes -i after
 * --list: cli_getopt stores them here (unless the command has an option
 * of that letter itself).
 */
void cli_set_globals(struct kcfg_opts *opts);
/* The log level -v and -q ask for. */
void cli_apply_verbosity(const struct kcfg_opts *opts);
int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts, const struct cmd_entry *cmd);
/* Prints "usage: ..." for cmd to stderr and returns KCFG_EXIT_USAGE. */
int cli_usage(const struct cmd_entry *cmd);

#endif
