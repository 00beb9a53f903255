/* The component table: one line per component, in apply order. */
#include <string.h>

#include "components/component.h"
#include "util/strbuf.h"
#include "util/banned.h"

const struct component *const components[] = {
	&component_common,
	&component_harbor,
	&component_bastion,
	&component_containerd,
	&component_k0s,
	&component_lustre,
	&component_gpu_operator,
	&component_network_operator,
	&component_metallb,
	&component_monitoring,
	&component_mpi_operator,
	&component_spark_operator,
	&component_exascaler_csi,
	&component_extras,
};

const size_t nr_components = sizeof(components) / sizeof(components[0]);

const struct component *component_find(const char *name)
{
	for (size_t i = 0; i < nr_components; i++)
		if (!strcmp(components[i]->name, name))
			return components[i];
	return NULL;
}

int comp_host_in_group(const struct comp_host *h, const char *group)
{
	if (!strcmp(group, "all"))
		return 1;
	for (size_t i = 0; i < h->nr_groups; i++)
		if (!strcmp(h->groups[i], group))
			return 1;
	return 0;
}

void comp_cache_path(const struct comp_ctx *ctx, struct strbuf *out, const char *name)
{
	strbuf_addf(out, "%s/%s", ctx->cache_dir ? ctx->cache_dir : COMP_CACHE_DIR, name);
}

const struct comp_host *comp_first_host(const struct comp_ctx *ctx, unsigned roles)
{
	for (size_t i = 0; i < ctx->nr_hosts; i++)
		if (ctx->hosts[i].roles & roles)
			return &ctx->hosts[i];
	return NULL;
}
