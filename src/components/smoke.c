/*
 * `kcfg status --smoke`: which workloads run (smoke.h), their manifests
 * and how their outcome is judged. The manifests are the Kubernetes
 * API's objects (k8s.io/api core/v1 types.go: Namespace, Pod,
 * PersistentVolumeClaim; Multus's k8s.cni.cncf.io/v1
 * NetworkAttachmentDefinition, spec.config a CNI JSON string, like the
 * seed README's ipvlan example). What is read back is outside input:
 *
 *   Pod: status.phase (PodPhase: Pending, Running, Succeeded, Failed,
 *     Unknown), status.reason, status.message, status.containerStatuses[]
 *     .state.waiting/.terminated {reason, message, exitCode}.
 *   PersistentVolumeClaim: status.phase (ClaimPhase: Pending, Bound, Lost).
 *   Event: involvedObject.name, reason, message.
 *
 * Any field may be missing or of another type; what is quoted is cut.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "components/smoke.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "util/diag.h"
#include "util/json-read.h"
#include "util/json.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MANAGED_BY "app.kubernetes.io/managed-by"
#define SMOKE_FILE "/data/kcfg-smoke"

static void read_init(struct cluster_read *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->out, 0);
	strbuf_init(&r->err, 0);
	strbuf_init(&r->why, 0);
}

static struct smoke_check *add_check(struct smoke_run *sm, enum smoke_kind kind)
{
	struct smoke_check *c;

	sm->v = xrealloc(sm->v, (sm->nr + 1) * sizeof(*sm->v));
	c = &sm->v[sm->nr++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	read_init(&c->pod_read);
	read_init(&c->log_read);
	read_init(&c->pvc_read);
	strbuf_init(&c->detail, 0);
	return c;
}

static char *fmt_name(const char *prefix, size_t i)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s-%zu", prefix, i);
	return strbuf_detach(&sb, NULL);
}

static char *fmt_what(const char *what, const char *on)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s on %s", what, on);
	return strbuf_detach(&sb, NULL);
}


static void read_release(struct cluster_read *r)
{
	strbuf_release(&r->out);
	strbuf_release(&r->err);
	strbuf_release(&r->why);
	json_node_free(r->json);
	r->json = NULL;
}

void smoke_plan(const struct comp_ctx *ctx, unsigned timeout_s, struct smoke_run *sm)
{
	const struct settings *s = ctx->settings;
	const struct comp_host *roce = NULL;
	size_t gpus = 0;

	memset(sm, 0, sizeof(*sm));
	sm->timeout_s = timeout_s;
	strbuf_init(&sm->skipped, 0);
	read_init(&sm->apply);
	read_init(&sm->events);
	read_init(&sm->cleanup);
	/* one GPU pod per GPU worker: each node's GPUs, runtime and device plugin */
	for (size_t i = 0; s->addons.gpu_operator && i < ctx->nr_hosts; i++) {
		const struct comp_host *h = &ctx->hosts[i];
		struct smoke_check *c;

		if (!(h->roles & COMP_ROLE_GPU))
			continue;
		c = add_check(sm, SMOKE_GPU);
		c->pod = fmt_name("gpu", gpus++);
		c->name = fmt_what("gpu", h->name);
		c->node = h->name;
	}
	/* one pod on the RDMA network, on the first RoCE worker */
	for (size_t i = 0; i < ctx->nr_hosts && !roce; i++)
		if ((ctx->hosts[i].roles & COMP_ROLE_WORKER) && ctx->hosts[i].roce_address &&
		    ctx->hosts[i].roce_netif && *ctx->hosts[i].roce_netif)
			roce = &ctx->hosts[i];
	if (s->cluster.rdma && s->addons.network_operator && roce) {
		if (!*s->smoke.rdma_range) {
			strbuf_addstr(&sm->skipped, "the RDMA pod: smoke.rdma_range is not set");
		} else {
			struct smoke_check *c = add_check(sm, SMOKE_RDMA);

			c->pod = xstrdup("rdma");
			c->name = fmt_what("rdma", roce->name);
			c->node = roce->name;
			c->netif = roce->roce_netif;
		}
	}
	/* a claim and a pod writing to it per StorageClass kcfg makes */
	for (size_t i = 0; s->addons.storage && i < s->storage.filesystems.nr; i++) {
		struct smoke_check *c = add_check(sm, SMOKE_PVC);

		c->pod = fmt_name("pvc", i);
		c->pvc = fmt_name("pvc", i);
		c->storage_class = s->storage.filesystems.v[i].storage_class;
		c->name = fmt_what("pvc", c->storage_class);
	}
}

void smoke_release(struct smoke_run *sm)
{
	for (size_t i = 0; i < sm->nr; i++) {
		struct smoke_check *c = &sm->v[i];

		free(c->name);
		free(c->pod);
		free(c->pvc);
		read_release(&c->pod_read);
		read_release(&c->log_read);
		read_release(&c->pvc_read);
		strbuf_release(&c->detail);
	}
	free(sm->v);
	strbuf_release(&sm->skipped);
	read_release(&sm->apply);
	read_release(&sm->events);
	read_release(&sm->cleanup);
	memset(sm, 0, sizeof(*sm));
}

/* ---- manifests ---- */

static void metadata(struct yemit *e, const char *name, int namespaced)
{
	yemit_key(e, "metadata");
	yemit_map_begin(e);
	yemit_key(e, "name");
	yemit_str(e, name);
	if (namespaced) {
		yemit_key(e, "namespace");
		yemit_str(e, SMOKE_NAMESPACE);
	}
	yemit_key(e, "labels");
	yemit_map_begin(e);
	yemit_key(e, MANAGED_BY);
	yemit_str(e, "kcfg");
	yemit_map_end(e);
}

static void head(struct yemit *e, const char *api, const char *kind, const char *name,
		 int namespaced)
{
	yemit_key(e, "apiVersion");
	yemit_str(e, api);
	yemit_key(e, "kind");
	yemit_str(e, kind);
	metadata(e, name, namespaced);
}

static void str_seq(struct yemit *e, const char *const *v)
{
	yemit_seq_begin(e);
	for (; *v; v++)
		yemit_str(e, *v);
	yemit_seq_end(e);
}

/* A pod's spec up to its container's resources (left open for the caller). */
static void pod_spec_begin(struct yemit *e, const struct smoke_run *sm,
			   const struct smoke_check *c, const char *image,
			   const char *const *command)
{
	yemit_key(e, "spec");
	yemit_map_begin(e);
	yemit_key(e, "restartPolicy");
	yemit_str(e, "Never");
	/* the pod ends itself if kcfg could not delete it */
	yemit_key(e, "activeDeadlineSeconds");
	yemit_int(e, (long long)sm->timeout_s + 60);
	if (c->node) {
		yemit_key(e, "nodeSelector");
		yemit_map_begin(e);
		yemit_key(e, "kubernetes.io/hostname");
		yemit_str(e, c->node);
		yemit_map_end(e);
	}
	yemit_key(e, "containers");
	yemit_seq_begin(e);
	yemit_map_begin(e);
	yemit_key(e, "name");
	yemit_str(e, "smoke");
	yemit_key(e, "image");
	yemit_str(e, image);
	yemit_key(e, "command");
	str_seq(e, command);
}

static void limit(struct yemit *e, const char *resource)
{
	yemit_key(e, "resources");
	yemit_map_begin(e);
	yemit_key(e, "limits");
	yemit_map_begin(e);
	yemit_key(e, resource);
	yemit_str(e, "1");
	yemit_map_end(e);
	yemit_map_end(e);
}

static void gpu_pod(struct yemit *e, const struct smoke_run *sm, const struct comp_ctx *ctx,
		    const struct smoke_check *c)
{
	static const char *const cmd[] = { "nvidia-smi", "-L", NULL };

	head(e, "v1", "Pod", c->pod, 1);
	yemit_map_end(e);
	pod_spec_begin(e, sm, c, ctx->settings->smoke.gpu_image, cmd);
	limit(e, "nvidia.com/gpu");
	yemit_map_end(e);	/* the container */
	yemit_seq_end(e);
	yemit_key(e, "runtimeClassName");
	yemit_str(e, "nvidia");
	yemit_key(e, "tolerations");
	yemit_seq_begin(e);
	yemit_map_begin(e);
	yemit_key(e, "key");
	yemit_str(e, "nvidia.com/gpu");
	yemit_key(e, "operator");
	yemit_str(e, "Exists");
	yemit_key(e, "effect");
	yemit_str(e, "NoSchedule");
	yemit_map_end(e);
	yemit_seq_end(e);
	yemit_map_end(e);	/* spec */
}

/* The CNI config of the RDMA network: ipvlan on the RoCE interface (seed README). */
static void rdma_cni(const struct settings *s, const struct smoke_check *c, struct strbuf *out)
{
	struct json_writer jw;

	json_init(&jw, out, 0);
	json_object_begin(&jw);
	json_key(&jw, "cniVersion");
	json_string(&jw, "0.3.1");
	json_key(&jw, "name");
	json_string(&jw, SMOKE_NAD);
	json_key(&jw, "type");
	json_string(&jw, "ipvlan");
	json_key(&jw, "master");
	json_string(&jw, c->netif);
	json_key(&jw, "mode");
	json_string(&jw, "l2");
	json_key(&jw, "ipam");
	json_object_begin(&jw);
	json_key(&jw, "type");
	json_string(&jw, s->network_operator.whereabouts ? "whereabouts" : "host-local");
	if (s->network_operator.whereabouts) {
		json_key(&jw, "range");
		json_string(&jw, s->smoke.rdma_range);
	} else {
		json_key(&jw, "subnet");
		json_string(&jw, s->smoke.rdma_range);
	}
	json_object_end(&jw);
	json_object_end(&jw);
}

static void rdma_objects(struct yemit *e, const struct smoke_run *sm,
			 const struct comp_ctx *ctx, const struct smoke_check *c)
{
	static const char *const cmd[] = { "sh", "-c", "ls -d /dev/infiniband/uverbs* && "
		"ip -4 addr show net1 | grep 'inet '", NULL };
	struct strbuf cni = STRBUF_INIT, res = STRBUF_INIT;

	head(e, "k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition", SMOKE_NAD, 1);
	yemit_map_end(e);
	yemit_key(e, "spec");
	yemit_map_begin(e);
	yemit_key(e, "config");
	rdma_cni(ctx->settings, c, &cni);
	yemit_str(e, cni.buf);
	yemit_map_end(e);
	yemit_map_end(e);	/* the NetworkAttachmentDefinition */
	yemit_next_doc(e);

	yemit_map_begin(e);
	head(e, "v1", "Pod", c->pod, 1);
	yemit_key(e, "annotations");
	yemit_map_begin(e);
	yemit_key(e, "k8s.v1.cni.cncf.io/networks");
	yemit_str(e, SMOKE_NAD);
	yemit_map_end(e);
	yemit_map_end(e);
	pod_spec_begin(e, sm, c, ctx->settings->smoke.tools_image, cmd);
	strbuf_addf(&res, CLUSTER_RDMA_PREFIX "%s",
		    ctx->settings->network_operator.rdma_resource_name);
	limit(e, res.buf);
	yemit_key(e, "securityContext");
	yemit_map_begin(e);
	yemit_key(e, "capabilities");
	yemit_map_begin(e);
	yemit_key(e, "add");
	yemit_seq_begin(e);
	yemit_str(e, "IPC_LOCK");
	yemit_seq_end(e);
	yemit_map_end(e);
	yemit_map_end(e);
	yemit_map_end(e);	/* the container */
	yemit_seq_end(e);
	yemit_map_end(e);	/* spec */
	strbuf_release(&cni);
	strbuf_release(&res);
}

static void pvc_objects(struct yemit *e, const struct smoke_run *sm,
			const struct comp_ctx *ctx, const struct smoke_check *c)
{
	static const char *const cmd[] = { "sh", "-c", "echo kcfg-smoke >" SMOKE_FILE " && "
		"test \"$(cat " SMOKE_FILE ")\" = kcfg-smoke && rm " SMOKE_FILE, NULL };
	static const char *const modes[] = { "ReadWriteOnce", NULL };

	head(e, "v1", "PersistentVolumeClaim", c->pvc, 1);
	yemit_map_end(e);
	yemit_key(e, "spec");
	yemit_map_begin(e);
	yemit_key(e, "accessModes");
	str_seq(e, modes);
	yemit_key(e, "storageClassName");
	yemit_str(e, c->storage_class);
	yemit_key(e, "resources");
	yemit_map_begin(e);
	yemit_key(e, "requests");
	yemit_map_begin(e);
	yemit_key(e, "storage");
	yemit_str(e, "1Gi");
	yemit_map_end(e);
	yemit_map_end(e);
	yemit_map_end(e);
	yemit_map_end(e);	/* the claim */
	yemit_next_doc(e);

	yemit_map_begin(e);
	head(e, "v1", "Pod", c->pod, 1);
	yemit_map_end(e);
	pod_spec_begin(e, sm, c, ctx->settings->smoke.tools_image, cmd);
	yemit_key(e, "volumeMounts");
	yemit_seq_begin(e);
	yemit_map_begin(e);
	yemit_key(e, "name");
	yemit_str(e, "data");
	yemit_key(e, "mountPath");
	yemit_str(e, "/data");
	yemit_map_end(e);
	yemit_seq_end(e);
	yemit_map_end(e);	/* the container */
	yemit_seq_end(e);
	yemit_key(e, "volumes");
	yemit_seq_begin(e);
	yemit_map_begin(e);
	yemit_key(e, "name");
	yemit_str(e, "data");
	yemit_key(e, "persistentVolumeClaim");
	yemit_map_begin(e);
	yemit_key(e, "claimName");
	yemit_str(e, c->pvc);
	yemit_map_end(e);
	yemit_map_end(e);
	yemit_seq_end(e);
	yemit_map_end(e);	/* spec */
}

int smoke_manifests(const struct comp_ctx *ctx, const struct smoke_run *sm,
		    struct strbuf *out, struct strbuf *err)
{
	struct yemit e;

	yemit_init(&e, out);
	yemit_map_begin(&e);
	head(&e, "v1", "Namespace", SMOKE_NAMESPACE, 0);
	yemit_map_end(&e);
	yemit_map_end(&e);
	for (size_t i = 0; i < sm->nr; i++) {
		const struct smoke_check *c = &sm->v[i];

		yemit_next_doc(&e);
		yemit_map_begin(&e);
		if (c->kind == SMOKE_GPU)
			gpu_pod(&e, sm, ctx, c);
		else if (c->kind == SMOKE_RDMA)
			rdma_objects(&e, sm, ctx, c);
		else
			pvc_objects(&e, sm, ctx, c);
		yemit_map_end(&e);
	}
	return yemit_finish(&e, err);
}

/* ---- judging what was read ---- */

/* The first line of `s`, at most 200 bytes. */
static void first_line(struct strbuf *out, const char *s)
{
	size_t n = strcspn(s, "\n");

	strbuf_add(out, s, n > 200 ? 200 : n);
}

/* Parses a read that answered JSON; 0 when it did, else -1 with `why`. */
static int parse_read(struct cluster_read *r)
{
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	if (r->json)
		return 0;
	if (r->state != CLUSTER_READ) {
		if (!r->why.len)
			strbuf_addstr(&r->why, "it was not read");
		return -1;
	}
	if (r->status) {
		if (!r->why.len) {
			strbuf_addf(&r->why, "exit status %d", r->status);
			if (r->err.len) {
				strbuf_addstr(&r->why, ": ");
				first_line(&r->why, r->err.buf);
			}
		}
		return -1;
	}
	if (json_parse(r->out.buf, r->out.len, &r->json, &err) < 0) {
		strbuf_addf(&r->why, "it is not JSON: %s", err.buf);
		ret = -1;
	}
	strbuf_release(&err);
	return ret;
}

/* What a pod says about why it did not succeed: phase, reasons, messages. */
static void pod_says(const struct json_node *pod, struct strbuf *out)
{
	const struct json_node *st = json_get(pod, "status");
	const struct json_node *cs = json_get(st, "containerStatuses");
	const char *reason = json_get_str(st, "reason", NULL);
	const char *msg = json_get_str(st, "message", NULL);

	strbuf_addf(out, "phase %.40s", json_get_str(st, "phase", "not reported"));
	if (reason)
		strbuf_addf(out, ", %.100s", reason);
	if (msg)
		strbuf_addf(out, ": %.200s", msg);
	for (size_t i = 0; cs && cs->type == JSON_ARRAY && i < cs->nr && i < 2; i++) {
		const struct json_node *state = json_get(cs->items[i], "state");
		const struct json_node *w = json_get(state, "waiting");
		const struct json_node *t = json_get(state, "terminated");

		if (w)
			strbuf_addf(out, "; container waiting: %.100s%s%.200s",
				    json_get_str(w, "reason", "?"),
				    json_get_str(w, "message", NULL) ? ": " : "",
				    json_get_str(w, "message", ""));
		else if (t)
			strbuf_addf(out, "; container terminated: %.100s, exit code %lld",
				    json_get_str(t, "reason", "?"), json_get_int(t, "exitCode", -1));
	}
}

/* The last events about `name` ("reason: message"), at most three. */
static void events_about(const struct smoke_run *sm, const char *name, struct strbuf *out)
{
	const struct json_node *items = json_get(sm->events.json, "items");
	size_t shown = 0;

	for (size_t i = items && items->type == JSON_ARRAY ? items->nr : 0; i-- > 0 && shown < 3;) {
		const struct json_node *ev = items->items[i];

		if (strcmp(json_get_str(json_get(ev, "involvedObject"), "name", ""), name))
			continue;
		strbuf_addf(out, "%s%.60s: %.200s", shown++ ? "; " : "; events: ",
			    json_get_str(ev, "reason", "?"), json_get_str(ev, "message", ""));
	}
}

/* 1 when a line of `log` starts with `prefix`. */
static int log_has_line(const struct strbuf *log, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = log->buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, prefix, n))
			return 1;
	return 0;
}

static const char *hint_of(const struct smoke_check *c)
{
	switch (c->kind) {
	case SMOKE_GPU:
		return "check the GPU operator's pods ('k0s kubectl -n gpu-operator get pods' "
		       "on the controller), 'nvidia-smi' and the containerd drop-in on the node";
	case SMOKE_RDMA:
		return "check the network operator's pods and 'k0s kubectl get nicclusterpolicy "
		       "-o yaml' on the controller, the RoCE interface on the node";
	default:
		return "check the Exascaler CSI pods in the storage namespace and that the "
		       "filesystem is mounted on the workers";
	}
}

static void judge_check(struct smoke_run *sm, struct smoke_check *c)
{
	const struct json_node *pod;
	const char *phase;

	c->ran = 1;
	if (parse_read(&c->pod_read) < 0) {
		strbuf_addf(&c->detail, "cannot read pod %s: %s", c->pod, c->pod_read.why.buf);
		return;
	}
	pod = c->pod_read.json;
	phase = json_get_str(json_get(pod, "status"), "phase", "");
	if (c->kind == SMOKE_PVC) {
		const char *claim = "not read";

		if (parse_read(&c->pvc_read) == 0)
			claim = json_get_str(json_get(c->pvc_read.json, "status"), "phase",
					     "not reported");
		if (strcmp(claim, "Bound")) {
			strbuf_addf(&c->detail, "claim %s is %.40s, not Bound", c->pvc, claim);
			events_about(sm, c->pvc, &c->detail);
			return;
		}
	}
	if (strcmp(phase, "Succeeded")) {
		strbuf_addf(&c->detail, "pod %s did not succeed in %u s: ", c->pod, sm->timeout_s);
		pod_says(pod, &c->detail);
		events_about(sm, c->pod, &c->detail);
		return;
	}
	if (c->kind == SMOKE_GPU && !log_has_line(&c->log_read.out, "GPU ")) {
		strbuf_addf(&c->detail, "pod %s succeeded but 'nvidia-smi -L' listed no GPU: '",
			    c->pod);
		first_line(&c->detail, c->log_read.out.len ? c->log_read.out.buf : c->log_read.err.buf);
		strbuf_addch(&c->detail, '\'');
		return;
	}
	c->ok = 1;
	if (c->kind == SMOKE_GPU)
		first_line(&c->detail, strstr(c->log_read.out.buf, "GPU ") ?
			   strstr(c->log_read.out.buf, "GPU ") : "");
	else if (c->kind == SMOKE_PVC)
		strbuf_addf(&c->detail, "claim %s Bound, a file written and read", c->pvc);
	else
		strbuf_addstr(&c->detail, "an RDMA device and an address on net1");
}

void smoke_judge(struct smoke_run *sm, const char *controller, struct diag_list *found)
{
	struct cluster_read *a = &sm->apply;

	if (a->state != CLUSTER_READ)
		return;		/* never asked: nothing to run, or the session failed */
	if (a->status == SMOKE_API_DOWN) {
		sm->cleaned_up = 1;	/* nothing was made */
		return;		/* not run: the API is not ready (k0s's finding) */
	}
	if (a->status) {
		strbuf_reset(&a->why);
		first_line(&a->why, a->err.len ? a->err.buf : a->out.buf);
		diag_error(found, NULL, 0, 0, "see the error; 'k0s kubectl apply' runs on the "
			   "controller", "cannot create the smoke workloads on '%s' (exit %d: %s)",
			   controller, a->status, a->why.buf);
	} else {
		sm->applied = 1;
		parse_read(&sm->events);
		for (size_t i = 0; i < sm->nr; i++) {
			judge_check(sm, &sm->v[i]);
			if (!sm->v[i].ok)
				diag_error(found, NULL, 0, 0, hint_of(&sm->v[i]), "smoke check %s "
					   "failed: %s", sm->v[i].name, sm->v[i].detail.buf);
		}
	}
	sm->cleaned_up = sm->cleanup.state == CLUSTER_READ && !sm->cleanup.status;
	if (!sm->cleaned_up) {
		struct strbuf why = STRBUF_INIT;

		if (sm->cleanup.state == CLUSTER_READ)
			first_line(&why, sm->cleanup.err.len ? sm->cleanup.err.buf :
				   sm->cleanup.out.buf);
		diag_error(found, NULL, 0, 0, "delete it by hand: 'k0s kubectl delete namespace "
			   SMOKE_NAMESPACE "' on the controller", "could not delete namespace '"
			   SMOKE_NAMESPACE "' and the smoke workloads in it: %s",
			   sm->cleanup.state == CLUSTER_READ ? why.buf : "it was not asked");
		strbuf_release(&why);
	}
}
