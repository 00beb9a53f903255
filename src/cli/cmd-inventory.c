/* Placeholder until the inventory command lands; see the issue that builds it. */
#include "cli/cli.h"
#include "util/banned.h"

static int cmd_inventory(int argc, char **argv, struct kcfg_opts *opts)
{
	cli_error("'kcfg inventory' is not built yet");
	return KCFG_EXIT_FAILURE;
}

const struct cmd_entry cmd_inventory_entry = {
	"inventory", cmd_inventory, "(not built yet)", "kcfg inventory", "",
};
