/*
 * What a run shows: live progress on stderr (one line per host, redrawn,
 * when stderr is a terminal; plain lines otherwise), the plan or what
 * apply did on stdout, a summary table, the errors with their hints, and
 * the log file under .kcfg/logs/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/model.h"
#include "cli/run.h"
#include "engine/plan.h"
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

static void host_status(const struct run *run, const struct run_host *h, struct strbuf *out)
{
	switch (h->state) {
	case RUN_SKIPPED:
		break;
	case RUN_WAITING:
		strbuf_addstr(out, "waiting");
		break;
	case RUN_OBSERVING:
		strbuf_addstr(out, "observing");
		break;
	case RUN_APPLYING: {
		size_t done = count_state(&h->plan, CHANGE_DONE) +
			      count_state(&h->plan, CHANGE_SKIPPED);
		strbuf_addf(out, "applying %zu/%zu", done, h->plan.nr);
		break;
	}
	case RUN_DONE:
		if (run->opts->apply && h->deferred && !run->pass)
			strbuf_addstr(out, "waiting for the controller");
		else if (!run->opts->apply)
			strbuf_addf(out, "%zu to change", h->plan.nr);
		else
			strbuf_addf(out, "done, %zu changed", count_state(&h->plan, CHANGE_DONE));
		break;
	case RUN_FAILED:
		strbuf_addstr(out, h->cancelled ? "cancelled" : "failed");
		break;
	}
}

static void live(struct run *run)
{
	struct strbuf out = STRBUF_INIT;
	size_t picked = 0, width = 4;

	for (size_t i = 0; i < run->nr; i++)
		if (run->hosts[i].state != RUN_SKIPPED) {
			picked++;
			if (strlen(run->hosts[i].name) > width)
				width = strlen(run->hosts[i].name);
		}
	if (run->progress_lines)
		strbuf_addf(&out, "\r\033[%uA", run->progress_lines);
	if (picked > LIVE_MAX_HOSTS) {
		size_t n[RUN_FAILED + 1] = { 0 };
		for (size_t i = 0; i < run->nr; i++)
			n[run->hosts[i].state]++;
		strbuf_addf(&out, "\033[2K%zu hosts: %zu waiting, %zu observing, %zu applying, "
			    "%zu done, %zu failed\n", picked, n[RUN_WAITING], n[RUN_OBSERVING],
			    n[RUN_APPLYING], n[RUN_DONE], n[RUN_FAILED]);
		run->progress_lines = 1;
	} else {
		run->progress_lines = 0;
		for (size_t i = 0; i < run->nr; i++) {
			const struct run_host *h = &run->hosts[i];

			if (h->state == RUN_SKIPPED)
				continue;
			strbuf_addf(&out, "\033[2K  %-*s  ", (int)width, h->name);
			host_status(run, h, &out);
			strbuf_addch(&out, '\n');
			run->progress_lines++;
		}
	}
	fputs(out.buf, stderr);
	fflush(stderr);
	strbuf_release(&out);
}

/* Plain lines, one per host and state reached (apply only: plan's output is the plan). */
static void plain(struct run *run)
{
	struct strbuf out = STRBUF_INIT;

	if (!run->opts->apply || log_get_stderr_level() < LOG_WARNING)
		return;
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];

		if (h->state == RUN_SKIPPED || h->state == RUN_WAITING ||
		    h->state == RUN_OBSERVING || (int)h->state == h->shown)
			continue;
		h->shown = (int)h->state;
		strbuf_reset(&out);
		host_status(run, h, &out);
		fprintf(stderr, "%s: %s\n", h->name, out.buf);
	}
	strbuf_release(&out);
}

void run_progress(struct run *run)
{
	if (run->tty && log_get_stderr_level() >= LOG_WARNING)
		live(run);
	else
		plain(run);
}

void run_progress_end(struct run *run)
{
	run_progress(run);
	run->progress_lines = 0;
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

void run_print_hosts(struct run *run)
{
	struct strbuf out = STRBUF_INIT;
	size_t hosts = 0, with = 0, changes = 0, failed = 0;

	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];

		if (h->state == RUN_SKIPPED)
			continue;
		hosts++;
		failed += h->state == RUN_FAILED;
		if (!h->planned)
			continue;
		with += h->plan.nr != 0;
		changes += h->plan.nr;
		if (!run->opts->apply) {
			plan_format_host(h->name, &h->rl, &h->plan, run->opts->diffs, &out);
			continue;
		}
		if (!h->plan.nr)
			continue;
		strbuf_addf(&out, "%s:\n", h->name);
		for (size_t k = 0; k < h->plan.nr; k++) {
			const struct change *c = &h->plan.v[k];

			strbuf_addstr(&out, "  ");
			plan_describe_change(&h->rl, c, &out);
			strbuf_addf(&out, ": %s\n", outcome(c));
			if (run->opts->diffs && c->diff.len && c->state == CHANGE_DONE) {
				const char *p = c->diff.buf;
				while (*p) {
					size_t n = strcspn(p, "\n");
					strbuf_addstr(&out, "      ");
					strbuf_add(&out, p, n);
					strbuf_addch(&out, '\n');
					p += n + (p[n] == '\n');
				}
			}
		}
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

static void print_table(struct run *run)
{
	size_t width = 4;

	for (size_t i = 0; i < run->nr; i++)
		if (run->hosts[i].state != RUN_SKIPPED && strlen(run->hosts[i].name) > width)
			width = strlen(run->hosts[i].name);
	printf("%-*s  %-9s  %7s  %9s  %6s  %7s\n", (int)width, "HOST", "RESULT", "CHANGED",
	       "UNCHANGED", "FAILED", "TIME");
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];
		size_t done = count_state(&h->plan, CHANGE_DONE);
		size_t bad = count_state(&h->plan, CHANGE_FAILED);
		const char *result;

		if (h->state == RUN_SKIPPED)
			continue;
		if (h->state == RUN_FAILED)
			result = h->cancelled ? "cancelled" : "failed";
		else
			result = done ? "changed" : "ok";
		printf("%-*s  %-9s  ", (int)width, h->name, result);
		if (h->planned)
			printf("%7zu  %9zu  %6zu", done,
			       h->plan.unchanged + count_state(&h->plan, CHANGE_SKIPPED),
			       bad + (h->state == RUN_FAILED && !bad));
		else
			printf("%7s  %9s  %6s", "-", "-", h->state == RUN_FAILED ? "1" : "-");
		printf("  %6.2fs\n", (double)h->busy_us / 1e6);
	}
}

void run_print_summary(struct run *run)
{
	if (run->opts->apply)
		print_table(run);
	fflush(stdout);
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];

		if (h->state != RUN_FAILED)
			continue;
		cli_error("%s", h->error.len ? h->error.buf : "failed");
		if (h->hint.len)
			cli_hint("%s", h->hint.buf);
	}
}

void run_open_log(struct run *run)
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
		cli_warning("no log for this run: %s", err.buf);
	free(dir);
	strbuf_release(&path);
	strbuf_release(&err);
}
