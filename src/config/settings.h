#ifndef KCFG_SETTINGS_H
#define KCFG_SETTINGS_H

#include <stddef.h>

#include "config/extras.h"
#include "util/diag.h"
#include "util/strvec.h"

struct diag_list;
struct strbuf;
struct ydoc;
struct yemit;

/*
 * cluster.yaml: every setting the original playbook hard-coded, with its
 * default. One table (settings-schema.c) names each key, its type,
 * default, documentation and checks; loading, defaults, `kcfg config
 * show`, `kcfg init`'s template and the docs check all walk that table.
 * docs/cluster-yaml.md describes every key.
 *
 * All strings below are owned by the struct settings (freed by
 * settings_release) and never NULL once loaded.
 */

#define SETTINGS_FILE "cluster.yaml"

/* A Kubernetes quantity as written ("500m", "1Gi") and its value. */
struct quantity {
	char *text;
	long long value;	/* millicores for CPU, bytes for memory and storage */
};

/* One Exascaler (Lustre) filesystem and its StorageClass. */
struct storage_fs {
	char *storage_class;	/* e.g. exascaler-sc-fast */
	int is_default;		/* the cluster's default StorageClass */
	char *exa_fs;		/* NID[:NID...]:/fsname, e.g. 172.17.8.40@o2ib10:...:/fast */
	char *mount_point;	/* e.g. /fast */
	char *mount_options;	/* e.g. network=o2ib10,flock,noauto,defaults */
	char *project_id;	/* its Lustre project id (decimal), or "": not known */
};

struct storage_fs_list {
	struct storage_fs *v;
	size_t nr, alloc;
};

struct reservation {
	struct quantity cpu, memory, ephemeral_storage;
};

struct settings {
	struct {
		char *ansible_user;
		char *internal_domain;
		char *roce_suffix;
		char *roce_netif;	/* "" = each host's group sets it in the inventory */
		int rdma;
		long long apt_cache_max_age;	/* seconds */
	} cluster;
	struct {
		char *name;		/* default harbor.<internal_domain> */
		char *install_dir;
		char *data_volume;
		char *cert_subject;
		long long cert_days;
	} registry;
	struct {
		char *k0s, *k0s_sha256;
		char *kubectl, *kubectl_sha256;
		char *helm, *helm_sha256;
		char *harbor, *harbor_sha256;
		char *gpu_operator, *network_operator, *metallb;
		char *kube_prometheus_stack, *spark_operator;
		char *mpi_operator, *mpi_operator_sha256;
		char *exascaler_csi, *exascaler_csi_sha256;
		char *whereabouts, *whereabouts_daemonset_sha256, *whereabouts_ippools_sha256;
		char *whereabouts_reservations_sha256, *whereabouts_reconciler_sha256;
	} versions;
	struct {
		char *topology_manager_policy;
		char *topology_manager_scope;
		char *cpu_manager_policy;
		char *memory_manager_policy;
		struct reservation kube_reserved, system_reserved;
		struct {
			struct quantity memory_available;
		} eviction_hard;
	} kubelet;
	struct {
		char *namespace;
		long long mount_uid;
		int hold_kernel;
		struct {
			char *o2ib_net, *tcp_net;
			char *template_path, *config_path;
			char *service;
		} lnet;
		struct storage_fs_list filesystems;
	} storage;
	struct {
		char *namespace, *repo;
		int driver, toolkit, nfd, mig_manager, gdrcopy, rdma, use_host_mofed;
		char *mig_strategy;
		char *containerd_config_dir, *containerd_socket;
	} gpu_operator;
	struct {
		char *namespace, *repo;
		int rdma_shared_device_plugin;
		char *rdma_resource_name, *rdma_vendor, *rdma_driver;
		long long rdma_hca_max;
		int multus, cni_plugins, whereabouts;
	} network_operator;
	struct {
		struct strvec addresses;	/* ranges a.b.c.d-e.f.g.h and CIDRs */
		char *namespace, *repo, *pool_name;
	} metallb;
	struct {
		char *namespace, *repo;
	} monitoring;
	struct {
		char *namespace, *repo, *job_namespace;
	} spark_operator;
	struct {
		char *gpu_image, *tools_image, *rdma_range;
	} smoke;
	struct {
		int gpu_operator, network_operator, metallb, monitoring;
		int mpi_operator, spark_operator, storage;
	} addons;
	struct {
		long long max_clock_skew;	/* seconds */
		struct {
			long long bastion, registry, controller, worker;
		} min_cpus;
		struct quantity min_memory, registry_disk, worker_disk;
	} preflight;
	struct extras_list extras;	/* user-level additions per group (config/extras.h) */

	/* where each key was set: parallel to the schema; file NULL = default */
	char *file;
	struct settings_origin {
		unsigned line, col;
	} *origin;
};

/* The defaults, as `kcfg config show --defaults` prints them. */
void settings_init_defaults(struct settings *s);

/*
 * Loads cluster.yaml at `path` over the defaults. Every problem (syntax,
 * unknown keys with a suggestion, wrong types, bad values) goes into `dl`
 * with its FILE:LINE:COL. Returns 0 and fills *out, or -1 (and *out is
 * untouched). A missing file is an error here: callers decide whether
 * an absent ./cluster.yaml means "use the defaults".
 */
int settings_load_file(struct settings *out, const char *path, struct diag_list *dl);
/* The same from a buffer (`file` names it in messages). */
int settings_load_buf(struct settings *out, const char *file, const char *buf,
		      size_t len, struct diag_list *dl);
/* The same from a parsed document (an empty one gives the defaults). */
int settings_load_doc(struct settings *out, const struct ydoc *doc,
		      struct diag_list *dl);

void settings_release(struct settings *s);

/*
 * Writes every key, resolved, as one YAML mapping into `e` (the caller
 * owns the document around it). Output parsed again gives the same
 * settings, so printing it again gives the same bytes.
 */
void settings_emit(const struct settings *s, struct yemit *e);
/*
 * The same keys without the mapping around them, for callers that add
 * top-level keys of their own (`kcfg config show` will add secrets:).
 */
void settings_emit_keys(const struct settings *s, struct yemit *e);
/* settings_emit as a whole document appended to `out`; 0 or -1 with `err`. */
int settings_to_yaml(const struct settings *s, struct strbuf *out, struct strbuf *err);

/*
 * Checks that what `kcfg apply` needs is there, beyond what loading
 * checks: a sha256 pin for every file that will be downloaded (some pins
 * ship empty because no published checksum could be confirmed) and
 * MetalLB addresses when MetalLB is on. Adds each problem to `dl` at
 * `level` (`kcfg config check` warns: plan and apply stop only for the
 * components they run) and returns how many.
 */
int settings_check_required(const struct settings *s, enum diag_level level,
			    struct diag_list *dl);

/* The value of string setting `key` ("versions.k0s"; "" when unset), or NULL. */
const char *settings_string(const struct settings *s, const char *key);
/* 1 when the file pin `pin_key` pins is downloaded with these settings (its add-on is on). */
int settings_pin_needed(const struct settings *s, const char *pin_key);

/*
 * The k0s minor version ("v1.36.4+k0s.1" -> 36) and, from it, the
 * containerd drop-in format: version 2 for the 1.35 line, version 3 from
 * 1.36 on (k0s embeds containerd 2 there).
 */
int settings_k0s_minor(const struct settings *s);
int settings_containerd_config_version(const struct settings *s);

/*
 * Where `key` ("metallb.addresses") was set: returns the file name and
 * sets *line and *col, or returns NULL when it holds its default.
 */
const char *settings_origin(const struct settings *s, const char *key,
			    unsigned *line, unsigned *col);

/* Quantity parsing, shared with the NUMA code: 0 and *value, or -1. */
int quantity_parse_cpu(const char *text, long long *millicores);
int quantity_parse_bytes(const char *text, long long *bytes);

/* A dotted-quad IPv4 address of exactly `len` bytes: 0 and *out, or -1. */
int ipv4_parse(const char *s, size_t len, unsigned long *out);
/* 1 for one IPv4 range ("a.b.c.d-e.f.g.h", start <= end) or CIDR ("a.b.c.d/n"). */
int ipv4_pool_entry_valid(const char *text);

#endif
