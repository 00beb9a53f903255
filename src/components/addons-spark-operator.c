/*
 * spark-operator (add-on, on the controllers): the Kubeflow Spark
 * operator as a k0s Chart (the original used the retired
 * GoogleCloudPlatform chart and its jobs never ran). SparkApplications
 * run in spark_operator.job_namespace, which the chart needs to exist
 * before it starts: kcfg makes it unless it is "default".
 */
#include <string.h>

#include "components/addon.h"
#include "components/chart.h"
#include "components/component.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/banned.h"

#define COMP "spark-operator"
#define STACK "spark-operator"

static int values(const struct comp_ctx *ctx, struct strbuf *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct yemit e;

	chart_values_begin(&e, out);
	yemit_key(&e, "spark");
	yemit_map_begin(&e);
	yemit_key(&e, "jobNamespaces");
	yemit_seq_begin(&e);
	yemit_str(&e, s->spark_operator.job_namespace);
	yemit_seq_end(&e);
	yemit_map_end(&e);
	/* the webhook applies pod templates (volumes, GPUs) to the driver and executors */
	yemit_key(&e, "webhook");
	yemit_map_begin(&e);
	yemit_key(&e, "enable");
	yemit_bool(&e, 1);
	yemit_map_end(&e);
	return chart_values_end(&e, err);
}

static int render_job_namespace(const struct settings *s, struct strbuf *out,
				struct strbuf *err)
{
	struct yemit e;

	strbuf_addstr(out, "# Written by kcfg: where SparkApplications run "
		      "(spark_operator.job_namespace).\n");
	yemit_init(&e, out);
	kobj_namespace(&e, s->spark_operator.job_namespace);
	return yemit_finish(&e, err);
}

static int enabled(const struct settings *s)
{
	return s->addons.spark_operator;
}

static void source(const struct settings *s, struct chart_spec *c)
{
	c->repo_url = s->spark_operator.repo;
	c->version = s->versions.spark_operator;
	c->ns = s->spark_operator.namespace;
}

static int job_namespace(const struct comp_ctx *ctx, const struct comp_host *h,
			 struct resource_list *out, struct strbuf *err)
{
	struct strbuf file = STRBUF_INIT;
	int ret = 0;

	if (strcmp(ctx->settings->spark_operator.job_namespace, "default")) {
		ret = render_job_namespace(ctx->settings, &file, err);
		if (!ret)
			manifest_add(out, COMP, STACK, "00-job-namespace.yaml", &file);
	}
	strbuf_release(&file);
	return ret;
}

static const struct addon spark_operator = {
	.enabled = enabled,
	.stack = STACK,
	.chart = "spark-operator",
	.comment = "Written by kcfg: the Kubeflow Spark operator, installed by k0s.",
	.source = source,
	.values = values,
	.before = job_namespace,
};

const struct component component_spark_operator = ADDON_COMPONENT(
	"spark-operator", "Kubeflow Spark operator chart (add-on)", &spark_operator);
