/*
 * gpu-operator (add-on, on the controllers): NVIDIA's GPU operator as a
 * k0s Chart from NVIDIA's NGC helm repository (the chart left
 * nvidia.github.io). The hosts provide the driver (mdx VMs bring it);
 * the operator's container toolkit writes the NVIDIA runtime into k0s's
 * containerd (gpu_operator.toolkit, the default; off: the host provides
 * the toolkit and the containerd component writes the drop-in). The
 * operator adds node feature discovery and MIG (strategy mixed,
 * mig-manager, profiles from the nvidia.com/mig.config node label that
 * the node-labels component sets).
 *
 * GPUDirect: the chart's driver.rdma.* and gdrcopy.* configure the
 * operator's driver pod only (it loads nvidia-peermem and gdrdrv); with
 * driver.enabled false they do nothing, so kcfg emits them only with
 * gpu_operator.driver on. With the host's driver, preflight checks the
 * host's modules instead (components/common.c).
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
/* the toolkit's drop-in, in gpu_operator.containerd_config_dir */
#define TOOLKIT_DROPIN "nvidia.toml"
/* a top-level config for the toolkit's imports line, which nothing reads */
#define TOOLKIT_TOP_LEVEL "/etc/k0s/nvidia-toolkit/config.toml"
/* k0s's own containerd (k0s's data directory /var/lib/k0s) */
#define K0S_CONTAINERD "/var/lib/k0s/bin/containerd"

static void env(struct yemit *e, const char *name, const char *value)
{
	yemit_map_begin(e);
	yemit_key(e, "name");
	yemit_str(e, name);
	yemit_key(e, "value");
	yemit_str(e, value);
	yemit_map_end(e);
}

/*
 * The toolkit pointed at k0s's containerd, with the names the installer
 * of the toolkit the pinned chart deploys reads (docs/components.md
 * cites the files): it writes its runtime as a drop-in straight into
 * k0s's import directory (one step: the default two-step import through
 * /etc/containerd/conf.d breaks k0s's merge), reads the live config by
 * running k0s's own containerd (`containerd config dump`: the one on
 * PATH may be another), and talks to k0s's socket. The top-level config
 * it must also name only gets an imports line there; k0s never reads it.
 */
static void toolkit_values(struct yemit *e, const struct settings *s)
{
	struct strbuf dropin = STRBUF_INIT;

	strbuf_addf(&dropin, "%s/" TOOLKIT_DROPIN, s->gpu_operator.containerd_config_dir);
	yemit_key(e, "toolkit");
	yemit_map_begin(e);
	yemit_key(e, "enabled");
	yemit_bool(e, s->gpu_operator.toolkit);
	if (s->gpu_operator.toolkit) {
		yemit_key(e, "env");
		yemit_seq_begin(e);
		env(e, "CONTAINERD_CONFIG", TOOLKIT_TOP_LEVEL);
		env(e, "RUNTIME_DROP_IN_CONFIG", dropin.buf);
		env(e, "CONTAINERD_SOCKET", s->gpu_operator.containerd_socket);
		env(e, "RUNTIME_EXECUTABLE_PATH", K0S_CONTAINERD);
		env(e, "CONTAINERD_RUNTIME_CLASS", RUNTIME_CLASS);
		env(e, "CONTAINERD_SET_AS_DEFAULT", "true");
		yemit_seq_end(e);
	}
	yemit_map_end(e);
	strbuf_release(&dropin);
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
	if (s->gpu_operator.driver) {
		/* the driver pod's nvidia-peermem: nothing without that pod */
		yemit_key(&e, "rdma");
		yemit_map_begin(&e);
		yemit_key(&e, "enabled");
		yemit_bool(&e, s->gpu_operator.rdma && s->cluster.rdma);
		yemit_key(&e, "useHostMofed");
		yemit_bool(&e, s->gpu_operator.use_host_mofed);
		yemit_map_end(&e);
	}
	yemit_map_end(&e);

	toolkit_values(&e, s);
	chart_values_switch(&e, "nfd", s->gpu_operator.nfd);
	yemit_key(&e, "mig");
	yemit_map_begin(&e);
	yemit_key(&e, "strategy");
	yemit_str(&e, s->gpu_operator.mig_strategy);
	yemit_map_end(&e);
	chart_values_switch(&e, "migManager", s->gpu_operator.mig_manager);
	if (s->gpu_operator.driver)	/* gdrdrv loaded by the driver pod, likewise */
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
