/*
 * Unit tests for the add-on components (src/components/addons-*.c,
 * chart.c, addons.c): what each writes on the controller, parsed back
 * as YAML, its chart values checked against the chart's own defaults,
 * where the Grafana password goes, what turning an add-on off leaves,
 * and the Lustre project id placeholder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "components/addon.h"
#include "components/addons.h"
#include "components/downloads.h"
#include "components/chart.h"
#include "components/component.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/resource.h"
#include "run/run.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "vault/secrets.h"

#define MDX_ADDRESSES "metallb:\n  addresses: [10.18.20.200-10.18.20.210]\n"
/* quoting matters: ': ' starts a mapping, '#' a comment, quotes end strings */
#define GRAFANA_PW "gr4f: #ana' \"pw"

static const struct component *const addons[] = {
	&component_gpu_operator, &component_network_operator, &component_metallb,
	&component_monitoring, &component_mpi_operator, &component_spark_operator,
	&component_exascaler_csi, &component_whereabouts,
};
#define NR_ADDONS (sizeof(addons) / sizeof(addons[0]))

struct world {
	struct settings s;
	struct cluster_secrets sec;
	struct comp_host hosts[3];
	struct comp_ctx ctx;
};

/* Settings from cluster.yaml text (over the defaults), the mdx hosts, a vault. */
static void world_init(struct world *w, const char *yaml)
{
	struct diag_list dl = DIAG_LIST_INIT;

	memset(w, 0, sizeof(*w));
	if (settings_load_buf(&w->s, "cluster.yaml", yaml, strlen(yaml), &dl) < 0) {
		struct strbuf sb = STRBUF_INIT;
		diag_format(&dl, &sb);
		fail_msg("cluster.yaml does not load:\n%s", sb.buf);
	}
	secret_add(&w->sec.grafana_password, GRAFANA_PW, strlen(GRAFANA_PW));
	secret_add(&w->sec.harbor_admin_password, "harbor-pw", 9);
	w->hosts[0] = (struct comp_host){ "kube-master", "10.18.20.12", NULL, NULL,
					  COMP_ROLE_MASTER, NULL };
	w->hosts[1] = (struct comp_host){ "kube-node1", "10.18.20.21", "10.146.18.21", "ens192",
					  COMP_ROLE_NODE, NULL };
	w->hosts[2] = (struct comp_host){ "kube-gpu1", "10.18.20.31", "10.146.18.31", "ens192",
					  COMP_ROLE_GPU, NULL };
	w->ctx.settings = &w->s;
	w->ctx.secrets = &w->sec;
	w->ctx.hosts = w->hosts;
	w->ctx.nr_hosts = 3;
}

static void world_release(struct world *w)
{
	settings_release(&w->s);
	cluster_secrets_release(&w->sec);
}

/* Every add-on's resources for the controller; all must succeed. */
static void render_all(const struct world *w, struct resource_list *rl)
{
	struct strbuf err = STRBUF_INIT;

	for (size_t i = 0; i < NR_ADDONS; i++) {
		assert_int_equal(addons[i]->roles, COMP_ROLE_MASTER);
		if (comp_desired(addons[i], &w->ctx, &w->hosts[0], rl, &err) < 0)
			fail_msg("%s: %s", addons[i]->name, err.buf);
	}
	strbuf_release(&err);
}

static const struct resource *find(const struct resource_list *rl, enum resource_kind kind,
				   const char *path)
{
	for (size_t i = 0; i < rl->nr; i++)
		if (rl->items[i].kind == kind && rl->items[i].path &&
		    !strcmp(rl->items[i].path, path))
			return &rl->items[i];
	return NULL;
}

static const struct resource *manifest(const struct resource_list *rl, const char *rel)
{
	struct strbuf path = STRBUF_INIT;
	const struct resource *r;

	strbuf_addf(&path, MANIFESTS_DIR "/%s", rel);
	r = find(rl, RES_FILE, path.buf);
	if (!r)
		fail_msg("no file %s", path.buf);
	strbuf_release(&path);
	return r;
}

/* Files (and uploads) a stack holds. */
static size_t in_stack(const struct resource_list *rl, const char *stack)
{
	struct strbuf prefix = STRBUF_INIT;
	size_t n = 0;

	strbuf_addf(&prefix, MANIFESTS_DIR "/%s/", stack);
	for (size_t i = 0; i < rl->nr; i++)
		if ((rl->items[i].kind == RES_FILE || rl->items[i].kind == RES_UPLOAD) &&
		    starts_with(rl->items[i].path, prefix.buf))
			n++;
	strbuf_release(&prefix);
	return n;
}

#define MAX_DOCS 8

/* Splits a multi-document file at "---" lines and parses each document. */
static size_t parse_docs(const char *text, struct ydoc *docs)
{
	struct diag_list dl = DIAG_LIST_INIT;
	const char *p = text;
	size_t n = 0;

	if (!starts_with(text, "# Written by kcfg"))
		fail_msg("the file does not start with kcfg's comment:\n%s", text);
	for (;;) {
		const char *sep = strstr(p, "\n---\n");
		size_t len = sep ? (size_t)(sep - p) + 1 : strlen(p);
		struct ydoc d = YDOC_INIT;

		assert_true(n < MAX_DOCS);
		if (ydoc_parse(&d, "doc.yaml", p, len, &dl) < 0) {
			struct strbuf sb = STRBUF_INIT;
			diag_format(&dl, &sb);
			fail_msg("does not parse:\n%s\n%.*s", sb.buf, (int)len, p);
		}
		assert_non_null(d.root);
		docs[n++] = d;
		if (!sep)
			break;
		p = sep + 5;
	}
	return n;
}

static void release_docs(struct ydoc *docs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ydoc_release(&docs[i]);
}

/* The node at a path of keys (NULL-terminated), or NULL. */
static const struct ynode *at(const struct ynode *n, ...)
{
	va_list ap;
	const char *key;

	va_start(ap, n);
	while (n && (key = va_arg(ap, const char *)))
		n = ynode_map_get(n, key);
	va_end(ap);
	return n;
}

static void assert_str_at(const struct ynode *n, const char *want)
{
	if (!n)
		fail_msg("missing, want '%s'", want);
	assert_int_equal(n->type, YNODE_SCALAR);
	assert_int_equal(yscalar_kind(n), YKIND_STR);
	assert_string_equal(n->value, want);
}

static void assert_bool_at(const struct ynode *n, int want)
{
	int v;

	assert_non_null(n);
	assert_int_equal(yscalar_bool(n, &v), 0);
	assert_int_equal(v, want);
}

static void assert_object(const struct ynode *root, const char *api, const char *kind,
			  const char *name, const char *ns)
{
	assert_str_at(at(root, "apiVersion", NULL), api);
	assert_str_at(at(root, "kind", NULL), kind);
	assert_str_at(at(root, "metadata", "name", NULL), name);
	if (ns)
		assert_str_at(at(root, "metadata", "namespace", NULL), ns);
	else
		assert_null(at(root, "metadata", "namespace", NULL));
	assert_str_at(at(root, "metadata", "labels", KCFG_MANAGED_BY_LABEL, NULL),
		      KCFG_MANAGED_BY);
}

/*
 * Every key of the values override must be a key of the chart's default
 * values (helm ignores unknown keys silently). Lists replace the default
 * wholesale, so their items are not compared.
 */
static void check_keys(const struct ynode *user, const struct ynode *def, struct strbuf *path)
{
	assert_int_equal(user->type, YNODE_MAP);
	for (size_t i = 0; i < user->nr; i++) {
		const char *k = user->pairs[i].key->value;
		const struct ynode *uv = user->pairs[i].value, *dv;
		size_t len = path->len;

		strbuf_addf(path, ".%s", k);
		dv = ynode_map_get(def, k);
		if (!dv)
			fail_msg("values key '%s' is not in the chart's defaults", path->buf);
		if (uv->type == YNODE_MAP && dv->type == YNODE_MAP)
			check_keys(uv, dv, path);
		strbuf_setlen(path, len);
	}
}

/*
 * Parses a Chart file, checks its frame and its values against
 * tests/data/schemas/helm-values/<defaults>.values.yaml, and returns the
 * parsed values in *values.
 */
static void check_chart(const struct resource_list *rl, const char *rel, const char *release,
			const char *chart_ref, const char *version, const char *ns,
			const char *repo, const char *defaults, struct ydoc *values)
{
	const struct resource *r = manifest(rl, rel);
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf path = STRBUF_INIT, object = STRBUF_INIT;
	struct ydoc doc, def = YDOC_INIT;
	const struct ynode *v;

	assert_int_equal(parse_docs(r->content.buf, &doc), 1);
	assert_false(r->secret);
	assert_int_equal(r->mode, 0644);
	strbuf_addf(&object, "kcfg-%s", release);
	assert_object(doc.root, "helm.k0sproject.io/v1beta1", "Chart", object.buf, "kube-system");
	assert_str_at(at(doc.root, "spec", "chartName", NULL), chart_ref);
	assert_str_at(at(doc.root, "spec", "releaseName", NULL), release);
	assert_str_at(at(doc.root, "spec", "version", NULL), version);
	assert_str_at(at(doc.root, "spec", "namespace", NULL), ns);
	assert_str_at(at(doc.root, "spec", "repository", "url", NULL), repo);
	v = at(doc.root, "spec", "values", NULL);
	assert_non_null(v);
	assert_int_equal(v->style, YSTYLE_LITERAL);
	if (ydoc_parse(values, "values", v->value, v->len, &dl) < 0)
		fail_msg("the values of %s do not parse", rel);

	strbuf_addf(&path, "%s/tests/data/schemas/helm-values/%s.values.yaml", KCFG_SRCDIR,
		    defaults);
	assert_int_equal(ydoc_load_file(&def, path.buf, &dl), 0);
	strbuf_reset(&path);
	check_keys(values->root, def.root, &path);
	ydoc_release(&def);
	ydoc_release(&doc);
	strbuf_release(&path);
	strbuf_release(&object);
}

static void test_gpu_operator(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct world w;
	struct ydoc v;
	const struct ynode *env;

	world_init(&w, MDX_ADDRESSES);
	render_all(&w, &rl);
	assert_int_equal(in_stack(&rl, "gpu-operator"), 1);
	check_chart(&rl, "gpu-operator/10-chart.yaml", "gpu-operator", "gpu-operator/gpu-operator",
		    "v26.7.0", "gpu-operator", "https://helm.ngc.nvidia.com/nvidia", "gpu-operator",
		    &v);
	assert_bool_at(at(v.root, "driver", "enabled", NULL), 0);
	/* with the host's driver the driver pod's GPUDirect values do nothing: none */
	assert_null(at(v.root, "driver", "rdma", NULL));
	assert_null(at(v.root, "gdrcopy", NULL));
	assert_bool_at(at(v.root, "toolkit", "enabled", NULL), 1);
	assert_bool_at(at(v.root, "nfd", "enabled", NULL), 1);
	assert_str_at(at(v.root, "mig", "strategy", NULL), "mixed");
	assert_bool_at(at(v.root, "migManager", "enabled", NULL), 1);
	assert_str_at(at(v.root, "operator", "runtimeClass", NULL), "nvidia");
	env = at(v.root, "toolkit", "env", NULL);
	assert_non_null(env);
	assert_int_equal(env->type, YNODE_SEQ);
	assert_int_equal(env->nr, 6);
	assert_str_at(at(env->items[0], "name", NULL), "CONTAINERD_CONFIG");
	assert_str_at(at(env->items[0], "value", NULL), "/etc/k0s/nvidia-toolkit/config.toml");
	assert_str_at(at(env->items[1], "name", NULL), "RUNTIME_DROP_IN_CONFIG");
	assert_str_at(at(env->items[1], "value", NULL), "/etc/k0s/containerd.d/nvidia.toml");
	assert_str_at(at(env->items[2], "name", NULL), "CONTAINERD_SOCKET");
	assert_str_at(at(env->items[2], "value", NULL), "/run/k0s/containerd.sock");
	assert_str_at(at(env->items[3], "name", NULL), "RUNTIME_EXECUTABLE_PATH");
	assert_str_at(at(env->items[3], "value", NULL), "/var/lib/k0s/bin/containerd");
	assert_str_at(at(env->items[4], "name", NULL), "CONTAINERD_RUNTIME_CLASS");
	assert_str_at(at(env->items[4], "value", NULL), "nvidia");
	/* an env value is a string, even "true" */
	assert_str_at(at(env->items[5], "name", NULL), "CONTAINERD_SET_AS_DEFAULT");
	assert_str_at(at(env->items[5], "value", NULL), "true");
	ydoc_release(&v);
	resource_list_release(&rl);
	world_release(&w);

	/* the settings reach the values; no RDMA on the cluster means none here */
	world_init(&w, MDX_ADDRESSES "cluster: {rdma: false}\n"
		   "gpu_operator: {driver: true, toolkit: true, mig_strategy: single,\n"
		   "  containerd_config_dir: /etc/k0s/dropins}\n");
	render_all(&w, &rl);
	check_chart(&rl, "gpu-operator/10-chart.yaml", "gpu-operator", "gpu-operator/gpu-operator",
		    "v26.7.0", "gpu-operator", "https://helm.ngc.nvidia.com/nvidia", "gpu-operator",
		    &v);
	assert_bool_at(at(v.root, "driver", "enabled", NULL), 1);
	assert_bool_at(at(v.root, "driver", "rdma", "enabled", NULL), 0);
	assert_bool_at(at(v.root, "driver", "rdma", "useHostMofed", NULL), 1);
	assert_bool_at(at(v.root, "gdrcopy", "enabled", NULL), 1);
	assert_bool_at(at(v.root, "toolkit", "enabled", NULL), 1);
	assert_str_at(at(v.root, "mig", "strategy", NULL), "single");
	env = at(v.root, "toolkit", "env", NULL);
	assert_str_at(at(env->items[1], "value", NULL), "/etc/k0s/dropins/nvidia.toml");
	ydoc_release(&v);
	resource_list_release(&rl);
	world_release(&w);

	/* the operator's driver with RDMA: its GPUDirect values; no toolkit: no env */
	world_init(&w, MDX_ADDRESSES "gpu_operator: {driver: true, toolkit: false, gdrcopy: false}\n");
	render_all(&w, &rl);
	check_chart(&rl, "gpu-operator/10-chart.yaml", "gpu-operator", "gpu-operator/gpu-operator",
		    "v26.7.0", "gpu-operator", "https://helm.ngc.nvidia.com/nvidia", "gpu-operator",
		    &v);
	assert_bool_at(at(v.root, "driver", "rdma", "enabled", NULL), 1);
	assert_bool_at(at(v.root, "gdrcopy", "enabled", NULL), 0);
	assert_bool_at(at(v.root, "toolkit", "enabled", NULL), 0);
	assert_null(at(v.root, "toolkit", "env", NULL));
	ydoc_release(&v);
	resource_list_release(&rl);
	world_release(&w);
}

static void test_network_operator(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct world w;
	struct ydoc v, doc, conf = YDOC_INIT;
	const struct ynode *spec, *sel;

	world_init(&w, MDX_ADDRESSES);
	render_all(&w, &rl);
	assert_int_equal(in_stack(&rl, "network-operator"), 1);
	check_chart(&rl, "network-operator/10-chart.yaml", "network-operator",
		    "network-operator/network-operator", "v26.4.2", "nvidia-network-operator",
		    "https://helm.ngc.nvidia.com/nvidia", "network-operator", &v);
	/* the GPU operator brings NFD: only one may run */
	assert_bool_at(at(v.root, "nfd", "enabled", NULL), 0);
	assert_str_at(at(v.root, "operator", "cniBinDirectory", NULL), "/opt/cni/bin");
	ydoc_release(&v);

	/* the policy sits in its own stack, retried until its CRD exists */
	assert_int_equal(in_stack(&rl, "network-operator-policy"), 1);
	assert_int_equal(parse_docs(manifest(&rl, "network-operator-policy/"
					     "10-nicclusterpolicy.yaml")->content.buf, &doc), 1);
	assert_object(doc.root, "mellanox.com/v1alpha1", "NicClusterPolicy", "nic-cluster-policy",
		      NULL);
	spec = at(doc.root, "spec", NULL);
	assert_str_at(at(spec, "rdmaSharedDevicePlugin", "image", NULL),
		      "k8s-rdma-shared-dev-plugin");
	assert_str_at(at(spec, "rdmaSharedDevicePlugin", "repository", NULL),
		      "nvcr.io/nvidia/mellanox");
	assert_str_at(at(spec, "rdmaSharedDevicePlugin", "version", NULL),
		      "network-operator-v26.4.2");
	assert_str_at(at(spec, "secondaryNetwork", "multus", "image", NULL), "multus-cni");
	assert_str_at(at(spec, "secondaryNetwork", "cniPlugins", "image", NULL), "plugins");
	assert_str_at(at(spec, "secondaryNetwork", "cniPlugins", "version", NULL),
		      "network-operator-v26.4.2");
	/* the device plugin's config is JSON, which YAML reads too */
	sel = at(spec, "rdmaSharedDevicePlugin", "config", NULL);
	assert_non_null(sel);
	assert_int_equal(ydoc_parse(&conf, "config", sel->value, sel->len, &dl), 0);
	sel = at(conf.root, "configList", NULL);
	assert_int_equal(sel->type, YNODE_SEQ);
	assert_int_equal(sel->nr, 1);
	assert_str_at(at(sel->items[0], "resourceName", NULL), "rdma_shared_device");
	assert_string_equal(at(sel->items[0], "rdmaHcaMax", NULL)->value, "1000");
	assert_str_at(at(sel->items[0], "selectors", "vendors", NULL)->items[0], "15b3");
	assert_str_at(at(sel->items[0], "selectors", "drivers", NULL)->items[0], "mlx5_core");
	ydoc_release(&conf);
	release_docs(&doc, 1);
	resource_list_release(&rl);
	world_release(&w);

	/* without the GPU operator NFD comes from here; no RDMA means no device plugin */
	world_init(&w, MDX_ADDRESSES "addons: {gpu_operator: false}\ncluster: {rdma: false}\n"
		   "network_operator: {multus: false, rdma_resource_name: roce}\n");
	render_all(&w, &rl);
	check_chart(&rl, "network-operator/10-chart.yaml", "network-operator",
		    "network-operator/network-operator", "v26.4.2", "nvidia-network-operator",
		    "https://helm.ngc.nvidia.com/nvidia", "network-operator", &v);
	assert_bool_at(at(v.root, "nfd", "enabled", NULL), 1);
	ydoc_release(&v);
	parse_docs(manifest(&rl, "network-operator-policy/10-nicclusterpolicy.yaml")->content.buf,
		   &doc);
	spec = at(doc.root, "spec", NULL);
	assert_null(at(spec, "rdmaSharedDevicePlugin", NULL));
	assert_null(at(spec, "secondaryNetwork", "multus", NULL));
	assert_non_null(at(spec, "secondaryNetwork", "cniPlugins", NULL));
	release_docs(&doc, 1);
	resource_list_release(&rl);
	world_release(&w);
}

static void test_metallb(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	struct world w;
	struct ydoc v, docs[MAX_DOCS];
	const struct ynode *a;

	world_init(&w, "metallb:\n  addresses: [10.18.20.200-10.18.20.210, 10.18.21.0/28]\n"
		   "  pool_name: front\n");
	render_all(&w, &rl);
	check_chart(&rl, "metallb/10-chart.yaml", "metallb", "metallb/metallb", "0.15.3",
		    "metallb-system", "https://metallb.github.io/metallb", "metallb", &v);
	assert_bool_at(at(v.root, "speaker", "frr", "enabled", NULL), 0);
	ydoc_release(&v);
	assert_int_equal(in_stack(&rl, "metallb-pool"), 1);
	assert_int_equal(parse_docs(manifest(&rl, "metallb-pool/10-pool.yaml")->content.buf,
				    docs), 2);
	assert_object(docs[0].root, "metallb.io/v1beta1", "IPAddressPool", "front",
		      "metallb-system");
	a = at(docs[0].root, "spec", "addresses", NULL);
	assert_int_equal(a->nr, 2);
	assert_str_at(a->items[0], "10.18.20.200-10.18.20.210");
	assert_str_at(a->items[1], "10.18.21.0/28");
	assert_object(docs[1].root, "metallb.io/v1beta1", "L2Advertisement", "front",
		      "metallb-system");
	a = at(docs[1].root, "spec", "ipAddressPools", NULL);
	assert_int_equal(a->nr, 1);
	assert_str_at(a->items[0], "front");
	release_docs(docs, 2);
	resource_list_release(&rl);
	world_release(&w);

	/* on without addresses: an error that says how to fix it */
	world_init(&w, "");
	assert_int_equal(comp_desired(&component_metallb, &w.ctx, &w.hosts[0], &rl, &err), -1);
	assert_string_equal(err.buf, "'metallb.addresses' is empty, but 'addons.metallb' is on: "
			    "set it in cluster.yaml to a range like 10.18.20.200-10.18.20.210, "
			    "or turn 'addons.metallb' off");
	assert_int_equal(rl.nr, 0);
	strbuf_release(&err);
	resource_list_release(&rl);
	world_release(&w);
}

static void test_monitoring(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct world w;
	struct ydoc v, doc;
	const struct resource *r;

	world_init(&w, MDX_ADDRESSES "monitoring: {namespace: observe}\n");
	render_all(&w, &rl);
	assert_int_equal(in_stack(&rl, "monitoring"), 3);
	check_chart(&rl, "monitoring/20-chart.yaml", "kube-prometheus-stack",
		    "kube-prometheus-stack/kube-prometheus-stack", "88.6.0", "observe",
		    "https://prometheus-community.github.io/helm-charts", "kube-prometheus-stack",
		    &v);
	assert_str_at(at(v.root, "grafana", "admin", "existingSecret", NULL), "grafana-admin");
	assert_str_at(at(v.root, "grafana", "admin", "userKey", NULL), "admin-user");
	assert_str_at(at(v.root, "grafana", "admin", "passwordKey", NULL), "admin-password");
	assert_null(at(v.root, "grafana", "adminPassword", NULL));
	assert_bool_at(at(v.root, "kubeEtcd", "enabled", NULL), 0);
	ydoc_release(&v);

	parse_docs(manifest(&rl, "monitoring/00-namespace.yaml")->content.buf, &doc);
	assert_object(doc.root, "v1", "Namespace", "observe", NULL);
	release_docs(&doc, 1);

	r = manifest(&rl, "monitoring/10-grafana-admin.yaml");
	assert_true(r->secret);
	assert_int_equal(r->mode, 0600);
	parse_docs(r->content.buf, &doc);
	assert_object(doc.root, "v1", "Secret", "grafana-admin", "observe");
	assert_str_at(at(doc.root, "stringData", "admin-user", NULL), "admin");
	assert_str_at(at(doc.root, "stringData", "admin-password", NULL), GRAFANA_PW);
	release_docs(&doc, 1);
	resource_list_release(&rl);
	world_release(&w);
}

static void test_monitoring_needs_the_password(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	struct world w;
	static const char want[] = "'grafana_password' is not set in the vault, but "
				   "'addons.monitoring' is on: add it with 'kcfg vault edit', "
				   "or turn 'addons.monitoring' off";

	world_init(&w, MDX_ADDRESSES);
	secret_release(&w.sec.grafana_password);
	assert_int_equal(comp_desired(&component_monitoring, &w.ctx, &w.hosts[0], &rl, &err), -1);
	assert_string_equal(err.buf, want);
	strbuf_reset(&err);
	w.ctx.secrets = NULL;
	assert_int_equal(comp_desired(&component_monitoring, &w.ctx, &w.hosts[0], &rl, &err), -1);
	assert_string_equal(err.buf, want);
	assert_int_equal(rl.nr, 0);

	/* off, the password is not needed */
	world_release(&w);
	world_init(&w, MDX_ADDRESSES "addons: {monitoring: false}\n");
	w.ctx.secrets = NULL;
	strbuf_reset(&err);
	assert_int_equal(comp_desired(&component_monitoring, &w.ctx, &w.hosts[0], &rl, &err), 0);
	strbuf_release(&err);
	resource_list_release(&rl);
	world_release(&w);
}

static void test_password_only_in_its_secret(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct world w;
	size_t seen = 0;

	world_init(&w, MDX_ADDRESSES);
	render_all(&w, &rl);
	for (size_t i = 0; i < rl.nr; i++) {
		const struct resource *r = &rl.items[i];
		const char *fields[] = { r->content.buf, r->path, r->command, r->unless,
					 r->local_path };
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
			/* the password's first chars: a quoted or escaped copy still shows them */
			if (!fields[f] || !strstr(fields[f], "gr4f"))
				continue;
			assert_non_null(r->path);
			assert_string_equal(r->path,
					    MANIFESTS_DIR "/monitoring/10-grafana-admin.yaml");
			assert_true(r->secret);
			seen++;
		}
		if (r->secret)
			assert_string_equal(r->path,
					    MANIFESTS_DIR "/monitoring/10-grafana-admin.yaml");
	}
	assert_int_equal(seen, 1);
	resource_list_release(&rl);
	world_release(&w);
}

static void test_mpi_operator(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	const struct resource *r;
	struct world w;

	world_init(&w, MDX_ADDRESSES "versions: {mpi_operator: v0.7.0, mpi_operator_sha256: "
		   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef}\n");
	render_all(&w, &rl);
	r = find(&rl, RES_UPLOAD, MANIFESTS_DIR "/mpi-operator/10-mpi-operator.yaml");
	assert_non_null(r);
	assert_string_equal(r->local_path, ".kcfg/cache/mpi-operator-v0.7.0.yaml");
	assert_string_equal(r->sha256,
			    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	assert_int_equal(r->mode, 0644);
	assert_int_equal(in_stack(&rl, "mpi-operator"), 1);
	resource_list_release(&rl);
	world_release(&w);

	/* the default pin is the release tag's file: the upload carries it */
	world_init(&w, MDX_ADDRESSES);
	render_all(&w, &rl);
	r = find(&rl, RES_UPLOAD, MANIFESTS_DIR "/mpi-operator/10-mpi-operator.yaml");
	assert_string_equal(r->local_path, ".kcfg/cache/mpi-operator-v0.8.0.yaml");
	assert_string_equal(r->sha256,
			    "b38def13a94abe60b2a4b3485239d77f64892b8fbd202e9e435a6031b7500a8f");
	resource_list_release(&rl);
	world_release(&w);
}

static void test_spark_operator(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct world w;
	struct ydoc v, doc;
	const struct ynode *ns;
	struct strbuf path = STRBUF_INIT;

	world_init(&w, MDX_ADDRESSES);
	render_all(&w, &rl);
	check_chart(&rl, "spark-operator/10-chart.yaml", "spark-operator",
		    "spark-operator/spark-operator", "2.5.2", "spark-operator",
		    "https://kubeflow.github.io/spark-operator", "spark-operator", &v);
	ns = at(v.root, "spark", "jobNamespaces", NULL);
	assert_int_equal(ns->nr, 1);
	assert_str_at(ns->items[0], "default");
	assert_bool_at(at(v.root, "webhook", "enable", NULL), 1);
	ydoc_release(&v);
	/* "default" exists already: no Namespace file */
	assert_int_equal(in_stack(&rl, "spark-operator"), 1);
	resource_list_release(&rl);
	world_release(&w);

	world_init(&w, MDX_ADDRESSES "spark_operator: {job_namespace: spark-jobs}\n");
	render_all(&w, &rl);
	assert_int_equal(in_stack(&rl, "spark-operator"), 2);
	parse_docs(manifest(&rl, "spark-operator/00-job-namespace.yaml")->content.buf, &doc);
	assert_object(doc.root, "v1", "Namespace", "spark-jobs", NULL);
	release_docs(&doc, 1);
	check_chart(&rl, "spark-operator/10-chart.yaml", "spark-operator",
		    "spark-operator/spark-operator", "2.5.2", "spark-operator",
		    "https://kubeflow.github.io/spark-operator", "spark-operator", &v);
	assert_str_at(at(v.root, "spark", "jobNamespaces", NULL)->items[0], "spark-jobs");
	ydoc_release(&v);
	strbuf_release(&path);
	resource_list_release(&rl);
	world_release(&w);
}

/* What the first worker told for each filesystem. */
static const char *project_ids(const struct comp_ctx *ctx, const char *name, void *data)
{
	if (!strcmp(name, "lustre-project-id:/fast"))
		return "100010";
	if (!strcmp(name, "lustre-project-id:/large"))
		return "100011";
	return NULL;
}

static void test_exascaler(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct world w;
	struct ydoc docs[MAX_DOCS], conf = YDOC_INIT;
	const struct ynode *p, *m;
	const struct resource *r;

	world_init(&w, MDX_ADDRESSES);
	render_all(&w, &rl);
	/* namespace, config, classes; the driver manifest is made on the host */
	assert_int_equal(in_stack(&rl, "exascaler"), 3);

	parse_docs(manifest(&rl, "exascaler/00-namespace.yaml")->content.buf, docs);
	assert_object(docs[0].root, "v1", "Namespace", "exascaler", NULL);
	release_docs(docs, 1);

	r = manifest(&rl, "exascaler/10-config.yaml");
	assert_false(r->secret);
	parse_docs(r->content.buf, docs);
	assert_object(docs[0].root, "v1", "Secret", "exascaler-csi-file-driver-config",
		      "exascaler");
	p = at(docs[0].root, "stringData", "exascaler-csi-file-driver-config.yaml", NULL);
	assert_non_null(p);
	assert_int_equal(ydoc_parse(&conf, "config", p->value, p->len, &dl), 0);
	m = at(conf.root, "exascaler_map", NULL);
	assert_int_equal(m->nr, 2);
	assert_str_at(at(m, "exascaler-sc-fast", "exaFS", NULL),
		      "172.17.8.40@o2ib10:172.17.8.41@o2ib10:/fast");
	assert_str_at(at(m, "exascaler-sc-fast", "mountPoint", NULL), "/fast");
	assert_str_at(at(m, "exascaler-sc-large", "mountPoint", NULL), "/large");
	ydoc_release(&conf);
	release_docs(docs, 1);

	/* without project ids the StorageClasses wait for them (no placeholder in a file) */
	r = manifest(&rl, "exascaler/30-storageclasses.yaml");
	assert_string_equal(r->pending, "the Lustre project id of /fast");
	assert_string_equal(r->pending_value, "lustre-project-id:/fast");
	assert_int_equal(r->content.len, 0);
	resource_list_release(&rl);

	/* with the values a worker told, they are whole */
	w.ctx.value = project_ids;
	render_all(&w, &rl);
	r = manifest(&rl, "exascaler/30-storageclasses.yaml");
	assert_null(r->pending);
	assert_int_equal(parse_docs(r->content.buf, docs), 2);
	assert_object(docs[0].root, "storage.k8s.io/v1", "StorageClass", "exascaler-sc-fast", NULL);
	assert_str_at(at(docs[0].root, "metadata", "annotations",
			 "storageclass.kubernetes.io/is-default-class", NULL), "true");
	assert_str_at(at(docs[0].root, "provisioner", NULL), "exa.csi.ddn.com");
	p = at(docs[0].root, "parameters", NULL);
	assert_str_at(at(p, "exaFS", NULL), "172.17.8.40@o2ib10:172.17.8.41@o2ib10:/fast");
	assert_str_at(at(p, "mountPoint", NULL), "/fast");
	assert_str_at(at(p, "mountOptions", NULL), "network=o2ib10,flock,noauto,defaults");
	assert_str_at(at(p, "exaMountUid", NULL), "1000");
	assert_str_at(at(p, "bindMount", NULL), "false");
	assert_str_at(at(p, "configName", NULL), "exascaler-sc-fast");
	assert_str_at(at(p, "projectId", NULL), "100010");
	assert_object(docs[1].root, "storage.k8s.io/v1", "StorageClass", "exascaler-sc-large",
		      NULL);
	assert_null(at(docs[1].root, "metadata", "annotations", NULL));
	assert_str_at(at(docs[1].root, "parameters", "projectId", NULL), "100011");
	release_docs(docs, 2);

	/* the driver: the pinned manifest, the awk program, the command that joins them */
	r = find(&rl, RES_UPLOAD, "/var/lib/kcfg/exascaler/exascaler-csi-file-driver-v2.9.0.yaml");
	assert_non_null(r);
	assert_string_equal(r->local_path, ".kcfg/cache/exascaler-csi-file-driver-v2.9.0.yaml");
	assert_string_equal(r->sha256,
			    "17239796fd42d67fb27e7e71604084524bed5d230e63c08af7b37232c8b3cbbb");
	r = find(&rl, RES_FILE, "/var/lib/kcfg/exascaler/k0s-driver.awk");
	assert_non_null(r);
	assert_non_null(strstr(r->content.buf, "/var/lib/k0s/kubelet"));
	for (size_t i = 0; i < rl.nr; i++) {
		if (rl.items[i].kind == RES_COMMAND &&
		    !strcmp(rl.items[i].component, "exascaler-csi"))
			r = &rl.items[i];
	}
	assert_int_equal(r->kind, RES_COMMAND);
	assert_non_null(strstr(r->command, "awk -v ns='exascaler' -f "
				"/var/lib/kcfg/exascaler/k0s-driver.awk "
				"'/var/lib/kcfg/exascaler/exascaler-csi-file-driver-v2.9.0.yaml' "
				">>driver.yaml"));
	assert_null(strstr(r->command, "tar "));
	assert_non_null(strstr(r->command, "mv driver.yaml "
				"'/var/lib/k0s/manifests/exascaler/20-driver.yaml'"));
	assert_string_equal(r->unless, "grep -qxF '# Written by kcfg from exa-csi-driver v2.9.0 "
			    "for namespace exascaler (transform 1)' "
			    "'/var/lib/k0s/manifests/exascaler/20-driver.yaml'");
	resource_list_release(&rl);
	world_release(&w);
}

static const struct resource *command_of(const struct resource_list *rl, const char *component)
{
	for (size_t i = 0; i < rl->nr; i++)
		if (rl->items[i].kind == RES_COMMAND && !strcmp(rl->items[i].component, component))
			return &rl->items[i];
	return NULL;
}

/* Whereabouts: four pinned upstream files, two made on the controller with the image pinned. */
static void test_whereabouts(void **state)
{
	static const char *const off[] = {
		MDX_ADDRESSES "network_operator: {whereabouts: false}\n",
		MDX_ADDRESSES "addons: {network_operator: false}\n",
	};
	struct resource_list rl = RESOURCE_LIST_INIT;
	const struct resource *r;
	struct download d;
	struct world w;

	world_init(&w, MDX_ADDRESSES);
	render_all(&w, &rl);
	r = find(&rl, RES_UPLOAD, MANIFESTS_DIR "/whereabouts/00-ippools-crd.yaml");
	assert_non_null(r);
	assert_string_equal(r->local_path, ".kcfg/cache/whereabouts-v0.9.4-ippools.yaml");
	assert_string_equal(r->sha256,
			    "8957e53f260e5ee0ad6560743d02c609ff21e15f6c3b23851971522b3bf6027a");
	assert_string_equal(r->pin_key, "versions.whereabouts_ippools_sha256");
	r = find(&rl, RES_UPLOAD, MANIFESTS_DIR "/whereabouts/01-reservations-crd.yaml");
	assert_non_null(r);
	assert_string_equal(r->pin_key, "versions.whereabouts_reservations_sha256");
	assert_int_equal(in_stack(&rl, "whereabouts"), 2);
	r = find(&rl, RES_UPLOAD, "/var/lib/kcfg/whereabouts/whereabouts-v0.9.4-daemonset-install.yaml");
	assert_non_null(r);
	assert_string_equal(r->pin_key, "versions.whereabouts_daemonset_sha256");
	r = find(&rl, RES_UPLOAD,
		 "/var/lib/kcfg/whereabouts/whereabouts-v0.9.4-reconciler-deployment.yaml");
	assert_non_null(r);
	assert_string_equal(r->pin_key, "versions.whereabouts_reconciler_sha256");
	r = command_of(&rl, "whereabouts");
	assert_non_null(r);
	/* the version is awk data (-v), never program text */
	assert_non_null(strstr(r->command, "awk -v tag='v0.9.4' '{ if ($0 ~ /^[ \\t]*image: "
				"ghcr\\.io\\/k8snetworkplumbingwg\\/whereabouts:latest"));
	assert_non_null(strstr(r->command, "mv daemonset.yaml "
				"'/var/lib/k0s/manifests/whereabouts/10-daemonset.yaml'"));
	assert_non_null(strstr(r->command, "mv reconciler.yaml "
				"'/var/lib/k0s/manifests/whereabouts/20-reconciler.yaml'"));
	assert_non_null(strstr(r->unless, "grep -qxF '# Written by kcfg from whereabouts v0.9.4 "
			       "with image ghcr.io/k8snetworkplumbingwg/whereabouts:v0.9.4 "
			       "(transform 1)' '/var/lib/k0s/manifests/whereabouts/20-reconciler.yaml'"));
	resource_list_release(&rl);
	world_release(&w);

	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		world_init(&w, off[i]);
		render_all(&w, &rl);
		assert_int_equal(in_stack(&rl, "whereabouts"), 0);
		assert_non_null(find(&rl, RES_ABSENT, MANIFESTS_DIR "/whereabouts"));
		assert_non_null(find(&rl, RES_ABSENT, "/var/lib/kcfg/whereabouts"));
		assert_null(command_of(&rl, "whereabouts"));
		for (int id = DL_WHEREABOUTS_DAEMONSET; id <= DL_WHEREABOUTS_RECONCILER; id++) {
			download_get(&w.ctx, (enum download_id)id, &d);
			assert_int_equal(d.needed, 0);
			download_release(&d);
		}
		resource_list_release(&rl);
		world_release(&w);
	}
}

/* Add-ons come after those whose CRDs they need, one plan phase per group. */
static void test_addon_order(void **state)
{
	unsigned next = 1;

	assert_int_equal(addon_group(&component_gpu_operator), 1);
	assert_int_equal(addon_group(&component_metallb), 1);
	assert_int_equal(addon_group(&component_exascaler_csi), 1);
	/* the NodeFeatureRules need the GPU operator's NFD CRDs */
	assert_int_equal(addon_group(&component_network_operator), 2);
	/* its networks need Multus, from the network operator */
	assert_int_equal(addon_group(&component_whereabouts), 3);
	assert_int_equal(addon_group(&component_k0s), 0);
	for (size_t c = 0; c < nr_components; c++) {
		const struct component *comp = components[c];
		const struct addon *a = comp->data;
		unsigned g = addon_group(comp);

		if (comp->phase != COMP_PHASE_ADDONS)
			continue;
		if (g < 1 || g > ADDON_GROUPS)
			fail_msg("%s: group %u", comp->name, g);
		for (size_t i = 0; i < 3 && a->needs[i]; i++)
			assert_true(addon_group(component_find(a->needs[i])) < g);
	}
	/* the add-ons phases: groups 1, 2, 3 in order, each with its barrier */
	for (size_t p = 0; p < run_plan_phases_nr; p++) {
		const struct run_phase *ph = &run_plan_phases[p];

		if (ph->kind != PHASE_CONVERGE || ph->comp_phase != COMP_PHASE_ADDONS)
			continue;
		assert_int_equal(ph->addon_group, next);
		assert_non_null(ph->barrier);
		next++;
	}
	assert_int_equal(next, ADDON_GROUPS + 1);
}

static void test_off_means_absent(void **state)
{
	static const struct {
		const char *key, *stacks[2];
	} cases[] = {
		{ "gpu_operator", { "gpu-operator", NULL } },
		{ "network_operator", { "network-operator", "network-operator-policy" } },
		{ "metallb", { "metallb", "metallb-pool" } },
		{ "monitoring", { "monitoring", NULL } },
		{ "mpi_operator", { "mpi-operator", NULL } },
		{ "spark_operator", { "spark-operator", NULL } },
		{ "storage", { "exascaler", NULL } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resource_list on = RESOURCE_LIST_INIT, off = RESOURCE_LIST_INIT;
		struct strbuf yaml = STRBUF_INIT, path = STRBUF_INIT;
		struct world w;
		size_t files_on = 0, files_off = 0;

		world_init(&w, MDX_ADDRESSES);
		render_all(&w, &on);
		world_release(&w);
		strbuf_addf(&yaml, MDX_ADDRESSES "addons: {%s: false}\n", cases[i].key);
		world_init(&w, yaml.buf);
		render_all(&w, &off);
		for (size_t s = 0; s < 2 && cases[i].stacks[s]; s++) {
			assert_true(in_stack(&on, cases[i].stacks[s]) > 0);
			assert_int_equal(in_stack(&off, cases[i].stacks[s]), 0);
			strbuf_reset(&path);
			strbuf_addf(&path, MANIFESTS_DIR "/%s", cases[i].stacks[s]);
			assert_non_null(find(&off, RES_ABSENT, path.buf));
			assert_null(find(&on, RES_ABSENT, path.buf));
		}
		/* and nothing else changed */
		for (size_t j = 0; j < on.nr; j++)
			files_on += on.items[j].kind == RES_FILE || on.items[j].kind == RES_UPLOAD;
		for (size_t j = 0; j < off.nr; j++)
			files_off += off.items[j].kind == RES_UPLOAD;
		for (size_t j = 0; j < off.nr; j++) {
			const struct resource *r = &off.items[j], *o;
			if (r->kind != RES_FILE)
				continue;
			files_off++;
			o = find(&on, RES_FILE, r->path);
			assert_non_null(o);
			if (!strcmp(cases[i].key, "gpu_operator") &&
			    strstr(r->path, "/network-operator/"))
				continue;	/* NFD moves to the network operator */
			assert_string_equal(o->content.buf, r->content.buf);
		}
		assert_true(files_off < files_on);
		strbuf_release(&yaml);
		strbuf_release(&path);
		resource_list_release(&on);
		resource_list_release(&off);
		world_release(&w);
	}
}

static void test_addresses_change_only_the_pool(void **state)
{
	struct resource_list a = RESOURCE_LIST_INIT, b = RESOURCE_LIST_INIT;
	struct world w;
	size_t differ = 0;

	world_init(&w, MDX_ADDRESSES);
	render_all(&w, &a);
	world_release(&w);
	world_init(&w, "metallb:\n  addresses: [10.18.20.220-10.18.20.230]\n");
	render_all(&w, &b);
	assert_int_equal(a.nr, b.nr);
	for (size_t i = 0; i < a.nr; i++) {
		assert_int_equal(a.items[i].kind, b.items[i].kind);
		if (a.items[i].path || b.items[i].path)
			assert_string_equal(a.items[i].path, b.items[i].path);
		if (strcmp(a.items[i].content.buf, b.items[i].content.buf)) {
			assert_string_equal(a.items[i].path,
					    MANIFESTS_DIR "/metallb-pool/10-pool.yaml");
			assert_non_null(strstr(b.items[i].content.buf,
					       "- 10.18.20.220-10.18.20.230\n"));
			differ++;
		}
	}
	assert_int_equal(differ, 1);
	resource_list_release(&a);
	resource_list_release(&b);
	world_release(&w);
}

static void test_deterministic(void **state)
{
	struct resource_list a = RESOURCE_LIST_INIT, b = RESOURCE_LIST_INIT;
	struct world w;

	world_init(&w, MDX_ADDRESSES);
	render_all(&w, &a);
	render_all(&w, &b);
	assert_int_equal(a.nr, b.nr);
	for (size_t i = 0; i < a.nr; i++) {
		assert_int_equal(a.items[i].content.len, b.items[i].content.len);
		assert_memory_equal(a.items[i].content.buf, b.items[i].content.buf,
				    a.items[i].content.len);
	}
	resource_list_release(&a);
	resource_list_release(&b);
	world_release(&w);
}

static void test_chart_oci_repository(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct chart_spec c = { "metallb", "metallb", "oci://registry.example/charts", "0.15.3",
				"metallb-system", NULL };
	struct ydoc doc;

	assert_int_equal(chart_render(&c, "Written by kcfg: a test.", &out, &err), 0);
	parse_docs(out.buf, &doc);
	assert_str_at(at(doc.root, "spec", "chartName", NULL),
		      "oci://registry.example/charts/metallb");
	assert_null(at(doc.root, "spec", "repository", NULL));
	assert_null(at(doc.root, "spec", "values", NULL));
	release_docs(&doc, 1);
	strbuf_release(&out);
	strbuf_release(&err);
}

struct lookups {
	const char *fast, *large;
	int calls;
};

/* The project id command quotes its mount point. */
static void test_project_id_command(void **state)
{
	struct strbuf cmd = STRBUF_INIT;

	addons_project_id_command(&cmd, "/fast");
	assert_string_equal(cmd.buf, "o=$(lfs project -d '/fast') && printf '%s\\n' \"$o\" | "
			    "awk 'NR == 1 { print $1 }'");
	strbuf_reset(&cmd);
	addons_project_id_command(&cmd, "/it's");
	assert_string_equal(cmd.buf, "o=$(lfs project -d '/it'\\''s') && printf '%s\\n' \"$o\" | "
			    "awk 'NR == 1 { print $1 }'");
	strbuf_release(&cmd);
}

/* Every download: where from, its cache name, its pin, who needs it. */
static void test_downloads(void **state)
{
	struct strbuf got = STRBUF_INIT;
	struct download d;
	struct world w;

	world_init(&w, MDX_ADDRESSES);
	for (int id = 0; id < DL__NR; id++) {
		download_get(&w.ctx, (enum download_id)id, &d);
		strbuf_addf(&got, "%s %d %s %s %s [%.8s]\n", d.component, d.needed, d.name,
			    d.url, d.cache_path, d.sha256);
		download_release(&d);
	}
	assert_string_equal(got.buf,
		"k0s 1 k0s-v1.36.4+k0s.1-amd64 https://github.com/k0sproject/k0s/releases/"
		"download/v1.36.4+k0s.1/k0s-v1.36.4+k0s.1-amd64 .kcfg/cache/k0s-v1.36.4+k0s.1-amd64 "
		"[18c304d5]\n"
		"bastion 1 kubectl-v1.36.4-linux-amd64 https://dl.k8s.io/release/v1.36.4/bin/linux/"
		"amd64/kubectl .kcfg/cache/kubectl-v1.36.4-linux-amd64 [8b8f088d]\n"
		"bastion 1 helm-v4.2.4-linux-amd64.tar.gz https://get.helm.sh/"
		"helm-v4.2.4-linux-amd64.tar.gz .kcfg/cache/helm-v4.2.4-linux-amd64.tar.gz [c306b46f]\n"
		"harbor 1 harbor-online-installer-v2.15.2.tgz https://github.com/goharbor/harbor/"
		"releases/download/v2.15.2/harbor-online-installer-v2.15.2.tgz "
		".kcfg/cache/harbor-online-installer-v2.15.2.tgz [88f6a743]\n"
		"mpi-operator 1 mpi-operator-v0.8.0.yaml https://raw.githubusercontent.com/kubeflow/"
		"mpi-operator/v0.8.0/deploy/v2beta1/mpi-operator.yaml "
		".kcfg/cache/mpi-operator-v0.8.0.yaml [b38def13]\n"
		"exascaler-csi 1 exascaler-csi-file-driver-v2.9.0.yaml "
		"https://raw.githubusercontent.com/DDNStorage/exa-csi-driver/v2.9.0/deploy/"
		"kubernetes/exascaler-csi-file-driver.yaml "
		".kcfg/cache/exascaler-csi-file-driver-v2.9.0.yaml [17239796]\n"
		"whereabouts 1 whereabouts-v0.9.4-daemonset-install.yaml "
		"https://raw.githubusercontent.com/k8snetworkplumbingwg/whereabouts/v0.9.4/doc/crds/"
		"daemonset-install.yaml .kcfg/cache/whereabouts-v0.9.4-daemonset-install.yaml "
		"[5c4e4d52]\n"
		"whereabouts 1 whereabouts-v0.9.4-ippools.yaml "
		"https://raw.githubusercontent.com/k8snetworkplumbingwg/whereabouts/v0.9.4/doc/crds/"
		"whereabouts.cni.cncf.io_ippools.yaml .kcfg/cache/whereabouts-v0.9.4-ippools.yaml "
		"[8957e53f]\n"
		"whereabouts 1 whereabouts-v0.9.4-overlappingrangeipreservations.yaml "
		"https://raw.githubusercontent.com/k8snetworkplumbingwg/whereabouts/v0.9.4/doc/crds/"
		"whereabouts.cni.cncf.io_overlappingrangeipreservations.yaml "
		".kcfg/cache/whereabouts-v0.9.4-overlappingrangeipreservations.yaml [59ff31b1]\n"
		"whereabouts 1 whereabouts-v0.9.4-reconciler-deployment.yaml "
		"https://raw.githubusercontent.com/k8snetworkplumbingwg/whereabouts/v0.9.4/doc/crds/"
		"reconciler-deployment.yaml .kcfg/cache/whereabouts-v0.9.4-reconciler-deployment.yaml "
		"[4201b8d3]\n");
	world_release(&w);

	/* the run names the cache beside the inventory; add-ons turned off need nothing */
	world_init(&w, MDX_ADDRESSES "addons: {mpi_operator: false, storage: false}\n");
	w.ctx.cache_dir = "site/.kcfg/cache";
	download_get(&w.ctx, DL_MPI_OPERATOR, &d);
	assert_int_equal(d.needed, 0);
	assert_string_equal(d.cache_path, "site/.kcfg/cache/mpi-operator-v0.8.0.yaml");
	assert_string_equal(d.pin_key, "versions.mpi_operator_sha256");
	download_release(&d);
	download_get(&w.ctx, DL_EXASCALER_CSI, &d);
	assert_int_equal(d.needed, 0);
	download_release(&d);
	strbuf_release(&got);
	world_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpu_operator),
		cmocka_unit_test(test_network_operator),
		cmocka_unit_test(test_metallb),
		cmocka_unit_test(test_monitoring),
		cmocka_unit_test(test_monitoring_needs_the_password),
		cmocka_unit_test(test_password_only_in_its_secret),
		cmocka_unit_test(test_mpi_operator),
		cmocka_unit_test(test_spark_operator),
		cmocka_unit_test(test_exascaler),
		cmocka_unit_test(test_whereabouts),
		cmocka_unit_test(test_addon_order),
		cmocka_unit_test(test_off_means_absent),
		cmocka_unit_test(test_addresses_change_only_the_pool),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_chart_oci_repository),
		cmocka_unit_test(test_project_id_command),
		cmocka_unit_test(test_downloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
