/*
 * monitoring (add-on, on the controllers): kube-prometheus-stack as a k0s
 * Chart. Grafana's admin password comes from the vault (grafana_password)
 * as a Secret of its own, which the chart values only name
 * (grafana.admin.existingSecret): the password is never in the values,
 * which k0s keeps in the Chart object and helm in its release history.
 *
 * k0s runs the controller manager, the scheduler and etcd inside its
 * controller process, not as pods, so the chart's scrape jobs for them
 * would only ever report their targets down: they are turned off.
 */
#include <string.h>

#include "components/addon.h"
#include "components/chart.h"
#include "components/component.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "vault/secrets.h"
#include "util/banned.h"

#define COMP "monitoring"
#define STACK "monitoring"
#define ADMIN_SECRET "grafana-admin"
#define USER_KEY "admin-user"
#define PASSWORD_KEY "admin-password"
#define ADMIN_USER "admin"

static int values(const struct comp_ctx *ctx, struct strbuf *out, struct strbuf *err)
{
	struct yemit e;

	chart_values_begin(&e, out);
	yemit_key(&e, "grafana");
	yemit_map_begin(&e);
	yemit_key(&e, "admin");
	yemit_map_begin(&e);
	yemit_key(&e, "existingSecret");
	yemit_str(&e, ADMIN_SECRET);
	yemit_key(&e, "userKey");
	yemit_str(&e, USER_KEY);
	yemit_key(&e, "passwordKey");
	yemit_str(&e, PASSWORD_KEY);
	yemit_map_end(&e);
	yemit_map_end(&e);
	chart_values_switch(&e, "kubeControllerManager", 0);
	chart_values_switch(&e, "kubeEtcd", 0);
	chart_values_switch(&e, "kubeScheduler", 0);
	return chart_values_end(&e, err);
}

static int render_namespace(const struct settings *s, struct strbuf *out, struct strbuf *err)
{
	struct yemit e;

	strbuf_addstr(out, "# Written by kcfg: the monitoring namespace, made before the chart so\n"
		      "# that Grafana's admin Secret has a place to go.\n");
	yemit_init(&e, out);
	kobj_namespace(&e, s->monitoring.namespace);
	return yemit_finish(&e, err);
}

/*
 * The Secret holds the password: it is built in a buffer that is wiped
 * before it is freed, and the resource is marked secret (0600 when
 * rendered, masked in plans).
 */
static int render_secret(const struct comp_ctx *ctx, struct strbuf *out, struct strbuf *err)
{
	const struct secret *pw = &ctx->secrets->grafana_password;
	struct yemit e;

	strbuf_grow(out, 1024 + pw->len * 2);
	strbuf_addstr(out, "# Written by kcfg from vault.yaml (grafana_password): Grafana's admin\n"
		      "# login, which the kube-prometheus-stack chart reads from here.\n");
	yemit_init(&e, out);
	kobj_begin(&e, "v1", "Secret", ADMIN_SECRET, ctx->settings->monitoring.namespace);
	yemit_key(&e, "type");
	yemit_str(&e, "Opaque");
	yemit_key(&e, "stringData");
	yemit_map_begin(&e);
	yemit_key(&e, USER_KEY);
	yemit_str(&e, ADMIN_USER);
	yemit_key(&e, PASSWORD_KEY);
	yemit_strn(&e, (const char *)pw->buf, pw->len);
	yemit_map_end(&e);
	yemit_map_end(&e);
	return yemit_finish(&e, err);
}

static int enabled(const struct settings *s)
{
	return s->addons.monitoring;
}

static void source(const struct settings *s, struct chart_spec *c)
{
	c->repo_url = s->monitoring.repo;
	c->version = s->versions.kube_prometheus_stack;
	c->ns = s->monitoring.namespace;
}

/* the namespace and Grafana's admin Secret, which the chart's values name */
static int namespace_and_secret(const struct comp_ctx *ctx, const struct comp_host *h,
				struct resource_list *out, struct strbuf *err)
{
	struct strbuf file = STRBUF_INIT, secret = STRBUF_INIT;
	struct resource *r;
	int ret = -1;

	if (!ctx->secrets || !secret_is_set(&ctx->secrets->grafana_password)) {
		strbuf_addstr(err, "'grafana_password' is not set in the vault, but "
			      "'addons.monitoring' is on: add it with 'kcfg vault edit', "
			      "or turn 'addons.monitoring' off");
		return -1;
	}
	if (render_namespace(ctx->settings, &file, err) < 0)
		goto out;
	manifest_add(out, COMP, STACK, "00-namespace.yaml", &file);
	if (render_secret(ctx, &secret, err) < 0)
		goto out;
	r = manifest_add(out, COMP, STACK, "10-grafana-admin.yaml", &secret);
	r->secret = 1;
	r->mode = 0600;
	ret = 0;
out:
	strbuf_release(&file);
	strbuf_release_wiped(&secret);
	return ret;
}

static const struct addon monitoring = {
	.enabled = enabled,
	.stack = STACK,
	.chart = "kube-prometheus-stack",
	.comment = "Written by kcfg: kube-prometheus-stack (Prometheus, Grafana), installed by k0s.",
	.chart_file = "20-chart.yaml",
	.source = source,
	.values = values,
	.before = namespace_and_secret,
};

const struct component component_monitoring = ADDON_COMPONENT(
	"monitoring", "kube-prometheus-stack chart and Grafana's admin Secret (add-on)",
	&monitoring);
