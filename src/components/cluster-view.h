#ifndef KCFG_CLUSTER_VIEW_H
#define KCFG_CLUSTER_VIEW_H

#include <stddef.h>

#include "util/strbuf.h"

struct comp_ctx;
struct comp_host;
struct component;
struct diag_list;
struct json_node;
struct smoke_run;

/*
 * What the verify step (and `kcfg status`) read of the running cluster,
 * once per run, for the components' verify() hooks (ctx->view): the
 * controller's own kubectl (`k0s kubectl`) and, from the bastion,
 * Harbor's health. Every list is the Kubernetes API's JSON as read; the
 * hooks only judge it (what each field is: cluster-view.c).
 */
enum cluster_read_state {
	CLUSTER_NOT_READ,	/* not asked (no such host, the API was down) */
	CLUSTER_READ,		/* `out` is what the command printed, `status` its exit */
	CLUSTER_UNREACHABLE,	/* the host's session failed: `why` */
};

struct cluster_read {
	int asked;			/* a step was queued for it */
	const char *host;		/* where */
	enum cluster_read_state state;
	int status;
	struct strbuf out, err, why;
	struct json_node *json;		/* the parsed list, or NULL (`why`) */
};

enum cluster_read_kind {
	CLUSTER_READYZ,		/* kubectl get --raw=/readyz */
	CLUSTER_NODES,		/* kubectl get nodes -o json */
	CLUSTER_CHARTS,		/* kubectl get charts.helm.k0sproject.io -A -o json */
	CLUSTER_STORAGECLASSES,	/* kubectl get storageclasses -o json */
	CLUSTER_POOLS,		/* kubectl get ipaddresspools.metallb.io -A -o json */
	CLUSTER_HARBOR,		/* curl of Harbor's /api/v2.0/health from the bastion */
	CLUSTER_READ_NR
};

struct cluster_view {
	const char *controller;		/* the host of the kubectl reads, or NULL: none */
	const char *bastion;		/* the host of Harbor's health, or NULL */
	int api_ready;			/* /readyz said ok */
	int skipped;			/* nothing the run picked needs the API */
	struct cluster_read r[CLUSTER_READ_NR];
	struct smoke_run *smoke;	/* status --smoke: its workloads (smoke.h), or NULL */
};

void cluster_view_init(struct cluster_view *v);
void cluster_view_release(struct cluster_view *v);
/* Parses the JSON of every list read (r[k].json, or r[k].why). */
void cluster_view_parse(struct cluster_view *v);
/* 1 when the controller could not be asked at all (or was not: skipped): nothing checked. */
int cluster_view_unreachable(const struct cluster_view *v);

/* The Node called `name` in the node list, or NULL. */
const struct json_node *cluster_node(const struct cluster_view *v, const char *name);
/* The Ready condition's status of `node` ("True", ...) or NULL; *message its message. */
const char *cluster_node_ready(const struct json_node *node, const char **message);
/* status.allocatable[resource] of `node` (a Quantity string), or NULL. */
const char *cluster_node_allocatable(const struct json_node *node, const char *resource);
/* status.nodeInfo.kubeletVersion of `node`, or NULL. */
const char *cluster_node_kubelet(const struct json_node *node);
/* 1 when quantity `q` is a positive amount ("8", "1k"); 0 for "0", NULL, junk. */
int cluster_quantity_positive(const char *q);
/* The item called `name` (metadata.name) of list `k`, or NULL. */
const struct json_node *cluster_item(const struct cluster_view *v, enum cluster_read_kind k,
				     const char *name);

/* The label k0s's worker profiles go by, when a node carries it. */
#define CLUSTER_PROFILE_LABEL "k0s.k0sproject.io/worker-profile"
/* The extended resource the RDMA shared device plugin advertises: rdma/<name>. */
#define CLUSTER_RDMA_PREFIX "rdma/"

/* ---- the verify() hooks (components/verify.c) ---- */

int k0s_verify(const struct component *self, const struct comp_ctx *ctx,
	       const struct comp_host *host, struct diag_list *found);
int harbor_verify(const struct component *self, const struct comp_ctx *ctx,
		  const struct comp_host *host, struct diag_list *found);
int addon_verify(const struct component *self, const struct comp_ctx *ctx,
		 const struct comp_host *host, struct diag_list *found);
/* the add-ons' own parts (struct addon .verify) */
int gpu_operator_verify(const struct comp_ctx *ctx, const struct comp_host *host,
			struct diag_list *found);
int network_operator_verify(const struct comp_ctx *ctx, const struct comp_host *host,
			    struct diag_list *found);
int metallb_verify(const struct comp_ctx *ctx, const struct comp_host *host,
		   struct diag_list *found);
int exascaler_verify(const struct comp_ctx *ctx, const struct comp_host *host,
		     struct diag_list *found);

#endif
