/*
 * The phase driver (run.h): each phase in turn, its hosts in batches
 * over their one session each, then its barrier. A host that fails
 * stops there and is left out of the later phases; a failed host in a
 * batch stops the later batches of that phase; a barrier that does not
 * hold stops the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run/model.h"
#include "run/run.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void progress(struct run *run)
{
	if (run->ev && run->ev->progress)
		run->ev->progress(run);
}

size_t run_batch_size(const struct run_batch *b, size_t nr)
{
	size_t n;

	if (!b->n || !nr)
		return nr;
	n = b->percent ? (nr * b->n + 99) / 100 : b->n;
	if (n < 1)
		n = 1;
	return n < nr ? n : nr;
}

static void open_log(struct run *run)
{
	struct strbuf err = STRBUF_INIT, path = STRBUF_INIT;
	char *dir = model_state_subdir(run->m, "logs", &err);
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc = -1;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* runs within one second get -2, -3, ...: each log is a new file */
	for (unsigned n = 1; dir && n <= 100; n++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s-%s", dir, stamp, run->opts->command);
		if (n > 1)
			strbuf_addf(&path, "-%u", n);
		strbuf_addstr(&path, ".log");
		if ((rc = log_open_file(path.buf, &err)) <= 0)
			break;
	}
	if (rc > 0)
		strbuf_addf(&err, "'%s' and 99 more names are taken", path.buf);
	if (rc)
		log_msg(LOG_WARNING, "no log for this run: %s", err.buf);
	free(dir);
	strbuf_release(&path);
	strbuf_release(&err);
}

/* Whether `h` takes part in phase `p` (before it starts). */
static int in_phase(const struct run *run, size_t p, const struct run_host *h)
{
	const struct run_phase *ph = &run->phases[p];
	const struct comp_host *ch = &run->m->hosts[h->index];

	if (h->state == RUN_SKIPPED || h->state == RUN_FAILED)
		return 0;
	if (ph->roles && !(ph->roles & ch->roles))
		return 0;
	if (h->taken_in && ph->kind != PHASE_CONVERGE)
		return 0;	/* taken in for some resources, nothing else */
	if (ph->kind == PHASE_CONVERGE)
		return h->ph[p].rl.nr != 0;
	return 1;
}

/* The session of a batch's host ended badly: its part in the phase failed. */
static void collect(struct run *run, size_t p, struct run_host **hosts, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		struct run_host *h = hosts[i];
		struct host_phase *hp = &h->ph[p];
		struct runner_host *rh = h->rh;

		if (!rh)
			continue;
		if (!h->busy_us && rh->connect_us)
			h->busy_us = rh->connect_us;
		if (rh->state != RUNNER_FAILED && rh->state != RUNNER_CANCELLED)
			continue;
		if (h->state == RUN_FAILED)
			continue;	/* it failed before (a value, a component) */
		h->cancelled = rh->state == RUNNER_CANCELLED;
		/*
		 * The step running when the session died (rh->next: the runner's
		 * current step) may have made some of its changes.
		 */
		if (!h->cancelled && rh->error != SESSION_ERR_NONE &&
		    hp->steps_done < hp->steps.nr && rh->next >= hp->first_step + hp->steps_done) {
			const struct apply_step *st = &hp->steps.v[hp->steps_done];

			for (size_t k = st->first; k < st->first + st->nr; k++)
				if (hp->plan.v[k].state == CHANGE_PLANNED)
					hp->plan.v[k].state = CHANGE_UNKNOWN;
		}
		run_phase_fail(h, p, rh->hint.len ? rh->hint.buf : NULL, "%s",
			       rh->errmsg.len ? rh->errmsg.buf : "failed");
		if (h->cancelled)
			hp->state = HP_CANCELLED;
		log_msg(LOG_INFO, "%s: failed: %s", h->name, h->error.buf);
	}
	for (size_t i = 0; i < nr; i++) {
		struct host_phase *hp = &hosts[i]->ph[p];

		if (hp->state == HP_OBSERVING || hp->state == HP_APPLYING)
			hp->state = HP_DONE;	/* every step it had ran */
	}
}

static void cancel(struct run *run, size_t p, struct run_host *h, const char *why)
{
	struct host_phase *hp = &h->ph[p];

	hp->state = HP_CANCELLED;
	if (!hp->error.len)
		strbuf_addf(&hp->error, "'%s' %s", h->name, why);
	h->cancelled = 1;
	run_host_fail(h, NULL, "%s", hp->error.buf);
}

/* Runs the runner until the batch has nothing left to do. */
static void run_round(struct run *run, size_t p, struct run_host **batch, size_t n)
{
	const struct run_phase *ph = &run->phases[p];

	progress(run);
	runner_run(&run->runner);
	collect(run, p, batch, n);
	if (ph->kind == PHASE_CONVERGE && run->opts->apply && !runner_interrupted()) {
		while (run_converge_continue(run, p, batch, n)) {
			runner_run(&run->runner);
			collect(run, p, batch, n);
			if (runner_interrupted())
				break;
		}
	}
	if (runner_interrupted())
		run->interrupted = 1;
	progress(run);
}

static int start_batch(struct run *run, size_t p, struct run_host **batch, size_t n)
{
	const struct run_phase *ph = &run->phases[p];
	int started = 0;

	for (size_t i = 0; i < n; i++)
		batch[i]->ph[p].state = HP_WAITING;
	if (ph->kind == PHASE_CONVERGE)
		return run_converge_batch(run, p, batch, n);
	for (size_t i = 0; i < n; i++) {
		struct host_phase *hp = &batch[i]->ph[p];
		int rc = ph->action->start(run, ph, p, batch[i]);

		if (rc == 0) {
			hp->state = HP_APPLYING;
			started++;
		} else if (rc > 0) {
			hp->state = HP_DONE;
		} else if (hp->state != HP_FAILED) {
			run_phase_fail(batch[i], p, NULL, "%s", batch[i]->error.len ?
				       batch[i]->error.buf : "failed");
		}
	}
	return started;
}

/* ---- barriers ---- */

struct check {
	int status;
	struct strbuf out, err;
};

static int on_check(struct runner_host *rh, size_t step, const struct runner_result *res,
		    void *data)
{
	struct check *c = data;

	c->status = res->timed_out ? -1 : res->status;
	strbuf_reset(&c->out);
	strbuf_addbuf(&c->out, &res->out);
	strbuf_reset(&c->err);
	strbuf_addbuf(&c->err, &res->err);
	return 0;	/* the check failing is the barrier's business, not the host's */
}

static void run_barrier(struct run *run, size_t p)
{
	const struct run_barrier *b = run->phases[p].barrier;
	struct run_barrier_result *br = &run->barriers[p];
	struct run_host *h = run_first_host(run, b->roles);
	unsigned timeout_s = run->opts->wait_timeout_s ? run->opts->wait_timeout_s : b->timeout_s;
	uint64_t start = session_now_us();
	struct check c = { 0, STRBUF_INIT, STRBUF_INIT };
	struct strbuf why = STRBUF_INIT, script = STRBUF_INIT;

	if (!h) {
		br->state = BARRIER_SKIPPED;
		strbuf_addf(&br->why, "no host to check that %s on", b->what);
		return;
	}
	b->script(run, &script);
	log_msg(LOG_INFO, "waiting until %s (on '%s', at most %u s)", b->what, h->name, timeout_s);
	for (;;) {
		struct runner_host *rh;
		int rc;

		if (h->state == RUN_FAILED && (!h->rh || h->rh->state != RUNNER_IDLE)) {
			strbuf_addf(&br->why, "cannot check that %s on '%s': %s", b->what, h->name,
				    h->error.len ? h->error.buf : "it failed");
			br->state = BARRIER_FAILED;
			break;
		}
		rh = run_session(run, h);
		runner_step_on_done(rh, runner_add_step(rh, "check", script.buf, 30000), on_check,
				    &c);
		c.status = -2;
		runner_run(&run->runner);
		if (runner_interrupted()) {
			run->interrupted = 1;
			br->state = BARRIER_FAILED;
			strbuf_addf(&br->why, "interrupted while waiting until %s", b->what);
			break;
		}
		if (rh->state != RUNNER_IDLE) {
			strbuf_addf(&br->why, "cannot check that %s on '%s': %s", b->what, h->name,
				    rh->errmsg.len ? rh->errmsg.buf : "the session ended");
			br->state = BARRIER_FAILED;
			break;
		}
		strbuf_reset(&why);
		rc = b->judge(run, c.out.buf, c.out.len, &why);
		if (rc == 0 && c.status > 0 && !why.len) {
			strbuf_addf(&why, "the check exited %d", c.status);
			if (c.err.len) {
				strbuf_rtrim(&c.err);
				strbuf_addf(&why, ": %s", c.err.buf);
			}
		}
		if (rc > 0) {
			br->state = BARRIER_HELD;
			break;
		}
		if (rc < 0 || session_now_us() - start >= (uint64_t)timeout_s * 1000000u) {
			br->state = BARRIER_FAILED;
			if (rc < 0)
				strbuf_addf(&br->why, "cannot tell whether %s on '%s': %s", b->what,
					    h->name, why.buf);
			else
				strbuf_addf(&br->why, "gave up after %u s waiting until %s "
					    "(checked on '%s'): %s", timeout_s, b->what, h->name,
					    why.buf);
			break;
		}
		if (run->ev && run->ev->waiting)
			run->ev->waiting(run, b, why.buf);
		if (runner_sleep(&run->runner, b->interval_ms) < 0) {
			run->interrupted = 1;
			br->state = BARRIER_FAILED;
			strbuf_addf(&br->why, "interrupted while waiting until %s", b->what);
			break;
		}
	}
	br->waited_us = session_now_us() - start;
	if (br->state == BARRIER_HELD)
		log_msg(LOG_INFO, "%s (after %.1f s)", b->what, (double)br->waited_us / 1e6);
	else
		log_msg(LOG_INFO, "%s", br->why.buf);
	strbuf_release(&c.out);
	strbuf_release(&c.err);
	strbuf_release(&why);
	strbuf_release(&script);
}

/* ---- the run ---- */

static void setup(struct run *run, const struct run_phase *phases, size_t nr,
		  const struct run_events *ev)
{
	run->phases = phases;
	run->nr_phases = nr;
	run->ev = ev;
	run->barriers = xcalloc(nr ? nr : 1, sizeof(*run->barriers));
	for (size_t p = 0; p < nr; p++)
		strbuf_init(&run->barriers[p].why, 0);
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];

		h->ph = xcalloc(nr ? nr : 1, sizeof(*h->ph));
		for (size_t p = 0; p < nr; p++) {
			strbuf_init(&h->ph[p].error, 0);
			strbuf_init(&h->ph[p].hint, 0);
			strvec_init(&h->ph[p].needs);
			strvec_init(&h->ph[p].found_by);
		}
	}
	run->m->ctx.value = run_value_lookup;
	run->m->ctx.value_data = run;
	run->started_us = session_now_us();
}

static int wants_barrier(struct run *run, size_t p, size_t worked)
{
	const struct run_barrier *b = run->phases[p].barrier;

	if (!b || !run->opts->apply || run->stopped || run->interrupted)
		return 0;
	return b->wanted ? b->wanted(run) : worked > 0;
}

static void run_one_phase(struct run *run, size_t p)
{
	const struct run_phase *ph = &run->phases[p];
	struct run_host **hosts = xcalloc(run->nr ? run->nr : 1, sizeof(*hosts));
	const struct run_batch *batch = ph->kind == PHASE_CONVERGE && run->opts->batch.n ?
					&run->opts->batch : &ph->batch;
	size_t nr = 0, size, worked = 0;
	int batch_failed = 0;

	for (size_t i = 0; i < run->nr; i++)
		if (in_phase(run, p, &run->hosts[i]))
			hosts[nr++] = &run->hosts[i];
	run->phase = p;
	if (nr && run->ev && run->ev->phase)
		run->ev->phase(run, p);
	if (nr)
		log_msg(LOG_INFO, "phase '%s': %zu host%s", ph->name, nr, nr == 1 ? "" : "s");
	size = run_batch_size(batch, nr);
	for (size_t at = 0; at < nr; at += size) {
		size_t n = nr - at < size ? nr - at : size;

		if (batch_failed || run->interrupted) {
			for (size_t i = at; i < nr; i++)
				cancel(run, p, hosts[i], run->interrupted ? "was not started "
				       "(interrupted)" : "was not started: a host of an earlier "
				       "batch failed");
			break;
		}
		start_batch(run, p, hosts + at, n);
		run_round(run, p, hosts + at, n);
		for (size_t i = at; i < at + n; i++) {
			worked += hosts[i]->ph[p].state == HP_DONE;
			batch_failed |= hosts[i]->state == RUN_FAILED && size < nr;
		}
		if (ph->action && ph->action->finish)
			ph->action->finish(run, ph, p);
	}
	if (batch_failed)
		run->stopped = 1;
	if (wants_barrier(run, p, worked)) {
		run_barrier(run, p);
		if (run->barriers[p].state == BARRIER_FAILED)
			run->stopped = 1;
	} else if (ph->barrier && run->opts->apply) {
		run->barriers[p].state = BARRIER_SKIPPED;	/* plan runs none: not-run */
	}
	free(hosts);
}

int run_phases(struct run *run, const struct run_phase *phases, size_t nr,
	       const struct run_events *ev, struct diag_list *dl)
{
	int prepared = 0;

	setup(run, phases, nr, ev);
	open_log(run);
	log_msg(LOG_INFO, "kcfg %s on %s", run->opts->command, run->m->inv.file);
	run_load_cached_facts(run);
	for (size_t p = 0; p < nr; p++) {
		const struct run_phase *ph = &phases[p];

		if (run->interrupted || run->stopped)
			break;
		if (!run->opts->apply && ph->kind == PHASE_ACTION && !ph->in_plan)
			continue;
		/*
		 * Before the first phase that converges or changes anything: a
		 * pin or download that is missing stops the run before any host
		 * changed (kcfg upgrade converges only after its own steps).
		 */
		if (!prepared && (ph->kind == PHASE_CONVERGE || (run->opts->apply && !ph->in_plan))) {
			prepared = 1;
			int rc = run_prepare(run, dl);

			if (rc < 0) {
				run_close_sessions(run);
				return rc - 1;
			}
			for (size_t i = 0; run->whole_or_nothing && i < run->nr; i++)
				if (run->hosts[i].state == RUN_FAILED)
					run->stopped = 1;
			if (run->stopped)
				break;
		}
		run_one_phase(run, p);
	}
	if (run->stopped && !run->interrupted) {
		/* what the later phases would have changed on each host was not started */
		for (size_t p = run->phase + 1; p < nr; p++)
			for (size_t i = 0; i < run->nr; i++)
				if (phases[p].kind == PHASE_CONVERGE && in_phase(run, p, &run->hosts[i]))
					run->hosts[i].ph[p].state = HP_CANCELLED;
	}
	run_close_sessions(run);
	progress(run);
	return run->interrupted ? -1 : 0;
}

int run_failed(const struct run *run)
{
	for (size_t i = 0; i < run->nr; i++)
		if (run->hosts[i].state == RUN_FAILED)
			return 1;
	for (size_t p = 0; p < run->nr_phases; p++)
		if (run->barriers && run->barriers[p].state == BARRIER_FAILED)
			return 1;
	return 0;
}

int run_has_changes(const struct run *run)
{
	for (size_t i = 0; i < run->nr; i++)
		for (size_t p = 0; run->hosts[i].ph && p < run->nr_phases; p++)
			if (run->hosts[i].ph[p].planned && run->hosts[i].ph[p].plan.nr)
				return 1;
	return 0;
}
