#ifndef KCFG_INVENTORY_H
#define KCFG_INVENTORY_H

#include <stddef.h>

struct diag_list;
struct strbuf;
struct value;

/*
 * The inventory model: hosts, groups, their variables, as Ansible builds
 * them from an INI inventory (ansible-core's InventoryData, Group and
 * Host), so that kcfg sees the same hosts, groups and variable values
 * that `ansible-inventory` shows. ini.c fills it; roles.c reads it.
 */

/* Largest inventory file read, and most host entries (after ranges). */
#define INVENTORY_MAX_SIZE (16u << 20)
#define INVENTORY_MAX_HOSTS 100000
/* Largest --graph output (a deep diamond of groups repeats itself). */
#define INVENTORY_MAX_GRAPH (16u << 20)

/* A name -> index map; the names are borrowed from the records they index. */
struct inv_index {
	struct inv_slot { const char *name; size_t value; } *slot;
	size_t size, nr;
};

/* One variable; owns key and value. */
struct inv_var {
	char *key;
	struct value *val;
	unsigned line;		/* where it was set */
};

/* Variables in the order first set; setting a key again replaces the value. */
struct inv_vars {
	struct inv_var *v;
	size_t nr, alloc;
};

struct inv_group {
	char *name;
	unsigned line;		/* first section header naming it; 0 if none */
	size_t *hosts, nr_hosts, alloc_hosts;		/* direct members, in order */
	size_t *children, nr_children, alloc_children;	/* in the order added */
	size_t *parents, nr_parents, alloc_parents;
	struct inv_vars vars;	/* [NAME:vars], without ansible_group_priority */
	long long priority;	/* ansible_group_priority, default 1 */
	unsigned depth;		/* longest path from 'all' (set by inventory_finish) */
};

struct inv_host {
	char *name;
	unsigned line;		/* first line that lists it */
	struct inv_vars vars;	/* its own variables (host line, host:port) */
	size_t *groups, nr_groups, alloc_groups;	/* direct groups, in order */
	/* every group it is in, without 'all', in variable precedence order */
	size_t *closure, nr_closure;
};

struct inventory {
	char *file;		/* name used in diagnostics */
	struct inv_group *group;	/* [0] is 'all', [1] is 'ungrouped' */
	size_t nr_groups, alloc_groups;
	struct inv_host *host;	/* in the order first listed */
	size_t nr_hosts, alloc_hosts;
	struct inv_index group_index, host_index;
	size_t entries;		/* host entries added, for INVENTORY_MAX_HOSTS */
	int finished;
};

#define INV_ALL 0
#define INV_UNGROUPED 1

/* An empty inventory with 'all' and 'ungrouped'; `file` is copied. */
void inventory_init(struct inventory *inv, const char *file);
void inventory_release(struct inventory *inv);

/*
 * Reads and parses the INI inventory at `path`. Returns -1 with a
 * message in `err` when the file cannot be read (errno says why; EFBIG
 * past INVENTORY_MAX_SIZE), else the number of errors added to `dl`;
 * on 0 the inventory is complete (inventory_finish has run).
 */
int inventory_load(struct inventory *inv, const char *path, struct diag_list *dl,
		   struct strbuf *err);

/* Lookups: the index, or -1 when there is no such group or host. */
long inventory_find_group(const struct inventory *inv, const char *name);
long inventory_find_host(const struct inventory *inv, const char *name);

/* Building (for ini.c). Each returns the index, creating the entry if new. */
size_t inventory_add_group(struct inventory *inv, const char *name, unsigned line);
size_t inventory_add_host(struct inventory *inv, const char *name, unsigned line, int *is_new);
/* Makes host `h` a direct member of group `g` (once). */
void inventory_group_add_host(struct inventory *inv, size_t g, size_t h);
/*
 * Makes `child` a child group of `parent` (once). Returns -1 with a
 * message in `err` for a group added to itself or a loop of groups.
 */
int inventory_add_child(struct inventory *inv, size_t parent, size_t child, struct strbuf *err);
/* Sets key=val (taking val); an existing key keeps its place. */
void inventory_set_var(struct inv_vars *vars, const char *key, struct value *val, unsigned line);
const struct inv_var *inventory_get_var(const struct inv_vars *vars, const char *key);

/*
 * What Ansible does after parsing (reconcile_inventory): groups without
 * a parent go under 'all', hosts in no group go to 'ungrouped', hosts in
 * other groups leave it; then depths and each host's group order.
 */
void inventory_finish(struct inventory *inv);

/*
 * A host's variables as Ansible resolves them: 'all', then its groups by
 * (depth, ansible_group_priority, name), then its own; sorted by key.
 * The entries point into the inventory.
 */
struct inv_resolved {
	const struct inv_var **v;
	size_t nr, alloc;
};
void inventory_resolve(const struct inventory *inv, size_t h, struct inv_resolved *out);
void inventory_resolved_release(struct inv_resolved *r);
/* One resolved variable of host `h`, or NULL. */
const struct inv_var *inventory_host_var(const struct inventory *inv, size_t h, const char *key);

/* Every host of group `g` and its descendants, in Ansible's order. */
void inventory_group_hosts(const struct inventory *inv, size_t g, size_t **hosts, size_t *nr);

/*
 * Output as `ansible-inventory` writes it: --list (with --export when
 * `export`), --host HOST, and --graph [GROUP] [--vars]. Each returns 0,
 * or -1 with a message in `err` (a value with no JSON form, a graph past
 * INVENTORY_MAX_GRAPH).
 */
int inventory_list_json(const struct inventory *inv, int export, struct strbuf *out,
			struct strbuf *err);
int inventory_host_json(const struct inventory *inv, size_t h, struct strbuf *out,
			struct strbuf *err);
int inventory_graph(const struct inventory *inv, size_t g, int vars, struct strbuf *out,
		    struct strbuf *err);

/* The small name map behind the lookups (also used by ini.c). */
int inv_index_get(const struct inv_index *ix, const char *name, size_t *value);
void inv_index_put(struct inv_index *ix, const char *name, size_t value);
void inv_index_release(struct inv_index *ix);

#endif
