/*
 * What the verify step read of the running cluster (cluster-view.h),
 * and how its fields are found. The lists are the Kubernetes API's JSON:
 *
 *   Node (k8s.io/api core/v1 types.go): metadata.name, metadata.labels;
 *     status.conditions[] {type "Ready", status "True"/"False"/"Unknown",
 *     message} (NodeCondition); status.allocatable (ResourceList: name ->
 *     Quantity string); status.nodeInfo.kubeletVersion (NodeSystemInfo).
 *   Chart (k0s pkg/apis/helm/v1beta1/chart_types.go): spec.version,
 *     status.version, status.error.
 *   StorageClass (k8s.io/api storage/v1 types.go): metadata.name,
 *     metadata.annotations.
 *   IPAddressPool (metallb.io/v1beta1, metallb api/v1beta1
 *     ipaddresspool_types.go): metadata.name, metadata.namespace.
 *
 * Everything here is read from hosts: any field may be missing or of
 * another type, and is then treated as not reported.
 */
#include <string.h>

#include "components/cluster-view.h"
#include "util/json-read.h"
#include "util/banned.h"

void cluster_view_init(struct cluster_view *v)
{
	memset(v, 0, sizeof(*v));
	for (size_t k = 0; k < CLUSTER_READ_NR; k++) {
		strbuf_init(&v->r[k].out, 0);
		strbuf_init(&v->r[k].err, 0);
		strbuf_init(&v->r[k].why, 0);
	}
}

void cluster_view_release(struct cluster_view *v)
{
	for (size_t k = 0; k < CLUSTER_READ_NR; k++) {
		strbuf_release(&v->r[k].out);
		strbuf_release(&v->r[k].err);
		strbuf_release(&v->r[k].why);
		json_node_free(v->r[k].json);
	}
	memset(v, 0, sizeof(*v));
}

/* The first line of `s`, at most 300 bytes, for a message. */
static void first_line(struct strbuf *out, const struct strbuf *s)
{
	size_t n = strcspn(s->buf, "\n");

	strbuf_add(out, s->buf, n > 300 ? 300 : n);
}

void cluster_view_parse(struct cluster_view *v)
{
	struct cluster_read *rz = &v->r[CLUSTER_READYZ];

	if (rz->state == CLUSTER_READ) {
		struct strbuf s = STRBUF_INIT;

		strbuf_addbuf(&s, &rz->out);
		strbuf_trim(&s);
		v->api_ready = rz->status == 0 && !strcmp(s.buf, "ok");
		if (!v->api_ready) {
			strbuf_addstr(&rz->why, "it answers '");
			first_line(&rz->why, s.len ? &s : &rz->err);
			strbuf_addch(&rz->why, '\'');
		}
		strbuf_release(&s);
	}
	for (size_t k = CLUSTER_NODES; k < CLUSTER_READ_NR; k++) {
		struct cluster_read *r = &v->r[k];
		struct strbuf err = STRBUF_INIT;

		if (r->state != CLUSTER_READ || r->why.len)
			continue;
		if (r->status) {
			strbuf_addf(&r->why, "exit status %d", r->status);
			if (r->err.len) {
				strbuf_addstr(&r->why, ": ");
				first_line(&r->why, &r->err);
			}
		} else if (json_parse(r->out.buf, r->out.len, &r->json, &err) < 0) {
			strbuf_addf(&r->why, "it is not JSON: %s", err.buf);
		} else if (k != CLUSTER_HARBOR && (!json_get(r->json, "items") ||
						   json_get(r->json, "items")->type != JSON_ARRAY)) {
			strbuf_addstr(&r->why, "it is JSON without a list of items");
			json_node_free(r->json);
			r->json = NULL;
		}
		strbuf_release(&err);
	}
}

int cluster_view_unreachable(const struct cluster_view *v)
{
	return !v->controller || v->r[CLUSTER_READYZ].state != CLUSTER_READ;
}

const struct json_node *cluster_item(const struct cluster_view *v, enum cluster_read_kind k,
				     const char *name)
{
	const struct json_node *items = json_get(v->r[k].json, "items");

	for (size_t i = 0; items && items->type == JSON_ARRAY && i < items->nr; i++) {
		const char *n = json_get_str(json_get(items->items[i], "metadata"), "name", NULL);

		if (n && !strcmp(n, name))
			return items->items[i];
	}
	return NULL;
}

const struct json_node *cluster_node(const struct cluster_view *v, const char *name)
{
	return cluster_item(v, CLUSTER_NODES, name);
}

const char *cluster_node_ready(const struct json_node *node, const char **message)
{
	const struct json_node *conds = json_get(json_get(node, "status"), "conditions");

	*message = NULL;
	for (size_t i = 0; conds && conds->type == JSON_ARRAY && i < conds->nr; i++) {
		if (strcmp(json_get_str(conds->items[i], "type", ""), "Ready"))
			continue;
		*message = json_get_str(conds->items[i], "message", NULL);
		return json_get_str(conds->items[i], "status", "Unknown");
	}
	return NULL;
}

const char *cluster_node_allocatable(const struct json_node *node, const char *resource)
{
	return json_get_str(json_get(json_get(node, "status"), "allocatable"), resource, NULL);
}

const char *cluster_node_kubelet(const struct json_node *node)
{
	return json_get_str(json_get(json_get(node, "status"), "nodeInfo"), "kubeletVersion",
			    NULL);
}

int cluster_quantity_positive(const char *q)
{
	/* a Quantity (k8s.io/apimachinery resource/quantity.go): digits, an
	 * optional fraction, a suffix; a count of devices is plain digits */
	int nonzero = 0;
	size_t i = 0;

	if (!q)
		return 0;
	for (; q[i] >= '0' && q[i] <= '9'; i++)
		nonzero |= q[i] != '0';
	if (!i)
		return 0;
	if (q[i] == '.')
		for (i++; q[i] >= '0' && q[i] <= '9'; i++)
			nonzero |= q[i] != '0';
	return nonzero && strlen(q + i) <= 2 && !strchr(q + i, '-');
}
