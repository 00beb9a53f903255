/*
 * kcfg render: every file kcfg would put on every host, computed from the
 * model and the hosts' facts, written under OUT/<host>/ for review and
 * diffing. Nothing touches a host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/run-cmd.h"
#include "run/model.h"
#include "components/render.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct cmd_entry *self(void);

static int cmd_render(int argc, char **argv, struct kcfg_opts *opts)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "facts", required_argument, NULL, 'f' },
		{ "host", required_argument, NULL, 'H' },
		{ "component", required_argument, NULL, 'C' },
		MODEL_VAULT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct model_request mr = { MODEL_SECRETS | MODEL_FACTS | MODEL_PKI, NULL,
				    VAULT_PASSWORD_SOURCE_INIT, NULL, NULL };
	struct render_opts ro = { NULL, NULL, NULL };
	struct render_stats st;
	struct strbuf err = STRBUF_INIT;
	struct model m;
	int c, ret = KCFG_EXIT_OK;

	while ((c = cli_getopt(argc, argv, "o:f:", longopts, self())) != -1) {
		switch (c) {
		case 'o': ro.out_dir = optarg; break;
		case 'f': mr.facts_dir = optarg; break;
		case 'H': ro.only_host = optarg; break;
		case 'C': ro.only_component = optarg; break;
		default:
			if (cli_vault_option(&mr, c, optarg, &ret)) {
				if (ret != KCFG_EXIT_OK)
					goto out;
				break;
			}
			ret = KCFG_EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		cli_error("'kcfg render' takes no arguments, got '%s'", argv[optind]);
		ret = cli_usage(self());
		goto out;
	}
	if (!ro.out_dir) {
		cli_error("'kcfg render' needs an output directory");
		cli_hint("kcfg render -o rendered --facts DIR");
		ret = cli_usage(self());
		goto out;
	}
	ret = cli_model_load(opts, &mr, &m);
	if (ret == KCFG_EXIT_OK) {
		if (render_tree(&m.ctx, &ro, &st, &err) < 0) {
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
	}
	model_release(&m);
out:
	model_request_release(&mr);
	strbuf_release(&err);
	return ret;
}

const struct cmd_entry cmd_render_entry = {
	"render", cmd_render,
	"write every file kcfg would put on every host, for review",
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] render -o DIR [--facts DIR] [--host NAME]\n"
	"                   [--component NAME] [VAULT OPTIONS]",
	"Computes, from inventory.ini, cluster.yaml, vault.yaml and each host's facts,\n"
	"every file kcfg manages and every Kubernetes resource it installs, and writes\n"
	"them under DIR/<host>/ as they will sit on the host, with DIR/<host>/RESOURCES\n"
	"listing the rest (packages, services, commands). Files holding secrets are\n"
	"written 0600. The same inputs give the same bytes, so renders can be diffed.\n"
	"DIR is replaced whole; an existing DIR must be empty or an earlier render.\n"
	"The registry's CA and certificate are made on the first render (in .kcfg/pki\n"
	"beside the inventory, keys encrypted with the vault password) and reused.\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR       where to write (required)\n"
	"  -f, --facts DIR        facts as DIR/<host>.json (default: .kcfg/facts beside\n"
	"                         the inventory, as 'kcfg facts' leaves them)\n"
	"      --host NAME        only this host\n"
	"      --component NAME   only this component\n"
	MODEL_VAULT_HELP,
};

static const struct cmd_entry *self(void)
{
	return &cmd_render_entry;
}
