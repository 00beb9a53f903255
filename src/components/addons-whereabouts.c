/*
 * whereabouts (add-on, on the controllers, with the network operator and
 * network_operator.whereabouts): the "whereabouts" IPAM that secondary
 * networks (Multus NetworkAttachmentDefinitions) name in their config.
 * The network operator no longer deploys it (its ipamPlugin left the
 * 26.x NicClusterPolicy API), so kcfg applies the manifests Whereabouts'
 * README installs, from the pinned release tag, each checked by sha256:
 *
 *   00-ippools-crd.yaml       doc/crds/whereabouts.cni.cncf.io_ippools.yaml, as is
 *   01-reservations-crd.yaml  doc/crds/whereabouts.cni.cncf.io_overlappingrangeipreservations.yaml
 *   10-daemonset.yaml         doc/crds/daemonset-install.yaml (RBAC, the reconciler's
 *                             schedule ConfigMap, the DaemonSet that installs the
 *                             plugin into /opt/cni/bin and /etc/cni/net.d)
 *   20-reconciler.yaml        doc/crds/reconciler-deployment.yaml (the IP reconciler)
 *
 * Every namespaced object there names kube-system, as k0s's manifest
 * deployer needs, and the CNI paths are k0s's (kube-router's). The two
 * workload files name the image ghcr.io/k8snetworkplumbingwg/whereabouts
 * at tag "latest"; a pinned release must not run whatever "latest" is on
 * the day a node pulls it, so a command on the controller writes them
 * into the stack with that image at the release's own tag (the tag the
 * release workflow pushes), and checks that no "latest" is left.
 */
#include "components/addons.h"
#include "components/addon.h"
#include "components/chart.h"
#include "components/component.h"
#include "components/downloads.h"
#include "config/settings.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define COMP "whereabouts"
#define STACK "whereabouts"
#define WORK_DIR "/var/lib/kcfg/whereabouts"
#define IMAGE "ghcr.io/k8snetworkplumbingwg/whereabouts"
#define TRANSFORM_REV "1"	/* bump when the awk program changes */

/* the release's image at tag `tag` (an awk -v variable) instead of :latest */
#define PIN_IMAGE_AWK \
	"'{ if ($0 ~ /^[ \\t]*image: ghcr\\.io\\/k8snetworkplumbingwg\\/whereabouts:latest[ \\t]*$/)" \
	" sub(/:latest/, \":\" tag); print }'"

static int enabled(const struct settings *s)
{
	return s->addons.network_operator && s->network_operator.whereabouts;
}

/*
 * Appends to `cmd` what makes WORK_DIR/`out` from the uploaded `in`: the
 * stamp line, the file with the image pinned, checked for `kind` and for
 * no image left at "latest".
 */
static void pin_image(struct strbuf *cmd, const struct settings *s, const char *stamp,
		      const char *in, const char *out, const char *kind)
{
	strbuf_addstr(cmd, " && { printf '%s\\n' ");
	addons_sh_quote(cmd, stamp);
	strbuf_addstr(cmd, " && awk -v tag=");
	addons_sh_quote(cmd, s->versions.whereabouts);
	strbuf_addstr(cmd, " " PIN_IMAGE_AWK " ");
	addons_sh_quote(cmd, in);
	strbuf_addf(cmd, "; } >%s && grep -q '^kind: %s$' %s && ! grep -q '" IMAGE ":latest' %s",
		    out, kind, out, out);
}

static void add_workloads(const struct comp_ctx *ctx, struct resource_list *out)
{
	const struct settings *s = ctx->settings;
	struct strbuf ds = STRBUF_INIT, rec = STRBUF_INIT, stamp = STRBUF_INIT;
	struct strbuf cmd = STRBUF_INIT, ds_out = STRBUF_INIT, rec_out = STRBUF_INIT;
	struct resource *r;

	r = resource_add(out, RES_DIR, COMP);
	r->path = xstrdup(WORK_DIR);
	r->mode = 0755;
	strbuf_addf(&ds, WORK_DIR "/whereabouts-%s-daemonset-install.yaml", s->versions.whereabouts);
	download_upload(ctx, DL_WHEREABOUTS_DAEMONSET, out, ds.buf, 0644);
	strbuf_addf(&rec, WORK_DIR "/whereabouts-%s-reconciler-deployment.yaml",
		    s->versions.whereabouts);
	download_upload(ctx, DL_WHEREABOUTS_RECONCILER, out, rec.buf, 0644);

	strbuf_addf(&stamp, "# Written by kcfg from whereabouts %s with image " IMAGE ":%s "
		    "(transform " TRANSFORM_REV ")", s->versions.whereabouts, s->versions.whereabouts);
	manifest_path(&ds_out, STACK, "10-daemonset.yaml");
	manifest_path(&rec_out, STACK, "20-reconciler.yaml");
	strbuf_addstr(&cmd, "cd " WORK_DIR " && umask 022");
	pin_image(&cmd, s, stamp.buf, ds.buf, "daemonset.yaml", "DaemonSet");
	pin_image(&cmd, s, stamp.buf, rec.buf, "reconciler.yaml", "Deployment");
	strbuf_addstr(&cmd, " && mkdir -p ");
	addons_sh_quote(&cmd, MANIFESTS_DIR "/" STACK);
	strbuf_addstr(&cmd, " && mv daemonset.yaml ");
	addons_sh_quote(&cmd, ds_out.buf);
	strbuf_addstr(&cmd, " && mv reconciler.yaml ");
	addons_sh_quote(&cmd, rec_out.buf);
	r = resource_add(out, RES_COMMAND, COMP);
	r->command = strbuf_detach(&cmd, NULL);

	strbuf_addstr(&cmd, "grep -qxF ");
	addons_sh_quote(&cmd, stamp.buf);
	strbuf_addch(&cmd, ' ');
	addons_sh_quote(&cmd, ds_out.buf);
	strbuf_addstr(&cmd, " && grep -qxF ");
	addons_sh_quote(&cmd, stamp.buf);
	strbuf_addch(&cmd, ' ');
	addons_sh_quote(&cmd, rec_out.buf);
	r->unless = strbuf_detach(&cmd, NULL);

	strbuf_release(&ds);
	strbuf_release(&rec);
	strbuf_release(&stamp);
	strbuf_release(&ds_out);
	strbuf_release(&rec_out);
}

/* the CRDs as released, then the workloads with their image pinned */
static int stack(const struct comp_ctx *ctx, const struct comp_host *h,
		 struct resource_list *out, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;

	manifest_path(&path, STACK, "00-ippools-crd.yaml");
	download_upload(ctx, DL_WHEREABOUTS_IPPOOLS, out, path.buf, 0644);
	strbuf_reset(&path);
	manifest_path(&path, STACK, "01-reservations-crd.yaml");
	download_upload(ctx, DL_WHEREABOUTS_RESERVATIONS, out, path.buf, 0644);
	strbuf_release(&path);
	add_workloads(ctx, out);
	return 0;
}

static void remove_work_dir(struct resource_list *out, const char *component)
{
	struct resource *r = resource_add(out, RES_ABSENT, component);

	r->path = xstrdup(WORK_DIR);
}

static const struct addon whereabouts = {
	.enabled = enabled,
	.stack = STACK,
	.before = stack,
	.off = remove_work_dir,
	/* the networks that use it are Multus NetworkAttachmentDefinitions */
	.needs = { "network-operator" },
};

const struct component component_whereabouts = ADDON_COMPONENT(
	"whereabouts", "Whereabouts IPAM for secondary networks, pinned release (add-on)",
	&whereabouts);
