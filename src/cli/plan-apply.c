/*
 * The command line of `kcfg plan` and `kcfg apply` (they take the same
 * options): run the plan/apply phases over the picked hosts and report.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/plan-apply.h"
#include "cli/report.h"
#include "cli/setup.h"
#include "run/model.h"
#include "run/run.h"
#include "util/diag.h"
#include "util/banned.h"

#define DEFAULT_FORKS 50
#define DEFAULT_TIMEOUT_S 3600
#define DEFAULT_FACTS_MAX_AGE 86400

enum {
	OPT_DETAILED = 0x200, OPT_DIFF, OPT_NO_DIFF, OPT_FACTS_AGE, OPT_BATCH, OPT_WAIT_TIMEOUT,
	OPT_JSON, OPT_SKIP_PREFLIGHT,
};

static const struct option options[] = {
	{ "component", required_argument, NULL, 'C' },
	{ "detailed-exitcode", no_argument, NULL, OPT_DETAILED },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "no-diff", no_argument, NULL, OPT_NO_DIFF },
	{ "facts-max-age", required_argument, NULL, OPT_FACTS_AGE },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "wait-timeout", required_argument, NULL, OPT_WAIT_TIMEOUT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "skip-preflight", no_argument, NULL, OPT_SKIP_PREFLIGHT },
	{ NULL, 0, NULL, 0 }
};

struct plan_apply {
	int diffs, detailed, json;
};

static int own(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct plan_apply *pa = ctx->data;
	long v;

	switch (c) {
	case 'C': ctx->ro.components = arg; break;
	case OPT_DETAILED: pa->detailed = 1; break;
	case OPT_JSON: pa->json = 1; break;
	case OPT_SKIP_PREFLIGHT: ctx->ro.skip_preflight = 1; break;
	case OPT_DIFF: pa->diffs = 1; break;
	case OPT_NO_DIFF: pa->diffs = 0; break;
	case OPT_BATCH:
		/* converge phases take that many hosts (or percent) at a time */
		if (cli_batch("--batch", arg, &ctx->ro.batch) < 0)
			return KCFG_EXIT_USAGE;
		break;
	case OPT_WAIT_TIMEOUT:
		if (cli_wait_timeout(ctx, arg) < 0)
			return KCFG_EXIT_USAGE;
		break;
	case OPT_FACTS_AGE:
		if (cli_number("--facts-max-age", arg, 0, 100L * 365 * 86400, &v) < 0)
			return KCFG_EXIT_USAGE;
		ctx->ro.facts_max_age = v;
		break;
	default:
		return KCFG_EXIT_USAGE;
	}
	return KCFG_EXIT_OK;
}

static int exit_code(const struct run *run, int rc, int detailed)
{
	if (rc == -1)
		return 130;
	if (run_failed(run))
		return KCFG_EXIT_FAILURE;
	if (!run->opts->apply && detailed && run_has_changes(run))
		return KCFG_EXIT_CHANGES;
	return KCFG_EXIT_OK;
}

/* The results as JSON on stdout (--json); the errors still go to stderr. */
static void print_json(const struct run *run, int diffs)
{
	struct strbuf out = STRBUF_INIT;

	run_json(run, diffs, &out);
	fputs(out.buf, stdout);
	fflush(stdout);
	strbuf_release(&out);
}

/* Runs the phases over the picked hosts and reports. Returns an exit code. */
static int run_and_report(struct run *run, const struct plan_apply *pa)
{
	struct diag_list dl = DIAG_LIST_INIT;
	int ret, rc;

	rc = report_run(run, run_plan_phases, run_plan_phases_nr, 1, &dl);
	if (rc <= -2) {
		cli_report_diags(&dl);
		ret = rc == -2 ? KCFG_EXIT_INVALID : KCFG_EXIT_FAILURE;
	} else {
		if (pa->json) {
			print_json(run, pa->diffs);
			report_errors(run);
		} else {
			report_hosts(run, pa->diffs);
			report_summary(run);
		}
		ret = exit_code(run, rc, pa->detailed);
	}
	diag_release(&dl);
	return ret;
}

int plan_apply_cmd(int argc, char **argv, struct cmd_ctx *ctx, int apply)
{
	struct plan_apply pa = { !apply, 0, 0 };
	int ret;

	ctx->ro.apply = apply;
	ctx->ro.command = apply ? "apply" : "plan";
	ctx->ro.forks = DEFAULT_FORKS;
	ctx->ro.timeout_s = DEFAULT_TIMEOUT_S;
	ctx->ro.facts_max_age = DEFAULT_FACTS_MAX_AGE;
	ctx->data = &pa;
	ret = cli_parse(ctx, argc, argv, "C:", options, own);
	if (ret != KCFG_EXIT_OK)
		return ret;
	if (apply && ctx->ro.local) {
		cli_error("'kcfg apply' has no --local: it would change this machine");
		return cli_usage(ctx->cmd);
	}
	if (pa.detailed && apply) {
		cli_error("--detailed-exitcode is for 'kcfg plan'");
		return cli_usage(ctx->cmd);
	}
	ret = cli_setup_cluster(ctx);
	if (ret == KCFG_EXIT_OK) {
		run_include_for_limit(&ctx->run);
		ret = run_and_report(&ctx->run, &pa);
	}
	return ret;
}
