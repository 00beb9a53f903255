/*
 * network-operator (add-on, on the controllers): NVIDIA's network
 * operator as a k0s Chart, and the NicClusterPolicy kcfg writes itself
 * (since chart v24.10 the chart no longer makes one from its values):
 * the RDMA shared device plugin (pods ask for rdma/<resource>), Multus
 * and the standard CNI plugins for secondary networks, all at the image
 * tags the operator release ships (network-operator-<version>).
 *
 * Whereabouts left the NicClusterPolicy (deprecated in 25.4, gone from
 * the 26.x API); see docs/components.md for how it is deployed.
 *
 * Node feature discovery runs once per cluster: when the GPU operator
 * brings its own, the network operator's stays off.
 */
#include <stdlib.h>
#include <string.h>

#include "components/addon.h"
#include "components/chart.h"
#include "components/component.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/resource.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define COMP "network-operator"
#define STACK "network-operator"
#define POLICY_STACK "network-operator-policy"
#define POLICY_NAME "nic-cluster-policy"	/* the only name the operator reconciles */
#define IMAGE_REPO "nvcr.io/nvidia/mellanox"
/* CNI paths of k0s's workers (kube-router's), stated so they stay aligned */
#define CNI_BIN_DIR "/opt/cni/bin"
#define CNI_CONF_DIR "/etc/cni/net.d"

static int nfd_here(const struct settings *s)
{
	return !(s->addons.gpu_operator && s->gpu_operator.nfd);
}

static int values(const struct comp_ctx *ctx, struct strbuf *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct yemit e;

	chart_values_begin(&e, out);
	yemit_key(&e, "nfd");
	yemit_map_begin(&e);
	yemit_key(&e, "enabled");
	yemit_bool(&e, nfd_here(s));
	/* the rules label the NICs; they work with the GPU operator's NFD too */
	yemit_key(&e, "deployNodeFeatureRules");
	yemit_bool(&e, 1);
	yemit_map_end(&e);
	yemit_key(&e, "operator");
	yemit_map_begin(&e);
	yemit_key(&e, "cniBinDirectory");
	yemit_str(&e, CNI_BIN_DIR);
	yemit_key(&e, "cniNetworkDirectory");
	yemit_str(&e, CNI_CONF_DIR);
	yemit_map_end(&e);
	return chart_values_end(&e, err);
}

/* The rdma shared device plugin's own configuration, a JSON document. */
static void rdma_config(const struct settings *s, struct strbuf *out)
{
	struct json_writer jw;

	json_init(&jw, out, 2);
	json_object_begin(&jw);
	json_key(&jw, "configList");
	json_array_begin(&jw);
	json_object_begin(&jw);
	json_key(&jw, "resourceName");
	json_string(&jw, s->network_operator.rdma_resource_name);
	json_key(&jw, "rdmaHcaMax");
	json_int(&jw, s->network_operator.rdma_hca_max);
	json_key(&jw, "selectors");
	json_object_begin(&jw);
	json_key(&jw, "vendors");
	json_array_begin(&jw);
	json_string(&jw, s->network_operator.rdma_vendor);
	json_array_end(&jw);
	json_key(&jw, "drivers");
	json_array_begin(&jw);
	json_string(&jw, s->network_operator.rdma_driver);
	json_array_end(&jw);
	json_object_end(&jw);
	json_object_end(&jw);
	json_array_end(&jw);
	json_object_end(&jw);
	strbuf_addch(out, '\n');
}

static void image(struct yemit *e, const char *name, const char *tag)
{
	yemit_key(e, "image");
	yemit_str(e, name);
	yemit_key(e, "repository");
	yemit_str(e, IMAGE_REPO);
	yemit_key(e, "version");
	yemit_str(e, tag);
}

static int render_policy(const struct settings *s, struct strbuf *out, struct strbuf *err)
{
	const int rdma = s->network_operator.rdma_shared_device_plugin && s->cluster.rdma;
	const int multus = s->network_operator.multus;
	const int plugins = s->network_operator.cni_plugins;
	char *tag = xstrfmt("network-operator-%s", s->versions.network_operator);
	struct strbuf conf = STRBUF_INIT;
	struct yemit e;
	int ret;

	strbuf_addstr(out, "# Written by kcfg: what the network operator deploys on the nodes.\n"
		      "# A stack of its own: k0s retries it until the chart has installed\n"
		      "# the NicClusterPolicy CRD.\n");
	yemit_init(&e, out);
	kobj_begin(&e, "mellanox.com/v1alpha1", "NicClusterPolicy", POLICY_NAME, NULL);
	yemit_key(&e, "spec");
	yemit_map_begin(&e);
	if (rdma) {
		rdma_config(s, &conf);
		yemit_key(&e, "rdmaSharedDevicePlugin");
		yemit_map_begin(&e);
		image(&e, "k8s-rdma-shared-dev-plugin", tag);
		yemit_key(&e, "config");
		yemit_str(&e, conf.buf);
		yemit_map_end(&e);
	}
	if (multus || plugins) {
		yemit_key(&e, "secondaryNetwork");
		yemit_map_begin(&e);
		if (plugins) {
			yemit_key(&e, "cniPlugins");
			yemit_map_begin(&e);
			image(&e, "plugins", tag);
			yemit_map_end(&e);
		}
		if (multus) {
			yemit_key(&e, "multus");
			yemit_map_begin(&e);
			image(&e, "multus-cni", tag);
			yemit_map_end(&e);
		}
		yemit_map_end(&e);
	}
	yemit_map_end(&e);
	yemit_map_end(&e);
	ret = yemit_finish(&e, err);
	strbuf_release(&conf);
	free(tag);
	return ret;
}

static int enabled(const struct settings *s)
{
	return s->addons.network_operator;
}

static void source(const struct settings *s, struct chart_spec *c)
{
	c->repo_url = s->network_operator.repo;
	c->version = s->versions.network_operator;
	c->ns = s->network_operator.namespace;
}

/* the NicClusterPolicy needs the chart's CRD: a stack of its own (chart.h) */
static int policy(const struct comp_ctx *ctx, const struct comp_host *h,
		  struct resource_list *out, struct strbuf *err)
{
	struct strbuf file = STRBUF_INIT;
	int ret = render_policy(ctx->settings, &file, err);

	if (!ret)
		manifest_add(out, COMP, POLICY_STACK, "10-nicclusterpolicy.yaml", &file);
	strbuf_release(&file);
	return ret;
}

static const struct addon network_operator = {
	.enabled = enabled,
	.verify = network_operator_verify,
	.stack = STACK,
	.other_stacks = { POLICY_STACK },
	.chart = "network-operator",
	.comment = "Written by kcfg: NVIDIA's network operator, installed by k0s.",
	.source = source,
	.values = values,
	.after = policy,
	/* its NodeFeatureRules need the NFD CRDs, the GPU operator's when it brings NFD */
	.needs = { "gpu-operator" },
};

const struct component component_network_operator = ADDON_COMPONENT(
	"network-operator", "NVIDIA network operator chart and NicClusterPolicy (add-on)",
	&network_operator);
