#ifndef KCFG_CLI_RUN_CMD_H
#define KCFG_CLI_RUN_CMD_H

struct cmd_entry;
struct kcfg_opts;
struct model;
struct model_request;

/* `kcfg plan` (apply 0) and `kcfg apply` (apply 1): options, model, run. */
int run_cmd(int argc, char **argv, struct kcfg_opts *opts, int apply,
	    const struct cmd_entry *self);

/*
 * model_load() with the vault when there is one (vault.yaml beside the
 * inventory, or --vault): its secrets, the become password and the
 * registry's PKI. Prints problems; returns an exit code.
 */
int run_cmd_load(const struct kcfg_opts *opts, struct model_request *mr, struct model *m);

#endif
