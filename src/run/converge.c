/*
 * Converging the components of one phase on one host (run.h): what they
 * want there (desired), an observe step over the host's session whose
 * result is diffed into a plan, and for apply the plan's steps added to
 * the same session from the step callback, run in order. Hosts go in
 * parallel over the runner's poll() loop; a host that fails stops alone
 * (unless --fail-fast). Changes whose commands need a cluster value wait
 * until the round is over; then the values are read on their hosts and
 * those changes are sent (run_converge_continue).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/addon.h"
#include "components/cluster-values.h"
#include "components/component.h"
#include "config/settings.h"
#include "engine/plan.h"
#include "run/model.h"
#include "run/run.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void progress(struct run *run)
{
	if (run->ev && run->ev->progress)
		run->ev->progress(run);
}

/* What the picked components of converge phase `ph` want on `h`, added to `rl`. 0, or -1. */
static int components_desired(struct run *run, const struct run_phase *ph, struct run_host *h,
			      struct resource_list *rl, struct strbuf *err)
{
	const struct comp_host *ch = &run->m->hosts[h->index];

	for (size_t c = 0; c < nr_components; c++) {
		const struct component *comp = components[c];

		if (comp->phase != ph->comp_phase || !comp_applies(comp, ch) ||
		    (ph->addon_group && addon_group(comp) != ph->addon_group) ||
		    !run_component_wanted(run->opts->components, comp->name))
			continue;
		if (h->taken_in) {	/* a host --limit left out: only what it was taken in for */
			if (comp == &component_common && (h->taken_in & RUN_TAKE_HOSTS_FILE))
				comp_hosts_file(&run->m->ctx, rl);
			if (comp != &component_k0s || !(h->taken_in & RUN_TAKE_K0S))
				continue;
		}
		if (comp_desired(comp, &run->m->ctx, ch, rl, err) < 0) {
			if (!err->len)
				strbuf_addf(err, "component '%s' failed on '%s'", comp->name,
					    h->name);
			return -1;
		}
	}
	return 0;
}

/*
 * What phase `ph` wants on `h`, into `rl` (released first): its own
 * resources when it names them (and `h` has its roles), else its picked
 * components'. Values components ask for and do not get are added to
 * run->misses. Returns 0, or -1 with `err`.
 */
static int desired(struct run *run, const struct run_phase *ph, struct run_host *h,
		   struct resource_list *rl, struct strbuf *err)
{
	const struct comp_host *ch = &run->m->hosts[h->index];
	int rc;

	resource_list_release(rl);
	if (!ph->resources)
		rc = components_desired(run, ph, h, rl, err);
	else if (!ph->roles || (ph->roles & ch->roles))
		rc = ph->resources(&run->m->ctx, ch, rl, err);
	else
		return 0;
	if (rc < 0)
		return -1;
	if (diff_check_conflicts(rl, err) < 0) {
		struct strbuf msg = STRBUF_INIT;

		strbuf_addf(&msg, "on '%s': %s", h->name, err->buf);
		strbuf_reset(err);
		strbuf_addbuf(err, &msg);
		strbuf_release(&msg);
		return -1;
	}
	return 0;
}

/* ---- before any host is contacted ---- */

/*
 * The downloads the picked components upload, each reported once: an
 * empty sha256 pin (at the key's cluster.yaml line) or a file missing
 * from the cache (run `kcfg fetch`).
 */
/* Returns how many pins are wrong; *missing: how many files are not cached. */
static size_t check_downloads(struct run *run, struct diag_list *dl, size_t *missing_out)
{
	const struct settings *s = &run->m->settings;
	struct strvec seen = STRVEC_INIT;
	struct strbuf hint = STRBUF_INIT;
	size_t missing = 0, bad = 0, last = 0;

	for (size_t i = 0; i < run->nr; i++) {
		for (size_t p = 0; run->hosts[i].ph && p < run->nr_phases; p++) {
			const struct resource_list *rl = &run->hosts[i].ph[p].rl;

			for (size_t j = 0; j < rl->nr; j++) {
				const struct resource *r = &rl->items[j];
				const char *file;
				unsigned line = 0, col = 0;

				if (r->kind != RES_UPLOAD || !r->pin_key ||
				    strvec_find(&seen, r->pin_key) >= 0)
					continue;
				strvec_push(&seen, r->pin_key);
				if (r->sha256 && *r->sha256) {
					if (!path_exists(r->local_path)) {
						diag_error(dl, NULL, 0, 0, NULL, "component '%s' uploads "
							   "%s, which is not in the cache yet",
							   r->component, r->local_path);
						last = dl->nr - 1;
						missing++;
					}
					continue;
				}
				file = settings_origin(s, r->pin_key, &line, &col);
				strbuf_reset(&hint);
				strbuf_addf(&hint, "set it to the sha256 of that download "
					    "(docs/components.md says where it comes from), or run "
					    "without component '%s'", r->component);
				diag_error(dl, file, line, col, hint.buf,
					   "'%s' is empty, but component '%s' uploads %s, which kcfg "
					   "must check first", r->pin_key, r->component, r->local_path);
				bad++;
			}
		}
	}
	if (missing)	/* one hint, after the last of them */
		dl->d[last].hint = xstrdup("run 'kcfg fetch' first (or 'kcfg fetch --from DIR' "
					   "where there is no internet access)");
	strvec_clear(&seen);
	strbuf_release(&hint);
	*missing_out = missing;
	return bad;
}

/* A value a component needs that no host of the inventory could ever tell. */
static size_t check_sources(struct run *run, struct diag_list *dl)
{
	size_t bad = 0;

	for (size_t i = 0; i < run->misses.nr; i++) {
		const struct cluster_value *cv = cluster_value_find(run->misses.v[i]);
		struct strbuf what = STRBUF_INIT;

		const char *file = NULL;
		unsigned line = 0, col = 0;

		if (!cv || run_first_host(run, cv->from_roles))
			continue;
		if (cv->setting)
			file = settings_origin(&run->m->settings, cv->setting, &line, &col);
		cluster_value_what(run->misses.v[i], &what);
		diag_error(dl, file, line, col, cv->hint, "the cluster needs %s, and no host in %s "
			   "can tell it", what.buf, run->m->inv.file);
		strbuf_release(&what);
		bad++;
	}
	return bad;
}

int run_prepare(struct run *run, struct diag_list *dl)
{
	struct strbuf err = STRBUF_INIT;
	size_t bad, missing;

	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];

		if (h->state != RUN_WAITING)
			continue;
		for (size_t p = 0; p < run->nr_phases; p++) {
			const struct run_phase *ph = &run->phases[p];

			if (ph->kind != PHASE_CONVERGE || h->state == RUN_FAILED)
				continue;
			strbuf_reset(&err);
			/* a component that cannot work fails its host, not the run */
			if (desired(run, ph, h, &h->ph[p].rl, &err) < 0)
				run_phase_fail(h, p, NULL, "%s", err.buf);
		}
	}
	bad = check_sources(run, dl);
	bad += check_downloads(run, dl, &missing);
	strbuf_release(&err);
	return bad ? -1 : missing ? -2 : 0;
}

/* ---- one phase ---- */

static void log_plan(const struct run_host *h, const struct host_phase *hp)
{
	struct strbuf line = STRBUF_INIT;

	if (h->included_why)
		log_msg(LOG_INFO, "%s: %s", h->name, h->included_why);
	log_msg(LOG_INFO, "%s: %zu resources, %zu to change", h->name, hp->plan.resources,
		hp->plan.nr);
	for (size_t i = 0; i < hp->plan.nr; i++) {
		strbuf_reset(&line);
		plan_describe_change(&hp->rl, &hp->plan.v[i], &line);
		log_msg(LOG_INFO, "%s: plan %s", h->name, line.buf);
	}
	strbuf_release(&line);
}

static int applied(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data);

/* The runner steps of hp->steps, on the host's session. */
static void add_apply_steps(struct run *run, struct run_host *h, struct host_phase *hp)
{
	const struct apply_steps *st = &hp->steps;
	unsigned timeout = run->opts->timeout_s * 1000u;

	for (size_t i = 0; i < st->nr; i++) {
		const struct change *c = &hp->plan.v[st->v[i].first];
		size_t k;

		if (st->v[i].upload)
			k = runner_add_upload(h->rh, "upload", hp->rl.items[c->res].local_path,
					      hp->rl.items[c->res].path, c->mode, c->owner,
					      timeout);
		else
			k = runner_add_step(h->rh, "apply", st->v[i].script.buf, timeout);
		if (!i)
			hp->first_step = k;
		runner_step_on_done(h->rh, k, applied, run);
	}
}

/*
 * The cluster values the planned changes need: pending resources (what
 * they will be depends on one) and commands that name one. 1 when there
 * are any.
 */
static int collect_needs(struct host_phase *hp)
{
	strvec_clear(&hp->needs);
	for (size_t i = 0; i < hp->plan.nr; i++) {
		const struct change *c = &hp->plan.v[i];
		const struct resource *r;
		const char *need;

		if (c->res == CHANGE_NO_RESOURCE)
			continue;
		r = &hp->rl.items[c->res];
		need = c->kind == CH_PENDING ? r->pending_value : apply_change_needs(&hp->rl, c);
		if (need && strvec_find(&hp->needs, need) < 0)
			strvec_push(&hp->needs, need);
	}
	return hp->needs.nr != 0;
}

/*
 * Builds and queues the host's apply steps, with the values they need
 * (all known by now). Returns 0, or -1 (the phase failed on `h`).
 */
static int start_apply(struct run *run, size_t p, struct run_host *h)
{
	struct host_phase *hp = &h->ph[p];
	struct apply_value *av = xcalloc(hp->needs.nr ? hp->needs.nr : 1, sizeof(*av));
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	for (size_t i = 0; i < hp->needs.nr; i++) {
		av[i].name = hp->needs.v[i];
		av[i].value = run_value_get(run, hp->needs.v[i]);
	}
	if (apply_build_range(&hp->rl, &hp->plan, 0, hp->plan.nr, av, hp->needs.nr,
			      &hp->steps, &err) < 0) {
		run_phase_fail(h, p, NULL, "cannot apply on '%s': %s", h->name, err.buf);
		ret = -1;
	} else if (hp->steps.nr) {
		add_apply_steps(run, h, hp);
		hp->state = HP_APPLYING;
	} else {
		hp->state = HP_DONE;
	}
	free(av);
	strbuf_release(&err);
	return ret;
}

static int observed(struct runner_host *rh, size_t step, const struct runner_result *res,
		    void *data)
{
	struct run *run = data;
	struct run_host *h = rh->data;
	size_t p = run->phase;
	struct host_phase *hp = &h->ph[p];
	struct strbuf err = STRBUF_INIT;
	int ret = -1;

	hp->busy_us += res->duration_us;
	if (runner_step_ok(res) < 0)
		return -1;	/* the runner's message says why */
	if (observe_parse(&hp->rl, res->out.buf, res->out.len, &hp->obs, &err) < 0) {
		strbuf_addf(&rh->errmsg, "cannot read the state of '%s': %s", h->name, err.buf);
		goto out;
	}
	if (diff_host(h->name, &hp->rl, &hp->obs, &hp->plan, &err) < 0) {
		strbuf_addf(&rh->errmsg, "cannot plan '%s': %s", h->name, err.buf);
		goto out;
	}
	hp->planned = 1;
	log_plan(h, hp);
	hp->state = HP_DONE;
	if (run->opts->apply && hp->plan.nr) {
		if (collect_needs(hp))
			hp->state = HP_WAITING_VALUE;	/* after this round */
		else if (start_apply(run, p, h) < 0) {
			strbuf_addbuf(&rh->errmsg, &hp->error);
			goto out;
		}
	}
	ret = 0;
out:
	strbuf_release(&err);
	progress(run);
	return ret;
}

/* The change a failed step was on: its first without an outcome. */
static struct change *unfinished(struct host_phase *hp, const struct apply_step *st)
{
	for (size_t i = st->first; i < st->first + st->nr; i++)
		if (hp->plan.v[i].state == CHANGE_PLANNED)
			return &hp->plan.v[i];
	return NULL;
}

static void change_failed(struct runner_host *rh, struct run_host *h, struct host_phase *hp,
			  struct change *c, const char *why)
{
	struct strbuf what = STRBUF_INIT;

	c->state = CHANGE_FAILED;
	if (!c->error.len)
		strbuf_addstr(&c->error, why);
	plan_describe_change(&hp->rl, c, &what);
	strbuf_reset(&rh->errmsg);
	/* the description without its plan sign ("+ ", "! ") */
	strbuf_addf(&rh->errmsg, "on '%s', %s failed: %s", h->name, what.buf + 2, c->error.buf);
	if (!rh->hint.len)
		strbuf_addstr(&rh->hint, "fix the cause and apply again: what was done stays "
			      "done, and the rest is planned afresh");
	log_msg(LOG_INFO, "%s: failed %s: %s", h->name, what.buf, c->error.buf);
	strbuf_release(&what);
}

static int applied(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data)
{
	struct run *run = data;
	struct run_host *h = rh->data;
	struct host_phase *hp = &h->ph[run->phase];
	size_t k = step - hp->first_step;
	const struct apply_step *st = &hp->steps.v[k];
	struct strbuf err = STRBUF_INIT, what = STRBUF_INIT;
	struct change *c;
	int rc = 0;

	hp->busy_us += res->duration_us;
	hp->steps_done = k + 1;
	if (st->upload) {
		c = &hp->plan.v[st->first];
		if (runner_step_ok(res) < 0) {
			runner_step_error(rh, step, res, &err);
			change_failed(rh, h, hp, c, err.buf);
			rc = -1;
		} else {
			c->state = res->skipped ? CHANGE_SKIPPED : CHANGE_DONE;
		}
	} else {
		rc = apply_read_report(st, res->out.buf, res->out.len, &hp->plan, &err);
		if (rc < 0) {
			strbuf_addf(&rh->errmsg, "on '%s': %s", h->name, err.buf);
		} else if (rc > 0) {
			for (size_t i = st->first; i < st->first + st->nr; i++)
				if (hp->plan.v[i].state == CHANGE_FAILED)
					change_failed(rh, h, hp, &hp->plan.v[i], "");
			rc = -1;
		} else if (runner_step_ok(res) < 0) {
			/* the script died (a limit, a signal) before its next report */
			runner_step_error(rh, step, res, &err);
			c = unfinished(hp, st);
			if (c)
				change_failed(rh, h, hp, c, err.buf);
			else
				strbuf_addbuf(&rh->errmsg, &err);
			rc = -1;
		}
	}
	for (size_t i = st->first; i < st->first + st->nr; i++) {
		if (hp->plan.v[i].state != CHANGE_DONE)
			continue;
		strbuf_reset(&what);
		plan_describe_change(&hp->rl, &hp->plan.v[i], &what);
		log_msg(LOG_INFO, "%s: done %s", h->name, what.buf);
	}
	if (!rc && k + 1 == hp->steps.nr)
		hp->state = HP_DONE;
	strbuf_release(&err);
	strbuf_release(&what);
	progress(run);
	return rc;
}

/*
 * Computes what the batch's hosts want in this phase, now that the
 * earlier phases are done: the values components ask for are read
 * first (once for the whole batch), then each host's resources are
 * computed again with them.
 */
static void batch_desired(struct run *run, size_t p, struct run_host **hosts, size_t nr)
{
	const struct run_phase *ph = &run->phases[p];
	struct strbuf err = STRBUF_INIT;
	int *asked = xcalloc(nr ? nr : 1, sizeof(*asked));

	strvec_clear(&run->misses);
	for (size_t i = 0; i < nr; i++) {
		size_t before = run->misses.nr;

		strbuf_reset(&err);
		if (desired(run, ph, hosts[i], &hosts[i]->ph[p].rl, &err) < 0)
			run_phase_fail(hosts[i], p, NULL, "%s", err.buf);
		asked[i] = run->misses.nr > before;
	}
	if (run->misses.nr) {
		struct strvec names = STRVEC_INIT;

		for (size_t i = 0; i < run->misses.nr; i++)
			strvec_push(&names, run->misses.v[i]);
		run_values_read(run, &names);
		strvec_clear(&names);
		for (size_t i = 0; i < nr; i++) {
			if (!asked[i] || hosts[i]->state == RUN_FAILED)
				continue;
			strbuf_reset(&err);
			if (desired(run, ph, hosts[i], &hosts[i]->ph[p].rl, &err) < 0)
				run_phase_fail(hosts[i], p, NULL, "%s", err.buf);
		}
	}
	free(asked);
	strbuf_release(&err);
}

static int start_observe(struct run *run, size_t p, struct run_host *h)
{
	struct host_phase *hp = &h->ph[p];
	struct strbuf script = STRBUF_INIT, err = STRBUF_INIT;
	struct runner_host *rh;
	size_t k;
	int ret = 0;

	if (observe_script(&hp->rl, &script, &err) < 0) {
		run_phase_fail(h, p, NULL, "on '%s': %s", h->name, err.buf);
		ret = -1;
	} else {
		hp->state = HP_OBSERVING;
		rh = run_session(run, h);
		k = runner_add_step(rh, "observe", script.buf, run->opts->timeout_s * 1000u);
		runner_step_on_done(rh, k, observed, run);
	}
	strbuf_release(&script);
	strbuf_release(&err);
	return ret;
}

int run_converge_batch(struct run *run, size_t p, struct run_host **hosts, size_t nr)
{
	size_t started = 0;

	batch_desired(run, p, hosts, nr);
	for (size_t i = 0; i < nr; i++)
		if (hosts[i]->state != RUN_FAILED && start_observe(run, p, hosts[i]) == 0)
			started++;
	return (int)started;
}

size_t run_converge_continue(struct run *run, size_t p, struct run_host **hosts, size_t nr)
{
	struct strvec names = STRVEC_INIT;
	size_t queued = 0;

	for (size_t i = 0; i < nr; i++) {
		struct host_phase *hp = &hosts[i]->ph[p];

		if (hp->state != HP_WAITING_VALUE || hosts[i]->state == RUN_FAILED)
			continue;
		for (size_t k = 0; k < hp->needs.nr; k++)
			if (strvec_find(&names, hp->needs.v[k]) < 0)
				strvec_push(&names, hp->needs.v[k]);
	}
	if (!names.nr)
		return 0;
	progress(run);	/* who waits for a value */
	run_values_read(run, &names);
	for (size_t i = 0; i < nr; i++) {
		struct run_host *h = hosts[i];
		struct host_phase *hp = &h->ph[p];
		const char *missing = NULL;

		if (hp->state != HP_WAITING_VALUE || h->state == RUN_FAILED)
			continue;
		for (size_t k = 0; k < hp->needs.nr && !missing; k++)
			if (!run_value_get(run, hp->needs.v[k]))
				missing = hp->needs.v[k];
		if (missing) {
			const struct cluster_value *cv = cluster_value_find(missing);
			struct strbuf hint = STRBUF_INIT;
			const struct run_value *rv = NULL;

			for (size_t v = 0; v < run->values.nr && !rv; v++)
				if (!strcmp(run->values.v[v].name, missing))
					rv = &run->values.v[v];
			if (cv && cv->hint)
				strbuf_addstr(&hint, cv->hint);
			else if (rv && rv->from)
				strbuf_addf(&hint, "check '%s', then apply again: what was done "
					    "stays done", rv->from);
			run_phase_fail(h, p, hint.len ? hint.buf : NULL, "on '%s', %s", h->name,
				       run_value_why(run, missing));
			strbuf_release(&hint);
			continue;
		}
		if (start_apply(run, p, h) == 0 && hp->state == HP_APPLYING)
			queued++;
	}
	strvec_clear(&names);
	return queued;
}
