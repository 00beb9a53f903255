/*
 * bastion (group bastion_host): docker for building images, trusting the
 * registry's CA; kubectl and helm at their pinned versions; the admin
 * kubeconfig at ~<ansible_user>/.kube/config, mode 0600.
 *
 * The kubeconfig only exists once the controller runs, so its command
 * names a cluster value that apply reads on the controller
 * (components/cluster-values.h says how).
 */
#include <string.h>

#include "components/cluster-values.h"
#include "components/downloads.h"
#include "components/component.h"
#include "components/hosts.h"
#include "config/settings.h"
#include "engine/facts.h"
#include "engine/resource.h"
#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define BIN_DIR "/usr/local/bin"
/* each helm release unpacks into its own folder; /usr/local/bin/helm links to one */
#define HELM_LIB_DIR "/usr/local/lib/kcfg"

void comp_user_home(const char *user, struct strbuf *out)
{
	if (!strcmp(user, "root"))
		strbuf_addstr(out, "/root");
	else
		strbuf_addf(out, "/home/%s", user);
}

static void add_docker(const struct comp_ctx *ctx, struct resource_list *out)
{
	const char *reg = ctx->settings->registry.name;
	const char *user = ctx->settings->cluster.ansible_user;
	struct strbuf path = STRBUF_INIT, q = STRBUF_INIT;
	struct resource *r;

	r = resource_add(out, RES_PACKAGES, "bastion");
	strvec_push(&r->packages, "docker.io");
	/* kcfg status asks Harbor for its health from here, through kcfg's CA */
	strvec_push(&r->packages, "curl");
	r = resource_add(out, RES_SERVICE, "bastion");
	r->unit = xstrdup("docker");
	r->enabled = r->started = 1;

	/* docker reads a registry's CA from certs.d/<host>/ca.crt on every pull and push */
	strbuf_addf(&path, "/etc/docker/certs.d/%s", reg);
	r = resource_add(out, RES_DIR, "bastion");
	r->path = xstrdup(path.buf);
	r->mode = 0755;
	strbuf_addstr(&path, "/ca.crt");
	resource_add_file(out, "bastion", path.buf, ctx->registry_ca_pem,
			  strlen(ctx->registry_ca_pem), 0644);

	/* the login user builds images without sudo */
	sq_quote(&q, user);
	r = resource_add(out, RES_COMMAND, "bastion");
	r->command = xstrfmt("usermod -aG docker %s", q.buf);
	r->unless = xstrfmt("id -nG %s | tr ' ' '\\n' | grep -qx docker", q.buf);
	strbuf_release(&path);
	strbuf_release(&q);
}

static void add_kubectl(const struct comp_ctx *ctx, struct resource_list *out)
{
	download_upload(ctx, DL_KUBECTL, out, BIN_DIR "/kubectl", 0755);
}

static void add_helm(const struct comp_ctx *ctx, struct resource_list *out)
{
	const char *ver = ctx->settings->versions.helm;
	struct strbuf tgz = STRBUF_INIT, dir = STRBUF_INIT, bin = STRBUF_INIT;
	struct strbuf qtgz = STRBUF_INIT, qdir = STRBUF_INIT, qbin = STRBUF_INIT;
	struct download d;
	struct resource *r;

	download_get(ctx, DL_HELM, &d);
	strbuf_addf(&tgz, KCFG_HOST_CACHE "/%s", d.name);
	download_release(&d);
	strbuf_addf(&dir, HELM_LIB_DIR "/helm-%s", ver);
	strbuf_addf(&bin, "%s/helm", dir.buf);
	sq_quote(&qtgz, tgz.buf);
	sq_quote(&qdir, dir.buf);
	sq_quote(&qbin, bin.buf);

	/* the pin is the release tarball's digest, so the tarball is what travels */
	download_upload(ctx, DL_HELM, out, tgz.buf, 0644);

	r = resource_add(out, RES_COMMAND, "bastion");
	r->command = xstrfmt("mkdir -p %s && tar -xzf %s -C %s --strip-components=1 "
			     "--no-same-owner linux-amd64/helm && ln -sfn %s " BIN_DIR "/helm",
			     qdir.buf, qtgz.buf, qdir.buf, qbin.buf);
	r->unless = xstrfmt("test -x %s && test \"$(readlink " BIN_DIR "/helm)\" = %s",
			    qbin.buf, qbin.buf);

	strbuf_release(&tgz);
	strbuf_release(&dir);
	strbuf_release(&bin);
	strbuf_release(&qtgz);
	strbuf_release(&qdir);
	strbuf_release(&qbin);
}

static void add_kube_dir(const struct comp_ctx *ctx, struct resource_list *out)
{
	const char *user = ctx->settings->cluster.ansible_user;
	struct strbuf kube = STRBUF_INIT;
	struct resource *r;

	comp_user_home(user, &kube);
	strbuf_addstr(&kube, "/.kube");
	r = resource_add(out, RES_DIR, "bastion");
	r->path = strbuf_detach(&kube, NULL);
	r->mode = 0700;
	r->owner = xstrdup(user);
	r->group = xstrdup(user);
}

static void add_kubeconfig(const struct comp_ctx *ctx, struct resource_list *out)
{
	const char *user = ctx->settings->cluster.ansible_user;
	const struct comp_host *ctl = comp_first_host(ctx, COMP_ROLE_MASTER);
	struct strbuf kube = STRBUF_INIT;
	struct resource *r;

	comp_user_home(user, &kube);
	strbuf_addstr(&kube, "/.kube");

	/*
	 * k0s makes it on the controller once it runs: apply reads it there
	 * (a cluster value) and writes it here, once, like any file (never
	 * through a link the user put in ~/.kube); delete the file to have
	 * it written again. It holds the admin's client key, so it is never
	 * on the local disk, in a plan or in a log. k0s names the API as
	 * localhost there; from here it is the controller's front address,
	 * put in by cluster_kubeconfig_fill (data, never sed code).
	 */
	strbuf_addstr(&kube, "/config");
	r = resource_add(out, RES_FILE, "bastion");
	r->path = strbuf_detach(&kube, NULL);
	r->mode = 0600;
	r->owner = xstrdup(user);
	r->group = xstrdup(user);
	r->secret = 1;
	r->needs = CV_KUBECONFIG_ADMIN;
	r->fill = cluster_kubeconfig_fill;
	r->fill_arg = xstrdup(ctl ? ctl->address : "localhost");
}

static int check_arch(const struct comp_host *h, struct strbuf *err)
{
	if (h->facts && h->facts->arch && strcmp(h->facts->arch, "x86_64") != 0) {
		strbuf_addf(err, "host '%s' is %s, and the pinned kubectl and helm are "
			    "linux-amd64 builds: use an x86_64 bastion", h->name, h->facts->arch);
		return -1;
	}
	return 0;
}

static int check_bastion(const struct comp_ctx *ctx, const struct comp_host *h,
			 struct strbuf *err)
{
	if (!ctx->registry_ca_pem) {
		strbuf_addf(err, "host '%s': the registry CA is not available; it is made "
			    "when the vault password is given", h->name);
		return -1;
	}
	return check_arch(h, err);
}

int comp_bastion_tools(const struct comp_ctx *ctx, const struct comp_host *h,
		       struct resource_list *out, struct strbuf *err)
{
	if (check_arch(h, err) < 0)
		return -1;
	add_kubectl(ctx, out);
	add_helm(ctx, out);
	return 0;
}

static int bastion_desired(const struct component *self, const struct comp_ctx *ctx,
			   const struct comp_host *h, struct resource_list *out,
			   struct strbuf *err)
{
	if (check_bastion(ctx, h, err) < 0)
		return -1;
	add_docker(ctx, out);
	add_kubectl(ctx, out);
	add_helm(ctx, out);
	add_kube_dir(ctx, out);
	return 0;
}

/* the kubeconfig exists once the controller runs: the workers phase */
static int kubeconfig_desired(const struct component *self, const struct comp_ctx *ctx,
			      const struct comp_host *h, struct resource_list *out,
			      struct strbuf *err)
{
	add_kubeconfig(ctx, out);
	return 0;
}

const struct component component_bastion = {
	"bastion", "docker trusting the registry, kubectl, helm, the admin kubeconfig",
	COMP_ROLE_BASTION, COMP_PHASE_HOSTS, bastion_desired,
};

const struct component component_bastion_kubeconfig = {
	"bastion", "the admin kubeconfig, once the controller runs",
	COMP_ROLE_BASTION, COMP_PHASE_WORKERS, kubeconfig_desired,
};
