/*
 * kcfg upgrade (docs/lifecycle.md): the cluster's k0s brought to
 * versions.k0s, with k0s's own install and kubectl's drain.
 *
 * The phases are built for the run (run_upgrade_build): the versions
 * (read-only, every cluster host: `k0s status -o json`'s Version, k0s
 * cmd/status/status.go and pkg/component/status/client.go K0sStatus, and
 * `k0s version`; the refusals are decided here, before anything
 * changes), the new binary's `k0s config validate` on the controller, a
 * backup (backup.c), the controller (stop, replace, `k0s install
 * controller --force`, start; the API barrier), then per batch of
 * workers: cordon and drain them on the controller (node-remove.c's
 * script, a marker per node kcfg cordoned), on each worker stop,
 * replace, `k0s install worker --force` with its own profile, start,
 * and on the controller wait until each is Ready and uncordon what kcfg
 * cordoned. A failed drain uncordons that node and stops before the
 * batch's workers are touched; a failure stops before the next batch.
 * Running it again goes on: hosts at the version are skipped, and nodes
 * an interrupted run left cordoned (their markers) are uncordoned once
 * Ready.
 */
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "components/downloads.h"
#include "components/k0s.h"
#include "config/settings.h"
#include "engine/probe.h"
#include "run/model.h"
#include "run/run.h"
#include "transport/shell.h"
#include "util/json-read.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define STAGE_DIR "/var/lib/kcfg/upgrade"
#define MARKER_DIR "/var/lib/kcfg/upgrade/cordoned"
#define STEP_TIMEOUT_MS (3600u * 1000u)

/* ---- versions ---- */

struct version { long major, minor, patch, k0s; };

/* "v1.36.4+k0s.1" (also without the k0s part). 0, or -1. */
static int version_parse(const char *s, struct version *v)
{
	char *end;

	memset(v, 0, sizeof(*v));
	if (!s || *s != 'v')
		return -1;
	v->major = strtol(s + 1, &end, 10);
	if (*end != '.')
		return -1;
	v->minor = strtol(end + 1, &end, 10);
	if (*end != '.')
		return -1;
	v->patch = strtol(end + 1, &end, 10);
	if (!*end)
		return 0;
	if (strncmp(end, "+k0s.", 5))
		return -1;
	v->k0s = strtol(end + 5, &end, 10);
	return *end ? -1 : 0;
}

static int version_cmp(const struct version *a, const struct version *b)
{
	const long x[] = { a->major, a->minor, a->patch, a->k0s };
	const long y[] = { b->major, b->minor, b->patch, b->k0s };

	for (size_t i = 0; i < 4; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

static struct run_upgrade_host *uh(struct run *run, const struct run_host *h)
{
	struct run_upgrade *u = run->op;

	return &u->hosts[h - run->hosts];
}

static int is_controller(struct run *run, const struct run_host *h)
{
	return run_first_host(run, COMP_ROLE_MASTER) == h;
}

/* Records: binary VERSION, status JSON-ON-ONE-LINE, marked NODE (the controller). */
static int read_versions(struct runner_host *rh, size_t step, const struct runner_result *res,
			 void *data)
{
	struct run *run = data;
	struct run_upgrade *u = run->op;
	struct run_host *h = rh->data;
	struct run_upgrade_host *x = uh(run, h);
	struct probe_reader rd;
	struct strvec f = STRVEC_INIT;
	int got;

	if (runner_step_ok(res) < 0)
		return -1;
	probe_reader_init(&rd, res->out.buf, res->out.len, 65536, 1);
	while ((got = probe_read_record(&rd, &f)) != 0) {
		struct json_node *j = NULL;
		struct strbuf err = STRBUF_INIT;
		struct version v;

		if (got < 0 || f.nr < 2)
			continue;
		if (!strcmp(f.v[0], "binary") && !version_parse(f.v[1], &v)) {
			free(x->binary);
			x->binary = xstrdup(f.v[1]);
		} else if (!strcmp(f.v[0], "status") &&
			   !json_parse(f.v[1], strlen(f.v[1]), &j, &err)) {
			const char *ver = json_get_str(j, "Version", NULL);

			if (ver && !version_parse(ver, &v)) {
				free(x->was);
				x->was = xstrdup(ver);
			}
			json_node_free(j);
		} else if (!strcmp(f.v[0], "marked")) {
			for (size_t i = 0; i < run->nr; i++)
				if (!strcmp(run->hosts[i].name, f.v[1]))
					u->hosts[i].marked = 1;
		}
		strbuf_release(&err);
	}
	strvec_clear(&f);
	x->read = 1;
	return 0;
}

static int versions_start(struct run *run, const struct run_phase *ph, size_t p,
			  struct run_host *h)
{
	struct runner_host *rh = run_session(run, h);
	struct strbuf script = STRBUF_INIT;
	size_t k;

	strbuf_addstr(&script,
		      "K=" K0S_BIN "\n"
		      "[ -x $K ] || exit 0\n"
		      "printf 'binary\\t%s\\n' \"$($K version 2>/dev/null | head -n 1)\"\n"
		      "if s=$($K status -o json 2>/dev/null); then\n"
		      "  printf 'status\\t%s\\n' \"$(printf '%s' \"$s\" | tr -d '\\n\\t')\"\n"
		      "fi\n");
	if (is_controller(run, h))
		strbuf_addstr(&script, "ls " MARKER_DIR " 2>/dev/null | sed 's/^/marked\\t/'\n");
	k = runner_add_step(rh, "versions", script.buf, 120000);
	runner_step_on_done(rh, k, read_versions, run);
	strbuf_release(&script);
	return 0;
}

/* Decides who is upgraded; refuses a downgrade or a skipped minor before any change. */
static void versions_finish(struct run *run, const struct run_phase *ph, size_t p)
{
	struct run_upgrade *u = run->op;
	struct run_host *ctl = run_first_host(run, COMP_ROLE_MASTER);
	struct strbuf why = STRBUF_INIT;
	struct version t, v;

	for (size_t i = 0; i < run->nr; i++)
		if (run->hosts[i].state == RUN_FAILED) {
			run->stopped = 1;	/* a host whose version is unknown: nothing starts */
			return;
		}
	version_parse(u->target, &t);
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];
		struct run_upgrade_host *x = &u->hosts[i];
		const char *cur = x->was ? x->was : x->binary;

		if (h->state == RUN_SKIPPED || !(run->m->hosts[i].roles & COMP_ROLE_CLUSTER) ||
		    !x->read)
			continue;
		if (!cur || version_parse(cur, &v) < 0) {
			strbuf_addf(&why, "%s'%s' has no k0s to upgrade (install it with 'kcfg apply')",
				    why.len ? "; " : "", h->name);
			continue;
		}
		if (version_cmp(&t, &v) < 0)
			strbuf_addf(&why, "%s'%s' runs k0s %s, newer than versions.k0s %s: kcfg does "
				    "not downgrade", why.len ? "; " : "", h->name, cur, u->target);
		else if (t.major != v.major || t.minor > v.minor + 1)
			strbuf_addf(&why, "%s'%s' runs k0s %s: %s skips a minor version (k0s's skew "
				    "policy: one minor at a time)", why.len ? "; " : "", h->name, cur,
				    u->target);
		/* not running, or another version: it goes through the steps again */
		x->needs = !x->was || version_cmp(&t, &v) != 0;
		u->todo += x->needs || x->marked;
	}
	if (why.len) {
		u->refused = strbuf_detach(&why, NULL);
		run->stopped = 1;
		return;
	}
	if (ctl && ctl->state == RUN_SKIPPED && u->todo && !uh(run, ctl)->read) {
		/* workers alone: the controller must be at the version first */
		u->refused = xstrfmt("--limit leaves out the controller '%s': controllers are "
				     "upgraded first", ctl->name);
		run->stopped = 1;
	}
	/*
	 * --dry-run reads the versions only. With every host at the version
	 * the k0s steps have nothing to do, but what follows k0s (the bastion's
	 * kubectl and helm, the add-ons) still converges: a run that stopped
	 * there is finished by running it again.
	 */
	if (!run->opts->apply)
		run->stopped = 1;
	strbuf_release(&why);
}

/* ---- the new binary: staged, and the config validated with it ---- */

static void stage_binary(struct run *run, struct runner_host *rh)
{
	struct run_upgrade *u = run->op;

	runner_add_upload(rh, "upgrade-stage", u->binary_local, u->staged, 0755, NULL,
			  STEP_TIMEOUT_MS);
}

static int validated(struct runner_host *rh, size_t step, const struct runner_result *res,
		     void *data)
{
	struct run *run = data;
	struct run_upgrade *u = run->op;
	struct strbuf why = STRBUF_INIT;

	if (!runner_step_ok(res))
		return 0;
	strbuf_addbuf(&why, &res->err);
	strbuf_addbuf(&why, &res->out);
	strbuf_trim(&why);
	strbuf_addf(&rh->errmsg, "k0s %s does not accept /etc/k0s/k0s.yaml on '%s': %.300s",
		    u->target, ((struct run_host *)rh->data)->name, why.buf);
	strbuf_addstr(&rh->hint, "nothing was changed; see the k0s release notes for the "
		      "configuration it expects");
	strbuf_release(&why);
	return -1;
}

static int validate_start(struct run *run, const struct run_phase *ph, size_t p,
			  struct run_host *h)
{
	struct run_upgrade *u = run->op;
	struct runner_host *rh;
	struct strbuf script = STRBUF_INIT;
	size_t k;

	if (!is_controller(run, h) || !u->todo)
		return 1;
	rh = run_session(run, h);
	runner_add_step(rh, "upgrade-dir", "mkdir -p " STAGE_DIR " && chmod 0700 " STAGE_DIR "\n",
			60000);
	stage_binary(run, rh);
	sq_quote(&script, u->staged);
	strbuf_addstr(&script, " config validate --config /etc/k0s/k0s.yaml\n");
	k = runner_add_step(rh, "upgrade-validate", script.buf, 120000);
	runner_step_on_done(rh, k, validated, run);
	strbuf_release(&script);
	return 0;
}

static int backup_start(struct run *run, const struct run_phase *ph, size_t p,
			struct run_host *h)
{
	struct run_upgrade *u = run->op;

	if (u->no_backup || !u->todo)
		return 1;
	return run_backup_action.start(run, ph, p, h);
}

/* ---- replacing the binary and reinstalling: the controller, then each worker ---- */

static int replaced(struct runner_host *rh, size_t step, const struct runner_result *res,
		    void *data)
{
	struct run *run = data;
	struct run_upgrade *u = run->op;
	struct run_host *h = rh->data;
	struct run_upgrade_host *x = uh(run, h);
	struct strbuf now = STRBUF_INIT;
	const char *line;

	if (runner_step_ok(res) < 0)
		return -1;
	line = strstr(res->out.buf, "version\t");
	if (line)
		strbuf_add(&now, line + 8, strcspn(line + 8, "\n"));
	free(x->now);
	x->now = strbuf_detach(&now, NULL);
	if (strcmp(x->now, u->target)) {
		strbuf_addf(&rh->errmsg, "'%s' runs k0s '%.64s' after its upgrade, not %s",
			    h->name, x->now, u->target);
		return -1;
	}
	x->upgraded = 1;
	log_msg(LOG_INFO, "%s: k0s %s -> %s", h->name, x->was ? x->was : "?", x->now);
	return 0;
}

/* stop, replace (atomically), k0s's own install with --force, start, the version */
static void replace_script(struct run *run, int controller, struct strbuf *out)
{
	struct run_upgrade *u = run->op;

	strbuf_addstr(out, "set -e\nnew=");
	sq_quote(out, u->staged);
	if (controller) {
		strbuf_addstr(out, "\nsystemctl stop k0scontroller\n");
	} else {
		/* the worker keeps the profile it joined with (k0s.c's state file) */
		strbuf_addstr(out, "\np=$(sed -n 's/^profile \\([a-z0-9-]*\\) values .*/\\1/p' "
			      "/etc/k0s/kcfg-worker-profile 2>/dev/null)\n"
			      "systemctl stop k0sworker\n");
	}
	strbuf_addstr(out, "install -m 0755 \"$new\" " K0S_BIN ".kcfg-new\n"
		      "mv -f " K0S_BIN ".kcfg-new " K0S_BIN "\n");
	if (controller)
		strbuf_addstr(out, K0S_BIN " install controller --force --config /etc/k0s/k0s.yaml\n"
			      "systemctl daemon-reload\nsystemctl start k0scontroller\n");
	else
		strbuf_addstr(out, K0S_BIN " install worker --force --token-file /etc/k0s/worker-token"
			      " ${p:+--profile \"$p\"}\n"
			      "systemctl daemon-reload\nsystemctl start k0sworker\n");
	strbuf_addstr(out, "rm -f \"$new\"\nprintf 'version\\t%s\\n' \"$(" K0S_BIN " version)\"\n");
}

static int controller_start(struct run *run, const struct run_phase *ph, size_t p,
			    struct run_host *h)
{
	struct strbuf script = STRBUF_INIT;
	struct runner_host *rh;
	size_t k;

	if (!is_controller(run, h) || !uh(run, h)->needs)
		return 1;
	rh = run_session(run, h);
	replace_script(run, 1, &script);
	k = runner_add_step(rh, "upgrade-controller", script.buf, STEP_TIMEOUT_MS);
	runner_step_on_done(rh, k, replaced, run);
	strbuf_release(&script);
	return 0;
}

/* Phases 0-3 are versions, validate, backup, controller; then three per batch. */
#define FIRST_BATCH_PHASE 5	/* facts, versions, validate, backup, controller */

static int in_batch(struct run *run, size_t phase, size_t i)
{
	struct run_upgrade *u = run->op;

	return u->hosts[i].batch == (phase - FIRST_BATCH_PHASE) / 3 + 1;
}

/* One drain step per worker of the batch to upgrade, on the controller. */
static int drained(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data)
{
	struct run_upgrade_host *x = data;

	if (runner_step_ok(res) < 0)
		return -1;
	run_drain_read(&x->drain, res->out.buf, res->out.len);
	if (x->drain.failed) {
		strbuf_addf(&rh->errmsg, "draining node '%s' failed: %s", x->name,
			    x->drain.error.len ? x->drain.error.buf : "kubectl drain failed");
		strbuf_addf(&rh->hint, "the upgrade stopped before this batch's workers: '%s' %s, "
			    "and no later batch was touched. Fix what keeps its pods (a "
			    "PodDisruptionBudget named above) and run 'kcfg upgrade' again",
			    x->name, x->drain.uncordoned ? "was uncordoned again" :
			    "stays cordoned, as it was before");
		return -1;
	}
	return 0;
}

static int drain_start(struct run *run, const struct run_phase *ph, size_t p,
		       struct run_host *h)
{
	struct run_upgrade *u = run->op;
	struct runner_host *rh = NULL;
	struct strbuf script = STRBUF_INIT;

	if (!is_controller(run, h))
		return 1;
	for (size_t i = 0; i < run->nr; i++) {
		size_t k;

		if (!in_batch(run, p, i) || !u->hosts[i].needs)
			continue;
		if (!rh)
			rh = run_session(run, h);
		strbuf_reset(&script);
		run_drain_script(run->hosts[i].name, u->grace_s, u->drain_timeout_s, 0, MARKER_DIR,
				 &script);
		k = runner_add_step(rh, "drain", script.buf, STEP_TIMEOUT_MS);
		runner_step_on_done(rh, k, drained, &u->hosts[i]);
	}
	strbuf_release(&script);
	return rh ? 0 : 1;
}

static int worker_start(struct run *run, const struct run_phase *ph, size_t p,
			struct run_host *h)
{
	struct strbuf script = STRBUF_INIT;
	struct runner_host *rh;
	size_t k, i = (size_t)(h - run->hosts);

	if (!in_batch(run, p, i) || !uh(run, h)->needs || is_controller(run, h))
		return 1;
	rh = run_session(run, h);
	runner_add_step(rh, "upgrade-dir", "mkdir -p " STAGE_DIR " && chmod 0700 " STAGE_DIR "\n",
			60000);
	stage_binary(run, rh);
	replace_script(run, 0, &script);
	k = runner_add_step(rh, "upgrade-worker", script.buf, STEP_TIMEOUT_MS);
	runner_step_on_done(rh, k, replaced, run);
	strbuf_release(&script);
	return 0;
}

static int readied(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data)
{
	struct run_upgrade_host *x = data;

	if (strstr(res->out.buf, "ready\tyes")) {
		x->ready = 1;
		x->uncordoned = strstr(res->out.buf, "uncordoned\tyes") != NULL;
		return 0;
	}
	strbuf_addf(&rh->errmsg, "node '%s' is not Ready after its upgrade (it said: %.200s)",
		    x->name, res->out.len ? res->out.buf : "nothing");
	strbuf_addstr(&rh->hint, "it stays cordoned (kcfg's cordon, noted on the controller): "
		      "see 'journalctl -u k0sworker' on it; 'kcfg upgrade' again uncordons it once "
		      "it is Ready");
	return -1;
}

/* Wait until each of the batch's nodes is Ready, then lift kcfg's cordon (never an admin's). */
static int ready_start(struct run *run, const struct run_phase *ph, size_t p,
		       struct run_host *h)
{
	struct run_upgrade *u = run->op;
	struct runner_host *rh = NULL;
	struct strbuf script = STRBUF_INIT;

	if (!is_controller(run, h))
		return 1;
	for (size_t i = 0; i < run->nr; i++) {
		size_t k;

		if (!in_batch(run, p, i) || !(u->hosts[i].needs || u->hosts[i].marked))
			continue;
		if (!rh)
			rh = run_session(run, h);
		strbuf_reset(&script);
		strbuf_addstr(&script, "K=" K0S_BIN "\nn=");
		sq_quote(&script, run->hosts[i].name);
		strbuf_addf(&script,
			    "\nend=$(( $(date +%%s) + %u ))\n"
			    "until [ \"$($K kubectl get node \"$n\" -o "
			    "'jsonpath={.status.conditions[?(@.type==\"Ready\")].status}' 2>/dev/null)\" "
			    "= True ]; do\n"
			    "  [ $(date +%%s) -lt $end ] || { echo 'not Ready in time'; exit 0; }\n"
			    "  sleep 2\n"
			    "done\n"
			    "printf 'ready\\tyes\\n'\n"
			    "if [ -e " MARKER_DIR "/\"$n\" ]; then\n"
			    "  $K kubectl uncordon \"$n\" >/dev/null && rm -f " MARKER_DIR "/\"$n\" &&\n"
			    "    printf 'uncordoned\\tyes\\n'\n"
			    "fi\n", u->ready_timeout_s);
		k = runner_add_step(rh, "ready", script.buf, STEP_TIMEOUT_MS);
		runner_step_on_done(rh, k, readied, &u->hosts[i]);
	}
	strbuf_release(&script);
	return rh ? 0 : 1;
}

static const struct run_action versions_action = { versions_start, versions_finish };
static const struct run_action validate_action = { validate_start, run_stop_on_failure };
static const struct run_action backup_action = { backup_start, run_stop_on_failure };
static const struct run_action controller_action = { controller_start, run_stop_on_failure };
static const struct run_action drain_action = { drain_start, run_stop_on_failure };
static const struct run_action worker_action = { worker_start, run_stop_on_failure };
static const struct run_action ready_action = { ready_start, run_stop_on_failure };

int run_upgrade_init(struct run *run, struct run_upgrade *u, struct strbuf *err)
{
	const struct settings *s = &run->m->settings;
	struct download d;
	struct version t, kv;
	size_t workers = 0, size, b = 0, at = 0;

	u->target = s->versions.k0s;
	run->whole_or_nothing = 1;
	if (version_parse(u->target, &t) < 0) {
		strbuf_addf(err, "versions.k0s '%s' is not a k0s release (vMAJOR.MINOR.PATCH+k0s.N)",
			    u->target);
		return -1;
	}
	/* the bastion's kubectl follows in this run: kubectl's skew policy, one minor either way */
	if (version_parse(s->versions.kubectl, &kv) == 0 &&
	    (kv.major != t.major || kv.minor + 1 < t.minor || kv.minor > t.minor + 1)) {
		strbuf_addf(err, "versions.kubectl %s is more than one minor version from the "
			    "Kubernetes of k0s %s (kubectl's skew policy: one minor either way); "
			    "set versions.kubectl (and versions.kubectl_sha256) to v%ld.%ld.x",
			    s->versions.kubectl, u->target, t.major, t.minor);
		return -1;
	}
	download_get(&run->m->ctx, DL_K0S, &d);
	u->binary_local = xstrdup(d.cache_path);
	download_release(&d);
	u->staged = xstrfmt(STAGE_DIR "/k0s-%s", u->target);
	u->nr = run->nr;
	u->hosts = xcalloc(run->nr ? run->nr : 1, sizeof(*u->hosts));
	for (size_t i = 0; i < run->nr; i++) {
		u->hosts[i].name = run->hosts[i].name;
		strbuf_init(&u->hosts[i].drain.error, 0);
		if (run->hosts[i].state != RUN_SKIPPED && (run->m->hosts[i].roles & COMP_ROLE_WORKER) &&
		    !(run->m->hosts[i].roles & COMP_ROLE_MASTER))
			workers++;
	}
	/* the workers in batches of --max-unavailable, in inventory order */
	size = run_batch_size(&u->max_unavailable, workers);
	for (size_t i = 0; i < run->nr; i++) {
		if (run->hosts[i].state == RUN_SKIPPED || !(run->m->hosts[i].roles & COMP_ROLE_WORKER) ||
		    (run->m->hosts[i].roles & COMP_ROLE_MASTER))
			continue;
		if (at++ % size == 0)
			b++;
		u->hosts[i].batch = (unsigned)b;
	}
	u->nr_batches = b;
	u->nr_phases = FIRST_BATCH_PHASE + 3 * b + run_follow_phases_nr;
	u->phases = xcalloc(u->nr_phases, sizeof(*u->phases));
	u->names = xcalloc(u->nr_phases, sizeof(*u->names));
	/* the cached facts the add-ons' values read, gathered where missing */
	u->phases[0] = (struct run_phase){ "facts", PHASE_ACTION, 0, &run_facts_action, 0,
					   { 0, 0 }, 1, NULL, 0, NULL };
	u->phases[1] = (struct run_phase){ "versions", PHASE_ACTION, 0, &versions_action,
					   COMP_ROLE_CLUSTER, { 0, 0 }, 1, NULL, 0, NULL };
	u->phases[2] = (struct run_phase){ "validate", PHASE_ACTION, 0, &validate_action,
					   COMP_ROLE_MASTER, { 0, 0 }, 0, NULL, 0, NULL };
	u->phases[3] = (struct run_phase){ "backup", PHASE_ACTION, 0, &backup_action,
					   COMP_ROLE_MASTER, { 0, 0 }, 0, NULL, 0, NULL };
	u->phases[4] = (struct run_phase){ "controller", PHASE_ACTION, 0, &controller_action,
					   COMP_ROLE_MASTER, { 0, 0 }, 0, &run_api_ready, 0, NULL };
	for (size_t k = 0; k < b; k++) {
		size_t first = FIRST_BATCH_PHASE + 3 * k;
		struct run_phase *ph = &u->phases[first];

		u->names[first] = xstrfmt("drain-%zu", k + 1);
		u->names[first + 1] = xstrfmt("workers-%zu", k + 1);
		u->names[first + 2] = xstrfmt("ready-%zu", k + 1);
		ph[0] = (struct run_phase){ u->names[first], PHASE_ACTION, 0, &drain_action,
					    COMP_ROLE_MASTER, { 0, 0 }, 0, NULL, 0, NULL };
		ph[1] = (struct run_phase){ u->names[first + 1], PHASE_ACTION, 0, &worker_action,
					    COMP_ROLE_WORKER, { 0, 0 }, 0, NULL, 0, NULL };
		ph[2] = (struct run_phase){ u->names[first + 2], PHASE_ACTION, 0, &ready_action,
					    COMP_ROLE_MASTER, { 0, 0 }, 0, NULL, 0, NULL };
	}
	/* then what follows k0s: the bastion's kubectl and helm, the add-ons */
	memcpy(&u->phases[FIRST_BATCH_PHASE + 3 * b], run_follow_phases,
	       run_follow_phases_nr * sizeof(*run_follow_phases));
	return 0;
}

void run_upgrade_release(struct run_upgrade *u)
{
	for (size_t i = 0; i < u->nr; i++) {
		free(u->hosts[i].was);
		free(u->hosts[i].binary);
		free(u->hosts[i].now);
		strbuf_release(&u->hosts[i].drain.error);
	}
	for (size_t i = 0; i < u->nr_phases; i++)
		free(u->names[i]);
	free(u->names);
	free(u->phases);
	free(u->hosts);
	free(u->refused);
	free(u->binary_local);
	free(u->staged);
	run_backup_release(&u->backup);
}
