/*
 * k0s (kube_master, kube_worker): the original ran k0sctl; kcfg does its
 * job itself. The controller gets /etc/k0s/k0s.yaml (ClusterConfig: API
 * address and SANs, telemetry off, one worker profile per NUMA shape),
 * the pinned k0s binary and `k0s install controller`; each worker gets
 * the binary and `k0s install worker --profile <its shape>`.
 */
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "components/cluster-values.h"
#include "components/cluster-view.h"
#include "components/downloads.h"
#include "components/k0s.h"
#include "components/numa.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/facts.h"
#include "engine/observe.h"
#include "engine/resource.h"
#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "engine/preflight.h"
#include "util/banned.h"

#define WORKER_TOKEN "/etc/k0s/worker-token"
#define K0S_CONFIG "/etc/k0s/k0s.yaml"
#define WORKER_UNIT "/etc/systemd/system/k0sworker.service"
/* what the worker's kubelet was set up with (worker_state()) */
#define WORKER_STATE "/etc/k0s/kcfg-worker-profile"
/* k0s's kubelet root directory: its data dir (/var/lib/k0s) + "/kubelet" */
#define KUBELET_DIR "/var/lib/k0s/kubelet"

static void reservation_of(const struct settings *s, struct kubelet_reservation *r)
{
	r->kube_cpu_millis = (unsigned)s->kubelet.kube_reserved.cpu.value;
	r->system_cpu_millis = (unsigned)s->kubelet.system_reserved.cpu.value;
	r->kube_memory = (unsigned long long)s->kubelet.kube_reserved.memory.value;
	r->system_memory = (unsigned long long)s->kubelet.system_reserved.memory.value;
	r->eviction_hard_memory = (unsigned long long)s->kubelet.eviction_hard.memory_available.value;
}

static int plan_for(const struct comp_ctx *ctx, const struct comp_host *h,
		    struct numa_plan *plan, struct strbuf *err)
{
	struct kubelet_reservation r;

	if (!h->facts) {
		strbuf_addf(err, "no facts for host '%s': run 'kcfg facts' or give "
			    "'kcfg render --facts DIR' a %s.json", h->name, h->name);
		return -1;
	}
	reservation_of(ctx->settings, &r);
	return numa_plan_compute(h->name, h->facts, &r, plan, err);
}

static void profile_name_of(const struct numa_plan *p, struct strbuf *name)
{
	strbuf_addstr(name, "numa");
	for (size_t i = 0; i < p->nr; i++) {
		size_t start;
		strbuf_addch(name, '-');
		start = name->len;
		quantity_bytes(name, p->shares[i].reserved_bytes);
		for (size_t j = start; j < name->len; j++)
			if (name->buf[j] >= 'A' && name->buf[j] <= 'Z')
				name->buf[j] = (char)(name->buf[j] - 'A' + 'a');
	}
}

int k0s_profile_name(const struct comp_ctx *ctx, const struct comp_host *h,
		     struct strbuf *name, struct strbuf *err)
{
	struct numa_plan p;

	if (plan_for(ctx, h, &p, err) < 0)
		return -1;
	profile_name_of(&p, name);
	numa_plan_release(&p);
	return 0;
}

static void emit_reserved(struct yemit *e, const char *key, const struct reservation *r)
{
	yemit_key(e, key);
	yemit_map_begin(e);
	yemit_key(e, "cpu");
	yemit_str(e, r->cpu.text);
	yemit_key(e, "ephemeral-storage");
	yemit_str(e, r->ephemeral_storage.text);
	yemit_key(e, "memory");
	yemit_str(e, r->memory.text);
	yemit_map_end(e);
}

static void emit_profile(struct yemit *e, const struct settings *s, const char *name,
			 const struct numa_plan *p)
{
	struct strbuf q = STRBUF_INIT;

	yemit_map_begin(e);
	yemit_key(e, "name");
	yemit_str(e, name);
	yemit_key(e, "values");
	yemit_map_begin(e);
	yemit_key(e, "cpuManagerPolicy");
	yemit_str(e, s->kubelet.cpu_manager_policy);
	yemit_key(e, "evictionHard");
	yemit_map_begin(e);
	yemit_key(e, "memory.available");
	yemit_str(e, s->kubelet.eviction_hard.memory_available.text);
	yemit_map_end(e);
	emit_reserved(e, "kubeReserved", &s->kubelet.kube_reserved);
	yemit_key(e, "memoryManagerPolicy");
	yemit_str(e, s->kubelet.memory_manager_policy);
	yemit_key(e, "reservedMemory");
	yemit_seq_begin(e);
	for (size_t i = 0; i < p->nr; i++) {
		yemit_map_begin(e);
		yemit_key(e, "limits");
		yemit_map_begin(e);
		yemit_key(e, "memory");
		strbuf_reset(&q);
		quantity_bytes(&q, p->shares[i].reserved_bytes);
		yemit_str(e, q.buf);
		yemit_map_end(e);
		yemit_key(e, "numaNode");
		yemit_int(e, p->shares[i].numa_node);
		yemit_map_end(e);
	}
	yemit_seq_end(e);
	emit_reserved(e, "systemReserved", &s->kubelet.system_reserved);
	yemit_key(e, "topologyManagerPolicy");
	yemit_str(e, s->kubelet.topology_manager_policy);
	yemit_key(e, "topologyManagerScope");
	yemit_str(e, s->kubelet.topology_manager_scope);
	yemit_map_end(e);
	yemit_map_end(e);
	strbuf_release(&q);
}

/* One profile per distinct NUMA shape among the workers, in first-seen order. */
static int emit_profiles(const struct comp_ctx *ctx, struct yemit *e, struct strbuf *err)
{
	struct strvec seen = STRVEC_INIT;
	struct strbuf name = STRBUF_INIT;
	int ret = 0;

	yemit_key(e, "workerProfiles");
	yemit_seq_begin(e);
	for (size_t i = 0; i < ctx->nr_hosts; i++) {
		const struct comp_host *h = &ctx->hosts[i];
		struct numa_plan p;

		if (!(h->roles & COMP_ROLE_WORKER))
			continue;
		if (plan_for(ctx, h, &p, err) < 0) {
			ret = -1;
			break;
		}
		strbuf_reset(&name);
		profile_name_of(&p, &name);
		if (strvec_find(&seen, name.buf) < 0) {
			emit_profile(e, ctx->settings, name.buf, &p);
			strvec_push(&seen, name.buf);
		}
		numa_plan_release(&p);
	}
	yemit_seq_end(e);
	strvec_clear(&seen);
	strbuf_release(&name);
	return ret;
}

static int render_cluster_config(const struct comp_ctx *ctx, const struct comp_host *master,
				 struct strbuf *out, struct strbuf *err)
{
	const char *domain = ctx->settings->cluster.internal_domain;
	struct yemit e;
	int ret;

	strbuf_addstr(out, "# Written by kcfg: the k0s controller's configuration.\n");
	yemit_init(&e, out);
	yemit_map_begin(&e);
	yemit_key(&e, "apiVersion");
	yemit_str(&e, "k0s.k0sproject.io/v1beta1");
	yemit_key(&e, "kind");
	yemit_str(&e, "ClusterConfig");
	yemit_key(&e, "metadata");
	yemit_map_begin(&e);
	yemit_key(&e, "name");
	yemit_str(&e, "k0s");
	yemit_map_end(&e);
	yemit_key(&e, "spec");
	yemit_map_begin(&e);
	yemit_key(&e, "api");
	yemit_map_begin(&e);
	yemit_key(&e, "address");
	yemit_str(&e, master->address);
	yemit_key(&e, "sans");
	yemit_seq_begin(&e);
	for (size_t i = 0; i < ctx->nr_hosts; i++) {
		const struct comp_host *h = &ctx->hosts[i];
		char *fqdn;
		if (!(h->roles & COMP_ROLE_MASTER))
			continue;
		fqdn = xstrfmt("%s.%s", h->name, domain);
		yemit_str(&e, h->address);
		yemit_str(&e, h->name);
		yemit_str(&e, fqdn);
		free(fqdn);
	}
	/* LENS and kubectl through `ssh -L 6443:...` reach the API as localhost */
	yemit_str(&e, "127.0.0.1");
	yemit_seq_end(&e);
	yemit_map_end(&e);
	yemit_key(&e, "telemetry");
	yemit_map_begin(&e);
	yemit_key(&e, "enabled");
	yemit_bool(&e, 0);
	yemit_map_end(&e);
	ret = emit_profiles(ctx, &e, err);
	yemit_map_end(&e);
	yemit_map_end(&e);
	if (yemit_finish(&e, err) < 0)
		return -1;
	return ret;
}

static void add_binary(const struct comp_ctx *ctx, struct resource_list *out)
{
	download_upload(ctx, DL_K0S, out, K0S_BIN, 0755);
}

static int k0s_desired(const struct component *self, const struct comp_ctx *ctx,
		       const struct comp_host *h, struct resource_list *out, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct resource *r;

	add_binary(ctx, out);
	if (!(h->roles & COMP_ROLE_MASTER))
		return 0;	/* a worker joins in the next phase */
	if (render_cluster_config(ctx, h, &sb, err) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	r = resource_add_file(out, "k0s", K0S_CONFIG, sb.buf, sb.len, 0644);
	r->notify = xstrdup("restart k0scontroller");
	r = resource_add(out, RES_COMMAND, "k0s");
	r->command = xstrdup(K0S_BIN " install controller --config " K0S_CONFIG);
	r->creates = xstrdup("/etc/systemd/system/k0scontroller.service");
	r = resource_add(out, RES_SERVICE, "k0s");
	r->unit = xstrdup("k0scontroller");
	r->enabled = r->started = 1;
	strbuf_release(&sb);
	return 0;
}

/*
 * What a worker's kubelet was set up with: its profile's name and a
 * digest of the profile's values (policies, reservations, reserved memory
 * per NUMA node), kept in WORKER_STATE. Names and hex digits only.
 */
static int worker_state(const struct comp_ctx *ctx, const struct comp_host *h,
			struct strbuf *name, struct strbuf *state, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	char hex[65];
	struct numa_plan p;
	struct yemit e;
	int ret;

	if (plan_for(ctx, h, &p, err) < 0)
		return -1;
	profile_name_of(&p, name);
	yemit_init(&e, &text);
	emit_profile(&e, ctx->settings, name->buf, &p);
	ret = yemit_finish(&e, err);
	numa_plan_release(&p);
	observe_sha256_hex(text.buf, text.len, hex);
	strbuf_addf(state, "profile %s values %.16s", name->buf, hex);
	strbuf_release(&text);
	return ret;
}

/* once the API answers: join with a token from the controller */
static int k0s_worker_desired(const struct component *self, const struct comp_ctx *ctx,
			      const struct comp_host *h, struct resource_list *out,
			      struct strbuf *err)
{
	struct strbuf name = STRBUF_INIT, state = STRBUF_INIT, qstate = STRBUF_INIT;
	struct resource *r;

	if (worker_state(ctx, h, &name, &state, err) < 0) {
		strbuf_release(&name);
		strbuf_release(&state);
		return -1;
	}
	sq_quote(&qstate, state.buf);
	r = resource_add(out, RES_COMMAND, "k0s");
	/* the join token comes from the controller at apply time, into a 0600 file */
	r->command = xstrfmt("umask 077 && mkdir -p /etc/k0s && printf '%%s\\n' "
			     CLUSTER_VALUE_REF(CV_WORKER_TOKEN) " >" WORKER_TOKEN " && "
			     K0S_BIN " install worker --token-file " WORKER_TOKEN
			     " --profile %s && printf '%%s\\n' %s >" WORKER_STATE,
			     name.buf, qstate.buf);
	r->needs = CV_WORKER_TOKEN;
	r->creates = xstrdup(WORKER_UNIT);

	/*
	 * A joined worker whose profile or its values changed: k0s's install
	 * is guarded by its unit, and the kubelet refuses to start with a CPU
	 * or memory manager state file another policy wrote. So, as Kubernetes
	 * documents for a policy change: stop the kubelet, give the unit the
	 * new profile, remove both state files, start it again.
	 */
	r = resource_add(out, RES_COMMAND, "k0s");
	r->command = xstrfmt("systemctl stop k0sworker && "
			     K0S_BIN " install worker --token-file " WORKER_TOKEN
			     " --profile %s --force && systemctl daemon-reload && "
			     "rm -f " KUBELET_DIR "/cpu_manager_state "
			     KUBELET_DIR "/memory_manager_state && "
			     "printf '%%s\\n' %s >" WORKER_STATE " && systemctl start k0sworker",
			     name.buf, qstate.buf);
	r->unless = xstrfmt("! test -e " WORKER_UNIT " || grep -qxF %s " WORKER_STATE,
			    qstate.buf);
	r = resource_add(out, RES_SERVICE, "k0s");
	r->unit = xstrdup("k0sworker");
	r->enabled = r->started = 1;
	strbuf_release(&name);
	strbuf_release(&state);
	strbuf_release(&qstate);
	return 0;
}

/*
 * The ports k0s listens on (k0s docs/networking.md, "Required ports and
 * protocols"): on a controller the API server 6443, konnectivity 8132,
 * the k0s join API 9443 and etcd's peers 2380; on a worker the kubelet
 * 10250. Held by k0s's own processes, they are kcfg's (an installed
 * cluster checked again).
 */
static const unsigned controller_ports[] = { 6443, 8132, 9443, 2380 };
static const unsigned worker_ports[] = { 10250 };
static const char *const k0s_processes[] = {
	"k0s", "kube-apiserver", "konnectivity-se", "konnectivity-server", "etcd", "kubelet",
	NULL,	/* ss shows the first 15 bytes of a name (the kernel's comm) */
};

#define K0S_DATA_DIR "/var/lib/k0s"

static int k0s_check(const struct component *self, const struct comp_ctx *ctx,
		     const struct comp_host *h, struct diag_list *found)
{
	const struct preflight_probe *p = h->preflight;

	if (!p)
		return 0;
	if (h->roles & COMP_ROLE_MASTER)
		preflight_check_ports(p, controller_ports, 4, k0s_processes,
				      "the k0s controller", found);
	if (h->roles & COMP_ROLE_WORKER) {
		preflight_check_ports(p, worker_ports, 1, k0s_processes, "the kubelet", found);
		preflight_check_disk(p, K0S_DATA_DIR, ctx->settings->preflight.worker_disk.value,
				     "the worker's k0s data", "preflight.worker_disk", found);
	}
	preflight_check_sysinfo(p, found);
	/* apply would swap the binary under a running cluster: that is kcfg upgrade's job */
	if (p->k0s_version && strcmp(p->k0s_version, ctx->settings->versions.k0s)) {
		struct strbuf hint = STRBUF_INIT;

		strbuf_addf(&hint, "upgrade with 'kcfg upgrade' (the controller first, the workers "
			    "drained in batches), or set versions.k0s back to %s", p->k0s_version);
		diag_error(found, NULL, 0, 0, hint.buf, "k0s %s is installed here, and versions.k0s "
			   "is %s: apply does not replace an installed k0s", p->k0s_version,
			   ctx->settings->versions.k0s);
		strbuf_release(&hint);
	}
	(void)self;
	return 0;
}

const struct component component_k0s = {
	"k0s", "k0s controller and workers, NUMA worker profiles",
	COMP_ROLE_CLUSTER, COMP_PHASE_HOSTS, k0s_desired, k0s_check, k0s_verify,
};

const struct component component_k0s_worker = {
	"k0s", "k0s workers joining the controller",
	COMP_ROLE_WORKER, COMP_PHASE_WORKERS, k0s_worker_desired,
};
