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
#include "cli/model.h"
#include "cli/run.h"
#include "cli/run-cmd.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEFAULT_FORKS 50
#define DEFAULT_TIMEOUT_S 3600
#define DEFAULT_FACTS_MAX_AGE 86400

enum {
	OPT_FAIL_FAST = 0x200, OPT_TIMEOUT, OPT_DETAILED, OPT_DIFF, OPT_NO_DIFF,
	OPT_FACTS_AGE, OPT_LOCAL,
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

int run_cmd_option(struct run_opts *ro, struct model_request *mr, int c, const char *arg)
{
	int ret = KCFG_EXIT_OK;

	if (run_parse_become_option(ro, c, arg))
		return KCFG_EXIT_OK;
	if (c >= 0x100 && c < 0x200 && model_parse_vault_option(mr, c, arg, &ret))
		return ret;
	return -1;
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
	return model_load(m, opts, mr);
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
		RUN_BECOME_LONGOPTS,
		MODEL_VAULT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct model_request mr = { 0, NULL, VAULT_PASSWORD_SOURCE_INIT, NULL, NULL };
	struct run_opts ro;
	struct model m;
	struct run run;
	long v;
	int c, ret = KCFG_EXIT_OK, loaded = 0;

	memset(&ro, 0, sizeof(ro));
	ro.apply = apply;
	ro.command = apply ? "apply" : "plan";
	ro.forks = DEFAULT_FORKS;
	ro.timeout_s = DEFAULT_TIMEOUT_S;
	ro.facts_max_age = DEFAULT_FACTS_MAX_AGE;
	ro.diffs = !apply;
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
		case OPT_DETAILED: ro.detailed_exitcode = 1; break;
		case OPT_DIFF: ro.diffs = 1; break;
		case OPT_NO_DIFF: ro.diffs = 0; break;
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
			if ((ret = run_cmd_option(&ro, &mr, c, optarg)) == KCFG_EXIT_OK)
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
	if (ro.detailed_exitcode && apply) {
		cli_error("--detailed-exitcode is for 'kcfg plan'");
		goto usage;
	}
	if ((ret = run_check_components(ro.components)) != KCFG_EXIT_OK)
		goto out;
	ret = run_cmd_load(opts, &mr, &m);
	loaded = 1;
	if (ret != KCFG_EXIT_OK)
		goto out;
	run_init(&run, &m, &ro);
	ret = run_pick(&run, ro.limit, NULL, 0);
	if (ret == KCFG_EXIT_OK)
		ret = run_setup_become(&run);
	if (ret == KCFG_EXIT_OK)
		ret = run_plan_apply(&run);
	run_release(&run);
	goto out;
usage:
	ret = cli_usage(self);
out:
	if (loaded)
		model_release(&m);
	model_request_release(&mr);
	return ret;
}
