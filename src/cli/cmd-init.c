/* Placeholder until the init command lands; see the issue that builds it. */
#include "cli/cli.h"
#include "util/banned.h"

static int cmd_init(int argc, char **argv, struct kcfg_opts *opts)
{
	cli_error("'kcfg init' is not built yet");
	return KCFG_EXIT_FAILURE;
}

const struct cmd_entry cmd_init_entry = {
	"init", cmd_init, "(not built yet)", "kcfg init", "",
};
