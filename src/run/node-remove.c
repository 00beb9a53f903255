/*
 * kcfg node remove HOST (docs/lifecycle.md): a worker leaves the cluster.
 * On the controller, through k0s's kubectl: cordon (unless an admin had
 * already), drain (kubectl drain: k8s.io/kubectl/pkg/drain; a Pod
 * DisruptionBudget that blocks an eviction fails it, and kubectl's own
 * message names the pod), then delete the Node. A failed drain stops the
 * removal and uncordons the node again, unless --force, which goes on.
 * Then the host itself is reset as `kcfg reset` resets a worker
 * (reset.c); a host that cannot be reached is reported as skipped with
 * --force.
 */
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "components/k0s.h"
#include "engine/probe.h"
#include "run/model.h"
#include "run/run.h"
#include "transport/shell.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define STEP_TIMEOUT_MS (3600u * 1000u)

static int on_controller(struct run *run, const struct run_host *h)
{
	return run_first_host(run, COMP_ROLE_MASTER) == h;
}

void run_drain_read(struct run_drain *d, const char *out, size_t len)
{
	struct probe_reader rd;
	struct strvec f = STRVEC_INIT;
	int got;

	probe_reader_init(&rd, out, len, 512, 1);
	while ((got = probe_read_record(&rd, &f)) != 0) {
		if (got < 0 || f.nr < 2)
			continue;
		if (!strcmp(f.v[0], "node"))
			d->registered = !strcmp(f.v[1], "present");
		else if (!strcmp(f.v[0], "cordon"))
			d->was_cordoned = !strcmp(f.v[1], "already");
		else if (!strcmp(f.v[0], "drain"))
			d->drained = !strcmp(f.v[1], "ok"), d->failed = !d->drained;
		else if (!strcmp(f.v[0], "why") && d->error.len < 2000)
			strbuf_addf(&d->error, "%s%s", d->error.len ? "; " : "", f.v[1]);
		else if (!strcmp(f.v[0], "uncordoned"))
			d->uncordoned = 1;
	}
	strvec_clear(&f);
}

void run_drain_script(const char *node, unsigned grace_s, unsigned timeout_s,
		      int keep_cordoned, const char *marker_dir, struct strbuf *out)
{
	strbuf_addstr(out, "K=" K0S_BIN "\nn=");
	sq_quote(out, node);
	strbuf_addf(out, "\nkeep=%s\nm=", keep_cordoned ? "1" : "");
	sq_quote(out, marker_dir ? marker_dir : "");
	strbuf_addf(out,
		    "\nif ! $K kubectl get node \"$n\" -o name >/dev/null 2>&1; then\n"
		    "  printf 'node\\tabsent\\n'; exit 0\n"
		    "fi\n"
		    "printf 'node\\tpresent\\n'\n"
		    "was=$($K kubectl get node \"$n\" -o 'jsonpath={.spec.unschedulable}')\n"
		    /* a cordon kcfg made and an interrupted run left is kcfg's, not an admin's */
		    "if [ \"$was\" = true ] && [ -n \"$m\" ] && [ -e \"$m/$n\" ]; then was=; fi\n"
		    "if [ \"$was\" = true ]; then printf 'cordon\\talready\\n'\n"
		    "else\n"
		    "  if [ -n \"$m\" ]; then mkdir -p \"$m\" && : >\"$m/$n\" || exit 1; fi\n"
		    "  $K kubectl cordon \"$n\" >/dev/null || exit 1; printf 'cordon\\tdone\\n'\n"
		    "fi\n"
		    "o=$(mktemp) || exit 1\n"
		    "if $K kubectl drain \"$n\" --ignore-daemonsets --delete-emptydir-data "
		    "--grace-period=%u --timeout=%us >\"$o\" 2>&1; then\n"
		    "  printf 'drain\\tok\\n'\n"
		    "else\n"
		    "  printf 'drain\\tfailed\\n'\n"
		    "  grep -i -e error -e cannot \"$o\" | tail -n 3 | sed 's/^/why\\t/'\n"
		    "  if [ -z \"$keep\" ] && [ \"$was\" != true ]; then\n"
		    "    $K kubectl uncordon \"$n\" >/dev/null && printf 'uncordoned\\tyes\\n' &&\n"
		    "      { [ -z \"$m\" ] || rm -f \"$m/$n\"; }\n"
		    "  fi\n"
		    "fi\n"
		    "rm -f \"$o\"\n", grace_s, timeout_s);
}

static int drained(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data)
{
	struct run *run = data;
	struct run_node_remove *nr = run->op;
	struct run_drain *d = &nr->drain;

	if (runner_step_ok(res) < 0)
		return -1;
	run_drain_read(d, res->out.buf, res->out.len);
	if (d->failed && !nr->force) {
		strbuf_addf(&rh->errmsg, "draining node '%s' failed: %s", nr->target->name,
			    d->error.len ? d->error.buf : "kubectl drain failed");
		strbuf_addf(&rh->hint, "nothing was removed%s. Fix what keeps the pods there (a "
			    "PodDisruptionBudget named above, a pod without a controller) and run it "
			    "again, or remove it anyway with --force", d->uncordoned ?
			    " and the node was uncordoned again" : d->was_cordoned ?
			    " (the node stays cordoned, as it was before)" : "");
		return -1;
	}
	return 0;
}

static int deleted(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data)
{
	struct run *run = data;
	struct run_node_remove *nr = run->op;

	if (runner_step_ok(res) < 0)
		return -1;
	nr->node_deleted = nr->drain.registered;
	return 0;
}

static int drain_start(struct run *run, const struct run_phase *ph, size_t p, struct run_host *h)
{
	struct run_node_remove *nr = run->op;
	struct strbuf script = STRBUF_INIT;
	struct runner_host *rh;
	size_t k;

	if (!on_controller(run, h))
		return 1;
	run_drain_script(nr->target->name, nr->grace_s, nr->drain_timeout_s, nr->force, NULL,
			 &script);
	rh = run_session(run, h);
	k = runner_add_step(rh, "drain", script.buf, STEP_TIMEOUT_MS);
	runner_step_on_done(rh, k, drained, run);
	strbuf_release(&script);
	return 0;
}

static int delete_start(struct run *run, const struct run_phase *ph, size_t p,
			struct run_host *h)
{
	struct run_node_remove *nr = run->op;
	struct strbuf script = STRBUF_INIT;
	struct runner_host *rh;
	size_t k;

	if (!on_controller(run, h) || !nr->drain.registered)
		return 1;
	strbuf_addstr(&script, K0S_BIN " kubectl delete node ");
	sq_quote(&script, nr->target->name);
	strbuf_addstr(&script, " >/dev/null\n");
	rh = run_session(run, h);
	k = runner_add_step(rh, "delete-node", script.buf, 300000);
	runner_step_on_done(rh, k, deleted, run);
	strbuf_release(&script);
	return 0;
}

/* The host first: one that cannot be reached stops the removal, unless --force. */
static int reach_start(struct run *run, const struct run_phase *ph, size_t p,
		       struct run_host *h)
{
	struct run_node_remove *nr = run->op;

	if (h != nr->target)
		return 1;
	runner_add_step(run_session(run, h), "reach", "true\n", 60000);
	return 0;
}

static void reach_finish(struct run *run, const struct run_phase *ph, size_t p)
{
	struct run_node_remove *nr = run->op;

	if (nr->target->state == RUN_FAILED && !nr->force)
		run->stopped = 1;
}

static const struct run_action reach_action = { reach_start, reach_finish };
/* a failed drain (without --force) or delete: the host is not reset */
static const struct run_action drain_action = { drain_start, run_stop_on_failure };
static const struct run_action delete_action = { delete_start, run_stop_on_failure };

const struct run_phase run_node_remove_phases[] = {
	{ "reach", PHASE_ACTION, 0, &reach_action, COMP_ROLE_WORKER, { 0, 0 }, 1, NULL },
	{ "drain", PHASE_ACTION, 0, &drain_action, COMP_ROLE_MASTER, { 0, 0 }, 1, NULL },
	{ "delete-node", PHASE_ACTION, 0, &delete_action, COMP_ROLE_MASTER, { 0, 0 }, 1, NULL },
	{ "reset", PHASE_ACTION, 0, &run_reset_action, COMP_ROLE_WORKER, { 0, 0 }, 1, NULL },
};
const size_t run_node_remove_phases_nr = sizeof(run_node_remove_phases) /
					 sizeof(run_node_remove_phases[0]);
