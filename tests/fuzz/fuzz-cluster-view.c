/*
 * What the verify step reads of a running cluster, fed arbitrary bytes:
 * the cluster-view parser (components/cluster-view.h) and every
 * component's verify() hook judging it. The input is the answers of the
 * reads in order (readyz, nodes, charts, storage classes, pools,
 * Harbor's health), separated by lines "----"; the first byte's bits
 * pick each read's exit status (0, or a failure: curl's 60 for Harbor).
 * The segments after those are the smoke checks' answers (smoke.h), in
 * turn: pod JSON, log, claim JSON per check, then events, then the
 * delete's output. Whatever the parser keeps must be a JSON list of items
 * (Harbor's: any JSON), api_ready only for "ok"; every finding's text
 * must stay within the bounds the hooks promise (quoted fields are cut),
 * and a check judged ok must have said so only for what passes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "components/cluster-view.h"
#include "components/component.h"
#include "components/smoke.h"
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
	static const char yaml[] = "cluster:\n  internal_domain: mdx.local\n"
				   "smoke:\n  rdma_range: 10.146.16.0/21\n";

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

/* The length of the segment at *p; *p moves past it and its separator (past end: none left). */
static size_t next_segment(const char **p, const char *end, const char *sep, size_t len)
{
	const char *q = find_sep(*p, (size_t)(end - *p), sep, len);
	size_t n = q ? (size_t)(q - *p) : (size_t)(end - *p);

	*p = q ? q + len : end + 1;
	return n;
}

/* The next segment into `r` as a read that exited `status`. */
static void fill(struct cluster_read *r, const char **p, const char *end, const char *sep,
		 size_t len, int status)
{
	const char *start = *p;
	size_t n;

	if (*p > end)
		return;		/* not read */
	n = next_segment(p, end, sep, len);
	r->asked = 1;
	r->state = CLUSTER_READ;
	r->status = status;
	strbuf_add(&r->out, start, n);
	strbuf_addstr(&r->err, "stderr");
}

static void fuzz_smoke(const char **p, const char *end, const char *sep, size_t len,
		       unsigned bits, const struct comp_ctx *ctx)
{
	struct diag_list found = DIAG_LIST_INIT;
	struct smoke_run sm;

	smoke_plan(ctx, 30, &sm);
	/* bit 6: the apply failed; bit 7: the delete did */
	fill(&sm.apply, p, end, sep, len, bits & 0x40 ? 1 : 0);
	for (size_t i = 0; i < sm.nr; i++) {
		fill(&sm.v[i].pod_read, p, end, sep, len, 0);
		fill(&sm.v[i].log_read, p, end, sep, len, 0);
		fill(&sm.v[i].pvc_read, p, end, sep, len, 0);
	}
	fill(&sm.events, p, end, sep, len, 0);
	fill(&sm.cleanup, p, end, sep, len, bits & 0x80 ? 1 : 0);
	smoke_judge(&sm, "kube-master", &found);
	check_found(&found);
	for (size_t i = 0; i < sm.nr; i++) {
		const struct smoke_check *c = &sm.v[i];

		if (c->ok && (!c->pod_read.json || c->pod_read.status ||
			      strcmp(json_get_str(json_get(c->pod_read.json, "status"), "phase", ""),
				     "Succeeded")))
			abort();	/* ok only for a pod that Succeeded */
		if (c->detail.len > MAX_FINDING)
			abort();
	}
	smoke_release(&sm);
	diag_release(&found);
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
	for (size_t k = 0; k < CLUSTER_READ_NR; k++)
		fill(&v.r[k], &p, end, sep, sizeof(sep) - 1,
		     bits & (1u << k) ? (k == CLUSTER_HARBOR ? 60 : 1) : 0);
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
	fuzz_smoke(&p, end, sep, sizeof(sep) - 1, bits, &ctx);
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
