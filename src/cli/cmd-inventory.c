/*
 * kcfg inventory --list|--graph|--host|--check: the inventory as Ansible
 * reads it (the same JSON and graph as ansible-inventory), and whether
 * it describes a cluster kcfg can build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "config/inventory.h"
#include "config/roles.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum action { ACT_NONE, ACT_LIST, ACT_GRAPH, ACT_HOST, ACT_CHECK };

/* Loads opts->inventory; on failure reports and returns the exit code. */
static int load(struct inventory *inv, const struct kcfg_opts *opts)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	int rc, ret = KCFG_EXIT_OK;

	inventory_init(inv, opts->inventory);
	rc = inventory_load(inv, opts->inventory, &dl, &err);
	if (rc < 0) {
		cli_error_buf(&err);
		if (!path_exists(opts->inventory))
			cli_hint("write one with 'kcfg init', or name another with 'kcfg -i FILE inventory ...'");
		ret = KCFG_EXIT_INVALID;
	} else if (dl.nr)
		ret = cli_report_diags(&dl);
	diag_release(&dl);
	strbuf_release(&err);
	return ret;
}

static int write_out(const struct strbuf *out)
{
	if (fwrite(out->buf, 1, out->len, stdout) != out->len || fflush(stdout)) {
		cli_error("cannot write the output");
		return KCFG_EXIT_FAILURE;
	}
	return KCFG_EXIT_OK;
}

/* "no such host/group", with the nearest name when one is close. */
static int not_found(const char *what, const char *name, const char *file,
		     const char *const *names, size_t nr)
{
	const char *near = suggest_nearest(name, names, nr);

	cli_error("%s '%s' is not in '%s'", what, name, file);
	if (near)
		cli_hint("did you mean '%s'?", near);
	return KCFG_EXIT_FAILURE;
}

static int show_host(const struct inventory *inv, const char *name, struct strbuf *out,
		     struct strbuf *err)
{
	long h = inventory_find_host(inv, name);
	int ret;

	if (h < 0) {
		const char **names = xcalloc(inv->nr_hosts + 1, sizeof(*names));
		for (size_t i = 0; i < inv->nr_hosts; i++)
			names[i] = inv->host[i].name;
		ret = not_found("host", name, inv->file, names, inv->nr_hosts);
		free(names);
		return ret;
	}
	if (inventory_host_json(inv, (size_t)h, out, err) < 0) {
		cli_error_buf(err);
		cli_hint("quote the value in the inventory to keep it a string");
		return KCFG_EXIT_INVALID;
	}
	return write_out(out);
}

static int show_graph(const struct inventory *inv, const char *group, int vars,
		      struct strbuf *out, struct strbuf *err)
{
	long g = inventory_find_group(inv, group);
	int ret;

	if (g < 0) {
		const char **names = xcalloc(inv->nr_groups + 1, sizeof(*names));
		for (size_t i = 0; i < inv->nr_groups; i++)
			names[i] = inv->group[i].name;
		ret = not_found("group", group, inv->file, names, inv->nr_groups);
		free(names);
		return ret;
	}
	if (inventory_graph(inv, (size_t)g, vars, out, err) < 0) {
		cli_error_buf(err);
		return KCFG_EXIT_FAILURE;
	}
	return write_out(out);
}

static int check(const struct inventory *inv, int rdma)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct model_opts mo = { rdma };
	unsigned counts[5] = { 0 };
	size_t hosts = 0;
	int ret;

	model_check(inv, &mo, &dl);
	ret = dl.nr ? cli_report_diags(&dl) : KCFG_EXIT_OK;
	diag_release(&dl);
	if (ret != KCFG_EXIT_OK)
		return ret;
	for (size_t h = 0; h < inv->nr_hosts; h++) {
		unsigned r = host_roles(inv, inv->host[h].name);
		hosts += r != 0;
		for (unsigned i = 0; i < 5; i++)
			counts[i] += (r >> i) & 1;
	}
	printf("%s: ok:", inv->file);
	for (unsigned i = 0; i < 5; i++)
		printf("%s %s %u", i ? "," : "", role_group(1u << i), counts[i]);
	printf(" (%zu host%s)\n", hosts, hosts == 1 ? "" : "s");
	return fflush(stdout) ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
}

static int cmd_inventory(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct kcfg_opts *opts = ctx->opts;
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "graph", no_argument, NULL, 'g' },
		{ "host", required_argument, NULL, 'H' },
		{ "check", no_argument, NULL, 'c' },
		{ "vars", no_argument, NULL, 'v' },
		{ "export", no_argument, NULL, 'e' },
		{ "no-rdma", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct inventory inv;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	enum action act = ACT_NONE;
	const char *host = NULL, *group = "all";
	int vars = 0, export = 0, no_rdma = 0, actions = 0, c, ret;

	while ((c = cli_getopt(argc, argv, "h", longopts, &cmd_inventory_entry)) != -1) {
		switch (c) {
		case 'l': act = ACT_LIST; actions++; break;
		case 'g': act = ACT_GRAPH; actions++; break;
		case 'H': act = ACT_HOST; actions++; host = optarg; break;
		case 'c': act = ACT_CHECK; actions++; break;
		case 'v': vars = 1; break;
		case 'e': export = 1; break;
		case 'r': no_rdma = 1; break;
		case 'h':
			printf("usage: %s\n\n%s\n%s", cmd_inventory_entry.usage,
			       cmd_inventory_entry.summary, cmd_inventory_entry.help);
			return KCFG_EXIT_OK;
		default: return KCFG_EXIT_USAGE;
		}
	}
	if (actions != 1) {
		cli_error(actions ? "choose only one of --list, --graph, --host and --check"
			  : "choose one of --list, --graph, --host HOST and --check");
		return cli_usage(&cmd_inventory_entry);
	}
	if ((vars && act != ACT_GRAPH) || (export && act != ACT_LIST) ||
	    (no_rdma && act != ACT_CHECK)) {
		cli_error("%s goes with %s", vars && act != ACT_GRAPH ? "--vars" :
			  export && act != ACT_LIST ? "--export" : "--no-rdma",
			  vars && act != ACT_GRAPH ? "--graph" :
			  export && act != ACT_LIST ? "--list" : "--check");
		return cli_usage(&cmd_inventory_entry);
	}
	if (optind < argc && (act != ACT_GRAPH || optind + 1 < argc)) {
		cli_error("unexpected argument '%s'", argv[optind + (act == ACT_GRAPH)]);
		return cli_usage(&cmd_inventory_entry);
	}
	if (optind < argc)
		group = argv[optind];

	if ((ret = load(&inv, opts)) != KCFG_EXIT_OK) {
		inventory_release(&inv);
		return ret;
	}
	switch (act) {
	case ACT_LIST:
		if (inventory_list_json(&inv, export, &out, &err) < 0) {
			cli_error_buf(&err);
			cli_hint("quote the value in the inventory to keep it a string");
			ret = KCFG_EXIT_INVALID;
		} else
			ret = write_out(&out);
		break;
	case ACT_GRAPH:
		ret = show_graph(&inv, group, vars, &out, &err);
		break;
	case ACT_HOST:
		ret = show_host(&inv, host, &out, &err);
		break;
	default:
		ret = check(&inv, !no_rdma);
		break;
	}
	inventory_release(&inv);
	strbuf_release(&out);
	strbuf_release(&err);
	return ret;
}

const struct cmd_entry cmd_inventory_entry = {
	"inventory", cmd_inventory, 0,
	"show or check the inventory as Ansible reads it",
	"kcfg [-i INVENTORY] inventory --list [--export]\n"
	"       kcfg [-i INVENTORY] inventory --graph [--vars] [GROUP]\n"
	"       kcfg [-i INVENTORY] inventory --host HOST\n"
	"       kcfg [-i INVENTORY] inventory --check [--no-rdma]",
	"Reads the Ansible INI inventory (-i, default ./inventory.ini) as\n"
	"ansible-inventory does, and shows it the same way:\n"
	"  --list          every group and host with its variables, as JSON\n"
	"  --export        with --list: group variables under each group, host\n"
	"                  variables unmerged\n"
	"  --graph [GROUP] the tree of groups and hosts under GROUP (default all)\n"
	"  --vars          with --graph: the variables too\n"
	"  --host HOST     one host's variables, as JSON\n"
	"  --check         check that the inventory describes a cluster kcfg can\n"
	"                  build: the groups it needs, roles that conflict, empty,\n"
	"                  invalid or duplicate addresses; prints every problem\n"
	"  --no-rdma       with --check: workers need no roce_host\n"
	"\nSee docs/inventory.md for the dialect, the roles and the checks.\n"
	"Exits 65 when the inventory has errors.\n",
};
