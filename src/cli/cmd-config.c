/* Placeholder until the config command lands; see the issue that builds it. */
#include "cli/cli.h"
#include "util/banned.h"

static int cmd_config(int argc, char **argv, struct kcfg_opts *opts)
{
	cli_error("'kcfg config' is not built yet");
	return KCFG_EXIT_FAILURE;
}

const struct cmd_entry cmd_config_entry = {
	"config", cmd_config, "(not built yet)", "kcfg config", "",
};
