/*
 * Cluster values (components/cluster-values.h): read, for apply's second
 * pass, on the first host of the role that has them, over one session.
 * They are secrets (a join token, the admin's client key): kept only in
 * memory, wiped when released, never printed or logged.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/model.h"
#include "cli/run.h"
#include "components/cluster-values.h"
#include "components/component.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct reading {
	struct run_values *out;
	struct strbuf err;
};

static int on_value(struct runner_host *rh, size_t step, const struct runner_result *res,
		    void *data)
{
	struct reading *rd = data;
	struct strbuf *v = &rd->out->values[step];

	if (runner_step_ok(res) < 0) {
		runner_step_error(rh, step, res, &rd->err);
		return -1;
	}
	strbuf_addbuf(v, &res->out);
	strbuf_rtrim(v);
	if (!v->len) {
		strbuf_addf(&rd->err, "'%s' printed nothing for %s", rh->target->name,
			    cluster_value_find(rd->out->names.v[step])->what);
		return -1;
	}
	return 0;
}

int run_read_values(struct run *run, const struct strvec *names, struct run_values *out,
		    struct strbuf *err, struct strbuf *hint)
{
	struct reading rd = { out, STRBUF_INIT };
	struct run_host *src = NULL;
	struct runner r;
	struct runner_host *rh;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	strvec_init(&out->names);
	out->values = xcalloc(names->nr ? names->nr : 1, sizeof(*out->values));
	for (size_t i = 0; i < names->nr; i++) {
		const struct cluster_value *cv = cluster_value_find(names->v[i]);
		struct run_host *h = cv ? run_first_host(run, cv->from_roles) : NULL;

		strvec_push(&out->names, names->v[i]);
		strbuf_init(&out->values[i], 0);
		if (!h) {
			strbuf_addf(err, "no host in %s can give %s", run->m->inv.file,
				    cv ? cv->what : names->v[i]);
			return -1;
		}
		if (src && src != h) {
			/* every value comes from the first controller today */
			strbuf_addf(err, "%s and %s come from different hosts", names->v[0],
				    names->v[i]);
			return -1;
		}
		src = h;
	}
	if (!src)
		return 0;
	if (src->state == RUN_FAILED) {
		strbuf_addf(err, "it waits for %s from '%s', which failed",
			    cluster_value_find(names->v[0])->what, src->name);
		strbuf_addstr(hint, "fix that host first; apply again makes the rest");
		return -1;
	}
	run_runner_init(run, &r, on_value);
	r.data = &rd;
	rh = runner_add_host(&r, &src->t);
	for (size_t i = 0; i < names->nr; i++) {
		const struct cluster_value *cv = cluster_value_find(names->v[i]);

		log_msg(LOG_INFO, "%s: reading %s", src->name, cv->what);
		runner_add_step(rh, cv->name, cv->command, run->opts->timeout_s * 1000u);
	}
	runner_run(&r);
	if (rh->state == RUNNER_OK) {
		ret = 0;
	} else {
		strbuf_addf(err, "cannot read %s on '%s': %s",
			    cluster_value_find(names->v[0])->what, src->name,
			    rd.err.len ? rd.err.buf : rh->errmsg.len ? rh->errmsg.buf
								      : "interrupted");
		if (rh->hint.len)
			strbuf_addbuf(hint, &rh->hint);
		else
			strbuf_addf(hint, "check that k0s runs on '%s' (systemctl status "
				    "k0scontroller), then apply again", src->name);
	}
	out->from = src->name;
	runner_release(&r);
	strbuf_release(&rd.err);
	return ret;
}

const char *run_value(const struct run_values *v, const char *name)
{
	int i = strvec_find(&v->names, name);

	return i < 0 ? NULL : v->values[i].buf;
}

void run_values_release(struct run_values *v)
{
	for (size_t i = 0; i < v->names.nr; i++)
		strbuf_release_wiped(&v->values[i]);
	free(v->values);
	strvec_clear(&v->names);
	memset(v, 0, sizeof(*v));
}
