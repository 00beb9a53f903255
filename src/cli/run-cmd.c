/*
 * The command line of `kcfg plan` and `kcfg apply` (they take the same
 * options), and loading what they need: the model, the vault when there
 * is one (secrets, the become password, the registry's PKI).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/report.h"
#include "cli/run-cmd.h"
#include "run/model.h"
#include "run/run.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEFAULT_FORKS 50
#define DEFAULT_TIMEOUT_S 3600
#define DEFAULT_FACTS_MAX_AGE 86400

enum {
	OPT_FAIL_FAST = 0x200, OPT_TIMEOUT, OPT_DETAILED, OPT_DIFF, OPT_NO_DIFF,
	OPT_FACTS_AGE, OPT_LOCAL, OPT_BATCH, OPT_WAIT_TIMEOUT, OPT_JSON,
};

int run_cmd_number(const char *opt, const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		cli_error("%s wants a number from %ld to %ld, not '%s'", opt, min, max, s);
		return -1;
	}
	*out = v;
	return 0;
}

int run_cmd_option(struct cli_become *b, struct model_request *mr, int c, const char *arg)
{
	int ret = KCFG_EXIT_OK;

	if (cli_parse_become_option(b, c, arg))
		return KCFG_EXIT_OK;
	if (cli_vault_option(mr, c, arg, &ret))
		return ret;
	return -1;
}

int cli_vault_option(struct model_request *mr, int c, const char *arg, int *exit_code)
{
	struct strbuf err = STRBUF_INIT;
	int bad = 0, handled = c >= 0x100 && c < 0x200 &&
			      model_parse_vault_option(mr, c, arg, &bad, &err);

	if (bad) {
		cli_error_buf(&err);
		*exit_code = KCFG_EXIT_USAGE;
	}
	strbuf_release(&err);
	return handled;
}

int cli_model_load(const struct kcfg_opts *opts, const struct model_request *mr,
		   struct model *m)
{
	struct model_inputs in = { opts->inventory, opts->config, opts->config_given };
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf notes = STRBUF_INIT;
	enum model_status st = model_load(m, &in, mr, &dl, &notes);
	int ret = KCFG_EXIT_OK;

	for (const char *p = notes.buf; *p;) {
		size_t n = strcspn(p, "\n");

		fprintf(stderr, "note: %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (dl.nr)
		cli_report_diags(&dl);
	if (st == MODEL_INVALID)
		ret = KCFG_EXIT_INVALID;
	else if (st != MODEL_OK)
		ret = KCFG_EXIT_FAILURE;
	diag_release(&dl);
	strbuf_release(&notes);
	return ret;
}

/* The vault is optional here: loaded when the file exists or is named. */
static void want_vault(const struct kcfg_opts *opts, struct model_request *mr)
{
	char *path = mr->vault_path ? xstrdup(mr->vault_path)
				    : model_default_vault_path(opts->inventory);

	if (mr->vault_path || path_exists(path))
		mr->need |= MODEL_SECRETS | MODEL_PKI;
	free(path);
}

int run_cmd_load(const struct kcfg_opts *opts, struct model_request *mr, struct model *m)
{
	want_vault(opts, mr);
	return cli_model_load(opts, mr, m);
}

/* --batch N or N%: converge phases take that many hosts (or percent) at a time. */
static int parse_batch(const char *s, struct run_batch *b)
{
	size_t len = strlen(s);
	char *num = xstrndup(s, len && s[len - 1] == '%' ? len - 1 : len);
	long v;
	int ret = run_cmd_number("--batch", num, 1, len && s[len - 1] == '%' ? 100 : 100000, &v);

	if (!ret) {
		b->n = (unsigned)v;
		b->percent = len && s[len - 1] == '%';
	}
	free(num);
	return ret;
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

/* Picks the hosts, sets up sudo, runs the phases and reports. Returns an exit code. */
static int plan_apply(struct run *run, const struct run_opts *ro, const struct cli_become *b,
		      int diffs, int detailed, int json)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct report rep;
	int ret, rc;

	if (run_pick(run, ro->limit, NULL, 0, &dl) < 0) {
		cli_report_diags(&dl);
		diag_release(&dl);
		return KCFG_EXIT_USAGE;
	}
	ret = cli_setup_become(run, b);
	if (ret != KCFG_EXIT_OK)
		return ret;
	report_init(&rep);
	rc = run_phases(run, run_plan_phases, run_plan_phases_nr, &rep.ev, &dl);
	report_progress_end(run, &rep);
	if (rc <= -2) {
		cli_report_diags(&dl);
		ret = rc == -2 ? KCFG_EXIT_INVALID : KCFG_EXIT_FAILURE;
	} else {
		if (json) {
			print_json(run, diffs);
			report_errors(run);
		} else {
			report_hosts(run, diffs);
			report_summary(run);
		}
		ret = exit_code(run, rc, detailed);
	}
	report_release(&rep);
	diag_release(&dl);
	return ret;
}

int run_cmd(int argc, char **argv, struct kcfg_opts *opts, int apply,
	    const struct cmd_entry *self)
{
	static const struct option longopts[] = {
		{ "limit", required_argument, NULL, 'l' },
		{ "component", required_argument, NULL, 'C' },
		{ "forks", required_argument, NULL, 'f' },
		{ "fail-fast", no_argument, NULL, OPT_FAIL_FAST },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "detailed-exitcode", no_argument, NULL, OPT_DETAILED },
		{ "diff", no_argument, NULL, OPT_DIFF },
		{ "no-diff", no_argument, NULL, OPT_NO_DIFF },
		{ "facts-max-age", required_argument, NULL, OPT_FACTS_AGE },
		{ "local", no_argument, NULL, OPT_LOCAL },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "wait-timeout", required_argument, NULL, OPT_WAIT_TIMEOUT },
		{ "json", no_argument, NULL, OPT_JSON },
		CLI_BECOME_LONGOPTS,
		MODEL_VAULT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct model_request mr = { 0, NULL, VAULT_PASSWORD_SOURCE_INIT, NULL, NULL };
	struct cli_become become = { 0, NULL };
	struct run_opts ro;
	struct model m;
	struct run run;
	long v;
	int c, ret = KCFG_EXIT_OK, loaded = 0, diffs = !apply, detailed = 0, json = 0;
	struct diag_list dl = DIAG_LIST_INIT;

	memset(&ro, 0, sizeof(ro));
	ro.apply = apply;
	ro.command = apply ? "apply" : "plan";
	ro.forks = DEFAULT_FORKS;
	ro.timeout_s = DEFAULT_TIMEOUT_S;
	ro.facts_max_age = DEFAULT_FACTS_MAX_AGE;
	while ((c = cli_getopt(argc, argv, "l:C:f:K", longopts, self)) != -1) {
		switch (c) {
		case 'l': ro.limit = optarg; break;
		case 'C': ro.components = optarg; break;
		case 'f':
			if (run_cmd_number("--forks", optarg, 1, 1000, &v) < 0)
				goto usage;
			ro.forks = (unsigned)v;
			break;
		case OPT_FAIL_FAST: ro.fail_fast = 1; break;
		case OPT_TIMEOUT:
			if (run_cmd_number("--timeout", optarg, 1, 86400, &v) < 0)
				goto usage;
			ro.timeout_s = (unsigned)v;
			break;
		case OPT_DETAILED: detailed = 1; break;
		case OPT_JSON: json = 1; break;
		case OPT_DIFF: diffs = 1; break;
		case OPT_NO_DIFF: diffs = 0; break;
		case OPT_BATCH:
			if (parse_batch(optarg, &ro.batch) < 0)
				goto usage;
			break;
		case OPT_WAIT_TIMEOUT:
			if (run_cmd_number("--wait-timeout", optarg, 1, 86400, &v) < 0)
				goto usage;
			ro.wait_timeout_s = (unsigned)v;
			break;
		case OPT_FACTS_AGE:
			if (run_cmd_number("--facts-max-age", optarg, 0, 100L * 365 * 86400, &v) < 0)
				goto usage;
			ro.facts_max_age = v;
			break;
		case OPT_LOCAL:
			if (apply) {
				cli_error("'kcfg apply' has no --local: it would change this machine");
				goto usage;
			}
			ro.local = 1;
			break;
		default:
			if ((ret = run_cmd_option(&become, &mr, c, optarg)) == KCFG_EXIT_OK)
				break;
			if (ret < 0)
				ret = KCFG_EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		cli_error("'kcfg %s' takes no arguments, got '%s'", ro.command, argv[optind]);
		cli_hint("name hosts with --limit HOST[,HOST...]");
		goto usage;
	}
	if (detailed && apply) {
		cli_error("--detailed-exitcode is for 'kcfg plan'");
		goto usage;
	}
	if (run_check_components(ro.components, &dl) < 0) {
		cli_report_diags(&dl);
		ret = KCFG_EXIT_USAGE;
		goto out;
	}
	ret = run_cmd_load(opts, &mr, &m);
	loaded = 1;
	if (ret != KCFG_EXIT_OK)
		goto out;
	run_init(&run, &m, &ro);
	ret = plan_apply(&run, &ro, &become, diffs, detailed, json);
	run_release(&run);
	goto out;
usage:
	ret = cli_usage(self);
out:
	if (loaded)
		model_release(&m);
	model_request_release(&mr);
	diag_release(&dl);
	return ret;
}
