/*
 * Unit tests for the harbor, bastion and lustre components: their
 * resources for the mdx example cluster, harbor.yml read back through
 * the YAML parser (passwords that need quoting come back unchanged), the
 * LNet configuration and fstab block of a worker, the errors that name
 * the host or vault key to fix, and that no secret reaches any rendered
 * file but harbor.yml and the registry's server key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "components/cluster-values.h"
#include "components/hosts.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/facts.h"
#include "engine/resource.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "vault/secrets.h"

#define CA_PEM "-----BEGIN CERTIFICATE-----\nTESTCA\n-----END CERTIFICATE-----\n"
#define CERT_PEM "-----BEGIN CERTIFICATE-----\nTESTSERVER\n-----END CERTIFICATE-----\n"
#define KEY_PEM "-----BEGIN PRIVATE KEY-----\nKEYSECRETBYTES\n-----END PRIVATE KEY-----\n"

/* The hosts of examples/mdx/inventory.ini. */
static const struct {
	const char *name, *addr, *roce;
	unsigned roles;
} mdx[] = {
	{ "bastion", "10.18.20.10", NULL, COMP_ROLE_BASTION },
	{ "harbor", "10.18.20.11", NULL, COMP_ROLE_REGISTRY },
	{ "kube-master", "10.18.20.12", NULL, COMP_ROLE_MASTER },
	{ "kube-node1", "10.18.20.21", "10.146.18.21", COMP_ROLE_NODE },
	{ "kube-node2", "10.18.20.22", "10.146.18.22", COMP_ROLE_NODE },
	{ "kube-gpu1", "10.18.20.31", "10.146.18.31", COMP_ROLE_GPU },
	{ "kube-gpu2", "10.18.20.32", "10.146.18.32", COMP_ROLE_GPU },
};
#define NR_MDX (sizeof(mdx) / sizeof(mdx[0]))

struct fixture {
	struct settings s;
	struct cluster_secrets secrets;
	struct facts facts[NR_MDX];
	struct comp_host hosts[NR_MDX];
	struct comp_ctx ctx;
	struct resource_list rl;
	struct strbuf err;
};

static void set_secret(struct secret *s, const char *value)
{
	secret_release(s);
	secret_add(s, value, strlen(value));
}

static void set_str(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	struct strbuf path = STRBUF_INIT;

	settings_init_defaults(&fx->s);
	fx->secrets = (struct cluster_secrets)CLUSTER_SECRETS_INIT;
	set_secret(&fx->secrets.harbor_admin_password, "Adm1n-pass");
	set_secret(&fx->secrets.harbor_db_password, "Db-pass-2");
	for (size_t i = 0; i < NR_MDX; i++) {
		struct comp_host *h = &fx->hosts[i];

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/examples/mdx/facts/%s.json", KCFG_SRCDIR, mdx[i].name);
		if (facts_load_file(path.buf, &fx->facts[i], &fx->err) < 0)
			fail_msg("%s", fx->err.buf);
		h->name = mdx[i].name;
		h->address = mdx[i].addr;
		h->roce_address = mdx[i].roce;
		h->roce_netif = mdx[i].roce ? "ens192" : NULL;
		h->roles = mdx[i].roles;
		h->facts = &fx->facts[i];
	}
	fx->ctx.settings = &fx->s;
	fx->ctx.secrets = &fx->secrets;
	fx->ctx.hosts = fx->hosts;
	fx->ctx.nr_hosts = NR_MDX;
	fx->ctx.registry_ca_pem = CA_PEM;
	fx->ctx.registry_cert_pem = CERT_PEM;
	fx->ctx.registry_key_pem = KEY_PEM;
	fx->ctx.vault_file = "site/vault.yaml";
	strbuf_release(&path);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	resource_list_release(&fx->rl);
	strbuf_release(&fx->err);
	for (size_t i = 0; i < NR_MDX; i++)
		facts_release(&fx->facts[i]);
	cluster_secrets_release(&fx->secrets);
	settings_release(&fx->s);
	free(fx);
	return 0;
}

static const struct comp_host *host(struct fixture *fx, const char *name)
{
	for (size_t i = 0; i < NR_MDX; i++)
		if (!strcmp(fx->hosts[i].name, name))
			return &fx->hosts[i];
	fail_msg("no host %s", name);
	return NULL;
}

/* Runs one component for one host into fx->rl (emptied first); returns its result. */
static int run(struct fixture *fx, const struct component *c, const char *name)
{
	resource_list_release(&fx->rl);
	strbuf_reset(&fx->err);
	return comp_desired(c, &fx->ctx, host(fx, name), &fx->rl, &fx->err);
}

static const struct resource *find(const struct resource_list *rl, enum resource_kind kind,
				   const char *path)
{
	for (size_t i = 0; i < rl->nr; i++) {
		const struct resource *r = &rl->items[i];
		if (r->kind != kind)
			continue;
		if (!path || (r->path && !strcmp(r->path, path)))
			return r;
	}
	return NULL;
}

static const struct resource *must_find(const struct resource_list *rl,
					enum resource_kind kind, const char *path)
{
	const struct resource *r = find(rl, kind, path);

	if (!r)
		fail_msg("no %s resource %s", resource_kind_name(kind), path ? path : "");
	return r;
}

/* The first command whose script contains `needle`. */
static const struct resource *find_command(const struct resource_list *rl, const char *needle)
{
	for (size_t i = 0; i < rl->nr; i++)
		if (rl->items[i].kind == RES_COMMAND && strstr(rl->items[i].command, needle))
			return &rl->items[i];
	fail_msg("no command containing %s", needle);
	return NULL;
}

static const char *scalar(const struct ynode *root, const char *k1, const char *k2)
{
	const struct ynode *n = ynode_map_get(root, k1);

	if (k2)
		n = ynode_map_get(n, k2);
	assert_non_null(n);
	assert_int_equal(n->type, YNODE_SCALAR);
	return n->value;
}

/* ---- harbor ---- */

static const char expected_harbor_yml[] =
	"# Written by kcfg: Harbor v2.15.2's configuration, whole. Changes here are\n"
	"# replaced on the next apply; set them in cluster.yaml and vault.yaml.\n"
	"hostname: harbor.internal\n"
	"http:\n"
	"  port: 80\n"
	"https:\n"
	"  port: 443\n"
	"  certificate: /opt/harbor/cert/server.crt\n"
	"  private_key: /opt/harbor/cert/server.key\n"
	"harbor_admin_password: Adm1n-pass\n"
	"database:\n"
	"  password: Db-pass-2\n"
	"  max_idle_conns: 100\n"
	"  max_open_conns: 900\n"
	"  conn_max_lifetime: 5m\n"
	"  conn_max_idle_time: 0\n"
	"data_volume: /data\n"
	"trivy:\n"
	"  ignore_unfixed: false\n"
	"  skip_update: false\n"
	"  skip_java_db_update: false\n"
	"  offline_scan: false\n"
	"  security_check: vuln\n"
	"  insecure: false\n"
	"  timeout: 5m0s\n"
	"jobservice:\n"
	"  max_job_workers: 10\n"
	"  max_job_duration_hours: 24\n"
	"  job_loggers:\n"
	"  - STD_OUTPUT\n"
	"  - FILE\n"
	"  logger_sweeper_duration: 1\n"
	"notification:\n"
	"  webhook_job_max_retry: 3\n"
	"  webhook_job_http_client_timeout: 3\n"
	"log:\n"
	"  level: info\n"
	"  local:\n"
	"    rotate_count: 50\n"
	"    rotate_size: 200M\n"
	"    location: /var/log/harbor\n"
	"_version: 2.15.0\n"
	"proxy:\n"
	"  http_proxy: null\n"
	"  https_proxy: null\n"
	"  no_proxy: null\n"
	"  components:\n"
	"  - core\n"
	"  - jobservice\n"
	"  - trivy\n"
	"upload_purging:\n"
	"  enabled: true\n"
	"  age: 168h\n"
	"  interval: 24h\n"
	"  dryrun: false\n"
	"cache:\n"
	"  enabled: false\n"
	"  expire_hours: 24\n";

static void test_harbor_yml_exact(void **state)
{
	struct fixture *fx = *state;
	const struct resource *r;

	assert_int_equal(run(fx, &component_harbor, "harbor"), 0);
	r = must_find(&fx->rl, RES_FILE, "/opt/harbor/harbor.yml");
	assert_string_equal(r->content.buf, expected_harbor_yml);
	assert_int_equal(r->mode, 0600);
	assert_true(r->secret);
}

static void test_harbor_yml_tricky_passwords_round_trip(void **state)
{
	static const char *const tricky[] = {
		"a: b # c", "yes", "123", "- dash", "{x: y}", "'single\"double", " lead",
		"trail ", "null", "~", "@at", "%pct", "!tag", "*star", "&amp", "multi\nline",
		"tab\there", "back\\slash", "uni\xc3\xa9", "0x1F", "1e3", "---", "[a, b]",
	};
	struct fixture *fx = *state;

	set_str(&fx->s.registry.data_volume, "/srv/harbor data#1");
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		const char *other = tricky[(i + 1) % (sizeof(tricky) / sizeof(tricky[0]))];
		struct diag_list dl = DIAG_LIST_INIT;
		struct ydoc doc = YDOC_INIT;
		const struct resource *r;

		set_secret(&fx->secrets.harbor_admin_password, tricky[i]);
		set_secret(&fx->secrets.harbor_db_password, other);
		assert_int_equal(run(fx, &component_harbor, "harbor"), 0);
		r = must_find(&fx->rl, RES_FILE, "/opt/harbor/harbor.yml");
		if (ydoc_parse(&doc, "harbor.yml", r->content.buf, r->content.len, &dl) < 0)
			fail_msg("harbor.yml does not parse with password %s", tricky[i]);
		assert_string_equal(scalar(doc.root, "harbor_admin_password", NULL), tricky[i]);
		assert_int_equal(yscalar_kind(ynode_map_get(doc.root, "harbor_admin_password")),
				 YKIND_STR);
		assert_string_equal(scalar(doc.root, "database", "password"), other);
		assert_string_equal(scalar(doc.root, "hostname", NULL), "harbor.internal");
		assert_string_equal(scalar(doc.root, "data_volume", NULL), "/srv/harbor data#1");
		assert_string_equal(scalar(doc.root, "https", "private_key"),
				    "/opt/harbor/cert/server.key");
		assert_string_equal(scalar(doc.root, "_version", NULL), "2.15.0");
		ydoc_release(&doc);
		diag_release(&dl);
	}
}

static void test_harbor_missing_password_names_key_and_vault(void **state)
{
	struct fixture *fx = *state;

	secret_release(&fx->secrets.harbor_db_password);
	assert_int_equal(run(fx, &component_harbor, "harbor"), -1);
	assert_string_equal(fx->err.buf,
		"host 'harbor': 'harbor_db_password' is not set in 'site/vault.yaml': "
		"add it with 'kcfg vault edit site/vault.yaml'");

	secret_release(&fx->secrets.harbor_admin_password);
	assert_int_equal(run(fx, &component_harbor, "harbor"), -1);
	assert_string_equal(fx->err.buf,
		"host 'harbor': 'harbor_admin_password' is not set in 'site/vault.yaml': "
		"add it with 'kcfg vault edit site/vault.yaml'");

	fx->ctx.secrets = NULL;
	assert_int_equal(run(fx, &component_harbor, "harbor"), -1);
	assert_string_equal(fx->err.buf,
		"host 'harbor': harbor.yml needs 'harbor_admin_password' from the vault, and "
		"no vault was loaded: give it with --vault FILE (default: vault.yaml beside "
		"the inventory)");
}

static void test_harbor_resources(void **state)
{
	struct fixture *fx = *state;
	const struct resource *r;

	assert_int_equal(run(fx, &component_harbor, "harbor"), 0);
	r = must_find(&fx->rl, RES_PACKAGES, NULL);
	assert_int_equal(r->packages.nr, 2);
	assert_string_equal(r->packages.v[0], "docker.io");
	assert_string_equal(r->packages.v[1], "docker-compose-v2");
	assert_false(r->absent);
	r = must_find(&fx->rl, RES_SERVICE, NULL);
	assert_string_equal(r->unit, "docker");
	assert_true(r->enabled && r->started);

	r = must_find(&fx->rl, RES_UPLOAD, "/var/cache/kcfg/harbor-online-installer-v2.15.2.tgz");
	assert_string_equal(r->local_path, ".kcfg/cache/harbor-online-installer-v2.15.2.tgz");
	assert_string_equal(r->sha256, fx->s.versions.harbor_sha256);
	assert_int_equal(strlen(r->sha256), 64);

	r = find_command(&fx->rl, "tar -xzf");
	assert_string_equal(r->command,
		"tar -xzf '/var/cache/kcfg/harbor-online-installer-v2.15.2.tgz' -C '/opt/harbor' "
		"--strip-components=1 --no-same-owner && touch '/opt/harbor/.kcfg-installer-v2.15.2'");
	assert_string_equal(r->creates, "/opt/harbor/.kcfg-installer-v2.15.2");

	r = must_find(&fx->rl, RES_FILE, "/opt/harbor/cert/server.crt");
	assert_string_equal(r->content.buf, CERT_PEM);
	assert_int_equal(r->mode, 0644);
	assert_false(r->secret);
	r = must_find(&fx->rl, RES_FILE, "/opt/harbor/cert/ca.crt");
	assert_string_equal(r->content.buf, CA_PEM);
	r = must_find(&fx->rl, RES_FILE, "/opt/harbor/cert/server.key");
	assert_string_equal(r->content.buf, KEY_PEM);
	assert_int_equal(r->mode, 0600);
	assert_true(r->secret);

	/* install.sh runs when harbor.yml, the certificate or the release changed, or Harbor is down */
	r = find_command(&fx->rl, "./install.sh");
	assert_string_equal(r->command,
		"cd '/opt/harbor' && ./install.sh && umask 077 && { printf '%s\\n' 'v2.15.2' && "
		"sha256sum '/opt/harbor/harbor.yml' '/opt/harbor/cert/server.crt' "
		"'/opt/harbor/cert/server.key'; } > .kcfg-installed.new && "
		"mv .kcfg-installed.new .kcfg-installed");
	assert_string_equal(r->unless,
		"cd '/opt/harbor' && { printf '%s\\n' 'v2.15.2' && sha256sum "
		"'/opt/harbor/harbor.yml' '/opt/harbor/cert/server.crt' "
		"'/opt/harbor/cert/server.key'; } | cmp -s - .kcfg-installed && "
		"test \"$(docker inspect -f '{{.State.Running}}' harbor-log registry registryctl "
		"harbor-db harbor-core harbor-portal harbor-jobservice redis nginx 2>/dev/null | "
		"grep -c '^true$')\" -eq 9");
	assert_null(r->creates);
	/* and it comes after every file it reads */
	assert_ptr_equal(r, &fx->rl.items[fx->rl.nr - 1]);
}

static void test_harbor_old_ubuntu_gets_compose_v1(void **state)
{
	struct fixture *fx = *state;
	struct facts *f = (struct facts *)host(fx, "harbor")->facts;

	set_str(&f->os_version, "20.04");
	assert_int_equal(run(fx, &component_harbor, "harbor"), 0);
	assert_string_equal(must_find(&fx->rl, RES_PACKAGES, NULL)->packages.v[1], "docker-compose");
}

/* Debian has no docker-compose-v2 package: its docker-compose is the one */
static void test_harbor_debian_gets_docker_compose(void **state)
{
	struct fixture *fx = *state;
	struct facts *f = (struct facts *)host(fx, "harbor")->facts;

	set_str(&f->os_id, "debian");
	set_str(&f->os_version, "12");
	assert_int_equal(run(fx, &component_harbor, "harbor"), 0);
	assert_string_equal(must_find(&fx->rl, RES_PACKAGES, NULL)->packages.v[1], "docker-compose");
}

static void test_harbor_install_dir_is_quoted(void **state)
{
	struct fixture *fx = *state;

	set_str(&fx->s.registry.install_dir, "/opt/it's");
	assert_int_equal(run(fx, &component_harbor, "harbor"), 0);
	must_find(&fx->rl, RES_FILE, "/opt/it's/harbor.yml");
	assert_non_null(strstr(find_command(&fx->rl, "./install.sh")->command,
			       "cd '/opt/it'\\''s' && ./install.sh"));
}

static void test_harbor_without_pki(void **state)
{
	struct fixture *fx = *state;

	fx->ctx.registry_key_pem = NULL;
	assert_int_equal(run(fx, &component_harbor, "harbor"), -1);
	assert_string_equal(fx->err.buf, "host 'harbor': the registry certificate is not "
			    "available; it is made when the vault password is given");
}

/* ---- bastion ---- */

static void test_bastion_resources(void **state)
{
	struct fixture *fx = *state;
	const struct resource *r;

	assert_int_equal(run(fx, &component_bastion, "bastion"), 0);
	r = must_find(&fx->rl, RES_PACKAGES, NULL);
	assert_int_equal(r->packages.nr, 2);
	assert_string_equal(r->packages.v[0], "docker.io");
	assert_string_equal(r->packages.v[1], "curl");
	assert_string_equal(must_find(&fx->rl, RES_SERVICE, NULL)->unit, "docker");
	r = must_find(&fx->rl, RES_FILE, "/etc/docker/certs.d/harbor.internal/ca.crt");
	assert_string_equal(r->content.buf, CA_PEM);
	assert_int_equal(r->mode, 0644);
	r = find_command(&fx->rl, "usermod");
	assert_string_equal(r->command, "usermod -aG docker 'mdxuser'");
	assert_string_equal(r->unless, "id -nG 'mdxuser' | tr ' ' '\\n' | grep -qx docker");

	r = must_find(&fx->rl, RES_UPLOAD, "/usr/local/bin/kubectl");
	assert_string_equal(r->local_path, ".kcfg/cache/kubectl-v1.36.4-linux-amd64");
	assert_string_equal(r->sha256, fx->s.versions.kubectl_sha256);
	assert_int_equal(r->mode, 0755);

	r = must_find(&fx->rl, RES_UPLOAD, "/var/cache/kcfg/helm-v4.2.4-linux-amd64.tar.gz");
	assert_string_equal(r->local_path, ".kcfg/cache/helm-v4.2.4-linux-amd64.tar.gz");
	assert_string_equal(r->sha256, fx->s.versions.helm_sha256);
	r = find_command(&fx->rl, "linux-amd64/helm");
	assert_string_equal(r->command,
		"mkdir -p '/usr/local/lib/kcfg/helm-v4.2.4' && tar -xzf "
		"'/var/cache/kcfg/helm-v4.2.4-linux-amd64.tar.gz' -C '/usr/local/lib/kcfg/helm-v4.2.4' "
		"--strip-components=1 --no-same-owner linux-amd64/helm && "
		"ln -sfn '/usr/local/lib/kcfg/helm-v4.2.4/helm' /usr/local/bin/helm");
	assert_string_equal(r->unless,
		"test -x '/usr/local/lib/kcfg/helm-v4.2.4/helm' && "
		"test \"$(readlink /usr/local/bin/helm)\" = '/usr/local/lib/kcfg/helm-v4.2.4/helm'");

	r = must_find(&fx->rl, RES_DIR, "/home/mdxuser/.kube");
	assert_int_equal(r->mode, 0700);
	assert_string_equal(r->owner, "mdxuser");
	assert_int_equal(component_bastion.phase, COMP_PHASE_HOSTS);

	/* written once from the controller's admin kubeconfig (a cluster value), as a
	 * file, in the workers phase: the controller runs by then */
	assert_int_equal(component_bastion_kubeconfig.phase, COMP_PHASE_WORKERS);
	assert_string_equal(component_bastion_kubeconfig.name, "bastion");
	assert_int_equal(run(fx, &component_bastion_kubeconfig, "bastion"), 0);
	assert_int_equal(fx->rl.nr, 1);
	r = must_find(&fx->rl, RES_FILE, "/home/mdxuser/.kube/config");
	assert_int_equal(r->mode, 0600);
	assert_string_equal(r->owner, "mdxuser");
	assert_string_equal(r->group, "mdxuser");
	assert_true(r->secret);
	assert_string_equal(r->needs, CV_KUBECONFIG_ADMIN);
	assert_ptr_equal(r->fill, cluster_kubeconfig_fill);
	assert_string_equal(r->fill_arg, "10.18.20.12");
	for (size_t i = 0; i < fx->rl.nr; i++)
		if (fx->rl.items[i].kind == RES_COMMAND)
			assert_null(strstr(fx->rl.items[i].command, "kube"));
}

static void test_bastion_root_user_and_arch(void **state)
{
	struct fixture *fx = *state;
	struct facts *f = (struct facts *)host(fx, "bastion")->facts;

	set_str(&fx->s.cluster.ansible_user, "root");
	assert_int_equal(run(fx, &component_bastion, "bastion"), 0);
	must_find(&fx->rl, RES_DIR, "/root/.kube");
	assert_int_equal(run(fx, &component_bastion_kubeconfig, "bastion"), 0);
	assert_string_equal(must_find(&fx->rl, RES_FILE, "/root/.kube/config")->owner, "root");

	set_str(&f->arch, "aarch64");
	assert_int_equal(run(fx, &component_bastion, "bastion"), -1);
	assert_string_equal(fx->err.buf, "host 'bastion' is aarch64, and the pinned kubectl "
			    "and helm are linux-amd64 builds: use an x86_64 bastion");
}

/* k0s names the API as localhost: the copies elsewhere point at the controller. */
static void test_kubeconfig_server(void **state)
{
	struct strbuf out = STRBUF_INIT;

	(void)state;
	cluster_kubeconfig_set_server("apiVersion: v1\nclusters:\n- cluster:\n"
				      "    server: https://localhost:6443\n  name: local\n"
				      "  server: x\nkind: Config", "10.0.0.3", &out);
	assert_string_equal(out.buf, "apiVersion: v1\nclusters:\n- cluster:\n"
			    "    server: https://10.0.0.3:6443\n  name: local\n"
			    "  server: https://10.0.0.3:6443\nkind: Config");
	/* the address is data: an IPv6 one bracketed, sed's specials kept as they are */
	strbuf_reset(&out);
	cluster_kubeconfig_fill("x:\n  server: https://localhost:6443", "fd00::12", &out);
	assert_string_equal(out.buf, "x:\n  server: https://[fd00::12]:6443\n");
	strbuf_reset(&out);
	cluster_kubeconfig_fill("  server: a\n", "[fd00::12]", &out);
	assert_string_equal(out.buf, "  server: https://[fd00::12]:6443\n");
	strbuf_reset(&out);
	cluster_kubeconfig_fill("  server: a", "h#1&\\1", &out);
	assert_string_equal(out.buf, "  server: https://h#1&\\1:6443\n");
	strbuf_release(&out);
}

/* ---- lustre ---- */

static const char expected_lnet_node1[] =
	"# Written by kcfg: LNet of kube-node1 over its RoCE interface, in lnetctl's\n"
	"# import format. Changes here are replaced on the next apply.\n"
	"net:\n"
	"- net type: o2ib10\n"
	"  local NI(s):\n"
	"  - nid: 10.146.18.21@o2ib10\n"
	"    interfaces:\n"
	"      0: ens192\n"
	"- net type: tcp10\n"
	"  local NI(s):\n"
	"  - nid: 10.146.18.21@tcp10\n"
	"    interfaces:\n"
	"      0: ens192\n"
	"peer:\n"
	"- primary nid: 172.17.8.40@o2ib10\n"
	"  peer ni:\n"
	"  - nid: 172.17.8.40@o2ib10\n"
	"- primary nid: 172.17.8.41@o2ib10\n"
	"  peer ni:\n"
	"  - nid: 172.17.8.41@o2ib10\n"
	"- primary nid: 172.17.8.56@o2ib10\n"
	"  peer ni:\n"
	"  - nid: 172.17.8.56@o2ib10\n"
	"- primary nid: 172.17.8.57@o2ib10\n"
	"  peer ni:\n"
	"  - nid: 172.17.8.57@o2ib10\n";

static void test_lustre_lnet_exact(void **state)
{
	struct fixture *fx = *state;
	const struct resource *r;

	assert_int_equal(run(fx, &component_lustre, "kube-node1"), 0);
	r = must_find(&fx->rl, RES_FILE, "/etc/lnet.conf.ddn");
	assert_string_equal(r->content.buf, expected_lnet_node1);
	assert_int_equal(r->mode, 0644);
	assert_true(r->backup);
	assert_false(r->secret);
	assert_string_equal(r->notify, "restart lustre_client");
	r = must_find(&fx->rl, RES_SERVICE, NULL);
	assert_string_equal(r->unit, "lustre_client");
	assert_true(r->enabled && r->started);
}

static void test_lustre_lnet_parses_per_host(void **state)
{
	struct fixture *fx = *state;
	static const char *const workers[] = { "kube-node2", "kube-gpu1", "kube-gpu2" };

	for (size_t i = 0; i < 3; i++) {
		struct diag_list dl = DIAG_LIST_INIT;
		struct ydoc doc = YDOC_INIT;
		const struct ynode *net, *ni;
		const struct resource *r;
		char *nid = xstrfmt("%s@o2ib10", host(fx, workers[i])->roce_address);

		assert_int_equal(run(fx, &component_lustre, workers[i]), 0);
		r = must_find(&fx->rl, RES_FILE, "/etc/lnet.conf.ddn");
		assert_int_equal(ydoc_parse(&doc, "lnet", r->content.buf, r->content.len, &dl), 0);
		net = ynode_map_get(doc.root, "net");
		assert_int_equal(net->nr, 2);
		ni = ynode_map_get(net->items[0], "local NI(s)")->items[0];
		assert_string_equal(scalar(ni, "nid", NULL), nid);
		assert_int_equal(ynode_map_get(ni, "interfaces")->pairs[0].key->style, YSTYLE_PLAIN);
		assert_string_equal(ynode_map_get(ni, "interfaces")->pairs[0].value->value, "ens192");
		free(nid);
		ydoc_release(&doc);
		diag_release(&dl);
	}
}

static void test_lustre_without_rdma_uses_tcp_only(void **state)
{
	struct fixture *fx = *state;
	struct storage_fs *fs = &fx->s.storage.filesystems.v[1];
	const struct resource *r;

	fx->s.cluster.rdma = 0;
	set_str(&fs->exa_fs, "172.17.8.56@tcp10,172.17.8.57@tcp10:172.17.8.56@tcp10:/large");
	assert_int_equal(run(fx, &component_lustre, "kube-gpu1"), 0);
	r = must_find(&fx->rl, RES_FILE, "/etc/lnet.conf.ddn");
	assert_string_equal(r->content.buf,
		"# Written by kcfg: LNet of kube-gpu1 over its RoCE interface, in lnetctl's\n"
		"# import format. Changes here are replaced on the next apply.\n"
		"net:\n"
		"- net type: tcp10\n"
		"  local NI(s):\n"
		"  - nid: 10.146.18.31@tcp10\n"
		"    interfaces:\n"
		"      0: ens192\n"
		"peer:\n"
		"- primary nid: 172.17.8.56@tcp10\n"
		"  peer ni:\n"
		"  - nid: 172.17.8.56@tcp10\n"
		"- primary nid: 172.17.8.57@tcp10\n"
		"  peer ni:\n"
		"  - nid: 172.17.8.57@tcp10\n");
}

static void test_lustre_fstab_and_mounts(void **state)
{
	struct fixture *fx = *state;
	const struct resource *r;
	size_t dirs = 0, mounts = 0;

	assert_int_equal(run(fx, &component_lustre, "kube-gpu2"), 0);
	r = must_find(&fx->rl, RES_BLOCK, "/etc/fstab");
	assert_string_equal(r->marker, "lustre");
	assert_string_equal(r->content.buf,
		"172.17.8.40@o2ib10:172.17.8.41@o2ib10:/fast /fast lustre "
		"network=o2ib10,flock,noauto,defaults 0 0\n"
		"172.17.8.56@o2ib10:172.17.8.57@o2ib10:/large /large lustre "
		"network=o2ib10,flock,noauto,defaults 0 0\n");
	r = must_find(&fx->rl, RES_DIR, "/fast");
	assert_int_equal(r->mode, 0);	/* never chmod a mounted filesystem's root */
	must_find(&fx->rl, RES_DIR, "/large");

	r = find_command(&fx->rl, "mount '/large'");
	assert_string_equal(r->command, "mount '/large'");
	assert_string_equal(r->unless, "mountpoint -q '/large'");
	for (size_t i = 0; i < fx->rl.nr; i++) {
		const struct resource *x = &fx->rl.items[i];
		dirs += x->kind == RES_DIR;
		mounts += x->kind == RES_COMMAND && !strncmp(x->command, "mount ", 6);
		/* every mount comes after the fstab block and the LNet service */
		if (x->kind == RES_COMMAND && !strncmp(x->command, "mount ", 6))
			assert_true(x > find(&fx->rl, RES_BLOCK, NULL) &&
				    x > find(&fx->rl, RES_SERVICE, NULL));
	}
	assert_int_equal(dirs, 2);
	assert_int_equal(mounts, 2);
}

static void test_lustre_hold_kernel(void **state)
{
	struct fixture *fx = *state;
	const struct resource *r;

	assert_int_equal(run(fx, &component_lustre, "kube-node1"), 0);
	r = find_command(&fx->rl, "apt-mark hold");
	assert_non_null(strstr(r->unless, "apt-mark showhold"));
	assert_ptr_equal(r, &fx->rl.items[0]);

	fx->s.storage.hold_kernel = 0;
	assert_int_equal(run(fx, &component_lustre, "kube-node1"), 0);
	for (size_t i = 0; i < fx->rl.nr; i++)
		assert_false(fx->rl.items[i].kind == RES_COMMAND &&
			     strstr(fx->rl.items[i].command, "apt-mark"));
}

static void test_lustre_off_and_errors(void **state)
{
	struct fixture *fx = *state;

	fx->hosts[3].roce_address = NULL;
	assert_int_equal(run(fx, &component_lustre, "kube-node1"), -1);
	assert_string_equal(fx->err.buf,
		"host 'kube-node1': addons.storage is on, and it has no roce_host: set "
		"roce_host=ADDRESS on its line in the inventory (Lustre's LNet runs over the "
		"RoCE network), or set addons.storage: false in cluster.yaml");

	fx->hosts[4].roce_netif = NULL;
	assert_int_equal(run(fx, &component_lustre, "kube-node2"), -1);
	assert_string_equal(fx->err.buf,
		"host 'kube-node2': addons.storage is on, and it has no roce_netif: set "
		"roce_netif=IFACE in its group's vars in the inventory ([kube_worker:vars]), "
		"or cluster.roce_netif in cluster.yaml");
	/* cluster.roce_netif stands in for a host without one */
	set_str(&fx->s.cluster.roce_netif, "ens224");
	assert_int_equal(run(fx, &component_lustre, "kube-node2"), 0);
	assert_non_null(strstr(must_find(&fx->rl, RES_FILE, "/etc/lnet.conf.ddn")->content.buf,
			       "0: ens224\n"));

	fx->s.addons.storage = 0;
	assert_int_equal(run(fx, &component_lustre, "kube-node1"), 0);
	assert_int_equal(fx->rl.nr, 0);
}

/* ---- secrets ---- */

/* 1 when any of the n secrets' bytes occur in `s`. */
static int holds_secret(const char *s, const char *const *secrets, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strstr(s, secrets[i]))
			return 1;
	return 0;
}

static int is_ours(const struct resource *r)
{
	return !strcmp(r->component, "harbor") || !strcmp(r->component, "bastion") ||
	       !strcmp(r->component, "lustre");
}

/*
 * Every component for every host of the example: the vault's secrets and
 * the registry key appear only in harbor.yml and the server key (Grafana's
 * password only in the monitoring add-on's Secret), every file holding
 * one is marked secret, and no command, guard or path carries one.
 */
static void test_no_secret_outside_harbor_yml_and_key(void **state)
{
	static const char *const values[] = {
		"Sx-admin-0001", "Sx-db-0002", "Sx-become-0004", "KEYSECRETBYTES", "Sx-grafana-0003",
	};
	struct fixture *fx = *state;
	size_t files = 0, ours = 0;

	set_secret(&fx->secrets.harbor_admin_password, values[0]);
	set_secret(&fx->secrets.harbor_db_password, values[1]);
	set_secret(&fx->secrets.ansible_become_password, values[2]);
	set_secret(&fx->secrets.grafana_password, values[4]);
	strvec_push(&fx->s.metallb.addresses, "10.18.20.200-10.18.20.210");
	for (size_t c = 0; c < nr_components; c++) {
		for (size_t h = 0; h < NR_MDX; h++) {
			if (!(components[c]->roles & fx->hosts[h].roles))
				continue;
			if (run(fx, components[c], fx->hosts[h].name) < 0)
				fail_msg("%s on %s: %s", components[c]->name, fx->hosts[h].name,
					 fx->err.buf);
			for (size_t i = 0; i < fx->rl.nr; i++) {
				const struct resource *r = &fx->rl.items[i];
				int harbor_yml = r->path && !strcmp(r->path, "/opt/harbor/harbor.yml");
				int key = r->path && !strcmp(r->path, "/opt/harbor/cert/server.key");
				int any = holds_secret(r->content.buf, values, 5);

				files += r->kind == RES_FILE;
				if (harbor_yml)
					assert_true(strstr(r->content.buf, values[0]) &&
						    strstr(r->content.buf, values[1]));
				if (key)
					assert_non_null(strstr(r->content.buf, values[3]));
				if (!harbor_yml && holds_secret(r->content.buf, values, 2))
					fail_msg("a harbor password in %s on %s", r->path,
						 fx->hosts[h].name);
				if (!key && holds_secret(r->content.buf, values + 2, 2))
					fail_msg("a secret in %s on %s", r->path, fx->hosts[h].name);
				if (holds_secret(r->content.buf, values + 4, 1) &&
				    strcmp(r->component, "monitoring"))
					fail_msg("grafana's password in %s", r->path);
				if (any)
					assert_true(r->secret);
				/* the bastion's kubeconfig: a secret written from a cluster value */
				if (r->kind == RES_FILE && r->secret && is_ours(r) && !r->needs) {
					assert_true(harbor_yml || key);
					ours++;
				}
				assert_false(holds_secret(r->command, values, 5));
				assert_false(holds_secret(r->unless, values, 5));
				assert_false(holds_secret(r->creates, values, 5));
				assert_false(holds_secret(r->path, values, 5));
			}
		}
	}
	assert_int_equal(ours, 2);
	assert_true(files > 10);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_harbor_yml_exact),
		T(test_harbor_yml_tricky_passwords_round_trip),
		T(test_harbor_missing_password_names_key_and_vault),
		T(test_harbor_resources),
		T(test_harbor_old_ubuntu_gets_compose_v1),
		T(test_harbor_debian_gets_docker_compose),
		T(test_harbor_install_dir_is_quoted),
		T(test_harbor_without_pki),
		T(test_bastion_resources),
		T(test_bastion_root_user_and_arch),
		cmocka_unit_test(test_kubeconfig_server),
		T(test_lustre_lnet_exact),
		T(test_lustre_lnet_parses_per_host),
		T(test_lustre_without_rdma_uses_tcp_only),
		T(test_lustre_fstab_and_mounts),
		T(test_lustre_hold_kernel),
		T(test_lustre_off_and_errors),
		T(test_no_secret_outside_harbor_yml_and_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
