/*
 * The preflight and verify phases: each picked component's check()
 * (before anything changes) or verify() (after) on each host of its
 * roles. What they find is kept per host and phase (host_phase.found);
 * an error fails the host's part in the phase, and any preflight error
 * stops the run before its first change: every problem of every host is
 * reported at once.
 */
#include <string.h>

#include "components/component.h"
#include "run/model.h"
#include "run/run.h"
#include "util/log.h"
#include "util/banned.h"

static int run_hooks(struct run *run, size_t p, struct run_host *h, int verify)
{
	const struct comp_host *ch = &run->m->hosts[h->index];
	struct host_phase *hp = &h->ph[p];
	size_t errors = hp->found.errors;

	for (size_t c = 0; c < nr_components; c++) {
		const struct component *comp = components[c];
		int (*hook)(const struct component *, const struct comp_ctx *,
			    const struct comp_host *, struct diag_list *) =
			verify ? comp->verify : comp->check;

		if (!hook || !comp_applies(comp, ch) ||
		    !run_component_wanted(run->opts->components, comp->name))
			continue;
		hook(comp, &run->m->ctx, ch, &hp->found);
	}
	for (size_t i = 0; i < hp->found.nr; i++)
		log_msg(LOG_INFO, "%s: %s: %s%s%s", h->name, hp->found.d[i].level == DIAG_ERROR ?
			"error" : "warning", hp->found.d[i].msg, hp->found.d[i].hint ? "; " : "",
			hp->found.d[i].hint ? hp->found.d[i].hint : "");
	if (hp->found.errors == errors)
		return 1;	/* nothing to run on the host: done */
	run_phase_fail(h, p, NULL, "'%s' %s: %zu problem%s", h->name, verify ?
		       "does not work as it should" : "is not ready for what this run would do",
		       hp->found.errors, hp->found.errors == 1 ? "" : "s");
	return -1;
}

static int check_start(struct run *run, const struct run_phase *ph, size_t p,
		       struct run_host *h)
{
	return run_hooks(run, p, h, 0);
}

static void check_finish(struct run *run, const struct run_phase *ph, size_t p)
{
	for (size_t i = 0; i < run->nr; i++)
		if (run->hosts[i].ph[p].found.errors)
			run->stopped = 1;	/* nothing changes anywhere */
}

const struct run_action run_preflight_action = { check_start, check_finish };
