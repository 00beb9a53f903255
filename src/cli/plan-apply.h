#ifndef KCFG_CLI_PLAN_APPLY_H
#define KCFG_CLI_PLAN_APPLY_H

struct cmd_ctx;

/* `kcfg plan` (apply 0) and `kcfg apply` (apply 1): they take the same options. */
int plan_apply_cmd(int argc, char **argv, struct cmd_ctx *ctx, int apply);

#endif
