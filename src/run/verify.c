/*
 * The verify phase (apply's last, and all of `kcfg status`): read what
 * the running cluster says, once, then each picked component's verify()
 * on each picked host (components/cluster-view.h). The reads are
 * read-only steps over the sessions the run already has: the
 * controller's own kubectl (`k0s kubectl`, with the admin kubeconfig
 * k0s keeps there) and, from the bastion, Harbor's health through
 * kcfg's CA. What a hook finds is kept per host (host_phase.found, with
 * the component in found_by); an error fails the host's part in the
 * phase. A controller that cannot be asked at all leaves the view
 * unreachable: nothing could be checked (cli/ says so, exit 2).
 */
#include <stdlib.h>
#include <string.h>

#include "components/cluster-view.h"
#include "components/component.h"
#include "components/k0s.h"
#include "components/smoke.h"
#include "config/settings.h"
#include "run/model.h"
#include "run/run.h"
#include "transport/shell.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define READ_TIMEOUT_MS 60000
/* how long each smoke check waits when --wait-timeout does not say */
#define SMOKE_TIMEOUT_S 300
#define SMOKE_NS "-n " SMOKE_NAMESPACE " "

static int on_read(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data)
{
	struct cluster_read *r = data;

	r->state = CLUSTER_READ;
	r->status = res->timed_out ? 124 : res->status;
	strbuf_addbuf(&r->out, &res->out);
	strbuf_addbuf(&r->err, &res->err);
	strbuf_trim(&r->err);
	if (res->timed_out)
		strbuf_addf(&r->why, "it did not answer in %u s", READ_TIMEOUT_MS / 1000);
	return 0;	/* what it read is the hooks' business, not the session's */
}

static void add_read_ms(struct run *run, struct run_host *h, struct cluster_read *r,
			const char *name, const char *script, unsigned timeout_ms)
{
	struct runner_host *rh = run_session(run, h);

	r->asked = 1;
	r->host = h->name;
	runner_step_on_done(rh, runner_add_step(rh, name, script, timeout_ms), on_read, r);
}

static void add_read(struct run *run, struct run_host *h, struct cluster_read *r,
		     const char *name, const char *script)
{
	add_read_ms(run, h, r, name, script, READ_TIMEOUT_MS);
}

/* Harbor's health from the bastion, trusting only kcfg's CA (sent as data). */
static void harbor_script(const struct run *run, struct strbuf *out)
{
	struct strbuf url = STRBUF_INIT;

	strbuf_addf(&url, "https://%s/api/v2.0/health", run->m->settings.registry.name);
	strbuf_addstr(out, "ca=$(mktemp) || exit 90\ntrap 'rm -f \"$ca\"' EXIT\nprintf '%s' ");
	sq_quote(out, run->m->ctx.registry_ca_pem);
	strbuf_addstr(out, " >\"$ca\" || exit 90\ncurl -sS --max-time 30 --cacert \"$ca\" ");
	sq_quote(out, url.buf);
	strbuf_addstr(out, "\n");
	strbuf_release(&url);
}

/* Starts a smoke step's script: nothing is done while the API is not ready. */
static void smoke_guard(struct strbuf *sc)
{
	strbuf_reset(sc);
	strbuf_addf(sc, K0S_BIN " kubectl get --raw=/readyz >/dev/null 2>&1 || exit %d\n",
		    SMOKE_API_DOWN);
}

/*
 * status --smoke, after the reads on the controller: the manifests are
 * applied (sent as data on kubectl's stdin, only when the API is ready),
 * each pod waited for until it ended or the timeout passed and read, its
 * log and claim read, the namespace's events read, and the namespace
 * deleted, whatever happened before (components/smoke.h judges).
 */
static void queue_smoke(struct run *run, struct run_host *ctl, struct cluster_view *v)
{
	struct smoke_run *sm = xcalloc(1, sizeof(*sm));
	unsigned t = run->opts->wait_timeout_s ? run->opts->wait_timeout_s : SMOKE_TIMEOUT_S;
	struct strbuf yaml = STRBUF_INIT, err = STRBUF_INIT, sc = STRBUF_INIT;

	smoke_plan(&run->m->ctx, t, sm);
	v->smoke = sm;
	if (!sm->nr) {
		/* nothing to run: no namespace made just to delete it */
		strbuf_addf(&sm->skipped, "%snothing to run (no GPU worker, no storage, no RDMA pod)",
			    sm->skipped.len ? "; " : "");
		sm->cleaned_up = 1;
		goto out;
	}
	if (smoke_manifests(&run->m->ctx, sm, &yaml, &err) < 0) {
		/* the emitter refused a value: nothing is sent, the finding says why */
		sm->apply.state = CLUSTER_READ;
		sm->apply.status = 1;
		strbuf_addf(&sm->apply.err, "cannot write the manifests: %s", err.buf);
		sm->cleanup.state = CLUSTER_READ;
		goto out;
	}
	smoke_guard(&sc);
	strbuf_addstr(&sc, "printf '%s' ");
	sq_quote(&sc, yaml.buf);
	strbuf_addstr(&sc, " | " K0S_BIN " kubectl apply -f -\n");
	add_read(run, ctl, &sm->apply, "smoke-apply", sc.buf);
	for (size_t i = 0; i < sm->nr; i++) {
		struct smoke_check *c = &sm->v[i];

		smoke_guard(&sc);
		strbuf_addf(&sc, "d=$(($(date +%%s) + %u))\nwhile :; do\n\tp=$(" K0S_BIN
			    " kubectl " SMOKE_NS "get pod ", t);
		sq_quote(&sc, c->pod);
		strbuf_addstr(&sc, " -o 'jsonpath={.status.phase}') || exit 4\n"
			      "\tcase $p in Succeeded|Failed) break ;; esac\n"
			      "\t[ \"$(date +%s)\" -lt \"$d\" ] || break\n\tsleep 2\ndone\n"
			      "exec " K0S_BIN " kubectl " SMOKE_NS "get pod ");
		sq_quote(&sc, c->pod);
		strbuf_addstr(&sc, " -o json\n");
		add_read_ms(run, ctl, &c->pod_read, "smoke-wait", sc.buf, (t + 60) * 1000);
		smoke_guard(&sc);
		if (c->kind == SMOKE_PVC) {
			strbuf_addstr(&sc, K0S_BIN " kubectl " SMOKE_NS "get pvc ");
			sq_quote(&sc, c->pvc);
			strbuf_addstr(&sc, " -o json\n");
			add_read(run, ctl, &c->pvc_read, "smoke-pvc", sc.buf);
		} else {
			strbuf_addstr(&sc, K0S_BIN " kubectl " SMOKE_NS "logs ");
			sq_quote(&sc, c->pod);
			strbuf_addstr(&sc, " --tail=20\n");
			add_read(run, ctl, &c->log_read, "smoke-log", sc.buf);
		}
	}
	smoke_guard(&sc);
	strbuf_addstr(&sc, K0S_BIN " kubectl " SMOKE_NS "get events -o json\n");
	add_read(run, ctl, &sm->events, "smoke-events", sc.buf);
	smoke_guard(&sc);
	strbuf_addstr(&sc, K0S_BIN " kubectl delete namespace " SMOKE_NAMESPACE
		      " --ignore-not-found --wait=true --timeout=120s\n");
	add_read_ms(run, ctl, &sm->cleanup, "smoke-delete", sc.buf, 180000);
out:
	strbuf_release(&yaml);
	strbuf_release(&err);
	strbuf_release(&sc);
}

/* Whether a picked host has any of `roles`. */
static int picked_with(const struct run *run, unsigned roles)
{
	for (size_t i = 0; i < run->nr; i++)
		if (run->hosts[i].state != RUN_SKIPPED && (run->m->hosts[i].roles & roles))
			return 1;
	return 0;
}

/* Whether the run checks the cluster through its API: k0s or an add-on is picked. */
static int wants_api(const struct run *run)
{
	if (!picked_with(run, COMP_ROLE_CLUSTER))
		return 0;
	for (size_t c = 0; c < nr_components; c++)
		if (components[c]->verify &&
		    run_component_wanted(run->opts->components, components[c]->name) &&
		    components[c]->roles & COMP_ROLE_CLUSTER)
			return 1;
	return 0;
}

/* Queues every read once, on the first call of the phase. */
static void queue_reads(struct run *run)
{
	const struct settings *s = &run->m->settings;
	struct cluster_view *v = xcalloc(1, sizeof(*v));
	struct run_host *ctl = run_first_host(run, COMP_ROLE_MASTER);
	struct run_host *bastion = run_first_host(run, COMP_ROLE_BASTION);

	cluster_view_init(v);
	run->view = v;
	if (ctl && !wants_api(run)) {
		ctl = NULL;
		v->skipped = 1;
	}
	if (ctl && ctl->state != RUN_FAILED) {
		v->controller = ctl->name;
		add_read(run, ctl, &v->r[CLUSTER_READYZ], "verify-readyz", K0S_BIN " kubectl get --raw=/readyz\n");
		add_read(run, ctl, &v->r[CLUSTER_NODES], "verify-nodes", K0S_BIN " kubectl get nodes -o json\n");
		add_read(run, ctl, &v->r[CLUSTER_CHARTS], "verify-charts",
			 K0S_BIN " kubectl get charts.helm.k0sproject.io -A -o json\n");
		if (s->addons.storage)
			add_read(run, ctl, &v->r[CLUSTER_STORAGECLASSES], "verify-storageclasses",
				 K0S_BIN " kubectl get storageclasses -o json\n");
		if (s->addons.metallb)
			add_read(run, ctl, &v->r[CLUSTER_POOLS], "verify-ipaddresspools",
				 K0S_BIN " kubectl get ipaddresspools.metallb.io -A -o json\n");
		if (run->opts->smoke)
			queue_smoke(run, ctl, v);
	} else if (ctl) {
		v->controller = ctl->name;
		strbuf_addf(&v->r[CLUSTER_READYZ].why, "'%s' failed earlier in this run", ctl->name);
	}
	if (bastion && bastion->state != RUN_FAILED && run->m->ctx.registry_ca_pem &&
	    picked_with(run, COMP_ROLE_REGISTRY) &&
	    run_component_wanted(run->opts->components, "harbor")) {
		struct strbuf script = STRBUF_INIT;

		v->bastion = bastion->name;
		harbor_script(run, &script);
		add_read(run, bastion, &v->r[CLUSTER_HARBOR], "verify-harbor",
			 script.buf);
		strbuf_release(&script);
	}
}

static int verify_start(struct run *run, const struct run_phase *ph, size_t p,
			struct run_host *h)
{
	if (!run->view)
		queue_reads(run);
	/* the hosts the reads run on wait for them; the others have nothing to run */
	return h->rh && (h->name == run->view->controller || h->name == run->view->bastion) ?
	       0 : 1;
}

/* A read asked for that never reported: its host's session failed. */
static void note_unreachable(struct run *run, const char *host)
{
	struct run_host *h = NULL;

	for (size_t i = 0; host && i < run->nr && !h; i++)
		if (run->hosts[i].name == host)
			h = &run->hosts[i];
	for (size_t k = 0; h && k < CLUSTER_READ_NR; k++) {
		struct cluster_read *r = &run->view->r[k];

		if (!r->asked || r->host != host || r->state != CLUSTER_NOT_READ)
			continue;
		r->state = CLUSTER_UNREACHABLE;
		strbuf_addstr(&r->why, h->rh && h->rh->errmsg.len ? h->rh->errmsg.buf :
			      h->error.len ? h->error.buf : "the session ended");
	}
}

static void run_verify_hooks(struct run *run, size_t p, struct run_host *h)
{
	const struct comp_host *ch = &run->m->hosts[h->index];
	struct host_phase *hp = &h->ph[p];

	for (size_t c = 0; c < nr_components; c++) {
		const struct component *comp = components[c];
		size_t before = hp->found.nr;

		if (!comp->verify || !run_component_wanted(run->opts->components, comp->name))
			continue;
		comp->verify(comp, &run->m->ctx, ch, &hp->found);
		while (before++ < hp->found.nr)
			strvec_push(&hp->found_by, comp->name);
	}
	if (run->view->smoke && h->name == run->view->controller && run->view->api_ready) {
		size_t before = hp->found.nr;

		smoke_judge(run->view->smoke, h->name, &hp->found);
		while (before++ < hp->found.nr)
			strvec_push(&hp->found_by, "smoke");
	}
	for (size_t i = 0; i < hp->found.nr; i++)
		log_msg(LOG_INFO, "%s: %s: %s%s%s", h->name, hp->found.d[i].level == DIAG_ERROR ?
			"error" : "warning", hp->found.d[i].msg, hp->found.d[i].hint ? "; " : "",
			hp->found.d[i].hint ? hp->found.d[i].hint : "");
	if (hp->found.errors)
		run_phase_fail(h, p, NULL, "'%s' does not work as it should: %zu problem%s",
			       h->name, hp->found.errors, hp->found.errors == 1 ? "" : "s");
}

static void verify_finish(struct run *run, const struct run_phase *ph, size_t p)
{
	struct cluster_view *v = run->view;

	if (!v)
		return;
	note_unreachable(run, v->controller);
	note_unreachable(run, v->bastion);
	cluster_view_parse(v);
	if (!v->skipped && cluster_view_unreachable(v)) {
		log_msg(LOG_INFO, "cannot verify: %s", !v->controller ? "no controller in the "
			"inventory" : v->r[CLUSTER_READYZ].why.buf);
		return;	/* nothing could be checked: cli/ says so */
	}
	run->m->ctx.view = v;
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];

		if (h->ph[p].state == HP_DONE || h->ph[p].state == HP_APPLYING)
			run_verify_hooks(run, p, h);
	}
	run->m->ctx.view = NULL;
}

void run_view_release(struct run *run)
{
	if (!run->view)
		return;
	if (run->view->smoke) {
		smoke_release(run->view->smoke);
		free(run->view->smoke);
	}
	cluster_view_release(run->view);
	free(run->view);
	run->view = NULL;
}

const struct run_action run_verify_action = { verify_start, verify_finish };
