/*
 * kcfg: turn plain Ubuntu machines into a k0s Kubernetes cluster for GPU
 * and RDMA research computing. This file holds the command table, the
 * global options and the exit code; each command lives in cli/cmd-*.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "util/log.h"
#include "util/proc.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cmd_entry *const commands[] = {
	&cmd_init_entry,
	&cmd_inventory_entry,
	&cmd_config_entry,
	&cmd_vault_entry,
	&cmd_render_entry,
	&cmd_ping_entry,
	&cmd_facts_entry,
	&cmd_fetch_entry,
	&cmd_preflight_entry,
	&cmd_plan_entry,
	&cmd_apply_entry,
	&cmd_status_entry,
	&cmd_backup_entry,
	&cmd_restore_entry,
	&cmd_upgrade_entry,
	&cmd_node_entry,
	&cmd_reset_entry,
	&cmd_kubeconfig_entry,
};

static const char global_usage[] =
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] [-v|-q] [--wait-lock] COMMAND [ARGS]";

static const char exit_codes_help[] =
	"Exit codes:\n"
	"  0   success (for plan: nothing to change)\n"
	"  1   the operation failed: a host, a decryption, a file could not be written\n"
	"  2   plan --detailed-exitcode: there are changes to apply; status: the\n"
	"      cluster could not be checked\n"
	"  64  bad command line (unknown command or option, missing value)\n"
	"  65  invalid input: inventory.ini, cluster.yaml or vault.yaml has errors\n";

static const struct cmd_entry *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static void list_commands(FILE *f)
{
	fprintf(f, "usage: %s\n\nCommands:\n", global_usage);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "  %-12s %s\n", "help", "show help for kcfg or for one command");
	fprintf(f, "  %-12s %s\n", "version", "print kcfg's version");
	fputs("\nGlobal options:\n"
	      "  -i, --inventory FILE   the Ansible INI inventory (default ./inventory.ini)\n"
	      "  -c, --config FILE      the cluster settings (default ./cluster.yaml)\n"
	      "  -v, --verbose          say more (repeat for debug output)\n"
	      "  -q, --quiet            say only warnings and errors\n"
	      "      --wait-lock        when another kcfg is using .kcfg/ (the PKI, facts,\n"
	      "                         downloads, logs), wait for it instead of failing\n"
	      "  -h, --help             show this help\n"
	      "      --version          print kcfg's version\n\n", f);
	fputs(exit_codes_help, f);
	fputs("\nRun 'kcfg help COMMAND' for the options of one command.\n", f);
}

static int unknown_command(const char *name)
{
	const char *names[ARRAY_SIZE(commands) + 2];
	const char *near;
	size_t nr = 0;

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		names[nr++] = commands[i]->name;
	names[nr++] = "help";
	names[nr++] = "version";
	cli_error("'%s' is not a kcfg command", name);
	near = suggest_nearest(name, names, nr);
	if (near)
		cli_hint("did you mean 'kcfg %s'?", near);
	fprintf(stderr, "Run 'kcfg help' for the list of commands.\n");
	return KCFG_EXIT_USAGE;
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd_entry *cmd;

	if (argc < 2) {
		list_commands(stdout);
		return KCFG_EXIT_OK;
	}
	if (!strcmp(argv[1], "exit-codes")) {
		fputs(exit_codes_help, stdout);
		return KCFG_EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	printf("usage: %s\n\n%s\n%s", cmd->usage, cmd->summary, cmd->help);
	return KCFG_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option global_opts[] = {
		{ "inventory", required_argument, NULL, 'i' },
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "wait-lock", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct cmd_entry global_entry = {
		"", NULL, 0, "", global_usage, ""
	};
	struct kcfg_opts opts = { "inventory.ini", "cluster.yaml", 0, 0, 0, 0, NULL };
	const struct cmd_entry *cmd;
	struct cmd_ctx ctx;
	const char *env;
	int c, ret;

	/* every command may read a secret: no core dump, no ptrace, from the start */
	if (proc_forbid_dumps() < 0) {
		cli_error("cannot keep secrets out of core dumps: %s", strerror(errno));
		return KCFG_EXIT_FAILURE;
	}
	signal(SIGPIPE, SIG_IGN);	/* EPIPE is an ordinary error here */
	if ((env = getenv("KCFG_INVENTORY")) && *env)
		opts.inventory = env;
	if ((env = getenv("KCFG_CONFIG")) && *env)
		opts.config = env;

	cli_getopt_reset();
	/* '+': stop at the command name; its options are its own */
	while ((c = cli_getopt(argc, argv, "+i:c:vqh", global_opts, &global_entry)) != -1) {
		switch (c) {
		case 'i': opts.inventory = optarg; opts.inventory_given = 1; break;
		case 'c': opts.config = optarg; opts.config_given = 1; break;
		case 'v': opts.verbosity++; break;
		case 'q': opts.verbosity--; break;
		case 'h': list_commands(stdout); return KCFG_EXIT_OK;
		case 'V': printf("kcfg %s\n", KCFG_VERSION); return KCFG_EXIT_OK;
		case 'W': opts.wait_lock = 1; break;
		default: return KCFG_EXIT_USAGE;
		}
	}
	cli_apply_verbosity(&opts);
	cli_set_globals(&opts);

	if (optind >= argc) {
		list_commands(stderr);
		return KCFG_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "help"))
		return cmd_help(argc, argv);
	if (!strcmp(argv[0], "version")) {
		printf("kcfg %s\n", KCFG_VERSION);
		return KCFG_EXIT_OK;
	}
	cmd = find_command(argv[0]);
	if (!cmd)
		return unknown_command(argv[0]);
	opts.command = cmd->name;
	cli_getopt_reset();
	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = &opts;
	ctx.cmd = cmd;
	ret = cmd->fn(argc, argv, &ctx);
	cli_teardown(&ctx);
	return ret;
}
