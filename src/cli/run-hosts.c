/*
 * The hosts of a run: a session target for every inventory host with a
 * role (address, user, port, key, ssh arguments, become through sudo
 * when the user is not root, its password from the vault), and which of
 * them --limit picks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/model.h"
#include "cli/run.h"
#include "components/component.h"
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
	run->tty = isatty(2);
	strbuf_init(&run->project_id_why, 0);
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

void run_release(struct run *run)
{
	for (size_t i = 0; i < run->nr; i++) {
		struct run_host *h = &run->hosts[i];

		resource_list_release(&h->rl);
		observed_release(&h->obs);
		host_plan_release(&h->plan);
		apply_steps_release(&h->steps);
		strbuf_release(&h->error);
		strbuf_release(&h->hint);
	}
	free(run->hosts);
	strbuf_release(&run->project_id_why);
	secret_release(&run->given_become_password);
	memset(run, 0, sizeof(*run));
}

static void unknown_name(const struct run *run, const char *name, const char *what)
{
	const struct inventory *inv = &run->m->inv;
	const char **names = xcalloc(inv->nr_groups + run->nr + 1, sizeof(*names));
	size_t nr = 0;
	const char *near;

	for (size_t g = 0; g < inv->nr_groups; g++)
		names[nr++] = inv->group[g].name;
	for (size_t i = 0; i < run->nr; i++)
		names[nr++] = run->hosts[i].name;
	cli_error("%s '%s' is no host or group of %s", what, name, inv->file);
	near = suggest_nearest(name, names, nr);
	if (near)
		cli_hint("did you mean '%s'?", near);
	else
		cli_hint("'kcfg inventory --graph' shows the hosts and groups");
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

int run_pick(struct run *run, const char *limit, char **names, size_t nr_names)
{
	struct strbuf word = STRBUF_INIT;
	int ret = KCFG_EXIT_OK;

	if (names && nr_names) {
		for (size_t i = 0; i < nr_names; i++) {
			size_t k;

			for (k = 0; k < run->nr && strcmp(run->hosts[k].name, names[i]); k++)
				;
			if (k == run->nr) {
				unknown_name(run, names[i], "host");
				ret = KCFG_EXIT_USAGE;
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
				unknown_name(run, word.buf, "--limit names");
				ret = KCFG_EXIT_USAGE;
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
	if (ret == KCFG_EXIT_OK) {
		size_t picked = 0;
		for (size_t i = 0; i < run->nr; i++)
			picked += run->hosts[i].state == RUN_WAITING;
		if (!picked) {
			cli_error("no hosts to work on%s%s%s", limit ? ": --limit '" : "",
				  limit ? limit : "", limit ? "' picks none" : "");
			cli_hint("the inventory's hosts with a role (bastion_host, registry, "
				 "kube_master, kube_node, kube_gpu) are the ones kcfg manages");
			ret = KCFG_EXIT_USAGE;
		}
	}
	return ret;
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

int run_check_components(const char *list)
{
	const char **names = xcalloc(nr_components + 1, sizeof(*names));
	int ret = KCFG_EXIT_OK;

	for (size_t i = 0; i < nr_components; i++)
		names[i] = components[i]->name;
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		char *one = xstrndup(p, len);

		if (!component_find(one)) {
			const char *near = suggest_nearest(one, names, nr_components);
			cli_error("no component '%s'", one);
			if (near)
				cli_hint("did you mean '%s'?", near);
			else
				cli_hint("'kcfg help apply' lists the components");
			ret = KCFG_EXIT_USAGE;
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

void run_runner_init(struct run *run, struct runner *r, runner_step_fn fn)
{
	runner_init(r, run->opts->local ? &transport_local : &transport_ssh);
	r->forks = run->opts->forks;
	r->fail_fast = run->opts->fail_fast;
	r->on_step = fn;
	r->data = run;
}
