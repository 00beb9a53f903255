/* The component table: one line per component, in apply order. */
#include <string.h>

#include "components/component.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/banned.h"

/* In phase order (enum comp_phase), and within a phase in apply order. */
const struct component *const components[] = {
	/* hosts */
	&component_common,
	&component_harbor,
	&component_bastion,
	&component_containerd,
	&component_k0s,
	&component_extras,
	/* workers */
	&component_k0s_worker,
	&component_bastion_kubeconfig,
	/* nodes */
	&component_lustre,
	&component_node_labels,
	/* add-ons */
	&component_gpu_operator,
	&component_network_operator,
	&component_whereabouts,
	&component_metallb,
	&component_monitoring,
	&component_mpi_operator,
	&component_spark_operator,
	&component_exascaler_csi,
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

const char *comp_phase_name(enum comp_phase p)
{
	static const char *const names[COMP_PHASE_NR] = {
		"hosts", "workers", "nodes", "add-ons",
	};

	return (unsigned)p < COMP_PHASE_NR ? names[p] : "?";
}

const char *comp_value(const struct comp_ctx *ctx, const char *name)
{
	return ctx->value ? ctx->value(ctx, name, ctx->value_data) : NULL;
}

int comp_desired(const struct component *c, const struct comp_ctx *ctx,
		 const struct comp_host *host, struct resource_list *out, struct strbuf *err)
{
	return c->desired(c, ctx, host, out, err);
}

int comp_applies(const struct component *c, const struct comp_host *host)
{
	return (c->roles & host->roles) != 0;
}
