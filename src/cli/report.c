/*
 * What a run shows: live progress on stderr (one line per host, redrawn,
 * when stderr is a terminal; plain lines otherwise), the plan or what
 * apply did on stdout, phase by phase, a summary table, the errors with
 * their hints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/report.h"
#include "run/model.h"
#include "run/run.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define LIVE_MAX_HOSTS 30	/* more hosts than this: one summary line */

static size_t count_state(const struct host_plan *p, enum change_state s)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nr; i++)
		n += p->v[i].state == s;
	return n;
}

/* The host's part in the current (or last) phase it was in. */
static const struct host_phase *current(const struct run *run, const struct run_host *h,
					size_t *phase)
{
	for (size_t p = run->phase + 1; p-- > 0;) {
		if (p < run->nr_phases && h->ph && h->ph[p].state != HP_NONE) {
			*phase = p;
			return &h->ph[p];
		}
	}
	return NULL;
}

static void host_status(const struct run *run, const struct run_host *h, struct strbuf *out)
{
	size_t p = 0;
	const struct host_phase *hp = current(run, h, &p);

	if (h->state == RUN_SKIPPED)
		return;
	if (!hp) {
		strbuf_addstr(out, h->state == RUN_FAILED ? "failed" : "waiting");
		return;
	}
	if (run->nr_phases > 1)
		strbuf_addf(out, "%s: ", run->phases[p].name);
	switch (hp->state) {
	case HP_NONE:
	case HP_WAITING:
		strbuf_addstr(out, "waiting");
		break;
	case HP_OBSERVING:
		strbuf_addstr(out, run->phases[p].kind == PHASE_CONVERGE ? "observing" : "running");
		break;
	case HP_WAITING_VALUE:
		strbuf_addstr(out, "waiting for a value from another host");
		break;
	case HP_APPLYING:
		if (run->phases[p].kind == PHASE_CONVERGE)
			strbuf_addf(out, "applying %zu/%zu", count_state(&hp->plan, CHANGE_DONE) +
				    count_state(&hp->plan, CHANGE_SKIPPED), hp->plan.nr);
		else
			strbuf_addstr(out, "running");
		break;
	case HP_DONE:
		if (run->phases[p].kind != PHASE_CONVERGE)
			strbuf_addstr(out, "done");
		else if (!run->opts->apply)
			strbuf_addf(out, "%zu to change", hp->plan.nr);
		else
			strbuf_addf(out, "done, %zu changed", count_state(&hp->plan, CHANGE_DONE));
		break;
	case HP_FAILED:
		strbuf_addstr(out, "failed");
		break;
	case HP_CANCELLED:
		strbuf_addstr(out, "cancelled");
		break;
	}
}

static void live(struct run *run, struct report *rep)
{
	struct strbuf out = STRBUF_INIT, st = STRBUF_INIT;
	size_t picked = 0, width = 4;

	for (size_t i = 0; i < run->nr; i++)
		if (run->hosts[i].state != RUN_SKIPPED) {
			picked++;
			if (strlen(run->hosts[i].name) > width)
				width = strlen(run->hosts[i].name);
		}
	if (rep->lines)
		strbuf_addf(&out, "\r\033[%uA", rep->lines);
	rep->lines = 0;
	if (picked > LIVE_MAX_HOSTS) {
		size_t done = 0, failed = 0, busy = 0;

		for (size_t i = 0; i < run->nr; i++) {
			size_t p;
			const struct host_phase *hp = current(run, &run->hosts[i], &p);

			if (run->hosts[i].state == RUN_SKIPPED)
				continue;
			if (run->hosts[i].state == RUN_FAILED)
				failed++;
			else if (hp && hp->state == HP_DONE)
				done++;
			else if (hp && hp->state != HP_WAITING && hp->state != HP_NONE)
				busy++;
		}
		strbuf_addf(&out, "\033[2K%zu hosts, %s: %zu working, %zu done, %zu failed\n",
			    picked, run->nr_phases ? run->phases[run->phase].name : "", busy, done,
			    failed);
		rep->lines = 1;
	} else {
		for (size_t i = 0; i < run->nr; i++) {
			const struct run_host *h = &run->hosts[i];

			if (h->state == RUN_SKIPPED)
				continue;
			strbuf_reset(&st);
			host_status(run, h, &st);
			strbuf_addf(&out, "\033[2K  %-*s  %s\n", (int)width, h->name, st.buf);
			rep->lines++;
		}
	}
	if (rep->waiting.len) {
		strbuf_addf(&out, "\033[2K%s\n", rep->waiting.buf);
		rep->lines++;
	}
	fputs(out.buf, stderr);
	fflush(stderr);
	strbuf_release(&out);
	strbuf_release(&st);
}

/* Plain lines, one per host and state reached (apply only: plan's output is the plan). */
static void plain(struct run *run, struct report *rep)
{
	struct strbuf out = STRBUF_INIT;

	if (!run->opts->apply || log_get_stderr_level() < LOG_WARNING)
		return;
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];
		size_t p = 0;
		const struct host_phase *hp = current(run, h, &p);
		int shown;

		if (h->state == RUN_SKIPPED || !hp || hp->state == HP_WAITING ||
		    hp->state == HP_NONE || hp->state == HP_OBSERVING)
			continue;
		shown = (int)(p * 16 + hp->state);
		if (shown == h->shown)
			continue;
		h->shown = shown;
		strbuf_reset(&out);
		host_status(run, h, &out);
		fprintf(stderr, "%s: %s\n", h->name, out.buf);
	}
	strbuf_release(&out);
}

static void on_progress(struct run *run)
{
	struct report *rep = run->ev->data;

	if (rep->tty && log_get_stderr_level() >= LOG_WARNING)
		live(run, rep);
	else
		plain(run, rep);
}

static void on_waiting(struct run *run, const struct run_barrier *b, const char *why)
{
	struct report *rep = run->ev->data;
	struct strbuf line = STRBUF_INIT;

	strbuf_addf(&line, "waiting until %s: %s", b->what, why);
	if (strcmp(line.buf, rep->waiting.buf)) {
		strbuf_reset(&rep->waiting);
		strbuf_addbuf(&rep->waiting, &line);
		if (!(rep->tty && log_get_stderr_level() >= LOG_WARNING) &&
		    log_get_stderr_level() >= LOG_WARNING)
			fprintf(stderr, "%s\n", line.buf);
	}
	strbuf_release(&line);
	on_progress(run);
}

static void on_phase(struct run *run, size_t p)
{
	struct report *rep = run->ev->data;

	strbuf_reset(&rep->waiting);
	on_progress(run);
}

void report_init(struct report *rep)
{
	memset(rep, 0, sizeof(*rep));
	strbuf_init(&rep->waiting, 0);
	rep->tty = isatty(2);
	rep->ev.progress = on_progress;
	rep->ev.phase = on_phase;
	rep->ev.waiting = on_waiting;
	rep->ev.data = rep;
}

void report_release(struct report *rep)
{
	strbuf_release(&rep->waiting);
}

void report_progress_end(struct run *run, struct report *rep)
{
	strbuf_reset(&rep->waiting);
	if (run->ev)
		on_progress(run);
	rep->lines = 0;
}

int report_run(struct run *run, const struct run_phase *phases, size_t nr, int live,
	       struct diag_list *dl)
{
	struct report rep;
	int rc;

	report_init(&rep);
	rep.tty &= live;
	rc = run_phases(run, phases, nr, &rep.ev, dl);
	report_progress_end(run, &rep);
	report_release(&rep);
	return rc;
}

void report_json_begin(struct json_writer *jw, struct strbuf *out, const char *format,
		       int version, int ok)
{
	json_init(jw, out, 2);
	json_object_begin(jw);
	json_key(jw, "format");
	json_string(jw, format);
	json_key(jw, "version");
	json_int(jw, version);
	json_key(jw, "ok");
	json_bool(jw, ok);
}

void report_json_end(struct json_writer *jw, struct strbuf *out)
{
	json_object_end(jw);
	strbuf_addch(out, '\n');
	fputs(out->buf, stdout);
	fflush(stdout);
}

static const char *outcome(const struct change *c)
{
	switch (c->state) {
	case CHANGE_DONE: return "done";
	case CHANGE_SKIPPED: return "skipped";
	case CHANGE_FAILED: return "failed";
	case CHANGE_UNKNOWN: return "unknown (the host went away while it ran)";
	case CHANGE_PLANNED: break;
	}
	return "not done";
}

/* How many converge phases have hosts in them: more than one shows headers. */
static size_t converge_phases(const struct run *run)
{
	size_t n = 0;

	for (size_t p = 0; p < run->nr_phases; p++) {
		if (run->phases[p].kind != PHASE_CONVERGE)
			continue;
		for (size_t i = 0; i < run->nr; i++)
			if (run->hosts[i].ph && run->hosts[i].ph[p].state != HP_NONE) {
				n++;
				break;
			}
	}
	return n;
}

static void print_applied(const struct run *run, const struct run_host *h,
			  const struct host_phase *hp, int diffs, struct strbuf *out)
{
	if (!hp->plan.nr)
		return;
	if (h->included_why)
		strbuf_addf(out, "%s: %s\n", h->name, h->included_why);
	strbuf_addf(out, "%s:\n", h->name);
	for (size_t k = 0; k < hp->plan.nr; k++) {
		const struct change *c = &hp->plan.v[k];

		strbuf_addstr(out, "  ");
		run_describe_change(hp, k, out);
		strbuf_addf(out, ": %s\n", outcome(c));
		if (diffs && c->diff.len && c->state == CHANGE_DONE)
			strbuf_add_indented(out, c->diff.buf, c->diff.len, 6);
	}
}

void report_hosts(const struct run *run, int diffs)
{
	struct strbuf out = STRBUF_INIT;
	size_t hosts = 0, with = 0, changes = 0, failed = 0;
	int headers = converge_phases(run) > 1;

	for (size_t p = 0; p < run->nr_phases; p++) {
		const struct run_phase *ph = &run->phases[p];
		int header = 0;

		if (ph->kind != PHASE_CONVERGE)
			continue;
		for (size_t i = 0; i < run->nr; i++) {
			const struct run_host *h = &run->hosts[i];
			const struct host_phase *hp = h->ph ? &h->ph[p] : NULL;

			if (!hp || hp->state == HP_NONE)
				continue;
			if (headers && !header) {
				strbuf_addf(&out, "== %s\n", ph->name);
				header = 1;
			}
			if (hp->state == HP_CANCELLED && !hp->planned) {
				if (headers)
					strbuf_addf(&out, "%s: not started\n", h->name);
				continue;
			}
			if (!hp->planned)
				continue;
			if (!run->opts->apply)
				run_format_plan(run, h, p, diffs, &out);
			else
				print_applied(run, h, hp, diffs, &out);
		}
		if (header && ph->barrier && !run->opts->apply)
			strbuf_addf(&out, "== then: wait until %s\n", ph->barrier->what);
	}
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];
		size_t n = 0;

		if (h->state == RUN_SKIPPED)
			continue;
		hosts++;
		failed += h->state == RUN_FAILED;
		for (size_t p = 0; h->ph && p < run->nr_phases; p++)
			if (h->ph[p].planned)
				n += h->ph[p].plan.nr;
		with += n != 0;
		changes += n;
	}
	if (!run->opts->apply)
		strbuf_addf(&out, "plan: %zu to change on %zu of %zu host%s%s\n", changes, with,
			    hosts, hosts == 1 ? "" : "s",
			    failed ? "; some hosts failed, see above" : "");
	/* diffs show hosts' files: an escape sequence there must not reach the terminal */
	cli_write_visible(stdout, out.buf, out.len);
	fflush(stdout);
	strbuf_release(&out);
}

static void print_table(const struct run *run)
{
	size_t width = 4;

	for (size_t i = 0; i < run->nr; i++)
		if (run->hosts[i].state != RUN_SKIPPED && strlen(run->hosts[i].name) > width)
			width = strlen(run->hosts[i].name);
	printf("%-*s  %-9s  %7s  %9s  %6s  %7s\n", (int)width, "HOST", "RESULT", "CHANGED",
	       "UNCHANGED", "FAILED", "TIME");
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];
		size_t done = 0, bad = 0, same = 0, busy_us = h->busy_us;
		int planned = 0, stopped = 0;
		const char *result;

		if (h->state == RUN_SKIPPED)
			continue;
		for (size_t p = 0; h->ph && p < run->nr_phases; p++) {
			const struct host_phase *hp = &h->ph[p];

			busy_us += hp->busy_us;
			stopped |= hp->state == HP_CANCELLED;
			if (!hp->planned)
				continue;
			planned = 1;
			done += count_state(&hp->plan, CHANGE_DONE);
			bad += count_state(&hp->plan, CHANGE_FAILED);
			same += hp->plan.unchanged + count_state(&hp->plan, CHANGE_SKIPPED);
		}
		if (h->state == RUN_FAILED)
			result = h->cancelled ? "cancelled" : "failed";
		else if (stopped)
			result = "stopped";	/* a later phase of it never started */
		else
			result = done ? "changed" : "ok";
		printf("%-*s  %-9s  ", (int)width, h->name, result);
		if (planned)
			printf("%7zu  %9zu  %6zu", done, same, bad + (h->state == RUN_FAILED && !bad));
		else
			printf("%7s  %9s  %6s", "-", "-", h->state == RUN_FAILED ? "1" : "-");
		printf("  %6.2fs\n", (double)busy_us / 1e6);
	}
}

void report_summary(const struct run *run)
{
	if (run->opts->apply)
		print_table(run);
	fflush(stdout);
	report_errors(run);
}

void report_errors(const struct run *run)
{
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];

		if (h->state != RUN_FAILED) {
			/* what the checks warn about on a host that went on */
			for (size_t p = 0; h->ph && p < run->nr_phases; p++)
				for (size_t k = 0; k < h->ph[p].found.nr; k++) {
					const struct diag *d = &h->ph[p].found.d[k];

					cli_warning("%s: %s", h->name, d->msg);
					if (d->hint)
						cli_hint("%s", d->hint);
				}
			continue;
		}
		cli_error("%s", h->error.len ? h->error.buf : "failed");
		if (h->hint.len)
			cli_hint("%s", h->hint.buf);
		if (h->included_why)	/* --limit left it out: say why it was contacted */
			cli_hint("%s was %s; once it is back, apply again", h->name, h->included_why);
		for (size_t p = 0; h->ph && p < run->nr_phases; p++)
			for (size_t k = 0; k < h->ph[p].found.nr; k++) {
				const struct diag *d = &h->ph[p].found.d[k];

				if (d->level == DIAG_ERROR)
					cli_error("%s: %s", h->name, d->msg);
				else
					cli_warning("%s: %s", h->name, d->msg);
				if (d->hint)
					cli_hint("%s", d->hint);
			}
	}
	for (size_t p = 0; p < run->nr_phases; p++) {
		const struct run_barrier_result *br = &run->barriers[p];

		if (br->state != BARRIER_FAILED)
			continue;
		cli_error("%s", br->why.buf);
		if (run->phases[p].barrier->hint)
			cli_hint("%s", run->phases[p].barrier->hint);
		for (size_t q = p + 1; q < run->nr_phases; q++)
			if (run->phases[q].kind == PHASE_CONVERGE) {
				cli_hint("the later phases did not run; apply again once it holds: "
					 "what was done stays done");
				break;
			}
	}
}
