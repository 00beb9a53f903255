/* kcfg init [DIR]: write the inventory, cluster.yaml and vault templates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "config/templates.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct init_file {
	const char *name;
	unsigned mode;
	struct strbuf text;
	char *path;
};

static char *path_in(const char *dir, const char *name)
{
	if (!strcmp(dir, "."))
		return xstrdup(name);
	return xstrfmt("%s%s%s", dir, ends_with(dir, "/") ? "" : "/", name);
}

static int cmd_init(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct init_file files[] = {
		{ "inventory.ini", 0644, STRBUF_INIT, NULL },
		{ "cluster.yaml", 0644, STRBUF_INIT, NULL },
		{ "vault.yaml", 0600, STRBUF_INIT, NULL },	/* passwords go in */
	};
	struct strbuf err = STRBUF_INIT;
	const char *dir = ".";
	int force = 0, c, ret = KCFG_EXIT_FAILURE, existing = 0;

	while ((c = cli_getopt(argc, argv, "f", longopts, &cmd_init_entry)) != -1) {
		if (c == 'f')
			force = 1;
		else
			return KCFG_EXIT_USAGE;
	}
	if (argc - optind > 1)
		return cli_usage(&cmd_init_entry);
	if (optind < argc)
		dir = argv[optind];

	strbuf_addstr(&files[0].text, templates_inventory_ini);
	strbuf_addstr(&files[2].text, templates_vault_yaml);
	if (templates_cluster_yaml(&files[1].text, &err) < 0) {
		cli_error_buf(&err);
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		files[i].path = path_in(dir, files[i].name);
		if (!force && path_exists(files[i].path)) {
			cli_error("'%s' already exists", files[i].path);
			existing++;
		}
	}
	if (existing) {
		cli_hint("kcfg init never overwrites a file: move %s away, or use --force",
			 existing == 1 ? "it" : "them");
		goto out;
	}
	if (mkdir_p(dir, 0755, &err) < 0) {
		cli_error_buf(&err);
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (write_file_atomic(files[i].path, files[i].text.buf, files[i].text.len,
				      files[i].mode, &err) < 0) {
			cli_error_buf(&err);
			goto out;
		}
		printf("wrote %s\n", files[i].path);
	}
	printf("Next: fill in the addresses in %s, review %s, set the passwords in\n"
	       "%s and encrypt it with 'kcfg vault encrypt %s'.\n",
	       files[0].path, files[1].path, files[2].path, files[2].path);
	ret = fflush(stdout) ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
out:
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		strbuf_release(&files[i].text);
		free(files[i].path);
	}
	strbuf_release(&err);
	return ret;
}

const struct cmd_entry cmd_init_entry = {
	"init", cmd_init, 0, "write inventory.ini, cluster.yaml and vault.yaml templates",
	"kcfg init [--force] [DIR]",
	"\n"
	"Writes, in DIR (default: the current directory, created if needed):\n"
	"  inventory.ini  the hosts, in the playbook's groups, with comments saying\n"
	"                 what to fill in\n"
	"  cluster.yaml   every setting at its default, each one explained\n"
	"  vault.yaml     the three passwords to set (mode 0600); encrypt it with\n"
	"                 'kcfg vault encrypt vault.yaml'\n"
	"\n"
	"  -f, --force    overwrite files that exist (otherwise init stops and\n"
	"                 writes nothing)\n",
};
