#ifndef KCFG_EXTRAS_H
#define KCFG_EXTRAS_H

#include <stddef.h>

#include "util/strvec.h"

struct diag_list;
struct inventory;
struct strbuf;
struct ynode;
struct yemit;

/*
 * The `extras` section of cluster.yaml: what users add to their hosts on
 * top of the cluster, per inventory group ('all' included): directories,
 * files, marked blocks in shared files, absent paths, apt packages,
 * services and guarded commands. The extras component turns an entry
 * into resources for every host of its group. docs/cluster-yaml.md
 * describes the form. Everything is owned by the list.
 */
struct extra_dir {
	char *path;
	unsigned mode;		/* default 0755 */
	char *owner, *group;	/* NULL: root; group NULL: the owner's group */
};

struct extra_file {
	char *path;
	char *content;		/* may hold {{ inventory_hostname }} / {{ ansible_host }} */
	size_t len;
	char *src;		/* or: a local file sent as it is (relative: to cluster.yaml) */
	unsigned mode;		/* default 0644 */
	char *owner, *group;
	int backup;		/* keep the first replaced version as PATH.kcfg-orig */
	char *notify;		/* a handler, or NULL */
};

struct extra_block {
	char *path;
	char *marker;		/* # BEGIN kcfg MARKER ... # END kcfg MARKER */
	char *content;
	size_t len;
	int backup;
	char *notify;
};

struct extra_service {
	char *name;
	int enabled, started;	/* default both 1 */
};

struct extra_command {
	char *run;		/* a POSIX sh script, run as root */
	char *creates, *unless;	/* guards, or NULL */
	char *notify;
};

struct extras_entry {
	char *group;
	unsigned line, col;	/* of the entry, for messages */
	unsigned group_line, group_col;
	struct extra_dir *dirs;
	size_t nr_dirs, alloc_dirs;
	struct extra_file *files;
	size_t nr_files, alloc_files;
	struct extra_block *blocks;
	size_t nr_blocks, alloc_blocks;
	struct strvec absent;
	struct strvec packages, packages_absent;
	struct extra_service *services;
	size_t nr_services, alloc_services;
	struct extra_command *commands;
	size_t nr_commands, alloc_commands;
};

struct extras_list {
	struct extras_entry *v;
	size_t nr, alloc;
};

/* The most entries, and items of each kind in one entry. */
#define EXTRAS_MAX_ENTRIES 1000
#define EXTRAS_MAX_ITEMS 10000

/*
 * Parses the value of `key` (a sequence of entries; null for none) into
 * *out (released first). Every problem goes to `dl` with FILE:LINE:COL
 * from the nodes. Returns the number of errors added; *out is replaced
 * only when there were none.
 */
int extras_parse(const struct ynode *n, const char *file, const char *key,
		 struct extras_list *out, struct diag_list *dl);
void extras_release(struct extras_list *l);
/* Writes the list back as YAML that extras_parse() reads to the same list. */
void extras_emit(const struct extras_list *l, struct yemit *e);

/*
 * Checks that each entry's group exists in `inv` (`file` names
 * cluster.yaml in messages). Returns the number of errors added.
 */
int extras_check_groups(const struct extras_list *l, const char *file,
			const struct inventory *inv, struct diag_list *dl);

/*
 * Splits `text` at each {{ inventory_hostname }} and {{ ansible_host }}
 * (spaces inside the braces optional): put() gets, in order, each run of
 * text as written (`value` 0) and `host` or `address` for each of them
 * (`value` 1). Any other {{ ... }} is text.
 */
void extras_template(const char *text, size_t len, const char *host, const char *address,
		     void (*put)(void *data, const char *s, size_t n, int value), void *data);

/* Appends `text` to `out` with those two replaced by `host` and `address` as they are. */
void extras_expand(const char *text, size_t len, const char *host, const char *address,
		   struct strbuf *out);

/* Validators shared with the engine: 1 when fine. */
int extras_path_ok(const char *path);
int extras_marker_ok(const char *marker);
int extras_package_ok(const char *name);
int extras_unit_ok(const char *name);
int extras_user_ok(const char *name);
/* A handler name: "restart UNIT", "reload UNIT", "daemon-reload" or "hostname". */
int extras_notify_ok(const char *name);

/*
 * A block's text may hold no marker line (one starting "# BEGIN kcfg " or
 * "# END kcfg "): kcfg finds a block by its markers, so a block holding
 * its own end marker is read back cut short and written again around it,
 * growing the file on every apply (another block's marker moves that
 * block). Returns the 1-based number of the first such line of `text`,
 * or 0 when there is none; *at and *len (optional) give the line.
 */
#define EXTRAS_BLOCK_BEGIN "# BEGIN kcfg "
#define EXTRAS_BLOCK_END "# END kcfg "
size_t extras_block_marker_line(const char *text, size_t len, const char **at,
				size_t *line_len);

#endif
