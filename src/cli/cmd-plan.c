/*
 * kcfg plan: what apply would change on each host, read from the hosts
 * in one round trip each; nothing is changed.
 */
#include "cli/cli.h"
#include "cli/plan-apply.h"
#include "util/banned.h"

static int cmd_plan(int argc, char **argv, struct cmd_ctx *ctx)
{
	return plan_apply_cmd(argc, argv, ctx, 0);
}

const struct cmd_entry cmd_plan_entry = {
	"plan", cmd_plan, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"show what apply would change on each host",
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] plan [-l HOSTS] [-C COMPONENTS] [-f FORKS]\n"
	"                   [--detailed-exitcode] [--no-diff] [--json] [--timeout SECONDS]\n"
	"                   [--facts-max-age SECONDS] [--fail-fast] [--skip-preflight] [-K]\n"
	"                   [VAULT OPTIONS]",
	"Goes through the phases apply would (facts, preflight, hosts, workers, nodes,\n"
	"add-ons, verify: docs/engine.md) and reads, in one round trip per host and\n"
	"phase over its one ssh session, the state of every file, directory, block,\n"
	"package, service, command guard and upload the components of that phase\n"
	"want there. Prints per phase (with more than one) and host what apply would\n"
	"change: '+' create, '~' change, '-' remove, '!' run, '>' send, '*' handler,\n"
	"'?' waits for a value only a host can tell (with why it is not known yet),\n"
	"each with the component that wants it, files and blocks with a unified\n"
	"diff (secrets show as 'content changed (secret)'), then a summary line per\n"
	"host and one for the whole plan; where apply would wait between phases.\n"
	"Facts are gathered first for hosts whose cached facts (.kcfg/facts/) are\n"
	"missing or stale. Nothing on the hosts is changed; plan waits for no\n"
	"barrier.\n"
	"\n"
	"Options:\n"
	"  -l, --limit HOSTS          only these hosts or groups (comma separated); the\n"
	"                             others only for their /etc/hosts, and the\n"
	"                             controller for its k0s.yaml (docs/engine.md)\n"
	"  -C, --component NAMES      only these components (comma separated), e.g.\n"
	"                             common,extras\n"
	"  -f, --forks N              hosts at once (default 50)\n"
	"      --detailed-exitcode    exit 2 when there are changes, 0 when none\n"
	"      --no-diff              no file diffs, one line per change\n"
	"      --json                 the plan as JSON on stdout (docs/json.md)\n"
	"      --timeout SECONDS      per step on a host (default 3600)\n"
	"      --facts-max-age SECONDS\n"
	"                             gather facts again when the cache is older\n"
	"                             (default 86400; 0: always)\n"
	"      --fail-fast            stop every host when one fails\n"
	"      --skip-preflight       skip the preflight checks (docs/preflight.md)\n"
	"      --local                plan this machine through /bin/sh, not ssh\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 planned (no changes with --detailed-exitcode), 2 changes\n"
	"(with --detailed-exitcode), 1 a host failed, 65 invalid input.\n",
};
