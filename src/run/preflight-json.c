/*
 * `kcfg preflight --json` (docs/json.md, docs/preflight.schema.json):
 * every finding of the preflight phase, flat, in inventory order, then
 * each picked host's result and the counts.
 */
#include <string.h>

#include "run/run.h"
#include "util/json.h"
#include "util/banned.h"

static const char *host_result(const struct run *run, const struct run_host *h, size_t p)
{
	const struct diag_list *dl = &h->ph[p].found;

	if (dl->errors || h->state == RUN_FAILED)
		return "blocking";
	if (dl->nr)
		return "warning";
	return run->opts->skip_preflight ? "skipped" : "ok";
}

void run_preflight_json(const struct run *run, struct strbuf *out)
{
	struct json_writer jw;
	size_t p = run_preflight_phase(run), errors = 0, warnings = 0, hosts = 0;

	run_preflight_count(run, &errors, &warnings);
	for (size_t i = 0; p < run->nr_phases && i < run->nr; i++)
		errors += run->hosts[i].state == RUN_FAILED && !run->hosts[i].ph[p].found.nr;
	json_init(&jw, out, 2);
	json_object_begin(&jw);
	json_key(&jw, "format");
	json_string(&jw, "kcfg-preflight");
	json_key(&jw, "version");
	json_int(&jw, RUN_PREFLIGHT_JSON_VERSION);
	json_key(&jw, "ok");
	json_bool(&jw, !errors && !run->interrupted);
	json_key(&jw, "interrupted");
	json_bool(&jw, run->interrupted);
	json_key(&jw, "findings");
	json_array_begin(&jw);
	for (size_t i = 0; p < run->nr_phases && i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];
		const struct host_phase *hp = &h->ph[p];

		if (h->state == RUN_FAILED && !hp->found.nr) {
			/* it could not be checked (unreachable, sudo refused): that blocks */
			json_object_begin(&jw);
			json_key(&jw, "host");
			json_string(&jw, h->name);
			json_key(&jw, "component");
			json_string(&jw, "host");
			json_key(&jw, "severity");
			json_string(&jw, "blocking");
			json_key(&jw, "message");
			json_string(&jw, h->error.len ? h->error.buf : "it could not be checked");
			json_key(&jw, "hint");
			if (h->hint.len)
				json_string(&jw, h->hint.buf);
			else
				json_null(&jw);
			json_object_end(&jw);
		}
		for (size_t k = 0; k < hp->found.nr; k++) {
			const struct diag *d = &hp->found.d[k];

			json_object_begin(&jw);
			json_key(&jw, "host");
			json_string(&jw, h->name);
			json_key(&jw, "component");
			json_string(&jw, k < hp->found_by.nr ? hp->found_by.v[k] : "host");
			json_key(&jw, "severity");
			json_string(&jw, d->level == DIAG_ERROR ? "blocking" : "warning");
			json_key(&jw, "message");
			json_string(&jw, d->msg);
			json_key(&jw, "hint");
			if (d->hint && *d->hint)
				json_string(&jw, d->hint);
			else
				json_null(&jw);
			json_object_end(&jw);
		}
	}
	json_array_end(&jw);
	json_key(&jw, "hosts");
	json_array_begin(&jw);
	for (size_t i = 0; p < run->nr_phases && i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];

		if (h->state == RUN_SKIPPED)
			continue;
		hosts++;
		json_object_begin(&jw);
		json_key(&jw, "name");
		json_string(&jw, h->name);
		json_key(&jw, "result");
		json_string(&jw, host_result(run, h, p));
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_key(&jw, "summary");
	json_object_begin(&jw);
	json_key(&jw, "hosts");
	json_int(&jw, (long long)hosts);
	json_key(&jw, "blocking");
	json_int(&jw, (long long)errors);
	json_key(&jw, "warnings");
	json_int(&jw, (long long)warnings);
	json_object_end(&jw);
	json_object_end(&jw);
	strbuf_addch(out, '\n');
}
