/* What every add-on does (addon.h). */
#include <string.h>

#include "components/addon.h"
#include "components/chart.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/banned.h"

static void remove_stacks(const struct addon *a, const char *component,
			  struct resource_list *out)
{
	manifest_stack_absent(out, component, a->stack);
	for (size_t i = 0; i < sizeof(a->other_stacks) / sizeof(a->other_stacks[0]) &&
			   a->other_stacks[i]; i++)
		manifest_stack_absent(out, component, a->other_stacks[i]);
	if (a->off)
		a->off(out, component);
}

static int add_chart(const struct addon *a, const struct comp_ctx *ctx, const char *component,
		     struct resource_list *out, struct strbuf *err)
{
	struct strbuf vals = STRBUF_INIT, file = STRBUF_INIT;
	struct chart_spec c;
	int ret = -1;

	if (a->values && a->values(ctx, &vals, err) < 0)
		goto out;
	memset(&c, 0, sizeof(c));
	c.release = a->chart;
	c.chart = a->chart;
	a->source(ctx->settings, &c);
	c.values = a->values ? vals.buf : NULL;
	if (chart_render(&c, a->comment, &file, err) < 0)
		goto out;
	manifest_add(out, component, a->stack, a->chart_file ? a->chart_file : "10-chart.yaml",
		     &file);
	ret = 0;
out:
	strbuf_release(&vals);
	strbuf_release(&file);
	return ret;
}

int addon_desired(const struct component *self, const struct comp_ctx *ctx,
		  const struct comp_host *h, struct resource_list *out, struct strbuf *err)
{
	const struct addon *a = self->data;

	if (!a->enabled(ctx->settings)) {
		remove_stacks(a, self->name, out);
		return 0;
	}
	if (a->before && a->before(ctx, h, out, err) < 0)
		return -1;
	if (a->chart && add_chart(a, ctx, self->name, out, err) < 0)
		return -1;
	if (a->after && a->after(ctx, h, out, err) < 0)
		return -1;
	return 0;
}
