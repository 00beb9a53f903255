/*
 * Facts for a run: the probe (engine/probe.h) over one session per host,
 * in parallel, parsed into the model and cached as .kcfg/facts/<host>.json
 * beside the inventory. Cached facts are used while they are fresh: not
 * older than --facts-max-age and not older than the inventory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "engine/facts.h"
#include "engine/probe.h"
#include "run/model.h"
#include "run/run.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define FACTS_TIMEOUT_MS 60000

static char *cache_file(const struct run *run, const char *host)
{
	return xstrfmt("%s/facts/%s.json", run->m->state_dir, host);
}

static int fresh(const struct run *run, const char *path)
{
	struct stat st, inv;

	if (stat(path, &st) < 0)
		return 0;
	/* 0: gather every time, even facts written this very second */
	if (run->opts->facts_max_age == 0)
		return 0;
	if (run->opts->facts_max_age > 0 &&
	    (long long)st.st_mtime < (long long)time(NULL) - run->opts->facts_max_age)
		return 0;
	if (stat(run->m->inv.file, &inv) == 0 && inv.st_mtime > st.st_mtime)
		return 0;
	return 1;
}

static void keep_facts(struct run *run, size_t i, struct facts *f)
{
	struct model *m = run->m;

	if (m->have_facts[i])
		facts_release(&m->facts[i]);
	m->facts[i] = *f;
	m->have_facts[i] = 1;
	m->hosts[i].facts = &m->facts[i];
}

void run_load_cached_facts(struct run *run)
{
	for (size_t i = 0; i < run->nr; i++) {
		char *path;
		struct facts f;
		struct strbuf err = STRBUF_INIT;
		int picked = run->hosts[i].state == RUN_WAITING;

		if (run->m->have_facts[i] || (!picked && run->hosts[i].state != RUN_SKIPPED) ||
		    !fs_name_ok(run->hosts[i].name))
			continue;
		path = cache_file(run, run->hosts[i].name);
		/*
		 * A host --limit leaves out is not contacted, but its cached facts
		 * (stale or not) still inform the hosts that are: a controller's
		 * worker profiles need every worker's shape.
		 */
		if (picked ? fresh(run, path) : path_exists(path)) {
			if (facts_load_file(path, &f, &err) == 0)
				keep_facts(run, i, &f);
			else	/* a broken cache is gathered again */
				log_msg(LOG_INFO, "ignoring cached facts: %s", err.buf);
		}
		strbuf_release(&err);
		free(path);
	}
}

static int on_facts(struct runner_host *rh, size_t step, const struct runner_result *res,
		    void *data)
{
	struct run *run = data;
	struct run_host *h = rh->data;
	struct strbuf err = STRBUF_INIT, json = STRBUF_INIT;
	struct facts f;
	char *dir = NULL, *path, *name;

	h->ph[run->phase].busy_us += res->duration_us;
	if (runner_step_ok(res) < 0)
		return -1;
	if (facts_from_probe(res->out.buf, res->out.len, h->name, &f, &err) < 0) {
		strbuf_addf(&rh->errmsg, "cannot read the facts of '%s': %s", h->name, err.buf);
		strbuf_release(&err);
		return -1;
	}
	keep_facts(run, h->index, &f);
	facts_to_json(&run->m->facts[h->index], &json);
	path = cache_file(run, h->name);
	name = xstrfmt("%s.json", h->name);
	/* the host's name must not lead the file out of facts/ */
	if (!fs_name_ok(h->name))
		strbuf_addf(&err, "its name is no file name");
	else if ((dir = model_state_subdir(run->m, "facts", &err)))
		write_file_beneath(dir, name, json.buf, json.len, 0644, 0700, &err);
	if (err.len)
		log_msg(LOG_WARNING, "cannot cache the facts of '%s': %s", h->name, err.buf);
	else
		log_msg(LOG_INFO, "%s: facts gathered into %s", h->name, path);
	free(dir);
	free(name);
	free(path);
	strbuf_release(&err);
	strbuf_release(&json);
	return 0;
}

static int start(struct run *run, struct run_host *h, int always)
{
	struct runner_host *rh;
	size_t k;

	if (!always && run->m->have_facts[h->index])
		return 1;
	rh = run_session(run, h);
	k = runner_add_step(rh, "facts", facts_probe_script, FACTS_TIMEOUT_MS);
	runner_step_on_done(rh, k, on_facts, run);
	return 0;
}

static int start_when_stale(struct run *run, const struct run_phase *ph, size_t phase,
			    struct run_host *h)
{
	return start(run, h, 0);
}

static int start_always(struct run *run, const struct run_phase *ph, size_t phase,
			struct run_host *h)
{
	return start(run, h, 1);
}

const struct run_action run_facts_action = { start_when_stale, NULL };
const struct run_action run_facts_always_action = { start_always, NULL };

void run_facts_json(const struct run *run, struct strbuf *out)
{
	struct strbuf one = STRBUF_INIT;
	int first = 1;

	strbuf_addstr(out, "{");
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];

		if (h->state == RUN_SKIPPED || h->state == RUN_FAILED || !run->m->have_facts[i])
			continue;
		strbuf_reset(&one);
		facts_to_json(&run->m->facts[i], &one);
		strbuf_rtrim(&one);
		strbuf_addstr(out, first ? "\n  " : ",\n  ");
		json_quote(out, h->name, strlen(h->name));
		strbuf_addstr(out, ": ");
		for (const char *p = one.buf; *p; p++) {
			strbuf_addch(out, *p);
			if (*p == '\n')
				strbuf_addstr(out, "  ");
		}
		first = 0;
	}
	strbuf_addstr(out, first ? "}\n" : "\n}\n");
	strbuf_release(&one);
}
