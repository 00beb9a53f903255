#ifndef KCFG_CLI_SETUP_H
#define KCFG_CLI_SETUP_H

#include <getopt.h>

#include "run/model.h"
#include "run/run.h"

struct cmd_entry;
struct kcfg_opts;

/*
 * What every command that works on the cluster shares, done once from
 * the flags in its table entry (cli.h's NEED_*), as git's RUN_SETUP:
 * the options that go with each need, then loading the model, the vault
 * when there is one, the hosts of a run and sudo's password. A command
 * is then its own options and its own logic only:
 *
 *	static int own(struct cmd_ctx *ctx, int c, const char *arg) { ... }
 *
 *	static int cmd_x(int argc, char **argv, struct cmd_ctx *ctx)
 *	{
 *		int ret = cli_parse(ctx, argc, argv, "o:", x_options, own);
 *
 *		if (ret == KCFG_EXIT_OK)
 *			ret = cli_setup(ctx);
 *		...
 *	}
 *
 * main.c releases what was set up (cli_teardown) after the command.
 */

/* -K and --become-password-file: sudo's password for hosts without one. */
struct cli_become {
	int ask;
	const char *file;
};

struct cmd_ctx {
	struct kcfg_opts *opts;		/* the global options */
	const struct cmd_entry *cmd;
	struct model_request mr;	/* NEED_MODEL: what to load (vault options go here) */
	struct run_opts ro;		/* NEED_HOSTS: --limit, --forks, ... (defaults first) */
	struct cli_become become;
	int argc;			/* the arguments after the options */
	char **argv;
	void *data;			/* the command's own option state */
	struct model m;
	struct run run;
	int have_model, have_run;
};

/*
 * The command's options (its own `shortopts` and `longopts`, handled by
 * `own`, which returns KCFG_EXIT_OK or an exit code) and those its needs
 * bring: the vault options (NEED_VAULT, NEED_SECRETS), the host options and sudo's
 * (NEED_HOSTS), and the global ones. Leaves the rest in ctx->argc/argv.
 * Returns an exit code (problems printed).
 */
int cli_parse(struct cmd_ctx *ctx, int argc, char **argv, const char *shortopts,
	      const struct option *longopts, int (*own)(struct cmd_ctx *ctx, int c,
							 const char *arg));

/*
 * Loads what the command needs: the model (NEED_MODEL; with NEED_VAULT
 * the vault and the registry's PKI when vault.yaml is there or named,
 * with NEED_SECRETS always), then a run over its hosts with sudo's
 * password (NEED_HOSTS). Hosts are not picked yet: cli_pick(). Returns an exit code.
 */
int cli_setup(struct cmd_ctx *ctx);
/* Picks the run's hosts: `names` (facts HOST...), else --limit. Returns an exit code. */
int cli_pick(struct cmd_ctx *ctx, char **names, size_t nr);
/*
 * The start of a command over the whole cluster (plan, apply, preflight,
 * status): no arguments (hosts are named with --limit), -C naming known
 * components, then cli_setup() and cli_pick(). Returns an exit code
 * (problems printed).
 */
int cli_setup_cluster(struct cmd_ctx *ctx);
void cli_teardown(struct cmd_ctx *ctx);

/* `s` ("N" or "N%", at least 1) as a batch for option `opt`; prints the error. 0 or -1. */
int cli_batch(const char *opt, const char *s, struct run_batch *b);
/* `s` as a number in [min, max] for option `opt`; prints the error. 0 or -1. */
int cli_number(const char *opt, const char *s, long min, long max, long *out);
/*
 * Asks on the terminal before a destructive command: `what` (a sentence
 * saying what will be lost), then "Type 'yes' to go on". Returns
 * KCFG_EXIT_OK when "yes" was typed; else prints why not (no terminal:
 * `no_tty_hint`) and returns the exit code (64 without a terminal, 1 when
 * not confirmed).
 */
int cli_confirm(const char *command, const char *what, const char *no_tty_hint);
/* --wait-timeout SECONDS (1 to a day) into ctx->ro.wait_timeout_s; prints the error. 0 or -1. */
int cli_wait_timeout(struct cmd_ctx *ctx, const char *s);

/*
 * model_load() for the global options, printing what is wrong and what
 * it did (a new CA). Returns an exit code.
 */
int cli_model_load(const struct kcfg_opts *opts, const struct model_request *mr,
		   struct model *m);
/* The model's inputs from the global options (-i, -c, --wait-lock). */
void cli_model_inputs(const struct kcfg_opts *opts, struct model_inputs *in);
/*
 * The vault options of a command that parses its own (config show): 1
 * when `c` was one; a bad value is printed and sets *exit_code.
 */
int cli_vault_option(struct model_request *mr, int c, const char *arg, int *exit_code);

/* cli/become.c: the password -K asks for or --become-password-file holds. */
int cli_read_become_password(const char *file, int ask, struct secret *out);

#endif
