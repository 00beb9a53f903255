#ifndef KCFG_COMPONENTS_DOWNLOADS_H
#define KCFG_COMPONENTS_DOWNLOADS_H

#include <stddef.h>

struct comp_ctx;

/*
 * The release files kcfg uploads to hosts: fetched once into the local
 * cache (comp_cache_path(): .kcfg/cache/ beside the inventory) by `kcfg
 * fetch`, checked against their sha256 pin in cluster.yaml, and uploaded
 * from there by the component named here. One table serves the
 * components (their upload resources), fetch, and the checks plan and
 * apply make before touching a host.
 */
enum download_id {
	DL_K0S,
	DL_KUBECTL,
	DL_HELM,
	DL_HARBOR,
	DL_MPI_OPERATOR,
	DL_EXASCALER_CSI,
	DL_WHEREABOUTS_DAEMONSET,
	DL_WHEREABOUTS_IPPOOLS,
	DL_WHEREABOUTS_RESERVATIONS,
	DL_WHEREABOUTS_RECONCILER,
	DL__NR
};

struct download {
	enum download_id id;
	const char *component;	/* the component that uploads it */
	const char *what;	/* "the k0s binary", for messages */
	const char *version;	/* borrowed from the settings */
	const char *sha256;	/* the pin, borrowed; "" when not set */
	const char *pin_key;	/* "versions.k0s_sha256" */
	const char *version_key;	/* "versions.k0s" */
	int needed;		/* its component uploads it with these settings */
	char *name;		/* the file name in the cache (and on a mirror) */
	char *url;		/* where upstream publishes it */
	char *cache_path;	/* comp_cache_path() of name */
};

struct resource;
struct resource_list;

/* Fills `d` for download `id` under ctx's settings; release with download_release(). */
void download_get(const struct comp_ctx *ctx, enum download_id id, struct download *d);
void download_release(struct download *d);

/*
 * Adds the upload of download `id` to `remote_path` on the host (mode
 * `mode`, owned by root) to `out`: its local file in the cache, its pin
 * and the pin's key. Returns the resource, valid until the next add.
 */
struct resource *download_upload(const struct comp_ctx *ctx, enum download_id id,
				 struct resource_list *out, const char *remote_path,
				 unsigned mode);

#endif
