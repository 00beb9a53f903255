/*
 * The text of the files `kcfg init` writes. cluster.yaml is generated
 * from the settings schema, so it always lists every key.
 */
#include <string.h>

#include "config/settings.h"
#include "config/settings-schema.h"
#include "config/templates.h"
#include "config/yaml.h"
#include "util/strbuf.h"
#include "util/banned.h"

#define COMMENT_WIDTH 76

const char templates_inventory_ini[] =
	"# inventory.ini: the machines kcfg sets up, in Ansible's INI format (the\n"
	"# playbook's own inventory.ini works unchanged).\n"
	"#\n"
	"# Fill in each host's front address (ansible_host) and, for Kubernetes\n"
	"# nodes, its RoCE (SR-IOV/RDMA) address (roce_host). Copy the kube-node\n"
	"# and kube-gpu lines as needed, or write ranges like kube-node[01:20].\n"
	"# Per-host options: ansible_user, ansible_port,\n"
	"# ansible_ssh_private_key_file. Settings for the whole cluster are in\n"
	"# cluster.yaml.\n"
	"\n"
	"# The bastion: kcfg, kubectl and helm run here.\n"
	"[bastion_host]\n"
	"bastion ansible_host=\n"
	"\n"
	"# The Harbor registry (160GB or larger disk).\n"
	"[registry]\n"
	"harbor ansible_host=\n"
	"\n"
	"# The Kubernetes controller.\n"
	"[kube_master]\n"
	"kube-master ansible_host=\n"
	"\n"
	"# CPU workers (100GB or larger disk, SR-IOV networking).\n"
	"[kube_node]\n"
	"kube-node1 ansible_host= roce_host=\n"
	"kube-node2 ansible_host= roce_host=\n"
	"\n"
	"# GPU workers (SR-IOV networking). Delete the lines of a group you do not have.\n"
	"[kube_gpu]\n"
	"kube-gpu1 ansible_host= roce_host=\n"
	"kube-gpu2 ansible_host= roce_host=\n"
	"\n"
	"# Groups made of the groups above: leave them as they are.\n"
	"[kube_worker:children]\n"
	"kube_node\n"
	"kube_gpu\n"
	"\n"
	"[kube_cluster:children]\n"
	"kube_master\n"
	"kube_worker\n"
	"\n"
	"# The RoCE network interface of each group's hosts.\n"
	"[kube_master:vars]\n"
	"roce_netif = ens160\n"
	"\n"
	"[kube_node:vars]\n"
	"roce_netif = ens160\n"
	"\n"
	"[kube_gpu:vars]\n"
	"roce_netif = ens192\n";

const char templates_vault_yaml[] =
	"# vault.yaml: the cluster's passwords. Set each one, then encrypt this\n"
	"# file (kcfg asks for a vault password; ansible-vault reads it too):\n"
	"#\n"
	"#   kcfg vault encrypt vault.yaml\n"
	"#\n"
	"# Never share or commit it before it is encrypted.\n"
	"---\n"
	"# Harbor's web and API password for the user 'admin'.\n"
	"harbor_admin_password:\n"
	"# Harbor's database password.\n"
	"harbor_db_password:\n"
	"\n"
	"# Grafana's password for the user 'admin'.\n"
	"grafana_password:\n";

static const char cluster_header[] =
	"# cluster.yaml: settings for the whole cluster, every key at its default.\n"
	"# Change what you need; a key you delete takes kcfg's default.\n"
	"# 'kcfg config check' checks this file, 'kcfg config show' prints the\n"
	"# settings in effect, and docs/cluster-yaml.md describes every key.\n";

static void add_indent(struct strbuf *out, int depth)
{
	strbuf_addchars(out, ' ', (size_t)depth * 2);
}

/* `text` as comment lines wrapped at COMMENT_WIDTH. */
static void add_comment(struct strbuf *out, int depth, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t room = COMMENT_WIDTH - (size_t)depth * 2 - 2, n = strlen(p);
		if (n > room) {
			n = room;
			while (n && p[n] != ' ')
				n--;
			if (!n)
				n = strcspn(p, " ");
		}
		add_indent(out, depth);
		strbuf_addstr(out, "# ");
		strbuf_add(out, p, n);
		strbuf_addch(out, '\n');
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* "key: value" lines for one key, written by the emitter, indented. */
static int add_key(struct strbuf *out, const struct settings *s,
		   const struct setting_def *d, int depth, int commented, struct strbuf *err)
{
	struct strbuf yaml = STRBUF_INIT;
	struct yemit e;
	const char *p;

	yemit_init(&e, &yaml);
	yemit_map_begin(&e);
	yemit_key(&e, schema_leaf_name(d->key));
	settings_emit_value(&e, d, s);
	yemit_map_end(&e);
	if (yemit_finish(&e, err) < 0) {
		strbuf_release(&yaml);
		return -1;
	}
	for (p = yaml.buf; *p;) {
		size_t n = strcspn(p, "\n");
		if (n != 3 || strncmp(p, "...", 3)) {	/* libyaml's end marker */
			add_indent(out, depth);
			if (commented)
				strbuf_addstr(out, "# ");
			strbuf_add(out, p, n);
			strbuf_addch(out, '\n');
		}
		p += n + (p[n] == '\n');
	}
	strbuf_release(&yaml);
	return 0;
}

int templates_cluster_yaml(struct strbuf *out, struct strbuf *err)
{
	struct settings s;
	int ret = 0;

	settings_init_defaults(&s);
	strbuf_addstr(out, cluster_header);
	for (size_t i = 0; i < settings_schema_nr && !ret; i++) {
		const struct setting_def *d = &settings_schema[i];
		int depth = schema_depth(d->key);

		if (!depth)
			strbuf_addch(out, '\n');
		add_comment(out, depth, d->doc);
		if (d->flags & SF_DERIVED)
			add_comment(out, depth, "Commented out: it follows the keys it "
				    "depends on until you set it.");
		if (d->type == ST_SECTION) {
			add_indent(out, depth);
			strbuf_addf(out, "%s:\n", schema_leaf_name(d->key));
			continue;
		}
		ret = add_key(out, &s, d, depth, !!(d->flags & SF_DERIVED), err);
	}
	settings_release(&s);
	return ret;
}
