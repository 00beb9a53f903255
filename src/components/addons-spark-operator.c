/*
 * spark-operator (add-on, on the controllers): the Kubeflow Spark
 * operator as a k0s Chart (the original used the retired
 * GoogleCloudPlatform chart and its jobs never ran). SparkApplications
 * run in spark_operator.job_namespace, which the chart needs to exist
 * before it starts: kcfg makes it unless it is "default".
 */
#include <string.h>

#include "components/chart.h"
#include "components/component.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/banned.h"

#define COMP "spark-operator"
#define STACK "spark-operator"

static int values(const struct settings *s, struct strbuf *out, struct strbuf *err)
{
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

static int spark_operator_desired(const struct comp_ctx *ctx, const struct comp_host *h,
				  struct resource_list *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct strbuf vals = STRBUF_INIT, file = STRBUF_INIT;
	struct chart_spec c;
	int ret = -1;

	if (!s->addons.spark_operator) {
		manifest_stack_absent(out, COMP, STACK);
		return 0;
	}
	if (strcmp(s->spark_operator.job_namespace, "default")) {
		if (render_job_namespace(s, &file, err) < 0)
			goto out;
		manifest_add(out, COMP, STACK, "00-job-namespace.yaml", &file);
		strbuf_reset(&file);
	}
	if (values(s, &vals, err) < 0)
		goto out;
	memset(&c, 0, sizeof(c));
	c.release = "spark-operator";
	c.chart = "spark-operator";
	c.repo_url = s->spark_operator.repo;
	c.version = s->versions.spark_operator;
	c.ns = s->spark_operator.namespace;
	c.values = vals.buf;
	if (chart_render(&c, "Written by kcfg: the Kubeflow Spark operator, installed by k0s.",
			 &file, err) < 0)
		goto out;
	manifest_add(out, COMP, STACK, "10-chart.yaml", &file);
	ret = 0;
out:
	strbuf_release(&vals);
	strbuf_release(&file);
	return ret;
}

const struct component component_spark_operator = {
	"spark-operator", "Kubeflow Spark operator chart (add-on)",
	COMP_ROLE_MASTER, spark_operator_desired,
};
