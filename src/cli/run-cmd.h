#ifndef KCFG_CLI_RUN_CMD_H
#define KCFG_CLI_RUN_CMD_H

struct cmd_entry;
struct kcfg_opts;
struct model;
struct model_request;
struct run_opts;

/* `kcfg plan` (apply 0) and `kcfg apply` (apply 1): options, model, run. */
int run_cmd(int argc, char **argv, struct kcfg_opts *opts, int apply,
	    const struct cmd_entry *self);

/*
 * model_load() with the vault when there is one (vault.yaml beside the
 * inventory, or --vault): its secrets, the become password and the
 * registry's PKI. Prints problems; returns an exit code.
 */
int run_cmd_load(const struct kcfg_opts *opts, struct model_request *mr, struct model *m);

/*
 * The options facts, plan, apply and kubeconfig share beyond their own:
 * become (RUN_BECOME_LONGOPTS) and vault (MODEL_VAULT_LONGOPTS). Returns
 * KCFG_EXIT_OK when `c` was one and is stored, another exit code when
 * its argument is bad (printed), or -1 when `c` is none of them.
 */
int run_cmd_option(struct run_opts *ro, struct model_request *mr, int c, const char *arg);

/* `s` as a number in [min, max] for option `opt`; prints the error. 0 or -1. */
int run_cmd_number(const char *opt, const char *s, long min, long max, long *out);

#endif
