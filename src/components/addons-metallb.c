/*
 * metallb (add-on, on the controllers): MetalLB as a k0s Chart, in layer
 * 2 mode, with one IPAddressPool from metallb.addresses and an
 * L2Advertisement of it. The pool and advertisement use CRDs the chart
 * installs, so they sit in a stack of their own (metallb-pool) that k0s
 * retries until those CRDs exist; the chart's stack is never blocked.
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

#define COMP "metallb"
#define STACK "metallb"
#define POOL_STACK "metallb-pool"

static int values(const struct comp_ctx *ctx, struct strbuf *out, struct strbuf *err)
{
	struct yemit e;

	chart_values_begin(&e, out);
	chart_values_switch(&e, "crds", 1);
	/* layer 2 only: no FRR (BGP) container in the speaker */
	yemit_key(&e, "speaker");
	yemit_map_begin(&e);
	chart_values_switch(&e, "frr", 0);
	yemit_map_end(&e);
	return chart_values_end(&e, err);
}

static int render_pool(const struct settings *s, struct strbuf *out, struct strbuf *err)
{
	struct yemit e;

	strbuf_addstr(out, "# Written by kcfg from metallb.addresses: the addresses MetalLB gives\n"
		      "# to LoadBalancer services, announced on the local network (layer 2).\n");
	yemit_init(&e, out);
	kobj_begin(&e, "metallb.io/v1beta1", "IPAddressPool", s->metallb.pool_name,
		   s->metallb.namespace);
	yemit_key(&e, "spec");
	yemit_map_begin(&e);
	yemit_key(&e, "addresses");
	yemit_seq_begin(&e);
	for (size_t i = 0; i < s->metallb.addresses.nr; i++)
		yemit_str(&e, s->metallb.addresses.v[i]);
	yemit_seq_end(&e);
	yemit_map_end(&e);
	yemit_map_end(&e);

	yemit_next_doc(&e);
	kobj_begin(&e, "metallb.io/v1beta1", "L2Advertisement", s->metallb.pool_name,
		   s->metallb.namespace);
	yemit_key(&e, "spec");
	yemit_map_begin(&e);
	yemit_key(&e, "ipAddressPools");
	yemit_seq_begin(&e);
	yemit_str(&e, s->metallb.pool_name);
	yemit_seq_end(&e);
	yemit_map_end(&e);
	yemit_map_end(&e);
	return yemit_finish(&e, err);
}

static int enabled(const struct settings *s)
{
	return s->addons.metallb;
}

static void source(const struct settings *s, struct chart_spec *c)
{
	c->repo_url = s->metallb.repo;
	c->version = s->versions.metallb;
	c->ns = s->metallb.namespace;
}

static int check_addresses(const struct comp_ctx *ctx, const struct comp_host *h,
			   struct resource_list *out, struct strbuf *err)
{
	if (ctx->settings->metallb.addresses.nr)
		return 0;
	strbuf_addstr(err, "'metallb.addresses' is empty, but 'addons.metallb' is on: "
		      "set it in cluster.yaml to a range like 10.18.20.200-10.18.20.210, "
		      "or turn 'addons.metallb' off");
	return -1;
}

/* the pool and its advertisement need the chart's CRDs: a stack of their own */
static int pool(const struct comp_ctx *ctx, const struct comp_host *h,
		struct resource_list *out, struct strbuf *err)
{
	struct strbuf file = STRBUF_INIT;
	int ret = render_pool(ctx->settings, &file, err);

	if (!ret)
		manifest_add(out, COMP, POOL_STACK, "10-pool.yaml", &file);
	strbuf_release(&file);
	return ret;
}

static const struct addon metallb = {
	.enabled = enabled,
	.verify = metallb_verify,
	.stack = STACK,
	.other_stacks = { POOL_STACK },
	.chart = "metallb",
	.comment = "Written by kcfg: MetalLB, installed by k0s.",
	.source = source,
	.values = values,
	.before = check_addresses,
	.after = pool,
};

const struct component component_metallb = ADDON_COMPONENT(
	"metallb", "MetalLB chart, address pool and L2 advertisement (add-on)", &metallb);
