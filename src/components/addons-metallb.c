/*
 * metallb (add-on, on the controllers): MetalLB as a k0s Chart, in layer
 * 2 mode, with one IPAddressPool from metallb.addresses and an
 * L2Advertisement of it. The pool and advertisement use CRDs the chart
 * installs, so they sit in a stack of their own (metallb-pool) that k0s
 * retries until those CRDs exist; the chart's stack is never blocked.
 */
#include <string.h>

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

static int values(struct strbuf *out, struct strbuf *err)
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

static int metallb_desired(const struct comp_ctx *ctx, const struct comp_host *h,
			   struct resource_list *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct strbuf vals = STRBUF_INIT, file = STRBUF_INIT;
	struct chart_spec c;
	int ret = -1;

	if (!s->addons.metallb) {
		manifest_stack_absent(out, COMP, STACK);
		manifest_stack_absent(out, COMP, POOL_STACK);
		return 0;
	}
	if (!s->metallb.addresses.nr) {
		strbuf_addstr(err, "'metallb.addresses' is empty, but 'addons.metallb' is on: "
			      "set it in cluster.yaml to a range like 10.18.20.200-10.18.20.210, "
			      "or turn 'addons.metallb' off");
		return -1;
	}
	if (values(&vals, err) < 0)
		goto out;
	memset(&c, 0, sizeof(c));
	c.release = "metallb";
	c.chart = "metallb";
	c.repo_url = s->metallb.repo;
	c.version = s->versions.metallb;
	c.ns = s->metallb.namespace;
	c.values = vals.buf;
	if (chart_render(&c, "Written by kcfg: MetalLB, installed by k0s.", &file, err) < 0)
		goto out;
	manifest_add(out, COMP, STACK, "10-chart.yaml", &file);
	strbuf_reset(&file);
	if (render_pool(s, &file, err) < 0)
		goto out;
	manifest_add(out, COMP, POOL_STACK, "10-pool.yaml", &file);
	ret = 0;
out:
	strbuf_release(&vals);
	strbuf_release(&file);
	return ret;
}

const struct component component_metallb = {
	"metallb", "MetalLB chart, address pool and L2 advertisement (add-on)",
	COMP_ROLE_MASTER, metallb_desired,
};
