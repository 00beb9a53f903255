/*
 * kcfg render: every file kcfg would put on every host, computed from the
 * model and the hosts' facts, written under OUT/<host>/ for review and
 * diffing. Nothing touches a host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "run/model.h"
#include "components/render.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int own(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct render_opts *ro = ctx->data;

	switch (c) {
	case 'o': ro->out_dir = arg; break;
	case 'f': ctx->mr.facts_dir = arg; break;
	case 'H': ro->only_host = arg; break;
	case 'C': ro->only_component = arg; break;
	default: return KCFG_EXIT_USAGE;
	}
	return KCFG_EXIT_OK;
}

static int cmd_render(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "facts", required_argument, NULL, 'f' },
		{ "host", required_argument, NULL, 'H' },
		{ "component", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 }
	};
	struct render_opts ro = { NULL, NULL, NULL };
	struct render_stats st;
	struct strbuf err = STRBUF_INIT;
	int ret;

	ctx->mr.need = MODEL_FACTS;
	ctx->data = &ro;
	ret = cli_parse(ctx, argc, argv, "o:f:", options, own);
	if (ret != KCFG_EXIT_OK)
		return ret;
	if (ctx->argc) {
		cli_error("'kcfg render' takes no arguments, got '%s'", ctx->argv[0]);
		return cli_usage(ctx->cmd);
	}
	if (!ro.out_dir) {
		cli_error("'kcfg render' needs an output directory");
		cli_hint("kcfg render -o rendered --facts DIR");
		return cli_usage(ctx->cmd);
	}
	ret = cli_setup(ctx);
	if (ret != KCFG_EXIT_OK)
		return ret;
	if (render_tree(&ctx->m.ctx, &ro, &st, &err) < 0) {
		cli_error_buf(&err);
		ret = KCFG_EXIT_FAILURE;
	} else {
		fprintf(stderr, "rendered %zu files and %zu resources for %zu hosts into %s\n",
			st.files, st.resources, st.hosts, ro.out_dir);
		if (st.pending)
			fprintf(stderr, "note: %zu file%s for values only the hosts can tell "
				"(a Lustre project id): not rendered, marked pending in "
				"RESOURCES; plan shows them with the value read\n",
				st.pending, st.pending == 1 ? " waits" : "s wait");
	}
	strbuf_release(&err);
	return ret;
}

const struct cmd_entry cmd_render_entry = {
	"render", cmd_render, NEED_MODEL | NEED_SECRETS,
	"write every file kcfg would put on every host, for review",
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] render -o DIR [--facts DIR] [--host NAME]\n"
	"                   [--component NAME] [VAULT OPTIONS]",
	"Computes, from inventory.ini, cluster.yaml, vault.yaml and each host's facts,\n"
	"every file kcfg manages and every Kubernetes resource it installs, and writes\n"
	"them under DIR/<host>/ as they will sit on the host, with DIR/<host>/RESOURCES\n"
	"listing the rest (packages, services, commands). Files holding secrets are\n"
	"written 0600. The same inputs give the same bytes, so renders can be diffed.\n"
	"DIR is replaced whole; an existing DIR must be empty or an earlier render.\n"
	"The new tree is built as DIR.kcfg-new and the old one moved to DIR.kcfg-old\n"
	"while they are swapped; either name holding something render did not make\n"
	"stops it. DIR/ is DIR; '.', '..' and '/' cannot be replaced and are refused.\n"
	"The registry's CA and certificate are made on the first render (in .kcfg/pki\n"
	"beside the inventory, keys encrypted with the vault password) and reused.\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR       where to write (required)\n"
	"  -f, --facts DIR        facts as DIR/<host>.json (default: .kcfg/facts beside\n"
	"                         the inventory, as 'kcfg facts' leaves them)\n"
	"      --host NAME        only this host\n"
	"      --component NAME   only this component\n"
	CLI_VAULT_HELP,
};
