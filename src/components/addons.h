#ifndef KCFG_ADDONS_H
#define KCFG_ADDONS_H

#include <stddef.h>

struct comp_ctx;
struct settings;
struct strbuf;

/*
 * What the add-on components (addons-*.c) share with the rest of kcfg.
 * (What they download is in downloads.h, with every other component's
 * downloads; what every add-on does is in addon.h.)
 */

/*
 * The POSIX sh command that prints the Lustre project id of
 * `mount_point` (one decimal number), as the original playbook read it on
 * the first worker (`lfs project -d`). The mount point is quoted for the
 * shell. The Exascaler StorageClasses carry it (cluster-values.h).
 */
void addons_project_id_command(struct strbuf *out, const char *mount_point);

/* Appends `s` single-quoted for POSIX sh. */
void addons_sh_quote(struct strbuf *out, const char *s);

#endif
