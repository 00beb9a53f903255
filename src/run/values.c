/*
 * Cluster values (components/cluster-values.h): read when a phase first
 * needs them, on the first host of the role that has them, over that
 * host's session. Secrets among them (a join token, the admin's client
 * key) are kept only in memory, wiped when released, never printed or
 * logged; a value that cannot be read is remembered with why, so every
 * host that waits for it fails with the same reason, asked once.
 */
#include <stdlib.h>
#include <string.h>

#include "components/cluster-values.h"
#include "components/component.h"
#include "run/model.h"
#include "run/run.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define VALUE_TIMEOUT_MS 60000u

static struct run_value *find(const struct run_values *v, const char *name)
{
	for (size_t i = 0; i < v->nr; i++)
		if (!strcmp(v->v[i].name, name))
			return &v->v[i];
	return NULL;
}

static struct run_value *add(struct run_values *v, const char *name)
{
	struct run_value *rv;

	ALLOC_GROW(v->v, v->nr + 1, v->alloc);
	rv = &v->v[v->nr++];
	memset(rv, 0, sizeof(*rv));
	rv->name = xstrdup(name);
	strbuf_init(&rv->value, 0);
	strbuf_init(&rv->why, 0);
	return rv;
}

void run_values_release(struct run_values *v)
{
	for (size_t i = 0; i < v->nr; i++) {
		free(v->v[i].name);
		strbuf_release_wiped(&v->v[i].value);
		strbuf_release(&v->v[i].why);
	}
	free(v->v);
	memset(v, 0, sizeof(*v));
}

const char *run_value_lookup(const struct comp_ctx *ctx, const char *name, void *data)
{
	struct run *run = data;
	const struct run_value *rv = find(&run->values, name);

	if (rv && rv->known)
		return rv->value.buf;
	if (strvec_find(&run->misses, name) < 0)
		strvec_push(&run->misses, name);
	return NULL;
}

const char *run_value_why(const struct run *run, const char *name)
{
	const struct run_value *rv = find(&run->values, name);

	return rv && !rv->known ? rv->why.buf : "";
}

struct reading {
	struct run *run;
	size_t idx;		/* in run->values (which may grow meanwhile) */
	const struct cluster_value *cv;
};

static int on_value(struct runner_host *rh, size_t step, const struct runner_result *res,
		    void *data)
{
	struct reading *rd = data;
	struct run_value *rv = &rd->run->values.v[rd->idx];
	struct strbuf what = STRBUF_INIT, err = STRBUF_INIT;

	cluster_value_what(rv->name, &what);
	if (runner_step_ok(res) < 0) {
		runner_step_error(rh, step, res, &err);
		strbuf_addf(&rv->why, "cannot read %s on '%s': %s", what.buf,
			    rh->target->name, err.buf);
	} else {
		strbuf_addbuf(&rv->value, &res->out);
		strbuf_trim(&rv->value);
		if (!rv->value.len)
			strbuf_addf(&rv->why, "'%s' printed nothing for %s",
				    rh->target->name, what.buf);
		else if (rd->cv->check && rd->cv->check(rv->value.buf, &err) < 0)
			strbuf_addf(&rv->why, "'%s' gave %s: %s", rh->target->name,
				    what.buf, err.buf);
		else
			rv->known = 1;
		if (!rv->known)
			strbuf_release_wiped(&rv->value);
	}
	if (rv->known)
		log_msg(LOG_INFO, "%s: read %s", rh->target->name, what.buf);
	else
		log_msg(LOG_INFO, "%s", rv->why.buf);
	strbuf_release(&what);
	strbuf_release(&err);
	return 0;	/* the host itself is fine: those waiting for the value fail */
}

/* Whether this run may read `cv` now; if not, why into rv. */
static int may_read(struct run *run, const struct cluster_value *cv, struct run_value *rv,
		    struct run_host **src)
{
	struct strbuf what = STRBUF_INIT;
	int ok = 0;

	cluster_value_what(rv->name, &what);
	*src = run_first_host(run, cv->from_roles);
	if (!run->opts->apply && !cv->in_plan)
		strbuf_addf(&rv->why, "%s is read when apply runs", what.buf);
	else if (!*src)
		strbuf_addf(&rv->why, "no host in %s can tell %s", run->m->inv.file, what.buf);
	else if ((*src)->state == RUN_FAILED)
		strbuf_addf(&rv->why, "%s comes from '%s', which failed", what.buf,
			    (*src)->name);
	else
		ok = 1;
	strbuf_release(&what);
	return ok;
}

void run_values_read(struct run *run, const struct strvec *names)
{
	struct reading *rd = xcalloc(names->nr ? names->nr : 1, sizeof(*rd));
	struct strbuf cmd = STRBUF_INIT;
	size_t queued = 0;

	for (size_t i = 0; i < names->nr; i++) {
		const struct cluster_value *cv = cluster_value_find(names->v[i]);
		struct run_value *rv = find(&run->values, names->v[i]);
		struct run_host *src;
		struct runner_host *rh;
		size_t k;

		if (rv)
			continue;	/* known, or already failed with its reason */
		rv = add(&run->values, names->v[i]);
		if (!cv) {
			strbuf_addf(&rv->why, "kcfg knows no value '%s'", names->v[i]);
			continue;
		}
		if (!may_read(run, cv, rv, &src))
			continue;
		rv->from = src->name;
		strbuf_reset(&cmd);
		cv->command(cluster_value_arg(rv->name), &cmd);
		rh = run_session(run, src);
		k = runner_add_step(rh, cv->name, cmd.buf, VALUE_TIMEOUT_MS);
		rd[i].run = run;
		rd[i].cv = cv;
		rd[i].idx = (size_t)(rv - run->values.v);
		runner_step_on_done(rh, k, on_value, &rd[i]);
		queued++;
	}
	if (queued) {
		runner_run(&run->runner);
		for (size_t i = 0; i < names->nr; i++) {
			struct run_value *rv = rd[i].run ? &run->values.v[rd[i].idx] : NULL;

			if (!rv || rv->known || rv->why.len)
				continue;
			/* the session failed before the step said anything */
			strbuf_addf(&rv->why, "cannot reach '%s'", rv->from);
			if (rv->from) {
				for (size_t h = 0; h < run->nr; h++)
					if (run->hosts[h].name == rv->from && run->hosts[h].rh &&
					    run->hosts[h].rh->errmsg.len) {
						strbuf_addf(&rv->why, ": %s",
							    run->hosts[h].rh->errmsg.buf);
						break;
					}
			}
		}
	}
	strbuf_release(&cmd);
	free(rd);
}

const char *run_value_get(struct run *run, const char *name)
{
	const struct run_value *rv = find(&run->values, name);
	struct strvec one = STRVEC_INIT;

	if (!rv) {
		strvec_push(&one, name);
		run_values_read(run, &one);
		strvec_clear(&one);
		rv = find(&run->values, name);
	}
	return rv && rv->known ? rv->value.buf : NULL;
}
