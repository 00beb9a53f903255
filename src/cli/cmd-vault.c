/* Placeholder until the vault command lands; see the issue that builds it. */
#include "cli/cli.h"
#include "util/banned.h"

static int cmd_vault(int argc, char **argv, struct kcfg_opts *opts)
{
	cli_error("'kcfg vault' is not built yet");
	return KCFG_EXIT_FAILURE;
}

const struct cmd_entry cmd_vault_entry = {
	"vault", cmd_vault, "(not built yet)", "kcfg vault", "",
};
