/*
 * Shared pieces of the add-ons: manifest paths under k0s's manifest
 * deployer, the start of every Kubernetes object, and k0s Chart
 * resources with their values.
 */
#include <stdlib.h>
#include <string.h>

#include "components/chart.h"
#include "config/yaml.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

void manifest_path(struct strbuf *out, const char *stack, const char *file)
{
	strbuf_addf(out, MANIFESTS_DIR "/%s/%s", stack, file);
}

struct resource *manifest_add(struct resource_list *rl, const char *component,
			      const char *stack, const char *file,
			      const struct strbuf *content)
{
	struct strbuf path = STRBUF_INIT;
	struct resource *r;

	manifest_path(&path, stack, file);
	r = resource_add_file(rl, component, path.buf, content ? content->buf : "",
			      content ? content->len : 0, 0644);
	strbuf_release(&path);
	return r;
}

void manifest_stack_absent(struct resource_list *rl, const char *component,
			   const char *stack)
{
	struct resource *r = resource_add(rl, RES_ABSENT, component);

	r->path = xstrfmt(MANIFESTS_DIR "/%s", stack);
}

void kobj_begin(struct yemit *e, const char *api_version, const char *kind,
		const char *name, const char *ns)
{
	yemit_map_begin(e);
	yemit_key(e, "apiVersion");
	yemit_str(e, api_version);
	yemit_key(e, "kind");
	yemit_str(e, kind);
	yemit_key(e, "metadata");
	yemit_map_begin(e);
	yemit_key(e, "name");
	yemit_str(e, name);
	if (ns) {
		yemit_key(e, "namespace");
		yemit_str(e, ns);
	}
	yemit_key(e, "labels");
	yemit_map_begin(e);
	yemit_key(e, KCFG_MANAGED_BY_LABEL);
	yemit_str(e, KCFG_MANAGED_BY);
	yemit_map_end(e);
	yemit_map_end(e);
}

void kobj_namespace(struct yemit *e, const char *name)
{
	kobj_begin(e, "v1", "Namespace", name, NULL);
	yemit_map_end(e);
}

void chart_emit(struct yemit *e, const struct chart_spec *c)
{
	char *object = xstrfmt("kcfg-%s", c->release);
	int oci = starts_with(c->repo_url, "oci://");
	char *ref;

	/*
	 * "repo/chart" for an https repository: the alias is the release,
	 * so two add-ons sharing a URL never clash over one alias.
	 */
	if (oci)
		ref = xstrfmt("%s%s%s", c->repo_url, ends_with(c->repo_url, "/") ? "" : "/",
			      c->chart);
	else
		ref = xstrfmt("%s/%s", c->release, c->chart);

	kobj_begin(e, "helm.k0sproject.io/v1beta1", "Chart", object, "kube-system");
	yemit_key(e, "spec");
	yemit_map_begin(e);
	yemit_key(e, "chartName");
	yemit_str(e, ref);
	yemit_key(e, "releaseName");
	yemit_str(e, c->release);
	yemit_key(e, "version");
	yemit_str(e, c->version);
	yemit_key(e, "namespace");
	yemit_str(e, c->ns);
	if (!oci) {
		yemit_key(e, "repository");
		yemit_map_begin(e);
		yemit_key(e, "url");
		yemit_str(e, c->repo_url);
		yemit_map_end(e);
	}
	if (c->values) {
		yemit_key(e, "values");
		yemit_str(e, c->values);
	}
	yemit_map_end(e);
	yemit_map_end(e);
	free(object);
	free(ref);
}

int chart_render(const struct chart_spec *c, const char *comment, struct strbuf *out,
		 struct strbuf *err)
{
	struct yemit e;

	strbuf_addf(out, "# %s\n", comment);
	yemit_init(&e, out);
	chart_emit(&e, c);
	return yemit_finish(&e, err);
}

void chart_values_begin(struct yemit *e, struct strbuf *out)
{
	yemit_init(e, out);
	yemit_map_begin(e);
}

int chart_values_end(struct yemit *e, struct strbuf *err)
{
	yemit_map_end(e);
	return yemit_finish(e, err);
}

void chart_values_switch(struct yemit *e, const char *key, int v)
{
	yemit_key(e, key);
	yemit_map_begin(e);
	yemit_key(e, "enabled");
	yemit_bool(e, v);
	yemit_map_end(e);
}
