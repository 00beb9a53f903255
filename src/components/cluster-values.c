/*
 * The cluster values (see cluster-values.h) and how each is read.
 */
#include <string.h>

#include "components/addons.h"
#include "components/cluster-values.h"
#include "components/component.h"
#include "config/names.h"
#include "config/settings-schema.h"
#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/banned.h"

static void worker_token(const char *arg, struct strbuf *out)
{
	strbuf_addstr(out, "/usr/local/bin/k0s token create --role=worker --expiry=1h");
}

static void admin_kubeconfig(const char *arg, struct strbuf *out)
{
	strbuf_addstr(out, "/usr/local/bin/k0s kubeconfig admin");
}

static void project_id(const char *arg, struct strbuf *out)
{
	addons_project_id_command(out, arg);
}

static int check_project_id(const char *value, struct strbuf *err)
{
	if (*value && !project_id_check(value))
		return 0;
	strbuf_addf(err, "'%s' is not a Lustre project id (a number from 0 to 4294967295)",
		    value);
	return -1;
}

#define K0S_HINT "check that k0s runs on the controller (systemctl status k0scontroller), " \
	"then apply again: what was done stays done"

static const struct cluster_value values[] = {
	{ CV_WORKER_TOKEN, "the worker join token", COMP_ROLE_MASTER, COMP_PHASE_HOSTS,
	  1, 0, worker_token, NULL, K0S_HINT },
	{ CV_KUBECONFIG_ADMIN, "the admin kubeconfig", COMP_ROLE_MASTER, COMP_PHASE_HOSTS,
	  1, 1, admin_kubeconfig, NULL, K0S_HINT },
	{ CV_LUSTRE_PROJECT_ID, "the Lustre project id", COMP_ROLE_WORKER, COMP_PHASE_NODES,
	  0, 1, project_id, check_project_id,
	  "set 'project_id' in its storage.filesystems entry in cluster.yaml, or apply again "
	  "once the first worker mounts the filesystem", "storage.filesystems" },
};

const struct cluster_value *cluster_value_find(const char *name)
{
	size_t len = strcspn(name, ":");

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (strlen(values[i].name) == len && !strncmp(values[i].name, name, len))
			return &values[i];
	return NULL;
}

const char *cluster_value_arg(const char *name)
{
	const char *colon = strchr(name, ':');

	return colon ? colon + 1 : "";
}

void cluster_value_name(struct strbuf *out, const char *family, const char *arg)
{
	strbuf_addf(out, "%s:%s", family, arg);
}

void cluster_value_what(const char *name, struct strbuf *out)
{
	const struct cluster_value *cv = cluster_value_find(name);

	strbuf_addstr(out, cv ? cv->what : name);
	if (cv && *cluster_value_arg(name))
		strbuf_addf(out, " of %s", cluster_value_arg(name));
}

void cluster_kubeconfig_set_server(const char *kubeconfig, const char *host,
				   struct strbuf *out)
{
	const char *p = kubeconfig;
	while (*p) {
		const char *eol = p + strcspn(p, "\n");
		size_t indent = strspn(p, " ");

		if (!strncmp(p + indent, "server:", 7)) {
			strbuf_addf(out, "%.*sserver: https://", (int)indent, p);
			names_url_host(out, host);
			strbuf_addf(out, ":%d", KUBE_API_PORT);
		} else
			strbuf_add(out, p, (size_t)(eol - p));
		if (!*eol)
			break;
		strbuf_addch(out, '\n');
		p = eol + 1;
	}
}

void cluster_kubeconfig_fill(const char *kubeconfig, const char *host, struct strbuf *out)
{
	cluster_kubeconfig_set_server(kubeconfig, host, out);
	if (!out->len || out->buf[out->len - 1] != '\n')
		strbuf_addch(out, '\n');
}
