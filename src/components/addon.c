/* What every add-on does (addon.h). */
#include <string.h>

#include "components/addon.h"
#include "components/chart.h"
#include "components/component.h"
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

static unsigned group_of(const struct component *c, unsigned depth)
{
	const struct addon *a;
	unsigned group = 1;

	if (!c || c->phase != COMP_PHASE_ADDONS || !c->data || depth > nr_components)
		return 0;
	a = c->data;
	for (size_t i = 0; i < sizeof(a->needs) / sizeof(a->needs[0]) && a->needs[i]; i++) {
		unsigned g = group_of(component_find(a->needs[i]), depth + 1);

		if (!g)
			return 0;	/* no such add-on, or a loop */
		if (g + 1 > group)
			group = g + 1;
	}
	return group;
}

unsigned addon_group(const struct component *c)
{
	return group_of(c, 0);
}
