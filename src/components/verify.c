/*
 * The components' verify() hooks: what must be true of a host once the
 * cluster runs, judged from what the verify step read (ctx->view,
 * cluster-view.h). The engine calls each hook for every host of the
 * run; a hook speaks only about the hosts it concerns, and says nothing
 * when what it needs was not read (the API being down is k0s's finding,
 * once). Each problem names the host and where to look (docs/components.md).
 */
#include <string.h>

#include "components/addon.h"
#include "components/cluster-view.h"
#include "components/component.h"
#include "components/k0s.h"
#include "config/settings.h"
#include "util/diag.h"
#include "util/json-read.h"
#include "util/strbuf.h"
#include "util/banned.h"

static const struct cluster_view *view_of(const struct comp_ctx *ctx)
{
	return ctx->view && !cluster_view_unreachable(ctx->view) ? ctx->view : NULL;
}

/* 1 when `h` is the first host with `roles` (the one a cluster-wide check belongs to). */
static int first_of(const struct comp_ctx *ctx, const struct comp_host *h, unsigned roles)
{
	const struct comp_host *f = comp_first_host(ctx, roles);

	return f && !strcmp(f->name, h->name);
}

/* The list `k` when it was read as JSON; otherwise one error saying why not. */
static const struct cluster_view *list_of(const struct comp_ctx *ctx, enum cluster_read_kind k,
					  const char *what, const char *hint,
					  struct diag_list *found)
{
	const struct cluster_view *v = view_of(ctx);

	if (!v || !v->api_ready)
		return NULL;
	if (v->r[k].json)
		return v;
	diag_error(found, NULL, 0, 0, hint, "cannot read %s on '%s': %s", what, v->controller,
		   v->r[k].why.len ? v->r[k].why.buf : "it was not read");
	return NULL;
}

/* ---- k0s: the API answers, every node is registered and Ready ---- */

static void verify_node(const struct comp_ctx *ctx, const struct cluster_view *v,
			const struct comp_host *host, struct diag_list *found)
{
	const struct json_node *node = cluster_node(v, host->name);
	const char *status, *message, *kubelet, *label;
	struct strbuf profile = STRBUF_INIT, err = STRBUF_INIT;

	if (!node) {
		diag_error(found, NULL, 0, 0, "see 'journalctl -u k0sworker' on it; 'kcfg apply' "
			   "joins it", "node '%s' is not registered in the cluster", host->name);
		return;
	}
	status = cluster_node_ready(node, &message);
	if (!status || strcmp(status, "True"))
		diag_error(found, NULL, 0, 0, "see 'journalctl -u k0sworker' on it and 'k0s "
			   "kubectl describe node' on the controller",
			   "node '%s' is not Ready (Ready: %s%s%.300s)", host->name,
			   status ? status : "not reported", message ? ", " : "",
			   message ? message : "");
	/* k0s runs the worker with --profile; a node carrying the label must agree */
	label = json_get_str(json_get(json_get(node, "metadata"), "labels"),
			     CLUSTER_PROFILE_LABEL, NULL);
	if (label && host->facts && k0s_profile_name(ctx, host, &profile, &err) == 0 &&
	    strcmp(label, profile.buf))
		diag_error(found, NULL, 0, 0, "'kcfg apply -C k0s' installs the worker with its "
			   "profile", "node '%s' runs worker profile '%.100s', not '%s'",
			   host->name, label, profile.buf);
	kubelet = cluster_node_kubelet(node);
	if (kubelet && ctx->settings->versions.k0s) {
		const char *pin = ctx->settings->versions.k0s;
		size_t n = strcspn(pin, "+");

		if (strncmp(kubelet, pin, n) || (kubelet[n] && kubelet[n] != '+'))
			diag_warning(found, NULL, 0, 0, "'kcfg apply -C k0s' installs the pinned k0s",
				     "node '%s' runs kubelet %.100s, not %.*s (versions.k0s)",
				     host->name, kubelet, (int)n, pin);
	}
	strbuf_release(&profile);
	strbuf_release(&err);
}

int k0s_verify(const struct component *self, const struct comp_ctx *ctx,
	       const struct comp_host *host, struct diag_list *found)
{
	const struct cluster_view *v = view_of(ctx);

	if (!v)
		return 0;
	if (first_of(ctx, host, COMP_ROLE_MASTER) && !v->api_ready)
		diag_error(found, NULL, 0, 0, "see 'journalctl -u k0scontroller' on the controller",
			   "the API server is not ready: %s", v->r[CLUSTER_READYZ].why.buf);
	if ((host->roles & COMP_ROLE_WORKER) &&
	    list_of(ctx, CLUSTER_NODES, "the node list", NULL, found))
		verify_node(ctx, v, host, found);
	return 0;
}

/* ---- harbor: healthy, seen from the bastion, through kcfg's CA ---- */

int harbor_verify(const struct component *self, const struct comp_ctx *ctx,
		  const struct comp_host *host, struct diag_list *found)
{
	const struct cluster_read *r = ctx->view ? &ctx->view->r[CLUSTER_HARBOR] : NULL;
	const char *reg = ctx->settings->registry.name;
	const char *hint = "check 'docker ps' on the registry host, /var/log/harbor/ there, and "
			   "that the bastion resolves the name (kcfg apply -C common)";
	const struct json_node *comps;

	if (!r || !(host->roles & COMP_ROLE_REGISTRY) || !first_of(ctx, host, COMP_ROLE_REGISTRY))
		return 0;
	if (r->state == CLUSTER_NOT_READ)
		return 0;	/* no bastion to ask from */
	if (r->state == CLUSTER_UNREACHABLE) {
		diag_error(found, NULL, 0, 0, NULL, "cannot check Harbor from '%s': %s",
			   ctx->view->bastion, r->why.buf);
		return 0;
	}
	/* curl's exit codes (curl(1)): 35 TLS handshake, 51/60 the peer's certificate */
	if (r->status == 60 || r->status == 51 || r->status == 35) {
		diag_error(found, NULL, 0, 0, "the registry must serve the certificate kcfg made "
			   "(kcfg apply -C harbor)", "Harbor at https://%s/ does not show a "
			   "certificate for that name chaining to kcfg's CA (curl exit %d: %.200s)",
			   reg, r->status, r->err.buf);
		return 0;
	}
	if (r->status) {
		diag_error(found, NULL, 0, 0, hint, "Harbor at https://%s/ does not answer from "
			   "'%s' (curl exit %d: %.200s)", reg, ctx->view->bastion, r->status,
			   r->err.buf);
		return 0;
	}
	if (!r->json) {
		diag_error(found, NULL, 0, 0, hint, "Harbor at https://%s/ answers its health check "
			   "with something else: %s", reg, r->why.buf);
		return 0;
	}
	if (!strcmp(json_get_str(r->json, "status", ""), "healthy"))
		return 0;
	comps = json_get(r->json, "components");
	for (size_t i = 0; comps && comps->type == JSON_ARRAY && i < comps->nr; i++) {
		const char *st = json_get_str(comps->items[i], "status", "");

		if (strcmp(st, "healthy"))
			diag_error(found, NULL, 0, 0, hint, "Harbor's %.60s is %.60s%s%.200s",
				   json_get_str(comps->items[i], "name", "?"), *st ? st : "(no status)",
				   json_get_str(comps->items[i], "error", NULL) ? ": " : "",
				   json_get_str(comps->items[i], "error", ""));
	}
	diag_error(found, NULL, 0, 0, hint, "Harbor at https://%s/ is %.60s, not healthy", reg,
		   json_get_str(r->json, "status", "(no status)"));
	return 0;
}

/* ---- add-ons: the Chart is deployed at the pinned version ---- */

int addon_verify(const struct component *self, const struct comp_ctx *ctx,
		 const struct comp_host *host, struct diag_list *found)
{
	const struct addon *a = self->data;
	const struct cluster_view *v;
	struct chart_spec c = { 0 };
	const struct json_node *chart, *status;
	struct strbuf name = STRBUF_INIT;
	const char *hint = "see 'k0s kubectl -n kube-system describe charts' on the controller";

	if (!a->enabled(ctx->settings))
		return 0;
	if (a->chart && (host->roles & COMP_ROLE_MASTER) && first_of(ctx, host, COMP_ROLE_MASTER) &&
	    (v = list_of(ctx, CLUSTER_CHARTS, "the Charts", hint, found))) {
		a->source(ctx->settings, &c);
		strbuf_addf(&name, "kcfg-%s", a->chart);
		chart = cluster_item(v, CLUSTER_CHARTS, name.buf);
		status = json_get(chart, "status");
		if (!chart)
			diag_error(found, NULL, 0, 0, "'kcfg apply' writes it", "chart '%s' is not in "
				   "the cluster", name.buf);
		else if (*json_get_str(status, "error", ""))
			diag_error(found, NULL, 0, 0, hint, "chart '%s' failed: %.300s", name.buf,
				   json_get_str(status, "error", ""));
		else if (!c.version || strcmp(json_get_str(status, "version", ""), c.version))
			diag_error(found, NULL, 0, 0, hint, "chart '%s' is at version '%.60s', not "
				   "the pinned '%s'", name.buf,
				   json_get_str(status, "version", "(none)"), c.version ? c.version : "");
	}
	strbuf_release(&name);
	return a->verify ? a->verify(ctx, host, found) : 0;
}

/* A worker's allocatable `resource` is positive (the node itself is k0s's finding). */
static void verify_allocatable(const struct comp_ctx *ctx, const struct comp_host *host,
			       const char *resource, const char *hint, struct diag_list *found)
{
	const struct cluster_view *v = list_of(ctx, CLUSTER_NODES, "the node list", NULL, found);
	const struct json_node *node = v ? cluster_node(v, host->name) : NULL;
	const char *q;

	if (!node)
		return;
	q = cluster_node_allocatable(node, resource);
	if (!cluster_quantity_positive(q))
		diag_error(found, NULL, 0, 0, hint, "node '%s' has no %s allocatable (%.40s)",
			   host->name, resource, q ? q : "not reported");
}

int gpu_operator_verify(const struct comp_ctx *ctx, const struct comp_host *host,
			struct diag_list *found)
{
	if (host->roles & COMP_ROLE_GPU)
		verify_allocatable(ctx, host, "nvidia.com/gpu", "check the pods in the GPU "
				   "operator's namespace, 'nvidia-smi' on the node and the "
				   "containerd drop-in", found);
	return 0;
}

int network_operator_verify(const struct comp_ctx *ctx, const struct comp_host *host,
			    struct diag_list *found)
{
	const struct settings *s = ctx->settings;
	struct strbuf res = STRBUF_INIT;

	/* the plugin runs where it is on and the cluster has RDMA: every RoCE worker */
	if (s->network_operator.rdma_shared_device_plugin && s->cluster.rdma &&
	    (host->roles & COMP_ROLE_WORKER) && host->roce_address && *host->roce_address) {
		strbuf_addf(&res, CLUSTER_RDMA_PREFIX "%s", s->network_operator.rdma_resource_name);
		verify_allocatable(ctx, host, res.buf, "check 'k0s kubectl get nicclusterpolicy "
				   "nic-cluster-policy -o yaml' and the pods in the network "
				   "operator's namespace", found);
	}
	strbuf_release(&res);
	return 0;
}

int metallb_verify(const struct comp_ctx *ctx, const struct comp_host *host,
		   struct diag_list *found)
{
	const struct settings *s = ctx->settings;
	const char *hint = "see 'k0s kubectl -n kube-system describe charts' and the stack "
			   "metallb-pool on the controller";
	const struct cluster_view *v;
	const struct json_node *pool;

	if (!(host->roles & COMP_ROLE_MASTER) || !first_of(ctx, host, COMP_ROLE_MASTER) ||
	    !(v = list_of(ctx, CLUSTER_POOLS, "the IPAddressPools", hint, found)))
		return 0;
	pool = cluster_item(v, CLUSTER_POOLS, s->metallb.pool_name);
	if (!pool || strcmp(json_get_str(json_get(pool, "metadata"), "namespace", ""),
			    s->metallb.namespace))
		diag_error(found, NULL, 0, 0, hint, "MetalLB has no IPAddressPool '%s' in "
			   "namespace '%s'", s->metallb.pool_name, s->metallb.namespace);
	return 0;
}

int exascaler_verify(const struct comp_ctx *ctx, const struct comp_host *host,
		     struct diag_list *found)
{
	const struct storage_fs_list *fl = &ctx->settings->storage.filesystems;
	const char *hint = "check the pods in the storage namespace and that the filesystems "
			   "are mounted on the workers";
	const struct cluster_view *v;

	if (!(host->roles & COMP_ROLE_MASTER) || !first_of(ctx, host, COMP_ROLE_MASTER) ||
	    !(v = list_of(ctx, CLUSTER_STORAGECLASSES, "the StorageClasses", hint, found)))
		return 0;
	for (size_t i = 0; i < fl->nr; i++) {
		const struct json_node *sc = cluster_item(v, CLUSTER_STORAGECLASSES,
							  fl->v[i].storage_class);
		const char *def = json_get_str(json_get(json_get(sc, "metadata"), "annotations"),
					       "storageclass.kubernetes.io/is-default-class", "");

		if (!sc)
			diag_error(found, NULL, 0, 0, hint, "StorageClass '%s' (%s) is not in the "
				   "cluster", fl->v[i].storage_class, fl->v[i].mount_point);
		else if (fl->v[i].is_default && strcmp(def, "true"))
			diag_error(found, NULL, 0, 0, hint, "StorageClass '%s' is not the default",
				   fl->v[i].storage_class);
	}
	return 0;
}
