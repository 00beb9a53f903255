/*
 * kcfg plan: what apply would change on each host, read from the hosts
 * in one round trip each; nothing is changed.
 */
#include "cli/cli.h"
#include "run/model.h"
#include "run/run.h"
#include "cli/run-cmd.h"
#include "util/banned.h"

static int cmd_plan(int argc, char **argv, struct kcfg_opts *opts)
{
	return run_cmd(argc, argv, opts, 0, &cmd_plan_entry);
}

const struct cmd_entry cmd_plan_entry = {
	"plan", cmd_plan,
	"show what apply would change on each host",
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] plan [-l HOSTS] [-C COMPONENTS] [-f FORKS]\n"
	"                   [--detailed-exitcode] [--no-diff] [--timeout SECONDS]\n"
	"                   [--facts-max-age SECONDS] [--fail-fast] [-K] [VAULT OPTIONS]",
	"Reads, in one round trip per host over its ssh session, the state of every\n"
	"file, directory, block, package, service, command guard and upload the\n"
	"components want there, and prints per host what apply would change: '+'\n"
	"create, '~' change, '-' remove, '!' run, '>' send, '*' handler, each with\n"
	"the component that wants it, files and blocks with a unified diff (secrets\n"
	"show as 'content changed (secret)'), then a summary line per host and one\n"
	"for the whole plan. Facts are gathered first for hosts whose cached facts\n"
	"(.kcfg/facts/) are missing or stale. Nothing on the hosts is changed.\n"
	"\n"
	"Options:\n"
	"  -l, --limit HOSTS          only these hosts or groups (comma separated)\n"
	"  -C, --component NAMES      only these components (comma separated), e.g.\n"
	"                             common,extras\n"
	"  -f, --forks N              hosts at once (default 50)\n"
	"      --detailed-exitcode    exit 2 when there are changes, 0 when none\n"
	"      --no-diff              no file diffs, one line per change\n"
	"      --timeout SECONDS      per step on a host (default 3600)\n"
	"      --facts-max-age SECONDS\n"
	"                             gather facts again when the cache is older\n"
	"                             (default 86400; 0: always)\n"
	"      --fail-fast            stop every host when one fails\n"
	"      --local                plan this machine through /bin/sh, not ssh\n"
	CLI_BECOME_HELP
	MODEL_VAULT_HELP
	"\n"
	"Exit status: 0 planned (no changes with --detailed-exitcode), 2 changes\n"
	"(with --detailed-exitcode), 1 a host failed, 65 invalid input.\n",
};
