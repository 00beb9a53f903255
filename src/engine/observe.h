#ifndef KCFG_OBSERVE_H
#define KCFG_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"
#include "util/strvec.h"

struct resource_list;

/*
 * Observe: ONE POSIX sh script per host reads the current state of all
 * of that host's resources in one round trip, and observe_parse() turns
 * its output into a struct observed, parallel to the resource list.
 *
 * The output is line records, fields separated by tabs; a path, a
 * package name or raw text is always the last field. docs/engine.md
 * describes every record:
 *
 *   kcfg-observe 1                         header
 *   P TYPE MODE OWNER GROUP SIZE PATH      stat of a managed path
 *   H SHA256 PATH                          a regular file's digest
 *   C BASE64 PATH                          a file's current content: only
 *                                          when it differs, is not secret
 *                                          and is small
 *   B IDX FOUND                            a block's markers found (0/1)
 *   L IDX TEXT                             one line inside a block
 *   K STATUS PACKAGE                       dpkg's status ("ii ", "rc ")
 *   S IDX LOAD UNITFILE ACTIVE             a service's states
 *   X IDX CREATES UNLESS                   a command's guards: 1/0/-, exit status/-
 *   N NAME                                 a handler left pending by an
 *                                          interrupted apply
 *   end                                    trailer: the output is complete
 *
 * Managed paths may not hold control characters or backslashes (the
 * resource check in diff.c refuses them), so every record is one line.
 */

#define OBSERVE_MAX_OUTPUT (4u << 20)	/* the whole output parsed */
#define OBSERVE_CONTENT_MAX (64u << 10)	/* bytes of a file's content fetched for a diff */
#define OBSERVE_CONTENT_FILES 24	/* files whose content one observe fetches */
#define OBSERVE_BLOCK_MAX (256u << 10)	/* bytes of one block kept */

/* Where kcfg keeps handlers notified but not yet run, on each host. */
#define OBSERVE_PENDING_FILE "/var/lib/kcfg/handlers.pending"

enum obs_type { OBS_MISSING, OBS_FILE, OBS_DIR, OBS_LINK, OBS_OTHER };

/* One path as stat saw it. */
struct obs_path {
	enum obs_type type;
	unsigned mode;		/* permission bits */
	char *owner, *group;	/* names ("UNKNOWN" when the id has none) */
	uint64_t size;
	char sha[65];		/* "" unless hashed */
};

/* The state of one resource; fields by kind. */
struct obs_item {
	struct obs_path st;		/* file, dir, absent, block's file, upload */
	int have_content;		/* file: `content` holds the current text */
	struct strbuf content;
	int block_found;		/* block: both markers found */
	int block_too_large;		/* block text went past OBSERVE_BLOCK_MAX */
	struct strbuf block;		/* block: the lines between the markers */
	unsigned char *pkg_present;	/* packages: per package, installed (1) or not */
	char *load, *unit_file, *active;	/* service: LoadState, UnitFileState, ActiveState */
	int creates;			/* command: creates path exists (1/0), -1 unguarded */
	int unless;			/* command: unless exit status, -1 unguarded */
	int seen;			/* a record answered for it */
};

struct observed {
	struct obs_item *items;		/* parallel to the resource list */
	size_t nr;
	struct strvec pending;		/* handlers left pending on the host */
};

void observed_release(struct observed *obs);

/* sha256 of a buffer as 64 lowercase hex digits. */
void observe_sha256_hex(const void *data, size_t len, char hex[65]);

/*
 * Appends the observe script for `rl` to `script`. Returns 0, or -1
 * with a message in `err` when a resource cannot be observed (e.g. a
 * path kcfg refuses to manage).
 */
int observe_script(const struct resource_list *rl, struct strbuf *script, struct strbuf *err);

/*
 * Parses the script's output for `rl` into *obs (released first).
 * Robust to any bytes: returns 0, or -1 with "probe line N: problem" in
 * `err`; *obs is written only on success.
 */
int observe_parse(const struct resource_list *rl, const char *out, size_t len,
		  struct observed *obs, struct strbuf *err);

#endif
