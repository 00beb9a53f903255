#ifndef KCFG_COMPONENTS_CLUSTER_VALUES_H
#define KCFG_COMPONENTS_CLUSTER_VALUES_H

#include "engine/apply.h"

/*
 * Values only a running cluster can give, needed by changes on other
 * hosts: a worker's join token and the admin kubeconfig, both made by
 * k0s on the first controller. A resource that needs one sets
 * `needs` to its name and writes CLUSTER_VALUE_REF(name) in its command,
 * where apply puts the value, single-quoted for sh (the script travels
 * on the session's stdin; the value is never in argv, a plan or a log).
 *
 * Apply makes such changes in a second pass: first every host's other
 * changes (so the controller is installed and started), then it runs the
 * value's command on the first controller, then the waiting changes.
 */

#define CV_WORKER_TOKEN "k0s-worker-token"
#define CV_KUBECONFIG_ADMIN "k0s-kubeconfig-admin"

#define CLUSTER_VALUE_REF(name) APPLY_VALUE_OPEN name APPLY_VALUE_CLOSE

struct cluster_value {
	const char *name;
	const char *what;	/* "the worker join token", for messages */
	unsigned from_roles;	/* COMP_ROLE_*: read on the first such host */
	const char *command;	/* POSIX sh, as root, prints the value */
};

/* The value called `name`, or NULL. */
const struct cluster_value *cluster_value_find(const char *name);

struct strbuf;

/* The API's port, where k0s serves it. */
#define KUBE_API_PORT 6443

/*
 * The admin kubeconfig k0s prints names the API as https://localhost:6443.
 * cluster_kubeconfig_set_server points it at https://HOST:6443 instead
 * (an IPv6 HOST bracketed); cluster_kubeconfig_fill does the same and
 * ends it with a newline: a file resource's `fill` (the bastion's copy).
 */
void cluster_kubeconfig_set_server(const char *kubeconfig, const char *host,
				   struct strbuf *out);
void cluster_kubeconfig_fill(const char *kubeconfig, const char *host, struct strbuf *out);

#endif
