#ifndef KCFG_COMPONENTS_CLUSTER_VALUES_H
#define KCFG_COMPONENTS_CLUSTER_VALUES_H

#include "components/component.h"
#include "engine/apply.h"

struct strbuf;

/*
 * Values only a host can tell, needed by other hosts' changes: a
 * worker's join token and the admin kubeconfig (made by k0s on the first
 * controller once it runs), a Lustre filesystem's project id (read on
 * the first worker once it mounts it). The run engine reads a value
 * when a phase first needs it, over the source host's session, once the
 * phase named `after` is done.
 *
 * Two ways to use one:
 * - a component asks comp_value(ctx, NAME) while it computes what a
 *   host wants (a project id in a StorageClass); when it is not known
 *   yet the resource is pending (engine/resource.h);
 * - a secret travels only into apply's script: a command names it as
 *   CLUSTER_VALUE_REF(NAME) and sets the resource's `needs` to NAME;
 *   apply puts it there single-quoted for sh, inside the script on the
 *   session's stdin: never in argv, a plan, a log or a local file.
 *
 * A family of values takes an argument after a colon (cluster_value_name):
 * "lustre-project-id:/fast".
 */
#define CV_WORKER_TOKEN "k0s-worker-token"
#define CV_KUBECONFIG_ADMIN "k0s-kubeconfig-admin"
#define CV_LUSTRE_PROJECT_ID "lustre-project-id"

#define CLUSTER_VALUE_REF(name) APPLY_VALUE_OPEN name APPLY_VALUE_CLOSE

struct cluster_value {
	const char *name;	/* the value, or the family before ':' */
	const char *what;	/* "the worker join token", for messages */
	unsigned from_roles;	/* COMP_ROLE_*: read on the first such host */
	enum comp_phase after;	/* readable once this phase is done */
	int secret;		/* only ever inside apply scripts */
	int in_plan;		/* reading it changes nothing: plan may read it */
	/* the POSIX sh command (as root) that prints it; `arg` after the colon */
	void (*command)(const char *arg, struct strbuf *out);
	/* checks what the host printed (trimmed); NULL: any non-empty text */
	int (*check)(const char *value, struct strbuf *err);
	const char *hint;	/* what to do when it cannot be read */
	const char *setting;	/* the cluster.yaml key that can give it instead, or NULL */
};

/* The value (or family) `name` names, or NULL. */
const struct cluster_value *cluster_value_find(const char *name);
/* The part after ':' in `name`, or "". */
const char *cluster_value_arg(const char *name);
/* "FAMILY:ARG" into `out`. */
void cluster_value_name(struct strbuf *out, const char *family, const char *arg);
/* What `name` is, for messages: "the Lustre project id of /fast". */
void cluster_value_what(const char *name, struct strbuf *out);

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
