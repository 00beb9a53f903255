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

#include "cli/cli.h"
#include "cli/model.h"
#include "cli/run.h"
#include "engine/facts.h"
#include "engine/probe.h"
#include "util/fs.h"
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
	if (run->opts->facts_max_age >= 0 &&
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

	h->busy_us += res->duration_us;
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

int run_gather_facts(struct run *run, int always)
{
	struct runner r;
	size_t wanted = 0;

	if (!always)
		run_load_cached_facts(run);
	run_runner_init(run, &r, on_facts);
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];
		struct runner_host *rh;

		if (h->state != RUN_WAITING || (!always && run->m->have_facts[i]))
			continue;
		rh = runner_add_host(&r, &h->t);
		rh->data = h;
		runner_add_step(rh, "facts", facts_probe_script, FACTS_TIMEOUT_MS);
		wanted++;
	}
	if (wanted) {
		if (run->tty && !always)
			fprintf(stderr, "gathering facts from %zu host%s...\n", wanted,
				wanted == 1 ? "" : "s");
		runner_run(&r);
	}
	for (size_t i = 0; i < r.nr; i++) {
		struct runner_host *rh = r.hosts[i];
		struct run_host *h = rh->data;

		h->busy_us += rh->connect_us;
		if (rh->state == RUNNER_OK)
			continue;
		h->state = RUN_FAILED;
		h->cancelled = rh->state == RUNNER_CANCELLED;
		strbuf_addbuf(&h->error, &rh->errmsg);
		strbuf_addbuf(&h->hint, &rh->hint);
		log_msg(LOG_ERROR, "%s", rh->errmsg.buf);
	}
	runner_release(&r);
	return runner_interrupted() ? -1 : 0;
}
