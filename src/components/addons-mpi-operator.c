/*
 * mpi-operator (add-on, on the controllers): Kubeflow's MPI operator at
 * a pinned release (the original applied master, so every run could get
 * a different operator). Its release manifest (deploy/v2beta1, which
 * names its namespace on every object, as k0s's manifest deployer needs)
 * is downloaded once, checked against versions.mpi_operator_sha256 and
 * uploaded into the operator's stack as is.
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

#define COMP "mpi-operator"
#define STACK "mpi-operator"

static int enabled(const struct settings *s)
{
	return s->addons.mpi_operator;
}

/* the release manifest as is, checked against its pin */
static int release_manifest(const struct comp_ctx *ctx, const struct comp_host *h,
			    struct resource_list *out, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;

	manifest_path(&path, STACK, "10-mpi-operator.yaml");
	download_upload(ctx, DL_MPI_OPERATOR, out, path.buf, 0644);
	strbuf_release(&path);
	return 0;
}

static const struct addon mpi_operator = {
	.enabled = enabled,
	.stack = STACK,
	.before = release_manifest,
};

const struct component component_mpi_operator = ADDON_COMPONENT(
	"mpi-operator", "Kubeflow MPI operator at a pinned release (add-on)", &mpi_operator);
