/*
 * The preflight phase: each picked component's check() (before
 * anything changes) on each host of its roles (verify.c runs verify()
 * after). What they find is kept per host and phase (host_phase.found,
 * with the component of each in found_by); an error fails the host's
 * part in the phase, and any preflight error stops the run before its
 * first change: every problem of every host is reported at once.
 *
 * Preflight first runs one read-only script on each host (engine/
 * preflight.h: its clock, uid, listening ports, disk sizes, `k0s
 * sysinfo`, the NVIDIA driver, the Lustre modules), then, once every
 * host has answered, checks them all: across hosts too (hostnames,
 * machine-ids and addresses unique).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "components/component.h"
#include "config/settings.h"
#include "engine/preflight.h"
#include "run/model.h"
#include "run/run.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PREFLIGHT_TIMEOUT_MS 120000
#define K0S_DATA_DIR "/var/lib/k0s"

/* Notes the component of each finding added since `from`. */
static void found_by(struct host_phase *hp, size_t from, const char *name)
{
	for (size_t k = from; k < hp->found.nr; k++)
		strvec_push(&hp->found_by, name);
}

static void call_hooks(struct run *run, struct run_host *h, struct host_phase *hp, int verify)
{
	const struct comp_host *ch = &run->m->hosts[h->index];

	for (size_t c = 0; c < nr_components; c++) {
		const struct component *comp = components[c];
		int (*hook)(const struct component *, const struct comp_ctx *,
			    const struct comp_host *, struct diag_list *) =
			verify ? comp->verify : comp->check;
		size_t from = hp->found.nr;

		if (!hook || !comp_applies(comp, ch) ||
		    !run_component_wanted(run->opts->components, comp->name))
			continue;
		hook(comp, &run->m->ctx, ch, &hp->found);
		found_by(hp, from, comp->name);
	}
}

static void log_found(const struct run_host *h, const struct host_phase *hp)
{
	for (size_t i = 0; i < hp->found.nr; i++)
		log_msg(LOG_INFO, "%s: %s: %s%s%s", h->name, hp->found.d[i].level == DIAG_ERROR ?
			"error" : "warning", hp->found.d[i].msg, hp->found.d[i].hint ? "; " : "",
			hp->found.d[i].hint ? hp->found.d[i].hint : "");
}

/* Fails the host's part in phase `p` when the checks found errors. */
static int judge(struct run_host *h, size_t p, int verify)
{
	struct host_phase *hp = &h->ph[p];

	log_found(h, hp);
	if (!hp->found.errors)
		return 1;
	run_phase_fail(h, p, NULL, "'%s' %s: %zu problem%s", h->name, verify ?
		       "does not work as it should" : "is not ready for what this run would do",
		       hp->found.errors, hp->found.errors == 1 ? "" : "s");
	return -1;
}

/* ---- preflight ---- */

static int on_preflight(struct runner_host *rh, size_t step, const struct runner_result *res,
			void *data)
{
	struct run *run = data;
	struct run_host *h = rh->data;
	struct preflight_probe *p;
	struct strbuf err = STRBUF_INIT;

	h->ph[run->phase].busy_us += res->duration_us;
	if (runner_step_ok(res) < 0)
		return -1;
	p = xcalloc(1, sizeof(*p));
	if (preflight_from_probe(res->out.buf, res->out.len, h->name, p, &err) < 0) {
		strbuf_addf(&rh->errmsg, "cannot read what preflight found on '%s': %s", h->name,
			    err.buf);
		free(p);
		strbuf_release(&err);
		return -1;
	}
	if (h->preflight)
		preflight_probe_release(h->preflight);
	free(h->preflight);
	h->preflight = p;
	strbuf_release(&err);
	return 0;
}

static int preflight_start(struct run *run, const struct run_phase *ph, size_t p,
			   struct run_host *h)
{
	const struct comp_host *ch = &run->m->hosts[h->index];
	const struct settings *s = &run->m->settings;
	const char *paths[2];
	struct preflight_ask ask = { paths, 0, 0, 0 };
	struct strbuf script = STRBUF_INIT;
	struct runner_host *rh;
	size_t k;

	if (run->opts->skip_preflight)
		return 1;
	if ((ch->roles & COMP_ROLE_REGISTRY) && run_component_wanted(run->opts->components, "harbor"))
		paths[ask.nr_paths++] = s->registry.data_volume;
	if (run_component_wanted(run->opts->components, "k0s")) {
		if (ch->roles & COMP_ROLE_WORKER)
			paths[ask.nr_paths++] = K0S_DATA_DIR;
		/* k0s sysinfo: on a worker without the controller's checks */
		if (ch->roles & COMP_ROLE_MASTER)
			ask.sysinfo = 1;
		else if (ch->roles & COMP_ROLE_WORKER)
			ask.sysinfo = 2;
	}
	ask.modules = (ch->roles & COMP_ROLE_WORKER) && s->addons.storage &&
		      run_component_wanted(run->opts->components, "lustre");
	ask.gpu = (ch->roles & COMP_ROLE_GPU) != 0;
	preflight_script(&ask, &script);
	rh = run_session(run, h);
	k = runner_add_step(rh, "preflight", script.buf, PREFLIGHT_TIMEOUT_MS);
	runner_step_on_done(rh, k, on_preflight, run);
	strbuf_release(&script);
	return 0;
}

/* The checks of the host itself: sudo gave root, its clock. */
static void host_checks(struct run *run, struct run_host *h, struct host_phase *hp,
			long long now)
{
	const struct preflight_probe *p = h->preflight;
	size_t from = hp->found.nr;

	if (p->uid != 0)
		diag_error(&hp->found, NULL, 0, 0, "allow the login user to become root with "
			   "sudo, or log in as root (ansible_user)",
			   "commands run as user id %lld, not root: sudo does not give root there",
			   p->uid);
	preflight_check_clock(p, now, run->m->settings.preflight.max_clock_skew, &hp->found);
	found_by(hp, from, "host");
}

static void unique_checks(struct run *run, struct host_phase *hp, size_t me)
{
	const char **names = xcalloc(run->nr, sizeof(*names));
	const char **addresses = xcalloc(run->nr, sizeof(*addresses));
	const struct facts **facts = xcalloc(run->nr, sizeof(*facts));
	size_t from = hp->found.nr;

	for (size_t i = 0; i < run->nr; i++) {
		names[i] = run->hosts[i].name;
		addresses[i] = run->m->hosts[i].address;
		facts[i] = run->m->hosts[i].facts;
	}
	preflight_check_unique(names, facts, addresses, run->nr, me, &hp->found);
	found_by(hp, from, "host");
	free(names);
	free(addresses);
	free(facts);
}

static void preflight_finish(struct run *run, const struct run_phase *ph, size_t p)
{
	long long now = (long long)time(NULL);

	if (run->opts->skip_preflight)
		return;
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];
		struct host_phase *hp = &h->ph[p];
		struct comp_host *ch = &run->m->hosts[i];

		if (h->state == RUN_SKIPPED)
			continue;
		if (h->state == RUN_FAILED)
			continue;	/* unreachable, sudo refused: out of the run already */
		if (!h->preflight)
			continue;
		host_checks(run, h, hp, now);
		if (!run->opts->local)	/* --local: every host is this machine */
			unique_checks(run, hp, i);
		ch->preflight = h->preflight;
		call_hooks(run, h, hp, 0);
		ch->preflight = NULL;
		if (judge(h, p, 0) < 0)
			run->stopped = 1;	/* nothing changes anywhere */
	}
}

size_t run_preflight_phase(const struct run *run)
{
	for (size_t p = 0; p < run->nr_phases; p++)
		if (run->phases[p].action == &run_preflight_action)
			return p;
	return run->nr_phases;
}

void run_preflight_count(const struct run *run, size_t *errors, size_t *warnings)
{
	size_t p = run_preflight_phase(run);

	*errors = *warnings = 0;
	for (size_t i = 0; p < run->nr_phases && i < run->nr; i++) {
		const struct diag_list *dl = &run->hosts[i].ph[p].found;

		*errors += dl->errors;
		*warnings += dl->nr - dl->errors;
	}
}

const struct run_action run_preflight_action = { preflight_start, preflight_finish };
