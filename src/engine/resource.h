#ifndef KCFG_RESOURCE_H
#define KCFG_RESOURCE_H

#include <stddef.h>

#include "util/strbuf.h"
#include "util/strvec.h"

/*
 * The engine's vocabulary: what a component wants a host to have. A
 * component's desired() fills a resource_list; `kcfg render` writes the
 * file contents out, `plan` observes and diffs them, `apply` makes them
 * so. Everything in a resource is owned by it.
 */
enum resource_kind {
	RES_FILE,	/* path has exactly `content`, mode, owner */
	RES_DIR,	/* path is a directory with mode, owner */
	RES_ABSENT,	/* path does not exist */
	RES_BLOCK,	/* a marked block inside a shared file (fstab, hosts) */
	RES_PACKAGES,	/* apt packages installed (or removed, when `absent`) */
	RES_SERVICE,	/* a systemd unit enabled/started */
	RES_COMMAND,	/* a command, guarded by creates / unless */
	RES_UPLOAD,	/* a large local file copied, checked by sha256 */
	RES_HANDLER,	/* a named command run once after the rest, when notified */
};

struct resource {
	enum resource_kind kind;
	char *component;	/* the component that wants it */
	char *path;		/* file, dir, absent, block, upload target */
	struct strbuf content;	/* file body, block body */
	unsigned mode;		/* 0 = leave as is */
	char *owner;		/* NULL = root */
	char *group;
	int secret;		/* content holds secrets: masked in plans, 0600 when rendered */
	int backup;		/* keep a copy of what a write replaces */
	int links;		/* RES_FILE, RES_BLOCK: a symbolic link at `path` is replaced
				 * by the file (never followed); 0: such a link is an error */
	char *marker;		/* RES_BLOCK: "# BEGIN kcfg MARKER" / "# END kcfg MARKER" */
	struct strvec packages;	/* RES_PACKAGES */
	int absent;		/* RES_PACKAGES: remove them instead */
	char *unit;		/* RES_SERVICE */
	int enabled, started;
	char *command;		/* RES_COMMAND: a POSIX sh script, run as root */
	char *creates;		/* skip when this path exists */
	char *unless;		/* skip when this command succeeds */
	const char *needs;	/* a cluster value (static; components/cluster-values.h):
				 * RES_COMMAND: its command names it as @@kcfg:NAME@@;
				 * RES_FILE: the file is written from it (see fill) when
				 * missing, and its content then left alone */
	/* RES_FILE with needs: the content made from the value (NULL: the value) */
	void (*fill)(const char *value, const char *arg, struct strbuf *content);
	char *fill_arg;		/* fill's second argument */
	char *local_path;	/* RES_UPLOAD source */
	char *sha256;		/* RES_UPLOAD expected digest (hex) */
	const char *pin_key;	/* RES_UPLOAD of a download: the cluster.yaml key of its
				 * sha256 pin (static); an empty pin is then an error */
	char *notify;		/* handler to run once when this changes, or NULL */
	/*
	 * What its content waits for, e.g. "the Lustre project id of /fast":
	 * a value not known yet (components/cluster-values.h). Plan shows the
	 * change as waiting; it is never applied (and render leaves it out).
	 */
	char *pending;
	char *pending_value;	/* the cluster value's name, e.g. "lustre-project-id:/fast" */
	char *name;		/* RES_HANDLER: the name resources notify; runs `command` */
};

struct resource_list {
	struct resource *items;
	size_t nr, alloc;
};

#define RESOURCE_LIST_INIT { NULL, 0, 0 }

/*
 * Appends a new, zeroed resource of `kind` for `component` and returns it
 * for the caller to fill in. The pointer is valid until the next add.
 */
struct resource *resource_add(struct resource_list *rl, enum resource_kind kind,
			      const char *component);
/* A file resource with its content, in one call. */
struct resource *resource_add_file(struct resource_list *rl, const char *component,
				   const char *path, const char *content, size_t len,
				   unsigned mode);
void resource_list_release(struct resource_list *rl);

/* "file", "dir", ... for messages and plans. */
const char *resource_kind_name(enum resource_kind kind);
/* A short stable id like "file:/etc/hosts" or "service:k0scontroller", into out. */
void resource_describe(const struct resource *r, struct strbuf *out);

#endif
