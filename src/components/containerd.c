/*
 * containerd drop-ins for k0s's own containerd (kube_cluster):
 *
 * - registry trust: the original put the CA in /etc/containerd/certs.d,
 *   which k0s's containerd never reads. kcfg points the CRI registry
 *   config_path at /etc/k0s/containerd.d/certs.d and writes
 *   <registry>/hosts.toml there with the CA beside it.
 * - the NVIDIA runtime as the default on GPU workers when the host
 *   provides NVIDIA's container toolkit (gpu_operator.toolkit false, or
 *   no GPU operator): the drop-in names /usr/bin/nvidia-container-runtime,
 *   and preflight blocks where that is missing. With the operator's
 *   toolkit (the default) the toolkit writes its own drop-in, and kcfg's
 *   is removed.
 *
 * k0s imports the *.toml files of /etc/k0s/containerd.d while /etc/k0s/containerd.toml
 * is still its own (starts with "# k0s_managed=true"). The drop-in format
 * follows the k0s line: version 2 for 1.35 (containerd 1.7), version 3
 * from 1.36 (containerd 2, whose CRI plugin is split in two).
 */
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "config/names.h"
#include "config/settings.h"
#include "engine/preflight.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DROPIN_DIR "/etc/k0s/containerd.d"
#define CERTS_DIR DROPIN_DIR "/certs.d"
#define NVIDIA_DROPIN DROPIN_DIR "/kcfg-nvidia.toml"

/*
 * The handler the drop-ins notify: k0s reads them when it starts, and on
 * a first install a worker's k0sworker unit is written only in the
 * workers phase, after this one (k0s install worker): so k0s restarts
 * only where its unit is there, and one not installed yet starts later
 * with the drop-ins in place. Added to `out` once; returns its name.
 */
static const char *restart_k0s(const struct comp_host *h, struct resource_list *out)
{
	const char *unit = h->roles & COMP_ROLE_MASTER && !(h->roles & COMP_ROLE_WORKER)
			   ? "k0scontroller" : "k0sworker";
	char *name = xstrfmt("restart %s if installed", unit);
	struct resource *r;

	for (size_t i = 0; i < out->nr; i++)
		if (out->items[i].kind == RES_HANDLER && !strcmp(out->items[i].name, name)) {
			free(name);
			return out->items[i].name;
		}
	r = resource_add(out, RES_HANDLER, "containerd");
	r->name = name;
	r->command = xstrfmt("if test -e /etc/systemd/system/%s.service; then "
			     "systemctl restart %s; fi", unit, unit);
	return r->name;
}

/* A TOML basic string. */
static void toml_str(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			strbuf_addf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(out, "\\u%04x", c);
		else
			strbuf_addch(out, c);
	}
	strbuf_addch(out, '"');
}

static const char *images_plugin(int version)
{
	return version >= 3 ? "io.containerd.cri.v1.images" : "io.containerd.grpc.v1.cri";
}

static const char *runtime_plugin(int version)
{
	return version >= 3 ? "io.containerd.cri.v1.runtime" : "io.containerd.grpc.v1.cri";
}

static void registry_dropin(int version, struct strbuf *out)
{
	strbuf_addf(out, "# Written by kcfg: trust the cluster registry through hosts.toml files.\n"
		    "version = %d\n\n[plugins.\"%s\".registry]\n  config_path = ",
		    version, images_plugin(version));
	toml_str(out, CERTS_DIR);
	strbuf_addch(out, '\n');
}

static void hosts_toml(const char *registry, struct strbuf *out)
{
	struct strbuf url = STRBUF_INIT, ca = STRBUF_INIT;

	strbuf_addstr(&url, "https://");
	names_url_host(&url, registry);
	strbuf_addf(&ca, CERTS_DIR "/%s/ca.crt", registry);
	strbuf_addstr(out, "# Written by kcfg: the cluster registry, trusted through its own CA.\nserver = ");
	toml_str(out, url.buf);
	strbuf_addstr(out, "\n\n[host.");
	toml_str(out, url.buf);
	strbuf_addstr(out, "]\n  capabilities = [\"pull\", \"resolve\", \"push\"]\n  ca = ");
	toml_str(out, ca.buf);
	strbuf_addch(out, '\n');
	strbuf_release(&url);
	strbuf_release(&ca);
}

static void nvidia_dropin(int version, struct strbuf *out)
{
	const char *p = runtime_plugin(version);

	strbuf_addf(out, "# Written by kcfg: the NVIDIA container runtime as the default runtime.\n"
		    "version = %d\n\n"
		    "[plugins.\"%s\".containerd]\n"
		    "  default_runtime_name = \"nvidia\"\n\n"
		    "[plugins.\"%s\".containerd.runtimes.nvidia]\n"
		    "  runtime_type = \"io.containerd.runc.v2\"\n\n"
		    "[plugins.\"%s\".containerd.runtimes.nvidia.options]\n"
		    "  BinaryName = ", version, p, p, p);
	toml_str(out, PREFLIGHT_NVIDIA_RUNTIME);
	strbuf_addch(out, '\n');
}

/* The host provides NVIDIA's container toolkit: the operator does not install it. */
static int host_toolkit(const struct settings *s)
{
	return !(s->addons.gpu_operator && s->gpu_operator.toolkit);
}

static int containerd_desired(const struct component *self, const struct comp_ctx *ctx, const struct comp_host *h,
			      struct resource_list *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	int version = settings_containerd_config_version(s);
	struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT;
	struct resource *r;

	if (!ctx->registry_ca_pem) {
		strbuf_addf(err, "host '%s': the registry CA is not available; it is made "
			    "when the vault password is given", h->name);
		return -1;
	}
	registry_dropin(version, &sb);
	r = resource_add_file(out, "containerd", DROPIN_DIR "/kcfg-registry.toml", sb.buf, sb.len, 0644);
	r->notify = xstrdup(restart_k0s(h, out));

	strbuf_reset(&sb);
	hosts_toml(s->registry.name, &sb);
	strbuf_addf(&path, CERTS_DIR "/%s/hosts.toml", s->registry.name);
	resource_add_file(out, "containerd", path.buf, sb.buf, sb.len, 0644);

	strbuf_reset(&path);
	strbuf_addf(&path, CERTS_DIR "/%s/ca.crt", s->registry.name);
	resource_add_file(out, "containerd", path.buf, ctx->registry_ca_pem,
			  strlen(ctx->registry_ca_pem), 0644);

	if ((h->roles & COMP_ROLE_GPU) && host_toolkit(s)) {
		strbuf_reset(&sb);
		nvidia_dropin(version, &sb);
		r = resource_add_file(out, "containerd", NVIDIA_DROPIN, sb.buf, sb.len, 0644);
		r->notify = xstrdup(restart_k0s(h, out));
	} else if (h->roles & COMP_ROLE_GPU) {
		/* the operator's toolkit writes its own: ours (from toolkit false) goes */
		r = resource_add(out, RES_ABSENT, "containerd");
		r->path = xstrdup(NVIDIA_DROPIN);
		r->notify = xstrdup(restart_k0s(h, out));
	}
	strbuf_release(&sb);
	strbuf_release(&path);
	return 0;
}

/*
 * Before anything changes: a GPU worker whose drop-in would name the
 * host's NVIDIA runtime has it (a containerd whose default runtime is
 * missing starts no pod at all).
 */
static int containerd_check(const struct component *self, const struct comp_ctx *ctx,
			    const struct comp_host *h, struct diag_list *found)
{
	if ((h->roles & COMP_ROLE_GPU) && host_toolkit(ctx->settings) && h->preflight)
		preflight_check_nvidia_runtime(h->preflight, found);
	(void)self;
	return 0;
}

const struct component component_containerd = {
	"containerd", "registry trust and the NVIDIA runtime in k0s's containerd",
	COMP_ROLE_CLUSTER, COMP_PHASE_HOSTS, containerd_desired, containerd_check,
};
