#ifndef KCFG_COMPONENTS_HOSTS_H
#define KCFG_COMPONENTS_HOSTS_H

/*
 * Pieces of the harbor, bastion and lustre components that tests and
 * later steps (verify, the artifact fetcher) need to see.
 */

struct comp_ctx;
struct comp_host;
struct settings;
struct storage_fs;
struct strbuf;

/* Where uploads of downloaded artifacts land (the local cache: comp_cache_path()). */
#define KCFG_HOST_CACHE "/var/cache/kcfg"

/* Where the harbor component puts things on the registry host; all malloc'ed. */
struct harbor_paths {
	char *harbor_yml;		/* <install_dir>/harbor.yml */
	char *cert_dir;			/* <install_dir>/cert */
	char *cert, *key, *ca;		/* <cert_dir>/server.crt, server.key, ca.crt */
	char *installer_remote;		/* /var/cache/kcfg/harbor-online-installer-<ver>.tgz */
};

void harbor_paths_init(struct harbor_paths *p, const struct comp_ctx *ctx);
void harbor_paths_release(struct harbor_paths *p);

/*
 * Appends harbor.yml for the registry host `h` to `out` (which then holds
 * the admin and database passwords: the caller wipes it). Returns 0, or
 * -1 with a message naming the missing vault key and the vault file.
 */
int harbor_render_yml(const struct comp_ctx *ctx, const struct comp_host *h,
		      struct strbuf *out, struct strbuf *err);

/* The home of `user` on a host: /root or /home/<user>. Appends to out. */
void comp_user_home(const char *user, struct strbuf *out);

/*
 * The LNet configuration (lnetctl import YAML) of worker `h`, appended
 * to `out`. Returns 0, or -1 with a message naming the host and what to
 * set when it has no roce_host or roce_netif.
 */
int lustre_render_lnet(const struct comp_ctx *ctx, const struct comp_host *h,
		       struct strbuf *out, struct strbuf *err);
/* One /etc/fstab line for `fs`, newline included. */
void lustre_fstab_line(const struct storage_fs *fs, struct strbuf *out);

#endif
