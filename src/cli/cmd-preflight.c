/*
 * kcfg preflight: whether every host is ready for what apply would do,
 * checked before anything changes (docs/preflight.md); every problem of
 * every host at once, each with its fix.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/report.h"
#include "cli/setup.h"
#include "run/model.h"
#include "run/run.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/banned.h"

enum { OPT_JSON = 0x200, OPT_FACTS_AGE };

static const struct option options[] = {
	{ "component", required_argument, NULL, 'C' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "facts-max-age", required_argument, NULL, OPT_FACTS_AGE },
	{ NULL, 0, NULL, 0 }
};

static int own(struct cmd_ctx *ctx, int c, const char *arg)
{
	int *json = ctx->data;
	long v;

	switch (c) {
	case 'C': ctx->ro.components = arg; break;
	case OPT_JSON: *json = 1; break;
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

static size_t max_len(size_t a, const char *s)
{
	size_t n = strlen(s);

	return n > a ? n : a;
}

/* HOST  COMPONENT  SEVERITY  PROBLEM, the fix below each, then a summary line. */
static void print_table(const struct run *run)
{
	size_t p = run_preflight_phase(run), hw = 4, cw = 9, hosts = 0, bad = 0;
	size_t errors, warnings;
	struct strbuf out = STRBUF_INIT;

	run_preflight_count(run, &errors, &warnings);
	for (size_t i = 0; p < run->nr_phases && i < run->nr; i++) {
		const struct host_phase *hp = &run->hosts[i].ph[p];

		if (run->hosts[i].state == RUN_SKIPPED)
			continue;
		hosts++;
		bad += hp->found.nr != 0 || run->hosts[i].state == RUN_FAILED;
		if (hp->found.nr || run->hosts[i].state == RUN_FAILED)
			hw = max_len(hw, run->hosts[i].name);
		for (size_t k = 0; k < hp->found_by.nr; k++)
			cw = max_len(cw, hp->found_by.v[k]);
	}
	if (errors + warnings || bad)
		strbuf_addf(&out, "%-*s  %-*s  %-8s  %s\n", (int)hw, "HOST", (int)cw, "COMPONENT",
			    "SEVERITY", "PROBLEM");
	for (size_t i = 0; p < run->nr_phases && i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];
		const struct host_phase *hp = &h->ph[p];

		if (h->state == RUN_FAILED && !hp->found.nr) {
			/* it could not be checked (unreachable, sudo refused): that blocks */
			strbuf_addf(&out, "%-*s  %-*s  %-8s  %s\n", (int)hw, h->name, (int)cw, "host",
				    "blocking", h->error.len ? h->error.buf : "it could not be checked");
			if (h->hint.len)
				strbuf_addf(&out, "%*s  fix: %s\n", (int)(hw + cw + 12), "", h->hint.buf);
			errors++;
		}
		for (size_t k = 0; k < hp->found.nr; k++) {
			const struct diag *d = &hp->found.d[k];

			strbuf_addf(&out, "%-*s  %-*s  %-8s  %s\n", (int)hw, h->name, (int)cw,
				    k < hp->found_by.nr ? hp->found_by.v[k] : "host",
				    d->level == DIAG_ERROR ? "blocking" : "warning", d->msg);
			if (d->hint)
				strbuf_addf(&out, "%*s  fix: %s\n", (int)(hw + cw + 12), "", d->hint);
		}
	}
	if (run->opts->skip_preflight)
		strbuf_addstr(&out, "preflight: skipped\n");
	else if (!errors && !warnings)
		strbuf_addf(&out, "preflight: %zu host%s ready\n", hosts, hosts == 1 ? "" : "s");
	else
		strbuf_addf(&out, "preflight: %zu blocking problem%s, %zu warning%s on %zu of "
			    "%zu host%s\n", errors, errors == 1 ? "" : "s", warnings,
			    warnings == 1 ? "" : "s", bad, hosts, hosts == 1 ? "" : "s");
	/* messages hold hosts' text: no escape sequence reaches the terminal */
	cli_write_visible(stdout, out.buf, out.len);
	fflush(stdout);
	strbuf_release(&out);
}

static void print_json(const struct run *run)
{
	struct strbuf out = STRBUF_INIT;

	run_preflight_json(run, &out);
	fputs(out.buf, stdout);
	fflush(stdout);
	strbuf_release(&out);
}

static int cmd_preflight(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct diag_list dl = DIAG_LIST_INIT;
	size_t errors, warnings;
	int ret, json = 0, rc;

	ctx->ro.command = "preflight";
	ctx->ro.forks = 50;
	ctx->ro.timeout_s = 300;
	ctx->ro.facts_max_age = 86400;
	ctx->data = &json;
	ret = cli_parse(ctx, argc, argv, "C:", options, own);
	if (ret == KCFG_EXIT_OK)
		ret = cli_setup_cluster(ctx);
	if (ret != KCFG_EXIT_OK)
		return ret;
	rc = report_run(&ctx->run, run_preflight_phases, run_preflight_phases_nr, 1, &dl);
	diag_release(&dl);
	if (json)
		print_json(&ctx->run);
	else
		print_table(&ctx->run);
	if (rc == -1)
		return 130;
	run_preflight_count(&ctx->run, &errors, &warnings);
	if (errors || run_failed(&ctx->run))
		return KCFG_EXIT_FAILURE;
	return warnings ? KCFG_EXIT_CHANGES : KCFG_EXIT_OK;
}

const struct cmd_entry cmd_preflight_entry = {
	"preflight", cmd_preflight, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"check that every host is ready, before anything changes",
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] preflight [-l HOSTS] [-C COMPONENTS]\n"
	"                   [-f FORKS] [--json] [--facts-max-age SECONDS] [-K]\n"
	"                   [VAULT OPTIONS]",
	"Gathers facts where the cache is missing or stale, then runs one read-only\n"
	"script per host and checks, per host and role, what apply needs\n"
	"(docs/preflight.md): the CPU cores, memory and disk of each role (the\n"
	"preflight.* settings), a supported release, hostnames, machine-ids and\n"
	"addresses unique across hosts, its clock within preflight.max_clock_skew\n"
	"of this machine's, sudo giving root, the ports k0s and Harbor listen on\n"
	"free (or held by their own services), 'k0s sysinfo' once k0s is there,\n"
	"the NVIDIA driver and GPUs on GPU workers, the RDMA device on roce_netif\n"
	"with the roce_host address (cluster.rdma), and the Lustre client\n"
	"(addons.storage). Changes nothing. Prints every problem of every host at\n"
	"once: HOST, COMPONENT, SEVERITY (blocking or warning), the problem, and\n"
	"below it the fix. 'kcfg apply' and 'kcfg plan' run the same checks first\n"
	"and stop on a blocking problem (--skip-preflight skips them).\n"
	"\n"
	"Options:\n"
	"  -l, --limit HOSTS          only these hosts or groups (comma separated)\n"
	"  -C, --component NAMES      only the checks of these components\n"
	"  -f, --forks N              hosts at once (default 50)\n"
	"      --json                 the findings as JSON on stdout (docs/json.md)\n"
	"      --facts-max-age SECONDS\n"
	"                             gather facts again when the cache is older\n"
	"                             (default 86400; 0: always)\n"
	"      --local                check this machine through /bin/sh, not ssh\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 every host ready, 1 a blocking problem (or a host that\n"
	"could not be checked), 2 warnings only, 65 invalid input, 130 interrupted.\n",
};
