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
#include "cli/model.h"
#include "cli/run.h"
#include "cli/run-cmd.h"
#include "components/cluster-values.h"
#include "components/component.h"
#include "config/names.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "vault/io.h"
#include "util/banned.h"

enum { OPT_LOCAL = 0x200, OPT_TIMEOUT };

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
	struct strvec names = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT, hint = STRBUF_INIT, out = STRBUF_INIT;
	struct run_values vals;
	int ret = KCFG_EXIT_FAILURE;

	strvec_push(&names, CV_KUBECONFIG_ADMIN);
	if (run_read_values(run, &names, &vals, &err, &hint) < 0) {
		cli_error("%s", err.buf);
		if (hint.len)
			cli_hint("%s", hint.buf);
		goto out;
	}
	cluster_kubeconfig_set_server(run_value(&vals, CV_KUBECONFIG_ADMIN),
				      local ? "127.0.0.1" : ctl->t.address, &out);
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
	run_values_release(&vals);
	strvec_clear(&names);
	strbuf_release_wiped(&out);	/* the admin's client key */
	strbuf_release(&err);
	strbuf_release(&hint);
	return ret;
}

static int cmd_kubeconfig(int argc, char **argv, struct kcfg_opts *opts)
{
	static const struct option longopts[] = {
		{ "local", no_argument, NULL, OPT_LOCAL },
		{ "output", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		RUN_BECOME_LONGOPTS,
		MODEL_VAULT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct model_request mr = { 0, NULL, VAULT_PASSWORD_SOURCE_INIT, NULL, NULL };
	struct run_opts ro;
	struct model m;
	struct run run;
	const char *output = NULL;
	long v;
	int c, local = 0, ret = KCFG_EXIT_OK, loaded = 0;

	memset(&ro, 0, sizeof(ro));
	ro.command = "kubeconfig";
	ro.forks = 1;
	ro.timeout_s = 180;
	while ((c = cli_getopt(argc, argv, "o:K", longopts, &cmd_kubeconfig_entry)) != -1) {
		switch (c) {
		case OPT_LOCAL: local = 1; break;
		case 'o': output = optarg; break;
		case OPT_TIMEOUT:
			if (run_cmd_number("--timeout", optarg, 1, 86400, &v) < 0)
				return cli_usage(&cmd_kubeconfig_entry);
			ro.timeout_s = (unsigned)v;
			break;
		default:
			if ((ret = run_cmd_option(&ro, &mr, c, optarg)) == KCFG_EXIT_OK)
				break;
			if (ret < 0)
				ret = KCFG_EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		cli_error("'kcfg kubeconfig' takes no arguments, got '%s'", argv[optind]);
		ret = cli_usage(&cmd_kubeconfig_entry);
		goto out;
	}
	ret = run_cmd_load(opts, &mr, &m);
	loaded = 1;
	if (ret != KCFG_EXIT_OK)
		goto out;
	run_init(&run, &m, &ro);
	ret = run_setup_become(&run);
	if (ret == KCFG_EXIT_OK)
		ret = print_kubeconfig(&run, local, output);
	run_release(&run);
out:
	if (loaded)
		model_release(&m);
	model_request_release(&mr);
	return ret;
}

const struct cmd_entry cmd_kubeconfig_entry = {
	"kubeconfig", cmd_kubeconfig,
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
	RUN_BECOME_HELP
	MODEL_VAULT_HELP
	"\n"
	"Exit status: 0 printed, 1 the controller could not give it, 65 invalid input.\n",
};
