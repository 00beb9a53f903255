/*
 * The Lustre project ids the Exascaler StorageClasses carry: for each
 * filesystem whose `project_id` cluster.yaml leaves empty, kcfg asks the
 * first worker (`lfs project -d MOUNT_POINT`, read-only), as the original
 * playbook did, before any component runs. An id it cannot read stays
 * empty, and plan and apply then stop with the reason.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/model.h"
#include "cli/run.h"
#include "components/addons.h"
#include "components/component.h"
#include "config/settings.h"
#include "config/settings-schema.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define PROJECT_ID_TIMEOUT_MS 60000u

struct reading {
	struct storage_fs **fs;		/* the filesystems asked about, by step */
	struct strbuf *why;
	const char *host;
};

static int on_id(struct runner_host *rh, size_t step, const struct runner_result *res,
		 void *data)
{
	struct reading *rd = data;
	struct storage_fs *fs = rd->fs[step];
	struct strbuf id = STRBUF_INIT;

	strbuf_addbuf(&id, &res->out);
	strbuf_trim(&id);
	if (runner_step_ok(res) == 0 && id.len && !project_id_check(id.buf)) {
		free(fs->project_id);
		fs->project_id = strbuf_detach(&id, NULL);
		log_msg(LOG_INFO, "%s: Lustre project id of %s: %s", rd->host, fs->mount_point,
			fs->project_id);
	} else if (!rd->why->len) {
		strbuf_addf(rd->why, "'lfs project -d %s' on '%s' gave no project id",
			    fs->mount_point, rd->host);
		if (res->err.len) {
			strbuf_addstr(rd->why, ": ");
			strbuf_add(rd->why, res->err.buf, strcspn(res->err.buf, "\n"));
		}
	}
	strbuf_release(&id);
	(void)rh;
	return 0;	/* a missing id stops the run later, with its reason */
}

void run_read_project_ids(struct run *run, struct strbuf *why)
{
	struct settings *s = &run->m->settings;
	struct storage_fs_list *fsl = &s->storage.filesystems;
	struct reading rd = { NULL, why, NULL };
	struct run_host *worker = run_first_host(run, COMP_ROLE_WORKER);
	int controller = 0;
	struct strbuf cmd = STRBUF_INIT;
	struct runner r;
	struct runner_host *rh;
	size_t n = 0;

	if (!s->addons.storage || !run_component_wanted(run->opts->components, "exascaler-csi"))
		return;
	/* only a picked controller renders the StorageClasses */
	for (size_t i = 0; i < run->nr && !controller; i++)
		if ((run->m->hosts[i].roles & COMP_ROLE_MASTER) && run->hosts[i].state == RUN_WAITING)
			controller = 1;
	if (!controller)
		return;
	rd.fs = xcalloc(fsl->nr ? fsl->nr : 1, sizeof(*rd.fs));
	for (size_t f = 0; f < fsl->nr; f++)
		if (!fsl->v[f].project_id || !*fsl->v[f].project_id)
			rd.fs[n++] = &fsl->v[f];
	if (!n || !worker) {	/* without a worker, the user must say */
		free(rd.fs);
		return;
	}
	rd.host = worker->name;
	run_runner_init(run, &r, on_id);
	r.data = &rd;
	rh = runner_add_host(&r, &worker->t);
	for (size_t k = 0; k < n; k++) {
		strbuf_reset(&cmd);
		addons_project_id_command(&cmd, rd.fs[k]->mount_point);
		runner_add_step(rh, "lfs project", cmd.buf, PROJECT_ID_TIMEOUT_MS);
	}
	runner_run(&r);
	if (rh->state != RUNNER_OK && !why->len)
		strbuf_addf(why, "cannot ask '%s': %s", worker->name,
			    rh->errmsg.len ? rh->errmsg.buf : "interrupted");
	runner_release(&r);
	strbuf_release(&cmd);
	free(rd.fs);
}
