#ifndef KCFG_ADDONS_H
#define KCFG_ADDONS_H

#include <stddef.h>

struct comp_ctx;
struct settings;
struct strbuf;

/*
 * What the add-on components (addons-*.c) share with the rest of kcfg:
 * the one value they cannot know at render time. (What they download is
 * in downloads.h, with every other component's downloads.)
 */

/*
 * The Exascaler StorageClasses carry the Lustre project id of their
 * filesystem, which only a worker that mounts it can tell (the original
 * ran `lfs project -d` on the first worker). kcfg renders a placeholder
 *
 *	@@kcfg-lfs-project-id:/fast@@
 *
 * in their place (here for the filesystem mounted at /fast) when the
 * filesystem's project_id is not known. plan and apply first run
 * addons_project_id_command() on the first worker for each such mount
 * point (cli/run-project-ids.c) and store what it prints as project_id;
 * a placeholder left after that stops them. addons_project_id_fill()
 * replaces placeholders in rendered text (tests, review tools).
 */
#define ADDONS_PROJECT_ID_OPEN "@@kcfg-lfs-project-id:"
#define ADDONS_PROJECT_ID_CLOSE "@@"

void addons_project_id_placeholder(struct strbuf *out, const char *mount_point);

/*
 * The POSIX sh command that prints the project id of `mount_point` (one
 * decimal number). The mount point is quoted for the shell.
 */
void addons_project_id_command(struct strbuf *out, const char *mount_point);

/* Appends `s` single-quoted for POSIX sh. */
void addons_sh_quote(struct strbuf *out, const char *s);

/* 1 when `content` still holds a placeholder. */
int addons_project_id_pending(const char *content);

/*
 * Replaces every placeholder in `content`: `lookup` is asked for the
 * project id of each mount point it names and appends it to `id`,
 * returning 0 or -1 with `err` filled. A value that is not a decimal
 * number of at most 10 digits, or a malformed placeholder, is an error.
 * Returns 0, or -1 (and `content` is left as it was).
 */
int addons_project_id_fill(struct strbuf *content,
			   int (*lookup)(const char *mount_point, struct strbuf *id,
					 void *data, struct strbuf *err),
			   void *data, struct strbuf *err);

#endif
