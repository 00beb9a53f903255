/*
 * harbor (group registry): docker and docker compose from apt, the pinned
 * Harbor online installer unpacked under registry.install_dir, harbor.yml
 * written whole by kcfg, the server certificate and key from the PKI, and
 * `install.sh` (which runs `prepare`) only when harbor.yml, the
 * certificates or the installer changed, or Harbor is not running.
 *
 * The reinstall is guarded by a stamp of what Harbor was last installed
 * with, not by a notified handler: a run cut short after harbor.yml was
 * written still reinstalls on the next one, where a handler would be
 * forgotten.
 */
#include <stdlib.h>
#include <string.h>

#include "components/cluster-view.h"
#include "components/component.h"
#include "components/downloads.h"
#include "components/hosts.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/facts.h"
#include "engine/resource.h"
#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "vault/secrets.h"
#include "engine/preflight.h"
#include "util/banned.h"

/* Room reserved up front so harbor.yml never moves while holding passwords. */
#define HARBOR_YML_RESERVE (64u << 10)

/* Harbor's containers when installed without optional components. */
static const char *const harbor_containers[] = {
	"harbor-log", "registry", "registryctl", "harbor-db", "harbor-core",
	"harbor-portal", "harbor-jobservice", "redis", "nginx",
};

void harbor_paths_init(struct harbor_paths *p, const struct comp_ctx *ctx)
{
	const struct settings *s = ctx->settings;
	const char *dir = s->registry.install_dir;
	struct download d;

	p->harbor_yml = xstrfmt("%s/harbor.yml", dir);
	p->cert_dir = xstrfmt("%s/cert", dir);
	p->cert = xstrfmt("%s/cert/server.crt", dir);
	p->key = xstrfmt("%s/cert/server.key", dir);
	p->ca = xstrfmt("%s/cert/ca.crt", dir);
	download_get(ctx, DL_HARBOR, &d);
	p->installer_remote = xstrfmt(KCFG_HOST_CACHE "/%s", d.name);
	download_release(&d);
}

void harbor_paths_release(struct harbor_paths *p)
{
	free(p->harbor_yml);
	free(p->cert_dir);
	free(p->cert);
	free(p->key);
	free(p->ca);
	free(p->installer_remote);
	memset(p, 0, sizeof(*p));
}

/*
 * harbor.yml's `_version` is the release line the installer expects:
 * "v2.15.2" -> "2.15.0". Returns 0, or -1 when it is not a 2.x release.
 */
static int harbor_cfg_version(const char *version, struct strbuf *out)
{
	const char *p = version + (*version == 'v');
	char *end;
	long major, minor;

	major = strtol(p, &end, 10);
	if (end == p || *end != '.' || major != 2)
		return -1;
	p = end + 1;
	minor = strtol(p, &end, 10);
	if (end == p || minor < 0 || (*end && *end != '.'))
		return -1;
	strbuf_addf(out, "%ld.%ld.0", major, minor);
	return 0;
}

/* The vault secret named `key`, or -1 with a message naming the key and file. */
static const struct secret *vault_secret(const struct comp_ctx *ctx, const struct comp_host *h,
					 const struct secret *s, const char *key,
					 struct strbuf *err)
{
	const char *vault = ctx->vault_file ? ctx->vault_file : "vault.yaml";

	if (!ctx->secrets) {
		strbuf_addf(err, "host '%s': harbor.yml needs '%s' from the vault, and no vault "
			    "was loaded: give it with --vault FILE (default: vault.yaml beside "
			    "the inventory)", h->name, key);
		return NULL;
	}
	if (!secret_is_set(s)) {
		strbuf_addf(err, "host '%s': '%s' is not set in '%s': add it with "
			    "'kcfg vault edit %s'", h->name, key, vault, vault);
		return NULL;
	}
	return s;
}

static void key_str(struct yemit *e, const char *key, const char *value)
{
	yemit_key(e, key);
	yemit_str(e, value);
}

static void key_int(struct yemit *e, const char *key, long long value)
{
	yemit_key(e, key);
	yemit_int(e, value);
}

static void key_bool(struct yemit *e, const char *key, int value)
{
	yemit_key(e, key);
	yemit_bool(e, value);
}

static void key_secret(struct yemit *e, const char *key, const struct secret *s)
{
	yemit_key(e, key);
	yemit_strn(e, (const char *)s->buf, s->len);
}

/* The sections of Harbor 2.x's harbor.yml.tmpl that are not ours to choose. */
static void emit_fixed_sections(struct yemit *e)
{
	yemit_key(e, "trivy");
	yemit_map_begin(e);
	key_bool(e, "ignore_unfixed", 0);
	key_bool(e, "skip_update", 0);
	key_bool(e, "skip_java_db_update", 0);
	key_bool(e, "offline_scan", 0);
	key_str(e, "security_check", "vuln");
	key_bool(e, "insecure", 0);
	key_str(e, "timeout", "5m0s");
	yemit_map_end(e);

	yemit_key(e, "jobservice");
	yemit_map_begin(e);
	key_int(e, "max_job_workers", 10);
	key_int(e, "max_job_duration_hours", 24);
	yemit_key(e, "job_loggers");
	yemit_seq_begin(e);
	yemit_str(e, "STD_OUTPUT");
	yemit_str(e, "FILE");
	yemit_seq_end(e);
	key_int(e, "logger_sweeper_duration", 1);
	yemit_map_end(e);

	yemit_key(e, "notification");
	yemit_map_begin(e);
	key_int(e, "webhook_job_max_retry", 3);
	key_int(e, "webhook_job_http_client_timeout", 3);
	yemit_map_end(e);

	yemit_key(e, "log");
	yemit_map_begin(e);
	key_str(e, "level", "info");
	yemit_key(e, "local");
	yemit_map_begin(e);
	key_int(e, "rotate_count", 50);
	key_str(e, "rotate_size", "200M");
	key_str(e, "location", "/var/log/harbor");
	yemit_map_end(e);
	yemit_map_end(e);
}

static void emit_tail_sections(struct yemit *e)
{
	yemit_key(e, "proxy");
	yemit_map_begin(e);
	yemit_key(e, "http_proxy");
	yemit_null(e);
	yemit_key(e, "https_proxy");
	yemit_null(e);
	yemit_key(e, "no_proxy");
	yemit_null(e);
	yemit_key(e, "components");
	yemit_seq_begin(e);
	yemit_str(e, "core");
	yemit_str(e, "jobservice");
	yemit_str(e, "trivy");
	yemit_seq_end(e);
	yemit_map_end(e);

	yemit_key(e, "upload_purging");
	yemit_map_begin(e);
	key_bool(e, "enabled", 1);
	key_str(e, "age", "168h");
	key_str(e, "interval", "24h");
	key_bool(e, "dryrun", 0);
	yemit_map_end(e);

	yemit_key(e, "cache");
	yemit_map_begin(e);
	key_bool(e, "enabled", 0);
	key_int(e, "expire_hours", 24);
	yemit_map_end(e);
}

int harbor_render_yml(const struct comp_ctx *ctx, const struct comp_host *h,
		      struct strbuf *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	const struct secret *admin, *db;
	struct strbuf version = STRBUF_INIT;
	struct harbor_paths p;
	struct yemit e;
	int ret;

	if (harbor_cfg_version(s->versions.harbor, &version) < 0) {
		strbuf_addf(err, "versions.harbor '%s' is not a Harbor 2.x release: kcfg writes "
			    "harbor.yml in the 2.x format; set a release like v2.15.2",
			    s->versions.harbor);
		return -1;
	}
	admin = vault_secret(ctx, h, ctx->secrets ? &ctx->secrets->harbor_admin_password : NULL,
			     cluster_secret_names[0], err);
	db = admin ? vault_secret(ctx, h, &ctx->secrets->harbor_db_password,
				  cluster_secret_names[1], err) : NULL;
	if (!db) {
		strbuf_release(&version);
		return -1;
	}

	harbor_paths_init(&p, ctx);
	strbuf_addf(out, "# Written by kcfg: Harbor %s's configuration, whole. Changes here are\n"
		    "# replaced on the next apply; set them in cluster.yaml and vault.yaml.\n",
		    s->versions.harbor);
	yemit_init(&e, out);
	yemit_map_begin(&e);
	key_str(&e, "hostname", s->registry.name);
	yemit_key(&e, "http");
	yemit_map_begin(&e);
	key_int(&e, "port", 80);
	yemit_map_end(&e);
	yemit_key(&e, "https");
	yemit_map_begin(&e);
	key_int(&e, "port", 443);
	key_str(&e, "certificate", p.cert);
	key_str(&e, "private_key", p.key);
	yemit_map_end(&e);
	key_secret(&e, "harbor_admin_password", admin);
	yemit_key(&e, "database");
	yemit_map_begin(&e);
	key_secret(&e, "password", db);
	key_int(&e, "max_idle_conns", 100);
	key_int(&e, "max_open_conns", 900);
	key_str(&e, "conn_max_lifetime", "5m");
	key_int(&e, "conn_max_idle_time", 0);
	yemit_map_end(&e);
	key_str(&e, "data_volume", s->registry.data_volume);
	emit_fixed_sections(&e);
	key_str(&e, "_version", version.buf);
	emit_tail_sections(&e);
	yemit_map_end(&e);
	ret = yemit_finish(&e, err);
	harbor_paths_release(&p);
	strbuf_release(&version);
	return ret;
}

/*
 * docker compose v2 is packaged as docker-compose-v2 from Ubuntu 22.04 on.
 * Debian has no docker-compose-v2: its docker-compose (1.29 in bookworm,
 * v2 from trixie on) is what Harbor's installer takes (goharbor/harbor
 * make/common.sh, check_dockercompose: docker-compose 1.18.0+ or the
 * `docker compose` plugin).
 */
static const char *compose_package(const struct comp_host *h)
{
	const struct facts *f = h->facts;

	if (f && f->os_id && !strcmp(f->os_id, "debian"))
		return "docker-compose";
	if (f && f->os_id && !strcmp(f->os_id, "ubuntu") && f->os_version &&
	    strtol(f->os_version, NULL, 10) < 22)
		return "docker-compose";
	return "docker-compose-v2";
}

/* What Harbor was installed with: the release and each input's digest. */
static void stamp_script(const struct settings *s, const struct harbor_paths *p,
			 struct strbuf *out)
{
	strbuf_addstr(out, "{ printf '%s\\n' ");
	sq_quote(out, s->versions.harbor);
	strbuf_addstr(out, " && sha256sum ");
	sq_quote(out, p->harbor_yml);
	strbuf_addch(out, ' ');
	sq_quote(out, p->cert);
	strbuf_addch(out, ' ');
	sq_quote(out, p->key);
	strbuf_addstr(out, "; }");
}

static void add_installer(const struct comp_ctx *ctx, const struct harbor_paths *p,
			  struct resource_list *out)
{
	const struct settings *s = ctx->settings;
	struct strbuf cmd = STRBUF_INIT, mark = STRBUF_INIT;
	struct resource *r;

	download_upload(ctx, DL_HARBOR, out, p->installer_remote, 0644);

	/* the tarball's top folder is harbor/: strip it so install_dir may be anything */
	strbuf_addf(&mark, "%s/.kcfg-installer-%s", s->registry.install_dir, s->versions.harbor);
	strbuf_addstr(&cmd, "tar -xzf ");
	sq_quote(&cmd, p->installer_remote);
	strbuf_addstr(&cmd, " -C ");
	sq_quote(&cmd, s->registry.install_dir);
	strbuf_addstr(&cmd, " --strip-components=1 --no-same-owner && touch ");
	sq_quote(&cmd, mark.buf);
	r = resource_add(out, RES_COMMAND, "harbor");
	r->command = strbuf_detach(&cmd, NULL);
	r->creates = strbuf_detach(&mark, NULL);
}

static void add_install(const struct comp_ctx *ctx, const struct harbor_paths *p,
			struct resource_list *out)
{
	const struct settings *s = ctx->settings;
	struct strbuf cmd = STRBUF_INIT, unless = STRBUF_INIT, stamp = STRBUF_INIT;
	struct strbuf dir = STRBUF_INIT;
	struct resource *r;

	sq_quote(&dir, s->registry.install_dir);
	stamp_script(s, p, &stamp);

	/* install.sh runs prepare, stops a running Harbor and starts the new one */
	strbuf_addf(&cmd, "cd %s && ./install.sh && umask 077 && %s > .kcfg-installed.new && "
		    "mv .kcfg-installed.new .kcfg-installed", dir.buf, stamp.buf);

	strbuf_addf(&unless, "cd %s && %s | cmp -s - .kcfg-installed && "
		    "test \"$(docker inspect -f '{{.State.Running}}'", dir.buf, stamp.buf);
	for (size_t i = 0; i < ARRAY_SIZE(harbor_containers); i++)
		strbuf_addf(&unless, " %s", harbor_containers[i]);
	strbuf_addf(&unless, " 2>/dev/null | grep -c '^true$')\" -eq %zu",
		    ARRAY_SIZE(harbor_containers));

	r = resource_add(out, RES_COMMAND, "harbor");
	r->command = strbuf_detach(&cmd, NULL);
	r->unless = strbuf_detach(&unless, NULL);
	strbuf_release(&stamp);
	strbuf_release(&dir);
}

static int harbor_desired(const struct component *self, const struct comp_ctx *ctx, const struct comp_host *h,
			  struct resource_list *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct harbor_paths p;
	struct resource *r;

	if (!ctx->registry_ca_pem || !ctx->registry_cert_pem || !ctx->registry_key_pem) {
		strbuf_addf(err, "host '%s': the registry certificate is not available; it is "
			    "made when the vault password is given", h->name);
		return -1;
	}
	harbor_paths_init(&p, ctx);

	r = resource_add(out, RES_PACKAGES, "harbor");
	strvec_push(&r->packages, "docker.io");
	strvec_push(&r->packages, compose_package(h));
	r = resource_add(out, RES_SERVICE, "harbor");
	r->unit = xstrdup("docker");
	r->enabled = r->started = 1;

	r = resource_add(out, RES_DIR, "harbor");
	r->path = xstrdup(s->registry.install_dir);
	r->mode = 0755;
	r = resource_add(out, RES_DIR, "harbor");
	r->path = xstrdup(p.cert_dir);
	r->mode = 0700;
	add_installer(ctx, &p, out);

	/* written in place: the passwords are never copied through another buffer */
	r = resource_add(out, RES_FILE, "harbor");
	r->path = xstrdup(p.harbor_yml);
	r->mode = 0600;
	r->secret = 1;
	strbuf_grow(&r->content, HARBOR_YML_RESERVE);
	if (harbor_render_yml(ctx, h, &r->content, err) < 0) {
		harbor_paths_release(&p);
		return -1;
	}

	resource_add_file(out, "harbor", p.ca, ctx->registry_ca_pem,
			  strlen(ctx->registry_ca_pem), 0644);
	resource_add_file(out, "harbor", p.cert, ctx->registry_cert_pem,
			  strlen(ctx->registry_cert_pem), 0644);
	r = resource_add(out, RES_FILE, "harbor");
	r->path = xstrdup(p.key);
	r->mode = 0600;
	r->secret = 1;
	strbuf_add(&r->content, ctx->registry_key_pem, strlen(ctx->registry_key_pem));

	add_install(ctx, &p, out);
	harbor_paths_release(&p);
	return 0;
}

/*
 * Harbor's proxy publishes 80 and 443 on the registry (harbor.yml's
 * http/https ports); docker's userland proxy holds them once it runs.
 */
static const unsigned harbor_ports[] = { 80, 443 };
static const char *const harbor_processes[] = { "docker-proxy", NULL };

static int harbor_check(const struct component *self, const struct comp_ctx *ctx,
			const struct comp_host *h, struct diag_list *found)
{
	const struct settings *s = ctx->settings;

	if (!h->preflight)
		return 0;
	preflight_check_ports(h->preflight, harbor_ports, 2, harbor_processes, "Harbor", found);
	preflight_check_disk(h->preflight, s->registry.data_volume,
			     s->preflight.registry_disk.value, "Harbor's data volume",
			     "preflight.registry_disk", found);
	(void)self;
	return 0;
}

const struct component component_harbor = {
	"harbor", "the Harbor registry: docker, installer, harbor.yml, certificate",
	COMP_ROLE_REGISTRY, COMP_PHASE_HOSTS, harbor_desired, harbor_check, harbor_verify,
};
