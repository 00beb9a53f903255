/*
 * A run's results as JSON (plan --json, apply --json): the form
 * docs/json.md documents and docs/run.schema.json checks, version
 * RUN_JSON_VERSION. Every string goes through the JSON writer, which
 * escapes control characters: text from hosts cannot break the output.
 */
#include <string.h>

#include "engine/plan.h"
#include "run/model.h"
#include "run/run.h"
#include "util/json.h"
#include "util/banned.h"

static const char *change_action(const struct change *c)
{
	switch (c->kind) {
	case CH_FILE:
	case CH_BLOCK:
		return c->what & CHG_CREATE ? "create" : "change";
	case CH_ATTRS: return "attributes";
	case CH_DIR: return "create";
	case CH_ABSENT: return "remove";
	case CH_INSTALL: return "install";
	case CH_REMOVE: return "uninstall";
	case CH_SERVICE: return "service";
	case CH_COMMAND: return "run";
	case CH_UPLOAD: return "upload";
	case CH_DAEMON_RELOAD: return "daemon-reload";
	case CH_HANDLER: return "handler";
	case CH_PENDING: return "pending";
	}
	return "?";
}

static const char *change_result(const struct change *c)
{
	switch (c->state) {
	case CHANGE_PLANNED: return "planned";
	case CHANGE_DONE: return "done";
	case CHANGE_SKIPPED: return "skipped";
	case CHANGE_FAILED: return "failed";
	case CHANGE_UNKNOWN: return "unknown";
	}
	return "?";
}

static const char *phase_state(enum host_phase_state s)
{
	switch (s) {
	case HP_NONE: return "none";
	case HP_WAITING: return "waiting";
	case HP_OBSERVING: return "observing";
	case HP_WAITING_VALUE: return "waiting-value";
	case HP_APPLYING: return "applying";
	case HP_DONE: return "done";
	case HP_FAILED: return "failed";
	case HP_CANCELLED: return "cancelled";
	}
	return "?";
}

static const char *barrier_state(enum run_barrier_state s)
{
	switch (s) {
	case BARRIER_NONE: return "not-run";
	case BARRIER_SKIPPED: return "skipped";
	case BARRIER_HELD: return "held";
	case BARRIER_FAILED: return "failed";
	}
	return "?";
}

/* an empty text is no text */
static void string_or_null(struct json_writer *jw, const char *key, const char *s)
{
	json_member_string(jw, key, s && *s ? s : NULL);
}

static void change_json(struct json_writer *jw, const struct run *run,
			const struct host_phase *hp, size_t k, int diffs)
{
	const struct change *c = &hp->plan.v[k];
	const struct resource *r = c->res != CHANGE_NO_RESOURCE ? &hp->rl.items[c->res] : NULL;
	struct strbuf line = STRBUF_INIT;

	run_describe_change(hp, k, &line);
	json_object_begin(jw);
	json_key(jw, "action");
	json_string(jw, change_action(c));
	json_key(jw, "kind");
	json_string(jw, r ? resource_kind_name(r->kind) : c->kind == CH_HANDLER ? "handler"
							: "daemon-reload");
	string_or_null(jw, "path", r ? r->path : NULL);
	string_or_null(jw, "component", r ? r->component : NULL);
	json_key(jw, "description");
	json_string(jw, line.buf);
	json_key(jw, "secret");
	json_bool(jw, r && r->secret);
	json_key(jw, "result");
	json_string(jw, change_result(c));
	string_or_null(jw, "error", c->state == CHANGE_FAILED ? c->error.buf : NULL);
	string_or_null(jw, "waits_for", c->kind == CH_PENDING ? r->pending : NULL);
	string_or_null(jw, "why", c->kind == CH_PENDING ?
		       run_value_why(run, r->pending_value) : NULL);
	string_or_null(jw, "diff", diffs && c->diff.len && !(r && r->secret) ? c->diff.buf : NULL);
	json_object_end(jw);
	strbuf_release(&line);
}

static void host_phase_json(struct json_writer *jw, const struct run *run,
			    const struct run_host *h, size_t p, int diffs)
{
	const struct host_phase *hp = &h->ph[p];

	json_object_begin(jw);
	json_key(jw, "host");
	json_string(jw, h->name);
	json_key(jw, "state");
	json_string(jw, phase_state(hp->state));
	string_or_null(jw, "error", hp->error.buf);
	string_or_null(jw, "hint", hp->hint.buf);
	json_key(jw, "planned");
	json_bool(jw, hp->planned);
	json_key(jw, "resources");
	json_int(jw, (long long)hp->plan.resources);
	json_key(jw, "unchanged");
	json_int(jw, (long long)hp->plan.unchanged);
	json_key(jw, "changes");
	json_array_begin(jw);
	for (size_t k = 0; hp->planned && k < hp->plan.nr; k++)
		change_json(jw, run, hp, k, diffs);
	json_array_end(jw);
	json_key(jw, "findings");
	json_array_begin(jw);
	for (size_t k = 0; k < hp->found.nr; k++) {
		const struct diag *d = &hp->found.d[k];

		json_object_begin(jw);
		json_key(jw, "level");
		json_string(jw, d->level == DIAG_ERROR ? "error" : "warning");
		json_key(jw, "message");
		json_string(jw, d->msg);
		string_or_null(jw, "hint", d->hint);
		json_object_end(jw);
	}
	json_array_end(jw);
	json_object_end(jw);
}

static size_t count(const struct host_plan *p, enum change_state s)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nr; i++)
		n += p->v[i].state == s;
	return n;
}

static void hosts_json(struct json_writer *jw, const struct run *run)
{
	json_key(jw, "hosts");
	json_array_begin(jw);
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];
		size_t changed = 0, unchanged = 0, failed = 0, planned = 0;
		uint64_t us = h->busy_us;
		int stopped = 0;
		const char *result;

		if (h->state == RUN_SKIPPED)
			continue;
		for (size_t p = 0; h->ph && p < run->nr_phases; p++) {
			const struct host_phase *hp = &h->ph[p];

			us += hp->busy_us;
			stopped |= hp->state == HP_CANCELLED;
			if (!hp->planned)
				continue;
			planned += hp->plan.nr;
			changed += count(&hp->plan, CHANGE_DONE);
			failed += count(&hp->plan, CHANGE_FAILED);
			unchanged += hp->plan.unchanged + count(&hp->plan, CHANGE_SKIPPED);
		}
		if (h->state == RUN_FAILED)
			result = h->cancelled ? "cancelled" : "failed";
		else if (stopped)
			result = "stopped";
		else if (!run->opts->apply)
			result = planned ? "changes" : "ok";
		else
			result = changed ? "changed" : "ok";
		json_object_begin(jw);
		json_key(jw, "host");
		json_string(jw, h->name);
		json_key(jw, "result");
		json_string(jw, result);
		json_key(jw, "planned");
		json_int(jw, (long long)planned);
		json_key(jw, "changed");
		json_int(jw, (long long)changed);
		json_key(jw, "unchanged");
		json_int(jw, (long long)unchanged);
		json_key(jw, "failed");
		json_int(jw, (long long)(failed + (h->state == RUN_FAILED && !failed &&
						   !h->cancelled)));
		json_key(jw, "seconds");
		json_double(jw, (double)us / 1e6);
		string_or_null(jw, "error", h->error.buf);
		string_or_null(jw, "hint", h->hint.buf);
		string_or_null(jw, "included", h->included_why);
		json_object_end(jw);
	}
	json_array_end(jw);
}

void run_json(const struct run *run, int diffs, struct strbuf *out)
{
	struct json_writer jw;
	size_t changes = 0;

	for (size_t i = 0; i < run->nr; i++)
		for (size_t p = 0; run->hosts[i].ph && p < run->nr_phases; p++) {
			const struct host_phase *hp = &run->hosts[i].ph[p];

			if (hp->planned)
				changes += run->opts->apply ? count(&hp->plan, CHANGE_DONE)
							    : hp->plan.nr;
		}
	json_init(&jw, out, 2);
	json_object_begin(&jw);
	json_key(&jw, "format");
	json_string(&jw, "kcfg-run");
	json_key(&jw, "version");
	json_int(&jw, RUN_JSON_VERSION);
	json_key(&jw, "command");
	json_string(&jw, run->opts->command);
	json_key(&jw, "apply");
	json_bool(&jw, run->opts->apply);
	json_key(&jw, "ok");
	json_bool(&jw, !run_failed(run) && !run->interrupted);
	json_key(&jw, "interrupted");
	json_bool(&jw, run->interrupted);
	json_key(&jw, "changes");
	json_int(&jw, (long long)changes);
	json_key(&jw, "phases");
	json_array_begin(&jw);
	for (size_t p = 0; p < run->nr_phases; p++) {
		const struct run_phase *ph = &run->phases[p];
		const struct run_barrier_result *br = &run->barriers[p];

		json_object_begin(&jw);
		json_key(&jw, "name");
		json_string(&jw, ph->name);
		json_key(&jw, "kind");
		json_string(&jw, ph->kind == PHASE_CONVERGE ? "converge" : "action");
		json_key(&jw, "barrier");
		if (!ph->barrier) {
			json_null(&jw);
		} else {
			json_object_begin(&jw);
			json_key(&jw, "what");
			json_string(&jw, ph->barrier->what);
			json_key(&jw, "state");
			json_string(&jw, barrier_state(br->state));
			json_key(&jw, "waited_seconds");
			json_double(&jw, (double)br->waited_us / 1e6);
			string_or_null(&jw, "why", br->why.buf);
			json_object_end(&jw);
		}
		json_key(&jw, "hosts");
		json_array_begin(&jw);
		for (size_t i = 0; i < run->nr; i++)
			if (run->hosts[i].ph && run->hosts[i].ph[p].state != HP_NONE)
				host_phase_json(&jw, run, &run->hosts[i], p, diffs);
		json_array_end(&jw);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	hosts_json(&jw, run);
	json_object_end(&jw);
	strbuf_addch(out, '\n');
}
