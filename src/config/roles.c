/*
 * kcfg's roles over the inventory model, and the checks that an
 * inventory describes a cluster kcfg can build. Each problem is reported
 * with the line of the host (its first line) or of the group header.
 */
#include <stdlib.h>
#include <string.h>

#include "config/names.h"
#include "config/roles.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const struct role_def {
	unsigned role;
	const char *group;
	const char *example;	/* a host line for hints */
} role_defs[] = {
	{ ROLE_BASTION, "bastion_host", "bastion ansible_host=10.13.0.1" },
	{ ROLE_REGISTRY, "registry", "harbor ansible_host=10.13.0.2" },
	{ ROLE_MASTER, "kube_master", "kube-master ansible_host=10.13.0.3" },
	{ ROLE_NODE, "kube_node", "kube-node1 ansible_host=10.13.0.11 roce_host=10.146.0.11" },
	{ ROLE_GPU, "kube_gpu", "kube-gpu1 ansible_host=10.13.0.21 roce_host=10.146.0.21" },
};

const char *role_group(unsigned r)
{
	for (size_t i = 0; i < ARRAY_SIZE(role_defs); i++)
		if (role_defs[i].role == r)
			return role_defs[i].group;
	return NULL;
}

static int in_closure(const struct inv_host *h, long g)
{
	if (g < 0)
		return 0;
	for (size_t i = 0; i < h->nr_closure; i++)
		if (h->closure[i] == (size_t)g)
			return 1;
	return 0;
}

static unsigned roles_of(const struct inventory *inv, size_t h)
{
	unsigned r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(role_defs); i++)
		if (in_closure(&inv->host[h], inventory_find_group(inv, role_defs[i].group)))
			r |= role_defs[i].role;
	return r;
}

unsigned host_roles(const struct inventory *inv, const char *host)
{
	long h = inventory_find_host(inv, host);
	return h < 0 ? 0 : roles_of(inv, (size_t)h);
}

/* A resolved variable as text (Python's str()), or NULL when unset. */
static char *var_text(const struct inventory *inv, size_t h, const char *key)
{
	const struct inv_var *v = inventory_host_var(inv, h, key);
	struct strbuf sb = STRBUF_INIT;

	if (!v)
		return NULL;
	value_str(v->val, &sb);
	return strbuf_detach(&sb, NULL);
}

/* ansible_port as a TCP port, or 0 when it is not one. */
static unsigned port_of(const struct value *v)
{
	const char *s;
	unsigned long p;
	char *end;

	if (v->type == VAL_INT)
		s = v->u.num;
	else if (v->type == VAL_STR && v->u.str.len && v->u.str.len < 16)
		s = v->u.str.s;
	else
		return 0;
	if (strspn(s, "0123456789") != strlen(s))
		return 0;
	p = strtoul(s, &end, 10);
	return p >= 1 && p <= 65535 ? (unsigned)p : 0;
}

void role_hosts(const struct inventory *inv, unsigned mask, struct role_hosts *out)
{
	for (size_t h = 0; h < inv->nr_hosts; h++) {
		unsigned r = roles_of(inv, h);
		const struct inv_var *port;
		struct role_host *rh;

		if (!(r & mask))
			continue;
		ALLOC_GROW(out->h, out->nr + 1, out->alloc);
		rh = &out->h[out->nr++];
		memset(rh, 0, sizeof(*rh));
		rh->name = inv->host[h].name;
		rh->index = h;
		rh->line = inv->host[h].line;
		rh->roles = r;
		rh->address = var_text(inv, h, "ansible_host");
		if (!rh->address || !*rh->address) {
			free(rh->address);
			rh->address = xstrdup(rh->name);
		}
		rh->roce_host = var_text(inv, h, "roce_host");
		rh->user = var_text(inv, h, "ansible_user");
		port = inventory_host_var(inv, h, "ansible_port");
		rh->port = port ? port_of(port->val) : 0;
		rh->private_key = var_text(inv, h, "ansible_ssh_private_key_file");
		rh->ssh_common_args = var_text(inv, h, "ansible_ssh_common_args");
		rh->become_password = var_text(inv, h, "ansible_become_password");
	}
}

void role_hosts_release(struct role_hosts *rh)
{
	for (size_t i = 0; i < rh->nr; i++) {
		free(rh->h[i].address);
		free(rh->h[i].roce_host);
		free(rh->h[i].user);
		free(rh->h[i].private_key);
		free(rh->h[i].ssh_common_args);
		free_wiped(rh->h[i].become_password);
	}
	free(rh->h);
	memset(rh, 0, sizeof(*rh));
}

/* ---- the checks ---- */

struct checker {
	const struct inventory *inv;
	const struct model_opts *opts;
	struct diag_list *dl;
	size_t errors;
	unsigned *roles;	/* per host */
};

static void error_at(struct checker *c, unsigned line, const char *hint, const char *msg)
{
	diag_error(c->dl, c->inv->file, line, 0, hint, "%s", msg);
	c->errors++;
}

static void check_required(struct checker *c)
{
	static const struct { unsigned role; int exactly_one; const char *why; } req[] = {
		{ ROLE_BASTION, 1, "kcfg drives the cluster from one bastion" },
		{ ROLE_REGISTRY, 1, "kcfg runs one Harbor registry" },
		{ ROLE_MASTER, 0, NULL },
	};
	struct strbuf msg = STRBUF_INIT, hint = STRBUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(req); i++) {
		const struct role_def *d = &role_defs[0];
		long g;
		size_t *hosts = NULL, nr = 0;

		for (size_t k = 0; k < ARRAY_SIZE(role_defs); k++)
			if (role_defs[k].role == req[i].role)
				d = &role_defs[k];
		strbuf_reset(&msg);
		strbuf_reset(&hint);
		g = inventory_find_group(c->inv, d->group);
		if (g >= 0)
			inventory_group_hosts(c->inv, (size_t)g, &hosts, &nr);
		if (g < 0 || !nr) {
			if (g < 0)
				strbuf_addf(&msg, "group [%s] is missing: it needs %s host", d->group,
					    req[i].exactly_one ? "exactly one" : "at least one");
			else
				strbuf_addf(&msg, "group [%s] has no hosts: it needs %s", d->group,
					    req[i].exactly_one ? "exactly one" : "at least one");
			if (g < 0)
				strbuf_addf(&hint, "add a [%s] section with %s host, e.g. '%s'", d->group,
					    req[i].exactly_one ? "its" : "a", d->example);
			else
				strbuf_addf(&hint, "add %s host under [%s], e.g. '%s'",
					    req[i].exactly_one ? "its" : "a", d->group, d->example);
			error_at(c, g < 0 ? 0 : c->inv->group[g].line, hint.buf, msg.buf);
		} else if (req[i].exactly_one && nr > 1) {
			strbuf_addf(&msg, "group [%s] has %zu hosts (", d->group, nr);
			for (size_t k = 0; k < nr; k++)
				strbuf_addf(&msg, "%s'%s'", k ? ", " : "", c->inv->host[hosts[k]].name);
			strbuf_addstr(&msg, "): it needs exactly one");
			strbuf_addf(&hint, "keep one host in [%s]; %s", d->group, req[i].why);
			error_at(c, c->inv->group[g].line, hint.buf, msg.buf);
		}
		free(hosts);
	}
	strbuf_release(&msg);
	strbuf_release(&hint);
}

static void check_conflicts(struct checker *c, size_t h)
{
	static const struct { unsigned a, b; const char *hint; } pairs[] = {
		{ ROLE_REGISTRY, ROLE_MASTER, "Harbor needs a host of its own (it takes ports 80 and 443)" },
		{ ROLE_REGISTRY, ROLE_NODE, "Harbor needs a host of its own (it takes ports 80 and 443)" },
		{ ROLE_REGISTRY, ROLE_GPU, "Harbor needs a host of its own (it takes ports 80 and 443)" },
		{ ROLE_MASTER, ROLE_NODE, "a k0s controller does not run workloads in kcfg" },
		{ ROLE_MASTER, ROLE_GPU, "a k0s controller does not run workloads in kcfg" },
		{ ROLE_NODE, ROLE_GPU, "a GPU node is a worker already" },
	};
	const char *name = c->inv->host[h].name;
	struct strbuf msg = STRBUF_INIT, hint = STRBUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		if ((c->roles[h] & pairs[i].a) && (c->roles[h] & pairs[i].b)) {
			strbuf_reset(&msg);
			strbuf_reset(&hint);
			strbuf_addf(&msg, "host '%s' is in both [%s] and [%s]", name,
				    role_group(pairs[i].a), role_group(pairs[i].b));
			strbuf_addf(&hint, "%s: remove '%s' from one of the two groups",
				    pairs[i].hint, name);
			error_at(c, c->inv->host[h].line, hint.buf, msg.buf);
		}
	}
	strbuf_release(&msg);
	strbuf_release(&hint);
}

/*
 * The host's name: kcfg makes it the hostname, a file name (render
 * output, the facts cache) and a word in /etc/hosts and commands.
 */
static void check_host_name(struct checker *c, size_t h)
{
	const struct inv_host *host = &c->inv->host[h];
	struct strbuf msg = STRBUF_INIT;

	if (names_hostname_ok(host->name))
		return;
	strbuf_addf(&msg, "host '%s' has a name kcfg cannot use as its hostname", host->name);
	error_at(c, host->line,
		 "kcfg makes each inventory name a hostname: use lowercase letters, digits and "
		 "'-' (RFC 1123 labels), and give the address with ansible_host, e.g. "
		 "kube-node1 ansible_host=10.13.0.11",
		 msg.buf);
	strbuf_release(&msg);
}

/* A variable that must be a string `ok()` accepts when set (and not empty unless `empty_ok`). */
static void check_var(struct checker *c, size_t h, const char *key, int (*ok)(const char *),
		      int empty_ok, const char *what, const char *hint)
{
	const struct inv_host *host = &c->inv->host[h];
	const struct inv_var *v = inventory_host_var(c->inv, h, key);
	struct strbuf msg = STRBUF_INIT, text = STRBUF_INIT;

	if (!v || (empty_ok && value_is_str(v->val, "")))
		return;
	value_str(v->val, &text);
	if (v->val->type != VAL_STR || !ok(text.buf)) {
		strbuf_addf(&msg, "host '%s' has an invalid %s '%s'%s", host->name, key, text.buf,
			    what);
		error_at(c, host->line, hint, msg.buf);
	}
	strbuf_release(&msg);
	strbuf_release(&text);
}

/*
 * mig_config: the MIG profile the GPU operator's MIG manager applies,
 * set as the node label nvidia.com/mig.config. A label value, on GPU
 * workers only; the error names the line that set it (a group's vars
 * or the host's line).
 */
static void check_mig_config(struct checker *c, size_t h)
{
	const struct inv_host *host = &c->inv->host[h];
	const struct inv_var *v = inventory_host_var(c->inv, h, "mig_config");
	struct strbuf msg = STRBUF_INIT, text = STRBUF_INIT;

	if (!v || value_is_str(v->val, ""))
		return;
	value_str(v->val, &text);
	if (!(c->roles[h] & ROLE_GPU)) {
		strbuf_addf(&msg, "host '%s' has mig_config '%s', and it is no GPU worker "
			    "([kube_gpu])", host->name, text.buf);
		error_at(c, v->line, "set mig_config only for hosts in [kube_gpu] (its "
			 "[kube_gpu:vars] or a GPU worker's line)", msg.buf);
	} else if (v->val->type != VAL_STR || !names_label_value_ok(text.buf)) {
		strbuf_addf(&msg, "host '%s' has an invalid mig_config '%s': it becomes the "
			    "node label nvidia.com/mig.config", host->name, text.buf);
		error_at(c, v->line, "use a MIG configuration name of the GPU operator's "
			 "mig-parted config, e.g. mig_config=all-1g.10gb: 1 to 63 letters, "
			 "digits, '-', '_' or '.', a letter or digit at both ends", msg.buf);
	}
	strbuf_release(&msg);
	strbuf_release(&text);
}

/* ansible_host, roce_host, ansible_port, ansible_user and roce_netif of one host. */
static void check_host_vars(struct checker *c, size_t h)
{
	const struct inv_host *host = &c->inv->host[h];
	const struct inv_var *ah = inventory_host_var(c->inv, h, "ansible_host");
	const struct inv_var *rh = inventory_host_var(c->inv, h, "roce_host");
	const struct inv_var *port = inventory_host_var(c->inv, h, "ansible_port");
	int worker = (c->roles[h] & ROLE_WORKER) != 0;
	struct strbuf msg = STRBUF_INIT, hint = STRBUF_INIT, text = STRBUF_INIT;

	check_host_name(c, h);
	if (ah && value_is_str(ah->val, "")) {
		strbuf_addf(&msg, "host '%s' has an empty ansible_host", host->name);
		strbuf_addf(&hint, "fill in its front (PortGroup) IP address: %s ansible_host=10.0.0.11%s",
			    host->name, worker ? " roce_host=..." : "");
		error_at(c, host->line, hint.buf, msg.buf);
	} else {
		check_var(c, h, "ansible_host", names_address_ok, 0, "",
			  "use an IPv4 address like 10.13.0.11, an IPv6 address like fd00::11, "
			  "or a DNS name");
	}

	strbuf_reset(&msg);
	strbuf_reset(&hint);
	if (rh && !value_is_str(rh->val, "")) {
		check_var(c, h, "roce_host", names_ipv4_ok, 0, ": it must be an IPv4 address",
			  "roce_host is the host's RoCE (SR-IOV) address, e.g. roce_host=10.146.0.11");
	} else if (worker && c->opts->rdma_enabled) {
		strbuf_addf(&msg, "worker '%s' has %s roce_host", host->name, rh ? "an empty" : "no");
		strbuf_addf(&hint, "fill in its RoCE (SR-IOV) IP address: %s roce_host=10.146.0.11, or turn RDMA off (cluster.rdma: false in cluster.yaml)",
			    host->name);
		error_at(c, host->line, hint.buf, msg.buf);
	}

	strbuf_reset(&msg);
	if (port && !port_of(port->val)) {
		value_str(port->val, &text);
		strbuf_addf(&msg, "host '%s' has an invalid ansible_port '%s'", host->name, text.buf);
		error_at(c, host->line, "use a TCP port number from 1 to 65535", msg.buf);
	}
	check_var(c, h, "ansible_user", names_user_ok, 0, "",
		  "a user name is a lowercase letter or '_', then lowercase letters, digits, '_' "
		  "or '-', at most 32 in all (as cluster.ansible_user in cluster.yaml)");
	check_var(c, h, "roce_netif", names_netif_ok, 1, "",
		  "an interface name is 1 to 15 letters, digits, '_', '-' or '.', e.g. roce_netif=ens192");
	check_mig_config(c, h);
	strbuf_release(&msg);
	strbuf_release(&hint);
	strbuf_release(&text);
}

/* Two cluster hosts with one address (ansible_host, or roce_host). */
static void check_duplicates(struct checker *c, const char *key)
{
	struct inv_index seen = { NULL, 0, 0 };
	char **text = xcalloc(c->inv->nr_hosts ? c->inv->nr_hosts : 1, sizeof(*text));
	struct strbuf msg = STRBUF_INIT, hint = STRBUF_INIT;
	int is_addr = !strcmp(key, "ansible_host");

	for (size_t h = 0; h < c->inv->nr_hosts; h++) {
		const struct inv_var *v = inventory_host_var(c->inv, h, key);
		size_t first;

		if (!c->roles[h])
			continue;
		if (v && v->val->type == VAL_STR && v->val->u.str.len)
			text[h] = xstrdup(v->val->u.str.s);
		else if (is_addr && !v)
			text[h] = xstrdup(c->inv->host[h].name);	/* its name is its address */
		else
			continue;
		if (!inv_index_get(&seen, text[h], &first)) {
			inv_index_put(&seen, text[h], h);
			continue;
		}
		strbuf_reset(&msg);
		strbuf_reset(&hint);
		strbuf_addf(&msg, "host '%s' has the same %s '%s' as host '%s' (line %u)",
			    c->inv->host[h].name, is_addr ? "address" : key, text[h],
			    c->inv->host[first].name, c->inv->host[first].line);
		strbuf_addf(&hint, "give each host its own %s", key);
		error_at(c, c->inv->host[h].line, hint.buf, msg.buf);
	}
	inv_index_release(&seen);
	for (size_t h = 0; h < c->inv->nr_hosts; h++)
		free(text[h]);
	free(text);
	strbuf_release(&msg);
	strbuf_release(&hint);
}

/*
 * A derived group the inventory defines itself must hold exactly the
 * hosts of its parts.
 */
static void check_derived(struct checker *c, const char *group, unsigned parts,
			  const char *parts_text, const char *children)
{
	long g = inventory_find_group(c->inv, group);
	struct strbuf msg = STRBUF_INIT, hint = STRBUF_INIT;

	if (g < 0)
		return;
	strbuf_addf(&hint, "%s is %s: write it as [%s:children] with %s, or remove it and kcfg derives it",
		    group, parts_text, group, children);
	for (size_t h = 0; h < c->inv->nr_hosts; h++) {
		int in_group = in_closure(&c->inv->host[h], g);
		int in_parts = (c->roles[h] & parts) != 0;

		if (in_group == in_parts)
			continue;
		strbuf_reset(&msg);
		if (in_group)
			strbuf_addf(&msg, "host '%s' is in [%s] but not in %s", c->inv->host[h].name,
				    group, parts_text);
		else
			strbuf_addf(&msg, "host '%s' is in %s but not in [%s]", c->inv->host[h].name,
				    parts_text, group);
		error_at(c, c->inv->group[g].line, hint.buf, msg.buf);
	}
	strbuf_release(&msg);
	strbuf_release(&hint);
}

/* Warnings: hosts kcfg ignores, and group names that look like typos. */
static void warn_unused(struct checker *c)
{
	static const char *const known[] = {
		"bastion_host", "registry", "kube_master", "kube_node", "kube_gpu",
		"kube_worker", "kube_cluster",
	};
	struct strbuf msg = STRBUF_INIT, hint = STRBUF_INIT;

	for (size_t g = 2; g < c->inv->nr_groups; g++) {
		const char *name = c->inv->group[g].name, *near;
		int is_known = 0;
		for (size_t k = 0; k < ARRAY_SIZE(known); k++)
			is_known |= !strcmp(name, known[k]);
		if (is_known || !(near = suggest_nearest(name, known, ARRAY_SIZE(known))))
			continue;
		strbuf_reset(&hint);
		strbuf_addf(&hint, "did you mean [%s]?", near);
		diag_warning(c->dl, c->inv->file, c->inv->group[g].line, 0, hint.buf,
			     "group [%s] is not a kcfg group", name);
	}
	for (size_t h = 0; h < c->inv->nr_hosts; h++) {
		if (c->roles[h])
			continue;
		strbuf_reset(&msg);
		strbuf_addf(&msg, "host '%s' is in no kcfg group, so kcfg leaves it alone",
			    c->inv->host[h].name);
		diag_warning(c->dl, c->inv->file, c->inv->host[h].line, 0,
			     "the kcfg groups are bastion_host, registry, kube_master, kube_node and kube_gpu",
			     "%s", msg.buf);
	}
	strbuf_release(&msg);
	strbuf_release(&hint);
}

int model_check(const struct inventory *inv, const struct model_opts *opts, struct diag_list *dl)
{
	struct checker c = { inv, opts, dl, 0, NULL };

	c.roles = xcalloc(inv->nr_hosts ? inv->nr_hosts : 1, sizeof(*c.roles));
	for (size_t h = 0; h < inv->nr_hosts; h++)
		c.roles[h] = roles_of(inv, h);

	check_required(&c);
	for (size_t h = 0; h < inv->nr_hosts; h++) {
		check_conflicts(&c, h);
		if (c.roles[h])
			check_host_vars(&c, h);
	}
	check_duplicates(&c, "ansible_host");
	check_duplicates(&c, "roce_host");
	check_derived(&c, "kube_worker", ROLE_WORKER, "kube_node + kube_gpu",
		      "kube_node and kube_gpu");
	check_derived(&c, "kube_cluster", ROLE_CLUSTER, "kube_master + kube_node + kube_gpu",
		      "kube_master and kube_worker");
	warn_unused(&c);
	free(c.roles);
	return (int)c.errors;
}
