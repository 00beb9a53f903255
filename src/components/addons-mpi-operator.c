/*
 * mpi-operator (add-on, on the controllers): Kubeflow's MPI operator at
 * a pinned release (the original applied master, so every run could get
 * a different operator). Its release manifest (deploy/v2beta1, which
 * names its namespace on every object, as k0s's manifest deployer needs)
 * is downloaded once, checked against versions.mpi_operator_sha256 and
 * uploaded into the operator's stack as is.
 */
#include "components/addons.h"
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

static int mpi_operator_desired(const struct comp_ctx *ctx, const struct comp_host *h,
				struct resource_list *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct strbuf path = STRBUF_INIT;

	if (!s->addons.mpi_operator) {
		manifest_stack_absent(out, COMP, STACK);
		return 0;
	}
	manifest_path(&path, STACK, "10-mpi-operator.yaml");
	/* the pin ships empty: plan and apply stop until it is set */
	download_upload(ctx, DL_MPI_OPERATOR, out, path.buf, 0644);
	strbuf_release(&path);
	(void)err;
	return 0;
}

const struct component component_mpi_operator = {
	"mpi-operator", "Kubeflow MPI operator at a pinned release (add-on)",
	COMP_ROLE_MASTER, mpi_operator_desired,
};
