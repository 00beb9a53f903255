/*
 * kcfg upgrade (docs/lifecycle.md): k0s on every cluster host brought to
 * versions.k0s, the controller first, the workers in batches, each
 * drained and back Ready before the next batch; --dry-run reads the
 * versions and says what would be done.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/report.h"
#include "cli/setup.h"
#include "components/component.h"
#include "run/model.h"
#include "run/run.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/banned.h"

#define JSON_VERSION 1

enum {
	OPT_JSON = 0x200, OPT_DRY_RUN, OPT_NO_BACKUP, OPT_MAX_UNAVAILABLE, OPT_GRACE,
	OPT_DRAIN_TIMEOUT, OPT_WAIT_TIMEOUT,
};

struct upgrade_opts {
	int json, dry_run;
	struct run_upgrade *u;
};

static const struct option options[] = {
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "no-backup", no_argument, NULL, OPT_NO_BACKUP },
	{ "max-unavailable", required_argument, NULL, OPT_MAX_UNAVAILABLE },
	{ "grace-period", required_argument, NULL, OPT_GRACE },
	{ "drain-timeout", required_argument, NULL, OPT_DRAIN_TIMEOUT },
	{ "wait-timeout", required_argument, NULL, OPT_WAIT_TIMEOUT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 }
};

static int own(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct upgrade_opts *o = ctx->data;
	long v;

	switch (c) {
	case OPT_JSON: o->json = 1; break;
	case OPT_DRY_RUN: o->dry_run = 1; break;
	case OPT_NO_BACKUP: o->u->no_backup = 1; break;
	case OPT_MAX_UNAVAILABLE:
		if (cli_batch("--max-unavailable", arg, &o->u->max_unavailable) < 0)
			return KCFG_EXIT_USAGE;
		break;
	case OPT_GRACE:
		if (cli_number("--grace-period", arg, 0, 86400, &v) < 0)
			return KCFG_EXIT_USAGE;
		o->u->grace_s = (unsigned)v;
		break;
	case OPT_DRAIN_TIMEOUT:
		if (cli_number("--drain-timeout", arg, 1, 86400, &v) < 0)
			return KCFG_EXIT_USAGE;
		o->u->drain_timeout_s = (unsigned)v;
		break;
	case OPT_WAIT_TIMEOUT:
		if (cli_wait_timeout(ctx, arg) < 0)
			return KCFG_EXIT_USAGE;
		o->u->ready_timeout_s = ctx->ro.wait_timeout_s;
		break;
	default:
		return KCFG_EXIT_USAGE;
	}
	return KCFG_EXIT_OK;
}

static const char *state_of(const struct run *run, const struct run_upgrade *u, size_t i,
			    int dry_run)
{
	const struct run_upgrade_host *x = &u->hosts[i];

	if (!x->read)
		return run->hosts[i].state == RUN_FAILED ? "unreachable" : "-";
	if (!x->needs)
		return x->marked ? (x->uncordoned ? "uncordoned" : "left cordoned") : "at version";
	if (dry_run)
		return "would upgrade";
	if (x->upgraded && (x->ready || !(run->m->hosts[i].roles & COMP_ROLE_WORKER) ||
			    (run->m->hosts[i].roles & COMP_ROLE_MASTER)))
		return "upgraded";
	if (x->upgraded)
		return "upgraded, not Ready";
	if (x->drain.failed)
		return "drain failed";
	return run->hosts[i].state == RUN_FAILED ? "failed" : "not started";
}

static void print_table(const struct run *run, const struct run_upgrade *u, int dry_run)
{
	printf("%-24s %-10s %-18s %-18s %s\n", "HOST", "ROLE", "WAS", "NOW", "STATE");
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_upgrade_host *x = &u->hosts[i];
		unsigned roles = run->m->hosts[i].roles;

		if (run->hosts[i].state == RUN_SKIPPED || !(roles & COMP_ROLE_CLUSTER))
			continue;
		printf("%-24s %-10s %-18s %-18s %s\n", run->hosts[i].name,
		       roles & COMP_ROLE_MASTER ? "controller" : x->batch ? "worker" : "-",
		       x->was ? x->was : x->binary ? x->binary : "-",
		       x->now ? x->now : "-", state_of(run, u, i, dry_run));
	}
}

/*
 * What followed k0s (the phases that end the run: the bastion's kubectl
 * and helm, the add-ons): the changes made and on how many hosts; 0 when
 * they did not start.
 */
static int follow_counts(const struct run *run, const struct run_upgrade *u, size_t *changed,
			 size_t *hosts)
{
	size_t first = u->nr_phases - run_follow_phases_nr;
	int started = 0;

	*changed = *hosts = 0;
	for (size_t i = 0; i < run->nr; i++) {
		size_t n = 0;

		for (size_t p = first; run->hosts[i].ph && p < u->nr_phases; p++) {
			const struct host_phase *hp = &run->hosts[i].ph[p];

			started |= hp->state != HP_NONE && hp->state != HP_WAITING &&
				   hp->state != HP_CANCELLED;
			if (hp->state == HP_DONE && hp->planned)
				n += hp->plan.nr;
		}
		*changed += n;
		*hosts += n != 0;
	}
	return started;
}

static void print_json(const struct run *run, const struct run_upgrade *u, int ok, int dry_run)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer jw;
	size_t changed, hosts;

	report_json_begin(&jw, &out, "kcfg-upgrade", JSON_VERSION, ok);
	json_key(&jw, "dry_run");
	json_bool(&jw, dry_run);
	json_member_string(&jw, "target", u->target);
	json_member_string(&jw, "refused", u->refused);
	json_member_string(&jw, "backup", u->backup.done ? u->backup.local_path : NULL);
	json_key(&jw, "follow_changed");	/* the bastion's tools and the add-ons; null: not run */
	if (follow_counts(run, u, &changed, &hosts))
		json_int(&jw, (long long)changed);
	else
		json_null(&jw);
	json_key(&jw, "hosts");
	json_array_begin(&jw);
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_upgrade_host *x = &u->hosts[i];

		if (run->hosts[i].state == RUN_SKIPPED ||
		    !(run->m->hosts[i].roles & COMP_ROLE_CLUSTER))
			continue;
		json_object_begin(&jw);
		json_member_string(&jw, "name", run->hosts[i].name);
		json_key(&jw, "batch");
		json_int(&jw, x->batch);
		json_member_string(&jw, "was", x->was ? x->was : x->binary);
		json_member_string(&jw, "now", x->now);
		json_member_string(&jw, "state", state_of(run, u, i, dry_run));
		json_member_string(&jw, "error", run->hosts[i].state == RUN_FAILED &&
				   run->hosts[i].error.len ? run->hosts[i].error.buf : NULL);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	report_json_end(&jw, &out);
	strbuf_release(&out);
}

static int cmd_upgrade(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct run_upgrade u;
	struct upgrade_opts o = { 0, 0, &u };
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	size_t changed, hosts;
	int ret, rc, ok;

	memset(&u, 0, sizeof(u));
	strbuf_init(&u.backup.error, 0);
	strbuf_init(&u.backup.hint, 0);
	strbuf_init(&u.backup.warning, 0);
	u.max_unavailable.n = 10;
	u.max_unavailable.percent = 1;
	u.grace_s = 30;
	u.drain_timeout_s = 600;
	u.ready_timeout_s = 600;
	ctx->ro.command = "upgrade";
	ctx->ro.timeout_s = 3600;
	ctx->ro.facts_max_age = 100L * 365 * 86400;
	ctx->data = &o;
	ret = cli_parse(ctx, argc, argv, "", options, own);
	if (ret == KCFG_EXIT_OK)
		ret = cli_setup_cluster(ctx);
	if (ret != KCFG_EXIT_OK)
		goto out;
	ctx->ro.apply = !o.dry_run;
	if (run_upgrade_init(&ctx->run, &u, &err) < 0) {
		cli_error_buf(&err);
		cli_hint("fix the versions in cluster.yaml (with their _sha256 pins), then "
			 "'kcfg fetch'");
		ret = KCFG_EXIT_INVALID;
		goto out;
	}
	if (!o.dry_run && !path_exists(u.binary_local)) {
		cli_error("k0s %s is not in the cache yet (%s)", u.target, u.binary_local);
		cli_hint("run 'kcfg fetch -C k0s' first (or 'kcfg fetch --from DIR')");
		ret = KCFG_EXIT_FAILURE;
		goto out;
	}
	ctx->run.op = &u;
	rc = report_run(&ctx->run, u.phases, u.nr_phases, 1, &dl);
	if (rc <= -2) {	/* a pin or a download the bastion or the add-ons need: nothing changed */
		cli_report_diags(&dl);
		diag_release(&dl);
		ctx->run.op = NULL;
		ret = rc == -2 ? KCFG_EXIT_INVALID : KCFG_EXIT_FAILURE;
		goto out;
	}
	diag_release(&dl);
	ok = !u.refused && !run_failed(&ctx->run);
	if (o.json) {
		print_json(&ctx->run, &u, ok, o.dry_run);
	} else {
		print_table(&ctx->run, &u, o.dry_run);
		if (u.backup.done)
			printf("backup first: %s\n", u.backup.local_path);
		if (u.refused) {
			cli_error("nothing was changed: %s", u.refused);
			cli_hint("set versions.k0s to the next minor release of the running one (or "
				 "a newer patch of it), and upgrade one minor at a time");
		}
		report_errors(&ctx->run);
		for (size_t i = 0; i < ctx->run.nr; i++)
			if (u.hosts[i].drain.registered && !u.hosts[i].drain.uncordoned &&
			    !u.hosts[i].ready && !u.hosts[i].drain.was_cordoned &&
			    u.hosts[i].drain.drained)
				cli_warning("'%s' stays cordoned by this upgrade; 'kcfg upgrade' "
					    "again uncordons it once it is Ready", u.hosts[i].name);
		if (follow_counts(&ctx->run, &u, &changed, &hosts))
			printf("then kubectl and helm on the bastion, the add-ons: %zu changed on "
			       "%zu host%s\n", changed, hosts, hosts == 1 ? "" : "s");
		if (!u.refused && !u.todo && ok)
			printf("upgrade: every host runs k0s %s already\n", u.target);
		else
			printf("upgrade: %s\n", u.refused ? "REFUSED" : o.dry_run ?
			       "dry run, nothing was changed" : ok ? "done" :
			       "FAILED (above); run it again once the cause is fixed");
	}
	ctx->run.op = NULL;
	ret = rc == -1 ? 130 : ok ? KCFG_EXIT_OK : KCFG_EXIT_FAILURE;
out:
	run_upgrade_release(&u);
	strbuf_release(&err);
	return ret;
}

const struct cmd_entry cmd_upgrade_entry = {
	"upgrade", cmd_upgrade, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"upgrade k0s to versions.k0s: the controller first, then the workers in batches",
	"kcfg [-i INVENTORY] upgrade [--dry-run] [--no-backup] [--max-unavailable N|N%]\n"
	"                   [--grace-period S] [--drain-timeout S] [--wait-timeout S]\n"
	"                   [--json] [-K] [VAULT OPTIONS]",
	"Brings k0s on every cluster host to versions.k0s (its binary fetched with\n"
	"'kcfg fetch' and checked against versions.k0s_sha256), in this order:\n"
	"  1. reads each host's running version ('k0s status -o json') and refuses,\n"
	"     before anything changes, a downgrade or a skipped minor version (k0s's\n"
	"     skew policy: one minor at a time, controllers first),\n"
	"  2. 'k0s config validate' of /etc/k0s/k0s.yaml with the new binary,\n"
	"  3. 'kcfg backup' of the controller (--no-backup to skip),\n"
	"  4. the controller: stop, the new binary, 'k0s install controller --force',\n"
	"     start, until the API server is ready,\n"
	"  5. the workers in batches of --max-unavailable (default 10%, at least 1):\n"
	"     cordon (an admin's cordon is kept), drain (a PodDisruptionBudget that\n"
	"     blocks is named; the node is uncordoned again and the upgrade stops\n"
	"     before its batch), stop, the new binary, 'k0s install worker --force'\n"
	"     with its profile, start, until Ready, uncordon; the version checked\n"
	"     after each host; a failure stops before the next batch.\n"
	"Running it again goes on where it stopped: hosts at the version are\n"
	"skipped, and a node an interrupted run left cordoned is uncordoned once\n"
	"Ready. Then, as 'kcfg apply' would: kubectl and helm on the bastion at\n"
	"their pins (versions.kubectl, versions.helm), and the add-ons, waited for\n"
	"until deployed; with k0s at the version already, only these run.\n"
	"'kcfg apply' itself never replaces a running k0s (docs/lifecycle.md).\n"
	"\n"
	"Options:\n"
	"      --dry-run              read the versions and say what would be done\n"
	"      --no-backup            skip the backup of step 3\n"
	"      --max-unavailable N|N% workers upgraded at once (default 10%)\n"
	"      --grace-period S       each pod's termination grace period (default 30)\n"
	"      --drain-timeout S      give up draining a node after S (default 600)\n"
	"      --wait-timeout S       for the API and each node to be ready (default 600)\n"
	"      --json                 the result as JSON on stdout\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 done (or nothing to do), 1 refused or a step failed (what\n"
	"was done stays done; run it again), 64 bad command line, 65 invalid\n"
	"input, 130 interrupted.\n",
};
