/*
 * gpu-operator (add-on, on the controllers): NVIDIA's GPU operator as a
 * k0s Chart from NVIDIA's NGC helm repository (the chart left
 * nvidia.github.io). The hosts provide the driver and, unless the
 * settings say otherwise, the container toolkit (kcfg writes the
 * containerd drop-in); the operator adds node feature discovery, MIG
 * (strategy mixed, mig-manager), GPUDirect RDMA over the host's MOFED and
 * GDRCopy. The toolkit, when enabled, is pointed at k0s's containerd.
 */
#include <string.h>

#include "components/addon.h"
#include "components/chart.h"
#include "components/component.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/banned.h"

#define COMP "gpu-operator"
#define STACK "gpu-operator"
#define RUNTIME_CLASS "nvidia"

static void env(struct yemit *e, const char *name, const char *value)
{
	yemit_map_begin(e);
	yemit_key(e, "name");
	yemit_str(e, name);
	yemit_key(e, "value");
	yemit_str(e, value);
	yemit_map_end(e);
}

static void toolkit_values(struct yemit *e, const struct settings *s)
{
	struct strbuf conf = STRBUF_INIT;

	/* the toolkit writes its runtime into k0s's drop-in directory */
	strbuf_addf(&conf, "%s/nvidia.toml", s->gpu_operator.containerd_config_dir);
	yemit_key(e, "toolkit");
	yemit_map_begin(e);
	yemit_key(e, "enabled");
	yemit_bool(e, s->gpu_operator.toolkit);
	yemit_key(e, "env");
	yemit_seq_begin(e);
	env(e, "CONTAINERD_CONFIG", conf.buf);
	env(e, "CONTAINERD_SOCKET", s->gpu_operator.containerd_socket);
	env(e, "CONTAINERD_RUNTIME_CLASS", RUNTIME_CLASS);
	env(e, "CONTAINERD_SET_AS_DEFAULT", "true");
	yemit_seq_end(e);
	yemit_map_end(e);
	strbuf_release(&conf);
}

static int values(const struct comp_ctx *ctx, struct strbuf *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct yemit e;

	chart_values_begin(&e, out);
	yemit_key(&e, "operator");
	yemit_map_begin(&e);
	yemit_key(&e, "runtimeClass");
	yemit_str(&e, RUNTIME_CLASS);
	yemit_map_end(&e);

	yemit_key(&e, "driver");
	yemit_map_begin(&e);
	yemit_key(&e, "enabled");
	yemit_bool(&e, s->gpu_operator.driver);
	yemit_key(&e, "rdma");
	yemit_map_begin(&e);
	yemit_key(&e, "enabled");
	yemit_bool(&e, s->gpu_operator.rdma && s->cluster.rdma);
	yemit_key(&e, "useHostMofed");
	yemit_bool(&e, s->gpu_operator.use_host_mofed);
	yemit_map_end(&e);
	yemit_map_end(&e);

	toolkit_values(&e, s);
	chart_values_switch(&e, "nfd", s->gpu_operator.nfd);
	yemit_key(&e, "mig");
	yemit_map_begin(&e);
	yemit_key(&e, "strategy");
	yemit_str(&e, s->gpu_operator.mig_strategy);
	yemit_map_end(&e);
	chart_values_switch(&e, "migManager", s->gpu_operator.mig_manager);
	chart_values_switch(&e, "gdrcopy", s->gpu_operator.gdrcopy);
	return chart_values_end(&e, err);
}

static int enabled(const struct settings *s)
{
	return s->addons.gpu_operator;
}

static void source(const struct settings *s, struct chart_spec *c)
{
	c->repo_url = s->gpu_operator.repo;
	c->version = s->versions.gpu_operator;
	c->ns = s->gpu_operator.namespace;
}

static const struct addon gpu_operator = {
	.enabled = enabled,
	.verify = gpu_operator_verify,
	.stack = STACK,
	.chart = "gpu-operator",
	.comment = "Written by kcfg: NVIDIA's GPU operator, installed by k0s.",
	.source = source,
	.values = values,
};

const struct component component_gpu_operator = ADDON_COMPONENT(
	"gpu-operator", "NVIDIA GPU operator chart (add-on)", &gpu_operator);
