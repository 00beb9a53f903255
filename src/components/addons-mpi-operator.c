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
	struct strbuf path = STRBUF_INIT, local = STRBUF_INIT;
	struct resource *r;

	if (!s->addons.mpi_operator) {
		manifest_stack_absent(out, COMP, STACK);
		return 0;
	}
	manifest_path(&path, STACK, "10-mpi-operator.yaml");
	addons_mpi_operator_cache(ctx, &local);
	r = resource_add(out, RES_UPLOAD, COMP);
	r->path = strbuf_detach(&path, NULL);
	r->local_path = strbuf_detach(&local, NULL);
	/* may be empty: settings_check_required() stops apply until it is set */
	r->sha256 = xstrdup(s->versions.mpi_operator_sha256);
	r->pin_key = "versions.mpi_operator_sha256";
	r->mode = 0644;
	(void)err;
	return 0;
}

const struct component component_mpi_operator = {
	"mpi-operator", "Kubeflow MPI operator at a pinned release (add-on)",
	COMP_ROLE_MASTER, mpi_operator_desired,
};
