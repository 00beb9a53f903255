/*
 * Unit tests for the components' verify() hooks (src/components/verify.c)
 * over a cluster view made here (cluster-view.c): what each finds in
 * the JSON a cluster answers, including JSON of the wrong shape, and
 * Harbor's health as curl reports it from the bastion.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "components/cluster-view.h"
#include "components/component.h"
#include "components/smoke.h"
#include "config/yaml.h"
#include "config/settings.h"
#include "util/diag.h"
#include "util/strbuf.h"

struct world {
	struct settings s;
	struct comp_host hosts[4];
	struct comp_ctx ctx;
	struct cluster_view v;
	struct diag_list found;
};

static void world_init(struct world *w, const char *yaml)
{
	struct diag_list dl = DIAG_LIST_INIT;

	memset(w, 0, sizeof(*w));
	if (settings_load_buf(&w->s, "cluster.yaml", yaml, strlen(yaml), &dl) < 0)
		fail_msg("cluster.yaml does not load");
	w->hosts[0] = (struct comp_host){ "harbor", "10.0.0.2", NULL, NULL, COMP_ROLE_REGISTRY };
	w->hosts[1] = (struct comp_host){ "kube-master", "10.0.0.3", NULL, NULL, COMP_ROLE_MASTER };
	w->hosts[2] = (struct comp_host){ "kube-node1", "10.0.0.4", "10.1.0.4", "ens1",
					  COMP_ROLE_NODE };
	w->hosts[3] = (struct comp_host){ "kube-gpu1", "10.0.0.5", "10.1.0.5", "ens1",
					  COMP_ROLE_GPU };
	w->ctx.settings = &w->s;
	w->ctx.hosts = w->hosts;
	w->ctx.nr_hosts = 4;
	cluster_view_init(&w->v);
	w->v.controller = "kube-master";
	w->v.bastion = "bastion";
	w->ctx.view = &w->v;
}

static void world_release(struct world *w)
{
	cluster_view_release(&w->v);
	settings_release(&w->s);
	diag_release(&w->found);
}

static void answer(struct world *w, enum cluster_read_kind k, int status, const char *out,
		   const char *err)
{
	w->v.r[k].asked = 1;
	w->v.r[k].state = CLUSTER_READ;
	w->v.r[k].status = status;
	strbuf_addstr(&w->v.r[k].out, out);
	strbuf_addstr(&w->v.r[k].err, err);
}

/* The findings, one a line ("error: MSG"), for comparing. */
static const char *findings(struct world *w, struct strbuf *sb)
{
	strbuf_reset(sb);
	for (size_t i = 0; i < w->found.nr; i++)
		strbuf_addf(sb, "%s: %s\n", w->found.d[i].level == DIAG_ERROR ? "error" : "warning",
			    w->found.d[i].msg);
	return sb->buf;
}

static void test_harbor(void **state)
{
	static const struct {
		int status;
		const char *out, *err, *want;
	} cases[] = {
		{ 0, "{\"status\":\"healthy\",\"components\":[{\"name\":\"core\",\"status\":\"healthy\"}]}",
		  "", "" },
		{ 60, "", "curl: (60) SSL certificate problem: unable to get local issuer certificate",
		  "error: Harbor at https://harbor.mdx.local/ does not show a certificate for that "
		  "name chaining to kcfg's CA (curl exit 60: curl: (60) SSL certificate problem: "
		  "unable to get local issuer certificate)\n" },
		{ 7, "", "curl: (7) Failed to connect",
		  "error: Harbor at https://harbor.mdx.local/ does not answer from 'bastion' "
		  "(curl exit 7: curl: (7) Failed to connect)\n" },
		{ 0, "{\"status\":\"unhealthy\",\"components\":[{\"name\":\"core\",\"status\":"
		  "\"healthy\"},{\"name\":\"database\",\"status\":\"unhealthy\",\"error\":\"down\"}]}",
		  "", "error: Harbor's database is unhealthy: down\n"
		  "error: Harbor at https://harbor.mdx.local/ is unhealthy, not healthy\n" },
		{ 0, "<html>502</html>", "", NULL },
		{ 0, "{\"status\": 7, \"components\": \"x\"}", "",
		  "error: Harbor at https://harbor.mdx.local/ is (no status), not healthy\n" },
	};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct world w;

		world_init(&w, "cluster:\n  internal_domain: mdx.local\n");
		answer(&w, CLUSTER_HARBOR, cases[i].status, cases[i].out, cases[i].err);
		cluster_view_parse(&w.v);
		assert_int_equal(harbor_verify(&component_harbor, &w.ctx, &w.hosts[0], &w.found), 0);
		if (cases[i].want)
			assert_string_equal(findings(&w, &sb), cases[i].want);
		else
			assert_non_null(strstr(findings(&w, &sb), "answers its health check with "
					       "something else: "));
		/* only the registry host is Harbor's */
		diag_release(&w.found);
		memset(&w.found, 0, sizeof(w.found));
		harbor_verify(&component_harbor, &w.ctx, &w.hosts[1], &w.found);
		assert_int_equal(w.found.nr, 0);
		world_release(&w);
	}
	strbuf_release(&sb);
}

static void test_quantities(void **state)
{
	(void)state;
	assert_true(cluster_quantity_positive("8"));
	assert_true(cluster_quantity_positive("1k"));
	assert_true(cluster_quantity_positive("0.5"));
	assert_false(cluster_quantity_positive("0"));
	assert_false(cluster_quantity_positive("000"));
	assert_false(cluster_quantity_positive("0.0"));
	assert_false(cluster_quantity_positive("-1"));
	assert_false(cluster_quantity_positive("abc"));
	assert_false(cluster_quantity_positive(""));
	assert_false(cluster_quantity_positive(NULL));
	assert_false(cluster_quantity_positive("1e-5-"));
}

/* Nodes of the wrong shape are not Ready and have nothing allocatable; nothing crashes. */
static void test_nodes_of_any_shape(void **state)
{
	static const char *const lists[] = {
		"{\"items\": [{\"metadata\": {\"name\": \"kube-gpu1\"}, \"status\": \"Ready\"}]}",
		"{\"items\": [{\"metadata\": {\"name\": \"kube-gpu1\"}, \"status\": {\"conditions\": "
		"{\"type\": \"Ready\"}, \"allocatable\": [\"nvidia.com/gpu\"]}}]}",
		"{\"items\": [{\"metadata\": {\"name\": \"kube-gpu1\"}, \"status\": {\"conditions\": "
		"[{\"type\": \"Ready\", \"status\": true}], \"allocatable\": {\"nvidia.com/gpu\": 4}}}]}",
	};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct world w;

		world_init(&w, "");
		answer(&w, CLUSTER_READYZ, 0, "ok\n", "");
		answer(&w, CLUSTER_NODES, 0, lists[i], "");
		cluster_view_parse(&w.v);
		k0s_verify(&component_k0s, &w.ctx, &w.hosts[3], &w.found);
		gpu_operator_verify(&w.ctx, &w.hosts[3], &w.found);
		/* a condition without a string status is Unknown */
		assert_string_equal(findings(&w, &sb), i < 2 ?
				    "error: node 'kube-gpu1' is not Ready (Ready: not reported)\n"
				    "error: node 'kube-gpu1' has no nvidia.com/gpu allocatable "
				    "(not reported)\n" :
				    "error: node 'kube-gpu1' is not Ready (Ready: Unknown)\n"
				    "error: node 'kube-gpu1' has no nvidia.com/gpu allocatable "
				    "(not reported)\n");
		world_release(&w);
	}
	strbuf_release(&sb);
}

/* A list that is not JSON, or JSON without items, is named once; the API down is k0s's alone. */
static void test_unreadable_lists(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct world w;

	(void)state;
	world_init(&w, "");
	answer(&w, CLUSTER_READYZ, 0, "ok", "");
	answer(&w, CLUSTER_NODES, 0, "{\"kind\": \"List\"}", "");
	cluster_view_parse(&w.v);
	k0s_verify(&component_k0s, &w.ctx, &w.hosts[2], &w.found);
	assert_string_equal(findings(&w, &sb), "error: cannot read the node list on "
			    "'kube-master': it is JSON without a list of items\n");
	world_release(&w);

	world_init(&w, "");
	answer(&w, CLUSTER_READYZ, 1, "", "The connection to the server localhost:6443 was refused");
	cluster_view_parse(&w.v);
	k0s_verify(&component_k0s, &w.ctx, &w.hosts[1], &w.found);
	k0s_verify(&component_k0s, &w.ctx, &w.hosts[2], &w.found);
	gpu_operator_verify(&w.ctx, &w.hosts[3], &w.found);
	assert_string_equal(findings(&w, &sb), "error: the API server is not ready: it answers "
			    "'The connection to the server localhost:6443 was refused'\n");
	world_release(&w);
	strbuf_release(&sb);
}

static void set_read(struct cluster_read *r, int status, const char *out, const char *err)
{
	r->asked = 1;
	r->state = CLUSTER_READ;
	r->status = status;
	strbuf_addstr(&r->out, out);
	strbuf_addstr(&r->err, err);
}

/* Which workloads the settings and hosts call for; every manifest reads back as YAML. */
static void test_smoke_plan(void **state)
{
	struct strbuf yaml = STRBUF_INIT, err = STRBUF_INIT;
	struct smoke_run sm;
	struct world w;
	size_t docs = 0;
	char *p;

	(void)state;
	world_init(&w, "smoke:\n  rdma_range: 10.146.16.0/21\n");
	smoke_plan(&w.ctx, 30, &sm);
	assert_int_equal(sm.nr, 4);
	assert_string_equal(sm.v[0].name, "gpu on kube-gpu1");
	assert_string_equal(sm.v[0].pod, "gpu-0");
	assert_string_equal(sm.v[1].name, "rdma on kube-node1");
	assert_string_equal(sm.v[1].netif, "ens1");
	assert_string_equal(sm.v[2].name, "pvc on exascaler-sc-fast");
	assert_string_equal(sm.v[3].pvc, "pvc-1");
	assert_int_equal(sm.skipped.len, 0);
	assert_int_equal(smoke_manifests(&w.ctx, &sm, &yaml, &err), 0);
	/* each document parses on its own */
	for (char *doc = yaml.buf; doc; doc = p ? p + 5 : NULL, docs++) {
		struct diag_list dl = DIAG_LIST_INIT;
		struct ydoc d = YDOC_INIT;

		p = strstr(doc, "\n---\n");
		assert_int_equal(ydoc_parse(&d, "m.yaml", doc, p ? (size_t)(p - doc + 1) :
					    strlen(doc), &dl), 0);
		assert_non_null(ynode_map_get(d.root, "kind"));
		ydoc_release(&d);
	}
	assert_int_equal(docs, 8);
	assert_non_null(strstr(yaml.buf, "runtimeClassName: nvidia"));
	assert_non_null(strstr(yaml.buf, "\"master\":\"ens1\""));
	smoke_release(&sm);
	world_release(&w);

	/* no range: the RDMA pod is not run, and says why */
	world_init(&w, "addons:\n  storage: false\n");
	smoke_plan(&w.ctx, 30, &sm);
	assert_int_equal(sm.nr, 1);
	assert_string_equal(sm.skipped.buf, "the RDMA pod: smoke.rdma_range is not set");
	smoke_release(&sm);
	world_release(&w);
	strbuf_release(&yaml);
	strbuf_release(&err);
}

/* What each check's answers make of it, pods and claims of any shape included. */
static void test_smoke_judge(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct smoke_run sm;
	struct world w;

	(void)state;
	world_init(&w, "smoke:\n  rdma_range: 10.146.16.0/21\n");
	smoke_plan(&w.ctx, 30, &sm);
	set_read(&sm.apply, 0, "pod/gpu-0 created\n", "");
	set_read(&sm.v[0].pod_read, 0, "{\"status\": {\"phase\": \"Succeeded\"}}", "");
	set_read(&sm.v[0].log_read, 0, "GPU 0: NVIDIA A100 (UUID: GPU-1)\n", "");
	set_read(&sm.v[1].pod_read, 0, "{\"status\": {\"phase\": \"Pending\", \"containerStatuses\": "
		 "[{\"state\": {\"waiting\": {\"reason\": \"ImagePullBackOff\", \"message\": "
		 "\"no route\"}}}]}}", "");
	set_read(&sm.v[2].pod_read, 0, "{\"status\": \"Succeeded\"}", "");
	set_read(&sm.v[2].pvc_read, 0, "{\"status\": {\"phase\": \"Bound\"}}", "");
	set_read(&sm.v[3].pod_read, 1, "", "Error from server (NotFound): pods \"pvc-1\" not found");
	set_read(&sm.events, 0, "{\"items\": [{\"involvedObject\": {\"name\": \"rdma\"}, \"reason\": "
		 "\"Failed\", \"message\": \"pull failed\"}, {\"involvedObject\": 7}]}", "");
	set_read(&sm.cleanup, 1, "", "Error from server (Forbidden): no");
	smoke_judge(&sm, "kube-master", &w.found);
	assert_true(sm.applied);
	assert_true(sm.v[0].ok);
	assert_string_equal(sm.v[0].detail.buf, "GPU 0: NVIDIA A100 (UUID: GPU-1)");
	assert_false(sm.cleaned_up);
	assert_string_equal(findings(&w, &sb),
		"error: smoke check rdma on kube-node1 failed: pod rdma did not succeed in 30 s: "
		"phase Pending; container waiting: ImagePullBackOff: no route; events: Failed: "
		"pull failed\n"
		"error: smoke check pvc on exascaler-sc-fast failed: pod pvc-0 did not succeed in "
		"30 s: phase not reported\n"
		"error: smoke check pvc on exascaler-sc-large failed: cannot read pod pvc-1: exit "
		"status 1: Error from server (NotFound): pods \"pvc-1\" not found\n"
		"error: could not delete namespace 'kcfg-smoke' and the smoke workloads in it: "
		"Error from server (Forbidden): no\n");
	smoke_release(&sm);
	world_release(&w);

	/* the API down when it was applied: nothing to say (the API is k0s's finding) */
	world_init(&w, "");
	smoke_plan(&w.ctx, 30, &sm);
	set_read(&sm.apply, SMOKE_API_DOWN, "", "");
	smoke_judge(&sm, "kube-master", &w.found);
	assert_int_equal(w.found.nr, 0);
	assert_false(sm.applied);
	smoke_release(&sm);
	world_release(&w);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_harbor),
		cmocka_unit_test(test_quantities),
		cmocka_unit_test(test_nodes_of_any_shape),
		cmocka_unit_test(test_unreadable_lists),
		cmocka_unit_test(test_smoke_plan),
		cmocka_unit_test(test_smoke_judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
