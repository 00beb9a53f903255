#ifndef KCFG_CLI_RUN_CMD_H
#define KCFG_CLI_RUN_CMD_H

struct cmd_entry;
struct diag_list;
struct kcfg_opts;
struct model;
struct model_request;
struct run;
struct run_opts;
struct strbuf;

/* -K and --become-password-file: sudo's password for hosts without one. */
struct cli_become {
	int ask;
	const char *file;
};

#define CLI_OPT_BECOME_FILE 0x300
#define CLI_BECOME_LONGOPTS \
	{ "ask-become-password", no_argument, NULL, 'K' }, \
	{ "ask-become-pass", no_argument, NULL, 'K' }, \
	{ "become-password-file", required_argument, NULL, CLI_OPT_BECOME_FILE }
#define CLI_BECOME_HELP \
	"  -K, --ask-become-password  ask for sudo's password (hosts that log in as a\n" \
	"                             user other than root and have no\n" \
	"                             ansible_become_password in the vault or inventory)\n" \
	"      --become-password-file FILE\n" \
	"                             read that password from FILE instead\n"

/* 1 when `c` was one of CLI_BECOME_LONGOPTS (stored in `b`). */
int cli_parse_become_option(struct cli_become *b, int c, const char *arg);
/*
 * The password in `file` (its one line), or typed at a prompt on the
 * terminal when `ask`; nothing when neither. Prints errors; returns 0 or -1.
 */
int cli_read_become_password(const char *file, int ask, struct strbuf *out);
/* Reads what `b` asks for and gives it to the run's hosts. Returns an exit code. */
int cli_setup_become(struct run *run, const struct cli_become *b);

/* `kcfg plan` (apply 0) and `kcfg apply` (apply 1): options, model, run. */
int run_cmd(int argc, char **argv, struct kcfg_opts *opts, int apply,
	    const struct cmd_entry *self);

/*
 * model_load() for the global options, printing what is wrong and what
 * it did (a new CA). Returns an exit code.
 */
int cli_model_load(const struct kcfg_opts *opts, const struct model_request *mr,
		   struct model *m);
/*
 * cli_model_load() with the vault when there is one (vault.yaml beside the
 * inventory, or --vault): its secrets, the become password and the
 * registry's PKI.
 */
int run_cmd_load(const struct kcfg_opts *opts, struct model_request *mr, struct model *m);

/*
 * The options facts, plan, apply and kubeconfig share beyond their own:
 * become (CLI_BECOME_LONGOPTS) and vault (MODEL_VAULT_LONGOPTS). Returns
 * KCFG_EXIT_OK when `c` was one and is stored, another exit code when
 * its argument is bad (printed), or -1 when `c` is none of them.
 */
int run_cmd_option(struct cli_become *b, struct model_request *mr, int c, const char *arg);

/*
 * The vault options (MODEL_VAULT_LONGOPTS) of any command: 1 when `c` was
 * one; a bad value is printed and sets *exit_code to KCFG_EXIT_USAGE.
 */
int cli_vault_option(struct model_request *mr, int c, const char *arg, int *exit_code);

/* `s` as a number in [min, max] for option `opt`; prints the error. 0 or -1. */
int run_cmd_number(const char *opt, const char *s, long min, long max, long *out);

#endif
