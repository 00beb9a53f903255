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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_harbor),
		cmocka_unit_test(test_quantities),
		cmocka_unit_test(test_nodes_of_any_shape),
		cmocka_unit_test(test_unreadable_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
