/*
 * Where each release file kcfg uploads comes from, what it is called in
 * the cache, and which cluster.yaml keys pin it (see downloads.h).
 */
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "components/downloads.h"
#include "config/settings.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* How a URL is made from the release's base, its version and its file name. */
enum url_form {
	URL_BASE_NAME,		/* BASE NAME */
	URL_BASE_VERSION_NAME,	/* BASE VERSION "/" NAME */
	URL_BASE_VERSION_TAIL,	/* BASE VERSION TAIL */
};

#define WHEREABOUTS_RAW "https://raw.githubusercontent.com/k8snetworkplumbingwg/whereabouts/"

/* The version and pin come from these cluster.yaml keys; the schema says
 * which add-on, if any, the pin's download depends on. */
static const struct download_def {
	const char *component, *what;
	const char *version_key, *pin_key;
	const char *name_head, *name_tail;	/* NAME = HEAD VERSION TAIL */
	enum url_form form;
	const char *base, *tail;
} defs[DL__NR] = {
	[DL_K0S] = { "k0s", "the k0s binary", "versions.k0s", "versions.k0s_sha256",
		"k0s-", "-amd64",
		URL_BASE_VERSION_NAME, "https://github.com/k0sproject/k0s/releases/download/", "" },
	[DL_KUBECTL] = { "bastion", "the kubectl binary", "versions.kubectl",
		"versions.kubectl_sha256", "kubectl-", "-linux-amd64",
		URL_BASE_VERSION_TAIL, "https://dl.k8s.io/release/", "/bin/linux/amd64/kubectl" },
	[DL_HELM] = { "bastion", "the helm release tarball", "versions.helm",
		"versions.helm_sha256", "helm-", "-linux-amd64.tar.gz",
		URL_BASE_NAME, "https://get.helm.sh/", "" },
	[DL_HARBOR] = { "harbor", "the Harbor online installer", "versions.harbor",
		"versions.harbor_sha256", "harbor-online-installer-", ".tgz",
		URL_BASE_VERSION_NAME, "https://github.com/goharbor/harbor/releases/download/", "" },
	[DL_MPI_OPERATOR] = { "mpi-operator", "the MPI operator manifest",
		"versions.mpi_operator", "versions.mpi_operator_sha256", "mpi-operator-", ".yaml",
		URL_BASE_VERSION_TAIL, "https://raw.githubusercontent.com/kubeflow/mpi-operator/",
		"/deploy/v2beta1/mpi-operator.yaml" },
	[DL_EXASCALER_CSI] = { "exascaler-csi", "the Exascaler CSI driver manifest",
		"versions.exascaler_csi", "versions.exascaler_csi_sha256",
		"exascaler-csi-file-driver-", ".yaml",
		URL_BASE_VERSION_TAIL, "https://raw.githubusercontent.com/DDNStorage/exa-csi-driver/",
		"/deploy/kubernetes/exascaler-csi-file-driver.yaml" },
	/* Whereabouts: the files its README applies, one pin each */
	[DL_WHEREABOUTS_DAEMONSET] = { "whereabouts", "the Whereabouts DaemonSet manifest",
		"versions.whereabouts", "versions.whereabouts_daemonset_sha256",
		"whereabouts-", "-daemonset-install.yaml", URL_BASE_VERSION_TAIL, WHEREABOUTS_RAW,
		"/doc/crds/daemonset-install.yaml" },
	[DL_WHEREABOUTS_IPPOOLS] = { "whereabouts", "the Whereabouts IPPool CRD",
		"versions.whereabouts", "versions.whereabouts_ippools_sha256",
		"whereabouts-", "-ippools.yaml", URL_BASE_VERSION_TAIL, WHEREABOUTS_RAW,
		"/doc/crds/whereabouts.cni.cncf.io_ippools.yaml" },
	[DL_WHEREABOUTS_RESERVATIONS] = { "whereabouts",
		"the Whereabouts OverlappingRangeIPReservation CRD",
		"versions.whereabouts", "versions.whereabouts_reservations_sha256",
		"whereabouts-", "-overlappingrangeipreservations.yaml", URL_BASE_VERSION_TAIL,
		WHEREABOUTS_RAW, "/doc/crds/whereabouts.cni.cncf.io_overlappingrangeipreservations.yaml" },
	[DL_WHEREABOUTS_RECONCILER] = { "whereabouts", "the Whereabouts reconciler manifest",
		"versions.whereabouts", "versions.whereabouts_reconciler_sha256",
		"whereabouts-", "-reconciler-deployment.yaml", URL_BASE_VERSION_TAIL, WHEREABOUTS_RAW,
		"/doc/crds/reconciler-deployment.yaml" },
};

void download_get(const struct comp_ctx *ctx, enum download_id id, struct download *d)
{
	const struct download_def *def = &defs[id];
	const struct settings *s = ctx->settings;
	struct strbuf name = STRBUF_INIT, url = STRBUF_INIT, cache = STRBUF_INIT;

	memset(d, 0, sizeof(*d));
	d->id = id;
	d->component = def->component;
	d->what = def->what;
	d->version = settings_string(s, def->version_key);
	d->sha256 = settings_string(s, def->pin_key);
	d->version_key = def->version_key;
	d->pin_key = def->pin_key;
	d->needed = settings_pin_needed(s, def->pin_key);
	strbuf_addf(&name, "%s%s%s", def->name_head, d->version, def->name_tail);
	strbuf_addstr(&url, def->base);
	switch (def->form) {
	case URL_BASE_NAME:
		strbuf_addstr(&url, name.buf);
		break;
	case URL_BASE_VERSION_NAME:
		strbuf_addf(&url, "%s/%s", d->version, name.buf);
		break;
	case URL_BASE_VERSION_TAIL:
		strbuf_addf(&url, "%s%s", d->version, def->tail);
		break;
	}
	comp_cache_path(ctx, &cache, name.buf);
	d->name = strbuf_detach(&name, NULL);
	d->url = strbuf_detach(&url, NULL);
	d->cache_path = strbuf_detach(&cache, NULL);
}

struct resource *download_upload(const struct comp_ctx *ctx, enum download_id id,
				 struct resource_list *out, const char *remote_path,
				 unsigned mode)
{
	struct download d;
	struct resource *r;

	download_get(ctx, id, &d);
	r = resource_add(out, RES_UPLOAD, d.component);
	r->path = xstrdup(remote_path);
	r->local_path = d.cache_path;
	d.cache_path = NULL;
	r->sha256 = xstrdup(d.sha256);
	r->pin_key = d.pin_key;
	r->mode = mode;
	download_release(&d);
	return r;
}

void download_release(struct download *d)
{
	free(d->name);
	free(d->url);
	free(d->cache_path);
	memset(d, 0, sizeof(*d));
}
