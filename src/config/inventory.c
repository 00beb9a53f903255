/*
 * The inventory model and what ansible-inventory prints from it. The
 * rules follow ansible-core 2.14 (inventory/data.py, group.py, host.py,
 * vars/manager.py and cli/inventory.py), including its orders: group
 * children in the order added, hosts in the order listed, variable
 * precedence by group depth, priority and name.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/ini.h"
#include "config/inventory.h"
#include "config/value.h"
#include "util/diag.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- the name index ---- */

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

int inv_index_get(const struct inv_index *ix, const char *name, size_t *value)
{
	size_t mask, i;

	if (!ix->size)
		return 0;
	mask = ix->size - 1;
	for (i = name_hash(name) & mask; ix->slot[i].name; i = (i + 1) & mask)
		if (!strcmp(ix->slot[i].name, name)) {
			*value = ix->slot[i].value;
			return 1;
		}
	return 0;
}

static void index_insert(struct inv_slot *slot, size_t size, const char *name, size_t value)
{
	size_t mask = size - 1, i;

	for (i = name_hash(name) & mask; slot[i].name; i = (i + 1) & mask)
		if (!strcmp(slot[i].name, name)) {
			slot[i].value = value;
			return;
		}
	slot[i].name = name;
	slot[i].value = value;
}

void inv_index_put(struct inv_index *ix, const char *name, size_t value)
{
	if ((ix->nr + 1) * 2 > ix->size) {
		size_t size = ix->size ? st_mult(ix->size, 2) : 64;
		struct inv_slot *slot = xcalloc(size, sizeof(*slot));
		for (size_t i = 0; i < ix->size; i++)
			if (ix->slot[i].name)
				index_insert(slot, size, ix->slot[i].name, ix->slot[i].value);
		free(ix->slot);
		ix->slot = slot;
		ix->size = size;
	}
	if (!inv_index_get(ix, name, &(size_t){ 0 }))
		ix->nr++;
	index_insert(ix->slot, ix->size, name, value);
}

void inv_index_release(struct inv_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->size = ix->nr = 0;
}

/* ---- variables ---- */

void inventory_set_var(struct inv_vars *vars, const char *key, struct value *val, unsigned line)
{
	for (size_t i = 0; i < vars->nr; i++)
		if (!strcmp(vars->v[i].key, key)) {
			value_free(vars->v[i].val);
			vars->v[i].val = val;
			vars->v[i].line = line;
			return;
		}
	ALLOC_GROW(vars->v, vars->nr + 1, vars->alloc);
	vars->v[vars->nr].key = xstrdup(key);
	vars->v[vars->nr].val = val;
	vars->v[vars->nr].line = line;
	vars->nr++;
}

const struct inv_var *inventory_get_var(const struct inv_vars *vars, const char *key)
{
	for (size_t i = 0; i < vars->nr; i++)
		if (!strcmp(vars->v[i].key, key))
			return &vars->v[i];
	return NULL;
}

static void vars_release(struct inv_vars *vars)
{
	for (size_t i = 0; i < vars->nr; i++) {
		free(vars->v[i].key);
		value_free(vars->v[i].val);
	}
	free(vars->v);
	memset(vars, 0, sizeof(*vars));
}

/* ---- building ---- */

void inventory_init(struct inventory *inv, const char *file)
{
	memset(inv, 0, sizeof(*inv));
	inv->file = xstrdup(file);
	inventory_add_group(inv, "all", 0);
	inventory_add_group(inv, "ungrouped", 0);
	inventory_add_child(inv, INV_ALL, INV_UNGROUPED, NULL);
}

void inventory_release(struct inventory *inv)
{
	for (size_t i = 0; i < inv->nr_groups; i++) {
		struct inv_group *g = &inv->group[i];
		free(g->name);
		free(g->hosts);
		free(g->children);
		free(g->parents);
		vars_release(&g->vars);
	}
	for (size_t i = 0; i < inv->nr_hosts; i++) {
		struct inv_host *h = &inv->host[i];
		free(h->name);
		free(h->groups);
		free(h->closure);
		vars_release(&h->vars);
	}
	free(inv->group);
	free(inv->host);
	inv_index_release(&inv->group_index);
	inv_index_release(&inv->host_index);
	free(inv->file);
	memset(inv, 0, sizeof(*inv));
}

long inventory_find_group(const struct inventory *inv, const char *name)
{
	size_t i;
	return inv_index_get(&inv->group_index, name, &i) ? (long)i : -1;
}

long inventory_find_host(const struct inventory *inv, const char *name)
{
	size_t i;
	return inv_index_get(&inv->host_index, name, &i) ? (long)i : -1;
}

size_t inventory_add_group(struct inventory *inv, const char *name, unsigned line)
{
	struct inv_group *g;
	size_t i;

	if (inv_index_get(&inv->group_index, name, &i)) {
		if (!inv->group[i].line)
			inv->group[i].line = line;
		return i;
	}
	ALLOC_GROW(inv->group, inv->nr_groups + 1, inv->alloc_groups);
	g = &inv->group[inv->nr_groups];
	memset(g, 0, sizeof(*g));
	g->name = xstrdup(name);
	g->line = line;
	g->priority = 1;
	inv_index_put(&inv->group_index, g->name, inv->nr_groups);
	return inv->nr_groups++;
}

size_t inventory_add_host(struct inventory *inv, const char *name, unsigned line, int *is_new)
{
	struct inv_host *h;
	size_t i;

	if (inv_index_get(&inv->host_index, name, &i)) {
		*is_new = 0;
		return i;
	}
	ALLOC_GROW(inv->host, inv->nr_hosts + 1, inv->alloc_hosts);
	h = &inv->host[inv->nr_hosts];
	memset(h, 0, sizeof(*h));
	h->name = xstrdup(name);
	h->line = line;
	inv_index_put(&inv->host_index, h->name, inv->nr_hosts);
	*is_new = 1;
	return inv->nr_hosts++;
}

static int has_index(const size_t *list, size_t nr, size_t want)
{
	for (size_t i = 0; i < nr; i++)
		if (list[i] == want)
			return 1;
	return 0;
}

void inventory_group_add_host(struct inventory *inv, size_t g, size_t h)
{
	struct inv_group *grp = &inv->group[g];
	struct inv_host *host = &inv->host[h];

	if (has_index(host->groups, host->nr_groups, g))
		return;
	ALLOC_GROW(grp->hosts, grp->nr_hosts + 1, grp->alloc_hosts);
	grp->hosts[grp->nr_hosts++] = h;
	ALLOC_GROW(host->groups, host->nr_groups + 1, host->alloc_groups);
	host->groups[host->nr_groups++] = g;
}

/*
 * Marks `g` and every group above it in `mark` (one byte per group);
 * iterative, so a long chain of groups cannot exhaust the stack.
 */
static void mark_ancestors(const struct inventory *inv, size_t g, unsigned char *mark)
{
	size_t *stack = NULL, nr = 0, alloc = 0;

	stack = xcalloc(alloc = 8, sizeof(*stack));
	stack[nr++] = g;
	mark[g] = 1;
	while (nr) {
		const struct inv_group *grp = &inv->group[stack[--nr]];
		for (size_t i = 0; i < grp->nr_parents; i++) {
			size_t p = grp->parents[i];
			if (mark[p])
				continue;
			mark[p] = 1;
			ALLOC_GROW(stack, nr + 1, alloc);
			stack[nr++] = p;
		}
	}
	free(stack);
}

int inventory_add_child(struct inventory *inv, size_t parent, size_t child, struct strbuf *err)
{
	struct inv_group *p = &inv->group[parent], *c;

	if (parent == child) {
		if (err)
			strbuf_addf(err, "group '%s' cannot be a child of itself", p->name);
		return -1;
	}
	if (has_index(p->children, p->nr_children, child))
		return 0;
	if (inv->group[child].nr_children && p->nr_parents) {
		unsigned char *mark = xcalloc(inv->nr_groups, 1);
		int loop;
		mark_ancestors(inv, parent, mark);
		loop = mark[child];
		free(mark);
		if (loop) {
			if (err)
				strbuf_addf(err, "making '%s' a child of '%s' creates a loop: '%s' is already above '%s'",
					    inv->group[child].name, p->name, inv->group[child].name, p->name);
			return -1;
		}
	}
	ALLOC_GROW(p->children, p->nr_children + 1, p->alloc_children);
	p->children[p->nr_children++] = child;
	c = &inv->group[child];
	ALLOC_GROW(c->parents, c->nr_parents + 1, c->alloc_parents);
	c->parents[c->nr_parents++] = parent;
	return 0;
}

/* ---- finishing: Ansible's reconcile_inventory, depths, precedence ---- */

static void compute_depths(struct inventory *inv)
{
	size_t *indeg = xcalloc(inv->nr_groups, sizeof(*indeg));
	size_t *queue = xcalloc(inv->nr_groups, sizeof(*queue));
	size_t head = 0, tail = 0;

	for (size_t i = 0; i < inv->nr_groups; i++) {
		inv->group[i].depth = 0;
		indeg[i] = inv->group[i].nr_parents;
		if (!indeg[i])
			queue[tail++] = i;
	}
	while (head < tail) {
		struct inv_group *g = &inv->group[queue[head++]];
		for (size_t i = 0; i < g->nr_children; i++) {
			struct inv_group *c = &inv->group[g->children[i]];
			if (c->depth < g->depth + 1)
				c->depth = g->depth + 1;
			if (!--indeg[g->children[i]])
				queue[tail++] = g->children[i];
		}
	}
	free(indeg);
	free(queue);
}

/* The groups a host is in, directly or through children, into `mark`. */
static void host_closure_marks(const struct inventory *inv, const struct inv_host *h,
			       unsigned char *mark)
{
	for (size_t i = 0; i < h->nr_groups; i++)
		if (!mark[h->groups[i]])
			mark_ancestors(inv, h->groups[i], mark);
}

static const struct inventory *sort_inv;

static int precedence_cmp(const void *pa, const void *pb)
{
	const struct inv_group *a = &sort_inv->group[*(const size_t *)pa];
	const struct inv_group *b = &sort_inv->group[*(const size_t *)pb];

	if (a->depth != b->depth)
		return a->depth < b->depth ? -1 : 1;
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return strcmp(a->name, b->name);
}

void inventory_finish(struct inventory *inv)
{
	unsigned char *mark = xcalloc(inv->nr_groups, 1);
	unsigned char *drop = xcalloc(inv->nr_hosts ? inv->nr_hosts : 1, 1);
	struct inv_group *ug;
	size_t kept = 0;

	for (size_t g = 1; g < inv->nr_groups; g++)
		if (!inv->group[g].nr_parents)
			inventory_add_child(inv, INV_ALL, g, NULL);

	for (size_t h = 0; h < inv->nr_hosts; h++) {
		struct inv_host *host = &inv->host[h];
		int other = 0;

		memset(mark, 0, inv->nr_groups);
		host_closure_marks(inv, host, mark);
		for (size_t g = 2; g < inv->nr_groups && !other; g++)
			other = mark[g];
		if (mark[INV_UNGROUPED]) {
			if (other && has_index(host->groups, host->nr_groups, INV_UNGROUPED))
				drop[h] = 1;
		} else if (!other)
			inventory_group_add_host(inv, INV_UNGROUPED, h);
	}
	/* hosts in other groups leave 'ungrouped' (one pass, not one per host) */
	ug = &inv->group[INV_UNGROUPED];
	for (size_t i = 0; i < ug->nr_hosts; i++) {
		size_t h = ug->hosts[i];
		if (!drop[h]) {
			ug->hosts[kept++] = h;
			continue;
		}
		{
			struct inv_host *host = &inv->host[h];
			size_t k = 0;
			for (size_t j = 0; j < host->nr_groups; j++)
				if (host->groups[j] != INV_UNGROUPED)
					host->groups[k++] = host->groups[j];
			host->nr_groups = k;
		}
	}
	ug->nr_hosts = kept;

	compute_depths(inv);

	sort_inv = inv;
	for (size_t h = 0; h < inv->nr_hosts; h++) {
		struct inv_host *host = &inv->host[h];
		size_t n = 0;

		memset(mark, 0, inv->nr_groups);
		host_closure_marks(inv, host, mark);
		free(host->closure);
		host->closure = NULL;
		for (size_t g = 1; g < inv->nr_groups; g++)
			n += mark[g];
		host->closure = xcalloc(n ? n : 1, sizeof(size_t));
		host->nr_closure = 0;
		for (size_t g = 1; g < inv->nr_groups; g++)
			if (mark[g])
				host->closure[host->nr_closure++] = g;
		qsort(host->closure, host->nr_closure, sizeof(size_t), precedence_cmp);
	}
	sort_inv = NULL;
	free(mark);
	free(drop);
	inv->finished = 1;
}

/* ---- resolved variables ---- */

struct var_ref {
	const struct inv_var *var;
	size_t seq;
};

static int var_ref_cmp(const void *pa, const void *pb)
{
	const struct var_ref *a = pa, *b = pb;
	int c = strcmp(a->var->key, b->var->key);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void add_refs(struct var_ref **refs, size_t *nr, size_t *alloc, const struct inv_vars *vars)
{
	for (size_t i = 0; i < vars->nr; i++) {
		ALLOC_GROW(*refs, *nr + 1, *alloc);
		(*refs)[*nr].var = &vars->v[i];
		(*refs)[*nr].seq = *nr;
		(*nr)++;
	}
}

static void resolve_sources(struct var_ref *refs, size_t nr, struct inv_resolved *out)
{
	if (nr > 1)
		qsort(refs, nr, sizeof(*refs), var_ref_cmp);
	for (size_t i = 0; i < nr; i++) {
		if (i + 1 < nr && !strcmp(refs[i].var->key, refs[i + 1].var->key))
			continue;	/* a later source sets it again */
		ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		out->v[out->nr++] = refs[i].var;
	}
}

void inventory_resolve(const struct inventory *inv, size_t h, struct inv_resolved *out)
{
	const struct inv_host *host = &inv->host[h];
	struct var_ref *refs = NULL;
	size_t nr = 0, alloc = 0;

	out->nr = 0;
	add_refs(&refs, &nr, &alloc, &inv->group[INV_ALL].vars);
	for (size_t i = 0; i < host->nr_closure; i++)
		add_refs(&refs, &nr, &alloc, &inv->group[host->closure[i]].vars);
	add_refs(&refs, &nr, &alloc, &host->vars);
	resolve_sources(refs, nr, out);
	free(refs);
}

void inventory_resolved_release(struct inv_resolved *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

const struct inv_var *inventory_host_var(const struct inventory *inv, size_t h, const char *key)
{
	const struct inv_host *host = &inv->host[h];
	const struct inv_var *v = inventory_get_var(&host->vars, key);

	for (size_t i = host->nr_closure; !v && i-- > 0;)
		v = inventory_get_var(&inv->group[host->closure[i]].vars, key);
	if (!v)
		v = inventory_get_var(&inv->group[INV_ALL].vars, key);
	return v;
}

static int index_cmp(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return a < b ? -1 : a > b;
}

void inventory_group_hosts(const struct inventory *inv, size_t g, size_t **hosts, size_t *nr)
{
	unsigned char *seen_group = xcalloc(inv->nr_groups, 1);
	unsigned char *seen_host = xcalloc(inv->nr_hosts ? inv->nr_hosts : 1, 1);
	size_t *stack = NULL, nstack = 0, astack = 0, *out = NULL, nout = 0, aout = 0;

	stack = xcalloc(astack = 8, sizeof(*stack));
	stack[nstack++] = g;
	seen_group[g] = 1;
	while (nstack) {
		const struct inv_group *grp = &inv->group[stack[--nstack]];
		for (size_t i = 0; i < grp->nr_hosts; i++)
			if (!seen_host[grp->hosts[i]]) {
				seen_host[grp->hosts[i]] = 1;
				ALLOC_GROW(out, nout + 1, aout);
				out[nout++] = grp->hosts[i];
			}
		for (size_t i = 0; i < grp->nr_children; i++)
			if (!seen_group[grp->children[i]]) {
				seen_group[grp->children[i]] = 1;
				ALLOC_GROW(stack, nstack + 1, astack);
				stack[nstack++] = grp->children[i];
			}
	}
	if (nout)
		qsort(out, nout, sizeof(*out), index_cmp);
	free(stack);
	free(seen_group);
	free(seen_host);
	*hosts = out;
	*nr = nout;
}

/* ---- output as ansible-inventory writes it ---- */

/* Variables ansible-inventory leaves out (its INTERNAL_VARS). */
static int internal_var(const char *key)
{
	static const char *const internal[] = {
		"ansible_config_file", "ansible_diff_mode", "ansible_facts",
		"ansible_forks", "ansible_inventory_sources", "ansible_limit",
		"ansible_playbook_python", "ansible_run_tags", "ansible_skip_tags",
		"ansible_verbosity", "ansible_version", "group_names", "groups",
		"inventory_dir", "inventory_file", "inventory_hostname",
		"inventory_hostname_short", "omit", "playbook_dir",
	};
	for (size_t i = 0; i < ARRAY_SIZE(internal); i++)
		if (!strcmp(key, internal[i]))
			return 1;
	return 0;
}

/* Leaves out what ansible-inventory does not show (and the group priority). */
static void drop_vars(struct inv_resolved *vars, int drop_priority)
{
	size_t k = 0;

	for (size_t i = 0; i < vars->nr; i++) {
		const char *key = vars->v[i]->key;
		if (internal_var(key) || (drop_priority && !strcmp(key, "ansible_group_priority")))
			continue;
		vars->v[k++] = vars->v[i];
	}
	vars->nr = k;
}

/* The shown variables of a host: resolved, or its own for --export. */
static void shown_host_vars(const struct inventory *inv, size_t h, int own_only,
			    struct inv_resolved *out)
{
	out->nr = 0;
	if (own_only) {
		struct var_ref *refs = NULL;
		size_t nr = 0, alloc = 0;
		add_refs(&refs, &nr, &alloc, &inv->host[h].vars);
		resolve_sources(refs, nr, out);
		free(refs);
	} else
		inventory_resolve(inv, h, out);
	drop_vars(out, 0);
}

/* `owner` names whose variables these are, for the error message. */
static int write_vars_object(struct json_writer *jw, const struct inv_resolved *vars,
			     const struct inv_var *priority, const char *owner, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT, why = STRBUF_INIT;
	int ret = 0;

	json_object_begin(jw);
	for (size_t i = 0; i < vars->nr || priority; i++) {
		const struct inv_var *var;
		if (priority && (i >= vars->nr || strcmp(priority->key, vars->v[i]->key) < 0)) {
			var = priority;
			priority = NULL;
			i--;
		} else
			var = vars->v[i];
		strbuf_reset(&text);
		if (value_to_json(var->val, &text, 4, jw->depth, &why) < 0) {
			strbuf_addf(err, "cannot show variable '%s' of %s as JSON: %s",
				    var->key, owner, why.buf);
			ret = -1;
			break;
		}
		json_key(jw, var->key);
		json_raw(jw, text.buf);
	}
	json_object_end(jw);
	strbuf_release(&text);
	strbuf_release(&why);
	return ret;
}

/* A group's shown variables; `prio` holds ansible_group_priority when not 1. */
static void shown_group_vars(const struct inventory *inv, size_t g, struct inv_resolved *out,
			     struct inv_var *prio, struct value *prio_val, int *has_prio)
{
	struct var_ref *refs = NULL;
	size_t nr = 0, alloc = 0;

	out->nr = 0;
	add_refs(&refs, &nr, &alloc, &inv->group[g].vars);
	resolve_sources(refs, nr, out);
	free(refs);
	drop_vars(out, 1);
	*has_prio = inv->group[g].priority != 1;
	if (*has_prio) {
		prio_val->type = VAL_INT;
		prio_val->u.num = xstrfmt("%lld", inv->group[g].priority);
		static char prio_key[] = "ansible_group_priority";
		prio->key = prio_key;
		prio->val = prio_val;
		prio->line = 0;
	}
}

static const struct inventory *name_sort_inv;

static int group_name_cmp(const void *pa, const void *pb)
{
	return strcmp(name_sort_inv->group[*(const size_t *)pa].name,
		      name_sort_inv->group[*(const size_t *)pb].name);
}

static int host_name_cmp(const void *pa, const void *pb)
{
	return strcmp(name_sort_inv->host[*(const size_t *)pa].name,
		      name_sort_inv->host[*(const size_t *)pb].name);
}

static int group_shown(const struct inventory *inv, size_t g, int export)
{
	const struct inv_group *grp = &inv->group[g];
	if (!strcmp(grp->name, "_meta"))
		return 0;	/* Ansible's _meta replaces it */
	if (grp->nr_children || (g != INV_ALL && grp->nr_hosts))
		return 1;
	if (export) {
		for (size_t i = 0; i < grp->vars.nr; i++)
			if (!internal_var(grp->vars.v[i].key))
				return 1;
		return grp->priority != 1;
	}
	return 0;
}

static int write_group(const struct inventory *inv, size_t g, int export,
		       struct json_writer *jw, struct strbuf *err)
{
	const struct inv_group *grp = &inv->group[g];
	int ret = 0;

	json_key(jw, grp->name);
	json_object_begin(jw);
	if (grp->nr_children) {
		json_key(jw, "children");
		json_array_begin(jw);
		for (size_t i = 0; i < grp->nr_children; i++)
			json_string(jw, inv->group[grp->children[i]].name);
		json_array_end(jw);
	}
	if (g != INV_ALL && grp->nr_hosts) {
		json_key(jw, "hosts");
		json_array_begin(jw);
		for (size_t i = 0; i < grp->nr_hosts; i++)
			json_string(jw, inv->host[grp->hosts[i]].name);
		json_array_end(jw);
	}
	if (export) {
		struct inv_resolved vars = { NULL, 0, 0 };
		struct inv_var prio;
		struct value prio_val;
		int has_prio;

		shown_group_vars(inv, g, &vars, &prio, &prio_val, &has_prio);
		if (vars.nr || has_prio) {
			char *owner = xstrfmt("group '%s'", grp->name);
			json_key(jw, "vars");
			ret = write_vars_object(jw, &vars, has_prio ? &prio : NULL, owner, err);
			free(owner);
		}
		if (has_prio)
			free(prio_val.u.num);
		inventory_resolved_release(&vars);
	}
	json_object_end(jw);
	return ret;
}

int inventory_list_json(const struct inventory *inv, int export, struct strbuf *out,
			struct strbuf *err)
{
	struct json_writer jw;
	size_t *groups = xcalloc(inv->nr_groups, sizeof(*groups)), ng = 0;
	size_t *hosts = xcalloc(inv->nr_hosts ? inv->nr_hosts : 1, sizeof(*hosts));
	struct inv_resolved vars = { NULL, 0, 0 };
	int meta_done = 0, ret = 0;

	for (size_t g = 0; g < inv->nr_groups; g++)
		if (group_shown(inv, g, export))
			groups[ng++] = g;
	for (size_t h = 0; h < inv->nr_hosts; h++)
		hosts[h] = h;
	name_sort_inv = inv;
	qsort(groups, ng, sizeof(*groups), group_name_cmp);
	qsort(hosts, inv->nr_hosts, sizeof(*hosts), host_name_cmp);
	name_sort_inv = NULL;

	json_init(&jw, out, 4);
	json_object_begin(&jw);
	for (size_t i = 0; i <= ng && !ret; i++) {
		/* "_meta" takes its sorted place among the group names */
		if (!meta_done && (i == ng || strcmp("_meta", inv->group[groups[i]].name) < 0)) {
			meta_done = 1;
			json_key(&jw, "_meta");
			json_object_begin(&jw);
			json_key(&jw, "hostvars");
			json_object_begin(&jw);
			for (size_t j = 0; j < inv->nr_hosts && !ret; j++) {
				/* a host that left 'ungrouped' for no group is lost, as in Ansible */
				if (!inv->host[hosts[j]].nr_groups)
					continue;
				shown_host_vars(inv, hosts[j], export, &vars);
				if (!vars.nr)
					continue;
				char *owner = xstrfmt("host '%s'", inv->host[hosts[j]].name);
				json_key(&jw, inv->host[hosts[j]].name);
				ret = write_vars_object(&jw, &vars, NULL, owner, err);
				free(owner);
			}
			json_object_end(&jw);
			json_object_end(&jw);
		}
		if (i < ng && !ret)
			ret = write_group(inv, groups[i], export, &jw, err);
	}
	json_object_end(&jw);
	strbuf_addch(out, '\n');
	inventory_resolved_release(&vars);
	free(groups);
	free(hosts);
	return ret;
}

int inventory_host_json(const struct inventory *inv, size_t h, struct strbuf *out,
			struct strbuf *err)
{
	struct inv_resolved vars = { NULL, 0, 0 };
	struct json_writer jw;
	char *owner = xstrfmt("host '%s'", inv->host[h].name);
	int ret;

	shown_host_vars(inv, h, 0, &vars);
	json_init(&jw, out, 4);
	ret = write_vars_object(&jw, &vars, NULL, owner, err);
	free(owner);
	strbuf_addch(out, '\n');
	inventory_resolved_release(&vars);
	return ret;
}

/* ---- --graph ---- */

static void graph_line(struct strbuf *out, unsigned depth, const char *text)
{
	for (unsigned i = 0; i < depth; i++)
		strbuf_addstr(out, "  |");
	if (depth)
		strbuf_addstr(out, "--");
	strbuf_addstr(out, text);
	strbuf_addch(out, '\n');
}

static void graph_vars(struct strbuf *out, unsigned depth, const struct inv_resolved *vars,
		       const struct inv_var *prio)
{
	struct strbuf line = STRBUF_INIT;

	for (size_t i = 0; i < vars->nr || prio; i++) {
		const struct inv_var *var;
		if (prio && (i >= vars->nr || strcmp(prio->key, vars->v[i]->key) < 0)) {
			var = prio;
			prio = NULL;
			i--;
		} else
			var = vars->v[i];
		strbuf_reset(&line);
		strbuf_addf(&line, "{%s = ", var->key);
		value_str(var->val, &line);
		strbuf_addch(&line, '}');
		graph_line(out, depth, line.buf);
	}
	strbuf_release(&line);
}

struct graph_frame {
	size_t group;
	unsigned depth;
	size_t next_child;
};

int inventory_graph(const struct inventory *inv, size_t g, int vars, struct strbuf *out,
		    struct strbuf *err)
{
	struct graph_frame *stack = NULL;
	size_t nr = 0, alloc = 0;
	struct inv_resolved rv = { NULL, 0, 0 };
	struct strbuf name = STRBUF_INIT;
	int ret = 0;

	stack = xcalloc(alloc = 8, sizeof(*stack));
	stack[nr++] = (struct graph_frame){ g, 0, 0 };
	strbuf_addf(&name, "@%s:", inv->group[g].name);
	graph_line(out, 0, name.buf);
	while (nr) {
		struct graph_frame *f = &stack[nr - 1];
		const struct inv_group *grp = &inv->group[f->group];
		unsigned depth = f->depth;

		if (out->len > INVENTORY_MAX_GRAPH) {
			strbuf_addf(err, "the graph of group '%s' is larger than %u MiB",
				    inv->group[g].name, INVENTORY_MAX_GRAPH >> 20);
			ret = -1;
			break;
		}
		if (f->next_child < grp->nr_children) {
			size_t kid = grp->children[f->next_child++];
			strbuf_reset(&name);
			strbuf_addf(&name, "@%s:", inv->group[kid].name);
			graph_line(out, depth + 1, name.buf);
			ALLOC_GROW(stack, nr + 1, alloc);
			stack[nr++] = (struct graph_frame){ kid, depth + 1, 0 };
			continue;
		}
		if (f->group != INV_ALL)
			for (size_t i = 0; i < grp->nr_hosts; i++) {
				graph_line(out, depth + 1, inv->host[grp->hosts[i]].name);
				if (vars) {
					shown_host_vars(inv, grp->hosts[i], 0, &rv);
					graph_vars(out, depth + 2, &rv, NULL);
				}
			}
		if (vars) {
			struct inv_var prio;
			struct value prio_val;
			int has_prio;
			shown_group_vars(inv, f->group, &rv, &prio, &prio_val, &has_prio);
			graph_vars(out, depth + 1, &rv, has_prio ? &prio : NULL);
			if (has_prio)
				free(prio_val.u.num);
		}
		nr--;
	}
	free(stack);
	strbuf_release(&name);
	inventory_resolved_release(&rv);
	return ret;
}

/* ---- loading ---- */

int inventory_load(struct inventory *inv, const char *path, struct diag_list *dl,
		   struct strbuf *err)
{
	struct strbuf buf = STRBUF_INIT;
	int ret;

	if (strbuf_read_file(&buf, path, INVENTORY_MAX_SIZE) < 0) {
		if (errno == EFBIG)
			strbuf_addf(err, "inventory '%s' is larger than %u MiB", path,
				    INVENTORY_MAX_SIZE >> 20);
		else if (errno == ENOENT)
			strbuf_addf(err, "inventory '%s' does not exist", path);
		else
			strbuf_addf(err, "cannot read inventory '%s': %s", path, strerror(errno));
		strbuf_release(&buf);
		return -1;
	}
	ret = ini_parse(inv, buf.buf, buf.len, dl);
	strbuf_release(&buf);
	return ret;
}
