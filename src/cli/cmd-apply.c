/*
 * kcfg apply: make each host what the components want, exactly the
 * changes plan shows, over one ssh session per host.
 */
#include "cli/cli.h"
#include "cli/plan-apply.h"
#include "util/banned.h"

static int cmd_apply(int argc, char **argv, struct cmd_ctx *ctx)
{
	return plan_apply_cmd(argc, argv, ctx, 1);
}

const struct cmd_entry cmd_apply_entry = {
	"apply", cmd_apply, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"make the hosts what the inventory and cluster.yaml say",
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] apply [-l HOSTS] [-C COMPONENTS] [-f FORKS]\n"
	"                   [--batch N|N%] [--diff] [--json] [--timeout SECONDS]\n"
	"                   [--wait-timeout SECONDS] [--facts-max-age SECONDS]\n"
	"                   [--fail-fast] [--skip-preflight] [-K]\n"
	"                   [VAULT OPTIONS]",
	"Goes through the phases of a cluster (docs/engine.md): facts, preflight,\n"
	"hosts (common, registry, bastion, containerd, the controller) then waits\n"
	"until the API server is ready, workers (they join with a token from the\n"
	"controller) then waits until every node is Ready, nodes (node\n"
	"configuration), add-ons in groups, each then waits until its charts are\n"
	"deployed (those whose resources need another add-on's CRDs come after it),\n"
	"verify. A blocking preflight problem on any host (see 'kcfg help\n"
	"preflight') stops the run before anything changes. A barrier that does\n"
	"not hold in its time stops the run, saying what is not ready and where to\n"
	"look; applying again goes on from there. In each phase it plans each host\n"
	"as 'kcfg plan' does and, over the same session, makes exactly the planned\n"
	"changes, in order: files written to a temporary file beside the target\n"
	"and renamed over it (never half-written, the first original kept as\n"
	"FILE.kcfg-orig when the component asks), directories, removals, marked\n"
	"blocks, apt packages, systemd daemon-reload when unit files changed,\n"
	"services, commands, uploads checked by sha256, and last the handlers the\n"
	"changes notified, each once. A change that fails stops its host, says\n"
	"which resource and why; the other hosts go on (unless\n"	"--fail-fast). Ctrl-C stops new work and lets running steps finish, so\n"
	"every host is left consistent; a handler notified before a stop runs on\n"
	"the next apply.\n"
	"\n"
	"Progress goes to stderr (live per host on a terminal), what changed and a\n"
	"summary table (changed / unchanged / failed per host) to stdout, and a\n"
	"full log, without secrets, to .kcfg/logs/ beside the inventory.\n"
	"\n"
	"Components: common, harbor, bastion, containerd, k0s, lustre, node-labels,\n"
	"gpu-operator, network-operator, metallb, monitoring, mpi-operator,\n"
	"spark-operator, exascaler-csi, whereabouts, extras (see 'kcfg help plan'\n"
	"for -C).\n"
	"\n"
	"Options:\n"
	"  -l, --limit HOSTS          only these hosts or groups (comma separated); the\n"
	"                             others only for their /etc/hosts, and the\n"
	"                             controller for its k0s.yaml (docs/engine.md)\n"
	"  -C, --component NAMES      only these components (comma separated)\n"
	"  -f, --forks N              hosts at once (default 50)\n"
	"      --batch N|N%           in each phase, N hosts (or N % of them) at a time;\n"
	"                             a host that fails stops the later batches\n"
	"      --diff                 show the diff of each file changed\n"
	"      --json                 what was done as JSON on stdout (docs/json.md)\n"
	"      --wait-timeout SECONDS how long each barrier waits (default: the API\n"
	"                             300, the nodes 600, the add-ons 1200)\n"
	"      --timeout SECONDS      per step on a host (default 3600)\n"
	"      --facts-max-age SECONDS\n"
	"                             gather facts again when the cache is older\n"
	"                             (default 86400; 0: always)\n"
	"      --fail-fast            stop every host when one fails\n"
	"      --skip-preflight       skip the preflight checks (docs/preflight.md)\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 every host done, 1 a host failed, 130 interrupted,\n"
	"65 invalid input.\n",
};
