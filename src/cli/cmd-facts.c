/*
 * kcfg facts: gather every host's facts (engine/probe.h) in one round
 * trip each, print them as one JSON object keyed by host, and cache them
 * as .kcfg/facts/<host>.json for render, plan and apply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "run/model.h"
#include "run/run.h"
#include "cli/report.h"
#include "cli/setup.h"
#include "util/strbuf.h"
#include "util/banned.h"

static void print_json(const struct run *run)
{
	struct strbuf out = STRBUF_INIT;

	run_facts_json(run, &out);
	fputs(out.buf, stdout);
	fflush(stdout);
	strbuf_release(&out);
}

static int cmd_facts(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct report rep;
	size_t failed = 0;
	int ret, interrupted;

	ctx->ro.command = "facts";
	ctx->ro.forks = 50;
	ctx->ro.timeout_s = 60;
	ret = cli_parse(ctx, argc, argv, "", NULL, NULL);
	if (ret != KCFG_EXIT_OK)
		return ret;
	if (ctx->ro.limit && ctx->argc) {
		cli_error("name hosts either as arguments or with --limit, not both");
		return cli_usage(ctx->cmd);
	}
	ret = cli_setup(ctx);
	if (ret == KCFG_EXIT_OK)
		ret = cli_pick(ctx, ctx->argv, (size_t)ctx->argc);
	if (ret != KCFG_EXIT_OK)
		return ret;
	report_init(&rep);
	rep.tty = 0;	/* no live display: the output is the JSON */
	interrupted = run_phases(&ctx->run, run_facts_phases, run_facts_phases_nr, &rep.ev,
				 &dl) < 0;
	report_release(&rep);
	diag_release(&dl);
	print_json(&ctx->run);
	for (size_t i = 0; i < ctx->run.nr; i++) {
		const struct run_host *h = &ctx->run.hosts[i];

		if (h->state != RUN_FAILED)
			continue;
		failed++;
		cli_error("%s", h->error.buf);
		if (h->hint.len)
			cli_hint("%s", h->hint.buf);
	}
	return interrupted ? 130 : failed ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
}

const struct cmd_entry cmd_facts_entry = {
	"facts", cmd_facts, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"gather the hosts' facts and cache them for render, plan and apply",
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] facts [HOST...] [-l HOSTS] [-f FORKS]\n"
	"                   [--fail-fast] [-K] [VAULT OPTIONS]",
	"Runs one probe script per host over its ssh session (one round trip; it\n"
	"needs only sh, coreutils and iproute2 there) that reads the host name,\n"
	"OS, kernel, CPUs, memory, disk, NUMA nodes, network interfaces and\n"
	"addresses, RDMA devices, GPUs and the installed k0s. Prints them as one\n"
	"JSON object keyed by host name (docs/facts.md describes each host's\n"
	"form) and caches each host's as .kcfg/facts/HOST.json beside the\n"
	"inventory, where 'kcfg render' finds them and 'kcfg plan' and 'kcfg\n"
	"apply' use them while they are fresh.\n"
	"\n"
	"Options:\n"
	"  HOST...                    only these hosts (default: every host with a role)\n"
	"  -l, --limit HOSTS          only these hosts or groups (comma separated)\n"
	"  -f, --forks N              hosts at once (default 50)\n"
	"      --timeout SECONDS      for the probe on a host (default 60)\n"
	"      --fail-fast            stop every host when one fails\n"
	"      --local                probe this machine through /bin/sh, not ssh\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 every host answered, 1 some did not (the others are still\n"
	"printed and cached), 65 invalid input.\n",
};
