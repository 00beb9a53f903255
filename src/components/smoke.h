#ifndef KCFG_SMOKE_H
#define KCFG_SMOKE_H

#include <stddef.h>

#include "components/cluster-view.h"
#include "util/strbuf.h"

struct comp_ctx;
struct diag_list;

/*
 * `kcfg status --smoke` (docs/status.md): short-lived workloads in a
 * namespace of their own on the running cluster, each waited for and
 * judged, then the namespace deleted. What runs is decided here from the
 * settings and the inventory; the run engine (run/verify.c) sends the
 * manifests and reads the answers into the cluster_reads below.
 */
#define SMOKE_NAMESPACE "kcfg-smoke"
#define SMOKE_NAD "rdma-net"
/* the apply step's exit status when the API is not ready: nothing was created */
#define SMOKE_API_DOWN 3

enum smoke_kind { SMOKE_GPU, SMOKE_RDMA, SMOKE_PVC };

struct smoke_check {
	enum smoke_kind kind;
	char *name;			/* "gpu on kube-gpu1", "pvc on exascaler-sc-fast" */
	char *pod;			/* the pod's name in the namespace */
	char *pvc;			/* SMOKE_PVC: the claim's name */
	const char *node;		/* the node it must run on, or NULL */
	const char *storage_class;	/* SMOKE_PVC */
	const char *netif;		/* SMOKE_RDMA: the RoCE interface */
	struct cluster_read pod_read;	/* the pod's JSON once it ended or the wait did */
	struct cluster_read log_read;	/* its log (GPU, RDMA) */
	struct cluster_read pvc_read;	/* the claim's JSON (PVC) */
	/* the verdict */
	int ran, ok;
	struct strbuf detail;
};

struct smoke_run {
	unsigned timeout_s;		/* how long each check waits */
	struct smoke_check *v;
	size_t nr;
	struct strbuf skipped;		/* what was not run and why ("; " between) */
	struct cluster_read apply;	/* kubectl apply -f - */
	struct cluster_read events;	/* the namespace's events, for failures */
	struct cluster_read cleanup;	/* kubectl delete namespace */
	int applied, cleaned_up;
};

/* The checks the settings and hosts call for (smoke_release frees them). */
void smoke_plan(const struct comp_ctx *ctx, unsigned timeout_s, struct smoke_run *sm);
void smoke_release(struct smoke_run *sm);
/* Every manifest, through the YAML emitter. Returns 0, or -1 with `err`. */
int smoke_manifests(const struct comp_ctx *ctx, const struct smoke_run *sm,
		    struct strbuf *out, struct strbuf *err);
/*
 * Judges what was read: each check's ran/ok/detail, and a finding per
 * failed check (and for a namespace not deleted) in `found`.
 */
void smoke_judge(struct smoke_run *sm, const char *controller, struct diag_list *found);

#endif
