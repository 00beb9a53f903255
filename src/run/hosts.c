/*
 * The hosts of a run: a session target for every inventory host with a
 * role (address, user, port, key, ssh arguments, become through sudo
 * when the user is not root, its password from the vault), and which of
 * them --limit picks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "components/component.h"
#include "engine/preflight.h"
#include "run/model.h"
#include "run/run.h"
#include "util/log.h"
#include "util/strvec.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * The password sudo gets: the vault's (its own secret buffer, not a copy),
 * or a literal one from the inventory.
 */
static const char *become_password(struct run *run, const struct role_host *rh)
{
	const struct model *m = run->m;

	if (m->ctx.secrets && secret_is_set(&m->secrets.ansible_become_password))
		return (const char *)m->secrets.ansible_become_password.buf;
	/* "{{ vault_... }}" names the vault's value, which is not set */
	if (rh->become_password && *rh->become_password && !strstr(rh->become_password, "{{"))
		return rh->become_password;
	return NULL;
}

void run_init(struct run *run, struct model *m, const struct run_opts *opts)
{
	memset(run, 0, sizeof(*run));
	run->m = m;
	run->opts = opts;
	run->nr = m->nr_hosts;
	run->hosts = xcalloc(run->nr ? run->nr : 1, sizeof(*run->hosts));
	strvec_init(&run->misses);
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];
		const struct role_host *rh = &m->role_hosts.h[i];

		h->name = m->hosts[i].name;
		h->index = i;
		h->state = RUN_SKIPPED;
		strbuf_init(&h->error, 0);
		strbuf_init(&h->hint, 0);
		h->t.name = h->name;
		h->t.address = rh->address;
		h->t.user = rh->user ? rh->user : m->settings.cluster.ansible_user;
		if (rh->port) {
			xsnprintf(h->port, sizeof(h->port), "%u", rh->port);
			h->t.port = h->port;
		}
		h->t.key_file = rh->private_key;
		h->t.ssh_args = rh->ssh_common_args;
		h->t.become = strcmp(h->t.user, "root") != 0;
		h->t.become_password = h->t.become ? become_password(run, rh) : NULL;
	}
}

static void host_phase_release(struct host_phase *hp)
{
	resource_list_release(&hp->rl);
	observed_release(&hp->obs);
	host_plan_release(&hp->plan);
	apply_steps_release(&hp->steps);
	strvec_clear(&hp->needs);
	diag_release(&hp->found);
	strvec_clear(&hp->found_by);
	strbuf_release(&hp->error);
	strbuf_release(&hp->hint);
}

void run_release(struct run *run)
{
	if (run->runner_ready)
		runner_release(&run->runner);
	if (run->nr_phases)
		log_close();	/* run_phases() opened it */
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];

		for (size_t p = 0; h->ph && p < run->nr_phases; p++)
			host_phase_release(&h->ph[p]);
		free(h->ph);
		if (h->preflight)
			preflight_probe_release(h->preflight);
		free(h->preflight);
		strbuf_release(&h->error);
		strbuf_release(&h->hint);
	}
	for (size_t p = 0; run->barriers && p < run->nr_phases; p++)
		strbuf_release(&run->barriers[p].why);
	free(run->barriers);
	free(run->hosts);
	run_values_release(&run->values);
	run_view_release(run);
	strvec_clear(&run->misses);
	secret_release(&run->given_become_password);
	memset(run, 0, sizeof(*run));
}

struct runner_host *run_session(struct run *run, struct run_host *h)
{
	if (!run->runner_ready) {
		runner_init(&run->runner, run->opts->local ? &transport_local : &transport_ssh);
		run->runner.forks = run->opts->forks;
		run->runner.fail_fast = run->opts->fail_fast;
		run->runner.keep_open = 1;
		run->runner_ready = 1;
	}
	if (!h->rh) {
		h->rh = runner_add_host(&run->runner, &h->t);
		h->rh->data = h;
	}
	return h->rh;
}

void run_close_sessions(struct run *run)
{
	if (run->runner_ready)
		runner_close(&run->runner);
}

void run_stop_on_failure(struct run *run, const struct run_phase *ph, size_t p)
{
	for (size_t i = 0; i < run->nr; i++)
		if (run->hosts[i].state == RUN_FAILED && run->hosts[i].ph[p].state != HP_NONE)
			run->stopped = 1;
	(void)ph;
}

void run_host_fail(struct run_host *h, const char *hint, const char *fmt, ...)
{
	va_list ap;

	h->state = RUN_FAILED;
	if (h->error.len)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&h->error, fmt, ap);
	va_end(ap);
	if (hint)
		strbuf_addstr(&h->hint, hint);
}

void run_phase_fail(struct run_host *h, size_t p, const char *hint, const char *fmt, ...)
{
	struct host_phase *hp = &h->ph[p];
	va_list ap;

	hp->state = HP_FAILED;
	if (!hp->error.len) {
		va_start(ap, fmt);
		strbuf_vaddf(&hp->error, fmt, ap);
		va_end(ap);
		if (hint)
			strbuf_addstr(&hp->hint, hint);
	}
	run_host_fail(h, hp->hint.len ? hp->hint.buf : NULL, "%s", hp->error.buf);
}

static void unknown_name(const struct run *run, const char *name, const char *what,
			 struct diag_list *dl)
{
	const struct inventory *inv = &run->m->inv;
	const char **names = xcalloc(inv->nr_groups + run->nr + 1, sizeof(*names));
	struct strbuf hint = STRBUF_INIT;
	size_t nr = 0;
	const char *near;

	for (size_t g = 0; g < inv->nr_groups; g++)
		names[nr++] = inv->group[g].name;
	for (size_t i = 0; i < run->nr; i++)
		names[nr++] = run->hosts[i].name;
	near = suggest_nearest(name, names, nr);
	if (near)
		strbuf_addf(&hint, "did you mean '%s'?", near);
	else
		strbuf_addstr(&hint, "'kcfg inventory --graph' shows the hosts and groups");
	diag_error(dl, NULL, 0, 0, hint.buf, "%s '%s' is no host or group of %s", what, name,
		   inv->file);
	strbuf_release(&hint);
	free(names);
}

/* Picks every host of group or host `name`; 0, or -1 when there is none. */
static int pick_one(struct run *run, const char *name)
{
	long g = inventory_find_group(&run->m->inv, name);
	int found = 0;

	for (size_t i = 0; i < run->nr; i++) {
		if (strcmp(run->hosts[i].name, name) &&
		    (g < 0 || !comp_host_in_group(&run->m->hosts[i], name)))
			continue;
		run->hosts[i].state = RUN_WAITING;
		found = 1;
	}
	return found || g >= 0 ? 0 : -1;
}

int run_pick(struct run *run, const char *limit, char **names, size_t nr_names,
	     struct diag_list *dl)
{
	struct strbuf word = STRBUF_INIT;
	int ret = 0;

	if (names && nr_names) {
		for (size_t i = 0; i < nr_names; i++) {
			size_t k;

			for (k = 0; k < run->nr && strcmp(run->hosts[k].name, names[i]); k++)
				;
			if (k == run->nr) {
				unknown_name(run, names[i], "host", dl);
				ret = -1;
				continue;
			}
			run->hosts[k].state = RUN_WAITING;
		}
	} else if (limit) {
		for (const char *p = limit;; p++) {
			if (*p && *p != ',' && *p != ':') {
				strbuf_addch(&word, *p);
				continue;
			}
			if (word.len && pick_one(run, word.buf) < 0) {
				unknown_name(run, word.buf, "--limit names", dl);
				ret = -1;
			}
			strbuf_reset(&word);
			if (!*p)
				break;
		}
	} else {
		for (size_t i = 0; i < run->nr; i++)
			run->hosts[i].state = RUN_WAITING;
	}
	strbuf_release(&word);
	if (!ret) {
		size_t picked = 0;
		for (size_t i = 0; i < run->nr; i++)
			picked += run->hosts[i].state == RUN_WAITING;
		if (!picked) {
			diag_error(dl, NULL, 0, 0, "the inventory's hosts with a role (bastion_host, "
				   "registry, kube_master, kube_node, kube_gpu) are the ones kcfg "
				   "manages", "no hosts to work on%s%s%s",
				   limit ? ": --limit '" : "", limit ? limit : "",
				   limit ? "' picks none" : "");
			ret = -1;
		}
	}
	return ret;
}

/* 1 when --limit picks a worker and no controller (which renders k0s.yaml itself) */
static int limit_needs_controller(const struct run *run)
{
	int worker = 0;

	if (!run_component_wanted(run->opts->components, component_k0s.name))
		return 0;
	for (size_t i = 0; i < run->nr; i++) {
		if (run->hosts[i].state == RUN_SKIPPED)
			continue;
		if (run->m->hosts[i].roles & COMP_ROLE_MASTER)
			return 0;
		worker |= (run->m->hosts[i].roles & COMP_ROLE_WORKER) != 0;
	}
	return worker;
}

void run_include_for_limit(struct run *run)
{
	struct run_host *master = run_first_host(run, COMP_ROLE_MASTER);
	int hosts_file = run_component_wanted(run->opts->components, component_common.name);

	if (!run->opts->limit || run->opts->local)	/* --local: this machine stands in for one host */
		return;
	if (master && master->state == RUN_SKIPPED && limit_needs_controller(run))
		master->taken_in |= RUN_TAKE_K0S;
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];

		if (h->state != RUN_SKIPPED)
			continue;
		if (hosts_file)
			h->taken_in |= RUN_TAKE_HOSTS_FILE;
		if (!h->taken_in)
			continue;
		h->state = RUN_WAITING;
		h->included_why = h->taken_in == RUN_TAKE_K0S ?
			"included for k0s: the worker profiles of --limit hosts" :
			h->taken_in == RUN_TAKE_HOSTS_FILE ?
			"included for /etc/hosts: the names of --limit hosts" :
			"included for k0s and /etc/hosts: the worker profiles and names of "
			"--limit hosts";
	}
}

int run_component_wanted(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!list)
		return 1;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, name, n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

int run_check_components(const char *list, struct diag_list *dl)
{
	const char **names = xcalloc(nr_components + 1, sizeof(*names));
	int ret = 0;

	for (size_t i = 0; i < nr_components; i++)
		names[i] = components[i]->name;
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		char *one = xstrndup(p, len);

		if (!component_find(one)) {
			const char *near = suggest_nearest(one, names, nr_components);
			struct strbuf hint = STRBUF_INIT;

			if (near)
				strbuf_addf(&hint, "did you mean '%s'?", near);
			else
				strbuf_addstr(&hint, "'kcfg help apply' lists the components");
			diag_error(dl, NULL, 0, 0, hint.buf, "no component '%s'", one);
			strbuf_release(&hint);
			ret = -1;
		}
		free(one);
		p += len + (p[len] == ',');
	}
	free(names);
	return ret;
}

struct run_host *run_first_host(struct run *run, unsigned roles)
{
	for (size_t i = 0; i < run->nr; i++)
		if (run->m->hosts[i].roles & roles)
			return &run->hosts[i];
	return NULL;
}
