/*
 * The cluster values (see cluster-values.h) and how each is read.
 */
#include <string.h>

#include "components/cluster-values.h"
#include "components/component.h"
#include "config/names.h"
#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/banned.h"

/* the API takes a while after a first start: ask until it answers (2 min) */
#define UNTIL_API(cmd) \
	"i=0; until out=$(" cmd " 2>&1); do i=$((i + 1)); " \
	"if [ $i -ge 60 ]; then echo \"$out\" >&2; exit 1; fi; sleep 2; done; " \
	"printf '%s\\n' \"$out\""

static const struct cluster_value values[] = {
	{ CV_WORKER_TOKEN, "the worker join token", COMP_ROLE_MASTER,
	  UNTIL_API("/usr/local/bin/k0s token create --role=worker --expiry=1h") },
	{ CV_KUBECONFIG_ADMIN, "the admin kubeconfig", COMP_ROLE_MASTER,
	  UNTIL_API("/usr/local/bin/k0s kubeconfig admin") },
};

const struct cluster_value *cluster_value_find(const char *name)
{
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (!strcmp(values[i].name, name))
			return &values[i];
	return NULL;
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
