/*
 * The plan/apply driver. Per picked host: the components' resources,
 * then, over ONE session, an observe step whose result is diffed into a
 * plan; for apply, the plan's steps are added to the same session from
 * the step callback and run in order. Hosts go in parallel over the
 * runner's poll() loop; a host that fails stops alone (unless
 * --fail-fast), and a signal stops new steps while running ones finish.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/model.h"
#include "cli/run.h"
#include "components/addons.h"
#include "components/component.h"
#include "config/settings.h"
#include "engine/plan.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void host_fail(struct run_host *h, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void host_fail(struct run_host *h, const char *hint, const char *fmt, ...)
{
	va_list ap;

	h->state = RUN_FAILED;
	if (h->error.len)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&h->error, fmt, ap);
	va_end(ap);
	if (hint)
		strbuf_addstr(&h->hint, hint);
}

/* The resources the picked components want on host `h`. */
static int desired(struct run *run, struct run_host *h)
{
	const struct comp_host *ch = &run->m->hosts[h->index];
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	for (size_t c = 0; c < nr_components && !ret; c++) {
		const struct component *comp = components[c];

		if (!(comp->roles & ch->roles) || !run_component_wanted(run->opts->components,
									 comp->name))
			continue;
		if (comp->desired(&run->m->ctx, ch, &h->rl, &err) < 0) {
			host_fail(h, NULL, "%s", err.len ? err.buf : "a component failed");
			if (!err.len)
				strbuf_addf(&h->error, " ('%s' on '%s')", comp->name, h->name);
			ret = -1;
		}
	}
	if (!ret && diff_check_conflicts(&h->rl, &err) < 0) {
		host_fail(h, "keep one of the two", "on '%s': %s", h->name, err.buf);
		ret = -1;
	}
	strbuf_release(&err);
	return ret;
}

static void log_plan(struct run_host *h)
{
	struct strbuf line = STRBUF_INIT;

	log_msg(LOG_INFO, "%s: %zu resources, %zu to change", h->name, h->plan.resources,
		h->plan.nr);
	for (size_t i = 0; i < h->plan.nr; i++) {
		strbuf_reset(&line);
		plan_describe_change(&h->rl, &h->plan.v[i], &line);
		log_msg(LOG_INFO, "%s: plan %s", h->name, line.buf);
	}
	strbuf_release(&line);
}

/* The first planned change that needs a cluster value, or plan.nr. */
static size_t first_needing_value(const struct run_host *h)
{
	for (size_t i = 0; i < h->plan.nr; i++)
		if (apply_change_needs(&h->rl, &h->plan.v[i]))
			return i;
	return h->plan.nr;
}

/* The runner steps of h->steps. */
static void add_apply_steps(struct run *run, struct runner_host *rh, struct run_host *h)
{
	const struct apply_steps *st = &h->steps;

	for (size_t i = 0; i < st->nr; i++) {
		const struct change *c = &h->plan.v[st->v[i].first];

		if (st->v[i].upload)
			runner_add_upload(rh, "upload", h->rl.items[c->res].local_path,
					  h->rl.items[c->res].path, c->mode, c->owner,
					  run->opts->timeout_s * 1000u);
		else
			runner_add_step(rh, "apply", st->v[i].script.buf,
					run->opts->timeout_s * 1000u);
	}
}

static int observed(struct run *run, struct runner_host *rh, struct run_host *h,
		    const struct runner_result *res)
{
	struct strbuf err = STRBUF_INIT;
	struct apply_steps *st = &h->steps;
	int ret = -1;

	if (runner_step_ok(res) < 0)
		return -1;	/* the runner's message says why */
	if (observe_parse(&h->rl, res->out.buf, res->out.len, &h->obs, &err) < 0) {
		strbuf_addf(&rh->errmsg, "cannot read the state of '%s': %s", h->name, err.buf);
		goto out;
	}
	if (diff_host(h->name, &h->rl, &h->obs, &h->plan, &err) < 0) {
		strbuf_addf(&rh->errmsg, "cannot plan '%s': %s", h->name, err.buf);
		goto out;
	}
	h->planned = 1;
	log_plan(h);
	h->state = RUN_DONE;
	if (run->opts->apply && h->plan.nr) {
		/* what needs a cluster value waits for the second pass, and all after it */
		size_t upto = first_needing_value(h);

		if (upto < h->plan.nr) {
			h->deferred = 1;
			h->deferred_from = upto;
		}
		if (apply_build_range(&h->rl, &h->plan, 0, upto, NULL, 0, st, &err) < 0) {
			strbuf_addf(&rh->errmsg, "cannot apply on '%s': %s", h->name, err.buf);
			goto out;
		}
		add_apply_steps(run, rh, h);
		if (st->nr)
			h->state = RUN_APPLYING;
	}
	ret = 0;
out:
	strbuf_release(&err);
	run_progress(run);
	return ret;
}

/* The change a failed step was on: its first without an outcome. */
static struct change *unfinished(struct run_host *h, const struct apply_step *st)
{
	for (size_t i = st->first; i < st->first + st->nr; i++)
		if (h->plan.v[i].state == CHANGE_PLANNED)
			return &h->plan.v[i];
	return NULL;
}

static void change_failed(struct runner_host *rh, struct run_host *h, struct change *c,
			  const char *why)
{
	struct strbuf what = STRBUF_INIT;

	c->state = CHANGE_FAILED;
	if (!c->error.len)
		strbuf_addstr(&c->error, why);
	plan_describe_change(&h->rl, c, &what);
	strbuf_reset(&rh->errmsg);
	/* the description without its plan sign ("+ ", "! ") */
	strbuf_addf(&rh->errmsg, "on '%s', %s failed: %s", h->name, what.buf + 2, c->error.buf);
	if (!rh->hint.len)
		strbuf_addstr(&rh->hint, "fix the cause and apply again: what was done stays "
			      "done, and the rest is planned afresh");
	log_msg(LOG_INFO, "%s: failed %s: %s", h->name, what.buf, c->error.buf);
	strbuf_release(&what);
}

static int applied(struct run *run, struct runner_host *rh, struct run_host *h,
		   size_t k, const struct runner_result *res)
{
	const struct apply_step *st = &h->steps.v[k];
	struct strbuf err = STRBUF_INIT, what = STRBUF_INIT;
	struct change *c;
	int rc = 0;

	h->steps_done = k + 1;
	if (st->upload) {
		c = &h->plan.v[st->first];
		if (runner_step_ok(res) < 0) {
			runner_step_error(rh, k + 1, res, &err);
			change_failed(rh, h, c, err.buf);
			rc = -1;
		} else {
			c->state = res->skipped ? CHANGE_SKIPPED : CHANGE_DONE;
		}
	} else {
		rc = apply_read_report(st, res->out.buf, res->out.len, &h->plan, &err);
		if (rc < 0) {
			strbuf_addf(&rh->errmsg, "on '%s': %s", h->name, err.buf);
		} else if (rc > 0) {
			for (size_t i = st->first; i < st->first + st->nr; i++)
				if (h->plan.v[i].state == CHANGE_FAILED)
					change_failed(rh, h, &h->plan.v[i], "");
			rc = -1;
		} else if (runner_step_ok(res) < 0) {
			/* the script died (a limit, a signal) before its next report */
			runner_step_error(rh, k + 1, res, &err);
			c = unfinished(h, st);
			if (c)
				change_failed(rh, h, c, err.buf);
			else
				strbuf_addbuf(&rh->errmsg, &err);
			rc = -1;
		}
	}
	for (size_t i = st->first; i < st->first + st->nr; i++) {
		if (h->plan.v[i].state != CHANGE_DONE)
			continue;
		strbuf_reset(&what);
		plan_describe_change(&h->rl, &h->plan.v[i], &what);
		log_msg(LOG_INFO, "%s: done %s", h->name, what.buf);
	}
	strbuf_release(&err);
	strbuf_release(&what);
	run_progress(run);
	return rc;
}

static int on_step(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data)
{
	struct run *run = data;
	struct run_host *h = rh->data;

	h->busy_us += res->duration_us;
	if (run->pass)		/* the second pass has no observe step */
		return applied(run, rh, h, step, res);
	if (step == 0)
		return observed(run, rh, h, res);
	return applied(run, rh, h, step - 1, res);
}

static void collect(struct run *run, struct runner *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct runner_host *rh = r->hosts[i];
		struct run_host *h = rh->data;

		h->busy_us += rh->connect_us;
		if (rh->state == RUNNER_OK) {
			h->state = RUN_DONE;
			continue;
		}
		h->cancelled = rh->state == RUNNER_CANCELLED;
		/* the step running when the session died may have made some of its changes */
		if (!h->cancelled && rh->error != SESSION_ERR_NONE && h->steps_done < h->steps.nr &&
		    rh->next > h->steps_done) {
			const struct apply_step *st = &h->steps.v[h->steps_done];
			for (size_t k = st->first; k < st->first + st->nr; k++)
				if (h->plan.v[k].state == CHANGE_PLANNED)
					h->plan.v[k].state = CHANGE_UNKNOWN;
		}
		host_fail(h, rh->hint.len ? rh->hint.buf : NULL, "%s",
			  rh->errmsg.len ? rh->errmsg.buf : "failed");
		log_msg(LOG_INFO, "%s: failed: %s", h->name, h->error.buf);
	}
	(void)run;
}

/*
 * Apply's second pass: the changes that need a cluster value (a worker's
 * join token, the admin kubeconfig), once every host's other changes are
 * made, so the controller runs. The values are read on the controller,
 * then each waiting host gets its remaining changes over a new session.
 * Returns -1 when interrupted.
 */
static int second_pass(struct run *run)
{
	struct strvec names = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT, hint = STRBUF_INIT;
	struct run_values vals;
	struct apply_value *av = NULL;
	struct runner r;
	int failed = 0, interrupted = 0;

	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];

		failed |= h->state == RUN_FAILED;
		if (!h->deferred || h->state != RUN_DONE)
			continue;
		for (size_t k = h->deferred_from; k < h->plan.nr; k++) {
			const char *need = apply_change_needs(&h->rl, &h->plan.v[k]);

			if (need && strvec_find(&names, need) < 0)
				strvec_push(&names, need);
		}
	}
	if (!names.nr)
		return 0;
	if (failed && run->opts->fail_fast) {
		for (size_t i = 0; i < run->nr; i++)
			if (run->hosts[i].deferred && run->hosts[i].state == RUN_DONE) {
				run->hosts[i].cancelled = 1;
				host_fail(&run->hosts[i], NULL, "'%s' stopped: another host failed",
					  run->hosts[i].name);
			}
		strvec_clear(&names);
		return 0;
	}

	run_progress(run);	/* who waits for the controller */
	run->pass = 1;
	if (run_read_values(run, &names, &vals, &err, &hint) < 0) {
		for (size_t i = 0; i < run->nr; i++)
			if (run->hosts[i].deferred && run->hosts[i].state == RUN_DONE)
				host_fail(&run->hosts[i], hint.len ? hint.buf : NULL,
					  "on '%s', %s", run->hosts[i].name, err.buf);
		interrupted = runner_interrupted() != 0;
		goto out;
	}
	av = xcalloc(names.nr, sizeof(*av));
	for (size_t i = 0; i < names.nr; i++) {
		av[i].name = names.v[i];
		av[i].value = run_value(&vals, names.v[i]);
	}
	run_runner_init(run, &r, on_step);
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];
		struct runner_host *rh;

		if (!h->deferred || h->state != RUN_DONE)
			continue;
		apply_steps_release(&h->steps);
		h->steps_done = 0;
		strbuf_reset(&err);
		if (apply_build_range(&h->rl, &h->plan, h->deferred_from, h->plan.nr, av, names.nr,
				      &h->steps, &err) < 0) {
			host_fail(h, NULL, "cannot apply on '%s': %s", h->name, err.buf);
			continue;
		}
		rh = runner_add_host(&r, &h->t);
		rh->data = h;
		add_apply_steps(run, rh, h);
		h->state = RUN_APPLYING;
	}
	if (r.nr) {
		run_progress(run);
		runner_run(&r);
		interrupted = runner_interrupted() != 0;
		collect(run, &r);
	}
	runner_release(&r);
out:
	free(av);
	run_values_release(&vals);
	strvec_clear(&names);
	strbuf_release(&err);
	strbuf_release(&hint);
	return interrupted ? -1 : 0;
}

/*
 * The downloads the picked components upload, checked before any host
 * is changed or even observed, each reported once: an empty sha256 pin
 * (at the key's cluster.yaml line; invalid input) or a file missing from
 * the cache (run `kcfg fetch`). Returns an exit code.
 */
static int check_downloads(struct run *run)
{
	const struct settings *s = &run->m->settings;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strvec seen = STRVEC_INIT;
	struct strbuf hint = STRBUF_INIT;
	size_t missing = 0;
	int ret = KCFG_EXIT_OK;

	for (size_t i = 0; i < run->nr; i++) {
		const struct resource_list *rl = &run->hosts[i].rl;

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
					cli_error("component '%s' uploads %s, which is not in the "
						  "cache yet", r->component, r->local_path);
					missing++;
				}
				continue;
			}
			file = settings_origin(s, r->pin_key, &line, &col);
			strbuf_reset(&hint);
			strbuf_addf(&hint, "set it to the sha256 of that download (docs/components.md "
				    "says where it comes from), or run without component '%s'",
				    r->component);
			diag_error(&dl, file, line, col, hint.buf,
				   "'%s' is empty, but component '%s' uploads %s, which kcfg "
				   "must check first", r->pin_key, r->component, r->local_path);
		}
	}
	if (missing) {
		cli_hint("run 'kcfg fetch' first (or 'kcfg fetch --from DIR' where there is "
			 "no internet access)");
		ret = KCFG_EXIT_FAILURE;
	}
	if (dl.nr)
		ret = cli_report_diags(&dl);
	strvec_clear(&seen);
	strbuf_release(&hint);
	diag_release(&dl);
	return ret;
}

/*
 * The Exascaler StorageClasses carry their filesystem's Lustre project
 * id, which kcfg cannot read by itself yet: a file still holding the
 * placeholder for it (components/addons.h) must never reach a host.
 * Returns an exit code.
 */
static int check_placeholders(struct run *run)
{
	const struct storage_fs_list *fsl = &run->m->settings.storage.filesystems;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf mark = STRBUF_INIT, hint = STRBUF_INIT;
	unsigned line = 0, col = 0;
	const char *file = settings_origin(&run->m->settings, "storage.filesystems", &line, &col);
	int ret;

	for (size_t f = 0; f < fsl->nr; f++) {
		const struct storage_fs *fs = &fsl->v[f];
		const char *component = NULL;

		strbuf_reset(&mark);
		addons_project_id_placeholder(&mark, fs->mount_point);
		for (size_t i = 0; i < run->nr && !component; i++) {
			const struct resource_list *rl = &run->hosts[i].rl;

			for (size_t j = 0; j < rl->nr && !component; j++)
				if (rl->items[j].content.len && strstr(rl->items[j].content.buf, mark.buf))
					component = rl->items[j].component;
		}
		if (!component)
			continue;
		strbuf_reset(&hint);
		if (run->project_id_why.len)
			strbuf_addf(&hint, "%s; set 'project_id' in that entry, or apply again once "
				    "the filesystem is mounted there, or run without component '%s'",
				    run->project_id_why.buf, component);
		else
			strbuf_addf(&hint, "run 'lfs project -d %s' on a worker that mounts it and "
				    "set 'project_id' in that entry, or run without component '%s'",
				    fs->mount_point, component);
		diag_error(&dl, file, line, col, hint.buf,
			   "component '%s' needs the Lustre project id of '%s' for StorageClass "
			   "'%s': 'storage.filesystems' entry %zu has no 'project_id'",
			   component, fs->mount_point, fs->storage_class, f + 1);
	}
	ret = dl.nr ? cli_report_diags(&dl) : KCFG_EXIT_OK;
	diag_release(&dl);
	strbuf_release(&mark);
	strbuf_release(&hint);
	return ret;
}

static int exit_code(const struct run *run, int interrupted)
{
	int failed = 0, changes = 0;

	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];

		failed |= h->state == RUN_FAILED;
		changes |= h->planned && h->plan.nr;
	}
	if (interrupted)
		return 130;
	if (failed)
		return KCFG_EXIT_FAILURE;
	if (!run->opts->apply && changes && run->opts->detailed_exitcode)
		return KCFG_EXIT_CHANGES;
	return KCFG_EXIT_OK;
}

int run_plan_apply(struct run *run)
{
	struct runner r;
	struct strbuf script = STRBUF_INIT, err = STRBUF_INIT;
	int interrupted = 0;

	run->started_us = session_now_us();
	run_open_log(run);
	log_msg(LOG_INFO, "kcfg %s on %s", run->opts->command, run->m->inv.file);
	if (run_gather_facts(run, 0) < 0)
		interrupted = 1;
	if (!interrupted)
		run_read_project_ids(run, &run->project_id_why);
	for (size_t i = 0; i < run->nr && !interrupted; i++)
		if (run->hosts[i].state == RUN_WAITING)
			desired(run, &run->hosts[i]);
	if (!interrupted) {
		int ret = check_downloads(run);

		if (ret == KCFG_EXIT_OK)
			ret = check_placeholders(run);
		if (ret != KCFG_EXIT_OK) {
			log_close();
			return ret;
		}
	}
	run_runner_init(run, &r, on_step);
	for (size_t i = 0; i < run->nr && !interrupted; i++) {
		struct run_host *h = &run->hosts[i];
		struct runner_host *rh;

		if (h->state != RUN_WAITING)
			continue;
		strbuf_reset(&script);
		strbuf_reset(&err);
		if (observe_script(&h->rl, &script, &err) < 0) {
			host_fail(h, NULL, "on '%s': %s", h->name, err.buf);
			continue;
		}
		h->state = RUN_OBSERVING;
		rh = runner_add_host(&r, &h->t);
		rh->data = h;
		runner_add_step(rh, "observe", script.buf, run->opts->timeout_s * 1000u);
	}
	if (!interrupted && r.nr) {
		run_progress(run);
		runner_run(&r);
		interrupted = runner_interrupted() != 0;
		collect(run, &r);
	}
	if (!interrupted && run->opts->apply)
		interrupted = second_pass(run) < 0;
	run_progress_end(run);
	runner_release(&r);
	strbuf_release(&script);
	strbuf_release(&err);
	run_print_hosts(run);
	run_print_summary(run);
	log_close();
	return exit_code(run, interrupted);
}
