/*
 * What the verify step reads of a running cluster, fed arbitrary bytes:
 * the cluster-view parser (components/cluster-view.h) and every
 * component's verify() hook judging it. The input is the answers of the
 * reads in order (readyz, nodes, charts, storage classes, pools,
 * Harbor's health), separated by lines "----"; the first byte's bits
 * pick each read's exit status (0, or a failure: curl's 60 for Harbor).
 * Whatever the parser keeps must be a JSON list of items (Harbor's: any
 * JSON), api_ready only for "ok"; every finding's text must stay within
 * the bounds the hooks promise (quoted fields are cut).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "components/cluster-view.h"
#include "components/component.h"
#include "config/settings.h"
#include "util/diag.h"
#include "util/json-read.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the longest finding: fixed text plus a few fields each cut to at most 300 bytes */
#define MAX_FINDING 2048

static struct settings settings;
static int loaded;

static void load_settings(void)
{
	struct diag_list dl = DIAG_LIST_INIT;
	/* every add-on on (the defaults), RDMA on with the shared device plugin */
	static const char yaml[] = "cluster:\n  internal_domain: mdx.local\n";

	if (settings_load_buf(&settings, "cluster.yaml", yaml, strlen(yaml), &dl) < 0)
		abort();
	diag_release(&dl);
	loaded = 1;
}

/* The first "\n----\n" in p[0..n), or NULL. */
static const char *find_sep(const char *p, size_t n, const char *sep, size_t len)
{
	for (size_t i = 0; i + len <= n; i++)
		if (!memcmp(p + i, sep, len))
			return p + i;
	return NULL;
}

static void check_found(const struct diag_list *found)
{
	for (size_t i = 0; i < found->nr; i++)
		if (!found->d[i].msg || strlen(found->d[i].msg) > MAX_FINDING)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n----\n";
	struct comp_host hosts[4] = {
		{ "harbor", "10.0.0.2", NULL, NULL, COMP_ROLE_REGISTRY },
		{ "kube-master", "10.0.0.3", NULL, NULL, COMP_ROLE_MASTER },
		{ "kube-node1", "10.0.0.4", "10.1.0.4", "ens1", COMP_ROLE_NODE },
		{ "kube-gpu1", "10.0.0.5", "10.1.0.5", "ens1", COMP_ROLE_GPU },
	};
	struct comp_ctx ctx = { 0 };
	struct cluster_view v;
	const char *p, *end;
	unsigned bits;

	if (!loaded)
		load_settings();
	if (!size)
		return 0;
	bits = data[0];
	p = (const char *)data + 1;
	end = (const char *)data + size;
	cluster_view_init(&v);
	v.controller = "kube-master";
	v.bastion = "bastion";
	for (size_t k = 0; k < CLUSTER_READ_NR && p <= end; k++) {
		const char *q = find_sep(p, (size_t)(end - p), sep, sizeof(sep) - 1);
		size_t n = q ? (size_t)(q - p) : (size_t)(end - p);

		v.r[k].asked = 1;
		v.r[k].state = CLUSTER_READ;
		v.r[k].status = bits & (1u << k) ? (k == CLUSTER_HARBOR ? 60 : 1) : 0;
		strbuf_add(&v.r[k].out, p, n);
		strbuf_addstr(&v.r[k].err, "stderr");
		p = q ? q + sizeof(sep) - 1 : end + 1;
	}
	cluster_view_parse(&v);
	if (v.api_ready) {
		struct strbuf rz = STRBUF_INIT;

		strbuf_addbuf(&rz, &v.r[CLUSTER_READYZ].out);
		strbuf_trim(&rz);
		if (v.r[CLUSTER_READYZ].status || strcmp(rz.buf, "ok"))
			abort();	/* ready only when /readyz says ok */
		strbuf_release(&rz);
	}
	for (size_t k = CLUSTER_NODES; k < CLUSTER_READ_NR; k++) {
		const struct json_node *items = json_get(v.r[k].json, "items");

		if (v.r[k].json && v.r[k].why.len)
			abort();	/* kept and refused at once */
		if (v.r[k].json && k != CLUSTER_HARBOR && (!items || items->type != JSON_ARRAY))
			abort();
	}
	ctx.settings = &settings;
	ctx.hosts = hosts;
	ctx.nr_hosts = 4;
	ctx.view = &v;
	for (size_t h = 0; h < 4; h++) {
		struct diag_list found = DIAG_LIST_INIT;

		for (size_t c = 0; c < nr_components; c++)
			if (components[c]->verify)
				components[c]->verify(components[c], &ctx, &hosts[h], &found);
		check_found(&found);
		diag_release(&found);
	}
	/* the accessors on every item of every list, as status's table uses them */
	for (size_t k = CLUSTER_NODES; k < CLUSTER_HARBOR; k++) {
		const struct json_node *items = json_get(v.r[k].json, "items");

		for (size_t i = 0; items && i < items->nr; i++) {
			const char *msg, *q;

			cluster_node_ready(items->items[i], &msg);
			cluster_node_kubelet(items->items[i]);
			q = cluster_node_allocatable(items->items[i], "nvidia.com/gpu");
			if (cluster_quantity_positive(q) && (!q || *q < '0' || *q > '9'))
				abort();
		}
	}
	cluster_view_release(&v);
	return 0;
}
