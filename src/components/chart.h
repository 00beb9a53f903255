#ifndef KCFG_CHART_H
#define KCFG_CHART_H

#include <stddef.h>

struct resource;
struct resource_list;
struct strbuf;
struct yemit;

/*
 * Add-ons reach the cluster through k0s's manifest deployer: every YAML
 * file under /var/lib/k0s/manifests/<stack>/ on a controller is applied,
 * and a stack whose folder disappears is pruned. Each add-on owns its
 * stack folders; files in a stack are named NN-what.yaml so that they
 * read (and apply) in a sensible order.
 *
 * Custom resources whose CRDs a chart installs (IPAddressPool,
 * NicClusterPolicy) live in a stack of their own (e.g. metallb-pool):
 * k0s applies each stack separately and retries one that fails, so the
 * chart's stack is never held back by resources it has yet to define.
 */
#define MANIFESTS_DIR "/var/lib/k0s/manifests"

/* The label every object kcfg writes carries, so its origin is plain. */
#define KCFG_MANAGED_BY_LABEL "app.kubernetes.io/managed-by"
#define KCFG_MANAGED_BY "kcfg"

/* MANIFESTS_DIR/<stack>/<file> into `out`. */
void manifest_path(struct strbuf *out, const char *stack, const char *file);

/*
 * Adds a 0644 file resource for <stack>/<file> with `content` (copied;
 * NULL: none yet, for a resource the caller makes pending). Returns it,
 * e.g. for the caller to set `secret`.
 */
struct resource *manifest_add(struct resource_list *rl, const char *component,
			      const char *stack, const char *file,
			      const struct strbuf *content);

/*
 * Adds an "absent" resource for the whole stack folder: what an add-on
 * turned off leaves behind, so that k0s prunes what it had applied.
 */
void manifest_stack_absent(struct resource_list *rl, const char *component,
			   const char *stack);

/*
 * Starts a Kubernetes object in `e`: apiVersion, kind and metadata (name,
 * the namespace when not NULL, the managed-by label) and leaves its
 * mapping open for the caller to add spec, data ... and close with
 * yemit_map_end().
 */
void kobj_begin(struct yemit *e, const char *api_version, const char *kind,
		const char *name, const char *ns);

/* A whole Namespace object. */
void kobj_namespace(struct yemit *e, const char *name);

/*
 * A k0s Chart resource (helm.k0sproject.io/v1beta1, in kube-system, which
 * is where k0s's helm controller looks). It is self-contained: the
 * repository URL travels in spec.repository, so nothing needs declaring
 * in the k0s ClusterConfig. For an oci:// repository the chart reference
 * is the full OCI URL instead.
 */
struct chart_spec {
	const char *release;	/* helm release name; the object is kcfg-<release> */
	const char *chart;	/* the chart's name in its repository */
	const char *repo_url;	/* https://... or oci://... */
	const char *version;	/* chart version */
	const char *ns;		/* namespace of the release (created if missing) */
	const char *values;	/* a YAML mapping (from chart_values_*), or NULL */
};

/* Emits the Chart object into `e` (one document). */
void chart_emit(struct yemit *e, const struct chart_spec *c);

/*
 * A whole manifest file: `comment` (one line, without '#') as its first
 * line, then the Chart. Returns 0, or -1 with `err` filled.
 */
int chart_render(const struct chart_spec *c, const char *comment, struct strbuf *out,
		 struct strbuf *err);

/*
 * Values are written as their own YAML document through a yemit, then
 * carried as a string in spec.values. Typical use:
 *
 *	chart_values_begin(&e, &values);
 *	yemit_key(&e, "nfd"); ...
 *	if (chart_values_end(&e, err) < 0) ...
 *
 * chart_values_begin opens the top-level mapping; chart_values_end
 * closes it and finishes the document.
 */
void chart_values_begin(struct yemit *e, struct strbuf *out);
int chart_values_end(struct yemit *e, struct strbuf *err);

/* key: {enabled: v}, the shape most chart switches have. */
void chart_values_switch(struct yemit *e, const char *key, int v);

#endif
