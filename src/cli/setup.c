/*
 * The setup every cluster command shares (setup.h): options by need,
 * loading the model and the vault, the run's hosts and sudo's password.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Codes of the options needs bring (the vault's are 0x100..0x1ff, model.h). */
enum {
	OPT_BECOME_FILE = 0x300, OPT_FAIL_FAST, OPT_TIMEOUT, OPT_LOCAL,
};

static const struct option vault_options[] = {
	MODEL_VAULT_LONGOPTS,
};

static const struct option host_options[] = {
	{ "limit", required_argument, NULL, 'l' },
	{ "forks", required_argument, NULL, 'f' },
	{ "fail-fast", no_argument, NULL, OPT_FAIL_FAST },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "local", no_argument, NULL, OPT_LOCAL },
	{ "ask-become-password", no_argument, NULL, 'K' },
	{ "ask-become-pass", no_argument, NULL, 'K' },
	{ "become-password-file", required_argument, NULL, OPT_BECOME_FILE },
};

int cli_number(const char *opt, const char *s, long min, long max, long *out)
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

int cli_confirm(const char *command, const char *what, const char *no_tty_hint)
{
	char line[16];

	if (!isatty(0)) {
		cli_error("'kcfg %s' asks first, but there is no terminal to ask on", command);
		cli_hint("%s", no_tty_hint);
		return KCFG_EXIT_USAGE;
	}
	fprintf(stderr, "%s Type 'yes' to go on: ", what);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin) || strcmp(line, "yes\n")) {
		cli_error("not confirmed: nothing was changed");
		return KCFG_EXIT_FAILURE;
	}
	return KCFG_EXIT_OK;
}

int cli_wait_timeout(struct cmd_ctx *ctx, const char *s)
{
	long v;

	if (cli_number("--wait-timeout", s, 1, 86400, &v) < 0)
		return -1;
	ctx->ro.wait_timeout_s = (unsigned)v;
	return 0;
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

/* A host option; returns 1 when `c` was one (*exit_code set on a bad value). */
static int host_option(struct cmd_ctx *ctx, int c, const char *arg, int *exit_code)
{
	long v;

	switch (c) {
	case 'l':
		ctx->ro.limit = arg;
		return 1;
	case 'f':
		if (cli_number("--forks", arg, 1, 1000, &v) < 0)
			*exit_code = KCFG_EXIT_USAGE;
		else
			ctx->ro.forks = (unsigned)v;
		return 1;
	case OPT_FAIL_FAST:
		ctx->ro.fail_fast = 1;
		return 1;
	case OPT_TIMEOUT:
		if (cli_number("--timeout", arg, 1, 86400, &v) < 0)
			*exit_code = KCFG_EXIT_USAGE;
		else
			ctx->ro.timeout_s = (unsigned)v;
		return 1;
	case OPT_LOCAL:
		ctx->ro.local = 1;
		return 1;
	case 'K':
		ctx->become.ask = 1;
		return 1;
	case OPT_BECOME_FILE:
		ctx->become.file = arg;
		return 1;
	}
	return 0;
}

static size_t add_options(struct option *all, size_t n, const struct option *more, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		all[n++] = more[i];
	return n;
}

int cli_parse(struct cmd_ctx *ctx, int argc, char **argv, const char *shortopts,
	      const struct option *longopts, int (*own)(struct cmd_ctx *ctx, int c,
							 const char *arg))
{
	const unsigned need = ctx->cmd->need;
	struct option all[64];
	char spec[64];
	size_t n = 0;
	int c = 0, ret = KCFG_EXIT_OK;

	for (const struct option *o = longopts; o && o->name; o++)
		all[n++] = *o;
	if (need & (NEED_VAULT | NEED_SECRETS))
		n = add_options(all, n, vault_options, ARRAY_SIZE(vault_options));
	if (need & NEED_HOSTS)
		n = add_options(all, n, host_options, ARRAY_SIZE(host_options));
	memset(&all[n], 0, sizeof(all[n]));
	xsnprintf(spec, sizeof(spec), "%s%s", shortopts, need & NEED_HOSTS ? "l:f:K" : "");

	cli_getopt_reset();
	while (ret == KCFG_EXIT_OK && (c = cli_getopt(argc, argv, spec, all, ctx->cmd)) != -1) {
		if (c == -2)
			ret = KCFG_EXIT_USAGE;
		else if ((need & NEED_HOSTS) && host_option(ctx, c, optarg, &ret))
			;
		else if ((need & (NEED_VAULT | NEED_SECRETS)) &&
			 cli_vault_option(&ctx->mr, c, optarg, &ret))
			;
		else if (own)
			ret = own(ctx, c, optarg);
		else
			ret = KCFG_EXIT_USAGE;
	}
	if (ret == KCFG_EXIT_USAGE && c != -2)
		cli_usage(ctx->cmd);
	ctx->argc = argc - optind;
	ctx->argv = argv + optind;
	return ret;
}

static void say_waiting(const char *why)
{
	fprintf(stderr, "waiting: %s\n", why);
}

void cli_model_inputs(const struct kcfg_opts *opts, struct model_inputs *in)
{
	memset(in, 0, sizeof(*in));
	in->inventory = opts->inventory;
	in->config = opts->config;
	in->config_given = opts->config_given;
	in->command = opts->command;
	in->wait_lock = opts->wait_lock;
	in->waiting = say_waiting;
}

int cli_model_load(const struct kcfg_opts *opts, const struct model_request *mr,
		   struct model *m)
{
	struct model_inputs in;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf notes = STRBUF_INIT;
	enum model_status st;
	int ret = KCFG_EXIT_OK;

	cli_model_inputs(opts, &in);
	st = model_load(m, &in, mr, &dl, &notes);

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

/* The vault is loaded when the command must have it, or it is there or named. */
static void want_vault(struct cmd_ctx *ctx)
{
	char *path;

	if (ctx->cmd->need & NEED_SECRETS) {
		ctx->mr.need |= MODEL_SECRETS | MODEL_PKI;
		return;
	}
	if (!(ctx->cmd->need & NEED_VAULT))
		return;
	path = ctx->mr.vault_path ? xstrdup(ctx->mr.vault_path)
				  : model_default_vault_path(ctx->opts->inventory);
	if (ctx->mr.vault_path || path_exists(path))
		ctx->mr.need |= MODEL_SECRETS | MODEL_PKI;
	free(path);
}

/* The password -K asks for or --become-password-file holds, to the run's hosts. */
static int setup_become(struct cmd_ctx *ctx)
{
	struct secret pw = SECRET_INIT;

	if (!ctx->become.ask && !ctx->become.file)
		return KCFG_EXIT_OK;
	if (cli_read_become_password(ctx->become.file, ctx->become.ask, &pw) < 0) {
		secret_release(&pw);
		return KCFG_EXIT_FAILURE;
	}
	run_give_become_password(&ctx->run, &pw);
	return KCFG_EXIT_OK;
}

int cli_setup(struct cmd_ctx *ctx)
{
	const unsigned need = ctx->cmd->need;
	int ret;

	if (!(need & NEED_MODEL))
		return KCFG_EXIT_OK;
	want_vault(ctx);
	ret = cli_model_load(ctx->opts, &ctx->mr, &ctx->m);
	ctx->have_model = 1;
	if (ret != KCFG_EXIT_OK || !(need & NEED_HOSTS))
		return ret;
	run_init(&ctx->run, &ctx->m, &ctx->ro);
	ctx->have_run = 1;
	return setup_become(ctx);
}

int cli_pick(struct cmd_ctx *ctx, char **names, size_t nr)
{
	struct diag_list dl = DIAG_LIST_INIT;
	int ret = KCFG_EXIT_OK;

	if (run_pick(&ctx->run, ctx->ro.limit, names, nr, &dl) < 0) {
		cli_report_diags(&dl);
		ret = KCFG_EXIT_USAGE;
	}
	diag_release(&dl);
	return ret;
}

int cli_batch(const char *opt, const char *s, struct run_batch *b)
{
	size_t len = strlen(s);
	int percent = len && s[len - 1] == '%';
	char *num = xstrndup(s, percent ? len - 1 : len);
	long v;
	int ret = cli_number(opt, num, 1, percent ? 100 : 100000, &v);

	if (!ret) {
		b->n = (unsigned)v;
		b->percent = percent;
	}
	free(num);
	return ret;
}

int cli_setup_cluster(struct cmd_ctx *ctx)
{
	struct diag_list dl = DIAG_LIST_INIT;
	int ret;

	if (ctx->argc) {
		cli_error("'kcfg %s' takes no arguments, got '%s'", ctx->cmd->name, ctx->argv[0]);
		cli_hint("name hosts with --limit HOST[,HOST...]");
		return cli_usage(ctx->cmd);
	}
	if (run_check_components(ctx->ro.components, &dl) < 0) {
		cli_report_diags(&dl);
		diag_release(&dl);
		return KCFG_EXIT_USAGE;
	}
	ret = cli_setup(ctx);
	if (ret == KCFG_EXIT_OK)
		ret = cli_pick(ctx, NULL, 0);
	return ret;
}

void cli_teardown(struct cmd_ctx *ctx)
{
	if (ctx->have_run)
		run_release(&ctx->run);
	if (ctx->have_model)
		model_release(&ctx->m);
	model_request_release(&ctx->mr);
	ctx->have_run = ctx->have_model = 0;
}
