/*
 * kcfg node remove HOST (docs/lifecycle.md): drain and delete the worker's
 * Node on the controller, then reset the host; the inventory is the
 * user's to edit afterwards (the next apply drops the host from every
 * /etc/hosts).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/report.h"
#include "cli/setup.h"
#include "components/component.h"
#include "run/model.h"
#include "run/run.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/banned.h"

#define JSON_VERSION 1

enum { OPT_JSON = 0x200, OPT_FORCE, OPT_GRACE, OPT_DRAIN_TIMEOUT };

struct node_opts {
	int yes, json;
	struct run_node_remove *nr;
};

static const struct option options[] = {
	{ "yes", no_argument, NULL, 'y' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "grace-period", required_argument, NULL, OPT_GRACE },
	{ "drain-timeout", required_argument, NULL, OPT_DRAIN_TIMEOUT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 }
};

static int own(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct node_opts *o = ctx->data;
	long v;

	switch (c) {
	case 'y': o->yes = 1; break;
	case OPT_FORCE: o->nr->force = 1; break;
	case OPT_JSON: o->json = 1; break;
	case OPT_GRACE:
		if (cli_number("--grace-period", arg, 0, 86400, &v) < 0)
			return KCFG_EXIT_USAGE;
		o->nr->grace_s = (unsigned)v;
		break;
	case OPT_DRAIN_TIMEOUT:
		if (cli_number("--drain-timeout", arg, 1, 86400, &v) < 0)
			return KCFG_EXIT_USAGE;
		o->nr->drain_timeout_s = (unsigned)v;
		break;
	default:
		return KCFG_EXIT_USAGE;
	}
	return KCFG_EXIT_OK;
}

/* The host to remove: a worker of the inventory, not the controller. */
static int find_target(struct cmd_ctx *ctx, const char *name, struct run_host **out)
{
	struct run *run = &ctx->run;

	for (size_t i = 0; i < run->nr; i++) {
		const struct comp_host *ch = &ctx->m.hosts[i];

		if (strcmp(run->hosts[i].name, name))
			continue;
		if (ch->roles & COMP_ROLE_MASTER) {
			cli_error("'%s' is a controller (kube_master): 'kcfg node remove' removes "
				  "workers only", name);
			cli_hint("a controller goes with the whole cluster: 'kcfg reset'");
			return KCFG_EXIT_USAGE;
		}
		if (!(ch->roles & COMP_ROLE_WORKER)) {
			cli_error("'%s' is not a node of the cluster (no kube_node or kube_gpu group)",
				  name);
			return KCFG_EXIT_USAGE;
		}
		*out = &run->hosts[i];
		return KCFG_EXIT_OK;
	}
	cli_error("no host '%s' in %s", name, ctx->m.inv.file);
	cli_hint("name the host as the inventory does; remove it from the inventory only after "
		 "'kcfg node remove'");
	return KCFG_EXIT_USAGE;
}

static void print_json(const struct run *run, const struct run_node_remove *nr, int ok)
{
	const struct run_reset_host *rh = &nr->reset.hosts[nr->target - run->hosts];
	struct strbuf out = STRBUF_INIT;
	struct json_writer jw;

	report_json_begin(&jw, &out, "kcfg-node-remove", JSON_VERSION, ok);
	json_member_string(&jw, "node", nr->target->name);
	json_key(&jw, "registered");
	json_bool(&jw, nr->drain.registered);
	json_key(&jw, "drained");
	json_bool(&jw, nr->drain.drained);
	json_member_string(&jw, "drain_error", nr->drain.error.len ? nr->drain.error.buf : NULL);
	json_key(&jw, "uncordoned");
	json_bool(&jw, nr->drain.uncordoned);
	json_key(&jw, "node_deleted");
	json_bool(&jw, nr->node_deleted);
	json_key(&jw, "reset");
	json_string(&jw, rh->reached ? (nr->target->state == RUN_FAILED ? "failed" : "done") :
		    "skipped");
	json_key(&jw, "removed");
	json_array_begin(&jw);
	for (size_t k = 0; k < rh->items.nr; k++)
		json_string(&jw, rh->items.v[k]);
	json_array_end(&jw);
	json_member_string(&jw, "error", !ok ? (nr->target->state == RUN_FAILED &&
			   nr->target->error.len ? nr->target->error.buf :
			   run_first_host((struct run *)run, COMP_ROLE_MASTER)->error.buf) : NULL);
	report_json_end(&jw, &out);
	strbuf_release(&out);
}

static void print_text(const struct run *run, const struct run_node_remove *nr, int ok)
{
	const struct run_reset_host *rh = &nr->reset.hosts[nr->target - run->hosts];
	const char *name = nr->target->name;

	if (!nr->drain.registered)
		printf("%s: no Node of that name in the cluster\n", name);
	else if (nr->drain.drained)
		printf("%s: drained\n", name);
	else if (nr->force)
		printf("%s: drain failed (%s); going on (--force)\n", name,
		       nr->drain.error.len ? nr->drain.error.buf : "kubectl drain failed");
	if (nr->node_deleted)
		printf("%s: Node deleted\n", name);
	for (size_t k = 0; k < rh->items.nr; k++)
		printf("%s: done %s\n", name, rh->items.v[k]);
	if (!rh->reached && nr->force && nr->node_deleted)
		printf("%s: reset skipped: %s\n", name, nr->target->error.len ?
		       nr->target->error.buf : "the host could not be reached");
	if (ok)
		printf("node remove: %s is out of the cluster; remove it from %s, and the next "
		       "'kcfg apply' drops it from every host's /etc/hosts\n", name,
		       run->m->inv.file);
	else
		printf("node remove: FAILED (above)\n");
}

static int cmd_node(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct run_node_remove nr;
	struct node_opts o = { 0, 0, &nr };
	struct diag_list dl = DIAG_LIST_INIT;
	struct run_host *target = NULL, *ctl;
	char *names[2];
	int ret, rc, ok;

	memset(&nr, 0, sizeof(nr));
	strbuf_init(&nr.drain.error, 0);
	nr.grace_s = 30;
	nr.drain_timeout_s = 600;
	ctx->ro.command = "node-remove";
	ctx->ro.apply = 1;
	ctx->ro.timeout_s = 3600;
	ctx->ro.facts_max_age = 100L * 365 * 86400;
	ctx->data = &o;
	ret = cli_parse(ctx, argc, argv, "y", options, own);
	if (ret != KCFG_EXIT_OK)
		goto out;
	if (ctx->argc != 2 || strcmp(ctx->argv[0], "remove")) {
		cli_error("'kcfg node' takes 'remove HOST'");
		ret = cli_usage(ctx->cmd);
		goto out;
	}
	ret = cli_setup(ctx);
	if (ret != KCFG_EXIT_OK)
		goto out;
	ret = find_target(ctx, ctx->argv[1], &target);
	if (ret != KCFG_EXIT_OK)
		goto out;
	ctl = run_first_host(&ctx->run, COMP_ROLE_MASTER);
	if (!ctl) {
		cli_error("the inventory %s has no kube_master host to drain the node from",
			  ctx->m.inv.file);
		ret = KCFG_EXIT_INVALID;
		goto out;
	}
	names[0] = (char *)ctl->name;
	names[1] = (char *)target->name;
	ret = cli_pick(ctx, names, 2);
	if (ret != KCFG_EXIT_OK)
		goto out;
	if (!o.yes) {
		struct strbuf what = STRBUF_INIT;

		strbuf_addf(&what, "This drains '%s', deletes its Node and resets the host.",
			    target->name);
		ret = cli_confirm("node remove", what.buf, "add --yes to go on without asking");
		strbuf_release(&what);
		if (ret != KCFG_EXIT_OK)
			goto out;
	}
	run_reset_init(&nr.reset, ctx->run.nr);
	nr.reset.only = target;
	nr.target = target;
	ctx->run.op = &nr;
	rc = report_run(&ctx->run, run_node_remove_phases, run_node_remove_phases_nr, 1, &dl);
	diag_release(&dl);
	/* --force: a host that cannot be reached is skipped, not a failure */
	ok = ctl->state != RUN_FAILED && (!nr.drain.registered || nr.node_deleted) &&
	     (nr.force || target->state != RUN_FAILED) &&
	     (target->state != RUN_FAILED ||
	      (nr.force && !nr.reset.hosts[target - ctx->run.hosts].reached));
	if (o.json) {
		print_json(&ctx->run, &nr, ok);
	} else {
		print_text(&ctx->run, &nr, ok);
		if (!ok)
			report_errors(&ctx->run);
		if (!ok && !nr.force && target->state == RUN_FAILED &&
		    !nr.reset.hosts[target - ctx->run.hosts].reached && !nr.drain.registered)
			cli_hint("nothing was removed. A host that is down is removed with --force: "
				 "its Node is deleted, its reset skipped");
	}
	ctx->run.op = NULL;
	run_reset_release(&nr.reset);
	ret = rc == -1 ? 130 : ok ? KCFG_EXIT_OK : KCFG_EXIT_FAILURE;
out:
	strbuf_release(&nr.drain.error);
	return ret;
}

const struct cmd_entry cmd_node_entry = {
	"node", cmd_node, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"remove a worker from the cluster: drain, delete its Node, reset the host",
	"kcfg [-i INVENTORY] node remove HOST [--force] [--yes] [--grace-period S]\n"
	"                   [--drain-timeout S] [--json] [-K] [VAULT OPTIONS]",
	"Takes the worker HOST out of the cluster, in this order, each step on\n"
	"the controller through k0s's kubectl unless said otherwise:\n"
	"  1. cordon it (left as it is when an admin had cordoned it already),\n"
	"  2. drain it (--ignore-daemonsets --delete-emptydir-data, the pods'\n"
	"     grace period and the drain's timeout settable). A drain that fails,\n"
	"     e.g. on a PodDisruptionBudget (kubectl names the pod), stops here:\n"
	"     the node is uncordoned again and nothing is removed; --force goes on,\n"
	"  3. delete its Node,\n"
	"  4. on HOST: what 'kcfg reset' does to a worker (k0s stop, k0s reset,\n"
	"     CNI leftovers, kcfg's files). A host that cannot be reached is\n"
	"     reported as skipped with --force (its Node is deleted), a failure\n"
	"     without.\n"
	"The controller cannot be removed this way ('kcfg reset'). Asks first\n"
	"unless --yes. Remove HOST from the inventory afterwards: the next\n"
	"'kcfg apply' drops it from every host's /etc/hosts (docs/lifecycle.md).\n"
	"\n"
	"Options:\n"
	"      --force                go on when the drain fails or the host is down\n"
	"  -y, --yes                  do not ask\n"
	"      --grace-period S       each pod's termination grace period (default 30)\n"
	"      --drain-timeout S      give up draining after S seconds (default 600)\n"
	"      --json                 the result as JSON on stdout\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 removed, 1 a step failed (nothing after it was done) or\n"
	"not confirmed, 64 bad command line, 65 invalid input, 130 interrupted.\n",
};
