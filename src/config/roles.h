#ifndef KCFG_ROLES_H
#define KCFG_ROLES_H

#include <stddef.h>

#include "config/inventory.h"
#include "config/value.h"

struct diag_list;

/*
 * The seed playbook's groups as kcfg roles. kube_worker (kube_node +
 * kube_gpu) and kube_cluster (kube_master + kube_worker) are derived
 * from them; when an inventory defines those groups, model_check makes
 * sure they say the same. docs/inventory.md lists every check.
 */
enum role {
	ROLE_BASTION = 1 << 0,	/* [bastion_host] */
	ROLE_REGISTRY = 1 << 1,	/* [registry] */
	ROLE_MASTER = 1 << 2,	/* [kube_master] */
	ROLE_NODE = 1 << 3,	/* [kube_node] */
	ROLE_GPU = 1 << 4,	/* [kube_gpu] */
};
#define ROLE_WORKER (ROLE_NODE | ROLE_GPU)
#define ROLE_CLUSTER (ROLE_MASTER | ROLE_WORKER)
#define ROLE_ALL 0x1fu

/* The group that gives role `r` ("kube_node"), or NULL for a mask. */
const char *role_group(unsigned r);

struct model_opts {
	int rdma_enabled;	/* workers need a roce_host */
};

/*
 * Checks a finished inventory against what kcfg needs: the required
 * groups, hosts in conflicting roles, duplicate and invalid addresses,
 * empty ansible_host values (the template ships them empty), workers
 * without roce_host when RDMA is on, invalid ports, and kube_worker /
 * kube_cluster that disagree with their parts. Every problem goes to
 * `dl` with the line of the host or group header; returns the number of
 * errors added (warnings do not count).
 */
int model_check(const struct inventory *inv, const struct model_opts *opts, struct diag_list *dl);

/* The roles (ROLE_* bits) of the host named `host`; 0 if it has none or is unknown. */
unsigned host_roles(const struct inventory *inv, const char *host);

/* A host as kcfg uses it; strings are owned by the list, `name` by the inventory. */
struct role_host {
	const char *name;
	size_t index;		/* in inv->host */
	unsigned line;		/* first line listing it */
	unsigned roles;		/* ROLE_* */
	char *address;		/* ansible_host, or the name when unset or empty */
	char *roce_host;	/* NULL when unset */
	char *user;		/* ansible_user, NULL when unset */
	unsigned port;		/* ansible_port, 0 when unset or invalid */
	char *private_key;	/* ansible_ssh_private_key_file, or NULL */
	char *ssh_common_args;	/* ansible_ssh_common_args, or NULL */
	char *become_password;	/* ansible_become_password as written, or NULL */
};

struct role_hosts {
	struct role_host *h;
	size_t nr, alloc;
};

/*
 * The hosts having any role in `mask`, in inventory order, with their
 * resolved variables (host over child group over parent group over all).
 * Appends to `out`; release with role_hosts_release.
 */
void role_hosts(const struct inventory *inv, unsigned mask, struct role_hosts *out);
void role_hosts_release(struct role_hosts *rh);

#endif
