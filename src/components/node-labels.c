/*
 * node-labels (nodes phase, from the first controller): the labels kcfg
 * gives the joined nodes through the API, with `k0s kubectl label`:
 *
 * - k0s.k0sproject.io/worker-profile=PROFILE on every worker: the k0s
 *   worker profile it runs with (k0s.h), which `kcfg status` shows;
 * - nvidia.com/mig.config=CONFIG on a GPU worker whose inventory sets
 *   mig_config: the GPU operator's MIG manager watches this label and
 *   applies that configuration of its mig-parted config to the node's
 *   GPUs (docs/components.md cites NVIDIA's source).
 *
 * Each label is one command, skipped when the node already has that
 * value (`get node -o jsonpath={.metadata.labels}` prints the labels as
 * one JSON object). A mig_config removed from the inventory leaves the
 * label as it is: an admin may have set it by hand, and removing it
 * would not undo the MIG layout anyway. Names and values are validated
 * where they enter (hostnames, label values) and go in single-quoted.
 */
#include "components/cluster-view.h"
#include "components/component.h"
#include "components/k0s.h"
#include "engine/resource.h"
#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define COMP "node-labels"
#define MIG_CONFIG_LABEL "nvidia.com/mig.config"

/* One label on node `node`: set (overwriting another value) unless it has it. */
static void label(struct resource_list *out, const char *node, const char *key,
		  const char *value)
{
	struct strbuf qnode = STRBUF_INIT, kv = STRBUF_INIT, qkv = STRBUF_INIT;
	struct strbuf json = STRBUF_INIT, qjson = STRBUF_INIT;
	struct resource *r;

	sq_quote(&qnode, node);
	strbuf_addf(&kv, "%s=%s", key, value);
	sq_quote(&qkv, kv.buf);
	/* how kubectl's jsonpath prints one entry of a map: compact JSON */
	strbuf_addf(&json, "\"%s\":\"%s\"", key, value);
	sq_quote(&qjson, json.buf);
	r = resource_add(out, RES_COMMAND, COMP);
	r->command = xstrfmt(K0S_BIN " kubectl label node %s %s --overwrite", qnode.buf, qkv.buf);
	r->unless = xstrfmt(K0S_BIN " kubectl get node %s -o 'jsonpath={.metadata.labels}' | "
			    "grep -qF -- %s", qnode.buf, qjson.buf);
	strbuf_release(&qnode);
	strbuf_release(&kv);
	strbuf_release(&qkv);
	strbuf_release(&json);
	strbuf_release(&qjson);
}

static int node_labels_desired(const struct component *self, const struct comp_ctx *ctx,
			       const struct comp_host *h, struct resource_list *out,
			       struct strbuf *err)
{
	struct strbuf profile = STRBUF_INIT;
	int ret = 0;

	(void)self;
	/* one controller speaks for the cluster */
	if (comp_first_host(ctx, COMP_ROLE_MASTER) != h)
		return 0;
	for (size_t i = 0; i < ctx->nr_hosts && !ret; i++) {
		const struct comp_host *w = &ctx->hosts[i];

		if (!(w->roles & COMP_ROLE_WORKER))
			continue;
		strbuf_reset(&profile);
		if (k0s_profile_name(ctx, w, &profile, err) < 0) {
			ret = -1;
			break;
		}
		label(out, w->name, CLUSTER_PROFILE_LABEL, profile.buf);
		if (w->mig_config && (w->roles & COMP_ROLE_GPU))
			label(out, w->name, MIG_CONFIG_LABEL, w->mig_config);
	}
	strbuf_release(&profile);
	return ret;
}

const struct component component_node_labels = {
	"node-labels", "worker profile and MIG configuration labels on the nodes",
	COMP_ROLE_MASTER, COMP_PHASE_NODES, node_labels_desired,
};
