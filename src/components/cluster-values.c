/*
 * The cluster values (see cluster-values.h) and how each is read.
 */
#include <string.h>

#include "components/cluster-values.h"
#include "components/component.h"
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
