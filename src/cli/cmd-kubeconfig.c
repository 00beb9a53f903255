/*
 * kcfg kubeconfig: the cluster admin's kubeconfig, read from the first
 * controller (`k0s kubeconfig admin`) over its ssh session and pointed at
 * the controller's front address, or with --local at 127.0.0.1 for
 * kubectl or LENS through an ssh tunnel via the bastion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "run/model.h"
#include "run/run.h"
#include "cli/setup.h"
#include "components/cluster-values.h"
#include "components/component.h"
#include "config/names.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "vault/io.h"
#include "util/banned.h"

/* its --local is a tunnel through the bastion, not the host options' --local */
enum { OPT_LOCAL_TUNNEL = 0x280 };

static void tunnel_hint(struct run *run, const struct run_host *ctl)
{
	const struct run_host *bastion = run_first_host(run, COMP_ROLE_BASTION);
	struct strbuf to = STRBUF_INIT;

	/* ssh -L takes an IPv6 address in brackets */
	names_url_host(&to, bastion ? ctl->t.address : "127.0.0.1");
	fprintf(stderr, "The API is at https://127.0.0.1:%d while this tunnel runs:\n",
		KUBE_API_PORT);
	fprintf(stderr, "  ssh -N -L %d:%s:%d %s@%s\n", KUBE_API_PORT, to.buf, KUBE_API_PORT,
		bastion ? bastion->t.user : ctl->t.user,
		bastion ? bastion->t.address : ctl->t.address);
	strbuf_release(&to);
}

static int print_kubeconfig(struct run *run, int local, const char *output)
{
	const struct run_host *ctl = run_first_host(run, COMP_ROLE_MASTER);
	const struct cluster_value *cv = cluster_value_find(CV_KUBECONFIG_ADMIN);
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	const char *kubeconfig = run_value_get(run, CV_KUBECONFIG_ADMIN);
	int ret = KCFG_EXIT_FAILURE;

	run_close_sessions(run);
	if (!kubeconfig) {
		cli_error("%s", run_value_why(run, CV_KUBECONFIG_ADMIN));
		cli_hint("%s", cv->hint);
		goto out;
	}
	cluster_kubeconfig_set_server(kubeconfig, local ? "127.0.0.1" : ctl->t.address, &out);
	strbuf_addch(&out, '\n');
	/* straight to the file or fd 1: no stdio buffer keeps the client key */
	strbuf_reset(&err);
	if (vault_write(output ? output : "-", out.buf, out.len, 0600, &err)) {
		cli_error_buf(&err);
		goto out;
	}
	if (local)
		tunnel_hint(run, ctl);
	ret = KCFG_EXIT_OK;
out:
	strbuf_release_wiped(&out);	/* the admin's client key */
	strbuf_release(&err);
	return ret;
}

struct kubeconfig_opts {
	int local;
	const char *output;
};

static int own(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct kubeconfig_opts *ko = ctx->data;

	switch (c) {
	case OPT_LOCAL_TUNNEL: ko->local = 1; break;
	case 'o': ko->output = arg; break;
	default: return KCFG_EXIT_USAGE;
	}
	return KCFG_EXIT_OK;
}

static int cmd_kubeconfig(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option options[] = {
		{ "local", no_argument, NULL, OPT_LOCAL_TUNNEL },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct kubeconfig_opts ko = { 0, NULL };
	int ret;

	ctx->ro.command = "kubeconfig";
	ctx->ro.forks = 1;
	ctx->ro.timeout_s = 180;
	ctx->data = &ko;
	ret = cli_parse(ctx, argc, argv, "o:", options, own);
	if (ret != KCFG_EXIT_OK)
		return ret;
	if (ctx->argc) {
		cli_error("'kcfg kubeconfig' takes no arguments, got '%s'", ctx->argv[0]);
		return cli_usage(ctx->cmd);
	}
	ret = cli_setup(ctx);
	if (ret == KCFG_EXIT_OK)
		ret = print_kubeconfig(&ctx->run, ko.local, ko.output);
	return ret;
}

const struct cmd_entry cmd_kubeconfig_entry = {
	"kubeconfig", cmd_kubeconfig, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"print the cluster admin's kubeconfig, read from the controller",
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] kubeconfig [--local] [-o FILE]\n"
	"                   [--timeout SECONDS] [-K] [VAULT OPTIONS]",
	"Reads the admin kubeconfig k0s keeps on the first kube_master (`k0s\n"
	"kubeconfig admin`, over its ssh session, waiting for the API to answer)\n"
	"and prints it with the API server set to that controller's front address\n"
	"(https://ADDRESS:6443), for kubectl on a machine of the front network.\n"
	"With --local the server is https://127.0.0.1:6443 instead, for kubectl or\n"
	"LENS on your own machine, and kcfg says (on stderr) the ssh tunnel to run\n"
	"through the bastion. The file holds the cluster admin's client key: -o\n"
	"writes it with mode 0600, and kcfg keeps no copy.\n"
	"\n"
	"Options:\n"
	"      --local                server https://127.0.0.1:6443, and the tunnel to run\n"
	"  -o, --output FILE          write it to FILE (0600) instead of stdout\n"
	"      --timeout SECONDS      how long to wait for the API (default 180)\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 printed, 1 the controller could not give it, 65 invalid input.\n",
};
