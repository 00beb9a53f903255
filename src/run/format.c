/*
 * A host's part in a phase as text (for cli/ to print): the engine's
 * plan lines, and what only the run knows: which value a change waits
 * for, and why it is not known yet.
 */
#include <string.h>

#include "components/cluster-values.h"
#include "engine/apply.h"
#include "engine/plan.h"
#include "run/run.h"
#include "util/banned.h"

void run_describe_change(const struct host_phase *hp, size_t k, struct strbuf *out)
{
	const struct change *c = &hp->plan.v[k];
	const struct resource *r = c->res != CHANGE_NO_RESOURCE ? &hp->rl.items[c->res] : NULL;

	plan_describe_change(&hp->rl, c, out);
	if (r && apply_change_needs(&hp->rl, c)) {
		strbuf_addstr(out, " (with ");
		cluster_value_what(r->needs, out);
		strbuf_addstr(out, ", read when it runs)");
	}
}

void run_format_plan(const struct run *run, const struct run_host *h, size_t p, int diffs,
		     struct strbuf *out)
{
	const struct host_phase *hp = &h->ph[p];

	if (h->included_why)	/* not picked: say why it is in the plan */
		strbuf_addf(out, "%s: %s\n", h->name, h->included_why);
	if (!hp->plan.nr) {
		strbuf_addf(out, "%s: no changes (%zu resources)\n", h->name, hp->plan.resources);
		return;
	}
	strbuf_addf(out, "%s:\n", h->name);
	for (size_t k = 0; k < hp->plan.nr; k++) {
		const struct change *c = &hp->plan.v[k];

		strbuf_addstr(out, "  ");
		run_describe_change(hp, k, out);
		strbuf_addch(out, '\n');
		if (c->kind == CH_PENDING) {
			const char *why = run_value_why(run, hp->rl.items[c->res].pending_value);

			if (*why)
				strbuf_add_indented(out, why, strlen(why), 6);
		} else if (diffs && c->diff.len) {
			strbuf_add_indented(out, c->diff.buf, c->diff.len, 6);
		}
	}
	strbuf_addf(out, "%s: %zu to change, %zu unchanged\n", h->name, hp->plan.nr,
		    hp->plan.unchanged);
}
