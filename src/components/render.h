#ifndef KCFG_RENDER_H
#define KCFG_RENDER_H

#include <stddef.h>

struct comp_ctx;
struct strbuf;

/*
 * `kcfg render`: every component's resources for every host, written
 * under OUT/<host>/ as the files will sit on the host (secrets 0600),
 * plus OUT/<host>/RESOURCES, a readable list of everything else the host
 * gets (packages, services, commands, blocks, uploads). Output is
 * deterministic: the same inputs give the same bytes.
 *
 * The new tree is built beside OUT and swapped in whole, so OUT never
 * holds a mix of two renders. An existing OUT is replaced only when it is
 * empty or was made by kcfg render (it holds a .kcfg-render marker).
 */
struct render_opts {
	const char *out_dir;
	const char *only_host;		/* NULL = every host */
	const char *only_component;	/* NULL = every component */
};

struct render_stats {
	size_t hosts, files, resources;
	size_t pending;	/* files not written: they wait for a value only a host can tell */
};

int render_tree(const struct comp_ctx *ctx, const struct render_opts *opts,
		struct render_stats *stats, struct strbuf *err);

#endif
