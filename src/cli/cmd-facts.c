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
#include "cli/run-cmd.h"
#include "util/strbuf.h"
#include "util/banned.h"

enum { OPT_LOCAL = 0x200, OPT_FAIL_FAST };

static void print_json(const struct run *run)
{
	struct strbuf out = STRBUF_INIT;

	run_facts_json(run, &out);
	fputs(out.buf, stdout);
	fflush(stdout);
	strbuf_release(&out);
}

static int cmd_facts(int argc, char **argv, struct kcfg_opts *opts)
{
	static const struct option longopts[] = {
		{ "limit", required_argument, NULL, 'l' },
		{ "forks", required_argument, NULL, 'f' },
		{ "fail-fast", no_argument, NULL, OPT_FAIL_FAST },
		{ "local", no_argument, NULL, OPT_LOCAL },
		CLI_BECOME_LONGOPTS,
		MODEL_VAULT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct model_request mr = { 0, NULL, VAULT_PASSWORD_SOURCE_INIT, NULL, NULL };
	struct cli_become become = { 0, NULL };
	struct diag_list dl = DIAG_LIST_INIT;
	struct report rep;
	struct run_opts ro;
	struct model m;
	struct run run;
	long v;
	int c, ret = KCFG_EXIT_OK, loaded = 0, failed = 0;

	memset(&ro, 0, sizeof(ro));
	ro.command = "facts";
	ro.forks = 50;
	ro.timeout_s = 60;
	while ((c = cli_getopt(argc, argv, "l:f:K", longopts, &cmd_facts_entry)) != -1) {
		switch (c) {
		case 'l': ro.limit = optarg; break;
		case 'f':
			if (run_cmd_number("--forks", optarg, 1, 1000, &v) < 0) {
				ret = cli_usage(&cmd_facts_entry);
				goto out;
			}
			ro.forks = (unsigned)v;
			break;
		case OPT_FAIL_FAST: ro.fail_fast = 1; break;
		case OPT_LOCAL: ro.local = 1; break;
		default:
			if ((ret = run_cmd_option(&become, &mr, c, optarg)) == KCFG_EXIT_OK)
				break;
			if (ret < 0)
				ret = KCFG_EXIT_USAGE;
			goto out;
		}
	}
	if (ro.limit && optind < argc) {
		cli_error("name hosts either as arguments or with --limit, not both");
		ret = cli_usage(&cmd_facts_entry);
		goto out;
	}
	ret = run_cmd_load(opts, &mr, &m);
	loaded = 1;
	if (ret != KCFG_EXIT_OK)
		goto out;
	run_init(&run, &m, &ro);
	ret = KCFG_EXIT_OK;
	if (run_pick(&run, ro.limit, argv + optind, (size_t)(argc - optind), &dl) < 0) {
		cli_report_diags(&dl);
		ret = KCFG_EXIT_USAGE;
	}
	if (ret == KCFG_EXIT_OK)
		ret = cli_setup_become(&run, &become);
	if (ret == KCFG_EXIT_OK) {
		int interrupted;

		report_init(&rep);
		rep.tty = 0;	/* no live display: the output is the JSON */
		interrupted = run_phases(&run, run_facts_phases, run_facts_phases_nr, &rep.ev,
					 &dl) < 0;
		report_release(&rep);

		print_json(&run);
		for (size_t i = 0; i < run.nr; i++) {
			const struct run_host *h = &run.hosts[i];
			if (h->state != RUN_FAILED)
				continue;
			failed++;
			cli_error("%s", h->error.buf);
			if (h->hint.len)
				cli_hint("%s", h->hint.buf);
		}
		ret = interrupted ? 130 : failed ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
	}
	run_release(&run);
out:
	if (loaded)
		model_release(&m);
	model_request_release(&mr);
	diag_release(&dl);
	return ret;
}

const struct cmd_entry cmd_facts_entry = {
	"facts", cmd_facts,
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
	"      --fail-fast            stop every host when one fails\n"
	"      --local                probe this machine through /bin/sh, not ssh\n"
	CLI_BECOME_HELP
	MODEL_VAULT_HELP
	"\n"
	"Exit status: 0 every host answered, 1 some did not (the others are still\n"
	"printed and cached), 65 invalid input.\n",
};
