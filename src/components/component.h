#ifndef KCFG_COMPONENT_H
#define KCFG_COMPONENT_H

#include <stddef.h>

struct facts;
struct resource_list;
struct settings;
struct strbuf;
struct cluster_secrets;

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
};

/* 1 when `h` is in inventory group `group` ('all' included). */
int comp_host_in_group(const struct comp_host *h, const char *group);

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
};

#define COMP_CACHE_DIR ".kcfg/cache"


struct component {
	const char *name;
	const char *summary;
	unsigned roles;		/* hosts it applies to (any bit matches) */
	int (*desired)(const struct comp_ctx *ctx, const struct comp_host *host,
		       struct resource_list *out, struct strbuf *err);
};

extern const struct component *const components[];
extern const size_t nr_components;

const struct component *component_find(const char *name);
/* The first host with any of `roles`, or NULL. */
const struct comp_host *comp_first_host(const struct comp_ctx *ctx, unsigned roles);
/* Appends the local cache path of a downloaded artifact named `name`. */
void comp_cache_path(const struct comp_ctx *ctx, struct strbuf *out, const char *name);

extern const struct component component_common;
extern const struct component component_k0s;
extern const struct component component_containerd;
extern const struct component component_harbor;
extern const struct component component_bastion;
extern const struct component component_lustre;
extern const struct component component_gpu_operator;
extern const struct component component_network_operator;
extern const struct component component_metallb;
extern const struct component component_monitoring;
extern const struct component component_mpi_operator;
extern const struct component component_spark_operator;
extern const struct component component_exascaler_csi;
extern const struct component component_extras;

#endif
