#ifndef KCFG_COMPONENT_H
#define KCFG_COMPONENT_H

#include <stddef.h>

struct facts;
struct preflight_probe;
struct resource_list;
struct settings;
struct strbuf;
struct cluster_secrets;
struct cluster_view;

/*
 * A cluster component (src/components/, one file each) turns the model
 * and a host's facts into the resources that host must have. Components
 * are pure: they read the context and fill a resource_list; they never
 * talk to hosts. Adding one is one file plus one line in components[].
 */

/* Role bits, as the inventory's groups give them. */
#define COMP_ROLE_BASTION  (1u << 0)
#define COMP_ROLE_REGISTRY (1u << 1)
#define COMP_ROLE_MASTER   (1u << 2)
#define COMP_ROLE_NODE     (1u << 3)
#define COMP_ROLE_GPU      (1u << 4)
#define COMP_ROLE_WORKER   (COMP_ROLE_NODE | COMP_ROLE_GPU)
#define COMP_ROLE_CLUSTER  (COMP_ROLE_MASTER | COMP_ROLE_WORKER)
#define COMP_ROLE_ALL      0x1fu

/* One host as components see it. Strings are borrowed from the model. */
struct comp_host {
	const char *name;		/* the inventory name, a hostname (names_hostname_ok) */
	const char *address;		/* front (PortGroup) address: ansible_host (IPv4, IPv6 or a
					 * DNS name: names_address_ok) or the name */
	const char *roce_address;	/* RoCE IPv4, or NULL */
	const char *roce_netif;		/* the RoCE interface, or NULL */
	unsigned roles;			/* COMP_ROLE_* */
	const struct facts *facts;	/* NULL when not gathered */
	const char *const *groups;	/* every inventory group it is in, 'all' first */
	size_t nr_groups;
	/* what preflight read on it just now (engine/preflight.h): only while
	 * check() hooks run, NULL otherwise */
	const struct preflight_probe *preflight;
	const char *mig_config;		/* a GPU worker's MIG configuration (a label value:
					 * names_label_value_ok), or NULL */
};

/* 1 when `h` is in inventory group `group` ('all' included). */
int comp_host_in_group(const struct comp_host *h, const char *group);

struct comp_ctx;

/*
 * A value only a host can tell (components/cluster-values.h): a Lustre
 * project id read on a worker, the join token a controller makes. A
 * component asks with comp_value(); NULL means not known (yet): render
 * and unit tests know none, and plan knows only what it may read.
 */
typedef const char *(*comp_value_fn)(const struct comp_ctx *ctx, const char *name,
				     void *data);

struct comp_ctx {
	const struct settings *settings;
	const struct cluster_secrets *secrets;	/* NULL when no vault was given */
	const struct comp_host *hosts;		/* every host, in inventory order */
	size_t nr_hosts;
	/* the registry's PKI (src/pki), made or reused before components run */
	const char *registry_ca_pem;		/* the CA certificate */
	const char *registry_cert_pem;		/* the registry's server certificate */
	const char *registry_key_pem;		/* its key, decrypted: a secret */
	const char *vault_file;			/* the vault's path, for messages; NULL: "vault.yaml" */
	/* where downloaded artifacts are cached: <state dir>/cache beside the
	 * inventory; NULL: COMP_CACHE_DIR, relative (render, unit tests) */
	const char *cache_dir;
	comp_value_fn value;	/* NULL: no value is known */
	void *value_data;
	/* the verify step: what it read of the running cluster (cluster-view.h); NULL otherwise */
	const struct cluster_view *view;
};

#define COMP_CACHE_DIR ".kcfg/cache"

/* The value called `name`, or NULL when it is not known (yet). */
const char *comp_value(const struct comp_ctx *ctx, const char *name);

/*
 * Where a component's changes belong in a run (docs/engine.md): the run
 * engine converges the components of one phase on every host that has
 * them before the next phase starts, with a barrier between some
 * (the API answers, every node is Ready, the add-ons are deployed).
 */
enum comp_phase {
	COMP_PHASE_HOSTS,	/* every host: common, registry, bastion, containerd,
				 * the controller; then: the API is ready */
	COMP_PHASE_WORKERS,	/* the workers join (and what needs the running API);
				 * then: every node is Ready */
	COMP_PHASE_NODES,	/* node configuration: storage, what needs joined nodes */
	COMP_PHASE_ADDONS,	/* add-ons on the controller; then: they are deployed */
	COMP_PHASE_NR
};

/* "hosts", "workers", "nodes", "add-ons". */
const char *comp_phase_name(enum comp_phase p);

struct diag_list;

/*
 * A component (one table entry): the hosts it applies to, its phase,
 * and three hooks. desired() is what the hosts must have; check()
 * (preflight) and verify() (status) say what must be true on a host
 * before and after, each problem as a diagnostic naming the host, with
 * a hint. check and verify may be NULL. A component whose parts belong
 * to different phases has one entry per phase under one name (-C picks
 * them together); `data` is the entry's own (add-ons use it).
 */
struct component {
	const char *name;
	const char *summary;
	unsigned roles;		/* hosts it applies to (any bit matches) */
	enum comp_phase phase;
	int (*desired)(const struct component *self, const struct comp_ctx *ctx,
		       const struct comp_host *host, struct resource_list *out,
		       struct strbuf *err);
	int (*check)(const struct component *self, const struct comp_ctx *ctx,
		     const struct comp_host *host, struct diag_list *found);
	int (*verify)(const struct component *self, const struct comp_ctx *ctx,
		      const struct comp_host *host, struct diag_list *found);
	const void *data;
};

/* self->desired(self, ...): what `c` wants on `host`. */
int comp_desired(const struct component *c, const struct comp_ctx *ctx,
		 const struct comp_host *host, struct resource_list *out, struct strbuf *err);
/* 1 when `c` applies to `host` (its roles). */
int comp_applies(const struct component *c, const struct comp_host *host);

extern const struct component *const components[];
extern const size_t nr_components;

const struct component *component_find(const char *name);
/* The first host with any of `roles`, or NULL. */
const struct comp_host *comp_first_host(const struct comp_ctx *ctx, unsigned roles);
/* Appends the local cache path of a downloaded artifact named `name`. */
void comp_cache_path(const struct comp_ctx *ctx, struct strbuf *out, const char *name);

/*
 * The /etc/hosts every host gets (the common component's): on its own for
 * hosts an apply --limit takes in to learn the names of the hosts it adds.
 */
void comp_hosts_file(const struct comp_ctx *ctx, struct resource_list *out);

/*
 * The bastion's kubectl and helm at their pins (the bastion component's):
 * on their own for kcfg upgrade, which brings them along with k0s.
 */
int comp_bastion_tools(const struct comp_ctx *ctx, const struct comp_host *h,
		       struct resource_list *out, struct strbuf *err);

extern const struct component component_common;
extern const struct component component_k0s;
extern const struct component component_k0s_worker;
extern const struct component component_containerd;
extern const struct component component_node_labels;
extern const struct component component_harbor;
extern const struct component component_bastion;
extern const struct component component_bastion_kubeconfig;
extern const struct component component_lustre;
extern const struct component component_gpu_operator;
extern const struct component component_network_operator;
extern const struct component component_metallb;
extern const struct component component_monitoring;
extern const struct component component_mpi_operator;
extern const struct component component_whereabouts;
extern const struct component component_spark_operator;
extern const struct component component_exascaler_csi;
extern const struct component component_extras;

#endif
