#ifndef KCFG_DIFF_H
#define KCFG_DIFF_H

#include <stddef.h>

#include "util/strbuf.h"
#include "util/strvec.h"

struct observed;
struct resource;
struct resource_list;

/*
 * Diff: what must change on one host, from its desired resources and
 * what observe found there. The result is an ordered list of changes
 * (resource order; a systemd daemon-reload after unit files changed,
 * before anything that may use them; notified handlers last, once each).
 * `kcfg plan` prints it (plan.c); `kcfg apply` makes it (apply.c).
 */
enum change_kind {
	CH_FILE,		/* write a file whole: new, or other content */
	CH_ATTRS,		/* mode or owner of a file, dir or upload, in place */
	CH_DIR,			/* create a directory */
	CH_ABSENT,		/* remove a path */
	CH_BLOCK,		/* insert or replace a marked block */
	CH_INSTALL,		/* apt-get install `packages` */
	CH_REMOVE,		/* apt-get remove `packages` */
	CH_SERVICE,		/* enable/disable, start/stop (CHG_* bits) */
	CH_COMMAND,		/* run a command */
	CH_UPLOAD,		/* send a local file */
	CH_DAEMON_RELOAD,	/* systemctl daemon-reload */
	CH_HANDLER,		/* run a notified handler */
	CH_PENDING,		/* a resource whose content waits for a value: never applied */
};

/* What a change does, in `what`. */
#define CHG_CREATE	(1u << 0)	/* the path does not exist yet */
#define CHG_CONTENT	(1u << 1)
#define CHG_MODE	(1u << 2)
#define CHG_OWNER	(1u << 3)
#define CHG_TYPE	(1u << 4)	/* replaces something that is not a regular file */
#define CHG_ENABLE	(1u << 5)
#define CHG_DISABLE	(1u << 6)
#define CHG_START	(1u << 7)
#define CHG_STOP	(1u << 8)

enum change_state {
	CHANGE_PLANNED,		/* not made (yet) */
	CHANGE_DONE,
	CHANGE_SKIPPED,		/* a guard held by the time it ran */
	CHANGE_FAILED,
	CHANGE_UNKNOWN,		/* its step was running when the host went away */
};

#define CHANGE_NO_RESOURCE ((size_t)-1)

struct change {
	enum change_kind kind;
	size_t res;		/* index in the resource list, or CHANGE_NO_RESOURCE */
	unsigned what;		/* CHG_* */
	unsigned mode;		/* the mode to set (file, dir, attrs, upload) */
	char *owner;		/* "user:group" or "user:" to set */
	unsigned old_mode;	/* what the host has, for messages */
	char *old_owner;	/* "user:group" on the host, or NULL */
	struct strvec packages;	/* CH_INSTALL, CH_REMOVE */
	char *handler;		/* CH_HANDLER: its name */
	char *command;		/* CH_HANDLER: what it runs */
	char *notified_by;	/* CH_HANDLER: the first resource that notified it */
	int pending;		/* CH_HANDLER: left pending by an earlier apply */
	struct strbuf diff;	/* CH_FILE, CH_BLOCK: a unified diff, or a note */
	enum change_state state;	/* set by apply */
	struct strbuf error;	/* CHANGE_FAILED: why */
};

struct host_plan {
	struct change *v;
	size_t nr, alloc;
	size_t resources;	/* resources compared (handlers not counted) */
	size_t unchanged;	/* of those, already as wanted */
};

#define HOST_PLAN_INIT { NULL, 0, 0, 0, 0 }

/*
 * Compares `rl` with `obs` (parallel to it) for `host` (used in the diff
 * labels). Returns 0 and fills *plan (released first), or -1 with a
 * message in `err`: a resource notifies a handler that does not exist,
 * or an upload's local file is missing.
 */
int diff_host(const char *host, const struct resource_list *rl,
	      const struct observed *obs, struct host_plan *plan, struct strbuf *err);
void host_plan_release(struct host_plan *plan);

/* Changes still to make (every change counts once; handlers too). */
size_t host_plan_changes(const struct host_plan *plan);

/*
 * The command a handler name runs: a RES_HANDLER of that name in `rl`,
 * else "restart UNIT", "reload UNIT", "daemon-reload" or "hostname".
 * Returns a malloc'ed command, or NULL when there is no such handler.
 */
char *diff_handler_command(const struct resource_list *rl, const char *name);

/*
 * Two resources of one host that manage the same path (files, blocks
 * with the same marker, absent paths, uploads; directories that want
 * different modes or owners) are a conflict: the host could never
 * settle. Returns 0, or -1 naming both in `err`.
 */
int diff_check_conflicts(const struct resource_list *rl, struct strbuf *err);

/* 1 when `path` is a systemd unit file or drop-in (a change needs daemon-reload). */
int diff_is_unit_path(const char *path);

/* The owner and group a resource wants, as "user:group" ("root:root" by default). */
void diff_owner_spec(const struct resource *r, struct strbuf *out);

#endif
