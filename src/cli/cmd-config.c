/* kcfg config show|check|keys: the cluster.yaml settings in effect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "run/model.h"
#include "config/settings.h"
#include "config/settings-schema.h"
#include "config/yaml.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * The settings to use: cluster.yaml from -c (or KCFG_CONFIG), else
 * ./cluster.yaml, else the defaults (said on stderr). A file named
 * explicitly must exist. Returns KCFG_EXIT_OK with *s filled, or the
 * exit code after reporting.
 */
static int load_settings(struct kcfg_opts *opts, struct settings *s)
{
	struct model_inputs in;
	struct diag_list dl = DIAG_LIST_INIT;
	int use_defaults, ret = KCFG_EXIT_OK;

	cli_model_inputs(opts, &in);
	if (model_settings_source(&in, &use_defaults, &dl) != MODEL_OK) {
		cli_report_diags(&dl);
		diag_release(&dl);
		return KCFG_EXIT_FAILURE;
	}
	if (use_defaults) {
		if (opts->verbosity >= 0)	/* -q: only warnings and errors */
			fprintf(stderr, "note: no %s here; using the defaults\n", SETTINGS_FILE);
		settings_init_defaults(s);
		return KCFG_EXIT_OK;
	}
	if (settings_load_file(s, opts->config, &dl) < 0)
		ret = cli_report_diags(&dl);
	else if (dl.nr)
		cli_report_diags(&dl);	/* warnings only */
	diag_release(&dl);
	return ret;
}

/*
 * The vault's secrets, as comments after the settings so that the output
 * still loads as cluster.yaml: each one only as <redacted> or (not set).
 * Read when a vault option was given, or a password file is named in the
 * environment and vault.yaml is there.
 */
static int load_vault_secrets(struct kcfg_opts *opts, struct model_request *mr,
			      struct cluster_secrets *cs, int *loaded)
{
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	char *path = mr->vault_path ? xstrdup(mr->vault_path)
				    : model_default_vault_path(opts->inventory);
	const char *env = vault_password_env_file(NULL);
	int asked = mr->vault_path || mr->pw.nr || mr->pw.ask;
	int ret = KCFG_EXIT_OK;

	if (asked || (env && path_exists(path))) {
		struct diag_list dl = DIAG_LIST_INIT;
		enum model_status st = model_load_secrets(path, &mr->pw, &kr, cs, &dl);

		if (dl.nr)
			cli_report_diags(&dl);
		diag_release(&dl);
		ret = st == MODEL_OK ? KCFG_EXIT_OK :
		      st == MODEL_INVALID ? KCFG_EXIT_INVALID : KCFG_EXIT_FAILURE;
		*loaded = ret == KCFG_EXIT_OK;
	}
	vault_keyring_release(&kr);
	free(path);
	return ret;
}

static void show_secrets(struct strbuf *out, struct cluster_secrets *cs)
{
	strbuf_addstr(out, "# secrets from the vault (never printed):\n");
	for (size_t i = 0; i < cluster_secret_names_nr; i++) {
		const struct secret *sec = cluster_secrets_at(cs, i);
		strbuf_addf(out, "#   %s: %s\n", cluster_secret_names[i],
			    secret_is_set(sec) ? secret_redacted(sec) : "(not set)");
	}
}

static int show(const struct settings *s, struct cluster_secrets *cs)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct yemit e;
	int ret = KCFG_EXIT_OK;

	yemit_init(&e, &out);
	yemit_map_begin(&e);
	settings_emit_keys(s, &e);
	yemit_map_end(&e);
	if (yemit_finish(&e, &err) < 0) {
		cli_error_buf(&err);
		ret = KCFG_EXIT_FAILURE;
		goto out;
	}
	if (cs)
		show_secrets(&out, cs);
	if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout)) {
		cli_error("cannot write the settings: output error");
		ret = KCFG_EXIT_FAILURE;
	}
out:
	strbuf_release(&out);
	strbuf_release(&err);
	return ret;
}

static int config_show(int argc, char **argv, struct kcfg_opts *opts)
{
	static const struct option longopts[] = {
		{ "defaults", no_argument, NULL, 'd' },
		MODEL_VAULT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct model_request mr = { 0, NULL, VAULT_PASSWORD_SOURCE_INIT, NULL, NULL };
	struct cluster_secrets cs = CLUSTER_SECRETS_INIT;
	struct settings s;
	int defaults = 0, c, ret = KCFG_EXIT_OK, have_secrets = 0;

	while ((c = cli_getopt(argc, argv, "", longopts, &cmd_config_entry)) != -1) {
		if (c == 'd')
			defaults = 1;
		else if (!cli_vault_option(&mr, c, optarg, &ret))
			ret = KCFG_EXIT_USAGE;
		if (ret != KCFG_EXIT_OK)
			goto out;
	}
	if (optind < argc) {
		ret = cli_usage(&cmd_config_entry);
		goto out;
	}
	if (defaults)
		settings_init_defaults(&s);
	else if ((ret = load_settings(opts, &s)) != KCFG_EXIT_OK)
		goto out;
	ret = load_vault_secrets(opts, &mr, &cs, &have_secrets);
	if (ret == KCFG_EXIT_OK)
		ret = show(&s, have_secrets ? &cs : NULL);
	settings_release(&s);
out:
	cluster_secrets_release(&cs);
	model_request_release(&mr);
	return ret;
}

static int config_check(int argc, char **argv, struct kcfg_opts *opts)
{
	struct settings s;
	int ret;

	if (cli_getopt(argc, argv, "", NULL, &cmd_config_entry) != -1)
		return KCFG_EXIT_USAGE;
	if (optind < argc)
		return cli_usage(&cmd_config_entry);
	ret = load_settings(opts, &s);
	if (ret == KCFG_EXIT_OK) {
		struct diag_list dl = DIAG_LIST_INIT;

		/* what would stop plan and apply of some component */
		if (settings_check_required(&s, DIAG_WARNING, &dl))
			cli_report_diags(&dl);
		diag_release(&dl);
		settings_release(&s);
	}
	return ret;
}

static int config_keys(int argc, char **argv)
{
	if (cli_getopt(argc, argv, "", NULL, &cmd_config_entry) != -1)
		return KCFG_EXIT_USAGE;
	if (optind < argc)
		return cli_usage(&cmd_config_entry);
	for (size_t i = 0; i < settings_schema_nr; i++) {
		const struct setting_def *d = &settings_schema[i];
		const char *def = d->def;

		if (d->type == ST_SECTION)
			continue;
		if (d->flags & SF_DERIVED)
			def = "(follows other keys)";
		else if (d->type == ST_FS_LIST || d->type == ST_EXTRAS)
			def = "(list, see docs/cluster-yaml.md)";
		else if (!*def)
			def = "\"\"";
		printf("%-46s %-11s %s\n", d->key, schema_type_name(d), def);
	}
	return fflush(stdout) ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
}

static int cmd_config(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct kcfg_opts *opts = ctx->opts;
	const char *sub;

	if (argc < 2)
		return cli_usage(&cmd_config_entry);
	sub = argv[1];
	argc--;
	argv++;
	if (!strcmp(sub, "show"))
		return config_show(argc, argv, opts);
	if (!strcmp(sub, "check"))
		return config_check(argc, argv, opts);
	if (!strcmp(sub, "keys"))
		return config_keys(argc, argv);
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
		printf("usage: %s\n\n%s\n%s", cmd_config_entry.usage,
		       cmd_config_entry.summary, cmd_config_entry.help);
		return KCFG_EXIT_OK;
	}
	cli_error("'%s' is not a 'kcfg config' command", sub);
	return cli_usage(&cmd_config_entry);
}

const struct cmd_entry cmd_config_entry = {
	"config", cmd_config, 0, "show or check the cluster.yaml settings",
	"kcfg [-c CLUSTER_YAML] config show [--defaults] [VAULT OPTIONS]\n"
	"       kcfg [-c CLUSTER_YAML] config check\n"
	"       kcfg config keys",
	"\n"
	"  show         print every setting in effect as YAML: cluster.yaml (from -c,\n"
	"               else ./cluster.yaml) over the defaults; without a\n"
	"               cluster.yaml, the defaults. The output loads as cluster.yaml.\n"
	"               With a vault (VAULT OPTIONS below, or $KCFG_VAULT_PASSWORD_FILE\n"
	"               and vault.yaml beside the inventory), its secrets follow as\n"
	"               comments, each only as <redacted> or (not set).\n"
	"  show --defaults\n"
	"               print the defaults, whatever cluster.yaml says\n"
	"  check        check cluster.yaml: every problem with its line, exit 65 if any\n"
	"  keys         list every key with its type and default\n"
	"\n"
	"Vault options:\n"
	CLI_VAULT_HELP
	"\n"
	"docs/cluster-yaml.md describes every key.\n",
};
