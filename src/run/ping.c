/* kcfg ping's work (ping.h). */
#include <stdlib.h>
#include <string.h>

#include "config/inventory.h"
#include "config/value.h"
#include "run/ping.h"
#include "transport/runner.h"
#include "util/diag.h"
#include "util/xalloc.h"
#include "util/banned.h"

static struct run_ping_host *add(struct run_ping *p, const char *name,
				 const struct session_target *defaults)
{
	struct run_ping_host *h;

	ALLOC_GROW(p->hosts, p->nr + 1, p->alloc);
	h = &p->hosts[p->nr++];
	memset(h, 0, sizeof(*h));
	strbuf_init(&h->errmsg, 0);
	strbuf_init(&h->hint, 0);
	h->t = *defaults;
	h->name = xstrdup(name);
	h->t.name = h->name;
	return h;
}

void run_ping_add(struct run_ping *p, const char *name, const char *address,
		  const struct session_target *defaults)
{
	struct run_ping_host *h = add(p, name, defaults);

	h->vars[0] = xstrdup(address ? address : name);
	h->t.address = h->vars[0];
}

/* A resolved inventory variable as a new string, or NULL when unset or empty. */
static char *host_var(const struct inventory *inv, size_t h, const char *key)
{
	const struct inv_var *v = inventory_host_var(inv, h, key);
	struct strbuf sb = STRBUF_INIT;

	if (!v)
		return NULL;
	value_str(v->val, &sb);
	if (!sb.len) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

int run_ping_inventory(struct run_ping *p, const char *path,
		       const struct session_target *defaults, struct diag_list *dl,
		       struct strbuf *err)
{
	static const char *const keys[] = {
		"ansible_host", "ansible_user", "ansible_port",
		"ansible_ssh_private_key_file", "ansible_ssh_common_args",
	};
	struct inventory inv;
	size_t *hosts = NULL, n = 0;
	int ret;

	inventory_init(&inv, path);
	ret = inventory_load(&inv, path, dl, err);
	if (ret)
		goto out;
	inventory_group_hosts(&inv, INV_ALL, &hosts, &n);
	for (size_t i = 0; i < n; i++) {
		struct run_ping_host *h = add(p, inv.host[hosts[i]].name, defaults);

		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			h->vars[k] = host_var(&inv, hosts[i], keys[k]);
		h->t.address = h->vars[0] ? h->vars[0] : h->name;
		if (h->vars[1])
			h->t.user = h->vars[1];
		if (h->vars[2])
			h->t.port = h->vars[2];
		if (h->vars[3])
			h->t.key_file = h->vars[3];
		if (h->vars[4])
			h->t.ssh_args = h->vars[4];
	}
out:
	free(hosts);
	inventory_release(&inv);
	return ret;
}

static int on_step(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data)
{
	struct run_ping_host *h = rh->data;

	if (runner_step_ok(res) < 0)
		return -1;
	if (!h->rtts || res->duration_us < h->rtt_min)
		h->rtt_min = res->duration_us;
	h->rtt_sum += res->duration_us;
	h->rtts++;
	return 0;
}

int run_ping_run(struct run_ping *p, int local, unsigned forks, int fail_fast,
		 unsigned count, unsigned timeout_s)
{
	struct runner r;
	int failed;

	runner_init(&r, local ? &transport_local : &transport_ssh);
	r.forks = forks;
	r.fail_fast = fail_fast;
	r.on_step = on_step;
	for (size_t i = 0; i < p->nr; i++) {
		struct runner_host *rh = runner_add_host(&r, &p->hosts[i].t);

		rh->data = &p->hosts[i];
		for (unsigned k = 0; k < count; k++)
			runner_add_step(rh, "ping", ":", timeout_s * 1000u);
	}
	failed = runner_run(&r);
	for (size_t i = 0; i < r.nr; i++) {
		struct runner_host *rh = r.hosts[i];
		struct run_ping_host *h = rh->data;

		h->connect_us = rh->connect_us;
		h->remote_uid = rh->remote_uid;
		h->state = rh->state == RUNNER_OK ? RUN_PING_OK :
			   rh->state == RUNNER_CANCELLED ? RUN_PING_CANCELLED : RUN_PING_FAILED;
		if (rh->error != SESSION_ERR_NONE)
			h->error_kind = session_error_name(rh->error);
		strbuf_addbuf(&h->errmsg, &rh->errmsg);
		strbuf_addbuf(&h->hint, &rh->hint);
	}
	p->interrupted = runner_interrupted() != 0;
	runner_release(&r);
	return failed;
}

void run_ping_release(struct run_ping *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		free(p->hosts[i].name);
		for (size_t k = 0; k < ARRAY_SIZE(p->hosts[i].vars); k++)
			free(p->hosts[i].vars[k]);
		strbuf_release(&p->hosts[i].errmsg);
		strbuf_release(&p->hosts[i].hint);
	}
	free(p->hosts);
	memset(p, 0, sizeof(*p));
}
