/*
 * kcfg reset (docs/lifecycle.md): the cluster torn down, workers first
 * and the controller last (the registry and the bastion with --all),
 * k0s's own reset and then what it leaves behind; --dry-run lists what
 * would go, read from the hosts, and changes nothing.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/report.h"
#include "cli/setup.h"
#include "run/model.h"
#include "run/run.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/banned.h"

#define JSON_VERSION 1

enum { OPT_JSON = 0x200, OPT_DRY_RUN, OPT_ALL };

struct reset_opts {
	int yes, json;
	struct run_reset *r;
};

static const struct option options[] = {
	{ "yes", no_argument, NULL, 'y' },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 }
};

static int own(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct reset_opts *o = ctx->data;

	switch (c) {
	case 'y': o->yes = 1; break;
	case OPT_DRY_RUN: o->r->dry_run = 1; break;
	case OPT_ALL: o->r->all = 1; break;
	case OPT_JSON: o->json = 1; break;
	default: return KCFG_EXIT_USAGE;
	}
	return KCFG_EXIT_OK;
}

/* What reset asks about: the cluster of which inventory, how many hosts. */
static void describe(const struct run *run, int all, struct strbuf *out)
{
	size_t n = 0;

	for (size_t i = 0; i < run->nr; i++)
		n += run->hosts[i].state != RUN_SKIPPED;
	strbuf_addf(out, "This tears down the k0s cluster of %s on %zu picked host%s%s: every "
		    "workload and its data on the nodes is gone.", run->m->inv.file, n,
		    n == 1 ? "" : "s", all ? " (with the registry and the bastion)" : "");
}

static void print_hosts(const struct run *run, const struct run_reset *r)
{
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_reset_host *h = &r->hosts[i];

		if (!h->reached)
			continue;
		printf("%s:%s\n", run->hosts[i].name, h->items.nr ? "" : " nothing to remove");
		for (size_t k = 0; k < h->items.nr; k++)
			printf("  %s %s\n", r->dry_run ? "would" : "done ", h->items.v[k]);
	}
}

static void print_json(const struct run *run, const struct run_reset *r, int ok)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer jw;

	report_json_begin(&jw, &out, "kcfg-reset", JSON_VERSION, ok);
	json_key(&jw, "dry_run");
	json_bool(&jw, r->dry_run);
	json_key(&jw, "hosts");
	json_array_begin(&jw);
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];

		if (h->state == RUN_SKIPPED)
			continue;
		json_object_begin(&jw);
		json_member_string(&jw, "name", h->name);
		json_key(&jw, "reached");
		json_bool(&jw, r->hosts[i].reached);
		json_key(&jw, r->dry_run ? "would_remove" : "removed");
		json_array_begin(&jw);
		for (size_t k = 0; k < r->hosts[i].items.nr; k++)
			json_string(&jw, r->hosts[i].items.v[k]);
		json_array_end(&jw);
		json_member_string(&jw, "error", h->state == RUN_FAILED && h->error.len ?
				   h->error.buf : NULL);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	report_json_end(&jw, &out);
	strbuf_release(&out);
}

static int cmd_reset(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct run_reset r;
	struct reset_opts o = { 0, 0, &r };
	struct diag_list dl = DIAG_LIST_INIT;
	int ret, rc, ok;

	memset(&r, 0, sizeof(r));
	ctx->ro.command = "reset";
	ctx->ro.apply = 1;
	ctx->ro.timeout_s = 1800;
	ctx->ro.facts_max_age = 100L * 365 * 86400;
	ctx->data = &o;
	ret = cli_parse(ctx, argc, argv, "y", options, own);
	if (ret == KCFG_EXIT_OK)
		ret = cli_setup_cluster(ctx);
	if (ret != KCFG_EXIT_OK)
		return ret;
	if (!o.yes && !r.dry_run) {
		struct strbuf what = STRBUF_INIT;

		describe(&ctx->run, r.all, &what);
		ret = cli_confirm("reset", what.buf, "add --yes to go on without asking, or "
				  "--dry-run to see what would go");
		strbuf_release(&what);
		if (ret != KCFG_EXIT_OK)
			return ret;
	}
	ctx->ro.apply = !r.dry_run;
	run_reset_init(&r, ctx->run.nr);
	ctx->run.op = &r;
	rc = report_run(&ctx->run, run_reset_phases, run_reset_phases_nr, 1, &dl);
	diag_release(&dl);
	ok = !run_failed(&ctx->run) && !ctx->run.stopped;
	if (o.json) {
		print_json(&ctx->run, &r, ok);
	} else {
		print_hosts(&ctx->run, &r);
		report_errors(&ctx->run);
		printf("reset: %s\n", r.dry_run ? "dry run, nothing was changed" : ok ?
		       "done; reboot the nodes to clear what the kernel still holds (k0s's advice)" :
		       "FAILED (above); run it again once the cause is fixed");
	}
	ctx->run.op = NULL;
	run_reset_release(&r);
	if (rc == -1)
		return 130;
	return ok ? KCFG_EXIT_OK : KCFG_EXIT_FAILURE;
}

const struct cmd_entry cmd_reset_entry = {
	"reset", cmd_reset, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"tear the cluster down: workers, then the controller (k0s reset and its leftovers)",
	"kcfg [-i INVENTORY] reset [-l HOSTS] [--dry-run] [--yes] [--all] [--json] [-K]\n"
	"                   [VAULT OPTIONS]",
	"Tears the k0s cluster down, the workers first, the controller last (a\n"
	"failure on a worker stops it before the controller). On each host:\n"
	"'k0s stop', 'k0s reset' (k0s's own teardown: containers, /var/lib/k0s,\n"
	"the kubelet's files, its units), then what 'k0s reset' leaves behind\n"
	"and a later install trips over: /etc/cni/net.d and /opt/cni/bin, the\n"
	"kube-dummy-if and kube-bridge links, the iptables rules and chains of\n"
	"kube-proxy, kube-router and CNI (IPv4 and IPv6) and kube-router's\n"
	"ipsets; then kcfg's own files (/etc/k0s, /usr/local/bin/k0s,\n"
	"/var/lib/kcfg, /var/cache/kcfg). /etc/hostname, /etc/hosts and the\n"
	"Lustre mounts stay. With --all, also Harbor on the registry (its\n"
	"containers down, its install directory; its data volume stays) and the\n"
	"bastion's kubectl, helm, registry CA and admin kubeconfig\n"
	"(docs/lifecycle.md). Asks first unless --yes. Running it again goes on\n"
	"where it stopped.\n"
	"\n"
	"Options:\n"
	"      --dry-run              list, host by host, what would go (read from\n"
	"                             the hosts); change nothing\n"
	"  -y, --yes                  do not ask\n"
	"      --all                  the registry and the bastion too\n"
	"  -l, --limit HOSTS          only these hosts or groups\n"
	"      --json                 the result as JSON on stdout\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 done (or the dry run read every host), 1 a host failed or\n"
	"it was not confirmed, 64 bad command line (no terminal and no --yes),\n"
	"65 invalid input, 130 interrupted.\n",
};
